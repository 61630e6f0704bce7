"""Follow the audit log as it grows: each change once, as soon as it is committed.
Run: python examples/watch.py   (Ctrl-C ends it)"""

from datetime import datetime, timedelta, timezone

from ayo_tickets import Tickets

t = Tickets.open_session()
t.create("Extract data from invoices")
an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
# Blocks, with the GIL released; `async for entry in t.watch():` waits in a thread of its own.
for entry in t.watch(since=an_hour_ago):
    print(entry.at, entry.actor, entry.ticket, entry.action, flush=True)

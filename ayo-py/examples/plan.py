"""Defer, why, links and the guide. Run: python examples/plan.py"""

from datetime import datetime, timezone

import ayo_tickets
from ayo_tickets import Tickets

t = Tickets.in_memory()
a = t.create("Renew the certificate", defer_until="30d")  # or an aware datetime
b, c = t.create("Rotate the keys"), t.create("Update the docs")
t.defer(a.id, datetime(2030, 12, 24, 9, tzinfo=timezone.utc))
why = t.why(a.id, agent="@ops")  # {"id", "ready", "claimable", "reasons": [{"kind", ...}]}
print(why["ready"], [r["kind"] for r in why["reasons"]])
t.defer(a.id, None)  # ready again
t.link(a.id, b.id, c.id)
t.unlink(a.id, b.id)
print(t.get(a.id).links == [c.id], t.get(c.id).links == [a.id])
print(ayo_tickets.GUIDE.splitlines()[0])  # the guide's text

"""Quickstart: plan a small pipeline, then run an agent loop that waits for work, claims it,
notes progress and closes it. Run: python examples/agent_loop.py"""

from __future__ import annotations

from ayo_tickets import Tickets


def plan(t: Tickets) -> None:
    """A pipeline of three steps; each waits for the one before."""
    extract = t.create("Extract data from invoices", priority=1)
    validate = t.create("Validate extracted data", deps=[extract.id])
    t.create("Import to accounting system", deps=[validate.id], tags=["finance"])


def do_the_work(title: str) -> str:
    return f"done: {title.lower()}"


def agent_loop(agent: str = "@worker", idle_timeout: float = 2.0) -> int:
    t = Tickets.open_session(actor=agent)  # $AYO_HOME/sessions/$AYO_SESSION_ID/.tickets
    closed = 0
    while True:
        # Blocks until a ticket is claimable (GIL released, Ctrl-C works); None when idle.
        ticket = t.claim(agent, wait=True, timeout=idle_timeout, lease=300)
        if ticket is None:
            break
        t.note(ticket.id, f"picked up {ticket.title!r}")
        result = do_the_work(ticket.title)
        done = t.close(ticket.id, reason=result)
        for ready in done.unblocked:
            print(f"{ready.id} is ready now: {ready.title}")
        closed += 1
    print(f"{agent} closed {closed} tickets")
    return closed


if __name__ == "__main__":
    plan(Tickets.open_session())
    agent_loop()

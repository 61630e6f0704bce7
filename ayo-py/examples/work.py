"""An agent's turn with work(): the block closes the ticket on a normal exit; an exception gives
it back with a note naming it, and is raised on. Run: python examples/work.py"""

from ayo_tickets import Tickets

t = Tickets.open_session(actor="@worker")
rows = ["a", "b", "c"]
t.create("Process the rows")

job = t.work("@worker", lease=60, wait=True, timeout=30)
if job is not None:
    with job:
        job.note(f"working on {job.ticket.title}")
        for row in rows:
            if job.lost:  # taken over, closed or released by someone else
                break
            print("processed", row)
    print(job.ticket.id, t.get(job.ticket.id).status)  # closed

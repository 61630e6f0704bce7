"""Item 7 of the reliability wave: under ``python -W error`` an ``UnreadableTicketWarning``
becomes an exception. A write that took effect (a claim, a close, an async claim) must still
return its result: the warning then goes to ``sys.unraisablehook`` (stderr), never raised in
place of the result. A read has nothing to lose and raises it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from ayo_tickets import Tickets


def run_strict(script: str, store: Path) -> subprocess.CompletedProcess[str]:
    """Runs ``script`` with ``python -W error`` on the store."""
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(script), str(store)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def store_with_junk(store: Path) -> list[str]:
    t = Tickets.open(store)
    ids = [t.create(f"job {i}").id for i in range(3)]
    (store / "junk.md").write_text("\x00\x01 not a ticket {{{")
    return ids


def test_a_claim_is_returned_when_warnings_are_errors(dir_store: Path) -> None:
    ids = store_with_junk(dir_store)
    r = run_strict(
        """
        import asyncio, sys
        from ayo_tickets import Tickets, UnreadableTicketWarning
        t = Tickets.open(sys.argv[1])
        got = t.claim("@w")
        print("claimed", got.id, flush=True)
        closed = t.close(got.id)
        print("closed", closed.ticket.id, flush=True)
        got = asyncio.run(t.claim_async("@w"))
        print("claimed", got.id, flush=True)
        try:
            t.ready()
        except UnreadableTicketWarning:
            print("the read raised", flush=True)
        """,
        dir_store,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines == [f"claimed {ids[0]}", f"closed {ids[0]}", f"claimed {ids[1]}",
                     "the read raised"], r.stdout
    # Each write's warning was reported, not lost.
    assert r.stderr.count("UnreadableTicketWarning") >= 3, r.stderr
    assert "junk.md" in r.stderr
    t = Tickets.open(dir_store)
    assert t.get(ids[1]).status == "in_progress" and t.get(ids[1]).assignee == "@w"
    assert t.get(ids[0]).status == "closed"

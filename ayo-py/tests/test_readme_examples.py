"""The README's examples of Running work, Watching changes and Defer (examples/work.py, watch.py,
plan.py) run as written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_the_work_example_closes_its_ticket(clean_env: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "work.py")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:3] == ["processed a", "processed b", "processed c"]
    ticket, status = lines[3].split()
    assert status == "closed"
    from ayo_tickets import Tickets

    closed = Tickets.open_session().get(ticket)
    assert closed.notes[0].text == "working on Process the rows"
    assert closed.notes[0].author == "@worker"


def test_the_watch_example_prints_changes_as_they_happen_and_ends_on_ctrl_c(clean_env: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "watch.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().split()
        assert first[-1] == "create", first  # replayed from the last hour
        from ayo_tickets import Tickets

        t = Tickets.open_session()
        ticket = t.create("Validate extracted data", assignee="@validator")
        t.claim("@validator")
        seen = [proc.stdout.readline().split() for _ in range(2)]
        assert [(s[-2], s[-1]) for s in seen] == [(ticket.id, "create"), (ticket.id, "claim")], seen
        assert seen[1][-3] == "@validator"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    # Ctrl-C ends the blocking watch with KeyboardInterrupt, as for any Python loop.
    assert proc.stderr is not None and "KeyboardInterrupt" in proc.stderr.read()


def test_the_plan_example_defers_explains_and_links(clean_env: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "plan.py")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "False ['deferred']",
        "True True",
        "# Working with ayo tickets",
    ]

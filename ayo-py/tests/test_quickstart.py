"""The README's quickstart (examples/agent_loop.py) runs as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "agent_loop.py"


def test_quickstart_agent_loop(clean_env: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1] == "@worker closed 3 tickets"
    assert any("is ready now: Validate extracted data" in l for l in lines)
    from ayo_tickets import Tickets

    t = Tickets.open_session()
    assert {x.status for x in t.list()} == {"closed"}
    assert all(any(n.author == "@worker" for n in x.notes) for x in t.list())

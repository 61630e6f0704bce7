"""A Claude Code task list as the store of the Python API: the seed workflow through
``Tickets.connect("claude:...")``, with every task file still in Claude Code's schema after each
write, and the list named by id under ``$CLAUDE_CONFIG_DIR/tasks/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Set

from ayo_tickets import Tickets


def assert_claude_schema(list_dir: Path) -> None:
    """ids are strings equal to the file name, ``activeForm`` is there, the status is one of
    Claude Code's, and every ``blocks`` is the exact reverse of the ``blockedBy`` lists."""
    tasks: Dict[str, Any] = {
        p.stem: json.loads(p.read_text()) for p in list_dir.glob("*.json")
    }
    reverse: Dict[str, Set[str]] = {}
    for tid, t in tasks.items():
        assert t["id"] == tid
        assert isinstance(t["activeForm"], str) and isinstance(t["subject"], str)
        assert t["status"] in ("pending", "in_progress", "completed", "deleted")
        for dep in t["blockedBy"]:
            reverse.setdefault(dep, set()).add(tid)
    for tid, t in tasks.items():
        assert set(t["blocks"]) == reverse.get(tid, set()), tid


def test_seed_workflow_on_a_claude_list(tmp_path: Path) -> None:
    list_dir = tmp_path / "list"
    t = Tickets.connect(f"claude:{list_dir}", actor="py")
    assert t.location == f"claude:{list_dir}"
    a = t.create("Extract data", assignee="extractor")
    b = t.create("Validate data", deps=[a.id])
    c = t.create("Import data", deps=[b.id])
    assert [a.id, b.id, c.id] == ["1", "2", "3"]
    assert_claude_schema(list_dir)
    assert [x.id for x in t.ready()] == ["1"]

    claimed = t.claim("extractor")
    assert claimed is not None and claimed.id == "1"
    assert_claude_schema(list_dir)
    t.note("1", "Half of the invoices read")
    assert_claude_schema(list_dir)
    closed = t.close("1", reason="done")
    assert [x.id for x in closed.unblocked] == ["2"]
    assert_claude_schema(list_dir)

    task = json.loads((list_dir / "1.json").read_text())
    assert task["status"] == "completed"
    assert task["owner"] == "@extractor"
    assert task["blocks"] == ["2"]
    assert task["metadata"]["ayo"]["notes"][0]["text"] == "Half of the invoices read"
    assert [e.action for e in t.history("1")][:2] == ["create", "claim"]


def test_a_list_by_id_under_claude_config_dir(tmp_path: Path) -> None:
    # In a child process, so that its environment is its own.
    code = (
        "from ayo_tickets import Tickets\n"
        "t = Tickets.connect('claude:team')\n"
        "print(t.create('From Python').id)\n"
    )
    env = dict(os.environ, CLAUDE_CONFIG_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1"
    task = json.loads((tmp_path / "tasks" / "team" / "1.json").read_text())
    assert task["subject"] == "From Python" and task["activeForm"]

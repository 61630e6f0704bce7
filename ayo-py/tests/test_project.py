"""Tickets.open_project: the nearest .tickets/ upward; linked git worktrees share the main one's."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import ayo_tickets
from ayo_tickets import Tickets


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
         "-c", "init.defaultBranch=main", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def test_nearest_tickets_upward_from_start_or_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "proj" / ".tickets").mkdir(parents=True)
    deep = tmp_path / "proj" / "src" / "deep"
    deep.mkdir(parents=True)
    made = Tickets.open_project(deep, actor="planner").create("found from below")
    assert (tmp_path / "proj" / ".tickets" / f"{made.id}.md").is_file()
    monkeypatch.chdir(deep)
    t = Tickets.open_project()
    assert t.actor is None
    assert [x.id for x in t.list()] == [made.id]
    assert Tickets.open_project(str(deep), actor="me").actor == "@me"


def test_none_found_is_invalid(tmp_path: Path) -> None:
    if any((p / ".tickets").is_dir() for p in tmp_path.resolve().parents):
        pytest.skip("a .tickets/ exists above the temp directory")
    with pytest.raises(ayo_tickets.InvalidInput, match=r"no \.tickets/ found from .* upward"):
        Tickets.open_project(tmp_path)


def test_linked_worktrees_share_the_main_store_and_its_claims(tmp_path: Path) -> None:
    main = tmp_path / "repo"
    main.mkdir()
    git(main, "init", "-q")
    t = Tickets.open(main / ".tickets")
    only = t.create("the one task")
    git(main, "add", "-A")
    git(main, "commit", "-q", "-m", "tickets")
    git(main, "worktree", "add", "-q", "../wt1", "-b", "wt1")
    git(main, "worktree", "add", "-q", "../wt2", "-b", "wt2")
    one = Tickets.open_project(tmp_path / "wt1")
    two = Tickets.open_project(tmp_path / "wt2")
    got = one.claim("agent1")
    assert got is not None and got.id == only.id
    assert two.claim("agent2") is None
    assert two.get(only.id).assignee == "@agent1"
    # The main worktree's file changed; wt2's checked-out copy did not.
    assert "in_progress" in (main / ".tickets" / f"{only.id}.md").read_text()
    assert "in_progress" not in (tmp_path / "wt2" / ".tickets" / f"{only.id}.md").read_text()

"""Reading the sample `.tickets/` directories of tk and of ayo (ayo-tickets/tests/fixtures)
in place (they are read-only), and writing to a copy without losing what was there."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ayo_tickets import Tickets

FIXTURES = Path(__file__).resolve().parents[2] / "ayo-tickets" / "tests" / "fixtures"
TK = FIXTURES / "tk"
AYO = FIXTURES / "ayo"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def test_tk_ready_and_blocked() -> None:
    t = Tickets.open(TK)
    assert [x.id for x in t.list()] == ["web-a1b2", "web-x7k2", "web-q9z0"]
    assert [x.id for x in t.ready()] == ["web-q9z0"]
    x = t.get("web-x7k2")
    assert x.status == "in_progress"
    assert x.deps == ["web-a1b2", "web-q9z0"]
    assert x.blocked_by == ["web-q9z0"]
    assert x.ready is False
    assert [b.id for b in t.blocked()] == ["web-x7k2"]
    assert (x.type, x.priority, x.tags, x.parent) == ("feature", 2, ["ui", "backend"], "web-ep01")
    assert x.assignee == "Jane Doe"
    assert x.created == utc("2026-01-18T12:05:00Z")
    assert "## Design" in x.description and "Clients reconnect within 5 s." in x.description


def test_tk_notes_and_text() -> None:
    t = Tickets.open(TK)
    a = t.get("web-a1b2")
    assert a.status == "closed" and a.priority == 1
    assert [n.text for n in a.notes] == ["Server runs on :8080.", "Added graceful shutdown."]
    assert [n.at for n in a.notes] == [utc("2026-01-18T15:00:00Z"), utc("2026-01-19T09:30:00Z")]
    assert a.description.strip() == "Plain net/http for now."
    q = t.get("web-q9z0")
    assert q.title == 'Fix: title with a colon: and "quotes"'
    assert q.type == "bug" and q.priority == 0 and q.assignee is None
    assert "A line with --- inside it" in q.description
    assert "Still the description." in q.description
    # Filters match a plain name with or without the "@".
    assert [x.id for x in t.list(assignee="Jane Doe")] == ["web-a1b2", "web-x7k2"]


def test_tk_dep_tree_and_check() -> None:
    t = Tickets.open(TK)
    tree = t.dep_tree("web-x7k2")
    assert [(d.id, d.status) for d in tree.deps] == [("web-a1b2", "closed"), ("web-q9z0", "open")]
    assert t.check() == []
    assert t.get("web-x").id == "web-x7k2"  # prefix lookup in tk's ids


def test_ayo_dialect() -> None:
    t = Tickets.open(AYO)
    a = t.get("proj-a1b2")
    assert a.status == "in_progress" and a.ready is False and a.blocked_by == []
    assert t.ready() == [] and t.blocked() == []
    assert a.assignee == "@backend" and a.tags == ["auth"] and a.deps == ["proj-9f3c"]
    assert a.started == utc("2026-02-12T11:00:00Z")
    assert [n.text for n in a.notes] == ["Completed JWT design", "Token refresh works;\ntests next."]
    done = t.get("proj-9f3c")
    assert done.status == "closed" and done.closed == utc("2026-02-12T10:00:00Z")
    assert [n.text for n in done.notes] == ["Picked the maintained one."]
    assert [x.id for x in t.list(assignee="backend")] == ["proj-9f3c", "proj-a1b2"]


@pytest.mark.parametrize("dialect", ["tk", "ayo"])
def test_reads_leave_the_files_alone(dialect: str, tmp_path: Path) -> None:
    copy = tmp_path / dialect
    shutil.copytree(FIXTURES / dialect, copy)
    for f in copy.iterdir():
        f.chmod(0o644)
    before = {f.name: f.read_bytes() for f in copy.glob("*.md")}
    t = Tickets.open(copy)
    t.list()
    t.ready()
    t.check()
    assert {f.name: f.read_bytes() for f in copy.glob("*.md")} == before


def test_writes_to_a_tk_copy_keep_the_rest(tmp_path: Path) -> None:
    copy = tmp_path / "tk"
    shutil.copytree(TK, copy)
    for f in copy.iterdir():
        f.chmod(0o644)
    dependent = (copy / "web-x7k2.md").read_bytes()
    t = Tickets.open(copy)
    closed = t.close("web-q9z0", reason="fixed")
    assert closed.unblocked == []  # web-x7k2 is in progress, not open
    assert t.get("web-x7k2").blocked_by == []
    # Closing never rewrites the dependents.
    assert (copy / "web-x7k2.md").read_bytes() == dependent
    t.note("web-a1b2", "Third note")
    a = t.get("web-a1b2")
    assert [n.text for n in a.notes] == [
        "Server runs on :8080.",
        "Added graceful shutdown.",
        "Third note",
    ]
    text = (copy / "web-a1b2.md").read_text()
    assert "**2026-01-18T15:00:00Z**" in text and "Third note" in text
    assert "assignee: Jane Doe" in text


CORPUS = FIXTURES / "corpus"


def test_the_corpus_reads_as_the_core_reads_it(tmp_path: Path) -> None:
    """Every file of the corpus (tk's, ayo's and hand-written forms, odd files) is listed and
    reads as the core's corpus test recorded it in corpus-expected.json."""
    import json

    expected = json.loads((FIXTURES / "corpus-expected.json").read_text())
    shutil.copytree(CORPUS, tmp_path / "c")
    t = Tickets.open(tmp_path / "c", actor="@py")
    listed = t.list()
    assert len(listed) == len(list(CORPUS.glob("*.md")))
    assert [x.id for x in listed] == expected["list"]
    assert [x.id for x in t.ready()] == expected["ready"]
    for x in listed:
        assert t.get(x.id).to_dict() == expected["tickets"][x.id], x.id
    basic = t.get("c-tk-basic")
    assert (basic.links, basic.external_ref) == (["c-tk-open", "c-done"], "gh-42")
    assert t.get("c-deferred").status == "deferred"
    assert t.get("c-done").status == "closed"
    assert t.get("c-completed").priority == 1
    assert t.get("c-wip").created == utc("2026-02-24T00:00:00Z")
    values = [p for p in t.check() if p.kind == "nonstandard_value" and p.ticket == "c-done"]
    assert [(p.line, p.field, p.written, p.read_as) for p in values] == [
        (3, "status", "done", "closed")
    ]
    # A note on a tk file is written as tk writes it.
    t.note("c-only-notes", "From Python.")
    text = (tmp_path / "c" / "c-only-notes.md").read_text()
    heading = text.rstrip("\n").split("\n")[-3]
    assert heading.startswith("**") and heading.endswith(" @py**"), text

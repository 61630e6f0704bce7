"""Every operation of the contract, through the Python API (mirrors the core's tests)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

import ayo_tickets
from ayo_tickets import Closed, DepTree, LogEntry, Note, Ticket, Tickets


def test_create_returns_ticket_with_fields_as_attributes(t: Tickets) -> None:
    a = t.create("Extract data from invoices", assignee="extractor", tags=["finance"])
    b = t.create(
        "Validate extracted data",
        assignee="@validator",
        deps=[a.id],
        priority=1,
        type="bug",
        description="Check every total.",
        parent=a.id,
        id="step2",
    )
    assert isinstance(b, Ticket)
    assert b.id == "step2"
    assert b.title == "Validate extracted data"
    assert b.status == "open"
    assert b.assignee == "@validator"
    assert a.assignee == "@extractor"
    assert b.deps == [a.id]
    assert b.blocked_by == [a.id]
    assert b.ready is False
    assert a.ready is True
    assert b.priority == 1
    assert a.priority == 2
    assert b.type == "bug"
    assert a.type == "task"
    assert a.tags == ["finance"]
    assert b.parent == a.id
    assert b.description == "Check every total."
    assert b.notes == []
    assert b.started is None and b.closed is None and b.lease_until is None


def test_generated_ids_follow_the_contract(t: Tickets) -> None:
    ids = {t.create(f"ticket {i}").id for i in range(20)}
    assert len(ids) == 20
    for i in ids:
        assert re.fullmatch(r"[a-z][a-z0-9]{5}", i), i


def test_times_are_timezone_aware(t: Tickets) -> None:
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    a = t.create("timed")
    assert a.created is not None
    assert a.created.tzinfo is not None
    assert a.created.utcoffset() == timedelta(0)
    assert before <= a.created <= datetime.now(timezone.utc) + timedelta(seconds=5)
    started = t.start(a.id, agent="w")
    assert started.started is not None and started.started.tzinfo is not None
    closed = t.close(a.id).ticket
    assert closed.closed is not None and closed.closed >= started.started


def test_to_dict_is_the_json_shape(t: Tickets) -> None:
    a = t.create("Extract", assignee="@x", tags=["f"])
    b = t.create("Validate", deps=[a.id])
    d = b.to_dict()
    assert set(d) == {
        "id", "title", "status", "assignee", "deps", "blocked_by", "ready", "priority",
        "type", "tags", "parent", "links", "external_ref", "description", "notes", "created", "started", "closed",
        "lease_until", "defer_until",
    }
    assert d["blocked_by"] == [a.id] and d["ready"] is False and d["type"] == "task"
    assert isinstance(d["created"], str) and d["created"].endswith("Z")
    assert d["started"] is None and d["assignee"] is None
    assert json.loads(json.dumps(d)) == d
    t.note(a.id, "hello")
    notes = t.get(a.id).to_dict()["notes"]
    assert notes[0]["text"] == "hello" and set(notes[0]) == {"at", "author", "text"}


def test_get_by_exact_id_and_unique_prefix(t: Tickets) -> None:
    t.create("one", id="abc1")
    t.create("two", id="abd2")
    assert t.get("abc1").title == "one"
    assert t.get("abc").title == "one"
    assert t.get("abd").id == "abd2"
    with pytest.raises(ayo_tickets.AmbiguousId) as e:
        t.get("ab")
    assert e.value.candidates == ["abc1", "abd2"]
    with pytest.raises(ayo_tickets.TicketNotFound):
        t.get("zz")
    # Every operation that takes an id takes a prefix.
    assert t.note("abd", "by prefix").notes[0].text == "by prefix"


def test_list_filters_and_order(t: Tickets) -> None:
    a = t.create("a", assignee="@x", tags=["red"], type="bug")
    b = t.create("b", assignee="y", tags=["blue"], parent=a.id)
    c = t.create("c", tags=["red", "blue"])
    t.start(c.id)
    assert [x.id for x in t.list()] == [a.id, b.id, c.id]
    assert [x.id for x in t.list(status="in_progress")] == [c.id]
    assert [x.id for x in t.list(status="open")] == [a.id, b.id]
    assert [x.id for x in t.list(assignee="x")] == [a.id]
    assert [x.id for x in t.list(assignee="@y")] == [b.id]
    assert [x.id for x in t.list(tag="red")] == [a.id, c.id]
    assert [x.id for x in t.list(type="bug")] == [a.id]
    assert [x.id for x in t.list(parent=a.id)] == [b.id]
    assert [x.id for x in t.list(tag="red", status="open")] == [a.id]
    with pytest.raises(ayo_tickets.InvalidInput):
        t.list(status="blocked")  # type: ignore[arg-type]


def test_ready_and_blocked(t: Tickets) -> None:
    low = t.create("low", priority=3)
    urgent = t.create("urgent", priority=0, assignee="@v")
    dep = t.create("dep")
    waiting = t.create("waiting", deps=[dep.id], assignee="@v")
    assert [x.id for x in t.ready()] == [urgent.id, dep.id, low.id]
    assert [x.id for x in t.ready(assignee="v")] == [urgent.id]
    assert [x.id for x in t.blocked()] == [waiting.id]
    assert [x.id for x in t.blocked(assignee="@v")] == [waiting.id]
    assert t.blocked(assignee="@nobody") == []
    t.close(dep.id)
    assert t.blocked() == []
    assert [x.id for x in t.ready(assignee="@v")] == [urgent.id, waiting.id]


def test_update_edits_given_fields_only(t: Tickets) -> None:
    epic = t.create("epic", type="epic")
    a = t.create("old", description="keep", tags=["x"], priority=3)
    u = t.update(a.id, title="new", priority=0, type="chore", tags=["y", "z"], parent=epic.id)
    assert (u.title, u.priority, u.type, u.tags, u.parent) == ("new", 0, "chore", ["y", "z"], epic.id)
    assert u.description == "keep"
    u = t.update(a.id, description="changed")
    assert u.description == "changed" and u.title == "new" and u.parent == epic.id
    with pytest.raises(ayo_tickets.InvalidInput, match="parent must name a ticket"):
        t.update(a.id, parent="")
    assert t.get(a.id).parent == epic.id
    assert t.update(a.id, title="kept parent").parent == epic.id  # not given: kept
    assert t.update(a.id, parent=None).parent is None  # an explicit None clears
    with pytest.raises(ayo_tickets.InvalidInput):
        t.update(a.id, priority=9)
    with pytest.raises(ayo_tickets.InvalidInput):
        t.update(a.id, title="")


def test_start_release_reopen(t: Tickets) -> None:
    a = t.create("work")
    s = t.start(a.id, agent="w1")
    assert s.status == "in_progress" and s.assignee == "@w1" and s.started is not None
    assert t.start(a.id, agent="@w1").status == "in_progress"  # same agent: no-op
    with pytest.raises(ayo_tickets.ConflictError):
        t.start(a.id, agent="w2")
    r = t.release(a.id, agent="w1")
    assert r.status == "open" and r.assignee == "@w1"
    t.close(a.id)
    with pytest.raises(ayo_tickets.InvalidTransition):
        t.close(a.id)
    assert t.reopen(a.id).status == "open"
    with pytest.raises(ayo_tickets.InvalidTransition):
        t.reopen(a.id)


def test_start_blocked_needs_force(t: Tickets) -> None:
    dep = t.create("dep")
    a = t.create("a", deps=[dep.id])
    with pytest.raises(ayo_tickets.BlockedError) as e:
        t.start(a.id)
    assert e.value.blocked_by == [dep.id]
    assert t.start(a.id, force=True).status == "in_progress"


def test_close_returns_ticket_and_unblocked(t: Tickets) -> None:
    a = t.create("Extract")
    b = t.create("Validate", deps=[a.id])
    c = t.create("Import", deps=[b.id])
    d = t.create("Both", deps=[a.id, c.id])
    closed = t.close(a.id, reason="47 reports")
    assert isinstance(closed, Closed)
    assert closed.ticket.id == a.id and closed.ticket.status == "closed"
    assert closed.ticket.notes[-1].text == "47 reports"
    assert [x.id for x in closed.unblocked] == [b.id]
    assert closed.unblocked[0].ready is True
    assert t.get(d.id).blocked_by == [c.id]
    as_dict = closed.to_dict()
    assert as_dict["ticket"]["id"] == a.id
    assert [x["id"] for x in as_dict["unblocked"]] == [b.id]
    assert t.close(b.id).unblocked[0].id == c.id


def test_note_and_actor(tmp_path: object) -> None:
    t = Tickets.in_memory(actor="processor")
    assert t.actor == "@processor"
    a = t.create("noted")
    n = t.note(a.id, "Processed 47 reports")
    t.note(a.id, "second\nline")
    notes = t.get(a.id).notes
    assert [x.text for x in notes] == ["Processed 47 reports", "second\nline"]
    assert isinstance(notes[0], Note)
    assert notes[0].author == "@processor"
    assert notes[0].at.tzinfo is not None and notes[0].at <= notes[1].at
    assert n.notes[0].to_dict()["author"] == "@processor"
    assert Tickets.in_memory().actor is None


def test_actor_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AYO_AGENT", "envbot")
    assert Tickets.in_memory().actor == "@envbot"
    assert Tickets.in_memory(actor="@given").actor == "@given"


@pytest.mark.parametrize("value", ["0", "abc", "-5"])
def test_a_bad_ayo_lease_is_invalid_when_the_handle_opens(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("AYO_LEASE", value)
    with pytest.raises(ayo_tickets.InvalidInput, match="AYO_LEASE"):
        Tickets.in_memory()
    monkeypatch.setenv("AYO_LEASE", "60")
    t = Tickets.in_memory()
    t.create("job")
    claimed = t.claim("w")
    assert claimed is not None and claimed.lease_until is not None


def test_open_takes_a_default_lease_and_tells_its_location(tmp_path: object) -> None:
    t = Tickets.in_memory(lease=60)
    assert t.location == "memory"
    t.create("job")
    claimed = t.claim("w")
    assert claimed is not None and claimed.lease_until is not None
    d = Tickets.open(str(tmp_path), lease=30)
    assert d.location == str(tmp_path)
    message = "lease must be a whole number of seconds, at least 1"
    for bad in (0, -1):
        with pytest.raises(ayo_tickets.InvalidInput, match=message):
            Tickets.in_memory(lease=bad)
    with pytest.raises(ayo_tickets.InvalidInput, match=message):
        Tickets.in_memory(lease=1.5)  # type: ignore[arg-type]


def test_assign_sets_and_clears(t: Tickets) -> None:
    a = t.create("a")
    assert t.assign(a.id, "finance").assignee == "@finance"
    assert t.assign(a.id, "@ops").assignee == "@ops"
    assert t.assign(a.id, None).assignee is None


def test_deps_add_remove_and_cycles(t: Tickets) -> None:
    a = t.create("a")
    b = t.create("b")
    c = t.create("c")
    assert t.add_dep(a.id, c.id).deps == [c.id]
    t.add_dep(c.id, b.id)
    with pytest.raises(ayo_tickets.CycleError) as e:
        t.add_dep(b.id, a.id)
    assert e.value.cycle == [b.id, a.id, c.id, b.id]
    assert " -> ".join(e.value.cycle) in str(e.value)
    with pytest.raises(ayo_tickets.CycleError) as e:
        t.add_dep(a.id, a.id)
    assert e.value.cycle == [a.id, a.id]
    assert t.remove_dep(a.id, c.id).deps == []
    assert t.add_dep(b.id, a.id).deps == [a.id]
    with pytest.raises(ayo_tickets.TicketNotFound):
        t.add_dep(a.id, "missing")
    with pytest.raises(ayo_tickets.TicketNotFound):
        t.create("x", deps=["missing"])


def test_dep_tree(t: Tickets) -> None:
    a = t.create("a")
    b = t.create("b", deps=[a.id])
    c = t.create("c", deps=[b.id, a.id])
    tree = t.dep_tree(c.id)
    assert isinstance(tree, DepTree)
    assert tree.id == c.id and tree.title == "c" and tree.status == "open"
    assert [d.id for d in tree.deps] == [b.id, a.id]
    assert [d.id for d in tree.deps[0].deps] == [a.id]
    assert tree.deps[1].repeated is True and tree.deps[1].missing is False
    d = tree.to_dict()
    assert d["deps"][0]["deps"][0]["id"] == a.id


def test_delete(t: Tickets) -> None:
    a = t.create("a")
    b = t.create("b", deps=[a.id])
    with pytest.raises(ayo_tickets.ConflictError):
        t.delete(a.id)
    gone = t.delete(a.id, force=True)
    assert gone.id == a.id
    assert t.get(b.id).deps == []
    with pytest.raises(ayo_tickets.TicketNotFound):
        t.get(a.id)
    assert t.delete(b.id).id == b.id
    assert t.list() == []


def test_history(t: Tickets) -> None:

    a = t.create("a")
    t.start(a.id, agent="w")
    t.close(a.id)
    b = t.create("b")
    entries = t.history(a.id)
    assert [e.action for e in entries] == ["create", "start", "close"]
    assert all(isinstance(e, LogEntry) and e.ticket == a.id for e in entries)
    assert entries[1].actor == "@w"
    assert entries[0].at.tzinfo is not None and entries[0].at <= entries[2].at
    assert [e.ticket for e in t.history()] == [a.id, a.id, a.id, b.id]
    assert set(entries[0].to_dict()) == {"at", "actor", "ticket", "action", "detail"}
    t.delete(a.id)
    assert t.history(a.id)[-1].action == "delete"


def test_graph(t: Tickets) -> None:
    a = t.create("a", id="a1")
    t.create("b", id="b1", deps=[a.id])
    mermaid = t.graph()
    assert mermaid.startswith("graph") and "b1" in mermaid and "a1" in mermaid
    dot = t.graph(format="dot")
    assert dot.startswith("digraph") and "b1" in dot
    assert "b1" not in t.graph("a1")
    with pytest.raises(ayo_tickets.InvalidInput):
        t.graph(format="svg")  # type: ignore[arg-type]


def test_check_on_a_clean_store_is_empty(t: Tickets) -> None:
    a = t.create("a")
    t.create("b", deps=[a.id])
    assert t.check() == []


def test_claim_order_and_lease(t: Tickets) -> None:
    mine = t.create("mine", assignee="@w", priority=3)
    other = t.create("other's", assignee="@z", priority=0)
    free = t.create("free", priority=1)
    got = t.claim("w")
    assert got is not None and got.id == mine.id  # its own first
    assert got.status == "in_progress" and got.assignee == "@w" and got.lease_until is None
    got = t.claim("w", lease=60)
    assert got is not None and got.id == free.id
    assert got.lease_until is not None
    assert timedelta(seconds=55) < got.lease_until - datetime.now(timezone.utc) < timedelta(seconds=65)
    assert t.claim("w") is None
    assert t.get(other.id).status == "open"
    renewed = t.heartbeat(free.id, "w", lease=600)
    assert renewed.lease_until is not None and renewed.lease_until > got.lease_until
    with pytest.raises(ayo_tickets.ConflictError):
        t.heartbeat(free.id, "z")
    with pytest.raises(ayo_tickets.InvalidInput):
        t.claim("w", lease=-1)


def test_expired_lease_is_taken_over(t: Tickets) -> None:
    a = t.create("a")
    first = t.claim("one", lease=1)
    assert first is not None and first.id == a.id
    assert t.claim("two") is None
    taken = t.claim("two", wait=True, timeout=10)
    assert taken is not None and taken.id == a.id and taken.assignee == "@two"
    assert "@one" in taken.notes[-1].text
    with pytest.raises(ayo_tickets.ConflictError):
        t.heartbeat(a.id, "one")


def test_claim_wait_timeout_returns_none(t: Tickets) -> None:
    start = datetime.now()
    assert t.claim("w", wait=True, timeout=0.3) is None
    assert (datetime.now() - start).total_seconds() >= 0.25
    with pytest.raises(ayo_tickets.InvalidInput):
        t.claim("w", wait=True, timeout=-1)


def test_wait_ready_returns_first_without_claiming(t: Tickets) -> None:
    assert t.wait_ready(timeout=0.2) is None
    a = t.create("a", assignee="@v")
    got = t.wait_ready(assignee="v", timeout=1)
    assert got is not None and got.id == a.id and got.status == "open"
    assert t.wait_ready(assignee="other", timeout=0.1) is None


def test_batch_commits_on_clean_exit(t: Tickets) -> None:
    with t.batch() as b:
        assert b is t
        for i in range(10):
            t.create(f"bulk {i}")
        with t.batch():  # nests
            t.create("inner")
    assert len(t.list()) == 11


def test_batch_drops_writes_on_exception(t: Tickets) -> None:
    keep = t.create("kept")
    with pytest.raises(RuntimeError):
        with t.batch():
            t.create("dropped")
            t.close(keep.id)
            raise RuntimeError("boom")
    assert [x.title for x in t.list()] == ["kept"]
    assert t.get(keep.id).status == "open"
    # The handle is usable again after a dropped batch.
    with t.batch():
        t.create("after")
    assert len(t.list()) == 2


def test_batch_is_visible_to_other_handles_only_after_commit(dir_store: object) -> None:
    from pathlib import Path

    assert isinstance(dir_store, Path)
    writer = Tickets.open(dir_store)
    writer.create("first")
    reader = Tickets.open(dir_store)
    with writer.batch():
        writer.create("second")
        assert len(reader.list()) == 1
    assert len(reader.list()) == 2


def test_objects_are_frozen_and_compare_by_value(t: Tickets) -> None:
    a = t.create("a")
    with pytest.raises(AttributeError):
        a.title = "changed"  # type: ignore[misc]
    assert t.get(a.id) == t.get(a.id)
    assert t.get(a.id) != t.note(a.id, "n")
    assert repr(a) == f"Ticket(id='{a.id}', title='a', status='open')"
    with pytest.raises(TypeError):
        Tickets()  # type: ignore[call-arg]


def test_open_accepts_str_and_pathlike(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    d = tmp_path / "x" / ".tickets"
    Tickets.open(str(d)).create("via str")
    assert [x.title for x in Tickets.open(d).list()] == ["via str"]
    assert (d / f"{Tickets.open(d).list()[0].id}.md").is_file()


def test_version() -> None:
    assert ayo_tickets.__version__.count(".") == 2

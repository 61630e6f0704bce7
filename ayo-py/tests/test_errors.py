"""Every exception class of the contract: raised by the real module, with `.code` and the
attributes the core's error carries, all under AyoError; and unreadable-file warnings."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import pytest

import ayo_tickets
from ayo_tickets import Tickets

CODES = {
    "TicketNotFound": "NOT_FOUND",
    "AmbiguousId": "AMBIGUOUS",
    "TicketExists": "EXISTS",
    "CycleError": "CYCLE",
    "InvalidTransition": "INVALID_TRANSITION",
    "BlockedError": "BLOCKED",
    "ConflictError": "CONFLICT",
    "InvalidInput": "INVALID",
    "ParseError": "PARSE",
    "StorageError": "STORAGE",
    "Interrupted": "INTERRUPTED",
}


@pytest.mark.parametrize("name", sorted(CODES))
def test_every_class_is_exported_under_ayoerror_with_its_code(name: str) -> None:
    cls = getattr(ayo_tickets, name)
    assert issubclass(cls, ayo_tickets.AyoError)
    assert issubclass(cls, Exception)
    assert cls.code == CODES[name]


def test_invalid_input_is_also_a_value_error() -> None:
    t = Tickets.in_memory()
    with pytest.raises(ValueError) as e:
        t.create("   ")
    assert isinstance(e.value, ayo_tickets.InvalidInput)
    assert e.value.code == "INVALID"
    for bad in (lambda: t.create("x", priority=5), lambda: t.create("x", id="../etc"),
                lambda: t.create("x", type="story"), lambda: Tickets.open_session("a b")):
        with pytest.raises(ayo_tickets.InvalidInput):
            bad()


def test_not_found() -> None:
    with pytest.raises(ayo_tickets.TicketNotFound) as e:
        Tickets.in_memory().get("nope")
    assert e.value.code == "NOT_FOUND" and e.value.id == "nope" and "nope" in str(e.value)


def test_remove_dep_of_a_dep_the_ticket_does_not_have_names_both() -> None:
    t = Tickets.in_memory()
    t.create("A", id="a")
    t.create("D", id="d")
    with pytest.raises(ayo_tickets.TicketNotFound) as e:
        t.remove_dep("a", "d")
    assert e.value.code == "NOT_FOUND" and e.value.id == "a" and e.value.dep == "d"
    assert str(e.value) == "ticket 'a' does not depend on 'd'"
    with pytest.raises(ayo_tickets.TicketNotFound) as e:
        t.get("nope")
    assert e.value.dep is None


def test_ambiguous_carries_candidates() -> None:
    t = Tickets.in_memory()
    for i in ("job1", "job2", "job3"):
        t.create(i, id=i)
    with pytest.raises(ayo_tickets.AmbiguousId) as e:
        t.start("job")
    assert e.value.code == "AMBIGUOUS"
    assert e.value.prefix == "job"
    assert e.value.candidates == ["job1", "job2", "job3"]
    assert "job1, job2, job3" in str(e.value)


def test_ambiguous_is_the_same_error_object_as_in_the_cli_and_node() -> None:
    # The core's error object (code, message, fields under the core's names), as the CLI's
    # JSON and Node's error give it for the same call (ayo-cli tests/integration/errors.rs,
    # ayo-node tests/errors.test.mjs).
    t = Tickets.in_memory()
    t.create("One", id="ab2")
    t.create("Two", id="ab1")
    with pytest.raises(ayo_tickets.AmbiguousId) as e:
        t.start("ab")
    got = {"code": e.value.code, "message": str(e.value), "prefix": e.value.prefix,
           "candidates": e.value.candidates}
    assert got == {"code": "AMBIGUOUS", "message": "'ab' matches several tickets: ab1, ab2",
                   "prefix": "ab", "candidates": ["ab1", "ab2"]}


def test_interrupted_is_an_ayo_error_that_pickles() -> None:
    e = ayo_tickets.Interrupted("interrupted")
    assert isinstance(e, ayo_tickets.AyoError) and e.code == "INTERRUPTED"
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is ayo_tickets.Interrupted and str(back) == "interrupted"


def test_exists() -> None:
    t = Tickets.in_memory()
    t.create("a", id="taken")
    with pytest.raises(ayo_tickets.TicketExists) as e:
        t.create("b", id="taken")
    assert e.value.code == "EXISTS" and e.value.id == "taken"


def test_cycle_carries_the_path() -> None:
    t = Tickets.in_memory()
    t.create("a", id="a")
    t.create("b", id="b", deps=["a"])
    with pytest.raises(ayo_tickets.CycleError) as e:
        t.add_dep("a", "b")
    assert e.value.code == "CYCLE"
    assert e.value.cycle == ["a", "b", "a"]
    assert "a -> b -> a" in str(e.value)


def test_invalid_transition() -> None:
    t = Tickets.in_memory()
    a = t.create("a")
    t.close(a.id)
    with pytest.raises(ayo_tickets.InvalidTransition) as e:
        t.close(a.id)
    assert e.value.code == "INVALID_TRANSITION"
    assert (e.value.id, e.value.action, e.value.status) == (a.id, "close", "closed")


def test_blocked_carries_blocked_by() -> None:
    t = Tickets.in_memory()
    d1, d2 = t.create("d1"), t.create("d2")
    a = t.create("a", deps=[d1.id, d2.id])
    t.close(d1.id)
    with pytest.raises(ayo_tickets.BlockedError) as e:
        t.start(a.id)
    assert e.value.code == "BLOCKED" and e.value.id == a.id
    assert e.value.blocked_by == [d2.id]


def test_conflict() -> None:
    t = Tickets.in_memory()
    a = t.create("a")
    t.start(a.id, agent="one")
    with pytest.raises(ayo_tickets.ConflictError) as e:
        t.start(a.id, agent="two")
    assert e.value.code == "CONFLICT" and e.value.id == a.id and "@one" in str(e.value)


def test_parse_error_carries_path_and_line(dir_store: Path) -> None:
    t = Tickets.open(dir_store)
    a = t.create("a")
    bad = dir_store / "broken.md"
    bad.write_text("---\nid: [unclosed\n{{{ not a ticket\n")
    with pytest.raises(ayo_tickets.ParseError) as e:
        t.get("broken")
    assert e.value.code == "PARSE"
    assert isinstance(e.value.path, Path) and e.value.path.name == "broken.md"
    assert e.value.line is None or (isinstance(e.value.line, int) and e.value.line >= 1)
    assert "broken.md" in str(e.value)
    # A write whose rules need the unreadable file refuses with the same error.
    with pytest.raises(ayo_tickets.ParseError):
        t.add_dep(a.id, "broken")
    assert bad.read_text() == "---\nid: [unclosed\n{{{ not a ticket\n"


def test_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ayo_tickets.StorageError) as e:
        Tickets.open(blocker / ".tickets").create("cannot be written")
    assert e.value.code == "STORAGE"


def test_exceptions_pickle_with_their_attributes() -> None:
    t = Tickets.in_memory()
    t.create("a", id="x1")
    t.create("b", id="x2")
    with pytest.raises(ayo_tickets.AmbiguousId) as e:
        t.get("x")
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is ayo_tickets.AmbiguousId
    assert back.candidates == ["x1", "x2"] and str(back) == str(e.value)
    err = ayo_tickets.ParseError("bad", path=Path("/p/q.md"), line=3)
    back2 = pickle.loads(pickle.dumps(err))
    assert (back2.path, back2.line, back2.code) == (Path("/p/q.md"), 3, "PARSE")


def test_unreadable_files_warn_and_reads_go_on(dir_store: Path) -> None:
    t = Tickets.open(dir_store)
    ok = t.create("readable")
    (dir_store / "junk.md").write_text("\x00\x01 not a ticket {{{")
    with pytest.warns(ayo_tickets.UnreadableTicketWarning, match="junk.md"):
        listed = t.list()
    assert [x.id for x in listed] == [ok.id]
    with pytest.warns(ayo_tickets.UnreadableTicketWarning):
        assert [x.id for x in t.ready()] == [ok.id]
    problems = t.check()
    assert [p.kind for p in problems] == ["unreadable"]
    assert problems[0].ticket == "junk" and problems[0].path is not None
    assert problems[0].path.name == "junk.md"
    assert problems[0].to_dict()["kind"] == "unreadable"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ayo_tickets.UnreadableTicketWarning)
        with pytest.raises(ayo_tickets.UnreadableTicketWarning):
            t.list()


def test_check_reports_missing_deps(dir_store: Path) -> None:
    t = Tickets.open(dir_store)
    a = t.create("a")
    b = t.create("b", deps=[a.id])
    (dir_store / f"{a.id}.md").unlink()
    problems = t.check()
    assert [(p.kind, p.ticket) for p in problems] == [("missing_dep", b.id)]
    assert a.id in problems[0].message

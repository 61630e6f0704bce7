"""archive, archive_older_than, unarchive and list(archived=True), through the native module."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ayo_tickets import InvalidInput, InvalidTransition, TicketNotFound, Tickets


def test_archive_moves_closed_tickets_out_of_list_and_back(t: Tickets) -> None:
    old = t.create("Ship the invoice parser")
    t.close(old.id, reason="shipped")
    later = t.create("Report totals", deps=[old.id])
    other = t.create("Still open")
    done = t.archive([old.id])
    assert [x.id for x in done] == [old.id]
    assert done[0].archived and done[0].to_dict()["archived"] is True
    assert not other.archived and "archived" not in other.to_dict()
    assert [x.id for x in t.list()] == [later.id, other.id]
    assert [x.id for x in t.list(archived=True)] == [old.id]
    assert [x.id for x in t.list(archived=True, status="closed")] == [old.id]
    assert [x.id for x in t.search("invoice")] == []
    assert [x.id for x in t.search("invoice", archived=True)] == [old.id]
    # Still found by id and in the log; a dep on it counts as closed.
    assert t.get(old.id).archived
    assert [e.action for e in t.history(old.id)][-1] == "archive"
    assert [x.id for x in t.ready()] == [later.id, other.id]
    back = t.unarchive(old.id)
    assert (back.archived, back.status) == (False, "closed")
    assert [x.id for x in t.list()] == [old.id, later.id, other.id]
    assert t.list(archived=True) == []


def test_archive_refuses_what_is_not_closed_and_writes_nothing(t: Tickets) -> None:
    a = t.create("A")
    t.close(a.id)
    b = t.create("B")
    with pytest.raises(InvalidTransition, match="it is open"):
        t.archive([a.id, b.id])
    assert t.list(archived=True) == []
    with pytest.raises(InvalidInput):
        t.archive([])
    with pytest.raises(TypeError):
        t.archive(a.id)  # type: ignore[arg-type]  # a str is not a list of ids
    with pytest.raises(TicketNotFound):
        t.archive(["nope"])
    t.archive([a.id])
    with pytest.raises(InvalidTransition, match="it is archived"):
        t.note(a.id, "too late")
    with pytest.raises(InvalidTransition, match="it is archived"):
        t.archive([a.id])
    with pytest.raises(InvalidTransition):
        t.unarchive(b.id)


def test_archive_older_than_takes_text_or_a_timedelta(t: Tickets) -> None:
    a = t.create("A")
    t.close(a.id)
    t.create("Open")
    assert t.archive_older_than("1d") == []
    assert t.archive_older_than(timedelta(hours=1)) == []
    with pytest.raises(InvalidInput, match="not a duration"):
        t.archive_older_than("3 weeks")
    with pytest.raises(InvalidInput, match="negative"):
        t.archive_older_than(timedelta(seconds=-5))
    with pytest.raises(TypeError):
        t.archive_older_than(5)  # type: ignore[arg-type]
    assert [x.id for x in t.archive_older_than(timedelta(0))] == [a.id]
    assert t.archive_older_than("0s") == []
    assert [x.id for x in t.list(archived=True)] == [a.id]

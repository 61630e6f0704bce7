"""Defer, why, links and the guide, through the native module."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import ayo_tickets
from ayo_tickets import InvalidInput, Tickets


def test_defer_keeps_a_ticket_out_of_ready_and_claim(t: Tickets) -> None:
    a = t.create("Publish the report", defer_until="2h")
    assert a.defer_until is not None and a.defer_until > datetime.now(timezone.utc)
    assert not a.ready
    assert a.to_dict()["defer_until"].endswith("Z")
    assert t.ready() == [] and t.claim("@w") is None
    back = t.defer(a.id, None)
    assert back.defer_until is None and back.ready
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert t.defer(a.id, at).defer_until == at
    assert t.get(a.id).defer_until == at
    with pytest.raises(InvalidInput):
        t.defer(a.id, "tomorrow")


def test_update_defers_keeps_and_ends_a_deferral(t: Tickets) -> None:
    a = t.create("Renew the certificate", priority=2)
    at = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    u = t.update(a.id, title="Renew it", defer_until=at)
    assert (u.title, u.defer_until, u.ready) == ("Renew it", at, False)
    assert t.update(a.id, priority=1).defer_until == at, "left out, it is kept"
    later = t.update(a.id, defer_until="2h").defer_until
    assert later is not None and later > datetime.now(timezone.utc) + timedelta(minutes=110)
    assert t.update(a.id, defer_until="2030-06-01T00:00:00Z").to_dict()["defer_until"] == (
        "2030-06-01T00:00:00.000Z"
    )
    with pytest.raises(InvalidInput):
        t.update(a.id, title="Never", defer_until="tomorrow")
    with pytest.raises(TypeError):
        t.update(a.id, defer_until=5)  # type: ignore[arg-type]
    assert t.get(a.id).title == "Renew it"
    cleared = t.update(a.id, defer_until=None)
    assert cleared.defer_until is None and cleared.ready
    assert [e.detail for e in t.history(a.id) if e.action == "update"][-1] == "defer_until"


def test_a_waiting_claim_wakes_when_the_deferral_ends(t: Tickets) -> None:
    a = t.create("Soon", defer_until=datetime.now(timezone.utc) + timedelta(milliseconds=600))
    started = time.monotonic()
    got = t.claim("@w", wait=True, timeout=20)
    assert got is not None and got.id == a.id
    assert time.monotonic() - started >= 0.5


def test_a_waiting_ready_wakes_when_the_deferral_ends(t: Tickets) -> None:
    a = t.create("Soon", defer_until="1s")
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(t.wait_ready(timeout=20)))
    waiter.start()
    waiter.join(30)
    assert [getattr(x, "id", None) for x in got] == [a.id]


def test_why_names_every_reason(t: Tickets) -> None:
    root = t.create("Root")
    mid = t.create("Middle", deps=[root.id])
    top = t.create("Top", deps=[mid.id], assignee="@v", defer_until="1h")
    why = t.why(top.id, agent="@x")
    assert why["id"] == top.id and why["ready"] is False and why["claimable"] is False
    kinds = [r["kind"] for r in why["reasons"]]
    assert kinds == ["blocked", "deferred", "assigned"]
    assert why["reasons"][0] == {"kind": "blocked", "deps": [mid.id], "roots": [root.id]}
    assert why["reasons"][2]["to"] == "@v"
    claimed = t.claim("@w", lease=60)
    assert claimed is not None and claimed.id == root.id
    held = t.why(root.id)["reasons"]
    assert held[0]["kind"] == "claimed" and held[0]["by"] == "@w"
    assert held[0]["lease_expired"] is False
    assert t.why(t.create("Free").id) == {
        "id": t.list()[-1].id, "ready": True, "claimable": True, "reasons": []
    }


def test_links_are_symmetric(t: Tickets) -> None:
    a, b, c = (t.create(x) for x in "ABC")
    assert t.link(a.id, b.id, c.id).links == [b.id, c.id]
    assert t.get(b.id).links == [a.id] and t.get(c.id).links == [a.id]
    assert t.unlink(c.id, a.id).links == []
    assert t.get(a.id).links == [b.id]
    with pytest.raises(InvalidInput):
        t.link(a.id, a.id)
    with pytest.raises(InvalidInput):
        t.unlink(a.id, c.id)


def test_the_guide_is_the_core_text() -> None:
    assert ayo_tickets.GUIDE.startswith("# Working with ayo tickets")
    assert "defer" in ayo_tickets.GUIDE and "why" in ayo_tickets.GUIDE

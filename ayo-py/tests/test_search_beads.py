"""`search` and `import_beads` through the Python module, in every store of the fixture `t`."""

from __future__ import annotations

from pathlib import Path

import pytest

import ayo_tickets
from ayo_tickets import Tickets

BEADS = Path(__file__).resolve().parents[2] / "ayo-tickets" / "tests" / "fixtures" / "beads"


def test_search_any_case_title_matches_first(t: Tickets) -> None:
    body = t.create("Validate totals", description="Check the INVOICE sums", assignee="validator")
    title = t.create("Extract invoice data", tags=["finance"])
    noted = t.create("Quiet")
    t.note(noted.id, "see the Invoice folder")
    t.create("Unrelated")
    assert [x.id for x in t.search("invoice")] == [title.id, body.id, noted.id]
    assert [x.id for x in t.search("INVOICE", assignee="@validator")] == [body.id]
    assert [x.id for x in t.search("invoice", tag="finance", status="open")] == [title.id]
    with pytest.raises(ayo_tickets.InvalidInput):
        t.search("  ")


def test_import_beads_maps_and_counts(t: Tickets) -> None:
    done = t.import_beads(BEADS / "issues.jsonl")
    assert done["imported"] == 9
    kinds = [n["kind"] for n in done["not_mapped"]]
    assert kinds.count("ephemeral") == 2 and "tombstone" in kinds and "external" in kinds
    assert t.get("bv-7").status == "blocked"
    assert t.get("bv-2a4.2").parent == "bv-2a4"
    assert [x.id for x in t.ready()] == ["bv-14", "bv-2a4"]
    with pytest.raises(ayo_tickets.TicketExists):
        t.import_beads(str(BEADS / "issues.jsonl"))


def test_import_beads_refuses_a_cycle(t: Tickets) -> None:
    with pytest.raises(ayo_tickets.CycleError) as e:
        t.import_beads(BEADS / "cycle.jsonl")
    assert e.value.cycle == ["cy-1", "cy-3", "cy-2", "cy-1"]
    assert t.list() == []

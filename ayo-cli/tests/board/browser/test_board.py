"""`ayo board` in Chromium: cards in the right columns for the seed workflow, a CLI close that
moves the freed card to ready without a reload, a card's and a node's details with notes and
history, the filters, a write with --write, and a foreign Host refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import FOREIGN, NOTE, ayo, board, many, seed, shot


def kind(store: list[str]) -> str:
    return "markdown" if store[0] == "--dir" else "postgres"


def column_ids(page: Page, column: str) -> list[str]:
    return page.locator(f'[data-column="{column}"] [data-ticket-id]').evaluate_all(
        "cards => cards.map(c => c.dataset.ticketId)")


def open_board(page: Page, url: str, timeout: float = 10_000) -> None:
    """Loads the board and waits until it has drawn once and is live."""
    page.goto(url)
    expect(page.locator("body[data-loaded]")).to_be_attached(timeout=timeout)
    expect(page.locator('#live[data-live="true"]')).to_be_attached(timeout=timeout)


def test_cards_are_in_the_right_columns(page: Page, env: dict[str, str], store: list[str]) -> None:
    s = seed(env, store)
    with board(env, store) as url:
        open_board(page, url)
        assert column_ids(page, "ready") == [s.summary]
        assert column_ids(page, "blocked") == [s.validate, s.load]
        assert column_ids(page, "in_progress") == [s.extract]
        assert column_ids(page, "closed") == [s.collect]
        held = page.locator(f'[data-column="in_progress"] [data-ticket-id="{s.extract}"]')
        expect(held).to_contain_text("@extractor")
        expect(held).to_contain_text("lease ends")
        expect(page.locator(f'[data-column="ready"] [data-ticket-id="{s.summary}"]')).to_contain_text("P1")
        # The graph: every ticket of the open part, deps above dependents, edges that wait on
        # unfinished work marked.
        graph = page.locator("#graph svg")
        nodes = graph.locator("[data-ticket-id]")
        expect(nodes).to_have_count(5)
        top = {i: graph.locator(f'[data-ticket-id="{i}"]').bounding_box()["y"]  # type: ignore[index]
               for i in (s.collect, s.extract, s.validate, s.load)}
        assert top[s.collect] < top[s.extract] < top[s.validate] < top[s.load], top
        expect(graph.locator("path.edge.blocked")).to_have_count(2)
        expect(graph.locator("path.edge:not(.blocked)")).to_have_count(1)
        shot(page, f"board-{kind(store)}")


def test_a_cli_close_moves_the_freed_card_to_ready(page: Page, env: dict[str, str], store: list[str]) -> None:
    s = seed(env, store)
    with board(env, store) as url:
        open_board(page, url)
        page.evaluate("window.notReloaded = true")
        freed = page.locator(f'[data-column="ready"] [data-ticket-id="{s.validate}"]')
        expect(freed).to_have_count(0)
        start = time.monotonic()
        ayo(env, *store, "ticket", "close", s.extract, "--reason", "done", "--actor", "@extractor")
        freed.wait_for(timeout=5000)
        took = time.monotonic() - start
        print(f"\n{kind(store)}: the CLI close (with the process's start) to the card in ready: {took * 1000:.0f} ms")
        assert column_ids(page, "closed") == [s.extract, s.collect]
        assert s.validate not in column_ids(page, "blocked")
        assert page.evaluate("window.notReloaded") is True
        edges = page.locator("#graph svg path.edge.blocked")
        expect(edges).to_have_count(1)
        shot(page, f"after-close-{kind(store)}")


def test_clicking_a_card_shows_its_notes(page: Page, env: dict[str, str], tmp_path: Path) -> None:
    store = ["--dir", str(tmp_path / "work" / ".tickets")]
    s = seed(env, store)
    with board(env, store) as url:
        open_board(page, url)
        detail = page.locator("#detail")
        expect(detail).to_be_hidden()
        page.locator(f'[data-column="in_progress"] [data-ticket-id="{s.extract}"]').click()
        expect(detail).to_be_visible()
        expect(detail).to_have_attribute("data-ticket-id", s.extract)
        expect(detail.locator(".notes")).to_contain_text(NOTE)
        expect(detail.locator(".notes")).to_contain_text("@extractor")
        expect(detail.locator(".description")).to_contain_text("Read every PDF")
        expect(detail.locator(".history")).to_contain_text("claim")
        shot(page, "detail")
        # A node of the graph opens its ticket too; the closed dep shows its reason as a note.
        page.locator(f'#graph svg [data-ticket-id="{s.collect}"]').click()
        expect(detail).to_have_attribute("data-ticket-id", s.collect)
        expect(detail.locator(".notes")).to_contain_text("Fetched 52 invoices")
        # A note added meanwhile by the CLI appears in the open panel.
        ayo(env, *store, "ticket", "note", s.collect, "Two were duplicates", "--actor", "@auditor")
        expect(detail.locator(".notes")).to_contain_text("Two were duplicates", timeout=5000)
        page.keyboard.press("Escape")
        expect(detail).to_be_hidden()


def test_filters_by_assignee_and_tag(page: Page, env: dict[str, str], tmp_path: Path) -> None:
    store = ["--dir", str(tmp_path / "work" / ".tickets")]
    s = seed(env, store)
    with board(env, store) as url:
        open_board(page, url)
        page.select_option("#assignee", "@validator")
        expect(page.locator(".card")).to_have_count(1)
        assert column_ids(page, "blocked") == [s.validate]
        page.select_option("#assignee", "")
        page.select_option("#tag", "finance")
        expect(page.locator(".card")).to_have_count(2)
        assert column_ids(page, "in_progress") == [s.extract]
        assert column_ids(page, "blocked") == [s.validate]


def test_a_note_written_on_the_page_with_write(page: Page, env: dict[str, str], tmp_path: Path) -> None:
    store = ["--dir", str(tmp_path / "work" / ".tickets")]
    s = seed(env, store)
    with board(env, store, "--write") as url:
        open_board(page, url)
        page.locator(f'[data-ticket-id="{s.summary}"]').first.click()
        detail = page.locator("#detail")
        detail.locator('input[name="actor"]').fill("@reviewer")
        detail.locator('textarea[name="text"]').fill("Looks right")
        detail.locator('button[data-action="note"]').click()
        expect(detail.locator(".notes")).to_contain_text("Looks right", timeout=5000)
        shown = ayo(env, *store, "ticket", "log", s.summary)
        assert "@reviewer" in shown and "note" in shown, shown


def test_without_write_the_page_offers_no_writes(page: Page, env: dict[str, str], tmp_path: Path) -> None:
    store = ["--dir", str(tmp_path / "work" / ".tickets")]
    s = seed(env, store)
    with board(env, store) as url:
        open_board(page, url)
        page.locator(f'[data-ticket-id="{s.summary}"]').first.click()
        expect(page.locator("#detail .notes")).to_be_attached()
        expect(page.locator("#detail button[data-action]")).to_have_count(0)
        status = page.evaluate(
            f"""fetch('/api/tickets/{s.summary}/close', {{method: 'POST',
                 headers: {{'Content-Type': 'application/json'}}, body: '{{"actor": "@x"}}'}})
                 .then(r => r.status)""")
        assert status == 403
        assert ayo(env, *store, "ticket", "show", s.summary, "--json").count('"status":"open"') == 1


@pytest.mark.parametrize("path", ["/", "/api/board", "/api/events"])
def test_a_foreign_host_is_refused(page: Page, env: dict[str, str], tmp_path: Path, path: str) -> None:
    store = ["--dir", str(tmp_path / "work" / ".tickets")]
    seed(env, store)
    with board(env, store) as url:
        port = url.rstrip("/").rsplit(":", 1)[1]
        # The browser resolves the foreign name to 127.0.0.1, as a rebound DNS name would.
        response = page.goto(f"http://{FOREIGN}:{port}{path}")
        assert response is not None and response.status == 403
        assert "forbidden" in page.content()
        ok = page.goto(url)
        assert ok is not None and ok.status == 200


def test_a_thousand_tickets_stay_usable(page: Page, env: dict[str, str], tmp_path: Path) -> None:
    directory = tmp_path / "work" / ".tickets"
    kinds = many(directory, 1000)
    store = ["--dir", str(directory)]
    with board(env, store) as url:
        start = time.monotonic()
        open_board(page, url, timeout=30_000)
        loaded = time.monotonic() - start
        unfinished = len(kinds["open"]) + len(kinds["in_progress"])
        cards = page.locator("#columns .card")
        shown_closed = min(len(kinds["closed"]), 50)
        expect(cards).to_have_count(unfinished + shown_closed, timeout=30_000)
        expect(page.locator('[data-column="closed"] .count')).to_have_text(str(len(kinds["closed"])))
        nodes = page.locator("#graph svg [data-ticket-id]")
        drawn = nodes.count()
        assert unfinished <= drawn < 1000, drawn
        target = kinds["open"][-1]
        start = time.monotonic()
        page.locator(f'#columns [data-ticket-id="{target}"]').click()
        expect(page.locator("#detail")).to_have_attribute("data-ticket-id", target, timeout=10_000)
        opened = time.monotonic() - start
        page.locator("#detail [data-focus]").click()
        expect(page.locator("#graph-scope")).to_have_text(f"around {target}", timeout=10_000)
        assert page.locator("#graph svg [data-ticket-id]").count() < drawn
        start = time.monotonic()
        ayo(env, *store, "ticket", "note", target, "still usable", "--actor", "@checker")
        expect(page.locator("#detail .notes")).to_contain_text("still usable", timeout=10000)
        pushed = time.monotonic() - start
        print(f"\n1000 tickets: page drawn and live in {loaded * 1000:.0f} ms ({drawn} graph nodes), "
              f"a card's details in {opened * 1000:.0f} ms, a CLI note shown in {pushed * 1000:.0f} ms")
        shot(page, "thousand")

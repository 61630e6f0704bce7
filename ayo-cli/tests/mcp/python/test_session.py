"""Claims made through an MCP session: the server keeps their lease alive while the session lives,
and gives them back with a note when the session ends without closing them (stdin closed over
stdio; the session deleted over HTTP)."""

from __future__ import annotations

import json
import re
import subprocess
import time
from datetime import datetime, timezone
from typing import Any, Iterator

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import AYO, answer, ayo, server

pytestmark = pytest.mark.anyio

GIVEN_BACK = "Given back: the MCP session that claimed it ended"


def show(env: dict[str, str], ticket: str) -> dict[str, Any]:
    out = ayo(env, "--json", "ticket", "show", ticket)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def create(env: dict[str, str], title: str) -> str:
    out = ayo(env, "ticket", "create", title)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def until(check: Any, seconds: float = 10.0) -> Any:
    """The first true value of `check()` within `seconds`, else its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


async def test_a_claim_outlives_its_lease_while_the_session_lives_and_is_given_back_at_its_end(
    env: dict[str, str], store: str
) -> None:
    """On the markdown store and on PostgreSQL."""
    env = {**env, "AYO_STORE": store}
    first, second = create(env, "Extract"), create(env, "Validate")
    async with server(env, "--actor", "@extractor") as c:
        claimed = answer(await c.call_tool("claim", {"lease_secs": 2}))
        waited = answer(await c.call_tool("wait", {"claim": True, "lease_secs": 2, "timeout_secs": 5}))
        assert {claimed["id"], waited["id"]} == {first, second}
        await anyio.sleep(5)  # two and a half leases
        for ticket in (first, second):
            held = show(env, ticket)
            assert held["status"] == "in_progress" and held["assignee"] == "@extractor", held
            lease = datetime.fromisoformat(held["lease_until"].replace("Z", "+00:00"))
            assert lease > datetime.now(timezone.utc), held
        taken = ayo(env, "ticket", "claim", "-a", "@other")
        assert taken.returncode == 3, taken  # nothing claimable: both are held
    # The session ended (stdin closed) with both claims open: both are given back.
    for ticket in (first, second):
        back = show(env, ticket)
        assert back["status"] == "open" and back["lease_until"] is None, back
        assert back["notes"][-1]["text"] == GIVEN_BACK, back
    # Given back as release gives back: open again, still assigned to its agent.
    assert ayo(env, "ticket", "claim", "-a", "@extractor").returncode == 0


async def test_a_claim_the_session_closed_or_released_is_left_as_it_ended(env: dict[str, str]) -> None:
    first, second = create(env, "Extract"), create(env, "Validate")
    async with server(env, "--actor", "@extractor") as c:
        one = answer(await c.call_tool("claim", {}))
        two = answer(await c.call_tool("claim", {}))
        assert answer(await c.call_tool("close", {"id": one["id"][:4], "reason": "done"}))["ticket"]["status"] == "closed"
        assert answer(await c.call_tool("release", {"id": two["id"]}))["status"] == "open"
    assert {one["id"], two["id"]} == {first, second}
    closed, released = show(env, one["id"]), show(env, two["id"])
    assert closed["status"] == "closed" and released["status"] == "open"
    for t in (closed, released):
        assert all(n["text"] != GIVEN_BACK for n in t["notes"]), t


async def test_a_claim_taken_over_is_not_given_back_by_the_session_that_lost_it(env: dict[str, str]) -> None:
    ticket = create(env, "Extract")
    async with server(env, "--actor", "@extractor") as c:
        answer(await c.call_tool("claim", {}))
        # Another agent takes it over as an operator would: released, given to it, claimed.
        assert ayo(env, "ticket", "release", ticket).returncode == 0
        assert ayo(env, "ticket", "assign", ticket, "@other").returncode == 0
        assert ayo(env, "ticket", "claim", "-a", "@other").returncode == 0
        await anyio.sleep(0.5)
    held = show(env, ticket)
    assert held["status"] == "in_progress" and held["assignee"] == "@other", held


@pytest.fixture
def url(env: dict[str, str]) -> Iterator[str]:
    """`ayo mcp --http` on a free loopback port; its URL."""
    proc = subprocess.Popen(
        [AYO, "mcp", "--http", "127.0.0.1:0", "--actor", "@web"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        found = re.search(r"http://\S+/mcp", proc.stderr.readline())
        assert found
        yield found.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_an_http_session_deleted_with_a_claim_open_gives_it_back(env: dict[str, str], url: str) -> None:
    """A client that opens a session (the initialize handshake, protocol versions before
    2026-07-28): its claims live as long as the session."""
    ticket, other = create(env, "Extract"), create(env, "Validate")
    async with httpx2.AsyncClient() as http:
        async with Client(streamable_http_client(url, http_client=http), mode="legacy") as c:
            kept = answer(await c.call_tool("claim", {"lease_secs": 30}))["id"]
            async with Client(streamable_http_client(url, http_client=http), mode="legacy") as d:
                ended = answer(await d.call_tool("claim", {"lease_secs": 30}))["id"]
            assert {kept, ended} == {ticket, other}
            ticket, other = kept, ended
            # The second session ended (the SDK deletes it): its claim alone is given back.
            back = until(lambda: show(env, other)["status"] == "open")
            assert back, show(env, other)
            assert show(env, other)["notes"][-1]["text"] == GIVEN_BACK
            assert show(env, ticket)["status"] == "in_progress"
    assert until(lambda: show(env, ticket)["status"] == "open"), show(env, ticket)


async def test_a_sessionless_http_claim_holds_as_its_lease_says(env: dict[str, str], url: str) -> None:
    """Protocol 2026-07-28 has no sessions: each request stands alone, so a claim is a plain
    claim, held after the request (and the client) ended."""
    ticket = create(env, "Extract")
    async with httpx2.AsyncClient() as http:
        async with Client(streamable_http_client(url, http_client=http)) as c:
            assert c.protocol_version >= "2026-07-28"
            assert answer(await c.call_tool("claim", {"lease_secs": 600}))["id"] == ticket
    time.sleep(0.5)
    held = show(env, ticket)
    assert held["status"] == "in_progress" and held["assignee"] == "@web", held

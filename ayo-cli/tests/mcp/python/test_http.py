"""`ayo mcp --http`: the streamable HTTP transport, driven by the Python MCP SDK, with its bearer
token (401 without it) and its Host and Origin checks against DNS rebinding (403)."""

from __future__ import annotations

import re
import subprocess
from typing import Iterator

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import AYO, answer

TOKEN = "s3cret-token"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture
def url(env: dict[str, str]) -> Iterator[str]:
    """`ayo mcp --http` on a free loopback port, with a token from $AYO_MCP_TOKEN; its URL."""
    proc = subprocess.Popen(
        [AYO, "mcp", "--http", "127.0.0.1:0", "--actor", "@web"],
        env={**env, "AYO_MCP_TOKEN": TOKEN},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"http://\S+/mcp", line)
        assert found, f"no address in {line!r}"
        yield found.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.anyio
async def test_a_client_with_the_token_works_the_tickets(url: str) -> None:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
    async with http, Client(streamable_http_client(url, http_client=http)) as c:
        first = answer(await c.call_tool("create", {"title": "step 1"}))
        second = answer(await c.call_tool("create", {"title": "step 2", "deps": [first["id"]]}))
        assert answer(await c.call_tool("claim", {}))["id"] == first["id"]
        closed = answer(await c.call_tool("close", {"id": first["id"]}))
        assert [t["id"] for t in closed["unblocked"]] == [second["id"]]
        got = answer(await c.call_tool("wait", {"claim": True, "timeout_secs": 5}))
        assert got["id"] == second["id"] and got["assignee"] == "@web"


def test_a_request_without_the_token_gets_401(url: str) -> None:
    r = httpx2.post(url, json=INITIALIZE, headers=ACCEPT)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = httpx2.post(url, json=INITIALIZE, headers={**ACCEPT, "Authorization": "Bearer wrong"})
    assert r.status_code == 401


def test_a_foreign_origin_or_host_gets_403(url: str) -> None:
    auth = {**ACCEPT, "Authorization": f"Bearer {TOKEN}"}
    r = httpx2.post(url, json=INITIALIZE, headers={**auth, "Origin": "http://evil.example"})
    assert r.status_code == 403, r.text
    r = httpx2.post(url, json=INITIALIZE, headers={**auth, "Origin": "https://localhost.evil.example:443"})
    assert r.status_code == 403, r.text
    r = httpx2.post(url, json=INITIALIZE, headers={**auth, "Host": "evil.example"})
    assert r.status_code == 403, r.text
    # A page on this machine may call it (the server itself decides what it answers).
    port = url.split(":")[2].split("/")[0]
    r = httpx2.post(url, json=INITIALIZE, headers={**auth, "Origin": f"http://localhost:{port}"})
    assert r.status_code == 200, r.text

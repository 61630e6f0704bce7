"""Eight `ayo mcp` processes, one per agent, over one store, race to claim 60 tickets: each ticket
is claimed exactly once. On the markdown store and on PostgreSQL (a schema of its own; skipped
when the server cannot be reached, except with CI=true, where that fails)."""

from __future__ import annotations

from collections import Counter

import anyio
import pytest

from conftest import answer, server

AGENTS = 8
TICKETS = 60


@pytest.mark.anyio
async def test_eight_servers_claim_each_ticket_once(env: dict[str, str], store: str) -> None:
    async with server(env, "--store", store) as c:
        created = [answer(await c.call_tool("create", {"title": f"job {i}"}))["id"] for i in range(TICKETS)]

    claims: dict[str, list[str]] = {}

    async def agent(n: int) -> None:
        name = f"@agent{n}"
        mine: list[str] = []
        async with server(env, "--store", store, "--actor", name) as c:
            while True:
                got = answer(await c.call_tool("claim", {}))
                if got == {"ticket": None}:
                    break
                assert got["assignee"] == name and got["status"] == "in_progress"
                mine.append(got["id"])
        claims[name] = mine

    async with anyio.create_task_group() as tg:
        for n in range(AGENTS):
            tg.start_soon(agent, n)

    every = [i for mine in claims.values() for i in mine]
    twice = [i for i, n in Counter(every).items() if n > 1]
    assert not twice, f"claimed more than once: {twice}"
    assert sorted(every) == sorted(created)
    print({a: len(m) for a, m in sorted(claims.items())})

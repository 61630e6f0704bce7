"""`ayo mcp` over stdio, driven by the Python MCP SDK: the seed workflow, the tool list, the guide,
bad input, and the blocking `wait` with progress and cancellation."""

from __future__ import annotations

import json

import anyio
import pytest
from mcp import MCPError

from conftest import answer, ayo, error, server

pytestmark = pytest.mark.anyio


async def test_seed_workflow(env: dict[str, str]) -> None:
    """Three steps with deps: claim, note, close, and the next step becomes ready."""
    async with server(env, "--actor", "@extractor") as c:
        extract = answer(await c.call_tool("create", {"title": "Extract data from invoices", "assignee": "extractor"}))
        validate = answer(
            await c.call_tool(
                "create", {"title": "Validate extracted data", "assignee": "@validator", "deps": [extract["id"]]}
            )
        )
        load = answer(
            await c.call_tool("create", {"title": "Import to accounting", "deps": [validate["id"]], "priority": 1})
        )
        assert validate["blocked_by"] == [extract["id"]] and not validate["ready"]
        ready = answer(await c.call_tool("ready", {}))["tickets"]
        assert [t["id"] for t in ready] == [extract["id"]]

        claimed = answer(await c.call_tool("claim", {}))  # the server's --actor claims
        assert claimed["id"] == extract["id"]
        assert claimed["status"] == "in_progress" and claimed["assignee"] == "@extractor"
        noted = answer(await c.call_tool("note", {"id": extract["id"][:4], "text": "47 invoices read"}))
        assert noted["notes"][-1]["text"] == "47 invoices read"
        assert noted["notes"][-1]["author"] == "@extractor"

        closed = answer(await c.call_tool("close", {"id": extract["id"], "reason": "done"}))
        assert closed["ticket"]["status"] == "closed"
        assert [t["id"] for t in closed["unblocked"]] == [validate["id"]]
        ready = answer(await c.call_tool("ready", {"assignee": "validator"}))["tickets"]
        assert [t["id"] for t in ready] == [validate["id"]]
        # Nothing else for the extractor: its own are done, the rest wait or belong to another.
        assert answer(await c.call_tool("claim", {"agent": "@extractor"})) == {"ticket": None}
        assert answer(await c.call_tool("claim", {"agent": "@validator", "lease_secs": 60}))["id"] == validate["id"]
        blocked = answer(await c.call_tool("blocked", {}))["tickets"]
        assert [t["id"] for t in blocked] == [load["id"]]
        log = answer(await c.call_tool("log", {"id": extract["id"]}))["entries"]
        assert [e["action"] for e in log][:2] == ["create", "claim"] and log[0]["ticket"] == extract["id"]

    # The CLI sees what the MCP server did: one store.
    out = ayo(env, "ticket", "show", extract["id"], "--json")
    assert json.loads(out.stdout)["status"] == "closed"


async def test_archive_takes_closed_tickets_out_of_list_and_back(env: dict[str, str]) -> None:
    """The `archive` tool: closed tickets only, out of `list` and `ready`, `show` still finds one,
    `list` with `archived` lists it, `restore` brings it back."""
    async with server(env, "--actor", "@planner") as c:
        a = answer(await c.call_tool("create", {"title": "Extract data"}))
        b = answer(await c.call_tool("create", {"title": "Validate data", "deps": [a["id"]]}))
        refused = error(await c.call_tool("archive", {"ids": [a["id"]]}))
        assert refused["code"] == "INVALID_TRANSITION" and refused["status"] == "open"
        answer(await c.call_tool("close", {"id": a["id"]}))
        done = answer(await c.call_tool("archive", {"ids": [a["id"]]}))["tickets"]
        assert [t["id"] for t in done] == [a["id"]] and done[0]["archived"] is True
        assert [t["id"] for t in answer(await c.call_tool("list", {}))["tickets"]] == [b["id"]]
        assert [t["id"] for t in answer(await c.call_tool("ready", {}))["tickets"]] == [b["id"]]
        archived = answer(await c.call_tool("list", {"archived": True}))["tickets"]
        assert [t["id"] for t in archived] == [a["id"]]
        assert answer(await c.call_tool("show", {"id": a["id"]}))["archived"] is True
        back = answer(await c.call_tool("archive", {"ids": [a["id"]], "restore": True}))["tickets"]
        assert "archived" not in back[0] and back[0]["status"] == "closed"
        old = answer(await c.call_tool("archive", {"older_than": "0s"}))["tickets"]
        assert [t["id"] for t in old] == [a["id"]]


async def test_tool_list_and_guide(env: dict[str, str]) -> None:
    async with server(env) as c:
        tools = await c.list_tools()
        names = {t.name for t in tools.tools}
        assert {"create", "show", "list", "ready", "claim", "note", "close", "wait"} <= names
        for t in tools.tools:
            assert t.description and t.input_schema["type"] == "object", t
        size = len(tools.model_dump_json(by_alias=True, exclude_none=True))
        print(f"tools/list: {len(names)} tools, {size} bytes of JSON")
        assert size <= 8 * 1024
        create = next(t for t in tools.tools if t.name == "create")
        assert create.input_schema["required"] == ["title"]

        resources = await c.list_resources()
        assert [str(r.uri) for r in resources.resources] == ["ayo://guide"]
        guide = (await c.read_resource("ayo://guide")).contents[0]
        text = guide.text  # type: ignore[union-attr]
        assert "claim" in text and "CYCLE" in text and len(text.split()) <= 1000
        with pytest.raises(MCPError):
            await c.read_resource("ayo://nothing")


async def test_bad_input_is_answered_and_the_server_keeps_serving(env: dict[str, str]) -> None:
    async with server(env) as c:
        a = answer(await c.call_tool("create", {"title": "a"}))
        b = answer(await c.call_tool("create", {"title": "b", "deps": [a["id"]]}))

        with pytest.raises(MCPError):  # an unknown tool is a protocol error
            await c.call_tool("no_such_tool", {})
        missing = error(await c.call_tool("show", {}))
        assert missing["code"] == "INVALID" and "id" in missing["message"]
        wrong = error(await c.call_tool("create", {"title": "x", "priority": "high"}))
        assert wrong["code"] == "INVALID"
        assert error(await c.call_tool("create", {"title": "x", "deps": "notalist"}))["code"] == "INVALID"
        assert error(await c.call_tool("create", {"title": "x", "priority": 9}))["code"] == "INVALID"
        assert error(await c.call_tool("create", {"title": ""}))["code"] == "INVALID"
        for hostile in ["../../etc/passwd", "a/b", "..", "x" * 5000, "\u0000", "$(rm -rf /)", "a\nb"]:
            e = error(await c.call_tool("show", {"id": hostile}))
            assert e["code"] in ("NOT_FOUND", "INVALID"), (hostile, e)
            e = error(await c.call_tool("create", {"title": "t", "id": hostile}))
            assert e["code"] == "INVALID", (hostile, e)
        cycle = error(await c.call_tool("dep_add", {"id": a["id"], "dep": b["id"]}))
        assert cycle["code"] == "CYCLE" and cycle["cycle"][0] == a["id"] and cycle["cycle"][-1] == a["id"]
        assert error(await c.call_tool("close", {"id": "nope"}))["code"] == "NOT_FOUND"
        answer(await c.call_tool("close", {"id": a["id"]}))
        assert error(await c.call_tool("close", {"id": a["id"]}))["code"] == "INVALID_TRANSITION"
        assert error(await c.call_tool("claim", {}))["code"] == "INVALID"  # no agent, no --actor

        # Still serving, and nothing changed by the refused calls.
        tickets = answer(await c.call_tool("list", {}))["tickets"]
        assert [t["title"] for t in tickets] == ["a", "b"]
        assert answer(await c.call_tool("show", {"id": b["id"]}))["deps"] == [a["id"]]


async def test_wait_claims_what_becomes_claimable_and_reports_progress(env: dict[str, str]) -> None:
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async with server(env, "--actor", "@waiter") as waiter, server(env) as writer:
        got: dict[str, object] = {}

        async def wait() -> None:
            got.update(
                answer(
                    await waiter.call_tool(
                        "wait", {"claim": True, "timeout_secs": 30}, progress_callback=on_progress
                    )
                )
            )

        async with anyio.create_task_group() as tg:
            tg.start_soon(wait)
            await anyio.sleep(2.5)
            job = answer(await writer.call_tool("create", {"title": "late job"}))
        assert got["id"] == job["id"] and got["status"] == "in_progress" and got["assignee"] == "@waiter"
        assert len(progress) >= 2 and progress == sorted(progress), progress

        # A wait that times out answers {"ticket": null}; one for a ready ticket does not claim it.
        assert answer(await waiter.call_tool("wait", {"timeout_secs": 0.2})) == {"ticket": None}
        other = answer(await writer.call_tool("create", {"title": "ready one"}))
        seen = answer(await waiter.call_tool("wait", {"timeout_secs": 5}))
        assert seen["id"] == other["id"] and seen["status"] == "open"


async def test_a_cancelled_wait_claims_nothing(env: dict[str, str]) -> None:
    async with server(env, "--actor", "@waiter") as waiter, server(env) as writer:
        with anyio.move_on_after(1.0):  # abandoning the call sends notifications/cancelled
            await waiter.call_tool("wait", {"claim": True, "timeout_secs": 60})
        await anyio.sleep(0.5)  # the server's wait notices within 100 ms
        job = answer(await writer.call_tool("create", {"title": "after the cancel"}))
        await anyio.sleep(0.5)
        assert answer(await writer.call_tool("show", {"id": job["id"]}))["status"] == "open"
        # The waiter's server still serves, and can claim it now.
        assert answer(await waiter.call_tool("claim", {}))["id"] == job["id"]

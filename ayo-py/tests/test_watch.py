"""Tickets.watch(): the store's changes as they happen, as an iterator and an async iterator,
woken by another process's writes; `since` replays the log; `agent` filters."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ayo_tickets import LogEntry, Tickets, Watch

WRITER = textwrap.dedent(
    """
    import sys
    from ayo_tickets import Tickets
    t = Tickets.open(sys.argv[1])
    a = t.create("Extract")
    assert t.claim("@worker").id == a.id
    t.close(a.id)
    print(a.id)
    """
)


def test_a_watch_sees_another_process_create_claim_close_in_order(dir_store: Path) -> None:
    t = Tickets.open(dir_store)
    w = t.watch()
    assert isinstance(w, Watch)
    out = subprocess.run(
        [sys.executable, "-c", WRITER, str(dir_store)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    made = out.stdout.strip()
    got = [next(w) for _ in range(3)]
    assert all(isinstance(e, LogEntry) for e in got)
    assert [(e.ticket, e.action) for e in got] == [
        (made, "create"),
        (made, "claim"),
        (made, "close"),
    ]
    assert got[1].actor == "@worker"


def test_since_replays_the_log_and_agent_filters(t: Tickets) -> None:
    old = t.create("Old")
    time.sleep(0.01)
    since = datetime.now(timezone.utc)
    mine = t.create("Mine", assignee="@me")
    t.create("Other")
    w = t.watch(since=since, agent="me")
    first = next(w)
    assert (first.ticket, first.action) == (mine.id, "create")
    t.note(old.id, "not mine")
    t.start(mine.id)
    second = next(w)
    assert (second.ticket, second.action) == (mine.id, "start")
    # Everything since an hour ago: the old ticket's creation too.
    everything = t.watch(since=since - timedelta(hours=1))
    assert next(everything).ticket == old.id
    with pytest.raises(TypeError):
        t.watch(since="yesterday")  # type: ignore[arg-type]


def test_async_iteration_leaves_the_loop_free_and_stops_when_cancelled(
    dir_store: Path,
) -> None:
    t = Tickets.open(dir_store)
    other = Tickets.open(dir_store)

    async def main() -> tuple[list[str], int]:
        w = t.watch()
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        # Nothing happens: the wait ends by cancellation (wait_for's timeout).
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(w.__anext__(), 0.3)
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, lambda: other.create("Later"))
        seen = []
        async for e in w:
            seen.append(e.action)
            if len(seen) == 1:
                break
        ticker.cancel()
        return seen, ticks

    seen, ticks = asyncio.run(main())
    assert seen == ["create"]
    assert ticks > 10, "the event loop ran while the watch waited"

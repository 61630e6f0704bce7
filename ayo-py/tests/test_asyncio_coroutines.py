"""Item 14 of the reliability wave: the ``*_async`` methods return coroutines (so
``asyncio.create_task`` and ``TaskGroup.create_task`` take them), a cancelled claim is still
given back, and a script that ends while such a wait is pending exits cleanly: no native
thread touches Python after the interpreter finalized (no Rust panic, no abort)."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ayo_tickets import Tickets


def test_async_methods_return_coroutines(t: Tickets) -> None:
    a = t.create("a")

    async def main() -> None:
        for make in (
            lambda: t.claim_async("w"),
            lambda: t.wait_ready_async(timeout=0),
            lambda: t.work_async("w"),
        ):
            c = make()
            assert inspect.iscoroutine(c)
            c.close()  # never started: nothing was claimed
        assert t.get(a.id).status == "open"
        task = asyncio.create_task(t.wait_ready_async(timeout=5))
        assert (await task) is not None
        got = await asyncio.create_task(t.claim_async("w"))
        assert got is not None and got.id == a.id
        assert await asyncio.create_task(t.work_async("w")) is None
        b = t.create("b")
        job = await t.work_async("w")
        assert job is not None
        async with job as j:
            assert j.ticket.id == b.id
        assert t.get(b.id).status == "closed"

    asyncio.run(main())


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TaskGroup is new in 3.11")
def test_task_groups_take_them_and_a_cancelled_claim_is_given_back(t: Tickets) -> None:
    async def main() -> None:
        async with asyncio.TaskGroup() as g:  # type: ignore[attr-defined]
            waits = [g.create_task(t.claim_async(f"a{i}", wait=True, timeout=30)) for i in range(3)]
            await asyncio.sleep(0.2)
            for i in range(3):
                t.create(f"job {i}")
        assert all(w.result() is not None for w in waits)
        pending = asyncio.create_task(t.claim_async("late", wait=True))
        await asyncio.sleep(0.2)
        pending.cancel()
        made = t.create("after the cancel")
        with pytest.raises(asyncio.CancelledError):
            await pending
        await asyncio.sleep(0.3)
        # Whether or not the claim went through before the cancel reached it: not held.
        assert t.get(made.id).status == "open"

    asyncio.run(main())


ENDINGS = {
    # asyncio.run cancels the pending waits, then the script fails.
    "asyncio.run": """
        async def main():
            await setup()
            asyncio.create_task(t.wait_ready_async(assignee="@nobody"))
            asyncio.create_task(t.claim_async("@nobody", wait=True))
            await asyncio.sleep(0.3)
            raise RuntimeError("the script fails")
        asyncio.run(main())
    """,
    # A loop left with its waits pending, never cancelled: the exit stops them.
    "loop left running": """
        loop = asyncio.new_event_loop()
        loop.run_until_complete(setup())
        loop.create_task(t.wait_ready_async(assignee="@nobody"))
        loop.create_task(t.claim_async("@nobody", wait=True))
        loop.run_until_complete(asyncio.sleep(0.3))
        raise RuntimeError("the script fails")
    """,
    # A daemon thread blocked in a sync wait.
    "daemon thread": """
        import threading
        asyncio.run(setup())
        threading.Thread(target=lambda: t.claim("@nobody", wait=True), daemon=True).start()
        threading.Thread(target=lambda: t.wait_ready(assignee="@nobody"), daemon=True).start()
        import time; time.sleep(0.3)
        raise RuntimeError("the script fails")
    """,
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_script_that_fails_during_a_wait_exits_cleanly(dir_store: Path, ending: str) -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        from ayo_tickets import Tickets
        t = Tickets.open(sys.argv[1])
        async def setup():
            for i in range(50):
                t.create(f"job {i}")
            for i in range(50):
                assert await t.claim_async("@w") is not None
        """
    ) + textwrap.dedent(ENDINGS[ending])
    for run in range(3):
        store = dir_store / f"run{run}"
        r = subprocess.run(
            [sys.executable, "-c", script, str(store)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 1, r.stderr
        assert "RuntimeError: the script fails" in r.stderr
        for bad in ("panicked", "not initialized", "Fatal Python error", "Aborted"):
            assert bad not in r.stderr, r.stderr
        t = Tickets.open(store)
        # The 50 claims are held; the waits pending at exit claimed nothing.
        assert len(t.list(status="in_progress", assignee="@w")) == 50
        assert t.list(assignee="@nobody") == []

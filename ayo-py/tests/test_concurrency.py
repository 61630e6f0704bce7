"""Claims are atomic across threads and processes; waits release the GIL, wake on changes,
serve asyncio without blocking the loop, and stop on Ctrl-C or cancellation."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Optional

import _workers
import pytest

from ayo_tickets import Ticket, Tickets

N_TICKETS = 200


def seed(t: Tickets, n: int = N_TICKETS) -> set[str]:
    with t.batch():
        return {t.create(f"job {i}").id for i in range(n)}


def test_eight_threads_claim_each_ticket_exactly_once(dir_store: Path) -> None:
    t = Tickets.open(dir_store)  # one handle, shared by every thread
    ids = seed(t)
    got: dict[str, list[str]] = {}
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(agent: str) -> None:
        try:
            barrier.wait()
            mine = got.setdefault(agent, [])
            while (ticket := t.claim(agent)) is not None:
                assert ticket.assignee == f"@{agent}"
                mine.append(ticket.id)
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors
    claimed = [i for ids_ in got.values() for i in ids_]
    assert Counter(claimed).most_common(1)[0][1] == 1
    assert set(claimed) == ids
    assert {x.status for x in t.list()} == {"in_progress"}


def test_four_processes_claim_each_ticket_exactly_once(dir_store: Path) -> None:
    ids = seed(Tickets.open(dir_store))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_workers.claim_all, args=(str(dir_store), f"p{i}", barrier, out))
        for i in range(4)
    ]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=180) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    claimed = [i for l in results.values() for i in l]
    assert len(claimed) == len(set(claimed)) == N_TICKETS
    assert set(claimed) == ids
    by = {x.id: x.assignee for x in Tickets.open(dir_store).list()}
    for agent, l in results.items():
        assert all(by[i] == f"@{agent}" for i in l)


def test_a_waiting_thread_wakes_when_another_closes_the_dep(t: Tickets) -> None:
    dep = t.create("dep", assignee="@someone-else")
    job = t.create("job", deps=[dep.id])
    result: dict[str, Optional[Ticket]] = {}
    waiter = threading.Thread(
        target=lambda: result.update(got=t.claim("w", wait=True, timeout=30))
    )
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive() and not result
    started = time.monotonic()
    t.close(dep.id)
    waiter.join(10)
    assert not waiter.is_alive()
    got = result["got"]
    assert got is not None and got.id == job.id and got.assignee == "@w"
    assert time.monotonic() - started < 5


def test_wait_ready_wakes_on_a_write_from_another_handle(dir_store: Path) -> None:
    reader, writer = Tickets.open(dir_store), Tickets.open(dir_store)
    result: dict[str, Optional[Ticket]] = {}
    waiter = threading.Thread(target=lambda: result.update(got=reader.wait_ready(timeout=30)))
    waiter.start()
    time.sleep(0.3)
    made = writer.create("new work")
    waiter.join(10)
    got = result["got"]
    assert got is not None and got.id == made.id
    assert reader.get(made.id).status == "open"  # waiting does not claim


@pytest.mark.parametrize("timeout", [1e300, 2.0**64, float("inf")])
def test_a_timeout_longer_than_any_clock_waits(dir_store: Path, timeout: float) -> None:
    reader, writer = Tickets.open(dir_store), Tickets.open(dir_store)
    result: dict[str, Optional[Ticket]] = {}
    waiter = threading.Thread(
        target=lambda: result.update(got=reader.wait_ready(timeout=timeout))
    )
    waiter.start()
    time.sleep(0.3)
    assert waiter.is_alive(), f"timeout={timeout} ended the wait at once"
    made = writer.create("new work")
    waiter.join(10)
    got = result["got"]
    assert got is not None and got.id == made.id


def test_waiting_releases_the_gil(t: Tickets) -> None:
    waiter = threading.Thread(target=lambda: t.wait_ready(timeout=3))
    waiter.start()
    time.sleep(0.1)
    begun = time.monotonic()
    total = 0
    for i in range(200_000):  # pure Python work, needs the GIL
        total += i
    elapsed = time.monotonic() - begun
    assert waiter.is_alive(), "the wait ended early"
    assert elapsed < 2.0
    waiter.join(10)


def test_asyncio_wait_does_not_block_the_loop(t: Tickets) -> None:
    async def main() -> tuple[Optional[Ticket], int]:
        task = asyncio.ensure_future(t.wait_ready_async(timeout=30))
        ticks = 0
        for _ in range(10):
            await asyncio.sleep(0.02)
            ticks += 1
        assert not task.done()
        made = t.create("for the async waiter")
        got = await asyncio.wait_for(task, 10)
        assert got is not None and got.id == made.id
        return got, ticks

    got, ticks = asyncio.run(main())
    assert ticks == 10 and got is not None


def test_asyncio_claims_more_than_the_executor_has_threads(t: Tickets) -> None:
    n = 12

    async def main() -> list[Optional[Ticket]]:
        waits = [
            asyncio.ensure_future(t.claim_async(f"a{i}", wait=True, timeout=30)) for i in range(n)
        ]
        await asyncio.sleep(0.3)
        assert not any(w.done() for w in waits)
        with t.batch():
            for i in range(n):
                t.create(f"async job {i}")
        return list(await asyncio.wait_for(asyncio.gather(*waits), 30))

    got = asyncio.run(main())
    assert all(g is not None for g in got)
    assert len({g.id for g in got if g is not None}) == n


def test_asyncio_claim_without_wait_and_timeout(t: Tickets) -> None:
    async def main() -> None:
        assert await t.claim_async("w") is None
        assert await t.claim_async("w", wait=True, timeout=0.2) is None
        assert await t.wait_ready_async(timeout=0.1) is None
        a = t.create("a")
        got = await t.claim_async("w")
        assert got is not None and got.id == a.id

    asyncio.run(main())


def test_a_claim_that_beats_its_cancellation_is_given_back(t: Tickets) -> None:
    """Cancelled just before a create wakes it, the claim may go through first: the ticket
    is then given back (open, for the agent that asked), never left in progress."""

    async def main() -> str:
        f = asyncio.ensure_future(t.claim_async("w", wait=True, timeout=10))
        await asyncio.sleep(0.05)
        f.cancel()
        made = t.create("job")  # before the loop runs the cancellation's callbacks
        with pytest.raises(asyncio.CancelledError):
            await f
        await asyncio.sleep(0.2)  # the result, if any, reaches the loop
        return made.id

    for _ in range(5):
        made = asyncio.run(main())
        deadline = time.monotonic() + 5
        while t.get(made).status != "open" and time.monotonic() < deadline:
            time.sleep(0.02)
        got = t.get(made)
        assert got.status == "open", got
        assert got.assignee in (None, "@w")
        t.close(made)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_cancelling_an_asyncio_wait_stops_its_thread(t: Tickets) -> None:
    def waiting_threads() -> int:
        """The native threads of this process named ayo-tickets-wait (Linux names them in
        /proc; the name is cut to 15 bytes)."""
        names = (p.read_text().strip() for p in Path("/proc/self/task").glob("*/comm"))
        return sum(1 for n in names if n == "ayo-tickets-wai")

    async def main() -> None:
        task = asyncio.ensure_future(t.claim_async("w", wait=True))
        await asyncio.sleep(0.2)
        assert waiting_threads() == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(t.wait_ready_async(), 0.2)

    asyncio.run(main())
    deadline = time.monotonic() + 3
    while waiting_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting_threads() == 0
    assert t.list() == []


@pytest.mark.parametrize("call", ["t.wait_ready()", "t.claim('w', wait=True)"])
def test_ctrl_c_interrupts_a_wait(tmp_path: Path, call: str) -> None:
    script = textwrap.dedent(
        f"""
        import signal, sys
        from ayo_tickets import Tickets
        # As in a terminal, even when this test runs with SIGINT ignored (a background job).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        t = Tickets.open(sys.argv[1])
        print("waiting", flush=True)
        {call}
        print("returned", flush=True)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / ".tickets")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "waiting"
        time.sleep(0.5)
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:  # a failed run leaves no waiter behind
            proc.kill()
            proc.wait()
    assert time.monotonic() - sent < 5
    assert "returned" not in out
    assert "KeyboardInterrupt" in err
    assert proc.returncode != 0

"""``Tickets.work``: a job as a context manager (sync and async) closes on a clean exit, gives
the ticket back on an exception, and tells when it was lost, proven with a real takeover of a
stopped process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ayo_tickets
from ayo_tickets import Tickets


def test_a_clean_exit_closes_and_the_dependent_becomes_ready(t: Tickets) -> None:
    a = t.create("Extract")
    b = t.create("Validate", deps=[a.id])
    job = t.work("@w", lease=30)
    assert job is not None
    with job:
        assert job.ticket.id == a.id and job.agent == "@w" and job.lease == 30
        assert t.get(a.id).lease_until is not None
        job.note("halfway")
        assert not job.lost and job.lost_reason is None
    got = t.get(a.id)
    assert got.status == "closed"
    assert [n.text for n in got.notes] == ["halfway"]
    assert t.get(b.id).ready
    assert job.ended


def test_an_exception_gives_back_with_a_note_and_is_raised_on(t: Tickets) -> None:
    a = t.create("Flaky")
    with pytest.raises(ValueError, match="bad row 7"):
        job = t.work("@w")
        assert job is not None
        with job as j:
            assert j.lease == 60  # the default
            raise ValueError("bad row 7")
    got = t.get(a.id)
    assert got.status == "open" and got.lease_until is None
    assert got.notes[-1].text == "Given back: the block raised ValueError: bad row 7"
    assert got.notes[-1].author == "@w"


def test_an_explicit_close_or_release_in_the_block_is_kept(t: Tickets) -> None:
    a = t.create("a")
    b = t.create("b")
    job = t.work("@w")
    assert job is not None
    with job:
        closed = job.close(reason="early")
        assert closed.ticket.status == "closed"
    job = t.work("@w")
    assert job is not None
    with job:
        job.release(note="not mine after all")
    assert t.get(a.id).status == "closed"
    assert t.get(b.id).status == "open"
    assert t.get(b.id).notes[-1].text == "not mine after all"
    with pytest.raises(ayo_tickets.InvalidInput):
        job.close()


def test_nothing_claimable_is_none(t: Tickets) -> None:
    assert t.work("@w") is None
    assert t.work("@w", wait=True, timeout=0.2) is None
    with pytest.raises(ayo_tickets.InvalidInput):
        t.work("@w", lease=0)


def test_a_ticket_taken_from_the_job_makes_it_lost(t: Tickets) -> None:
    a = t.create("a")
    job = t.work("@w", lease=30)
    assert job is not None
    t.release(a.id)
    why = job.wait_lost(timeout=10)
    assert why is not None and "released by someone else" in why
    assert job.lost and job.lost_reason == why
    with pytest.raises(ayo_tickets.ConflictError):
        job.note("too late")


def test_async_with_closes_and_gives_back(t: Tickets) -> None:
    a = t.create("a")
    b = t.create("b")

    async def main() -> None:
        job = await t.work_async("@w", lease=30)
        assert job is not None
        async with job as j:
            assert j.ticket.id == a.id
        with pytest.raises(RuntimeError, match="boom"):
            job2 = await t.work_async("@w", wait=True, timeout=5)
            assert job2 is not None
            async with job2:
                raise RuntimeError("boom")
        assert await t.work_async("@x") is None

    asyncio.run(main())
    assert t.get(a.id).status == "closed"
    assert t.get(b.id).status == "open"
    assert t.get(b.id).notes[-1].text == "Given back: the block raised RuntimeError: boom"


HOLDER = textwrap.dedent(
    """
    import sys
    from ayo_tickets import Tickets
    t = Tickets.open(sys.argv[1])
    job = t.work("@a", lease=1)
    print(job.ticket.id, flush=True)
    sys.stdin.readline()
    why = job.wait_lost(timeout=10)
    print(job.lost, why, flush=True)
    """
)


def test_lost_turns_true_when_a_stopped_holder_is_taken_over(dir_store: Path) -> None:
    t = Tickets.open(dir_store)
    a = t.create("a")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(dir_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == a.id
        os.kill(holder.pid, signal.SIGSTOP)
        taken = t.claim("@b", wait=True, timeout=10, lease=60)
        assert taken is not None and taken.id == a.id
        os.kill(holder.pid, signal.SIGCONT)
        holder.stdin.write("\n")
        holder.stdin.flush()
        line = holder.stdout.readline()
        assert line.startswith("True "), line
        assert "@b" in line or "claimed again" in line, line
    finally:
        os.kill(holder.pid, signal.SIGCONT)
        holder.kill()
        holder.wait()
    got = t.get(a.id)
    assert got.status == "in_progress" and got.assignee == "@b"


def test_leaving_the_block_of_a_lost_job_raises_conflict(t: Tickets) -> None:
    a = t.create("a")
    job = t.work("@w", lease=30)
    assert job is not None
    with pytest.raises(ayo_tickets.ConflictError):
        with job:
            t.close(a.id)
            assert job.wait_lost(timeout=10) is not None
    assert t.get(a.id).status == "closed"

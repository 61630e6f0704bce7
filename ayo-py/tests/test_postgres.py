"""Tickets.connect(url): the PostgreSQL store through Python, each test in a schema of its own.

The server is $AYO_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test. When it
cannot be reached these tests are skipped, except with CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from typing import Iterator, Optional

import pytest

import ayo_tickets
from ayo_tickets import Ticket, Tickets

BASE = os.environ.get("AYO_TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/test"


def with_params(url: str, params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{params}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    schema = f"ayo_py_{uuid.uuid4().hex[:12]}"
    url = with_params(BASE, f"schema={schema}&connect_timeout=3")
    try:
        Tickets.connect(url)
    except ayo_tickets.StorageError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {BASE} is unreachable under CI=true: {e}")
        pytest.skip(f"PostgreSQL at {BASE} is unreachable: {e}")
    yield url
    psql = shutil.which("psql")
    if psql:
        subprocess.run(
            [psql, BASE, "-qc", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'],
            capture_output=True,
            timeout=30,
        )


def test_unreachable_server_is_a_storage_error() -> None:
    with pytest.raises(ayo_tickets.StorageError) as e:
        Tickets.connect("postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert e.value.code == "STORAGE"
    with pytest.raises(ayo_tickets.InvalidInput):
        Tickets.connect("postgres://h/db?schema=")


def test_operations_on_postgres(pg_url: str) -> None:
    t = Tickets.connect(pg_url, actor="planner")
    a = t.create("Extract", assignee="@extractor")
    b = t.create("Validate", deps=[a.id])
    assert Tickets.connect(pg_url).get(b.id).blocked_by == [a.id]
    worker = Tickets.connect(pg_url, actor="extractor")
    got = worker.claim("extractor", lease=30)
    assert got is not None and got.id == a.id and got.lease_until is not None
    with pytest.raises(ayo_tickets.ConflictError):
        t.note(a.id, "the planner does not hold the lease")
    worker.note(a.id, "halfway")
    closed = worker.close(a.id, reason="done")
    assert [x.id for x in closed.unblocked] == [b.id]
    assert [n.text for n in t.get(a.id).notes] == ["halfway", "done"]
    assert [e.action for e in t.history(a.id)][:2] == ["create", "claim"]
    with pytest.raises(ayo_tickets.CycleError):
        t.add_dep(a.id, b.id)


def test_eight_threads_claim_each_ticket_once_on_postgres(pg_url: str) -> None:
    t = Tickets.connect(pg_url)
    with t.batch():
        ids = {t.create(f"job {i}").id for i in range(100)}
    got: list[str] = []
    lock = threading.Lock()

    def worker(agent: str) -> None:
        mine = Tickets.connect(pg_url)
        while (ticket := mine.claim(agent)) is not None:
            with lock:
                got.append(ticket.id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert len(got) == len(set(got)) == 100 and set(got) == ids


def test_wait_wakes_on_another_connection(pg_url: str) -> None:
    waiter, writer = Tickets.connect(pg_url), Tickets.connect(pg_url)
    result: dict[str, Optional[Ticket]] = {}
    th = threading.Thread(target=lambda: result.update(got=waiter.wait_ready(timeout=30)))
    th.start()
    time.sleep(0.5)
    assert th.is_alive()
    made = writer.create("from another host")
    th.join(15)
    got = result["got"]
    assert got is not None and got.id == made.id


def test_work_on_postgres_closes_and_gives_back(pg_url: str) -> None:
    t = Tickets.connect(pg_url)
    a = t.create("a")
    b = t.create("b", deps=[a.id])
    job = t.work("@w", lease=2)
    assert job is not None
    with job:
        assert job.ticket.id == a.id
        time.sleep(3)  # past the lease: the job renewed it
        assert Tickets.connect(pg_url).claim("@other") is None
    assert t.get(b.id).ready
    job = t.work("@w")
    assert job is not None
    with pytest.raises(KeyError):
        with job:
            raise KeyError("x")
    assert t.get(b.id).notes[-1].text == "Given back: the block raised KeyError: 'x'"

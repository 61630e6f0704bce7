"""A writer waits at most lock_timeout seconds for the store's writer lock, then raises
BusyError naming the lock and its holder (here another process: a child that holds the lock
file with flock, as a stopped writer would, and wrote who it is)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ayo_tickets
from ayo_tickets import BusyError, Tickets

HOLD = """
import fcntl, json, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.truncate(0)
f.write(json.dumps({"pid": os.getpid(), "host": "here", "since": "2026-01-01T00:00:00Z"}))
f.flush()
print("LOCKED", flush=True)
time.sleep(60)
"""


def test_a_held_lock_raises_busy_after_the_timeout(tmp_path: Path) -> None:
    t = Tickets.open(tmp_path, lock_timeout=0.5)
    t.create("first")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / ".ayo" / "lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "LOCKED"
        start = time.monotonic()
        with pytest.raises(BusyError) as caught:
            t.create("second")
        waited = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    e = caught.value
    assert isinstance(e, ayo_tickets.AyoError)
    assert e.code == "BUSY"
    assert e.lock.endswith(".ayo/lock")
    assert e.pid == holder.pid
    assert e.host == "here"
    assert e.since == "2026-01-01T00:00:00Z"
    assert 0.4 <= waited < 10
    assert [x.title for x in t.list()] == ["first"]
    t.create("third")


def test_a_bad_lock_timeout_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(ayo_tickets.InvalidInput):
        Tickets.open(tmp_path, lock_timeout=-1)


def test_busy_pickles() -> None:
    import pickle

    e = BusyError("busy", lock="/x/.ayo/lock", pid=7, host=None, since=None)
    back = pickle.loads(pickle.dumps(e))
    assert (back.lock, back.pid, back.code) == ("/x/.ayo/lock", 7, "BUSY")
    assert json.dumps(back.pid) == "7"

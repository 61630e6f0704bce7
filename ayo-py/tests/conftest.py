"""Shared fixtures: a clean environment (AYO_HOME in a tmp dir), and a handle on each store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from ayo_tickets import Tickets

@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No AYO_* variable from the caller leaks in; AYO_HOME is a fresh tmp dir."""
    for key in list(os.environ):
        if key.startswith("AYO_") or key == "XDG_DATA_HOME":
            monkeypatch.delenv(key)
    home = tmp_path / "ayo-home"
    monkeypatch.setenv("AYO_HOME", str(home))
    return home


@pytest.fixture(params=["dir", "memory"])
def t(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tickets]:
    """A handle on an empty store: a directory of markdown files, and memory."""
    if request.param == "dir":
        yield Tickets.open(tmp_path / ".tickets")
    else:
        yield Tickets.in_memory()


@pytest.fixture
def dir_store(tmp_path: Path) -> Path:
    """An empty directory store's path."""
    return tmp_path / ".tickets"

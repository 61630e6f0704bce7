"""Where tickets live: sessions and the global scope under AYO_HOME, and directories."""

from __future__ import annotations

from pathlib import Path

import pytest

import ayo_tickets
from ayo_tickets import Tickets


def test_sessions_are_separate_and_global_is_shared(clean_env: Path) -> None:
    home = clean_env
    a = Tickets.open_session("alpha")
    b = Tickets.open_session("beta")
    g = Tickets.open_global()
    ta = a.create("in alpha")
    b.create("in beta")
    tg = g.create("shared")
    assert [x.title for x in a.list()] == ["in alpha"]
    assert [x.title for x in Tickets.open_session("beta").list()] == ["in beta"]
    assert [x.title for x in Tickets.open_global().list()] == ["shared"]
    assert (home / "sessions" / "alpha" / ".tickets" / f"{ta.id}.md").is_file()
    assert (home / "tickets" / ".tickets" / f"{tg.id}.md").is_file()


def test_default_session_and_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = Tickets.open_session().create("default session")
    assert (clean_env / "sessions" / "default" / ".tickets" / f"{made.id}.md").is_file()
    monkeypatch.setenv("AYO_SESSION_ID", "from-env")
    t = Tickets.open_session().create("env session")
    assert (clean_env / "sessions" / "from-env" / ".tickets" / f"{t.id}.md").is_file()
    assert [x.title for x in Tickets.open_session("from-env").list()] == ["env session"]
    # An explicit session wins over the environment.
    assert Tickets.open_session("default").get(made.id).title == "default session"


def test_xdg_data_home_when_no_ayo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AYO_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    made = Tickets.open_global().create("xdg")
    assert (tmp_path / "xdg" / "ayo" / "tickets" / ".tickets" / f"{made.id}.md").is_file()


def test_bad_session_name_is_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("", "..", "a/b", "-x"):
        with pytest.raises(ayo_tickets.InvalidInput):
            Tickets.open_session(bad)
    monkeypatch.setenv("AYO_SESSION_ID", "no spaces allowed")
    with pytest.raises(ayo_tickets.InvalidInput):
        Tickets.open_session()


def test_two_handles_on_one_directory_see_each_other(dir_store: Path) -> None:
    one, two = Tickets.open(dir_store), Tickets.open(dir_store)
    a = one.create("a")
    assert two.get(a.id).title == "a"
    two.close(a.id)
    assert one.get(a.id).status == "closed"


def test_a_relative_directory_stays_where_it_was_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    monkeypatch.chdir(tmp_path / "one")
    t = Tickets.open("rel")
    first = t.create("first")
    monkeypatch.chdir(tmp_path / "two")
    second = t.create("second")
    assert sorted(x.id for x in t.list()) == sorted([first.id, second.id])
    assert (tmp_path / "one" / "rel" / f"{second.id}.md").is_file()
    assert not (tmp_path / "two" / "rel").exists()

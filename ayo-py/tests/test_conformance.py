"""The conformance table (ayo-tickets/tests/conformance/cases.json) through the Python module.

Each case opens its directory with ``Tickets.open(dir, actor=..., lease=...)``, runs its setup
and its operation with the contract's names as keyword arguments (an explicit null is ``None``,
which clears ``update``'s parent and ``assign``'s agent), and compares ``to_dict()`` of the
result, or the error's ``code`` and attributes, with the table. The core, the CLI and Node run
the same table, so the same input means the same thing everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ayo_tickets
from ayo_tickets import Tickets

TABLE = Path(__file__).resolve().parents[2] / "ayo-tickets" / "tests" / "conformance" / "cases.json"
CASES: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]

# The arguments each operation takes by position; the rest are keywords.
POSITIONAL: dict[str, list[str]] = {
    "create": ["title"],
    "get": ["id"],
    "update": ["id"],
    "start": ["id"],
    "claim": ["agent"],
    "heartbeat": ["id", "agent"],
    "release": ["id"],
    "close": ["id"],
    "reopen": ["id"],
    "note": ["id", "text"],
    "assign": ["id", "agent"],
    "add_dep": ["id", "dep"],
    "remove_dep": ["id", "dep"],
    "dep_tree": ["id"],
    "delete": ["id"],
    "history": ["id"],
    "graph": ["id"],
    "search": ["text"],
    "defer": ["id", "until"],
    "why": ["id"],
    "unlink": ["id", "other"],
    "archive": ["ids"],
    "unarchive": ["id"],
}


def to_json(value: Any) -> Any:
    """A result in the contract's JSON shape."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def matches(expected: Any, got: Any, at: str) -> None:
    """Asserts that ``got`` has what ``expected`` asks for (the table's subset rules)."""
    if expected == "*":
        assert got is not None, f"at {at}: expected a value, got null"
    elif isinstance(expected, dict) and isinstance(got, str) and "starts_with" in expected:
        assert got.startswith(expected["starts_with"]), f"at {at}: {got!r}"
        for part in expected.get("contains", []):
            assert part in got, f"at {at}: {part!r} not in {got!r}"
    elif isinstance(expected, dict):
        assert isinstance(got, dict), f"at {at}: expected an object, got {got!r}"
        for key, value in expected.items():
            matches(value, got.get(key), f"{at}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), f"at {at}: {expected!r} vs {got!r}"
        for i, (e, g) in enumerate(zip(expected, got)):
            matches(e, g, f"{at}[{i}]")
    else:
        assert expected == got, f"at {at}: expected {expected!r}, got {got!r}"


def run(t: Tickets, op: str, args: dict[str, Any]) -> Any:
    """Calls the operation as a Python user would."""
    if op == "link":
        return to_json(t.link(args["id"], *args["others"]))
    if op == "archive" and "older_than" in args:
        return to_json(t.archive_older_than(args["older_than"]))
    names = POSITIONAL.get(op, [])
    positional = [args[n] for n in names if n in args]
    keywords = {k: v for k, v in args.items() if k not in names}
    return to_json(getattr(t, op)(*positional, **keywords))


def open_store(directory: Path, options: dict[str, Any]) -> Tickets:
    return Tickets.open(directory, **options)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any], tmp_path: Path) -> None:
    if "python" in case.get("skip", {}):
        pytest.skip(case["skip"]["python"])
    for name, text in case.get("files", {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    options = case.get("open", {})
    try:
        if case["op"] == "open":
            open_store(tmp_path, case["args"])
            got: Any = None
        else:
            t = open_store(tmp_path, options)
            for step in case.get("setup", []):
                run(t, step["op"], step["args"])
            got = run(t, case["op"], case["args"])
    except ayo_tickets.AyoError as e:
        assert "error" in case, f"expected a result, got {e.code}: {e}"
        fields = {k: getattr(e, k, None) for k in case["error"] if k != "code"}
        matches(case["error"], {"code": e.code, **fields}, "error")
        return
    assert "error" not in case, f"expected the error {case['error']}, got {got!r}"
    matches(case["result"], got, "result")


def test_the_table_covers_every_operation_and_error_code() -> None:
    ops = {c["op"] for c in CASES} | {s["op"] for c in CASES for s in c.get("setup", [])}
    assert set(POSITIONAL) | {"list", "ready", "blocked", "wait_ready", "check", "open", "link"} <= ops
    codes = {c["error"]["code"] for c in CASES if "error" in c}
    assert codes == {
        "NOT_FOUND", "AMBIGUOUS", "EXISTS", "CYCLE", "INVALID_TRANSITION", "BLOCKED",
        "CONFLICT", "INVALID", "PARSE", "STORAGE", "INTERRUPTED",
    }

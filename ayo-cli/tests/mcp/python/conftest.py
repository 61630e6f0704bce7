"""Shared by the MCP client tests: the `ayo` binary under test, a clean environment per test, and
MCP clients (the `mcp` SDK from PyPI) connected to `ayo mcp` over stdio.

The binary is $AYO_BIN, else target/debug/ayo of this checkout (build it first: `cargo build`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult

ROOT = Path(__file__).resolve().parents[4]
target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
AYO = os.environ.get("AYO_BIN") or str(target / "debug" / "ayo")
POSTGRES = os.environ.get("AYO_TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a server: a temporary $AYO_HOME, no other AYO_* variable."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AYO_")}
    clean["AYO_HOME"] = str(tmp_path / "home")
    yield clean


@pytest.fixture(params=["markdown", "postgres"])
def store(request: pytest.FixtureRequest, env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A store for `--store`: a markdown directory, then a PostgreSQL schema of its own (skipped
    when the server cannot be reached, except with CI=true, where that fails)."""
    if request.param == "markdown":
        yield str(tmp_path / "shared" / ".tickets")
        return
    schema = f"ayo_mcp_{uuid.uuid4().hex[:12]}"
    url = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}schema={schema}&connect_timeout=3"
    probe = ayo(env, "--store", url, "ticket", "list", "--json")
    if probe.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable under CI=true: {probe.stderr}")
        pytest.skip(f"PostgreSQL at {POSTGRES} is unreachable (not run): {probe.stderr.strip()}")
    yield url
    psql = shutil.which("psql")
    if psql:
        subprocess.run([psql, POSTGRES, "-qc", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'], capture_output=True)


def ayo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the `ayo` CLI."""
    return subprocess.run([AYO, *args], env=env, capture_output=True, text=True, timeout=60)


@asynccontextmanager
async def server(env: dict[str, str], *args: str) -> AsyncIterator[Client]:
    """An MCP client connected to `ayo mcp ARGS` over stdio; the server must not panic, even as
    it shuts down."""
    params = StdioServerParameters(command=AYO, args=["mcp", *args], env=env)
    with tempfile.TemporaryFile("w+") as log:
        async with Client(stdio_client(params, errlog=log)) as client:
            yield client
        log.seek(0)
        stderr = log.read()
    assert "panicked" not in stderr, stderr


def answer(result: CallToolResult) -> Any:
    """The JSON a successful tool call answered; it is both the structured content and the text."""
    assert not result.is_error, result
    text = json.loads(result.content[0].text)  # type: ignore[union-attr]
    assert result.structured_content == text
    return text


def error(result: CallToolResult) -> dict[str, Any]:
    """The contract's error object of a failed tool call: {code, message, ...}."""
    assert result.is_error, result
    text = json.loads(result.content[0].text)  # type: ignore[union-attr]
    return text["error"]  # type: ignore[no-any-return]

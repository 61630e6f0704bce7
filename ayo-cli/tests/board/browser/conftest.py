"""Shared by the browser tests: the `ayo` binary under test, a clean environment per test, the
stores (a directory, and PostgreSQL in a schema of its own), the seed workflow, a running
`ayo board`, and Chromium driven by Playwright.

The binary is $AYO_BIN, else target/debug/ayo of this checkout; the browser is $AYO_CHROMIUM,
else /usr/bin/chromium (Debian's package; Playwright's own browsers are never downloaded).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[4]
target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
AYO = os.environ.get("AYO_BIN") or str(target / "debug" / "ayo")
CHROMIUM = os.environ.get("AYO_CHROMIUM") or "/usr/bin/chromium"
POSTGRES = os.environ.get("AYO_TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/test"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# A name of another site that the browser resolves to this machine: DNS rebinding, staged.
FOREIGN = "rebound.example"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of `ayo`: a temporary $AYO_HOME, no other AYO_* variable."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AYO_")}
    clean["AYO_HOME"] = str(tmp_path / "home")
    yield clean


def ayo(env: dict[str, str], *args: str) -> str:
    """Runs the `ayo` CLI, which must succeed; its stdout, stripped."""
    done = subprocess.run([AYO, *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"ayo {args}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture(params=["markdown", "postgres"])
def store(request: pytest.FixtureRequest, env: dict[str, str], tmp_path: Path) -> Iterator[list[str]]:
    """The store flags of a directory, or of a PostgreSQL schema of the test's own (skipped when
    the server cannot be reached, except with CI=true, where that fails)."""
    if request.param == "markdown":
        yield ["--dir", str(tmp_path / "work" / ".tickets")]
        return
    schema = f"ayo_board_{uuid.uuid4().hex[:12]}"
    url = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}schema={schema}&connect_timeout=3"
    probe = subprocess.run([AYO, "--store", url, "ticket", "list"], env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable under CI=true: {probe.stderr}")
        pytest.skip(f"PostgreSQL at {POSTGRES} is unreachable (not run): {probe.stderr.strip()}")
    yield ["--store", url]
    psql = shutil.which("psql")
    if psql:
        subprocess.run([psql, POSTGRES, "-qc", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'], capture_output=True)


@dataclass
class Seed:
    """The seed workflow's tickets: collect (closed) <- extract (claimed) <- validate <- import,
    and summary (ready, on its own)."""

    collect: str
    extract: str
    validate: str
    load: str
    summary: str


NOTE = "Processed 47 reports, 3 flagged for review"


def seed(env: dict[str, str], store: list[str]) -> Seed:
    """Makes the seed workflow in `store`."""
    s = store
    collect = ayo(env, *s, "ticket", "create", "Collect invoices", "-a", "@collector")
    extract = ayo(env, *s, "ticket", "create", "Extract data from invoices", "-a", "@extractor",
                  "--deps", collect, "--tags", "finance", "-d", "Read every PDF in inbox/ and extract the totals.")
    validate = ayo(env, *s, "ticket", "create", "Validate extracted data", "-a", "@validator",
                   "--deps", extract, "--tags", "finance")
    load = ayo(env, *s, "ticket", "create", "Import to accounting system", "-a", "@importer", "--deps", validate)
    summary = ayo(env, *s, "ticket", "create", "Write the monthly summary", "-a", "@reporter", "-p", "1",
                  "--tags", "reporting")
    ayo(env, *s, "ticket", "close", collect, "--reason", "Fetched 52 invoices", "--actor", "@collector")
    ayo(env, *s, "ticket", "claim", "-a", "@extractor", "--lease", "900")
    ayo(env, *s, "ticket", "note", extract, NOTE, "--actor", "@extractor")
    return Seed(collect, extract, validate, load, summary)


@contextmanager
def board(env: dict[str, str], store: list[str], *extra: str) -> Iterator[str]:
    """A running `ayo board` on a free port: its URL (the first line it prints). It must stop
    with exit 0 on SIGINT, without a panic."""
    with tempfile.TemporaryFile("w+") as log:
        child = subprocess.Popen([AYO, *store, "board", "--port", "0", *extra], env=env,
                                 stdout=subprocess.PIPE, stderr=log, text=True)
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        try:
            assert url.startswith("http://127.0.0.1:") and url.endswith("/"), url
            yield url
        finally:
            child.send_signal(signal.SIGINT)
            try:
                code = child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                raise AssertionError("ayo board still running 5 s after SIGINT")
            log.seek(0)
            stderr = log.read()
        assert code == 0, stderr
        assert "panicked" not in stderr, stderr


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with the foreign name resolving to this machine."""
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", f"--host-resolver-rules=MAP {FOREIGN} 127.0.0.1"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (its own context) of a size that fits the board."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    p = context.new_page()
    yield p
    context.close()


def shot(page: Page, name: str) -> None:
    """Saves a screenshot of the whole page as screenshots/NAME.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def many(directory: Path, count: int) -> dict[str, list[str]]:
    """Writes `count` ticket files in ayo's format straight into a directory store: a web of
    deps (each ticket may wait on up to two of the 40 before it), a third closed, one in ten in
    progress. Returns the ids by what they are: closed, in_progress, open."""
    rng = random.Random(7)
    directory.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, list[str]] = {"closed": [], "in_progress": [], "open": []}
    for i in range(count):
        tid = f"t{i:04d}"
        deps = sorted({f"t{j:04d}" for j in rng.sample(range(max(0, i - 40), i), min(i, rng.choice([0, 1, 1, 2])))})
        roll = rng.random()
        status = "closed" if roll < 0.33 else "in_progress" if roll < 0.43 else "open"
        kinds[status].append(tid)
        agent = f"@agent{rng.randrange(12)}"
        lines = ["---", f"id: {tid}", f"status: {status}", f"deps: [{', '.join(deps)}]", "links: []",
                 f"created: 2026-11-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z", "type: task",
                 f"priority: {rng.randrange(5)}", f"assignee: '{agent}'", f"tags: [area{rng.randrange(6)}]"]
        if status == "closed":
            lines.append(f"closed: 2026-11-02T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z")
        lines += ["---", f"# Step {i} of the big migration", "", f"Work item {i}.", ""]
        (directory / f"{tid}.md").write_text("\n".join(lines))
    return kinds

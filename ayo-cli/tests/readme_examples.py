#!/usr/bin/env python3
"""Keeps the README's examples true: each code block marked `<!-- example: PATH -->` must be
that file, byte for byte (the file is what the tests run), and the CLI transcript marked
`<!-- transcript: ... -->` is run, command by command, with a real `ayo` binary; each command
must print what the README shows under it.

Usage: readme_examples.py [--ayo PATH] [README]
  --ayo PATH   the binary that runs the transcript (default: target/debug/ayo); "none" skips it

Ticket ids are random, so both sides name them in order of first appearance (the README lists
its ids in the marker: `<!-- transcript: ids a1 b2 c3 -->`), and times read as <time>. Runs
in a temporary directory with a store of its own ($AYO_HOME). Exits 1 naming every mismatch.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = re.compile(r"^<!-- example: (\S+) -->\n```[a-z]*\n(.*?)^```$", re.M | re.S)
TRANSCRIPT = re.compile(r"^<!-- transcript: ids ([^>]*?) -->\n```sh\n(.*?)^```$", re.M | re.S)
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")
MARK = "@@ayo-readme-command@@"


def check_examples(readme: str) -> list[str]:
    """The marked blocks that differ from their files; prints what it compared."""
    problems = []
    found = EXAMPLE.findall(readme)
    if not found:
        problems.append("no <!-- example: PATH --> block in the README")
    for path, block in found:
        text = (ROOT / path).read_text()
        if block != text:
            problems.append(f"the README's block for {path} differs from the file")
        print(f"readme: block == {path}")
    return problems


def parse_transcript(block: str) -> list[tuple[str, list[str]]]:
    """[(command, expected output lines)] from `$ command` lines and the lines under them."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        else:
            raise ValueError(f"transcript output before any command: {line!r}")
    return steps


def normalise(lines: list[str], ids: list[str], order: dict[str, str]) -> list[str]:
    """Ids become <id1>, <id2>... by first appearance (shared `order`); times become <time>."""
    if not ids:
        return [TIME.sub("<time>", l).rstrip() for l in lines]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b")

    def name(m: re.Match[str]) -> str:
        return order.setdefault(m.group(1), f"<id{len(order) + 1}>")

    return [pattern.sub(name, TIME.sub("<time>", l)).rstrip() for l in lines]


def run_transcript(readme: str, ayo: Path) -> list[str]:
    """Runs the transcript in one bash session and compares each command's output."""
    found = TRANSCRIPT.findall(readme)
    if len(found) != 1:
        return [f"expected one <!-- transcript: ids ... --> block, found {len(found)}"]
    readme_ids, block = found[0][0].split(), found[0][1]
    steps = parse_transcript(block)
    with tempfile.TemporaryDirectory(prefix="ayo-readme-") as work:
        env = dict(os.environ, AYO_HOME=f"{work}/home", AYO_SESSION_ID="readme", NO_COLOR="1")
        for var in ("AYO_STORE", "AYO_TICKETS_DIR", "AYO_AGENT", "AYO_LEASE"):
            env.pop(var, None)
        env["PATH"] = f"{ayo.parent}{os.pathsep}{env['PATH']}"
        script = ["set -u", f'ayo() {{ "{ayo}" "$@"; }}']
        for command, _ in steps:
            # A newline before the brace: a command may end in a comment.
            script += [f"echo {MARK}", "{ " + command, "} 2>&1"]
        run = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=work, env=env, capture_output=True, text=True, timeout=120,
        )
        if run.returncode != 0 or run.stderr:
            return [f"the transcript's shell failed ({run.returncode}): {run.stderr}"]
        log = subprocess.run(
            [str(ayo), "--json", "ticket", "log"], cwd=work, env=env,
            capture_output=True, text=True, check=True,
        )
        actual_ids = sorted({e["ticket"] for e in json.loads(log.stdout)})
    outputs = run.stdout.split(MARK + "\n")[1:]
    problems = []
    ours: dict[str, str] = {}
    theirs: dict[str, str] = {}
    for (command, expected), output in zip(steps, outputs):
        want = normalise(expected, readme_ids, ours)
        got = normalise(output.splitlines(), actual_ids, theirs)
        status = "ok" if want == got else "DIFFERS"
        print(f"readme: $ {command}  [{status}]")
        if want != got:
            problems.append(
                f"$ {command}\n  README shows: {expected}\n  ayo printed:  {output.splitlines()}"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ayo", default=str(ROOT / "target/debug/ayo"))
    parser.add_argument("readme", nargs="?", default=str(ROOT / "README.md"))
    args = parser.parse_args()
    readme = Path(args.readme).read_text()
    problems = check_examples(readme)
    if args.ayo != "none":
        problems += run_transcript(readme, Path(args.ayo).resolve())
    for p in problems:
        print(f"readme: {p}", file=sys.stderr)
    print(f"readme: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

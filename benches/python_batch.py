"""Creating 10 000 tickets from Python in one batch (the issue's target: 0.6 s).

    python benches/python_batch.py [TICKETS] [RUNS]

Needs the `ayo_tickets` package (ayo-py) importable; build it in release for a fair figure
(`pip install ./ayo-py` builds release by default). Prints one markdown table row per store:
what, tickets, median of RUNS runs (default 5). Each run creates the tickets in a new store
(the markdown one in a new temp dir), in chains of ten: each depends on the one created
before it, but every tenth. The runs' directories are removed only at the end: ext4 without
a journal skips inodes freed in the last minutes when it allocates one, so creating 10k files
right after removing 10k takes seconds.
"""

import statistics
import sys
import tempfile
import time

import ayo_tickets


def batch(t: ayo_tickets.Tickets, n: int) -> None:
    last = None
    with t.batch():
        for i in range(n):
            deps = [last] if last is not None and i % 10 else None
            last = t.create(f"Invoice {i}: extract, validate, import", assignee=f"@agent-{i % 8}", deps=deps).id


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for what, make in [
        ("markdown", lambda d: ayo_tickets.Tickets.open(d)),
        ("memory", lambda d: ayo_tickets.Tickets.in_memory()),
    ]:
        times = []
        dirs = [tempfile.TemporaryDirectory() for _ in range(runs)]
        for d in dirs:
            t = make(d.name)
            start = time.perf_counter()
            batch(t, n)
            times.append(time.perf_counter() - start)
        for d in dirs:
            d.cleanup()
        print(f"| Python: {n} `create` in one `batch()`, {what} store | {n} | {statistics.median(times):.2f} s | target 0.6 s |")


if __name__ == "__main__":
    main()

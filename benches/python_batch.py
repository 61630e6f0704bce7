"""Creating 10 000 tickets from Python in one batch, beside the floor of any batch on this disk.

    python benches/python_batch.py [TICKETS] [RUNS]

Needs the `ayo_tickets` package (ayo-py) importable; build it in release for a fair figure
(`pip install ./ayo-py` builds release by default). Prints markdown table rows: what, tickets,
median of RUNS runs (default 5), ratio to the floor. Each run creates the tickets in a new store
(the markdown one in a new temp dir), in chains of ten: each depends on the one created
before it, but every tenth.

The floor, run in this same process and in the same kind of temp dir (so on the same file
system), interleaved with the batch runs: the plain loop any durable batch of files must do,
with no ticket logic: write TICKETS temp files of a ticket's size, rename each into place,
sync the file system once (`syncfs`, as the batch does). The bar is batch <= 1.3x floor.

The runs' directories are removed only at the end: ext4 without a journal skips inodes freed
in the last minutes when it allocates one, so creating 10k files right after removing 10k
takes seconds.
"""

import ctypes
import os
import statistics
import sys
import tempfile
import time

import ayo_tickets

_libc = ctypes.CDLL(None, use_errno=True)


def syncfs(path: str) -> None:
    """Flushes the file system holding `path` (Linux `syncfs`)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _libc.syncfs(fd) != 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e), path)
    finally:
        os.close(fd)


def batch(t: ayo_tickets.Tickets, n: int) -> None:
    last = None
    with t.batch():
        for i in range(n):
            deps = [last] if last is not None and i % 10 else None
            last = t.create(f"Invoice {i}: extract, validate, import", assignee=f"@agent-{i % 8}", deps=deps).id


def floor(d: str, n: int) -> None:
    """Writes n temp files in d/.tmp, renames each into d, syncs once."""
    tmp = os.path.join(d, ".tmp")
    os.mkdir(tmp)
    text = b"x" * 300
    for i in range(n):
        temp = os.path.join(tmp, f"tmp-{i}.md")
        with open(temp, "wb") as f:
            f.write(text)
        os.rename(temp, os.path.join(d, f"t{i}.md"))
    syncfs(d)


def timed(f) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    dirs = []

    def new_dir() -> str:
        dirs.append(tempfile.TemporaryDirectory())
        return dirs[-1].name

    floors, markdown, memory = [], [], []
    for _ in range(runs):
        floors.append(timed(lambda: floor(new_dir(), n)))
        t = ayo_tickets.Tickets.open(new_dir())
        markdown.append(timed(lambda: batch(t, n)))
        t = ayo_tickets.Tickets.in_memory()
        memory.append(timed(lambda: batch(t, n)))
    for d in dirs:
        d.cleanup()
    base = statistics.median(floors)
    print(f"| Python floor: write {n} temp files, rename each, `syncfs` once | {n} | {base:.2f} s | 1 (floor) |")
    for what, times in [("markdown", markdown), ("memory", memory)]:
        m = statistics.median(times)
        print(f"| Python: {n} `create` in one `batch()`, {what} store | {n} | {m:.2f} s | {m / base:.2f} |")


if __name__ == "__main__":
    main()

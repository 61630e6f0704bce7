"""Runs a blocking call for asyncio: in a thread of its own, so neither the event loop nor its
default executor is held while a claim or wait blocks."""

from __future__ import annotations

import asyncio
import threading
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


def spawn(
    job: Callable[[], T],
    cancel: Callable[[], None],
    orphan: Optional[Callable[[T], None]] = None,
) -> asyncio.Future[T]:
    """A future of the running loop resolved with ``job()``, run in a new daemon thread.

    Cancelling the future calls ``cancel`` (which makes the native wait stop within 100 ms). A
    result other than None that arrives after the future was cancelled (a claim that went
    through first) is handed to ``orphan``, on a thread of its own, so it is not lost.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def on_done(f: asyncio.Future[T]) -> None:
        if f.cancelled():
            cancel()

    def deliver(ok: bool, value: object) -> None:
        if future.done():
            if ok and value is not None and orphan is not None:
                threading.Thread(target=orphan, args=(value,), daemon=True).start()
            return
        if ok:
            future.set_result(value)  # type: ignore[arg-type]
        else:
            assert isinstance(value, BaseException)
            future.set_exception(value)

    def run() -> None:
        try:
            value: object = job()
            ok = True
        except BaseException as e:  # handed to the awaiting task
            value, ok = e, False
        try:
            loop.call_soon_threadsafe(deliver, ok, value)
        except RuntimeError:  # the loop is closed: nobody awaits the result any more
            if ok and value is not None and orphan is not None:
                orphan(value)  # type: ignore[arg-type]

    future.add_done_callback(on_done)
    threading.Thread(target=run, name="ayo-tickets-wait", daemon=True).start()
    return future

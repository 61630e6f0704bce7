"""Runs a blocking core call for asyncio as a coroutine: the call runs in a native thread of
its own once the coroutine is awaited (or wrapped in a task), so neither the event loop nor its
default executor is held while a claim or wait blocks."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Protocol, TypeVar

T = TypeVar("T")


class Outcome(Protocol):
    """What the native thread hands over: ``unwrap()`` returns the value (issuing the call's
    warnings, raising its error); ``orphan()`` gives back a value nobody will receive."""

    def unwrap(self) -> Any: ...

    def orphan(self) -> None: ...


async def run(start: Callable[[Callable[[Outcome], None]], Callable[[], None]]) -> Any:
    """Starts the native job with ``start(post)`` and returns its outcome's value.

    The native thread calls ``post(outcome)`` when its call is over; ``start`` returns the
    function that cancels the job (its wait stops within 100 ms). A ticket that was claimed
    as the coroutine was cancelled is given back, never left in progress.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Outcome] = loop.create_future()

    def deliver(outcome: Outcome) -> None:
        if future.done():  # cancelled first: nobody will take it
            outcome.orphan()
        else:
            future.set_result(outcome)

    def post(outcome: Outcome) -> None:  # on the native thread; raises if the loop is closed
        loop.call_soon_threadsafe(deliver, outcome)

    cancel = start(post)
    try:
        outcome = await future
    except asyncio.CancelledError:
        cancel()
        if future.done() and not future.cancelled():  # arrived as the task was cancelled
            future.result().orphan()
        raise
    return outcome.unwrap()


async def ready(value: T) -> T:
    """A coroutine that returns ``value``."""
    return value

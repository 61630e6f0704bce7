"""The exceptions of ayo_tickets: one class per error kind of the contract, all under AyoError.

The native module raises them (it maps each core error once); they are plain Python so that
InvalidInput can also be a ValueError and every exception survives pickling (multiprocessing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Optional, Sequence


class AyoError(Exception):
    """Base of every error ayo_tickets raises; ``.code`` is the contract's error code."""

    code: ClassVar[str] = "ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,), self.__dict__)


class TicketNotFound(AyoError):
    """No ticket has this id, and no id starts with this prefix; or, with ``.dep`` set, the
    ticket ``.id`` does not depend on ``.dep`` (``remove_dep`` of an edge that is not there)."""

    code: ClassVar[str] = "NOT_FOUND"

    def __init__(self, message: str, id: str = "", dep: Optional[str] = None) -> None:
        super().__init__(message)
        self.id = id
        self.dep = dep


class AmbiguousId(AyoError):
    """A prefix matches several tickets: ``.candidates`` lists them."""

    code: ClassVar[str] = "AMBIGUOUS"

    def __init__(self, message: str, prefix: str = "", candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.prefix = prefix
        self.candidates = list(candidates)


class TicketExists(AyoError):
    """A ticket with the given id already exists."""

    code: ClassVar[str] = "EXISTS"

    def __init__(self, message: str, id: str = "") -> None:
        super().__init__(message)
        self.id = id


class CycleError(AyoError):
    """An edge would close a dependency cycle: ``.cycle`` is the path, first id repeated last."""

    code: ClassVar[str] = "CYCLE"

    def __init__(self, message: str, cycle: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.cycle = list(cycle)


class InvalidTransition(AyoError):
    """The ticket's status does not allow this (e.g. closing a closed ticket)."""

    code: ClassVar[str] = "INVALID_TRANSITION"

    def __init__(self, message: str, id: str = "", action: str = "", status: str = "") -> None:
        super().__init__(message)
        self.id = id
        self.action = action
        self.status = status


class BlockedError(AyoError):
    """Start of a ticket whose deps are not closed: ``.blocked_by`` names them."""

    code: ClassVar[str] = "BLOCKED"

    def __init__(self, message: str, id: str = "", blocked_by: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.id = id
        self.blocked_by = list(blocked_by)


class ConflictError(AyoError):
    """Held by another agent, acted on by a displaced holder, or depended on (delete)."""

    code: ClassVar[str] = "CONFLICT"

    def __init__(self, message: str, id: str = "") -> None:
        super().__init__(message)
        self.id = id


class InvalidInput(AyoError, ValueError):
    """Bad input: an empty title, a priority out of range, a bad id or session name."""

    code: ClassVar[str] = "INVALID"


class ParseError(AyoError):
    """A ticket file that cannot be read: ``.path`` and ``.line`` (None when unknown)."""

    code: ClassVar[str] = "PARSE"

    def __init__(
        self, message: str, path: Optional[Path] = None, line: Optional[int] = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


class StorageError(AyoError):
    """An I/O or database failure."""

    code: ClassVar[str] = "STORAGE"


class Interrupted(AyoError):
    """A wait was interrupted (an asyncio task cancelled while it waited). Ctrl-C in a blocking
    wait raises ``KeyboardInterrupt`` instead, as Python does everywhere."""

    code: ClassVar[str] = "INTERRUPTED"


class BusyError(AyoError):
    """A writer waited the whole lock timeout (``lock_timeout=``, ``$AYO_LOCK_TIMEOUT``, 30 s
    by default) for the store's writer lock: ``.lock`` names it and, where known, ``.pid``,
    ``.host`` and ``.since`` its holder (None when unknown). Nothing was written."""

    code: ClassVar[str] = "BUSY"

    def __init__(
        self,
        message: str,
        lock: str = "",
        pid: Optional[int] = None,
        host: Optional[str] = None,
        since: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.lock = lock
        self.pid = pid
        self.host = host
        self.since = since


class UnreadableTicketWarning(UserWarning):
    """A read skipped a ticket file it could not parse (``check()`` lists such files)."""


# Shown (and pickled) as ayo_tickets.X, where users import them from.
for _cls in (
    AyoError, TicketNotFound, AmbiguousId, TicketExists, CycleError, InvalidTransition,
    BlockedError, ConflictError, InvalidInput, ParseError, StorageError, Interrupted, BusyError,
    UnreadableTicketWarning,
):
    _cls.__module__ = "ayo_tickets"
del _cls

"""Type stubs of the native module ayo_tickets._native (checked against it by stubtest)."""

import builtins
from collections.abc import Coroutine
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Optional, Sequence, Union, final

__all__ = [
    "GUIDE",
    "Batch",
    "Closed",
    "DepTree",
    "Job",
    "LogEntry",
    "Note",
    "Problem",
    "Ticket",
    "Tickets",
    "Watch",
    "__version__",
]

__version__: str
GUIDE: str
"""How an agent works with ayo tickets (markdown): the text of ``ayo ticket guide``."""

_Status = Literal["open", "in_progress", "closed"]

@final
class Note:
    """A timestamped note."""

    @property
    def at(self) -> datetime: ...
    @property
    def author(self) -> Optional[str]: ...
    @property
    def text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Ticket:
    """A ticket: the contract's fields as attributes; times are timezone-aware (UTC)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> Union[_Status, str]:
        """``open``, ``in_progress``, ``closed``, or another tool's word as the file has it."""
    @property
    def assignee(self) -> Optional[str]: ...
    @property
    def deps(self) -> list[str]: ...
    @property
    def blocked_by(self) -> list[str]: ...
    @property
    def ready(self) -> bool: ...
    @property
    def priority(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def parent(self) -> Optional[str]: ...
    @property
    def links(self) -> list[str]: ...
    @property
    def external_ref(self) -> Optional[str]: ...
    @property
    def description(self) -> str: ...
    @property
    def notes(self) -> list[Note]: ...
    @property
    def created(self) -> Optional[datetime]: ...
    @property
    def started(self) -> Optional[datetime]: ...
    @property
    def closed(self) -> Optional[datetime]: ...
    @property
    def lease_until(self) -> Optional[datetime]: ...
    @property
    def defer_until(self) -> Optional[datetime]: ...
    @property
    def archived(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape (times as RFC 3339 strings)."""

@final
class Closed:
    """What ``close`` returns."""

    @property
    def ticket(self) -> Ticket: ...
    @property
    def unblocked(self) -> list[Ticket]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class LogEntry:
    """One entry of the audit log."""

    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> Optional[str]: ...
    @property
    def ticket(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def detail(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Watch:
    """The audit log's new entries as they are written: an iterator and an async iterator."""

    def __iter__(self) -> Watch: ...
    def __next__(self) -> LogEntry: ...
    def __aiter__(self) -> Watch: ...
    def __anext__(self) -> Coroutine[Any, Any, LogEntry]: ...

@final
class Problem:
    """One problem ``check`` found."""

    @property
    def kind(
        self,
    ) -> Literal[
        "unreadable", "missing_dep", "cycle", "id_mismatch", "parent_cycle", "nonstandard_value"
    ]: ...
    @property
    def ticket(self) -> Optional[str]: ...
    @property
    def path(self) -> Optional[Path]: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def cycle(self) -> list[str]: ...
    @property
    def field(self) -> Optional[str]: ...
    @property
    def written(self) -> Optional[str]: ...
    @property
    def read_as(self) -> Optional[str]: ...
    @property
    def message(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class DepTree:
    """The dependency tree below a ticket."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[Union[_Status, str]]: ...
    @property
    def missing(self) -> bool: ...
    @property
    def repeated(self) -> bool: ...
    @property
    def truncated(self) -> bool: ...
    @property
    def deps(self) -> list[DepTree]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Batch:
    """``with t.batch():`` groups this thread's writes; commit on a clean exit, drop on error."""

    def __enter__(self) -> Tickets: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None: ...

@final
class Job:
    """A claimed ticket whose lease is kept alive while the job lives (``Tickets.work``).

    ``with t.work("@agent") as job:`` closes the ticket when the block ends normally and gives
    it back, with a note naming the exception, when it raises (the exception is raised on).
    ``async with`` works the same. A job dropped without close or release gives the ticket back.
    Leaving the block normally after the job was lost raises ``ConflictError``: the ticket is no
    longer the job's to close.
    """

    @property
    def ticket(self) -> Ticket: ...
    @property
    def agent(self) -> str: ...
    @property
    def lease(self) -> int: ...
    @property
    def lost(self) -> bool:
        """True once the ticket was taken over, closed, released or deleted by someone else,
        or heartbeats failed until the lease ran out."""
    @property
    def lost_reason(self) -> Optional[str]: ...
    @property
    def ended(self) -> bool: ...
    def wait_lost(self, timeout: Optional[float] = None) -> Optional[str]: ...
    def note(self, text: str) -> Ticket: ...
    def close(self, *, reason: Optional[str] = None) -> Closed: ...
    def release(self, *, note: Optional[str] = None) -> Ticket: ...
    def __enter__(self) -> Job: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...
    def __aenter__(self) -> Coroutine[Any, Any, Job]: ...
    def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> Coroutine[Any, Any, bool]: ...

@final
class Tickets:
    """Tickets in one store."""

    @staticmethod
    def open(
        dir: Union[str, PathLike[str]], *, actor: Optional[str] = None, lease: Optional[int] = None,
        lock_timeout: Optional[float] = None,
    ) -> Tickets: ...
    @staticmethod
    def open_session(
        session: Optional[str] = None, *, actor: Optional[str] = None, lease: Optional[int] = None,
        lock_timeout: Optional[float] = None,
    ) -> Tickets: ...
    @staticmethod
    def open_global(
        *, actor: Optional[str] = None, lease: Optional[int] = None,
        lock_timeout: Optional[float] = None,
    ) -> Tickets: ...
    @staticmethod
    def open_project(
        start: Union[str, PathLike[str], None] = None,
        *,
        actor: Optional[str] = None,
        lease: Optional[int] = None,
        lock_timeout: Optional[float] = None,
    ) -> Tickets: ...
    @staticmethod
    def in_memory(
        *, actor: Optional[str] = None, lease: Optional[int] = None,
        lock_timeout: Optional[float] = None,
    ) -> Tickets: ...
    @staticmethod
    def connect(
        url: str, *, actor: Optional[str] = None, lease: Optional[int] = None,
        lock_timeout: Optional[float] = None,
    ) -> Tickets: ...
    @property
    def actor(self) -> Optional[str]: ...
    @property
    def location(self) -> str:
        """Where the store is: a directory, a URL, or ``memory``."""
    def create(
        self,
        title: str,
        *,
        assignee: Optional[str] = None,
        deps: Optional[Sequence[str]] = None,
        priority: Optional[int] = None,
        type: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        description: Optional[str] = None,
        parent: Optional[str] = None,
        id: Optional[str] = None,
        defer_until: Union[str, datetime, None] = None,
    ) -> Ticket: ...
    def get(self, id: str) -> Ticket: ...
    def list(
        self,
        *,
        status: Optional[_Status] = None,
        assignee: Optional[str] = None,
        tag: Optional[str] = None,
        type: Optional[str] = None,
        parent: Optional[str] = None,
        archived: bool = False,
    ) -> builtins.list[Ticket]: ...
    def ready(self, *, assignee: Optional[str] = None) -> builtins.list[Ticket]: ...
    def blocked(self, *, assignee: Optional[str] = None) -> builtins.list[Ticket]: ...
    def search(
        self,
        text: str,
        *,
        status: Optional[_Status] = None,
        assignee: Optional[str] = None,
        tag: Optional[str] = None,
        type: Optional[str] = None,
        parent: Optional[str] = None,
        archived: bool = False,
    ) -> builtins.list[Ticket]: ...
    def import_beads(self, path: Union[str, PathLike[str]]) -> dict[str, Any]: ...
    def update(
        self,
        id: str,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        priority: Optional[int] = None,
        type: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        parent: Optional[str] = ...,
        defer_until: Union[str, datetime, None] = ...,
    ) -> Ticket:
        """Edits the given fields and keeps the rest; ``parent=None`` clears the parent (an
        empty one is ``InvalidInput``); ``defer_until=None`` ends a deferral."""
    def start(self, id: str, *, agent: Optional[str] = None, force: bool = False) -> Ticket: ...
    def claim(
        self,
        agent: str,
        *,
        wait: bool = False,
        timeout: Optional[float] = None,
        lease: Optional[int] = None,
    ) -> Optional[Ticket]: ...
    def claim_async(
        self,
        agent: str,
        *,
        wait: bool = False,
        timeout: Optional[float] = None,
        lease: Optional[int] = None,
    ) -> Coroutine[Any, Any, Optional[Ticket]]: ...
    def work(
        self,
        agent: str,
        *,
        lease: Optional[int] = None,
        wait: bool = False,
        timeout: Optional[float] = None,
    ) -> Optional[Job]: ...
    def work_async(
        self,
        agent: str,
        *,
        lease: Optional[int] = None,
        wait: bool = False,
        timeout: Optional[float] = None,
    ) -> Coroutine[Any, Any, Optional[Job]]: ...
    def heartbeat(self, id: str, agent: str, *, lease: Optional[int] = None) -> Ticket: ...
    def release(self, id: str, *, agent: Optional[str] = None) -> Ticket: ...
    def close(self, id: str, *, reason: Optional[str] = None) -> Closed: ...
    def reopen(self, id: str) -> Ticket: ...
    def note(self, id: str, text: str) -> Ticket: ...
    def assign(self, id: str, agent: Optional[str]) -> Ticket: ...
    def add_dep(self, id: str, dep: str) -> Ticket: ...
    def remove_dep(self, id: str, dep: str) -> Ticket: ...
    def defer(self, id: str, until: Union[str, datetime, None]) -> Ticket:
        """Not ready nor claimable until ``until`` (RFC 3339, "2h", an aware datetime); None ends it."""
    def why(self, id: str, *, agent: Optional[str] = None) -> dict[str, Any]:
        """``{"id", "ready", "claimable", "reasons": [{"kind", ...}]}``."""
    def link(self, id: str, *others: str) -> Ticket: ...
    def unlink(self, id: str, other: str) -> Ticket: ...
    def archive(self, ids: Sequence[str]) -> builtins.list[Ticket]:
        """Archives closed tickets, all or none; returns them in the order given."""
    def archive_older_than(self, age: Union[str, timedelta]) -> builtins.list[Ticket]:
        """Archives the tickets closed at least ``age`` ago ("30d", a timedelta)."""
    def unarchive(self, id: str) -> Ticket: ...
    def dep_tree(self, id: str) -> DepTree: ...
    def delete(self, id: str, *, force: bool = False) -> Ticket: ...
    def wait_ready(
        self, *, assignee: Optional[str] = None, timeout: Optional[float] = None
    ) -> Optional[Ticket]: ...
    def wait_ready_async(
        self, *, assignee: Optional[str] = None, timeout: Optional[float] = None
    ) -> Coroutine[Any, Any, Optional[Ticket]]: ...
    def history(self, id: Optional[str] = None) -> builtins.list[LogEntry]: ...
    def watch(
        self, *, since: Optional[datetime] = None, agent: Optional[str] = None
    ) -> Watch: ...
    def graph(
        self, id: Optional[str] = None, *, format: Literal["mermaid", "dot"] = "mermaid"
    ) -> str: ...
    def check(self) -> builtins.list[Problem]: ...
    def batch(self) -> Batch: ...

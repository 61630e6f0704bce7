"""ayo_tickets: tickets for AI agents that coordinate work.

Markdown files with YAML frontmatter (or rows of a database store), a dependency graph, and
atomic claims that are safe across threads and processes::

    from ayo_tickets import Tickets

    t = Tickets.open_session()
    a = t.create("Extract data from invoices", assignee="@extractor")
    b = t.create("Validate extracted data", assignee="@validator", deps=[a.id])
    t.close(a.id, reason="47 reports").unblocked  # [b]
"""

from ._errors import (
    AmbiguousId,
    AyoError,
    BlockedError,
    BusyError,
    ConflictError,
    CycleError,
    Interrupted,
    InvalidInput,
    InvalidTransition,
    ParseError,
    StorageError,
    TicketExists,
    TicketNotFound,
    UnreadableTicketWarning,
)
from ._native import (
    GUIDE,
    Batch,
    Closed,
    DepTree,
    Job,
    LogEntry,
    Note,
    Problem,
    Ticket,
    Tickets,
    Watch,
    __version__,
)

__all__ = [
    "GUIDE",
    "AmbiguousId",
    "AyoError",
    "Batch",
    "BlockedError",
    "BusyError",
    "Closed",
    "ConflictError",
    "CycleError",
    "DepTree",
    "Interrupted",
    "InvalidInput",
    "InvalidTransition",
    "Job",
    "LogEntry",
    "Note",
    "ParseError",
    "Problem",
    "StorageError",
    "Ticket",
    "TicketExists",
    "TicketNotFound",
    "Tickets",
    "UnreadableTicketWarning",
    "Watch",
    "__version__",
]

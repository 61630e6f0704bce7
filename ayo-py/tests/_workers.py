"""Code run in child processes (importable by the `spawn` start method)."""

from __future__ import annotations

from typing import Any

from ayo_tickets import Tickets


def claim_all(directory: str, agent: str, barrier: Any, out: Any) -> None:
    """Claims from the store until nothing is left, and reports the ids it got."""
    t = Tickets.open(directory)
    barrier.wait()
    got = []
    while True:
        ticket = t.claim(agent)
        if ticket is None:
            break
        got.append(ticket.id)
    out.put((agent, got))

"""Append-only records of a run: an event log and breakpoint traces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """Something that happened at simulation time `time`."""

    time: float
    kind: str
    subject: str
    detail: str = ""


class Trace:
    """Rows of floats appended at breakpoints (time first), read back as columns."""

    __slots__ = ("fields", "rows")

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.rows: list[tuple[float, ...]] = []

    def append(self, *values: float) -> None:
        """Add one breakpoint (one value per column)."""
        self.rows.append(values)

    @property
    def columns(self) -> list[list[float]]:
        """The breakpoints so far, one list per column."""
        if not self.rows:
            return [[] for _ in self.fields]
        return [list(col) for col in zip(*self.rows, strict=True)]


class Recorder:
    """Collects events and traces; never read back by the simulation."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.traces: dict[Any, Trace] = {}

    def event(self, time: float, kind: str, subject: str, detail: str = "") -> None:
        """Log an event at `time` about `subject`."""
        self.events.append(Event(time, kind, subject, detail))

    def trace(self, key: Any, fields: tuple[str, ...]) -> Trace:
        """The trace for `key`, created on first use."""
        tr = self.traces.get(key)
        if tr is None:
            tr = self.traces[key] = Trace(fields)
        return tr

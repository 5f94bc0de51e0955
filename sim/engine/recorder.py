"""Append-only records of a run: an event log and breakpoint traces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """Something that happened at simulation time `time`."""

    time: float
    kind: str
    subject: str
    detail: str = ""


@dataclass
class Trace:
    """Columns of floats appended at breakpoints (time first)."""

    fields: tuple[str, ...]
    columns: list[list[float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.columns = [[] for _ in self.fields]

    def append(self, *values: float) -> None:
        for col, v in zip(self.columns, values, strict=True):
            col.append(v)


class Recorder:
    """Collects events and traces; never read back by the simulation."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.traces: dict[Any, Trace] = {}

    def event(self, time: float, kind: str, subject: str, detail: str = "") -> None:
        self.events.append(Event(time, kind, subject, detail))

    def trace(self, key: Any, fields: tuple[str, ...]) -> Trace:
        """The trace for `key`, created on first use."""
        tr = self.traces.get(key)
        if tr is None:
            tr = self.traces[key] = Trace(fields)
        return tr

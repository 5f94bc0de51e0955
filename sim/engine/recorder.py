"""Append-only records of a run: an event log and breakpoint traces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np


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
    def columns(self) -> np.ndarray:
        """The breakpoints so far, one row per column (float64, fields × breakpoints)."""
        return rows_array(self.rows, len(self.fields)).T


def rows_array(rows: Sequence[tuple[float, ...]], width: int) -> np.ndarray:
    """Rows of `width` floats as a float64 array (rows × width)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=float, count=len(rows) * width)
    return flat.reshape(-1, width)


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

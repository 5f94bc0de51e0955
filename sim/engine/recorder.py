"""Append-only records of a run: an event log and breakpoint traces."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np


@dataclass(frozen=True)
class Event:
    """Something that happened at simulation time `time`."""

    time: float
    kind: str
    subject: str
    detail: str = ""


class Rows(Sequence[tuple[float, ...]]):
    """Rows of `width` floats, stored flat: one list of floats, not a tuple per row (a run
    records hundreds of thousands of rows; flat, they cost the cycle collector nothing and
    read back as an array in one go). Reads as a sequence of tuples."""

    __slots__ = ("add", "values", "width")

    def __init__(self, width: int) -> None:
        self.width = width
        self.values: list[float] = []
        # add one row, given as a tuple of `width` floats (a bound `list.extend`: no frame)
        self.add: Callable[[tuple[float, ...]], None] = self.values.extend

    def __len__(self) -> int:
        return len(self.values) // self.width

    @overload
    def __getitem__(self, i: int) -> tuple[float, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[float, ...]]: ...
    def __getitem__(self, i: int | slice) -> tuple[float, ...] | list[tuple[float, ...]]:
        if isinstance(i, slice):
            return list(self)[i]
        start = range(0, len(self.values), self.width)[i]
        return tuple(self.values[start : start + self.width])

    def __iter__(self) -> Iterator[tuple[float, ...]]:
        it = iter(self.values)
        return zip(*[it] * self.width, strict=False)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.width == other.width and self.values == other.values
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Rows({list(self)!r})"

    def array(self) -> np.ndarray:
        """The rows as a float64 array (rows × width)."""
        return np.array(self.values, dtype=float).reshape(-1, self.width)


class Trace:
    """Rows of floats appended at breakpoints (time first), read back as columns."""

    __slots__ = ("add", "fields", "rows")

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.rows = Rows(len(fields))
        self.add = self.rows.add  # add one breakpoint, given as a tuple

    def append(self, *values: float) -> None:
        """Add one breakpoint (one value per column)."""
        self.rows.add(values)

    @property
    def columns(self) -> np.ndarray:
        """The breakpoints so far, one row per column (float64, fields × breakpoints)."""
        return self.rows.array().T


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

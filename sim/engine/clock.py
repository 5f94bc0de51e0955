"""Calendar dates <-> simulation days (one time unit = one day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Calendar:
    """Maps dates to days since `start` and back."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Days in the horizon (end exclusive)."""
        return (self.end - self.start).days

    def day(self, date: dt.date) -> float:
        """Days from the start to `date` (negative before the start)."""
        return float((date - self.start).days)

    def date(self, day: float) -> dt.date:
        """The calendar date containing simulation time `day`."""
        return self.start + dt.timedelta(days=int(day // 1))

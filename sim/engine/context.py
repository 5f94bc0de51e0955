"""What every simulated process receives: environment, calendar, random streams, recorder."""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from sim.engine.clock import Calendar
from sim.engine.recorder import Recorder
from sim.engine.streams import Streams


@dataclass
class Context:
    """What every process of one replication shares: the SimPy environment, calendar, named
    streams and recorder."""

    env: simpy.Environment
    calendar: Calendar
    streams: Streams
    recorder: Recorder

    @classmethod
    def create(cls, calendar: Calendar, seed: int, replication: int = 0) -> Context:
        """A fresh context for replication `replication` of a run with root `seed`."""
        return cls(simpy.Environment(), calendar, Streams(seed, replication), Recorder())

    @property
    def now(self) -> float:
        """The simulation time, in days since the start."""
        return float(self.env.now)

    def at(self, time: float, callback: object) -> None:
        """Call `callback()` at simulation time `time` (now if in the past)."""
        ev = self.env.timeout(max(0.0, time - self.env.now))
        ev.callbacks.append(lambda _e: callback())  # type: ignore[operator]

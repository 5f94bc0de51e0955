"""What every simulated process receives: environment, calendar, random streams, recorder."""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from sim.engine.clock import Calendar
from sim.engine.recorder import Recorder
from sim.engine.streams import Streams


@dataclass
class Context:
    env: simpy.Environment
    calendar: Calendar
    streams: Streams
    recorder: Recorder

    @classmethod
    def create(cls, calendar: Calendar, seed: int, replication: int = 0) -> Context:
        return cls(simpy.Environment(), calendar, Streams(seed, replication), Recorder())

    @property
    def now(self) -> float:
        return float(self.env.now)

    def at(self, time: float, callback: object) -> None:
        """Call `callback()` at simulation time `time` (now if in the past)."""
        ev = self.env.timeout(max(0.0, time - self.env.now))
        ev.callbacks.append(lambda _e: callback())  # type: ignore[operator]

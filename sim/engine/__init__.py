"""The engine: time, events, random streams and recording. Knows nothing about minerals."""

from sim.engine.clock import Calendar
from sim.engine.context import Context
from sim.engine.recorder import Event, Recorder, Trace
from sim.engine.streams import Streams

__all__ = ["Calendar", "Context", "Event", "Recorder", "Streams", "Trace"]

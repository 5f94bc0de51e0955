"""Random numbers drawn in blocks are those drawn one at a time, in the same order."""

from __future__ import annotations

from sim.engine.streams import Streams
from sim.model.buyer import NOISE_BLOCK
from sim.model.lanes import departure_times


def test_standard_normals_in_blocks_are_the_scalar_draws() -> None:
    one, block = Streams(11)("demand:b:c"), Streams(11)("demand:b:c")
    n = 3 * NOISE_BLOCK + 5
    scalar = [float(one.standard_normal()) for _ in range(n)]
    drawn: list[float] = []
    while len(drawn) < n:
        drawn += block.standard_normal(NOISE_BLOCK).tolist()
    assert drawn[:n] == scalar


def test_departure_times_stop_at_the_first_at_or_after_the_end() -> None:
    assert departure_times(0.0, 6.0, 3, 100.0) == [0.0, 2.0, 4.0]
    assert departure_times(0.0, 6.0, 3, 3.0) == [0.0, 2.0, 4.0]
    assert departure_times(0.0, 6.0, 3, 2.0) == [0.0, 2.0]
    assert departure_times(5.0, 6.0, 3, 1.0) == [5.0]

"""Named random streams derived from one root seed.

Each stream is keyed by a stable hash of its name (not Python's salted `hash()`), so adding a
stream never shifts the others and two scenarios run with the same seed draw the same numbers
for the parts they share (common random numbers).
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream_key(name: str) -> tuple[int, ...]:
    """Four 32-bit words from the SHA-256 of `name`."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Streams:
    """A factory of independent `numpy.random.Generator`s, one per name."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        """The generator of stream `name` (created on first use, then the same one)."""
        rng = self._cache.get(name)
        if rng is None:
            seq = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication, *stream_key(name))
            )
            rng = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = rng
        return rng

    @property
    def names(self) -> list[str]:
        """Names of the streams drawn from so far, sorted."""
        return sorted(self._cache)

"""A stock of one commodity at one node, with its ledger and the origin mix of its content."""

from __future__ import annotations

from dataclasses import dataclass, field

Origin = dict[str, float]  # country -> share of the material; never mutated once made


def blend(a: Origin, qa: float, b: Origin, qb: float) -> Origin:
    """Origin mix of `qa` t of mix `a` merged with `qb` t of mix `b`."""
    total = qa + qb
    if total <= 0:
        return dict(b or a)
    if qa <= 0 or a == b:
        return dict(b)
    if qb <= 0:
        return dict(a)
    out: Origin = {}
    for k, v in a.items():
        out[k] = v * qa / total
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + v * qb / total
    return out


@dataclass(slots=True)
class Stock:
    """On-hand quantity (t) with every inflow and outflow counted, for the mass balance."""

    commodity: str
    level: float = 0.0
    origin: Origin = field(default_factory=dict)
    initial: float = 0.0
    received: float = 0.0
    produced: float = 0.0
    shipped: float = 0.0
    consumed: float = 0.0

    def __post_init__(self) -> None:
        self.initial = self.level

    def receive(self, qty: float, origin: Origin) -> None:
        """Add `qty` t received from a lane, blending its origin."""
        if origin is not self.origin and origin != self.origin:
            self.origin = blend(self.origin, self.level, origin, qty)
        self.level += qty
        self.received += qty

    def produce(self, qty: float, origin: Origin) -> None:
        """Add `qty` t produced here, blending its origin."""
        if origin is not self.origin and origin != self.origin:
            self.origin = blend(self.origin, self.level, origin, qty)
        self.level += qty
        self.produced += qty

    def ship(self, qty: float) -> None:
        """Take `qty` t out to ship."""
        self.level -= qty
        self.shipped += qty

    def consume(self, qty: float) -> None:
        """Take `qty` t out to use."""
        self.level -= qty
        self.consumed += qty

    def imbalance(self) -> float:
        """initial + inflow − outflow − final; zero when every movement was booked."""
        return (
            self.initial + self.received + self.produced - self.shipped - self.consumed - self.level
        )

"""`suspension`: named policies held for a while, then snapped back or renewed."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.domains import PeriodDays
from sim.scenario.policies.base import Found, PolicyBase, World, sign
from sim.scenario.text import known

ExpiryOutcome = Literal["snap_back", "renew"]


class Suspension(PolicyBase):
    """Named policies are suspended from `start` to `end`; at expiry they snap back or the
    suspension is renewed (fixed, or drawn per replication)."""

    type: Literal["suspension"]
    policies: list[str] = Field(min_length=1, description="Ids of the suspended policies.")
    at_expiry: ExpiryOutcome | dict[ExpiryOutcome, Annotated[float, Field(ge=0, le=1)]] = Field(
        default="snap_back",
        description="snap_back, renew, or probabilities of each (e.g. {renew: 0.6, snap_back: "
        "0.4}), drawn at each expiry.",
    )
    renewal_days: PeriodDays = Field(default=365.0, description="Length of a renewal.")
    max_renewals: int = Field(
        default=1, ge=0, le=1000, description="Renewals at most; then snap back."
    )

    @model_validator(mode="after")
    def _expiry(self) -> Suspension:
        if self.end is None:
            raise ValueError("a suspension needs an `end` (its expiry date)")
        if isinstance(self.at_expiry, dict):
            total = sum(self.at_expiry.values())
            if abs(total - 1.0) > 1e-9:
                raise ValueError(f"at_expiry probabilities must sum to 1 (got {total:g})")
        return self

    def check_references(self, w: World, path: str) -> Found:
        by_id = {q.id: q for q in w.s.policies}
        for j, target in enumerate(self.policies):
            tp = f"{path}.policies.{j}"
            if target == self.id:
                yield tp, "a suspension cannot suspend itself"
            elif target not in by_id:
                others = [q for q in by_id if q != self.id]
                yield tp, f"no policy with id '{target}' to suspend; known: {known(others)}"
            elif isinstance(by_id[target], Suspension):
                yield (
                    tp,
                    f"'{target}' is a suspension; suspensions of suspensions are not supported",
                )
        yield from sign(f"{path}.renewal_days", self.renewal_days)

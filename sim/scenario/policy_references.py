"""Reference and sign checks of policy entries and of `prices:`.

`check_policy_references` returns `(dotted path, message)` pairs like `check_references`, which
calls it; paths name `policies` entries by id (by index when the id is not unique). Each policy
checks itself (`PolicyBase.check_references`, in its kind's module).
"""

from __future__ import annotations

from sim.scenario.policies.base import Found, World, lower, sign, unknown
from sim.scenario.schema import Scenario


def check_policy_references(scenario: Scenario) -> list[tuple[str, str]]:
    """Every policy names real facilities, buyers, commodities, elements, countries, policies."""
    return [*_policies(scenario), *_prices(scenario)]


def _policies(s: Scenario) -> Found:
    w = World(s)
    ids = [p.id for p in s.policies]
    for i, p in enumerate(s.policies):
        yield from p.check_references(w, f"policies.{p.id if ids.count(p.id) == 1 else i}")


def _prices(s: Scenario) -> Found:
    if s.prices is None:
        return
    for j, c in enumerate(s.prices.commodities or []):
        if c not in s.commodities:
            yield f"prices.commodities.{j}", unknown("commodity", c, s.commodities)
    for c, x in s.prices.reference_usd_per_kg.items():
        if c not in s.commodities:
            yield f"prices.reference_usd_per_kg.{c}", unknown("commodity", c, s.commodities)
        yield from sign(f"prices.reference_usd_per_kg.{c}", x)
    for key in ("rise_days", "half_life_days", "premium_days", "premium_half_life_days"):
        yield from sign(f"prices.{key}", getattr(s.prices, key))
    for key in ("unmet_after_days", "unmet_window_days"):
        yield from sign(f"prices.{key}", getattr(s.prices, key), strict=key != "unmet_after_days")
    for key in ("shortage_multiple", "controlled_premium"):
        value, shown = lower(getattr(s.prices, key))
        if value < 1:
            yield f"prices.{key}", f"must be >= 1 (got {shown})"

"""Small scenario dicts for policy tests: suppliers with ample stock selling to constant buyers."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sim.model.network import Network
from sim.scenario.schema import Scenario

START = dt.date(2025, 1, 1)
ELEMENTS = {"NdPr": {"members": ["Nd", "Pr"]}, "DyTb": {"members": ["Dy", "Tb"]}}
COMMODITIES = {
    "NdPr_oxide": {"kind": "oxide", "contains": {"NdPr": 1.0}},
    "Dy_oxide": {"kind": "oxide", "contains": {"DyTb": 1.0}},
    "magnet": {"kind": "magnet", "contains": {"NdPr": 0.3, "DyTb": 0.03}},
}


def day(n: float) -> dt.date:
    """The date `n` days after the start of every test horizon."""
    return START + dt.timedelta(days=n)


def stockist(country: str, commodity: str = "magnet", stock: float = 1e6) -> dict[str, Any]:
    """A facility that only sells from a large stock (it makes nothing more)."""
    return {
        "stage": "magnet",
        "country": country,
        "capacity": {commodity: 1.0},
        "inventory": {commodity: stock},
        "output_cover_days": 0.0,
    }


def dy_ban(**terms: Any) -> dict[str, Any]:
    """A Chinese export ban on Dy from day 0 (id `ban`), with any further `terms`."""
    return {
        "id": "ban",
        "type": "export_control",
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": "ban",
        "start": day(0),
        **terms,
    }


def held_from_cn(start: float = 0.0, **terms: Any) -> dict[str, Any]:
    """A ban on magnets from China holding every shipment from day `start` (id `held`)."""
    return {
        "id": "held",
        "type": "export_control",
        "exporter": "CN",
        "commodities": ["magnet"],
        "mode": "ban",
        "on_denied": "hold",
        "start": day(start),
        **terms,
    }


def buyer(
    country: str,
    suppliers: dict[str, float],
    *,
    rate_per_day: float = 10.0,
    initial: float = 200.0,
    sector: str = "automotive",
    commodity: str = "magnet",
    review: float = 1.0,
    safety_days: float = 20.0,
    alternates: list[str] | None = None,
    patience: float = 1000.0,
) -> dict[str, Any]:
    """A buyer with constant demand reviewing every `review` days."""
    return {
        "country": country,
        "sector": sector,
        "demand": {commodity: {"rate_t_per_year": rate_per_day * 365.0}},
        "safety_stock_days": safety_days,
        "inventory": {commodity: initial},
        "ordering": {"review_days": review},
        "sourcing": {
            commodity: {
                "suppliers": suppliers,
                "alternates": alternates or [],
                "patience_days": patience,
                "qualification_days": 10.0,
            }
        },
    }


def world(
    facilities: dict[str, Any],
    buyers: dict[str, Any],
    lanes: list[tuple[str, str, Any]],
    policies: list[dict[str, Any]] | None = None,
    *,
    days: int = 365,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": "policy_test",
        "horizon": {"start": START, "end": day(days)},
        "seed": 3,
        "elements": copy.deepcopy(ELEMENTS),
        "commodities": copy.deepcopy(COMMODITIES),
        "facilities": facilities,
        "buyers": buyers,
        "lanes": [{"origin": o, "destination": d, "transit_days": t} for o, d, t in lanes],
        "policies": policies or [],
        "initial_pipeline": False,  # empty lanes at the start, for closed-form expectations
        **extra,
    }


def validate(doc: dict[str, Any]) -> Scenario:
    """Schema-validate and reference-check a scenario dict (no problems allowed)."""
    from sim.scenario.references import check_references

    scenario = Scenario.model_validate(doc)
    assert check_references(scenario) == []
    return scenario


def departures(net: Network, origin: str, dest: str) -> list[tuple[float, float]]:
    """(time, t) of every departure on a lane, empty if the lane was never used."""
    lane = net.lanes.get((origin, dest))
    return list(lane.departures) if lane is not None else []


def events(net: Network, kind: str) -> list[tuple[float, str, str]]:
    return [(e.time, e.subject, e.detail) for e in net.ctx.recorder.events if e.kind == kind]

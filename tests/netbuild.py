"""Small scenario dicts for engine tests (one supplier → one buyer, or short chains)."""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.schema import Scenario


def one_supplier(
    *,
    rate_per_day: float = 10.0,
    initial: float = 200.0,
    transit: Any = 5.0,
    review: float = 1.0,
    days: int = 365,
    supplier_stock: float = 1e6,
    patience: float = 1000.0,
    noise_cv: float = 0.0,
    ordering: dict[str, Any] | None = None,
    policies: list[dict[str, Any]] | None = None,
    safety_days: float = 20.0,
) -> dict[str, Any]:
    """A magnet maker with a large stock selling to one buyer with constant demand."""
    import datetime as dt

    start = dt.date(2025, 1, 1)
    return {
        "name": "one_supplier",
        "horizon": {"start": start, "end": start + dt.timedelta(days=days)},
        "seed": 7,
        "initial_pipeline": False,  # empty lanes at the start, as the closed forms assume
        "elements": {"NdPr": {"members": ["Nd", "Pr"]}},
        "commodities": {"magnet": {"kind": "magnet", "contains": {"NdPr": 0.3}}},
        "facilities": {
            "maker": {
                "stage": "magnet",
                "country": "CN",
                "capacity": {"magnet": 1.0},
                "inventory": {"magnet": supplier_stock},
                "output_cover_days": 0.0,
            }
        },
        "buyers": {
            "oem": {
                "country": "JP",
                "sector": "automotive",
                "demand": {
                    "magnet": {
                        "rate_t_per_year": rate_per_day * 365.0,
                        "noise_cv": noise_cv,
                        "noise_period_days": 1.0,
                    }
                },
                "safety_stock_days": safety_days,
                "inventory": {"magnet": initial},
                "ordering": {"review_days": review, **(ordering or {})},
                "sourcing": {"magnet": {"suppliers": {"maker": 1.0}, "patience_days": patience}},
            }
        },
        "lanes": [{"origin": "CN", "destination": "JP", "transit_days": transit}],
        "policies": policies or [],
    }


def scenario(doc: dict[str, Any], **changes: Any) -> Scenario:
    d = copy.deepcopy(doc)
    d.update(changes)
    return Scenario.model_validate(d)

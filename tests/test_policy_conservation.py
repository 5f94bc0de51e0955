"""Mass balance holds with every policy mechanism active at once, on small random networks.

`run_one` raises `ConservationError` when the books do not balance (stocks, on-order books with
shipments held in custody, lanes, dispatch, processes, demand), so a passing run is the check.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.runner import run_one
from tests.policy_world import day, validate, world

MAGNET_RECIPE = {"inputs": {"NdPr_oxide": 0.3, "Dy_oxide": 0.03}}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(st.integers(120, 400))
    num = lambda lo, hi: draw(st.floats(lo, hi))  # noqa: E731
    when = lambda lo=0, hi=None: draw(st.integers(lo, hi if hi is not None else days))  # noqa: E731

    def sep(country: str) -> dict[str, Any]:
        return {
            "stage": "separation",
            "country": country,
            "capacity": {"NdPr_oxide": num(500, 5000), "Dy_oxide": num(50, 500)},
            "inventory": {"NdPr_oxide": num(0, 500), "Dy_oxide": num(0, 50)},
        }

    def maker(country: str, dy: str, alt: list[str]) -> dict[str, Any]:
        return {
            "stage": "magnet",
            "country": country,
            "capacity": {"magnet": num(1000, 8000)},
            "recipe": MAGNET_RECIPE,
            "inventory": {"magnet": num(0, 300)},
            "sourcing": {
                "NdPr_oxide": {"suppliers": {"my_sep": 1.0, "cn_sep": num(0.1, 1)}},
                "Dy_oxide": {"suppliers": {dy: 1.0}, "alternates": alt, "patience_days": 20},
            },
        }

    def buyer(country: str, sector: str, suppliers: dict[str, float]) -> dict[str, Any]:
        return {
            "country": country,
            "sector": sector,
            "demand": {"magnet": {"rate_t_per_year": num(200, 3000), "noise_cv": num(0, 0.3)}},
            "safety_stock_days": num(5, 60),
            "ordering": {"review_days": num(1, 14)},
            "sourcing": {
                "magnet": {
                    "suppliers": suppliers,
                    "alternates": ["jp_mag"] if "jp_mag" not in suppliers else [],
                    "patience_days": num(5, 60),
                    "qualification_days": num(1, 60),
                }
            },
        }

    mode = draw(st.sampled_from(["ban", "quota", "license"]))
    control: dict[str, Any] = {
        "id": "ctrl",
        "type": "export_control",
        "start": day(when(0, days // 2)),
        "exporter": "CN",
        "elements": ["Dy"],
        "destinations": draw(st.sampled_from(["all", ["US"], {"all_but": ["JP"]}])),
        "mode": mode,
        "on_denied": draw(st.sampled_from(["hold", "cancel", "resource"])),
        "extraterritorial": draw(st.sampled_from([None, {"threshold": 0.001}])),
    }
    if mode == "quota":
        control["quota"] = {
            "tonnes": num(0, 500),
            "period_days": num(10, 120),
            "allocation": draw(st.sampled_from(["pooled", "shares"])),
            "shares": {"US": 0.5, "other": 0.4},
        }
    if mode == "license":
        control["license"] = {
            "review_days": {"dist": "uniform", "low": 5, "high": 90},
            "approval_rate": num(0, 1),
            "validity_days": draw(st.sampled_from([0, 30, 182])),
            "rules": [{"sectors": ["automotive"], "approval_rate": 0.0}],
        }
    pause_start = when(1, days - 1)
    policies = [
        control,
        {
            "id": "pause",
            "type": "suspension",
            "start": day(pause_start),
            "end": day(pause_start + when(1, 200)),
            "policies": draw(st.sampled_from([["ctrl"], ["ctrl", "pricey"]])),
            "at_expiry": {"renew": 0.5, "snap_back": 0.5},
            "renewal_days": num(10, 100),
        },
        {
            "id": "fund",
            "type": "funding_window",
            "start": day(when(0, days // 2)),
            "decide_at": "open",
            "budget_usd": 100.0,
            "selection": draw(st.sampled_from(["priority", "capacity_per_dollar"])),
            "projects": [
                {
                    "id": "us_mag",
                    "facility": maker("US", "my_sep", []) | {"ramp": [0.2, 0.5, 1.0]},
                    "cost_usd": num(10, 100),
                    "lead_time_days": num(0, 200),
                    "success_probability": num(0, 1),
                    "offtake": [
                        {
                            "node": "us_auto",
                            "commodity": "magnet",
                            "role": "preferred",
                            "share": 0.3,
                        },
                        {"node": "us_def", "commodity": "magnet", "role": "alternate"},
                    ],
                }
            ],
        },
        {
            "id": "nds",
            "type": "stockpile",
            "start": day(0),
            "holder": "US",
            "commodity": "magnet",
            "size_t": num(0, 300),
            "origin": {"CN": 1.0},
            "eligible": ["us_def", "us_auto"],
            "trigger": draw(st.sampled_from(["cover", "shortage"])),
            "max_release_t_per_day": num(0.5, 20),
            "refill": {
                "rule": draw(st.sampled_from(["none", "when_calm", "always"])),
                "rate_t_per_year": num(10, 500),
                "sourcing": {"suppliers": {"jp_mag": 1.0}},
            },
            "check_days": num(1, 10),
        },
        {
            "id": "rrg",
            "type": "rapid_response",
            "start": day(when(0, days // 2)),
            "partners": ["us_auto", "jp_auto"],
            "commodity": "magnet",
            "sources": ["jp_mag", "nds"],
            "spare_only": draw(st.booleans()),
            "trigger_cover_days": (trigger := num(1, 30)),
            "target_cover_days": trigger + num(0, 40),
            "response_days": num(0, 30),
            "cap_per_event_t": num(0, 200),
            "cap_total_t": num(0, 500),
            "sharing": draw(st.sampled_from(["need", "equal", "priority"])),
            "check_days": num(1, 10),
        },
        {
            "id": "subst",
            "type": "demand_response",
            "start": day(0),
            "lag_days": num(0, 60),
            "rate_per_year": num(0, 0.5),
            "max_share": num(0, 0.5),
            "decay_per_year": num(0, 0.5),
            "check_days": num(1, 10),
        },
        {
            "id": "pricey",
            "type": "price_response",
            "start": day(when(0, days // 2)),
            "buyers": draw(st.sampled_from([None, ["us_auto", "jp_auto"]])),
            "elasticity": num(0, 1),
            "adjust_days": num(1, 120),
            "floor": num(0, 1),
        },
        {
            "id": "boom",
            "type": "demand_shock",
            "start": day(when(0, days // 2)),
            "end": day(days // 2 + when(1, days)),
            "multiplier": num(0, 2),
        },
        {
            "id": "trips",
            "type": "random_outages",
            "start": day(0),
            "facilities": ["my_sep", "jp_mag"],
            "rate_per_year": num(0, 6),
            "duration_days": {"dist": "uniform", "low": 1, "high": 30},
            "capacity_factor": num(0, 1),
        },
        {
            "id": "fire",
            "type": "facility_outage",
            "facility": "cn_mag",
            "start": day(when(0, days // 2)),
            "end": day(days // 2 + when(1, days)),
        },
        {
            "id": "strike",
            "type": "lane_closure",
            "origin": "CN",
            "destination": "JP",
            "start": day(when(0, days // 2)),
            "end": day(days // 2 + when(1, days)),
        },
    ]
    return world(
        {
            "cn_sep": sep("CN"),
            "my_sep": sep("MY"),
            "cn_mag": maker("CN", "cn_sep", ["my_sep"]),
            "jp_mag": maker("JP", "cn_sep", ["my_sep"]),
        },
        {
            "us_def": buyer("US", "defense", {"cn_mag": 1.0}),
            "us_auto": buyer("US", "automotive", {"cn_mag": 1.0}),
            "jp_auto": buyer("JP", "automotive", {"jp_mag": 0.7, "cn_mag": 0.3}),
        },
        [
            (o, d, {"dist": "uniform", "low": 1, "high": draw(st.floats(1, 40))})
            for o, d in [
                ("CN", "CN"),
                ("CN", "US"),
                ("CN", "JP"),
                ("MY", "CN"),
                ("MY", "JP"),
                ("MY", "US"),
                ("JP", "US"),
                ("JP", "JP"),
                ("US", "US"),
                ("US", "JP"),
            ]
        ],
        policies,
        days=days,
        seed=draw(st.integers(0, 2**31)),
        initial_pipeline=draw(st.booleans()),
        prices={"controlled_premium": num(1, 4)},
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 1000))
@pytest.mark.slow
def test_every_mechanism_at_once_conserves_mass(doc, replication):
    result = run_one(validate(doc), replication, 17)
    assert (result.buyers["shortage_t"] >= -1e-9).all()
    assert (result.buyers["price_index"] >= 1.0 - 1e-12).all()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 1000))
def test_a_few_mechanism_mixes_conserve_mass(doc, replication):
    """The fast loop's sample of the property above."""
    test_every_mechanism_at_once_conserves_mass.hypothesis.inner_test(doc, replication)

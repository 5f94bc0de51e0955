"""Properties of random valid networks: mass is conserved, stock never goes negative, no
facility ever produces above its capacity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.stock import Stock
from sim.runner import simulate
from sim.scenario.schema import Scenario

COUNTRIES = ["CN", "US", "JP", "MY"]
START = dt.date(2025, 1, 1)


def transit() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(0.5, 30),
        st.builds(
            lambda lo, w: {"dist": "uniform", "low": lo, "high": lo + w},
            st.floats(0.5, 10),
            st.floats(0, 20),
        ),
        st.builds(
            lambda lo, w: {"dist": "triangular", "low": lo, "mode": lo + w / 3, "high": lo + w},
            st.floats(0.5, 10),
            st.floats(0, 20),
        ),
    )


def ordering() -> st.SearchStrategy[dict[str, Any]]:
    review = st.floats(1, 30)
    return st.one_of(
        st.builds(
            lambda r, c: {"rule": "cover", "review_days": r, "cover_days": c},
            review,
            st.floats(1, 120),
        ),
        st.builds(
            lambda r, lv: {"rule": "base_stock", "review_days": r, "level_t": lv},
            review,
            st.floats(0, 3000),
        ),
        st.builds(
            lambda r, s, w: {
                "rule": "s_S",
                "review_days": r,
                "reorder_point_t": s,
                "order_up_to_t": s + w,
            },
            review,
            st.floats(0, 1000),
            st.floats(0, 2000),
        ),
    )


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(st.integers(60, 500))
    n_mine, n_sep, n_mag, n_buy = (draw(st.integers(1, 3)) for _ in range(4))
    fac: dict[str, Any] = {}

    def sourcing(options: list[str]) -> dict[str, Any]:
        chosen = draw(
            st.lists(st.sampled_from(options), min_size=1, max_size=len(options), unique=True)
        )
        rest = [o for o in options if o not in chosen]
        return {
            "suppliers": {s: draw(st.floats(0.1, 1)) for s in chosen},
            "alternates": rest,
            "qualification_days": draw(st.floats(1, 60)),
            "patience_days": draw(st.floats(1, 60)),
        }

    country = st.sampled_from(COUNTRIES)
    for i in range(n_mine):
        fac[f"mine{i}"] = {
            "stage": "mine",
            "country": draw(country),
            "capacity": {"conc": draw(st.floats(100, 50_000))},
            "inventory": {"conc": draw(st.floats(0, 5000))},
            "ordering": draw(ordering()),
        }
    for i in range(n_sep):
        fac[f"sep{i}"] = {
            "stage": "separation",
            "country": draw(country),
            "capacity": {"oxide": draw(st.floats(10, 10_000))},
            "recipe": {"inputs": {"conc": 1.0}},
            "inventory": {"conc": draw(st.floats(0, 2000)), "oxide": draw(st.floats(0, 500))},
            "ordering": draw(ordering()),
            "sourcing": {"conc": sourcing([f"mine{j}" for j in range(n_mine)])},
        }
    for i in range(n_mag):
        fac[f"mag{i}"] = {
            "stage": "magnet",
            "country": draw(country),
            "capacity": {"magnet": draw(st.floats(10, 20_000))},
            "recipe": {"inputs": {"oxide": draw(st.floats(0.1, 0.5))}},
            "inventory": {"oxide": draw(st.floats(0, 500)), "magnet": draw(st.floats(0, 500))},
            "growth_per_year": draw(st.floats(0, 0.2)),
            "online": START + dt.timedelta(days=draw(st.integers(-100, 100))),
            "ramp": draw(st.lists(st.floats(0.05, 1), min_size=1, max_size=3)),
            "ordering": draw(ordering()),
            "sourcing": {"oxide": sourcing([f"sep{j}" for j in range(n_sep)])},
        }
    buyers = {}
    for i in range(n_buy):
        buyers[f"buyer{i}"] = {
            "country": draw(country),
            "demand": {
                "magnet": {
                    "rate_t_per_year": draw(st.floats(1, 20_000)),
                    "growth_per_year": draw(st.floats(-0.1, 0.2)),
                    "noise_cv": draw(st.floats(0, 0.5)),
                    "noise_period_days": draw(st.floats(1, 30)),
                }
            },
            "safety_stock_days": draw(st.floats(0, 90)),
            "ordering": draw(ordering()),
            "sourcing": {"magnet": sourcing([f"mag{j}" for j in range(n_mag)])},
        }
    lanes = [
        {"origin": a, "destination": b, "transit_days": draw(transit())}
        for a in COUNTRIES
        for b in COUNTRIES
    ]
    nodes = list(fac)
    policies = []
    for k in range(draw(st.integers(0, 3))):
        s = START + dt.timedelta(days=draw(st.integers(-30, days)))
        e = s + dt.timedelta(days=draw(st.integers(1, 120)))
        if draw(st.booleans()):
            policies.append(
                {
                    "id": f"p{k}",
                    "type": "facility_outage",
                    "facility": draw(st.sampled_from(nodes)),
                    "start": s,
                    "end": e,
                    "capacity_factor": draw(st.sampled_from([0.0, 0.5])),
                }
            )
        else:
            policies.append(
                {
                    "id": f"p{k}",
                    "type": "lane_closure",
                    "origin": draw(country),
                    "destination": draw(st.sampled_from(COUNTRIES + list(buyers))),
                    "start": s,
                    "end": e,
                }
            )
    return {
        "name": "random",
        "horizon": {"start": START, "end": START + dt.timedelta(days=days)},
        "seed": draw(st.integers(0, 2**31)),
        "elements": {"NdPr": {}},
        "commodities": {
            "conc": {"kind": "concentrate", "contains": {"NdPr": 0.2}, "basket": {"oxide": 0.2}},
            "oxide": {"kind": "oxide", "contains": {"NdPr": 1.0}},
            "magnet": {"kind": "magnet", "contains": {"NdPr": 0.3}},
        },
        "facilities": fac,
        "buyers": buyers,
        "lanes": lanes,
        "policies": policies,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=networks())
@pytest.mark.slow
def test_random_networks_conserve_mass_stay_nonnegative_and_within_capacity(doc, monkeypatch_stock):
    sc = Scenario.model_validate(doc)
    monkeypatch_stock.clear()
    net = simulate(sc, 0, sc.seed)  # raises ConservationError on any imbalance
    assert min(monkeypatch_stock, default=0.0) >= -1e-6
    for fid, fac in net.facilities.items():
        for start, days, activity, _ in fac.activity_log:
            assert activity <= expected_capacity(doc, fid, start) * days * (1 + 1e-12) + 1e-12


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=networks())
def test_a_few_random_networks_conserve_mass(doc, monkeypatch_stock):
    """The fast loop's sample of the property above."""
    test_random_networks_conserve_mass_stay_nonnegative_and_within_capacity.hypothesis.inner_test(
        doc, monkeypatch_stock
    )


def expected_capacity(doc: dict[str, Any], fid: str, day: float) -> float:
    """Activity per day allowed at `day`, computed from the scenario alone."""
    f = doc["facilities"][fid]
    ((_, cap),) = f["capacity"].items()
    per = 1.0 if "recipe" not in f or f["stage"] == "magnet" else 0.2  # separation yield (basket)
    rate = cap / per / 365.0
    if "online" in f:
        since = day - (f["online"] - START).days
        if since < 0:
            return 0.0
        ramp = f["ramp"]
        rate *= ramp[min(int(since // 365), len(ramp) - 1)]
    rate *= (1 + f.get("growth_per_year", 0.0)) ** (day / 365.0)
    outage = 1.0  # overlapping outages: the lowest remaining capacity applies
    for p in doc["policies"]:
        if p["type"] == "facility_outage" and p["facility"] == fid:
            if (p["start"] - START).days <= day < (p["end"] - START).days:
                outage = min(outage, p["capacity_factor"])
    return rate * outage


def _watch(levels: list[float]):  # type: ignore[no-untyped-def]
    orig_ship, orig_consume = Stock.ship, Stock.consume

    def ship(self: Stock, qty: float) -> None:
        orig_ship(self, qty)
        levels.append(self.level)

    def consume(self: Stock, qty: float) -> None:
        orig_consume(self, qty)
        levels.append(self.level)

    return ship, consume


@pytest.fixture(scope="module")
def monkeypatch_stock():  # type: ignore[no-untyped-def]
    levels: list[float] = []
    mp = pytest.MonkeyPatch()
    ship, consume = _watch(levels)
    mp.setattr(Stock, "ship", ship)
    mp.setattr(Stock, "consume", consume)
    yield levels
    mp.undo()

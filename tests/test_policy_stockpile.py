"""Stockpiles and rapid response: releases cap the shortage reduction by the stock, respect
priority and rates, refill; emergency supply after the response delay within its caps."""

from __future__ import annotations

from typing import Any

import pytest

from sim.model.policies.rapid_response import share_out
from sim.runner import run_one, simulate
from tests.policy_world import buyer, day, departures, dy_ban, events, stockist, validate, world


def us_buyers(*policies: dict[str, Any], days: int = 200, ban_end: int | None = None):
    """Two US buyers (defense, automotive) of Chinese magnets, both banned from day 0."""
    ban = dy_ban(end=day(ban_end)) if ban_end else dy_ban()
    doc = world(
        {"maker": stockist("CN"), "spare": stockist("MY")},
        {
            "dod": buyer("US", {"maker": 1.0}, rate_per_day=5.0, initial=50.0, sector="defense"),
            "auto": buyer("US", {"maker": 1.0}, rate_per_day=5.0, initial=50.0),
            "jp": buyer("JP", {"maker": 1.0}, rate_per_day=5.0, initial=50.0),
        },
        [
            ("CN", "US", 10.0),
            ("CN", "JP", 5.0),
            ("US", "US", 2.0),
            ("MY", "US", 20.0),
            ("MY", "JP", 7.0),
        ],
        [ban, *policies],
        days=days,
    )
    return validate(doc)


def stockpile(size: float, rate: float = 1000.0, **kw: Any) -> dict[str, Any]:
    return {
        "id": "nds",
        "type": "stockpile",
        "start": day(0),
        "holder": "US",
        "commodity": "magnet",
        "size_t": size,
        "eligible": ["dod", "auto"],
        "trigger_cover_days": 15,
        "target_cover_days": 30,
        "max_release_t_per_day": rate,
        "check_days": 1,
        **kw,
    }


def shortage(scenario) -> dict[str, float]:
    s = run_one(scenario, 0, 1).summary
    return dict(zip(s["buyer"], s["shortage_t"], strict=True))


def test_small_stockpile_goes_to_the_first_eligible_buyer_only():
    base = shortage(us_buyers())
    with_sp = shortage(us_buyers(stockpile(80.0)))
    assert base["dod"] - with_sp["dod"] == pytest.approx(80.0, rel=1e-9)
    assert base["auto"] - with_sp["auto"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("rate", "dod_share"), [(20.0, 0.5), (5.0, 1.0)])
def test_release_reduction_is_capped_by_size_and_rate_respected(rate, dod_share):
    """600 t released at most `rate` t per daily check. At 5 t/day (the defence buyer's use)
    defence, first in line, takes every release; at 20 t/day both buyers are topped up."""
    size = 600.0
    base = shortage(us_buyers())
    net = simulate(us_buyers(stockpile(size, rate)), 0, 1)
    releases: dict[float, float] = {}
    for t, _, detail in events(net, "stock_release"):
        releases[t] = releases.get(t, 0.0) + float(detail.split()[2])
    assert max(releases.values()) <= rate * 1 + 1e-9  # check_days = 1
    assert sum(releases.values()) == pytest.approx(size)
    with_sp = shortage(us_buyers(stockpile(size, rate)))
    reduction = {b: base[b] - with_sp[b] for b in ("dod", "auto")}
    assert sum(reduction.values()) <= size * (1 + 1e-9)
    assert reduction["dod"] == pytest.approx(dod_share * size)
    assert reduction["auto"] == pytest.approx((1 - dod_share) * size, abs=1e-9)
    assert with_sp["jp"] == base["jp"]  # not eligible


def test_refill_when_calm_back_to_size():
    refill = {
        "rule": "when_calm",
        "rate_t_per_year": 365.0,
        "sourcing": {"suppliers": {"maker": 1}},
    }
    net = simulate(us_buyers(stockpile(100.0, refill=refill), days=400, ban_end=60), 0, 1)
    depot = net.nodes["nds"].stock("magnet")
    assert depot.shipped == pytest.approx(100.0)  # all released during the ban
    assert depot.level == pytest.approx(100.0)  # and bought back
    buys = departures(net, "maker", "nds")
    assert min(t for t, _ in buys) >= 60.0
    assert sum(q for _, q in buys) == pytest.approx(100.0)


# --- rapid response --------------------------------------------------------------------------
def rapid(sharing: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": "rrg",
        "type": "rapid_response",
        "start": day(0),
        "partners": ["auto", "jp"],
        "commodity": "magnet",
        "sources": ["spare"],
        "trigger_cover_days": 15,
        "target_cover_days": 30,
        "response_days": 10,
        "cap_per_event_t": 60,
        "cap_total_t": 150,
        "sharing": sharing,
        "check_days": 1,
        **kw,
    }


def supplies(net) -> list[tuple[float, str, float]]:
    return [(t, b, float(d.split()[1])) for t, b, d in events(net, "emergency_supply")]


def test_rapid_response_after_delay_within_caps_shared_equally():
    net = simulate(us_buyers(rapid("equal")), 0, 1)
    assert [t for t, _, _ in events(net, "rapid_response_triggered")] == [0.0, 10.0, 20.0]
    got = supplies(net)
    assert got == [
        (10.0, "auto", 30.0),
        (10.0, "jp", 30.0),
        (20.0, "auto", 30.0),
        (20.0, "jp", 30.0),
        (30.0, "auto", 15.0),
        (30.0, "jp", 15.0),
    ]
    first = min(t for t, _ in net.buyers["auto"].points["magnet"].arrivals)
    assert first == 10.0 + 20.0  # response delay + MY→US transit


def test_rapid_response_priority_sharing():
    got = supplies(simulate(us_buyers(rapid("priority")), 0, 1))
    assert got[0] == (10.0, "auto", 60.0)
    assert sum(q for _, _, q in got) == pytest.approx(150.0)


def test_share_out_rules():
    assert share_out(10.0, [2.0, 8.0, 8.0], "equal") == pytest.approx([2.0, 4.0, 4.0])
    assert share_out(9.0, [2.0, 8.0, 8.0], "need") == pytest.approx([1.0, 4.0, 4.0])
    assert share_out(9.0, [2.0, 8.0, 8.0], "priority") == pytest.approx([2.0, 7.0, 0.0])
    assert share_out(99.0, [2.0, 8.0], "need") == [2.0, 8.0]

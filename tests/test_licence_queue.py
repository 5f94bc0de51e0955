"""The licence queue: a review capacity bounds decisions, so a backlog builds while
applications outrun it and drains at the capacity after they stop (closed form on one pair);
contract applications gather a pair's shipments; a change of terms reaches pending ones."""

from __future__ import annotations

from typing import Any

import pytest

from sim.runner import simulate
from tests.policy_world import day, events, stockist, validate, world

R, SPACING, END = 10.0, 2.0, 60  # review days, days between decisions, last filing day + 1


def one_pair(license: dict[str, Any], *, end: int = END, days: int = 200, **ctrl: Any):  # type: ignore[no-untyped-def]
    """A Chinese stockist and a Japanese buyer ordering every day (a stock that never runs
    out and a cover it never reaches: one shipment, so one application, a day)."""
    b = {
        "country": "JP",
        "sector": "automotive",
        "demand": {"magnet": {"rate_t_per_year": 3650.0}},
        "inventory": {"magnet": 1e5},
        "ordering": {"review_days": 1.0, "cover_days": 36500},
        "sourcing": {"magnet": {"suppliers": {"cn": 1.0}, "patience_days": 1e4}},
    }
    control = {
        "id": "lic",
        "type": "export_control",
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": "license",
        "start": day(0),
        "end": day(end),
        "license": license,
        **ctrl,
    }
    return validate(
        world(
            {"cn": stockist("CN", stock=1e8)}, {"oem": b}, [("CN", "JP", 5.0)], [control], days=days
        )
    )


def decisions(net) -> list[float]:  # type: ignore[no-untyped-def]
    kinds = ("licence_approved", "licence_denied", "licence_lapsed")
    return sorted(t for k in kinds for t, _, _ in events(net, k))


def test_backlog_grows_at_arrivals_minus_capacity_and_drains_at_capacity():
    """One application a day on days 0 … END−1, review R, one decision every SPACING days:
    decision k comes at R + k·SPACING, so the backlog at time t ≥ R is
    (filed by t) − (decided by t) and the last decision is R + (END − 1)·SPACING."""
    lic = {"review_days": R, "applications": "shipment", "capacity_per_week": 7.0 / SPACING}
    net = simulate(one_pair(lic), 0, 1)
    got = decisions(net)
    assert got == pytest.approx([R + k * SPACING for k in range(END)])
    # the backlog at the end of filing: END filed, (END − 1 − R) / SPACING + 1 decided
    decided = sum(1 for t in got if t < END)
    assert END - decided == END - (int((END - 1 - R) // SPACING) + 1)
    # decided after the control lifted: no control covers them any more, so they leave
    assert all(t >= END for t, _, _ in events(net, "licence_lapsed"))
    assert net.custody.held == {}


def test_without_a_capacity_every_application_waits_its_review_only():
    net = simulate(one_pair({"review_days": R, "applications": "shipment"}), 0, 1)
    assert decisions(net) == pytest.approx([R + k for k in range(END)])


def test_contract_applications_gather_the_pairs_shipments():
    """Per contract: shipments of the pair held within `contract_days` of filing (and before
    the decision) join the application; the next shipment files a new one."""
    lic = {"review_days": 30.0, "contract_days": 14.0}
    net = simulate(one_pair(lic), 0, 1)
    # filed on days 0, 15, 30, 45 (a shipment on day 14 still joins the first)
    assert decisions(net) == pytest.approx([30.0 + f for f in (0.0, 15.0, 30.0, 45.0)])
    lic = {"review_days": R, "contract_days": 14.0}
    net = simulate(one_pair(lic), 0, 1)
    # the decision closes the contract: filed on days 0, 10, …, 50
    assert decisions(net) == pytest.approx([R + f for f in range(0, END, 10)])


def test_change_of_terms_applies_to_pending_applications():
    """Applications filed under a refusing regime and decided after a new control of the same
    exporter took over are decided under the new terms; none is approved wholesale at the
    change: decisions keep their place in the queue."""
    lic = {"review_days": R, "applications": "shipment", "approval_rate": 0.0}
    doc = one_pair(lic, end=30, days=100, on_denied="cancel").model_dump()
    later = dict(doc["policies"][0], id="lic2", start=day(30), end=None)
    later["license"] = dict(later["license"], approval_rate=1.0)
    doc["policies"].append(later)
    net = simulate(validate(doc), 0, 1)
    denied = [t for t, _, _ in events(net, "licence_denied")]
    approved = [(t, who) for t, who, _ in events(net, "licence_approved")]
    assert denied == pytest.approx([R + k for k in range(30 - int(R))])  # decided before 30
    assert approved[0] == (30.0, "lic2")  # filed on day 20 under `lic`, decided under `lic2`
    assert len([t for t, _ in approved if t < 30 + R]) == int(R)  # one a day, not all at once


def test_a_long_review_does_not_hold_the_applications_filed_after_it():
    """Reviews of 5-60 days (uniform) and a capacity four times the filing rate: each
    application is decided at most a few slots after its own review ends, so the waits
    average the mean review (32.5 days). Deciding strictly in filing order would make every
    application wait for the longest review filed before it: waits near 60 days."""
    review = {"dist": "uniform", "low": 5.0, "high": 60.0}
    lic = {"review_days": review, "applications": "shipment", "capacity_per_week": 28.0}
    net = simulate(one_pair(lic, end=120, days=300), 0, 1)
    waits = [
        float(detail.split(" after ")[1].split(" d")[0])
        for kind in ("licence_approved", "licence_lapsed")  # lapsed: decided after the end
        for _, _, detail in events(net, kind)
    ]
    assert len(waits) == 120
    assert all(5.0 - 1e-9 <= w <= 60.0 + 10 * 0.25 for w in waits)
    assert sum(waits) / len(waits) == pytest.approx(32.5, abs=6.0)

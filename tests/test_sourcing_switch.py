"""Switching suppliers when a policy holds our shipments: a licence that has not come by the
statutory review time plus the buyer's patience makes the buyer qualify and use its alternate
(here: applications refused and held)."""

from __future__ import annotations

import pytest

from sim.runner import simulate
from tests.policy_world import buyer, day, departures, events, stockist, validate, world

D, L, PATIENCE, QUAL, R = 10.0, 5.0, 30.0, 10.0, 20.0


def licence_world(alternates: list[str]):  # type: ignore[no-untyped-def]
    control = {
        "id": "lic",
        "type": "export_control",
        "start": day(0),
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": "license",
        "license": {"review_days": R, "approval_rate": 0.0},
        "on_denied": "hold",
    }
    b = buyer(
        "JP", {"cn": 1.0}, rate_per_day=D, initial=200.0, alternates=alternates, patience=PATIENCE
    )
    b["sourcing"]["magnet"]["qualification_days"] = QUAL
    return validate(
        world(
            {"cn": stockist("CN"), "my": stockist("MY")},
            {"oem": b},
            [("CN", "JP", L), ("MY", "JP", L)],
            [control],
            days=200,
        )
    )


def test_held_shipments_make_the_supplier_late_and_the_alternate_takes_over():
    net = simulate(licence_world(["my"]), 0, 1)
    failing = events(net, "supplier_failing")
    assert failing and failing[0][1] == "oem" and failing[0][2].startswith("cn")
    # the first shipment entered the licence queue on day 0, its decision due on day R: late
    # once patience has passed after that
    assert R + PATIENCE < failing[0][0] <= R + PATIENCE + 1.0
    qualified = events(net, "supplier_qualified")
    assert qualified[0][0] == failing[0][0] + QUAL
    my = departures(net, "my", "oem")
    assert my and min(t for t, _ in my) >= qualified[0][0]


def test_the_alternate_cuts_the_shortage_the_licence_queue_causes():
    with_alt = simulate(licence_world(["my"]), 0, 1).buyers["oem"].points["magnet"]
    without = simulate(licence_world([]), 0, 1).buyers["oem"].points["magnet"]
    # without an alternate: dry from day 20 to the end (refused shipments stay held)
    assert without.cum_shortage >= D * (200 - 20) - 1e-6
    # with it: supply resumes after review + patience + qualification + transit (+ one
    # review); the held shipments are withdrawn when the alternate qualifies, so nothing is on
    # order twice. (Counted until the licensed supplier is tried again, `PATIENCE` after it
    # failed.)
    retry = R + PATIENCE + 1 + PATIENCE
    short_until_retry = max(s for t, _, s, _ in with_alt.trace.rows if t <= retry)
    assert short_until_retry <= D * (R + PATIENCE + 1 + QUAL + L + 1 - 20) + 1e-6
    assert with_alt.cum_shortage < without.cum_shortage


def qualification_world(n_buyers: int, success: float):  # type: ignore[no-untyped-def]
    """`n_buyers` buyers whose Chinese licences never come, each qualifying the same alternate
    with probability `success`."""
    doc = licence_world(["my"]).model_dump(mode="json", exclude_none=True)
    template = doc["buyers"].pop("oem")
    template["sourcing"]["magnet"]["qualification_success"] = success
    for i in range(n_buyers):
        doc["buyers"][f"oem{i}"] = template
    doc["horizon"]["end"] = str(day(R + PATIENCE + QUAL + 5))  # first attempt of each only
    return validate(doc)


def test_a_qualification_that_fails_leaves_the_buyer_without_the_alternate():
    net = simulate(qualification_world(5, 0.0), 0, 1)
    assert len(events(net, "qualification_failed")) == 5
    assert events(net, "supplier_qualified") == []
    for i in range(5):
        assert departures(net, "my", f"oem{i}") == []


@pytest.mark.slow
def test_qualifications_succeed_at_the_given_probability():
    n, p = 200, 0.4
    net = simulate(qualification_world(n, p), 0, 1)
    passed = len(events(net, "supplier_qualified"))
    assert passed + len(events(net, "qualification_failed")) == n
    # binomial(200, 0.4): mean 80, sd ≈ 6.9; four sd either side
    assert abs(passed - n * p) <= 4 * (n * p * (1 - p)) ** 0.5

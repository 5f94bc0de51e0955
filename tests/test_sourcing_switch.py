"""Switching suppliers when a policy holds our shipments: a licence queue longer than the
buyer's patience makes the buyer qualify and use its alternate."""

from __future__ import annotations

from sim.runner import simulate
from tests.policy_world import buyer, day, departures, events, stockist, validate, world

D, L, PATIENCE, QUAL = 10.0, 5.0, 30.0, 10.0


def licence_world(alternates: list[str]):  # type: ignore[no-untyped-def]
    control = {
        "id": "lic",
        "type": "export_control",
        "start": day(0),
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": "license",
        "license": {"review_days": 90.0, "approval_rate": 1.0},
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
    # the first shipment entered the licence queue on day 0: late once patience has passed
    assert PATIENCE < failing[0][0] <= PATIENCE + 1.0
    qualified = events(net, "supplier_qualified")
    assert qualified[0][0] == failing[0][0] + QUAL
    my = departures(net, "my", "oem")
    assert my and min(t for t, _ in my) >= qualified[0][0]


def test_the_alternate_cuts_the_shortage_the_licence_queue_causes():
    with_alt = simulate(licence_world(["my"]), 0, 1).buyers["oem"].points["magnet"]
    without = simulate(licence_world([]), 0, 1).buyers["oem"].points["magnet"]
    # without an alternate: dry from day 20 until the first licensed shipment lands on day 95
    assert without.cum_shortage >= D * (90 + L - 20) - 1e-6
    # with it: supply resumes after patience + qualification + transit (+ one review); the
    # held shipments are withdrawn when the alternate qualifies, so nothing arrives twice.
    # (Counted until the licensed supplier is tried again, `PATIENCE` after it failed.)
    retry = PATIENCE + 1 + PATIENCE
    short_until_retry = max(s for t, _, s, _ in with_alt.trace.rows if t <= retry)
    assert short_until_retry <= D * (PATIENCE + 1 + QUAL + L + 1 - 20) + 1e-6
    assert with_alt.cum_shortage < without.cum_shortage

"""Invalid policy entries give clear, located messages (pinned), all at once."""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, load
from tests.scenario_files import child_of_tiny


def problems(tmp_path, text: str) -> list[str]:
    """Messages (`line › path: message`) for a file extending tiny.yaml with `text`."""
    path = child_of_tiny(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load(path)
    return [p.format().removeprefix(f"{path}:") for p in info.value.problems]


def test_schema_problems_of_policies(tmp_path):
    assert problems(
        tmp_path,
        """
        policies:
          - id: ctrl
            type: export_control
            start: 2025-06-01
            exporter: AU
            elements: [NdPr]
            mode: license
            license:
              approval_rate: 1.4
              rules: [{sectors: [automotive], approval_rate: {dist: uniform, low: 0.5, high: 1.2}}]
          - id: late
            type: export_control
            start: 2025-06-01
            end: 2025-01-01
            exporter: AU
            elements: [NdPr]
            mode: ban
          - id: q
            type: export_control
            start: 2025-06-01
            exporter: AU
            commodities: [NdPr_oxide]
            mode: quota
          - id: pause
            type: suspension
            start: 2025-06-01
            policies: [q]
          - id: odds
            type: suspension
            start: 2025-06-01
            end: 2025-08-01
            policies: [q]
            at_expiry: {renew: 0.7, snap_back: 0.7}
        """,
    ) == [
        "10 › policies.ctrl.license.approval_rate: must be <= 1 (got 1.4)",
        "11 › policies.ctrl.license.rules.0.approval_rate: must be <= 1 (got high=1.2)",
        "12 › policies.late: end (2025-01-01) must be after start (2025-06-01)",
        "19 › policies.q: mode quota needs `quota`",
        "25 › policies.pause: a suspension needs an `end` (its expiry date)",
        "29 › policies.odds: at_expiry probabilities must sum to 1 (got 1.4)",
    ]


def test_reference_problems_of_policies(tmp_path):
    assert problems(
        tmp_path,
        """
        policies:
          - id: ctrl
            type: export_control
            start: 2025-06-01
            exporter: CN
            elements: [Dy]
            commodities: [Dy_metal]
            destinations: {all_but: [XX]}
            mode: ban
          - id: pause
            type: suspension
            start: 2025-06-01
            end: 2026-06-01
            policies: [ctrl, ban2026, pause]
          - id: trips
            type: random_outages
            start: 2025-01-01
            facilities: [mine2]
            rate_per_year: 1
            duration_days: 3
          - id: fw
            type: funding_window
            start: 2025-01-01
            decide_at: open
            budget_usd: 10
            projects:
              - id: magnets
                facility: {stage: mine, country: JP, capacity: {NdPr_oxide: 10}}
                cost_usd: 1
                lead_time_days: 10
                offtake: [{node: auto, commodity: NdFeB_magnet}]
          - id: rr
            type: rapid_response
            start: 2025-01-01
            partners: [auto, ghost]
            commodity: NdFeB_magnet
            sources: [mine]
            trigger_cover_days: 10
            target_cover_days: 20
            cap_per_event_t: -10
            cap_total_t: 10
        """,
    ) == [
        "6 › policies.ctrl.exporter: unknown country 'CN'; known: AU, JP",
        "7 › policies.ctrl.elements.0: unknown element 'Dy'; known: Nd, NdPr, Pr",
        "8 › policies.ctrl.commodities.0: unknown commodity 'Dy_metal'; "
        "known: NdFeB_magnet, NdPr_oxide",
        "9 › policies.ctrl.destinations.all_but.0: unknown country or node 'XX'; "
        "known: AU, JP, auto, magnets, mine",
        "15 › policies.pause.policies.1: no policy with id 'ban2026' to suspend; "
        "known: mine_fire, ctrl, trips, fw, rr",
        "15 › policies.pause.policies.2: a suspension cannot suspend itself",
        "19 › policies.trips.facilities.0: unknown facility 'mine2'; known: magnets, mine",
        "28 › policies.fw.projects.0.id: id 'magnets' is already a facility, buyer, "
        "stockpile or project",
        "32 › policies.fw.projects.0.offtake.0.commodity: project 'magnets' does not make "
        "'NdFeB_magnet'",
        "36 › policies.rr.partners.1: unknown buyer 'ghost'; known: auto",
        "38 › policies.rr.sources.0: facility 'mine' does not make 'NdFeB_magnet'",
        "41 › policies.rr.cap_per_event_t: must be >= 0 (got -10)",
    ]


def test_reference_problems_of_price_responses(tmp_path):
    without_prices = """
        policies:
          - id: pr
            type: price_response
            start: 2025-01-01
            buyers: [auto, ghost]
            elasticity: -0.2
            adjust_days: 0
        """
    assert problems(tmp_path, without_prices) == [
        "4 › policies.pr.type: a price_response needs a `prices:` section (the index it follows)",
        "6 › policies.pr.buyers.1: unknown buyer 'ghost'; known: auto",
        "7 › policies.pr.elasticity: must be >= 0 (got -0.2)",
        "8 › policies.pr.adjust_days: must be > 0 (got 0)",
    ]
    unindexed = """
        prices: {commodities: [NdPr_oxide]}
        policies:
          - id: pr
            type: price_response
            start: 2025-01-01
            commodities: [NdFeB_magnet, magnet]
            elasticity: 0.2
        """
    assert problems(tmp_path, unindexed) == [
        "7 › policies.pr.commodities.0: 'NdFeB_magnet' has no price index; add it to "
        "prices.commodities",
        "7 › policies.pr.commodities.1: unknown commodity 'magnet'; known: NdFeB_magnet, "
        "NdPr_oxide",
    ]

"""Loading scenarios: extends and merge rules, --set overrides and their precedence, hashes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from sim.scenario import LoadedScenario, load, load_scenario, scenario_sha256
from sim.scenario.distributions import Uniform
from sim.scenario.policies.facility_outage import FacilityOutage
from sim.scenario.policies.lane_closure import LaneClosure
from sim.scenario.schema import Scenario
from tests.scenario_files import TINY, child_of_tiny, write


def test_load_tiny() -> None:
    loaded = load(TINY)
    assert isinstance(loaded, LoadedScenario)
    assert loaded.scenario == load_scenario(TINY)
    assert loaded.path == TINY
    assert loaded.files == (TINY,)
    assert loaded.overrides == {}
    assert loaded.document["horizon"] == {"start": dt.date(2025, 1, 1), "end": dt.date(2026, 1, 1)}
    assert loaded.sha256 == scenario_sha256(loaded.scenario)


def test_precedence_base_child_set(tmp_path) -> None:
    path = child_of_tiny(tmp_path, "seed: 2\ndescription: child\n")
    assert load(tmp_path / "tiny.yaml").scenario.seed == 1
    assert load(path).scenario.seed == 2
    assert load(path, ["seed=3"]).scenario.seed == 3
    later = load(path, ["seed=3", "description=set", "seed=4"])
    assert (later.scenario.seed, later.scenario.description) == (4, "set")


def test_chain_of_extends(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    child_of_tiny(tmp_path, "")  # tiny.yaml beside the top file
    middle = write(
        tmp_path / "sub", "middle.yaml", "extends: ../tiny.yaml\nseed: 2\nname: middle\n"
    )
    top = write(tmp_path, "top.yaml", "extends: sub/middle.yaml\nseed: 3\n")
    loaded = load(top)
    assert (loaded.scenario.name, loaded.scenario.seed) == ("middle", 3)
    assert loaded.files == (top, middle, tmp_path / "tiny.yaml")
    assert "extends" not in loaded.document
    assert loaded.scenario.extends is None


def test_mappings_deep_merge_and_null_deletes(tmp_path) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        description: null
        facilities:
          mine:
            capacity: {NdPr_oxide: 1200}
            operator: Lynas
          magnets:
            recipe: null
        """,
    )
    s = load(path).scenario
    mine = s.facilities["mine"]
    assert (mine.capacity, mine.operator, mine.country) == ({"NdPr_oxide": 1200}, "Lynas", "AU")
    assert s.facilities["magnets"].recipe.inputs == {}
    assert s.description == ""


def test_lists_replace_except_policies_and_lanes(tmp_path) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        elements:
          NdPr: {members: [Nd]}
        policies:
          - id: mine_fire
            capacity_factor: 0.5
            end: null
          - id: strait
            type: lane_closure
            origin: AU
            destination: JP
            start: 2025-03-01
        lanes:
          - {origin: JP, destination: JP, transit_days: 5}
          - {origin: AU, destination: JP, transit_days: 30}
        """,
    )
    s = load(path).scenario
    assert s.elements["NdPr"].members == ["Nd"]
    assert s.policies == [
        FacilityOutage(
            id="mine_fire",
            type="facility_outage",
            facility="mine",
            start=dt.date(2025, 6, 1),
            end=None,
            capacity_factor=0.5,
        ),
        LaneClosure(
            id="strait",
            type="lane_closure",
            origin="AU",
            destination="JP",
            start=dt.date(2025, 3, 1),
        ),
    ]
    assert [(x.origin, x.destination, x.transit_days) for x in s.lanes] == [
        ("mine", "magnets", s.lanes[0].transit_days),
        ("JP", "JP", 5),
        ("AU", "JP", 30),
    ]


def test_set_on_policy_by_id_and_lane_by_index() -> None:
    loaded = load(
        TINY,
        [
            "policies.mine_fire.capacity_factor=0.25",
            "policies.mine_fire.end=2025-09-01",
            "lanes.1.transit_days={dist: uniform, low: 1, high: 2}",
        ],
    )
    policy = loaded.scenario.policies[0]
    assert (policy.capacity_factor, policy.end) == (0.25, dt.date(2025, 9, 1))
    assert loaded.scenario.lanes[1].transit_days == Uniform(dist="uniform", low=1, high=2)


def test_set_creates_keys_and_null_deletes() -> None:
    s = load_scenario(
        TINY,
        [
            "facilities.mine.capacity.NdFeB_magnet=10",
            "facilities.mine.ordering.review_days=14",
            "policies.mine_fire=null",
            "buyers.auto.sector=",
        ],
    )
    assert s.facilities["mine"].capacity == {"NdPr_oxide": 1000, "NdFeB_magnet": 10}
    assert s.facilities["mine"].ordering.review_days == 14
    assert s.policies == []
    assert s.buyers["auto"].sector == ""


def test_overrides_recorded_in_order() -> None:
    sets = ["seed=5", "horizon.end=2027-01-01", "lanes.1.transit_days=[1, 2]"]
    loaded = load(TINY, [*sets, "lanes.1.transit_days=4", "seed=6"])
    assert list(loaded.overrides.items()) == [
        ("horizon.end", dt.date(2027, 1, 1)),
        ("lanes.1.transit_days", 4),
        ("seed", 6),
    ]
    assert loaded.document["seed"] == 6


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(v) for k, v in reversed(value.items())}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def test_sha256_ignores_key_order_and_formatting(tmp_path) -> None:
    doc = yaml.safe_load(TINY.read_text())
    shuffled = write(tmp_path, "shuffled.yaml", yaml.safe_dump(_reversed(doc), sort_keys=False))
    assert shuffled.read_text() != TINY.read_text()
    assert load(shuffled).sha256 == load(TINY).sha256
    assert load(TINY, ["seed=1"]).sha256 == load(TINY).sha256


def test_sha256_changes_with_any_value() -> None:
    base = load(TINY).sha256
    changed = {
        load(TINY, [s]).sha256
        for s in ["seed=2", "lanes.1.transit_days=3.5", "facilities.mine.source=USGS"]
    }
    assert base not in changed and len(changed) == 3


def test_sha256_of_canonical_json() -> None:
    s = load_scenario(TINY)
    assert scenario_sha256(s) == scenario_sha256(Scenario.model_validate(s.model_dump()))
    assert len(scenario_sha256(s)) == 64


def test_yaml_merge_keys_and_anchors(tmp_path) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        lanes:
          - &sea {origin: AU, destination: JP, transit_days: 30, capacity_t_per_year: 5000}
          - {<<: *sea, origin: mine, transit_days: 40}
        """,
    )
    lanes = load_scenario(path).lanes
    assert [(x.origin, x.transit_days, x.capacity_t_per_year) for x in lanes[-2:]] == [
        ("AU", 30, 5000),
        ("mine", 40, 5000),
    ]

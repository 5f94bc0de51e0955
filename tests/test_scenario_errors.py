"""Every kind of bad scenario input gives a located, pinned message; all problems at once; exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

from sim.scenario import Problem, ScenarioError, load
from sim.scenario.schema import Demand, Facility, Policy
from tests.scenario_files import TINY, child_of_tiny, cli, write

DISTS = "fixed, uniform, triangular, normal, lognormal"


def keys(model: type[BaseModel]) -> str:
    """The allowed keys of a model as messages list them (the schema grows; the format is pinned)."""
    return ", ".join(sorted(f.alias or name for name, f in model.model_fields.items()))


POLICY_TYPES = ", ".join(
    get_args(member.model_fields["type"].annotation)[0] for member in get_args(get_args(Policy)[0])
)


def problems(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """Problems printed by `minsim validate ARGV`, which must fail with exit code 2."""
    code, out, err = cli(capsys, "validate", *argv)
    assert (code, out) == (2, [])
    return err


def test_problem_format() -> None:
    assert Problem("a.yaml", 3, "x.y", "bad").format() == "a.yaml:3 › x.y: bad"
    assert Problem("a.yaml", None, "x.y", "bad").format() == "a.yaml › x.y: bad"
    assert Problem("a.yaml", 3, "", "bad").format() == "a.yaml:3 › bad"
    err = ScenarioError([Problem("a.yaml", 1, "", "one"), Problem("--set", None, "k", "two")])
    assert str(err) == "a.yaml:1 › one\n--set k: two"


def test_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    sha = load(TINY).sha256
    assert cli(capsys, "validate", str(TINY)) == (
        0,
        [f"ok: {TINY} (scenario tiny, sha256 {sha})"],
        [],
    )


def test_malformed_yaml(tmp_path, capsys) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        """
        name: tiny
        horizon:
          start: 2025-01-01
          end: [2026-01-01
        seed: 1
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:5 › invalid YAML: expected ',' or ']', but got ':' (column 5)"
    ]


def test_bad_indentation(tmp_path, capsys) -> None:
    path = write(tmp_path, "bad.yaml", "name: tiny\n  seed: 1\n")
    assert problems(capsys, str(path)) == [
        f"{path}:2 › invalid YAML: mapping values are not allowed here (column 7)"
    ]


def test_duplicate_key(tmp_path, capsys) -> None:
    path = child_of_tiny(tmp_path, "seed: 2\nseed: 3\n")
    assert problems(capsys, str(path)) == [f"{path}:3 › duplicate key 'seed' (first at line 2)"]


def test_unknown_key_lists_allowed_keys(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        facilities:
          mine:
            capacty: {NdPr_oxide: 1000}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:4 › facilities.mine: unknown key 'capacty'; allowed: {keys(Facility)}"
    ]


def test_wrong_types(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        seed: abc
        horizon: {start: 2025-13-01}
        facilities:
          mine:
            capacity: {NdPr_oxide: lots}
            ramp: 0.5
            stage: 2nd mill
            country: NO
            growth_per_year: [0.1]
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:2 › seed: expected an integer (got 'abc')",
        f"{path}:3 › horizon.start: expected a date like 2025-01-31 (got '2025-13-01')",
        f"{path}:6 › facilities.mine.capacity.NdPr_oxide: expected a number (got 'lots')",
        f"{path}:7 › facilities.mine.ramp: expected a list (got 0.5)",
        f"{path}:8 › facilities.mine.stage: expected an id: a letter, then letters, digits, _ "
        "or - (got '2nd mill')",
        f"{path}:9 › facilities.mine.country: expected a string (got false; "
        "YAML reads yes, no, on, off as true/false: put the value in quotes)",
        f"{path}:10 › facilities.mine.growth_per_year: "
        "expected a number or a distribution (got [0.1])",
    ]


def test_zero_and_negative_capacity(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        facilities:
          mine:
            capacity: {NdPr_oxide: 0}
          magnets:
            capacity:
              NdFeB_magnet: {dist: uniform, low: -5, high: 10}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:4 › facilities.mine.capacity.NdPr_oxide: must be > 0 (got 0)",
        f"{path}:7 › facilities.magnets.capacity.NdFeB_magnet: must be > 0 (got low=-5)",
    ]


def test_missing_facility(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        buyers:
          auto:
            sourcing:
              NdFeB_magnet:
                suppliers: {magnetz: 1.0}
        policies:
          - id: mine_fire
            facility: mine2
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:6 › buyers.auto.sourcing.NdFeB_magnet.suppliers.magnetz: "
        "unknown facility 'magnetz'; known: magnets, mine",
        f"{path}:9 › policies.mine_fire.facility: unknown facility 'mine2'; known: magnets, mine",
    ]


def test_missing_commodity(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        buyers:
          auto:
            demand:
              SmCo_magnet: {rate_t_per_year: 10}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:5 › buyers.auto.demand.SmCo_magnet: "
        "unknown commodity 'SmCo_magnet'; known: NdFeB_magnet, NdPr_oxide"
    ]


def test_missing_lane_and_wrong_supplier(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        buyers:
          auto:
            sourcing:
              NdFeB_magnet:
                suppliers: {magnets: 1.0}
                alternates: [mine]
          us_defense:
            country: US
            demand: {NdFeB_magnet: {rate_t_per_year: 100}}
            sourcing:
              NdFeB_magnet: {suppliers: {magnets: 1.0}}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:7 › buyers.auto.sourcing.NdFeB_magnet.alternates.0: "
        "facility 'mine' does not make 'NdFeB_magnet'; it makes: NdPr_oxide",
        f"{path}:12 › buyers.us_defense.sourcing.NdFeB_magnet.suppliers.magnets: "
        "no lane from magnets (JP) to us_defense (US); add a lane magnets → us_defense, "
        "or between countries JP → US",
    ]


def test_unknown_distribution(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        lanes:
          - origin: mine
            destination: magnets
            transit_days: {dist: gamma, shape: 2}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:5 › lanes.0.transit_days: unknown distribution 'gamma'; allowed: {DISTS}"
    ]


def test_distribution_errors(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        facilities:
          mine:
            capacity:
              NdPr_oxide: {dist: uniform, low: 10}
          magnets:
            capacity:
              NdFeB_magnet: {low: 1, high: 2}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:5 › facilities.mine.capacity.NdPr_oxide: missing required key 'high'",
        f"{path}:8 › facilities.magnets.capacity.NdFeB_magnet: "
        f"expected a number, or a distribution with dist: {DISTS}",
    ]


def test_policy_type(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        policies:
          - id: ban2026
            type: ban
            start: 2026-01-01
          - id: no_type
            start: 2026-01-01
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:4 › policies.ban2026: unknown type 'ban'; allowed: {POLICY_TYPES}",
        f"{path}:6 › policies.no_type: missing required key 'type'; allowed types: {POLICY_TYPES}",
    ]


def test_missing_file(tmp_path, capsys) -> None:
    path = tmp_path / "nope.yaml"
    assert problems(capsys, str(path)) == [f"{path} › file not found"]


def test_extends_missing_file(tmp_path, capsys) -> None:
    path = write(tmp_path, "child.yaml", "name: x\nextends: base.yaml\n")
    assert problems(capsys, str(path)) == [
        f"{path}:2 › extends: file not found: {tmp_path / 'base.yaml'}"
    ]


def test_extends_cycle(tmp_path, capsys) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: sub/c.yaml\n")
    (tmp_path / "sub").mkdir()
    c = write(tmp_path / "sub", "c.yaml", "name: c\nextends: ../a.yaml\n")
    assert problems(capsys, str(a)) == [
        f"{c}:2 › extends: extends cycle: a.yaml → b.yaml → sub/c.yaml → a.yaml"
    ]


def test_several_problems_in_one_file(tmp_path, capsys) -> None:
    path = write(
        tmp_path,
        "many.yaml",
        """
        name: 2many
        horizon: {start: 2025-01-01, end: 2024-01-01}
        elements: {NdPr: {}}
        commodities:
          NdPr_oxide: {kind: oxide, contains: {NdPr: 1.5}}
        buyers:
          auto:
            country: JP
            demand: {NdPr_oxide: {rate_t_per_year: 100, growth: 0.1}}
        lanes:
          - {origin: CN, destination: JP}
        """,
    )
    assert problems(capsys, str(path)) == [
        f"{path}:1 › name: expected an id: a letter, then letters, digits, _ or - (got '2many')",
        f"{path}:2 › horizon: end (2024-01-01) must be after start (2025-01-01)",
        f"{path}:5 › commodities.NdPr_oxide.contains.NdPr: must be <= 1 (got 1.5)",
        f"{path}:9 › buyers.auto.demand.NdPr_oxide: unknown key 'growth'; allowed: {keys(Demand)}",
        f"{path}:11 › lanes.0: missing required key 'transit_days'",
    ]


def test_problems_in_several_files(tmp_path, capsys) -> None:
    bad = write(tmp_path, "bad.yaml", "name: x\n")
    code, out, err = cli(capsys, "validate", str(TINY), str(bad))
    assert code == 2
    assert out == [f"ok: {TINY} (scenario tiny, sha256 {load(TINY).sha256})"]
    assert err == [
        f"{bad} › missing required key 'horizon'",
        f"{bad} › missing required key 'elements'",
        f"{bad} › missing required key 'commodities'",
        f"{bad} › missing required key 'buyers'",
    ]


def test_problem_located_in_the_file_that_set_the_key(tmp_path, capsys) -> None:
    base = write(
        tmp_path,
        "base.yaml",
        TINY.read_text().replace("capacity: {NdPr_oxide: 1000}", "capacity: {NdPr_oxide: -1}"),
    )
    path = write(tmp_path, "child.yaml", "extends: base.yaml\nseed: -3\n")
    assert problems(capsys, str(path), "--set", "lanes.1.transit_days=x") == [
        "--set lanes.1.transit_days: expected a number (got 'x')",
        f"{path}:2 › seed: must be >= 0 (got -3)",
        f"{base}:23 › facilities.mine.capacity.NdPr_oxide: must be > 0 (got -1)",
    ]
    assert problems(capsys, str(path), "--set", "seed=1") == [
        f"{base}:23 › facilities.mine.capacity.NdPr_oxide: must be > 0 (got -1)"
    ]


def test_bad_overrides(capsys) -> None:
    sets = [
        "policies.mine_fyre.end=2025-08-01",
        "lanes.7.transit_days=3",
        "seed",
        "horizon.start.day=3",
        "description=[unclosed",
        "extends=other.yaml",
    ]
    assert problems(capsys, str(TINY), *(arg for text in sets for arg in ("--set", text))) == [
        "--set policies.mine_fyre.end: no entry with id 'mine_fyre' in policies; known: mine_fire",
        "--set lanes.7.transit_days: no entry '7' in lanes; entries are numbered 0 to 1",
        "--set: expected KEY=VALUE (got 'seed')",
        "--set horizon.start.day: cannot set 'day' inside horizon.start, which is 2025-01-01",
        "--set description: cannot read value '[unclosed': "
        "expected ',' or ']', but got '<stream end>' (column 10)",
        "--set extends: extends is resolved before --set; it cannot be overridden",
    ]


def test_run_with_problems_writes_nothing(tmp_path, capsys) -> None:
    path = child_of_tiny(tmp_path, "seed: -1\n")
    out = tmp_path / "out"
    code, stdout, err = cli(capsys, "run", str(path), "--out", str(out), "--reps", "2")
    assert (code, stdout) == (2, [])
    assert err == [f"{path}:2 › seed: must be >= 0 (got -1)"]
    assert not out.exists()


def test_load_raises_with_all_problems(tmp_path) -> None:
    path = child_of_tiny(tmp_path, "seed: -1\nname: 9\n")
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert [p.path for p in info.value.problems] == ["seed", "name"]
    assert info.value.problems[0] == Problem(str(path), 2, "seed", "must be >= 0 (got -1)")


# Broken inputs of a new user that validation once let through (or reported without a word).
NEW_USER_CASES = [
    # (text after `extends: tiny.yaml`, expected problem at line 2 onwards of the child)
    (
        "stages: ['my stage', mine, magnet]\n",
        ["2 › stages.0: expected an id: a letter, then letters, digits, _ or - (got 'my stage')"],
    ),
    (
        "commodities:\n  NdPr_oxide: {basket: {}}\n",
        ["3 › commodities.NdPr_oxide.basket: needs at least 1 entry (got 0)"],
    ),
    (
        "buyers:\n  auto:\n    ordering: {rule: s_S, reorder_point_t: 500, order_up_to_t: 100}\n",
        ["4 › buyers.auto.ordering: order_up_to_t (100) must be at least reorder_point_t (500)"],
    ),
    (
        "buyers:\n  auto:\n    inventory: {NdPr_oxide: 5}\n",
        [
            "4 › buyers.auto.inventory.NdPr_oxide: an initial stock of 'NdPr_oxide', which the "
            "buyer does not demand; it demands: NdFeB_magnet"
        ],
    ),
    (
        "facilities:\n  mine:\n    inventory: {NdFeB_magnet: 5}\n",
        [
            "4 › facilities.mine.inventory.NdFeB_magnet: an initial stock of 'NdFeB_magnet', "
            "which the facility neither uses nor makes; it uses or makes: NdPr_oxide"
        ],
    ),
    (
        "prices: {commodities: [NdPr_oxide, NdPr_oxide]}\n",
        ["2 › prices.commodities.1: 'NdPr_oxide' is listed twice"],
    ),
    (
        "prices: {commodities: [NdFeB_magnet], reference_usd_per_kg: {NdPr_oxide: 5}}\n",
        [
            "2 › prices.reference_usd_per_kg.NdPr_oxide: a reference price of 'NdPr_oxide', "
            "which prices.commodities does not list: add it there, or remove the price"
        ],
    ),
    (
        "buyers:\n  auto:\n    sourcing:\n      NdFeB_magnet: {alternates: [magnets, magnets]}\n",
        ["5 › buyers.auto.sourcing.NdFeB_magnet.alternates.1: 'magnets' is listed twice"],
    ),
    (
        "risk: {lost_value: {automotive: {usd_per_t: .inf, source: x}}}\n",
        ["2 › risk.lost_value.automotive.usd_per_t: expected a finite number (got inf)"],
    ),
    (
        "risk: {lost_value: {automotive: {usd_per_t: 1.0e+300, source: x}}}\n",
        ["2 › risk.lost_value.automotive.usd_per_t: must be <= 10000000000000 (got 1e+300)"],
    ),
    ("risk: {thresholds_pct: [5, 5]}\n", ["2 › risk: thresholds_pct lists 5.0 more than once"]),
    ("risk: {window_days: 100000}\n", ["2 › risk.window_days: must be <= 36500 (got 100000)"]),
    (
        "risk: {by: [2020-01-01]}\n",
        [
            "2 › risk.by.0: 2020-01-01 is not after the horizon's start (2025-01-01): no window "
            "ends by it"
        ],
    ),
    (
        "horizon: {end: 3025-01-01}\n",
        [
            "2 › horizon.end: 3025-01-01 is 365,242 days after start (2025-01-01), more than "
            "100 years (36,500 days)"
        ],
    ),
    (
        "facilities:\n  magnets:\n    sourcing:\n"
        "      NdFeB_magnet: {suppliers: {mine: 1}, alternates: [magnets]}\n",
        [
            "5 › facilities.magnets.sourcing.NdFeB_magnet.suppliers.mine: facility 'mine' does "
            "not make 'NdFeB_magnet'; it makes: NdPr_oxide",
            "5 › facilities.magnets.sourcing.NdFeB_magnet.alternates.0: 'magnets' cannot supply "
            "itself: buy 'NdFeB_magnet' from another facility",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), NEW_USER_CASES, ids=[c[0] for c in NEW_USER_CASES])
def test_new_user_mistakes(tmp_path, capsys, text, expected) -> None:
    path = child_of_tiny(tmp_path, text)
    assert problems(capsys, str(path)) == [f"{path}:{line}" for line in expected]


def test_a_facility_buying_its_own_output_is_refused(tmp_path, capsys) -> None:
    path = write(
        tmp_path,
        "own.yaml",
        TINY.read_text()
        .replace(
            "      NdPr_oxide:\n        suppliers: {mine: 1.0}\n",
            "      NdPr_oxide:\n        suppliers: {mine: 1.0}\n"
            "      NdFeB_magnet:\n        suppliers: {magnets: 1.0}\n",
        )
        .replace("inputs: {NdPr_oxide: 0.3}", "inputs: {NdPr_oxide: 0.3, NdFeB_magnet: 0.5}"),
    )
    assert problems(capsys, str(path)) == [
        f"{path}:34 › facilities.magnets.sourcing.NdFeB_magnet.suppliers.magnets: 'magnets' "
        "cannot supply itself: buy 'NdFeB_magnet' from another facility"
    ]


def test_a_sourcing_entry_without_suppliers_is_refused(tmp_path, capsys) -> None:
    path = write(
        tmp_path, "none.yaml", TINY.read_text().replace("suppliers: {mine: 1.0}", "suppliers: {}")
    )
    assert problems(capsys, str(path)) == [
        f"{path}:32 › facilities.magnets.sourcing.NdPr_oxide.suppliers: needs at least 1 entry "
        "(got 0)"
    ]


# Policy fields that validation once let through although the policy could then never act.
LIBRARY = Path(__file__).parent.parent / "scenarios"
POLICY_CASES = [
    (
        "apr2025_licensing.yaml",
        ["policies.ann18_early.license.rules.0.sectors=[defence]"],
        "--set policies.ann18_early.license.rules.0.sectors.0: unknown buyer sector 'defence'; "
        "known: automotive, automotive_industrial, defense, electronics, industrial, manufacturing",
    ),
    (
        "embargo_2010_japan.yaml",
        ["policies.quota_2010_h1.quota.tranches=[{day: 100, share: 1}]"],
        "--set policies.quota_2010_h1.quota.tranches.0.day: a tranche on day 100 of a 90.5-day "
        "period is never issued: tranche days must be less than period_days",
    ),
    (
        "usjp_framework.yaml",
        ["policies.jogmec_dy.max_release_t_per_day=0"],
        "--set policies.jogmec_dy.max_release_t_per_day: must be > 0 (got 0)",
    ),
    (
        "usjp_framework.yaml",
        ["policies.jogmec_dy.target_cover_days=1"],
        "--set policies.jogmec_dy.target_cover_days: must be at least trigger_cover_days (30), "
        "else a release never lifts cover above its trigger (got 1)",
    ),
    (
        "usjp_framework.yaml",
        ["policies.usjp_rrg_hree.target_cover_days=0"],
        "--set policies.usjp_rrg_hree.target_cover_days: must be at least trigger_cover_days "
        "(20), else emergency supply never lifts cover above its trigger (got 0)",
    ),
    (
        "embargo_2010_japan.yaml",
        ["policies.substitution_thrift.buyers=[]"],
        "--set policies.substitution_thrift.buyers: needs at least 1 entry (got 0)",
    ),
    (
        "embargo_2010_japan.yaml",
        [
            "policies.substitution_thrift.buyers=[jp_industry]",
            "policies.substitution_thrift.recipes=[cn_producers]",
        ],
        "--set policies.substitution_thrift.buyers: a response on recipes acts on plants, not "
        "buyers: give recipes or buyers, not both",
    ),
    (
        "apr2025_licensing.yaml",
        ["policies.ann18_early.license.capacity_per_week=1e-9"],
        "--set policies.ann18_early.license.capacity_per_week: must be >= 0.02 (got 1e-09)",
    ),
    (
        "outlook_2026.yaml",
        ["policies.busan_pause.renewal_days=1e-6"],
        "--set policies.busan_pause.renewal_days: must be >= 0.1 (got 1e-06)",
    ),
    (
        "outlook_2026.yaml",
        ["policies.busan_pause.max_renewals=100000000"],
        "--set policies.busan_pause.max_renewals: must be <= 1000 (got 100000000)",
    ),
]


@pytest.mark.parametrize(("name", "sets", "message"), POLICY_CASES)
def test_a_policy_that_could_never_act_is_refused(capsys, name, sets, message) -> None:
    argv = ["validate", str(LIBRARY / name)]
    for s in sets:
        argv += ["--set", s]
    code, out, err = cli(capsys, *argv)
    assert (code, out, err) == (2, [], [message])

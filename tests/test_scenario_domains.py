"""Nothing absurd gets through: each broken input of a new user fails with exit 2, where it is.

Every case runs `minsim run` into `--out` (in-process) and expects exit 2, the file and line of the
value (or `--set`) and its key path, no traceback and no output directory. The expected line is
found in the broken file itself, independently of the loader.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from sim.engine.streams import Streams
from sim.model.params import Params
from sim.runner.replicate import simulate
from sim.scenario.distributions import Fixed
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load
from tests.scenario_files import cli, write

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline_2025.yaml"


def refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path, *sets: str
) -> list[str]:
    """Problems printed by `minsim run SCENARIO --set …`; asserts exit 2 and nothing written."""
    out = tmp_path / "out"
    argv = ["run", str(scenario), "--reps", "1", "--workers", "1", "--out", str(out), "--quiet"]
    code, stdout, err = cli(capsys, *argv, *(a for s in sets for a in ("--set", s)))
    assert code == 2, (stdout, err)
    assert err, "no message"
    assert not any("Traceback" in line for line in err)
    assert not out.exists() and not out.with_name("out.partial").exists()
    return err


def broken_copy(tmp_path: Path, old: str, new: str, source: Path = BASELINE) -> tuple[Path, int]:
    """A copy of the shipped scenarios with `old` replaced by `new` once in `source`'s copy;
    returns the broken file and the line of the replacement."""
    directory = tmp_path / "scenarios"
    if not directory.exists():
        shutil.copytree(SCENARIOS, directory)
    path = directory / source.name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return path, text.count("\n", 0, at) + 1


SET_CASES = [
    # (--set, key path, message start)
    (
        "facilities.cn_mine_light.capacity.bastnasite_conc_CN=.nan",
        "facilities.cn_mine_light.capacity.bastnasite_conc_CN",
        "expected a finite number",
    ),
    (
        "buyers.us_defense.demand.NdFeB_magnet.rate_t_per_year=.inf",
        "buyers.us_defense.demand.NdFeB_magnet.rate_t_per_year",
        "expected a finite number",
    ),
    (
        "facilities.cn_mine_light.capacity.bastnasite_conc_CN=1e308",
        "facilities.cn_mine_light.capacity.bastnasite_conc_CN",
        "must be <= 1000000000 (got 1e+308)",
    ),
    (
        "buyers.us_defense.demand.NdFeB_magnet.noise_period_days=0",
        "buyers.us_defense.demand.NdFeB_magnet.noise_period_days",
        "must be >= 0.1",
    ),
    (  # a review every 1e-6 days: millions of wake-ups a day, the run never ends
        "buyers.eu_industry.ordering.review_days=1e-6",
        "buyers.eu_industry.ordering.review_days",
        "must be >= 0.1 (got 1e-06)",
    ),
    (
        "buyers.us_defense.demand.NdFeB_magnet.growth_per_year=-5",
        "buyers.us_defense.demand.NdFeB_magnet.growth_per_year",
        "must be > -1",
    ),
    (
        "facilities.cn_mine_light.growth_per_year=-5",
        "facilities.cn_mine_light.growth_per_year",
        "must be > -1",
    ),
    ("facilities.cn_mine_light.ramp=[]", "facilities.cn_mine_light.ramp", "needs at least 1 entry"),
    ("lanes.0.transit_days=.nan", "lanes.0.transit_days", "expected a finite number"),
    ("lanes.0.transit_days=0", "lanes.0.transit_days", "must be > 0"),
    ("lanes.0.capacity_t_per_year=0", "lanes.0.capacity_t_per_year", "must be > 0"),
    (
        "buyers.us_defense.demand.NdFeB_magnet.noise_cv=-0.1",
        "buyers.us_defense.demand.NdFeB_magnet.noise_cv",
        "must be >= 0",
    ),
    (
        "buyers.us_defense.sourcing.NdFeB_magnet.patience_days=-1",
        "buyers.us_defense.sourcing.NdFeB_magnet.patience_days",
        "must be >= 0",
    ),
    (
        "buyers.us_defense.safety_stock_days=-1",
        "buyers.us_defense.safety_stock_days",
        "must be >= 0",
    ),
    (
        "facilities.cn_sep_light.output_cover_days=-1",
        "facilities.cn_sep_light.output_cover_days",
        "must be >= 0",
    ),
    (
        "buyers.us_defense.ordering.review_days={dist: uniform, low: -1, high: 3}",
        "buyers.us_defense.ordering.review_days",
        "must be >= 0.1 (got low=-1)",
    ),
    (
        "buyers.us_defense.ordering.review_days={dist: uniform, low: .nan, high: 3}",
        "buyers.us_defense.ordering.review_days.low",
        "expected a finite number",
    ),
    ("horizon.end=2025-13-01", "horizon.end", "expected a date"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("setting", "path", "message"), SET_CASES, ids=[c[0] for c in SET_CASES])
def test_set_values_outside_their_domain_are_refused(tmp_path, capsys, setting, path, message):
    err = refused(capsys, tmp_path, BASELINE, setting)
    assert any(line.startswith(f"--set {path}: {message}") for line in err), err


@pytest.mark.slow
def test_buyer_sourcing_set_to_null_leaves_its_demand_without_supplier(tmp_path, capsys):
    err = refused(capsys, tmp_path, BASELINE, "buyers.us_defense.sourcing=null")
    line = BASELINE.read_text().splitlines().index("  us_defense:") + 1
    demand = [x for x in err if "buyers.us_defense.demand.NdFeB_magnet:" in x]
    assert len(demand) == 1 and demand[0].startswith(f"{BASELINE}:")
    assert int(demand[0].split(":")[1].split()[0]) > line  # the demand line, below the buyer
    assert "no supplier for demand 'NdFeB_magnet'" in demand[0]


FILE_CASES = [
    # (old text, new text, key path, message start)
    ("  us_defense:\n", "  us_$defense:\n", "buyers", "invalid key 'us_$defense': expected an id"),
    (
        "  us_defense:\n",
        "  'us\\defense':\n",
        "buyers",
        "invalid key 'us\\defense': expected an id",
    ),
    ("  us_defense:\n", "  us.defense:\n", "buyers", "invalid key 'us.defense': expected an id"),
    ("  us_defense:\n", "  '':\n", "buyers", "invalid key '': expected an id"),
    (
        "transit_days: {dist: triangular, low: 2, mode: 3, high: 7,",
        "transit_days: {dist: triangular, low: 0, mode: 3, high: 7,",
        "lanes.0.transit_days",
        "must be > 0 (got low=0)",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "path", "message"), FILE_CASES, ids=[c[1].strip() for c in FILE_CASES]
)
def test_file_values_outside_their_domain_are_refused(tmp_path, capsys, old, new, path, message):
    broken, line = broken_copy(tmp_path, old, new)
    err = refused(capsys, tmp_path, broken)
    assert any(x.startswith(f"{broken}:{line} › {path}: {message}") for x in err), err


USJP = SCENARIOS / "usjp_framework.yaml"
LEVER_CASES = {
    # case: (old text, new text, message)
    "max inf": (
        "    max: 100\n",
        "    max: .inf\n",
        "levers.jogmec_stockpile.max: expected a finite",
    ),
    "off grid": ("default: 25\n", "default: 27\n", "levers.jogmec_stockpile: default 27 is not a"),
    "1e15 positions": (
        "    max: 100\n    step: 5\n",
        "    max: 1.0e+12\n    step: 0.001\n",
        "levers.jogmec_stockpile: 0 to 1e+12 in steps of 0.001 is 1,000,000,000,000,001 positions",
    ),
    "negative stock": (
        "    min: 0\n    max: 100\n",
        "    min: -100\n    max: 100\n",
        "levers.jogmec_stockpile: position -100 t sets policies.jogmec_dy.size_t to -100: must be "
        ">= 0 (got -100)",
    ),
    "misspelt option": (
        "      renewed: renew\n",
        "      renewed: renw\n",
        "levers.suspension: position renewed sets policies.busan_pause.at_expiry to 'renw': "
        "expected snap_back, renew or a mapping (got 'renw')",
    ),
}


@pytest.mark.parametrize(("old", "new", "message"), LEVER_CASES.values(), ids=list(LEVER_CASES))
def test_lever_positions_outside_their_domain_are_refused(tmp_path, capsys, old, new, message):
    broken, line = broken_copy(tmp_path, old, new, USJP)
    err = refused(capsys, tmp_path, broken)
    path = message.split(":")[0]
    lever = path.split(".")[1]
    # a problem of one key is at its line; one of the lever as a whole at the lever's name
    at = line if path.count(".") > 1 else USJP.read_text().splitlines().index(f"  {lever}:") + 1
    assert any(x.startswith(f"{broken}:{at} › {message}") for x in err), err


def test_element_shares_above_one_are_refused(tmp_path, capsys):
    path = write(
        tmp_path,
        "shares.yaml",
        (ROOT / "tests" / "data" / "tiny.yaml")
        .read_text()
        .replace("contains: {NdPr: 0.3}", "contains: {NdPr: 0.9, Dy: 0.9}")
        .replace("    members: [Nd, Pr]\n", "    members: [Nd, Pr]\n  Dy:\n    members: [Dy]\n"),
    )
    line = path.read_text().splitlines().index("    contains: {NdPr: 0.9, Dy: 0.9}") + 1
    err = refused(capsys, tmp_path, path)
    assert err == [
        f"{path}:{line} › commodities.NdFeB_magnet.contains: must sum to at most 1 (got 1.8)"
    ]


def test_recipe_input_nothing_supplies_is_refused(tmp_path, capsys):
    tiny = (ROOT / "tests" / "data" / "tiny.yaml").read_text()
    text = tiny.replace("    sourcing:\n      NdPr_oxide:\n        suppliers: {mine: 1.0}\n", "")
    path = write(tmp_path, "no_input.yaml", text)
    line = text.splitlines().index("      inputs: {NdPr_oxide: 0.3}") + 1
    err = refused(capsys, tmp_path, path)
    assert err[0].startswith(
        f"{path}:{line} › facilities.magnets.recipe.inputs.NdPr_oxide: nothing supplies"
    )


def test_recipe_input_from_a_supplier_that_does_not_make_it_is_refused(tmp_path, capsys):
    err = refused(
        capsys,
        tmp_path,
        BASELINE,
        "facilities.cn_metal.sourcing.NdPr_oxide.suppliers={cn_mine_light: 1.0}",
    )
    assert any(
        "facilities.cn_metal.sourcing.NdPr_oxide.suppliers.cn_mine_light: facility 'cn_mine_light' does not make"
        in x
        for x in err
    ), err


def test_three_mistakes_give_three_messages(tmp_path, capsys):
    err = refused(
        capsys,
        tmp_path,
        BASELINE,
        "facilities.cn_mine_light.capacity.bastnasite_conc_CN=-1",
        "buyers.us_defense.sourcing.NdFeB_magnet.suppliers.nowhere=1",
        "lanes.0.transit_days=abc",
    )
    assert [line.split(":")[0] for line in err] == [
        "--set facilities.cn_mine_light.capacity.bastnasite_conc_CN",
        "--set lanes.0.transit_days",
        "--set buyers.us_defense.sourcing.NdFeB_magnet.suppliers.nowhere",
    ]


def test_schema_error_in_a_file_does_not_hide_a_dangling_reference(tmp_path, capsys):
    broken, line = broken_copy(
        tmp_path, "    safety_stock_days: 30\n", "    safety_stock_days: -30\n"
    )
    err = refused(
        capsys, tmp_path, broken, "buyers.us_defense.sourcing.NdFeB_magnet.suppliers.nowhere=1"
    )
    assert err[0].startswith(
        "--set buyers.us_defense.sourcing.NdFeB_magnet.suppliers.nowhere: unknown facility"
    )
    assert err[1].startswith(
        f"{broken}:{line} › buyers.cn_magnet_users.safety_stock_days: must be >= 0"
    )


@pytest.mark.slow
def test_a_second_entry_with_the_same_id_is_a_duplicate(tmp_path, capsys):
    outlook = SCENARIOS / "outlook_2026.yaml"
    second = "  - id: busan_pause\n    end: 2027-02-01\n"
    broken, _ = broken_copy(tmp_path, "\npolicies:\n", f"\npolicies:\n{second}", outlook)
    err = refused(capsys, tmp_path, broken)
    assert len(err) == 1, err
    lines = broken.read_text().splitlines()
    entries = [n + 1 for n, text in enumerate(lines) if text == "  - id: busan_pause"]
    assert len(entries) == 2  # the one added, then the file's own: the duplicate
    first = [p["id"] for p in load(outlook).document["policies"]].index("busan_pause")
    assert err[0].startswith(f"{broken}:{entries[1]} › policies.")
    assert err[0].endswith(f": duplicate id 'busan_pause' (also policies.{first})")


@pytest.mark.slow
def test_alias_bomb_is_refused(tmp_path, capsys):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\nname: bomb\n")
    assert path.stat().st_size < 1024
    err = refused(capsys, tmp_path, path)
    assert len(err) == 1 and err[0].startswith(f"{path}:")
    assert "expands to more than" in err[0]


def test_a_huge_file_is_refused_without_reading_it(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    with path.open("w") as f:
        f.write("name: big\ndescription: '")
        f.write("x" * 50_000_000)
        f.write("'\n")
    err = refused(capsys, tmp_path, path)
    assert err == [f"{path} › file too large: 50,000,026 bytes (at most 2,000,000)"]


def test_extends_outside_the_scenario_directory_is_refused(tmp_path, capsys):
    (tmp_path / "secret.yaml").write_text("password: hunter2\n")
    (tmp_path / "sub").mkdir()
    path = write(tmp_path / "sub", "child.yaml", "name: x\nextends: ../../../../etc/passwd\n")
    err = refused(capsys, tmp_path, path)
    assert len(err) == 1
    assert err[0].startswith(
        f"{path}:2 › extends: '../../../../etc/passwd' is outside the directory"
    )
    path = write(tmp_path / "sub", "child.yaml", "name: x\nextends: ../secret.yaml\n")
    err = refused(capsys, tmp_path, path)
    assert (
        err[0].startswith(f"{path}:2 › extends: '../secret.yaml' is outside")
        and "hunter2" not in err[0]
    )


def test_extends_of_a_file_that_is_no_scenario_does_not_quote_it(tmp_path, capsys):
    write(tmp_path, "notes.yaml", "- the secret is swordfish\n- and more\n")
    path = write(tmp_path, "child.yaml", "name: x\nextends: notes.yaml\n")
    err = refused(capsys, tmp_path, path)
    assert len(err) == 1 and err[0].startswith(f"{path}:2 › extends: cannot extend")
    assert "swordfish" not in err[0]


def test_multi_output_plant_makes_each_output_at_its_capacity():
    scenario = load(ROOT / "notebooks" / "workshop.yaml").scenario
    net = simulate(scenario, 0, scenario.seed)
    for fid, expected in (
        ("cn_sep", {"NdPr_oxide": 60_000, "DyTb_oxide": 3_000}),
        ("au_sep", {"NdPr_oxide": 3_000, "DyTb_oxide": 60}),
    ):
        fac = net.facilities[fid]
        made = {c: fac.activity_per_day * per * 365 for c, per in fac.outputs.items()}
        assert made == pytest.approx(expected), fid


def test_capacity_of_something_the_recipe_does_not_make_is_refused(tmp_path, capsys):
    tiny = (ROOT / "tests" / "data" / "tiny.yaml").read_text()
    text = tiny.replace(
        "      inputs: {NdPr_oxide: 0.3}\n",
        "      inputs: {NdPr_oxide: 0.3}\n      outputs: {NdPr_oxide: 1.0}\n",
    )
    path = write(tmp_path, "outputs.yaml", text)
    err = refused(capsys, tmp_path, path)
    assert any(
        "facilities.magnets.capacity.NdFeB_magnet: a capacity of 'NdFeB_magnet', which the recipe does not make"
        in x
        for x in err
    ), err


def test_a_sampled_value_outside_its_domain_names_its_key():
    scenario = load(ROOT / "tests" / "data" / "tiny.yaml").scenario
    params = Params(Streams(1, 0), scenario)
    # built without validation (model_construct): only then can a draw be absurd
    wild = Fixed.model_construct(dist="fixed", value=math.nan)
    with pytest.raises(ScenarioError) as info:
        params.value(wild, "facilities.mine.capacity.NdPr_oxide")
    problem = info.value.problems[0]
    assert (problem.path, problem.message) == (
        "facilities.mine.capacity.NdPr_oxide",
        "sampled value must be a finite number (got nan)",
    )

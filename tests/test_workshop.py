"""The workshop's levers, engine, numbers and brief (the page in a browser: test_workshop_browser)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from sim.runner.compare import compare
from sim.runner.inputs import value_text
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load
from sim.workshop.brief import SessionLog, write_brief
from sim.workshop.curves import headlines, horizon_differences
from sim.workshop.engine import LeverError, Workshop
from tests.scenario_files import TINY

DATA = Path(__file__).parent / "data"
WORKSHOP = DATA / "workshop.yaml"
LIBRARY = Path(__file__).parent.parent / "scenarios"


def _write(tmp_path: Path, levers: str) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY.read_text())
    path = tmp_path / "s.yaml"
    path.write_text(f"schema_version: 1\nextends: tiny.yaml\nname: s\nlevers:\n{levers}")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(path)
    return [p.format() for p in info.value.problems]


def test_lever_on_a_missing_key_is_a_located_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  fire:\n    key: policies.mine_fire.ends\n    label: Fire\n    kind: switch\n"
        "    on_value: 2025-09-01\n    off_value: 2025-07-01\n    default: false\n"
        "    rationale: r\n",
    )
    assert _problems(path) == [
        f"{path}:6 › levers.fire.key: no key 'ends' in policies.mine_fire "
        "(lever key policies.mine_fire.ends)"
    ]


def test_default_outside_the_range_is_a_located_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  demand:\n    key: buyers.auto.demand.NdFeB_magnet.rate_t_per_year\n    label: D\n"
        "    kind: range\n    min: 1000\n    max: 3000\n    step: 100\n    default: 5000\n"
        "    source: s\n",
    )
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:5 › levers.demand: ")
    assert "default 5000 is outside the range 1000 to 3000" in problem


def test_lever_kinds_need_their_fields_and_a_source(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  c:\n    key: seed_missing\n    label: C\n    kind: choice\n    options: {a: 1}\n"
        "    default: b\n    min: 1\n",
    )
    (problem,) = _problems(path)
    assert "a choice lever needs at least two options" in problem
    assert "default 'b' is not one of the options (a)" in problem
    assert "`min` belongs to a range lever, not a choice one" in problem
    assert "a lever needs a `source:` or a `rationale:`" in problem


@pytest.mark.parametrize("name", ["outlook_2026.yaml", "usjp_framework.yaml"])
@pytest.mark.slow
def test_every_position_of_the_shipped_levers_is_a_valid_scenario(name: str) -> None:
    loaded = load(LIBRARY / name)
    levers = loaded.scenario.levers
    assert {"suspension", "approval_rate", "funding", "jogmec_stockpile", "rrg_trigger"} <= set(
        levers
    )
    for lever in levers.values():
        assert lever.cited
        assert lever.check(lever.default) is None
        for position in lever.positions():
            load(LIBRARY / name, [f"{lever.key}={value_text(lever.value(position))}"])


def test_levers_do_not_change_the_scenario_hash() -> None:
    assert load(WORKSHOP, ["levers=null"]).sha256 == load(WORKSHOP).sha256


@pytest.fixture(scope="module")
def workshop() -> Workshop:
    w = Workshop(WORKSHOP, reps=8, workers=1)
    yield w
    w.close()


def _wait(w: Workshop) -> None:
    deadline = time.monotonic() + 300
    while w.busy():
        assert time.monotonic() < deadline, "runs did not finish"
        time.sleep(0.05)


def test_bad_positions_are_explained(workshop: Workshop) -> None:
    with pytest.raises(
        LeverError, match=r"Magnet demand: must be between 1000 and 3000 \(got 5000\)"
    ):
        workshop.variant({"demand": 5000})
    with pytest.raises(LeverError, match="unknown lever 'nope'"):
        workshop.variant({"nope": 1})
    with pytest.raises(LeverError, match="must be one of 1 July, 1 September, 1 November"):
        workshop.variant({"fire_end": "1 May"})
    assert workshop.variant({"fire_end": "1 September"}) is workshop.base
    assert workshop.variant({"demand": 1500.0, "stock": False}) is workshop.base


@pytest.mark.slow
def test_numbers_agree_with_compare_on_the_same_seeds(workshop: Workshop) -> None:
    variant = workshop.variant({"fire_end": "1 November", "stock": True})
    workshop.request(variant)
    _wait(workshop)
    base, var = workshop.outcomes(workshop.base), workshop.outcomes(variant)
    assert len(base) == len(var) == 8
    mine = horizon_differences(base, var).set_index(["buyer", "commodity"])
    sets = ["policies.mine_fire.end=2025-11-01", "buyers.auto.safety_stock_days=60"]
    comp = compare([str(WORKSHOP), variant.loaded], reps=8, seed=workshop.seed)
    assert comp.inputs[1].sha256 == load(WORKSHOP, sets).sha256 == variant.key
    d = comp.differences()
    theirs = d[(d["metric"] == "shortage_pct") & (d["buyer"] == "auto")].iloc[0]
    ours = mine.loc[("auto", "NdFeB_magnet")]
    assert ours["mean"] == pytest.approx(theirs["mean"], rel=1e-9, abs=1e-9)
    assert ours["ci_low"] == pytest.approx(theirs["ci_low"], rel=1e-9, abs=1e-9)
    assert ours["ci_high"] == pytest.approx(theirs["ci_high"], rel=1e-9, abs=1e-9)
    assert ours["mean"] > 0  # a longer fire leaves more demand unmet


@pytest.mark.slow
def test_revisiting_a_setting_is_served_from_the_cache(workshop: Workshop) -> None:
    a = workshop.variant({"demand": 1800})
    workshop.request(a)
    _wait(workshop)
    b = workshop.variant({"demand": 1900})
    workshop.request(b)
    _wait(workshop)
    again = workshop.variant({"demand": 1800})
    workshop.request(again)
    assert again.key == a.key
    assert len(workshop.outcomes(again)) == workshop.reps  # at once, nothing ran
    assert not workshop.busy()


@pytest.mark.slow
def test_brief_after_three_variants(workshop: Workshop, tmp_path: Path) -> None:
    log = SessionLog(workshop)
    log.add(workshop.base)
    tried = [{"fire_end": "1 November"}, {"demand": 2500}, {"stock": True, "fire_end": "1 July"}]
    for positions in tried:
        v = workshop.variant(positions)
        log.add(v)
        workshop.request(v)
        _wait(workshop)
    page = write_brief(log, tmp_path / "brief").read_text()
    assert "Mine fire ends: 1 November" in page
    assert "Magnet demand: 2,500 t/yr" in page
    assert "Mine fire ends: 1 July; Buyer holds 60 days of stock: on" in page
    assert len(re.findall(r"JP automotive NdFeB magnet: [0-9.]+ % short in 2025", page)) >= 2
    assert workshop.base.key in page and f"<td>Root seed</td><td>{workshop.seed}</td>" in page
    for k in (1, 2, 3):
        assert (tmp_path / "brief" / "figures" / f"variant_{k}.png").stat().st_size > 1000
    assert "test lever" in page  # the levers' rationale


@pytest.mark.slow
def test_headline_in_words(workshop: Workshop) -> None:
    v = workshop.variant({"fire_end": "1 November"})
    workshop.request(v)
    _wait(workshop)
    (h,) = headlines(workshop.outcomes(workshop.base), workshop.outcomes(v), workshop.months)
    text = h.text("JP automotive NdFeB magnet")
    assert re.fullmatch(
        r"JP automotive NdFeB magnet: [0-9.]+ % short in 2025 \[[0-9.]+–[0-9.]+ %\], "
        r"[0-9.]+ points more than base",
        text,
    ), text
    assert h.low <= h.pct <= h.high and h.points == pytest.approx(h.pct - h.base_pct)

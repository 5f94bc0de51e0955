"""A second mineral as data only: `scenarios/gallium_2025.yaml` runs, balances and shows China's
December 2024 ban on gallium exports to the US."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sim.model.balance import check
from sim.runner import run_one, simulate
from sim.scenario.loader import load_scenario
from sim.scenario.stages import origin_stages, stage_names
from tests.scenario_files import cli

GALLIUM = Path(__file__).resolve().parent.parent / "scenarios" / "gallium_2025.yaml"
BAN = dt.date(2024, 12, 3)  # MOFCOM Announcement No. 46 of 2024
REPS = 3


@pytest.fixture(scope="module")
def buyers() -> pd.DataFrame:
    scenario = load_scenario(GALLIUM)
    frames = [run_one(scenario, r, scenario.seed).buyers for r in range(REPS)]
    return pd.concat(frames, ignore_index=True)


def test_chain_is_declared_by_the_scenario() -> None:
    s = load_scenario(GALLIUM)
    assert stage_names(s) == ["alumina_refinery", "extraction", "refining", "wafer_fab"]
    assert origin_stages(s) == {"alumina_refinery", "extraction"}


@pytest.mark.slow
def test_every_replication_balances() -> None:
    """Per facility and commodity: initial + received + produced = shipped + consumed + final,
    and whatever left a node is on a lane, in custody or delivered."""
    scenario = load_scenario(GALLIUM)
    for r in range(REPS):
        network = simulate(scenario, r, scenario.seed)
        assert check(network) == []
        # Japanese refined gallium is made of mostly Chinese crude: it carries Chinese origin
        made = network.facilities["jp_refining"].stock("refined_ga")
        assert made.produced > 0
        assert made.origin.get("CN", 0.0) > 0.5


def _short_share(b: pd.DataFrame, first: dt.date, last: dt.date) -> float:
    start = load_scenario(GALLIUM).horizon.start
    lo, hi = (first - start).days, (last - start).days
    part = b[(b["day"] >= lo) & (b["day"] < hi)]
    return float(part["shortage_t"].sum() / part["demand_t"].sum())


@pytest.mark.slow
def test_us_shortage_after_the_ban_far_exceeds_before(buyers: pd.DataFrame) -> None:
    s = load_scenario(GALLIUM)
    us = buyers[buyers["buyer"].map(lambda b: s.buyers[b].country) == "US"]
    others = buyers[buyers["buyer"].map(lambda b: s.buyers[b].country) != "US"]
    before = _short_share(us, s.horizon.start, BAN)
    after = _short_share(us, BAN, s.horizon.end)
    assert before < 0.01
    assert after > 0.2
    assert after > 20 * before
    # the ban names the US only: elsewhere only licence delays, a small fraction of the US's
    elsewhere = _short_share(others, BAN, s.horizon.end)
    assert elsewhere < 0.05
    assert after > 10 * elsewhere


@pytest.mark.slow
def test_listed_and_run_from_the_command_line(tmp_path, capsys) -> None:
    code, out, _ = cli(capsys, "list", str(GALLIUM.parent))
    assert code == 0
    assert any(line.startswith("gallium_2025.yaml") for line in out)
    run = tmp_path / "ga"
    code, _, err = cli(capsys, "run", str(GALLIUM), "--reps", "2", "--out", str(run), "--quiet")
    assert code == 0, err
    summary = pd.read_csv(run / "summary.csv")
    assert set(summary["buyer"]) == set(load_scenario(GALLIUM).buyers)
    assert (run / "report.html").exists()

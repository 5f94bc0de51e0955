"""Reports cover every importing country and sector of the scenario, or a chosen few
(`--countries`, `--sectors`), and time axes keep the whole horizon."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sim.plotting.flows import plot_flows
from sim.scenario.loader import load_scenario
from tests.scenario_files import TINY, cli

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
STRESS = SCENARIOS / "full_ban_stress.yaml"


def _importing_countries(path: Path) -> set[str]:
    """Countries with a buyer whose preferred suppliers include one abroad (from the scenario)."""
    s = load_scenario(path)
    return {
        b.country
        for b in s.buyers.values()
        for src in b.sourcing.values()
        if any(s.facilities[f].country != b.country for f in src.suppliers)
    }


def _text(report: Path) -> str:
    return html.unescape(report.read_text(encoding="utf-8"))


def _caption(text: str, start: str) -> str:
    found = re.search(re.escape(start) + r"[^<]*", text)
    assert found, f"no caption starting {start!r}"
    return found.group(0)


def _headline_rows(text: str) -> set[tuple[str, str, str]]:
    """(buyer, country, sector) of the rows of the headline table (the pairs that run short and
    those folded away as never short), totals left out."""
    section = text.split("Headline metrics", 1)[1].split("<h2", 1)[0]
    cell = r'<td class="l">([^<]*)</td>'
    rows = re.findall(r"<tr>" + cell * 3, section)
    return {r for r in rows if r[0] != "(all)"}


def _headline_buyers(text: str) -> set[str]:
    return {b for b, _, _ in _headline_rows(text)}


@pytest.fixture(scope="module")
def stress_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stress") / "run"
    from sim.cli import main

    assert main(["run", str(STRESS), "--reps", "2", "--workers", "1", "--out", str(out)]) == 0
    return out


@pytest.mark.slow
def test_full_ban_stress_report_shows_every_importer(stress_run: Path) -> None:
    text = _text(stress_run / "report.html")
    expected = _importing_countries(STRESS)
    assert {"EU", "ROW", "US", "JP"} <= expected  # the check below is not vacuous
    shown = _caption(text, "Imports of ").removeprefix("Imports of ").split(" (")[0].split(", ")
    assert expected <= set(shown)
    s = load_scenario(STRESS)
    every = {(b, x.country, x.sector) for b, x in s.buyers.items()}
    assert _headline_rows(text) == every  # every buyer with its country and sector


@pytest.mark.slow
def test_report_of_chosen_countries_and_sectors(stress_run: Path, capsys) -> None:
    code, _, err = cli(capsys, "report", str(stress_run), "--countries", "EU,ROW", "--quiet")
    assert code == 0, err
    text = _text(stress_run / "report.html")
    s = load_scenario(STRESS)
    assert _headline_buyers(text) == {b for b, x in s.buyers.items() if x.country in {"EU", "ROW"}}
    shown = _caption(text, "Imports of ").removeprefix("Imports of ").split(" (")[0].split(", ")
    assert set(shown) == {"EU", "ROW"}
    assert "buyers of countries EU, ROW" in text

    code, _, err = cli(capsys, "report", str(stress_run), "--sectors", "defense", "--quiet")
    assert code == 0, err
    text = _text(stress_run / "report.html")
    assert _headline_buyers(text) == {b for b, x in s.buyers.items() if x.sector == "defense"}


@pytest.mark.slow
def test_unknown_country_or_sector_is_a_clear_error(stress_run: Path, capsys) -> None:
    code, _, err = cli(capsys, "report", str(stress_run), "--countries", "US,XX")
    assert code == 2
    assert err == [
        "error: --countries/--sectors: no buyer in country 'XX'; known: CN, EU, JP, ROW, US"
    ]
    code, _, err = cli(
        capsys, "report", str(stress_run), "--countries", "CN", "--sectors", "defense"
    )
    assert code == 2
    assert err == [
        "error: --countries/--sectors: no buyer is in both countries CN; sectors defense"
    ]


def test_run_checks_the_selection_before_running(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    code, _, err = cli(capsys, "run", str(TINY), "--reps", "1", "--out", str(out), "--sectors", "x")
    assert code == 2
    assert err == ["error: --countries/--sectors: no buyer in sector 'x'; known: automotive"]
    assert not out.exists()


def test_flows_that_stop_early_keep_the_whole_horizon_on_the_axis() -> None:
    """A ban that stops flows after one month: the axis still spans the horizon, and the months
    without shipments are drawn as zero."""
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2027-01-01")
    days = pd.date_range(start, "2025-01-31", freq="D")
    flows = pd.DataFrame(
        {
            "date": days,
            "origin_country": "CN",
            "destination_country": "US",
            "commodity": "magnet",
            "flow_t": 1.0,
        }
    )
    ax = plot_flows(flows, "magnet", "US", span=(start, end))
    lo, hi = ax.get_xlim()
    assert mdates.num2date(lo).date() <= dt.date(2025, 1, 1)
    assert mdates.num2date(hi).date() >= dt.date(2027, 1, 1)
    (poly,) = ax.collections
    xs, ys = poly.get_paths()[0].vertices.T
    after = ys[xs > mdates.date2num(pd.Timestamp("2025-03-01"))]
    assert after.size and after.max() == pytest.approx(0.0)
    plt.close(ax.figure)

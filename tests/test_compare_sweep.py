"""`minsim compare`, `sweep` and `report` in-process, and the Python API behind them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from tests.scenario_files import TINY, child_of_tiny, cli


def test_compare_same_scenario_has_zero_paired_differences() -> None:
    comp = sim.compare([TINY, TINY], reps=3, labels=["a", "b"])
    d = comp.differences()
    assert set(d["n"]) == {3} or set(d[d["metric"] == "shortage_pct"]["n"]) == {3}
    pct = d[d["metric"] == "shortage_pct"]
    assert (pct["mean"] == 0).all() and (pct["ci_low"] == 0).all()
    assert comp.input_diff() == {"b": []}


@pytest.mark.slow
def test_compare_cli_writes_directory(tmp_path, capsys) -> None:
    child = child_of_tiny(
        tmp_path,
        """
        name: small_mine
        facilities:
          mine:
            capacity: {NdPr_oxide: 100}
        """,
    )
    out = tmp_path / "cmp"
    code, lines, err = cli(
        capsys, "compare", str(child), str(TINY), "--reps", "3", "--out", str(out)
    )
    assert (code, err) == (0, [])
    assert lines[0] == f"results in {out} (3 replications each, seed 1)"
    assert "  facilities.mine.capacity.NdPr_oxide: 100 → 1000" in lines
    assert "  name: small_mine → tiny" in lines
    for f in ("summary.csv", "metrics.csv", "differences.csv", "inputs_diff.txt", "report.html"):
        assert (out / f).exists(), f
    assert {p.name for p in (out / "figures").iterdir()} >= {
        "overlay_shortage.png",
        "differences.png",
    }
    d = pd.read_csv(out / "differences.csv")
    row = d[(d["buyer"] == "auto") & (d["metric"] == "shortage_pct")].iloc[0]
    assert row["mean"] < -10 and row["ci_high"] < 0  # the larger mine: less shortage
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "compare" and manifest["seed"] == 1 and manifest["reps"] == 3
    assert [s["label"] for s in manifest["scenarios"]] == ["small_mine", "tiny"]
    html = (out / "report.html").read_text()
    assert (
        "mine_fire" in html and "small_mine" in html and manifest["scenarios"][1]["sha256"] in html
    )


@pytest.mark.slow
def test_sweep_cli_one_at_a_time_and_grid(tmp_path, capsys) -> None:
    out = tmp_path / "sw"
    argv = ["sweep", str(TINY), "--vary", "facilities.mine.capacity.NdPr_oxide=100,1000"]
    argv += ["--vary", "lanes.0.transit_days=10,40", "--reps", "2", "--out", str(out)]
    code, _lines, err = cli(capsys, *argv)
    assert (code, err) == (0, [])
    t = pd.read_csv(out / "sweep.csv", keep_default_na=False)
    assert t["settings"].tolist() == [
        "baseline",
        "facilities.mine.capacity.NdPr_oxide=100",
        "facilities.mine.capacity.NdPr_oxide=1000",
        "lanes.0.transit_days=10",
        "lanes.0.transit_days=40",
    ]
    by = t.set_index("settings")["shortage_pct_mean"]
    assert by["facilities.mine.capacity.NdPr_oxide=100"] > by["baseline"] + 10
    assert (out / "figures" / "tornado.png").exists() and (out / "report.html").exists()
    code, _, _ = cli(capsys, *argv, "--grid", "--quiet")
    assert code == 0
    assert len(pd.read_csv(out / "sweep.csv")) == 1 + 4


def test_sweep_bad_vary_is_refused(capsys) -> None:
    code, _out, err = cli(capsys, "sweep", str(TINY), "--vary", "seed")
    assert code == 2 and err[0].startswith("error: --vary expects KEY=V1,V2,...")


@pytest.mark.slow
def test_run_writes_report_and_resolved_scenario(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    assert cli(capsys, "run", str(TINY), "--reps", "2", "--out", str(out), "--quiet")[0] == 0
    assert (out / "scenario.resolved.yaml").exists()
    html = (out / "report.html").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    for text in ("mine_fire", "2025-06-01", manifest["scenario_sha256"], "data:image/png;base64,"):
        assert text in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from the network
    (out / "report.html").unlink()
    assert cli(capsys, "report", str(out)) == (0, [f"wrote {out / 'report.html'}"], [])
    assert (out / "report.html").exists()
    assert {"shortage_fan.png", "days_of_cover.png", "flows.png"} <= {
        p.name for p in (out / "figures").iterdir()
    }

"""The report's first screen (who runs short, ranked, with intervals), the folded full table,
the risk section, the sources of the inputs and what changed; the sensitivity command's
directory and report."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.report.first_screen import full_table, ranked_shortages
from sim.report.sources import change_table, lookup, policy_inputs, source_table
from sim.results.risk import wilson
from sim.scenario.loader import load
from tests.netbuild import one_supplier
from tests.scenario_files import TINY, cli, write

START = dt.date(2025, 1, 1)


def metrics(rows: dict[tuple[str, str], list[float]], demand: float = 100.0) -> pd.DataFrame:
    out = []
    for (b, c), shortages in rows.items():
        for rep, s in enumerate(shortages):
            out.append(
                {
                    "replication": rep, "buyer": b, "commodity": c, "demand_t": demand,
                    "shortage_t": s, "shortage_pct": 100 * s / demand, "short": float(s > 0),
                    "tts_days": 31.0 if s > 0 else np.nan,
                }
            )  # fmt: skip
    return pd.DataFrame(out)


def test_ranked_shortages_in_order_with_intervals() -> None:
    m = metrics({("a", "x"): [10, 20, 30, 0], ("b", "y"): [50, 50, 50, 50], ("c", "z"): [0] * 4})
    t = ranked_shortages(m, START)
    assert list(t["buyer"]) == ["b", "a"]  # c never short: not listed
    a = t.iloc[1]
    assert a["mean_pct"] == pytest.approx(15.0)
    half = 3.182 * np.std([10, 20, 30, 0], ddof=1) / 2  # t(0.975, 3) s / √4
    assert (a["low_pct"], a["high_pct"]) == pytest.approx((15 - half, 15 + half), abs=1e-3)
    assert (a["p_short"], a["p_low"], a["p_high"]) == pytest.approx(wilson(3, 4))
    assert a["first"] == dt.date(2025, 2, 1)


def test_full_table_folds_pairs_never_short() -> None:
    h = pd.DataFrame(
        {
            "buyer": ["a", "b", "c"],
            "commodity": ["x"] * 3,
            "P(any shortage)": ["40 %", "0 %", "0 %"],
        }
    )
    page = full_table(h, ("buyer", "commodity"))
    before, folded = page.split("<details>")
    assert ">a<" in before and ">b<" not in before
    assert "2 buyer × commodity pairs never run short" in folded and ">c<" in folded


@pytest.mark.slow
def test_run_report_first_screen(tmp_path, capsys) -> None:
    doc = one_supplier(noise_cv=0.2, days=120)
    doc["policies"] = [
        {"id": "halt", "type": "facility_outage", "facility": "maker",
         "start": dt.date(2025, 2, 1), "end": dt.date(2025, 3, 1), "source": "a hand-set halt"}
    ]  # fmt: skip
    path = tmp_path / "halted.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = tmp_path / "run"
    assert cli(capsys, "run", str(path), "--reps", "5", "--out", str(out), "--quiet")[0] == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    first = page.index("<h2>Who runs short</h2>")
    assert first < page.index("<h2>Headline metrics</h2>") < page.index("<h2>Risk</h2>")
    assert "<b>oem · magnet</b>" in page and (out / "figures" / "first_screen.png").exists()
    assert "a hand-set halt" in page.split("<h2>Sources of the inputs that matter most</h2>")[1]
    risk = page.split("<h2>Risk</h2>")[1]
    assert "CVaR" in risk and "By country" in risk and "By sector" in risk


@pytest.mark.slow
def test_run_report_says_when_no_one_is_short(tmp_path, capsys) -> None:
    out = tmp_path / "tiny"
    assert cli(capsys, "run", str(TINY), "--reps", "3", "--out", str(out), "--quiet")[0] == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<b>No buyer runs short</b> of any commodity in 3 replications." in page


def test_sources_of_the_flagship_policies() -> None:
    doc = load("scenarios/outlook_2026.yaml").document
    t = source_table(doc, policy_inputs(doc))
    assert len(t) > 20 and (t["source"] != "(none given)").mean() > 0.9
    assert t["source"].str.contains("USGS|MOFCOM|DoD").any()
    value, source = lookup(doc, "buyers.eu_industry.safety_stock_days")
    assert value["dist"] == "uniform" and "2-3 months of finished magnets" in source
    # a number without its own source takes its entry's
    assert lookup(doc, "buyers.us_defense.safety_stock_days")[1].startswith("USGS MCS 2026")


def test_what_changed_lists_old_new_and_source(tmp_path) -> None:
    shutil.copy(TINY, tmp_path / "tiny.yaml")  # `extends` stays in the scenario's directory
    base = load(tmp_path / "tiny.yaml").document
    child = write(
        tmp_path,
        "child.yaml",
        """
        extends: tiny.yaml
        facilities:
          mine:
            capacity: {NdPr_oxide: 1500}
            source: "a new mine plan"
        """,
    )
    t = change_table(base, load(child).document)
    row = t[t["input"] == "facilities.mine.capacity.NdPr_oxide"].iloc[0]
    assert (row["change"], row["source"]) == ("1000 → 1500", "a new mine plan")


@pytest.mark.slow
def test_sensitivity_command_writes_indices_design_and_report(tmp_path, capsys) -> None:
    doc = one_supplier(days=60, supplier_stock=0.0, initial=0.0)
    doc["facilities"]["maker"]["capacity"] = {"magnet": 1e-9}
    oem = doc["buyers"]["oem"]
    oem["demand"]["magnet"]["rate_t_per_year"] = {
        "dist": "uniform", "low": 2000, "high": 4000, "source": "demand range for the test"
    }  # fmt: skip
    oem["inventory"]["magnet"] = {"dist": "uniform", "low": 0, "high": 10, "source": "stock"}
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = tmp_path / "sens"
    argv = ["sensitivity", str(path), "--method", "morris", "--samples", "4", "--out", str(out)]
    code, lines, err = cli(capsys, *argv, "--workers", "1", "--outputs", "shortage_t:oem")
    assert (code, err) == (0, [])
    assert lines[0].startswith(f"results in {out} (12 design points × 1 replication, 2 inputs")
    assert lines[2].startswith("  buyers.oem.demand.magnet.rate_t_per_year: mu* ")
    t = pd.read_csv(out / "sensitivity.csv")
    assert set(t["input"]) == {
        "buyers.oem.demand.magnet.rate_t_per_year",
        "buyers.oem.inventory.magnet",
    }
    design = pd.read_csv(out / "design.csv")
    assert len(design) == 12 and "shortage_t:oem" in design.columns
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "What drives the shortage" in page and "demand range for the test" in page
    code, _, err = cli(capsys, "sensitivity", str(path), "--inputs", "nope", "--out", str(out))
    assert code == 2 and "not a distribution of scenario one_supplier: nope" in err[0]

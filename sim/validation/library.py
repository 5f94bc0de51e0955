"""The shipped scenario library: golden summaries and headline shortage tables.

Used by `scripts/update_golden.py`, `scripts/scenario_guide.py` and the library tests.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from sim.results.metrics import ensemble_metrics, replication_metrics
from sim.runner.ensemble import run
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "scenarios"
GOLDEN_DIR = ROOT / "tests" / "golden"
GOLDEN_REPS = 3
SIGNIFICANT = 6
#: Buyers' countries the headline tables report.
PARTNERS = ("US", "JP")
#: Element groups of the heavy rare earths whose ordering across scenarios is checked.
HEAVY = ("Dy", "Tb")


def shipped() -> list[Path]:
    """Every scenario file of the library, by name."""
    return sorted(SCENARIO_DIR.glob("*.yaml"))


def golden_summary(path: Path, reps: int = GOLDEN_REPS) -> pd.DataFrame:
    """summary.csv of `reps` replications at the scenario's own seed."""
    scenario = load_scenario(path)
    return run(scenario, reps=reps, seed=scenario.seed, workers=1).summary


def golden_csv(summary: pd.DataFrame) -> str:
    """The summary as CSV text with numbers at 6 significant digits (the golden file format)."""
    buf = io.StringIO()
    summary.to_csv(buf, index=False, float_format=f"%.{SIGNIFICANT}g", lineterminator="\n")
    return buf.getvalue()


def golden_path(path: Path) -> Path:
    """The golden summary file of a shipped scenario file."""
    return GOLDEN_DIR / f"{path.stem}.csv"


def containing(scenario: Scenario, groups: tuple[str, ...]) -> set[str]:
    """Commodities that contain any of the element groups."""
    return {
        c
        for c, com in scenario.commodities.items()
        if any(com.contains.get(g, 0.0) > 0 for g in groups)
    }


def partner_buyers(scenario: Scenario, countries: tuple[str, ...] = PARTNERS) -> list[str]:
    """Buyers in `countries` (the US and Japan by default)."""
    return [b for b, spec in scenario.buyers.items() if spec.country in countries]


def heavy_shortage(summary: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Per replication: tonnes short of Dy/Tb-containing commodities, US and Japanese buyers."""
    rows = summary[
        summary["buyer"].isin(partner_buyers(scenario))
        & summary["commodity"].isin(containing(scenario, HEAVY))
    ]
    reps = sorted(summary["replication"].unique())
    return rows.groupby("replication")["shortage_t"].sum().reindex(reps, fill_value=0.0)


def partner_shortage(summary: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Shortage as % of demand per US/Japanese buyer and commodity over the replications: mean,
    90 % interval, share of replications with any shortage (the ensemble metrics
    `shortage_pct` and `short`). Rows with no shortage at all are left out."""
    rows = summary[summary["buyer"].isin(partner_buyers(scenario))]
    short = rows[rows["shortage_t"] > 0].groupby(["buyer", "commodity"]).size()
    e = ensemble_metrics(replication_metrics(rows), ("shortage_pct", "short"))
    out = []
    for (buyer, commodity), g in e.groupby(["buyer", "commodity"], sort=True):
        if (buyer, commodity) not in short.index:
            continue
        d, p = (g.set_index("metric").loc[m] for m in ("shortage_pct", "short"))
        groups = [el for el, f in scenario.commodities[commodity].contains.items() if f > 0]
        out.append(
            {
                "buyer": buyer,
                "commodity": commodity,
                "elements": ", ".join(groups),
                "mean": d["mean"],
                "p05": d["p05"],
                "p95": d["p95"],
                "p_short": p["mean"],
            }
        )
    return pd.DataFrame(
        out, columns=["buyer", "commodity", "elements", "mean", "p05", "p95", "p_short"]
    )


def shortage_since(buyers: pd.DataFrame, scenario: Scenario, since: dt.date) -> pd.DataFrame:
    """Per replication, US/Japanese buyer and commodity: demand and shortage from `since` on."""
    day = (since - scenario.horizon.start).days
    rows = buyers[(buyers["day"] >= day) & buyers["buyer"].isin(partner_buyers(scenario))]
    keys = ["replication", "buyer", "commodity"]
    g = rows.groupby(keys, sort=True)[["demand_t", "shortage_t"]].sum().reset_index()
    g["shortage_days"] = (
        rows.assign(s=rows["shortage_t"] > 1e-9).groupby(keys, sort=True)["s"].sum().to_numpy()
    )
    return g

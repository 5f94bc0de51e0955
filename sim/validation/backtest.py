"""Backtest of the 2010 rare-earth crisis: model against published 2010-2012 facts.

Runs `scenarios/embargo_2010_japan.yaml` (or another scenario of the same world) and compares
the median over replications of each measure with the published value and its tolerance
(validation cases V2 and V3 of the project's calibration notes; tolerances as suggested there,
substitution 5-15 % as its range of defaults). Substitution is measured against a twin run without
demand-response policies, with the same seed and replications (so the same demand noise).
A check passes when the median lies within its tolerance; rows without a tolerance are shown
for context only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results.records import Ensemble, ReplicationResult
from sim.runner.ensemble import run
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.validation import measures as m

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "embargo_2010_japan.yaml"


@dataclass(frozen=True)
class Case:
    """Who was hit, by whom and when."""

    country: str = "JP"
    exporter: str = "CN"
    shock: dt.date = dt.date(2010, 9, 21)  # de facto halt of shipments to Japan (GTA)
    pre_shock: dt.date = dt.date(2009, 12, 31)  # last day before the 2010 quota cut
    trough_months: int = 18


@dataclass(frozen=True)
class Target:
    """A published fact: value as published, tolerance (None: context only), display unit."""

    key: str
    label: str
    observed: str
    low: float | None
    high: float | None
    unit: str  # "%" (values are fractions), "yr", "x", "t" or "year" (decimal date)
    source: str


TARGETS = (
    Target("share_trough", "Japan: China share of imports, trough within 18 months", "49.3 % (H1 2012)", 0.45, 0.55, "%", "Nikkei via sina (Japan customs, H1 2012)"),
    Target("recovery", "Recovery from the shock (last 91-day window short > 1 %)", "~2 yr", 1.5, 3.0, "yr", "Sprecher et al. 2017, ES&T 51(7):3860-3870"),
    Target("substitution", "Substitution, largest share of a year's demand", "up to 10 %/yr", 0.05, 0.15, "%", "Sprecher et al. 2017, ES&T 51(7):3860-3870"),
    Target("price_peak", "Price spike: peak / end-2009", "+>1,100 % (~12x)", 8.0, 15.0, "x", "Metal-Pages quarterly REO average, via Rare Element Resources 10-K"),
    Target("price_half_life", "Price decline: years from peak to half the peak", "~1-1.5 yr", 1.0, 1.5, "yr", "USGS MCS 2016 year-end Dy/Tb oxide prices; Rare Element Resources 10-K"),
    Target("price_peak_date", "Price peak date (context)", "Q3 2011 (2011.5-2011.75)", None, None, "year", "Metal-Pages via Rare Element Resources 10-K"),
    Target("cn_exports_2010", "China exports 2010 (context)", "39,813 t", None, None, "t", "China customs via WSJ"),
    Target("cn_exports_2011", "China exports 2011 (context)", "~16,900 t", None, None, "t", "ACREI"),
    Target("jp_imports_2010", "Japan imports 2010 (context)", "28,564 t", None, None, "t", "Japan MoF via Reuters"),
    Target("jp_imports_2011", "Japan imports 2011 (context)", "~15,400 t (basis ⚠)", None, None, "t", "Nikkei via sina"),
    Target("jp_imports_2012h1", "Japan imports H1 2012, annualised (context)", "~12,200 t", None, None, "t", "Nikkei via sina [D]"),
)  # fmt: skip


def measure(
    result: ReplicationResult, twin: ReplicationResult, scenario: Scenario, case: Case
) -> dict[str, float]:
    """Every measure of one replication (`twin`: the same replication without demand response)."""
    start = scenario.horizon.start
    names = [b for b, spec in scenario.buyers.items() if spec.country == case.country]
    shock_day = (case.shock - start).days
    share, _ = m.share_trough(
        result.lanes, start, case.country, case.exporter, case.shock, case.trough_months
    )
    demand = m.country_daily(result.buyers, names, "demand_t")
    shortage = m.country_daily(result.buyers, names, "shortage_t")
    without = m.country_daily(twin.buyers, names, "demand_t")
    prices = result.buyers[result.buyers["buyer"].isin(names)].groupby("day")["price_index"].mean()
    peak, half, peak_day = m.price_spike(prices.to_numpy(), (case.pre_shock - start).days)
    peak_date = start + dt.timedelta(days=peak_day)
    exports = m.yearly_flow(result.lanes, start, origin=case.exporter)
    imports = m.yearly_flow(result.lanes, start, destination=case.country)
    halves = m.import_shares(result.lanes, start, case.country, case.exporter).set_index("period")
    return {
        "share_trough": share,
        "recovery": m.recovery_years(demand, shortage, shock_day),
        "substitution": m.substituted_share(demand, without, start, case.shock.year),
        "price_peak": peak,
        "price_half_life": half,
        "price_peak_date": peak_date.year + (peak_date.timetuple().tm_yday - 1) / 365.25,
        "cn_exports_2010": float(exports.get(2010, math.nan)),
        "cn_exports_2011": float(exports.get(2011, math.nan)),
        "jp_imports_2010": float(imports.get(2010, math.nan)),
        "jp_imports_2011": float(imports.get(2011, math.nan)),
        "jp_imports_2012h1": 2.0 * float(halves["total_t"].get("2012H1", math.nan)),
    }


@dataclass(frozen=True)
class Backtest:
    """Measures per replication (one row each, one column per target key) and the verdicts."""

    scenario: str
    seed: int
    values: pd.DataFrame

    def verdict(self, target: Target) -> str:
        """PASS or FAIL (the median inside the target's range), or info without a range."""
        if target.low is None or target.high is None:
            return "info"
        (med,) = _quantiles(self.values[target.key].to_numpy(dtype=float), (50,))
        return "PASS" if target.low <= med <= target.high else "FAIL"

    @property
    def passed(self) -> bool:
        """Whether no check failed."""
        return all(self.verdict(t) != "FAIL" for t in TARGETS)

    def table(self) -> pd.DataFrame:
        """One row per target: observed, tolerance, model median and 90 % interval, result."""
        rows = []
        for t in TARGETS:
            x = self.values[t.key].to_numpy(dtype=float)
            p05, p50, p95 = _quantiles(x, (5, 50, 95))
            tol = "—"
            if t.low is not None and t.high is not None:
                tol = f"{_fmt(t.low, t.unit)} – {_fmt(t.high, t.unit)}"
            model = f"{_fmt(p50, t.unit)} [{_fmt(p05, t.unit)} – {_fmt(p95, t.unit)}]"
            rows.append(
                {
                    "check": t.label,
                    "observed": t.observed,
                    "tolerance": tol,
                    "model (median [90 %])": model,
                    "result": self.verdict(t),
                }
            )
        return pd.DataFrame(rows)

    def lines(self) -> list[str]:
        """One line per check: model against observed, tolerance, verdict."""
        n = len(self.values)
        head = f"backtest {self.scenario}: {n} replications, seed {self.seed}"
        body = self.table().to_string(index=False).splitlines()
        fails = sum(self.verdict(t) == "FAIL" for t in TARGETS)
        checks = sum(t.low is not None for t in TARGETS)
        tail = f"{checks - fails} of {checks} checks pass" + ("" if fails else " — all pass")
        return [head, *body, tail]


def backtest(
    path: str | Path = DEFAULT_SCENARIO,
    reps: int = 20,
    seed: int | None = None,
    case: Case = Case(),
) -> Backtest:
    """Run the scenario and its twin without demand response; measure every replication."""
    scenario = load_scenario(path)
    root = scenario.seed if seed is None else seed
    twin = scenario.model_copy(
        update={"policies": [p for p in scenario.policies if p.type != "demand_response"]}
    )
    runs: Ensemble = run(scenario, reps=reps, seed=root)
    twins: Ensemble = run(twin, reps=reps, seed=root)
    values = pd.DataFrame(
        [
            measure(r, t, scenario, case)
            for r, t in zip(runs.replications, twins.replications, strict=True)
        ]
    )
    return Backtest(scenario.name, root, values)


def _quantiles(x: np.ndarray, qs: tuple[int, ...]) -> tuple[float, ...]:
    """Quantiles without interpolation, so infinite values (not within the horizon) stay so."""
    if len(x) == 0:
        return tuple(math.nan for _ in qs)
    return tuple(float(v) for v in np.percentile(x, qs, method="inverted_cdf"))


def _fmt(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "not within horizon" if x > 0 else "n/a"
    if unit == "%":
        return f"{100 * x:.1f} %"
    if unit == "yr":
        return f"{x:.2f} yr"
    if unit == "x":
        return f"{x:.1f}x"
    if unit == "year":
        return f"{x:.2f}"
    return f"{x:,.0f} t"

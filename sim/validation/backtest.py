"""Backtests: the model against published facts of the 2010 crisis and of 2025.

Two cases, each a scenario and its targets (validation cases of the project's calibration
notes, tolerances as suggested there):
- 2010 (`scenarios/embargo_2010_japan.yaml`, V2 and V3): Japan's China share, recovery,
  substitution (5-15 %, the range of its defaults), the price spike and its decline.
  Substitution is measured against a twin run without demand-response policies, with the same
  seed and replications (so the same demand noise).
- 2025 (`scenarios/apr2025_licensing.yaml`, V5): the ex-China premium of Dy and Tb oxide after
  the 4 Apr 2025 licensing, the share of their volume traded at a premium, and China's NdPr
  price after MP Materials stops shipping feed to China.
The median over replications of each measure is compared with the published value; a check
passes when it lies within its tolerance; rows without a tolerance are shown for context only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results.records import Ensemble, ReplicationResult
from sim.runner.ensemble import run
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.validation import measures as m

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = SCENARIOS / "embargo_2010_japan.yaml"


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
    Target("recovery", "Recovery from the shock (last 91-day window unmet > 1 %)", "~2 yr", 1.5, 3.0, "yr", "Sprecher et al. 2017, ES&T 51(7):3860-3870"),
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
    result: ReplicationResult, twin: ReplicationResult | None, scenario: Scenario, case: Case
) -> dict[str, float]:
    """Every 2010 measure of one replication (`twin`: the same replication without demand
    response)."""
    assert twin is not None
    start = scenario.horizon.start
    names = [b for b, spec in scenario.buyers.items() if spec.country == case.country]
    shock_day = (case.shock - start).days
    share, _ = m.share_trough(
        result.lanes, start, case.country, case.exporter, case.shock, case.trough_months
    )
    demand = m.country_daily(result.buyers, names, "demand_t")
    shortage = m.country_daily(result.buyers, names, "shortage_t")
    held = m.held_back(result.prices, case.country, len(demand))
    without = m.country_daily(twin.buyers, names, "demand_t")
    prices = result.buyers[result.buyers["buyer"].isin(names)].groupby("day")["price_index"].mean()
    peak, half, peak_day = m.price_spike(prices.to_numpy(), (case.pre_shock - start).days)
    peak_date = start + dt.timedelta(days=peak_day)
    exports = m.yearly_flow(result.lanes, start, origin=case.exporter)
    imports = m.yearly_flow(result.lanes, start, destination=case.country)
    halves = m.import_shares(result.lanes, start, case.country, case.exporter).set_index("period")
    return {
        "share_trough": share,
        "recovery": m.recovery_years(demand + held, shortage + held, shock_day),
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
class Case2025:
    """The 2025 licensing of Dy/Tb and the feed China lost, as dated in the scenario."""

    exporter: str = "CN"
    controls: dt.date = dt.date(2025, 4, 4)  # MOFCOM/GAC Announcement No. 18
    feed_loss: dt.date = dt.date(2025, 4, 15)  # MP Materials stops shipping to China
    window_days: int = 61  # "within ~1 month" / "within 2 months" (V5)
    heavy: tuple[str, ...] = ("Dy_oxide", "Tb_oxide")
    light: str = "NdPr_oxide"
    at_premium: float = 2.0  # index from which a tonne counts as traded at the premium


TARGETS_2025 = (
    Target("dy_premium", "Dy oxide: ex-China / China price, peak within 2 months of 4 Apr 2025", "~3x ($250-310 -> $700-1,000/kg, Europe)", 2.0, 4.0, "x", "Argus via gmteight (6 May 2025)"),
    Target("tb_premium", "Tb oxide: ex-China / China price, peak within 2 months of 4 Apr 2025", "2-4x ($930-1,000 -> $2,000-4,000/kg)", 2.0, 4.0, "x", "Argus via gmteight (6 May 2025)"),
    Target("volume_at_premium", "Dy+Tb oxide tonnes traded at >= 2x the China price, Apr-Dec 2025", "<10 % (~96 % of Dy at ~$224/kg)", 0.0, 0.10, "%", "Adamas Intelligence (2025)"),
    Target("ndpr_rise", "NdPr oxide in China: peak / pre-shock, 2 months after the MP halt", "+30-50 % ($63 -> $88/kg, Jul-Aug 2025)", 1.3, 1.5, "x", "Reuters via dapp.expert; Adamas (MP = 7-9 % of China's NdPr feed)"),
    Target("dy_cn_2025", "Dy oxide China, 2025 mean / 2024 average (context)", "0.93x ($257 -> $239/kg)", None, None, "x", "USGS MCS 2026"),
    Target("tb_cn_2025", "Tb oxide China, 2025 mean / 2024 average (context)", "1.24x ($812 -> $1,010/kg)", None, None, "x", "USGS MCS 2026"),
    Target("ndpr_cn_2025", "NdPr oxide China, 2025 mean / 2024 average (context)", "1.25x ($55 -> $69/kg)", None, None, "x", "USGS MCS 2026"),
)  # fmt: skip


def measure_2025(
    result: ReplicationResult, twin: ReplicationResult | None, scenario: Scenario, case: Case2025
) -> dict[str, float]:
    """Every 2025 measure of one replication (from its `prices` and lane tables)."""
    del twin  # no twin run: nothing is compared against a run without a policy
    prices = result.prices
    if prices is None:
        raise ValueError(f"{scenario.name} has no `prices:` section: nothing to backtest")
    start = scenario.horizon.start
    shock = (case.controls - start).days
    feed = (case.feed_loss - start).days
    window = (shock, shock + case.window_days)
    lanes = result.lanes
    premium = {
        c: m.premium_peak(prices, lanes, c, case.exporter, shock, window) for c in case.heavy
    }
    year = (shock, (dt.date(case.controls.year + 1, 1, 1) - start).days)
    heavy = pd.concat(
        [prices[prices["commodity"] == c] for c in case.heavy], ignore_index=True
    ).assign(commodity="heavy")
    heavy_lanes = lanes[lanes["commodity"].isin(case.heavy)].assign(commodity="heavy")
    means = {
        c: m.yearly_mean_index(prices, c, case.exporter, start).get(case.controls.year, math.nan)
        for c in (*case.heavy, case.light)
    }
    return {
        "dy_premium": premium[case.heavy[0]],
        "tb_premium": premium[case.heavy[1]],
        "volume_at_premium": m.volume_at_premium(
            heavy, heavy_lanes, "heavy", year, case.at_premium
        ),
        "ndpr_rise": m.index_rise(prices, case.light, case.exporter, feed, case.window_days),
        "dy_cn_2025": float(means[case.heavy[0]]),
        "tb_cn_2025": float(means[case.heavy[1]]),
        "ndpr_cn_2025": float(means[case.light]),
    }


@dataclass(frozen=True)
class Suite:
    """A backtest case: its scenario, targets, measures, and whether it needs a twin run
    without demand-response policies."""

    name: str
    scenario: Path
    targets: tuple[Target, ...]
    measure: Callable[[ReplicationResult, ReplicationResult | None, Scenario], dict[str, float]]
    twin: bool


SUITES = {
    "2010": Suite(
        "2010",
        DEFAULT_SCENARIO,
        TARGETS,
        lambda r, t, s: measure(r, t, s, Case()),
        twin=True,
    ),
    "2025": Suite(
        "2025",
        SCENARIOS / "apr2025_licensing.yaml",
        TARGETS_2025,
        lambda r, t, s: measure_2025(r, t, s, Case2025()),
        twin=False,
    ),
}


@dataclass(frozen=True)
class Backtest:
    """Measures per replication (one row each, one column per target key) and the verdicts."""

    scenario: str
    seed: int
    values: pd.DataFrame
    targets: tuple[Target, ...] = TARGETS

    def verdict(self, target: Target) -> str:
        """PASS or FAIL (the median inside the target's range), or info without a range."""
        if target.low is None or target.high is None:
            return "info"
        (med,) = _quantiles(self.values[target.key].to_numpy(dtype=float), (50,))
        return "PASS" if target.low <= med <= target.high else "FAIL"

    @property
    def passed(self) -> bool:
        """Whether no check failed."""
        return all(self.verdict(t) != "FAIL" for t in self.targets)

    def table(self) -> pd.DataFrame:
        """One row per target: observed, tolerance, model median and 90 % interval, result."""
        rows = []
        for t in self.targets:
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
        fails = sum(self.verdict(t) == "FAIL" for t in self.targets)
        checks = sum(t.low is not None for t in self.targets)
        tail = f"{checks - fails} of {checks} checks pass" + ("" if fails else " — all pass")
        return [head, *body, tail]


def backtest(
    path: str | Path | None = None,
    reps: int = 20,
    seed: int | None = None,
    suite: str = "2010",
) -> Backtest:
    """Run a case's scenario (and, for 2010, its twin without demand response); measure every
    replication. `path` replaces the case's scenario by another of the same world."""
    case = SUITES[suite]
    scenario = load_scenario(case.scenario if path is None else path)
    if path is not None:
        _same_world(Path(path), scenario, load_scenario(case.scenario), suite)
    root = scenario.seed if seed is None else seed
    runs: Ensemble = run(scenario, reps=reps, seed=root)
    twins: list[ReplicationResult | None] = [None] * reps
    if case.twin:
        twin = scenario.model_copy(
            update={"policies": [p for p in scenario.policies if p.type != "demand_response"]}
        )
        twins = list(run(twin, reps=reps, seed=root).replications)
    values = pd.DataFrame(
        [case.measure(r, t, scenario) for r, t in zip(runs.replications, twins, strict=True)]
    )
    return Backtest(scenario.name, root, values, case.targets)


def _same_world(path: Path, scenario: Scenario, own: Scenario, suite: str) -> None:
    """Refuse (as a scenario problem) a scenario whose horizon does not cover the case's or
    that lacks buyers the case measures: its facts could not be measured."""
    problems = []
    mine, theirs = scenario.horizon, own.horizon
    if mine.start > theirs.start or mine.end < theirs.end:
        lines = path.read_text(encoding="utf-8").splitlines()
        line = next((n for n, t in enumerate(lines, 1) if t.startswith("horizon:")), None)
        problems.append(
            Problem(
                str(path),
                line,
                "horizon",
                f"the {suite} backtest needs at least {theirs.start} to {theirs.end} (the horizon "
                f"of its scenario; got {mine.start} to {mine.end})",
            )
        )
    if missing := sorted(set(own.buyers) - set(scenario.buyers)):
        problems.append(
            Problem(
                str(path),
                None,
                "buyers",
                f"the {suite} backtest measures buyers this scenario lacks: {', '.join(missing)}",
            )
        )
    if problems:
        raise ScenarioError(problems)


def backtest_all(reps: int = 20, seed: int | None = None) -> list[Backtest]:
    """Every case on its own scenario, 2010 first."""
    return [backtest(None, reps, seed, name) for name in SUITES]


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

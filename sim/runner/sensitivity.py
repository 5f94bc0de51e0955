"""Global sensitivity: which uncertain inputs drive the shortage (`minsim sensitivity`).

The inputs are the scenario's per-replication distributions, by key path (those a replication
draws; see `sim.model.params`), or a chosen subset. SALib makes the design in the unit cube
(Sobol': Saltelli's scheme; Morris: trajectories on a 4-level grid); each coordinate is mapped to
its input through the input's quantile function, over the whole law where it is bounded and its
0.5–99.5 % quantiles where it is not. Every design point is the scenario with those inputs fixed
(`with_values`), run for the same replications under the same root seed as every other point:
all other randomness is common to the points (common random numbers), so index differences come
from the inputs. The outputs per point are each selected buyer's (and the total's) shortage as %
of demand over the horizon (`shortage_pct`) or in tonnes (`shortage_t`), averaged over those
replications. SALib then gives first-order and total indices with 95 % bootstrap intervals
(Sobol') or μ*, its interval, and σ of the elementary effects in unit-cube units (Morris).

`analyse` is the same path for any model: a mapping of named laws and a function from the design
(a DataFrame of values) to outputs (a DataFrame of metrics per point).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.model.params import distributions, with_values
from sim.results.io.contract import RESOLVED
from sim.results.io.tables import write_table_dir
from sim.runner.backends import backend_for
from sim.runner.replicate import run_one
from sim.scenario.schema import Scenario

METHODS = ("sobol", "morris")
DEFAULT_SAMPLES = {"sobol": 64, "morris": 10}
EDGE = 0.005  # unbounded laws are designed over their 0.5 %–99.5 % quantiles
LEVELS = 4  # Morris grid levels
TOTAL = "total"
METRICS = ("shortage_pct", "shortage_t")
SENSITIVITY = "sensitivity.csv"
DESIGN = "design.csv"

Law = Any  # a scenario distribution: has `quantile(p)` and `bounded`


@dataclass(frozen=True)
class Sensitivity:
    """A design, the outputs at its points and the indices of each input on each output."""

    method: str
    samples: int
    seed: int
    design: pd.DataFrame  # one row per point, one column per input (values)
    outputs: pd.DataFrame  # one row per point, one column per output
    indices: pd.DataFrame  # input × output: S1/ST with intervals, or mu_star/sigma

    def ranked(self, output: str | None = None) -> pd.DataFrame:
        """The indices of `output` (default the first), most influential input first."""
        name = output or str(self.outputs.columns[0])
        key = "ST" if self.method == "sobol" else "mu_star"
        t = self.indices[self.indices["output"] == name]
        return t.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)


def _problem(laws: Mapping[str, Law]) -> dict[str, Any]:
    names = list(laws)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def _values(unit: np.ndarray, laws: Mapping[str, Law]) -> pd.DataFrame:
    cols = {}
    for j, (name, law) in enumerate(laws.items()):
        p = unit[:, j] if law.bounded else EDGE + (1.0 - 2.0 * EDGE) * unit[:, j]
        cols[name] = [law.quantile(float(min(max(x, 0.0), 1.0))) for x in p]
    return pd.DataFrame(cols)


def unit_design(method: str, laws: Mapping[str, Law], samples: int, seed: int) -> np.ndarray:
    """SALib's design in the unit cube: Saltelli's N (D + 2) points, or N Morris trajectories
    of D + 1 points each."""
    problem = _problem(laws)
    # SALib is the optional extra `minsim[sensitivity]`: imported on use
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        return np.asarray(sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed))
    if method == "morris":
        from SALib.sample import morris as morris_sample

        return np.asarray(morris_sample.sample(problem, samples, num_levels=LEVELS, seed=seed))
    raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")


def indices(
    method: str, laws: Mapping[str, Law], unit: np.ndarray, outputs: pd.DataFrame, seed: int
) -> pd.DataFrame:
    """SALib's indices of every input on every output column."""
    problem = _problem(laws)
    rows = []
    for out in outputs.columns:
        y = outputs[out].to_numpy(dtype=float)
        if method == "sobol":
            from SALib.analyze import sobol

            if np.ptp(y) == 0:  # a constant output: no input matters
                res = {k: np.zeros(len(laws)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            else:
                res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            for j, name in enumerate(laws):
                s1, s1c, st, stc = (float(res[k][j]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
                rows.append(
                    {
                        "input": name,
                        "output": out,
                        "S1": s1,
                        "S1_low": s1 - s1c,
                        "S1_high": s1 + s1c,
                        "ST": st,
                        "ST_low": st - stc,
                        "ST_high": st + stc,
                    }
                )
        else:
            from SALib.analyze import morris

            res = morris.analyze(problem, unit, y, num_levels=LEVELS, seed=seed)
            for j, name in enumerate(laws):
                ms, msc = float(res["mu_star"][j]), float(res["mu_star_conf"][j])
                rows.append(
                    {
                        "input": name,
                        "output": out,
                        "mu_star": ms,
                        "mu_star_low": ms - msc,
                        "mu_star_high": ms + msc,
                        "mu": float(res["mu"][j]),
                        "sigma": float(res["sigma"][j]),
                    }
                )
    return pd.DataFrame(rows)


class InputError(ValueError):
    """Inputs or outputs of an analysis that the scenario does not have."""


def analyse(
    laws: Mapping[str, Law],
    evaluate: Callable[[pd.DataFrame], pd.DataFrame],
    method: str = "morris",
    samples: int | None = None,
    seed: int = 0,
) -> Sensitivity:
    """Design over `laws` (name → distribution), `evaluate` every point (design values →
    outputs, one row per point) and compute the indices."""
    if not laws:
        raise InputError("no uncertain inputs to analyse")
    n = samples or DEFAULT_SAMPLES.get(method, 0)
    unit = unit_design(method, laws, n, seed)
    design = _values(unit, laws)
    outputs = evaluate(design).reset_index(drop=True)
    if len(outputs) != len(design):
        raise ValueError(f"evaluate returned {len(outputs)} rows for {len(design)} points")
    return Sensitivity(method, n, seed, design, outputs, indices(method, laws, unit, outputs, seed))


def uncertain_inputs(
    scenario: Scenario, only: Sequence[str] = (), seed: int | None = None
) -> dict[str, Law]:
    """Key path → law of the scenario's uncertain per-replication inputs: the distributions a
    pilot replication draws, less those with a single value; or the `only` key paths (each must
    be a distribution of the scenario)."""
    laws = dict(distributions(scenario))
    if only:
        missing = [k for k in only if k not in laws]
        if missing:
            raise InputError(
                f"--inputs: not a distribution of scenario {scenario.name}: {', '.join(missing)}"
            )
        return {k: laws[k] for k in only}
    drawn = run_one(scenario, 0, scenario.seed if seed is None else seed).drawn
    return {k: laws[k] for k in sorted(drawn) if k in laws and not laws[k].degenerate}


def output_names(scenario: Scenario, wanted: Sequence[str] = ()) -> list[str]:
    """Output columns: `METRIC:TARGET` with TARGET `total`, a buyer or `buyer/commodity` and
    METRIC `shortage_pct` (default) or `shortage_t`; default the total and every buyer."""
    targets = [TOTAL, *sorted(scenario.buyers)]
    pairs = {f"{b}/{c}" for b, buyer in scenario.buyers.items() for c in buyer.demand}
    out = []
    for w in wanted or [f"shortage_pct:{t}" for t in targets]:
        metric, sep, target = w.partition(":")
        if not sep:
            metric, target = "shortage_pct", w
        if metric not in METRICS:
            raise InputError(f"--outputs: metric must be one of {', '.join(METRICS)} (got {w!r})")
        if target not in targets and target not in pairs:
            raise InputError(
                f"--outputs: unknown output {target!r}: use total, a buyer "
                f"({', '.join(targets[1:])}) or buyer/commodity"
            )
        out.append(f"{metric}:{target}")
    return out


def point_outputs(summary: pd.DataFrame, names: Sequence[str]) -> dict[str, float]:
    """The outputs `names` of one replication's summary (buyer × commodity totals)."""
    out = {}
    for name in names:
        metric, target = name.split(":", 1)
        s = summary
        if target != TOTAL:
            buyer, _, commodity = target.partition("/")
            s = s[s["buyer"] == buyer]
            if commodity:
                s = s[s["commodity"] == commodity]
        short, dem = float(s["shortage_t"].sum()), float(s["demand_t"].sum())
        out[name] = short if metric == "shortage_t" else (100.0 * short / dem if dem > 0 else 0.0)
    return out


@dataclass(frozen=True)
class _Point:
    """Replication `replication` of design point `index` (picklable work for a backend)."""

    index: int
    replication: int
    scenario: Scenario
    seed: int
    names: tuple[str, ...]


def _run_point(p: _Point) -> tuple[int, int, dict[str, float]]:
    summary = run_one(p.scenario, p.replication, p.seed).summary
    return p.index, p.replication, point_outputs(summary, p.names)


def sensitivity(
    scenario: Scenario,
    method: str = "morris",
    samples: int | None = None,
    *,
    inputs: Sequence[str] = (),
    outputs: Sequence[str] = (),
    reps: int = 1,
    seed: int | None = None,
    workers: int | None = 1,
    scheduler: Any = None,
) -> Sensitivity:
    """Global sensitivity of `scenario`'s shortage to its uncertain inputs (see the module
    doc): `reps` replications per design point, all under root seed `seed` (default the
    scenario's); `workers` local processes or a Dask `scheduler`, with the same results."""
    root = scenario.seed if seed is None else int(seed)
    laws = uncertain_inputs(scenario, inputs, root)
    names = tuple(output_names(scenario, outputs))

    def evaluate(design: pd.DataFrame) -> pd.DataFrame:
        points = []
        for i, row in enumerate(design.to_dict("records")):
            fixed = with_values(scenario, {str(k): float(v) for k, v in row.items()})
            points += [_Point(i, r, fixed, root, names) for r in range(reps)]
        got: dict[tuple[int, int], dict[str, float]] = {}
        backend = backend_for(workers, scheduler)
        try:
            for _, (i, r, res) in backend.map_unordered(_run_point, points):
                got[(i, r)] = res
        except BaseException:
            backend.close(abort=True)
            raise
        backend.close()
        rows = [
            {n: float(np.mean([got[(i, r)][n] for r in range(reps)])) for n in names}
            for i in range(len(design))
        ]
        return pd.DataFrame(rows, columns=list(names))

    return analyse(laws, evaluate, method, samples, root)


def write_sensitivity(
    result: Sensitivity,
    out: str | Path,
    scenario: Scenario,
    *,
    scenario_file: str | None = None,
    document: Mapping[str, Any] | None = None,
    reps: int = 1,
    command: Sequence[str] = (),
    started: dt.datetime | None = None,
) -> Path:
    """Write the output directory of a sensitivity analysis: sensitivity.csv (indices),
    design.csv (each point's inputs and outputs) and manifest.json."""
    head = {
        "kind": "sensitivity",
        "scenario": scenario.name,
        "scenario_file": scenario_file,
        "method": result.method,
        "samples": result.samples,
        "points": len(result.design),
        "reps": reps,
        "seed": result.seed,
        "inputs": list(result.design.columns),
        "outputs": list(result.outputs.columns),
    }
    design = pd.concat([result.design, result.outputs], axis=1)
    design.insert(0, "point", range(len(design)))
    return write_table_dir(
        out,
        head,
        csv={SENSITIVITY: result.indices, DESIGN: design},
        parquet={},
        documents={RESOLVED: dict(document)} if document is not None else {},
        command=command,
        started=started,
    )

"""Sweeps: vary scenario keys one at a time (default) or on a full grid, through `--set`
overrides, all under the same root seed (common random numbers)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results.bands import bands, country_flows
from sim.results.io.contract import RESOLVED
from sim.results.io.tables import scenario_entry, tagged, write_table_dir
from sim.results.metrics import overall, replication_metrics
from sim.results.records import Ensemble
from sim.results.stats import mean_ci
from sim.runner.ensemble import run
from sim.runner.inputs import Input, as_input, value_text

BASELINE = "baseline"


@dataclass(frozen=True)
class Variant:
    """One run of a sweep: its id and the `KEY=VALUE` settings on top of the base scenario."""

    id: str
    settings: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """The variant's settings as text (`baseline` for none)."""
        return ", ".join(f"{k}={v}" for k, v in self.settings) or BASELINE


def variants(vary: Mapping[str, Sequence[Any]], grid: bool = False) -> list[Variant]:
    """The baseline, then each key × value (one at a time) or every combination (grid)."""
    keys = list(vary)
    texts = {k: [value_text(v) for v in vary[k]] for k in keys}
    out = [Variant(BASELINE, ())]
    if grid:
        combos = [
            tuple(zip(keys, vals, strict=True)) for vals in itertools.product(*texts.values())
        ]
    else:
        combos = [((k, v),) for k in keys for v in texts[k]]
    out += [Variant(f"v{i}", c) for i, c in enumerate(combos, start=1)]
    return out


@dataclass(frozen=True)
class Sweep:
    """Ensembles of every variant of a base scenario."""

    base: Input
    vary: dict[str, list[str]]
    grid: bool
    variants: tuple[Variant, ...]
    inputs: tuple[Input, ...]
    ensembles: tuple[Ensemble, ...]
    seed: int
    reps: int

    def metrics(self) -> pd.DataFrame:
        """Per replication × buyer × commodity metrics, plus per-buyer and overall totals
        (commodity `(all)`), with a `variant` column."""
        frames = []
        for v, e in zip(self.variants, self.ensembles, strict=True):
            m = replication_metrics(e.summary)
            m = pd.concat([m, overall(m, "buyer"), overall(m)], ignore_index=True)
            m["variant"] = v.id
            frames.append(m)
        return pd.concat(frames, ignore_index=True)

    def table(self, buyer: str = "(all)") -> pd.DataFrame:
        """One row per variant: its settings, the main metric (total shortage, % of demand, of
        `buyer` or overall) mean with 95 % CI, and the paired difference from the baseline."""
        m = self.metrics()
        m = m[(m["buyer"] == buyer) & (m["commodity"] == "(all)")]
        base = m[m["variant"] == BASELINE].set_index("replication")["shortage_pct"]
        rows = []
        for v in self.variants:
            x = m[m["variant"] == v.id].set_index("replication")["shortage_pct"]
            mean, lo, hi = mean_ci(x.to_numpy())
            d, dlo, dhi = mean_ci((x - base.reindex(x.index)).to_numpy())
            row: dict[str, Any] = {"variant": v.id, "settings": v.label}
            row |= {k: dict(v.settings).get(k, "") for k in self.vary}
            row |= {
                "shortage_pct_mean": mean,
                "ci_low": lo,
                "ci_high": hi,
                "p05": float(np.percentile(x, 5)),
                "p95": float(np.percentile(x, 95)),
                "diff_vs_baseline": d,
                "diff_ci_low": dlo,
                "diff_ci_high": dhi,
            }
            rows.append(row)
        return pd.DataFrame(rows)

    def effects(self, buyer: str = "(all)") -> pd.DataFrame:
        """key, value, mean of the main metric: per variant (one at a time) or the mean over the
        grid rows with that value (main effect)."""
        t = self.table(buyer)
        rows = []
        for k in self.vary:
            sel = t[t[k] != ""]
            for val, g in sel.groupby(k, sort=False):
                rows.append({"key": k, "value": val, "mean": float(g["shortage_pct_mean"].mean())})
        return pd.DataFrame(rows, columns=["key", "value", "mean"])

    def write(
        self, out: str | Path, argv: Sequence[str] = (), started: dt.datetime | None = None
    ) -> Path:
        """Write the sweep's output directory (see `minsim sweep`; `sim.report.
        build_report(out)` adds its report.html)."""
        entries = []
        for v, i in zip(self.variants, self.inputs, strict=True):
            e = scenario_entry(v.id, i.scenario.name, i.file, i.sha256, i.overrides, "")
            e.pop("document")
            entries.append({**e, "settings": dict(v.settings)})
        head = {
            "kind": "sweep",
            "scenario": self.base.scenario.name,
            "scenario_file": self.base.file,
            "scenario_sha256": self.base.sha256,
            "variants": entries,
            "vary": self.vary,
            "grid": self.grid,
            "seed": self.seed,
            "reps": self.reps,
        }
        return write_table_dir(
            out,
            head,
            csv={
                "sweep.csv": self.table(),
                "effects.csv": self.effects(),
                "summary.csv": self.metrics(),
            },
            parquet={
                "bands.parquet": tagged(self.bands(), "variant"),
                "flows.parquet": tagged(self.flows(), "variant"),
            },
            documents={RESOLVED: self.base.document},
            command=argv,
            started=started,
        )

    def bands(self) -> dict[str, pd.DataFrame]:
        """Bands table per variant id."""
        return {
            v.id: bands(e.buyers, e.start)
            for v, e in zip(self.variants, self.ensembles, strict=True)
        }

    def flows(self) -> dict[str, pd.DataFrame]:
        """Country flows table per variant id."""
        return {
            v.id: country_flows(e.lanes, e.start, len(e.replications))
            for v, e in zip(self.variants, self.ensembles, strict=True)
        }

    def baseline(self, buyer: str = "(all)") -> float:
        """The main metric of the baseline variant."""
        t = self.table(buyer)
        return float(t.loc[t["variant"] == BASELINE, "shortage_pct_mean"].iloc[0])


def sweep(
    scenario: str | Path,
    vary: Mapping[str, Sequence[Any]],
    grid: bool = False,
    reps: int = 20,
    seed: int | None = None,
    sets: Sequence[str] = (),
) -> Sweep:
    """Run the base scenario file and its variants (`vary`: key → values, each applied as
    `--set key=value` after `sets`) with the same root seed (default: the scenario's)."""
    if not vary:
        raise ValueError("sweep needs at least one key to vary")
    vs = variants(vary, grid)
    inputs = tuple(as_input(scenario, [*sets, *(f"{k}={v}" for k, v in x.settings)]) for x in vs)
    root = inputs[0].scenario.seed if seed is None else int(seed)
    ensembles = tuple(run(i.scenario, reps=reps, seed=root) for i in inputs)
    texts = {k: [value_text(v) for v in vals] for k, vals in vary.items()}
    return Sweep(inputs[0], texts, grid, tuple(vs), inputs, ensembles, root, reps)

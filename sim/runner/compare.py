"""Compare scenarios under common random numbers: same root seed, same replication indices,
so differences are paired per replication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results.bands import bands, country_flows
from sim.results.io.tables import safe_name, scenario_entry, tagged, write_table_dir
from sim.results.metrics import ensemble_metrics, overall, replication_metrics
from sim.results.policies import PolicyMark, merged_marks
from sim.results.records import Ensemble
from sim.results.stats import mean_ci
from sim.runner.ensemble import run
from sim.runner.inputs import Input, as_input, unique_labels
from sim.scenario.diff import diff_documents

#: Metrics whose paired differences are reported.
DIFF_METRICS = (
    "shortage_pct",
    "shortage_t",
    "fill_rate",
    "max_shortfall_frac",
    "shortage_days",
    "tts_days",
    "ttr_days",
)


def paired_differences(
    metrics: pd.DataFrame, reference: str, metrics_names: Sequence[str] = DIFF_METRICS
) -> pd.DataFrame:
    """Per scenario (other than `reference`) × buyer × commodity × metric: mean of the per-
    replication differences scenario − reference, its 95 % t-interval, the number of pairs where
    both are defined, and each side's mean. `metrics` has a `scenario` column."""
    keys = ["replication", "buyer", "commodity"]
    ref = metrics[metrics["scenario"] == reference].set_index(keys)
    rows = []
    for name in dict.fromkeys(metrics["scenario"]):
        if name == reference:
            continue
        other = metrics[metrics["scenario"] == name].set_index(keys)
        both = ref.join(other, how="inner", suffixes=("_a", "_b"))
        for (buyer, commodity), g in both.groupby(level=["buyer", "commodity"], sort=True):
            for m in metrics_names:
                a, b = g[f"{m}_a"].to_numpy(float), g[f"{m}_b"].to_numpy(float)
                ok = np.isfinite(a) & np.isfinite(b)
                if not ok.any() and "(all)" in (buyer, commodity):
                    continue
                mean, lo, hi = mean_ci(b[ok] - a[ok])
                rows.append(
                    {
                        "scenario": name,
                        "reference": reference,
                        "buyer": buyer,
                        "commodity": commodity,
                        "metric": m,
                        "mean": mean,
                        "ci_low": lo,
                        "ci_high": hi,
                        "n": int(ok.sum()),
                        "reference_mean": float(np.nanmean(a)) if ok.any() else np.nan,
                        "scenario_mean": float(np.nanmean(b)) if ok.any() else np.nan,
                    }
                )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Comparison:
    """Ensembles of several scenarios run with the same seed and replications; the first is the
    reference of differences."""

    labels: tuple[str, ...]
    inputs: tuple[Input, ...]
    ensembles: tuple[Ensemble, ...]
    seed: int
    reps: int

    @property
    def reference(self) -> str:
        """The label of the reference scenario (the first)."""
        return self.labels[0]

    def metrics(self) -> pd.DataFrame:
        """Per replication × buyer × commodity metrics (plus `(all)` totals), per scenario."""
        frames = []
        for label, e in zip(self.labels, self.ensembles, strict=True):
            m = replication_metrics(e.summary)
            m = pd.concat([m, overall(m)], ignore_index=True)
            m["scenario"] = label
            frames.append(m)
        return pd.concat(frames, ignore_index=True)

    def ensemble_metrics(self) -> pd.DataFrame:
        """Across replications, per scenario × buyer × commodity × metric (see
        `ensemble_metrics`)."""
        return ensemble_metrics(self.metrics())

    def differences(self) -> pd.DataFrame:
        """Paired differences from the reference (see `paired_differences`)."""
        return paired_differences(self.metrics(), self.reference)

    def input_diff(self) -> dict[str, list[str]]:
        """Per scenario other than the reference: lines saying how its inputs differ."""
        ref = self.inputs[0].document
        return {
            label: diff_documents(ref, i.document)
            for label, i in zip(self.labels[1:], self.inputs[1:], strict=True)
        }

    def bands(self) -> dict[str, pd.DataFrame]:
        """Bands table per scenario label."""
        return {
            label: bands(e.buyers, e.start)
            for label, e in zip(self.labels, self.ensembles, strict=True)
        }

    def flows(self) -> dict[str, pd.DataFrame]:
        """Country flows table per scenario label."""
        return {
            label: country_flows(e.lanes, e.start, len(e.replications))
            for label, e in zip(self.labels, self.ensembles, strict=True)
        }

    def write(
        self, out: str | Path, argv: Sequence[str] = (), started: dt.datetime | None = None
    ) -> Path:
        """Write the comparison's output directory (see `minsim compare`; `sim.report.
        build_report(out)` adds its report.html)."""
        entries, documents = [], {}
        for label, i in zip(self.labels, self.inputs, strict=True):
            doc = f"scenarios/{safe_name(label)}.resolved.yaml"
            documents[doc] = i.document
            entries.append(
                scenario_entry(label, i.scenario.name, i.file, i.sha256, i.overrides, doc)
            )
        lines = [f"# differences from {self.reference}"]
        for label, diff in self.input_diff().items():
            lines += [f"[{label}]", *(diff or ["(no differences)"]), ""]
        head = {
            "kind": "compare",
            "scenarios": entries,
            "reference": self.reference,
            "seed": self.seed,
            "reps": self.reps,
        }
        return write_table_dir(
            out,
            head,
            csv={
                "summary.csv": self.metrics(),
                "metrics.csv": self.ensemble_metrics(),
                "differences.csv": self.differences(),
            },
            parquet={
                "bands.parquet": tagged(self.bands(), "scenario"),
                "flows.parquet": tagged(self.flows(), "scenario"),
            },
            documents=documents,
            texts={"inputs_diff.txt": "\n".join(lines)},
            command=argv,
            started=started,
        )

    def policies(self) -> list[PolicyMark]:
        """Policy dates of all scenarios (see `merged_marks`)."""
        return merged_marks(
            {lab: i.document for lab, i in zip(self.labels, self.inputs, strict=True)}
        )


def compare(
    scenarios: Sequence[Any],
    reps: int = 20,
    seed: int | None = None,
    labels: Sequence[str] | None = None,
    sets: Sequence[str] = (),
) -> Comparison:
    """Run each scenario (file path, `LoadedScenario`, `Scenario` or dict; `sets` apply to
    files) with the same root seed (default: the first scenario's) and `reps` replications."""
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios")
    inputs = tuple(as_input(s, sets if isinstance(s, str | Path) else ()) for s in scenarios)
    root = inputs[0].scenario.seed if seed is None else int(seed)
    names = list(labels) if labels is not None else [i.scenario.name for i in inputs]
    if len(names) != len(inputs):
        raise ValueError(f"{len(names)} labels for {len(inputs)} scenarios")
    ensembles = tuple(run(i.scenario, reps=reps, seed=root) for i in inputs)
    return Comparison(tuple(unique_labels(names)), inputs, ensembles, root, reps)

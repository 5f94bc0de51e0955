"""Output directories of `compare` and `sweep`: CSV tables, Parquet bands and flows, resolved
scenarios, manifest, figures and report, written atomically (all or nothing)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

import sim
from sim.analysis.compare import Comparison
from sim.analysis.inputs import Input
from sim.analysis.sweep import Sweep
from sim.report.build import build_report
from sim.report.files import atomic_dir

FLOAT_FORMAT = "%.10g"


def _stamp(started: dt.datetime | None) -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    return {
        "started": (started or now).isoformat(timespec="seconds"),
        "finished": now.isoformat(timespec="seconds"),
    }


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.#-]+", "_", label)


def _entry(label: str, i: Input, document: str) -> dict[str, Any]:
    return {
        "label": label,
        "name": i.scenario.name,
        "file": i.file,
        "sha256": i.sha256,
        "overrides": {k: _plain(v) for k, v in i.overrides},
        "document": document,
    }


def _plain(v: Any) -> Any:
    return json.loads(json.dumps(v, default=str))


def _csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format=FLOAT_FORMAT)


def _yaml(doc: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _tagged(tables: dict[str, pd.DataFrame], column: str) -> pd.DataFrame:
    frames = [t.assign(**{column: k}) for k, t in tables.items()]
    out = pd.concat(frames, ignore_index=True)
    return out[[column, *[c for c in out.columns if c != column]]]


def write_comparison(
    comp: Comparison, out: str | Path, argv: Sequence[str] = (), started: dt.datetime | None = None
) -> Path:
    """Write a comparison's directory (and its report.html); returns the path."""
    out = Path(out)
    with atomic_dir(out) as tmp:
        entries = []
        for label, i in zip(comp.labels, comp.inputs, strict=True):
            doc = f"scenarios/{_safe(label)}.resolved.yaml"
            _yaml(i.document, tmp / doc)
            entries.append(_entry(label, i, doc))
        _csv(comp.metrics(), tmp / "summary.csv")
        _csv(comp.ensemble_metrics(), tmp / "metrics.csv")
        _csv(comp.differences(), tmp / "differences.csv")
        lines = [f"# differences from {comp.reference}"]
        for label, diff in comp.input_diff().items():
            lines += [f"[{label}]", *(diff or ["(no differences)"]), ""]
        (tmp / "inputs_diff.txt").write_text("\n".join(lines), encoding="utf-8")
        _tagged(comp.bands(), "scenario").to_parquet(tmp / "bands.parquet", index=False)
        _tagged(comp.flows(), "scenario").to_parquet(tmp / "flows.parquet", index=False)
        manifest = {
            "kind": "compare",
            "scenarios": entries,
            "reference": comp.reference,
            "seed": comp.seed,
            "reps": comp.reps,
            "version": sim.__version__,
            "command": list(argv),
            **_stamp(started),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        build_report(tmp)
    return out


def write_sweep(
    sw: Sweep, out: str | Path, argv: Sequence[str] = (), started: dt.datetime | None = None
) -> Path:
    """Write a sweep's directory (and its report.html); returns the path."""
    out = Path(out)
    with atomic_dir(out) as tmp:
        _yaml(sw.base.document, tmp / "scenario.resolved.yaml")
        entries = []
        for v, i in zip(sw.variants, sw.inputs, strict=True):
            entries.append({**_entry(v.id, i, ""), "settings": dict(v.settings)})
            entries[-1].pop("document")
        _csv(sw.table(), tmp / "sweep.csv")
        _csv(sw.effects(), tmp / "effects.csv")
        _csv(sw.metrics(), tmp / "summary.csv")
        _tagged(sw.bands(), "variant").to_parquet(tmp / "bands.parquet", index=False)
        _tagged(sw.flows(), "variant").to_parquet(tmp / "flows.parquet", index=False)
        manifest = {
            "kind": "sweep",
            "scenario": sw.base.scenario.name,
            "scenario_file": sw.base.file,
            "scenario_sha256": sw.base.sha256,
            "variants": entries,
            "vary": sw.vary,
            "grid": sw.grid,
            "seed": sw.seed,
            "reps": sw.reps,
            "version": sim.__version__,
            "command": list(argv),
            **_stamp(started),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        build_report(tmp)
    return out

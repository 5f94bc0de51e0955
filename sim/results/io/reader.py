"""Reading an output directory (run, compare or sweep) back into tables for the report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.results.bands import bands, country_flows
from sim.results.io.contract import (
    BANDS,
    FLOWS,
    MANIFEST,
    RESOLVED,
    RISK,
    SUMMARY,
    TIMESERIES,
    confined,
)
from sim.results.metrics import overall, replication_metrics


@dataclass
class OutputDir:
    """Tables of an output directory; `kind` is run, compare or sweep."""

    path: Path
    kind: str
    manifest: dict[str, Any]
    metrics: pd.DataFrame
    bands: pd.DataFrame
    flows: pd.DataFrame
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from `path` ({} if it holds something else)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _parquet(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"])
    return df


def _countries(doc: dict[str, Any]) -> dict[str, str]:
    nodes = {**(doc.get("facilities") or {}), **(doc.get("buyers") or {})}
    return {k: str(v.get("country", k)) for k, v in nodes.items() if isinstance(v, dict)}


def _from_timeseries(path: Path, doc: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bands and country flows from a per-replication timeseries.parquet."""
    ts = _parquet(path)
    start = ts["date"].min()
    ts["day"] = (ts["date"] - start).dt.days
    b = ts[ts["record"] == "buyer"]
    reps = int(b["replication"].nunique())
    country = _countries(doc)
    ln = ts[ts["record"] == "lane"]
    lanes = pd.DataFrame(
        {
            "day": ln["day"],
            "origin_country": ln["origin"].map(lambda n: country.get(n, n)),
            "destination_country": ln["buyer"].map(lambda n: country.get(n, n)),
            "commodity": ln["commodity"],
            "flow_t": ln["flow_t"],
        }
    )
    return bands(b, start.date()), country_flows(lanes, start.date(), reps)


def _run_document(path: Path) -> dict[str, Any]:
    """The resolved scenario saved in a run directory ({} if it has none)."""
    return read_yaml(path / RESOLVED) if (path / RESOLVED).exists() else {}


#: Files a directory of each kind cannot be read without (a run lists its own in the manifest).
NEEDED = {
    "run": (SUMMARY,),
    "compare": (SUMMARY, BANDS, FLOWS),
    "sweep": (SUMMARY, BANDS, FLOWS),
    "sensitivity": ("sensitivity.csv",),
}


def incomplete(path: str | Path) -> str | None:
    """Why output directory `path` cannot be read (None if it can): its manifest unreadable,
    or a file it lists, or its kind needs, missing."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"{MANIFEST} cannot be read ({exc})"
    if not isinstance(manifest, dict):
        return f"{MANIFEST} is not a JSON object"
    kind = str(manifest.get("kind", "run"))
    if kind not in NEEDED:
        return f"{MANIFEST} names an unknown kind {kind!r}"
    listed = manifest.get("files")
    names = [str(f) for f in listed] if isinstance(listed, list) else []
    for name in dict.fromkeys([*NEEDED[kind], *names]):
        try:
            present = confined(path, name).is_file()
        except ValueError as exc:
            return str(exc)
        if not present:
            return f"{name} is missing (listed in {MANIFEST} or needed by a {kind} directory)"
    return None


def read_output_dir(path: str | Path) -> OutputDir:
    """Read manifest, metrics, bands and flows (and the kind's extra tables) of a directory."""
    path = Path(path)
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    kind = str(manifest.get("kind", "run"))
    if kind == "run":
        summary = pd.read_csv(path / SUMMARY)
        doc = _run_document(path)
        if (path / BANDS).exists():
            bnd = _parquet(path / BANDS)
            flows = _parquet(path / FLOWS) if (path / FLOWS).exists() else None
        else:
            bnd, flows = _from_timeseries(path / TIMESERIES, doc)
        if flows is None:
            flows = pd.DataFrame(columns=["date", "origin_country", "destination_country"])
        m = replication_metrics(summary)
        m = pd.concat([m, overall(m)], ignore_index=True)
        name = str(manifest.get("scenario", "scenario"))
        tables = {}
        if (path / RISK).exists():
            tables["risk"] = pd.read_csv(path / RISK, keep_default_na=False, na_values=[""])
        return OutputDir(path, kind, manifest, m, bnd, flows, {name: doc}, tables)
    if kind == "sensitivity":  # indices and design: no replications to summarise
        out = OutputDir(path, kind, manifest, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    else:
        out = OutputDir(
            path,
            kind,
            manifest,
            pd.read_csv(path / SUMMARY),
            _parquet(path / BANDS),
            _parquet(path / FLOWS),
        )
    for entry in manifest.get("scenarios", []):
        saved = confined(path, str(entry["document"])) if entry.get("document") else None
        if saved is not None and saved.exists():
            out.documents[str(entry["label"])] = read_yaml(saved)
    if not out.documents and (path / RESOLVED).exists():
        out.documents[str(manifest.get("scenario", "scenario"))] = read_yaml(path / RESOLVED)
    for f in sorted(path.glob("*.csv")):
        if f.stem != "summary":
            out.tables[f.stem] = pd.read_csv(f, keep_default_na=False, na_values=[""])
    for f in sorted(path.glob("*.txt")):
        out.texts[f.stem] = f.read_text(encoding="utf-8")
    return out

"""Output directories of `compare` and `sweep`: CSV tables, Parquet bands and flows, texts,
resolved scenarios and the manifest, written atomically (all or nothing). The report is added
afterwards by `sim.report.build_report`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.results.io.atomic import atomic_dir
from sim.results.io.contract import FLOAT_FORMAT, MANIFEST, manifest, plain, stamp, write_json
from sim.results.io.contract import yaml_text as _yaml_text


def safe_name(label: str) -> str:
    """`label` usable as a file name."""
    return re.sub(r"[^A-Za-z0-9_.#-]+", "_", label)


def scenario_entry(
    label: str,
    name: str,
    file: str | None,
    sha256: str,
    overrides: Sequence[tuple[str, Any]],
    document: str,
) -> dict[str, Any]:
    """A scenario as listed in a compare or sweep manifest."""
    return {
        "label": label,
        "name": name,
        "file": file,
        "sha256": sha256,
        "overrides": {k: plain(v) for k, v in overrides},
        "document": document,
    }


def tagged(tables: Mapping[str, pd.DataFrame], column: str) -> pd.DataFrame:
    """Tables (label → table) stacked, with the label in a first column named `column`."""
    frames = [t.assign(**{column: k}) for k, t in tables.items()]
    out = pd.concat(frames, ignore_index=True)
    return out[[column, *[c for c in out.columns if c != column]]]


def write_table_dir(
    out: str | Path,
    head: Mapping[str, Any],
    *,
    csv: Mapping[str, pd.DataFrame],
    parquet: Mapping[str, pd.DataFrame],
    documents: Mapping[str, Mapping[str, Any]] | None = None,
    texts: Mapping[str, str] | None = None,
    command: Sequence[str] = (),
    started: dt.datetime | None = None,
) -> Path:
    """Write a compare or sweep directory: `csv` and `parquet` tables and `texts` by file name,
    `documents` (file name → resolved scenario) as YAML, and the manifest (`head`, then version,
    command and times). Returns the path."""
    out = Path(out)
    with atomic_dir(out) as tmp:
        for name, doc in (documents or {}).items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(_yaml_text(doc), encoding="utf-8")
        for name, df in csv.items():
            df.to_csv(tmp / name, index=False, float_format=FLOAT_FORMAT)
        for name, text in (texts or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        for name, df in parquet.items():
            df.to_parquet(tmp / name, index=False)
        start = None if started is None else stamp(started)
        write_json(tmp / MANIFEST, manifest(head, command=command, started=start))
    return out

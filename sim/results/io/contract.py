"""The output-directory contract, declared once: which files a run, compare or sweep directory
holds, the one manifest builder, and the text helpers (JSON, YAML, CSV floats) every writer uses.

`sim.results.io.store` writes run directories, `sim.results.io.tables` compare and sweep
directories, `sim.results.io.reader` reads all three back; each takes its file names from here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim._version import __version__

FLOAT_FORMAT = "%.10g"  # floats in every CSV file
MANIFEST = "manifest.json"
SUMMARY = "summary.csv"
EVENTS = "events.csv"
BANDS = "bands.parquet"
FLOWS = "flows.parquet"
FLOWS_MONTHLY = "flows_monthly.csv"
PARAMETERS = "parameters.parquet"
TIMESERIES = "timeseries.parquet"
RISK = "risk.csv"
SHORTAGE_FIGURE = "figures/shortage.png"
RESOLVED = "scenario.resolved.yaml"
LOCK = ".lock"

#: Files of every run directory, in the order they are listed; `timeseries.parquet` only with
#: `timeseries="full"`, and `scenario.resolved.yaml` when the run was given its document.
RUN_FILES = (
    MANIFEST,
    SUMMARY,
    EVENTS,
    BANDS,
    FLOWS,
    FLOWS_MONTHLY,
    PARAMETERS,
    RISK,
    SHORTAGE_FIGURE,
)
#: Files of a compare directory (plus `scenarios/<label>.resolved.yaml` per scenario).
COMPARE_FILES = (
    MANIFEST,
    SUMMARY,
    "metrics.csv",
    "differences.csv",
    "inputs_diff.txt",
    BANDS,
    FLOWS,
)
#: Files of a sweep directory.
SWEEP_FILES = (MANIFEST, RESOLVED, "sweep.csv", "effects.csv", SUMMARY, BANDS, FLOWS)


def now() -> str:
    """The current UTC time, to the second, as ISO text (manifest times)."""
    return stamp(dt.datetime.now(dt.UTC))


def stamp(t: dt.datetime) -> str:
    """`t` as ISO text to the second."""
    return t.isoformat(timespec="seconds")


def plain(v: Any) -> Any:
    """`v` as plain JSON data: dates (and anything else JSON lacks) as text, tuples as lists."""
    return json.loads(json.dumps(v, default=str))


def yaml_text(document: Mapping[str, Any]) -> str:
    """A scenario document as YAML, keys in their order."""
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True)


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write `data` as indented JSON, atomically (via a temporary file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def manifest(
    head: Mapping[str, Any],
    *,
    command: Sequence[str],
    started: str | None,
    provenance: Mapping[str, Any] | None = None,
    files: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The manifest of an output directory: `head` (what was run), then the version, the command
    line, `provenance` (e.g. resumes, overrides), start and finish times and the file list."""
    out = {**head, "version": __version__, "command": list(command), **(provenance or {})}
    out["started"] = started or now()
    out["finished"] = now()
    if files is not None:
        out["files"] = sorted(files)
    return out


def confined(directory: Path, name: str) -> Path:
    """`directory / name`, refusing a name read from the directory's own files (manifest,
    checkpoint) that points outside it (absolute, `..`, or through a symbolic link)."""
    base = Path(directory).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or path == base:
        raise ValueError(f"{directory}: refusing to read {name!r}, which lies outside it")
    return path

"""Writing a run's output directory atomically: a run that fails or is interrupted leaves
either the previous complete directory or nothing, never a half-written one."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import sim
from sim.results.records import Ensemble

FLOAT_FORMAT = "%.10g"


def timeseries_table(ensemble: Ensemble) -> pd.DataFrame:
    """Buyer rows (record = "buyer") and lane-flow rows (record = "lane") in one tidy table."""
    b = ensemble.buyers
    buyers = pd.DataFrame(
        {
            "record": "buyer",
            "date": ensemble.dates(b["day"]).dt.date,
            "replication": b["replication"],
            "buyer": b["buyer"],
            "origin": None,
            "commodity": b["commodity"],
            "demand_t": b["demand_t"],
            "delivered_t": b["delivered_t"],
            "shortage_t": b["shortage_t"],
            "inventory_t": b["inventory_t"],
            "days_of_cover": b["days_of_cover"],
            "flow_t": float("nan"),
        }
    )
    ln = ensemble.lanes
    lanes = pd.DataFrame(
        {
            "record": "lane",
            "date": ensemble.dates(ln["day"]).dt.date,
            "replication": ln["replication"],
            "buyer": ln["destination"],
            "origin": ln["origin"],
            "commodity": ln["commodity"],
            "demand_t": float("nan"),
            "delivered_t": float("nan"),
            "shortage_t": float("nan"),
            "inventory_t": float("nan"),
            "days_of_cover": float("nan"),
            "flow_t": ln["flow_t"],
        }
    )
    out = pd.concat([buyers, lanes.astype(buyers.dtypes.to_dict())], ignore_index=True)
    return out.sort_values(
        ["record", "replication", "buyer", "origin", "commodity", "date"],
        kind="stable",
        na_position="first",
    ).reset_index(drop=True)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def manifest(
    ensemble: Ensemble,
    *,
    sha256: str,
    reps: int,
    argv: Sequence[str],
    overrides: dict[str, Any],
    started: dt.datetime,
    scenario_file: str | None,
) -> dict[str, Any]:
    return {
        "scenario": ensemble.scenario_name,
        "scenario_file": scenario_file,
        "scenario_sha256": sha256,
        "seed": ensemble.seed,
        "reps": reps,
        "version": sim.__version__,
        "command": list(argv),
        "overrides": {k: _jsonable(v) for k, v in overrides.items()},
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def write_outputs(ensemble: Ensemble, out: Path, meta: dict[str, Any]) -> None:
    """Write every output file into `out`, replacing it only once all are complete."""
    from sim.plotting.shortage import save_shortage_figure

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        ensemble.summary.to_csv(tmp / "summary.csv", index=False, float_format=FLOAT_FORMAT)
        write_parquet(timeseries_table(ensemble), tmp / "timeseries.parquet")
        ev = ensemble.events.copy()
        ev.insert(1, "date", ensemble.dates(ev["day"]).dt.date)
        ev.to_csv(tmp / "events.csv", index=False, float_format=FLOAT_FORMAT)
        (tmp / "figures").mkdir()
        save_shortage_figure(ensemble, tmp / "figures" / "shortage.png")
        (tmp / "manifest.json").write_text(json.dumps(meta, indent=2) + "\n")
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _replace_dir(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_run(
    ensemble: Ensemble,
    out: Path,
    *,
    loaded: Any,
    argv: Sequence[str],
    started: dt.datetime | None = None,
) -> Path:
    """Write the output directory of a run of a loaded scenario file."""
    meta = manifest(
        ensemble,
        sha256=loaded.sha256,
        reps=len(ensemble.replications),
        argv=argv,
        overrides=dict(loaded.overrides),
        started=started or dt.datetime.now(dt.UTC),
        scenario_file=str(loaded.path),
    )
    write_outputs(ensemble, Path(out), meta)
    return Path(out)

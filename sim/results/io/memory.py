"""Writing a run's output directory atomically: a run that fails or is interrupted leaves
either the previous complete directory or nothing, never a half-written one."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

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
            "price_index": b["price_index"],
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
            "price_index": float("nan"),
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
        "overrides": {k: jsonable(v) for k, v in overrides.items()},
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def jsonable(v: Any) -> Any:
    """`v` with dates as ISO strings, for JSON."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    return v


def write_outputs(
    ensemble: Ensemble, out: Path, meta: dict[str, Any], document: dict[str, Any] | None = None
) -> None:
    """Write every output file into `out`, replacing it only once all are complete; `document`
    (the resolved scenario) goes to scenario.resolved.yaml. Same files and bytes as a streamed
    run (`sim.runner.run_to_dir`) of the same replications."""
    from sim.results.digest import digest, layout_of_result
    from sim.results.store import RunStore

    first = ensemble.replications[0]
    layout = layout_of_result(ensemble.scenario_name, ensemble.start, first)
    mode = "full" if len(ensemble.replications) <= 100 else "none"
    plan = {"first": first.replication, "timeseries": mode}
    files = {}
    if document is not None:
        files["scenario.resolved.yaml"] = yaml.safe_dump(
            document, sort_keys=False, allow_unicode=True
        )
    store = RunStore.create(Path(out), layout, plan, files)
    try:
        for r in ensemble.replications:
            store.fold(digest(r, layout, mode == "full"))
        store.finish(meta)
    except BaseException:
        store.close()
        shutil.rmtree(store.work, ignore_errors=True)
        raise


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
    write_outputs(ensemble, Path(out), meta, document=loaded.document)
    return Path(out)

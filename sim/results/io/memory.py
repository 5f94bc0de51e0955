"""A run directory written from an ensemble held in memory (same files and bytes as a streamed
run of the same replications), and the tidy time-series table of an ensemble."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.digest import digest, layout_of_result
from sim.results.io.contract import RESOLVED, yaml_text
from sim.results.io.store import RunStore, ShortageFigure
from sim.results.records import Ensemble


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
    """Write `df` to `path` as zstd-compressed Parquet, without the index."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def write_outputs(
    ensemble: Ensemble,
    out: Path,
    meta: dict[str, Any],
    document: dict[str, Any] | None = None,
    figure: ShortageFigure | None = None,
) -> None:
    """Write every output file into `out`, replacing it only once all are complete; `document`
    (the resolved scenario) goes to scenario.resolved.yaml, `figure` draws the shortage PNG.
    Same files and bytes as a streamed run (`sim.runner.run_to_dir`) of the same replications."""
    first = ensemble.replications[0]
    layout = layout_of_result(ensemble.scenario_name, ensemble.start, first)
    mode = "full" if len(ensemble.replications) <= 100 else "none"
    plan = {"first": first.replication, "timeseries": mode}
    files = {} if document is None else {RESOLVED: yaml_text(document)}
    store = RunStore.create(Path(out), layout, plan, files)
    try:
        for r in ensemble.replications:
            store.fold(digest(r, layout, mode == "full"))
        store.finish(meta, figure)
    except BaseException:
        store.close()
        shutil.rmtree(store.work, ignore_errors=True)
        raise

"""The Parquet files of an output directory assembled from streamed results:
`timeseries.parquet` (segments re-chunked into fixed row groups), `bands.parquet`,
`flows.parquet` and `parameters.parquet`. Layouts depend only on the data, never on how the work was split."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.bands import FlowKey, flow_rows
from sim.results.digest import BAND_VARIABLES, Layout, date32
from sim.results.sketch import BandSketch

ROW_GROUP = 1 << 17  # rows per row group of timeseries.parquet
BAND_QUANTILES = ("p05", "p25", "p50", "p75", "p95")
COMPRESSION = "zstd"


def write_timeseries(parts: Sequence[Path], path: Path) -> None:
    """Concatenate Parquet `parts` into `path` in row groups of exactly `ROW_GROUP` rows (the
    last one shorter), whatever the parts' own sizes."""
    writer: pq.ParquetWriter | None = None
    buf: list[pa.Table] = []
    rows = 0

    def flush(table: pa.Table) -> None:
        nonlocal writer
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression=COMPRESSION)
        writer.write_table(table.combine_chunks(), row_group_size=ROW_GROUP)

    try:
        for part in parts:
            for batch in pq.ParquetFile(part).iter_batches(batch_size=ROW_GROUP):
                buf.append(pa.Table.from_batches([batch]))
                rows += batch.num_rows
                while rows >= ROW_GROUP:
                    table = pa.concat_tables(buf)
                    flush(table.slice(0, ROW_GROUP))
                    rest = table.slice(ROW_GROUP)
                    buf, rows = [rest], rest.num_rows
        if rows or writer is None:
            if buf:
                flush(pa.concat_tables(buf))
            elif parts:
                flush(pq.ParquetFile(parts[0]).schema_arrow.empty_table())
    finally:
        if writer is not None:
            writer.close()


def write_bands(sketch: BandSketch, layout: Layout, path: Path) -> pd.DataFrame:
    """Mean and quantiles per date × buyer × commodity × variable (rows sorted by buyer,
    commodity, variable in `BAND_VARIABLES` order, date); returns the table."""
    nv, ns, nd = len(BAND_VARIABLES), len(layout.series), layout.days

    def by_series(x: np.ndarray) -> np.ndarray:  # [variable, series, day] → rows
        return x.reshape(nv, ns, nd).transpose(1, 0, 2).reshape(-1)

    q = sketch.quantiles()
    buyers = np.array([b for b, _ in layout.series], dtype=object)
    commodities = np.array([c for _, c in layout.series], dtype=object)
    cols: dict[str, pa.Array] = {
        "date": date32(layout.start, np.tile(np.arange(nd), ns * nv)),
        "buyer": pa.array(np.repeat(buyers, nv * nd), type=pa.string()),
        "commodity": pa.array(np.repeat(commodities, nv * nd), type=pa.string()),
        "variable": pa.array(
            np.tile(np.repeat(np.array(BAND_VARIABLES, dtype=object), nd), ns), type=pa.string()
        ),
        "mean": pa.array(by_series(sketch.mean())),
    }
    for i, name in enumerate(BAND_QUANTILES):
        cols[name] = pa.array(by_series(q[i]))
    table = pa.table(cols)
    pq.write_table(table, path, compression=COMPRESSION)
    return table.to_pandas()


def write_flows(flows: dict[FlowKey, np.ndarray], reps: int, start: dt.date, path: Path) -> None:
    """Mean daily tonnes per origin country × destination country × commodity over `reps`
    replications (days with no flow in any replication omitted); rows sorted by date, then
    keys."""
    day, names, val = flow_rows(flows, reps)
    table = pa.table(
        {
            "date": date32(start, day),
            "origin_country": pa.array(names[0], type=pa.string()),
            "destination_country": pa.array(names[1], type=pa.string()),
            "commodity": pa.array(names[2], type=pa.string()),
            "flow_t": pa.array(val, type=pa.float64()),
        }
    )
    pq.write_table(table, path, compression=COMPRESSION)


PARAMETER_COLUMNS = ["replication", "key", "value"]


def write_parameters(rows_csv: Path, path: Path) -> None:
    """`parameters.parquet` from the appended rows (values as exact hexadecimal floats): the
    value each replication drew for every sampled scenario parameter, by key path (rows by
    replication, then key)."""
    if rows_csv.exists() and rows_csv.stat().st_size:
        df = pd.read_csv(rows_csv, dtype=str, keep_default_na=False)
    else:
        df = pd.DataFrame({c: pd.Series(dtype=str) for c in PARAMETER_COLUMNS})
    table = pa.table(
        {
            "replication": pa.array(df["replication"].astype(np.int64).to_numpy()),
            "key": pa.array(df["key"].tolist(), type=pa.string()),
            "value": pa.array([float.fromhex(v) for v in df["value"]], type=pa.float64()),
        }
    )
    pq.write_table(table, path, compression=COMPRESSION)

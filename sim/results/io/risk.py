"""`risk.csv` of a run directory: the risk metrics (see `sim.results.risk`) computed from its
summary and, where it kept one, its per-replication time series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from sim.results.io.atomic import write_atomic
from sim.results.io.contract import FLOAT_FORMAT, RESOLVED, RISK, SUMMARY, TIMESERIES
from sim.results.io.reader import read_yaml
from sim.results.risk import BuyerInfo, buyer_info, risk_table
from sim.scenario.risk import RiskSpec

RiskTable = Callable[[Path], pd.DataFrame]  # a run directory → its risk table

_DAILY = ["record", "date", "replication", "buyer", "commodity", "demand_t", "shortage_t"]


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def risk_spec(document: dict[str, Any], **changes: Any) -> RiskSpec:
    """The `risk:` section of a resolved scenario document, with `changes` (e.g. thresholds
    or dates given on the command line) applied where they are not None."""
    base = dict(document.get("risk") or {})
    base |= {k: v for k, v in changes.items() if v is not None}
    return RiskSpec.model_validate(base)


def run_risk(path: str | Path, **changes: Any) -> pd.DataFrame:
    """The risk table of run directory `path` (`changes` as in `risk_spec`)."""
    path = Path(path)
    if not (path / RESOLVED).exists():
        raise FileNotFoundError(f"{path}: no {RESOLVED}; risk metrics need the resolved scenario")
    doc = read_yaml(path / RESOLVED)
    horizon = doc.get("horizon") or {}
    return dir_risk(
        path,
        risk_spec(doc, **changes),
        _date(horizon["start"]),
        _date(horizon["end"]),
        buyer_info(doc.get("buyers") or {}),
    )


def dir_risk(
    path: Path, spec: RiskSpec, start: dt.date, end: dt.date, info: Mapping[str, BuyerInfo]
) -> pd.DataFrame:
    """The risk table of the summary (and time series, if kept) in directory `path`."""
    summary = pd.read_csv(path / SUMMARY)
    daily = None
    if (path / TIMESERIES).exists():
        ts = pq.read_table(path / TIMESERIES, columns=_DAILY, filters=[("record", "==", "buyer")])
        frame = ts.to_pandas()
        frame["day"] = (pd.to_datetime(frame["date"]) - pd.Timestamp(start)).dt.days
        daily = frame
    return risk_table(summary, daily, spec, start, end, info)


def write_risk(path: str | Path, table: pd.DataFrame) -> Path:
    """Write `table` as DIR/risk.csv (atomically)."""
    text = table.to_csv(index=False, float_format=FLOAT_FORMAT, date_format="%Y-%m-%d")
    return write_atomic(Path(path) / RISK, text.encode("utf-8"))

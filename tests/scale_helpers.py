"""Helpers for the scale tests: output files compared byte for byte, a small noisy network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sim.scenario.schema import Scenario
from tests.netbuild import one_supplier, scenario

#: Output files whose bytes depend only on the scenario, seed and replications.
DATA_FILES = (
    "summary.csv",
    "events.csv",
    "bands.parquet",
    "flows.parquet",
    "flows_monthly.csv",
    "timeseries.parquet",
)


def file_bytes(out: Path, names: tuple[str, ...] = DATA_FILES) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in names if (out / n).exists()}


def halted_noisy(initial: float = 200.0, noise_cv: float = 0.3, **kw: Any) -> Scenario:
    """One supplier halted for 40 days; the buyer's daily demand is noisy and its lanes' transit
    random, so its total shortage varies between replications; `initial` stock is the lever."""
    outage = {
        "id": "halt",
        "type": "facility_outage",
        "facility": "maker",
        "start": dt.date(2025, 2, 1),
        "end": dt.date(2025, 3, 13),
    }
    kw.setdefault("transit", {"dist": "triangular", "low": 3, "mode": 5, "high": 10})
    doc = one_supplier(
        rate_per_day=10.0,
        initial=initial,
        noise_cv=noise_cv,
        days=180,
        policies=[outage],
        **kw,
    )
    return scenario(doc)


def cluster_options(**extra: object) -> dict[str, object]:
    """Options of every Dask cluster the tests start: loopback only, ephemeral ports for the
    scheduler and its HTTP server, so a cluster already running on the machine (ports 8786 and
    8787) is no problem. (`dashboard_address=None` turns the dashboard pages off but the
    scheduler still serves HTTP on 8787, warning when it is taken: hence `:0`.)"""
    return {
        "host": "127.0.0.1",
        "scheduler_port": 0,
        "dashboard_address": ":0",
        "threads_per_worker": 1,
        **extra,
    }

"""`flows_monthly.csv`: tonnes per calendar month × origin country × destination country ×
commodity, dated by departure (export statistics) and by arrival (import statistics), as the
mean and the 5 % and 95 % quantiles across replications."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results.digest import DATED_BY, MonthlyKey
from sim.results.io.contract import FLOAT_FORMAT

MONTHLY_COLUMNS = [
    "dated_by",
    "month",
    "origin_country",
    "destination_country",
    "commodity",
    "mean_t",
    "p05_t",
    "p95_t",
]


def monthly_table(monthly: Mapping[MonthlyKey, np.ndarray], months: Sequence[str]) -> pd.DataFrame:
    """Rows of `flows_monthly.csv` from tonnes per key × [replication, month] (months in which
    no replication has any flow omitted); sorted by dated_by (departure first), month, keys."""
    rows = []
    order = {b: i for i, b in enumerate(DATED_BY)}
    for key in sorted(monthly, key=lambda k: (order[k[0]], k[1:])):
        x = np.asarray(monthly[key], dtype=float)  # [replication, month]
        mean = x.mean(axis=0)
        p05, p95 = np.percentile(x, [5, 95], axis=0)
        for m in np.flatnonzero((x != 0).any(axis=0)):
            rows.append((key[0], months[int(m)], *key[1:], mean[m], p05[m], p95[m]))
    table = pd.DataFrame(rows, columns=MONTHLY_COLUMNS)
    return table.sort_values(
        ["dated_by", "month", "origin_country", "destination_country", "commodity"],
        key=lambda c: c.map(order) if c.name == "dated_by" else c,
        kind="stable",
    ).reset_index(drop=True)


def write_flows_monthly(
    monthly: Mapping[MonthlyKey, np.ndarray], months: Sequence[str], path: Path
) -> None:
    """Write `flows_monthly.csv` (see `monthly_table`)."""
    monthly_table(monthly, months).to_csv(path, index=False, float_format=FLOAT_FORMAT)

"""Integer codes for the key columns of record tables, computed from arrays.

Record tables hold long runs of equal keys (a buyer × commodity series is one block of days, a
lane × commodity one block of flows), so keys are compared element-wise in numpy to find the
runs and only the first row of each run is seen as Python objects. Codes follow the sorted
order of the distinct key tuples, so sorting rows by codes sorts them by keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def key_codes(*columns: pd.Series | np.ndarray) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """The distinct key tuples of the rows, sorted, and each row's index into them."""
    cols = [np.asarray(c, dtype=object) for c in columns]
    n = len(cols[0]) if cols else 0
    if n == 0:
        return [], np.zeros(0, dtype=np.int64)
    starts = run_starts(cols)
    run_keys: list[tuple[Any, ...]] = list(zip(*(c[starts] for c in cols), strict=True))
    unique = sorted(set(run_keys))
    index = {k: i for i, k in enumerate(unique)}
    run_code = np.array([index[k] for k in run_keys], dtype=np.int64)
    return unique, np.repeat(run_code, np.diff(np.append(starts, n)))


def run_starts(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Rows where any of `columns` differs from the row before (the first row included)."""
    n = len(columns[0])
    change = np.zeros(n, dtype=bool)
    change[0] = n > 0
    for c in columns:
        change[1:] |= c[1:] != c[:-1]
    return np.flatnonzero(change)


def sorted_order(codes: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Row order by key code, then day (stable: ties keep their order)."""
    return np.lexsort((np.asarray(day), codes))

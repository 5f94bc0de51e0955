"""Small statistics helpers: ensemble quantiles and Student-t confidence intervals (no SciPy)."""

from __future__ import annotations

import math

import numpy as np

#: Two-sided 95 % Student-t critical values t(0.975, df) for df = 1..30.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z975 = 1.959963984540054


def t975(df: int) -> float:
    """Critical value of a two-sided 95 % t-interval with `df` degrees of freedom (df ≥ 1)."""
    if df < 1:
        return math.nan
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975  # Cornish-Fisher expansion; error < 1e-4 for df > 30
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % t-interval (low, high) of the finite values; NaN where undefined."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) == 1:
        return m, math.nan, math.nan
    half = t975(len(x) - 1) * float(x.std(ddof=1)) / math.sqrt(len(x))
    return m, m - half, m + half


def describe(values: np.ndarray) -> dict[str, float]:
    """Mean, median and 90 % interval (5th–95th percentiles) of the finite values, and their count."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return {"mean": math.nan, "p50": math.nan, "p05": math.nan, "p95": math.nan, "n": 0.0}
    p05, p50, p95 = np.percentile(x, [5, 50, 95])
    return {
        "mean": float(x.mean()),
        "p50": float(p50),
        "p05": float(p05),
        "p95": float(p95),
        "n": float(len(x)),
    }

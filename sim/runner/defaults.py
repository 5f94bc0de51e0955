"""Defaults of a run, importable without loading the model (the command line's help uses them)."""

FULL_TIMESERIES_MAX = 100  # default: per-replication time series up to this many replications
DEFAULT_MAX_REPS = 2000  # with reps auto: at most this many replications
TIMESERIES = ("full", "none")  # timeseries.parquet written (full) or not (none)
#: Figures drawn for a run: every figure of its report (all), the shortage charts only
#: (summary: figures/shortage.png and the report's shortage fan chart), or none (tables only).
FIGURE_SETS = ("all", "summary", "none")


def check_figures(figures: str) -> None:
    """Raise ValueError unless `figures` is one of `FIGURE_SETS`."""
    if figures not in FIGURE_SETS:
        raise ValueError(f"figures must be one of {FIGURE_SETS} (got {figures!r})")

"""Defaults of a run, importable without loading the model (the command line's help uses them)."""

FULL_TIMESERIES_MAX = 100  # default: per-replication time series up to this many replications
DEFAULT_MAX_REPS = 2000  # with reps auto: at most this many replications
TIMESERIES = ("full", "none")  # timeseries.parquet written (full) or not (none)

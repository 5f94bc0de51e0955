"""Analysis of ensembles: metrics with intervals, bands, comparisons under common random numbers,
sweeps, input diffs. Pure functions from records to DataFrames; no plotting, no printing."""

"""Running replications: in this process, in local worker processes, or on a Dask cluster.

Work is split into batches of consecutive replications (`batches`); a backend (`local`, `dask`)
runs batches in any order; `driver` puts results back in replication order, so outputs are the
same bytes whatever the backend or number of workers; `rundir` writes an output directory.
"""

"""The output-directory contract: file list and manifest (`contract`), the run store and its
Parquet writers (`store`, `parquet`), compare and sweep directories (`tables`), the reader
(`reader`) and atomic writes (`atomic`)."""

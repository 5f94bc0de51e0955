"""Test-wide settings: figures render with the file-only Agg backend, in this process and in
every process the tests start."""

import os

os.environ["MPLBACKEND"] = "Agg"

"""`python -m sim` is the `minsim` command."""

import sys

from sim.cli import main

sys.exit(main())

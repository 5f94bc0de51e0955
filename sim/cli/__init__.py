"""The `minsim` command line (`main`); the only package that uses argparse."""

from sim.cli.main import main

__all__ = ["main"]

"""Argument types and option blocks shared by the subcommands of `minsim`.

Everything here is light to import (the standard library only), so `minsim --help` builds the
whole parser without loading numpy, pandas or pydantic; what a value needs beyond that is
imported when the value is parsed.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Most replications a command runs (more is surely a typo: days of computing).
MAX_REPS = 100_000


class ArgumentProblem(Exception):
    """A command-line argument that cannot work; `main` prints it and exits 2."""


def check_out(out: Path | None, option: str = "--out") -> None:
    """Refuse an output path a command must not replace: a file, `.`, or an existing directory
    with files that is not an output directory of minsim (no manifest.json)."""
    if out is None:
        return
    if out.name in ("", ".", ".."):
        raise ArgumentProblem(f"{option} {out}: name a directory of its own, e.g. runs/mine")
    if out.exists() and not out.is_dir():
        raise ArgumentProblem(f"{option} {out}: is a file, not a directory; name a new directory")
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise ArgumentProblem(f"{option} {out}: {above} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise ArgumentProblem(
            f"{option} {out}: exists and is not an output directory of minsim (no "
            "manifest.json); its files would be replaced: name a new directory"
        )


def check_run_dir(path: Path) -> None:
    """Refuse a path that is not an output directory of minsim (for `report`, `risk`)."""
    if not path.is_dir():
        raise ArgumentProblem(f"{path}: not a directory (expected the output directory of a run)")
    if not (path / "manifest.json").is_file():
        raise ArgumentProblem(f"{path}: not an output directory of minsim (no manifest.json)")
    from sim.results.io.reader import incomplete  # pandas: only when the command runs

    if (why := incomplete(path)) is not None:
        raise ArgumentProblem(f"{path}: incomplete output directory: {why}")


def _integer(text: str, also: str = "") -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer{also} (got {text!r})") from None


def int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argument type: an integer `>= low` (and `<= high`)."""

    def parse(text: str) -> int:
        value = _integer(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low} (got {value})")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be <= {high:,} (got {value:,})")
        return value

    return parse


def reps_arg(text: str) -> int | str:
    """`--reps`: a positive integer or `auto`."""
    if text == "auto":
        return text
    value = _integer(text, " or auto")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {value})")
    if value > MAX_REPS:
        raise argparse.ArgumentTypeError(f"must be <= {MAX_REPS:,} (got {value:,})")
    return value


def fraction(example: str) -> Callable[[str], float]:
    """An argument type: a number strictly between 0 and 1 (`example` shows one in errors)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number (got {text!r})") from None
        if not 0 < value < 1:
            raise argparse.ArgumentTypeError(
                f"must be between 0 and 1, e.g. {example} (got {value})"
            )
        return value

    return parse


def percents(text: str) -> list[float]:
    """`X,...`: thresholds in % of demand, each in [0, 100)."""
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas (got {text!r})"
        ) from None
    bad = [v for v in values if not 0 <= v < 100]
    if bad or not values:
        raise argparse.ArgumentTypeError(f"thresholds are % of demand in [0, 100) (got {text!r})")
    return values


def dates(text: str) -> list[dt.date]:
    """`DATE,...`: ISO dates separated by commas."""
    try:
        return [dt.date.fromisoformat(v.strip()) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected dates YYYY-MM-DD, comma-separated (got {text!r})"
        ) from None


def names(text: str) -> tuple[str, ...]:
    """`--countries`/`--sectors`: names separated by commas (see `sim.results.selection`)."""
    from sim.results.selection import parse_names

    return parse_names(text)


def add_seed(p: argparse.ArgumentParser, default: str = "the scenario's seed") -> None:
    """`--seed S`: the root random seed."""
    p.add_argument(
        "--seed", type=int_at_least(0), metavar="S", help=f"root random seed (default: {default})"
    )


def add_out(p: argparse.ArgumentParser, default: str) -> None:
    """`--out DIR`: the output directory."""
    p.add_argument("--out", type=Path, metavar="DIR", help=f"output directory (default {default})")


def add_workers(p: argparse.ArgumentParser) -> None:
    """`--workers K` and `--scheduler ADDRESS`: where replications run."""
    p.add_argument(
        "--workers",
        type=int_at_least(1),
        metavar="K",
        help="local worker processes (default: one per core; 1 runs in this process)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://host:8786 (needs pip install 'minsim[dask]')",
    )


def add_set(
    p: argparse.ArgumentParser,
    what: str = "a value after extends, e.g. policies.oct_ctrl.end=2026-11-10",
) -> None:
    """`--set KEY=VALUE` (repeatable): overrides of scenario values."""
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"override {what} (repeatable; later wins)",
    )


def add_quiet(p: argparse.ArgumentParser) -> None:
    """`--quiet`: print nothing on success."""
    p.add_argument("--quiet", action="store_true", help="print nothing on success")


def add_selection(p: argparse.ArgumentParser) -> None:
    """`--countries` and `--sectors`: the importers a report shows."""
    p.add_argument(
        "--countries",
        type=names,
        metavar="C1,C2,...",
        help="report only buyers in these countries, and imports into them (default: all)",
    )
    p.add_argument(
        "--sectors",
        type=names,
        metavar="S1,S2,...",
        help="report only buyers of these sectors, e.g. defense,automotive (default: all)",
    )


def add_command(
    sub: Any,
    name: str,
    run: Callable[..., Any],
    parents: list[argparse.ArgumentParser],
    **text: str,
) -> argparse.ArgumentParser:
    """Subcommand `name` (`help=`, `description=` in `text`); `main` calls `run` for it."""
    p: argparse.ArgumentParser = sub.add_parser(name, parents=parents, **text)
    p.set_defaults(command=run)
    return p


def add_scenario(
    p: argparse.ArgumentParser, nargs: str | None = None, help: str = "scenario YAML file"
) -> None:
    """The `SCENARIO` positional (optional with `nargs="?"`)."""
    p.add_argument("scenario", nargs=nargs, metavar="SCENARIO", help=help)


def add_reps(
    p: argparse.ArgumentParser,
    default: int,
    help: str,
    parse: Callable[[str], Any] | None = None,
    metavar: str = "N",
) -> None:
    """`--reps N`: replications (1 to `MAX_REPS` unless `parse` says otherwise)."""
    p.add_argument(
        "--reps",
        type=parse or int_at_least(1, MAX_REPS),
        default=default,
        metavar=metavar,
        help=help,
    )


def add_top(p: argparse.ArgumentParser, what: str) -> None:
    """`--top N`: how many rows are printed (default 5)."""
    p.add_argument("--top", type=int_at_least(1), default=5, metavar="N", help=what)


def add_run_options(p: argparse.ArgumentParser, default_out: str, reps: int = 20) -> None:
    """`--reps`, `--seed`, `--out`, `--set`, `--quiet` of the commands that run several scenarios."""
    add_reps(p, reps, f"replications per scenario (default {reps})")
    add_seed(p, "the first scenario's seed")
    add_out(p, default_out)
    add_set(p)
    add_quiet(p)

"""The `minsim` command, a thin layer over the Python API.

Only `main` prints and catches: subcommands return their output, and exceptions reach `main`,
which prints scenario problems (exit 2) or a one-line error (exit 1; traceback with `--debug`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import __version__
from sim.scenario.docs import json_schema_text
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load

EXIT_OK, EXIT_ERROR, EXIT_PROBLEMS = 0, 1, 2
DEFAULT_REPS = 100


@dataclass
class _Output:
    """What a subcommand has to say: text for stdout and stderr, and the exit code."""

    code: int = EXIT_OK
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `minsim` command line; returns the exit code (0 ok, 1 error, 2 scenario problems)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors; argparse has printed
        return exc.code if isinstance(exc.code, int) else EXIT_PROBLEMS
    command: Callable[[argparse.Namespace, list[str]], _Output] = args.command
    try:
        result = command(args, argv)
    except ScenarioError as exc:
        result = _Output(EXIT_PROBLEMS, err=[p.format() for p in exc.problems])
    except KeyboardInterrupt:
        result = _Output(130, err=["interrupted"])
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        hint = "" if args.debug else " (--debug shows the traceback)"
        result = _Output(EXIT_ERROR, err=[f"error: {_one_line(exc)}{hint}"])
    try:
        for line in result.out:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `minsim schema | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for line in result.err:
        print(line, file=sys.stderr)
    return result.code


def _validate(args: argparse.Namespace, argv: list[str]) -> _Output:
    result = _Output()
    for name in args.files:
        try:
            loaded = load(name, args.set)
        except ScenarioError as exc:
            result.code = EXIT_PROBLEMS
            result.err += [p.format() for p in exc.problems]
            continue
        result.out.append(f"ok: {name} (scenario {loaded.scenario.name}, sha256 {loaded.sha256})")
    return result


def _schema(args: argparse.Namespace, argv: list[str]) -> _Output:
    text = json_schema_text()
    if args.out is None:
        return _Output(out=[text.removesuffix("\n")])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return _Output(out=[f"wrote {args.out}"])


def _run(args: argparse.Namespace, argv: list[str]) -> _Output:
    loaded = load(args.scenario, args.set)
    from sim.results.writers import write_run  # imported here: validate works without them
    from sim.runner import run

    started = dt.datetime.now(dt.UTC)
    seed = loaded.scenario.seed if args.seed is None else args.seed
    progress = None if args.quiet or not sys.stderr.isatty() else _ProgressBar()
    try:
        ensemble = run(loaded.scenario, reps=args.reps, seed=seed, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    out_dir = args.out if args.out is not None else Path("runs") / loaded.scenario.name
    write_run(ensemble, out_dir, loaded=loaded, argv=["minsim", *argv], started=started)
    if args.quiet:
        return _Output()
    reps = f"{args.reps} replication{'' if args.reps == 1 else 's'}"
    return _Output(out=[f"results in {out_dir} ({reps}, seed {seed})"])


class _ProgressBar:
    """A progress bar on stderr for `run(progress=…)`, created on the first report."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="rep", file=sys.stderr, leave=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _parser() -> argparse.ArgumentParser:
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of unexpected errors",
    )
    parser = argparse.ArgumentParser(
        prog="minsim",
        description="Simulate critical-mineral supply chains under export controls.",
    )
    parser.add_argument("--version", action="version", version=f"minsim {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "validate",
        parents=[debug],
        help="check scenario files and report every problem",
        description="Load each scenario (extends, --set), validate it and check its references. "
        "Prints 'ok' with the scenario hash per valid file; problems go to stderr. "
        "Exit code 2 if any file has problems.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML file")
    _add_set(p)
    p.set_defaults(command=_validate)

    p = sub.add_parser(
        "schema",
        parents=[debug],
        help="print the JSON Schema of scenario files",
        description="Print (or write) the JSON Schema of scenario files, for editors.",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(command=_schema)

    p = sub.add_parser(
        "run",
        parents=[debug],
        help="run replications of a scenario and write results",
        description="Run replications of a scenario and write manifest, summary, time series, "
        "events and figures to the output directory. Nothing is written if the scenario has "
        "problems.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "--reps",
        type=_int_at_least(1),
        default=DEFAULT_REPS,
        metavar="N",
        help=f"number of replications (default {DEFAULT_REPS})",
    )
    p.add_argument(
        "--seed",
        type=_int_at_least(0),
        metavar="S",
        help="root random seed (default: the scenario's seed)",
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="output directory (default runs/<scenario name>)"
    )
    _add_set(p)
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(command=_run)
    return parser


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value after extends, e.g. policies.oct_ctrl.end=2026-11-10 "
        "(repeatable; later wins)",
    )


def _int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer (got {text!r})") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low} (got {value})")
        return value

    return parse


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

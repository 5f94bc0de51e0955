"""The scale options of `minsim run` (workers, Dask, reps auto, time series, resume) and the
call they make; `sim.cli` stays a thin layer that prints."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.arguments import MAX_REPS, ArgumentProblem, add_workers, fraction, int_at_least
from sim.runner.defaults import DEFAULT_MAX_REPS, FIGURE_SETS, FULL_TIMESERIES_MAX, TIMESERIES

if TYPE_CHECKING:
    from sim.runner.ensemble import RunOutcome, TablesReady


def add_scale_options(p: argparse.ArgumentParser) -> None:
    """Options of `minsim run` beyond --reps/--seed/--out/--set."""
    add_workers(p)
    p.add_argument(
        "--precision",
        type=fraction("0.05"),
        metavar="P",
        help="with --reps auto: stop when the 95 %% confidence half-width of every buyer's "
        "mean total shortage is within P of the mean (default 0.05)",
    )
    p.add_argument(
        "--max-reps",
        type=int_at_least(1, MAX_REPS),
        default=DEFAULT_MAX_REPS,
        metavar="N",
        help=f"with --reps auto: at most N replications (default {DEFAULT_MAX_REPS})",
    )
    p.add_argument(
        "--timeseries",
        choices=TIMESERIES,
        help="write per-replication timeseries.parquet (full) or not (none); default full "
        f"up to {FULL_TIMESERIES_MAX} replications, none above and with --reps auto "
        "(bands.parquet and flows.parquet are always written)",
    )
    p.add_argument(
        "--figures",
        choices=FIGURE_SETS,
        default="all",
        help="figures to draw: all (default: every figure of the report), summary (the "
        "shortage charts only: figures/shortage.png and the report's fan chart) or none "
        "(report.html with tables only; the quickest run)",
    )
    p.add_argument(
        "--replication",
        type=int_at_least(0),
        metavar="R",
        help="run replication R alone (e.g. to rerun one that failed, with --seed)",
    )
    p.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="continue the interrupted run of output directory DIR (from DIR.partial); "
        "SCENARIO and other options are taken from it, except --workers and --scheduler",
    )


def run_command(
    args: argparse.Namespace,
    command: Sequence[str],
    progress: Any,
    tables_ready: TablesReady | None = None,
) -> RunOutcome:
    """What `minsim run` does with its arguments; returns where the results are."""
    import sim.runner
    from sim.scenario.loader import load

    if args.resume is not None:
        out = _strip_partial(args.resume)
        from sim.results.io.store import partial_dir, read_plan

        if args.scenario is not None:
            raise ArgumentProblem("give a SCENARIO file or --resume DIR, not both")
        if not (partial_dir(out) / "plan.json").is_file():
            done = " (it has finished)" if (out / "manifest.json").is_file() else ""
            raise ArgumentProblem(
                f"--resume {args.resume}: nothing to resume: {partial_dir(out)}/plan.json does "
                f"not exist{done}"
            )
        plan = read_plan(out)
        if plan.get("scenario_path") is None:
            raise ValueError(f"{out} was not started from a scenario file; resume it in Python")
        loaded = load(plan["scenario_path"], plan["sets"])
        return sim.runner.resume(
            loaded.scenario,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=progress,
            command=command,
            figures=args.figures,
            tables_ready=tables_ready,
        )
    if args.scenario is None:
        raise ArgumentProblem("give a SCENARIO file (or --resume DIR)")
    loaded = load(args.scenario, args.set)
    auto = args.reps == "auto"
    if args.precision is not None and not auto:
        raise ArgumentProblem("--precision goes with --reps auto")
    out = args.out if args.out is not None else Path("runs") / loaded.scenario.name
    return sim.runner.run_to_dir(
        loaded.scenario,
        out,
        reps=None if auto else (1 if args.replication is not None else args.reps),
        precision=(args.precision or 0.05) if auto else None,
        max_reps=args.max_reps,
        seed=args.seed,
        first=args.replication or 0,
        workers=args.workers,
        scheduler=args.scheduler,
        timeseries=args.timeseries,
        progress=progress,
        scenario_file=loaded.path,
        sets=args.set,
        overrides=dict(loaded.overrides),
        command=command,
        document=loaded.document,
        figures=args.figures,
        tables_ready=tables_ready,
    )


def drawing_workers(args: argparse.Namespace) -> int:
    """Processes that draw a run's figures: `--workers` (one per core without it, or with
    `--scheduler`: the figures are drawn here)."""
    from sim.runner.local import cpu_count

    return int(args.workers) if getattr(args, "workers", None) else cpu_count()


def _strip_partial(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".partial")) if path.name else path

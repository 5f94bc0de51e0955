"""`minsim workshop SCENARIO [--port P]`: the live workshop page on 127.0.0.1."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.cli.arguments import MAX_REPS, add_command, add_scenario, add_set, int_at_least

INSTALL_HINT = "pip install 'minsim[workshop]'"


def add_workshop_command(
    sub: Any, parents: list[argparse.ArgumentParser], command: Callable[..., Any]
) -> argparse.ArgumentParser:
    """Register the `workshop` subcommand; `command` is what `main` calls with its arguments."""
    p = add_command(
        sub,
        "workshop",
        command,
        parents,
        help="serve the live workshop page of a scenario's levers",
        description="Serve a page on 127.0.0.1 (never another interface) with the levers the "
        "scenario declares (levers:), the fan charts of unmet demand of the base and the "
        "variant on the same seeds, updated as replications arrive, a session log and an "
        "exported brief. Runs until interrupted (Ctrl-C).",
    )
    add_scenario(p, help="scenario YAML file with a levers: section")
    p.add_argument(
        "--port",
        type=int_at_least(0, 65_535),
        default=0,
        metavar="P",
        help="port on 127.0.0.1 (default 0: any free port)",
    )
    p.add_argument(
        "--reps",
        type=int_at_least(1, MAX_REPS),
        default=100,
        metavar="N",
        help="replications per scenario (default 100)",
    )
    p.add_argument(
        "--seed",
        type=int_at_least(0),
        metavar="S",
        help="root random seed (default: the scenario's)",
    )
    p.add_argument(
        "--workers",
        type=int_at_least(1),
        metavar="K",
        help="worker processes (default: one per core)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where briefs are written (default runs/workshop-<name>)",
    )
    add_set(p, "a value of the base scenario")
    return p


def run_workshop(args: argparse.Namespace) -> None:
    """Load the scenario, start the workers and serve the page until interrupted."""
    try:
        from sim.workshop.server import serve
    except ImportError as exc:
        raise RuntimeError(
            f"the workshop page needs Panel ({exc.name} is missing): {INSTALL_HINT}"
        ) from None
    from sim.workshop.engine import Workshop

    if args.reps < 1:
        raise ValueError(f"--reps must be at least 1 (got {args.reps})")
    workshop = Workshop(
        args.scenario, args.set, reps=args.reps, seed=args.seed, workers=args.workers
    )
    if not workshop.levers:
        print(
            f"note: {args.scenario} declares no levers; the page shows the base only",
            file=sys.stderr,
        )

    def ready(url: str) -> None:
        print(f"workshop page: {url}  (Ctrl-C stops it)", flush=True)

    def stop(signum: int, _frame: Any) -> None:  # `kill`: stop like Ctrl-C, workers too
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        serve(workshop, args.port, args.out, ready)
    finally:
        workshop.close()

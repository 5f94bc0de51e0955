"""Run an ensemble straight into an output directory, in bounded memory, resumably.

Work goes to `DIR.partial/` (see `sim.results.store`); `DIR` appears only when every file is
complete. On Ctrl-C or a failing replication the work directory keeps the last checkpoint and
`resume` continues it, ending with the same bytes as an uninterrupted run.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sim
from sim.execution.batches import Job, ReplicationError, batch_size
from sim.execution.driver import Progress, backend_for, execute
from sim.execution.precision import Precision
from sim.results.digest import Digest, Layout
from sim.results.sketch import PILOT
from sim.results.store import RunStore, partial_dir, read_plan
from sim.results.writers import jsonable
from sim.scenario.loader import scenario_sha256
from sim.scenario.schema import Scenario

FULL_TIMESERIES_MAX = 100  # default: per-replication time series up to this many replications
DEFAULT_MAX_REPS = 2000
CHECKPOINT_S = 30.0  # seconds between checkpoints (and on interrupt or failure)
TIMESERIES = ("full", "none")
RESOLVED = "scenario.resolved.yaml"


@dataclass(frozen=True)
class RunOutcome:
    out: Path
    reps: int
    seed: int


def timeseries_mode(requested: str | None, reps: int | None) -> str:
    """`full` up to `FULL_TIMESERIES_MAX` replications (and not with auto), else `none`."""
    if requested is not None:
        if requested not in TIMESERIES:
            raise ValueError(f"timeseries must be one of {TIMESERIES} (got {requested!r})")
        return requested
    return "full" if reps is not None and reps <= FULL_TIMESERIES_MAX else "none"


def run_to_dir(
    scenario: Scenario,
    out: str | Path,
    *,
    reps: int | None = 100,
    seed: int | None = None,
    first: int = 0,
    workers: int | None = None,
    scheduler: Any = None,
    timeseries: str | None = None,
    precision: float | None = None,
    max_reps: int = DEFAULT_MAX_REPS,
    progress: Progress | None = None,
    scenario_file: str | Path | None = None,
    sets: Sequence[str] = (),
    overrides: dict[str, Any] | None = None,
    command: Sequence[str] = (),
    document: dict[str, Any] | None = None,
) -> RunOutcome:
    """Run replications `first` … `first + reps - 1` (or, with `reps=None` and `precision`,
    until converged; see `sim.execution.precision`) and write the output directory `out`.
    `workers` local processes (`None`: one per core) or a Dask `scheduler`; `document` (the
    resolved scenario) is saved as scenario.resolved.yaml."""
    plan = new_plan(
        scenario,
        reps=reps,
        seed=seed,
        first=first,
        timeseries=timeseries,
        precision=precision,
        max_reps=max_reps,
        scenario_file=scenario_file,
        sets=sets,
        overrides=overrides,
        command=command,
    )
    backend = backend_for(workers, scheduler)
    try:
        files = {} if document is None else {RESOLVED: _yaml(document)}
        store = RunStore.create(Path(out), Layout.of(scenario), plan, files)
    except BaseException:
        backend.close()
        raise
    return _go(scenario, store, backend, progress)


def new_plan(
    scenario: Scenario,
    *,
    reps: int | None = 100,
    seed: int | None = None,
    first: int = 0,
    timeseries: str | None = None,
    precision: float | None = None,
    max_reps: int = DEFAULT_MAX_REPS,
    scenario_file: str | Path | None = None,
    sets: Sequence[str] = (),
    overrides: dict[str, Any] | None = None,
    command: Sequence[str] = (),
) -> dict[str, Any]:
    """What a run is asked to do (saved as plan.json in its work directory)."""
    if reps is None and precision is None:
        raise ValueError("give reps, or precision for reps auto")
    return {
        "format": 1,
        "scenario": scenario.name,
        "scenario_file": None if scenario_file is None else str(scenario_file),
        "scenario_path": None if scenario_file is None else str(Path(scenario_file).resolve()),
        "sets": list(sets),
        "overrides": jsonable(overrides or {}),
        "scenario_sha256": scenario_sha256(scenario),
        "seed": scenario.seed if seed is None else int(seed),
        "first": int(first),
        "reps": "auto" if reps is None else int(reps),
        "precision": precision,
        "max_reps": int(max_reps),
        "timeseries": timeseries_mode(timeseries, reps),
        "command": list(command),
        "started": _now(),
        "resumed": [],
    }


def resume(
    scenario: Scenario,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = None,
    command: Sequence[str] = (),
) -> RunOutcome:
    """Continue the interrupted run of `out` (its `DIR.partial/`) with the same scenario."""
    plan = read_plan(Path(out))
    if plan["scenario_sha256"] != scenario_sha256(scenario):
        raise ValueError(
            f"cannot resume {out}: the scenario differs from the one it was started with "
            f"(sha256 {plan['scenario_sha256'][:12]}…)"
        )
    backend = backend_for(workers, scheduler)
    try:
        store = RunStore.reopen(Path(out), Layout.of(scenario))
        store.plan["resumed"] = [*store.plan.get("resumed", []), list(command)]
    except BaseException:
        backend.close()
        raise
    return _go(scenario, store, backend, progress)


def _go(scenario: Scenario, store: RunStore, backend: Any, progress: Progress | None) -> RunOutcome:
    plan = store.plan
    auto = plan["reps"] == "auto"
    rule = Precision(float(plan["precision"]), int(plan["max_reps"])) if auto else None
    limit = int(plan["max_reps"]) if auto else int(plan["reps"])
    done_before = store.folded
    total = None if auto else limit

    def fold(d: Digest) -> bool:
        store.fold(d)
        store.maybe_checkpoint(CHECKPOINT_S)
        n = store.folded
        return rule is not None and rule.is_check(n) and rule.done(store.shortage_totals())

    def report(done: int, _total: int | None) -> None:
        if progress is not None:
            progress(done_before + done, total)

    n = store.folded  # a resumed auto run may have converged just before it was stopped
    finished = (
        rule is not None and n > 0 and rule.is_check(n) and rule.done(store.shortage_totals())
    )
    start, stop = store.first + store.folded, store.first + limit
    job = Job(scenario, int(plan["seed"]), store.layout, store.timeseries)
    try:
        if start < stop and not finished:
            size = batch_size(stop - start, backend.workers)
            execute(
                job, start, stop, size, backend, fold, report, None if auto else limit - done_before
            )
    except BaseException as exc:
        backend.close(abort=True)
        if not store.busy:
            store.checkpoint()
        store.close()
        _explain(exc, store)
        raise
    backend.close()
    store.finish(_manifest(store))
    return RunOutcome(store.out, store.folded, int(plan["seed"]))


def _explain(exc: BaseException, store: RunStore) -> None:
    """Notes for the user: how to rerun a failed replication, how to resume."""
    plan = store.plan
    if isinstance(exc, ReplicationError) and plan.get("scenario_file"):
        cmd = ["minsim", "run", str(plan["scenario_file"])]
        for s in plan["sets"]:
            cmd += ["--set", s]
        cmd += ["--seed", str(exc.seed), "--replication", str(exc.replication), "--debug"]
        cmd += ["--out", str(store.out.with_name(f"{store.out.name}-rep{exc.replication}"))]
        exc.add_note(f"rerun it alone: {shlex.join(cmd)}")
    elif isinstance(exc, ReplicationError):
        exc.add_note(
            f"rerun it alone: sim.run_one(scenario, {exc.replication}, {exc.seed}) in Python"
        )
    done = store.folded
    if plan.get("scenario_file"):
        how = f"minsim run --resume {shlex.quote(str(store.out))}"
    else:
        how = f"sim.runner.resume(scenario, {str(store.out)!r})"
    exc.add_note(
        f"{done} replication{'s' if done != 1 else ''} kept in {partial_dir(store.out)}; "
        f"continue with: {how}"
    )


def _manifest(store: RunStore) -> dict[str, Any]:
    p = store.plan
    files = ["manifest.json", "summary.csv", "events.csv", "bands.parquet", "flows.parquet"]
    files += ["figures/shortage.png"] + (["timeseries.parquet"] if store.timeseries else [])
    files += [f.name for f in (store.work / "extra").iterdir()]
    return {
        "scenario": p["scenario"],
        "scenario_file": p["scenario_file"],
        "scenario_sha256": p["scenario_sha256"],
        "seed": p["seed"],
        "reps": store.folded,
        "replications": [store.first, store.first + store.folded],
        "reps_requested": p["reps"],
        "precision": p["precision"],
        "max_reps": p["max_reps"] if p["reps"] == "auto" else None,
        "timeseries": p["timeseries"],
        "bands": f"mean exact; quantiles exact up to {PILOT} replications, then per-cell "
        "fixed-bin histograms (see sim.results.sketch)",
        "version": sim.__version__,
        "command": p["command"],
        "resumed": p["resumed"],
        "overrides": p["overrides"],
        "started": p["started"],
        "finished": _now(),
        "files": sorted(files),
    }


def _yaml(document: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

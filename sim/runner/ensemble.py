"""Run an ensemble: in memory (`run`), or straight into an output directory in bounded memory,
resumably (`run_to_dir`, `resume`).

Work goes to `DIR.partial/` (see `sim.results.io.store`); `DIR` appears only when every file is
complete. On Ctrl-C or a failing replication the work directory keeps the last checkpoint and
`resume` continues it, ending with the same bytes as an uninterrupted run.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.plotting.shortage import save_shortage_bands_figure
from sim.results.digest import Digest, Layout
from sim.results.io import contract
from sim.results.io.risk import RiskTable, dir_risk
from sim.results.io.store import RunStore, partial_dir, read_plan
from sim.results.records import Ensemble, ReplicationResult
from sim.results.risk import BuyerInfo
from sim.results.sketch import PILOT
from sim.runner.backends import Progress, backend_for, execute
from sim.runner.batches import Job, ReplicationError, batch_size
from sim.runner.defaults import (
    DEFAULT_MAX_REPS,
    FULL_TIMESERIES_MAX,
    TIMESERIES,
    check_figures,
)
from sim.runner.precision import Precision
from sim.scenario.loader import scenario_sha256
from sim.scenario.risk import RiskSpec
from sim.scenario.schema import Scenario

CHECKPOINT_S = 30.0  # seconds between checkpoints (and on interrupt or failure)
#: Called with a finishing run's directory once its data files are written (risk.csv and the
#: figures not yet) and the manifest it will have: a report can start drawing from them.
TablesReady = Callable[[Path, dict[str, Any]], None]


@dataclass(frozen=True)
class RunOutcome:
    """Where a run's results are, how many replications it has and its root seed."""

    out: Path
    reps: int
    seed: int


def run(
    scenario: Scenario,
    reps: int = 1,
    seed: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    *,
    workers: int | None = 1,
    scheduler: Any = None,
    first: int = 0,
) -> Ensemble:
    """Run replications `first` … `first + reps - 1` with root seed `seed` (default: the
    scenario's) and keep them all in memory. `workers` local processes (`None`: one per core)
    or a Dask `scheduler` (address or `distributed.Client`); results are the same either way.
    For large ensembles written to disk in bounded memory, see `run_to_dir`."""
    root = scenario.seed if seed is None else int(seed)
    results: list[ReplicationResult] = []

    def keep(r: ReplicationResult) -> bool:
        results.append(r)
        return False

    backend = backend_for(workers, scheduler)
    try:
        size = batch_size(reps, backend.workers)
        execute(Job(scenario, root), first, first + reps, size, backend, keep, progress, reps)
    except BaseException:
        backend.close(abort=True)
        raise
    backend.close()
    return Ensemble(scenario.name, scenario.horizon.start, root, tuple(results))


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
    figures: str = "all",
    tables_ready: TablesReady | None = None,
) -> RunOutcome:
    """Run replications `first` … `first + reps - 1` (or, with `reps=None` and `precision`,
    until converged; see `sim.runner.precision`) and write the output directory `out`.
    `workers` local processes (`None`: one per core) or a Dask `scheduler`; `document` (the
    resolved scenario) is saved as scenario.resolved.yaml; `figures="none"` leaves out
    figures/shortage.png (see `sim.runner.defaults.FIGURE_SETS`); `tables_ready` is called
    with the finishing directory before figures are drawn (see `TablesReady`)."""
    check_figures(figures)
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
        files = {} if document is None else {contract.RESOLVED: contract.yaml_text(document)}
        store = RunStore.create(Path(out), Layout.of(scenario), plan, files)
    except BaseException:
        backend.close()
        raise
    return _go(scenario, store, backend, progress, figures, tables_ready)


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
        "overrides": contract.plain(overrides or {}),
        "scenario_sha256": scenario_sha256(scenario),
        "seed": scenario.seed if seed is None else int(seed),
        "first": int(first),
        "reps": "auto" if reps is None else int(reps),
        "precision": precision,
        "max_reps": int(max_reps),
        "timeseries": timeseries_mode(timeseries, reps),
        "command": list(command),
        "started": contract.now(),
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
    figures: str = "all",
    tables_ready: TablesReady | None = None,
) -> RunOutcome:
    """Continue the interrupted run of `out` (its `DIR.partial/`) with the same scenario."""
    check_figures(figures)
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
    return _go(scenario, store, backend, progress, figures, tables_ready)


def _go(
    scenario: Scenario,
    store: RunStore,
    backend: Any,
    progress: Progress | None,
    figures: str,
    tables_ready: TablesReady | None = None,
) -> RunOutcome:
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
    drawn = figures != "none"
    manifest = _manifest(store, drawn)

    def figure(bands: pd.DataFrame, title: str, path: Path) -> None:
        if tables_ready is not None:
            tables_ready(path.parents[1], manifest)  # path: DIR/figures/shortage.png
        if drawn:
            save_shortage_bands_figure(bands, title, path)

    ready = drawn or tables_ready is not None
    store.finish(manifest, figure if ready else None, _risk_of(scenario))
    return RunOutcome(store.out, store.folded, int(plan["seed"]))


def _risk_of(scenario: Scenario) -> RiskTable:
    """The risk table of a finished run directory of `scenario` (its `risk:` section)."""
    spec = scenario.risk or RiskSpec()
    info = {b: BuyerInfo(v.country, v.sector) for b, v in scenario.buyers.items()}
    start, end = scenario.horizon.start, scenario.horizon.end
    return lambda path: dir_risk(path, spec, start, end, info)


def _explain(exc: BaseException, store: RunStore) -> None:
    """Notes for the user: how to rerun a failed replication alone; how to resume, unless the
    failure is deterministic (a replication that raised raises again on resume)."""
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
    kept = f"{done} replication{'s' if done != 1 else ''} kept in {partial_dir(store.out)}"
    if isinstance(exc, ReplicationError):
        exc.add_note(f"{kept} (resuming would fail the same way until the cause is fixed)")
        return
    if plan.get("scenario_file"):
        how = f"minsim run --resume {shlex.quote(str(store.out))}"
    else:
        how = f"sim.runner.resume(scenario, {str(store.out)!r})"
    exc.add_note(f"{kept}; continue with: {how}")


def _manifest(store: RunStore, figure: bool) -> dict[str, Any]:
    p = store.plan
    head = {
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
    }
    if p["reps"] == "auto":
        rule = Precision(float(p["precision"]), int(p["max_reps"]))
        worst, short = rule.shortfall(store.shortage_totals())
        head["converged"] = not short
        head["precision_reached"] = worst
        head["not_converged"] = [store.buyers[i] for i in short]
    provenance = {"resumed": p["resumed"], "overrides": p["overrides"]}
    return contract.manifest(
        head,
        command=p["command"],
        started=p["started"],
        provenance=provenance,
        files=store.files(figure),
    )

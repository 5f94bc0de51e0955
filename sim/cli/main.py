"""The `minsim` command, a thin layer over the Python API.

Only `main` prints and catches: subcommands return their output, and exceptions reach `main`,
which prints scenario problems (exit 2) or a one-line error (exit 1; traceback with `--debug`).
Each subcommand imports what it needs when it runs, for start-up time alone (`minsim --help`
loads no numpy, pandas or pydantic); no import here is late to dodge a cycle.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.arguments import (
    ArgumentProblem,
    add_command,
    add_out,
    add_quiet,
    add_reps,
    add_run_options,
    add_scenario,
    add_seed,
    add_selection,
    add_set,
    add_top,
    add_workers,
    check_out,
    check_run_dir,
    dates,
    fraction,
    int_at_least,
    percents,
    reps_arg,
)
from sim.cli.run_options import add_scale_options, drawing_workers, run_command
from sim.cli.workshop import add_workshop_command, run_workshop

if TYPE_CHECKING:
    from sim.results.selection import Selection

EXIT_OK, EXIT_ERROR, EXIT_PROBLEMS = 0, 1, 2
DEFAULT_REPS = 100
MAX_VARIANTS = 1_000  # a sweep of more variants is surely a typo (each runs every replication)


class _Output:
    """What a subcommand has to say: text for stdout and stderr, and the exit code."""

    def __init__(
        self, code: int = EXIT_OK, out: list[str] | None = None, err: list[str] | None = None
    ) -> None:
        self.code = code
        self.out: list[str] = out if out is not None else []
        self.err: list[str] = err if err is not None else []


class _Version(argparse.Action):
    """`--version`: reads the installed version (package metadata) only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from sim._version import __version__

        print(f"minsim {__version__}")
        parser.exit()


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
    except KeyboardInterrupt as exc:
        result = _Output(130, err=["interrupted", *getattr(exc, "__notes__", [])])
    except Exception as exc:
        result = _failure(exc, debug=args.debug)
    try:
        for line in result.out:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `minsim schema | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for line in result.err:
        print(line, file=sys.stderr)
    return result.code


def _failure(exc: Exception, debug: bool) -> _Output:
    """What `main` says of an exception: scenario problems, arguments that cannot work, a
    locked output directory and a selection naming no buyer exit 2; anything else is a one-line
    error (exit 1)."""
    from sim.results.io.lock import OutputLocked
    from sim.results.selection import SelectionError
    from sim.runner.sensitivity import InputError
    from sim.scenario.errors import ScenarioError

    if isinstance(exc, ArgumentProblem | InputError):
        return _Output(EXIT_PROBLEMS, err=[f"error: {exc}"])
    if isinstance(exc, ScenarioError):
        return _Output(EXIT_PROBLEMS, err=[p.format() for p in exc.problems])
    if isinstance(exc, OutputLocked):
        return _Output(EXIT_PROBLEMS, err=[f"error: {exc}"])
    if isinstance(exc, SelectionError):
        return _Output(EXIT_PROBLEMS, err=[f"error: --countries/--sectors: {exc}"])
    if debug:
        import traceback

        traceback.print_exc()
    hint = "" if debug else " (--debug shows the traceback)"
    notes = getattr(exc, "__notes__", [])  # e.g. how to rerun or resume
    return _Output(EXIT_ERROR, err=[f"error: {_one_line(exc)}{hint}", *notes])


def _validate(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loader import load

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


def _list(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.scenario.catalog import catalog

    if not args.dir.is_dir():
        return _Output(EXIT_PROBLEMS, err=[f"error: {args.dir}: not a directory"])
    result = _Output()
    for e in catalog(args.dir):
        if e.problems:
            result.out.append(
                f"{e.path.name:28s} {e.problems} problem(s): minsim validate {e.path}"
            )
            continue
        base = f"extends {e.extends}" if e.extends else "standalone"
        result.out.append(
            f"{e.path.name:28s} {e.horizon}  {e.policies:2d} policies  {base}\n"
            f"{'':28s} {e.description}"
        )
    if not result.out:
        result.out.append(f"no scenario files in {args.dir}")
    return result


def _schema(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.scenario.docs import json_schema_text

    text = json_schema_text()
    if args.out is None:
        return _Output(out=[text.removesuffix("\n")])
    if args.out.is_dir():
        raise ArgumentProblem(f"--out {args.out}: is a directory; name the file to write")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return _Output(out=[f"wrote {args.out}"])


def _run(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.results.selection import scenario_groups
    from sim.scenario.loader import load

    selection = _selection(args)
    check_out(args.out)
    if not selection.everything and args.scenario is not None:  # check before a long run
        selection.check(scenario_groups(load(args.scenario, args.set).scenario))
    progress = None if args.quiet or not sys.stderr.isatty() else _ProgressBar()
    from sim.report import build_report
    from sim.report.drawing import Drawings

    drawings = Drawings(selection, drawing_workers(args))  # drawn while the run finishes
    try:
        done = run_command(
            args, ["minsim", *argv], progress, partial(drawings.aside, figures=args.figures)
        )
    except BaseException:
        drawings.close()
        raise
    finally:
        if progress is not None:
            progress.close()
    out_dir = done.out
    build_report(out_dir, selection, args.figures, drawings=drawings)
    result = _Output(err=_short_of_precision(out_dir))
    if args.quiet:
        return result
    reps = f"{done.reps} replication{'' if done.reps == 1 else 's'}"
    result.out.append(f"results in {out_dir} ({reps}, seed {done.seed})")
    return result


def _short_of_precision(out_dir: Path) -> list[str]:
    import json

    m = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    worst = m.get("precision_reached")
    if m.get("reps_requested") != "auto" or m.get("converged", True):
        return []
    return [
        f"warning: stopped at the cap of {m.get('max_reps')} replications short of the "
        f"precision {m.get('precision')}: the widest relative half-width is {worst:.2g} "
        f"({', '.join(m.get('not_converged') or [])}); raise --max-reps or loosen --precision"
    ]


def _risk(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.results.io.risk import run_risk, write_risk
    from sim.results.risk import most_exposed

    check_run_dir(args.dir)
    table = run_risk(
        args.dir,
        thresholds_pct=args.thresholds,
        by=args.by,
        window_days=args.window,
        cvar_level=args.level,
    )
    path = write_risk(args.dir, table)
    if args.quiet:
        return _Output()
    lines = [f"wrote {path} ({len(table)} rows)"]
    for by in ("buyer", "country", "sector"):
        top = most_exposed(table, by, args.top)
        if not len(top):
            lines.append(f"no {by} runs short")
            continue
        lines.append(f"most exposed by {by} (mean total shortage, t, 95 % CI; CVaR; P by date):")
        for r in top.to_dict("records"):
            ps = "  ".join(f"{k} {r[k]:.0%}" for k in r if k.startswith("p>"))
            when = f" by {r['by']}" if "by" in r else ""
            lines.append(
                f"  {r['group']} {r['commodity']}: {r['shortage_t']:,.0f} "
                f"[{r['ci_low']:,.0f}, {r['ci_high']:,.0f}]  CVaR {r['cvar_t']:,.0f} t  {ps}{when}"
            )
    return _Output(out=lines)


def _compare(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.report import build_report
    from sim.runner.compare import compare

    if len(args.scenarios) < 2:
        raise ArgumentProblem("compare needs at least two scenarios")
    check_out(args.out)
    started = dt.datetime.now(dt.UTC)
    comp = compare(args.scenarios, reps=args.reps, seed=args.seed, sets=args.set)
    out_dir = args.out or Path("runs") / ("compare-" + "-vs-".join(comp.labels))
    comp.write(out_dir, ["minsim", *argv], started)
    build_report(out_dir)
    lines = [f"results in {out_dir} ({comp.reps} replications each, seed {comp.seed})"]
    for label, diff in comp.input_diff().items():
        lines += [f"{label} vs {comp.reference}:", *(f"  {d}" for d in diff or ["(same inputs)"])]
    return _Output(out=[] if args.quiet else lines)


def _sweep(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.report import build_report
    from sim.runner.sweep import sweep

    started = dt.datetime.now(dt.UTC)
    vary: dict[str, list[str]] = {}
    for text in args.vary:
        key, sep, values = text.partition("=")
        if not sep or not key.strip() or not values.strip():
            raise ArgumentProblem(f"--vary expects KEY=V1,V2,... (got {text!r})")
        if key.strip() in vary:
            raise ArgumentProblem(f"--vary {key.strip()} is given twice: list its values once")
        vary[key.strip()] = [v.strip() for v in values.split(",")]
        if len(set(vary[key.strip()])) < len(vary[key.strip()]):
            raise ArgumentProblem(f"--vary {key.strip()}: a value is given twice (got {values!r})")
    count = math.prod(len(v) for v in vary.values()) if args.grid else sum(map(len, vary.values()))
    if count > MAX_VARIANTS:
        raise ArgumentProblem(
            f"--vary gives {count:,} variants{' on the grid' if args.grid else ''}, more than "
            f"{MAX_VARIANTS:,}: vary fewer keys or values"
        )
    check_out(args.out)
    sw = sweep(args.scenario, vary, grid=args.grid, reps=args.reps, seed=args.seed, sets=args.set)
    out_dir = args.out or Path("runs") / f"sweep-{sw.base.scenario.name}"
    sw.write(out_dir, ["minsim", *argv], started)
    build_report(out_dir)
    if args.quiet:
        return _Output()
    t = sw.table()
    lines = [f"results in {out_dir} ({len(sw.variants)} variants × {sw.reps} replications)"]
    lines += [
        f"  {r.settings}: {r.shortage_pct_mean:.2f} % [{r.ci_low:.2f}, {r.ci_high:.2f}]"
        for r in t.itertuples()
    ]
    return _Output(out=lines)


def _sensitivity(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.report import build_report
    from sim.runner.sensitivity import sensitivity, write_sensitivity
    from sim.scenario.loader import load

    samples = args.samples
    if args.method == "sobol" and samples is not None and samples & (samples - 1):
        raise ArgumentProblem(f"--samples: Sobol' needs a power of 2, e.g. 64 (got {samples})")
    twice = sorted({k for k in args.inputs or () if list(args.inputs).count(k) > 1})
    if twice:
        raise ArgumentProblem(f"--inputs lists {', '.join(twice)} more than once")
    check_out(args.out)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    loaded = load(args.scenario, args.set)
    res = sensitivity(
        loaded.scenario,
        args.method,
        args.samples,
        inputs=args.inputs or (),
        outputs=args.outputs or (),
        reps=args.reps,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    out_dir = args.out or Path("runs") / f"sensitivity-{loaded.scenario.name}"
    write_sensitivity(
        res,
        out_dir,
        loaded.scenario,
        scenario_file=str(loaded.path),
        document=loaded.document,
        reps=args.reps,
        command=["minsim", *argv],
        started=started,
    )
    build_report(out_dir)
    if args.quiet:
        return _Output()
    wall = time.perf_counter() - clock
    lines = [
        f"results in {out_dir} ({len(res.design)} design points × {args.reps} replication"
        f"{'s' if args.reps != 1 else ''}, {len(res.design.columns)} inputs, {wall:.0f} s)"
    ]
    for output in res.outputs.columns[: 1 if not args.outputs else None]:
        top = res.ranked(str(output)).head(args.top)
        lines.append(f"{output}: most influential inputs")
        for r in top.to_dict("records"):
            if res.method == "sobol":
                lines.append(
                    f"  {r['input']}: ST {r['ST']:.2f} [{r['ST_low']:.2f}, {r['ST_high']:.2f}]"
                    f"  S1 {r['S1']:.2f}"
                )
            else:
                lines.append(
                    f"  {r['input']}: mu* {r['mu_star']:.3g} "
                    f"[{r['mu_star_low']:.3g}, {r['mu_star_high']:.3g}]  sigma {r['sigma']:.3g}"
                )
    return _Output(out=lines)


def _report(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.report import build_report

    check_run_dir(args.dir)
    path = build_report(args.dir, _selection(args), workers=drawing_workers(args))
    return _Output(out=[] if args.quiet else [f"wrote {path}"])


def _workshop(args: argparse.Namespace, argv: list[str]) -> _Output:
    run_workshop(args)
    return _Output()


def _backtest(args: argparse.Namespace, argv: list[str]) -> _Output:
    from sim.validation.backtest import SUITES, backtest

    names = list(SUITES) if args.case == "all" else [args.case]
    if args.scenario is not None and len(names) > 1:
        names = ["2010"]  # a scenario of the 2010 world, as before cases were named
    results = [backtest(args.scenario, reps=args.reps, seed=args.seed, suite=n) for n in names]
    lines = [line for r in results for line in [*r.lines(), ""]][:-1]
    ok = all(r.passed for r in results)
    return _Output(EXIT_OK if ok else EXIT_ERROR, out=lines)


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
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, run: Callable[..., _Output], **text: str) -> argparse.ArgumentParser:
        return add_command(sub, name, run, [debug], **text)

    p = command(
        "validate",
        _validate,
        help="check scenario files and report every problem",
        description="Load each scenario (extends, --set), validate it and check its references. "
        "Prints 'ok' with the scenario hash per valid file; problems go to stderr. "
        "Exit code 2 if any file has problems.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML file")
    add_set(p)

    p = command(
        "list",
        _list,
        help="list the scenario files of a directory",
        description="List the scenario files in DIR (default: scenarios) with their horizon, "
        "number of policies, base file and description.",
    )
    p.add_argument(
        "dir", nargs="?", type=Path, default=Path("scenarios"), metavar="DIR", help="directory"
    )

    p = command(
        "schema",
        _schema,
        help="print the JSON Schema of scenario files",
        description="Print (or write) the JSON Schema of scenario files, for editors.",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")

    p = command(
        "run",
        _run,
        help="run replications of a scenario and write results",
        description="Run replications of a scenario and write manifest, summary, time series, "
        "events and figures to the output directory. Nothing is written if the scenario has "
        "problems.",
    )
    add_scenario(p, nargs="?")
    add_reps(
        p,
        DEFAULT_REPS,
        f"number of replications, or auto (see --precision) (default {DEFAULT_REPS})",
        parse=reps_arg,
        metavar="N|auto",
    )
    add_seed(p)
    add_out(p, "runs/<scenario name>")
    add_set(p)
    add_scale_options(p)
    add_selection(p)
    add_quiet(p)

    p = command(
        "compare",
        _compare,
        help="run scenarios with the same seeds and compare them",
        description="Run each scenario with the same root seed and replications (common random "
        "numbers); write paired differences with 95 % intervals, overlaid curves, the diff of "
        "the inputs and a report. The first scenario is the reference.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files (≥ 2)")
    add_run_options(p, "runs/compare-<A>-vs-<B>")

    p = command(
        "sweep",
        _sweep,
        help="vary scenario values one at a time or on a grid",
        description="Run the scenario and variants of it, each --vary KEY=V1,V2 applied as "
        "--set KEY=V; one key at a time (default) or every combination (--grid). Writes a "
        "table, a tornado chart of total shortage and a report.",
    )
    add_scenario(p)
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY=V1,V2,...",
        help="values of a key (repeatable), e.g. policies.oct_ctrl.license.approval_rate=0.2,0.8",
    )
    p.add_argument("--grid", action="store_true", help="run every combination of the values")
    add_run_options(p, "runs/sweep-<scenario name>")

    p = command(
        "sensitivity",
        _sensitivity,
        help="global sensitivity of the shortage to every uncertain input",
        description="Sobol' or Morris global sensitivity (SALib; pip install "
        "'minsim[sensitivity]') over every distribution a replication draws, by key path, or "
        "the --inputs given. Each design point fixes those inputs and runs the same "
        "replications under the same seed (common random numbers). Writes sensitivity.csv "
        "(S1, ST with 95 % intervals, or mu*, sigma), design.csv, a ranked chart and a report.",
    )
    add_scenario(p)
    p.add_argument("--method", choices=("sobol", "morris"), default="morris", help="default morris")
    p.add_argument(
        "--samples",
        type=int_at_least(2, 65_536),
        metavar="N",
        help="Sobol': base samples N (a power of 2; N × (inputs + 2) points, default 64); "
        "Morris: trajectories (N × (inputs + 1) points, default 10)",
    )
    p.add_argument(
        "--inputs", nargs="+", metavar="KEY", help="key paths of the inputs (default: all)"
    )
    p.add_argument(
        "--outputs",
        nargs="+",
        metavar="[METRIC:]TARGET",
        help="outputs: TARGET total, a buyer id or buyer/commodity; METRIC shortage_pct "
        "(default, %% of demand over the horizon) or shortage_t (default: total and each buyer)",
    )
    add_reps(
        p,
        1,
        "replications per design point, the same at every point (default 1)",
        metavar="R",
    )
    add_seed(p)
    add_workers(p)
    add_out(p, "runs/sensitivity-<name>")
    add_top(p, "inputs printed per output")
    add_set(p)
    add_quiet(p)

    p = command(
        "report",
        _report,
        help="write report.html for an output directory",
        description="Write DIR/report.html (one self-contained page: metrics, figures, "
        "assumptions, provenance) for a run, compare or sweep directory: every importing "
        "country and buyer sector of the scenario, or those chosen with --countries/--sectors.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="output directory")
    add_selection(p)
    add_quiet(p)

    p = command(
        "risk",
        _risk,
        help="write risk metrics (risk.csv) of a run directory",
        description="Compute DIR/risk.csv from a run directory: per buyer × commodity and "
        "by country and sector, P(shortage > x % of demand over a window ending by date T) "
        "with Wilson intervals, mean total shortage with t intervals, its CVaR, and the value "
        "of lost production where the scenario's risk.lost_value declares one. The grid comes "
        "from the scenario's risk: section unless given here. P needs the run's "
        "timeseries.parquet.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="run output directory")
    p.add_argument(
        "--thresholds", type=percents, metavar="X,...", help="shortage thresholds, %% of demand"
    )
    p.add_argument("--by", type=dates, metavar="DATE,...", help="dates T, e.g. 2026-12-31")
    p.add_argument(
        "--window", type=int_at_least(1, 36_500), metavar="DAYS", help="window length, days"
    )
    p.add_argument("--level", type=fraction("0.95"), metavar="A", help="CVaR level (default 0.95)")
    add_top(p, "rows printed per grouping")
    add_quiet(p)

    p = command(
        "backtest",
        _backtest,
        help="compare the 2010 and 2025 scenarios with published facts",
        description="Run the backtest cases — 2010 (scenarios/embargo_2010_japan.yaml: "
        "Japan's China share, recovery, substitution, the price spike) and 2025 "
        "(scenarios/apr2025_licensing.yaml: the ex-China Dy/Tb premium and its volume, China's "
        "NdPr price after the feed loss) — and print model against observed for each published "
        "fact with its tolerance and PASS/FAIL. Exit code 0 when every check passes, 1 "
        "otherwise.",
    )
    add_scenario(
        p,
        nargs="?",
        help="scenario YAML file in place of the case's own (with --case all: the 2010 case)",
    )
    p.add_argument(
        "--case",
        choices=["all", "2010", "2025"],
        default="all",
        help="which case to run (default all)",
    )
    add_reps(p, 20, "replications (default 20)")
    add_seed(p)

    add_workshop_command(sub, [debug], _workshop)
    return parser


def _selection(args: argparse.Namespace) -> Selection:
    from sim.results.selection import Selection

    return Selection(args.countries or None, args.sectors or None)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

"""Refresh the result sections of docs/scenarios.md by running the shipped scenarios.

    .venv/bin/python scripts/scenario_guide.py              # 20 replications each
    .venv/bin/python scripts/scenario_guide.py --reps 50 outlook_2026

Only the text between `<!-- results:NAME -->` and `<!-- /results:NAME -->` is rewritten (plus
`<!-- results:backtest -->` for the 2010 backtest); everything else in the guide is prose kept
by hand. Each scenario runs at its own seed, so the numbers are reproducible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim import __version__
from sim.results.records import Ensemble
from sim.runner.ensemble import run
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.validation.backtest import backtest
from sim.validation.library import (
    HEAVY,
    ROOT,
    containing,
    heavy_shortage,
    partner_shortage,
    shipped,
    shortage_since,
)

GUIDE = ROOT / "docs" / "scenarios.md"
#: Scenarios with an uncertain suspension expiry: results after it, by outcome.
EXPIRY = {"outlook_2026": ("busan_pause", dt.date(2026, 11, 10))}


def md_table(frame: pd.DataFrame) -> list[str]:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join(" --- " for _ in cols) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)]
    return lines


def shortage_rows(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "buyer": table["buyer"],
            "commodity (elements)": table["commodity"] + " (" + table["elements"] + ")",
            "shortage, % of demand: mean [90 % interval]": [
                f"{r.mean:.2f} [{r.p05:.2f} – {r.p95:.2f}]" for r in table.itertuples()
            ],
            "P(any shortage)": [f"{p:.0%}" for p in table["p_short"]],
        }
    )


def scenario_section(scenario: Scenario, ensemble: Ensemble, reps: int) -> list[str]:
    h = scenario.horizon
    summary = ensemble.summary
    heavy = heavy_shortage(summary, scenario)
    lines = [
        f"*{reps} replications, seed {ensemble.seed}, {h.start} – {h.end}, minsim {__version__}; "
        "US and Japanese buyers; 90 % interval = 5th–95th percentile over replications.*",
        "",
    ]
    if containing(scenario, HEAVY):
        lines += [
            f"Dy/Tb-containing commodities, US and Japanese buyers together: **{heavy.mean():,.0f}"
            f" t short** (mean; 90 % interval {heavy.quantile(0.05):,.0f} – "
            f"{heavy.quantile(0.95):,.0f} t).",
            "",
        ]
    table = partner_shortage(summary, scenario)
    if table.empty:
        return [*lines, "No US or Japanese buyer is short of anything in any replication."]
    return [*lines, *md_table(shortage_rows(table))]


def expiry_section(scenario: Scenario, ensemble: Ensemble, policy: str, day: dt.date) -> list[str]:
    ev = ensemble.events
    renewed = set(
        ev[(ev["kind"] == "suspension_renewed") & (ev["subject"] == policy)]["replication"]
    )
    since = shortage_since(ensemble.buyers, scenario, day)
    lines = ["", f"After {day} (expiry of `{policy}`), by outcome at expiry:", ""]
    for label, keep in (("renewed", True), ("snap-back", False)):
        reps = [r for r in sorted(since["replication"].unique()) if (r in renewed) == keep]
        part = since[since["replication"].isin(reps)]
        lines.append(f"*{label}: {len(reps)} of {since['replication'].nunique()} replications*")
        lines.append("")
        table = partner_shortage(part, scenario) if reps else pd.DataFrame()
        lines += md_table(shortage_rows(table)) if not table.empty else ["No shortage."]
        lines.append("")
    return lines[:-1]


def backtest_section(reps: int) -> list[str]:
    result = backtest(reps=reps)
    table = result.table()
    passed = (table["result"] == "PASS").sum()
    checks = (table["result"] != "info").sum()
    return [
        f"*`minsim backtest --reps {reps}` (seed {result.seed}), minsim {__version__}: "
        f"{passed} of {checks} checks pass.*",
        "",
        *md_table(table),
    ]


def replace(text: str, name: str, lines: list[str]) -> str:
    pattern = re.compile(rf"(<!-- results:{name} -->\n).*?(<!-- /results:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{GUIDE}: no markers <!-- results:{name} --> … <!-- /results:{name} -->")
    return pattern.sub(lambda mt: mt.group(1) + "\n".join(lines) + "\n" + mt.group(2), text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenario names (default: all, and backtest)")
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args(argv)
    text = GUIDE.read_text(encoding="utf-8")
    paths: list[Path] = [p for p in shipped() if not args.names or p.stem in args.names]
    for path in paths:
        scenario = load_scenario(path)
        ensemble = run(scenario, reps=args.reps, seed=scenario.seed)
        lines = scenario_section(scenario, ensemble, args.reps)
        if path.stem in EXPIRY:
            lines += expiry_section(scenario, ensemble, *EXPIRY[path.stem])
        text = replace(text, path.stem, lines)
        print(f"{path.stem}: refreshed")
    if not args.names or "backtest" in args.names:
        text = replace(text, "backtest", backtest_section(args.reps))
        print("backtest: refreshed")
    GUIDE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

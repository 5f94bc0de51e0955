"""The report's risk section: for the most exposed buyers, countries and sectors, P(shortage >
x % of demand over a window by date T), mean total shortage with its interval, its CVaR and,
where declared, the value of lost production (from risk.csv; see `sim.results.risk`)."""

from __future__ import annotations

import pandas as pd

from sim.report import html
from sim.results.risk import GROUPS, most_exposed

TOP = 8


def _shown(t: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"who": t["group"], "commodity": t["commodity"]})
    out["mean shortage, t [95 % CI]"] = [
        f"{m:,.0f} [{lo:,.0f}–{hi:,.0f}]" if pd.notna(lo) else f"{m:,.0f}"
        for m, lo, hi in zip(t["shortage_t"], t["ci_low"], t["ci_high"], strict=True)
    ]
    out["CVaR, t"] = [f"{v:,.0f}" for v in t["cvar_t"]]
    for c in t.columns:
        if c.startswith("p>"):
            out[f"P({c[1:]})"] = [f"{100 * v:.0f} %" for v in t[c]]
    return out


def risk_section(table: pd.DataFrame | None, reps: int) -> str:
    """HTML of the risk section (a note where the run has no risk.csv)."""
    if table is None or table.empty:
        return "<p>No risk.csv in this directory: <code>minsim risk DIR</code> writes it.</p>"
    p = table[table["metric"] == "p_exceed"]
    level = table.loc[table["metric"] == "cvar_t", "threshold_pct"]
    lv = f"{level.iloc[0]:g} %" if len(level) else "95 %"
    if len(p):
        window = int(p["window_days"].iloc[0])
        head = (
            f"P(&gt;x %) is the probability that unmet demand exceeds x % of demand over some "
            f"{window}-day window ending by {html.esc(p['by'].astype(str).max())}, over {reps} "
            "replications; "
        )
    else:
        head = "No per-replication time series was kept, so no P(shortage &gt; x by T); "
    parts = [
        f'<p class="note">{head}CVaR {lv}: mean total shortage of the worst {100 - float(lv[:-2]):g} % '
        "of replications. Mean with a 95 % Student-t interval; probabilities with Wilson "
        "intervals in risk.csv.</p>"
    ]
    for by in GROUPS:
        t = most_exposed(table, by, TOP)
        if t.empty:
            continue
        parts.append(f"<h3>By {by}</h3>" + html.table(_shown(t), ("who", "commodity")))
    lost = table[table["metric"] == "lost_value_usd"]
    if len(lost):
        shown = pd.DataFrame(
            {
                "who": lost["group_by"] + " " + lost["group"],
                "commodity": lost["commodity"],
                "lost production, US$ [95 % CI]": [
                    f"{v:,.0f} [{lo:,.0f}–{hi:,.0f}]" if pd.notna(lo) else f"{v:,.0f}"
                    for v, lo, hi in zip(
                        lost["value"], lost["ci_low"], lost["ci_high"], strict=True
                    )
                ],
            }
        )
        parts.append("<h3>Value of lost production</h3>" + html.table(shown, ("who", "commodity")))
    if len(parts) == 1:
        parts.append("<p>No buyer runs short.</p>")
    return "".join(parts)

"""`minsim report DIR`: one self-contained HTML page for a run, compare or sweep directory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.report import html
from sim.report.drawing import Drawings, report_figures
from sim.report.figures import FigureSpec, marks, shown
from sim.report.first_screen import first_screen, full_table
from sim.report.risk import risk_section
from sim.report.selected import document_groups, select
from sim.report.sensitivity import sensitivity_sections
from sim.report.sources import changes_section, settings_section, sources_section
from sim.report.tables import formatted, headline, policy_table
from sim.results.io.atomic import write_atomic
from sim.results.io.reader import OutputDir, read_output_dir
from sim.results.selection import Selection
from sim.runner.defaults import check_figures

REPORT = "report.html"
FIRST = "first_screen.png"
_LEFT = (
    "scenario",
    "variant",
    "buyer",
    "country",
    "sector",
    "commodity",
    "settings",
    "id",
    "type",
    "description",
)


def build_report(
    path: str | Path,
    selection: Selection | None = None,
    figures: str = "all",
    workers: int = 1,
    drawings: Drawings | None = None,
) -> Path:
    """Write DIR/figures/*.png and DIR/report.html (each atomically) from DIR's tables: every
    importing country and sector, or those of `selection`; `figures` says which figures: all,
    summary (the shortage charts) or none; `workers` > 1 draws them in that many processes
    while this one builds the page (same files), or `drawings` (of `selection`, maybe started
    aside as the run finished; closed here)."""
    selection = selection or Selection()
    check_figures(figures)
    drawings = drawings or Drawings(selection, workers)
    try:
        if figures != "none":
            drawings.start(path)
        return _build(path, selection, figures, drawings)
    finally:
        drawings.close()


def _build(path: str | Path, selection: Selection, figures: str, drawings: Drawings) -> Path:
    out = select(read_output_dir(path), selection)
    embedded: dict[str, FigureSpec] = {}

    def embed(spec: FigureSpec) -> str:
        """A placeholder for the figure, replaced once the page is built (and the PNG drawn)."""
        if not shown(spec.name, figures):
            return ""
        token = f"\x00figure:{spec.name}\x00"
        embedded[token] = spec
        return token

    if out.kind == "sensitivity":
        sections = [*sensitivity_sections(out, embed), ("Provenance", _provenance(out))]
    else:
        specs = report_figures(out)
        rest = [s for s in specs if s.name != FIRST]
        drawings.ahead([s.name for s in rest] + [FIRST], figures)
        top = first_screen(out, marks(out), embed) if out.kind == "run" else ""
        sections = _sections(out, [embed(s) for s in rest])
        if top:
            sections.insert(0, ("Who runs short", top))
    subtitle = _subtitle(out)
    if not selection.everything:
        subtitle += f"; buyers of {selection.describe()}"
    page = html.page(_title(out), subtitle, sections)
    for token, spec in embedded.items():
        png = drawings.png(spec)
        write_atomic(out.path / "figures" / spec.name, png)
        page = page.replace(token, html.figure(png, spec.caption, spec.name))
    return write_atomic(out.path / REPORT, page)


def _title(out: OutputDir) -> str:
    m = out.manifest
    if out.kind == "compare":
        return "minsim comparison: " + " vs ".join(s["label"] for s in m.get("scenarios", []))
    if out.kind == "sweep":
        return f"minsim sweep: {m.get('scenario', '')}"
    if out.kind == "sensitivity":
        return f"minsim sensitivity ({m.get('method')}): {m.get('scenario', '')}"
    return f"minsim run: {m.get('scenario', '')}"


def _subtitle(out: OutputDir) -> str:
    m = out.manifest
    if out.kind == "sensitivity":
        return (
            f"{m.get('points')} design points × {m.get('reps')} replication(s), root seed "
            f"{m.get('seed')}; minsim {m.get('version')}; report written "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        )
    return (
        f"{m.get('reps')} replications, root seed {m.get('seed')}; minsim {m.get('version')}; "
        f"report written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def _sections(out: OutputDir, figs: list[str]) -> list[tuple[str, str]]:
    note = (
        '<p class="note">Median [5th–95th percentile] across replications; "first shortage" is '
        'the day of the horizon with the first shortfall, "recovery" the days from it until '
        "no shortfall recurs (– where undefined); definitions in docs/analysis.md.</p>"
    )
    group = {"compare": "scenario", "sweep": "variant"}.get(out.kind)
    metrics = out.metrics
    if out.kind == "sweep":
        metrics = metrics[metrics["variant"] == "baseline"]
        group = None
    sections = []
    if out.kind == "sweep" and "sweep" in out.tables:
        t = out.tables["sweep"]
        t = t[
            ["settings", *[c for c in t.columns if c.startswith(("shortage", "ci", "p0", "diff"))]]
        ]
        sections.append(
            (
                "Sweep results",
                '<p class="note">Main metric: total shortage of all buyers, % of demand; mean '
                "with 95 % confidence interval, and the paired difference from the baseline "
                "(same random numbers).</p>" + html.table(formatted(t), _LEFT),
            )
        )
    table = headline(metrics, group, document_groups(out.documents.values()))
    sections.append(
        (
            "Headline metrics" + (" (baseline)" if out.kind == "sweep" else ""),
            (full_table(table, _LEFT) if out.kind == "run" else html.table(table, _LEFT)) + note,
        )
    )
    if out.kind == "run":
        sections.append(("Risk", risk_section(out.tables.get("risk"), int(out.manifest["reps"]))))
    if out.kind == "compare" and "differences" in out.tables:
        d = out.tables["differences"]
        d = d[d["metric"].isin(["shortage_pct", "fill_rate", "shortage_days"])]
        sections.append(
            (
                "Differences (paired, same seeds)",
                '<p class="note">Scenario − reference per replication; mean and 95 % confidence '
                "interval (Student t).</p>"
                + html.table(formatted(d.drop(columns=["reference"])), [*_LEFT, "metric"]),
            )
        )
    sections.append(("Figures", "".join(figs) or "<p>No figures.</p>"))
    if out.kind == "compare":
        labels = [str(s["label"]) for s in out.manifest.get("scenarios", [])]
        if labels:
            sections.append(("What changed", changes_section(out.documents, labels[0])))
    if out.kind == "sweep":
        base = next(iter(out.documents.values()), {})
        sections.append(("What changed", settings_section(base, out.manifest.get("variants", []))))
    doc = next(iter(out.documents.values()), {})
    sections.append(("Sources of the inputs that matter most", sources_section(doc)))
    sections.append(("Assumptions", _assumptions(out)))
    sections.append(("Provenance", _provenance(out)))
    return sections


def _assumptions(out: OutputDir) -> str:
    parts = []
    pm = marks(out)
    parts.append(
        "<p>Policies and their dates:</p>" + html.table(policy_table(pm), _LEFT)
        if pm
        else "<p>No dated policies.</p>"
    )
    if "inputs_diff" in out.texts:
        parts.append("<p>Inputs that differ from the reference scenario:</p>")
        parts.append(f"<pre>{html.esc(out.texts['inputs_diff'])}</pre>")
    if out.kind == "sweep":
        vary = out.manifest.get("vary", {})
        mode = "full grid" if out.manifest.get("grid") else "one at a time"
        lines = "\n".join(f"{k}: {', '.join(map(str, v))}" for k, v in vary.items())
        parts.append(f"<p>Varied ({mode}):</p><pre>{html.esc(lines)}</pre>")
    return "".join(parts)


def _provenance(out: OutputDir) -> str:
    m = out.manifest
    items: list[tuple[str, Any]] = []
    if out.kind == "compare":
        for s in m.get("scenarios", []):
            items.append((s["label"], f"{s.get('file') or '(in memory)'} · sha256 {s['sha256']}"))
            if s.get("overrides"):
                items.append((f"{s['label']} overrides", s["overrides"]))
    else:
        items += [
            ("scenario", m.get("scenario")),
            ("scenario file", m.get("scenario_file")),
            ("scenario sha256", m.get("scenario_sha256")),
            ("overrides", m.get("overrides") or "none"),
        ]
    items += [
        ("seed", m.get("seed")),
        ("replications", m.get("reps")),
        ("minsim version", m.get("version")),
        ("command", " ".join(m.get("command") or []) or "(Python API)"),
        ("started", m.get("started")),
        ("finished", m.get("finished")),
        ("report generated by", f"minsim {__version__}"),
    ]
    return html.definitions([(k, v) for k, v in items if v is not None])

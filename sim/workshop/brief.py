"""The session log of variants tried, and the brief exported from it: one HTML page with PNG
figures comparing each variant with the base, with provenance and the sources of the levers."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

from sim._version import __version__
from sim.plotting.variants import save_variant_fans
from sim.results.policies import PolicyMark, policy_marks
from sim.workshop.curves import Headline, fan, headlines
from sim.workshop.engine import Variant, Workshop


def series_name(workshop: Workshop, buyer: str, commodity: str) -> str:
    """A buyer × commodity in words: "US defense NdFeB magnet"."""
    b = workshop.base.loaded.scenario.buyers.get(buyer)
    who = f"{b.country} {b.sector}" if b is not None and b.sector else buyer
    return f"{who} {commodity.replace('_', ' ')}"


def moved_text(workshop: Workshop, variant: Variant) -> str:
    """The levers a variant moves, in words ("base" when none)."""
    if variant.is_base:
        return "base (scenario as written)"
    return "; ".join(
        f"{workshop.levers[n].label}: {workshop.levers[n].show(p)}" for n, p in variant.moved
    )


def lever_marks(workshop: Workshop) -> list[PolicyMark]:
    """Dates of the policies the levers act on (the only policy dates the page marks)."""
    ids = {
        lev.key.split(".")[1] for lev in workshop.levers.values() if lev.key.startswith("policies.")
    }
    return [m for m in policy_marks(workshop.base.loaded.document) if m.id in ids]


@dataclass
class Entry:
    """One variant tried in the session, with its latest headlines."""

    variant: Variant
    lines: list[str] = field(default_factory=list)
    reps: int = 0


class SessionLog:
    """The variants tried in one page session, in the order first tried (a revisited setting
    keeps its entry)."""

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.entries: dict[str, Entry] = {}

    def add(self, variant: Variant) -> Entry:
        """The entry of `variant`, added if new."""
        return self.entries.setdefault(variant.key, Entry(variant))

    def update(self, variant: Variant) -> list[Headline]:
        """Refresh the headlines of `variant`'s entry from the cache; returns them."""
        entry = self.add(variant)
        w = self.workshop
        base, var = w.outcomes(w.base), w.outcomes(variant)
        found = headlines(base, var, w.months)
        entry.reps = min(len(base), len(var))
        entry.lines = [h.text(series_name(w, *h.series)) for h in found] or (
            ["no buyer runs short"] if entry.reps else []
        )
        return found

    def variants(self) -> list[Entry]:
        """Entries other than the base."""
        return [e for e in self.entries.values() if not e.variant.is_base]


def write_brief(log: SessionLog, out: str | Path) -> Path:
    """Write `out`/brief.html and `out`/figures/*.png for the variants of `log`; returns the page."""
    w = log.workshop
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    base = w.outcomes(w.base)
    marks = lever_marks(w)
    rows, figures = [], []
    entries = log.variants() or list(log.entries.values())
    for k, entry in enumerate(entries, start=1):
        found = log.update(entry.variant)
        var = w.outcomes(entry.variant)
        png = out / "figures" / f"variant_{k}.png"
        if base and var:
            pairs = [h.series for h in found[:3]]
            save_variant_fans(
                fan(base, w.months),
                fan(var, w.months),
                pairs,
                [series_name(w, *p) for p in pairs],
                png,
                marks,
            )
            figures.append(
                f'<figure><img src="figures/{png.name}" alt="variant {k}"><figcaption>Variant {k}: '
                f"{_e(moved_text(w, entry.variant))} — unmet demand, base (grey) and variant "
                "(orange): median, 50 % and 90 % bands across replications</figcaption></figure>"
            )
        heads = "".join(f"<li>{_e(line)}</li>" for line in entry.lines) or "<li>not run yet</li>"
        rows.append(
            f"<tr><td>{k}</td><td>{_e(moved_text(w, entry.variant))}</td><td><ul>{heads}</ul></td>"
            f"<td>{entry.reps}</td><td><code>{entry.variant.key[:12]}</code></td></tr>"
        )
    sources = "".join(
        f"<tr><td>{_e(lev.label)}</td><td><code>{_e(lev.key)}</code></td>"
        f"<td>{_e(lev.show(lev.default))}</td><td>{_e(lev.cited)}</td></tr>"
        for lev in w.levers.values()
    )
    scenario = w.base.loaded.scenario
    page = _PAGE.format(
        title=_e(f"Workshop brief: {scenario.name}"),
        description=_e(scenario.description),
        rows="".join(rows),
        figures="".join(figures),
        sources=sources,
        file=_e(str(w.path)),
        sets=_e(" ".join(f"--set {s}" for s in w.sets) or "none"),
        sha=w.base.key,
        seed=w.seed,
        reps=len(base),
        version=_e(__version__),
        when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    path = out / "brief.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3rem .4rem; text-align: left; vertical-align: top; }}
ul {{ margin: 0; padding-left: 1.1rem; }} figure {{ margin: 1rem 0; }} img {{ max-width: 100%; }}
figcaption, .small {{ color: #555; font-size: 12px; }}
</style></head><body>
<h1>{title}</h1>
<p>{description}</p>
<h2>Variants compared with the base</h2>
<p class="small">Each variant and the base ran with the same root seed and replication numbers
(common random numbers). Headlines: the worst year's unmet demand as a share of demand, mean
across replications [5th–95th percentile], and the mean paired difference from the base.</p>
<table><tr><th>#</th><th>Levers moved</th><th>Headlines</th><th>Replications</th>
<th>Scenario sha256</th></tr>{rows}</table>
{figures}
<h2>Levers and their sources</h2>
<table><tr><th>Lever</th><th>Key</th><th>As written</th><th>Source or rationale</th></tr>
{sources}</table>
<h2>Provenance</h2>
<table>
<tr><td>Scenario file</td><td><code>{file}</code> (overrides: {sets})</td></tr>
<tr><td>Base scenario sha256</td><td><code>{sha}</code></td></tr>
<tr><td>Root seed</td><td>{seed}</td></tr>
<tr><td>Base replications</td><td>{reps}</td></tr>
<tr><td>minsim version</td><td>{version}</td></tr>
<tr><td>Exported</td><td>{when}</td></tr>
</table>
</body></html>
"""

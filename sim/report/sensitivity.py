"""The report of a sensitivity directory: the ranked chart and table of indices per output, and
the sources of the inputs that matter most."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from sim.plotting.common import Figure, figure_of
from sim.plotting.sensitivity import plot_indices
from sim.report import html
from sim.report.figures import FigureSpec
from sim.report.sources import sources_section
from sim.report.tables import formatted
from sim.results.io.reader import OutputDir

TOP = 15


def _method_note(method: str) -> str:
    if method == "sobol":
        return (
            "Sobol' indices (Saltelli design): S1 is the share of the output's variance due to "
            "the input alone, ST including its interactions; 95 % bootstrap intervals."
        )
    return (
        "Morris elementary effects: μ* is the mean absolute change of the output when the input "
        "moves across its range (other inputs held), with a 95 % bootstrap interval; σ large "
        "against μ* means interactions or non-linearity."
    )


def _indices(indices: pd.DataFrame, output: str) -> Figure:
    return figure_of(plot_indices(indices, output, top=TOP))


def sensitivity_sections(
    out: OutputDir, figure: Callable[[FigureSpec], str]
) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a sensitivity report; `figure(spec)` embeds a figure."""
    m = out.manifest
    indices = out.tables.get("sensitivity", pd.DataFrame())
    method = str(m.get("method", "morris"))
    key = "ST" if method == "sobol" else "mu_star"
    sections = []
    summary = (
        f"{m.get('points')} design points × {m.get('reps')} replication(s), "
        f"{len(m.get('inputs', []))} inputs; same root seed {m.get('seed')} at every point "
        "(common random numbers). " + _method_note(method)
    )
    body = [f'<p class="note">{html.esc(summary)}</p>']
    for output in m.get("outputs", []):
        t = indices[indices["output"] == output].sort_values(key, ascending=False)
        if t.empty:
            continue
        name = f"sensitivity_{str(output).replace(':', '_').replace('/', '_')}.png"
        body.append(
            figure(
                FigureSpec(
                    name,
                    f"{output}: the {min(TOP, len(t))} most influential inputs.",
                    partial(_indices, indices, str(output)),
                )
            )
        )
        body.append(
            "<details><summary>All indices of "
            + html.esc(output)
            + "</summary>"
            + html.table(formatted(t.drop(columns=["output"])), ("input",))
            + "</details>"
        )
    sections.append(("What drives the shortage", "".join(body)))
    doc = next(iter(out.documents.values()), {})
    sections.append(("Sources of the inputs that matter most", sources_section(doc, indices)))
    return sections

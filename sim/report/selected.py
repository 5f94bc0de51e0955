"""An output directory's tables narrowed to the buyers and importing countries of a selection."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from sim.results.io.reader import OutputDir
from sim.results.metrics import ALL, overall
from sim.results.selection import Groups, Selection, SelectionError


def document_groups(documents: Iterable[Mapping[str, Any]]) -> Groups:
    """Country and sector of each buyer in resolved scenario documents (later ones win)."""
    out: Groups = {}
    for doc in documents:
        for b, spec in (doc.get("buyers") or {}).items():
            if isinstance(spec, Mapping):
                out[str(b)] = (str(spec.get("country", "")), str(spec.get("sector") or ""))
    return out


def select(out: OutputDir, selection: Selection) -> OutputDir:
    """The tables of `out` narrowed to the selected buyers (metrics with their totals recomputed)
    and to flows into the selected countries."""
    if selection.everything:
        return out
    groups = document_groups(out.documents.values())
    if not groups:
        raise SelectionError(f"{out.path}: no saved scenario says which buyer is where")
    selection.check(groups)
    buyers = selection.buyers(groups)
    countries = sorted({groups[b][0] for b in buyers})
    flows = out.flows
    if "destination_country" in flows.columns:
        flows = flows[flows["destination_country"].isin(countries)]
    return dataclasses.replace(
        out,
        metrics=_metrics(out.metrics, buyers),
        bands=out.bands[out.bands["buyer"].isin(buyers)],
        flows=flows,
    )


def _metrics(metrics: pd.DataFrame, buyers: list[str]) -> pd.DataFrame:
    """Rows of the selected buyers; the all-buyer totals, if the table has them, recomputed."""
    kept = metrics[metrics["buyer"].isin(buyers)]
    if not (metrics["buyer"] == ALL).any():
        return kept
    pairs = kept[kept["commodity"] != ALL]
    return pd.concat([kept, overall(pairs)], ignore_index=True)

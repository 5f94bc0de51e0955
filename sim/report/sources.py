"""The report cites its sources: the scenario's `source:` texts behind the inputs that matter
most, and what changed between the scenarios of a compare or sweep.

An input's source is its own `source:` or, failing that, the nearest one of the entries that
contain it (a buyer's, a policy's). Inputs are ranked by a sensitivity result where the
directory has one (total index, or μ*), else they are the uncertain numbers of the policies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from sim.report import html
from sim.scenario.diff import changes, show

TOP = 15
_LEFT = ("input", "value", "source", "change", "scenario", "variant")


def _step(node: Any, key: str) -> Any:
    if isinstance(node, Mapping):
        return node.get(key)
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, Mapping) and key in (
                str(item.get("id")),
                f"{item.get('origin')}->{item.get('destination')}",
                str(i),
            ):
                return item
    return None


def lookup(doc: Mapping[str, Any], path: str) -> tuple[Any, str | None]:
    """The value at key path `path` of a scenario document (None if absent) and its source:
    the deepest `source:` on the way to it."""
    node: Any = doc
    source = doc.get("source")
    for key in path.split("."):
        node = _step(node, key)
        if node is None:
            return None, source
        if isinstance(node, Mapping) and node.get("source"):
            source = str(node["source"])
    return node, source


def _uncertain(node: Any, path: str) -> Iterator[str]:
    if isinstance(node, Mapping):
        if "dist" in node:
            yield path
            return
        for k, v in node.items():
            yield from _uncertain(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            key = v.get("id", i) if isinstance(v, Mapping) else i
            yield from _uncertain(v, f"{path}.{key}")


def policy_inputs(doc: Mapping[str, Any]) -> list[str]:
    """Key paths of the policies and of the uncertain numbers inside them, in file order."""
    out = []
    for p in doc.get("policies") or []:
        if isinstance(p, Mapping):
            out.append(f"policies.{p.get('id')}")
            out += list(_uncertain(p, f"policies.{p.get('id')}"))
    return out


def ranked_inputs(indices: pd.DataFrame, output: str | None = None) -> list[str]:
    """Inputs of a sensitivity table, most influential on `output` (default the first) first."""
    name = output or str(indices["output"].iloc[0])
    t = indices[indices["output"] == name]
    key = "ST" if "ST" in t.columns and t["ST"].notna().any() else "mu_star"
    return [str(v) for v in t.sort_values(key, ascending=False, kind="stable")["input"]]


def source_table(doc: Mapping[str, Any], paths: list[str]) -> pd.DataFrame:
    """input, value (as written), source of each key path."""
    rows = []
    for p in paths:
        value, source = lookup(doc, p)
        if isinstance(value, Mapping) and "type" in value:  # a whole policy: say what it is
            value = f"{value.get('type')} from {show(value.get('start'))}"
        rows.append({"input": p, "value": _brief(value), "source": source or "(none given)"})
    return pd.DataFrame(rows, columns=["input", "value", "source"])


def _brief(v: Any) -> str:
    if isinstance(v, Mapping):
        v = {k: x for k, x in v.items() if k != "source"}
    text = show(v)
    return text if len(text) <= 80 else text[:77] + "…"


def sources_section(doc: Mapping[str, Any], indices: pd.DataFrame | None = None) -> str:
    """HTML: the sources of the inputs that matter most."""
    if indices is not None and len(indices):
        paths = ranked_inputs(indices)[:TOP]
        note = "Inputs ranked by the sensitivity analysis (most influential first)"
    else:
        paths = policy_inputs(doc)
        note = "The policies and the uncertain numbers they use, in file order"
    if not paths:
        return "<p>No policies and no sensitivity result: nothing to cite.</p>"
    t = source_table(doc, paths)
    cited = int((t["source"] != "(none given)").sum())
    return (
        f'<p class="note">{html.esc(note)}; each with the <code>source:</code> the scenario '
        f"gives for it or for the entry holding it ({cited} of {len(t)} cited).</p>"
        + html.table(t, _LEFT)
    )


def change_table(reference: Mapping[str, Any], other: Mapping[str, Any]) -> pd.DataFrame:
    """input, change (old → new), source (of the new value, else the old) of each difference."""
    rows = []
    for op, path, old, new in changes(reference, other):
        if path.split(".")[0] in ("name", "description", "extends"):
            continue
        where = other if op != "-" else reference
        source = lookup(where, path)[1] or lookup(reference, path)[1]
        text = {
            "-": f"removed (was {_brief(old)})",
            "+": f"added: {_brief(new)}",
            "~": f"{_brief(old)} → {_brief(new)}",
        }[op]
        rows.append({"input": path, "change": text, "source": source or "(none given)"})
    return pd.DataFrame(rows, columns=["input", "change", "source"])


def changes_section(documents: Mapping[str, Mapping[str, Any]], reference: str) -> str:
    """HTML: what changed in each scenario against the reference, with sources."""
    if reference not in documents:
        return "<p>The resolved scenarios are not in this directory.</p>"
    parts = []
    for label, doc in documents.items():
        if label == reference:
            continue
        t = change_table(documents[reference], doc)
        parts.append(f"<h3>{html.esc(label)} vs {html.esc(reference)}</h3>")
        parts.append(html.table(t, _LEFT) if len(t) else "<p>(same inputs)</p>")
    return "".join(parts) or "<p>Only one scenario.</p>"


def settings_section(base: Mapping[str, Any], variants: list[Mapping[str, Any]]) -> str:
    """HTML: each sweep variant's settings, with the base value and its source."""
    rows = []
    for v in variants:
        for key, value in (v.get("settings") or {}).items():
            old, source = lookup(base, str(key))
            rows.append(
                {
                    "variant": v.get("label", ""),
                    "input": key,
                    "change": f"{_brief(old)} → {value}",
                    "source": source or "(none given)",
                }
            )
    if not rows:
        return "<p>No variant changes an input.</p>"
    return html.table(pd.DataFrame(rows), _LEFT)

"""Policy dates for figures and reports, from a scenario or its resolved document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class PolicyMark:
    """A dated policy: what figures mark and reports list."""

    id: str
    type: str
    start: dt.date
    end: dt.date | None = None
    description: str = ""


def _date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def policy_marks(source: Any) -> list[PolicyMark]:
    """Policies with their dates, by start date, from a `Scenario`, a `LoadedScenario`, a resolved
    document (dict) or a list of policy entries (dicts with `id`, `type`, `start`, `end`)."""
    if hasattr(source, "scenario"):  # LoadedScenario
        source = source.document
    if hasattr(source, "policies"):  # Scenario
        source = [p.model_dump() for p in source.policies]
    if isinstance(source, Mapping):
        source = source.get("policies") or []
    marks = [
        PolicyMark(
            str(p["id"]),
            str(p.get("type", "")),
            _date(p["start"]),  # type: ignore[arg-type]
            _date(p.get("end")),
            str(p.get("description") or ""),
        )
        for p in source
        if isinstance(p, Mapping) and "id" in p and p.get("start") is not None
    ]
    return sorted(marks, key=lambda m: (m.start, m.id))


def merged_marks(documents: Mapping[str, Any]) -> list[PolicyMark]:
    """Policy dates of several scenarios (label → scenario or document); an id whose dates
    differ between scenarios is listed once per scenario, as `id (label)`."""
    found: dict[str, list[tuple[str, PolicyMark]]] = {}
    for label, doc in documents.items():
        for m in policy_marks(doc):
            found.setdefault(m.id, []).append((label, m))
    result = []
    for pid, ms in found.items():
        if len({(m.start, m.end) for _, m in ms}) == 1:
            result.append(ms[0][1])
        else:
            result += [replace(m, id=f"{pid} ({label})") for label, m in ms]
    return sorted(result, key=lambda m: (m.start, m.id))

"""Fuzzing the shipped scenarios: whatever validate accepts, a run completes.

Each case takes a shipped scenario (its `extends` chain resolved into one file, horizon cut to a
few months so a replication is short), and breaks it one way: a random leaf replaced by NaN, inf,
a negative number, zero, an empty list, a string or null; a random reference renamed; a random
required key deleted. Then either `minsim validate` exits 2 with every problem located as
`file:line › path` (no line only for a key missing at the top level), or one replication runs to
completion with finite outputs and balanced books. Each case runs under a time limit, so a hang
fails the test. No example database is kept (`database=None`).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.runner.replicate import run_one
from sim.scenario.extends import read_chain
from sim.scenario.loader import load
from sim.scenario.schema import Scenario
from tests.scenario_files import cli

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
CASE_SECONDS = 90  # generous: a loaded 2-core machine; a case normally takes about a second
HORIZON_DAYS = 90

Path_ = tuple[Any, ...]


def _resolved(path: Path) -> dict[str, Any]:
    doc, _, _ = read_chain(path)
    start = doc["horizon"]["start"]
    doc["horizon"] = {"start": start, "end": start + dt.timedelta(days=HORIZON_DAYS)}
    return doc


@functools.cache
def _bases() -> dict[str, dict[str, Any]]:
    """Every shipped scenario, resolved (read on first use: collection stays quick)."""
    return {p.name: _resolved(p) for p in SHIPPED}


def _leaves(node: Any, path: Path = ()) -> Iterator[Path]:
    """Paths of every scalar and empty container in the document."""
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list) and node:
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path


def _get(doc: Any, path: Path) -> Any:
    for seg in path:
        doc = doc[seg]
    return doc


def _set(doc: Any, path: Path, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def _references(doc: dict[str, Any]) -> list[Path]:
    """Paths of string leaves that name an entry (facility, buyer, commodity, element, policy)."""
    names = {
        *doc.get("facilities", {}),
        *doc.get("buyers", {}),
        *doc.get("commodities", {}),
        *doc.get("elements", {}),
        *(p.get("id") for p in doc.get("policies", [])),
    }
    return [p for p in _leaves(doc) if isinstance(_get(doc, p), str) and _get(doc, p) in names]


def _required_keys(doc: dict[str, Any]) -> list[Path]:
    """Paths of keys that the schema requires where they are."""
    out: list[Path] = []
    for path in _leaves(doc):
        for n in range(1, len(path) + 1):
            parent, key = path[: n - 1], path[n - 1]
            if isinstance(key, str) and _is_required(doc, parent, key):
                out.append(path[:n])
    return sorted(set(out), key=str)


def _is_required(doc: dict[str, Any], parent: Path, key: str) -> bool:
    if parent == ():
        return (
            Scenario.model_fields.get(key) is not None and Scenario.model_fields[key].is_required()
        )
    section = parent[0]
    required = {
        "facilities": {"stage", "country", "capacity"},
        "buyers": {"country", "demand"},
        "lanes": {"origin", "destination", "transit_days"},
        "policies": {"id", "type", "start"},
        "commodities": {"kind"},
        "horizon": {"start", "end"},
    }
    return len(parent) == (1 if section == "horizon" else 2) and key in required.get(section, set())


class Case:
    """A broken document, shown by what was broken (the document itself is large)."""

    def __init__(self, name: str, doc: dict[str, Any], what: str) -> None:
        self.name, self.doc, self.what = name, doc, what

    def __repr__(self) -> str:
        return f"{self.name}: {self.what}"


BAD_VALUES = st.sampled_from([math.nan, math.inf, -math.inf, -1.0, -1e9, 0, [], "oops", None])


@st.composite
def broken(draw: st.DrawFn) -> Case:
    """(scenario name, broken document, what was done)."""
    name = draw(st.sampled_from([p.name for p in SHIPPED]))
    doc = copy.deepcopy(_bases()[name])
    how = draw(st.sampled_from(["leaf", "reference", "delete"]))
    if how == "leaf":
        path = draw(st.sampled_from(list(_leaves(doc))))
        value = draw(BAD_VALUES)
        _set(doc, path, value)
        return Case(name, doc, f"{'.'.join(map(str, path))} = {value!r}")
    if how == "reference":
        path = draw(st.sampled_from(_references(doc)))
        _set(doc, path, _get(doc, path) + "_x")
        return Case(name, doc, f"rename {'.'.join(map(str, path))}")
    path = draw(st.sampled_from(_required_keys(doc)))
    del _get(doc, path[:-1])[path[-1]]
    return Case(name, doc, f"delete {'.'.join(map(str, path))}")


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang(f"case took more than {CASE_SECONDS} s")


#: Hypothesis settings of both fuzz tests (the same cases, in the same order).
FUZZ: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}


@pytest.mark.slow
@settings(max_examples=100, **FUZZ)
@given(case=broken())
def test_broken_scenarios_are_refused_or_run(tmp_path_factory, capsys, case) -> None:
    name, doc, what = case.name, case.doc, case.what
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    try:
        code, _, err = cli(capsys, "validate", str(path))
        assert code in (0, 2), (what, err)
        if code == 2:
            assert err and not any("Traceback" in line for line in err), (what, err)
            for line in err:
                assert line.startswith(f"{path}:") or line.startswith(f"{path} › "), (what, line)
                located = line.startswith(f"{path}:")
                assert located or "missing required key" in line or "top level" in line, (
                    what,
                    line,
                )
            return
        scenario = load(path).scenario
        result = run_one(scenario, 0, scenario.seed)  # raises if the books do not balance
        summary = result.summary
        numbers = summary.select_dtypes("number")
        assert not numbers.abs().eq(math.inf).any().any(), what
        # time to survive / recover are NaN when there is no shortage; the rest is always set
        amounts = numbers.drop(columns=["tts_days", "ttr_days"], errors="ignore")
        assert amounts.notna().all().all(), what
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=3, **FUZZ)
@given(case=broken())
def test_a_few_broken_scenarios_are_refused_or_run(tmp_path_factory, capsys, case) -> None:
    """The fast loop's sample of the property above."""
    test_broken_scenarios_are_refused_or_run.hypothesis.inner_test(tmp_path_factory, capsys, case)

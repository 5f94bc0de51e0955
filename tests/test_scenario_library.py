"""The shipped scenario library (`scenarios/*.yaml`): golden runs, common-sense ordering, sources.

Golden runs: every scenario, 3 replications at its own seed; the fresh summary must match
`tests/golden/<scenario>.csv` (numbers at 6 significant digits; relative tolerance 1e-5, i.e.
one unit in the 6th digit). After an intended change of results, regenerate with
`python scripts/update_golden.py` and look at the diff (see tests/golden/README.md).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from sim.scenario.loader import load_scenario
from sim.validation.library import (
    GOLDEN_DIR,
    golden_csv,
    golden_path,
    golden_summary,
    heavy_shortage,
    shipped,
)

SCENARIOS = shipped()
#: Heavy rare-earth ordering, by common sense: more controls, more shortage.
ORDER = ("baseline_2025", "oct2025_suspended", "oct2025_expansion", "full_ban_stress")
#: Ties: a <= b holds when a <= b + 1 t + 1 % of b (same seeds, 3 replications).
TIE_T, TIE_SHARE = 1.0, 0.01


@pytest.fixture(scope="module")
def summaries() -> dict[str, pd.DataFrame]:
    return {p.stem: golden_summary(p) for p in SCENARIOS}


def _first_difference(fresh: pd.DataFrame, old: pd.DataFrame) -> str:
    if list(fresh.columns) != list(old.columns) or len(fresh) != len(old):
        return f"shape/columns differ: {fresh.shape} {list(fresh.columns)} vs {old.shape}"
    keys = ["replication", "buyer", "commodity"]
    for col in fresh.columns:
        a, b = fresh[col], old[col]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            both_nan = a.isna() & b.isna()
            bad = ~both_nan & ~((a - b).abs() <= 1e-9 + 1e-5 * b.abs())
        else:
            bad = a.astype(str) != b.astype(str)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            where = ", ".join(f"{k}={fresh.at[i, k]}" for k in keys)
            return f"first difference: {col} at {where}: {a.iat[i]} (fresh) vs {b.iat[i]} (golden)"
    return "no difference"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.slow
def test_golden_run(path: Path, summaries: dict[str, pd.DataFrame]) -> None:
    golden = golden_path(path)
    assert golden.exists(), f"{golden} missing: run `python scripts/update_golden.py {path.stem}`"
    fresh = pd.read_csv(io.StringIO(golden_csv(summaries[path.stem])))
    old = pd.read_csv(golden)
    try:
        pd.testing.assert_frame_equal(fresh, old, check_exact=False, rtol=1e-5, atol=1e-9)
    except AssertionError:
        pytest.fail(
            f"{path.stem} differs from {golden.name}; {_first_difference(fresh, old)}. "
            "If the change is intended: python scripts/update_golden.py " + path.stem
        )


def test_no_stale_golden_files() -> None:
    assert {p.stem for p in GOLDEN_DIR.glob("*.csv")} == {p.stem for p in SCENARIOS}


@pytest.mark.slow
def test_heavy_rare_earth_shortage_orders_by_severity(summaries: dict[str, pd.DataFrame]) -> None:
    """baseline <= suspended <= expansion <= full ban: mean total shortage of Dy/Tb-containing
    commodities across US and Japanese buyers, same seeds and replications."""
    means = {}
    for name in ORDER:
        scenario = load_scenario(next(p for p in SCENARIOS if p.stem == name))
        means[name] = float(heavy_shortage(summaries[name], scenario).mean())
    for lower, higher in itertools.pairwise(ORDER):
        bound = means[higher] + TIE_T + TIE_SHARE * means[higher]
        assert means[lower] <= bound, (
            f"{lower} {means[lower]:.1f} t > {higher} {means[higher]:.1f} t"
        )
    assert means["full_ban_stress"] > means["baseline_2025"] + TIE_T  # the checks are not vacuous


def _sources(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                yield value
            else:
                yield from _sources(value)
    elif isinstance(node, list):
        for item in node:
            yield from _sources(item)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_sources_name_original_publications(path: Path) -> None:
    """`source:` texts cite publications, never the compiled calibration sheet or ../shared."""
    forbidden = re.compile(r"\bsheet\b|calibration\.md|shared/|\.\./", re.IGNORECASE)
    texts = list(_sources(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert texts, f"{path.name} cites no sources"
    assert not [t for t in texts if forbidden.search(t)]


@pytest.mark.slow
def test_policies_say_where_their_numbers_come_from() -> None:
    """Every policy a shipped scenario defines (not one it only overrides) carries a `source:`."""
    missing = []
    for path in SCENARIOS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        policies = [p for p in data.get("policies") or [] if "type" in p]
        missing += [f"{path.stem}:{p['id']}" for p in policies if "source" not in p]
    assert not missing

"""Workshop notebooks (jupytext percent sources) execute top to bottom on a few replications."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
#: Policy types each notebook needs from the scenario schema (those of the shipped scenarios it
#: runs: apr2025_licensing and baseline_2025; outlook_2026; usjp_framework).
FRAMEWORK = ("export_control", "suspension", "funding_window", "stockpile", "rapid_response")
NEEDS = {
    "01_quickstart.py": ("export_control",),
    "02_suspension_what_if.py": FRAMEWORK,
    "03_funding_window.py": FRAMEWORK,
    "04_workshop_page.py": FRAMEWORK,
}
WORKSHOP = "04_workshop_page.py"


def missing_types(needed: tuple[str, ...]) -> list[str]:
    from sim.scenario.policies import specs
    from sim.scenario.policies.base import SPECS

    specs()  # every kind's module loaded, so SPECS holds every `type:`
    return [t for t in needed if t not in SPECS]


def cell_timeout(base_s: float = 300.0) -> int:
    """Seconds per notebook cell: `base_s` on an idle machine, scaled up by the load per core
    (a 2-core machine shared with other test runs can be several times slower)."""
    load = os.getloadavg()[0] / max(1, os.cpu_count() or 1)
    return int(base_s * min(6.0, max(1.0, load)))


def execute(name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Notebook `name` executed top to bottom on 3 replications (skipped without the extras)."""
    jupytext = pytest.importorskip("jupytext", reason="install the notebooks extra")
    from nbclient import NotebookClient

    if missing := missing_types(NEEDS[name]):
        pytest.skip(f"{name} needs policy types not in the schema yet: {', '.join(missing)}")
    nb = jupytext.read(NOTEBOOKS / name)
    monkeypatch.setenv("MINSIM_NOTEBOOK_REPS", "3")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=cell_timeout(),
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]  # fmt: skip
    assert errors == []
    assert os.environ["MINSIM_NOTEBOOK_REPS"] == "3"
    return nb


@pytest.mark.parametrize("name", sorted(set(NEEDS) - {WORKSHOP}))
@pytest.mark.slow
def test_notebook_executes(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    execute(name, monkeypatch)


@pytest.mark.slow
def test_the_workshop_page_shows_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """`sim.workshop.app` in a cell renders the page as a Panel (Bokeh) view in the notebook,
    and the replications it asked for all arrive."""
    pytest.importorskip("panel", reason="install the workshop extra")
    nb = execute(WORKSHOP, monkeypatch)
    results = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
        if o.get("output_type") == "execute_result"
    ]  # fmt: skip
    assert any("application/vnd.holoviews_exec.v0+json" in o["data"] for o in results)
    text = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "all replications in: True" in text
    assert "suspension" in text.split("levers:")[1].splitlines()[0]

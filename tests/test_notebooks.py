"""Workshop notebooks (jupytext percent sources) execute top to bottom on a few replications."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
#: Policy types each notebook needs from the scenario schema (those of the shipped scenarios it
#: runs: apr2025_licensing and baseline_2025; outlook_2026; usjp_framework).
FRAMEWORK = ("export_control", "suspension", "funding_window", "stockpile", "rapid_response")
NEEDS = {
    "01_quickstart.py": ("export_control",),
    "02_suspension_what_if.py": FRAMEWORK,
    "03_funding_window.py": FRAMEWORK,
}


def missing_types(needed: tuple[str, ...]) -> list[str]:
    from sim.scenario import schema

    text = Path(schema.__file__).read_text(encoding="utf-8")
    return [t for t in needed if f'Literal["{t}"]' not in text]


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_notebook_executes(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
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
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]  # fmt: skip
    assert errors == []
    assert os.environ["MINSIM_NOTEBOOK_REPS"] == "3"

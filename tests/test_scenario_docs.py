"""Generated reference docs are committed and must match the schema."""

from __future__ import annotations

from pathlib import Path

from sim.scenario import load
from sim.scenario.docs import field_tables, json_schema_text, with_tables
from tests.scenario_files import TINY

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "stale: run `python -m sim.scenario.docs docs`"


def test_committed_json_schema_is_current() -> None:
    assert (DOCS / "scenario.schema.json").read_text(encoding="utf-8") == json_schema_text(), (
        REGENERATE
    )


def test_committed_field_tables_are_current() -> None:
    guide = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    assert guide == with_tables(guide), REGENERATE


def test_field_tables_cover_every_model() -> None:
    tables = field_tables()
    for model in ("Scenario", "Facility", "Sourcing", "FacilityOutage", "LaneClosure", "Lognormal"):
        assert f"\n### {model}\n" in f"\n{tables}"
    assert (
        "| `capacity` | map of name → number or distribution (> 0, ≤ 1000000000) | required |"
        in tables
    )


def test_guide_example_is_tiny(tmp_path) -> None:
    guide = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    assert load(path).sha256 == load(TINY).sha256

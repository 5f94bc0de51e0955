"""Every YAML example in docs/policies.md loads (schema and references) and runs, alone and all
together."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.model.policies.registry import runtimes
from sim.runner import run_one
from sim.scenario import load

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "policies.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
WORLD = yaml.safe_load(BLOCKS[0])
EXAMPLES = [yaml.safe_load(b) for b in BLOCKS[1:]]


def add(doc: dict[str, Any], example: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
    """`doc` with an example: a list of policies, or top-level sections such as `prices`."""
    out = dict(doc)
    if isinstance(example, list):
        out["policies"] = [*out.get("policies", []), *example]
    else:
        out.update(example)
    return out


def load_and_run(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    run_one(load(path).scenario, 0, 1)  # the mass balance is checked on the way


def label(example: Any) -> str:
    return "+".join(p["id"] for p in example) if isinstance(example, list) else "+".join(example)


def test_every_policy_type_has_an_example():
    types = {p["type"] for e in EXAMPLES if isinstance(e, list) for p in e}
    assert types == set(runtimes())
    assert any(isinstance(e, dict) and "prices" in e for e in EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=label)
def test_example_loads_and_runs(tmp_path, example):
    load_and_run(tmp_path, add(WORLD, example))


def test_all_examples_together(tmp_path):
    load_and_run(tmp_path, functools.reduce(add, EXAMPLES, WORLD))

"""Stages declared by the scenario: names checked, origin rule per stage, nothing else depends
on what the stages are called."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runner import run_one, simulate
from sim.scenario.loader import load_scenario
from sim.scenario.stages import origin_stages, stage_names
from tests.scenario_files import TINY, child_of_tiny, cli


def test_default_stages_are_the_rare_earth_chain() -> None:
    s = load_scenario(TINY)
    assert stage_names(s) == ["mine", "separation", "metal", "magnet", "recycling"]
    assert origin_stages(s) == {"mine", "separation", "recycling"}


def test_unknown_stage_is_located_and_lists_the_declared_ones(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        facilities:
          mine:
            stage: mill
        """,
    )
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2
    assert err == [
        f"{path}:4 › facilities.mine.stage: unknown stage 'mill'; known: mine, separation, "
        "metal, magnet, recycling (declare it in `stages`)"
    ]


def test_duplicate_stage_and_undeclared_default_stage(tmp_path, capsys) -> None:
    path = child_of_tiny(
        tmp_path,
        """
        stages: [pit, {name: pit, sets_origin: true}]
        """,
    )
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2
    assert f"{path}:2 › stages.1: duplicate stage 'pit' (also stages.0)" in err
    assert any("facilities.mine.stage: unknown stage 'mine'; known: pit, pit" in e for e in err)
    assert any("facilities.magnets.stage: unknown stage 'magnet'" in e for e in err)


def _renamed(tmp_path, stages: str) -> str:
    return str(
        child_of_tiny(
            tmp_path,
            f"""
            stages: {stages}
            facilities:
              mine: {{stage: pit}}
              magnets: {{stage: fab}}
            """,
        )
    )


def test_stage_names_change_no_result(tmp_path) -> None:
    """The same chain with its stages called something else gives identical results."""
    base = run_one(load_scenario(TINY), 0, 5).summary
    renamed = load_scenario(_renamed(tmp_path, "[{name: pit, sets_origin: true}, fab]"))
    assert stage_names(renamed) == ["pit", "fab"]
    pd.testing.assert_frame_equal(run_one(renamed, 0, 5).summary, base)


@pytest.mark.parametrize(
    ("stages", "magnet_origin"),
    [
        ("[{name: pit, sets_origin: true}, fab]", {"AU": 1.0}),  # the fab passes its feed through
        ("[pit, {name: fab, sets_origin: true}]", {"JP": 1.0}),  # the fab confers its country
    ],
)
def test_origin_follows_the_stage_rule(tmp_path, stages, magnet_origin) -> None:
    """Australian oxide made into magnets in Japan: Australian-origin unless the magnet stage
    sets origin."""
    net = simulate(load_scenario(_renamed(tmp_path, stages)), 0, 5)
    made = net.facilities["magnets"].stock("NdFeB_magnet")
    assert made.produced > 0
    assert made.origin == pytest.approx(magnet_origin)

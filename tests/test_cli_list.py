"""`minsim list`: the scenario files of a directory, bad files flagged, not fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

from sim.cli import main

DATA = Path(__file__).parent / "data"


def test_lists_each_scenario_with_its_horizon_policies_and_base(tmp_path, capsys):
    shutil.copy(DATA / "tiny.yaml", tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\npolicies: []\n")
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    assert main(["list", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line for line in out if line.endswith(".yaml") or ".yaml " in line]
    assert [r.split()[0] for r in rows] == ["a.yaml", "b.yaml", "broken.yaml"]
    assert "standalone" in rows[0] and "extends a.yaml" in rows[1]
    assert "1 problem(s): minsim validate" in rows[2]


def test_missing_directory_is_an_error(tmp_path, capsys):
    assert main(["list", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err

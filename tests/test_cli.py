"""The `minsim` command in-process: schema, version, help, error handling, `run`."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim import __version__
from sim.cli import main
from sim.scenario.docs import json_schema_text
from sim.scenario.schema import Scenario
from tests.scenario_files import TINY, cli


def test_schema_to_stdout(capsys) -> None:
    code, out, err = cli(capsys, "schema")
    assert (code, err) == (0, [])
    text = "\n".join(out) + "\n"
    assert text == json_schema_text()
    schema = json.loads(text)
    # the same keys as the model's; id-keyed mappings are closed to other keys on top
    assert (
        schema["properties"].keys()
        == Scenario.model_json_schema(by_alias=True)["properties"].keys()
    )
    assert schema["properties"]["buyers"]["additionalProperties"] is False
    assert list(schema) == sorted(schema)


def test_schema_to_file(tmp_path, capsys) -> None:
    out = tmp_path / "sub" / "scenario.schema.json"
    assert cli(capsys, "schema", "--out", str(out)) == (0, [f"wrote {out}"], [])
    assert out.read_text(encoding="utf-8") == json_schema_text()


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"minsim {__version__}\n"


def test_help_and_usage_errors(capsys) -> None:
    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    assert all(cmd in help_text for cmd in ("validate", "schema", "run"))
    assert main([]) == 2
    assert "usage: minsim" in capsys.readouterr().err
    assert main(["run", str(TINY), "--reps", "0"]) == 2
    assert "argument --reps: must be >= 1 (got 0)" in capsys.readouterr().err


def test_every_command_has_help_without_format_escapes(capsys) -> None:
    """Each subcommand's --help exits 0 and shows '%' as typed (argparse formats help strings,
    not descriptions, so a '%%' in a description would be printed doubled)."""
    import argparse

    from sim.cli.main import _parser as parser

    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert len(commands.choices) >= 10
    for name in commands.choices:
        assert main([name, "--help"]) == 0
        text = capsys.readouterr().out
        assert f"usage: minsim {name}" in text and "%%" not in text, name


def test_unexpected_error_is_one_line(capsys, monkeypatch, tmp_path) -> None:
    import sim.runner

    def boom(*args, **kwargs):
        raise RuntimeError("engine on fire\nsecond line")

    monkeypatch.setattr(sim.runner, "run_to_dir", boom)
    argv = ["run", str(TINY), "--out", str(tmp_path / "out")]
    assert cli(capsys, *argv) == (1, [], ["error: engine on fire (--debug shows the traceback)"])
    for debug_argv in (["--debug", *argv], [*argv, "--debug"]):
        assert main(debug_argv) == 1
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err
        assert err.endswith("error: engine on fire\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_run_writes_results(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "run", str(TINY), "--reps", "2", "--set", "seed=7", "--quiet")
    assert (code, out, err) == (0, [], [])
    manifest = json.loads((tmp_path / "runs" / "tiny" / "manifest.json").read_text())
    assert manifest["overrides"] == {"seed": 7}
    assert manifest["seed"] == 7
    assert manifest["command"] == [
        "minsim",
        "run",
        str(TINY),
        "--reps",
        "2",
        "--set",
        "seed=7",
        "--quiet",
    ]
    out_dir = tmp_path / "elsewhere"
    code, out, _ = cli(
        capsys, "run", str(TINY), "--reps", "1", "--seed", "3", "--out", str(out_dir)
    )
    assert (code, out) == (0, [f"results in {out_dir} (1 replication, seed 3)"])
    assert (out_dir / "manifest.json").is_file()


@pytest.mark.slow
def test_a_60_day_run_writes_its_directory_and_reports_a_selection(tmp_path, capsys) -> None:
    # the fast cover of `minsim run` and `minsim report` (the full-year runs are marked slow)
    out_dir = tmp_path / "short"
    argv = ["run", str(TINY), "--reps", "2", "--workers", "1", "--figures", "none"]
    argv += ["--set", "horizon.end=2025-03-02", "--out", str(out_dir)]
    assert cli(capsys, *argv) == (0, [f"results in {out_dir} (2 replications, seed 1)"], [])
    for name in ("manifest.json", "summary.csv", "bands.parquet", "risk.csv", "report.html"):
        assert (out_dir / name).is_file(), name
    assert json.loads((out_dir / "manifest.json").read_text())["reps"] == 2
    summary = pd.read_csv(out_dir / "summary.csv")
    assert list(summary["replication"]) == [0, 1]
    # demand without noise: 1,500 t a year over the 60 days of the horizon
    assert summary["demand_t"].to_numpy() == pytest.approx(1500 * 60 / 365)
    assert summary["fill_rate"].to_numpy() == pytest.approx(
        1 - summary["shortage_t"] / summary["demand_t"]
    )
    assert cli(capsys, "report", str(out_dir), "--countries", "JP", "--quiet") == (0, [], [])
    code, _, err = cli(capsys, "report", str(out_dir), "--countries", "XX")
    assert code == 2 and err[0].startswith("error: --countries/--sectors: no buyer in country 'XX'")


@pytest.mark.slow
def test_python_dash_m_sim() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(TINY)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"ok: {TINY} (scenario tiny, sha256 ")

"""`minsim run` at scale from the command line: workers, progress bar, quiet."""

from __future__ import annotations

import sys

import pytest

from tests.scale_helpers import file_bytes
from tests.scenario_files import TINY, cli


@pytest.mark.slow
def test_progress_bar_on_a_terminal_only(tmp_path, capsys, monkeypatch) -> None:
    argv = ["run", str(TINY), "--reps", "6", "--workers", "2"]
    code, _, err = cli(capsys, *argv, "--out", str(tmp_path / "a"))
    assert (code, err) == (0, [])  # not a terminal: silent
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = cli(capsys, *argv, "--out", str(tmp_path / "b"))
    text = "\n".join(err)
    assert code == 0 and "/6 [" in text and "rep/s]" in text  # done/total [elapsed<left, rate]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli(capsys, *argv, "--out", str(tmp_path / "c"), "--quiet") == (0, [], [])
    assert file_bytes(tmp_path / "a") == file_bytes(tmp_path / "b") == file_bytes(tmp_path / "c")


@pytest.mark.slow
def test_default_workers_and_replication_option(tmp_path, capsys) -> None:
    code, out, _ = cli(capsys, "run", str(TINY), "--reps", "3", "--out", str(tmp_path / "a"))
    assert (code, out) == (0, [f"results in {tmp_path / 'a'} (3 replications, seed 1)"])
    code, out, _ = cli(capsys, "run", str(TINY), "--replication", "2", "--out", str(tmp_path / "b"))
    assert (code, out) == (0, [f"results in {tmp_path / 'b'} (1 replication, seed 1)"])
    rows = (tmp_path / "a" / "summary.csv").read_text().splitlines()
    assert (tmp_path / "b" / "summary.csv").read_text().splitlines() == [rows[0], rows[3]]

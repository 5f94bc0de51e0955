"""`minsim run --figures all|summary|none`: which figures are drawn, the rest unchanged."""

from __future__ import annotations

import json

import pytest

from tests.scale_helpers import file_bytes
from tests.scenario_files import TINY, cli

ALL = {"shortage.png", "shortage_fan.png", "days_of_cover.png", "flows.png"}


@pytest.mark.parametrize(
    ("figures", "drawn"),
    [("all", ALL), ("summary", {"shortage.png", "shortage_fan.png"}), ("none", set())],
)
@pytest.mark.slow
def test_figures_option_draws_only_the_figures_asked_for(tmp_path, capsys, figures, drawn) -> None:
    out = tmp_path / figures
    argv = ["run", str(TINY), "--reps", "2", "--out", str(out), "--quiet", "--figures", figures]
    assert cli(capsys, *argv) == (0, [], [])
    pngs = {p.name for p in (out / "figures").glob("*.png")}
    assert drawn <= pngs and (figures == "all" or pngs - {"first_screen.png"} == drawn)
    listed = json.loads((out / "manifest.json").read_text())["files"]
    assert ("figures/shortage.png" in listed) == (figures != "none")
    page = (out / "report.html").read_text()
    assert ("No figures." in page) == (figures == "none")
    assert (figures == "none") == ("<img" not in page)
    assert page.count("<img") == len(pngs - {"shortage.png"})


@pytest.mark.slow
def test_figures_do_not_change_the_data_files(tmp_path, capsys) -> None:
    for figures in ("all", "none"):
        argv = ["run", str(TINY), "--reps", "2", "--out", str(tmp_path / figures), "--quiet"]
        assert cli(capsys, *argv, "--figures", figures)[0] == 0
    assert file_bytes(tmp_path / "all") == file_bytes(tmp_path / "none")


def test_an_unknown_figures_value_is_a_usage_error(tmp_path, capsys) -> None:
    code, _, err = cli(capsys, "run", str(TINY), "--figures", "some", "--out", str(tmp_path / "x"))
    assert code == 2 and "invalid choice: 'some'" in "\n".join(err)


@pytest.mark.slow
def test_figures_drawn_in_worker_processes_are_the_same_files(tmp_path, capsys) -> None:
    from sim.report import build_report

    argv = ["run", str(TINY), "--reps", "2", "--out", str(tmp_path / "run"), "--quiet"]
    assert cli(capsys, *argv, "--workers", "1")[0] == 0
    pages = {}
    for workers in (1, 2):
        for p in (tmp_path / "run" / "figures").glob("*.png"):
            if p.name != "shortage.png":  # the run's, not the report's
                p.unlink()
        build_report(tmp_path / "run", workers=workers)
        pages[workers] = {
            p.name: p.read_bytes() for p in sorted((tmp_path / "run" / "figures").glob("*.png"))
        }
        page = (tmp_path / "run" / "report.html").read_text()
        pages[workers]["report.html"] = page[page.index("</p>") :].encode()  # after the date
    assert pages[1] == pages[2] and len(pages[1]) > 3

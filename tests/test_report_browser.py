"""The report renders in headless Chromium: figures are present and the page is not blank."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.scenario_files import TINY, cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sim.cli import main

    out = tmp_path_factory.mktemp("r") / "run"
    assert main(["run", str(TINY), "--reps", "3", "--out", str(out), "--quiet"]) == 0
    return out / "report.html"


@pytest.mark.slow
def test_images_are_embedded_pngs(report: Path) -> None:
    html = report.read_text()
    uris = re.findall(r'<img src="data:image/png;base64,([^"]+)"', html)
    assert len(uris) >= 3
    for data in uris:
        img = Image.open(io.BytesIO(base64.b64decode(data)))
        assert img.width > 300 and img.height > 200


@pytest.mark.slow
def test_headless_chromium_screenshot(report: Path, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it when run as root)")
    shot = tmp_path / "page.png"
    cmd = [
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1200,2000",
        report.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    px = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert px.shape[:2] == (2000, 1200)
    assert len(np.unique(px.reshape(-1, 3), axis=0)) > 100  # text, tables and figures
    saturated = (px.max(axis=2) - px.min(axis=2)) > 80  # coloured plot ink (bands, lines)
    assert saturated.sum() > 2000
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'p2'}", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    assert "Headline metrics" in dom and dom.count("data:image/png;base64,") >= 3


def test_cli_reports_missing_directory(capsys, tmp_path) -> None:
    code, _out, err = cli(capsys, "report", str(tmp_path / "nope"))
    assert code == 2 and "not a directory (expected the output directory of a run)" in err[0]

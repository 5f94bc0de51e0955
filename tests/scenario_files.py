"""Helpers for scenario tests: small YAML files in a temporary directory, CLI runs in-process."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from sim.cli import main

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def write(directory: Path, name: str, text: str) -> Path:
    """Write dedented `text` to `directory/name`."""
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def child_of_tiny(directory: Path, text: str, name: str = "child.yaml") -> Path:
    """A copy of tiny.yaml in `directory` and a file extending it with `text` after `extends:`.

    Line 1 of the child is `extends: tiny.yaml`, so the first line of `text` is line 2.
    """
    shutil.copy(TINY, directory / "tiny.yaml")
    return write(directory, name, "extends: tiny.yaml\n" + textwrap.dedent(text).lstrip("\n"))


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    """Run `minsim ARGV` in-process: exit code, stdout lines, stderr lines."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()

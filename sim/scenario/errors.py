"""Problems found in scenario files, and the exception that carries all of them at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (file, line, key path) and what."""

    file: str
    line: int | None
    path: str
    message: str

    def format(self) -> str:
        """`FILE:LINE › PATH: MESSAGE`, without `:LINE` or `PATH: ` when they are unknown; a
        value given on the command line is located as `--set PATH: MESSAGE`."""
        if self.file == "--set":
            return f"--set {self.path}: {self.message}" if self.path else f"--set: {self.message}"
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{where} › {what}"


class ScenarioError(Exception):
    """A scenario could not be loaded; `problems` lists everything found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)

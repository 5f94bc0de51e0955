"""Which importing countries and sectors a report shows (`--countries`, `--sectors`).

Buyers are selected by `countries` and `sectors` (both when both are given); flows by destination
country (flows are kept by country, not by sector). `sim.report.selected` narrows an output
directory's tables to a selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.scenario.text import known

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

#: buyer id → (country, sector)
Groups = dict[str, tuple[str, str]]


class SelectionError(ValueError):
    """A selection names a country or sector that no buyer has."""


@dataclass(frozen=True)
class Selection:
    """Importing countries and buyer sectors to show; None selects all."""

    countries: tuple[str, ...] | None = None
    sectors: tuple[str, ...] | None = None

    @property
    def everything(self) -> bool:
        """Whether the selection keeps every buyer."""
        return self.countries is None and self.sectors is None

    def describe(self) -> str:
        """The selection in words, for report captions ('' when it keeps everything)."""
        parts = []
        if self.countries is not None:
            parts.append("countries " + ", ".join(self.countries))
        if self.sectors is not None:
            parts.append("sectors " + ", ".join(self.sectors))
        return "; ".join(parts)

    def check(self, groups: Groups) -> None:
        """Raise `SelectionError` for a country or sector that no buyer has, or an empty result."""
        problems = []
        for what, chosen, present in (
            ("country", self.countries, {c for c, _ in groups.values()}),
            ("sector", self.sectors, {s for _, s in groups.values()}),
        ):
            for name in chosen or ():
                if name not in present:
                    problems.append(f"no buyer in {what} '{name}'; known: {known(sorted(present))}")
        if not problems and not self.buyers(groups):
            problems.append(f"no buyer is in both {self.describe()}")
        if problems:
            raise SelectionError("; ".join(problems))

    def buyers(self, groups: Groups) -> list[str]:
        """Buyer ids the selection keeps, sorted."""
        return sorted(
            b
            for b, (country, sector) in groups.items()
            if (self.countries is None or country in self.countries)
            and (self.sectors is None or sector in self.sectors)
        )


def parse_names(text: str) -> tuple[str, ...]:
    """`US,JP` → ('US', 'JP'): comma-separated names, blanks dropped, order kept."""
    return tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))


def scenario_groups(scenario: Scenario) -> Groups:
    """Country and sector of each buyer of a scenario."""
    return {b: (spec.country, spec.sector) for b, spec in scenario.buyers.items()}

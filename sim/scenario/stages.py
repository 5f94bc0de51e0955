"""The stages of a scenario's chain: normalised, and checked against the facilities that name them.

`stages:` lists the chain's steps in order (a name, or `{name, sets_origin}`); the default is
rare earths' mine → separation → metal → magnet (and recycling). Nothing else in the package
knows stage names: the model asks `origin_stages` which stages give material its origin.
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.scenario.schema import Facility, Scenario, Stage
from sim.scenario.text import known

Found = Iterator[tuple[str, str]]


def stage_list(scenario: Scenario) -> list[Stage]:
    """The scenario's stages in chain order, each as a `Stage`."""
    return [Stage(name=s) if isinstance(s, str) else s for s in scenario.stages]


def stage_names(scenario: Scenario) -> list[str]:
    """Names of the scenario's stages, in chain order."""
    return [s.name for s in stage_list(scenario)]


def origin_stages(scenario: Scenario) -> frozenset[str]:
    """Stages whose output takes the plant's country as its origin."""
    return frozenset(s.name for s in stage_list(scenario) if s.sets_origin)


def _facilities(s: Scenario) -> Iterator[tuple[str, Facility]]:
    """(path, facility) for every facility, including those funded projects may build."""
    for fid, fac in s.facilities.items():
        yield f"facilities.{fid}", fac
    ids = [p.id for p in s.policies]
    for i, policy in enumerate(s.policies):
        label = policy.id if ids.count(policy.id) == 1 else str(i)
        for j, project in enumerate(getattr(policy, "projects", ())):
            yield f"policies.{label}.projects.{j}.facility", project.facility


def check_stages(scenario: Scenario) -> list[tuple[str, str]]:
    """Stage names are unique, and every facility's `stage` is one of them."""
    return [*_unique(scenario), *_declared(scenario)]


def _unique(s: Scenario) -> Found:
    first: dict[str, int] = {}
    for i, stage in enumerate(stage_list(s)):
        if stage.name in first:
            yield f"stages.{i}", f"duplicate stage '{stage.name}' (also stages.{first[stage.name]})"
        first.setdefault(stage.name, i)


def _declared(s: Scenario) -> Found:
    names = stage_names(s)
    for path, fac in _facilities(s):
        if fac.stage not in names:
            yield (
                f"{path}.stage",
                f"unknown stage '{fac.stage}'; known: {known(names)} (declare it in `stages`)",
            )

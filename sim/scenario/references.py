"""Cross-reference and sign checks on a scenario that passed schema validation.

`check_references` returns `(path, message)` pairs; paths are dotted, `policies` entries named by id
(by index when the id is not unique). The loader turns them into located problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sim.scenario.policies.base import has_lane, no_lane, outputs, unknown
from sim.scenario.policy_references import check_policy_references
from sim.scenario.schema import (
    Buyer,
    Facility,
    Scenario,
    Sourcing,
)
from sim.scenario.stages import check_stages
from sim.scenario.text import known

Found = Iterator[tuple[str, str]]


def check_references(scenario: Scenario) -> list[tuple[str, str]]:
    """Every reference names something that exists; sizes and times have a sensible sign."""
    s = scenario
    return [
        *_unique_node_ids(s),
        *_commodity_names(s),
        *_sourcing(s),
        *_lanes(s),
        *check_policy_references(s),
        *_risk(s),
        *check_stages(s),
    ]


def _risk(s: Scenario) -> Found:
    """`risk.by` dates lie after the horizon's start; `risk.lost_value` names sectors of
    buyers and commodities they demand."""
    if s.risk is None:
        return
    for i, day in enumerate(s.risk.by):
        if day <= s.horizon.start:
            yield (
                f"risk.by.{i}",
                f"{day} is not after the horizon's start ({s.horizon.start}): no window ends by it",
            )
    sectors = {b.sector for b in s.buyers.values()}
    for sector, lv in s.risk.lost_value.items():
        path = f"risk.lost_value.{sector}"
        if sector not in sectors:
            yield path, unknown("buyer sector", sector, sectors)
            continue
        demanded = {c for b in s.buyers.values() if b.sector == sector for c in b.demand}
        for c in lv.commodities or []:
            if c not in demanded:
                yield f"{path}.commodities", unknown("commodity of this sector", c, demanded)


def _nodes(s: Scenario) -> Iterator[tuple[str, Facility | Buyer]]:
    """(path, node) for every facility and buyer."""
    for fid, fac in s.facilities.items():
        yield f"facilities.{fid}", fac
    for bid, buyer in s.buyers.items():
        yield f"buyers.{bid}", buyer


def _countries(s: Scenario) -> set[str]:
    """Countries of the nodes, including facilities that funded projects may build."""
    countries = {node.country for _, node in _nodes(s)}
    for policy in s.policies:
        for project in getattr(policy, "projects", ()):
            countries.add(project.facility.country)
    return countries


def _unique_node_ids(s: Scenario) -> Found:
    for bid in s.buyers:
        if bid in s.facilities:
            yield (
                f"buyers.{bid}",
                f"id '{bid}' is also a facility; facility and buyer ids must differ",
            )


def _commodity_names(s: Scenario) -> Found:
    def check(path: str, names: Iterable[str]) -> Found:
        for name in names:
            if name not in s.commodities:
                yield f"{path}.{name}", unknown("commodity", name, s.commodities)

    for cid, com in s.commodities.items():
        for element in com.contains:
            if element not in s.elements:
                yield (
                    f"commodities.{cid}.contains.{element}",
                    unknown("element", element, s.elements),
                )
        yield from check(f"commodities.{cid}.basket", com.basket or {})
    for path, node in _nodes(s):
        if isinstance(node, Facility):
            yield from check(f"{path}.capacity", node.capacity)
            yield from check(f"{path}.recipe.inputs", node.recipe.inputs)
            yield from check(f"{path}.recipe.outputs", node.recipe.outputs or {})
        else:
            yield from check(f"{path}.demand", node.demand)
        yield from check(f"{path}.inventory", node.inventory)
        yield from check(f"{path}.sourcing", node.sourcing)


def _sourcing(s: Scenario) -> Found:
    lanes = {(lane.origin, lane.destination) for lane in s.lanes}
    for path, node in _nodes(s):
        nid = path.split(".", 1)[1]
        for cid, src in node.sourcing.items():
            for spath, sid in _suppliers(f"{path}.sourcing.{cid}", src):
                supplier = s.facilities.get(sid)
                if supplier is None:
                    if sid in s.buyers:
                        yield spath, f"'{sid}' is a buyer; suppliers must be facilities"
                    else:
                        yield spath, unknown("facility", sid, s.facilities)
                elif cid in s.commodities and cid not in (made := outputs(supplier, s.commodities)):
                    yield (
                        spath,
                        f"facility '{sid}' does not make '{cid}'; it makes: {known(sorted(made))}",
                    )
                elif not has_lane(lanes, sid, supplier.country, nid, node.country):
                    yield spath, no_lane(sid, supplier.country, nid, node.country)


def _suppliers(path: str, src: Sourcing) -> Iterator[tuple[str, str]]:
    for sid in src.suppliers:
        yield f"{path}.suppliers.{sid}", sid
    for i, sid in enumerate(src.alternates):
        yield f"{path}.alternates.{i}", sid


def _lanes(s: Scenario) -> Found:
    countries = _countries(s)
    origins = sorted(set(s.facilities) | countries)
    destinations = sorted(set(s.facilities) | set(s.buyers) | countries)
    first: dict[tuple[str, str], int] = {}
    for i, lane in enumerate(s.lanes):
        if lane.origin in s.buyers:
            yield (
                f"lanes.{i}.origin",
                f"'{lane.origin}' is a buyer; lanes start at a facility or a country",
            )
        elif lane.origin not in origins:
            yield f"lanes.{i}.origin", unknown("origin", lane.origin, origins)
        if lane.destination not in destinations:
            yield f"lanes.{i}.destination", unknown("destination", lane.destination, destinations)
        pair = (lane.origin, lane.destination)
        if pair in first:
            yield f"lanes.{i}", f"duplicate lane {pair[0]} → {pair[1]} (also lanes.{first[pair]})"
        first.setdefault(pair, i)

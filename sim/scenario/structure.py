"""Structural checks: the network the model builds can run.

`duplicate_ids` works on the resolved document before schema validation (so a second entry with
the id of another is named as a duplicate, not as an entry missing its `type`);
`check_structure` on a validated scenario, in the loader's reference stage. Both return
`(path, message)` pairs like `check_references`: key tuples for the document, dotted paths for the
scenario.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from typing import Any

from sim.scenario.paths import BY_ID
from sim.scenario.policies.funding_window import FundingWindow
from sim.scenario.schema import Buyer, Facility, Scenario
from sim.scenario.text import known

Found = Iterator[tuple[str, str]]


def duplicate_ids(doc: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """(path, message) for every entry of a list addressed by id that repeats an earlier id."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for section in sorted(BY_ID):
        items = doc.get(section)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in first:
                found.append(
                    ((section, i), f"duplicate id '{ident}' (also {section}.{first[ident]})")
                )
            else:
                first[ident] = i
    return found


def check_structure(scenario: Scenario) -> list[tuple[str, str]]:
    """Every recipe input and every demand has a sourcing entry to buy it from, and no facility
    from itself; every capacity is of something the facility makes, every initial stock of
    something the node uses or makes."""
    return [
        *_facility_inputs(scenario),
        *_own_supplier(scenario),
        *_capacities(scenario),
        *_stocks(scenario),
        *_demands(scenario),
        *_alternates(scenario),
        *_prices(scenario),
    ]


def _facilities(s: Scenario) -> Iterator[tuple[str, Facility]]:
    """(path, facility) for every facility, including those funded projects may build."""
    for fid, fac in s.facilities.items():
        yield f"facilities.{fid}", fac
    for policy in s.policies:
        if isinstance(policy, FundingWindow):
            for i, project in enumerate(policy.projects):
                yield f"policies.{policy.id}.projects.{i}.facility", project.facility


def _facility_inputs(s: Scenario) -> Found:
    for path, fac in _facilities(s):
        for cid in fac.recipe.inputs:
            if cid in s.commodities and cid not in fac.sourcing:
                yield (
                    f"{path}.recipe.inputs.{cid}",
                    f"nothing supplies input '{cid}': add `sourcing: {{{cid}: {{suppliers: ...}}}}`"
                    f" (sourcing has: {known(sorted(fac.sourcing))})",
                )


def _own_supplier(s: Scenario) -> Found:
    """A facility does not buy from itself (it would wait for its own output to make it)."""
    for fid, fac in s.facilities.items():
        for cid, src in fac.sourcing.items():
            for key, names in (("suppliers", list(src.suppliers)), ("alternates", src.alternates)):
                if fid in names:
                    at = f"{key}.{fid}" if key == "suppliers" else f"{key}.{names.index(fid)}"
                    yield (
                        f"facilities.{fid}.sourcing.{cid}.{at}",
                        f"'{fid}' cannot supply itself: buy '{cid}' from another facility",
                    )


def _capacities(s: Scenario) -> Found:
    for path, fac in _facilities(s):
        made = _made_per_activity(s, fac)
        for cid in fac.capacity:
            if made is not None and cid in s.commodities and cid not in made:
                yield (
                    f"{path}.capacity.{cid}",
                    f"a capacity of '{cid}', which the recipe does not make; it makes: "
                    f"{known(sorted(made))}",
                )


def _stocks(s: Scenario) -> Found:
    """Initial stock is of something the node uses or makes (other stock would sit unused)."""
    for path, fac in _facilities(s):
        held = set(fac.recipe.inputs) | set(fac.capacity) | (_made_per_activity(s, fac) or set())
        what = f"which the facility neither uses nor makes; it uses or makes: {known(sorted(held))}"
        yield from _unlisted(s, f"{path}.inventory", fac.inventory, held, what)
    for bid, buyer in s.buyers.items():
        what = f"which the buyer does not demand; it demands: {known(sorted(buyer.demand))}"
        yield from _unlisted(s, f"buyers.{bid}.inventory", buyer.inventory, buyer.demand, what)


def _unlisted(
    s: Scenario, path: str, stock: Iterable[str], held: Container[str], what: str
) -> Found:
    for cid in stock:
        if cid in s.commodities and cid not in held:
            yield f"{path}.{cid}", f"an initial stock of '{cid}', {what}"


def _made_per_activity(s: Scenario, fac: Facility) -> set[str] | None:
    """What one tonne of activity makes (None: each capacity commodity)."""
    if fac.recipe.outputs is not None:
        return set(fac.recipe.outputs)
    inputs = list(fac.recipe.inputs)
    if len(inputs) == 1 and inputs[0] in s.commodities and s.commodities[inputs[0]].basket:
        return set(s.commodities[inputs[0]].basket or {})
    return None


def _demands(s: Scenario) -> Found:
    for bid, buyer in s.buyers.items():
        for cid in buyer.demand:
            if cid in s.commodities and cid not in buyer.sourcing:
                yield (
                    f"buyers.{bid}.demand.{cid}",
                    f"no supplier for demand '{cid}': add `sourcing: {{{cid}: {{suppliers: ...}}}}`"
                    f" (sourcing has: {known(sorted(buyer.sourcing))})",
                )


def _alternates(s: Scenario) -> Found:
    """An alternate is listed once (one that is also a preferred supplier is allowed: the
    shipped scenarios have such)."""
    nodes: list[tuple[str, Facility | Buyer]] = [*_facilities(s)]
    nodes += [(f"buyers.{bid}", b) for bid, b in s.buyers.items()]
    for path, node in nodes:
        for cid, src in node.sourcing.items():
            for i, alt in enumerate(src.alternates):
                if alt in src.alternates[:i]:
                    yield f"{path}.sourcing.{cid}.alternates.{i}", f"'{alt}' is listed twice"


def _prices(s: Scenario) -> Found:
    """`prices.commodities` lists each commodity once, and every reference price is of one it
    lists (others would never be used)."""
    if s.prices is None or s.prices.commodities is None:
        return
    listed = s.prices.commodities
    for j, cid in enumerate(listed):
        if cid in listed[:j]:
            yield f"prices.commodities.{j}", f"'{cid}' is listed twice"
    for cid in s.prices.reference_usd_per_kg:
        if cid in s.commodities and cid not in listed:
            yield (
                f"prices.reference_usd_per_kg.{cid}",
                f"a reference price of '{cid}', which prices.commodities does not list: add it "
                "there, or remove the price",
            )

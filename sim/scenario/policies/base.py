"""What policy specs share: the dated base `PolicyBase`, the registry of kinds by `type:`, and
the `World` of names their reference checks look things up in.

A spec (a `PolicyBase` subclass with a `type` literal) registers itself when its module is
imported; `sim.scenario.policies.specs()` imports every module of the package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from pydantic import model_validator

from sim.scenario.core import Facility, Id, Strict, plain, plainly_below
from sim.scenario.distributions import Fixed, Lognormal, Normal, Number, Triangular, Uniform
from sim.scenario.text import known, show

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

#: `(dotted path, message)` pairs of a reference check.
Found = Iterator[tuple[str, str]]


class PolicyBase(Strict):
    """Common fields of dated policies."""

    if TYPE_CHECKING:
        type: str  # each kind declares its `type:` literal

    id: Id
    start: dt.date
    end: dt.date | None = None
    description: str = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("type")
        if field is not None:
            for tag in get_args(field.annotation):
                register(tag, cls)

    @model_validator(mode="after")
    def _dates(self) -> PolicyBase:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self

    def check_references(self, w: World, path: str) -> Found:
        """Problems with the names and signs this policy, at `path`, uses in `w`'s scenario."""
        return iter(())


#: Scenario policy `type:` → its spec class (filled as spec modules load).
SPECS: dict[str, type[PolicyBase]] = {}


def register(tag: str, cls: type[PolicyBase]) -> None:
    """Register `cls` as the spec of policy type `tag` (once per type)."""
    other = SPECS.get(tag)
    if other is not None and other is not cls:
        raise ValueError(f"policy type {tag!r} has two specs: {other.__name__}, {cls.__name__}")
    SPECS[tag] = cls


P = TypeVar("P", bound=PolicyBase)


class World:
    """Names a scenario defines, for the policies' reference checks."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.countries = {f.country for f in s.facilities.values()} | {
            b.country for b in s.buyers.values()
        }
        self.nodes = set(s.facilities) | set(s.buyers)
        self.places = sorted(self.nodes | self.countries)
        self.symbols = {m for el in s.elements.values() for m in el.members}
        self.lanes = {(lane.origin, lane.destination) for lane in s.lanes}
        built = {pr.facility.country for p in s.policies for pr in getattr(p, "projects", ())}
        self.origins = sorted(set(s.facilities) | self.countries | built)
        self.destinations = sorted(self.nodes | self.countries | built)

    def of_type(self, cls: type[P]) -> dict[str, P]:
        """The scenario's policies of spec `cls`, by id."""
        return {p.id: p for p in self.s.policies if isinstance(p, cls)}

    def makes(self, fid: str) -> set[str]:
        """Commodities facility `fid` makes."""
        return outputs(self.s.facilities[fid], self.s.commodities)

    def commodity(self, path: str, name: str) -> Found:
        if name not in self.s.commodities:
            yield path, unknown("commodity", name, self.s.commodities)

    def buyer(self, path: str, name: str, commodity: str | None = None) -> Found:
        b = self.s.buyers.get(name)
        if b is None:
            yield path, unknown("buyer", name, self.s.buyers)
        elif commodity is not None and commodity in self.s.commodities:
            if commodity not in b.demand:
                yield path, f"buyer '{name}' has no demand for '{commodity}'"

    def buyers_and_commodities(
        self, path: str, buyers: list[str] | None, commodities: list[str] | None
    ) -> Found:
        """Checks of the optional `buyers:` and `commodities:` lists of demand-side policies."""
        for j, b in enumerate(buyers or []):
            yield from self.buyer(f"{path}.buyers.{j}", b)
        for j, c in enumerate(commodities or []):
            yield from self.commodity(f"{path}.commodities.{j}", c)

    def place(self, path: str, name: str) -> Found:
        if name not in self.nodes and name not in self.countries:
            yield path, unknown("country or node", name, self.places)

    def element(self, path: str, name: str, symbols: bool = True) -> Found:
        if name in self.s.elements or (symbols and name in self.symbols):
            return
        names = [*self.s.elements, *(sorted(self.symbols) if symbols else [])]
        yield path, unknown("element", name, names)


def unknown(kind: str, name: str, names: Iterable[str]) -> str:
    """The message for a name that is not among `names`."""
    return f"unknown {kind} '{name}'; known: {known(sorted(names))}"


def lower(x: Number) -> tuple[float, str]:
    """The smallest value `x` can take (its location for unbounded distributions), shown."""
    if isinstance(x, int | float):
        return float(x), show(x)
    if isinstance(x, Fixed):
        return x.value, show(x.value)
    if isinstance(x, Uniform | Triangular):
        return x.low, f"low={show(x.low)}"
    if isinstance(x, Normal):
        return x.mean_, f"mean={show(x.mean_)}"
    assert isinstance(x, Lognormal)
    return x.median, f"median={show(x.median)}"


def sign(path: str, x: Number | None, strict: bool = True) -> Found:
    """A problem when `x` is negative (or zero, when `strict`)."""
    if x is None:
        return
    value, shown = lower(x)
    if value < 0 or (strict and value == 0):
        yield path, f"must be {'>' if strict else '>='} 0 (got {shown})"


def cover_order(path: str, trigger: Number, target: Number, what: str) -> Found:
    """A problem when the target cover is below the trigger (both plain numbers): `what`
    would then never lift a buyer's cover above the trigger."""
    if plainly_below(target, trigger):
        yield (
            f"{path}.target_cover_days",
            f"must be at least trigger_cover_days ({show(plain(trigger))}), else {what} never "
            f"lifts cover above its trigger (got {show(plain(target))})",
        )


def outputs(facility: Facility, commodities: Any) -> set[str]:
    """Commodities a facility makes: its capacity keys, recipe outputs, or the single input's basket."""
    made = set(facility.capacity) | set(facility.recipe.outputs or {})
    inputs = list(facility.recipe.inputs)
    if facility.recipe.outputs is None and len(inputs) == 1 and inputs[0] in commodities:
        made |= set(commodities[inputs[0]].basket or {})
    return made


def no_lane(a: str, ac: str, b: str, bc: str) -> str:
    """The message for a missing lane from `a` (in `ac`) to `b` (in `bc`)."""
    return f"no lane from {a} ({ac}) to {b} ({bc}); add a lane {a} → {b}, or between countries {ac} → {bc}"


def has_lane(lanes: set[tuple[str, str]], a: str, ac: str, b: str, bc: str) -> bool:
    """A lane, by node or country, from `a` (in `ac`) to `b` (in `bc`)."""
    return any(pair in lanes for pair in ((a, b), (a, bc), (ac, b), (ac, bc)))

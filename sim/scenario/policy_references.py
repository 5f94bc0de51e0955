"""Cross-reference and sign checks of policy entries (beyond outages and lane closures).

`check_policy_references` returns `(dotted path, message)` pairs like `check_references`, which
calls it; paths name `policies` entries by id (by index when the id is not unique).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sim.scenario.distributions import Fixed, Lognormal, Normal, Number, Triangular, Uniform
from sim.scenario.schema import (
    AllBut,
    BufferTarget,
    DemandResponse,
    DemandShock,
    ExportControl,
    FundingWindow,
    PriceResponse,
    Project,
    RandomOutages,
    RapidResponse,
    Scenario,
    Stockpile,
    Suspension,
)
from sim.scenario.text import known, show

Found = Iterator[tuple[str, str]]


def check_policy_references(scenario: Scenario) -> list[tuple[str, str]]:
    """Every policy names real facilities, buyers, commodities, elements, countries, policies."""
    return [*_policies(scenario), *_prices(scenario)]


def _unknown(kind: str, name: str, names: Iterable[str]) -> str:
    return f"unknown {kind} '{name}'; known: {known(sorted(names))}"


def _lower(x: Number) -> tuple[float, str]:
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


def _sign(path: str, x: Number | None, strict: bool = True) -> Found:
    if x is None:
        return
    value, shown = _lower(x)
    if value < 0 or (strict and value == 0):
        yield path, f"must be {'>' if strict else '>='} 0 (got {shown})"


class _World:
    """Names a scenario defines, for lookups."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.countries = {f.country for f in s.facilities.values()} | {
            b.country for b in s.buyers.values()
        }
        self.stockpiles = {p.id: p for p in s.policies if isinstance(p, Stockpile)}
        self.projects = {
            pr.id: pr for p in s.policies if isinstance(p, FundingWindow) for pr in p.projects
        }
        self.nodes = set(s.facilities) | set(s.buyers)
        self.places = sorted(self.nodes | self.countries)
        self.symbols = {m for el in s.elements.values() for m in el.members}
        self.lanes = {(lane.origin, lane.destination) for lane in s.lanes}

    def commodity(self, path: str, name: str) -> Found:
        if name not in self.s.commodities:
            yield path, _unknown("commodity", name, self.s.commodities)

    def buyer(self, path: str, name: str, commodity: str | None = None) -> Found:
        b = self.s.buyers.get(name)
        if b is None:
            yield path, _unknown("buyer", name, self.s.buyers)
        elif commodity is not None and commodity in self.s.commodities:
            if commodity not in b.demand:
                yield path, f"buyer '{name}' has no demand for '{commodity}'"

    def place(self, path: str, name: str) -> Found:
        if name not in self.nodes and name not in self.countries:
            yield path, _unknown("country or node", name, self.places)

    def element(self, path: str, name: str, symbols: bool = True) -> Found:
        if name in self.s.elements or (symbols and name in self.symbols):
            return
        names = [*self.s.elements, *(sorted(self.symbols) if symbols else [])]
        yield path, _unknown("element", name, names)


def _policies(s: Scenario) -> Found:
    w = _World(s)
    ids = [p.id for p in s.policies]
    for i, p in enumerate(s.policies):
        path = f"policies.{p.id if ids.count(p.id) == 1 else i}"
        if isinstance(p, ExportControl):
            yield from _export_control(w, path, p)
        elif isinstance(p, Suspension):
            yield from _suspension(w, path, p)
        elif isinstance(p, FundingWindow):
            yield from _funding(w, path, p)
        elif isinstance(p, RapidResponse):
            yield from _rapid_response(w, path, p)
        elif isinstance(p, Stockpile):
            yield from _stockpile(w, path, p)
        elif isinstance(p, DemandResponse | DemandShock):
            for j, b in enumerate(p.buyers or []):
                yield from w.buyer(f"{path}.buyers.{j}", b)
            for j, c in enumerate(p.commodities or []):
                yield from w.commodity(f"{path}.commodities.{j}", c)
            if isinstance(p, DemandShock):
                yield from _sign(f"{path}.multiplier", p.multiplier, strict=False)
            else:
                for j, f in enumerate(p.recipes or []):
                    if f not in s.facilities:
                        yield f"{path}.recipes.{j}", _unknown("facility", f, s.facilities)
                if p.trigger == "price" and s.prices is None:
                    yield f"{path}.trigger", "trigger price needs a `prices:` section"
                yield from _sign(f"{path}.price_above", p.price_above)
                for key in ("lag_days", "rate_per_year", "decay_per_year"):
                    yield from _sign(f"{path}.{key}", getattr(p, key), strict=False)
                yield from _sign(f"{path}.check_days", p.check_days)
        elif isinstance(p, PriceResponse):
            yield from _price_response(w, path, p)
        elif isinstance(p, BufferTarget):
            yield from _buffer_target(w, path, p)
        elif isinstance(p, RandomOutages):
            for j, f in enumerate(p.facilities):
                if f not in s.facilities:
                    yield f"{path}.facilities.{j}", _unknown("facility", f, s.facilities)
            yield from _sign(f"{path}.rate_per_year", p.rate_per_year, strict=False)
            yield from _sign(f"{path}.duration_days", p.duration_days, strict=False)


def _buffer_target(w: _World, path: str, p: BufferTarget) -> Found:
    for j, b in enumerate(p.buyers or []):
        yield from w.buyer(f"{path}.buyers.{j}", b)
    for j, c in enumerate(p.commodities or []):
        yield from w.commodity(f"{path}.commodities.{j}", c)
    named = p.buyers if p.buyers is not None else list(w.s.buyers)
    for j, b in enumerate(named):
        buyer = w.s.buyers.get(b)
        if buyer is not None and buyer.ordering.rule != "cover":
            where = f"{path}.buyers.{j}" if p.buyers is not None else f"{path}.buyers"
            yield (
                where,
                (
                    f"buyer '{b}' orders by {buyer.ordering.rule!r}; a buffer target needs the "
                    "cover rule"
                ),
            )


def _export_control(w: _World, path: str, p: ExportControl) -> Found:
    if p.exporter not in w.countries:
        yield f"{path}.exporter", _unknown("country", p.exporter, w.countries)
    for j, e in enumerate(p.elements):
        yield from w.element(f"{path}.elements.{j}", e)
    for j, c in enumerate(p.commodities):
        yield from w.commodity(f"{path}.commodities.{j}", c)
    if isinstance(p.destinations, AllBut):
        for j, d in enumerate(p.destinations.all_but):
            yield from w.place(f"{path}.destinations.all_but.{j}", d)
    elif isinstance(p.destinations, list):
        for j, d in enumerate(p.destinations):
            yield from w.place(f"{path}.destinations.{j}", d)
    if p.quota is not None:
        yield from _sign(f"{path}.quota.tonnes", p.quota.tonnes, strict=False)
        yield from _sign(f"{path}.quota.period_days", p.quota.period_days)
        for key in p.quota.shares:
            if key != "other":
                yield from w.place(f"{path}.quota.shares.{key}", key)
    if p.license is not None:
        lic = p.license
        yield from _sign(f"{path}.license.review_days", lic.review_days, strict=False)
        yield from _sign(f"{path}.license.validity_days", lic.validity_days, strict=False)
        for j, rule in enumerate(lic.rules):
            rp = f"{path}.license.rules.{j}"
            for k, d in enumerate(rule.destinations or []):
                yield from w.place(f"{rp}.destinations.{k}", d)
            yield from _sign(f"{rp}.review_days", rule.review_days, strict=False)
            yield from _sign(f"{rp}.validity_days", rule.validity_days, strict=False)


def _suspension(w: _World, path: str, p: Suspension) -> Found:
    by_id = {q.id: q for q in w.s.policies}
    for j, target in enumerate(p.policies):
        tp = f"{path}.policies.{j}"
        if target == p.id:
            yield tp, "a suspension cannot suspend itself"
        elif target not in by_id:
            others = [q for q in by_id if q != p.id]
            yield tp, f"no policy with id '{target}' to suspend; known: {known(others)}"
        elif isinstance(by_id[target], Suspension):
            yield tp, f"'{target}' is a suspension; suspensions of suspensions are not supported"
    yield from _sign(f"{path}.renewal_days", p.renewal_days)


def _funding(w: _World, path: str, p: FundingWindow) -> Found:
    if p.element is not None:
        yield from w.element(f"{path}.element", p.element, symbols=False)
    yield from _sign(f"{path}.budget_usd", p.budget_usd, strict=False)
    seen: set[str] = set()
    for j, pr in enumerate(p.projects):
        pp = f"{path}.projects.{j}"
        if pr.id in w.nodes or pr.id in w.stockpiles or pr.id in seen:
            yield f"{pp}.id", f"id '{pr.id}' is already a facility, buyer, stockpile or project"
        seen.add(pr.id)
        yield from _project(w, pp, pr)


def _project(w: _World, pp: str, pr: Project) -> Found:
    s, f, fp = w.s, pr.facility, f"{pp}.facility"
    for key, names in (
        ("capacity", f.capacity),
        ("recipe.inputs", f.recipe.inputs),
        ("recipe.outputs", f.recipe.outputs or {}),
        ("inventory", f.inventory),
        ("sourcing", f.sourcing),
    ):
        for c in names:
            yield from w.commodity(f"{fp}.{key}.{c}", c)
    for c, cap in f.capacity.items():
        yield from _sign(f"{fp}.capacity.{c}", cap)
    for c, src in f.sourcing.items():
        for sid in [*src.suppliers, *src.alternates]:
            sp = f"{fp}.sourcing.{c}"
            supplier = s.facilities.get(sid)
            if supplier is None:
                yield sp, _unknown("facility", sid, s.facilities)
            elif not _has_lane(w.lanes, sid, supplier.country, pr.id, f.country):
                yield sp, _no_lane(sid, supplier.country, pr.id, f.country)
    yield from _sign(f"{pp}.cost_usd", pr.cost_usd, strict=False)
    yield from _sign(f"{pp}.lead_time_days", pr.lead_time_days, strict=False)
    made = set(f.capacity) | set(f.recipe.outputs or {})
    for k, off in enumerate(pr.offtake):
        op = f"{pp}.offtake.{k}"
        node = s.facilities.get(off.node) or s.buyers.get(off.node)
        if node is None:
            yield f"{op}.node", _unknown("buyer or facility", off.node, w.nodes)
        elif not _has_lane(w.lanes, pr.id, f.country, off.node, node.country):
            yield f"{op}.node", _no_lane(pr.id, f.country, off.node, node.country)
        yield from w.commodity(f"{op}.commodity", off.commodity)
        if off.commodity in s.commodities and off.commodity not in made:
            yield f"{op}.commodity", f"project '{pr.id}' does not make '{off.commodity}'"


def _rapid_response(w: _World, path: str, p: RapidResponse) -> Found:
    yield from w.commodity(f"{path}.commodity", p.commodity)
    for j, b in enumerate(p.partners):
        yield from w.buyer(f"{path}.partners.{j}", b, p.commodity)
    sources = set(w.s.facilities) | set(w.stockpiles)
    for j, src in enumerate(p.sources):
        sp = f"{path}.sources.{j}"
        if src not in sources:
            yield sp, _unknown("facility or stockpile", src, sources)
        elif src in w.stockpiles and w.stockpiles[src].commodity != p.commodity:
            yield (
                sp,
                f"stockpile '{src}' holds '{w.stockpiles[src].commodity}', not '{p.commodity}'",
            )
        elif src in w.s.facilities and p.commodity not in _makes(w.s, src):
            yield sp, f"facility '{src}' does not make '{p.commodity}'"
    for key in ("trigger_cover_days", "target_cover_days", "cap_per_event_t", "cap_total_t"):
        yield from _sign(f"{path}.{key}", getattr(p, key), strict=False)
    yield from _sign(f"{path}.response_days", p.response_days, strict=False)
    yield from _sign(f"{path}.check_days", p.check_days)


def _stockpile(w: _World, path: str, p: Stockpile) -> Found:
    s = w.s
    if p.id in w.nodes:
        yield f"{path}.id", f"id '{p.id}' is also a facility or buyer; a stockpile is a node too"
    yield from w.commodity(f"{path}.commodity", p.commodity)
    for j, b in enumerate(p.eligible):
        fac = s.facilities.get(b)
        if fac is None:
            yield from w.buyer(f"{path}.eligible.{j}", b, p.commodity)
        elif p.commodity not in fac.recipe.inputs:
            yield f"{path}.eligible.{j}", f"facility '{b}' has no input '{p.commodity}'"
    yield from _sign(f"{path}.size_t", p.size_t, strict=False)
    yield from _sign(f"{path}.max_release_t_per_day", p.max_release_t_per_day, strict=False)
    yield from _sign(f"{path}.check_days", p.check_days)
    for j, b in enumerate(p.eligible):
        node = s.buyers.get(b) or s.facilities.get(b)
        if node is not None and not _has_lane(w.lanes, p.id, p.holder, b, node.country):
            yield f"{path}.eligible.{j}", _no_lane(p.id, p.holder, b, node.country)
    if p.refill is not None:
        for sid in [*p.refill.sourcing.suppliers, *p.refill.sourcing.alternates]:
            if sid not in s.facilities:
                yield f"{path}.refill.sourcing", _unknown("facility", sid, s.facilities)
        yield from _sign(f"{path}.refill.rate_t_per_year", p.refill.rate_t_per_year, False)


def _price_response(w: _World, path: str, p: PriceResponse) -> Found:
    prices = w.s.prices
    for j, b in enumerate(p.buyers or []):
        yield from w.buyer(f"{path}.buyers.{j}", b)
    if prices is None:
        yield f"{path}.type", "a price_response needs a `prices:` section (the index it follows)"
    for j, c in enumerate(p.commodities or []):
        cp = f"{path}.commodities.{j}"
        if c not in w.s.commodities:
            yield cp, _unknown("commodity", c, w.s.commodities)
        elif prices is not None and prices.commodities is not None and c not in prices.commodities:
            yield cp, f"'{c}' has no price index; add it to prices.commodities"
    yield from _sign(f"{path}.elasticity", p.elasticity, strict=False)
    yield from _sign(f"{path}.adjust_days", p.adjust_days)


def _makes(s: Scenario, fid: str) -> set[str]:
    f = s.facilities[fid]
    made = set(f.capacity) | set(f.recipe.outputs or {})
    inputs = list(f.recipe.inputs)
    if f.recipe.outputs is None and len(inputs) == 1 and inputs[0] in s.commodities:
        made |= set(s.commodities[inputs[0]].basket or {})
    return made


def _no_lane(a: str, ac: str, b: str, bc: str) -> str:
    return f"no lane from {a} ({ac}) to {b} ({bc}); add a lane {a} → {b}, or between countries {ac} → {bc}"


def _has_lane(lanes: set[tuple[str, str]], a: str, ac: str, b: str, bc: str) -> bool:
    return any(pair in lanes for pair in ((a, b), (a, bc), (ac, b), (ac, bc)))


def _prices(s: Scenario) -> Found:
    if s.prices is None:
        return
    for j, c in enumerate(s.prices.commodities or []):
        if c not in s.commodities:
            yield f"prices.commodities.{j}", _unknown("commodity", c, s.commodities)
    for c, x in s.prices.reference_usd_per_kg.items():
        if c not in s.commodities:
            yield f"prices.reference_usd_per_kg.{c}", _unknown("commodity", c, s.commodities)
        yield from _sign(f"prices.reference_usd_per_kg.{c}", x)
    for key in ("rise_days", "half_life_days", "premium_days", "premium_half_life_days"):
        yield from _sign(f"prices.{key}", getattr(s.prices, key))
    for key in ("unmet_after_days", "unmet_window_days"):
        yield from _sign(f"prices.{key}", getattr(s.prices, key), strict=key != "unmet_after_days")
    for key in ("shortage_multiple", "controlled_premium"):
        value, shown = _lower(getattr(s.prices, key))
        if value < 1:
            yield f"prices.{key}", f"must be >= 1 (got {shown})"

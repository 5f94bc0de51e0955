"""minsim beside SupplyNetPy 0.5.1 on the same network: seconds per replication and node-days/s.

Both models are built from one scenario file (default: the 2025 baseline) and run over its
horizon (or `--years`), in interleaved repetitions (minsim, SupplyNetPy, minsim, …), each on
the whole per-replication path it offers: minsim `sim.run_one` (build, simulate, records);
SupplyNetPy the network built from descriptions with `create_sc_net`, then `simulate_sc_net`
with logging off (node loggers muted too). Printed: medians of wall and CPU time, node-days per
CPU second, SimPy events per replication on each side (counted in separate runs by wrapping
`simpy.Environment.step`) with CPU µs per event, the ratio, and a sanity line: minsim's fill
rate beside SupplyNetPy's service level (units delivered / demanded), whole run and from day 365
(half the horizon if shorter).

Node-days are the scenario's nodes (facilities + buyers) times the simulated days: the same
number on both sides, which simulate the same network over the same horizon, so the ratio of
node-days per second is the inverse ratio of the times.

What maps. A SupplyNetPy node holds one product, so each stock line of the scenario (a node and
one commodity: a facility's output, a buyer's demanded commodity) is one SupplyNetPy node:
  * an output of a facility without recipe inputs (mine, recycler, plant whose feed is not
    modelled) -> `Supplier` extracting its nameplate capacity every day;
  * an output of a plant with one input from one such supplier -> `Manufacturer` making its
    nameplate per day (`batch_size`, one-day `manufacturing_time`), drawing the feed per tonne
    of output of its recipe (feed per activity / total output per activity);
  * an output of any other plant (heavy and SEG separation, metal, magnets) -> `InventoryNode`
    buying its main input from that input's suppliers;
  * a commodity a buyer demands -> `InventoryNode` (its stock: the scenario's inventory or safety
    stock) buying from its suppliers, plus a `Demand` of one order a day at the scenario's rate
    that takes what is there and loses the rest (`consume_available`), as minsim books unmet
    demand as shortage.
Suppliers are chosen per order by the scenario's shares (`SelectProbabilistic`). Links carry the
mean transit time of the scenario's lane (node ids win over countries). Every stocking node
reviews on its review period and orders up to its cover (`SSReplenishment`, s = S, `period`):
buyers safety stock + review + mean transit days of demand, plants 30 + review + transit days
of their flow (minsim's default cover rule).

What does not map, and the adjustments it forces. Joint production: each co-product of a
basket is made by its own manufacturer drawing the feed of its own output (mass kept, jointness
lost). Transformation beyond the first stage: an `InventoryNode` passes tonnes through 1:1
(1 t of magnet pulls 1 t of metal, then of oxide), so the flow asked of upstream lines differs
from minsim's; where it exceeds a supplier's or manufacturer's nameplate, that rate is raised
to 1.25 × the flow (the count is printed). Minor inputs (Dy, Tb in magnets) are not ordered:
SupplyNetPy sends a whole order to one supplier and ships only whole orders, so a magnet-sized
order at a Dy plant would never be filled. For the same reason stock caps are 4 × the largest
order a line places or receives. Minsim's split of every order over all suppliers becomes one
supplier per order at random by share. Not represented: capacity growth, online dates and
ramps, alternates and qualification, demand growth and noise, element content and origins,
conservation checks, policies (export controls, stockpiles, outages, prices). SupplyNetPy's
model is thus the simpler one: the closest network it can express, doing the same node-days.

    python benchmarks/bench_peers.py [SCENARIO] [--reps N] [--years Y]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import simpy

import sim

ROOT = Path(__file__).resolve().parent.parent
FACILITY_SAFETY_DAYS = 30.0  # minsim's default input cover of a plant, besides review + transit
HEADROOM = 1.25  # output rate over the mapped flow, where that flow exceeds nameplate
SLACK = 4.0  # stock caps over the largest order a line may place or receive (whole orders only)


def mean(x: Any) -> float:
    """Expected value of a scenario number or distribution."""
    return float(x) if isinstance(x, int | float) else float(x.mean())


# --- the network as plain data, derived once from the scenario ------------------------------


@dataclass
class Line:
    """One stock line (node, commodity): one SupplyNetPy node. Quantities in t, t/day."""

    id: str
    kind: str  # "supplier" | "manufacturer" | "inventory" | "buyer"
    rate: float  # output (suppliers, manufacturers) or demand (buyers) per day
    initial: float
    cover_days: float  # order-up-to target in days of flow (suppliers: stock cap)
    review: float
    feed: tuple[str, float] = ("", 0.0)  # manufacturer: raw material, t per t of output
    suppliers: dict[str, tuple[float, float]] = field(default_factory=dict)  # line: (p, days)
    target: float = 0.0  # order-up-to level
    capacity: float = 0.0  # stock cap
    resized: bool = False  # rate raised above nameplate to carry the mapped flow


def line_id(node: str, commodity: str) -> str:
    return f"{node}/{commodity}"


def plan(sc: Any) -> list[Line]:
    """The SupplyNetPy stock lines of a scenario, upstream first (see the module docstring)."""
    lines = _upstream_first(_lines(sc))
    flow = dict.fromkeys((x.id for x in lines), 0.0)
    for x in reversed(lines):  # downstream first: demand pulled up the mapped network
        if x.kind == "buyer":
            flow[x.id] = x.rate
        per = x.feed[1] if x.kind == "manufacturer" else 1.0
        for s, (p, _) in x.suppliers.items():
            flow[s] += flow[x.id] * p * per
    biggest = dict.fromkeys(flow, 0.0)  # largest order a line may receive
    for x in lines:
        if x.kind in ("supplier", "manufacturer") and HEADROOM * flow[x.id] > x.rate:
            x.rate, x.resized = HEADROOM * flow[x.id], True
        use = x.rate if x.kind in ("supplier", "buyer") else flow[x.id]
        x.target = max(x.cover_days * use, 1e-3)
        per = x.feed[1] if x.kind == "manufacturer" else 1.0
        for s in x.suppliers:
            biggest[s] = max(biggest[s], x.target * per)
    for x in lines:
        x.capacity = x.initial + SLACK * max(x.target, biggest[x.id])
    return lines


def _lines(sc: Any) -> list[Line]:
    country = {k: f.country for k, f in sc.facilities.items()}
    country |= {k: b.country for k, b in sc.buyers.items()}
    lanes = {(lane.origin, lane.destination): mean(lane.transit_days) for lane in sc.lanes}

    def transit(a: str, b: str) -> float:
        for key in ((a, b), (a, country[b]), (country[a], b), (country[a], country[b])):
            if key in lanes:
                return lanes[key]
        raise SystemExit(f"no lane from {a} to {b}")

    def sources(node: str, c: str, spec: Any, weight: float) -> dict[str, tuple[float, float]]:
        """Supplier lines of `node`'s commodity `c`: probability (share × weight), transit."""
        total = sum(spec.suppliers.values())
        return {
            line_id(sid, c): (weight * w / total, transit(sid, node))
            for sid, w in spec.suppliers.items()
        }

    wanted = {(fid, c) for fid, f in sc.facilities.items() for c in f.capacity}
    for node in [*sc.facilities.values(), *sc.buyers.values()]:
        for c, s in node.sourcing.items():
            wanted |= {(sid, c) for sid in s.suppliers}
    no_feed = {fid for fid, f in sc.facilities.items() if not f.recipe.inputs}

    out: list[Line] = []
    for fid, f in sc.facilities.items():
        inputs = {c: mean(x) for c, x in f.recipe.inputs.items()}
        if f.recipe.outputs is not None:
            yields = {c: mean(x) for c, x in f.recipe.outputs.items()}
        elif len(inputs) == 1 and sc.commodities[next(iter(inputs))].basket:
            yields = dict(sc.commodities[next(iter(inputs))].basket)
        else:
            yields = {c: 1.0 for c in f.capacity}
        activity = min(mean(cap) / yields[c] for c, cap in f.capacity.items()) / 365.0
        made = sum(yields.values())
        review = mean(f.ordering.review_days)
        # the main input only: a whole order goes to one supplier, and a minor input's
        # supplier (Dy, Tb for magnets) cannot fill a magnet-sized order
        main = max(inputs, key=inputs.__getitem__) if inputs else None
        spec = f.sourcing.get(main) if main else None
        links = sources(fid, main, spec, 1.0) if main and spec else {}
        lead = sum(p * days for p, days in links.values())
        cover = FACILITY_SAFETY_DAYS + review + lead
        single = len(inputs) == 1 and len(links) == 1 and next(iter(links)).split("/")[0] in no_feed
        for c in sorted(c for g, c in wanted if g == fid):
            rate = activity * yields.get(c, 0.0)
            initial = mean(f.inventory.get(c, 0.0))
            lid = line_id(fid, c)
            if fid in no_feed:
                out.append(Line(lid, "supplier", rate, initial, mean(f.output_cover_days), review))
            elif single:
                feed = (next(iter(inputs)), sum(inputs.values()) / made)
                out.append(Line(lid, "manufacturer", rate, initial, cover, review, feed, links))
            else:
                out.append(Line(lid, "inventory", rate, initial, cover, review, ("", 0.0), links))
    for bid, b in sc.buyers.items():
        review = mean(b.ordering.review_days)
        safety = mean(b.safety_stock_days)
        for c, d in b.demand.items():
            rate = mean(d.rate_t_per_year) / 365.0
            spec = b.sourcing.get(c)
            links = sources(bid, c, spec, 1.0) if spec else {}
            lead = sum(p * days for p, days in links.values())
            initial = mean(b.inventory[c]) if c in b.inventory else safety * rate
            out.append(
                Line(
                    line_id(bid, c),
                    "buyer",
                    rate,
                    initial,
                    safety + review + lead,
                    review,
                    ("", 0.0),
                    links,
                )
            )
    return out


def _upstream_first(lines: list[Line]) -> list[Line]:
    by_id = {x.id: x for x in lines}
    done: dict[str, Line] = {}

    def visit(x: Line) -> None:
        if x.id in done:
            return
        for s in x.suppliers:
            visit(by_id[s])
        done[x.id] = x

    for x in lines:
        visit(x)
    return list(done.values())


# --- SupplyNetPy ----------------------------------------------------------------------------


def supplynetpy_network(lines: list[Line], scm: Any) -> dict[str, Any]:
    """Build the SupplyNetPy network of `lines` from descriptions (`create_sc_net`)."""
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    demands: list[dict[str, Any]] = []
    for x in lines:
        policy = {"s": x.target, "S": x.target, "period": x.review}
        common = {"ID": x.id, "name": x.id, "logging": False}
        stock = {
            "capacity": x.capacity,
            "initial_level": x.initial,
            "inventory_holding_cost": 0.0,
            "replenishment_policy": scm.SSReplenishment,
            "policy_param": policy,
        }
        commodity = x.id.split("/")[1]
        if x.kind == "supplier":
            raw = scm.RawMaterial(commodity, commodity, max(x.rate, 1e-9), 1, 0.0, 1.0)
            nodes.append(
                common
                | {
                    "node_type": "supplier",
                    "capacity": x.capacity,
                    "initial_level": x.initial,
                    "inventory_holding_cost": 0.0,
                    "raw_material": raw,
                }
            )
            continue
        raw_name, feed = x.feed
        if x.kind == "manufacturer":
            raw = scm.RawMaterial(raw_name, raw_name, 1.0, 1, 0.0, 1.0)
            batch = max(x.rate, 1e-9)
            product = scm.Product(commodity, commodity, 1.0, 1, 1.0, [(raw, feed)], batch)
            nodes.append(
                common
                | stock
                | {"node_type": "manufacturer", "product": product, "product_sell_price": 1.0}
            )
        else:
            selection: dict[str, Any] = {}
            if len(x.suppliers) > 1:
                p = {s: w for s, (w, _) in x.suppliers.items()}
                selection = {
                    "supplier_selection_policy": scm.SelectProbabilistic,
                    "supplier_selection_param": {"probabilities": p},
                }
            nodes.append(
                common
                | stock
                | selection
                | {
                    "node_type": "retailer" if x.kind == "buyer" else "distributor",
                    "product_sell_price": 1.0,
                    "product_buy_price": 1.0,
                }
            )
        for s, (_, days) in x.suppliers.items():
            links.append(
                {
                    "ID": f"{s}>{x.id}",
                    "source": s,
                    "sink": x.id,
                    "cost": 0.0,
                    "lead_time": _const(days),
                }
            )
        if x.kind == "buyer":
            demands.append(
                {
                    "ID": f"demand:{x.id}",
                    "name": f"demand:{x.id}",
                    "order_arrival_model": _const(1.0),
                    "order_quantity_model": _const(x.rate),
                    "demand_node": x.id,
                    "consume_available": True,
                    "logging": False,
                }
            )
    return scm.create_sc_net(nodes=nodes, links=links, demands=demands)  # type: ignore[no-any-return]


def _const(value: float) -> Callable[[], float]:
    return lambda: value


def supplynetpy_run(lines: list[Line], days: int, seed: int, scm: Any) -> dict[str, Any]:
    """One SupplyNetPy replication: build, then simulate with logging off."""
    scm.set_seed(seed)
    net = supplynetpy_network(lines, scm)
    return scm.simulate_sc_net(net, sim_time=days, logging=False)  # type: ignore[no-any-return]


def supplynetpy_service(
    lines: list[Line], days: int, seed: int, scm: Any
) -> tuple[float, float, int]:
    """Units delivered / demanded by the customers: whole run, and from day `first` (365 or
    half the horizon if shorter), with `first`."""
    scm.set_seed(seed)
    net = supplynetpy_network(lines, scm)

    def served() -> tuple[float, float]:
        ds = net["demands"].values()
        return (
            sum(d.stats.demand_placed[1] for d in ds),
            sum(d.stats.fulfillment_received[1] for d in ds),
        )

    first = min(365, days // 2)
    scm.simulate_sc_net(net, sim_time=first, logging=False)
    d0, f0 = served()
    scm.simulate_sc_net(net, sim_time=days, logging=False)
    d1, f1 = served()
    return f1 / d1, (f1 - f0) / (d1 - d0), first


# --- minsim ---------------------------------------------------------------------------------


def minsim_fill_rate(sc: Any, seed: int) -> float:
    """Delivered / demanded tonnes over all buyers and commodities, one replication."""
    buyers = sim.run(sc, reps=1, seed=seed).buyers
    return 1.0 - float(buyers["shortage_t"].sum()) / float(buyers["demand_t"].sum())


# --- measuring ------------------------------------------------------------------------------


@contextmanager
def counted_steps() -> Iterator[list[int]]:
    """Count `simpy.Environment.step` calls (processed events) while the block runs."""
    count = [0]
    step = simpy.Environment.step

    def counting(env: simpy.Environment) -> None:
        count[0] += 1
        step(env)

    simpy.Environment.step = counting  # type: ignore[method-assign]
    try:
        yield count
    finally:
        simpy.Environment.step = step  # type: ignore[method-assign]


def events_of(run: Callable[[], object]) -> int:
    with counted_steps() as n:
        run()
    return n[0]


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    w, c = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - w, time.process_time() - c


def load(path: str, years: int | None) -> Any:
    sc = sim.load_scenario(path)
    if years is None:
        return sc
    start = sc.horizon.start
    end = start.replace(year=start.year + years)
    return sim.load_scenario(path, [f"horizon.end={end.isoformat()}"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline_2025.yaml"))
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions of each (default 5)")
    ap.add_argument(
        "--years", type=int, default=None, help="horizon in years (default: the scenario's)"
    )
    args = ap.parse_args()
    try:
        import SupplyNetPy.Components as scm
    except ImportError:
        raise SystemExit("SupplyNetPy is not installed: pip install -e '.[bench]'") from None

    sc = load(args.scenario, args.years)
    days = (sc.horizon.end - sc.horizon.start).days
    lines = plan(sc)
    seed = sc.seed

    def a(r: int) -> Callable[[], object]:
        return lambda: sim.run_one(sc, r, seed)

    def b(r: int) -> Callable[[], object]:
        return lambda: supplynetpy_run(lines, days, seed + r, scm)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a(0)()  # warm-up: imports, caches
        b(0)()
    snp_warnings = sorted({str(w.message) for w in caught})
    times: dict[str, list[tuple[float, float]]] = {"minsim": [], "SupplyNetPy": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SupplyNetPy's build-time warnings, listed once below
        for r in range(args.reps):
            times["minsim"].append(timed(a(r)))
            times["SupplyNetPy"].append(timed(b(r)))
        events = {"minsim": events_of(a(0)), "SupplyNetPy": events_of(b(0))}
        fill = minsim_fill_rate(sc, seed)
        service, steady, first = supplynetpy_service(lines, days, seed, scm)

    node_days = (len(sc.facilities) + len(sc.buyers)) * days
    print(
        f"scenario     {sc.name}: {len(sc.facilities)} facilities + {len(sc.buyers)} buyers, "
        f"{len(sc.commodities)} commodities, {days} days = {node_days:,} node-days"
    )
    print(f"SupplyNetPy  {shape(lines)}")
    print(f"repetitions  {args.reps} of each, interleaved; medians; node-days/s on CPU time")
    print(
        f"{'':13}{'wall ms':>9}{'CPU ms':>9}{'node-days/s':>13}{'events/rep':>12}"
        f"{'/node-day':>11}{'µs CPU/event':>14}"
    )
    wall = {k: statistics.median(t[0] for t in ts) for k, ts in times.items()}
    cpu = {k: statistics.median(t[1] for t in ts) for k, ts in times.items()}
    for k in times:
        print(
            f"{k:13}{wall[k] * 1000:9.1f}{cpu[k] * 1000:9.1f}{node_days / cpu[k]:13,.0f}"
            f"{events[k]:12,d}{events[k] / node_days:11.2f}{cpu[k] / events[k] * 1e6:14.1f}"
        )
    print(
        f"ratio        minsim / SupplyNetPy: {cpu['SupplyNetPy'] / cpu['minsim']:.2f}× on CPU, "
        f"{wall['SupplyNetPy'] / wall['minsim']:.2f}× on wall time   (target ≥ 10×)"
    )
    print(
        f"sanity       minsim fill rate {fill:.3f}; SupplyNetPy service level {service:.3f} "
        f"(whole run), {steady:.3f} (from day {first})"
    )
    if snp_warnings:
        print(
            f"note         SupplyNetPy warned at build {len(snp_warnings)} times that a supplier's "
            "stock cap is below its buyer's (a static worst case; see the service level)"
        )


def shape(lines: list[Line]) -> str:
    """One line describing the SupplyNetPy network."""
    n = {
        k: sum(x.kind == k for x in lines)
        for k in ("supplier", "manufacturer", "inventory", "buyer")
    }
    resized = sum(x.resized for x in lines)
    links = sum(len(x.suppliers) for x in lines)
    return (
        f"{len(lines)} stock lines: {n['supplier']} suppliers, {n['manufacturer']} manufacturers, "
        f"{n['inventory']} plant and {n['buyer']} buyer inventory nodes; {n['buyer']} demands, "
        f"{links} links; {resized} rates raised above nameplate to carry the mapped flow"
    )


if __name__ == "__main__":
    main()

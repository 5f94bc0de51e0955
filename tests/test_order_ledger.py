"""One order ledger: on random small networks with every kind of policy active, for every node
and commodity at every event time, ordered − received − withdrawn − on order = 0, and what is
on order is exactly the open orders plus the shipments on lanes or held by policies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.clock import Calendar
from sim.engine.context import Context
from sim.model.balance import check, ledger
from sim.model.network import Network
from sim.scenario.schema import Scenario
from tests.test_properties import COUNTRIES, START, networks


def date(draw: st.DrawFn, days: int) -> dt.date:
    return START + dt.timedelta(days=draw(st.integers(0, max(1, days - 1))))


@st.composite
def controlled_networks(draw: st.DrawFn) -> dict[str, Any]:
    """A random network with a ban, a quota, two licence regimes of one exporter (a change of
    terms), a suspension, a stockpile, an emergency response, demand shock and response and
    random outages, on random dated windows."""
    doc = draw(networks())
    days = (doc["horizon"]["end"] - START).days
    buyers = list(doc["buyers"])
    facilities = list(doc["facilities"])
    exporter = draw(st.sampled_from(COUNTRIES))
    denied = st.sampled_from(["hold", "cancel", "resource"])
    on_end = st.sampled_from(["drain", "release"])

    def window(pid: str) -> dict[str, Any]:
        s = date(draw, days)
        return {"id": pid, "start": s, "end": s + dt.timedelta(days=draw(st.integers(1, 200)))}

    def licence() -> dict[str, Any]:
        return {
            "review_days": draw(st.floats(0.5, 90)),
            "approval_rate": draw(st.floats(0, 1)),
            "validity_days": draw(st.sampled_from([0.0, 30.0, 182.0])),
            "applications": draw(st.sampled_from(["contract", "shipment"])),
            "contract_days": draw(st.floats(1, 60)),
            "capacity_per_week": draw(st.one_of(st.none(), st.floats(0.5, 20))),
        }

    control = {"type": "export_control", "exporter": exporter, "elements": ["NdPr"]}
    first = window("lic_a")
    second = {**window("lic_b"), "start": first["end"]}
    second["end"] = second["start"] + dt.timedelta(days=draw(st.integers(1, 200)))
    policies: list[dict[str, Any]] = [
        {
            **window("ban"),
            **control,
            "mode": "ban",
            "on_denied": draw(denied),
            "on_end": draw(on_end),
        },
        {
            **window("quota"),
            **control,
            "mode": "quota",
            "on_denied": draw(denied),
            "quota": {
                "tonnes": draw(st.floats(1, 5000)),
                "period_days": draw(st.floats(10, 365)),
                "pace": draw(st.sampled_from(["even", "upfront"])),
            },
        },
        {
            **first,
            **control,
            "mode": "license",
            "license": licence(),
            "on_denied": draw(denied),
            "on_end": draw(on_end),
        },
        {
            **second,
            **control,
            "mode": "license",
            "license": licence(),
            "on_denied": draw(denied),
            "on_end": draw(on_end),
        },
        {**window("pause"), "type": "suspension", "policies": ["lic_a"], "at_expiry": "snap_back"},
        {
            **window("reserve"),
            "type": "stockpile",
            "holder": draw(st.sampled_from(COUNTRIES)),
            "commodity": "magnet",
            "size_t": draw(st.floats(0, 2000)),
            "eligible": buyers,
            "max_release_t_per_day": draw(st.floats(1, 100)),
        },
        {
            **window("rescue"),
            "type": "rapid_response",
            "partners": buyers,
            "commodity": "magnet",
            "sources": [f for f in facilities if f.startswith("mag")],
            "trigger_cover_days": 10.0,
            "target_cover_days": 30.0,
            "cap_per_event_t": 100.0,
            "cap_total_t": 1000.0,
        },
        {**window("boom"), "type": "demand_shock", "multiplier": draw(st.floats(0, 2))},
        {**window("thrift"), "type": "demand_response", "lag_days": 30.0},
        {
            **window("outages"),
            "type": "random_outages",
            "facilities": facilities,
            "rate_per_year": 2.0,
            "duration_days": 20.0,
        },
    ]
    doc["policies"] = doc["policies"] + policies
    return doc


def ledger_errors(net: Network) -> list[str]:
    return [bad for node in net.nodes.values() for c in node.sourcing for bad in ledger(node, c)]


def check_ledger(doc: dict[str, Any]) -> None:
    """Step the network event by event; the ledger balances after each one."""
    sc = Scenario.model_validate(doc)
    cal = Calendar(sc.horizon.start, sc.horizon.end)
    net = Network(sc, Context.create(cal, sc.seed, 0))
    net.start()
    env, until = net.ctx.env, float(cal.days)
    while env.peek() < until:
        env.step()
        assert ledger_errors(net) == []
    net.finish()
    assert ledger_errors(net) == []
    assert check(net) == []


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=controlled_networks())
def test_ordered_less_received_less_withdrawn_is_on_order_at_every_event(doc):
    check_ledger(doc)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=controlled_networks())
def test_the_ledger_balances_on_a_few_random_networks(doc):
    """The fast loop's sample of the property above."""
    check_ledger(doc)

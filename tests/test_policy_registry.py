"""Policy runtimes are discovered, not listed: each declares its scenario type and what it does
to the network, and the network asks those declarations (never compares methods)."""

from __future__ import annotations

import typing

import pytest

from sim.model.policies.base import REGISTRY, PolicyRuntime, register
from sim.model.policies.registry import runtimes
from sim.scenario.policies import specs
from sim.scenario.policies.base import SPECS, PolicyBase
from sim.scenario.schema import Policy


def schema_types() -> set[str]:
    """The `type:` literals of the scenario schema's policy union."""
    found: set[str] = set()
    for member in typing.get_args(typing.get_args(Policy)[0]) or typing.get_args(Policy):
        field = getattr(member, "model_fields", {}).get("type")
        if field is not None:
            found.update(typing.get_args(field.annotation))
    return found


def test_every_schema_type_has_exactly_one_runtime() -> None:
    kinds = runtimes()
    assert set(kinds) == schema_types()
    assert all(cls.policy_type == name for name, cls in kinds.items())


#: What each shipped kind declares: (gates, intercepts, modifies_demand).
DECLARED = {
    "buffer_target": (False, False, False),
    "demand_response": (False, False, True),
    "demand_shock": (False, False, True),
    "export_control": (True, True, False),
    "facility_outage": (False, False, False),
    "funding_window": (False, False, False),
    "lane_closure": (True, False, False),
    "price_response": (False, False, True),
    "random_outages": (False, False, False),
    "rapid_response": (False, False, False),
    "stockpile": (False, False, False),
    "suspension": (False, False, False),
}


def test_declared_capabilities() -> None:
    kinds = runtimes()
    declared = {n: (c.gates, c.intercepts, c.modifies_demand) for n, c in kinds.items()}
    assert {n: declared[n] for n in DECLARED} == DECLARED


def test_a_new_kind_registers_itself_and_a_second_runtime_is_refused() -> None:
    class Embargo(PolicyRuntime):
        policy_type = "test_embargo"
        gates = True

    try:
        assert runtimes()["test_embargo"] is Embargo
        with pytest.raises(ValueError, match="two runtimes"):

            class Other(PolicyRuntime):
                policy_type = "test_embargo"

        with pytest.raises(ValueError, match="no policy_type"):
            register(PolicyRuntime)
    finally:
        REGISTRY.pop("test_embargo", None)


def test_network_consults_declarations(monkeypatch) -> None:
    from sim.runner import simulate
    from tests.netbuild import one_supplier, scenario

    closure = {
        "id": "shut",
        "type": "lane_closure",
        "origin": "CN",
        "destination": "JP",
        "start": "2025-01-10",
        "end": "2025-01-20",
    }
    doc = one_supplier(days=30, policies=[closure])
    net = simulate(scenario(doc), 0, 1)
    assert [p.id for p in net._gates] == ["shut"] and net._interceptors == []
    kinds = runtimes()
    monkeypatch.setattr(kinds["lane_closure"], "gates", False)  # declared off: not consulted
    net = simulate(scenario(doc), 0, 1)
    assert net._gates == []


def test_schema_union_is_the_discovered_specs_and_a_second_spec_is_refused() -> None:
    members = typing.get_args(typing.get_args(Policy)[0])
    assert members == specs()
    assert [m.model_fields["type"].annotation for m in members] == [
        typing.Literal[t] for t in sorted(schema_types())
    ]

    class Embargo(PolicyBase):
        type: typing.Literal["test_embargo"]

    try:
        assert SPECS["test_embargo"] is Embargo
        with pytest.raises(ValueError, match="two specs"):

            class Other(PolicyBase):
                type: typing.Literal["test_embargo"]

    finally:
        SPECS.pop("test_embargo", None)

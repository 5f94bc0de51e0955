"""Precautionary stocking (`buffer_target`): one buyer with constant demand from an ample
supplier stocks up by exactly the added days of cover and destocks back by ordering less."""

from __future__ import annotations

from typing import Any

import pytest

from sim.runner import run_one
from sim.scenario.references import check_references
from sim.scenario.schema import Scenario
from tests.policy_world import buyer, day, stockist, validate, world

RATE, EXTRA = 10.0, 30.0  # t/day of demand; days of cover added


def run(*policies: dict[str, Any]) -> Any:
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0}, rate_per_day=RATE)},
        [("CN", "JP", 5.0)],
        list(policies),
        days=400,
    )
    return run_one(validate(doc), 0, 1).buyers.set_index("day")


BUFFER = {
    "id": "buf",
    "type": "buffer_target",
    "start": day(100),
    "end": day(200),
    "extra_cover_days": EXTRA,
}


def test_stock_rises_by_the_added_cover_and_falls_back():
    base, res = run(), run(BUFFER)
    before = base["inventory_t"]
    stock = res["inventory_t"]
    assert stock[99] == pytest.approx(before[99])
    # the full extra cover is in stock before the window ends, and gone well after it
    assert stock[199] - before[199] == pytest.approx(EXTRA * RATE)
    assert stock[350] == pytest.approx(before[350])
    # no shortage; deliveries dip to nothing while the buyer destocks: the first EXTRA days
    # after the target falls (plus the last orders still in transit) bring no new orders
    assert res["shortage_t"].sum() == 0.0
    delivered = res["delivered_t"]
    assert delivered[206:229].sum() == 0.0
    assert delivered[100:200].sum() - base["delivered_t"][100:200].sum() == pytest.approx(
        EXTRA * RATE
    )
    # over the whole horizon the buffer is bought then consumed: the same deliveries
    assert delivered.sum() == pytest.approx(base["delivered_t"].sum())


def test_overlapping_buffers_add_up():
    second = {**BUFFER, "id": "buf2", "extra_cover_days": 10.0}
    stock = run(BUFFER, second)["inventory_t"]
    before = run()["inventory_t"]
    assert stock[199] - before[199] == pytest.approx((EXTRA + 10.0) * RATE)
    assert stock[380] == pytest.approx(before[380])


def test_a_buyer_without_the_cover_rule_or_unknown_names_are_refused_by_validation():
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0})},
        [("CN", "JP", 5.0)],
        [BUFFER],
        days=50,
    )
    doc["buyers"]["oem"]["ordering"] = {"rule": "base_stock", "level_t": 300, "review_days": 1}
    assert problems(doc) == [
        (
            "policies.buf.buyers",
            "buyer 'oem' orders by 'base_stock'; a buffer target needs the cover rule",
        )
    ]
    doc["buyers"]["oem"]["ordering"] = {"rule": "cover"}
    doc["policies"][0] = {**BUFFER, "buyers": ["nobody"], "commodities": ["nothing"]}
    found = dict(problems(doc))
    assert found["policies.buf.buyers.0"].startswith("unknown buyer 'nobody'")
    assert found["policies.buf.commodities.0"].startswith("unknown commodity 'nothing'")


def problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The reference problems `minsim validate` reports for `doc`."""
    return check_references(Scenario.model_validate(doc))

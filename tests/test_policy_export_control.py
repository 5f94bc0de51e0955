"""Export controls: closed-form ban, licence statistics, general licences, end-use rules, quota
throughput and allocation, the extraterritorial content rule, and rules for denied shipments."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sim.runner import run_one, simulate
from tests.policy_world import buyer, day, departures, events, stockist, validate, world


def control(mode: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": "ctrl",
        "type": "export_control",
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": mode,
        "start": day(0),
        **fields,
    }


def cn_to(
    *buyers: tuple[str, str], transit: float = 5.0, policies: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    """One Chinese stockist selling magnets to buyers (id, country), transit `transit` days."""
    countries = sorted({c for _, c in buyers})
    return world(
        {"maker": stockist("CN")},
        {bid: buyer(c, {"maker": 1.0}) for bid, c in buyers},
        [("CN", c, transit) for c in countries],
        policies,
        **kw,
    )


# --- ban -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("D", "d", "stock", "L"),
    [(30, 10.0, 200.0, 5.0), (60, 7.5, 123.0, 16.0), (10, 10.0, 400.0, 5.0), (45, 3.0, 0.0, 2.0)],
)
def test_ban_on_one_lane_gives_closed_form_shortage(D, d, stock, L):
    """One buyer, constant demand d, initial stock I, deterministic transit L, a ban for D days
    from the start: short from I/d until the first shipment after the ban lands at D + L, so
    the shortage is max(0, d·(D + L) − I)."""
    doc = world(
        {"maker": stockist("CN")},
        {
            "oem": buyer("JP", {"maker": 1.0}, rate_per_day=d, initial=stock),
            "us_oem": buyer("US", {"maker": 1.0}),
        },
        [("CN", "JP", L), ("CN", "US", 5.0)],
        [control("ban", destinations=["JP"], end=day(D))],
    )
    summary = run_one(validate(doc), 0, 1).summary.set_index("buyer")
    expected = max(0.0, d * (D + L) - stock)
    assert summary.loc["oem", "shortage_t"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    if expected > 0:
        assert summary.loc["oem", "tts_days"] == math.floor(stock / d)
    assert summary.loc["us_oem", "shortage_t"] == 0.0  # not a covered destination


def test_ban_with_resource_drops_the_supplier_at_once():
    doc = world(
        {"maker": stockist("CN"), "alt": stockist("MY")},
        {"oem": buyer("JP", {"maker": 1.0}, alternates=["alt"])},
        [("CN", "JP", 5.0), ("MY", "JP", 8.0)],
        [control("ban", on_denied="resource")],
        days=120,
    )
    net = simulate(validate(doc), 0, 1)
    assert events(net, "supplier_failing")[0] == (0.0, "oem", "maker magnet")
    assert events(net, "supplier_qualified")[0][0] == 10.0  # qualification_days
    assert departures(net, "alt", "oem")[0][0] == 10.0
    assert departures(net, "maker", "oem") == []


def test_ban_with_cancel_voids_orders_and_ships_nothing():
    doc = cn_to(("oem", "JP"), policies=[control("ban", on_denied="cancel", end=day(50))])
    net = simulate(validate(doc), 0, 1)
    cancelled = events(net, "orders_cancelled")
    assert cancelled and all(t < 50 for t, _, _ in cancelled)
    assert min(t for t, _ in departures(net, "maker", "oem")) == 50.0


# --- licences --------------------------------------------------------------------------------
def test_licences_delay_by_review_and_approve_share_p():
    p, review, transit = 0.6, 20.0, 5.0
    lic = {"review_days": review, "approval_rate": p, "applications": "shipment"}
    doc = cn_to(
        ("oem", "JP"),
        transit=transit,
        policies=[control("license", license=lic, on_denied="cancel")],
        days=730,
    )
    net = simulate(validate(doc), 0, 1)
    arrivals = net.buyers["oem"].points["magnet"].arrivals
    assert min(t for t, _ in arrivals) >= review + transit
    approved = [float(d.split()[2]) for _, _, d in events(net, "licence_approved")]
    denied = [float(d.split()[2]) for _, _, d in events(net, "licence_denied")]
    n = len(approved) + len(denied)
    assert n > 400
    assert abs(len(approved) / n - p) <= 4 * math.sqrt(p * (1 - p) / n)
    # delivered share of tonnage: a weighted binomial, variance p(1-p)·Σw²/(Σw)²
    weights = approved + denied
    total = sum(weights)
    sd = math.sqrt(p * (1 - p) * sum(w * w for w in weights)) / total
    assert abs(sum(approved) / total - p) <= 4 * sd
    in_transit = sum(s.quantity for s in net.lanes[("maker", "oem")].in_transit)
    assert sum(q for _, q in arrivals) + in_transit == pytest.approx(sum(approved))


def test_general_licence_covers_the_pair_for_its_validity():
    lic = {"review_days": 20, "approval_rate": 1.0, "validity_days": 365}
    doc = cn_to(("oem", "JP"), policies=[control("license", license=lic)], days=730)
    net = simulate(validate(doc), 0, 1)
    assert [t for t, _, _ in events(net, "licence_approved")] == [20.0, 405.0]
    assert net.custody.held == {}


def test_defense_end_users_are_refused():
    lic = {"review_days": 30, "rules": [{"sectors": ["defense"], "approval_rate": 0.0}]}
    doc = cn_to(("oem", "JP"), ("dod", "US"), policies=[control("license", license=lic)])
    doc["buyers"]["dod"]["sector"] = "defense"
    net = simulate(validate(doc), 0, 1)
    assert net.buyers["dod"].points["magnet"].arrivals == []
    assert net.buyers["oem"].points["magnet"].arrivals
    held = list(net.custody.held)
    assert any(s.buyer.id == "dod" and s.departed < 30 for s in held)  # held until it lifts
    assert all(s.departed >= 365 - 30 for s in held if s.buyer.id == "oem")  # under review


# --- quotas ----------------------------------------------------------------------------------
def per_period(deps: list[tuple[float, float]], period: float, n: int) -> list[float]:
    out = [0.0] * n
    for t, q in deps:
        out[int(t // period)] += q
    return out


def test_quota_throughput_equals_the_quota():
    quota = {"tonnes": 100.0, "period_days": 30.0}
    doc = cn_to(("oem", "JP"), policies=[control("quota", quota=quota)], days=300)
    net = simulate(validate(doc), 0, 1)
    flows = per_period(departures(net, "maker", "oem"), 30.0, 10)
    assert flows == pytest.approx([100.0] * 10, rel=1e-9)


def test_quota_shares_split_each_period():
    quota = {
        "tonnes": 100.0,
        "period_days": 30.0,
        "allocation": "shares",
        "shares": {"JP": 0.7, "other": 0.3},
    }
    doc = cn_to(("oem", "JP"), ("us", "US"), policies=[control("quota", quota=quota)], days=300)
    net = simulate(validate(doc), 0, 1)
    assert per_period(departures(net, "maker", "oem"), 30.0, 10) == pytest.approx([70.0] * 10)
    assert per_period(departures(net, "maker", "us"), 30.0, 10) == pytest.approx([30.0] * 10)


# --- extraterritorial ------------------------------------------------------------------------
def magnet_maker(dy_supplier: str) -> dict[str, Any]:
    return {
        "stage": "magnet",
        "country": "JP",
        "capacity": {"magnet": 10000.0},
        "recipe": {"inputs": {"NdPr_oxide": 0.3, "Dy_oxide": 0.03}},
        "inventory": {"NdPr_oxide": 300.0, "Dy_oxide": 30.0},
        "sourcing": {
            "NdPr_oxide": {"suppliers": {"au_sep": 1.0}},
            "Dy_oxide": {"suppliers": {dy_supplier: 1.0}},
        },
    }


def two_magnet_chains(ctrl: dict[str, Any]) -> dict[str, Any]:
    """Japanese magnets for US buyers: one maker uses Chinese Dy, the other Lynas (MY) Dy."""
    sep = {"stage": "separation", "output_cover_days": 0.0}
    return world(
        {
            **{
                f: {**sep, "country": c, "capacity": {k: 1.0}, "inventory": {k: 1e6}}
                for f, c, k in [
                    ("au_sep", "AU", "NdPr_oxide"),
                    ("cn_sep", "CN", "Dy_oxide"),
                    ("my_sep", "MY", "Dy_oxide"),
                ]
            },
            "jp_cn_dy": magnet_maker("cn_sep"),
            "jp_lynas_dy": magnet_maker("my_sep"),
        },
        {
            "us_a": buyer("US", {"jp_cn_dy": 1.0}),
            "us_b": buyer("US", {"jp_lynas_dy": 1.0}),
        },
        [("AU", "JP", 10.0), ("CN", "JP", 5.0), ("MY", "JP", 7.0), ("JP", "US", 20.0)],
        [ctrl],
        days=200,
    )


def test_extraterritorial_rule_catches_chinese_dy_not_lynas_dy():
    ctrl = control(
        "license",
        destinations={"all_but": ["JP"]},
        license={"review_days": 30, "approval_rate": 0.0},
        extraterritorial={"threshold": 0.001},
    )
    net = simulate(validate(two_magnet_chains(ctrl)), 0, 1)
    assert departures(net, "jp_cn_dy", "us_a") == []
    assert {s.supplier.id for s in net.custody.held} == {"jp_cn_dy"}
    assert sum(q for _, q in departures(net, "jp_lynas_dy", "us_b")) > 1000
    assert sum(q for _, q in departures(net, "cn_sep", "jp_cn_dy")) > 0  # Dy to JP not covered
    origin = net.nodes["jp_cn_dy"].stock("magnet").origin
    assert origin["CN"] == pytest.approx(0.03 / 0.33)


def test_without_the_extraterritorial_rule_third_country_magnets_flow():
    ctrl = control(
        "license",
        destinations={"all_but": ["JP"]},
        license={"review_days": 30, "approval_rate": 0.0},
    )
    net = simulate(validate(two_magnet_chains(ctrl)), 0, 1)
    assert sum(q for _, q in departures(net, "jp_cn_dy", "us_a")) > 1000
    assert net.custody.held == {}


def test_extraterritorial_only_leaves_the_exporters_own_shipments_alone():
    """A rule like Ann. 61 on its own (`only: true`): direct Chinese exports pass, foreign
    magnets with Chinese Dy need the licence."""
    ctrl = control(
        "license",
        destinations="all",
        license={"review_days": 30, "approval_rate": 0.0},
        extraterritorial={"threshold": 0.001, "only": True},
    )
    net = simulate(validate(two_magnet_chains(ctrl)), 0, 1)
    assert sum(q for _, q in departures(net, "cn_sep", "jp_cn_dy")) > 0
    assert departures(net, "jp_cn_dy", "us_a") == []
    assert sum(q for _, q in departures(net, "jp_lynas_dy", "us_b")) > 1000


def test_origin_shares_are_shares_of_value_when_inputs_have_prices():
    """With reference prices on every input, the Chinese share of a Japanese magnet made of
    Australian NdPr ($69/kg, 0.3 t/t) and Chinese Dy ($239/kg, 0.03 t/t) is its value share."""
    doc = two_magnet_chains(control("ban", destinations={"all_but": ["JP"]}))
    doc["commodities"]["NdPr_oxide"]["value_usd_per_kg"] = 69.0
    doc["commodities"]["Dy_oxide"]["value_usd_per_kg"] = 239.0
    net = simulate(validate(doc), 0, 1)
    origin = net.nodes["jp_cn_dy"].stock("magnet").origin
    assert origin["CN"] == pytest.approx(0.03 * 239 / (0.03 * 239 + 0.3 * 69))


def test_defence_refusal_acts_on_a_japanese_magnet_made_from_chinese_dy():
    """Refusal by end use reaches third-country products through their origin mix: a US
    defence buyer of magnets made in Japan from Chinese Dy is refused (through the queue, one
    contract application per 30 days), while a civil buyer of the same magnets is licensed and
    a defence buyer of magnets made from Lynas Dy is not covered at all."""
    lic = {
        "review_days": 30,
        "approval_rate": 1.0,
        "rules": [{"sectors": ["defense"], "approval_rate": 0.0}],
    }
    ctrl = control(
        "license",
        destinations={"all_but": ["JP"]},
        license=lic,
        on_denied="cancel",
        extraterritorial={"threshold": 0.001, "only": True},
    )
    doc = two_magnet_chains(ctrl)
    doc["buyers"]["dod"] = buyer("US", {"jp_cn_dy": 1.0}, sector="defense")
    doc["buyers"]["dod_lynas"] = buyer("US", {"jp_lynas_dy": 1.0}, sector="defense")
    net = simulate(validate(doc), 0, 1)
    denied = events(net, "licence_denied")
    assert denied and all(d.startswith("jp_cn_dy->dod ") for _, _, d in denied)
    assert all(t >= 30 for t, _, _ in denied)
    assert departures(net, "jp_cn_dy", "dod") == []
    assert net.buyers["dod"].withdrawn["magnet"] > 0  # refused shipments withdrawn, order void
    assert sum(q for _, q in departures(net, "jp_cn_dy", "us_a")) > 1000  # civil: licensed
    assert sum(q for _, q in departures(net, "jp_lynas_dy", "dod_lynas")) > 1000

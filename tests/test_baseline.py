"""Acceptance of `scenarios/baseline_2025.yaml`: the 2025 rare-earth network before the April 2025
Chinese export controls, with no policy.

The targets are published figures (originals named below; copied into
`scenarios/data/calibration_2025.csv`), not values the model happened to print:

- USGS Mineral Commodity Summaries 2025 and 2026, Rare earths, import sources of US imports of
  rare-earth compounds and metals: China 70 % (2020-23) / 71 % (2021-24), Malaysia 13 %,
  Japan 5-6 %, Estonia 5 %, other 6 % (by tonnes).
- China's share of Japan's rare-earth imports, 2024-25: "60-70 %" (NYT, Dec 2025), "some 70 %"
  (JOGMEC via WSJ), "below 60 %" (Argus via CNBC), 79.6 % on a metal-equivalent customs basis for
  H1 2024 (Metalnomist).
- China magnet exports 58,152 t in 2024 (Adamas / China GAC); China -> US ~0.4-0.7 kt/month;
  China -> Japan ~0.2-0.3 kt/month (China customs, Reuters/Bloomberg monthly reports).
- China's share of mining 69 % (USGS MCS 2026, 2025), separation 91-92 % (IEA), NdFeB magnets
  94 % (IEA).

Runs: `REPLICATIONS` = 3 replications (0, 1, 2) at the scenario's own seed, one simulation per
replication shared by all tests of this module (~1-2 s in total). Every replication must meet
every target on its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.runner import run_one
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2025.yaml"
REPLICATIONS = 3

APRIL_2025 = {"Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"}  # MOFCOM/GAC Announcement No. 18
OCTOBER_2025 = {"Ho", "Er", "Tm", "Eu", "Yb"}  # MOFCOM/GAC Announcement No. 57

#: USGS "compounds and metals": separated oxides/compounds, metals and alloys (not ores or
#: concentrates, not magnets).
COMPOUNDS_AND_METALS = {"oxide", "metal", "alloy"}

# --- published targets and tolerances -------------------------------------------------------------
#: USGS MCS 2025 (2020-23: 70 %) and MCS 2026 (2021-24: 71 %) -> 70.5 %. Tolerance +-8 percentage
#: points: the published share is a four-year average of customs tonnages over all compound and
#: metal types, while the model aggregates a few commodity groups over 2025-27; USGS's own 2025
#: import volume jumped +169 % with a changing product mix, so a year-to-year swing of several
#: points is plausible.
US_CHINA_SHARE, US_TOLERANCE = 0.705, 0.08
#: USGS: Malaysia 13 % of US imports (second source). +-6 points: a small flow (~1 kt/yr).
US_MALAYSIA_SHARE, US_MALAYSIA_TOLERANCE = 0.13, 0.06
#: Japan 2024-25: 60-70 % (the band of the NYT and JOGMEC figures), widened by 5 points on each side
#: because the published shares use different bases (volume vs metal equivalent; compounds vs all
#: rare-earth goods) and range from "below 60 %" to 79.6 %.
JAPAN_CHINA_BAND = (0.55, 0.75)
#: Adamas / China GAC: 58,152 t of magnets and alloys exported in 2024; the 2025 baseline (no
#: controls, demand +8.7 %/yr, pipeline filling) may sit up to ~15 % above, or somewhat below.
CHINA_MAGNET_EXPORTS_2025 = (0.85 * 58_152, 1.15 * 58_152)
#: China -> US magnets ~0.6 kt/month, range 0.4-0.7 kt/month (China GAC; >400 t/month in 2024).
CHINA_TO_US_MAGNETS_2025 = (0.4 * 12_000, 0.7 * 12_000)
#: China -> Japan magnets ~0.25 kt/month, range 0.2-0.3 kt/month (China customs, late 2025).
CHINA_TO_JAPAN_MAGNETS_2025 = (0.2 * 12_000, 0.3 * 12_000)
#: China's stage shares (USGS MCS 2026; IEA) with +-6 points (mining, separation) and +-3 points
#: (magnets): the model omits Indian/Russian mining and undocumented Chinese output, and counts
#: separated oxide tonnes (incl. Ce/La co-products and Chinese recycling) rather than IEA's basis.
CHINA_STAGE_SHARES = {"mining": (0.69, 0.06), "separation": (0.91, 0.06), "magnets": (0.94, 0.03)}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def results(scenario: Scenario) -> list:  # type: ignore[type-arg]
    return [run_one(scenario, r, scenario.seed) for r in range(REPLICATIONS)]


def _kinds(scenario: Scenario) -> dict[str, str]:
    return {cid: c.kind for cid, c in scenario.commodities.items()}


def _year(lanes: pd.DataFrame, scenario: Scenario, year: int) -> pd.DataFrame:
    start = scenario.horizon.start
    first = (pd.Timestamp(year=year, month=1, day=1).date() - start).days
    last = (pd.Timestamp(year=year + 1, month=1, day=1).date() - start).days
    return lanes[(lanes["day"] >= first) & (lanes["day"] < last)]


def import_shares(lanes: pd.DataFrame, scenario: Scenario, country: str) -> pd.Series:
    """Shares by origin country of compounds and metals arriving at `country`'s nodes from
    nodes in other countries (tonnes of every oxide/metal/alloy commodity, summed)."""
    kind = lanes["commodity"].map(_kinds(scenario))
    imports = lanes[
        (lanes["destination_country"] == country)
        & (lanes["origin_country"] != country)
        & kind.isin(COMPOUNDS_AND_METALS)
    ]
    by_origin = imports.groupby("origin_country")["flow_t"].sum()
    assert by_origin.sum() > 0, f"no imports into {country}"
    return by_origin / by_origin.sum()


def china_stage_shares(lanes: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """China's share of what leaves mines (concentrate), separation and recycling plants
    (separated oxides) and magnet plants (NdFeB), by the country of the plant."""
    stage = lanes["origin"].map({fid: f.stage for fid, f in scenario.facilities.items()})
    kind = lanes["commodity"].map(_kinds(scenario))
    parts = {
        "mining": lanes[stage == "mine"],
        "separation": lanes[stage.isin(["separation", "recycling"]) & (kind == "oxide")],
        "magnets": lanes[(stage == "magnet") & (lanes["commodity"] == "NdFeB_magnet")],
    }
    out = {}
    for name, flows in parts.items():
        by_country = flows.groupby("origin_country")["flow_t"].sum()
        out[name] = float(by_country.get("CN", 0.0) / by_country.sum())
    return out


# --- the file ----------------------------------------------------------------------------------------
def test_file_validates_and_has_no_policy(scenario: Scenario) -> None:
    assert scenario.name == "baseline_2025"
    assert str(scenario.horizon.start) == "2025-01-01"
    assert str(scenario.horizon.end) == "2028-01-01"
    assert scenario.policies == []
    assert len(scenario.commodities) >= 10
    # the reference network of DESIGN.md: ~30-40 facilities and buyers
    assert 30 <= len(scenario.facilities) + len(scenario.buyers) <= 40


def test_element_groups_separate_the_april_and_october_sets(scenario: Scenario) -> None:
    groups = {gid: set(g.members) for gid, g in scenario.elements.items()}
    covered = set().union(*groups.values())
    assert APRIL_2025 | OCTOBER_2025 | {"Nd", "Pr", "Ce", "La"} <= covered
    for gid, members in groups.items():
        # a control on one set must be able to target whole groups without touching the other
        assert not (members & APRIL_2025 and members & OCTOBER_2025), gid
    assert groups["NdPr"] == {"Nd", "Pr"}
    for single in ("Dy", "Tb", "Sm"):
        assert groups[single] == {single}


def test_products_declare_their_content(scenario: Scenario) -> None:
    c = scenario.commodities
    assert all(com.contains for com in c.values()), "every commodity says what it contains"
    ndfeb = c["NdFeB_magnet"].contains
    assert ndfeb["NdPr"] == pytest.approx(0.30, abs=0.04)  # NdPr ~1/3 of magnet mass
    assert 0.005 <= ndfeb["Dy"] + ndfeb["Tb"] <= 0.04  # below H-grade >= 3 %: fleet average
    assert c["SmCo_magnet"].contains["Sm"] > 0
    concentrates = [com for com in c.values() if com.kind == "concentrate"]
    assert len(concentrates) >= 3
    assert all(com.basket for com in concentrates), "ores yield a co-product basket"


def test_every_entry_cites_its_source(scenario: Scenario) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    for forbidden in ("calibration.md", "../shared", "/shared/"):
        assert forbidden not in text
    missing = [f"facilities.{k}" for k, f in scenario.facilities.items() if not f.source]
    missing += [f"buyers.{k}" for k, b in scenario.buyers.items() if not b.source]
    missing += [
        f"lanes.{i}"
        for i, lane in enumerate(scenario.lanes)
        if not (lane.source or getattr(lane.transit_days, "source", None))
    ]
    missing += [
        f"commodities.{k}"
        for k, com in scenario.commodities.items()
        if com.basket and not com.source
    ]
    assert not missing, missing


# --- behaviour against published figures ------------------------------------------------------------
@pytest.mark.slow
def test_no_shortage_without_policy(results: list) -> None:  # type: ignore[type-arg]
    for res in results:
        s = res.summary
        frac = s["shortage_t"] / s["demand_t"]
        worst = s.assign(frac=frac).sort_values("frac").iloc[-1]
        assert (frac < 0.01).all(), (
            f"replication {res.replication}: {worst.buyer} {worst.commodity} short "
            f"{worst.frac:.2%} of demand"
        )


@pytest.mark.slow
def test_us_imports_of_compounds_and_metals_come_70_percent_from_china(
    scenario: Scenario,
    results: list,  # type: ignore[type-arg]
) -> None:
    for res in results:
        for label, lanes in (("2025-27", res.lanes), ("2025", _year(res.lanes, scenario, 2025))):
            shares = import_shares(lanes, scenario, "US")
            print(f"rep {res.replication} US imports {label}: {shares.round(3).to_dict()}")
            assert shares.get("CN", 0.0) == pytest.approx(US_CHINA_SHARE, abs=US_TOLERANCE), label
            assert shares.drop("CN").idxmax() == "MY", "Malaysia is the second source (USGS)"
            assert shares["MY"] == pytest.approx(US_MALAYSIA_SHARE, abs=US_MALAYSIA_TOLERANCE)


@pytest.mark.slow
def test_japan_imports_come_60_to_70_percent_from_china(
    scenario: Scenario,
    results: list,  # type: ignore[type-arg]
) -> None:
    low, high = JAPAN_CHINA_BAND
    for res in results:
        for label, lanes in (("2025-27", res.lanes), ("2025", _year(res.lanes, scenario, 2025))):
            shares = import_shares(lanes, scenario, "JP")
            print(f"rep {res.replication} Japan imports {label}: {shares.round(3).to_dict()}")
            assert low <= shares.get("CN", 0.0) <= high, label


@pytest.mark.slow
def test_chinese_magnet_exports_match_customs_data(
    scenario: Scenario,
    results: list,  # type: ignore[type-arg]
) -> None:
    for res in results:
        lanes = _year(res.lanes, scenario, 2025)
        magnets = lanes[(lanes["commodity"] == "NdFeB_magnet") & (lanes["origin_country"] == "CN")]
        abroad = magnets[magnets["destination_country"] != "CN"]
        by_dest = abroad.groupby("destination_country")["flow_t"].sum()
        print(f"rep {res.replication} China NdFeB exports 2025: {by_dest.round().to_dict()}")
        assert CHINA_MAGNET_EXPORTS_2025[0] <= by_dest.sum() <= CHINA_MAGNET_EXPORTS_2025[1]
        assert CHINA_TO_US_MAGNETS_2025[0] <= by_dest["US"] <= CHINA_TO_US_MAGNETS_2025[1]
        assert CHINA_TO_JAPAN_MAGNETS_2025[0] <= by_dest["JP"] <= CHINA_TO_JAPAN_MAGNETS_2025[1]


@pytest.mark.slow
def test_china_stage_shares_are_near_published_ones(
    scenario: Scenario,
    results: list,  # type: ignore[type-arg]
) -> None:
    for res in results:
        shares = china_stage_shares(res.lanes, scenario)
        print(
            f"rep {res.replication} China share: "
            + ", ".join(
                f"{k} {v:.1%} (published {CHINA_STAGE_SHARES[k][0]:.0%})" for k, v in shares.items()
            )
        )
        for stage, share in shares.items():
            target, tolerance = CHINA_STAGE_SHARES[stage]
            assert share == pytest.approx(target, abs=tolerance), stage

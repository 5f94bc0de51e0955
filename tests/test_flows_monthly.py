"""`flows_monthly.csv` against closed forms: a deterministic one-lane network orders one review
period of demand at every review, and each order leaves in daily loads of one day's demand over
the review period (`ordering.delivery_days` defaults to it), so its monthly tonnes by departure
and by arrival (departure plus the fixed transit time, crossing month boundaries) can be counted
by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.runner import run_to_dir
from tests.netbuild import one_supplier, scenario

D, L, R, DAYS = 12.0, 16.0, 7.0, 120  # t/day demand, transit days, review days, horizon days
START = dt.date(2025, 1, 1)


def expected_by_month(days: list[float], tonnes: list[float]) -> dict[str, float]:
    """Tonnes per `YYYY-MM` of events at `days` after the start (within the horizon)."""
    out: dict[str, float] = {}
    for day, t in zip(days, tonnes, strict=True):
        if day < DAYS:
            d = START + dt.timedelta(days=int(day))
            out[f"{d:%Y-%m}"] = out.get(f"{d:%Y-%m}", 0.0) + t
    return out


@pytest.fixture(scope="module")
def monthly(tmp_path_factory) -> pd.DataFrame:
    doc = one_supplier(
        rate_per_day=D, transit=L, review=R, days=DAYS, initial=20.0 * D, safety_days=20.0
    )
    doc["initial_pipeline"] = True  # D × L in transit at the start, landing in the first L days
    out = tmp_path_factory.mktemp("m") / "run"
    run_to_dir(scenario(doc), out, reps=3, seed=1, workers=1)
    return pd.read_csv(out / "flows_monthly.csv")


def test_columns_and_countries(monthly) -> None:
    assert list(monthly.columns) == [
        "dated_by",
        "month",
        "origin_country",
        "destination_country",
        "commodity",
        "mean_t",
        "p05_t",
        "p95_t",
    ]
    pairs = zip(monthly["origin_country"], monthly["destination_country"], strict=True)
    assert set(pairs) == {("CN", "JP")}
    assert list(dict.fromkeys(monthly["dated_by"])) == ["departure", "arrival"]


LOADS = [float(k) for k in range(DAYS + int(R))]  # a load of D leaves every day


def test_departures_by_month_are_one_day_of_demand_per_day(monthly) -> None:
    want = expected_by_month(LOADS, [D] * len(LOADS))
    got = monthly[monthly["dated_by"] == "departure"].set_index("month")["mean_t"]
    assert got.to_dict() == pytest.approx(want)
    # 31 days in January, 28 in February, 30 days of April within the 120-day horizon
    assert (want["2025-01"], want["2025-02"], want["2025-04"]) == (31 * D, 28 * D, 30 * D)


def test_arrivals_are_departures_shifted_by_the_transit_time(monthly) -> None:
    want = expected_by_month([t + L for t in LOADS], [D] * len(LOADS))
    want["2025-01"] += D * L  # the initial pipeline lands within the first transit time
    got = monthly[monthly["dated_by"] == "arrival"].set_index("month")["mean_t"]
    assert got.to_dict() == pytest.approx(want)
    # January: the pipeline (days 0..15) and the loads of days 0..14 (landing on days 16..30)
    assert want["2025-01"] == pytest.approx(D * L + 15 * D)


def test_deterministic_replications_have_no_spread(monthly) -> None:
    np.testing.assert_allclose(monthly["p05_t"], monthly["mean_t"])
    np.testing.assert_allclose(monthly["p95_t"], monthly["mean_t"])

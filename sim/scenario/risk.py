"""The `risk:` section of a scenario: the grid of shortage thresholds and dates at which the
probability of a shortfall is reported, the tail level of the expected shortfall, and the value
of production lost per tonne of unmet demand, by sector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario.domains import MAX_USD


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class LostValue(_Strict):
    """Value of the production a sector loses per tonne of unmet demand."""

    usd_per_t: float = Field(
        gt=0, le=MAX_USD, description="US$ of output lost per tonne short (at most 10 trillion)."
    )
    commodities: list[str] | None = Field(
        default=None, description="Commodities it applies to (all the sector demands if unset)."
    )
    source: str = Field(min_length=1, description="Where the value comes from (required).")


class RiskSpec(_Strict):
    """What the risk metrics report (`risk.csv`, `minsim risk`, the report)."""

    thresholds_pct: list[float] = Field(
        default_factory=lambda: [5.0, 10.0, 25.0, 50.0],
        min_length=1,
        description="Shortage thresholds x, % of demand over the window.",
    )
    by: list[dt.date] = Field(
        default_factory=list,
        description="Dates T: P(shortage > x % over a window ending on or before T); default "
        "the end of each calendar year in the horizon and the horizon's end.",
    )
    window_days: int = Field(
        default=90,
        ge=1,
        le=36_500,
        description="Length of the window over which shortage is summed, days (at most 100 years).",
    )
    cvar_level: float = Field(
        default=0.95, gt=0, lt=1, description="Tail level of the expected shortfall (CVaR)."
    )
    lost_value: dict[str, LostValue] = Field(
        default_factory=dict, description="Value of lost production by buyer sector."
    )
    source: str | None = Field(default=None, description="Why these thresholds and dates.")

    @model_validator(mode="after")
    def _thresholds(self) -> RiskSpec:
        bad = [x for x in self.thresholds_pct if not 0 <= x < 100]
        if bad:
            raise ValueError(f"thresholds_pct must be in [0, 100) (got {bad})")
        lists: list[tuple[str, list[Any]]] = [
            ("thresholds_pct", list(self.thresholds_pct)),
            ("by", list(self.by)),
        ]
        for name, values in lists:
            twice = sorted({str(v) for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"{name} lists {', '.join(twice)} more than once")
        return self

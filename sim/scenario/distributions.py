"""Numbers that may be uncertain: a fixed value or a distribution sampled per replication."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

# z-score of the 90th percentile of a standard normal
_Z90 = 1.2815515655446004


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    source: str | None = Field(default=None, description="Where this number comes from.")

    def sample(self, rng: np.random.Generator) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """`n` independent draws (vectorised; the same law as `sample`)."""
        return np.array([self.sample(rng) for _ in range(n)])

    def mean(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def quantile(self, p: float) -> float:  # pragma: no cover - abstract
        """The value below which a share `p` (0 < p < 1) of draws falls (inverse CDF)."""
        raise NotImplementedError

    @property
    def bounded(self) -> bool:
        """Whether the law has finite bounds (its 0 and 1 quantiles are finite)."""
        return True

    @property
    def degenerate(self) -> bool:
        """Whether every draw is the same value."""
        return self.quantile(0.25) == self.quantile(0.75)


class Fixed(_Dist):
    """A fixed value, written `{value: 3.0, source: "..."}` (or as a bare number)."""

    dist: Literal["fixed"] = "fixed"
    value: float

    def sample(self, rng: np.random.Generator) -> float:
        return self.value

    def mean(self) -> float:
        return self.value

    def quantile(self, p: float) -> float:
        return self.value


class Uniform(_Dist):
    """Uniform between `low` and `high`."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high must be >= low (got low={self.low}, high={self.high})")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    def quantile(self, p: float) -> float:
        return self.low + p * (self.high - self.low)


class Triangular(_Dist):
    """Triangular with `low` <= `mode` <= `high`."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high (got {self.low}, {self.mode}, {self.high})")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        if self.low == self.high:
            return self.low
        return float(rng.triangular(self.low, self.mode, self.high))

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(n, self.low)
        return rng.triangular(self.low, self.mode, self.high, n)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def quantile(self, p: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if a == b:
            return a
        if p <= (c - a) / (b - a):
            return a + math.sqrt(p * (b - a) * (c - a))
        return b - math.sqrt((1.0 - p) * (b - a) * (b - c))


class Normal(_Dist):
    """Normal with `mean` and `sd`, truncated at 0 (negative draws are redrawn)."""

    dist: Literal["normal"]
    mean_: float = Field(alias="mean")
    sd: float = Field(ge=0)

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    def sample(self, rng: np.random.Generator) -> float:
        if self.sd == 0:
            return max(self.mean_, 0.0)
        if self.mean_ + 8 * self.sd < 0:
            return 0.0
        while True:
            x = float(rng.normal(self.mean_, self.sd))
            if x >= 0:
                return x

    def mean(self) -> float:
        return self.mean_

    def quantile(self, p: float) -> float:
        if self.sd == 0:
            return max(self.mean_, 0.0)
        law = NormalDist(self.mean_, self.sd)
        below = law.cdf(0.0)  # the share redrawn by the truncation at 0
        if below >= 1.0:
            return 0.0
        return max(0.0, law.inv_cdf(below + p * (1.0 - below)))

    @property
    def bounded(self) -> bool:
        return self.sd == 0


class Lognormal(_Dist):
    """Lognormal given by its `median` and 90th percentile `p90` (p90 >= median > 0)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    p90: float = Field(gt=0)

    @model_validator(mode="after")
    def _order(self) -> Lognormal:
        if self.p90 < self.median:
            raise ValueError(f"p90 must be >= median (got median={self.median}, p90={self.p90})")
        return self

    @property
    def sigma(self) -> float:
        return math.log(self.p90 / self.median) / _Z90

    def sample(self, rng: np.random.Generator) -> float:
        return float(self.median * math.exp(self.sigma * rng.standard_normal()))

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * np.exp(self.sigma * rng.standard_normal(n))

    def mean(self) -> float:
        return self.median * math.exp(0.5 * self.sigma**2)

    def quantile(self, p: float) -> float:
        if self.sigma == 0:
            return self.median
        return self.median * math.exp(self.sigma * NormalDist().inv_cdf(p))

    @property
    def bounded(self) -> bool:
        return self.sigma == 0


DIST_KINDS = ("fixed", "uniform", "triangular", "normal", "lognormal")


def _dist_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        return str(v.get("dist", "fixed"))
    return getattr(v, "dist", None)


Distribution = Annotated[
    Annotated[Fixed, Tag("fixed")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[Lognormal, Tag("lognormal")],
    Discriminator(
        _dist_tag,
        custom_error_type="unknown_distribution",
        custom_error_message=f"unknown distribution; allowed: {', '.join(DIST_KINDS)}",
    ),
]

#: A number in a scenario: a plain float, or a distribution (possibly with `source:`).
Number = float | Distribution


def mean_of(x: Number) -> float:
    """Expected value of a number or distribution (used for sizing, never for sampling)."""
    return float(x) if isinstance(x, int | float) else x.mean()


def sample(x: Number, rng: np.random.Generator) -> float:
    """Draw one value; plain numbers are returned as they are."""
    return float(x) if isinstance(x, int | float) else x.sample(rng)

"""Levers: the scenario values a workshop may change, declared in the scenario's `levers:` section.

A lever names a key path (as `--set KEY=VALUE`: `policies.busan_pause.at_expiry`), a label, a
kind and where its positions come from (`source:` or `rationale:`):

- `choice`: `options`, a mapping of labels to values (`{renewed: renew, snap-back: snap_back}`);
- `range`: a number between `min` and `max` in steps of `step`;
- `switch`: `on_value` / `off_value`, set when the switch is on / off.

`default` is the lever's position that describes the scenario as written: the base run is the
scenario itself, and a variant sets only the levers moved away from their default. The checks of
one lever live on `Lever`; `check_levers` checks the key paths against the scenario.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario.paths import BY_ID, list_index, match_key

LeverKind = Literal["choice", "range", "switch"]
#: Top-level keys a lever may not change (they name, seed or extend the scenario).
FIXED_KEYS = frozenset({"schema_version", "name", "extends", "seed", "levers"})
#: Most positions a range lever may have (a slider of more is surely a typo in min, max or step).
MAX_POSITIONS = 1000


class Lever(BaseModel):
    """A scenario value the workshop page offers to change, with its positions and sources."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    key: str = Field(
        min_length=1,
        description="Key path of the value, as in --set (policies named by id, e.g. "
        "policies.busan_pause.at_expiry).",
    )
    label: str = Field(min_length=1, description="What the page calls the lever.")
    kind: LeverKind = Field(description="choice (options), range (min, max, step) or switch.")
    options: dict[str, Any] | None = Field(
        default=None, description="choice: labels of the positions and the value each sets."
    )
    min: float | None = Field(default=None, description="range: smallest value.")
    max: float | None = Field(default=None, description="range: largest value.")
    step: float | None = Field(default=None, gt=0, description="range: step between values.")
    unit: str = Field(default="", description="range: unit shown after the value.")
    on_value: Any = Field(default=None, description="switch: value set when on.")
    off_value: Any = Field(default=None, description="switch: value set when off.")
    default: str | float | bool = Field(
        description="The position that describes the scenario as written: an option label "
        "(choice), a number (range) or true/false (switch)."
    )
    source: str | None = Field(default=None, description="Where the lever's positions come from.")
    rationale: str | None = Field(
        default=None, description="Why the positions are what they are, where no source exists."
    )

    @model_validator(mode="after")
    def _positions(self) -> Lever:
        problems = list(_kind_problems(self))
        if self.source is None and self.rationale is None:
            problems.append("a lever needs a `source:` or a `rationale:`")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def positions(self) -> list[Any]:
        """Every position of the lever: option labels, the range's values, or on and off."""
        if self.kind == "choice":
            return list(self.options or {})
        if self.kind == "switch":
            return [True, False]
        lo, hi, step = float(self.min or 0), float(self.max or 0), float(self.step or 1)
        n = math.floor((hi - lo) / step + 1e-9)
        return [self.number(lo + i * step) for i in range(n + 1)]

    def number(self, x: float) -> float | int:
        """A range value as the scenario writes it: an integer when the range is in integers."""
        whole = all(float(v or 0).is_integer() for v in (self.min, self.max, self.step, x))
        return round(x) if whole else float(x)

    def check(self, position: Any) -> str | None:
        """Why `position` is not a position of this lever, or None if it is."""
        if self.kind == "choice":
            opts = self.options or {}
            if position not in opts:
                return f"must be one of {', '.join(map(str, opts))} (got {position!r})"
            return None
        if self.kind == "switch":
            return None if isinstance(position, bool) else f"must be on or off (got {position!r})"
        try:
            x = float(position)
        except (TypeError, ValueError):
            return f"must be a number (got {position!r})"
        assert self.min is not None and self.max is not None
        if not math.isfinite(x) or not self.min <= x <= self.max:
            return f"must be between {self.min:g} and {self.max:g} (got {position})"
        return None

    def value(self, position: Any) -> Any:
        """The scenario value a position sets (raises ValueError for a position it does not
        have)."""
        why = self.check(position)
        if why is not None:
            raise ValueError(f"{self.label}: {why}")
        if self.kind == "choice":
            return (self.options or {})[position]
        if self.kind == "switch":
            return self.on_value if position else self.off_value
        return self.number(float(position))

    def at_default(self, position: Any) -> bool:
        """True when `position` is the default (a range compares values: 2300 is 2300.0)."""
        if self.check(position) is not None:
            return False
        if self.kind == "range":
            return bool(self.number(float(position)) == self.number(float(self.default)))
        return bool(
            position == self.default
            and isinstance(position, bool) == isinstance(self.default, bool)
        )

    def show(self, position: Any) -> str:
        """A position as the page and the brief write it."""
        if self.kind == "switch":
            return "on" if position else "off"
        if self.kind == "range":
            x = self.number(float(position))
            text = f"{x:,}" if isinstance(x, int) else f"{x:,.4g}"
            return f"{text} {self.unit}".strip()
        return str(position)

    @property
    def cited(self) -> str:
        """The lever's source, else its rationale."""
        return self.source or self.rationale or ""


def _kind_problems(lever: Lever) -> Iterator[str]:
    fields = {
        "choice": ("options",),
        "range": ("min", "max", "step"),
        "switch": ("on_value", "off_value"),
    }
    for kind, names in fields.items():
        for name in names:
            given = getattr(lever, name) is not None
            if kind == lever.kind and not given:
                yield f"a {kind} lever needs `{name}`"
            elif kind != lever.kind and given:
                yield f"`{name}` belongs to a {kind} lever, not a {lever.kind} one"
    if lever.kind == "choice" and lever.options is not None:
        if len(lever.options) < 2:
            yield "a choice lever needs at least two options"
        if lever.default not in lever.options:
            yield f"default {lever.default!r} is not one of the options ({', '.join(lever.options)})"
    if lever.kind == "range" and None not in (lever.min, lever.max, lever.step):
        assert lever.min is not None and lever.max is not None
        assert lever.step is not None
        steps = (lever.max - lever.min) / lever.step
        if lever.min >= lever.max:
            yield f"min ({lever.min:g}) must be below max ({lever.max:g})"
        elif steps > MAX_POSITIONS:
            yield (
                f"{lever.min:g} to {lever.max:g} in steps of {lever.step:g} is {steps + 1:,.0f} "
                f"positions, more than {MAX_POSITIONS:,}"
            )
        elif isinstance(lever.default, bool) or not isinstance(lever.default, int | float):
            yield f"default must be a number (got {lever.default!r})"
        elif not lever.min <= lever.default <= lever.max:
            yield (f"default {lever.default:g} is outside the range {lever.min:g} to {lever.max:g}")
        elif abs(_nearest(lever, lever.default) - lever.default) > 1e-6 * lever.step:
            yield (
                f"default {lever.default:g} is not a position of the range ({lever.min:g} to "
                f"{lever.max:g} in steps of {lever.step:g})"
            )
    if lever.kind == "switch" and not isinstance(lever.default, bool):
        yield f"default of a switch must be true or false (got {lever.default!r})"


def _nearest(lever: Lever, x: float) -> float:
    """The position of a range lever nearest to `x`."""
    lo, step = float(lever.min or 0), float(lever.step or 1)
    return lo + round((x - lo) / step) * step


def check_levers(levers: Mapping[str, Lever], document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(dotted key path, message) for every lever whose key is not a value of `document` (the
    scenario dumped with every field, so optional values left unset still have their key)."""
    found = []
    for name, lever in levers.items():
        why = missing(document, lever.key)
        if why is not None:
            found.append((f"levers.{name}.key", why))
    return found


def missing(document: Mapping[str, Any], key: str) -> str | None:
    """Why `key` names no value of `document`, or None if it does."""
    segs = key.split(".")
    if any(not s for s in segs):
        return f"empty part in key path {key!r}"
    if segs[0] in FIXED_KEYS:
        return f"a lever cannot change `{segs[0]}`"
    node: Any = document
    for depth, seg in enumerate(segs):
        where = ".".join(segs[:depth]) or "the top level"
        if isinstance(node, Mapping):
            k = match_key(dict(node), seg)
            if k not in node:
                return f"no key '{seg}' in {where} (lever key {key})"
            node = node[k]
        elif isinstance(node, list):
            i = list_index(node, seg, by_id=depth == 1 and segs[0] in BY_ID)
            if i is None:
                return f"no entry '{seg}' in {where} (lever key {key})"
            node = node[i]
        else:
            return f"'{where}' has no part '{seg}' (lever key {key})"
    return None

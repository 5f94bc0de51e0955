"""Short renderings of values and name lists for problem messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import yaml

_MAX = 40

#: What the schema's string patterns mean, for messages and documentation.
PATTERN_WORDS = {
    r"^[A-Z]{2,3}$": "a country code of 2 or 3 capital letters, like CN, US or JP",
    r"^[A-Za-z][A-Za-z0-9_\-]*$": "an id: a letter, then letters, digits, _ or -",
}


def show(value: Any) -> str:
    """A value as it would be written in YAML, shortened: `'abc'`, `-5`, `null`, `{dist: gamma}`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, int | float | dt.date):
        return str(value)
    if isinstance(value, str):
        return f"'{_cut(value)}'"
    try:
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    except yaml.YAMLError:
        text = repr(value)
    return _cut(text.removesuffix("\n..."))


def known(names: Iterable[Any], limit: int = 12) -> str:
    """`a, b, c`, cut after `limit` names with `…`; `none` when empty."""
    names = [str(n) for n in names]
    if not names:
        return "none"
    head = ", ".join(names[:limit])
    return f"{head}, …" if len(names) > limit else head


def _cut(text: str) -> str:
    return text if len(text) <= _MAX else text[: _MAX - 1] + "…"

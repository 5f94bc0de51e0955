"""A self-contained HTML page: inline CSS, figures as base64 PNG, no network."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence

import pandas as pd

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;
background:#fff;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:1px solid
#d9e2ec;padding-bottom:4px}.sub{color:#52606d;margin:0 0 16px}
table{border-collapse:collapse;font-size:.8rem;margin:8px 0 4px}
th,td{border-bottom:1px solid #e4e7eb;padding:3px 6px;text-align:right;vertical-align:top;white-space:nowrap}
th{background:#f5f7fa;font-weight:600;white-space:normal;min-width:4em}
.scroll{overflow-x:auto}td.l,th.l{text-align:left}
figure{margin:18px 0}figure img{max-width:100%;height:auto;border:1px solid #e4e7eb}
figcaption{font-size:.85rem;color:#52606d;margin-top:4px}
pre{background:#f5f7fa;padding:10px;font-size:.8rem;overflow-x:auto;white-space:pre-wrap}
.note{font-size:.8rem;color:#52606d}dl{display:grid;grid-template-columns:max-content 1fr;
gap:2px 16px;font-size:.85rem}dt{font-weight:600}dd{margin:0;word-break:break-all}
"""


def esc(x: object) -> str:
    """`x` as escaped HTML text."""
    return html.escape(str(x))


def table(df: pd.DataFrame, left: Iterable[str] = ()) -> str:
    """An HTML table of `df`'s cells as shown (format numbers before)."""
    lcols = set(left)
    head = "".join(f'<th class="{"l" if c in lcols else ""}">{esc(c)}</th>' for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = "".join(
            f'<td class="{"l" if c in lcols else ""}">{esc("" if pd.isna(v) else v)}</td>'
            for c, v in zip(df.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def figure(png: bytes, caption: str, alt: str) -> str:
    """An embedded PNG with its caption."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def definitions(items: Sequence[tuple[str, object]]) -> str:
    """A definition list of (term, value) pairs."""
    return "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str]]) -> str:
    """The page: a title, then (heading, HTML body) sections."""
    body = "".join(f"<section><h2>{esc(h)}</h2>{b}</section>" for h, b in sections)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f'<h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p>{body}</main></body></html>\n'
    )

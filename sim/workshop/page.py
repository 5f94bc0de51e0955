"""The workshop page (Panel on Bokeh): lever widgets, fan charts of unmet demand base and
variant overlaid, the paired difference with its interval, headlines, the session log and the
brief. The same object serves a browser tab (`sim.workshop.serve`) and a notebook cell
(`sim.workshop.app`)."""

from __future__ import annotations

import datetime as dt
import html
import time
from pathlib import Path
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.models.annotations import Label, Span
from bokeh.plotting import figure

from sim.scenario.levers import Lever
from sim.workshop.brief import SessionLog, lever_marks, moved_text, series_name, write_brief
from sim.workshop.curves import monthly_pct, paired
from sim.workshop.engine import LeverError, Variant, Workshop
from sim.workshop.outcomes import Outcome, Series

REFRESH_MS = 300  # how often the page looks for new replications
BASE_COLOUR, VARIANT_COLOUR = "#7f7f7f", "#ff7f0e"


def widget(lever: Lever) -> Any:
    """The Panel widget of a lever: a select (choice), an editable slider (range: values typed
    outside the range are refused with a message) or a checkbox (switch)."""
    if lever.kind == "choice":
        return pn.widgets.Select(
            name=lever.label, options=list(lever.options or {}), value=lever.default
        )
    if lever.kind == "switch":
        return pn.widgets.Checkbox(name=lever.label, value=bool(lever.default))
    assert lever.min is not None and lever.max is not None and lever.step is not None
    whole = isinstance(lever.number(float(lever.default)), int)
    cls = pn.widgets.EditableIntSlider if whole else pn.widgets.EditableFloatSlider
    cast = int if whole else float
    return cls(
        name=lever.label + (f" ({lever.unit})" if lever.unit else ""),
        start=cast(lever.min),
        end=cast(lever.max),
        step=cast(lever.step),
        value=cast(lever.default),
    )


def _band(outcomes: list[Outcome], i: int) -> dict[str, np.ndarray]:
    x = monthly_pct(outcomes, i)
    q = np.percentile(x, [5, 25, 50, 75, 95], axis=0)
    return dict(zip(("p05", "p25", "p50", "p75", "p95"), q, strict=True))


class Page:
    """One session of the page: its lever widgets, current variant, charts and log."""

    def __init__(self, workshop: Workshop, out: str | Path | None = None) -> None:
        self.w = workshop
        self.out = (
            Path(out)
            if out is not None
            else Path("runs") / f"workshop-{workshop.base.loaded.scenario.name}"
        )
        self.log = SessionLog(workshop)
        self.variant: Variant = workshop.base
        self.moved_at = time.monotonic()
        self.reached: dict[int, float] = {}
        self.widgets = {name: widget(lever) for name, lever in workshop.levers.items()}
        for name, wdg in self.widgets.items():
            wdg.param.watch(lambda event, n=name: self.apply(), "value")
        self.message = pn.pane.Alert(
            "", alert_type="danger", visible=False, sizing_mode="stretch_width"
        )
        self.status = pn.pane.HTML("", sizing_mode="stretch_width")
        self.headline = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["headline"])
        self.charts = pn.Column(sizing_mode="stretch_width")
        self.log_pane = pn.pane.HTML("", sizing_mode="stretch_width")
        self.exported = pn.pane.HTML("", sizing_mode="stretch_width")
        reset = pn.widgets.Button(name="Back to the scenario as written", button_type="default")
        reset.on_click(lambda _: self.reset())
        export = pn.widgets.Button(name="Export brief", button_type="primary")
        export.on_click(lambda _: self.export())
        self._shown: tuple[Series, ...] | None = None
        self._sources: dict[Series, tuple[ColumnDataSource, ColumnDataSource]] = {}
        self._drawn: tuple[str, int, int] | None = None
        scenario = workshop.base.loaded.scenario
        intro = pn.pane.HTML(
            f"<h2>minsim workshop: {html.escape(scenario.name)}</h2>"
            f"<p>{html.escape(scenario.description)}</p>",
            sizing_mode="stretch_width",
        )
        side = pn.Column(
            "### Levers", *self.widgets.values(), reset, export, self.exported, width=360
        )
        main = pn.Column(
            self.message,
            self.status,
            self.headline,
            self.charts,
            "### Session log",
            self.log_pane,
            sizing_mode="stretch_width",
        )
        self.view = pn.Column(
            intro, pn.Row(side, main, sizing_mode="stretch_width"), sizing_mode="stretch_width"
        )
        self.log.add(workshop.base)
        self.refresh()

    def positions(self) -> dict[str, Any]:
        """The levers' current positions."""
        return {name: wdg.value for name, wdg in self.widgets.items()}

    def apply(self) -> None:
        """Resolve the levers' positions into a variant and ask for its runs; a position that
        does not make a scenario is explained in the page and nothing else changes."""
        try:
            variant = self.w.variant(self.positions())
        except LeverError as exc:
            self.message.object = html.escape(str(exc))
            self.message.visible = True
            return
        self.message.visible = False
        self.variant = variant
        self.moved_at = time.monotonic()
        self.reached = {}
        self.log.add(variant)
        self.w.request(variant)
        self.refresh()

    def reset(self) -> None:
        """Every lever back to its default (the scenario as written)."""
        for name, lever in self.w.levers.items():
            self.widgets[name].value = lever.default

    def export(self) -> None:
        """Write the brief of the variants tried so far and say where it is."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        try:
            path = write_brief(self.log, self.out / f"brief-{stamp}")
        except OSError as exc:
            self.exported.object = f"<p>could not write the brief: {html.escape(str(exc))}</p>"
            return
        self.exported.object = f'<p class="brief-path">Brief written to <code>{html.escape(str(path.resolve()))}</code></p>'

    def refresh(self) -> None:
        """Redraw from the cache when replications arrived since the last drawing."""
        base, var = self.w.outcomes(self.w.base), self.w.outcomes(self.variant)
        state = (self.variant.key, len(base), len(var))
        error = self.w.error(self.variant) or self.w.error(self.w.base)
        if error:
            self.message.object = html.escape(f"the runs stopped: {error}")
            self.message.visible = True
        if state == self._drawn:
            return
        self._drawn = state
        elapsed = time.monotonic() - self.moved_at
        for mark in (1, 20, self.w.reps):
            if len(var) >= mark and mark not in self.reached:
                self.reached[mark] = elapsed
        timing = ", ".join(f"{k} in {v:.1f} s" for k, v in sorted(self.reached.items()))
        self.status.object = (
            f'<p class="status">variant: <b class="variant-reps">{len(var)}</b> / {self.w.reps} '
            f"replications, base: {len(base)} / {self.w.reps} (seed {self.w.seed}, "
            f"{self.w.workers} workers){'; since the last move: ' + timing if timing else ''}</p>"
        )
        found = self.log.update(self.variant)
        if not base or not var:
            self.headline.object = "<p>running the first replications…</p>"
        else:
            lines = self.log.entries[self.variant.key].lines
            items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
            self.headline.object = (
                f"<p><b>{html.escape(moved_text(self.w, self.variant))}</b></p><ul>{items}</ul>"
            )
            self._draw([h.series for h in found], base, var)
        self._show_log()

    def _draw(self, shown: list[Series], base: list[Outcome], var: list[Outcome]) -> None:
        if tuple(shown) != self._shown:
            self._shown = tuple(shown)
            self._sources = {}
            rows = [self._chart(s) for s in shown]
            self.charts.objects = rows or [
                pn.pane.HTML("<p>no buyer runs short in the base or the variant</p>")
            ]
        series = list(base[0].series)
        dates = np.array(self.w.months.dates, dtype="datetime64[D]")
        for s, (fan_src, diff_src) in self._sources.items():
            i = series.index(s)
            b, v = _band(base, i), _band(var, i)
            fan_src.data = {
                "date": dates,
                **{f"b_{k}": x for k, x in b.items()},
                **{f"v_{k}": x for k, x in v.items()},
            }
            d = paired(base, var, i)
            diff_src.data = {
                "date": dates,
                "mean": d["mean"].to_numpy(),
                "low": d["ci_low"].fillna(d["mean"]).to_numpy(),
                "high": d["ci_high"].fillna(d["mean"]).to_numpy(),
            }

    def _chart(self, s: Series) -> Any:
        fan_src, diff_src = ColumnDataSource(), ColumnDataSource()
        self._sources[s] = (fan_src, diff_src)
        name = series_name(self.w, *s)
        f = figure(
            title=f"{name}: unmet demand, % of monthly demand",
            x_axis_type="datetime",
            height=260,
            sizing_mode="stretch_width",
            tools="pan,box_zoom,reset,save",
        )
        for tag, colour, label in (("b", BASE_COLOUR, "base"), ("v", VARIANT_COLOUR, "variant")):
            f.varea("date", f"{tag}_p05", f"{tag}_p95", source=fan_src, color=colour, alpha=0.15)
            f.varea("date", f"{tag}_p25", f"{tag}_p75", source=fan_src, color=colour, alpha=0.3)
            f.line(
                "date",
                f"{tag}_p50",
                source=fan_src,
                color=colour,
                line_width=2,
                legend_label=f"{label} median, 50 % and 90 % bands",
            )
        f.legend.location = "top_left"
        f.legend.label_text_font_size = "8pt"
        g = figure(
            title="variant − base, points (mean of paired differences, 95 % interval)",
            x_axis_type="datetime",
            x_range=f.x_range,
            height=200,
            sizing_mode="stretch_width",
            tools="pan,box_zoom,reset,save",
        )
        g.varea("date", "low", "high", source=diff_src, color=VARIANT_COLOUR, alpha=0.25)
        g.line("date", "mean", source=diff_src, color=VARIANT_COLOUR, line_width=2)
        g.add_layout(Span(location=0, dimension="width", line_color="#444", line_width=1))
        for fig in (f, g):
            self._mark(fig)
        return pn.Column(
            pn.pane.Bokeh(f, sizing_mode="stretch_width"),
            pn.pane.Bokeh(g, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    def _mark(self, fig: Any) -> None:
        seen: set[dt.date] = set()
        for m in lever_marks(self.w):
            for day, text in ((m.start, m.id), (m.end, f"{m.id} ends")):
                if day is None or day in seen or not self.w.layout.start <= day:
                    continue
                seen.add(day)
                ms = dt.datetime(day.year, day.month, day.day).timestamp() * 1000
                fig.add_layout(
                    Span(location=ms, dimension="height", line_color="#999", line_dash="dotted")
                )
                if m.type == "suspension" and text.endswith("ends"):
                    fig.add_layout(
                        Label(
                            x=ms,
                            y=5,
                            y_units="screen",
                            text=f" {day:%d %b %Y}",
                            text_font_size="8pt",
                            text_color="#555",
                        )
                    )

    def _show_log(self) -> None:
        rows = []
        for k, e in enumerate(self.log.entries.values()):
            current = " ◀" if e.variant.key == self.variant.key else ""
            lines = "<br>".join(html.escape(x) for x in e.lines) or "…"
            rows.append(
                f"<tr><td>{k}</td><td>{html.escape(moved_text(self.w, e.variant))}{current}</td>"
                f"<td>{lines}</td><td>{e.reps}</td></tr>"
            )
        self.log_pane.object = (
            '<table class="session-log" style="width:100%;font-size:12px">'
            "<tr><th>#</th><th>levers</th><th>headlines</th><th>reps</th></tr>"
            + "".join(rows)
            + "</table>"
        )


def app(workshop: Workshop | str | Path, out: str | Path | None = None, **options: Any) -> Any:
    """The workshop page as a Panel viewable, for a notebook cell or a server session.
    `workshop` is a running `Workshop` or a scenario file (then `options` go to `Workshop`)."""
    w = workshop if isinstance(workshop, Workshop) else Workshop(workshop, **options)
    page = Page(w, out)
    pn.state.add_periodic_callback(page.refresh, period=REFRESH_MS)
    return page.view

"""Interactive explorers for JupyterLab (ipywidgets is imported only when one is built).

Each explorer is a thin shell: controls choose what to show, a library function computes
it, a ``plot_*`` function draws it. The explorer keeps what it last computed
(``explorer.data``) and drew (``explorer.figure``), so a notebook can export the view and a
test can drive the controls without a browser.

What every explorer promises: its controls offer only choices it can draw (the options
follow each other: a measure's charts and periods); what it cannot draw is said in plain
words in the chart's place, at the chart's size, so the page does not jump; each view is
computed once and kept, so going back to a choice is immediate; the chart and its
controls fit a 1366 x 768 laptop screen (:data:`CHART_HEIGHT_PX`).
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import plural

__all__ = [
    "CHART_DPI",
    "CHART_HEIGHT_PX",
    "ComplaintsExplorer",
    "GridExplorer",
    "ScenarioExplorer",
]

#: Pixels per inch of an explorer's chart on screen (matplotlib's and JupyterLab's own).
CHART_DPI = 100
#: The tallest an explorer's chart is, in pixels: with a row of controls above it, it fits
#: the part of a 1366 x 768 laptop screen that JupyterLab leaves for a notebook.
CHART_HEIGHT_PX = 460

# inches: the report width (16 cm); the source note adds a strip of up to two lines
_CHART_SIZE = (6.3, 4.2)


class _Explorer:
    """What every explorer shares: controls in a row (wrapping) above an output area of
    fixed height, redrawn on change; views kept by their choice of controls."""

    controls: dict
    output: object
    widget: object
    message: str
    _views: dict
    _quiet: bool

    def _assemble(self) -> None:
        import ipywidgets as widgets

        self._views = {}
        self._quiet = False
        self.output = widgets.Output(layout=widgets.Layout(min_height=f"{CHART_HEIGHT_PX}px"))
        self.output.add_class("coprod-explorer-output")
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        row = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        self.note = widgets.HTML("")
        self.note.add_class("coprod-explorer-note")
        self.widget = widgets.VBox([row, self.note, self.output])
        self.widget.add_class("coprod-explorer")
        self.update()

    def _changed(self, _change) -> None:
        if not self._quiet:
            self.update()

    def _offer(self, name: str, choices: list[tuple[str, Hashable]], keep: Hashable) -> None:
        """Offer ``choices`` (label, value) in control ``name`` without redrawing, keeping
        its value when still offered (else ``keep`` when offered, else the first)."""
        control = self.controls[name]
        values = [v for _, v in choices]
        current = control.value
        self._quiet = True
        try:
            if [v for _, v in _choices(control)] != values:
                control.options = choices
            if current in values:
                control.value = current
            else:
                control.value = keep if keep in values else values[0]
        finally:
            self._quiet = False

    def offered(self, name: str) -> tuple:
        """The values control ``name`` offers now."""
        return tuple(v for _, v in _choices(self.controls[name]))

    def selection(self) -> dict:
        """The current choice of each control."""
        return {name: control.value for name, control in self.controls.items()}

    def _show_view(self, key: Hashable, make) -> None:
        """Show the view for ``key``: ``make()`` returns ``(data, figure)`` or raises
        ValueError with the reason; computed once per key."""
        if key not in self._views:
            try:
                data, figure = make()
            except ValueError as exc:
                self._views[key] = (None, None, None, str(exc))
            else:
                self._views[key] = (data, figure, _png(figure), "")
        self.data, self.figure, png, self.message = self._views[key]
        if png is None:
            self._show_message(self.message)
        else:
            from IPython.display import Image

            self._show(Image(data=png, format="png", width=round(_CHART_SIZE[0] * CHART_DPI)))

    def _show_message(self, message: str) -> None:
        """Show ``message`` in words in the chart's place (nothing drawn)."""
        self.data, self.figure, self.message = None, None, message
        self._show(_message_html(message))

    def _show(self, item) -> None:
        """Replace what the output area shows with ``item``."""
        from IPython.display import display

        self.output.clear_output(wait=True)
        with self.output:
            display(item)

    def update(self) -> None:  # pragma: no cover - each explorer defines it
        raise NotImplementedError

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def _choices(control) -> list[tuple[str, Hashable]]:
    """A selection widget's options as (label, value) pairs."""
    return list(zip(control._options_labels, control._options_values, strict=True))


def _figure():
    """A figure at the explorers' size, outside pyplot (the inline backend will not show it
    a second time, and closing it is nobody's job)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=_CHART_SIZE, dpi=CHART_DPI, layout="constrained")
    FigureCanvasAgg(figure)  # a canvas that keeps its renderer: each layout pass is cheaper
    return figure


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI)
    return buffer.getvalue()


def _message_html(message: str):
    """A message in the chart's place, at the chart's size, as readable text."""
    from IPython.display import HTML

    width, height = round(_CHART_SIZE[0] * CHART_DPI), CHART_HEIGHT_PX
    paragraphs = "".join(
        f"<p style='margin:0 0 0.6em 0'>{html.escape(part)}</p>"
        for part in message.split("\n")
        if part.strip()
    )
    return HTML(
        f"<div class='coprod-explorer-message' role='status' style='box-sizing:border-box;"
        f"width:{width}px;height:{height}px;display:flex;flex-direction:column;"
        "justify-content:center;padding:2em;border:1px dashed #9E9E9E;border-radius:4px;"
        "background:#FAFAFA;color:#222222;font-size:14px;line-height:1.45;"
        f"white-space:normal;overflow-wrap:break-word'>{paragraphs}</div>"
    )


def _dropdown(choices, value, description: str, width: str = "240px"):
    import ipywidgets as widgets

    return widgets.Dropdown(
        options=choices,
        value=value,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=width),
    )


@dataclass
class GridExplorer(_Explorer):
    """Pick a council and a wave; see the services placed on the planning x delivery grid.

    Parameters mirror :func:`coprod.grid.place_services`; ``council`` and ``wave`` name the
    columns offered as drop-downs (either may be None). A "weighted" tick box appears when
    ``weight`` names a column. ``initial`` is the choice the explorer opens on, e.g.
    ``{"council": "Northbridge", "wave": 2025}`` (default: the first council, the latest
    wave).
    """

    responses: pd.DataFrame
    service: str = "service"
    planning: str = "planning"
    delivery: str = "delivery"
    council: str | None = "council"
    wave: str | None = "wave"
    weight: str | None = None
    n_boot: int = 300
    seed: int = 0
    names: dict | None = None
    initial: Mapping[str, Any] | None = None
    data: pd.DataFrame | None = field(init=False, default=None)
    figure: object = field(init=False, default=None)

    def __post_init__(self):
        import ipywidgets as widgets

        initial = dict(self.initial or {})
        self.controls = {}
        for column in (self.council, self.wave):
            if column is None:
                continue
            require_columns(self.responses, [column], what="the responses")
            options = sorted(self.responses[column].dropna().unique().tolist())
            default = options[-1] if column == self.wave else options[0]
            value = initial.pop(column, default)
            if value not in options:
                raise ValueError(f"initial {column} {value!r} is not in the responses")
            self.controls[column] = _dropdown(
                [(str(o), o) for o in options], value, column.replace("_", " ").capitalize(),
                width="220px" if column == self.council else "150px",
            )  # fmt: skip
        if self.weight is not None:
            require_columns(self.responses, [self.weight], what="the responses")
            self.controls["weighted"] = widgets.Checkbox(
                value=bool(initial.pop("weighted", True)), description="Weighted", indent=False
            )
        if initial:
            raise ValueError(f"initial names no control: {', '.join(map(str, initial))}")
        self._assemble()

    def update(self) -> None:
        """Show the placements for the current choice (computed once per choice)."""
        chosen = self.selection()
        self._show_view(tuple(chosen.items()), lambda: self._draw(chosen))

    def _draw(self, chosen: dict):
        from coprod.charts.grid import plot_grid
        from coprod.grid import place_services

        rows = self.responses
        for column in (self.council, self.wave):
            if column is not None:
                rows = rows[rows[column] == chosen[column]]
        weighted = chosen.get("weighted", False)
        data = place_services(
            rows,
            service=self.service,
            planning=self.planning,
            delivery=self.delivery,
            weight=self.weight if weighted else None,
            n_boot=self.n_boot,
            seed=self.seed,
            names=self.names,
        )
        fig = _figure()
        where = ", ".join(str(v) for k, v in chosen.items() if k != "weighted")
        how = "" if self.weight is None else f" ({'weighted' if weighted else 'unweighted'})"
        plot_grid(data, names=self.names, title=f"{where}{how}", ax=fig.subplots())
        return data, fig


#: The SPC charts an explorer offers for each measure: c charts need counts, u charts
#: counts with an exposure; XmR suits any measure.
_CHARTS_FOR = {"count": ("xmr", "c"), "rate": ("xmr", "u")}
_CHART_LABELS = {"xmr": "XmR (any measure)", "c": "c chart (counts)", "u": "u chart (rates)"}


@dataclass
class ComplaintsExplorer(_Explorer):
    """Pick a service, a measure, a chart, a period and whose rules; see its SPC chart.

    ``log`` is a complaint log (see :func:`coprod.io.complaint_log.read_complaints`);
    ``denominators`` (columns ``service, period, denominator``, e.g. monthly contacts,
    added up for longer periods) adds the rate measure. Only choices that can be drawn are
    offered: the charts that suit the measure, and the periods in which every service has
    a value for it in every period and at least ``min_points`` periods (a median needs a
    closed complaint in every week, say); the note under the controls says what is not
    offered and why.

    ``baseline``: None (limits from all points), a date (limits from the periods up to
    it), or an int ``n``: the first ``n`` months, so that every period uses the same
    span of time (24 months are 8 quarters).

    "Rules" picks the conventions (:data:`coprod.timeseries.spc.CONVENTIONS`): Making Data
    Count by default, or those of NHSRplotthedots or PowerBI-SPC, to compare with a chart
    drawn in one of them.
    """

    log: pd.DataFrame
    denominators: pd.DataFrame | None = None
    service: str = "service"
    baseline: int | Any | None = None
    min_points: int = 12
    initial: Mapping[str, Any] | None = None
    data: pd.DataFrame | None = field(init=False, default=None)
    figure: object = field(init=False, default=None)
    message: str = field(init=False, default="")

    def __post_init__(self):
        from coprod.complaints import MEASURES

        require_columns(self.log, [self.service], what="the log")
        self._series_cache: dict = {}
        self._services = sorted(self.log[self.service].dropna().unique().tolist())
        measures = [m for m in MEASURES if m != "rate" or self.denominators is not None]
        from coprod.timeseries.spc import CONVENTIONS

        initial = {
            "measure": "count",
            "period": "month",
            "chart": "xmr",
            "conventions": "mdc",
            **(self.initial or {}),
        }
        unknown = set(initial) - {"service", "measure", "period", "chart", "conventions"}
        if unknown:
            raise ValueError(f"initial names no control: {', '.join(sorted(unknown))}")
        self.controls = {
            "service": _dropdown(
                [(s, s) for s in self._services],
                initial.get("service", self._services[0]),
                "Service",
                width="260px",
            ),
            "measure": _dropdown(
                [(MEASURES[m][3], m) for m in measures], initial["measure"], "Measure", "330px"
            ),
            "chart": _dropdown([(_CHART_LABELS["xmr"], "xmr")], "xmr", "Chart", "210px"),
            "period": _dropdown([("Month", "month")], "month", "Period", "160px"),
            "conventions": _dropdown(
                [(c.label, name) for name, c in CONVENTIONS.items()],
                initial["conventions"],
                "Rules",
                "230px",
            ),
        }
        self._initial = initial
        self._assemble()

    # ---------------------------------------------------------------- what can be drawn

    def _baseline_date(self):
        """The baseline as a date (an int counts months from the log's first)."""
        if self.baseline is None or not isinstance(self.baseline, int):
            return self.baseline
        first = self.log["received"].min()
        return (first.to_period("M") + self.baseline).to_timestamp() - pd.Timedelta(days=1)

    def _series(self, measure: str, period: str):
        """All services' series of ``measure`` per ``period`` and, per service, why it
        cannot be charted ("" when it can); or the ValueError saying why none can."""
        key = (measure, period)
        if key not in self._series_cache:
            from coprod.complaints import measure_series

            try:
                series = measure_series(
                    self.log,
                    measure=measure,
                    freq=period,
                    by=self.service,
                    denominators=self.denominators if measure == "rate" else None,
                )
            except ValueError as exc:
                self._series_cache[key] = exc
            else:
                self._series_cache[key] = (series, self._gaps(series, measure, period))
        return self._series_cache[key]

    def _gaps(self, series: pd.DataFrame, measure: str, period: str) -> str:
        """Why this series cannot be charted for every service ("" when it can)."""
        from coprod.complaints import MEASURES

        label = MEASURES[measure][3].lower()
        lengths = series.groupby(self.service, sort=False, observed=True).size()
        if len(lengths) and lengths.max() < self.min_points:
            return (
                f"only {plural(int(lengths.max()), period)} (SPC needs at least {self.min_points})"
            )
        gaps = series[series["value"].isna()]
        lacking = sorted(set(self._services) - set(series[self.service]))
        if len(gaps):
            first = gaps.iloc[0]
            n_services = gaps[self.service].nunique()
            return (
                f"{n_services} of the {len(self._services)} services have {period}s with no "
                f"{label} (e.g. {first[self.service]}, the {period} starting "
                f"{pd.Timestamp(first['period']):%d %B %Y})"
            )
        if lacking:
            return f"{lacking[0]} has no {period}s to chart"
        short = lengths[lengths < self.min_points]
        if len(short):
            return f"{short.index[0]} has only {plural(int(short.iloc[0]), period)}"
        return ""

    def _periods_for(self, measure: str) -> tuple[list[str], list[str]]:
        """The periods offered for ``measure``, and why each other is not."""
        from coprod.timeseries.periods import FREQUENCIES

        offered, refused = [], []
        for period in FREQUENCIES:
            found = self._series(measure, period)
            if isinstance(found, ValueError):
                lines = str(found).splitlines()
                # the line that says why (the denominators' note), else the first
                why = next((ln for ln in lines if ln.startswith("the denominators")), lines[0])
                refused.append(f"by {period}: {why}")
            elif found[1]:
                refused.append(f"by {period}: {found[1]}")
            else:
                offered.append(period)
        return offered, refused

    # ---------------------------------------------------------------- drawing

    def update(self) -> None:
        """Offer what suits the measure, then show the chosen chart (computed once)."""
        from coprod.complaints import MEASURES

        measure = self.controls["measure"].value
        charts = _CHARTS_FOR.get(measure, ("xmr",))
        self._offer(
            "chart", [(_CHART_LABELS[c], c) for c in charts], self._initial.pop("chart", "xmr")
        )
        periods, refused = self._periods_for(measure)
        if not periods:
            self.note.value = ""
            self._show_message(
                f"{MEASURES[measure][3]} cannot be charted for every service in any period.\n"
                + "\n".join(refused)
            )
            return
        self._offer(
            "period",
            [(p.capitalize(), p) for p in periods],
            self._initial.pop("period", "month"),
        )
        self.note.value = (
            ""
            if not refused
            else "<span style='color:#6E6E6E;font-size:12px'>Not offered for "
            + html.escape(f"{MEASURES[measure][3].lower()}: {'; '.join(refused)}.")
            + "</span>"
        )
        chosen = self.selection()
        self._show_view(tuple(chosen.items()), lambda: self._draw(chosen))

    def _draw(self, chosen: dict):
        from coprod.charts.spc import plot_spc
        from coprod.complaints import MEASURES
        from coprod.timeseries.spc import CHART_NAMES, CONVENTIONS, spc

        measure, chart, period = chosen["measure"], chosen["chart"], chosen["period"]
        series, _why = self._series(measure, period)
        one = series[series[self.service] == chosen["service"]]
        # u chart: counts over exposure in thousands, so it reads "per 1,000" like the rate
        value, denominator = ("count", "exposure") if chart == "u" else ("value", None)
        data = spc(
            one,
            value=value,
            period="period",
            chart=chart,
            denominator=denominator,
            baseline=self._baseline_date(),
            conventions=chosen["conventions"],
        )
        fig = _figure()
        label = MEASURES[measure][3]
        plot_spc(
            data,
            # the rules in the title: a change of rules is a chart that says so
            title=(
                f"{chosen['service']}: {label.lower()} by {period} ({CHART_NAMES[chart]}, "
                f"{CONVENTIONS[chosen['conventions']].label} rules)"
            ),
            ylabel=label,
            ax=fig.subplots(),
        )
        return data, fig


@dataclass
class ScenarioExplorer(_Explorer):
    """Slide the chance of a change of control and the hazards; see the survival curves.

    Sliders: ``p_change`` (yearly probability that control changes), ``base_hazard`` and
    ``post_change_hazard`` (yearly probabilities that a co-production arrangement ends,
    normally and in the ``post_change_years`` after a change), ``post_change_years``. They
    start at :func:`coprod.politics.scenarios.simulate`'s defaults (the real change rate,
    rounded to the slider's step of 0.1%; the hazards are assumptions). The other settings
    are this explorer's fields, fixed while it runs; ``n_runs`` is small so that a move
    redraws quickly. Each move calls ``simulate`` with the sliders' values and those fields
    only: ``explorer.result`` is what it returned, ``explorer.data`` its chart data.
    """

    n_councils: int = 400
    n_years: int = 30
    n_runs: int = 200
    seed: int = 0
    pfi_terms: tuple[float, ...] | None = None  # None: the real terms (simulate's default)
    result: object = field(init=False, default=None)
    data: pd.DataFrame | None = field(init=False, default=None)
    figure: object = field(init=False, default=None)

    def __post_init__(self):
        import ipywidgets as widgets

        from coprod.politics import scenarios

        style = {"description_width": "initial"}
        layout = widgets.Layout(width="330px")

        def slider(kind, description, value, low, high, step, readout):
            return kind(
                value=value,
                min=low,
                max=high,
                step=step,
                description=description,
                readout_format=readout,
                continuous_update=False,
                style=style,
                layout=layout,
            )

        float_slider, int_slider = widgets.FloatSlider, widgets.IntSlider
        self.controls = {
            "p_change": slider(
                float_slider, "Control changes / year", round(scenarios.P_CHANGE_FROM_DATA, 3),
                0.0, 0.5, 0.001, ".1%",
            ),
            "base_hazard": slider(
                float_slider, "Ends / year (normally)", scenarios.BASE_HAZARD,
                0.0, 0.5, 0.005, ".1%",
            ),
            "post_change_hazard": slider(
                float_slider, "Ends / year after a change", scenarios.POST_CHANGE_HAZARD,
                0.0, 1.0, 0.01, ".0%",
            ),
            "post_change_years": slider(
                int_slider, "Years after a change", scenarios.POST_CHANGE_YEARS, 0, 10, 1, "d"
            ),
        }  # fmt: skip
        self._results: dict = {}
        self._assemble()

    def update(self) -> None:
        """Simulate with the sliders' values and show the survival and PFI curves."""
        chosen = self.selection()
        key = tuple(chosen.items())
        self._show_view(key, lambda: self._draw(key, chosen))
        self.result = self._results.get(key)

    def _draw(self, key: tuple, chosen: dict):
        from coprod.charts.scenarios import plot_scenarios, scenarios_data
        from coprod.politics.scenarios import simulate

        fixed = {"pfi_terms": self.pfi_terms} if self.pfi_terms is not None else {}
        result = simulate(
            n_councils=self.n_councils,
            n_years=self.n_years,
            n_runs=self.n_runs,
            seed=self.seed,
            **fixed,
            **chosen,
        )
        self._results[key] = result
        data = scenarios_data(result)
        fig = _figure()
        plot_scenarios(data, ax=fig.subplots())
        return data, fig

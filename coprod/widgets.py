"""Interactive explorers for JupyterLab (ipywidgets is imported only when one is built).

Each explorer is a thin shell: controls choose what to show, a library function computes
it, a ``plot_*`` function draws it. The explorer keeps what it last computed
(``explorer.data``) and drew (``explorer.figure``), so a notebook can export the view and a
test can drive the controls without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coprod._core.columns import require_columns

__all__ = ["ComplaintsExplorer", "GridExplorer", "ScenarioExplorer"]


class _Explorer:
    """What every explorer shares: controls in a row (wrapping) above an output area,
    redrawn on change."""

    controls: dict
    output: object
    widget: object

    def _assemble(self) -> None:
        import ipywidgets as widgets

        self.output = widgets.Output()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        row = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        self.widget = widgets.VBox([row, self.output])
        self.update()

    def selection(self) -> dict:
        """The current choice of each control."""
        return {name: control.value for name, control in self.controls.items()}

    def _show(self, item) -> None:
        """Replace what the output area shows with ``item`` (a Figure or a message)."""
        from IPython.display import display

        self.output.clear_output(wait=True)
        with self.output:
            display(item)

    def update(self) -> None:  # pragma: no cover - each explorer defines it
        raise NotImplementedError

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


@dataclass
class GridExplorer(_Explorer):
    """Pick a council and a wave; see the services placed on the planning x delivery grid.

    Parameters mirror :func:`coprod.grid.place_services`; ``council`` and ``wave`` name the
    columns offered as drop-downs (either may be None). A "weighted" tick box appears when
    ``weight`` names a column.
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
    data: pd.DataFrame | None = field(init=False, default=None)
    figure: object = field(init=False, default=None)

    def __post_init__(self):
        import ipywidgets as widgets

        self.controls = {}
        for column in (self.council, self.wave):
            if column is None:
                continue
            require_columns(self.responses, [column], what="the responses")
            options = sorted(self.responses[column].dropna().unique().tolist())
            self.controls[column] = widgets.Dropdown(
                options=options, value=options[0], description=column.title()
            )
        if self.weight is not None:
            self.controls["weighted"] = widgets.Checkbox(value=True, description="Weighted")
        self._assemble()

    def update(self) -> None:
        """Recompute the placements for the current choice and redraw."""
        from matplotlib.figure import Figure

        from coprod.charts.grid import plot_grid
        from coprod.grid import place_services

        chosen = self.selection()
        rows = self.responses
        for column in (self.council, self.wave):
            if column is not None:
                rows = rows[rows[column] == chosen[column]]
        weighted = chosen.get("weighted", False)
        self.data = place_services(
            rows,
            service=self.service,
            planning=self.planning,
            delivery=self.delivery,
            weight=self.weight if weighted else None,
            n_boot=self.n_boot,
            seed=self.seed,
            names=self.names,
        )
        # A Figure outside pyplot: the inline backend will not show it a second time.
        fig = Figure(figsize=(9, 8), layout="constrained")
        ax = fig.subplots()
        plot_grid(self.data, names=self.names, ax=ax)
        title = ", ".join(str(v) for k, v in chosen.items() if k != "weighted")
        ax.set_title(f"{title} ({'weighted' if weighted else 'unweighted'})")
        self.figure = fig
        self._show(fig)


# Which SPC charts suit which measures: c charts need counts, u charts counts with an exposure.
_CHARTS_FOR = {"count": ("xmr", "c"), "rate": ("xmr", "u")}


@dataclass
class ComplaintsExplorer(_Explorer):
    """Pick a service, a measure, a chart type and a period; see its SPC chart.

    ``log`` is a complaint log (see :func:`coprod.io.complaint_log.read_complaints`);
    ``denominators`` (columns ``service, period, denominator``) enables the rate measure.
    """

    log: pd.DataFrame
    denominators: pd.DataFrame | None = None
    service: str = "service"
    baseline: int | None = None
    data: pd.DataFrame | None = field(init=False, default=None)
    figure: object = field(init=False, default=None)
    message: str = field(init=False, default="")

    def __post_init__(self):
        import ipywidgets as widgets

        from coprod.complaints import MEASURES
        from coprod.timeseries.periods import FREQUENCIES

        if self.service not in self.log.columns:
            raise KeyError(f"column {self.service!r} is not in the log")
        services = sorted(self.log[self.service].dropna().unique().tolist())
        measures = [m for m in MEASURES if m != "rate" or self.denominators is not None]
        self.controls = {
            "service": widgets.Dropdown(options=services, value=services[0], description="Service"),
            "measure": widgets.Dropdown(options=measures, value="count", description="Measure"),
            "chart": widgets.Dropdown(options=["xmr", "c", "u"], value="xmr", description="Chart"),
            "period": widgets.Dropdown(
                options=[p for p in FREQUENCIES if p != "year"], value="month", description="Period"
            ),
        }
        self._assemble()

    def update(self) -> None:
        """Recompute the chosen measure's SPC chart and redraw (or explain why not)."""
        from matplotlib.figure import Figure

        from coprod.charts.spc import plot_spc
        from coprod.complaints import MEASURES, measure_series
        from coprod.timeseries.spc import spc

        chosen = self.selection()
        measure, chart = chosen["measure"], chosen["chart"]
        allowed = _CHARTS_FOR.get(measure, ("xmr",))
        if chart not in allowed:
            self.data, self.figure = None, None
            self.message = (
                f"A {chart} chart does not suit '{measure}': use {' or '.join(allowed)}. "
                "(c charts are for counts, u charts for counts per exposure; XmR suits any measure.)"
            )
            self._show(self.message)
            return
        try:
            series = measure_series(
                self.log,
                measure=measure,
                freq=chosen["period"],
                by=self.service,
                denominators=self.denominators if measure == "rate" else None,
            )
            series = series[series[self.service] == chosen["service"]]
            # u chart: counts over exposure in thousands, so it reads "per 1,000" like the rate
            options = {"value": "count", "denominator": "exposure"} if chart == "u" else {}
            self.data = spc(
                series,
                value=options.get("value", "value"),
                period="period",
                chart=chart,
                denominator=options.get("denominator"),
                baseline=self.baseline,
            )
        except ValueError as exc:  # e.g. monthly denominators for quarterly counts
            self.data, self.figure = None, None
            self.message = f"Cannot chart this choice: {exc}"
            self._show(self.message)
            return
        self.message = ""
        fig = Figure(figsize=(10, 4.8), layout="constrained")
        ax = fig.subplots()
        label = MEASURES[measure][3]
        plot_spc(
            self.data, title=f"{chosen['service']}: {label} ({chart} chart)", ylabel=label, ax=ax
        )
        self.figure = fig
        self._show(fig)


@dataclass
class ScenarioExplorer(_Explorer):
    """Slide the chance of a change of control and the hazards; see the survival curves.

    Sliders: ``p_change`` (yearly probability that control changes), ``base_hazard`` and
    ``post_change_hazard`` (yearly probabilities that a co-production arrangement ends,
    normally and in the ``post_change_years`` after a change), ``post_change_years``. They
    start at :func:`coprod.politics.scenarios.simulate`'s defaults (the real change rate,
    rounded to the slider's step of 0.1%; the hazards are assumptions). The other settings are this explorer's fields, fixed
    while it runs; ``n_runs`` is small so that a move redraws quickly. Each move calls
    ``simulate`` with the sliders' values and those fields only: ``explorer.result`` is
    what it returned, ``explorer.data`` its chart data.
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
        layout = widgets.Layout(width="380px")

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
        self._assemble()

    def update(self) -> None:
        """Simulate with the sliders' values and redraw the survival and PFI curves."""
        from matplotlib.figure import Figure

        from coprod.charts.scenarios import plot_scenarios, scenarios_data
        from coprod.politics.scenarios import simulate

        fixed = {"pfi_terms": self.pfi_terms} if self.pfi_terms is not None else {}
        self.result = simulate(
            n_councils=self.n_councils,
            n_years=self.n_years,
            n_runs=self.n_runs,
            seed=self.seed,
            **fixed,
            **self.selection(),
        )
        self.data = scenarios_data(self.result)
        # A Figure outside pyplot: the inline backend will not show it a second time.
        fig = Figure(figsize=(9, 5.2), layout="constrained")
        plot_scenarios(self.data, ax=fig.subplots())
        self.figure = fig
        self._show(fig)

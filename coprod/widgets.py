"""Interactive explorers for JupyterLab (ipywidgets is imported only when one is built).

Each explorer is a thin shell: controls choose what to show, a library function computes
it, a ``plot_*`` function draws it. The explorer keeps what it last computed
(``explorer.data``) and drew (``explorer.figure``), so a notebook can export the view and a
test can drive the controls without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class GridExplorer:
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
            if column not in self.responses.columns:
                raise KeyError(
                    f"column {column!r} is not in the responses; it has "
                    f"{list(self.responses.columns)}"
                )
            options = sorted(self.responses[column].dropna().unique().tolist())
            self.controls[column] = widgets.Dropdown(
                options=options, value=options[0], description=column.title()
            )
        if self.weight is not None:
            self.controls["weighted"] = widgets.Checkbox(value=True, description="Weighted")
        self.output = widgets.Output()
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values())), self.output])
        self.update()

    def selection(self) -> dict:
        """The current choice of each control."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Recompute the placements for the current choice and redraw."""
        from IPython.display import display
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
        self.output.clear_output(wait=True)
        with self.output:
            display(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

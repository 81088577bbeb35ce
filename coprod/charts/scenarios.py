"""Scenario charts: co-production arrangements surviving against councils locked into PFI.

Inputs are results of :func:`coprod.politics.scenarios.simulate`.

* :func:`scenarios_data` is the tidy frame :func:`plot_scenarios` draws: both curves of one
  result (``curve, year, share, low, high``, the settings, and each curve's ``label`` and
  ``colour``).
* :func:`plot_scenarios` draws the two curves over the years, each with its band (the
  range 95% of runs fall in), labelled at its end, with the settings under the title.
* :func:`comparison_data` and :func:`plot_scenario_comparison` do the same for several
  results (say, several ``p_change`` values): one survival curve per scenario, and the PFI
  curve once when every scenario has the same (it does not depend on control).

Labels sit beside the last point of their own line, moved apart (with a leader line) only
as far as needed not to overlap. Nothing is shown or saved here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import plural
from coprod.charts._style import (
    ANNOT_SIZE,
    FIGURE_WIDTH,
    GRID_LINE_COLOUR,
    LABEL_SIZE,
    MUTED_COLOUR,
    OKABE_ITO,
    SMALL_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
    wrap,
)
from coprod.provenance import keep_source

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    from coprod.politics.scenarios import ScenarioResult
    from coprod.provenance import Source

__all__ = [
    "GID_BAND",
    "GID_LABEL",
    "GID_LEADER",
    "GID_LINE",
    "SCENARIO_COLOURS",
    "comparison_data",
    "plot_scenario_comparison",
    "plot_scenarios",
    "scenarios_data",
]

#: gids set on artists so that tests and users can find them.
GID_LINE = "scenario-line"
GID_BAND = "scenario-band"
GID_LABEL = "scenario-label"
GID_LEADER = "scenario-leader"

#: The two curves' colours (Okabe-Ito blue and vermillion) and labels.
SCENARIO_COLOURS = {"survival": OKABE_ITO[0], "pfi": OKABE_ITO[5]}
_LABELS = {
    "survival": "Co-production arrangements still in place",
    "pfi": "Councils still locked into their PFI contract",
}
_LABEL_CHARS = 16  # label lines wrap at this width
_PLOT_COLUMNS = ["curve", "year", "share", "low", "high"]


def _curve_kind(curve: str) -> str:
    from coprod.politics.scenarios import PFI_CURVE, SURVIVAL_CURVE

    kinds = {SURVIVAL_CURVE: "survival", PFI_CURVE: "pfi"}
    if curve not in kinds:
        raise ValueError(f"unknown curve {curve!r}: a simulate() result has {list(kinds)}")
    return kinds[curve]


def scenarios_data(result: ScenarioResult) -> pd.DataFrame:
    """The two curves of one :func:`simulate` result as drawn: its ``get_plot_data()``
    with each curve's ``label`` (wrapped) and ``colour``."""
    data = result.get_plot_data()
    kinds = data["curve"].map(_curve_kind)
    return data.assign(
        label=kinds.map(lambda k: wrap(_LABELS[k], _LABEL_CHARS)),
        colour=kinds.map(SCENARIO_COLOURS),
    )


def comparison_data(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    """Several results, named by the keys of ``results``: their plot data with a
    ``scenario`` column first, and each scenario's ``label`` and ``colour``.

    Survival curves are coloured per scenario; PFI curves are kept too (``curve`` says
    which), and :func:`plot_scenario_comparison` draws them once when they are the same.
    """
    if not isinstance(results, Mapping) or not results:
        raise TypeError("results must be a dict of scenario name -> simulate() result")
    colours = [c for c in OKABE_ITO if c != SCENARIO_COLOURS["pfi"]]
    if len(results) > len(colours):
        raise ValueError(
            f"{plural(len(results), 'scenario')} is more than a chart can tell apart "
            f"({len(colours)} at most): compare fewer at a time"
        )
    parts = []
    for (name, result), colour in zip(results.items(), colours, strict=False):
        part = result.get_plot_data()
        part.insert(0, "scenario", str(name))
        parts.append(part.assign(label=wrap(name, _LABEL_CHARS), colour=colour))
    return keep_source(pd.concat(parts, ignore_index=True), *results.values())


# ------------------------------------------------------------------------ drawing


def _draw_curve(ax: Axes, rows: pd.DataFrame, colour: str, *, dashed: bool, band: float):
    years = rows["year"].to_numpy()
    ax.fill_between(
        years,
        rows["low"].to_numpy() * 100,
        rows["high"].to_numpy() * 100,
        color=colour,
        alpha=band,
        linewidth=0,
        gid=GID_BAND,
    )
    (line,) = ax.plot(
        years,
        rows["share"].to_numpy() * 100,
        color=colour,
        lw=2.2,
        ls="--" if dashed else "-",
        gid=GID_LINE,
    )
    return line


def _label_ends(ax: Axes, ends: list[tuple[float, float, str, str]]) -> list[Text]:
    """Labels just right of each line's last point, moved apart vertically where they
    would overlap (a thin leader line joins a moved label to its point)."""
    fig = ax.figure
    texts = [
        ax.text(
            x,
            y,
            text,
            color=colour,
            fontsize=ANNOT_SIZE,
            fontweight="bold",
            va="center",
            ha="left",
            clip_on=False,
            gid=GID_LABEL,
            linespacing=1.1,
        )
        for x, y, text, colour in ends
    ]
    if not texts:
        return texts
    offset = (ax.get_xlim()[1] - ax.get_xlim()[0]) * 0.03
    for text, (x, _y, _t, _c) in zip(texts, ends, strict=True):
        text.set_x(x + offset)
    wanted = np.array([y for _x, y, _t, _c in ends], dtype=float)
    placed = wanted.copy()
    for _ in range(2):  # the layout moves the axes once the labels are in it: settle twice
        fig.draw_without_rendering()
        to_data = ax.transData.inverted()
        heights = np.array(
            [
                abs(np.diff(to_data.transform(t.get_window_extent().get_points())[:, 1])[0])
                for t in texts
            ]
        )
        placed = _spread(wanted, heights * 1.15, *ax.get_ylim())
        for text, y in zip(texts, placed, strict=True):
            text.set_y(y)
    for (x, y, _t, colour), y_label in zip(ends, placed, strict=True):
        if abs(y_label - y) > 0.5:
            ax.plot(
                [x, x + offset * 0.9],
                [y, y_label],
                color=colour,
                lw=0.8,
                clip_on=False,
                gid=GID_LEADER,
            )
    return texts


def _spread(wanted: np.ndarray, heights: np.ndarray, low: float, high: float) -> np.ndarray:
    """Centres as close to ``wanted`` as they can be with neighbours ``heights`` apart
    (half of each one's height either side), inside ``low`` .. ``high``."""
    order = np.argsort(wanted)
    y, h = wanted[order].copy(), heights[order]
    for _ in range(50):
        moved = False
        for i in range(1, len(y)):
            gap = (h[i] + h[i - 1]) / 2
            if y[i] - y[i - 1] < gap - 1e-9:
                middle = (y[i] + y[i - 1]) / 2
                y[i - 1], y[i] = middle - gap / 2, middle + gap / 2
                moved = True
        # keep the stack inside the axes
        y[0] = max(y[0], low + h[0] / 2)
        for i in range(1, len(y)):
            y[i] = max(y[i], y[i - 1] + (h[i] + h[i - 1]) / 2)
        y[-1] = min(y[-1], high - h[-1] / 2)
        for i in range(len(y) - 2, -1, -1):
            y[i] = min(y[i], y[i + 1] - (h[i] + h[i + 1]) / 2)
        if not moved:
            break
    out = np.empty_like(y)
    out[order] = y
    return out


def _hazards_text(row: pd.Series) -> str:
    base, post = 100 * row["base_hazard"], 100 * row["post_change_hazard"]
    years = plural(int(row["post_change_years"]), "year")
    return (
        f"arrangements end {base:.3g}% a year, {post:.3g}% in the {years} after a change (assumed)"
    )


def _settings_text(row: pd.Series) -> str:
    if row["schedule"] == "constant":
        changes = f"Control changes with probability {row['p_change']:.1%} a year"
    elif row["schedule"] == "per year":
        changes = "Control changes with the schedule's probability each year"
    else:
        changes = "Real changes of control replayed"
    runs = f"{plural(int(row['n_runs']), 'run')} of {plural(int(row['n_councils']), 'council')}"
    return f"{changes}; {_hazards_text(row)}. Bands: 95% of {runs}."


def _common_settings(frame: pd.DataFrame) -> str:
    """The hazards, in words, when every scenario shares them."""
    columns = ["base_hazard", "post_change_hazard", "post_change_years"]
    if not set(columns) <= set(frame.columns) or (frame[columns].nunique() > 1).any():
        return ""
    text = _hazards_text(frame.iloc[0])
    return text[0].upper() + text[1:] + ". "


def _frame(ax: Axes, n_years: int, title: str, caption: str | None) -> None:
    ax.set_xlim(0, n_years)
    ax.set_ylim(0, 102)
    ax.set_xlabel("Years after the arrangement and the contract began", fontsize=LABEL_SIZE)
    ax.set_ylabel("% of councils", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(axis="y", color=GRID_LINE_COLOUR, lw=0.5, alpha=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    caption = wrap(caption, 95) if caption else ""
    ax.set_title(
        wrap(title, 62),
        loc="left",
        fontsize=TITLE_SIZE,
        pad=8 + 12 * (caption.count("\n") + 1) if caption else 8,
    )
    if caption:
        ax.text(
            0,
            1.02,
            caption,
            transform=ax.transAxes,
            fontsize=SMALL_SIZE,
            color=MUTED_COLOUR,
            va="bottom",
            ha="left",
        )


def _as_frame(data: Any, make, what: str) -> pd.DataFrame:
    frame = make(data) if not isinstance(data, pd.DataFrame) else data
    require_columns(frame, [*_PLOT_COLUMNS, "label", "colour"], what=what)
    if frame.empty:
        raise ValueError(f"{what} has no rows")
    return frame


def plot_scenarios(
    data: ScenarioResult | pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    source: Source | str | None = None,
) -> Axes:
    """The share of co-production arrangements still in place and the share of councils
    still locked into their PFI contract, year by year, each with the band 95% of runs
    fall in. ``data``: a :func:`simulate` result or its :func:`scenarios_data`.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    """
    frame = _as_frame(data, scenarios_data, "the scenario data")
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 4.2))
    ends = []
    for curve, rows in frame.groupby("curve", sort=False):
        kind = _curve_kind(curve)
        rows = rows.sort_values("year")
        colour = rows["colour"].iloc[0]
        line = _draw_curve(ax, rows, colour, dashed=kind == "pfi", band=0.2)
        line.set_label(rows["label"].iloc[0])
        ends.append((rows["year"].iloc[-1], rows["share"].iloc[-1] * 100, line.get_label(), colour))
    first = frame.iloc[0]
    _frame(
        ax,
        int(frame["year"].max()),
        title or "Co-production arrangements versus PFI contracts",
        _settings_text(first) if "schedule" in frame.columns else None,
    )
    _label_ends(ax, ends)
    draw_source_note(ax, source, data)
    return ax


def plot_scenario_comparison(
    data: Mapping[str, ScenarioResult] | pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    source: Source | str | None = None,
) -> Axes:
    """One survival curve per scenario (with its band), and the PFI curve: drawn once,
    grey, when every scenario has the same, else one per scenario, dashed.
    ``data``: a dict of name -> :func:`simulate` result, or its :func:`comparison_data`.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    """
    frame = _as_frame(data, comparison_data, "the comparison data")
    require_columns(frame, ["scenario"], what="the comparison data")
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 4.2))
    kinds = frame["curve"].map(_curve_kind)
    pfi = frame[kinds == "pfi"]
    pfi_curves = [
        rows.sort_values("year")["share"].to_numpy() for _, rows in pfi.groupby("scenario")
    ]
    same_pfi = all(
        len(c) == len(pfi_curves[0]) and np.array_equal(c, pfi_curves[0]) for c in pfi_curves
    )
    ends = []
    for name, rows in frame[kinds == "survival"].groupby("scenario", sort=False):
        rows = rows.sort_values("year")
        colour = rows["colour"].iloc[0]
        line = _draw_curve(ax, rows, colour, dashed=False, band=0.12)
        line.set_label(str(name))
        ends.append(
            (rows["year"].iloc[-1], rows["share"].iloc[-1] * 100, rows["label"].iloc[0], colour)
        )
    pfi_groups = (
        [(None, pfi[pfi["scenario"] == pfi["scenario"].iloc[0]])]
        if same_pfi
        else list(pfi.groupby("scenario", sort=False))
    )
    for name, rows in pfi_groups:
        if rows.empty:
            continue
        rows = rows.sort_values("year")
        colour = MUTED_COLOUR if same_pfi else rows["colour"].iloc[0]
        text = "PFI: every scenario" if same_pfi else f"PFI: {name}"
        line = _draw_curve(ax, rows, colour, dashed=True, band=0.12)
        line.set_label(text)
        ends.append(
            (rows["year"].iloc[-1], rows["share"].iloc[-1] * 100, wrap(text, _LABEL_CHARS), colour)
        )
    _frame(
        ax,
        int(frame["year"].max()),
        title or "Co-production arrangements still in place, by scenario",
        _common_settings(frame)
        + "Solid: co-production arrangements still in place; dashed: councils still locked "
        "into their PFI contract. Bands: the range 95% of runs fall in.",
    )
    _label_ends(ax, ends)
    draw_source_note(ax, source, data)
    return ax

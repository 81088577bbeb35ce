"""Run charts: the points, their median and the Anhøj rules said in words.

Inputs are results of :func:`coprod.timeseries.runs.run_chart`.

* :func:`run_chart_data` is the tidy frame drawn: one row per point with its type
  (in a run longer than chance allows, or not) and colour.
* :func:`plot_run_chart` draws one series: a grey line through the points, the points of
  a run longer than chance allows in orange, the median (dashed orange when a rule fired,
  as qicharts2 marks it), the baseline the median is computed from shaded when it is not
  every point, and above the plot the statistics in words: the longest run against its
  limit, the crossings against their minimum, and what they mean.

Nothing is shown or saved here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.transforms import offset_copy

from coprod._core.columns import group_columns, require_columns
from coprod._core.text import plural
from coprod.charts._style import (
    ANNOT_SIZE,
    LABEL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
    wrap,
)
from coprod.charts.spc import SPC_COLOURS, _format_x, _style_axes, baseline_spans
from coprod.style import CM_PER_INCH, REPORT_WIDTH_CM
from coprod.timeseries.runs import ANHOJ_COLUMNS

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.provenance import Source

__all__ = [
    "GID_BASELINE",
    "GID_LONG_RUN",
    "GID_MEDIAN",
    "GID_POINTS",
    "GID_STATISTICS",
    "RUN_COLOURS",
    "plot_run_chart",
    "run_chart_data",
    "statistics_text",
]

#: gids set on artists so that tests and users can find them.
GID_POINTS = "run-points"
GID_LONG_RUN = "run-long-run"
GID_MEDIAN = "run-median"
GID_BASELINE = "run-baseline"
GID_STATISTICS = "run-statistics"

#: Making Data Count's grey for noise and orange for a signal, as on the SPC charts.
RUN_COLOURS: dict[str, str] = {
    "point": SPC_COLOURS["common_cause"],
    "long_run": SPC_COLOURS["special_cause_concern"],
    "line": SPC_COLOURS["line"],
    "median": SPC_COLOURS["centre"],
    "median_signal": SPC_COLOURS["special_cause_concern"],
    "baseline": SPC_COLOURS["baseline"],
}
_POINT_TEXT = "Point"
_BASELINE_TEXT = "Baseline: the median is of these points"
_FIG_HEIGHT_IN = 4.6


def run_chart_data(result: pd.DataFrame) -> pd.DataFrame:
    """The tidy frame :func:`plot_run_chart` draws: one row per point of ``result``.

    Columns: the group columns, ``period, value, centre, in_baseline, side, run_id,
    length_of_run, in_long_run``, the group's :data:`~coprod.timeseries.runs.ANHOJ_COLUMNS`,
    ``measure``, then ``point_type`` (the legend's words) and ``colour``; sorted by group
    (in order of first appearance) and period.
    """
    by = _by(result)
    keep = [
        *by,
        "period",
        "value",
        "centre",
        "in_baseline",
        "side",
        "run_id",
        "length_of_run",
        "in_long_run",
        *ANHOJ_COLUMNS,
        "measure",
    ]
    require_columns(
        result, keep, what="result", hint="pass the output of coprod.timeseries.runs.run_chart"
    )
    data = result[keep].copy()
    long_run = data["in_long_run"].to_numpy(dtype=bool)
    limits = data["longest_run_max"].astype("float").to_numpy()
    data["point_type"] = [
        _long_run_text(int(limit)) if flagged else _POINT_TEXT
        for flagged, limit in zip(long_run, np.nan_to_num(limits), strict=True)
    ]
    data["colour"] = np.where(long_run, RUN_COLOURS["long_run"], RUN_COLOURS["point"])
    if by:  # groups in order of first appearance, as the result has them
        order = {k: i for i, k in enumerate(dict.fromkeys(map(tuple, data[by].to_numpy())))}
        data["_g"] = [order[tuple(k)] for k in data[by].to_numpy()]
        data = data.sort_values(["_g", "period"], kind="stable").drop(columns="_g")
    else:
        data = data.sort_values("period", kind="stable")
    return data.reset_index(drop=True)


def _by(result: pd.DataFrame) -> list[str]:
    if not isinstance(result, pd.DataFrame):
        raise TypeError("result must be the DataFrame returned by coprod.timeseries.runs.run_chart")
    require_columns(
        result,
        ["period"],
        what="result",
        hint="pass the output of coprod.timeseries.runs.run_chart",
    )
    return group_columns(result, before="period", what="result")


def _long_run_text(limit: int) -> str:
    return f"In a run longer than chance allows (more than {limit} points)"


def statistics_text(row: pd.Series | dict[str, Any]) -> str:
    """The statistics of one group of a run chart in words, as the chart prints them:
    the longest run against its limit, the crossings against their minimum, the verdict."""
    if int(row["n_useful"]) == 0:
        return "Every point is on the median: there are no runs to read."
    longest, limit = int(row["longest_run"]), int(row["longest_run_max"])
    crossings, minimum = int(row["n_crossings"]), int(row["n_crossings_min"])
    fired = []
    if bool(row["longest_run_signal"]):
        fired.append("an unusually long run")
    if bool(row["crossings_signal"]):
        fired.append("unusually few crossings")
    verdict = (
        "Non-random variation: " + " and ".join(fired) + "."
        if fired
        else "No sign of non-random variation."
    )
    return (
        f"Longest run {plural(longest, 'point')} (more than {limit} would signal a shift); "
        f"the median crossed {plural(crossings, 'time')} (fewer than {minimum} would signal "
        f"one). {verdict}"
    )


def plot_run_chart(
    result: pd.DataFrame,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    ax: Axes | None = None,
    source: Source | str | None = None,
) -> Axes:
    """A run chart of ONE series (one group) of a :func:`coprod.timeseries.runs.run_chart` result.

    The points joined by a grey line, those of a run longer than chance allows orange, the
    median solid (dashed orange when either Anhøj rule fired), the baseline shaded when the
    median is of the first points only. Above the plot, under the title (default: the
    group's name), the statistics in words (:func:`statistics_text`). A new figure is 16 cm
    wide, as a report places it. Raises ValueError naming the groups when ``result`` holds
    more than one: filter it first.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Points are one PathCollection with gid ``"run-points"``, the orange points of a long
        run another with gid ``"run-long-run"``; the median has gid ``"run-median"``, the
        baseline span ``"run-baseline"``, the statistics text ``"run-statistics"``.
    """
    data = run_chart_data(result)
    by = _by(result)
    keys = list(dict.fromkeys(map(tuple, data[by].to_numpy()))) if by else [()]
    if len(keys) > 1:
        names = "; ".join(", ".join(map(str, k)) for k in keys[:12])
        raise ValueError(
            f"plot_run_chart draws one series but the result has {len(keys)} groups of {by}: "
            f"{names}{'; ...' if len(keys) > 12 else ''}. Filter it to one group"
        )
    if len(data) == 0:
        raise ValueError("the result has no periods to draw")
    ax = get_ax(ax, figsize=(REPORT_WIDTH_CM / CM_PER_INCH, _FIG_HEIGHT_IN))
    first = data.iloc[0]
    signal = bool(first["runs_signal"])
    x = data["period"].to_numpy()
    y = data["value"].to_numpy(dtype=float)
    partial_baseline = not data["in_baseline"].all()
    if partial_baseline:
        for start, end, _k in baseline_spans(data.assign(segment=1)):
            ax.axvspan(
                start, end, color=RUN_COLOURS["baseline"], linewidth=0, zorder=0.5, gid=GID_BASELINE
            )
    ax.plot(x, y, color=RUN_COLOURS["line"], linewidth=1.8, zorder=3)
    median_style = (
        {"color": RUN_COLOURS["median_signal"], "linestyle": (0, (5, 3))}
        if signal
        else {"color": RUN_COLOURS["median"], "linestyle": "-"}
    )
    ax.plot(
        x if len(x) > 1 else np.repeat(x, 2),
        np.full(max(len(x), 2), float(first["centre"])),
        linewidth=1.4,
        drawstyle="steps-mid",
        zorder=2,
        gid=GID_MEDIAN,
        **median_style,
    )
    ax.scatter(
        x,
        y,
        s=24,
        c=RUN_COLOURS["point"],
        edgecolors="white",
        linewidths=0.6,
        zorder=4,
        gid=GID_POINTS,
    )
    long_run = data["in_long_run"].to_numpy(dtype=bool)
    if long_run.any():
        ax.scatter(
            x[long_run],
            y[long_run],
            s=38,
            c=RUN_COLOURS["long_run"],
            edgecolors="white",
            linewidths=0.6,
            zorder=5,
            gid=GID_LONG_RUN,
        )
    _format_x(ax, data["period"], compact=False)
    _style_axes(ax, compact=False)
    ax.set_ylabel(ylabel if ylabel is not None else _default_ylabel(data), fontsize=LABEL_SIZE)

    # the statistics in words just above the plot, the title above them
    axes_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    words = wrap(statistics_text(first), max(40, int(axes_pt / (0.55 * ANNOT_SIZE))))
    ax.annotate(
        words,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 6),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=ANNOT_SIZE,
        color=TEXT_COLOUR,
        gid=GID_STATISTICS,
    )
    if title is None and by:
        title = ", ".join(str(k) for k in keys[0])
    if title:
        lines = words.count("\n") + 1
        ax.set_title(
            wrap(title, max(16, int(axes_pt / (0.6 * TITLE_SIZE)))),
            fontsize=TITLE_SIZE,
            loc="left",
            pad=6 + lines * ANNOT_SIZE * 1.25 + 6,
            color=TEXT_COLOUR,
        )
    handles = _legend_handles(data, signal, partial_baseline)
    below_ticks = offset_copy(ax.transAxes, fig=ax.figure, y=-2.2 * TICK_SIZE - 8, units="points")
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below_ticks,
        ncol=2,
        frameon=False,
        fontsize=TICK_SIZE - 1,
        columnspacing=1.4,
        handlelength=2.2,
    )
    draw_source_note(ax, source, result)
    return ax


def _default_ylabel(data: pd.DataFrame) -> str:
    names = data["measure"].drop_duplicates()
    name = str(names.iloc[0]).replace("_", " ") if len(names) == 1 else "Value"
    return name[:1].upper() + name[1:]


def _legend_handles(data: pd.DataFrame, signal: bool, partial_baseline: bool) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def dot(colour: str, label: str) -> Line2D:
        return Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=7,
            markerfacecolor=colour,
            markeredgecolor="white",
            label=label,
        )

    handles: list[Any] = [dot(RUN_COLOURS["point"], _POINT_TEXT)]
    flagged = data[data["in_long_run"].to_numpy(dtype=bool)]
    if len(flagged):
        handles.append(dot(RUN_COLOURS["long_run"], flagged["point_type"].iloc[0]))
    handles.append(
        Line2D(
            [],
            [],
            color=RUN_COLOURS["median_signal"] if signal else RUN_COLOURS["median"],
            linestyle=(0, (5, 3)) if signal else "-",
            linewidth=1.4,
            label="Median (dashed: non-random variation)" if signal else "Median",
        )
    )
    if partial_baseline:
        handles.append(Patch(facecolor=RUN_COLOURS["baseline"], label=_BASELINE_TEXT))
    return handles

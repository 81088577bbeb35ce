"""Funnel plots: units' figures against their denominators, inside the funnel of limits.

Inputs are results of :func:`coprod.funnel.funnel`.

* :func:`funnel_chart_data` is the tidy frame drawn: the units (``part == "unit"``) and
  the limit curves (``part == "limits"``).
* :func:`plot_funnel` draws it: each unit a point (grey within the 95% limits, orange
  beyond them, vermilion beyond the 99.8% limits), the centre solid, the 95% limits
  dashed and the 99.8% limits dotted, the units outside named beside their own points
  (placed by :class:`~coprod.charts._labels.LabelPlacer`, with leader lines when moved
  off), and the y axis in per cent for proportions.

Nothing is shown or saved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coprod.charts._labels import LabelPlacer, PlacedLabel
from coprod.charts._style import (
    LABEL_SIZE,
    MUTED_COLOUR,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
    wrap,
)
from coprod.provenance import keep_source
from coprod.style import CM_PER_INCH, REPORT_WIDTH_CM

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.funnel import FunnelResult
    from coprod.provenance import Source

__all__ = [
    "FUNNEL_COLOURS",
    "GID_CENTRE",
    "GID_LABEL",
    "GID_LIMITS_95",
    "GID_LIMITS_998",
    "GID_POINTS",
    "funnel_chart_data",
    "plot_funnel",
]

#: gids set on artists so that tests and users can find them.
GID_POINTS = "funnel-points"
GID_CENTRE = "funnel-centre"
GID_LIMITS_95 = "funnel-limits-95"
GID_LIMITS_998 = "funnel-limits-998"
GID_LABEL = "funnel-label"

#: Colours of the points by how far out they lie, and of the lines (Okabe-Ito).
FUNNEL_COLOURS = {
    "within": "#8c8c8c",
    "beyond_95": "#e69f00",
    "beyond_998": "#d55e00",
    "centre": "#222222",
    "limits": "#0072b2",
}

_POINT_SIZE = 34.0  # points^2
_LEGEND_POINTS = {
    "within": "Within the 95% limits",
    "beyond_95": "Beyond the 95% limits",
    "beyond_998": "Beyond the 99.8% limits",
}


def _reach(flag: str) -> str:
    if flag == "within":
        return "within"
    return "beyond_998" if flag.endswith("998") else "beyond_95"


def funnel_chart_data(result: FunnelResult) -> pd.DataFrame:
    """What :func:`plot_funnel` draws, as one table: a row per unit (``part="unit"``, with
    ``unit, count, denominator, value, flag``, its limits, ``colour``) then the limit
    curves (``part="limits"``: ``denominator``, ``centre`` and the four limits)."""
    units = result.units.assign(part="unit")
    units["colour"] = [FUNNEL_COLOURS[_reach(f)] for f in units["flag"]]
    curve = result.curve.assign(part="limits")
    columns = ["part", "unit", "count", "denominator", "value", "flag", "colour"]
    columns += ["centre", "lower_95", "upper_95", "lower_998", "upper_998"]
    data = pd.concat([units, curve], ignore_index=True).reindex(columns=columns)
    return keep_source(data, result)


def _labelled(units: pd.DataFrame, label: str | Sequence[str]) -> np.ndarray:
    """Which units get their name beside their point."""
    if isinstance(label, str):
        if label == "outside":
            return (units["flag"] != "within").to_numpy()
        if label == "all":
            return np.ones(len(units), dtype=bool)
        if label == "none":
            return np.zeros(len(units), dtype=bool)
        raise ValueError(
            f"label must be 'outside', 'all', 'none' or a list of unit names, not {label!r}"
        )
    names = [str(n) for n in label]
    unknown = sorted(set(names) - set(units["unit"]))
    if unknown:
        raise ValueError(f"label names units the funnel does not hold: {unknown}")
    return units["unit"].isin(names).to_numpy()


def _centre_words(result: FunnelResult) -> str:
    figure = result.centre
    shown = f"{figure / result.multiplier:.1%}" if result.kind == "proportion" else f"{figure:,.3g}"
    which = "Target" if result.target is not None else f"Pooled {result.kind}"
    return f"{which} ({shown})"


def plot_funnel(
    result: FunnelResult,
    *,
    label: str | Sequence[str] = "outside",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    ax: Axes | None = None,
    source: Source | str | None = None,
) -> Axes:
    """A funnel plot of a :func:`coprod.funnel.funnel` result.

    Each unit is a point at (denominator, figure): grey within the 95% limits, orange
    beyond them, vermilion beyond the 99.8% limits; the centre (pooled figure or target)
    a solid line, the 95% limits dashed and the 99.8% limits dotted along the run of
    denominators, the legend saying each in words. ``label``: ``"outside"`` (default: the
    units beyond the 95% limits are named beside their points), ``"all"``, ``"none"`` or a
    list of unit names. The y axis is in per cent for proportions; the x label is
    ``xlabel`` (default: the denominator column), the y label ``ylabel`` (default: the
    value column, with "per N" for a rate with a multiplier). A new figure is 16 cm wide.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Points are one PathCollection with gid ``"funnel-points"``; the centre line has
        gid ``"funnel-centre"``, the limit lines ``"funnel-limits-95"`` and
        ``"funnel-limits-998"`` (two each: lower and upper), the names ``"funnel-label"``.
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    units = result.units
    curve = result.curve
    named = _labelled(units, label)
    ax = get_ax(ax, figsize=(REPORT_WIDTH_CM / CM_PER_INCH, 9.0 / CM_PER_INCH * 1.15))

    x_curve = curve["denominator"].to_numpy(dtype=float)
    ax.plot(
        x_curve,
        curve["centre"],
        color=FUNNEL_COLOURS["centre"],
        linewidth=1.3,
        zorder=2,
        gid=GID_CENTRE,
    )
    for suffix, style, gid in (
        ("95", (0, (5, 3)), GID_LIMITS_95),
        ("998", (0, (1.2, 1.8)), GID_LIMITS_998),
    ):
        for side in ("lower", "upper"):
            ax.plot(
                x_curve,
                curve[f"{side}_{suffix}"],
                color=FUNNEL_COLOURS["limits"],
                linewidth=1.2,
                linestyle=style,
                zorder=2,
                gid=gid,
            )
    reach = [_reach(f) for f in units["flag"]]
    x = units["denominator"].to_numpy(dtype=float)
    y = units["value"].to_numpy(dtype=float)
    ax.scatter(
        x,
        y,
        s=_POINT_SIZE,
        c=[FUNNEL_COLOURS[r] for r in reach],
        edgecolors="white",
        linewidths=0.6,
        zorder=4,
        gid=GID_POINTS,
    )

    ax.set_xlim(0, x_curve.max())
    top = max(float(np.nanmax(y)), float(curve["upper_998"].max()))
    low = min(float(np.nanmin(y)), float(curve["lower_998"].min()))
    pad = 0.06 * (top - low)
    ax.set_ylim(max(low - pad, 0.0) if low >= 0 else low - pad, top + pad)
    if result.kind == "proportion":
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=result.multiplier, decimals=0))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.tick_params(labelsize=TICK_SIZE, colors=TEXT_COLOUR)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.set_xlabel(
        xlabel if xlabel is not None else result.denominator.replace("_", " "),
        fontsize=LABEL_SIZE,
    )
    if ylabel is None:
        ylabel = result.value.replace("_", " ")
        if result.kind == "rate" and result.multiplier != 1:
            ylabel += f" per {result.multiplier:,g}"
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    if title:
        ax.set_title(wrap(title, 70), fontsize=TITLE_SIZE, loc="left", color=TEXT_COLOUR)

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=6,
            markerfacecolor=FUNNEL_COLOURS[key],
            markeredgecolor="white",
            label=words,
        )
        for key, words in _LEGEND_POINTS.items()
        if key in reach
    ]
    handles += [
        Line2D([], [], color=FUNNEL_COLOURS["centre"], linewidth=1.3, label=_centre_words(result)),
        Line2D([], [], color=FUNNEL_COLOURS["limits"], linestyle=(0, (5, 3)), label="95% limits"),
        Line2D(
            [], [], color=FUNNEL_COLOURS["limits"], linestyle=(0, (1.2, 1.8)), label="99.8% limits"
        ),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=3,
        frameon=False,
        fontsize=TICK_SIZE - 1,
        handlelength=2.4,
    )
    _place_labels(ax, units, named, curve)
    draw_source_note(ax, source, result)
    return ax


def _place_labels(ax: Axes, units: pd.DataFrame, named: np.ndarray, curve: pd.DataFrame) -> None:
    """Each named unit's name beside its own point, clear of the others and the lines."""
    x = units["denominator"].to_numpy(dtype=float)
    y = units["value"].to_numpy(dtype=float)
    owners = np.full(len(units), -1)
    labels: list[PlacedLabel] = []
    for k in np.flatnonzero(named):
        owners[k] = len(labels)
        text = ax.text(
            x[k],
            y[k],
            str(units["unit"].iloc[k]),
            fontsize=TICK_SIZE - 0.5,
            color=TEXT_COLOUR,
            zorder=3.5,
            gid=GID_LABEL,
            parse_math=False,
            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        labels.append(PlacedLabel(text, [(x[k], y[k], 0.0)]))
    if not labels:
        return
    # the limit lines as segments labels had better not sit on
    xs = curve["denominator"].to_numpy(dtype=float)
    soft = []
    for col in ("centre", "lower_95", "upper_95", "lower_998", "upper_998"):
        ys = curve[col].to_numpy(dtype=float)
        soft.append(np.column_stack([xs[:-1], ys[:-1], xs[1:], ys[1:]]))
    soft_segments = np.concatenate(soft)
    placer = LabelPlacer(
        ax,
        labels,
        marks=np.column_stack([x, y, x, y]),
        owners=owners,
        marker_radius=np.sqrt(_POINT_SIZE) / 2,
        soft=soft_segments,
        soft_owners=np.full(len(soft_segments), -1),
        leader_colour=MUTED_COLOUR,
    )
    ax.add_artist(placer)
    ax.figure.draw_without_rendering()  # place now, so ax.texts hold their places

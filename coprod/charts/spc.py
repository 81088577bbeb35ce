"""SPC charts in the NHS England "Making Data Count" (MDC) look.

Inputs are results of :func:`coprod.timeseries.spc.spc`.

* :func:`spc_chart_data` is the tidy frame drawn: one row per point with its
  MDC point type, colour and marker.
* :func:`plot_spc` draws one series (one group): a grey line through the points,
  common-cause points grey, special-cause points orange (concern) or blue
  (improvement) or purple (neither), the mean as a solid line and the process
  limits dashed (stepping at rebases), an optional target (red, dashed), and the
  MDC variation and assurance icons in the top-right corner.
* :func:`plot_spc_small_multiples` draws one compact panel per group (e.g. 30
  services) with a shared legend and returns the Figure.

Icons are matplotlib artists (no image files): a ring coloured like the latest
point's variation with "H" (high) or "L" (low) and an arrowhead for a special
cause, a flat little line for common cause (gid ``"spc-variation-icon"``); with a
target, a ring with "P" (consistently passes, blue), "F" (consistently fails,
orange) or "?" (hit and miss, grey) (gid ``"spc-assurance-icon"``). Each icon's
``get_label()`` is the state it shows, e.g. ``"special_cause_concern_high"``.

Nothing is shown or saved here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod.charts._style import (
    LABEL_SIZE,
    MUTED_COLOUR,
    SMALL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    get_ax,
    wrap,
)
from coprod.timeseries.spc import _is_monthly, _result_by

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.offsetbox import DrawingArea

__all__ = [
    "GID_ASSURANCE_ICON",
    "GID_REBASE",
    "GID_VARIATION_ICON",
    "SPC_COLOURS",
    "plot_spc",
    "plot_spc_small_multiples",
    "spc_chart_data",
]

#: gids set on artists so that tests and users can find them.
GID_VARIATION_ICON = "spc-variation-icon"
GID_ASSURANCE_ICON = "spc-assurance-icon"
GID_REBASE = "spc-rebase"
GID_POINTS = "spc-points"
GID_CENTRE = "spc-centre"
GID_LIMITS = "spc-limits"
GID_2SIGMA = "spc-2sigma"
GID_TARGET = "spc-target"

#: Making Data Count colours.
SPC_COLOURS: dict[str, str] = {
    "common_cause": "#7B7D7D",
    "special_cause_concern": "#ED8B00",
    "special_cause_improvement": "#41B6E6",
    "special_cause_neither": "#490092",
    "line": "#A6A6A6",
    "centre": "#231F20",
    "limits": "#7B7D7D",
    "2sigma": "#BDBDBD",
    "target": "#DE1B1B",
}
_POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_concern": "Special cause: concern",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_neither": "Special cause: neither better nor worse",
}
_ASSURANCE_ICON = {
    "consistently_passes": ("P", SPC_COLOURS["special_cause_improvement"]),
    "consistently_fails": ("F", SPC_COLOURS["special_cause_concern"]),
    "hit_and_miss": ("?", SPC_COLOURS["common_cause"]),
}
_ASSURANCE_TEXT = {
    "consistently_passes": "Consistently passes the target",
    "consistently_fails": "Consistently fails the target",
    "hit_and_miss": "Hit and miss: target within limits",
}
_VARIATION_TEXT = {
    "common_cause": "Common cause variation",
    "special_cause_concern": "Special cause of concern",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_neither": "Special cause (no better direction)",
}


# ----------------------------------------------------------------------- chart data


def spc_chart_data(result: pd.DataFrame) -> pd.DataFrame:
    """The tidy frame the SPC charts draw: one row per point of ``result``.

    Columns: the ``by`` columns of the result, ``period, value, centre, lower, upper,
    lower_2sigma, upper_2sigma, segment`` (``target`` and ``assurance`` when the
    result has them), ``special_cause``, ``direction`` (+1 high, -1 low, 0 for
    common cause), ``rule, variation, measure``, ``point_type`` (the legend label), ``colour``
    (MDC hex colour), ``marker`` and ``size`` (points squared, larger for special
    causes). Rows are sorted by group and period.
    """
    by = _result_by(result)
    keep = [
        *by,
        "period",
        "value",
        "centre",
        "lower",
        "upper",
        "lower_2sigma",
        "upper_2sigma",
        "segment",
    ]
    keep += [c for c in ("target", "assurance") if c in result.columns]
    keep += ["special_cause", "direction", "rule", "variation", "measure"]
    require_columns(
        result, keep, what="result", hint="pass the output of coprod.timeseries.spc.spc"
    )
    data = result[keep].copy()
    unknown = set(data["variation"]) - set(_POINT_LABELS)
    if unknown:
        raise ValueError(f"unknown variation values {sorted(map(str, unknown))}")
    data["point_type"] = data["variation"].map(_POINT_LABELS)
    data["colour"] = data["variation"].map(SPC_COLOURS)
    data["marker"] = "o"
    data["size"] = np.where(data["variation"] == "common_cause", 22.0, 34.0)
    if by:
        order = {k: i for i, k in enumerate(dict.fromkeys(map(tuple, data[by].to_numpy())))}
        data["_g"] = [order[tuple(k)] for k in data[by].to_numpy()]
        data = data.sort_values(["_g", "period"], kind="stable").drop(columns="_g")
    else:
        data = data.sort_values("period", kind="stable")
    return data.reset_index(drop=True)


def _group_keys(data: pd.DataFrame, by: Sequence[str]) -> list[tuple[Any, ...]]:
    if not by:
        return [()]
    return list(dict.fromkeys(map(tuple, data[list(by)].to_numpy())))


def _key_text(key: tuple[Any, ...]) -> str:
    return ", ".join(str(k) for k in key)


# ----------------------------------------------------------------------------- icons


def _variation_state(row: pd.Series) -> str:
    variation = str(row["variation"])
    if variation == "common_cause":
        return variation
    return f"{variation}_{'high' if row['direction'] > 0 else 'low'}"


def _ring(da: DrawingArea, size: float, colour: str) -> None:
    from matplotlib.patches import Circle

    c = size / 2
    da.add_artist(
        Circle((c, c), radius=0.44 * size, facecolor="white", edgecolor=colour, linewidth=size / 11)
    )


def _variation_icon(state: str, size: float) -> DrawingArea:
    """MDC-like variation icon: ring, letter H/L and an arrowhead, or a flat line."""
    from matplotlib.lines import Line2D
    from matplotlib.offsetbox import DrawingArea
    from matplotlib.patches import Polygon
    from matplotlib.text import Text

    da = DrawingArea(size, size, clip=False)
    variation = state.rsplit("_", 1)[0] if state != "common_cause" else state
    colour = SPC_COLOURS[variation]
    _ring(da, size, colour)
    if state == "common_cause":
        xs = size * np.array([0.24, 0.37, 0.5, 0.63, 0.76])
        ys = size * np.array([0.5, 0.58, 0.44, 0.56, 0.48])
        da.add_artist(Line2D(xs, ys, color=colour, linewidth=size / 18))
        da.add_artist(
            Line2D(
                xs,
                ys,
                linestyle="none",
                marker="o",
                markersize=size / 8,
                color=colour,
            )
        )
    else:
        high = state.endswith("_high")
        da.add_artist(
            Text(
                0.39 * size,
                0.49 * size,
                "H" if high else "L",
                ha="center",
                va="center",
                fontsize=0.42 * size,
                fontweight="bold",
                color=colour,
            )
        )
        x0, w, h = 0.71 * size, 0.09 * size, 0.15 * size
        y0 = 0.5 * size
        tip = (x0, y0 + h) if high else (x0, y0 - h)
        base = y0 - 0.5 * h if high else y0 + 0.5 * h
        da.add_artist(
            Polygon(
                [(x0 - w, base), (x0 + w, base), tip],
                closed=True,
                facecolor=colour,
                edgecolor="none",
            )
        )
    da.set_gid(GID_VARIATION_ICON)
    da.set_label(state)
    return da


def _assurance_icon(assurance: str, size: float) -> DrawingArea:
    """MDC-like assurance icon: ring with P / F / ? above a dashed target line."""
    from matplotlib.lines import Line2D
    from matplotlib.offsetbox import DrawingArea
    from matplotlib.text import Text

    letter, colour = _ASSURANCE_ICON[assurance]
    da = DrawingArea(size, size, clip=False)
    _ring(da, size, colour)
    da.add_artist(
        Text(
            0.5 * size,
            0.55 * size,
            letter,
            ha="center",
            va="center",
            fontsize=0.44 * size,
            fontweight="bold",
            color=colour,
        )
    )
    da.add_artist(
        Line2D(
            [0.27 * size, 0.73 * size],
            [0.27 * size, 0.27 * size],
            color=SPC_COLOURS["target"],
            linewidth=max(size / 22, 0.6),
            linestyle=(0, (2, 1.2)),
        )
    )
    da.set_gid(GID_ASSURANCE_ICON)
    da.set_label(assurance)
    return da


def _add_icons(ax: Axes, last: pd.Series, size: float) -> None:
    """The icons of the latest point, just above the top-right corner of the Axes."""
    from matplotlib.offsetbox import AnchoredOffsetbox, HPacker

    boxes = [_variation_icon(_variation_state(last), size)]
    assurance = last.get("assurance")
    if assurance is not None and not pd.isna(assurance) and assurance in _ASSURANCE_ICON:
        boxes.append(_assurance_icon(str(assurance), size))
    packer = HPacker(children=boxes, pad=0, sep=size * 0.25, align="center")
    box = AnchoredOffsetbox(
        loc="lower right",
        child=packer,
        pad=0.0,
        borderpad=0.0,
        frameon=False,
        bbox_to_anchor=(1.0, 1.0),
        bbox_transform=ax.transAxes,
    )
    box.set_gid("spc-icons")
    box.set_zorder(6)
    box.set_clip_on(False)
    ax.add_artist(box)


# ----------------------------------------------------------------------------- drawing


def _x(periods: pd.Series) -> np.ndarray:
    return periods.to_numpy()


def _draw_series(
    ax: Axes,
    data: pd.DataFrame,
    *,
    compact: bool,
    show_2sigma: bool,
) -> None:
    """Line, points, centre, limits (per segment), rebase marks and target of one series."""
    scale = 0.6 if compact else 1.0
    x = _x(data["period"])
    ax.plot(
        x,
        data["value"].to_numpy(dtype=float),
        color=SPC_COLOURS["line"],
        linewidth=1.6 * scale + 0.2,
        zorder=3,
    )
    segments = list(dict.fromkeys(data["segment"]))
    for k, seg in enumerate(segments):
        part = data[data["segment"] == seg]
        xs = _x(part["period"])
        if len(part) == 1:  # a one-point segment: show its lines as short ticks
            xs = np.repeat(xs, 2)
            part = pd.concat([part, part])
        style = {"drawstyle": "steps-mid", "zorder": 2}
        ax.plot(
            xs,
            part["centre"],
            color=SPC_COLOURS["centre"],
            linewidth=1.3 * scale + 0.1,
            gid=GID_CENTRE,
            **style,
        )
        for col in ("lower", "upper"):
            ax.plot(
                xs,
                part[col],
                color=SPC_COLOURS["limits"],
                linewidth=1.1 * scale + 0.1,
                linestyle=(0, (5, 3)),
                gid=GID_LIMITS,
                **style,
            )
        if show_2sigma:
            for col in ("lower_2sigma", "upper_2sigma"):
                ax.plot(
                    xs,
                    part[col],
                    color=SPC_COLOURS["2sigma"],
                    linewidth=0.9 * scale + 0.1,
                    linestyle=(0, (1.5, 2)),
                    gid=GID_2SIGMA,
                    **style,
                )
        if k > 0:
            before = data[data["segment"] == segments[k - 1]]["period"].iloc[-1]
            start = part["period"].iloc[0]
            at = before + (start - before) / 2
            ax.axvline(
                at,
                color=MUTED_COLOUR,
                linewidth=0.8 * scale,
                linestyle=(0, (1, 2)),
                zorder=1,
                gid=GID_REBASE,
            )
    if "target" in data and data["target"].notna().any():
        ax.plot(
            x,
            data["target"].to_numpy(dtype=float),
            color=SPC_COLOURS["target"],
            linewidth=1.3 * scale + 0.1,
            linestyle=(0, (4, 2)),
            drawstyle="steps-mid",
            zorder=2.5,
            gid=GID_TARGET,
        )
    ax.scatter(
        x,
        data["value"].to_numpy(dtype=float),
        s=data["size"].to_numpy(dtype=float) * (0.45 if compact else 1.0),
        c=list(data["colour"]),
        marker="o",
        edgecolors="white",
        linewidths=0.6 * scale,
        zorder=4,
        gid=GID_POINTS,
    )


def _format_x(ax: Axes, periods: pd.Series, compact: bool) -> None:
    if pd.api.types.is_datetime64_any_dtype(periods):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(
            minticks=3 if compact else 5, maxticks=5 if compact else 10
        )
        formatter = mdates.ConciseDateFormatter(locator)
        if _is_monthly(periods):
            formatter.formats = ["%Y", "%b", "%d", "%H:%M", "%H:%M", "%S.%f"]
            formatter.zero_formats = ["", "%Y", "%b", "%b-%d", "%H:%M", "%H:%M"]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(formatter)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=4 if compact else 8, integer=True))


def _style_axes(ax: Axes, compact: bool) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#9E9E9E")
    size = SMALL_SIZE - 1 if compact else TICK_SIZE
    ax.tick_params(labelsize=size, colors=TEXT_COLOUR, length=2.5 if compact else 3.5)
    ax.grid(axis="y", color="#EBEBEB", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if compact:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.margins(x=0.03)


def _legend_handles(data: pd.DataFrame, show_2sigma: bool) -> list[Any]:
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    present = set(data["variation"])
    for variation, label in _POINT_LABELS.items():
        if variation in present:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=7,
                    markerfacecolor=SPC_COLOURS[variation],
                    markeredgecolor="white",
                    label=label,
                )
            )
    handles.append(Line2D([], [], color=SPC_COLOURS["centre"], linewidth=1.4, label="Mean"))
    handles.append(
        Line2D(
            [],
            [],
            color=SPC_COLOURS["limits"],
            linewidth=1.2,
            linestyle=(0, (5, 3)),
            label="Process limits",
        )
    )
    if show_2sigma:
        handles.append(
            Line2D(
                [],
                [],
                color=SPC_COLOURS["2sigma"],
                linewidth=1.0,
                linestyle=(0, (1.5, 2)),
                label="2-sigma lines",
            )
        )
    if "target" in data and data["target"].notna().any():
        handles.append(
            Line2D(
                [],
                [],
                color=SPC_COLOURS["target"],
                linewidth=1.4,
                linestyle=(0, (4, 2)),
                label="Target",
            )
        )
    return handles


def _default_ylabel(result: pd.DataFrame) -> str:
    names = result["measure"].drop_duplicates() if "measure" in result else []
    name = str(names.iloc[0]).replace("_", " ") if len(names) == 1 else "Value"
    return name[:1].upper() + name[1:]


# ----------------------------------------------------------------------------- plot_spc


def plot_spc(
    result: pd.DataFrame,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    show_icons: bool = True,
    show_2sigma: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """An MDC-style SPC chart of ONE series (one group) of an :func:`coprod.timeseries.spc.spc` result.

    Grey line and points for common cause, orange for special cause of concern,
    blue for improvement, purple when no direction is better; the mean solid and the
    process limits dashed, stepping at rebases (a dotted vertical line marks each);
    2-sigma lines dotted when ``show_2sigma``; the target red dashed when the result
    has one. With ``show_icons`` the MDC variation icon (and assurance icon, with a
    target) of the latest point sit above the top-right corner of the Axes. The
    title (default: the group's name) is left-aligned; the legend lists the point
    types present. Raises ValueError naming the groups when ``result`` holds more
    than one: filter it first or use :func:`plot_spc_small_multiples`.

    Returns
    -------
    Axes
        Points are one PathCollection with gid ``"spc-points"``; lines have gids
        ``"spc-centre"``, ``"spc-limits"``, ``"spc-2sigma"``, ``"spc-target"``,
        ``"spc-rebase"``; icons ``"spc-variation-icon"`` / ``"spc-assurance-icon"``.
    """
    data = spc_chart_data(result)
    by = _result_by(result)
    keys = _group_keys(data, by)
    if len(keys) > 1:
        names = "; ".join(_key_text(k) for k in keys[:12]) + ("; ..." if len(keys) > 12 else "")
        raise ValueError(
            f"plot_spc draws one series but the result has {len(keys)} groups of {by}: "
            f"{names}. Filter it to one group, or use plot_spc_small_multiples(result, by=...)"
        )
    if len(data) == 0:
        raise ValueError("the result has no periods to draw")
    ax = get_ax(ax, figsize=(9.5, 5.0))
    _draw_series(ax, data, compact=False, show_2sigma=show_2sigma)
    _format_x(ax, data["period"], compact=False)
    _style_axes(ax, compact=False)
    ax.set_ylabel(ylabel if ylabel is not None else _default_ylabel(result), fontsize=LABEL_SIZE)
    if title is None and by:
        title = _key_text(keys[0])
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left", pad=12, color=TEXT_COLOUR)
    if show_icons:
        _add_icons(ax, data.iloc[-1], size=30)
    handles = _legend_handles(data, show_2sigma)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=min(len(handles), 4),
        frameon=False,
        fontsize=TICK_SIZE - 0.5,
        handlelength=2.2,
        columnspacing=1.6,
    )
    return ax


# --------------------------------------------------------------- plot_spc_small_multiples


def plot_spc_small_multiples(
    result: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    ncols: int = 5,
    sharey: bool = False,
    fig: Figure | None = None,
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """One compact MDC-style SPC panel per group (e.g. 30 services), like seaborn's relplot.

    ``by`` names the group column(s) (default: the columns before ``period`` of the
    result); each group is one panel titled with its name, in order of first
    appearance, ``ncols`` per row. Panels share the x axis (tick labels on the bottom
    panel of each column); ``sharey`` shares the y axis too. Each panel has the
    variation icon (and assurance icon, with a target) of its latest point; one
    legend for the whole figure sits at the bottom. ``fig`` is drawn into when
    given (it should be empty), else a new figure sized for the grid. ``ylabel`` names
    the measure on the shared y label (default: from the result's value column).

    Returns
    -------
    Figure
        With exactly one Axes per group. Nothing is shown or saved.
    """
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, not {ncols!r}")
    by_cols = _result_by(result, by)
    if not by_cols:
        raise ValueError("small multiples need group columns: pass by= (e.g. by='service')")
    data = spc_chart_data(result)
    dup = data.duplicated([*by_cols, "period"], keep=False)
    if dup.any():
        raise ValueError(
            f"some panels of by={by_cols} hold more than one series (duplicate periods); "
            f"include every group column of the result in by: {_result_by(result)}"
        )
    keys = _group_keys(data, by_cols)
    n = len(keys)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(3.1 * ncols + 0.4, 2.15 * nrows + 1.1), layout="constrained")
    elif fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=sharey, squeeze=False)
    flat = axes.ravel()
    for extra in flat[n:]:
        fig.delaxes(extra)
    grouped = {k: g for k, g in zip(keys, _split(data, by_cols, keys), strict=True)}
    title_chars = max(12, int(3.1 * 72 / (SMALL_SIZE * 0.58)) - 8)
    for i, key in enumerate(keys):
        ax = flat[i]
        part = grouped[key]
        _draw_series(ax, part, compact=True, show_2sigma=False)
        _style_axes(ax, compact=True)
        ax.set_title(
            wrap(_key_text(key), title_chars),
            fontsize=SMALL_SIZE + 0.5,
            loc="left",
            pad=4,
            color=TEXT_COLOUR,
        )
        _add_icons(ax, part.iloc[-1], size=18)
        row, col = divmod(i, ncols)
        below = (row + 1) * ncols + col
        if below >= n:  # no panel underneath: this one shows the x tick labels
            ax.xaxis.set_tick_params(labelbottom=True)
    _format_x(flat[0], data["period"], compact=True)
    handles = _legend_handles(data, show_2sigma=False)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=min(len(handles), 6),
        frameon=False,
        fontsize=TICK_SIZE - 0.5,
    )
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE, x=0.01, ha="left", color=TEXT_COLOUR)
    if ylabel or "measure" in result:
        fig.supylabel(ylabel or _default_ylabel(result), fontsize=LABEL_SIZE - 1, color=TEXT_COLOUR)
    return fig


def _split(data: pd.DataFrame, by: Sequence[str], keys: list[tuple[Any, ...]]):
    index = [tuple(k) for k in data[list(by)].to_numpy()]
    positions: dict[tuple[Any, ...], list[int]] = {}
    for pos, k in enumerate(index):
        positions.setdefault(k, []).append(pos)
    for key in keys:
        yield data.iloc[positions[key]].reset_index(drop=True)

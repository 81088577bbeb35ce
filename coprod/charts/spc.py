"""SPC charts in the NHS England "Making Data Count" (MDC) look.

Inputs are results of :func:`coprod.timeseries.spc.spc`.

* :func:`spc_chart_data` is the tidy frame drawn: one row per point with its
  MDC point type, colour and marker.
* :func:`plot_spc` draws one series (one group): a grey line through the points,
  common-cause points grey, special-cause points orange (concern) or blue
  (improvement) or purple (neutral: no better direction), the mean as a solid line and the process
  limits dashed (stepping at rebases), an optional target (red, dashed), and the
  MDC variation and assurance icons in the top-right corner.
* :func:`plot_spc_small_multiples` draws one compact panel per group (e.g. 30
  services) with a shared legend and returns the Figure, 16 cm wide so that every
  text prints at 8 pt or more in a report (three panels a row by default).

Every chart says what it shows from the result's own columns:

* the **baseline** (the points each segment's limits are computed from,
  ``in_baseline``) is a shaded span per segment (gid ``"spc-baseline"``), labelled
  "Baseline", "Baseline 2", ... on a single chart (gid ``"spc-baseline-label"``);
* the **key** (in the legend) explains each variation and assurance icon drawn, with
  the icon itself (gid ``"spc-icon-key"``, ``get_label()`` the state), after Making
  Data Count's icon key;
* **seasonally adjusted** values (a result of ``spc(seasonally_adjust(...),
  value="adjusted")``, whose ``measure`` is ``"adjusted"``) say so on the y label.

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
from matplotlib.transforms import offset_copy

from coprod._core.columns import require_columns
from coprod.charts._style import (
    LABEL_SIZE,
    MUTED_COLOUR,
    SMALL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
    wrap,
)
from coprod.style import CM_PER_INCH, MIN_TEXT_PT, REPORT_WIDTH_CM
from coprod.timeseries.spc import ASSURANCE_LABELS, VARIATION_LABELS, _is_monthly, _result_by

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.offsetbox import DrawingArea

    from coprod.provenance import Source

__all__ = [
    "GID_ASSURANCE_ICON",
    "GID_BASELINE",
    "GID_BASELINE_LABEL",
    "GID_ICON_KEY",
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
#: The gid of the rings around points left out of the limits (``spc(..., exclude=...)``).
GID_EXCLUDED = "spc-excluded"
_EXCLUDED_TEXT = "Left out of the limits"
GID_CENTRE = "spc-centre"
GID_LIMITS = "spc-limits"
GID_2SIGMA = "spc-2sigma"
GID_TARGET = "spc-target"
GID_BASELINE = "spc-baseline"
GID_BASELINE_LABEL = "spc-baseline-label"
GID_ICON_KEY = "spc-icon-key"

#: Making Data Count colours.
SPC_COLOURS: dict[str, str] = {
    "common_cause": "#7B7D7D",
    "special_cause_concern": "#ED8B00",
    "special_cause_improvement": "#41B6E6",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
    "line": "#A6A6A6",
    "centre": "#231F20",
    "limits": "#7B7D7D",
    "2sigma": "#BDBDBD",
    "target": "#DE1B1B",
    "baseline": "#E6EDF3",
}
_POINT_LABELS = VARIATION_LABELS
_ASSURANCE_ICON = {
    "consistently_passes": ("P", SPC_COLOURS["special_cause_improvement"]),
    "consistently_fails": ("F", SPC_COLOURS["special_cause_concern"]),
    "hit_and_miss": ("?", SPC_COLOURS["common_cause"]),
}
#: What each icon means, in the words of Making Data Count's icon key.
_ICON_KEY_TEXT = {
    "common_cause": "Common cause: no significant change",
    "special_cause_concern_high": "Special cause of concern: higher values",
    "special_cause_concern_low": "Special cause of concern: lower values",
    "special_cause_improvement_high": "Special cause of improvement: higher values",
    "special_cause_improvement_low": "Special cause of improvement: lower values",
    "special_cause_neutral_high": "Special cause, neither better nor worse: higher values",
    "special_cause_neutral_low": "Special cause, neither better nor worse: lower values",
    **ASSURANCE_LABELS,
}
_BASELINE_TEXT = "Baseline: limits computed from these points"
#: Small multiples are drawn at the width a report places them, so sizes are as printed.
_PANELS_WIDTH_CM = REPORT_WIDTH_CM
#: Narrower panels cannot hold their tick labels, title and icon at 8 pt.
_MIN_PANEL_CM = 4.0
_PANEL_HEIGHT_CM = 4.2
#: Icons big enough for their letter (0.42 of the icon) to print at 8 pt.
_KEY_ICON_PT = 20.0


# ----------------------------------------------------------------------- chart data


def spc_chart_data(result: pd.DataFrame) -> pd.DataFrame:
    """The tidy frame the SPC charts draw: one row per point of ``result``.

    Columns: the ``by`` columns of the result, ``period, value, centre, lower, upper,
    lower_2sigma, upper_2sigma, segment, in_baseline`` (``target`` and ``assurance``
    when the result has them), ``special_cause``, ``direction`` (+1 high, -1 low, 0 for
    common cause), ``rule, variation, measure``, ``point_type`` (the legend label), ``colour``
    (MDC hex colour), ``marker`` and ``size`` (points squared, larger for special
    causes), and ``excluded`` / ``trial_limits`` when the result has them. Rows are sorted
    by group and period.
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
        "in_baseline",
    ]
    keep += [c for c in ("target", "assurance") if c in result.columns]
    keep += ["special_cause", "direction", "rule", "variation", "measure"]
    keep += [c for c in ("excluded", "trial_limits") if c in result.columns]
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
    if variation == "common_cause" or variation.startswith("special_cause_neutral"):
        return variation  # a neutral variation names its side already
    return f"{variation}_{'high' if row['direction'] > 0 else 'low'}"


def _draw_variation_icon(da: DrawingArea, state: str, size: float, at=(0.0, 0.0)) -> None:
    """MDC-like variation icon, ``size`` points wide, lower left at ``at`` in ``da``:
    ring, letter H/L and an arrowhead, or a flat little line for common cause."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Polygon
    from matplotlib.text import Text

    x, y = at
    colour = SPC_COLOURS[state if state in SPC_COLOURS else state.rsplit("_", 1)[0]]
    da.add_artist(
        Circle(
            (x + size / 2, y + size / 2),
            radius=0.44 * size,
            facecolor="white",
            edgecolor=colour,
            linewidth=size / 11,
        )
    )
    if state == "common_cause":
        xs = x + size * np.array([0.24, 0.37, 0.5, 0.63, 0.76])
        ys = y + size * np.array([0.5, 0.58, 0.44, 0.56, 0.48])
        da.add_artist(Line2D(xs, ys, color=colour, linewidth=size / 18))
        da.add_artist(
            Line2D(xs, ys, linestyle="none", marker="o", markersize=size / 8, color=colour)
        )
        return
    high = state.endswith("_high")
    da.add_artist(
        Text(
            x + 0.39 * size,
            y + 0.49 * size,
            "H" if high else "L",
            ha="center",
            va="center",
            fontsize=0.42 * size,
            fontweight="bold",
            color=colour,
        )
    )
    x0, w, h = x + 0.71 * size, 0.09 * size, 0.15 * size
    y0 = y + 0.5 * size
    tip = (x0, y0 + h) if high else (x0, y0 - h)
    base = y0 - 0.5 * h if high else y0 + 0.5 * h
    da.add_artist(
        Polygon(
            [(x0 - w, base), (x0 + w, base), tip], closed=True, facecolor=colour, edgecolor="none"
        )
    )


def _draw_assurance_icon(da: DrawingArea, assurance: str, size: float, at=(0.0, 0.0)) -> None:
    """MDC-like assurance icon: ring with P / F / ? above a dashed target line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle
    from matplotlib.text import Text

    x, y = at
    letter, colour = _ASSURANCE_ICON[assurance]
    da.add_artist(
        Circle(
            (x + size / 2, y + size / 2),
            radius=0.44 * size,
            facecolor="white",
            edgecolor=colour,
            linewidth=size / 11,
        )
    )
    da.add_artist(
        Text(
            x + 0.5 * size,
            y + 0.55 * size,
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
            [x + 0.27 * size, x + 0.73 * size],
            [y + 0.27 * size, y + 0.27 * size],
            color=SPC_COLOURS["target"],
            linewidth=max(size / 22, 0.6),
            linestyle=(0, (2, 1.2)),
        )
    )


def _icon(state: str, size: float) -> DrawingArea:
    """The icon of a variation state or an assurance, as its own box (gid and label set)."""
    from matplotlib.offsetbox import DrawingArea

    da = DrawingArea(size, size, clip=False)
    if state in _ASSURANCE_ICON:
        _draw_assurance_icon(da, state, size)
        da.set_gid(GID_ASSURANCE_ICON)
    else:
        _draw_variation_icon(da, state, size)
        da.set_gid(GID_VARIATION_ICON)
    da.set_label(state)
    return da


def _icon_states(last: pd.Series) -> list[str]:
    """The icons of a series: its latest point's variation, then its assurance if judged."""
    states = [_variation_state(last)]
    assurance = last.get("assurance")
    if assurance is not None and not pd.isna(assurance) and assurance in _ASSURANCE_ICON:
        states.append(str(assurance))
    return states


class _IconKey:
    """A legend entry for an icon state (drawn by the handler of :func:`_icon_key_handler`)."""

    def __init__(self, state: str) -> None:
        self.state = state

    def get_label(self) -> str:
        return _ICON_KEY_TEXT[self.state]


def _icon_key_handler():
    """A legend handler drawing each :class:`_IconKey` as its icon (matplotlib loaded lazily)."""
    from matplotlib.legend_handler import HandlerBase

    class HandlerIconKey(HandlerBase):
        def legend_artist(self, legend, orig_handle, fontsize, handlebox):
            size = min(handlebox.width, handlebox.height)
            at = (
                -handlebox.xdescent + (handlebox.width - size) / 2,
                -handlebox.ydescent + (handlebox.height - size) / 2,
            )
            if orig_handle.state in _ASSURANCE_ICON:
                _draw_assurance_icon(handlebox, orig_handle.state, size, at)
            else:
                _draw_variation_icon(handlebox, orig_handle.state, size, at)
            # the entry's box stands for the icon drawn in it
            handlebox.set_gid(GID_ICON_KEY)
            handlebox.set_label(orig_handle.state)
            return handlebox

    return HandlerIconKey()


def _add_icons(ax: Axes, last: pd.Series, size: float) -> None:
    """The icons of the latest point, just above the top-right corner of the Axes."""
    from matplotlib.offsetbox import AnchoredOffsetbox, HPacker

    boxes = [_icon(state, size) for state in _icon_states(last)]
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


def _edge(periods: pd.Series, i: int, side: int) -> Any:
    """Halfway from point ``i`` to its neighbour on ``side`` (-1 before, +1 after), as the
    rebase line sits; at either end, the step to the other neighbour mirrored."""
    here = periods.iloc[i]
    if 0 <= i + side < len(periods):
        return here + (periods.iloc[i + side] - here) / 2
    if 0 <= i - side < len(periods):
        return here - (periods.iloc[i - side] - here) / 2
    return here + side * (pd.Timedelta(days=15) if isinstance(here, pd.Timestamp) else 0.5)


def baseline_spans(data: pd.DataFrame) -> list[tuple[Any, Any, int]]:
    """``(start, end, segment number)`` of each segment's baseline points in one series.

    The span runs from halfway before its first baseline point to halfway after its last,
    so it covers exactly the points its limits are computed from.
    """
    periods = data["period"].reset_index(drop=True)
    in_baseline = data["in_baseline"].to_numpy(dtype=bool)
    segment = data["segment"].to_numpy()
    spans = []
    for k, seg in enumerate(dict.fromkeys(segment), start=1):
        points = np.flatnonzero((segment == seg) & in_baseline)
        if len(points):
            spans.append((_edge(periods, points[0], -1), _edge(periods, points[-1], +1), k))
    return spans


def _draw_baselines(ax: Axes, data: pd.DataFrame, *, labelled: bool) -> None:
    from matplotlib.transforms import blended_transform_factory, offset_copy

    above = offset_copy(
        blended_transform_factory(ax.transData, ax.transAxes), fig=ax.figure, y=2, units="points"
    )
    for start, end, k in baseline_spans(data):
        ax.axvspan(
            start, end, color=SPC_COLOURS["baseline"], linewidth=0, zorder=0.5, gid=GID_BASELINE
        )
        if labelled:
            ax.text(
                start,
                1.0,
                "Baseline" if k == 1 else f"Baseline {k}",
                transform=above,
                ha="left",
                va="bottom",
                fontsize=SMALL_SIZE,
                color=MUTED_COLOUR,
                gid=GID_BASELINE_LABEL,
            )


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
    _draw_baselines(ax, data, labelled=not compact)
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
    if "excluded" in data and data["excluded"].any():
        left_out = data["excluded"].to_numpy(dtype=bool)
        ax.scatter(
            np.asarray(x)[left_out],
            data["value"].to_numpy(dtype=float)[left_out],
            s=data["size"].to_numpy(dtype=float)[left_out] * (0.45 if compact else 1.0) * 3.2,
            facecolors="none",
            edgecolors=SPC_COLOURS["centre"],
            linewidths=1.0 * scale,
            zorder=4.5,
            gid=GID_EXCLUDED,
        )


def _format_x(ax: Axes, periods: pd.Series, compact: bool) -> None:
    if pd.api.types.is_datetime64_any_dtype(periods):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(
            minticks=3 if compact else 5, maxticks=5 if compact else 10
        )
        # yearly steps for up to three years of months: the baseline span widens the range
        locator.intervald[mdates.MONTHLY] = [1, 2, 3, 4, 6, 12]
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
    size = max(MIN_TEXT_PT, SMALL_SIZE - 1) if compact else TICK_SIZE
    ax.tick_params(labelsize=size, colors=TEXT_COLOUR, length=2.5 if compact else 3.5)
    ax.grid(axis="y", color="#EBEBEB", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if compact:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.margins(x=0.03)


def _legend_handles(
    data: pd.DataFrame,
    show_2sigma: bool,
    icon_states: Sequence[str] = (),
    centre_label: str = "Mean",
) -> list[Any]:
    """Legend entries: point types present, lines, the baseline, then the icons' key."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    present = set(data["variation"])
    labels = dict(_POINT_LABELS)
    neutral = ("special_cause_neutral_high", "special_cause_neutral_low")
    if set(neutral) <= present:
        # one colour for both sides (a point's side is its place on the chart): one entry
        present.discard(neutral[1])
        labels[neutral[0]] = "Special cause: neutral (high or low)"
    for variation, label in labels.items():
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
    handles.append(Line2D([], [], color=SPC_COLOURS["centre"], linewidth=1.4, label=centre_label))
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
    if data["in_baseline"].any():
        handles.append(Patch(facecolor=SPC_COLOURS["baseline"], label=_BASELINE_TEXT))
    if "excluded" in data and data["excluded"].any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=10,
                markerfacecolor="none",
                markeredgecolor=SPC_COLOURS["centre"],
                label=_EXCLUDED_TEXT,
            )
        )
    handles += [_IconKey(state) for state in dict.fromkeys(icon_states)]
    return handles


def _legend_options(handles: list[Any], fontsize: float) -> dict[str, Any]:
    """Legend keyword arguments that draw the icons' key at a readable size."""
    if not any(isinstance(h, _IconKey) for h in handles):
        return {}
    # matplotlib's handle box is fontsize * (0.65 * handleheight + 0.245) points tall
    height = (_KEY_ICON_PT / fontsize - 0.245) / 0.65
    return {
        "handler_map": {_IconKey: _icon_key_handler()},
        "handleheight": height,
        "handlelength": max(2.2, _KEY_ICON_PT / fontsize),
    }


#: What the centre line is, where it is not the mean of the baseline.
_CENTRE_LABELS = {
    "g": "Median (limits from the mean)",
    "t": "Centre (mean of the transformed times)",
}


def _centre_label(result: pd.DataFrame) -> str:
    """The legend's name for the centre line: the mean, but a g chart draws the median."""
    charts = set(result["chart"]) if "chart" in result else set()
    return _CENTRE_LABELS.get(charts.pop(), "Mean") if len(charts) == 1 else "Mean"


def _ylabel(result: pd.DataFrame, ylabel: str | None) -> str:
    """The y label: the caller's or the measure's, saying so when values are adjusted."""
    if not _is_adjusted(result):
        return ylabel if ylabel is not None else _default_ylabel(result)
    if ylabel is None:
        return "Seasonally adjusted values"
    return ylabel if "adjusted" in ylabel.lower() else f"{ylabel} (seasonally adjusted)"


def _is_adjusted(result: pd.DataFrame) -> bool:
    """Whether ``result`` charts the ``adjusted`` column of ``seasonally_adjust``.

    ``spc`` records the charted column in ``measure`` (``"adjusted per <denominator>"``
    for a u chart), so the result says so itself, whatever the title.
    """
    if "measure" not in result or result.empty:
        return False
    measures = result["measure"].astype(str)
    return bool(((measures == "adjusted") | measures.str.startswith("adjusted per ")).all())


def _default_ylabel(result: pd.DataFrame) -> str:
    names = result["measure"].drop_duplicates() if "measure" in result else []
    name = str(names.iloc[0]).replace("_", " ") if len(names) == 1 else "Value"
    if _is_proportion(result):
        name += " (%)"
    return name[:1].upper() + name[1:]


def _is_proportion(result: pd.DataFrame) -> bool:
    """A p (or p′) chart's values are shares of 1, read in per cent."""
    return "chart" in result and bool(result["chart"].isin(["p", "pp"]).all()) and len(result) > 0


def _format_y(ax: Axes, result: pd.DataFrame) -> None:
    if _is_proportion(result):
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))


# ----------------------------------------------------------------------------- plot_spc


def plot_spc(
    result: pd.DataFrame,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    show_icons: bool = True,
    show_2sigma: bool = False,
    ax: Axes | None = None,
    source: Source | str | None = None,
) -> Axes:
    """An MDC-style SPC chart of ONE series (one group) of an :func:`coprod.timeseries.spc.spc` result.

    Grey line and points for common cause, orange for special cause of concern,
    blue for improvement, purple when no direction is better; the mean solid and the
    process limits dashed, stepping at rebases (a dotted vertical line marks each) and
    at every point where the limits are per point (u, p, u', p'); a g chart's centre is its
    median (the legend says so) and a t chart's the mean of its transformed times;
    2-sigma lines dotted when ``show_2sigma``; the target red dashed when the result
    has one; each segment's baseline shaded and labelled above the Axes. With
    ``show_icons`` the MDC variation icon (and assurance icon, with a target) of the
    latest point sit above the top-right corner of the Axes. The title (default: the
    group's name) is left-aligned; the legend lists the point types present, the
    lines, the baseline and the key to the icons shown. The y label is ``ylabel``
    (default: the measure), marked "(seasonally adjusted)" when the result charts
    seasonally adjusted values. A new figure is 16 cm wide, as a report places it.
    Raises ValueError naming the groups when ``result`` holds more than one: filter it
    first or use :func:`plot_spc_small_multiples`.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Points are one PathCollection with gid ``"spc-points"``; lines have gids
        ``"spc-centre"``, ``"spc-limits"``, ``"spc-2sigma"``, ``"spc-target"``,
        ``"spc-rebase"``; baseline spans ``"spc-baseline"`` and their labels
        ``"spc-baseline-label"``; icons ``"spc-variation-icon"`` /
        ``"spc-assurance-icon"``, and their key's entries in the legend
        ``"spc-icon-key"``.
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
    ax = get_ax(ax, figsize=(REPORT_WIDTH_CM / CM_PER_INCH, 5.2))
    _draw_series(ax, data, compact=False, show_2sigma=show_2sigma)
    _format_x(ax, data["period"], compact=False)
    _style_axes(ax, compact=False)
    _format_y(ax, result)
    ax.set_ylabel(_ylabel(result, ylabel), fontsize=LABEL_SIZE)
    if title is None and by:
        title = _key_text(keys[0])
    states = _icon_states(data.iloc[-1]) if show_icons else []
    icon_size = 26
    if show_icons:
        _add_icons(ax, data.iloc[-1], size=icon_size)
    if title:
        # wrapped to the width the icons leave (the Axes' width before layout is near enough)
        axes_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
        free_pt = axes_pt - 1.3 * icon_size * len(states) - 12
        # above the baseline labels, which sit just above the Axes
        ax.set_title(
            wrap(title, max(16, int(free_pt / (0.6 * TITLE_SIZE)))),
            fontsize=TITLE_SIZE,
            loc="left",
            pad=SMALL_SIZE + 10,
            color=TEXT_COLOUR,
        )
    handles = _legend_handles(data, show_2sigma, states, _centre_label(result))
    fontsize = TICK_SIZE - 1
    below_ticks = offset_copy(ax.transAxes, fig=ax.figure, y=-2.2 * TICK_SIZE - 8, units="points")
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below_ticks,
        ncol=2,
        frameon=False,
        fontsize=fontsize,
        columnspacing=1.4,
        **{"handlelength": 2.2, **_legend_options(handles, fontsize)},
    )
    draw_source_note(ax, source, result)
    return ax


# --------------------------------------------------------------- plot_spc_small_multiples


def plot_spc_small_multiples(
    result: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    ncols: int = 3,
    sharey: bool = False,
    fig: Figure | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    source: Source | str | None = None,
) -> Figure:
    """One compact MDC-style SPC panel per group (e.g. 30 services), like seaborn's relplot.

    ``by`` names the group column(s) (default: the columns before ``period`` of the
    result); each group is one panel titled with its name, in order of first
    appearance, ``ncols`` per row (three by default; at most four, since narrower
    panels cannot hold their labels: more groups make more rows). Panels share the x
    axis (tick labels on the bottom panel of each column); ``sharey`` shares the y axis
    too. Each panel shades its baseline and has the variation icon (and assurance
    icon, with a target) of its latest point; one legend for the whole figure sits at
    the bottom, with the key to every icon drawn. ``fig`` is drawn into when given (it
    should be empty), else a new figure 16 cm wide, the width a report places it, on
    which every text is at least 8 pt. ``ylabel`` names the measure on the shared y
    label (default: from the result's value column), marked "(seasonally adjusted)"
    when the values are.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Figure
        With exactly one Axes per group. Nothing is shown or saved.
    """
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, not {ncols!r}")
    panel_cm = _PANELS_WIDTH_CM / ncols
    if panel_cm < _MIN_PANEL_CM:
        raise ValueError(
            f"ncols={ncols} leaves panels {panel_cm:.1f} cm wide at {_PANELS_WIDTH_CM:g} cm: "
            f"too narrow to read; use at most {int(_PANELS_WIDTH_CM // _MIN_PANEL_CM)} "
            "(more groups make more rows)"
        )
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

        height_cm = _PANEL_HEIGHT_CM * nrows + 5.0  # title, shared labels and the legend
        fig = plt.figure(
            figsize=(_PANELS_WIDTH_CM / CM_PER_INCH, height_cm / CM_PER_INCH),
            layout="constrained",
        )
    elif fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=sharey, squeeze=False)
    flat = axes.ravel()
    for extra in flat[n:]:
        fig.delaxes(extra)
    grouped = {k: g for k, g in zip(keys, _split(data, by_cols, keys), strict=True)}
    title_size = max(MIN_TEXT_PT + 1, SMALL_SIZE)
    # the title shares the panel's width with the icons at its right
    icons_pt = _KEY_ICON_PT * (2.3 if "assurance" in data else 1.1)
    title_pt = _PANELS_WIDTH_CM / ncols / CM_PER_INCH * 72 - icons_pt - 24
    title_chars = max(10, int(title_pt / (0.55 * title_size)))
    states: list[str] = []
    for i, key in enumerate(keys):
        ax = flat[i]
        part = grouped[key]
        _draw_series(ax, part, compact=True, show_2sigma=False)
        _style_axes(ax, compact=True)
        _format_y(ax, result)
        ax.set_title(
            wrap(_key_text(key), title_chars),
            fontsize=title_size,
            loc="left",
            pad=4,
            color=TEXT_COLOUR,
        )
        _add_icons(ax, part.iloc[-1], size=_KEY_ICON_PT)
        states += _icon_states(part.iloc[-1])
        row, col = divmod(i, ncols)
        below = (row + 1) * ncols + col
        if below >= n:  # no panel underneath: this one shows the x tick labels
            ax.xaxis.set_tick_params(labelbottom=True)
    _format_x(flat[0], data["period"], compact=True)
    handles = _legend_handles(data, False, states, _centre_label(result))
    fontsize = max(MIN_TEXT_PT + 0.5, TICK_SIZE - 1.5)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=2,
        frameon=False,
        fontsize=fontsize,
        columnspacing=1.2,
        **_legend_options(handles, fontsize),
    )
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE, x=0.01, ha="left", color=TEXT_COLOUR)
    if ylabel or "measure" in result:
        fig.supylabel(_ylabel(result, ylabel), fontsize=LABEL_SIZE - 1, color=TEXT_COLOUR)
    draw_source_note(fig, source, result)
    return fig


def _split(data: pd.DataFrame, by: Sequence[str], keys: list[tuple[Any, ...]]):
    index = [tuple(k) for k in data[list(by)].to_numpy()]
    positions: dict[tuple[Any, ...], list[int]] = {}
    for pos, k in enumerate(index):
        positions.setdefault(k, []).append(pos)
    for key in keys:
        yield data.iloc[positions[key]].reset_index(drop=True)

"""Charts of the effect of a change: interrupted time series and event studies.

Interrupted time series (inputs from :mod:`coprod.timeseries.its`):

* :func:`its_chart_data` / :func:`plot_interrupted_time_series`: the observed months as
  points, the fitted model as a solid line, the counterfactual (the trend before carried
  on, no change) dashed after the change with its 95% interval shaded, and a vertical line
  at the change (its month in the legend).
* :func:`placebo_chart_data` / :func:`plot_placebo_check`: the estimate at each placebo
  date with its 95% interval (those excluding 1 in vermillion), the estimate at the real
  change highlighted, and a line at 1 (no effect).

Event studies (inputs from :mod:`coprod.timeseries.event_study`): :func:`event_study_data`
/ :func:`plot_event_study`, in their own section below.

Artists carry gids (the ``GID_*`` names) so that tests and users can find them. Nothing
is shown or saved here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import plural
from coprod.charts._style import (
    FIGURE_WIDTH,
    LABEL_SIZE,
    MUTED_COLOUR,
    OKABE_ITO,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
)
from coprod.provenance import keep_source

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.provenance import Source

__all__ = [
    "GID_ITS_CHANGE",
    "GID_ITS_COUNTERFACTUAL",
    "GID_ITS_COUNTERFACTUAL_BAND",
    "GID_ITS_FITTED",
    "GID_ITS_OBSERVED",
    "GID_PLACEBO_ACTUAL",
    "GID_PLACEBO_DATES",
    "GID_PLACEBO_NULL",
    "its_chart_data",
    "placebo_chart_data",
    "plot_interrupted_time_series",
    "plot_placebo_check",
]

# ------------------------------------------------------------------ interrupted time series

GID_ITS_OBSERVED = "its-observed"
GID_ITS_FITTED = "its-fitted"
GID_ITS_COUNTERFACTUAL = "its-counterfactual"
GID_ITS_COUNTERFACTUAL_BAND = "its-counterfactual-band"
GID_ITS_CHANGE = "its-change"

_ITS_COLUMNS = (
    "date",
    "observed",
    "fitted",
    "counterfactual",
    "counterfactual_low",
    "counterfactual_high",
    "after",
    "value",
    "change_date",
)
_OBSERVED_COLOUR = "#4D4D4D"
_FITTED_COLOUR = OKABE_ITO[0]  # blue
_COUNTERFACTUAL_COLOUR = OKABE_ITO[1]  # orange
_EXCLUDES_COLOUR = OKABE_ITO[5]  # vermillion


def _date_axis(ax: Axes) -> None:
    """Dates on the x axis as years (months where the span is short), never crowded."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _plot_data(data: Any) -> pd.DataFrame:
    """A result object's plot data, or the frame itself."""
    getter = getattr(data, "get_plot_data", None)
    return getter() if callable(getter) else data


def its_chart_data(data: Any) -> pd.DataFrame:
    """The frame :func:`plot_interrupted_time_series` draws: an
    :class:`~coprod.timeseries.its.ITSResult`'s ``get_plot_data()`` (or that frame),
    checked and sorted by date."""
    frame = _plot_data(data)
    require_columns(frame, _ITS_COLUMNS, what="interrupted time series plot data")
    if len(frame) == 0:
        raise ValueError("the interrupted time series plot data has no months to draw")
    return frame.sort_values("date").reset_index(drop=True)


def plot_interrupted_time_series(
    data: Any,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    ax: Axes | None = None,
    source: Source | str | None = None,
) -> Axes:
    """Observed months, the fitted model and the counterfactual after the change.

    ``data`` is an :class:`~coprod.timeseries.its.ITSResult` or its ``get_plot_data()``.
    Observed counts are grey points; the fitted model (trend, season, level and slope
    change) a solid blue line; after the change, the counterfactual (the model with no
    change: the trend before carried on) a dashed orange line with its 95% interval
    shaded; a dotted vertical line at the change (its month in the legend). ``ylabel``
    defaults to the value column's name "per month".

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Points have gid ``"its-observed"``, lines ``"its-fitted"``,
        ``"its-counterfactual"`` and ``"its-change"``, the band
        ``"its-counterfactual-band"``.
    """
    frame = its_chart_data(data)
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 3.9))
    dates = pd.DatetimeIndex(frame["date"])
    after = frame["after"].to_numpy(dtype=bool)
    change = pd.Timestamp(frame["change_date"].iloc[0])
    ax.scatter(
        dates,
        frame["observed"],
        s=16,
        color=_OBSERVED_COLOUR,
        alpha=0.75,
        zorder=3,
        label="Observed",
        gid=GID_ITS_OBSERVED,
    )
    # before and after as two lines: a level change is a step at the change, not a ramp
    # through the month before it
    split = int(np.argmax(after)) if after.any() else len(frame)
    for part, label in ((slice(0, split), "Fitted"), (slice(split, None), None)):
        ax.plot(
            dates[part],
            frame["fitted"].iloc[part],
            color=_FITTED_COLOUR,
            linewidth=2.0,
            zorder=4,
            label=label,
            gid=GID_ITS_FITTED,
        )
    # the counterfactual starts at the last month before the change, so it joins the line
    start = max(int(np.argmax(after)) - 1, 0)
    part = frame.iloc[start:]
    ax.fill_between(
        pd.DatetimeIndex(part["date"]),
        part["counterfactual_low"],
        part["counterfactual_high"],
        color=_COUNTERFACTUAL_COLOUR,
        alpha=0.2,
        linewidth=0,
        zorder=1,
        label="95% interval without the change",
        gid=GID_ITS_COUNTERFACTUAL_BAND,
    )
    ax.plot(
        pd.DatetimeIndex(part["date"]),
        part["counterfactual"],
        color=_COUNTERFACTUAL_COLOUR,
        linestyle="--",
        linewidth=2.0,
        zorder=2,
        label="Without the change",
        gid=GID_ITS_COUNTERFACTUAL,
    )
    ax.axvline(
        change,
        color=MUTED_COLOUR,
        linestyle=":",
        linewidth=1.5,
        zorder=0,
        label=f"The change: {change:%Y-%m}",
        gid=GID_ITS_CHANGE,
    )
    value = str(frame["value"].iloc[0])
    ax.set_ylabel(ylabel if ylabel is not None else f"{value} per month", fontsize=LABEL_SIZE)
    ax.set_xlabel("Month", fontsize=LABEL_SIZE)
    _date_axis(ax)
    ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left", color=TEXT_COLOUR)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=2,
        frameon=False,
        fontsize=TICK_SIZE - 0.5,
    )
    draw_source_note(ax, source, data)
    return ax


# ------------------------------------------------------------------ placebo check

GID_PLACEBO_DATES = "placebo-dates"
GID_PLACEBO_ACTUAL = "placebo-actual"
GID_PLACEBO_NULL = "placebo-null"

_PLACEBO_COLUMNS = ("date", "estimate", "low", "high", "excludes_one", "kind", "effect")


def placebo_chart_data(data: Any) -> pd.DataFrame:
    """The frame :func:`plot_placebo_check` draws: a
    :class:`~coprod.timeseries.its.PlaceboResult`'s ``get_plot_data()`` (or that frame),
    checked (one ``"actual"`` row) and sorted by date."""
    frame = _plot_data(data)
    require_columns(frame, _PLACEBO_COLUMNS, what="placebo check plot data")
    kinds = set(frame["kind"])
    if not kinds <= {"placebo", "actual"} or (frame["kind"] == "actual").sum() != 1:
        raise ValueError(
            "placebo check plot data needs rows of kind 'placebo' and exactly one 'actual' "
            "(PlaceboResult.get_plot_data() gives that)"
        )
    return frame.sort_values("date").reset_index(drop=True)


def plot_placebo_check(
    data: Any,
    *,
    title: str | None = None,
    ax: Axes | None = None,
    source: Source | str | None = None,
) -> Axes:
    """Estimates at placebo dates (no change there) beside the estimate at the real change.

    ``data`` is a :class:`~coprod.timeseries.its.PlaceboResult` or its
    ``get_plot_data()``. Each placebo date is a point with its 95% interval: grey when the
    interval includes 1, vermillion when it excludes 1 (an "effect" where there was no
    change); the real change is a larger blue diamond with its interval (month and
    estimate in the legend). A line marks 1 (no effect); the y axis is logarithmic, so a
    ratio and its inverse are equally far from 1. The default title counts the placebo
    "effects".

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Placebo points have gid ``"placebo-dates"`` (one collection per colour, the
        intervals ``"placebo-dates-interval"``), the real change ``"placebo-actual"``, the
        line at 1 ``"placebo-null"``.
    """
    frame = placebo_chart_data(data)
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 3.7))
    placebo = frame[frame["kind"] == "placebo"]
    actual = frame[frame["kind"] == "actual"].iloc[0]
    ax.axhline(1.0, color=MUTED_COLOUR, linewidth=1.2, zorder=0, gid=GID_PLACEBO_NULL)
    for excludes, colour, label in (
        (False, "#7B7D7D", "Placebo: interval includes 1"),
        (True, _EXCLUDES_COLOUR, "Placebo: interval excludes 1"),
    ):
        rows = placebo[placebo["excludes_one"].to_numpy(dtype=bool) == excludes]
        if len(rows) == 0:
            continue
        dates = pd.DatetimeIndex(rows["date"])
        ax.vlines(
            dates,
            rows["low"],
            rows["high"],
            color=colour,
            linewidth=1.2,
            alpha=0.8,
            gid=f"{GID_PLACEBO_DATES}-interval",
        )
        ax.scatter(
            dates,
            rows["estimate"],
            s=22,
            color=colour,
            zorder=3,
            label=label,
            gid=GID_PLACEBO_DATES,
        )
    when = pd.Timestamp(actual["date"])
    ax.vlines([when], [actual["low"]], [actual["high"]], color=_FITTED_COLOUR, linewidth=2.2)
    ax.scatter(
        [when],
        [actual["estimate"]],
        s=70,
        marker="D",
        color=_FITTED_COLOUR,
        zorder=4,
        label=f"Real change, {when:%Y-%m}: {actual['estimate']:.2f}",
        gid=GID_PLACEBO_ACTUAL,
    )
    ax.set_yscale("log")
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.yaxis.set_major_locator(FixedLocator(_ratio_ticks(*ax.get_ylim())))  # event-study's
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.2f}".rstrip("0").rstrip(".")))
    ax.yaxis.set_minor_locator(NullLocator())
    effect = str(frame["effect"].iloc[0])
    ax.set_ylabel(
        "Level ratio" if effect == "level" else "Trend ratio per year", fontsize=LABEL_SIZE
    )
    ax.set_xlabel("Date of the (placebo) change", fontsize=LABEL_SIZE)
    _date_axis(ax)
    ax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title is None:
        n_excl = int(placebo["excludes_one"].sum())
        title = (
            f"{n_excl} of {plural(len(placebo), 'placebo date')} "
            f"({n_excl / max(len(placebo), 1):.0%}) show an 'effect'\n"
            "(about 5% expected by chance)"
        )
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE - 1, loc="left", color=TEXT_COLOUR)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=2,
        frameon=False,
        fontsize=TICK_SIZE - 0.5,
    )
    draw_source_note(ax, source, data)
    return ax


# ------------------------------------------------------------------ event-study charts
# Effects of an event by time since it, from coprod.timeseries.event_study (issue 8).

__all__ += [
    "EVENT_STUDY_LABELS",
    "GID_EVENT_LINE",
    "GID_EVENT_INTERVALS",
    "GID_EVENT_NO_EFFECT",
    "GID_EVENT_POINTS",
    "GID_EVENT_REFERENCE",
    "GID_EVENT_TRUTH",
    "event_study_data",
    "plot_event_study",
]

#: gids set on the event-study chart's artists, so that tests and users can find them.
GID_EVENT_POINTS = "event-study-points"
GID_EVENT_INTERVALS = "event-study-intervals"
GID_EVENT_REFERENCE = "event-study-reference"
GID_EVENT_NO_EFFECT = "event-study-no-effect"
GID_EVENT_LINE = "event-study-event"
GID_EVENT_TRUTH = "event-study-truth"

#: Legend words for each estimator of :func:`coprod.timeseries.event_study.event_study`.
EVENT_STUDY_LABELS = {
    "interaction_weighted": "Interaction-weighted (Sun & Abraham)",
    "extended_twfe": "Extended TWFE (Wooldridge)",
    "naive_twfe": "Naive two-way fixed effects",
}
# tick values of the log rate-ratio axis, finest first: the finest set with 3 to 8 ticks
_RATIO_TICKS = (
    (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6),
    (0.5, 2 / 3, 0.8, 1.0, 1.25, 1.5, 2.0),
    (0.25, 0.5, 1.0, 2.0, 4.0),
    (0.1, 0.3, 1.0, 3.0, 10.0),
)


def event_study_data(results, *, labels=None):
    """The tidy frame :func:`plot_event_study` draws: each result's
    ``get_plot_data()`` with a ``label`` column.

    ``results``: one :class:`~coprod.timeseries.event_study.EventStudyResult`, a list of
    them, or a dict ``{label: result}``. ``labels``: the labels of a list (default: the
    estimator's name, :data:`EVENT_STUDY_LABELS`). All must bin event time alike.
    """
    import pandas as pd

    if isinstance(results, dict):
        labels, results = list(results), list(results.values())
    elif not isinstance(results, list | tuple):
        results = [results]
    results = list(results)
    if not results:
        raise ValueError("event_study_data needs at least one event-study result")
    if labels is None:
        labels = [EVENT_STUDY_LABELS.get(r.estimator, r.estimator) for r in results]
    labels = list(labels)
    if len(labels) != len(results) or len(set(labels)) != len(labels):
        raise ValueError(f"give one distinct label per result, not {labels!r}")
    frames = [
        r.get_plot_data().assign(label=label) for r, label in zip(results, labels, strict=True)
    ]
    data = keep_source(pd.concat(frames, ignore_index=True), results)
    if data["bin_label"].nunique() > 1:
        raise ValueError(
            "the results bin event time differently "
            f"({', '.join(data['bin_label'].unique())}): one chart needs one kind of bin"
        )
    return data


def _ratio_ticks(low: float, high: float) -> list[float]:
    for values in _RATIO_TICKS:
        ticks = [v for v in values if low <= v <= high]
        if 3 <= len(ticks) <= 8:
            return ticks
    return [v for v in _RATIO_TICKS[-1] if low <= v <= high] or [1.0]


def plot_event_study(
    data, *, truth=None, event_label="the event", title=None, ax=None, source=None
):
    """Effects by event time with their 95% intervals, on a log scale of rate ratios.

    ``data``: :func:`event_study_data`. One series per ``label`` (side by side when there
    are several); the reference bin (-1) is an open circle at 1 with no interval; a
    horizontal line marks no effect (1) and a dashed vertical line the event (between
    bins -1 and 0). ``truth``: optional frame with ``event_time`` and ``rate_ratio`` (e.g.
    ``coprod.synth.event_panel(...).truth_by_event_time``) drawn as a black line.
    ``event_label`` finishes the x axis label: "Quarters since <event_label>". ``title``
    (none by default) is drawn at the top left, as the other charts draw theirs.
    Returns the Axes; nothing is shown or saved.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    """
    import numpy as np
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from coprod._core.columns import require_columns
    from coprod.charts._style import (
        LABEL_SIZE,
        MUTED_COLOUR,
        TEXT_COLOUR,
        TICK_SIZE,
        TITLE_SIZE,
        get_ax,
        qualitative_colours,
    )

    require_columns(
        data,
        ["event_time", "role", "estimate", "low", "high", "label", "bin_label"],
        what="plot_event_study's data",
        hint="pass event_study_data(result)",
    )
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 4.2))
    series = list(dict.fromkeys(data["label"]))
    colours = qualitative_colours(len(series))
    offsets = np.linspace(-0.12, 0.12, len(series)) if len(series) > 1 else np.zeros(1)
    shown = []
    for label, colour, dx in zip(series, colours, offsets, strict=True):
        rows = data[data["label"] == label]
        est = rows[(rows["role"] != "reference") & rows["estimate"].notna()]
        x = est["event_time"].to_numpy(dtype=float) + dx
        y = est["estimate"].to_numpy(dtype=float)
        low = est["low"].to_numpy(dtype=float)
        high = est["high"].to_numpy(dtype=float)
        bars = ax.vlines(x, low, high, colors=colour, linewidth=1.6, zorder=3)
        bars.set_gid(GID_EVENT_INTERVALS)
        (points,) = ax.plot(
            x, y, "o", color=colour, markersize=5.5, zorder=4, label=label, linestyle="none"
        )
        points.set_gid(GID_EVENT_POINTS)
        ref = rows[rows["role"] == "reference"]
        if len(ref):
            (marker,) = ax.plot(
                ref["event_time"].to_numpy(dtype=float) + dx,
                np.ones(len(ref)),
                "o",
                markerfacecolor="white",
                markeredgecolor=colour,
                markersize=5.5,
                zorder=4,
                linestyle="none",
            )
            marker.set_gid(GID_EVENT_REFERENCE)
        shown.extend([low, high, y])
    if truth is not None:
        require_columns(truth, ["event_time", "rate_ratio"], what="plot_event_study's truth")
        ordered = truth.sort_values("event_time")
        (line,) = ax.plot(
            ordered["event_time"].to_numpy(dtype=float),
            ordered["rate_ratio"].to_numpy(dtype=float),
            color=TEXT_COLOUR,
            linewidth=1.2,
            linestyle=(0, (4, 2)),
            zorder=2,
            label="Planted effect",
        )
        line.set_gid(GID_EVENT_TRUTH)
        shown.append(ordered["rate_ratio"].to_numpy(dtype=float))
    no_effect = ax.axhline(1.0, color=MUTED_COLOUR, linewidth=1.0, zorder=1)
    no_effect.set_gid(GID_EVENT_NO_EFFECT)
    event_line = ax.axvline(-0.5, color=MUTED_COLOUR, linewidth=1.0, linestyle="--", zorder=1)
    event_line.set_gid(GID_EVENT_LINE)

    values = np.concatenate([v[np.isfinite(v)] for v in shown] + [np.array([1.0])])
    bottom, top = float(np.log(values.min())), float(np.log(values.max()))
    pad = (top - bottom) * 0.08 or 0.05
    entries = len(series) + (truth is not None) if len(series) > 1 or truth is not None else 0
    # a legend goes in the top left, in headroom kept free of points: a line per entry
    headroom = min(0.09 * entries, 0.45)
    span = (top - bottom + 2 * pad) / (1 - headroom)
    ax.set_yscale("log")
    ax.set_ylim(np.exp(bottom - pad), np.exp(bottom - pad + span))
    ax.yaxis.set_major_locator(FixedLocator(_ratio_ticks(*ax.get_ylim())))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.2f}".rstrip("0").rstrip(".")))
    ax.yaxis.set_minor_locator(NullLocator())

    bins = data["event_time"].to_numpy(dtype=int)
    first, last = int(bins.min()), int(bins.max())
    step = 1 if last - first <= 16 else 2 if last - first <= 32 else 4
    ax.set_xticks([b for b in range(first, last + 1) if b % step == 0])
    ax.set_xlim(first - 0.6, last + 0.6)
    bin_label = str(data["bin_label"].iloc[0])
    ax.set_xlabel(
        f"{bin_label[:1].upper()}{bin_label[1:]} since {event_label}", fontsize=LABEL_SIZE
    )
    ax.set_ylabel("Rate ratio (log scale)", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if entries:
        legend = ax.legend(loc="upper left", fontsize=TICK_SIZE, framealpha=1.0)
        legend.get_frame().set_linewidth(0)  # white box: the event line passes behind it
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left", color=TEXT_COLOUR)
    draw_source_note(ax, source, data)
    return ax

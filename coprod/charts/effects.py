"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__: list[str] = []


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
    data = pd.concat(frames, ignore_index=True)
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


def plot_event_study(data, *, truth=None, event_label="the event", ax=None):
    """Effects by event time with their 95% intervals, on a log scale of rate ratios.

    ``data``: :func:`event_study_data`. One series per ``label`` (side by side when there
    are several); the reference bin (-1) is an open circle at 1 with no interval; a
    horizontal line marks no effect (1) and a dashed vertical line the event (between
    bins -1 and 0). ``truth``: optional frame with ``event_time`` and ``rate_ratio`` (e.g.
    ``coprod.synth.event_panel(...).truth_by_event_time``) drawn as a black line.
    ``event_label`` finishes the x axis label: "Quarters since <event_label>".
    Returns the Axes; nothing is shown or saved.
    """
    import numpy as np
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from coprod._core.columns import require_columns
    from coprod.charts._style import (
        LABEL_SIZE,
        MUTED_COLOUR,
        TEXT_COLOUR,
        TICK_SIZE,
        get_ax,
        qualitative_colours,
    )

    require_columns(
        data,
        ["event_time", "role", "estimate", "low", "high", "label", "bin_label"],
        what="plot_event_study's data",
        hint="pass event_study_data(result)",
    )
    ax = get_ax(ax, figsize=(8.0, 5.0))
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
    return ax

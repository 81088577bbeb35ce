"""Arnstein's ladder as a chart: how far up the ladder engagement reaches.

``ladder_chart_data`` turns a :func:`coprod.engagement.highest_rungs` table into the bars
drawn; ``plot_ladder`` draws them as a ladder, rung 8 at the top, coloured by Arnstein's
three groups, with the respondents who ticked no City-led activity set apart at the foot.
When the table splits consultation by when residents were consulted
(``highest_rungs(..., timing=...)``), that rung's bar is stacked: consulted before a plan
was made, on proposals, both, or through activities with no timing recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.patches import Patch

from coprod.charts._style import (
    ANNOT_SIZE,
    FIGURE_WIDTH,
    LABEL_SIZE,
    MUTED_COLOUR,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    fit_to_figure,
    get_ax,
)

__all__ = ["ladder_chart_data", "plot_ladder"]


if TYPE_CHECKING:  # Axes and Text are heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.provenance import Source

GROUP_COLOURS = {
    "none": "#D9D9D9",
    "Non-participation": "#D55E00",
    "Tokenism": "#E69F00",
    "Citizen power": "#009E73",
}


TIMING_HATCHES = {
    "before a plan is made": "",
    "on proposals": "////",
    "both": "xxxx",
    "not recorded": "....",
}
"""How each part of a consultation bar split by timing is drawn (over the group colour)."""

TIMING_LABELS = {
    "before a plan is made": "before a plan was made",
    "on proposals": "on proposals",
    "both": "both",
    "not recorded": "timing not recorded",
}


def ladder_chart_data(highest: pd.DataFrame) -> pd.DataFrame:
    """The bars of :func:`plot_ladder`: ``rung, label, group, timing, share, n, y, left,
    colour, hatch``.

    ``y`` is the bar's position: rung ``r`` at ``y = r``, the no-rung row at ``y = -0.5``.
    A rung split by timing has one row per part, stacked from ``left`` (in % of
    respondents); ``timing`` is missing on unsplit bars.
    """
    required = {"rung", "name", "group", "share", "n"}
    missing = required - set(highest.columns)
    if missing:
        raise KeyError(f"a highest_rungs() table is needed; missing columns {sorted(missing)}")
    table = highest if "timing" in highest else highest.assign(timing=None)
    out = table[["rung", "name", "group", "timing", "share", "n"]].copy()
    out["label"] = [
        f"{r}. {name}" if r > 0 else name[:1].upper() + name[1:]
        for r, name in zip(out["rung"], out["name"], strict=True)
    ]
    out["y"] = out["rung"].astype(float).where(out["rung"] > 0, -0.5)
    unknown = set(out["group"]) - set(GROUP_COLOURS)
    if unknown:
        raise ValueError(f"unknown ladder groups {sorted(unknown)}")
    unknown_timing = set(out["timing"].dropna()) - set(TIMING_HATCHES)
    if unknown_timing:
        raise ValueError(f"unknown consultation timings {sorted(unknown_timing)}")
    out["colour"] = out["group"].map(GROUP_COLOURS)
    out["hatch"] = out["timing"].map(TIMING_HATCHES).fillna("")
    out["left"] = out.groupby("y", sort=False)["share"].cumsum().sub(out["share"]) * 100
    columns = ["rung", "label", "group", "timing", "share", "n", "y", "left", "colour", "hatch"]
    return out[columns].reset_index(drop=True)


def plot_ladder(
    highest: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    source: Source | str | None = None,
) -> Axes:
    """Horizontal bars up the ladder: the share of respondents whose highest rung is each.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    """
    bars = ladder_chart_data(highest)
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 4.4))
    ax.barh(
        bars["y"],
        bars["share"] * 100,
        left=bars["left"],
        color=bars["colour"],
        hatch=list(bars["hatch"]),
        edgecolor="white",
        linewidth=0.6,
        height=0.7,
        gid="ladder-bar",
    )
    rows = bars.groupby(["y", "label"], sort=False, as_index=False)[["share", "n"]].sum()
    for y, share, n in zip(rows["y"], rows["share"], rows["n"], strict=True):
        ax.text(
            share * 100 + 0.8,
            y,
            f"{share:.0%} (n = {n:,})",
            va="center",
            fontsize=ANNOT_SIZE,
            color=TEXT_COLOUR,
        )
    ax.set_yticks(rows["y"], rows["label"], fontsize=TICK_SIZE)
    ax.set_ylim(-1.2, 8.6)
    ax.set_xlim(0, max(rows["share"].max() * 100 * 1.3, 10))
    ax.axhline(0.25, color=MUTED_COLOUR, lw=0.8, ls=":")
    ax.set_xlabel(
        "% of respondents (highest rung among the activities they ticked)", fontsize=LABEL_SIZE
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.grid(False)  # each bar says its value; a style's grid would run through the labels
    handles = [
        Patch(color=GROUP_COLOURS[g], label=g if g != "none" else "no City-led activity")
        for g in ("Citizen power", "Tokenism", "Non-participation", "none")
        if g in set(bars["group"])
    ]
    timings = [t for t in TIMING_HATCHES if t in set(bars["timing"].dropna())]
    if timings:
        # in the empty lower right of the ladder, clear of the consultation bar's label;
        # kept as an artist so the groups' legend stays the Axes' legend (laid out)
        consultation = GROUP_COLOURS["Tokenism"]
        timing_legend = ax.legend(
            handles=[
                Patch(
                    facecolor=consultation,
                    edgecolor="white",
                    hatch=TIMING_HATCHES[t],
                    label=TIMING_LABELS[t],
                )
                for t in timings
            ],
            loc="lower right",
            bbox_to_anchor=(1.0, 0.14),
            frameon=False,
            fontsize=ANNOT_SIZE,
            title="Consulted when",
            title_fontsize=ANNOT_SIZE,
        )
        ax.add_artist(timing_legend)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=ANNOT_SIZE,
        title="Arnstein's groups",
        title_fontsize=ANNOT_SIZE,
    )
    title = title or "How far up Arnstein's ladder does engagement reach?"
    # the rung labels push the bars right: a long title is wrapped within the figure
    fit_to_figure(ax.set_title(title, fontsize=TITLE_SIZE), title)
    draw_source_note(ax, source, highest)
    return ax

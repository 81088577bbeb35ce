"""Arnstein's ladder as a chart: how far up the ladder engagement reaches.

``ladder_chart_data`` turns a :func:`coprod.engagement.highest_rungs` table into the bars
drawn; ``plot_ladder`` draws them as a ladder, rung 8 at the top, coloured by Arnstein's
three groups, with the respondents who ticked no City-led activity set apart at the foot.
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


def ladder_chart_data(highest: pd.DataFrame) -> pd.DataFrame:
    """The bars of :func:`plot_ladder`: ``rung, label, group, share, n, y, colour``.

    ``y`` is the bar's position: rung ``r`` at ``y = r``, the no-rung row at ``y = -0.5``.
    """
    required = {"rung", "name", "group", "share", "n"}
    missing = required - set(highest.columns)
    if missing:
        raise KeyError(f"a highest_rungs() table is needed; missing columns {sorted(missing)}")
    out = highest[["rung", "name", "group", "share", "n"]].copy()
    out["label"] = [
        f"{r}. {name}" if r > 0 else name[:1].upper() + name[1:]
        for r, name in zip(out["rung"], out["name"], strict=True)
    ]
    out["y"] = out["rung"].astype(float).where(out["rung"] > 0, -0.5)
    unknown = set(out["group"]) - set(GROUP_COLOURS)
    if unknown:
        raise ValueError(f"unknown ladder groups {sorted(unknown)}")
    out["colour"] = out["group"].map(GROUP_COLOURS)
    return out[["rung", "label", "group", "share", "n", "y", "colour"]].reset_index(drop=True)


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
    ax.barh(bars["y"], bars["share"] * 100, color=bars["colour"], height=0.7, gid="ladder-bar")
    for y, share, n in zip(bars["y"], bars["share"], bars["n"], strict=True):
        ax.text(
            share * 100 + 0.8,
            y,
            f"{share:.0%} (n = {n:,})",
            va="center",
            fontsize=ANNOT_SIZE,
            color=TEXT_COLOUR,
        )
    ax.set_yticks(bars["y"], bars["label"], fontsize=TICK_SIZE)
    ax.set_ylim(-1.2, 8.6)
    ax.set_xlim(0, max(bars["share"].max() * 100 * 1.3, 10))
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
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=ANNOT_SIZE,
        title="Arnstein's groups",
        title_fontsize=ANNOT_SIZE,
    )
    ax.set_title(
        title or "How far up Arnstein's ladder does engagement reach?", fontsize=TITLE_SIZE
    )
    draw_source_note(ax, source, highest)
    return ax

"""Diverging stacked bars for Likert items, with weighting and explicit neutral handling.

:func:`likert_table` turns wide survey responses (one row per respondent, one column
per item) into a tidy table of (weighted) shares and bar extents; :func:`plot_likert`
draws that table and recomputes nothing.

The middle level of an odd-length scale is the *neutral* level. How it is treated is
always explicit (``neutral=``):

``"split"``
    the neutral bar is centred on zero, half of it on each side; negative levels
    stack leftwards from ``-neutral/2``, positive ones rightwards from ``+neutral/2``.
``"separate"``
    negative and positive bars meet at zero; neutral answers keep their share of
    the denominator but are drawn in their own panel to the right.
``"exclude"``
    neutral answers are dropped from the denominator (and from the table); shares
    are of respondents who took a side. ``n`` counts those respondents and
    ``n_neutral`` says how many neutral answers were excluded.

For an even-length scale there is no neutral level and the three modes coincide.

Reverse-worded statements ("Some participants have less influence than others") are
drawn as they were asked and answered: agreeing with such a statement is on the agree
side, however critical it is. Direction is aligned only in the derived score:
``reverse=`` names those items, and their ``net_score`` (net agreement reversed for the
score) has the opposite sign of their ``net``. Answers already reverse-coded by
:func:`coprod.io.survey.align_reverse_worded` are refused: drawn against the statement's
own wording they would read backwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory, offset_copy

from coprod._core.columns import require_columns
from coprod.charts._style import (
    FIGURE_WIDTH,
    GRID_LINE_COLOUR,
    LABEL_SIZE,
    MUTED_COLOUR,
    SMALL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    diverging_colours,
    draw_source_note,
    fit_to_figure,
    get_ax,
    text_colour_for,
    wrap,
)
from coprod.provenance import keep_source

if TYPE_CHECKING:  # Axes and Text are heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.provenance import Source

__all__ = ["NEUTRAL_MODES", "likert_table", "plot_likert"]

NEUTRAL_MODES: tuple[str, ...] = ("split", "separate", "exclude")

TABLE_COLUMNS: tuple[str, ...] = (
    "item",
    "label",
    "level",
    "level_index",
    "side",
    "share",
    "start",
    "end",
    "n",
    "weighted",
    "neutral",
    "n_neutral",
    "net",
    "reversed_for_score",
    "net_score",
)


def _level_sides(n_levels: int) -> list[str]:
    mid = n_levels / 2 - 0.5  # fractional for even scales: no level is neutral
    return [
        "negative" if i < mid else ("positive" if i > mid else "neutral") for i in range(n_levels)
    ]


def _codes(values: pd.Series, item: Hashable, index: Mapping[Hashable, int]) -> pd.Series:
    """Scale positions of one item's answers (NaN for no answer); unknown labels raise."""
    raw = values.astype(object)
    missing = raw.isna()
    codes = pd.Series(np.nan, index=raw.index, dtype=float)
    for value in pd.unique(raw[~missing]):
        try:
            pos = index[value]
        except (KeyError, TypeError):
            raise ValueError(
                f"item {item!r}: value {value!r} is not a level of the scale {tuple(index)}"
            ) from None
        codes[(raw == value) & ~missing] = pos
    return codes


def likert_table(
    responses: pd.DataFrame,
    *,
    items: Sequence[Hashable],
    scale: Sequence[Hashable],
    neutral: Literal["split", "separate", "exclude"] = "split",
    weight: Hashable | None = None,
    labels: Mapping[Hashable, str] | None = None,
    order: Literal["net", "given"] | Sequence[Hashable] = "net",
    n_from_weights: bool = False,
    reverse: Sequence[Hashable] = (),
) -> pd.DataFrame:
    """Tidy (weighted) shares and diverging bar extents for Likert items.

    Parameters
    ----------
    responses
        Wide frame: one row per respondent, one column per item. Answers are labels
        of ``scale`` (strings, numbers or an ordered Categorical); missing values
        mean "no answer" and are left out of that item's denominator.
    items
        The item columns, in the "given" order.
    scale
        Ordered levels from most negative to most positive, odd or even length. The
        middle level of an odd scale is neutral.
    neutral
        ``"split"``, ``"separate"`` or ``"exclude"`` (see the module docstring).
    weight
        Optional column of non-negative survey weights; shares are then weighted
        sums over the weight of answering respondents. ``n`` stays a head count.
    labels
        Optional ``{item: display label}``; default the item name.
    order
        ``"net"`` (default) sorts items by net agreement, highest first (ties keep
        the given order); ``"given"`` keeps ``items`` order; or a sequence that is
        a permutation of ``items``.
    n_from_weights
        Take ``n`` and ``n_neutral`` as the (rounded) sum of the weights instead of
        a head count of rows: for weights that count respondents, as in a published
        table read by :func:`coprod.io.read_survey_table` (weight = share x base, one
        row per item and answer). Needs ``weight``.
    reverse
        Items worded so that agreeing is unfavourable (e.g. ``data.attrs["reverse_worded"]``
        from :func:`coprod.io.read_survey`). Their answers are tabulated and drawn as
        given; only ``net_score`` is reversed for them.

    Returns
    -------
    DataFrame
        One row per item and drawn level, items in plotting order (top first),
        levels by ``level_index``. Columns:

        ``item, label``; ``level`` (the scale label) and ``level_index`` (0 = most
        negative); ``side`` ("negative", "neutral" or "positive"); ``share`` (a
        proportion 0..1 of the item's denominator); ``start, end`` (the bar's
        extents in percent on the diverging axis, ``start <= end``, negative to
        the left; with ``neutral="separate"`` the neutral bar's extents are on its
        own panel, ``0..share*100``); ``n`` (respondents in the denominator);
        ``weighted`` (bool); ``neutral`` (the mode used); ``n_neutral`` (neutral
        answers to the item: excluded from ``n`` and from the table when
        ``neutral="exclude"``, 0 for an even scale); ``net`` (positive minus
        negative share, in percentage points, as answered); ``reversed_for_score``
        (bool: the item is in ``reverse``); ``net_score`` (``net``, with the sign
        reversed for the score on reverse-worded items, so that higher is more
        favourable on every item: for comparing or combining items, not for drawing).

    Raises
    ------
    ValueError
        On an unknown neutral mode, a missing column, duplicated scale levels, a
        value that is not in ``scale`` (the message names the item and value),
        negative / missing weights, ``reverse`` naming an item not in ``items``, or
        items holding answers reverse-coded by ``align_reverse_worded``.
    """
    if neutral not in NEUTRAL_MODES:
        raise ValueError(f"neutral must be one of {NEUTRAL_MODES}, not {neutral!r}")
    if isinstance(items, str):
        items = [items]
    items = list(items)
    if not items:
        raise ValueError("items is empty")
    if len(set(items)) != len(items):
        raise ValueError("items contains duplicates")
    scale = tuple(scale)
    if len(scale) < 2:
        raise ValueError("scale needs at least two levels")
    if len(set(scale)) != len(scale):
        raise ValueError(f"scale has duplicated levels: {scale}")
    missing_cols = [c for c in items if c not in responses.columns]
    if missing_cols:
        raise ValueError(f"items not in responses: {missing_cols}")
    reverse = [reverse] if isinstance(reverse, str) else list(reverse)
    not_items = [r for r in reverse if r not in items]
    if not_items:
        raise ValueError(f"reverse= names {not_items}, which are not in items {items}")
    recoded = set(responses.attrs.get("reverse_coded", ()))
    reversed_answers = [item for item in items if item in recoded]
    if reversed_answers:
        raise ValueError(
            f"items {reversed_answers} hold reverse-coded answers (align_reverse_worded); "
            "a Likert chart shows the answers as given to each statement as worded: pass "
            "the answers as read, and name the reverse-worded items in reverse= to reverse "
            "them in net_score only"
        )
    labels = dict(labels or {})
    unknown_labels = set(labels) - set(items)
    if unknown_labels:
        raise ValueError(f"labels given for unknown items: {sorted(map(str, unknown_labels))}")

    if n_from_weights and weight is None:
        raise ValueError("n_from_weights=True needs weight= (the column of respondent counts)")
    if weight is None:
        weights = pd.Series(1.0, index=responses.index)
    else:
        if weight not in responses.columns:
            raise ValueError(f"weight column {weight!r} not in responses")
        weights = pd.to_numeric(responses[weight], errors="coerce").astype(float)
        if weights.isna().any() or not np.isfinite(weights).all():
            raise ValueError(f"weight column {weight!r} has missing or non-numeric values")
        if (weights < 0).any():
            raise ValueError(f"weight column {weight!r} has negative values")

    n_levels = len(scale)
    sides = _level_sides(n_levels)
    neutral_index = (n_levels // 2) if n_levels % 2 else None
    position = {level: i for i, level in enumerate(scale)}

    rows: list[dict] = []
    nets: dict[Hashable, float] = {}
    for item in items:
        codes = _codes(responses[item], item, position)
        answered = codes.notna()
        if neutral_index is None:
            n_neutral = 0
        elif n_from_weights:
            n_neutral = int(round(float(weights[codes == neutral_index].sum())))
        else:
            n_neutral = int((codes == neutral_index).sum())
        used = answered.copy()
        if neutral == "exclude" and neutral_index is not None:
            used &= codes != neutral_index
        denom = float(weights[used].sum())
        n = int(round(denom)) if n_from_weights else int(used.sum())
        shares = np.full(n_levels, np.nan)
        if denom > 0:
            for i in range(n_levels):
                shares[i] = float(weights[used & (codes == i)].sum()) / denom

        pct = shares * 100
        centre = 0.0
        if neutral == "split" and neutral_index is not None:
            centre = pct[neutral_index] / 2
        extents: dict[int, tuple[float, float]] = {}
        cum = 0.0
        for i in reversed([i for i, s in enumerate(sides) if s == "negative"]):
            end = -centre - cum
            extents[i] = (end - pct[i], end)
            cum += pct[i]
        cum = 0.0
        for i in [i for i, s in enumerate(sides) if s == "positive"]:
            start = centre + cum
            extents[i] = (start, start + pct[i])
            cum += pct[i]
        if neutral_index is not None:
            if neutral == "split":
                extents[neutral_index] = (-centre, centre)
            elif neutral == "separate":
                extents[neutral_index] = (0.0, pct[neutral_index])

        pos_share = sum(shares[i] for i, s in enumerate(sides) if s == "positive")
        neg_share = sum(shares[i] for i, s in enumerate(sides) if s == "negative")
        nets[item] = float((pos_share - neg_share) * 100)
        for i, level in enumerate(scale):
            if i not in extents:  # the neutral level under "exclude"
                continue
            rows.append(
                {
                    "item": item,
                    "label": str(labels.get(item, item)),
                    "level": level,
                    "level_index": i,
                    "side": sides[i],
                    "share": float(shares[i]),
                    "start": float(extents[i][0]) + 0.0,  # + 0.0 turns -0.0 into 0.0
                    "end": float(extents[i][1]) + 0.0,
                    "n": n,
                    "weighted": weight is not None,
                    "neutral": neutral,
                    "n_neutral": n_neutral,
                    "net": nets[item],
                    "reversed_for_score": item in reverse,
                    # reverse-coding a scale swaps its sides, so the net changes sign
                    "net_score": -nets[item] if item in reverse else nets[item],
                }
            )

    if isinstance(order, str):
        if order == "given":
            ordered = items
        elif order == "net":
            given = {item: k for k, item in enumerate(items)}
            ordered = sorted(
                items,
                key=lambda it: (np.isnan(nets[it]), -np.nan_to_num(nets[it]), given[it]),
            )
        else:
            raise ValueError(f"order must be 'net', 'given' or a sequence of items, not {order!r}")
    else:
        ordered = list(order)
        if len(ordered) != len(items) or set(ordered) != set(items):
            raise ValueError("order must be a permutation of items")

    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    rank = {item: k for k, item in enumerate(ordered)}
    table = (
        table.assign(_rank=table["item"].map(rank))
        .sort_values(["_rank", "level_index"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    return keep_source(table, responses)


def _resolve_palette(palette, levels: list[tuple[int, Hashable]], n_scale: int) -> dict[int, str]:
    """Map level_index -> colour."""
    if palette is None:
        colours = diverging_colours(n_scale)
        return {i: colours[i] for i, _ in levels}
    if isinstance(palette, str):
        import matplotlib as mpl

        cmap = mpl.colormaps[palette]
        values = np.linspace(0.08, 0.92, n_scale)
        return {i: to_hex(cmap(values[i])) for i, _ in levels}
    if isinstance(palette, Mapping):
        missing = [lvl for _, lvl in levels if lvl not in palette]
        if missing:
            raise ValueError(f"palette has no colour for levels {missing}")
        return {i: to_hex(palette[lvl]) for i, lvl in levels}
    colours = list(palette)
    if len(colours) != n_scale:
        raise ValueError(
            f"palette needs {n_scale} colours (one per scale level), got {len(colours)}"
        )
    return {i: to_hex(colours[i]) for i, _ in levels}


def _nice_limit(value: float, floor: float = 10.0) -> float:
    """Round a percentage up to a tidy axis limit (multiple of 10, at most 100)."""
    if not np.isfinite(value) or value <= 0:
        return floor
    return float(min(100.0, max(floor, np.ceil((value + 1.0) / 10.0) * 10.0)))


def plot_likert(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette=None,
    show_values: bool = True,
    min_label_share: float = 0.08,
    title: str | None = None,
    label_width: int = 34,
    source: Source | str | None = None,
) -> Axes:
    """Diverging horizontal stacked bars from a :func:`likert_table` result.

    Items are drawn top to bottom in the table's order; negative levels extend left
    of the zero line and positive levels right. With ``neutral="split"`` the neutral
    bar straddles zero; with ``"separate"`` it is drawn in a narrow panel to the
    right (an inset Axes, ``ax.child_axes[0]``) on the same percent scale, headed by
    the neutral level's name; with ``"exclude"`` it is absent and the x axis label
    says so.

    Parameters
    ----------
    table
        Output of :func:`likert_table` (needs at least ``item, level, level_index,
        side, share, start, end``).
    palette
        None (ColorBrewer BrBG with a grey neutral, colour-blind safe), a colormap
        name, a sequence with one colour per scale level, or ``{level: colour}``.
    show_values
        Write the percentage on bars whose share is at least ``min_label_share``.
    title
        Axes title (none by default).
    label_width
        Wrap item labels at this many characters.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        One bar container per drawn level, labelled with the level.
    """
    require_columns(
        table,
        ["item", "level", "level_index", "side", "share", "start", "end"],
        what="table",
        hint="make it with likert_table()",
    )
    if table.empty:
        raise ValueError("table is empty")

    items = list(pd.unique(table["item"]))
    first = table.drop_duplicates("item").set_index("item")
    levels = [
        (int(i), lvl)
        for i, lvl in table[["level_index", "level"]]
        .drop_duplicates("level_index")
        .sort_values("level_index")
        .itertuples(index=False)
    ]
    if "neutral" in table.columns:
        mode = str(table["neutral"].iloc[0])
    else:
        neu = table[table["side"] == "neutral"]
        mode = "split" if (neu.empty or np.allclose(neu["start"], -neu["end"])) else "separate"
    n_scale = max(i for i, _ in levels) + 1
    colours = _resolve_palette(palette, levels, n_scale)

    separate = mode == "separate" and (table["side"] == "neutral").any()
    main = table[~((table["side"] == "neutral") & separate)]
    neutral_rows = table[(table["side"] == "neutral")] if separate else table.iloc[0:0]

    # Item labels first: their line count sets the figure height.
    ticklabels = []
    for item in items:
        label = first.loc[item, "label"] if "label" in first.columns else item
        text = wrap(label, label_width)
        if "n" in first.columns and pd.notna(n := first.loc[item, "n"]):
            # on the label's last line when it fits: a line fewer per item keeps the chart
            # within a screen's height
            n_text = f"(n = {int(n)})"
            fits = len(text.rsplit("\n", 1)[-1]) + 1 + len(n_text) <= label_width
            text += (" " if fits else "\n") + n_text
        if pd.isna(table.loc[table["item"] == item, "share"]).all():
            text += "\n(no answers)"
        ticklabels.append(text)
    max_lines = max((t.count("\n") + 1 for t in ticklabels), default=1)
    per_item = max(0.5, 0.14 * max_lines + 0.14)
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 1.9 + per_item * len(items)))
    fig = ax.figure
    ypos = {item: k for k, item in enumerate(items)}

    def draw(target: Axes, rows: pd.DataFrame) -> None:
        for i, level in levels:
            sub = rows[(rows["level_index"] == i) & rows["share"].notna()]
            if sub.empty:
                continue
            colour = colours[i]
            target.barh(
                sub["item"].map(ypos).to_numpy(),
                (sub["end"] - sub["start"]).to_numpy(),
                left=sub["start"].to_numpy(),
                height=0.68,
                color=colour,
                edgecolor="white",
                linewidth=0.8,
                label=str(level),
                zorder=2,
            )
            if show_values:
                ink = text_colour_for(colour)
                for r in sub.itertuples(index=False):
                    if r.share >= min_label_share:
                        target.text(
                            (r.start + r.end) / 2,
                            ypos[r.item],
                            f"{r.share * 100:.0f}%",
                            ha="center",
                            va="center",
                            fontsize=SMALL_SIZE + 0.5,
                            color=ink,
                            zorder=3,
                        )

    draw(ax, main)

    # Symmetric limits for the diverging bars.
    extent = np.nanmax(np.abs(main[["start", "end"]].to_numpy(dtype=float)), initial=0.0)
    limit = _nice_limit(float(extent))
    locator = MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10], symmetric=True)
    ticks = [float(t) for t in locator.tick_values(-limit, limit) if -limit <= t <= limit]
    tick_labels = [f"{abs(t):.0f}%" for t in ticks]
    right = limit
    if separate:
        # The neutral bars sit in their own region right of the diverging bars, on the
        # same percent scale, starting at ``offset``.
        nmax = _nice_limit(float(np.nanmax(neutral_rows["end"].to_numpy(dtype=float), initial=0)))
        offset = limit + max(0.2 * limit, 12.0)
        shifted = neutral_rows.assign(
            start=neutral_rows["start"] + offset, end=neutral_rows["end"] + offset
        )
        draw(ax, shifted)
        right = offset + nmax
        nticks = [0.0, nmax / 2, nmax] if nmax >= 40 else [0.0, nmax]
        ticks += [offset + t for t in nticks]
        tick_labels += [f"{t:.0f}%" for t in nticks]
        ax.axvline(offset, color=MUTED_COLOUR, linewidth=1.0, zorder=4)
        ax.axvspan(limit, offset, color="white", zorder=1.5, linewidth=0)
        ax.text(
            offset + nmax / 2,
            1.0,
            wrap(neutral_rows["level"].iloc[0], 18),
            transform=blended_transform_factory(ax.transData, ax.transAxes),
            ha="center",
            va="bottom",
            fontsize=TICK_SIZE,
            color=MUTED_COLOUR,
            style="italic",
            gid="likert-neutral-heading",
        )
    ax.set_xlim(-limit, right)
    ax.set_xticks(ticks, tick_labels)
    ax.axvline(0, color=TEXT_COLOUR, linewidth=1.1, zorder=4)
    ax.xaxis.grid(True, color=GRID_LINE_COLOUR, alpha=0.35, linewidth=0.7)
    ax.yaxis.grid(False)  # a style's grid along the items would cross their labels
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    ax.set_yticks(range(len(items)), ticklabels, fontsize=TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=TICK_SIZE - 0.5)
    ax.set_ylim(len(items) - 0.5, -0.5)

    xlabel = "% of respondents"
    notes = []
    if "weighted" in table.columns and bool(table["weighted"].any()):
        notes.append("weighted")
    if mode == "exclude" and n_scale % 2 == 1:
        notes.append("neutral answers excluded")
    if notes:
        xlabel += f" ({'; '.join(notes)})"
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)

    handles = sorted(
        ax.containers,
        key=lambda h: next(i for i, lvl in levels if str(lvl) == h.get_label()),
    )
    n_chars = sum(len(h.get_label()) + 6 for h in handles)
    max_chars = fig.get_figwidth() * 11
    ncol = len(handles) if n_chars <= max_chars else int(np.ceil(len(handles) / 2))
    ax.legend(
        handles=handles,
        labels=[h.get_label() for h in handles],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        # centred on the figure: long item labels push the Axes right of centre
        bbox_transform=offset_copy(
            blended_transform_factory(fig.transFigure, ax.transAxes), fig=fig, y=-44, units="points"
        ),
        ncol=max(1, ncol),
        frameon=False,
        fontsize=TICK_SIZE - 0.5,
        handlelength=1.4,
        columnspacing=1.4,
    )
    if title:
        title_text = ax.set_title(
            title, fontsize=TITLE_SIZE, loc="left", pad=26 if separate else 10
        )
        fit_to_figure(title_text, title)  # long item labels leave the title less than 16 cm
    draw_source_note(ax, source, table)
    return ax

"""Charts of Bovaird's (2007) planning x delivery grid.

Three charts share one background (:func:`_draw_grid_background`): a 3 x 3 grid
with *who plans* across (professionals left, community right), *who delivers* down
(professionals at the top, as in Bovaird's table), each cell's name drawn faintly
in the cell and Arnstein's (1969) ladder groups under the planning axis.

* :func:`plot_grid` places services (means with 95% interval whiskers),
  data from :func:`grid_chart_data`;
* :func:`plot_movement` draws arrows from one wave's position to the next,
  data from :func:`movement_chart_data`;
* :func:`plot_cell_shares` is a heat map of the share of respondents in each of
  the nine cells, data from :func:`cell_shares_chart_data`.

Inputs are the outputs of :func:`coprod.grid.place_services`,
:func:`coprod.grid.movement` and :func:`coprod.grid.cell_shares`. Cell names come
from :func:`coprod.grid.cells`; the four cells the blog post leaves blank are drawn
as "(unnamed)" unless named through ``names={(planning, delivery): name}``.

:func:`plot_practices` lists a catalogue's practices (``load_dataset("practices")``)
in their cells, data from :func:`practices_chart_data`: the post's closing question,
which practices fill the squares, answered on the grid itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.transforms import blended_transform_factory

from coprod._core.columns import group_columns, require_columns
from coprod._core.text import join_words, plural
from coprod.charts._labels import GID_LABEL_LEADER as GID_LABEL_LEADER  # re-exported for tests
from coprod.charts._labels import LabelPlacer, PlacedLabel
from coprod.charts._style import (
    ANNOT_SIZE,
    FIGURE_WIDTH,
    GRID_LINE_COLOUR,
    LABEL_SIZE,
    MUTED_COLOUR,
    OKABE_ITO,
    SEQUENTIAL_CMAP,
    SMALL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    fit_to_figure,
    get_ax,
    qualitative_colours,
    wrap,
)
from coprod.grid import (
    DELIVERY_LEVELS,
    PLANNING_LEVELS,
    cell_name,
    cell_of,
    cells,
    describe_cell,
    planning_rungs,
    to_codes,
)
from coprod.vocab import ORGANISATION_KINDS

if TYPE_CHECKING:  # Axes and Text are heavy to import and only annotate here
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    from coprod.provenance import Source

__all__ = [
    "cell_shares_chart_data",
    "co_planning_chart_data",
    "grid_chart_data",
    "movement_chart_data",
    "ORGANISATION_MARKERS",
    "plot_cell_shares",
    "plot_grid",
    "plot_co_planning",
    "plot_movement",
    "plot_practices",
    "practices_chart_data",
]

Scheme = Literal["named", "descriptive"]
Names = Mapping[tuple[Any, Any], str] | None

UNNAMED = "(unnamed)"
#: gids set on artists so that tests and users can find them.
GID_CELL_NAME = "grid-cell-name"
GID_LADDER = "grid-arnstein"
GID_POINT_LABEL = "grid-point-label"
GID_MOVEMENT_ARROW = "grid-movement-arrow"

# Light column tints, stronger with more citizen power (lightness only: colour-blind safe).
_COLUMN_TINTS = ("#F4F4F4", "#E6EEF6", "#D5E3F0")
_LADDER_EDGES = ("#BDBDBD", "#9DB6CF", "#7E9FC0")
_PLACEMENT_COLUMNS = (
    "service",
    "planning",
    "delivery",
    "planning_low",
    "planning_high",
    "delivery_low",
    "delivery_high",
)
_MOVEMENT_COLUMNS = (
    "service",
    "wave_from",
    "wave_to",
    "planning_from",
    "delivery_from",
    "planning_to",
    "delivery_to",
    "moved",
)
_SHARE_COLUMNS = ("service", "planning", "delivery", "share")

#: Marker of each main delivering organisation on :func:`plot_grid` (``place_services(...,
#: organisation=...)``): shapes, so that the colours stay free for ``hue=``; the diamond
#: stays the highlight's.
ORGANISATION_MARKERS: Mapping[str, str] = MappingProxyType(
    dict(zip(ORGANISATION_KINDS, ("o", "s", "*", "^", "v", "P"), strict=True))
)
_NO_ORGANISATION = "none named"
_NO_ORGANISATION_MARKER = "."
# drawn larger, so that they read as large as the others: a point, a star
_MARKER_GROWTH = {".": 4.0, "*": 3.0}


# --------------------------------------------------------------------------- helpers


def _labels(frame: pd.DataFrame, label: str | Sequence[str] | None) -> pd.Series:
    """Point labels: one column, or ``first (second, third)`` for several columns."""
    if label is None:
        return pd.Series("", index=frame.index, dtype=object)
    cols = [label] if isinstance(label, str) else list(label)
    if not cols:
        return pd.Series("", index=frame.index, dtype=object)
    require_columns(frame, cols, what="the data")
    text = frame[cols[0]].astype(str)
    if len(cols) > 1:
        context = frame[cols[1:]].astype(str).agg(", ".join, axis=1)
        text = text + " (" + context + ")"
    return text.astype(object)


def _check_scheme(scheme: str) -> None:
    if scheme not in ("named", "descriptive"):
        raise ValueError(f"scheme must be 'named' or 'descriptive', not {scheme!r}")


def _column_chars(ax: Axes, fontsize: float, bold: bool = False) -> int:
    """About how many characters of ``fontsize`` fit across one grid column of ``ax``."""
    fig = ax.figure
    width_pt = ax.get_position().width * fig.get_figwidth() * 72 / 3
    per_char = fontsize * (0.62 if bold else 0.56)
    return max(8, int(width_pt / per_char) - 2)


def _cell_text(row: Mapping[str, Any], scheme: str, width: int = 16) -> tuple[str, bool]:
    """The text drawn in a cell and whether it is the "(unnamed)" placeholder."""
    if scheme == "descriptive":
        planned, delivered = str(row["description"]).split(", ")
        return wrap(planned + ",", width) + "\n" + wrap(delivered, width), False
    name = row["name"]
    if name is None or pd.isna(name):
        return UNNAMED, True
    return wrap(name, width), False


def _rung_text(rungs: Sequence[int]) -> str:
    rungs = sorted(rungs)
    if len(rungs) == 1:
        return f"rung {rungs[0]}"
    return f"rungs {rungs[0]}\u2013{rungs[-1]}"


def _cell_name_place(planning: int, delivery: int) -> tuple[float, float, str, str]:
    """Where a cell's name goes (x, y, ha, va): towards the grid's outer edge.

    Positions run from 0 to 2 while the cells span -0.5 to 2.5, so the outer half of
    every edge cell is a strip no service can reach: the top row's names sit at the
    top, the bottom row's at the bottom, the middle row's in its outer corners (the
    centre cell, which has no such strip, keeps its name at the top)."""
    if delivery == 0:
        return planning, -0.45, "center", "top"
    if delivery == 2:
        return planning, 2.45, "center", "bottom"
    x, ha = {0: (-0.45, "left"), 1: (1.0, "center"), 2: (2.45, "right")}[planning]
    return x, 0.55, ha, "top"


def _draw_grid_background(
    ax: Axes, names: Names, scheme: str, show_ladder: bool, *, cell_names: bool = True
) -> None:
    """Grid, axes, cell names (unless ``cell_names`` is False: the caller heads the cells
    itself) and (optionally) Arnstein's ladder under the planning axis."""
    _check_scheme(scheme)
    table = cells(names=names)
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(2.5, -0.5)  # professionals delivering at the top
    for p, tint in enumerate(_COLUMN_TINTS):
        ax.add_patch(
            Rectangle((p - 0.5, -0.5), 1.0, 3.0, facecolor=tint, edgecolor="none", zorder=0)
        )
    for cut in (0.5, 1.5):
        ax.axvline(cut, color=GRID_LINE_COLOUR, linewidth=1.0, zorder=0.5)
        ax.axhline(cut, color=GRID_LINE_COLOUR, linewidth=1.0, zorder=0.5)
    for spine in ax.spines.values():
        spine.set_color(GRID_LINE_COLOUR)
    ax.grid(False)  # the cell lines are the grid; a style's tick grid would cut through cells

    ax.set_xticks(range(3), list(PLANNING_LEVELS), fontsize=TICK_SIZE + 0.5)
    ax.set_yticks(range(3), list(DELIVERY_LEVELS), fontsize=TICK_SIZE + 0.5)
    ax.tick_params(length=0, pad=6)
    ax.set_xlabel("Who plans", fontsize=LABEL_SIZE, fontweight="bold")
    ax.set_ylabel("Who delivers", fontsize=LABEL_SIZE, fontweight="bold")

    wrapped: list[tuple[Text, Any, float, bool, int, bool]] = []
    for row in table.to_dict("records") if cell_names else ():
        size, bold, cap = (
            (TICK_SIZE, True, 16) if scheme == "named" else (SMALL_SIZE + 0.5, False, 26)
        )
        text, unnamed = _cell_text(row, scheme, min(cap, _column_chars(ax, size, bold)))
        x, y, ha, va = _cell_name_place(row["planning_code"], row["delivery_code"])
        artist = ax.text(
            x,
            y,
            text,
            ha=ha,
            va=va,
            fontsize=TICK_SIZE if scheme == "named" else SMALL_SIZE + 0.5,
            color="#9A9A9A" if unnamed else "#7A7A7A",
            style="italic" if unnamed else "normal",
            fontweight="normal" if unnamed or scheme == "descriptive" else "bold",
            alpha=0.9,
            zorder=1,
            gid=GID_CELL_NAME,
            linespacing=1.15,
        )
        if not unnamed:
            wrapped.append(
                (artist, lambda w, row=row: _cell_text(row, scheme, w)[0], size, bold, cap, False)
            )
    ax._coprod_wrapped = wrapped  # re-wrapped to the final column width by _fit_background

    if not show_ladder:
        return
    groups = table.drop_duplicates("planning").set_index("planning")["arnstein_group"]
    rungs = planning_rungs().groupby("planning")["rung"].apply(list)
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    n_lines = 1
    for p, level in enumerate(PLANNING_LEVELS):

        def ladder_text(width: int, level: str = level) -> str:
            return wrap(groups[level], width) + f"\n({_rung_text(rungs[level])})"

        text = ladder_text(min(26, _column_chars(ax, SMALL_SIZE) - 2))
        n_lines = max(n_lines, text.count("\n") + 1)
        artist = ax.annotate(
            text,
            xy=(p, 0.0),
            xycoords=transform,
            xytext=(0, -30),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=SMALL_SIZE,
            color=TEXT_COLOUR,
            linespacing=1.1,
            bbox={
                "boxstyle": "round,pad=0.35",
                "facecolor": _COLUMN_TINTS[p],
                "edgecolor": _LADDER_EDGES[p],
                "linewidth": 0.8,
            },
            annotation_clip=False,
            gid=GID_LADDER,
        )
        wrapped.append((artist, ladder_text, SMALL_SIZE, False, 24, True))
    ax.annotate(
        "Arnstein's\nladder:",
        xy=(-0.5, 0.0),
        xycoords=transform,
        xytext=(-10, -30),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=SMALL_SIZE,
        color=MUTED_COLOUR,
        style="italic",
        annotation_clip=False,
        gid=GID_LADDER,
    )
    # Push the "Who plans" label below the ladder boxes.
    ax.xaxis.labelpad = _ladder_labelpad(n_lines)


def _ladder_labelpad(n_lines: int) -> float:
    return 20 + 10.5 * n_lines


def _fit_background(ax: Axes, *, laid_out: bool = False) -> None:
    """Re-wrap cell names and ladder boxes to the column width the layout left.

    The width is only known once the layout engine (e.g. constrained layout) has
    placed the legend and labels, so this runs after everything else is drawn
    (``laid_out``: the figure's last layout pass is current, no need for another).
    """
    wrapped = getattr(ax, "_coprod_wrapped", [])
    if not wrapped:
        return
    fig = ax.figure
    for attempt in range(2):
        if fig.get_layout_engine() is not None and not (laid_out and attempt == 0):
            fig.draw_without_rendering()
        n_lines, changed = 0, False
        for artist, make, size, bold, cap, is_ladder in wrapped:
            text = make(min(cap, _column_chars(ax, size, bold)))
            changed |= text != artist.get_text()
            artist.set_text(text)
            if is_ladder:
                n_lines = max(n_lines, text.count("\n") + 1)
        if n_lines:
            changed |= ax.xaxis.labelpad != _ladder_labelpad(n_lines)
            ax.xaxis.labelpad = _ladder_labelpad(n_lines)
        if not changed:  # the layout just drawn stands: no second pass
            break


#: The grid's cell borders (data coordinates): a label had better not straddle one.
_CELL_BORDERS = np.array(
    [(c, -0.5, c, 2.5) for c in (0.5, 1.5)] + [(-0.5, c, 2.5, c) for c in (0.5, 1.5)]
)


def _label_text(ax: Axes, text: str, x: float, y: float, *, colour: str, bold: bool) -> Text:
    return ax.text(
        x,
        y,
        text,
        fontsize=TICK_SIZE - 0.5,
        color=colour,
        fontweight="bold" if bold else "normal",
        ha="center",
        va="center",
        zorder=3.5,  # under the points, so labels never hide a point
        gid=GID_POINT_LABEL,
        parse_math=False,  # a "$" in a service name is not mathtext
        bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
    )


def _shorter_forms(text: str) -> list[str]:
    """The label on two lines, broken at the space nearest its middle (none for one word)."""
    if "\n" in text or " " not in text:
        return []
    spaces = [k for k, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda k: abs(k - len(text) / 2))
    return [text[:cut] + "\n" + text[cut + 1 :]]


def _place_labels(
    ax: Axes,
    data: pd.DataFrame,
    *,
    anchors: Sequence[Sequence[tuple[float, float, float]]],
    marks: np.ndarray,
    marker_radius: float,
    soft: np.ndarray | None = None,
    soft_rows: np.ndarray | None = None,
    emphasis: Sequence[bool] | None = None,
    colours: Sequence[str] | None = None,
    forms: Sequence[Sequence[str]] | None = None,
) -> LabelPlacer:
    """One label per row of ``data`` with a non-empty ``label``, placed by
    :class:`~coprod.charts._labels.LabelPlacer` beside the row's own mark (``marks[k]``,
    a segment in data coordinates) and clear of the cell names; ``forms`` other ways to
    write each label (default: on two lines)."""
    labels: list[PlacedLabel] = []
    owner_of_row = np.full(len(data), -1)
    for k, text in enumerate(data["label"].tolist()):
        if not text:
            continue
        owner_of_row[k] = len(labels)
        x, y, _ = anchors[k][0]
        artist = _label_text(
            ax,
            text,
            x,
            y,
            colour=TEXT_COLOUR if colours is None else colours[k],
            bold=emphasis is not None and bool(emphasis[k]),
        )
        other = _shorter_forms(text) if forms is None else forms[k]
        labels.append(PlacedLabel(artist, anchors[k], forms=other))
    soft_owners = None if soft_rows is None else owner_of_row[np.asarray(soft_rows, dtype=int)]
    placer = LabelPlacer(
        ax,
        labels,
        marks=marks,
        owners=owner_of_row,
        marker_radius=marker_radius,
        soft=soft,
        soft_owners=soft_owners,
        avoid=[t for t in ax.texts if t.get_gid() == GID_CELL_NAME],
        cuts=_CELL_BORDERS,
        leader_colour=MUTED_COLOUR,
    )
    ax.add_artist(placer)
    if labels:
        ax.figure.draw_without_rendering()  # place now, so ax.texts hold their places
    return placer


def _darker(colour: str, factor: float = 0.72) -> str:
    """A darker shade of ``colour`` for text on a light background."""
    from matplotlib.colors import to_hex, to_rgb

    return to_hex(tuple(c * factor for c in to_rgb(colour)))


def _grid_legend(ax: Axes, handles: list[Any], ncols: int = 3):
    """The key, in a row between the title and the grid: at a report's width (16 cm) a
    key beside the grid would take a fifth of the room the services' labels need."""
    import matplotlib as mpl

    where = mpl.rcParams["axes.titlelocation"]  # aligned with the title
    anchor = {"left": 0.0, "center": 0.5, "right": 1.0}[where]
    return ax.legend(
        handles=handles,
        loc=f"lower {where}",
        bbox_to_anchor=(anchor, 1.0),
        ncols=ncols,
        frameon=False,
        fontsize=ANNOT_SIZE,
        borderaxespad=0.4,
        columnspacing=1.4,
        handletextpad=0.5,
    )


def _title_over_legend(ax: Axes, title: str | None) -> bool:
    """The title above the key, wrapped where it would run past the figure's edge.

    Returns True when the figure's last layout pass is still current (nothing changed
    since), so the next step need not lay it out again."""
    if not title:
        return False
    fig = ax.figure
    legend = ax.get_legend()
    pad = 8.0
    if legend is not None:  # the key's height does not depend on the layout
        pad += legend.get_window_extent().height * 72 / fig.dpi
    return fit_to_figure(ax.set_title(title, fontsize=TITLE_SIZE, pad=pad), title)


#: Default figure size of the grid charts (the key sits in a row above the grid).
GRID_FIGSIZE = (FIGURE_WIDTH, 5.9)
#: ... with the key of the delivering organisations, two rows more: the grid keeps its room.
ORGANISATION_GRID_FIGSIZE = (FIGURE_WIDTH, GRID_FIGSIZE[1] + 0.9)


# --------------------------------------------------------------------------- plot_grid


def grid_chart_data(
    placements: pd.DataFrame,
    *,
    names: Names = None,
    label: str | Sequence[str] | None = "service",
    highlight: str | Iterable[Hashable] | None = None,
) -> pd.DataFrame:
    """One row per point of :func:`plot_grid`.

    Parameters
    ----------
    placements
        Output of :func:`coprod.grid.place_services` (group columns such as
        ``wave`` or ``council`` before ``service`` are kept).
    names
        Optional user names for cells, ``{(planning, delivery): name}``; used for
        the ``cell`` column.
    label
        Column giving the point label, or a list of columns (``["service",
        "council"]`` gives "Parks (Leeds)"), or None for no labels.
    highlight
        The name of a boolean column, or an iterable of service names to
        highlight (e.g. services flagged for co-planning). Unknown service names
        raise ValueError.

    Returns
    -------
    DataFrame with the group columns, then ``service, label, x, y, x_low, x_high,
    y_low, y_high, xerr_minus, xerr_plus, yerr_minus, yerr_plus, n, cell,
    highlighted`` and any other columns of ``placements``. ``x`` is the planning
    position and ``y`` the delivery position (0..2); ``*err_*`` are the
    non-negative whisker lengths to the 95% interval bounds. When ``placements`` has
    the main delivering organisation (``place_services(..., organisation=...)``), its
    ``organisation`` and ``organisation_share`` are kept and ``marker`` is the
    organisation's marker on the chart (:data:`ORGANISATION_MARKERS`; ``"."`` where
    nobody named one).
    """
    require_columns(placements, _PLACEMENT_COLUMNS, what="placements")
    by = group_columns(placements, before="service", what="placements")
    data = placements.reset_index(drop=True)
    x = data["planning"].astype(float)
    y = data["delivery"].astype(float)
    out = data[[*by, "service"]].copy()
    out["label"] = _labels(data, label)
    out["x"] = x
    out["y"] = y
    out["x_low"] = data["planning_low"].astype(float)
    out["x_high"] = data["planning_high"].astype(float)
    out["y_low"] = data["delivery_low"].astype(float)
    out["y_high"] = data["delivery_high"].astype(float)
    out["xerr_minus"] = (x - out["x_low"]).clip(lower=0)
    out["xerr_plus"] = (out["x_high"] - x).clip(lower=0)
    out["yerr_minus"] = (y - out["y_low"]).clip(lower=0)
    out["yerr_plus"] = (out["y_high"] - y).clip(lower=0)
    out["n"] = data["n"] if "n" in data.columns else pd.NA
    out["cell"] = pd.Series(cell_of(x.clip(0, 2), y.clip(0, 2), names), dtype=object)

    if highlight is None:
        flagged = pd.Series(False, index=data.index)
    elif isinstance(highlight, str):
        if highlight not in data.columns:
            raise ValueError(
                f"highlight {highlight!r} is not a column of placements; pass a boolean "
                "column name or a list of service names"
            )
        col = data[highlight]
        if col.isna().any():
            raise ValueError(f"highlight column {highlight!r} has missing values")
        if not (pd.api.types.is_bool_dtype(col) or set(pd.unique(col)) <= {0, 1}):
            raise ValueError(f"highlight column {highlight!r} must be boolean")
        flagged = col.astype(bool)
    else:
        wanted = set(highlight)
        unknown = wanted - set(data["service"])
        if unknown:
            raise ValueError(
                f"highlight names services not in placements: {sorted(map(str, unknown))}"
            )
        flagged = data["service"].isin(wanted)
    out["highlighted"] = flagged.to_numpy(dtype=bool)

    extra = [c for c in data.columns if c not in out.columns and c not in _PLACEMENT_COLUMNS]
    extra = [c for c in extra if c != "cell"]
    for c in extra:
        out[c] = data[c]
    if "organisation" in data.columns:
        kind = data["organisation"].astype(object)
        unknown = sorted({str(k) for k in kind.dropna()} - set(ORGANISATION_MARKERS))
        if unknown:
            raise ValueError(
                f"organisation names kinds not in coprod.vocab.ORGANISATION_KINDS: {unknown}"
            )
        out["marker"] = kind.map(ORGANISATION_MARKERS).fillna(_NO_ORGANISATION_MARKER)
    return out


def plot_grid(
    placements: pd.DataFrame,
    *,
    names: Names = None,
    scheme: Scheme = "named",
    label: str | Sequence[str] | None = "service",
    highlight: str | Iterable[Hashable] | None = None,
    hue: str | None = None,
    show_ladder: bool = True,
    ax: Axes | None = None,
    title: str | None = "Services on the planning \u00d7 delivery grid",
    highlight_label: str = "Highlighted",
    source: Source | str | None = None,
) -> Axes:
    """Services on Bovaird's planning x delivery grid, with 95% interval whiskers.

    Parameters
    ----------
    placements
        Output of :func:`coprod.grid.place_services`.
    names
        Optional names for cells, ``{(planning, delivery): name}``: they replace
        "(unnamed)" in the blank cells (scheme "named").
    scheme
        ``"named"``: the blog post's five names plus ``names``, the blank
        cells drawn as "(unnamed)" in grey italics; ``"descriptive"``: all nine
        descriptive names ("co-planned, professionally delivered").
    label, highlight
        See :func:`grid_chart_data`. Highlighted services get a diamond marker
        with a black edge, a bold label and a legend entry listing them (with the
        organisation's marker shape, when there is one, and a black edge).
    hue
        Optional column of ``placements`` (e.g. ``"council"``) for point colours.
    show_ladder
        Draw Arnstein's ladder groups under the planning axis.
    ax
        Axes to draw on; a new figure when None.
    title
        Axes title (None or "" for none).
    highlight_label
        Legend text for highlighted services (e.g. "Flagged for co-planning").
    source
        The note printed under the chart; None (default) prints the source the data
        carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        One errorbar container per service point (``ax.containers``), one label
        Text per point (gid ``"grid-point-label"``), the cell names as Text objects
        (gid ``"grid-cell-name"``). Nothing is shown or saved. When the placements
        carry the main delivering organisation (``place_services(...,
        organisation=...)``), each point's shape says which it is
        (:data:`ORGANISATION_MARKERS`) and the key has an entry per kind drawn.
    """
    data = grid_chart_data(placements, names=names, label=label, highlight=highlight)
    by_organisation = "marker" in data.columns
    if hue is not None and hue not in data.columns:
        raise ValueError(f"hue column {hue!r} not in placements")
    ax = get_ax(ax, figsize=ORGANISATION_GRID_FIGSIZE if by_organisation else GRID_FIGSIZE)
    _draw_grid_background(ax, names, scheme, show_ladder)

    if hue is None:
        colour_of = {None: OKABE_ITO[0]}
        keys = pd.Series([None] * len(data), index=data.index, dtype=object)
    else:
        col = data[hue]
        levels = (
            list(col.cat.categories)
            if isinstance(col.dtype, pd.CategoricalDtype)
            else sorted(pd.unique(col.dropna()), key=str)
        )
        colour_of = dict(zip(levels, qualitative_colours(len(levels)), strict=True))
        colour_of[None] = "#999999"
        keys = col.astype(object).where(col.notna(), None)

    for k, row in enumerate(data.itertuples(index=False)):
        colour = colour_of[keys.iloc[k]]
        flagged = bool(row.highlighted)
        xerr = np.array([[row.xerr_minus], [row.xerr_plus]])
        yerr = np.array([[row.yerr_minus], [row.yerr_plus]])
        marker = "D" if flagged else "o"
        if by_organisation:  # the shape says who delivers; a highlight keeps its edge
            marker = row.marker
        ax.errorbar(
            [row.x],
            [row.y],
            xerr=np.nan_to_num(xerr),
            yerr=np.nan_to_num(yerr),
            fmt=marker,
            markersize=(9.5 if flagged else 7.5) + _MARKER_GROWTH.get(marker, 0.0),
            markerfacecolor=colour,
            markeredgecolor="black" if flagged else "white",
            markeredgewidth=1.8 if flagged else 0.9,
            ecolor=colour,
            elinewidth=1.4,
            capsize=3.5,
            capthick=1.2,
            alpha=0.95,
            zorder=5 if flagged else 4,
            label="_nolegend_",
        )

    # Legend: whisker meaning, hue groups, highlighted services (only for marks drawn).
    handles: list[Any] = []
    if len(data):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color=OKABE_ITO[0] if hue is None else MUTED_COLOUR,
                markeredgecolor="white",
                markersize=7.5,
                linewidth=1.4,
                label="mean position, 95% interval",
            )
        )
    if hue is not None:
        shown = [v for v in colour_of if v is not None and (keys == v).any()]
        header_index = len(handles)
        handles.append(Line2D([], [], linestyle="none", label=str(hue)))
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor=colour_of[v],
                markeredgecolor="white",
                markersize=8,
                label=wrap(v, 22),
            )
            for v in shown
        ]
    if by_organisation:  # first, so that its header heads the key's first column
        organisation_index = 0
        kinds_key = [Line2D([], [], linestyle="none", label="main delivering organisation")]
        drawn = set(data["marker"])
        shown_kinds = [
            (kind, marker) for kind, marker in ORGANISATION_MARKERS.items() if marker in drawn
        ]
        if _NO_ORGANISATION_MARKER in drawn:
            shown_kinds.append((_NO_ORGANISATION, _NO_ORGANISATION_MARKER))
        kinds_key += [
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="none",
                markerfacecolor=OKABE_ITO[0] if hue is None else MUTED_COLOUR,
                markeredgecolor="white",
                markersize=8 + _MARKER_GROWTH.get(marker, 0.0),
                label=wrap(kind, 22),
            )
            for kind, marker in shown_kinds
        ]
        if hue is not None:
            header_index += len(kinds_key)
        handles = [*kinds_key, *handles]
    if data["highlighted"].any():
        flagged_names = list(dict.fromkeys(data.loc[data["highlighted"], "service"].astype(str)))
        listed = flagged_names[:6] + (
            [f"and {len(flagged_names) - 6} more"] * (len(flagged_names) > 6)
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o"
                if by_organisation
                else "D",  # with shapes taken, the black edge marks it
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor="black",
                markeredgewidth=1.8,
                markersize=9,
                label=wrap(highlight_label, 22) + ":\n" + "\n".join(wrap(s, 22) for s in listed),
            )
        )
    if handles:
        # two columns: the kinds' names are long, and a wider key would narrow the grid
        legend = _grid_legend(ax, handles, ncols=2 if by_organisation else 3)
        if hue is not None:
            legend.get_texts()[header_index].set_fontweight("bold")
        if by_organisation:
            legend.get_texts()[organisation_index].set_fontweight("bold")
    laid_out = _title_over_legend(ax, title)

    _fit_background(ax, laid_out=laid_out)
    label_colours = None if hue is None else [_darker(colour_of[key]) for key in keys]
    _place_grid_labels(ax, data, emphasis=data["highlighted"], colours=label_colours)
    draw_source_note(ax, source, placements)
    return ax


def _place_grid_labels(
    ax: Axes,
    data: pd.DataFrame,
    *,
    emphasis: Sequence[bool] | None = None,
    colours: Sequence[str] | None = None,
    forms: Sequence[Sequence[str]] | None = None,
    marker_pt: float = 9.5,
) -> LabelPlacer:
    """Labels of the points of ``data`` (``x, y`` with interval columns), clear of the
    whiskers where they can be; ``marker_pt`` is the largest marker's size."""
    x, y = data["x"].to_numpy(float), data["y"].to_numpy(float)
    points = np.column_stack([x, y, x, y])
    x_low = np.nan_to_num(x - data["xerr_minus"].to_numpy(float), nan=0.0)
    x_high = np.nan_to_num(x + data["xerr_plus"].to_numpy(float), nan=0.0)
    y_low = np.nan_to_num(y - data["yerr_minus"].to_numpy(float), nan=0.0)
    y_high = np.nan_to_num(y + data["yerr_plus"].to_numpy(float), nan=0.0)
    whiskers = np.concatenate(
        [np.column_stack([x_low, y, x_high, y]), np.column_stack([x, y_low, x, y_high])]
    )
    rows = np.concatenate([np.arange(len(data)), np.arange(len(data))])
    return _place_labels(
        ax,
        data,
        anchors=[[(a, b, 0.0)] for a, b in zip(x, y, strict=True)],
        marks=points,
        marker_radius=marker_pt / 2,
        soft=whiskers,
        soft_rows=rows,
        emphasis=emphasis,
        colours=colours,
        forms=forms,
    )


# --------------------------------------------------------------- plot_co_planning

#: How the co-planning grid draws each decision of :func:`coprod.co_planning.consider_co_planning`:
#: marker, face colour, edge colour, marker size and the key's text (filled in from the
#: table's settings). A short signal ("watch") is drawn hollow: never as a recommendation.
_DECISION_STYLE = {
    "consider co-planning": (
        "D",
        OKABE_ITO[5],
        "black",
        9.5,
        "Consider co-planning: a rise of {sustained}+ points, planning professional-led",
    ),
    "look at delivery": (
        "s",
        OKABE_ITO[0],
        "white",
        8.5,
        "A rise of {sustained}+ points, planning already shared: look at delivery",
    ),
    "watch": (
        "D",
        "white",
        OKABE_ITO[5],
        8.5,
        "Watch: a signal of under {sustained} points, often chance",
    ),
    "no concern": (
        "o",
        "#A6A6A6",
        "white",
        7.0,
        "No special-cause concern in the last {recent} periods",
    ),
}
_MEASURE_WORDS = {"count": "number", "seriousness": "seriousness"}
#: Default figure size of the co-planning grid: taller than the grid, for its key.
CO_PLANNING_FIGSIZE = (GRID_FIGSIZE[0], GRID_FIGSIZE[1] + 1.2)


def co_planning_chart_data(table: pd.DataFrame) -> pd.DataFrame:
    """One row per service :func:`plot_co_planning` draws: the services of a
    :func:`coprod.co_planning.consider_co_planning` table that have a survey placement.

    Returns the columns of :func:`grid_chart_data` (``label`` is the service), then
    ``strength``: each rising measure's main rule and signal length ("seriousness: run
    of 7 above centre, 24 points") and, where residents' initiatives fired the second
    trigger, how many ("residents: 2 initiatives"), and every column of ``table`` (its ``decision``,
    the survey's columns such as ``wave``, the settings ``recent, min_points,
    sustained_points, professional_led_below``).
    """
    from coprod.co_planning import DECISIONS

    require_columns(
        table,
        ["service", "decision", *_PLACEMENT_COLUMNS[1:]],
        what="the co-planning table",
        hint="pass the result of coprod.co_planning.consider_co_planning(..., placements=...)",
    )
    unknown = set(table["decision"]) - set(DECISIONS)
    if unknown:
        raise ValueError(f"the co-planning table has unknown decisions: {sorted(unknown)}")
    placed = table[table["planning"].notna() & table["delivery"].notna()].reset_index(drop=True)
    data = grid_chart_data(placed)
    strength = []
    for row in placed.to_dict("records"):
        parts = [
            f"{words}: {row[f'{measure}_main_rule']}, {plural(int(row[f'{measure}_points']), 'point')}"
            for measure, words in _MEASURE_WORDS.items()
            if row[f"{measure}_concern"]
        ]
        if row.get("initiative_trigger") is True:
            asked = f"residents: {plural(int(row['initiatives']), 'initiative')}"
            if int(row.get("community_plans") or 0):
                asked += f", {plural(int(row['community_plans']), 'community plan')}"
            parts.append(asked)
        strength.append("\n".join(parts))
    data.insert(data.columns.get_loc("label") + 1, "strength", strength)
    # words coprod wrote (rules, reasons, signal strengths), not anybody's free text
    written = (*table.attrs.get("generated_text", ()), "strength")
    data.attrs["generated_text"] = tuple(dict.fromkeys(written))
    return data


def _survey_text(data: pd.DataFrame, table: pd.DataFrame) -> str:
    """Which survey the positions are from, and the services it did not place."""
    from coprod.co_planning import survey_columns

    columns = survey_columns(table)
    named = table[columns].dropna(how="all").head(1)
    if len(named):
        said = ", ".join(f"{c} {v}" for c, v in named.iloc[0].items() if pd.notna(v))
        text = f"Positions from the survey: {said}"
    else:
        text = "Positions from a survey the table does not name (no wave column)"
    missing = sorted(set(table["service"]) - set(data["service"]))
    if missing:
        text += "\n" + wrap(f"Not placed (no survey position): {join_words(missing)}", 60)
    return text


def plot_co_planning(
    table: pd.DataFrame,
    *,
    names: Names = None,
    scheme: Scheme = "named",
    show_ladder: bool = True,
    ax: Axes | None = None,
    title: str | None = "Complaints and who plans: where to consider co-planning",
    source: Source | str | None = None,
) -> Axes:
    """The services of a co-planning table on the grid, each marked by its decision.

    Data from :func:`co_planning_chart_data`. A filled vermillion diamond is a
    recommendation (sustained concern, planning professional-led); a hollow diamond a
    short signal to watch (stable services show such signals by chance, so it is never
    drawn as a recommendation); a blue square a sustained concern where planning is
    already shared; grey circles no concern. Every service with a concern carries its
    strength in its label: the rule behind the signal and its length in points. The
    key's title names the survey the positions come from (the table's ``wave`` and
    other survey columns) and lists services without a placement.

    Returns
    -------
    Axes
        One errorbar container per placed service, one label per service (gid
        ``"grid-point-label"``), the key (legend) with one entry per decision drawn.
    """
    data = co_planning_chart_data(table)
    ax = get_ax(ax, figsize=CO_PLANNING_FIGSIZE)
    _draw_grid_background(ax, names, scheme, show_ladder)
    for row in data.itertuples(index=False):
        marker, face, edge, size, _ = _DECISION_STYLE[row.decision]
        line = face if face != "white" else edge
        ax.errorbar(
            [row.x],
            [row.y],
            xerr=np.nan_to_num(np.array([[row.xerr_minus], [row.xerr_plus]])),
            yerr=np.nan_to_num(np.array([[row.yerr_minus], [row.yerr_plus]])),
            fmt=marker,
            markersize=size,
            markerfacecolor=face,
            markeredgecolor=edge,
            markeredgewidth=1.6 if row.decision != "no concern" else 0.9,
            ecolor=line,
            elinewidth=1.2,
            capsize=3.0,
            alpha=0.95,
            zorder=5 if row.decision != "no concern" else 4,
            label="_nolegend_",
        )
    settings = {
        "sustained": int(table["sustained_points"].iloc[0]) if len(table) else 0,
        "recent": int(table["recent"].iloc[0]) if len(table) else 0,
    }
    asked = "trigger" in data and data["trigger"].isin(["resident initiatives", "both"]).any()

    def key_text(decision: str, text: str) -> str:
        if asked and decision == "consider co-planning":
            # the second trigger: residents asking for a say is as much a reason as complaints
            text = text.replace(
                "a rise of {sustained}+ points", "a rise of {sustained}+ points or residents asking"
            )
        return wrap(text.format(**settings), 60)

    handles = [
        Line2D(
            [],
            [],
            marker=marker,
            linestyle="none",
            markerfacecolor=face,
            markeredgecolor=edge,
            markeredgewidth=1.6,
            markersize=size,
            label=key_text(decision, text),
        )
        for decision, (marker, face, edge, size, text) in _DECISION_STYLE.items()
        if (data["decision"] == decision).any()
    ]
    if handles:
        legend = _grid_legend(ax, handles, ncols=1)
        legend.set_title(_survey_text(data, table), prop={"size": ANNOT_SIZE})
    laid_out = _title_over_legend(ax, title)
    _fit_background(ax, laid_out=laid_out)
    texts, forms = [], []
    for service, strength in zip(data["service"], data["strength"], strict=True):
        if not strength:
            texts.append(service)
            forms.append(_shorter_forms(service))
            continue
        texts.append(f"{service}\n{strength}")
        narrower = [
            f"{service}\n" + "\n".join(wrap(line, width) for line in strength.split("\n"))
            for width in (26, 18)
        ]
        forms.append([f for f in dict.fromkeys(narrower) if f != texts[-1]])
    _place_grid_labels(
        ax,
        data.assign(label=texts),
        emphasis=(data["decision"] == "consider co-planning").to_numpy(),
        colours=[MUTED_COLOUR if d == "no concern" else TEXT_COLOUR for d in data["decision"]],
        forms=forms,
    )
    draw_source_note(ax, source, table)
    return ax


# ----------------------------------------------------------------------- plot_movement


def movement_chart_data(
    moves: pd.DataFrame, *, only_moved: bool = False, label: str | Sequence[str] | None = "service"
) -> pd.DataFrame:
    """One row per arrow of :func:`plot_movement`.

    Returns the group columns, then ``service, label, wave_from, wave_to, x_from,
    y_from, x_to, y_to, dx, dy, moved, cell_from, cell_to, cell_change, adjustment``; x is
    planning and y delivery. ``cell_change`` is the one :func:`coprod.grid.movement`
    gives ("within noise": the point crossed a cell boundary without a clear shift), or
    worked out from ``moved`` and the cells for frames without it; ``adjustment`` is the
    multiple-comparison adjustment that decided ``moved`` ("none" when not given). When the frame holds several wave pairs, labels say which
    ("Parks (2022\u21922024)"). ``only_moved`` keeps the rows with ``moved`` True.
    """
    require_columns(moves, _MOVEMENT_COLUMNS, what="moves")
    by = group_columns(moves, before="service", what="moves")
    data = moves.reset_index(drop=True)
    if only_moved:
        data = data[data["moved"].astype(bool)].reset_index(drop=True)
    out = data[[*by, "service"]].copy()
    text = _labels(data, label)
    pairs = moves[["wave_from", "wave_to"]].drop_duplicates()
    if len(pairs) > 1 and len(data):
        text = text + " (" + data["wave_from"].astype(str) + "\u2192" + data["wave_to"].astype(str)
        text = text + ")"
    out["label"] = text.astype(object)
    out["wave_from"] = data["wave_from"]
    out["wave_to"] = data["wave_to"]
    out["x_from"] = data["planning_from"].astype(float)
    out["y_from"] = data["delivery_from"].astype(float)
    out["x_to"] = data["planning_to"].astype(float)
    out["y_to"] = data["delivery_to"].astype(float)
    out["dx"] = out["x_to"] - out["x_from"]
    out["dy"] = out["y_to"] - out["y_from"]
    out["moved"] = data["moved"].astype(bool)
    for c in ("cell_from", "cell_to"):
        out[c] = data[c] if c in data.columns else pd.NA
    if "cell_change" in data.columns:
        out["cell_change"] = data["cell_change"].astype(str)
    else:
        crossed = (out["cell_from"] != out["cell_to"]).fillna(False).to_numpy(dtype=bool)
        out["cell_change"] = np.where(
            ~crossed, "same cell", np.where(out["moved"], "changed cell", "within noise")
        )
    out["adjustment"] = data["adjustment"].astype(str) if "adjustment" in data else "none"
    return out


def plot_movement(
    moves: pd.DataFrame,
    *,
    names: Names = None,
    scheme: Scheme = "named",
    only_moved: bool = False,
    show_ladder: bool = True,
    label: str | Sequence[str] | None = "service",
    ax: Axes | None = None,
    title: str | None = "Movement on the planning \u00d7 delivery grid between waves",
    source: Source | str | None = None,
) -> Axes:
    """Arrows from each service's position in one wave to its position in the next.

    Solid, coloured arrows for services that ``moved`` (a 95% interval of a shift
    excludes zero, or an adjusted p-value below 0.05 when :func:`coprod.grid.movement`
    was asked to adjust), faint dashed grey arrows otherwise, and dashed purple arrows
    for a change of cell within noise (the point crossed a boundary, the shift cannot be
    told from zero), so no reader takes it for a move; a hollow circle marks the
    earlier wave and a filled one the later wave; labels sit at the arrow heads.
    The background is the one of :func:`plot_grid`.

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        One :class:`~matplotlib.patches.FancyArrowPatch` per row with gid
        ``"grid-movement-arrow"``, one label Text per row (gid
        ``"grid-point-label"``). Nothing is shown or saved.
    """
    data = movement_chart_data(moves, only_moved=only_moved, label=label)
    ax = get_ax(ax, figsize=GRID_FIGSIZE)
    _draw_grid_background(ax, names, scheme, show_ladder)
    moved_colour = OKABE_ITO[5]
    still_colour = "#8C8C8C"
    noise_colour = OKABE_ITO[3]  # reddish purple: apart from the movers' vermillion
    noise = (data["cell_change"] == "within noise").to_numpy()
    point_colours = np.where(
        data["moved"], moved_colour, np.where(noise, noise_colour, still_colour)
    )
    for row, colour in zip(data.itertuples(index=False), point_colours, strict=True):
        moved = bool(row.moved)
        ax.add_patch(
            FancyArrowPatch(
                (row.x_from, row.y_from),
                (row.x_to, row.y_to),
                arrowstyle="-|>",
                mutation_scale=16 if moved else 12,
                linewidth=2.0 if moved else 1.2,
                linestyle="-" if moved else (0, (4, 3)),
                color=colour,
                alpha=1.0 if moved else 0.75,
                shrinkA=4,
                shrinkB=4,
                zorder=4,
                gid=GID_MOVEMENT_ARROW,
            )
        )
    if len(data):
        ax.scatter(
            data["x_from"],
            data["y_from"],
            s=36,
            facecolor="white",
            edgecolor=point_colours,
            linewidth=1.4,
            zorder=5,
        )
        ax.scatter(
            data["x_to"],
            data["y_to"],
            s=40,
            color=point_colours,
            edgecolor="white",
            linewidth=0.8,
            zorder=5,
        )

    waves = data[["wave_from", "wave_to"]].drop_duplicates()
    if len(waves) == 1:
        start_text, end_text = f"{waves.iloc[0, 0]}", f"{waves.iloc[0, 1]}"
    else:
        start_text, end_text = "earlier wave", "later wave"
    handles = []
    adjustment = str(data["adjustment"].iloc[0]) if len(data) else "none"
    if data["moved"].any():
        rule = {
            "none": "95% interval of the shift excludes 0",
            "holm": "Holm-adjusted p < 0.05",
            "fdr_bh": "Benjamini-Hochberg-adjusted p < 0.05",
        }.get(adjustment, f"{adjustment}-adjusted p < 0.05")
        handles.append(Line2D([], [], color=moved_colour, linewidth=2.0, label=f"moved ({rule})"))
    if noise.any():
        handles.append(
            Line2D(
                [],
                [],
                color=noise_colour,
                linewidth=1.2,
                linestyle=(0, (4, 3)),
                label="changed cell within noise",
            )
        )
    if (~data["moved"] & ~noise).any():
        handles.append(
            Line2D(
                [],
                [],
                color=still_colour,
                linewidth=1.2,
                linestyle=(0, (4, 3)),
                label="no clear shift",
            )
        )
    if len(data):
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor=MUTED_COLOUR,
                markersize=7,
                label=wrap(start_text, 22),
            ),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                color=MUTED_COLOUR,
                markersize=7,
                label=wrap(end_text, 22),
            ),
        ]
    if handles:
        _grid_legend(ax, handles, ncols=2)  # what the arrows mean, then the waves
    laid_out = _title_over_legend(ax, title)
    _fit_background(ax, laid_out=laid_out)
    tails = data[["x_from", "y_from"]].to_numpy(float)
    heads = data[["x_to", "y_to"]].to_numpy(float)
    anchors = []
    for tail, head in zip(tails, heads, strict=True):
        # the later wave first, then along the arrow (a label beside it reads as its own)
        spots = [(*head, 0.0)]
        if np.hypot(*(head - tail)) > 0.04:
            spots += [(*(tail + (head - tail) * t), cost) for t, cost in ((0.5, 3.0), (0.25, 5.0))]
            spots += [(*tail, 8.0)]
        anchors.append(spots)
    _place_labels(
        ax,
        data,
        anchors=anchors,
        marks=np.column_stack([tails, heads]),
        marker_radius=np.sqrt(40) / 2,
    )
    draw_source_note(ax, source, moves)
    return ax


# -------------------------------------------------------------------- plot_cell_shares


def cell_shares_chart_data(shares: pd.DataFrame) -> pd.DataFrame:
    """The wide table :func:`plot_cell_shares` draws.

    Rows: one per service (index ``service``; when ``shares`` has group columns
    before ``service``, the label is "service (group, ...)"), in order of first
    appearance. Columns: a MultiIndex ``(planning, delivery)`` of the nine cells,
    planning-major (professionals/professionals, professionals/co-delivery, ...).
    Values: shares 0..1 (0 for cells nobody chose).
    """
    require_columns(shares, _SHARE_COLUMNS, what="shares")
    by = group_columns(shares, before="service", what="shares")
    rows = _labels(shares, ["service", *by])
    unknown_p = set(shares["planning"]) - set(PLANNING_LEVELS)
    unknown_d = set(shares["delivery"]) - set(DELIVERY_LEVELS)
    if unknown_p or unknown_d:
        raise ValueError(
            f"shares has unknown levels: planning {sorted(map(str, unknown_p))}, "
            f"delivery {sorted(map(str, unknown_d))}"
        )
    frame = pd.DataFrame(
        {
            "service": rows.to_numpy(),
            "planning": shares["planning"].to_numpy(),
            "delivery": shares["delivery"].to_numpy(),
            "share": shares["share"].astype(float).to_numpy(),
        }
    )
    if frame.duplicated(["service", "planning", "delivery"]).any():
        raise ValueError("shares has more than one row per service and cell")
    wide = frame.pivot(index="service", columns=["planning", "delivery"], values="share")
    columns = pd.MultiIndex.from_tuples(
        [(p, d) for p in PLANNING_LEVELS for d in DELIVERY_LEVELS], names=["planning", "delivery"]
    )
    order = list(dict.fromkeys(frame["service"]))
    wide = wide.reindex(index=order, columns=columns).fillna(0.0)
    wide.index.name = "service"
    return wide


def plot_cell_shares(
    shares: pd.DataFrame,
    *,
    names: Names = None,
    scheme: Scheme = "descriptive",
    annot: bool = True,
    ax: Axes | None = None,
    title: str | None = "Where respondents place each service",
    cmap: str = SEQUENTIAL_CMAP,
    source: Source | str | None = None,
) -> Axes:
    """Heat map of the share of each service's respondents in each of the nine cells.

    Rows are services (with their number of respondents when ``shares`` has an
    ``n`` column), columns the nine cells planning-major, grouped under their
    planning level (its descriptive half, e.g. "co-planned"). Column labels are
    short (at most two lines): who delivers (scheme "descriptive", e.g.
    "co-delivered"), or the cell name (scheme "named"; blank cells show
    "(unnamed)" and who delivers, in grey italics). Values use a sequential colour-blind-safe
    colour map on 0..100%; ``annot`` writes percentages ("\u2013" for exactly 0).

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Drawn with :func:`seaborn.heatmap` (the colour bar is a separate Axes).
    """
    import seaborn as sns
    from matplotlib.ticker import PercentFormatter

    _check_scheme(scheme)
    wide = cell_shares_chart_data(shares)
    n_rows = len(wide)
    # rows 0.25 in apart: twenty services and the headers fit a laptop screen's height
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 2.4 + 0.25 * max(n_rows, 1)))

    row_labels = list(wide.index.astype(str))
    if "n" in shares.columns:
        by = group_columns(shares, before="service", what="shares")
        keys = _labels(shares, ["service", *by])
        totals = shares.assign(_row=keys.to_numpy()).groupby("_row", sort=False)["n"].sum()
        row_labels = [f"{r}  (n = {int(totals[r])})" for r in row_labels]

    # Columns are grouped under a planning header, so each label only says who delivers
    # (scheme "descriptive") or gives the cell name (scheme "named").
    col_labels: list[str] = []
    unnamed_cols: list[int] = []
    for k, (p, d) in enumerate(wide.columns):
        delivered = describe_cell(p, d).split(", ")[1]
        if scheme == "descriptive":
            col_labels.append(wrap(delivered, 12))
        elif (name := cell_name(p, d, names)) is not None:
            col_labels.append(wrap(name, 13))
        else:
            unnamed_cols.append(k)
            col_labels.append(f"{UNNAMED}\n{wrap(delivered, 12)}")
    values = wide.to_numpy(dtype=float)
    annotations = np.where(
        values == 0, "\u2013", np.char.add(np.round(values * 100).astype(int).astype(str), "%")
    )
    sns.heatmap(
        values,
        ax=ax,
        vmin=0.0,
        vmax=1.0,
        cmap=cmap,
        annot=annotations if annot else False,
        fmt="",
        annot_kws={"fontsize": TICK_SIZE - 0.5},
        linewidths=0.8,
        linecolor="white",
        xticklabels=col_labels,
        yticklabels=row_labels,
        cbar_kws={"label": "Share of respondents", "format": PercentFormatter(1.0), "pad": 0.02},
    )
    # nine columns in 16 cm leave no room for labels side by side: they stand upright
    ax.tick_params(axis="x", labelsize=SMALL_SIZE + 0.5, rotation=90, length=0)
    ax.tick_params(axis="y", labelsize=TICK_SIZE, rotation=0, length=0)
    for k in unnamed_cols:
        ax.get_xticklabels()[k].set_color(MUTED_COLOUR)
        ax.get_xticklabels()[k].set_style("italic")
    for cut in (3, 6):
        ax.axvline(cut, color="white", linewidth=4)
    # Planning-level headers above the column groups.
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    for p, level in enumerate(PLANNING_LEVELS):
        ax.annotate(
            wrap(describe_cell(level, DELIVERY_LEVELS[0]).split(", ")[0], 14),
            xy=(3 * p + 1.5, 1.0),
            xycoords=transform,
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=TICK_SIZE,
            fontweight="bold",
            color=TEXT_COLOUR,
            annotation_clip=False,
        )
    ax.set_xlabel(
        "Cell: who plans (top) \u00d7 who delivers (bottom)"
        if scheme == "descriptive"
        else "Cell, grouped by who plans",
        fontsize=LABEL_SIZE,
    )
    ax.set_ylabel("")
    if title:
        # wrapped: long row labels leave the heat map and its title less than 16 cm
        ax.set_title(wrap(title, 40), fontsize=TITLE_SIZE, pad=38)  # above two-line headers
    cbar = ax.collections[0].colorbar
    if cbar is not None:
        cbar.ax.yaxis.label.set_size(TICK_SIZE)
        cbar.ax.tick_params(labelsize=TICK_SIZE - 1)
    draw_source_note(ax, source, shares)
    return ax


# ---------------------------------------------------------------------- plot_practices

#: gids of the practices view's texts: the cell headings, each practice, its bullet.
GID_CELL_HEADING = "grid-cell-heading"
GID_PRACTICE = "grid-practice"
GID_PRACTICE_BULLET = "grid-practice-bullet"
_PRACTICE_COLUMNS = ("practice", "planning", "delivery")
_PRACTICE_SIZE = SMALL_SIZE  # the smallest a report prints: a cell holds up to five
_HEADING_SIZE = SMALL_SIZE + 0.5
_LINE_SPACING = 1.12
_CELL_PAD_PT = 5.0  # inside each cell's edges
_BULLET_PT = 8.0  # from a bullet to its practice's text
_GAP_PT = 2.5  # between practices
_NOTE_PT = 64.0  # below the grid: axis labels and the source note


def practices_chart_data(
    catalogue: pd.DataFrame, *, names: Names = None, scheme: Scheme = "named"
) -> pd.DataFrame:
    """One row per practice of :func:`plot_practices`, cell by cell.

    ``catalogue`` has ``practice``, ``planning`` and ``delivery`` columns (level names or
    codes, as :func:`coprod.grid.to_codes` reads them), e.g. ``load_dataset("practices")
    .data``; other columns (``organisation``, ``source``, ...) are kept. Rows come
    planning-major, cell by cell, in the catalogue's order within a cell.

    Returns columns ``planning``, ``delivery`` (level names), ``planning_code``,
    ``delivery_code``, ``heading`` (the cell's name by ``scheme``: "named" gives the blog
    post's five names plus ``names``, blank cells None; "descriptive" gives all nine as
    "co-planned, professionally delivered"), ``practice``, ``order`` (0, 1, ... within the
    cell) and the catalogue's other columns.
    """
    _check_scheme(scheme)
    require_columns(catalogue, _PRACTICE_COLUMNS, what="the catalogue")
    data = catalogue.reset_index(drop=True)
    p = to_codes(data["planning"], axis="planning", column="planning")
    d = to_codes(data["delivery"], axis="delivery", column="delivery")
    out = pd.DataFrame(
        {
            "planning": [PLANNING_LEVELS[c] for c in p],
            "delivery": [DELIVERY_LEVELS[c] for c in d],
            "planning_code": p,
            "delivery_code": d,
        }
    )
    if scheme == "descriptive":
        out["heading"] = [describe_cell(a, b) for a, b in zip(p, d, strict=True)]
    else:
        out["heading"] = [cell_name(a, b, names) for a, b in zip(p, d, strict=True)]
    out["practice"] = data["practice"].astype(str)
    for column in data.columns:
        if column not in out.columns:
            out[column] = data[column]
    out = out.sort_values(["planning_code", "delivery_code"], kind="stable")
    out.insert(
        out.columns.get_loc("practice") + 1,
        "order",
        out.groupby(["planning_code", "delivery_code"]).cumcount(),
    )
    return out.reset_index(drop=True)


def _chars_across(width_pt: float, fontsize: float, bold: bool = False) -> int:
    """About how many characters of ``fontsize`` fit in ``width_pt`` points."""
    return max(6, int(width_pt / (fontsize * (0.6 if bold else 0.53))))


def _cell_width_pt(ax: Axes) -> float:
    fig = ax.figure
    return ax.get_position().width * fig.get_figwidth() * 72 / 3


def _practice_lines(heading: str | None, practices: Sequence[str], width_pt: float) -> int:
    """Lines of text a cell needs at ``width_pt`` wide (its heading and practices)."""
    inner = width_pt - 2 * _CELL_PAD_PT
    lines = 0
    if heading:
        lines += wrap(heading, _chars_across(inner, _HEADING_SIZE, True)).count("\n") + 1
    chars = _chars_across(inner - _BULLET_PT, _PRACTICE_SIZE)
    return lines + sum(wrap(text, chars).count("\n") + 1 for text in practices)


def _practices_height(data: pd.DataFrame, width_pt: float, header_pt: float) -> float:
    """Figure height (inches) leaving every cell room for its heading and practices."""
    tallest = 0.0
    for (_p, _d), group in data.groupby(["planning_code", "delivery_code"]):
        heading = group["heading"].iloc[0]
        lines = _practice_lines(heading, list(group["practice"]), width_pt)
        points = lines * _PRACTICE_SIZE * _LINE_SPACING * 1.2 + len(group) * _GAP_PT
        tallest = max(tallest, points + 2 * _CELL_PAD_PT + 8)
    tallest = max(tallest, 54.0)  # an empty grid still reads as a grid
    return (3 * tallest + header_pt + _NOTE_PT) / 72


def _overflowing(ax: Axes, texts: Sequence[tuple[Text, int, int]]) -> list[Text]:
    """The texts whose drawn extent leaves their cell (``(text, planning, delivery)``)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    out = []
    for text, p, d in texts:
        box = text.get_window_extent(renderer)
        (x0, y0), (x1, y1) = ax.transData.transform([(p - 0.5, d + 0.5), (p + 0.5, d - 0.5)])
        if box.x0 < x0 - 0.5 or box.x1 > x1 + 0.5 or box.y0 < y0 - 0.5 or box.y1 > y1 + 0.5:
            out.append(text)
    return out


def plot_practices(
    catalogue: pd.DataFrame,
    *,
    names: Names = None,
    scheme: Scheme = "named",
    hue: str | None = "organisation",
    show_ladder: bool = False,
    ax: Axes | None = None,
    title: str | None = "Practices in each cell of the planning \u00d7 delivery grid",
    source: Source | str | None = None,
) -> Axes:
    """A catalogue's practices listed in their cells of the grid (a view for teaching).

    Parameters
    ----------
    catalogue
        One row per practice with ``practice``, ``planning`` and ``delivery`` columns,
        e.g. ``load_dataset("practices").data``; see :func:`practices_chart_data`.
    names, scheme
        How cells are headed: ``"named"`` (the blog post's five names, plus ``names``
        for blank cells; a blank cell without a name is headed by its description in
        grey italics) or ``"descriptive"`` (all nine descriptions).
    hue
        Column whose values colour each practice's bullet, with a key above the grid
        (default ``"organisation"``, the kind of organisation that delivers); None for
        plain bullets. A named column the catalogue lacks raises ValueError.
    show_ladder
        Draw Arnstein's ladder groups under the planning axis.
    ax
        Axes to draw on; a new 16 cm wide figure, tall enough for every cell's list,
        when None.
    title
        Axes title (None or "" for none).
    source
        The note printed under the chart; None (default) prints the source the data
        carries (``coprod.provenance``), text is printed as written, "" prints none.

    Returns
    -------
    Axes
        Cell headings as Text (gid ``"grid-cell-heading"``), one Text per practice (gid
        ``"grid-practice"``, wrapped within its cell) and its bullet (gid
        ``"grid-practice-bullet"``). No text is under 8 pt at 16 cm. The lists are
        re-wrapped to the cells' width until none runs past a cell's side; on a figure
        this function makes, the height is chosen so that none runs past its foot either
        (an Axes passed in must be tall enough itself). Nothing is shown or saved.
    """
    data = practices_chart_data(catalogue, names=names, scheme=scheme)
    if hue is not None and hue not in data.columns:
        raise ValueError(f"hue column {hue!r} not in the catalogue")
    if hue is None:
        colour_of: dict[Any, str] = {}
    else:
        levels = [v for v in dict.fromkeys(data[hue]) if pd.notna(v)]
        if hue == "organisation":  # the vocabulary's order, not the catalogue's
            from coprod.vocab import ORGANISATION_KINDS

            levels = [k for k in ORGANISATION_KINDS if k in levels] + [
                v for v in levels if v not in ORGANISATION_KINDS
            ]
        colour_of = dict(zip(levels, qualitative_colours(len(levels)), strict=True))
    n_key_rows = -(-len(colour_of) // 3)
    header_pt = (34.0 if title else 8.0) + 13.0 * n_key_rows
    if ax is None:
        width_pt = (FIGURE_WIDTH * 72 - 78) / 3  # the y labels take about 78 pt
        ax = get_ax(ax, figsize=(FIGURE_WIDTH, _practices_height(data, width_pt, header_pt)))
    fig = ax.figure
    _draw_grid_background(ax, names, scheme, show_ladder, cell_names=False)

    if colour_of:
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor=colour,
                markeredgecolor="white",
                markersize=7,
                label=wrap(level, 24),
            )
            for level, colour in colour_of.items()
        ]
        _grid_legend(ax, handles)
    laid_out = _title_over_legend(ax, title)
    _fit_background(ax, laid_out=laid_out)

    # The texts are made once and re-wrapped to the width the layout left, narrower
    # still while any of them runs past its cell's edge.
    table = cells(names=names).set_index(["planning_code", "delivery_code"])
    made: list[tuple[Text, int, int, str, float, bool]] = []  # text, p, d, words, size, bold
    bullets: list[Text] = []
    for (p, d), group in data.groupby(["planning_code", "delivery_code"], sort=True):
        heading = group["heading"].iloc[0]
        unnamed = heading is None or pd.isna(heading)
        words = table.loc[(p, d), "description"] if unnamed else str(heading)
        made.append(
            (
                ax.annotate(
                    words,
                    xy=(p - 0.5, d - 0.5),
                    xytext=(_CELL_PAD_PT, -_CELL_PAD_PT),
                    textcoords="offset points",
                    ha="left",
                    va="top",
                    fontsize=_HEADING_SIZE,
                    fontweight="normal" if unnamed else "bold",
                    style="italic" if unnamed else "normal",
                    color=MUTED_COLOUR if unnamed else TEXT_COLOUR,
                    linespacing=_LINE_SPACING,
                    annotation_clip=False,
                    gid=GID_CELL_HEADING,
                ),
                p,
                d,
                words,
                _HEADING_SIZE,
                not unnamed,
            )
        )
        for row in group.itertuples(index=False):
            key = getattr(row, hue) if hue is not None else None
            colour = colour_of.get(key, TEXT_COLOUR)
            bullets.append(
                ax.annotate(
                    "\u25cf",
                    xy=(p - 0.5, d - 0.5),
                    xytext=(_CELL_PAD_PT, 0),
                    textcoords="offset points",
                    ha="left",
                    va="top",
                    fontsize=_PRACTICE_SIZE,
                    color=colour,
                    annotation_clip=False,
                    gid=GID_PRACTICE_BULLET,
                )
            )
            made.append(
                (
                    ax.annotate(
                        row.practice,
                        xy=(p - 0.5, d - 0.5),
                        xytext=(_CELL_PAD_PT + _BULLET_PT, 0),
                        textcoords="offset points",
                        ha="left",
                        va="top",
                        fontsize=_PRACTICE_SIZE,
                        color=TEXT_COLOUR,
                        linespacing=_LINE_SPACING,
                        annotation_clip=False,
                        gid=GID_PRACTICE,
                    ),
                    p,
                    d,
                    str(row.practice),
                    _PRACTICE_SIZE,
                    False,
                )
            )

    def lay_out(narrower: int) -> None:
        inner = _cell_width_pt(ax) - 2 * _CELL_PAD_PT
        cursor: dict[tuple[int, int], float] = {}
        k = 0
        for text, p, d, words, size, bold in made:
            practice = text.get_gid() == GID_PRACTICE
            room = inner - (_BULLET_PT if practice else 0.0)
            shown = wrap(words, max(6, _chars_across(room, size, bold) - narrower))
            text.set_text(shown)
            top = cursor.get((p, d), _CELL_PAD_PT)
            text.xyann = (text.xyann[0], -top)
            if practice:
                bullets[k].xyann = (bullets[k].xyann[0], -top)
                k += 1
            n_lines = shown.count("\n") + 1
            cursor[(p, d)] = top + n_lines * size * _LINE_SPACING * 1.2 + _GAP_PT

    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    for narrower in range(6):
        lay_out(narrower)
        if not _overflowing(ax, [(t, p, d) for t, p, d, *_ in made]):
            break
        fig.draw_without_rendering()
    draw_source_note(ax, source, catalogue)
    return ax

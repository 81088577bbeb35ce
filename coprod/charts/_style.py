"""Shared look of coprod charts: palettes, figure and font sizes, the ``get_ax`` helper.

Only numpy and matplotlib (not pyplot) are imported at module level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.colors import to_hex, to_rgb

from coprod._core.text import wrap_text
from coprod.style import CM_PER_INCH, MIN_TEXT_PT, REPORT_WIDTH_CM

__all__ = [
    "GID_SOURCE",
    "diverging_colours",
    "draw_source_note",
    "get_ax",
    "qualitative_colours",
    "text_colour_for",
    "wrap",
]


if TYPE_CHECKING:  # Axes and Text are heavy to import and only annotate here
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from coprod.provenance import Source

#: Okabe & Ito (2008) qualitative palette, safe for the common colour-vision
#: deficiencies. Black is left out: it is reserved for highlight edges and text.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
)

#: Diverging colour-blind-safe map (ColorBrewer BrBG) used for Likert scales.
DIVERGING_CMAP = "BrBG"
#: Sequential colour-blind-safe map used for shares (heat maps).
SEQUENTIAL_CMAP = "YlGnBu"
#: Colour of a neutral Likert level (the BrBG midpoint is too close to white).
NEUTRAL_COLOUR = "#BDBDBD"

TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#6E6E6E"
GRID_LINE_COLOUR = "#9E9E9E"

#: Default figure width, inches: the width a report places a chart at (A4 text width),
#: so every size below is the size it prints at.
FIGURE_WIDTH = REPORT_WIDTH_CM / CM_PER_INCH
#: Default figure height, inches (10 cm).
FIGURE_HEIGHT = 10.0 / CM_PER_INCH

# Point sizes at FIGURE_WIDTH: none under MIN_TEXT_PT, the smallest size a report prints.
TITLE_SIZE = 11.0
LABEL_SIZE = 9.5
TICK_SIZE = 9.0
ANNOT_SIZE = 8.5
SMALL_SIZE = MIN_TEXT_PT


def get_ax(
    ax: Axes | None = None, *, figsize: tuple[float, float] = (FIGURE_WIDTH, FIGURE_HEIGHT)
) -> Axes:
    """Return ``ax``; when it is None, a new figure (constrained layout) sized ``figsize``.

    Charts keep the default width (16 cm) and choose a height, so their text prints at the
    size it is drawn.
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
    return new_ax


def qualitative_colours(n: int) -> list[str]:
    """``n`` distinguishable colours: Okabe-Ito first, then ``tab20`` if more are needed."""
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    extra = mpl.colormaps["tab20"](np.linspace(0, 1, 20))
    colours = list(OKABE_ITO) + [to_hex(c) for c in extra]
    return [colours[i % len(colours)] for i in range(n)]


def diverging_colours(n_levels: int) -> list[str]:
    """Colours for an ordered scale, most negative first, from :data:`DIVERGING_CMAP`.

    Negative levels get the brown half, positive ones the blue-green half, darker
    towards the ends; the neutral level (if any) is a mid grey.
    """
    if n_levels < 1:
        return []
    cmap = mpl.colormaps[DIVERGING_CMAP]
    half = n_levels // 2
    # Keep away from the near-white middle of the map so light bars stay visible.
    neg = np.linspace(0.05, 0.33, half) if half > 1 else np.array([0.2])[:half]
    pos = 1.0 - neg[::-1]
    colours = [to_hex(cmap(v)) for v in neg]
    if n_levels % 2:
        colours.append(NEUTRAL_COLOUR)
    colours += [to_hex(cmap(v)) for v in pos]
    return colours


def text_colour_for(background: str | Sequence[float]) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG luminance)."""
    rgb = np.asarray(to_rgb(background))
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(lin @ np.array([0.2126, 0.7152, 0.0722]))
    return TEXT_COLOUR if luminance > 0.35 else "white"


def wrap(text: object, width: int) -> str:
    """Wrap ``text``, as one paragraph, on word boundaries to lines of at most ``width``
    characters (:func:`coprod._core.text.wrap_text`)."""
    return wrap_text(str(text).replace("\n", " "), width) or str(text)


def fit_to_figure(artist: Text, text: str) -> bool:
    """Wrap ``artist`` (a title showing ``text``) where, once the figure is laid out, it
    would run past the figure's edge: a saved chart is then no wider than its figure.

    Returns True when the figure's last layout pass is still current (the title fitted
    and nothing changed since), so the next step need not lay it out again."""
    fig = artist.get_figure(root=True)
    for _ in range(3):  # wrapping moves the layout: measure again
        fig.draw_without_rendering()
        box, edge = artist.get_window_extent(), fig.bbox
        room = min(box.x1, edge.x1 - 2) - max(box.x0, edge.x0 + 2)
        if room >= box.width - 0.5:
            return True
        longest = max(len(line) for line in artist.get_text().split("\n"))
        artist.set_text(wrap(text, max(12, int(longest * room / box.width) - 1)))
    return False


#: The gid of a chart's source note (one per figure).
GID_SOURCE = "coprod-source"


def draw_source_note(
    target: Axes | Figure,
    source: Source | str | None,
    data: object = None,
    *,
    replace: bool = False,
) -> Text | None:
    """Print a chart's source note small at the bottom left, below everything else it draws.

    ``target`` is the Axes a plot function drew (or the Figure of small multiples);
    ``source`` its ``source=`` argument: None takes the source ``data`` carries
    (:func:`coprod.provenance.chart_source`), text is printed as written, "" prints none.
    One note per figure: a second chart drawn into the same figure adds its source to the
    note (``replace=True``: takes its place). The note prints at
    :data:`coprod.style.MIN_TEXT_PT` or more when the figure is placed
    :data:`coprod.style.REPORT_WIDTH_CM` wide, wraps to the figure's width, and sits below
    the lowest text, legend or axis at every draw, so it overlaps none of them; a figure
    with constrained layout grows by a strip at its foot for it. Returns the note (an
    Annotation with gid :data:`GID_SOURCE` and the :class:`~coprod.provenance.Source` as
    its ``source``), or None when there is no source to print.
    """
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    from coprod.provenance import chart_source, combine_sources

    fig = target.get_figure(root=True)
    resolved = chart_source(source, data)
    for old in [a for a in fig.artists if a.get_gid() == GID_SOURCE]:
        if not replace:
            resolved = combine_sources(getattr(old, "source", None), resolved)
        old.remove()
    if resolved is None:
        _keep_strip(fig, 0.0)
        return None
    width_in = fig.get_figwidth()
    # a hair above the minimum, so rounding never prints it under
    size = max(SMALL_SIZE, 1.001 * MIN_TEXT_PT * width_in * CM_PER_INCH / REPORT_WIDTH_CM)
    # DejaVu Sans averages about 0.55 em a character; keep a margin at the right
    chars = max(20, int(0.94 * width_in * 72 / (0.55 * size)))
    text = wrap(f"Source: {resolved.note}", chars)
    pad = 4.0  # points between the lowest artist and the note

    def above_the_note(renderer):
        """Everything the figure draws but the note, in display units."""
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
        boxes += [
            a.get_tightbbox(renderer)
            for a in fig.get_children()
            if a is not note
            and a is not fig.patch
            and a not in fig.axes
            and a.get_visible()
            and a.get_in_layout()
        ]
        boxes = [b for b in boxes if b is not None and b.width > 0 and b.height > 0]
        return Bbox.union(boxes) if boxes else fig.bbox

    note = Annotation(
        text,
        xy=(0, 0),
        xycoords=above_the_note,
        xytext=(0, -pad),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=size,
        color=MUTED_COLOUR,
        gid=GID_SOURCE,
        annotation_clip=False,
    )
    note.source = resolved
    fig.add_artist(note)
    _keep_strip(fig, (text.count("\n") + 1) * size * 1.25 + 2 * pad)
    return note


def _keep_strip(fig: Figure, points: float) -> None:
    """Under constrained layout, add ``points`` at the figure's foot for the note.

    The figure grows by the strip rather than squeezing what is drawn, so labels a chart
    has already placed (moved apart at its size) keep their layout.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine):
        return  # the note hangs below the lowest artist; bbox_inches="tight" keeps it
    before = getattr(fig, "_coprod_note_strip", 0.0)
    fig.set_figheight(fig.get_figheight() + (points - before) / 72)
    fig._coprod_note_strip = points
    strip = points / 72 / fig.get_figheight()
    engine.set(rect=(0, strip, 1, 1 - strip))
    for legend in fig.legends:
        # A legend "outside lower" sits at the figure's foot whatever the layout's rect:
        # lift it by the strip so the note goes below it (the layout still keeps room for
        # the legend above the strip, as it measures the legend itself).
        if getattr(legend, "_outside_loc", None) == "lower":
            lift = points / legend._fontsize
            legend.borderaxespad += lift - getattr(legend, "_coprod_note_lift", 0.0)
            legend._coprod_note_lift = lift  # drawn again, the note lifts it once

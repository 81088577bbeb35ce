"""The report style: charts readable when placed 16 cm wide (A4 text width).

Follows the UK Government Analysis Function chart guidance through the ``afcharts``
package. ``use()`` applies it for the session; ``context()`` for a ``with`` block.
:func:`text_sizes` measures every text of a figure as it prints at a given width.
"""

from __future__ import annotations

from contextlib import contextmanager

__all__ = [
    "MIN_TEXT_PT",
    "REPORT_WIDTH_CM",
    "context",
    "drawn_texts",
    "report_rc",
    "text_sizes",
    "too_small",
    "use",
]

#: A4 text width: the width a report chart is placed at.
REPORT_WIDTH_CM = 16.0
#: No text smaller than this when placed at :data:`REPORT_WIDTH_CM`.
MIN_TEXT_PT = 8.0
CM_PER_INCH = 2.54


#: The Analysis Function's Matplotlib style, shipped in the ``afcharts`` package.
AFCHARTS_STYLE = "afcharts.afcharts"


def report_rc() -> dict[str, object]:
    """coprod's settings on top of the ``afcharts`` style, for charts placed 16 cm wide.

    ``afcharts`` sizes text for charts on screen (14 pt); placed at A4 text width that is
    too big next to body text, so every size here is the one the chart modules draw at
    (:mod:`coprod.charts._style`), none under :data:`MIN_TEXT_PT`. Figures default to
    16 cm wide so a size here is the size it prints at, and are saved at 300 dpi.
    """
    from coprod.charts import _style as sizes

    return {
        "figure.figsize": (sizes.FIGURE_WIDTH, sizes.FIGURE_HEIGHT),
        "savefig.dpi": 300,
        "font.size": sizes.TICK_SIZE,
        "axes.titlesize": sizes.TITLE_SIZE,
        "axes.titlelocation": "left",  # the title states the finding, read first
        "axes.labelsize": sizes.LABEL_SIZE,
        "xtick.labelsize": sizes.TICK_SIZE,
        "ytick.labelsize": sizes.TICK_SIZE,
        "legend.fontsize": sizes.ANNOT_SIZE,
        "legend.title_fontsize": sizes.ANNOT_SIZE,
        "figure.titlesize": sizes.TITLE_SIZE,
        "figure.labelsize": sizes.LABEL_SIZE,
    }


def use() -> None:
    """Apply the report style to every chart drawn from now on.

    The UK Government Analysis Function's chart style (``afcharts``: its accessible
    categorical palette, no top or right spines, light horizontal grid lines, left-aligned
    titles, no legend frames) with :func:`report_rc`'s sizes for printing at 16 cm.
    ``matplotlib.rcdefaults()`` undoes it.
    """
    import matplotlib.style  # not loaded by ``import matplotlib`` until pyplot is

    matplotlib.style.use([AFCHARTS_STYLE, report_rc()])


@contextmanager
def context():
    """The report style of :func:`use` for a ``with`` block; settings are restored after it.

    All but interactive mode: the first chart of a Jupyter session switches it on (its
    backend is set up then), and undoing that on leaving the block would stop every later
    chart from showing in the notebook.
    """
    import matplotlib
    import matplotlib.style  # not loaded by ``import matplotlib`` until pyplot is

    interactive = matplotlib.is_interactive()
    try:
        with matplotlib.style.context([AFCHARTS_STYLE, report_rc()]):
            try:
                yield
            finally:
                interactive = matplotlib.is_interactive()
    finally:
        matplotlib.interactive(interactive)


def drawn_texts(figure) -> list:
    """Every text artist ``figure`` (a Figure or an Axes' figure) draws, once each, in order.

    The figure is drawn and each text is recorded as Matplotlib draws it, so tick labels
    outside the view, texts of hidden parents and empty strings are left out. After the
    call each text's ``get_window_extent()`` is where it was drawn.
    """
    from matplotlib.text import Text

    fig = getattr(figure, "figure", figure)
    drawn: list = []
    draw = Text.draw

    def recording_draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return draw(self, renderer)

    Text.draw = recording_draw  # subclasses (Annotation) call Text.draw, so they are seen too
    try:
        fig.canvas.draw()
    finally:
        Text.draw = draw
    return list(dict.fromkeys(drawn))  # a text drawn twice (layout passes) counts once


def text_sizes(figure, *, width_cm: float = REPORT_WIDTH_CM):
    """Every text ``figure`` draws, its size and its size when the figure is placed ``width_cm`` wide.

    ``figure`` is a Figure or an Axes (its figure is measured); the texts are
    :func:`drawn_texts`. Returns a DataFrame with ``text``, ``fontsize`` (points as drawn),
    ``printed_pt`` (points at ``width_cm``) and ``width_cm``, smallest first.
    """
    import pandas as pd

    fig = getattr(figure, "figure", figure)
    scale = width_cm / (fig.get_figwidth() * CM_PER_INCH)
    rows = [
        {
            "text": t.get_text(),
            "fontsize": float(t.get_fontsize()),
            "printed_pt": t.get_fontsize() * scale,
        }
        for t in drawn_texts(fig)
    ]
    table = pd.DataFrame(rows, columns=["text", "fontsize", "printed_pt"])
    table["width_cm"] = width_cm
    return table.sort_values("printed_pt", kind="stable").reset_index(drop=True)


def too_small(figure, *, width_cm: float = REPORT_WIDTH_CM, min_pt: float = MIN_TEXT_PT):
    """The texts of ``figure`` that print smaller than ``min_pt`` when placed ``width_cm`` wide."""
    sizes = text_sizes(figure, width_cm=width_cm)
    return sizes[sizes["printed_pt"] < min_pt - 1e-9].reset_index(drop=True)

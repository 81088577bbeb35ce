"""The report style: charts readable when placed 16 cm wide (A4 text width).

Follows the UK Government Analysis Function chart guidance through the ``afcharts``
package. ``use()`` applies it for the session; ``context()`` for a ``with`` block.
:func:`text_sizes` measures every text of a figure as it prints at a given width.
"""

from __future__ import annotations

__all__ = ["MIN_TEXT_PT", "REPORT_WIDTH_CM", "context", "text_sizes", "too_small", "use"]

#: A4 text width: the width a report chart is placed at.
REPORT_WIDTH_CM = 16.0
#: No text smaller than this when placed at :data:`REPORT_WIDTH_CM`.
MIN_TEXT_PT = 8.0


def use() -> None:
    """Apply the report style to every chart drawn from now on (placeholder: issue 9)."""
    raise NotImplementedError


def context():
    """The report style for a ``with`` block (placeholder: issue 9)."""
    raise NotImplementedError


CM_PER_INCH = 2.54


def text_sizes(figure, *, width_cm: float = REPORT_WIDTH_CM):
    """Every text ``figure`` draws, its size and its size when the figure is placed ``width_cm`` wide.

    ``figure`` is a Figure or an Axes (its figure is measured). The figure is drawn and each
    text is recorded as Matplotlib draws it, so tick labels outside the view, texts of hidden
    parents and empty strings are left out. Returns a DataFrame with ``text``, ``fontsize``
    (points as drawn), ``printed_pt`` (points at ``width_cm``) and ``width_cm``, smallest first.
    """
    import pandas as pd
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
    scale = width_cm / (fig.get_figwidth() * CM_PER_INCH)
    rows = [
        {
            "text": t.get_text(),
            "fontsize": float(t.get_fontsize()),
            "printed_pt": t.get_fontsize() * scale,
        }
        for t in dict.fromkeys(drawn)  # a text drawn twice (layout passes) counts once
    ]
    table = pd.DataFrame(rows, columns=["text", "fontsize", "printed_pt"])
    table["width_cm"] = width_cm
    return table.sort_values("printed_pt", kind="stable").reset_index(drop=True)


def too_small(figure, *, width_cm: float = REPORT_WIDTH_CM, min_pt: float = MIN_TEXT_PT):
    """The texts of ``figure`` that print smaller than ``min_pt`` when placed ``width_cm`` wide."""
    sizes = text_sizes(figure, width_cm=width_cm)
    return sizes[sizes["printed_pt"] < min_pt - 1e-9].reset_index(drop=True)

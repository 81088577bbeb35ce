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


def text_sizes(figure, *, width_cm: float = REPORT_WIDTH_CM):
    """Every visible text of ``figure``, its size and its size when placed ``width_cm`` wide."""
    raise NotImplementedError


def too_small(figure, *, width_cm: float = REPORT_WIDTH_CM, min_pt: float = MIN_TEXT_PT):
    """The texts of ``figure`` smaller than ``min_pt`` at ``width_cm`` (placeholder: issue 9)."""
    raise NotImplementedError

"""The one place that writes charts and tables to disk.

Plotting functions elsewhere in coprod return Axes and never save. This module saves
them, and writes tables in a way that is safe to share:

* small counts can be suppressed (``suppress_below``), with the rows' derived columns too;
* columns that may hold personal data (names, addresses, free text) are refused unless the
  caller names them in ``allow_personal``;
* text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``,
  tab or carriage return) are prefixed with an apostrophe (OWASP "CSV injection" advice).

Where files go: ``directory=`` when given, else ``$COPROD_OUTPUT_DIR`` (set by ``coprod run``),
else ``./output``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib
import pandas as pd

from coprod.privacy import SUPPRESSED, PersonalDataError, personal_columns, prepare_table

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

__all__ = [
    "SUPPRESSED",
    "PersonalDataError",
    "export_table",
    "output_dir",
    "personal_columns",
    "prepare_table",
    "save_figure",
    "write_index",
]


def output_dir(directory: str | os.PathLike | None = None) -> Path:
    """Resolve where output goes: the argument, ``$COPROD_OUTPUT_DIR``, or ``./output``."""
    if directory is not None:
        return Path(directory)
    return Path(os.environ.get("COPROD_OUTPUT_DIR", "output"))


def save_figure(
    figure,
    name: str,
    *,
    directory: str | os.PathLike | None = None,
    formats: Sequence[str] = ("png", "svg", "pdf"),
    data: pd.DataFrame | None = None,
    alt_text: str | None = None,
    source=None,
    title: str | None = None,
    dpi: int = 300,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    by: Iterable[str] = (),
    shares: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
):
    """Save a chart for a report: ``<dir>/figures/<name>.<fmt>`` plus its data and a sidecar.

    Writes each of ``formats`` (300 dpi PNG, vector SVG and PDF), ``<name>.csv`` holding
    ``data`` (the ``*_data()`` table the chart drew, written under the same privacy rules as
    :func:`export_table`: see :func:`coprod.privacy.prepare_table`) and ``<name>.json``
    (title, alt text, source, licence, date, coprod version, smallest text at 16 cm).
    ``source`` defaults to the note the chart carries (see :mod:`coprod.provenance`).
    Metadata dates are left out of SVG and PDF so the same chart saved twice gives the
    same files. Returns a :class:`SavedFigure`.
    """
    if not _SLUG.match(name):
        raise ValueError(
            f"figure name {name!r} is not a plain file stem; use letters, digits, '_', '-' or '.', "
            "e.g. '01_grid_placements'"
        )
    fig = getattr(figure, "figure", figure)  # an Axes knows its figure
    if not hasattr(fig, "savefig"):
        raise TypeError(
            f"save_figure needs a Matplotlib Figure or Axes, got {type(figure).__name__}"
        )
    folder = output_dir(directory) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    # A fixed salt makes SVG element ids, and so the file, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "coprod"}):
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            metadata = {"Date": None} if fmt in {"svg", "pdf"} else None
            fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata=metadata)
            paths.append(path)
    return paths


def export_table(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    by: Iterable[str] = (),
    shares: Iterable[str] = (),
    share_decimals: int | None = 3,
    total_columns: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
    index: bool = False,
) -> Path:
    """Write ``table`` to ``.csv`` (UTF-8 with BOM, so Excel reads accents) or ``.xlsx``.

    What is written is :func:`coprod.privacy.prepare_table`'s result: small counts withheld
    with their derived columns, the shares of their groups and secondary cells (``by=``),
    shares rounded, personal-data columns refused, formula-like cells defused. A relative
    ``path`` is placed under ``<output>/tables/``.
    """
    path = Path(path)
    if not path.is_absolute():
        path = output_dir() / "tables" / path
    if index:  # index labels are cells too: checked and defused like any column
        table = table.reset_index()
    safe = prepare_table(
        table,
        suppress_below=suppress_below,
        count_columns=count_columns,
        also_suppress=also_suppress,
        by=by,
        shares=shares,
        share_decimals=share_decimals,
        total_columns=total_columns,
        allow_personal=allow_personal,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safe.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        safe.to_excel(path, index=False)
    else:
        raise ValueError(f"cannot export to {path.name!r}: use a .csv or .xlsx file name")
    return path


def write_index(directory: str | os.PathLike | None = None) -> Path:
    """Write ``<output>/index.html``: every chart (title, alt text, source, links to its
    PNG/SVG/PDF/CSV) and every executed notebook, opening cleanly from disk.

    Placeholder: issue 9.
    """
    raise NotImplementedError

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

__all__ = [
    "PersonalDataError",
    "export_table",
    "output_dir",
    "personal_columns",
    "prepare_table",
    "save_figure",
]


SUPPRESSED = "[c]"  # ONS convention for a value withheld to protect confidentiality
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PERSONAL_NAME = re.compile(
    r"(^|_)(name|surname|forename|first_?name|last_?name|address|postcode|post_code|email|e_?mail|"
    r"phone|telephone|tel|mobile|dob|date_of_birth|free_?text|comment|comments|description|details|"
    r"narrative|notes?)($|_)",
    re.IGNORECASE,
)
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PersonalDataError(ValueError):
    """Raised when a table about to be written has columns that may hold personal data."""


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
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 200,
) -> list[Path]:
    """Save a Matplotlib figure (or the figure of an Axes) as ``<dir>/figures/<name>.<fmt>``.

    Returns the paths written. ``name`` is a file stem such as ``"01_grid_placements"``.
    Metadata dates are left out so the same chart saved twice gives the same SVG.
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


def personal_columns(table: pd.DataFrame) -> list[str]:
    """Columns that may hold personal data.

    Declared ones (``table.attrs["personal_columns"]``, set by coprod's loaders), ones whose
    names suggest it (name, address, email, phone, comment, ...; in snake_case, camelCase,
    with spaces or hyphens), and free-text columns: mostly distinct text whose typical value
    has four or more words. Columns that coprod itself wrote in words (listed in
    ``table.attrs["generated_text"]``, e.g. the reasons of ``consider_co_planning``) are
    not free text.
    """
    declared = set(table.attrs.get("personal_columns", ()))
    generated = set(table.attrs.get("generated_text", ()))
    found = []
    for column in table.columns:
        label = str(column)
        if label in declared or _PERSONAL_NAME.search(_snake(label)):
            found.append(label)
        elif label not in generated and _looks_like_free_text(table[column]):
            found.append(label)
    return found


def _snake(label: str) -> str:
    """'contactEmail' -> 'contact_Email', 'e-mail' -> 'e_mail', 'Full name' -> 'Full_name'."""
    label = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", label)
    return re.sub(r"[\s\-.]+", "_", label)


def _looks_like_free_text(values: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(
        values
    ):
        return False
    text = values.dropna().astype(str)
    if text.empty:
        return False
    # People's own words are long and rarely repeat; labels and generated text repeat.
    mostly_distinct = text.nunique() > 0.5 * len(text)
    return mostly_distinct and float(text.str.split().str.len().median()) >= 4


def prepare_table(
    table: pd.DataFrame,
    *,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the table exactly as :func:`export_table` would write it (pure; no I/O).

    ``suppress_below=k`` replaces counts ``0 < count < k`` in ``count_columns`` with ``"[c]"``,
    and the same rows' ``also_suppress`` columns (rates or shares computed from those counts,
    which would otherwise give the count away). Zero is not disclosive and is kept.
    """
    allowed = set(allow_personal)
    risky = [c for c in personal_columns(table) if c not in allowed]
    if risky:
        raise PersonalDataError(
            f"the table has columns that may hold personal data: {', '.join(map(repr, risky))}. "
            f"Drop them before exporting, or pass allow_personal={risky!r} if you are sure "
            "they may be shared."
        )
    out = table.copy()
    count_columns, also_suppress = list(count_columns), list(also_suppress)
    missing = [c for c in [*count_columns, *also_suppress] if c not in out.columns]
    if missing:
        raise KeyError(
            f"columns to suppress not in the table: {missing}; it has {list(out.columns)}"
        )
    if suppress_below is not None:
        if not count_columns:
            raise ValueError("suppress_below needs count_columns=[...] naming the count columns")
        small = pd.Series(False, index=out.index)
        for column in count_columns:
            counts = pd.to_numeric(out[column], errors="raise")
            small_here = (counts > 0) & (counts < suppress_below)
            small |= small_here
            out[column] = out[column].astype(object).where(~small_here, SUPPRESSED)
        for column in also_suppress:
            out[column] = out[column].astype(object).where(~small, SUPPRESSED)
    return _defuse_formulas(out)


def _defuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            continue
        out[column] = values.map(_defuse_cell)
    out.columns = [_defuse_cell(str(c)) for c in out.columns]
    return out


def _defuse_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_table(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
    index: bool = False,
) -> Path:
    """Write ``table`` to ``.csv`` (UTF-8 with BOM, so Excel reads accents) or ``.xlsx``.

    See :func:`prepare_table` for suppression and the personal-data check. A relative ``path``
    is placed under ``<output>/tables/``.
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

"""What may be published: suppression of small counts, personal-data columns, formula-safe cells.

Pure functions (no I/O); :mod:`coprod.export` writes what :func:`prepare_table` returns.

* small counts are suppressed (``suppress_below``), with the rows' derived columns too, the
  shares of every group that has a suppressed cell, and secondary cells chosen so that no
  suppressed value follows from the rest by arithmetic (totals, shares, differences);
  :func:`attack_suppression` tries exactly that on a published table;
* columns that may hold personal data (names, addresses, free text) are refused unless the
  caller names them in ``allow_personal``;
* text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``,
  tab or carriage return, also after leading spaces) are prefixed with an apostrophe
  (OWASP "CSV injection" advice).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

__all__ = [
    "SUPPRESSED",
    "PersonalDataError",
    "attack_suppression",
    "personal_columns",
    "prepare_table",
]


SUPPRESSED = "[c]"  # ONS convention for a value withheld to protect confidentiality
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PERSONAL_NAME = re.compile(
    r"(^|_)(name|surname|forename|first_?name|last_?name|address|postcode|post_code|email|e_?mail|"
    r"phone|telephone|tel|mobile|dob|date_of_birth|free_?text|comment|comments|description|details|"
    r"narrative|notes?)($|_)",
    re.IGNORECASE,
)


class PersonalDataError(ValueError):
    """Raised when a table about to be written has columns that may hold personal data."""


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


def attack_suppression(
    published: pd.DataFrame,
    *,
    count_columns: Iterable[str],
    by: Iterable[str] = (),
    suppress_below: int,
    shares: Iterable[str] = (),
) -> pd.DataFrame:
    """Try to recover every suppressed cell of ``published`` by arithmetic; one row per cell.

    Placeholder: implemented by the privacy work of issue 9.
    """
    raise NotImplementedError

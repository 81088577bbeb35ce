"""Value parsers: blanks, numbers and the text shown for a cell.

Parsers accept only unambiguous values and return a :class:`Parsed` (values plus
a reason for every value refused). Dates have their own module, :mod:`coprod.io.dates`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import label_key

__all__ = [
    "MISSING_TEXT",
    "Parsed",
    "as_text",
    "is_blank",
    "parse_numbers",
]

#: Text read as "no value" by :func:`parse_numbers` (compared ignoring case).
MISSING_TEXT = ("", "n/a", "na", "not applicable")


# --------------------------------------------------------------------------- small helpers


def is_blank(value: Any) -> bool:
    """True for ``None``, NaN/NA/NaT and text that is empty after stripping spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_text(value: Any) -> str:
    """Show a cell value as text: whole floats lose ``.0``, blanks become ``""``."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- parsers


@dataclass(frozen=True, eq=False)
class Parsed:
    """Output of a value parser: ``values`` (missing where refused or blank),
    ``problems`` (the reason a value was refused, ``<NA>`` where it was fine) and
    ``kinds`` (the short kind of each refusal, e.g. "numbers with a decimal comma",
    see :mod:`coprod.io.result`; ``None`` when the parser names no kinds), all
    aligned to the input's index."""

    values: pd.Series
    problems: pd.Series
    kinds: pd.Series | None = None

    @property
    def ok(self) -> pd.Series:
        """True where the value was accepted (including allowed blanks)."""
        return self.problems.isna()


def _parse_unique(
    values: pd.Series,
    parse_one: Callable[[Any], tuple[Any, str | None] | tuple[Any, str | None, str | None]],
    dtype: str,
) -> Parsed:
    """Apply ``parse_one`` once per distinct value and spread the results back.

    ``parse_one`` returns (value, reason) or (value, reason, kind)."""
    values = pd.Series(values)
    cache: dict[Any, tuple[Any, ...]] = {}
    out: list[Any] = []
    reasons: list[str | None] = []
    kinds: list[str | None] = []
    for v in values.tolist():
        try:
            key = (type(v), v)
            hit = cache.get(key)
        except TypeError:  # unhashable
            key, hit = None, None
        if hit is None:
            hit = parse_one(v)
            if key is not None and not (isinstance(v, float) and v != v):
                cache[key] = hit
        out.append(hit[0])
        reasons.append(hit[1])
        kinds.append(hit[2] if len(hit) > 2 else None)
    return Parsed(
        values=pd.Series(out, index=values.index, dtype=dtype, name=values.name),
        problems=pd.Series(reasons, index=values.index, dtype="str", name=values.name),
        kinds=pd.Series(kinds, index=values.index, dtype="str", name=values.name)
        if any(k is not None for k in kinds)
        else None,
    )


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?|[+-]?\.\d+")


def parse_numbers(
    values: Iterable[Any],
    *,
    allow_missing: bool = True,
    integer: bool = False,
    missing: Iterable[str] = MISSING_TEXT,
) -> Parsed:
    """Parse numbers, accepting only unambiguous forms.

    Accepted: ``12``, ``-3.5``, ``1,234`` and ``1,234,567.89`` (commas only as
    thousands separators in groups of three), ``1e3``, and numbers already stored
    as numbers (Excel, SPSS). Blank cells and :data:`MISSING_TEXT` (``n/a``, ...)
    are missing, which is a problem only if ``allow_missing=False``. Anything else
    (``12 approx``, ``1,23``, ``£12``, ``(12)``, ``-``) is refused with a reason.
    Values are ``float64`` (``Int64`` with ``integer=True``).
    """
    missing_keys = {label_key(m) for m in missing}
    kind = "whole number" if integer else "number"
    refused = f"{kind}s not read"

    def one(v: Any) -> tuple[Any, str | None, str | None]:
        if isinstance(v, bool | np.bool_):
            return None, f"{v!r} is a true/false value, not a {kind}", refused
        if isinstance(v, int | float | np.integer | np.floating) and not is_blank(v):
            number = float(v)
            if not np.isfinite(number):
                return None, f"{v!r} is not a finite {kind}", refused
        else:
            text = "" if is_blank(v) else " ".join(str(v).split())
            if label_key(text) in missing_keys:
                if allow_missing:
                    return None, None, None
                return (
                    None,
                    "blank but a value is required: fill in the " + kind,
                    "blank but required",
                )
            if not _NUMBER.fullmatch(text):
                return None, *_number_reason(text, kind)
            number = float(text.replace(",", ""))
        if integer:
            if not number.is_integer():
                return (
                    None,
                    f"{as_text(v)!r} is not a whole number: write it without decimals",
                    "numbers with decimals where a whole number is needed",
                )
            return int(number), None, None
        return number, None, None

    return _parse_unique(pd.Series(values), one, "Int64" if integer else "float64")


def _number_reason(text: str, kind: str) -> tuple[str, str]:
    """(reason, kind of problem) for a text that is not a number."""
    bare = text.replace(" ", "")
    if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", bare) and "," in bare:
        return (
            f"{text!r} has a comma that is not a thousands separator (a decimal comma?): "
            f"write it with a decimal point (e.g. {bare.replace(',', '.')}) or without the comma",
            f"{kind}s with a comma that is not a thousands separator",
        )
    if re.fullmatch(r"[+-]?[\d.]+,\d+", bare):
        return (
            f"{text!r} looks like a European number (decimal comma): write it as "
            f"{bare.replace('.', '').replace(',', '.')}",
            f"{kind}s with a decimal comma",
        )
    if re.fullmatch(r"\(\s*[\d,.]+\s*\)", text):
        return (
            f"{text!r} uses brackets for a negative: write -{text.strip('() ')}",
            f"{kind}s in brackets",
        )
    if re.fullmatch(r"[£$€]\s*[\d,.]+|[\d,.]+\s*[£$€%]", text):
        return (
            f"{text!r} has a currency or % sign: write the {kind} only",
            f"{kind}s with a currency or % sign",
        )
    if text in ("-", "--", "–", "—"):
        return (
            f"{text!r} could mean zero or missing: write 0, or leave the cell blank",
            "dashes that could mean zero or missing",
        )
    if text.startswith("#"):
        return (
            f"{text!r} is a spreadsheet error value: fix the formula or leave the cell blank",
            "spreadsheet error values",
        )
    if re.search(r"\d", text):
        return (
            f"{text!r} is not a plain {kind}: write the {kind} only (no words, "
            "ranges or symbols), or leave the cell blank if it is unknown",
            f"{kind}s with words, ranges or symbols",
        )
    return (
        f"{text!r} is not a {kind}: write a {kind}, or leave the cell blank if unknown",
        f"text where a {kind} is needed",
    )

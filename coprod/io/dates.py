"""The one date parser of coprod (every loader and analysis function uses it)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from coprod.io.parse import Parsed, _parse_unique, as_text, is_blank

__all__ = [
    "DATE_FORMATS",
    "parse_dates",
]

#: Date formats tried, in order, by :func:`parse_dates`. Day first, never month first.
DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


def parse_dates(
    values: Iterable[Any],
    *,
    formats: Sequence[str] = DATE_FORMATS,
    allow_missing: bool = True,
    min_year: int = 1900,
    max_year: int = 2100,
) -> Parsed:
    """Parse UK-style dates row by row: day first (``03/04/2024`` is 3 April 2024).

    Each value is tried against ``formats`` in order (dd/mm/yyyy and ISO
    yyyy-mm-dd first); month-first US dates are never read. Two-digit years are
    refused, as are years outside ``min_year..max_year``. Dates already stored as
    dates (Excel) are kept. Values are ``datetime64[ns]``; refused values are NaT
    with a reason in ``problems``.
    """
    formats = tuple(formats)

    def one(v: Any) -> tuple[Any, str | None]:
        if is_blank(v):
            if allow_missing:
                return pd.NaT, None
            return pd.NaT, "blank but a date is required: fill in the date (dd/mm/yyyy)"
        if isinstance(v, dt.datetime | pd.Timestamp):
            parsed = pd.Timestamp(v).to_pydatetime()
        elif isinstance(v, dt.date):
            parsed = dt.datetime(v.year, v.month, v.day)
        else:
            text = " ".join(str(v).split())
            parsed = None
            for fmt in formats:
                try:
                    parsed = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            if parsed is None:
                return pd.NaT, _date_reason(text)
        if not min_year <= parsed.year <= max_year:
            return pd.NaT, (
                f"{as_text(v)!r} has year {parsed.year}, outside {min_year}-{max_year}: "
                "check the year"
            )
        return pd.Timestamp(parsed), None

    parsed = _parse_unique(pd.Series(values), one, "object")
    return Parsed(
        values=pd.to_datetime(parsed.values).astype("datetime64[ns]"),
        problems=parsed.problems,
    )


def _date_reason(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            return (
                f"{text!r} has a 2-digit year: write the full year "
                f"(e.g. {m.group(1)}/{m.group(2)}/20{m.group(3)} or 19{m.group(3)})"
            )
        if month > 12 and day <= 12:
            return (
                f"{text!r} is not a date as dd/mm/yyyy (there is no month {month}); it looks "
                f"like US month/day order: write it as {month:02d}/{day:02d}/{year}"
            )
        return f"{text!r} is not a real date as dd/mm/yyyy: check the day and month"
    return (
        f"{text!r} is not a date in a recognised format: write it as dd/mm/yyyy "
        "(e.g. 03/04/2024) or yyyy-mm-dd"
    )

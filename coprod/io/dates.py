"""The one date parser of coprod: every loader and analysis function that turns text into
dates uses it (:func:`parse_dates`, :func:`parse_date_columns`, :func:`parse_date`).

Recognised without options (letters in any case, spaces collapsed):

* ISO and other year-first dates: ``2024-03-01``, ``2024/3/1``, ``2024.03.01``, with a time
  after ``T`` or a space (``2024-03-01T10:30``, ``2024-03-01 10:30:15.250``);
* numeric dates with the year last, separated by ``/``, ``-`` or ``.``: ``01/03/2024``,
  ``3/26/2014 9:18``, ``11/13/2017 01:27:00 PM``, ``3/9/2014 1:06 pm``;
* month names and abbreviations (``Sept`` too): ``14 Jan 2014``, ``14-Jan-2014``,
  ``2014-Jan-14 13:48:01``, ``January 14, 2014``, ``Jan 14 2014``, ``14th January 2014``;
* dates already stored as dates (Excel, Parquet, SPSS), and Excel date numbers
  (``45385`` = 3 April 2024) where the caller says the cells come from Excel.

Times may have seconds, fractions of a second and AM/PM. A time zone (``Z``, ``+01:00``,
``UTC``) is dropped: the clock time as written is kept, and a note says so. Two-digit
years (``03/04/24``) and years outside 1900-2100 are refused with a reason.

Day/month order is decided **per column**, never per value. A value whose first or
second number is above 12 (``26/03/2014``, ``3/26/2014 9:18``) can only be read one
way: that is evidence, and one order is applied to the whole column. A column with
evidence for both orders is an :class:`~coprod.io.InputError` naming an example of
each (with its row). A column with no evidence is read in the order ``date_order=``
gives (day first when not given), and a note says so; read with other date columns of
the same file (:func:`parse_date_columns`), it follows the order they settled. Given
explicitly,
``date_order=`` wins over the evidence: values impossible in that order are refused
with a reason that names the option which would read them. ``date_order="ymd"`` says
the column has its year first: values with the year last are refused.

``date_formats=`` (strptime formats) replaces all of the above: only those formats are
used; a value that two of them read as different dates is refused as ambiguous.

Reasons, notes and errors name the option that would fix them in the syntax of the
place they are shown, as an :class:`OptionSpelling` says (:data:`PYTHON` keywords by
default, :data:`COMMAND_LINE` flags for ``coprod check``).

Speed: each distinct text is parsed once. A text matches a form exactly when its shape
(each digit written as 9) does, so only the few distinct shapes are matched (in
Python), and the numbers of every text are read with numpy at the places its shape's
match gives. Reasons are built per distinct value with pyarrow string joins and
handed on as dictionary arrays, so a column where every value fails costs no more
than one that loads (``benchmarks/bench_dates.py``: a million month-first dates with
times in about a third of the time of ``pandas.to_datetime`` given the format).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import shlex
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import plural
from coprod.io.parse import as_text, is_blank
from coprod.io.result import InputError

__all__ = [
    "COMMAND_LINE",
    "DATE_ORDERS",
    "DateSettings",
    "PYTHON",
    "OptionSpelling",
    "ParsedDates",
    "check_date_options",
    "finish_scans",
    "parse_date",
    "parse_date_columns",
    "parse_dates",
    "scan_dates",
]

#: Accepted ``date_order=`` values: day first, month first, year first.
DATE_ORDERS = ("dmy", "mdy", "ymd")

_WORDS = {"dmy": "day first", "mdy": "month first", "ymd": "year first"}
_SHAPES = {"dmy": "dd/mm/yyyy", "mdy": "mm/dd/yyyy", "ymd": "yyyy-mm-dd"}
_FORMAT_EXAMPLE = {"dmy": "%d/%m/%Y %H:%M", "mdy": "%m/%d/%Y %H:%M", "ymd": "%Y-%m-%d %H:%M"}
_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


# --------------------------------------------------------------------------- option spelling


@dataclass(frozen=True)
class OptionSpelling:
    """How messages write the date options, so each names the fix where it is shown.

    ``PYTHON`` (the default) writes keywords of the function called
    (``date_order='mdy'``, ``date_formats=['%Y-%b-%d %H:%M:%S']``); with ``via`` they are
    keywords of another call (``coprod.io.parse_dates(..., date_order='mdy')``) for
    functions that take no date options. ``COMMAND_LINE`` writes the flags of
    ``coprod check`` (``--date-order mdy``, ``--date-format '%Y-%b-%d %H:%M:%S'``).
    """

    command_line: bool = False
    via: str | None = None

    def order(self, order: str) -> str:
        """The option that sets the day/month order."""
        if self.command_line:
            return f"--date-order {order}"
        return self._call(f"date_order={order!r}")

    def formats(self, formats: Sequence[str]) -> str:
        """The option that gives strptime formats."""
        if self.command_line:
            return " ".join(f"--date-format {shlex.quote(f)}" for f in formats)
        return self._call(f"date_formats={list(formats)!r}")

    def _call(self, keyword: str) -> str:
        return f"{self.via}(..., {keyword})" if self.via else keyword


#: Messages name Python keywords (``date_order='mdy'``).
PYTHON = OptionSpelling()
#: Messages name the flags of ``coprod check`` (``--date-order mdy``).
COMMAND_LINE = OptionSpelling(command_line=True)


def check_date_options(
    date_order: str | None,
    date_formats: Sequence[str] | None,
    spelling: OptionSpelling = PYTHON,
) -> tuple[str | None, tuple[str, ...] | None]:
    """Validate ``date_order=`` and ``date_formats=``; return them as (order, formats).

    Raises :class:`~coprod.io.InputError` (in ``spelling``) for an unknown order, formats
    that are not a list of strptime formats with a 4-digit year (``%Y``; ``%y`` is
    refused), or both options at once.
    """
    if date_order is not None and date_order not in DATE_ORDERS:
        raise InputError(
            f"unknown date order {date_order!r}: expected one of {', '.join(DATE_ORDERS)}",
            fix=f"pass e.g. {spelling.order('dmy')} (day first) or {spelling.order('mdy')} "
            "(month first), or leave it out to decide from the values",
        )
    if date_formats is None:
        return date_order, None
    example = spelling.formats(["%d/%m/%Y", "%Y-%m-%d"])
    if isinstance(date_formats, str) or not isinstance(date_formats, Sequence | Iterable):
        raise InputError(
            f"date formats must be a list of strptime formats, got {date_formats!r}",
            fix=f"pass e.g. {example}, or leave it out",
        )
    formats = tuple(date_formats)
    if not formats or not all(isinstance(f, str) and "%" in f for f in formats):
        raise InputError(
            f"date formats must be a list of strptime formats, got {date_formats!r}",
            fix=f"pass e.g. {example}, or leave it out",
        )
    sample = dt.datetime(2001, 2, 3, 4, 5, 6)
    for fmt in formats:
        if "%y" in fmt.replace("%%", ""):
            raise InputError(
                f"date format {fmt!r} has a 2-digit year (%y): coprod does not guess the century",
                fix="write the years in full in the file and use %Y",
            )
        try:
            ok = (
                "%Y" in fmt.replace("%%", "")
                and dt.datetime.strptime(sample.strftime(fmt), fmt).year == 2001
            )
        except ValueError:
            ok = False
        if not ok:
            raise InputError(
                f"date format {fmt!r} is not a strptime format with a 4-digit year (%Y)",
                fix=f"pass e.g. {example} (see the strptime codes of Python's datetime)",
            )
    if date_order is not None:
        raise InputError(
            "both a date order and date formats were given: the formats already fix the order",
            fix=f"pass {spelling.formats(list(formats))} alone, or {spelling.order(date_order)} "
            "alone",
        )
    return None, formats


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class ParsedDates:
    """What :func:`parse_dates` returns for one column.

    ``ns``: int64 nanoseconds since 1970 (``numpy.iinfo(int64).min`` where missing or
    refused); ``bad``: the positions refused, ascending, and ``reasons`` one reason each
    (``reason_array``: the same as a pyarrow array; ``kind_array`` and ``kinds``: the
    short kind of each, as a quarantine counts them);
    ``order``: the day/month order applied (``"dmy"``, ``"mdy"``, ``"ymd"``; or None when
    ``date_formats=`` were used); ``notes``: how the column was read, for a load result's
    notes. ``values`` and ``problems`` are Series aligned to the input, as from the other
    value parsers (:class:`coprod.io.Parsed`).
    """

    ns: np.ndarray
    bad: np.ndarray
    reason_array: Any  # pyarrow (dictionary) text array: one reason per position in ``bad``
    kind_array: Any  # the same for the kind of each problem (e.g. "dates that do not exist")
    order: str | None
    notes: tuple[str, ...] = ()
    index: pd.Index | None = None
    name: Any = None

    @cached_property
    def reasons(self) -> list[str]:
        """One reason per position in ``bad``."""
        return self.reason_array.to_pylist()

    @cached_property
    def values(self) -> pd.Series:
        """The dates, ``datetime64[ns]`` (NaT where blank or refused)."""
        index = pd.RangeIndex(len(self.ns)) if self.index is None else self.index
        return pd.Series(self.ns.view("datetime64[ns]"), index=index, name=self.name, copy=False)

    @cached_property
    def problems(self) -> pd.Series:
        """The reason each refused value was refused, ``<NA>`` where fine."""
        reasons = np.full(len(self.ns), None, dtype=object)
        reasons[self.bad] = self.reasons
        return pd.Series(reasons, index=self.values.index, dtype="str", name=self.name)

    @cached_property
    def kinds(self) -> pd.Series:
        """The kind of each refusal (e.g. ``"dates in no recognised form"``), ``<NA>``
        where fine: what a quarantine counts problems by."""
        kinds = np.full(len(self.ns), None, dtype=object)
        kinds[self.bad] = self.kind_array.to_pylist()
        return pd.Series(kinds, index=self.values.index, dtype="str", name=self.name)

    @property
    def ok(self) -> pd.Series:
        """True where the value was accepted (including allowed blanks)."""
        return self.problems.isna()

    @property
    def timed(self) -> bool:
        """Whether any date has a time of day."""
        return bool(np.any((self.ns % _NS_PER_DAY != 0) & (self.ns != _NAT)))


# --------------------------------------------------------------------------- public functions


def parse_dates(
    values: Any,
    *,
    date_order: str | None = None,
    date_formats: Sequence[str] | None = None,
    column: str | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    allow_missing: bool = True,
    excel_serials: bool = False,
    file: Any = None,
    spelling: OptionSpelling = PYTHON,
    min_year: int = 1900,
    max_year: int = 2100,
) -> ParsedDates:
    """Parse one column of dates (see the module docstring for what is read and how).

    Parameters
    ----------
    values:
        A Series, a list or array, or a pyarrow text array: text, dates already stored
        as dates, or (with ``excel_serials=True``) Excel date numbers.
    date_order:
        ``None`` (default): decided from the values that settle it; a column where
        nothing does is read day first, with a note. ``"dmy"``, ``"mdy"`` or ``"ymd"``:
        read in that order; values impossible in it are refused naming the option.
    date_formats:
        strptime formats (with ``%Y``); when given, only these are used.
    column, rows, file:
        Named in notes, reasons and errors: the column's name, each value's row number
        as a spreadsheet shows it, and the file.
    allow_missing:
        Whether a blank is fine (else refused).
    excel_serials:
        Read numbers as Excel date numbers (for cells read from an Excel workbook).
    spelling:
        How messages write the options (:data:`PYTHON` or :data:`COMMAND_LINE`).
    min_year, max_year:
        Years outside this range are refused.

    Raises
    ------
    InputError
        The column has values that can only be day/month and others that can only be
        month/day (examples of each are named), or the options are invalid.
    """
    return parse_date_columns(
        {column: values},
        date_order=date_order,
        date_formats=date_formats,
        rows=rows,
        allow_missing=allow_missing,
        excel_serials=excel_serials,
        file=file,
        spelling=spelling,
        min_year=min_year,
        max_year=max_year,
    )[column]


def parse_date_columns(
    columns: Mapping[Any, Any],
    *,
    date_order: str | None = None,
    date_formats: Sequence[str] | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    allow_missing: bool | Mapping[Any, bool] = True,
    excel_serials: bool = False,
    file: Any = None,
    spelling: OptionSpelling = PYTHON,
    min_year: int = 1900,
    max_year: int = 2100,
) -> dict[Any, ParsedDates]:
    """Parse several date columns of one file: ``{column name: values}`` -> ``{name: ParsedDates}``.

    As :func:`parse_dates` for each column, except that a column where no value settles
    the day/month order follows the order the other columns settled (when they agree),
    with a note, instead of the default: a log whose ``received`` dates show it is
    month first reads its ``closed`` dates month first too. ``allow_missing`` may be a
    mapping per column.
    """
    settings = DateSettings.from_options(
        date_order,
        date_formats,
        spelling=spelling,
        excel_serials=excel_serials,
        min_year=min_year,
        max_year=max_year,
    )
    scans = {
        col: scan_dates(values, settings, column=col, rows=rows) for col, values in columns.items()
    }
    return finish_scans(scans, settings, allow_missing=allow_missing, file=file)


def parse_date(
    value: Any,
    *,
    what: str = "date",
    date_order: str | None = None,
    spelling: OptionSpelling = PYTHON,
) -> pd.Timestamp:
    """One date given as an argument (``start=``, ``as_of=``, a rebase date): a date or
    datetime is kept; text is read as by :func:`parse_dates` (``'01/02/2024'`` is 1
    February unless ``date_order='mdy'``). Raises ValueError naming ``what`` and why."""
    if isinstance(value, pd.Period):
        return value.to_timestamp()
    if isinstance(value, dt.date | np.datetime64 | pd.Timestamp):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            raise ValueError(f"{what} is missing (NaT)")
        return stamp
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a date or a date as text, not {value!r}")
    parsed = parse_dates([value], date_order=date_order, allow_missing=False, spelling=spelling)
    if len(parsed.bad):
        raise ValueError(f"{what}: {parsed.reasons[0]}")
    return pd.Timestamp(int(parsed.ns[0]))


# --------------------------------------------------------------------------- scanning


@dataclass(frozen=True)
class DateSettings:
    """The date options of one load, checked (make it with :meth:`from_options`)."""

    order: str | None
    formats: tuple[str, ...] | None
    spelling: OptionSpelling = PYTHON
    excel_serials: bool = False
    min_year: int = 1900
    max_year: int = 2100

    @classmethod
    def from_options(
        cls,
        date_order: str | None = None,
        date_formats: Sequence[str] | None = None,
        *,
        spelling: OptionSpelling = PYTHON,
        excel_serials: bool = False,
        min_year: int = 1900,
        max_year: int = 2100,
    ) -> DateSettings:
        """Check ``date_order=`` and ``date_formats=`` (:func:`check_date_options`)."""
        order, formats = check_date_options(date_order, date_formats, spelling)
        return cls(order, formats, spelling, excel_serials, min_year, max_year)


# states of a distinct value
_OK, _BLANK, _YEAR_LAST, _REFUSED, _UNRECOGNISED = 0, 1, 2, 3, 4


class _Reasons:
    """Reasons of distinct values, kept as the pyarrow arrays they were built as, each
    part with its kind (positions, texts, kind); a later reason for a position replaces
    an earlier one."""

    def __init__(self, parts: list[tuple[np.ndarray, Any, str]] | None = None) -> None:
        self.parts = list(parts or [])

    def put(self, positions: Any, texts: Any, kind: str) -> None:
        import pyarrow as pa

        positions = np.asarray(positions, dtype=np.int64)
        if len(positions):
            if not isinstance(texts, pa.Array):
                texts = pa.array(list(texts), type=pa.large_string())
            self.parts.append((positions, texts.cast(pa.large_string()), kind))

    def shifted(self, by: int) -> _Reasons:
        return _Reasons([(pos + by, texts, kind) for pos, texts, kind in self.parts])

    def take(self, k: int, codes: np.ndarray) -> tuple[Any, Any]:
        """(reasons, kinds) of the distinct values ``codes`` (each must have a reason), as
        pyarrow dictionary arrays: each distinct reason is stored once, rows point at it."""
        import pyarrow as pa

        kinds = list(dict.fromkeys(kind for _, _, kind in self.parts))
        kind_of = np.zeros(k, dtype=np.int64)
        for positions, _, kind in self.parts:
            kind_of[positions] = kinds.index(kind)
        if not self.parts:
            texts, where = pa.array([], type=pa.large_string()), np.zeros(k, dtype=np.int64)
        elif (
            len(self.parts) == 1
            and len(self.parts[0][0]) == k
            and (self.parts[0][0] == np.arange(k)).all()
        ):
            texts, where = self.parts[0][1], None
        else:
            where = np.full(k, -1, dtype=np.int64)
            start = 0
            for positions, part, _ in self.parts:
                where[positions] = np.arange(start, start + len(part))
                start += len(part)
            texts = pa.concat_arrays([t for _, t, _ in self.parts])
        indices = codes if where is None else where[codes]
        reasons = pa.DictionaryArray.from_arrays(pa.array(indices, type=pa.int64()), texts)
        kind_texts = pa.array(kinds, type=pa.large_string())
        kind_array = pa.DictionaryArray.from_arrays(pa.array(kind_of[codes]), kind_texts)
        return reasons, kind_array


@dataclass(eq=False)
class DateScan:
    """One column's distinct values parsed as far as they can be without its day/month
    order (made by :func:`scan_dates`; :func:`finish_scans` decides and finishes).

    Per distinct value: ``state`` (ok, blank, year last (waiting for the order),
    refused with a reason already written, unrecognised), ``ns`` when ok, ``reason``
    when refused. Values with the year last keep their first and second numbers, year
    and time of day. ``codes`` maps each row to its distinct value.
    """

    codes: np.ndarray
    state: np.ndarray
    ns: np.ndarray
    reason: _Reasons  # of the distinct values whose state is _REFUSED
    column: Any = None
    rows: np.ndarray | None = None
    index: pd.Index | None = None
    name: Any = None
    text: Any = None  # pyarrow array of the distinct values as shown in messages
    cells: list[Any] = field(default_factory=list)  # distinct cells that were not text
    first: np.ndarray | None = None  # numbers of the year-last values, by distinct value
    second: np.ndarray | None = None
    year: np.ndarray | None = None
    clock: np.ndarray | None = None  # time of day in ns
    zoned: np.ndarray | None = None  # distinct values that carried a time zone
    serials: np.ndarray | None = None  # distinct values read as Excel date numbers
    named_months: bool = False
    named: np.ndarray | None = None  # distinct values with a month name (and a 4-digit year)
    direct: bool = False  # already datetime64: ns per row in ``ns``
    weights: np.ndarray | None = None  # rows per position, when positions are distinct values

    def n_rows(self, mask: np.ndarray) -> int:
        """Rows whose distinct value is in ``mask``."""
        hit = mask[self.codes]
        return int(np.count_nonzero(hit) if self.weights is None else self.weights[hit].sum())

    # ---- evidence

    @cached_property
    def _valid(self) -> tuple[np.ndarray, np.ndarray]:
        """(real dates day first, real dates month first) of the year-last values."""
        last = self.state == _YEAR_LAST
        a, b, y = self.first, self.second, self.year
        return last & _real_dates(y, b, a), last & _real_dates(y, a, b)

    @cached_property
    def evidence(self) -> dict[str, np.ndarray]:
        """{order: mask over distinct values that can only be read in that order}."""
        if self.first is None:
            return {}
        last = self.state == _YEAR_LAST
        a, b = self.first, self.second
        valid_dmy, valid_mdy = self._valid
        out = {}
        dmy = last & (a > 12) & (b <= 12) & valid_dmy
        mdy = last & (b > 12) & (a <= 12) & valid_mdy
        if dmy.any():
            out["dmy"] = dmy
        if mdy.any():
            out["mdy"] = mdy
        return out

    @cached_property
    def ambiguous(self) -> bool:
        """Whether some value reads as two different real dates day and month first."""
        if self.first is None:
            return False
        valid_dmy, valid_mdy = self._valid
        both = (self.first != self.second) & valid_dmy & valid_mdy
        return bool(both.any())

    def example(self, mask: np.ndarray) -> str:
        """The first value (in row order) among the distinct values in ``mask``, quoted,
        with its row: ``'3/26/2014 9:18' (row 4)``."""
        pos = int(np.flatnonzero(mask[self.codes])[0])
        code = int(self.codes[pos])
        n_text = len(self.text) - len(self.cells)
        text = repr(
            self.text[code].as_py() if code < n_text else as_text(self.cells[code - n_text])
        )
        if self.rows is not None:
            return f"{text} (row {int(self.rows[pos])})"
        return text

    def representatives(self) -> np.ndarray:
        """The distinct values (positions) that decide the column's day/month order and
        the notes on it: the first, in row order, of each kind :func:`decide_orders`
        looks at (year last, settled, only day/month, only month/day, readable both
        ways, with a month name). A scan of just these decides as the whole column does,
        which lets a column too big to scan at once be read in chunks."""
        masks = [self.state == _YEAR_LAST, self.state == _OK, *self.evidence.values()]
        if self.first is not None:
            valid_dmy, valid_mdy = self._valid
            masks.append((self.first != self.second) & valid_dmy & valid_mdy)
        if self.named is not None:
            masks.append(self.named)
        picked = set()
        for mask in masks:
            hit = np.flatnonzero(mask[self.codes])
            if len(hit):
                picked.add(int(self.codes[hit[0]]))
        return np.array(sorted(picked), dtype=np.int64)

    def prefix(self) -> str:
        return f"column {self.column!r}: " if self.column is not None else ""


def scan_dates(
    values: Any,
    settings: DateSettings,
    *,
    column: Any = None,
    rows: Sequence[int] | np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> DateScan:
    """Parse a column's distinct values as far as possible before the order is known.

    ``weights``: how many rows each value stands for, when ``values`` are already the
    distinct values of a column held elsewhere (an out-of-core engine) and ``rows`` their
    first rows: notes then count rows, not values."""
    import pyarrow as pa

    index = values.index if isinstance(values, pd.Series) else None
    name = values.name if isinstance(values, pd.Series) else None
    row_numbers = None if rows is None else np.asarray(rows)
    common = {
        "column": column,
        "rows": row_numbers,
        "index": index,
        "name": name,
        "weights": None if weights is None else np.asarray(weights, dtype=np.int64),
    }

    if isinstance(values, pd.Series | pd.Index) and pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        stamps = pd.Series(values)
        zoned = getattr(stamps.dtype, "tz", None) is not None
        if zoned:
            stamps = stamps.dt.tz_localize(None)
        ns = stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)
        scan = DateScan(
            codes=np.zeros(len(ns), dtype=np.int64),
            state=np.zeros(0, dtype=np.int8),
            ns=ns,
            reason=_Reasons(),
            direct=True,
            **common,
        )
        return scan
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        text = values.cast(pa.large_string())
        if text.null_count:
            text = text.fill_null("")
        return _scan_text(text, None, None, settings, **common)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(series.dtype, pd.StringDtype):
        arr = pa.array(series.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.cast(pa.large_string())
        return _scan_text(
            arr.fill_null("") if arr.null_count else arr, None, None, settings, **common
        )
    cells = series.tolist()
    if all(type(v) is str for v in cells):
        return _scan_text(pa.array(cells, type=pa.large_string()), None, None, settings, **common)
    # a mix of text and stored values (Excel, Parquet, SPSS): text is parsed vectorised,
    # the other cells once per distinct value
    is_text = np.fromiter((type(v) is str for v in cells), dtype=bool, count=len(cells))
    text_pos = np.flatnonzero(is_text)
    texts = pa.array([cells[i] for i in text_pos.tolist()], type=pa.large_string())
    other_pos = np.flatnonzero(~is_text)
    objects = [cells[i] for i in other_pos.tolist()]
    return _scan_text(texts, text_pos, (other_pos, objects), settings, **common)


def _scan_text(
    texts: Any,
    text_pos: np.ndarray | None,
    objects: tuple[np.ndarray, list[Any]] | None,
    settings: DateSettings,
    **common: Any,
) -> DateScan:
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(texts)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    uniq = encoded.dictionary
    k = len(uniq)
    shown_arr, low, python = _normalise(uniq)
    state = np.full(k, _UNRECOGNISED, dtype=np.int8)
    ns = np.full(k, _NAT, dtype=np.int64)
    reason = _Reasons()
    blank = pc.equal(pc.binary_length(shown_arr), 0).to_numpy(zero_copy_only=False)
    state[blank] = _BLANK
    scan_parts: dict[str, Any] = {}
    if settings.formats is not None:
        _scan_formats(shown_arr, low, python, state, ns, reason, settings)
    else:
        scan_parts = _scan_forms(shown_arr, low, state, ns, reason, settings)

    cells_out: list[Any] = []
    if objects is not None:
        other_pos, cells = objects
        row_codes = np.empty(len(texts) + len(cells), dtype=np.int64)
        row_codes[text_pos] = codes
        o_codes, o_shown, o_state, o_ns, o_reason, serial = _scan_objects(cells, settings)
        row_codes[other_pos] = o_codes + k
        codes = row_codes
        cells_out = o_shown
        state = np.concatenate([state, o_state])
        ns = np.concatenate([ns, o_ns])
        reason.parts += o_reason.shifted(k).parts
        shown_arr = pa.concat_arrays(
            [shown_arr, pa.array([as_text(v) for v in o_shown], type=pa.large_string())]
        )
        for key in ("first", "second", "year", "clock"):
            if key in scan_parts:
                scan_parts[key] = np.concatenate(
                    [scan_parts[key], np.zeros(len(o_shown), dtype=np.int64)]
                )
        for key in ("zoned", "named"):
            mask = scan_parts.get(key, np.zeros(k, dtype=bool))
            scan_parts[key] = np.concatenate([mask, np.zeros(len(o_shown), dtype=bool)])
        scan_parts["serials"] = np.concatenate([np.zeros(k, dtype=bool), serial])
    return DateScan(
        codes=codes,
        state=state,
        ns=ns,
        reason=reason,
        text=shown_arr,
        cells=cells_out,
        **scan_parts,
        **common,
    )


def _normalise(uniq: Any) -> tuple[Any, Any, np.ndarray]:
    """(distinct texts trimmed with inner spaces collapsed, as shown in messages; the same
    lowercased, for matching; which were not ASCII and were normalised in Python:
    Unicode spaces and digits such as ``\\u00a0`` and Arabic-Indic digits)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ascii_ = pc.string_is_ascii(uniq).to_numpy(zero_copy_only=False)
    shown = pc.utf8_trim(uniq, characters=_ASCII_SPACE)
    if pc.any(
        pc.match_substring_regex(
            shown, pattern=r"[\t\n\x0b\x0c\r\x1c-\x1f ]{2}|[\t\n\x0b\x0c\r\x1c-\x1f]"
        )
    ).as_py():
        shown = pc.replace_substring_regex(
            shown, pattern="[\t\n\x0b\x0c\r\x1c-\x1f ]+", replacement=" "
        )
    python = ~ascii_
    if python.any():
        pos = np.flatnonzero(python)
        fixed = [_python_normalise(v) for v in uniq.take(pa.array(pos)).to_pylist()]
        mask = np.zeros(len(uniq), dtype=bool)
        mask[pos] = True
        shown = pc.replace_with_mask(shown, pa.array(mask), pa.array(fixed, type=shown.type))
    return shown, pc.ascii_lower(shown), python


def _python_normalise(text: str) -> str:
    text = " ".join(text.split())
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in text
    )


# ---- the recognised forms

# Regular expressions over the lowercased text. None constrains a digit's value, so a
# text matches one exactly when its *shape* (each ASCII digit written as 9) does: the
# few distinct shapes are matched in Python, and the digits of every value read with
# numpy at the places the match of its shape gives.
_TIME = (
    r"(?:(?:t|,? )(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?"
    r"(?: ?(?P<P>[ap])\.?m\.?)?(?: ?(?P<Z>z|utc|gmt|[+-]\d{2}(?::?\d{2})?))?)?"
)
_MON = r"(?P<mon>[a-z]{3,9})\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_FORMS = (
    # numeric: 2024-03-01, 01/03/2024, 3/26/2014 9:18, 11/13/2017 01:27:00 PM
    r"(?P<a>\d{1,4})(?P<s1>[/.-])(?P<b>\d{1,2})(?P<s2>[/.-])(?P<c>\d{1,4})",
    # 14 Jan 2014, 14-Jan-2014, 14th January 2014
    r"(?P<d>\d{1,2})" + _ORDINAL + r"[ /.-]?" + _MON + r"(?:[ /.-]|, ?)?(?P<y>\d{1,4})",
    # 2014-Jan-14 13:48:01
    r"(?P<y>\d{4})[ /.-]" + _MON + r"[ /.-](?P<d>\d{1,2})",
    # January 14, 2014; Jan 14 2014
    _MON + r"[ /.-](?P<d>\d{1,2})" + _ORDINAL + r"(?:, ?| |[/.-])(?P<y>\d{1,4})",
)
_FORM_RES = tuple(re.compile(form + _TIME, re.ASCII) for form in _FORMS)
#: All forms in one RE2 pattern (no group names), to pick the texts worth reading.
_ANY_FORM = "^(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", f + _TIME) for f in _FORMS) + ")$"
_MONTHS = {
    **{m.lower(): i for i, m in enumerate(calendar.month_name) if m},
    **{m.lower(): i for i, m in enumerate(calendar.month_abbr) if m},
    "sept": 9,
}
_FIELDS = ("a", "b", "c", "d", "y", "H", "M", "S", "F")
_NINE = np.arange(256, dtype=np.uint8)
_NINE[48:58] = ord("9")


def _shape_table(shapes: list[str]) -> dict[str, np.ndarray]:
    """Per distinct shape: which form matched (-1: none), where each number starts and
    how long it is, and what the letters say (month, AM/PM, zone, equal separators)."""
    m = len(shapes)
    table: dict[str, np.ndarray] = {
        "form": np.full(m, -1, dtype=np.int64),
        "month": np.zeros(m, dtype=np.int64),
        "ampm": np.zeros(m, dtype=bool),
        "pm": np.zeros(m, dtype=bool),
        "zone": np.zeros(m, dtype=bool),
        "same_sep": np.ones(m, dtype=bool),
    }
    for f in _FIELDS:
        table[f + "_at"] = np.zeros(m, dtype=np.int64)
        table[f + "_len"] = np.zeros(m, dtype=np.int64)
    for i, shape in enumerate(shapes):
        for form, pattern in enumerate(_FORM_RES):
            found = pattern.fullmatch(shape)
            if found is None:
                continue
            groups = found.groupdict()
            if form:
                month = _MONTHS.get(groups["mon"], 0)
                if not month:
                    continue  # another word: try the other forms
                table["month"][i] = month
            else:
                table["same_sep"][i] = groups["s1"] == groups["s2"]
            table["form"][i] = form
            for f in _FIELDS:
                if groups.get(f) is not None:
                    table[f + "_at"][i], end = found.span(f)
                    table[f + "_len"][i] = end - table[f + "_at"][i]
            if groups["P"]:
                table["ampm"][i] = True
                table["pm"][i] = groups["P"] == "p"
            table["zone"][i] = bool(groups["Z"])
            break
    return table


def _read_forms(low: Any) -> dict[str, np.ndarray]:
    """The numbers of each text (ASCII, lowercased; each matching one of the forms), by
    the match of its shape: ``form`` (-1 where none), the numbers ``a, b, c`` (numeric
    form) or ``d, y`` and ``month`` (named forms), their lengths (``*_len``), the time of
    day (``clock``, ns), whether it is a real time (``valid_time``), ``zone``, ``same_sep``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(low)
    offsets = np.frombuffer(low.buffers()[1], dtype=np.int64, count=n + 1, offset=low.offset * 8)
    data = np.frombuffer(low.buffers()[2] or b"\0", dtype=np.uint8)
    shaped = _NINE[data]
    shapes = pa.Array.from_buffers(
        pa.large_string(), n + low.offset, [None, low.buffers()[1], pa.py_buffer(shaped)]
    ).slice(low.offset)
    encoded = pc.dictionary_encode(shapes)
    code = encoded.indices.to_numpy(zero_copy_only=False)
    table = _shape_table(encoded.dictionary.to_pylist())
    out = {key: table[key][code] for key in ("form", "month", "ampm", "pm", "zone", "same_sep")}
    present = [f for f in _FIELDS if table[f + "_len"].any()]
    for f in _FIELDS:
        out[f] = np.zeros(n, dtype=np.int64)
        if f in ("a", "b", "c", "y", "F"):
            out[f + "_len"] = table[f + "_len"][code] if f in present else out[f]
    # the values of one shape have the same length and their numbers at the same places:
    # gather each shape's bytes as a matrix, and read each number from its columns
    starts = offsets[:-1]
    for sc in np.flatnonzero(table["form"] >= 0).tolist():
        members = np.flatnonzero(code == sc)
        if not len(members):
            continue
        width = max(int(table[f + "_at"][sc] + table[f + "_len"][sc]) for f in present)
        block = data[starts[members, None] + np.arange(width)]
        for f in present:
            at, length = int(table[f + "_at"][sc]), int(table[f + "_len"][sc])
            if length:
                value = block[:, at].astype(np.int64) - 48
                for i in range(at + 1, at + length):
                    value = value * 10 + (block[:, i] - 48)
                out[f][members] = value
    hour, minute, second = out["H"], out["M"], out["S"]
    ampm, pm = out["ampm"], out["pm"]
    valid = (minute <= 59) & (second <= 59)
    valid &= np.where(ampm, (hour >= 1) & (hour <= 12), hour <= 23)
    hour = np.where(ampm, hour % 12 + 12 * pm, hour)
    fraction = out["F"] * 10 ** (9 - np.minimum(out["F_len"], 9))
    out["clock"] = ((hour * 60 + minute) * 60 + second) * 10**9 + fraction
    out["valid_time"] = valid
    return out


_DAYS_IN_MONTH = np.array([31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _real_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """True where year, month and day make a real date (any year 1-9999)."""
    ok = (year >= 1) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = _DAYS_IN_MONTH[np.clip(month, 0, 12)] + (leap & (month == 2))
    return ok & (day <= days)


def _day_numbers(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of real dates (proleptic Gregorian; H. Hinnant's
    ``days_from_civil``)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _scan_forms(
    shown: Any,
    low: Any,
    state: np.ndarray,
    ns: np.ndarray,
    reason: _Reasons,
    settings: DateSettings,
) -> dict[str, Any]:
    """Read the recognised forms (no ``date_formats=``): fills ``state``, ``ns`` and
    ``reason`` of the distinct values, and returns the numbers of year-last values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    k = len(low)
    first = np.zeros(k, dtype=np.int64)
    second = np.zeros(k, dtype=np.int64)
    year = np.zeros(k, dtype=np.int64)
    clock = np.zeros(k, dtype=np.int64)
    zoned = np.zeros(k, dtype=bool)
    parts = {"first": first, "second": second, "year": year, "clock": clock, "zoned": zoned}
    parts["named_months"] = False
    todo = np.flatnonzero(state == _UNRECOGNISED)
    if not len(todo):
        return parts
    todo = todo[
        pc.match_substring_regex(low.take(pa.array(todo)), pattern=_ANY_FORM).to_numpy(
            zero_copy_only=False
        )
    ]
    if not len(todo):
        return parts
    got = _read_forms(low.take(pa.array(todo)))
    form = got["form"]
    zoned[todo] = got["zone"]
    lo, hi = settings.min_year, settings.max_year

    numeric = (form == 0) & got["same_sep"]
    la, lb, lc = got["a_len"], got["b_len"], got["c_len"]
    small = numeric & (la <= 2) & (lb <= 2)
    year_last = small & (lc == 4)
    two_digit = (small & (lc == 2)) | ((form > 0) & (got["y_len"] == 2))
    year_first = numeric & (la == 4) & (lb <= 2) & (lc <= 2)
    named = (form > 0) & (got["y_len"] == 4)
    parts["named_months"] = bool(named.any())
    parts["named"] = np.zeros(k, dtype=bool)
    parts["named"][todo] = named
    # year first and month names: settled now
    y = np.where(year_first, got["a"], got["y"])
    m = np.where(year_first, got["b"], got["month"])
    d = np.where(year_first, got["c"], got["d"])
    settled = year_first | named
    real = _real_dates(y, m, d)
    valid_time = got["valid_time"]
    in_range = (y >= lo) & (y <= hi)
    good = settled & real & valid_time & in_range
    ns[todo[good]] = _day_numbers(y[good], m[good], d[good]) * _NS_PER_DAY + got["clock"][good]
    state[todo[good]] = _OK
    two_digit_years = np.where(form > 0, got["y"], got["c"])
    refusals = [
        (two_digit, _TWO_DIGIT, lambda pos, sel: _two_digit_reasons(shown, pos, two_digit_years[sel])),
        (settled & ~real, _NOT_REAL_KIND, lambda pos, sel: _joined(shown, pos, _NOT_REAL)),
        ((settled | year_last) & ~valid_time, _NO_TIME_KIND, lambda pos, sel: _joined(shown, pos, _NO_TIME)),
        (settled & real & valid_time & ~in_range, _years_kind(lo, hi), lambda pos, sel: _year_reasons(shown, pos, y[sel], lo, hi)),
    ]  # fmt: skip
    for mask, kind, make in refusals:
        mask = mask & (state[todo] != _REFUSED)
        if mask.any():
            pos = todo[mask]
            reason.put(pos, make(pos, mask), kind)
            state[pos] = _REFUSED
    # year last: their order is decided with the other values of the column
    waiting = year_last & valid_time
    pos = todo[waiting]
    state[pos] = _YEAR_LAST
    first[pos], second[pos] = got["a"][waiting], got["b"][waiting]
    year[pos], clock[pos] = got["c"][waiting], got["clock"][waiting]
    return parts


# ---- reasons, built per distinct value with vectorised joins

_NOT_REAL = " is not a real date: check the day and month"
_NO_TIME = " has no such time of day: check the time"
# kinds of problem (a quarantine counts problems by kind)
_UNRECOGNISED_KIND = "dates in no recognised form"
_NOT_REAL_KIND = "dates that do not exist"
_NO_TIME_KIND = "times of day that do not exist"
_TWO_DIGIT = "dates with a 2-digit year"
_BLANK_KIND = "blank but required"


def _years_kind(lo: int, hi: int) -> str:
    return f"years outside {lo}-{hi}"


def _quoted(shown: Any, pos: np.ndarray) -> Any:
    """The distinct texts at ``pos`` as Python's repr writes them (``'3/26/2014'``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    part = shown.take(pa.array(pos))
    quote = pa.scalar("'", part.type)
    out = pc.binary_join_element_wise(quote, part, quote, pa.scalar("", part.type))
    odd = pc.match_substring_regex(part, pattern=r"['\\]|[^ -~]").to_numpy(zero_copy_only=False)
    if odd.any():
        fixed = [repr(v) for v in part.filter(pa.array(odd)).to_pylist()]
        out = pc.replace_with_mask(out, pa.array(odd), pa.array(fixed, type=part.type))
    return out


def _concat_text(*parts: Any) -> Any:
    """Join text arrays and plain strings element-wise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = [p for p in parts if not isinstance(p, str)]
    kind = arrays[0].type if arrays else pa.large_string()
    args = [pa.scalar(p, kind) if isinstance(p, str) else p.cast(kind) for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", kind))


def _joined(shown: Any, pos: np.ndarray, *rest: Any) -> Any:
    return _concat_text(_quoted(shown, pos), *rest)


def _two_digit_reasons(shown: Any, pos: np.ndarray, years: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    yy = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(years, dtype=np.int64)), pa.large_string()),
        width=2,
        padding="0",
    )
    return _joined(
        shown, pos, " has a 2-digit year: write the year in full (20", yy, " or 19", yy, ")"
    )


def _year_reasons(shown: Any, pos: np.ndarray, years: np.ndarray, lo: int, hi: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(pa.array(np.asarray(years, dtype=np.int64)), pa.large_string())
    return _joined(shown, pos, " has year ", text, f", outside {lo}-{hi}: check the year")


# ---- explicit formats

_DIRECTIVES = {
    # the regular expressions of CPython's _strptime, so a match here is a match there
    "d": r"(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])",
    "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "Y": r"(?P<Y>\d\d\d\d)",
    "H": r"(?P<H>2[0-3]|[0-1]\d|\d)",
    "I": r"(?P<I>1[0-2]|0[1-9]|[1-9])",
    "M": r"(?P<M>[0-5]\d|\d)",
    "S": r"(?P<S>6[0-1]|[0-5]\d|\d)",
    "f": r"(?P<f>[0-9]{1,6})",
}


def _month_names(directive: str) -> list[str]:
    names = calendar.month_name if directive == "B" else calendar.month_abbr
    return [str(n).lower() for n in names[1:]]


def _am_pm() -> tuple[str, str]:
    return tuple(  # type: ignore[return-value]
        time.strftime("%p", (2000, 1, 1, h, 0, 0, 5, 1, 0)).lower() for h in (1, 13)
    )


def _fast_pattern(fmt: str) -> tuple[str, str] | None:
    """(RE2 pattern, month directive) matching exactly what ``strptime(fmt)`` accepts
    for ASCII text with single spaces, or None if ``fmt`` is not supported here."""
    parts: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%":
            if i + 1 >= len(fmt):
                return None
            d = fmt[i + 1]
            i += 2
            if d == "%":
                parts.append("%")
                continue
            if d in seen:
                return None
            seen.add(d)
            if d in _DIRECTIVES:
                parts.append(_DIRECTIVES[d])
            elif d in ("B", "b"):
                names = sorted(_month_names(d), key=len, reverse=True)
                if not all(n.isascii() and n.isalpha() for n in names):
                    return None
                parts.append(f"(?P<{d}{d}>" + "|".join(names) + ")")
            elif d == "p":
                if _am_pm() != ("am", "pm"):
                    return None
                parts.append("(?P<p>am|pm)")
            else:
                return None
            continue
        if c.isspace():
            while i < len(fmt) and fmt[i].isspace():
                i += 1
            parts.append(" ")
            continue
        if not c.isascii():
            return None
        parts.append(re.escape(c))  # letters match ignoring case, as in strptime
        i += 1
    months = [d for d in ("m", "B", "b") if d in seen]
    if "Y" not in seen or "d" not in seen or len(months) != 1 or ("H" in seen and "I" in seen):
        return None
    return "(?i)^" + "".join(parts) + "$", months[0]


def _fast_format(low: Any, pos: np.ndarray, spec: tuple[str, str]) -> np.ndarray:
    """ns (``_NAT`` where the format of ``spec`` does not read it) of the distinct values
    at ``pos``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern, month_directive = spec
    out = np.full(len(pos), _NAT, dtype=np.int64)
    found = pc.extract_regex(low.take(pa.array(pos)), pattern=pattern)
    matched = found.is_valid().to_numpy(zero_copy_only=False)
    if not matched.any():
        return out
    found = found.filter(pa.array(matched))

    def number(name: str) -> np.ndarray:
        try:
            part = found.field(name)
        except KeyError:
            return np.zeros(len(found), dtype=np.int64)
        return pc.cast(pc.utf8_trim_whitespace(part), "int64").to_numpy(zero_copy_only=False)

    year, day = number("Y"), number("d")
    minute, second = number("M"), number("S")
    if "(?P<I>" in pattern:
        hour = number("I") % 12
        try:
            hour = hour + 12 * pc.equal(found.field("p"), "pm").to_numpy(zero_copy_only=False)
        except KeyError:
            pass
    else:
        hour = number("H")
    try:
        frac = found.field("f")
        micro = number("f") * 10 ** (
            6 - pc.binary_length(frac).to_numpy(zero_copy_only=False).astype(np.int64)
        )
    except KeyError:
        micro = np.zeros(len(found), dtype=np.int64)
    if month_directive == "m":
        month = number("m")
    else:
        month_text = pc.utf8_lower(found.field(month_directive * 2))
        names = pa.array(_month_names(month_directive))
        month = pc.index_in(month_text, value_set=names).to_numpy(zero_copy_only=False) + 1
    valid = _real_dates(year, month, day) & (second <= 59)
    ns = (_day_numbers(year, month, day) * 86_400 + (hour * 60 + minute) * 60 + second) * 10**9
    ns += micro * 1000
    out[np.flatnonzero(matched)[valid]] = ns[valid]
    return out


def _python_format(texts: list[str], fmt: str) -> np.ndarray:
    out = np.full(len(texts), _NAT, dtype=np.int64)
    for i, text in enumerate(texts):
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        out[i] = pd.Timestamp(parsed.replace(tzinfo=None)).value
    return out


#: Set to False (tests) to read every explicit format with strptime.
_FAST_FORMATS = True


def _scan_formats(
    shown: Any,
    low: Any,
    python: np.ndarray,
    state: np.ndarray,
    ns: np.ndarray,
    reason: _Reasons,
    settings: DateSettings,
) -> None:
    """Read the distinct values with the user's formats only."""
    import pyarrow as pa

    formats = settings.formats or ()
    todo = np.flatnonzero(state == _UNRECOGNISED)
    if not len(todo):
        return
    texts: list[str] | None = None
    results = []
    for fmt in formats:
        spec = _fast_pattern(fmt) if _FAST_FORMATS else None
        got = np.full(len(todo), _NAT, dtype=np.int64)
        fast = ~python[todo] if spec is not None else np.zeros(len(todo), dtype=bool)
        if fast.any():
            got[fast] = _fast_format(low, todo[fast], spec)
        if not fast.all():
            if texts is None:
                texts = shown.take(pa.array(todo)).to_pylist()
            slow = np.flatnonzero(~fast)
            got[slow] = _python_format([texts[i] for i in slow.tolist()], fmt)
        results.append(got)
    stacked = np.vstack(results)
    read = stacked != _NAT
    any_read = read.any(axis=0)
    first_fmt = np.argmax(read, axis=0)
    chosen = stacked[first_fmt, np.arange(len(todo))]
    clash = any_read & ((stacked != chosen) & read).any(axis=0)
    years = (chosen // _NS_PER_DAY).astype("datetime64[D]").astype("datetime64[Y]").astype(
        np.int64
    ) + 1970
    in_range = (years >= settings.min_year) & (years <= settings.max_year)
    good = any_read & ~clash & in_range
    ns[todo[good]] = chosen[good]
    state[todo[good]] = _OK
    spelled = settings.spelling.formats(list(formats))
    where = todo[~any_read]
    if len(where):
        reason.put(
            where,
            _joined(shown, where, f" does not match {spelled}: correct it, or add its format"),
            "dates not in the formats given",
        )
        state[where] = _REFUSED
    out_of_range = any_read & ~clash & ~in_range
    if out_of_range.any():
        where = todo[out_of_range]
        reason.put(
            where,
            _year_reasons(shown, where, years[out_of_range], settings.min_year, settings.max_year),
            _years_kind(settings.min_year, settings.max_year),
        )
        state[where] = _REFUSED
    for i in np.flatnonzero(clash).tolist():
        j = next(j for j in range(len(formats)) if read[j, i] and stacked[j, i] != chosen[i])
        a, b = (pd.Timestamp(int(stacked[x, i])) for x in (first_fmt[i], j))
        reason.put(
            [todo[i]],
            [
                f"{shown[int(todo[i])].as_py()!r} matches {formats[first_fmt[i]]!r} ({a:%d %B %Y}) "
                f"and {formats[j]!r} ({b:%d %B %Y}) of {spelled}: keep only the right one"
            ],
            "dates two formats read differently",
        )
        state[todo[i]] = _REFUSED


# ---- values stored as values (Excel, Parquet, SPSS)

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def _scan_objects(cells: list[Any], settings: DateSettings):
    """(codes, distinct cells, state, ns, reason, read as Excel numbers) for cells that
    are not text, once per distinct (type, value)."""
    seen: dict[Any, int] = {}
    codes = np.empty(len(cells), dtype=np.int64)
    distinct: list[Any] = []
    for i, v in enumerate(cells):
        try:
            key = (type(v), v)
            code = seen.get(key)
        except TypeError:
            key, code = None, None
        if code is None or (isinstance(v, float) and v != v):
            code = len(distinct)
            distinct.append(v)
            if key is not None:
                seen[key] = code
        codes[i] = code
    k = len(distinct)
    state = np.full(k, _REFUSED, dtype=np.int8)
    ns = np.full(k, _NAT, dtype=np.int64)
    reason: dict[int, tuple[str, str]] = {}  # position: (reason, kind)
    serial = np.zeros(k, dtype=bool)
    lo, hi = settings.min_year, settings.max_year
    for j, v in enumerate(distinct):
        stamp = None
        if is_blank(v):
            state[j] = _BLANK
            continue
        if isinstance(v, bool | np.bool_):
            reason[j] = (f"{v!r} is a true/false value, not a date", "cells that are not dates")
        elif isinstance(v, dt.datetime | pd.Timestamp | np.datetime64):
            stamp = pd.Timestamp(v)
            if stamp.tzinfo is not None:
                stamp = stamp.tz_localize(None)
        elif isinstance(v, dt.date):
            stamp = pd.Timestamp(v.year, v.month, v.day)
        elif isinstance(v, dt.time):
            reason[j] = (
                f"{as_text(v)!r} is a time of day without a date: give the date",
                "times of day without a date",
            )
        elif isinstance(v, int | float | np.integer | np.floating):
            number = float(v)
            if not settings.excel_serials:
                reason[j] = (
                    f"{as_text(v)!r} is a number, not a date: store the column as dates "
                    "or as text such as 2024-04-03",
                    "numbers, not dates",
                )
            elif not np.isfinite(number) or number < 1 or number >= 2_958_466:
                reason[j] = (
                    f"{as_text(v)!r} is not an Excel date number (days since 1900)",
                    "numbers that are not Excel dates",
                )
            elif 60 <= number < 61:
                reason[j] = (
                    f"{as_text(v)!r} is 29 February 1900, a day Excel counts but which did not "
                    "exist",
                    "numbers that are not Excel dates",
                )
            else:
                # serial 1 is 1 January 1900; Excel counts a 29 February 1900 (serial 60)
                day = _EXCEL_EPOCH + int(number // 1) + (1 if number < 60 else 0)
                millis = round((number % 1) * 86_400_000)  # the time, to the millisecond
                stamp = pd.Timestamp(day) + pd.Timedelta(milliseconds=millis)
                serial[j] = True
        else:
            reason[j] = (f"{as_text(v)!r} is not a date", "cells that are not dates")
        if stamp is not None:
            if not lo <= stamp.year <= hi:
                reason[j] = (
                    f"{as_text(v)!r} has year {stamp.year}, outside {lo}-{hi}: check the year",
                    _years_kind(lo, hi),
                )
            else:
                state[j] = _OK
                ns[j] = stamp.as_unit("ns").value
    reasons = _Reasons()
    for kind in dict.fromkeys(k for _, k in reason.values()):
        positions = [j for j, (_, k) in reason.items() if k == kind]
        reasons.put(positions, [reason[j][0] for j in positions], kind)
    return codes, distinct, state, ns, reasons, serial


# --------------------------------------------------------------------------- deciding the order


def finish_scans(
    scans: Mapping[Any, DateScan],
    settings: DateSettings,
    *,
    allow_missing: bool | Mapping[Any, bool] = True,
    file: Any = None,
) -> dict[Any, ParsedDates]:
    """Decide each column's day/month order from its evidence (see :func:`parse_date_columns`)
    and finish every column."""
    orders, notes = decide_orders(scans, settings, file=file)
    out = {}
    for col, scan in scans.items():
        missing_ok = allow_missing[col] if isinstance(allow_missing, Mapping) else allow_missing
        out[col] = _finish(scan, orders.get(col), settings, missing_ok, notes[col])
    return out


def decide_orders(
    scans: Mapping[Any, DateScan], settings: DateSettings, *, file: Any = None
) -> tuple[dict[Any, str], dict[Any, list[str]]]:
    """Each column's day/month order (None with ``date_formats``) and the notes saying
    how it was decided, from the scans' evidence (see :func:`parse_date_columns`)."""
    spell = settings.spelling
    orders: dict[Any, str] = {}
    notes: dict[Any, list[str]] = {col: [] for col in scans}
    settled: dict[str, Any] = {}  # order -> first column that settled it
    for col, scan in scans.items():
        ev = scan.evidence
        if settings.formats is not None:
            continue
        if settings.order is not None:
            orders[col] = settings.order
            continue
        if "dmy" in ev and "mdy" in ev:
            raise InputError(
                "the column has dates that can only be day/month, such as "
                f"{scan.example(ev['dmy'])}, and dates that can only be month/day, such as "
                f"{scan.example(ev['mdy'])}: its day/month order cannot be decided",
                file=file,
                column=scan.column,
                fix="correct the dates that are wrong, or say which order the column is in "
                f"with {spell.order('dmy')} or {spell.order('mdy')} (dates impossible in "
                "that order are then quarantined)",
            )
        if ev:
            (order,) = ev
            orders[col] = order
            settled.setdefault(order, col if scan.column is None else scan.column)
            pair = "day/month" if order == "dmy" else "month/day"
            notes[col].append(
                f"{scan.prefix()}read {_WORDS[order]}: values such as {scan.example(ev[order])} "
                f"can only be {pair}"
            )
    for col, scan in scans.items():
        if col in orders or settings.formats is not None:
            continue
        has_year_last = scan.first is not None and bool((scan.state == _YEAR_LAST).any())
        if len(settled) == 1 and has_year_last:
            ((order, other),) = settled.items()
            orders[col] = order
            if scan.ambiguous:
                notes[col].append(
                    f"{scan.prefix()}no value settles day/month order; read {_WORDS[order]} "
                    f"like column {other!r}"
                )
            continue
        orders[col] = "dmy"
        if scan.ambiguous:
            notes[col].append(
                f"{scan.prefix()}no value settles day/month order; read day first "
                f"({spell.order('dmy')}); if the dates are month first, pass {spell.order('mdy')}"
            )
        elif scan.named_months and not has_year_last and (scan.state == _OK).any():
            notes[col].append(
                f"{scan.prefix()}dates with month names, such as {scan.example(scan.state == _OK)}, "
                "need no day/month order"
            )
    return orders, notes


def finish_scan(
    scan: DateScan,
    order: str | None,
    settings: DateSettings,
    *,
    allow_missing: bool,
    counts: list[tuple[str, int, str, Callable[[int, str], str]]],
) -> ParsedDates:
    """Finish one chunk of a column's distinct values in the ``order`` decided for the
    whole column (:func:`decide_orders` on the chunks' :meth:`DateScan.representatives`).
    The notes that count rows are not written but added to ``counts``, for
    :func:`count_notes` to write once for all the chunks."""
    return _finish(scan, order, settings, allow_missing, [], counts)


def count_notes(counts: Sequence[tuple[str, int, str, Callable[[int, str], str]]]) -> list[str]:
    """The notes that count rows, for chunks finished by :func:`finish_scan`: the rows
    added up, the example of the first chunk (chunks come in row order), in the order
    a column finished at once writes them."""
    total: dict[str, int] = {}
    first: dict[str, tuple[str, Callable[[int, str], str]]] = {}
    for kind, n_rows, example, write in counts:
        total[kind] = total.get(kind, 0) + n_rows
        first.setdefault(kind, (example, write))
    return [first[kind][1](total[kind], first[kind][0]) for kind in _COUNT_NOTES if kind in total]


def _count_note(
    notes: list[str],
    counts: list | None,
    kind: str,
    n_rows: int,
    example: str,
    write: Callable[[int, str], str],
) -> None:
    """A note that counts rows: written now, or kept in ``counts`` (for chunks)."""
    if counts is None:
        notes.append(write(n_rows, example))
    else:
        counts.append((kind, n_rows, example, write))


#: The notes a finished column writes that count rows, in the order it writes them.
_COUNT_NOTES = ("impossible", "zoned", "serials")


def _finish(
    scan: DateScan,
    order: str | None,
    settings: DateSettings,
    allow_missing: bool,
    notes: list[str],
    counts: list | None = None,
) -> ParsedDates:
    """Read the year-last values in ``order``, write the reasons left, and spread the
    distinct values' dates and reasons back to the rows."""
    import pyarrow as pa

    empty = np.array([], dtype=np.int64)
    shape = _SHAPES.get(order or "dmy")
    lo, hi = settings.min_year, settings.max_year
    if scan.direct:  # stored as dates: only blanks (if required) and the years to check
        ns, reason = scan.ns.copy(), _Reasons()
        present = ns != _NAT
        years = np.where(present, ns, 0).view("datetime64[ns]").astype("datetime64[Y]")
        years = years.astype(np.int64) + 1970
        outside = np.flatnonzero(present & ((years < lo) | (years > hi)))
        if len(outside):
            shown = pa.array([as_text(pd.Timestamp(int(v))) for v in ns[outside]])
            texts = _year_reasons(shown, np.arange(len(outside)), years[outside], lo, hi)
            reason.put(outside, texts, _years_kind(lo, hi))
        blank = np.flatnonzero(~present) if not allow_missing else empty
        if len(blank):
            why = f"blank but a date is required: fill in the date ({shape})"
            reason.put(blank, [why] * len(blank), _BLANK_KIND)
        bad = np.union1d(outside, blank).astype(np.int64)
        ns[outside] = _NAT
        reasons, kinds = reason.take(len(ns), bad)
        return ParsedDates(ns, bad, reasons, kinds, order, tuple(notes), scan.index, scan.name)
    spell = settings.spelling
    state, ns, reason = scan.state.copy(), scan.ns.copy(), _Reasons(scan.reason.parts)

    def refuse(mask: np.ndarray, kind: str, *parts: Any) -> None:
        """Refuse the distinct values in ``mask``: reason = the value quoted + ``parts``."""
        pos = np.flatnonzero(mask)
        if len(pos):
            reason.put(pos, _joined(scan.text, pos, *parts), kind)
            state[pos] = _REFUSED

    last = state == _YEAR_LAST
    if last.any() and order == "ymd":
        refuse(
            last, "dates with the year last",
            f" has the year last, but the column is read year first ({spell.order('ymd')}): "
            f"pass {spell.order('dmy')} or {spell.order('mdy')}",
        )  # fmt: skip
    elif last.any():
        a, b, y = scan.first, scan.second, scan.year
        day, month = (a, b) if order == "dmy" else (b, a)
        real = last & _real_dates(y, month, day)
        in_range = (y >= lo) & (y <= hi)
        good = real & in_range
        ns[good] = _day_numbers(y[good], month[good], day[good]) * _NS_PER_DAY + scan.clock[good]
        state[good] = _OK
        other = "mdy" if order == "dmy" else "dmy"
        impossible = last & ~real & scan.evidence.get(other, np.zeros(len(state), dtype=bool))
        if impossible.any():
            number = pa.array(month[impossible].astype(str).tolist(), type=pa.large_string())
            refuse(
                impossible, f"dates that cannot be {_WORDS[order]}",
                f" cannot be {_WORDS[order]} (there is no month ", number,
                f"), the order asked for with {spell.order(order)}: if the dates are "
                f"{_WORDS[other]}, pass {spell.order(other)}",
            )  # fmt: skip
            pair = "day/month" if other == "dmy" else "month/day"
            prefix, asked = scan.prefix(), spell.order(order)

            def impossible_note(n_rows: int, example: str) -> str:
                return (
                    f"{prefix}read {_WORDS[order]} as asked ({asked}), though "
                    f"values such as {example} can only be {pair}: "
                    f"{plural(n_rows, 'value')} that cannot be {_WORDS[order]} "
                    f"{'was' if n_rows == 1 else 'were'} quarantined"
                )

            _count_note(
                notes, counts, "impossible", scan.n_rows(impossible),
                scan.example(impossible), impossible_note,
            )  # fmt: skip
        refuse(
            last & ~real & ~impossible, _NOT_REAL_KIND,
            f" is not a real date as {shape}: check the day and month",
        )  # fmt: skip
        out_of_range = np.flatnonzero(real & ~in_range)
        if len(out_of_range):
            texts = _year_reasons(scan.text, out_of_range, y[out_of_range], lo, hi)
            reason.put(out_of_range, texts, _years_kind(lo, hi))
            state[out_of_range] = _REFUSED
    if settings.formats is None:
        refuse(
            state == _UNRECOGNISED, _UNRECOGNISED_KIND,
            " is not a date in a recognised format: write it like 2024-04-03 or 3 Apr 2024, "
            f"or give the column's strptime format with {spell.formats([_FORMAT_EXAMPLE[order or 'dmy']])}",
        )  # fmt: skip
    blank = state == _BLANK
    if not allow_missing and blank.any():
        where = np.flatnonzero(blank)
        why = pa.array([f"blank but a date is required: fill in the date ({shape})"])
        reason.put(where, why.take(pa.array(np.zeros(len(where), dtype=np.int64))), _BLANK_KIND)
        state[where] = _REFUSED
    refused = state == _REFUSED
    ns[state != _OK] = _NAT
    bad = np.flatnonzero(refused[scan.codes]) if refused.any() else empty
    reasons, kinds = reason.take(len(state), scan.codes[bad])
    prefix = scan.prefix()

    def zoned_note(n_rows: int, example: str) -> str:
        one = n_rows == 1
        return (
            f"{prefix}{plural(n_rows, 'date')} {'has' if one else 'have'} a time "
            f"zone, such as {example}: read as the clock time written, the zone dropped"
        )

    def serials_note(n_rows: int, example: str) -> str:
        held = "holds an Excel date number" if n_rows == 1 else "hold Excel date numbers"
        return f"{prefix}{plural(n_rows, 'cell')} {held}, such as {example}: read as dates"

    for mask, what, write in (
        (scan.zoned, "zoned", zoned_note),
        (scan.serials, "serials", serials_note),
    ):
        if mask is None or not mask.any():
            continue
        mask = mask & ~refused
        n_rows = scan.n_rows(mask)
        if not n_rows:
            continue
        _count_note(notes, counts, what, n_rows, scan.example(mask), write)
    return ParsedDates(
        ns=ns[scan.codes],
        bad=bad,
        reason_array=reasons,
        kind_array=kinds,
        order=order,
        notes=tuple(notes),
        index=scan.index,
        name=scan.name,
    )

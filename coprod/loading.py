"""Shared loading machinery: read messy files, map columns, parse values, quarantine rows.

Every loader in coprod is built from the pieces in this module, so they all behave
the same way:

* :func:`read_raw_table` reads CSV/TSV/TXT (also ``.gz``), Excel ``.xlsx``, SPSS
  ``.sav``/``.zsav``, Stata ``.dta`` and Parquet files into a :class:`RawTable`
  *without coercing anything*: CSV cells arrive as text, blank cells as ``""``.
  The frame's index is the row number a spreadsheet would show (header = row 1),
  so every problem can be traced back to the file.
* :func:`map_columns` / :func:`resolve_columns` find the columns a schema needs
  (exact name first, then ignoring case and spacing, never fuzzy) and explain
  clearly what to pass when one is missing.
* :func:`parse_numbers` and :func:`parse_dates` accept only unambiguous values and
  return a :class:`Parsed` (values plus a reason for every value they refused).
* :class:`Problems` collects problems (row, column, value, reason); a row with any
  problem goes wholly to quarantine. :func:`duplicate_key_problems` and
  :func:`validate_lazily` add problems for duplicate keys and for pandera checks.
* :func:`finish` splits the parsed frame into clean data and quarantine and returns
  a :class:`LoadResult`, whose invariant is ``n_read == n_loaded + n_quarantined``.

Nothing is silently dropped or guessed. Heavy dependencies (pandera, pyreadstat,
openpyxl, pyarrow) are imported inside the functions that need them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import gzip
import html
import io
import itertools
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DATE_FORMATS",
    "MISSING_TEXT",
    "QUARANTINE_COLUMNS",
    "SUPPORTED_EXTENSIONS",
    "InputError",
    "LoadResult",
    "Parsed",
    "Problem",
    "Problems",
    "QuarantineWarning",
    "RawTable",
    "as_text",
    "detect_encoding",
    "duplicate_key_problems",
    "finish",
    "is_blank",
    "map_columns",
    "parse_dates",
    "parse_numbers",
    "problems_from_failure_cases",
    "read_raw_table",
    "resolve_columns",
    "validate_lazily",
]

#: Columns of every quarantine table, in this order: one row per problem.
QUARANTINE_COLUMNS = ("file", "row", "column", "value", "reason")

_TEXT_EXTENSIONS = (".csv", ".tsv", ".tab", ".txt")
_EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
_SPSS_EXTENSIONS = (".sav", ".zsav")
_STATA_EXTENSIONS = (".dta",)
_PARQUET_EXTENSIONS = (".parquet", ".pq")
#: File name endings :func:`read_raw_table` understands.
SUPPORTED_EXTENSIONS = (
    *_TEXT_EXTENSIONS,
    *(ext + ".gz" for ext in _TEXT_EXTENSIONS),
    *_EXCEL_EXTENSIONS,
    *_SPSS_EXTENSIONS,
    *_STATA_EXTENSIONS,
    *_PARQUET_EXTENSIONS,
)

#: Text read as "no value" by :func:`parse_numbers` (compared ignoring case).
MISSING_TEXT = ("", "n/a", "na", "not applicable")

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


# --------------------------------------------------------------------------- errors


class InputError(ValueError):
    """A problem with the user's input file or arguments, said so they can fix it.

    The message names the file, the row (as a spreadsheet shows it: header = row 1),
    the column, the problem and what would fix it. The parts are also kept as
    attributes ``file``, ``row``, ``column``, ``problem`` and ``fix``.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | str | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: {self.problem}" if where else self.problem
        if self.fix:
            text = f"{text}\nFix: {self.fix}"
        return text


class QuarantineWarning(UserWarning):
    """Some rows of a file were put in quarantine instead of being loaded."""


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


def _norm_name(name: Any) -> str:
    """Column-name key ignoring case and runs of whitespace (never fuzzy)."""
    return " ".join(str(name).split()).casefold()


def _loose_name(name: Any) -> str:
    """A looser key, for suggestions only: '_', '-' and '.' count as spaces."""
    return _norm_name(re.sub(r"[_\-.]+", " ", str(name)))


def _rows_text(rows: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    if len(rows) > limit:
        shown += f" and {len(rows) - limit} more"
    return shown


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One problem in one cell: the row number as a spreadsheet shows it, the column
    as named in the user's file, the value as read, and a reason that says the fix."""

    row: int
    column: str
    value: Any
    reason: str


class Problems:
    """Collects problems found while loading one file.

    Rows are identified by the frame's index labels, which :func:`read_raw_table`
    sets to the row numbers a spreadsheet shows. A row with any problem goes wholly
    to quarantine (see :meth:`split` and :func:`finish`).
    """

    def __init__(self, source: str | Path) -> None:
        self.source = str(source)
        # in the order added: single problems, and (rows, column, values, reasons) batches
        self._parts: list[Problem | tuple[np.ndarray, str, list[Any], list[str]]] = []

    def add(self, row: int, column: str, value: Any, reason: str) -> None:
        """Record one problem."""
        self._parts.append(Problem(int(row), str(column), value, str(reason)))

    def add_many(
        self,
        rows: Sequence[int] | np.ndarray,
        column: str,
        values: Sequence[Any],
        reasons: Sequence[str] | str,
    ) -> None:
        """Record problems in one column for many rows at once (for vectorised loaders).

        ``rows`` and ``values`` (the cells as read) have one entry per problem;
        ``reasons`` too, or is one reason for all of them.
        """
        rows = np.asarray(rows, dtype=np.int64).ravel()
        if not len(rows):
            return
        values = list(values)
        reasons = [reasons] * len(rows) if isinstance(reasons, str) else [str(r) for r in reasons]
        if not len(values) == len(reasons) == len(rows):
            raise ValueError(
                f"add_many: {len(rows)} rows, {len(values)} values and {len(reasons)} reasons"
            )
        self._parts.append((rows, str(column), values, reasons))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems made elsewhere (e.g. by :func:`duplicate_key_problems`)."""
        for p in problems:
            self.add(p.row, p.column, p.value, p.reason)

    def add_parsed(self, parsed: Parsed, raw_values: pd.Series, column: str) -> None:
        """Record every value a parser refused (``parsed.problems`` not NA)."""
        bad = parsed.problems.notna()
        for row in parsed.problems.index[bad]:
            self.add(row, column, raw_values.loc[row], parsed.problems.loc[row])

    @property
    def rows(self) -> set[int]:
        """Distinct row numbers with at least one problem."""
        out = {p.row for p in self._parts if isinstance(p, Problem)}
        for part in self._parts:
            if not isinstance(part, Problem):
                out.update(part[0].tolist())
        return out

    def __len__(self) -> int:
        return sum(1 if isinstance(p, Problem) else len(p[0]) for p in self._parts)

    def __iter__(self):
        for part in self._parts:
            if isinstance(part, Problem):
                yield part
            else:
                rows, column, values, reasons = part
                for row, value, reason in zip(rows.tolist(), values, reasons, strict=True):
                    yield Problem(row, column, value, reason)

    def to_frame(self) -> pd.DataFrame:
        """The quarantine table: one row per problem, columns :data:`QUARANTINE_COLUMNS`,
        ordered by row (problems of one row in the order they were added)."""
        rows: list[int] = []
        columns: list[str] = []
        values: list[Any] = []
        reasons: list[str] = []
        for part in self._parts:
            if isinstance(part, Problem):
                rows.append(part.row)
                columns.append(part.column)
                values.append(part.value)
                reasons.append(part.reason)
            else:
                rows.extend(part[0].tolist())
                columns.extend([part[1]] * len(part[0]))
                values.extend(part[2])
                reasons.extend(part[3])
        order = np.argsort(np.asarray(rows, dtype=np.int64), kind="stable").tolist()
        text = [
            (v if v.strip() else "") if type(v) is str else as_text(v)
            for v in (values[i] for i in order)
        ]
        return pd.DataFrame(
            {
                "file": pd.Series([self.source] * len(order), dtype="str"),
                "row": pd.Series([rows[i] for i in order], dtype="int64"),
                "column": pd.Series([columns[i] for i in order], dtype="str"),
                "value": pd.Series(text, dtype="str"),
                "reason": pd.Series([reasons[i] for i in order], dtype="str"),
            },
            columns=list(QUARANTINE_COLUMNS),
        )

    def _row_numbers(self) -> np.ndarray:
        """Distinct row numbers with at least one problem, sorted (int64)."""
        parts = [np.array([p.row for p in self._parts if isinstance(p, Problem)], dtype=np.int64)]
        parts += [part[0] for part in self._parts if not isinstance(part, Problem)]
        return np.unique(np.concatenate(parts))

    def keep(self, index: pd.Index) -> np.ndarray:
        """Boolean mask over ``index`` (a frame's row numbers): True for the rows
        without problems."""
        rows = self._row_numbers()
        values = index.to_numpy()
        keep = np.ones(len(values), dtype=bool)
        if values.dtype.kind in "iu" and (
            len(values) < 2 or bool((values[1:] > values[:-1]).all())
        ):
            # row numbers in order (as read): binary search, no hashing of the whole index
            pos = np.searchsorted(values, rows)
            found = pos < len(values)
            found[found] = values[pos[found]] == rows[found]
            unknown = rows[~found]
            keep[pos[found]] = False
        else:
            unknown = rows[~pd.Index(rows).isin(index)]
            keep = ~index.isin(rows)
        if len(unknown):
            raise RuntimeError(
                f"internal error: problems reported for rows {unknown[:5].tolist()} "
                f"that are not in the frame read from {self.source}"
            )
        return keep

    def split(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split ``frame`` into (rows without problems, quarantine table)."""
        keep = self.keep(frame.index)
        # positional take: much faster than .loc[mask] for large frames of text columns
        clean = frame.take(np.flatnonzero(keep))
        return clean, self.to_frame()


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class LoadResult:
    """What a loader returns: clean data, the quarantine and an account of both.

    ``quarantine`` has one row per *problem* (columns ``file, row, column, value,
    reason``); a row with two problems appears twice there but counts once in
    ``n_quarantined``. ``n_read == n_loaded + n_quarantined`` always holds.
    ``data.index`` holds each row's number in the source file.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    n_read: int
    source: str
    kind: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if tuple(self.quarantine.columns) != QUARANTINE_COLUMNS:
            raise RuntimeError(
                f"internal error: quarantine columns are {list(self.quarantine.columns)}, "
                f"expected {list(QUARANTINE_COLUMNS)}"
            )
        if self.n_read != self.n_loaded + self.n_quarantined:
            raise RuntimeError(
                f"internal error loading {self.source}: {self.n_read} rows read but "
                f"{self.n_loaded} loaded + {self.n_quarantined} quarantined"
            )

    @property
    def n_loaded(self) -> int:
        """Rows in ``data``."""
        return len(self.data)

    @property
    def n_quarantined(self) -> int:
        """Distinct rows with at least one problem (rows of different files are different
        rows, for loaders that read a folder of files)."""
        q = self.quarantine
        if q.empty or q["file"].nunique() <= 1:
            return int(q["row"].nunique())
        return int(len(q.drop_duplicates(["file", "row"])))

    def reasons(self) -> pd.DataFrame:
        """Problem counts by column and reason, most common first.

        Columns: ``column``, ``reason``, ``problems`` (how many), ``first_row``.
        """
        q = self.quarantine
        if q.empty:
            return pd.DataFrame(
                {
                    "column": pd.Series(dtype="str"),
                    "reason": pd.Series(dtype="str"),
                    "problems": pd.Series(dtype="int64"),
                    "first_row": pd.Series(dtype="int64"),
                }
            )
        out = (
            q.groupby(["column", "reason"], sort=False)["row"]
            .agg(problems="size", first_row="min")
            .reset_index()
            .sort_values(["problems", "first_row"], ascending=[False, True], kind="stable")
            .reset_index(drop=True)
        )
        return out

    def summary(self, top: int = 5) -> str:
        """A plain-words account: file, kind, encoding, counts, main problems, notes."""
        lines = [
            f"{self.source} ({self.kind})",
            f"  encoding: {self.encoding or 'n/a (not a text file)'}",
            f"  rows read: {self.n_read}",
            f"  rows loaded: {self.n_loaded}",
            f"  rows quarantined: {self.n_quarantined}"
            + (" (see .quarantine, one line per problem)" if self.n_quarantined else ""),
        ]
        if self.n_quarantined:
            reasons = self.reasons()
            lines.append("  most common problems:")
            for rec in reasons.head(top).itertuples(index=False):
                lines.append(f"    {rec.problems} x column {rec.column!r}: {rec.reason}")
            if len(reasons) > top:
                lines.append(f"    ... and {len(reasons) - top} other kinds (see .reasons())")
        if self.notes:
            lines.append("  notes:")
            lines.extend(f"    - {note}" for note in self.notes)
        return "\n".join(lines)

    def raise_if_quarantined(self, limit: int = 10) -> LoadResult:
        """Raise :class:`InputError` listing the first problems, or return ``self``."""
        if not self.n_quarantined:
            return self
        q = self.quarantine.head(limit)
        listed = "\n".join(
            f"  row {r.row}, column {r.column!r}, value {r.value!r}: {r.reason}"
            for r in q.itertuples(index=False)
        )
        more = len(self.quarantine) - len(q)
        if more:
            listed += f"\n  ... and {more} more problems"
        raise InputError(
            f"{self.n_quarantined} of {self.n_read} rows have problems:\n{listed}",
            file=self.source,
            fix="correct these cells in the file and load it again, or work with "
            ".data (the rows that loaded) and inspect .quarantine",
        )

    def __repr__(self) -> str:
        return (
            f"LoadResult({self.kind} {self.source!r}: {self.n_read} read, "
            f"{self.n_loaded} loaded, {self.n_quarantined} quarantined)"
        )

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def finish(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    kind: str,
    encoding: str | None = None,
    notes: Iterable[str] = (),
    warn: bool = True,
    stacklevel: int = 3,
) -> LoadResult:
    """Split a fully parsed ``frame`` (every row read) into a :class:`LoadResult`.

    Rows with any problem go to quarantine; a :class:`QuarantineWarning` tells the
    user how many (unless ``warn=False``).
    """
    clean, quarantine = problems.split(frame)
    return _finished(
        clean, quarantine, len(frame), problems.source, kind, encoding, notes, warn, stacklevel
    )


def finish_selected(
    index: pd.Index,
    select: Callable[[np.ndarray], pd.DataFrame],
    problems: Problems,
    *,
    kind: str,
    encoding: str | None = None,
    notes: Iterable[str] = (),
    warn: bool = True,
    stacklevel: int = 3,
) -> LoadResult:
    """As :func:`finish`, for loaders that build the clean frame themselves.

    ``index`` holds the row numbers of every row read; ``select(keep)`` must return
    the frame of the rows where the boolean mask ``keep`` (one entry per row of
    ``index``) is True, with ``index[keep]`` as its index. For big files this avoids
    building every column for all rows only to take the clean ones afterwards;
    ``select`` then runs in a thread of its own (while the quarantine table is built),
    so it must not touch ``problems``.
    """
    keep = problems.keep(index)
    if len(index) >= 50_000:
        # the quarantine table (Python objects) is built while ``select`` runs: its
        # array work (pyarrow, numpy) mostly releases the GIL
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            selected = pool.submit(select, keep)
            quarantine = problems.to_frame()
            clean = selected.result()
    else:
        clean = select(keep)
        quarantine = problems.to_frame()
    if len(clean) != int(np.count_nonzero(keep)):
        raise RuntimeError(
            f"internal error: {len(clean)} clean rows selected from {problems.source}, "
            f"expected {int(np.count_nonzero(keep))}"
        )
    return _finished(
        clean,
        quarantine,
        len(index),
        problems.source,
        kind,
        encoding,
        notes,
        warn,
        stacklevel,
    )


def _finished(
    clean: pd.DataFrame,
    quarantine: pd.DataFrame,
    n_read: int,
    source: str,
    kind: str,
    encoding: str | None,
    notes: Iterable[str],
    warn: bool,
    stacklevel: int,
) -> LoadResult:
    """The :class:`LoadResult`, with the warning (``stacklevel`` as seen by the
    public function that called this)."""
    result = LoadResult(
        data=clean,
        quarantine=quarantine,
        n_read=n_read,
        source=source,
        kind=kind,
        encoding=encoding,
        notes=tuple(notes),
    )
    if warn and result.n_quarantined:
        by_column = result.quarantine["column"].value_counts(sort=True)
        where = ", ".join(f"{col!r} ({n})" for col, n in by_column.head(5).items())
        if len(by_column) > 5:
            where += ", ..."
        warnings.warn(
            f"{result.source}: {result.n_quarantined} of {result.n_read} rows quarantined "
            f"(see .quarantine and .summary()); problems by column: {where}",
            QuarantineWarning,
            stacklevel=stacklevel + 1,
        )
    return result


# --------------------------------------------------------------------------- encodings

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(
                f"could not decompress the .gz file ({exc})",
                file=path,
                fix="check the download is complete, or unzip it yourself and load the CSV",
            ) from exc
    return data


def _line_of(data: bytes, pos: int) -> int:
    return data[:pos].count(b"\n") + 1


def detect_encoding(path_or_bytes: str | Path | bytes) -> str:
    """Tell the text encoding of a file (or of raw bytes).

    A UTF-8 BOM gives ``"utf-8-sig"``, a UTF-16/32 BOM ``"utf-16"``/``"utf-32"``;
    otherwise ``"utf-8"`` if the bytes decode strictly as UTF-8, else ``"cp1252"``
    (Windows-1252, what Excel on Windows writes) if they decode strictly as that.
    Anything else raises :class:`InputError` asking for ``encoding=``.
    """
    if isinstance(path_or_bytes, bytes | bytearray):
        data, name = bytes(path_or_bytes), "the data"
    else:
        path = Path(path_or_bytes)
        data, name = _read_bytes(path), str(path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if b"\x00" in data:
        raise InputError(
            "the file contains NUL bytes, so it is probably UTF-16 without a byte-order mark",
            file=name,
            fix="pass encoding='utf-16-le' (or 'utf-16-be'), or re-save the file as UTF-8",
        )
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        raise InputError(
            f"could not tell the text encoding: it is neither UTF-8 (byte "
            f"0x{data[utf8_error.start]:02x} on line {_line_of(data, utf8_error.start)}) nor "
            f"Windows-1252 (byte 0x{bad.hex()} on line {_line_of(data, exc.start)})",
            file=name,
            fix="pass the right encoding, e.g. encoding='latin-1' or encoding='mac-roman', "
            "or re-save the file as UTF-8",
        ) from exc


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError as exc:
        raise InputError(
            f"unknown encoding {encoding!r}",
            file=name,
            fix="pass a Python codec name such as 'utf-8', 'cp1252' or 'latin-1', "
            "or leave encoding=None to detect it",
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not valid {encoding}: byte 0x{data[exc.start]:02x} on line "
            f"{_line_of(data, exc.start)} cannot be decoded",
            file=name,
            fix="leave encoding=None to detect it, or pass the right encoding",
        ) from exc


# --------------------------------------------------------------------------- raw tables


@dataclass(frozen=True, eq=False)
class RawTable:
    """A file read as it is: no type coercion, nothing dropped without a note.

    ``frame`` holds one column per header (merged header rows joined with " "),
    values as read (CSV: text; Excel/SPSS/Stata/Parquet: the stored values, with
    SPSS/Stata value labels applied), blank cells as ``""``. Its index, named
    ``row``, is the row number a spreadsheet would show (header = row 1 for one
    header row); for SPSS, Stata and Parquet it is the case number (1 = first case).
    Completely blank rows are skipped and listed in ``notes``.
    """

    frame: pd.DataFrame
    path: Path
    encoding: str | None
    first_data_row: int
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    column_labels: Mapping[str, str] = field(default_factory=dict)
    format: str = "csv"
    sheet: str | None = None
    header_rows: int = 1
    notes: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The file as named in messages and in the quarantine table."""
        return str(self.path)

    @property
    def header_row_text(self) -> str | None:
        """The header row(s) as a spreadsheet numbers them ("1" or "1-2"); None for
        formats without header rows (SPSS, Stata, Parquet)."""
        if self.format not in ("csv", "excel"):
            return None
        first = self.first_data_row - self.header_rows
        last = self.first_data_row - 1
        return str(last) if first == last else f"{first}-{last}"


def _extension(path: Path) -> str:
    name = path.name.lower()
    for ext in sorted(SUPPORTED_EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return path.suffix.lower()


def read_raw_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    header_rows: int = 1,
    sheet: str | int | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read a table file without coercing anything.

    Parameters
    ----------
    path:
        ``.csv``, ``.tsv``, ``.tab``, ``.txt`` (optionally ``.gz``), ``.xlsx``/``.xlsm``
        (``.xls`` only if the optional ``xlrd`` package is installed), ``.sav``/``.zsav``
        (SPSS), ``.dta`` (Stata) or ``.parquet``.
    encoding:
        Text encoding of a CSV/TSV/TXT file; ``None`` detects it (see
        :func:`detect_encoding`).
    header_rows:
        How many rows form the header. With 2 or more, blanks in the upper rows are
        filled from the left (merged cells) and the parts joined with " ", so a
        "Planning" cell merged over "Who" and "How" gives "Planning Who" and
        "Planning How".
    sheet:
        Excel sheet name or 0-based position; ``None`` reads the first sheet.
    delimiter:
        Field separator of a text file; ``None`` uses tab for ``.tsv``/``.tab`` and
        otherwise the commonest of ``,`` ``;`` tab ``|`` in the header line.

    CSV cells arrive as text: nothing becomes a number or NaN, trailing commas don't
    shift columns, header names are stripped of surrounding spaces.
    """
    path = Path(path)
    if header_rows < 1:
        raise InputError(
            f"header_rows must be 1 or more, got {header_rows}",
            file=path,
            fix="pass header_rows=1 for a single header row",
        )
    ext = _extension(path)
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputError(
            f"cannot read files ending {ext or '(no extension)'!r}",
            file=path,
            fix="save the table as one of: " + ", ".join(SUPPORTED_EXTENSIONS),
        )
    if not path.is_file():
        raise InputError(
            "no such file", file=path, fix="check the folder and the spelling of the name"
        )
    if path.stat().st_size == 0:
        raise InputError(
            f"{path.name} is empty: the file has 0 bytes",
            file=path,
            fix="check you exported or downloaded the right file",
        )
    if ext in _TEXT_EXTENSIONS or ext.endswith(".gz"):
        return _read_text(path, ext, encoding, header_rows, delimiter)
    if ext in _EXCEL_EXTENSIONS:
        return _read_excel(path, ext, header_rows, sheet)
    if ext in _SPSS_EXTENSIONS or ext in _STATA_EXTENSIONS:
        return _read_stats(path, ext)
    return _read_parquet(path)


def _guess_delimiter(text: str, ext: str) -> tuple[str, str | None]:
    default = "\t" if ext.startswith((".tsv", ".tab")) else ","
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    if counts[default] > 0 or ext.startswith((".tsv", ".tab")):
        return default, None
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return default, None
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "|"}[best]
    return best, f"fields are separated by {shown}s (pass delimiter= if that is wrong)"


def keep_named_columns(
    names: list[str], column_is_blank: Callable[[int], bool], notes: list[str]
) -> list[int]:
    """The positions of the columns to keep; both CSV readers use this.

    A column without a header is dropped when all its cells are blank (trailing commas)
    and kept, renamed "Unnamed: j" in ``names``, otherwise. Says so in ``notes``.
    """
    keep: list[int] = []
    empty_unnamed = 0
    unnamed: list[str] = []
    for j in range(len(names)):
        if names[j]:
            keep.append(j)
        elif column_is_blank(j):
            empty_unnamed += 1
        else:
            names[j] = f"Unnamed: {j}"
            unnamed.append(names[j])
            keep.append(j)
    if empty_unnamed:
        notes.append(
            f"ignored {_plural(empty_unnamed, 'empty column')} without a header "
            "(e.g. from trailing commas)"
        )
    if unnamed:
        notes.append(
            f"{_plural(len(unnamed), 'column')} with values but no header named "
            + ", ".join(unnamed)
        )
    return keep


def number_duplicate_names(names: list[str], notes: list[str]) -> list[str]:
    """Number repeated column names ("a", "a.1", ...), as pandas does, and note it."""
    final: list[str] = []
    seen: Counter[str] = Counter()
    renamed: list[str] = []
    for name in names:
        if seen[name]:
            new = f"{name}.{seen[name]}"
            while new in seen:
                seen[name] += 1
                new = f"{name}.{seen[name]}"
            renamed.append(f"{name!r} -> {new!r}")
            seen[name] += 1
            name = new
        seen[name] += 1
        final.append(name)
    if renamed:
        notes.append("duplicate column names were numbered: " + ", ".join(renamed))
    return final


def _read_text(
    path: Path, ext: str, encoding: str | None, header_rows: int, delimiter: str | None
) -> RawTable:
    data = _read_bytes(path)
    notes: list[str] = []
    if encoding is None:
        encoding = detect_encoding(data if data else b"")
        if encoding == "cp1252":
            notes.append("read as Windows-1252 (cp1252) because the file is not valid UTF-8")
    text = _decode(data, encoding, str(path))
    if delimiter is None:
        delimiter, note = _guess_delimiter(text, ext)
        if note:
            notes.append(note)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(
            f"the file could not be read as delimited text ({exc})",
            file=path,
            fix="check for an unclosed quote near that line, or pass delimiter=",
        ) from exc
    frame, first_data_row, more_notes = _records_to_frame(records, header_rows, path)
    return RawTable(
        frame=frame,
        path=path,
        encoding=encoding,
        first_data_row=first_data_row,
        format="csv",
        header_rows=header_rows,
        notes=tuple(notes + more_notes),
    )


def _record_is_blank(record: Sequence[Any]) -> bool:
    try:
        return not "".join(record).strip()
    except TypeError:  # not all text (Excel)
        return all(is_blank(v) for v in record)


def _records_to_frame(
    records: list[list[Any]], header_rows: int, path: Path
) -> tuple[pd.DataFrame, int, list[str]]:
    """Turn spreadsheet-like records (record i = spreadsheet row i + 1) into a frame."""
    notes: list[str] = []
    blank = [_record_is_blank(rec) for rec in records]
    start = next((i for i, b in enumerate(blank) if not b), None)
    if start is None:
        raise InputError(
            f"{path.name} is empty: no header row (the file holds only blank lines)",
            file=path,
            fix="check you exported or downloaded the right file",
        )
    if start:
        notes.append(f"skipped {_plural(start, 'blank row')} before the header")
    header_records = records[start : start + header_rows]
    if len(header_records) < header_rows:
        raise InputError(
            f"{path.name} is empty: expected {header_rows} header rows but the file has "
            f"{len(header_records)}",
            file=path,
            fix="check the file, or pass header_rows=1",
        )
    first_data_row = start + header_rows + 1
    data_rows: list[int] = []
    data_records: list[list[Any]] = []
    blank_rows: list[int] = []
    for i in range(start + header_rows, len(records)):
        if blank[i]:
            blank_rows.append(i + 1)
        else:
            data_rows.append(i + 1)
            data_records.append(records[i])
    # trailing blank rows are normal (Excel, final newline); others are worth a note
    while blank_rows and blank_rows[-1] > (data_rows[-1] if data_rows else 0):
        blank_rows.pop()
    if blank_rows:
        notes.append(
            f"skipped {_plural(len(blank_rows), 'blank row')} between data rows "
            f"(rows {_rows_text(blank_rows)})"
        )

    width = max(
        max(len(r) for r in header_records),
        max((len(r) for r in data_records), default=0),
    )
    short_rows = sum(1 for r in data_records if len(r) < width)
    # header: forward-fill blanks of the upper rows (merged cells), join with " "
    parts: list[list[str]] = []
    for level, rec in enumerate(header_records):
        cells = [as_text(v).strip() for v in rec] + [""] * (width - len(rec))
        if level == 0 and cells:
            cells[0] = cells[0].lstrip("\ufeff").strip()
        if level < header_rows - 1:
            last = ""
            for j, cell in enumerate(cells):
                if cell:
                    last = cell
                else:
                    cells[j] = last
        parts.append(cells)
    names = [" ".join(p[j] for p in parts if p[j]) for j in range(width)]

    # transpose (short rows padded with ""), then blanks that are not text -> ""
    transposed = list(itertools.zip_longest(*data_records, fillvalue="")) if data_records else []
    columns: dict[int, list[Any]] = {}
    for j in range(width):
        col = list(transposed[j]) if j < len(transposed) else [""] * len(data_records)
        if not all(isinstance(v, str) for v in col):
            col = ["" if is_blank(v) and not isinstance(v, str) else v for v in col]
        columns[j] = col

    keep = keep_named_columns(names, lambda j: all(is_blank(v) for v in columns[j]), notes)
    if short_rows:
        notes.append(
            f"{_plural(short_rows, 'row')} had fewer cells than the header; "
            "the missing cells at the end were read as blank"
        )

    final = number_duplicate_names([names[j] for j in keep], notes)

    frame = pd.DataFrame(
        {name: pd.Series(columns[j], dtype=object) for name, j in zip(final, keep, strict=True)},
        columns=final,
    )
    frame.index = pd.Index(data_rows, name="row", dtype="int64")
    if not data_records:
        notes.append("the file has a header but no data rows")
    return frame, first_data_row, notes


def _read_excel(path: Path, ext: str, header_rows: int, sheet: str | int | None) -> RawTable:
    notes: list[str] = []
    if ext == ".xls":
        try:
            import xlrd  # noqa: F401
        except ImportError as exc:
            raise InputError(
                "this is an old-format Excel 97-2003 .xls workbook, which openpyxl cannot read",
                file=path,
                fix="open it in Excel or LibreOffice and save it as .xlsx (or as CSV)",
            ) from exc
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="xlrd")
        names = list(sheets)
        chosen = _choose_sheet(names, sheet, path)
        records = sheets[chosen].astype(object).values.tolist()
    else:
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise InputError(
                f"could not open the workbook ({type(exc).__name__}: {exc})",
                file=path,
                fix="check it opens in Excel; re-save it as .xlsx",
            ) from exc
        try:
            names = list(wb.sheetnames)
            chosen = _choose_sheet(names, sheet, path)
            ws = wb[chosen]
            records = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        finally:
            wb.close()
    if len(names) > 1 and sheet is None:
        notes.append(
            f"read the first sheet {chosen!r} of {len(names)} "
            f"({', '.join(map(repr, names))}); pass sheet= for another"
        )
    frame, first_data_row, more = _records_to_frame(records, header_rows, path)
    return RawTable(
        frame=frame,
        path=path,
        encoding=None,
        first_data_row=first_data_row,
        format="excel",
        sheet=chosen,
        header_rows=header_rows,
        notes=tuple(notes + more),
    )


def _choose_sheet(names: list[str], sheet: str | int | None, path: Path) -> str:
    if not names:
        raise InputError(f"{path.name} is empty: the workbook has no sheets", file=path)
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise InputError(
            f"there is no sheet number {sheet} (the workbook has {len(names)} sheets, "
            "numbered from 0)",
            file=path,
            fix=f"pass sheet= one of {names} or a number from 0 to {len(names) - 1}",
        )
    if sheet in names:
        return sheet
    matches = [n for n in names if _norm_name(n) == _norm_name(sheet)]
    if len(matches) == 1:
        return matches[0]
    raise InputError(
        f"there is no sheet named {sheet!r}",
        file=path,
        fix=f"pass sheet= one of {names}",
    )


def _frame_to_raw(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with blanks as "" and the index as 1-based case numbers."""
    out = pd.DataFrame(
        {
            str(c): pd.Series(
                ["" if is_blank(v) else v for v in frame[c].tolist()],
                dtype=object,
            )
            for c in frame.columns
        },
        columns=[str(c) for c in frame.columns],
    )
    out.index = pd.Index(np.arange(1, len(frame) + 1), name="row", dtype="int64")
    return out


def _read_stats(path: Path, ext: str) -> RawTable:
    import pyreadstat

    reader = pyreadstat.read_dta if ext in _STATA_EXTENSIONS else pyreadstat.read_sav
    try:
        df, meta = reader(str(path), apply_value_formats=False, user_missing=False)
    except Exception as exc:  # pyreadstat raises its own error types
        raise InputError(
            f"could not read the file ({type(exc).__name__}: {exc})",
            file=path,
            fix="check it opens in SPSS/Stata/PSPP; re-save it, or export it as CSV",
        ) from exc
    labels = {k: dict(v) for k, v in (meta.variable_value_labels or {}).items()}
    notes: list[str] = []
    applied = []
    df = df.copy()
    for col, mapping in labels.items():
        if col in df.columns:
            df[col] = pd.Series(
                [mapping.get(v, v) if not is_blank(v) else v for v in df[col].tolist()],
                index=df.index,
                dtype=object,
            )
            applied.append(col)
    if applied:
        notes.append(
            f"value labels applied to {_plural(len(applied), 'column')} "
            f"({', '.join(applied[:8])}{', ...' if len(applied) > 8 else ''}); "
            "codes without a label are kept as codes"
        )
    if len(df) == 0 and len(df.columns) == 0:
        raise InputError(f"{path.name} is empty: no variables", file=path)
    if len(df) == 0:
        notes.append("the file has variables but no cases")
    column_labels = {str(k): str(v) for k, v in (meta.column_names_to_labels or {}).items() if v}
    return RawTable(
        frame=_frame_to_raw(df),
        path=path,
        encoding=None,
        first_data_row=1,
        value_labels=labels,
        column_labels=column_labels,
        format="stata" if ext in _STATA_EXTENSIONS else "spss",
        header_rows=0,
        notes=tuple(notes),
    )


def _read_parquet(path: Path) -> RawTable:
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types
        raise InputError(
            f"could not read the Parquet file ({type(exc).__name__}: {exc})",
            file=path,
            fix="check the file is complete; re-export it",
        ) from exc
    notes = [] if len(df) else ["the file has columns but no rows"]
    return RawTable(
        frame=_frame_to_raw(df.reset_index(drop=True)),
        path=path,
        encoding=None,
        first_data_row=1,
        format="parquet",
        header_rows=0,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- columns


def _as_raw(
    raw: RawTable | pd.DataFrame, source: str | None
) -> tuple[pd.DataFrame, str, str | None]:
    if isinstance(raw, RawTable):
        return raw.frame, source or raw.source, raw.header_row_text
    return raw, source or "the table", "1"


def resolve_columns(
    raw: RawTable | pd.DataFrame,
    columns: Mapping[str, str] | None,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    source: str | None = None,
    argument: str = "columns",
) -> dict[str, str]:
    """Find the file column for each schema field: ``{field: column in the file}``.

    ``columns`` maps a field to the user's column name; a field not in the mapping
    is looked for under its own name. Matching is exact first, then ignoring case
    and spacing (never fuzzy). Optional fields that are not found are left out,
    unless ``columns`` names them explicitly. Every missing required column is
    reported in one :class:`InputError` with the closest names in the file.
    ``argument`` names the keyword the user passes the mapping with (for messages).
    """
    frame, source, header_row = _as_raw(raw, source)
    required = list(dict.fromkeys(required))
    optional = [f for f in dict.fromkeys(optional) if f not in required]
    known = required + optional
    columns = dict(columns or {})
    unknown = [k for k in columns if k not in known]
    if unknown:
        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, known, n=1)
            hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise InputError(
            f"{argument}= names unknown field(s) {', '.join(hints)}",
            file=source,
            fix=f"the keys of {argument}= must be fields: {', '.join(known)}",
        )
    names = [str(c) for c in frame.columns]
    by_norm: dict[str, list[str]] = {}
    for name in names:
        by_norm.setdefault(_norm_name(name), []).append(name)

    found: dict[str, str] = {}
    missing: list[tuple[str, str]] = []
    for fld in known:
        wanted = str(columns.get(fld, fld))
        if wanted in names:
            found[fld] = wanted
            continue
        matches = by_norm.get(_norm_name(wanted), [])
        if len(matches) == 1:
            found[fld] = matches[0]
        elif len(matches) > 1:
            raise InputError(
                f"field {fld!r}: more than one column matches {wanted!r} when case and "
                f"spacing are ignored: {matches}",
                file=source,
                row=header_row,
                fix=f"pass {argument}={{{fld!r}: {matches[0]!r}}} with the exact name you mean",
            )
        elif fld in required or fld in columns:
            missing.append((fld, wanted))
    if missing:
        lines = []
        fixes = []
        any_without_close = False
        by_case = {_norm_name(n): n for n in names}
        for fld, wanted in missing:
            # Rank on a loose key ("Complaint ID" ~ "complaint_id"), only to suggest:
            # matching itself stays exact or case-insensitive.
            by_loose = {_loose_name(n): n for n in names}
            close = [
                by_loose[c]
                for c in difflib.get_close_matches(
                    _loose_name(wanted), list(by_loose), n=3, cutoff=0.5
                )
            ]
            if not close:
                close = [
                    by_case[c]
                    for c in difflib.get_close_matches(_norm_name(wanted), list(by_case), n=3)
                ]
            kind = "required field" if fld in required else "field"
            text = f"{kind} {fld!r} not found (looked for a column named {wanted!r})"
            if close:
                text += f"; closest column names: {', '.join(map(repr, close))}"
            else:
                any_without_close = True
            lines.append(text)
            example = close[0] if close else f"<the column that holds {fld}>"
            fixes.append(f"{fld!r}: {example!r}")
        problem = "; ".join(lines)
        if any_without_close:
            shown = ", ".join(map(repr, names[:15])) + (" ..." if len(names) > 15 else "")
            problem += f". The file's columns are: {shown}"
        fix = f"pass {argument}={{{', '.join(fixes)}}} (the name as it appears in the file)"
        if isinstance(raw, RawTable) and raw.format in ("csv", "excel"):
            fix += (
                "; if the file has more than one header row, pass "
                f"header_rows={raw.header_rows + 1}"
            )
        raise InputError(problem, file=source, row=header_row, fix=fix)

    used: dict[str, list[str]] = {}
    for fld, col in found.items():
        used.setdefault(col, []).append(fld)
    clashes = {col: flds for col, flds in used.items() if len(flds) > 1}
    if clashes:
        col, flds = next(iter(clashes.items()))
        raise InputError(
            f"fields {', '.join(map(repr, flds))} are all mapped to the same column {col!r}",
            file=source,
            column=col,
            fix=f"map each field to a different column in {argument}=",
        )
    return found


def map_columns(
    raw: RawTable | pd.DataFrame,
    columns: Mapping[str, str] | None,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    source: str | None = None,
) -> pd.DataFrame:
    """The columns a schema needs, renamed to its field names (values untouched).

    See :func:`resolve_columns` for how columns are found. The result keeps the
    raw frame's index (row numbers) and records ``{field: column in the file}`` in
    ``attrs["source_columns"]``.
    """
    frame, _, _ = _as_raw(raw, source)
    found = resolve_columns(raw, columns, required=required, optional=optional, source=source)
    out = pd.DataFrame({fld: frame[col] for fld, col in found.items()}, index=frame.index)
    out.attrs["source_columns"] = dict(found)
    return out


# --------------------------------------------------------------------------- parsers


@dataclass(frozen=True, eq=False)
class Parsed:
    """Output of a value parser: ``values`` (missing where refused or blank) and
    ``problems`` (the reason a value was refused, ``<NA>`` where it was fine),
    both aligned to the input's index."""

    values: pd.Series
    problems: pd.Series

    @property
    def ok(self) -> pd.Series:
        """True where the value was accepted (including allowed blanks)."""
        return self.problems.isna()


def _parse_unique(
    values: pd.Series,
    parse_one: Callable[[Any], tuple[Any, str | None]],
    dtype: str,
) -> Parsed:
    """Apply ``parse_one`` once per distinct value and spread the results back."""
    values = pd.Series(values)
    cache: dict[Any, tuple[Any, str | None]] = {}
    out: list[Any] = []
    reasons: list[str | None] = []
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
    return Parsed(
        values=pd.Series(out, index=values.index, dtype=dtype, name=values.name),
        problems=pd.Series(reasons, index=values.index, dtype="str", name=values.name),
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
    missing_keys = {" ".join(m.split()).casefold() for m in missing}
    kind = "whole number" if integer else "number"

    def one(v: Any) -> tuple[Any, str | None]:
        if isinstance(v, bool | np.bool_):
            return None, f"{v!r} is a true/false value, not a {kind}"
        if isinstance(v, int | float | np.integer | np.floating) and not is_blank(v):
            number = float(v)
            if not np.isfinite(number):
                return None, f"{v!r} is not a finite {kind}"
        else:
            text = "" if is_blank(v) else " ".join(str(v).split())
            if text.casefold() in missing_keys:
                if allow_missing:
                    return None, None
                return None, "blank but a value is required: fill in the " + kind
            if not _NUMBER.fullmatch(text):
                return None, _number_reason(text, kind)
            number = float(text.replace(",", ""))
        if integer:
            if not number.is_integer():
                return None, f"{as_text(v)!r} is not a whole number: write it without decimals"
            return int(number), None
        return number, None

    return _parse_unique(pd.Series(values), one, "Int64" if integer else "float64")


def _number_reason(text: str, kind: str) -> str:
    bare = text.replace(" ", "")
    if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", bare) and "," in bare:
        return (
            f"{text!r} has a comma that is not a thousands separator (a decimal comma?): "
            f"write it with a decimal point (e.g. {bare.replace(',', '.')}) or without the comma"
        )
    if re.fullmatch(r"[+-]?[\d.]+,\d+", bare):
        return (
            f"{text!r} looks like a European number (decimal comma): write it as "
            f"{bare.replace('.', '').replace(',', '.')}"
        )
    if re.fullmatch(r"\(\s*[\d,.]+\s*\)", text):
        return f"{text!r} uses brackets for a negative: write -{text.strip('() ')}"
    if re.fullmatch(r"[£$€]\s*[\d,.]+|[\d,.]+\s*[£$€%]", text):
        return f"{text!r} has a currency or % sign: write the {kind} only"
    if text in ("-", "--", "–", "—"):
        return f"{text!r} could mean zero or missing: write 0, or leave the cell blank"
    if text.startswith("#"):
        return f"{text!r} is a spreadsheet error value: fix the formula or leave the cell blank"
    if re.search(r"\d", text):
        return (
            f"{text!r} is not a plain {kind}: write the {kind} only (no words, "
            "ranges or symbols), or leave the cell blank if it is unknown"
        )
    return f"{text!r} is not a {kind}: write a {kind}, or leave the cell blank if unknown"


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


# --------------------------------------------------------------------------- duplicates


def _key_part(value: Any) -> Any:
    return None if is_blank(value) else value


def duplicate_key_problems(
    frame: pd.DataFrame,
    key: Sequence[str],
    *,
    column_names: Mapping[str, str] | None = None,
) -> list[Problem]:
    """A problem for EVERY row whose key is shared with another row.

    All occurrences are reported (not just the later ones): the loader cannot know
    which copy is right. The reason names the other rows, e.g. ``duplicate
    respondent_id 'R1' (also on rows 5, 9): keep one and remove the others``.
    Blank key parts count as equal to each other. ``column_names`` maps a field
    to the column name shown in the quarantine (the user's name).
    """
    key = list(key)
    column_names = dict(column_names or {})
    groups: dict[tuple[Any, ...], list[int]] = {}
    parts = [frame[k].tolist() for k in key]
    for row, values in zip(frame.index.tolist(), zip(*parts, strict=True), strict=True):
        groups.setdefault(tuple(_key_part(v) for v in values), []).append(int(row))
    shown_cols = ", ".join(column_names.get(k, k) for k in key)
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    problems = []
    for values, rows in groups.items():
        if len(rows) < 2:
            continue
        shown = (
            repr(as_text(values[0]))
            if len(key) == 1
            else "(" + ", ".join(repr(as_text(v)) for v in values) + ")"
        )
        for row in rows:
            others = [r for r in rows if r != row]
            where = f"row {others[0]}" if len(others) == 1 else f"rows {_rows_text(others)}"
            problems.append(
                Problem(
                    row=row,
                    column=shown_cols,
                    value=" | ".join(as_text(v) for v in values),
                    reason=f"duplicate {label} {shown} (also on {where}): keep one and "
                    "remove the others",
                )
            )
    return problems


# --------------------------------------------------------------------------- pandera


def problems_from_failure_cases(
    failure_cases: pd.DataFrame,
    *,
    column_names: Mapping[str, str] | None = None,
    raw: pd.DataFrame | None = None,
    source: str | None = None,
) -> list[Problem]:
    """Turn pandera's ``SchemaErrors.failure_cases`` into problems, one per failed cell.

    The failure cases' ``index`` must be row numbers (as in a :class:`RawTable`).
    ``column_names`` maps a field to the user's column (shown in the quarantine);
    with ``raw`` (the raw frame) the value shown is the cell as written in the file.
    Failures that concern a whole column rather than rows (a missing column, a
    wrong dtype) are not row problems and raise :class:`InputError`.
    """
    column_names = dict(column_names or {})
    problems = []
    whole: list[str] = []
    for rec in failure_cases.to_dict("records"):
        fld = rec.get("column")
        check = str(rec.get("check"))
        if is_blank(rec.get("index")):
            whole.append(f"{fld or rec.get('failure_case')}: {check}")
            continue
        row = int(rec["index"])
        col = column_names.get(fld, fld) if fld is not None else "(row)"
        value = rec.get("failure_case")
        if raw is not None and col in raw.columns and row in raw.index:
            value = raw.at[row, col]
        problems.append(Problem(row, str(col), value, _check_reason(fld, check, value)))
    if whole:
        raise InputError(
            "the table does not fit its schema: " + "; ".join(whole),
            file=source,
            fix="check the column mapping (columns=) and the file's header",
        )
    return problems


def _check_reason(fld: Any, check: str, value: Any) -> str:
    if check == "not_nullable":
        return f"{fld} is blank but required: fill it in (or remove the row)"
    m = re.fullmatch(r"isin\((.*)\)", check, flags=re.S)
    if m:
        return f"{as_text(value)!r} is not an accepted {fld}: use one of {m.group(1)}"
    if check.startswith("must "):  # our own messages (coprod.schemas)
        return f"{fld} {as_text(value)!r} {check}: correct the value"
    return f"{fld} {as_text(value)!r} fails the check {check}: correct the value"


def validate_lazily(
    schema: Any,
    frame: pd.DataFrame,
    *,
    column_names: Mapping[str, str] | None = None,
    raw: pd.DataFrame | None = None,
    source: str | None = None,
) -> list[Problem]:
    """Validate ``frame`` with a pandera schema (lazily) and return the row problems.

    No failures gives ``[]``; see :func:`problems_from_failure_cases` for the rest.
    """
    import pandera.errors

    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return problems_from_failure_cases(
            exc.failure_cases, column_names=column_names, raw=raw, source=source
        )
    return []

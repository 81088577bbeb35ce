"""Reading files as they are: encodings, delimiters, header rows, sheets, title rows
and notes below the table.

:func:`read_raw_table` reads CSV/TSV/TXT (also ``.gz``), Excel, OpenDocument
(``.ods``), SPSS, Stata and Parquet into a :class:`RawTable` without coercing
anything: CSV cells arrive as text, blank cells as ``""``, and the index is the row
number a spreadsheet shows.

Where a published table ends
    Spreadsheets as published often have title rows above the header (skip them with
    ``skip_rows=``) and notes below the table ("Source: ...", "Note: figures are
    rounded"). The rule: **the table ends at the first completely blank row after
    which every row that is not blank has text in one cell only, in the table's
    first column (or to its left)**. Those rows are notes: they are not read as data
    and a note lists them (rows and text). Anything else after a blank row (a row with
    two or more cells filled) keeps the table going, so a data row is never taken for
    a note unless all it holds is its first cell, and even then the note shows it.
    Tables of one column have no notes below them (every row has one cell).

Engines for delimited text (``engine=``)
    ``"python"`` is the exact reader (the standard library's ``csv``); ``"pyarrow"``
    parses with pyarrow (all cells as text, from a memory map, in parallel), giving
    exactly the same table (rows, row numbers, columns, notes) many times faster;
    ``"auto"`` (the default) uses pyarrow when it can be exact and the python reader
    otherwise, with a note saying why. pyarrow cannot be exact for files with more
    than one header row, title rows (``skip_rows=``), blank lines before the header,
    rows with more or fewer cells than the header, or a quoted line break in the
    header; ``engine="pyarrow"`` refuses those.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import gzip
import io
import itertools
import re
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import label_key, plural, rows_text
from coprod.io.parse import as_text, is_blank
from coprod.io.result import InputError

__all__ = [
    "ENGINES",
    "SUPPORTED_EXTENSIONS",
    "RawTable",
    "detect_encoding",
    "keep_named_columns",
    "number_duplicate_names",
    "raw_table_from_frame",
    "read_raw_table",
]

_TEXT_EXTENSIONS = (".csv", ".tsv", ".tab", ".txt")
_EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
#: Formats whose rows are numbered as a spreadsheet shows them (header row included).
_ROW_FORMATS = ("csv", "excel", "ods")
#: Values of ``engine=``.
ENGINES = ("auto", "python", "pyarrow")
_PREFIX_BYTES = 1 << 20
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
    Completely blank rows are skipped and listed in ``notes``, as are title rows
    (``skip_rows=``) and notes below the table (see the module docstring).
    ``engine`` is the CSV engine that read a text file (``"python"`` or
    ``"pyarrow"``), ``None`` for other formats.
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
    engine: str | None = None

    @property
    def source(self) -> str:
        """The file as named in messages and in the quarantine table."""
        return str(self.path)

    @property
    def header_row_text(self) -> str | None:
        """The header row(s) as a spreadsheet numbers them ("1" or "1-2"); None for
        formats without header rows (SPSS, Stata, Parquet)."""
        if self.format not in _ROW_FORMATS:
            return None
        first = self.first_data_row - self.header_rows
        last = self.first_data_row - 1
        return str(last) if first == last else f"{first}-{last}"


def raw_table_from_frame(frame: pd.DataFrame, *, name: str = "the DataFrame") -> RawTable:
    """A DataFrame already in memory as a :class:`RawTable`: cells as they are (blanks as
    ``""``), rows numbered 1, 2, ... (their position) for messages and the quarantine."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, not {type(frame).__name__}")
    cells = pd.DataFrame(
        {
            str(c): pd.Series(
                ["" if v is None or (isinstance(v, float) and v != v) else v for v in col],
                dtype=object,
            )
            for c, col in frame.items()
        },
        columns=[str(c) for c in frame.columns],
    )
    cells.index = pd.Index(np.arange(1, len(frame) + 1), name="row", dtype="int64")
    return RawTable(frame=cells, path=Path(name), encoding=None, first_data_row=1, format="frame")


def _extension(path: Path) -> str:
    name = path.name.lower()
    for ext in sorted(SUPPORTED_EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return path.suffix.lower()


def read_raw_table(
    path: str | Path | pd.DataFrame,
    *,
    encoding: str | None = None,
    header_rows: int = 1,
    sheet: str | int | None = None,
    delimiter: str | None = None,
    skip_rows: int = 0,
    engine: str = "auto",
) -> RawTable:
    """Read a table file without coercing anything.

    Parameters
    ----------
    path:
        ``.csv``, ``.tsv``, ``.tab``, ``.txt`` (optionally ``.gz``), ``.xlsx``/``.xlsm``,
        ``.xls``, ``.ods`` (OpenDocument, e.g. from LibreOffice), ``.sav``/``.zsav``
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
        Sheet name (compared ignoring case and spacing) or 0-based position of a
        spreadsheet; ``None`` reads the first sheet (with a note if there are more).
        A wrong name or number lists the sheets.
    delimiter:
        Field separator of a text file; ``None`` uses tab for ``.tsv``/``.tab`` and
        otherwise the commonest of ``,`` ``;`` tab ``|`` in the header line.
    skip_rows:
        Title rows above the header to skip (CSV and spreadsheets), e.g. 2 for a
        sheet whose header is on row 3. Row numbers stay those of the sheet.
    engine:
        How delimited text is parsed: ``"auto"`` (default), ``"python"`` or
        ``"pyarrow"`` (see the module docstring). Other formats ignore it.

    CSV cells arrive as text: nothing becomes a number or NaN, trailing commas don't
    shift columns, header names are stripped of surrounding spaces. Notes below the
    table are not read as data (the rule is in the module docstring).

    A DataFrame already in memory is taken as it is (:func:`raw_table_from_frame`).
    """
    if isinstance(path, pd.DataFrame):
        return raw_table_from_frame(path)
    path = Path(path)
    if header_rows < 1:
        raise InputError(
            f"header_rows must be 1 or more, got {header_rows}",
            file=path,
            fix="pass header_rows=1 for a single header row",
        )
    if isinstance(skip_rows, bool) or not isinstance(skip_rows, int) or skip_rows < 0:
        raise InputError(
            f"skip_rows must be a whole number of rows, 0 or more; got {skip_rows!r}",
            file=path,
            fix="pass the number of title rows above the header, e.g. skip_rows=2",
        )
    if engine not in ENGINES:
        raise InputError(
            f"unknown engine {engine!r}",
            file=path,
            fix="pass engine='auto' (the default), 'python' (exact) or 'pyarrow' (fast)",
        )
    ext = _extension(path)
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputError(
            f"cannot read files ending {ext or '(no extension)'!r}",
            file=path,
            fix="save the table as one of: " + ", ".join(SUPPORTED_EXTENSIONS),
        )
    check_file(path)
    if ext in _TEXT_EXTENSIONS or ext.endswith(".gz"):
        why = None
        if engine != "python":
            fast = _read_text_fast(path, ext, encoding, header_rows, delimiter, skip_rows)
            if isinstance(fast, RawTable):
                return fast
            why = fast
            if engine == "pyarrow":
                raise InputError(
                    f"the pyarrow engine cannot read this file exactly: {why}",
                    file=path,
                    fix="pass engine='auto' or engine='python' to read it with the exact reader",
                )
        raw = _read_text(path, ext, encoding, header_rows, delimiter, skip_rows)
        if why:
            raw = dataclasses.replace(
                raw, notes=(*raw.notes, f"read with the exact (slower) CSV reader because {why}")
            )
        return raw
    if ext in _EXCEL_EXTENSIONS:
        return _read_excel(path, ext, header_rows, sheet, skip_rows)
    if skip_rows:
        raise InputError(
            f"skip_rows= is for CSV files and spreadsheets; a {ext} file has no title rows",
            file=path,
            fix="leave skip_rows out",
        )
    if ext in _SPSS_EXTENSIONS or ext in _STATA_EXTENSIONS:
        return _read_stats(path, ext)
    return _read_parquet(path)


def check_file(path: Path) -> None:
    """An :class:`InputError` unless ``path`` is a file with something in it."""
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
            f"ignored {plural(empty_unnamed, 'empty column')} without a header "
            "(e.g. from trailing commas)"
        )
    if unnamed:
        notes.append(
            f"{plural(len(unnamed), 'column')} with values but no header named "
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
    path: Path,
    ext: str,
    encoding: str | None,
    header_rows: int,
    delimiter: str | None,
    skip_rows: int = 0,
) -> RawTable:
    data = _read_bytes(path)
    notes: list[str] = []
    if encoding is None:
        encoding = detect_encoding(data if data else b"")
        if encoding == "cp1252":
            notes.append("read as Windows-1252 (cp1252) because the file is not valid UTF-8")
    text = _decode(data, encoding, str(path))
    if delimiter is None:
        after_titles = text
        if skip_rows:  # the header line decides, not the title rows
            after_titles = "\n".join(text.splitlines()[skip_rows:])
        delimiter, note = _guess_delimiter(after_titles, ext)
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
    frame, first_data_row, more_notes = _records_to_frame(records, header_rows, path, skip_rows)
    return RawTable(
        frame=frame,
        path=path,
        encoding=encoding,
        first_data_row=first_data_row,
        format="csv",
        header_rows=header_rows,
        notes=tuple(notes + more_notes),
        engine="python",
    )


def _blank_rows_note(blank_rows: Sequence[int], last_data_row: int) -> list[str]:
    """The note on blank rows between data rows (trailing blank rows are normal: Excel,
    a final newline), as a list of zero or one notes; both engines say it the same."""
    between = [r for r in blank_rows if r < last_data_row]
    if not between:
        return []
    return [
        f"skipped {plural(len(between), 'blank row')} between data rows (rows {rows_text(between)})"
    ]


def _record_is_blank(record: Sequence[Any]) -> bool:
    try:
        return not "".join(record).strip()
    except TypeError:  # not all text (Excel)
        return all(is_blank(v) for v in record)


def _cell_text(value: Any, limit: int = 60) -> str:
    text = " ".join(as_text(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _title_note(records: Sequence[Sequence[Any]], skip_rows: int) -> str:
    texts = [_cell_text(v) for rec in records[:skip_rows] for v in rec if not is_blank(v)]
    shown = ", ".join(map(repr, texts[:3])) + (
        f" and {len(texts) - 3} more" if len(texts) > 3 else ""
    )
    return f"skipped {plural(skip_rows, 'title row')} above the header (skip_rows={skip_rows})" + (
        f": {shown}" if texts else ""
    )


def _notes_start(blank: Sequence[bool], note: Sequence[bool]) -> int | None:
    """Where the table ends, among the rows after its last data row (each blank, or
    note-like: one cell filled, in the first column or left of it): at the first blank
    row, when note-like rows follow it; None when nothing below the table is a note."""
    gap = next((i for i, b in enumerate(blank) if b), None)
    if gap is None or not any(note[gap:]):
        return None
    return gap


def _notes_below_note(rows: Sequence[int], gap_row: int, texts: Sequence[str]) -> str:
    shown = ", ".join(repr(t) for t in texts[:3]) + (
        f" and {len(texts) - 3} more" if len(texts) > 3 else ""
    )
    return (
        f"ignored {plural(len(rows), 'note')} below the table (rows {rows_text(rows)}), not "
        f"read as data: the table ends at the blank row {gap_row}, below which only the "
        f"first column has text: {shown}"
    )


def _filled_positions(record: Sequence[Any]) -> list[int]:
    return [j for j, v in enumerate(record) if not is_blank(v)]


def _records_to_frame(
    records: list[list[Any]], header_rows: int, path: Path, skip_rows: int = 0
) -> tuple[pd.DataFrame, int, list[str]]:
    """Turn spreadsheet-like records (record i = spreadsheet row i + 1) into a frame."""
    notes: list[str] = []
    if skip_rows:
        if skip_rows >= len(records):
            raise InputError(
                f"skip_rows={skip_rows} skips every row: the file has "
                f"{plural(len(records), 'row')}",
                file=path,
                fix="pass the number of title rows above the header (fewer than the rows)",
            )
        notes.append(_title_note(records, skip_rows))
    blank = [_record_is_blank(rec) for rec in records]
    start = next((i for i in range(skip_rows, len(records)) if not blank[i]), None)
    if start is None:
        raise InputError(
            f"{path.name} is empty: no header row (the file holds only blank lines"
            + (" below the title rows)" if skip_rows else ")"),
            file=path,
            fix="check you exported or downloaded the right file",
        )
    if start > skip_rows:
        notes.append(
            f"skipped {plural(start - skip_rows, 'blank row')} before the header"
            + (" (below the title rows)" if skip_rows else "")
        )
    header_records = records[start : start + header_rows]
    if len(header_records) < header_rows:
        raise InputError(
            f"{path.name} is empty: expected {header_rows} header rows but the file has "
            f"{len(header_records)}",
            file=path,
            fix="check the file, or pass header_rows=1",
        )
    first_data_row = start + header_rows + 1
    # notes below the table (see the module docstring)
    body = start + header_rows
    table_end = len(records)
    notes_below = None
    header_filled = sorted({j for rec in header_records for j in _filled_positions(rec)})
    if len(header_filled) > 1:
        first = header_filled[0]

        def note_like(i: int) -> bool:
            filled = _filled_positions(records[i])
            return len(filled) == 1 and filled[0] <= first

        last_data = body - 1
        for i in range(len(records) - 1, body - 1, -1):
            if not blank[i] and not note_like(i):
                last_data = i
                break
        tail = range(last_data + 1, len(records))
        gap = _notes_start([blank[i] for i in tail], [not blank[i] and note_like(i) for i in tail])
        if gap is not None:
            table_end = last_data + 1 + gap
            below = [i for i in range(table_end, len(records)) if not blank[i]]
            texts = [_cell_text(records[i][_filled_positions(records[i])[0]]) for i in below]
            notes_below = _notes_below_note([i + 1 for i in below], table_end + 1, texts)
    data_rows: list[int] = []
    data_records: list[list[Any]] = []
    blank_rows: list[int] = []
    for i in range(body, table_end):
        if blank[i]:
            blank_rows.append(i + 1)
        else:
            data_rows.append(i + 1)
            data_records.append(records[i])
    notes.extend(_blank_rows_note(blank_rows, data_rows[-1] if data_rows else 0))
    if notes_below:
        notes.append(notes_below)

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
            f"{plural(short_rows, 'row')} had fewer cells than the header; "
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


def _read_excel(
    path: Path, ext: str, header_rows: int, sheet: str | int | None, skip_rows: int = 0
) -> RawTable:
    notes: list[str] = []
    if ext in (".ods", ".xls"):
        names, chosen, records = _read_calamine(path, ext, sheet)
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
    frame, first_data_row, more = _records_to_frame(records, header_rows, path, skip_rows)
    return RawTable(
        frame=frame,
        path=path,
        encoding=None,
        first_data_row=first_data_row,
        format="ods" if ext == ".ods" else "excel",
        sheet=chosen,
        header_rows=header_rows,
        notes=tuple(notes + more),
    )


def _read_calamine(
    path: Path, ext: str, sheet: str | int | None
) -> tuple[list[str], str, list[list[Any]]]:
    """(sheet names, the chosen sheet, its rows from row 1 and column A) of an .ods or
    .xls workbook, read with python-calamine."""
    from python_calamine import CalamineWorkbook

    kind = "OpenDocument spreadsheet" if ext == ".ods" else "Excel 97-2003 workbook"
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise InputError(
            f"could not open the {kind} ({type(exc).__name__}: {exc})",
            file=path,
            fix="check it opens in LibreOffice or Excel; re-save it (as .xlsx or .ods)",
        ) from exc
    names = list(wb.sheet_names)
    chosen = _choose_sheet(names, sheet, path)
    try:
        # skip_empty_area=False: rows and columns from A1, so row numbers are the sheet's
        records = [list(r) for r in wb.get_sheet_by_name(chosen).to_python(skip_empty_area=False)]
    except Exception as exc:
        raise InputError(
            f"could not read sheet {chosen!r} ({type(exc).__name__}: {exc})",
            file=path,
            fix="check the sheet opens in LibreOffice or Excel; re-save the workbook",
        ) from exc
    return names, chosen, records


def _choose_sheet(names: list[str], sheet: str | int | None, path: Path) -> str:
    if not names:
        raise InputError(f"{path.name} is empty: the workbook has no sheets", file=path)
    if sheet is None:
        return names[0]
    listed = ", ".join(map(repr, names))
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise InputError(
            f"there is no sheet number {sheet}: the workbook has {plural(len(names), 'sheet')}, "
            f"numbered from 0: {listed}",
            file=path,
            fix=f"pass sheet= a name ({listed}) or a number from 0 to {len(names) - 1}",
        )
    if not isinstance(sheet, str):
        raise InputError(
            f"sheet= must be a sheet's name or its number from 0, got {sheet!r}",
            file=path,
            fix=f"pass sheet= one of {listed}",
        )
    if sheet in names:
        return sheet
    matches = [n for n in names if label_key(n) == label_key(sheet)]
    if len(matches) == 1:
        return matches[0]
    raise InputError(
        f"there is no sheet named {sheet!r}; the workbook's sheets are {listed}",
        file=path,
        fix=f"pass sheet= one of {listed} (or its number from 0)",
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
            f"value labels applied to {plural(len(applied), 'column')} "
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


# --------------------------------------------------------------------------- the pyarrow engine


def _read_text_fast(
    path: Path,
    ext: str,
    encoding: str | None,
    header_rows: int,
    delimiter: str | None,
    skip_rows: int,
) -> RawTable | str:
    """Read a delimited text file with pyarrow, exactly as :func:`_read_text` would.

    Returns the :class:`RawTable`, or a reason (text) why the exact reader must read
    the file instead. All cells are read as text (``str`` columns); the index holds
    the row numbers a spreadsheet shows, blank rows are skipped and noted, notes below
    the table and unnamed columns handled, as by the exact reader. An uncompressed
    file is memory-mapped and its UTF-8 checked by pyarrow, so it is never copied whole
    into Python.
    """
    if header_rows != 1:
        return "it has more than one header row"
    if skip_rows:
        return "it has title rows above the header (skip_rows=)"
    if ext.endswith(".gz"):
        return _read_text_buffer(_read_bytes(path), path, ext, encoding, delimiter)
    import mmap

    with open(path, "rb") as handle:
        mm = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            return _read_text_buffer(mm, path, ext, encoding, delimiter)
        finally:
            try:
                mm.close()
            except BufferError:  # a view is still alive: the map goes when it does
                pass


def _utf8_source(data: Any, encoding: str | None, path: Path) -> tuple[Any, str, list[str], bool]:
    """UTF-8 text for pyarrow from the file's bytes (``bytes`` or an ``mmap``).

    Returns (buffer, encoding as the exact reader reports it, notes, whether pyarrow
    must still check that the buffer is valid UTF-8: bytes are checked here, an mmap
    is left to pyarrow). Encodings are detected as by :func:`detect_encoding`; other
    encodings are decoded and re-encoded.
    """
    notes: list[str] = []
    name = str(path)
    is_bytes = isinstance(data, bytes)
    valid = False  # known to be valid UTF-8
    if encoding is None:
        start = bytes(data[:4])
        for bom, enc in _BOMS:
            if start.startswith(bom):
                encoding = enc
                break
        else:
            if data.find(b"\x00") >= 0:
                detect_encoding(bytes(data))  # raises the exact reader's error
            encoding = "utf-8"
            if is_bytes:
                try:
                    if not data.isascii():
                        data.decode("utf-8")
                    valid = True
                except UnicodeDecodeError:
                    encoding = detect_encoding(data)  # cp1252, or a clear error
                    notes.append(
                        "read as Windows-1252 (cp1252) because the file is not valid UTF-8"
                    )
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        _decode(bytes(data[:4]), encoding, name)  # raises InputError naming it
        raise
    if codec in ("utf-8", "utf-8-sig"):
        if is_bytes and not valid and not data.isascii():
            _decode(data, encoding, name)  # raises the exact reader's error
        if is_bytes:
            valid = True
        if codec == "utf-8-sig" and bytes(data[:3]) == codecs.BOM_UTF8:
            return memoryview(data)[3:], encoding, notes, not valid
        return data, encoding, notes, not valid
    text = _decode(data if is_bytes else data[:], encoding, name)
    return text.encode("utf-8"), encoding, notes, False


def _read_text_buffer(
    data: Any, path: Path, ext: str, encoding: str | None, delimiter: str | None
) -> RawTable | str:
    from coprod.io._fast_csv import NotUtf8

    buf, found_encoding, notes, check = _utf8_source(data, encoding, path)
    try:
        return _fast_raw_table(buf, data, path, ext, found_encoding, notes, check, delimiter)
    except NotUtf8:
        pass
    finally:
        del buf  # release the mmap
    whole = bytes(data)
    if encoding is not None:  # the user named a UTF-8 codec: the exact reader's error
        _decode(whole, encoding, str(path))
    buf, found_encoding, notes, check = _utf8_source(whole, None, path)
    return _fast_raw_table(buf, whole, path, ext, found_encoding, notes, check, delimiter)


def _fast_raw_table(
    buf: Any,
    data: Any,
    path: Path,
    ext: str,
    encoding: str,
    notes: list[str],
    check_utf8: bool,
    delimiter: str | None,
) -> RawTable | str:
    import pyarrow as pa

    from coprod.io._fast_csv import NotUtf8, blank_cells, parse_table, tail_rows

    head_bytes = bytes(buf[:_PREFIX_BYTES])
    line_end = re.search(rb"[\r\n]", head_bytes)
    if line_end is None and len(buf) > _PREFIX_BYTES:
        return "its first line is longer than 1 MiB"
    try:
        first_line = head_bytes[: line_end.start() if line_end else None].decode("utf-8")
    except UnicodeDecodeError:
        raise NotUtf8 from None
    head = head_bytes.decode("utf-8", errors="ignore")  # at most the last character is cut
    if not first_line.strip():
        return "it has blank rows before the header"
    if delimiter is None:
        delimiter, note = _guess_delimiter(head, ext)
        if note:
            notes.append(note)
    header = next(csv.reader([first_line], delimiter=delimiter))
    if header != next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)):
        return "a quoted header cell holds a line break"
    if not "".join(header).strip():
        return "it has blank rows before the header"
    width = len(header)
    quoted = (data if isinstance(buf, memoryview) else buf).find(b'"') >= 0
    table = parse_table(buf, delimiter=delimiter, width=width, check_utf8=check_utf8, quoted=quoted)
    if isinstance(table, str):
        return table
    n = table.num_rows
    row_numbers = np.arange(2, n + 2, dtype=np.int64)

    # notes below the table, as by the exact reader
    notes_below = None
    filled = [j for j, name in enumerate(header) if name.strip()]
    if len(filled) > 1 and n:
        offset, tail_blank, tail_note = tail_rows(table, filled[0])
        gap = _notes_start(tail_blank.tolist(), tail_note.tolist())
        if gap is not None:
            cut = offset + gap
            below = [cut + i for i in np.flatnonzero(~tail_blank[gap:]).tolist()]
            texts = []
            for pos in below:
                cells = [v for v in table.slice(pos, 1).to_pylist()[0].values() if v.strip()]
                texts.append(_cell_text(cells[0]))
            notes_below = _notes_below_note(row_numbers[below].tolist(), cut + 2, texts)
            table = table.slice(0, cut)
            row_numbers = row_numbers[:cut]
            n = cut

    # completely blank rows are skipped (and noted), as by the exact reader
    candidates = np.flatnonzero(blank_cells(table.column(0))) if width else np.arange(n)
    for j in range(1, width):
        if not len(candidates):
            break
        column = table.column(j).take(pa.array(candidates))
        candidates = candidates[blank_cells(column)]
    if len(candidates):
        keep = np.ones(n, dtype=bool)
        keep[candidates] = False
        blank_rows = row_numbers[candidates].tolist()
        table = table.filter(pa.array(keep))
        row_numbers = row_numbers[keep]
        notes.extend(_blank_rows_note(blank_rows, int(row_numbers[-1]) if len(row_numbers) else 0))
    if notes_below:
        notes.append(notes_below)

    names = [as_text(v).strip() for v in header]
    names[0] = names[0].lstrip("\ufeff").strip()
    keep_cols = keep_named_columns(
        names,
        lambda j: table.num_rows == 0 or bool(blank_cells(table.column(j)).all()),
        notes,
    )
    final = number_duplicate_names([names[j] for j in keep_cols], notes)
    frame = pd.DataFrame(
        {name: table.column(j).to_pandas().array for name, j in zip(final, keep_cols, strict=True)},
        columns=final,
        index=pd.Index(row_numbers, name="row", dtype="int64"),
        copy=False,
    )
    if table.num_rows == 0:
        notes.append("the file has a header but no data rows")
    return RawTable(
        frame=frame,
        path=path,
        encoding=encoding,
        first_data_row=2,
        format="csv",
        header_rows=1,
        notes=tuple(notes),
        engine="pyarrow",
    )

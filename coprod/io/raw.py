"""Reading files as they are: encodings, delimiters, header rows, sheets.

:func:`read_raw_table` reads CSV/TSV/TXT (also ``.gz``), Excel, SPSS, Stata and
Parquet into a :class:`RawTable` without coercing anything: CSV cells arrive as
text, blank cells as ``""``, and the index is the row number a spreadsheet shows.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
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
    "SUPPORTED_EXTENSIONS",
    "RawTable",
    "detect_encoding",
    "keep_named_columns",
    "number_duplicate_names",
    "read_raw_table",
]

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
        notes.append(f"skipped {plural(start, 'blank row')} before the header")
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
            f"skipped {plural(len(blank_rows), 'blank row')} between data rows "
            f"(rows {rows_text(blank_rows)})"
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
    matches = [n for n in names if label_key(n) == label_key(sheet)]
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

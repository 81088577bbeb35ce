"""Checks every loader test shares (imported by the test modules; not a test module)."""

from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest

from coprod.io import QUARANTINE_COLUMNS, QuarantineWarning


def write(path, text: str | bytes, encoding: str = "utf-8"):
    """Write ``text`` (encoded with ``encoding``) or raw bytes to ``path``; return the path."""
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def check_counts(result, read: int, loaded: int, quarantined: int, *, kind: str | None = None):
    """The invariant every loader keeps, and the exact counts expected."""
    assert result.n_read == result.n_loaded + result.n_quarantined
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (read, loaded, quarantined)
    assert tuple(result.quarantine.columns) == QUARANTINE_COLUMNS
    if kind is not None:
        assert result.kind == kind


def quietly(reader, *args, **kwargs):
    """Call a loader expecting no warning at all (so no quarantine)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return reader(*args, **kwargs)


def loudly(reader, *args, **kwargs):
    """Call a loader expecting it to warn that rows were quarantined."""
    with pytest.warns(QuarantineWarning):
        return reader(*args, **kwargs)


def write_ods(path, sheets: dict[str, list[list]]):
    """An OpenDocument spreadsheet (odfpy, through pandas) with these sheets of rows."""
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, index=False, header=False)
    return path


def write_xlsx(path, sheets: dict[str, list[list]]):
    """An Excel workbook (openpyxl) with these sheets of rows (None = empty cell)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path

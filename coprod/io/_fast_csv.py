"""The pyarrow side of ``read_raw_table(..., engine="pyarrow")``: parse delimited UTF-8
text into a table of text cells, and find blank cells and rows fast.

:mod:`coprod.io.raw` decides when this engine can give exactly what its stdlib reader
gives (encodings, header, blank rows, notes below the table, column names) and builds
the :class:`~coprod.io.raw.RawTable`; this module only does the array work. pyarrow is
imported when a file is read, never on import.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["NotUtf8", "blank_cells", "csv_options", "parse_table", "tail_rows"]

#: Rows looked at per step when searching the end of a table for notes below it.
_TAIL_CHUNK = 4096


class NotUtf8(Exception):
    """pyarrow found bytes that are not UTF-8."""


def parse_table(buf: Any, *, delimiter: str, width: int, check_utf8: bool, quoted: bool) -> Any:
    """Parse the text after the header line into a pyarrow table of ``width``
    large_string columns (``c0``, ``c1``, ...), every cell as text, nothing null.

    Returns the table, or a reason (text) why the exact reader must read the file
    instead; raises :class:`NotUtf8` when ``check_utf8`` finds bytes that are not UTF-8.
    ``quoted``: whether the file holds a quote character at all.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    keys = [f"c{j}" for j in range(width)]

    def parse(newlines_in_values: bool) -> Any:
        parse_options, convert_options = csv_options(
            delimiter, keys, newlines_in_values=newlines_in_values, check_utf8=check_utf8
        )
        return pacsv.read_csv(
            pa.py_buffer(buf),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=keys),
            parse_options=parse_options,
            convert_options=convert_options,
        )

    # Without newlines_in_values pyarrow splits the text into blocks at line breaks and
    # parses them in parallel: faster, and exact unless a quoted cell holding a line
    # break straddles two blocks, which pyarrow reports as an error ("out of sync with
    # chunker", or a wrong number of cells): then the file is parsed again with it.
    try:
        try:
            return parse(False)
        except pa.ArrowInvalid as exc:
            if not quoted or (check_utf8 and "UTF8" in str(exc)):
                raise
            return parse(True)
    except pa.ArrowException as exc:
        # never show pyarrow's message: it quotes a row, which may hold personal data
        if check_utf8 and "UTF8" in str(exc):
            raise NotUtf8 from None
        if "Expected" in str(exc) and "columns" in str(exc):
            return "some rows have more or fewer cells than the header"
        return f"the fast reader could not parse it ({type(exc).__name__})"


def csv_options(
    delimiter: str, keys: list[str], *, newlines_in_values: bool, check_utf8: bool = True
) -> tuple[Any, Any]:
    """pyarrow's parse and convert options for the exact reading of a CSV's rows: every
    cell as text (``large_string``, what pandas's str dtype holds), none null, quotes as
    the stdlib reader takes them. Shared by the in-memory and the out-of-core readers."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return (
        pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=newlines_in_values,
            ignore_empty_lines=False,
        ),
        pacsv.ConvertOptions(
            column_types={k: pa.large_string() for k in keys},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=check_utf8,
        ),
    )


def blank_cells(column: Any) -> np.ndarray:
    """True where a text cell is empty or only whitespace (as ``str.strip()`` sees it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    wide = column.type == pa.large_string()
    if (wide or column.type == pa.string()) and not column.null_count and len(column):
        # only cells that are empty or start with a space (ASCII, or any non-ASCII
        # character) can be blank: trim just those
        size = 8 if wide else 4
        offsets = np.frombuffer(
            column.buffers()[1],
            dtype=np.int64 if wide else np.int32,
            count=len(column) + 1,
            offset=column.offset * size,
        )
        data = np.frombuffer(column.buffers()[2] or b"\0", dtype=np.uint8)
        starts = offsets[:-1]
        first = data.take(starts, mode="clip")  # (an empty cell at the end: clipped)
        # first byte a control character or space (<= 32: a superset of the ASCII
        # spaces) or non-ASCII (>= 128): one comparison in uint8 arithmetic
        maybe = np.flatnonzero((offsets[1:] == starts) | ((first - np.uint8(33)) >= 95))
        blank = np.zeros(len(column), dtype=bool)
        if len(maybe):
            trimmed = pc.utf8_trim_whitespace(column.take(pa.array(maybe)))
            blank[maybe] = pc.equal(pc.binary_length(trimmed), 0).to_numpy(zero_copy_only=False)
        return blank
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.equal(pc.binary_length(trimmed), 0).to_numpy(zero_copy_only=False)


def tail_rows(table: Any, first: int) -> tuple[int, np.ndarray, np.ndarray]:
    """The rows after the table's last data row: (position of the first of them, which
    are blank, which are note-like).

    A row is note-like when exactly one of its cells is not blank and that cell is in
    column ``first`` or to its left; a data row is neither blank nor note-like. Only
    the end of the table is read (in steps of a few thousand rows), so this is cheap
    for any file whose last rows are data.
    """
    n, width = table.num_rows, table.num_columns
    blanks: list[np.ndarray] = []
    notes: list[np.ndarray] = []
    stop = n
    while stop > 0:
        lo = max(0, stop - _TAIL_CHUNK)
        part = table.slice(lo, stop - lo)
        filled = np.column_stack([~blank_cells(part.column(j)) for j in range(width)])
        count = filled.sum(axis=1)
        is_blank = count == 0
        is_note = (count == 1) & (filled.argmax(axis=1) <= first)
        data = np.flatnonzero(~is_blank & ~is_note)
        if len(data):
            k = int(data[-1]) + 1
            blanks.insert(0, is_blank[k:])
            notes.insert(0, is_note[k:])
            return lo + k, np.concatenate(blanks), np.concatenate(notes)
        blanks.insert(0, is_blank)
        notes.insert(0, is_note)
        stop = lo
    empty = np.zeros(0, dtype=bool)
    return 0, np.concatenate([empty, *blanks]), np.concatenate([empty, *notes])

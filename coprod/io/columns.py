"""Finding the columns a schema needs in a user's file (exact, then ignoring case
and spacing; never fuzzy) and saying clearly what to pass when one is missing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import pandas as pd

from coprod._core.text import label_key, loose_key
from coprod.io.dates import parse_dates
from coprod.io.parse import is_blank, parse_numbers
from coprod.io.raw import RawTable
from coprod.io.result import InputError
from coprod.io.schemas import Schema

__all__ = [
    "map_columns",
    "could_hold",
    "resolve_columns",
    "suggest_columns",
    "title_row_hint",
]

# --------------------------------------------------------------------------- columns


def _as_raw(
    raw: RawTable | pd.DataFrame, source: str | None
) -> tuple[pd.DataFrame, str, str | None]:
    if isinstance(raw, RawTable):
        return raw.frame, source or raw.source, raw.header_row_text
    return raw, source or "the table", "1"


def resolve_columns(
    raw: RawTable | pd.DataFrame,
    columns: Mapping[str, str | None] | None,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    source: str | None = None,
    argument: str = "columns",
    schema: Schema | None = None,
) -> dict[str, str]:
    """Find the file column for each schema field: ``{field: column in the file}``.

    ``columns`` maps a field to the user's column name; a field not in the mapping
    is looked for under its own name. Matching is exact first, then ignoring case
    and spacing (never fuzzy). Optional fields that are not found are left out,
    unless ``columns`` names them explicitly; ``{field: None}`` switches an optional
    field off even when a column of that name exists. Every missing required column
    is reported in one :class:`InputError` with the closest names in the file; with
    ``schema`` only names whose values could be the field are suggested (a key must
    be mostly distinct, a date must look like dates, a number must parse), so a
    depot name is never offered as a complaint id. ``argument`` names the keyword the
    user passes the mapping with (for messages).
    """
    frame, source, header_row = _as_raw(raw, source)
    required = list(dict.fromkeys(required))
    optional = [f for f in dict.fromkeys(optional) if f not in required]
    known = required + optional
    columns = dict(columns or {})
    off = [f for f, col in columns.items() if col is None]
    off_required = [f for f in off if f in required]
    if off_required:
        raise InputError(
            f"{argument}= switches off required field(s) {', '.join(map(repr, off_required))}",
            file=source,
            fix=f"map each to the column that holds it, e.g. {argument}="
            f"{{{off_required[0]!r}: 'Your column'}}",
        )
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
        by_norm.setdefault(label_key(name), []).append(name)

    found: dict[str, str] = {}
    missing: list[tuple[str, str]] = []
    for fld in known:
        if fld in off:
            continue
        wanted = str(columns.get(fld, fld))
        if wanted in names:
            found[fld] = wanted
            continue
        matches = by_norm.get(label_key(wanted), [])
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
        for fld, wanted in missing:
            close = suggest_columns(frame, fld, wanted, schema=schema, exclude=found.values())
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
        if isinstance(raw, RawTable) and raw.header_row_text is not None:
            title = title_row_hint(raw)
            if title:
                fix += f"; {title}"
            else:
                fix += (
                    "; if the file has more than one header row, pass "
                    f"header_rows={raw.header_rows + 1}; if it has title rows above the "
                    "header, pass skip_rows="
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


def suggest_columns(
    frame: pd.DataFrame,
    field: str,
    wanted: str | None = None,
    *,
    schema: Schema | None = None,
    exclude: Iterable[str] = (),
) -> list[str]:
    """Up to three columns of ``frame`` that may be ``field`` (looked for as ``wanted``):
    the nearest names, and with ``schema`` only those whose values could be the field.
    Columns in ``exclude`` (those already read as other fields) are never suggested.

    Ranked on a loose key ("Complaint ID" ~ "complaint_id"), only to suggest: matching
    itself stays exact or case-insensitive.
    """
    taken = set(exclude)
    names = [str(c) for c in frame.columns if str(c) not in taken]
    wanted = field if wanted is None else wanted
    by_loose = {loose_key(n): n for n in names}
    close = [
        by_loose[c]
        for c in difflib.get_close_matches(loose_key(wanted), list(by_loose), n=3, cutoff=0.5)
    ]
    if not close:
        by_case = {label_key(n): n for n in names}
        close = [
            by_case[c] for c in difflib.get_close_matches(label_key(wanted), list(by_case), n=3)
        ]
    if schema is not None:
        close = [c for c in close if could_hold(schema, field, frame[c])]
    return close


def could_hold(schema: Schema, field: str, values: pd.Series, *, sample: int = 500) -> bool:
    """Whether a column's values could be ``field`` of ``schema`` (for suggestions only).

    A key field needs mostly distinct values (95% of the non-blank ones); a date field
    values that :func:`coprod.io.dates.parse_dates` reads (half of them); a number field values
    that parse as numbers (half of them). Other fields take any column.
    """
    cells = values[[not is_blank(v) for v in values]]
    if not len(cells):
        return True
    head = cells.iloc[:sample]
    dtype = schema.field(field).dtype
    if tuple(schema.key) == (field,):  # a field of a longer key may repeat
        return cells.nunique() >= 0.95 * len(cells)
    if dtype == "date":
        try:  # the one date parser decides what a date is, here too
            return bool(parse_dates(head.reset_index(drop=True)).ok.mean() >= 0.5)
        except InputError:  # both day/month orders: dates, if wrongly mixed
            return True
    if dtype == "number":
        return bool(parse_numbers(head).ok.mean() >= 0.5)
    return True


def title_row_hint(raw: RawTable | pd.DataFrame) -> str | None:
    """A hint when the header read is one cell over unnamed columns (a title row above
    the real header, as in published spreadsheets); None otherwise."""
    if not isinstance(raw, RawTable) or raw.header_row_text is None:
        return None
    names = [str(c) for c in raw.frame.columns]
    unnamed = sum(1 for n in names if n.startswith("Unnamed: "))
    if len(names) > 1 and unnamed >= len(names) - 1:
        named = next((n for n in names if not n.startswith("Unnamed: ")), names[0])
        return (
            f"the header row {raw.header_row_text} has one cell only ({named!r}), so it is "
            "probably a title: pass skip_rows= the number of rows above the real header"
        )
    return None


def map_columns(
    raw: RawTable | pd.DataFrame,
    columns: Mapping[str, str | None] | None,
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

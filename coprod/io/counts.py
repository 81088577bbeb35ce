"""Read counts that were already aggregated: one file per month, counts per area.

Some publishers release counts rather than records: how many reports each area had
in each month, one file per month, with the month only in the file name. mySociety's
FixMyStreet report counts per Local Authority District (LAD) are the example this
module is built for (see ``coprod/data/fixmystreet_extract/SOURCE.txt``):

``2015-6.csv``::

    lad,reports,unique_users,average_per_user
    E06000001,9,6,1.5
    ...

:func:`read_report_counts` reads such a folder into one tidy table (schema
:data:`coprod.io.schemas.REPORT_COUNTS`):

============  ==============  ==========================================================
column        type            meaning
============  ==============  ==========================================================
period        datetime64[ns]  first day of the month, from the file name
lad           str             the key column (``key=``; an ONS GSS code when it is "lad")
category      str             only when a category column is mapped, e.g.
                              ``columns={"category": "SHEF_C_CODE"}``
reports       int64           the value columns (``value_columns=``): whole numbers >= 0
unique_users  int64
============  ==============  ==========================================================

Rules, so nothing is dropped or guessed without saying so:

* Files are matched with ``pattern`` (a regular expression with ``year`` and
  ``month`` groups, matched against the whole file name) and sorted by the numbers,
  so ``2015-10.csv`` comes after ``2015-9.csv``. Files that do not match (yearly
  totals ``2015.csv``, ``all time.csv``, ``SOURCE.txt``) are skipped and listed in
  the notes.
* Every matched file must have the header most of them have (column names compared
  ignoring case, spacing and order). A file with another header is skipped with a
  note when it has no data rows (FixMyStreet's ``2007-1.csv`` is such an empty stub);
  when it has rows, every row is quarantined saying why.
* Counts must be whole numbers >= 0; a key (and category) must not be blank; when
  the key is ``lad`` it must look like an ONS GSS code (``E08000019``); a key (and
  category) must not appear twice in one month (every copy is quarantined). The
  quarantine's ``file`` is the monthly file and ``row`` its row number.
* ``average_per_user`` is dropped (with a note): it is reports / unique_users, and
  must be recomputed after counts are added up, never averaged. Other unmapped
  columns are dropped and listed.
* **Absent means zero.** The publisher leaves out an area with no reports in a
  month. The notes say how many area-months are absent; :func:`fill_zero_counts`
  adds them as explicit zeros (marked ``zero_filled``) when an analysis needs every
  month, e.g. a time series per area.

``data`` has a plain RangeIndex (rows come from many files); ``data.attrs`` holds
``source`` (the folder), ``files_read``, ``files_skipped`` ({file: why}), ``key``,
``value_columns``, ``source_columns`` and ``absent`` (the number of absent
area-months). :data:`LAD_NAMES` names the LADs of the shipped extract and
:data:`SHEF_C_CATEGORIES` the FixMyStreet SHEF_C category codes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list
from coprod._core.text import label_key, plural
from coprod.io.columns import resolve_columns
from coprod.io.dates import parse_dates
from coprod.io.parse import as_text, parse_numbers
from coprod.io.raw import RawTable, read_raw_table
from coprod.io.result import InputError, LoadResult, Problems, finish
from coprod.io.validate import duplicate_key_problems

__all__ = [
    "LAD_NAMES",
    "MONTHLY_PATTERN",
    "SHEF_C_CATEGORIES",
    "read_denominators",
    "read_report_counts",
]

#: The default ``pattern``: FixMyStreet's monthly files, ``2015-6.csv`` (month not padded).
MONTHLY_PATTERN = r"(?P<year>\d{4})-(?P<month>\d{1,2})\.csv"

#: ONS names of the Local Authority Districts in ``coprod/data/fixmystreet_extract`` (by GSS code).
LAD_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "E08000019": "Sheffield",
        "E08000035": "Leeds",
        "E08000025": "Birmingham",
        "E06000023": "Bristol, City of",
        "E08000003": "Manchester",
        "E06000043": "Brighton and Hove",
        "E09000028": "Southwark",
        "W06000015": "Cardiff",
        "S12000013": "Na h-Eileanan Siar",
        "S12000023": "Orkney Islands",
    }
)

#: FixMyStreet's SHEF_C category codes (mysociety/fms_meta_categories, CODES_SHEF_C.csv).
SHEF_C_CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "C1": "Access",
        "C2": "Environmental Disruptions",
        "C3": "Environmental Health",
        "C4": "Incivilities",
        "C5": "Other",
        "C6": "Public Space",
        "C7": "Road Safety & Defects",
        "C8": "Abandoned Vehicles & Parking",
    }
)

_DERIVED = ("average_per_user",)
_GSS_CODE = re.compile(r"[EWSN]\d{8}")
_HEADER_COLUMN = "(header)"
_NAME_COLUMN = "(file name)"


def _names_text(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --------------------------------------------------------------------------- reading


def read_report_counts(
    folder: str | Path,
    *,
    pattern: str = MONTHLY_PATTERN,
    columns: Mapping[str, str] | None = None,
    key: str | Sequence[str] = "lad",
    value_columns: Sequence[str] = ("reports", "unique_users"),
    sheet: str | int | None = None,
    skip_rows: int = 0,
) -> LoadResult:
    """Read a folder of monthly count files into one tidy, validated table.

    Parameters
    ----------
    folder:
        The folder holding one file per month (CSV, or anything
        :func:`coprod.io.read_raw_table` reads).
    pattern:
        Regular expression with named groups ``year`` and ``month`` that the whole
        file name must match (default :data:`MONTHLY_PATTERN`, ``2015-6.csv``).
    columns:
        ``{output name: column in the files}`` for the key(s), the value columns and
        ``category``, e.g. ``{"lad": "LAD", "category": "SHEF_C_CODE"}``. Names not
        mapped are looked for as they are (ignoring case and spacing); ``category``
        is read when mapped or when the files have a ``category`` column.
    key:
        The column(s) identifying an area (default ``"lad"``).
    value_columns:
        The count columns (whole numbers >= 0).
    sheet, skip_rows:
        For spreadsheets: the sheet of every file (name or 0-based number) and the title
        rows above the header (see :func:`coprod.io.read_raw_table`; notes below the
        table are never read as rows). What a file's reading noted is in the notes.

    Returns
    -------
    LoadResult with ``kind="report_counts"``: ``data`` has ``period``, the key
    column(s), ``category`` if read, and the value columns as ``int64``. See the
    module docstring for the rules; absent area-months are counted in the notes and
    can be added as zeros with :func:`fill_zero_counts`.
    """
    folder = Path(folder)
    keys = [key] if isinstance(key, str) else list(key)
    values = list(value_columns)
    if not keys or not values or isinstance(value_columns, str):
        raise InputError(
            "key= and value_columns= must name at least one column each "
            f"(got key={key!r}, value_columns={value_columns!r})",
            fix="pass e.g. key='lad', value_columns=('reports', 'unique_users')",
        )
    matcher = _compile_pattern(pattern)
    if not folder.is_dir():
        raise InputError(
            "not a folder" if folder.exists() else "no such folder",
            file=folder,
            fix="pass the folder that holds the monthly files (e.g. .../no_categories)",
        )

    matched: list[tuple[int, int, Path]] = []
    skipped_names: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.is_file():
            continue
        m = matcher.fullmatch(path.name)
        if m:
            matched.append((int(m.group("year")), int(m.group("month")), path))
        else:
            skipped_names.append(path.name)
    if not matched:
        listing = _names_text([p.name for p in sorted(folder.iterdir())]) or "(nothing)"
        raise InputError(
            f"no file name matches the pattern {pattern!r}; the folder holds: {listing}",
            file=folder,
            fix="pass pattern= with named groups year and month that match the monthly "
            r"files, e.g. pattern=r'counts_(?P<year>\d{4})_(?P<month>\d{2})\.csv'",
        )
    matched.sort(key=lambda t: (t[0], t[1], t[2].name))

    raws = [
        (year, month, read_raw_table(path, sheet=sheet, skip_rows=skip_rows))
        for year, month, path in matched
    ]
    signatures = [frozenset(label_key(c) for c in raw.frame.columns) for _, _, raw in raws]
    common = Counter(signatures).most_common()
    reference = common[0][0]
    reference_raw = next(
        raw for (_, _, raw), s in zip(raws, signatures, strict=True) if s == reference
    )
    wanted = [*keys, *values]
    columns = dict(columns or {})
    if "category" in keys:
        raise InputError(
            "key= names 'category': the category is read as its own column",
            fix="map it with columns={'category': '<its column>'} and leave it out of key=",
        )
    found_reference = resolve_columns(
        reference_raw, columns, required=wanted, optional=["category"]
    )
    has_category = "category" in found_reference
    out_columns = [*keys, *(["category"] if has_category else []), *values]
    used = {label_key(c) for c in found_reference.values()}
    reference_names = list(reference_raw.frame.columns)
    others = [
        c for c in reference_names if label_key(c) not in used and label_key(c) not in _DERIVED
    ]
    extra = {f"\0{c}": c for c in others}  # unmapped columns, kept aside for one check

    problems = Problems(folder)
    notes: list[str] = []
    skipped: dict[str, str] = {}
    files_read: list[str] = []
    rows_read = 0
    pieces: list[pd.DataFrame] = []
    positions = 0
    file_of: list[np.ndarray] = []
    row_of: list[np.ndarray] = []
    empty_months: list[str] = []
    for (year, month, raw), signature in zip(raws, signatures, strict=True):
        name = raw.path.name
        n = len(raw.frame)
        bad_file = None
        if not 1 <= month <= 12:
            bad_file = (
                _NAME_COLUMN,
                f"the file name {name!r} gives month {month}, which does not exist: rename "
                "the file (its rows are not read)",
                "file names with a month that does not exist",
            )
        elif signature != reference:
            bad_file = (
                _HEADER_COLUMN,
                f"the header of {name} ({', '.join(map(str, raw.frame.columns))}) differs from "
                f"the other files' ({', '.join(reference_names)}): its rows are not read; "
                "give the file the same columns as the others",
                "files whose header differs from the others'",
            )
        if bad_file is not None and n == 0:
            why = bad_file[1].split(": its rows", 1)[0].split(": rename", 1)[0]
            skipped[name] = f"{why}, and no data rows"
            continue
        here = np.arange(positions, positions + n)
        if bad_file is None:
            found = resolve_columns(raw, columns, required=wanted, optional=["category"])
            by_norm = {label_key(c): c for c in raw.frame.columns}
            frame = pd.DataFrame(
                {
                    **{col: raw.frame[found[col]].to_numpy() for col in out_columns},
                    **{k: raw.frame[by_norm[label_key(c)]].to_numpy() for k, c in extra.items()},
                }
            )
        else:  # not read: every row is quarantined below
            frame = pd.DataFrame({col: [""] * n for col in [*out_columns, *extra]}, dtype=object)
        frame.index = pd.Index(here, dtype="int64")
        frame.insert(0, "period", pd.Timestamp(year, month, 1) if bad_file is None else pd.NaT)
        file_of.append(np.full(n, name, dtype=object))
        row_of.append(raw.frame.index.to_numpy(dtype=np.int64))
        if bad_file is not None:
            cells = [",".join(as_text(v) for v in rec) for rec in raw.frame.itertuples(index=False)]
            problems.add_many(here, bad_file[0], cells, bad_file[1], bad_file[2])
        else:
            files_read.append(name)
            rows_read += n
            if n == 0:
                empty_months.append(name)
        pieces.append(frame)
        positions += n

    if pieces:
        combined = pd.concat(pieces)
    else:
        combined = pd.DataFrame({c: pd.Series(dtype=object) for c in ["period", *out_columns]})
    combined.index = pd.RangeIndex(len(combined))
    files = np.concatenate(file_of) if file_of else np.array([], dtype=object)
    rows = np.concatenate(row_of) if row_of else np.array([], dtype=np.int64)
    usable = combined["period"].notna().to_numpy()
    source_columns = {c: found_reference[c] for c in out_columns}

    # keys (and category): text, not blank; a LAD must look like a GSS code
    # the period comes from the file name (year and month numbers), already a date
    data: dict[str, Any] = {"period": combined["period"].astype("datetime64[ns]")}
    for col in out_columns[: len(out_columns) - len(values)]:
        raw_values = combined[col]
        cells = raw_values.tolist()
        if not all(type(v) is str for v in cells):
            cells = [as_text(v) for v in cells]
        text = pd.Series(cells, index=combined.index, dtype="str").str.strip()
        blank = (text == "").to_numpy() & usable
        if blank.any():
            problems.add_many(
                np.flatnonzero(blank),
                source_columns[col],
                raw_values[blank].tolist(),
                f"{col} is blank but required: fill it in (or remove the row)",
                "blank but required",
            )
        if col == "lad":
            bad = ~text.str.fullmatch(_GSS_CODE.pattern).to_numpy(dtype=bool) & ~blank & usable
            if bad.any():
                problems.add_many(
                    np.flatnonzero(bad),
                    source_columns[col],
                    raw_values[bad].tolist(),
                    [
                        f"{v!r} is not an ONS GSS code (a letter E, W, S or N and 8 digits, "
                        "e.g. E08000019): correct it, or pass key= naming the right column"
                        for v in text[bad].tolist()
                    ],
                    "not an ONS GSS code",
                )
        data[col] = text.where(text != "")
    # counts: whole numbers >= 0
    for col in values:
        raw_values = combined[col]
        parsed = parse_numbers(raw_values, integer=True, allow_missing=False)
        refused = parsed.problems.notna().to_numpy() & usable
        if refused.any():
            problems.add_many(
                np.flatnonzero(refused),
                source_columns[col],
                raw_values[refused].tolist(),
                [f"{col}: {_no_blank_hint(why)}" for why in parsed.problems[refused].tolist()],
                parsed.kinds[refused].tolist(),
            )
        negative = (parsed.values < 0).fillna(False).to_numpy(dtype=bool) & usable
        if negative.any():
            problems.add_many(
                np.flatnonzero(negative),
                source_columns[col],
                raw_values[negative].tolist(),
                f"{col} is negative: a count is 0 or more; correct it",
                "negative counts",
            )
        data[col] = parsed.values
    table = pd.DataFrame(data, index=combined.index)

    # one row per key (and category) per month: every copy of a repeat is quarantined
    group = ["period", *out_columns[: len(out_columns) - len(values)]]
    complete = usable & table[group].notna().all(axis=1).to_numpy()
    repeated = np.flatnonzero(table[group].duplicated(keep=False).to_numpy() & complete)
    if len(repeated):
        _refuse_unmapped_category(combined, table, group, repeated, extra, folder)
        _add_duplicates(problems, table, group, repeated, files, rows, source_columns, combined)

    n_periods, n_absent = _absent_counts(table, problems, group, usable)
    result = finish(
        table,
        problems,
        kind="report_counts",
        encoding=_encodings(raws),
        notes=[],
        warn=False,
    )
    data_out = result.data.reset_index(drop=True)
    for col in values:
        data_out[col] = data_out[col].astype("int64")
    quarantine = _with_files(result.quarantine, files, rows)

    file_notes = {raw.path.name: raw.notes for _, _, raw in raws if raw.notes}
    for name, said in list(file_notes.items())[:3]:
        notes.append(f"{name}: " + "; ".join(said))
    if len(file_notes) > 3:
        notes.append(
            f"... and {plural(len(file_notes) - 3, 'other file')} with notes from reading "
            "(see data.attrs['file_notes'])"
        )
    if skipped_names:
        notes.append(
            f"skipped {plural(len(skipped_names), 'file')} whose names do not match the "
            f"pattern {pattern!r}: {_names_text(skipped_names)}"
        )
    for name, why in skipped.items():
        notes.append(f"skipped {name}: {why}")
    if files_read:
        first, last = files_read[0], files_read[-1]
        notes.append(
            f"read {plural(len(files_read), 'monthly file')} ({first} ... {last}) with "
            f"{plural(rows_read, 'data row')}"
        )
    if empty_months:
        notes.append(
            f"{plural(len(empty_months), 'monthly file')} without data rows (all zero by the "
            f"publisher's rule): {_names_text(empty_months)}"
        )
    lower_names = {label_key(c): c for c in reference_names}
    derived = [lower_names[d] for d in _DERIVED if d in lower_names and d not in used]
    if derived:
        notes.append(
            f"dropped {', '.join(derived)}: it is reports / unique_users, so recompute it after "
            "adding counts up (never average it)"
        )
    if others:
        notes.append(
            f"dropped unmapped {plural(len(others), 'column')}: {', '.join(others)}"
            + (
                "; if it is a category, pass columns={'category': " + repr(others[0]) + "}"
                if not has_category
                else ""
            )
        )
    area = group[1] if len(group) == 2 else "(" + ", ".join(group[1:]) + ")"
    if n_periods and not n_absent:
        notes.append(
            f"no {area}-month is absent between the first and last month ({n_periods} "
            f"months); by the publisher's rule an absent {area}-month would mean zero"
        )
    elif n_periods:
        notes.append(
            f"{plural(n_absent, f'{area}-month')} absent between the first and last month "
            f"({n_periods} months): by the publisher's rule an absent {area}-month means "
            f"zero, not missing; fill_zero_counts(data, by={group[1:]!r}, "
            f"value={values!r}) adds them as explicit zeros"
        )

    data_out.attrs.update(
        {
            "source": str(folder),
            "files_read": tuple(files_read),
            "files_skipped": dict(
                {n: "name does not match the pattern" for n in skipped_names}, **skipped
            ),
            "key": tuple(keys),
            "value_columns": tuple(values),
            "source_columns": source_columns,
            "absent": n_absent,
            "file_notes": file_notes,
        }
    )
    final = LoadResult(
        data=data_out,
        quarantine=quarantine,
        n_read=result.n_read,
        source=str(folder),
        kind="report_counts",
        encoding=result.encoding,
        notes=tuple(notes),
    )
    if final.n_quarantined:
        import warnings

        from coprod.io.result import QuarantineWarning

        by_column = quarantine["column"].value_counts(sort=True)
        where = ", ".join(f"{col!r} ({n})" for col, n in by_column.head(5).items())
        warnings.warn(
            f"{final.source}: {final.n_quarantined} of {final.n_read} rows quarantined "
            f"(see .quarantine and .summary()); problems by column: {where}",
            QuarantineWarning,
            stacklevel=2,
        )
    return final


def _no_blank_hint(reason: str) -> str:
    """parse_numbers' reason without its "or leave the cell blank" (counts may not be)."""
    for hint in (
        ", or leave the cell blank if it is unknown",
        ", or leave the cell blank if unknown",
    ):
        reason = reason.replace(hint, "")
    return reason


def _compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        matcher = re.compile(pattern)
    except re.error as exc:
        raise InputError(
            f"pattern= is not a valid regular expression ({exc})",
            fix=r"pass e.g. pattern=r'(?P<year>\d{4})-(?P<month>\d{1,2})\.csv'",
        ) from exc
    missing = {"year", "month"} - set(matcher.groupindex)
    if missing:
        raise InputError(
            f"pattern= has no named group {', '.join(sorted(missing))}: the period is taken "
            "from the file name",
            fix=r"name the groups, e.g. pattern=r'(?P<year>\d{4})-(?P<month>\d{1,2})\.csv'",
        )
    return matcher


def _encodings(raws: Iterable[tuple[int, int, RawTable]]) -> str | None:
    found = sorted({raw.encoding for _, _, raw in raws if raw.encoding})
    return ", ".join(found) if found else None


def _add_duplicates(
    problems: Problems,
    table: pd.DataFrame,
    group: list[str],
    repeated: np.ndarray,
    files: np.ndarray,
    rows: np.ndarray,
    source_columns: Mapping[str, str],
    combined: pd.DataFrame,
) -> None:
    """A problem for every copy, naming where the other copies are (file and row)."""
    sub = table.iloc[repeated][group]
    where = {}
    for pos, values in zip(repeated.tolist(), sub.itertuples(index=False, name=None), strict=True):
        where.setdefault(values, []).append(pos)
    label = "(" + ", ".join(group) + ")"
    column = ", ".join(source_columns[g] for g in group[1:])
    positions, cells, reasons = [], [], []
    for values, group_positions in where.items():
        shown = ", ".join(f"{v:%Y-%m}" if isinstance(v, pd.Timestamp) else repr(v) for v in values)
        for pos in group_positions:
            others = [p for p in group_positions if p != pos]
            listed = "; ".join(f"{files[p]} row {rows[p]}" for p in others[:5])
            if len(others) > 5:
                listed += f" and {len(others) - 5} more"
            positions.append(pos)
            cells.append(" | ".join(as_text(combined.at[pos, g]) for g in group[1:]))
            reasons.append(
                f"duplicate {label} ({shown}) (also in {listed}): keep one and remove the others"
            )
    problems.add_many(positions, column, cells, reasons, f"duplicate {label}")


def _refuse_unmapped_category(
    combined: pd.DataFrame,
    table: pd.DataFrame,
    group: list[str],
    repeated: np.ndarray,
    extra: Mapping[str, str],
    folder: Path,
) -> None:
    """Raise when the repeats are rows of an unmapped column such as a category: the
    files then hold one row per key *and* that column, and the user must say so."""
    sub = table.iloc[repeated][group]
    for hidden, name in extra.items():
        other = combined[hidden].iloc[repeated].map(as_text).str.strip()
        if not sub.assign(**{hidden: other.to_numpy()}).duplicated(keep=False).any():
            area = ", ".join(group[1:])
            raise InputError(
                f"{len(repeated):,} rows share a month and {area} with another row, and the "
                f"unmapped column {name!r} tells them apart: the files hold one row per "
                f"{area} and {name}",
                file=folder,
                column=name,
                fix=f"pass columns={{'category': {name!r}}} to read it as the category",
            )


def _absent_counts(
    table: pd.DataFrame, problems: Problems, group: list[str], usable: np.ndarray
) -> tuple[int, int]:
    """(months from first to last, area-months absent) over the rows that loaded."""
    bad = np.zeros(len(table), dtype=bool)
    bad[list(problems.rows)] = True
    ok = table.loc[usable & ~bad]
    if ok.empty:
        return 0, 0
    first, last = ok["period"].min(), ok["period"].max()
    n_periods = (last.year - first.year) * 12 + last.month - first.month + 1
    n_areas = 1
    for col in group[1:]:
        n_areas *= ok[col].nunique()
    return n_periods, n_periods * n_areas - len(ok)


def _with_files(quarantine: pd.DataFrame, files: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """The quarantine with each problem's monthly file and its row number in that file."""
    positions = quarantine["row"].to_numpy(dtype=np.int64)
    out = quarantine.copy()
    out["file"] = pd.Series(files[positions].tolist() if len(positions) else [], dtype="str")
    out["row"] = pd.Series(rows[positions], dtype="int64")
    return out.sort_values(["file", "row"], kind="stable", key=_file_order(files)).reset_index(
        drop=True
    )


def _file_order(files: np.ndarray):
    order = {name: i for i, name in enumerate(dict.fromkeys(files.tolist()))}

    def key(col: pd.Series) -> pd.Series:
        return col.map(order) if col.name == "file" else col

    return key


# --------------------------------------------------------------------------- denominators


def read_denominators(
    path: str | Path,
    *,
    by: str | Sequence[str] = "service",
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    skip_rows: int = 0,
    date_order: str | None = None,
    date_formats: Sequence[str] | None = None,
) -> LoadResult:
    """Read a table of denominators: residents, or contacts with a service, per period.

    The result has the ``by`` columns (e.g. ``service``), ``period`` (the period's first
    day) and ``denominator`` (a number above zero), ready for
    ``complaint_counts(..., denominators=...)``. ``columns`` maps those names to the file's
    (e.g. ``{"denominator": "contacts"}``). Unparseable or non-positive values and repeated
    key x period rows are quarantined, as in every coprod loader (kind "denominators").
    ``encoding``, ``sheet`` and ``skip_rows`` (title rows above the header) are passed to
    :func:`coprod.io.read_raw_table`. Periods are read by :func:`coprod.io.parse_dates`:
    the day/month order is decided from the values that settle it (day first when none
    does, with a note), or given with ``date_order=`` (``"dmy"``, ``"mdy"``, ``"ymd"``);
    ``date_formats=`` (strptime formats) replaces it.
    """
    raw = read_raw_table(path, encoding=encoding, sheet=sheet, skip_rows=skip_rows)
    keys = by_list(by)
    fields = [*keys, "period", "denominator"]
    found = resolve_columns(raw, columns, required=fields, source=raw.source)
    frame = raw.frame
    problems = Problems(raw.source)
    out = {key: frame[found[key]].map(as_text).replace("", None).rename(key) for key in keys}
    for key in keys:
        for row in out[key].index[out[key].isna()]:
            problems.add(
                row, found[key], frame.loc[row, found[key]], f"{key} is blank", "blank but required"
            )
    dates = parse_dates(
        frame[found["period"]],
        date_order=date_order,
        date_formats=date_formats,
        column=found["period"],
        rows=frame.index,
        allow_missing=False,
        excel_serials=raw.format == "excel",
        file=raw.source,
    )
    problems.add_parsed(dates, frame[found["period"]], found["period"], "dates not accepted")
    out["period"] = dates.values.rename("period")
    numbers = parse_numbers(frame[found["denominator"]], allow_missing=False)
    problems.add_parsed(numbers, frame[found["denominator"]], found["denominator"])
    out["denominator"] = numbers.values.rename("denominator")
    for row in out["denominator"].index[out["denominator"].le(0).fillna(False)]:
        value = frame.loc[row, found["denominator"]]
        problems.add(
            row,
            found["denominator"],
            value,
            f"denominator {value} is not above zero",
            "denominators not above zero",
        )
    data = pd.DataFrame(out, index=frame.index)
    problems.extend(
        duplicate_key_problems(
            data.dropna(subset=[*keys, "period"]), [*keys, "period"], column_names=found
        )
    )
    data.attrs["source_columns"] = found
    unused = [c for c in frame.columns if c not in found.values()]
    notes = [*raw.notes, *dates.notes]
    if unused:
        notes.append(f"ignored {len(unused)} unmapped column(s): {', '.join(unused)}")
    return finish(data, problems, kind="denominators", encoding=raw.encoding, notes=notes)

"""Read HM Treasury's list of PFI and PF2 projects: one row per project, charges in long form.

HM Treasury publishes its PFI/PF2 summary data as one CSV (``coprod/data/pfi_projects``
ships the 31 March 2016 file byte-for-byte, 716 projects; ``load_dataset("pfi_projects")``
loads it)::

    Current projects as at 31 March 2016,,,,,...                      <- a title row
    Unique HMT Project ID,Project Name,Department,Procuring Authority,...
    2,Sunningdale Park Site,Cabinet Office ,CABINET OFFICE,Other,...,13-05-2002,15,...

:func:`read_pfi_projects` reads it as published and returns a :class:`PfiProjects`
(a :class:`~coprod.io.LoadResult` with one more table, ``charges``):

``data``: one row per project (index: the project's row number in the file)

=========================  ==============  ============================================
column                     type            meaning
=========================  ==============  ============================================
project_id                 str             "Unique HMT Project ID" (kept as text)
project                    str             "Project Name"
department                 str             "Department" (the sponsoring department)
authority                  str             "Procuring Authority", as published
council_code               str             GSS code when the authority is a council
                                           (:func:`coprod.io.councils.match_councils`),
                                           missing otherwise
council                    str             the council's name in the lookup (or missing)
matched_how                str             how the authority was matched ("unmatched")
sector                     str             "Sector" ("Data not provided": missing)
region                     str             "Region" (``ENGLAND_London``, ``SCOTLAND``, ...)
status                     str             "InOperation" or "InConstruction"
financial_close            datetime64[ns]  "Date of Financial Close" (the contract signed)
construction_completion    datetime64[ns]  "Date of Construction Completion" (or NaT)
operations_start           datetime64[ns]  "First Date of Operations" (or NaT)
term_years                 int64           "Operational Period of Contract (years)"
term_start                 datetime64[ns]  when the operational term starts (rule below)
term_start_from            str             which rule gave ``term_start``
expected_end               datetime64[ns]  ``term_start`` + ``term_years`` years
end_year                   int64           the calendar year of ``expected_end``
capital_value_m            float64         "Capital Value (£m)", £ million
=========================  ==============  ============================================

``charges``: the yearly unitary charges in long form, one row per project and financial
year: ``project_id``, ``financial_year`` ("1992-93"), ``year_start`` (1992: the
financial year runs April 1992 - March 1993), ``charge_m`` (£ million) and ``estimated``
(True from 2016-17 on: HM Treasury's "Estimated Unitary Charge Payment" columns). The
file writes 0.0 for the years outside a contract: a project's rows run from its first to
its last year with a charge that is not zero (zeros in between are kept), so the sum of
``charge_m`` equals the sum of the file's charge columns. Only loaded projects have rows.

The term's end (``expected_end``)
    HM Treasury's term is the *operational* period of the contract, so it runs from the
    first date of operations: ``expected_end = operations_start + term_years`` years
    (29 February + n years is 28 February when that year has none). When the operations
    start is missing ("Data not provided": 30 of the 2016 file's projects, all in
    operation), the construction completion date is used; when that is missing too,
    the financial close plus the median construction period of the file's projects
    with both dates (financial close to first operations; 1.67 years in the 2016 file),
    and ``term_start_from`` says which (``"operations start"``, ``"construction
    completion"``, ``"financial close + median construction"``). In the 2016 file the
    last year with a charge is within a year of ``expected_end`` for about 2 projects
    in 3 (the charges were estimated by the authorities, the term by HM Treasury).

Rules, so nothing is dropped or guessed without saying so:

* A title row above the header is detected (the header row would have one cell only)
  and skipped with a note; ``skip_rows=`` says how many rows to skip instead.
* Spaces around headers and values are removed ("Department of Health ", a header
  " Unitary Charge Payment 2015-16 (£m)"); a note counts the values.
* "Data not provided" and "Not Applicable" (any case and spacing) mean missing, with a
  note counting them per column, never a quarantine: a missing operations start moves
  the term's start as above. A missing financial close, term or project id quarantines
  the row (nothing places the contract in time), as do dates that are not dates,
  a term that is not a whole number of years above 0, a capital value or charge that is
  not a number, and a project id given twice (every copy).
* Dates are read by :mod:`coprod.io.dates` (day/month order decided from the values of
  all three date columns together, dd-mm-yyyy in HM Treasury's file).
* Columns not read (OJEU and preferred-bidder dates, balance-sheet flags, equity
  holders, SPV details) are listed in a note.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import join_words, label_key, plural, wrap_text
from coprod.io.columns import resolve_columns, title_row_hint
from coprod.io.dates import PYTHON, OptionSpelling, parse_date, parse_date_columns
from coprod.io.parse import MISSING_TEXT, as_text, parse_numbers
from coprod.io.raw import read_raw_table
from coprod.io.result import InputError, LoadResult, Problems, finish, warn_if_quarantined
from coprod.io.schemas import PFI_PROJECTS
from coprod.io.validate import duplicate_key_problems

__all__ = [
    "CHARGE_COLUMNS",
    "NOT_PROVIDED",
    "PFI_COLUMNS",
    "PfiProjects",
    "read_pfi_projects",
]

#: ``{field: HM Treasury's column}``: the columns read (``columns=`` maps others).
PFI_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "project_id": "Unique HMT Project ID",
        "project": "Project Name",
        "department": "Department",
        "authority": "Procuring Authority",
        "sector": "Sector",
        "region": "Region",
        "status": "Project Status",
        "financial_close": "Date of Financial Close",
        "construction_completion": "Date of Construction Completion",
        "operations_start": "First Date of Operations",
        "term_years": "Operational Period of Contract (years)",
        "capital_value_m": "Capital Value (£m)",
    }
)
_REQUIRED = PFI_PROJECTS.required  # project_id, authority, financial_close, term_years
_TEXT = ("project_id", "project", "department", "authority", "sector", "region", "status")
_DATES = ("financial_close", "construction_completion", "operations_start")

#: The yearly charge columns, matched ignoring case and spacing: "Unitary Charge Payment
#: 1992-93 (£m)" and "Estimated Unitary Charge Payment 2016-17 (£m)".
CHARGE_COLUMNS = re.compile(r"(estimated )?unitary charge payment (\d{4})-(\d{2}) \(£m\)")

#: "... as at 31 March 2016" in a title row: the date of the list.
_AS_AT = re.compile(r"\bas (?:at|of|on)\b(.+)$", re.IGNORECASE)

#: Text read as missing (with a note counting it), compared with ``label_key``.
NOT_PROVIDED: tuple[str, ...] = ("Data not provided", "Not Applicable", "Not provided")
_MISSING_WORDS = (*MISSING_TEXT, *NOT_PROVIDED)

#: Values of ``term_start_from``.
TERM_START_RULES = (
    "operations start",
    "construction completion",
    "financial close + median construction",
)

_CHARGE_COLUMNS = ("project_id", "financial_year", "year_start", "charge_m", "estimated")
_DATA_COLUMNS = (
    "project_id",
    "project",
    "department",
    "authority",
    "council_code",
    "council",
    "matched_how",
    "sector",
    "region",
    "status",
    "financial_close",
    "construction_completion",
    "operations_start",
    "term_years",
    "term_start",
    "term_start_from",
    "expected_end",
    "end_year",
    "capital_value_m",
)


@dataclass(frozen=True, eq=False)
class PfiProjects(LoadResult):
    """What :func:`read_pfi_projects` returns: a :class:`~coprod.io.LoadResult` (``data``:
    one row per project; ``quarantine``; counts and notes) with the yearly charges of the
    loaded projects in long form (``charges``), the median construction period used where
    a project has no operations start (``median_construction_years``), the file's column
    for each field (``source_columns``), how many values of each field were "Data not
    provided" or "Not Applicable" and read as missing (``not_provided``; charges are
    counted in the notes) and the authorities that did not match a council
    (``unmatched``, in the order of the file)."""

    charges: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=list(_CHARGE_COLUMNS))
    )
    median_construction_years: float | None = None
    source_columns: Mapping[str, str] = dataclasses.field(default_factory=dict)
    not_provided: Mapping[str, int] = dataclasses.field(default_factory=dict)
    unmatched: tuple[str, ...] = ()

    def summary(self, top: int = 5) -> str:
        """The load's account (:meth:`LoadResult.summary`) with the charges and the
        council matching in words."""
        lines = [super().summary(top)]
        data = self.data
        if len(data):
            councils = data["council_code"].dropna()
            lines.append(
                f"  councils: {plural(len(councils), 'project')} of {len(data):,} procured by "
                f"{plural(councils.nunique(), 'council')}; "
                f"{plural(len(self.unmatched), 'authority', 'authorities')} matched no council"
            )
        if len(self.charges):
            charges = self.charges
            known = charges.loc[~charges["estimated"], "charge_m"].sum()
            future = charges.loc[charges["estimated"], "charge_m"].sum()
            years = sorted(charges["financial_year"].unique())
            first, last = years[0], years[-1]
            lines.append(
                f"  charges: {len(charges):,} project-years, {first} to {last}: "
                f"£{known:,.0f}m paid, £{future:,.0f}m estimated"
            )
        return wrap_text("\n".join(lines))

    def __repr__(self) -> str:
        return (
            f"PfiProjects({self.source!r}: {self.n_read} read, {self.n_loaded} loaded, "
            f"{self.n_quarantined} quarantined; {len(self.charges):,} project-years of charges)"
        )


def read_pfi_projects(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
    skip_rows: int | None = None,
    date_order: str | None = None,
    date_formats: Sequence[str] | None = None,
    option_spelling: OptionSpelling = PYTHON,
    as_of: Any = None,
    lookup: Any = None,
) -> PfiProjects:
    """Read HM Treasury's PFI/PF2 projects file as published (see the module docstring).

    Parameters
    ----------
    path:
        The CSV (or a spreadsheet of the same layout).
    columns:
        ``{field: column}`` for a file whose headers differ from HM Treasury's 2016 ones
        (:data:`PFI_COLUMNS` lists the fields and the names looked for).
    encoding:
        Text encoding; ``None`` detects it (UTF-8 or Windows-1252).
    skip_rows:
        Title rows above the header; ``None`` (default) detects a title row.
    date_order, date_formats:
        For :func:`coprod.io.parse_dates`: by default the day/month order is decided
        from the dates themselves (day first in HM Treasury's file).
    option_spelling:
        How reasons and errors name the date options (``coprod.io.dates.COMMAND_LINE``:
        as ``coprod check`` flags).
    as_of:
        The date of the list, at which the authorities are matched to councils (councils
        in existence then: "Dorset" in 2016 is Dorset County Council, not the Dorset
        Council of 2019). Default: the date of a title row "... as at 31 March 2016"
        (read by :func:`coprod.io.parse_date`; a note says so), else no date.
    lookup:
        The council lookup, for :func:`coprod.io.councils.match_councils` (None: the copy
        shipped with coprod).

    Returns
    -------
    PfiProjects
        ``data`` one row per project, ``charges`` the yearly charges in long form,
        ``quarantine`` every refused row with its reason (kind ``"pfi_projects"``).
    """
    path_text = str(path)
    raw = read_raw_table(path, encoding=encoding, skip_rows=skip_rows or 0)
    notes: list[str] = []
    detected = 0
    titles: list[str] = []
    if skip_rows is None:
        while title_row_hint(raw) is not None and detected < 5:
            titles.append(str(raw.frame.columns[0]))
            detected += 1
            raw = read_raw_table(path, encoding=encoding, skip_rows=detected)
    as_of_note = None
    if as_of is None:
        as_of, as_of_note = _title_date(titles)
    else:
        as_of = parse_date(as_of, what="as_of", spelling=option_spelling)
    for note in raw.notes:
        if "exact (slower) CSV reader" in note:
            continue  # (title rows are read by the exact reader: nothing to act on)
        if detected and note.startswith("skipped ") and "title row" in note:
            note = note.replace(
                f"(skip_rows={detected})",
                "(detected: the header row would "
                "have held one cell only; pass skip_rows= to say how many)",
            )
        notes.append(note)
    mapping = {**PFI_COLUMNS, **dict(columns or {})}
    found = resolve_columns(
        raw,
        mapping,
        required=_REQUIRED,
        optional=[f for f in PFI_COLUMNS if f not in _REQUIRED],
        source=path_text,
        schema=PFI_PROJECTS,
    )
    frame = raw.frame
    problems = Problems(raw.source)
    index = frame.index
    out: dict[str, Any] = {}

    def cells(field: str) -> pd.Series:
        col = frame[found[field]]
        values = col.tolist()
        if not all(type(v) is str for v in values):
            values = [as_text(v) for v in values]
        return pd.Series(values, index=index, dtype="str")

    missing_words = {label_key(w) for w in NOT_PROVIDED}
    counted: dict[str, dict[str, int]] = {}  # column -> {marker as written: count}
    stripped: list[str] = []  # values with spaces around them, as written

    def read_text(field: str) -> pd.Series:
        text = cells(field)
        clean = text.str.strip()
        stripped.extend(text[clean != text].tolist())
        marker = clean.map(label_key).isin(missing_words)
        if field not in _REQUIRED:
            _count_markers(clean, found[field], missing_words, counted)
        return clean.where(~marker & (clean != ""))

    # ---- text fields
    for field in _TEXT:
        if field not in found:
            out[field] = pd.Series(pd.NA, index=index, dtype="str")
            continue
        values = read_text(field)
        if field in _REQUIRED:
            blank = values.isna()
            if blank.any():
                problems.add_many(
                    _rows_at(index, blank.to_numpy()),
                    found[field],
                    frame.loc[blank, found[field]].tolist(),
                    f"{field} is blank but required: fill it in (or remove the row)",
                    "blank but required",
                )
        out[field] = values
    # ---- dates (one parser; the day/month order decided over the three columns)
    date_fields = [f for f in _DATES if f in found]
    date_text = {}
    for field in date_fields:
        date_text[field] = read_text(field).fillna("")
    parsed = parse_date_columns(
        {found[f]: date_text[f] for f in date_fields},
        date_order=date_order,
        date_formats=date_formats,
        rows=index.to_numpy(),
        allow_missing={found[f]: f != "financial_close" for f in date_fields},
        file=raw.source,
        spelling=option_spelling,
    )
    date_notes: list[str] = []
    for field in date_fields:
        result = parsed[found[field]]
        problems.add_parsed(result, frame[found[field]], found[field], "dates not accepted")
        out[field] = result.values.set_axis(index)
        date_notes.extend(n for n in result.notes if n not in date_notes)
    for field in _DATES:
        if field not in found:
            out[field] = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    # ---- numbers
    term = parse_numbers(cells("term_years"), integer=True, allow_missing=False)
    _add_number_problems(problems, term, frame, found["term_years"], "term_years")
    not_positive = (term.values <= 0).fillna(False).to_numpy(dtype=bool)
    if not_positive.any():
        problems.add_many(
            _rows_at(index, not_positive),
            found["term_years"],
            frame.loc[not_positive, found["term_years"]].tolist(),
            "term_years must be a whole number of years above 0: correct it",
            "terms not above 0",
        )
    out["term_years"] = term.values
    if "capital_value_m" in found:
        capital = parse_numbers(cells("capital_value_m"), missing=_MISSING_WORDS)
        _add_number_problems(problems, capital, frame, found["capital_value_m"], "capital_value_m")
        _count_markers(cells("capital_value_m"), found["capital_value_m"], missing_words, counted)
        negative = (capital.values < 0).fillna(False).to_numpy(dtype=bool)
        if negative.any():
            problems.add_many(
                _rows_at(index, negative),
                found["capital_value_m"],
                frame.loc[negative, found["capital_value_m"]].tolist(),
                "capital_value_m is negative: a capital value is 0 or more; correct it",
                "negative capital values",
            )
        out["capital_value_m"] = capital.values.astype("float64")
    else:
        out["capital_value_m"] = pd.Series(np.nan, index=index)
    # ---- yearly charges: found by their header
    charge_columns = _charge_columns(frame.columns, raw.source)
    charge_values: list[np.ndarray] = []
    missing_charges = 0
    for column, _year, _estimated in charge_columns:
        text = pd.Series([as_text(v) for v in frame[column].tolist()], index=index, dtype="str")
        numbers = parse_numbers(text, missing=_MISSING_WORDS)
        _add_number_problems(problems, numbers, frame, column, "charge")
        values = numbers.values.to_numpy(dtype="float64", na_value=np.nan)
        missing_charges += int(np.isnan(values).sum() - (~numbers.ok).sum())
        _count_markers(text, column, missing_words, counted)
        charge_values.append(values)

    table = pd.DataFrame(out, index=index)
    present = table["project_id"].notna()
    problems.extend(
        duplicate_key_problems(
            table.loc[present, ["project_id"]], ["project_id"], column_names=found
        )
    )
    finished = finish(table, problems, kind="pfi_projects", encoding=raw.encoding, warn=False)
    data = finished.data
    # ---- the term: start, end
    data, median_years = _term(data)
    # ---- councils
    data, unmatched, match_note = _councils(data, as_of, lookup)
    data = data[list(_DATA_COLUMNS)].copy()
    data["term_years"] = data["term_years"].astype("int64")
    # ---- charges in long form (loaded projects only)
    charges = _long_charges(data, index, charge_columns, charge_values)

    if stripped:
        notes.append(
            f"removed the spaces around {plural(len(stripped), 'value')} (e.g. {stripped[0]!r})"
        )
    for column, by_marker in counted.items():
        said = join_words([f"{n:,} {marker!r}" for marker, n in by_marker.items()])
        notes.append(f"{column}: {said} read as missing")
    notes.extend(date_notes)
    ops = data["term_start_from"].value_counts()
    if len(data) and ops.get("operations start", 0) < len(data):
        moved = {rule: int(ops.get(rule, 0)) for rule in TERM_START_RULES[1:]}
        parts = [f"{plural(n, 'project')} from the {rule}" for rule, n in moved.items() if n]
        if median_years is not None and moved[TERM_START_RULES[2]]:
            parts[-1] += f" ({median_years:.2f} years)"
        notes.append(
            "the term runs from the first date of operations; where it is missing, "
            + join_words(parts)
        )
    if missing_charges:
        notes.append(
            f"{plural(missing_charges, 'charge')} blank or 'Data not provided': left out of charges"
        )
    none = data.loc[~data["project_id"].isin(charges["project_id"]), "project_id"].tolist()
    if none and charge_columns:
        notes.append(
            f"{plural(len(none), 'project')} with no charge in any year (every charge 0.0): "
            + ", ".join(none[:10])
        )
    if not charge_columns:
        notes.append(
            "no yearly charge columns ('Unitary Charge Payment 1992-93 (£m)' ...) found: "
            "charges is empty"
        )
    if match_note:
        notes.extend(n for n in (as_of_note, match_note) if n)
    unused = [
        c
        for c in frame.columns
        if c not in found.values() and c not in {c for c, _, _ in charge_columns}
    ]
    if unused:
        notes.append(f"not read: {plural(len(unused), 'column')} ({join_words(unused, 6)})")

    result = PfiProjects(
        data=data,
        quarantine=finished.quarantine,
        n_read=finished.n_read,
        source=finished.source,
        kind="pfi_projects",
        encoding=finished.encoding,
        notes=tuple(notes),
        charges=charges,
        median_construction_years=median_years,
        source_columns=MappingProxyType(dict(found)),
        not_provided=MappingProxyType(
            {
                field: sum(counted.get(column, {}).values())
                for field, column in found.items()
                if counted.get(column)
            }
        ),
        unmatched=tuple(unmatched),
    )
    warn_if_quarantined(result, stacklevel=2)
    return result


def _rows_at(index: pd.Index, mask: np.ndarray) -> np.ndarray:
    """The row numbers (``index`` labels) where ``mask`` is True."""
    return index.to_numpy()[mask]


def _add_number_problems(
    problems: Problems, parsed: Any, frame: pd.DataFrame, column: str, field: str
) -> None:
    bad = parsed.problems.notna().to_numpy()
    if bad.any():
        kinds = parsed.kinds
        problems.add_many(
            _rows_at(frame.index, bad),
            column,
            frame.loc[bad, column].tolist(),
            [f"{field}: {why}" for why in parsed.problems[bad].tolist()],
            None if kinds is None else kinds[bad].tolist(),
        )


def _count_markers(
    text: pd.Series, column: str, words: set[str], counted: dict[str, dict[str, int]]
) -> None:
    """Count the "Data not provided" (...) markers of a column, by how they are written."""
    marked = text[text.map(label_key).isin(words)].str.strip()
    if len(marked):
        counted[column] = {k: int(v) for k, v in marked.value_counts(sort=True).items()}


def _charge_columns(names: Sequence[str], source: str) -> list[tuple[str, int, bool]]:
    """``(column, year the financial year starts, estimated)`` for each charge column."""
    found = []
    for name in names:
        m = CHARGE_COLUMNS.fullmatch(label_key(name))
        if not m:
            continue
        start, end = int(m.group(2)), int(m.group(3))
        if (start + 1) % 100 != end:
            raise InputError(
                f"the charge column {name!r} names the financial year {start}-{end:02d}, "
                "which does not exist (the second year follows the first)",
                file=source,
                column=name,
                fix="correct the header (e.g. 'Unitary Charge Payment 1999-00 (£m)')",
            )
        found.append((name, start, m.group(1) is not None))
    years = [y for _, y, _ in found]
    if len(set(years)) != len(years):
        twice = sorted({y for y in years if years.count(y) > 1})
        raise InputError(
            f"two charge columns for the financial year starting {twice[0]}",
            file=source,
            fix="keep one column per financial year",
        )
    return sorted(found, key=lambda t: t[1])


def _term(data: pd.DataFrame) -> tuple[pd.DataFrame, float | None]:
    """``term_start``, ``term_start_from``, ``expected_end`` and ``end_year`` (the rule is
    in the module docstring), and the median construction period used (years)."""
    data = data.copy()
    ops, built, close = (
        data["operations_start"],
        data["construction_completion"],
        data["financial_close"],
    )
    both = ops.notna() & close.notna()
    median_years = None
    start = ops.copy()
    rule = pd.Series(
        np.where(ops.notna(), TERM_START_RULES[0], None), index=data.index, dtype="str"
    )
    use_built = ops.isna() & built.notna()
    start[use_built] = built[use_built]
    rule[use_built] = TERM_START_RULES[1]
    use_close = start.isna()
    if use_close.any():
        if both.any():
            gap = (ops[both] - close[both]).median()
            median_years = round(gap / pd.Timedelta(days=365.25), 2)
        else:
            gap = pd.Timedelta(0)
            median_years = 0.0
        start[use_close] = close[use_close] + gap.round("D")
        rule[use_close] = TERM_START_RULES[2]
    data["term_start"] = start.astype("datetime64[ns]")
    data["term_start_from"] = rule
    end = pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns]")
    terms = data["term_years"]
    for years in pd.unique(terms.dropna()):
        on = (terms == years).to_numpy()
        end[on] = (pd.DatetimeIndex(start[on]) + pd.DateOffset(years=int(years))).to_numpy()
    data["expected_end"] = end
    data["end_year"] = end.dt.year.astype("int64")  # (every loaded row has a start and a term)
    return data, median_years


def _title_date(titles: Sequence[str]) -> tuple[pd.Timestamp | None, str | None]:
    """The date of a title row "Current projects as at 31 March 2016", and a note saying
    it is used (or None, None)."""
    for title in titles:
        m = _AS_AT.search(title)
        if not m:
            continue
        try:
            day = parse_date(m.group(1).strip(" .:"), what="the title's date")
        except ValueError:
            continue
        note = (
            f"councils matched as at {day:%d %B %Y}, the date in the title row {title!r} "
            "(pass as_of= for another date)"
        )
        return day, note
    return None, None


def _councils(
    data: pd.DataFrame, as_of: pd.Timestamp | None, lookup: Any
) -> tuple[pd.DataFrame, list[str], str | None]:
    """Match the authorities to councils (:func:`coprod.io.councils.match_councils`)."""
    from coprod.io.councils import match_councils

    data = data.copy()
    names = list(dict.fromkeys(data["authority"].dropna().tolist()))
    if not names:
        data["council_code"] = pd.Series(pd.NA, index=data.index, dtype="str")
        data["council"] = pd.Series(pd.NA, index=data.index, dtype="str")
        data["matched_how"] = pd.Series(pd.NA, index=data.index, dtype="str")
        return data, [], None
    matched = match_councils(names, as_of=as_of, lookup=lookup)
    table = matched.table.drop_duplicates("name").set_index("name")
    for column, source in (
        ("council_code", "council_code"),
        ("council", "council"),
        ("matched_how", "how"),
    ):
        data[column] = data["authority"].map(table[source]).astype("str")
    unmatched = [n for n in names if pd.isna(table.at[n, "council_code"])]
    councils = data["council_code"].dropna()
    note = (
        f"authorities matched to councils (coprod.io.councils.match_councils): "
        f"{plural(len(names) - len(unmatched), 'authority', 'authorities')} of {len(names):,} "
        f"({plural(len(councils), 'project')}, {plural(councils.nunique(), 'council')}); "
        f"the other {plural(len(unmatched), 'authority', 'authorities')} (central bodies, NHS "
        "trusts, police and fire authorities, joint boards ...) are not councils or not in the "
        "lookup: council_code is missing (see .unmatched)"
    )
    return data, unmatched, note


def _long_charges(
    data: pd.DataFrame,
    index: pd.Index,
    charge_columns: list[tuple[str, int, bool]],
    charge_values: list[np.ndarray],
) -> pd.DataFrame:
    """One row per loaded project and financial year from its first to its last charge
    that is not zero (blank charges left out)."""
    if not charge_columns or not len(data):
        return pd.DataFrame(
            {
                "project_id": pd.Series(dtype="str"),
                "financial_year": pd.Series(dtype="str"),
                "year_start": pd.Series(dtype="int64"),
                "charge_m": pd.Series(dtype="float64"),
                "estimated": pd.Series(dtype="bool"),
            }
        )
    matrix = np.column_stack(charge_values)  # rows of the file x years
    rows = index.get_indexer(data.index)
    matrix = matrix[rows]
    years = np.array([y for _, y, _ in charge_columns])
    estimated = np.array([e for _, _, e in charge_columns])
    nonzero = np.nan_to_num(matrix) != 0
    any_charge = nonzero.any(axis=1)
    first = np.where(any_charge, nonzero.argmax(axis=1), len(years))
    last = np.where(any_charge, len(years) - 1 - nonzero[:, ::-1].argmax(axis=1), -1)
    position = np.arange(len(years))
    keep = (position >= first[:, None]) & (position <= last[:, None]) & ~np.isnan(matrix)
    project_pos, year_pos = np.nonzero(keep)
    year_start = years[year_pos]
    return pd.DataFrame(
        {
            "project_id": pd.Series(data["project_id"].to_numpy()[project_pos], dtype="str"),
            "financial_year": pd.Series(
                [f"{y}-{(y + 1) % 100:02d}" for y in year_start.tolist()], dtype="str"
            ),
            "year_start": pd.Series(year_start, dtype="int64"),
            "charge_m": pd.Series(matrix[project_pos, year_pos], dtype="float64"),
            "estimated": pd.Series(estimated[year_pos], dtype="bool"),
        }
    )

"""Read a council's complaint log: one row per complaint, validated row by row.

:func:`read_complaints` reads a complaint log exported from a case-management
system or a spreadsheet (CSV, also ``.gz`` and very large files; Excel ``.xlsx``;
Parquet) with the shared machinery of :mod:`coprod.io`: every row is loaded
or quarantined with a reason that names the file, row, column and the fix, and
``n_read == n_loaded + n_quarantined`` always holds.

The schema (:data:`coprod.io.schemas.COMPLAINT_LOG`)
-------------------------------------------------

================  ========  ==========  ==========================================================
field             required  type        accepted values (loaded as)
================  ========  ==========  ==========================================================
complaint_id      yes, key  text        any text; blank, or the same id on two rows, is an error
                                        (every copy is quarantined)
service           yes       text        the service complained about
council           no        text        council (local authority)
received          yes       date        a date, optionally with a time (see Dates below;
                                        ``datetime64``); not after today (or ``as_of=``)
category          no        text        what the complaint is about
severity          no [1]    level       ``low``, ``medium``, ``high`` (:data:`coprod.vocab.SEVERITY_LEVELS`,
                                        or your ``severity_levels=``); ordered Categorical
stage             no        level       ``stage 1``, ``stage 2``, ``ombudsman``
                                        (:data:`coprod.vocab.STAGE_LEVELS`, synonyms below); ordered Categorical
upheld            no        level       ``upheld``, ``partly upheld``, ``not upheld``
                                        (:data:`coprod.vocab.OUTCOME_LEVELS`; yes/partly/no too); blank
                                        while the complaint is open; ordered Categorical
closed            no        date        as received; not before received, not after today
                                        (or ``as_of=``)
complainant_name  no        personal    dropped unless ``keep_personal=True``
address           no        personal    dropped unless ``keep_personal=True``
details           no        personal    free text; dropped unless ``keep_personal=True``
================  ========  ==========  ==========================================================

[1] optional, but usually given: a note counts the rows where it is blank.

The loaded frame also has ``days_to_close`` (float: days from received to closed,
fractional when the dates have times, so a same-day closure written without a time
after a receipt written with one comes out slightly negative; NaN while the
complaint is open) when the file has a ``closed`` column. ``data.index`` is each row's number in the file (as
a spreadsheet shows it: header = row 1; a quoted cell holding a line break does not
start a new row). ``data.attrs`` holds ``source``, ``source_columns`` ({field:
column in the file}), ``personal_columns`` (the personal fields kept: ``()``
unless ``keep_personal=True``), ``severity_levels``, ``stages`` and
``upheld_outcomes``. Columns the schema does not know are dropped (they may hold
personal data) and counted in the notes.

Labels are matched ignoring case and spacing ("Stage  1", " HIGH ").

Severity
    Without ``severity=``, a label equal to a level (any case) is accepted;
    anything else (e.g. ``Critical``, ``5``) is quarantined with the fix, e.g.
    ``severity={'Critical': 'high'}``. ``severity=`` maps your labels to levels,
    e.g. ``{"1": "low", "2": "low", "3": "medium", "4": "high", "5": "high"}``;
    a label mapped to ``None`` is read as missing. Levels themselves stay accepted.

Stage
    Read through :data:`coprod.vocab.STAGE_SYNONYMS` (a ``stage=`` mapping is applied on top and
    wins; ``None`` reads a label as missing):

    - **stage 1**: stage 1, stage one, stage1, s1, 1, first stage, 1st stage,
      informal, informal stage, informal resolution, early resolution, frontline,
      frontline resolution, local resolution
    - **stage 2**: stage 2, stage two, stage2, s2, 2, second stage, 2nd stage,
      review, stage 2 review, investigation, stage 2 investigation
    - **ombudsman**: ombudsman, lgsco, lgo, local government ombudsman, local
      government and social care ombudsman, housing ombudsman, phso,
      parliamentary and health service ombudsman, spso, scottish public services
      ombudsman, psow, public services ombudsman for wales, nipso, northern
      ireland public services ombudsman

    ``stage 3`` (and ``3``, ``third stage``) is deliberately *not* read: in some
    councils it is a third internal stage, in others the ombudsman. Such rows are
    quarantined asking you to say which, e.g. ``stage={"stage 3": "ombudsman"}``.
    ``formal`` is not read either (stage 1 is formal in many procedures).

Upheld
    ``upheld``/``yes`` -> upheld; ``partly upheld``/``partially upheld``/``part
    upheld``/``partly``/``partially``/``partial`` -> partly upheld; ``not
    upheld``/``no`` -> not upheld (:data:`coprod.vocab.UPHELD_SYNONYMS`); blank -> missing.

Dates
    Read by the one date parser of coprod (:mod:`coprod.io.dates`): ISO and other
    year-first dates, numeric dates with the year last (``/``, ``-`` or ``.``), month
    names (``14 Jan 2014``, ``2014-Jan-14 13:48:01``, ``January 14, 2014``), each with
    an optional time (seconds, fractions, AM/PM), dates stored as dates, and Excel date
    numbers in an Excel workbook. A file may switch forms part-way (dd/mm/yyyy, then
    ISO). The day/month order is decided per column, never per value: values such as
    ``26/03/2014`` (only day first) or ``3/26/2014 9:18`` (only month first) settle it
    for the whole column, and the notes say which values did. A column with both is
    an :class:`~coprod.io.InputError` naming an example of each; a column with neither
    (only ``03/04/2024``-like dates) follows the other date column, else is read day
    first (``03/04/2024`` is 3 April), with a note; ``date_order=`` says the order
    instead, and then dates impossible in it are quarantined naming the option.
    Two-digit years and years outside 1900-2100 are quarantined. ``date_formats=``
    (strptime formats) replaces all of this. Dates in reasons are written in the
    column's order (dd/mm/yyyy, or mm/dd/yyyy for a month-first column).

Why a row is quarantined
    A required field is blank; a date is unparseable or impossible; a severity,
    stage or upheld label is unknown; ``closed`` is before ``received`` (compared
    by date, so closing on the day of receipt is fine, unless both have a time and
    the closing time is earlier); ``received`` or ``closed`` is after today; the
    complaint id is on more than one row (every copy is quarantined). The future is
    judged against ``as_of=`` (default: today).

Speed
    A CSV (or ``.csv.gz``) is parsed by ``read_raw_table(..., engine="pyarrow")``, all
    cells as text so nothing is coerced, from a memory map; the fields are then
    checked in threads with vectorised code that parses each distinct label or date
    once, and only the clean rows of the loaded columns are built. A million-row log
    with full validation takes about 1.8 to 2 times as long as a plain
    ``pandas.read_csv(engine="pyarrow")``, which checks nothing (2 cores; see
    ``benchmarks/bench_read_complaints.py``). The result is exactly that of the exact
    stdlib reader (``engine="python"``: same rows, row numbers, notes). Files the
    fast engine cannot take exactly (more than one header row, title rows, blank
    lines before the header, rows with more or fewer cells than the header, a quoted
    line break in the header) are read by the exact reader instead (slower: about 3 s
    per 200,000 rows), with a note saying why; ``engine="pyarrow"`` refuses them.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import label_key, loose_key, plural
from coprod.io.columns import resolve_columns, suggest_columns
from coprod.io.dates import (
    PYTHON,
    DateScan,
    DateSettings,
    OptionSpelling,
    finish_scans,
    parse_date,
    scan_dates,
)
from coprod.io.inputs import reads_many
from coprod.io.parse import as_text, is_blank
from coprod.io.raw import read_raw_table
from coprod.io.result import InputError, LoadResult, Problems, finish_selected
from coprod.io.schemas import COMPLAINT_LOG
from coprod.io.stored import StoredLoadResult
from coprod.io.validate import duplicate_key_problems
from coprod.vocab import (
    AMBIGUOUS_STAGES,
    OUTCOME_LEVELS,
    SEVERITY_LEVELS,
    STAGE_LEVELS,
    STAGE_SYNONYMS,
    UPHELD_SYNONYMS,
)

__all__ = ["read_complaints"]


_DATE_FIELDS = ("received", "closed")
NO_ID_NOTE = (
    "no complaint_id column (none mapped, none named so): each row's number in the file is "
    "its complaint_id, so duplicate detection is off; if a column is the id, pass "
    "columns={'complaint_id': 'Your column'}"
)
_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min

#: Check fields in threads for files with at least this many rows.
_THREADS_FROM_ROWS = 50_000
_THREADS = max(2, min(4, os.cpu_count() or 2))


# --------------------------------------------------------------------------- public reader


def _complaint_key(result: LoadResult) -> list[str]:
    """complaint_id must be unique across the files of one log (unless made of rows)."""
    return [] if result.data.attrs.get("ids_from_rows") else ["complaint_id"]


def _complaint_dates_agree(
    results: Sequence[LoadResult], options: Mapping[str, Any]
) -> dict[int, tuple[dict[str, Any], str]]:
    """Files of one log whose dates settle no day/month order (``02/03/2024`` only) are
    read again in the order the other files' dates settle, when they all settle one."""
    if options.get("date_order") is not None or options.get("date_formats") is not None:
        return {}
    settled = {o for r in results for o in r.data.attrs.get("date_evidence", ())}
    if len(settled) != 1:
        return {}
    (order,) = settled
    example = next(r for r in results if order in r.data.attrs.get("date_evidence", ()))
    spelling = options.get("option_spelling", PYTHON)
    note = (
        f"no date settles day/month order; read as the dates of {Path(example.source).name} "
        f"settle it ({spelling.order(order)}), as one log"
    )
    return {
        i: ({"date_order": order}, note)
        for i, r in enumerate(results)
        if r.data.attrs.get("date_order_guessed")
    }


@reads_many(kind="complaints", key=_complaint_key, agree=_complaint_dates_agree)
def read_complaints(
    path: str | Path | Sequence[str | Path] | pd.DataFrame,
    *,
    columns: Mapping[str, str | None] | None = None,
    severity: Mapping[str, str | None] | None = None,
    severity_levels: Sequence[str] = SEVERITY_LEVELS,
    stage: Mapping[str, str | None] | None = None,
    upheld: Mapping[str, str | None] | None = None,
    keep: Sequence[str] = (),
    keep_personal: bool = False,
    encoding: str | None = None,
    header_rows: int = 1,
    sheet: str | int | None = None,
    date_order: str | None = None,
    date_formats: Sequence[str] | None = None,
    as_of: Any = None,
    skip_rows: int = 0,
    engine: str = "auto",
    store: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    option_spelling: OptionSpelling = PYTHON,
) -> LoadResult | StoredLoadResult:
    """Read a complaint log: every row is loaded or quarantined with a reason.

    Parameters
    ----------
    path:
        A file: CSV/TSV/TXT (any common encoding, also ``.gz``), Excel ``.xlsx``/``.xls``,
        ``.ods`` or Parquet; a list of files or a folder of files of one layout (loaded
        as one log: a ``file`` column keeps each row's file, a complaint id on rows
        of two files is a duplicate, and a file whose dates settle no day/month order
        reads them in the order the other files' dates settle, with a note); or a
        DataFrame already in memory (rows numbered 1, 2, ...).
    columns:
        ``{field: column in the file}`` for the fields of
        :data:`coprod.io.schemas.COMPLAINT_LOG` (see the module docstring). Fields not
        mapped are looked for under their own name, ignoring case and spacing;
        ``{field: None}`` switches off a field found that way (e.g. a ``Category``
        column that means something else). Without a ``complaint_id`` column (many open
        311 exports have none) each row's number in its file is its id, and duplicate
        detection is off (a note says so).
    severity:
        ``{your label: level}``, e.g. ``{"1": "low", "5": "high"}`` or
        ``{"Minor": "low"}`` (labels compared ignoring case and spacing; ``None``
        reads a label as missing).
    severity_levels:
        The severity levels, least serious first (default :data:`coprod.vocab.SEVERITY_LEVELS`).
    stage:
        ``{your label: stage}`` on top of :data:`coprod.vocab.STAGE_SYNONYMS`, e.g.
        ``{"stage 3": "ombudsman"}``; stages are :data:`coprod.vocab.STAGE_LEVELS`.
    upheld:
        ``{your label: outcome}`` on top of :data:`coprod.vocab.UPHELD_SYNONYMS`, e.g.
        ``{"Maladministration": "upheld", "No maladministration": "not upheld"}``;
        outcomes are :data:`coprod.vocab.OUTCOME_LEVELS` (``None`` reads a label as
        missing).
    keep:
        Other columns to keep as they are (text), named as in the file, e.g.
        ``keep=["Ward", "Status"]``. Without it, columns the schema does not know are
        dropped (they may hold personal data).
    keep_personal:
        Keep ``complainant_name``, ``address`` and ``details`` (listed in
        ``data.attrs["personal_columns"]``). By default they are dropped.
    encoding, header_rows, sheet, skip_rows:
        As for :func:`coprod.io.read_raw_table` (``encoding=None`` detects
        UTF-8, UTF-8 with BOM, UTF-16 with BOM and Windows-1252; ``skip_rows`` title
        rows above the header). Notes below the table are not read as rows.
    date_order:
        ``None`` (default): each date column's day/month order is decided from the
        values that settle it (``26/03/2014`` can only be day first, ``3/26/2014`` only
        month first); a column where none does follows the other date column, else is
        read day first, with a note. ``"dmy"``, ``"mdy"`` or ``"ymd"`` reads every date
        column in that order: dates impossible in it are quarantined naming the option.
        See :mod:`coprod.io.dates`.
    date_formats:
        strptime formats (with ``%Y``); when given, only these are used (a date two of
        them read differently is quarantined as ambiguous).
    as_of:
        The day the log was extracted: ``received`` or ``closed`` after it is
        quarantined as in the future. Default: today (the computer's clock), so give
        it to make a load repeatable, e.g. ``as_of="2024-06-30"``.
    engine:
        Where the checks run; all give the same rows, quarantine and notes, only speed
        and memory differ. ``"pandas"``: in memory (a CSV parsed by pyarrow when it can be
        exact, else by the exact reader with a note; ``"pyarrow"`` or ``"python"`` choose
        the parser). ``"duckdb"``: out of core, in an embedded DuckDB, for logs too big
        for memory; ``"spark"``: the same on Apache Spark (see
        :mod:`coprod.io.complaint_engine`). ``"auto"`` (default): ``"duckdb"`` for a
        CSV or Parquet file of 256 MiB or more
        (:data:`~coprod.io.complaint_engine.AUTO_OUT_OF_CORE_BYTES`), else ``"pandas"``;
        a big file the out-of-core reader cannot take exactly is read in memory, with a note.
    store:
        Out of core only: the folder for the clean rows and quarantine (Parquet; kept).
        Default: a temporary folder, deleted with the result.
    progress:
        Out of core only: called with a line of text at each step of the load
        (``coprod check`` prints them).
    option_spelling:
        How messages name the date options: :data:`coprod.io.dates.PYTHON` keywords
        (default) or :data:`coprod.io.dates.COMMAND_LINE` flags (``coprod check``).

    Returns
    -------
    LoadResult (in memory), or StoredLoadResult (out of core: the same counts, summary,
    reasons and quarantine, with ``data`` read from Parquet when asked for), with
    ``kind="complaints"``: ``data`` has the schema fields found in
    the file (text as ``str``, dates ``datetime64[ns]``, levels ordered
    Categoricals), ``days_to_close`` after ``closed``, and the kept personal
    columns last. See the module docstring for what is quarantined and why.
    """
    if not isinstance(path, pd.DataFrame):
        path = Path(path)
    levels = _check_levels(severity_levels)
    severity_lookup = _label_lookup(
        {label_key(level): level for level in levels},
        severity,
        levels,
        "severity",
        "severity_levels",
    )
    stage_lookup = _label_lookup(dict(STAGE_SYNONYMS), stage, STAGE_LEVELS, "stage", None)
    upheld_lookup = _label_lookup(dict(UPHELD_SYNONYMS), upheld, OUTCOME_LEVELS, "upheld", None)
    labels = {
        "severity": (severity_lookup, levels),
        "stage": (stage_lookup, STAGE_LEVELS),
        "upheld": (upheld_lookup, OUTCOME_LEVELS),
    }
    if isinstance(keep, str):
        keep = [keep]
    date_options = DateSettings.from_options(date_order, date_formats, spelling=option_spelling)
    today = (
        pd.Timestamp.today()
        if as_of is None
        else parse_date(as_of, what="as_of", date_order=date_order, spelling=option_spelling)
    ).normalize()

    from coprod.io.complaint_engine import (
        ENGINES,
        OUT_OF_CORE_ENGINES,
        ReadOptions,
        read_out_of_core,
        wants_out_of_core,
    )

    if engine not in ENGINES:
        raise InputError(
            f"unknown engine {engine!r}",
            file=None if isinstance(path, pd.DataFrame) else path,
            fix="pass engine='auto' (the default), 'pandas' (in memory), 'duckdb' (out of "
            "core, embedded) or 'spark' (out of core, on Spark)",
        )
    if isinstance(path, pd.DataFrame) and engine in OUT_OF_CORE_ENGINES:
        raise InputError(
            f"engine={engine!r} reads files; a DataFrame is in memory already",
            fix="pass engine='pandas' (or leave engine out) for a DataFrame",
        )
    in_memory_note = None
    if wants_out_of_core(path, engine):
        why: list[str] = []
        result = read_out_of_core(
            path,
            ReadOptions(
                columns=columns,
                labels=labels,
                levels=levels,
                keep=tuple(keep),
                keep_personal=keep_personal,
                encoding=encoding,
                header_rows=header_rows,
                skip_rows=skip_rows,
                date_options=date_options,
                today=today,
                as_of_given=as_of is not None,
            ),
            engine="duckdb" if engine == "auto" else engine,
            store=store,
            fallback=why.append if engine == "auto" else None,
            progress=progress,
        )
        if not why:
            return result
        in_memory_note = f"read in memory, not out of core, because {why[0]}"
    raw = read_raw_table(
        path,
        encoding=encoding,
        header_rows=header_rows,
        sheet=sheet,
        skip_rows=skip_rows,
        engine="auto" if engine in ("pandas", "auto") else engine,
    )
    source = raw.source
    date_options = dataclasses.replace(date_options, excel_serials=raw.format == "excel")
    frame = raw.frame
    rows = frame.index.to_numpy(dtype=np.int64)
    layout = complaint_columns(raw, columns, keep, keep_personal=keep_personal)
    found, ids_from_rows, kept = layout.found, layout.ids_from_rows, layout.kept
    source_columns = layout.source_columns
    problems = Problems(source)
    notes: list[str] = list(raw.notes) + ([in_memory_note] if in_memory_note else [])

    if ids_from_rows:
        notes.append(NO_ID_NOTE)
    # each field is checked on its own (in threads for big files: pyarrow releases the GIL);
    # results are gathered in schema order, so the outcome does not depend on timing
    jobs = {
        fld: partial(
            _check_field,
            fld,
            frame[col],
            column=col,
            rows=rows,
            dates=date_options,
            labels=labels,
        )
        for fld, col in source_columns.items()
    }
    if len(frame) >= _THREADS_FROM_ROWS and len(jobs) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            futures = {fld: pool.submit(job) for fld, job in jobs.items()}
            checked = {fld: futures[fld].result() for fld in jobs}
    else:
        checked = {fld: job() for fld, job in jobs.items()}

    # the date columns: each one's day/month order decided from its values (and the other's)
    scans = {fld: checked[fld].scan for fld in _DATE_FIELDS if fld in checked}
    parsed = finish_scans(
        scans, date_options, allow_missing={"received": False, "closed": True}, file=source
    )
    attrs = layout.data_attrs(
        source,
        date_settings=date_options,
        evidence=[o for scan in scans.values() for o in scan.evidence],
        ambiguous=any(scan.ambiguous for scan in scans.values()),
        levels=levels,
    )
    orders: dict[str, str | None] = {}
    for fld, dates in parsed.items():
        result = checked[fld]
        result.ns, result.timed, orders[fld] = dates.ns, dates.timed, dates.order
        result.select = partial(_select_dates, dates.ns)
        result.problems.append((dates.bad, dates.reason_array, dates.kind_array))
        result.notes.extend(dates.notes)

    out: dict[str, Any] = {}
    if ids_from_rows:
        row_ids = rows.astype(str)
        out["complaint_id"] = lambda keep: pd.array(row_ids[keep], dtype="str")
    for fld, result in checked.items():
        col = source_columns[fld]
        for positions, reasons, *kind in result.problems:  # (positions, reasons[, kind])
            _add_problems(problems, rows, result.cells, col, positions, reasons, *kind)
        notes.extend(result.notes)
        out[fld] = result.select
        if fld == "closed":
            out["days_to_close"] = None  # placeholder: keeps the column order
    dup = [] if ids_from_rows else checked["complaint_id"].duplicated
    if len(dup):  # every copy goes to quarantine
        ids = checked["complaint_id"].text.take(dup).to_pylist()
        subset = pd.DataFrame({"complaint_id": ids}, index=rows[dup])
        problems.extend(
            duplicate_key_problems(
                subset, ["complaint_id"], column_names={"complaint_id": found["complaint_id"]}
            )
        )

    # dates against today (or as_of) and against each other
    dates = {fld: checked[fld].ns for fld in _DATE_FIELDS if fld in checked}
    tomorrow = (today + pd.Timedelta(days=1)).value
    for fld, ns in dates.items():
        future = np.flatnonzero(ns >= tomorrow)  # NaT is the smallest int64
        if len(future):
            col = source_columns[fld]
            (when,) = _show_dates(np.array([today.value]), orders[fld])
            when = f"today is {when}" if as_of is None else f"as of {when}"
            reasons = [
                f"{fld} {shown} is in the future ({when}): check the date, especially the year"
                for shown in _show_dates(ns[future], orders[fld])
            ]
            kind = "dates in the future"
            _add_problems(problems, rows, checked[fld].cells, col, future, reasons, kind)
    n_open = 0
    if "closed" in dates:
        received, closed = dates["received"], dates["closed"]
        received_at, closed_at = received.view("M8[ns]"), closed.view("M8[ns]")
        # by date (closing on the day of receipt is fine), or by time when both have one;
        # comparisons with NaT are False. Days by floor division (as numpy's cast to M8[D],
        # but faster); NaT's "day" is far below 1900 (and its "time" does not matter: it
        # is only compared as NaT)
        if not (checked["received"].timed or checked["closed"].timed):
            before = (closed < received) & (closed != _NAT)  # whole days: as by date
        else:
            closed_day, received_day = closed // _NS_PER_DAY, received // _NS_PER_DAY
            before = (closed_day < received_day) & (closed != _NAT)
            timed = (closed != closed_day * _NS_PER_DAY) & (received != received_day * _NS_PER_DAY)
            if timed.any():
                before |= timed & (closed_at < received_at)
        before = np.flatnonzero(before)
        if len(before):
            col = source_columns["closed"]
            reasons = [
                f"closed {c} is before received {r}: check both dates"
                for c, r in zip(
                    _show_dates(closed[before], orders["closed"]),
                    _show_dates(received[before], orders["received"]),
                    strict=True,
                )
            ]
            kind = "closed before received"
            _add_problems(problems, rows, checked["closed"].cells, col, before, reasons, kind)
        days = (closed_at - received_at) / np.timedelta64(1, "D")  # NaT -> NaN
        out["days_to_close"] = days.__getitem__
        n_open = int(np.count_nonzero((received != _NAT) & (closed == _NAT)))

    notes.extend(
        column_notes(
            found,
            frame.columns,
            kept,
            keep_personal=keep_personal,
            n_open=n_open,
            days_note=(lambda c: _days_to_close_note(frame[c], pd.Series(days), c))
            if "days_to_close" in out
            else None,
        )
    )

    def select(keep: np.ndarray) -> pd.DataFrame:
        # only the clean rows of each field are built (no take of every column afterwards),
        # in threads for big files (pyarrow's filter releases the GIL)
        if len(keep) >= _THREADS_FROM_ROWS:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=_THREADS) as pool:
                futures = {fld: pool.submit(pick, keep) for fld, pick in out.items()}
                columns = {fld: futures[fld].result() for fld in out}
        else:
            columns = {fld: pick(keep) for fld, pick in out.items()}
        for col in kept:  # kept as they are: text, blank as missing
            cells = frame[col].to_numpy()[keep]
            columns[col] = pd.array(
                [None if is_blank(v) else as_text(v) for v in cells], dtype="str"
            )
        data = pd.DataFrame(columns, index=frame.index[keep], copy=False)
        data.attrs.update(attrs)
        return data

    return finish_selected(
        frame.index,
        select,
        problems,
        kind="complaints",
        encoding=raw.encoding,
        notes=notes,
        stacklevel=4,  # the user's call, through reads_many
    )


@dataclass(frozen=True)
class ComplaintColumns:
    """Which of a file's columns are which fields (see :func:`complaint_columns`)."""

    found: dict[str, str]  # {field: column} found in the file
    ids_from_rows: bool  # no complaint_id column: rows number the complaints
    kept: list[str]  # keep= columns, as named in the file
    kept_personal_columns: list[str]  # those of them that are personal
    kept_personal: list[str]  # personal fields kept (keep_personal=True)
    source_columns: dict[str, str]  # {field: column} loaded

    def data_attrs(
        self,
        source: str,
        *,
        date_settings: DateSettings,
        evidence: Sequence[str],
        ambiguous: bool,
        levels: Sequence[str],
    ) -> dict[str, Any]:
        """The loaded log's ``attrs``, as both readers set them: ``evidence``, the orders
        the dates settled (for the files of one log to agree: _complaint_dates_agree);
        ``ambiguous``, whether some date reads two ways."""
        evidence = tuple(sorted(set(evidence)))
        guessed = (
            date_settings.order is None
            and date_settings.formats is None
            and not evidence
            and ambiguous
        )
        return {
            "source": source,
            "source_columns": {
                **({"complaint_id": "(row number)"} if self.ids_from_rows else {}),
                **self.source_columns,
            },
            "ids_from_rows": self.ids_from_rows,
            "id_field": "complaint_id",
            "date_evidence": evidence if date_settings.order is None else (),
            "date_order_guessed": guessed,
            "kept_columns": tuple(self.kept),
            "personal_columns": (*self.kept_personal, *self.kept_personal_columns),
            "severity_levels": tuple(levels),
            "stages": STAGE_LEVELS,
            "upheld_outcomes": OUTCOME_LEVELS,
        }


def complaint_columns(
    raw: Any, columns: Mapping[str, str | None] | None, keep: Sequence[str], *, keep_personal: bool
) -> ComplaintColumns:
    """Find the fields of :data:`COMPLAINT_LOG` among a file's columns (``raw``: its
    :class:`~coprod.io.raw.RawTable`, or one of its first rows), as both readers do."""
    source = raw.source
    frame = raw.frame
    # complaint_id is needed unless the file has none: then the rows number the complaints
    id_mapped = columns is not None and columns.get("complaint_id") is not None
    found = resolve_columns(
        raw,
        columns,
        required=[f for f in COMPLAINT_LOG.required if f != "complaint_id" or id_mapped],
        optional=["complaint_id", *COMPLAINT_LOG.optional],
        schema=COMPLAINT_LOG,
    )
    ids_from_rows = "complaint_id" not in found
    if ids_from_rows and not (columns and "complaint_id" in columns):
        # numbering by row is for files with no id at all, not for an id under another name
        likely = suggest_columns(
            frame, "complaint_id", schema=COMPLAINT_LOG, exclude=found.values()
        )
        if likely:
            raise InputError(
                "field 'complaint_id' not found (looked for a column named 'complaint_id'); "
                f"closest column names: {', '.join(map(repr, likely))}",
                file=source,
                row=raw.header_row_text,
                fix=f"pass columns={{'complaint_id': {likely[0]!r}}} (the name as it appears "
                "in the file), or columns={'complaint_id': None} to number the complaints by "
                "their rows",
            )
    kept, kept_personal_columns = _kept_columns(
        keep, frame, found, source, keep_personal=keep_personal
    )
    personal = set(COMPLAINT_LOG.personal)
    return ComplaintColumns(
        found=dict(found),
        ids_from_rows=ids_from_rows,
        kept=kept,
        kept_personal_columns=kept_personal_columns,
        kept_personal=[f for f in COMPLAINT_LOG.personal if f in found and keep_personal],
        source_columns={
            f: found[f]
            for f in COMPLAINT_LOG.names
            if f in found and (f not in personal or keep_personal)
        },
    )


def column_notes(
    found: Mapping[str, str],
    file_columns: Sequence[str],
    kept: Sequence[str],
    *,
    keep_personal: bool,
    n_open: int,
    days_note: Callable[[str], str] | None,
) -> list[str]:
    """The notes on the file's columns: complaints open (``n_open``), optional fields
    missing, personal columns dropped or kept, the file's own days_to_close replaced
    (``days_note(column)`` says how well it agreed; None when there is no closed date),
    columns the schema does not know. Shared by the in-memory and the out-of-core readers."""
    notes = []
    if n_open:
        notes.append(
            f"{plural(n_open, 'complaint')} without a closed date (open): "
            "days_to_close is NaN for them"
        )
    personal = set(COMPLAINT_LOG.personal)
    kept_personal = [f for f in COMPLAINT_LOG.personal if f in found and keep_personal]
    dropped_personal = [
        f"{f} ({found[f]!r})" if found[f] != f else f
        for f in COMPLAINT_LOG.personal
        if f in found and not keep_personal
    ]
    missing_optional = [f for f in COMPLAINT_LOG.optional if f not in found and f not in personal]
    if missing_optional:
        notes.append("optional fields not in the file: " + ", ".join(missing_optional))
    if dropped_personal:
        notes.append(
            "dropped personal columns (names, addresses, free text): "
            + ", ".join(dropped_personal)
            + "; pass keep_personal=True to keep them"
        )
    if kept_personal:
        notes.append(
            "kept personal columns (keep_personal=True): "
            + ", ".join(kept_personal)
            + "; do not share or publish them"
        )
    used_columns = set(found.values()) | set(kept)
    unmapped = [c for c in file_columns if c not in used_columns]
    derived = [c for c in unmapped if label_key(c).replace(" ", "_") == "days_to_close"]
    if derived and days_note is not None:
        notes.append(days_note(derived[0]))
        unmapped.remove(derived[0])
    if unmapped:
        shown = ", ".join(map(repr, unmapped[:5])) + (" ..." if len(unmapped) > 5 else "")
        notes.append(
            f"dropped {plural(len(unmapped), 'column')} the schema does not know ({shown}): "
            "unmapped columns may hold personal data"
        )
    return notes


def _kept_columns(
    keep: Sequence[str],
    frame: pd.DataFrame,
    found: Mapping[str, str],
    source: str,
    *,
    keep_personal: bool,
) -> tuple[list[str], list[str]]:
    """The extra columns of ``keep=``, checked against the file's columns, and those of
    them that are personal (allowed with ``keep_personal=True`` only)."""
    names = [str(c) for c in frame.columns]
    kept: list[str] = []
    personal_kept: list[str] = []
    for name in keep:
        matches = [c for c in names if label_key(c) == label_key(name)]
        if not matches:
            close = difflib.get_close_matches(str(name), names, n=1)
            raise InputError(
                f"keep= names {name!r}, which is not a column of the file"
                + (f" (did you mean {close[0]!r}?)" if close else ""),
                file=source,
                fix=f"the file's columns are: {', '.join(map(repr, names[:15]))}",
            )
        if matches[0] in found.values():
            field = next(f for f, c in found.items() if c == matches[0])
            if field in COMPLAINT_LOG.personal:  # kept as personal data, or not at all
                fix = (
                    f"leave it out of keep=, and pass keep_personal=True to keep {field!r} "
                    "(it is personal data: it is then listed as such)"
                )
            else:
                fix = f"leave it out of keep=, or switch the field off with columns={{{field!r}: None}}"
            raise InputError(
                f"keep= names {name!r}, which is read as the field {field!r} already",
                file=source,
                fix=fix,
            )
        personal = [f for f in COMPLAINT_LOG.personal if loose_key(f) == loose_key(matches[0])]
        if personal and not keep_personal:
            # a switched-off personal field must not come back unmarked through keep=
            raise InputError(
                f"keep= names {name!r}, a personal column ({personal[0]}): it may identify "
                "a person",
                file=source,
                fix="pass keep_personal=True as well to keep it (it is then listed in "
                "data.attrs['personal_columns']), or leave it out of keep=",
            )
        kept.append(matches[0])
        if personal:
            personal_kept.append(matches[0])
    return kept, personal_kept


# --------------------------------------------------------------------------- one field


@dataclass
class _Checked:
    """What checking one field gives: ``select(keep)``, the loaded values of the rows
    where the boolean mask ``keep`` is True; problems as (positions, reasons) pairs or
    (positions, reasons, kind) triples (kind: one for all, or one per problem);
    notes; the cells as read (``cells``: a pandas Series, or the same text as one
    pyarrow array); for dates the scan of their distinct values (finished once both
    date columns are scanned: then the nanoseconds), for the id its duplicates."""

    select: Callable[[np.ndarray], Any] | None
    cells: Any
    problems: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scan: DateScan | None = None
    ns: np.ndarray | None = None
    timed: bool = False
    text: Any = None
    duplicated: np.ndarray | None = None


def _check_field(
    fld: str,
    values: pd.Series,
    *,
    column: str,
    rows: np.ndarray,
    dates: DateSettings,
    labels: Mapping[str, tuple[Mapping[str, str | None], Sequence[str]]],
) -> _Checked:

    cells = _string_cells(values)
    if fld in _DATE_FIELDS:
        scan = scan_dates(_or(cells, values), dates, column=column, rows=rows)
        return _Checked(None, _or(cells, values), scan=scan)
    text = _text_array(values) if cells is None else cells
    if fld in labels:
        lookup, categories = labels[fld]
        codes, bad, reasons, kinds, used, n_blank = _read_labels(fld, text, lookup, categories)
        result = _Checked(
            lambda keep: pd.Categorical.from_codes(
                codes[keep], categories=categories, ordered=True
            ),
            _or(cells, values),
            [(bad, reasons, kinds)],
        )
        if used:
            result.notes.append(f"{fld} labels read as: " + ", ".join(used))
        if fld == "severity" and n_blank:
            result.notes.append(f"severity is blank in {plural(n_blank, 'row')} (kept, as missing)")
        return result
    stripped, blank = _trim(text)
    result = _Checked(partial(_select_text, stripped, blank), _or(cells, values), text=stripped)
    if COMPLAINT_LOG.field(fld).required and blank.any():
        bad = np.flatnonzero(blank)
        reason = f"{fld} is blank but required: fill it in (or remove the row)"
        result.problems.append((bad, [reason] * len(bad), "blank but required"))
    if fld == "complaint_id":
        result.duplicated = _duplicated(stripped, blank)
    return result


# --------------------------------------------------------------------------- small helpers


_SHOWN_ORDER = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y"}


def _select_dates(ns: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return ns[keep].view("datetime64[ns]")


def _show_dates(ns: np.ndarray, order: str | None = "dmy") -> list[str]:
    """Nanosecond timestamps as the column writes them: dd/mm/yyyy (mm/dd/yyyy when read
    month first, yyyy-mm-dd otherwise), with HH:MM[:SS] when there is a time."""
    day = _SHOWN_ORDER.get(order or "", "%Y-%m-%d")
    distinct, inverse = np.unique(ns, return_inverse=True)
    shown = []
    for value in distinct.tolist():
        ts = pd.Timestamp(value)
        fmt = (
            day if ts == ts.normalize() else f"{day} %H:%M" if not ts.second else f"{day} %H:%M:%S"
        )
        shown.append(ts.strftime(fmt))
    return [shown[i] for i in inverse.reshape(-1).tolist()]


def _days_to_close_note(given: pd.Series, computed: pd.Series, column: str) -> str:
    """Say that the file's own days_to_close is replaced, and whether it agreed."""
    numbers = pd.to_numeric(pd.Series(given.to_numpy(dtype=object)), errors="coerce").to_numpy(
        dtype=float
    )
    ours = computed.to_numpy(dtype=float)
    both = ~np.isnan(numbers) & ~np.isnan(ours)
    agree = int(np.count_nonzero(np.isclose(numbers[both], ours[both])))
    return days_to_close_text(column, agree=agree, both=int(both.sum()))


def days_to_close_text(column: str, *, agree: int, both: int) -> str:
    """The note on a file's own days_to_close column, given how many of the rows that
    have both agree with ours (shared by the in-memory and the out-of-core readers)."""
    return (
        f"the file's {column!r} column was replaced by days_to_close computed from received "
        f"and closed (they agree on {agree:,} of the {both:,} rows that have both)"
    )


def _add_problems(
    problems: Problems,
    rows: np.ndarray,
    cells: Any,
    column: str,
    positions: np.ndarray,
    reasons: Sequence[str],
    kind: str | Sequence[str] | None = None,
) -> None:
    """One problem per position (row position in the frame), with the cell as read
    (``cells``: the column as a pandas Series, or as one pyarrow text array) and its
    kind (see :meth:`coprod.io.result.Problems.add_many`)."""
    if not len(positions):
        return
    positions = np.asarray(positions)
    if isinstance(cells, pd.Series):
        shown = cells.iloc[positions].tolist()
    else:
        import pyarrow as pa

        shown = cells.take(pa.array(positions))  # kept as pyarrow text until the quarantine
    problems.add_many(rows[positions], column, shown, reasons, kind)


def _check_levels(levels: Sequence[str]) -> tuple[str, ...]:
    if isinstance(levels, str) or not levels:
        raise InputError(
            f"severity_levels= must be a list of levels, least serious first; got {levels!r}",
            fix="pass e.g. severity_levels=('low', 'medium', 'high')",
        )
    levels = tuple(str(v) for v in levels)
    keys = [label_key(v) for v in levels]
    if len(set(keys)) != len(keys) or "" in keys:
        raise InputError(
            f"severity_levels= has blank levels or levels that differ only in case or "
            f"spacing: {levels}",
            fix="give each level once, least serious first",
        )
    return levels


def _label_lookup(
    base: dict[str, str | None],
    mapping: Mapping[str, str | None] | None,
    levels: Sequence[str],
    argument: str,
    levels_argument: str | None,
) -> dict[str, str | None]:
    """The label lookup ({label key: level or None}) with the user's mapping on top."""
    lookup = dict(base)
    if mapping is None:
        return lookup
    if not isinstance(mapping, Mapping):
        raise InputError(
            f"{argument}= must be a mapping {{your label: level}}, got {type(mapping).__name__}",
            fix=f"pass e.g. {argument}={{{'Minor'!r}: {levels[0]!r}}}",
        )
    for label, level in mapping.items():
        if level is not None and level not in levels:
            fix = f"map each label to one of {', '.join(levels)} (or None for missing)"
            if levels_argument:
                fix += f", or pass {levels_argument}= with your own levels, least serious first"
            raise InputError(
                f"{argument}= maps {label!r} to {level!r}, which is not one of {', '.join(levels)}",
                fix=fix,
            )
        if label_key(label) == "":
            raise InputError(
                f"{argument}= maps a blank label to {level!r}; blanks are always missing",
                fix=f"remove the blank label from {argument}=",
            )
        lookup[label_key(label)] = level
    return lookup


def _read_labels(
    fld: str, text: Any, lookup: Mapping[str, str | None], categories: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list[str], list[str], list[str], int]:
    """Read labels once per distinct text: (codes per row, -1 = missing; bad positions;
    their reasons and kinds; notes on synonyms used; number of blank cells)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(text)
    index = encoded.indices.to_numpy(zero_copy_only=False)
    labels = encoded.dictionary.to_pylist()
    counts = np.bincount(index, minlength=len(labels))
    ucodes, ureasons, ukinds, used, n_blank = read_distinct_labels(
        fld, labels, counts, lookup, categories
    )
    bad_u = np.array([r is not None for r in ureasons], dtype=bool)
    bad = np.flatnonzero(bad_u.take(index)) if bad_u.any() else np.array([], dtype=np.int64)
    bad_index = index[bad].tolist()
    reasons = [ureasons[u] for u in bad_index]
    kinds = [ukinds[u] for u in bad_index]
    return ucodes.take(index), bad, reasons, kinds, used, n_blank


def read_distinct_labels(
    fld: str,
    labels: Sequence[str],
    counts: np.ndarray,
    lookup: Mapping[str, str | None],
    categories: Sequence[str],
) -> tuple[np.ndarray, list[str | None], list[str | None], list[str], int]:
    """Read a label column's distinct texts (``counts``: rows each): (code per label,
    -1 = missing; reason and kind per label, None when read; notes on synonyms used;
    number of blank cells). Shared by the in-memory and the out-of-core readers."""
    position = {c: i for i, c in enumerate(categories)}
    ucodes = np.full(len(labels), -1, dtype=np.int8 if len(categories) < 127 else np.int32)
    ureasons: list[str | None] = [None] * len(labels)
    ukinds: list[str | None] = [None] * len(labels)
    used = []
    n_blank = 0
    for i, label in enumerate(labels):
        k = label_key(label)
        if k == "":
            n_blank += int(counts[i])
            continue
        if k in lookup:
            level = lookup[k]
            if level is not None:
                ucodes[i] = position[level]
                # default synonyms used (not mere case)
                if fld != "severity" and k != label_key(level):
                    used.append(f"{label!r} -> {level!r} ({plural(int(counts[i]), 'row')})")
        else:
            ureasons[i], ukinds[i] = _label_reason(fld, label, categories)
    return ucodes, ureasons, ukinds, used, n_blank


def _label_reason(fld: str, label: str, categories: Sequence[str]) -> tuple[str, str]:
    """(reason, kind) for a label that is not read."""
    accepted = ", ".join(categories)
    if fld == "severity":
        return (
            f"unknown severity {label!r}: expected one of {accepted}; map it with "
            f"severity={{{label!r}: {categories[-1]!r}}}",
            "unknown severity labels",
        )
    if fld == "stage":
        if label_key(label) in AMBIGUOUS_STAGES:
            return (
                f"stage {label!r} is ambiguous: in some councils a third stage is an internal "
                "review, in others the ombudsman; say which with "
                f"stage={{{label!r}: 'ombudsman'}} or stage={{{label!r}: 'stage 2'}}",
                "ambiguous stage labels",
            )
        return (
            f"unknown stage {label!r}: expected one of {accepted} (or a synonym in "
            f"coprod.vocab.STAGE_SYNONYMS); map it with stage={{{label!r}: 'stage 2'}}",
            "unknown stage labels",
        )
    return (
        f"unknown outcome {label!r}: use upheld, partly upheld or not upheld (yes, partly "
        f"and no are read too), map it with upheld={{{label!r}: 'upheld'}}, or leave it "
        "blank while the complaint is open",
        "unknown outcome labels",
    )


def _or(cells: Any, values: pd.Series) -> Any:
    return values if cells is None else cells


def _string_cells(values: pd.Series):
    """The cells as one pyarrow large_string array, exactly as read, when they are all
    text (pandas ``str`` dtype without missing values, as from the fast reader); else None."""
    import pyarrow as pa

    if not isinstance(values.dtype, pd.StringDtype):
        return None
    arr = pa.array(values.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:
        return None
    return arr.cast(pa.large_string())


def _text_array(values: pd.Series):
    """The cells as a pyarrow large_string array without nulls (blank = "")."""
    import pyarrow as pa

    if isinstance(values.dtype, pd.StringDtype):
        arr = pa.array(values.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.cast(pa.large_string())
        if arr.null_count:
            arr = arr.fill_null("")
        return arr
    cells = values.tolist()
    if not all(type(v) is str for v in cells):
        cells = [as_text(v) for v in cells]
    return pa.array(cells, type=pa.large_string())


def _select_text(text: Any, blank: np.ndarray, keep: np.ndarray) -> Any:
    """The pandas ``str`` array of ``text`` (no nulls) where ``keep``, blank as missing."""
    import pyarrow as pa

    if not keep.all():
        # filter, not take: faster, and before the nulls are set (faster still)
        text, blank = text.filter(pa.array(keep)), blank[keep]
    return _with_nulls(text, blank).to_pandas().array


def _with_nulls(text: Any, blank: np.ndarray) -> Any:
    """``text`` (large_string, no nulls) with nulls where ``blank``, without copying text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not blank.any():
        return text
    if text.offset:
        return pc.if_else(pa.array(blank), pa.scalar(None, pa.large_string()), text)
    validity = pa.py_buffer(np.packbits(~blank, bitorder="little"))
    _, offsets, values = text.buffers()
    return pa.Array.from_buffers(
        text.type, len(text), [validity, offsets, values], null_count=int(blank.sum())
    )


def _trim(text: Any) -> tuple[Any, np.ndarray]:
    """(``text`` without surrounding whitespace, as ``utf8_trim_whitespace``; True where
    that leaves nothing) for a large_string array without nulls."""
    import pyarrow.compute as pc

    if len(text) and not text.null_count:
        offsets = np.frombuffer(
            text.buffers()[1], dtype=np.int64, count=len(text) + 1, offset=text.offset * 8
        )
        data = np.frombuffer(text.buffers()[2] or b"\0", dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        empty = ends == starts
        # a cell whose first and last bytes are printable ASCII (33-126, or 127) has no
        # surrounding whitespace: when no cell has another byte there, nothing is trimmed
        edge = ((data.take(starts, mode="clip") - np.uint8(33)) >= 95) | (
            (data.take(ends - 1, mode="clip") - np.uint8(33)) >= 95
        )
        if not edge[~empty].any():
            return text, empty
    stripped = pc.utf8_trim_whitespace(text)
    return stripped, pc.equal(pc.binary_length(stripped), 0).to_numpy(zero_copy_only=False)


def _duplicated(ids: Any, blank: np.ndarray) -> np.ndarray:
    """Positions of every non-blank id that occurs more than once (exact).

    Short ASCII ids (the usual case) are hashed to 64 bits with numpy and only ids
    whose hash repeats are compared as text; other ids are compared as text directly.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    empty = np.array([], dtype=np.int64)
    if len(ids) < 2:
        return empty
    # ids in strictly increasing order cannot repeat
    if not pc.any(pc.less_equal(ids.slice(1), ids.slice(0, len(ids) - 1))).as_py():
        return empty
    candidates = _hash_repeats(ids)
    subset = ids if candidates is None else ids.take(pa.array(candidates))
    if len(subset) == 0:
        return empty
    index = pc.dictionary_encode(subset).indices.to_numpy(zero_copy_only=False)
    repeated = np.bincount(index)[index] > 1
    positions = np.flatnonzero(repeated) if candidates is None else candidates[repeated]
    return positions[~blank[positions]]


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole word."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _hash_repeats(ids: Any) -> np.ndarray | None:
    """Positions whose 64-bit hash (of text and length) repeats: a superset of the
    duplicated ids; None when the ids are not short ASCII text (up to 64 bytes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(ids)
    lengths = pc.binary_length(ids).to_numpy(zero_copy_only=False)
    longest, shortest = int(lengths.max()), int(lengths.min())
    if longest == 0 or longest > 64:
        return None
    if shortest == longest:  # one length: its hash once
        h = np.full(n, _mix64(np.array([longest], dtype=np.uint64))[0], dtype=np.uint64)
    else:
        h = _mix64(lengths.astype(np.uint64))
    if shortest == longest >= 8 and pa.types.is_large_string(ids.type):
        # all ids have the same length: read 8-byte words straight from the text buffer
        offsets = np.frombuffer(
            ids.buffers()[1], dtype=np.int64, count=n + 1, offset=ids.offset * 8
        )
        data = ids.buffers()[2]
        starts = [*range(0, longest - 7, 8)] + ([longest - 8] if longest % 8 else [])
        words = [
            np.ndarray(
                (n,), dtype="<u8", buffer=data, offset=int(offsets[0]) + k, strides=(longest,)
            )
            for k in starts
        ]
    else:
        if not pc.all(pc.string_is_ascii(ids)).as_py():
            return None
        width = -(-longest // 8) * 8
        fixed = pc.cast(pc.utf8_rpad(ids, width=width, padding=" "), pa.binary(width))
        matrix = np.frombuffer(
            fixed.buffers()[1], dtype="<u8", count=n * (width // 8), offset=fixed.offset * width
        ).reshape(n, width // 8)
        words = [matrix[:, k] for k in range(width // 8)]
    with np.errstate(over="ignore"):
        for word in words:
            h = _mix64(h ^ word)
    # the hashes that repeat (sorting 64-bit integers is fast), then where they are: a
    # table of their top 21 bits picks the few candidates, compared exactly
    ordered = np.sort(h)
    repeats = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeats):
        return np.array([], dtype=np.int64)
    table = np.zeros(1 << 21, dtype=bool)
    table[(repeats >> np.uint64(43)).astype(np.intp)] = True
    maybe = np.flatnonzero(table[(h >> np.uint64(43)).astype(np.intp)])
    return maybe[np.isin(h[maybe], repeats)]

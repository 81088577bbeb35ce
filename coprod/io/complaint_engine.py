"""Complaint logs of any size: the checks of :func:`~coprod.io.read_complaints` run
inside an engine (DuckDB, embedded; or Apache Spark), the rows never in memory.

:func:`read_out_of_core` is what ``read_complaints(..., engine="duckdb" | "spark")``
(and ``engine="auto"`` for a file of :data:`AUTO_OUT_OF_CORE_BYTES` or more) calls. It
gives exactly the in-memory reader's result (rows, row numbers, quarantine, reasons,
notes), kept as Parquet (:class:`~coprod.io.stored.StoredLoadResult`).

How the work is split, and why
    Each rule is written once. The rules about a *value* (is ``26/03/2014`` a date, and
    in which day/month order is its column; is ``LGSCO`` a stage) are the in-memory
    reader's own Python functions (:func:`coprod.io.dates.scan_dates`,
    :func:`~coprod.io.complaint_log.read_distinct_labels`), applied to each column's
    *distinct* values, which the engine counts (a few thousand dates and labels in a log
    of millions of rows). Their answers go back into the engine as small lookup tables;
    the rules about a *row* (blank required fields, dates in the future, closed before
    received, duplicate ids) are SQL over the rows joined with those tables, and the
    engine writes the clean rows and the quarantine as Parquet. The few duplicate ids are
    described by the in-memory reader's :func:`~coprod.io.validate.duplicate_key_problems`.

    The SQL is written once, in DuckDB's dialect, and translated for Spark by sqlglot (a
    small pure-Python SQL transpiler). We did not use Ibis: the row rules are a handful of
    joins and CASE expressions, and the value rules must stay the Python functions the
    in-memory reader uses (for identical results, date evidence and notes), which Ibis
    would not express either; sqlglot is one light dependency against Ibis's many.

What it reads
    One CSV file (UTF-8, one header row, as the fast in-memory reader takes it: blank rows
    and notes below the table are handled the same way) or one Parquet file. Anything else
    (Excel, other encodings, title rows, ragged rows, a folder of files) is read by the
    in-memory reader under ``engine="auto"``; asking for ``"duckdb"`` there is an
    :class:`~coprod.io.InputError` that says so.

Cost
    The engine's memory is capped (``memory_limit``, 2 GiB by default for DuckDB, which
    spills to the work folder beyond it); Python holds the distinct values of the label
    columns, and of a date column up to :data:`DATE_CHUNK` at a time (dates with times to
    the second have nearly one per row: they are read in chunks, twice), and the
    quarantine when you ask for it. ``benchmarks/bench_out_of_core.py`` measures time and
    memory against DuckDB doing the same checks by hand, up to 100 million rows.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import label_key, plural
from coprod.io.result import InputError, warn_if_quarantined
from coprod.io.schemas import COMPLAINT_LOG

__all__ = [
    "AUTO_OUT_OF_CORE_BYTES",
    "ENGINES",
    "OUT_OF_CORE_ENGINES",
    "read_out_of_core",
    "wants_out_of_core",
]

#: ``engine=`` values of :func:`~coprod.io.read_complaints`: ``"pandas"`` (in memory;
#: its CSV parser chosen as by ``"auto"``), ``"pyarrow"`` / ``"python"`` (in memory, that
#: CSV parser), ``"duckdb"`` / ``"spark"`` (out of core), ``"auto"``.
ENGINES = ("auto", "pandas", "pyarrow", "python", "duckdb", "spark")
OUT_OF_CORE_ENGINES = ("duckdb", "spark")

#: ``engine="auto"`` reads a CSV or Parquet file at least this big out of core (DuckDB):
#: about 2.5 million rows of a typical log, which in memory would take over 1 GiB.
AUTO_OUT_OF_CORE_BYTES = 256 * 2**20

#: A date column with more distinct values than this is read in chunks of this many
#: (see ``_Pipeline._dates``): each chunk costs about 1 KiB per value while it is parsed.
DATE_CHUNK = 500_000

#: DuckDB's memory cap for one load (it spills to the work folder beyond it).
DUCKDB_MEMORY_LIMIT = "2GB"

_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min
_DATE_FIELDS = ("received", "closed")
_TAIL_ROWS = 1 << 16
_HEAD_ROWS = 1000


class _Unsupported(Exception):
    """The out-of-core reader cannot read this file exactly (the reason is the message)."""


def wants_out_of_core(path: Any, engine: str) -> bool:
    """Whether ``read_complaints(path, engine=engine)`` reads out of core."""
    if engine in OUT_OF_CORE_ENGINES:
        return True
    if engine != "auto" or not isinstance(path, str | Path):
        return False
    path = Path(path)
    return (
        path.is_file()
        and _format_of(path) is not None
        and path.stat().st_size >= AUTO_OUT_OF_CORE_BYTES
    )


def _format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".csv"):
        return "csv"
    return None


def _sql_text(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# --------------------------------------------------------------------------- engines


class _DuckDB:
    """The embedded engine: one DuckDB database in the work folder."""

    name = "duckdb"

    def __init__(self, work: Path, memory_limit: str | None = None) -> None:
        import duckdb

        memory_limit = memory_limit or DUCKDB_MEMORY_LIMIT  # (read now: tests lower it)
        self.error = duckdb.Error
        self.con = duckdb.connect(str(work / "work.duckdb"))
        spill = str(work / "spill").replace("'", "''")
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET temp_directory = '{spill}'")
        # row numbers come from the staged files, so rows may be written in any order
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")  # (progress= says how it goes)

    def run(self, sql: str) -> None:
        self.con.execute(sql)

    def arrow(self, sql: str) -> Any:
        return self.con.sql(sql).to_arrow_table()

    def batches(self, sql: str, rows: int = 1 << 18) -> Any:
        """The result as pyarrow record batches, a few at a time (bounded memory)."""
        # on a cursor of its own, so that other statements can run while it is read
        return self.con.cursor().sql(sql).to_arrow_reader(rows)

    def scalar(self, sql: str) -> Any:
        return self.con.execute(sql).fetchall()[0][0]

    def put(self, name: str, table: Any, *, append: bool = False) -> None:
        self.con.register("_incoming", table)
        try:
            if append:
                self.con.execute(f"INSERT INTO {name} SELECT * FROM _incoming")
            else:
                self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    def stage_rows(self, staged: Path) -> None:
        """The staged rows (``_row``, ``c0`` ...: see :func:`_stage_csv`), as the view ``raw``."""
        self.run(f"CREATE VIEW raw AS SELECT * FROM read_parquet({_sql_text(str(staged))})")

    def write_parquet(self, sql: str, path: Path) -> None:
        self.run(f"COPY ({sql}) TO {_sql_text(str(path))} (FORMAT parquet)")

    def timestamp(self, ns: str) -> str:
        return f"make_timestamp_ns({ns})"

    def close(self) -> None:
        self.con.close()


def _engine(name: str, work: Path) -> Any:
    if name == "duckdb":
        return _DuckDB(work)
    from coprod.io.spark_engine import SparkEngine

    return SparkEngine(work)


# --------------------------------------------------------------------------- the reader


@dataclass(frozen=True)
class ReadOptions:
    """What :func:`~coprod.io.read_complaints` settled before reading the file."""

    columns: Mapping[str, str | None] | None
    labels: Mapping[str, tuple[Mapping[str, str | None], Sequence[str]]]
    levels: tuple[str, ...]
    keep: Sequence[str]
    keep_personal: bool
    encoding: str | None
    header_rows: int
    skip_rows: int
    date_options: Any
    today: pd.Timestamp
    as_of_given: bool


def read_out_of_core(
    path: Path,
    options: ReadOptions,
    *,
    engine: str,
    store: str | Path | None,
    fallback: Callable[[str], Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Any:
    """Read one complaint-log file out of core (see the module docstring).

    ``fallback(reason)`` is called (and its result returned) when the file is one this
    reader cannot take exactly; without it that is an :class:`InputError`. ``progress``
    receives a line of text at each step of a long load.
    """
    from coprod.io.stored import StoredLoadResult

    path = Path(path)
    fmt = _format_of(path)
    try:
        if fmt is None:
            raise _Unsupported("it reads one .csv or .parquet file")
        _check_options(options)
        from coprod.io.raw import check_file

        check_file(path)
        temporary = store is None
        folder = Path(tempfile.mkdtemp(prefix="coprod-")) if temporary else Path(store)
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="work-", dir=folder))
        eng = _engine(engine, work)
        try:
            done = _Pipeline(path, fmt, options, eng, folder, work, progress).run()
        finally:
            eng.close()
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    except _Unsupported as why:
        if fallback is not None:
            return fallback(str(why))
        raise InputError(
            f"the {engine} engine cannot read this file exactly: {why}",
            file=path,
            fix="pass engine='pandas' to read it in memory (or engine='auto', which does so)",
        ) from None
    result = StoredLoadResult(folder=folder, engine=engine, temporary=temporary, **done)
    warn_if_quarantined(result, stacklevel=3)
    return result


def _check_options(options: ReadOptions) -> None:
    if options.header_rows != 1:
        raise _Unsupported("it has more than one header row")
    if options.skip_rows:
        raise _Unsupported("it has title rows above the header (skip_rows=)")
    if options.encoding is not None and options.encoding.lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
        "utf-8-sig",
        "ascii",
    ):
        raise _Unsupported(f"it reads UTF-8 text only, not {options.encoding}")


class _Pipeline:
    """One load, in three passes over the rows: (A) count each checked column's distinct
    values (and the duplicated ids); (B) keep the rows with a problem; (C) write the
    clean rows. Between A and B the value rules run in Python on the distinct values."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        options: ReadOptions,
        eng: Any,
        folder: Path,
        work: Path,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.path, self.fmt, self.options, self.eng, self.folder = path, fmt, options, eng, folder
        self.work = work
        self.source = str(path)
        self.progress = progress or (lambda text: None)
        self.date_columns: set[str] = set()

    # ---- the file's layout

    def _header(self) -> tuple[list[str], str, list[str]]:
        """A CSV file's header cells, the delimiter and encoding, and notes; the rows are
        staged as the view ``raw`` (``_row``, ``c0`` ...)."""
        from coprod.io.raw import _guess_delimiter

        with open(self.path, "rb") as handle:
            head_bytes = handle.read(1 << 20)
        encoding = "utf-8"
        if head_bytes.startswith(b"\xef\xbb\xbf"):
            encoding, head_bytes = "utf-8-sig", head_bytes[3:]
        elif head_bytes.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head_bytes:
            raise _Unsupported("it reads UTF-8 text only, and this file is UTF-16")
        line_end = re.search(rb"[\r\n]", head_bytes)
        if line_end is None:
            raise _Unsupported("its first line is longer than 1 MiB, or it has no data rows")
        try:
            first_line = head_bytes[: line_end.start()].decode("utf-8")
        except UnicodeDecodeError:
            raise _Unsupported("it reads UTF-8 text only") from None
        head = head_bytes.decode("utf-8", errors="ignore")
        if not first_line.strip():
            raise _Unsupported("it has blank rows before the header")
        notes: list[str] = []
        delimiter, note = _guess_delimiter(head, ".csv")
        if note:
            notes.append(note)
        header = next(csv.reader([first_line], delimiter=delimiter))
        if header != next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)):
            raise _Unsupported("a quoted header cell holds a line break")
        if not "".join(header).strip():
            raise _Unsupported("it has blank rows before the header")
        staged = self.work / "rows.parquet"
        filled = [j for j, name in enumerate(header) if name.strip()]
        notes += _stage_csv(
            self.path,
            staged,
            delimiter=delimiter,
            width=len(header),
            first_filled=filled[0] if len(filled) > 1 else None,
            progress=self.progress,
        )
        self.eng.stage_rows(staged)
        return header, encoding, notes

    def _trimmed(self, staged: str, table: str | None = None) -> str:
        """A staged column without surrounding whitespace (as the in-memory reader trims):
        the staging holds the trimmed text where it differs (``t0`` ...)."""
        cell = staged if table is None else f"{table}.{staged}"
        trimmed = "t" + staged[1:]
        return f"coalesce({trimmed if table is None else f'{table}.{trimmed}'}, {cell})"

    # ---- the load

    def run(self) -> dict[str, Any]:
        from coprod.io.complaint_log import NO_ID_NOTE, column_notes, complaint_columns
        from coprod.io.raw import RawTable, keep_named_columns, number_duplicate_names

        options, eng = self.options, self.eng
        self.progress(f"reading {self.path.name} ...")
        if self.fmt == "parquet":
            staged = self.work / "rows.parquet"
            header, dates = _stage_parquet(self.path, staged, progress=self.progress)
            eng.stage_rows(staged)
            self.date_columns = {f"c{j}" for j in dates}
            encoding, raw_notes = None, []
        else:
            header, encoding, raw_notes = self._header()

        # the columns: named as the in-memory reader names them, found as it finds them
        names = [str(v).strip() for v in header]
        name_notes: list[str] = []
        if self.fmt == "csv":
            names[0] = names[0].lstrip("\ufeff").strip()
            unnamed = [j for j, name in enumerate(names) if not name]
            filled_in: dict[int, bool] = {}
            if unnamed:
                counts = eng.arrow(
                    "SELECT "
                    + ", ".join(
                        f"count_if({self._trimmed(f'c{j}')} <> '') AS u{j}" for j in unnamed
                    )
                    + " FROM raw"
                ).to_pylist()[0]
                filled_in = {j: bool(counts[f"u{j}"]) for j in unnamed}
            keep_cols = keep_named_columns(names, lambda j: not filled_in[j], name_notes)
            file_columns = number_duplicate_names([names[j] for j in keep_cols], name_notes)
        else:
            keep_cols = list(range(len(names)))
            file_columns = names
        column_of = {name: f"c{j}" for name, j in zip(file_columns, keep_cols, strict=True)}
        head = eng.arrow(f"SELECT * FROM raw ORDER BY _row LIMIT {_HEAD_ROWS}").to_pandas()
        frame = _head_frame(head, file_columns, [column_of[c] for c in file_columns])
        raw = RawTable(
            frame=frame,
            path=self.path,
            encoding=encoding,
            first_data_row=2 if self.fmt == "csv" else 1,
            format=self.fmt,
            header_rows=1 if self.fmt == "csv" else 0,
        )
        layout = complaint_columns(
            raw, options.columns, options.keep, keep_personal=options.keep_personal
        )
        found, ids_from_rows, kept = layout.found, layout.ids_from_rows, layout.kept
        source_columns = layout.source_columns
        labelled = [f for f in source_columns if f in options.labels]
        dated = [f for f in _DATE_FIELDS if f in source_columns]
        derived = [
            c
            for c in file_columns
            if label_key(c).replace(" ", "_") == "days_to_close"
            and c not in found.values()
            and c not in kept
        ]
        given_days = column_of[derived[0]] if derived and "closed" in dated else None

        # pass A: distinct values, duplicated ids, and whether the table needs cutting
        counted = self._distinct_values(
            id_col=None if ids_from_rows else column_of[found["complaint_id"]],
            label_cols={f: column_of[source_columns[f]] for f in labelled},
            given_days=given_days,
        )
        total = counted["total"]
        n_read = int(total["n"])
        raw_notes += name_notes
        if self.fmt == "csv" and n_read == 0:
            raw_notes.append("the file has a header but no data rows")
        notes = list(raw_notes)
        if ids_from_rows:
            notes.append(NO_ID_NOTE)
        self.progress(f"checking {n_read:,} rows ...")

        # the value rules, in Python, on the distinct values
        field_notes: dict[str, list[str]] = {f: [] for f in source_columns}
        for fld in labelled:
            self._labels(fld, counted["labels"][fld], field_notes[fld])
        self.staged_of = {f: column_of[source_columns[f]] for f in dated}
        self.given_days = given_days
        date_info = self._dates(
            {f: (source_columns[f], column_of[source_columns[f]]) for f in dated}, field_notes
        )
        n_open, days_note = (
            self._closing_counts(counted["given"]) if "closed" in dated else (0, None)
        )
        dup_ids = counted["dups"]
        eng.put("dup_ids", dup_ids)

        # the row rules, in the engine
        checked, problems = self._checked_sql(source_columns, column_of, kept, dated, date_info)
        # (a comparison with a missing date is NULL: no problem, and not a clean row either
        # unless made false)
        any_problem = " OR ".join(f"coalesce({cond}, false)" for _, cond, _ in problems) or "false"
        if not ids_from_rows:
            any_problem += " OR f_complaint_id IN (SELECT id FROM dup_ids)"
        self.progress("finding the rows with problems ...")
        eng.run(f"CREATE TABLE bad AS SELECT * FROM ({checked}) WHERE {any_problem}")
        if "closed" in dated:
            (before,) = [cond for seq, cond, _ in problems if seq == 300]
            self._before_reasons(before, {f: date_info[f]["order"] for f in dated})
        branches = [
            f"SELECT _row, {seq} AS seq, {_sql_text(col)} AS col, {value} AS value, "
            f"{problem} AS problem, {reason} AS reason FROM bad WHERE {cond}"
            for seq, cond, (col, value, problem, reason) in ((p[0], p[1], p[2]) for p in problems)
        ]
        eng.run(
            "CREATE TABLE problems AS "
            + " UNION ALL ".join(
                branches
                or [
                    "SELECT CAST(0 AS BIGINT) AS _row, 0 AS seq, '' AS col, '' AS value, "
                    "'' AS problem, '' AS reason WHERE false"
                ]
            )
        )
        if not ids_from_rows and dup_ids.num_rows:
            self._duplicates(found["complaint_id"])

        # notes that count rows
        for fld in source_columns:
            notes.extend(field_notes[fld])
        notes.extend(
            column_notes(
                found,
                file_columns,
                kept,
                keep_personal=options.keep_personal,
                n_open=n_open,
                days_note=days_note,
            )
        )

        # pass C: the clean rows
        self.progress("writing clean rows and quarantine ...")
        out: list[str] = ["c._row AS row"]
        if ids_from_rows:
            out.append("CAST(c._row AS VARCHAR) AS complaint_id")
        levels: dict[str, tuple[str, ...]] = {}
        for fld in source_columns:
            if fld in options.labels:
                out.append(f"c.f_{fld} AS {fld}")
                levels[fld] = tuple(options.labels[fld][1])
            elif fld in dated:
                out.append(f"{eng.timestamp(f'c.ns_{fld}')} AS {fld}")
                if fld == "closed":
                    out.append(
                        "CAST(c.ns_closed - c.ns_received AS DOUBLE) / 86400000000000.0 "
                        "AS days_to_close"
                    )
            else:
                out.append(f"CASE WHEN c.f_{fld} = '' THEN NULL ELSE c.f_{fld} END AS {fld}")
        for k, col in enumerate(kept):
            quoted = '"' + col.replace('"', '""') + '"'
            out.append(f"CASE WHEN c.keep_blank_{k} THEN NULL ELSE c.keep_{k} END AS {quoted}")
        eng.write_parquet(
            "SELECT " + ", ".join(out) + f" FROM ({checked}) c WHERE NOT ({any_problem})",
            self.folder / "data.parquet",
        )
        self._write_quarantine()
        n_quarantined = int(eng.scalar("SELECT count(*) FROM bad"))
        attrs = layout.data_attrs(
            self.source,
            date_settings=options.date_options,
            evidence=[o for f in dated for o in date_info[f]["evidence"]],
            ambiguous=any(date_info[f]["ambiguous"] for f in dated),
            levels=options.levels,
        )
        self.progress(f"done: {n_read:,} rows read, {n_quarantined:,} quarantined")
        return {
            "n_read": n_read,
            "n_loaded": n_read - n_quarantined,
            "n_quarantined": n_quarantined,
            "source": self.source,
            "kind": "complaints",
            "encoding": encoding,
            "notes": tuple(notes),
            "levels": levels,
            "dates": tuple(dated),
            "attrs": attrs,
        }

    # ---- pass A

    def _distinct_values(
        self,
        *,
        id_col: str | None,
        label_cols: Mapping[str, str],
        given_days: str | None,
    ) -> dict[str, Any]:
        """One scan: the distinct values of each label column (and of the file's own
        days_to_close), the duplicated ids, and the row count (date columns: see _dates). Values come with their
        row count ``n`` and first row, in the order they first appear."""
        eng = self.eng
        sets: list[tuple[str, list[str]]] = []
        inner = ["_row"]
        if id_col is not None:
            inner.append(f"{self._trimmed(id_col)} AS id")
            sets.append(("dups", ["id"]))
        for fld, col in label_cols.items():
            inner.append(f"{col} AS l_{fld}")
            sets.append((fld, [f"l_{fld}"]))
        if given_days is not None:
            inner.append(f"{given_days} AS given")
            sets.append(("given", ["given"]))
        keys = [k for _, ks in sets for k in ks]
        flags = [f"grouping({', '.join(ks)}) AS g_{i}" for i, (_, ks) in enumerate(sets)]
        grouping = ", ".join(f"({', '.join(ks)})" for _, ks in sets)
        counts = ["count(*) AS n", "min(_row) AS first_row"]
        query = (
            f"SELECT {', '.join([*flags, *keys, *counts])} "
            f"FROM (SELECT {', '.join(inner)} FROM raw) "
            f"GROUP BY GROUPING SETS ({grouping + ', ' if grouping else ''}())"
        )
        if id_col is not None:  # only the ids on two or more rows
            query = f"SELECT * FROM ({query}) WHERE NOT (g_0 = 0 AND (n < 2 OR id = ''))"
        try:
            table = eng.arrow(query)
        except eng.error as exc:
            text = str(exc)
            if "nicode" in text or "UTF" in text:
                raise _Unsupported("it reads UTF-8 text only") from None
            raise _Unsupported(
                "some rows have more or fewer cells than the header, or it cannot be parsed "
                "as one table"
            ) from None
        import pyarrow as pa

        flags = {i: np.asarray(table.column(f"g_{i}").to_numpy()) for i in range(len(sets))}
        every = np.ones(table.num_rows, dtype=bool)
        for flag in flags.values():
            every &= flag != 0
        total = np.flatnonzero(every)
        out: dict[str, Any] = {
            "total": {"n": int(table.column("n")[int(total[0])].as_py()) if len(total) else 0},
            "labels": {},
            "given": None,
        }
        for i, (name, ks) in enumerate(sets):
            part = table.filter(pa.array(flags[i] == 0))
            part = part.sort_by([("first_row", "ascending")])
            if name == "dups":
                out["dups"] = pa.table({"id": part.column("id")})
            elif name == "given":
                out["given"] = part.select([ks[0], "n"]).rename_columns(["value", "n"])
            else:
                out["labels"][name] = part.select([ks[0], "n", "first_row"]).rename_columns(
                    ["value", "n", "first_row"]
                )
        out.setdefault("dups", pa.table({"id": pa.array([], type=pa.string())}))
        return out

    # ---- value rules

    def _labels(self, fld: str, distinct: Any, notes: list[str]) -> None:
        import pyarrow as pa

        from coprod.io.complaint_log import read_distinct_labels

        lookup, categories = self.options.labels[fld]
        values = distinct.column("value").to_pylist()
        counts = np.asarray(distinct.column("n").to_numpy(), dtype=np.int64)
        codes, reasons, kinds, used, n_blank = read_distinct_labels(
            fld, values, counts, lookup, categories
        )
        if used:
            notes.append(f"{fld} labels read as: " + ", ".join(used))
        if fld == "severity" and n_blank:
            notes.append(f"severity is blank in {plural(n_blank, 'row')} (kept, as missing)")
        level = [categories[c] if c >= 0 else None for c in codes.tolist()]
        self.eng.put(
            f"labels_{fld}",
            pa.table(
                {
                    "value": pa.array(values, type=pa.string()),
                    "level": pa.array(level, type=pa.string()),
                    "reason": pa.array(reasons, type=pa.string()),
                    "kind": pa.array(kinds, type=pa.string()),
                }
            ),
        )

    def _dates(
        self, dated: Mapping[str, tuple[str, str]], notes: dict[str, list[str]]
    ) -> dict[str, Any]:
        """Scan each date column's distinct values, decide their order (both columns
        together, as the in-memory reader does) and put one lookup table per column.

        A column with more than :data:`DATE_CHUNK` distinct values (dates with times to
        the second have nearly one per row) is read in chunks, in row order, twice: first
        to decide the order from each chunk's
        :meth:`~coprod.io.dates.DateScan.representatives`, then to finish each chunk in
        it, so memory holds one chunk, whatever the size of the log."""
        from coprod.io.dates import count_notes, decide_orders, finish_scan

        out: dict[str, Any] = {}
        if not dated:
            return out
        eng, settings = self.eng, self.options.date_options
        allow = {"received": False, "closed": True}
        sizes = {}
        for fld, (_, staged) in dated.items():
            eng.run(
                f"CREATE TABLE distinct_{fld} AS SELECT {staged} AS value, count(*) AS n, "
                f"min(_row) AS first_row FROM raw GROUP BY {staged}"
            )
            sizes[fld] = int(eng.scalar(f"SELECT count(*) FROM distinct_{fld}"))

        def chunks(fld: str, rows: int) -> Any:
            return eng.batches(
                f"SELECT value, n, first_row FROM distinct_{fld} ORDER BY first_row", rows
            )

        if max(sizes.values()) <= DATE_CHUNK:  # at once
            tables = {fld: eng.arrow(f"SELECT * FROM distinct_{fld} ORDER BY first_row")
                      for fld in dated}  # fmt: skip
            scans = {fld: self._scan(fld, dated[fld], tables[fld]) for fld in dated}
            orders, decided = decide_orders(scans, settings, file=self.source)
            for fld in dated:
                counts: list = []
                got = finish_scan(
                    scans[fld], orders.get(fld), settings, allow_missing=allow[fld], counts=counts
                )
                self._put_dates(fld, dated[fld], tables[fld].column("value"), got, append=False)
                notes[fld] += [*decided[fld], *count_notes(counts)]
                out[fld] = self._date_facts(scans[fld], got)
            return out
        # in chunks: the representatives of every chunk decide the order
        self.progress("deciding the day/month order of the dates, in chunks ...")
        import pyarrow as pa

        picked = {}
        for fld in dated:
            parts = []
            for batch in chunks(fld, DATE_CHUNK):
                table = pa.Table.from_batches([batch])
                scan = self._scan(fld, dated[fld], table)
                parts.append(table.take(pa.array(scan.representatives())))
            picked[fld] = pa.concat_tables(parts)
        deciding = {fld: self._scan(fld, dated[fld], picked[fld]) for fld in dated}
        orders, decided = decide_orders(deciding, settings, file=self.source)
        for fld in dated:
            counts = []
            timed = False
            for k, batch in enumerate(chunks(fld, DATE_CHUNK)):
                table = pa.Table.from_batches([batch])
                scan = self._scan(fld, dated[fld], table)
                got = finish_scan(
                    scan, orders.get(fld), settings, allow_missing=allow[fld], counts=counts
                )
                self._put_dates(fld, dated[fld], table.column("value"), got, append=k > 0)
                timed = timed or got.timed
            notes[fld] += [*decided[fld], *count_notes(counts)]
            out[fld] = {**self._date_facts(deciding[fld], got), "timed": timed}
        return out

    def _scan(self, fld: str, where: tuple[str, str], table: Any) -> Any:
        """Scan distinct values (``table``: value, n, first_row) of a date column."""
        from coprod.io.dates import scan_dates

        col, staged = where
        values: Any = table.column("value").combine_chunks()
        if staged in self.date_columns:  # stored as dates (Parquet)
            values = pd.Series(values.to_pandas(), dtype="datetime64[ns]")
        return scan_dates(
            values,
            self.options.date_options,
            column=col,
            rows=np.asarray(table.column("first_row").to_numpy(), dtype=np.int64),
            weights=np.asarray(table.column("n").to_numpy(), dtype=np.int64),
        )

    @staticmethod
    def _date_facts(scan: Any, got: Any) -> dict[str, Any]:
        return {
            "timed": got.timed,
            "order": got.order,
            "evidence": tuple(scan.evidence),
            "ambiguous": scan.ambiguous,
        }

    def _put_dates(
        self, fld: str, where: tuple[str, str], values: Any, got: Any, *, append: bool
    ) -> None:
        """The lookup table of a date column's distinct values (or a chunk of them)."""
        import pyarrow as pa

        from coprod.io.complaint_log import _show_dates
        from coprod.io.parse import as_text

        today = self.options.today
        tomorrow = (today + pd.Timedelta(days=1)).value
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        ns = got.ns
        ok = ns != _NAT
        reason = np.full(len(ns), None, dtype=object)
        kind = np.full(len(ns), None, dtype=object)
        reason[got.bad] = got.reason_array.to_pylist()
        kind[got.bad] = got.kind_array.to_pylist()
        future = np.full(len(ns), None, dtype=object)
        late = np.flatnonzero(ns >= tomorrow)
        if len(late):
            (when,) = _show_dates(np.array([today.value]), got.order)
            when = f"today is {when}" if not self.options.as_of_given else f"as of {when}"
            future[late] = [
                f"{fld} {text} is in the future ({when}): check the date, especially the year"
                for text in _show_dates(ns[late], got.order)
            ]
        day = np.where(ok, ns // _NS_PER_DAY, 0)
        stored = where[1] in self.date_columns
        self.eng.put(
            f"dates_{fld}",
            pa.table(
                {
                    "value": values,
                    "ns": pa.array(ns, mask=~ok, type=pa.int64()),
                    "day": pa.array(day, mask=~ok, type=pa.int64()),
                    "clocked": pa.array(ok & (ns != day * _NS_PER_DAY)),
                    "reason": pa.array(reason.tolist(), type=pa.string()),
                    "kind": pa.array(kind.tolist(), type=pa.string()),
                    "future": pa.array(future.tolist(), type=pa.string()),
                    # stored dates, as the quarantine shows them
                    "cell": pa.array(
                        [as_text(v) for v in values.to_pylist()] if stored else [None] * len(ns),
                        type=pa.string(),
                    ),
                }
            ),
            append=append,
        )

    def _closing_counts(self, given: Any) -> tuple[int, Any]:
        """Open complaints (a received date, no closed date), and the note on the file's
        own days_to_close (``given``: its distinct values), counted over every row."""
        import pyarrow as pa

        from coprod.io.complaint_log import days_to_close_text

        ours = "CAST(c.ns - r.ns AS DOUBLE) / 86400000000000.0"
        parts = ["count_if(r.ns IS NOT NULL AND c.ns IS NULL) AS n_open"]
        joins = [
            f"LEFT JOIN dates_received r ON {self._date_match('received')}",
            f"LEFT JOIN dates_closed c ON {self._date_match('closed')}",
        ]
        if given is not None:
            values = pd.Series(given.column("value").to_pylist(), dtype=object)
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            self.eng.put(
                "given_days",
                pa.table({"value": given.column("value"), "number": pa.array(numbers)}),
            )
            joins.append(f"LEFT JOIN given_days g ON s.{self.given_days} = g.value")
            both = "NOT isnan(g.number) AND r.ns IS NOT NULL AND c.ns IS NOT NULL"
            parts += [
                f"count_if({both}) AS n_both",
                f"count_if({both} AND abs(g.number - {ours}) <= 1e-08 + 1e-05 * abs({ours})) "
                "AS n_agree",
            ]
        counted = self.eng.arrow(
            f"SELECT {', '.join(parts)} FROM raw s {' '.join(joins)}"
        ).to_pylist()[0]
        note = None
        if given is not None:
            agree, n_both = int(counted["n_agree"]), int(counted["n_both"])
            note = lambda c: days_to_close_text(c, agree=agree, both=n_both)  # noqa: E731
        return int(counted["n_open"]), note

    def _date_match(self, fld: str) -> str:
        staged = self.staged_of[fld]
        # stored dates may be missing (NULL): matched to the lookup's NULL
        same = "IS NOT DISTINCT FROM" if staged in self.date_columns else "="
        return f"s.{staged} {same} {'r' if fld == 'received' else 'c'}.value"

    def _before_reasons(self, before: str, orders: Mapping[str, str | None]) -> None:
        """The reasons of the rows closed before they were received (few): the dates as
        each column writes them, as the in-memory reader says it."""
        import pyarrow as pa

        from coprod.io.complaint_log import _show_dates

        rows = self.eng.arrow(f"SELECT _row, ns_received, ns_closed FROM bad WHERE {before}")
        received = np.asarray(rows.column("ns_received").to_numpy(), dtype=np.int64)
        closed = np.asarray(rows.column("ns_closed").to_numpy(), dtype=np.int64)
        reasons = [
            f"closed {c} is before received {r}: check both dates"
            for c, r in zip(
                _show_dates(closed, orders["closed"]),
                _show_dates(received, orders["received"]),
                strict=True,
            )
        ]
        self.eng.put(
            "before_reasons",
            pa.table({"_row": rows.column("_row"), "reason": pa.array(reasons, type=pa.string())}),
        )

    # ---- pass B

    def _checked_sql(
        self,
        source_columns: Mapping[str, str],
        column_of: Mapping[str, str],
        kept: Sequence[str],
        dated: Sequence[str],
        date_info: Mapping[str, Any],
    ) -> tuple[str, list[tuple[int, str, tuple[str, str, str, str]]]]:
        """The rows joined with the lookup tables (a query), and each problem as
        (order, condition, (column, value, kind, reason) expressions)."""
        options = self.options
        select = ["r._row AS _row"]
        joins = []
        problems: list[tuple[int, str, tuple[str, str, str, str]]] = []
        for seq, (fld, col) in enumerate(source_columns.items()):
            cell = f"r.{column_of[col]}"
            if column_of[col] in self.date_columns:  # stored dates, as the quarantine shows them
                select.append(f"dates_{fld}.cell AS v_{fld}")
            else:
                select.append(f"{cell} AS v_{fld}")
            if fld in options.labels:
                t = f"labels_{fld}"
                joins.append(f"LEFT JOIN {t} ON {cell} = {t}.value")
                select += [
                    f"{t}.level AS f_{fld}",
                    f"{t}.reason AS p_{fld}",
                    f"{t}.kind AS k_{fld}",
                ]
                problems.append(
                    (seq, f"p_{fld} IS NOT NULL", (col, f"v_{fld}", f"k_{fld}", f"p_{fld}"))
                )
            elif fld in dated:
                t = f"dates_{fld}"
                # stored dates may be missing (NULL): matched to the lookup's NULL
                same = "IS NOT DISTINCT FROM" if column_of[col] in self.date_columns else "="
                joins.append(f"LEFT JOIN {t} ON {cell} {same} {t}.value")
                select += [
                    f"{t}.{c} AS {c}_{fld}"
                    for c in ("ns", "day", "clocked", "reason", "kind", "future")
                ]
                problems.append(
                    (
                        seq,
                        f"reason_{fld} IS NOT NULL",
                        (col, f"v_{fld}", f"kind_{fld}", f"reason_{fld}"),
                    )
                )
            else:
                select.append(f"{self._trimmed(column_of[col], 'r')} AS f_{fld}")
                if COMPLAINT_LOG.field(fld).required:
                    reason = f"{fld} is blank but required: fill it in (or remove the row)"
                    problems.append(
                        (
                            seq,
                            f"f_{fld} = ''",
                            (col, f"v_{fld}", "'blank but required'", _sql_text(reason)),
                        )
                    )
        for k, col in enumerate(kept):
            select.append(f"r.{column_of[col]} AS keep_{k}")
            select.append(f"{self._trimmed(column_of[col], 'r')} = '' AS keep_blank_{k}")
        for k, fld in enumerate(dated):
            problems.append(
                (
                    200 + k,
                    f"future_{fld} IS NOT NULL",
                    (source_columns[fld], f"v_{fld}", "'dates in the future'", f"future_{fld}"),
                )
            )
        if "closed" in dated:
            if not (date_info["received"]["timed"] or date_info["closed"]["timed"]):
                before = "ns_closed < ns_received"
            else:  # by date, or by time when both have one
                before = (
                    "(day_closed < day_received OR (clocked_closed AND clocked_received "
                    "AND ns_closed < ns_received))"
                )
            # (written in Python for these few rows: see _before_reasons)
            reason = "(SELECT max(br.reason) FROM before_reasons br WHERE br._row = bad._row)"
            problems.append(
                (
                    300,
                    before,
                    (source_columns["closed"], "v_closed", "'closed before received'", reason),
                )
            )
        query = "SELECT " + ", ".join(select) + " FROM raw r " + " ".join(joins)
        return query, problems

    def _write_quarantine(self) -> None:
        """The problems, in row order, with each cell shown as the in-memory quarantine
        shows it (the same function: blank if only spaces), written a batch at a time."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from coprod.io.result import QUARANTINE_COLUMNS, _shown_values

        text = pa.large_string()
        schema = pa.schema([(c, pa.int64() if c == "row" else text) for c in QUARANTINE_COLUMNS])
        query = "SELECT _row, col, value, problem, reason FROM problems ORDER BY _row, seq"
        with pq.ParquetWriter(self.folder / "quarantine.parquet", schema) as writer:
            for batch in self.eng.batches(query):
                n = batch.num_rows
                writer.write_batch(
                    pa.RecordBatch.from_arrays(
                        [
                            pa.array([self.source], type=text).take(
                                pa.array(np.zeros(n, np.int64))
                            ),
                            batch.column(0).cast(pa.int64()),
                            batch.column(1).cast(text),
                            _shown_values(batch.column(2)),
                            batch.column(3).cast(text),
                            batch.column(4).cast(text),
                        ],
                        schema=schema,
                    )
                )

    def _duplicates(self, column: str) -> None:
        """Every copy of an id on more than one row, described as the in-memory reader does."""
        import pyarrow as pa

        from coprod.io.validate import duplicate_key_problems

        dups = self.eng.arrow(
            "SELECT f_complaint_id AS id, _row FROM bad WHERE f_complaint_id IN "
            "(SELECT id FROM dup_ids) ORDER BY _row"
        )
        subset = pd.DataFrame(
            {"complaint_id": dups.column("id").to_pylist()},
            index=dups.column("_row").to_numpy(),
        )
        found = duplicate_key_problems(
            subset, ["complaint_id"], column_names={"complaint_id": column}
        )
        self.eng.put(
            "duplicates",
            pa.table(
                {
                    "_row": pa.array([p.row for p in found], type=pa.int64()),
                    "seq": pa.array([100] * len(found), type=pa.int32()),
                    "col": pa.array([p.column for p in found], type=pa.string()),
                    "value": pa.array([str(p.value) for p in found], type=pa.string()),
                    "problem": pa.array([p.problem for p in found], type=pa.string()),
                    "reason": pa.array([p.reason for p in found], type=pa.string()),
                }
            ),
        )
        self.eng.run("INSERT INTO problems SELECT * FROM duplicates")


def _stage_csv(
    path: Path,
    staged: Path,
    *,
    delimiter: str,
    width: int,
    first_filled: int | None,
    progress: Callable[[str], None],
    every: float = 5.0,
) -> list[str]:
    """Parse a CSV's rows after the header with pyarrow, streaming (the in-memory fast
    reader's parser, options and rules, so the rows and cells are exactly its own), into a
    Parquet file: ``_row`` (numbered as a spreadsheet does: header = row 1), the cells as
    text (``c0`` ...) and, where trimming changes a cell, the trimmed text (``t0`` ...,
    else null). Completely blank rows are left out, and so are notes below the table
    (``first_filled``: the first named column, None for a table of one named column);
    returns the notes saying so. ``progress`` hears rows parsed, the rate and the time
    left about every ``every`` seconds. Memory: a few blocks of the file, and the last
    65,536 rows, held back until the end of the table is known."""

    import pyarrow as pa
    import pyarrow.csv as pacsv

    from coprod.io._fast_csv import blank_cells, csv_options, tail_rows
    from coprod.io.raw import _blank_rows_note, _cell_text, _notes_below_note, _notes_start

    keys = [f"c{j}" for j in range(width)]
    schema = pa.schema(
        [("_row", pa.int64())]
        + [(k, pa.large_string()) for k in keys]
        + [(f"t{j}", pa.large_string()) for j in range(width)]
    )
    blank_rows: list[int] = []
    last_written = [0]  # the last row written (for the blank-rows note)
    size = path.stat().st_size

    def blank_mask(table: Any) -> np.ndarray:
        candidates = np.flatnonzero(blank_cells(table.column(0))) if width else np.arange(0)
        for j in range(1, width):
            if not len(candidates):
                break
            column = table.column(j).take(pa.array(candidates))
            candidates = candidates[blank_cells(column)]
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[candidates] = True
        return mask

    def write(table: Any, rows: np.ndarray) -> None:
        """The rows that are not blank, to write (noting those that are)."""
        if not table.num_rows:
            return None
        blank = blank_mask(table)
        if blank.any():
            blank_rows.extend(rows[blank].tolist())
            table, rows = table.filter(pa.array(~blank)), rows[~blank]
        if len(rows):
            last_written[0] = int(rows[-1])
        columns = [table.column(j).combine_chunks() for j in range(width)]
        trimmed = [_trimmed_where_different(cells) for cells in columns]
        return pa.RecordBatch.from_arrays([pa.array(rows), *columns, *trimmed], schema=schema)

    try:
        parse_options, convert_options = csv_options(delimiter, keys, newlines_in_values=True)
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=keys, block_size=16 << 20),
            parse_options=parse_options,
            convert_options=convert_options,
        )
        n = 0
        bytes_per_row = None
        held: list[Any] = []  # the last rows, until the end of the table is known
        held_rows = 0
        rate = _Rate(progress, every, lambda n: f"{n:,} rows parsed")
        with _StagedWriter(staged, schema) as staging:
            for batch in reader:
                if bytes_per_row is None and batch.num_rows:
                    bytes_per_row = batch.nbytes / batch.num_rows
                held.append(batch)
                held_rows += batch.num_rows
                n += batch.num_rows
                while held and held_rows - held[0].num_rows >= _TAIL_ROWS:
                    first = held.pop(0)
                    held_rows -= first.num_rows
                    lo = n - held_rows - first.num_rows + 2
                    staging.submit(
                        write,
                        pa.Table.from_batches([first]),
                        np.arange(lo, lo + first.num_rows, dtype=np.int64),
                    )
                if bytes_per_row:
                    rate.tick(n, size / bytes_per_row)
            tail = pa.Table.from_batches(held, schema=reader.schema) if held else None
            notes_below = None
            if tail is not None and tail.num_rows:
                lo = n - tail.num_rows + 2
                tail_numbers = np.arange(lo, lo + tail.num_rows, dtype=np.int64)
                if first_filled is not None:
                    tail = tail.combine_chunks()
                    offset, tail_blank, tail_note = tail_rows(tail, first_filled)
                    gap = _notes_start(tail_blank.tolist(), tail_note.tolist())
                    if gap is not None:
                        if offset == 0 and n > tail.num_rows:
                            raise _Unsupported("more than 65,536 rows at its end are notes")
                        cut = offset + gap
                        below = [cut + i for i in np.flatnonzero(~tail_blank[gap:]).tolist()]
                        texts = []
                        for pos in below:
                            cells = [
                                v for v in tail.slice(pos, 1).to_pylist()[0].values() if v.strip()
                            ]
                            texts.append(_cell_text(cells[0]))
                        notes_below = _notes_below_note(
                            tail_numbers[below].tolist(), int(tail_numbers[0]) + cut, texts
                        )
                        tail, tail_numbers = tail.slice(0, cut), tail_numbers[:cut]
                staging.submit(write, tail, tail_numbers)
    except pa.ArrowInvalid as exc:
        # never show pyarrow's message: it quotes a row, which may hold personal data
        if "utf8" in str(exc).lower():
            raise _Unsupported("it reads UTF-8 text only") from None
        if "Expected" in str(exc) and "columns" in str(exc):
            raise _Unsupported("some rows have more or fewer cells than the header") from None
        raise _Unsupported(f"the fast reader could not parse it ({type(exc).__name__})") from None
    notes: list[str] = []
    if blank_rows:
        notes.extend(_blank_rows_note(blank_rows, last_written[0]))
    if notes_below:
        notes.append(notes_below)
    return notes


class _StagedWriter:
    """A Parquet file written block by block in a second thread, in order, while the
    caller reads the next block (pyarrow releases the GIL in both); at most two blocks
    wait. ``submit(make, *args)`` runs ``make(*args)`` there and writes the record batch
    it returns (None: nothing)."""

    def __init__(self, path: Path, schema: Any) -> None:
        self.path, self.schema = path, schema

    def __enter__(self) -> _StagedWriter:
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(self.path, self.schema, compression="lz4")
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Any = deque()
        return self

    def _write(self, make: Callable[..., Any], *args: Any) -> None:
        batch = make(*args)
        if batch is not None:
            self.writer.write_batch(batch)

    def submit(self, make: Callable[..., Any], *args: Any) -> None:
        self.pending.append(self.pool.submit(self._write, make, *args))
        while len(self.pending) > 2:
            self.pending.popleft().result()

    def __exit__(self, *exc: Any) -> None:
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.shutdown()
            self.writer.close()


class _Rate:
    """Progress of a long staging: rows so far, their rate and the time left, about
    every ``every`` seconds."""

    def __init__(
        self, progress: Callable[[str], None], every: float, counted: Callable[[int], str]
    ) -> None:
        import time

        self.progress, self.every, self.counted = progress, every, counted
        self.clock = time.monotonic
        self.start = self.last = self.clock()

    def tick(self, n: int, expected: float) -> None:
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        rate = n / (now - self.start) if now > self.start else 0.0
        left = max(0.0, (expected - n) / rate) if rate else 0.0
        self.progress(f"  {self.counted(n)} ({rate:,.0f} rows/s), about {left:,.0f} s left")


def _trimmed_where_different(cells: Any, stripped: Any = None) -> Any:
    """The trimmed text of a staged text column where trimming changes it, else null
    (mostly nulls: small in Parquet), trimmed as the in-memory reader trims (``stripped``:
    that trim, when already made)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from coprod.io.complaint_log import _trim as trim_cells

    if stripped is None:
        stripped, _ = trim_cells(cells)
    if stripped is cells:
        return pa.nulls(len(cells), pa.large_string())
    same = pc.equal(stripped, cells)
    if pc.all(same).as_py():
        return pa.nulls(len(cells), pa.large_string())
    return pc.if_else(same, pa.scalar(None, pa.large_string()), stripped)


def _stage_parquet(
    path: Path, staged: Path, *, progress: Callable[[str], None], every: float = 5.0
) -> tuple[list[str], list[int]]:
    """Stage a Parquet file's rows (numbered 1, 2, ... as the in-memory reader numbers
    them) as text columns (``c0`` ...: blanks as "", other values as :func:`as_text`
    writes them, each distinct value once) and trimmed text (``t0`` ...), dates kept as
    dates; returns the column names and the positions of the date columns. Read through
    pyarrow, a row group at a time."""

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from coprod.io.complaint_log import _trim as trim_cells
    from coprod.io.parse import as_text

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError):
        raise InputError(
            "could not read the Parquet file",
            file=path,
            fix="check the file is complete; re-export it",
        ) from None
    fields = list(source.schema_arrow)
    names = [str(f.name) for f in fields]
    dates = [
        j for j, f in enumerate(fields) if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)
    ]
    text = pa.large_string()
    schema = pa.schema(
        [("_row", pa.int64())]
        + [(f"c{j}", pa.timestamp("ns") if j in dates else text) for j in range(len(fields))]
        + [(f"t{j}", text) for j in range(len(fields))]
    )

    def as_cells(column: Any) -> Any:
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            cells = column.cast(text).fill_null("")
        else:  # each distinct value as the in-memory reader shows it
            encoded = pc.dictionary_encode(column, null_encoding="encode")
            shown = pa.array(
                ["" if v is None else as_text(v) for v in encoded.dictionary.to_pylist()],
                type=text,
            )
            cells = shown.take(encoded.indices)
        # a cell of only spaces is blank, as the in-memory reader reads Parquet
        stripped, blank = trim_cells(cells)
        if stripped is cells or not blank.any():
            return cells, stripped
        cells = pc.if_else(pa.array(blank), pa.scalar("", text), cells)
        return cells, pc.if_else(pa.array(blank), pa.scalar("", text), stripped)

    def convert(batch: Any, rows: Any) -> Any:
        cells, trimmed = [], []
        for j in range(len(fields)):
            if j in dates:
                cells.append(batch.column(j).cast(pa.timestamp("ns")))
                trimmed.append(pa.nulls(batch.num_rows, text))
            else:
                c, stripped = as_cells(batch.column(j))
                cells.append(c)
                trimmed.append(_trimmed_where_different(c, stripped))
        return pa.RecordBatch.from_arrays([rows, *cells, *trimmed], schema=schema)

    total = source.metadata.num_rows
    n = 0
    rate = _Rate(progress, every, lambda n: f"{n:,} of {total:,} rows read")
    with _StagedWriter(staged, schema) as staging:
        for batch in source.iter_batches(batch_size=1 << 17):
            rows = pa.array(np.arange(n + 1, n + 1 + batch.num_rows, dtype=np.int64))
            staging.submit(convert, batch, rows)
            n += batch.num_rows
            rate.tick(n, total)
    return names, dates


def _head_frame(head: pd.DataFrame, names: Sequence[str], staged: Sequence[str]) -> pd.DataFrame:
    """The first rows as the in-memory reader's raw frame (for finding the columns)."""
    return pd.DataFrame(
        {
            name: head[col].map(lambda v: "" if v is None else v)
            for name, col in zip(names, staged, strict=True)
        },
        index=pd.Index(head["_row"].astype("int64"), name="row"),
        columns=list(names),
    )

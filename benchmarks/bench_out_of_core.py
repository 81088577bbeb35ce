"""Out-of-core complaint logs: ``read_complaints(engine="duckdb", store=...)`` next to DuckDB by hand.

    .venv/bin/python benchmarks/bench_out_of_core.py [--rows 1e6,10e6,40e6] [--full]
        [--parquet-rows 10e6] [--repeat 1] [--out DIR] [--only reference|ours]
        [--threads N] [--memory-limit 3GB]

Writes a seeded complaint log to a temporary folder IN CHUNKS of ``--chunk-rows``
(default 1,000,000) appended to one CSV, so the whole file is never in memory: the
same messy-but-mostly-valid content as ``bench_read_complaints.py`` (UK dates that
switch to ISO yyyy-mm-dd from 2023, labels in mixed case and spacing, stage and
outcome synonyms, quoted free text with commas and quotes), about 3% bad rows of
every kind the loader quarantines, ids unique across chunks except the planted
duplicates, dates within 2019-2024 (``as_of`` 31/12/2024). The folder is deleted
afterwards, also on error. Then, for each size, on the same file, in the same run:

* ours: ``read_complaints(path, columns={"complaint_id": "Complaint ID"},
  engine="duckdb", store=folder, as_of=...)`` (clean rows and quarantine to Parquet),
  then ``complaint_counts(result, freq="month", by="service")``;
* reference: DuckDB doing the same checks by hand in SQL (:func:`reference`):
  ``read_csv(all_varchar=true)``; blank required fields (service, id); unknown
  severity/stage/upheld labels after lower-casing and collapsing whitespace, with
  :data:`coprod.vocab.SEVERITY_LEVELS`, ``STAGE_SYNONYMS`` and ``UPHELD_SYNONYMS``;
  dates by ``try_strptime`` in the forms of the file (dd/mm/yyyy, yyyy-mm-dd; two-digit
  years refused); dates after ``as_of``; closed before received; duplicate ids
  (every copy); clean rows and the quarantine (row, column, value, reason) written
  to Parquet; monthly counts per service from the clean Parquet.

Each run is one fresh interpreter (imports not timed): its wall time, and its peak
resident set size (VmHWM in /proc/self/status) minus its resident size after the
imports (DuckDB's and pyarrow's allocations are not seen by tracemalloc). The median
time and largest peak of ``--repeat`` runs are shown; the two alternate. Both must
load and quarantine the same number of rows (a mismatch is printed as a FAILURE).

A Parquet case (``--parquet-rows``, default 10e6; 0 skips it) writes the same log as
Parquet (chunks through ``pyarrow.parquet.ParquetWriter``) and compares
``read_complaints(parquet_path, engine="duckdb", ...)`` with the same SQL on
``read_parquet``.

Targets: at 40M rows, ours <= 1.0x the reference (CSV) and <= 1.5x (Parquet); peak
memory < 4 GiB at every size. The curve (time and peak memory against rows, both, log
x) is saved by :func:`coprod.export.save_figure` under ``--out`` (default: a folder in
the system temp dir; the path is printed).

Sizes and disk: the CSV is about 110 MiB per million rows (the Parquet about 9 MiB);
each store is deleted after its run, and so is the log. ``--full`` adds 100M rows: a
10.7 GiB CSV plus the stores (keep 20 GiB free).

Measured on 2026-12-04 with ``--full`` (2 cores, 24 GiB; each engine on both cores;
ours with DuckDB's default 2 GB cap), one run:

=========== ======= ====== ====== ===== ======== ========
rows        format  ours s ref s  ratio ours GiB ref GiB
=========== ======= ====== ====== ===== ======== ========
1,000,000   csv       3.2    2.5  1.31    0.59     0.31
10,000,000  csv      14.8   22.3  0.66    1.04     0.96
40,000,000  csv      54.1   91.4  0.59    2.35     2.84
100,000,000 csv     132.5  223.0  0.59    2.35     7.27
10,000,000  parquet  13.6   10.6  1.28    1.22     0.79
=========== ======= ====== ====== ===== ======== ========

Ours has a fixed cost (staging, the Python value rules) that a 1M-row log
does not repay; from 10M rows it is faster, because it parses each distinct date and
label once and scans staged Parquet, not the CSV, three times. ``--only reference``
runs the reference half alone.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_read_complaints import (  # noqa: E402  (the same messy content)
    CATEGORIES,
    COUNCILS,
    DETAILS,
    KIB_SOURCE,
    KINDS,
    NAMES,
    SERVICES,
    SEVERITY,
    STAGE,
    UPHELD,
)

TARGET_RATIO = 1.0  # x the reference, CSV, at 40M rows
TARGET_PARQUET = 1.5  # x the reference, Parquet
TARGET_PEAK_GIB = 4.0
TARGET_AT_ROWS = 40_000_000
AS_OF = "2024-12-31"
SEED = 20250102
CHUNK_ROWS = 1_000_000
FIRST_DAY = np.datetime64("2019-01-01")
SPAN_DAYS = 5 * 365  # received 2019-01-01 .. 2023-12-31; closed up to 120 days later
ISO_FROM = np.datetime64("2023-01-01")  # the export switched to ISO in 2023
ID_COLUMN = "Complaint ID"
COLUMNS = (
    ID_COLUMN,
    "service",
    "council",
    "received",
    "category",
    "severity",
    "stage",
    "upheld",
    "closed",
    "complainant_name",
    "details",
)
#: Where each planted kind shows in the reference's quarantine: (column, reason).
KIND_PROBLEM = {
    "unknown severity": ("severity", "unknown label"),
    "two-digit year": ("received", "two-digit year"),
    "unknown stage": ("stage", "unknown label"),
    "unknown upheld": ("upheld", "unknown label"),
    "closed before received": ("closed", "closed before received"),
    "duplicate id": (ID_COLUMN, "duplicate id"),
    "missing service": ("service", "blank but required"),
    "future date": ("received", "in the future"),
    "unparseable date": ("received", "unparseable date"),
}


# --------------------------------------------------------------------------- the log, in chunks


def _csv_cell(value: str) -> str:
    """A cell as a minimal-quoting CSV writer writes it (pandas' to_csv)."""
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _day_texts() -> tuple[np.ndarray, np.ndarray]:
    """Every day that can occur, as received writes it (UK, ISO from 2023) and as
    closed writes it (UK)."""
    days = pd.DatetimeIndex(FIRST_DAY + np.arange(SPAN_DAYS + 130).astype("timedelta64[D]"))
    uk = np.asarray(days.strftime("%d/%m/%Y"), dtype=object)
    iso = np.asarray(days.strftime("%Y-%m-%d"), dtype=object)
    return np.where(days >= pd.Timestamp(ISO_FROM), iso, uk), uk


def log_chunks(
    rows: int, *, chunk_rows: int = CHUNK_ROWS, seed: int = SEED
) -> Iterator[tuple[dict[str, tuple[list[str], np.ndarray] | Any], dict[str, np.ndarray]]]:
    """The log ``chunk_rows`` at a time: ``(columns, planted)`` per chunk.

    ``columns`` holds, per column of :data:`COLUMNS`, ``(values, codes)`` (the cell is
    ``values[code]``) or, for the id, a pyarrow string array; ``planted`` the file rows
    (header = row 1) of each planted kind in the chunk. About 3% bad rows, a third of
    a per cent of each kind, on distinct rows (both copies of a duplicate id count).
    Chunk ``k`` covers the ``k``-th slice of the five years, so the log stays in order
    of receipt; each chunk has its own seed (``[seed, k]``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    received_texts, closed_texts = _day_texts()
    # planted values sit after the real ones in each column's list of values
    received_values = [*received_texts, "31/12/21", "28/02/2024", "01/01/2099", "last Tuesday"]
    closed_values = [*closed_texts, "", "01/02/2024"]
    n_days = len(received_texts)
    bad_received = {v: n_days + i for i, v in enumerate(received_values[n_days:])}
    open_code, early_close = n_days, n_days + 1

    for k, start in enumerate(range(0, rows, chunk_rows)):
        n = min(chunk_rows, rows - start)
        rng = np.random.default_rng([seed, k])
        pick = rng.integers
        lo = SPAN_DAYS * start // rows
        hi = max(lo + 1, SPAN_DAYS * (start + n) // rows)
        received = np.sort(pick(lo, hi, n))  # a log is in order of receipt
        closed = received + pick(0, 120, n)
        closed[rng.random(n) < 0.12] = open_code  # still open
        number = np.arange(start + 1, start + n + 1, dtype=np.int64)
        codes = {
            "service": pick(0, len(SERVICES), n),
            "council": pick(0, len(COUNCILS), n),
            "category": pick(0, len(CATEGORIES), n),
            "severity": pick(0, len(SEVERITY), n),
            "stage": pick(0, len(STAGE), n),
            "upheld": pick(0, len(UPHELD), n),
            "complainant_name": pick(0, len(NAMES), n),
            "details": pick(0, len(DETAILS), n),
        }
        values = {
            "service": [*SERVICES, ""],
            "council": list(COUNCILS),
            "category": list(CATEGORIES),
            "severity": [*SEVERITY, "Critical"],
            "stage": [*STAGE, "Stage 4"],
            "upheld": [*UPHELD, "pending"],
            "complainant_name": list(NAMES),
            "details": list(DETAILS),
        }
        chosen = rng.permutation(n)[: int(n * 0.03)]
        planted: dict[str, np.ndarray] = {}
        for kind, at in zip(KINDS, np.array_split(chosen, len(KINDS)), strict=True):
            planted[kind] = at
            if kind in ("unknown severity", "unknown stage", "unknown upheld", "missing service"):
                col = {"missing service": "service"}.get(kind, kind.split()[-1])
                codes[col][at] = len(values[col]) - 1
            elif kind == "two-digit year":
                received[at] = bad_received["31/12/21"]
            elif kind == "closed before received":
                received[at] = bad_received["28/02/2024"]
                closed[at] = early_close
            elif kind == "duplicate id":
                half = len(at) // 2
                number[at[:half]] = number[at[half : 2 * half]]
                planted[kind] = at[: 2 * half]
            elif kind == "future date":
                received[at] = bad_received["01/01/2099"]
                closed[at] = open_code
            elif kind == "unparseable date":
                received[at] = bad_received["last Tuesday"]
        ids = pc.binary_join_element_wise(
            "C", pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 9, "0"), ""
        )
        columns: dict[str, Any] = {ID_COLUMN: ids}
        for col in COLUMNS[1:]:
            if col == "received":
                columns[col] = (received_values, received)
            elif col == "closed":
                columns[col] = (closed_values, closed)
            else:
                columns[col] = (values[col], codes[col])
        yield columns, {kind: np.sort(at) + start + 2 for kind, at in planted.items()}


def _chunk_table(columns: dict[str, Any], *, csv: bool):
    """One chunk as a pyarrow Table of text (``csv=True``: cells quoted as in a CSV)."""
    import pyarrow as pa

    arrays = {}
    for col, spec in columns.items():
        if isinstance(spec, tuple):
            values, codes = spec
            shown = [_csv_cell(v) for v in values] if csv else list(values)
            arrays[col] = pa.array(shown, pa.string()).take(pa.array(codes))
        else:
            arrays[col] = spec
    return pa.table(arrays)


def write_log(
    path: Path,
    rows: int,
    *,
    fmt: str = "csv",
    chunk_rows: int = CHUNK_ROWS,
    seed: int = SEED,
    planted_rows: dict[str, list[np.ndarray]] | None = None,
) -> dict[str, int]:
    """Write the log to ``path`` (``fmt``: "csv" or "parquet") chunk by chunk; return
    the number of planted bad rows by kind (and, into ``planted_rows`` when given, the
    file rows of each kind)."""
    import pyarrow.compute as pc

    counts = dict.fromkeys(KINDS, 0)
    writer = None
    with open(path, "wb") as out:
        if fmt == "csv":
            out.write((",".join(map(_csv_cell, COLUMNS)) + "\n").encode())
        for columns, planted in log_chunks(rows, chunk_rows=chunk_rows, seed=seed):
            for kind, at in planted.items():
                counts[kind] += len(at)
                if planted_rows is not None:
                    planted_rows.setdefault(kind, []).append(at)
            table = _chunk_table(columns, csv=fmt == "csv")
            if fmt == "csv":
                # the lines' bytes are the data buffer of one joined string array
                lines = pc.binary_join_element_wise(*table.columns, ",")
                lines = pc.binary_join_element_wise(lines, "", "\n").combine_chunks()
                offsets = np.frombuffer(lines.buffers()[1], np.int32)
                data = lines.buffers()[2]
                start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
                out.write(memoryview(data)[start:end])
            else:
                import pyarrow.parquet as pq

                if writer is None:
                    writer = pq.ParquetWriter(out, table.schema)
                writer.write_table(table)
        if writer is not None:
            writer.close()
    return counts


# --------------------------------------------------------------------------- the reference


def _words(lookup: dict[str, str], level: str) -> str:
    return ", ".join("'" + k.replace("'", "''") + "'" for k, v in lookup.items() if v == level)


def _label_sql(column: str, lookup: dict[str, str], levels: tuple[str, ...]) -> str:
    """The level of a label (NULL when blank or unknown)."""
    # lower-cased, whitespace collapsed: coprod._core.text.label_key in SQL
    key = f"nullif(lower(regexp_replace(trim({column}), '\\s+', ' ', 'g')), '')"
    cases = " ".join(f"WHEN {key} IN ({_words(lookup, lv)}) THEN '{lv}'" for lv in levels)
    return f"CASE {cases} END"


def _date_sql(column: str) -> str:
    """A date in one of the file's forms (two-digit years never match), else NULL."""
    cell = f"trim({column})"
    return (
        f"CASE WHEN regexp_full_match({cell}, '\\d{{1,2}}/\\d{{1,2}}/\\d{{4}}') "
        f"THEN try_strptime({cell}, '%d/%m/%Y') "
        f"WHEN regexp_full_match({cell}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}') "
        f"THEN try_strptime({cell}, '%Y-%m-%d') END::DATE"
    )


def _date_problem(column: str, parsed: str, *, required: bool, as_of: str) -> str:
    cell = f"nullif(trim({column}), '')"
    blank = "'blank but required'" if required else "NULL"
    return (
        f"CASE WHEN {cell} IS NULL THEN {blank} "
        f"WHEN {parsed} IS NULL AND regexp_full_match({cell}, '\\d{{1,2}}/\\d{{1,2}}/\\d{{2}}') "
        "THEN 'two-digit year' "
        f"WHEN {parsed} IS NULL THEN 'unparseable date' "
        f"WHEN year({parsed}) NOT BETWEEN 1900 AND 2100 THEN 'year out of range' "
        f"WHEN {parsed} > DATE '{as_of}' THEN 'in the future' END"
    )


def reference(
    path: str | Path,
    store: str | Path,
    *,
    as_of: str = AS_OF,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> dict[str, Any]:
    """DuckDB doing the checks of ``read_complaints`` by hand, in SQL, on a CSV or
    Parquet log with the columns of :data:`COLUMNS`. Writes ``clean.parquet`` (loaded
    rows, typed: dates as DATE, levels as text; personal columns dropped) and
    ``quarantine.parquet`` (row, column, value, reason) into ``store``; returns n_read,
    n_loaded, n_quarantined, the paths and the monthly counts per service (only the
    service x month cells with complaints)."""
    import duckdb

    from coprod.vocab import SEVERITY_LEVELS, STAGE_LEVELS, STAGE_SYNONYMS, UPHELD_SYNONYMS

    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"temp_directory": str(store / "duckdb_tmp")})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    path = str(path).replace("'", "''")
    if path.endswith(".parquet"):
        # file_row_number counts from 0; the header is row 1, as read_complaints numbers
        source = f"(SELECT file_row_number + 2 AS row_, * FROM read_parquet('{path}', file_row_number = true))"
    else:
        # row_number() over () is a streaming window: the file's order (insertion order kept)
        source = (
            f"(SELECT row_number() OVER () + 1 AS row_, * FROM read_csv('{path}', "
            "all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"'))"
        )
    q = f'"{ID_COLUMN}"'
    # pass 1, one scan: the duplicated ids and the distinct cells of the checked columns
    # (a few thousand), so each label and date is parsed once, not once per row
    con.execute(
        f"""CREATE TEMP TABLE seen AS
        SELECT CASE WHEN grouping(id) = 0 THEN 'id' WHEN grouping(severity) = 0 THEN 'severity'
                    WHEN grouping(stage) = 0 THEN 'stage' WHEN grouping(upheld) = 0 THEN 'upheld'
                    WHEN grouping(received) = 0 THEN 'received' ELSE 'closed' END AS field,
               coalesce(id, severity, stage, upheld, received, closed) AS cell
        FROM (SELECT nullif(trim({q}), '') AS id, severity, stage, upheld, received, closed
              FROM {source})
        GROUP BY GROUPING SETS ((id), (severity), (stage), (upheld), (received), (closed))
        HAVING grouping(id) = 1 OR (id IS NOT NULL AND count(*) > 1)"""
    )
    con.execute("CREATE TEMP TABLE dup AS SELECT cell AS id FROM seen WHERE field = 'id'")
    levels = {
        "severity": ({lv: lv for lv in SEVERITY_LEVELS}, SEVERITY_LEVELS),
        "stage": (dict(STAGE_SYNONYMS), STAGE_LEVELS),
        "upheld": (dict(UPHELD_SYNONYMS), ("upheld", "partly upheld", "not upheld")),
    }
    for fld, (lookup, names) in levels.items():
        con.execute(
            f"""CREATE TEMP TABLE {fld}_map AS SELECT cell, level,
                CASE WHEN nullif(trim(cell), '') IS NOT NULL AND level IS NULL
                     THEN 'unknown label' END AS problem
            FROM (SELECT cell, {_label_sql("cell", lookup, names)} AS level
                  FROM seen WHERE field = '{fld}' AND cell IS NOT NULL)"""
        )
    for fld in ("received", "closed"):
        problem = _date_problem("cell", "day", required=fld == "received", as_of=as_of)
        con.execute(
            f"""CREATE TEMP TABLE {fld}_map AS SELECT cell, day, {problem} AS problem
            FROM (SELECT cell, {_date_sql("cell")} AS day
                  FROM seen WHERE field = '{fld}' AND cell IS NOT NULL)"""
        )
    checked = store / "checked.parquet"
    # pass 2: every row with its parsed values and one problem column per field
    con.execute(
        f"""COPY (
        SELECT s.row_, s.{q} AS id_cell, s.service AS service_cell,
            s.severity AS severity_cell, s.stage AS stage_cell, s.upheld AS upheld_cell,
            s.received AS received_cell, s.closed AS closed_cell,
            nullif(trim(s.{q}), '') AS complaint_id, nullif(trim(s.service), '') AS service,
            s.council, s.category, sv.level AS severity, st.level AS stage, up.level AS upheld,
            rc.day AS received, cl.day AS closed,
            CASE WHEN nullif(trim(s.{q}), '') IS NULL THEN 'blank but required'
                 WHEN d.id IS NOT NULL THEN 'duplicate id' END AS id_problem,
            CASE WHEN nullif(trim(s.service), '') IS NULL THEN 'blank but required' END
                AS service_problem,
            sv.problem AS severity_problem, st.problem AS stage_problem,
            up.problem AS upheld_problem,
            CASE WHEN nullif(trim(s.received), '') IS NULL THEN 'blank but required'
                 ELSE rc.problem END AS received_problem,
            coalesce(cl.problem, CASE WHEN cl.day < rc.day THEN 'closed before received' END)
                AS closed_problem
        FROM {source} AS s
        LEFT JOIN severity_map AS sv ON s.severity = sv.cell
        LEFT JOIN stage_map AS st ON s.stage = st.cell
        LEFT JOIN upheld_map AS up ON s.upheld = up.cell
        LEFT JOIN received_map AS rc ON s.received = rc.cell
        LEFT JOIN closed_map AS cl ON s.closed = cl.cell
        LEFT JOIN dup AS d ON nullif(trim(s.{q}), '') = d.id
        ) TO '{checked}' (FORMAT parquet)"""
    )
    ok = (
        "id_problem IS NULL AND service_problem IS NULL AND severity_problem IS NULL AND "
        "stage_problem IS NULL AND upheld_problem IS NULL AND received_problem IS NULL AND "
        "closed_problem IS NULL"
    )
    clean = store / "clean.parquet"
    con.execute(
        f"""COPY (SELECT row_ AS row, complaint_id, service, council, received, category,
            severity, stage, upheld, closed, (closed - received)::DOUBLE AS days_to_close
        FROM '{checked}' WHERE {ok}) TO '{clean}' (FORMAT parquet)"""
    )
    parts = [
        (ID_COLUMN, "id_cell", "id_problem"),
        ("service", "service_cell", "service_problem"),
        ("received", "received_cell", "received_problem"),
        ("severity", "severity_cell", "severity_problem"),
        ("stage", "stage_cell", "stage_problem"),
        ("upheld", "upheld_cell", "upheld_problem"),
        ("closed", "closed_cell", "closed_problem"),
    ]
    union = " UNION ALL ".join(
        f"SELECT row_ AS row, '{col}' AS \"column\", {cell} AS value, {problem} AS reason "
        f"FROM '{checked}' WHERE {problem} IS NOT NULL"
        for col, cell, problem in parts
    )
    quarantine = store / "quarantine.parquet"
    con.execute(f"COPY ({union} ORDER BY row) TO '{quarantine}' (FORMAT parquet)")
    ((n_read,),) = con.execute(f"SELECT count(*) FROM '{checked}'").fetchall()
    ((n_loaded,),) = con.execute(f"SELECT count(*) FROM '{clean}'").fetchall()
    counts = con.execute(
        f"""SELECT service, date_trunc('month', received)::DATE AS period, count(*) AS count
        FROM '{clean}' GROUP BY ALL ORDER BY ALL"""
    ).df()
    con.close()
    checked.unlink()
    return {
        "n_read": n_read,
        "n_loaded": n_loaded,
        "n_quarantined": n_read - n_loaded,
        "data_path": str(clean),
        "quarantine_path": str(quarantine),
        "counts": counts,
    }


# --------------------------------------------------------------------------- ours


def ours_available() -> bool:
    """Whether ``read_complaints`` has the out-of-core path (``store=``) yet."""
    from coprod.io.complaint_log import read_complaints

    return "store" in inspect.signature(read_complaints).parameters


def ours(path: str | Path, store: str | Path, *, as_of: str = AS_OF) -> dict[str, Any]:
    """``read_complaints(engine="duckdb", store=...)`` then ``complaint_counts`` on it."""
    import warnings

    from coprod.complaints import complaint_counts
    from coprod.io.complaint_log import read_complaints

    with warnings.catch_warnings():  # the load's summary warning: not what is timed
        warnings.simplefilter("ignore")
        result = read_complaints(
            path,
            columns={"complaint_id": ID_COLUMN},
            engine="duckdb",
            store=store,
            as_of=as_of,
        )
        counts = complaint_counts(result, freq="month", by="service")
    counts = counts[counts["count"] > 0].reset_index(drop=True)
    return {
        "n_read": result.n_read,
        "n_loaded": result.n_loaded,
        "n_quarantined": result.n_quarantined,
        "data_path": str(result.data_path),
        "quarantine_path": str(result.quarantine_path),
        "counts": counts,
    }


# --------------------------------------------------------------------------- one run, fresh interpreter

_RUN = (
    """
import json, resource, sys, time
import duckdb, pyarrow, pyarrow.parquet, pandas
sys.path.insert(0, sys.argv[1])
import bench_out_of_core as bench
import coprod.io.complaint_log, coprod.complaints

"""
    + KIB_SOURCE
    + """


which, path, store, as_of, threads, memory_limit = sys.argv[2:8]
before = kib("VmRSS:")
start = time.perf_counter()
if which == "reference":
    out = bench.reference(path, store, as_of=as_of, threads=int(threads) or None,
                          memory_limit=memory_limit or None)
else:
    out = bench.ours(path, store, as_of=as_of)
seconds = time.perf_counter() - start
peak = (kib("VmHWM:") - before) / 2**20
counts = out.pop("counts")
counts.to_parquet(store + "/counts.parquet")
print(json.dumps({"seconds": seconds, "peak_gib": peak, **out}))
"""
)


def run_once(which: str, path: Path, store: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One run of ``which`` in a fresh interpreter: time, peak memory, counts."""
    store.mkdir(parents=True)
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                _RUN,
                str(Path(__file__).resolve().parent),
                which,
                str(path),
                str(store),
                AS_OF,
                str(args.threads or 0),
                args.memory_limit or "",
            ],
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise RuntimeError(f"{which} failed on {path.name}:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["counts"] = pd.read_parquet(store / "counts.parquet")
        return result
    finally:
        shutil.rmtree(store, ignore_errors=True)  # the store is big: one at a time


def compare(rows: int, path: Path, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Time both on ``path`` (alternating, ``--repeat`` each); check they agree."""
    engines = [e for e in ("ours", "reference") if args.only in (None, e)]
    if "ours" in engines and not ours_available():
        print("  ours: skipped (read_complaints has no store= yet: the out-of-core path)")
        engines.remove("ours")
    runs: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for i in range(args.repeat):
        for which in engines:
            runs[which].append(run_once(which, path, workdir / f"store-{which}-{i}", args))
    line: dict[str, Any] = {"rows": rows, "format": path.suffix.lstrip(".")}
    for which, results in runs.items():
        line[f"{which}_s"] = statistics.median(r["seconds"] for r in results)
        line[f"{which}_peak_gib"] = max(r["peak_gib"] for r in results)
        last = results[-1]
        line[f"{which}_loaded"], line[f"{which}_quarantined"] = (
            last["n_loaded"],
            last["n_quarantined"],
        )
        print(
            f"  {which}: {last['n_read']:,} read, {last['n_loaded']:,} loaded, "
            f"{last['n_quarantined']:,} quarantined"
        )
    if len(runs) == 2:
        a, b = runs["ours"][-1], runs["reference"][-1]
        if (a["n_loaded"], a["n_quarantined"]) != (b["n_loaded"], b["n_quarantined"]):
            print(
                f"  FAILURE: ours loads {a['n_loaded']:,} and quarantines {a['n_quarantined']:,}, "
                f"the reference {b['n_loaded']:,} and {b['n_quarantined']:,}"
            )
        key = ["service", "period"]
        mine = a["counts"].assign(period=pd.to_datetime(a["counts"]["period"]))
        theirs = b["counts"].assign(period=pd.to_datetime(b["counts"]["period"]))
        merged = mine[[*key, "count"]].merge(
            theirs[[*key, "count"]], on=key, how="outer", suffixes=("_ours", "_ref")
        )
        differ = merged["count_ours"].fillna(0) != merged["count_ref"].fillna(0)
        if differ.any():
            print(f"  FAILURE: monthly counts differ in {int(differ.sum())} service x month cells")
        else:
            print(f"  monthly counts agree in all {len(merged)} service x month cells")
    return line


def _shown(line: dict[str, Any], key: str, fmt: str) -> str:
    value = line.get(key)
    return "-" if value is None or value != value else format(value, fmt)


def _print_table(lines: list[dict[str, Any]]) -> None:
    """One row per case: rows, ours s, reference s, ratio (target), peaks (target)."""
    print(
        f"{'rows':>12} {'format':>7} {'ours s':>8} {'ref s':>8} {'ratio':>6}  {'target':11} "
        f"{'ours GiB':>8} {'ref GiB':>8}  target"
    )
    for line in lines:
        ratio = line.get("ours_s", np.nan) / line.get("reference_s", np.nan)
        line["ratio"] = ratio
        target = TARGET_PARQUET if line["format"] == "parquet" else TARGET_RATIO
        verdict = ""
        if ratio == ratio and (line["format"] == "parquet" or line["rows"] >= TARGET_AT_ROWS):
            verdict = f"<= {target} " + ("ok" if ratio <= target else "MISSED")
        peak = line.get("ours_peak_gib", np.nan)
        memory = (
            ""
            if peak != peak
            else f"< {TARGET_PEAK_GIB:g} " + ("ok" if peak < TARGET_PEAK_GIB else "MISSED")
        )
        print(
            f"{line['rows']:>12,} {line['format']:>7} {_shown(line, 'ours_s', '.1f'):>8} "
            f"{_shown(line, 'reference_s', '.1f'):>8} {_shown(line, 'ratio', '.2f'):>6}  "
            f"{verdict:11} {_shown(line, 'ours_peak_gib', '.2f'):>8} "
            f"{_shown(line, 'reference_peak_gib', '.2f'):>8}  {memory}"
        )


def plot_curve(lines: list[dict[str, Any]], out: Path) -> Path | None:
    """Time and peak memory against rows (log x), both engines, CSV; saved to ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coprod.export import save_figure

    csv = pd.DataFrame([ln for ln in lines if ln["format"] == "csv"])
    if csv.empty:
        return None
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for which, label, style in (
        ("ours", "read_complaints (duckdb)", "o-"),
        ("reference", "DuckDB by hand", "s--"),
    ):
        if f"{which}_s" in csv:
            ax_t.plot(csv["rows"], csv[f"{which}_s"], style, label=label)
            ax_m.plot(csv["rows"], csv[f"{which}_peak_gib"], style, label=label)
    ax_m.axhline(TARGET_PEAK_GIB, color="grey", lw=0.8, ls=":", label="target (4 GiB)")
    ax_t.set_yscale("log")  # log-log: time growing in proportion to rows is a straight line
    ax_m.set_ylim(bottom=0)
    for ax, ylabel in ((ax_t, "wall time (s)"), (ax_m, "peak memory (GiB)")):
        ax.set_xscale("log")
        ax.set_xlabel("rows in the log")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize="small")
    fig.suptitle("Validating a complaint log out of core: time and memory against rows")
    save_figure(
        fig,
        "bench_out_of_core",
        directory=out,
        formats=("png", "svg"),
        data=csv,
        alt_text=(
            "Two line charts against the number of rows on a log scale: wall time and peak "
            "memory of read_complaints with engine duckdb and of DuckDB doing the same checks "
            "by hand in SQL."
        ),
        source="coprod benchmarks/bench_out_of_core.py (synthetic, seeded complaint log)",
    )
    plt.close(fig)
    return Path(out) / "figures"


def _sizes(text: str) -> list[int]:
    return [int(float(v)) for v in text.split(",") if v.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1e6,10e6,40e6", help="sizes, comma-separated")
    parser.add_argument("--full", action="store_true", help="add 100e6 rows (see the docstring)")
    parser.add_argument("--parquet-rows", default="10e6", help="the Parquet case (0: skip)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    parser.add_argument("--only", choices=("ours", "reference"), default=None)
    parser.add_argument(
        "--threads", type=int, default=0, help="reference's DuckDB threads (0: its default)"
    )
    parser.add_argument(
        "--memory-limit", default="", help="reference's DuckDB memory_limit, e.g. 3GB"
    )
    parser.add_argument(
        "--out", default=None, help="folder for the figure (default: in the temp dir)"
    )
    args = parser.parse_args()
    sizes = _sizes(args.rows) + ([100_000_000] if args.full else [])
    parquet_rows = int(float(args.parquet_rows))
    out = Path(args.out) if args.out else Path(tempfile.gettempdir()) / "coprod-bench-out-of-core"

    lines = []
    with tempfile.TemporaryDirectory(prefix="coprod-ooc-") as tmp:  # deleted also on error
        work = Path(tmp)
        cases = [(n, "csv") for n in sizes] + ([(parquet_rows, "parquet")] if parquet_rows else [])
        for rows, fmt in cases:
            path = work / f"complaints.{fmt}"
            start = time.perf_counter()
            planted = write_log(path, rows, fmt=fmt, chunk_rows=args.chunk_rows)
            made = time.perf_counter() - start
            size = path.stat().st_size / 2**20
            print(
                f"\n{rows:,} rows, {fmt}, {size:,.0f} MiB, written in {made:.1f} s; "
                f"planted bad rows {sum(planted.values()):,}:"
            )
            print("  " + ", ".join(f"{k} {v:,}" for k, v in planted.items()))
            lines.append(compare(rows, path, work, args))
            path.unlink()
    print()
    _print_table(lines)
    print(
        f"targets: at {TARGET_AT_ROWS:,} rows ours <= {TARGET_RATIO}x the reference (CSV); "
        f"Parquet <= {TARGET_PARQUET}x; peak < {TARGET_PEAK_GIB:g} GiB "
        f"(peak: fresh interpreter, after imports; {os.cpu_count()} cores)"
    )
    figures = plot_curve(lines, out)
    if figures is not None:
        print(f"curve: {figures}")


if __name__ == "__main__":
    main()

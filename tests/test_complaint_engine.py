"""Out-of-core complaint logs (coprod.io.complaint_engine): read_complaints on DuckDB gives
exactly the in-memory reader's result (rows, row numbers, quarantine, reasons, notes) on
the shipped log, on a log with every bad-input kind planted, on month-first and other
exports, on Parquet, and on awkward layouts; the measures take the result itself and
aggregate inside the engine; memory stays bounded."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pandas as pd
import pytest

from coprod import complaints, synth
from coprod.io import InputError, LoadResult, QuarantineWarning, complaint_engine
from coprod.io.complaint_log import read_complaints
from coprod.io.stored import StoredLoadResult

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "coprod" / "data" / "complaints_log.csv"
AS_OF = "2026-12-01"
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_read_complaints import KIB_SOURCE, make_log  # noqa: E402  (the benchmark's log)

MESSY_OPTIONS = {"columns": {"complaint_id": "Complaint ID"}}


def _read(path, engine, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        return read_complaints(path, engine=engine, as_of=AS_OF, **options)


def assert_same(a, b):
    """Two load results say and hold exactly the same (the first difference shown)."""
    assert (a.n_read, a.n_loaded, a.n_quarantined) == (b.n_read, b.n_loaded, b.n_quarantined)
    assert a.notes == b.notes
    assert a.summary() == b.summary()
    pd.testing.assert_frame_equal(a.reasons(detail=True), b.reasons(detail=True))
    qa, qb = a.quarantine.reset_index(drop=True), b.quarantine.reset_index(drop=True)
    if not qa.equals(qb):
        diff = (qa != qb).any(axis=1)
        first = diff.idxmax() if diff.any() else min(len(qa), len(qb))
        raise AssertionError(
            f"quarantines differ from problem {first}:\n{qa.iloc[first : first + 3]}\n"
            f"{qb.iloc[first : first + 3]}"
        )
    da, db = a.data, b.data
    pd.testing.assert_frame_equal(da, db)
    assert da.attrs == db.attrs


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    path = tmp_path_factory.mktemp("messy") / "messy.csv"
    planted = make_log(path, 20_000)
    return path, planted


# --------------------------------------------------------------------------- same result


def test_the_shipped_log_reads_the_same_out_of_core():
    a, b = _read(SHIPPED, "pandas"), _read(SHIPPED, "duckdb")
    assert isinstance(a, LoadResult) and isinstance(b, StoredLoadResult)
    assert b.engine == "duckdb" and b.n_read == 11_606
    assert_same(a, b)


def test_every_planted_bad_input_is_quarantined_the_same(messy):
    path, planted = messy
    a = _read(path, "pandas", keep_personal=True, **MESSY_OPTIONS)
    b = _read(path, "duckdb", keep_personal=True, **MESSY_OPTIONS)
    assert_same(a, b)
    assert b.n_quarantined == sum(planted.values()) == 599
    kinds = b.reasons().set_index("problem")["rows"].to_dict()
    assert kinds["duplicate complaint_id"] == planted["duplicate id"]
    assert kinds["closed before received"] == planted["closed before received"]
    assert kinds["dates in the future"] == planted["future date"]
    assert kinds["blank but required"] == planted["missing service"]


def test_kept_columns_and_dropped_personal_columns_match(messy, tmp_path):
    path, _ = messy
    assert_same(_read(path, "pandas", **MESSY_OPTIONS), _read(path, "duckdb", **MESSY_OPTIONS))
    export = tmp_path / "ward.csv"
    export.write_text(
        "complaint_id,service,received,Ward,Status,Name\nC1,Roads,01/02/2024,W1 , Closed,Ann\n"
        "C2,Parks,02/02/2024, ,Open,Bob\n"
    )
    options = {"keep": ["Ward", "status"], "columns": {"complainant_name": "Name"}}
    a, b = _read(export, "pandas", **options), _read(export, "duckdb", **options)
    assert_same(a, b)
    assert b.data["Ward"].iloc[0] == "W1 " and b.data["Ward"].isna().iloc[1]


@pytest.mark.parametrize("style", list(synth.EXPORT_DATE_STYLES))
def test_exports_with_times_and_month_first_dates_read_the_same(tmp_path, style):
    export = synth.write_complaint_export(tmp_path / f"{style}.csv", date_style=style, months=6)
    a, b = _read(export.path, "pandas"), _read(export.path, "duckdb")
    assert_same(a, b)
    # the date rules of the foundations hold out of core: the true dates, to the written second
    truth = export.truth.set_index(b.data.index)["received"]
    resolution = "min" if style in ("uk", "us_minutes") else "s"
    assert (b.data["received"] == truth.dt.floor(resolution)).all()


def test_a_month_first_log_is_read_month_first_and_says_why(tmp_path):
    export = synth.write_complaint_export(tmp_path / "us.csv", date_style="us_minutes", months=3)
    b = _read(export.path, "duckdb")
    assert any("read month first" in note for note in b.notes)
    assert b.data.attrs["date_evidence"] == ("mdy",)


def test_a_parquet_log_reads_the_same_on_both_engines(messy, tmp_path):
    path, _ = messy
    parquet = tmp_path / "messy.parquet"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["received"] = pd.to_datetime(
        frame["received"], errors="coerce", format="mixed", dayfirst=True
    )
    frame.to_parquet(parquet)
    a, b = _read(parquet, "pandas", **MESSY_OPTIONS), _read(parquet, "duckdb", **MESSY_OPTIONS)
    assert_same(a, b)
    assert b.n_read == 20_000


LAYOUTS = {
    "blank rows between data rows and a note below": (
        "complaint_id,service,received\nC1,Roads,01/02/2024\n,,\nC2,Parks,03/02/2024\n"
        " , ,\nC3,Roads,2024-02-05\n,,\nSource: council CRM,,\n"
    ),
    "trailing commas and a named-less column with values": (
        "complaint_id,service,received,,\nC1,Roads,01/02/2024,,\nC2,Parks,13/02/2024,x,\n"
    ),
    "repeated header names and a BOM": (
        "\ufeffcomplaint_id,service,service,received\nC1,Roads,R,01/02/2024\nC1,Parks,P,02/02/2024\n"
    ),
    "semicolons, CRLF and a quoted line break": (
        'complaint_id;service;received;details\r\nC1;Roads;01/02/2024;"two\r\nlines"\r\n'
        "C2;;2024-02-30;x\r\nC3;Parks;31/12/2099;y\r\n"
    ),
    "no id column (numbered by row) and labels in the council's words": (
        "Service,Date Opened,Date Closed,Outcome\nRoads,3/26/2014 9:18,3/28/2014 10:00,yes\n"
        "Roads,3/9/2014 13:06,,\nParks,3/27/2014 8:00,3/2/2014 9:30,partly\n"
    ),
    "a header but no rows": "complaint_id,service,received\n",
    "an empty line inside the table": (
        "complaint_id,service,received\nC1,Roads,01/02/2024\n\nC2,Parks,03/02/2024\n"
    ),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_awkward_layouts_read_the_same(tmp_path, layout):
    path = tmp_path / "log.csv"
    path.write_bytes(LAYOUTS[layout].encode("utf-8"))
    options = (
        {"columns": {"received": "Date Opened", "closed": "Date Closed"}}
        if "Opened" in LAYOUTS[layout]
        else {}
    )
    a, b = _read(path, "pandas", **options), _read(path, "duckdb", **options)
    assert_same(a, b)


def test_the_same_errors_for_a_column_whose_day_month_order_cannot_be_decided(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("complaint_id,service,received\nC1,Roads,26/03/2014\nC2,Roads,3/27/2014\n")
    messages = []
    for engine in ("pandas", "duckdb"):
        with pytest.raises(InputError) as caught:
            _read(path, engine)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "'26/03/2014' (row 2)" in messages[1] and "'3/27/2014' (row 3)" in messages[1]


# --------------------------------------------------------------------------- engines and stores


def test_auto_reads_a_big_file_out_of_core_and_an_unusual_one_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(complaint_engine, "AUTO_OUT_OF_CORE_BYTES", 1)
    assert isinstance(_read(SHIPPED, "auto"), StoredLoadResult)
    windows = tmp_path / "cp1252.csv"
    windows.write_bytes("complaint_id,service,received\nC1,Caf\xe9s,01/02/2024\n".encode("cp1252"))
    result = _read(windows, "auto")
    assert isinstance(result, LoadResult)
    assert "read in memory, not out of core, because it reads UTF-8 text only" in result.notes
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("complaint_id,service,received\nC1,Roads,01/02/2024,extra\nC2,Parks\n")
    result = _read(ragged, "auto")
    assert isinstance(result, LoadResult) and result.n_read == 2
    assert (
        "read in memory, not out of core, because some rows have more or fewer cells than "
        "the header" in result.notes
    )
    with pytest.raises(InputError, match="some rows have more or fewer cells than the header"):
        _read(ragged, "duckdb")


def test_asking_for_duckdb_on_a_file_it_cannot_take_says_what_to_do(tmp_path):
    titled = tmp_path / "titled.csv"
    titled.write_text("Complaints 2024\ncomplaint_id,service,received\nC1,Roads,01/02/2024\n")
    with pytest.raises(
        InputError,
        match="the duckdb engine cannot read this file exactly: it has title rows above the header",
    ) as caught:
        _read(titled, "duckdb", skip_rows=1)
    assert "engine='pandas'" in str(caught.value)
    with pytest.raises(InputError, match="a DataFrame is in memory already"):
        read_complaints(pd.DataFrame({"service": ["Roads"]}), engine="duckdb")
    with pytest.raises(InputError, match="unknown engine 'ibis'"):
        read_complaints(SHIPPED, engine="ibis")


def test_a_named_store_keeps_the_parquet_and_a_temporary_one_goes_with_the_result(tmp_path):
    kept = _read(SHIPPED, "duckdb", store=tmp_path / "store")
    assert kept.data_path == tmp_path / "store" / "data.parquet" and kept.data_path.exists()
    assert pd.read_parquet(kept.quarantine_path).empty
    temporary = _read(SHIPPED, "duckdb")
    folder = temporary.folder
    assert folder.exists()
    del temporary
    gc.collect()
    assert not folder.exists()
    assert kept.data_path.exists()


def test_progress_is_reported_step_by_step():
    said = []
    read_complaints(SHIPPED, engine="duckdb", as_of=AS_OF, progress=said.append)
    assert said[0] == "reading complaints_log.csv ..."
    assert said[-1] == "done: 11,606 rows read, 0 quarantined"


# --------------------------------------------------------------------------- measures


@pytest.mark.parametrize(
    ("measure", "options"),
    [
        (complaints.complaint_counts, {}),
        (complaints.complaint_counts, {"freq": "week", "by": ["service", "severity"]}),
        (complaints.seriousness, {}),
        (complaints.severity_shares, {"column": "stage"}),
        (complaints.outcomes, {}),
        (complaints.timeliness, {"as_of": "2024-06-30"}),
        (complaints.timeliness, {"freq": "quarter", "by": ["service", "council"]}),
        (complaints.timeliness, {"date": "closed", "target_days": 30}),
    ],
)
def test_measures_take_the_load_result_on_any_engine(messy, measure, options):
    path, _ = messy
    a, b = _read(path, "pandas", **MESSY_OPTIONS), _read(path, "duckdb", **MESSY_OPTIONS)
    expected = measure(a.data, **options)
    pd.testing.assert_frame_equal(measure(a, **options), expected)
    pd.testing.assert_frame_equal(measure(b, **options), expected)


def test_medians_of_an_aggregated_log_are_the_medians_of_its_rows():
    # each value stands for several complaints: the median of the values repeated
    from coprod.timeseries.periods import PeriodGrid

    log = pd.DataFrame(
        {
            "received": pd.to_datetime(["2024-01-03", "2024-01-09", "2024-01-20", "2024-02-01"]),
            "days": [5.0, 1.0, 9.0, 2.0],
        }
    )
    rows = [3, 1, 2, 4]  # January: 1, 5, 5, 5, 9, 9 -> 5; February: 2, 2, 2, 2 -> 2
    grid = PeriodGrid(log, by=None, period="month", date="received", row_counts=rows)
    grid.sums()
    medians = complaints._cell_medians(grid, log["days"].to_numpy(), 2, rows)
    assert medians.tolist() == [5.0, 2.0]
    rows = [1, 1, 2, 4]  # January: 1, 5, 9, 9 -> (5 + 9) / 2
    grid = PeriodGrid(log, by=None, period="month", date="received", row_counts=rows)
    grid.sums()
    assert complaints._cell_medians(grid, log["days"].to_numpy(), 2, rows).tolist() == [7.0, 2.0]


def test_out_of_core_counts_are_aggregated_in_the_engine(messy):
    path, _ = messy
    a, b = _read(path, "pandas", **MESSY_OPTIONS), _read(path, "duckdb", **MESSY_OPTIONS)
    frame, rows = complaints._log_frame(b, ["service", "received"])
    assert rows.sum() == b.n_loaded == 19_401
    # one row per service and day, not per complaint
    assert len(frame) == len(a.data[["service", "received"]].drop_duplicates()) < b.n_loaded


# --------------------------------------------------------------------------- memory

_PEAK = (
    textwrap.dedent(
        """
    import resource, sys, warnings
    import duckdb, pandas, pyarrow, pyarrow.csv, pyarrow.parquet
    import coprod.io
    """
    )
    + KIB_SOURCE
    + textwrap.dedent(
        """
    warnings.simplefilter("ignore")
    before = kib("VmRSS:")
    result = coprod.io.read_complaints(
        sys.argv[2], engine=sys.argv[1], as_of="2026-12-01",
        columns={"complaint_id": "Complaint ID"},
    )
    print(result.n_loaded, (kib("VmHWM:") - before) / 1024)
    """
    )
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_memory_stays_bounded_where_the_in_memory_reader_grows(tmp_path):
    path = tmp_path / "big.csv"
    make_log(path, 2_000_000)
    peaks = {}
    for engine in ("pandas", "duckdb"):
        out = subprocess.run(
            [sys.executable, "-c", _PEAK, engine, str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert int(out[0]) == 1_940_001
        peaks[engine] = float(out[1])
    limit = 800  # MiB: the in-memory reader needs more than this for 2M rows
    assert peaks["pandas"] > limit, peaks
    assert peaks["duckdb"] < limit, peaks


def test_a_long_parse_reports_rows_rate_and_time_left(messy, tmp_path):
    import re

    path, _ = messy
    said = []
    notes = complaint_engine._stage_csv(
        path,
        tmp_path / "rows.parquet",
        delimiter=",",
        width=11,
        first_filled=0,
        progress=said.append,
        every=0,
    )
    assert notes == []
    assert said and all(
        re.fullmatch(r"  [\d,]+ rows parsed \([\d,]+ rows/s\), about [\d,]+ s left", line)
        for line in said
    ), said
    assert said[-1].startswith("  20,000 rows parsed")
    assert pd.read_parquet(tmp_path / "rows.parquet")["_row"].tolist() == list(range(2, 20_002))


def test_a_folder_is_read_in_memory_as_one_log_and_refused_out_of_core(tmp_path):
    folder = tmp_path / "monthly"
    folder.mkdir()
    (folder / "jan.csv").write_text("complaint_id,service,received\nC1,Roads,01/01/2024\n")
    (folder / "feb.csv").write_text("complaint_id,service,received\nC2,Parks,01/02/2024\n")
    assert isinstance(_read(folder, "auto"), LoadResult)
    with pytest.raises(InputError, match="engine='duckdb' reads one file at a time"):
        _read(folder, "duckdb")


# --------------------------------------------------------------------------- dates in chunks


@pytest.fixture
def small_chunks(monkeypatch):
    """Date columns read in chunks of 50 distinct values (as a log of millions of
    timestamps is), to show that chunks change nothing."""
    monkeypatch.setattr(complaint_engine, "DATE_CHUNK", 50)


@pytest.mark.parametrize("style", list(synth.EXPORT_DATE_STYLES))
def test_dates_read_in_chunks_give_the_same_result(tmp_path, small_chunks, style):
    export = synth.write_complaint_export(tmp_path / f"{style}.csv", date_style=style, months=6)
    assert_same(_read(export.path, "pandas"), _read(export.path, "duckdb"))


def test_planted_bad_dates_read_in_chunks_give_the_same_result(messy, small_chunks):
    path, _ = messy
    assert_same(_read(path, "pandas", **MESSY_OPTIONS), _read(path, "duckdb", **MESSY_OPTIONS))


def test_chunked_notes_count_every_chunk(tmp_path, small_chunks):
    # an order asked for that some dates cannot be in, and dates with a time zone: the
    # notes that count rows add up the chunks and name the first example
    lines = ["complaint_id,service,received,closed"]
    for i in range(300):
        day = 1 + i % 28
        received = f"{day:02d}/{1 + i % 12:02d}/2023" if i % 7 else f"{13 + i % 15}/01/2023"
        closed = f"2023-12-{day:02d}T10:{i % 60:02d}:00+01:00" if i % 3 == 0 else ""
        lines.append(f"C{i},Roads,{received},{closed}")
    path = tmp_path / "zoned.csv"
    path.write_text("\n".join(lines) + "\n")
    a = _read(path, "pandas", date_order="mdy")
    said = []
    b = _read(path, "duckdb", date_order="mdy", progress=said.append)
    assert "deciding the day/month order of the dates, in chunks ..." in said
    assert_same(a, b)
    assert any("that cannot be month first were quarantined" in note for note in b.notes)
    assert any("have a time zone" in note for note in b.notes)


def test_an_undecidable_column_is_the_same_error_in_chunks(tmp_path, small_chunks):
    rows = [f"C{i},Roads,{1 + i % 12:02d}/{1 + i % 12:02d}/2024" for i in range(200)]
    rows += ["X1,Roads,26/03/2014", "X2,Roads,3/27/2014"]
    path = tmp_path / "log.csv"
    path.write_text("complaint_id,service,received\n" + "\n".join(rows) + "\n")
    messages = []
    for engine in ("pandas", "duckdb"):
        with pytest.raises(InputError) as caught:
            _read(path, engine)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_a_missing_column_is_the_same_error_naming_the_closest_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("complaint_id,Servce,received\nC1,Roads,01/02/2024\n")
    messages = []
    for engine in ("pandas", "duckdb"):
        with pytest.raises(InputError) as caught:
            _read(path, engine)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "service" in messages[1] and "'Servce'" in messages[1]

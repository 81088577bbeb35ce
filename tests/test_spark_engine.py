"""read_complaints(engine="spark") gives exactly what engine="duckdb" and the in-memory
reader give: counts, summary, quarantine, clean rows and their attrs.

Skipped without pyspark and sqlglot (``pip install "coprod[spark]"``) or a Java runtime.
One local SparkSession serves the module; the engine uses it as it would a user's.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

try:
    import pyspark  # noqa: F401
    import sqlglot  # noqa: F401
except ImportError as exc:
    pytest.skip(
        f"the Spark engine needs pyspark and sqlglot (pip install 'coprod[spark]'): {exc}",
        allow_module_level=True,
    )
_JAVA_HOME = os.environ.get("JAVA_HOME")
if shutil.which("java") is None and not (
    _JAVA_HOME and (Path(_JAVA_HOME) / "bin" / "java").exists()
):
    pytest.skip(
        "the Spark engine needs a Java runtime (java on PATH, or JAVA_HOME)",
        allow_module_level=True,
    )

from coprod.io import read_complaints  # noqa: E402
from coprod.synth import write_complaint_export  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "coprod" / "data" / "complaints_log.csv"
AS_OF = "2026-12-01"
MESSY_COLUMNS = {"complaint_id": "Complaint ID"}


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("spark")
    with warnings.catch_warnings():  # that pyspark has not been tested with this pandas
        warnings.simplefilter("ignore", FutureWarning)
        session = _session(scratch)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _session(scratch):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("coprod tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.local.dir", str(scratch / "tmp"))
        .getOrCreate()
    )


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """The files read: the messy log with every bad-input kind planted (CSV and Parquet)
    and a month-first export."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_read_complaints import make_log
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("logs")
    messy = folder / "messy.csv"
    planted = make_log(messy, 20_000)
    parquet = folder / "messy.parquet"
    pd.read_csv(messy, dtype=str, keep_default_na=False).to_parquet(parquet, index=False)
    us = write_complaint_export(folder / "us.csv", date_style="us_minutes")
    # the export's dates stored as timestamps (pandas writes nanoseconds), open ones
    # missing, and one received date in the future
    dated = pd.read_csv(us.path, dtype=str, keep_default_na=False)
    for column in ("received", "closed"):
        dated[column] = us.truth[column].to_numpy()
    dated.loc[5, "received"] = pd.Timestamp("2099-01-01")
    dated.to_parquet(folder / "dated.parquet", index=False)
    return {
        "messy": messy,
        "messy_parquet": parquet,
        "us": us.path,
        "dated_parquet": folder / "dated.parquet",
        "planted": planted,
    }


def _read(path, engine, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the quarantine warning (compared below instead)
        return read_complaints(path, engine=engine, as_of=AS_OF, **options)


def _first_difference(left: pd.DataFrame, right: pd.DataFrame) -> str:
    """Where two frames first differ, for the failure message."""
    if list(left.columns) != list(right.columns):
        return f"columns differ: {list(left.columns)} vs {list(right.columns)}"
    if len(left) != len(right):
        return f"{len(left)} rows vs {len(right)}"
    if not left.index.equals(right.index):
        at = next(i for i, (a, b) in enumerate(zip(left.index, right.index, strict=True)) if a != b)
        return f"index differs first at position {at}: {left.index[at]!r} vs {right.index[at]!r}"
    a, b = left.astype(object), right.astype(object)
    differs = ~((a == b) | (a.isna() & b.isna()))
    rows = differs.any(axis=1).to_numpy().nonzero()[0]
    if not len(rows):
        return "the values agree (the dtypes or attrs differ)"
    at = rows[0]
    cols = list(left.columns[differs.iloc[at].to_numpy()])
    return (
        f"{len(rows)} rows differ; first at position {at} (index {left.index[at]!r}), "
        f"columns {cols}:\n  {a.iloc[at][cols].to_dict()}\n  {b.iloc[at][cols].to_dict()}"
    )


def assert_same_load(got, want, label: str) -> None:
    """Two loads agree exactly: counts, summary, quarantine, clean rows, attrs, notes."""
    assert (got.n_read, got.n_loaded, got.n_quarantined) == (
        want.n_read,
        want.n_loaded,
        want.n_quarantined,
    ), label
    assert got.summary() == want.summary(), label
    assert tuple(got.notes) == tuple(want.notes), label
    for what, left, right in (
        (
            "quarantine",
            got.quarantine.reset_index(drop=True),
            want.quarantine.reset_index(drop=True),
        ),
        ("data", got.data, want.data),
    ):
        try:
            pd.testing.assert_frame_equal(left, right)
        except AssertionError as exc:
            raise AssertionError(
                f"{label}, {what}: {_first_difference(left, right)}\n{exc}"
            ) from None
    assert got.data.attrs == want.data.attrs, label


CASES = {
    "shipped log": ("shipped", {}),
    "messy log": ("messy", {"columns": MESSY_COLUMNS}),
    "month-first export": ("us", {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_spark_reads_as_duckdb_and_pandas(spark, logs, case):
    name, options = CASES[case]
    path = SHIPPED if name == "shipped" else logs[name]
    got = _read(path, "spark", **options)
    assert got.engine == "spark"
    assert_same_load(got, _read(path, "duckdb", **options), f"{case}: spark vs duckdb")
    assert_same_load(got, _read(path, "pandas", **options), f"{case}: spark vs pandas")
    if name == "messy":  # every planted bad row quarantined, and nothing else
        assert got.n_quarantined == sum(logs["planted"].values())
        assert set(got.quarantine["problem"]) >= {"closed before received", "dates in the future"}


def test_spark_reads_parquet_as_duckdb(spark, logs):
    got = _read(logs["messy_parquet"], "spark", columns=MESSY_COLUMNS)
    want = _read(logs["messy_parquet"], "duckdb", columns=MESSY_COLUMNS)
    assert_same_load(got, want, "messy Parquet: spark vs duckdb")
    assert got.n_quarantined == sum(logs["planted"].values())


def test_spark_reads_stored_timestamps_as_duckdb(spark, logs):
    path = logs["dated_parquet"]
    got = _read(path, "spark")
    assert_same_load(got, _read(path, "duckdb"), "dated Parquet: spark vs duckdb")
    assert got.data["received"].dtype == "datetime64[ns]"
    # row 6 (a Parquet file has no header row): in the future, so closed before received too
    assert got.quarantine[["row", "problem"]].to_dict("records") == [
        {"row": 6, "problem": "dates in the future"},
        {"row": 6, "problem": "closed before received"},
    ]
    assert got.notes == (
        "154 complaints without a closed date (open): days_to_close is NaN for them",
    )
    assert_same_load(got, _read(path, "pandas"), "dated Parquet: spark vs pandas")


def test_spark_leaves_the_session_running_without_its_views(spark, logs):
    before = {t.name for t in spark.catalog.listTables()}
    got = _read(logs["us"], "spark")
    assert got.n_read == got.n_loaded == 11027
    assert not spark.sparkContext._jsc.sc().isStopped()
    assert {t.name for t in spark.catalog.listTables()} == before
    assert spark.sql("SELECT 1 AS one").collect()[0].one == 1


def test_spark_says_a_broken_parquet_file_cannot_be_read(spark, logs, tmp_path):
    from coprod.io import InputError

    broken = tmp_path / "broken.parquet"
    broken.write_bytes(logs["messy_parquet"].read_bytes()[:5000])
    with pytest.raises(InputError, match="could not read the Parquet file"):
        _read(broken, "spark")
    with pytest.raises(InputError, match="could not read the Parquet file"):
        _read(broken, "duckdb")


def test_spark_reads_dates_in_chunks_as_pandas(spark, logs, monkeypatch):
    from coprod.io import complaint_engine

    monkeypatch.setattr(complaint_engine, "DATE_CHUNK", 200)  # times to the minute: chunks
    got = _read(logs["us"], "spark")
    assert_same_load(got, _read(logs["us"], "pandas"), "month-first export in chunks")

"""The out-of-core benchmark's generator and reference SQL, on a tiny log (no timings).

benchmarks/bench_out_of_core.py writes its log in chunks and checks it by hand in DuckDB;
both must be right for its figures to mean anything: the chunks add up to one CSV with
the planted bad rows, and the reference quarantines exactly those rows.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_out_of_core", BENCHMARKS / "bench_out_of_core.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def log(bench, tmp_path_factory):
    path = tmp_path_factory.mktemp("ooc") / "complaints.csv"
    rows: dict[str, list[np.ndarray]] = {}
    counts = bench.write_log(path, 3_000, chunk_rows=1_000, planted_rows=rows)
    return path, counts, {kind: np.concatenate(at) for kind, at in rows.items()}


def test_three_chunks_make_one_csv_with_the_planted_rows(bench, log):
    path, counts, rows = log
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(bench.COLUMNS)
    assert len(frame) == 3_000
    # 3% of each 1,000-row chunk: 30 rows split over 9 kinds (4, 4, 4, 3, ...); both copies
    # of a duplicate id count (a 3-row share gives one pair)
    assert counts == {
        "unknown severity": 12,
        "two-digit year": 12,
        "unknown stage": 12,
        "unknown upheld": 9,
        "closed before received": 9,
        "duplicate id": 6,
        "missing service": 9,
        "future date": 9,
        "unparseable date": 9,
    }
    assert {k: len(v) for k, v in rows.items()} == counts
    at = {kind: frame.iloc[r - 2] for kind, r in rows.items()}  # row 2 is the first data row
    assert (at["unknown severity"]["severity"] == "Critical").all()
    assert (at["two-digit year"]["received"] == "31/12/21").all()
    assert (at["unknown stage"]["stage"] == "Stage 4").all()
    assert (at["unknown upheld"]["upheld"] == "pending").all()
    assert (at["closed before received"]["closed"] == "01/02/2024").all()
    assert (at["missing service"]["service"] == "").all()
    assert (at["future date"]["received"] == "01/01/2099").all()
    assert (at["unparseable date"]["received"] == "last Tuesday").all()
    # ids are unique across the chunks except the planted pairs
    ids = frame[bench.ID_COLUMN]
    assert ids.nunique() == 3_000 - counts["duplicate id"] // 2
    assert set(ids[ids.duplicated(keep=False)].index + 2) == set(rows["duplicate id"])
    assert ids.str.fullmatch(r"C\d{9}").all()
    # the log is in order of receipt across chunks, within 2019-2024 (UK, then ISO)
    clean = frame.drop(index=np.concatenate(list(rows.values())) - 2)
    uk = pd.to_datetime(clean["received"], format="%d/%m/%Y", errors="coerce")
    received = uk.fillna(pd.to_datetime(clean["received"], format="%Y-%m-%d", errors="coerce"))
    assert received.notna().all()
    assert received.is_monotonic_increasing
    assert received.min() >= pd.Timestamp("2019-01-01")
    assert received.max() <= pd.Timestamp("2024-12-31")
    assert clean["received"].str.contains("-").sum() > 0  # the ISO dates of 2023


def test_the_reference_sql_quarantines_exactly_the_planted_rows(bench, log, tmp_path):
    path, counts, rows = log
    out = bench.reference(path, tmp_path / "store", as_of=bench.AS_OF)
    planted = set(np.concatenate(list(rows.values())).tolist())
    assert out["n_read"] == 3_000
    assert out["n_quarantined"] == len(planted) == sum(counts.values())
    assert out["n_loaded"] == 3_000 - len(planted)
    quarantine = pd.read_parquet(out["quarantine_path"])
    assert list(quarantine.columns) == ["row", "column", "value", "reason"]
    assert set(quarantine["row"]) == planted
    by_kind = quarantine.groupby(["column", "reason"]).size().to_dict()
    assert by_kind == {bench.KIND_PROBLEM[k]: n for k, n in counts.items()}
    for kind, (column, reason) in bench.KIND_PROBLEM.items():
        found = quarantine[(quarantine["column"] == column) & (quarantine["reason"] == reason)]
        assert sorted(found["row"]) == sorted(rows[kind].tolist()), kind
    clean = pd.read_parquet(out["data_path"])
    assert len(clean) == out["n_loaded"]
    assert not set(clean["row"]) & planted
    assert set(clean["stage"].dropna()) == {"stage 1", "stage 2", "ombudsman"}
    assert set(clean["severity"].dropna()) == {"low", "medium", "high"}
    assert out["counts"]["count"].sum() == out["n_loaded"]


def test_the_reference_agrees_with_read_complaints(bench, log, tmp_path):
    # the in-memory loader of today, on the same tiny file: same rows quarantined
    from coprod.io.complaint_log import read_complaints

    path, _, _ = log
    out = bench.reference(path, tmp_path / "store", as_of=bench.AS_OF)
    with pytest.warns(UserWarning):
        result = read_complaints(path, columns={"complaint_id": bench.ID_COLUMN}, as_of=bench.AS_OF)
    assert (result.n_loaded, result.n_quarantined) == (out["n_loaded"], out["n_quarantined"])
    reference = pd.read_parquet(out["quarantine_path"])
    assert set(result.quarantine["row"]) == set(reference["row"])

"""Monthly complaint counts per service on a large log, next to DuckDB on the same DataFrame.

    .venv/bin/python benchmarks/bench_monthly_counts.py [--rows 10000000] [--repeat 3]

Builds a seeded synthetic log (``service`` a Categorical of 8 services, ``received``
datetime64 over four years), then times

- ``coprod.complaints.complaint_counts(log, freq="month", by="service")`` and
- the reference ``duckdb.sql("select service, date_trunc('month', received) as
  period, count(*) from log group by all")`` reading the same DataFrame through
  DuckDB's pandas replacement scan (result fetched as a DataFrame),

taking the median of ``--repeat`` runs each, checks that both give the same count in
every service x month, and measures the peak memory allocated during our step
with tracemalloc (numpy reports its allocations to it).

Targets: our time <= 2x DuckDB's; our peak memory < 2 GB. (DuckDB needs the
``dev`` extra: ``pip install duckdb``.)
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from coprod.complaints import complaint_counts

TIME_TARGET = 2.0  # x DuckDB
MEMORY_TARGET = 2 * 2**30  # bytes
SERVICES = (
    "Housing repairs",
    "Social care",
    "Street lighting",
    "Refuse collection",
    "Parks and green spaces",
    "Libraries",
    "Road maintenance",
    "Leisure centres",
)


def build_log(rows: int, seed: int) -> pd.DataFrame:
    """A seeded complaint log: service (Categorical) and received (datetime64[us])."""
    rng = np.random.default_rng(seed)
    weights = np.array([40, 25, 25, 45, 20, 20, 35, 20], dtype=float)
    codes = rng.choice(len(SERVICES), size=rows, p=weights / weights.sum()).astype(np.int8)
    first = np.datetime64("2021-01-01T00:00:00", "us")
    span = int((np.datetime64("2025-01-01", "us") - first) // np.timedelta64(1, "us"))
    received = first + rng.integers(0, span, size=rows).astype("timedelta64[us]")
    return pd.DataFrame(
        {
            "service": pd.Categorical.from_codes(codes, categories=list(SERVICES)),
            "received": received,
        }
    )


def ours(log: pd.DataFrame) -> pd.DataFrame:
    return complaint_counts(log, freq="month", by="service")


def duckdb_counts(log: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    query = (
        "select service, date_trunc('month', received) as period, count(*) as count "
        "from log group by all"
    )
    return duckdb.sql(query).df()


def median_seconds(func, log: pd.DataFrame, repeat: int) -> tuple[float, pd.DataFrame]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(log)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def same_counts(mine: pd.DataFrame, theirs: pd.DataFrame) -> bool:
    a = mine[mine["count"] > 0].assign(service=mine["service"].astype(str))
    a = a.assign(period=a["period"].astype("datetime64[us]"))
    b = theirs.assign(
        service=theirs["service"].astype(str), period=theirs["period"].astype("datetime64[us]")
    )
    a = a.set_index(["service", "period"])["count"].sort_index()
    b = b.set_index(["service", "period"])["count"].astype(np.int64).sort_index()
    return bool(a.index.equals(b.index) and (a.to_numpy() == b.to_numpy()).all())


def peak_bytes(func, log: pd.DataFrame) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    func(log)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250103)
    args = parser.parse_args()

    start = time.perf_counter()
    log = build_log(args.rows, args.seed)
    built = time.perf_counter() - start
    log_mb = log.memory_usage(deep=True).sum() / 2**20
    print(f"log: {len(log):,} rows, {log_mb:.0f} MB in memory, built in {built:.2f} s")

    import duckdb

    reference, theirs = median_seconds(duckdb_counts, log, args.repeat)
    seconds, mine = median_seconds(ours, log, args.repeat)
    agree = same_counts(mine, theirs)
    peak = peak_bytes(ours, log)

    ratio = seconds / reference
    print(f"duckdb {duckdb.__version__}, {args.repeat} runs each (median)")
    print(f"{'step':48} {'figure':>12} {'reference':>12} {'ratio':>7}  target")
    print(
        f"{'complaint_counts(freq=month, by=service) s':48} {seconds:12.3f} "
        f"{reference:12.3f} {ratio:7.2f}  <= {TIME_TARGET}x DuckDB "
        + ("ok" if ratio <= TIME_TARGET else "MISSED")
    )
    print(
        f"{'  peak memory of our step (tracemalloc) MB':48} {peak / 2**20:12.1f} "
        f"{'':>12} {'':>7}  < {MEMORY_TARGET / 2**30:.0f} GB "
        + ("ok" if peak < MEMORY_TARGET else "MISSED")
    )
    print(
        f"same count in every service x month: {'yes' if agree else 'NO'} "
        f"(total {int(mine['count'].sum()):,} vs {int(theirs['count'].sum()):,}; "
        f"{len(mine)} rows vs {len(theirs)})"
    )
    if not agree:
        raise SystemExit("the two counts differ")


if __name__ == "__main__":
    main()

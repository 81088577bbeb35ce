"""Parsing a million dates: ``coprod.io.parse_dates`` next to ``pandas.to_datetime``.

    .venv/bin/python benchmarks/bench_dates.py [--rows 1000000] [--repeat 3] [--no-file]

Builds seeded columns of ``--rows`` dates as text (2014-2017, a time to the minute or
second, so most values are distinct), then times on the same column, in the same run
(median of ``--repeat``, alternating, after one untimed warm-up each):

* reference: ``pandas.to_datetime(column, format=...)`` given the one right format
  (it checks nothing else and decides no order);
* ``coprod.io.dates.parse_dates(column)`` with default settings: it finds each value's
  form, decides the day/month order from the values and writes a reason for every
  value it refuses.

Then two columns where **every** value fails (unrecognised text; impossible dates such
as ``31/02/2015 9:18``), timed against the all-loading month-first column: the target
is that failing costs no more than loading (it was about 60 times more when reasons
were written one value at a time). With the file section (default), the same for a
whole ``read_complaints`` on a CSV whose dates all load (next to ``pandas.read_csv``
plus ``pandas.to_datetime`` with the right format) and one whose dates all fail (it
builds a quarantine of ``--rows`` rows), next to the one that loads.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

_MONTHS = np.array(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    dtype=object,
)


def make_columns(rows: int, seed: int = 20140326) -> dict[str, tuple[pd.Series, str | None]]:
    """{case: (text column, the pandas format that reads it, or None when none should)}."""
    rng = np.random.default_rng(seed)
    stamps = pd.Series(
        pd.Timestamp("2014-01-01")
        + pd.to_timedelta(rng.integers(0, 4 * 365 * 86_400, rows), unit="s")
    ).dt
    year, month, day = stamps.year.astype(str), stamps.month, stamps.day
    hour, minute, second = stamps.hour, stamps.minute, stamps.second

    def two(v: pd.Series) -> pd.Series:
        return v.astype(str).str.zfill(2)

    us = month.astype(str) + "/" + day.astype(str) + "/" + year + " " + hour.astype(str)
    us = us + ":" + two(minute)
    named = year + "-" + pd.Series(_MONTHS[month.to_numpy() - 1]) + "-" + two(day)
    named = named + " " + two(hour) + ":" + two(minute) + ":" + two(second)
    ampm = two(month) + "/" + two(day) + "/" + year + " " + two((hour + 11) % 12 + 1)
    ampm = ampm + ":" + two(minute) + ":" + two(second) + np.where(hour >= 12, " PM", " AM")
    uk = two(day) + "/" + two(month) + "/" + year
    impossible = "31/02/" + year + " " + hour.astype(str) + ":" + two(minute) + ":" + two(second)
    return {
        "month first with a time, '3/26/2014 9:18'": (us.astype("str"), "%m/%d/%Y %H:%M"),
        "day first, date only, '26/03/2014'": (uk.astype("str"), "%d/%m/%Y"),
        "month names, '2014-Mar-26 09:18:41'": (named.astype("str"), "%Y-%b-%d %H:%M:%S"),
        "AM/PM, '03/26/2014 09:18:41 AM'": (ampm.astype("str"), "%m/%d/%Y %I:%M:%S %p"),
        "all fail: unrecognised text, 'x3/26/2014 9:18'": (("x" + us).astype("str"), None),
        "all fail: impossible dates, '31/02/2015 9:18:41'": (impossible.astype("str"), None),
    }


def _median_pair(ours: Callable[[], object], reference: Callable[[], object], repeat: int):
    ours(), reference()  # warm up: imports, caches
    times_ours, times_ref = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        reference()
        times_ref.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = ours()
        times_ours.append(time.perf_counter() - start)
    return statistics.median(times_ours), statistics.median(times_ref), result


def bench_parser(rows: int, repeat: int) -> None:
    from coprod.io.dates import parse_dates

    columns = make_columns(rows)
    loading = next(iter(columns))
    distinct = {case: column.nunique() for case, (column, _) in columns.items()}
    print(f"parse_dates on {rows:,} values (median of {repeat})")
    header = f"{'case':48} {'distinct':>9} {'ours s':>7} {'ref s':>7} {'x ref':>6}"
    print(header + "  reference")
    for case, (column, fmt) in columns.items():
        if fmt is None:
            continue

        def ours(column=column):
            return parse_dates(column)

        def reference(column=column, fmt=fmt):
            return pd.to_datetime(column, format=fmt)

        mine, ref, parsed = _median_pair(ours, reference, repeat)
        assert len(parsed.bad) == 0, case
        print(
            f"{case:48} {distinct[case]:>9,} {mine:7.2f} {ref:7.2f} {mine / ref:6.2f}"
            f"  pandas.to_datetime(format={fmt!r})"
        )
    print()
    print(f"{'every value fails':48} {'distinct':>9} {'ours s':>7} {'ref s':>7} {'x ref':>6}")
    us_column = columns[loading][0]
    for case, (column, fmt) in columns.items():
        if fmt is not None:
            continue

        def failing(column=column):
            parsed = parse_dates(column)
            return parsed, len(parsed.reason_array)

        def loading_ref():
            return parse_dates(us_column)

        mine, ref, (parsed, n_reasons) = _median_pair(failing, loading_ref, repeat)
        assert n_reasons == rows == len(parsed.bad), case
        verdict = "ok" if mine <= ref * 1.05 else "MISSED"
        print(
            f"{case:48} {distinct[case]:>9,} {mine:7.2f} {ref:7.2f} {mine / ref:6.2f}"
            f"  parse_dates on the all-loading month-first column (target <= 1x: {verdict})"
        )
    print(f"(first failing reason: {parsed.reasons[0]!r})")


def bench_file(rows: int, repeat: int) -> None:
    from coprod.io.complaint_log import read_complaints

    column = make_columns(rows)["month first with a time, '3/26/2014 9:18'"][0]
    ids = "C" + pd.Series(np.arange(rows)).astype(str).str.zfill(8)
    with tempfile.TemporaryDirectory() as tmp:
        good, bad = Path(tmp) / "loads.csv", Path(tmp) / "fails.csv"
        frame = pd.DataFrame({"complaint_id": ids, "service": "Parks", "received": column})
        frame.to_csv(good, index=False)
        frame.assign(received="x" + column).to_csv(bad, index=False)
        size = good.stat().st_size / 2**20

        def read(path):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return read_complaints(path, as_of="2020-01-01")

        print()
        print(f"read_complaints on a {rows:,}-row CSV ({size:.0f} MiB; median of {repeat})")
        print(f"{'case':48} {'ours s':>7} {'ref s':>7} {'x ref':>6}  reference")

        def plain():
            table = pd.read_csv(good, engine="pyarrow")
            table["received"] = pd.to_datetime(table["received"], format="%m/%d/%Y %H:%M")
            return table

        loads, ref, result = _median_pair(lambda: read(good), plain, repeat)
        assert result.n_quarantined == 0
        print(
            f"{'every date loads':48} {loads:7.2f} {ref:7.2f} {loads / ref:6.2f}"
            "  pandas.read_csv(engine='pyarrow') + to_datetime(format=...), checking nothing"
        )
        fails, loads_again, result = _median_pair(lambda: read(bad), lambda: read(good), repeat)
        assert result.n_quarantined == rows
        print(
            f"{'every date fails (quarantine of every row)':48} {fails:7.2f} {loads_again:7.2f} "
            f"{fails / loads_again:6.2f}  read_complaints on the file whose dates all load"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-file", action="store_true", help="skip the read_complaints part")
    args = parser.parse_args()
    bench_parser(args.rows, args.repeat)
    if not args.no_file:
        bench_file(args.rows, args.repeat)


if __name__ == "__main__":
    main()

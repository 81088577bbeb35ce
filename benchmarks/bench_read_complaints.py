"""Reading a large complaint log: ``read_complaints`` next to ``pandas.read_csv``.

    .venv/bin/python benchmarks/bench_read_complaints.py [--rows 1000000] [--repeat 3]

Writes a seeded, messy-but-mostly-valid complaint log CSV to a temporary folder (UK
dates that switch to ISO yyyy-mm-dd from 2023, labels in mixed case and spacing,
stage and outcome synonyms, quoted free text with commas and quotes, and about 3%
bad rows of every kind the loader quarantines), then times on the same file, in the
same run (median of ``--repeat``, alternating):

* reference: ``pandas.read_csv(path, engine="pyarrow")`` (types inferred, no checks);
* ``coprod.io.complaint_log.read_complaints(path)`` with full validation,

each after one untimed warm-up run.

Target: read_complaints within 2x the reference. Peak memory is each one's peak
resident set size in a fresh interpreter (VmHWM in /proc/self/status) minus its
resident size after the imports (pyarrow's allocations are not seen by tracemalloc).
The file is memory-mapped by read_complaints, so its pages count towards the peak.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

TARGET = 2.0

SERVICES = np.array(
    [
        "Waste collection",
        "Street lighting",
        "Road maintenance",
        "Parks and green spaces",
        "Housing repairs",
        "Council tax",
        "Planning",
        "Libraries",
        "Parking",
        "Noise",
    ]
)
COUNCILS = np.array(["Sheffield", "Leeds", "Birmingham", "Bristol", "Manchester"])
CATEGORIES = np.array(["delay", "quality of service", "communication", "staff conduct", ""])
SEVERITY = np.array(["low", "Low", "medium", "Medium", "HIGH", " high ", ""])
STAGE = np.array(["stage 1", "Stage 1", "stage 2", "Review", "ombudsman", "LGSCO", "1"])
UPHELD = np.array(["upheld", "Upheld", "partly upheld", "not upheld", "No", "yes", ""])
NAMES = np.array(["Ann Smith", "Bob Jones", "Chen Li", "Dee Patel", "Eve O'Neil"])
DETAILS = np.array(
    [
        "Bin not emptied, again",
        'Light out on "Main St"',
        "Pothole outside no. 4",
        "Noise at night, every night",
        "",
    ]
)


#: The kinds of bad row planted, in the order they are planted.
KINDS = (
    "unknown severity",
    "two-digit year",
    "unknown stage",
    "unknown upheld",
    "closed before received",
    "duplicate id",
    "missing service",
    "future date",
    "unparseable date",
)


def make_log(path: Path, rows: int, seed: int = 20250102) -> dict[str, int]:
    """Write the messy log to ``path``; return the planted bad rows by kind."""
    rng = np.random.default_rng(seed)
    n = rows
    pick = rng.integers

    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 8)).astype(object)
    received_day = np.sort(pick(0, 5 * 365, n))  # a log is in order of receipt
    received = np.datetime64("2019-01-01") + received_day.astype("timedelta64[D]")
    closed = received + pick(0, 120, n).astype("timedelta64[D]")

    def dates(values: np.ndarray, iso_from: str | None) -> np.ndarray:
        days, inverse = np.unique(values, return_inverse=True)
        index = pd.DatetimeIndex(days)
        uk = np.asarray(index.strftime("%d/%m/%Y"), dtype=object)
        if iso_from is None:
            return uk[inverse]
        iso = np.asarray(index.strftime("%Y-%m-%d"), dtype=object)
        return np.where(index >= pd.Timestamp(iso_from), iso, uk)[inverse]

    received_text = dates(received, "2023-01-01")  # the export switched to ISO in 2023
    closed_text = dates(closed, None)
    closed_text[rng.random(n) < 0.12] = ""  # still open

    columns = {
        "Complaint ID": ids,
        "service": SERVICES[pick(0, len(SERVICES), n)].astype(object),
        "council": COUNCILS[pick(0, len(COUNCILS), n)].astype(object),
        "received": received_text,
        "category": CATEGORIES[pick(0, len(CATEGORIES), n)].astype(object),
        "severity": SEVERITY[pick(0, len(SEVERITY), n)].astype(object),
        "stage": STAGE[pick(0, len(STAGE), n)].astype(object),
        "upheld": UPHELD[pick(0, len(UPHELD), n)].astype(object),
        "closed": closed_text,
        "complainant_name": NAMES[pick(0, len(NAMES), n)].astype(object),
        "details": DETAILS[pick(0, len(DETAILS), n)].astype(object),
    }
    # about 3% bad rows, 0.33% of each kind, on distinct rows
    kinds = KINDS
    chosen = rng.permutation(n)[: int(n * 0.03)]
    planted = {}
    for kind, rows_ in zip(kinds, np.array_split(chosen, len(kinds)), strict=True):
        planted[kind] = len(rows_)
        if kind == "unknown severity":
            columns["severity"][rows_] = "Critical"
        elif kind == "two-digit year":
            # (a month-first date such as 12/31/2021 would make the column's day/month
            # order undecidable: an error for the whole file, not a quarantined row)
            columns["received"][rows_] = "31/12/21"
        elif kind == "unknown stage":
            columns["stage"][rows_] = "Stage 4"
        elif kind == "unknown upheld":
            columns["upheld"][rows_] = "pending"
        elif kind == "closed before received":
            columns["received"][rows_] = "28/02/2024"
            columns["closed"][rows_] = "01/02/2024"
        elif kind == "duplicate id":
            half = len(rows_) // 2
            columns["Complaint ID"][rows_[:half]] = columns["Complaint ID"][rows_[half : 2 * half]]
            planted[kind] = 2 * half
        elif kind == "missing service":
            columns["service"][rows_] = ""
        elif kind == "future date":
            columns["received"][rows_] = "01/01/2099"
            columns["closed"][rows_] = ""
        elif kind == "unparseable date":
            columns["received"][rows_] = "last Tuesday"
    pd.DataFrame(columns).to_csv(path, index=False, lineterminator="\n")
    return planted


def _median_times(path: Path, repeat: int) -> tuple[float, float, object]:
    from coprod.io.complaint_log import read_complaints

    reference, ours = [], []
    with warnings.catch_warnings():  # one untimed run each: imports, page cache, thread pool
        warnings.simplefilter("ignore")
        pd.read_csv(path, engine="pyarrow")
        result = read_complaints(path, columns={"complaint_id": "Complaint ID"})
    for _ in range(repeat):
        start = time.perf_counter()
        pd.read_csv(path, engine="pyarrow")
        reference.append(time.perf_counter() - start)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            result = read_complaints(path, columns={"complaint_id": "Complaint ID"})
            ours.append(time.perf_counter() - start)
    return statistics.median(reference), statistics.median(ours), result


#: ``kib(field)``: a line of /proc/self/status in KiB, for the scripts a benchmark runs in
#: a fresh interpreter to read its peak memory (needs ``import resource``).
KIB_SOURCE = """
def kib(field):
    # Linux: VmRSS (now) and VmHWM (peak) of this process image. ru_maxrss is no good
    # here: after fork + exec it starts from the parent's peak.
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(field))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

_MEMORY = (
    """
import resource, sys, warnings
import pandas as pd, pyarrow, pyarrow.csv, pyarrow.compute
import coprod.io.complaint_log, coprod.io

"""
    + KIB_SOURCE
    + """


before = kib("VmRSS:")
warnings.simplefilter("ignore")
if sys.argv[1] == "pandas":
    pd.read_csv(sys.argv[2], engine="pyarrow")
else:
    coprod.io.complaint_log.read_complaints(sys.argv[2], columns={"complaint_id": "Complaint ID"})
print((kib("VmHWM:") - before) / 1024)
"""
)


def _peak_mib(which: str, path: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY, which, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "complaints.csv"
        start = time.perf_counter()
        planted = make_log(path, args.rows)
        made = time.perf_counter() - start
        size = path.stat().st_size / 2**20
        print(f"{args.rows:,} rows, {size:.0f} MiB, written in {made:.1f} s; planted bad rows:")
        print("  " + ", ".join(f"{k} {v:,}" for k, v in planted.items()))

        reference, ours, result = _median_times(path, args.repeat)
        expected_bad = sum(planted.values())
        print(
            f"read_complaints: {result.n_read:,} read, {result.n_loaded:,} loaded, "
            f"{result.n_quarantined:,} quarantined (planted {expected_bad:,})"
        )
        ratio = ours / reference
        print()
        print(
            f"{'case (median of ' + str(args.repeat) + ')':58} {'s':>7} {'x reference':>12}  target"
        )
        print(f"{'reference: pandas.read_csv(engine=pyarrow)':58} {reference:7.2f} {1:12.2f}")
        verdict = "ok" if ratio <= TARGET else "MISSED"
        print(
            f"{'read_complaints (full validation)':58} {ours:7.2f} {ratio:12.2f}  "
            f"<= {TARGET}x {verdict}"
        )
        mem_ref = _peak_mib("pandas", path)
        mem_ours = _peak_mib("coprod", path)
        print()
        print(
            f"{'peak memory, fresh interpreter, after imports':58} {'MiB':>7} {'x reference':>12}"
        )
        print(f"{'reference: pandas.read_csv(engine=pyarrow)':58} {mem_ref:7.0f} {1:12.2f}")
        print(f"{'read_complaints':58} {mem_ours:7.0f} {mem_ours / mem_ref:12.2f}")
        print(f"(file size {size:.0f} MiB)")


if __name__ == "__main__":
    main()

"""Import time of coprod next to ``import pandas, matplotlib``, measured in the same run.

    .venv/bin/python benchmarks/bench_import.py [--repeat 15]

Each figure is the median wall time of a fresh interpreter doing only that import, minus
the median of a fresh interpreter doing nothing. Target (issue 3): coprod within 1.3x of
the pandas + matplotlib reference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (baseline, subtracted)": "pass",
    "reference: import pandas, matplotlib": "import pandas, matplotlib",
    "import coprod": "import coprod",
    "import coprod + grid, survey, datasets, charts.grid": (
        "import coprod, coprod.grid, coprod.io.survey, coprod.datasets, coprod.charts.grid"
    ),
}
TARGET = 1.3


def _time(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    measured = {label: _time(code, repeat) for label, code in CASES.items()}
    baseline = measured.pop("python -c pass (baseline, subtracted)")
    reference = measured["reference: import pandas, matplotlib"] - baseline
    print(f"{'case':55} {'ms':>8} {'x reference':>12}  target")
    for label, seconds in measured.items():
        net = seconds - baseline
        ratio = net / reference
        target = (
            ""
            if label.startswith("reference")
            else f"<= {TARGET}x " + ("ok" if ratio <= TARGET else "MISSED")
        )
        print(f"{label:55} {net * 1000:8.0f} {ratio:12.2f}  {target}")


if __name__ == "__main__":
    main()

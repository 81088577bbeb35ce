"""Rebuild the FixMyStreet panel: every council area's monthly report counts, 2007-2020.

Standard library only. Copies, byte for byte, from the full FixMyStreet data
(``../shared/data/fixmystreet_reports`` beside the repository):

* ``all/YYYY-M.csv``: every monthly file of ``no_categories/`` (all reports), and
* ``road_defects/YYYY-M.csv``: the header and the ``C7`` rows ("Road Safety & Defects")
  of every monthly file of ``shef_c/``,

for 2007-2 ... 2020-12 (2007-1 is an empty stub with another header; the yearly files and
"all time.csv" are sums of the monthly ones). A council area with no reports in a month
has no row (absent = zero), as published. ``SOURCE.txt`` is written by hand.

Usage::

    python coprod/data/fixmystreet_panel/make_panel.py [--source FOLDER]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2].parent / "shared" / "data" / "fixmystreet_reports"
ALL_HEADER = b"lad,reports,unique_users,average_per_user\n"
CATEGORY_HEADER = b"lad,SHEF_C_CODE,reports,unique_users,average_per_user\n"
ROAD_DEFECTS = b"C7"


def month_names() -> list[str]:
    """2007-2.csv ... 2020-12.csv."""
    return [f"{y}-{m}.csv" for y in range(2007, 2021) for m in range(1, 13)][1:]


def build(source: Path) -> dict[str, bytes]:
    """{relative path: bytes} of the panel, from the full data in ``source``."""
    out: dict[str, bytes] = {}
    for name in month_names():
        whole = (source / "no_categories" / name).read_bytes()
        if not whole.startswith(ALL_HEADER):
            raise SystemExit(f"{source / 'no_categories' / name}: unexpected header")
        out[f"all/{name}"] = whole
        lines = (source / "shef_c" / name).read_bytes().splitlines(keepends=True)
        if not lines or lines[0] != CATEGORY_HEADER:
            raise SystemExit(f"{source / 'shef_c' / name}: unexpected header")
        kept = [line for line in lines[1:] if line.split(b",")[1] == ROAD_DEFECTS]
        out[f"road_defects/{name}"] = lines[0] + b"".join(kept)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    for relative, data in build(args.source).items():
        target = HERE / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    shutil.copyfile(args.source / "licence.txt", HERE / "licence.txt")


if __name__ == "__main__":
    main()

"""Rebuild the FixMyStreet extract (monthly report counts for 10 council areas, 2012-2020).

Standard library only. For every month from 2012-1 to 2020-12, copies the header
line and the rows of the 8 Local Authority Districts below from
``no_categories/YYYY-M.csv`` of the full FixMyStreet data, byte for byte (same
file names, header, row order and line endings), and copies ``licence.txt``. A LAD
with no reports in a month has no row there (absent = zero reports), so it has none
here either. ``SOURCE.txt`` beside this script is written by hand and not touched.

Usage (from anywhere)::

    python coprod/data/fixmystreet_extract/make_extract.py [--source FOLDER] [--out FOLDER]

The source defaults to ``../shared/data/fixmystreet_reports`` beside the repository,
the output to this script's folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "fixmystreet_reports"

#: The LADs kept (ONS GSS code: name), as in coprod.io.counts.LAD_NAMES.
LADS = {
    "E08000019": "Sheffield",
    "E08000035": "Leeds",
    "E08000025": "Birmingham",
    "E06000023": "Bristol, City of",
    "E08000003": "Manchester",
    "E06000043": "Brighton and Hove",
    "E09000028": "Southwark",
    "W06000015": "Cardiff",
    # two island areas with few reports: most of their months are absent (= zero)
    "S12000013": "Na h-Eileanan Siar",
    "S12000023": "Orkney Islands",
}
FIRST_YEAR, LAST_YEAR = 2012, 2020
HEADER = b"lad,reports,unique_users,average_per_user\n"


def month_names() -> list[str]:
    """The monthly file names kept, in order: 2012-1.csv ... 2020-12.csv."""
    return [f"{y}-{m}.csv" for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]


def extract(source: Path) -> dict[str, bytes]:
    """{file name: bytes} of the extract, built from the full data in ``source``."""
    codes = {code.encode("ascii") for code in LADS}
    out: dict[str, bytes] = {}
    for name in month_names():
        data = (source / "no_categories" / name).read_bytes()
        lines = data.splitlines(keepends=True)
        if not lines or lines[0] != HEADER:
            raise SystemExit(f"{source / 'no_categories' / name}: unexpected header {lines[:1]}")
        kept = [line for line in lines[1:] if line.split(b",", 1)[0] in codes]
        out[name] = lines[0] + b"".join(kept)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    if not (args.source / "no_categories").is_dir():
        print(f"source folder not found: {args.source / 'no_categories'}", file=sys.stderr)
        return 2
    files = extract(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    (args.out / "licence.txt").write_bytes((args.source / "licence.txt").read_bytes())
    rows = sum(data.count(b"\n") - 1 for data in files.values())
    reports = sum(
        int(line.split(b",")[1]) for data in files.values() for line in data.splitlines()[1:]
    )
    print(f"wrote {len(files)} monthly files to {args.out}: {rows:,} rows, {reports:,} reports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

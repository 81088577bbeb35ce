"""Rebuild survey_extract.csv from the full Toronto Public Engagement Review survey.

Standard library only. Keeps exactly the columns that
``coprod.io.survey.TORONTO_ENGAGEMENT_MAPPING`` reads - the respondent number, the Q1
tick boxes 1.1-1.20, the Q3 Likert items 3.1-3.11 and "3.12. Other, please
specify", the Q7 Likert items 7.1-7.10 and "7.11. Other, please specify", and the
age band - in their original order, with their original header texts and bytes,
in the original Windows-1252 (cp1252) encoding with LF line endings. All 962 rows
are kept; no value is changed.

Usage (from anywhere)::

    python coprod/data/toronto_engagement/make_extract.py [--source FILE] [--out FILE]

The source defaults to ``../shared/data/toronto_engagement_survey/survey_data.csv``
beside the repository, the output to ``survey_extract.csv`` beside this script.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "toronto_engagement_survey" / "survey_data.csv"
DEFAULT_OUT = HERE / "survey_extract.csv"
ENCODING = "cp1252"
N_ROWS = 962


def wanted(header: str) -> bool:
    """True for the columns the mapping reads (see the module docstring)."""
    if header in (
        "Respondent",
        "3.12. Other, please specify",  # holds the Likert rating (labels swapped)
        "7.11. Other, please specify",  # holds the Likert rating (labels swapped)
        "10. What is your age?",
    ):
        return True
    m = re.match(r"([137])\.(\d+)\. ", header)
    if not m:
        return False
    question, item = m.group(1), int(m.group(2))
    limit = {"1": 20, "3": 11, "7": 10}[question]  # 1.21 is free text ("Other")
    return item <= limit


def extract(source: Path) -> bytes:
    """The extract's bytes, built from the full file at ``source``."""
    text = source.read_bytes().decode(ENCODING)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    keep = [i for i, name in enumerate(header) if wanted(name)]
    if len(keep) != 45:
        raise SystemExit(f"expected 45 columns to keep, found {len(keep)}: is {source} right?")
    if len(body) != N_ROWS:
        raise SystemExit(f"expected {N_ROWS} data rows in {source}, found {len(body)}")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([row[i] for i in keep])
    return out.getvalue().encode(ENCODING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"source file not found: {args.source}", file=sys.stderr)
        return 2
    data = extract(args.source)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

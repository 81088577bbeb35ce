"""``read_initiatives``: petitions, requests and community plans residents submitted.

The blog post's second route to co-planning: residents who identify an issue and want a
say in it. One row per initiative (fields of :data:`coprod.io.schemas.INITIATIVES`): the
service, the date it was submitted, its kind (:data:`coprod.vocab.INITIATIVE_KINDS`, read
through :data:`coprod.vocab.INITIATIVE_SYNONYMS`), and optionally a reference, the
signatures or residents behind it and a title. A row with no service, an unreadable date,
an unknown kind or a negative count is quarantined with the reason, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from coprod._core.text import label_key
from coprod.io.columns import resolve_columns
from coprod.io.dates import parse_dates
from coprod.io.parse import as_text, parse_numbers
from coprod.io.raw import read_raw_table
from coprod.io.result import LoadResult, Problems, finish
from coprod.io.schemas import INITIATIVES
from coprod.io.validate import duplicate_key_problems
from coprod.vocab import INITIATIVE_KINDS, INITIATIVE_SYNONYMS

__all__ = ["read_initiatives"]

_KIND_OF = {label_key(word): kind for word, kind in INITIATIVE_SYNONYMS.items()}


def read_initiatives(
    path: str | Path,
    *,
    columns: Mapping[str, str | None] | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    skip_rows: int = 0,
    date_order: str | None = None,
    date_formats: Sequence[str] | None = None,
) -> LoadResult:
    """Read a table of resident initiatives (CSV or spreadsheet), kind ``"initiatives"``.

    The result has ``service``, ``date``, ``kind`` and, when the file has them,
    ``initiative_id``, ``signatures`` and ``title``; it feeds
    ``consider_co_planning(..., initiatives=...)``. ``columns`` maps a field to the file's
    column name where they differ (``{"kind": "Type"}``). Kinds are matched ignoring case
    and spacing against :data:`coprod.vocab.INITIATIVE_SYNONYMS` ("e-petition",
    "neighbourhood plan", "deputation"...). Dates go through :func:`coprod.io.parse_dates`:
    day/month order decided from the values that settle it, or given with ``date_order=``.
    A repeated ``initiative_id`` is quarantined. ``encoding``, ``sheet`` and ``skip_rows``
    (title rows above the header) are passed to :func:`coprod.io.read_raw_table`.
    """
    raw = read_raw_table(path, encoding=encoding, sheet=sheet, skip_rows=skip_rows)
    found = resolve_columns(
        raw,
        columns,
        required=INITIATIVES.required,
        optional=INITIATIVES.optional,
        source=raw.source,
        schema=INITIATIVES,
    )
    frame = raw.frame
    problems = Problems(raw.source)
    out: dict[str, pd.Series] = {}
    for field in ("initiative_id", "service", "title"):
        if field not in found:
            continue
        text = frame[found[field]].map(as_text).replace("", None).rename(field)
        out[field] = text
        if field == "service":
            for row in text.index[text.isna()]:
                problems.add(
                    row,
                    found[field],
                    frame.loc[row, found[field]],
                    "service is blank",
                    "blank but required",
                )
    kinds = []
    for row, value in frame[found["kind"]].items():
        kind = _KIND_OF.get(label_key(as_text(value)))
        if kind is None:
            problems.add(
                row,
                found["kind"],
                value,
                f"{as_text(value) or 'a blank'!s} is not a kind of initiative: one of "
                + ", ".join(INITIATIVE_KINDS)
                + " (or a spelling in coprod.vocab.INITIATIVE_SYNONYMS)",
                "unknown kind",
            )
        kinds.append(kind)
    out["kind"] = pd.Series(kinds, index=frame.index, dtype=object, name="kind")
    dates = parse_dates(
        frame[found["date"]],
        date_order=date_order,
        date_formats=date_formats,
        column=found["date"],
        rows=frame.index,
        allow_missing=False,
        excel_serials=raw.format == "excel",
        file=raw.source,
    )
    problems.add_parsed(dates, frame[found["date"]], found["date"], "dates not accepted")
    out["date"] = dates.values.rename("date")
    if "signatures" in found:
        numbers = parse_numbers(frame[found["signatures"]], allow_missing=True)
        problems.add_parsed(numbers, frame[found["signatures"]], found["signatures"])
        out["signatures"] = numbers.values.rename("signatures")
        for row in out["signatures"].index[out["signatures"].lt(0).fillna(False)]:
            value = frame.loc[row, found["signatures"]]
            problems.add(
                row,
                found["signatures"],
                value,
                f"signatures {value} is below zero",
                "signatures below zero",
            )
    order = [
        f for f in ("initiative_id", "service", "date", "kind", "signatures", "title") if f in out
    ]
    data = pd.DataFrame({f: out[f] for f in order}, index=frame.index)
    if "initiative_id" in data:
        problems.extend(
            duplicate_key_problems(
                data.dropna(subset=["initiative_id"]), ["initiative_id"], column_names=found
            )
        )
    data.attrs["source_columns"] = found
    unused = [c for c in frame.columns if c not in found.values()]
    notes = [*raw.notes, *dates.notes]
    if unused:
        notes.append(f"ignored {len(unused)} unmapped column(s): {', '.join(unused)}")
    return finish(data, problems, kind="initiatives", encoding=raw.encoding, notes=notes)

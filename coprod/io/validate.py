"""Row checks shared by loaders: duplicate keys and pandera schema checks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coprod._core.text import rows_text
from coprod.io.parse import as_text, is_blank
from coprod.io.result import InputError, Problem

__all__ = [
    "duplicate_key_problems",
    "problems_from_failure_cases",
    "validate_lazily",
]

# --------------------------------------------------------------------------- duplicates


def _key_part(value: Any) -> Any:
    return None if is_blank(value) else value


def duplicate_key_problems(
    frame: pd.DataFrame,
    key: Sequence[str],
    *,
    column_names: Mapping[str, str] | None = None,
) -> list[Problem]:
    """A problem for EVERY row whose key is shared with another row.

    All occurrences are reported (not just the later ones): the loader cannot know
    which copy is right. The reason names the other rows, e.g. ``duplicate
    respondent_id 'R1' (also on rows 5, 9): keep one and remove the others``.
    Blank key parts count as equal to each other. ``column_names`` maps a field
    to the column name shown in the quarantine (the user's name).
    """
    key = list(key)
    column_names = dict(column_names or {})
    groups: dict[tuple[Any, ...], list[int]] = {}
    parts = [frame[k].tolist() for k in key]
    for row, values in zip(frame.index.tolist(), zip(*parts, strict=True), strict=True):
        groups.setdefault(tuple(_key_part(v) for v in values), []).append(int(row))
    shown_cols = ", ".join(column_names.get(k, k) for k in key)
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    kind = f"duplicate {label}"
    problems = []
    for values, rows in groups.items():
        if len(rows) < 2:
            continue
        texts = [as_text(v) for v in values]
        shown = repr(texts[0]) if len(key) == 1 else "(" + ", ".join(map(repr, texts)) + ")"
        value = " | ".join(texts)
        for row in rows:
            others = [r for r in rows if r != row]
            where = f"row {others[0]}" if len(others) == 1 else f"rows {rows_text(others)}"
            problems.append(
                Problem(
                    row=row,
                    column=shown_cols,
                    value=value,
                    reason=f"duplicate {label} {shown} (also on {where}): keep one and "
                    "remove the others",
                    kind=kind,
                )
            )
    return problems


# --------------------------------------------------------------------------- pandera


def problems_from_failure_cases(
    failure_cases: pd.DataFrame,
    *,
    column_names: Mapping[str, str] | None = None,
    raw: pd.DataFrame | None = None,
    source: str | None = None,
) -> list[Problem]:
    """Turn pandera's ``SchemaErrors.failure_cases`` into problems, one per failed cell.

    The failure cases' ``index`` must be row numbers (as in a :class:`RawTable`).
    ``column_names`` maps a field to the user's column (shown in the quarantine);
    with ``raw`` (the raw frame) the value shown is the cell as written in the file.
    Failures that concern a whole column rather than rows (a missing column, a
    wrong dtype) are not row problems and raise :class:`InputError`.
    """
    column_names = dict(column_names or {})
    problems = []
    whole: list[str] = []
    for rec in failure_cases.to_dict("records"):
        fld = rec.get("column")
        check = str(rec.get("check"))
        if is_blank(rec.get("index")):
            whole.append(f"{fld or rec.get('failure_case')}: {check}")
            continue
        row = int(rec["index"])
        col = column_names.get(fld, fld) if fld is not None else "(row)"
        value = rec.get("failure_case")
        if raw is not None and col in raw.columns and row in raw.index:
            value = raw.at[row, col]
        problems.append(Problem(row, str(col), value, *_check_reason(fld, check, value)))
    if whole:
        raise InputError(
            "the table does not fit its schema: " + "; ".join(whole),
            file=source,
            fix="check the column mapping (columns=) and the file's header",
        )
    return problems


def _check_reason(fld: Any, check: str, value: Any) -> tuple[str, str]:
    """(reason, kind) for one failed pandera check (the check's name, not a reason's
    text, tells the kind)."""
    if check == "not_nullable":
        return f"{fld} is blank but required: fill it in (or remove the row)", "blank but required"
    m = re.fullmatch(r"isin\((.*)\)", check, flags=re.S)
    if m:
        return (
            f"{as_text(value)!r} is not an accepted {fld}: use one of {m.group(1)}",
            f"not an accepted {fld}",
        )
    if check.startswith("must "):  # our own messages (coprod.io.schemas)
        return f"{fld} {as_text(value)!r} {check}: correct the value", f"{fld}: {check}"
    return (
        f"{fld} {as_text(value)!r} fails the check {check}: correct the value",
        f"{fld} fails the check {check}",
    )


def validate_lazily(
    schema: Any,
    frame: pd.DataFrame,
    *,
    column_names: Mapping[str, str] | None = None,
    raw: pd.DataFrame | None = None,
    source: str | None = None,
) -> list[Problem]:
    """Validate ``frame`` with a pandera schema (lazily) and return the row problems.

    No failures gives ``[]``; see :func:`problems_from_failure_cases` for the rest.
    """
    from coprod.io.schemas import pandera_module

    pandera_module()  # (quietly: see there)
    import pandera.errors

    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return problems_from_failure_cases(
            exc.failure_cases, column_names=column_names, raw=raw, source=source
        )
    return []

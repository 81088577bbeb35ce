"""Read published survey tables: one row per item, a share per answer, and a base.

Survey reports publish results already aggregated, e.g. a sheet like::

    Table 3: Views of the council                               <- title rows (skip_rows=)
    Statement                  Strongly disagree ... Strongly agree  Don't know  Base
    The council listens        8%                ... 12%             5%          1,024
    ...
    (blank)
    Source: Residents' survey 2024                              <- a note (not read)

:func:`read_survey_table` loads such a table into the shape the Likert charts take
(:func:`coprod.charts.likert.likert_table`): one row per item and answer with
``weight = share x base``, the estimated number of respondents who gave that answer
(the shares of an item first rescaled to add up to exactly 100%, as rounding leaves
them a little off),
and one column per item holding the answer on that item's rows, exactly as a
respondent-level survey read by :func:`coprod.io.read_survey` (weighted)::

    result = read_survey_table("report.ods", sheet="Table 3", skip_rows=1,
                               item="Statement", scale=AGREE_5, missing=["Don't know"],
                               base="Base")
    table = likert_table(result.data, items=result.data.attrs["likert_items"],
                         scale=result.data.attrs["likert_scale"], weight="weight",
                         n_from_weights=True)

Rules (each row is an item, loaded or quarantined with a reason):

* shares are numbers: percentages (``shares_as="percent"``, "45" or "45%") or
  fractions (``shares_as="fraction"``, 0.45, as Excel stores a cell formatted as a
  percentage); a blank share is refused (write 0 if nobody gave that answer);
* the shares of an item (answers and ``missing`` columns such as "Don't know")
  must add up to 100% within ``tolerance`` percentage points (default: half a point
  per share column, the most that rounding each share to a whole percent can move the
  total; at least 1): anything further off is quarantined with the total;
* the base (a column, a row such as "Base: all respondents", or one number for all
  items) is a number above zero; a repeated item is quarantined (every copy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import label_key, plural
from coprod.io.columns import resolve_columns
from coprod.io.parse import as_text, is_blank, parse_numbers
from coprod.io.raw import read_raw_table
from coprod.io.result import InputError, LoadResult, Problems, finish
from coprod.io.validate import duplicate_key_problems

__all__ = ["SHARES_AS", "read_survey_table"]

#: Values of ``shares_as=``.
SHARES_AS = ("percent", "fraction")
_RESERVED = ("item", "answer", "share", "base", "weight")
_SHARES = "(shares)"


def read_survey_table(
    path: str | Path,
    *,
    item: str,
    answers: Sequence[str] | Mapping[str, str] | None = None,
    scale: Sequence[str] | None = None,
    missing: Sequence[str] = (),
    base: str | float | None = None,
    shares_as: str = "percent",
    tolerance: float | None = None,
    sheet: str | int | None = None,
    skip_rows: int = 0,
    header_rows: int = 1,
    encoding: str | None = None,
) -> LoadResult:
    """Read a published table of Likert shares into weighted Likert responses.

    Parameters
    ----------
    path:
        A spreadsheet (``.ods``, ``.xlsx``, ``.xls``) or CSV, read by
        :func:`coprod.io.read_raw_table`.
    item:
        The column holding each item (statement or question).
    answers:
        The share columns of the answers, lowest first: a list of columns (the
        answers are named as the columns, or as ``scale`` position by position) or
        ``{answer: column}``. Without ``answers=``, the columns are found under the
        names in ``scale`` (ignoring case and spacing).
    scale:
        The answers, lowest first (e.g. :data:`coprod.vocab.AGREE_5`).
    missing:
        Share columns of non-answers ("Don't know", "Prefer not to say"): counted in
        the 100% but not on the scale (their rows have no answer in the item column).
    base:
        The respondents each item's shares are of: a column name, the text in the
        item column of a base row (e.g. ``"Base"``; its first number is every item's
        base), or a number. Required: without it there is nothing to weight by.
    shares_as:
        ``"percent"`` (45 or "45%") or ``"fraction"`` (0.45).
    tolerance:
        How far (percentage points) an item's shares may be from 100% in total; see
        the module docstring for the default.
    sheet, skip_rows, header_rows, encoding:
        As for :func:`coprod.io.read_raw_table`. Notes below the table are not read.

    Returns
    -------
    LoadResult with ``kind="survey_table"``. ``data`` has one row per item and answer
    column (its index is the item's row in the file): ``item``, ``answer`` (the
    answer or the missing column's name), ``share`` (the published share, as a
    fraction), ``base``, ``weight`` (share x base, with the item's shares rescaled to
    add up to exactly 1) and one column per item (an ordered categorical on the
    scale: the answer on that item's rows, missing elsewhere). ``n_loaded`` counts
    the items loaded (``rows_loaded``). ``data.attrs`` holds ``likert_items``,
    ``likert_scale``, ``source_columns``, ``shares_as`` and ``survey_table``.
    """
    if shares_as not in SHARES_AS:
        raise InputError(
            f"shares_as= must be 'percent' or 'fraction', got {shares_as!r}",
            fix="pass shares_as='percent' for 45 or '45%', shares_as='fraction' for 0.45",
        )
    raw = read_raw_table(
        path,
        encoding=encoding,
        header_rows=header_rows,
        sheet=sheet,
        skip_rows=skip_rows,
    )
    source = raw.source
    levels, answer_columns = _answer_columns(raw, answers, scale, source)
    missing = list(missing)
    if isinstance(missing, str):
        raise InputError(f"missing= got a single string {missing!r}", fix=f"pass [{missing!r}]")
    missing_columns = resolve_columns(raw, {m: m for m in missing}, required=missing)
    if base is None:
        raise InputError(
            "base= is required: the respondents each item's shares are of",
            file=source,
            fix="pass base='<column with the base>', base='<label of the base row>' or "
            "base=<number of respondents>",
        )
    item_column = resolve_columns(raw, {"item": item}, required=["item"])["item"]
    frame = raw.frame
    share_columns = {**answer_columns, **missing_columns}  # {answer: column}
    used = [item_column, *share_columns.values()]
    if len(set(used)) != len(used):
        raise InputError(
            "the item, answer and missing columns must all be different columns",
            file=source,
            fix="check item=, answers= (or scale=) and missing=",
        )
    notes: list[str] = list(raw.notes)

    # the base: a column, a row, or a number
    base_column = None
    base_rows: list[int] = []
    base_value: float | None = None
    if isinstance(base, int | float) and not isinstance(base, bool):
        base_value = float(base)
        if not np.isfinite(base_value) or base_value <= 0:
            raise InputError(f"base= must be above zero, got {base!r}", file=source)
    elif isinstance(base, str):
        if any(label_key(c) == label_key(base) for c in frame.columns):
            base_column = resolve_columns(raw, {"base": base}, required=["base"])["base"]
        else:
            base_rows = [
                r for r in frame.index if label_key(frame.at[r, item_column]) == label_key(base)
            ]
            if not base_rows:
                raise InputError(
                    f"base={base!r} is neither a column nor the label of a row in the item "
                    f"column {item_column!r}",
                    file=source,
                    fix=f"pass the base column (one of {list(map(str, frame.columns))}), the "
                    "text of the base row, or a number",
                )
            base_value = _base_from_row(frame, base_rows[0], item_column, source)
            notes.append(
                f"row {base_rows[0]} ({as_text(frame.at[base_rows[0], item_column])!r}) gives "
                f"the base of every item: {base_value:,g}"
            )
    else:
        raise InputError(f"base= must be a column, a row label or a number, got {base!r}")
    frame = frame.drop(index=base_rows)

    problems = Problems(source)
    items = frame[item_column].map(lambda v: "" if is_blank(v) else " ".join(as_text(v).split()))
    for row in items.index[items == ""]:
        problems.add(
            row,
            item_column,
            "",
            "the item is blank: name it (or remove the row)",
            "blank but required",
        )
    # shares, as fractions
    shares: dict[str, pd.Series] = {}
    for answer, col in share_columns.items():
        cells = frame[col]
        text = cells.map(lambda v: v.strip().removesuffix("%") if isinstance(v, str) else v)
        if shares_as == "fraction":
            text = cells
        parsed = parse_numbers(text, allow_missing=False)
        for row in parsed.problems.index[parsed.problems.notna()]:
            value = cells.loc[row]
            if is_blank(value):
                problems.add(
                    row,
                    col,
                    value,
                    f"the share of {answer!r} is blank: write 0 if nobody gave this answer",
                    "blank shares",
                )
            else:
                problems.add(
                    row,
                    col,
                    value,
                    f"share of {answer!r}: {parsed.problems.loc[row]}",
                    parsed.kinds.loc[row] if parsed.kinds is not None else None,
                )
        values = parsed.values / (100.0 if shares_as == "percent" else 1.0)
        top = 1.0
        for row in values.index[(values < 0).fillna(False)]:
            problems.add(
                row, col, cells.loc[row], f"the share of {answer!r} is negative", "negative shares"
            )
        for row in values.index[(values > top).fillna(False)]:
            problems.add(
                row,
                col,
                cells.loc[row],
                f"the share of {answer!r} is above 100%"
                + (
                    ": if the shares are percentages, pass shares_as='percent'"
                    if shares_as == "fraction"
                    else ""
                ),
                "shares above 100%",
            )
        shares[answer] = values
    share_frame = pd.DataFrame(shares, index=frame.index)
    total = share_frame.sum(axis=1, min_count=len(shares)) * 100  # percent; NaN if any is bad
    allowed = max(1.0, 0.5 * len(shares)) if tolerance is None else float(tolerance)
    off = (total - 100).abs() > allowed + 1e-9
    for row in total.index[off.fillna(False)]:
        t = float(total.loc[row])
        reason = (
            f"the shares of {items.loc[row]!r} add up to {_pct(t)}, not 100% "
            f"(allowed: {_pct(100 - allowed)} to {_pct(100 + allowed)}): check the row, the "
            "answer columns (answers=, missing=) or tolerance="
        )
        if shares_as == "percent" and abs(t - 1) <= 0.05:
            reason += "; they add up to 1: if they are fractions, pass shares_as='fraction'"
        problems.add(row, _SHARES, _pct(t), reason, "shares not adding up to 100%")
    # the base of each item
    if base_column is not None:
        parsed = parse_numbers(frame[base_column], allow_missing=False)
        problems.add_parsed(parsed, frame[base_column], base_column)
        bases = parsed.values
        for row in bases.index[(bases <= 0).fillna(False)]:
            problems.add(
                row,
                base_column,
                frame.at[row, base_column],
                "the base is not above zero: it is the number of respondents",
                "bases not above zero",
            )
    else:
        bases = pd.Series(base_value, index=frame.index, dtype=float)
    named = items[items != ""]
    problems.extend(
        duplicate_key_problems(
            pd.DataFrame({"item": named}), ["item"], column_names={"item": item_column}
        )
    )
    clash = sorted(set(named) & set(_RESERVED))
    if clash:
        raise InputError(
            f"the item {clash[0]!r} has the name of a column of the result ({', '.join(_RESERVED)})",
            file=source,
            column=item_column,
            fix="rename the item in the file",
        )
    per_item = pd.DataFrame({"item": items, "base": bases}, index=frame.index).join(share_frame)
    result = finish(per_item, problems, kind="survey_table", encoding=raw.encoding, notes=notes)

    clean = result.data
    item_names = tuple(clean["item"].tolist())
    dtype = pd.CategoricalDtype(levels, ordered=True)
    rows, records = [], []
    for row, rec in zip(clean.index.tolist(), clean.to_dict("records"), strict=True):
        # published shares are rounded: rescaled to add up to exactly 1 for the weights
        whole = sum(rec[answer] for answer in share_columns) or 1.0
        for answer in share_columns:
            rows.append(row)
            records.append((rec["item"], answer, rec[answer], rec["base"], rec[answer] / whole))
    long = pd.DataFrame(records, columns=["item", "answer", "share", "base", "_scaled"])
    long["item"] = long["item"].astype("str")
    long["answer"] = long["answer"].astype("str")
    long["share"] = long["share"].astype(float)
    long["base"] = long["base"].astype(float)
    long["weight"] = long.pop("_scaled").astype(float) * long["base"]
    on_scale = long["answer"].where(long["answer"].isin(levels))
    wide = {
        name: pd.Series(on_scale.where(long["item"] == name), dtype=dtype) for name in item_names
    }
    data = pd.concat([long, pd.DataFrame(wide, index=long.index)], axis=1)
    data.index = pd.Index(rows, name="row", dtype="int64")
    data.attrs.update(
        {
            "source": source,
            "source_columns": {
                "item": item_column,
                **share_columns,
                **({"base": base_column} if base_column else {}),
            },
            "likert_items": item_names,
            "likert_scale": tuple(levels),
            "missing_answers": tuple(missing_columns),
            "shares_as": shares_as,
            "survey_table": True,
        }
    )
    unused = [c for c in raw.frame.columns if c not in {*used, base_column}]
    notes = list(result.notes)
    if unused:
        notes.append(
            f"ignored {plural(len(unused), 'other column')}: {', '.join(map(repr, unused))}"
        )
    notes.append(
        f"{plural(len(item_names), 'item')} x {plural(len(share_columns), 'answer column')}: "
        "weight = share x base, the estimated number of respondents giving each answer (each "
        "item's shares rescaled to add up to exactly 100% first: published shares are rounded)"
    )
    return LoadResult(
        data=data,
        quarantine=result.quarantine,
        n_read=result.n_read,
        source=source,
        kind="survey_table",
        encoding=raw.encoding,
        notes=tuple(notes),
        rows_loaded=result.n_loaded,
    )


def _pct(value: float) -> str:
    return f"{value:.4g}%"


def _answer_columns(
    raw: Any,
    answers: Sequence[str] | Mapping[str, str] | None,
    scale: Sequence[str] | None,
    source: str,
) -> tuple[tuple[str, ...], dict[str, str]]:
    """(the scale, {answer: column in the file})."""
    if isinstance(answers, str) or isinstance(scale, str):
        raise InputError(
            "answers= and scale= take lists (lowest answer first), not a single string",
            file=source,
            fix="pass e.g. scale=coprod.vocab.AGREE_5",
        )
    if answers is None and scale is None:
        raise InputError(
            "say which columns hold the answers' shares: answers=[...] (lowest first) or scale=[...]",
            file=source,
            fix="pass e.g. scale=('Strongly disagree', 'Disagree', 'Neither agree nor "
            "disagree', 'Agree', 'Strongly agree') when the columns are named so",
        )
    if isinstance(answers, Mapping):
        mapping = {str(k): str(v) for k, v in answers.items()}
        if scale is not None and list(scale) != list(mapping):
            raise InputError(
                "answers= names other answers than scale=",
                file=source,
                fix="give the answers once, in answers= or in scale=",
            )
    elif answers is not None:
        columns = [str(c) for c in answers]
        names = [str(s) for s in scale] if scale is not None else columns
        if len(names) != len(columns):
            raise InputError(
                f"answers= has {plural(len(columns), 'column')} but scale= "
                f"{plural(len(names), 'answer')}",
                file=source,
                fix="give one column per answer of the scale, lowest first",
            )
        mapping = dict(zip(names, columns, strict=True))
    else:
        mapping = {str(s): str(s) for s in scale}
    if len(mapping) < 2:
        raise InputError("a scale needs at least two answers", file=source)
    found = resolve_columns(raw, mapping, required=list(mapping), argument="answers")
    return tuple(mapping), found


def _base_from_row(frame: pd.DataFrame, row: int, item_column: str, source: str) -> float:
    cells = [v for c, v in frame.loc[row].items() if c != item_column and not is_blank(v)]
    numbers = parse_numbers(pd.Series(cells, dtype=object), allow_missing=False)
    ok = numbers.values[numbers.problems.isna()]
    if not len(ok) or not (ok.iloc[0] > 0):
        raise InputError(
            "the base row has no number above zero",
            file=source,
            row=row,
            fix="pass base= the base column or a number instead",
        )
    return float(ok.iloc[0])

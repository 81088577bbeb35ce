"""What may be published: suppression of small counts, personal-data columns, formula-safe cells.

Pure functions (no I/O); :mod:`coprod.export` writes what :func:`prepare_table` returns.

* small counts are suppressed (``suppress_below``), with the rows' derived columns too, the
  shares of every group that has a suppressed cell, and secondary cells chosen so that no
  suppressed value follows from the rest by arithmetic (totals, shares, differences), even
  for someone who knows every group's total; :func:`attack_suppression` tries exactly that
  on a published table;
* shares are rounded to what is meaningful (3 decimals of a fraction: 0.1 percentage point);
* columns that may hold personal data (names, addresses, free text) are refused unless the
  caller names them in ``allow_personal``;
* text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``,
  tab or carriage return, also after leading spaces) are prefixed with an apostrophe
  (OWASP "CSV injection" advice).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, group_columns, require_columns
from coprod._core.text import row_numbers

__all__ = [
    "SUPPRESSED",
    "PersonalDataError",
    "attack_suppression",
    "personal_columns",
    "prepare_table",
]


SUPPRESSED = "[c]"  # ONS convention for a value withheld to protect confidentiality
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PERSONAL_NAME = re.compile(
    r"(^|_)(name|surname|forename|first_?name|last_?name|address|postcode|post_code|email|e_?mail|"
    r"phone|telephone|tel|mobile|dob|date_of_birth|free_?text|comment|comments|description|details|"
    r"narrative|notes?)($|_)",
    re.IGNORECASE,
)


class PersonalDataError(ValueError):
    """Raised when a table about to be written has columns that may hold personal data."""


def personal_columns(table: pd.DataFrame) -> list[str]:
    """Columns that may hold personal data.

    Declared ones (``table.attrs["personal_columns"]``, set by coprod's loaders), ones whose
    names suggest it (name, address, email, phone, comment, ...; in snake_case, camelCase,
    with spaces or hyphens), and free-text columns: mostly distinct text whose typical value
    has four or more words. Columns that coprod itself wrote in words (listed in
    ``table.attrs["generated_text"]``, e.g. the reasons of ``consider_co_planning``) are
    not free text.
    """
    declared = set(table.attrs.get("personal_columns", ()))
    generated = set(table.attrs.get("generated_text", ()))
    found = []
    for column in table.columns:
        label = str(column)
        if label in declared or _PERSONAL_NAME.search(_snake(label)):
            found.append(label)
        elif label not in generated and _looks_like_free_text(table[column]):
            found.append(label)
    return found


def _snake(label: str) -> str:
    """'contactEmail' -> 'contact_Email', 'e-mail' -> 'e_mail', 'Full name' -> 'Full_name'."""
    label = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", label)
    return re.sub(r"[\s\-.]+", "_", label)


def _looks_like_free_text(values: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(
        values
    ):
        return False
    text = values.dropna().astype(str)
    if text.empty:
        return False
    # People's own words are long and rarely repeat; labels and generated text repeat.
    mostly_distinct = text.nunique() > 0.5 * len(text)
    return mostly_distinct and float(text.str.split().str.len().median()) >= 4


def prepare_table(
    table: pd.DataFrame,
    *,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    by: Iterable[str] = (),
    shares: Iterable[str] = (),
    share_decimals: int | None = 3,
    total_columns: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the table exactly as :func:`export_table` would write it (pure; no I/O).

    ``suppress_below=k`` withholds (writes ``"[c]"`` for) every count ``0 < count < k`` in
    ``count_columns`` (the *primary* cells; zero is not disclosive and is kept), then:

    * ``by``: the columns that are the same in every row whose counts add up to one total
      (``["service", "period"]`` for a long table of stage counts; a wide table with one
      row per service-month and a count column per stage passes its key columns). The
      counts of a group, in every count column, are taken to add up to a total that is
      published elsewhere or can be derived, so in each group with a primary cell
      *secondary* cells (complements) are withheld too, until someone who knows the total
      and the rule cannot narrow any primary below its full range 1 to k-1: withheld cells
      are primaries (1 to k-1) or complements, and published cells are 0 or at least k.
      The complements are the group's smallest counts of at least k, never a zero, so each
      is below the smallest count published; counts of equal size are taken together, so
      the cells withheld do not depend on the order of the rows (two exports of one table
      in different orders would otherwise show every count). With two or more withheld
      cells adding up to R, each can be anything from 1 to R minus one for each other
      cell, and no more than the smallest published count less one; one complement is
      usually enough, a second when the next count is close above it (6, 5, 4 with the
      6 published would give the 4 away). The check is the bounds
      :func:`attack_suppression` works out. Without ``by`` no total is assumed and only
      primary cells are withheld.
    * ``also_suppress``: columns computed from a row's counts (rates per contact, whose
      denominator is published), withheld in every row with a withheld count.
    * ``shares``: shares of the group's total, withheld in *every* row of a group with a
      withheld count (a share and its count give the total away). Needs ``by``.
    * ``total_columns``: columns holding each group's total. They are published: the
      secondary cells already assume the totals are known. A total that is itself a
      small count (``0 < total < k``) is withheld; its group's cells are then all primaries
      with no complement to choose, so that total must be withheld wherever else it is
      published too (:func:`attack_suppression` shows what follows if it is not).

    Only one way of adding up is protected. A total along another dimension (a quarter's
    count, the sum of its months' cells) gives withheld cells back whatever either table
    withholds, so suppressing that table apart does not help: do not publish it beside
    this one (notebook 02 leaves the quarterly ombudsman counts out).
    ``shares`` are rounded to ``share_decimals`` (3: a tenth of a percentage point of a
    fraction; ``None`` keeps every digit), with or without suppression. Blank counts are
    left blank and are not parts of a total.
    """
    _refuse_personal(table, allow_personal)
    counts_at, derived, by, shares, totals = (
        by_list(columns) for columns in (count_columns, also_suppress, by, shares, total_columns)
    )
    if share_decimals is not None and (
        isinstance(share_decimals, bool)
        or not isinstance(share_decimals, int)
        or share_decimals < 0
    ):
        raise ValueError(
            "share_decimals must be a whole number of decimals (3 rounds a fraction to a "
            f"tenth of a percentage point) or None, not {share_decimals!r}"
        )
    require_columns(
        table, [*counts_at, *derived, *by, *shares, *totals], what="the table to export"
    )
    out = table.copy()
    if share_decimals is not None:
        for column in shares:
            out[column] = _numbers(table[column], column, "share").round(share_decimals)
    if suppress_below is None:
        if counts_at or derived or by or totals:
            raise ValueError(
                "count_columns=, by=, also_suppress= and total_columns= apply only with "
                "suppress_below=k (e.g. 5): nothing would be suppressed"
            )
        return _defuse_formulas(out)
    k = _threshold(suppress_below)
    if not counts_at:
        raise ValueError("suppress_below needs count_columns=[...] naming the count columns")
    if shares and not by:
        raise ValueError(_needs_by("shares"))
    for name, columns in (
        ("by", by),
        ("also_suppress", derived),
        ("shares", shares),
        ("total_columns", totals),
    ):
        for column in columns:
            if column in counts_at:
                raise ValueError(f"{column!r} is a count column, so it cannot also be in {name}=")

    counts = np.column_stack([_counts(table[column], column) for column in counts_at])
    withheld = (counts > 0) & (counts < k)
    group = _group_ids(table, by)
    if by:
        withheld |= _complements(counts, withheld, group, k)
    row_withheld = withheld.any(axis=1)
    for j, column in enumerate(counts_at):
        out[column] = _withhold(out[column], withheld[:, j])
    for column in derived:
        out[column] = _withhold(out[column], row_withheld)
    if shares:
        touched = np.isin(group, group[row_withheld])
        for column in shares:
            out[column] = _withhold(out[column], touched)
    for column in totals:
        total = _counts(table[column], column)
        out[column] = _withhold(out[column], (total > 0) & (total < k))
    return _defuse_formulas(out)


def _refuse_personal(table: pd.DataFrame, allow_personal: Iterable[str]) -> None:
    allowed = set(allow_personal)
    risky = [c for c in personal_columns(table) if c not in allowed]
    if risky:
        raise PersonalDataError(
            f"the table has columns that may hold personal data: {', '.join(map(repr, risky))}. "
            f"Drop them before exporting, or pass allow_personal={risky!r} if you are sure "
            "they may be shared."
        )


def _threshold(suppress_below) -> int:
    whole = isinstance(suppress_below, int | np.integer) and not isinstance(suppress_below, bool)
    if not whole or suppress_below < 2:
        raise ValueError(
            "suppress_below must be a whole number of at least 2 (counts from 1 to "
            f"suppress_below - 1 are withheld), not {_shown(suppress_below)!r}"
        )
    return int(suppress_below)


def _needs_by(argument: str) -> str:
    return (
        f"{argument}= needs by=[...]: the columns that are the same in every row whose "
        "counts add up to one total"
    )


def _shown(value):
    """A numpy scalar as the plain Python value a message should show."""
    return value.item() if isinstance(value, np.generic) else value


def _numbers(values: pd.Series, column: str, kind: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & values.notna().to_numpy())
    if len(bad):
        (row,), _ = row_numbers(values.index, bad[:1])
        noun = "a count" if kind == "count" else "a number"
        raise ValueError(
            f"{kind} column {column!r} holds {_shown(values.iloc[bad[0]])!r} (row {row}), "
            f"not {noun}"
        )
    return numbers


def _counts(values: pd.Series, column: str) -> np.ndarray:
    """A count column as floats (NaN where blank), refusing what is not a count."""
    counts = _numbers(values, column, "count").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        wrong = np.flatnonzero(
            ~np.isnan(counts) & ((counts < 0) | np.isinf(counts) | (counts != np.round(counts)))
        )
    if len(wrong):
        (row,), _ = row_numbers(values.index, wrong[:1])
        raise ValueError(
            f"count column {column!r} holds {_shown(values.iloc[wrong[0]])!r} (row {row}); "
            "counts are whole numbers from 0 up"
        )
    return counts


def _group_ids(table: pd.DataFrame, by: list[str]) -> np.ndarray:
    if not by:
        return np.zeros(len(table), dtype=np.int64)
    return table.groupby(by, sort=False, dropna=False, observed=True).ngroup().to_numpy()


def _complements(counts: np.ndarray, primary: np.ndarray, group: np.ndarray, k: int) -> np.ndarray:
    """The secondary cells: in each group with a primary, its smallest counts of at least k
    (equal ones together), as many as it takes for every primary to keep 1 to k-1."""
    n_rows, n_columns = counts.shape
    flat, flat_primary = counts.reshape(-1), primary.reshape(-1)
    cell_group = np.repeat(group, n_columns)  # cells in row order, then column order
    chosen = np.zeros(flat.shape, dtype=bool)
    touched = np.isin(cell_group, cell_group[flat_primary])
    cells = np.flatnonzero(touched)
    cells = cells[np.argsort(cell_group[cells], kind="stable")]
    starts = np.flatnonzero(np.diff(cell_group[cells])) + 1
    for members in np.split(cells, starts):
        values, is_primary = flat[members], flat_primary[members]
        hidden = is_primary.copy()
        with np.errstate(invalid="ignore"):
            left = values >= k
        while left.any() and not _keeps_full_range(values, hidden, is_primary, k):
            # equal counts together, so the choice does not depend on the rows' order
            smallest = left & (values == values[left].min())
            hidden |= smallest
            left &= ~smallest
        chosen[members[hidden & ~is_primary]] = True
    return chosen.reshape(n_rows, n_columns)


def _keeps_full_range(values: np.ndarray, hidden: np.ndarray, is_primary: np.ndarray, k: int):
    """Whether someone who knows the group's total and the rule still finds every withheld
    primary anything from 1 to k-1 (the bounds :func:`attack_suppression` works out)."""
    n = int(hidden.sum())
    cap = _complement_cap(np.where(hidden, np.nan, values), k)
    total = float(values[hidden].sum())
    low, high = _narrow([1.0] * n, [cap] * n, (total, total), k)
    return all(
        lo <= 1 and hi >= k - 1
        for lo, hi, p in zip(low, high, is_primary[hidden], strict=True)
        if p
    )


def _complement_cap(published: np.ndarray, k: int) -> float:
    """The most any withheld count of a group can be: the complements are its smallest counts
    of at least k, equal ones together, so each is below the smallest published one."""
    with np.errstate(invalid="ignore"):
        large = published[published >= k]
    return float(large.min()) - 1 if large.size else np.inf


def _withhold(values: pd.Series, mask: np.ndarray) -> pd.Series:
    if not mask.any():
        return values  # keep the column's type where nothing is withheld
    return values.astype(object).where(~mask, SUPPRESSED)


def _defuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            continue
        out[column] = values.map(_defuse_cell)
    out.columns = [_defuse_cell(str(c)) for c in out.columns]
    return out


def _defuse_cell(value):
    # Spreadsheets skip leading spaces before reading a formula, so " =1+2" runs too.
    if isinstance(value, str) and (
        value.startswith(_FORMULA_START) or value.lstrip().startswith(_FORMULA_START)
    ):
        return "'" + value
    return value


# ------------------------------------------------------------------ the attacker


def attack_suppression(
    published: pd.DataFrame,
    *,
    count_columns: Iterable[str],
    by: Iterable[str] = (),
    suppress_below: int,
    shares: Iterable[str] = (),
    total_columns: Iterable[str] = (),
    known_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Try to recover every withheld count of ``published`` by arithmetic; one row per cell.

    The attacker has the published table (as :func:`prepare_table` returns it, or read
    back from its CSV), the rule and, optionally, ``known_totals`` (one row per group: the
    ``by`` columns and ``total``, e.g. the monthly counts another table publishes). It
    knows that a withheld count is at least 1 (zeros are never withheld) and below the
    group's smallest published count of at least ``suppress_below`` (complements are the
    smallest), that a group with one withheld count withheld a primary (1 to
    ``suppress_below - 1``), and that a withheld total was 1 to ``suppress_below - 1``. Each group's total comes from
    ``known_totals``, ``total_columns``, or the published shares (count / share, allowing
    for the rounding the shares show); the withheld counts then add up to the total less
    the published counts, and a published share of a withheld count bounds it too. The
    bounds are narrowed until nothing changes.

    Returns the columns before the first count column (the cell's keys; ``by`` if there
    are none), ``column`` (which count column), ``low`` and ``high`` (the feasible
    interval; ``high`` is missing when nothing bounds it), ``recovered`` (``low ==
    high``: the cell is known exactly) and ``suppress_below``.
    """
    counts_at, by, shares, totals = (
        by_list(columns) for columns in (count_columns, by, shares, total_columns)
    )
    k = _threshold(suppress_below)
    if not counts_at:
        raise ValueError("attack_suppression needs count_columns=[...] naming the count columns")
    require_columns(published, [*counts_at, *by, *shares, *totals], what="the published table")
    for name, given in (
        ("shares", bool(shares)),
        ("total_columns", bool(totals)),
        ("known_totals", known_totals is not None),
    ):
        if given and not by:
            raise ValueError(_needs_by(name))
    if shares and len(counts_at) > 1:
        raise ValueError(
            "shares= needs a single count column (each share is its row's count over the "
            f"group's total), got {counts_at}"
        )
    frame = published.reset_index(drop=True)
    withheld = np.column_stack([_is_withheld(frame[column]) for column in counts_at])
    shown = np.column_stack(
        [_published_numbers(frame[column], withheld[:, j]) for j, column in enumerate(counts_at)]
    )
    group = _group_ids(frame, by)
    n_groups = int(group.max()) + 1 if len(group) else 0
    total_low, total_high = np.zeros(n_groups), np.full(n_groups, np.inf)

    def narrow_total(rows_low, rows_high) -> None:
        np.maximum.at(total_low, group, np.nan_to_num(rows_low, nan=0.0))
        np.minimum.at(total_high, group, np.nan_to_num(rows_high, nan=np.inf))

    if known_totals is not None:
        known = _known_totals(frame, known_totals, by)
        narrow_total(known, known)
    for column in totals:
        hidden = _is_withheld(frame[column])
        value = _published_numbers(frame[column], hidden)
        narrow_total(np.where(hidden, 1.0, value), np.where(hidden, k - 1.0, value))
    published_shares = []
    for column in shares:
        hidden = _is_withheld(frame[column])
        share = _published_numbers(frame[column], hidden)
        published_shares.append((share, _half_unit(frame[column][~hidden])))
    for share, half in published_shares:  # a published count over its share is the total
        count = shown[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            usable = (count > 0) & (share > 0)
            low = np.where(usable, count / (share + half), np.nan)
            high = np.where(usable & (share > half), count / (share - half), np.nan)
        narrow_total(low, high)
    total_low = np.ceil(total_low - 1e-9)
    total_high = np.floor(total_high + 1e-9)
    cell_low = np.ones(shown.shape)
    cell_high = np.full(shown.shape, np.inf)
    for share, half in published_shares:  # a withheld count's own share, times the total
        usable = withheld[:, 0] & ~np.isnan(share)
        low = np.ceil((share - half) * total_low[group] - 1e-9)
        high = np.floor((share + half) * total_high[group] + 1e-9)
        cell_low[usable, 0] = np.maximum(cell_low[usable, 0], low[usable])
        cell_high[usable, 0] = np.minimum(cell_high[usable, 0], high[usable])

    published_sum = np.bincount(group, weights=np.nansum(shown, axis=1), minlength=n_groups)
    for g in np.unique(group[withheld.any(axis=1)]):
        cells = np.argwhere(withheld & (group == g)[:, None])
        low = [cell_low[r, j] for r, j in cells]
        cap = _complement_cap(shown[group == g], k)
        high = [min(cell_high[r, j], cap) for r, j in cells]
        rest = (total_low[g] - published_sum[g], total_high[g] - published_sum[g])
        low, high = _narrow(low, high, rest, k)
        if any(lo > hi for lo, hi in zip(low, high, strict=True)):
            keys = ", ".join(f"{c}={frame.loc[cells[0][0], c]!r}" for c in by)
            raise ValueError(
                f"the published counts of the group {keys} cannot add up to its total "
                f"({_interval(total_low[g], total_high[g])}): are known_totals those of "
                "this table?"
            )
        cell_low[tuple(cells.T)] = low
        cell_high[tuple(cells.T)] = high

    first = min(frame.columns.get_loc(column) for column in counts_at)
    keys = group_columns(frame, before=frame.columns[first], what="the published table") or by
    rows, columns = np.nonzero(withheld)
    high = cell_high[rows, columns]
    low = cell_low[rows, columns]
    result = frame.loc[rows, keys].reset_index(drop=True)
    result["column"] = [counts_at[j] for j in columns]
    result["low"] = low.astype(np.int64)
    result["high"] = pd.array([int(h) if np.isfinite(h) else None for h in high], dtype="Int64")
    result["recovered"] = low == high
    result["suppress_below"] = k
    return result


def _known_totals(frame: pd.DataFrame, known_totals: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Each row's group total from ``known_totals`` (NaN where it has none)."""
    require_columns(
        known_totals,
        [*by, "total"],
        what="known_totals",
        hint="give one row per group: the by= columns and the group's total as 'total'",
    )
    for column in by:
        given, published = _kind(known_totals[column]), _kind(frame[column])
        if given != published:
            raise ValueError(
                f"known_totals' {column!r} holds {given} and the published table's holds "
                f"{published}{' (read back from a CSV?)' if published == 'text' else ''}: "
                "give both the same kind"
            )
    totals = known_totals[[*by, "total"]].drop_duplicates()
    twice = totals[totals.duplicated(by, keep=False)]
    if len(twice):
        first = twice.iloc[0]
        same = (twice[by] == first[by]).all(axis=1)
        keys = ", ".join(f"{c}={first[c]!r}" for c in by)
        values = ", ".join(str(_shown(v)) for v in twice.loc[same, "total"])
        raise ValueError(
            f"known_totals gives the group {keys} more than one total ({values}): give one "
            "row per group"
        )
    known = frame[by].merge(totals, on=by, how="left")["total"]
    return pd.to_numeric(known, errors="coerce").to_numpy(dtype=float)


def _kind(values: pd.Series) -> str:
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.cat.categories.to_series()
    if pd.api.types.is_datetime64_any_dtype(values):
        return "dates"
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return "numbers"
    return "text"


def _is_withheld(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: isinstance(v, str) and v.strip() == SUPPRESSED).to_numpy(dtype=bool)


def _published_numbers(values: pd.Series, withheld: np.ndarray) -> np.ndarray:
    """The numbers as published (text read from a CSV too); NaN where withheld or blank."""
    numbers = pd.to_numeric(values.astype(object).where(~withheld), errors="coerce")
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _half_unit(values: pd.Series) -> float:
    """Half the last decimal place the published shares show: how far rounding moved them."""
    places = 0
    for value in values.dropna():
        text = value.strip() if isinstance(value, str) else repr(float(value))
        try:
            exponent = Decimal(text).as_tuple().exponent
        except (InvalidOperation, ValueError):
            continue
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return max(0.5 * 10.0**-places, 1e-12)  # unrounded floats still carry float error


def _narrow(
    low: list[float], high: list[float], rest: tuple[float, float], k: int
) -> tuple[list[float], list[float]]:
    """Bounds of the withheld counts of one group, which add up to ``rest``."""
    n = len(low)
    if n == 1:
        high[0] = min(high[0], k - 1)  # a lone withheld cell is a primary
    for _ in range(4 * n + 4):
        changed = False
        for i in range(n):
            others_low = sum(low[j] for j in range(n) if j != i)
            others_high = sum(high[j] for j in range(n) if j != i)
            new_low = max(low[i], rest[0] - others_high)
            new_high = min(high[i], rest[1] - others_low)
            if n > 1 and all(low[j] >= k for j in range(n) if j != i):
                new_high = min(new_high, k - 1)  # every group withheld a primary
            if (new_low, new_high) != (low[i], high[i]):
                low[i], high[i], changed = new_low, new_high, True
        if not changed:
            break
    return low, high


def _interval(low: float, high: float) -> str:
    return f"{int(low)}" if low == high else f"{int(low)} to {high:g}"

"""Periods and the group x period counter shared by every time-series measure.

Dates become period numbers (weeks start on Monday; months, quarters, years), and
:class:`PeriodGrid` counts rows per group x period in fixed memory with explicit zeros.
:func:`fill_zero_counts` applies a publisher's absent-means-zero rule to tidy counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod._core.text import plural

__all__ = [
    "FREQUENCIES",
    "NAT_TICKS",
    "PeriodGrid",
    "date_ticks",
    "day_number",
    "to_period_start",
    "fill_zero_counts",
]


FREQUENCIES: tuple[str, ...] = ("week", "month", "quarter", "year")
"""Accepted ``freq=`` values (weeks start on Monday); a ``period`` column holds each
period's first day."""

#: pandas' name for each frequency (period starts), for date ranges.
_PANDAS_FREQ = {"week": "W-MON", "month": "MS", "quarter": "QS-JAN", "year": "YS"}

# ------------------------------------------------------------------ internals: periods

#: The int64 ticks of NaT (the smallest int64): a missing date in date_ticks().
NAT_TICKS = np.iinfo(np.int64).min
_CHUNK = 1 << 21  # rows per pass of the grid; keeps working memory ~ 16 MB
_MAX_BINS = 1 << 23  # group x period cells counted directly; more and groups are compacted
_MAX_LUT_DAYS = 1 << 25  # day -> period table; longer date spans use the direct formula


def _check_period(period: str) -> None:
    if period not in FREQUENCIES:
        raise ValueError(f"freq must be one of {FREQUENCIES}, not {period!r}")


def date_ticks(log: pd.DataFrame, date: str) -> tuple[np.ndarray, int, str]:
    """The date column as int64 ticks, ticks per day, and the datetime unit."""
    series = log[date]
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        raise TypeError(
            f"column {date!r} must hold dates (datetime64), not {series.dtype}; parse it first, "
            f"e.g. log[{date!r}] = coprod.io.parse_dates(log[{date!r}]).values"
        )
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_localize(None)  # local wall-clock dates
    values = series.to_numpy()
    unit = np.datetime_data(values.dtype)[0]
    ticks = int(np.timedelta64(1, "D") // np.timedelta64(1, unit))
    return values.view(np.int64), ticks, unit


def _period_numbers(days: np.ndarray, period: str) -> np.ndarray:
    """Period numbers (int64) of day numbers since 1970-01-01."""
    days = np.asarray(days, dtype=np.int64)
    if period == "week":
        return (days + 3) // 7  # 1970-01-01 was a Thursday; weeks start on Monday
    as_days = days.astype("datetime64[D]")
    if period == "year":
        return as_days.astype("datetime64[Y]").astype(np.int64)
    months = as_days.astype("datetime64[M]").astype(np.int64)
    return months // 3 if period == "quarter" else months


def _period_starts(numbers: np.ndarray, period: str) -> np.ndarray:
    """First day (datetime64[D]) of each period number."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if period == "week":
        return (numbers * 7 - 3).astype("datetime64[D]")
    if period == "year":
        return numbers.astype("datetime64[Y]").astype("datetime64[D]")
    months = numbers * 3 if period == "quarter" else numbers
    return months.astype("datetime64[M]").astype("datetime64[D]")


def day_number(value: Any, name: str) -> int:
    from coprod.io.dates import parse_date

    stamp = parse_date(value, what=name)
    if stamp.tz is not None:
        stamp = stamp.tz_localize(None)
    return int(np.datetime64(stamp.to_datetime64(), "D").astype(np.int64))


def _parse_dates(
    values: pd.Series, name: str, date_order: str | None = None, *, via: str | None = None
) -> pd.Series:
    """Dates as datetime64: kept if already dates, else read by :func:`coprod.io.parse_dates`
    (day/month order from the values, day first when none settles it, or ``date_order``).
    Refused values raise ValueError with the reason; ``via`` names the call that takes
    ``date_order=`` when the caller takes none."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    from coprod.io.dates import OptionSpelling, parse_dates

    parsed = parse_dates(
        values, date_order=date_order, column=name, spelling=OptionSpelling(via=via)
    )
    if len(parsed.bad):
        raise ValueError(
            f"{name}: {plural(len(parsed.bad), 'value')} {'is' if len(parsed.bad) == 1 else 'are'} "
            f"not dates, e.g. {parsed.reasons[0]}"
        )
    return parsed.values


def to_period_start(values: pd.Series, period: str, unit: str, name: str) -> pd.Series:
    """Dates (or dates as text, see :func:`_parse_dates`) moved to the first day of their
    period."""
    stamps = _parse_dates(values, name, via="coprod.io.parse_dates")
    if stamps.isna().any():
        raise ValueError(f"{name} has missing dates")
    if getattr(stamps.dtype, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    days = stamps.to_numpy().astype("datetime64[D]").astype(np.int64)
    starts = _period_starts(_period_numbers(days, period), period).astype(f"datetime64[{unit}]")
    return pd.Series(starts, index=values.index, name=values.name)


# ------------------------------------------------------------------ internals: groups


class _GroupColumn:
    """One ``by`` column as integer codes (-1 = missing) and the values they stand for."""

    def __init__(self, series: pd.Series):
        self.name = series.name
        if isinstance(series.dtype, pd.CategoricalDtype):
            self.dtype = series.dtype
            self.codes = series.array.codes
            self.uniques = None
            self.n = len(series.dtype.categories)
        else:
            self.dtype = None
            codes, uniques = pd.factorize(series, sort=True)
            self.codes = codes.astype(np.int32) if len(uniques) < 2**31 - 1 else codes
            self.uniques = uniques
            self.n = len(uniques)

    def decode(self, codes: np.ndarray) -> Any:
        """Column values for codes (-1 gives a missing value)."""
        if self.dtype is not None:
            return pd.Categorical.from_codes(codes, dtype=self.dtype)
        return self.uniques.take(codes, allow_fill=True, fill_value=None)


class PeriodGrid:
    """Rows of a log placed in a group x period grid and summed in chunks.

    Each row gets a cell key ``period_index * R + group_id`` where ``period_index``
    runs over the window (``n_periods`` is the bin of rows without a date or outside
    the window) and ``group_id`` combines the ``by`` codes (code + 1, so 0 is
    missing; R is the product of (number of values + 1)). Keys are built chunk by
    chunk in one reused buffer and counted with ``np.bincount``: no per-row Python,
    no Period objects, working memory of a few MB beyond the log itself.
    """

    def __init__(
        self,
        log: pd.DataFrame,
        *,
        by: str | Sequence[str] | None,
        period: str,
        date: str,
        start: Any = None,
        end: Any = None,
        row_counts: np.ndarray | None = None,
    ):
        _check_period(period)
        # a log already aggregated (by an out-of-core engine): each row stands for
        # row_counts[i] complaints, and every count and sum is weighted by it
        self.row_counts = None if row_counts is None else np.asarray(row_counts, dtype=np.float64)
        self.by = by_list(by)
        require_columns(log, [*self.by, date], what="the complaint log")
        self.period = period
        self.n_rows = len(log)
        self.ticks, self.tick_per_day, self.unit = date_ticks(log, date)

        # date range of the rows that have a date
        ticks = self.ticks
        self.has_nat = False
        lo_day = hi_day = None
        if self.n_rows:
            lo, hi = int(ticks.min()), int(ticks.max())
            if lo == NAT_TICKS:
                self.has_nat = True
                valid = ticks != NAT_TICKS
                if valid.any():
                    lo = int(ticks.min(where=valid, initial=np.iinfo(np.int64).max))
                else:
                    lo = None
            if lo is not None:
                lo_day, hi_day = lo // self.tick_per_day, hi // self.tick_per_day

        # the window of periods
        first = None if start is None else _period_numbers([day_number(start, "start")], period)
        last = None if end is None else _period_numbers([day_number(end, "end")], period)
        if first is None and lo_day is not None:
            first = _period_numbers([lo_day], period)
        if last is None and hi_day is not None:
            last = _period_numbers([hi_day], period)
        if first is None or last is None:  # no dates at all: use whichever bound was given
            first = last if first is None else first
            last = first if last is None else last
        if first is None:
            self.first_period, self.n_periods = 0, 0
        else:
            self.first_period = int(first[0])
            self.n_periods = int(last[0]) - self.first_period + 1
            if self.n_periods < 1:
                raise ValueError(f"start ({start}) falls after end ({end})")
        starts = _period_starts(
            np.arange(self.first_period, self.first_period + self.n_periods), period
        )
        self.periods = starts.astype(f"datetime64[{self.unit}]")

        # groups
        self.columns = [_GroupColumn(log[c]) for c in self.by]
        self.compact: np.ndarray | None = None  # sorted full group ids when compacted
        radices = [c.n + 1 for c in self.columns]
        self.strides = [math.prod(radices[i + 1 :]) for i in range(len(radices))]
        self.n_full = math.prod(radices)
        if self.n_full >= 2**62:
            raise ValueError(f"too many combinations of the by columns {self.by} to count")
        self.row_groups: np.ndarray | None = None
        if self.n_full * (self.n_periods + 1) > _MAX_BINS:
            full = np.zeros(self.n_rows, dtype=np.int64)
            for col, stride in zip(self.columns, self.strides, strict=True):
                full += (col.codes.astype(np.int64) + 1) * stride
            self.compact, self.row_groups = np.unique(full, return_inverse=True)
            self.row_groups = self.row_groups.ravel()
        self.n_groups_bins = len(self.compact) if self.compact is not None else self.n_full

        # day -> (period index * R + constant) table
        self.lo_day = lo_day
        self.lut: np.ndarray | None = None
        if lo_day is not None and hi_day - lo_day + 2 <= _MAX_LUT_DAYS:
            days = np.arange(lo_day, hi_day + 2, dtype=np.int64)  # last entry: no date
            index = _period_numbers(days, period) - self.first_period
            index[(index < 0) | (index >= self.n_periods)] = self.n_periods
            index[-1] = self.n_periods
            self.lut = index * self.n_groups_bins + self._offset

    @property
    def _offset(self) -> int:
        return sum(self.strides) if self.compact is None else 0

    @property
    def n_bins(self) -> int:
        return (self.n_periods + 1) * self.n_groups_bins

    def _keys(self, lo: int, hi: int, buffer: np.ndarray) -> np.ndarray:
        """Cell keys of rows lo:hi, written into ``buffer``."""
        keys = buffer[: hi - lo]
        ticks = self.ticks[lo:hi]
        np.floor_divide(ticks, self.tick_per_day, out=keys)
        if self.lut is not None:
            if self.has_nat:
                np.putmask(keys, ticks == NAT_TICKS, self.lo_day + len(self.lut) - 1)
            keys -= self.lo_day
            np.take(self.lut, keys, out=keys, mode="clip")
        else:
            index = _period_numbers(keys, self.period) - self.first_period
            index[(index < 0) | (index >= self.n_periods) | (ticks == NAT_TICKS)] = self.n_periods
            np.multiply(index, self.n_groups_bins, out=keys)
            keys += self._offset
        if self.compact is not None:
            keys += self.row_groups[lo:hi]
            return keys
        for col, stride in zip(self.columns, self.strides, strict=True):
            codes = col.codes[lo:hi]
            if stride == 1:
                np.add(keys, codes, out=keys, casting="unsafe")
            else:
                keys += codes.astype(np.int64) * stride
        return keys

    def sums(self, *weights: np.ndarray) -> list[np.ndarray]:
        """Row counts and weighted sums per cell, each shaped (n_periods + 1, n_groups_bins).

        Returns ``[counts, *weighted]``; ``counts`` (int64) also fixes which groups are
        listed (:attr:`groups`). Weighted sums are float64.
        """
        n_bins = self.n_bins
        totals: list[np.ndarray] = [np.zeros(n_bins, dtype=np.int64)]
        totals += [np.zeros(n_bins, dtype=np.float64) for _ in weights]
        if self.n_rows and self.n_bins:
            buffer = np.empty(min(_CHUNK, self.n_rows), dtype=np.int64)
            for lo in range(0, self.n_rows, _CHUNK):
                hi = min(lo + _CHUNK, self.n_rows)
                keys = self._keys(lo, hi, buffer)
                if self.row_counts is None:
                    totals[0] += np.bincount(keys, minlength=n_bins)
                    for total, w in zip(totals[1:], weights, strict=True):
                        total += np.bincount(keys, weights=w[lo:hi], minlength=n_bins)
                    continue
                n = self.row_counts[lo:hi]
                # (counts below 2**53 are exact in float64)
                totals[0] += np.rint(np.bincount(keys, weights=n, minlength=n_bins)).astype(
                    np.int64
                )
                for total, w in zip(totals[1:], weights, strict=True):
                    total += np.bincount(keys, weights=w[lo:hi] * n, minlength=n_bins)
        shaped = [t.reshape(self.n_periods + 1, self.n_groups_bins) for t in totals]
        observed = shaped[0].sum(axis=0) > 0
        if not self.columns:
            observed[:] = True  # the whole log is always a group, even with no rows
        self._set_groups(observed)
        return shaped

    def _set_groups(self, observed: np.ndarray) -> None:
        ids = np.flatnonzero(observed)
        full = self.compact[ids] if self.compact is not None else ids
        # order: by column values (category order / sorted), missing values last
        digits = []
        order_key = np.zeros(len(full), dtype=np.int64)
        for col, stride in zip(self.columns, self.strides, strict=True):
            digit = (full // stride) % (col.n + 1) - 1  # -1 = missing
            digits.append(digit)
            order_key += np.where(digit < 0, col.n, digit) * stride
        order = np.argsort(order_key, kind="stable")
        self.group_ids = ids[order]
        self.group_codes = [d[order] for d in digits]

    @property
    def n_groups(self) -> int:
        return len(self.group_ids)

    def table(self, cells: np.ndarray) -> np.ndarray:
        """Values for the listed groups x window periods, group-major (the output order)."""
        return cells[: self.n_periods, self.group_ids].T.reshape(-1)

    def frame(self) -> pd.DataFrame:
        """The ``by`` columns and ``period`` of the output rows (group-major, then period)."""
        n_p, n_g = self.n_periods, self.n_groups
        data: dict[str, Any] = {}
        for col, codes in zip(self.columns, self.group_codes, strict=True):
            data[col.name] = col.decode(np.repeat(codes, n_p))
        data["period"] = np.tile(self.periods, n_g)
        return pd.DataFrame(data)

    def cell_index(self) -> np.ndarray:
        """Each row's output row number (-1 for rows outside the window or without a date)."""
        position = np.full(self.n_groups_bins, -1, dtype=np.int64)
        position[self.group_ids] = np.arange(self.n_groups) * self.n_periods
        buffer = np.empty(max(self.n_rows, 1), dtype=np.int64)
        keys = self._keys(0, self.n_rows, buffer)
        period_index, group = np.divmod(keys, self.n_groups_bins)
        inside = period_index < self.n_periods
        cell = position[group] + period_index
        cell[~inside | (position[group] < 0)] = -1
        return cell


# --------------------------------------------------------------------------- absent = zero


def fill_zero_counts(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str],
    period: str = "period",
    value: str | Sequence[str],
    start: Any = None,
    end: Any = None,
    freq: str = "month",
    date_order: str | None = None,
) -> pd.DataFrame:
    """Every key x period from ``start`` to ``end``, absent combinations as zero counts.

    This applies the **publisher's rule** for sparse count files such as
    FixMyStreet's: an area with no reports in a month is left out, so an absent
    combination *is* a zero. It is not an imputation; do not use it on data where
    absent means unknown.

    Parameters
    ----------
    data:
        Tidy counts, e.g. ``read_report_counts(...).data``.
    by:
        The key column(s); the combinations are every value of each key that occurs
        in ``data`` (for several keys, every combination of them).
    period:
        The period column (Timestamps on the ``freq`` grid, or dates as text: read by
        :func:`coprod.io.parse_dates`, so ``'01/02/2024'`` is 1 February unless the
        column's values or ``date_order=`` say month first).
    value:
        The count column(s) to fill with 0.
    start, end:
        The first and last period (default: the first and last in ``data``). Rows
        outside them are an error (filter ``data`` first), never dropped.
    freq:
        The period frequency, one of :data:`FREQUENCIES` (default ``"month"``).
    date_order:
        The day/month order of text periods (and of ``start``/``end`` given as text):
        ``None`` (decided from the values; day first when none settles it), ``"dmy"``,
        ``"mdy"`` or ``"ymd"``.

    Returns
    -------
    A new frame with the key columns, ``period``, the value columns (zeros added,
    dtype kept), any other columns (missing on added rows) and ``zero_filled``
    (True for added rows, False for rows that were in ``data``), sorted by the keys
    and period.

    Raises
    ------
    ValueError
        If a key x period combination occurs twice, a period is off the ``freq``
        grid or outside ``start``..``end``, or a key or period is missing.
    """
    keys = by_list(by)
    values = [value] if isinstance(value, str) else list(value)
    require_columns(data, [*keys, period, *values], what="fill_zero_counts: data")
    _check_period(freq)
    if "zero_filled" in data.columns:
        raise ValueError("fill_zero_counts: data already has a zero_filled column (filled twice?)")
    index_cols = [*keys, period]
    blank = data[index_cols].isna().any(axis=1)
    if blank.any():
        raise ValueError(
            f"fill_zero_counts: {int(blank.sum())} rows have a missing key or period "
            f"(first at index {data.index[blank.to_numpy()][0]!r}); remove or correct them first"
        )
    dup = data.duplicated(index_cols, keep=False)
    if dup.any():
        first = data.loc[dup, index_cols].iloc[0].to_dict()
        raise ValueError(
            f"fill_zero_counts: {int(dup.sum())} rows share a key x period with another row "
            f"(e.g. {first}); absent-means-zero needs one row per key x period: add them up "
            "or remove the copies first"
        )
    from coprod.io.dates import parse_date

    periods = _parse_dates(data[period], period, date_order)
    start = (
        periods.min() if start is None else parse_date(start, what="start", date_order=date_order)
    )
    end = periods.max() if end is None else parse_date(end, what="end", date_order=date_order)
    grid = pd.date_range(start, end, freq=_PANDAS_FREQ[freq], name=period)
    off = ~periods.isin(grid)
    if off.any():
        example = periods[off].iloc[0]
        raise ValueError(
            f"fill_zero_counts: {int(off.sum())} rows have a period that is not on the "
            f"{freq!r} grid from {start:%Y-%m-%d} to {end:%Y-%m-%d} (e.g. {example}); "
            "filter the data to the window first, or pass start=/end=/freq= that cover it"
        )
    levels = [pd.Index(sorted(data[k].unique()), name=k) for k in keys]
    full = pd.MultiIndex.from_product([*levels, grid], names=index_cols)
    indexed = data.assign(**{period: periods}).set_index(index_cols)
    out = indexed.reindex(full)
    present = full.isin(indexed.index)
    for col in values:
        out[col] = out[col].fillna(0).astype(data[col].dtype)
    out["zero_filled"] = ~present
    out = out.reset_index()
    out.attrs = dict(data.attrs)
    return out

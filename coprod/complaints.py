"""Measures of a complaint log: counts, rates, seriousness, outcomes and timeliness.

A complaint log has one row per complaint (see :func:`coprod.synth.make_complaint_log`
for the columns: ``complaint_id, service, council, received, category, severity,
stage, upheld, closed, days_to_close``). Every measure here is a pure function: it
takes the log and returns a tidy DataFrame with one row per group (``by``, e.g. the
service) and period (``period``: the period's first day; weeks start on Monday),
with **every** group x period in the window present, so a month with no
complaints shows as a real 0 rather than a gap.

Measures, in plain words
------------------------
- :func:`complaint_counts`: how many complaints were received in each period, and,
  given a denominator (residents, or contacts with the service), the rate per
  1,000 of it. A rising count with a rising denominator is more demand, not worse
  service; the rate tells them apart.
- :func:`seriousness`: whether complaints are getting more serious, not just more
  numerous. The *seriousness index* adds up a weight per complaint (by default
  low = 1, medium = 2, high = 3); its mean per complaint and the share at the top
  severity level rise when the mix shifts towards serious complaints even while
  the count stays flat.
- :func:`severity_shares`: the mix itself: how many complaints sit at each level of
  a categorical column (severity, or stage: the share escalated to the
  ombudsman), with each level's share.
- :func:`outcomes`: of the closed complaints, how many were upheld or partly upheld
  (the council accepted it got something wrong), and how many complaints went
  all the way to the ombudsman.
- :func:`timeliness`: how quickly complaints are closed: median and mean days to
  close, and the share closed within a target (20 working-day-ish days by
  default), optionally counting complaints still open past the target as misses.

Grouping rules shared by all measures: ``by`` is a column name, a list of them or
None (the whole log). The groups listed are those that occur in the log (for
:func:`complaint_counts`, also those in ``denominators``); a complaint with a missing
``by`` value is counted in a group whose value is missing (listed last), so totals
always add up to the log. Periods run from ``start`` to ``end`` (default: the
log's first and last period of ``date``); rows whose ``date`` is missing (e.g. open
complaints when ``date="closed"``) or outside the window are not counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod.schemas import COMPLAINT_LOG

# SPC lives in its own module (other topics use it too); it is part of this module's API.
from coprod.spc import first_signal, spc, spc_overview, spc_summary, suggest_rebase

__all__ = [
    "DEFAULT_SEVERITY_WEIGHTS",
    "OUTCOME_LEVELS",
    "PERIODS",
    "SEVERITY_LEVELS",
    "STAGE_LEVELS",
    "MEASURES",
    "co_planning_summary",
    "complaint_counts",
    "consider_co_planning",
    "first_signal",
    "measure_series",
    "outcomes",
    "seriousness",
    "seasonally_adjust",
    "severity_shares",
    "spc",
    "spc_overview",
    "spc_summary",
    "suggest_rebase",
    "timeliness",
]

# ------------------------------------------------------------------ levels

# One source for the levels: the complaint-log schema the loader validates against.
SEVERITY_LEVELS: tuple[str, ...] = tuple(COMPLAINT_LOG.field("severity").allowed)
"""Severity levels of a complaint, least to most serious (an ordered Categorical)."""

STAGE_LEVELS: tuple[str, ...] = tuple(COMPLAINT_LOG.field("stage").allowed)
"""Stages of the complaints procedure, in order of escalation (an ordered Categorical)."""

OUTCOME_LEVELS: tuple[str, ...] = tuple(COMPLAINT_LOG.field("upheld").allowed)
"""Outcomes of a closed complaint (column ``upheld``; missing while the complaint is open)."""

PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
"""Accepted ``period`` values; the ``period`` column holds each period's first day."""

DEFAULT_SEVERITY_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"low": 1.0, "medium": 2.0, "high": 3.0}
)
"""Weights of :func:`seriousness` (one per severity level)."""

_KNOWN_LEVELS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"severity": SEVERITY_LEVELS, "stage": STAGE_LEVELS, "upheld": OUTCOME_LEVELS}
)

# ------------------------------------------------------------------ internals: periods

_INT64_NAT = np.iinfo(np.int64).min
_CHUNK = 1 << 21  # rows per pass of the grid; keeps working memory ~ 16 MB
_MAX_BINS = 1 << 23  # group x period cells counted directly; more and groups are compacted
_MAX_LUT_DAYS = 1 << 25  # day -> period table; longer date spans use the direct formula


def _by_columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    columns = list(by)
    if len(set(columns)) != len(columns):
        raise ValueError(f"by names a column twice: {columns}")
    return columns


def _check_columns(log: pd.DataFrame, columns: Sequence[str], role: str) -> None:
    if not isinstance(log, pd.DataFrame):
        raise TypeError(f"the complaint log must be a pandas DataFrame, not {type(log).__name__}")
    missing = [c for c in columns if c not in log.columns]
    if missing:
        raise KeyError(
            f"{role} column(s) {missing} not in the complaint log; it has {list(log.columns)}"
        )


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")


def _date_ticks(log: pd.DataFrame, date: str) -> tuple[np.ndarray, int, str]:
    """The date column as int64 ticks, ticks per day, and the datetime unit."""
    series = log[date]
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        raise TypeError(
            f"column {date!r} must hold dates (datetime64), not {series.dtype}; parse it first, "
            f"e.g. pd.to_datetime(log[{date!r}], dayfirst=True)"
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


def _day_number(value: Any, name: str) -> int:
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, not {value!r}")
    if stamp.tz is not None:
        stamp = stamp.tz_localize(None)
    return int(np.datetime64(stamp.to_datetime64(), "D").astype(np.int64))


def _parse_dates(values: pd.Series, name: str) -> pd.Series:
    """Dates as datetime64: kept if already dates, else read as ISO or UK (dd/mm/yyyy) text."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    for form in ("ISO8601", "%d/%m/%Y"):
        try:
            return pd.to_datetime(values, format=form)
        except (ValueError, TypeError):
            continue
    raise ValueError(
        f"{name}: cannot read the dates {values.head(3).tolist()}; give datetime64 values, "
        "ISO dates (2024-01-31) or UK dates (31/01/2024)"
    )


def _to_period_start(values: pd.Series, period: str, unit: str, name: str) -> pd.Series:
    """Dates (or ISO / dd/mm/yyyy date strings) moved to the first day of their period."""
    stamps = _parse_dates(values, name)
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


class _Grid:
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
    ):
        _check_period(period)
        self.by = _by_columns(by)
        _check_columns(log, [*self.by, date], "by/date")
        self.period = period
        self.n_rows = len(log)
        self.ticks, self.tick_per_day, self.unit = _date_ticks(log, date)

        # date range of the rows that have a date
        ticks = self.ticks
        self.has_nat = False
        lo_day = hi_day = None
        if self.n_rows:
            lo, hi = int(ticks.min()), int(ticks.max())
            if lo == _INT64_NAT:
                self.has_nat = True
                valid = ticks != _INT64_NAT
                if valid.any():
                    lo = int(ticks.min(where=valid, initial=np.iinfo(np.int64).max))
                else:
                    lo = None
            if lo is not None:
                lo_day, hi_day = lo // self.tick_per_day, hi // self.tick_per_day

        # the window of periods
        first = None if start is None else _period_numbers([_day_number(start, "start")], period)
        last = None if end is None else _period_numbers([_day_number(end, "end")], period)
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
                np.putmask(keys, ticks == _INT64_NAT, self.lo_day + len(self.lut) - 1)
            keys -= self.lo_day
            np.take(self.lut, keys, out=keys, mode="clip")
        else:
            index = _period_numbers(keys, self.period) - self.first_period
            index[(index < 0) | (index >= self.n_periods) | (ticks == _INT64_NAT)] = self.n_periods
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
                totals[0] += np.bincount(keys, minlength=n_bins)
                for total, w in zip(totals[1:], weights, strict=True):
                    total += np.bincount(keys, weights=w[lo:hi], minlength=n_bins)
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


def _level_codes(series: pd.Series, column: str) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Integer codes (-1 = missing) of a categorical-like column and its levels."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.array.codes, tuple(series.dtype.categories)
    known = _KNOWN_LEVELS.get(column)
    if known is None:
        codes, uniques = pd.factorize(series, sort=True)
        return codes, tuple(uniques)
    codes = pd.Index(known).get_indexer(series)
    unknown = series.notna().to_numpy() & (codes < 0)
    if unknown.any():
        odd = sorted(map(str, pd.unique(series[unknown])))[:10]
        raise ValueError(
            f"column {column!r} has values outside {known}: {odd}; make it a Categorical "
            f"to use other levels"
        )
    return codes, known


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _as_int(values: np.ndarray) -> np.ndarray:
    return np.rint(values).astype(np.int64)


# ------------------------------------------------------------------ counts and rates


def complaint_counts(
    log: pd.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = "service",
    denominators: pd.DataFrame | None = None,
    per: float = 1000,
    start: Any = None,
    end: Any = None,
    date: str = "received",
) -> pd.DataFrame:
    """Complaints per group and period, zeros included; rates when given denominators.

    Returns one row per group x period from ``start`` to ``end`` (default: the first
    and last period with a ``date`` in the log), columns ``*by, period, count``,
    sorted by group then period. ``period`` is the period's first day (weeks start on
    Monday) with the unit of the ``date`` column. Every group that occurs in the log
    is listed for every period, with a real 0 where nothing was received; a missing
    ``by`` value is a group of its own (listed last).

    ``denominators``: a DataFrame with the ``by`` columns, optionally ``period``
    (any date in the period, as dates or ISO / dd/mm/yyyy text; without it the same
    denominator applies to every period, e.g. residents), and ``denominator`` (e.g. service contacts in the
    period, or residents). Then ``denominator`` and ``rate = count / denominator *
    per`` (per 1,000 by default) are added; ``rate`` is NaN where the denominator is
    0. Groups listed in ``denominators`` but absent from the log are added with
    zero counts. A group x period without a denominator raises ValueError naming
    them; so do duplicated or negative denominators.

    Fast for large logs: a 10-million-row log counts monthly per service in a
    fraction of a second with a few MB of working memory (see
    ``benchmarks/bench_monthly_counts.py``).
    """
    grid = _Grid(log, by=by, period=period, date=date, start=start, end=end)
    (counts,) = grid.sums()
    table = grid.frame()
    table["count"] = grid.table(counts)
    if denominators is not None:
        table = _attach_denominators(table, denominators, grid, per=per)
    return table


def _attach_denominators(
    table: pd.DataFrame, denominators: pd.DataFrame, grid: _Grid, *, per: float
) -> pd.DataFrame:
    if not isinstance(denominators, pd.DataFrame):
        raise TypeError(f"denominators must be a DataFrame, not {type(denominators).__name__}")
    needed = [*grid.by, "denominator"]
    missing = [c for c in needed if c not in denominators.columns]
    if missing:
        raise ValueError(
            f"denominators lacks column(s) {missing}; it needs {needed} (and optionally "
            f"'period'), it has {list(denominators.columns)}"
        )
    keys = [*grid.by, *(["period"] if "period" in denominators.columns else [])]
    den = denominators[[*keys, "denominator"]].copy()
    if "period" in keys:
        den["period"] = _to_period_start(den["period"], grid.period, grid.unit, "denominators")
    den["denominator"] = pd.to_numeric(den["denominator"], errors="raise").astype(float)
    bad = den["denominator"].isna() | (den["denominator"] < 0)
    if bad.any():
        raise ValueError(
            "denominators must be non-negative numbers; missing or negative in rows:\n"
            + den[bad].head(10).to_string()
        )
    if not keys:
        if len(den) != 1:
            raise ValueError(f"with by=None and no 'period' give one denominator, not {len(den)}")
    elif den.duplicated(keys).any():
        dupes = den[den.duplicated(keys, keep=False)].head(10)
        raise ValueError(f"denominators has duplicated {keys}:\n{dupes.to_string()}")

    if grid.by:  # groups with a denominator but no complaints: real zeros
        known = pd.MultiIndex.from_frame(table[grid.by].drop_duplicates().astype(object))
        theirs = den[grid.by].drop_duplicates()
        extra = theirs[~pd.MultiIndex.from_frame(theirs.astype(object)).isin(known)]
        if len(extra) and grid.n_periods:
            zeros = extra.loc[extra.index.repeat(grid.n_periods)].reset_index(drop=True)
            zeros["period"] = np.tile(grid.periods, len(extra))
            zeros["count"] = np.zeros(len(zeros), dtype=np.int64)
            table = pd.concat([table, zeros], ignore_index=True)
            table = table.sort_values([*grid.by, "period"], kind="stable", na_position="last")
            table = table.reset_index(drop=True)

    if keys:
        mine = pd.MultiIndex.from_frame(table[keys].astype(object))
        theirs = pd.MultiIndex.from_frame(den[keys].astype(object))
        position = theirs.get_indexer(mine)
    else:
        position = np.zeros(len(table), dtype=np.int64)
    lacking = position < 0
    if lacking.any():
        gaps = table.loc[lacking, keys].drop_duplicates()
        shown = gaps.head(10).to_string(index=False)
        raise ValueError(f"no denominator for {len(gaps)} of the {keys} counted, e.g.\n{shown}")
    values = den["denominator"].to_numpy()[position] if len(table) else np.zeros(0)
    table["denominator"] = values
    table["rate"] = _ratio(table["count"].to_numpy(), values) * per
    return table


# ------------------------------------------------------------------ seriousness


def seriousness(
    log: pd.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = "service",
    weights: Mapping[str, float] | None = None,
    date: str = "received",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """How serious complaints are, per group and period, beside how many there are.

    Columns ``*by, period, count, n_missing_severity, seriousness_index,
    mean_severity_weight, share_high``:

    - ``count``: complaints received (all of them);
    - ``n_missing_severity``: those with no severity recorded; they are left out of
      the next three columns;
    - ``seriousness_index``: the sum of ``weights[severity]`` over the complaints
      (default low = 1, medium = 2, high = 3: :data:`DEFAULT_SEVERITY_WEIGHTS`);
    - ``mean_severity_weight``: the index per complaint with a severity (NaN if none);
    - ``share_high``: the share of complaints with a severity that sit at the top
      level (the last category of ``severity``; "high" by default).

    ``weights`` must give a number for every severity level and name no other.
    """
    _check_columns(log, ["severity"], "severity")
    codes, levels = _level_codes(log["severity"], "severity")
    weights = DEFAULT_SEVERITY_WEIGHTS if weights is None else weights
    unknown = [k for k in weights if k not in levels]
    lacking = [lev for lev in levels if lev not in weights]
    if unknown or lacking:
        raise ValueError(
            f"weights must name exactly the severity levels {list(levels)}; "
            f"missing {lacking}, unknown {unknown}"
        )
    table_w = np.array([float(weights[lev]) for lev in levels] + [0.0])  # last: missing
    row_w = table_w[np.where(codes < 0, len(levels), codes)]
    missing = (codes < 0).astype(np.float64)
    top = (codes == len(levels) - 1).astype(np.float64)
    grid = _Grid(log, by=by, period=period, date=date, start=start, end=end)
    counts, n_missing, index, n_top = grid.sums(missing, row_w, top)
    table = grid.frame()
    count = grid.table(counts)
    n_missing = _as_int(grid.table(n_missing))
    rated = count - n_missing
    index = grid.table(index)
    table["count"] = count
    table["n_missing_severity"] = n_missing
    table["seriousness_index"] = index
    table["mean_severity_weight"] = _ratio(index, rated)
    table["share_high"] = _ratio(grid.table(n_top), rated)
    return table


def severity_shares(
    log: pd.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = "service",
    column: str = "severity",
    date: str = "received",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """The mix of a categorical column per group and period, in long form.

    Columns ``*by, period, level, count, share``: one row per group x period x level
    of ``column`` (all its categories, zeros included), ``share`` = count / the
    cell's complaints with a recorded level (NaN if none; complaints with a missing
    value are left out). Works for ``column="severity"`` (share high), ``"stage"``
    (share escalated to the ombudsman) and ``"upheld"``; a plain text column is
    read against the known levels of those three, any other by its sorted values.
    ``level`` is a Categorical with the column's levels (ordered if the column is).
    """
    _check_columns(log, [column], "column")
    codes, levels = _level_codes(log[column], column)
    grid = _Grid(log, by=by, period=period, date=date, start=start, end=end)
    indicators = [(codes == k).astype(np.float64) for k in range(len(levels))]
    _, *per_level = grid.sums(*indicators)
    n_cells, n_levels = grid.n_groups * grid.n_periods, len(levels)
    level_counts = np.zeros((n_cells, n_levels), dtype=np.int64)
    for k, cells in enumerate(per_level):
        level_counts[:, k] = _as_int(grid.table(cells))
    totals = level_counts.sum(axis=1, keepdims=True)
    shares = _ratio(level_counts, np.broadcast_to(totals, level_counts.shape))
    base = grid.frame()
    table = base.loc[base.index.repeat(n_levels)].reset_index(drop=True)
    if isinstance(log[column].dtype, pd.CategoricalDtype):
        ordered = bool(log[column].dtype.ordered)
    else:
        ordered = column in ("severity", "stage")
    table["level"] = pd.Categorical.from_codes(
        np.tile(np.arange(n_levels), n_cells), categories=list(levels), ordered=ordered
    )
    table["count"] = level_counts.reshape(-1)
    table["share"] = shares.reshape(-1)
    return table


# ------------------------------------------------------------------ outcomes


def outcomes(
    log: pd.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = "service",
    date: str = "received",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Outcomes and escalation per group and period (of complaints received then).

    Columns ``*by, period, count, closed, n_outcome, upheld, partly_upheld,
    not_upheld, upheld_rate, partly_upheld_rate, ombudsman, ombudsman_rate``:

    - ``closed``: complaints with a ``closed`` date (if the log has no ``closed``
      column: those with an outcome);
    - ``upheld`` / ``partly_upheld`` / ``not_upheld``: complaints with that outcome;
      ``n_outcome`` is their sum (equal to ``closed`` in a clean log);
    - ``upheld_rate``: (upheld + partly upheld) / ``n_outcome``, the share where the
      council accepted it got something wrong; ``partly_upheld_rate``: partly upheld
      / ``n_outcome`` (part of ``upheld_rate``); NaN with no outcomes;
    - ``ombudsman``: complaints whose ``stage`` is "ombudsman";
      ``ombudsman_rate``: ombudsman / ``count`` (all complaints, open or closed).

    Recent periods hold complaints still open, which may yet be upheld or
    escalated: their rates are provisional.
    """
    _check_columns(log, ["upheld", "stage"], "outcome")
    outcome_codes, outcome_levels = _level_codes(log["upheld"], "upheld")
    stage_codes, stage_levels = _level_codes(log["stage"], "stage")
    unknown = [lev for lev in outcome_levels if lev not in OUTCOME_LEVELS]
    if unknown:
        raise ValueError(f"column 'upheld' has levels outside {OUTCOME_LEVELS}: {unknown}")
    if STAGE_LEVELS[-1] not in stage_levels:
        raise ValueError(f"column 'stage' has no level {STAGE_LEVELS[-1]!r}: {stage_levels}")
    indicators = [
        (outcome_codes == outcome_levels.index(lev)).astype(np.float64)
        if lev in outcome_levels
        else np.zeros(len(log))
        for lev in OUTCOME_LEVELS
    ]
    if "closed" in log.columns:
        closed = log["closed"].notna().to_numpy(dtype=np.float64)
    else:
        closed = (outcome_codes >= 0).astype(np.float64)
    ombudsman = (stage_codes == stage_levels.index(STAGE_LEVELS[-1])).astype(np.float64)
    grid = _Grid(log, by=by, period=period, date=date, start=start, end=end)
    counts, n_closed, n_up, n_partly, n_not, n_omb = grid.sums(closed, *indicators, ombudsman)
    table = grid.frame()
    count = grid.table(counts)
    up, partly, not_up = (_as_int(grid.table(x)) for x in (n_up, n_partly, n_not))
    decided = up + partly + not_up
    omb = _as_int(grid.table(n_omb))
    table["count"] = count
    table["closed"] = _as_int(grid.table(n_closed))
    table["n_outcome"] = decided
    table["upheld"] = up
    table["partly_upheld"] = partly
    table["not_upheld"] = not_up
    table["upheld_rate"] = _ratio(up + partly, decided)
    table["partly_upheld_rate"] = _ratio(partly, decided)
    table["ombudsman"] = omb
    table["ombudsman_rate"] = _ratio(omb, count)
    return table


# ------------------------------------------------------------------ timeliness


def timeliness(
    log: pd.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = "service",
    target_days: float = 20,
    as_of: Any = None,
    date: str = "received",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """How quickly complaints received in each period were closed.

    Columns ``*by, period, n_received, n_closed, n_open, n_open_overdue,
    median_days_to_close, mean_days_to_close, n_within_target, share_within_target``:

    - ``n_closed``: complaints with a ``days_to_close`` (or, if the log lacks that
      column, a ``closed`` date; days are then closed - received); ``n_open`` the rest;
    - ``median_days_to_close`` / ``mean_days_to_close``: over closed complaints (NaN
      if none were closed);
    - ``n_within_target``: closed within ``target_days`` days (days_to_close <=
      target_days);
    - ``share_within_target``: n_within_target / n_closed. With ``as_of`` (a date)
      the log is read as it stood that day: complaints received after it are left
      out, complaints closed after it count as open, and open complaints older
      than ``target_days`` on that day (``n_open_overdue``) count as misses:
      share = n_within_target / (n_closed + n_open_overdue). Without ``as_of``,
      ``n_open_overdue`` is missing (<NA>) and open complaints are left out, which
      flatters recent periods.
    """
    _check_columns(log, ["received"], "received")
    if "days_to_close" not in log.columns and "closed" not in log.columns:
        raise KeyError("timeliness needs a 'days_to_close' or a 'closed' column")
    received_ticks, tick_per_day, _ = _date_ticks(log, "received")
    if "days_to_close" in log.columns:
        days = pd.to_numeric(log["days_to_close"]).to_numpy(dtype=float)
    else:
        closed_ticks, closed_per_day, _ = _date_ticks(log, "closed")
        closed_days = np.where(closed_ticks == _INT64_NAT, np.nan, closed_ticks / closed_per_day)
        days = closed_days - np.where(
            received_ticks == _INT64_NAT, np.nan, received_ticks / tick_per_day
        )
    overdue = None
    if as_of is not None:
        cut = _day_number(as_of, "as_of")
        received_day = np.where(
            received_ticks == _INT64_NAT, np.nan, np.floor_divide(received_ticks, tick_per_day)
        )
        keep = ~(received_day > cut)
        if not keep.all():
            log, days, received_day = log[keep], days[keep], received_day[keep]
        closed_day = received_day + days
        days = np.where(closed_day <= cut, days, np.nan)  # closed after as_of: still open
        overdue = (np.isnan(days) & ((cut - received_day) > target_days)).astype(np.float64)
    is_closed = ~np.isnan(days)
    closed_days = np.where(is_closed, days, 0.0)
    within = (is_closed & (days <= target_days)).astype(np.float64)
    weights = [is_closed.astype(np.float64), closed_days, within]
    if overdue is not None:
        weights.append(overdue)
    grid = _Grid(log, by=by, period=period, date=date, start=start, end=end)
    counts, n_closed, sum_days, n_within, *rest = grid.sums(*weights)
    table = grid.frame()
    received = grid.table(counts)
    n_closed = _as_int(grid.table(n_closed))
    n_within = _as_int(grid.table(n_within))
    table["n_received"] = received
    table["n_closed"] = n_closed
    table["n_open"] = received - n_closed
    if overdue is not None:
        n_overdue = _as_int(grid.table(rest[0]))
        table["n_open_overdue"] = pd.array(n_overdue, dtype="Int64")
        misses_base = n_closed + n_overdue
    else:
        table["n_open_overdue"] = pd.array([pd.NA] * len(table), dtype="Int64")
        misses_base = n_closed
    table["median_days_to_close"] = _cell_medians(grid, days, len(table))
    table["mean_days_to_close"] = _ratio(grid.table(sum_days), n_closed)
    table["n_within_target"] = n_within
    table["share_within_target"] = _ratio(n_within, misses_base)
    return table


def _cell_medians(grid: _Grid, values: np.ndarray, n_out: int) -> np.ndarray:
    """Median of the non-missing ``values`` in each output row (NaN where none)."""
    out = np.full(n_out, np.nan)
    if not n_out:
        return out
    cell = grid.cell_index()
    use = (cell >= 0) & ~np.isnan(values)
    if use.any():
        medians = pd.Series(values[use]).groupby(cell[use]).median()
        out[medians.index.to_numpy()] = medians.to_numpy()
    return out


# ------------------------------------------------------------------ one measure as a series

#: The measures :func:`measure_series` can compute: name -> (function, value column,
#: the SPC chart that suits it, y-axis label).
MEASURES: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "count": ("complaint_counts", "count", "xmr", "Complaints"),
        "rate": ("complaint_counts", "rate", "u", "Complaints per 1,000 contacts"),
        "seriousness_index": ("seriousness", "seriousness_index", "xmr", "Seriousness index"),
        "mean_severity": (
            "seriousness",
            "mean_severity_weight",
            "xmr",
            "Mean severity weight per complaint",
        ),
        "share_high": ("seriousness", "share_high", "xmr", "Share of high severity"),
        "ombudsman_rate": ("outcomes", "ombudsman_rate", "xmr", "Share reaching the ombudsman"),
        "upheld_rate": ("outcomes", "upheld_rate", "xmr", "Share upheld"),
        "median_days_to_close": ("timeliness", "median_days_to_close", "xmr", "Median days"),
    }
)


def measure_series(
    log: pd.DataFrame,
    *,
    measure: str,
    period: str = "month",
    by: str | Sequence[str] | None = "service",
    denominators: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """One measure as a tidy series ``[*by], period, value``, ready for
    :func:`coprod.spc.spc` with ``value="value"`` (an XmR chart).

    ``measure`` is a key of :data:`MEASURES`; ``options`` go to the measure's function
    (e.g. ``weights=`` for the seriousness index, ``target_days=`` for timeliness,
    ``per=`` for rates). For ``"rate"`` the series also has ``count``, ``denominator`` and
    ``exposure`` (= denominator / per): a u chart of ``value="count",
    denominator="exposure"`` is then in the same units as ``value`` (per 1,000 by default).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    function_name, column, _chart, _label = MEASURES[measure]
    if measure == "rate":
        if denominators is None:
            raise ValueError("measure 'rate' needs denominators= (e.g. service contacts)")
        options["denominators"] = denominators
    table = globals()[function_name](log, period=period, by=by, **options)
    keep = [*_by_columns(by), "period"]
    if measure == "rate":
        keep += ["count", "denominator"]
        table = table.assign(exposure=table["denominator"] / options.get("per", 1000))
        keep.append("exposure")
    return table[[*keep, column]].rename(columns={column: "value"})


# --------------------------------------------------------------------------- co-planning signal

CO_PLANNING_RULE = (
    "A service is flagged 'consider co-planning' when (a) the number or the seriousness of its "
    "complaints shows special-cause concern on an SPC chart in at least {min_points} of the "
    "last {recent} periods, and (b) its planning is professional-led: its surveyed planning position is "
    "below {threshold} (the professionals column of the grid). Without survey placements, "
    "(b) cannot be checked and is assumed, and the reason says so."
)


def _recent_concern(
    result: pd.DataFrame, service: str, recent: int, min_points: int
) -> pd.DataFrame:
    """Per service: concern in the last ``recent`` periods, the rules, and since when."""
    rows = []
    for name, group in result.sort_values("period").groupby(service, sort=True):
        tail = group.tail(recent)
        concern = tail["variation"].eq("special_cause_concern").sum() >= min_points
        since, rules = pd.NaT, ""
        if concern:
            # The signal's start: walk back from the last concern point while points are flagged.
            flagged = group["variation"].eq("special_cause_concern").to_numpy()
            last = int(np.flatnonzero(flagged)[-1])
            first = last
            while first > 0 and flagged[first - 1]:
                first -= 1
            since = group["period"].iloc[first]
            fired = group["rule"].iloc[first : last + 1].dropna().astype(str)
            parts = {r.strip() for text in fired for r in text.split(";") if r.strip()}
            # A concern here is a rise; a downward run or trend fired at the same points
            # is not part of the reason.
            rules = "; ".join(
                sorted(p for p in parts if not p.endswith(("below centre", "falling")))
            )
        rows.append({service: name, "concern": bool(concern), "rule": rules, "since": since})
    return pd.DataFrame(rows)


def consider_co_planning(
    count_spc: pd.DataFrame,
    seriousness_spc: pd.DataFrame | None = None,
    *,
    placements: pd.DataFrame | None = None,
    service: str = "service",
    recent: int = 6,
    min_points: int = 2,
    professional_led_below: float = 0.5,
) -> pd.DataFrame:
    """Which services should consider co-planning, and why, in plain words.

    Parameters
    ----------
    count_spc, seriousness_spc
        Results of :func:`coprod.spc.spc` with ``by=service``: for the number (or rate) of
        complaints, and optionally for their seriousness index. Both must have been computed
        with ``higher_is_better=False`` so that a rise is "special_cause_concern".
    placements
        Optional result of :func:`coprod.grid.place_services` for the same services. When
        given, only services whose planning is professional-led are flagged.
    recent, min_points
        A measure shows concern when at least ``min_points`` of its latest ``recent``
        periods are special-cause concern. One flagged point is too often chance: on
        stable synthetic logs with the four MDC rules and a 24-month baseline, about 9% of
        series have one concern point in any six months, about 3% have two (see
        ``tests/test_co_planning.py``), while a planted rise is found every time.
    professional_led_below
        Planning positions below this (default 0.5, the professionals column) count as
        professional-led.

    Returns
    -------
    One row per service: ``service, consider_co_planning, count_concern, count_rule,
    count_since, seriousness_concern, seriousness_rule, seriousness_since, planning,
    planning_low, planning_high, professional_led, reason``. The decision rule, in words, is
    in ``attrs["decision_rule"]``; every input to it is a column, so nothing is hidden.
    """
    if recent < 1 or not 1 <= min_points <= recent:
        raise ValueError("need recent >= 1 and 1 <= min_points <= recent")
    for name, result in (("count_spc", count_spc), ("seriousness_spc", seriousness_spc)):
        if result is None:
            continue
        missing = {service, "period", "variation", "rule"} - set(result.columns)
        if missing:
            raise KeyError(
                f"{name} lacks columns {sorted(missing)}: pass the result of "
                f"coprod.spc.spc(..., by={service!r})"
            )
    table = _recent_concern(count_spc, service, recent, min_points).rename(
        columns={"concern": "count_concern", "rule": "count_rule", "since": "count_since"}
    )
    if seriousness_spc is not None:
        serious = _recent_concern(seriousness_spc, service, recent, min_points).rename(
            columns={
                "concern": "seriousness_concern",
                "rule": "seriousness_rule",
                "since": "seriousness_since",
            }
        )
        table = table.merge(serious, on=service, how="outer")
    else:
        table["seriousness_concern"] = False
        table["seriousness_rule"] = ""
        table["seriousness_since"] = pd.NaT
    for column in ("count_concern", "seriousness_concern"):
        table[column] = table[column].fillna(False).astype(bool)
    for column in ("count_rule", "seriousness_rule"):
        table[column] = table[column].fillna("")

    if placements is not None:
        if service not in placements.columns and "service" in placements.columns:
            placements = placements.rename(columns={"service": service})  # place_services' name
        if placements[service].duplicated().any():
            raise ValueError(
                "placements has more than one row per service: pass one council and one wave "
                "(e.g. place_services(...) on a single wave)"
            )
        placed = placements[[service, "planning", "planning_low", "planning_high"]]
        table = table.merge(placed, on=service, how="left")
        table["professional_led"] = (table["planning"].round(9) < professional_led_below).where(
            table["planning"].notna()
        )
    else:
        table["planning"] = np.nan
        table["planning_low"] = np.nan
        table["planning_high"] = np.nan
        table["professional_led"] = pd.NA
    concern = table["count_concern"] | table["seriousness_concern"]
    led = table["professional_led"].astype("boolean")
    table["consider_co_planning"] = concern & led.fillna(placements is None).astype(bool)
    table["reason"] = [
        _reason(row, recent, professional_led_below, placements is not None)
        for row in table.to_dict("records")
    ]
    columns = [
        service,
        "consider_co_planning",
        "count_concern",
        "count_rule",
        "count_since",
        "seriousness_concern",
        "seriousness_rule",
        "seriousness_since",
        "planning",
        "planning_low",
        "planning_high",
        "professional_led",
        "reason",
    ]
    out = (
        table[columns]
        .sort_values(["consider_co_planning", service], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    out.attrs["generated_text"] = ("count_rule", "seriousness_rule", "reason")
    out.attrs["decision_rule"] = CO_PLANNING_RULE.format(
        recent=recent, min_points=min_points, threshold=professional_led_below
    )
    return out


def _month(value) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def _reason(row: dict, recent: int, threshold: float, have_placements: bool) -> str:
    signals = []
    if row["count_concern"]:
        signals.append(
            f"the number of complaints shows special-cause concern ({row['count_rule']}) "
            f"since {_month(row['count_since'])}"
        )
    if row["seriousness_concern"]:
        signals.append(
            f"the seriousness of complaints shows special-cause concern "
            f"({row['seriousness_rule']}) since {_month(row['seriousness_since'])}"
        )
    if not signals:
        return f"No sustained special-cause concern in complaints in the last {recent} periods."
    said = " and ".join(signals)
    if not have_placements:
        return (
            f"Consider co-planning: {said}. No survey placement was given, so whether planning "
            "is professional-led was not checked."
        )
    if pd.isna(row["planning"]):
        return f"Check: {said}, but this service has no survey placement to say who plans it."
    where = (
        f"planning position {row['planning']:.2f} "
        f"(95% interval {row['planning_low']:.2f} to {row['planning_high']:.2f})"
    )
    if row["professional_led"]:
        return f"Consider co-planning: {said}, and planning is professional-led ({where})."
    return (
        f"Complaints need attention: {said}; but planning is already shared ({where}, at or "
        f"above {threshold}), so co-planning is not the obvious next step: look at delivery "
        "and at how complaints are handled."
    )


def co_planning_summary(table: pd.DataFrame, *, service: str = "service") -> str:
    """Plain words for a :func:`consider_co_planning` table."""
    flagged = table.loc[table["consider_co_planning"], service].tolist()
    concern = table.loc[
        (table["count_concern"] | table["seriousness_concern"]) & ~table["consider_co_planning"],
        service,
    ].tolist()
    parts = [f"{len(table)} services checked."]
    if flagged:
        parts.append(f"Consider co-planning: {', '.join(flagged)}.")
    else:
        parts.append("No service is flagged to consider co-planning.")
    if concern:
        parts.append(
            f"Complaints show concern but planning is not professional-led (or unknown): "
            f"{', '.join(concern)}."
        )
    parts.append(f"Rule: {table.attrs.get('decision_rule', '(see consider_co_planning)')}")
    return " ".join(parts)


# ------------------------------------------------------------------ seasonality


def seasonally_adjust(
    series: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: str | Sequence[str] | None = "service",
    seasonal_period: int = 12,
) -> pd.DataFrame:
    """Remove a regular seasonal pattern before an SPC chart (statsmodels).

    SPC assumes the only pattern in the data is the one it is looking for: a service with
    a winter peak (street lighting, gritting) signals every winter. Classical additive
    decomposition estimates one fixed seasonal effect per position in the cycle (e.g. per
    calendar month) from the data minus its centred moving average;
    ``adjusted = value - seasonal`` keeps the level and any real change but not the yearly
    cycle. A fixed pattern is deliberate: a flexible one (e.g. STL) can soak up the very
    changes SPC should find. Needs at least two full cycles per group.

    Returns ``series`` (same rows, same order) with two added columns, ``seasonal`` and
    ``adjusted``. Periods must be regular (e.g. month starts) with none missing.
    """
    from statsmodels.tsa.seasonal import seasonal_decompose

    by_cols = _by_columns(by)
    _check_columns(series, [*by_cols, period, value], "series")
    parts = []
    groups = series.groupby(by_cols, sort=False, dropna=False) if by_cols else [((), series)]
    for key, group in groups:
        group = group.sort_values(period)
        # The seasonal position is taken from row order, so every period must be there once.
        steps = pd.DatetimeIndex(group[period]).to_period("M").asi8
        if len(steps) > 1 and (np.diff(steps) != np.diff(steps).min()).any():
            raise ValueError(
                f"group {key!r} has missing or repeated periods; seasonal adjustment needs "
                "one row per period (complaint_counts and fill_zero_counts give that)"
            )
        if len(group) < 2 * seasonal_period:
            raise ValueError(
                f"group {key!r} has {len(group)} periods; seasonal adjustment needs at least "
                f"{2 * seasonal_period} (two full cycles)"
            )
        if group[value].isna().any():
            raise ValueError(f"group {key!r} has missing values in {value!r}: fill them first")
        values = group[value].to_numpy(dtype=float)
        seasonal = seasonal_decompose(values, model="additive", period=seasonal_period).seasonal
        parts.append(group.assign(seasonal=seasonal, adjusted=values - seasonal))
    out = pd.concat(parts)
    return out.loc[series.index] if series.index.is_unique else out.reset_index(drop=True)

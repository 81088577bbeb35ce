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

Arguments shared by all measures: ``freq`` is the period frequency (``"week"``,
``"month"``, ``"quarter"`` or ``"year"``), ``date`` the date column counted. ``by`` is a column name, a list of them or
None (the whole log). The groups listed are those that occur in the log (for
:func:`complaint_counts`, also those in ``denominators``); a complaint with a missing
``by`` value is counted in a group whose value is missing (listed last), so totals
always add up to the log. Periods run from ``start`` to ``end`` (default: the
log's first and last period of ``date``); rows whose ``date`` is missing (e.g. open
complaints when ``date="closed"``) or outside the window are not counted.

The log may be a DataFrame or the load result of :func:`coprod.io.read_complaints`
itself. An out-of-core result (``engine="duckdb"``, kept as Parquet) is counted inside
DuckDB, one row per distinct group, day and level coming back, so the whole log never
comes into memory; the numbers are those of the in-memory log (medians too: each distinct
days-to-close value comes with its count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod._core.text import plural
from coprod.provenance import keep_source
from coprod.timeseries.periods import (
    FREQUENCIES,
    NAT_TICKS,
    PeriodGrid,
    date_ticks,
    day_number,
    to_period_start,
)
from coprod.vocab import OUTCOME_LEVELS, SEVERITY_LEVELS, STAGE_LEVELS

__all__ = [
    "DEFAULT_SEVERITY_WEIGHTS",
    "OUTCOME_LEVELS",
    "FREQUENCIES",
    "SEVERITY_LEVELS",
    "STAGE_LEVELS",
    "MEASURES",
    "complaint_counts",
    "measure_series",
    "outcomes",
    "seriousness",
    "severity_shares",
    "timeliness",
]

# ------------------------------------------------------------------ levels

# One source for the levels: the complaint-log schema the loader validates against.

DEFAULT_SEVERITY_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"low": 1.0, "medium": 2.0, "high": 3.0}
)
"""Weights of :func:`seriousness` (one per severity level)."""

_KNOWN_LEVELS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"severity": SEVERITY_LEVELS, "stage": STAGE_LEVELS, "upheld": OUTCOME_LEVELS}
)


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


def _log_frame(
    log: Any,
    columns: Sequence[str],
    *,
    present: Sequence[str] = (),
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The complaint log as a DataFrame, and how many complaints each of its rows stands
    for (None: one each).

    A DataFrame is taken as it is, a load result gives its ``data``; an out-of-core
    result (:class:`~coprod.io.stored.StoredLoadResult`) is aggregated inside DuckDB to
    one row per distinct combination of ``columns`` (dates to the day, which is all the
    periods need; for the ``present`` columns only whether they are filled), so the
    whole log never comes into memory.
    """
    from coprod.io.result import LoadAccount

    if isinstance(log, pd.DataFrame):
        return log, None
    if not isinstance(log, LoadAccount):
        raise TypeError(
            f"expected a complaint log (a DataFrame or a load result), not {type(log).__name__}"
        )
    if not hasattr(log, "sql_source"):  # in memory
        return log.data, None
    import duckdb
    import pyarrow.parquet as pq

    columns = list(dict.fromkeys(columns))
    stored = [c for c in pq.read_schema(log.data_path).names if c != "row"]
    require_columns(pd.DataFrame(columns=stored), columns, what="the complaint log")
    select = []
    for c in columns:
        quoted = '"' + c.replace('"', '""') + '"'
        if c in present:
            select.append(
                f"CASE WHEN {quoted} IS NULL THEN NULL ELSE DATE '1970-01-01' END AS {quoted}"
            )
        elif c in log.dates:
            select.append(f"CAST({quoted} AS DATE) AS {quoted}")
        else:
            select.append(quoted)
    with duckdb.connect() as con:
        frame = con.sql(
            f"SELECT {', '.join(select)}, count(*) AS _rows FROM {log.sql_source()} GROUP BY ALL"
        ).df()
    counts = frame.pop("_rows").to_numpy(dtype=np.int64)
    for c in columns:
        if c in log.levels:
            frame[c] = pd.Categorical(frame[c], categories=log.levels[c], ordered=True)
        elif c in log.dates or c in present:
            frame[c] = frame[c].astype("datetime64[ns]")
        else:
            frame[c] = frame[c].astype("float64" if c == "days_to_close" else "str")
    frame.attrs.update(log.attrs)
    return frame, counts


def complaint_counts(
    log: pd.DataFrame,
    *,
    freq: str = "month",
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
    (any date in the period, as dates or as text read by :func:`coprod.io.parse_dates`;
    without it the same denominator applies to every period, e.g. residents), and
    ``denominator`` (e.g. service contacts in the
    period, or residents). Then ``denominator`` and ``rate = count / denominator *
    per`` (per 1,000 by default) are added; ``rate`` is NaN where the denominator is
    0. Denominators given for shorter periods than ``freq`` (monthly contacts for
    quarterly counts) are added up, and a period whose shorter periods are not all given
    has none; a longer period is never split. Groups listed in ``denominators`` but
    absent from the log are added with zero counts. A group x period without a denominator raises ValueError naming
    them; so do duplicated or negative denominators.

    Fast for large logs: a 10-million-row log counts monthly per service in a
    fraction of a second with a few MB of working memory (see
    ``benchmarks/bench_monthly_counts.py``).
    """
    log, rows = _log_frame(log, [*by_list(by), date])
    grid = PeriodGrid(log, by=by, period=freq, date=date, start=start, end=end, row_counts=rows)
    (counts,) = grid.sums()
    table = grid.frame()
    table["count"] = grid.table(counts)
    if denominators is not None:
        table = _attach_denominators(table, denominators, grid, per=per)
    return keep_source(table, log, denominators)


def _attach_denominators(
    table: pd.DataFrame, denominators: pd.DataFrame, grid: PeriodGrid, *, per: float
) -> pd.DataFrame:
    if not isinstance(denominators, pd.DataFrame):
        raise TypeError(f"denominators must be a DataFrame, not {type(denominators).__name__}")
    needed = [*grid.by, "denominator"]
    require_columns(
        denominators,
        needed,
        what="denominators",
        hint=f"it needs {needed} (and optionally 'period')",
    )
    keys = [*grid.by, *(["period"] if "period" in denominators.columns else [])]
    den = denominators[[*keys, "denominator"]].copy()
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
    partial = None
    if "period" in keys:
        den, partial = _denominators_per_period(den, grid)

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
        why = f"\n{partial}" if partial else ""
        raise ValueError(
            f"no denominator for {len(gaps)} of the {keys} counted, e.g.\n{shown}{why}"
        )
    values = den["denominator"].to_numpy()[position] if len(table) else np.zeros(0)
    table["denominator"] = values
    table["rate"] = _ratio(table["count"].to_numpy(), values) * per
    return table


def _denominators_per_period(den: pd.DataFrame, grid: PeriodGrid) -> tuple[pd.DataFrame, str]:
    """Denominators on the counts' periods, and a note on why a period may lack one.

    Denominators given per period of ``freq`` (or once for a longer one) are used as they
    are. Denominators given for shorter periods (monthly contacts for quarterly counts)
    are added up: they are flows, like contacts or visits. A period whose shorter
    periods are not all given gets no denominator, so no rate comes from part of it.
    A longer period is never split between shorter ones (that needs an assumption).
    Stocks such as residents: give them without ``period``.
    """
    by, target = grid.by, grid.period
    lengths = ("day", *FREQUENCIES)
    # the denominators' own period: the longest at which their dates stay distinct
    native = "day"
    for freq in reversed(FREQUENCIES):
        starts = to_period_start(den["period"], freq, grid.unit, "denominators")
        if not pd.concat([den[by], starts], axis=1).duplicated().any():
            native = freq
            break
    out = den.assign(period=to_period_start(den["period"], target, grid.unit, "denominators"))
    if lengths.index(native) >= lengths.index(target):
        note = ""
        if native != target:
            note = (
                f"the denominators are given per {native}; a rate per {target} would need each "
                f"{native}'s denominator split between its {target}s: count per {native} or "
                f"longer, or give denominators per {target}"
            )
        return out, note
    summed = out.groupby([*by, "period"], sort=False, dropna=False, observed=True)
    out = summed["denominator"].sum().reset_index()
    given = summed["denominator"].size().to_numpy()
    days = out["period"].to_numpy().astype("datetime64[D]").astype(np.int64)
    expected = _shorter_periods_in(days, native, target)
    whole = given == expected
    note = ""
    if not whole.all():
        n_part = int((~whole).sum())
        first = np.flatnonzero(~whole)[0]
        where = ", ".join(f"{out[c].iloc[first]}" for c in by)
        note = (
            f"the denominators are given per {native}: {plural(n_part, target)} "
            f"{'has only some of its' if n_part == 1 else 'have only some of their'} {native}s (e.g. "
            f"{given[first]} of {expected[first]} in the {target} starting "
            f"{pd.Timestamp(out['period'].iloc[first]):%d %B %Y}"
            + (f" for {where})" if by else ")")
        )
    return out[whole].reset_index(drop=True), note


def _shorter_periods_in(days: np.ndarray, shorter: str, period: str) -> np.ndarray:
    """How many ``shorter`` periods start within each ``period`` starting on ``days``
    (e.g. 3 months in a quarter, 4 or 5 weeks in a month)."""
    from coprod.timeseries.periods import _period_numbers, _period_starts

    def first_starting_on_or_after(day_numbers):
        if shorter == "day":
            return day_numbers
        numbers = _period_numbers(day_numbers, shorter)
        starts = _period_starts(numbers, shorter).astype(np.int64)
        return numbers + (starts < day_numbers)

    ends = _period_starts(_period_numbers(days, period) + 1, period).astype(np.int64)
    return first_starting_on_or_after(ends) - first_starting_on_or_after(days)


# ------------------------------------------------------------------ seriousness


def seriousness(
    log: pd.DataFrame,
    *,
    freq: str = "month",
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
    log, rows = _log_frame(log, [*by_list(by), date, "severity"])
    require_columns(log, ["severity"], what="the complaint log")
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
    grid = PeriodGrid(log, by=by, period=freq, date=date, start=start, end=end, row_counts=rows)
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
    return keep_source(table, log)


def severity_shares(
    log: pd.DataFrame,
    *,
    freq: str = "month",
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
    log, rows = _log_frame(log, [*by_list(by), date, column])
    require_columns(log, [column], what="the complaint log")
    codes, levels = _level_codes(log[column], column)
    grid = PeriodGrid(log, by=by, period=freq, date=date, start=start, end=end, row_counts=rows)
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
    return keep_source(table, log)


# ------------------------------------------------------------------ outcomes


def outcomes(
    log: pd.DataFrame,
    *,
    freq: str = "month",
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
    if hasattr(log, "sql_source"):  # out of core: aggregated, closed only as filled or not
        has_closed = "closed" in getattr(log, "dates", ())
        needed = [*by_list(by), date, "upheld", "stage", *(["closed"] if has_closed else [])]
        log, rows = _log_frame(log, needed, present=["closed"] if date != "closed" else [])
    else:
        log, rows = _log_frame(log, [])
    require_columns(log, ["upheld", "stage"], what="the complaint log")
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
    grid = PeriodGrid(log, by=by, period=freq, date=date, start=start, end=end, row_counts=rows)
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
    return keep_source(table, log)


# ------------------------------------------------------------------ timeliness


def timeliness(
    log: pd.DataFrame,
    *,
    freq: str = "month",
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
    if hasattr(log, "sql_source"):  # out of core: one row per group, days and days to close
        if "closed" not in log.dates:
            raise KeyError("timeliness needs a 'days_to_close' or a 'closed' column")
        needed = [*by_list(by), date, "received", "days_to_close"]
        log, rows = _log_frame(log, needed)
    else:
        log, rows = _log_frame(log, [])
    require_columns(log, ["received"], what="the complaint log")
    if "days_to_close" not in log.columns and "closed" not in log.columns:
        raise KeyError("timeliness needs a 'days_to_close' or a 'closed' column")
    received_ticks, tick_per_day, _ = date_ticks(log, "received")
    if "days_to_close" in log.columns:
        days = pd.to_numeric(log["days_to_close"]).to_numpy(dtype=float)
    else:
        closed_ticks, closed_per_day, _ = date_ticks(log, "closed")
        closed_days = np.where(closed_ticks == NAT_TICKS, np.nan, closed_ticks / closed_per_day)
        days = closed_days - np.where(
            received_ticks == NAT_TICKS, np.nan, received_ticks / tick_per_day
        )
    overdue = None
    if as_of is not None:
        cut = day_number(as_of, "as_of")
        received_day = np.where(
            received_ticks == NAT_TICKS, np.nan, np.floor_divide(received_ticks, tick_per_day)
        )
        keep = ~(received_day > cut)
        if not keep.all():
            log, days, received_day = log[keep], days[keep], received_day[keep]
            rows = None if rows is None else rows[keep]
        closed_day = received_day + days
        days = np.where(closed_day <= cut, days, np.nan)  # closed after as_of: still open
        overdue = (np.isnan(days) & ((cut - received_day) > target_days)).astype(np.float64)
    is_closed = ~np.isnan(days)
    closed_days = np.where(is_closed, days, 0.0)
    within = (is_closed & (days <= target_days)).astype(np.float64)
    weights = [is_closed.astype(np.float64), closed_days, within]
    if overdue is not None:
        weights.append(overdue)
    grid = PeriodGrid(log, by=by, period=freq, date=date, start=start, end=end, row_counts=rows)
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
    table["median_days_to_close"] = _cell_medians(grid, days, len(table), rows)
    table["mean_days_to_close"] = _ratio(grid.table(sum_days), n_closed)
    table["n_within_target"] = n_within
    table["share_within_target"] = _ratio(n_within, misses_base)
    return keep_source(table, log)


def _cell_medians(
    grid: PeriodGrid, values: np.ndarray, n_out: int, rows: np.ndarray | None = None
) -> np.ndarray:
    """Median of the non-missing ``values`` in each output row (NaN where none); each
    value stands for ``rows`` complaints when given (an aggregated log): the median of
    the values repeated that often, the mean of the middle two for an even count."""
    out = np.full(n_out, np.nan)
    if not n_out:
        return out
    cell = grid.cell_index()
    use = (cell >= 0) & ~np.isnan(values)
    if not use.any():
        return out
    if rows is None:
        medians = pd.Series(values[use]).groupby(cell[use]).median()
        out[medians.index.to_numpy()] = medians.to_numpy()
        return out
    cells, vals, n = cell[use], values[use], np.asarray(rows, dtype=np.int64)[use]
    order = np.lexsort((vals, cells))
    cells, vals, n = cells[order], vals[order], n[order]
    ends = np.cumsum(n)  # within the sorted list: value i covers positions ends-n .. ends-1
    firsts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    base = np.r_[0, ends[firsts[1:] - 1]]  # positions before each cell
    total = np.add.reduceat(n, firsts)
    for k, pos in ((0, (total - 1) // 2), (1, total // 2)):
        at = np.searchsorted(ends, base + pos, side="right")  # the value covering that position
        if k == 0:
            low = vals[at]
        else:
            out[cells[firsts]] = (low + vals[at]) / 2
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
        "median_days_to_close": (
            "timeliness",
            "median_days_to_close",
            "xmr",
            "Median days to close",
        ),
    }
)


def measure_series(
    log: pd.DataFrame,
    *,
    measure: str,
    freq: str = "month",
    by: str | Sequence[str] | None = "service",
    denominators: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """One measure as a tidy series ``[*by], period, value``, ready for
    :func:`coprod.timeseries.spc.spc` with ``value="value"`` (an XmR chart).

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
    table = globals()[function_name](log, freq=freq, by=by, **options)
    keep = [*by_list(by), "period"]
    if measure == "rate":
        keep += ["count", "denominator"]
        table = table.assign(exposure=table["denominator"] / options.get("per", 1000))
        keep.append("exposure")
    return table[[*keep, column]].rename(columns={column: "value"})

"""Run charts with the Anhøj rules: the first look at a short series.

Why
---
A run chart is the points in time order and their median: no limits, so it needs no
assumption about the distribution and works from about ten points. Two rules (Anhøj
2014, 2015), as qicharts2 applies them, tell non-random variation (a shift) from noise,
from the points' sides of the centre line alone:

* **unusually long run**: a run is one or more points in a row on the same side of the
  centre; points on the centre neither break nor add to a run. The longest run signals
  when it is longer than ``round(log2(n_useful)) + 3`` points
  (:func:`longest_run_limit`, Schilling 2012), where ``n_useful`` is the number of points
  not on the centre;
* **unusually few crossings**: a crossing is two points in a row (of the useful ones) on
  opposite sides of the centre. In a random process their number is binomial
  ``b(n_useful - 1, 0.5)``; fewer than its 5% quantile (:func:`crossings_minimum`, R's
  ``qbinom(0.05, n_useful - 1, 0.5)``, Chen 2010) signals.

``runs_signal`` is either. With 20 or more points a control chart
(:func:`coprod.timeseries.spc.spc`) can add process limits and Making Data Count's rules.

Functions
---------
:func:`anhoej_runs` computes the statistics of any values against any centre (a run
chart's median or a control chart's mean: qicharts2 applies the rules to both);
:func:`run_chart` computes a run chart, one row per point (per group);
:func:`anhoej_statistics` gives one row per group (and segment) of a run chart's or an
:func:`~coprod.timeseries.spc.spc` result; :func:`run_chart_summary` says a run chart in
words. Charts are in :mod:`coprod.charts.runs`.

Sources
-------
- Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules
  for detection of non-random variation in health care processes. PLoS ONE 9(11): e113825.
- Anhøj J (2015). Diagnostic value of run chart analysis. PLoS ONE 10(3): e0121349.
- qicharts2 (Anhøj), ``R/helper.functions.R`` ``runs.analysis``,
  https://github.com/anhoej/qicharts2.

All functions are pure: they print nothing and keep no state between calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, group_columns, require_columns
from coprod._core.text import plural, wrap_text
from coprod.provenance import keep_source
from coprod.timeseries.spc import (
    _as_period_like,
    _check_gaps,
    _checked_frame,
    _fmt_number,
    _fmt_period,
    _gap_step,
    _group_label,
    _is_monthly,
    _runs,
    _side,
)

__all__ = [
    "ANHOJ_COLUMNS",
    "AnhojRuns",
    "CONTROL_CHART_POINTS",
    "anhoej_runs",
    "anhoej_statistics",
    "crossings_minimum",
    "longest_run_limit",
    "run_chart",
    "run_chart_summary",
]

ANHOJ_COLUMNS: tuple[str, ...] = (
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "longest_run_signal",
    "crossings_signal",
    "runs_signal",
)
"""The Anhøj statistics of a group (qicharts2's ``summary()`` names, with ``_``), the
same on every row of the group in a :func:`run_chart` result."""

#: From about this many points a control chart's limits settle enough to read (MDC and
#: qicharts2 both suggest 20 or more): before that, the run chart is the look to take.
CONTROL_CHART_POINTS = 20
#: The Anhøj rules were validated from 10 useful points (Anhøj & Olesen 2014).
_FEWEST_USEFUL = 10
_INT_COLUMNS = ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min")
_RESERVED = frozenset(
    {
        "period",
        "value",
        "count",
        "denominator",
        "rate",
        "centre",
        "in_baseline",
        "side",
        "run_id",
        "length_of_run",
        "in_longest_run",
        "in_long_run",
        "measure",
        *ANHOJ_COLUMNS,
    }
)


# ------------------------------------------------------------------ the two limits


def longest_run_limit(n_useful: int) -> int:
    """The longest run chance allows among ``n_useful`` points: ``round(log2(n)) + 3``.

    A longer run signals a shift. (``log2`` of a whole number is never exactly half-way,
    so R's and Python's rounding agree.)
    """
    n = _useful_count(n_useful)
    return round(math.log2(n)) + 3


def crossings_minimum(n_useful: int) -> int:
    """The fewest crossings chance allows among ``n_useful`` points: the 5% quantile of
    ``b(n_useful - 1, 0.5)`` (R's ``qbinom(0.05, n - 1, 0.5)``), computed exactly.

    The smallest ``k`` with ``P(X <= k) >= 0.05``; fewer crossings signal a shift.
    """
    n = _useful_count(n_useful)
    trials = n - 1
    # P(X <= k) >= 1/20  <=>  20 * sum(C(trials, i), i <= k) >= 2 ** trials, in integers
    total, cumulative = 2**trials, 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:
            return k
    return trials  # not reached: the sum reaches 2 ** trials


def _useful_count(n_useful: Any) -> int:
    if isinstance(n_useful, bool) or not isinstance(n_useful, int | np.integer) or n_useful < 1:
        raise ValueError(
            f"the number of useful points must be a whole number >= 1, not {n_useful!r}"
        )
    return int(n_useful)


# ------------------------------------------------------------------ the statistics


@dataclass(frozen=True)
class AnhojRuns:
    """The Anhøj statistics of one series against its centre line (:func:`anhoej_runs`).

    ``longest_run``, ``longest_run_max``, ``n_crossings`` and ``n_crossings_min`` are None
    when no point is off the centre (``n_useful`` 0), as qicharts2 gives NA; there is then
    no signal.
    """

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    longest_run_signal: bool
    crossings_signal: bool

    @property
    def runs_signal(self) -> bool:
        """Either rule fired: a sign of non-random variation (a shift)."""
        return self.longest_run_signal or self.crossings_signal

    def as_row(self) -> dict[str, Any]:
        """The statistics as a row of :data:`ANHOJ_COLUMNS`."""
        return {name: getattr(self, name) for name in ANHOJ_COLUMNS}


def _point_runs(side: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each point's run number (1, 2, ... over the points off the centre; 0 on it) and the
    length of its run, a point on the centre breaking no run."""
    useful = np.flatnonzero(side != 0)
    run_id = np.zeros(len(side), dtype=int)
    length = np.zeros(len(side), dtype=int)
    for k, (start, stop, _code) in enumerate(_runs(side[useful]), start=1):
        run_id[useful[start:stop]] = k
        length[useful[start:stop]] = stop - start
    return run_id, length


def anhoej_runs(values: Any, centre: Any) -> AnhojRuns:
    """The Anhøj statistics of ``values`` (in time order) against ``centre``.

    ``centre`` is one number (a run chart's median) or one per value (a control chart's
    centre line). A point on the centre (to rounding) is not useful: it neither breaks nor
    adds to a run; a missing value is not useful either but counts in ``n_obs``, as
    qicharts2's ``runs.analysis`` counts it. Use this to apply the rules to a control
    chart's points against its mean, as qicharts2 does; :func:`run_chart` uses the median.
    """
    y = np.asarray(values, dtype=float).ravel()
    line = np.broadcast_to(np.asarray(centre, dtype=float), y.shape)
    side = _side(y, line)
    signs = side[side != 0]
    n_useful = len(signs)
    if n_useful == 0:
        return AnhojRuns(len(y), 0, None, None, None, None, False, False)
    lengths = [stop - start for start, stop, _ in _runs(signs)]
    longest, crossings = max(lengths), len(lengths) - 1
    longest_max, crossings_min = longest_run_limit(n_useful), crossings_minimum(n_useful)
    return AnhojRuns(
        n_obs=len(y),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        longest_run_signal=longest > longest_max,
        crossings_signal=crossings < crossings_min,
    )


def _statistics_frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(columns))
    for name in _INT_COLUMNS:
        out[name] = out[name].astype("Int64")  # missing when no point is off the centre
    for name in ("n_obs", "n_useful"):
        out[name] = out[name].astype(int)
    for name in ("longest_run_signal", "crossings_signal", "runs_signal"):
        out[name] = out[name].astype(bool)
    return out


def anhoej_statistics(result: pd.DataFrame) -> pd.DataFrame:
    """One row per group (and segment) of the Anhøj statistics of a chart's points.

    ``result`` is a :func:`run_chart` result (against its median) or an
    :func:`~coprod.timeseries.spc.spc` result (against each segment's centre line, the
    rules applied to each segment alone, points left out of the limits, ``excluded``,
    left out of the runs too: qicharts2's ``part`` and ``exclude``). Its group columns are
    those before ``period``.

    Returns ``[*by], segment`` (when the result has segments), then :data:`ANHOJ_COLUMNS`.
    """
    if not isinstance(result, pd.DataFrame):
        raise TypeError("result must be the DataFrame returned by run_chart or spc")
    require_columns(
        result,
        ["period", "value", "centre"],
        what="result",
        hint="pass the DataFrame returned by run_chart or spc",
    )
    by = group_columns(result, before="period", what="result")
    parts = [*by, "segment"] if "segment" in result.columns else by
    rows = []
    pieces = result.groupby(parts, sort=False, dropna=False) if parts else [((), result)]
    for key, part in pieces:
        part = part.sort_values("period", kind="stable")
        if "excluded" in part.columns:
            part = part[~part["excluded"].to_numpy(dtype=bool)]
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(parts, key, strict=True))
        row.update(anhoej_runs(part["value"], part["centre"]).as_row())
        rows.append(row)
    out = _statistics_frame(rows, [*parts, *ANHOJ_COLUMNS])
    for col in parts:
        out[col] = out[col].astype(result[col].dtype)
    return out


# ------------------------------------------------------------------ run_chart


def run_chart(
    data: pd.DataFrame,
    *,
    value: str,
    period: str,
    by: str | Sequence[str] | None = None,
    denominator: str | None = None,
    baseline: int | Any | None = None,
    date_order: str | None = None,
) -> pd.DataFrame:
    """A run chart: each point against the median, with the Anhøj rules (per group).

    Parameters
    ----------
    data
        Tidy: one row per period (per ``by`` group). Missing values and gaps in a
        regular series raise ValueError, as in :func:`~coprod.timeseries.spc.spc`.
    value
        The measured column (with ``denominator``: the count).
    period
        Dates (datetimes, pandas Periods, or text read by :func:`coprod.io.parse_dates`)
        or numbers; sorted within each group; duplicates raise ValueError.
    by
        Column name(s) of independent groups; each group has its own median and rules.
    denominator
        Optional: chart ``value / denominator`` (a rate, e.g. complaints per 1,000
        contacts), as qicharts2 does with ``n``; positive.
    baseline
        None (the median of all points), an int ``n`` (of each group's first ``n``
        points), or a date (of the periods up to and including it). The rules still read
        every point against that median.
    date_order
        The day/month order of text periods and a baseline date given as text (``None``,
        ``"dmy"``, ``"mdy"`` or ``"ymd"``).

    Returns
    -------
    DataFrame
        One row per period: ``[*by], period, value`` (``count, denominator, rate`` with a
        denominator), ``centre`` (the median), ``in_baseline``, ``side`` (+1 above the
        median, -1 below, 0 on it), ``run_id`` (1, 2, ... the run the point is part of; 0 on
        the median), ``length_of_run`` (points in that run; 0 on the median),
        ``in_longest_run`` (the point is in a run as long as the longest), ``in_long_run``
        (its run is longer than ``longest_run_max``: the points of a signal), then the
        group's :data:`ANHOJ_COLUMNS` (the same on each of its rows) and ``measure``.
    """
    by_cols = by_list(by)
    if isinstance(baseline, bool):
        raise ValueError("baseline must be None, a number of points or a date, not a boolean")
    if isinstance(baseline, int | np.integer) and baseline < 1:
        raise ValueError(f"baseline must be at least 1 point, not {baseline}")
    checked = _checked_frame(
        data,
        value=value,
        period=period,
        by=by_cols,
        denominator=denominator,
        date_order=date_order,
        reserved=_RESERVED,
    )
    frame, date_order, monthly = checked.frame, checked.date_order, checked.monthly
    step = _gap_step(frame["period"])
    if by_cols:
        grouped = frame.groupby(by_cols, sort=False, dropna=False)
        groups = [(k if isinstance(k, tuple) else (k,), g) for k, g in grouped]
    else:
        groups = [((), frame)]
    pieces = []
    for key, group in groups:
        group = group.sort_values("period", kind="stable")
        label = _group_label(key, by_cols)
        _check_gaps(group["period"], step, label, value, monthly)
        pieces.append(
            _group_run_chart(
                group,
                key=key,
                by=by_cols,
                value=value,
                denominator=denominator,
                baseline=baseline,
                label=label,
                monthly=monthly,
                date_order=date_order,
            )
        )
    result = pd.concat(pieces, ignore_index=True)
    for col in by_cols:
        result[col] = result[col].astype(data[col].dtype)
    for name in _INT_COLUMNS:
        result[name] = result[name].astype("Int64")
    result["measure"] = f"{value} per {denominator}" if denominator else value
    return keep_source(result, data)


def _group_run_chart(
    group: pd.DataFrame,
    *,
    key: tuple[Any, ...],
    by: list[str],
    value: str,
    denominator: str | None,
    baseline: Any,
    label: str,
    monthly: bool,
    date_order: str | None,
) -> pd.DataFrame:
    periods = group["period"].reset_index(drop=True)
    n = len(periods)
    counts = group[value].to_numpy(dtype=float)
    denom = group[denominator].to_numpy(dtype=float) if denominator else None
    y = counts / denom if denom is not None else counts
    base = np.ones(n, dtype=bool)
    if isinstance(baseline, int | np.integer):
        base[int(baseline) :] = False
    elif baseline is not None:
        until = _as_period_like(baseline, periods, "baseline date", date_order)
        if until < periods.iloc[0]:
            raise ValueError(
                f"baseline date {_fmt_period(until, False)} is before the first period of "
                f"{label} ({_fmt_period(periods.iloc[0], monthly)})"
            )
        base = (periods <= until).to_numpy()
    centre = float(np.median(y[base]))
    side = _side(y, np.full(n, centre))
    run_id, length = _point_runs(side)
    stats = anhoej_runs(y, centre)
    longest = stats.longest_run or 0
    out: dict[str, Any] = {"period": periods.to_numpy(), "value": y}
    if denom is not None:
        out.update({"count": counts, "denominator": denom, "rate": y})
    out.update(
        {
            "centre": np.full(n, centre),
            "in_baseline": base,
            "side": side,
            "run_id": run_id,
            "length_of_run": length,
            "in_longest_run": (length == longest) & (length > 0),
            "in_long_run": length > (stats.longest_run_max or n),
        }
    )
    result = pd.DataFrame(out)
    for name, setting in stats.as_row().items():
        result[name] = setting
    for pos, (col, val) in enumerate(zip(by, key, strict=True)):
        result.insert(pos, col, val)
    return result


# ------------------------------------------------------------------ in words


def _run_where(group: pd.DataFrame, monthly: bool) -> str:
    """Where the (first) longest run is: 'below the median, 2021-03 to 2021-11'."""
    points = group[group["in_longest_run"].to_numpy(dtype=bool)]
    first = points[points["run_id"] == points["run_id"].iloc[0]]
    way = "above" if int(first["side"].iloc[0]) > 0 else "below"
    span = (
        f"{_fmt_period(first['period'].iloc[0], monthly)} to "
        f"{_fmt_period(first['period'].iloc[-1], monthly)}"
    )
    return f"{way} the median, {span}"


def run_chart_summary(result: pd.DataFrame) -> str:
    """A :func:`run_chart` result in words, one paragraph per group: its median, the
    longest run against its limit, the crossings against their minimum, what they mean,
    and when to move to a control chart."""
    require_columns(
        result,
        ["period", "value", "centre", "side", "run_id", "in_longest_run", *ANHOJ_COLUMNS],
        what="result",
        hint="pass the DataFrame returned by run_chart",
    )
    if len(result) == 0:
        return "No periods to describe."
    by = group_columns(result, before="period", what="result")
    monthly = _is_monthly(result["period"])
    pieces = result.groupby(by, sort=False, dropna=False) if by else [((), result)]
    paragraphs = []
    for key, group in pieces:
        group = group.sort_values("period", kind="stable")
        key = key if isinstance(key, tuple) else (key,)
        first = group.iloc[0]
        name = ", ".join(str(k) for k in key) if by else "The series"
        span = (
            f"{_fmt_period(group['period'].iloc[0], monthly)} to "
            f"{_fmt_period(group['period'].iloc[-1], monthly)}"
        )
        n_obs, n_useful = int(first["n_obs"]), int(first["n_useful"])
        text = (
            f"{name}: a run chart of {plural(n_obs, 'point')} ({span}), median "
            f"{_fmt_number(float(first['centre']))}"
        )
        n_base = int(group["in_baseline"].sum())
        if n_base < n_obs:
            text += f" (of the first {plural(n_base, 'point')})"
        off = f"all {n_obs}" if n_useful == n_obs else f"{n_useful} of the {n_obs}"
        text += f"; {off} points are off it (the useful ones). "
        if n_useful == 0:
            text += "With every point on the median there are no runs to read. "
        else:
            longest, longest_max = int(first["longest_run"]), int(first["longest_run_max"])
            crossings, crossings_min = int(first["n_crossings"]), int(first["n_crossings_min"])
            text += (
                f"The longest run is {plural(longest, 'point')} ({_run_where(group, monthly)}); "
                f"more than {longest_max} would signal a shift. The line crosses the median "
                f"{plural(crossings, 'time')}; fewer than {crossings_min} would signal one. "
            )
            fired = []
            if bool(first["longest_run_signal"]):
                fired.append("the run is unusually long")
            if bool(first["crossings_signal"]):
                fired.append("the crossings are unusually few")
            if fired:
                text += (
                    "Non-random variation: " + " and ".join(fired) + ": something more than "
                    "noise moves the points (a shift, a trend or a season); find out what. "
                )
            else:
                text += "No sign of non-random variation: the ups and downs look like noise. "
            if n_useful < _FEWEST_USEFUL:
                text += (
                    f"With fewer than {_FEWEST_USEFUL} useful points the rules seldom fire: "
                    "read them with care. "
                )
        if n_obs < CONTROL_CHART_POINTS:
            text += (
                "A run chart is the first look at a short series; from about "
                f"{CONTROL_CHART_POINTS} points a control chart (spc) can add process limits."
            )
        else:
            text += (
                f"With {n_obs} points a control chart (spc) can add process limits to this "
                "first look."
            )
        paragraphs.append(text.strip())
    return wrap_text("\n\n".join(paragraphs))

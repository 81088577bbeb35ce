"""Statistical process control (SPC) of complaints, following NHS England's "Making Data Count".

Why
---
Where professionals lead the planning of a service, a good complaints procedure is
essential; when complaints rise in number or seriousness it may be time to consider
co-planning. Complaint counts go up and down every month by chance; SPC separates
that *common cause* variation (noise) from *special cause* variation (a signal worth
acting on). This module follows the conventions of NHS England's Making Data Count
(MDC) programme by default. Other tools analysts use make other choices, and
``conventions=`` follows them (:data:`CONVENTIONS`): NHSRplotthedots asks for trends of 7
points, screens large moving ranges out of the limits and counts only points within the
limits towards two of three; PowerBI-SPC asks for trends of 5, screens moving ranges, scales
XmR limits by 3 / 1.128 and has its own two-in-three (:data:`TWO_OF_THREE_RULES`). With the
default, coprod's numbers are what MDC's own spreadsheet tools publish.

Charts
------
``chart="xmr"`` (individuals, the MDC default; any measure, e.g. mean seriousness)
    centre = mean of the baseline values; moving ranges ``|x_t - x_(t-1)|`` within a
    segment; process limits ``centre +/- 2.66 * MR-bar`` (2.66 = 3 / 1.128) where
    MR-bar is the mean moving range of the baseline; 2-sigma lines at
    ``centre +/- (2/3) * 2.66 * MR-bar``. Limits are not floored. With
    ``screen_outliers=True`` (NHSRplotthedots' and PowerBI-SPC's default) moving ranges of
    3.267 x MR-bar or more (the moving ranges' own upper limit) are left out and MR-bar is
    computed again, so one freak month does not widen the limits.
``chart="c"`` (counts of complaints per period, equal opportunity each period)
    centre c-bar = mean count; limits ``c-bar +/- 3 sqrt(c-bar)``, 2-sigma lines
    ``c-bar +/- 2 sqrt(c-bar)``; lower lines floored at 0.
``chart="u"`` (rates: ``value`` = count, ``denominator`` = exposure such as service
    contacts in thousands) u_i = c_i / n_i, u-bar = sum(c) / sum(n) over the baseline;
    per-point limits ``u-bar +/- 3 sqrt(u-bar / n_i)`` and 2-sigma lines
    ``u-bar +/- 2 sqrt(u-bar / n_i)``, lower lines floored at 0. The output's
    ``value`` is then the rate (also in ``rate``; the count is kept in ``count``).
``chart="p"`` (proportions: ``value`` = the cases, ``denominator`` = the number they are
    out of, such as complaints closed, of which some were upheld) p_i = c_i / n_i, p-bar =
    sum(c) / sum(n) over the baseline; per-point limits ``p-bar +/- 3 sqrt(p-bar (1 -
    p-bar) / n_i)`` (2-sigma lines with 2), floored at 0 and capped at 1. The output's
    ``value`` is the proportion (also in ``proportion``; the count is kept in ``count``).
``chart="g"``, ``chart="t"``, ``chart="pp"``, ``chart="up"``
    rare events (g: cases between events, t: time between them) and Laney's p' and u'
    charts for overdispersed proportions and rates: see "Rare events and overdispersion"
    below; :func:`overdispersion` says when a c, u or p chart's limits are too narrow.

Segments and baselines
----------------------
``rebase`` starts a new segment (new centre and limits) at each given date; a date
that is not a period of the data snaps to the next period present; rules never look
across a segment boundary. ``baseline`` fixes the limits: an int ``n`` computes each
segment's limits from its first ``n`` points (then holds them and extends them); a
date computes the first segment's limits from the periods up to and including it
(later segments use all their points). Points used are marked ``in_baseline``.

Special-cause rules (MDC)
-------------------------
Every point that is part of a pattern is flagged and ``rule`` names every rule that
fired at that point, joined with ``"; "`` (empty for common cause):

* ``"outside limits"``: the point is beyond a process limit (strictly);
* ``"run of 7 above centre"`` / ``"run of 7 below centre"``: ``run_length``
  consecutive points on one side of the centre; a point exactly on the centre
  breaks a run; all points of a run are flagged, also when it is longer;
* ``"trend of 6 rising"`` / ``"trend of 6 falling"``: ``trend_length`` consecutive
  points each strictly higher (lower) than the one before; a tie breaks it; all
  points flagged;
* ``"two of three beyond 2 sigma"``: in three consecutive points all on the same
  side of the centre, two or three are beyond that side's 2-sigma line (points
  beyond the process limit count too, as in MDC since late 2023); the points beyond
  2 sigma in such a window are flagged (NHSRplotthedots after its fix #143). A
  point exactly on the centre, or on the other side, spoils the window.

``variation`` is ``"common_cause"`` or a special cause whose direction is the side
of the centre for a point beyond a process limit, else the trend's for a point
flagged by a trend (the later trend when a point ends one trend and starts another),
else the side of the centre (NHSRplotthedots' order of precedence):
``"special_cause_improvement"`` when that direction is the better one
(``higher_is_better=False`` by default: more complaints is worse),
``"special_cause_concern"`` otherwise, and ``"special_cause_neutral_high"`` /
``"special_cause_neutral_low"`` (by the side) when ``higher_is_better=None``.

Assurance (with ``target``), per point from that point's limits, as MDC: when lower
is better, ``"consistently_passes"`` if the upper limit is below the target,
``"consistently_fails"`` if the lower limit is above it, else ``"hit_and_miss"``
(mirrored when higher is better; missing when ``higher_is_better=None``).

Rare events and overdispersion
------------------------------
``chart="g"`` (``value`` = the number of cases between events, e.g. complaints closed
    between upheld ombudsman findings; :func:`coprod.timeseries.rare_events.between_events`
    counts them from a log) follows qicharts2 (``qic.g``) and PowerBI-SPC (``g.ts``): the
    limits come from the mean g-bar of the baseline, sigma = ``sqrt(g-bar (g-bar + 1))``
    (geometric), upper ``g-bar + 3 sigma`` (2-sigma line with 2), lower lines 0; the
    ``centre`` drawn and used by the run rule is the **median** of the baseline, as both
    draw it (the geometric distribution is skewed: half the gaps are below the median).
``chart="t"`` (``value`` = the time between events, e.g. days between upheld findings,
    0 or more) follows qicharts2 (``qic.t``) and PowerBI-SPC (``t.ts``): values are
    transformed ``y ** (1 / 3.6)`` (Nelson's transformation of exponential times), an
    individuals chart is computed on them (mean, mean moving range / 1.128), and centre
    and limits are transformed back ``** 3.6``; a lower line below 0 on the transformed
    scale is 0.
    For both, **higher is better by default** (``higher_is_better`` left unset): events are
    bad ones, so longer gaps are improvement and a run of short gaps is concern. Pass
    ``higher_is_better=False`` when the events are good ones (compliments).
``chart="pp"`` / ``chart="up"`` (Laney's p' and u', named as qicharts2 and PowerBI-SPC
    name them) take ``value`` and ``denominator`` as the p and u charts do. With sigma_i
    the p or u chart's sigma of point i, z_i = (y_i - centre) / sigma_i over the baseline,
    sigma_z = (mean moving range of z) / 1.128, and limits ``centre +/- 3 sigma_i sigma_z``
    (Laney 2002): the p or u chart's limits widened by sigma_z, the variation between
    periods that a binomial or Poisson count leaves out. 1.128 is used unrounded, as both
    peers do (the XmR chart's 2.66 is MDC's rounding). ``screen_outliers=True`` screens the
    moving ranges of z (of the transformed values, for t) as for XmR; PowerBI-SPC does so by
    default, qicharts2 does not.

With thousands of complaints or reports a month, real counts vary far more from month to
month than a Poisson (c, u) or binomial (p) count would: those charts' limits are then
too narrow and flag common-cause months. :func:`overdispersion` measures it (Laney's
sigma_z and Pearson's chi-square / df) and recommends ``"xmr"`` for a c chart (for counts
of equal opportunity Laney's correction is the XmR chart), ``"up"`` for u and ``"pp"`` for
p when sigma_z is at least :data:`OVERDISPERSED_RATIO`; :func:`spc_summary` says so.

Functions
---------
:func:`spc` computes; :func:`suggest_rebase` proposes change points (never applies
them); :func:`spc_summary` describes a result in words; :func:`spc_overview` gives one
row per group (e.g. 30 services); :func:`first_signal` finds each group's first
signal. Charts are in :mod:`coprod.charts.spc`.

Sources
-------
- NHS England, Making Data Count (2019, updated 2021-2023), and its SPC rules.
- NHSRplotthedots (NHS-R Community), https://github.com/nhs-r-community/NHSRplotthedots.
- Wheeler, D. J. (1995). *Advanced Topics in Statistical Process Control*.

All functions are pure: they print nothing and keep no state between calls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, group_columns, require_columns
from coprod._core.text import wrap_text
from coprod.provenance import keep_source

__all__ = [
    "ASSURANCE_TYPES",
    "ASSURANCE_LABELS",
    "CHARTS",
    "compare_conventions",
    "CONVENTIONS",
    "Conventions",
    "TWO_OF_THREE_RULES",
    "CHART_NAMES",
    "OVERDISPERSED_RATIO",
    "overdispersion",
    "VARIATION_LABELS",
    "VARIATION_TYPES",
    "fired_rules",
    "first_signal",
    "RULE_COLUMNS",
    "SETTING_COLUMNS",
    "rule_names",
    "spc",
    "spc_overview",
    "spc_summary",
    "spc_warnings",
    "suggest_rebase",
    "MOSTLY_ZEROS_SHARE",
    "WARNINGS",
]

Chart = Literal["xmr", "c", "u", "p", "g", "t", "pp", "up"]

CHARTS: tuple[str, ...] = ("xmr", "c", "u", "p", "g", "t", "pp", "up")
"""The chart types :func:`spc` computes."""

VARIATION_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
"""Values of the ``variation`` column. With no better direction (``higher_is_better=None``) a
special cause is ``"special_cause_neutral_high"`` or ``"special_cause_neutral_low"`` by its side,
as NHSRplotthedots and PowerBI-SPC name them."""

ASSURANCE_TYPES: tuple[str, ...] = ("consistently_passes", "consistently_fails", "hit_and_miss")
"""Values of the ``assurance`` column (missing when it cannot be judged)."""

# The words people read for the keys above: charts, tables and explorers all use these.
CHART_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "xmr": "XmR chart",
        "c": "c chart",
        "u": "u chart",
        "p": "p chart",
        "g": "g chart",
        "t": "t chart",
        "pp": "p′ chart",
        "up": "u′ chart",
    }
)
"""Each chart type as it is named to people."""

VARIATION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "common_cause": "Common cause",
        "special_cause_concern": "Special cause: concern",
        "special_cause_improvement": "Special cause: improvement",
        "special_cause_neutral_high": "Special cause: neutral high",
        "special_cause_neutral_low": "Special cause: neutral low",
    }
)
"""Each ``variation`` value as a chart's key and a table show it."""

ASSURANCE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "consistently_passes": "Consistently passes the target",
        "hit_and_miss": "Hit and miss: the target is within the limits",
        "consistently_fails": "Consistently fails the target",
    }
)
"""Each ``assurance`` value in the words of Making Data Count's icon key."""

#: 3 / d2 with d2 = 1.128 for moving ranges of two points (rounded as MDC does).
XMR_SCALE = 2.66
#: Limits computed from fewer points than this are *trial limits*: NHSRplotthedots warns
#: under 13 (ptd_add_short_group_warnings.R), since they move with every new point.
TRIAL_LIMIT_POINTS = 13

#: The upper limit of moving ranges as a multiple of their mean (D4 for n = 2): moving
#: ranges at or above it are screened out with ``screen_outliers=True`` (NHSRplotthedots).
MR_SCREEN_SCALE = 3.267

TWO_OF_THREE_RULES: tuple[str, ...] = (
    "beyond_2sigma",
    "between_2_and_3_sigma",
    "net_beyond_2sigma",
)
"""How the two-of-three rule counts points, one per convention:

``"beyond_2sigma"`` (Making Data Count since November 2023)
    three consecutive points on one side of the centre, two or three of them beyond that
    side's 2-sigma line (beyond the process limit counts too);
``"between_2_and_3_sigma"`` (NHSRplotthedots)
    the same, but only points between the 2-sigma line and the process limit count;
``"net_beyond_2sigma"`` (PowerBI-SPC, ``twoInThree.ts``)
    of three consecutive points, two or three beyond the same 2-sigma line and none beyond
    the other; the third may lie anywhere (also across the centre).

In each, only the points beyond the 2-sigma line are flagged."""


@dataclass(frozen=True)
class Conventions:
    """The settings of one published SPC tool, so a chart can match the numbers it publishes.

    ``xmr_scale`` is the multiple of MR-bar that gives an XmR chart's process limits: MDC
    and NHSRplotthedots use 2.66 (3 / 1.128 rounded), PowerBI-SPC 3 / 1.128 = 2.6596. The
    other fields are the defaults of :func:`spc`'s arguments of the same names.
    """

    name: str
    label: str
    run_length: int
    trend_length: int
    screen_outliers: bool
    two_of_three: str
    xmr_scale: float
    source: str


CONVENTIONS: Mapping[str, Conventions] = MappingProxyType(
    {
        "mdc": Conventions(
            name="mdc",
            label="Making Data Count",
            run_length=7,
            trend_length=6,
            screen_outliers=False,
            two_of_three="beyond_2sigma",
            xmr_scale=XMR_SCALE,
            source="NHS England, Making Data Count: the SPC rules, updated November 2023",
        ),
        "nhsrplotthedots": Conventions(
            name="nhsrplotthedots",
            label="NHSRplotthedots",
            run_length=7,
            trend_length=7,
            screen_outliers=True,
            two_of_three="between_2_and_3_sigma",
            xmr_scale=XMR_SCALE,
            source="NHSRplotthedots 0.2 (nhs-r-community): R/ptd_spc_standard.R and "
            "R/ptd_calculate_point_type.R",
        ),
        "powerbi-spc": Conventions(
            name="powerbi-spc",
            label="PowerBI-SPC",
            run_length=7,
            trend_length=5,
            screen_outliers=True,
            two_of_three="net_beyond_2sigma",
            xmr_scale=3 / 1.128,
            source="PowerBI-SPC (AUS-DOH-Safety-and-Quality): src/Limit Calculations/i.ts, "
            "src/Outlier Flagging/*.ts and the defaults in src/Settings Model/",
        ),
    }
)
"""The conventions :func:`spc` can follow (``conventions=``). ``"mdc"`` is the default:
coprod publishes what Making Data Count's own tools publish. PowerBI-SPC ships with every
rule switched off; ``"powerbi-spc"`` is its rules switched on at their default settings
(shift of 7, trend of 5, two-in-three at 2 sigma, outliers screened from the limits)."""

#: A series with more than this share of zero values is "mostly zeros": its limits say
#: little (the lower limit sits at 0) and the time or cases between events tell more.
MOSTLY_ZEROS_SHARE = 0.5

WARNINGS: tuple[str, ...] = ("trial_limits", "mostly_zeros")
"""The kinds of :func:`spc_warnings` rows: limits from fewer than :data:`TRIAL_LIMIT_POINTS`
points, and a series that is mostly zeros (more than :data:`MOSTLY_ZEROS_SHARE`)."""

#: Charts whose ``value`` is a count over a ``denominator`` (rates and proportions).
_DENOMINATOR_CHARTS = ("u", "p", "pp", "up")
_PROPORTION_CHARTS = ("p", "pp")
#: Charts whose sigma comes from moving ranges, which ``screen_outliers=`` can screen.
_SCREENED_CHARTS = ("xmr", "t", "pp", "up")
#: Charts of gaps between rare events: higher is better unless the caller says otherwise.
_EVENT_CHARTS = ("g", "t")
#: d2 for moving ranges of two points, unrounded, as qicharts2 and PowerBI-SPC use it in
#: the t, p' and u' charts.
D2 = 1.128
#: The t chart's power: times between events ``** (1 / 3.6)`` are near normal (Nelson 1994).
T_CHART_POWER = 3.6
#: Laney's sigma_z at or above which a c, u or p chart is called overdispersed: its limits
#: are then at most two thirds as wide as the variation between periods calls for.
OVERDISPERSED_RATIO = 1.5

RULE_OUTSIDE = "outside limits"
RULE_TWO_OF_THREE = "two of three beyond 2 sigma"

_LIMIT_COLUMNS = ("centre", "lower", "upper", "lower_2sigma", "upper_2sigma")
RULE_COLUMNS: tuple[str, ...] = (
    "rule_outside",
    "rule_run",
    "rule_trend_rising",
    "rule_trend_falling",
    "rule_two_of_three",
)
"""Boolean columns of an :func:`spc` result: which rule fired at each point."""

SETTING_COLUMNS: tuple[str, ...] = (
    "chart",
    "measure",
    "run_length",
    "trend_length",
    "higher_is_better",
    "screen_outliers",
    "conventions",
)
"""Columns of an :func:`spc` result that hold its settings (the same on every row), so
they travel with the rows through copies, filters and concatenations."""

_TAIL_COLUMNS = (
    "segment",
    "in_baseline",
    "excluded",
    "trial_limits",
    "special_cause",
    "side",
    "direction",
    *RULE_COLUMNS,
    "later_trend",
    "rule",
    "variation",
    *SETTING_COLUMNS,
)
_RESERVED = frozenset(
    {
        "period",
        "value",
        "count",
        "denominator",
        "rate",
        "proportion",
        "moving_range",
        *_LIMIT_COLUMNS,
        *_TAIL_COLUMNS,
        "target",
        "assurance",
    }
)
_FILL_HINT = (
    "SPC needs a value for every period. If no row (or a missing value) means no "
    "complaints, fill the gaps with zero counts first (fill_zero_counts: "
    "coprod.complaints.complaint_counts already lists every period with real zeros; "
    "for your own table reindex to every period with fill_value=0, or use "
    "data.fillna({{{col!r}: 0}})); otherwise supply the missing values."
)


# --------------------------------------------------------------------------- helpers


def _group_label(key: Any, by: Sequence[str]) -> str:
    if not by:
        return "the series"
    if not isinstance(key, tuple):
        key = (key,)
    return ", ".join(f"{col}={val!r}" for col, val in zip(by, key, strict=True))


def _plain_key(key: Any, by: Sequence[str]) -> Any:
    """A group key as a scalar for one ``by`` column, a tuple for several, None for none."""
    if not by:
        return None
    if isinstance(key, tuple) and len(by) == 1:
        return key[0]
    return key


def _is_datetime(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series)


def _normalise_periods(
    series: pd.Series, column: str, date_order: str | None = None
) -> tuple[pd.Series, str | None]:
    """Periods as datetimes (text, dates and pandas Periods are converted) or numbers, and
    the day/month order text periods were read in (None when they were not text). Text
    is read by :func:`coprod.io.parse_dates`: ``'01/02/2024'`` is 1 February unless the
    column's values (``'02/13/2024'``) or ``date_order=`` say month first."""
    if _is_datetime(series):
        return series, None
    if isinstance(series.dtype, pd.PeriodDtype):
        return series.dt.to_timestamp(), None
    if pd.api.types.is_bool_dtype(series):
        raise ValueError(f"period column {column!r} holds booleans; give dates or numbers")
    if pd.api.types.is_numeric_dtype(series):
        return series, None
    non_missing = series.dropna()
    if len(non_missing) and all(isinstance(v, pd.Period) for v in non_missing):
        stamps = [v.to_timestamp() if isinstance(v, pd.Period) else pd.NaT for v in series]
        return pd.Series(stamps, index=series.index, name=series.name), None
    from coprod.io.dates import parse_dates

    parsed = parse_dates(series, date_order=date_order, column=column)
    blank = parsed.values.isna() & ~series.isna()
    if len(parsed.bad) or blank.any():
        reason = parsed.reasons[0] if len(parsed.bad) else "blank text is not a date"
        raise ValueError(
            f"period column {column!r} could not be read as dates: {reason}; give datetimes, "
            "dates as text such as '2024-03-01', pandas Periods or numbers such as years"
        )
    return parsed.values, parsed.order


def _as_period_like(
    value: Any, periods: pd.Series, what: str, date_order: str | None = None
) -> Any:
    """Convert a user-given date (rebase, baseline, after) to the kind of ``periods``
    (text is read in ``date_order``: the order of the periods when they were text)."""
    if _is_datetime(periods):
        from coprod.io.dates import parse_date

        stamp = parse_date(value, what=what, date_order=date_order)
        tz = getattr(periods.dtype, "tz", None)
        if tz is not None and stamp.tzinfo is None:
            stamp = stamp.tz_localize(tz)
        return stamp
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{what} {value!r} must be a number like the periods (e.g. a year)")
    return value


def _is_monthly(periods: pd.Series) -> bool:
    """All periods are month starts (day 1, midnight): show them as YYYY-MM."""
    if not _is_datetime(periods) or len(periods) == 0:
        return False
    stamps = pd.DatetimeIndex(periods.dropna())
    return bool((stamps.day == 1).all() and (stamps.normalize() == stamps).all())


def _fmt_period(value: Any, monthly: bool) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "none"
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        if monthly:
            return stamp.strftime("%Y-%m")
        if stamp == stamp.normalize():
            return stamp.strftime("%Y-%m-%d")
        return str(stamp)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fmt_number(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    if float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def _ordinal_steps(periods: pd.Series) -> tuple[np.ndarray, str] | None:
    """Periods on a regular scale for gap detection: month numbers or raw numbers."""
    if _is_datetime(periods):
        stamps = pd.DatetimeIndex(periods)
        if stamps.tz is not None:
            stamps = stamps.tz_localize(None)
        aligned = (stamps.normalize() == stamps).all() and (
            (stamps.day == stamps.day[0]).all() or stamps.is_month_end.all()
        )
        if aligned:
            return (stamps.year * 12 + stamps.month - 1).to_numpy(dtype=np.int64), "month"
        return stamps.asi8.astype(np.float64), "time"
    return periods.to_numpy(dtype=np.float64), "number"


def _gap_step(all_periods: pd.Series) -> tuple[float, str] | None:
    """The regular step of the periods, when they look regular enough to check gaps."""
    steps = _ordinal_steps(pd.Series(pd.unique(all_periods)))
    if steps is None:
        return None
    values, kind = steps
    values = np.unique(values)
    if kind == "month":
        # Calendar periods (month, quarter, year starts): the step is the greatest common
        # divisor of the gaps, so a sparse table (no rows for zero months) is caught too.
        if len(values) < 2:
            return None
        return float(np.gcd.reduce(np.diff(values).astype(np.int64))), kind
    if len(values) < 3:
        return None
    diffs = np.diff(values)
    step = float(diffs.min())
    if step <= 0:
        return None
    if kind == "time" and step < 7 * 86_400e9:
        return None  # daily data often skips weekends and holidays on purpose
    ratios = diffs / step
    multiples = np.allclose(ratios, np.round(ratios), atol=1e-9)
    mostly_regular = np.mean(np.isclose(ratios, 1.0)) >= 0.75
    if not (multiples and mostly_regular):
        return None
    return step, kind


def _check_gaps(
    periods: pd.Series, step: tuple[float, str] | None, label: str, col: str, monthly: bool
) -> None:
    if step is None or len(periods) < 2:
        return
    size, _kind = step
    ordinal = _ordinal_steps(periods)
    assert ordinal is not None
    values, _ = ordinal
    gaps = np.flatnonzero(np.diff(values) > size * (1 + 1e-9))
    if len(gaps) == 0:
        return
    first = gaps[0]
    after = _fmt_period(periods.iloc[first], monthly)
    before = _fmt_period(periods.iloc[first + 1], monthly)
    more = f" ({len(gaps)} gaps in all)" if len(gaps) > 1 else ""
    raise ValueError(
        f"{label} has no row for the period(s) between {after} and {before}{more}; "
        + _FILL_HINT.format(col=col)
    )


def _runs(codes: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero codes as ``(start, stop, code)``, stop exclusive."""
    out: list[tuple[int, int, int]] = []
    n = len(codes)
    i = 0
    while i < n:
        code = int(codes[i])
        j = i + 1
        while j < n and int(codes[j]) == code:
            j += 1
        if code != 0:
            out.append((i, j, code))
        i = j
    return out


def _side(values: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """+1 above, -1 below, 0 on the centre (to rounding) or unknown."""
    with np.errstate(invalid="ignore"):
        diff = values - centre
        on = np.isclose(values, centre, rtol=1e-12, atol=1e-12) | ~np.isfinite(diff)
    return np.where(on, 0, np.sign(np.nan_to_num(diff))).astype(int)


def _steps(values: np.ndarray) -> np.ndarray:
    """Sign of each step x_t - x_(t-1) (ties, to rounding, are 0)."""
    if len(values) < 2:
        return np.zeros(0, dtype=int)
    a, b = values[1:], values[:-1]
    tie = np.isclose(a, b, rtol=1e-12, atol=1e-12)
    return np.where(tie, 0, np.sign(a - b)).astype(int)


# ------------------------------------------------------------------------ the rules


@dataclass(frozen=True)
class _SegmentRules:
    """Which MDC rule fired at each point of one segment (boolean arrays), each point's
    side of the centre, and the direction of its signal (NHSRplotthedots' precedence)."""

    outside: np.ndarray
    run: np.ndarray
    trend_rising: np.ndarray
    trend_falling: np.ndarray
    two_of_three: np.ndarray
    side: np.ndarray
    later_trend: np.ndarray  # +1/-1: the trend that starts at a point ending another
    direction: np.ndarray


def _segment_rules(
    values: np.ndarray,
    centre: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lower2: np.ndarray,
    upper2: np.ndarray,
    run_length: int,
    trend_length: int,
    two_of_three: str = "beyond_2sigma",
) -> _SegmentRules:
    """The rules fired at each point of one segment (``two_of_three``: one of
    :data:`TWO_OF_THREE_RULES`)."""
    n = len(values)
    side = _side(values, centre)
    with np.errstate(invalid="ignore"):
        # A point on a limit (to rounding) is inside: with no variation at all (MR-bar 0)
        # the limits equal the centre, and a float mean is one rounding step off.
        tolerance = 1e-9 * np.maximum(1.0, np.abs(centre))
        outside = (values > upper + tolerance) | (values < lower - tolerance)
        beyond_up = values > upper2
        beyond_lo = values < lower2

    run = np.zeros(n, dtype=bool)
    for start, stop, _code in _runs(side):
        if stop - start >= run_length:
            run[start:stop] = True

    rising = np.zeros(n, dtype=bool)
    falling = np.zeros(n, dtype=bool)
    trend_dir = np.zeros(n, dtype=int)
    for start, stop, code in _runs(_steps(values)):
        # steps start..stop-1 join points start..stop
        if stop - start >= trend_length - 1:
            (rising if code > 0 else falling)[start : stop + 1] = True
            trend_dir[start : stop + 1] = code  # later trends overwrite: the right-hand one wins

    two_three = np.zeros(n, dtype=bool)
    if two_of_three == "net_beyond_2sigma":
        # PowerBI-SPC's twoInThree.ts: the signed count of points beyond a 2-sigma line over
        # the latest three (fewer at the start), two or more one way
        signs = beyond_up.astype(int) - beyond_lo.astype(int)
        for i in range(n):
            window = slice(max(0, i - 2), i + 1)
            net = int(signs[window].sum())
            if abs(net) >= 2:
                two_three[window] |= signs[window] == np.sign(net)
    else:
        if two_of_three == "between_2_and_3_sigma":  # NHSRplotthedots' close_to_limits
            beyond_up, beyond_lo = beyond_up & ~outside, beyond_lo & ~outside
        for i in range(n - 2):
            window = slice(i, i + 3)
            for sgn, beyond in ((1, beyond_up), (-1, beyond_lo)):
                if (side[window] == sgn).all() and beyond[window].sum() >= 2:
                    two_three[window] |= beyond[window]

    # NHSRplotthedots' precedence: beyond a limit > trend > two of three / run
    direction = np.where(outside, side, np.where(trend_dir != 0, trend_dir, side))
    return _SegmentRules(outside, run, rising, falling, two_three, side, trend_dir, direction)


def rule_names(
    *,
    outside: bool,
    run: bool,
    trend_rising: bool,
    trend_falling: bool,
    two_of_three: bool,
    side: int,
    later_trend: int,
    run_length: int,
    trend_length: int,
) -> list[str]:
    """The names of the rules that fired at one point, in the order of the ``rule`` column.

    ``later_trend`` orders two trends meeting at a point (the one that ends there first).
    """
    names = []
    if outside:
        names.append(RULE_OUTSIDE)
    if run:
        names.append(f"run of {run_length} {'above' if side > 0 else 'below'} centre")
    trends = [(1, trend_rising, "rising"), (-1, trend_falling, "falling")]
    if trend_rising and trend_falling and later_trend > 0:
        trends.reverse()  # the falling trend ends here, the rising one starts here
    names.extend(f"trend of {trend_length} {word}" for _, fired, word in trends if fired)
    if two_of_three:
        names.append(RULE_TWO_OF_THREE)
    return names


def _variation(special: bool, direction: int, higher_is_better: bool | None) -> str:
    if not special:
        return "common_cause"
    if direction == 0:  # every rule has a side; a signal without one would be a bug here
        raise AssertionError("a special cause without a direction")
    if higher_is_better is None:
        return "special_cause_neutral_high" if direction > 0 else "special_cause_neutral_low"
    return (
        "special_cause_improvement"
        if (direction > 0) == bool(higher_is_better)
        else "special_cause_concern"
    )


def _assurance(lower: float, upper: float, target: float, higher_is_better: bool | None) -> Any:
    if higher_is_better is None or target is None or pd.isna(target):
        return None
    if not (np.isfinite(lower) and np.isfinite(upper)):
        return None
    if higher_is_better:
        if lower > target:
            return "consistently_passes"
        if upper < target:
            return "consistently_fails"
    else:
        if upper < target:
            return "consistently_passes"
        if lower > target:
            return "consistently_fails"
    return "hit_and_miss"


# ------------------------------------------------------------------------ limits


def _segment_limits(
    chart: str,
    values: np.ndarray,
    denom: np.ndarray | None,
    base: np.ndarray,
    where: str,
    screen_outliers: bool = False,
    xmr_scale: float = XMR_SCALE,
) -> tuple[np.ndarray, ...]:
    """centre, lower, upper, lower_2sigma, upper_2sigma and moving ranges of a segment."""
    if chart in ("g", "t", "pp", "up"):
        return _rare_or_laney_limits(chart, values, denom, base, where, screen_outliers)
    n = len(values)
    mr = np.full(n, np.nan)
    if chart == "xmr":
        if n > 1:
            mr[1:] = np.abs(np.diff(values))
        n_base = int(base.sum())
        if n_base < 2:
            raise ValueError(
                f"{where}: an XmR chart needs at least 2 baseline points to compute a moving "
                f"range, but has {n_base}; move the rebase date, lengthen the baseline, or "
                "use chart='c' for counts"
            )
        centre = float(values[base].mean())
        # moving ranges of the baseline's own values: across an excluded point the range
        # joins its neighbours (qicharts2's exclude=); without exclusions, mr[base][1:]
        base_mr = np.abs(np.diff(values[base]))
        mr_bar = float(base_mr.mean())
        if screen_outliers:
            # NHSRplotthedots keeps mr < 3.267 * MR-bar (ptd_spc_standard.R)
            kept = base_mr[base_mr < MR_SCREEN_SCALE * mr_bar]
            mr_bar = float(kept.mean()) if len(kept) else mr_bar
        half, half2 = xmr_scale * mr_bar, (2.0 / 3.0) * xmr_scale * mr_bar
        full = np.full(n, centre)
        return full, full - half, full + half, full - half2, full + half2, mr
    if chart == "c":
        centre = float(values[base].mean())
        sd = math.sqrt(centre)
        full = np.full(n, centre)
        lower = np.maximum(full - 3 * sd, 0.0)
        lower2 = np.maximum(full - 2 * sd, 0.0)
        return full, lower, full + 3 * sd, lower2, full + 2 * sd, mr
    assert denom is not None  # u and p charts: values are counts here
    if chart == "p":
        pbar = float(values[base].sum() / denom[base].sum())
        sd = np.sqrt(pbar * (1 - pbar) / denom)
        full = np.full(n, pbar)
        low = np.maximum(full - 3 * sd, 0.0)
        low2 = np.maximum(full - 2 * sd, 0.0)
        return full, low, np.minimum(full + 3 * sd, 1.0), low2, np.minimum(full + 2 * sd, 1.0), mr
    ubar = float(values[base].sum() / denom[base].sum())
    sd = np.sqrt(ubar / denom)
    full = np.full(n, ubar)
    lower = np.maximum(full - 3 * sd, 0.0)
    lower2 = np.maximum(full - 2 * sd, 0.0)
    return full, lower, full + 3 * sd, lower2, full + 2 * sd, mr


# ----------------------------------------------- rare events (g, t) and Laney (pp, up)


def _mean_moving_range(values: np.ndarray, screen: bool) -> float:
    """Mean moving range of ``values`` (in order), without those of 3.267 x the mean or
    more when ``screen`` (NHSRplotthedots, PowerBI-SPC: ``outliers_in_limits = false``)."""
    ranges = np.abs(np.diff(values))
    mean = float(ranges.mean())
    if screen:
        kept = ranges[ranges < MR_SCREEN_SCALE * mean]
        mean = float(kept.mean()) if len(kept) else mean
    return mean


def _rare_or_laney_limits(
    chart: str,
    values: np.ndarray,
    denom: np.ndarray | None,
    base: np.ndarray,
    where: str,
    screen: bool,
) -> tuple[np.ndarray, ...]:
    """The g, t, p' and u' charts' lines of one segment (see the module docstring)."""
    n = len(values)
    n_base = int(base.sum())
    least = 1 if chart == "g" else 2
    if n_base < least:
        raise ValueError(
            f"{where}: a {CHART_NAMES[chart]} needs at least {least} baseline point"
            f"{'s' * (least > 1)}, but has {n_base}; move the rebase date or lengthen the baseline"
        )
    full = np.ones(n)
    no_mr = np.full(n, np.nan)
    if chart == "g":
        # qicharts2 qic.g / PowerBI-SPC g.ts: limits from the mean, the median drawn
        mean = float(values[base].mean())
        sigma = math.sqrt(mean * (mean + 1))
        centre = float(np.median(values[base]))
        lower, lower2 = max(mean - 3 * sigma, 0.0), max(mean - 2 * sigma, 0.0)
        lines = (centre, lower, mean + 3 * sigma, lower2, mean + 2 * sigma)
        return (*(full * line for line in lines), no_mr)
    if chart == "t":
        # qicharts2 qic.t / PowerBI-SPC t.ts: an individuals chart of y ** (1 / 3.6)
        moved = values[base] ** (1 / T_CHART_POWER)
        mean = float(moved.mean())
        sigma = _mean_moving_range(moved, screen) / D2

        def back(line: float) -> float:
            return 0.0 if line < 0 else line**T_CHART_POWER

        lines = tuple(back(mean + k * sigma) for k in (0, -3, 3, -2, 2))
        return (*(full * line for line in lines), no_mr)
    assert denom is not None
    centre = float(values[base].sum() / denom[base].sum())
    spread = centre * (1 - centre) if chart == "pp" else centre
    sd = np.sqrt(spread / denom)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (values / denom - centre) / sd
    # no spread at all (every case or none upheld): the limits are the centre
    sigma_z = _mean_moving_range(z[base], screen) / D2 if spread > 0 else 0.0
    width = sd * sigma_z
    cap = 1.0 if chart == "pp" else np.inf
    return (
        full * centre,
        np.maximum(centre - 3 * width, 0.0),
        np.minimum(centre + 3 * width, cap),
        np.maximum(centre - 2 * width, 0.0),
        np.minimum(centre + 2 * width, cap),
        no_mr,
    )


def _rebase_for(rebase: Any, key: Any, by: Sequence[str]) -> list[Any]:
    if rebase is None:
        return []
    if isinstance(rebase, pd.DataFrame):  # e.g. the output of suggest_rebase
        if "period" not in rebase.columns:
            raise ValueError("a rebase table needs a 'period' column (and the by columns)")
        rows = rebase
        for col, val in zip(by, key if isinstance(key, tuple) else (key,), strict=False):
            if col not in rebase.columns:
                raise ValueError(f"the rebase table lacks the by column {col!r}")
            rows = rows[rows[col] == val]
        return list(rows["period"])
    if isinstance(rebase, Mapping):
        plain = _plain_key(key, by)
        found = rebase.get(plain, rebase.get(key, []))
        if found is None:
            return []
        return [found] if _is_scalar_date(found) else list(found)
    if _is_scalar_date(rebase):
        return [rebase]
    return list(rebase)


def _is_scalar_date(value: Any) -> bool:
    return isinstance(value, str | pd.Timestamp | pd.Period | np.datetime64 | int | float) or (
        hasattr(value, "year") and hasattr(value, "month")
    )


def _target_for(target: Any, key: Any, by: Sequence[str]) -> float | None:
    if target is None:
        return None
    if isinstance(target, Mapping):
        plain = _plain_key(key, by)
        value = target.get(plain, target.get(key))
        return None if value is None else float(value)
    return float(target)


def _compute_group(
    frame: pd.DataFrame,
    *,
    key: Any,
    by: Sequence[str],
    chart: str,
    value: str,
    denominator: str | None,
    rebase: Any,
    baseline: Any,
    run_length: int,
    trend_length: int,
    higher_is_better: bool | None,
    target: Any,
    monthly: bool,
    date_order: str | None = None,
    screen_outliers: bool = False,
    exclude: Any = None,
    conventions: Conventions = CONVENTIONS["mdc"],
    baseline_from: str = "start",
    target_column: str | None = None,
) -> pd.DataFrame:
    label = _group_label(key, by)
    periods = frame["period"].reset_index(drop=True)
    n = len(periods)
    excluded = np.zeros(n, dtype=bool)
    trial = np.zeros(n, dtype=bool)
    for date in _rebase_for(exclude, key, by):
        when = _as_period_like(date, periods, "excluded period", date_order)
        at = np.flatnonzero((periods == when).to_numpy())
        if not len(at):
            raise ValueError(
                f"excluded period {_fmt_period(when, False)} is not a period of {label}: "
                "exclude names the points to leave out of the limits, exactly"
            )
        excluded[at] = True
    raw = frame[value].to_numpy(dtype=float)
    denom = frame[denominator].to_numpy(dtype=float) if denominator else None

    # ---- segments
    starts = {0}
    first, last = periods.iloc[0], periods.iloc[-1]
    for date in _rebase_for(rebase, key, by):
        when = _as_period_like(date, periods, "rebase date", date_order)
        if when < first or when > last:
            raise ValueError(
                f"rebase date {_fmt_period(when, False)} is outside the periods of {label} "
                f"({_fmt_period(first, monthly)} to {_fmt_period(last, monthly)})"
            )
        starts.add(int(periods.searchsorted(when, side="left")))
    seg_starts = sorted(starts)
    segment = np.zeros(n, dtype=int)
    for s in seg_starts:
        segment[s:] += 1

    # ---- baseline
    in_baseline = np.zeros(n, dtype=bool)
    base_date = None
    if baseline is not None and not isinstance(baseline, int | np.integer):
        base_date = _as_period_like(baseline, periods, "baseline date", date_order)
        if base_date < first:
            raise ValueError(
                f"baseline date {_fmt_period(base_date, False)} is before the first period "
                f"of {label} ({_fmt_period(first, monthly)})"
            )
        first_seg_end = seg_starts[1] - 1 if len(seg_starts) > 1 else n - 1
        if len(seg_starts) > 1 and base_date >= periods.iloc[seg_starts[1]]:
            raise ValueError(
                f"baseline date {_fmt_period(base_date, False)} is not in the first segment "
                f"of {label}, which ends at {_fmt_period(periods.iloc[first_seg_end], monthly)}; "
                "a baseline date fixes the limits of the first segment only"
            )
    bounds = [*seg_starts, n]
    cols: dict[str, np.ndarray] = {c: np.full(n, np.nan) for c in (*_LIMIT_COLUMNS, "mr")}
    fired = {name: np.zeros(n, dtype=bool) for name in RULE_COLUMNS}
    side = np.zeros(n, dtype=int)
    later_trend = np.zeros(n, dtype=int)
    direction = np.zeros(n, dtype=int)
    plotted = raw / denom if chart in _DENOMINATOR_CHARTS else raw
    for k in range(len(seg_starts)):
        lo, hi = bounds[k], bounds[k + 1]
        idx = np.arange(lo, hi)
        base = np.ones(hi - lo, dtype=bool)
        if isinstance(baseline, int | np.integer) and not isinstance(baseline, bool):
            if baseline_from == "end":  # PowerBI-SPC's "subset points from: End"
                base[: max(hi - lo - int(baseline), 0)] = False
            else:
                base[int(baseline) :] = False
        elif base_date is not None and k == 0:
            base = (periods.iloc[lo:hi] <= base_date).to_numpy()
        base = base & ~excluded[idx]
        in_baseline[idx] = base
        trial[idx] = int(base.sum()) < TRIAL_LIMIT_POINTS
        where = f"{label}, segment {k + 1} (from {_fmt_period(periods.iloc[lo], monthly)})"
        seg_denom = denom[idx] if denom is not None else None
        centre, lower, upper, lower2, upper2, mr = _segment_limits(
            chart, raw[idx], seg_denom, base, where, screen_outliers, conventions.xmr_scale
        )
        for name, arr in zip(
            (*_LIMIT_COLUMNS, "mr"), (centre, lower, upper, lower2, upper2, mr), strict=True
        ):
            cols[name][idx] = arr
        seg = _segment_rules(
            plotted[idx],
            centre,
            lower,
            upper,
            lower2,
            upper2,
            run_length,
            trend_length,
            conventions.two_of_three,
        )
        fired["rule_outside"][idx] = seg.outside
        fired["rule_run"][idx] = seg.run
        fired["rule_trend_rising"][idx] = seg.trend_rising
        fired["rule_trend_falling"][idx] = seg.trend_falling
        fired["rule_two_of_three"][idx] = seg.two_of_three
        side[idx] = seg.side
        later_trend[idx] = seg.later_trend
        direction[idx] = seg.direction

    special = np.logical_or.reduce([fired[name] for name in RULE_COLUMNS])
    direction = np.where(special, direction, 0)
    out: dict[str, Any] = {"period": periods.to_numpy(), "value": plotted}
    if chart in _DENOMINATOR_CHARTS:
        out["count"] = raw
        out["denominator"] = denom
        out["proportion" if chart in _PROPORTION_CHARTS else "rate"] = plotted
    if chart == "xmr":
        out["moving_range"] = cols["mr"]
    for name in _LIMIT_COLUMNS:
        out[name] = cols[name]
    out["segment"] = segment
    out["in_baseline"] = in_baseline
    out["excluded"] = excluded
    out["trial_limits"] = trial
    out["special_cause"] = special
    out["side"] = side
    out["direction"] = direction
    out.update(fired)
    out["later_trend"] = later_trend
    out["rule"] = [
        "; ".join(
            rule_names(
                outside=o,
                run=r,
                trend_rising=up,
                trend_falling=down,
                two_of_three=t,
                side=sd,
                later_trend=lt,
                run_length=run_length,
                trend_length=trend_length,
            )
        )
        if sp
        else ""
        for sp, o, r, up, down, t, sd, lt in zip(
            special, *(fired[c] for c in RULE_COLUMNS), side, later_trend, strict=True
        )
    ]
    out["variation"] = [
        _variation(s, int(d), higher_is_better) for s, d in zip(special, direction, strict=True)
    ]
    if target_column is not None:  # a target that varies by period
        goals = frame[target_column].to_numpy(dtype=float)
    else:
        goal = _target_for(target, key, by)
        goals = np.full(n, np.nan if goal is None else goal)
    if target is not None:
        out["target"] = goals
        out["assurance"] = [
            _assurance(lo, up, goal, higher_is_better) if np.isfinite(goal) else None
            for lo, up, goal in zip(cols["lower"], cols["upper"], goals, strict=True)
        ]
    result = pd.DataFrame(out)
    if by:
        values_of_key = key if isinstance(key, tuple) else (key,)
        for pos, (col, val) in enumerate(zip(by, values_of_key, strict=True)):
            result.insert(pos, col, val)
    return result


# ----------------------------------------------------------------- checking the input


@dataclass(frozen=True)
class _CheckedFrame:
    """The columns a chart needs, periods read and every value checked."""

    frame: pd.DataFrame
    date_order: str | None
    monthly: bool


def _checked_frame(
    data: pd.DataFrame,
    *,
    value: str,
    period: str,
    by: list[str],
    denominator: str | None,
    date_order: str | None,
    reserved: frozenset[str],
    keep: Sequence[str] = (),
    chart_checks: Any = None,
) -> _CheckedFrame:
    """The input checks :func:`spc` and :func:`coprod.timeseries.runs.run_chart` share.

    ``reserved`` are the output's own column names, which a by column must not take;
    ``keep`` are further columns copied unchecked (a target column); ``chart_checks(frame,
    where_rows)`` runs a chart's own checks once the values are known to be finite, before
    the denominators and the duplicates are checked.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    needed = [value, period, *by] + ([denominator] if denominator else [])
    require_columns(data, needed, what="data")
    clash = [c for c in by if c in reserved]
    if clash:
        raise ValueError(f"by columns {clash} clash with output column names; rename them")
    if len(set(needed)) != len(needed):
        raise ValueError(f"value, period, denominator and by must be distinct columns: {needed}")
    if len(data) == 0:
        raise ValueError("data has no rows")
    frame = data[list(dict.fromkeys([*needed, *keep]))].copy()
    frame["period"], read_order = _normalise_periods(frame[period], period, date_order)
    measured = [value] + ([denominator] if denominator else [])
    for col in measured:
        if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            raise ValueError(f"column {col!r} must be numeric, got dtype {frame[col].dtype}")
        frame[col] = frame[col].astype(float)
    monthly = _is_monthly(frame["period"])

    def where_rows(mask: pd.Series) -> str:
        rows = frame.loc[mask]
        parts = []
        for rec in rows.head(3).to_dict("records"):
            key = tuple(rec[c] for c in by)
            parts.append(f"{_group_label(key, by)} at {_fmt_period(rec['period'], monthly)}")
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        return "; ".join(parts) + more

    if frame["period"].isna().any():
        raise ValueError(
            f"column {period!r} has {int(frame['period'].isna().sum())} missing periods"
        )
    for col in by:
        if frame[col].isna().any():
            raise ValueError(f"by column {col!r} has missing values; fill or drop those rows")
    for col in measured:
        bad = frame[col].isna() | ~np.isfinite(frame[col])
        if bad.any():
            raise ValueError(
                f"column {col!r} has missing or infinite values ({where_rows(bad)}). "
                + _FILL_HINT.format(col=col)
            )
    if chart_checks is not None:
        chart_checks(frame, where_rows)
    if denominator and (frame[denominator] <= 0).any():
        bad = frame[denominator] <= 0
        raise ValueError(
            f"denominators in {denominator!r} must be positive ({where_rows(bad)}); "
            "a period with no exposure has no rate: drop it or merge periods"
        )
    dup = frame.duplicated([*by, "period"], keep=False)
    if dup.any():
        raise ValueError(
            f"duplicate periods: {where_rows(dup)}; give one row per period"
            + (" per group (is a by column missing?)" if by else " (aggregate them first)")
        )
    return _CheckedFrame(frame, date_order or read_order, monthly)


def _chart_checks(
    frame: pd.DataFrame, where_rows: Any, *, chart: str, value: str, denominator: str | None
) -> None:
    """What a chart's values must be beyond finite: counts and times not negative, cases
    not more than the number they are out of."""
    if chart in ("c", "g", *_DENOMINATOR_CHARTS) and (frame[value] < 0).any():
        raise ValueError(
            f"counts in {value!r} must not be negative ({where_rows(frame[value] < 0)})"
        )
    if chart == "t" and (frame[value] < 0).any():
        raise ValueError(
            f"times between events in {value!r} must not be negative "
            f"({where_rows(frame[value] < 0)}): are the events in date order?"
        )
    if chart in _PROPORTION_CHARTS and (frame[value] > frame[denominator]).any():
        bad = frame[value] > frame[denominator]
        raise ValueError(
            f"a {CHART_NAMES[chart]}'s cases in {value!r} cannot exceed the number they are "
            f"out of in {denominator!r} ({where_rows(bad)})"
        )


# ------------------------------------------------------------------------ spc


class _ByChart:
    """The default of ``higher_is_better``: False (more complaints is worse), but True for
    the g and t charts, whose values are gaps between (bad) events."""

    def __repr__(self) -> str:
        return "False (True for g and t charts)"


_HIGHER_IS_BETTER_BY_CHART: Any = _ByChart()


def spc(
    data: pd.DataFrame,
    *,
    value: str,
    period: str,
    chart: Chart = "xmr",
    denominator: str | None = None,
    by: str | Sequence[str] | None = None,
    rebase: Any = None,
    baseline: int | Any | None = None,
    run_length: int | None = None,
    trend_length: int | None = None,
    higher_is_better: bool | None = _HIGHER_IS_BETTER_BY_CHART,
    target: float | Mapping[Any, float] | str | None = None,
    date_order: str | None = None,
    screen_outliers: bool | None = None,
    exclude: Any = None,
    conventions: str = "mdc",
    baseline_from: Literal["start", "end"] = "start",
) -> pd.DataFrame:
    """Process limits and MDC special-cause signals of a time series (per group).

    Parameters
    ----------
    data
        Tidy: one row per period (per ``by`` group). Missing values and gaps in a
        regular series (e.g. a month with no row; weekly or longer periods, or
        numbers) raise ValueError: fill them first.
    value
        The measured column; for ``chart="u"`` the count (numerator); for ``"g"`` the
        cases between events, for ``"t"`` the time between them (see
        :func:`coprod.timeseries.rare_events.between_events`).
    period
        Dates (datetimes, pandas Periods, or dates as text read by
        :func:`coprod.io.parse_dates`: ``'01/02/2024'`` is 1 February unless the values
        or ``date_order=`` say month first; converted to timestamps) or numbers (e.g.
        years). Sorted within each group; duplicates raise ValueError.
    chart
        ``"xmr"`` (default), ``"c"`` (counts), ``"u"`` (rates, needs ``denominator``),
        ``"p"`` (proportions, needs ``denominator``), ``"g"`` / ``"t"`` (cases / time
        between rare events) or ``"pp"`` / ``"up"`` (Laney's p' and u', for proportions
        and rates that vary more than binomial or Poisson counts: see
        :func:`overdispersion`).
    denominator
        The exposure column of a u or u' chart (e.g. service contacts in thousands; > 0),
        or what a p or p' chart's cases are out of.
    by
        Column name(s) of independent groups (e.g. ``"service"``); each group is
        computed alone and the ``by`` columns come first in the output.
    rebase
        Date(s) at which a new segment with its own limits starts: a list applied to
        every group, a mapping ``{group: dates}``, or a table with the ``by`` columns
        and ``period`` (such as a reviewed :func:`suggest_rebase` output). A date that is not a period of
        the data snaps to the next period present; a date outside a group's range of
        periods raises ValueError.
    baseline
        None (all points of each segment), an int ``n`` (each segment's limits from
        its first ``n`` points, then fixed), or a date (the first segment's limits from
        its periods up to and including it; later segments use all their points).
        An int is always a number of points, also when the periods are numbers
        (years): give such a period as a float (``2021.0``) to mean a date.
    baseline_from
        ``"start"`` (default) or ``"end"``: with an int ``baseline``, take each segment's
        first or its *last* ``n`` points (PowerBI-SPC's "subset points from"), e.g. to
        judge earlier months against how the service runs now.
    run_length, trend_length
        Points needed for a run on one side of the centre and for a trend; None takes
        the ``conventions``' (MDC: 7 and 6; NHSRplotthedots 7 and 7; PowerBI-SPC 7 and 5).
    higher_is_better
        False (default; more complaints is worse), True, or None (direction neutral:
        signals are ``"special_cause_neutral_high"`` or ``"..._low"`` and no assurance
        is judged). For the g and t charts the default is True: a longer gap between bad
        events is better; pass False when the events are good ones. The result's column
        holds the value used.
    target
        A number, ``{group: number}``, or the name of a column of ``data`` holding each
        period's target (a target that varies, e.g. a trajectory that tightens each year;
        a missing value means no target that period); adds ``target`` and ``assurance``
        columns (assurance judged per point against its own target).
    exclude
        Periods to leave out of the centre and limits while still drawing them and
        testing them against the rules (qicharts2's ``exclude``): known one-off points such
        as a month a backlog was cleared. The same shapes as ``rebase`` (a list for every
        group, ``{group: dates}``, or a table with the ``by`` columns and ``period``); each
        must be a period of the data. An XmR chart's moving ranges then join the points
        either side of an excluded one. Marked in the ``excluded`` column (and not
        ``in_baseline``).
    screen_outliers
        XmR (and t, p', u'): leave moving ranges of 3.267 x MR-bar or more out of MR-bar
        (NHSRplotthedots' and PowerBI-SPC's default). None takes the ``conventions``':
        off for MDC, so coprod's numbers match what MDC's own spreadsheet tools publish
        (one freak month widens the limits there too; leave such a month out with
        ``exclude=`` when you know its cause), on for the two packages. Ignored by a
        preset for the other charts; ``True`` with another chart is an error. The setting
        travels as the ``screen_outliers`` column.
    conventions
        Whose rules to follow, by name (:data:`CONVENTIONS`): ``"mdc"`` (default: Making
        Data Count, two-of-three counting points beyond the limits since November 2023),
        ``"nhsrplotthedots"`` (trend of 7, screening on, two-of-three counting points
        within the limits only) or ``"powerbi-spc"`` (trend of 5, screening on, its
        two-in-three, XmR limits at 3 / 1.128 MR-bar). Any of ``run_length``,
        ``trend_length`` and ``screen_outliers`` given explicitly overrides the preset.
        Travels as the ``conventions`` column.
    date_order
        The day/month order of text periods and of rebase/baseline dates given as text:
        ``None`` (decided from the periods' values; day first when none settles it),
        ``"dmy"``, ``"mdy"`` or ``"ymd"``.

    Returns
    -------
    DataFrame
        One row per period: ``[*by], period, value`` (``count, denominator, rate`` for
        u charts; ``moving_range`` for XmR), ``centre, lower, upper, lower_2sigma,
        upper_2sigma, segment`` (1, 2, ... within each group), ``in_baseline, excluded,
        trial_limits`` (the segment's limits rest on fewer than :data:`TRIAL_LIMIT_POINTS`
        points: they will move as points come in),
        special_cause, side`` (+1 above the centre, -1 below, 0 on it), ``direction``
        (of the point's signal: +1 high, -1 low, 0 none), one boolean column per rule
        (:data:`RULE_COLUMNS`), ``later_trend``, ``rule`` (the rules in words, for
        people: never parse it) and ``variation``, then ``target, assurance`` with a
        target, and last the settings (:data:`SETTING_COLUMNS`: ``chart, measure,
        run_length, trend_length, higher_is_better, screen_outliers, conventions``, the
        same on every row).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {list(CHARTS)}, not {chart!r}")
    if chart in ("u", "up") and denominator is None:
        raise ValueError(
            f"a {CHART_NAMES[chart]} needs denominator= (the exposure column, e.g. contacts)"
        )
    if chart in ("p", "pp") and denominator is None:
        raise ValueError(
            f"a {CHART_NAMES[chart]} needs denominator= (what the cases are out of, e.g. "
            "complaints closed)"
        )
    if chart not in _DENOMINATOR_CHARTS and denominator is not None:
        raise ValueError(
            f"denominator is only used by chart='u' or 'up' (rates) and chart='p' or 'pp' "
            f"(proportions), not chart={chart!r}; use chart='u' to chart counts per unit of "
            "exposure"
        )
    if higher_is_better is _HIGHER_IS_BETTER_BY_CHART:
        higher_is_better = chart in _EVENT_CHARTS
    if not isinstance(conventions, str) or conventions not in CONVENTIONS:
        raise ValueError(f"conventions must be one of {list(CONVENTIONS)}, not {conventions!r}")
    preset = CONVENTIONS[conventions]
    if baseline_from not in ("start", "end"):
        raise ValueError(f"baseline_from must be 'start' or 'end', not {baseline_from!r}")
    if baseline_from == "end" and not (
        isinstance(baseline, int | np.integer) and not isinstance(baseline, bool)
    ):
        raise ValueError(
            "baseline_from='end' takes the last n points of each segment: give baseline= "
            f"a number of points, not {baseline!r}"
        )
    run_length = preset.run_length if run_length is None else run_length
    trend_length = preset.trend_length if trend_length is None else trend_length
    if screen_outliers is None:
        screen_outliers = preset.screen_outliers and chart in _SCREENED_CHARTS
    if not isinstance(screen_outliers, bool | np.bool_):
        raise TypeError(f"screen_outliers must be True or False, not {screen_outliers!r}")
    if screen_outliers and chart not in _SCREENED_CHARTS:
        raise ValueError(
            f"screen_outliers screens the moving ranges of an XmR chart (or a t, p' or u' "
            f"chart); a {chart} chart's limits come from its centre alone"
        )
    for name, number, least in (("run_length", run_length, 2), ("trend_length", trend_length, 3)):
        if isinstance(number, bool) or not isinstance(number, int | np.integer) or number < least:
            raise ValueError(f"{name} must be an integer of at least {least}, not {number!r}")
    if higher_is_better not in (True, False, None):
        raise ValueError(f"higher_is_better must be True, False or None, not {higher_is_better!r}")
    if isinstance(baseline, bool):
        raise ValueError("baseline must be None, a number of points or a date, not a boolean")
    if isinstance(baseline, int | np.integer) and baseline < 1:
        raise ValueError(f"baseline must be at least 1 point, not {baseline}")
    by_cols = by_list(by)
    target_column = target if isinstance(target, str) else None
    if target_column is not None:
        require_columns(data, [target_column], what="data")
        if target_column in (value, period, denominator, *by_cols):
            raise ValueError(
                f"the target column {target_column!r} must differ from value, period, "
                "denominator and by"
            )
        if not pd.api.types.is_numeric_dtype(data[target_column]) or pd.api.types.is_bool_dtype(
            data[target_column]
        ):
            raise ValueError(
                f"target column {target_column!r} must be numeric, got dtype "
                f"{data[target_column].dtype}"
            )
    checked = _checked_frame(
        data,
        value=value,
        period=period,
        by=by_cols,
        denominator=denominator,
        date_order=date_order,
        reserved=_RESERVED,
        keep=[target_column] if target_column else [],
        chart_checks=lambda frame, where_rows: _chart_checks(
            frame, where_rows, chart=chart, value=value, denominator=denominator
        ),
    )
    frame, date_order, monthly = checked.frame, checked.date_order, checked.monthly

    # g and t charts' periods are events, not a calendar: no period is missing between them
    step = None if chart in _EVENT_CHARTS else _gap_step(frame["period"])
    pieces = []
    if by_cols:
        grouped = frame.groupby(by_cols, sort=False, dropna=False)
        groups = [(k if isinstance(k, tuple) else (k,), g) for k, g in grouped]
    else:
        groups = [((), frame)]
    known = {_plain_key(k, by_cols) for k, _ in groups} | {k for k, _ in groups}
    for name, option in (("rebase", rebase), ("target", target)):
        if isinstance(option, Mapping):
            unknown = [k for k in option if k not in known]
            if unknown:  # a mistyped group would silently get no rebase or target
                raise ValueError(
                    f"{name}= names groups that are not in the data: {unknown}; groups are "
                    f"{sorted(map(str, (_plain_key(k, by_cols) for k, _ in groups)))}"
                )
    for key, group in groups:
        group = group.sort_values("period", kind="stable")
        label = _group_label(key, by_cols)
        _check_gaps(group["period"], step, label, value, monthly)
        pieces.append(
            _compute_group(
                group,
                key=key if by_cols else None,
                by=by_cols,
                chart=chart,
                value=value,
                denominator=denominator,
                rebase=rebase,
                baseline=baseline,
                run_length=run_length,
                trend_length=trend_length,
                higher_is_better=higher_is_better,
                target=target,
                monthly=monthly,
                date_order=date_order,
                screen_outliers=screen_outliers,
                exclude=exclude,
                conventions=preset,
                baseline_from=baseline_from,
                target_column=target_column,
            )
        )
    result = pd.concat(pieces, ignore_index=True)
    for col in by_cols:
        result[col] = result[col].astype(data[col].dtype)
    # the settings travel with the rows (attrs would vanish in a concat or merge)
    result["chart"] = chart
    result["measure"] = (
        f"{value} {'of' if chart in _PROPORTION_CHARTS else 'per'} {denominator}"
        if chart in _DENOMINATOR_CHARTS
        else value
    )
    result["run_length"] = run_length
    result["trend_length"] = trend_length
    result["higher_is_better"] = pd.Series([higher_is_better] * len(result), dtype=object)
    result["screen_outliers"] = bool(screen_outliers) if chart in _SCREENED_CHARTS else False
    result["conventions"] = conventions
    return keep_source(result, data)


# ------------------------------------------------------------------- post-processing


def _result_by(result: pd.DataFrame, by: str | Sequence[str] | None = None) -> list[str]:
    """The group columns of a result: given, else the columns before ``period``."""
    if not isinstance(result, pd.DataFrame):
        raise TypeError("result must be the DataFrame returned by coprod.timeseries.spc.spc")
    needed = ["period", "value", "centre", "lower", "upper", "segment", "rule", "variation"]
    require_columns(
        result,
        needed,
        what="result",
        hint="pass the DataFrame returned by coprod.timeseries.spc.spc",
    )
    if by is not None:
        cols = by_list(by)
        absent = [c for c in cols if c not in result.columns]
        if absent:
            raise ValueError(f"by columns {absent} are not in the result")
        return cols
    return group_columns(result, before="period", what="result")


def _iter_groups(result: pd.DataFrame, by: Sequence[str]):
    if not by:
        yield (), result.sort_values("period", kind="stable")
        return
    for key, group in result.groupby(list(by), sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        yield key, group.sort_values("period", kind="stable")


def _setting(result: pd.DataFrame, name: str) -> Any:
    """One setting of an :func:`spc` result (its settings columns hold one value)."""
    if name not in result.columns:
        raise ValueError(
            f"result has no {name!r} column: pass the DataFrame returned by "
            "coprod.timeseries.spc.spc (its settings travel as columns)"
        )
    values = result[name].drop_duplicates()
    if len(values) > 1:
        raise ValueError(
            f"result mixes spc results with different {name} ({values.tolist()}): "
            "describe them one at a time"
        )
    return values.iloc[0] if len(values) else None


def _best_split(values: np.ndarray, lo: int, hi: int) -> int:
    """The split k in [lo, hi] (clipped) that best separates values[:k] from values[k:].

    Least squares: maximise n1 * n2 / n * (mean1 - mean2) ** 2, the classic single
    change-point estimate (as in binary segmentation).
    """
    n = len(values)
    lo, hi = max(int(lo), 1), min(int(hi), n - 1)
    if lo > hi:
        return max(min(int(lo), n - 1), 0)
    total, cumulative = values.sum(), np.cumsum(values)
    k = np.arange(lo, hi + 1)
    before = cumulative[k - 1] / k
    after = (total - cumulative[k - 1]) / (n - k)
    score = k * (n - k) / n * (before - after) ** 2
    return int(k[np.argmax(score)])


def suggest_rebase(result: pd.DataFrame, *, min_run: int | None = None) -> pd.DataFrame:
    """Suggested change points: where a sustained run or a trend starts (never applied).

    For each group and segment, every maximal run of at least ``min_run`` points on one
    side of the centre (default: the ``run_length`` used by :func:`spc`) suggests a
    change point: the period near the run's start (within half a run) where the means
    before and after differ most, using the points from a run's length before the run to
    its end; every trend of at least ``trend_length`` points
    suggests its first period. A run or trend that starts at the first point of a segment is not a change
    point (the shift, if any, lies where the opposite run starts) and is skipped.

    Returns a new DataFrame with columns ``[*by], period, rule, reason``; ``result``
    is not modified. Rebase only where you know of a change (a new procedure, a
    restructure); otherwise a signal is something to investigate, not to hide.
    """
    by = _result_by(result)
    run_length = int(min_run) if min_run is not None else int(_setting(result, "run_length"))
    trend_length = int(_setting(result, "trend_length"))
    if run_length < 2:
        raise ValueError(f"min_run must be at least 2, not {min_run}")
    monthly = _is_monthly(result["period"])
    rows: list[dict[str, Any]] = []
    for key, group in _iter_groups(result, by):
        for _seg, seg in group.groupby("segment", sort=True):
            periods = seg["period"].to_numpy()
            values = seg["value"].to_numpy(dtype=float)
            side = _side(values, seg["centre"].to_numpy(dtype=float))
            found: list[tuple[int, str, str]] = []
            for start, stop, code in _runs(side):
                length = stop - start
                if length >= run_length and start > 0:
                    where = "above" if code > 0 else "below"
                    # Points just before a shift sit on its side half the time by chance,
                    # so the run can start early: place the change where the means before
                    # and after differ most, near the run's start.
                    lo = max(start - run_length, 0)
                    split = lo + _best_split(
                        values[lo:stop], start - lo - run_length // 2, start - lo + run_length // 2
                    )
                    # Both sides of a suggested rebase keep at least two points (XmR needs 2).
                    split = min(max(split, 2), len(values) - 2)
                    when = _fmt_period(periods[split], monthly)
                    found.append(
                        (
                            split,
                            f"run of {run_length} {where} centre",
                            f"{length} points {where} the centre from "
                            f"{_fmt_period(periods[start], monthly)}; the level changes most "
                            f"at {when}: the process may have shifted; consider rebasing "
                            "there if you know of a change",
                        )
                    )
            for start, stop, code in _runs(_steps(values)):
                length = stop - start + 1
                if length >= trend_length and start > 0:
                    way = "rising" if code > 0 else "falling"
                    when = _fmt_period(periods[start], monthly)
                    found.append(
                        (
                            start,
                            f"trend of {trend_length} {way}",
                            f"{length} points {way} in a row from {when}: the process may be "
                            "changing; consider rebasing where it settles if you know of a change",
                        )
                    )
            for start, rule, reason in sorted(found, key=lambda t: t[0]):
                row = dict(zip(by, key, strict=True))
                row.update({"period": periods[start], "rule": rule, "reason": reason})
                rows.append(row)
    out = pd.DataFrame(rows, columns=[*by, "period", "rule", "reason"])
    if len(out) == 0 and "period" in result:
        out["period"] = out["period"].astype(result["period"].dtype)
    for col in by:
        if len(out):
            out[col] = out[col].astype(result[col].dtype)
    return out


def fired_rules(result: pd.DataFrame) -> dict[str, list[int]]:
    """``{rule name: positions}`` of the points of one group's :func:`spc` result (in
    period order) at which each rule fired, from the rule columns (never the text)."""
    run_length = int(_setting(result, "run_length"))
    trend_length = int(_setting(result, "trend_length"))
    columns = [result[c].to_numpy() for c in (*RULE_COLUMNS, "side", "later_trend")]
    out: dict[str, list[int]] = {}
    for pos, (o, r, up, down, t, sd, lt) in enumerate(zip(*columns, strict=True)):
        if not (o or r or up or down or t):
            continue
        names = rule_names(
            outside=bool(o),
            run=bool(r),
            trend_rising=bool(up),
            trend_falling=bool(down),
            two_of_three=bool(t),
            side=int(sd),
            later_trend=int(lt),
            run_length=run_length,
            trend_length=trend_length,
        )
        for name in names:
            out.setdefault(name, []).append(pos)
    return out


def _episodes_text(positions: list[int], periods: list[Any], monthly: bool) -> str:
    """'3 points, 2024-01 to 2024-03' or '5 points in 2 episodes, first 2022-05, latest ...'."""
    episodes: list[tuple[int, int]] = []
    for pos in positions:
        if episodes and pos == episodes[-1][1] + 1:
            episodes[-1] = (episodes[-1][0], pos)
        else:
            episodes.append((pos, pos))

    def span(a: int, b: int) -> str:
        if a == b:
            return f"at {_fmt_period(periods[a], monthly)}"
        return f"{_fmt_period(periods[a], monthly)} to {_fmt_period(periods[b], monthly)}"

    n = len(positions)
    text = f"{n} point{'s' * (n > 1)}"
    if len(episodes) == 1:
        return f"{text}, {span(*episodes[0])}"
    first = _fmt_period(periods[episodes[0][0]], monthly)
    return f"{text} in {len(episodes)} episodes, first {first}, latest {span(*episodes[-1])}"


def spc_overview(result: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group: its latest point, limits, variation, assurance and last signal.

    Columns: ``[*by], latest_period, latest_value, centre, lower, upper`` (of the
    latest point), ``variation`` (of the latest point), ``assurance`` (of the latest
    point; missing without a target), ``n_special`` (flagged points in the series),
    ``last_signal_period`` and ``last_rule`` (the latest flagged point and its rules;
    missing when none). ``by`` defaults to the columns before ``period``.
    """
    by_cols = _result_by(result, by)
    rows = []
    for key, group in _iter_groups(result, by_cols):
        last = group.iloc[-1]
        flagged = group[group["rule"].fillna("").astype(str) != ""]
        row = dict(zip(by_cols, key, strict=True))
        row.update(
            {
                "latest_period": last["period"],
                "latest_value": float(last["value"]),
                "centre": float(last["centre"]),
                "lower": float(last["lower"]),
                "upper": float(last["upper"]),
                "variation": last["variation"],
                "assurance": last["assurance"] if "assurance" in group else None,
                "n_special": len(flagged),
                "last_signal_period": flagged["period"].iloc[-1] if len(flagged) else None,
                "last_rule": flagged["rule"].iloc[-1] if len(flagged) else None,
            }
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out["last_signal_period"] = pd.Series(
            out["last_signal_period"].tolist(), index=out.index
        ).astype(result["period"].dtype)
        out["n_special"] = out["n_special"].astype(int)
    return out


def compare_conventions(
    data: pd.DataFrame,
    *,
    conventions: Sequence[str] = tuple(CONVENTIONS),
    **options: Any,
) -> pd.DataFrame:
    """The same series under each convention, one row per group and convention.

    Runs :func:`spc` with ``options`` (``value``, ``period``, ``by``, ...) once per name in
    ``conventions`` and gives each run's :func:`spc_overview` with a ``conventions``
    column after the group columns: where tools disagree about a chart, the rows say by how
    much (limits) and how often (``n_special``). To reproduce a published chart, pick the
    tool's name as :func:`spc`'s ``conventions=``.
    """
    for forbidden in ("conventions", "run_length", "trend_length", "screen_outliers"):
        if forbidden in options:
            raise ValueError(
                f"compare_conventions sets {forbidden} from each convention; leave it out"
            )
    names = list(conventions)
    unknown = [n for n in names if n not in CONVENTIONS]
    if unknown or not names:
        raise ValueError(f"conventions must be names from {list(CONVENTIONS)}, not {unknown}")
    pieces = []
    for name in names:
        result = spc(data, conventions=name, **options)
        overview = spc_overview(result)
        by_cols = _result_by(result)
        overview.insert(len(by_cols), "conventions", name)
        pieces.append(overview)
    out = pd.concat(pieces, ignore_index=True)
    by_cols = list(out.columns[: out.columns.get_loc("conventions")])
    if by_cols:  # group by group, the conventions in the order asked
        order = {name: i for i, name in enumerate(names)}
        out = out.sort_values(
            [*by_cols, "conventions"],
            key=lambda col: col.map(order) if col.name == "conventions" else col,
            kind="stable",
        ).reset_index(drop=True)
    return keep_source(out, data)


_DIRECTIONS = {
    "concern": ("special_cause_concern",),
    "improvement": ("special_cause_improvement",),
    "neutral": ("special_cause_neutral_high", "special_cause_neutral_low"),
    "any": tuple(v for v in VARIATION_TYPES if v != "common_cause"),
}


def first_signal(
    result: pd.DataFrame,
    *,
    after: Any = None,
    direction: Literal["concern", "improvement", "neutral", "any"] = "concern",
    date_order: str | None = None,
) -> pd.DataFrame:
    """Per group, the first flagged period of the given ``direction`` on or after ``after``.

    ``direction`` is ``"concern"`` (default), ``"improvement"``, ``"neutral"`` (either
    side, for results with no better direction) or ``"any"``. ``after`` is inclusive: a signal at exactly that period counts; given as
    text it is read by :func:`coprod.io.parse_date` (``'01/07/2023'`` is 1 July unless
    ``date_order="mdy"``). Because
    MDC flags every point of a pattern, the first flagged point of a run or trend is
    where the run starts (it is only *recognised* ``run_length - 1`` periods later).

    Returns one row per group (groups without such a signal too, with missing
    ``period``): ``[*by], period, value, rule, variation``.
    """
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {list(_DIRECTIONS)}, not {direction!r}")
    by = _result_by(result)
    wanted = _DIRECTIONS[direction]
    rows = []
    for key, group in _iter_groups(result, by):
        if after is not None:
            start = _as_period_like(after, group["period"], "after", date_order)
            group = group[group["period"] >= start]
        hits = group[group["variation"].isin(wanted)]
        row = dict(zip(by, key, strict=True))
        if len(hits):
            first = hits.iloc[0]
            row.update(
                {
                    "period": first["period"],
                    "value": float(first["value"]),
                    "rule": first["rule"],
                    "variation": first["variation"],
                }
            )
        else:
            row.update({"period": None, "value": np.nan, "rule": None, "variation": None})
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*by, "period", "value", "rule", "variation"])
    out["period"] = pd.Series(out["period"].tolist(), index=out.index).astype(
        result["period"].dtype
    )
    return out


_VARIATION_WORDS = {
    "common_cause": "common cause variation (no signal)",
    "special_cause_improvement": "special cause variation: improvement",
    "special_cause_concern": "special cause variation: concern",
    "special_cause_neutral_high": "special cause variation: neutral high (no better direction set)",
    "special_cause_neutral_low": "special cause variation: neutral low (no better direction set)",
}
_ASSURANCE_WORDS = {
    "consistently_passes": "the process consistently passes the target (the target lies "
    "outside its limits on the good side)",
    "consistently_fails": "the process consistently fails the target (the target lies "
    "outside its limits on the bad side); only a change to the process will meet it",
    "hit_and_miss": "hit and miss: the target lies within the process limits, so it will "
    "be met in some periods and missed in others by chance alone",
}


def _zeros(group: pd.DataFrame) -> tuple[int, int]:
    """(zero values, values) of one group: the counts of a u or p chart, else the values."""
    values = group["count"] if "count" in group else group["value"]
    return int((values == 0).sum()), len(values)


def spc_warnings(result: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """What to be careful of in an :func:`spc` result, one row per warning.

    Columns ``[*by], segment, warning, detail``: ``warning`` is one of :data:`WARNINGS`
    (``"trial_limits"`` per segment whose limits rest on fewer than
    :data:`TRIAL_LIMIT_POINTS` points, as NHSRplotthedots warns; ``"mostly_zeros"`` per
    group whose values are more than :data:`MOSTLY_ZEROS_SHARE` zeros, with ``segment``
    missing), ``detail`` says it in words. No rows: nothing to warn of.
    :func:`spc_summary` says the same.
    """
    by_cols = _result_by(result, by)
    monthly = _is_monthly(result["period"]) if len(result) else False
    rows: list[dict[str, Any]] = []
    for key, group in _iter_groups(result, by_cols):
        for segment, seg in group.groupby("segment", sort=True):
            if "trial_limits" in seg and bool(seg["trial_limits"].iloc[0]):
                used = int(seg["in_baseline"].sum())
                start = _fmt_period(seg["period"].iloc[0], monthly)
                rows.append(
                    {
                        **dict(zip(by_cols, key, strict=True)),
                        "segment": int(segment),
                        "warning": "trial_limits",
                        "detail": f"the limits from {start} are trial limits, computed from "
                        f"{used} point{'s' * (used != 1)} (fewer than {TRIAL_LIMIT_POINTS}): "
                        "they will move as points come in",
                    }
                )
        zeros, total = _zeros(group)
        if total and zeros / total > MOSTLY_ZEROS_SHARE:
            rows.append(
                {
                    **dict(zip(by_cols, key, strict=True)),
                    "segment": pd.NA,
                    "warning": "mostly_zeros",
                    "detail": f"{zeros} of {total} periods are zero: limits of a mostly-zero "
                    "series say little (the lower limit sits at zero, so no fall can show); "
                    "chart the time or the cases between events instead (chart='t' or 'g', "
                    "from coprod.timeseries.rare_events.between_events)",
                }
            )
    out = pd.DataFrame(rows, columns=[*by_cols, "segment", "warning", "detail"])
    out["segment"] = out["segment"].astype("Int64")
    for col in by_cols:
        if len(out):
            out[col] = out[col].astype(result[col].dtype)
    return out


def spc_summary(result: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> str:
    """Plain-language description of an :func:`spc` result, one paragraph per group.

    Says, for each group, the latest value and its variation, the current centre and
    process limits (and since when, after a rebase), whether a c, u or p chart's counts
    are overdispersed (:func:`overdispersion`, for the latest segment: the chart to use
    instead) or by how much a p' or u' chart widened its limits, the assurance against a
    target, and each rule that fired: how many points and from when to when.
    """
    by_cols = _result_by(result, by)
    if len(result) == 0:
        return "No periods to describe."
    monthly = _is_monthly(result["period"])
    chart = _setting(result, "chart")
    hib = _setting(result, "higher_is_better")
    paragraphs = []
    for key, group in _iter_groups(result, by_cols):
        name = ", ".join(str(k) for k in key) if by_cols else "The series"
        last = group.iloc[-1]
        seg = group[group["segment"] == last["segment"]]
        when = _fmt_period(last["period"], monthly)
        text = f"{name}: {len(group)} period{'s' * (len(group) != 1)}"
        if chart:
            text += f" ({'XmR' if chart == 'xmr' else CHART_NAMES.get(chart, chart + ' chart')}"
            text += (
                ", higher is better"
                if hib is True
                else (", lower is better" if hib is False else ", no better direction")
            )
            followed = _setting(result, "conventions") if "conventions" in result else None
            if followed in CONVENTIONS:
                text += f", {CONVENTIONS[followed].label} conventions"
            text += ")"
        text += f". Latest ({when}): {_fmt_number(float(last['value']))}, "
        text += _VARIATION_WORDS.get(str(last["variation"]), str(last["variation"]))
        if last["rule"]:
            text += f" ({last['rule']})"
        text += ". "
        centre_word = {"g": "median", "t": "centre"}.get(chart, "mean")
        lim = f"{centre_word} {_fmt_number(float(last['centre']))}, process limits "
        lim += f"{_fmt_number(float(last['lower']))} to {_fmt_number(float(last['upper']))}"
        if chart in _DENOMINATOR_CHARTS:
            lim = "at the latest denominator, " + lim
        n_segments = group["segment"].nunique()
        if n_segments > 1:
            lim += f" since the rebase at {_fmt_period(seg['period'].iloc[0], monthly)}"
        text += lim[0].upper() + lim[1:] + ". "
        if "trial_limits" in seg and bool(seg["trial_limits"].iloc[-1]):
            used = int(seg["in_baseline"].sum())
            text += (
                f"These are trial limits, computed from {used} point{'s' * (used != 1)} "
                f"(fewer than {TRIAL_LIMIT_POINTS}): they will move as points come in, so "
                "read signals against them with care. "
            )
        zeros, total = _zeros(group)
        if total and zeros / total > MOSTLY_ZEROS_SHARE:
            text += (
                f"Mostly zeros ({zeros} of {total} periods): the limits say little; chart the "
                "time or the cases between events instead (a t or g chart). "
            )
        if chart in _OVERDISPERSION_CHARTS:
            dispersion = overdispersion(seg, by=by_cols).iloc[-1]
            outside = int(seg["rule_outside"].sum())
            text += _dispersion_words(dispersion, outside, len(seg))
        if "assurance" in group and "target" in group and pd.notna(last.get("target")):
            assurance = last["assurance"]
            text += f"Target {_fmt_number(float(last['target']))}: "
            text += (
                _ASSURANCE_WORDS.get(str(assurance), str(assurance))
                if assurance is not None and not pd.isna(assurance)
                else "assurance not judged (no better direction set)"
            )
            text += ". "
        periods_ = group["period"].tolist()
        fired = fired_rules(group)
        if not fired:
            text += "No special-cause rule fired."
        else:
            parts = []
            for rule, positions in fired.items():
                parts.append(f"{rule}: " + _episodes_text(positions, periods_, monthly))
            text += "Signals: " + "; ".join(parts) + "."
        paragraphs.append(text)
    return wrap_text("\n\n".join(paragraphs))


# ------------------------------------------------------------------- overdispersion

_OVERDISPERSION_CHARTS = ("c", "u", "p", "up", "pp")
#: What each chart's recommended replacement is when its counts are overdispersed: for
#: counts of equal opportunity Laney's correction is the XmR chart itself.
_LANEY_CHART = {"c": "xmr", "u": "up", "p": "pp", "up": "up", "pp": "pp"}


def _standardised(segment: pd.DataFrame, chart: str) -> np.ndarray:
    """z_i = (y_i - centre) / sigma_i of a c, u or p (or u', p') chart's points, with
    sigma_i the Poisson or binomial sigma of the chart without Laney's correction."""
    centre = segment["centre"].to_numpy(dtype=float)
    if chart == "c":
        values, spread = segment["value"].to_numpy(dtype=float), centre
    else:
        denom = segment["denominator"].to_numpy(dtype=float)
        values = segment["count"].to_numpy(dtype=float) / denom
        spread = (centre * (1 - centre) if chart in _PROPORTION_CHARTS else centre) / denom
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (values - centre) / np.sqrt(spread)
    return np.where(spread > 0, z, 0.0)


def overdispersion(
    result: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    threshold: float = OVERDISPERSED_RATIO,
) -> pd.DataFrame:
    """Whether a c, u or p chart's counts vary more between periods than its limits assume.

    A c chart assumes Poisson counts, a u chart Poisson counts per unit of exposure, a p
    chart binomial cases: their limits come from the centre alone. Complaints and reports
    in their hundreds or thousands a month vary much more than that (busy months, weather,
    campaigns), so those limits are too narrow and flag common-cause months. For each
    group and segment of ``result`` (an :func:`spc` result with ``chart`` ``"c"``, ``"u"``,
    ``"p"``, or Laney's ``"up"`` / ``"pp"``), over the points its limits are computed from
    (``in_baseline``), with z_i = (y_i - centre) / sigma_i and sigma_i the chart's own
    Poisson or binomial sigma:

    * ``sigma_z``: Laney's ratio, the mean moving range of z / 1.128 (moving ranges
      screened as the result's ``screen_outliers`` says): how many times wider the limits
      should be. Near 1 for counts as the chart assumes; it is the factor the p' and u'
      charts widen their limits by (and for a c chart, the ratio of the XmR chart's
      limits to the c chart's).
    * ``chi_square``, ``df`` (points - 1) and ``chi_square_ratio`` (Pearson's dispersion,
      chi_square / df; inflated by real shifts too, where sigma_z looks only at
      neighbouring periods).
    * ``share_outside``: the share of the segment's points beyond the chart's limits (on
      common-cause data, the false-alarm rate; 3-sigma limits flag 0.27% when the chart's
      assumption holds).
    * ``overdispersed``: ``sigma_z >= threshold`` (default :data:`OVERDISPERSED_RATIO`);
      ``recommended_chart``: ``"xmr"`` for an overdispersed c chart, ``"up"`` for a u chart,
      ``"pp"`` for a p chart, else the chart itself (a p' or u' chart already allows for it).

    Returns one row per group and segment: ``[*by], segment, chart, n_points, sigma_z,
    chi_square, df, chi_square_ratio, share_outside, overdispersed, recommended_chart,
    threshold``. :func:`spc_summary` says the same in words.
    """
    by_cols = _result_by(result, by)
    chart = _setting(result, "chart")
    if chart not in _OVERDISPERSION_CHARTS:
        raise ValueError(
            f"overdispersion checks the c, u and p charts (and p', u'), whose limits assume "
            f"Poisson or binomial counts; a {CHART_NAMES.get(chart, chart)} is not one of them"
            + (
                ": an XmR chart estimates its spread from the data already"
                if chart == "xmr"
                else ""
            )
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
        raise ValueError(f"threshold must be a number above 0, not {threshold!r}")
    if chart != "c":
        require_columns(result, ["count", "denominator"], what="result")
    screen = bool(_setting(result, "screen_outliers")) if "screen_outliers" in result else False
    rows = []
    for key, group in _iter_groups(result, by_cols):
        for segment_no, segment in group.groupby("segment", sort=True):
            base = segment[segment["in_baseline"].to_numpy(dtype=bool)]
            z = _standardised(base, chart)
            n_points = len(z)
            sigma_z = _mean_moving_range(z, screen) / D2 if n_points >= 2 else np.nan
            chi_square = float(np.sum(z**2))
            df = n_points - 1
            row = dict(zip(by_cols, key, strict=True))
            over = bool(np.isfinite(sigma_z) and sigma_z >= threshold)
            row.update(
                {
                    "segment": int(segment_no),
                    "chart": chart,
                    "n_points": n_points,
                    "sigma_z": float(sigma_z),
                    "chi_square": chi_square,
                    "df": df,
                    "chi_square_ratio": chi_square / df if df > 0 else np.nan,
                    "share_outside": float(segment["rule_outside"].mean()),
                    "overdispersed": over,
                    "recommended_chart": _LANEY_CHART[chart] if over else chart,
                    "threshold": float(threshold),
                }
            )
            rows.append(row)
    columns = [*by_cols, "segment", "chart", "n_points", "sigma_z", "chi_square", "df"]
    columns += ["chi_square_ratio", "share_outside", "overdispersed", "recommended_chart"]
    return keep_source(pd.DataFrame(rows, columns=[*columns, "threshold"]), result)


def _dispersion_words(row: Mapping[str, Any], n_outside: int, n_points: int) -> str:
    """One sentence of :func:`spc_summary` on a segment's overdispersion."""
    chart = str(row["chart"])
    ratio = _fmt_number(float(row["sigma_z"]))
    if chart in ("up", "pp"):
        plain = CHART_NAMES["u" if chart == "up" else "p"]
        way = "widened" if row["sigma_z"] >= 1 else "narrowed"
        return (
            f"Laney's sigma_z is {ratio}: the limits are the {plain}'s {way} {ratio} times "
            "for the variation between periods. "
        )
    if not row["overdispersed"]:
        return ""
    counts = {"c": "counts", "u": "rates", "p": "proportions"}[chart]
    better = row["recommended_chart"]
    return (
        f"Overdispersed: the {counts} vary {ratio} times as much from period to period as a "
        f"{CHART_NAMES[chart]} assumes (Laney's sigma_z; {n_outside} of {n_points} points "
        f"outside its limits), so its limits are too narrow and flag common-cause variation: "
        f"use chart={better!r} ({CHART_NAMES[better]}) instead. "
    )

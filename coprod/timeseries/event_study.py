"""Event studies on a panel of counts with staggered events (e.g. councils changing control).

Which estimator, and why
------------------------
:func:`event_study` fits, by default, the **interaction-weighted** estimator of Sun and
Abraham (2021, *Journal of Econometrics* 225(2), 175-199) as a Poisson regression with
``pyfixest.fepois``: unit and calendar-period fixed effects, and one dummy for each
*cohort* (units whose event falls in the same period) x *event-time bin*, for every bin of
the window except the reference bin -1. Each cohort's curve is then averaged across
cohorts at each event time with the cohorts' shares of the units observed there as
weights. The average is a linear combination ``w'b`` of log-rate coefficients, so its
variance is ``w'Vw`` with ``V`` the coefficients' covariance, clustered by unit. Results
are rate ratios ``exp(w'b)`` with 95% intervals.

Why this one: events are staggered (units change in different periods) and their effects
vary with time since the event and between cohorts. A "naive" two-way fixed-effects
event study, with one set of event-time dummies pooled across cohorts, goes wrong in two
ways. Pooling: it fits one curve to all cohorts, so the cohorts' departures from it are
left to the calendar-period effects, which the treated units then help estimate; through
them other cohorts' effects at other event times enter each bin's coefficient (Sun and
Abraham 2021, Prop. 3; Goodman-Bacon 2021). This bites when effects differ between
cohorts *and* the cohorts observed differ from bin to bin, as in any panel that ends
(late cohorts are seen only at short lags, early ones at long lags), and most when few
units are never treated; when every bin holds the same cohorts it does little harm. In
the tests (five cohorts, 5% never treated, an effect of 1.8 fading to none in two years,
early cohorts reacting more) the pooled estimates are on average a tenth too low on the
log scale and show a fall of 10-20% after the effect has gone, with leads that pass the
pre-trend check. Endpoints: when treated periods outside the window are left in the
omitted group (common practice), they count as untreated, so the baseline holds treated
periods and every lead and lag is measured against it (in the tests the effects come out
a fifth too low and a pre-trend appears that was never planted). Saturating the model in
cohort x event time removes the pooling bias, and dropping treated periods outside the
window removes the other. Poisson because the outcome is a count: its quasi-likelihood
with fixed effects is consistent for the log-rate effects whatever the overdispersion
(Wooldridge 1999), and the cluster-robust standard errors do not assume a variance; a
negative binomial model with unit fixed effects is not consistent (incidental
parameters), so it is not offered. pyfixest fits the Poisson fixed-effects model with
the ``ppmlhdfe`` algorithm (Correia, Guimaraes and Zylkin 2020) and clusters the
standard errors.

Two other estimators are available for comparison:

* ``"extended_twfe"``: Wooldridge's (2023, *Econometrics Journal* 26(3), C31-C66)
  extended two-way fixed effects for Poisson: dummies for cohort x post-event bins only,
  so every unit's periods before its event in the window (not-yet-treated units) are
  controls as well as the never-treated. More precise; no leads, so no pre-trend check.
* ``"naive_twfe"``: the textbook event study, shown to make its bias visible: one dummy
  per event-time bin of the window pooled across cohorts, every unit and (by default,
  ``endpoints="reference"``) every period kept, periods outside the window in the
  omitted group with bin -1; with ``endpoints="drop"`` only the pooling bias is left.

Controls
--------
Units whose ``event`` is missing are never treated: their periods identify the
calendar-period effects, with each treated unit's reference bin (the bin just before its
event). If no unit is never treated, the last cohort to be treated becomes the control
group and every period from its event on is dropped (Sun and Abraham 2021, sec. 4.1).

Event time, bins and the window
-------------------------------
Time is integer periods or pandas Periods (e.g. monthly). A row's event time is
``floor((time - event) / bin)`` bins: with monthly data and ``bin=3``, months 0-2 after
the event are quarter 0 and the three months before it quarter -1, the reference.
``window=(-8, 12)`` keeps bins -8 to 12; treated periods outside it are dropped
(``endpoints="drop"``, the default, counted in the result) or pooled into the end bins
(``"bin"``: the end bins then average over all earlier or later periods, which misleads
when effects keep changing past the window).

Repeated events
---------------
Units can have many events (a council changes control again and again). The event study
takes one event per unit: :func:`first_clean_events` keeps each unit's first event with
a clean pre-window (no other event in the ``pre_window`` periods before it, and that
pre-window inside the data), and :func:`join_events` attaches it to the panel, keeping a
treated unit's periods after its previous event and before its next event only (the
others are dropped and counted). Units with no event in the study window are never
treated; units with events but none clean are dropped from the study and reported.

Speed: the fit demeans one column per cohort x bin at each Poisson iteration; 300 units
x 160 months with 8 cohorts and 20 bins (160 dummies) takes a few seconds (see
``benchmarks/bench_event_study.py``). Group events into fewer cohorts (e.g. by year)
when there are many distinct event periods.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import join_words, plural, row_numbers, rows_text, wrap_text
from coprod.provenance import Source, keep_source, source_of

__all__ = [
    "ENDPOINTS",
    "ESTIMATORS",
    "CleanEvents",
    "EventStudyResult",
    "JoinedPanel",
    "RateRatio",
    "compare_effects",
    "event_study",
    "first_clean_events",
    "join_events",
]

#: The estimators :func:`event_study` offers (see the module docstring).
ESTIMATORS: tuple[str, ...] = ("interaction_weighted", "extended_twfe", "naive_twfe")
#: What happens to treated periods outside the window.
ENDPOINTS: tuple[str, ...] = ("drop", "bin", "reference")
_ESTIMATOR_WORDS = {
    "interaction_weighted": "interaction-weighted (Sun and Abraham 2021)",
    "extended_twfe": "extended two-way fixed effects (Wooldridge 2023)",
    "naive_twfe": "naive two-way fixed effects (event-time dummies pooled across cohorts)",
}
_Z = NormalDist().inv_cdf(0.975)
_NAT = np.iinfo(np.int64).min
_FREQ_WORDS = {"ME": "month", "QE": "quarter", "YE": "year", "Y": "year", "W": "week", "D": "day"}
_MULTIPLES = {("month", 3): "quarter", ("month", 12): "year", ("quarter", 4): "year"}


# ------------------------------------------------------------------ small pieces


def _ratio_text(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.2f}"


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _change_text(ratio: float) -> str:
    if not np.isfinite(ratio):
        return "no estimate"
    if abs(ratio - 1) < 0.005:
        return "no change"
    if ratio > 1:
        return f"{(ratio - 1) * 100:.0f}% higher"
    return f"{(1 - ratio) * 100:.0f}% lower"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _normal_p(z: np.ndarray) -> np.ndarray:
    dist = NormalDist()
    return np.array([2 * (1 - dist.cdf(abs(v))) if np.isfinite(v) else np.nan for v in z])


@dataclass(frozen=True)
class RateRatio:
    """A rate ratio with its 95% interval, from a log-rate estimate and its standard error.

    ``estimate``, ``low`` and ``high`` are rate ratios; ``log_se`` the standard error of
    the log; ``p_value`` two-sided, for no change (a ratio of 1); ``what`` says what it is.
    """

    estimate: float
    low: float
    high: float
    log_se: float
    p_value: float
    what: str = "average effect"

    @classmethod
    def from_log(cls, log_estimate: float, log_se: float, what: str) -> RateRatio:
        z = log_estimate / log_se if log_se > 0 else np.nan
        return cls(
            estimate=math.exp(log_estimate),
            low=math.exp(log_estimate - _Z * log_se),
            high=math.exp(log_estimate + _Z * log_se),
            log_se=float(log_se),
            p_value=float(_normal_p(np.array([z]))[0]),
            what=what,
        )

    def detectable_ratio(self, power: float = 0.8) -> float:
        """The smallest rate ratio above 1 found with probability ``power`` by a two-sided
        5% test at this precision: ``exp((1.96 + z_power) * log_se)`` (its inverse is the
        smallest fall detectable)."""
        if not 0 < power < 1:
            raise ValueError(f"power must be between 0 and 1, not {power!r}")
        return math.exp((_Z + NormalDist().inv_cdf(power)) * self.log_se)

    def summary(self) -> str:
        """One sentence: the ratio, its interval, the change in words and the p-value."""
        return wrap_text(self._text())

    def _text(self) -> str:
        """The sentence on one line, for a summary that puts it in its own paragraph."""
        return (
            f"{self.what}: rate ratio {_ratio_text(self.estimate)} (95% interval "
            f"{_ratio_text(self.low)} to {_ratio_text(self.high)}), "
            f"{_change_text(self.estimate)}; {_p_text(self.p_value)}"
        )


# ------------------------------------------------------------------ times as numbers


def _time_numbers(values: pd.Series, *, name: str, what: str) -> tuple[np.ndarray, Any]:
    """A column of periods as float numbers (NaN where missing) and its kind: the
    pandas frequency of a Period column, or None for whole numbers."""
    if values.dtype == object:
        present = values.dropna()
        if len(present) and all(isinstance(v, pd.Period) for v in present):
            values = values.astype(pd.PeriodDtype(present.iloc[0].freq))  # Periods, no text
    if isinstance(values.dtype, pd.PeriodDtype):
        numbers = values.array.asi8.astype(float)
        numbers[values.isna().to_numpy()] = np.nan
        return numbers, values.dtype.freq
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(numbers)
        if not np.all(numbers[finite] == np.round(numbers[finite])):
            raise ValueError(f"{what} column {name!r} must hold whole numbers of periods")
        return numbers, None
    raise ValueError(
        f"{what} column {name!r} must hold pandas Periods (e.g. monthly: "
        f"df[{name!r}].dt.to_period('M') on dates) or whole numbers of periods, "
        f"not {values.dtype}"
    )


def _scalar_number(value: Any, freq: Any, *, name: str) -> float:
    if isinstance(value, pd.Period):
        if freq is None or value.freq != freq:
            raise ValueError(f"{name}={value!r} is not a period of the same kind as the times")
        return float(value.ordinal)
    if freq is not None:
        raise ValueError(f"{name} must be a pandas Period like the times, not {value!r}")
    if isinstance(value, bool) or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number of periods, not {value!r}")
    return float(value)


def _as_times(numbers: np.ndarray, freq: Any) -> Any:
    """Numbers back to the kind they came from (Periods of ``freq``, or nullable ints)."""
    numbers = np.asarray(numbers, dtype=float)
    missing = ~np.isfinite(numbers)
    if freq is None:
        whole = pd.array(np.where(missing, 0, numbers).astype(np.int64), dtype="Int64")
        whole[missing] = pd.NA
        return whole
    ordinals = np.where(missing, _NAT, np.nan_to_num(numbers)).astype(np.int64)
    return pd.PeriodIndex.from_ordinals(ordinals, freq=freq).array


def _time_text(number: float, freq: Any) -> str:
    if not np.isfinite(number):
        return "none"
    if freq is None:
        return str(int(number))
    return str(pd.Period(ordinal=int(number), freq=freq))


def _bin_words(freq: Any, bin: int) -> tuple[str, str]:
    """What one bin of event time is called, singular and plural: ("quarter", "quarters")."""
    if freq is None:
        unit = "period"
        n = 1
    else:
        unit = _FREQ_WORDS.get(freq.rule_code.split("-")[0], "period")
        n = int(freq.n)
    size = n * bin
    if size == 1:
        return unit, unit + "s"
    if (unit, size) in _MULTIPLES:
        word = _MULTIPLES[(unit, size)]
        return word, word + "s"
    return f"{size}-{unit} bin", f"{size}-{unit} bins"


def _first_rows_text(frame: pd.DataFrame, bad: np.ndarray) -> str:
    rows, numbered = row_numbers(frame.index, np.flatnonzero(bad))
    return f"{plural(len(rows), 'row')} ({rows_text(rows)}; {numbered})"


# ------------------------------------------------------------------ repeated events


@dataclass(frozen=True, eq=False)
class CleanEvents:
    """Each unit's event for an event study, from all its events (:func:`first_clean_events`).

    ``table``: one row per unit with at least one event, columns ``<unit>, event,
    previous_event, next_event, n_events, status, reason``. ``status`` is ``"treated"``
    (``event`` is its first event with a clean pre-window; ``previous_event`` and
    ``next_event`` are its neighbours, missing when there are none), ``"never treated"``
    (no event from ``start`` to ``end``: a control) or ``"dropped"`` (events in the study
    window but none with a clean, observed pre-window: ``reason`` says why). ``n_events``
    counts the unit's events in the study window. Times are of the kind given (Periods or
    integers).
    """

    table: pd.DataFrame
    unit: str
    time: str
    pre_window: int
    start: Any
    end: Any
    n_treated: int
    n_never_treated: int
    n_dropped: int
    freq: Any = field(default=None, repr=False)

    def summary(self) -> str:
        """The rule and what it kept, in plain words."""
        window = f"from {self.start}" + (f" to {self.end}" if self.end is not None else "")
        lines = [
            f"One event per unit, {window}: the first with no other event in the "
            f"{plural(self.pre_window, _bin_words(self.freq, 1)[0])} before it and that "
            "pre-window inside the data.",
            f"{plural(self.n_treated, 'unit')} with such an event (treated), "
            f"{self.n_never_treated:,} with no event in the study window (never treated, "
            f"controls), {self.n_dropped:,} dropped.",
        ]
        dropped = self.table[self.table["status"] == "dropped"]
        for reason, rows in dropped.groupby("reason", sort=True):
            units = [str(u) for u in rows[self.unit]]
            lines.append(f"Dropped, {reason}: {join_words(units, limit=6)}.")
        return wrap_text("\n".join(lines))


def first_clean_events(
    events: pd.DataFrame,
    *,
    unit: str,
    time: str,
    pre_window: int,
    start: Any,
    end: Any = None,
) -> CleanEvents:
    """Keep one event per unit: its first with a clean, observed pre-window.

    ``events`` has one row per event (a unit may have many), with ``unit`` and ``time``
    (integer periods or pandas Periods, the kind of the panel's time). The study window is
    ``start`` to ``end`` (the panel's first and last periods; ``end=None``: no end).

    The rule, per unit, looking at its events in the study window in time order:

    * the kept event is the first ``e`` whose pre-window ``[e - pre_window, e)`` starts at
      or after ``start`` (it is observed) and holds no other event of the unit (events
      before ``start`` count: a change just before the data starts spoils the window);
    * units with no event in the study window are never treated (controls), whatever
      happened before ``start``;
    * units with events in the window but none kept are dropped, with the reason: every
      event too early (its pre-window begins before the data), or the first too early and
      each later one within ``pre_window`` of the one before.

    :func:`join_events` attaches the result to a panel, censoring each treated unit's
    periods at its previous and next events.
    """
    require_columns(events, [unit, time], what="first_clean_events' events")
    if isinstance(pre_window, bool) or not isinstance(pre_window, int | np.integer):
        raise ValueError(f"pre_window must be a whole number of periods, not {pre_window!r}")
    if pre_window < 1:
        raise ValueError(f"pre_window must be at least 1 period, not {pre_window}")
    numbers, freq = _time_numbers(events[time], name=time, what="first_clean_events' events")
    missing = ~np.isfinite(numbers)
    if missing.any():
        raise ValueError(
            f"events have no {time!r} at {_first_rows_text(events, missing)}: "
            "drop them or give each event its period"
        )
    first = _scalar_number(start, freq, name="start")
    last = math.inf if end is None else _scalar_number(end, freq, name="end")
    if last < first:
        raise ValueError(f"end ({end}) is before start ({start})")
    frame = pd.DataFrame({"unit": events[unit].to_numpy(), "t": numbers})
    twice = frame.duplicated(["unit", "t"], keep=False).to_numpy()
    if twice.any():
        raise ValueError(
            f"a unit has two events in the same period at {_first_rows_text(events, twice)}: "
            "keep one row per unit and period"
        )
    frame = frame.sort_values(["unit", "t"], kind="stable")
    records = []
    for label, group in frame.groupby("unit", sort=True):
        times = group["t"].to_numpy()
        in_study = (times >= first) & (times <= last)
        record = {
            "unit": label,
            "event": np.nan,
            "previous_event": np.nan,
            "next_event": np.nan,
            "n_events": int(in_study.sum()),
        }
        if not in_study.any():
            records.append({**record, "status": "never treated", "reason": ""})
            continue
        too_early = 0
        for i in np.flatnonzero(in_study):
            e = times[i]
            previous = times[i - 1] if i > 0 else np.nan
            observed = e - pre_window >= first
            clean = not (previous >= e - pre_window)  # NaN (no previous event) is clean
            if observed and clean:
                nxt = times[i + 1] if i + 1 < len(times) else np.nan
                record.update(event=e, previous_event=previous, next_event=nxt)
                records.append({**record, "status": "treated", "reason": ""})
                break
            too_early += not observed
        else:
            # the first event in the study window, if observed, is clean: so a dropped unit's
            # first event is too early, and any later one follows another too closely
            window = plural(pre_window, _bin_words(freq, 1)[0])
            if too_early == in_study.sum():
                reason = f"every event in the first {window} of the data"
            else:
                reason = (
                    f"first event in the first {window} of the data, "
                    f"each later one within {window} of another"
                )
            records.append({**record, "status": "dropped", "reason": reason})
    table = pd.DataFrame.from_records(
        records,
        columns=["unit", "event", "previous_event", "next_event", "n_events", "status", "reason"],
    )
    for column in ("event", "previous_event", "next_event"):
        table[column] = _as_times(table[column].to_numpy(dtype=float), freq)
    table = table.rename(columns={"unit": unit})
    counts = table["status"].value_counts()
    return CleanEvents(
        table=table,
        unit=unit,
        time=time,
        pre_window=int(pre_window),
        start=start,
        end=end,
        n_treated=int(counts.get("treated", 0)),
        n_never_treated=int(counts.get("never treated", 0)),
        n_dropped=int(counts.get("dropped", 0)),
        freq=freq,
    )


@dataclass(frozen=True, eq=False)
class JoinedPanel:
    """A panel with each unit's event attached and censored (:func:`join_events`).

    ``data``: the panel's rows kept, with the ``event`` column added (missing for never
    treated units). Counts of what was removed: ``n_units_dropped`` units (events but no
    clean one) with ``n_rows_dropped_units`` rows; ``n_rows_before_previous`` rows of
    treated units at or before their previous event; ``n_rows_from_next`` rows at or
    after their next event, in ``n_units_censored`` units.
    """

    data: pd.DataFrame
    event: str
    n_units: int
    n_treated: int
    n_never_treated: int
    n_units_dropped: int
    n_rows_dropped_units: int
    n_rows_before_previous: int
    n_rows_from_next: int
    n_units_censored: int

    def summary(self) -> str:
        """What was kept and removed, in plain words."""
        return wrap_text(
            f"{plural(len(self.data), 'row')} kept for {plural(self.n_units, 'unit')}: "
            f"{self.n_treated:,} treated, {self.n_never_treated:,} never treated. Removed: "
            f"{plural(self.n_rows_dropped_units, 'row')} of "
            f"{plural(self.n_units_dropped, 'unit')} with no clean event; "
            f"{plural(self.n_rows_before_previous, 'row')} at or before a treated unit's "
            f"previous event; {plural(self.n_rows_from_next, 'row')} from its next event on "
            f"(in {plural(self.n_units_censored, 'unit')})."
        )


def join_events(
    panel: pd.DataFrame,
    clean: CleanEvents,
    *,
    unit: str,
    time: str,
    event: str = "event",
) -> JoinedPanel:
    """Attach each unit's kept event (from :func:`first_clean_events`) to ``panel``.

    Adds the column ``event`` (the unit's event period; missing for units never treated,
    including units of ``panel`` with no events at all). A treated unit keeps only its
    periods after its previous event and before its next event: earlier periods follow
    another event, later ones are under the next one. Units dropped by the rule lose all
    their rows (they are neither treated nor clean controls). Every removal is counted.
    """
    require_columns(panel, [unit, time], what="join_events' panel")
    if event in panel.columns:
        raise ValueError(f"panel already has a column {event!r}: choose another event=")
    numbers, freq = _time_numbers(panel[time], name=time, what="join_events' panel")
    if freq != clean.freq:
        raise ValueError(
            f"the panel's {time!r} and the events' times are not the same kind of period"
        )
    table = clean.table.set_index(clean.unit)
    units = panel[unit]
    status = units.map(table["status"]).fillna("never treated").to_numpy()
    ev, _ = _time_numbers(units.map(table["event"]), name="event", what="the kept events'")
    prev, _ = _time_numbers(
        units.map(table["previous_event"]), name="previous_event", what="the kept events'"
    )
    nxt, _ = _time_numbers(
        units.map(table["next_event"]), name="next_event", what="the kept events'"
    )
    treated = status == "treated"
    dropped = status == "dropped"
    before = treated & np.isfinite(prev) & (numbers <= prev)
    after = treated & np.isfinite(nxt) & (numbers >= nxt)
    keep = ~dropped & ~before & ~after
    data = panel.loc[keep].copy()
    data[event] = _as_times(np.where(treated, ev, np.nan)[keep], freq)
    kept_status = pd.Series(status[keep]).groupby(units.to_numpy()[keep]).first()
    return JoinedPanel(
        data=data,
        event=event,
        n_units=int(len(kept_status)),
        n_treated=int((kept_status == "treated").sum()),
        n_never_treated=int((kept_status == "never treated").sum()),
        n_units_dropped=int(units[dropped].nunique()),
        n_rows_dropped_units=int(dropped.sum()),
        n_rows_before_previous=int(before.sum()),
        n_rows_from_next=int(after.sum()),
        n_units_censored=int(units[after].nunique()),
    )


# ------------------------------------------------------------------ the event study


@dataclass(frozen=True, eq=False)
class EventStudyResult:
    """An event study's effects by event time, their average after the event, a pre-trend
    check, and the settings used (:func:`event_study`).

    ``effects``: one row per event-time bin of the window, columns ``event_time`` (bins
    since the event; -1 is the reference), ``role`` ("lead", "reference", "post"),
    ``estimate``, ``low``, ``high`` (rate ratios, 95% interval; the reference is 1 with no
    interval), ``log_estimate``, ``log_se``, ``p_value``, ``n_events`` (treated units,
    one event each, observed in that bin), ``n_cohorts`` and ``binned_endpoint`` (the bin
    pools periods beyond the window, ``endpoints="bin"``).

    ``average_post``: the average effect over the post-event bins of the window,
    weighting each cohort x bin by its number of units (:meth:`average` for other bins).
    ``pretrend_chi2``, ``pretrend_df``, ``pretrend_p``: Wald test that the leads (bins
    before -1) are jointly 1 (NaN when no leads are estimated). ``cells``: the cohort x
    bin coefficients (``cohort``, ``event_time``, ``log_estimate``, ``log_se``,
    ``n_units``), with ``vcov`` their clustered covariance. ``units``: the units used.
    Counts: ``n_units`` (all units used), ``n_events`` (treated units), ``n_never_treated``
    (controls), ``n_cohorts``, ``n_obs`` (unit-periods fitted), ``n_rows_outside_window``
    (treated periods outside the window: dropped, pooled or kept by ``endpoints``),
    ``n_rows_after_last_cohort``, ``n_units_without_counts`` (all counts zero: dropped),
    ``n_cells_without_counts`` (cohort x bin with no counts: dropped). ``notes``: what
    else the fit reported.
    """

    effects: pd.DataFrame
    average_post: RateRatio
    pretrend_chi2: float
    pretrend_df: int
    pretrend_p: float
    cells: pd.DataFrame
    vcov: pd.DataFrame
    units: tuple[Any, ...]
    n_units: int
    n_events: int
    n_never_treated: int
    n_cohorts: int
    n_obs: int
    n_rows_outside_window: int
    n_rows_after_last_cohort: int
    n_units_without_counts: int
    n_cells_without_counts: int
    unit: str
    time: str
    value: str
    event: str
    exposure: str | None
    window: tuple[int, int]
    bin: int
    bin_label: str
    endpoints: str
    estimator: str
    family: str
    control: str
    notes: tuple[str, ...] = ()
    bin_singular: str = field(default="period", repr=False)
    #: where the panel came from (:mod:`coprod.provenance`), for the chart's note
    source: Source | None = None

    def average(self, first: int = 0, last: int | None = None) -> RateRatio:
        """The average effect over bins ``first`` to ``last`` (default: the window's last),
        each cohort x bin weighted by its number of units: a linear combination of the
        log-rate coefficients, so its interval comes from their clustered covariance."""
        last = self.window[1] if last is None else last
        weights = _bin_weights(self.cells, first, last)
        if not weights.any():
            raise ValueError(f"no estimated effects in bins {first} to {last}")
        what = _average_words(self.cells, first, last, self.bin_label)
        return _combine(self.cells, self.vcov, weights, what)

    def summary(self) -> str:
        """The estimator, the units and events used, the average effect after the event and
        the pre-trend check, in plain words (numbers as in ``effects``)."""
        lo, hi = self.window
        one, many = self.bin_singular, self.bin_label
        controls = (
            f"{self.n_never_treated:,} never treated (the controls)"
            if self.control == "never treated"
            else f"{self.n_never_treated:,} in the last-treated cohort, the controls until "
            f"its event ({plural(self.n_rows_after_last_cohort, 'unit-period')} from then "
            "on dropped)"
        )
        outside = {
            "drop": "dropped",
            "bin": "pooled into the end bins",
            "reference": "kept in the omitted group, counted as untreated",
        }[self.endpoints]
        lines = [
            f"Event study of {self.value!r} around each unit's {self.event!r}, "
            f"{_ESTIMATOR_WORDS[self.estimator]}: Poisson regression with unit and "
            "calendar-period fixed effects"
            + (f" and exposure {self.exposure!r}" if self.exposure else "")
            + ", standard errors clustered by unit.",
            f"Units: {self.n_events:,} with an event in "
            f"{plural(self.n_cohorts, 'cohort')}, {controls}; "
            f"{plural(self.n_obs, 'unit-period')} fitted; "
            f"{plural(self.n_rows_outside_window, 'treated unit-period')} outside the window "
            f"{outside}.",
        ]
        if self.estimator == "extended_twfe":
            lines.append(
                f"Event time in {many} ({plural(self.bin, 'period')} each), 0 to {hi}; "
                "effects are rate ratios relative to the periods before the event."
            )
        else:
            lines.append(
                f"Event time in {many} ({plural(self.bin, 'period')} each), {lo} to {hi}; "
                f"effects are rate ratios relative to {one} -1."
            )
        lines.append(_sentence(self.average_post._text()))
        post = self.effects[(self.effects["role"] == "post") & self.effects["estimate"].notna()]
        if len(post):
            ends = [post.iloc[0], post.iloc[-1]] if len(post) > 1 else [post.iloc[0]]
            lines.append(
                _sentence(
                    "; ".join(
                        f"{one} {int(r.event_time)}: {_ratio_text(r.estimate)} "
                        f"({_ratio_text(r.low)} to {_ratio_text(r.high)})"
                        for r in ends
                    )
                )
            )
        lines.append(self._pretrend_text())
        lines.extend(self._notes_text())
        return wrap_text("\n".join(lines))

    def _pretrend_text(self) -> str:
        one, many = self.bin_singular, self.bin_label
        if self.estimator == "extended_twfe":
            return (
                "No leads are estimated (the periods before the event are the controls), so "
                "there is no pre-trend check: fit estimator='interaction_weighted' for one."
            )
        leads = self.effects[(self.effects["role"] == "lead") & self.effects["estimate"].notna()]
        if self.pretrend_df == 0 or not len(leads):
            return "No leads in the window (it starts at -1), so no pre-trend check."
        span = f"{many} {int(leads['event_time'].min())} to {int(leads['event_time'].max())}"
        if len(leads) == 1:
            span = f"{one} {int(leads['event_time'].iloc[0])}"
        test = (
            f"Wald chi-squared {self.pretrend_chi2:.1f} on {self.pretrend_df} df, "
            f"{_p_text(self.pretrend_p)}"
        )
        values = (
            f"they range from {_ratio_text(leads['estimate'].min())} to "
            f"{_ratio_text(leads['estimate'].max())}"
        )
        if self.pretrend_p >= 0.05:
            return (
                f"Before the event ({span}): the leads are jointly consistent with no change "
                f"({test}); {values}."
            )
        return (
            f"Before the event ({span}): the leads differ from 1 ({test}); {values}. Counts "
            "may already have been moving before the event, so part of the effect after it "
            "may be a trend that is not the event's doing: read it with care."
        )

    def _notes_text(self) -> list[str]:
        lines = []
        if self.n_units_without_counts:
            lines.append(
                f"Dropped: {plural(self.n_units_without_counts, 'unit')} whose counts are "
                "all zero (they carry no information in a Poisson model)."
            )
        if self.n_cells_without_counts:
            lines.append(
                f"Dropped: {plural(self.n_cells_without_counts, 'cohort x bin cell')} with "
                "no counts at all (its effect would be minus infinity)."
            )
        lines.extend(self.notes)
        return lines

    def get_plot_data(self) -> pd.DataFrame:
        """The effects by event time, tidy, with the settings as columns (``estimator``,
        ``bin``, ``bin_label``, ``bin_singular``) for :func:`coprod.charts.effects.plot_event_study`."""
        data = self.effects[
            [
                "event_time",
                "role",
                "estimate",
                "low",
                "high",
                "n_events",
                "n_cohorts",
                "binned_endpoint",
            ]
        ].copy()
        data["estimator"] = self.estimator
        data["bin"] = self.bin
        data["bin_label"] = self.bin_label
        data["bin_singular"] = self.bin_singular
        return keep_source(data, self)


def _bin_weights(cells: pd.DataFrame, first: int, last: int) -> np.ndarray:
    """Weights over the cells for the average of bins ``first`` to ``last``: each cohort x
    bin by its number of units (within one bin: the cohorts' shares)."""
    inside = (cells["event_time"] >= first) & (cells["event_time"] <= last)
    weights = np.where(inside, cells["n_units"].to_numpy(dtype=float), 0.0)
    total = weights.sum()
    return weights / total if total > 0 else weights


def _average_words(cells: pd.DataFrame, first: int, last: int, bins: str) -> str:
    """ "average effect over quarters 0 to 6": the bins that have estimates."""
    times = cells["event_time"]
    times = times[(times >= first) & (times <= last)]
    if not len(times) or times.min() == times.max():
        return f"average effect in {bins[:-1] if bins.endswith('s') else bins} {first}"
    return f"average effect over {bins} {int(times.min())} to {int(times.max())}"


def _combine(cells: pd.DataFrame, vcov: pd.DataFrame, weights: np.ndarray, what: str) -> RateRatio:
    log_estimate = float(weights @ cells["log_estimate"].to_numpy())
    variance = float(weights @ vcov.to_numpy() @ weights)
    return RateRatio.from_log(log_estimate, math.sqrt(max(variance, 0.0)), what)


def _check_window(window: Any) -> tuple[int, int]:
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise ValueError(
            f"window must be (first bin, last bin), e.g. (-8, 12), not {window!r}"
        ) from None
    if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in (lo, hi)):
        raise ValueError(f"window must be two whole numbers of bins, not {window!r}")
    if lo > -1 or hi < 0:
        raise ValueError(
            f"window={window!r} must hold the reference bin -1 and bin 0: "
            "start at -1 or before and end at 0 or after"
        )
    return int(lo), int(hi)


def _bad_rows(panel: pd.DataFrame, bad: np.ndarray, message: str) -> ValueError:
    return ValueError(f"{message} at {_first_rows_text(panel, bad)}")


def event_study(
    panel: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    event: str,
    window: tuple[int, int] = (-8, 12),
    bin: int = 1,
    endpoints: str | None = None,
    estimator: str = "interaction_weighted",
    family: str = "poisson",
    exposure: str | None = None,
) -> EventStudyResult:
    """Effects of an event on a count by time since the event, for many units with
    staggered events (the module docstring says which estimator and why).

    ``panel``: one row per unit x period, with the count ``value``, the period ``time``
    (integers or pandas Periods) and ``event``, the unit's event period (the same for all
    its rows; missing for units never treated). For units with many events, choose one per
    unit first with :func:`first_clean_events` and :func:`join_events`.

    ``bin``: periods per bin of event time (monthly data, ``bin=3``: quarters);
    ``window=(first, last)`` in bins, holding the reference bin -1 and bin 0;
    ``endpoints``: treated periods outside the window are ``"drop"``-ped (the default),
    pooled into the end ``"bin"``-s, or, for ``estimator="naive_twfe"`` only (its
    default), kept as ``"reference"``, in the omitted group. ``estimator``:
    ``"interaction_weighted"`` (Sun and Abraham 2021), ``"extended_twfe"`` (Wooldridge
    2023) or ``"naive_twfe"``. ``family``: ``"poisson"`` (quasi-likelihood, robust to
    overdispersion). ``exposure``: a column of positive sizes (population, all reports)
    whose log is an offset, so effects are on the rate per unit of exposure.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {list(ESTIMATORS)}, not {estimator!r}")
    if family != "poisson":
        raise ValueError(
            f"family must be 'poisson', not {family!r}: Poisson quasi-likelihood with fixed "
            "effects is consistent under overdispersion and its clustered standard errors "
            "assume no variance; negative binomial with unit fixed effects is not consistent"
        )
    if endpoints is None:
        endpoints = "reference" if estimator == "naive_twfe" else "drop"
    if endpoints not in ENDPOINTS:
        raise ValueError(f"endpoints must be one of {list(ENDPOINTS)}, not {endpoints!r}")
    if endpoints == "reference" and estimator != "naive_twfe":
        raise ValueError(
            "endpoints='reference' counts treated periods outside the window as untreated, "
            "which biases every effect; it is offered for estimator='naive_twfe' only, to "
            "show that bias: use 'drop' or 'bin'"
        )
    lo, hi = _check_window(window)
    if isinstance(bin, bool) or not isinstance(bin, int | np.integer) or bin < 1:
        raise ValueError(f"bin must be a whole number of periods, 1 or more, not {bin!r}")
    require_columns(panel, [unit, time, value, event, exposure], what="event_study's panel")
    if not len(panel):
        raise ValueError("event_study's panel has no rows")

    what = "event_study's panel"
    t, freq = _time_numbers(panel[time], name=time, what=what)
    if not np.isfinite(t).all():
        raise _bad_rows(panel, ~np.isfinite(t), f"{time!r} is missing")
    e, event_freq = _time_numbers(panel[event], name=event, what=what)
    if np.isfinite(e).any() and event_freq != freq:
        raise ValueError(f"{event!r} and {time!r} must be the same kind of period")
    y = pd.to_numeric(panel[value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(y) | (y < 0)
    if bad.any():
        raise _bad_rows(panel, bad, f"{value!r} is missing, negative or not a number")
    offset = np.zeros(len(panel))
    if exposure is not None:
        size = pd.to_numeric(panel[exposure], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        bad = ~np.isfinite(size) | (size <= 0)
        if bad.any():
            raise _bad_rows(panel, bad, f"exposure {exposure!r} is missing, zero or negative")
        offset = np.log(size)
    codes, labels = pd.factorize(panel[unit])
    if (codes < 0).any():
        raise _bad_rows(panel, codes < 0, f"{unit!r} is missing")
    twice = pd.DataFrame({"u": codes, "t": t}).duplicated(keep=False).to_numpy()
    if twice.any():
        raise _bad_rows(panel, twice, "a unit has two rows for the same period")
    n_values = pd.Series(e).groupby(codes).nunique(dropna=False)
    mixed = n_values.index[n_values.to_numpy() > 1]
    if len(mixed):
        names = [str(labels[i]) for i in mixed]
        raise ValueError(
            f"{event!r} must be the same in all rows of a unit (its event period, or missing "
            f"if never treated); it differs in {plural(len(names), 'unit')}: "
            f"{join_words(names, limit=6)}"
        )

    work = pd.DataFrame({"u": codes, "t": t, "e": e, "y": y, "offset": offset})
    unit_event = work.groupby("u")["e"].first()
    control = "never treated"
    n_after_last = 0
    if unit_event.notna().all():
        cohorts = np.unique(unit_event.to_numpy())
        if len(cohorts) < 2:
            raise ValueError(
                "every unit has its event in the same period and none is never treated: "
                "there is no control group"
            )
        last_cohort = cohorts.max()
        late = work["t"].to_numpy() >= last_cohort
        n_after_last = int(late.sum())
        work = work.loc[~late]
        work.loc[work["e"] == last_cohort, "e"] = np.nan
        control = "last-treated cohort"

    treated = np.isfinite(work["e"].to_numpy())
    rel = np.where(treated, np.floor((work["t"] - work["e"]).to_numpy() / bin), 0.0)
    outside = treated & ((rel < lo) | (rel > hi))
    n_outside = int(outside.sum())
    binned = np.zeros(len(work), dtype=bool)
    if endpoints == "drop":
        work, rel, treated = work.loc[~outside], rel[~outside], treated[~outside]
    elif endpoints == "bin":
        binned = outside.copy()
        rel = np.where(treated, np.clip(rel, lo, hi), rel)
    work = work.assign(rel=rel, treated=treated)

    totals = work.groupby("u")["y"].sum()
    empty_units = totals.index[totals.to_numpy() == 0]
    work = work.loc[~work["u"].isin(empty_units)]
    notes: list[str] = []

    inside = work["treated"] & (work["rel"] >= lo) & (work["rel"] <= hi)
    if estimator == "extended_twfe":
        dummied = inside & (work["rel"] >= 0)
    else:
        dummied = inside & (work["rel"] != -1)
    pooled = estimator == "naive_twfe"
    if not pooled:
        # a cohort with no undummied rows has dummies collinear with its unit effects
        has_base = work.loc[work["treated"] & ~dummied].groupby("e").size()
        cohorts = work.loc[work["treated"], "e"].unique()
        lacking = [c for c in cohorts if c not in has_base.index]
        if lacking:
            base = "-1" if estimator == "interaction_weighted" else "before the event"
            notes.append(
                f"Dropped: {plural(len(lacking), 'cohort')} with no periods in bin {base} "
                f"to compare with ({join_words([_time_text(c, freq) for c in sorted(lacking)])})."
            )
            work = work.loc[~work["e"].isin(lacking)]
            dummied = dummied.loc[work.index]
    cohort_key = work["e"] if not pooled else pd.Series(np.nan, index=work.index)
    cell_frame = pd.DataFrame({"cohort": cohort_key, "event_time": work["rel"], "y": work["y"]})
    cell_frame = cell_frame.loc[dummied]
    cell_totals = cell_frame.groupby(["cohort", "event_time"], dropna=False)["y"].sum()
    empty_cells = cell_totals.index[cell_totals.to_numpy() == 0]
    n_empty_cells = len(empty_cells)
    if n_empty_cells:
        keys = pd.MultiIndex.from_frame(cell_frame[["cohort", "event_time"]])
        gone = keys.isin(empty_cells)
        drop_index = cell_frame.index[gone]
        work = work.drop(index=drop_index)
        dummied = dummied.drop(index=drop_index)
        cell_frame = cell_frame.drop(index=drop_index)
    if not len(cell_frame):
        raise ValueError(
            "no treated unit-periods in the window to estimate effects from: check "
            f"{event!r}, window={window!r} and bin={bin!r}"
        )

    cell_index = pd.MultiIndex.from_frame(cell_frame[["cohort", "event_time"]])
    cell_keys = cell_index.unique().sort_values()
    cell_code = np.zeros(len(work), dtype=np.int64)
    cell_code[work.index.get_indexer(cell_frame.index)] = cell_keys.get_indexer(cell_index) + 1
    frame = pd.DataFrame(
        {
            "_y": work["y"].to_numpy(),
            "_unit": work["u"].to_numpy(),
            "_time": pd.factorize(work["t"])[0],
            "_cell": cell_code,
            "_offset": work["offset"].to_numpy(),
        }
    )
    fit, fit_notes = _fit_poisson(frame, exposure is not None)
    notes.extend(fit_notes)
    names = list(fit.coef().index)
    fitted = [int(float(n.rsplit("::", 1)[1])) for n in names]
    missing = sorted(set(range(1, len(cell_keys) + 1)) - set(fitted))
    if missing:
        notes.append(
            f"{plural(len(missing), 'cohort x bin effect')} could not be estimated "
            "(collinear with the fixed effects) and are left out of the averages."
        )
    beta = fit.coef().to_numpy(dtype=float)
    vcov_matrix = np.asarray(fit._vcov, dtype=float)  # pyfixest keeps the clustered vcov here
    if fit._N < len(frame):
        notes.append(
            f"pyfixest left out {plural(len(frame) - int(fit._N), 'unit-period')} "
            "(units or periods whose counts are all zero, or single rows)."
        )

    units_per_cell = (
        pd.DataFrame({"code": cell_code, "u": work["u"].to_numpy()})
        .loc[lambda f: f["code"] > 0]
        .groupby("code")["u"]
        .nunique()
    )
    keys = cell_keys[np.array(fitted) - 1]
    cohort_numbers = keys.get_level_values(0).to_numpy(dtype=float)
    cells = pd.DataFrame(
        {
            "cohort": _as_times(cohort_numbers, freq),
            "event_time": keys.get_level_values(1).to_numpy().astype(int),
            "log_estimate": beta,
            "log_se": np.sqrt(np.clip(np.diag(vcov_matrix), 0, None)),
            "n_units": units_per_cell.reindex(fitted).to_numpy().astype(int),
        }
    )
    vcov = pd.DataFrame(vcov_matrix, index=cells.index, columns=cells.index)

    ref_rows = work.loc[work["treated"] & (work["rel"] == -1)]
    first_bin = 0 if estimator == "extended_twfe" else lo
    rows = []
    for b in range(first_bin, hi + 1):
        row: dict[str, Any] = {
            "event_time": b,
            "binned_endpoint": bool(binned.any()) and b in (lo, hi),
        }
        if b == -1:
            row.update(
                role="reference",
                estimate=1.0,
                low=np.nan,
                high=np.nan,
                log_estimate=0.0,
                log_se=np.nan,
                p_value=np.nan,
                n_events=int(ref_rows["u"].nunique()),
                n_cohorts=int(ref_rows["e"].nunique()),
            )
        else:
            at = cells["event_time"].to_numpy() == b
            weights = _bin_weights(cells, b, b)
            role = "lead" if b < -1 else "post"
            if at.any():
                ratio = _combine(cells, vcov, weights, "")
                n_cohorts = 1 if pooled else int(at.sum())
                row.update(
                    role=role,
                    estimate=ratio.estimate,
                    low=ratio.low,
                    high=ratio.high,
                    log_estimate=math.log(ratio.estimate),
                    log_se=ratio.log_se,
                    p_value=ratio.p_value,
                    n_events=int(cells.loc[at, "n_units"].sum()),
                    n_cohorts=n_cohorts,
                )
                if pooled:
                    in_bin = work.loc[dummied & (work["rel"] == b)]
                    row["n_cohorts"] = int(in_bin["e"].nunique())
            else:
                row.update(
                    role=role,
                    estimate=np.nan,
                    low=np.nan,
                    high=np.nan,
                    log_estimate=np.nan,
                    log_se=np.nan,
                    p_value=np.nan,
                    n_events=0,
                    n_cohorts=0,
                )
        rows.append(row)
    effects = pd.DataFrame.from_records(
        rows,
        columns=[
            "event_time",
            "role",
            "estimate",
            "low",
            "high",
            "log_estimate",
            "log_se",
            "p_value",
            "n_events",
            "n_cohorts",
            "binned_endpoint",
        ],
    )

    singular, plural_label = _bin_words(freq, int(bin))
    post_weights = _bin_weights(cells, 0, hi)
    average_post = _combine(cells, vcov, post_weights, _average_words(cells, 0, hi, plural_label))
    chi2_value, df, p_value = _pretrend(cells, vcov, lo, estimator)

    used_units = work["u"].unique()
    treated_units = work.loc[work["treated"], "u"].unique()
    return EventStudyResult(
        effects=effects,
        average_post=average_post,
        pretrend_chi2=chi2_value,
        pretrend_df=df,
        pretrend_p=p_value,
        cells=cells,
        vcov=vcov,
        units=tuple(labels[np.sort(used_units)]),
        n_units=int(len(used_units)),
        n_events=int(len(treated_units)),
        n_never_treated=int(len(used_units) - len(treated_units)),
        n_cohorts=int(work.loc[work["treated"], "e"].nunique()),
        n_obs=int(fit._N),
        n_rows_outside_window=n_outside,
        n_rows_after_last_cohort=n_after_last,
        n_units_without_counts=int(len(empty_units)),
        n_cells_without_counts=int(n_empty_cells),
        unit=unit,
        time=time,
        value=value,
        event=event,
        exposure=exposure,
        window=(lo, hi),
        bin=int(bin),
        bin_label=plural_label,
        endpoints=endpoints,
        estimator=estimator,
        family=family,
        control=control,
        notes=tuple(notes),
        bin_singular=singular,
        source=source_of(panel),
    )


def _fit_poisson(frame: pd.DataFrame, has_offset: bool) -> tuple[Any, list[str]]:
    """pyfixest's Poisson fit with unit and period fixed effects, clustered by unit; the
    warnings it gives about the model (not pandas' deprecations) as notes."""
    import pyfixest as pf

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pf.fepois(
            "_y ~ i(_cell, ref=0) | _unit + _time",
            data=frame,
            vcov={"CRV1": "_unit"},
            offset="_offset" if has_offset else None,
        )
    notes = sorted(
        {
            f"pyfixest: {w.message}"
            for w in caught
            if not issubclass(
                w.category, DeprecationWarning | PendingDeprecationWarning | FutureWarning
            )
        }
    )
    return fit, notes


def _pretrend(
    cells: pd.DataFrame, vcov: pd.DataFrame, lo: int, estimator: str
) -> tuple[float, int, float]:
    """Wald test that the lead bins' effects (lo to -2) are jointly zero on the log scale."""
    if estimator == "extended_twfe":
        return np.nan, 0, np.nan
    leads = [b for b in range(lo, -1) if (cells["event_time"] == b).any()]
    if not leads:
        return np.nan, 0, np.nan
    from scipy.stats import chi2

    weights = np.vstack([_bin_weights(cells, b, b) for b in leads])
    theta = weights @ cells["log_estimate"].to_numpy()
    cov = weights @ vcov.to_numpy() @ weights.T
    statistic = float(theta @ np.linalg.pinv(cov) @ theta)
    df = int(np.linalg.matrix_rank(cov))
    return statistic, df, float(chi2.sf(statistic, df))


def compare_effects(
    first: EventStudyResult,
    second: EventStudyResult,
    *,
    since: int = 0,
    until: int | None = None,
) -> RateRatio:
    """The ratio of two groups' average effects (``first`` over ``second``) over bins
    ``since`` to ``until`` (default: both windows' last bin), with its 95% interval.

    The two studies must be fitted on disjoint sets of units (e.g. councils with a PFI
    contract and councils without, each with its own controls): their estimates are then
    independent, and the variance of the log ratio is the sum of the two variances. A ratio
    of 1 means the event has the same effect in both groups.
    """
    shared = set(first.units) & set(second.units)
    if shared:
        names = [str(u) for u in sorted(shared, key=str)]
        raise ValueError(
            f"the two studies share {plural(len(names), 'unit')} ({join_words(names, limit=5)}): "
            "their estimates are not independent; fit each group on its own units"
        )
    if first.bin != second.bin or first.bin_label != second.bin_label:
        raise ValueError("the two studies bin event time differently: use the same bin=")
    until = min(first.window[1], second.window[1]) if until is None else until
    a = first.average(since, until)
    b = second.average(since, until)
    log_ratio = math.log(a.estimate) - math.log(b.estimate)
    se = math.sqrt(a.log_se**2 + b.log_se**2)
    return RateRatio.from_log(
        log_ratio,
        se,
        f"ratio of the average effects over {first.bin_label} {since} to {until} "
        "(first group / second group)",
    )

"""Funnel plots: many services or councils compared at one point in time.

Why
---
A league table ranks units (services, councils) by a rate or a proportion as if every
difference were real; a small unit's figure swings by chance far more than a large one's.
A funnel plot puts each unit's figure against its denominator, with control limits around
a centre that narrow as the denominator grows (the funnel): a unit outside them differs
by more than chance would make it, whatever its rank. It is one point in time; to see a
unit change over time, chart it with SPC (:mod:`coprod.timeseries.spc`).

What it follows
---------------
D. J. Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
*Statistics in Medicine* 24:1185-1202 (the limits, Appendix A.1.1's interpolation, the
multiplicative over-dispersion factor of section 6), and for the additive random-effects
adjustment his "Handling over-dispersion of performance indicators", *Quality and Safety
in Health Care* 14:347-351 (2005), as the NHS-R package FunnelPlotR
(https://github.com/nhs-r-community/FunnelPlotR, ``R/od_adjustment.R`` and
``R/calculate_limits.R``) and PowerBI-Funnels
(https://github.com/AUS-DOH-Safety-and-Quality/PowerBI-Funnels, ``src/Funnel
Calculations``) compute it: z-scores on a variance-stabilised scale, winsorised, and a
DerSimonian-Laird tau^2.

``kind="proportion"`` (``value`` cases out of ``denominator``, e.g. complaints upheld of
those with an outcome) has y = value / denominator, y ~ Binomial(n, theta0) / n, variance
``theta0 (1 - theta0) / n``; ``kind="rate"`` (``value`` a count, ``denominator`` the
exposure, e.g. residents) has y ~ Poisson(theta0 rho) / rho, variance ``theta0 / rho``.
The centre theta0 is the pooled figure ``sum(value) / sum(denominator)`` unless a
``target`` is given. Limits are drawn at 95% and 99.8% (two-sided: the 2.5%/97.5% and
0.1%/99.9% points, about 2 and 3 standard errors):

* ``method="exact"`` (the default): Spiegelhalter's Appendix A.1.1. ``r_p`` is the
  smallest count r with ``P(Y <= r) >= p`` for Y ~ Binomial(n, theta0) (or Poisson(theta0
  rho)); ``alpha = (P(Y <= r_p) - p) / (P(Y <= r_p) - P(Y <= r_p - 1))``; the limit is
  ``(r_p - alpha) / n`` (or ``/ rho``): a smooth curve between the steps of a discrete
  distribution.
* ``method="normal"``: ``theta0 +/- z_p sqrt(variance)``.

Proportion limits are floored at 0 and capped at 1, rate limits floored at 0.

Over-dispersion (``overdispersion=``), when units differ by more than chance (unmeasured
differences in case mix, recording, ...): each unit's z-score is winsorised at the
``trim`` and ``1 - trim`` quantiles (10% and 90% by default, Spiegelhalter's choice) and
``phi = mean(z_w^2)``. Winsorising keeps a few real outliers from inflating phi, but it
also pulls in the tails of well-behaved z-scores: with normal z-scores and ``trim=0.1``
the estimate is about 0.68 of the true phi (``tests/test_funnel.py`` checks it), so a
modest over-dispersion can go unadjusted; ``trim=0`` estimates phi without that bias.

* ``"multiplicative"`` (Spiegelhalter 2005, section 6): z-scores ``(y - theta0) / sqrt(V)``
  on the original scale; limits ``theta0 +/- z_p sqrt(phi V)``, widened only when phi > 1
  (under-dispersion never narrows them).
* ``"additive"`` (random effects, FunnelPlotR and PowerBI-Funnels): on the scale that
  makes the variance constant, ``g(y) = arcsin(sqrt(y))`` with ``s = 1 / (2 sqrt(n))``
  for proportions, ``g(y) = sqrt(y)`` with ``s = 1 / (2 sqrt(rho))`` for rates
  (Spiegelhalter 2005, Table I), ``z = (g(y) - g(theta0)) / s``; ``tau^2 = (I phi - (I -
  1)) / (sum(w) - sum(w^2) / sum(w))`` with ``w = 1 / s^2`` (0 when ``I phi <= I - 1``);
  limits ``g^-1(g(theta0) +/- z_p sqrt(s^2 + tau^2))``.

Both adjustments rest on the normal approximation (there is no exact version), so they
use ``method="normal"``.

Functions
---------
:func:`funnel` computes (a :class:`FunnelResult`), :func:`funnel_summary` says in words
which units lie outside which limits; the chart is :func:`coprod.charts.funnel.plot_funnel`.
All are pure: they print nothing and keep no state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod._core.text import join_words, plural, wrap_text
from coprod.provenance import keep_source, source_of

if TYPE_CHECKING:
    from coprod.provenance import Source

__all__ = [
    "FLAG_WORDS",
    "FUNNEL_KINDS",
    "FUNNEL_METHODS",
    "LIMIT_LEVELS",
    "OVERDISPERSION_METHODS",
    "FunnelResult",
    "funnel",
    "funnel_summary",
]

FunnelKind = Literal["proportion", "rate"]
FUNNEL_KINDS: tuple[str, ...] = ("proportion", "rate")
FUNNEL_METHODS: tuple[str, ...] = ("exact", "normal")
OVERDISPERSION_METHODS: tuple[str, ...] = ("multiplicative", "additive")

#: The limits drawn, as (column suffix, two-sided coverage, lower tail probability).
LIMIT_LEVELS: tuple[tuple[str, float, float], ...] = (("95", 0.95, 0.025), ("998", 0.998, 0.001))

#: What each value of a unit's ``flag`` means, in words.
FLAG_WORDS = {
    "above_998": "above the 99.8% limit",
    "above_95": "above the 95% limit (within 99.8%)",
    "within": "within the 95% limits",
    "below_95": "below the 95% limit (within 99.8%)",
    "below_998": "below the 99.8% limit",
}

_LIMIT_COLUMNS = ("lower_95", "upper_95", "lower_998", "upper_998")
_CURVE_POINTS = 200
_RESERVED = frozenset(
    {"unit", "count", "denominator", "value", "centre", "z", "winsorised", "flag"}
    | set(_LIMIT_COLUMNS)
    | {"kind", "method", "overdispersion", "multiplier", "phi", "tau2"}
)


@dataclass(frozen=True, eq=False)
class FunnelResult:
    """A funnel (see :func:`funnel`): one row per unit, and the limit curves.

    ``units``: ``[*by], unit`` (the ``by`` values in words; the one ``by`` column when it
    is called ``unit``), ``count`` (the ``value``
    column: cases or events), ``denominator``, ``value`` (count / denominator x
    ``multiplier``: what is plotted), ``centre``, ``lower_95, upper_95, lower_998,
    upper_998`` (the limits at the unit's own denominator, on the same scale), ``z`` (the
    unit's z-score against the centre on the scale the dispersion is estimated on),
    ``winsorised`` (its z-score was pulled in to the trim quantile), ``flag`` (a key of
    :data:`FLAG_WORDS`), then the settings ``kind, method, overdispersion, multiplier,
    phi, tau2`` (the same on every row).

    ``curve``: ``denominator, centre`` and the four limit columns at a smooth run of
    denominators from half the smallest unit's to 1.1 x the largest, every unit's own
    denominator among them: the funnel drawn.

    Settings and estimates are fields too: ``centre`` (on the plotted scale),
    ``target`` (given or None: the centre is then the pooled figure), ``phi`` (the
    dispersion factor, with ``overdispersion`` only), ``tau2`` (additive only).
    """

    units: pd.DataFrame
    curve: pd.DataFrame
    by: tuple[str, ...]
    value: str
    denominator: str
    kind: str
    method: str
    overdispersion: str | None
    centre: float
    target: float | None
    multiplier: float
    phi: float | None
    tau2: float | None
    trim: float
    #: where the data came from (:mod:`coprod.provenance`), for the chart's note
    source: Source | None = None

    def summary(self) -> str:
        """Which units lie outside which limits, in words (:func:`funnel_summary`)."""
        return funnel_summary(self)


def _quantile_limit(p: float, distribution) -> np.ndarray:
    """Spiegelhalter's (2005) Appendix A.1.1 interpolated p-quantile of a discrete count."""
    r = np.asarray(distribution.ppf(p), dtype=float)
    at = distribution.cdf(r)
    below = distribution.cdf(r - 1)
    step = at - below
    alpha = np.divide(at - p, step, out=np.zeros_like(at), where=step > 0)
    return r - alpha


def _limits(
    theta: float,
    denominators: np.ndarray,
    *,
    kind: str,
    method: str,
    overdispersion: str | None,
    phi: float | None,
    tau2: float | None,
) -> dict[str, np.ndarray]:
    """The four limit columns (unscaled) at ``denominators``."""
    from scipy import stats

    d = np.asarray(denominators, dtype=float)
    variance = theta * (1 - theta) / d if kind == "proportion" else theta / d
    out: dict[str, np.ndarray] = {}
    for suffix, _coverage, tail in LIMIT_LEVELS:
        z = float(stats.norm.ppf(1 - tail))
        if method == "exact":
            if kind == "proportion":
                dist = stats.binom(d.astype(int), theta)
            else:
                dist = stats.poisson(theta * d)
            low = _quantile_limit(tail, dist) / d
            high = _quantile_limit(1 - tail, dist) / d
        elif overdispersion == "additive":
            s2 = 1 / (4 * d) + tau2
            if kind == "proportion":
                centre = np.arcsin(np.sqrt(theta))
                low = np.sin(np.clip(centre - z * np.sqrt(s2), 0, np.pi / 2)) ** 2
                high = np.sin(np.clip(centre + z * np.sqrt(s2), 0, np.pi / 2)) ** 2
            else:
                centre = np.sqrt(theta)
                low = np.clip(centre - z * np.sqrt(s2), 0, None) ** 2
                high = (centre + z * np.sqrt(s2)) ** 2
        else:
            scale = max(phi, 1.0) if overdispersion == "multiplicative" else 1.0
            spread = z * np.sqrt(scale * variance)
            low, high = theta - spread, theta + spread
        cap = 1.0 if kind == "proportion" else np.inf
        out[f"lower_{suffix}"] = np.clip(low, 0.0, cap)
        out[f"upper_{suffix}"] = np.clip(high, 0.0, cap)
    return out


def _z_scores(y: np.ndarray, d: np.ndarray, theta: float, kind: str, scale: str) -> np.ndarray:
    """Unit z-scores against theta0: Pearson (original scale) or variance-stabilised."""
    if scale == "stabilised":
        g = np.arcsin(np.sqrt(y)) if kind == "proportion" else np.sqrt(y)
        g0 = np.arcsin(np.sqrt(theta)) if kind == "proportion" else np.sqrt(theta)
        return (g - g0) * 2 * np.sqrt(d)
    variance = theta * (1 - theta) / d if kind == "proportion" else theta / d
    return (y - theta) / np.sqrt(variance)


def _winsorise(z: np.ndarray, trim: float) -> tuple[np.ndarray, np.ndarray]:
    """z pulled in to its ``trim`` and ``1 - trim`` quantiles (R's default quantile, as
    FunnelPlotR), and which were pulled."""
    low, high = np.quantile(z, [trim, 1 - trim])
    clipped = np.clip(z, low, high)
    return clipped, (z < low) | (z > high)


def _tau2(phi: float, d: np.ndarray) -> float:
    """DerSimonian-Laird between-unit variance on the stabilised scale (w = 1 / s^2)."""
    n = len(d)
    if n * phi <= n - 1:
        return 0.0
    w = 4 * d
    return float(max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum())))


def _flag(value: np.ndarray, limits: dict[str, np.ndarray]) -> np.ndarray:
    return np.select(
        [
            value > limits["upper_998"],
            value > limits["upper_95"],
            value < limits["lower_998"],
            value < limits["lower_95"],
        ],
        ["above_998", "above_95", "below_998", "below_95"],
        default="within",
    )


def _curve_denominators(d: np.ndarray, kind: str) -> np.ndarray:
    low = max(d.min() / 2, 1.0) if kind == "proportion" else d.min() / 2
    grid = np.geomspace(low, d.max() * 1.1, _CURVE_POINTS)
    if kind == "proportion":  # a binomial needs whole numbers of trials
        grid = np.round(grid)
    return np.unique(np.concatenate([grid, d]))


def _check_inputs(
    data: pd.DataFrame, value: str, denominator: str, by_cols: list[str], kind: str
) -> pd.DataFrame:
    """The needed columns as floats, with every refusal said in words."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    if not by_cols:
        raise ValueError("by= names the column(s) of the units compared, e.g. by='service'")
    needed = [value, denominator, *by_cols]
    require_columns(data, needed, what="data")
    if len(set(needed)) != len(needed):
        raise ValueError(f"value, denominator and by must be distinct columns: {needed}")
    clash = [c for c in by_cols if c in _RESERVED and by_cols != ["unit"]]
    if clash:
        raise ValueError(f"by columns {clash} clash with output column names; rename them")
    if len(data) == 0:
        raise ValueError("data has no rows")
    frame = data[needed].copy()

    def name(mask: pd.Series) -> str:
        rows = frame.loc[mask, by_cols].astype(str).agg(", ".join, axis=1).tolist()
        return join_words(rows, limit=5)

    missing = frame.isna().any(axis=1)
    if missing.any():
        cols = [c for c in needed if frame[c].isna().any()]
        raise ValueError(
            f"{plural(int(missing.sum()), 'row')} with a missing value (in {join_words(cols)}): "
            f"{name(missing)}; a funnel needs every unit's count and denominator"
        )
    for col in (value, denominator):
        if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            raise ValueError(f"column {col!r} must be numeric, got dtype {frame[col].dtype}")
        frame[col] = frame[col].astype(float)
    twice = frame.duplicated(by_cols, keep=False)
    if twice.any():
        raise ValueError(
            f"units appear more than once: {name(twice & ~frame.duplicated(by_cols))}; a funnel "
            f"has one row per unit (add the rows up per {join_words(by_cols)} first)"
        )
    if (frame[denominator] <= 0).any():
        bad = frame[denominator] <= 0
        raise ValueError(
            f"{denominator!r} must be above zero: {name(bad)} (a unit with nothing to count "
            "has no place on a funnel)"
        )
    if (frame[value] < 0).any():
        raise ValueError(f"{value!r} cannot be negative: {name(frame[value] < 0)}")
    if kind == "proportion":
        over = frame[value] > frame[denominator]
        if over.any():
            raise ValueError(
                f"more cases than their denominator ({value!r} > {denominator!r}): {name(over)}; "
                "a proportion's cases are out of its denominator (for a rate use kind='rate')"
            )
        fractional = (frame[[value, denominator]] % 1 != 0).any(axis=1)
        if fractional.any():
            raise ValueError(
                f"a proportion counts whole cases out of whole numbers: {name(fractional)} "
                f"{'has' if fractional.sum() == 1 else 'have'} fractions (for a rate use "
                "kind='rate')"
            )
    return frame


def funnel(
    data: pd.DataFrame,
    *,
    value: str,
    denominator: str,
    by: str | Sequence[str],
    kind: FunnelKind = "proportion",
    target: float | None = None,
    method: str | None = None,
    overdispersion: str | None = None,
    multiplier: float = 1,
    trim: float = 0.1,
) -> FunnelResult:
    """A funnel plot's numbers: each unit's figure against limits for its denominator.

    Parameters
    ----------
    data
        One row per unit (service, council, ...), at one point in time (e.g. a year).
    value
        The cases (``kind="proportion"``: e.g. complaints upheld) or events (``"rate"``:
        e.g. reports): counts, 0 or more.
    denominator
        What the cases are out of (complaints with an outcome), or the exposure of a rate
        (residents, contacts); above 0. A proportion's cases cannot exceed it.
    by
        The column(s) naming the units; each unit once.
    kind
        ``"proportion"`` (binomial) or ``"rate"`` (Poisson).
    target
        A centre to compare against (on the plotted scale, i.e. x ``multiplier``), in
        place of the pooled figure ``sum(value) / sum(denominator)``.
    method
        ``"exact"`` (binomial or Poisson limits with Spiegelhalter's interpolation; the
        default) or ``"normal"`` (the normal approximation; the default and the only
        choice with ``overdispersion``).
    overdispersion
        None (default), ``"multiplicative"`` (limits widened by sqrt(phi)) or
        ``"additive"`` (random effects, tau^2): see the module's notes.
    multiplier
        Scale of the plotted figure: 100 for per cent, 1000 for a rate per 1,000.
    trim
        The share winsorised at each end before phi is estimated (0.1: 10%).

    Returns
    -------
    FunnelResult
        ``units`` (one row per unit, with its limits and ``flag``) and ``curve`` (the
        limits along a run of denominators), with the settings.
    """
    if kind not in FUNNEL_KINDS:
        raise ValueError(f"kind must be one of {list(FUNNEL_KINDS)}, not {kind!r}")
    if overdispersion is not None and overdispersion not in OVERDISPERSION_METHODS:
        raise ValueError(
            f"overdispersion must be None or one of {list(OVERDISPERSION_METHODS)}, "
            f"not {overdispersion!r}"
        )
    if method is None:
        method = "normal" if overdispersion else "exact"
    if method not in FUNNEL_METHODS:
        raise ValueError(f"method must be one of {list(FUNNEL_METHODS)}, not {method!r}")
    if overdispersion and method == "exact":
        raise ValueError(
            "over-dispersion adjustments rest on the normal approximation (Spiegelhalter "
            "gives no exact version): leave method= out or pass method='normal'"
        )
    if isinstance(multiplier, bool) or not np.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"multiplier must be a number above 0, not {multiplier!r}")
    if not 0 <= trim < 0.5:
        raise ValueError(f"trim must be at least 0 and below 0.5, not {trim!r}")
    by_cols = by_list(by)
    frame = _check_inputs(data, value, denominator, by_cols, kind)
    counts = frame[value].to_numpy()
    d = frame[denominator].to_numpy()
    if overdispersion and len(frame) < 3:
        raise ValueError(
            f"over-dispersion is estimated from the units' spread: {plural(len(frame), 'unit')} "
            "is too few (3 or more)"
        )

    if target is None:
        theta = counts.sum() / d.sum()
    else:
        theta = float(target) / multiplier
    if kind == "proportion" and not 0 < theta < 1:
        where = "the target" if target is not None else "the pooled proportion"
        raise ValueError(
            f"{where} must lie strictly between 0 and {multiplier:g}: no funnel opens around "
            f"{theta * multiplier:g}"
        )
    if kind == "rate" and not theta > 0:
        where = "the target" if target is not None else "the pooled rate (no events at all)"
        raise ValueError(f"{where} must be above 0: no funnel opens around a rate of 0")

    y = counts / d
    phi = tau2 = None
    z = _z_scores(y, d, theta, kind, "stabilised" if overdispersion == "additive" else "pearson")
    winsorised = np.zeros(len(z), dtype=bool)
    if overdispersion:
        z_w, winsorised = _winsorise(z, trim)
        phi = float(np.mean(z_w**2))
        if overdispersion == "additive":
            tau2 = _tau2(phi, d)
    settings = {"kind": kind, "method": method, "overdispersion": overdispersion}
    options = {**settings, "phi": phi, "tau2": tau2}

    limits = _limits(theta, d, **options)
    units = frame[by_cols].reset_index(drop=True)
    if by_cols != ["unit"]:  # a by column named "unit" is the units' names already
        units["unit"] = frame[by_cols].astype(str).agg(", ".join, axis=1).to_numpy()
    units["count"] = counts
    units["denominator"] = d
    units["value"] = y * multiplier
    units["centre"] = theta * multiplier
    for col in _LIMIT_COLUMNS:
        units[col] = limits[col] * multiplier
    units["z"] = z
    units["winsorised"] = winsorised
    units["flag"] = _flag(y, limits)
    units = units.assign(**settings, multiplier=float(multiplier), phi=phi, tau2=tau2)

    grid = _curve_denominators(d, kind)
    along = _limits(theta, grid, **options)
    curve = pd.DataFrame({"denominator": grid, "centre": theta * multiplier})
    for col in _LIMIT_COLUMNS:
        curve[col] = along[col] * multiplier
    curve = curve.assign(**settings, multiplier=float(multiplier))

    return FunnelResult(
        units=keep_source(units, data),
        curve=keep_source(curve, data),
        by=tuple(by_cols),
        value=value,
        denominator=denominator,
        kind=kind,
        method=method,
        overdispersion=overdispersion,
        centre=float(theta * multiplier),
        target=None if target is None else float(target),
        multiplier=float(multiplier),
        phi=phi,
        tau2=tau2,
        trim=float(trim),
        source=source_of(data),
    )


def _figure(result: FunnelResult, x: float) -> str:
    """A plotted figure as people read it: a per cent for proportions."""
    if result.kind == "proportion":
        share = x / result.multiplier
        return f"{share:.1%}"
    per = "" if result.multiplier == 1 else f" per {result.multiplier:,g}"
    return f"{x:,.3g}{per}"


_METHOD_WORDS = {
    ("proportion", "exact"): "exact binomial limits",
    ("rate", "exact"): "exact Poisson limits",
    ("proportion", "normal"): "normal-approximation limits",
    ("rate", "normal"): "normal-approximation limits",
}


def funnel_summary(result: FunnelResult) -> str:
    """Which units lie outside which limits, in words, and what a funnel cannot say."""
    units = result.units
    what = f"{result.value} out of {result.denominator}"
    if result.kind == "rate":
        what = f"{result.value} per {result.denominator}"
    centre = "the target" if result.target is not None else f"the pooled {result.kind}"
    lines = [
        f"Funnel of {what}: {plural(len(units), 'unit')} against {centre} "
        f"{_figure(result, result.centre)} ({_METHOD_WORDS[result.kind, result.method]}).",
    ]
    if result.overdispersion == "multiplicative":
        widened = "widened by its square root" if result.phi > 1 else "not widened (phi <= 1)"
        lines.append(
            f"Over-dispersion: phi = {result.phi:.2f} from z-scores winsorised at "
            f"{result.trim:.0%} each end; limits {widened}."
        )
    elif result.overdispersion == "additive":
        added = (
            f"between-unit variance tau^2 = {result.tau2:.3g} added to each unit's (random effects)"
            if result.tau2 > 0
            else "no between-unit variance to add, so the limits are not widened"
        )
        lines.append(
            f"Over-dispersion: phi = {result.phi:.2f} from z-scores winsorised at "
            f"{result.trim:.0%} each end; {added}."
        )
    for flag in ("above_998", "above_95", "below_95", "below_998"):
        rows = units[units["flag"] == flag]
        if rows.empty:
            continue
        named = [
            f"{r.unit} ({_figure(result, r.value)} of {r.denominator:,.0f})"
            for r in rows.itertuples()
        ]
        lines.append(f"{FLAG_WORDS[flag].capitalize()}: {join_words(named, limit=12)}.")
    inside = int((units["flag"] == "within").sum())
    if inside == len(units):
        lines.append("Every unit lies within the 95% limits: no unit differs beyond chance.")
    else:
        lines.append(f"Within the 95% limits: {plural(inside, 'unit')}.")
    expected = 0.05 * len(units)
    lines.append(
        f"By chance alone about 1 unit in 20 lies outside the 95% limits ({expected:.1f} of "
        f"{len(units)} here) and 1 in 500 outside the 99.8% limits."
    )
    lines.append(
        "A funnel compares units at one point in time; to see a unit change over time, chart "
        "it with SPC (coprod.timeseries.spc)."
    )
    return wrap_text("\n".join(lines))

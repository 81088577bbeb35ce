"""Interrupted time series for one series: did the level or trend change at a date?

:func:`interrupted_time_series` fits a segmented regression to one monthly series of
counts (one council, one outcome), or of rates with ``exposure=`` (a column used as a log
offset)::

    log E[count_t] = log exposure_t + b0 + b1 * years_t + b2 * after_t
                     + b3 * after_t * years_t + seasonal terms

where ``years_t`` is time in years from the change and ``after_t`` is 1 from the change
month on. ``exp(b2)`` is the **level** ratio (the rate in the first month after the change
over the rate the trend before predicts for it) and ``exp(b3)`` the **slope** ratio (how
much faster, as a ratio *per year*, the rate grows after the change than before). Both
come with 95% intervals in :attr:`ITSResult.effects`.

Choices, and why (the numbers are from ``benchmarks/bench_its_coverage.py``, which
prints them again):

* **Seasonality**: two harmonics (``cos``/``sin`` of the month at periods of 12 and
  6 months: 4 terms) by default, not 11 month dummies. On 192 FixMyStreet series
  (councils with 20 or more reports a month, 2012-2019) the 7 further terms that make up
  month dummies were significant (quasi-F test, p < 0.05) in 3% of series, what chance
  alone gives; they cost 7 degrees of freedom, which short series cannot spare (with 12
  months on each side of the change, month dummies leave the fit nearly singular).
  ``seasonality=6`` gives the month-dummy fit, ``seasonality=False`` none.
* **Estimates**: Poisson (quasi-)likelihood by default, which stays consistent whatever
  the variance is; ``family="negative_binomial"`` (NB2, dispersion estimated) weights
  months differently and is more efficient when counts are overdispersed. Both are
  statsmodels fits.
* **Intervals** (``errors="ar1"``, the default): the model of Zeger (1988, "A regression
  model for time series of counts", *Biometrika* 75, 621-629) for the variance of the
  estimates: a latent multiplicative noise on the rate with variance ``sigma2`` and lag-k
  correlation ``rho ** k``, so ``Var(y_t) = mu_t + sigma2 * mu_t ** 2`` (overdispersion)
  and ``Cov(y_t, y_s) = sigma2 * mu_t * mu_s * rho ** |t - s|`` (autocorrelation).
  Two small-sample corrections, both needed by simulation:

  - ``sigma2`` and ``rho`` are found by matching the residuals' autocovariances at lags
    0-3 to what they would be *after fitting* (a fit leaves residuals smaller and less
    correlated than the errors; uncorrected, the intervals are too narrow);
  - the intervals use the t distribution with Satterthwaite degrees of freedom: the
    uncertainty of ``sigma2`` and ``rho`` carried to the variance of each estimate (delta
    method), at least :data:`MIN_INTERVAL_DF`. With the residual degrees of freedom
    instead, autocorrelated series gave 91% coverage, though the standard errors were
    right on average: their spread is what the t distribution must allow for.

  Real FixMyStreet series have residual lag-1 correlation around 0.5 and variance about
  6 times the Poisson variance (medians over the 192 series). In simulated series like
  that (96 months, change in the middle; 500 runs each) these intervals held the truth in
  94-95% of runs, against 80-84% for Newey-West intervals (``errors="hac"``:
  statsmodels' HAC covariance, Newey-West (1994) lag rule ``floor(4 (T / 100) ** (2 /
  9))``, small-sample correction, t with the residual degrees of freedom), and in 94%
  with strong autocorrelation (latent lag-1 correlation 0.8; Newey-West 72%). For
  Poisson or overdispersed counts without autocorrelation they are a little
  conservative, 96-97% (Newey-West 90-92%), and more so in short series (24 months on
  each side: 98-99%): the price of not assuming the months independent.
  :func:`placebo_check` shows, on the series at hand, how often an "effect" appears where
  there was no change.
* **Length**: at least :data:`MIN_MONTHS_EACH_SIDE` (12) months on each side of the
  change, so the level change is never confused with the season, and at least 12
  residual degrees of freedom.

:func:`placebo_check` fits the same model at dates with no change (by default every
month of the period before the change that leaves 12 months on each side, using only the
data before the change) and reports how many of those intervals exclude 1.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import plural, row_numbers, rows_text, wrap_text
from coprod.provenance import Source, keep_source, source_of

__all__ = [
    "ERRORS",
    "FAMILIES",
    "ITSResult",
    "MIN_MONTHS_EACH_SIDE",
    "PlaceboResult",
    "interrupted_time_series",
    "month_start",
    "placebo_check",
]

#: Accepted ``family=`` values.
FAMILIES: tuple[str, ...] = ("poisson", "negative_binomial")
#: Accepted ``errors=`` values: ``"ar1"`` (Zeger's latent AR(1) model, the default) or
#: ``"hac"`` (Newey-West, statsmodels).
ERRORS: tuple[str, ...] = ("ar1", "hac")
#: Fewest months the model needs on each side of the change (a full seasonal cycle).
MIN_MONTHS_EACH_SIDE = 12
#: Fewest residual degrees of freedom (months minus coefficients).
MIN_RESIDUAL_DF = 12
#: Fewest degrees of freedom of the t distribution the intervals use (errors="ar1"). Fewer
#: came from a tiny latent variance whose correlation the data cannot pin down, not from
#: real uncertainty; with this floor coverage was unchanged and the intervals narrower.
MIN_INTERVAL_DF = 6
#: Harmonics used for ``seasonality=True``.
DEFAULT_HARMONICS = 2
_LEVEL = 0.95
_MOMENT_LAGS = 3  # residual autocovariances matched by the ar1 errors
_RHO_GRID = np.linspace(0.0, 0.95, 191)  # latent lag-1 correlations searched
# Columns of the design, in order (the seasonal terms follow).
_COEFS = ("intercept", "trend", "level", "slope")


# ----------------------------------------------------------------------- the series


@dataclass(frozen=True, eq=False)
class _Series:
    """One regular monthly series, checked: month starts, counts, exposure (or None)."""

    months: pd.DatetimeIndex
    counts: np.ndarray
    exposure: np.ndarray | None

    def __len__(self) -> int:
        return len(self.months)

    def head(self, n: int) -> _Series:
        exposure = None if self.exposure is None else self.exposure[:n]
        return _Series(self.months[:n], self.counts[:n], exposure)


def month_start(value: Any, *, what: str = "date") -> pd.Timestamp:
    """A date argument (a date, a monthly Period, or text such as ``'2014-05'`` or
    ``'2014-05-01'``, read by :mod:`coprod.io.dates`) as the first day of its month."""
    if isinstance(value, str):
        return _text_month_start(value.strip(), what)
    from coprod.io.dates import parse_date

    return _to_month(parse_date(value, what=what))


@functools.lru_cache(maxsize=256)
def _text_month_start(value: str, what: str) -> pd.Timestamp:
    """:func:`month_start` of text, remembered (the same few dates are read again and again,
    e.g. by a generator's ``start=``)."""
    parsed = _parse_month_texts([value])
    if len(parsed.bad):
        raise ValueError(f"{what} {value!r} is not a date: write it like '2014-05' or '2014-05-01'")
    return _to_month(pd.Timestamp(int(parsed.ns[0])))


def _parse_month_texts(values: Any, **options: Any) -> Any:
    """Dates as text read by :func:`coprod.io.dates.parse_dates`; when some are not dates,
    read again as year-month (``'2014-05'``, the form monthly tables use). When the second
    reading fails too, the first is returned: its reasons name the values as dates."""
    from coprod.io.dates import parse_dates

    parsed = parse_dates(values, allow_missing=False, **options)
    if len(parsed.bad):
        retry = parse_dates(values, date_formats=["%Y-%m"], allow_missing=False, **options)
        if not len(retry.bad):
            return retry
    return parsed


def _to_month(stamp: pd.Timestamp) -> pd.Timestamp:
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return pd.Timestamp(np.datetime64(stamp.to_datetime64(), "M"))


def _as_months(column: pd.Series, name: str) -> pd.Series:
    """A date column (datetimes, monthly Periods, or text read by :mod:`coprod.io.dates`)
    as the first day of each value's month."""
    from coprod.io.result import InputError

    if isinstance(column.dtype, pd.PeriodDtype):
        freq = column.dtype.freq.freqstr
        if freq not in ("M", "ME"):
            raise InputError(
                f"holds periods of {freq!r}, not months",
                column=name,
                fix="give one row per month (monthly Periods, month-start dates or '2014-05')",
            )
        stamps = column.dt.to_timestamp()
    elif pd.api.types.is_datetime64_any_dtype(column.dtype):
        stamps = column
        if getattr(stamps.dtype, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
    else:
        parsed = _parse_month_texts(column, column=name)
        if len(parsed.bad):
            raise InputError(
                f"has values that are not dates, e.g. {parsed.reasons[0]}",
                column=name,
                fix="give datetimes, monthly Periods or dates as text ('2014-05-01' or '2014-05')",
            )
        stamps = parsed.values
    if stamps.isna().any():
        rows, numbered = row_numbers(column.index, np.flatnonzero(stamps.isna().to_numpy()))
        raise InputError(
            f"has missing dates at {rows_text(rows)} ({numbered})",
            column=name,
            fix="fill or drop those rows",
        )
    months = stamps.to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    return pd.Series(months, index=column.index, name=name)


def _fill_fix(data: pd.DataFrame, date: str, value: str) -> str:
    """How to add the absent months as zeros, in the words of the user's frame (a text
    column with one value, such as the council's name, as the key; else one added)."""
    keys = [
        c
        for c in data.columns
        if c not in (date, value)
        and not pd.api.types.is_numeric_dtype(data[c].dtype)
        and not pd.api.types.is_bool_dtype(data[c].dtype)
        and data[c].nunique(dropna=False) == 1
    ]
    frame = "data" if keys else 'data.assign(series="all")'
    by = repr(keys[0]) if keys else '"series"'
    return (
        "if an absent month means nothing was counted (as in FixMyStreet's files), add them "
        f"as zeros with coprod.timeseries.fill_zero_counts({frame}, by={by}, period={date!r}, "
        f"value={value!r}); if they are unknown, the series cannot be used as it is"
    )


def _series(
    data: pd.DataFrame, *, date: str, value: str, exposure: str | None, what: str
) -> _Series:
    """Check ``data`` is one regular monthly series and return it sorted by month."""
    from coprod.io.result import InputError

    require_columns(data, [date, value, exposure], what=what)
    if len(data) == 0:
        raise InputError(f"{what} has no rows", fix="give one row per month")
    months = _as_months(data[date], date)
    dup = months.duplicated(keep=False).to_numpy()
    if dup.any():
        rows, numbered = row_numbers(data.index, np.flatnonzero(dup))
        first = months[dup].iloc[0]
        raise InputError(
            f"has {plural(int(dup.sum()), 'row')} sharing a month with another row "
            f"(e.g. {first:%Y-%m}) at {rows_text(rows)} ({numbered}); the model takes one "
            "series: one row per month",
            column=date,
            fix="add the rows of a month up (groupby the month and sum) or keep one "
            "council and one outcome",
        )
    order = np.argsort(months.to_numpy(), kind="stable")
    months_sorted = pd.DatetimeIndex(months.to_numpy()[order])
    numbers = months_sorted.year.to_numpy() * 12 + months_sorted.month.to_numpy()
    if (np.diff(numbers) != 1).any():
        present = set(numbers.tolist())
        absent = [m for m in range(numbers[0], numbers[-1] + 1) if m not in present]
        shown = rows_text([f"{(m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in absent])
        raise InputError(
            f"is not a regular monthly series: {plural(len(absent), 'month')} between "
            f"{months_sorted[0]:%Y-%m} and {months_sorted[-1]:%Y-%m} "
            f"{'has' if len(absent) == 1 else 'have'} no row ({shown})",
            column=date,
            fix=_fill_fix(data, date, value),
        )
    counts = _numbers(data[value], value, whole=True)[order]
    exp = None
    if exposure is not None:
        exp = _numbers(data[exposure], exposure, whole=False)
        if (exp <= 0).any():
            rows, numbered = row_numbers(data.index, np.flatnonzero(exp <= 0))
            raise InputError(
                f"has exposure 0 or below at {rows_text(rows)} ({numbered}); a rate needs "
                "a positive denominator",
                column=exposure,
                fix="drop or correct those months, or leave exposure=None to model counts",
            )
        exp = exp[order]
    return _Series(months_sorted, counts, exp)


def _numbers(column: pd.Series, name: str, *, whole: bool) -> np.ndarray:
    from coprod.io.result import InputError

    if pd.api.types.is_bool_dtype(column.dtype) or not pd.api.types.is_numeric_dtype(column.dtype):
        raise InputError(
            f"holds {column.dtype} values, not numbers",
            column=name,
            fix="give counts as numbers (e.g. read_report_counts(...).data)",
        )
    values = column.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if whole:
        bad |= (values < 0) | (values != np.round(values))
    if bad.any():
        rows, numbered = row_numbers(column.index, np.flatnonzero(bad))
        kind = "missing, negative or fractional counts" if whole else "missing values"
        raise InputError(
            f"has {kind} at {rows_text(rows)} ({numbered})",
            column=name,
            fix="correct those months; a month with nothing counted is 0, not blank",
        )
    return values


def _change_index(months: pd.DatetimeIndex, change: pd.Timestamp, what: str) -> int:
    """Position of the first month after the change, checked for enough months each side."""
    from coprod.io.result import InputError

    need = MIN_MONTHS_EACH_SIDE
    before = int(np.searchsorted(months.to_numpy(), change.to_datetime64()))
    after = len(months) - before
    if before < need or after < need:
        first = months[0] + pd.DateOffset(months=need)
        last = months[-1] - pd.DateOffset(months=need - 1)
        where = (
            f"choose a {what} from {first:%Y-%m} to {last:%Y-%m}, or use a longer series"
            if first <= last
            else f"the series has {plural(len(months), 'month')}: use one of at least "
            f"{2 * need} months"
        )
        raise InputError(
            f"{what} {change:%Y-%m} leaves {plural(before, 'month')} before it and "
            f"{after} from it on ({months[0]:%Y-%m} to {months[-1]:%Y-%m}); the model needs "
            f"at least {need} on each side (a full year, so that a change in level is not "
            "confused with the season)",
            fix=where,
        )
    return before


def _harmonics(seasonality: bool | int) -> int:
    if seasonality is True:
        return DEFAULT_HARMONICS
    if seasonality is False or seasonality is None:
        return 0
    if isinstance(seasonality, int | np.integer) and 1 <= int(seasonality) <= 6:
        return int(seasonality)
    raise ValueError(
        "seasonality must be True (two harmonics), False (none) or a number of harmonics "
        f"from 1 to 6 (6 is the same fit as month dummies), not {seasonality!r}"
    )


def _design(months: pd.DatetimeIndex, change_index: int, harmonics: int) -> np.ndarray:
    """Columns: intercept, years from the change, after (0/1), years after the change,
    then cos/sin of each harmonic of the calendar month (sin of the 6th is always 0)."""
    n = len(months)
    years = (np.arange(n) - change_index) / 12.0
    after = (np.arange(n) >= change_index).astype(float)
    columns = [np.ones(n), years, after, after * years]
    angle = 2 * np.pi * (months.month.to_numpy() - 1) / 12.0
    for h in range(1, harmonics + 1):
        columns.append(np.cos(h * angle))
        if h < 6:
            columns.append(np.sin(h * angle))
    return np.column_stack(columns)


# ----------------------------------------------------------------------- the fit


@dataclass(frozen=True, eq=False)
class _Fit:
    params: np.ndarray
    cov: np.ndarray
    df_resid: int
    alpha: float | None
    latent_correlation: float | None
    latent_variance: float | None
    maxlags: int | None
    mean_count: float
    df: dict[int, float]  # t degrees of freedom of each coefficient's interval

    def interval(self, name: str) -> tuple[float, float, float]:
        """The rate ratio of coefficient ``name`` with its 95% interval."""
        i = _COEFS.index(name)
        b, se = self.params[i], float(np.sqrt(self.cov[i, i]))
        q = _quantile(self.df[i])
        return float(np.exp(b)), float(np.exp(b - q * se)), float(np.exp(b + q * se))

    @property
    def overdispersion(self) -> float | None:
        """Variance of the counts over the Poisson variance, at the mean count."""
        if self.latent_variance is None:
            return None
        return 1.0 + self.latent_variance * self.mean_count

    @property
    def autocorrelation(self) -> float | None:
        """Lag-1 correlation of the counts around the fit, at the mean count."""
        if self.latent_variance is None or self.latent_correlation is None:
            return None
        extra = self.latent_variance * self.mean_count
        return extra * self.latent_correlation / (1.0 + extra)


def _fit(
    y: np.ndarray,
    X: np.ndarray,
    offset: np.ndarray | None,
    *,
    family: str,
    errors: str,
    maxlags: int | None,
) -> _Fit:
    import warnings

    import statsmodels.api as sm

    n, p = X.shape
    df_resid = n - p
    cov_kwds = {}
    if errors == "hac":
        lags = int(np.floor(4 * (n / 100) ** (2 / 9))) if maxlags is None else int(maxlags)
        cov_kwds = {"cov_type": "HAC", "cov_kwds": {"maxlags": lags, "use_correction": True}}
    else:
        lags = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and domain chatter; checked below
        poisson = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(
            **cov_kwds, use_t=True
        )
    if not np.all(np.isfinite(poisson.params)):
        raise ValueError("the Poisson fit did not converge (are all counts 0?)")
    if family == "poisson":
        params, mu, weights, alpha = poisson.params, poisson.mu, np.ones(n), None
        hac_cov = poisson.cov_params() if errors == "hac" else None
    else:
        from statsmodels.discrete.discrete_model import NegativeBinomial

        resid = y - poisson.mu
        if np.sum(resid**2 - y) <= 0:
            # no more variable than Poisson counts: the NB2 likelihood is largest at
            # alpha = 0, where it is the Poisson likelihood (Newton fails at that bound)
            nb_params = np.append(poisson.params, 0.0)
            hac_nb = poisson.cov_params() if errors == "hac" else None
        else:
            model = NegativeBinomial(y, X, offset=offset, loglike_method="nb2")
            nb = None
            for method in ("newton", "bfgs"):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    trial = model.fit(
                        start_params=np.append(poisson.params, 0.1),
                        method=method,
                        maxiter=200,
                        disp=0,
                        **cov_kwds,
                    )
                ok = trial.mle_retvals.get("converged", False)
                if ok and np.all(np.isfinite(trial.params)):
                    nb = trial
                    break
            if nb is None:
                raise ValueError(
                    "the negative binomial fit did not converge; use family='poisson' (its "
                    "intervals allow for overdispersion too)"
                )
            nb_params = np.asarray(nb.params)
            hac_nb = np.asarray(nb.cov_params())[:p, :p] if errors == "hac" else None
        params = nb_params[:p]
        alpha = max(float(nb_params[p]), 0.0)
        mu = np.exp(X @ params + (0.0 if offset is None else offset))
        weights = 1.0 / (1.0 + alpha * mu)
        hac_cov = hac_nb
    mean_count = float(np.mean(mu))
    coefs = [_COEFS.index("trend"), _COEFS.index("level"), _COEFS.index("slope")]
    if errors == "hac":
        df = dict.fromkeys(coefs, float(df_resid))
        cov = np.asarray(hac_cov)
        return _Fit(np.asarray(params), cov, df_resid, alpha, None, None, lags, mean_count, df)
    ar1 = _ar1_covariance(y, X, mu, weights, coefs)
    return _Fit(
        np.asarray(params), ar1.cov, df_resid, alpha, ar1.rho, ar1.sigma2, None, mean_count, ar1.df
    )


@dataclass(frozen=True, eq=False)
class _Ar1:
    cov: np.ndarray
    rho: float
    sigma2: float
    df: dict[int, float]  # t degrees of freedom per coefficient (level, slope)


def _ar1_covariance(
    y: np.ndarray, X: np.ndarray, mu: np.ndarray, weights: np.ndarray, coefs: Sequence[int]
) -> _Ar1:
    """Covariance of the estimates under Zeger's (1988) latent AR(1) model, the latent
    variance ``sigma2`` and lag-1 correlation ``rho`` matched to the residuals after the
    fit, and Satterthwaite degrees of freedom for the coefficients ``coefs``.

    The estimating equations are ``X' W (y - mu) = 0`` (W = 1 for Poisson, 1 / (1 +
    alpha mu) for NB2), so ``b - beta ~ B^-1 X' W (y - mu)`` with ``B = X' W D X`` (D =
    diag mu) and the residuals ``e ~ M (y - mu)`` with ``M = I - U V'``, ``U = D X``,
    ``V = W X B^-1``. With ``Var(y) = S = D + sigma2 (mu mu' o rho^|t-s|)``, the expected
    lag-k residual autocovariance ``E[sum_t e_t e_t+k] = tr(M' S_k M S)`` is linear in
    sigma2 for a given rho: each rho on a grid gets its least-squares sigma2 (>= 0), and
    the pair that fits lags 0 to 3 best is kept.

    The variance of a coefficient, ``V(sigma2, rho)``, is then uncertain because sigma2
    and rho are: their covariance by Gauss-Newton from the covariance of the residual
    autocovariances (Gaussian approximation, ``Cov(c_j, c_k) = 2 tr(S_j P S_k P)``, ``P
    = M S M'``), carried to ``V`` by the delta method, gives ``df = 2 V^2 / Var(V)``
    (Satterthwaite), kept between :data:`MIN_INTERVAL_DF` and the residual degrees of
    freedom. Products are low rank (``p`` columns) and written with ``einsum``, which
    stays fast when the cores are busy (OpenBLAS threads on an n x n product do not).
    """
    n, p = X.shape
    wx = X * weights[:, None]
    bread_inv = np.linalg.inv(np.einsum("ti,tj->ij", X, wx * mu[:, None]))
    u = mu[:, None] * X
    v = np.einsum("ti,ij->tj", wx, bread_inv)
    resid = y - mu
    lags = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    steps = np.arange(n)
    mu_outer = np.outer(mu, mu)
    n_lags = _MOMENT_LAGS + 1
    observed = np.empty(n_lags)
    poisson_part = np.empty(n_lags)
    by_lag = np.empty((n_lags, n))
    for k in range(n_lags):
        observed[k] = resid[k:] @ resid[: n - k]
        ahead = np.zeros_like(u)  # S_k U: row t is U[t + k]
        ahead[: n - k] = u[k:]
        behind = np.zeros_like(u)  # S_k' U: row t is U[t - k]
        behind[k:] = u[: n - k]
        inner = np.einsum("ti,tj->ij", u, ahead)  # U' S_k U
        a = np.einsum("si,ti->st", -v, behind) - np.einsum("si,ti->st", ahead, v)
        a += np.einsum("si,ti->st", np.einsum("si,ij->sj", v, inner), v)
        a[np.arange(n - k), np.arange(k, n)] += 1.0  # S_k
        a = (a + a.T) / 2
        poisson_part[k] = np.diag(a) @ mu
        by_lag[k] = np.bincount(lags.ravel(), weights=(a * mu_outer).ravel(), minlength=n)
    latent = by_lag @ (_RHO_GRID[None, :] ** steps[:, None])  # lags x grid
    target = observed - poisson_part
    sigma2 = np.maximum((target @ latent) / np.maximum((latent * latent).sum(0), 1e-300), 0.0)
    rss = ((target[:, None] - latent * sigma2) ** 2).sum(0)
    best = int(np.argmin(rss))
    rho, s2 = float(_RHO_GRID[best]), float(sigma2[best])
    if s2 == 0.0:
        rho = 0.0
    corr = rho**lags
    mwx = wx * mu[:, None]
    meat = np.einsum("ti,tj->ij", wx, mwx)
    meat += s2 * np.einsum("si,sj->ij", mwx, np.einsum("st,tj->sj", corr, mwx))
    cov = bread_inv @ meat @ bread_inv
    df_max = float(n - p)
    if s2 == 0.0:  # nothing beyond Poisson variation was estimated
        return _Ar1(cov, rho, s2, {j: df_max for j in coefs})

    # Gauss-Newton covariance of (sigma2, rho) from that of the autocovariances
    powers = rho**steps
    d_powers = steps * rho ** np.maximum(steps - 1, 0)
    jac = np.column_stack([by_lag @ powers, s2 * (by_lag @ d_powers)])
    sigma = np.diag(mu) + s2 * mu_outer * corr
    sv = np.einsum("st,tj->sj", sigma, v)
    vsv = np.einsum("si,sj->ij", v, sv)
    resid_cov = sigma - np.einsum("si,ti->st", u, sv) - np.einsum("si,ti->st", sv, u)
    resid_cov += np.einsum("si,ti->st", np.einsum("si,ij->sj", u, vsv), u)
    shifted = []
    for k in range(n_lags):  # (S_k + S_k') / 2 times the residual covariance
        m = np.zeros_like(resid_cov)
        m[: n - k] += resid_cov[k:] / 2
        m[k:] += resid_cov[: n - k] / 2
        shifted.append(m)
    c_cov = np.array([[2 * np.sum(a * b.T) for b in shifted] for a in shifted])
    try:
        jtj_inv = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        return _Ar1(cov, rho, s2, {j: df_max for j in coefs})
    theta_cov = jtj_inv @ jac.T @ c_cov @ jac @ jtj_inv
    df = {}
    for j in coefs:
        zm = (wx @ bread_inv[:, j]) * mu
        q = np.bincount(lags.ravel(), weights=np.outer(zm, zm).ravel(), minlength=n)
        grad = np.array([q @ powers, s2 * (q @ d_powers)])
        var_v = float(grad @ theta_cov @ grad)
        dfj = 2 * cov[j, j] ** 2 / var_v if var_v > 0 else df_max
        df[j] = float(np.clip(dfj, min(MIN_INTERVAL_DF, df_max), df_max))
    return _Ar1(cov, rho, s2, df)


def _quantile(df: float) -> float:
    """The t quantile for a two-sided 95% interval with ``df`` degrees of freedom."""
    from scipy.special import stdtrit  # what scipy.stats.t.ppf computes, without its overhead

    return float(stdtrit(df, 0.5 + _LEVEL / 2))


def _effects(fit: _Fit) -> pd.DataFrame:
    names = ["level", "slope"]
    return pd.DataFrame(
        [fit.interval(name) for name in names],
        index=pd.Index(names, name="effect"),
        columns=["estimate", "low", "high"],
    )


def _check_options(family: str, errors: str, maxlags: int | None) -> None:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, not {family!r}")
    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {ERRORS}, not {errors!r}")
    if maxlags is not None and (errors != "hac" or int(maxlags) < 0):
        raise ValueError("maxlags= is the number of lags of errors='hac' (0 or more)")


def _fit_series(
    series: _Series,
    change_index: int,
    *,
    harmonics: int,
    family: str,
    errors: str,
    maxlags: int | None,
) -> tuple[np.ndarray, _Fit]:
    from coprod.io.result import InputError

    X = _design(series.months, change_index, harmonics)
    if len(series) - X.shape[1] < MIN_RESIDUAL_DF:
        raise InputError(
            f"the series has {plural(len(series), 'month')} for {X.shape[1]} coefficients; "
            f"the model needs at least {MIN_RESIDUAL_DF} months more than coefficients",
            fix="use a longer series or fewer seasonal harmonics (seasonality=1 or False)",
        )
    if series.counts.sum() == 0:
        raise InputError("every month's count is 0: there is nothing to model")
    offset = None if series.exposure is None else np.log(series.exposure)
    return X, _fit(series.counts, X, offset, family=family, errors=errors, maxlags=maxlags)


# ----------------------------------------------------------------------- the result


def _ratio_words(ratio: float) -> str:
    pct = (ratio - 1) * 100
    if abs(pct) < 0.5:
        return "stayed level"
    return f"{'grew' if pct > 0 else 'fell'} by {abs(pct):.0f}% a year"


def _interval_words(row: pd.Series) -> str:
    return f"95% interval {row.low:.2f} to {row.high:.2f}"


def _excludes_one(low: float, high: float) -> bool:
    return bool(low > 1 or high < 1)


@dataclass(frozen=True, eq=False)
class ITSResult:
    """An interrupted time series fit (see :func:`interrupted_time_series`).

    ``effects`` is indexed ``level`` and ``slope`` with columns ``estimate, low, high``:
    rate ratios with 95% intervals. ``level`` is the rate in the first month from
    ``change_date`` over the rate the trend before predicts for it; ``slope`` is the
    change in the trend as a ratio *per year* (``slope_per``; 1.10: the rate grows 10% a
    year faster than before, or falls 10% a year slower). ``trend_before`` is the trend
    before the change, a ratio per year, with its 95% interval ``trend_before_low`` to
    ``trend_before_high``.

    Settings and fitted quantities are fields: ``value`` and ``exposure`` (columns),
    ``family``, ``errors``, ``change_date`` (the first month counted as after),
    ``n_before`` and ``n_after`` (months), ``seasonality`` (harmonics), ``df_resid``,
    ``df_level`` and ``df_slope`` (the t degrees of freedom of the two intervals; the
    counterfactual band uses the smaller), ``alpha`` (NB2 dispersion, negative binomial
    only), ``maxlags`` (``errors="hac"``
    only) and, for ``errors="ar1"``, ``latent_variance`` and ``latent_correlation``
    (Zeger's sigma2 and rho) with what they mean for the counts at the mean count:
    ``overdispersion`` (variance over the Poisson variance) and ``autocorrelation``
    (lag-1 correlation around the fit).
    """

    effects: pd.DataFrame
    trend_before: float
    trend_before_low: float
    trend_before_high: float
    series: pd.DataFrame
    value: str
    exposure: str | None
    change_date: pd.Timestamp
    n_before: int
    n_after: int
    family: str
    errors: str
    seasonality: int
    df_resid: int
    alpha: float | None
    df_level: float
    df_slope: float
    maxlags: int | None
    latent_variance: float | None
    latent_correlation: float | None
    overdispersion: float | None
    autocorrelation: float | None
    slope_per: str = "year"
    #: where the series came from (:mod:`coprod.provenance`), for the chart's note
    source: Source | None = None

    def get_plot_data(self) -> pd.DataFrame:
        """One row per month: ``date, observed, fitted, counterfactual,
        counterfactual_low, counterfactual_high, after`` (counts; the counterfactual is
        the fit without the level and slope change, its interval the 95% interval of
        that mean), and the settings ``value`` and ``change_date``."""
        return keep_source(self.series.copy(), self)

    def summary(self) -> str:
        """The effects in plain words, with the settings that produced them."""
        level = self.effects.loc["level"]
        slope = self.effects.loc["slope"]
        what = repr(self.value)
        if self.exposure is not None:
            what = f"{what} per unit of {self.exposure!r}"
        when = f"{self.change_date:%Y-%m}"
        lines = [
            f"From {when}, {what} ran at {level.estimate:.2f} times the level expected from "
            f"the trend before ({_interval_words(level)}): "
            + (
                "a change in level."
                if _excludes_one(level.low, level.high)
                else "the interval includes 1, so no clear change in level."
            ),
            f"The trend changed by a factor of {slope.estimate:.2f} per year "
            f"({_interval_words(slope)}): "
            + (
                "a change in trend."
                if _excludes_one(slope.low, slope.high)
                else "the interval includes 1, so no clear change in trend."
            ),
            f"Before {when}, {what} {_ratio_words(self.trend_before)} (the trend was a factor "
            f"of {self.trend_before:.2f} a year, 95% interval {self.trend_before_low:.2f} to "
            f"{self.trend_before_high:.2f}).",
        ]
        model = (
            "Poisson" if self.family == "poisson" else f"negative binomial (alpha {self.alpha:.3f})"
        )
        season = (
            "no seasonality"
            if self.seasonality == 0
            else f"seasonality ({plural(self.seasonality, 'harmonic')})"
        )
        if self.errors == "ar1":
            errs = (
                "the intervals allow for overdispersion (variance "
                f"{self.overdispersion:.1f} times the Poisson variance) and autocorrelation "
                f"(lag-1 correlation {self.autocorrelation:.2f})"
            )
        else:
            errs = f"Newey-West intervals with {plural(self.maxlags or 0, 'lag')}"
        lines.append(
            f"Model: {model} regression on {self.n_before} months before {when} and "
            f"{self.n_after} from it, with a linear trend and {season}; {errs}."
        )
        return wrap_text("\n".join(lines))


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    date: str,
    value: str,
    change_date: Any,
    family: str = "poisson",
    seasonality: bool | int = True,
    exposure: str | None = None,
    errors: str = "ar1",
    maxlags: int | None = None,
) -> ITSResult:
    """Segmented regression of one monthly series around one change (see the module
    docstring for the model and why each choice).

    Parameters
    ----------
    data:
        One series: one row per month, every month present (months with nothing counted
        as rows of 0; :func:`coprod.timeseries.fill_zero_counts` adds them).
    date:
        The month column: datetimes (any day in the month), monthly Periods, or text
        read by :mod:`coprod.io.dates` (``'2014-05-01'``, ``'01/05/2014'``, ``'2014-05'``).
    value:
        The count column (whole numbers >= 0).
    change_date:
        The date of the change; its month is the first month "after".
    family:
        ``"poisson"`` (default) or ``"negative_binomial"``.
    seasonality:
        True (two harmonics), False, or a number of harmonics from 1 to 6 (6 = month
        dummies).
    exposure:
        A column of exposure (residents, contacts, all reports) for rates: used as a log
        offset, so the effects are ratios of ``value`` per unit of exposure.
    errors:
        ``"ar1"`` (default; overdispersion and latent AR(1) autocorrelation, Zeger 1988,
        small-sample corrected) or ``"hac"`` (Newey-West).
    maxlags:
        Lags of ``errors="hac"`` (default: ``floor(4 (T / 100) ** (2 / 9))``).

    Raises
    ------
    InputError
        A month is missing or repeated, a count is not a whole number >= 0, or the
        change leaves fewer than :data:`MIN_MONTHS_EACH_SIDE` months on a side; the
        message names the fix.
    """
    _check_options(family, errors, maxlags)
    harmonics = _harmonics(seasonality)
    series = _series(data, date=date, value=value, exposure=exposure, what="data")
    change = month_start(change_date, what="change_date")
    change_index = _change_index(series.months, change, "change_date")
    X, fit = _fit_series(
        series, change_index, harmonics=harmonics, family=family, errors=errors, maxlags=maxlags
    )
    offset = 0.0 if series.exposure is None else np.log(series.exposure)
    X_cf = X.copy()
    X_cf[:, [_COEFS.index("level"), _COEFS.index("slope")]] = 0.0
    eta_cf = X_cf @ fit.params
    se_cf = np.sqrt(np.einsum("ij,jk,ik->i", X_cf, fit.cov, X_cf))
    df_band = min(fit.df.values())  # the smaller of the level's and the slope's
    q = _quantile(df_band)
    after = np.arange(len(series)) >= change_index
    plot = pd.DataFrame(
        {
            "date": series.months,
            "observed": series.counts.astype(np.int64),
            "fitted": np.exp(X @ fit.params + offset),
            "counterfactual": np.exp(eta_cf + offset),
            "counterfactual_low": np.exp(eta_cf - q * se_cf + offset),
            "counterfactual_high": np.exp(eta_cf + q * se_cf + offset),
            "after": after,
            "value": value,
            "change_date": change,
        }
    )
    trend = fit.interval("trend")
    return ITSResult(
        effects=_effects(fit),
        trend_before=trend[0],
        trend_before_low=trend[1],
        trend_before_high=trend[2],
        series=plot,
        value=value,
        change_date=change,
        n_before=change_index,
        n_after=len(series) - change_index,
        family=family,
        errors=errors,
        seasonality=harmonics,
        exposure=exposure,
        maxlags=fit.maxlags,
        latent_variance=fit.latent_variance,
        latent_correlation=fit.latent_correlation,
        overdispersion=fit.overdispersion,
        autocorrelation=fit.autocorrelation,
        alpha=fit.alpha,
        df_resid=fit.df_resid,
        df_level=fit.df[_COEFS.index("level")],
        df_slope=fit.df[_COEFS.index("slope")],
        source=source_of(data),
    )


# ----------------------------------------------------------------------- placebo check


@dataclass(frozen=True, eq=False)
class PlaceboResult:
    """The same model at dates with no change (see :func:`placebo_check`).

    ``table``: one row per placebo date, ``placebo_date, estimate, low, high,
    excludes_one`` (the ``effect``'s rate ratio and 95% interval, and whether the
    interval excludes 1). ``n_excluding`` and ``share_excluding`` count the placebo dates
    whose interval excludes 1; ``actual`` is the estimate at the real change (one row,
    same columns). Settings: ``effect``, ``change_date``, ``n_months`` (the months before
    the change that the placebo fits use), ``family``, ``errors``, ``seasonality``.
    """

    table: pd.DataFrame
    actual: pd.DataFrame
    effect: str
    change_date: pd.Timestamp
    n_months: int
    n_excluding: int
    share_excluding: float
    value: str
    family: str
    errors: str
    seasonality: int
    #: where the series came from (:mod:`coprod.provenance`), for the chart's note
    source: Source | None = None

    def get_plot_data(self) -> pd.DataFrame:
        """The placebo rows and the actual change: ``date, estimate, low, high,
        excludes_one, kind`` (``"placebo"`` or ``"actual"``), ``effect`` and ``value``."""
        placebo = self.table.rename(columns={"placebo_date": "date"}).assign(kind="placebo")
        actual = self.actual.assign(date=self.change_date, kind="actual")
        out = pd.concat([placebo, actual[placebo.columns]], ignore_index=True)
        return keep_source(out.assign(effect=self.effect, value=self.value), self)

    def summary(self) -> str:
        n = len(self.table)
        expected = round((1 - _LEVEL) * 100)
        act = self.actual.iloc[0]
        word = "level" if self.effect == "level" else "trend (ratio per year)"
        return wrap_text(
            "\n".join(
                [
                    f"{self.n_excluding} of {plural(n, 'placebo date')} "
                    f"({self.share_excluding:.0%}) show an 'effect' on the {word} (a 95% interval "
                    f"excluding 1); about {expected}% expected by chance.",
                    f"The placebo fits use only the {self.n_months} months before "
                    f"{self.change_date:%Y-%m}, so the real change cannot show in them. "
                    "Neighbouring placebo dates share most of their data, so their results "
                    "move together: the share varies a lot from one series to another.",
                    f"At the real change ({self.change_date:%Y-%m}) the estimate is "
                    f"{act.estimate:.2f} (95% interval {act.low:.2f} to {act.high:.2f}).",
                ]
            )
        )


def placebo_check(
    data: pd.DataFrame,
    *,
    date: str,
    value: str,
    change_date: Any,
    placebo_dates: Sequence[Any] | None = None,
    effect: str = "level",
    family: str = "poisson",
    seasonality: bool | int = True,
    exposure: str | None = None,
    errors: str = "ar1",
    maxlags: int | None = None,
) -> PlaceboResult:
    """How often the model finds an "effect" where there was no change.

    Fits :func:`interrupted_time_series` (same arguments) at each placebo date, on the
    months before ``change_date`` only, so the real change cannot contaminate it.
    ``placebo_dates`` default to every month of that period leaving
    :data:`MIN_MONTHS_EACH_SIDE` months on each side (so the period must have at least
    24 months). ``effect`` is ``"level"`` or ``"slope"``. With intervals that hold
    the truth 95% of the time, about 5% of placebo dates show an "effect"; many more
    mean the intervals are too narrow for this series, and so is the real one's.
    """
    if effect not in ("level", "slope"):
        raise ValueError(f"effect must be 'level' or 'slope', not {effect!r}")
    _check_options(family, errors, maxlags)
    harmonics = _harmonics(seasonality)
    series = _series(data, date=date, value=value, exposure=exposure, what="data")
    change = month_start(change_date, what="change_date")
    change_index = _change_index(series.months, change, "change_date")
    settings = {"harmonics": harmonics, "family": family, "errors": errors, "maxlags": maxlags}
    _X, real = _fit_series(series, change_index, **settings)
    pre = series.head(change_index)
    need = MIN_MONTHS_EACH_SIDE
    if placebo_dates is None:
        if len(pre) < 2 * need:
            from coprod.io.result import InputError

            raise InputError(
                f"the {plural(len(pre), 'month')} before {change:%Y-%m} leave no placebo date "
                f"with {need} months on each side; a placebo check needs at least {2 * need} "
                "months before the change",
                fix="use a series that starts earlier, or give placebo_dates=",
            )
        indices = list(range(need, len(pre) - need + 1))
    else:
        indices = [
            _change_index(pre.months, month_start(d, what="placebo date"), "placebo date")
            for d in placebo_dates
        ]
    q_rows = []
    for k in indices:
        _Xk, fit = _fit_series(pre, k, **settings)
        q_rows.append((pre.months[k], *fit.interval(effect)))
    table = pd.DataFrame(q_rows, columns=["placebo_date", "estimate", "low", "high"])
    table["excludes_one"] = (table["low"] > 1) | (table["high"] < 1)  # as _excludes_one
    actual = _effects(real).loc[[effect]].reset_index(drop=True)
    actual["excludes_one"] = _excludes_one(actual["low"].iloc[0], actual["high"].iloc[0])
    n_excl = int(table["excludes_one"].sum())
    return PlaceboResult(
        table=table,
        actual=actual,
        effect=effect,
        change_date=change,
        n_months=len(pre),
        n_excluding=n_excl,
        share_excluding=n_excl / len(table),
        value=value,
        family=family,
        errors=errors,
        seasonality=harmonics,
        source=source_of(data),
    )

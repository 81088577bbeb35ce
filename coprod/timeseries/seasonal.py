"""Seasonal adjustment before SPC (statsmodels classical decomposition)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod.provenance import keep_source

__all__ = [
    "seasonally_adjust",
]


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

    by_cols = by_list(by)
    require_columns(series, [*by_cols, period, value], what="series")
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
    out = out.loc[series.index] if series.index.is_unique else out.reset_index(drop=True)
    return keep_source(out, series)

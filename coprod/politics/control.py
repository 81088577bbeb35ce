"""Changes in control: when a council changed hands, how long each party held it, how often.

Built on the timeline of :func:`coprod.io.control_history.read_control_history` (one row per
council and year; ``council_key`` tells councils apart, ``control`` is a party code or NOC):

* :func:`control_changes`: one row per change of control.
* :func:`change_summary`: per council, the changes and the years under each control.
* :func:`change_rates`: changes per council per decade (and the yearly probability of a
  change, ``p_change``), overall or by nation and council type, with exact Poisson intervals;
  :func:`yearly_change_probability` is the one number the scenarios use as ``p_change``.

Rules
-----

* A change is a year whose ``control`` differs from the council's control in the last year
  before it with a known control (``previous_year``). A year with missing control (NULL)
  creates no change and is skipped: Northern Ireland's 2026 NULL neither ends nor starts
  anything, and a council whose control is the same on both sides of a missing year has not
  changed. ``previous_year`` says how far back the comparison reached (``year - 1`` unless
  years were missing).
* A change is "to NOC" (a party lost its majority), "from NOC" (a party won one) or "party to
  party". "Ind" (independents and local groups) counts as a party.
* Councils that begin or cease (reorganisations, a new unitary) create no change: a council's
  first year is not a change, and its years end when its rows end.
* ``same_basis`` is False for a change between a year whose control came from the file's
  label and one decided from the seats (the 2024 to 2025 step of Open Council Data's file,
  see :mod:`coprod.io.control_history`), so such changes can be looked at apart.
* Exposure (``council_years``) is the years over which changes could be seen: the sum over
  comparisons of ``year - previous_year``. The rate per decade is ``10 * changes /
  council_years``; ``p_change`` is ``changes / council_years``, the empirical yearly
  probability of a change (a council changes at most once a year in these files).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod.provenance import keep_source
from coprod.vocab import CONTROL_CODES, NO_OVERALL_CONTROL

__all__ = [
    "CHANGE_KINDS",
    "change_rates",
    "change_summary",
    "control_changes",
    "yearly_change_probability",
]

#: The kinds of change, as in :func:`control_changes`' ``kind``.
CHANGE_KINDS = ("party to party", "to NOC", "from NOC")

_NEEDED = ("council_key", "year", "control")
_CARRIED = ("council", "council_code", "nation", "council_type")


def _history(history: Any, what: str) -> pd.DataFrame:
    if hasattr(history, "quarantine") and hasattr(history, "data"):
        raise TypeError(f"{what} takes the timeline itself: pass result.data, not the LoadResult")
    require_columns(
        history,
        _NEEDED,
        what=what,
        hint="pass the data of coprod.io.control_history.read_control_history",
    )
    return history


def _known_steps(history: pd.DataFrame, years: tuple[int, int] | None) -> pd.DataFrame:
    """Rows with known control, each with the council's previous known control and year."""
    carried = [c for c in _CARRIED if c in history.columns]
    known = history.loc[history["control"].notna(), [*_NEEDED, *carried]]
    known = known.sort_values(["council_key", "year"], kind="stable").reset_index(drop=True)
    grouped = known.groupby("council_key", sort=False)
    known["previous_year"] = grouped["year"].shift()
    known["from_control"] = grouped["control"].shift()
    if "control_basis" in history.columns:
        basis = history.loc[history["control"].notna()].sort_values(
            ["council_key", "year"], kind="stable"
        )["control_basis"]
        known["_basis"] = basis.to_numpy()
        known["_previous_basis"] = known.groupby("council_key", sort=False)["_basis"].shift()
    steps = known[known["previous_year"].notna()].copy()
    steps["previous_year"] = steps["previous_year"].astype("int64")
    if years is not None:
        first, last = years
        steps = steps[(steps["year"] > first) & (steps["year"] <= last)]
    return steps


def _check_years(years: tuple[int, int] | None) -> tuple[int, int] | None:
    if years is None:
        return None
    if len(years) != 2 or years[0] >= years[1]:
        raise ValueError(
            f"years must be (first, last) with first < last, got {years!r}: changes in the "
            "years after first up to last are counted, e.g. years=(2005, 2015)"
        )
    return int(years[0]), int(years[1])


def control_changes(history: pd.DataFrame, *, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """One row per change of control (see the module docstring for the rules).

    Parameters
    ----------
    history:
        The ``data`` of :func:`~coprod.io.control_history.read_control_history` (columns
        ``council_key``, ``year``, ``control``; ``council``, ``council_code``, ``nation``,
        ``council_type`` and ``control_basis`` are carried when present).
    years:
        ``(first, last)``: only changes in the years after ``first`` up to ``last``.

    Returns
    -------
    DataFrame with ``council``, ``council_code``, ``council_key``, ``year``,
    ``previous_year``, ``from_control``, ``to_control``, ``kind`` (:data:`CHANGE_KINDS`),
    ``same_basis``, and ``nation`` and ``council_type`` when the history has them; sorted by
    council and year.
    """
    history = _history(history, "control_changes")
    steps = _known_steps(history, _check_years(years))
    changed = steps[steps["control"] != steps["from_control"]]
    kind = np.where(
        changed["from_control"] == NO_OVERALL_CONTROL,
        "from NOC",
        np.where(changed["control"] == NO_OVERALL_CONTROL, "to NOC", "party to party"),
    )
    same = (
        (changed["_basis"] == changed["_previous_basis"]).to_numpy()
        if "_basis" in changed.columns
        else np.ones(len(changed), dtype=bool)
    )
    out = pd.DataFrame(
        {
            "council": changed["council"] if "council" in changed else changed["council_key"],
            "council_code": changed["council_code"]
            if "council_code" in changed
            else pd.Series(None, index=changed.index, dtype="str"),
            "council_key": changed["council_key"],
            "year": changed["year"].astype("int64"),
            "previous_year": changed["previous_year"],
            "from_control": changed["from_control"].astype("str"),
            "to_control": changed["control"].astype("str"),
            "kind": pd.Series(kind, index=changed.index, dtype="str"),
            "same_basis": same,
        }
    )
    for col in ("nation", "council_type"):
        if col in changed.columns:
            out[col] = changed[col]
    return keep_source(out.reset_index(drop=True), history)


def change_summary(history: pd.DataFrame) -> pd.DataFrame:
    """Per council: its years, the number of changes and the years under each control.

    Columns: ``council``, ``council_code``, ``council_key``, ``nation``, ``council_type``
    (those the history has), ``first_year``, ``last_year``, ``years`` (years with known
    control), ``years_missing`` (years with control missing), ``changes``, and
    ``years_<code>`` for each control code of :data:`coprod.vocab.CONTROL_CODES` held by any
    council (``years_con``, ``years_lab``, ..., ``years_noc``). One row per council, sorted
    by ``council_key``.
    """
    history = _history(history, "change_summary")
    carried = [c for c in _CARRIED if c in history.columns]
    ordered = history.sort_values(["council_key", "year"], kind="stable")
    out = ordered.groupby("council_key", sort=True).agg(
        **{col: (col, "last") for col in carried},
        first_year=("year", "min"),
        last_year=("year", "max"),
        years=("control", "count"),
        rows=("year", "size"),
    )
    out["years_missing"] = out.pop("rows") - out["years"]
    changes = control_changes(history).groupby("council_key").size()
    out["changes"] = changes.reindex(out.index, fill_value=0).astype("int64")
    held = pd.crosstab(history["council_key"], history["control"])
    for code in CONTROL_CODES:
        if code in held.columns:
            out[f"years_{code.lower()}"] = held[code].reindex(out.index, fill_value=0)
    out = out.reset_index()
    front = [c for c in ("council", "council_code") if c in out.columns]
    return out[
        [*front, "council_key", *[c for c in out.columns if c not in (*front, "council_key")]]
    ]


def change_rates(
    history: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """The empirical rate of changes of control per council per decade, with an interval.

    Parameters
    ----------
    history:
        As for :func:`control_changes`.
    by:
        Columns of the history to group councils by, e.g. ``"nation"`` or
        ``["nation", "council_type"]``; None: all councils together. Councils whose group
        is missing (not matched to the lookup) form their own group, shown as missing.
    years:
        ``(first, last)``: count changes and exposure in the years after ``first`` up to
        ``last`` only.
    level:
        Confidence level of the intervals (exact Poisson, Garwood).

    Returns
    -------
    DataFrame, one row per group: the ``by`` columns, ``councils`` (councils with at least one
    year of exposure), ``council_years`` (exposure, see the module docstring), ``changes``,
    ``changes_per_decade`` with ``low`` and ``high``, ``p_change`` (changes per council-year,
    the yearly probability of a change) with ``p_change_low`` and ``p_change_high``, and
    the settings ``first_year``, ``last_year`` (the years the changes were counted in) and
    ``level``.
    """
    from scipy.stats import chi2

    history = _history(history, "change_rates")
    groups = by_list(by)
    require_columns(history, groups, what="change_rates")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    window = _check_years(years)
    steps = _known_steps(history, window)
    extra = [g for g in groups if g not in steps.columns]
    if extra:
        first_values = history.groupby("council_key")[extra].first()
        steps = steps.join(first_values, on="council_key")
    steps["_exposure"] = steps["year"] - steps["previous_year"]
    steps["_changed"] = (steps["control"] != steps["from_control"]).astype("int64")
    if groups:
        grouped = steps.groupby(groups, dropna=False, sort=True)
    else:  # one row, even when no council has a year to compare
        steps = steps.assign(_all=0)
        if steps.empty:
            steps = steps.reindex([0]).assign(_all=0, _exposure=0, _changed=0)
        grouped = steps.groupby("_all")
    out = grouped.agg(
        councils=("council_key", "nunique"),
        council_years=("_exposure", "sum"),
        changes=("_changed", "sum"),
        first_year=("previous_year", "min"),
        last_year=("year", "max"),
    ).reset_index()
    if not groups:
        out = out.drop(columns="_all")
    exposure = out["council_years"].to_numpy(dtype="float64")
    k = out["changes"].to_numpy(dtype="float64")
    alpha = 1 - level
    low = np.where(k > 0, chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        out["changes_per_decade"] = 10 * k / exposure
        out["low"] = 10 * low / exposure
        out["high"] = 10 * high / exposure
        out["p_change"] = k / exposure
        out["p_change_low"] = low / exposure
        out["p_change_high"] = high / exposure
    out["level"] = level
    columns = [
        *groups,
        "councils",
        "council_years",
        "changes",
        "changes_per_decade",
        "low",
        "high",
        "p_change",
        "p_change_low",
        "p_change_high",
        "first_year",
        "last_year",
        "level",
    ]
    return keep_source(out[columns], history)


def yearly_change_probability(
    history: pd.DataFrame, *, years: tuple[int, int] | None = None
) -> float:
    """The empirical probability that a council changes control in a year: changes per
    council-year over every council (:func:`change_rates`' ``p_change``), the default
    ``p_change`` of the scenarios. ``years=(first, last)`` limits it to those years."""
    rates = change_rates(history, years=years)
    return float(rates["p_change"].iloc[0])

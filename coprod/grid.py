"""The planning x delivery grid of co-production, and placing services on it.

The scale
---------
Bovaird (2007) crosses *who plans* a public service with *who delivers* it. Each
axis has three levels, coded in this order everywhere in ``coprod``::

    planning:  0 = professionals, 1 = co-planning, 2 = community
    delivery:  0 = professionals, 1 = co-delivery, 2 = community

The blog post this project grew from names five of the nine cells in its table
(traditional services, full co-production, outsourcing, community planning, self-help
groups; :data:`NAMED_CELLS`). The other four are left blank on purpose: this module
never invents names for them. A user who wants to name
them passes a mapping (``names=``) to the functions that label cells; module
state is never changed. Every cell also has a descriptive label such as
"co-planned, professionally delivered" (:func:`describe_cell`).

A survey asks respondents which level describes a service on each axis. A
service's *position* on an axis is the (weighted) mean of the codes its
respondents gave, a number in [0, 2]. A position falls in level ``i`` when it
lies in ``[i - 0.5, i + 0.5)``, i.e. the cut points are 0.5 and 1.5
(:data:`CELL_BOUNDARIES`). Positions come with percentile-bootstrap 95%
intervals (:func:`place_services`); a placement is *uncertain* when its interval
crosses a cut point.

The planning axis is read against Arnstein's (1969) ladder of citizen
participation: planning controlled by professionals sits on rungs 1-5
(non-participation and tokenism), co-planning on rung 6 (partnership) and
community planning on rungs 7-8 (delegated power, citizen control). See
:func:`arnstein_ladder` and :func:`planning_rungs`.

Sources
-------
- Bovaird, T. (2007). Beyond engagement and participation: user and community
  co-production of public services. *Public Administration Review* 67(5), 846-860.
- Arnstein, S. R. (1969). A ladder of citizen participation. *Journal of the
  American Institute of Planners* 35(4), 216-224.
- The blog post "Full Co-production Means Planning and Delivery"
  (``shared/reference/full-co-production-means-planning-and-delivery.txt``), whose
  table of the grid and whose reading of the planning axis against Arnstein's
  ladder frame this project.

All functions are pure: they print nothing and keep no state between calls.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, group_columns, require_columns
from coprod._core.text import join_words, label_key, plural, row_numbers, wrap_text
from coprod.provenance import keep_source
from coprod.vocab import DELIVERY_LEVELS, ORGANISATION_KINDS, PLANNING_LEVELS

__all__ = [
    "CELL_BOUNDARIES",
    "DELIVERY_LEVELS",
    "CELL_CHANGES",
    "MOVEMENT_ADJUSTMENTS",
    "MOVEMENT_COLUMNS",
    "PLACEMENT_COLUMNS",
    "NAMED_CELLS",
    "ORGANISATION_SHARE_COLUMNS",
    "PLANNING_LEVELS",
    "LevelError",
    "arnstein_ladder",
    "cell_levels",
    "cell_name",
    "cell_of",
    "cell_shares",
    "cells",
    "describe_cell",
    "movement",
    "movement_summary",
    "organisation_shares",
    "place_services",
    "placement_summary",
    "planning_rungs",
    "to_codes",
]


#: Columns of a :func:`place_services` result (after any ``by`` columns).
PLACEMENT_COLUMNS: tuple[str, ...] = (
    "service",
    "n",
    "planning",
    "delivery",
    "planning_low",
    "planning_high",
    "delivery_low",
    "delivery_high",
    "cell",
)
#: Columns of an :func:`organisation_shares` result (after any ``by`` columns).
ORGANISATION_SHARE_COLUMNS: tuple[str, ...] = (
    "service",
    "organisation",
    "n",
    "answered",
    "share",
    "share_low",
    "share_high",
)
#: Columns of a :func:`movement` result (after any ``by`` columns).
MOVEMENT_COLUMNS: tuple[str, ...] = (
    "service",
    "wave_from",
    "wave_to",
    "planning_from",
    "delivery_from",
    "planning_to",
    "delivery_to",
    "planning_shift",
    "planning_shift_low",
    "planning_shift_high",
    "delivery_shift",
    "delivery_shift_low",
    "delivery_shift_high",
    "cell_from",
    "cell_to",
    "moved",
    "planning_p",
    "delivery_p",
    "adjustment",
    "planning_p_adjusted",
    "delivery_p_adjusted",
    "cell_change",
)
MOVEMENT_ADJUSTMENTS: tuple[str, ...] = ("none", "holm", "fdr_bh")
"""``movement(adjust=...)``: no adjustment, Holm's step-down (the chance of calling any
unmoved service a mover stays at most 5%) or Benjamini-Hochberg (at most 5% of the services
called movers are expected to be false ones)."""

CELL_CHANGES: tuple[str, ...] = ("same cell", "changed cell", "within noise")
"""``movement``'s ``cell_change``: the point stayed in its cell, moved to another with a
clear shift, or crossed a cell boundary with a shift its interval cannot tell from zero."""

CELL_BOUNDARIES: tuple[float, float] = (0.5, 1.5)
"""Cut points on either axis: level ``i`` covers positions in ``[i - 0.5, i + 0.5)``."""

NAMED_CELLS: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("professionals", "professionals"): "Traditional services",
        ("co-planning", "co-delivery"): "Full co-production",
        ("professionals", "community"): "Outsourcing",
        ("community", "professionals"): "Community planning",
        ("community", "community"): "Self-help groups",
    }
)
"""The five cells the blog post names in its table, keyed by (planning level, delivery level).

These are the post's names ("Full Co-production Means Planning and Delivery"), not
Bovaird's: Bovaird (2007, Table 1) names all nine cells in his own words, and only the
centre cell's "full co-production" is known here to be his too (Loeffler 2020, "The Four
Co's", reports Bovaird 2007, 848 calling it so). His other names are not shipped because
his table could not be read when this was written. The four other cells are blank on
purpose; name them per call with ``names=``.
"""

_AXES = {"planning": PLANNING_LEVELS, "delivery": DELIVERY_LEVELS}
_PLANNED = ("professionally planned", "co-planned", "community planned")
_DELIVERED = ("professionally delivered", "co-delivered", "community delivered")
_ARNSTEIN_GROUP_OF_PLANNING = (
    "Non-participation / Tokenism",
    "Citizen power (partnership)",
    "Citizen power (delegated power, citizen control)",
)
_ARNSTEIN_RUNGS = (
    (1, "Manipulation", "Non-participation"),
    (2, "Therapy", "Non-participation"),
    (3, "Informing", "Tokenism"),
    (4, "Consultation", "Tokenism"),
    (5, "Placation", "Tokenism"),
    (6, "Partnership", "Citizen power"),
    (7, "Delegated power", "Citizen power"),
    (8, "Citizen control", "Citizen power"),
)
_RUNGS_OF_PLANNING = ((1, 2, 3, 4, 5), (6,), (7, 8))
_NUMERIC_STRING = re.compile(r"^[0-2](\.0*)?$")
_FIX_HINT = "Recode these answers or map them with read_survey's quarantine; nothing was guessed."


class LevelError(ValueError):
    """An answer that is not a level of the planning or delivery axis.

    Attributes ``column``, ``axis``, ``values`` (the offending distinct values, in
    order of first appearance; ``None`` stands for a missing answer) and ``rows``
    (all offending rows: the file's row numbers for data loaded by coprod, whose index
    is named ``row``, else 1-based positions) let callers quarantine the rows.
    """

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        axis: str | None = None,
        values: Sequence[Any] = (),
        rows: Sequence[int] = (),
    ) -> None:
        super().__init__(message)
        self.column = column
        self.axis = axis
        self.values = list(values)
        self.rows = list(rows)


# --------------------------------------------------------------------------- levels


def _check_axis(axis: str) -> tuple[str, str, str]:
    if axis not in _AXES:
        raise ValueError(f"axis must be 'planning' or 'delivery', not {axis!r}")
    return _AXES[axis]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(missing) if np.ndim(missing) == 0 else False


def _code_of(value: Any, levels: Sequence[str]) -> int | None:
    """The code of one answer, or None when it is not an accepted answer."""
    if isinstance(value, (bool, np.bool_)):
        return None  # True == 1 in Python, but a boolean is not a level
    if isinstance(value, str):
        text = value.strip().lower()
        if text in levels:
            return levels.index(text)
        if _NUMERIC_STRING.match(text):
            return int(text[0])
        return None
    if isinstance(value, numbers.Integral):
        code = int(value)
        return code if 0 <= code <= 2 else None
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and 0 <= number <= 2:
            return int(number)
    return None


def _accepted_text(axis: str) -> str:
    levels = _AXES[axis]
    quoted = ", ".join(repr(level) for level in levels)
    return (
        f"Accepted {axis} answers: {quoted} (any case, surrounding spaces ignored) "
        f"or the codes 0, 1, 2 (0 = {levels[0]}, 1 = {levels[1]}, 2 = {levels[2]})."
    )


def _show_value(value: Any) -> str:
    return "missing" if value is None else repr(value)


def _show_rows(rows: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    if len(rows) > limit:
        return f"rows {shown}, ... ({len(rows)} rows in all)"
    return f"rows {shown}"


def _parse_scalar(value: Any, axis: str) -> int:
    levels = _check_axis(axis)
    code = None if _is_missing(value) else _code_of(value, levels)
    if code is None:
        raise LevelError(
            f"{_show_value(None if _is_missing(value) else value)} is not a {axis} level. "
            f"{_accepted_text(axis)}",
            axis=axis,
            values=[None if _is_missing(value) else value],
        )
    return code


def to_codes(
    values: Iterable[Any],
    *,
    axis: str,
    column: str | None = None,
    source: str | None = None,
) -> np.ndarray:
    """Convert survey answers on one axis to integer codes 0, 1, 2.

    Parameters
    ----------
    values
        Answers: level names (case-insensitive, surrounding spaces ignored, e.g.
        ``"Co-planning"``) or codes 0/1/2 given as integers, floats equal to an
        integer (``1.0``) or digit strings (``"1"``, ``" 2 "``, ``"1.0"``).
    axis
        ``"planning"`` or ``"delivery"``; decides which level names are accepted.
    column, source
        Only used to make error messages point at the data: the column name and
        where the data came from (e.g. a file name).

    Returns
    -------
    numpy.ndarray of int64 codes, one per answer.

    Raises
    ------
    LevelError
        If any answer is missing or not an accepted value. Nothing is guessed: the
        message names the column, up to 5 offending distinct values and up to 10
        offending row numbers (the file's rows for data loaded by coprod, else
        1-based positions), lists the accepted values and says how to
        fix the data. The exception carries all offending values and rows.
    """
    levels = _check_axis(axis)
    if isinstance(values, pd.Series):
        series = values
    elif isinstance(values, (np.ndarray, pd.Index, pd.api.extensions.ExtensionArray)):
        series = pd.Series(values)  # keeps the dtype (fast path below for non-object data)
    else:
        series = pd.Series(list(values), dtype=object)
    n = len(series)
    codes = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return codes
    if series.dtype == object or series.dtype == bool:
        # element by element: pd.factorize would treat True as 1 and 1.0 as 1
        cache: dict[tuple[type, Any], int | None] = {}
        for i, value in enumerate(series.to_numpy(dtype=object)):
            if _is_missing(value):
                continue
            try:
                key = (type(value), value)
                if key not in cache:
                    cache[key] = _code_of(value, levels)
                code = cache[key]
            except TypeError:  # unhashable
                code = _code_of(value, levels)
            if code is not None:
                codes[i] = code
    else:
        factor, uniques = pd.factorize(series, use_na_sentinel=True)
        lookup = np.array(
            [-1 if (c := _code_of(u, levels)) is None else c for u in uniques] + [-1],
            dtype=np.int64,
        )
        codes = lookup[factor]  # factor == -1 (missing) picks the trailing -1
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        raw = series.to_numpy(dtype=object)
        bad_values = {}
        for i in bad:
            value = raw[i]
            if _is_missing(value):
                bad_values.setdefault(("missing",), None)
            else:
                try:
                    bad_values.setdefault((type(value), value), value)
                except TypeError:
                    bad_values.setdefault((id(value),), value)
        distinct = list(bad_values.values())
        shown = ", ".join(_show_value(v) for v in distinct[:5])
        if len(distinct) > 5:
            shown += f" and {len(distinct) - 5} more"
        rows, numbered = row_numbers(series.index, bad)
        where = f"Column {column!r}" if column is not None else f"The {axis} answers"
        if source:
            where += f" in {source}"
        count = "1 answer is" if len(rows) == 1 else f"{len(rows)} answers are"
        message = (
            f"{where}: {count} not {axis} levels: {shown} "
            f"(at {_show_rows(rows)}; {numbered}). {_accepted_text(axis)} {_FIX_HINT}"
        )
        raise LevelError(message, column=column, axis=axis, values=distinct, rows=rows)
    return codes


# ---------------------------------------------------------------------------- cells


def _user_names(names: Mapping[tuple[Any, Any], str] | None) -> dict[tuple[int, int], str]:
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError("names must be a mapping {(planning, delivery): name}")
    resolved: dict[tuple[int, int], str] = {}
    for key, name in names.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"names keys must be (planning, delivery) pairs, not {key!r}")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"the name for cell {key!r} must be a non-empty string, not {name!r}")
        resolved[(_parse_scalar(key[0], "planning"), _parse_scalar(key[1], "delivery"))] = name
    return resolved


def _cell_names(names: Mapping[tuple[Any, Any], str] | None) -> list[str | None]:
    """Nine names (or None) indexed by ``3 * planning_code + delivery_code``."""
    table: list[str | None] = [None] * 9
    for (plan, deliver), name in NAMED_CELLS.items():
        table[3 * PLANNING_LEVELS.index(plan) + DELIVERY_LEVELS.index(deliver)] = name
    for (p, d), name in _user_names(names).items():
        table[3 * p + d] = name
    return table


def _cell_labels(names: Mapping[tuple[Any, Any], str] | None) -> list[str]:
    """Nine labels: the name where there is one, else the descriptive name."""
    named = _cell_names(names)
    return [named[i] or f"{_PLANNED[i // 3]}, {_DELIVERED[i % 3]}" for i in range(9)]


def cell_name(
    planning: str | int,
    delivery: str | int,
    names: Mapping[tuple[Any, Any], str] | None = None,
) -> str | None:
    """The name of a grid cell (the blog post's five), or None for an unnamed blank cell.

    ``planning`` and ``delivery`` are level names (case-insensitive) or codes 0-2.
    ``names`` optionally maps ``(planning, delivery)`` keys (names or codes) to a
    name; it names blank cells or renames named ones for this call only.

    >>> cell_name("co-planning", "co-delivery")
    'Full co-production'
    >>> cell_name(1, 0) is None
    True
    >>> cell_name(1, 0, names={("co-planning", "professionals"): "Joint planning"})
    'Joint planning'
    """
    p = _parse_scalar(planning, "planning")
    d = _parse_scalar(delivery, "delivery")
    return _cell_names(names)[3 * p + d]


def describe_cell(planning: str | int, delivery: str | int) -> str:
    """A descriptive label for any of the nine cells.

    >>> describe_cell("co-planning", "professionals")
    'co-planned, professionally delivered'
    >>> describe_cell(2, 1)
    'community planned, co-delivered'
    """
    p = _parse_scalar(planning, "planning")
    d = _parse_scalar(delivery, "delivery")
    return f"{_PLANNED[p]}, {_DELIVERED[d]}"


def cells(names: Mapping[tuple[Any, Any], str] | None = None) -> pd.DataFrame:
    """All nine cells of the grid, planning-major (Bovaird 2007).

    Columns: ``planning``, ``delivery`` (level names), ``planning_code``,
    ``delivery_code``, ``name`` (missing for blank cells not named in ``names``),
    ``description`` (see :func:`describe_cell`) and ``arnstein_group``: where the
    cell's planning level sits on Arnstein's (1969) ladder, as read in the blog
    post "Full Co-production Means Planning and Delivery".
    """
    named = _cell_names(names)
    rows = []
    for p in range(3):
        for d in range(3):
            rows.append(
                {
                    "planning": PLANNING_LEVELS[p],
                    "delivery": DELIVERY_LEVELS[d],
                    "planning_code": p,
                    "delivery_code": d,
                    "name": named[3 * p + d],
                    "description": f"{_PLANNED[p]}, {_DELIVERED[d]}",
                    "arnstein_group": _ARNSTEIN_GROUP_OF_PLANNING[p],
                }
            )
    return pd.DataFrame(rows)


def arnstein_ladder() -> pd.DataFrame:
    """The eight rungs of Arnstein's (1969) ladder of citizen participation.

    Columns ``rung`` (1 = bottom), ``name`` and ``group`` (Non-participation,
    Tokenism, Citizen power). Source: Arnstein, S. R. (1969), "A Ladder of Citizen
    Participation", Journal of the American Institute of Planners 35(4), 216-224.
    """
    return pd.DataFrame(_ARNSTEIN_RUNGS, columns=["rung", "name", "group"])


def planning_rungs() -> pd.DataFrame:
    """Crosswalk from the planning axis to Arnstein's (1969) rungs.

    One row per planning level and rung it maps to (columns ``planning``,
    ``rung``, ``name``, ``group``): professionals -> rungs 1-5 (non-participation
    and tokenism), co-planning -> rung 6 (partnership), community -> rungs 7-8
    (delegated power, citizen control). The reading follows the blog post "Full
    Co-production Means Planning and Delivery": planning fully controlled by
    professionals sits in the lower parts of the ladder, co-planning belongs in
    citizen power with partnership the fitting rung.
    """
    ladder = {rung: (name, group) for rung, name, group in _ARNSTEIN_RUNGS}
    rows = [
        (PLANNING_LEVELS[p], rung, *ladder[rung])
        for p, rungs in enumerate(_RUNGS_OF_PLANNING)
        for rung in rungs
    ]
    return pd.DataFrame(rows, columns=["planning", "rung", "name", "group"])


def cell_levels(position: Any) -> Any:
    """The level index (0, 1, 2) a position in [0, 2] falls in.

    Level ``i`` covers ``[i - 0.5, i + 0.5)``: 0.5 belongs to level 1, 1.5 to level 2.
    Scalars give an int, array-likes an int64 array (a Series keeps its index).
    Positions outside [0, 2] or missing raise ValueError.
    """
    arr = np.asarray(position, dtype=float)
    if np.isnan(arr).any():
        raise ValueError("positions must not be missing")
    if ((arr < -1e-9) | (arr > 2 + 1e-9)).any():
        raise ValueError("positions must lie in [0, 2]")
    # Round away float noise first: a weighted mean of exactly 0.5 can come out as
    # 0.49999999999999994 and must not fall into the lower cell.
    levels = np.digitize(np.round(arr, 9), CELL_BOUNDARIES).astype(np.int64)
    if arr.ndim == 0:
        return int(levels)
    if isinstance(position, pd.Series):
        return pd.Series(levels, index=position.index, name=position.name)
    return levels


def cell_of(
    planning_position: Any,
    delivery_position: Any,
    names: Mapping[tuple[Any, Any], str] | None = None,
) -> Any:
    """The cell label of positions on the grid (vectorised).

    The label is the cell's name (Bovaird 2007, or from ``names``) where it has
    one, else its descriptive name (:func:`describe_cell`). Scalars give a str;
    array-likes an object array (a Series input gives a Series on its index).
    """
    p = np.asarray(cell_levels(planning_position))
    d = np.asarray(cell_levels(delivery_position))
    labels = np.array(_cell_labels(names), dtype=object)
    out = labels[3 * p + d]
    if np.ndim(out) == 0:
        return str(out)
    if isinstance(planning_position, pd.Series):
        return pd.Series(out, index=planning_position.index, dtype=object)
    return out


# ------------------------------------------------------------------------ placement


@dataclass(frozen=True)
class _Groups:
    keys: pd.DataFrame  # one row per group, columns [*by, "service"]
    planning: np.ndarray  # codes, rows sorted by group
    delivery: np.ndarray
    weight: np.ndarray | None
    starts: np.ndarray
    counts: np.ndarray


def _check_weights(responses: pd.DataFrame, weight: str) -> np.ndarray:
    w = pd.to_numeric(responses[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        rows, numbered = row_numbers(responses.index, bad)
        raise ValueError(
            f"Weight column {weight!r} has missing, negative or non-numeric values at "
            f"{_show_rows(rows)} ({numbered}). Weights must be finite numbers >= 0; "
            "fix or drop these rows."
        )
    return w


def _check_groups(
    responses: pd.DataFrame, *, service: str, by: list[str], answers: list[str | None]
) -> list[str]:
    """The group key columns ``[*by, service]``, once the frame, its columns and keys are
    checked (the one check of every grouping function here)."""
    if not isinstance(responses, pd.DataFrame):
        raise TypeError("responses must be a pandas DataFrame")
    require_columns(responses, [service, *answers, *by], what="the responses")
    if service in by:
        raise ValueError(f"the service column {service!r} cannot also be a 'by' column")
    if "service" in by:
        raise ValueError("a 'by' column cannot be called 'service' (the output's service column)")
    if len(set(by)) != len(by):
        raise ValueError(f"'by' has repeated columns: {by}")
    if len(responses) == 0:
        raise ValueError("responses has no rows")
    key_cols = [*by, service]
    missing_key = responses[key_cols].isna().any(axis=1).to_numpy()
    if missing_key.any():
        rows, numbered = row_numbers(responses.index, np.flatnonzero(missing_key))
        raise ValueError(
            f"columns {key_cols} have missing values at {_show_rows(rows)} ({numbered}); "
            "fill or drop these rows before placing services."
        )
    return key_cols


def _group_order(
    responses: pd.DataFrame, key_cols: list[str], service: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by group: the groups' keys (service column named ``service``), the row
    order, and each group's first position and size in that order."""
    gid = responses.groupby(key_cols, sort=True, observed=True).ngroup().to_numpy(dtype=np.int64)
    order = np.argsort(gid, kind="stable")
    counts = np.bincount(gid)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    keys = responses[key_cols].iloc[order[starts]].reset_index(drop=True)
    return keys.rename(columns={service: "service"}), order, starts, counts


def _groups(
    responses: pd.DataFrame,
    *,
    service: str,
    planning: str,
    delivery: str,
    weight: str | None,
    by: list[str],
) -> _Groups:
    key_cols = _check_groups(
        responses, service=service, by=by, answers=[planning, delivery, weight]
    )
    p = to_codes(responses[planning], axis="planning", column=planning)
    d = to_codes(responses[delivery], axis="delivery", column=delivery)
    w = _check_weights(responses, weight) if weight is not None else None
    keys, order, starts, counts = _group_order(responses, key_cols, service)
    w_sorted = None if w is None else w[order]
    if w_sorted is not None:
        totals = np.add.reduceat(w_sorted, starts)
        if (totals <= 0).any():
            empty = keys[totals <= 0].to_dict("records")
            raise ValueError(
                f"Weight column {weight!r} sums to zero within {len(empty)} group(s), "
                f"e.g. {empty[:3]}; their position is undefined."
            )
    return _Groups(keys, p[order], d[order], w_sorted, starts, counts)


def _bootstrap(
    g: _Groups, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Point positions (G,) and bootstrap replicates (n_boot, G) for both axes.

    Respondents are resampled with replacement within each group; both axes are
    resampled together (a respondent's two answers stay paired). Weighted means
    use the resampled weights. A replicate whose resampled weights sum to 0 is
    undefined (NaN) and is left out of the percentiles.
    """
    n_total = len(g.planning)
    sizes = np.repeat(g.counts, g.counts)
    offsets = np.repeat(g.starts, g.counts)
    p = g.planning.astype(float)
    d = g.delivery.astype(float)
    w = g.weight
    if w is None:
        point_p = np.add.reduceat(p, g.starts) / g.counts
        point_d = np.add.reduceat(d, g.starts) / g.counts
    else:
        den = np.add.reduceat(w, g.starts)
        point_p = np.add.reduceat(w * p, g.starts) / den
        point_d = np.add.reduceat(w * d, g.starts) / den
        wp, wd = w * p, w * d
    boot_p = np.empty((n_boot, len(g.starts)))
    boot_d = np.empty((n_boot, len(g.starts)))
    chunk = max(1, 2_000_000 // max(n_total, 1))
    for lo in range(0, n_boot, chunk):
        hi = min(n_boot, lo + chunk)
        draws = (rng.random((hi - lo, n_total)) * sizes).astype(np.int64)
        idx = offsets + np.minimum(draws, sizes - 1)  # guard against u * n rounding up to n
        if w is None:
            boot_p[lo:hi] = np.add.reduceat(p[idx], g.starts, axis=1) / g.counts
            boot_d[lo:hi] = np.add.reduceat(d[idx], g.starts, axis=1) / g.counts
        else:
            den = np.add.reduceat(w[idx], g.starts, axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot_p[lo:hi] = np.add.reduceat(wp[idx], g.starts, axis=1) / den
                boot_d[lo:hi] = np.add.reduceat(wd[idx], g.starts, axis=1) / den
            boot_p[lo:hi][den == 0] = np.nan
            boot_d[lo:hi][den == 0] = np.nan
    return point_p, point_d, boot_p, boot_d


def _interval(boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if np.isnan(boot).any():
        low, high = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    else:
        low, high = np.percentile(boot, [2.5, 97.5], axis=0)
    return low, high


def _bootstrap_p(replicates: np.ndarray) -> np.ndarray:
    """Two-sided bootstrap p-values that a shift is zero, one per column of ``replicates``.

    Twice the smaller share of replicates on either side of zero, counted with the
    observed shift (``(1 + k) / (B + 1)``), so a p-value is never exactly 0 and a shift
    whose 95% percentile interval excludes zero has p below 0.05. NaN replicates (an
    undefined weighted mean) are left out."""
    valid = ~np.isnan(replicates)
    n = valid.sum(axis=0)
    at_or_below = (np.nan_to_num(replicates, nan=1.0) <= 0).sum(axis=0)
    at_or_above = (np.nan_to_num(replicates, nan=-1.0) >= 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * (1 + np.minimum(at_or_below, at_or_above)) / (n + 1)
    return np.minimum(p, 1.0)


def _adjust_p(p: np.ndarray, adjust: str, n_boot: int) -> np.ndarray:
    """``p`` adjusted for multiplicity over all its finite values (statsmodels)."""
    from statsmodels.stats.multitest import multipletests

    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    m = int(finite.sum())
    if m == 0:
        return out
    # Both methods first compare the smallest p with 0.05 / m; a bootstrap p cannot go
    # below 2 / (n_boot + 1), so too few replicates would make every shift look like noise.
    needed = math.ceil(2 * m / 0.05)
    if n_boot + 1 <= needed:
        raise ValueError(
            f"adjust={adjust!r} over {m} tests needs n_boot of at least {needed}: a "
            f"bootstrap p-value cannot go below 2 / (n_boot + 1) = {2 / (n_boot + 1):.4f}, "
            f"and the smallest p must be compared with 0.05 / {m} = {0.05 / m:.4f}"
        )
    out[finite] = multipletests(p[finite], alpha=0.05, method=adjust)[1]
    return out


def _check_n_boot(n_boot: int) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, not {n_boot!r}")
    return int(n_boot)


def place_services(
    responses: pd.DataFrame,
    *,
    service: str,
    planning: str,
    delivery: str,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
    names: Mapping[tuple[Any, Any], str] | None = None,
    organisation: str | None = None,
) -> pd.DataFrame:
    """Place each service on the planning x delivery grid with 95% intervals.

    Parameters
    ----------
    responses
        One row per respondent x service.
    service, planning, delivery
        Column names: the service asked about and the answers on each axis (level
        names or codes, converted with :func:`to_codes`; a bad answer raises
        :class:`LevelError` naming its rows).
    weight
        Optional column of survey weights (finite, >= 0). Missing or negative
        weights raise ValueError naming the column and rows.
    by
        Optional column name or list of names (e.g. ``"wave"``, ``["council",
        "wave"]``): services are placed separately within each group.
    n_boot, seed
        Number of bootstrap replicates and the seed (or Generator) for
        ``numpy.random.default_rng``.
    names
        Optional user names for cells, see :func:`cell_name`.
    organisation
        Optional column of the delivering organisation (kinds of
        :data:`coprod.vocab.ORGANISATION_KINDS`, as ``read_survey`` reads them): adds
        ``"organisation"``, the main delivering organisation (the kind with the largest
        weighted share of the answers naming one; a tie goes to the kind listed first),
        and ``"organisation_share"``, its share (missing when nobody named one). Shares
        with intervals: :func:`organisation_shares`.

    Returns
    -------
    DataFrame with one row per ``(*by, service)``, sorted, with columns
    ``[*by, "service", "n", "planning", "delivery", "planning_low",
    "planning_high", "delivery_low", "delivery_high", "cell"]``, with
    ``organisation=`` ``"organisation"`` and ``"organisation_share"``, and, when
    weighted, ``"weight_sum"`` and ``"effective_n"`` (Kish: (sum w)^2 / sum w^2).
    The service column is always called ``service`` in the output.

    Notes
    -----
    A position is the (weighted) mean code. Its interval is the 2.5th-97.5th
    percentile of a bootstrap that resamples respondents with replacement within
    each service (and group), both axes together, recomputing the weighted mean
    with the resampled weights. A service with a single respondent (n = 1), or
    whose respondents all gave the same answer, gets a degenerate interval
    (low = high = position): the bootstrap cannot show uncertainty it has no data
    for, so treat such placements with care. ``cell`` is the label of the point
    position (:func:`cell_of`).
    """
    by_cols = by_list(by)
    n_boot = _check_n_boot(n_boot)
    g = _groups(
        responses, service=service, planning=planning, delivery=delivery, weight=weight, by=by_cols
    )
    rng = np.random.default_rng(seed)
    point_p, point_d, boot_p, boot_d = _bootstrap(g, n_boot, rng)
    p_low, p_high = _interval(boot_p)
    d_low, d_high = _interval(boot_d)
    out = g.keys.copy()
    out["n"] = g.counts.astype(np.int64)
    out["planning"] = point_p
    out["delivery"] = point_d
    # percentiles of means of values in [0, 2] can stray from the point by rounding only
    out["planning_low"] = np.minimum(p_low, point_p)
    out["planning_high"] = np.maximum(p_high, point_p)
    out["delivery_low"] = np.minimum(d_low, point_d)
    out["delivery_high"] = np.maximum(d_high, point_d)
    out["cell"] = pd.Series(cell_of(point_p, point_d, names), dtype="str")
    if organisation is not None:
        out = _with_main_organisation(out, responses, service, organisation, weight, by_cols)
    if g.weight is not None:
        w_sum = np.add.reduceat(g.weight, g.starts)
        out["weight_sum"] = w_sum
        out["effective_n"] = w_sum**2 / np.add.reduceat(g.weight**2, g.starts)
    return out


# ------------------------------------------------------------- who delivers: organisations


@dataclass(frozen=True)
class _OrganisationGroups:
    keys: pd.DataFrame  # one row per group, columns [*by, "service"]
    kinds: np.ndarray  # index into ORGANISATION_KINDS, rows sorted by group; -1 = no answer
    weight: np.ndarray  # 1.0 when unweighted
    starts: np.ndarray
    counts: np.ndarray


def _organisation_groups(
    responses: pd.DataFrame,
    *,
    service: str,
    organisation: str,
    weight: str | None,
    by: list[str],
) -> _OrganisationGroups:
    """Respondents grouped as :func:`place_services` groups them, with their organisation."""
    key_cols = _check_groups(responses, service=service, by=by, answers=[organisation, weight])
    code_of = {label_key(kind): i for i, kind in enumerate(ORGANISATION_KINDS)}
    values = responses[organisation].astype(object).to_numpy()
    kinds = np.array(
        [-1 if _is_missing(v) else code_of.get(label_key(v), -2) for v in values], dtype=np.int64
    )
    bad = np.flatnonzero(kinds == -2)
    if bad.size:
        rows, numbered = row_numbers(responses.index, bad)
        shown = join_words(sorted({repr(values[i]) for i in bad}), limit=5)
        raise ValueError(
            f"column {organisation!r} has values that are not kinds of delivering organisation "
            f"({shown}) at {_show_rows(rows)} ({numbered}); the kinds are "
            + join_words([repr(k) for k in ORGANISATION_KINDS])
            + ". Read the survey with read_survey(levels={'organisation': {...}}) to map "
            "your words; nothing was guessed."
        )
    w = _check_weights(responses, weight) if weight is not None else np.ones(len(values))
    keys, order, starts, counts = _group_order(responses, key_cols, service)
    return _OrganisationGroups(keys, kinds[order], w[order], starts, counts)


def _kind_shares(
    kinds: np.ndarray, weight: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted shares (G, K) of each kind among the answers naming one, and the weight
    of those answers (G,); a group with none has NaN shares. Works on (B, N) resamples
    too, giving (B, G, K) and (B, G)."""
    answered = kinds >= 0
    mass = np.stack(
        [
            np.add.reduceat(weight * (kinds == k), starts, axis=-1)
            for k in range(len(ORGANISATION_KINDS))
        ],
        axis=-1,
    )
    total = np.add.reduceat(weight * answered, starts, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = mass / total[..., None]
    return shares, total


def organisation_shares(
    responses: pd.DataFrame,
    *,
    service: str = "service",
    organisation: str = "organisation",
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Who delivers each service: the share of its answers naming each kind of organisation.

    The grid's delivery axis cannot tell a council's own staff from a contractor's (both
    are professionals); this says which organisation delivers, so contracts can be seen.

    Parameters
    ----------
    responses
        One row per respondent x service, with a column of organisation kinds
        (:data:`coprod.vocab.ORGANISATION_KINDS`, any case, as ``read_survey`` reads
        them). Missing answers ("I don't know") are left out of the shares; any other
        value raises ValueError naming its rows (nothing is guessed).
    service, organisation, weight, by
        Columns, as in :func:`place_services`.
    n_boot, seed
        Bootstrap replicates and seed, as in :func:`place_services`.

    Returns
    -------
    A tidy frame, one row per ``(*by, service)`` and kind (every kind, in vocabulary
    order; kinds nobody named have share 0), columns ``[*by, "service",
    "organisation", "n", "answered", "share", "share_low", "share_high"]``: ``n`` the
    respondents naming the kind, ``answered`` those naming any kind, ``share`` the
    (weighted) share of the answers naming one, and its 95% percentile-bootstrap
    interval. As for positions, respondents are resampled with replacement within each
    service (and group) and the weighted share recomputed with the resampled weights;
    the interval shows how much the share varies across resamples. A service that
    nobody placed with an organisation has missing shares.
    """
    by_cols = by_list(by)
    n_boot = _check_n_boot(n_boot)
    g = _organisation_groups(
        responses, service=service, organisation=organisation, weight=weight, by=by_cols
    )
    shares, _ = _kind_shares(g.kinds, g.weight, g.starts)
    n_groups, n_kinds = shares.shape
    rng = np.random.default_rng(seed)
    n_total = len(g.kinds)
    sizes = np.repeat(g.counts, g.counts)
    offsets = np.repeat(g.starts, g.counts)
    boot = np.empty((n_boot, n_groups, n_kinds))
    chunk = max(1, 1_000_000 // max(n_total, 1))
    for lo in range(0, n_boot, chunk):
        hi = min(n_boot, lo + chunk)
        draws = (rng.random((hi - lo, n_total)) * sizes).astype(np.int64)
        idx = offsets + np.minimum(draws, sizes - 1)  # as place_services resamples
        boot[lo:hi], _ = _kind_shares(g.kinds[idx], g.weight[idx], g.starts)
    with np.errstate(invalid="ignore"):
        answered_any = ~np.isnan(boot)
        low = np.full((n_groups, n_kinds), np.nan)
        high = np.full((n_groups, n_kinds), np.nan)
        ok = answered_any.any(axis=0)
        if ok.any():
            low[ok], high[ok] = np.nanpercentile(boot[:, ok], [2.5, 97.5], axis=0)
    counts = np.stack(
        [np.add.reduceat((g.kinds == k).astype(np.int64), g.starts) for k in range(n_kinds)],
        axis=-1,
    )
    answered = np.add.reduceat((g.kinds >= 0).astype(np.int64), g.starts)
    out = g.keys.loc[np.repeat(np.arange(n_groups), n_kinds)].reset_index(drop=True)
    out["organisation"] = pd.Series(np.tile(np.array(ORGANISATION_KINDS), n_groups), dtype="str")
    out["n"] = counts.ravel()
    out["answered"] = np.repeat(answered, n_kinds)
    point = shares.ravel()
    out["share"] = point
    # percentiles of shares can stray from the point by rounding only
    out["share_low"] = np.fmin(low.ravel(), point)
    out["share_high"] = np.fmax(high.ravel(), point)
    return keep_source(out[[*by_cols, *ORGANISATION_SHARE_COLUMNS]], responses)


def _with_main_organisation(
    placements: pd.DataFrame,
    responses: pd.DataFrame,
    service: str,
    organisation: str,
    weight: str | None,
    by_cols: list[str],
) -> pd.DataFrame:
    """``placements`` with each service's main delivering organisation and its share."""
    g = _organisation_groups(
        responses, service=service, organisation=organisation, weight=weight, by=by_cols
    )
    shares, total = _kind_shares(g.kinds, g.weight, g.starts)
    named = total > 0
    main = np.argmax(np.where(np.isnan(shares), -1.0, shares), axis=1)  # first of equals
    kinds = np.array(ORGANISATION_KINDS, dtype=object)
    found = g.keys.assign(
        organisation=pd.Series(np.where(named, kinds[main], None), dtype="str"),
        organisation_share=np.where(named, shares[np.arange(len(main)), main], np.nan),
    )
    return placements.merge(found, on=[*by_cols, "service"], how="left", validate="1:1")


def cell_shares(
    responses: pd.DataFrame,
    *,
    service: str,
    planning: str,
    delivery: str,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    names: Mapping[tuple[Any, Any], str] | None = None,
) -> pd.DataFrame:
    """Share of each service's respondents whose answers fall in each of the 9 cells.

    Returns a tidy frame with columns ``[*by, "service", "planning",
    "delivery", "cell", "share", "n"]``: nine rows per service (cells nobody
    chose have share 0), planning/delivery as level names, ``cell`` the label
    (name or description, see :func:`cell_of`), ``share`` weighted when
    ``weight`` is given (shares sum to 1 within each service and group) and ``n``
    the unweighted number of respondents who answered that cell.
    """
    by_cols = by_list(by)
    g = _groups(
        responses, service=service, planning=planning, delivery=delivery, weight=weight, by=by_cols
    )
    n_groups = len(g.starts)
    gid = np.repeat(np.arange(n_groups), g.counts)
    cell_idx = gid * 9 + 3 * g.planning + g.delivery
    counts = np.bincount(cell_idx, minlength=9 * n_groups).reshape(n_groups, 9)
    if g.weight is None:
        mass = counts.astype(float)
    else:
        mass = np.bincount(cell_idx, weights=g.weight, minlength=9 * n_groups).reshape(n_groups, 9)
    shares = mass / mass.sum(axis=1, keepdims=True)
    out = g.keys.loc[np.repeat(np.arange(n_groups), 9)].reset_index(drop=True)
    out["planning"] = pd.Series(np.tile(np.repeat(PLANNING_LEVELS, 3), n_groups), dtype="str")
    out["delivery"] = pd.Series(np.tile(np.array(DELIVERY_LEVELS * 3), n_groups), dtype="str")
    out["cell"] = pd.Series(np.tile(np.array(_cell_labels(names)), n_groups), dtype="str")
    out["share"] = shares.ravel()
    out["n"] = counts.ravel().astype(np.int64)
    return out


def movement(
    responses: pd.DataFrame,
    *,
    service: str,
    wave: str,
    planning: str,
    delivery: str,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
    names: Mapping[tuple[Any, Any], str] | None = None,
    adjust: str | None = None,
) -> pd.DataFrame:
    """How far each service moved on the grid between consecutive survey waves.

    For each service (within ``by`` groups) and each pair of consecutive waves
    in which it was surveyed (waves sorted), the shift is the position in the
    later wave minus the position in the earlier one, on each axis. Waves are
    treated as independent samples: each wave is bootstrapped on its own (as in
    :func:`place_services`) and the replicates are differenced, giving
    percentile 95% intervals for the shifts.

    Returns columns ``[*by, "service", "wave_from", "wave_to", "planning_from",
    "delivery_from", "planning_to", "delivery_to", "planning_shift",
    "planning_shift_low", "planning_shift_high", "delivery_shift",
    "delivery_shift_low", "delivery_shift_high", "cell_from", "cell_to",
    "moved"]``; ``moved`` is True when either shift interval excludes 0. A
    service surveyed in only one wave has no rows. A pair in which either wave has fewer
    than two respondents is never marked ``moved`` (its interval cannot be trusted) and
    has no p-values.

    Many services tested on two axes will show some movers by chance: at the 5% level,
    about one shift in twenty where nothing moved (16 unmoved services on two axes give
    about 1.6). ``planning_p`` and ``delivery_p`` are two-sided bootstrap p-values for a
    shift of zero. ``adjust="holm"`` or ``"fdr_bh"`` (:data:`MOVEMENT_ADJUSTMENTS`)
    adjusts them over every test in the result (both axes, all comparisons and groups)
    and then ``moved`` means an adjusted p below 0.05: Holm when a single false mover
    would mislead (it keeps the chance of any at 5%), Benjamini-Hochberg when a few are
    acceptable among many real ones (at most 5% of movers expected to be false). An
    adjustment needs about ``40 * number of tests`` replicates, and says so. With
    ``adjust=None`` (the default), ``moved`` is the interval rule above, ``adjustment``
    is ``"none"`` and the adjusted p-values equal the raw ones.

    ``cell_change`` (:data:`CELL_CHANGES`) is ``"same cell"``, ``"changed cell"`` (the
    point crossed a cell boundary and the service ``moved``) or ``"within noise"`` (it
    crossed one with a shift the interval cannot tell from zero).
    """
    by_cols = by_list(by)
    adjustment = "none" if adjust is None else adjust
    if adjustment not in MOVEMENT_ADJUSTMENTS:
        raise ValueError(
            f"adjust must be None, 'holm' or 'fdr_bh' (Benjamini-Hochberg), not {adjust!r}"
        )
    if wave in by_cols:
        raise ValueError(f"the wave column {wave!r} cannot also be a 'by' column")
    require_columns(responses, [wave], what="the responses")
    n_boot = _check_n_boot(n_boot)
    # group order: by..., service, wave (wave last so consecutive rows are consecutive waves)
    g = _groups(
        responses,
        service=service,
        planning=planning,
        delivery=delivery,
        weight=weight,
        by=[*by_cols, wave],
    )
    rng = np.random.default_rng(seed)
    point_p, point_d, boot_p, boot_d = _bootstrap(g, n_boot, rng)
    keys = g.keys  # columns [*by, wave, "service"], sorted in that order
    order = keys.sort_values([*by_cols, "service", wave], kind="stable").index.to_numpy()
    skeys = keys.loc[order].reset_index(drop=True)
    ident = skeys[[*by_cols, "service"]]
    same = (ident.iloc[1:].reset_index(drop=True) == ident.iloc[:-1].reset_index(drop=True)).all(
        axis=1
    )
    pair_to = np.flatnonzero(same.to_numpy()) + 1
    a, b = order[pair_to - 1], order[pair_to]  # group ids of the earlier and later wave
    columns = [*by_cols, *MOVEMENT_COLUMNS]
    out = skeys.loc[pair_to, [*by_cols, "service"]].reset_index(drop=True)
    out["wave_from"] = keys[wave].iloc[a].reset_index(drop=True)
    out["wave_to"] = keys[wave].iloc[b].reset_index(drop=True)
    out["planning_from"] = point_p[a]
    out["delivery_from"] = point_d[a]
    out["planning_to"] = point_p[b]
    out["delivery_to"] = point_d[b]
    out["planning_shift"] = point_p[b] - point_p[a]
    out["delivery_shift"] = point_d[b] - point_d[a]
    if len(a):
        p_low, p_high = _interval(boot_p[:, b] - boot_p[:, a])
        d_low, d_high = _interval(boot_d[:, b] - boot_d[:, a])
        planning_p = _bootstrap_p(boot_p[:, b] - boot_p[:, a])
        delivery_p = _bootstrap_p(boot_d[:, b] - boot_d[:, a])
    else:
        p_low = p_high = d_low = d_high = planning_p = delivery_p = np.empty(0)
    out["planning_shift_low"] = np.minimum(p_low, out["planning_shift"].to_numpy())
    out["planning_shift_high"] = np.maximum(p_high, out["planning_shift"].to_numpy())
    out["delivery_shift_low"] = np.minimum(d_low, out["delivery_shift"].to_numpy())
    out["delivery_shift_high"] = np.maximum(d_high, out["delivery_shift"].to_numpy())
    labels = np.array(_cell_labels(names), dtype=object)
    if len(a):
        out["cell_from"] = pd.Series(labels[3 * cell_levels(point_p[a]) + cell_levels(point_d[a])])
        out["cell_to"] = pd.Series(labels[3 * cell_levels(point_p[b]) + cell_levels(point_d[b])])
    else:
        out["cell_from"] = pd.Series([], dtype="str")
        out["cell_to"] = pd.Series([], dtype="str")
    out["cell_from"] = out["cell_from"].astype("str")
    out["cell_to"] = out["cell_to"].astype("str")
    # A wave answered by one respondent has no bootstrap spread: its shift interval would
    # reflect the other wave only, so such a pair is never called a move.
    both_sampled = (g.counts[a] >= 2) & (g.counts[b] >= 2) if len(a) else np.empty(0, bool)
    planning_p = np.where(both_sampled, planning_p, np.nan)
    delivery_p = np.where(both_sampled, delivery_p, np.nan)
    out["planning_p"] = planning_p
    out["delivery_p"] = delivery_p
    out["adjustment"] = pd.Series([adjustment] * len(out), dtype="str")
    if adjustment == "none":
        out["planning_p_adjusted"] = planning_p
        out["delivery_p_adjusted"] = delivery_p
        clear = (
            (out["planning_shift_low"] > 0)
            | (out["planning_shift_high"] < 0)
            | (out["delivery_shift_low"] > 0)
            | (out["delivery_shift_high"] < 0)
        ).to_numpy()
    else:
        adjusted = _adjust_p(np.concatenate([planning_p, delivery_p]), adjustment, n_boot)
        out["planning_p_adjusted"] = adjusted[: len(out)]
        out["delivery_p_adjusted"] = adjusted[len(out) :]
        clear = np.fmin(adjusted[: len(out)], adjusted[len(out) :]) < 0.05
    out["moved"] = (clear & both_sampled).astype(bool)
    crossed = (out["cell_from"] != out["cell_to"]).to_numpy()
    out["cell_change"] = pd.Series(
        np.where(~crossed, "same cell", np.where(out["moved"], "changed cell", "within noise")),
        dtype="str",
    )
    return out[columns]


# -------------------------------------------------------------------------- summaries


def _row_label(row: Mapping[str, Any], by_cols: Sequence[str]) -> str:
    if not by_cols:
        return str(row["service"])
    context = ", ".join(str(row[c]) for c in by_cols)
    return f"{row['service']} ({context})"


def placement_summary(placements: pd.DataFrame) -> str:
    """A plain-language paragraph describing the output of :func:`place_services`.

    Says how many services were placed (and in how many groups), how many fall in
    each cell, and which placements are uncertain: their 95% interval crosses a
    cell boundary (0.5 or 1.5) on at least one axis.
    """
    by_cols = group_columns(placements, before="service", what="placements")
    if len(placements) == 0:
        return "No services were placed."
    n_services = placements["service"].nunique()
    n_rows = len(placements)
    text = f"{plural(n_services, 'service')} placed on the planning x delivery grid"
    if by_cols:
        n_groups = placements[by_cols].drop_duplicates().shape[0]
        text += (
            f" within {plural(n_groups, 'group')} of {join_words(by_cols)}"
            f" ({plural(n_rows, 'placement')} in all)"
        )
    text += ". "
    counts = placements["cell"].value_counts(sort=False)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    text += "By their point positions, " + join_words(
        [f"{n} in {cell!r}" for cell, n in ordered], limit=9
    )
    text += ". "
    uncertain = (
        (cell_levels(placements["planning_low"]) != cell_levels(placements["planning_high"]))
        | (cell_levels(placements["delivery_low"]) != cell_levels(placements["delivery_high"]))
    ).to_numpy()
    k = int(uncertain.sum())
    if k == 0:
        text += "Every placement is clear: no 95% interval crosses a cell boundary (0.5 or 1.5)."
    else:
        labels = [_row_label(row, by_cols) for row in placements.loc[uncertain].to_dict("records")]
        text += (
            f"{plural(k, 'placement is', 'placements are')} uncertain because the 95% interval "
            f"crosses a cell boundary (0.5 or 1.5) on at least one axis: {join_words(labels)}; "
            "their cell could be a neighbouring one."
        )
    degenerate = placements["n"] < 2
    if degenerate.any():
        text += (
            f" {plural(int(degenerate.sum()), 'placement rests', 'placements rest')} on a single "
            "respondent, so its interval shows no uncertainty and should not be trusted."
        )
    return wrap_text(text)


def _chance_text(moves: pd.DataFrame) -> str:
    """How many chance movers to expect among these tests, and what an adjustment did."""
    tests = int(moves["planning_p"].notna().sum() + moves["delivery_p"].notna().sum())
    if tests == 0:
        return ""
    adjustment = str(moves["adjustment"].iloc[0]) if "adjustment" in moves else "none"
    if adjustment == "none":
        return (
            f" Testing {plural(tests, 'shift')} at the 5% level, about {0.05 * tests:.1f} would "
            "pass by chance alone if nothing had moved; movement(adjust='holm') keeps the "
            "chance of any false mover at 5%, adjust='fdr_bh' the expected share of false "
            "movers among those called movers."
        )
    method = {"holm": "Holm's", "fdr_bh": "the Benjamini-Hochberg"}[adjustment]
    promise = {
        "holm": "the chance of calling any unmoved service a mover is at most 5%",
        "fdr_bh": "at most 5% of the services called movers are expected to be false ones",
    }[adjustment]
    return (
        f" Moves are judged by {method} adjustment over the {plural(tests, 'test')} "
        f"(adjusted p below 0.05), so {promise}."
    )


def movement_summary(moves: pd.DataFrame) -> str:
    """A plain-language paragraph describing the output of :func:`movement`.

    Says how many service comparisons between consecutive waves there are, which
    moved (a 95% interval of a shift excludes 0, or an adjusted p-value is below 0.05),
    in which direction and by how much, how many movers chance alone would give, and
    which changed cell, telling a change of cell with a clear shift from one within noise.
    """
    by_cols = group_columns(moves, before="service", what="moves")
    if len(moves) == 0:
        return "No service was surveyed in two waves, so no movement can be measured."
    n = len(moves)
    moved = moves[moves["moved"]]
    adjusted = "adjustment" in moves and (moves["adjustment"] != "none").any()
    rule = (
        "an adjusted p-value is below 0.05"
        if adjusted
        else "a 95% interval of a shift excludes zero"
    )
    text = f"{plural(n, 'comparison')} of a service between consecutive waves. "
    if len(moved) == 0:
        text += (
            "None moved: no adjusted p-value is below 0.05."
            if adjusted
            else "None moved: every 95% interval of the planning and delivery shifts includes zero."
        )
    else:
        parts = []
        for row in moved.to_dict("records"):
            shifts = []
            for axis in ("planning", "delivery"):
                low, high = row[f"{axis}_shift_low"], row[f"{axis}_shift_high"]
                clear = row[f"{axis}_p_adjusted"] < 0.05 if adjusted else (low > 0 or high < 0)
                if clear:
                    shift = row[f"{axis}_shift"]
                    direction = "towards community" if shift > 0 else "towards professionals"
                    shifts.append(f"{axis} {shift:+.2f} [{low:+.2f}, {high:+.2f}] {direction}")
            parts.append(
                f"{_row_label(row, by_cols)} {row['wave_from']} to {row['wave_to']}: "
                + "; ".join(shifts)
            )
        text += f"{len(moved)} moved ({rule}): " + join_words(parts, limit=10) + ". "
        text += f"The other {n - len(moved)} show no clear shift."
    if "planning_p" in moves:
        text += _chance_text(moves)
    crossed = moves["cell_from"] != moves["cell_to"]

    def _crossings(rows: pd.DataFrame) -> str:
        return join_words(
            [
                f"{_row_label(row, by_cols)} from {row['cell_from']!r} to {row['cell_to']!r}"
                for row in rows.to_dict("records")
            ],
            limit=10,
        )

    if (crossed & moves["moved"]).any():
        text += " Changed cell: " + _crossings(moves[crossed & moves["moved"]]) + "."
    if (crossed & ~moves["moved"]).any():
        text += (
            " Within noise: the point position crossed a cell boundary, but the shift cannot "
            "be told from zero, for " + _crossings(moves[crossed & ~moves["moved"]]) + "."
        )
    return wrap_text(text)

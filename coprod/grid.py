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
(:data:`CELL_BOUNDARIES`). Positions come with 95% intervals (:func:`place_services`):
a percentile bootstrap for unweighted answers, drawn as multinomial counts of the nine
answer combinations so its cost does not grow with the number of respondents, and the
Taylor-linearised survey interval for weighted ones (:data:`INTERVAL_METHODS`); a
placement is *uncertain* when its interval crosses a cut point.

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
    "INTERVAL_METHODS",
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
    "interval",
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
    "interval",
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
    "interval",
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
    if series.dtype == bool or (
        series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) != "string"
    ):
        # element by element: pd.factorize would treat True as 1 and 1.0 as 1 (all-string
        # columns go to factorize below: strings cannot be confused that way)
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

INTERVAL_METHODS: tuple[str, ...] = ("auto", "bootstrap", "linearised")
"""``interval=`` of :func:`place_services`, :func:`movement` and :func:`organisation_shares`.

- ``"bootstrap"``: the 95% percentile bootstrap that resamples respondents with replacement
  within each service (and group), both axes together. Unweighted answers can only take the
  nine planning x delivery combinations (an organisation answer only its kinds), so the
  resampled *counts* of each combination are drawn from a multinomial: the same
  distribution as resampling respondents, at a cost of groups x replicates x 9 whatever the
  number of respondents. Weighted answers are resampled the same way when the weights take
  few distinct values (each answer and weight is one category), else respondent by
  respondent (cost respondents x replicates).
- ``"linearised"``: the Taylor-linearised (ratio-mean) interval survey packages give for a
  weighted mean, ``mean +/- t(0.975, n - 1) * se`` with ``se^2 = n / (n - 1) * sum w_i^2
  (y_i - mean)^2 / (sum w)^2``, clipped to the scale: one pass over the data, no replicates.
- ``"auto"`` (the default): the bootstrap when unweighted, linearised when weighted, so the
  cost stays bounded whatever the number of respondents.

The result's ``interval`` column says which method gave each row (never ``"auto"``).
"""

# Categories x groups x replicates drawn at once by the multinomial bootstrap (memory bound).
_DRAWS_AT_ONCE = 4_000_000


@dataclass(frozen=True)
class _Groups:
    keys: pd.DataFrame  # one row per group, columns [*by, "service"], sorted by them
    gid: np.ndarray  # each row's group, rows in their own order
    planning: np.ndarray  # codes, rows in their own order
    delivery: np.ndarray
    weight: np.ndarray | None
    counts: np.ndarray  # respondents per group


def _check_interval(interval: str, weighted: bool) -> str:
    """The method ``interval=`` asks for: ``"bootstrap"`` or ``"linearised"``."""
    if not isinstance(interval, str) or interval not in INTERVAL_METHODS:
        raise ValueError(f"interval must be 'auto', 'bootstrap' or 'linearised', not {interval!r}")
    if interval == "auto":
        return "linearised" if weighted else "bootstrap"
    return interval


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


def _group_ids(
    responses: pd.DataFrame, key_cols: list[str], service: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The groups' keys (sorted; service column named ``service``), each row's group and
    each group's size. Key columns are factorised one at a time and their codes combined,
    so the rows are never sorted (a groupby on a categorical key was the slow step)."""
    n_rows = len(responses)
    gid = np.zeros(n_rows, dtype=np.int64)
    size = 1
    for col in key_cols:
        try:
            codes, uniques = pd.factorize(responses[col], sort=True)
        except TypeError:  # keys that cannot be ordered keep their order of appearance
            codes, uniques = pd.factorize(responses[col], sort=False)
        gid = gid * len(uniques) + codes
        size *= len(uniques)
        if size > 4 * n_rows:  # renumber the combinations seen: many keys cannot overflow
            _, gid = np.unique(gid, return_inverse=True)
            gid = gid.ravel()
            size = int(gid.max()) + 1
    counts = np.bincount(gid, minlength=size)
    seen = counts > 0
    if not seen.all():
        gid = (np.cumsum(seen) - 1)[gid]
        counts = counts[seen]
    firsts = pd.Series(gid).drop_duplicates()
    first = np.empty(len(counts), dtype=np.int64)
    first[firsts.to_numpy()] = firsts.index.to_numpy()
    keys = responses[key_cols].iloc[first].reset_index(drop=True)
    return keys.rename(columns={service: "service"}), gid, counts


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
    keys, gid, counts = _group_ids(responses, key_cols, service)
    if w is not None:
        totals = np.bincount(gid, weights=w, minlength=len(counts))
        if (totals <= 0).any():
            empty = keys[totals <= 0].to_dict("records")
            raise ValueError(
                f"Weight column {weight!r} sums to zero within {len(empty)} group(s), "
                f"e.g. {empty[:3]}; their position is undefined."
            )
    return _Groups(keys, gid, p, d, w, counts)


def _positions(g: _Groups) -> tuple[np.ndarray, np.ndarray]:
    """Point positions (G,) on both axes: the (weighted) mean codes."""
    n_groups = len(g.counts)
    if g.weight is None:
        den = g.counts.astype(float)
        num_p = np.bincount(g.gid, weights=g.planning, minlength=n_groups)
        num_d = np.bincount(g.gid, weights=g.delivery, minlength=n_groups)
    else:
        den = np.bincount(g.gid, weights=g.weight, minlength=n_groups)
        num_p = np.bincount(g.gid, weights=g.weight * g.planning, minlength=n_groups)
        num_d = np.bincount(g.gid, weights=g.weight * g.delivery, minlength=n_groups)
    return num_p / den, num_d / den


def _weight_categories(
    gid: np.ndarray, counts: np.ndarray, answer: np.ndarray, n_answers: int, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each group's count (G, K) of every distinct (weight, answer), with each category's
    weight and answer (K,): what a resample of respondents can change. None when the
    weights are so varied that resampling respondents is cheaper (a multinomial category
    costs about four respondents)."""
    if w is None:
        w_code, w_values = np.zeros(len(gid), dtype=np.int64), np.ones(1)
    else:
        w_code, uniques = pd.factorize(w)
        w_values = np.asarray(uniques, dtype=float)
        if 4 * len(counts) * n_answers * len(w_values) > len(gid):
            return None
    k = n_answers * len(w_values)
    cats = np.bincount(gid * k + w_code * n_answers + answer, minlength=len(counts) * k).reshape(
        len(counts), k
    )
    which = np.arange(k)
    return cats, w_values[which // n_answers], which % n_answers


def _resampled_counts(cats: np.ndarray, n_boot: int, rng: np.random.Generator):
    """Chunks ``(lo, hi, counts)`` of multinomial resamples (hi - lo, G, K) of ``cats``.

    Resampling a group's n respondents with replacement draws each category's count from
    a multinomial(n, category shares): this draws the counts, not the respondents."""
    n = cats.sum(axis=1)
    shares = cats / np.maximum(n, 1)[:, None]
    chunk = max(1, _DRAWS_AT_ONCE // max(cats.size, 1))
    for lo in range(0, n_boot, chunk):
        hi = min(n_boot, lo + chunk)
        yield lo, hi, rng.multinomial(n, shares, size=(hi - lo, len(n)))


def _row_order(gid: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by group, and each group's first position in that order."""
    order = np.argsort(gid, kind="stable")
    return order, np.concatenate(([0], np.cumsum(counts)[:-1]))


def _resampled_rows(counts: np.ndarray, n_boot: int, rng: np.random.Generator, per: int):
    """Chunks ``(lo, hi, idx)`` of respondent resamples: positions (hi - lo, N) into rows
    sorted by group, each drawn with replacement within its own group."""
    n_total = int(counts.sum())
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sizes = np.repeat(counts, counts)
    offsets = np.repeat(starts, counts)
    chunk = max(1, per // max(n_total, 1))
    for lo in range(0, n_boot, chunk):
        hi = min(n_boot, lo + chunk)
        draws = (rng.random((hi - lo, n_total)) * sizes).astype(np.int64)
        yield lo, hi, offsets + np.minimum(draws, sizes - 1)  # u * n can round up to n


def _bootstrap(
    g: _Groups, n_boot: int, rng: np.random.Generator, *, respondents: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates (n_boot, G) of the positions on both axes.

    Respondents are resampled with replacement within each group, both axes together (a
    respondent's two answers stay paired); weighted means use the resampled weights. When
    the answers take few distinct (weight, planning, delivery) values (always, unweighted)
    the resampled counts of those values are drawn instead (:func:`_resampled_counts`), the
    same distribution at a cost independent of the number of respondents (``respondents=True``
    resamples respondents anyway, for tests). A replicate whose resampled weights sum to 0 is
    undefined (NaN) and is left out of the percentiles."""
    n_groups = len(g.counts)
    boot_p = np.empty((n_boot, n_groups))
    boot_d = np.empty((n_boot, n_groups))
    combo = 3 * g.planning + g.delivery
    found = None if respondents else _weight_categories(g.gid, g.counts, combo, 9, g.weight)
    if found is not None:
        cats, w_cat, combo_cat = found
        wp, wd = w_cat * (combo_cat // 3), w_cat * (combo_cat % 3)
        for lo, hi, resampled in _resampled_counts(cats, n_boot, rng):
            den = resampled @ w_cat
            with np.errstate(invalid="ignore", divide="ignore"):
                boot_p[lo:hi] = np.where(den > 0, (resampled @ wp) / den, np.nan)
                boot_d[lo:hi] = np.where(den > 0, (resampled @ wd) / den, np.nan)
        return boot_p, boot_d
    order, starts = _row_order(g.gid, g.counts)
    w = np.ones(len(order)) if g.weight is None else g.weight[order]
    wp, wd = w * g.planning[order], w * g.delivery[order]
    for lo, hi, idx in _resampled_rows(g.counts, n_boot, rng, 2_000_000):
        den = np.add.reduceat(w[idx], starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot_p[lo:hi] = np.where(
                den > 0, np.add.reduceat(wp[idx], starts, axis=1) / den, np.nan
            )
            boot_d[lo:hi] = np.where(
                den > 0, np.add.reduceat(wd[idx], starts, axis=1) / den, np.nan
            )
    return boot_p, boot_d


def _linearised_variance(g: _Groups, point: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Taylor-linearised variance (G,) of each group's (weighted) mean of ``codes``:
    ``n / (n - 1) * sum w_i^2 (y_i - mean)^2 / (sum w)^2``, 0 for a single respondent."""
    n_groups = len(g.counts)
    w = np.ones(len(codes)) if g.weight is None else g.weight
    total = np.bincount(g.gid, weights=w, minlength=n_groups)
    spread = np.bincount(g.gid, weights=(w * (codes - point[g.gid])) ** 2, minlength=n_groups)
    n = g.counts.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, spread / total**2 * n / (n - 1), 0.0)


def _t_quantile(df: np.ndarray) -> np.ndarray:
    """The 97.5% quantile of Student's t on ``df`` degrees of freedom (0 where df < 1)."""
    from scipy.stats import t

    df = np.asarray(df, dtype=float)
    return np.where(df >= 1, t.ppf(0.975, np.maximum(df, 1)), 0.0)


def _t_interval(
    point: np.ndarray, variance: np.ndarray, df: np.ndarray, bounds: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """``point +/- t(0.975, df) * se``, clipped to ``bounds`` (the scale cannot be left)."""
    half = _t_quantile(df) * np.sqrt(np.maximum(variance, 0.0))
    return np.clip(point - half, *bounds), np.clip(point + half, *bounds)


def _t_p(shift: np.ndarray, variance: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided t-test p-values that a shift is zero (1 for no shift and no spread, 0 for
    a shift with none)."""
    from scipy.stats import t

    se = np.sqrt(np.maximum(variance, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.abs(shift) / se
    p = 2 * t.sf(np.where(se > 0, stat, 0.0), np.maximum(df, 1))
    return np.where(se > 0, p, np.where(np.abs(shift) > 1e-12, 0.0, 1.0))


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


def _adjust_p(p: np.ndarray, adjust: str, n_boot: int | None) -> np.ndarray:
    """``p`` adjusted for multiplicity over all its finite values (statsmodels);
    ``n_boot`` None when the p-values come from t-tests, not from replicates."""
    from statsmodels.stats.multitest import multipletests

    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    m = int(finite.sum())
    if m == 0:
        return out
    # Both methods first compare the smallest p with 0.05 / m; a bootstrap p cannot go
    # below 2 / (n_boot + 1), so too few replicates would make every shift look like noise.
    needed = math.ceil(2 * m / 0.05)
    if n_boot is not None and n_boot + 1 <= needed:
        raise ValueError(
            f"adjust={adjust!r} over {m} tests needs n_boot of at least {needed}: a "
            f"bootstrap p-value cannot go below 2 / (n_boot + 1) = {2 / (n_boot + 1):.4f}, "
            f"and the smallest p must be compared with 0.05 / {m} = {0.05 / m:.4f} "
            "(or use interval='linearised', whose t-test p-values need no replicates)"
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
    interval: str = "auto",
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
        ``numpy.random.default_rng`` (unused by a linearised interval).
    names
        Optional user names for cells, see :func:`cell_name`.
    organisation
        Optional column of the delivering organisation (kinds of
        :data:`coprod.vocab.ORGANISATION_KINDS`, as ``read_survey`` reads them): adds
        ``"organisation"``, the main delivering organisation (the kind with the largest
        weighted share of the answers naming one; a tie goes to the kind listed first),
        and ``"organisation_share"``, its share (missing when nobody named one). Shares
        with intervals: :func:`organisation_shares`.
    interval
        ``"auto"`` (default), ``"bootstrap"`` or ``"linearised"``
        (:data:`INTERVAL_METHODS`): how the 95% intervals are computed, see Notes.

    Returns
    -------
    DataFrame with one row per ``(*by, service)``, sorted, with columns
    ``[*by, "service", "n", "planning", "delivery", "planning_low",
    "planning_high", "delivery_low", "delivery_high", "cell", "interval"]``, with
    ``organisation=`` ``"organisation"`` and ``"organisation_share"``, and, when
    weighted, ``"weight_sum"`` and ``"effective_n"`` (Kish: (sum w)^2 / sum w^2).
    The service column is always called ``service`` in the output; ``interval`` says
    which method gave the intervals (``"bootstrap"`` or ``"linearised"``).

    Notes
    -----
    A position is the (weighted) mean code. With ``interval="bootstrap"`` its interval
    is the 2.5th-97.5th percentile of a bootstrap that resamples respondents with
    replacement within each service (and group), both axes together, recomputing the
    weighted mean with the resampled weights. Unweighted answers fall in the nine
    planning x delivery combinations, so the resampled counts of the combinations are
    drawn from a multinomial instead of resampling respondents one by one: the same
    bootstrap, at a cost bounded by groups x replicates x 9 (a million respondents take
    no longer than a hundred). With ``interval="linearised"`` the interval is the
    Taylor-linearised one survey packages give for a weighted (ratio) mean, ``mean +/-
    t(0.975, n - 1) * se`` with ``se^2 = n / (n - 1) * sum w_i^2 (y_i - mean)^2 /
    (sum w)^2``, clipped to [0, 2]: one pass over the data. ``"auto"`` takes the
    bootstrap for unweighted answers and the linearised interval for weighted ones
    (distinct weights would make the bootstrap cost respondents x replicates).

    A service with a single respondent (n = 1), or whose respondents all gave the same
    answer, gets a degenerate interval (low = high = position) under either method:
    neither can show uncertainty it has no data for, so treat such placements with
    care. ``cell`` is the label of the point position (:func:`cell_of`).
    """
    by_cols = by_list(by)
    n_boot = _check_n_boot(n_boot)
    method = _check_interval(interval, weight is not None)
    g = _groups(
        responses, service=service, planning=planning, delivery=delivery, weight=weight, by=by_cols
    )
    point_p, point_d = _positions(g)
    if method == "bootstrap":
        boot_p, boot_d = _bootstrap(g, n_boot, np.random.default_rng(seed))
        p_low, p_high = _interval(boot_p)
        d_low, d_high = _interval(boot_d)
    else:
        df = g.counts - 1
        p_low, p_high = _t_interval(
            point_p, _linearised_variance(g, point_p, g.planning), df, (0, 2)
        )
        d_low, d_high = _t_interval(
            point_d, _linearised_variance(g, point_d, g.delivery), df, (0, 2)
        )
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
    out["interval"] = pd.Series([method] * len(out), dtype="str")
    if organisation is not None:
        out = _with_main_organisation(out, responses, service, organisation, weight, by_cols)
    if g.weight is not None:
        w_sum = np.bincount(g.gid, weights=g.weight, minlength=len(g.counts))
        out["weight_sum"] = w_sum
        out["effective_n"] = w_sum**2 / np.bincount(
            g.gid, weights=g.weight**2, minlength=len(g.counts)
        )
    return out


# ------------------------------------------------------------- who delivers: organisations


@dataclass(frozen=True)
class _OrganisationGroups:
    keys: pd.DataFrame  # one row per group, columns [*by, "service"]
    gid: np.ndarray  # each row's group, rows in their own order
    kinds: np.ndarray  # index into ORGANISATION_KINDS, rows in their own order; -1 = no answer
    weight: np.ndarray | None
    counts: np.ndarray


def _organisation_codes(values: pd.Series) -> np.ndarray:
    """Each answer's index into ORGANISATION_KINDS; -1 for no answer, -2 for a non-kind."""
    code_of = {label_key(kind): i for i, kind in enumerate(ORGANISATION_KINDS)}
    try:  # each distinct answer read once
        factor, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    except TypeError:  # unhashable answers: read them one by one
        raw = values.astype(object).to_numpy()
        return np.array(
            [-1 if _is_missing(v) else code_of.get(label_key(v), -2) for v in raw], dtype=np.int64
        )
    lookup = [-1 if _is_missing(u) else code_of.get(label_key(u), -2) for u in uniques]
    return np.array([*lookup, -1], dtype=np.int64)[factor]  # factor -1 (missing) picks -1


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
    kinds = _organisation_codes(responses[organisation])
    bad = np.flatnonzero(kinds == -2)
    if bad.size:
        values = responses[organisation].astype(object).to_numpy()
        rows, numbered = row_numbers(responses.index, bad)
        shown = join_words(sorted({repr(values[i]) for i in bad}), limit=5)
        raise ValueError(
            f"column {organisation!r} has values that are not kinds of delivering organisation "
            f"({shown}) at {_show_rows(rows)} ({numbered}); the kinds are "
            + join_words([repr(k) for k in ORGANISATION_KINDS])
            + ". Read the survey with read_survey(levels={'organisation': {...}}) to map "
            "your words; nothing was guessed."
        )
    w = _check_weights(responses, weight) if weight is not None else None
    keys, gid, counts = _group_ids(responses, key_cols, service)
    return _OrganisationGroups(keys, gid, kinds, w, counts)


def _kind_masses(g: _OrganisationGroups, power: int = 1) -> np.ndarray:
    """Each group's sum (G, K) of ``weight ** power`` over the answers naming each kind."""
    n_groups, n_kinds = len(g.counts), len(ORGANISATION_KINDS)
    answered = g.kinds >= 0
    w = None if g.weight is None else g.weight[answered] ** power
    return np.bincount(
        g.gid[answered] * n_kinds + g.kinds[answered], weights=w, minlength=n_groups * n_kinds
    ).reshape(n_groups, n_kinds)


def _shares_of(mass: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares (..., K) of each kind among the answers naming one, and those answers'
    weight (...); NaN shares where nobody named one."""
    total = mass.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return mass / total[..., None], total


def _kind_shares(
    kinds: np.ndarray, weight: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted shares (B, G, K) of each kind among the answers naming one, and the weight
    of those answers (B, G), of respondents resampled into rows (B, N) sorted by group."""
    mass = np.stack(
        [
            np.add.reduceat(weight * (kinds == k), starts, axis=-1)
            for k in range(len(ORGANISATION_KINDS))
        ],
        axis=-1,
    )
    return _shares_of(mass)


def _organisation_bootstrap(
    g: _OrganisationGroups, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap replicates (n_boot, G, K) of the shares, resampling respondents within
    each group: as counts of each (weight, kind or no answer) when those are few (always,
    unweighted), else respondent by respondent (see :func:`_bootstrap`)."""
    n_groups, n_kinds = len(g.counts), len(ORGANISATION_KINDS)
    boot = np.empty((n_boot, n_groups, n_kinds))
    answer = np.where(g.kinds >= 0, g.kinds, n_kinds)  # "no answer" is a category too
    found = _weight_categories(g.gid, g.counts, answer, n_kinds + 1, g.weight)
    if found is not None:
        cats, w_cat, kind_cat = found
        # category -> kind mass: its weight when it names that kind, 0 for no answer
        to_mass = (kind_cat[:, None] == np.arange(n_kinds)[None, :]) * w_cat[:, None]
        for lo, hi, resampled in _resampled_counts(cats, n_boot, rng):
            boot[lo:hi], _ = _shares_of(resampled @ to_mass)
        return boot
    order, starts = _row_order(g.gid, g.counts)
    kinds, w = g.kinds[order], g.weight[order]
    for lo, hi, idx in _resampled_rows(g.counts, n_boot, rng, 1_000_000):
        boot[lo:hi], _ = _kind_shares(kinds[idx], w[idx], starts)
    return boot


def organisation_shares(
    responses: pd.DataFrame,
    *,
    service: str = "service",
    organisation: str = "organisation",
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
    interval: str = "auto",
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
    interval
        ``"auto"`` (default), ``"bootstrap"`` or ``"linearised"``
        (:data:`INTERVAL_METHODS`), as in :func:`place_services`.

    Returns
    -------
    A tidy frame, one row per ``(*by, service)`` and kind (every kind, in vocabulary
    order; kinds nobody named have share 0), columns ``[*by, "service",
    "organisation", "n", "answered", "share", "share_low", "share_high", "interval"]``:
    ``n`` the respondents naming the kind, ``answered`` those naming any kind, ``share``
    the (weighted) share of the answers naming one, and its 95% interval, with
    ``interval`` the method that gave it. The bootstrap resamples respondents with
    replacement within each service (and group) and recomputes the weighted share with
    the resampled weights; unweighted, the answers can only be one of the kinds or none,
    so the resampled counts of each are drawn from a multinomial (cost independent of
    the number of respondents). The linearised interval is the ratio-mean one of
    :func:`place_services` for a share of the answers naming a kind (respondents who
    named none count in ``n`` with nothing to add), clipped to [0, 1]. ``"auto"`` takes
    the bootstrap unweighted, linearised weighted. A service that nobody placed with an
    organisation has missing shares.
    """
    by_cols = by_list(by)
    n_boot = _check_n_boot(n_boot)
    method = _check_interval(interval, weight is not None)
    g = _organisation_groups(
        responses, service=service, organisation=organisation, weight=weight, by=by_cols
    )
    shares, total = _shares_of(_kind_masses(g))
    n_groups, n_kinds = shares.shape
    if method == "bootstrap":
        boot = _organisation_bootstrap(g, n_boot, np.random.default_rng(seed))
        low = np.full((n_groups, n_kinds), np.nan)
        high = np.full((n_groups, n_kinds), np.nan)
        ok = (~np.isnan(boot)).any(axis=0)
        if ok.any():
            with np.errstate(invalid="ignore"):
                low[ok], high[ok] = np.nanpercentile(boot[:, ok], [2.5, 97.5], axis=0)
    else:
        # linearised ratio R = sum w y / sum w x (x: named a kind, y: named this one), with
        # sum w^2 (y - R x)^2 = S (1 - 2R) + R^2 T over the answers (S this kind's, T all)
        squares = _kind_masses(g, power=2)
        n = g.counts.astype(float)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = squares * (1 - 2 * shares) + shares**2 * squares.sum(axis=1, keepdims=True)
            variance = np.where(n > 1, spread / total[:, None] ** 2 * n / (n - 1), 0.0)
        low, high = _t_interval(shares, variance, n - 1, (0, 1))
    counts = np.bincount(
        g.gid[g.kinds >= 0] * n_kinds + g.kinds[g.kinds >= 0], minlength=n_groups * n_kinds
    ).reshape(n_groups, n_kinds)
    answered = counts.sum(axis=1)
    out = g.keys.loc[np.repeat(np.arange(n_groups), n_kinds)].reset_index(drop=True)
    out["organisation"] = pd.Series(np.tile(np.array(ORGANISATION_KINDS), n_groups), dtype="str")
    out["n"] = counts.ravel().astype(np.int64)
    out["answered"] = np.repeat(answered, n_kinds).astype(np.int64)
    point = shares.ravel()
    out["share"] = point
    # percentiles of shares can stray from the point by rounding only
    out["share_low"] = np.fmin(low.ravel(), point)
    out["share_high"] = np.fmax(high.ravel(), point)
    out["interval"] = pd.Series([method] * len(out), dtype="str")
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
    shares, total = _shares_of(_kind_masses(g))
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
    n_groups = len(g.counts)
    cell_idx = g.gid * 9 + 3 * g.planning + g.delivery
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
    interval: str = "auto",
) -> pd.DataFrame:
    """How far each service moved on the grid between consecutive survey waves.

    For each service (within ``by`` groups) and each pair of consecutive waves
    in which it was surveyed (waves sorted), the shift is the position in the
    later wave minus the position in the earlier one, on each axis. Waves are
    treated as independent samples. ``interval`` (:data:`INTERVAL_METHODS`) says how
    the 95% intervals of the shifts are computed, as in :func:`place_services`:
    ``"bootstrap"`` bootstraps each wave on its own and differences the replicates
    (percentile intervals); ``"linearised"`` adds the two waves' linearised variances,
    ``var_a + var_b``, and takes ``shift +/- t(0.975, n_a + n_b - 2) * se``; ``"auto"``
    (default) is the bootstrap unweighted and linearised weighted. The result's
    ``interval`` column says which was used.

    Returns columns ``[*by, "service", "wave_from", "wave_to", "planning_from",
    "delivery_from", "planning_to", "delivery_to", "planning_shift",
    "planning_shift_low", "planning_shift_high", "delivery_shift",
    "delivery_shift_low", "delivery_shift_high", "cell_from", "cell_to",
    "moved", ..., "interval"]``; ``moved`` is True when either shift interval excludes 0.
    A service surveyed in only one wave has no rows. A pair in which either wave has fewer
    than two respondents is never marked ``moved`` (its interval cannot be trusted) and
    has no p-values.

    Many services tested on two axes will show some movers by chance: at the 5% level,
    about one shift in twenty where nothing moved (16 unmoved services on two axes give
    about 1.6). ``planning_p`` and ``delivery_p`` are two-sided p-values for a shift of
    zero, from the same method as the interval: bootstrap p-values, or the two-sided
    t-test's for a linearised interval (so a p below 0.05 matches an interval excluding
    zero either way). ``adjust="holm"`` or ``"fdr_bh"`` (:data:`MOVEMENT_ADJUSTMENTS`)
    adjusts them over every test in the result (both axes, all comparisons and groups)
    and then ``moved`` means an adjusted p below 0.05: Holm when a single false mover
    would mislead (it keeps the chance of any at 5%), Benjamini-Hochberg when a few are
    acceptable among many real ones (at most 5% of movers expected to be false). With
    the bootstrap an adjustment needs about ``40 * number of tests`` replicates, and says
    so. With ``adjust=None`` (the default), ``moved`` is the interval rule above,
    ``adjustment`` is ``"none"`` and the adjusted p-values equal the raw ones.

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
    method = _check_interval(interval, weight is not None)
    # group order: by..., service, wave (wave last so consecutive rows are consecutive waves)
    g = _groups(
        responses,
        service=service,
        planning=planning,
        delivery=delivery,
        weight=weight,
        by=[*by_cols, wave],
    )
    point_p, point_d = _positions(g)
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
    shift_p = point_p[b] - point_p[a]
    shift_d = point_d[b] - point_d[a]
    out["planning_shift"] = shift_p
    out["delivery_shift"] = shift_d
    if not len(a):
        p_low = p_high = d_low = d_high = planning_p = delivery_p = np.empty(0)
    elif method == "bootstrap":
        boot_p, boot_d = _bootstrap(g, n_boot, np.random.default_rng(seed))
        p_low, p_high = _interval(boot_p[:, b] - boot_p[:, a])
        d_low, d_high = _interval(boot_d[:, b] - boot_d[:, a])
        planning_p = _bootstrap_p(boot_p[:, b] - boot_p[:, a])
        delivery_p = _bootstrap_p(boot_d[:, b] - boot_d[:, a])
    else:
        # independent waves: the variances add, on the pooled degrees of freedom
        var_p = _linearised_variance(g, point_p, g.planning)
        var_d = _linearised_variance(g, point_d, g.delivery)
        df = g.counts[a] + g.counts[b] - 2
        p_low, p_high = _t_interval(shift_p, var_p[a] + var_p[b], df, (-2, 2))
        d_low, d_high = _t_interval(shift_d, var_d[a] + var_d[b], df, (-2, 2))
        planning_p = _t_p(shift_p, var_p[a] + var_p[b], df)
        delivery_p = _t_p(shift_d, var_d[a] + var_d[b], df)
    out["planning_shift_low"] = np.minimum(p_low, shift_p)
    out["planning_shift_high"] = np.maximum(p_high, shift_p)
    out["delivery_shift_low"] = np.minimum(d_low, shift_d)
    out["delivery_shift_high"] = np.maximum(d_high, shift_d)
    labels = np.array(_cell_labels(names), dtype=object)
    if len(a):
        out["cell_from"] = pd.Series(labels[3 * cell_levels(point_p[a]) + cell_levels(point_d[a])])
        out["cell_to"] = pd.Series(labels[3 * cell_levels(point_p[b]) + cell_levels(point_d[b])])
    else:
        out["cell_from"] = pd.Series([], dtype="str")
        out["cell_to"] = pd.Series([], dtype="str")
    out["cell_from"] = out["cell_from"].astype("str")
    out["cell_to"] = out["cell_to"].astype("str")
    # A wave answered by one respondent has no spread: its shift interval would reflect
    # the other wave only, so such a pair is never called a move.
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
        replicates = n_boot if method == "bootstrap" else None
        adjusted = _adjust_p(np.concatenate([planning_p, delivery_p]), adjustment, replicates)
        out["planning_p_adjusted"] = adjusted[: len(out)]
        out["delivery_p_adjusted"] = adjusted[len(out) :]
        clear = np.fmin(adjusted[: len(out)], adjusted[len(out) :]) < 0.05
    out["moved"] = (clear & both_sampled).astype(bool)
    crossed = (out["cell_from"] != out["cell_to"]).to_numpy()
    out["cell_change"] = pd.Series(
        np.where(~crossed, "same cell", np.where(out["moved"], "changed cell", "within noise")),
        dtype="str",
    )
    out["interval"] = pd.Series([method] * len(out), dtype="str")
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

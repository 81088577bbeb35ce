"""Placing a public body's engagement on Arnstein's ladder from survey answers.

A survey that asks residents *which engagement activities they took part in* (tick boxes)
can be read against Arnstein's (1969) ladder with a crosswalk from each activity to the
rung its typical form sits on (e.g. :data:`coprod.io.survey.TORONTO_ACTIVITY_RUNGS`). Two
views follow:

* :func:`activity_rungs`: how many respondents took part in each activity, and its rung;
* :func:`highest_rungs`: for each respondent, the highest rung among the City-led
  activities they ticked, tallied over respondents: how far up the ladder residents'
  experience reaches.

The crosswalk is a judgement about activities, not a measurement of each respondent's
experience; the notebook ``01_grid`` discusses what a survey would have to ask to do better.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from coprod._core.text import wrap_text
from coprod.grid import arnstein_ladder
from coprod.provenance import keep_source

__all__ = ["activity_rungs", "highest_rungs", "ladder_summary"]


NO_RUNG = "no City-led activity ticked"


def _check(data: pd.DataFrame, crosswalk: Mapping[str, int | None], weight: str | None) -> None:
    missing = [c for c in crosswalk if c not in data.columns]
    if missing:
        raise KeyError(f"activity columns not in the data: {missing}; it has {list(data.columns)}")
    bad_rungs = {a: r for a, r in crosswalk.items() if r is not None and r not in range(1, 9)}
    if bad_rungs:
        raise ValueError(f"rungs run from 1 to 8 (or None for not City-led); got {bad_rungs}")
    for column in crosswalk:
        if not pd.api.types.is_bool_dtype(data[column]):
            raise TypeError(
                f"activity column {column!r} must hold True/False ticks (read it with "
                f"read_survey(..., ticks=...)); it has dtype {data[column].dtype}"
            )
    if weight is not None and (data[weight].isna().any() or (data[weight] < 0).any()):
        raise ValueError(f"weight column {weight!r} has missing or negative values")


def _weights(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    return np.ones(len(data)) if weight is None else data[weight].to_numpy(dtype=float)


def activity_rungs(
    data: pd.DataFrame, *, crosswalk: Mapping[str, int | None], weight: str | None = None
) -> pd.DataFrame:
    """One row per activity: ``activity, rung, rung_name, group, n_ticked, n, share``.

    ``share`` is the (weighted) share of all ``n`` respondents who ticked the activity.
    Activities mapped to None (citizen-initiated) have no rung and group "not City-led".
    Sorted by rung (highest first), then share.
    """
    _check(data, crosswalk, weight)
    ladder = arnstein_ladder().set_index("rung")
    w = _weights(data, weight)
    rows = []
    for activity, rung in crosswalk.items():
        ticked = data[activity].to_numpy(dtype=bool)
        rows.append(
            {
                "activity": activity,
                "rung": rung,
                "rung_name": ladder.loc[rung, "name"] if rung else None,
                "group": ladder.loc[rung, "group"] if rung else "not City-led",
                "n_ticked": int(ticked.sum()),
                "n": len(data),
                "share": float(w[ticked].sum() / w.sum()) if len(data) else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    table["rung"] = table["rung"].astype("Int64")
    order = table["rung"].fillna(0).astype(int)
    table = (
        table.assign(_order=order)
        .sort_values(["_order", "share"], ascending=[False, False], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return keep_source(table, data)


def highest_rungs(
    data: pd.DataFrame, *, crosswalk: Mapping[str, int | None], weight: str | None = None
) -> pd.DataFrame:
    """How far up the ladder each respondent's engagement reaches, tallied.

    For every respondent, the highest rung among the City-led activities they ticked (none
    ticked -> :data:`NO_RUNG`). Returns one row per rung 1-8 plus that row (``rung`` 0):
    ``rung, name, group, n, share``; every rung appears (zeros included), shares sum to 1.
    """
    _check(data, crosswalk, weight)
    city_led = {a: r for a, r in crosswalk.items() if r is not None}
    ticks = data[list(city_led)].to_numpy(dtype=bool)
    rungs = np.array(list(city_led.values()))
    highest = np.where(ticks, rungs, 0).max(axis=1) if len(city_led) else np.zeros(len(data))
    w = _weights(data, weight)
    ladder = arnstein_ladder()
    table = pd.concat(
        [pd.DataFrame({"rung": [0], "name": [NO_RUNG], "group": ["none"]}), ladder],
        ignore_index=True,
    )
    table["n"] = [int((highest == r).sum()) for r in table["rung"]]
    table["share"] = [float(w[highest == r].sum() / w.sum()) for r in table["rung"]]
    return keep_source(table, data)


def ladder_summary(highest: pd.DataFrame) -> str:
    """Plain words for a :func:`highest_rungs` table."""
    total = int(highest["n"].sum())
    by_group = highest.groupby("group", sort=False)["share"].sum()
    none = by_group.get("none", 0.0)
    top = highest[highest["rung"] > 0].sort_values("share", ascending=False).iloc[0]
    parts = [
        f"Of {total:,} respondents, {none:.0%} ticked no City-led activity.",
        f"For {by_group.get('Non-participation', 0) + by_group.get('Tokenism', 0):.0%} the "
        "highest rung reached was non-participation or tokenism, and for "
        f"{by_group.get('Citizen power', 0):.0%} it was citizen power.",
        f"The most common highest rung was {top['rung']} ({top['name']}, {top['share']:.0%}).",
    ]
    return wrap_text(" ".join(parts))

"""Placing a public body's engagement on Arnstein's ladder from survey answers.

A survey that asks residents *which engagement activities they took part in* (tick boxes)
can be read against Arnstein's (1969) ladder with a crosswalk from each activity to the
rung its typical form sits on (e.g. :data:`coprod.io.survey.TORONTO_ACTIVITY_RUNGS`). Two
views follow:

* :func:`activity_rungs`: how many respondents took part in each activity, and its rung;
* :func:`highest_rungs`: for each respondent, the highest rung among the City-led
  activities they ticked, tallied over respondents: how far up the ladder residents'
  experience reaches.

Consultation (rung 4) can come before professionals make a plan (a questionnaire on what is
needed) or after, on their proposals. The blog post tells the two apart though Arnstein's
ladder does not, so both functions take an optional ``timing=`` mapping from consultation
activities to "before a plan is made" or "on proposals" (:data:`ACTIVITY_TIMINGS`, the
consulted timings of :data:`coprod.vocab.CONSULTATION_TIMINGS`); ``highest_rungs`` then
splits the consultation rung by when its respondents were consulted.

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
from coprod.vocab import CONSULTATION_TIMINGS

__all__ = [
    "ACTIVITY_TIMINGS",
    "CONSULTATION_RUNG",
    "NO_RUNG",
    "TIMING_SPLITS",
    "activity_rungs",
    "highest_rungs",
    "ladder_summary",
]


NO_RUNG = "no City-led activity ticked"
CONSULTATION_RUNG = 4
ACTIVITY_TIMINGS: tuple[str, ...] = tuple(t for t in CONSULTATION_TIMINGS if t != "not consulted")
"""When a consultation activity consults: "before a plan is made" or "on proposals"."""
TIMING_SPLITS: tuple[str, ...] = (*ACTIVITY_TIMINGS, "both", "not recorded")
"""How ``highest_rungs(timing=...)`` splits the consultation rung: consulted only before
planning, only on proposals, both, or only through activities whose timing is not recorded."""


def _check_timing(
    crosswalk: Mapping[str, int | None], timing: Mapping[str, str] | None
) -> dict[str, str]:
    if timing is None:
        return {}
    unknown = [a for a in timing if a not in crosswalk]
    if unknown:
        raise KeyError(f"timing names activities not in the crosswalk: {unknown}")
    not_consultation = {a: crosswalk[a] for a in timing if crosswalk[a] != CONSULTATION_RUNG}
    if not_consultation:
        raise ValueError(
            "timing is recorded for consultation activities (rung 4) only; these are on "
            f"other rungs: {not_consultation}"
        )
    bad = {a: t for a, t in timing.items() if t not in ACTIVITY_TIMINGS}
    if bad:
        raise ValueError(f"timings must be one of {list(ACTIVITY_TIMINGS)}; got {bad}")
    return dict(timing)


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
    data: pd.DataFrame,
    *,
    crosswalk: Mapping[str, int | None],
    weight: str | None = None,
    timing: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per activity: ``activity, rung, rung_name, group, timing, n_ticked, n, share``.

    ``share`` is the (weighted) share of all ``n`` respondents who ticked the activity.
    Activities mapped to None (citizen-initiated) have no rung and group "not City-led".
    ``timing`` is when a consultation activity consults (``timing=`` maps activities on
    rung 4 to "before a plan is made" or "on proposals"), missing elsewhere.
    Sorted by rung (highest first), then share.
    """
    _check(data, crosswalk, weight)
    timings = _check_timing(crosswalk, timing)
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
                "timing": timings.get(activity),
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
    data: pd.DataFrame,
    *,
    crosswalk: Mapping[str, int | None],
    weight: str | None = None,
    timing: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """How far up the ladder each respondent's engagement reaches, tallied.

    For every respondent, the highest rung among the City-led activities they ticked (none
    ticked -> :data:`NO_RUNG`). Returns one row per rung 1-8 plus that row (``rung`` 0):
    ``rung, name, group, timing, n, share``; every rung appears (zeros included), shares
    sum to 1.

    With ``timing=`` (consultation activities -> "before a plan is made" / "on proposals"), the
    consultation rung is split by when those whose highest rung it is were consulted
    (:data:`TIMING_SPLITS`: only before planning, only on proposals, both, or only through
    activities with no timing recorded; the last row appears only if some consultation
    activity has none). ``timing`` is missing on every other row, and on the consultation
    row when no ``timing=`` is given.
    """
    _check(data, crosswalk, weight)
    timings = _check_timing(crosswalk, timing)
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
    table.insert(3, "timing", None)
    masks = [highest == r for r in table["rung"]]
    if timings:
        table, masks = _split_consultation(table, masks, data, crosswalk, timings)
    table["n"] = [int(mask.sum()) for mask in masks]
    table["share"] = [float(w[mask].sum() / w.sum()) for mask in masks]
    return keep_source(table.reset_index(drop=True), data)


def _split_consultation(
    table: pd.DataFrame,
    masks: list[np.ndarray],
    data: pd.DataFrame,
    crosswalk: Mapping[str, int | None],
    timings: Mapping[str, str],
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The consultation row replaced by one row per :data:`TIMING_SPLITS` kind."""
    at = int(np.flatnonzero(table["rung"].to_numpy() == CONSULTATION_RUNG)[0])
    consulted = masks[at]

    def ticked(kind: str) -> np.ndarray:
        columns = [a for a, t in timings.items() if t == kind]
        if not columns:
            return np.zeros(len(data), dtype=bool)
        return data[columns].to_numpy(dtype=bool).any(axis=1)

    before, after = ticked("before a plan is made"), ticked("on proposals")
    splits = {
        "before a plan is made": consulted & before & ~after,
        "on proposals": consulted & after & ~before,
        "both": consulted & before & after,
        "not recorded": consulted & ~before & ~after,
    }
    untimed = [a for a, r in crosswalk.items() if r == CONSULTATION_RUNG and a not in timings]
    kinds = [k for k in TIMING_SPLITS if k != "not recorded" or untimed]
    rows = pd.DataFrame([table.iloc[at].to_dict() | {"timing": k} for k in kinds])
    table = pd.concat([table.iloc[:at], rows, table.iloc[at + 1 :]], ignore_index=True)
    masks = [*masks[:at], *(splits[k] for k in kinds), *masks[at + 1 :]]
    return table, masks


def ladder_summary(highest: pd.DataFrame) -> str:
    """Plain words for a :func:`highest_rungs` table."""
    total = int(highest["n"].sum())
    by_group = highest.groupby("group", sort=False)["share"].sum()
    none = by_group.get("none", 0.0)
    rungs = highest.groupby(["rung", "name"], sort=False, as_index=False)["share"].sum()
    top = rungs[rungs["rung"] > 0].sort_values("share", ascending=False).iloc[0]
    parts = [
        f"Of {total:,} respondents, {none:.0%} ticked no City-led activity.",
        f"For {by_group.get('Non-participation', 0) + by_group.get('Tokenism', 0):.0%} the "
        "highest rung reached was non-participation or tokenism, and for "
        f"{by_group.get('Citizen power', 0):.0%} it was citizen power.",
        f"The most common highest rung was {top['rung']} ({top['name']}, {top['share']:.0%}).",
    ]
    timed = highest["timing"].notna() if "timing" in highest else pd.Series(False, highest.index)
    split = highest[(highest["rung"] == CONSULTATION_RUNG) & timed]
    if len(split):
        shares = dict(zip(split["timing"], split["share"], strict=True))
        words = {
            "before a plan is made": "only before a plan was made",
            "on proposals": "only on proposals already made",
            "both": "both before planning and on proposals",
            "not recorded": "only through activities whose timing is not recorded",
        }
        parts.append(
            f"Consultation was the highest rung for {split['share'].sum():.0%}: "
            + ", ".join(f"{shares[k]:.0%} {words[k]}" for k in TIMING_SPLITS if k in shares)
            + " (shares of all respondents)."
        )
    return wrap_text(" ".join(parts))

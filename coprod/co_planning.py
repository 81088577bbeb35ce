"""The co-planning signal: join SPC on complaints with the surveyed planning position.

Where professionals lead planning, a rising number or seriousness of complaints is a
reason to consider co-planning (Bovaird; see the reference post).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod.timeseries.spc import RULE_COLUMNS, fired_rules

__all__ = [
    "co_planning_summary",
    "consider_co_planning",
    "decision_rule",
]


# --------------------------------------------------------------------------- co-planning signal

CO_PLANNING_RULE = (
    "A service is flagged 'consider co-planning' when (a) the number or the seriousness of its "
    "complaints shows special-cause concern on an SPC chart in at least {min_points} of the "
    "last {recent} periods, and (b) its planning is professional-led: its surveyed planning position is "
    "below {threshold} (the professionals column of the grid). Without survey placements, "
    "(b) cannot be checked and is assumed, and the reason says so."
)


def _recent_concern(
    result: pd.DataFrame, service: str, recent: int, min_points: int
) -> pd.DataFrame:
    """Per service: concern in the last ``recent`` periods, the rules, and since when."""
    rows = []
    for name, group in result.sort_values("period").groupby(service, sort=True):
        tail = group.tail(recent)
        concern = tail["variation"].eq("special_cause_concern").sum() >= min_points
        since, rules = pd.NaT, ""
        if concern:
            # The signal's start: walk back from the last concern point while points are flagged.
            flagged = group["variation"].eq("special_cause_concern").to_numpy()
            last = int(np.flatnonzero(flagged)[-1])
            first = last
            while first > 0 and flagged[first - 1]:
                first -= 1
            since = group["period"].iloc[first]
            # A concern here is a rise: rules that fired on the rising side only (a
            # downward run or trend, or points beyond the lower lines, fired at the same
            # points are not part of the reason).
            signal = group.iloc[first : last + 1]
            above = signal["side"] > 0
            rising = signal.assign(
                rule_outside=signal["rule_outside"] & above,
                rule_run=signal["rule_run"] & above,
                rule_trend_falling=False,
                rule_two_of_three=signal["rule_two_of_three"] & above,
            )
            rules = "; ".join(sorted(fired_rules(rising)))
        rows.append({service: name, "concern": bool(concern), "rule": rules, "since": since})
    return pd.DataFrame(rows)


def consider_co_planning(
    count_spc: pd.DataFrame,
    seriousness_spc: pd.DataFrame | None = None,
    *,
    placements: pd.DataFrame | None = None,
    service: str = "service",
    recent: int = 6,
    min_points: int = 2,
    professional_led_below: float = 0.5,
) -> pd.DataFrame:
    """Which services should consider co-planning, and why, in plain words.

    Parameters
    ----------
    count_spc, seriousness_spc
        Results of :func:`coprod.timeseries.spc.spc` with ``by=service``: for the number (or rate) of
        complaints, and optionally for their seriousness index. Both must have been computed
        with ``higher_is_better=False`` so that a rise is "special_cause_concern".
    placements
        Optional result of :func:`coprod.grid.place_services` for the same services. When
        given, only services whose planning is professional-led are flagged.
    recent, min_points
        A measure shows concern when at least ``min_points`` of its latest ``recent``
        periods are special-cause concern. One flagged point is too often chance: on
        stable synthetic logs with the four MDC rules and a 24-month baseline, about 9% of
        series have one concern point in any six months, about 3% have two (see
        ``tests/test_co_planning.py``), while a planted rise is found every time.
    professional_led_below
        Planning positions below this (default 0.5, the professionals column) count as
        professional-led.

    Returns
    -------
    One row per service: ``service, consider_co_planning, count_concern, count_rule,
    count_since, seriousness_concern, seriousness_rule, seriousness_since, planning,
    planning_low, planning_high, professional_led, reason``, then the settings ``recent,
    min_points, professional_led_below``. :func:`decision_rule` says the rule in words;
    every input to it is a column, so nothing is hidden.
    """
    if recent < 1 or not 1 <= min_points <= recent:
        raise ValueError("need recent >= 1 and 1 <= min_points <= recent")
    for name, result in (("count_spc", count_spc), ("seriousness_spc", seriousness_spc)):
        if result is None:
            continue
        require_columns(
            result,
            [service, "period", "variation", *RULE_COLUMNS],
            what=name,
            hint=f"pass the result of coprod.timeseries.spc.spc(..., by={service!r})",
        )
    table = _recent_concern(count_spc, service, recent, min_points).rename(
        columns={"concern": "count_concern", "rule": "count_rule", "since": "count_since"}
    )
    if seriousness_spc is not None:
        serious = _recent_concern(seriousness_spc, service, recent, min_points).rename(
            columns={
                "concern": "seriousness_concern",
                "rule": "seriousness_rule",
                "since": "seriousness_since",
            }
        )
        table = table.merge(serious, on=service, how="outer")
    else:
        table["seriousness_concern"] = False
        table["seriousness_rule"] = ""
        table["seriousness_since"] = pd.NaT
    for column in ("count_concern", "seriousness_concern"):
        table[column] = table[column].fillna(False).astype(bool)
    for column in ("count_rule", "seriousness_rule"):
        table[column] = table[column].fillna("")

    if placements is not None:
        if service not in placements.columns and "service" in placements.columns:
            placements = placements.rename(columns={"service": service})  # place_services' name
        if placements[service].duplicated().any():
            raise ValueError(
                "placements has more than one row per service: pass one council and one wave "
                "(e.g. place_services(...) on a single wave)"
            )
        placed = placements[[service, "planning", "planning_low", "planning_high"]]
        table = table.merge(placed, on=service, how="left")
        table["professional_led"] = (table["planning"].round(9) < professional_led_below).where(
            table["planning"].notna()
        )
    else:
        table["planning"] = np.nan
        table["planning_low"] = np.nan
        table["planning_high"] = np.nan
        table["professional_led"] = pd.NA
    concern = table["count_concern"] | table["seriousness_concern"]
    led = table["professional_led"].astype("boolean")
    table["consider_co_planning"] = concern & led.fillna(placements is None).astype(bool)
    table["reason"] = [
        _reason(row, recent, professional_led_below, placements is not None)
        for row in table.to_dict("records")
    ]
    columns = [
        service,
        "consider_co_planning",
        "count_concern",
        "count_rule",
        "count_since",
        "seriousness_concern",
        "seriousness_rule",
        "seriousness_since",
        "planning",
        "planning_low",
        "planning_high",
        "professional_led",
        "reason",
    ]
    # the settings of the decision travel with its rows
    table["recent"] = recent
    table["min_points"] = min_points
    table["professional_led_below"] = professional_led_below
    columns += ["recent", "min_points", "professional_led_below"]
    out = (
        table[columns]
        .sort_values(["consider_co_planning", service], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    out.attrs["generated_text"] = ("count_rule", "seriousness_rule", "reason")
    return out


def _month(value) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def _reason(row: dict, recent: int, threshold: float, have_placements: bool) -> str:
    signals = []
    if row["count_concern"]:
        signals.append(
            f"the number of complaints shows special-cause concern ({row['count_rule']}) "
            f"since {_month(row['count_since'])}"
        )
    if row["seriousness_concern"]:
        signals.append(
            f"the seriousness of complaints shows special-cause concern "
            f"({row['seriousness_rule']}) since {_month(row['seriousness_since'])}"
        )
    if not signals:
        return f"No sustained special-cause concern in complaints in the last {recent} periods."
    said = " and ".join(signals)
    if not have_placements:
        return (
            f"Consider co-planning: {said}. No survey placement was given, so whether planning "
            "is professional-led was not checked."
        )
    if pd.isna(row["planning"]):
        return f"Check: {said}, but this service has no survey placement to say who plans it."
    where = (
        f"planning position {row['planning']:.2f} "
        f"(95% interval {row['planning_low']:.2f} to {row['planning_high']:.2f})"
    )
    if row["professional_led"]:
        return f"Consider co-planning: {said}, and planning is professional-led ({where})."
    return (
        f"Complaints need attention: {said}; but planning is already shared ({where}, at or "
        f"above {threshold}), so co-planning is not the obvious next step: look at delivery "
        "and at how complaints are handled."
    )


def decision_rule(table: pd.DataFrame) -> str:
    """The rule a :func:`consider_co_planning` table applied, in words (from its settings
    columns)."""
    settings = table[["recent", "min_points", "professional_led_below"]].drop_duplicates()
    if len(settings) != 1:
        raise ValueError("the table mixes consider_co_planning results with different settings")
    recent, min_points, threshold = settings.iloc[0].tolist()
    return CO_PLANNING_RULE.format(
        recent=int(recent), min_points=int(min_points), threshold=threshold
    )


def co_planning_summary(table: pd.DataFrame, *, service: str = "service") -> str:
    """Plain words for a :func:`consider_co_planning` table."""
    flagged = table.loc[table["consider_co_planning"], service].tolist()
    concern = table.loc[
        (table["count_concern"] | table["seriousness_concern"]) & ~table["consider_co_planning"],
        service,
    ].tolist()
    parts = [f"{len(table)} services checked."]
    if flagged:
        parts.append(f"Consider co-planning: {', '.join(flagged)}.")
    else:
        parts.append("No service is flagged to consider co-planning.")
    if concern:
        parts.append(
            f"Complaints show concern but planning is not professional-led (or unknown): "
            f"{', '.join(concern)}."
        )
    parts.append(f"Rule: {decision_rule(table)}")
    return " ".join(parts)

"""The co-planning signal: join SPC on complaints with the surveyed planning position.

Where professionals lead planning, a rising number or seriousness of complaints is a
reason to consider co-planning (Bovaird; see the reference post).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coprod._core.columns import group_columns, require_columns
from coprod._core.text import plural, wrap_text
from coprod.provenance import keep_source
from coprod.timeseries.spc import RULE_COLUMNS, fired_rules

__all__ = [
    "DECISIONS",
    "co_planning_summary",
    "consider_co_planning",
    "decision_rule",
    "survey_columns",
]


# --------------------------------------------------------------------------- co-planning signal

# The survey position columns a table carries (delivery too, so a chart can place it).
_POSITION_COLUMNS = (
    "planning",
    "planning_low",
    "planning_high",
    "delivery",
    "delivery_low",
    "delivery_high",
)

CO_PLANNING_RULE = (
    "A service is flagged 'consider co-planning' when (a) the number or the seriousness of its "
    "complaints shows special-cause concern on an SPC chart in at least {min_points} of the "
    "last {recent} periods, as part of a signal at least {sustained_points} periods long, and "
    "(b) its planning is professional-led: its surveyed planning position is below "
    "{threshold} (the professionals column of the grid). A shorter signal is one to watch: "
    "stable services show one by chance. Without survey placements, (b) cannot be checked "
    "and is assumed, and the reason says so."
)

#: What the table's ``decision`` column says, from the strongest call to none.
DECISIONS = (
    "consider co-planning",
    "look at delivery",
    "check placement",
    "watch",
    "no concern",
)


def _recent_concern(
    result: pd.DataFrame, service: str, recent: int, min_points: int
) -> pd.DataFrame:
    """Per service: concern in the last ``recent`` periods, the rules, since when, the
    signal's length in periods and the rule that flagged most of its points."""
    rows = []
    for name, group in result.sort_values("period").groupby(service, sort=True):
        tail = group.tail(recent)
        concern = tail["variation"].eq("special_cause_concern").sum() >= min_points
        since, rules, points, main = pd.NaT, "", 0, ""
        if concern:
            # The signal: walk back from the last concern point through the concern points
            # before it, over a one-period gap only where two of three beyond 2 sigma
            # flagged the later point (that rule flags points with one between them).
            flagged = np.flatnonzero(group["variation"].eq("special_cause_concern").to_numpy())
            two_of_three = group["rule_two_of_three"].to_numpy(dtype=bool)
            k = len(flagged) - 1
            while k > 0 and (
                flagged[k] - flagged[k - 1] == 1
                or (flagged[k] - flagged[k - 1] == 2 and two_of_three[flagged[k]])
            ):
                k -= 1
            first, last = int(flagged[k]), int(flagged[-1])
            points = len(flagged) - k
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
            fired = fired_rules(rising)
            rules = "; ".join(sorted(fired))
            # the rule behind most of the signal's points (ties: the rule column's order)
            main = max(fired, key=lambda rule: len(fired[rule]), default="")
        rows.append(
            {
                service: name,
                "concern": bool(concern),
                "rule": rules,
                "since": since,
                "points": points,
                "main_rule": main,
            }
        )
    return pd.DataFrame(rows)


def consider_co_planning(
    count_spc: pd.DataFrame,
    seriousness_spc: pd.DataFrame | None = None,
    *,
    placements: pd.DataFrame | None = None,
    service: str = "service",
    recent: int = 6,
    min_points: int = 2,
    sustained_points: int = 12,
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
    sustained_points
        A concern is a reason to consider co-planning when its signal (the run of
        concern points up to the latest) is at least this many periods long; shorter, it
        is one to ``"watch"``. Short signals are common by chance across a council's
        services and measures (on the stable logs of the tests, about one series in
        thirty has one at any time), signals of a year or more almost never are.
    professional_led_below
        Planning positions below this (default 0.5, the professionals column) count as
        professional-led.

    Returns
    -------
    One row per service: ``service, consider_co_planning, decision, count_concern,
    count_rule, count_main_rule, count_since, count_points``, the same four for
    ``seriousness``, the placements' group columns (e.g. ``council, wave``: the survey
    the positions come from), ``planning, planning_low, planning_high, delivery,
    delivery_low, delivery_high, professional_led, reason``, then the settings
    ``recent, min_points, sustained_points, professional_led_below``. ``decision`` is
    one of :data:`DECISIONS`; ``*_points`` counts the signal's concern points (0
    without concern) and ``*_main_rule`` the rule behind most of its points.
    :func:`decision_rule` says the rule in words; every input to it is a column, so
    nothing is hidden.
    """
    if recent < 1 or not 1 <= min_points <= recent:
        raise ValueError("need recent >= 1 and 1 <= min_points <= recent")
    if sustained_points < 1:
        raise ValueError("need sustained_points >= 1")
    for name, result in (("count_spc", count_spc), ("seriousness_spc", seriousness_spc)):
        if result is None:
            continue
        require_columns(
            result,
            [service, "period", "variation", *RULE_COLUMNS],
            what=name,
            hint=f"pass the result of coprod.timeseries.spc.spc(..., by={service!r})",
        )

    def measured(result: pd.DataFrame, measure: str) -> pd.DataFrame:
        found = _recent_concern(result, service, recent, min_points)
        return found.rename(columns={c: f"{measure}_{c}" for c in found.columns if c != service})

    table = measured(count_spc, "count")
    if seriousness_spc is not None:
        table = table.merge(measured(seriousness_spc, "seriousness"), on=service, how="outer")
    else:
        table = table.assign(
            seriousness_concern=False,
            seriousness_rule="",
            seriousness_since=pd.NaT,
            seriousness_points=0,
            seriousness_main_rule="",
        )
    for measure in ("count", "seriousness"):
        table[f"{measure}_concern"] = table[f"{measure}_concern"].fillna(False).astype(bool)
        for column in ("rule", "main_rule"):
            table[f"{measure}_{column}"] = table[f"{measure}_{column}"].fillna("")
        table[f"{measure}_points"] = table[f"{measure}_points"].fillna(0).astype(int)

    if placements is not None:
        if service not in placements.columns and "service" in placements.columns:
            placements = placements.rename(columns={"service": service})  # place_services' name
        if placements[service].duplicated().any():
            raise ValueError(
                "placements has more than one row per service: pass one council and one wave "
                "(e.g. place_services(...) on a single wave)"
            )
        # the survey's group columns (e.g. council, wave) say where the positions come from
        survey = group_columns(placements, before=service, what="placements")
        positions = [*_POSITION_COLUMNS[:3], *(c for c in _POSITION_COLUMNS[3:] if c in placements)]
        placed = placements[[*survey, service, *positions]]
        table = table.merge(placed, on=service, how="left")
        for column in survey:  # a service the survey did not place is still of that survey
            known = placements[column].dropna()
            if len(known):
                filled = table[column].fillna(known.iloc[0])
                table[column] = filled.astype(placements[column].dtype)
        table["professional_led"] = (table["planning"].round(9) < professional_led_below).where(
            table["planning"].notna()
        )
    else:
        survey = []
        table["professional_led"] = pd.NA
    for column in _POSITION_COLUMNS:
        if column not in table:
            table[column] = np.nan
    concern = table["count_concern"] | table["seriousness_concern"]
    sustained = (table["count_concern"] & (table["count_points"] >= sustained_points)) | (
        table["seriousness_concern"] & (table["seriousness_points"] >= sustained_points)
    )
    led = table["professional_led"].astype("boolean")
    table["consider_co_planning"] = sustained & led.fillna(placements is None).astype(bool)
    table["decision"] = np.select(
        [
            ~concern,
            ~sustained,
            table["consider_co_planning"],
            led.isna().to_numpy(dtype=bool),
        ],
        ["no concern", "watch", "consider co-planning", "check placement"],
        default="look at delivery",
    )
    table["reason"] = [
        _reason(row, recent, sustained_points, professional_led_below, placements is not None)
        for row in table.to_dict("records")
    ]
    columns = [
        service,
        "consider_co_planning",
        "decision",
        *(
            f"{measure}_{c}"
            for measure in ("count", "seriousness")
            for c in ("concern", "rule", "main_rule", "since", "points")
        ),
        *survey,
        *_POSITION_COLUMNS,
        "professional_led",
        "reason",
    ]
    # the settings of the decision travel with its rows
    table["recent"] = recent
    table["min_points"] = min_points
    table["sustained_points"] = sustained_points
    table["professional_led_below"] = professional_led_below
    columns += ["recent", "min_points", "sustained_points", "professional_led_below"]
    out = (
        table[columns]
        .sort_values(["consider_co_planning", service], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    out.attrs["generated_text"] = (
        "count_rule",
        "count_main_rule",
        "seriousness_rule",
        "seriousness_main_rule",
        "reason",
    )
    return keep_source(out, count_spc, seriousness_spc, placements)


def survey_columns(table: pd.DataFrame, *, service: str = "service") -> list[str]:
    """The columns of a :func:`consider_co_planning` table that say which survey its
    positions come from (the placements' group columns, e.g. ``council, wave``)."""
    own = {
        service,
        "consider_co_planning",
        "decision",
        "professional_led",
        "reason",
        "recent",
        "min_points",
        "sustained_points",
        "professional_led_below",
        *_POSITION_COLUMNS,
        *(
            f"{measure}_{c}"
            for measure in ("count", "seriousness")
            for c in ("concern", "rule", "main_rule", "since", "points")
        ),
    }
    return [c for c in table.columns if c not in own]


def _month(value) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def _reason(
    row: dict, recent: int, sustained_points: int, threshold: float, have_placements: bool
) -> str:
    signals, longest = [], 0
    for measure, words in (("count", "number"), ("seriousness", "seriousness")):
        if row[f"{measure}_concern"]:
            signals.append(
                f"the {words} of complaints shows special-cause concern "
                f"({row[f'{measure}_rule']}) since {_month(row[f'{measure}_since'])}"
            )
            longest = max(longest, int(row[f"{measure}_points"]))
    if not signals:
        return f"No sustained special-cause concern in complaints in the last {recent} periods."
    said = " and ".join(signals)
    if longest < sustained_points:
        where = "Planning was not checked (no survey placement was given)."
        if have_placements and pd.isna(row["planning"]):
            where = "This service has no survey placement to say who plans it."
        elif have_placements:
            led = "professional-led" if row["professional_led"] else "already shared"
            where = f"Planning is {led} ({_position(row)})."
        return (
            f"Watch: {said}, but only for {plural(longest, 'period')}, fewer than the "
            f"{sustained_points} that rarely happen by chance; look again as more periods come "
            f"in. {where}"
        )
    if not have_placements:
        return (
            f"Consider co-planning: {said}. No survey placement was given, so whether planning "
            "is professional-led was not checked."
        )
    if pd.isna(row["planning"]):
        return f"Check: {said}, but this service has no survey placement to say who plans it."
    where = _position(row)
    if row["professional_led"]:
        return f"Consider co-planning: {said}, and planning is professional-led ({where})."
    return (
        f"Complaints need attention: {said}; but planning is already shared ({where}, at or "
        f"above {threshold}), so co-planning is not the obvious next step: look at delivery "
        "and at how complaints are handled."
    )


def _position(row: dict) -> str:
    return (
        f"planning position {row['planning']:.2f} "
        f"(95% interval {row['planning_low']:.2f} to {row['planning_high']:.2f})"
    )


def decision_rule(table: pd.DataFrame) -> str:
    """The rule a :func:`consider_co_planning` table applied, in words (from its settings
    columns)."""
    columns = ["recent", "min_points", "sustained_points", "professional_led_below"]
    settings = table[columns].drop_duplicates()
    if len(settings) != 1:
        raise ValueError("the table mixes consider_co_planning results with different settings")
    recent, min_points, sustained, threshold = settings.iloc[0].tolist()
    return CO_PLANNING_RULE.format(
        recent=int(recent),
        min_points=int(min_points),
        sustained_points=int(sustained),
        threshold=threshold,
    )


def co_planning_summary(table: pd.DataFrame, *, service: str = "service") -> str:
    """Plain words for a :func:`consider_co_planning` table."""
    flagged = table.loc[table["consider_co_planning"], service].tolist()
    concern = table.loc[
        table["decision"].isin(["look at delivery", "check placement"]), service
    ].tolist()
    watch = table.loc[table["decision"] == "watch", service].tolist()
    parts = [f"{len(table)} services checked."]
    if flagged:
        parts.append(f"Consider co-planning: {', '.join(flagged)}.")
    else:
        parts.append("No service is flagged to consider co-planning.")
    if watch:
        parts.append(f"Watch (short signals, which stable services also show): {', '.join(watch)}.")
    if concern:
        parts.append(
            f"Complaints show concern but planning is not professional-led (or unknown): "
            f"{', '.join(concern)}."
        )
    parts.append(f"Rule: {decision_rule(table)}")
    return wrap_text(" ".join(parts))

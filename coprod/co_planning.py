"""The co-planning signal: join SPC on complaints with the surveyed planning position.

Where professionals lead planning, a rising number or seriousness of complaints is a
reason to consider co-planning (see the reference post). The post names a second route:
residents who identify an issue and want a say in it. Their initiatives (petitions,
requests, community plans; :func:`coprod.io.read_initiatives`) are a trigger of their own
(:func:`initiative_trigger`), reported beside the complaints trigger in every row (the
``trigger`` column says which fired), never folded into it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coprod._core.columns import group_columns, require_columns
from coprod._core.text import plural, wrap_text
from coprod.provenance import keep_source
from coprod.timeseries.spc import RULE_COLUMNS, TRIAL_LIMIT_POINTS, fired_rules
from coprod.vocab import INITIATIVE_KINDS

__all__ = [
    "DECISIONS",
    "TRIGGERS",
    "co_planning_summary",
    "consider_co_planning",
    "decision_rule",
    "initiative_trigger",
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

INITIATIVE_RULE = (
    "Separately, residents' initiatives trigger co-planning for a professional-led service "
    "when, in the {months} months up to {as_of}, they submitted at least {min_initiatives} "
    "petitions or requests about it, one with at least {min_signatures} signatures, or a "
    "community plan (a community plan asks for a place at the table by itself)."
)

# The columns of the second trigger in a consider_co_planning table, its settings last.
_INITIATIVE_COLUMNS = (
    "trigger",
    "initiative_trigger",
    "initiatives",
    "community_plans",
    "signatures",
    "initiative_since",
    "initiative_reason",
    "initiative_months",
    "min_initiatives",
    "min_signatures",
    "initiatives_as_of",
)

#: What the table's ``trigger`` column says: which of the two triggers fired.
TRIGGERS = ("complaints", "resident initiatives", "both", "none")

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
        # limits from fewer than TRIAL_LIMIT_POINTS points move as points come in: a
        # signal against them is said to rest on trial limits
        latest = (
            group[group["segment"] == group["segment"].iloc[-1]] if "segment" in group else group
        )
        trial = bool(group["trial_limits"].iloc[-1]) if "trial_limits" in group else False
        used = int(latest["in_baseline"].sum()) if "in_baseline" in latest else len(latest)
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
                "trial_limits": trial,
                "baseline_points": used,
            }
        )
    return pd.DataFrame(rows)


def initiative_trigger(
    initiatives: pd.DataFrame,
    *,
    as_of,
    months: int = 12,
    min_initiatives: int = 2,
    min_signatures: int = 500,
    service: str = "service",
    date: str = "date",
    kind: str = "kind",
) -> pd.DataFrame:
    """Services whose residents asked for a say: the second trigger for co-planning.

    ``initiatives`` has one row per initiative (``read_initiatives(...).data``): the
    service, the date it was submitted and its kind (:data:`coprod.vocab.INITIATIVE_KINDS`);
    a ``signatures`` or ``title`` column, when there, goes into the reason. Only those
    submitted in the ``months`` months up to ``as_of`` (after ``as_of - months``, up to and
    including ``as_of``: never a hidden today) count. The trigger fires when they number at
    least ``min_initiatives``, when one has at least ``min_signatures`` signatures (how
    many residents stand behind it is its seriousness, as severity is a complaint's), or
    when one is a community plan.

    Returns one row per service that has any initiative: ``service, initiatives`` (in the
    window), ``community_plans``, ``signatures`` (their sum, missing without the column),
    ``initiative_since`` (the first in the window), ``initiative_trigger``,
    ``initiative_reason`` (which initiatives, when, how many signatures), then the settings
    ``initiative_months, min_initiatives, min_signatures, initiatives_as_of``.
    """
    from coprod.io.dates import parse_dates

    if months < 1 or min_initiatives < 1 or min_signatures < 1:
        raise ValueError("need months >= 1, min_initiatives >= 1 and min_signatures >= 1")
    require_columns(
        initiatives,
        [service, date, kind],
        what="initiatives",
        hint="pass read_initiatives(...).data, or a table with service, date and kind",
    )
    unknown = sorted(set(initiatives[kind].dropna()) - set(INITIATIVE_KINDS))
    if unknown:
        raise ValueError(
            f"initiatives has kinds {unknown}; kinds are {list(INITIATIVE_KINDS)} "
            "(read the file with coprod.io.read_initiatives, which maps other spellings)"
        )
    as_of = pd.Timestamp(parse_dates(pd.Series([as_of]), column="as_of").values.iloc[0])
    start = as_of - pd.DateOffset(months=months)
    if not pd.api.types.is_datetime64_any_dtype(initiatives[date]):
        raise TypeError(
            f"initiatives' {date!r} column must hold dates, not {initiatives[date].dtype}: "
            "read the file with coprod.io.read_initiatives, which reads them"
        )
    when = initiatives[date]
    window = initiatives[(when > start) & (when <= as_of)].assign(_when=when)
    rows = []
    for name in sorted(initiatives[service].dropna().unique(), key=str):
        own = window[window[service] == name].sort_values("_when", kind="stable")
        n = len(own)
        plans = int((own[kind] == "community plan").sum())
        signatures = (
            float(pd.to_numeric(own["signatures"], errors="coerce").sum())
            if "signatures" in own
            else np.nan
        )
        most = (
            float(pd.to_numeric(own["signatures"], errors="coerce").max())
            if "signatures" in own and n
            else np.nan
        )
        fired = n >= min_initiatives or plans > 0 or bool(most >= min_signatures)
        rows.append(
            {
                service: name,
                "initiatives": n,
                "community_plans": plans,
                "signatures": signatures,
                "initiative_since": own["_when"].min() if n else pd.NaT,
                "initiative_trigger": fired,
                "initiative_reason": _initiative_reason(
                    own, fired, months, min_initiatives, min_signatures, kind
                ),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            service,
            "initiatives",
            "community_plans",
            "signatures",
            "initiative_since",
            "initiative_trigger",
            "initiative_reason",
        ],
    )
    table["initiative_months"] = months
    table["min_initiatives"] = min_initiatives
    table["min_signatures"] = min_signatures
    table["initiatives_as_of"] = as_of
    return keep_source(table, initiatives)


def _initiative_reason(
    own: pd.DataFrame,
    fired: bool,
    months: int,
    min_initiatives: int,
    min_signatures: int,
    kind: str,
) -> str:
    if own.empty:
        return f"No resident initiative in the last {months} months."
    described = []
    for row in own.to_dict("records"):
        text = f"a {row[kind]} on {row['_when']:%d %b %Y}"
        title = row.get("title")
        if isinstance(title, str) and title.strip():
            text += f" ({title.strip()!r})"
        signatures = row.get("signatures")
        if signatures is not None and pd.notna(signatures):
            text += f" with {int(signatures):,} signatures"
        described.append(text)
    said = "Residents submitted " + ", ".join(described)
    if not fired:
        return (
            f"{said}: fewer than {min_initiatives} in {months} months, none with "
            f"{min_signatures:,} signatures and no community plan."
        )
    why = []
    if (own[kind] == "community plan").any():
        why.append("a community plan asks for a place at the table")
    if len(own) >= min_initiatives:
        why.append(
            f"{plural(len(own), 'initiative')} in {months} months, at least {min_initiatives}"
        )
    signed = pd.to_numeric(own["signatures"], errors="coerce") if "signatures" in own else None
    if signed is not None and (signed >= min_signatures).any():
        why.append(f"{int(signed.max()):,} signatures, at least {min_signatures:,}")
    return f"{said}: they want a say ({'; '.join(why)})."


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
    initiatives: pd.DataFrame | None = None,
    as_of=None,
    initiative_months: int = 12,
    min_initiatives: int = 2,
    min_signatures: int = 500,
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
    initiatives, as_of, initiative_months, min_initiatives, min_signatures
        Optional resident initiatives (``read_initiatives(...).data``), the second trigger:
        see :func:`initiative_trigger` (``as_of`` is required with them). A professional-led
        service whose residents' initiatives fire is flagged whatever its complaints say;
        the ``trigger`` column says which trigger fired (:data:`TRIGGERS`) and
        ``initiative_reason`` why, apart from the complaints' ``reason``. A service with
        initiatives but no complaints series is still checked.

    Returns
    -------
    One row per service: ``service, consider_co_planning, decision, count_concern,
    count_rule, count_main_rule, count_since, count_points, count_trial_limits`` (the
    latest limits of the count chart are trial limits: the reason then says to read the
    signal with care), the same six for ``seriousness``, the placements' group columns (e.g. ``council, wave``: the survey
    the positions come from), ``planning, planning_low, planning_high, delivery,
    delivery_low, delivery_high, professional_led, reason``, then the settings
    ``recent, min_points, sustained_points, professional_led_below``, then ``trigger,
    initiative_trigger, initiatives, community_plans, signatures, initiative_since,
    initiative_reason`` and their settings ``initiative_months, min_initiatives,
    min_signatures, initiatives_as_of`` (missing when no initiatives were given). ``decision`` is
    one of :data:`DECISIONS`; ``*_points`` counts the signal's concern points (0
    without concern) and ``*_main_rule`` the rule behind most of its points.
    :func:`decision_rule` says the rule in words; every input to it is a column, so
    nothing is hidden.
    """
    if recent < 1 or not 1 <= min_points <= recent:
        raise ValueError("need recent >= 1 and 1 <= min_points <= recent")
    if sustained_points < 1:
        raise ValueError("need sustained_points >= 1")
    if initiatives is not None and as_of is None:
        raise ValueError(
            "initiatives need as_of= (the date the window of initiative_months ends): "
            "coprod never assumes today"
        )
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
            seriousness_trial_limits=False,
            seriousness_baseline_points=0,
        )
    if initiatives is not None:
        asked = initiative_trigger(
            initiatives,
            as_of=as_of,
            months=initiative_months,
            min_initiatives=min_initiatives,
            min_signatures=min_signatures,
            service=service,
        )
        table = table.merge(asked, on=service, how="outer")
        table["initiatives"] = table["initiatives"].fillna(0).astype(int)
        table["community_plans"] = table["community_plans"].fillna(0).astype(int)
        table["initiative_trigger"] = table["initiative_trigger"].fillna(False).astype(bool)
        table["initiative_reason"] = table["initiative_reason"].fillna(
            f"No resident initiative in the last {initiative_months} months."
        )
        table["initiative_months"] = initiative_months
        table["min_initiatives"] = min_initiatives
        table["min_signatures"] = min_signatures
        table["initiatives_as_of"] = asked["initiatives_as_of"].iloc[0] if len(asked) else pd.NaT
    else:
        table = table.assign(
            initiatives=pd.NA,
            community_plans=pd.NA,
            signatures=np.nan,
            initiative_since=pd.NaT,
            initiative_trigger=pd.NA,
            initiative_reason="No resident initiatives were given.",
            initiative_months=pd.NA,
            min_initiatives=pd.NA,
            min_signatures=pd.NA,
            initiatives_as_of=pd.NaT,
        )
    for measure in ("count", "seriousness"):
        table[f"{measure}_concern"] = table[f"{measure}_concern"].fillna(False).astype(bool)
        for column in ("rule", "main_rule"):
            table[f"{measure}_{column}"] = table[f"{measure}_{column}"].fillna("")
        table[f"{measure}_points"] = table[f"{measure}_points"].fillna(0).astype(int)
        table[f"{measure}_trial_limits"] = (
            table[f"{measure}_trial_limits"].astype("boolean").fillna(False).astype(bool)
        )
        table[f"{measure}_baseline_points"] = (
            table[f"{measure}_baseline_points"].fillna(0).astype(int)
        )

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
    asked = table["initiative_trigger"].astype("boolean").fillna(False).astype(bool)
    table["consider_co_planning"] = (sustained | asked) & led.fillna(placements is None).astype(
        bool
    )
    unknown_planning = led.isna().to_numpy(dtype=bool)
    table["decision"] = np.select(
        [
            table["consider_co_planning"],
            (sustained | asked) & unknown_planning,
            sustained,
            concern,
        ],
        ["consider co-planning", "check placement", "look at delivery", "watch"],
        default="no concern",
    )
    table["trigger"] = np.select(
        [sustained & asked, sustained, asked],
        ["both", "complaints", "resident initiatives"],
        default="none",
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
            for c in ("concern", "rule", "main_rule", "since", "points", "trial_limits")
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
    columns += list(_INITIATIVE_COLUMNS)
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
        "initiative_reason",
    )
    return keep_source(out, count_spc, seriousness_spc, placements, initiatives)


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
        *_INITIATIVE_COLUMNS,
        *_POSITION_COLUMNS,
        *(
            f"{measure}_{c}"
            for measure in ("count", "seriousness")
            for c in ("concern", "rule", "main_rule", "since", "points", "trial_limits")
        ),
    }
    return [c for c in table.columns if c not in own]


def _month(value) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def _reason(
    row: dict, recent: int, sustained_points: int, threshold: float, have_placements: bool
) -> str:
    signals, longest = [], 0
    trial = []
    for measure, words in (("count", "number"), ("seriousness", "seriousness")):
        if row[f"{measure}_concern"]:
            signals.append(
                f"the {words} of complaints shows special-cause concern "
                f"({row[f'{measure}_rule']}) since {_month(row[f'{measure}_since'])}"
            )
            longest = max(longest, int(row[f"{measure}_points"]))
            if row[f"{measure}_trial_limits"]:
                trial.append((words, int(row[f"{measure}_baseline_points"])))
    if not signals:
        return f"No sustained special-cause concern in complaints in the last {recent} periods."
    said = " and ".join(signals)
    caution = "".join(
        f" Read with care: the {words} chart's limits are trial limits, from "
        f"{plural(used, 'point')} (fewer than {TRIAL_LIMIT_POINTS}), and will move as "
        "points come in."
        for words, used in trial
    )
    return (
        _reason_text(row, said, longest, recent, sustained_points, threshold, have_placements)
        + caution
    )


def _reason_text(
    row: dict,
    said: str,
    longest: int,
    recent: int,
    sustained_points: int,
    threshold: float,
    have_placements: bool,
) -> str:
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
    text = CO_PLANNING_RULE.format(
        recent=int(recent),
        min_points=int(min_points),
        sustained_points=int(sustained),
        threshold=threshold,
    )
    if "initiative_months" in table and table["initiative_months"].notna().any():
        asked = table[
            ["initiative_months", "min_initiatives", "min_signatures", "initiatives_as_of"]
        ].iloc[0]
        text += " " + INITIATIVE_RULE.format(
            months=int(asked["initiative_months"]),
            min_initiatives=int(asked["min_initiatives"]),
            min_signatures=f"{int(asked['min_signatures']):,}",
            as_of=f"{pd.Timestamp(asked['initiatives_as_of']):%d %b %Y}",
        )
    return text


def co_planning_summary(table: pd.DataFrame, *, service: str = "service") -> str:
    """Plain words for a :func:`consider_co_planning` table."""
    flagged = table.loc[table["consider_co_planning"], service].tolist()
    not_flagged = table["decision"].isin(["look at delivery", "check placement"])
    if "trigger" in table:
        complained = not_flagged & table["trigger"].isin(["complaints", "both"])
        asked = ~table["consider_co_planning"] & table["trigger"].isin(
            ["resident initiatives", "both"]
        )
    else:
        complained, asked = not_flagged, pd.Series(False, index=table.index)
    concern = table.loc[complained, service].tolist()
    asking = table.loc[asked, service].tolist()
    watch = table.loc[table["decision"] == "watch", service].tolist()
    parts = [f"{len(table)} services checked."]
    by_initiative = (
        "trigger" in table
        and table.loc[table["consider_co_planning"], "trigger"]
        .isin(["resident initiatives", "both"])
        .any()
    )
    if flagged and by_initiative:
        flagged_rows = table[table["consider_co_planning"]]
        by_trigger = [
            (trigger, flagged_rows.loc[flagged_rows["trigger"] == trigger, service].tolist())
            for trigger in TRIGGERS
            if (flagged_rows["trigger"] == trigger).any()
        ]
        words = {
            "complaints": "on complaints",
            "resident initiatives": "on residents' initiatives",
            "both": "on both complaints and residents' initiatives",
        }
        parts.append(
            "Consider co-planning: "
            + "; ".join(
                f"{words[trigger]}, {', '.join(map(str, names))}"
                for trigger, names in by_trigger
                if trigger in words
            )
            + "."
        )
    elif flagged:
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
    if asking:
        parts.append(
            "Residents asked for a say, but planning is not professional-led (or unknown): "
            f"{', '.join(asking)}."
        )
    parts.append(f"Rule: {decision_rule(table)}")
    return wrap_text(" ".join(parts))

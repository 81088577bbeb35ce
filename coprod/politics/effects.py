"""Real cases: residents' reports per council joined to changes in control and PFI contracts.

The post claims that a change in who controls a council can undo co-production, while a
PFI contract runs on whoever is in control. These functions put that claim to a panel of
real counts: FixMyStreet's monthly problem reports per council area (the
``fixmystreet_all`` and ``fixmystreet_road_defects`` data sets) around the real changes
of control in the Open Council Data histories, with the event study of
:mod:`coprod.timeseries.event_study`.

The choices, and why
--------------------
* **Single-tier councils only** (:data:`SINGLE_TIER`: London boroughs, metropolitan
  districts, English, Scottish and Welsh unitary authorities). FixMyStreet counts reports
  by district; where a county and a district share an area the county answers for roads
  and the district for bins, so the district's control is not the control of the service
  reported on. In a single-tier area one council does both.
* **When a change happens.** Control in year ``Y`` is the council after that year's
  elections, which are held in May: the change is dated May of ``Y``
  (:data:`ELECTION_MONTH`).
* **One event per council**: councils change control again and again, so each council's
  event is its first change with a clean pre-window (no change in the ``pre_window``
  months before it, inside the data), and its months from its next change on are left
  out (:func:`~coprod.timeseries.event_study.first_clean_events`,
  :func:`~coprod.timeseries.event_study.join_events`). Councils with no change in the
  study window are the controls.
* **Platform uptake.** FixMyStreet's counts grow with its use (and jump when a council
  adopts its co-brand), not only with demand for the service. A category's reports are
  therefore studied as a rate among all reports (``exposure="reports"``: the log of all
  reports is an offset), so uptake that raises every category alike cancels. The count of
  all reports has only calendar-month and council effects to absorb uptake: read its
  effect as "reports through FixMyStreet", not as demand for the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import plural, wrap_text
from coprod.provenance import keep_source

__all__ = [
    "ELECTION_MONTH",
    "PFI_STREET_SECTORS",
    "SINGLE_TIER",
    "ChangeStudy",
    "PfiContrast",
    "change_study",
    "control_events",
    "pfi_contrast",
    "report_panel",
]

#: Council types where one council answers for every local service reported on.
SINGLE_TIER: tuple[str, ...] = (
    "London borough",
    "Metropolitan district",
    "Unitary authority",
    "Scottish unitary authority",
    "Welsh unitary authority",
)
#: The month of the year's local elections: a change of control in year Y is dated Y-05.
ELECTION_MONTH = 5
#: HM Treasury's sectors of contracts for the street: roads and street lighting.
PFI_STREET_SECTORS: tuple[str, ...] = ("Roads and Highway Maintenance", "Street Lighting")


def report_panel(
    reports: pd.DataFrame,
    *,
    category_reports: pd.DataFrame | None = None,
    category: str = "category_reports",
    start: Any = "2008-01-01",
    end: Any = "2020-12-01",
) -> pd.DataFrame:
    """Monthly report counts per council, every month present (absent months are zeros).

    ``reports``: ``read_report_counts(...).data`` of all reports (``period``, ``lad``,
    ``reports``), e.g. ``load_dataset("fixmystreet_all").data``. ``category_reports``: the
    same for one category (e.g. ``fixmystreet_road_defects``), added as the column
    ``category``. District codes are matched to councils' current GSS codes with
    :func:`coprod.io.councils.match_council_codes` (former codes to current ones).

    Returns one row per council x month from ``start`` to ``end``: ``council_code``,
    ``month`` (a monthly Period), ``reports`` and, when given, ``category``; a category
    month with reports but none in the category is 0. By the publisher's rule an absent
    district-month has no reports (:func:`coprod.timeseries.periods.fill_zero_counts`).
    """
    from coprod.io.councils import match_council_codes
    from coprod.io.dates import parse_date
    from coprod.timeseries.periods import fill_zero_counts

    require_columns(reports, ["period", "lad", "reports"], what="report_panel's reports")
    counts = reports.groupby(["lad", "period"], as_index=False)["reports"].sum()
    if category_reports is not None:
        require_columns(
            category_reports, ["period", "lad", "reports"], what="report_panel's category_reports"
        )
        extra = category_reports.groupby(["lad", "period"], as_index=False)["reports"].sum()
        counts = counts.merge(
            extra.rename(columns={"reports": category}), on=["lad", "period"], how="outer"
        )
        counts[category] = counts[category].fillna(0).astype("int64")
        counts["reports"] = counts["reports"].fillna(0).astype("int64")
    values = ["reports"] + ([category] if category_reports is not None else [])
    first = parse_date(start, what="report_panel's start")
    last = parse_date(end, what="report_panel's end")
    counts = counts[counts["period"].between(first, last)]
    filled = fill_zero_counts(counts, by="lad", value=values, start=first, end=last)
    codes = match_council_codes(filled["lad"].drop_duplicates().tolist()).table
    to_council = dict(zip(codes["name"], codes["council_code"], strict=True))
    filled["council_code"] = filled["lad"].map(to_council)
    filled["month"] = pd.PeriodIndex(filled["period"], freq="M")
    panel = filled.groupby(["council_code", "month"], as_index=False)[values].sum()
    return keep_source(panel[["council_code", "month", *values]], reports, category_reports)


def control_events(history: pd.DataFrame, *, councils: Sequence[str] | None = None) -> pd.DataFrame:
    """Every change of control as an event dated May of its year (:data:`ELECTION_MONTH`).

    ``history``: ``read_control_history(...).data``. Returns
    :func:`~coprod.politics.control.control_changes` with ``month`` (a monthly Period)
    added, for councils with a GSS code (``councils=`` limits them to those codes).
    All years are kept: a change just before a study's first month spoils its pre-window.
    """
    from coprod.politics.control import control_changes

    changes = control_changes(history)
    changes = changes[changes["council_code"].notna()]
    if councils is not None:
        changes = changes[changes["council_code"].isin(set(councils))]
    months = pd.PeriodIndex.from_fields(
        year=changes["year"].to_numpy(), month=np.full(len(changes), ELECTION_MONTH), freq="M"
    )
    return changes.assign(month=months).reset_index(drop=True)


def _single_tier_councils(history: pd.DataFrame, first_year: int, last_year: int) -> set[str]:
    """Single-tier councils with a known control in every year from first to last."""
    require_columns(
        history, ["council_code", "council_type", "year", "control"], what="the history"
    )
    rows = history[
        history["council_code"].notna()
        & history["council_type"].isin(SINGLE_TIER)
        & history["year"].between(first_year, last_year)
        & history["control"].notna()
    ]
    years = rows.groupby("council_code")["year"].nunique()
    return set(years[years == last_year - first_year + 1].index)


@dataclass(frozen=True)
class ChangeStudy:
    """An event study of report counts around councils' changes of control.

    ``result``: the :class:`~coprod.timeseries.event_study.EventStudyResult`. ``clean``
    and ``joined``: which event each council kept and what was censored. ``councils``:
    the councils in the study; ``not_in_history``: the panel's councils left out because
    the control history does not cover them as single-tier councils in every year of the
    study (new unitaries, two-tier districts, councils without a GSS match).
    ``n_months_without_exposure``: council-months left out because the exposure was 0 (a
    month with no reports says nothing about a category's share of them).
    """

    result: Any
    clean: Any
    joined: Any
    value: str
    exposure: str | None
    councils: tuple[str, ...]
    not_in_history: tuple[str, ...]
    first_month: pd.Period
    last_month: pd.Period
    pre_window: int
    n_months_without_exposure: int = 0

    def summary(self) -> str:
        """What was studied, with how many councils and events, and what it found."""
        outcome = f"{self.value} as a share of {self.exposure}" if self.exposure else self.value
        return wrap_text(
            "\n".join(
                [
                    f"Outcome: {outcome}, {self.first_month} to {self.last_month}, "
                    f"{plural(len(self.councils), 'single-tier council')} "
                    f"({len(self.not_in_history):,} of the panel's councils left out: not "
                    "single-tier in every year of the control history)"
                    + (
                        f"; {plural(self.n_months_without_exposure, 'council-month')} with no "
                        f"{self.exposure} left out."
                        if self.n_months_without_exposure
                        else "."
                    ),
                    self.clean.summary(),
                    f"{plural(len(self.councils) - len(self.clean.table), 'more council')} never "
                    "changed control at all (controls too).",
                    self.result.summary(),
                ]
            )
        )

    def get_plot_data(self) -> pd.DataFrame:
        """The event study's effects by event time (for ``plot_event_study``)."""
        return self.result.get_plot_data()


def change_study(
    panel: pd.DataFrame,
    history: pd.DataFrame,
    *,
    value: str,
    exposure: str | None = None,
    councils: Sequence[str] | None = None,
    pre_window: int = 24,
    window: tuple[int, int] = (-8, 12),
    bin: int = 3,
    estimator: str = "interaction_weighted",
) -> ChangeStudy:
    """Event study of ``value`` around the first clean change of control of each council.

    ``panel``: :func:`report_panel`'s table. ``history``: the control history's ``data``.
    ``councils``: GSS codes to keep (e.g. those with a PFI contract); by default every
    single-tier council covered in every year of the panel. ``pre_window``: months with
    no other change before a council's event. ``window`` and ``bin``: event time in bins
    of ``bin`` months (quarters by default), bin -1 the reference. The module docstring
    gives the rules.
    """
    from coprod.timeseries.event_study import event_study, first_clean_events, join_events

    require_columns(panel, ["council_code", "month", value], what="change_study's panel")
    first, last = panel["month"].min(), panel["month"].max()
    covered = _single_tier_councils(history, first.year, last.year)
    in_panel = set(panel["council_code"].dropna())
    keep = in_panel & covered
    if councils is not None:
        keep &= set(councils)
    if not keep:
        raise ValueError(
            "no council of the panel is a single-tier council in every year of the history"
            + (" among the councils= given" if councils is not None else "")
        )
    rows = panel[panel["council_code"].isin(keep)]
    # A month with no reports at all says nothing about a category's share of them.
    no_exposure = 0
    if exposure is not None:
        empty = rows[exposure].le(0)
        no_exposure = int(empty.sum())
        rows = rows[~empty]
    events = control_events(history, councils=keep)
    clean = first_clean_events(
        events, unit="council_code", time="month", pre_window=pre_window, start=first, end=last
    )
    joined = join_events(rows, clean, unit="council_code", time="month")
    result = event_study(
        keep_source(joined.data, panel, history),  # the result credits both
        unit="council_code",
        time="month",
        value=value,
        event="event",
        window=window,
        bin=bin,
        estimator=estimator,
        exposure=exposure,
    )
    return ChangeStudy(
        result=result,
        clean=clean,
        joined=joined,
        value=value,
        exposure=exposure,
        councils=tuple(sorted(keep)),
        not_in_history=tuple(sorted(in_panel - covered)),
        first_month=first,
        last_month=last,
        pre_window=pre_window,
        n_months_without_exposure=no_exposure,
    )


@dataclass(frozen=True)
class PfiContrast:
    """Do councils with a street PFI contract respond to a change of control differently?

    ``with_pfi`` and ``without_pfi``: the :class:`ChangeStudy` of each group (disjoint
    councils, each with its own controls). ``difference``: the ratio of their average
    effects after the change (with PFI over without), a
    :class:`~coprod.timeseries.event_study.RateRatio`; 1 means the same response.
    ``detectable``: the smallest ratio (above 1) the data would find with 80% power, and
    ``detectable_fall`` its inverse, the smallest fall.
    """

    with_pfi: ChangeStudy
    without_pfi: ChangeStudy
    difference: Any
    detectable: float
    detectable_fall: float
    sectors: tuple[str, ...]

    def summary(self) -> str:
        """Both groups' average effects, their ratio and the power, in plain words."""
        w, wo = self.with_pfi.result, self.without_pfi.result
        return wrap_text(
            "\n".join(
                [
                    f"With a PFI contract for {' or '.join(s.lower() for s in self.sectors)}: "
                    f"{plural(w.n_units, 'council')}, {w.n_events:,} with a change of control. "
                    + w.average_post._text(),
                    f"Without: {plural(wo.n_units, 'council')}, {wo.n_events:,} with a change. "
                    + wo.average_post._text(),
                    "Ratio of the two (with over without): " + self.difference._text() + ".",
                    f"Power: with this precision a ratio of {self.detectable:.2f} (or "
                    f"{self.detectable_fall:.2f}) would be found 80% of the time; smaller "
                    "differences could be missed.",
                ]
            )
        )


def pfi_contrast(
    panel: pd.DataFrame,
    history: pd.DataFrame,
    projects: pd.DataFrame,
    *,
    value: str,
    exposure: str | None = None,
    sectors: Sequence[str] = PFI_STREET_SECTORS,
    pre_window: int = 24,
    **study: Any,
) -> PfiContrast:
    """:func:`change_study` for councils with a PFI contract in ``sectors`` and for the
    councils without, and the ratio of their average effects after a change of control
    (:func:`compare_effects`, the two groups being disjoint).

    A council is "with PFI" when such a contract was in force (financial close to expected
    end, by calendar year) in the year of its event, the first clean change of control;
    a council without an event, when one was in force in any year of the panel. A council
    that signed its contract after its change is therefore "without".
    ``projects``: ``read_pfi_projects(...).data``.
    """
    from coprod.politics.pfi import contracts_in_force
    from coprod.timeseries.event_study import compare_effects, first_clean_events

    require_columns(projects, ["sector", "council_code"], what="pfi_contrast's projects")
    first, last = panel["month"].min(), panel["month"].max()
    street = projects[projects["sector"].isin(set(sectors))]
    in_force = contracts_in_force(street, years=range(first.year, last.year + 1))
    in_force = in_force[in_force["contracts"] > 0]
    years_in_force = in_force.groupby("council_code")["year"].agg(set).to_dict()
    everyone = set(panel["council_code"].dropna())
    clean = first_clean_events(
        control_events(history, councils=everyone),
        unit="council_code",
        time="month",
        pre_window=pre_window,
        start=first,
        end=last,
    ).table
    event_year = {
        code: event.year
        for code, event, status in zip(
            clean["council_code"], clean["event"], clean["status"], strict=True
        )
        if status == "treated"
    }
    with_codes = {
        code
        for code, years in years_in_force.items()
        if (event_year[code] in years if code in event_year else bool(years))
    }
    panel = keep_source(panel, panel, projects)  # the groups come from the PFI list too
    with_pfi = change_study(
        panel,
        history,
        value=value,
        exposure=exposure,
        councils=with_codes,
        pre_window=pre_window,
        **study,
    )
    without_pfi = change_study(
        panel,
        history,
        value=value,
        exposure=exposure,
        councils=everyone - with_codes,
        pre_window=pre_window,
        **study,
    )
    difference = compare_effects(with_pfi.result, without_pfi.result)
    detectable = difference.detectable_ratio()
    return PfiContrast(
        with_pfi=with_pfi,
        without_pfi=without_pfi,
        difference=difference,
        detectable=detectable,
        detectable_fall=1 / detectable,
        sectors=tuple(sectors),
    )

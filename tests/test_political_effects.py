"""Real cases of political change: FixMyStreet reports joined to changes of control.

The numbers notebook 03 states about them are checked in tests/test_notebook_03_claims.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from coprod.datasets import load_dataset
from coprod.politics.effects import (
    ELECTION_MONTH,
    SINGLE_TIER,
    change_study,
    control_events,
    report_panel,
)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return load_dataset("council_control").data


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    reports = load_dataset("fixmystreet_all").data
    road = load_dataset("fixmystreet_road_defects").data
    return report_panel(reports, category_reports=road, category="road_defects")


@pytest.fixture(scope="module")
def roads(panel, history):
    return change_study(panel, history, value="road_defects", exposure="reports")


def test_report_panel_has_every_council_month_and_keeps_every_report(panel):
    reports = load_dataset("fixmystreet_all").data
    road = load_dataset("fixmystreet_road_defects").data
    window = slice(pd.Timestamp("2008-01-01"), pd.Timestamp("2020-12-01"))

    def in_window(frame):
        return frame[frame["period"].between(window.start, window.stop)]["reports"].sum()

    assert len(panel) == 379 * 156  # 379 district codes x 13 years of months
    assert not panel.duplicated(["council_code", "month"]).any()
    assert panel["reports"].sum() == in_window(reports)
    assert panel["road_defects"].sum() == in_window(road)
    assert (panel["road_defects"] <= panel["reports"]).all()
    assert str(panel["month"].min()) == "2008-01" and str(panel["month"].max()) == "2020-12"
    # absent district-months are zeros, not dropped: Orkney (S12000023) has few reports
    orkney = panel[panel["council_code"] == "S12000023"]
    assert len(orkney) == 156 and (orkney["reports"] == 0).sum() > 100


def test_control_events_are_dated_may_of_the_change_year(history):
    events = control_events(history)
    redbridge = events[events["council"] == "Redbridge"].set_index("year")
    assert str(redbridge.loc[2014, "month"]) == f"2014-{ELECTION_MONTH:02d}"
    assert (redbridge.loc[2014, "from_control"], redbridge.loc[2014, "to_control"]) == (
        "NOC",
        "Lab",
    )
    assert events["council_code"].notna().all()
    only = control_events(history, councils=["E09000026"])  # Redbridge's GSS code
    assert set(only["council"]) == {"Redbridge"}


def test_the_notebooks_cited_cases_changed_control_in_the_years_it_names(history):
    events = control_events(history)
    cited = {"Redbridge": 2014, "Waltham Forest": 2010, "Southwark": 2010, "Oxford": 2010}
    for council, year in cited.items():
        rows = events[(events["council"] == council) & (events["year"] == year)]
        assert len(rows) == 1, council
        assert rows["to_control"].iloc[0] == "Lab", council


def test_change_study_keeps_single_tier_councils_with_one_clean_event_each(roads, history):
    types = history.drop_duplicates("council_code").set_index("council_code")["council_type"]
    assert set(types.loc[list(roads.councils)]) <= set(SINGLE_TIER)
    assert len(roads.councils) == 174
    table = roads.clean.table
    treated = table[table["status"] == "treated"]
    assert treated["council_code"].is_unique and len(treated) == 91
    # a council's event is May of a change year, with no change in the 24 months before
    assert (treated["event"].dt.month == ELECTION_MONTH).all()
    has_previous = treated["previous_event"].notna()
    gaps = (treated.loc[has_previous, "event"] - treated.loc[has_previous, "previous_event"]).map(
        lambda offset: offset.n
    )
    assert (gaps > 24).all()
    assert roads.n_months_without_exposure == 965
    # every council of the study is treated, a control or dropped, and the summary says so
    never_changed = len(roads.councils) - len(table)
    assert (table["status"] == "never treated").sum() + never_changed == (
        roads.result.n_never_treated
    )
    assert f"{never_changed} more councils never changed control at all" in roads.summary()


def test_change_study_refuses_councils_it_cannot_study(panel, history):
    with pytest.raises(ValueError, match="no council of the panel is a single-tier council"):
        change_study(panel, history, value="reports", councils=["E07000223"])  # a district

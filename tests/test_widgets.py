"""The explorers: they offer only what they can draw, say the rest in words at the chart's
size, keep each view, and fit a laptop screen. (The browser test drives them in JupyterLab.)"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from coprod.synth import make_complaint_log, make_services_survey
from coprod.timeseries.spc import CONVENTIONS
from coprod.widgets import CHART_HEIGHT_PX, ComplaintsExplorer, GridExplorer, ScenarioExplorer


def _height_px(figure) -> float:
    return figure.get_size_inches()[1] * figure.dpi


@pytest.fixture(scope="module")
def responses():
    return make_services_survey(seed=5, n_services=6, respondents_per_service=40).responses


def test_grid_explorer_follows_controls_and_keeps_views(responses):
    councils = sorted(responses["council"].unique())
    explorer = GridExplorer(
        responses, weight="weight", n_boot=50, initial={"council": councils[1], "wave": 2023}
    )
    assert set(explorer.controls) == {"council", "wave", "weighted"}
    assert explorer.selection() == {"council": councils[1], "wave": 2023, "weighted": True}
    assert explorer.offered("council") == tuple(councils)
    assert len(explorer.data) == 6
    first_figure = explorer.figure
    ax = first_figure.axes[0]
    assert ax.get_title() == f"{councils[1]}, 2023 (weighted)"
    assert len(ax.containers) == 6  # one errorbar per service
    assert _height_px(first_figure) <= CHART_HEIGHT_PX
    explorer.controls["council"].value = councils[0]
    assert explorer.figure is not first_figure
    assert explorer.figure.axes[0].get_title() == f"{councils[0]}, 2023 (weighted)"
    explorer.controls["weighted"].value = False
    assert "weight_sum" not in explorer.data.columns
    assert explorer.figure.axes[0].get_title().endswith("(unweighted)")
    explorer.controls["weighted"].value = True
    explorer.controls["council"].value = councils[1]
    assert explorer.figure is first_figure  # computed once, shown again


def test_grid_explorer_opens_on_the_latest_wave_by_default(responses):
    explorer = GridExplorer(responses, n_boot=20)
    assert explorer.selection() == {
        "council": sorted(responses["council"].unique())[0],
        "wave": responses["wave"].max(),
    }
    assert explorer.figure.axes[0].get_title().endswith(f", {responses['wave'].max()}")


def test_grid_explorer_rejects_unknown_column_and_choices(responses):
    with pytest.raises(KeyError, match="'region'"):
        GridExplorer(responses, council="region")
    with pytest.raises(ValueError, match="initial wave 1999 is not in the responses"):
        GridExplorer(responses, initial={"wave": 1999})
    with pytest.raises(ValueError, match="initial names no control: colour"):
        GridExplorer(responses, initial={"colour": "red"})


@pytest.fixture(scope="module")
def complaints():
    # three services keep the enumeration of every offered choice quick
    services = ("Housing repairs", "Social care", "Street lighting")
    synthetic = make_complaint_log(seed=3, start="2021-01-01", months=48, services=services)
    return synthetic.log, synthetic.contacts.rename(columns={"contacts": "denominator"})


@pytest.fixture(scope="module")
def explorer(complaints):
    log, contacts = complaints
    return ComplaintsExplorer(log, denominators=contacts, baseline=24)


def test_complaints_explorer_offers_what_suits_the_measure(explorer):
    assert set(explorer.controls) == {"service", "measure", "chart", "period", "conventions"}
    explorer.controls["measure"].value = "count"
    assert explorer.offered("chart") == ("xmr", "c")
    assert explorer.offered("period") == ("week", "month", "quarter")
    explorer.controls["measure"].value = "rate"
    assert explorer.offered("chart") == ("xmr", "u")
    # monthly contacts: no weekly rate; 4 years are too few points for a yearly chart
    assert explorer.offered("period") == ("month", "quarter")
    assert "by week: the denominators are given per month" in explorer.note.value
    assert "by year: only 4 years (SPC needs at least 12)" in explorer.note.value
    explorer.controls["measure"].value = "median_days_to_close"
    assert explorer.offered("chart") == ("xmr",)
    assert "week" not in explorer.offered("period")
    assert "weeks with no median days to close" in explorer.note.value
    # readable labels in the drop-downs, keys as values
    labels = dict(zip(explorer.controls["measure"]._options_values,
                      explorer.controls["measure"]._options_labels, strict=True))  # fmt: skip
    assert labels["median_days_to_close"] == "Median days to close"
    assert labels["rate"] == "Complaints per 1,000 contacts"


def test_every_offered_combination_draws_a_chart(explorer):
    """Enumerate every choice the controls offer, as a user clicking through would."""
    drawn = 0
    for measure in explorer.offered("measure"):
        explorer.controls["measure"].value = measure
        for period in explorer.offered("period"):
            explorer.controls["period"].value = period
            for chart, service in itertools.product(
                explorer.offered("chart"), explorer.offered("service")
            ):
                explorer.controls["chart"].value = chart
                explorer.controls["service"].value = service
                assert explorer.message == "", (measure, period, chart, service)
                assert explorer.figure is not None and explorer.data is not None
                assert set(explorer.data["chart"]) == {chart}
                title = explorer.figure.axes[0].get_title(loc="left").replace("\n", " ")
                assert title.startswith(f"{service}: ") and f"by {period}" in title
                assert _height_px(explorer.figure) <= CHART_HEIGHT_PX
                drawn += 1
    n_services = len(explorer.offered("service"))
    # count: 2 charts x 3 periods; rate: 2 x 2; seriousness index: 3 periods; the five
    # ratio measures: month and quarter
    assert drawn == n_services * (6 + 4 + 3 + 5 * 2)


def test_rules_follow_the_chosen_conventions(explorer):
    explorer.controls["measure"].value = "count"
    explorer.controls["period"].value = "month"
    explorer.controls["chart"].value = "xmr"
    assert explorer.offered("conventions") == ("mdc", "nhsrplotthedots", "powerbi-spc")
    labels = explorer.controls["conventions"]._options_labels
    assert labels == ("Making Data Count", "NHSRplotthedots", "PowerBI-SPC")
    for name in explorer.offered("conventions"):
        explorer.controls["conventions"].value = name
        assert set(explorer.data["conventions"]) == {name}
        title = explorer.figure.axes[0].get_title(loc="left").replace("\n", " ")
        assert title.endswith(f"{CONVENTIONS[name].label} rules)")
        assert explorer.data["trend_length"].iloc[0] == {"mdc": 6, "nhsrplotthedots": 7}.get(
            name, 5
        )
    explorer.controls["conventions"].value = "mdc"


def test_quarterly_rates_add_up_monthly_contacts(complaints, explorer):
    _, contacts = complaints
    explorer.controls["measure"].value = "rate"
    explorer.controls["period"].value = "quarter"
    explorer.controls["chart"].value = "u"
    explorer.controls["service"].value = "Housing repairs"
    first = contacts[(contacts["service"] == "Housing repairs")]
    first = first[pd.to_datetime(first["period"]) < "2021-04-01"]["denominator"].sum()
    series, _ = explorer._series("rate", "quarter")
    one = series[series["service"] == "Housing repairs"]
    assert one["denominator"].iloc[0] == first
    # baseline=24 means 24 months: 8 quarters, 24 months, 104 weeks
    assert explorer.data["in_baseline"].sum() == 8
    explorer.controls["period"].value = "month"
    assert explorer.data["in_baseline"].sum() == 24


def test_what_cannot_be_drawn_is_said_in_words_at_the_charts_size(complaints):
    log, _ = complaints
    short = log[log["received"] < "2021-03-01"]  # 2 months, 9 weeks: too few for any chart
    explorer = ComplaintsExplorer(short)
    assert explorer.figure is None and explorer.data is None
    assert explorer.message.startswith(
        "Complaints cannot be charted for every service in any period.\n"
    )
    assert "by week: only 9 weeks (SPC needs at least 12)" in explorer.message
    assert "by month: only 2 months (SPC needs at least 12)" in explorer.message
    from coprod.widgets import _message_html

    page = _message_html(explorer.message).data
    assert "\\n" not in page and "width:630px;height:460px" in page
    assert page.count("<p ") == explorer.message.count("\n") + 1
    assert "coprod-explorer-message" in page


def test_complaints_explorer_without_denominators_offers_no_rate(complaints):
    explorer = ComplaintsExplorer(complaints[0], initial={"service": "Social care"})
    assert "rate" not in explorer.offered("measure")
    assert explorer.selection()["service"] == "Social care"
    with pytest.raises(ValueError, match="initial names no control: colour"):
        ComplaintsExplorer(complaints[0], initial={"colour": "red"})


def test_scenario_explorer_fits_and_keeps_views():
    explorer = ScenarioExplorer(n_councils=100, n_runs=20, seed=1)
    first, first_result = explorer.figure, explorer.result
    assert _height_px(first) <= CHART_HEIGHT_PX and first_result is not None
    start = explorer.controls["p_change"].value
    explorer.controls["p_change"].value = 0.3
    assert explorer.figure is not first and explorer.result.p_change == 0.3
    explorer.controls["p_change"].value = start
    assert explorer.figure is first and explorer.result is first_result


def test_explorers_carry_the_classes_the_browser_test_finds(responses):
    explorer = GridExplorer(responses, n_boot=20)
    assert "coprod-explorer" in explorer.widget._dom_classes
    assert "coprod-explorer-output" in explorer.output._dom_classes

"""Every number notebook 04 (and its worked answers) states, against what the library computes.

Each test makes the notebook's own calls on the shipped data and checks the claim as the
prose writes it (rounded the same way). When a rule or a data set changes a number, the
failing test names the paragraph to rewrite.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from notebook_prose import charts, prose, source
from notebook_prose import listed as names
from notebook_prose import says as notebook_says

from coprod.charts.grid import grid_chart_data, plot_grid
from coprod.charts.likert import likert_table, plot_likert
from coprod.charts.scenarios import plot_scenarios, scenarios_data
from coprod.charts.spc import plot_spc, spc_chart_data
from coprod.complaints import complaint_counts, measure_series, outcomes, severity_shares
from coprod.datasets import load_dataset
from coprod.export import export_table, save_figure
from coprod.grid import place_services
from coprod.io.survey import item_labels
from coprod.politics import simulate
from coprod.privacy import (
    SUPPRESSED,
    PersonalDataError,
    attack_suppression,
    personal_columns,
    prepare_table,
)
from coprod.provenance import dataset_source, source_of
from coprod.style import context, too_small
from coprod.timeseries.spc import spc

NOTEBOOK = prose(source("04_reports.py"))
ANSWERED = prose(source("answers/04_reports.py"))
CHARTS = charts(source("04_reports.py"))
RULES = {
    "suppress_below": 5,
    "count_columns": ["count"],
    "by": ["service", "period"],
    "shares": ["share"],
}


def says(sentence: str, where: str = NOTEBOOK) -> None:
    notebook_says(sentence, where)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_dataset("complaints_log").data


@pytest.fixture(scope="module")
def stages(log) -> pd.DataFrame:
    return severity_shares(log, freq="month", by="service", column="stage")


@pytest.fixture(scope="module")
def totals(log) -> pd.DataFrame:
    monthly = complaint_counts(log, freq="month", by="service")
    return monthly[["service", "period", "count"]].rename(columns={"count": "total"})


@pytest.fixture(scope="module")
def repairs(log) -> pd.DataFrame:
    counts = spc(
        measure_series(log, measure="count"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    return counts[counts["service"] == "Housing repairs"]


@pytest.fixture(scope="module")
def placements() -> pd.DataFrame:
    responses = load_dataset("services_survey").data
    return place_services(
        responses.query("council == 'Northbridge' and wave == 2025"),
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
    )


@pytest.fixture(scope="module")
def toronto() -> pd.DataFrame:
    return load_dataset("toronto_engagement").data


def q3_items(toronto) -> list[str]:
    return [
        i for i in toronto.attrs["likert_items"] if i.startswith("q3_") and i != "q3_other_rating"
    ]


# ------------------------------------------------------------------ the four charts


def test_the_four_charts_and_their_titles():
    says("## Four charts for a report")
    assert len(CHARTS) == 4
    assert [c.title for c in CHARTS.values()] == [
        "Northbridge, 2025 (weighted): five of 20 services in full co-production",
        "Toronto, 2023: 75% agree that some participants have less influence",
        "Housing repairs complaints rose from July 2023: 18 months above the mean",
        "Half the arrangements end by year 9, half the PFI contracts by year 26",
    ]


def test_grid_title_and_alt_text(placements):
    chart = CHARTS["04_reports_grid_2025"]
    cells = placements["cell"].value_counts()
    assert (cells["Full co-production"], len(placements)) == (5, 20)
    says(f"Grid chart of Northbridge's {len(placements)} services in 2025", chart.alt_text)
    assert (cells["Self-help groups"], cells["co-planned, professionally delivered"]) == (3, 3)
    says(
        "Five services sit in Full co-production, three in Self-help groups and three co-planned",
        chart.alt_text,
    )
    traditional = placements.loc[placements["cell"] == "Traditional services", "service"]
    says(f"{names(traditional)} are the two Traditional services", chart.alt_text)
    assert len(traditional) == 2


def test_likert_title_and_alt_text(toronto):
    items = q3_items(toronto)
    answered = toronto[items].notna().sum()
    agree = toronto[items].isin(["Agree", "Strongly agree"]).sum() / answered
    chart = CHARTS["04_reports_toronto_likert"]
    assert chart.title.endswith(
        f"{agree['q3_unequal_influence']:.0%} agree that some participants have less influence"
    )
    says(
        f"answers to {len(items)} statements about how the City of Toronto engages residents, "
        f"{answered.min()} to {answered.max()} answers each",
        chart.alt_text,
    )
    says(
        f"{agree['q3_unequal_influence']:.0%} agree that some participants have less influence "
        f"than others on decisions, and {agree['q3_no_difference']:.0%} that they can't see how "
        "their participation made a difference",
        chart.alt_text,
    )


def test_housing_repairs_title_and_alt_text(repairs):
    chart = CHARTS["04_reports_housing_repairs"]
    rise = repairs[repairs["period"] >= "2023-07-01"]
    assert chart.title.endswith(f"from July 2023: {len(rise)} months above the mean")
    assert (rise["value"] > rise["centre"]).all() and rise["special_cause"].all()
    first = repairs.iloc[0]
    says(
        f"with the mean ({first['centre']:.1f}) and process limits ({first['lower']:.1f} to "
        f"{first['upper']:.1f}) of 2021-2022",
        chart.alt_text,
    )
    says(
        f"{(rise['value'] > rise['upper']).sum()} of the {len(rise)} above the upper limit",
        chart.alt_text,
    )


def test_scenarios_title_and_alt_text():
    scenario = simulate()
    survival = scenario.survival.set_index("year")["share_surviving"]
    locked = scenario.pfi_share.set_index("year")["share_locked"]
    half_arrangements = int(survival[survival <= 0.5].index.min())
    half_contracts = int(locked[locked <= 0.5].index.min())
    chart = CHARTS["04_reports_scenarios"]
    assert chart.title == (
        f"Half the arrangements end by year {half_arrangements}, half the PFI contracts by "
        f"year {half_contracts}"
    )
    says(
        f"Arrangements fall to half by year {half_arrangements} and to {survival[30]:.0%} by "
        f"year 30; contracts stay above 90% until year {int(locked[locked > 0.9].index.max())} "
        f"and fall to half by year {half_contracts}",
        chart.alt_text,
    )
    says("share of 400 simulated councils", chart.alt_text)
    says("95% bands of 1,000 runs", chart.alt_text)
    assert (scenario.n_councils, scenario.n_runs, survival.index.max()) == (400, 1000, 30)
    says("its note names all three")
    notes = source_of(scenario).note.split("; ")
    assert len(notes) == 3 and notes[0].startswith("Simulated data (assumed hazards)")


def test_the_sidecar_and_the_style(tmp_path, placements, toronto, repairs):
    says(
        "Read back, the grid chart's sidecar says its data are the synthetic survey, released "
        "as CC0 1.0 (public domain)."
    )
    survey = dataset_source("services_survey")
    assert (survey.note, survey.licence, survey.synthetic) == (
        "Synthetic data",
        "CC0 1.0 (public domain)",
        True,
    )
    says(
        "None of the four charts has a text that prints under 8 pt when placed 16 cm wide: "
        "each `too_small` list is empty."
    )
    items = q3_items(toronto)
    answers = likert_table(
        toronto,
        items=items,
        scale=toronto.attrs["likert_scale"],
        labels=item_labels(toronto, items),
        reverse=toronto.attrs["reverse_worded"],
    )
    with context():
        drawn = {
            "04_reports_grid_2025": (
                plot_grid(placements, title=CHARTS["04_reports_grid_2025"].title),
                grid_chart_data(placements),
            ),
            "04_reports_toronto_likert": (
                plot_likert(answers, title=CHARTS["04_reports_toronto_likert"].title),
                answers,
            ),
            "04_reports_housing_repairs": (
                plot_spc(
                    repairs, title=CHARTS["04_reports_housing_repairs"].title, ylabel="Complaints"
                ),
                spc_chart_data(repairs),
            ),
            "04_reports_scenarios": (
                plot_scenarios(
                    scenarios_data(simulate()), title=CHARTS["04_reports_scenarios"].title
                ),
                None,
            ),
        }
        for name, (ax, data) in drawn.items():
            assert too_small(ax).empty, name
            saved = save_figure(
                ax, name, directory=tmp_path, data=data, alt_text=CHARTS[name].alt_text
            )
            sidecar = json.loads(saved.sidecar.read_text(encoding="utf-8"))
            assert sidecar["smallest_text_pt"] >= 8.0 - 1e-9, name
    grid = json.loads((tmp_path / "figures" / "04_reports_grid_2025.json").read_text())
    assert (grid["source"], grid["licence"], grid["synthetic"]) == (
        "Synthetic data",
        "CC0 1.0 (public domain)",
        True,
    )


# ------------------------------------------------------------------ suppression


def test_how_many_cells_are_withheld(stages, tmp_path):
    published = pd.read_csv(export_table(stages, tmp_path / "stage_mix.csv", **RULES))
    primary = int(stages["count"].between(1, 4).sum())
    withheld = int(published["count"].eq(SUPPRESSED).sum())
    months = published[["service", "period"]].drop_duplicates()
    touched = published.loc[published["share"].eq(SUPPRESSED), ["service", "period"]]
    says(
        f"Of the {len(published):,} cells, {primary} are counts of 1 to 4 and "
        f"{withheld - primary} more are withheld to protect them; the shares of "
        f"{len(touched.drop_duplicates())} of the {len(months)} service-months are withheld."
    )
    january = stages[(stages["service"] == "Housing repairs") & (stages["period"] == "2021-01-01")]
    assert january.set_index("level")["count"].to_dict() == {
        "stage 1": 47,
        "stage 2": 9,
        "ombudsman": 1,
    }
    says(
        "Housing repairs in January 2021 shows how: 47 complaints at stage 1, 9 at stage 2 and "
        "1 at the ombudsman. The 1 is withheld, and the 9 with it."
    )
    assert published["count"].head(3).tolist() == ["47", SUPPRESSED, SUPPRESSED]


def test_the_failed_recovery_attempt(stages, totals, tmp_path):
    published = pd.read_csv(export_table(stages, tmp_path / "stage_mix.csv", **RULES))
    attempt = attack_suppression(
        published,
        count_columns=["count"],
        by=RULES["by"],
        suppress_below=5,
        shares=["share"],
        known_totals=totals.assign(period=totals["period"].dt.strftime("%Y-%m-%d")),
    )
    says(
        f"none of the {len(attempt)} withheld counts is recovered, and every one could still be "
        "anything from 1 to at least 4"
    )
    assert not attempt["recovered"].any()
    assert (attempt["low"] == 1).all() and (attempt["high"] >= 4).all()
    says(
        "Housing repairs' two withheld counts add up to 10 (57 less the 47 published) and no "
        "more: each could be anything from 1 to 9."
    )
    january = attempt[
        (attempt["service"] == "Housing repairs") & (attempt["period"] == "2021-01-01")
    ]
    assert (january["low"].tolist(), january["high"].tolist()) == ([1, 1], [9, 9])
    assert totals.iloc[0]["total"] == 57


def test_the_naive_table_gives_every_count_away(stages, totals):
    naive = prepare_table(stages, suppress_below=5, count_columns=["count"])
    attempt = attack_suppression(
        naive, count_columns=["count"], by=RULES["by"], suppress_below=5, shares=["share"]
    )
    found = attempt.merge(stages, on=["service", "period", "level"])
    says("Every one of the 482 hidden counts comes back, each exactly right")
    assert len(attempt) == 482 and attempt["recovered"].all()
    assert (found["low"] == found["count"]).all()
    says("January 2021's ombudsman share, 0.017544, times the month's 57 complaints is 1.")
    assert naive.loc[2, ["count", "share"]].tolist() == [SUPPRESSED, pytest.approx(1 / 57)]
    assert f"{1 / 57:.6f}" == "0.017544"
    no_shares = attack_suppression(
        naive.drop(columns="share"),
        count_columns=["count"],
        by=RULES["by"],
        suppress_below=5,
        known_totals=totals,
    )
    hidden = no_shares.groupby(["service", "period"])["recovered"].transform("size")
    one = no_shares[hidden == 1]
    pairs = no_shares[(hidden == 2) & no_shares["recovered"]]
    says(
        f"with the monthly totals alone, {int(no_shares['recovered'].sum())} of the 482 follow "
        f"by subtraction, {int(one['recovered'].sum())} where a service-month hid a single "
        f"count and {len(pairs)} where it hid two that add up to 2 (each must be 1)"
    )
    assert one["recovered"].all() and (pairs["low"] == 1).all() and (pairs["high"] == 1).all()
    assert not no_shares.loc[hidden > 2, "recovered"].any()


def test_personal_data_and_formulas(log):
    with_names = log.head(3).assign(
        complainant_name=["A. Resident", "B. Resident", "C. Resident"],
        details=["The repair to my kitchen ceiling was booked three times and never done"] * 3,
    )
    says("refuses to write a column that may hold personal data (by its name")
    assert personal_columns(with_names) == ["complainant_name", "details"]
    with pytest.raises(PersonalDataError, match="'complainant_name', 'details'"):
        export_table(with_names, "never_written.csv")
    says("also after leading spaces) is written with an apostrophe in front")
    typed = pd.DataFrame({"category": ['=HYPERLINK("x","y")', "  @SUM(A1:A9)", "staff"]})
    assert prepare_table(typed)["category"].tolist() == [
        '\'=HYPERLINK("x","y")',
        "'  @SUM(A1:A9)",
        "staff",
    ]


# ------------------------------------------------------------------ worked answers


def test_answer_threshold_of_ten(stages, totals):
    rules = {**RULES, "suppress_below": 10}
    published = prepare_table(stages, **rules)
    primary = int(stages["count"].between(1, 9).sum())
    withheld = int(published["count"].eq(SUPPRESSED).sum())
    attempt = attack_suppression(published, known_totals=totals, **rules)
    says(
        f"{primary} counts are primary and {withheld - primary} more cells are withheld to "
        f"protect them, {withheld} in all against 763 at a threshold of 5",
        ANSWERED,
    )
    assert int(prepare_table(stages, **RULES)["count"].eq(SUPPRESSED).sum()) == 763
    says(
        "The attack still recovers none, and no withheld count can be narrowed below 1 to 9",
        ANSWERED,
    )
    assert not attempt["recovered"].any()
    assert (attempt["low"] == 1).all() and (attempt["high"] >= 9).all()
    says(f"{withheld} of the {len(stages):,} cells are now hidden", ANSWERED)


def test_answer_quarterly_ombudsman_counts(log, stages):
    published = prepare_table(stages, **RULES)
    months = published[published["level"] == "ombudsman"].assign(
        quarter=lambda d: d["period"].dt.to_period("Q").dt.start_time
    )[["service", "quarter", "period", "count"]]
    quarters = outcomes(log, freq="quarter", by="service")[["service", "period", "ombudsman"]]
    attempt = attack_suppression(
        months,
        count_columns=["count"],
        by=["service", "quarter"],
        suppress_below=5,
        known_totals=quarters.rename(columns={"period": "quarter", "ombudsman": "total"}),
    )
    truth = stages.loc[stages["level"] == "ombudsman", ["service", "period", "count"]]
    recovered = attempt.merge(truth, on=["service", "period"]).query("recovered")
    says(
        f"{len(recovered)} of the {len(attempt)} withheld ombudsman months come back exactly, "
        "every one the true count",
        ANSWERED,
    )
    assert (recovered["low"] == recovered["count"]).all()
    says("in a quarter where only one month's count is withheld", ANSWERED)
    per_quarter = attempt.groupby(["service", "quarter"])["recovered"].transform("size")
    assert attempt.loc[per_quarter == 1, "recovered"].all()


def test_answer_a_screen_chart_placed_at_16_cm(repairs):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(30 / 2.54, 12 / 2.54))
    plot_spc(
        repairs,
        title="Housing repairs complaints rose from July 2023: 18 months above the mean",
        ylabel="Complaints",
        ax=ax,
    )
    failing = too_small(ax)
    says("A figure 30 cm wide shrinks to 16/30 of its size", ANSWERED)
    says("text drawn at 9 pt prints at under 5 pt", ANSWERED)
    assert 9 * 16 / 30 < 5
    says(
        f"{len(failing)} texts fail, the title and the axis labels among them; the smallest, the "
        f"labels of the key, print at {failing['printed_pt'].min():.1f} pt",
        ANSWERED,
    )
    assert {CHARTS["04_reports_housing_repairs"].title, "Complaints"} <= set(failing["text"])
    smallest = failing.loc[failing["printed_pt"] == failing["printed_pt"].min(), "text"]
    assert {"Common cause", "Mean", "Process limits"} <= set(smallest)

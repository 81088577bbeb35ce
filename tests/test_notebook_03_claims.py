"""Every number notebook 03 (and its worked answers) states, against what the library computes.

Each test makes the notebook's own calls on the shipped data and checks the number as the
prose writes it (rounded the same way). When a loader rule changes a number, the test
names the paragraph to rewrite.
"""

from __future__ import annotations

import pandas as pd
import pytest
from notebook_prose import charts, prose, source
from notebook_prose import says as notebook_says

from coprod.complaints import complaint_counts
from coprod.datasets import load_dataset
from coprod.politics import (
    change_rates,
    control_changes,
    interrupted_time_series,
    placebo_check,
    simulate,
)
from coprod.politics.effects import change_study, pfi_contrast, report_panel
from coprod.politics.pfi import charges_by_sector, contract_terms

NOTEBOOK = prose(source("03_political_change.py"))
ANSWERED = prose(source("answers/03_political_change.py"))


def says(sentence: str, where: str = NOTEBOOK) -> None:
    notebook_says(sentence, where)


def ratio(rate_ratio) -> str:
    return f"{rate_ratio.estimate:.2f} ({rate_ratio.low:.2f} to {rate_ratio.high:.2f})"


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return load_dataset("council_control").data


@pytest.fixture(scope="module")
def pfi():
    return load_dataset("pfi_projects")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    reports = load_dataset("fixmystreet_all").data
    road = load_dataset("fixmystreet_road_defects").data
    return report_panel(reports, category_reports=road, category="road_defects")


@pytest.fixture(scope="module")
def repairs() -> pd.DataFrame:
    log = load_dataset("complaints_log").data
    return complaint_counts(log, by="service").query("service == 'Housing repairs'")


# ------------------------------------------------------------------ how often control changes


def test_how_often_control_changes(history):
    rates = change_rates(history).iloc[0]
    says(
        f"{int(rates['changes']):,} changes in {int(rates['council_years']):,} council-years: about one "
        f"change per council per decade ({rates['changes_per_decade']:.2f}), a "
        f"{rates['p_change']:.1%} chance in any year."
    )
    nations = change_rates(history, by="nation").set_index("nation")["changes_per_decade"]
    says(f"(about {nations['England']:.2f} against {nations['Scotland']:.2f} a decade)")
    says(f"({1 / rates['p_change']:.1f} years, one over the yearly chance of a change)")


def test_the_cited_cases_changed_control_when_the_notebook_says(history):
    changes = control_changes(history)
    for council, year in {"Redbridge": 2014, "Waltham Forest": 2010, "Southwark": 2010}.items():
        says(f"**{council}**, {year}")
        row = changes[(changes["council"] == council) & (changes["year"] == year)]
        assert row["to_control"].tolist() == ["Lab"], council
    oxford = changes[(changes["council"] == "Oxford") & (changes["year"] == 2010)]
    assert oxford["to_control"].tolist() == ["Lab"]
    says("**Oxford**, after Labour won a majority in 2010")
    # "they changed less often than English councils even before 2007"
    before = change_rates(history, by="nation", years=(1974, 2006)).set_index("nation")
    assert (
        before.loc["Scotland", "changes_per_decade"] < before.loc["England", "changes_per_decade"]
    )
    says("though they changed less often than English councils even before 2007")


# ------------------------------------------------------------------ contracts


def test_pfi_matching_and_terms(pfi):
    data = pfi.data
    matched = data[data["council_code"].notna()]
    says(
        f"{len(matched)} of the {len(data)} projects belong to "
        f"{matched['council_code'].nunique()} councils"
    )
    terms = contract_terms(pfi)
    says(f"the median term is {terms.median():.0f} years")


def test_sheffield(pfi, history):
    sheffield = pfi.data[pfi.data["council"] == "Sheffield"]
    first_close = sheffield["financial_close"].min()
    changes = control_changes(history).query("council == 'Sheffield'")
    since = changes[changes["year"] >= first_close.year]
    says("Sheffield has seven contracts of three kinds")
    assert len(sheffield) == 7
    assert sheffield["sector"].str.split(" ").str[0].nunique() == 3  # offices, schools, roads
    says(f"changed control eight times since it signed the first, in March {first_close.year}")
    assert (first_close.month, len(since)) == (3, 8)
    shares = charges_by_sector(pfi).query("council == 'Sheffield'").set_index("sector")["share"]
    says(
        f"a highways maintenance contract signed in 2012, {shares['Roads and Highway Maintenance']:.0%} of its PFI charges"
    )


# ------------------------------------------------------------------ interrupted time series


def test_interrupted_time_series_numbers(repairs):
    its = interrupted_time_series(repairs, date="period", value="count", change_date="2023-07-01")
    level, slope = its.effects.loc["level"], its.effects.loc["slope"]
    says(f"**level {level['estimate']:.2f} ({level['low']:.2f} to {level['high']:.2f})**")
    says(f"**slope {slope['estimate']:.2f} per year ({slope['low']:.2f} to {slope['high']:.2f})**")
    assert level["low"] < 1.8 < level["high"]  # "The interval holds the planted 1.8."
    assert slope["low"] < 1 < slope["high"]
    says(
        f"{its.n_before} months before and {its.n_after} after, variance {its.overdispersion:.1f} times"
    )
    assert its.autocorrelation == pytest.approx(0, abs=0.005)  # "(none here)"
    placebo = placebo_check(repairs, date="period", value="count", change_date="2023-07-01")
    says(
        f'None of the {len(placebo.table)} placebo dates shows an "effect", against the real change\'s {level["estimate"]:.2f}'
    )
    assert placebo.n_excluding == 0


def test_a_wrong_change_date(repairs):
    early = interrupted_time_series(repairs, date="period", value="count", change_date="2022-07-01")
    level, slope = early.effects.loc["level"], early.effects.loc["slope"]
    says(
        f"level {level['estimate']:.2f} ({level['low']:.2f} to {level['high']:.2f}), trend "
        f"{slope['estimate']:.2f} a year ({slope['low']:.2f} to {slope['high']:.2f})",
        ANSWERED,
    )
    says(
        f"a variance {early.overdispersion:.1f} times the Poisson variance and a lag-1 "
        f"correlation of {early.autocorrelation:.2f}",
        ANSWERED,
    )
    with pytest.raises(Exception, match="leave no placebo date"):
        placebo_check(repairs, date="period", value="count", change_date="2022-07-01")


# ------------------------------------------------------------------ event studies


@pytest.fixture(scope="module")
def roads(panel, history):
    return change_study(panel, history, value="road_defects", exposure="reports")


def test_road_defect_share_after_a_change(roads):
    result = roads.result
    says(
        f"With {result.n_events} councils changing control and {result.n_never_treated} that did not"
    )
    average = result.average_post
    says(
        f"road-defect reports were **{average.estimate:.2f} times** their expected share (95% "
        f"interval {average.low:.2f} to {average.high:.2f})"
    )
    assert result.pretrend_p > 0.05  # "the leads are jointly consistent with no change"


def test_all_reports_interval(panel, history):
    everything = change_study(panel, history, value="reports")
    average = everything.result.average_post
    says(f"Its interval is far wider ({average.low:.2f} to {average.high:.2f})")


def test_pfi_contrast(panel, history, pfi):
    contrast = pfi_contrast(panel, history, pfi.data, value="road_defects", exposure="reports")
    with_pfi, without = contrast.with_pfi.result, contrast.without_pfi.result
    says(
        f"{len(contrast.with_pfi.councils)} single-tier councils had a roads or street-lighting contract"
    )
    says(f"{with_pfi.n_units} of them are in the study")
    says(
        f"by a factor of {ratio(with_pfi.average_post)}, against {ratio(without.average_post)} in the {without.n_units} councils without one"
    )
    says(f"the ratio of the two, {ratio(contrast.difference)}")
    says(
        f"only a ratio of {contrast.detectable:.2f} or more, or {contrast.detectable_fall:.2f} "
        "or less, would have been found 80% of the time"
    )


def test_longer_pre_window(panel, history, roads):
    longer = change_study(panel, history, value="road_defects", exposure="reports", pre_window=36)
    says(f"{longer.clean.n_treated} instead of {roads.clean.n_treated}", ANSWERED)
    says(
        f"{ratio(longer.result.average_post)} against {roads.result.average_post.estimate:.2f}",
        ANSWERED,
    )


# ------------------------------------------------------------------ scenarios and answers


def test_scenario_half_lives():
    scenario = simulate()
    survival = scenario.survival.set_index("year")["share_surviving"]
    locked = scenario.pfi_share.set_index("year")["share_locked"]
    arrangements = int(survival[survival <= 0.5].index.min())
    contracts = int(locked[locked <= 0.5].index.min())
    says(
        f"Half of the arrangements have ended by year {arrangements}, half of the contracts only by year {contracts}"
    )


def test_answers_scotland_and_volatility(history):
    before = change_rates(history, by="nation", years=(1974, 2006)).set_index("nation")
    after = change_rates(history, by="nation", years=(2006, 2026)).set_index("nation")
    says(
        f"about {before.loc['Scotland', 'changes_per_decade']:.2f} times a decade before 2007 "
        f"and about {after.loc['Scotland', 'changes_per_decade']:.2f} times after it",
        ANSWERED,
    )
    scotland = history[history["nation"] == "Scotland"]
    since = scotland["year"] >= 2007
    says(
        f"{(scotland.loc[since, 'control'] == 'NOC').mean():.0%} of Scottish council-years since "
        f"2007 have had no overall control ({(scotland.loc[~since, 'control'] == 'NOC').mean():.0%} before)",
        ANSWERED,
    )
    world = simulate(p_change=0.2, n_runs=200)
    share = world.survival.query("year == 10")["share_surviving"].iloc[0]
    says(f"leaves about {share:.0%} of arrangements in place after 10 years", ANSWERED)
    england = change_rates(history, by="nation").set_index("nation").loc["England"]
    says(f"England's, about {england['changes_per_decade']:.2f} changes a decade", ANSWERED)


def test_the_real_schedule_of_changes(history):
    real = change_rates(history, by="year", years=(1996, 2026)).set_index("year")["p_change"]
    assert list(real.index) == list(range(1997, 2027))  # 30 years, the scenario's length
    says(f"from {real.min():.0%} in {real.idxmin()} to {real.max():.0%} in {real.idxmax()}")


def test_the_planted_step_and_the_platform_growth(panel):
    import inspect

    from coprod.synth import make_complaint_log

    defaults = inspect.signature(make_complaint_log).parameters
    assert defaults["step_service"].default == "Housing repairs"
    assert (defaults["step_month"].default, defaults["step_factor"].default) == ("2023-07", 1.8)
    says("repairs were planted to run **1.8 times** higher from July 2023")
    by_year = panel.groupby(panel["month"].dt.year)["reports"].sum()
    says(f"from {by_year[2010]:,} reports in 2010 to {by_year[2019]:,} in 2019")


# ------------------------------------------------------------------ chart titles and alt text

CHARTS = charts(source("03_political_change.py"))


def in_alt(name: str, *sentences: str) -> None:
    for sentence in sentences:
        says(sentence, CHARTS[name].alt_text)


def test_changes_per_decade_chart(history):
    from coprod.charts.politics import changes_distribution_data

    per_council = changes_distribution_data(history)
    never = int((per_council["changes"] == 0).sum())
    assert CHARTS["03_changes_per_decade"].title == (
        f"Councils change control about once a decade; {never} never did"
    )
    most = per_council[per_council["changes_per_decade"] == per_council["changes_per_decade"].max()]
    overall = per_council["changes"].sum() / per_council["council_years"].sum() * 10
    in_alt(
        "03_changes_per_decade",
        f"for the {len(per_council)} councils seen for at least 10 years, 1973-2026",
        f"The median council changed {per_council['changes_per_decade'].median():.2f} times a "
        f"decade, all council-years together {overall:.2f} times; {never} councils never changed",
        f"the most volatile, {' and '.join(sorted(most['council']))}, changed "
        f"{most['changes_per_decade'].iloc[0]:.2f} times a decade",
    )


def test_control_strip_chart(history):
    from coprod.charts.politics import control_strip_data

    strip = control_strip_data(history, years=(1995, 2026))
    scotland = strip[strip["group"] == "Scotland"]
    since, before = (scotland["year"] >= 2007), (scotland["year"] < 2007)
    noc_since = (scotland.loc[since, "control"] == "NOC").mean()
    assert CHARTS["03_control_strip"].title == (
        f"Since 2007, {noc_since:.0%} of Scottish council-years have had no overall control"
    )
    in_alt(
        "03_control_strip",
        f"each of {strip['council_key'].nunique()} councils (rows, grouped by nation) in each "
        "year from 1995 to 2026",
        f"The {scotland['council_key'].nunique()} Scottish councils turn almost wholly grey",
        f"{noc_since:.0%} of their council-years since then have had no overall control, against "
        f"{(scotland.loc[before, 'control'] == 'NOC').mean():.0%} in 1995-2006",
    )


def test_control_bands_chart(history):
    changes = control_changes(history)
    assert CHARTS["03_control_bands"].title == (
        "Redbridge turned Labour in 2014, the other cited cases in 2010"
    )
    for council, year in {
        "Redbridge": 2014,
        "Waltham Forest": 2010,
        "Southwark": 2010,
        "Oxford": 2010,
    }.items():
        row = changes[(changes["council"] == council) & (changes["year"] == year)]
        assert row[["from_control", "to_control"]].values.tolist() == [["NOC", "Lab"]], council
    sheffield = changes[(changes["council"] == "Sheffield") & changes["year"].between(1991, 2026)]
    in_alt(
        "03_control_bands",
        "Redbridge went from no overall control to Labour in 2014; Waltham Forest, Southwark "
        "and Oxford from no overall control to Labour in 2010",
        f"Sheffield changed control {len(sheffield)} times in these years",
    )


def test_sheffield_contracts_chart(pfi, history):
    from coprod.charts.pfi import contracts_timeline_data

    timeline = contracts_timeline_data(pfi, history, "Sheffield")
    contracts = timeline[timeline["element"] == "contract"]
    changes = control_changes(history).query("council == 'Sheffield' and year >= 1999")
    assert CHARTS["03_sheffield_contracts"].title == (
        "Sheffield's seven PFI contracts run through eight changes of control"
    )
    assert (len(contracts), len(changes)) == (7, 8)
    in_alt(
        "03_sheffield_contracts",
        f"financial close ({int(contracts['start'].min())} to {int(contracts['start'].max())}) "
        f"to its expected end ({int(contracts['end'].min())} to {int(contracts['end'].max())})",
        "Control changed eight times from 1999 on, and every contract runs straight through",
    )
    # every contract spans at least one change
    for start, end in zip(contracts["start"], contracts["end"], strict=True):
        assert ((changes["year"] > start) & (changes["year"] < end)).any()


def test_its_and_placebo_charts(repairs):
    its = interrupted_time_series(repairs, date="period", value="count", change_date="2023-07-01")
    level, slope = its.effects.loc["level"], its.effects.loc["slope"]
    assert CHARTS["03_its"].title == (
        f"Housing repairs complaints ran {level['estimate']:.2f} times the expected level from "
        "July 2023"
    )
    in_alt(
        "03_its",
        f"complaints ran at {level['estimate']:.2f} times ({level['low']:.2f} to "
        f"{level['high']:.2f}) the counterfactual, against a planted 1.8",
        f"the trend did not change ({slope['estimate']:.2f} a year, {slope['low']:.2f} to "
        f"{slope['high']:.2f})",
    )
    placebo = placebo_check(repairs, date="period", value="count", change_date="2023-07-01")
    dates = pd.DatetimeIndex(placebo.table["placebo_date"])
    assert CHARTS["03_placebo"].title == (
        f"None of {len(dates)} placebo dates shows an effect, against "
        f"{level['estimate']:.2f} at the real change"
    )
    in_alt(
        "03_placebo",
        f"at {len(dates)} placebo dates, {dates.min():%B} to {dates.max():%B %Y}",
        f"the real change is {level['estimate']:.2f} ({level['low']:.2f} to {level['high']:.2f})",
    )
    assert placebo.n_excluding == 0


def test_event_study_charts(roads, panel, history, pfi):
    average = roads.result.average_post
    assert CHARTS["03_event_study_roads"].title == (
        f"After a change of control, road-defect reports were {average.estimate:.2f} times "
        "their share"
    )
    in_alt(
        "03_event_study_roads",
        f"for {roads.result.n_events} single-tier councils that changed control against "
        f"{roads.result.n_never_treated} that did not",
        f"the share was {average.estimate:.2f} times ({average.low:.2f} to {average.high:.2f})",
    )
    contrast = pfi_contrast(panel, history, pfi.data, value="road_defects", exposure="reports")
    with_pfi, without = contrast.with_pfi.result, contrast.without_pfi.result
    assert CHARTS["03_event_study_pfi"].title == (
        "With a roads PFI contract the share rose no less: "
        f"{with_pfi.average_post.estimate:.2f} against {without.average_post.estimate:.2f}"
    )
    assert with_pfi.average_post.estimate >= without.average_post.estimate  # "no less"
    assert contrast.difference.low < 1 < contrast.difference.high  # "no difference"
    in_alt(
        "03_event_study_pfi",
        f"for the {with_pfi.n_units} councils with a roads or street-lighting PFI contract and "
        f"the {without.n_units} without",
        f"{ratio(with_pfi.average_post)} with a contract, {ratio(without.average_post)} without; "
        f"their ratio, {ratio(contrast.difference)}, is consistent with no difference",
    )


def test_scenario_charts(history):
    scenario = simulate()
    survival = scenario.survival.set_index("year")["share_surviving"]
    locked = scenario.pfi_share.set_index("year")["share_locked"]
    half_arrangements = int(survival[survival <= 0.5].index.min())
    half_contracts = int(locked[locked <= 0.5].index.min())
    assert CHARTS["03_scenarios"].title == (
        f"Half the arrangements end by year {half_arrangements}, half the PFI contracts by "
        f"year {half_contracts}"
    )
    in_alt(
        "03_scenarios",
        f"Arrangements fall to half by year {half_arrangements} and to {survival[30]:.0%} by "
        f"year 30; contracts stay above 90% until year {int(locked[locked > 0.9].index.max())} "
        f"and fall to half by year {half_contracts}",
    )
    real_years = change_rates(history, by="year", years=(1996, 2026))
    at_ten = {
        name: world.survival.set_index("year").loc[10, "share_surviving"]
        for name, world in {
            "never": simulate(p_change=0.0),
            "real": scenario,
            "years": simulate(change_schedule=real_years["p_change"].to_numpy()),
            "twice": simulate(p_change=2 * scenario.p_change),
        }.items()
    }
    assert CHARTS["03_scenario_comparison"].title == (
        f"More changes of control, fewer arrangements: {at_ten['never']:.0%} to "
        f"{at_ten['twice']:.0%} left at 10 years"
    )
    in_alt(
        "03_scenario_comparison",
        f"After 10 years: {at_ten['never']:.0%} if control never changes, {at_ten['real']:.0%} "
        f"at the real rate, {at_ten['years']:.0%} with the real years 1997-2026, "
        f"{at_ten['twice']:.0%} at twice the real rate",
    )


def test_answer_early_change_chart(repairs):
    early = interrupted_time_series(repairs, date="period", value="count", change_date="2022-07-01")
    level = early.effects.loc["level"]
    chart = charts(source("answers/03_political_change.py"))["03_answer_its_early"]
    assert chart.title.endswith(f"the model finds no clear change: level {level['estimate']:.2f}")
    assert level["low"] < 1 < level["high"]
    says(
        f"The level ratio is {level['estimate']:.2f} ({level['low']:.2f} to {level['high']:.2f}), "
        "no clear change",
        chart.alt_text,
    )

"""Every number notebook 02 (and its worked answers) states, against what the library computes.

Each test makes the notebook's own calls on the shipped data and checks the claim as the
prose writes it (rounded the same way). When a rule or a data set changes a number, the
failing test names the paragraph to rewrite.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from notebook_prose import charts, prose, source
from notebook_prose import listed as names
from notebook_prose import says as notebook_says

from coprod.co_planning import consider_co_planning
from coprod.complaints import (
    DEFAULT_SEVERITY_WEIGHTS,
    complaint_counts,
    measure_series,
    outcomes,
    timeliness,
)
from coprod.datasets import load_dataset
from coprod.grid import place_services
from coprod.io.complaint_log import read_complaints
from coprod.io.counts import LAD_NAMES
from coprod.synth import COMPLAINTS_SEED, make_complaint_log, write_complaint_export
from coprod.timeseries.periods import fill_zero_counts
from coprod.timeseries.runs import CONTROL_CHART_POINTS, run_chart
from coprod.timeseries.seasonal import seasonally_adjust
from coprod.timeseries.spc import compare_conventions, spc, suggest_rebase

NOTEBOOK = prose(source("02_complaints.py"))
ANSWERED = prose(source("answers/02_complaints.py"))


def says(sentence: str, where: str = NOTEBOOK) -> None:
    notebook_says(sentence, where)


def month(period) -> str:
    return pd.Timestamp(period).strftime("%B %Y")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_dataset("complaints_log").data


@pytest.fixture(scope="module")
def counts_spc(log) -> pd.DataFrame:
    return spc(
        measure_series(log, measure="count"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )


@pytest.fixture(scope="module")
def placements() -> pd.DataFrame:
    survey = load_dataset("services_survey").data
    return place_services(
        survey.query("council == 'Northbridge' and wave == 2023"),
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
    )


@pytest.fixture(scope="module")
def cities() -> pd.DataFrame:
    reports = load_dataset("fixmystreet_extract")
    filled = fill_zero_counts(
        reports.data, by="lad", period="period", value=["reports", "unique_users"]
    )
    filled["area"] = filled["lad"].map(LAD_NAMES)
    return filled


# ------------------------------------------------------------------ the data


def test_the_log_and_its_planted_changes(log):
    says("one row per complaint, 2021 to 2024, for eight services")
    assert log["service"].nunique() == 8
    assert sorted(log["received"].dt.year.unique()) == [2021, 2022, 2023, 2024]
    says("The log hides three planted changes")
    truth = make_complaint_log(seed=COMPLAINTS_SEED).truth
    planted = truth[truth["change"] != "none"].drop_duplicates("service")
    assert planted.set_index("service")["change"].to_dict() == {
        "Housing repairs": "step",
        "Social care": "seriousness",
        "Street lighting": "seasonal",
    }


def test_month_first_export_loads_every_row_with_no_wrong_date():
    export = write_complaint_export(Path(tempfile.mkdtemp()) / "requests_311.csv")
    us_log = read_complaints(export.path, as_of="2024-01-01")
    says("Every row loads and no date is wrong: the notes say the columns were read month first")
    assert us_log.n_loaded == us_log.n_read and us_log.n_quarantined == 0
    truth = export.truth.loc[us_log.data.index]
    for column in ("received", "closed"):
        got, want = us_log.data[column], truth[column]
        assert (got.isna() == want.isna()).all() and (got.dropna() == want.dropna()).all()
    notes = " ".join(us_log.notes)
    assert "'received': read month first" in notes and "'closed': read month first" in notes


def test_the_export_read_out_of_core_gives_the_same_summary_and_counts():
    export = write_complaint_export(Path(tempfile.mkdtemp()) / "requests_311.csv")
    us_log = read_complaints(export.path, as_of="2024-01-01")
    stored = read_complaints(export.path, as_of="2024-01-01", engine="duckdb")
    says("The summaries and the monthly counts are identical.")
    assert stored.summary() == us_log.summary()
    assert complaint_counts(stored).equals(complaint_counts(us_log))
    says("picks this engine by itself for a file of 256 MiB or more")
    from coprod.io.complaint_engine import AUTO_OUT_OF_CORE_BYTES

    assert AUTO_OUT_OF_CORE_BYTES == 256 * 2**20


# ------------------------------------------------------------------ SPC by hand


def test_the_library_gives_the_by_hand_numbers(log):
    monthly = complaint_counts(log, freq="month", by="service")
    refuse = monthly.query("service == 'Refuse collection'").head(12)
    centre = refuse["count"].mean()
    mr_bar = refuse["count"].diff().abs().mean()
    says("(2.66 = 3 / 1.128 turns the mean moving range into three standard deviations)")
    assert round(3 / 1.128, 2) == 2.66
    says("The library gives the same numbers")
    check = spc(refuse, value="count", period="period")
    assert check["centre"].iloc[0] == pytest.approx(centre)
    assert check["lower"].iloc[0] == pytest.approx(centre - 2.66 * mr_bar, abs=0.02)
    assert check["upper"].iloc[0] == pytest.approx(centre + 2.66 * mr_bar, abs=0.02)
    says("**run**: 7 points in a row on one side of the centre")
    says("**trend**: 6 points in a row each higher (or lower)")
    assert (check["run_length"].iloc[0], check["trend_length"].iloc[0]) == (7, 6)


# ------------------------------------------------------------------ the run chart


def test_the_run_chart_of_street_lightings_first_year(log):
    monthly = complaint_counts(log, freq="month", by="service")
    lights = run_chart(
        monthly.query("service == 'Street lighting'").head(12), value="count", period="period"
    )
    first = lights.iloc[0]
    says("Twelve months give SPC only *trial limits*")
    assert spc(
        monthly.query("service == 'Street lighting'").head(12), value="count", period="period"
    )["trial_limits"].all()
    says("more points in a row on one side than round(log₂ n) + 3")
    assert first["longest_run_max"] == round(math.log2(12)) + 3
    says("fewer than chance gives 95 times in 100")
    says(
        "The line crosses its median of 25 only 2 times, fewer than the 3 that chance allows "
        "with 12 points: non-random variation"
    )
    assert (first["centre"], first["n_crossings"], first["n_crossings_min"]) == (25, 2, 3)
    assert (first["n_obs"], first["n_useful"]) == (12, 12)
    assert first["crossings_signal"] and first["runs_signal"]
    says("The longest run, 6 months below the median from April to September, is within the 7")
    run = lights[lights["in_longest_run"]]
    assert (first["longest_run"], first["longest_run_max"]) == (6, 7)
    assert set(run["side"]) == {-1}
    assert (month(run["period"].iloc[0]), month(run["period"].iloc[-1])) == (
        "April 2021",
        "September 2021",
    )
    assert not first["longest_run_signal"]
    says("here it is the winter peak we come back to below")
    truth = make_complaint_log(seed=COMPLAINTS_SEED).truth
    assert truth.loc[truth["service"] == "Street lighting", "change"].iloc[0] == "seasonal"
    says(
        "Refuse collection's first year, by contrast, crosses its median 7 times and its "
        "longest run is 3 months: noise"
    )
    refuse = run_chart(
        monthly.query("service == 'Refuse collection'").head(12), value="count", period="period"
    ).iloc[0]
    assert (refuse["n_crossings"], refuse["longest_run"]) == (7, 3)
    assert not refuse["runs_signal"]
    says("From about 20 points a control chart can add its limits")
    assert CONTROL_CHART_POINTS == 20
    chart = charts(source("02_complaints.py"))["02_complaints_street_lighting_run_chart"]
    assert chart.title == "Street lighting, 2021: the median crossed only twice"
    assert chart.has_data
    assert "around their median of 25" in chart.alt_text
    assert "three months above, six below from April to September, three above" in chart.alt_text
    assert list(lights["side"]) == [1] * 3 + [-1] * 6 + [1] * 3
    assert "crosses the median only 2 times, fewer than the 3 chance allows" in chart.alt_text
    assert "No run is longer than the 7 points allowed" in chart.alt_text


# ------------------------------------------------------------------ the planted changes


def test_which_services_stand_out(counts_spc):
    flagged = counts_spc[counts_spc["special_cause"]]
    per_service = flagged.groupby("service").size()
    repairs = counts_spc[counts_spc["service"] == "Housing repairs"]
    rise = repairs[repairs["period"] >= "2023-07-01"]
    says(
        "Housing repairs is above the centre in every one of the last 18 months, from July "
        "2023, 16 of them beyond the upper limit."
    )
    assert len(rise) == 18 and (rise["value"] > rise["centre"]).all()
    assert rise["special_cause"].all() and not repairs["special_cause"].iloc[:-18].any()
    assert (rise["value"] > rise["upper"]).sum() == 16
    lights = counts_spc[counts_spc["service"] == "Street lighting"]
    says("Street lighting is flagged in 32 of the 48 months")
    assert (per_service["Street lighting"], len(lights)) == (32, 48)
    says(
        "(Social care's nine months below the centre from July 2023, two months of "
        "Libraries, one of Parks and green spaces)"
    )
    care = flagged[flagged["service"] == "Social care"]
    assert len(care) == 9 and care["period"].min() == pd.Timestamp("2023-07-01")
    assert (care["direction"] == -1).all()
    assert (per_service["Libraries"], per_service["Parks and green spaces"]) == (2, 1)
    others = set(per_service.index) - {"Housing repairs", "Street lighting"}
    assert others == {"Social care", "Libraries", "Parks and green spaces"}
    says("none is in the last six months")
    last_six = counts_spc.groupby("service").tail(6)
    assert not last_six.loc[last_six["service"].isin(others), "special_cause"].any()


def test_rebasing_where_the_change_points_say(log, counts_spc):
    suggestion = suggest_rebase(counts_spc).query("service == 'Housing repairs'")
    assert suggestion["period"].tolist() == [pd.Timestamp("2023-07-01")]
    says("we rebase there")
    rebased = spc(
        measure_series(log, measure="count").query("service == 'Housing repairs'"),
        value="value",
        period="period",
        rebase=["2023-07-01"],
    )
    before, after = (rebased[rebased["segment"] == s].iloc[0] for s in (1, 2))
    says(
        f"a centre of {after['centre']:.0f} complaints a month (limits {after['lower']:.0f} to "
        f"{after['upper']:.0f}) against {before['centre']:.1f} ({before['lower']:.1f} to "
        f"{before['upper']:.1f}) before"
    )


def test_severity_weights():
    says("low 1, medium 2, high 3")
    assert dict(DEFAULT_SEVERITY_WEIGHTS) == {"low": 1, "medium": 2, "high": 3}


# ------------------------------------------------------------------ the season


def test_seasonal_adjustment_leaves_chance_flags(log):
    lights = measure_series(log, measure="count").query("service == 'Street lighting'")
    raw = spc(lights, value="value", period="period", baseline=24)
    adjusted = spc(seasonally_adjust(lights), value="adjusted", period="period", baseline=24)
    says(
        f"Seasonally adjusted, {int(adjusted['special_cause'].sum())} of the {len(adjusted)} "
        f"months are still flagged ({int(raw['special_cause'].sum())} before)"
    )
    assert int(adjusted["special_cause"].sum()) < int(raw["special_cause"].sum())
    flagged = adjusted[adjusted["special_cause"]]
    months = flagged.groupby("rule")["period"].agg(lambda p: [month(x) for x in p])

    def flagged_by(rule: str) -> list[str]:
        return sorted({m for r, ms in months.items() if rule in r for m in ms}, key=pd.Timestamp)

    says("a run of 7 above the centre from June to December 2021")
    assert flagged_by("run of 7 above") == [month(f"2021-{m:02d}") for m in range(6, 13)]
    says("a run of 7 below it from April to October 2022")
    assert flagged_by("run of 7 below") == [month(f"2022-{m:02d}") for m in range(4, 11)]
    says("January 2023 beyond the upper limit, and November 2023 and January 2024 low")
    rest = flagged[~flagged["rule"].str.contains("run of 7")]
    assert [(month(p), d) for p, d in zip(rest["period"], rest["direction"], strict=True)] == [
        ("January 2023", 1),
        ("November 2023", -1),
        ("January 2024", -1),
    ]
    assert (rest.iloc[0]["value"] > rest.iloc[0]["upper"]) and rest.iloc[0]["rule"] == (
        "outside limits"
    )
    says("Nothing was planted in street lighting, so these are chance")
    truth = make_complaint_log(seed=COMPLAINTS_SEED).truth.set_index("service")
    assert truth.loc["Street lighting", "change"] == "seasonal"
    says("each month's seasonal effect is estimated from the same four years of data")
    assert len(lights) == 48
    says("None of the last six months is flagged")
    assert not adjusted["special_cause"].tail(6).any()
    # and the old sentence, which 17 flagged months contradict, is gone
    assert "removes the winter signals" not in NOTEBOOK


# ------------------------------------------------------------------ timeliness


def test_timeliness_as_the_log_stood(log):
    open_complaints = log[log["closed"].isna()]
    says(
        f"The log was extracted on 31 December 2024, when {len(open_complaints)} complaints "
        f"were still open, {int((open_complaints['received'] >= '2024-10-01').sum())} of them "
        "received since October"
    )
    assert log["received"].max() <= pd.Timestamp("2024-12-31")
    says('(`as_of="2024-12-31"`)')
    on_time = timeliness(log, freq="quarter", by="service", target_days=20, as_of="2024-12-31")
    left_out = timeliness(log, freq="quarter", by="service", target_days=20)
    on_time = on_time.query("service == 'Housing repairs'").set_index("period")
    left_out = left_out.query("service == 'Housing repairs'").set_index("period")
    latest, earlier = left_out.iloc[-1], left_out.iloc[:-1]
    assert len(left_out) == 16
    says(
        "October to December 2024 would look the best of all sixteen, "
        f"{latest['share_within_target']:.0%} closed within target against "
        f"{earlier['share_within_target'].min():.0%} to {earlier['share_within_target'].max():.0%} before"
    )
    assert latest["share_within_target"] > earlier["share_within_target"].max()
    stood = on_time.iloc[-1]
    says(
        f"its {stood['n_open_overdue']} overdue complaints are misses and the share is "
        f"{stood['share_within_target']:.0%}, level with the best earlier quarter"
    )
    assert f"{stood['share_within_target']:.0%}" == f"{earlier['share_within_target'].max():.0%}"
    not_yet = stood["n_open"] - stood["n_open_overdue"]
    says(f"Its other {not_yet} open complaints are younger than 20 days")
    says("this figure is provisional until 20 January 2025")
    assert pd.Timestamp("2024-12-31") + pd.Timedelta(days=20) == pd.Timestamp("2025-01-20")
    says(f"The median of {stood['median_days_to_close']:.0f} days is flattered the same way")
    assert stood["median_days_to_close"] < on_time["median_days_to_close"].iloc[:-1].min()
    # the earlier quarters are settled: as_of changes only the latest two
    assert (
        on_time["share_within_target"].iloc[:-2] == earlier["share_within_target"].iloc[:-1]
    ).all()


# ------------------------------------------------------------------ FixMyStreet


def test_fixmystreet_extract(cities):
    says("ten areas, eight cities and two island areas with few reports")
    assert cities["lad"].nunique() == 10
    islands = cities[cities["lad"].str.startswith("S")]
    assert sorted(islands["area"].unique()) == ["Na h-Eileanan Siar", "Orkney Islands"]
    says("leaving them out would make the islands look as if they had a report most months")
    months = cities["period"].nunique()
    zeros = islands.groupby("area")["zero_filled"].sum()
    assert (zeros > months / 2).all()
    says("Report counts are large and over-dispersed (they vary more than a Poisson count would)")
    eight = cities[~cities["lad"].str.startswith("S")]
    spread = eight.groupby("area")["reports"].agg(["mean", "var"])
    assert len(spread) == 8 and (spread["var"] > 5 * spread["mean"]).all()


# ------------------------------------------------------------------ worked answers


def test_answer_u_chart(log):
    contacts = load_dataset("complaints_contacts").data
    rates = measure_series(log, measure="rate", denominators=contacts).query(
        "service == 'Housing repairs'"
    )
    u_chart = spc(
        rates, value="count", denominator="exposure", period="period", chart="u", baseline=24
    )
    flagged = u_chart.loc[u_chart["special_cause"], "period"]
    says("The u chart flags every month from July 2023, all 18 of them", ANSWERED)
    assert flagged.tolist() == list(pd.date_range("2023-07-01", "2024-12-01", freq="MS"))


def test_answer_runs_of_six(log):
    series = measure_series(log, measure="count")
    flagged = {
        run: spc(series, value="value", period="period", by="service", baseline=24, run_length=run)
        .groupby("service")["special_cause"]
        .sum()
        for run in (7, 6)
    }
    shows = {run: set(counts[counts > 0].index) for run, counts in flagged.items()}
    says("One more service shows a signal (Refuse collection: 6 points, none before)", ANSWERED)
    assert shows[6] - shows[7] == {"Refuse collection"} and shows[7] <= shows[6]
    assert (flagged[7]["Refuse collection"], flagged[6]["Refuse collection"]) == (0, 6)
    truth = make_complaint_log(seed=COMPLAINTS_SEED).truth
    stable = truth.loc[truth["change"] == "none", "service"].tolist()
    assert len(stable) == 5
    says(
        f"in the five stable services the flagged points go from {flagged[7][stable].sum()} "
        f"to {flagged[6][stable].sum()}",
        ANSWERED,
    )
    says("2 × 0.5⁶ ≈ 3% at any point, against ≈ 1.6% for 7", ANSWERED)
    assert (f"{2 * 0.5**6:.0%}", f"{2 * 0.5**7:.1%}") == ("3%", "1.6%")


def test_answer_assurance_against_a_target(log):
    with_target = spc(
        measure_series(log, measure="count").query("service == 'Housing repairs'"),
        value="value",
        period="period",
        rebase=["2023-07-01"],
        target=40,
    )
    segments = with_target.groupby("segment")
    assert segments["assurance"].unique().map(list).to_dict() == {
        1: ["hit_and_miss"],
        2: ["hit_and_miss"],
    }
    before, after = segments.first().loc[1], segments.first().loc[2]
    says('Both segments say "hit_and_miss"', ANSWERED)
    says(
        f"the process limits straddle 40 before the step ({before['lower']:.1f} to "
        f"{before['upper']:.1f} around a centre of {before['centre']:.1f}) and after it "
        f"({after['lower']:.1f} to {after['upper']:.1f} around {after['centre']:.1f})",
        ANSWERED,
    )
    above = segments["value"].agg(lambda v: (v > 40).sum())
    sizes = segments.size()
    says(
        f"Before July 2023, {above[1]} of {sizes[1]} months had more than 40 complaints; after "
        f"it, all {sizes[2]} did.",
        ANSWERED,
    )
    assert above[2] == sizes[2]
    says(f"The new process's lower limit, {after['lower']:.1f}, is below the target", ANSWERED)
    assert "whole range sits above 40" not in ANSWERED


def test_answer_ombudsman_share(log, counts_spc, placements):
    ombudsman_spc = spc(
        measure_series(log, measure="ombudsman_rate"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    result = consider_co_planning(counts_spc, ombudsman_spc, placements=placements).set_index(
        "service"
    )
    says("Yes. No service is flagged any more", ANSWERED)
    assert not result["consider_co_planning"].any()
    says("Social care drops out", ANSWERED)
    says("Refuse collection's short signal drops out too", ANSWERED)
    assert result.loc[["Social care", "Refuse collection"], "decision"].eq("no concern").all()
    says(
        "Two short signals are left to watch: Street lighting, for the number of its "
        "complaints, and Road maintenance",
        ANSWERED,
    )
    assert result.index[result["decision"] == "watch"].tolist() == [
        "Road maintenance",
        "Street lighting",
    ]
    assert result.loc["Street lighting", "count_concern"]
    main_severity = spc(
        measure_series(log, measure="mean_severity"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    main = consider_co_planning(counts_spc, main_severity, placements=placements).set_index(
        "service"
    )
    assert main.index[main["consider_co_planning"]].tolist() == ["Social care"]
    assert main.loc["Refuse collection", "decision"] == "watch"
    says(
        "when Social care's planning was professional-led, so that there is a flag to lose",
        ANSWERED,
    )
    says("on the 2025 survey neither measure flags any service", ANSWERED)
    survey = load_dataset("services_survey").data
    newest = place_services(
        survey.query("council == 'Northbridge' and wave == 2025"),
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
    )
    for seriousness in (ombudsman_spc, main_severity):
        assert not consider_co_planning(counts_spc, seriousness, placements=newest)[
            "consider_co_planning"
        ].any()
    truth = make_complaint_log(seed=COMPLAINTS_SEED).truth
    ombudsman = truth.query("measure == 'ombudsman_rate'").iloc[0]
    a_month = truth.query("measure == 'count' and service == 'Social care'")["after"].iloc[0]
    says(
        f"(an expected {ombudsman['before']:.1%} rising to {ombudsman['after']:.1%}): at about "
        f"{a_month:.0f} complaints a month, that is one or two a month",
        ANSWERED,
    )
    assert 1 < a_month * ombudsman["after"] < 2
    quarters = outcomes(log, freq="quarter", by="service").query("service == 'Social care'")
    last, before = quarters["ombudsman_rate"].iloc[-1], quarters["ombudsman_rate"].iloc[-4:-1]
    says(
        f"Social care's last quarter shows {last:.1%}, against {before.min():.1%} to "
        f"{before.max():.1%} in the three before",
        ANSWERED,
    )
    says(
        "Road maintenance, where nothing was planted, which now shows concern in seriousness "
        f"for {result.loc['Road maintenance', 'seriousness_points']} months",
        ANSWERED,
    )
    road = result.loc["Road maintenance"]
    assert road["seriousness_concern"] and pd.isna(road["planning"])
    assert truth.set_index("service").loc["Road maintenance", "change"] == "none"


def test_answer_fixmystreet_in_2020(cities):
    eight = cities[~cities["lad"].str.startswith("S")]
    areas = spc(eight, value="reports", period="period", by="area", baseline=24)
    in_2020 = areas[areas["period"].dt.year == 2020]
    concern = in_2020["variation"].eq("special_cause_concern").groupby(in_2020["area"]).sum()
    better = in_2020["variation"].eq("special_cause_improvement").groupby(in_2020["area"]).sum()
    says("Every city but Leeds shows special-cause concern in 2020", ANSWERED)
    assert concern[concern == 0].index.tolist() == ["Leeds"]
    says("six in all twelve months, Brighton and Hove in ten", ANSWERED)
    assert (concern == 12).sum() == 6 and concern["Brighton and Hove"] == 10
    says(f"(special-cause improvement in {better['Leeds']} months)", ANSWERED)


# ------------------------------------------------------------------ chart titles and alt text

CHARTS = charts(source("02_complaints.py"))


def limits(row) -> str:
    return f"({row['lower']:.1f} to {row['upper']:.1f})"


def test_small_multiples_title_and_alt_text(counts_spc):
    chart = CHARTS["02_complaints_small_multiples"]
    assert chart.title == (
        "Northbridge: housing repairs complaints rose from July 2023;\nstreet lighting peaks "
        "each winter"
    )
    repairs = counts_spc[counts_spc["service"] == "Housing repairs"]
    rise = repairs[repairs["period"] >= "2023-07-01"]
    says(
        f"Housing repairs is above its upper limit in {(rise['value'] > rise['upper']).sum()} of "
        f"the {len(rise)} months from July 2023",
        chart.alt_text,
    )
    lights = counts_spc[counts_spc["service"] == "Street lighting"]
    says(
        f"Street lighting is flagged in {lights['special_cause'].sum()} of 48 months",
        chart.alt_text,
    )
    winters = lights.loc[lights["period"].dt.month.isin([12, 1]), "value"].mean()
    summers = lights.loc[lights["period"].dt.month.isin([6, 7]), "value"].mean()
    assert winters > 2 * summers  # peaks each winter
    latest = counts_spc.groupby("service").tail(1).set_index("service")["variation"]
    says("the other six services show common-cause variation in their latest month", chart.alt_text)
    assert (latest.drop(["Housing repairs", "Street lighting"]) == "common_cause").all()


def test_housing_repairs_titles_and_alt_text(log, counts_spc):
    repairs = counts_spc[counts_spc["service"] == "Housing repairs"]
    chart = CHARTS["02_complaints_housing_repairs"]
    rise = repairs[repairs["period"] >= "2023-07-01"]
    assert chart.title.endswith(f"from July 2023: {len(rise)} months above the mean")
    assert (rise["value"] > rise["centre"]).all()
    first = repairs.iloc[0]
    says(
        f"with the mean ({first['centre']:.1f}) and process limits ({first['lower']:.1f} to "
        f"{first['upper']:.1f}) of 2021-2022",
        chart.alt_text,
    )
    says(f"{(rise['value'] > rise['upper']).sum()} of the 18 above the upper limit", chart.alt_text)
    rebased = spc(
        measure_series(log, measure="count").query("service == 'Housing repairs'"),
        value="value",
        period="period",
        rebase=["2023-07-01"],
    )
    before, after = (rebased[rebased["segment"] == s].iloc[0] for s in (1, 2))
    chart = CHARTS["02_complaints_housing_repairs_rebased"]
    assert chart.title.endswith(
        f"{after['centre']:.0f} complaints a month, up from {before['centre']:.0f}"
    )
    says(
        f"mean {before['centre']:.1f} (limits {before['lower']:.1f} to {before['upper']:.1f}) "
        f"before, {after['centre']:.1f} {limits(after)} after. No point is flagged",
        chart.alt_text,
    )
    assert not rebased["special_cause"].any()


def test_social_care_severity_title_and_alt_text(log):
    severity = spc(
        measure_series(log, measure="mean_severity"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    care = severity[severity["service"] == "Social care"]
    since = care[care["period"] >= "2023-01-01"]
    chart = CHARTS["02_complaints_social_care_severity"]
    assert chart.title == "Social care complaints have been more serious since January 2023"
    assert since["special_cause"].all() and not care["special_cause"].iloc[:24].any()
    assert (since["value"] > since["centre"]).all()
    first = care.iloc[0]
    says(
        f"with the mean ({first['centre']:.2f}) and process limits ({first['lower']:.2f} to "
        f"{first['upper']:.2f}) of 2021-2022",
        chart.alt_text,
    )
    says(
        f"{(since['value'] > since['upper']).sum()} of the {len(since)} above the upper limit",
        chart.alt_text,
    )


def test_street_lighting_adjusted_title_and_alt_text(log):
    lights = measure_series(log, measure="count").query("service == 'Street lighting'")
    raw = spc(lights, value="value", period="period", baseline=24)
    adjusted = spc(seasonally_adjust(lights), value="adjusted", period="period", baseline=24)
    chart = CHARTS["02_complaints_street_lighting_adjusted"]
    assert chart.title.endswith("no signal in the last six months")
    assert not adjusted["special_cause"].tail(6).any()
    first = adjusted.iloc[0]
    says(
        f"with the mean ({first['centre']:.1f}) and process limits {limits(first)} of 2021-2022",
        chart.alt_text,
    )
    says(
        f"{adjusted['special_cause'].sum()} of the 48 months are still flagged "
        f"({raw['special_cause'].sum()} before adjustment)",
        chart.alt_text,
    )
    says("January 2023 above the upper limit, November 2023 and January 2024 low", chart.alt_text)


def test_fixmystreet_title_and_alt_text(cities):
    eight = cities[~cities["lad"].str.startswith("S")]
    areas = spc(eight, value="reports", period="period", by="area", baseline=24)
    in_2020 = areas[areas["period"].dt.year == 2020].groupby("area")
    mean, first = in_2020["value"].mean(), areas.groupby("area").first()
    above = mean[mean > first["upper"]].index.tolist()
    below = mean[mean < first["lower"]].index.tolist()
    chart = CHARTS["02_complaints_fixmystreet"]
    assert (len(above), below) == (7, ["Leeds"])
    assert chart.title.endswith("above their 2012-13 limits\nin seven cities, below in Leeds")
    assert first["period"].dt.year.eq(2012).all()  # baseline 24 months: 2012-2013
    says(
        f"In 2020 reports averaged above the upper limit in {names(above).replace('Bristol, City of', 'Bristol')}",
        chart.alt_text,
    )
    leeds = areas[areas["area"] == "Leeds"]
    says("Leeds, whose reports fell from 2016", chart.alt_text)
    assert (leeds["period"] >= "2016-01-01").eq(leeds["direction"] == -1).mean() > 0.8


@pytest.fixture(scope="module")
def adjusted_signal_inputs(log):
    """The co-planning section's inputs: seasonally adjusted counts, mean severity, and
    the 2025 survey's placements (as the notebook computes them)."""
    adjusted_counts = spc(
        seasonally_adjust(measure_series(log, measure="count")),
        value="adjusted",
        period="period",
        by="service",
        baseline=24,
    )
    severity = spc(
        measure_series(log, measure="mean_severity"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    survey = load_dataset("services_survey").data
    newest = place_services(
        survey.query("council == 'Northbridge' and wave == 2025"),
        by=["council", "wave"],
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
    )
    return adjusted_counts, severity, newest


def test_co_planning_grid_alt_text(adjusted_signal_inputs):
    adjusted_counts, severity, newest = adjusted_signal_inputs
    signal = consider_co_planning(adjusted_counts, severity, placements=newest).set_index("service")
    placed = signal[signal["planning"].notna()]
    chart = CHARTS["02_complaints_co_planning_grid"]
    says(
        f"Grid chart of the {len(placed)} Northbridge services with complaint data and a 2025 "
        "survey position (Road maintenance has none)",
        chart.alt_text,
    )
    assert signal.index[signal["planning"].isna()].tolist() == ["Road maintenance"]
    says("None is flagged for co-planning.", chart.alt_text)
    assert not signal["consider_co_planning"].any()
    for service, measure in (("Housing repairs", "count"), ("Social care", "seriousness")):
        row = signal.loc[service]
        words = "number" if measure == "count" else "seriousness"
        says(
            f"{service} ({words}: {row[f'{measure}_main_rule']}, {row[f'{measure}_points']} points)",
            chart.alt_text,
        )
        assert row["decision"] == "look at delivery" and row[f"{measure}_points"] >= 12
    refuse = signal.loc["Refuse collection"]
    assert refuse["decision"] == "watch" and refuse["professional_led"]
    says(
        f"short signal to watch (seriousness: {refuse['seriousness_main_rule']}, "
        f"{refuse['seriousness_points']} points)",
        chart.alt_text,
    )


def test_answer_u_chart_title_and_alt_text():
    chart = charts(source("answers/02_complaints.py"))["answers_02_housing_repairs_u_chart"]
    assert chart.title == "Per 1,000 contacts too, repairs complaints rose from July 2023"
    says("All 18 months from July 2023 are flagged as special-cause concern", chart.alt_text)
    # the months themselves: test_answer_u_chart


def test_residents_initiatives_as_a_second_trigger(adjusted_signal_inputs):
    from coprod.synth import DEFAULT_INITIATIVES, INITIATIVES_SEED, make_initiatives

    adjusted_counts, severity, newest = adjusted_signal_inputs
    initiatives = make_initiatives(seed=INITIATIVES_SEED)
    table = consider_co_planning(
        adjusted_counts,
        severity,
        placements=newest,
        initiatives=initiatives,
        as_of="2024-12-31",
    ).set_index("service")
    says(
        "two petitions or requests in the 12 months up to `as_of`, one with at least 500 "
        "signatures (how many stand behind it is its seriousness), or one community plan"
    )
    assert set(table["min_initiatives"]) == {2} and set(table["initiative_months"]) == {12}
    assert set(table["min_signatures"]) == {500}
    lights = table.loc["Street lighting"]
    says("**Street lighting** is now flagged, on residents' initiatives alone")
    assert lights["consider_co_planning"] and lights["trigger"] == "resident initiatives"
    assert table.index[table["consider_co_planning"]].tolist() == ["Street lighting"]
    petition = initiatives[initiatives["service"] == "Street lighting"].iloc[0]
    says(
        f"a petition with {int(petition['signatures'])} signatures in "
        f"{petition['date']:%B %Y} and a residents' association's request in November"
    )
    says(f"planning residents place with professionals ({lights['planning']:.2f})")
    assert lights["professional_led"] and lights["decision"] == "consider co-planning"
    says("its seasonally adjusted complaints show no concern")
    assert not lights["count_concern"] and not lights["seriousness_concern"]
    libraries = table.loc["Libraries"]
    says(f"but its planning is already shared ({libraries['planning']:.2f})")
    assert libraries["initiative_trigger"] and libraries["community_plans"] == 1
    assert not libraries["consider_co_planning"]
    roads = table.loc["Road maintenance"]
    says('has no survey placement, so the call is "check placement"')
    assert roads["decision"] == "check placement" and pd.isna(roads["planning"])
    others = table.drop(list(DEFAULT_INITIATIVES))
    says("The five other services each had a single petition, all before the 12 months")
    assert (initiatives.loc[initiatives["service"].isin(others.index), "signatures"] < 500).all()
    counted = initiatives[~initiatives["service"].isin(list(DEFAULT_INITIATIVES))]
    assert len(others) == 5 and counted.groupby("service").size().eq(1).all()
    assert len(counted) == 5 and (counted["date"] <= "2023-12-31").all()
    assert (others["initiatives"] == 0).all() and not others["initiative_trigger"].any()
    says("Housing repairs and Social care keep their complaints trigger")
    assert table.loc[["Housing repairs", "Social care"], "trigger"].eq("complaints").all()
    chart = CHARTS["02_complaints_co_planning_initiatives"]
    assert chart.title.endswith("residents' initiatives flag Street lighting")
    says(
        "Street lighting, whose planning is professional-led, is flagged to consider "
        f"co-planning on residents' initiatives ({int(lights['initiatives'])} initiatives)",
        chart.alt_text,
    )


def test_answer_share_upheld_on_a_p_chart(log):
    from coprod.complaints import outcomes

    closed = outcomes(log, freq="month", by="service")
    social_care = closed[(closed["service"] == "Social care") & (closed["n_outcome"] > 0)].assign(
        upheld_in_full_or_part=lambda t: t["upheld"] + t["partly_upheld"]
    )
    result = spc(
        social_care,
        value="upheld_in_full_or_part",
        denominator="n_outcome",
        chart="p",
        period="period",
        baseline=24,
    )
    mean = result["centre"].iloc[-1]
    says(f"The share upheld averages {mean:.0%} and no rule fires in any of the", ANSWERED)
    says(f"{len(result)} months", ANSWERED)
    assert not result["special_cause"].any() and len(result) == 48
    year = social_care[social_care["period"].dt.year == 2024]["n_outcome"]
    says(f"({year.min()} to {year.max()} in 2024)", ANSWERED)
    chart = charts(source("answers/02_complaints.py"))["answers_02_social_care_upheld_p_chart"]
    says(f"The mean is {mean:.0%} and no point shows special-cause variation.", chart.alt_text)
    # the limits follow each month's number of outcomes: narrowest where most were closed
    widest = result.loc[result["denominator"].idxmin()]
    narrowest = result.loc[result["denominator"].idxmax()]
    assert widest["upper"] - widest["lower"] > narrowest["upper"] - narrowest["lower"]


def test_whose_rules(log):
    compared = compare_conventions(
        measure_series(log, measure="count"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    ).set_index(["service", "conventions"])
    refuse = compared.loc["Refuse collection"]
    upper = {name: f"{refuse.loc[name, 'upper']:.1f}" for name in refuse.index}
    assert upper["nhsrplotthedots"] == upper["powerbi-spc"]
    says(
        f"Refuse collection's upper limit is {upper['mdc']} complaints with MDC's rules and "
        f"{upper['powerbi-spc']} with both packages"
    )
    leisure = compared.loc["Leisure centres", "n_special"]
    assert leisure["mdc"] == leisure["nhsrplotthedots"] == 0
    says(f"but {leisure['powerbi-spc']} under PowerBI-SPC's")
    lighting = compared.loc["Street lighting", "n_special"]
    says(
        f"Street lighting is flagged in {lighting['mdc']}, {lighting['nhsrplotthedots']} and "
        f"{lighting['powerbi-spc']} months"
    )
    assert lighting["mdc"] == 32  # the small multiples' alt text says 32 of 48


def test_funnel_of_the_share_upheld_by_service_in_2024(log):
    from coprod.funnel import funnel

    yearly = outcomes(log, freq="year", by="service")
    upheld = yearly[yearly["period"].dt.year == 2024].assign(
        upheld_in_full_or_part=lambda t: t["upheld"] + t["partly_upheld"]
    )
    result = funnel(upheld, value="upheld_in_full_or_part", denominator="n_outcome", by="service")
    units = result.units.set_index("unit")
    says("a share from 201 complaints swings by chance more than one from 813")
    assert units["denominator"].min() == 201 and units["denominator"].max() == 813
    assert len(units) == 8
    says(f"The council upheld {result.centre:.1%} of its complaints in 2024")
    care = units.loc["Social care"]
    says(
        f"Social care's {care['value']:.1%} of {care['denominator']:.0f} lies above the 95% "
        f"limit for a service of its size ({care['upper_95']:.1%}) but within the 99.8% limit "
        f"({care['upper_998']:.1%}); the other seven services lie within the 95% limits"
    )
    assert care["flag"] == "above_95"
    assert (units.drop("Social care")["flag"] == "within").all()
    says(f"about {0.05 * len(units):.1f} would lie beyond the 95% limits by chance alone")
    chart = CHARTS["02_complaints_upheld_funnel"]
    assert (
        chart.title == "Social care upheld more of its complaints in 2024 than the 95% limits allow"
    )
    says(
        f"({units['denominator'].min():.0f} to {units['denominator'].max():.0f}), around the "
        f"pooled share of {result.centre:.1%} with 95% and 99.8% limits. Social care, "
        f"{care['value']:.1%} of {care['denominator']:.0f}, lies above the 95% limit and within "
        "the 99.8% limit; the other seven services lie within the 95% limits.",
        chart.alt_text,
    )


# ------------------------------------------------- rare events and overdispersion (issue 12)


def test_overdispersion_of_the_cities_c_chart(cities):
    from coprod.timeseries.spc import overdispersion

    eight = cities[~cities["lad"].str.startswith("S")]
    c_chart = spc(eight, value="reports", period="period", by="area", chart="c")
    table = overdispersion(c_chart)
    low, high = table["share_outside"].min(), table["share_outside"].max()
    says(f"A c chart of the eight cities flags between {low:.0%} and {high:.0%} of their months")
    lo, hi = table["sigma_z"].min(), table["sigma_z"].max()
    says(f"every city's counts are overdispersed (sigma_z from {lo:.1f} to {hi:.1f})")
    assert len(table) == 8 and table["overdispersed"].all()
    says("the check recommends the XmR chart drawn above")
    assert set(table["recommended_chart"]) == {"xmr"}


def _upheld_findings(log):
    from coprod.timeseries.rare_events import between_events

    closed_log = log.dropna(subset=["closed"]).assign(
        upheld_finding=lambda t: (
            t["stage"].eq("ombudsman") & t["upheld"].isin(["upheld", "partly upheld"])
        )
    )
    findings = between_events(closed_log, date="closed", event="upheld_finding")
    return findings, spc(findings, value="days", period="event", chart="t")


def test_answer_days_between_upheld_findings(log):
    findings, t_chart = _upheld_findings(log)
    n = len(findings)
    centre, upper = t_chart["centre"].iloc[0], t_chart["upper"].iloc[0]
    says(f"the {n} gaps between the {n + 1} findings sit around a centre of", ANSWERED)
    says(f"{centre:.1f} days and none is beyond the upper limit of {upper:.0f} days", ANSWERED)
    assert not t_chart["rule_outside"].any()
    assert not (t_chart["rule_run"] | t_chart["rule_trend_rising"]).any()
    assert not t_chart["rule_trend_falling"].any()
    flagged = t_chart[t_chart["rule_two_of_three"]]
    assert len(flagged) == 4 and (flagged["value"] == 0).all()
    says("The two-of-three rule flags four zero gaps", ANSWERED)
    assert findings["date"].duplicated().any()  # same-day findings: charted by number
    chart = charts(source("answers/02_complaints.py"))["answers_02_ombudsman_findings_t_chart"]
    says(f"{n} gaps drawn by finding number, with a centre of {centre:.1f} days", chart.alt_text)
    says(f"an upper limit of {upper:.0f} days", chart.alt_text)
    says("four findings on the same day as another are flagged", chart.alt_text)


def test_answer_p_and_p_prime_charts_of_distinct_users(cities):
    from coprod.timeseries.spc import overdispersion

    bristol = cities[cities["lad"] == "E06000023"]
    distinct = {
        chart: spc(
            bristol,
            value="unique_users",
            denominator="reports",
            period="period",
            chart=chart,
            higher_is_better=None,
        )
        for chart in ("p", "pp")
    }
    check = overdispersion(distinct["p"]).iloc[0]
    outside_p = int(distinct["p"]["rule_outside"].sum())
    outside_pp = distinct["pp"][distinct["pp"]["rule_outside"]]
    says(f"The p chart puts {outside_p} of the {len(bristol)} months beyond its limits", ANSWERED)
    says("as much from month to month as binomial shares would (Laney's sigma_z)", ANSWERED)
    says(f"its proportions vary {check['sigma_z']:.2f} times", ANSWERED)
    assert check["overdispersed"] and check["recommended_chart"] == "pp"
    says(
        f"With its limits widened {check['sigma_z']:.2f} times, {len(outside_pp)} months", ANSWERED
    )
    assert set(outside_pp["period"].dt.year) == {2012}
    says("all in early 2012", ANSWERED)
    chart = charts(source("answers/02_complaints.py"))[
        "answers_02_bristol_distinct_users_p_prime_chart"
    ]
    mean = distinct["pp"]["centre"].iloc[0]
    says(f"mean {mean:.0%}, with limits {check['sigma_z']:.2f} times as wide", chart.alt_text)
    says(
        f"{['No', 'One', 'Two', 'Three', 'Four'][len(outside_pp)]} months are beyond",
        chart.alt_text,
    )


def test_answer_u_prime_is_not_needed_for_housing_repairs(log):
    from coprod.timeseries.spc import OVERDISPERSED_RATIO, overdispersion

    contacts = load_dataset("complaints_contacts").data
    rates = measure_series(log, measure="rate", denominators=contacts).query(
        "service == 'Housing repairs'"
    )
    options = dict(value="count", denominator="exposure", period="period", baseline=24)
    check = overdispersion(spc(rates, chart="u", **options)).iloc[0]
    assert not check["overdispersed"] and check["recommended_chart"] == "u"
    says(
        f"Over the baseline the rates vary {check['sigma_z']:.2f} times as much as Poisson "
        f"counts would (Laney's sigma_z), below the {OVERDISPERSED_RATIO} at which",
        ANSWERED,
    )
    u_prime = spc(rates, chart="up", **options)
    concern = u_prime[u_prime["variation"] == "special_cause_concern"]
    assert len(concern) == 18 and concern["period"].min() == pd.Timestamp("2023-07-01")
    assert u_prime["special_cause"].sum() == 18
    says('a u′ chart (`chart="up"`) flags the same 18 months', ANSWERED)


def test_answer_complaints_between_upheld_findings_on_a_g_chart(log):
    findings, _ = _upheld_findings(log)
    g_chart = spc(findings, value="cases", period="event", chart="g")
    outside = g_chart[g_chart["rule_outside"]]
    upper, median = g_chart["upper"].iloc[0], g_chart["centre"].iloc[0]
    assert len(outside) == 2 and (outside["variation"] == "special_cause_improvement").all()
    latest = g_chart.iloc[-1]
    assert bool(latest["rule_outside"])
    says(f"two gaps are beyond the upper limit of {upper:.0f}, the latest of them", ANSWERED)
    says(f"({latest['value']:.0f} complaints closed since the finding before)", ANSWERED)
    says(f"its centre line is the median ({median:.0f})", ANSWERED)
    chart = charts(source("answers/02_complaints.py"))["answers_02_ombudsman_findings_g_chart"]
    # "two long gaps, the latest one": the latest ties the longest, so not "the longest"
    assert chart.title.endswith("two long gaps, the latest one")
    assert latest["value"] == g_chart["value"].max()
    assert (g_chart["value"] == latest["value"]).sum() == 2
    says(
        f"{len(findings)} gaps drawn by finding number, with a median of {median:.0f} "
        f"complaints and an upper limit of {upper:.0f}. Two gaps are beyond the upper limit, "
        f"the latest of them ({latest['value']:.0f})",
        chart.alt_text,
    )

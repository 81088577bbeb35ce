"""Run charts and the Anhøj rules: hand-computed cases and qicharts2's own reference outputs.

The peer numbers are in tests/fixtures/peers/runs_qicharts2_*.csv, extracted from qicharts2
(https://github.com/anhoej/qicharts2, commit 1b9487e); the README there says how.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod.timeseries.runs import (
    ANHOJ_COLUMNS,
    AnhojRuns,
    anhoej_runs,
    anhoej_statistics,
    crossings_minimum,
    longest_run_limit,
    run_chart,
    run_chart_summary,
)
from coprod.timeseries.spc import spc

PEERS = Path(__file__).parent / "fixtures" / "peers"
QIC_COLUMNS = [
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "runs_signal",
]


def monthly(values, start="2021-01-01", **columns) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.date_range(start, periods=len(values), freq="MS"),
            "complaints": np.asarray(values, dtype=float),
            **columns,
        }
    )


def expected(case: str) -> pd.DataFrame:
    table = pd.read_csv(
        PEERS / "runs_qicharts2_runs_expected.csv", dtype={"facet1": str, "facet2": str}
    )
    return table[table["case"] == case].reset_index(drop=True)


def stats_of(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (bool(v) if k == "runs_signal" else int(v)) for k, v in row.items()}
        for row in frame[QIC_COLUMNS].to_dict("records")
    ]


# ------------------------------------------------------------------ the two limits


def test_limits_equal_the_table_of_anhoej_and_olesen_for_10_to_100_points():
    # qicharts2 vignette, Appendix 2, as R rendered it (docs/articles/qicharts2.html)
    table = pd.read_csv(PEERS / "runs_qicharts2_anhoej_limits.csv")
    assert table["n_useful"].tolist() == list(range(10, 101))
    assert [longest_run_limit(n) for n in table["n_useful"]] == table["longest_run_max"].tolist()
    assert [crossings_minimum(n) for n in table["n_useful"]] == table["n_crossings_min"].tolist()


def test_limits_by_hand_at_the_ends_of_the_table():
    # round(log2(10)) + 3 = round(3.32) + 3 = 6; round(log2(100)) + 3 = round(6.64) + 3 = 10
    assert (longest_run_limit(10), longest_run_limit(100)) == (6, 10)
    # b(9, 0.5): P(X <= 1) = 10/512 < 0.05 <= P(X <= 2) = 46/512, so 2
    assert crossings_minimum(10) == 2
    # a single useful point: no crossing is possible and none is expected
    assert (longest_run_limit(1), crossings_minimum(1)) == (3, 0)


def test_crossings_minimum_is_scipys_binomial_quantile_for_many_sizes():
    from scipy.stats import binom

    sizes = range(1, 301)
    assert [crossings_minimum(n) for n in sizes] == [
        int(binom.ppf(0.05, n - 1, 0.5)) for n in sizes
    ]


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "12"])
def test_limits_refuse_what_is_not_a_count_of_points(bad):
    with pytest.raises(ValueError, match="whole number >= 1"):
        longest_run_limit(bad)
    with pytest.raises(ValueError, match="whole number >= 1"):
        crossings_minimum(bad)


# ------------------------------------------------------------------ by hand


def test_a_series_that_crosses_once_signals_few_crossings_not_a_long_run():
    # 1..10 around the median 5.5: five below, five above; one crossing
    result = run_chart(monthly(range(1, 11)), value="complaints", period="month")
    row = result.iloc[0]
    assert row["centre"] == 5.5
    assert result["side"].tolist() == [-1] * 5 + [1] * 5
    assert result["run_id"].tolist() == [1] * 5 + [2] * 5
    assert (row["longest_run"], row["longest_run_max"]) == (5, 6)
    assert (row["n_crossings"], row["n_crossings_min"]) == (1, 2)
    assert (row["longest_run_signal"], row["crossings_signal"], row["runs_signal"]) == (
        False,
        True,
        True,
    )
    assert result["in_longest_run"].all()  # two runs of 5: both are the longest
    assert not result["in_long_run"].any()  # neither is longer than 6


def test_points_on_the_median_neither_break_nor_add_to_a_run():
    # median 5: sides - 0 - + +; the useful points - - + + make runs of 2 and 2
    result = run_chart(monthly([1, 5, 2, 9, 8]), value="complaints", period="month")
    assert result["centre"].iloc[0] == 5
    assert result["side"].tolist() == [-1, 0, -1, 1, 1]
    assert result["run_id"].tolist() == [1, 0, 1, 2, 2]
    assert result["length_of_run"].tolist() == [2, 0, 2, 2, 2]
    assert result["in_longest_run"].tolist() == [True, False, True, True, True]
    first = result.iloc[0]
    assert (first["n_obs"], first["n_useful"]) == (5, 4)
    assert (first["longest_run"], first["n_crossings"]) == (2, 1)
    # 4 useful points: round(log2(4)) + 3 = 5; b(3, 0.5): P(X <= 0) = 1/8 >= 0.05, so 0
    assert (first["longest_run_max"], first["n_crossings_min"]) == (5, 0)


def test_points_on_the_median_are_skipped_in_the_crossings():
    # median 5: sides - 0 0 + 0 - +: useful - + - +, three crossings, runs of one
    stats = anhoej_runs([3, 5, 5, 7, 5, 3, 7], 5)
    assert stats == AnhojRuns(
        n_obs=7,
        n_useful=4,
        longest_run=1,
        longest_run_max=5,
        n_crossings=3,
        n_crossings_min=0,
        longest_run_signal=False,
        crossings_signal=False,
    )
    assert not stats.runs_signal


def test_a_run_longer_than_its_limit_after_the_baseline_is_flagged_point_by_point():
    # baseline median 11 of 10, 12, ...; then ten points above it join the last baseline
    # point's run: 11 above in a row, against a limit of round(log2(16)) + 3 = 7
    values = [10, 12, 10, 12, 10, 12, *range(20, 30)]
    result = run_chart(monthly(values), value="complaints", period="month", baseline=6)
    assert result["centre"].iloc[0] == 11
    assert result["in_baseline"].tolist() == [True] * 6 + [False] * 10
    first = result.iloc[0]
    assert (first["longest_run"], first["longest_run_max"]) == (11, 7)
    assert (first["n_crossings"], first["n_crossings_min"]) == (5, 4)
    assert (first["longest_run_signal"], first["crossings_signal"]) == (True, False)
    assert result["in_long_run"].tolist() == [False] * 5 + [True] * 11
    assert result["in_long_run"].equals(result["in_longest_run"])


def test_a_baseline_date_takes_the_median_of_the_periods_up_to_it():
    data = monthly([4, 8, 6, 30, 31, 32])
    by_date = run_chart(data, value="complaints", period="month", baseline="01/03/2021")
    by_points = run_chart(data, value="complaints", period="month", baseline=3)
    assert by_date["centre"].iloc[0] == by_points["centre"].iloc[0] == 6
    assert by_date["in_baseline"].tolist() == [True, True, True, False, False, False]
    with pytest.raises(ValueError, match="baseline date 2020-12-01 is before the first period"):
        run_chart(data, value="complaints", period="month", baseline="2020-12-01")


def test_a_denominator_charts_the_rate_and_its_median():
    data = monthly([2, 9, 4, 6], contacts=[1.0, 3.0, 2.0, 1.0])
    result = run_chart(data, value="complaints", period="month", denominator="contacts")
    assert result["rate"].tolist() == [2.0, 3.0, 2.0, 6.0]
    assert result["value"].equals(result["rate"])
    assert result["count"].tolist() == [2.0, 9.0, 4.0, 6.0]
    assert result["centre"].iloc[0] == 2.5  # median of the rates, not of the counts
    assert result["measure"].iloc[0] == "complaints per contacts"


def test_groups_have_their_own_median_and_statistics():
    data = pd.concat(
        [
            monthly(range(1, 11), service="Parks"),
            monthly([5, 1] * 5, service="Libraries"),
        ]
    )
    result = run_chart(data, value="complaints", period="month", by="service")
    stats = anhoej_statistics(result).set_index("service")
    assert stats.loc["Parks", "n_crossings"] == 1
    assert stats.loc["Libraries", "n_crossings"] == 9  # every step crosses the median 3
    assert stats.loc["Libraries", "longest_run"] == 1
    assert result.groupby("service", sort=False)["centre"].first().to_dict() == {
        "Parks": 5.5,
        "Libraries": 3.0,
    }
    assert list(result.columns[:2]) == ["service", "period"]


def test_the_result_columns_in_order():
    result = run_chart(monthly([1, 2, 3]), value="complaints", period="month")
    assert list(result.columns) == [
        "period",
        "value",
        "centre",
        "in_baseline",
        "side",
        "run_id",
        "length_of_run",
        "in_longest_run",
        "in_long_run",
        *ANHOJ_COLUMNS,
        "measure",
    ]


def test_every_point_on_the_median_gives_no_runs_and_no_signal():
    result = run_chart(monthly([4, 4, 4, 4]), value="complaints", period="month")
    first = result.iloc[0]
    assert (first["n_obs"], first["n_useful"]) == (4, 0)
    assert result["longest_run"].isna().all() and result["n_crossings_min"].isna().all()
    assert not result["runs_signal"].any()
    assert "With every point on the median there are no runs to read." in run_chart_summary(result)


def test_missing_values_count_as_observations_but_not_as_useful_ones():
    # as qicharts2's runs.analysis: n.obs counts them, n.useful does not
    stats = anhoej_runs([1.0, np.nan, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0])
    assert (stats.n_obs, stats.n_useful, stats.longest_run, stats.n_crossings) == (4, 3, 2, 1)


# ------------------------------------------------------------------ refusals


def test_a_gap_in_the_months_is_refused_with_the_fill_hint():
    data = monthly([1, 2, 3, 4]).drop(index=2)
    with pytest.raises(ValueError, match="no row for the period.s. between 2021-02 and 2021-04"):
        run_chart(data, value="complaints", period="month")


def test_missing_values_and_duplicate_periods_are_refused():
    data = monthly([1, np.nan, 3])
    with pytest.raises(
        ValueError, match=r"'complaints' has missing or infinite values \(the series at 2021-02\)"
    ):
        run_chart(data, value="complaints", period="month")
    twice = pd.concat([monthly([1, 2]), monthly([3], start="2021-02-01")])
    with pytest.raises(
        ValueError, match="duplicate periods: the series at 2021-02; the series at 2021-02"
    ):
        run_chart(twice, value="complaints", period="month")


def test_bad_settings_are_refused():
    data = monthly([1, 2, 3], contacts=[1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="baseline must be at least 1 point, not 0"):
        run_chart(data, value="complaints", period="month", baseline=0)
    with pytest.raises(ValueError, match="not a boolean"):
        run_chart(data, value="complaints", period="month", baseline=True)
    with pytest.raises(
        ValueError, match=r"denominators in 'contacts' must be positive \(the series at 2021-02\)"
    ):
        run_chart(data, value="complaints", period="month", denominator="contacts")
    with pytest.raises(ValueError, match=r"by columns \['side'\] clash"):
        run_chart(data.assign(side="x"), value="complaints", period="month", by="side")


# ------------------------------------------------------------------ in words


def test_the_summary_says_the_statistics_and_when_to_move_to_a_control_chart():
    values = [10, 12, 10, 12, 10, 12, *range(20, 30)]
    result = run_chart(monthly(values), value="complaints", period="month", baseline=6)
    text = " ".join(run_chart_summary(result).split())
    assert text == (
        "The series: a run chart of 16 points (2021-01 to 2022-04), median 11 (of the first "
        "6 points); all 16 points are off it (the useful ones). The longest run is 11 "
        "points (above the median, 2021-06 to 2022-04); more than 7 would signal a shift. The "
        "line crosses the median 5 times; fewer than 4 would signal one. Non-random variation: "
        "the run is unusually long: something more than noise moves the points (a shift, a "
        "trend or a season); find out what. A "
        "run chart is the first look at a short series; from about 20 points a control chart "
        "(spc) can add process limits."
    )


def test_the_summary_warns_under_ten_useful_points_and_names_each_group():
    data = pd.concat(
        [monthly([1, 5, 2, 9, 8], service="Parks"), monthly(range(1, 25), service="Roads")]
    )
    text = " ".join(
        run_chart_summary(run_chart(data, value="complaints", period="month", by="service")).split()
    )
    parks, roads = text.split(" Roads: ")
    assert parks.startswith("Parks: a run chart of 5 points")
    assert "With fewer than 10 useful points the rules seldom fire" in parks
    assert "the crossings are unusually few" in roads
    assert roads.endswith(
        "With 24 points a control chart (spc) can add process limits to this first look."
    )


# ------------------------------------------------------------------ qicharts2's fixtures

POINTS = pd.read_csv(PEERS / "runs_qicharts2_runs_points.csv")


@pytest.mark.parametrize("case", sorted(POINTS["case"].unique()))
def test_statistics_against_the_peer_centre_equal_qicharts2(case):
    # qicharts2 tests/testthat/<case>.rds (tests/testthat/test_montgomery.R): each point's
    # y and its chart's centre cl; excluded points (include FALSE) are left out of the runs
    got = []
    for _part, points in POINTS[POINTS["case"] == case].groupby("part", sort=True):
        kept = points[points["include"]]
        got.append(anhoej_runs(kept["y"], kept["cl"]).as_row())
    assert stats_of(pd.DataFrame(got)) == stats_of(expected(case))


def _montgomery(table: str) -> pd.DataFrame:
    tables = pd.read_csv(PEERS / "runs_qicharts2_montgomery_tables.csv")
    return tables[tables["table"] == table]


# qicharts2 tests/testthat/test_montgomery.R: the qic() call of each case, as spc()
MONTGOMERY = {
    # qic(weeks, cost, data = tbl_06.07, chart = 'i', freeze = 20)
    "ex_6.5_3": ("tbl_06.07", {"baseline": 20}),
    # qic(sample, count, size, data = tbl_07.03, chart = 'p', exclude = c(15, 23), part = 30)
    "ex_7.1_5": ("tbl_07.03", {"chart": "p", "rebase": [31], "exclude": [15, 23]}),
    # qic(sample, count, size, data = tbl_07.04, chart = 'p')
    "tbl_7.4_1": ("tbl_07.04", {"chart": "p"}),
    # qic(sample, count, data = tbl_07.08, chart = 'c', exclude = c(6, 20), freeze = 26)
    "ex_7.3_3": ("tbl_07.08", {"chart": "c", "baseline": 26, "exclude": [6, 20]}),
    # qic(sample, count, size, data = tbl_07.10, chart = 'u')
    "ex_7.4_1": ("tbl_07.10", {"chart": "u"}),
    # qic(roll, count, meters, data = tbl_07.11, chart = 'u', multiply = 50)
    "ex_7.5_1": ("tbl_07.11", {"chart": "u"}),
}


@pytest.mark.parametrize("case", list(MONTGOMERY))
def test_statistics_of_coprods_own_control_charts_equal_qicharts2(case):
    # qicharts2 tests/testthat/<case>.rds: the runs analysis against the chart's own centre,
    # per part (coprod's segments), leaving out excluded points
    table, options = MONTGOMERY[case]
    if options.get("chart") in ("p", "u"):
        options = {**options, "denominator": "size"}
    result = spc(_montgomery(table), value="value", period="sample", **options)
    assert stats_of(anhoej_statistics(result)) == stats_of(expected(case))


@pytest.fixture(scope="module")
def infections() -> pd.DataFrame:
    return pd.read_csv(PEERS / "runs_qicharts2_hospital_infections.csv", parse_dates=["month"])


def test_hospital_infections_u_chart_equals_qicharts2_hai_1(infections):
    # qicharts2 tests/testthat/hai_1.rds: qic(month, n, days, data = hospital_infections, chart = 'u')
    per_month = infections.groupby("month", as_index=False)[["n", "days"]].sum()
    result = spc(per_month, value="n", denominator="days", period="month", chart="u")
    assert stats_of(anhoej_statistics(result)) == stats_of(expected("hai_1"))


def test_hospital_infections_by_infection_equal_qicharts2_hai_2(infections):
    # qicharts2 tests/testthat/hai_2.rds: the same, facets = ~ infection
    per_month = infections.groupby(["infection", "month"], as_index=False)[["n", "days"]].sum()
    result = spc(
        per_month, value="n", denominator="days", period="month", chart="u", by="infection"
    )
    got = anhoej_statistics(result)
    assert got["infection"].tolist() == expected("hai_2")["facet1"].tolist()
    assert stats_of(got) == stats_of(expected("hai_2"))


def test_hospital_infections_by_hospital_and_infection_equal_qicharts2_hai_3(infections):
    # qicharts2 tests/testthat/hai_3.rds: facets = hospital ~ infection; two signal
    # (BOH and NOH urinary tract infections: 7 crossings, fewer than 8)
    result = spc(
        infections,
        value="n",
        denominator="days",
        period="month",
        chart="u",
        by=["hospital", "infection"],
    )
    got = anhoej_statistics(result)
    want = expected("hai_3")
    assert (
        got[["hospital", "infection"]].values.tolist() == want[["facet1", "facet2"]].values.tolist()
    )
    assert stats_of(got) == stats_of(want)
    assert got.loc[got["runs_signal"], "hospital"].tolist() == ["BOH", "NOH"]


def test_hospital_infections_funnel_order_equals_qicharts2_hai_4(infections):
    # qicharts2 tests/testthat/hai_4.rds: qic(reorder(hospital, days), n, days, data =
    # subset(hospital_infections, month >= '2016-07-01'), chart = 'u', facets = ~ infection):
    # hospitals in order of their mean days, each a point, against the u chart's centre
    recent = infections[infections["month"] >= "2016-07-01"]
    order = recent.groupby("hospital")["days"].mean().sort_values(kind="stable").index
    got = []
    for _infection, rows in recent.groupby("infection", sort=True):
        totals = rows.groupby("hospital")[["n", "days"]].sum().loc[order]
        rate = totals["n"] / totals["days"]
        got.append(anhoej_runs(rate, totals["n"].sum() / totals["days"].sum()).as_row())
    assert stats_of(pd.DataFrame(got)) == stats_of(expected("hai_4"))


def test_excluded_points_are_left_out_of_the_runs():
    # qicharts2 runs.analysis uses x$y[x$include]: an excluded point is not observed at all
    data = monthly([1, 9, 1, 9, 30, 1, 9])
    kept = anhoej_statistics(spc(data, value="complaints", period="month", exclude=["2021-05-01"]))
    plain = anhoej_statistics(spc(data, value="complaints", period="month"))
    assert (kept["n_obs"].iloc[0], plain["n_obs"].iloc[0]) == (6, 7)

"""SPC (Making Data Count): limits equal hand-computed values; each rule fires where it should."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coprod.timeseries.spc import first_signal, spc, spc_overview, spc_summary, suggest_rebase


def series(values, start="2024-01-01", **extra) -> pd.DataFrame:
    """A monthly series (month starts) of ``values``."""
    frame = pd.DataFrame(
        {
            "month": pd.date_range(start, periods=len(values), freq="MS"),
            "complaints": np.asarray(values, dtype=float),
        }
    )
    for name, col in extra.items():
        frame[name] = col
    return frame


def flagged(result: pd.DataFrame) -> list[int]:
    return list(np.flatnonzero(result["special_cause"].to_numpy()))


def run(values, **kwargs) -> pd.DataFrame:
    return spc(series(values), value="complaints", period="month", **kwargs)


# Baseline of six alternating points used to fix the limits in the rule tests:
# [10, 14, 10, 14, 10, 14] -> mean 12; moving ranges 4,4,4,4,4 -> MR-bar 4
# -> limits 12 +/- 2.66*4 = 12 +/- 10.64 -> 1.36 .. 22.64
# -> 2-sigma 12 +/- (2/3)*10.64 = 12 +/- 7.0933 -> 4.9067 .. 19.0933
# Sides alternate (-, +, ...) and steps alternate, so the baseline fires no rule.
BASE = [10, 14, 10, 14, 10, 14]


# ----------------------------------------------------------------------- limits


def test_xmr_limits_hand_computed():
    # values [5, 7, 6, 8, 4] -> mean 30/5 = 6
    # moving ranges |7-5|=2, |6-7|=1, |8-6|=2, |4-8|=4 -> MR-bar 9/4 = 2.25
    # limits 6 +/- 2.66*2.25 = 6 +/- 5.985 -> 0.015 .. 11.985
    # 2-sigma 6 +/- (2/3)*5.985 = 6 +/- 3.99 -> 2.01 .. 9.99
    r = run([5, 7, 6, 8, 4])
    assert list(r.columns) == [
        "period",
        "value",
        "moving_range",
        "centre",
        "lower",
        "upper",
        "lower_2sigma",
        "upper_2sigma",
        "segment",
        "in_baseline",
        "excluded",
        "trial_limits",
        "special_cause",
        "side",
        "direction",
        "rule_outside",
        "rule_run",
        "rule_trend_rising",
        "rule_trend_falling",
        "rule_two_of_three",
        "later_trend",
        "rule",
        "variation",
        "chart",
        "measure",
        "run_length",
        "trend_length",
        "higher_is_better",
        "screen_outliers",
        "conventions",
    ]
    assert r["centre"].tolist() == pytest.approx([6.0] * 5)
    assert r["lower"].tolist() == pytest.approx([0.015] * 5)
    assert r["upper"].tolist() == pytest.approx([11.985] * 5)
    assert r["lower_2sigma"].tolist() == pytest.approx([2.01] * 5)
    assert r["upper_2sigma"].tolist() == pytest.approx([9.99] * 5)
    np.testing.assert_allclose(r["moving_range"], [np.nan, 2, 1, 2, 4])
    assert r["segment"].tolist() == [1] * 5
    assert r["in_baseline"].all()
    assert not r["special_cause"].any()
    assert (r["rule"] == "").all()
    assert (r["variation"] == "common_cause").all()


def test_c_chart_limits_hand_computed():
    # counts [7, 11, 9, 8, 10] -> c-bar 45/5 = 9, sqrt(9) = 3
    # limits 9 +/- 3*3 -> 0 .. 18; 2-sigma 9 +/- 2*3 -> 3 .. 15
    r = run([7, 11, 9, 8, 10], chart="c")
    assert "moving_range" not in r.columns
    assert r["centre"].tolist() == pytest.approx([9.0] * 5)
    assert r["lower"].tolist() == pytest.approx([0.0] * 5)
    assert r["upper"].tolist() == pytest.approx([18.0] * 5)
    assert r["lower_2sigma"].tolist() == pytest.approx([3.0] * 5)
    assert r["upper_2sigma"].tolist() == pytest.approx([15.0] * 5)


def test_c_chart_lower_limits_floored_at_zero():
    # counts [1, 2, 3, 2, 2] -> c-bar 2; 2 - 3*sqrt(2) = -2.24 -> 0; 2 - 2*sqrt(2) = -0.83 -> 0
    # upper 2 + 3*sqrt(2) = 6.2426; upper 2-sigma 2 + 2*sqrt(2) = 4.8284
    r = run([1, 2, 3, 2, 2], chart="c")
    assert r["lower"].tolist() == [0.0] * 5
    assert r["lower_2sigma"].tolist() == [0.0] * 5
    assert r["upper"].iloc[0] == pytest.approx(2 + 3 * math.sqrt(2))
    assert r["upper_2sigma"].iloc[0] == pytest.approx(2 + 2 * math.sqrt(2))


def test_u_chart_per_point_limits_hand_computed():
    # counts [5, 14, 3, 18], exposure [1, 4, 1, 4] -> rates 5, 3.5, 3, 4.5
    # u-bar = 40 / 10 = 4
    # n = 1: sqrt(4/1) = 2 -> limits 4 +/- 6 -> 0 (floored from -2) .. 10; 2-sigma 0 .. 8
    # n = 4: sqrt(4/4) = 1 -> limits 4 +/- 3 -> 1 .. 7;               2-sigma 2 .. 6
    data = series([5, 14, 3, 18], contacts=[1.0, 4.0, 1.0, 4.0])
    r = spc(data, value="complaints", period="month", chart="u", denominator="contacts")
    assert list(r.columns[:6]) == ["period", "value", "count", "denominator", "rate", "centre"]
    assert r["value"].tolist() == pytest.approx([5, 3.5, 3, 4.5])
    assert r["rate"].tolist() == pytest.approx([5, 3.5, 3, 4.5])
    assert r["count"].tolist() == [5, 14, 3, 18]
    assert r["centre"].tolist() == pytest.approx([4.0] * 4)
    assert r["lower"].tolist() == pytest.approx([0, 1, 0, 1])
    assert r["upper"].tolist() == pytest.approx([10, 7, 10, 7])
    assert r["lower_2sigma"].tolist() == pytest.approx([0, 2, 0, 2])
    assert r["upper_2sigma"].tolist() == pytest.approx([8, 6, 8, 6])


# ------------------------------------------------------------------------ rules


def test_exactly_one_point_outside_limits():
    # limits fixed by the baseline: 1.36 .. 22.64 (see BASE); 12 is on the centre
    # tail 12, 30, 12, 14, 10, 14: only 30 is beyond a limit (and the only one beyond 2 sigma)
    r = run([*BASE, 12, 30, 12, 14, 10, 14], baseline=6)
    assert flagged(r) == [7]
    assert r.loc[7, "rule"] == "outside limits"
    assert r.loc[7, "variation"] == "special_cause_concern"
    assert r.loc[r.index != 7, "variation"].eq("common_cause").all()


def test_point_below_lower_limit_is_improvement_by_default():
    r = run([*BASE, 12, 0, 12, 14], baseline=6)  # 0 < 1.36
    assert flagged(r) == [7]
    assert r.loc[7, "variation"] == "special_cause_improvement"


def test_run_of_six_fires_with_run_length_6_but_not_7():
    # centre 12 (BASE); tail 9 (below), then six points above: 13, 13.5, 13, 14, 13, 13.5,
    # then 9 (below). BASE ends with 14 (above), but 9 breaks that run.
    values = [*BASE, 9, 13, 13.5, 13, 14, 13, 13.5, 9]
    six = run(values, baseline=6, run_length=6)
    assert flagged(six) == [7, 8, 9, 10, 11, 12]
    assert set(six.loc[7:12, "rule"]) == {"run of 6 above centre"}
    assert set(six.loc[7:12, "variation"]) == {"special_cause_concern"}
    seven = run(values, baseline=6)  # run_length=7 by default
    assert flagged(seven) == []


def test_point_on_centre_breaks_a_run():
    # 3 above, one exactly on the centre (12), 4 above: no run of 7
    broken = run([*BASE, 9, 13, 14, 13, 12, 13, 14, 13, 14, 9], baseline=6)
    assert flagged(broken) == []
    # the same with 12.5 instead of 12: 8 above in a row, all 8 flagged
    whole = run([*BASE, 9, 13, 14, 13, 12.5, 13, 14, 13, 14, 9], baseline=6)
    assert flagged(whole) == list(range(7, 15))
    assert set(whole.loc[7:14, "rule"]) == {"run of 7 above centre"}


def test_run_below_centre():
    r = run([*BASE, 15, 11, 10, 11, 10, 11, 10, 11, 15], baseline=6)
    assert flagged(r) == list(range(7, 14))
    assert set(r.loc[7:13, "rule"]) == {"run of 7 below centre"}
    assert set(r.loc[7:13, "variation"]) == {"special_cause_improvement"}


def test_trend_of_six_rising_and_a_tie_breaks_it():
    # BASE ends with 14; 9 10 11 12.5 13 14 is six points each higher than the one
    # before (5 increases), then 10 falls. Sides: - - - + + + - : no run.
    rising = run([*BASE, 9, 10, 11, 12.5, 13, 14, 10], baseline=6)
    assert flagged(rising) == [6, 7, 8, 9, 10, 11]
    assert set(rising.loc[6:11, "rule"]) == {"trend of 6 rising"}
    # a trend takes the trend's direction, also for points below the centre
    assert set(rising.loc[6:11, "variation"]) == {"special_cause_concern"}
    assert (
        run([*BASE, 9, 10, 11, 12.5, 13, 14, 10], baseline=6, trend_length=7)["special_cause"].sum()
        == 0
    )
    # 11 then 11 again: a tie breaks the trend into 9 10 11 and 11 13 13.5 14
    tied = run([*BASE, 9, 10, 11, 11, 13, 13.5, 14, 10], baseline=6)
    assert flagged(tied) == []


def test_trend_longer_than_six_falling_flags_every_point():
    # 15 14 13 12.5 11 10 9: seven points falling; BASE's last point 14 < 15 starts nothing
    r = run([*BASE, 15, 14, 13, 12.5, 11, 10, 9, 12], baseline=6)
    assert flagged(r) == list(range(6, 13))
    assert set(r.loc[6:12, "rule"]) == {"trend of 6 falling"}
    # falling complaints are an improvement (lower is better by default)
    assert set(r.loc[6:12, "variation"]) == {"special_cause_improvement"}


def test_two_of_three_beyond_two_sigma_same_side():
    # 2-sigma upper line 19.0933 (BASE). Tail 13 20 13 21 11:
    # window (20, 13, 21): all above the centre, two beyond 2 sigma -> flag 20 and 21 only
    r = run([*BASE, 13, 20, 13, 21, 11], baseline=6)
    assert flagged(r) == [7, 9]
    assert set(r.loc[[7, 9], "rule"]) == {"two of three beyond 2 sigma"}
    assert r.loc[8, "rule"] == ""


def test_two_of_three_counts_points_beyond_the_limit():
    # 20 beyond 2 sigma, 25 beyond the process limit 22.64: both count (MDC since 2023)
    r = run([*BASE, 13, 20, 25, 13], baseline=6)
    assert flagged(r) == [7, 8]
    assert r.loc[7, "rule"] == "two of three beyond 2 sigma"
    assert r.loc[8, "rule"] == "outside limits; two of three beyond 2 sigma"


def test_two_of_three_on_opposite_sides_does_not_fire():
    # 20 beyond the upper 2-sigma line, 4 beyond the lower one (4 < 4.9067, > 1.36)
    r = run([*BASE, 13, 20, 4, 13], baseline=6)
    assert flagged(r) == []
    # MDC: all three points must be on the same side of the centre
    r = run([*BASE, 13, 20, 11, 21, 11], baseline=6)
    assert flagged(r) == []


def test_several_rules_are_joined():
    # six points above with the last two beyond 2 sigma; run_length 6
    r = run([*BASE, 9, 13, 13.5, 13, 14, 20, 21, 9], baseline=6, run_length=6)
    assert r.loc[12, "rule"] == "run of 6 above centre; two of three beyond 2 sigma"
    assert r.loc[11, "rule"] == "run of 6 above centre; two of three beyond 2 sigma"
    assert r.loc[8, "rule"] == "run of 6 above centre"


# --------------------------------------------------------------------- variation


def test_variation_follows_higher_is_better():
    values = [*BASE, 12, 30, 12]
    assert run(values, baseline=6).loc[7, "variation"] == "special_cause_concern"
    better = run(values, baseline=6, higher_is_better=True)
    assert better.loc[7, "variation"] == "special_cause_improvement"
    neither = run(values, baseline=6, higher_is_better=None)
    assert neither.loc[7, "variation"] == "special_cause_neutral_high"
    assert neither.loc[6, "variation"] == "common_cause"


# --------------------------------------------------------------------- assurance


def test_assurance_lower_is_better():
    # c chart [7, 11, 9, 8, 10]: limits 0 .. 18
    r = run([7, 11, 9, 8, 10], chart="c", target=20)
    assert (r["assurance"] == "consistently_passes").all()  # upper 18 < 20
    assert r["target"].tolist() == [20.0] * 5
    r = run([7, 11, 9, 8, 10], chart="c", target=10)
    assert (r["assurance"] == "hit_and_miss").all()
    # XmR [5, 7, 6, 8, 4]: limits 0.015 .. 11.985; lower 0.015 > target 0
    r = run([5, 7, 6, 8, 4], target=0)
    assert (r["assurance"] == "consistently_fails").all()


def test_assurance_higher_is_better_mirrors():
    r = run([7, 11, 9, 8, 10], chart="c", target=20, higher_is_better=True)
    assert (r["assurance"] == "consistently_fails").all()  # upper 18 < 20
    r = run([5, 7, 6, 8, 4], target=0, higher_is_better=True)
    assert (r["assurance"] == "consistently_passes").all()  # lower 0.015 > 0
    r = run([5, 7, 6, 8, 4], target=6, higher_is_better=True)
    assert (r["assurance"] == "hit_and_miss").all()


def test_assurance_uses_each_points_limits():
    # u chart above: n = 1 limits 0 .. 10, n = 4 limits 1 .. 7; target 8
    data = series([5, 14, 3, 18], contacts=[1.0, 4.0, 1.0, 4.0])
    r = spc(data, value="complaints", period="month", chart="u", denominator="contacts", target=8)
    assert r["assurance"].tolist() == [
        "hit_and_miss",
        "consistently_passes",
        "hit_and_miss",
        "consistently_passes",
    ]


# ------------------------------------------------------------- rebase and baseline


def test_rebase_gives_segments_with_their_own_limits_and_rules():
    seg1 = [8, 12, 8, 12, 11, 11, 11, 11]
    seg2 = [25, 25, 21, 25, 21, 21]
    # segment 1: mean 84/8 = 10.5; MRs 4,4,4,1,0,0,0 -> MR-bar 13/7 -> limits 10.5 +/- 4.94
    # segment 2: mean 138/6 = 23; MRs 0,4,4,4,0 -> MR-bar 2.4 -> limits 23 +/- 6.384
    # 12 11 11 11 11 (end of seg 1, above 10.5) and 25 25 (start of seg 2, above 23)
    # would be 7 in a row if rules looked across the rebase.
    r = run(seg1 + seg2, rebase=["2024-09-01"])
    assert r["segment"].tolist() == [1] * 8 + [2] * 6
    assert r["centre"].tolist() == pytest.approx([10.5] * 8 + [23.0] * 6)
    assert r.loc[0, "upper"] == pytest.approx(10.5 + 2.66 * 13 / 7)
    assert r.loc[8, "upper"] == pytest.approx(23 + 2.66 * 2.4)
    assert r.loc[8, "lower"] == pytest.approx(23 - 2.66 * 2.4)
    assert np.isnan(r.loc[8, "moving_range"])  # no moving range across the rebase
    assert flagged(r) == []
    # without the rebase the mean is 222/14 and the 8 first points are a run below it
    plain = run(seg1 + seg2)
    assert plain.loc[:7, "rule"].str.contains("run of 7 below centre").all()


def test_rebase_date_snaps_to_next_period_and_outside_range_raises():
    values = [8, 12, 8, 12, 11, 11, 11, 11, 25, 25, 21, 25, 21, 21]
    snapped = run(values, rebase=["2024-08-15"])
    exact = run(values, rebase=[pd.Timestamp("2024-09-01")])
    pd.testing.assert_frame_equal(snapped, exact)
    with pytest.raises(ValueError, match="outside the periods"):
        run(values, rebase=["2026-01-01"])
    with pytest.raises(ValueError, match="outside the periods"):
        run(values, rebase=["2023-01-01"])


def test_baseline_int_fixes_the_limits():
    # first 5 points [5, 7, 6, 8, 4] -> 6 +/- 5.985 (as above); later points do not move them
    a = run([5, 7, 6, 8, 4, 20, 30, 25], baseline=5)
    b = run([5, 7, 6, 8, 4, 1, 2, 3], baseline=5)
    for r in (a, b):
        assert r["centre"].tolist() == pytest.approx([6.0] * 8)
        assert r["upper"].tolist() == pytest.approx([11.985] * 8)
        assert r["in_baseline"].tolist() == [True] * 5 + [False] * 3
    assert flagged(a) == [5, 6, 7]
    assert set(a.loc[5:7, "rule"]) == {"outside limits; two of three beyond 2 sigma"}


def test_baseline_date_fixes_first_segment_only():
    values = [5, 7, 6, 8, 4, 20, 30, 25, 10, 14, 10, 14]  # step at 2024-09
    r = run(values, baseline="2024-05-01", rebase=["2024-09-01"])
    # segment 1 from Jan..May 2024 (the 5 first points): 6 +/- 5.985
    assert r.loc[:7, "centre"].tolist() == pytest.approx([6.0] * 8)
    assert r.loc[:7, "upper"].tolist() == pytest.approx([11.985] * 8)
    # segment 2 uses all its points: mean 12, MR-bar 4 -> 12 +/- 10.64
    assert r.loc[8:, "centre"].tolist() == pytest.approx([12.0] * 4)
    assert r.loc[8:, "upper"].tolist() == pytest.approx([22.64] * 4)
    assert r["in_baseline"].tolist() == [True] * 5 + [False] * 3 + [True] * 4
    with pytest.raises(ValueError, match="first segment"):
        run(values, baseline="2024-10-01", rebase=["2024-09-01"])


def test_baseline_int_applies_to_each_segment():
    values = [5, 7, 6, 8, 4, 20, 10, 14, 10, 14, 10, 50]
    r = run(values, baseline=5, rebase=["2024-07-01"])
    # segment 2 (from July) baseline [10, 14, 10, 14, 10]: mean 58/5 = 11.6, MR-bar 4
    assert r.loc[6:, "centre"].tolist() == pytest.approx([11.6] * 6)
    assert r.loc[6:, "upper"].tolist() == pytest.approx([11.6 + 10.64] * 6)
    assert r["in_baseline"].tolist() == [True] * 5 + [False] + [True] * 5 + [False]


# --------------------------------------------------------------------- by-groups


def test_groups_are_computed_independently():
    a = series([*BASE, 12, 30, 12, 14], service=["Parks"] * 10)
    b = series([7, 11, 9, 8, 10, 9, 9, 30], start="2023-06-01", service=["Libraries"] * 8)
    data = pd.concat([a, b], ignore_index=True).sample(frac=1.0, random_state=1)
    both = spc(data, value="complaints", period="month", by="service", chart="c")
    assert list(both.columns[:2]) == ["service", "period"]
    for name, part in (("Parks", a), ("Libraries", b)):
        alone = spc(part, value="complaints", period="month", by="service", chart="c")
        got = both[both["service"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone)
    assert both.groupby("service")["period"].apply(lambda p: p.is_monotonic_increasing).all()


def test_rebase_per_group_mapping():
    a = series([8, 12, 8, 12, 11, 11, 11, 11, 25, 25, 21, 25, 21, 21], service=["A"] * 14)
    b = a.assign(service="B")
    r = spc(
        pd.concat([a, b]),
        value="complaints",
        period="month",
        by="service",
        rebase={"A": ["2024-09-01"]},
    )
    assert r.loc[r["service"] == "A", "segment"].max() == 2
    assert r.loc[r["service"] == "B", "segment"].max() == 1


# ------------------------------------------------------------------------ errors


def test_duplicate_periods_raise_naming_group_and_period():
    data = pd.concat(
        [series([1, 2, 3], service=["Parks"] * 3), series([4], service=["Parks"])],
        ignore_index=True,
    )
    with pytest.raises(ValueError, match=r"service='Parks' at 2024-01"):
        spc(data, value="complaints", period="month", by="service")


def test_missing_values_raise_with_how_to_fill():
    data = series([1, np.nan, 3, 4])
    with pytest.raises(ValueError, match="fill_zero_counts"):
        spc(data, value="complaints", period="month", chart="c")


def test_gap_in_a_regular_series_raises():
    data = series([1, 2, 3, 4, 5, 6]).drop(index=3)
    with pytest.raises(ValueError, match="no row for the period"):
        spc(data, value="complaints", period="month", chart="c")


def test_bad_arguments_raise():
    data = series([1, 2, 3, 4])
    with pytest.raises(ValueError, match="denominator"):
        spc(data, value="complaints", period="month", chart="u")
    with pytest.raises(ValueError, match="chart must be"):
        spc(data, value="complaints", period="month", chart="np")
    with pytest.raises(ValueError, match="data has no column 'nope'"):
        spc(data, value="nope", period="month")
    with pytest.raises(ValueError, match="must not be negative"):
        spc(series([1, -2, 3]), value="complaints", period="month", chart="c")
    with pytest.raises(ValueError, match="at least 2 baseline points"):
        spc(data, value="complaints", period="month", baseline=1)


def test_numeric_periods_work():
    data = pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023], "x": [5, 7, 6, 8, 4]})
    r = spc(data, value="x", period="year")
    assert r["upper"].tolist() == pytest.approx([11.985] * 5)
    assert r["period"].tolist() == [2019, 2020, 2021, 2022, 2023]


# ------------------------------------------------------------ post-processing


def planted_step(service: str = "Parks") -> pd.DataFrame:
    # 12 months around 12, then 12 months around 22 from 2025-01
    values = BASE * 2 + [20, 24] * 6
    return series(values, service=[service] * 24)


def test_suggest_rebase_finds_a_planted_step_and_leaves_the_result_alone():
    r = spc(planted_step(), value="complaints", period="month", by="service")
    before = r.copy()
    out = suggest_rebase(r)
    pd.testing.assert_frame_equal(r, before)
    assert list(out.columns) == ["service", "period", "rule", "reason"]
    assert out["period"].tolist() == [pd.Timestamp("2025-01-01")]
    assert out["rule"].tolist() == ["run of 7 above centre"]
    assert out["reason"].iloc[0].startswith("12 points above the centre from 2025-01")
    assert "consider rebasing" in out["reason"].iloc[0]
    # applied by hand, the suggestion leaves no run
    rebased = spc(planted_step(), value="complaints", period="month", by="service", rebase=out)
    assert not rebased["rule"].str.contains("run").any()


def test_suggest_rebase_min_run():
    values = [*BASE, 9, 13, 13.5, 13, 14, 13, 13.5, 9]  # six above the fixed centre 12
    r = run(values, baseline=6)
    assert len(suggest_rebase(r)) == 0
    six = suggest_rebase(r, min_run=6)
    assert six["period"].tolist() == [pd.Timestamp("2024-08-01")]
    assert six["rule"].tolist() == ["run of 6 above centre"]


def test_first_signal_and_overview():
    data = pd.concat([planted_step("Parks"), series(BASE * 4, service=["Libraries"] * 24)])
    r = spc(data, value="complaints", period="month", by="service", target=15)
    first = first_signal(r)
    assert list(first.columns) == ["service", "period", "value", "rule", "variation"]
    parks = first.set_index("service").loc["Parks"]
    assert parks["period"] == pd.Timestamp("2025-01-01")
    assert parks["rule"] == "run of 7 above centre"
    assert pd.isna(first.set_index("service").loc["Libraries", "period"])
    # improvement: the run below the centre at the start
    improve = first_signal(r, direction="improvement").set_index("service")
    assert improve.loc["Parks", "period"] == pd.Timestamp("2024-01-01")
    # `after` is inclusive
    later = first_signal(r, after="2025-03-01").set_index("service")
    assert later.loc["Parks", "period"] == pd.Timestamp("2025-03-01")

    overview = spc_overview(r, by="service")
    assert list(overview.columns) == [
        "service",
        "latest_period",
        "latest_value",
        "centre",
        "lower",
        "upper",
        "variation",
        "assurance",
        "n_special",
        "last_signal_period",
        "last_rule",
    ]
    row = overview.set_index("service").loc["Parks"]
    assert row["latest_period"] == pd.Timestamp("2025-12-01")
    assert row["variation"] == "special_cause_concern"
    assert row["n_special"] == 24
    assert row["last_rule"] == "run of 7 above centre"
    lib = overview.set_index("service").loc["Libraries"]
    assert lib["n_special"] == 0 and pd.isna(lib["last_signal_period"])
    assert lib["assurance"] == "hit_and_miss"  # limits 1.36 .. 22.64 around target 15


def test_summary_mentions_latest_state_and_rules():
    data = pd.concat([planted_step("Parks"), series(BASE * 4, service=["Libraries"] * 24)])
    r = spc(data, value="complaints", period="month", by="service", target=15)
    text = " ".join(spc_summary(r).split())  # as one line: it wraps at 88 characters
    assert "Parks" in text and "Libraries" in text
    assert "special cause variation: concern" in text
    assert "run of 7 above centre: 12 points, 2025-01 to 2025-12" in text
    assert "hit and miss" in text
    assert "No special-cause rule fired." in text


def test_direction_precedence_limit_then_trend_then_side():
    # BASE then 1 2 3 4 5 30 (six rising) then 30 20 10 5 3 2 (six falling) then 12.
    # 1 is below the lower limit 1.36: its side wins (improvement) over the rising trend;
    # 2 is below the centre but part of the rising trend: concern;
    # 30 ends the rising trend and starts the falling one but is above the upper limit
    # 22.64: concern; 20 is part of the falling trend: improvement.
    r = run([*BASE, 1, 2, 3, 4, 5, 30, 20, 10, 5, 3, 2, 12], baseline=6)
    assert r.loc[6, "rule"].startswith("outside limits; trend of 6 rising")
    assert r.loc[6, "variation"] == "special_cause_improvement"
    assert r.loc[7, "variation"] == "special_cause_concern"
    assert r.loc[11, "rule"] == "outside limits; trend of 6 rising; trend of 6 falling"
    assert r.loc[11, "variation"] == "special_cause_concern"
    assert r.loc[12, "variation"] == "special_cause_improvement"
    assert r.loc[17, "variation"] == "common_cause"


def test_summary_counts_episodes_of_a_rule():
    r = run([*BASE, 12, 30, 12, 14, 12, 31, 12], baseline=6)
    text = " ".join(spc_summary(r).split())  # as one line: it wraps at 88 characters
    assert "outside limits: 2 points in 2 episodes, first 2024-08, latest at 2024-12" in text
    assert "Latest (2025-01): 12, common cause variation" in text


# --------------------------------------------------------------------------- edge cases


def test_constant_series_is_common_cause_not_outside_limits():
    # MR-bar 0: limits equal the centre, and the float mean of 1/3s is one rounding step off
    periods = pd.date_range("2022-01-01", periods=10, freq="MS")
    result = spc(pd.DataFrame({"p": periods, "v": [1 / 3] * 10}), value="v", period="p")
    assert not result["special_cause"].any()
    assert set(result["variation"]) == {"common_cause"}


def test_sparse_monthly_counts_are_refused_not_read_as_complete():
    periods = pd.date_range("2022-01-01", periods=24, freq="MS")
    counts = np.random.default_rng(0).poisson(0.8, 24).astype(float)
    sparse = pd.DataFrame({"p": periods, "v": counts})[counts > 0]
    with pytest.raises(ValueError, match="has no row for the period"):
        spc(sparse, value="v", period="p", chart="c")


def test_suggested_rebase_always_leaves_two_points_each_side():
    values = [5, 20, 20.5, 19.5, 20, 21, 20, 19.8, 0, 1, 0.5, 1, 0, 0.5, 1, 0.2]
    data = pd.DataFrame(
        {"p": pd.date_range("2022-01-01", periods=len(values), freq="MS"), "v": values}
    )
    suggested = suggest_rebase(spc(data, value="v", period="p"))
    assert (suggested["period"] >= pd.Timestamp("2022-03-01")).all()
    spc(data, value="v", period="p", rebase=list(suggested["period"]))  # applicable as given


def test_mistyped_group_in_rebase_or_target_mapping_is_an_error():
    data = pd.DataFrame(
        {
            "service": "Parks",
            "p": pd.date_range("2022-01-01", periods=12, freq="MS"),
            "v": range(12),
        }
    )
    with pytest.raises(
        ValueError, match=r"rebase= names groups that are not in the data: \['Prks'\]"
    ):
        spc(data, value="v", period="p", by="service", rebase={"Prks": ["2022-06-01"]})
    with pytest.raises(ValueError, match="target= names groups"):
        spc(data, value="v", period="p", by="service", target={"Libraries": 3})
    ok = spc(data, value="v", period="p", by="service", target={"Parks": 3})
    assert (ok["target"] == 3).all()


# ------------------------------------------------ settings and rules travel as columns


def test_settings_survive_concat_and_filter():
    """Settings are columns: a concatenated or filtered result still knows its run length
    (attrs would be lost), so suggest_rebase uses run_length=6, not a guessed default."""
    a = run([5.0] * 8 + [9.0, 9.5, 9.2, 9.8, 9.1, 9.6, 9.4], run_length=6)
    b = run([5.0] * 8 + [9.0, 9.5, 9.2, 9.8, 9.1, 9.6, 9.4], run_length=6)
    both = pd.concat([a.assign(g="a"), b.assign(g="b")], ignore_index=True)
    assert both.attrs == {}
    assert set(both["run_length"]) == {6}
    assert suggest_rebase(a.iloc[2:].copy())["rule"].tolist() == ["run of 6 above centre"]


def test_rule_columns_agree_with_the_rule_text():
    from coprod.timeseries.spc import RULE_COLUMNS, fired_rules

    values = [1, 2, 3, 4, 5, 6, 20, 19, 18, 17, 16, 15, 5, 5, 5, 5]
    r = run(values)
    fired = fired_rules(r)
    for name, positions in fired.items():
        assert all(name in r["rule"].iloc[p].split("; ") for p in positions), name
    from_text = {p for p, text in enumerate(r["rule"]) if text}
    assert from_text == {p for ps in fired.values() for p in ps}
    assert (r[list(RULE_COLUMNS)].any(axis=1) == r["special_cause"]).all()
    # a point that ends a rising trend and starts a falling one
    peak = r.loc[6]
    assert peak["rule_trend_rising"] and peak["rule_trend_falling"]
    assert peak["later_trend"] == -1 and peak["direction"] == 1  # beyond the upper limit


def test_mixed_settings_are_refused_not_guessed():
    a = run([5.0] * 12, run_length=6)
    b = run([5.0] * 12, run_length=8)
    with pytest.raises(ValueError, match="different run_length"):
        suggest_rebase(pd.concat([a, b], ignore_index=True))


# ------------------------------------------------------------------ moving-range screening
# Ported from NHSRplotthedots (nhs-r-community/NHSRplotthedots, v0.2.0, commit 050b07d):
# tests/testthat/test-ptd_spc_standard.R "it returns expected values", expected limits from
# tests/testthat/_snaps/ptd_spc_standard.md. The data are R's set.seed(123); rnorm(20).
NHSR_RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def _nhsr_series(values):
    return pd.DataFrame(
        {"period": pd.date_range("2020-01-02", periods=len(values), freq="D"), "y": values}
    )


@pytest.mark.parametrize(
    ("outlier", "screen", "centre", "lower", "upper"),
    [
        # r1: the data as drawn, screening on (the package's default)
        (False, True, 0.1416238, -3.01138, 3.294627),
        # r2: y[15] <- 10, screening on: the freak moving ranges are left out
        (True, True, 0.6694159, -2.383666, 3.722497),
        # r3: y[15] <- 10, screening off: they widen the limits
        (True, False, 0.6694159, -4.596625, 5.935457),
    ],
)
def test_moving_range_screening_matches_nhsrplotthedots(outlier, screen, centre, lower, upper):
    values = list(NHSR_RNORM_20)
    if outlier:
        values[14] = 10.0
    result = spc(_nhsr_series(values), value="y", period="period", screen_outliers=screen)
    assert result["centre"].iloc[0] == pytest.approx(centre, abs=5e-7)
    assert result["lower"].iloc[0] == pytest.approx(lower, abs=5e-6)
    assert result["upper"].iloc[0] == pytest.approx(upper, abs=5e-6)
    assert set(result["screen_outliers"]) == {screen}
    assert not result["rule_outside"].iloc[:14].any()


def test_moving_range_screening_by_hand_and_its_refusals():
    values = [10, 12, 11, 13, 12, 40, 12, 11, 13, 12]
    # moving ranges 2 1 2 1 28 28 1 2 1: mean 66/9; 28 >= 3.267 * 66/9 = 23.96 is left out
    screened = spc(_nhsr_series(values), value="y", period="period", screen_outliers=True)
    plain = spc(_nhsr_series(values), value="y", period="period")
    assert screened["upper"].iloc[0] == pytest.approx(14.6 + 2.66 * 10 / 7)
    assert plain["upper"].iloc[0] == pytest.approx(14.6 + 2.66 * 66 / 9)
    assert set(plain["screen_outliers"]) == {False}
    counts = _nhsr_series([3, 4, 5, 4, 3, 5, 4, 6])
    with pytest.raises(ValueError, match="screens the moving ranges of an XmR chart"):
        spc(counts, value="y", period="period", chart="c", screen_outliers=True)
    with pytest.raises(TypeError, match="screen_outliers must be True or False"):
        spc(counts, value="y", period="period", screen_outliers="yes")


# ------------------------------------------------------------------ excluded points
# qicharts2 (anhoej/qicharts2, R/helper.functions.R qic.i): base <- baseline & include;
# the centre is mean(y[base]) and the moving ranges are abs(diff(y[base])).


def test_excluded_points_are_drawn_but_left_out_of_the_limits():
    values = [10, 12, 11, 13, 12, 40, 12, 11, 13, 12]
    series = _nhsr_series(values)
    one_off = series["period"].iloc[5]
    result = spc(series, value="y", period="period", exclude=[one_off])
    kept = [v for i, v in enumerate(values) if i != 5]
    ranges = [abs(a - b) for a, b in zip(kept[1:], kept[:-1], strict=True)]
    centre = sum(kept) / 9
    assert result["centre"].iloc[0] == pytest.approx(centre)
    assert result["upper"].iloc[0] == pytest.approx(centre + 2.66 * sum(ranges) / 8)
    assert result["excluded"].tolist() == [i == 5 for i in range(10)]
    assert not result.loc[5, "in_baseline"] and result["in_baseline"].sum() == 9
    # still drawn and judged: it is far outside the limits computed without it
    assert result.loc[5, "value"] == 40 and result.loc[5, "rule_outside"]
    counts = spc(series, value="y", period="period", chart="c", exclude=[one_off])
    assert counts["centre"].iloc[0] == pytest.approx(centre)
    with pytest.raises(ValueError, match="is not a period of"):
        spc(series, value="y", period="period", exclude=["2030-01-01"])


def test_limits_from_fewer_than_13_points_are_trial_limits():
    # NHSRplotthedots R/ptd_add_short_group_warnings.R (default threshold 13): groups of fewer
    # than 13 points are flagged (12 -> warned, 13 -> not)
    short = spc(_nhsr_series(NHSR_RNORM_20[:12]), value="y", period="period")
    enough = spc(_nhsr_series(NHSR_RNORM_20[:13]), value="y", period="period")
    assert short["trial_limits"].all() and not enough["trial_limits"].any()
    assert "These are trial limits, computed from 12 points (fewer than 13)" in " ".join(
        spc_summary(short).split()
    )
    assert "trial limits" not in spc_summary(enough)
    # a fixed baseline of 6 points gives trial limits however long the series
    fixed = spc(_nhsr_series(NHSR_RNORM_20), value="y", period="period", baseline=6)
    assert fixed["trial_limits"].all()


# ------------------------------------------------------------------ p charts


def test_p_chart_limits_by_hand():
    # share of closed complaints upheld: 3 of 20, 5 of 25, 2 of 10, 6 of 30, 4 of 15
    frame = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=5, freq="MS"),
            "upheld": [3.0, 5, 2, 6, 4],
            "closed": [20.0, 25, 10, 30, 15],
        }
    )
    result = spc(frame, value="upheld", period="period", chart="p", denominator="closed")
    pbar = 20 / 100
    assert result["centre"].tolist() == pytest.approx([pbar] * 5)
    sd = [math.sqrt(pbar * (1 - pbar) / n) for n in (20, 25, 10, 30, 15)]
    assert result["upper"].tolist() == pytest.approx([pbar + 3 * s for s in sd])
    assert result["lower"].tolist() == pytest.approx([max(pbar - 3 * s, 0) for s in sd])
    assert result["lower"].iloc[2] == 0.0  # 0.2 - 3 * 0.1265 < 0: floored
    assert result["proportion"].tolist() == pytest.approx([0.15, 0.2, 0.2, 0.2, 4 / 15])
    assert result["value"].tolist() == result["proportion"].tolist()
    assert result["count"].tolist() == [3, 5, 2, 6, 4]
    assert set(result["measure"]) == {"upheld of closed"} and set(result["chart"]) == {"p"}
    tiny = frame.assign(upheld=[9.0, 9, 9, 9, 9], closed=[10.0] * 5)
    capped = spc(tiny, value="upheld", period="period", chart="p", denominator="closed")
    assert capped["upper"].max() <= 1.0
    with pytest.raises(ValueError, match="cannot exceed the number they are out of"):
        spc(
            frame.assign(upheld=[30.0, 5, 2, 6, 4]),
            value="upheld",
            period="period",
            chart="p",
            denominator="closed",
        )
    with pytest.raises(ValueError, match="a p chart needs denominator="):
        spc(frame, value="upheld", period="period", chart="p")

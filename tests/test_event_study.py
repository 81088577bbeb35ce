"""Event studies on panels of counts: planted effects recovered under staggered timing,
naive two-way fixed effects shown biased, repeated events reduced to one clean event per
unit, the summary's numbers, and the chart's structure."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from coprod._core.columns import MissingColumnError
from coprod.charts.effects import (
    GID_EVENT_INTERVALS,
    GID_EVENT_LINE,
    GID_EVENT_NO_EFFECT,
    GID_EVENT_POINTS,
    GID_EVENT_REFERENCE,
    GID_EVENT_TRUTH,
    event_study_data,
    plot_event_study,
)
from coprod.synth import event_panel
from coprod.timeseries.event_study import (
    compare_effects,
    event_study,
    first_clean_events,
    join_events,
)

# 200 units x 120 months, five yearly cohorts (May 2010 to May 2014), quarters -4 to 8:
# big enough to recover the planted curve, small enough to fit in about a second.
WINDOW = (-4, 8)
COHORTS = (28, 40, 52, 64, 76)
COLUMNS = {"unit": "unit", "time": "period", "value": "count", "event": "event"}


def small_panel(**kwargs):
    settings = {
        "n_units": 200,
        "n_periods": 120,
        "cohorts": COHORTS,
        "window": WINDOW,
        "bin": 3,
        "seed": 11,
    } | kwargs
    return event_panel(**settings)


def fit(panel, **kwargs):
    return event_study(panel, **COLUMNS, window=WINDOW, bin=3, **kwargs)


@pytest.fixture(scope="module")
def staggered():
    """Effects growing with event time, early cohorts reacting more (planted)."""
    return small_panel()


@pytest.fixture(scope="module")
def iw(staggered):
    return fit(staggered.panel)


@pytest.fixture(scope="module")
def naive(staggered):
    return fit(staggered.panel, estimator="naive_twfe")


def joined(result, truth):
    return result.effects.merge(truth, on="event_time", how="left")


# ------------------------------------------------------------------ recovery and bias


def test_the_planted_panel_is_staggered_and_heterogeneous(staggered):
    truth = staggered.truth
    post = truth[truth["event_time"] == 8].set_index("cohort")["rate_ratio"]
    assert post.is_monotonic_decreasing and post.iloc[0] > 1.7 and post.iloc[-1] < 1.15
    assert staggered.panel["event"].nunique() == len(COHORTS)
    assert staggered.panel["event"].isna().groupby(staggered.panel["unit"]).first().sum() == 60


def test_interaction_weighted_recovers_the_effect_by_event_time(iw, staggered):
    both = joined(iw, staggered.truth_by_event_time)
    est = both[both["role"] != "reference"]
    error = np.log(est["estimate"]) - np.log(est["rate_ratio"])
    z = error / est["log_se"]
    assert np.abs(error).mean() < 0.02
    assert np.abs(z).max() < 3.5
    covered = (est["low"] <= est["rate_ratio"]) & (est["rate_ratio"] <= est["high"])
    assert covered.mean() >= 0.75
    # the curve rises as planted: 1.10 at the event, 1.35 eight quarters on
    post = est[est["role"] == "post"].set_index("event_time")["estimate"]
    assert post.loc[0] == pytest.approx(1.10, abs=0.04)
    assert post.loc[8] == pytest.approx(1.35, abs=0.05)
    assert (iw.effects["n_events"] == 140).all() and (iw.effects["n_cohorts"] == 5).all()


def test_leads_are_near_one_without_anticipation(iw):
    leads = iw.effects[iw.effects["role"] == "lead"]
    assert list(leads["event_time"]) == [-4, -3, -2]
    assert np.abs(np.log(leads["estimate"])).max() < 0.05
    assert iw.pretrend_df == 3 and iw.pretrend_p > 0.01


def test_naive_twfe_counting_periods_outside_the_window_as_untreated_is_biased(naive, staggered):
    both = joined(naive, staggered.truth_by_event_time)
    post = both[both["role"] == "post"]
    bias = np.log(post["estimate"]) - np.log(post["rate_ratio"])
    # endpoints="reference": treated periods after the window sit in the omitted group with
    # bin -1, so every effect after the event is pulled down, on average by more than a
    # fifth on the log scale
    assert (bias < 0).all()
    assert bias.mean() < -0.2
    assert (post["high"] < post["rate_ratio"]).all()  # not one interval holds the truth
    leads = both[both["role"] == "lead"]
    assert (leads["high"] < 1).all()  # a pre-trend that was never planted
    assert naive.pretrend_p < 0.001
    assert naive.endpoints == "reference" and naive.estimator == "naive_twfe"
    # the cause is the endpoints, not the pooling: every bin of this panel holds the same
    # 140 units in 5 cohorts, so with those periods dropped the pooled curve is right
    dropped = joined(
        fit(staggered.panel, estimator="naive_twfe", endpoints="drop"),
        staggered.truth_by_event_time,
    )
    error = np.log(dropped["estimate"]) - np.log(dropped["rate_ratio"])
    assert np.abs(error).max() < 0.05


# An unbalanced panel in event time, as every panel that ends is: councils changing
# control at the May elections of 2009, 2011, 2013, 2015 and 2016, counts to December
# 2017, so the 2016 cohort is seen for 6 quarters after its event, the 2015 one for 10
# and the others for the whole window; an effect of 1.8 at the event fading to none two
# years on, the early cohorts reacting more (the default cohort_spread); 10 of 200 units
# never treated.
UNBALANCED_WINDOW = (-4, 12)
FADING = tuple(float(np.exp(np.log(1.8) * (1 - b / 8))) for b in range(9))


@pytest.fixture(scope="module")
def unbalanced():
    return event_panel(
        n_units=200,
        n_periods=120,
        cohorts=(16, 40, 64, 88, 100),
        never_treated_share=0.05,
        effect_by_event_time=FADING,
        window=UNBALANCED_WINDOW,
        bin=3,
        seed=11,
    )


def test_naive_twfe_pooling_cohorts_is_biased_when_the_cohorts_differ_by_event_time(
    unbalanced,
):
    truth = unbalanced.truth_by_event_time
    iw = event_study(unbalanced.panel, **COLUMNS, window=UNBALANCED_WINDOW, bin=3)
    naive = event_study(
        unbalanced.panel,
        **COLUMNS,
        window=UNBALANCED_WINDOW,
        bin=3,
        estimator="naive_twfe",
        endpoints="drop",
    )
    # fewer cohorts at longer lags: 5 up to quarter 6, 4 to quarter 10, then 3
    post_iw = iw.effects.query("role == 'post'")
    assert list(post_iw["n_cohorts"]) == [5] * 7 + [4] * 4 + [3] * 2
    assert list(post_iw["n_events"]) == [190] * 7 + [152] * 4 + [114] * 2
    assert list(truth.query("event_time >= 0")["n_units"]) == list(post_iw["n_events"])

    # interaction-weighted: each cohort's own curve, averaged with the units' shares
    est = joined(iw, truth).query("role != 'reference'")
    error = np.log(est["estimate"]) - np.log(est["rate_ratio"])
    assert np.abs(error).mean() < 0.02
    assert np.abs(error / est["log_se"]).max() < 3.5
    assert ((est["low"] <= est["rate_ratio"]) & (est["rate_ratio"] <= est["high"])).all()

    # naive, with the periods outside the window dropped as they should be: one curve for
    # all cohorts, so the calendar-period effects (the 10 never-treated units cannot pin
    # them down) take up the cohorts' departures from it and carry other cohorts' effects
    # into every bin. Pulled down by more than a tenth on the log scale on average, it
    # puts the truth outside 11 of 13 intervals after the event
    post = joined(naive, truth).query("role == 'post'").set_index("event_time")
    bias = np.log(post["estimate"]) - np.log(post["rate_ratio"])
    assert bias.mean() < -0.1 and (bias < 0).all()
    outside = (post["high"] < post["rate_ratio"]) | (post["low"] > post["rate_ratio"])
    assert outside.sum() == 11
    # quarters 8 to 12, where the effect has gone: a fall of 10-20% that was never planted
    gone = post.loc[8:12]
    assert (gone["rate_ratio"] == 1).all() and (gone["high"] < 1).all()
    # and the pre-trend check gives no warning: the leads are right
    assert naive.pretrend_p > 0.5
    leads = joined(naive, truth).query("role == 'lead'")
    assert np.abs(np.log(leads["estimate"])).max() < 0.01
    # the average after the event: the robust interval holds the truth, the naive one not
    after = truth.query("event_time >= 0")
    true_average = float(np.exp(np.average(np.log(after["rate_ratio"]), weights=after["n_units"])))
    assert iw.average_post.low < true_average < iw.average_post.high
    assert naive.average_post.high < true_average


def test_extended_twfe_recovers_post_effects_and_has_no_leads(staggered):
    result = fit(staggered.panel, estimator="extended_twfe")
    both = joined(result, staggered.truth_by_event_time)
    assert list(both["event_time"]) == list(range(0, 9))
    error = np.log(both["estimate"]) - np.log(both["rate_ratio"])
    assert np.abs(error).mean() < 0.02
    assert np.isnan(result.pretrend_p) and result.pretrend_df == 0
    assert "no pre-trend check" in " ".join(result.summary().split())


def test_no_effect_with_overdispersion_gives_intervals_around_one():
    data = small_panel(effect_by_event_time=[1.0], overdispersion=0.3, seed=5).panel
    result = fit(data)
    assert result.average_post.low < 1 < result.average_post.high
    est = result.effects[result.effects["role"] != "reference"]
    assert ((est["low"] < 1) & (1 < est["high"])).mean() >= 0.8
    assert result.pretrend_p > 0.01


def test_average_post_effect_weights_cells_by_units(iw, staggered):
    both = joined(iw, staggered.truth_by_event_time)
    post = both[both["role"] == "post"]
    # every bin has the same 140 units, so the average is the bins' mean on the log scale
    assert np.log(iw.average_post.estimate) == pytest.approx(np.log(post["estimate"]).mean())
    assert iw.average_post.low < np.exp(np.log(post["rate_ratio"]).mean()) < iw.average_post.high
    late = iw.average(6, 8)
    assert np.log(late.estimate) == pytest.approx(np.log(post["estimate"].iloc[-3:]).mean())
    assert late.log_se < iw.effects["log_se"].iloc[-1]
    assert 1 < iw.average_post.detectable_ratio() < 1.1


# ------------------------------------------------------------------ settings and inputs


def test_integer_times_give_the_same_estimates_as_periods_and_zero_units_are_dropped():
    data = small_panel(n_units=80, n_periods=72, cohorts=(28, 40), seed=3).panel
    zero = data["unit"] == "unit_001"
    data.loc[zero, "count"] = 0
    # no counts at all for the first cohort (May 2010) in its quarter 2
    quarter = (data["period"].array.asi8 - data["event"].array.asi8) // 3
    cell = (data["event"] == pd.Period("2010-05", "M")) & (quarter == 2)
    data.loc[cell, "count"] = 0
    by_period = fit(data)
    assert by_period.n_cells_without_counts == 1
    n_cohorts = by_period.effects.set_index("event_time")["n_cohorts"]
    assert n_cohorts.loc[[1, 2, 3]].tolist() == [2, 1, 2]
    as_numbers = data.assign(
        period=data["period"].array.asi8 - data["period"].array.asi8.min(),
        event=(data["event"].array.asi8 - data["period"].array.asi8.min()).astype(float),
    )
    as_numbers.loc[data["event"].isna(), "event"] = np.nan
    by_number = fit(as_numbers)
    pd.testing.assert_frame_equal(by_period.effects, by_number.effects)
    assert by_period.n_units_without_counts == 1 and by_period.n_units == 79
    assert by_period.bin_label == "quarters" and by_number.bin_label == "3-period bins"
    assert "whose counts are all zero" in by_period.summary()


def test_binned_endpoints_pool_the_periods_beyond_the_window():
    # a constant effect from the event on: pooling later quarters into quarter 8 is harmless
    data = small_panel(n_units=120, effect_by_event_time=[1.3], heterogeneous_by_cohort=False)
    result = fit(data.panel, endpoints="bin")
    effects = result.effects.set_index("event_time")
    assert effects["binned_endpoint"].tolist() == [True] + [False] * 11 + [True]
    assert effects.loc[8, "estimate"] == pytest.approx(1.3, abs=0.04)
    assert effects.loc[-4, "estimate"] == pytest.approx(1.0, abs=0.04)
    assert result.n_rows_outside_window == int(
        (
            data.panel["event"].notna()
            & (
                (data.panel["period"] >= data.panel["event"] + 27)
                | (data.panel["period"] < data.panel["event"] - 12)
            )
        ).sum()
    )
    assert "pooled into the end bins" in " ".join(result.summary().split())


def test_with_no_never_treated_units_the_last_cohort_is_the_control():
    data = small_panel(never_treated_share=0.0, seed=4).panel
    result = fit(data)
    assert result.control == "last-treated cohort"
    assert result.n_cohorts == 4 and result.n_never_treated == 40
    last = pd.Period("2014-05", "M")
    assert result.n_rows_after_last_cohort == int((data["period"] >= last).sum())
    assert "last-treated cohort" in result.summary()
    post = result.effects[result.effects["role"] == "post"]
    assert post["estimate"].iloc[0] == pytest.approx(1.10, abs=0.06)


def test_exposure_makes_effects_rates_per_unit_of_exposure():
    base = small_panel(n_units=120, cohorts=(28, 52), effect_by_event_time=[1.3], seed=8)
    data = base.panel
    rng = np.random.default_rng(0)
    # platform uptake: exposure grows four-fold over the years, varies from month to month,
    # and jumps by half in treated units from their event on (more users, not more faults)
    months = (data["period"].array.asi8 - data["period"].array.asi8.min()).astype(float)
    after = (data["event"].notna() & (data["period"] >= data["event"])).to_numpy()
    uptake = np.exp(months / 120 * np.log(4)) * rng.uniform(0.5, 2.0, len(data))
    uptake = uptake * np.where(after, 1.5, 1.0)
    data = data.assign(exposure=uptake, count=rng.poisson(data["expected"] * uptake))
    rates = fit(data, exposure="exposure", estimator="extended_twfe")
    counts = fit(data, estimator="extended_twfe")

    def mean_effect(result):
        return float(np.exp(np.log(result.effects["estimate"]).mean()))

    assert mean_effect(rates) == pytest.approx(1.3, abs=0.05)
    assert mean_effect(counts) == pytest.approx(1.3 * 1.5, abs=0.08)
    assert "exposure 'exposure'" in rates.summary()


def test_bad_inputs_are_refused_with_the_fix(staggered):
    data = staggered.panel
    with pytest.raises(ValueError, match="negative binomial with unit fixed effects"):
        fit(data, family="negative_binomial")
    with pytest.raises(ValueError, match="for estimator='naive_twfe' only"):
        fit(data, endpoints="reference")
    with pytest.raises(ValueError, match="must hold the reference bin -1"):
        event_study(data, **COLUMNS, window=(0, 8))
    with pytest.raises(MissingColumnError, match="did you mean 'count'"):
        event_study(data, unit="unit", time="period", value="counts", event="event")
    moved = data.copy()
    moved.loc[moved.index[5], "event"] = pd.Period("2009-01", "M")
    with pytest.raises(ValueError, match="must be the same in all rows of a unit.*unit_001"):
        fit(moved)
    negative = data.copy()
    negative.loc[negative.index[[3, 7]], "count"] = -1
    with pytest.raises(ValueError, match=r"negative or not a number at 2 rows \(4, 8;"):
        fit(negative)
    dated = data.assign(period=data["period"].dt.to_timestamp())
    with pytest.raises(ValueError, match=r"to_period\('M'\)"):
        fit(dated)


# ------------------------------------------------------------------ repeated events


def test_first_clean_events_keeps_each_units_first_clean_event():
    events = pd.DataFrame(
        [
            ("A", 10),
            ("A", 30),  # A: 10 is clean, 30 is its next event
            ("B", 3),
            ("B", 20),  # B: 3 is too early, 20 is clean (3 is its previous event)
            ("D", 2),
            ("D", 8),
            ("D", 12),  # D: 2 too early, 8 and 12 each within 6 periods of another
            ("E", -5),  # E: only before the data: never treated
            ("F", 1),
            ("F", 4),  # F: every event too early
            ("I", 70),  # I: only after the study window: never treated
            ("C", 15),
            ("C", 12),  # C: 12 is clean (rows out of order), 15 its next event
        ],
        columns=["council", "year"],
    )
    clean = first_clean_events(events, unit="council", time="year", pre_window=6, start=0, end=60)
    expected = pd.DataFrame(
        {
            "council": ["A", "B", "C", "D", "E", "F", "I"],
            "event": pd.array([10, 20, 12, None, None, None, None], dtype="Int64"),
            "previous_event": pd.array([None, 3, None, None, None, None, None], dtype="Int64"),
            "next_event": pd.array([30, None, 15, None, None, None, None], dtype="Int64"),
            "n_events": [2, 2, 2, 3, 0, 2, 0],
            "status": [
                "treated",
                "treated",
                "treated",
                "dropped",
                "never treated",
                "dropped",
                "never treated",
            ],
            "reason": [
                "",
                "",
                "",
                "first event in the first 6 periods of the data, "
                "each later one within 6 periods of another",
                "",
                "every event in the first 6 periods of the data",
                "",
            ],
        }
    )
    pd.testing.assert_frame_equal(clean.table, expected)
    assert (clean.n_treated, clean.n_never_treated, clean.n_dropped) == (3, 2, 2)
    text = clean.summary()
    assert "3 units with such an event (treated), 2 with no event" in text
    assert "Dropped, every event in the first 6 periods of the data: F." in text


def test_join_events_censors_at_the_previous_and_next_events_and_counts_it():
    events = pd.DataFrame(
        {"council": ["A", "A", "B", "B", "D", "D", "E"], "year": [10, 30, 3, 20, 2, 4, -5]}
    )
    clean = first_clean_events(events, unit="council", time="year", pre_window=6, start=0)
    panel = pd.DataFrame(
        [(c, t, 1) for c in ("A", "B", "D", "E", "G") for t in range(60)],
        columns=["council", "year", "reports"],
    )
    out = join_events(panel, clean, unit="council", time="year", event="change")
    kept = out.data.groupby("council")["year"].agg(["min", "max", "size"])
    assert kept.loc["A"].tolist() == [0, 29, 30]  # from its next event (30) on: dropped
    assert kept.loc["B"].tolist() == [4, 59, 56]  # at or before its previous event (3): dropped
    assert "D" not in kept.index  # events but none clean: neither treated nor control
    assert kept.loc["E"].tolist() == [0, 59, 60] and kept.loc["G"].tolist() == [0, 59, 60]
    changes = out.data.groupby("council")["change"].first()
    assert changes.loc["A"] == 10 and changes.loc["B"] == 20
    assert changes[["E", "G"]].isna().all()
    assert (out.n_units, out.n_treated, out.n_never_treated) == (4, 2, 2)
    assert (out.n_units_dropped, out.n_rows_dropped_units) == (1, 60)
    assert (out.n_rows_before_previous, out.n_rows_from_next, out.n_units_censored) == (4, 30, 1)
    assert "30 rows from its next event on (in 1 unit)" in " ".join(out.summary().split())


def test_clean_events_feed_an_event_study_with_monthly_periods(staggered):
    data = staggered.panel
    firsts = data.drop_duplicates("unit").dropna(subset=["event"])[["unit", "event"]]
    again = firsts.assign(event=firsts["event"] + 21)  # a second change 21 months later
    events = pd.concat([firsts, again]).rename(columns={"event": "month"})
    clean = first_clean_events(
        events, unit="unit", time="month", pre_window=12, start=data["period"].min()
    )
    assert clean.n_treated == 140 and clean.n_never_treated == 0
    out = join_events(data.drop(columns="event"), clean, unit="unit", time="period")
    assert out.n_units_censored == 140 and out.n_never_treated == 60
    assert out.n_rows_from_next == int((data["period"] >= data["event"] + 21).sum())
    result = fit(out.data)
    # from quarter 7 on every treated unit is under its next change: censored, no estimate
    effects = result.effects.set_index("event_time")
    assert effects.loc[[7, 8], "n_events"].tolist() == [0, 0]
    assert effects.loc[[7, 8], "estimate"].isna().all()
    assert effects.loc[6, "n_events"] == 140
    assert result.average_post.what == "average effect over quarters 0 to 6"
    assert np.log(result.average_post.estimate) == pytest.approx(
        np.log(effects.loc[0:6, "estimate"]).mean()
    )


# ------------------------------------------------------------------ two groups


def test_compare_effects_of_two_disjoint_groups():
    strong = small_panel(n_units=120, effect_by_event_time=[1.4], heterogeneous_by_cohort=False)
    none = small_panel(n_units=120, effect_by_event_time=[1.0], seed=12)
    second = none.panel.assign(unit="b_" + none.panel["unit"])
    a, b = fit(strong.panel), fit(second)
    ratio = compare_effects(a, b)
    assert ratio.low < 1.4 < ratio.high and ratio.low > 1.2
    assert ratio.log_se == pytest.approx(np.hypot(a.average_post.log_se, b.average_post.log_se))
    assert "ratio of the average effects over quarters 0 to 8" in ratio.summary()
    with pytest.raises(ValueError, match="share 120 units"):
        compare_effects(a, a)


# ------------------------------------------------------------------ words and chart


def test_summary_states_the_numbers_in_effects(iw):
    text = " ".join(iw.summary().split())  # as one line: it wraps at 88 characters
    post = iw.effects[iw.effects["role"] == "post"]
    first, last = post.iloc[0], post.iloc[-1]
    assert (
        f"Quarter 0: {first.estimate:.2f} ({first.low:.2f} to {first.high:.2f}); "
        f"quarter 8: {last.estimate:.2f} ({last.low:.2f} to {last.high:.2f})." in text
    )
    avg = iw.average_post
    assert (
        f"Average effect over quarters 0 to 8: rate ratio {avg.estimate:.2f} "
        f"(95% interval {avg.low:.2f} to {avg.high:.2f})" in text
    )
    assert f"Units: {iw.n_events} with an event in 5 cohorts, 60 never treated" in text
    assert f"p = {iw.pretrend_p:.3f}" in text and f"{iw.pretrend_chi2:.1f} on 3 df" in text
    leads = iw.effects[iw.effects["role"] == "lead"]["estimate"]
    assert f"range from {leads.min():.2f} to {leads.max():.2f}" in text
    assert "relative to quarter -1" in text


def test_plot_data_is_tidy_with_settings(iw):
    data = iw.get_plot_data()
    assert list(data.columns) == [
        "event_time",
        "role",
        "estimate",
        "low",
        "high",
        "n_events",
        "n_cohorts",
        "binned_endpoint",
        "estimator",
        "bin",
        "bin_label",
        "bin_singular",
    ]
    assert len(data) == 13 and (data["bin"] == 3).all()


def test_event_study_chart_structure(iw, naive, staggered):
    def by_gid(ax, gid):
        return ax.findobj(lambda a: a.get_gid() == gid)

    ax = plot_event_study(event_study_data(iw), event_label="the change in control")
    (points,) = by_gid(ax, GID_EVENT_POINTS)
    np.testing.assert_array_equal(points.get_xdata(), [-4, -3, -2, *range(9)])
    np.testing.assert_allclose(points.get_ydata(), iw.effects["estimate"].drop(index=3))
    (bars,) = by_gid(ax, GID_EVENT_INTERVALS)
    assert len(bars.get_segments()) == 12
    (reference,) = by_gid(ax, GID_EVENT_REFERENCE)
    assert list(reference.get_xdata()) == [-1] and list(reference.get_ydata()) == [1]
    (one,) = by_gid(ax, GID_EVENT_NO_EFFECT)
    assert list(one.get_ydata()) == [1, 1]
    (event,) = by_gid(ax, GID_EVENT_LINE)
    assert list(event.get_xdata()) == [-0.5, -0.5]
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "Quarters since the change in control"
    assert ax.get_ylabel() == "Rate ratio (log scale)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "1" in labels and ax.get_legend() is None
    assert ax.get_title(loc="left") == ""  # no title unless one is given

    both = plot_event_study(
        event_study_data({"robust": iw, "naive": naive}), truth=staggered.truth_by_event_time
    )
    assert len(by_gid(both, GID_EVENT_POINTS)) == 2 and len(by_gid(both, GID_EVENT_TRUTH)) == 1
    legend = [t.get_text() for t in both.get_legend().get_texts()]
    assert legend == ["robust", "naive", "Planted effect"]
    robust, pooled = by_gid(both, GID_EVENT_POINTS)
    assert robust.get_xdata()[0] == pytest.approx(-4.12) and pooled.get_xdata()[0] == -3.88
    low, high = both.get_ylim()
    assert low < naive.effects["low"].min() and high > iw.effects["high"].max()
    assert re.match(r"Quarters since the event", both.get_xlabel())

    titled = plot_event_study(event_study_data(iw), title="Reports rose after the change")
    assert titled.get_title(loc="left") == "Reports rose after the change"


def test_event_panel_is_determined_by_its_seed_and_keeps_its_truth():
    a = small_panel(n_units=30, n_periods=60, cohorts=(28, 40), seed=2)
    b = small_panel(n_units=30, n_periods=60, cohorts=(28, 40), seed=2)
    pd.testing.assert_frame_equal(a.panel, b.panel)
    other = small_panel(n_units=30, n_periods=60, cohorts=(28, 40), seed=3)
    assert not a.panel["count"].equals(other.panel["count"])
    truth = a.truth_by_event_time.set_index("event_time")
    assert (truth.loc[-4:-1, "rate_ratio"] == 1).all()
    # cohort 40 (May 2011) is seen for quarters up to 6 only in 60 months: bins 7-8 hold one
    assert truth.loc[6, "n_cohorts"] == 2 and truth.loc[8, "n_cohorts"] == 1
    assert truth.loc[8, "rate_ratio"] == pytest.approx(
        a.truth.query("event_time == 8 and n_units > 0")["rate_ratio"].iloc[0]
    )
    with pytest.raises(ValueError, match="positive rate ratio"):
        event_panel(effect_by_event_time=lambda b: b - 5)

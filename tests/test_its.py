"""Interrupted time series: planted effects recovered, interval coverage, inputs refused
with the fix, the placebo check, and the generator's truth."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from coprod import politics, synth, timeseries
from coprod.io.result import InputError
from coprod.timeseries.its import (
    MIN_MONTHS_EACH_SIDE,
    ITSResult,
    PlaceboResult,
    interrupted_time_series,
    placebo_check,
)
from coprod.timeseries.periods import fill_zero_counts

CHANGE = pd.Timestamp("2016-01-01")  # month 48 of its_series' default 96 from 2012-01


def fit(data: pd.DataFrame, **kwargs) -> ITSResult:
    kwargs.setdefault("change_date", CHANGE)
    return interrupted_time_series(data, date="date", value="count", **kwargs)


def test_public_names():
    assert politics.interrupted_time_series is interrupted_time_series
    assert timeseries.interrupted_time_series is interrupted_time_series
    assert politics.placebo_check is placebo_check
    assert timeseries.placebo_check is placebo_check


# ----------------------------------------------------------------------- the generator


def test_its_series_plants_the_truth_in_its_columns():
    data = synth.its_series(level_ratio=1.3, slope_ratio=1.2, seed=5)
    assert list(data.columns) == ["date", "count", "expected", "counterfactual", "after"]
    assert len(data) == 96
    assert data["date"].iloc[0] == pd.Timestamp("2012-01-01")
    assert data["date"].iloc[48] == CHANGE
    assert data["after"].sum() == 48 and not data["after"].iloc[47] and data["after"].iloc[48]
    ratio = data["expected"] / data["counterfactual"]
    assert np.allclose(ratio[:48], 1.0)
    years_after = np.arange(48) / 12
    assert np.allclose(ratio[48:], 1.3 * 1.2**years_after)
    # counts are Poisson around the expected counts: mean and variance agree
    assert data["count"].dtype == np.int64
    assert synth.its_series(seed=5).equals(synth.its_series(seed=5))
    assert not synth.its_series(seed=5).equals(synth.its_series(seed=6))


def test_its_series_trend_season_exposure_and_arguments():
    flat = synth.its_series(level_ratio=1.0, trend=1.0, seasonal_amplitude=0.0, seed=1)
    assert np.allclose(flat["expected"], 50.0)
    grows = synth.its_series(level_ratio=1.0, trend=1.21, seasonal_amplitude=0.0, seed=1)
    assert np.isclose(grows["expected"].iloc[24] / grows["expected"].iloc[0], 1.21**2)
    season = synth.its_series(level_ratio=1.0, trend=1.0, seed=1)
    assert season["expected"].idxmax() % 12 == 1  # February peaks
    exposure = np.linspace(1_000, 2_000, 96)
    rates = synth.its_series(base_rate=0.05, exposure=exposure, seed=1)
    assert np.allclose(rates["exposure"], exposure)
    assert np.allclose(
        rates["counterfactual"] / exposure, synth.its_series(base_rate=0.05)["counterfactual"]
    )
    for bad, message in [
        ({"change_month": 0}, "change_month"),
        ({"n_months": 1}, "n_months"),
        ({"level_ratio": 0}, "level_ratio"),
        ({"dispersion": -1}, "dispersion"),
        ({"autocorrelation": 1.0}, "autocorrelation"),
        ({"exposure": [1.0, 2.0]}, "exposure"),
        ({"start": "soon"}, "start"),
    ]:
        with pytest.raises(ValueError, match=message):
            synth.its_series(**bad)


def test_its_series_overdispersion_and_autocorrelation_are_planted():
    flat = {"level_ratio": 1.0, "trend": 1.0, "seasonal_amplitude": 0.0, "n_months": 2_400}
    nb = synth.its_series(dispersion=0.1, seed=2, **flat)["count"]
    assert 0.08 < (nb.var() - nb.mean()) / nb.mean() ** 2 < 0.12  # Var = mu + 0.1 mu^2
    ar = synth.its_series(autocorrelation=0.6, noise_sd=0.3, seed=2, **flat)["count"]
    log_rate = np.log(ar + 0.5)
    lag1 = np.corrcoef(log_rate[1:], log_rate[:-1])[0, 1]
    assert 0.4 < lag1 < 0.6  # 0.6 on the latent rate, diluted by Poisson noise
    plain = synth.its_series(seed=2, **flat)["count"]
    assert abs(np.corrcoef(plain[1:], plain[:-1])[0, 1]) < 0.06


# ----------------------------------------------------------------------- coverage

# Each case: 200 seeded series, the level's 95% interval must hold the planted ratio in
# 90-99% of them (benchmarks/bench_its_coverage.py measures 94-97% with 500 runs).
COVERAGE_CASES = {
    "poisson, level change 1.3": {"level_ratio": 1.3},
    "poisson, no change": {"level_ratio": 1.0},
    "overdispersed, no change": {"level_ratio": 1.0, "dispersion": 0.1},
    "autocorrelated, no change": {"level_ratio": 1.0, "autocorrelation": 0.6, "noise_sd": 0.3},
}


@pytest.mark.parametrize("case", list(COVERAGE_CASES), ids=list(COVERAGE_CASES))
def test_level_interval_holds_the_truth_in_90_to_99_percent_of_runs(case):
    planted = COVERAGE_CASES[case]
    truth = planted["level_ratio"]
    held, logs = 0, []
    for seed in range(200):
        level = fit(synth.its_series(seed=10_000 + seed, **planted)).effects.loc["level"]
        held += bool(level.low <= truth <= level.high)
        logs.append(np.log(level.estimate))
    assert 0.90 <= held / 200 <= 0.99, f"{case}: {held} of 200"
    # and the estimate is centred on the truth (no bias beyond Monte Carlo error)
    assert abs(np.mean(logs) - np.log(truth)) < 3 * np.std(logs) / np.sqrt(200)


def test_newey_west_intervals_are_too_narrow_under_autocorrelation():
    # why errors="ar1" is the default: the same autocorrelated series, both intervals
    planted = COVERAGE_CASES["autocorrelated, no change"]
    held = {"ar1": 0, "hac": 0}
    for seed in range(100):
        data = synth.its_series(seed=20_000 + seed, **planted)
        for errors in held:
            level = fit(data, errors=errors).effects.loc["level"]
            held[errors] += bool(level.low <= 1 <= level.high)
    assert held["hac"] < 88 < held["ar1"]


# ----------------------------------------------------------------------- estimates


def test_planted_level_and_slope_changes_are_recovered():
    levels, slopes = [], []
    for seed in range(40):
        data = synth.its_series(
            level_ratio=0.8, slope_ratio=1.25, seed=seed, n_months=120, change_month=60
        )
        result = fit(data, change_date="2017-01")
        levels.append(np.log(result.effects.loc["level", "estimate"]))
        slopes.append(np.log(result.effects.loc["slope", "estimate"]))
    assert np.exp(np.mean(levels)) == pytest.approx(0.8, abs=0.03)
    assert np.exp(np.mean(slopes)) == pytest.approx(1.25, abs=0.03)
    one = fit(
        synth.its_series(level_ratio=0.8, slope_ratio=1.25, seed=1, n_months=120, change_month=60),
        change_date="2017-01",
    )
    slope = one.effects.loc["slope"]
    assert slope.low > 1.0  # a clear change in trend, named so in the summary
    assert "a change in trend" in " ".join(one.summary().split())
    assert one.trend_before == pytest.approx(1.05, abs=0.05)


def test_result_fields_and_plot_data():
    data = synth.its_series(seed=3)
    result = fit(data)
    assert list(result.effects.index) == ["level", "slope"]
    assert list(result.effects.columns) == ["estimate", "low", "high"]
    assert (result.effects["low"] < result.effects["estimate"]).all()
    assert (result.effects["estimate"] < result.effects["high"]).all()
    assert (result.family, result.errors, result.seasonality) == ("poisson", "ar1", 2)
    assert (result.n_before, result.n_after, result.change_date) == (48, 48, CHANGE)
    assert result.df_resid == 96 - 8 and 6 <= result.df_level <= 88
    assert result.maxlags is None and result.slope_per == "year"
    assert result.overdispersion >= 1 and 0 <= result.autocorrelation < 1
    plot = result.get_plot_data()
    assert list(plot.columns) == [
        "date",
        "observed",
        "fitted",
        "counterfactual",
        "counterfactual_low",
        "counterfactual_high",
        "after",
        "value",
        "change_date",
    ]
    assert plot["observed"].tolist() == data["count"].tolist()
    before = ~plot["after"]
    assert np.allclose(plot.loc[before, "fitted"], plot.loc[before, "counterfactual"])
    after = plot["after"]
    ratio = plot.loc[after, "fitted"] / plot.loc[after, "counterfactual"]
    level, slope = result.effects["estimate"]
    assert np.allclose(ratio, level * slope ** (np.arange(48) / 12))
    assert (plot["counterfactual_low"] < plot["counterfactual"]).all()
    assert (plot["counterfactual"] < plot["counterfactual_high"]).all()
    # the fitted counts add up to the observed (Poisson score equations with an intercept)
    assert plot["fitted"].sum() == pytest.approx(plot["observed"].sum())
    hac = fit(data, errors="hac")
    assert hac.maxlags == 3 and hac.autocorrelation is None  # floor(4 (96/100)^(2/9))
    assert fit(data, errors="hac", maxlags=6).maxlags == 6


def test_summary_states_the_numbers_of_effects():
    result = fit(synth.its_series(seed=4))
    text = " ".join(result.summary().split())  # as one line: it wraps at 88 characters
    for effect in ("level", "slope"):
        row = result.effects.loc[effect]
        assert f"{row.estimate:.2f} " in text
        assert f"95% interval {row.low:.2f} to {row.high:.2f}" in text
    assert text.startswith("From 2016-01, 'count' ran at ")
    assert "48 months before 2016-01 and 48 from it" in text
    assert "per year" in text
    assert result.trend_before_low < result.trend_before < result.trend_before_high
    assert (
        f"the trend was a factor of {result.trend_before:.2f} a year, 95% interval "
        f"{result.trend_before_low:.2f} to {result.trend_before_high:.2f}"
    ) in text
    level = result.effects.loc["level"]
    assert ("a change in level" in text) == (level.low > 1 or level.high < 1)
    null = fit(synth.its_series(level_ratio=1.0, seed=4))
    assert "the interval includes 1, so no clear change in level" in null.summary()


def test_exposure_turns_counts_into_rates():
    # residents jump by half at the change; reports per resident do not change
    residents = np.where(np.arange(96) < 48, 10_000.0, 15_000.0)
    data = synth.its_series(level_ratio=1.0, base_rate=0.005, exposure=residents, seed=8)
    counts = fit(data)
    rates = fit(data, exposure="exposure")
    assert counts.effects.loc["level", "low"] > 1.25  # the counts rose with the residents
    level = rates.effects.loc["level"]
    assert level.low <= 1.0 <= level.high
    assert level.estimate == pytest.approx(1.0, abs=0.12)
    assert rates.exposure == "exposure"
    assert "'count' per unit of 'exposure'" in rates.summary()
    # the plot data are counts: the counterfactual follows the residents' jump (x 1.5)
    plot = rates.get_plot_data()
    jump = plot["counterfactual"].iloc[48] / plot["counterfactual"].iloc[47]
    truth = data["counterfactual"].iloc[48] / data["counterfactual"].iloc[47]
    assert jump == pytest.approx(truth, rel=0.05)
    assert truth > 1.4
    with pytest.raises(InputError, match="exposure 0 or below"):
        fit(data.assign(exposure=np.where(np.arange(96) == 5, 0.0, residents)), exposure="exposure")


def test_negative_binomial_family():
    data = synth.its_series(dispersion=0.1, seed=6)
    result = fit(data, family="negative_binomial")
    assert result.family == "negative_binomial"
    assert 0.04 < result.alpha < 0.2
    assert "negative binomial (alpha" in result.summary()
    level = result.effects.loc["level"]
    assert level.low <= 1.3 <= level.high
    # counts no more variable than Poisson: the dispersion goes to its bound, no error
    assert fit(synth.its_series(seed=1), family="negative_binomial").alpha < 1e-3


def test_seasonality_options():
    data = synth.its_series(seed=7)
    dummies = fit(data, seasonality=6)
    assert dummies.seasonality == 6 and dummies.df_resid == 96 - 15
    none = fit(data, seasonality=False)
    assert none.seasonality == 0 and "no seasonality" in none.summary()
    # month dummies and two harmonics agree on a series whose season is a sine curve
    assert dummies.effects.loc["level", "estimate"] == pytest.approx(
        fit(data).effects.loc["level", "estimate"], rel=0.03
    )
    with pytest.raises(ValueError, match="seasonality must be"):
        fit(data, seasonality=7)
    with pytest.raises(ValueError, match="family must be one of"):
        fit(data, family="gaussian")
    with pytest.raises(ValueError, match="errors must be one of"):
        fit(data, errors="hc3")


# ----------------------------------------------------------------------- inputs


def test_dates_as_text_periods_and_datetimes_give_the_same_fit():
    data = synth.its_series(seed=9)
    reference = fit(data).effects
    as_iso = data.assign(date=data["date"].dt.strftime("%Y-%m-%d"))
    as_uk = data.assign(date=data["date"].dt.strftime("%d/%m/%Y"))
    as_month = data.assign(date=data["date"].dt.strftime("%Y-%m"))
    as_period = data.assign(date=data["date"].dt.to_period("M"))
    mid_month = data.assign(date=data["date"] + pd.Timedelta(days=14))
    shuffled = data.sample(frac=1.0, random_state=1)
    for frame, change in [
        (as_iso, "2016-01-01"),
        (as_uk, "01/01/2016"),
        (as_month, "2016-01"),
        (as_period, pd.Period("2016-01", "M")),
        (mid_month, "2016-01-20"),
        (shuffled, CHANGE),
    ]:
        pd.testing.assert_frame_equal(fit(frame, change_date=change).effects, reference)


def test_missing_months_are_refused_naming_the_fix():
    data = synth.its_series(seed=1)
    gappy = data.drop(index=[10, 11, 30]).assign(council="Northbridge")
    with pytest.raises(InputError) as info:
        fit(gappy)
    message = str(info.value)
    assert "3 months between 2012-01 and 2019-12 have no row (2012-11, 2012-12, 2014-07)" in message
    assert "fill_zero_counts(data, by='council', period='date', value='count')" in message
    # the fix works: zero rows added, the model runs
    filled = fill_zero_counts(gappy, by="council", period="date", value="count")
    assert len(filled) == 96 and filled["count"].iloc[10] == 0
    fit(filled)
    # a frame with only the date and the count is told how to add a key column
    with pytest.raises(InputError, match=re.escape('data.assign(series="all"), by="series"')):
        fit(gappy[["date", "count"]])


def test_other_bad_inputs_name_row_column_and_fix():
    data = synth.its_series(seed=1)
    with pytest.raises(InputError, match=r"2 rows sharing a month .*2012-01.*one row per month"):
        fit(pd.concat([data.iloc[:1], data]))
    with pytest.raises(InputError, match=r"column 'count'.*negative or fractional counts at 6"):
        fit(data.assign(count=data["count"].where(data.index != 5, -1)))
    with pytest.raises(InputError, match=r"missing, negative or fractional counts at 3 .*1-based"):
        fit(data.assign(count=data["count"].astype(float).where(data.index != 2, 2.5)))
    with pytest.raises(InputError, match=r"column 'date'.*not dates"):
        fit(data.assign(date="someday"))
    with pytest.raises(KeyError, match=r"data has no column 'reports'; its columns are"):
        interrupted_time_series(data, date="date", value="reports", change_date=CHANGE)
    with pytest.raises(InputError, match="every month's count is 0"):
        fit(data.assign(count=0))


def test_too_few_months_on_a_side_says_how_many_are_needed():
    data = synth.its_series(seed=1)
    with pytest.raises(InputError) as info:
        fit(data, change_date="2012-07")
    message = str(info.value)
    assert "change_date 2012-07 leaves 6 months before it and 90 from it on" in message
    assert f"at least {MIN_MONTHS_EACH_SIDE} on each side" in message
    assert "choose a change_date from 2013-01 to 2019-01" in message
    with pytest.raises(InputError, match="leaves 96 months before it and 0 from it on"):
        fit(data, change_date="2020-01")
    # exactly 12 on each side is enough; 20 months in all is not
    fit(data.iloc[:24], change_date="2013-01")
    with pytest.raises(InputError, match="use one of at least 24 months"):
        fit(data.iloc[:20], change_date="2012-11")
    with pytest.raises(InputError, match="at least 12 months more than coefficients"):
        fit(data.iloc[:24], change_date="2013-01", seasonality=6)


# ----------------------------------------------------------------------- placebo check


def test_placebo_dates_default_to_every_month_leaving_a_year_each_side():
    data = synth.its_series(seed=11)
    result = placebo_check(data, date="date", value="count", change_date=CHANGE)
    assert isinstance(result, PlaceboResult)
    expected = pd.date_range("2013-01-01", "2015-01-01", freq="MS")  # 12 months each side of 48
    assert result.table["placebo_date"].tolist() == list(expected)
    assert list(result.table.columns) == ["placebo_date", "estimate", "low", "high", "excludes_one"]
    assert result.n_months == 48 and result.effect == "level"
    assert result.n_excluding == int(result.table["excludes_one"].sum())
    assert result.share_excluding == pytest.approx(result.n_excluding / 25)
    real = fit(data).effects.loc["level"]
    assert result.actual.loc[0, "estimate"] == pytest.approx(real.estimate)
    # only data before the change is used: what happens after it changes nothing
    wild = data.assign(count=np.where(data["after"], data["count"] * 7, data["count"]))
    again = placebo_check(wild, date="date", value="count", change_date=CHANGE)
    pd.testing.assert_frame_equal(again.table, result.table)
    text = result.summary()
    assert text.startswith(f"{result.n_excluding} of 25 placebo dates ")
    assert "about 5% expected by chance" in text
    assert f"{real.estimate:.2f} (95% interval {real.low:.2f} to {real.high:.2f})" in text
    plot = result.get_plot_data()
    assert plot["kind"].tolist() == ["placebo"] * 25 + ["actual"]
    assert plot["date"].iloc[-1] == CHANGE


def test_placebo_dates_given_and_refused():
    data = synth.its_series(seed=11)
    result = placebo_check(
        data,
        date="date",
        value="count",
        change_date=CHANGE,
        placebo_dates=["2013-06", "2014-02-01"],
        effect="slope",
    )
    assert result.table["placebo_date"].tolist() == [
        pd.Timestamp("2013-06-01"),
        pd.Timestamp("2014-02-01"),
    ]
    assert result.effect == "slope" and "trend (ratio per year)" in result.summary()
    with pytest.raises(InputError, match="placebo date 2015-06 leaves 41 months before it and 7"):
        placebo_check(
            data, date="date", value="count", change_date=CHANGE, placebo_dates=["2015-06"]
        )
    with pytest.raises(InputError, match="needs at least 24 months before the change"):
        placebo_check(data, date="date", value="count", change_date="2013-08")
    with pytest.raises(ValueError, match="effect must be"):
        placebo_check(data, date="date", value="count", change_date=CHANGE, effect="trend")


def test_placebo_share_is_near_five_percent_on_series_with_no_change():
    n, excluding = 0, 0
    for seed in range(40):
        data = synth.its_series(level_ratio=1.0, seed=30_000 + seed)
        dates = list(data["date"].iloc[12:37:3])  # 9 of the 25 possible dates, for time
        result = placebo_check(
            data, date="date", value="count", change_date=CHANGE, placebo_dates=dates
        )
        n += len(result.table)
        excluding += result.n_excluding
    assert n == 360
    assert 0.01 <= excluding / n <= 0.10

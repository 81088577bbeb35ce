"""g and t charts (rare events), Laney's p' and u', and the overdispersion check.

Limits equal hand-computed values on small inputs and the peers' own expected values,
case by case, with the peer file cited beside each test (tests/fixtures/peers/README.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod.synth import make_overdispersed_counts
from coprod.timeseries.rare_events import between_events
from coprod.timeseries.spc import overdispersion, spc, spc_summary

PEERS = Path(__file__).parent / "fixtures" / "peers"
LINES = ["centre", "lower", "upper", "lower_2sigma", "upper_2sigma"]


def events(values) -> pd.DataFrame:
    """One row per event, numbered from 1, as a g or t chart takes them."""
    return pd.DataFrame({"event": np.arange(1, len(values) + 1), "y": np.asarray(values, float)})


def monthly(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"period": pd.date_range("2024-01-01", periods=n, freq="MS"), **columns})


def lines(result: pd.DataFrame, row: int = 0) -> list[float]:
    return result[LINES].iloc[row].tolist()


# ------------------------------------------------------------------ hand-computed


def test_g_chart_limits_from_the_mean_median_drawn():
    # cases between events [2, 10, 4, 0, 9]: mean 5, sigma sqrt(5 * 6) = sqrt(30) = 5.4772
    # upper 5 + 3 sqrt(30) = 21.432, 2-sigma 5 + 2 sqrt(30) = 15.954; lower lines 0
    # (5 - 2 sqrt(30) < 0); the centre drawn is the median, 4
    result = spc(events([2, 10, 4, 0, 9]), value="y", period="event", chart="g")
    s30 = math.sqrt(30)
    assert lines(result) == pytest.approx([4.0, 0.0, 5 + 3 * s30, 0.0, 5 + 2 * s30])
    assert (result[LINES].nunique() == 1).all()
    assert set(result["higher_is_better"]) == {True}  # gaps between bad events: longer is better
    assert set(result["chart"]) == {"g"} and "moving_range" not in result


def test_t_chart_is_an_individuals_chart_of_the_transformed_times():
    # times whose 1/3.6 powers are [1, 2, 1.5, 2.5]: mean 1.75; moving ranges 1, 0.5, 1,
    # mean 2.5/3; sigma (2.5/3) / 1.128 = 0.73877; lines back-transformed ** 3.6
    moved = [1.0, 2.0, 1.5, 2.5]
    result = spc(events([x**3.6 for x in moved]), value="y", period="event", chart="t")
    sigma = (2.5 / 3) / 1.128
    centre, lower, upper, lower2, upper2 = lines(result)
    assert centre == pytest.approx(1.75**3.6)
    assert upper == pytest.approx((1.75 + 3 * sigma) ** 3.6)
    assert upper2 == pytest.approx((1.75 + 2 * sigma) ** 3.6)
    assert lower2 == pytest.approx((1.75 - 2 * sigma) ** 3.6)  # 0.2725 ** 3.6
    assert lower == 0.0  # 1.75 - 3 sigma < 0 on the transformed scale: 0
    assert result["value"].tolist() == pytest.approx([x**3.6 for x in moved])


def test_p_prime_chart_by_hand():
    # 3 of 20, 5 of 25, 2 of 10, 6 of 30, 4 of 15: p-bar 20/100 = 0.2; sigma_i sqrt(.16/n)
    # z = (p_i - 0.2) / sigma_i = -0.5590, 0, 0, 0, 0.6455; moving ranges 0.5590, 0, 0,
    # 0.6455, mean 0.30113; sigma_z 0.30113 / 1.128 = 0.26696 (the p chart's limits narrowed)
    closed = np.array([20.0, 25, 10, 30, 15])
    frame = monthly(upheld=[3.0, 5, 2, 6, 4], closed=closed)
    result = spc(frame, value="upheld", denominator="closed", period="period", chart="pp")
    sd = np.sqrt(0.16 / closed)
    z = (np.array([3, 5, 2, 6, 4]) / closed - 0.2) / sd
    sigma_z = np.abs(np.diff(z)).mean() / 1.128
    assert sigma_z == pytest.approx(0.26696, abs=5e-6)
    np.testing.assert_allclose(result["upper"], 0.2 + 3 * sd * sigma_z)
    np.testing.assert_allclose(result["lower"], 0.2 - 3 * sd * sigma_z)
    np.testing.assert_allclose(result["upper_2sigma"], 0.2 + 2 * sd * sigma_z)
    assert result["proportion"].tolist() == pytest.approx([0.15, 0.2, 0.2, 0.2, 4 / 15])
    assert set(result["measure"]) == {"upheld of closed"}


def test_u_prime_chart_by_hand():
    # counts [5, 14, 3, 18] over [1, 4, 1, 4]: u-bar 40/10 = 4; sigma_i sqrt(4/n) = 2, 1, 2, 1
    # rates 5, 3.5, 3, 4.5 -> z 0.5, -0.5, -0.5, 0.5; moving ranges 1, 0, 1: sigma_z (2/3)/1.128
    frame = monthly(count=[5.0, 14, 3, 18], exposure=[1.0, 4, 1, 4])
    result = spc(frame, value="count", denominator="exposure", period="period", chart="up")
    sigma_z = (2 / 3) / 1.128
    sd = np.array([2.0, 1, 2, 1])
    np.testing.assert_allclose(result["upper"], 4 + 3 * sd * sigma_z)  # 7.5461, 5.7730
    np.testing.assert_allclose(result["lower"], 4 - 3 * sd * sigma_z)  # 0.4539, 2.2270
    assert result["upper"].iloc[0] == pytest.approx(7.5461, abs=5e-5)
    assert result["rate"].tolist() == [5.0, 3.5, 3.0, 4.5]


def test_p_prime_limits_are_floored_and_capped():
    frame = monthly(upheld=[1.0, 9, 2, 8, 1, 9], closed=[10.0] * 6)
    result = spc(frame, value="upheld", denominator="closed", period="period", chart="pp")
    assert (result["lower"] == 0).all() and (result["upper"] == 1).all()
    every = spc(
        monthly(upheld=[0.0] * 4, closed=[10.0] * 4),
        value="upheld",
        denominator="closed",
        period="period",
        chart="pp",
    )
    assert lines(every) == [0.0] * 5 and not every["special_cause"].any()


# --------------------------------------------------------------- peers' fixtures


def test_g_chart_equals_powerbi_spc():
    # AUS-DOH-Safety-and-Quality/PowerBI-SPC @478773a, test/Chart Types/g.test.ts (to 2 dp)
    numerators = [23, 39, 15, 34, 1, 49, 98, 29, 27, 13, 45, 7, 10, 27, 24, 14, 20, 38, 44]
    numerators += [11, 10, 3, 113, 183, 3, 47, 18, 18, 33, 15, 2, 38, 27, 27, 1, 52, 23, 7]
    numerators += [26, 82, 5, 49, 5, 17, 24, 44, 26, 2, 27, 46, 55, 97, 22, 22, 20, 4, 60]
    numerators += [51, 7, 21, 66, 36, 25, 72, 15, 5, 3]
    result = spc(events(numerators), value="y", period="event", chart="g")
    assert result["upper"].round(2).unique().tolist() == [128.17]
    assert result["upper_2sigma"].round(2).unique().tolist() == [96.01]
    assert set(result["lower"]) == {0.0} and set(result["lower_2sigma"]) == {0.0}
    # g.ts draws the median as the centre (its `targets`)
    assert set(result["centre"]) == {float(np.median(numerators))}


# PowerBI-SPC's t.test.ts data (days between events), shared by the two t-chart tests
POWERBI_T = [16, 20, 5, 13, 1, 26, 46, 12, 12, 5, 19, 4, 3, 15, 14, 9, 8, 15, 21, 6, 3, 1, 56]
POWERBI_T += [117, 1, 33, 9, 9, 19, 12, 1, 16, 13, 18, 1, 35, 16, 5, 21, 38, 3, 25, 3, 11, 13]
POWERBI_T += [20, 9, 3, 8, 21, 24, 38, 8, 13, 9, 1, 30, 23, 3, 7, 22, 19, 11, 31, 6, 1, 1]


def test_t_chart_equals_powerbi_spc_with_screened_moving_ranges():
    # PowerBI-SPC @478773a, test/Chart Types/t.test.ts: outliers_in_limits = false, so the
    # moving ranges of 3.267 x their mean or more are screened (screen_outliers=True here)
    result = spc(events(POWERBI_T), value="y", period="event", chart="t", screen_outliers=True)
    _, lower, upper, lower2, upper2 = lines(result)
    assert upper == pytest.approx(97.268, abs=5e-3)
    assert upper2 == pytest.approx(54.0812, abs=5e-3)
    assert lower2 == pytest.approx(0.6402, abs=5e-3)
    assert lower == pytest.approx(0.0221, abs=5e-3)
    assert set(result["screen_outliers"]) == {True}
    plain = spc(events(POWERBI_T), value="y", period="event", chart="t")
    assert plain["upper"].iloc[0] > upper  # the freak ranges widen the limits unscreened


def test_t_chart_equals_qicharts2_montgomery_example_7_6():
    # anhoej/qicharts2 @1b9487e, tests/testthat/ex_7.6_1.rds: qic(failure, hours,
    # data = tbl_07.14, chart = 't'); its columns extracted to the CSV (README.md there)
    peer = pd.read_csv(PEERS / "qicharts2_ex_7.6_1_t_chart.csv")
    result = spc(peer, value="hours", period="failure", chart="t")
    np.testing.assert_allclose(result["centre"], peer["cl"], rtol=1e-9)
    np.testing.assert_allclose(result["upper"], peer["ucl"], rtol=1e-9)
    np.testing.assert_allclose(result["lower"], peer["lcl"], atol=1e-12)
    assert not result["rule_outside"].any() and not peer["runs_signal"].any()


# PowerBI-SPC's pprime.test.ts and uprime.test.ts data: 20 proportions near 95%
POWERBI_NUM = [266501, 264225, 276532, 281461, 269071, 261215, 270409, 279778, 270483, 270320]
POWERBI_NUM += [267923, 271478, 255353, 256820, 261835, 259144, 255910, 260863, 264465, 260989]
POWERBI_DEN = [280443, 276823, 291681, 296155, 282343, 275888, 283867, 295251, 284468, 282529]
POWERBI_DEN += [279618, 283932, 266629, 268091, 276803, 271578, 266005, 273520, 278574, 273772]


@pytest.mark.parametrize("screen", [True, False])
def test_p_prime_chart_equals_powerbi_spc(screen):
    # PowerBI-SPC @478773a, test/Chart Types/pprime.test.ts (percentages, to 4 dp); its
    # default screens moving ranges (none is that large here, so both settings agree)
    frame = monthly(y=POWERBI_NUM, n=POWERBI_DEN)
    result = spc(
        frame, value="y", denominator="n", period="period", chart="pp", screen_outliers=screen
    )
    ul99 = [96.567, 96.5753, 96.5421, 96.5326, 96.5627, 96.5775, 96.5593, 96.5345, 96.5579]
    ul99 += [96.5623, 96.5689, 96.5591, 96.5996, 96.5961, 96.5753, 96.5877, 96.6012, 96.583]
    ul99 += [96.5713, 96.5824]
    ll95 = [94.4386, 94.4331, 94.4552, 94.4615, 94.4415, 94.4316, 94.4438, 94.4603, 94.4447]
    ll95 += [94.4418, 94.4374, 94.4439, 94.4169, 94.4192, 94.4331, 94.4248, 94.4158, 94.4279]
    ll95 += [94.4358, 94.4283]
    np.testing.assert_allclose(result["upper"] * 100, ul99, atol=5e-5)
    np.testing.assert_allclose(result["lower_2sigma"] * 100, ll95, atol=5e-5)
    assert result["lower"].iloc[0] * 100 == pytest.approx(94.013, abs=5e-5)
    assert result["upper_2sigma"].iloc[0] * 100 == pytest.approx(96.1413, abs=5e-5)


def test_u_prime_chart_equals_powerbi_spc():
    # PowerBI-SPC @478773a, test/Chart Types/uprime.test.ts (to 4 dp)
    frame = monthly(y=POWERBI_NUM, n=POWERBI_DEN)
    result = spc(frame, value="y", denominator="n", period="period", chart="up")
    ul99 = [0.9657, 0.9658, 0.9654, 0.9653, 0.9656, 0.9658, 0.9656, 0.9653, 0.9656, 0.9656]
    ul99 += [0.9657, 0.9656, 0.966, 0.966, 0.9658, 0.9659, 0.966, 0.9658, 0.9657, 0.9658]
    ll99 = [0.9401, 0.940, 0.9404, 0.9405, 0.9402, 0.94, 0.9402, 0.9405, 0.9402, 0.9402]
    ll99 += [0.9401, 0.9402, 0.9398, 0.9398, 0.94, 0.9399, 0.9398, 0.94, 0.9401, 0.94]
    np.testing.assert_allclose(result["upper"], ul99, atol=5e-5)
    np.testing.assert_allclose(result["lower"], ll99, atol=5e-5)


# ------------------------------------------------------------------- settings


def test_direction_of_g_and_t_charts_and_the_refusals():
    gaps = events([5, 9, 2, 14, 6, 8, 3])
    assert set(spc(gaps, value="y", period="event", chart="t")["higher_is_better"]) == {True}
    good = spc(gaps, value="y", period="event", chart="g", higher_is_better=False)
    assert set(good["higher_is_better"]) == {False}  # events that are good: compliments
    assert set(spc(gaps, value="y", period="event")["higher_is_better"]) == {False}
    with pytest.raises(ValueError, match="must not be negative .* are the events in date order"):
        spc(events([3, -1, 4]), value="y", period="event", chart="t")
    with pytest.raises(ValueError, match="counts in 'y' must not be negative"):
        spc(events([3, -1, 4]), value="y", period="event", chart="g")
    with pytest.raises(ValueError, match="a p′ chart needs denominator="):
        spc(monthly(y=[1.0, 2, 3]), value="y", period="period", chart="pp")
    with pytest.raises(ValueError, match="a u′ chart needs denominator="):
        spc(monthly(y=[1.0, 2, 3]), value="y", period="period", chart="up")
    with pytest.raises(ValueError, match="a c chart's limits come from its centre alone"):
        spc(monthly(y=[1.0, 2, 3]), value="y", period="period", chart="c", screen_outliers=True)
    with pytest.raises(ValueError, match="a t chart needs at least 2 baseline points, but has 1"):
        spc(events([3, 4, 5]), value="y", period="event", chart="t", baseline=1)


def test_event_dates_are_not_checked_for_missing_months():
    # irregular event dates are the point of a t chart: no "no row for the periods" error
    dates = pd.to_datetime(["2024-01-03", "2024-03-20", "2024-04-02", "2024-09-11"])
    frame = pd.DataFrame({"date": dates, "days": [10.0, 77, 13, 162]})
    result = spc(frame, value="days", period="date", chart="t")
    assert len(result) == 4
    with pytest.raises(ValueError, match="has no row for the period"):
        spc(monthly(y=[1.0, 2, 3, 4]).drop(index=2), value="y", period="period", chart="c")


# ------------------------------------------------------------------ between_events


def test_between_events_counts_days_and_cases():
    log = pd.DataFrame(
        {
            "closed": [
                *("2024-01-02", "2024-01-05", "2024-01-09", "2024-01-09", "2024-01-20"),
                *("2024-01-03", "2024-02-01"),
            ],
            "upheld_finding": [True, False, False, True, True, False, True],
        }
    )
    gaps = between_events(log, date="closed", event="upheld_finding")
    # in date order: 01-02 E, 01-03 ., 01-05 ., 01-09 ., 01-09 E, 01-20 E, 02-01 E
    assert list(gaps.columns) == ["event", "date", "previous", "days", "cases"]
    assert gaps["event"].tolist() == [2, 3, 4]
    assert gaps["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-09",
        "2024-01-20",
        "2024-02-01",
    ]
    assert gaps["days"].tolist() == [7.0, 11.0, 12.0]
    assert gaps["cases"].tolist() == [3, 0, 0]
    every = between_events(log[log["upheld_finding"]], date="closed", by=None)
    assert every["days"].tolist() == [7.0, 11.0, 12.0] and every["cases"].tolist() == [0, 0, 0]


def test_between_events_by_group_and_its_refusals():
    log = pd.DataFrame(
        {
            "service": ["A", "B", "A", "B", "A", "B"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-01", "2024-02-01", "2024-01-31", "2024-02-15"]
            ),
        }
    )
    gaps = between_events(log, date="date", by="service")
    assert gaps[["service", "event", "days"]].values.tolist() == [
        ["A", 2, 0.0],  # two events on one day: 0 days (chart them by event number)
        ["A", 3, 30.0],
        ["B", 2, 31.0],
        ["B", 3, 14.0],
    ]
    with pytest.raises(ValueError, match="1 rows have no 'date' date"):
        between_events(log.assign(date=log["date"].where(log.index != 2)), date="date")
    with pytest.raises(ValueError, match="must be True for an event and False"):
        between_events(log.assign(flag=[1, 0, 1, 0, 1, 0]), date="date", event="flag")
    month_first = pd.DataFrame({"date": ["01/02/2024", "01/13/2024"]})
    assert between_events(month_first, date="date")["days"].tolist() == [11.0]


# ------------------------------------------------------------------ overdispersion


def test_overdispersion_by_hand():
    # counts 10, 30, 10, 30, 10, 30: c-bar 20, sigma sqrt(20); z = -/+ sqrt(5) = 2.2361
    # moving ranges 2 sqrt(5) each -> sigma_z 4.4721 / 1.128 = 3.9646; chi-square 6 * 5 = 30
    # on 5 df (ratio 6); the c chart's limits 20 +/- 13.42 flag none of them
    result = spc(monthly(y=[10.0, 30, 10, 30, 10, 30]), value="y", period="period", chart="c")
    table = overdispersion(result)
    assert list(table.columns) == [
        "segment",
        "chart",
        "n_points",
        "sigma_z",
        "chi_square",
        "df",
        "chi_square_ratio",
        "share_outside",
        "overdispersed",
        "recommended_chart",
        "threshold",
    ]
    row = table.iloc[0]
    assert row["sigma_z"] == pytest.approx(2 * math.sqrt(5) / 1.128)
    assert row["chi_square"] == pytest.approx(30.0) and row["df"] == 5
    assert row["chi_square_ratio"] == pytest.approx(6.0) and row["share_outside"] == 0.0
    assert row["overdispersed"] and row["recommended_chart"] == "xmr"
    words = " ".join(spc_summary(result).split())
    assert (
        "Overdispersed: the counts vary 3.96 times as much from period to period as a c chart "
        "assumes (Laney's sigma_z; 0 of 6 points outside its limits), so its limits are too "
        "narrow and flag common-cause variation: use chart='xmr' (XmR chart) instead."
    ) in words
    calm = spc(monthly(y=[20.0, 22, 19, 21, 18, 20]), value="y", period="period", chart="c")
    assert not overdispersion(calm)["overdispersed"].iloc[0]
    assert "Overdispersed" not in spc_summary(calm)
    assert overdispersion(calm, threshold=0.1)["recommended_chart"].iloc[0] == "xmr"
    with pytest.raises(ValueError, match="an XmR chart estimates its spread from the data"):
        overdispersion(spc(monthly(y=[1.0, 2, 3]), value="y", period="period"))


def test_laney_charts_say_how_much_they_widened_the_limits():
    # the same sigma_z as the p chart's check: the factor the p' chart widens its limits by
    frame = monthly(y=POWERBI_NUM, n=POWERBI_DEN)
    kwargs = {"value": "y", "denominator": "n", "period": "period"}
    p_chart, p_prime = spc(frame, chart="p", **kwargs), spc(frame, chart="pp", **kwargs)
    ratio = overdispersion(p_chart)["sigma_z"].iloc[0]
    assert overdispersion(p_prime)["sigma_z"].iloc[0] == pytest.approx(ratio)
    half_p = (p_chart["upper"] - p_chart["centre"]).to_numpy()
    np.testing.assert_allclose(p_prime["upper"] - p_prime["centre"], half_p * ratio)
    assert overdispersion(p_chart)["recommended_chart"].iloc[0] == "pp"
    text = " ".join(spc_summary(p_prime).split())
    assert f"Laney's sigma_z is {ratio:.1f}: the limits are the p chart's widened" in text


def test_real_report_counts_in_their_hundreds_warn_on_a_c_chart():
    # FixMyStreet reports a month in eight cities (the shipped extract): a c chart flags most
    # months in most of them; the check fires for every city and recommends XmR
    from coprod.datasets import load_dataset
    from coprod.timeseries.periods import fill_zero_counts

    reports = load_dataset("fixmystreet_extract").data
    filled = fill_zero_counts(reports, by="lad", period="period", value=["reports"])
    cities = filled[~filled["lad"].str.startswith("S")]
    c_chart = spc(cities, value="reports", period="period", by="lad", chart="c")
    table = overdispersion(c_chart)
    assert len(table) == 8 and table["overdispersed"].all()
    assert set(table["recommended_chart"]) == {"xmr"}
    assert table["sigma_z"].min() > 1.6 and table["share_outside"].max() > 0.95
    assert spc_summary(c_chart).count("Overdispersed:") == 8


# ------------------------------------------------------------------- simulation

# 250 series of 36 months: 9,000 common-cause points each. At the 3-sigma nominal 0.27%
# about 24 points are beyond the limits; limits estimated from 36 points each add a little.
N_SERIES, N_PERIODS = 250, 36


@pytest.mark.parametrize(
    ("kind", "level", "plain", "laney"),
    [
        ("counts", 1000.0, "c", "xmr"),
        ("rates", 1000.0, "u", "up"),
        ("proportions", 0.3, "p", "pp"),
    ],
)
def test_simulated_overdispersion_false_alarms(kind, level, plain, laney):
    data = make_overdispersed_counts(
        kind=kind, n_series=N_SERIES, n_periods=N_PERIODS, level=level, variation=0.1, seed=12
    )
    kwargs = {"value": "count", "period": "period", "by": "series"}
    if kind != "counts":
        kwargs["denominator"] = "denominator"
    naive = spc(data, chart=plain, **kwargs)
    check = overdispersion(naive)
    # every point is common cause: what the plain chart flags beyond its limits is false alarms
    assert naive["rule_outside"].mean() > 0.15  # 35% for counts and rates, 18% for shares
    assert check["overdispersed"].mean() >= 0.98
    assert set(check.loc[check["overdispersed"], "recommended_chart"]) == {laney}
    better = spc(data, chart=laney, **kwargs)
    assert 0.0010 < better["rule_outside"].mean() < 0.0060  # near the nominal 0.27%


def test_counts_as_the_charts_assume_do_not_warn():
    data = make_overdispersed_counts(
        kind="counts", n_series=100, n_periods=36, level=400.0, variation=0.0, seed=3
    )
    check = overdispersion(spc(data, value="count", period="period", by="series", chart="c"))
    assert check["sigma_z"].mean() == pytest.approx(1.0, abs=0.05)
    assert check["overdispersed"].sum() <= 1  # of 100 Poisson series
    with pytest.raises(ValueError, match="level must be a share between 0 and 1"):
        make_overdispersed_counts(kind="proportions", level=3.0)

"""Tests for coprod.complaints: exact measures on a tiny hand-built log, and the fast path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.complaints import complaint_counts, outcomes, seriousness, severity_shares, timeliness
from coprod.timeseries import periods
from coprod.vocab import OUTCOME_LEVELS, SEVERITY_LEVELS, STAGE_LEVELS

NAN = np.nan


def _dates(values):
    return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")


@pytest.fixture
def log() -> pd.DataFrame:
    """Six complaints about two services in January and March 2024 (none in February)."""
    rows = [
        # service, received, severity, stage, upheld, closed, days_to_close
        ("A", "2024-01-03", "low", "stage 1", "upheld", "2024-01-13", 10),
        ("A", "2024-01-20", "high", "stage 2", "not upheld", "2024-02-29", 40),
        ("A", "2024-03-05", "medium", "ombudsman", "partly upheld", "2024-06-03", 90),
        ("B", "2024-01-31", "medium", "stage 1", None, None, NAN),
        ("B", "2024-03-31", "high", "stage 1", "not upheld", "2024-04-10", 10),
        ("B", "2024-03-01", None, "stage 1", "upheld", "2024-03-21", 20),
    ]
    service, received, severity, stage, upheld, closed, days = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "complaint_id": pd.Series([f"NB-2024-{i:06d}" for i in range(1, 7)], dtype="str"),
            "service": pd.Series(service, dtype="str"),
            "council": pd.Series(["Northbridge"] * 6, dtype="str"),
            "received": _dates(received),
            "category": pd.Series(["delay"] * 6, dtype="str"),
            "severity": pd.Categorical(severity, categories=SEVERITY_LEVELS, ordered=True),
            "stage": pd.Categorical(stage, categories=STAGE_LEVELS, ordered=True),
            "upheld": pd.Categorical(upheld, categories=OUTCOME_LEVELS),
            "closed": _dates(closed),
            "days_to_close": np.array(days, dtype=float),
        }
    )


def _col(frame: pd.DataFrame, column: str) -> list:
    return frame[column].tolist()


def _periods(*values: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(v) for v in values]


# ------------------------------------------------------------------ counts


def test_monthly_counts_zero_filled(log):
    out = complaint_counts(log)
    assert list(out.columns) == ["service", "period", "count"]
    assert _col(out, "service") == ["A"] * 3 + ["B"] * 3
    assert _col(out, "period") == _periods("2024-01-01", "2024-02-01", "2024-03-01") * 2
    assert _col(out, "count") == [2, 0, 1, 1, 0, 2]
    assert out["count"].dtype == np.int64
    assert out["period"].dtype == log["received"].dtype  # same unit as the date column


def test_overall_counts_and_window(log):
    overall = complaint_counts(log, by=None)
    assert list(overall.columns) == ["period", "count"]
    assert _col(overall, "count") == [3, 0, 3]
    window = complaint_counts(log, freq="quarter", start="2023-10-15", end="2024-06-30")
    assert _col(window, "period") == _periods("2023-10-01", "2024-01-01", "2024-04-01") * 2
    assert _col(window, "count") == [0, 3, 0, 0, 3, 0]
    only_feb = complaint_counts(log, start="2024-02-10", end="2024-02-11")
    assert _col(only_feb, "count") == [0, 0]  # groups stay listed with real zeros
    with pytest.raises(ValueError, match="after end"):
        complaint_counts(log, start="2024-03-01", end="2024-01-01")


def test_weekly_counts_start_on_monday(log):
    out = complaint_counts(log, freq="week", by=None)
    assert out["period"].iloc[0] == pd.Timestamp("2024-01-01")  # a Monday
    assert (out["period"].dt.day_of_week == 0).all()
    assert len(out) == 13 and out["count"].sum() == 6
    nonzero = out[out["count"] > 0]
    # 31/03/2024 was a Sunday: it belongs to the week starting Monday 25/03
    assert _col(nonzero, "period") == _periods(
        "2024-01-01", "2024-01-15", "2024-01-29", "2024-02-26", "2024-03-04", "2024-03-25"
    )
    assert (nonzero["count"] == 1).all()


def test_yearly_and_closed_date_counts(log):
    assert _col(complaint_counts(log, freq="year"), "count") == [3, 3]
    closures = complaint_counts(log, by=None, date="closed")  # the open complaint has no date
    assert _col(closures, "period") == _periods(
        "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01"
    )
    assert _col(closures, "count") == [1, 1, 1, 1, 0, 1]


def test_counts_by_two_columns_and_missing_group(log):
    log.loc[5, "service"] = np.nan
    log["council"] = pd.Categorical(["Y", "X", "Y", "X", "X", "X"], categories=["Y", "X", "Z"])
    out = complaint_counts(log, by=["council", "service"], freq="quarter")
    # categorical order kept (Y before X), unused category Z not listed, missing service last
    assert list(out["council"].astype(str)) == ["Y", "X", "X", "X"]
    assert out["service"].iloc[:3].tolist() == ["A", "A", "B"]
    assert pd.isna(out["service"].iloc[3])
    assert _col(out, "count") == [2, 1, 2, 1]
    assert isinstance(out["council"].dtype, pd.CategoricalDtype)


def test_rates_per_1000_with_fixed_denominators(log):
    residents = pd.DataFrame({"service": ["A", "B"], "denominator": [2000, 500]})
    out = complaint_counts(log, denominators=residents)
    assert list(out.columns) == ["service", "period", "count", "denominator", "rate"]
    assert _col(out, "denominator") == [2000.0] * 3 + [500.0] * 3
    np.testing.assert_allclose(out["rate"], [1.0, 0.0, 0.5, 2.0, 0.0, 4.0])
    per_100 = complaint_counts(log, denominators=residents, per=100)
    np.testing.assert_allclose(per_100["rate"], [0.1, 0.0, 0.05, 0.2, 0.0, 0.4])


def test_rates_with_monthly_denominators(log):
    months = _periods("2024-01-01", "2024-02-01", "2024-03-01")
    contacts = pd.DataFrame(
        {
            "service": ["A"] * 3 + ["B"] * 3 + ["C"] * 3,
            "period": [m + pd.Timedelta(days=14) for m in months] * 3,  # any day of the month
            "denominator": [1000, 800, 500, 100, 100, 0, 250, 250, 250],
            "council": "Northbridge",  # extra columns are ignored
        }
    )
    out = complaint_counts(log, denominators=contacts)
    assert _col(out, "service") == ["A"] * 3 + ["B"] * 3 + ["C"] * 3  # C: no complaints
    assert _col(out, "count") == [2, 0, 1, 1, 0, 2, 0, 0, 0]
    np.testing.assert_allclose(
        out["rate"], [2.0, 0.0, 2.0, 10.0, 0.0, NAN, 0.0, 0.0, 0.0], equal_nan=True
    )
    # periods as text, as read from a CSV: ISO or UK (day first)
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        as_text = contacts.assign(period=contacts["period"].dt.strftime(form))
        pd.testing.assert_frame_equal(complaint_counts(log, denominators=as_text), out)


def test_missing_or_bad_denominators_raise(log):
    partial = pd.DataFrame(
        {
            "service": ["A", "A", "A", "B"],
            "period": _periods("2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01"),
            "denominator": [1.0, 1.0, 1.0, 1.0],
        }
    )
    with pytest.raises(
        ValueError, match=r"(?s)no denominator for 2 of the \['service', 'period'\].*B 2024-02-01"
    ):
        complaint_counts(log, denominators=partial)
    with pytest.raises(ValueError, match="duplicated"):
        complaint_counts(log, denominators=pd.concat([partial, partial]))
    with pytest.raises(ValueError, match="denominators has no column 'denominator'"):
        complaint_counts(log, denominators=pd.DataFrame({"service": ["A"], "n": [1]}))
    with pytest.raises(ValueError, match="non-negative"):
        complaint_counts(
            log, denominators=pd.DataFrame({"service": ["A", "B"], "denominator": [-1, 1]})
        )
    overall = complaint_counts(log, by=None, denominators=pd.DataFrame({"denominator": [3000]}))
    np.testing.assert_allclose(overall["rate"], [1.0, 0.0, 1.0])


def test_bad_arguments(log):
    with pytest.raises(ValueError, match="freq must be one of"):
        complaint_counts(log, freq="day")
    with pytest.raises(KeyError, match="ward"):
        complaint_counts(log, by="ward")
    with pytest.raises(TypeError, match="must hold dates"):
        complaint_counts(log.assign(received=log["received"].astype(str)))


def test_empty_log(log):
    empty = complaint_counts(log.iloc[:0])
    assert list(empty.columns) == ["service", "period", "count"] and len(empty) == 0
    given = complaint_counts(log.iloc[:0], by=None, start="2024-01-01", end="2024-02-01")
    assert _col(given, "count") == [0, 0]


# ------------------------------------------------------------------ seriousness and mix


def test_seriousness_default_weights(log):
    out = seriousness(log)
    assert list(out.columns) == [
        "service",
        "period",
        "count",
        "n_missing_severity",
        "seriousness_index",
        "mean_severity_weight",
        "share_high",
    ]
    assert _col(out, "count") == [2, 0, 1, 1, 0, 2]
    assert _col(out, "n_missing_severity") == [0, 0, 0, 0, 0, 1]
    assert _col(out, "seriousness_index") == [4.0, 0.0, 2.0, 2.0, 0.0, 3.0]
    np.testing.assert_allclose(
        out["mean_severity_weight"], [2.0, NAN, 2.0, 2.0, NAN, 3.0], equal_nan=True
    )
    np.testing.assert_allclose(out["share_high"], [0.5, NAN, 0.0, 0.0, NAN, 1.0], equal_nan=True)


def test_seriousness_user_weights(log):
    out = seriousness(log, by=None, weights={"low": 0, "medium": 1, "high": 10})
    assert _col(out, "seriousness_index") == [11.0, 0.0, 11.0]
    np.testing.assert_allclose(out["mean_severity_weight"], [11 / 3, NAN, 5.5], equal_nan=True)
    with pytest.raises(ValueError, match=r"missing \['high'\]"):
        seriousness(log, weights={"low": 1, "medium": 2})
    with pytest.raises(ValueError, match=r"unknown \['critical'\]"):
        seriousness(log, weights={"low": 1, "medium": 2, "high": 3, "critical": 4})


def test_seriousness_reads_text_severity(log):
    as_text = log.assign(severity=log["severity"].astype("str"))
    pd.testing.assert_frame_equal(seriousness(as_text), seriousness(log))
    with pytest.raises(ValueError, match="outside"):
        seriousness(log.assign(severity=pd.Series(["low", "severe"] * 3, dtype="str")))


def test_severity_shares_long_and_zero_filled(log):
    out = severity_shares(log, by=None)
    assert list(out.columns) == ["period", "level", "count", "share"]
    assert len(out) == 9
    assert list(out["level"].astype(str)) == list(SEVERITY_LEVELS) * 3
    assert out["level"].cat.ordered
    assert _col(out, "count") == [1, 1, 1, 0, 0, 0, 0, 1, 1]
    np.testing.assert_allclose(
        out["share"], [1 / 3] * 3 + [NAN] * 3 + [0.0, 0.5, 0.5], equal_nan=True
    )


def test_stage_shares(log):
    out = severity_shares(log, column="stage", freq="quarter")
    assert list(out["level"].astype(str)) == list(STAGE_LEVELS) * 2
    assert _col(out, "count") == [1, 1, 1, 3, 0, 0]
    np.testing.assert_allclose(out["share"], [1 / 3, 1 / 3, 1 / 3, 1.0, 0.0, 0.0])


# ------------------------------------------------------------------ outcomes


def test_outcomes_exact(log):
    out = outcomes(log)
    assert list(out.columns) == [
        "service",
        "period",
        "count",
        "closed",
        "n_outcome",
        "upheld",
        "partly_upheld",
        "not_upheld",
        "upheld_rate",
        "partly_upheld_rate",
        "ombudsman",
        "ombudsman_rate",
    ]
    assert _col(out, "closed") == [2, 0, 1, 0, 0, 2]
    assert _col(out, "upheld") == [1, 0, 0, 0, 0, 1]
    assert _col(out, "partly_upheld") == [0, 0, 1, 0, 0, 0]
    assert _col(out, "not_upheld") == [1, 0, 0, 0, 0, 1]
    np.testing.assert_allclose(out["upheld_rate"], [0.5, NAN, 1.0, NAN, NAN, 0.5], equal_nan=True)
    np.testing.assert_allclose(
        out["partly_upheld_rate"], [0.0, NAN, 1.0, NAN, NAN, 0.0], equal_nan=True
    )
    assert _col(out, "ombudsman") == [0, 0, 1, 0, 0, 0]
    np.testing.assert_allclose(
        out["ombudsman_rate"], [0.0, NAN, 1.0, 0.0, NAN, 0.0], equal_nan=True
    )


# ------------------------------------------------------------------ timeliness


def test_timeliness_exact(log):
    out = timeliness(log, target_days=20)
    assert list(out.columns) == [
        "service",
        "period",
        "n_received",
        "n_closed",
        "n_open",
        "n_open_overdue",
        "median_days_to_close",
        "mean_days_to_close",
        "n_within_target",
        "share_within_target",
    ]
    assert _col(out, "n_received") == [2, 0, 1, 1, 0, 2]
    assert _col(out, "n_closed") == [2, 0, 1, 0, 0, 2]
    assert _col(out, "n_open") == [0, 0, 0, 1, 0, 0]
    assert out["n_open_overdue"].isna().all()
    np.testing.assert_allclose(
        out["median_days_to_close"], [25.0, NAN, 90.0, NAN, NAN, 15.0], equal_nan=True
    )
    np.testing.assert_allclose(
        out["mean_days_to_close"], [25.0, NAN, 90.0, NAN, NAN, 15.0], equal_nan=True
    )
    assert _col(out, "n_within_target") == [1, 0, 0, 0, 0, 2]  # 20 days is within a 20-day target
    np.testing.assert_allclose(
        out["share_within_target"], [0.5, NAN, 0.0, NAN, NAN, 1.0], equal_nan=True
    )
    stricter = timeliness(log, target_days=15, by=None, freq="quarter")
    assert _col(stricter, "n_within_target") == [2]
    np.testing.assert_allclose(stricter["share_within_target"], [2 / 5])


def test_timeliness_as_of_counts_overdue_open_complaints(log):
    out = timeliness(log, target_days=20, as_of="2024-03-10")
    # 31/03 not yet received; 05/03 (closed 03/06) and 01/03 (closed 21/03) still open
    assert _col(out, "n_received") == [2, 0, 1, 1, 0, 1]
    assert _col(out, "n_closed") == [2, 0, 0, 0, 0, 0]
    assert _col(out, "n_open") == [0, 0, 1, 1, 0, 1]
    assert _col(out, "n_open_overdue") == [0, 0, 0, 1, 0, 0]  # received 31/01: 39 days open
    np.testing.assert_allclose(
        out["share_within_target"], [0.5, NAN, NAN, 0.0, NAN, NAN], equal_nan=True
    )


def test_timeliness_from_closed_dates(log):
    derived = timeliness(log.drop(columns="days_to_close"))
    pd.testing.assert_frame_equal(derived, timeliness(log))


# ------------------------------------------------------------------ the fast path


def _reference_counts(frame: pd.DataFrame, by: list[str], period: str) -> pd.Series:
    dated = frame.dropna(subset=["received"])
    received = dated["received"]
    if period == "week":
        starts = (received - pd.to_timedelta(received.dt.day_of_week, unit="D")).dt.normalize()
    else:
        freq = {"month": "M", "quarter": "Q", "year": "Y"}[period]
        starts = received.dt.to_period(freq).dt.start_time
    keys = [dated[c].astype(object).fillna("<missing>") for c in by]
    counts = dated.groupby([*keys, starts.astype("datetime64[us]").rename("period")]).size()
    return counts.rename("count")


@pytest.mark.parametrize("period", ["week", "month", "quarter", "year"])
@pytest.mark.parametrize("path", ["chunked", "compacted", "no_lookup_table"])
def test_fast_path_agrees_with_pandas(monkeypatch, period, path):
    monkeypatch.setattr(periods, "_CHUNK", 777)  # many chunks
    if path == "compacted":
        monkeypatch.setattr(periods, "_MAX_BINS", 10)
    if path == "no_lookup_table":
        monkeypatch.setattr(periods, "_MAX_LUT_DAYS", 10)
    rng = np.random.default_rng(3)
    n = 5000
    frame = pd.DataFrame(
        {
            "service": pd.Series(rng.choice(["a", "b", "c", None], n), dtype="str"),
            "council": pd.Categorical(rng.choice(["X", "Y"], n)),
            # spans 1 January 1970, where day numbers turn negative
            "received": pd.Timestamp("1969-06-03")
            + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
        }
    )
    frame["received"] = frame["received"].astype("datetime64[us]")
    frame.loc[::97, "received"] = pd.NaT
    out = complaint_counts(frame, freq=period, by=["council", "service"])
    assert out["count"].sum() == frame["received"].notna().sum()
    keyed = out.assign(service=out["service"].astype(object).fillna("<missing>"))
    keyed = keyed.assign(council=keyed["council"].astype(object))
    mine = keyed.set_index(["council", "service", "period"])["count"]
    expected = _reference_counts(frame, ["council", "service"], period)
    pd.testing.assert_series_equal(
        mine[mine > 0], expected.reindex(mine[mine > 0].index), check_names=False
    )
    assert set(expected.index) == set(mine[mine > 0].index)
    # every group has every period
    n_periods = out["period"].nunique()
    assert (
        out.groupby(["council", "service"], observed=True, dropna=False).size() == n_periods
    ).all()


def test_monthly_denominators_add_up_to_quarters(log):
    """Monthly contacts rate quarterly counts: the quarter's denominator is the sum of its
    months; a quarter missing a month gets none (and the error says why)."""
    months = _periods("2024-01-01", "2024-02-01", "2024-03-01")
    contacts = pd.DataFrame(
        {
            "service": ["A"] * 3 + ["B"] * 3,
            "period": months * 2,
            "denominator": [1000, 800, 200, 100, 100, 300],
        }
    )
    out = complaint_counts(log, freq="quarter", denominators=contacts)
    assert _col(out, "count") == [3, 3]
    assert _col(out, "denominator") == [2000.0, 500.0]
    np.testing.assert_allclose(out["rate"], [1.5, 6.0])
    # measure_series gives the u chart the same sums, as exposure in thousands
    from coprod.complaints import measure_series

    series = measure_series(log, measure="rate", freq="quarter", denominators=contacts)
    assert _col(series, "exposure") == [2.0, 0.5]
    # a year needs all twelve months: three are not a year's contacts
    with pytest.raises(
        ValueError, match=r"2 years have only some of their months \(e\.g\. 3 of 12"
    ):
        complaint_counts(log, freq="year", denominators=contacts)
    without_feb_b = contacts.drop(index=4)
    with pytest.raises(
        ValueError,
        match=(
            r"(?s)no denominator for 1 of the \['service', 'period'\].*B 2024-01-01.*"
            r"per month: 1 quarter has only some of its months \(e\.g\. 2 of 3 in the quarter "
            r"starting 01 January 2024 for B\)"
        ),
    ):
        complaint_counts(log, freq="quarter", denominators=without_feb_b)
    with pytest.raises(ValueError, match="a rate per week would need each month's denominator"):
        complaint_counts(log, freq="week", denominators=contacts)
    with pytest.raises(ValueError, match="duplicated"):  # the same month twice is no sum
        complaint_counts(log, freq="quarter", denominators=pd.concat([contacts, contacts]))


def test_weekly_denominators_add_up_to_months():
    """Weeks belong to the month of their Monday: January 2024 has five Mondays."""
    received = _dates(["2024-01-02", "2024-01-29", "2024-01-31"])
    log = pd.DataFrame({"service": pd.Series(["A"] * 3, dtype="str"), "received": received})
    weeks = pd.date_range("2024-01-01", "2024-01-29", freq="W-MON")
    assert len(weeks) == 5
    contacts = pd.DataFrame({"service": "A", "period": weeks, "denominator": 100})
    out = complaint_counts(log, freq="month", denominators=contacts)
    assert _col(out, "denominator") == [500.0] and _col(out, "rate") == [6.0]
    with pytest.raises(ValueError, match=r"4 of 5 in the month starting 01 January 2024"):
        complaint_counts(log, freq="month", denominators=contacts.iloc[1:])

"""Tests for coprod.synth's complaint log: planted changes recovered, shipped files regenerate."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod import complaints
from coprod.synth import (
    COMPLAINT_LOG_COLUMNS,
    COMPLAINT_SERVICES,
    COMPLAINTS_SEED,
    DEFAULT_COUNCILS,
    SyntheticComplaints,
    make_complaint_log,
    write_complaint_contacts,
    write_complaint_log,
)

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "coprod" / "data" / "complaints_log.csv"
SHIPPED_CONTACTS = REPO / "coprod" / "data" / "complaints_contacts.csv"
SOURCE = REPO / "coprod" / "data" / "complaints_log.SOURCE.txt"


@pytest.fixture(scope="module")
def synthetic() -> SyntheticComplaints:
    return make_complaint_log(seed=11)


@pytest.fixture(scope="module")
def stable() -> SyntheticComplaints:
    return make_complaint_log(seed=11, plant=False)


def _before_after(table: pd.DataFrame, service: str, column: str, month: str) -> tuple:
    rows = table[table["service"] == service]
    after = rows["period"] >= pd.Timestamp(month)
    return rows.loc[~after, column].mean(), rows.loc[after, column].mean()


def _ratio_tolerance(rate: float, months_before: int, months_after: int, ratio: float) -> float:
    """Four standard errors of a ratio of two Poisson monthly means."""
    return 4 * ratio * np.sqrt(1 / (rate * months_before) + 1 / (rate * ratio * months_after))


def _full_years(table: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return table[(table["period"] >= pd.Timestamp(start)) & (table["period"] < pd.Timestamp(end))]


# ------------------------------------------------------------------ shape


def test_columns_and_types(synthetic):
    log = synthetic.log
    assert list(log.columns) == list(COMPLAINT_LOG_COLUMNS)
    assert 48 * 8 * 20 < len(log) < 48 * 8 * 60
    assert set(log["service"]) == set(COMPLAINT_SERVICES)
    assert set(log["council"]) == {"Northbridge"}
    for column in ("complaint_id", "service", "council", "category"):
        assert log[column].dtype == "str", column
    assert log["received"].dtype == "datetime64[us]" and log["closed"].dtype == "datetime64[us]"
    assert log["days_to_close"].dtype == float
    assert list(log["severity"].cat.categories) == list(complaints.SEVERITY_LEVELS)
    assert log["severity"].cat.ordered and log["stage"].cat.ordered
    assert list(log["stage"].cat.categories) == list(complaints.STAGE_LEVELS)
    assert list(log["upheld"].cat.categories) == list(complaints.OUTCOME_LEVELS)
    assert log["severity"].notna().all() and log["stage"].notna().all()
    assert 0 < log["category"].isna().mean() < 0.05
    with pytest.raises(AttributeError):
        synthetic.log = log  # frozen dataclass


def test_ids_follow_receipt(synthetic):
    log = synthetic.log
    assert log["complaint_id"].is_unique
    assert log["complaint_id"].str.fullmatch(r"NB-20(21|22|23|24)-\d{6}").all()
    year = log["complaint_id"].str[3:7].astype(int)
    assert (year == log["received"].dt.year).all()
    numbers = log["complaint_id"].str[8:].astype(int)
    for _, group in numbers.groupby(year):
        assert (group.to_numpy() == np.arange(1, len(group) + 1)).all()
    assert log["received"].is_monotonic_increasing


def test_open_and_closed_complaints_are_consistent(synthetic):
    log, extracted = synthetic.log, synthetic.params["extracted"]
    assert extracted == pd.Timestamp("2024-12-31")
    is_open = log["closed"].isna()
    assert (is_open == log["days_to_close"].isna()).all()
    assert (is_open == log["upheld"].isna()).all()
    assert 0 < is_open.sum() < 0.05 * len(log)
    # open complaints are the recent ones (and a few long ombudsman cases)
    assert log.loc[is_open, "received"].median() > pd.Timestamp("2024-11-01")
    assert log.loc[is_open, "received"].min() > pd.Timestamp("2023-06-01")
    closed = log[~is_open]
    days = (closed["closed"] - closed["received"]).dt.days
    assert (days == closed["days_to_close"]).all() and (days >= 1).all()
    assert (closed["closed"] <= extracted).all()
    assert 10 < closed["days_to_close"].median() < 25


def test_contacts_denominators(synthetic):
    contacts = synthetic.contacts
    assert list(contacts.columns) == ["council", "service", "period", "contacts"]
    assert len(contacts) == 8 * 48
    assert contacts["period"].dt.is_month_start.all()
    rates = complaints.complaint_counts(
        synthetic.log, denominators=contacts.rename(columns={"contacts": "denominator"})
    )
    assert rates["rate"].between(0.5, 100).all()
    before, after = _before_after(rates, "Housing repairs", "rate", "2023-07-01")
    assert after / before == pytest.approx(1.8, abs=0.2)  # contacts flat: the rate steps too
    assert make_complaint_log(seed=11, contacts=False).contacts is None
    pd.testing.assert_frame_equal(make_complaint_log(seed=11, contacts=False).log, synthetic.log)


def test_deterministic_by_seed(synthetic):
    again = make_complaint_log(seed=11)
    pd.testing.assert_frame_equal(synthetic.log, again.log)
    pd.testing.assert_frame_equal(synthetic.contacts, again.contacts)
    pd.testing.assert_frame_equal(synthetic.truth, again.truth)
    other = make_complaint_log(seed=12)
    assert len(other.log) != len(synthetic.log) or not other.log.equals(synthetic.log)


def test_fast_enough():
    import time

    start = time.perf_counter()
    make_complaint_log(seed=3)
    assert time.perf_counter() - start < 1.0  # generous; typically a few milliseconds


# ------------------------------------------------------------------ the planted truth


def test_truth_lists_the_planted_changes(synthetic, stable):
    truth = synthetic.truth.set_index(["service", "measure"])
    assert truth.loc[("Housing repairs", "count"), "change"] == "step"
    assert truth.loc[("Housing repairs", "count"), "month"] == pd.Timestamp("2023-07-01")
    assert truth.loc[("Housing repairs", "count"), "size"] == 1.8
    assert truth.loc[("Social care", "share_high"), "month"] == pd.Timestamp("2023-01-01")
    assert truth.loc[("Social care", "share_high"), "size"] == pytest.approx(0.28)
    assert truth.loc[("Social care", "count"), "size"] == 1.0
    assert truth.loc[("Street lighting", "count"), "change"] == "seasonal"
    assert set(synthetic.truth["service"]) == set(COMPLAINT_SERVICES)
    assert set(stable.truth["change"]) == {"seasonal", "none"}
    flat = make_complaint_log(seed=1, plant=False, seasonal_amplitude=0)
    assert set(flat.truth["change"]) == {"none"}


def test_step_visible_in_monthly_means(synthetic):
    counts = complaints.complaint_counts(synthetic.log)
    before, after = _before_after(counts, "Housing repairs", "count", "2023-07-01")
    assert after / before == pytest.approx(1.8, abs=_ratio_tolerance(40, 30, 18, 1.8))
    assert before == pytest.approx(40, rel=0.1)
    # the services with no planted change and no season stay put
    rates = synthetic.params["base_rate"]
    for service in ("Refuse collection", "Libraries", "Road maintenance", "Leisure centres"):
        before, after = _before_after(counts, service, "count", "2023-07-01")
        tolerance = _ratio_tolerance(rates[service], 30, 18, 1.0)
        assert after / before == pytest.approx(1.0, abs=tolerance), service


def test_seriousness_rises_with_flat_counts(synthetic):
    table = complaints.seriousness(synthetic.log)
    month = "2023-01-01"
    before, after = _before_after(table, "Social care", "count", month)
    assert after / before == pytest.approx(1.0, abs=_ratio_tolerance(25, 24, 24, 1.0))
    share = table[table["service"] == "Social care"].assign(
        after=lambda t: t["period"] >= pd.Timestamp(month),
        high=lambda t: t["share_high"] * t["count"],
    )
    totals = share.groupby("after")[["high", "count"]].sum()
    share_high = totals["high"] / totals["count"]
    assert share_high[False] == pytest.approx(0.12, abs=0.05)
    assert share_high[True] == pytest.approx(0.40, abs=0.07)
    before, after = _before_after(table, "Social care", "mean_severity_weight", month)
    assert after - before == pytest.approx(0.58, abs=0.12)
    # elsewhere the mix does not move
    for service in ("Housing repairs", "Refuse collection", "Road maintenance"):
        before, after = _before_after(table, service, "mean_severity_weight", month)
        assert abs(after - before) < 0.12, service


def test_more_ombudsman_escalations():
    # ombudsman cases are rare (3% -> 6%): three councils give enough of them
    big = make_complaint_log(seed=11, councils=DEFAULT_COUNCILS)
    truth = big.truth.set_index(["service", "measure"]).loc[("Social care", "ombudsman_rate")]
    settled = big.log[big.log["received"] < pd.Timestamp("2024-07-01")]  # closed by extraction
    table = complaints.outcomes(settled, freq="year", by="service")
    social = table[table["service"] == "Social care"].set_index("period")
    early = social.loc[:"2022-12-31", ["ombudsman", "count"]].sum()
    late = social.loc["2023-01-01":, ["ombudsman", "count"]].sum()
    early_rate = early["ombudsman"] / early["count"]
    late_rate = late["ombudsman"] / late["count"]
    assert early_rate == pytest.approx(truth["before"], abs=0.015)
    assert late_rate - early_rate == pytest.approx(truth["size"], abs=0.025)
    assert late_rate > early_rate


def test_seasonality_present_without_change(synthetic):
    counts = complaints.complaint_counts(synthetic.log)
    lighting = counts[counts["service"] == "Street lighting"]
    month = lighting["period"].dt.month
    winter = lighting.loc[month.isin([12, 1]), "count"].mean()
    summer = lighting.loc[month.isin([6, 7]), "count"].mean()
    assert winter / summer > 2.0  # planted 1.48 / 0.52 ~ 2.8
    yearly = _full_years(complaints.complaint_counts(synthetic.log, freq="year"), "2021", "2025")
    per_year = yearly[yearly["service"] == "Street lighting"]["count"]
    assert per_year.max() / per_year.min() < 1.4  # no change from year to year
    # contacts share the season, so the rate per contact has no winter peak
    rates = complaints.complaint_counts(
        synthetic.log, denominators=synthetic.contacts.rename(columns={"contacts": "denominator"})
    )
    lit = rates[rates["service"] == "Street lighting"]
    winter_rate = lit.loc[lit["period"].dt.month.isin([12, 1]), "rate"].mean()
    summer_rate = lit.loc[lit["period"].dt.month.isin([6, 7]), "rate"].mean()
    assert winter_rate / summer_rate == pytest.approx(1.0, abs=0.4)


def test_plant_false_gives_no_step_or_seriousness(stable):
    counts = complaints.complaint_counts(stable.log)
    rates = stable.params["base_rate"]
    for service in COMPLAINT_SERVICES:
        if service == "Street lighting":  # seasonal; compare whole years only
            continue
        before, after = _before_after(counts, service, "count", "2023-07-01")
        tolerance = _ratio_tolerance(rates[service], 30, 18, 1.0)
        assert after / before == pytest.approx(1.0, abs=tolerance), service
    table = complaints.seriousness(stable.log)
    before, after = _before_after(table, "Social care", "mean_severity_weight", "2023-01-01")
    assert abs(after - before) < 0.12
    pure = make_complaint_log(seed=4, plant=False, seasonal_amplitude=0)
    lighting = complaints.complaint_counts(pure.log)
    lighting = lighting[lighting["service"] == "Street lighting"]
    month = lighting["period"].dt.month
    winter = lighting.loc[month.isin([12, 1]), "count"].mean()
    summer = lighting.loc[month.isin([6, 7]), "count"].mean()
    assert winter / summer == pytest.approx(1.0, abs=0.3)


def test_other_arguments():
    small = make_complaint_log(
        seed=2,
        services=("Libraries", "Housing repairs", "Social care", "Street lighting"),
        councils=("Northbridge", "Eastmoor"),
        months=24,
        start="2022-01-01",
        base_rate=10,
        step_month="2023-01",
        seriousness_month="2022-07",
    )
    assert set(small.log["council"]) == {"Northbridge", "Eastmoor"}
    assert small.log["complaint_id"].str[:3].isin(["NB-", "EM-"]).all()
    assert small.log["complaint_id"].is_unique
    assert len(small.contacts) == 2 * 4 * 24
    assert small.params["extracted"] == pd.Timestamp("2023-12-31")


def test_invalid_arguments():
    with pytest.raises(ValueError, match="step_month"):
        make_complaint_log(step_month="2030-01")
    with pytest.raises(ValueError, match="not among the services"):
        make_complaint_log(step_service="Crematoria")
    with pytest.raises(ValueError, match="must differ"):
        make_complaint_log(seriousness_service="Housing repairs")
    with pytest.raises(ValueError, match="base_rate"):
        make_complaint_log(base_rate={"Libraries": 5})
    with pytest.raises(ValueError, match="seasonal_amplitude"):
        make_complaint_log(seasonal_amplitude=1.5)
    with pytest.raises(ValueError, match="serious_mix"):
        make_complaint_log(serious_mix=(0.5, 0.5, 0.5))


# ------------------------------------------------------------------ shipped files


def _read_shipped_log(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, parse_dates=["received", "closed"], dayfirst=True, date_format="%d/%m/%Y"
    )


def test_shipped_log_regenerates_exactly(tmp_path):
    assert SHIPPED.is_file()
    fresh = write_complaint_log(tmp_path / "complaints_log.csv", seed=COMPLAINTS_SEED)
    assert fresh.read_bytes() == SHIPPED.read_bytes()
    shipped = _read_shipped_log(SHIPPED)
    assert list(shipped.columns) == list(COMPLAINT_LOG_COLUMNS)
    assert len(shipped) == 11_606
    assert SHIPPED.stat().st_size < 1.5 * 2**20
    # and it reads back to the generator's log (dates day first, labels as text)
    log = make_complaint_log(seed=COMPLAINTS_SEED).log
    expected = log.assign(
        **{c: log[c].astype("str") for c in ("severity", "stage", "upheld")},
    )
    shipped = shipped.assign(
        received=shipped["received"].astype("datetime64[us]"),
        closed=shipped["closed"].astype("datetime64[us]"),
    )
    assert shipped["received"].iloc[0] == pd.Timestamp("2021-01-01")
    assert shipped["received"].dt.day.max() == 31  # day first: 31/01 is not month 31
    pd.testing.assert_frame_equal(shipped, expected, check_dtype=False)


def test_shipped_contacts_regenerate_exactly(tmp_path):
    fresh = write_complaint_contacts(tmp_path / "contacts.csv", seed=COMPLAINTS_SEED)
    assert fresh.read_bytes() == SHIPPED_CONTACTS.read_bytes()
    contacts = pd.read_csv(
        SHIPPED_CONTACTS, parse_dates=["period"], dayfirst=True, date_format="%d/%m/%Y"
    )
    assert len(contacts) == 384
    expected = make_complaint_log(seed=COMPLAINTS_SEED).contacts
    pd.testing.assert_frame_equal(
        contacts.assign(period=contacts["period"].astype("datetime64[us]")),
        expected,
        check_dtype=False,
    )


def test_shipped_log_shows_the_planted_step():
    shipped = _read_shipped_log(SHIPPED)
    counts = complaints.complaint_counts(shipped)
    before, after = _before_after(counts, "Housing repairs", "count", "2023-07-01")
    assert after / before == pytest.approx(1.8, abs=0.15)


def test_source_file_documents_the_data():
    text = SOURCE.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text.upper()
    assert f"make_complaint_log(seed={COMPLAINTS_SEED})" in text
    assert "CC0" in text and "public domain" in text
    assert "write_complaint_log" in text and "write_complaint_contacts" in text
    assert re.search(r"11,606 rows", text) and re.search(r"384 rows", text)
    for planted in ("Housing repairs", "Social care", "Street lighting", "x1.8", "July 2023"):
        assert planted in text

"""Planted complaint changes are found where they were planted, false alarms are few, and
the co-planning signal combines SPC concern with who plans the service."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod.co_planning import co_planning_summary, consider_co_planning, decision_rule
from coprod.complaints import measure_series
from coprod.synth import make_complaint_log
from coprod.timeseries.seasonal import seasonally_adjust
from coprod.timeseries.spc import first_signal, spc, suggest_rebase

REPO = Path(__file__).resolve().parents[1]
BASELINE = 24  # months of limits fixed before the planted changes (which start in 2023)


def _spc(log, measure, **options):
    series = measure_series(log, measure=measure)
    return spc(series, value="value", period="period", by="service", baseline=BASELINE, **options)


@pytest.fixture(scope="module")
def planted():
    return make_complaint_log(seed=11)


def _month_gap(found, planted_month) -> int:
    found, planted_month = pd.Timestamp(found), pd.Timestamp(planted_month)
    return (found.year - planted_month.year) * 12 + found.month - planted_month.month


def _located(measure, service_key, month_key, seeds):
    """Gap in months between the planted change and the change point SPC suggests."""
    gaps = []
    for seed in seeds:
        synthetic = make_complaint_log(seed=seed)
        params = synthetic.params
        result = _spc(synthetic.log, measure)
        suggested = suggest_rebase(result)
        mine = suggested[
            (suggested["service"] == params[service_key])
            & suggested["rule"].str.startswith("run")
            & (suggested["period"] >= "2022-10-01")
        ]
        assert len(mine), f"seed {seed}: no sustained signal in {params[service_key]}"
        # the suggestion nearest the planted month (a chance run may add another)
        gaps.append(min(abs(_month_gap(p, params[month_key])) for p in mine["period"]))
        # the signal is a concern (a rise), in the planted service
        first = first_signal(result, after="2022-10-01").set_index("service")
        assert first.loc[params[service_key], "variation"] == "special_cause_concern"
    return np.array(gaps)


SEEDS = range(11, 31)


def test_step_in_count_found_in_right_service_and_month():
    gaps = _located("count", "step_service", "step_month", SEEDS)
    assert (gaps <= 1).mean() >= 0.9 and gaps.max() <= 2, gaps


def test_seriousness_rise_found_in_right_service_and_month():
    gaps = _located("mean_severity", "seriousness_service", "seriousness_month", SEEDS)
    assert (gaps <= 1).mean() >= 0.9 and gaps.max() <= 2, gaps


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_seriousness_rise_comes_with_flat_counts(seed):
    synthetic = make_complaint_log(seed=seed)
    service = synthetic.params["seriousness_service"]
    month = synthetic.params["seriousness_month"]
    shares = {}
    for measure in ("count", "mean_severity"):
        result = _spc(synthetic.log, measure)
        after = result[(result["service"] == service) & (result["period"] >= month)]
        shares[measure] = after["variation"].eq("special_cause_concern").mean()
    assert shares["mean_severity"] > 0.8
    assert shares["count"] < shares["mean_severity"] - 0.4


def test_stable_logs_raise_few_false_alarms():
    """No planted change: concern points are rare, and the co-planning flag rarer still."""
    point_rates, flagged = [], []
    for seed in range(20):
        log = make_complaint_log(seed=seed, plant=False, seasonal_amplitude=0).log
        counts, severity = _spc(log, "count"), _spc(log, "mean_severity")
        after = counts[counts["period"] >= "2023-01-01"]
        point_rates.append(after["variation"].eq("special_cause_concern").mean())
        table = consider_co_planning(counts, severity)
        flagged.append(table["consider_co_planning"].mean())
    assert np.mean(point_rates) < 0.06
    assert np.mean(flagged) < 0.10


def test_seasonal_pattern_signals_until_adjusted():
    """A winter peak floods the chart with signals; adjusted, it looks like no season."""
    raw_rates, adjusted_rates, flat_rates = [], [], []
    for seed in range(20):
        log = make_complaint_log(seed=seed, plant=False, seasonal_amplitude=0.5).log
        series = measure_series(log, measure="count").query("service == 'Street lighting'")
        raw = spc(series, value="value", period="period", by="service", baseline=BASELINE)
        adjusted = seasonally_adjust(series)
        fixed = spc(adjusted, value="adjusted", period="period", by="service", baseline=BASELINE)
        flat_log = make_complaint_log(seed=seed, plant=False, seasonal_amplitude=0).log
        flat = measure_series(flat_log, measure="count").query("service == 'Street lighting'")
        no_season = spc(flat, value="value", period="period", by="service", baseline=BASELINE)
        raw_rates.append(raw["special_cause"].mean())
        adjusted_rates.append(fixed["special_cause"].mean())
        flat_rates.append(no_season["special_cause"].mean())
    assert np.mean(raw_rates) > 0.3
    assert np.mean(adjusted_rates) < np.mean(flat_rates) + 0.04


def test_seasonal_component_recovers_planted_amplitude():
    log = make_complaint_log(seed=2, plant=False, seasonal_amplitude=0.5).log
    series = measure_series(log, measure="count").query("service == 'Street lighting'")
    adjusted = seasonally_adjust(series)
    by_month = adjusted.groupby(adjusted["period"].dt.month)["seasonal"].first()
    mean = series["value"].mean()
    # planted: mean x (1 + 0.5 cos(...)): winter peak about +50%, summer trough about -50%
    assert by_month.loc[[12, 1]].mean() / mean == pytest.approx(0.45, abs=0.15)
    assert by_month.loc[[6, 7]].mean() / mean == pytest.approx(-0.45, abs=0.15)


def test_seasonally_adjust_needs_two_cycles():
    short = pd.DataFrame(
        {"service": "A", "period": pd.date_range("2024-01-01", periods=20, freq="MS"), "value": 1.0}
    )
    with pytest.raises(ValueError, match="at least 24"):
        seasonally_adjust(short)


def _result(service, variations, start="2024-01-01"):
    """An spc-shaped result in which each concern point is part of a run above the centre."""
    n = len(variations)
    concern = [v == "special_cause_concern" for v in variations]
    return pd.DataFrame(
        {
            "service": service,
            "period": pd.date_range(start, periods=n, freq="MS"),
            "side": [1 if c else 0 for c in concern],
            "rule_outside": False,
            "rule_run": concern,
            "rule_trend_rising": False,
            "rule_trend_falling": False,
            "rule_two_of_three": False,
            "later_trend": 0,
            "rule": ["run of 7 above centre" if c else "" for c in concern],
            "variation": variations,
            "run_length": 7,
            "trend_length": 6,
        }
    )


def test_consider_co_planning_combines_concern_and_planning():
    common, concern = "common_cause", "special_cause_concern"
    counts = pd.concat(
        [
            _result("Refuse", [common] * 6 + [concern] * 6),
            _result("Repairs", [common] * 6 + [concern] * 6),
            _result("Parks", [common] * 12),
            _result("Lights", [common] * 11 + [concern]),  # a single point: not sustained
        ]
    )
    severity = pd.concat(
        [_result(s, [common] * 12) for s in ["Refuse", "Repairs", "Parks"]]
        + [_result("Lights", [common] * 12)]
    )
    placements = pd.DataFrame(
        {
            "service": ["Refuse", "Repairs", "Parks", "Lights"],
            "planning": [0.2, 1.1, 0.1, 0.3],
            "planning_low": [0.1, 0.9, 0.0, 0.2],
            "planning_high": [0.3, 1.3, 0.2, 0.4],
        }
    )
    table = consider_co_planning(
        counts, severity, placements=placements, sustained_points=6
    ).set_index("service")
    assert table["consider_co_planning"].to_dict() == {
        "Refuse": True,
        "Repairs": False,
        "Parks": False,
        "Lights": False,
    }
    assert table.loc["Refuse", "count_since"] == pd.Timestamp("2024-07-01")
    assert table.loc["Refuse", "reason"].startswith("Consider co-planning: the number of")
    assert "since Jul 2024" in table.loc["Refuse", "reason"]
    assert "run of 7 above centre" in table.loc["Refuse", "reason"]
    assert "professional-led (planning position 0.20" in table.loc["Refuse", "reason"]
    assert "already shared" in table.loc["Repairs", "reason"]
    assert table.loc["Lights", "reason"].startswith("No sustained special-cause concern")
    assert "at least 2 of the last 6 periods" in decision_rule(table)
    summary = co_planning_summary(table.reset_index())
    assert "Consider co-planning: Refuse." in summary and "Repairs" in summary


def test_a_rise_is_not_explained_by_signals_below_the_centre():
    # after a drop far below the lower 2-sigma line, counts climb back: the rising trend is
    # the concern; the two points below the lower 2-sigma line are not a reason for a rise
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 5, 6, 7, 8, 9, 10, 11]
    frame = pd.DataFrame(
        {
            "service": "Roads",
            "period": pd.date_range("2020-01-01", periods=len(values), freq="MS"),
            "count": values,
        }
    )
    result = spc(frame, period="period", value="count", by="service", baseline=10)
    assert result["rule"].iloc[11] == "trend of 6 rising; two of three beyond 2 sigma"
    table = consider_co_planning(result)
    row = table.iloc[0]
    assert row["count_concern"]
    assert row["count_rule"] == "trend of 6 rising"
    assert row["count_since"] == pd.Timestamp("2020-12-01")


def test_consider_co_planning_without_placements_says_so():
    counts = _result("Refuse", ["common_cause"] * 4 + ["special_cause_concern"] * 12)
    table = consider_co_planning(counts)
    assert bool(table.loc[0, "consider_co_planning"])
    assert "was not checked" in table.loc[0, "reason"]


def test_consider_co_planning_rejects_wrong_input():
    with pytest.raises(KeyError, match="variation"):
        consider_co_planning(pd.DataFrame({"service": ["A"], "period": [1]}))
    counts = _result("A", ["common_cause"] * 6)
    placements = pd.DataFrame(
        {
            "service": ["A", "A"],
            "planning": [0.1, 0.2],
            "planning_low": [0, 0],
            "planning_high": [1, 1],
        }
    )
    with pytest.raises(ValueError, match="one row per service"):
        consider_co_planning(counts, placements=placements)


def test_rate_u_chart_reads_in_the_rate_units():
    synthetic = make_complaint_log(seed=1)
    contacts = synthetic.contacts.rename(columns={"contacts": "denominator"})
    rates = measure_series(synthetic.log, measure="rate", denominators=contacts)
    repairs = rates[rates["service"] == "Housing repairs"]
    u_chart = spc(repairs, value="count", denominator="exposure", period="period", chart="u")
    assert np.allclose(u_chart["value"].to_numpy(), repairs["value"].to_numpy())


def test_seasonally_adjust_refuses_gaps_and_keeps_rows():
    periods = pd.date_range("2021-01-01", periods=36, freq="MS")
    series = pd.DataFrame({"service": "A", "period": periods, "value": np.arange(36.0)})
    adjusted = seasonally_adjust(series.iloc[::-1])
    assert list(adjusted.index) == list(series.index[::-1])
    with pytest.raises(ValueError, match="missing or repeated periods"):
        seasonally_adjust(series.drop(index=5))


def test_consider_co_planning_with_another_service_column_name():
    counts = _result("Refuse", ["common_cause"] * 4 + ["special_cause_concern"] * 2).rename(
        columns={"service": "dept"}
    )
    placements = pd.DataFrame(
        {"service": ["Refuse"], "planning": [0.5], "planning_low": [0.4], "planning_high": [0.6]}
    )
    table = consider_co_planning(counts, placements=placements, service="dept")
    # exactly 0.5 is the co-planning column, not professional-led
    assert not bool(table.loc[0, "consider_co_planning"])
    assert table.loc[0, "dept"] == "Refuse"


# ------------------------------------------------------------- strength of the signal


def test_a_short_signal_is_watched_not_recommended():
    """Two concern points (as Refuse collection's in notebook 02) are too often chance to
    recommend co-planning: the table says 'watch', with the signal's rule and length."""
    common, concern = "common_cause", "special_cause_concern"
    counts = pd.concat(
        [
            _result("Refuse", [common] * 22 + [concern] * 2),
            _result("Repairs", [common] * 10 + [concern] * 14),
            _result("Parks", [common] * 24),
        ]
    )
    placements = pd.DataFrame(
        {
            "council": "Northbridge",
            "wave": 2025,
            "service": ["Refuse", "Repairs", "Parks"],
            "n": 40,
            "planning": [0.2, 0.3, 0.1],
            "delivery": [0.1, 0.4, 0.2],
            "planning_low": [0.1, 0.2, 0.0],
            "planning_high": [0.3, 0.4, 0.2],
            "delivery_low": [0.0, 0.3, 0.1],
            "delivery_high": [0.2, 0.5, 0.3],
        }
    )
    table = consider_co_planning(counts, placements=placements).set_index("service")
    assert table["decision"].to_dict() == {
        "Refuse": "watch",
        "Repairs": "consider co-planning",
        "Parks": "no concern",
    }
    assert table["consider_co_planning"].to_dict() == {
        "Refuse": False,
        "Repairs": True,
        "Parks": False,
    }
    assert table.loc["Refuse", "count_points"] == 2
    assert table.loc["Repairs", "count_points"] == 14
    assert table.loc["Parks", "count_points"] == 0
    assert table.loc["Repairs", "count_main_rule"] == "run of 7 above centre"
    assert table.loc["Parks", "count_main_rule"] == ""
    assert (table["sustained_points"] == 12).all()
    assert table.loc["Refuse", "reason"] == (
        "Watch: the number of complaints shows special-cause concern (run of 7 above centre) "
        "since Nov 2025, but only for 2 periods, fewer than the 12 that rarely happen by "
        "chance; look again as more periods come in. Planning is professional-led "
        "(planning position 0.20 (95% interval 0.10 to 0.30))."
    )
    # the survey the positions come from travels with the table, with its delivery axis
    assert table.loc["Refuse", ["council", "wave"]].tolist() == ["Northbridge", 2025]
    assert table.loc["Repairs", "delivery"] == pytest.approx(0.4)
    summary = " ".join(co_planning_summary(table.reset_index()).split())  # unwrapped
    assert "Consider co-planning: Repairs." in summary
    assert "Watch (short signals, which stable services also show): Refuse." in summary
    assert "at least 12 periods long" in decision_rule(table)


def test_long_signals_are_rare_in_stable_logs():
    """What 'sustained' buys: on stable logs, current signals of 2 or more points are
    common across 8 services x 2 measures, signals of 12 or more almost never happen."""
    short, sustained, series, flagged = 0, 0, 0, 0
    for seed in range(20):
        log = make_complaint_log(seed=seed, plant=False, seasonal_amplitude=0).log
        table = consider_co_planning(_spc(log, "count"), _spc(log, "mean_severity"))
        for measure in ("count", "seriousness"):
            points = table[f"{measure}_points"]
            short += int(((points > 0) & (points < 12)).sum())
            sustained += int((points >= 12).sum())
            series += len(points)
        flagged += int(table["consider_co_planning"].sum())
    # about one series in thirty has a short signal (so a council watching 16 series
    # often has one); none had a signal of a year, so nothing is recommended
    assert (series, short, sustained, flagged) == (320, 10, 0, 0)


# ------------------------------------------------- notebook 02's co-planning section
#
# Every number the section states, against the notebook's own calls on the shipped data.


@pytest.fixture(scope="module")
def notebook_signals():
    from coprod.datasets import load_dataset
    from coprod.grid import place_services

    log = load_dataset("complaints_log").data
    counts = spc(
        measure_series(log, measure="count"),
        value="value",
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
    adjusted = spc(
        seasonally_adjust(measure_series(log, measure="count")),
        value="adjusted",
        period="period",
        by="service",
        baseline=24,
    )
    survey = load_dataset("services_survey").data

    def placed(wave):
        return place_services(
            survey.query("council == 'Northbridge' and wave == @wave"),
            by=["council", "wave"],
            service="service",
            planning="planning",
            delivery="delivery",
            weight="weight",
            seed=1,
        )

    newest = int(survey["wave"].max())
    return {
        "newest": newest,
        "severity": severity,
        "signal": consider_co_planning(counts, severity, placements=placed(newest)),
        "adjusted": consider_co_planning(adjusted, severity, placements=placed(newest)),
        "older": consider_co_planning(counts, severity, placements=placed(2023)),
    }


def test_notebook_02_co_planning_section_says_what_it_computes(notebook_signals):
    from test_notebook_03_claims import prose

    from coprod.charts.grid import plot_co_planning

    text = (REPO / "notebooks" / "02_complaints.py").read_text(encoding="utf-8")
    words = prose(text)

    def says(sentence):
        assert sentence in words, f"notebook 02 no longer says {sentence!r}"

    signal = notebook_signals["signal"].set_index("service")
    adjusted = notebook_signals["adjusted"].set_index("service")
    older = notebook_signals["older"].set_index("service")
    month = "%B %Y"

    rule = decision_rule(signal)
    assert "at least 2 of the last 6 periods" in rule and "at least 12 periods long" in rule
    says("at least 2 of the last 6 months flagged, as part of a signal at least 12 months long")
    # the newest wave, and the chart's data says so
    assert notebook_signals["newest"] == 2025 and set(signal["wave"]) == {2025}
    says("(Northbridge, the 2025 wave)")
    assert "wave == @newest_wave" in text and 'by=["council", "wave"]' in text

    repairs = signal.loc["Housing repairs"]
    assert (repairs["decision"], repairs["count_points"]) == ("look at delivery", 18)
    says(
        f"(18 points since {repairs['count_since']:{month}}), but residents place its "
        f"planning as partly shared ({repairs['planning']:.2f})"
    )
    care = signal.loc["Social care"]
    assert (care["decision"], care["seriousness_points"]) == ("look at delivery", 24)
    says(f"more serious from {care['seriousness_since']:{month}} (24 points)")
    assert older.loc["Social care", "decision"] == "consider co-planning"
    says(
        f"({older.loc['Social care', 'planning']:.2f} in the 2023 wave, when it would have been "
        f"flagged); by 2025 they place it in the co-planning column ({care['planning']:.2f})"
    )
    lights = signal.loc["Street lighting"]
    assert (lights["decision"], lights["count_main_rule"]) == ("watch", "trend of 6 rising")
    says(f"rising trend ({lights['count_points']} points since {lights['count_since']:{month}})")
    refuse = signal.loc["Refuse collection"]
    assert refuse["decision"] == "watch" and not refuse["count_concern"]
    severity = notebook_signals["severity"]
    flagged = severity[
        (severity["service"] == "Refuse collection")
        & severity["variation"].eq("special_cause_concern")
        & (severity["period"] >= refuse["seriousness_since"])
    ]["period"]
    assert len(flagged) == refuse["seriousness_points"] == 2
    says(
        f"rests on 2 flagged months of one measure ({flagged.iloc[0]:%B} and "
        f"{flagged.iloc[1]:{month}})"
    )
    # seasonal adjustment removes the winter trend; nothing is left to recommend
    assert adjusted.loc["Street lighting", "decision"] == "no concern"
    says("Counting on seasonally adjusted numbers removes the seasonal one")
    assert not adjusted["consider_co_planning"].any()
    assert adjusted.loc["Refuse collection", "decision"] == "watch"
    says("No service has both a sustained rise and professional-led planning")
    says("Refuse collection's short signal is a hollow diamond, one to watch")
    title = "No Northbridge service is flagged for co-planning on the 2025 survey"
    assert f'title="{title}"' in text
    ax = plot_co_planning(notebook_signals["adjusted"], title=title)
    assert "wave 2025" in ax.get_legend().get_title().get_text()


# ------------------------------------------------------------------ resident initiatives


def _initiatives(rows):
    """Rows of (service, date, signatures, title); the caller sets ``kind``."""
    return pd.DataFrame(rows, columns=["service", "date", "signatures", "title"]).assign(
        date=lambda t: pd.to_datetime(t["date"])
    )


@pytest.fixture
def four_services():
    """Complaints only (Refuse), initiatives only (Lights), both (Roads), neither (Parks)."""
    common, concern = "common_cause", "special_cause_concern"
    counts = pd.concat(
        [
            _result("Refuse", [common] * 6 + [concern] * 6),
            _result("Roads", [common] * 6 + [concern] * 6),
            _result("Lights", [common] * 12),
            _result("Parks", [common] * 12),
        ]
    )
    placements = pd.DataFrame(
        {
            "service": ["Refuse", "Roads", "Lights", "Parks"],
            "planning": [0.2, 0.3, 0.1, 0.2],
            "planning_low": [0.1, 0.2, 0.0, 0.1],
            "planning_high": [0.3, 0.4, 0.2, 0.3],
        }
    )
    initiatives = _initiatives(
        [
            ("Lights", "2024-09-12", 640, "Keep the lights on"),
            ("Lights", "2024-11-05", 35, "Join the review"),
            ("Roads", "2024-06-20", 80, None),
            ("Roads", "2024-10-01", None, None),
            ("Parks", "2023-01-06", 300, "Too early to count"),  # outside the 12 months
            ("Parks", "2024-12-01", 20, None),  # one petition in the window: not enough
        ]
    ).assign(kind=["petition", "request", "petition", "request", "petition", "petition"])
    return counts, placements, initiatives


def test_resident_initiatives_are_a_trigger_of_their_own(four_services):
    counts, placements, initiatives = four_services
    table = consider_co_planning(
        counts,
        placements=placements,
        sustained_points=6,
        initiatives=initiatives,
        as_of="2024-12-31",
    ).set_index("service")
    assert table["trigger"].to_dict() == {
        "Lights": "resident initiatives",
        "Refuse": "complaints",
        "Roads": "both",
        "Parks": "none",
    }
    assert table["consider_co_planning"].to_dict() == {
        "Lights": True,
        "Refuse": True,
        "Roads": True,
        "Parks": False,
    }
    assert table["initiatives"].to_dict() == {"Lights": 2, "Refuse": 0, "Roads": 2, "Parks": 1}
    assert table.loc["Lights", "signatures"] == 675
    # the complaints' reason is about complaints; the initiatives have their own
    assert table.loc["Lights", "reason"].startswith("No sustained special-cause concern")
    assert table.loc["Lights", "initiative_reason"] == (
        "Residents submitted a petition on 12 Sep 2024 ('Keep the lights on') with 640 "
        "signatures, a request on 05 Nov 2024 ('Join the review') with 35 signatures: they want "
        "a say (2 initiatives in 12 months, at least 2; 640 signatures, at least 500)."
    )
    assert (
        "fewer than 2 in 12 months, none with 500 signatures and no community plan"
        in table.loc["Parks", "initiative_reason"]
    )
    assert (
        table.loc["Refuse", "initiative_reason"] == "No resident initiative in the last 12 months."
    )
    assert set(table["initiatives_as_of"]) == {pd.Timestamp("2024-12-31")}
    rule = decision_rule(table.reset_index())
    assert "in the 12 months up to 31 Dec 2024, they submitted at least 2" in rule
    assert "one with at least 500 signatures" in rule
    summary = " ".join(co_planning_summary(table.reset_index()).split())
    assert "on complaints, Refuse; on residents' initiatives, Lights; on both" in summary


def test_a_community_plan_fires_alone_and_needs_a_professional_led_service(four_services):
    counts, placements, _ = four_services
    plan = _initiatives([("Parks", "2024-10-01", 120, "Riverside plan")]).assign(
        kind="community plan"
    )
    shared = placements.assign(planning=[0.2, 0.3, 0.1, 1.2], planning_high=[0.3, 0.4, 0.2, 1.4])
    table = consider_co_planning(
        counts, placements=shared, initiatives=plan, as_of="2024-12-31"
    ).set_index("service")
    assert bool(table.loc["Parks", "initiative_trigger"])
    assert table.loc["Parks", "trigger"] == "resident initiatives"
    assert not table.loc["Parks", "consider_co_planning"]  # already co-planned
    assert (
        "a community plan asks for a place at the table" in table.loc["Parks", "initiative_reason"]
    )
    summary = " ".join(co_planning_summary(table.reset_index()).split())
    assert (
        "Residents asked for a say, but planning is not professional-led (or unknown): Parks."
        in summary
    )


def test_initiatives_need_as_of_and_known_kinds(four_services):
    counts, placements, initiatives = four_services
    with pytest.raises(ValueError, match="initiatives need as_of="):
        consider_co_planning(counts, placements=placements, initiatives=initiatives)
    with pytest.raises(ValueError, match=r"kinds \['protest'\]"):
        consider_co_planning(
            counts,
            placements=placements,
            initiatives=initiatives.assign(kind="protest"),
            as_of="2024-12-31",
        )


def test_without_initiatives_the_complaints_decision_is_unchanged(four_services):
    counts, placements, initiatives = four_services
    plain = consider_co_planning(counts, placements=placements, sustained_points=6)
    assert plain["trigger"].tolist() == ["complaints", "complaints", "none", "none"]
    assert plain["initiative_trigger"].isna().all()
    assert plain["decision"].tolist() == [
        "consider co-planning",
        "consider co-planning",
        "no concern",
        "no concern",
    ]


def test_the_initiative_trigger_fires_on_exactly_the_planted_services():
    from coprod.co_planning import initiative_trigger
    from coprod.synth import DEFAULT_INITIATIVES, make_initiatives

    for seed in range(5):
        table = initiative_trigger(make_initiatives(seed=seed), as_of="2024-12-31")
        fired = set(table.loc[table["initiative_trigger"], "service"])
        assert fired == set(DEFAULT_INITIATIVES), seed


def test_one_petition_with_many_signatures_fires_alone(four_services):
    counts, placements, _ = four_services
    one = _initiatives([("Parks", "2024-12-01", 520, "Save the meadow")]).assign(kind="petition")
    table = consider_co_planning(
        counts, placements=placements, initiatives=one, as_of="2024-12-31"
    ).set_index("service")
    assert table.loc["Parks", "trigger"] == "resident initiatives"
    assert table.loc["Parks", "consider_co_planning"]
    assert table.loc["Parks", "initiative_reason"].endswith("(520 signatures, at least 500).")
    fewer = consider_co_planning(
        counts,
        placements=placements,
        initiatives=one,
        as_of="2024-12-31",
        min_signatures=600,
    ).set_index("service")
    assert not fewer.loc["Parks", "initiative_trigger"]
    assert set(fewer["min_signatures"]) == {600}


def test_a_signal_on_trial_limits_is_said_to_be_read_with_care():
    # 12 months: limits from 12 points are trial limits (fewer than 13); the last seven
    # months sit above the centre, a run of 7 (concern); a 24-month series does not warn
    short = pd.DataFrame(
        {
            "service": "Refuse",
            "month": pd.date_range("2024-01-01", periods=12, freq="MS"),
            "complaints": [4, 5, 4, 5, 4, 9, 10, 9, 10, 9, 10, 9],
        }
    )
    result = spc(short, value="complaints", period="month", chart="c", by="service")
    table = consider_co_planning(result, sustained_points=6)
    row = table.iloc[0]
    assert bool(row["count_trial_limits"]) is True
    assert row["decision"] == "consider co-planning"
    assert row["reason"].endswith(
        "Read with care: the number chart's limits are trial limits, from 12 points "
        "(fewer than 13), and will move as points come in."
    )
    longer = pd.concat(
        [short.assign(month=short["month"] - pd.DateOffset(months=12)), short], ignore_index=True
    )
    longer.loc[:11, "complaints"] = [4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5]
    settled = consider_co_planning(
        spc(longer, value="complaints", period="month", chart="c", by="service"),
        sustained_points=6,
    ).iloc[0]
    assert bool(settled["count_trial_limits"]) is False
    assert "trial limits" not in settled["reason"]

"""Scenarios: co-production arrangements versus PFI contracts under changes of control.

Monte Carlo tolerances come from the binomial standard error of a share over
``n_councils x n_runs`` independent councils: sqrt(S (1 - S) / (n_councils n_runs)).
Every test uses a fixed seed, so a pass or a failure is the same on every run.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest

from coprod.datasets import load_dataset
from coprod.politics import scenarios
from coprod.politics.control import change_rates, yearly_change_probability
from coprod.politics.scenarios import (
    P_CHANGE_FROM_DATA,
    PFI_TERM_COUNTS,
    PFI_TERMS_FROM_DATA,
    ScenarioResult,
    simulate,
)

Z = 4.0  # standard errors allowed (31 correlated years per curve; a 4-SE miss is ~1e-4)


def within_mc_error(simulated, truth, n_draws: int) -> None:
    simulated, truth = np.asarray(simulated, dtype=float), np.asarray(truth, dtype=float)
    se = np.sqrt(truth * (1 - truth) / n_draws)
    off = np.abs(simulated - truth)
    assert (off <= Z * se + 1e-12).all(), np.round(off / np.maximum(se, 1e-300), 2)


def walk_through_elections(n_paths, n_years, p_change, base, post, window, seed):
    """A reference written from the model's words alone: every council, year by year."""
    rnd = random.Random(seed).random
    surviving = [0] * (n_years + 1)
    for _ in range(n_paths):
        since_change = None  # years since the last change of control
        in_place = True
        surviving[0] += 1
        for year in range(1, n_years + 1):
            if rnd() < p_change:
                since_change = 0
            elif since_change is not None:
                since_change += 1
            recent = since_change is not None and since_change < window
            if in_place and rnd() < (post if recent else base):
                in_place = False
            surviving[year] += in_place
    return np.array(surviving) / n_paths


# ------------------------------------------------------------------ the tests


def test_without_changes_survival_is_geometric():
    n_councils, n_runs, base = 2_000, 300, 0.08
    result = simulate(
        n_councils=n_councils, n_years=25, n_runs=n_runs, p_change=0.0, base_hazard=base, seed=11
    )
    truth = (1 - base) ** result.survival["year"].to_numpy()
    within_mc_error(result.survival["share_surviving"], truth, n_councils * n_runs)
    # each run is one world of n councils: its share is binomial, and the band is its 95% range
    band = result.survival["high"] - result.survival["low"]
    binomial = 2 * 1.96 * np.sqrt(truth * (1 - truth) / n_councils)
    assert np.allclose(band[1:], binomial[1:], rtol=0.25)
    assert (result.survival["low"] <= truth).all() and (truth <= result.survival["high"]).all()


def test_pfi_share_is_the_same_whatever_p_change():
    common = {"n_councils": 300, "n_years": 35, "n_runs": 200, "seed": 4}
    shares = [simulate(p_change=p, **common).pfi_share for p in (0.0, P_CHANGE_FROM_DATA, 0.6)]
    scheduled = simulate(change_schedule=np.linspace(0, 1, 35), **common).pfi_share
    for other in (*shares[1:], scheduled):
        pd.testing.assert_frame_equal(shares[0], other)  # identical, number for number
    # and, as the issue says, within Monte Carlo error of each other and of the truth
    truth = (np.asarray(PFI_TERMS_FROM_DATA)[None, :] > np.arange(36)[:, None]).mean(axis=1)
    within_mc_error(shares[0]["share_locked"], truth, 300 * 200)


# ------------------------------------------------------------------------ the model


@pytest.mark.parametrize(
    ("window", "expected_year_2"),
    # year 1: 0.5 x 0.9 + 0.5 x 0.5 = 0.7 either way. Year 2 with a 1-year window: the
    # hazards of the two years are independent, 0.7 ** 2; with a 2-year window a change
    # in year 1 keeps the post-change hazard in year 2: 0.5 x 0.5 x 0.5 + 0.5 x 0.9 x 0.7.
    [(1, 0.49), (2, 0.44)],
)
def test_a_case_small_enough_to_work_by_hand(window, expected_year_2):
    result = simulate(
        n_councils=20_000,
        n_years=2,
        n_runs=50,
        p_change=0.5,
        base_hazard=0.1,
        post_change_hazard=0.5,
        post_change_years=window,
        seed=2,
    )
    within_mc_error(result.survival["share_surviving"], [1.0, 0.7, expected_year_2], 1_000_000)


def test_agrees_with_a_walk_through_elections():
    settings = {"p_change": 0.2, "base": 0.05, "post": 0.4, "window": 3}
    reference = walk_through_elections(20_000, 15, **settings, seed=5)
    result = simulate(
        n_councils=4_000,
        n_years=15,
        n_runs=250,
        p_change=settings["p_change"],
        base_hazard=settings["base"],
        post_change_hazard=settings["post"],
        post_change_years=settings["window"],
        seed=5,
    )
    # the reference is the noisier of the two: its standard error decides
    within_mc_error(reference, result.survival["share_surviving"], 20_000)
    # ... and the changes matter: without them survival is far higher
    assert reference[10] < 0.95**10 - 0.1


def test_a_replayed_schedule_uses_each_councils_own_changes():
    schedule = np.zeros((2, 5), dtype=bool)
    schedule[0, 1] = True  # council 0: control changes in year 2; council 1: never
    result = simulate(
        n_councils=2,
        n_years=5,
        n_runs=200_000,
        base_hazard=0.1,
        post_change_hazard=0.5,
        post_change_years=2,
        change_schedule=schedule,
        seed=8,
    )
    # council 0: 0.9 (year 1), then 0.5 in years 2 and 3, then 0.9 again
    council_0 = np.cumprod([1, 0.9, 0.5, 0.5, 0.9, 0.9])
    council_1 = 0.9 ** np.arange(6)
    truth = (council_0 + council_1) / 2
    within_mc_error(result.survival["share_surviving"], truth, 2 * 200_000)
    assert result.schedule == "replayed" and result.p_change is None
    assert result.expected_changes == 0.5


def test_a_constant_per_year_schedule_is_the_constant_probability():
    common = {"n_councils": 500, "n_years": 12, "n_runs": 100, "seed": 6}
    constant = simulate(p_change=0.15, **common)
    per_year = simulate(change_schedule=np.full(12, 0.15), **common)
    pd.testing.assert_frame_equal(constant.survival, per_year.survival)
    assert per_year.schedule == "per year" and per_year.p_change is None
    assert per_year.expected_changes == pytest.approx(0.15 * 12)


def test_higher_post_change_hazard_lowers_survival():
    common = {"n_councils": 400, "n_years": 30, "n_runs": 200, "seed": 3}
    low, high = (simulate(post_change_hazard=h, **common).survival for h in (0.25, 0.5))
    # the same random numbers are reused, so survival is lower in every run, not only on average
    assert (high["share_surviving"] <= low["share_surviving"]).all()
    assert (high["high"] <= low["high"]).all()
    assert low["share_surviving"][10] - high["share_surviving"][10] > 0.1
    rarer, more = (simulate(p_change=p, **common).survival for p in (0.05, 0.2))
    assert more["share_surviving"][10] < rarer["share_surviving"][10] - 0.1


def test_pfi_share_follows_the_term_distribution():
    result = simulate(n_councils=1_000, n_years=32, n_runs=200, pfi_terms=(10, 20, 20, 30.5))
    share = result.pfi_share.set_index("year")["share_locked"]
    # a 30.5-year term binds years 0-30; 10 years binds years 0-9
    truth = np.select(
        [share.index < 10, share.index < 20, share.index < 31], [1.0, 0.75, 0.25], 0.0
    )
    within_mc_error(share, truth, 1_000 * 200)
    assert (share[:10] == 1).all() and (share[31:] == 0).all()
    table = simulate(n_councils=50, n_years=5, n_runs=2, pfi_terms={25: 3, 30: 1})
    assert table.pfi_terms == (25.0, 25.0, 25.0, 30.0)


def test_seed_reproduces_and_chunks_do_not_matter(monkeypatch):
    common = {"n_councils": 250, "n_years": 20, "n_runs": 40}
    first, again = simulate(seed=9, **common), simulate(seed=9, **common)
    pd.testing.assert_frame_equal(first.survival, again.survival)
    pd.testing.assert_frame_equal(first.pfi_share, again.pfi_share)
    assert not first.survival.equals(simulate(seed=10, **common).survival)
    monkeypatch.setattr(scenarios, "_CHUNK_CELLS", 600)  # two runs per chunk, not all 40
    chunked = simulate(seed=9, **common)
    pd.testing.assert_frame_equal(first.survival, chunked.survival)
    pd.testing.assert_frame_equal(first.pfi_share, chunked.pfi_share)


# ------------------------------------------------------------------------ the result


@pytest.fixture(scope="module")
def result() -> ScenarioResult:
    return simulate(n_councils=400, n_years=30, n_runs=300, seed=1)


def test_result_tables_and_settings(result):
    assert list(result.survival.columns) == ["year", "share_surviving", "low", "high"]
    assert list(result.pfi_share.columns) == ["year", "share_locked", "low", "high"]
    assert result.survival["year"].tolist() == list(range(31))
    assert result.survival.iloc[0, 1:].tolist() == [1.0, 1.0, 1.0]
    for table, column in ((result.survival, "share_surviving"), (result.pfi_share, "share_locked")):
        assert (table["low"] <= table[column]).all() and (table[column] <= table["high"]).all()
        assert (np.diff(table[column]) <= 0).all()  # nothing comes back
    assert result.p_change == P_CHANGE_FROM_DATA and result.schedule == "constant"
    assert (result.base_hazard, result.post_change_hazard, result.post_change_years) == (
        0.05,
        0.25,
        2,
    )
    assert result.expected_changes == pytest.approx(30 * P_CHANGE_FROM_DATA)
    assert len(result.pfi_terms) == 716


def test_summary_numbers_are_the_tables(result):
    text = " ".join(result.summary().split())  # as one line: it wraps at 88 characters
    rows = re.findall(
        r"After (\d+) years: ([\d.]+)% of co-production arrangements survive \(95% of runs "
        r"([\d.]+)% to ([\d.]+)%\); ([\d.]+)% of councils are still locked into their PFI "
        r"contract \(([\d.]+)% to ([\d.]+)%\)",
        text,
    )
    assert [int(r[0]) for r in rows] == [5, 10, 20, 30]
    for year, *numbers in rows:
        surv = result.survival.iloc[int(year)]
        pfi = result.pfi_share.iloc[int(year)]
        expected = [surv["share_surviving"], surv["low"], surv["high"]]
        expected += [pfi["share_locked"], pfi["low"], pfi["high"]]
        assert numbers == [f"{100 * x:.1f}" for x in expected]
    assert f"probability {P_CHANGE_FROM_DATA:.1%} a year" in text
    assert "assumed: no published survival rates exist" in text
    assert f"Half of the arrangements have ended by year {result.half_life()}." in text
    assert f"Half of the contracts have ended by year {result.half_life('pfi')}." in text
    share = result.survival["share_surviving"]
    assert share[result.half_life()] < 0.5 <= share[result.half_life() - 1]


def test_plot_data_is_tidy_and_carries_the_settings(result):
    data = result.get_plot_data()
    assert list(data.columns[:5]) == ["curve", "year", "share", "low", "high"]
    assert data["curve"].value_counts().to_dict() == {
        scenarios.SURVIVAL_CURVE: 31,
        scenarios.PFI_CURVE: 31,
    }
    survival = data[data["curve"] == scenarios.SURVIVAL_CURVE].reset_index(drop=True)
    assert np.array_equal(survival["share"], result.survival["share_surviving"])
    assert (data["p_change"] == P_CHANGE_FROM_DATA).all() and (data["n_runs"] == 300).all()
    replayed = simulate(
        n_councils=2, n_years=3, n_runs=5, change_schedule=np.ones((2, 3), dtype=bool)
    )
    assert replayed.get_plot_data()["p_change"].isna().all()


# ------------------------------------------------------------------------ defaults


def test_defaults_come_from_the_data():
    # the yearly change probability the library's loader and change_rates give
    history = load_dataset("council_control").data
    rates = change_rates(history)
    assert (rates["changes"].iloc[0], rates["council_years"].iloc[0]) == (2_317, 23_993)
    assert P_CHANGE_FROM_DATA == rates["p_change"].iloc[0] == yearly_change_probability(history)
    assert len(PFI_TERMS_FROM_DATA) == sum(PFI_TERM_COUNTS.values()) == 716
    # the figures HM Treasury's file gives (SOURCE.txt): mean 27.3, median 26, 72% 25-30
    assert np.mean(PFI_TERMS_FROM_DATA) == pytest.approx(27.3, abs=0.05)
    assert np.median(PFI_TERMS_FROM_DATA) == 26
    assert np.mean([25 <= t <= 30 for t in PFI_TERMS_FROM_DATA]) == pytest.approx(0.72, abs=0.005)


def test_term_counts_match_the_raw_pfi_file(shared_data):
    raw = pd.read_csv(shared_data / "pfi_projects" / "31.03.2016.csv", skiprows=1)
    terms = raw["Operational Period of Contract (years)"]
    assert terms.value_counts().sort_index().to_dict() == PFI_TERM_COUNTS


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"p_change": 1.5}, ValueError, "p_change must be a probability from 0 to 1"),
        ({"base_hazard": "0.1"}, TypeError, "base_hazard must be a probability"),
        ({"n_councils": 0}, ValueError, "n_councils must be at least 1"),
        ({"n_years": 2.5}, TypeError, "n_years must be a whole number"),
        ({"pfi_terms": []}, ValueError, "pfi_terms is empty"),
        ({"pfi_terms": [25, -1]}, ValueError, "finite numbers above 0"),
        ({"seed": None}, TypeError, "seed must be a whole number"),
        (
            {"change_schedule": np.ones((3, 4), dtype=bool)},
            ValueError,
            "must be councils x years, 400 x 30 .* it is 3 x 4",
        ),
        ({"change_schedule": [0.1] * 29}, ValueError, "one number per year \\(30\\)"),
        ({"change_schedule": [1.2] * 30}, ValueError, "probabilities must be from 0 to 1"),
        (
            {"change_schedule": [0.1] * 30, "p_change": 0.2},
            ValueError,
            "give p_change or change_schedule, not both",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_fix(arguments, error, message):
    with pytest.raises(error, match=message):
        simulate(n_runs=2, **arguments)


def test_half_life_names_its_curve(result):
    with pytest.raises(ValueError, match="curve must be 'survival' or 'pfi'"):
        result.half_life("contracts")
    assert simulate(n_years=5, n_runs=2, base_hazard=0.0).half_life() is None


# ------------------------------------------------------------------------ the explorer


def test_explorer_redraws_when_a_slider_moves():
    from coprod.charts.scenarios import GID_LINE
    from coprod.widgets import ScenarioExplorer

    explorer = ScenarioExplorer(n_councils=200, n_runs=40, seed=3)
    assert set(explorer.controls) == {
        "p_change",
        "base_hazard",
        "post_change_hazard",
        "post_change_years",
    }
    assert explorer.selection() == {
        "p_change": 0.097,
        "base_hazard": 0.05,
        "post_change_hazard": 0.25,
        "post_change_years": 2,
    }
    first, first_figure = explorer.result, explorer.figure
    lines = first_figure.axes[0].findobj(lambda a: a.get_gid() == GID_LINE)
    assert len(lines) == 2
    assert np.allclose(lines[0].get_ydata(), first.survival["share_surviving"] * 100)

    explorer.controls["post_change_hazard"].value = 0.6
    assert explorer.figure is not first_figure
    assert explorer.result.post_change_hazard == 0.6
    share = explorer.result.survival["share_surviving"]
    assert share[10] < first.survival["share_surviving"][10] - 0.05
    pd.testing.assert_frame_equal(explorer.result.pfi_share, first.pfi_share)

    # no state beyond the controls: the view is simulate() of the sliders' values ...
    explorer.controls["p_change"].value = 0.0
    direct = simulate(n_councils=200, n_runs=40, seed=3, **explorer.selection())
    pd.testing.assert_frame_equal(explorer.result.survival, direct.survival)
    # ... so moving the sliders back brings the first view back
    explorer.controls["p_change"].value = 0.097
    explorer.controls["post_change_hazard"].value = 0.25
    pd.testing.assert_frame_equal(explorer.result.survival, first.survival)
    assert "9.7%" in explorer.result.summary()

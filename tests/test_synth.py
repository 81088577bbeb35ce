"""Tests for coprod.synth: the synthetic services survey and the shipped file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod import grid, synth
from coprod.synth import (
    AGE_GROUPS,
    DEFAULT_MOVERS,
    SERVICES_SURVEY_SEED,
    SyntheticSurvey,
    make_services_survey,
    write_services_survey,
)

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "coprod" / "data" / "services_survey.csv"
SOURCE = REPO / "coprod" / "data" / "services_survey.SOURCE.txt"

RESPONSE_COLUMNS = [
    "respondent_id",
    "council",
    "wave",
    "service",
    "age_group",
    "planning",
    "delivery",
    "weight",
]
TRUTH_COLUMNS = [
    "council",
    "service",
    "wave",
    "planning",
    "delivery",
    "planning_unweighted",
    "delivery_unweighted",
    "cell",
    "moved",
]


@pytest.fixture(scope="module")
def survey() -> SyntheticSurvey:
    return make_services_survey(seed=5)


def test_shape_and_columns(survey):
    r, t = survey.responses, survey.truth
    assert list(r.columns) == RESPONSE_COLUMNS
    assert list(t.columns) == TRUTH_COLUMNS
    assert len(r) == 3 * 20 * 2 * 150
    assert len(t) == 3 * 20 * 2
    assert set(r["council"]) == {"Northbridge", "Eastmoor", "Westfield"}
    assert sorted(r["wave"].unique()) == [2023, 2025]
    assert r["service"].nunique() == 20
    assert (r.groupby(["council", "wave", "service"]).size() == 150).all()
    assert set(r["planning"]) <= set(grid.PLANNING_LEVELS)
    assert set(r["delivery"]) <= set(grid.DELIVERY_LEVELS)
    assert set(r["age_group"]) == set(AGE_GROUPS)
    assert r["weight"].dtype == float and t["moved"].dtype == bool
    assert survey.params["seed"] == 5 and survey.params["respondents_per_service"] == 150
    with pytest.raises(AttributeError):
        survey.responses = r  # frozen dataclass


def test_respondent_ids(survey):
    r = survey.responses
    assert r["respondent_id"].is_unique  # so each respondent answers about one service
    assert r["respondent_id"].str.fullmatch(r"[NEW](23|25)-\d{5}").all()
    first = r["respondent_id"].str[0]
    assert (first == r["council"].str[0]).all()
    assert (r["respondent_id"].str[1:3].astype(int) == r["wave"] % 100).all()
    numbers = r["respondent_id"].str[4:].astype(int)
    per_block = numbers.groupby([r["council"], r["wave"]]).agg(["min", "max", "nunique"])
    assert (per_block["min"] == 1).all() and (per_block["max"] == 3000).all()
    # ids are not handed out service by service
    assert r.sort_values("respondent_id")["service"].iloc[:20].nunique() > 5
    keys = ["council", "wave", "respondent_id"]
    assert r[keys].equals(r[keys].sort_values(keys).reset_index(drop=True))


def test_council_prefixes_stay_distinct():
    assert synth._council_prefixes(["Northbridge", "Eastmoor", "Westfield"]) == ["N", "E", "W"]
    prefixes = synth._council_prefixes(["Newtown", "Northbridge"])
    assert len(set(prefixes)) == 2
    r = make_services_survey(
        seed=1, councils=("Newtown", "Northbridge"), n_services=2, respondents_per_service=8
    ).responses
    assert r["respondent_id"].is_unique


def test_deterministic_by_seed(survey):
    again = make_services_survey(seed=5)
    pd.testing.assert_frame_equal(survey.responses, again.responses)
    pd.testing.assert_frame_equal(survey.truth, again.truth)
    other = make_services_survey(seed=6)
    assert not survey.responses["planning"].equals(other.responses["planning"])
    assert not np.allclose(survey.truth["planning"], other.truth["planning"])


def test_age_sample_and_weights(survey):
    r = survey.responses
    n_young = round(0.25 * 150)
    young = r["age_group"] == "under 35"
    assert (young.groupby([r["council"], r["wave"], r["service"]]).sum() == n_young).all()
    assert np.allclose(r.loc[young, "weight"], 0.5 / (n_young / 150))
    assert np.allclose(r.loc[~young, "weight"], 0.5 / ((150 - n_young) / 150))
    # weighted, the sample has the population's 50/50 age split
    w_young = r["weight"].where(young, 0).groupby(r["service"]).sum()
    assert np.allclose(w_young / r["weight"].groupby(r["service"]).sum(), 0.5)


def test_truth_is_what_the_estimators_target():
    big = make_services_survey(
        seed=9, councils=("Westfield",), waves=(2023,), respondents_per_service=20_000
    )
    r = big.responses
    codes = grid.to_codes(r["planning"], axis="planning")
    dcodes = grid.to_codes(r["delivery"], axis="delivery")
    frame = r.assign(p=codes, d=dcodes, wp=codes * r["weight"], wd=dcodes * r["weight"])
    g = frame.groupby("service")
    truth = big.truth.set_index("service")
    weighted_p = g["wp"].sum() / g["weight"].sum()
    weighted_d = g["wd"].sum() / g["weight"].sum()
    np.testing.assert_allclose(weighted_p, truth.loc[weighted_p.index, "planning"], atol=0.03)
    np.testing.assert_allclose(weighted_d, truth.loc[weighted_d.index, "delivery"], atol=0.03)
    np.testing.assert_allclose(
        g["p"].mean(), truth.loc[weighted_p.index, "planning_unweighted"], atol=0.03
    )
    np.testing.assert_allclose(
        g["d"].mean(), truth.loc[weighted_p.index, "delivery_unweighted"], atol=0.03
    )
    # under-35s answer further towards community planning
    age_means = frame.groupby("age_group")["p"].mean()
    assert age_means["under 35"] - age_means["35 and over"] > 0.35


def test_truth_cells_spread_over_the_grid(survey):
    t = survey.truth
    assert set(grid.NAMED_CELLS.values()) <= set(t["cell"])
    blanks = {grid.describe_cell(p, d) for p, d in [(0, 1), (1, 0), (1, 2), (2, 1)]}
    assert len(blanks & set(t["cell"])) >= 3
    expected = grid.cell_of(t["planning"], t["delivery"])
    assert (t["cell"] == expected.astype(str)).all()
    assert t["planning"].between(0, 2).all() and t["delivery"].between(0, 2).all()


def test_planted_movement(survey):
    t = survey.truth
    first = t[t["wave"] == 2023].set_index(["council", "service"])
    second = t[t["wave"] == 2025].set_index(["council", "service"])
    is_mover = second.index.get_level_values("service").isin(list(DEFAULT_MOVERS))
    assert is_mover.sum() == 3 * 4
    shift = second["planning"] - first.loc[second.index, "planning"]
    np.testing.assert_allclose(shift[is_mover], 0.6)
    non = ~is_mover
    assert (
        (
            second.loc[non, ["planning", "delivery"]]
            == first.loc[second.index[non]][["planning", "delivery"]]
        )
        .all()
        .all()
    )
    assert (second["moved"].to_numpy() == is_mover).all()
    assert not first["moved"].any()
    # movers head for co-planning: professionals-planned before, co-planned after
    assert (grid.cell_levels(first.loc[second.index[is_mover], "planning"]) == 0).all()
    assert (grid.cell_levels(second.loc[is_mover, "planning"]) == 1).all()


def test_no_age_gap_means_no_weighting_bias():
    s = make_services_survey(seed=2, under35_shift=(0.0, 0.0), movers={})
    np.testing.assert_allclose(s.truth["planning"], s.truth["planning_unweighted"])
    np.testing.assert_allclose(s.truth["delivery"], s.truth["delivery_unweighted"])
    assert not s.truth["moved"].any()


def test_invalid_arguments():
    with pytest.raises(ValueError, match="n_services"):
        make_services_survey(n_services=99)
    with pytest.raises(ValueError, match="empty"):
        make_services_survey(respondents_per_service=2, under35_sample_share=0.1)
    with pytest.raises(ValueError, match="movers"):
        make_services_survey(movers={"Crematoria": (0.5, 0.0)})
    with pytest.raises(ValueError, match="councils"):
        make_services_survey(councils=("A", "A"))
    with pytest.raises(ValueError, match="between 0 and 1"):
        make_services_survey(under35_sample_share=1.0)


# ----------------------------------------------------------------- shipped file


def test_shipped_file_regenerates_exactly(tmp_path):
    assert SHIPPED.is_file()
    fresh = write_services_survey(tmp_path / "services_survey.csv", seed=SERVICES_SURVEY_SEED)
    shipped = pd.read_csv(SHIPPED)
    regenerated = pd.read_csv(fresh)
    pd.testing.assert_frame_equal(shipped, regenerated)
    with_organisation = [*RESPONSE_COLUMNS[:7], "organisation", *RESPONSE_COLUMNS[7:]]
    assert list(shipped.columns) == with_organisation
    assert len(shipped) == 18_000
    # under 2 MiB (1.5 MiB before the organisation column, about 18 bytes a row)
    assert SHIPPED.stat().st_size < 2 * 2**20
    # and it is the default survey with that seed and its organisation column, weights
    # rounded to 6 dp
    survey = make_services_survey(seed=SERVICES_SURVEY_SEED, organisation=True)
    expected = survey.responses.assign(weight=survey.responses["weight"].round(6))
    pd.testing.assert_frame_equal(shipped, expected, check_dtype=False)


def test_shipped_file_places_cleanly():
    shipped = pd.read_csv(SHIPPED)
    placed = grid.place_services(
        shipped,
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        by=["council", "wave"],
        n_boot=200,
        seed=0,
    )
    assert len(placed) == 120


def test_source_file_documents_the_data():
    text = SOURCE.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text.upper()
    assert "make_services_survey(seed=20250101)" in text
    assert str(SERVICES_SURVEY_SEED) == "20250101"
    assert "CC0" in text and "public domain" in text
    assert "write_services_survey" in text
    assert re.search(r"18,000 rows", text)


# ----------------------------------------------------------------- who delivers


def test_the_organisation_column_is_opt_in_and_changes_nothing_else(survey):
    with_organisation = make_services_survey(seed=5, organisation=True)
    r = with_organisation.responses
    assert list(r.columns) == [*RESPONSE_COLUMNS[:7], "organisation", *RESPONSE_COLUMNS[7:]]
    pd.testing.assert_frame_equal(r.drop(columns="organisation"), survey.responses)
    pd.testing.assert_frame_equal(with_organisation.truth, survey.truth)
    assert "organisation" not in survey.responses
    # the planted shares are there either way: 6 kinds per council x service x wave
    planted = survey.organisation_truth
    assert list(planted.columns) == ["council", "service", "wave", "organisation", "share"]
    assert len(planted) == 3 * 20 * 2 * 6
    assert np.allclose(planted.groupby(["council", "service", "wave"])["share"].sum(), 1.0)
    lighting = planted.query("service == 'Street lighting' and organisation == 'PFI contract'")
    assert lighting["share"].unique().tolist() == [0.70]


def test_organisation_shares_are_checked():
    with pytest.raises(ValueError, match="has no shares for"):
        make_services_survey(organisation=True, organisation_shares={"Libraries": {}})
    every = {s.name: {"council in-house": 1.0} for s in synth.SERVICE_CATALOGUE}
    with pytest.raises(ValueError, match="summing to 1"):
        make_services_survey(organisation_shares={**every, "Libraries": {"residents": 0.5}})
    with pytest.raises(ValueError, match="not one of coprod.vocab.ORGANISATION_KINDS"):
        make_services_survey(organisation_shares={**every, "Libraries": {"council": 1.0}})
    own = make_services_survey(seed=1, n_services=2, organisation=True, organisation_shares=every)
    assert set(own.responses["organisation"]) == {"council in-house"}


def test_neighbourhood_survey_plants_its_differences():
    from coprod.grid import place_services

    survey = synth.make_neighbourhood_survey(seed=5)
    r = survey.responses
    assert list(r.columns) == [
        "respondent_id",
        "council",
        "wave",
        "neighbourhood",
        "service",
        "planning",
        "delivery",
    ]
    assert len(r) == 4 * 6 * 120 and r["respondent_id"].is_unique
    again = synth.make_neighbourhood_survey(seed=5).responses
    pd.testing.assert_frame_equal(r, again)
    placed = place_services(
        r,
        service="service",
        planning="planning",
        delivery="delivery",
        by="neighbourhood",
        seed=1,
    ).merge(survey.truth, on=["neighbourhood", "service"], suffixes=("", "_true"))
    for axis in ("planning", "delivery"):
        inside = placed[f"{axis}_true"].between(placed[f"{axis}_low"], placed[f"{axis}_high"])
        assert inside.mean() >= 0.85, axis
    planted = placed[placed["planted"]].set_index(["neighbourhood", "service"])
    assert planted.loc[("Riverside", "Parks and green spaces"), "planning"] > 1.0
    assert planted.loc[("Old Town", "Traffic calming"), "planning"] < 0.5
    with pytest.raises(ValueError, match="not surveyed"):
        synth.make_neighbourhood_survey(effects={("Nowhere", "Libraries"): (0.5, 0.0)})

"""Tests for coprod.grid: naming the cells, parsing levels, placing services."""

from __future__ import annotations

import re
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from coprod import grid, synth
from coprod.grid import (
    DELIVERY_LEVELS,
    NAMED_CELLS,
    PLANNING_LEVELS,
    LevelError,
    cell_levels,
    cell_name,
    cell_of,
    cell_shares,
    cells,
    describe_cell,
    movement,
    place_services,
    to_codes,
)

AXES = {"service": "service", "planning": "planning", "delivery": "delivery"}
BLANKS = [
    ("professionals", "co-delivery"),
    ("co-planning", "professionals"),
    ("co-planning", "community"),
    ("community", "co-delivery"),
]


# ------------------------------------------------------------------- naming


def test_levels_and_named_cells_are_exact():
    assert PLANNING_LEVELS == ("professionals", "co-planning", "community")
    assert DELIVERY_LEVELS == ("professionals", "co-delivery", "community")
    assert isinstance(NAMED_CELLS, MappingProxyType)
    assert dict(NAMED_CELLS) == {
        ("professionals", "professionals"): "Traditional services",
        ("co-planning", "co-delivery"): "Full co-production",
        ("professionals", "community"): "Outsourcing",
        ("community", "professionals"): "Community planning",
        ("community", "community"): "Self-help groups",
    }
    with pytest.raises(TypeError):
        NAMED_CELLS[("co-planning", "professionals")] = "x"  # type: ignore[index]


def test_cell_name_named_and_blank():
    for (plan, deliver), name in NAMED_CELLS.items():
        assert cell_name(plan, deliver) == name
        assert cell_name(PLANNING_LEVELS.index(plan), DELIVERY_LEVELS.index(deliver)) == name
    for plan, deliver in BLANKS:
        assert cell_name(plan, deliver) is None
    assert cell_name(" Co-Planning ", "CO-DELIVERY") == "Full co-production"


def test_user_names_name_blanks_and_rename_without_mutation():
    before = dict(NAMED_CELLS)
    names = {("co-planning", "professionals"): "Joint planning", (0, 0): "Council-run"}
    assert cell_name(1, 0, names=names) == "Joint planning"
    assert cell_name("professionals", "professionals", names=names) == "Council-run"
    assert cell_name(2, 2, names=names) == "Self-help groups"
    assert cell_name(0, 1, names=names) is None
    # nothing leaked into module state
    assert dict(NAMED_CELLS) == before
    assert cell_name(1, 0) is None
    assert cell_name(0, 0) == "Traditional services"
    assert pd.isna(cells().set_index(["planning_code", "delivery_code"]).loc[(1, 0), "name"])
    named = cells(names=names).set_index(["planning_code", "delivery_code"])
    assert named.loc[(1, 0), "name"] == "Joint planning"
    assert cell_of(1.0, 0.2, names=names) == "Joint planning"
    assert cell_of(1.0, 0.2) == "co-planned, professionally delivered"


def test_bad_user_names_raise():
    with pytest.raises(LevelError):
        cell_name(0, 0, names={("co-delivery", 0): "x"})
    with pytest.raises(ValueError, match="non-empty string"):
        cell_name(0, 0, names={(1, 0): ""})
    with pytest.raises(ValueError, match="pairs"):
        cell_name(0, 0, names={"co-planning": "x"})


def test_describe_all_nine_cells():
    descriptions = {describe_cell(p, d) for p in range(3) for d in range(3)}
    assert len(descriptions) == 9
    assert describe_cell("co-planning", "professionals") == "co-planned, professionally delivered"
    assert describe_cell(0, 2) == "professionally planned, community delivered"
    assert describe_cell("community", "co-delivery") == "community planned, co-delivered"
    assert describe_cell(1, 1) == "co-planned, co-delivered"


def test_cells_table():
    table = cells()
    assert list(table.columns) == [
        "planning",
        "delivery",
        "planning_code",
        "delivery_code",
        "name",
        "description",
        "arnstein_group",
    ]
    assert len(table) == 9
    assert table["name"].notna().sum() == 5
    assert set(table["name"].dropna()) == set(NAMED_CELLS.values())
    groups = table.groupby("planning_code")["arnstein_group"].unique()
    assert list(groups[0]) == ["Non-participation / Tokenism"]
    assert list(groups[1]) == ["Citizen power (partnership)"]
    assert list(groups[2]) == ["Citizen power (delegated power, citizen control)"]
    for row in table.itertuples():
        assert row.description == describe_cell(row.planning_code, row.delivery_code)
        assert PLANNING_LEVELS[row.planning_code] == row.planning
        assert DELIVERY_LEVELS[row.delivery_code] == row.delivery


def test_arnstein_ladder_and_crosswalk():
    ladder = grid.arnstein_ladder()
    assert list(ladder.columns) == ["rung", "name", "group"]
    assert ladder["rung"].tolist() == list(range(1, 9))
    assert ladder["name"].tolist() == [
        "Manipulation",
        "Therapy",
        "Informing",
        "Consultation",
        "Placation",
        "Partnership",
        "Delegated power",
        "Citizen control",
    ]
    assert (
        ladder["group"].tolist()
        == ["Non-participation"] * 2 + ["Tokenism"] * 3 + ["Citizen power"] * 3
    )
    cross = grid.planning_rungs()
    assert list(cross.columns) == ["planning", "rung", "name", "group"]
    rungs = cross.groupby("planning", sort=False)["rung"].apply(list).to_dict()
    assert rungs == {"professionals": [1, 2, 3, 4, 5], "co-planning": [6], "community": [7, 8]}
    merged = cross.merge(ladder, on="rung", suffixes=("", "_ladder"))
    assert (merged["name"] == merged["name_ladder"]).all()
    assert "Bovaird" in grid.__doc__ and "Arnstein" in grid.__doc__


# ------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("value", "axis", "code"),
    [
        ("professionals", "planning", 0),
        ("  Co-Planning ", "planning", 1),
        ("COMMUNITY", "planning", 2),
        ("co-delivery", "delivery", 1),
        (0, "planning", 0),
        (np.int64(2), "delivery", 2),
        (1.0, "delivery", 1),
        ("2", "planning", 2),
        (" 1 ", "delivery", 1),
        ("1.0", "planning", 1),
    ],
)
def test_to_codes_accepts_names_and_numbers(value, axis, code):
    assert to_codes([value], axis=axis).tolist() == [code]


@pytest.mark.parametrize(
    "bad", ["co-delivery", "professional", 3, -1, 1.5, "1.5", "", True, None, np.nan]
)
def test_to_codes_rejects_anything_else(bad):
    with pytest.raises(LevelError):
        to_codes(["community", bad], axis="planning")


def test_to_codes_on_series_of_each_dtype():
    assert to_codes(pd.Series(["Community", "co-delivery"]), axis="delivery").tolist() == [2, 1]
    assert to_codes(pd.Series([0.0, 2.0, 1.0]), axis="delivery").tolist() == [0, 2, 1]
    assert to_codes(pd.Series([2, 0], dtype="Int64"), axis="planning").tolist() == [2, 0]
    assert to_codes(pd.Categorical(["co-planning", "community"]), axis="planning").tolist() == [
        1,
        2,
    ]
    assert to_codes(pd.Series([], dtype="str"), axis="planning").tolist() == []
    assert to_codes(np.array([2, 0, 1]), axis="planning").tolist() == [2, 0, 1]
    assert to_codes(pd.Index(["co-delivery"]), axis="delivery").tolist() == [1]
    with pytest.raises(LevelError, match="rows 1, 2"):
        to_codes(np.array([True, False]), axis="planning")
    with pytest.raises(LevelError, match="rows 2"):
        to_codes(pd.Series([1.0, np.nan]), axis="planning")
    with pytest.raises(ValueError, match="axis"):
        to_codes(["community"], axis="deliver")


def test_level_error_message_names_column_values_and_rows():
    values = pd.Series(
        ["community", "Council", "co-planning", None, "Council", "3", "co-delivery"],
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    with pytest.raises(LevelError) as info:
        to_codes(values, axis="planning", column="q7_planning", source="survey.csv")
    err = info.value
    message = str(err)
    assert isinstance(err, ValueError)
    assert "'q7_planning'" in message and "survey.csv" in message
    assert "'Council'" in message and "'3'" in message and "'co-delivery'" in message
    assert "missing" in message
    assert "rows 2, 4, 5, 6, 7" in message  # 1-based positions, not the index labels
    assert "'professionals', 'co-planning', 'community'" in message
    assert "0, 1, 2" in message
    assert "quarantine" in message
    assert err.rows == [2, 4, 5, 6, 7]
    assert err.column == "q7_planning"
    assert err.values == ["Council", None, "3", "co-delivery"]


def test_level_error_message_truncates_values_and_rows():
    values = [f"bad{i}" for i in range(8)] * 3 + ["community"]
    with pytest.raises(LevelError) as info:
        to_codes(values, axis="delivery", column="d")
    message = str(info.value)
    assert "'bad4'" in message and "'bad5'" not in message and "3 more" in message
    assert "rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ..." in message
    assert "24 rows in all" in message
    assert len(info.value.rows) == 24


# ----------------------------------------------------------------- positions


def test_cell_levels_cut_points():
    pos = [0.0, 0.49, 0.5, 1.0, 1.49, 1.5, 2.0]
    assert cell_levels(pos).tolist() == [0, 0, 1, 1, 1, 2, 2]
    assert cell_levels(0.5) == 1 and isinstance(cell_levels(0.5), int)
    with pytest.raises(ValueError):
        cell_levels([2.5])
    with pytest.raises(ValueError):
        cell_levels([np.nan])


def test_cell_of_vectorised():
    plan = pd.Series([0.2, 1.0, 0.1, 1.9, 1.9, 1.2], index=list("abcdef"))
    deliver = [0.3, 0.9, 1.8, 0.1, 1.6, 0.2]
    out = cell_of(plan, deliver)
    assert list(out.index) == list("abcdef")
    assert out.tolist() == [
        "Traditional services",
        "Full co-production",
        "Outsourcing",
        "Community planning",
        "Self-help groups",
        "co-planned, professionally delivered",
    ]
    assert cell_of(np.array([0.5]), np.array([1.49])).tolist() == ["Full co-production"]


# ------------------------------------------------------------------ placement


def _tiny():
    return pd.DataFrame(
        {
            "svc": ["A", "A", "A", "A", "B", "C", "C"],
            "plan": ["professionals", "co-planning", "community", "co-planning", 2, 0, 0],
            "deliv": [0, 0, 1, 2, "co-delivery", "community", "community"],
            "w": [1.0, 1.0, 2.0, 0.0, 3.0, 1.0, 1.0],
        }
    )


def test_place_services_exact_positions_and_columns():
    out = place_services(_tiny(), service="svc", planning="plan", delivery="deliv", seed=1)
    assert list(out.columns) == [
        "service",
        "n",
        "planning",
        "delivery",
        "planning_low",
        "planning_high",
        "delivery_low",
        "delivery_high",
        "cell",
        "interval",
    ]
    assert (out["interval"] == "bootstrap").all()  # unweighted: the bootstrap by default
    out = out.set_index("service")
    assert out.loc["A", "n"] == 4
    assert out.loc["A", "planning"] == pytest.approx(1.0)
    assert out.loc["A", "delivery"] == pytest.approx(0.75)
    assert out.loc["A", "cell"] == "Full co-production"
    # n = 1 and identical answers: degenerate interval at the point
    for svc, plan, deliver in [("B", 2.0, 1.0), ("C", 0.0, 2.0)]:
        row = out.loc[svc]
        assert row["planning_low"] == row["planning_high"] == plan
        assert row["delivery_low"] == row["delivery_high"] == deliver
    assert out.loc["C", "cell"] == "Outsourcing"
    assert out.loc["B", "cell"] == "community planned, co-delivered"
    assert out.loc["A", "planning_low"] < 1.0 < out.loc["A", "planning_high"]


def test_place_services_weighted_exact():
    out = place_services(
        _tiny(), service="svc", planning="plan", delivery="deliv", weight="w", seed=1
    ).set_index("service")
    assert {"weight_sum", "effective_n"} <= set(out.columns)
    # A: codes planning 0,1,2,1 with weights 1,1,2,0
    assert out.loc["A", "planning"] == pytest.approx((0 + 1 + 4 + 0) / 4)
    assert out.loc["A", "delivery"] == pytest.approx((0 + 0 + 2 + 0) / 4)
    assert out.loc["A", "weight_sum"] == pytest.approx(4.0)
    assert out.loc["A", "effective_n"] == pytest.approx(16 / 6)
    assert out.loc["B", "effective_n"] == pytest.approx(1.0)


def test_place_services_interval_matches_normal_theory_and_seed():
    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame(
        {"service": "X", "planning": rng.binomial(2, 0.4, n), "delivery": rng.binomial(2, 0.8, n)}
    )
    out = place_services(frame, **AXES, n_boot=4000, seed=2)
    row = out.iloc[0]
    for axis in ("planning", "delivery"):
        codes = frame[axis].to_numpy(dtype=float)
        se = codes.std(ddof=0) / np.sqrt(n)
        assert row[axis] == pytest.approx(codes.mean())
        assert row[f"{axis}_low"] == pytest.approx(codes.mean() - 1.96 * se, abs=0.015)
        assert row[f"{axis}_high"] == pytest.approx(codes.mean() + 1.96 * se, abs=0.015)
    again = place_services(frame, **AXES, n_boot=4000, seed=2)
    pd.testing.assert_frame_equal(out, again)
    bounds = ["planning_low", "planning_high", "delivery_low", "delivery_high"]
    others = [place_services(frame, **AXES, n_boot=50, seed=s)[bounds] for s in range(4)]
    assert any(not o.equals(others[0]) for o in others[1:])


def test_place_services_by_groups_and_order():
    frame = pd.DataFrame(
        {
            "wave": [2025, 2023, 2025, 2023, 2023],
            "svc": ["B", "B", "A", "A", "A"],
            "p": [2, 0, 1, 1, 2],
            "d": [0, 0, 0, 2, 2],
        }
    )
    out = place_services(frame, service="svc", planning="p", delivery="d", by="wave", seed=0)
    assert list(out.columns[:3]) == ["wave", "service", "n"]
    assert out[["wave", "service"]].values.tolist() == [
        [2023, "A"],
        [2023, "B"],
        [2025, "A"],
        [2025, "B"],
    ]
    assert out["planning"].tolist() == [1.5, 0.0, 1.0, 2.0]
    assert out["n"].tolist() == [2, 1, 1, 1]


def test_place_services_errors_are_clear():
    frame = _tiny()
    frame.loc[2, "plan"] = "Council"
    with pytest.raises(LevelError, match=r"'plan'.*'Council'.*rows 3"):
        place_services(frame, service="svc", planning="plan", delivery="deliv")
    frame = _tiny()
    frame["w"] = [1.0, -1.0, 1.0, np.nan, 1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"'w'.*rows 2, 4") as info:
        place_services(frame, service="svc", planning="plan", delivery="deliv", weight="w")
    assert not isinstance(info.value, LevelError)
    frame = _tiny()
    frame["w"] = [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="sums to zero"):
        place_services(frame, service="svc", planning="plan", delivery="deliv", weight="w")
    with pytest.raises(ValueError, match="nope"):
        place_services(_tiny(), service="svc", planning="plan", delivery="deliv", by="nope")
    with pytest.raises(ValueError, match="n_boot"):
        place_services(_tiny(), service="svc", planning="plan", delivery="deliv", n_boot=0)
    frame = _tiny()
    frame.loc[1, "svc"] = None
    with pytest.raises(ValueError, match="rows 2"):
        place_services(frame, service="svc", planning="plan", delivery="deliv")


def _inside(frame: pd.DataFrame, axis: str, truth_col: str) -> pd.Series:
    return (frame[f"{axis}_low"] <= frame[truth_col]) & (frame[truth_col] <= frame[f"{axis}_high"])


def test_recovery_on_one_survey_per_council_and_wave():
    survey = synth.make_services_survey(seed=11)
    placed = place_services(
        survey.responses, **AXES, weight="weight", by=["council", "wave"], seed=11
    )
    assert len(placed) == 3 * 20 * 2
    merged = placed.merge(survey.truth, on=["council", "service", "wave"], suffixes=("", "_true"))
    assert len(merged) == len(placed)
    merged["ok_p"] = _inside(merged, "planning", "planning_true")
    merged["ok_d"] = _inside(merged, "delivery", "delivery_true")
    per_group = merged.groupby(["council", "wave"])[["ok_p", "ok_d"]].mean()
    assert len(per_group) == 6
    assert (per_group >= 0.85).all().all(), per_group
    # and the point estimates are close
    assert (merged["planning"] - merged["planning_true"]).abs().max() < 0.3


def test_coverage_over_repeated_simulations():
    hits = []
    for seed in range(25):
        survey = synth.make_services_survey(
            seed=1000 + seed, councils=("Northbridge",), waves=(2023,)
        )
        placed = place_services(survey.responses, **AXES, weight="weight", seed=seed)
        merged = placed.merge(survey.truth, on="service", suffixes=("", "_true"))
        assert len(merged) == 20
        hits.append(_inside(merged, "planning", "planning_true").to_numpy())
        hits.append(_inside(merged, "delivery", "delivery_true").to_numpy())
    coverage = np.concatenate(hits).mean()
    assert 0.90 <= coverage <= 0.99, coverage


def test_weights_matter():
    # a strong age gap, under-35s under-sampled (25% of the sample, 50% of the population)
    survey = synth.make_services_survey(
        seed=7,
        councils=("Eastmoor",),
        waves=(2025,),
        under35_shift=(1.2, 0.0),
        respondents_per_service=400,
    )
    truth = survey.truth.set_index("service")
    assert ((truth["planning"] - truth["planning_unweighted"]) > 0.04).all()
    w = place_services(survey.responses, **AXES, weight="weight", seed=1).set_index("service")
    u = place_services(survey.responses, **AXES, seed=1).set_index("service")
    assert "weight_sum" not in u.columns
    truth = truth.loc[w.index]
    w_ok = (w["planning_low"] <= truth["planning"]) & (truth["planning"] <= w["planning_high"])
    u_ok = (u["planning_low"] <= truth["planning_unweighted"]) & (
        truth["planning_unweighted"] <= u["planning_high"]
    )
    assert w_ok.mean() >= 0.85
    assert u_ok.mean() >= 0.85
    # the unweighted interval misses the population truth
    u_hits_truth = (u["planning_low"] <= truth["planning"]) & (
        truth["planning"] <= u["planning_high"]
    )
    assert u_hits_truth.mean() <= 0.2
    half_width = (w["planning_high"] - w["planning_low"]) / 2
    clearly_different = (w["planning"] - u["planning"]).abs() > half_width
    assert clearly_different.mean() >= 0.85
    assert (w["planning"] - u["planning"]).mean() > 0.12
    # delivery had no age gap: weighting changes little there
    assert (w["delivery"] - u["delivery"]).abs().mean() < 0.05


# -------------------------------------------------------------------- shares


def test_cell_shares_exact_weighted():
    out = cell_shares(_tiny(), service="svc", planning="plan", delivery="deliv", weight="w")
    assert list(out.columns) == ["service", "planning", "delivery", "cell", "share", "n"]
    assert len(out) == 27
    a = out[out["service"] == "A"].set_index(["planning", "delivery"])
    # A: (0,0) w1, (1,0) w1, (2,1) w2, (1,2) w0 -> total 4
    assert a.loc[("professionals", "professionals"), "share"] == pytest.approx(0.25)
    assert a.loc[("co-planning", "professionals"), "share"] == pytest.approx(0.25)
    assert a.loc[("community", "co-delivery"), "share"] == pytest.approx(0.5)
    assert a.loc[("co-planning", "community"), "share"] == 0.0
    assert a.loc[("co-planning", "community"), "n"] == 1  # answered, but weight 0
    assert a["n"].sum() == 4
    assert (a["share"] == 0).sum() == 6
    assert a.loc[("professionals", "professionals"), "cell"] == "Traditional services"
    assert a.loc[("co-planning", "professionals"), "cell"] == "co-planned, professionally delivered"
    c = out[out["service"] == "C"].set_index(["planning", "delivery"])
    assert c.loc[("professionals", "community"), "share"] == 1.0


def test_cell_shares_unweighted_sum_to_one_by_group():
    survey = synth.make_services_survey(seed=4, councils=("A",))
    out = cell_shares(survey.responses, **AXES, by=["council", "wave"])
    assert list(out.columns[:3]) == ["council", "wave", "service"]
    sums = out.groupby(["council", "wave", "service"])["share"].sum()
    assert len(sums) == 40
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    assert (out.groupby(["council", "wave", "service"]).size() == 9).all()
    assert (out.groupby(["council", "wave", "service"])["n"].sum() == 150).all()
    weighted = cell_shares(survey.responses, **AXES, by=["council", "wave"], weight="weight")
    np.testing.assert_allclose(weighted.groupby(["wave", "service"])["share"].sum(), 1.0)
    assert not np.allclose(weighted["share"], out["share"])


# ------------------------------------------------------------------ movement


def test_movement_exact_on_tiny_frame():
    frame = pd.DataFrame(
        {
            "wave": [3, 3, 1, 1, 2, 2, 1, 1, 3, 3, 1],
            "svc": ["A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "C"],
            "p": [2, 2, 0, 0, 1, 1, 1, 1, 1, 1, 0],
            "d": [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 0],
        }
    )
    out = movement(frame, service="svc", wave="wave", planning="p", delivery="d", seed=0)
    assert list(out.columns) == [
        "service",
        "wave_from",
        "wave_to",
        "planning_from",
        "delivery_from",
        "planning_to",
        "delivery_to",
        "planning_shift",
        "planning_shift_low",
        "planning_shift_high",
        "delivery_shift",
        "delivery_shift_low",
        "delivery_shift_high",
        "cell_from",
        "cell_to",
        "moved",
        "planning_p",
        "delivery_p",
        "adjustment",
        "planning_p_adjusted",
        "delivery_p_adjusted",
        "cell_change",
        "interval",
    ]
    # C was surveyed once: no row; B skips wave 2
    assert out[["service", "wave_from", "wave_to"]].values.tolist() == [
        ["A", 1, 2],
        ["A", 2, 3],
        ["B", 1, 3],
    ]
    assert out["planning_shift"].tolist() == [1.0, 1.0, 0.0]
    assert out["planning_shift_low"].tolist() == [1.0, 1.0, 0.0]
    assert out["delivery_shift"].tolist() == [0.0, 0.0, 0.0]
    assert out["moved"].tolist() == [True, True, False]
    assert out["cell_from"].tolist() == [
        "Traditional services",
        "co-planned, professionally delivered",
        "co-planned, community delivered",
    ]
    assert out["cell_to"].iloc[1] == "Community planning"


def test_movement_finds_planted_movers():
    movers = set(synth.DEFAULT_MOVERS)
    false_positive = []
    for seed in (21, 22, 23):
        survey = synth.make_services_survey(seed=seed)
        out = movement(
            survey.responses, **AXES, wave="wave", weight="weight", by="council", seed=seed
        )
        assert list(out.columns[:4]) == ["council", "service", "wave_from", "wave_to"]
        assert len(out) == 3 * 20
        planted = out["service"].isin(movers)
        assert out.loc[planted, "moved"].all()
        assert (out.loc[planted, "planning_shift_low"] > 0).all()
        assert out.loc[planted, "planning_shift"].between(0.3, 0.9).all()
        false_positive.append(out.loc[~planted, "moved"].to_numpy())
        truth = survey.truth[survey.truth["wave"] == 2025].set_index(["council", "service"])
        flagged = truth.loc[list(zip(out["council"], out["service"], strict=True)), "moved"]
        assert (flagged.to_numpy() == planted.to_numpy()).all()
    rate = np.concatenate(false_positive).mean()
    assert rate <= 0.15, rate


def test_movement_rejects_wave_in_by():
    with pytest.raises(ValueError, match="wave"):
        movement(_tiny().assign(wave=1), **AXES, wave="wave", by="wave")


# ----------------------------------------------------------------- summaries


def test_placement_summary_names_cells_and_uncertain_services():
    placements = pd.DataFrame(
        {
            "service": ["Libraries", "Food banks", "Play areas"],
            "n": [150, 150, 150],
            "planning": [0.2, 1.8, 1.45],
            "delivery": [0.2, 1.8, 0.7],
            "planning_low": [0.1, 1.7, 1.3],
            "planning_high": [0.3, 1.9, 1.6],
            "delivery_low": [0.1, 1.7, 0.6],
            "delivery_high": [0.3, 1.9, 0.8],
            "cell": ["Traditional services", "Self-help groups", "Full co-production"],
        }
    )
    text = " ".join(grid.placement_summary(placements).split())  # unwrapped
    assert text.startswith("3 services placed")
    assert "'Self-help groups'" in text and "'Traditional services'" in text
    assert "1 placement is uncertain" in text and "Play areas" in text
    assert "Libraries" not in text.split("uncertain")[1]
    assert " ".join(grid.placement_summary(placements.iloc[:2]).split()).endswith(
        "no 95% interval crosses a cell boundary (0.5 or 1.5)."
    )
    assert grid.placement_summary(placements.iloc[:0]) == "No services were placed."


def test_movement_summary_lists_movers():
    frame = pd.DataFrame(
        {
            "wave": [1, 1, 2, 2, 1, 1, 2, 2],
            "svc": ["Libraries"] * 4 + ["Parks"] * 4,
            "p": [0, 0, 1, 1, 1, 1, 1, 1],
            "d": [0, 0, 0, 0, 1, 1, 1, 1],
        }
    )
    moves = movement(frame, service="svc", wave="wave", planning="p", delivery="d", seed=0)
    text = " ".join(grid.movement_summary(moves).split())  # unwrapped
    assert text.startswith("2 comparisons")
    assert "Libraries 1 to 2: planning +1.00" in text
    assert "Parks" not in text.split("Changed cell")[0].split("moved")[1]
    assert "from 'Traditional services' to 'co-planned, professionally delivered'" in text
    assert "No service" in grid.movement_summary(moves.iloc[:0])
    noisy = moves.assign(moved=False)
    text = grid.movement_summary(noisy)
    assert "None moved" in text and "Changed cell" not in text
    assert "Within noise: the point position crossed a cell boundary" in " ".join(text.split())
    assert "Libraries" in text


def test_weighted_position_exactly_on_a_cut_point_is_not_pushed_down():
    # (0.3 * 2) / (0.1 + 0.1 + 0.3 + 0.7) is exactly 0.5, but float sums give 0.4999...
    frame = pd.DataFrame({"svc": "X", "pl": [0, 0, 2, 0], "de": 0, "w": [0.1, 0.1, 0.3, 0.7]})
    placed = place_services(
        frame, service="svc", planning="pl", delivery="de", weight="w", n_boot=50, seed=0
    )
    assert placed.loc[0, "planning"] == pytest.approx(0.5)
    assert placed.loc[0, "cell"] == "co-planned, professionally delivered"


def test_movement_never_calls_a_one_respondent_wave_a_move():
    rows = [("B", 2, "professionals")] * 15 + [("B", 3, "community")]
    frame = pd.DataFrame(rows, columns=["service", "wave", "planning"]).assign(
        delivery="professionals"
    )
    moves = movement(
        frame,
        service="service",
        wave="wave",
        planning="planning",
        delivery="delivery",
        n_boot=200,
        seed=0,
    )
    assert moves.loc[0, "planning_shift"] == pytest.approx(2.0)
    assert not bool(moves.loc[0, "moved"])


# ------------------------------------------------------------- who delivers: organisations


@pytest.mark.parametrize(("interval", "held"), [("auto", 343), ("bootstrap", 342)])
def test_organisation_shares_recover_the_planted_shares(interval, held):
    survey = synth.make_services_survey(seed=21, organisation=True)
    shares = grid.organisation_shares(
        survey.responses,
        weight="weight",
        by=["council", "wave"],
        n_boot=400,
        seed=21,
        interval=interval,
    )
    assert list(shares.columns) == ["council", "wave", *grid.ORGANISATION_SHARE_COLUMNS]
    # weighted: "auto" is the linearised interval
    assert (shares["interval"] == ("linearised" if interval == "auto" else interval)).all()
    assert len(shares) == 3 * 2 * 20 * 6  # every kind, named or not
    merged = shares.merge(
        survey.organisation_truth,
        on=["council", "service", "wave", "organisation"],
        suffixes=("", "_true"),
        validate="1:1",
    )
    assert len(merged) == len(shares)
    assert (merged["answered"] == 150).all()
    assert np.allclose(merged.groupby(["council", "wave", "service"])["share"].sum(), 1.0)
    planted = merged[merged["share_true"] > 0]
    inside = planted["share_true"].between(planted["share_low"], planted["share_high"])
    # 95% intervals: about 95% hold the planted share (here 343 or 342 of 360), none far off
    assert (len(planted), int(inside.sum())) == (360, held)
    assert (planted["share"] - planted["share_true"]).abs().max() < 0.15
    # a kind nobody can name is never seen: share 0 with a degenerate interval
    never = merged[merged["share_true"] == 0]
    assert (never["n"] == 0).all() and (
        never[["share", "share_low", "share_high"]] == 0
    ).all().all()


def test_organisation_shares_are_weighted_and_leave_out_unknown_answers():
    frame = pd.DataFrame(
        {
            "service": ["Refuse"] * 5,
            "organisation": ["PFI contract", "pfi contract", "Council in-house", None, np.nan],
            "weight": [1.0, 1.0, 2.0, 5.0, 5.0],
        }
    )
    shares = grid.organisation_shares(frame, weight="weight", n_boot=50, seed=0)
    by_kind = shares.set_index("organisation")
    assert by_kind.loc["PFI contract", "share"] == 0.5  # 2 of 4 units of weight naming one
    assert by_kind.loc["council in-house", "share"] == 0.5
    assert by_kind.loc["PFI contract", "n"] == 2 and (shares["answered"] == 3).all()
    unweighted = grid.organisation_shares(frame, n_boot=50, seed=0).set_index("organisation")
    assert unweighted.loc["PFI contract", "share"] == pytest.approx(2 / 3)
    # nobody named an organisation: shares missing, not zero
    nobody = grid.organisation_shares(frame.iloc[3:], n_boot=10, seed=0)
    assert nobody["share"].isna().all() and (nobody["answered"] == 0).all()


def test_organisation_values_are_never_guessed():
    frame = pd.DataFrame(
        {"service": ["A", "A", "B"], "organisation": ["residents", "council", "x"]}
    )
    with pytest.raises(ValueError) as caught:
        grid.organisation_shares(frame)
    assert str(caught.value).startswith(
        "column 'organisation' has values that are not kinds of delivering organisation "
        "('council' and 'x') at rows 2, 3 (1-based row numbers); the kinds are "
        "'council in-house', 'private contractor'"
    )


def test_place_services_adds_the_main_organisation_only_when_asked():
    survey = synth.make_services_survey(seed=3, councils=("A",), waves=(1,), organisation=True)
    plain = place_services(survey.responses, **AXES, weight="weight", seed=3, n_boot=100)
    before = place_services(
        survey.responses.drop(columns="organisation"), **AXES, weight="weight", seed=3, n_boot=100
    )
    pd.testing.assert_frame_equal(plain, before)  # the default: existing results unchanged
    assert "organisation" not in plain
    placed = place_services(
        survey.responses, **AXES, weight="weight", seed=3, n_boot=100, organisation="organisation"
    )
    assert list(placed.columns) == [
        *grid.PLACEMENT_COLUMNS,
        "organisation",
        "organisation_share",
        "weight_sum",
        "effective_n",
    ]
    pd.testing.assert_frame_equal(
        placed.drop(columns=["organisation", "organisation_share"]), plain
    )
    shares = grid.organisation_shares(survey.responses, weight="weight", n_boot=10, seed=0)
    main = shares.sort_values("share", ascending=False, kind="stable").drop_duplicates("service")
    expected = main.set_index("service")[["organisation", "share"]].sort_index()
    got = placed.set_index("service")[["organisation", "organisation_share"]].sort_index()
    assert (got["organisation"] == expected["organisation"]).all()
    assert np.allclose(got["organisation_share"], expected["share"])
    lighting = placed.set_index("service").loc["Street lighting"]
    assert lighting["organisation"] == "PFI contract" and lighting["organisation_share"] > 0.6


def test_a_tie_goes_to_the_kind_listed_first():
    frame = pd.DataFrame(
        {
            "service": ["A"] * 2,
            "planning": [0, 0],
            "delivery": [0, 0],
            "organisation": ["residents", "council in-house"],
        }
    )
    placed = place_services(frame, **AXES, organisation="organisation", n_boot=10, seed=0)
    assert placed[["organisation", "organisation_share"]].values.tolist() == [
        ["council in-house", 0.5]
    ]


# ------------------------------------------------------------------ multiple comparisons


def test_movement_p_values_and_cell_change_on_tiny_frame():
    frame = pd.DataFrame(
        {
            "wave": [3, 3, 1, 1, 2, 2, 1, 1, 3, 3, 1],
            "svc": ["A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "C"],
            "p": [2, 2, 0, 0, 1, 1, 1, 1, 1, 1, 0],
            "d": [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 0],
        }
    )
    out = movement(frame, service="svc", wave="wave", planning="p", delivery="d", seed=0)
    # no spread at all: every replicate of A's shift is +1 (p = 2 / 1001), B's is 0 (p = 1)
    assert out["planning_p"].tolist() == pytest.approx([2 / 1001, 2 / 1001, 1.0])
    assert out["delivery_p"].tolist() == [1.0, 1.0, 1.0]
    assert out["adjustment"].tolist() == ["none"] * 3
    assert out["planning_p_adjusted"].tolist() == out["planning_p"].tolist()
    assert out["cell_change"].tolist() == ["changed cell", "changed cell", "same cell"]


def test_movement_adjustment_removes_chance_movers_keeps_planted():
    movers = set(synth.DEFAULT_MOVERS)
    survey = synth.make_services_survey(seed=31)
    raw = movement(survey.responses, **AXES, wave="wave", weight="weight", by="council", seed=4)
    tests = 2 * len(raw)
    with pytest.raises(ValueError, match=rf"over {tests} tests needs n_boot of at least 4800"):
        movement(
            survey.responses,
            **AXES,
            wave="wave",
            weight="weight",
            by="council",
            seed=4,
            adjust="holm",
            interval="bootstrap",
        )
    with pytest.raises(ValueError, match="adjust must be None, 'holm' or 'fdr_bh'"):
        movement(survey.responses, **AXES, wave="wave", by="council", adjust="bonferroni")
    # t-test p-values need no replicates: the linearised default adjusts at any n_boot
    assert raw["interval"].eq("linearised").all()
    boot_raw = movement(
        survey.responses,
        **AXES,
        wave="wave",
        weight="weight",
        by="council",
        seed=4,
        n_boot=5000,
        interval="bootstrap",
    )
    for method, interval in [
        ("holm", "auto"),
        ("fdr_bh", "auto"),
        ("holm", "bootstrap"),
        ("fdr_bh", "bootstrap"),
    ]:
        out = movement(
            survey.responses,
            **AXES,
            wave="wave",
            weight="weight",
            by="council",
            seed=4,
            n_boot=100 if interval == "auto" else 5000,
            adjust=method,
            interval=interval,
        )
        raw = boot_raw if interval == "bootstrap" else raw
        assert (out["adjustment"] == method).all()
        planted = out["service"].isin(movers)
        assert out.loc[planted, "moved"].all(), method
        assert (out["planning_p_adjusted"] >= out["planning_p"] - 1e-12).all()
        # Holm controls the family-wise error: no unplanted service called a mover here (the
        # default, linearised; this bootstrap stream calls one, adjusted p 0.048)
        if method == "holm":
            assert out.loc[~planted, "moved"].sum() == (0 if interval == "auto" else 1)
        assert (
            out.loc[~planted, "moved"].sum() <= raw.loc[~raw["service"].isin(movers), "moved"].sum()
        )
        noise = out["cell_change"] == "within noise"
        assert (~out.loc[noise, "moved"]).all()
        assert (out.loc[noise, "cell_from"] != out.loc[noise, "cell_to"]).all()


def test_movement_summary_counts_chance_movers():
    survey = synth.make_services_survey(seed=31)
    one = survey.responses.query("council == 'Northbridge'")
    moves = movement(one, **AXES, wave="wave", weight="weight", seed=4)
    text = " ".join(grid.movement_summary(moves).split())
    assert "Testing 40 shifts at the 5% level, about 2.0 would pass by chance alone" in text
    adjusted = movement(
        one, **AXES, wave="wave", weight="weight", seed=4, n_boot=2000, adjust="fdr_bh"
    )
    text = " ".join(grid.movement_summary(adjusted).split())
    assert "an adjusted p-value is below 0.05" in text
    assert "Benjamini-Hochberg adjustment over the 40 tests" in text


# ------------------------------------------------------------------- interval methods


def _planted(seed: int, n: int = 60, services: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unweighted answers drawn from known per-service probabilities, and the true positions
    (the expected codes)."""
    rng = np.random.default_rng(seed)
    probs_p = rng.dirichlet(np.ones(3) * 2, size=services)
    probs_d = rng.dirichlet(np.ones(3) * 2, size=services)
    rows = []
    for s in range(services):
        rows.append(
            pd.DataFrame(
                {
                    "service": f"S{s:02d}",
                    "planning": rng.choice(3, n, p=probs_p[s]),
                    "delivery": rng.choice(3, n, p=probs_d[s]),
                }
            )
        )
    truth = pd.DataFrame(
        {
            "service": [f"S{s:02d}" for s in range(services)],
            "planning_true": probs_p @ np.arange(3),
            "delivery_true": probs_d @ np.arange(3),
        }
    )
    return pd.concat(rows, ignore_index=True), truth


def _respondent_bootstrap(frame: pd.DataFrame, n_boot: int, seed: int) -> pd.DataFrame:
    """The bootstrap place_services used before the multinomial one: every draw resamples
    every respondent (the library's respondent path, forced)."""
    g = grid._groups(frame, **AXES, weight=None, by=[])
    boot_p, boot_d = grid._bootstrap(g, n_boot, np.random.default_rng(seed), respondents=True)
    (p_low, p_high), (d_low, d_high) = grid._interval(boot_p), grid._interval(boot_d)
    return g.keys.assign(
        planning_low=p_low, planning_high=p_high, delivery_low=d_low, delivery_high=d_high
    )


def test_multinomial_bootstrap_covers_as_the_respondent_bootstrap_did():
    hits = {"multinomial": [], "respondents": []}
    for seed in range(40):
        frame, truth = _planted(500 + seed)
        new = place_services(frame, **AXES, n_boot=400, seed=seed)
        assert (new["interval"] == "bootstrap").all()
        old = _respondent_bootstrap(frame, 400, seed)
        for name, placed in (("multinomial", new), ("respondents", old)):
            merged = placed.merge(truth, on="service")
            hits[name].append(_inside(merged, "planning", "planning_true").to_numpy())
            hits[name].append(_inside(merged, "delivery", "delivery_true").to_numpy())
    coverage = {name: np.concatenate(h).mean() for name, h in hits.items()}
    # 1,600 planted positions each: about 95% recovered by both (a percentile bootstrap of
    # 60 answers runs a little under), the same within Monte Carlo error (sd about 0.006)
    assert 0.92 <= coverage["multinomial"] <= 0.97, coverage
    assert 0.92 <= coverage["respondents"] <= 0.97, coverage
    assert abs(coverage["multinomial"] - coverage["respondents"]) <= 0.02, coverage


def test_multinomial_and_respondent_bootstraps_draw_the_same_intervals():
    frame, _ = _planted(7, n=200, services=4)
    new = place_services(frame, **AXES, n_boot=4000, seed=1)
    old = _respondent_bootstrap(frame, 4000, 2)
    for col in ("planning_low", "planning_high", "delivery_low", "delivery_high"):
        assert np.allclose(new[col], old[col], atol=0.012), col  # bounds ~0.27 from the point


def _hand_weighted() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": "X",
            "planning": [0, 1, 1, 2, 1, 2, 1, 1],
            "delivery": 0,
            "weight": [1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0],
        }
    )


def test_linearised_interval_by_hand():
    placed = place_services(_hand_weighted(), **AXES, weight="weight").iloc[0]
    assert placed["interval"] == "linearised"  # weighted: linearised by default
    # mean = 11 / 10 = 1.1; sum w^2 (y - 1.1)^2 = 1.21 + 4(.01) + .01 + .81 + 4(.01) + .81
    # + .01 + .01 = 2.94; var = 2.94 / 10^2 * 8 / 7 = 0.0336; t(0.975, 7) = 2.364624
    assert placed["planning"] == pytest.approx(1.1)
    half = 2.364624251592784 * np.sqrt(0.0336)
    assert placed["planning_low"] == pytest.approx(1.1 - half)  # 0.66656
    assert placed["planning_high"] == pytest.approx(1.1 + half)  # 1.53344
    assert placed["delivery_low"] == placed["delivery_high"] == 0.0  # all answered 0
    # unweighted, linearised is mean +/- t * s / sqrt(n)
    plain = place_services(_hand_weighted(), **AXES, interval="linearised").iloc[0]
    codes = np.array([0, 1, 1, 2, 1, 2, 1, 1.0])
    se = codes.std(ddof=1) / np.sqrt(8)
    assert plain["planning_high"] == pytest.approx(codes.mean() + 2.364624251592784 * se)
    # a bound beyond the scale is clipped to it; one respondent gives a degenerate interval
    few = pd.DataFrame({"service": ["Y", "Y", "Z"], "planning": [0, 2, 1], "delivery": 0})
    few = place_services(few, **AXES, interval="linearised").set_index("service")
    assert (few.loc["Y", "planning_low"], few.loc["Y", "planning_high"]) == (0.0, 2.0)
    assert few.loc["Z", "planning_low"] == few.loc["Z", "planning_high"] == 1.0


def test_linearised_movement_by_hand():
    later = pd.DataFrame(
        {"service": "X", "planning": [1, 2, 2, 2, 1, 2], "delivery": 0, "weight": 1.0}
    )
    frame = pd.concat([_hand_weighted().assign(wave=1), later.assign(wave=2)])
    moves = movement(frame, **AXES, wave="wave", weight="weight")
    row = moves.iloc[0]
    assert row["interval"] == "linearised"
    # shift 10/6 - 1.1; var = 0.0336 + (12/9) / 6^2 * 6/5 = 0.0336 + 0.04444, on 8 + 6 - 2 df
    shift, se = 10 / 6 - 1.1, np.sqrt(0.0336 + 0.04444444444444444)
    assert row["planning_shift"] == pytest.approx(shift)
    assert row["planning_shift_low"] == pytest.approx(shift - 2.1788128296672284 * se)  # -0.042
    assert row["planning_shift_high"] == pytest.approx(shift + 2.1788128296672284 * se)  # 1.175
    assert row["planning_p"] == pytest.approx(0.06531054524407615)  # two-sided t, 12 df
    assert not row["moved"]  # the interval holds 0 and p > 0.05: the same call
    assert row["delivery_p"] == 1.0 and row["delivery_shift_low"] == 0.0  # no shift, no spread


def test_linearised_organisation_share_by_hand():
    kinds = ["PFI contract"] * 10 + ["council in-house"] * 20 + [None] * 10
    frame = pd.DataFrame(
        {"service": "R", "organisation": kinds, "weight": np.tile([1.0, 2.0, 3.0, 2.0], 10)}
    )
    shares = grid.organisation_shares(frame, weight="weight").set_index("organisation")
    row = shares.loc["PFI contract"]
    assert row["interval"] == "linearised"
    # ratio R = sum w y / sum w x (x: named a kind); z_i = w_i (y_i - R x_i) / sum w x
    w = frame["weight"].to_numpy()
    x = frame["organisation"].notna().to_numpy(dtype=float)
    y = (frame["organisation"] == "PFI contract").to_numpy(dtype=float)
    ratio = (w * y).sum() / (w * x).sum()
    z = w * (y - ratio * x) / (w * x).sum()
    half = 2.022690920036761 * np.sqrt((z**2).sum() * 40 / 39)  # t(0.975, 39)
    assert row["share"] == pytest.approx(ratio)
    assert row["share_low"] == pytest.approx(ratio - half)
    assert row["share_high"] == pytest.approx(ratio + half)
    boot = grid.organisation_shares(frame, n_boot=200, seed=0)
    assert (boot["interval"] == "bootstrap").all()


def test_interval_column_says_which_method_was_used():
    survey = synth.make_services_survey(seed=3, councils=("Eastmoor",), organisation=True)
    answers = survey.responses
    for weight, interval, used in [
        (None, "auto", "bootstrap"),
        ("weight", "auto", "linearised"),
        (None, "linearised", "linearised"),
        ("weight", "bootstrap", "bootstrap"),
    ]:
        settings = {"weight": weight, "interval": interval, "n_boot": 50, "seed": 0}
        placed = place_services(answers, **AXES, **settings)
        moves = movement(answers, **AXES, wave="wave", **settings)
        shares = grid.organisation_shares(answers, **settings)
        for result in (placed, moves, shares):
            assert result["interval"].tolist() == [used] * len(result), (weight, interval)
    assert grid.INTERVAL_METHODS == ("auto", "bootstrap", "linearised")
    assert grid.PLACEMENT_COLUMNS[-1] == grid.MOVEMENT_COLUMNS[-1] == "interval"


def test_weighted_bootstrap_with_few_weights_matches_respondent_resampling():
    # two distinct weights: resampled as counts of (weight, answer); same distribution
    survey = synth.make_services_survey(seed=5, councils=("Eastmoor",), waves=(2023,))
    answers = survey.responses[
        survey.responses["service"].isin(sorted(survey.responses["service"].unique())[:3])
    ]
    fast = place_services(
        answers, **AXES, weight="weight", interval="bootstrap", n_boot=4000, seed=1
    )
    g = grid._groups(answers, **AXES, weight="weight", by=[])
    boot_p, _ = grid._bootstrap(g, 4000, np.random.default_rng(2), respondents=True)
    low, high = grid._interval(boot_p)
    assert np.allclose(fast["planning_low"], low, atol=0.03)
    assert np.allclose(fast["planning_high"], high, atol=0.03)


@pytest.mark.parametrize("bad", ["jackknife", "Auto", None, 1])
def test_bad_interval_is_named(bad):
    message = r"interval must be 'auto', 'bootstrap' or 'linearised', not "
    with pytest.raises(ValueError, match=message + re.escape(repr(bad))):
        place_services(_tiny(), service="svc", planning="plan", delivery="deliv", interval=bad)
    with pytest.raises(ValueError, match=message):
        movement(
            _tiny().assign(wave=1),
            service="svc",
            wave="wave",
            planning="plan",
            delivery="deliv",
            interval=bad,
        )
    with pytest.raises(ValueError, match=message):
        grid.organisation_shares(
            pd.DataFrame({"service": ["A"], "organisation": [None]}), interval=bad
        )

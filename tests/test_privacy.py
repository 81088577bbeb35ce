"""coprod.privacy: what may be published, and the attacker that checks it.

Hand-built tables with small cells, totals, shares and rates are suppressed so that no
suppressed count can be worked out, even by someone who knows every group's total (other
tables and charts publish it) and the rule's bounds (suppressed primaries are 1 to k-1,
published cells are 0 or at least k). Two attackers check it: ``attack_suppression`` (the
library's, arithmetic on intervals) and an independent brute force here that tries every
candidate table and keeps those that ``prepare_table`` would publish exactly as published.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod._core.columns import MissingColumnError
from coprod.privacy import (
    SUPPRESSED,
    PersonalDataError,
    attack_suppression,
    prepare_table,
)

C = SUPPRESSED
K = 5
BY = ["area", "month"]
LEVELS = ["stage 1", "stage 2", "ombudsman"]

# Each group's counts by level; the comment is the pattern (L: >= 5, s: 1-4, z: zero).
GROUPS = {
    "A": (20, 3, 0),  # L s z: the 3 alone would follow from the total
    "B": (12, 2, 1),  # L s s: 2 + 1 = 3, so both would be 1 or 2; needs the 12 too
    "C": (15, 9, 4),  # L L s: the smaller L (9) is the complement
    "D": (7, 0, 2),  # L z s: the complement is never the zero
    "E": (10, 4, 3),  # L s s: 4 + 3 = 7 leaves each of them 1 to 6: no complement needed
    "F": (30, 0, 0),  # no small cell: published as it is
    "G": (6, 6, 2),  # a tie between complements: both are taken
}


def stage_table(groups: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    """A stage-mix table as coprod's severity_shares gives it, with a group total and a
    rate per 1,000 contacts (contacts published, so the rate gives its count away)."""
    rows = []
    for area, counts in groups.items():
        total = sum(counts)
        for level, count in zip(LEVELS, counts, strict=True):
            contacts = 400 + 30 * (ord(area) - ord("A")) + 10 * LEVELS.index(level)
            rows.append(
                {
                    "area": area,
                    "month": "2024-01",
                    "level": level,
                    "count": count,
                    "share": count / total if total else float("nan"),
                    "total": total,
                    "contacts": contacts,
                    "rate": 1000 * count / contacts,
                }
            )
    return pd.DataFrame(rows)


RULES = dict(
    suppress_below=K,
    count_columns=["count"],
    by=BY,
    shares=["share"],
    total_columns=["total"],
    also_suppress=["rate"],
)


def attack(published: pd.DataFrame, **extra) -> pd.DataFrame:
    return attack_suppression(
        published,
        count_columns=["count"],
        by=BY,
        suppress_below=K,
        shares=["share"],
        total_columns=["total"],
        **extra,
    )


def known_totals(groups: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"area": list(groups), "month": "2024-01", "total": [sum(c) for c in groups.values()]}
    )


def counts_by_area(published: pd.DataFrame) -> dict[str, list]:
    return {a: g["count"].tolist() for a, g in published.groupby("area", sort=False)}


# ------------------------------------------------------------------ what is suppressed


def test_primary_and_secondary_cells_are_suppressed_with_their_derived_columns():
    published = prepare_table(stage_table(GROUPS), **RULES)
    assert counts_by_area(published) == {
        "A": [C, C, 0],
        "B": [C, C, C],
        "C": [15, C, C],
        "D": [C, 0, C],
        "E": [10, C, C],
        "F": [30, 0, 0],
        "G": [C, C, C],
    }
    suppressed_row = published["count"].eq(C)
    # a rate per contact gives its count back: withheld in every suppressed row, kept elsewhere
    assert published["rate"].eq(C).tolist() == suppressed_row.tolist()
    # a share and its count give the total, so every share of a touched group is withheld
    touched = published["area"].isin(list("ABCDEG"))
    assert published["share"].eq(C).tolist() == touched.tolist()
    # totals are assumed known anyway (the complements allow for it) and are published
    assert (
        published["total"].tolist()
        == [23] * 3 + [15] * 3 + [28] * 3 + [9] * 3 + [17] * 3 + [30] * 3 + [14] * 3
    )
    assert published.loc[published["area"] == "F", "share"].tolist() == [1.0, 0.0, 0.0]
    assert published["contacts"].tolist() == stage_table(GROUPS)["contacts"].tolist()


def test_shares_are_rounded_to_a_tenth_of_a_percentage_point_by_default():
    table = pd.DataFrame(
        {"area": ["A", "A", "A"], "count": [47, 9, 6], "share": [47 / 62, 9 / 62, 6 / 62]}
    )
    assert 47 / 62 == 0.7580645161290323
    shares = dict(count_columns=["count"], by=["area"], shares=["share"])
    out = prepare_table(table, suppress_below=K, **shares)
    assert out["share"].tolist() == [0.758, 0.145, 0.097]
    out = prepare_table(table, suppress_below=K, share_decimals=1, **shares)
    assert out["share"].tolist() == [0.8, 0.1, 0.1]
    out = prepare_table(table, suppress_below=K, share_decimals=None, **shares)
    assert out["share"].tolist() == table["share"].tolist()
    # rounding needs no suppression
    assert prepare_table(table, shares=["share"])["share"].tolist() == [0.758, 0.145, 0.097]


def test_a_small_group_total_is_suppressed_and_its_cells_keep_what_range_they_can():
    # H's total is 4: every non-zero cell is a primary, there is no complement to take
    groups = {"H": (3, 1, 0), "I": (1, 1, 0)}
    published = prepare_table(stage_table(groups), **RULES)
    assert counts_by_area(published) == {"H": [C, C, 0], "I": [C, C, 0]}
    assert published["total"].tolist() == [C] * 6
    found = attack(published)
    # a withheld total is itself 1 to 4, so each of two cells is at most 3
    assert found[["area", "low", "high", "recovered"]].values.tolist() == [
        ["H", 1, 3, False],
        ["H", 1, 3, False],
        ["I", 1, 3, False],
        ["I", 1, 3, False],
    ]
    # A total below k is itself a small count. Where it is published all the same, the
    # attacker pins I's two cells (1 + 1 = 2), and no suppression in this table can help.
    found = attack(published, known_totals=known_totals(groups))
    assert found[["area", "low", "high", "recovered"]].values.tolist() == [
        ["H", 1, 3, False],
        ["H", 1, 3, False],
        ["I", 1, 1, True],
        ["I", 1, 1, True],
    ]


def test_without_by_only_small_counts_and_their_rows_are_suppressed():
    table = pd.DataFrame(
        {"service": ["A", "B", "C", "D"], "complaints": [0, 3, 12, 5], "rate": [0.0, 0.3, 1.2, 0.5]}
    )
    out = prepare_table(
        table, suppress_below=5, count_columns=["complaints"], also_suppress=["rate"]
    )
    assert out["complaints"].tolist() == [0, C, 12, 5]
    assert out["rate"].tolist() == [0.0, C, 1.2, 0.5]


def test_wide_table_one_group_per_row():
    # one row per service-month, a count column per stage: the row is the group
    wide = pd.DataFrame(
        {
            "service": ["Parks", "Libraries"],
            "stage_1": [20, 9],
            "stage_2": [3, 6],
            "ombudsman": [0, 1],
        }
    )
    out = prepare_table(
        wide, suppress_below=K, count_columns=["stage_1", "stage_2", "ombudsman"], by=["service"]
    )
    assert out.values.tolist() == [["Parks", C, C, 0], ["Libraries", 9, C, C]]


# ------------------------------------------------------------------ nothing can be recovered


def test_the_attacker_recovers_nothing_and_every_primary_keeps_its_full_range():
    table = stage_table(GROUPS)
    published = prepare_table(table, **RULES)
    found = attack(published, known_totals=known_totals(GROUPS))
    suppressed = published["count"].eq(C)
    assert len(found) == int(suppressed.sum()) == 14
    assert not found["recovered"].any()
    truth = table.loc[suppressed, "count"].to_numpy()
    assert (found["low"] <= truth).all() and (truth <= found["high"]).all()
    primary = truth < K
    assert (found.loc[primary, "low"] == 1).all()
    assert (found.loc[primary, "high"] >= K - 1).all()
    assert found.columns.tolist() == [
        "area",
        "month",
        "level",
        "column",
        "low",
        "high",
        "recovered",
        "suppress_below",
    ]
    assert found.query("area == 'A'")[["level", "low", "high"]].values.tolist() == [
        ["stage 1", 1, 22],
        ["stage 2", 1, 22],
    ]


def test_the_cells_withheld_do_not_depend_on_the_order_of_the_rows():
    # (6, 6, 1): with the first of two equal complements taken, the rows in another order
    # withhold the other 6; two exports in different orders (a table and a chart's data)
    # then show both 6s, and the 1 follows from the total (13 - 6 - 6)
    groups = {"K": (6, 6, 1)}
    table = stage_table(groups)
    forward = prepare_table(table, **RULES)
    backward = prepare_table(table.iloc[::-1], **RULES).sort_index()
    assert backward["count"].tolist() == forward["count"].tolist() == [C, C, C]
    combined = forward.assign(
        count=forward["count"].where(forward["count"].ne(C), backward["count"])
    )
    found = attack(combined, known_totals=known_totals(groups))
    assert found[["low", "high", "recovered"]].values.tolist() == [[1, 11, False]] * 3


def test_the_attacker_knows_a_complement_is_below_every_published_count_of_at_least_k():
    # (6, 5, 4) with one complement: 6, [c], [c]. The complement is the smallest count of
    # at least 5 and the 6 was not taken, so it is 5, and the primary 15 - 6 - 5 = 4
    published = pd.DataFrame({"area": ["A"] * 3, "count": [6, C, C]})
    found = attack_suppression(
        published,
        count_columns=["count"],
        by=["area"],
        suppress_below=K,
        known_totals=pd.DataFrame({"area": ["A"], "total": [15]}),
    )
    assert found[["low", "high"]].values.tolist() == [[4, 5], [4, 5]]


def test_a_complement_close_to_a_published_count_takes_that_count_too():
    # one complement would leave a published count just above it: (6, 5, 4) would give
    # 4 away, (9, 8, 2) would say the 2 is at least 2 (10 - 8)
    groups = {"J": (6, 5, 4), "M": (9, 8, 2), "N": (30, 8, 2)}
    table = stage_table(groups)
    published = prepare_table(table, **RULES)
    assert counts_by_area(published) == {"J": [C, C, C], "M": [C, C, C], "N": [30, C, C]}
    found = attack(published, known_totals=known_totals(groups))
    primary = table.loc[published["count"].eq(C), "count"].lt(K).to_numpy()
    assert (found.loc[primary, "low"] == 1).all() and (found.loc[primary, "high"] >= K - 1).all()
    feasible = _brute_force(table, published)
    primaries = [i for i in feasible if table.loc[i, "count"] < K]
    assert all(set(range(1, K)) <= feasible[i] for i in primaries)


def _brute_force(table: pd.DataFrame, published: pd.DataFrame, *, by=BY) -> dict:
    """Every value each suppressed count can take: candidate tables (suppressed counts at
    least 1, adding up to the group's known total) of which prepare_table withholds exactly
    the cells it withheld. Groups are independent: every candidate of every group goes
    through one call, as a group of its own."""
    withheld = published["count"].eq(C).to_numpy()
    counts = table["count"].to_numpy()
    candidates, cells = [], []
    for rows in table.groupby(by, sort=False, observed=True).indices.values():
        hidden = rows[withheld[rows]]
        if not len(hidden):
            continue
        rest = int(counts[hidden].sum())
        for values in itertools.product(range(1, rest + 1), repeat=len(hidden) - 1):
            if rest - sum(values) >= 1:
                trial = counts[rows].copy()
                trial[withheld[rows]] = (*values, rest - sum(values))
                candidates.append(trial)
                cells.append(rows)
    trials = pd.DataFrame(
        {
            "candidate": np.repeat(np.arange(len(candidates)), [len(c) for c in candidates]),
            "count": np.concatenate(candidates),
        }
    )
    shown = prepare_table(trials, suppress_below=K, count_columns=["count"], by=["candidate"])
    trial_withheld = np.split(shown["count"].eq(C).to_numpy(), np.cumsum([len(r) for r in cells]))
    feasible = {}
    for trial, rows, pattern in zip(candidates, cells, trial_withheld, strict=False):
        if (pattern == withheld[rows]).all():
            for i, value in zip(rows[withheld[rows]], trial[withheld[rows]], strict=True):
                feasible.setdefault(table.index[i], set()).add(int(value))
    return feasible


def test_brute_force_leaves_every_primary_its_full_range():
    table = stage_table(GROUPS)
    published = prepare_table(table, **RULES)
    feasible = _brute_force(table, published)
    assert len(feasible) == 14
    assert all(table.loc[i, "count"] in v for i, v in feasible.items())
    primaries = [i for i in feasible if table.loc[i, "count"] < K]
    assert {i: set(range(1, K)) <= feasible[i] for i in primaries} == dict.fromkeys(primaries, True)
    # the library's attacker is sound: its interval holds every value the brute force found
    found = attack(published, known_totals=known_totals(GROUPS))
    found.index = published.index[published["count"].eq(C)]
    for i, values in feasible.items():
        assert found.loc[i, "low"] <= min(values) and max(values) <= found.loc[i, "high"]
    # B (12, 2, 1): two primaries adding up to at most 4 and the 12, or a primary and two
    # complements close in size (6, 5, 4: the 5 alone would leave the 4 at least 9 - 5)
    assert feasible[4] == {1, 2, 3, 4, 5, 6, 7, 11, 12, 13}


def test_the_old_rule_is_attacked_successfully():
    # the rule before issue 9: small counts and their own shares withheld, nothing else
    table = stage_table(GROUPS).drop(columns=["total", "contacts", "rate"])
    old = dict(suppress_below=K, count_columns=["count"], also_suppress=["share"])
    published = prepare_table(table, share_decimals=None, **old)
    found = attack_suppression(
        published, count_columns=["count"], by=BY, suppress_below=K, shares=["share"]
    )
    # another row's share gives the total (20 / 0.8695... = 23), then 23 - 20 - 0 = 3
    recovered = found[found["recovered"]]
    assert recovered[["area", "level", "low"]].values.tolist() == [
        ["A", "stage 2", 3],
        ["C", "ombudsman", 4],
        ["D", "ombudsman", 2],
        ["G", "ombudsman", 2],
    ]
    # two suppressed cells are bounded by what is left of the total, not pinned
    assert found.query("area in ['B', 'E']")[["low", "high"]].values.tolist() == [
        [1, 2],
        [1, 2],
        [1, 6],
        [1, 6],
    ]
    # and even with shares rounded to 3 decimals the totals still follow
    published = prepare_table(table, **old)
    found = attack_suppression(
        published, count_columns=["count"], by=BY, suppress_below=K, shares=["share"]
    )
    assert int(found["recovered"].sum()) == 4


def test_the_attacker_reads_a_table_read_back_from_csv(tmp_path):
    table = stage_table(GROUPS).drop(columns=["total", "contacts", "rate"])
    published = prepare_table(
        table, suppress_below=K, count_columns=["count"], also_suppress=["share"]
    )
    path = tmp_path / "t.csv"
    published.to_csv(path, index=False)
    back = pd.read_csv(path)
    found = attack_suppression(
        back, count_columns=["count"], by=BY, suppress_below=K, shares=["share"]
    )
    assert int(found["recovered"].sum()) == 4


def test_without_totals_a_lone_suppressed_cell_is_bounded_by_the_rule():
    published = pd.DataFrame({"area": ["A", "A", "B"], "count": [C, 7, C]})
    found = attack_suppression(published, count_columns=["count"], by=["area"], suppress_below=K)
    assert found[["area", "low", "high", "recovered"]].values.tolist() == [
        ["A", 1, 4, False],
        ["B", 1, 4, False],
    ]
    found = attack_suppression(published, count_columns=["count"], by=["area"], suppress_below=2)
    assert found["recovered"].tolist() == [True, True]  # below 2 means exactly 1
    # two suppressed cells and no total: no upper bound at all
    published = pd.DataFrame({"area": ["A", "A"], "count": [C, C]})
    found = attack_suppression(published, count_columns=["count"], by=["area"], suppress_below=K)
    assert found["high"].isna().all() and found["low"].tolist() == [1, 1]


def test_rounded_shares_give_the_total_only_as_an_interval():
    # 47 / 59 and 9 / 59 published as 0.797 and 0.153: read as exact, 47 / 0.797 = 58.97
    # and 9 / 0.153 = 58.82 would contradict each other; read as 0.7965 to 0.7975 and
    # 0.1525 to 0.1535 they agree on 59, so the withheld count is 59 - 47 - 9 = 3
    published = pd.DataFrame(
        {"area": ["A"] * 3, "count": [47, 9, C], "share": ["0.797", "0.153", C]}
    )
    found = attack_suppression(
        published, count_columns=["count"], by=["area"], suppress_below=K, shares=["share"]
    )
    assert found[["low", "high", "recovered"]].values.tolist() == [[3, 3, True]]


def test_a_group_withheld_for_a_primary_has_one_below_k():
    # the shares of withheld counts left in (a table made without the rules): of 40, the
    # shares put the counts at 22-26, 10-14 and 2-6; the first two are at least 5, so the
    # third is the group's primary: 2 to 4
    published = pd.DataFrame({"area": ["A"] * 3, "count": [C, C, C], "share": [0.6, 0.3, 0.1]})
    found = attack_suppression(
        published,
        count_columns=["count"],
        by=["area"],
        suppress_below=K,
        shares=["share"],
        known_totals=pd.DataFrame({"area": ["A"], "total": [40]}),
    )
    assert found[["low", "high"]].values.tolist() == [[22, 26], [10, 14], [2, 4]]


def test_the_attacker_narrows_until_nothing_changes():
    # 25, [c], [c] of 47, the second cell's share (0.1) left in: it is 3 to 7, so the third
    # is 22 - 7 to 22 - 3 = 15 to 19, at least 5, which makes the second the primary (at
    # most 4), which on a second pass lifts the third to 18
    published = pd.DataFrame({"area": ["A"] * 3, "count": [25, C, C], "share": [C, 0.1, C]})
    found = attack_suppression(
        published,
        count_columns=["count"],
        by=["area"],
        suppress_below=K,
        shares=["share"],
        known_totals=pd.DataFrame({"area": ["A"], "total": [47]}),
    )
    assert found[["low", "high"]].values.tolist() == [[3, 4], [18, 19]]


# ------------------------------------------------------------------ formulas, personal data


def test_formula_like_cells_are_neutralised_also_after_leading_spaces():
    table = pd.DataFrame(
        {
            "service": [
                " =1+2",
                "  @SUM(A1)",
                "\t=1",
                "\tx",
                "\rx",
                " +1",
                "-2",
                " Parks",
                "a=b",
                "\n=1",
            ],
            " =name": range(10),
        }
    )
    out = prepare_table(table)
    assert out["service"].tolist() == [
        "' =1+2",
        "'  @SUM(A1)",
        "'\t=1",
        "'\tx",
        "'\rx",
        "' +1",
        "'-2",
        " Parks",
        "a=b",
        "'\n=1",
    ]
    assert out.columns.tolist() == ["service", "' =name"]
    assert out["' =name"].tolist() == list(range(10))  # numbers stay numbers


def test_personal_data_columns_are_not_written_by_default():
    table = pd.DataFrame({"service": ["Parks"], "complainant_name": ["A Person"], "count": [3]})
    with pytest.raises(PersonalDataError) as info:
        prepare_table(table)
    assert str(info.value) == (
        "the table has columns that may hold personal data: 'complainant_name'. Drop them "
        "before exporting, or pass allow_personal=['complainant_name'] if you are sure they "
        "may be shared."
    )
    assert prepare_table(table, allow_personal=["complainant_name"]).shape == (1, 3)


# ------------------------------------------------------------------ bad arguments


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            dict(suppress_below=1, count_columns=["count"]),
            "suppress_below must be a whole number of at least 2 (counts from 1 to "
            "suppress_below - 1 are withheld), not 1",
        ),
        (
            dict(suppress_below="5", count_columns=["count"]),
            "suppress_below must be a whole number of at least 2 (counts from 1 to "
            "suppress_below - 1 are withheld), not '5'",
        ),
        (
            dict(suppress_below=5),
            "suppress_below needs count_columns=[...] naming the count columns",
        ),
        (
            dict(count_columns=["count"], by=["area"]),
            "count_columns=, by=, also_suppress= and total_columns= apply only with "
            "suppress_below=k (e.g. 5): nothing would be suppressed",
        ),
        (
            dict(suppress_below=5, count_columns=["count"], shares=["share"]),
            "shares= needs by=[...]: the columns that are the same in every row whose "
            "counts add up to one total",
        ),
        (
            dict(suppress_below=5, count_columns=["count"], by=["area", "count"]),
            "'count' is a count column, so it cannot also be in by=",
        ),
        (
            dict(shares=["share"], share_decimals=-1),
            "share_decimals must be a whole number of decimals (3 rounds a fraction to a "
            "tenth of a percentage point) or None, not -1",
        ),
    ],
)
def test_bad_arguments_are_refused_with_what_to_pass(arguments, message):
    table = pd.DataFrame({"area": ["A", "A"], "count": [3, 10], "share": [0.23, 0.77]})
    with pytest.raises(ValueError) as info:
        prepare_table(table, **arguments)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("three", "count column 'count' holds 'three' (row 2), not a count"),
        (-1, "count column 'count' holds -1 (row 2); counts are whole numbers from 0 up"),
        (2.5, "count column 'count' holds 2.5 (row 2); counts are whole numbers from 0 up"),
        (
            float("inf"),
            "count column 'count' holds inf (row 2); counts are whole numbers from 0 up",
        ),
    ],
)
def test_counts_must_be_whole_numbers(value, message):
    table = pd.DataFrame({"area": ["A", "A"], "count": [10, value]})
    with pytest.raises(ValueError) as info:
        prepare_table(table, suppress_below=5, count_columns=["count"])
    assert str(info.value) == message


def test_missing_columns_are_named():
    table = pd.DataFrame({"area": ["A"], "count": [3]})
    with pytest.raises(MissingColumnError) as info:
        prepare_table(table, suppress_below=5, count_columns=["count"], by=["aera"])
    assert str(info.value) == (
        "the table to export has no column 'aera'; its columns are ['area', 'count'] "
        "(did you mean 'area'?)"
    )


def test_blank_counts_are_left_blank_and_are_not_parts():
    table = pd.DataFrame({"area": ["A", "A", "A"], "count": [20.0, float("nan"), 2.0]})
    out = prepare_table(table, suppress_below=5, count_columns=["count"], by=["area"])
    assert out["count"].iloc[[0, 2]].tolist() == [C, C]
    assert pd.isna(out["count"].iloc[1])


def test_rows_with_a_blank_key_are_a_group_of_their_own():
    table = pd.DataFrame({"area": ["A", "A", None, None, "B"], "count": [20, 3, 15, 2, 6]})
    out = prepare_table(table, suppress_below=K, count_columns=["count"], by=["area"])
    assert out["count"].tolist() == [C, C, C, C, 6]
    found = attack_suppression(
        out,
        count_columns=["count"],
        by=["area"],
        suppress_below=K,
        known_totals=pd.DataFrame({"area": ["A", None, "B"], "total": [23, 17, 6]}),
    )
    assert found[["low", "high"]].values.tolist() == [[1, 22], [1, 22], [1, 16], [1, 16]]


def test_attacker_arguments_are_checked():
    published = pd.DataFrame({"area": ["A"], "n": [C], "m": [C], "share": [C]})
    with pytest.raises(ValueError) as info:
        attack_suppression(
            published, count_columns=["n", "m"], by=["area"], suppress_below=5, shares=["share"]
        )
    assert str(info.value) == (
        "shares= needs a single count column (each share is its row's count over the "
        "group's total), got ['n', 'm']"
    )
    with pytest.raises(ValueError) as info:
        attack_suppression(
            published,
            count_columns=["n"],
            by=["area"],
            suppress_below=5,
            known_totals=pd.DataFrame({"area": ["A"], "count": [3]}),
        )
    assert str(info.value) == (
        "known_totals has no column 'total'; its columns are ['area', 'count']; give one row "
        "per group: the by= columns and the group's total as 'total'"
    )
    with pytest.raises(ValueError) as info:
        attack_suppression(published, count_columns=["n"], shares=["share"], suppress_below=5)
    assert str(info.value).startswith("shares= needs by=[...]")


def test_known_totals_give_one_total_per_group():
    published = pd.DataFrame({"area": ["A", "A", "B"], "count": [C, C, 7]})
    twice = pd.DataFrame({"area": ["A", "A", "B", "B"], "total": [2, 30, 7, 7]})
    with pytest.raises(ValueError) as info:
        attack_suppression(
            published, count_columns=["count"], by=["area"], suppress_below=K, known_totals=twice
        )
    assert str(info.value) == (
        "known_totals gives the group area='A' more than one total (2, 30): give one row per group"
    )


def test_known_totals_keys_must_be_of_the_published_kind():
    # a CSV read back holds its months as text; the library's monthly counts hold dates
    published = pd.DataFrame({"period": ["2021-01-01"] * 2, "count": [C, 20]})
    totals = pd.DataFrame({"period": pd.to_datetime(["2021-01-01"]), "total": [23]})
    with pytest.raises(ValueError) as info:
        attack_suppression(
            published, count_columns=["count"], by=["period"], suppress_below=K, known_totals=totals
        )
    assert str(info.value) == (
        "known_totals' 'period' holds dates and the published table's holds text (read back "
        "from a CSV?): give both the same kind"
    )
    found = attack_suppression(
        published.assign(period=pd.to_datetime(published["period"])),
        count_columns=["count"],
        by=["period"],
        suppress_below=K,
        known_totals=totals,
    )
    assert found[["low", "high", "recovered"]].values.tolist() == [[3, 3, True]]


# ------------------------------------------------------------------ the real export (notebook 02)

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_complaints.py"


def _notebook_prose() -> str:
    text = NOTEBOOK.read_text(encoding="utf-8")
    lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in text.splitlines()]
    return re.sub(r"\s+", " ", " ".join(lines))


@pytest.fixture(scope="module")
def stage_mix():
    from coprod.complaints import complaint_counts, severity_shares
    from coprod.datasets import load_dataset

    log = load_dataset("complaints_log").data
    contacts = load_dataset("complaints_contacts").data
    monthly = complaint_counts(log, freq="month", by="service", denominators=contacts)
    stages = severity_shares(log, freq="month", by="service", column="stage")
    return stages, monthly


def _notebook_rules() -> dict:
    """The rules the notebook's stage-mix cell passes, read from its source."""
    text = NOTEBOOK.read_text(encoding="utf-8")
    match = re.search(r"^rules = (\{.*?^\})", text, flags=re.M | re.S)
    assert match, "notebook 02 no longer sets rules = {...} for the stage-mix export"
    return ast.literal_eval(match.group(1))


def test_notebook_stage_mix_export_recovers_nothing(stage_mix):
    stages, monthly = stage_mix
    rules = _notebook_rules()
    published = prepare_table(stages, **rules)
    totals = monthly[["service", "period", "count"]].rename(columns={"count": "total"})
    found = attack_suppression(
        published,
        count_columns=rules["count_columns"],
        by=rules["by"],
        suppress_below=rules["suppress_below"],
        shares=rules["shares"],
        known_totals=totals,
    )
    primary = int(stages["count"].between(1, rules["suppress_below"] - 1).sum())
    suppressed = int(published["count"].eq(C).sum())
    groups = published.loc[published["share"].eq(C), ["service", "period"]].drop_duplicates()
    assert (primary, suppressed - primary, len(groups)) == (482, 281, 342)
    assert len(found) == suppressed and int(found["recovered"].sum()) == 0
    assert (found["low"] == 1).all() and (found["high"] >= 4).all()
    # replaying prepare_table on every candidate, each small count could still be 1 to 4
    feasible = _brute_force(stages, published, by=rules["by"])
    assert len(feasible) == suppressed
    small = [i for i in feasible if stages.loc[i, "count"] < rules["suppress_below"]]
    assert len(small) == primary and all(set(range(1, 5)) <= feasible[i] for i in small)
    prose = _notebook_prose()
    for sentence in (
        f"{primary} counts of 1 to 4 are suppressed",
        f"{suppressed - primary} more cells",
        f"the shares of the {len(groups)} service-months",
        f"none of the {suppressed} suppressed counts: each could still be anything from 1 "
        "to at least 4",
    ):
        assert sentence in prose, f"notebook 02 no longer says {sentence!r}"


def _notebook_shows(call: str) -> pd.DataFrame:
    """What notebook 02 displays from its one code cell that calls ``call``: the cell run
    on the shipped log, its last line being what the HTML shows."""
    from coprod import complaints
    from coprod.datasets import load_dataset

    def shows_a_table(cell: str) -> bool:
        # a cell ending in print(...) (or an assignment) displays no table of its own
        last = ast.parse(cell).body[-1]
        return isinstance(last, ast.Expr) and not (
            isinstance(last.value, ast.Call) and getattr(last.value.func, "id", "") == "print"
        )

    cells = [
        c
        for c in NOTEBOOK.read_text(encoding="utf-8").split("# %%")
        if f"{call}(" in c and not c.lstrip().startswith("[markdown]") and shows_a_table(c)
    ]
    assert len(cells) == 1, f"notebook 02 has {len(cells)} cells showing a table from {call}()"
    *body, last = ast.parse(cells[0]).body
    scope = {"log": load_dataset("complaints_log").data, **vars(complaints)}
    exec(compile(ast.Module(body=body, type_ignores=[]), "notebook 02", "exec"), scope)
    return eval(compile(ast.Expression(last.value), "notebook 02", "eval"), scope)


def test_the_quarterly_outcomes_shown_give_no_monthly_ombudsman_count_away(stage_mix):
    # a quarter's ombudsman count adds up its months' ombudsman cells of the stage mix:
    # shown beside the export (Social care: 2 in 2024 Q1 of months [c], [c], 0; 1 in Q4
    # of 0, [c], 0) it gives them back, or narrows them (5 in Q2 of three cells: 1 to 3)
    stages, _ = stage_mix
    published = prepare_table(stages, **_notebook_rules())
    shown = _notebook_shows("outcomes")
    if "ombudsman" in shown:
        quarter_totals = shown["ombudsman"]
    elif {"ombudsman_rate", "count"} <= set(shown):
        quarter_totals = (shown["ombudsman_rate"] * shown["count"]).round()
    else:
        quarter_totals = pd.Series(dtype=float)
    narrowed = []
    for row, total in quarter_totals.items():
        service, start = shown.loc[row, "service"], shown.loc[row, "period"]
        months = published.index[
            (published["service"] == service)
            & (published["level"] == "ombudsman")
            & (published["period"] >= start)
            & (published["period"] < start + pd.DateOffset(months=3))
        ]
        cells = published.loc[months, "count"]
        hidden = cells.index[cells.eq(C)]
        rest = total - pd.to_numeric(cells, errors="coerce").sum()
        most = rest - (len(hidden) - 1)  # the others at least 1 each
        narrowed += [
            (service, str(published.loc[i, "period"].date()), int(most)) for i in hidden if most < 4
        ]
    assert narrowed == []


def test_the_old_stage_mix_export_gave_counts_away(stage_mix):
    stages, _ = stage_mix
    old = prepare_table(
        stages,
        suppress_below=5,
        count_columns=["count"],
        also_suppress=["share"],
        share_decimals=None,
    )
    found = attack_suppression(
        old, count_columns=["count"], by=["service", "period"], suppress_below=5, shares=["share"]
    )
    months = ["service", "period"]
    recovered = found.loc[found["recovered"], months].drop_duplicates()
    # the issue's 202 service-months with one suppressed cell (the other rows' shares give
    # the total), and 16 more whose two suppressed cells add up to 2, so both are 1
    small = stages[stages["count"].between(1, 4)]
    per_month = small.groupby(months)["count"].agg(["size", "sum"])
    assert int((per_month["size"] == 1).sum()) == 202
    assert int(((per_month["size"] == 2) & (per_month["sum"] == 2)).sum()) == 16
    assert len(recovered) == 202 + 16


def test_a_withheld_count_whose_share_is_published_follows_from_the_total():
    # small counts withheld but their shares left (also_suppress forgotten)
    table = stage_table({"A": (20, 3, 2)})[["area", "month", "level", "count", "share"]]
    table["share"] = table["share"].round(2)
    published = prepare_table(table, suppress_below=K, count_columns=["count"])
    assert published["share"].tolist() == [0.8, 0.12, 0.08]
    found = attack_suppression(
        published, count_columns=["count"], by=BY, suppress_below=K, shares=["share"]
    )
    # 20 over 0.795 to 0.805 puts the total at 25; 0.115 to 0.125 of 25 is 3 (not 1 to 4,
    # which is all that 25 - 20 = 3 + 2 would say)
    assert found[["level", "low", "high", "recovered"]].values.tolist() == [
        ["stage 2", 3, 3, True],
        ["ombudsman", 2, 2, True],
    ]

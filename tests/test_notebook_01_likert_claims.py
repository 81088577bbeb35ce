"""What notebook 01 (and its worked answers) say about the Toronto Likert chart, against the numbers.

Each test makes the notebook's calls on the shipped survey and checks the number as the prose
writes it. When a number changes, the test names the sentence to rewrite.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from coprod.charts.likert import likert_table
from coprod.datasets import load_dataset

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def prose(text: str) -> str:
    """The markdown of a notebook as one line of words (comment marks and wrapping removed)."""
    lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in text.splitlines()]
    return re.sub(r"\s+", " ", " ".join(lines))


NOTEBOOK = prose((NOTEBOOKS / "01_grid.py").read_text(encoding="utf-8"))
ANSWERED = prose((NOTEBOOKS / "answers" / "01_grid.py").read_text(encoding="utf-8"))


def says(sentence: str, where: str = NOTEBOOK) -> None:
    assert sentence in where, f"the notebook no longer says {sentence!r}"


@pytest.fixture(scope="module")
def toronto() -> pd.DataFrame:
    return load_dataset("toronto_engagement").data


def table(data: pd.DataFrame, **options) -> pd.DataFrame:
    items = [
        i for i in data.attrs["likert_items"] if i.startswith("q3_") and i != "q3_other_rating"
    ]
    return likert_table(
        data,
        items=items,
        scale=data.attrs["likert_scale"],
        reverse=data.attrs["reverse_worded"],
        **options,
    )


def side_pct(t: pd.DataFrame, item: str, side: str) -> str:
    rows = t[(t["item"] == item) & (t["side"] == side)]
    return f"{rows['share'].sum() * 100:.0f}%"


def test_unequal_influence_three_in_four_agree(toronto):
    t = table(toronto)
    assert side_pct(t, "q3_unequal_influence", "positive") == "75%"
    says(
        "three in four residents (75%) agree that some participants have less influence "
        "than others on decisions"
    )
    says("75% agree with it", ANSWERED)


def test_more_agree_than_disagree_they_cannot_see_a_difference(toronto):
    t = table(toronto)
    agree = side_pct(t, "q3_no_difference", "positive")
    disagree = side_pct(t, "q3_no_difference", "negative")
    assert (agree, disagree) == ("52%", "23%")
    says(
        "more agree than disagree that they can't see how their participation made a "
        f"difference ({agree} against {disagree})"
    )


def test_the_least_favourable_statement_either_way(toronto):
    for neutral in ("split", "exclude"):
        scores = table(toronto, neutral=neutral).drop_duplicates("item")
        least = scores.sort_values("net_score").iloc[0]
        assert least["item"] == "q3_unequal_influence" and least["reversed_for_score"]
    says(
        '"Some participants have less influence than others on decisions" (reversed for the '
        "score: 75% agree with it) is the least favourable either way.",
        ANSWERED,
    )

"""Published survey tables (one row per item, a share per answer, a base) read into the
weighted Likert shape, end to end into coprod.charts.likert."""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from loader_checks import check_counts, loudly, quietly, write_ods, write_xlsx

from coprod.charts.likert import likert_table, plot_likert
from coprod.io import InputError, read_survey, read_survey_table
from coprod.io.survey import TORONTO_ENGAGEMENT_MAPPING
from coprod.vocab import AGREE_5

counts = partial(check_counts, kind="survey_table")

HEADER = ["Statement", *AGREE_5, "Don't know", "Total", "Base"]
PUBLISHED = [
    ["Table 3: Views of the council", *[None] * 8],
    ["Residents' survey 2024, % of respondents", *[None] * 8],
    HEADER,
    ["The council listens", 8, 22, 30, 28, 7, 5, 100, 1024],  # row 4
    ["I can influence decisions", 15, 35, 25, 15, 5, 5, 100, 1010],  # row 5
    ["The council keeps me informed", "10%", "20%", "20%", "30%", "20%", "0%", 100, 998],
    [None] * 9,
    ["Source: Anytown residents' survey 2024", *[None] * 8],
    ["Note: figures may not add up to 100% because of rounding", *[None] * 8],
]
OPTIONS = {"item": "Statement", "scale": AGREE_5, "missing": ["Don't know"], "base": "Base"}


def _ods(tmp_path, rows=PUBLISHED):
    return write_ods(tmp_path / "report.ods", {"Contents": [["See table 3"]], "Table 3": rows})


def test_a_published_table_loads_into_the_likert_shape(tmp_path):
    path = _ods(tmp_path)
    result = quietly(read_survey_table, path, sheet="Table 3", skip_rows=2, **OPTIONS)
    counts(result, 3, 3, 0)
    data = result.data
    assert len(data) == 3 * 6  # items x (5 answers + don't know)
    assert list(data.columns[:5]) == ["item", "answer", "share", "base", "weight"]
    items = data.attrs["likert_items"]
    assert items == (
        "The council listens",
        "I can influence decisions",
        "The council keeps me informed",
    )
    assert data.attrs["likert_scale"] == AGREE_5
    first = data[data["item"] == "The council listens"]
    assert first.index.unique().tolist() == [4]  # the item's row in the sheet
    assert first["share"].tolist() == pytest.approx([0.08, 0.22, 0.30, 0.28, 0.07, 0.05])
    assert first["weight"].tolist() == pytest.approx(
        [0.08 * 1024, 0.22 * 1024, 0.30 * 1024, 0.28 * 1024, 0.07 * 1024, 0.05 * 1024]
    )
    # one column per item: its answer on its rows, nothing elsewhere (don't know: none)
    listens = data["The council listens"]
    assert listens.dtype == pd.CategoricalDtype(AGREE_5, ordered=True)
    assert listens.notna().sum() == 5 and pd.isna(listens.loc[data["answer"] == "Don't know"]).all()
    notes = "\n".join(result.notes)
    assert "ignored 1 other column: 'Total'" in notes
    assert "ignored 2 notes below the table (rows 8, 9)" in notes
    assert "skipped 2 title rows above the header" in notes

    # end to end: the chart's table, then the chart
    table = likert_table(data, items=items, scale=AGREE_5, weight="weight", n_from_weights=True)
    listens_rows = table[table["item"] == "The council listens"]
    # shares of those who answered on the scale (don't know left out): 8/95, ...
    assert listens_rows["share"].tolist() == pytest.approx(
        [8 / 95, 22 / 95, 30 / 95, 28 / 95, 7 / 95]
    )
    assert listens_rows["n"].unique().tolist() == [round(0.95 * 1024)]
    assert listens_rows["n_neutral"].unique().tolist() == [round(0.30 * 1024)]
    assert bool(table["weighted"].all())
    informed = table[table["item"] == "The council keeps me informed"]
    assert informed["share"].tolist() == pytest.approx([0.1, 0.2, 0.2, 0.3, 0.2])
    assert informed["n"].iloc[0] == 998
    ax = plot_likert(table)
    assert len(ax.containers) == 5
    assert "(n = 973)" in " ".join(t.get_text() for t in ax.get_yticklabels())


def test_shares_that_do_not_add_up_are_quarantined(tmp_path):
    rows = [
        HEADER,
        ["Adds up", 10, 20, 30, 30, 5, 5, 100, 500],  # row 2
        ["Rounded", 10, 20, 31, 30, 5, 5, 101, 500],  # row 3: 101%, within rounding
        ["Too much", 20, 20, 30, 30, 10, 5, 115, 500],  # row 4: 115%
        ["Fractions", 0.1, 0.2, 0.3, 0.3, 0.05, 0.05, 1, 500],  # row 5: adds up to 1
        ["Blank share", 10, None, 30, 30, 25, 5, 100, 500],  # row 6
        ["No base", 10, 20, 30, 30, 5, 5, 100, None],  # row 7
        ["Adds up", 10, 20, 30, 30, 5, 5, 100, 400],  # row 8: the item again
    ]
    path = write_xlsx(tmp_path / "t.xlsx", {"T": rows})
    result = loudly(read_survey_table, path, **OPTIONS)
    counts(result, 7, 1, 6)
    assert result.data["item"].unique().tolist() == ["Rounded"]
    q = result.quarantine.set_index("row")
    assert q.loc[4, "column"] == "(shares)" and q.loc[4, "value"] == "115%"
    assert q.loc[4, "problem"] == "shares not adding up to 100%"
    assert q.loc[4, "reason"] == (
        "the shares of 'Too much' add up to 115%, not 100% (allowed: 97% to 103%): check the "
        "row, the answer columns (answers=, missing=) or tolerance="
    )
    assert q.loc[5, "reason"].endswith(
        "; they add up to 1: if they are fractions, pass shares_as='fraction'"
    )
    assert q.loc[6, "reason"] == (
        "the share of 'Disagree' is blank: write 0 if nobody gave this answer"
    )
    assert q.loc[7, "column"] == "Base" and q.loc[7, "problem"] == "blank but required"
    assert q.loc[[2, 8], "problem"].tolist() == ["duplicate item", "duplicate item"]
    summary = result.summary()
    assert "2 rows, column '(shares)': shares not adding up to 100%, e.g. '115%'" in summary
    # a tighter tolerance refuses the rounded row too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        strict = read_survey_table(path, tolerance=0.5, **OPTIONS)
    counts(strict, 7, 0, 7)


def test_fractions_a_base_row_and_answers_by_position(tmp_path):
    rows = [
        ["Question", "SD", "D", "N", "A", "SA"],
        ["Parks are well kept", 0.1, 0.1, 0.2, 0.4, 0.2],
        ["Streets are clean", 0.3, 0.3, 0.2, 0.1, 0.1],
        ["Base: all respondents", 812, None, None, None, None],
    ]
    path = write_ods(tmp_path / "f.ods", {"S": rows})
    result = quietly(
        read_survey_table,
        path,
        item="Question",
        answers=["SD", "D", "N", "A", "SA"],
        scale=AGREE_5,
        base="Base: all respondents",
        shares_as="fraction",
    )
    counts(result, 2, 2, 0)
    assert set(result.data["base"]) == {812.0}
    assert "row 4 ('Base: all respondents') gives the base of every item: 812" in result.notes
    table = likert_table(
        result.data,
        items=result.data.attrs["likert_items"],
        scale=AGREE_5,
        weight="weight",
        n_from_weights=True,
        order="given",
    )
    assert table["n"].unique().tolist() == [812]
    assert table.loc[table["item"] == "Parks are well kept", "net"].iloc[0] == pytest.approx(40.0)
    # a number as base, and {answer: column}
    by_name = loudly(
        read_survey_table,
        path,
        item="Question",
        answers=dict(zip(AGREE_5, ["SD", "D", "N", "A", "SA"], strict=True)),
        base=100,
        shares_as="fraction",
    )
    counts(by_name, 3, 2, 1)  # the base row is now an item whose shares are blank
    assert set(by_name.data["base"]) == {100.0}


def test_argument_mistakes(tmp_path):
    path = _ods(tmp_path)
    kw = {"sheet": "Table 3", "skip_rows": 2}
    with pytest.raises(InputError, match="base= is required"):
        read_survey_table(path, item="Statement", scale=AGREE_5, **kw)
    with pytest.raises(InputError, match="say which columns hold the answers' shares"):
        read_survey_table(path, item="Statement", base="Base", **kw)
    with pytest.raises(InputError, match="shares_as= must be 'percent' or 'fraction'"):
        read_survey_table(path, shares_as="%", **OPTIONS, **kw)
    with pytest.raises(InputError, match="base='Respondents' is neither a column nor the label"):
        read_survey_table(path, **{**OPTIONS, "base": "Respondents"}, **kw)
    with pytest.raises(InputError, match="required field 'Strongly agreed' not found"):
        read_survey_table(path, **{**OPTIONS, "scale": (*AGREE_5[:4], "Strongly agreed")}, **kw)
    counts(
        quietly(
            read_survey_table,
            path,
            item="Statement",
            scale=["Disagree", "Agree"],
            base="Base",
            tolerance=100,
            **kw,
        ),
        3,
        3,
        0,
    )


def test_real_toronto_survey_as_a_published_table(shared_data, tmp_path):
    """Aggregate the real respondent-level survey into a published-style table (percent,
    one decimal, a base column), read it back, and get the same chart table."""
    path = shared_data / "toronto_engagement_survey" / "survey_data.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    survey = quietly(read_survey, path, **TORONTO_ENGAGEMENT_MAPPING).data
    items = [i for i in TORONTO_ENGAGEMENT_MAPPING["likert"] if i.startswith("q3_")][:11]
    rows = [["Item", *AGREE_5, "Base"]]
    for item in items:
        answered = survey[item].dropna()
        shares = answered.value_counts(normalize=True).reindex(list(AGREE_5), fill_value=0)
        rows.append([item, *[round(100 * s, 1) for s in shares], len(answered)])
    rows += [[None] * 7, ["Source: City of Toronto, Public Engagement Review survey", *[None] * 6]]
    published = write_ods(tmp_path / "toronto.ods", {"Q3": rows})
    result = quietly(read_survey_table, published, item="Item", scale=AGREE_5, base="Base")
    counts(result, len(items), len(items), 0)
    from_table = likert_table(
        result.data,
        items=items,
        scale=AGREE_5,
        weight="weight",
        n_from_weights=True,
        order="given",
    )
    from_survey = likert_table(survey, items=items, scale=AGREE_5, order="given")
    np.testing.assert_allclose(from_table["share"], from_survey["share"], atol=0.0006)
    assert from_table["n"].tolist() == from_survey["n"].tolist()
    np.testing.assert_allclose(from_table["net"], from_survey["net"], atol=0.25)

"""The questionnaire: the form and codebook, the workbook written, and the round trip.

A form filled with seeded synthetic answers (one blank, one answer not in the list) must
load with ``read_survey(path)`` and no mapping, every row loaded or quarantined.
"""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from loader_checks import check_counts

from coprod._core.text import label_key
from coprod.export import QUESTIONNAIRE_SHEETS, save_questionnaire
from coprod.io import QuarantineWarning, read_survey
from coprod.survey import ANSWER_COLUMNS, CODEBOOK_COLUMNS, questionnaire
from coprod.vocab import (
    CONSULTATION_TIMINGS,
    DELIVERY_LEVELS,
    ORGANISATION_KINDS,
    PLANNING_LEVELS,
    QUESTIONNAIRE_ANSWERS,
)

SERVICES = ["Libraries", "Street lighting", "Refuse collection", "Food banks", "Youth clubs"]
LEVELS = {
    "planning": PLANNING_LEVELS,
    "delivery": DELIVERY_LEVELS,
    "organisation": ORGANISATION_KINDS,
    "consultation": CONSULTATION_TIMINGS,
}


@pytest.fixture
def form():
    return questionnaire(SERVICES, respondents=12, council="Northbridge", wave=2025)


def test_the_wordings_are_sentences_each_read_as_one_level():
    keys = [label_key(w) for words in QUESTIONNAIRE_ANSWERS.values() for w in words]
    assert len(set(keys)) == len(keys) == 19  # no wording answers two questions
    for column, words in QUESTIONNAIRE_ANSWERS.items():
        levels = [level for level in words.values() if level is not None]
        assert sorted(levels) == sorted(LEVELS[column]), column  # every level, once
        assert list(words.values()).count(None) == 1  # and one "I don't know"
        assert all(w[0].isupper() and w.endswith(".") for w in words), column
    # contracted staff are professionals on the delivery axis, and the wording says so
    paid = "Paid staff deliver it (the council's own staff or a contractor's)."
    assert QUESTIONNAIRE_ANSWERS["delivery"][paid] == "professionals"


def test_the_form_and_its_codebook(form):
    assert list(form.form.columns) == [
        "respondent_id",
        "council",
        "wave",
        "service",
        *ANSWER_COLUMNS,
    ]
    assert len(form.form) == 12 * 5
    assert form.form["respondent_id"].iloc[[0, 5, 59]].tolist() == ["R001", "R002", "R012"]
    assert form.form["service"].iloc[:5].tolist() == SERVICES
    assert form.form[list(ANSWER_COLUMNS)].isna().all().all()
    book = form.codebook
    assert tuple(book.columns) == CODEBOOK_COLUMNS
    assert len(book) == 4 + 4 + 4 + 7 + 4  # filled-in columns, then every answer
    before_plan = (
        "Residents are asked for their views before a plan is made (for example with a "
        "questionnaire)."
    )
    before = book.set_index("answer").loc[before_plan]
    assert (before["column"], before["level"]) == ("consultation", "before a plan is made")
    assert form.summary().startswith("A questionnaire on 5 services (Libraries, Street")
    assert "60 rows to fill, one per respondent and service" in form.summary().replace("\n", " ")
    no_council = questionnaire(["Parks"], respondents=["a", "b"])
    assert list(no_council.form.columns) == ["respondent_id", "service", *ANSWER_COLUMNS]
    assert no_council.form["respondent_id"].tolist() == ["a", "b"]


def test_questionnaire_arguments_are_checked():
    with pytest.raises(TypeError, match="a list of service names"):
        questionnaire("Libraries")
    with pytest.raises(ValueError, match=r"listed twice \(ignoring case and spacing\)"):
        questionnaire(["Libraries", " libraries"])
    with pytest.raises(ValueError, match="non-empty"):
        questionnaire([])
    with pytest.raises(ValueError, match="at least 1"):
        questionnaire(["Parks"], respondents=0)
    with pytest.raises(ValueError, match="distinct"):
        questionnaire(["Parks"], respondents=["a", "a"])


def test_the_workbook_offers_the_answers_as_drop_down_lists(form, tmp_path):
    saved = save_questionnaire(form, tmp_path / "out")
    assert saved.paths == [
        tmp_path / "out" / "questionnaire.xlsx",
        tmp_path / "out" / "questionnaire_codebook.csv",
    ]
    wb = openpyxl.load_workbook(saved.workbook)
    assert wb.sheetnames == list(QUESTIONNAIRE_SHEETS)
    assert wb["answers"].sheet_state == "hidden"
    sheet = wb["form"]
    header = [c.value for c in sheet[1]]
    assert header == list(form.form.columns)
    assert sheet["E1"].comment.text == "Who decides how this service is planned?"
    rules = {str(r.sqref): r for r in sheet.data_validations.dataValidation}
    assert set(rules) == {"E2:E61", "F2:F61", "G2:G61", "H2:H61"}
    organisation = rules["G2:G61"]
    assert organisation.type == "list" and organisation.formula1 == "=answers!$C$2:$C$8"
    assert organisation.prompt == "Which organisation delivers this service?"
    listed = [wb["answers"].cell(row=i, column=3).value for i in range(2, 9)]
    assert listed == list(QUESTIONNAIRE_ANSWERS["organisation"])
    codebook = pd.read_csv(saved.codebook, encoding="utf-8-sig", dtype=str)
    pd.testing.assert_frame_equal(codebook, form.codebook.astype(object), check_dtype=False)


def _fill(path, form, rng, *, blank, unknown):
    """Answer every cell of the form with a wording chosen at random (seeded), except the
    cell ``blank`` (left empty) and the cell ``unknown`` (an answer not in the list)."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["form"]
    header = [c.value for c in sheet[1]]
    chosen = {}
    for i in range(2, len(form.form) + 2):
        for column in ANSWER_COLUMNS:
            j = header.index(column) + 1
            if (i, column) == blank:
                continue
            if (i, column) == unknown:
                value = "Someone else"
            else:
                words = list(QUESTIONNAIRE_ANSWERS[column])
                value = words[int(rng.integers(len(words)))]
            sheet.cell(row=i, column=j, value=value)
            chosen[(i, column)] = value
    wb.save(path)
    return chosen


def test_a_filled_form_loads_back_with_no_mapping_every_row_accounted_for(form, tmp_path):
    saved = save_questionnaire(form, tmp_path)
    rng = np.random.default_rng(20251111)
    blank, unknown = (9, "delivery"), (30, "organisation")
    chosen = _fill(saved.workbook, form, rng, blank=blank, unknown=unknown)
    with pytest.warns(QuarantineWarning, match="2 of 60 rows quarantined"):
        result = read_survey(saved.workbook)
    check_counts(result, 60, 58, 2, kind="survey")
    q = result.quarantine.sort_values("row").reset_index(drop=True)
    assert q[["file", "row", "column", "value", "problem"]].values.tolist() == [
        [str(saved.workbook), 9, "delivery", "", "blank but required"],
        [str(saved.workbook), 30, "organisation", "Someone else", "unknown organisation labels"],
    ]
    assert q.loc[1, "reason"].startswith(
        "'Someone else' is not a delivering organisation (coprod.vocab.ORGANISATION_KINDS)"
    )
    data = result.data
    assert data.index.tolist() == [r for r in range(2, 62) if r not in (9, 30)]
    assert sorted(data.columns) == sorted(form.form.columns)
    assert (data["council"] == "Northbridge").all() and (data["wave"] == 2025).all()
    # every answer is read as the level its wording means ("I don't know": no answer)
    for column in ANSWER_COLUMNS:
        expected = [QUESTIONNAIRE_ANSWERS[column][chosen[(r, column)]] for r in data.index]
        got = [None if v != v else v for v in data[column].astype(object)]
        assert got == expected, column
    dont_know = sum(
        QUESTIONNAIRE_ANSWERS[c][chosen[(r, c)]] is None for r in data.index for c in ANSWER_COLUMNS
    )
    assert dont_know == int(data[list(ANSWER_COLUMNS)].isna().sum().sum()) > 0
    notes = " ".join(result.notes)
    assert "organisation answers read as the questionnaire's wordings" in notes


def test_a_returned_form_with_a_title_row_loads_with_skip_rows(form, tmp_path):
    saved = save_questionnaire(form, tmp_path)
    _fill(saved.workbook, form, np.random.default_rng(3), blank=None, unknown=None)
    plain = read_survey(saved.workbook)
    wb = openpyxl.load_workbook(saved.workbook)
    wb["form"].insert_rows(1)
    wb["form"]["A1"] = "Northbridge residents' survey, 2025: who plans and who delivers"
    titled = tmp_path / "titled.xlsx"
    wb.save(titled)
    result = read_survey(titled, skip_rows=1)
    check_counts(result, 60, 60, 0)
    pd.testing.assert_frame_equal(
        result.data.reset_index(drop=True), plain.data.reset_index(drop=True)
    )
    assert result.data.index[0] == 3  # rows as the sheet numbers them, title included


def test_the_command_writes_the_questionnaire(tmp_path, capsys):
    from coprod.cli import main

    out = tmp_path / "q"
    argv = ["questionnaire", "--services", "Parks", "Libraries", "--out", str(out)]
    assert main([*argv, "--respondents", "3", "--wave", "2025"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("A questionnaire on 2 services (Parks and Libraries)")
    assert f"wrote {out / 'questionnaire.xlsx'}" in printed
    form = pd.read_excel(out / "questionnaire.xlsx", sheet_name="form", engine="openpyxl")
    assert len(form) == 6 and form["wave"].unique().tolist() == [2025]
    assert main(["questionnaire", "--services", "Parks", "parks", "--out", str(out)]) == 2
    assert "listed twice" in capsys.readouterr().err

"""Surveys in the user's own words: levels= per axis, missing answers, synonyms only when
asked, and files without a respondent id (row numbers are the ids)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pytest
from loader_checks import check_counts, loudly, quietly, write

from coprod._core.text import label_key
from coprod.grid import place_services
from coprod.io import InputError
from coprod.io.survey import parse_levels, read_survey
from coprod.vocab import (
    AMBIGUOUS_LEVEL_LABELS,
    DELIVERY_LEVELS,
    DELIVERY_SYNONYMS,
    PLANNING_LEVELS,
    PLANNING_SYNONYMS,
)

counts = partial(check_counts, kind="survey")

# A Canadian-style export: bilingual headers, cp1252 (accents), no respondent id, the
# answers in the survey's own words, "Don't know / Je ne sais pas" and blanks.
CANADIAN = (
    "Service / Service,Who plans it? / Qui le planifie?,Who delivers it? / Qui le fournit?,"
    "Province\n"
    "Parks / Parcs,City staff,City staff,Qu\u00e9bec\n"  # row 2
    "Parks / Parcs,Residents and the City together,Residents,Qu\u00e9bec\n"  # row 3
    "Libraries / Biblioth\u00e8ques,Residents,Residents and the City together,Ontario\n"  # 4
    "Libraries / Biblioth\u00e8ques,Don't know / Je ne sais pas,City staff,Ontario\n"  # 5
    "Snow clearing / D\u00e9neigement,City staff,,Ontario\n"  # row 6: blank delivery
    "Snow clearing / D\u00e9neigement,Council,City staff,Ontario\n"  # row 7: unknown label
)
PLAN = {
    "City staff": "professionals",
    "Residents and the City together": "co-planning",
    "Residents": "community",
}
DELIVER = {
    "City staff": "professionals",
    "Residents and the City together": "co-delivery",
    "Residents": "community",
}
CANADIAN_COLUMNS = {
    "service": "Service / Service",
    "planning": "Who plans it? / Qui le planifie?",
    "delivery": "Who delivers it? / Qui le fournit?",
}


def _canadian(tmp_path):
    return write(tmp_path / "sondage.csv", CANADIAN, "cp1252")


def test_canadian_export_in_the_users_words(tmp_path):
    path = _canadian(tmp_path)
    result = loudly(
        read_survey,
        path,
        columns=CANADIAN_COLUMNS,
        levels={"planning": PLAN, "delivery": DELIVER},
        missing=["Don't know / Je ne sais pas", ""],
    )
    counts(result, 6, 5, 1)
    assert result.encoding == "cp1252"
    data = result.data
    assert data.index.tolist() == [2, 3, 4, 5, 6]
    assert data["planning"].tolist()[:3] == ["professionals", "co-planning", "community"]
    assert pd.isna(data.loc[5, "planning"]) and data.loc[5, "delivery"] == "professionals"
    assert data.loc[6, "planning"] == "professionals" and pd.isna(data.loc[6, "delivery"])
    assert data.loc[4, "service"] == "Libraries / Biblioth\u00e8ques"
    # no id: the row numbers are the ids, and the notes say so
    assert data["respondent_id"].tolist() == ["2", "3", "4", "5", "6"]
    assert data.attrs["ids_from_rows"] is True
    assert data.attrs["source_columns"]["respondent_id"] == "(row number)"
    notes = "\n".join(result.notes)
    assert (
        "no respondent id column (none mapped, none named 'respondent_id'): each row's number "
        "in the file is its respondent_id, so every row counts as a different respondent and "
        "repeated respondents cannot be detected"
    ) in notes
    assert (
        "planning answers read with levels=: 'City staff' -> 'professionals' (2 rows), "
        "'Residents and the City together' -> 'co-planning' (1 row), "
        "'Residents' -> 'community' (1 row)"
    ) in notes
    assert (
        "1 planning answer in 'Who plans it? / Qui le planifie?' read as missing (missing=): "
        "\"Don't know / Je ne sais pas\" (1); the rows' other answers are kept"
    ) in notes
    assert "1 delivery answer in 'Who delivers it? / Qui le fournit?' read as missing" in notes
    # the unknown label: quarantined, the reason names the levels= fix
    q = result.quarantine
    assert q[["row", "column", "value", "problem"]].values.tolist() == [
        [7, "Who plans it? / Qui le planifie?", "Council", "unknown planning labels"]
    ]
    assert q["reason"].iloc[0] == (
        "'Council' is not a planning level: use one of 'professionals', 'co-planning', "
        "'community' (any case) or the codes 0, 1, 2, or say which level it is with "
        "levels={'planning': {'Council': '<level>'}}"
    )
    assert "1 row, column 'Who plans it? / Qui le planifie?': unknown planning labels, e.g. " in (
        " ".join(result.summary().split())
    )
    # the loaded answers go straight into the grid
    placed = place_services(
        data.dropna(subset=["planning", "delivery"]),
        service="service",
        planning="planning",
        delivery="delivery",
    )
    assert set(placed["service"]) == {"Parks / Parcs", "Libraries / Biblioth\u00e8ques"}


def test_without_missing_a_dont_know_or_blank_answer_quarantines_the_row(tmp_path):
    path = _canadian(tmp_path)
    result = loudly(
        read_survey, path, columns=CANADIAN_COLUMNS, levels={"planning": PLAN, "delivery": DELIVER}
    )
    counts(result, 6, 3, 3)
    q = result.quarantine.set_index("row")
    assert q.loc[5, "problem"] == "unknown planning labels"
    assert q.loc[6, "reason"] == (
        "delivery is blank but required: fill it in (or remove the row), or pass missing=[''] "
        "to read blank answers as missing"
    )
    assert q.loc[6, "problem"] == "blank but required"


def test_labels_mapped_to_none_are_missing_and_levels_stay_accepted(tmp_path):
    path = write(
        tmp_path / "s.csv",
        "service,planning,delivery\n"
        "Parks,Staff,co-delivery\n"
        "Parks,Not sure,2\n"
        "Parks, CO-PLANNING ,Volunteers\n",
    )
    result = quietly(
        read_survey,
        path,
        levels={
            "planning": {"staff": "Professionals", "not sure": None},
            "delivery": {"Volunteers": "community"},
        },
    )
    counts(result, 3, 3, 0)
    assert result.data["planning"].tolist()[0] == "professionals"
    assert pd.isna(result.data["planning"].iloc[1])
    assert result.data["planning"].iloc[2] == "co-planning"
    assert result.data["delivery"].tolist() == ["co-delivery", "community", "community"]


def test_levels_argument_mistakes(tmp_path):
    path = _canadian(tmp_path)
    with pytest.raises(InputError) as info:
        read_survey(path, columns=CANADIAN_COLUMNS, levels={"planning": {"City staff": "staff"}})
    assert (
        "levels['planning'] maps 'City staff' to 'staff', which is not a planning level: the "
        "levels are 'professionals', 'co-planning', 'community'"
    ) in str(info.value)
    with pytest.raises(InputError, match="levels= names the axis 'plan'"):
        read_survey(path, columns=CANADIAN_COLUMNS, levels={"plan": PLAN})
    with pytest.raises(InputError, match="missing= got a single string"):
        read_survey(path, columns=CANADIAN_COLUMNS, missing="Don't know")


def test_synonyms_only_when_asked(tmp_path):
    path = write(
        tmp_path / "s.csv",
        "respondent_id,service,planning,delivery\n"
        "R1,Parks,co planning,codelivery\n"
        "R2,Parks,Co-Planned,co-delivered\n"
        "R3,Parks,co-production,co-delivery\n"
        "R4,Parks,co-delivery,community\n",
    )
    strict = loudly(read_survey, path)
    counts(strict, 4, 0, 4)
    reasons = strict.quarantine.set_index(["row", "column"])["reason"]
    assert reasons[(2, "planning")].endswith(
        "; it is a spelling in coprod.vocab.PLANNING_SYNONYMS: pass synonyms=True to read it "
        "as 'co-planning'"
    )
    assert reasons[(5, "planning")].endswith(
        "; it is a delivery level: is this the planning column?"
    )
    assert reasons[(4, "planning")].startswith(
        "'co-production' is not read as a planning level: co-production names the whole grid"
    )
    loose = loudly(read_survey, path, synonyms=True)
    counts(loose, 4, 2, 2)  # co-production and a delivery level in planning stay refused
    assert loose.data["planning"].tolist() == ["co-planning", "co-planning"]
    assert loose.data["delivery"].tolist() == ["co-delivery", "co-delivery"]
    assert set(loose.quarantine["problem"]) == {
        "ambiguous planning labels",
        "unknown planning labels",
    }
    assert any(
        n.startswith("planning answers read as synonyms (synonyms=True") for n in loose.notes
    )
    # an explicit mapping reads co-production as the survey meant it
    mapped = quietly(
        read_survey,
        path,
        synonyms=True,
        levels={"planning": {"co-production": "co-planning", "co-delivery": None}},
    )
    counts(mapped, 4, 4, 0)


def test_synonym_tables_are_explicit_and_consistent():
    for table, levels in (
        (PLANNING_SYNONYMS, PLANNING_LEVELS),
        (DELIVERY_SYNONYMS, DELIVERY_LEVELS),
    ):
        assert set(table.values()) <= set(levels)
        assert all(label_key(k) == k for k in table)  # written as compared
        assert not set(table) & set(AMBIGUOUS_LEVEL_LABELS)
        assert not {label_key(v) for v in levels} & set(table)
    assert "co-production" in AMBIGUOUS_LEVEL_LABELS
    for synonyms in (False, True):
        parsed = parse_levels(list(AMBIGUOUS_LEVEL_LABELS), axis="delivery", synonyms=synonyms)
        assert parsed.values.isna().all() and parsed.problems.notna().all()


def test_an_id_column_under_another_name_is_suggested(tmp_path):
    path = write(
        tmp_path / "s.csv",
        "Respondent ID,service,planning,delivery\nA1,Parks,0,0\nA1,Parks,1,1\n",
    )
    result = quietly(read_survey, path)
    counts(result, 2, 2, 0)  # the repeated A1 is not seen: the rows are the ids
    assert any(
        n.endswith(
            "; if 'Respondent ID' is the id, pass columns={'respondent_id': 'Respondent ID'}"
        )
        for n in result.notes
    )
    with_id = loudly(read_survey, path, columns={"respondent_id": "Respondent ID"})
    counts(with_id, 2, 0, 2)
    assert set(with_id.quarantine["problem"]) == {"duplicate (respondent_id, service)"}


def test_likert_items_take_the_same_missing_answers(tmp_path):
    path = write(
        tmp_path / "items.csv",
        "Q1,Q2\nAgree,Don't know\nPrefer not to say,Disagree\n,Strongly agree\n",
    )
    result = quietly(
        read_survey, path, likert=["Q1", "Q2"], missing=["Don't know", "Prefer not to say"]
    )
    counts(result, 3, 3, 0)
    assert result.data["Q1"].isna().tolist() == [False, True, True]
    assert result.data["Q2"].isna().tolist() == [True, False, False]
    assert result.data["respondent_id"].tolist() == ["2", "3", "4"]


def test_analysis_errors_name_the_files_rows(tmp_path):
    from coprod.grid import LevelError, to_codes

    path = write(
        tmp_path / "s.csv",
        "title row,,\n"
        "service,planning,delivery\n"
        "Parks,professionals,community\n"
        "Parks,,community\n"  # row 4: blank planning, read as missing
        "Libraries,community,professionals\n",
    )
    data = quietly(read_survey, path, skip_rows=1, missing=[""]).data
    assert data.index.tolist() == [3, 4, 5]
    with pytest.raises(ValueError) as info:
        place_services(data, service="service", planning="planning", delivery="delivery")
    assert "(at rows 4; rows as numbered in the file)" in str(info.value)
    with pytest.raises(LevelError) as level:
        to_codes(data["planning"].iloc[1:], axis="planning", column="planning")
    assert level.value.rows == [4]
    # data not loaded by coprod: 1-based positions, as before
    with pytest.raises(LevelError) as plain:
        to_codes(pd.Series(["community", None]), axis="planning")
    assert plain.value.rows == [2] and "1-based row numbers" in str(plain.value)

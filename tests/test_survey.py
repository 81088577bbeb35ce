"""Tests for coprod.io.survey: services surveys, Likert/tick surveys, the Toronto mapping."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from functools import partial

import numpy as np
import pandas as pd
import pytest
from loader_checks import check_counts, quietly, write

import coprod.io.survey as survey_module
from coprod.grid import DELIVERY_LEVELS, PLANNING_LEVELS
from coprod.io import InputError, QuarantineWarning
from coprod.io.schemas import SERVICES_SURVEY, get_schema
from coprod.io.survey import (
    TORONTO_ACTIVITY_RUNGS,
    TORONTO_ENGAGEMENT_MAPPING,
    parse_levels,
    parse_likert,
    parse_ticks,
    read_survey,
    reverse_code,
)
from coprod.vocab import AGREE_5

counts = check_counts
read_quiet = partial(quietly, read_survey)

HEADER = "respondent_id,service,planning,delivery,council,wave,weight\n"


# --------------------------------------------------------------------------- services surveys


def test_services_survey_levels_are_normalised(tmp_path):
    path = write(
        tmp_path / "s.csv",
        HEADER
        + "R1,Parks,Community,professionals,Leeds,1,1.5\n"
        + "R2,Parks, co-planning ,CO-DELIVERY,Leeds,1,\n"
        + 'R3,Libraries,0,2,York,2,"1,234"\n'
        + "R4,Libraries,2.0,1,York,2,0.5\n",
    )
    result = read_quiet(path)
    counts(result, 4, 4, 0)
    data = result.data
    assert result.kind == "survey" and result.encoding == "utf-8"
    assert list(data.columns) == [
        "respondent_id",
        "service",
        "planning",
        "delivery",
        "council",
        "wave",
        "weight",
    ]
    assert data["planning"].tolist() == ["community", "co-planning", "professionals", "community"]
    assert data["delivery"].tolist() == ["professionals", "co-delivery", "community", "co-delivery"]
    assert list(data["planning"].cat.categories) == list(PLANNING_LEVELS)
    assert list(data["delivery"].cat.categories) == list(DELIVERY_LEVELS)
    assert data["planning"].cat.ordered
    assert data["wave"].dtype == "Int64" and data["wave"].tolist() == [1, 1, 2, 2]
    np.testing.assert_array_equal(data["weight"].to_numpy(), [1.5, np.nan, 1234.0, 0.5])
    assert data.index.tolist() == [2, 3, 4, 5]  # row numbers in the file
    assert data.index.name == "row"
    assert data.attrs["services_survey"] is True
    assert "services survey" in " ".join(result.notes)


def test_cp1252_survey(tmp_path):
    path = write(
        tmp_path / "cp.csv",
        b"respondent_id,service,planning,delivery\nR1,The City\x92s parks,community,community\n",
    )
    result = read_quiet(path)
    counts(result, 1, 1, 0)
    assert result.encoding == "cp1252"
    assert result.data["service"].iloc[0] == "The City\u2019s parks"


def test_utf8_bom_survey(tmp_path):
    path = write(
        tmp_path / "bom.csv", "\ufeff" + HEADER + "R1,Caf\u00e9s,community,community,Leeds,1,1\n"
    )
    result = read_quiet(path)
    counts(result, 1, 1, 0)
    assert result.encoding == "utf-8-sig"
    assert result.data["respondent_id"].tolist() == ["R1"]
    assert result.data["service"].tolist() == ["Caf\u00e9s"]


def test_trailing_commas_survey(tmp_path):
    lines = [HEADER.strip(), "R1,Parks,community,co-delivery,Leeds,1,2", "R2,Parks,0,0,Leeds,1,1"]
    path = write(tmp_path / "tc.csv", "".join(line + ",\n" for line in lines))
    result = read_quiet(path)
    counts(result, 2, 2, 0)
    assert result.data["weight"].tolist() == [2.0, 1.0]
    assert result.data["delivery"].tolist() == ["co-delivery", "professionals"]


def test_merged_header_rows_survey(tmp_path):
    path = write(
        tmp_path / "merged.csv",
        "Respondent,Service,Who is involved?,\n"
        ",,Planning,Delivery\n"
        "R1,Parks,community,co-delivery\n"
        "R2,Parks,co-planning,community\n",
    )
    with pytest.raises(InputError) as info:
        read_survey(path, columns={"respondent_id": "Respondent"})
    assert "header_rows=2" in str(info.value)
    result = read_quiet(
        path,
        header_rows=2,
        columns={
            "respondent_id": "Respondent",
            "planning": "Who is involved? Planning",
            "delivery": "Who is involved? Delivery",
        },
    )
    counts(result, 2, 2, 0)
    assert result.data.index.tolist() == [3, 4]
    assert result.data["planning"].tolist() == ["community", "co-planning"]
    assert result.data.attrs["source_columns"]["planning"] == "Who is involved? Planning"


def test_renamed_columns(tmp_path):
    path = write(
        tmp_path / "renamed.csv",
        "ID,Which service?,Who plans?,Who delivers?,Survey weight\nR1,Parks,community,professionals,2\n",
    )
    result = read_quiet(
        path,
        columns={
            "respondent_id": "ID",
            "service": "which service?",  # case-insensitive
            "planning": "Who plans?",
            "delivery": "Who delivers?",
            "weight": "Survey weight",
        },
    )
    counts(result, 1, 1, 0)
    assert result.data.iloc[0].tolist() == ["R1", "Parks", "community", "professionals", 2.0]


def test_missing_column_message(tmp_path):
    path = write(
        tmp_path / "missing.csv",
        "respondent_id,service,Planning level,delivery\nR1,Parks,community,community\n",
    )
    with pytest.raises(InputError) as info:
        read_survey(path)
    msg = str(info.value)
    assert str(path) in msg
    assert "required field 'planning' not found" in msg
    assert "'Planning level'" in msg
    assert "columns={'planning': 'Planning level'}" in msg
    assert "header_rows=2" in msg
    assert "services survey" in msg


def test_empty_survey_file(tmp_path):
    with pytest.raises(InputError, match="empty.csv is empty"):
        read_survey(write(tmp_path / "empty.csv", b""))


def test_unknown_level_is_quarantined(tmp_path):
    path = write(
        tmp_path / "levels.csv",
        "ID,service,Who plans?,delivery\n"
        "R1,Parks,community,community\n"
        "R2,Parks,co-planning,community\n"
        "R3,Parks,Profesionals,community\n"
        "R4,Parks,professionals,community\n",
    )
    with pytest.warns(QuarantineWarning, match="1 of 4 rows quarantined"):
        result = read_survey(path, columns={"respondent_id": "ID", "planning": "Who plans?"})
    counts(result, 4, 3, 1)
    q = result.quarantine
    assert len(q) == 1
    rec = q.iloc[0]
    assert rec["file"] == str(path)
    assert rec["row"] == 4  # header is row 1, so the third answer is on row 4
    assert rec["column"] == "Who plans?"
    assert rec["value"] == "Profesionals"
    assert "'Profesionals' is not a planning level" in rec["reason"]
    assert "'co-planning'" in rec["reason"]
    assert result.data["respondent_id"].tolist() == ["R1", "R2", "R4"]
    assert "Who plans?" in result.summary()


def test_weight_problems(tmp_path):
    path = write(
        tmp_path / "w.csv",
        HEADER
        + "R1,Parks,0,0,Leeds,1,about 2\n"
        + "R2,Parks,0,0,Leeds,1,-1\n"
        + "R3,Parks,0,0,Leeds,1,0\n"
        + "R4,Parks,0,0,Leeds,1,n/a\n"
        + "R5,Parks,0,0,Leeds,1,2\n",
    )
    with pytest.warns(QuarantineWarning):
        result = read_survey(path)
    counts(result, 5, 2, 3)
    q = result.quarantine.set_index("row")
    assert q.loc[2, "column"] == "weight" and q.loc[2, "value"] == "about 2"
    assert "not a plain number" in q.loc[2, "reason"]
    assert q.loc[3, "value"] == "-1" and "greater than 0" in q.loc[3, "reason"]
    assert q.loc[4, "value"] == "0" and "greater than 0" in q.loc[4, "reason"]
    assert result.data["respondent_id"].tolist() == ["R4", "R5"]
    assert pd.isna(result.data.loc[5, "weight"])


def test_blank_required_values_are_quarantined(tmp_path):
    path = write(
        tmp_path / "blank.csv",
        "respondent_id,service,planning,delivery\n,Parks,0,0\nR2,Parks,,0\nR3,Parks,1,1\n",
    )
    with pytest.warns(QuarantineWarning):
        result = read_survey(path)
    counts(result, 3, 1, 2)
    q = result.quarantine
    assert q["row"].tolist() == [2, 3]
    assert q["column"].tolist() == ["respondent_id", "planning"]
    assert all("blank but required" in r for r in q["reason"])


def test_duplicate_respondents_all_quarantined(tmp_path):
    path = write(
        tmp_path / "dup.csv",
        HEADER
        + "R1,Parks,0,0,Leeds,1,1\n"  # row 2
        + "R2,Parks,0,0,Leeds,1,1\n"  # row 3
        + "R1,Parks,1,1,Leeds,1,1\n"  # row 4: same key as row 2
        + "R1,Parks,1,1,Leeds,2,1\n"  # row 5: another wave, fine
        + "R1,Libraries,1,1,Leeds,1,1\n"  # row 6: another service, fine
        + "R1,Parks,2,2,Leeds,1,1\n",  # row 7: same key as rows 2 and 4
    )
    with pytest.warns(QuarantineWarning):
        result = read_survey(path)
    counts(result, 6, 3, 3)
    q = result.quarantine
    assert q["row"].tolist() == [2, 4, 7]
    assert q["reason"].iloc[0] == (
        "duplicate (respondent_id, service, wave) ('R1', 'Parks', '1') (also on rows 4, 7): "
        "keep one and remove the others"
    )
    assert q["column"].iloc[0] == "respondent_id, service, wave"
    assert result.data.index.tolist() == [3, 5, 6]


def test_excel_survey(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame(
        {
            "respondent_id": [101, 102, 103],
            "service": ["Parks", "Parks", "Libraries"],
            "planning": ["community", "Professionals", "oops"],
            "delivery": [0, 1, 2],
            "weight": [1.0, 2.5, 1.0],
        }
    ).to_excel(path, index=False)
    with pytest.warns(QuarantineWarning):
        result = read_survey(path)
    counts(result, 3, 2, 1)
    assert result.encoding is None
    assert result.data["respondent_id"].tolist() == ["101", "102"]  # ids as text
    assert result.data["delivery"].tolist() == ["professionals", "co-delivery"]
    assert result.quarantine[["row", "column", "value"]].iloc[0].tolist() == [4, "planning", "oops"]


def test_spss_survey_with_value_labels(tmp_path):
    import pyreadstat

    labels = {0: "professionals", 1: "co-planning", 2: "community"}
    df = pd.DataFrame(
        {
            "respondent_id": ["A1", "A2", "A3"],
            "service": ["Parks", "Parks", "Parks"],
            "planning": [0.0, 1.0, 2.0],
            "delivery": [2.0, 2.0, 0.0],
        }
    )
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={
            "planning": labels,
            "delivery": {0: "professionals", 1: "co-delivery", 2: "community"},
        },
    )
    result = read_quiet(path)
    counts(result, 3, 3, 0)
    assert result.data["planning"].tolist() == ["professionals", "co-planning", "community"]
    assert result.data["delivery"].tolist() == ["community", "community", "professionals"]
    assert result.data.index.tolist() == [1, 2, 3]  # case numbers
    assert any("value labels applied" in n for n in result.notes)


def test_spss_survey_unlabelled_codes(tmp_path):
    import pyreadstat

    df = pd.DataFrame(
        {
            "respondent_id": ["A1", "A2"],
            "service": ["Parks"] * 2,
            "planning": [1.0, 7.0],
            "delivery": [0.0, 0.0],
        }
    )
    path = tmp_path / "codes.sav"
    pyreadstat.write_sav(df, str(path))
    with pytest.warns(QuarantineWarning):
        result = read_survey(path)
    counts(result, 2, 1, 1)
    assert result.data["planning"].tolist() == ["co-planning"]
    assert result.quarantine.iloc[0][["row", "value"]].tolist() == [2, "7"]


# --------------------------------------------------------------------------- item surveys


ITEMS = (
    "Respondent,Q1 ideas,Q2 language,Tick petition,Tick survey,Comments,Age\n"
    "1,Agree,strongly DISAGREE,1,,I like it,30-64\n"
    "2,Neither Agree nor Disagree,,,x,,65+\n"
    "3,,Strongly agree,yes,0,call me on 0123,\n"
)


def item_kwargs(**extra):
    kwargs = {
        "columns": {"respondent_id": "Respondent", "age_group": "Age"},
        "likert": {"ideas": "Q1 ideas", "language": "Q2 language"},
        "ticks": {"petition": "Tick petition", "survey": "Tick survey"},
        "reverse": ["language"],
    }
    kwargs.update(extra)
    return kwargs


def test_item_survey(tmp_path):
    result = read_quiet(write(tmp_path / "items.csv", ITEMS), **item_kwargs())
    counts(result, 3, 3, 0)
    data = result.data
    assert list(data.columns) == [
        "respondent_id",
        "age_group",
        "ideas",
        "language",
        "petition",
        "survey",
    ]
    assert data["ideas"].tolist()[:2] == ["Agree", "Neither agree nor disagree"]
    assert pd.isna(data["ideas"].iloc[2])
    assert data["language"].tolist()[0] == "Strongly disagree"
    assert data["ideas"].dtype == pd.CategoricalDtype(AGREE_5, ordered=True)
    assert data["petition"].tolist() == [True, False, True]
    assert data["survey"].tolist() == [False, True, False]
    assert data["petition"].dtype == bool
    assert data["age_group"].tolist()[:2] == ["30-64", "65+"] and pd.isna(data["age_group"].iloc[2])
    assert data.attrs["reverse_worded"] == ("language",)
    assert data.attrs["likert_items"] == ("ideas", "language")
    assert data.attrs["tick_items"] == ("petition", "survey")
    assert data.attrs["services_survey"] is False
    assert "Comments" not in data.columns  # free text dropped
    assert "dropped 1 unmapped column" in " ".join(result.notes)


def test_item_survey_keep_and_lists(tmp_path):
    result = read_quiet(
        write(tmp_path / "items.csv", ITEMS),
        columns={"respondent_id": "Respondent"},
        likert=["Q1 ideas"],
        keep={"comment": "Comments"},
    )
    counts(result, 3, 3, 0)
    assert list(result.data.columns) == ["respondent_id", "Q1 ideas", "comment"]
    assert result.data["comment"].tolist() == ["I like it", "", "call me on 0123"]
    assert "dropped 4 unmapped columns" in " ".join(result.notes)


def test_item_survey_problems(tmp_path):
    text = (
        "Respondent,Q1 ideas,Tick petition\n"
        "1,Agree,1\n"
        "2,Agreed,\n"  # not on the scale
        "3,Disagree,maybe\n"  # not a tick answer
        "1,Agree,\n"  # duplicate of row 2
        "4,Don't know,\n"
    )
    path = write(tmp_path / "bad.csv", text)
    with pytest.warns(QuarantineWarning):
        result = read_survey(
            path,
            columns={"respondent_id": "Respondent"},
            likert={"ideas": "Q1 ideas"},
            ticks={"petition": "Tick petition"},
        )
    counts(result, 5, 0, 5)
    q = result.quarantine.set_index("row")
    assert "'Agreed' is not an answer on the scale" in q.loc[3, "reason"]
    assert "'maybe' is not a tick-box answer" in q.loc[4, "reason"]
    assert "duplicate respondent_id '1' (also on row 5)" in q.loc[2, "reason"]
    assert "(also on row 2)" in q.loc[5, "reason"]
    assert q.loc[6, "value"] == "Don't know"

    with pytest.warns(
        QuarantineWarning, match=r"3 of 5 rows .* 'Respondent' \(2\), 'Q1 ideas' \(1\)"
    ):
        result = read_survey(
            path,
            columns={"respondent_id": "Respondent"},
            likert={"ideas": "Q1 ideas"},
            likert_missing=["don't know"],
        )
    counts(result, 5, 2, 3)
    assert 6 in result.data.index and pd.isna(result.data.loc[6, "ideas"])
    assert "1 Likert answer listed in missing= or likert_missing=" in " ".join(result.notes)


def test_a_file_with_nothing_to_read_is_refused(tmp_path):
    path = write(tmp_path / "ids.csv", "Name,Score\nAnn,1\n")
    with pytest.raises(InputError) as info:
        read_survey(path)
    assert str(info.value) == (
        f"{path}, row 1: nothing to read: the file has no service, planning or delivery column "
        "and no Likert or tick-box items were named (nor a 'respondent_id' column)\n"
        "Fix: map the survey's columns: columns={'service': ..., 'planning': ..., "
        "'delivery': ...} for a services survey, or likert={...} / ticks={...} for items"
    )


def test_argument_mistakes(tmp_path):
    path = write(tmp_path / "items.csv", ITEMS)
    with pytest.raises(InputError, match="reverse= names"):
        read_survey(path, **item_kwargs(reverse=["petition"]))
    with pytest.raises(InputError, match="mapped twice"):
        read_survey(path, **item_kwargs(ticks={"petition": "Q1 ideas"}))
    with pytest.raises(InputError, match="used in both"):
        read_survey(path, **item_kwargs(ticks={"ideas": "Tick petition"}))
    with pytest.raises(InputError, match=r"pass likert=\{'ideas': 'Q1 ideas'\}"):
        read_survey(path, **item_kwargs(likert={"ideas": "Q1 idea"}))
    with pytest.raises(InputError, match="single string"):
        read_survey(path, **item_kwargs(likert="Q1 ideas"))


def test_id_field_name(tmp_path):
    path = write(tmp_path / "items.csv", ITEMS)
    result = read_quiet(path, columns={"resp": "Respondent"}, id_field="resp")
    counts(result, 3, 3, 0)
    assert list(result.data.columns) == ["resp"]


# --------------------------------------------------------------------------- parsers


def test_parsers_directly():
    levels = parse_levels(["COMMUNITY", 1, "1.0", "", "nobody"], axis="delivery")
    assert levels.values.tolist()[:3] == ["community", "co-delivery", "co-delivery"]
    assert levels.ok.tolist() == [True, True, True, True, False]
    assert "'nobody' is not a delivery level" in levels.problems[4]

    likert = parse_likert(["  strongly   AGREE ", "agree", None], AGREE_5)
    assert likert.values.tolist()[:2] == ["Strongly agree", "Agree"]
    assert likert.ok.all()

    ticks = parse_ticks(["1", "YES", " x ", "True", "Ticked", "", "0", "No", "FALSE", 1, 1.0, "2"])
    assert ticks.values.tolist() == [True] * 5 + [False] * 4 + [True, True, False]
    assert ticks.ok.tolist() == [True] * 11 + [False]


def test_reverse_code():
    s = pd.Series(["Agree", "Strongly disagree", None, "Neither agree nor disagree"], name="q")
    flipped = reverse_code(s)
    assert flipped.tolist()[:2] == ["Disagree", "Strongly agree"]
    assert pd.isna(flipped.iloc[2])
    assert flipped.iloc[3] == "Neither agree nor disagree"
    assert flipped.dtype == pd.CategoricalDtype(AGREE_5, ordered=True)
    assert flipped.name == "q"
    assert (
        reverse_code(reverse_code(s)).astype(object).equals(parse_likert(s).values.astype(object))
    )
    with pytest.raises(ValueError, match="'Agreed'"):
        reverse_code(pd.Series(["Agreed"]))


def test_services_schema():
    assert get_schema("services_survey") is SERVICES_SURVEY
    assert SERVICES_SURVEY.required == ("respondent_id", "service", "planning", "delivery")
    assert SERVICES_SURVEY.key == ("respondent_id", "service", "wave")
    table = SERVICES_SURVEY.describe()
    assert table.set_index("field").loc["weight", "checks"] == "> 0; may be blank"
    schema = SERVICES_SURVEY.to_pandera(fields=["planning", "weight"])
    assert set(schema.columns) == {"planning", "weight"}
    with pytest.raises(KeyError, match="known schemas"):
        get_schema("nope")
    assert get_schema("engagement_survey").required == ("respondent_id",)


# --------------------------------------------------------------------------- Toronto

SURVEY = "toronto_engagement_survey/survey_data.csv"


def _mapped_columns():
    m = TORONTO_ENGAGEMENT_MAPPING
    return [*m["columns"].values(), *m["ticks"].values(), *m["likert"].values()]


def test_toronto_real_file(shared_data):
    path = shared_data / SURVEY
    result = read_quiet(path, **TORONTO_ENGAGEMENT_MAPPING)
    counts(result, 962, 962, 0)
    assert result.encoding == "cp1252"
    data = result.data
    independent = pd.read_csv(path, encoding="cp1252", dtype=str)
    col = "3.1. The City considers my ideas"
    assert (
        (data["q3_considers_ideas"] == "Agree").sum() == (independent[col] == "Agree").sum() == 163
    )
    q7 = "7.3. Virtual meetings are more convenient as I can join from anywhere"
    assert (data["q7_convenient"] == "Strongly agree").sum() == (
        independent[q7] == "Strongly Agree"
    ).sum()
    assert data["q1_petition"].sum() == (independent["1.2. Signed a petition"] == "1").sum() == 412
    assert data["q3_other_rating"].notna().sum() == 117
    assert data["respondent_id"].tolist() == independent["Respondent"].tolist()
    assert data.attrs["reverse_worded"] == (
        "q3_complex_language",
        "q3_unequal_influence",
        "q3_no_difference",
    )
    assert data.shape == (962, 45)
    assert "dropped 75 unmapped columns" in " ".join(result.notes)
    # free text and sensitive demographics are not kept
    assert not any(c.startswith(("8.", "9.", "12.", "15.", "17.")) for c in data.columns)


def test_shipped_extract(repo_root):
    path = repo_root / "coprod" / "data" / "toronto_engagement" / "survey_extract.csv"
    raw = path.read_bytes()
    assert b"\x92" in raw  # cp1252, not UTF-8
    header = next(csv.reader(io.StringIO(raw.decode("cp1252"))))
    assert header == [c for c in header if c in _mapped_columns()]
    assert sorted(header) == sorted(_mapped_columns())
    result = read_quiet(path, **TORONTO_ENGAGEMENT_MAPPING)
    counts(result, 962, 962, 0)
    assert result.encoding == "cp1252"
    assert not any("dropped" in n for n in result.notes)
    source = (path.parent / "SOURCE.txt").read_text()
    assert "Contains information licensed under the Open Government Licence - Toronto." in source


def test_extract_matches_full_file(repo_root, shared_data):
    full = read_quiet(shared_data / SURVEY, **TORONTO_ENGAGEMENT_MAPPING).data
    extract = read_quiet(
        repo_root / "coprod" / "data" / "toronto_engagement" / "survey_extract.csv",
        **TORONTO_ENGAGEMENT_MAPPING,
    ).data
    pd.testing.assert_frame_equal(full, extract)


def test_make_extract_rebuilds_the_same_bytes(repo_root, shared_data, tmp_path):
    out = tmp_path / "extract.csv"
    script = repo_root / "coprod" / "data" / "toronto_engagement" / "make_extract.py"
    subprocess.run(
        [sys.executable, str(script), "--source", str(shared_data / SURVEY), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (script.parent / "survey_extract.csv").read_bytes()


def test_toronto_mapping_documented():
    doc = survey_module.__doc__
    for item in [*TORONTO_ENGAGEMENT_MAPPING["ticks"], *TORONTO_ENGAGEMENT_MAPPING["likert"]]:
        assert f"\n{item} " in doc, item
    for name, column in TORONTO_ENGAGEMENT_MAPPING["likert"].items():
        assert column[:40] in doc, name
    assert set(TORONTO_ENGAGEMENT_MAPPING["reverse"]) <= set(TORONTO_ENGAGEMENT_MAPPING["likert"])


def test_toronto_activity_rungs():
    assert set(TORONTO_ACTIVITY_RUNGS) == set(TORONTO_ENGAGEMENT_MAPPING["ticks"])
    assert all(r is None or 1 <= r <= 8 for r in TORONTO_ACTIVITY_RUNGS.values())
    assert TORONTO_ACTIVITY_RUNGS["q1_open_house"] == 3
    assert TORONTO_ACTIVITY_RUNGS["q1_city_survey"] == 4
    assert TORONTO_ACTIVITY_RUNGS["q1_advisory_committee"] == 5
    assert TORONTO_ACTIVITY_RUNGS["q1_helped_plan_engagement"] == 6
    assert TORONTO_ACTIVITY_RUNGS["q1_helped_design_space"] == 6
    assert TORONTO_ACTIVITY_RUNGS["q1_participatory_budgeting"] == 7
    assert TORONTO_ACTIVITY_RUNGS["q1_petition"] is None
    assert TORONTO_ACTIVITY_RUNGS["q1_protest"] is None


def test_import_survey_is_light():
    code = (
        "import sys, coprod.io.survey\n"
        "heavy = [m for m in ('pandera', 'pyreadstat', 'openpyxl', 'seaborn', 'statsmodels',"
        " 'ipywidgets') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --------------------------------------------------------------------------- who delivers


ORG_HEADER = "respondent_id,service,planning,delivery,organisation\n"


def test_organisation_is_read_as_a_kind_beside_the_delivery_level(tmp_path):
    from coprod.vocab import ORGANISATION_KINDS

    path = write(
        tmp_path / "org.csv",
        ORG_HEADER
        + "R1,Refuse,professionals,professionals,private contractor\n"
        + "R2,Refuse,professionals,professionals,pfi  CONTRACT\n"
        + "R3,Parks,co-planning,community,Contracted staff\n"
        + "R4,Parks,co-planning,community,Residents\n",
    )
    result = read_quiet(path, levels={"organisation": {"Contracted staff": "private contractor"}})
    counts(result, 4, 4, 0)
    data = result.data
    assert list(data.columns) == [*ORG_HEADER.strip().split(",")]
    assert data["organisation"].tolist() == [
        "private contractor",
        "PFI contract",
        "private contractor",
        "residents",
    ]
    assert list(data["organisation"].cat.categories) == list(ORGANISATION_KINDS)
    assert not data["organisation"].cat.ordered  # kinds, not an order
    assert (
        "organisation answers read with levels=: 'Contracted staff' -> 'private contractor' "
        "(1 row)" in result.notes
    )


def test_unknown_or_blank_organisation_is_quarantined_never_guessed(tmp_path):
    path = write(
        tmp_path / "org.csv",
        ORG_HEADER
        + "R1,Refuse,professionals,professionals,private contractor\n"
        + "R2,Refuse,professionals,professionals,Contracted staff\n"
        + "R3,Refuse,professionals,professionals,\n"
        + "R4,Refuse,professionals,professionals,1\n",
    )
    with pytest.warns(QuarantineWarning, match="3 of 4 rows quarantined"):
        result = read_survey(path)
    counts(result, 4, 1, 3)
    q = result.quarantine.set_index("row")
    assert q["column"].tolist() == ["organisation"] * 3
    assert q.loc[3, "value"] == "Contracted staff"
    assert q.loc[3, "problem"] == "unknown organisation labels"
    assert q.loc[3, "reason"] == (
        "'Contracted staff' is not a delivering organisation (coprod.vocab.ORGANISATION_KINDS): "
        "use one of 'council in-house', 'private contractor', 'PFI contract', 'voluntary "
        "organisation', 'social enterprise or development trust', 'residents' (any case), or "
        "say which it is with levels={'organisation': {'Contracted staff': '<level>'}}"
    )
    assert q.loc[4, "problem"] == "blank but required"
    # codes belong to the grid's axes only: "1" is no organisation
    assert q.loc[5, "value"] == "1" and q.loc[5, "problem"] == "unknown organisation labels"


def test_organisation_levels_argument_is_checked(tmp_path):
    path = write(tmp_path / "org.csv", ORG_HEADER + "R1,Refuse,0,0,private contractor\n")
    with pytest.raises(InputError, match="which is not a delivering organisation"):
        read_survey(path, levels={"organisation": {"Contracted staff": "contractor"}})
    with pytest.raises(InputError, match="'organisation' and 'consultation'"):
        read_survey(path, levels={"organisations": {"Contracted staff": "private contractor"}})


def test_parse_levels_is_the_one_parser_of_organisations():
    parsed = parse_levels(
        ["council in-house", "Voluntary organisation", "nobody", None],
        axis="organisation",
        missing=["Don't know"],
    )
    assert parsed.values.tolist()[:2] == ["council in-house", "voluntary organisation"]
    assert parsed.problems.notna().tolist() == [False, False, True, False]
    with pytest.raises(ValueError, match="axis must be one of 'planning', 'delivery'"):
        parse_levels(["x"], axis="organisations")


def test_services_schema_declares_organisation_and_consultation():
    from coprod.vocab import CONSULTATION_TIMINGS, ORGANISATION_KINDS

    organisation = SERVICES_SURVEY.field("organisation")
    assert not organisation.required and organisation.allowed == ORGANISATION_KINDS
    assert SERVICES_SURVEY.field("consultation").allowed == CONSULTATION_TIMINGS

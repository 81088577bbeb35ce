"""Tests for coprod.io: reading messy files, columns, parsers, quarantine."""

from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from coprod.io import (
    QUARANTINE_COLUMNS,
    InputError,
    LoadResult,
    Problems,
    QuarantineWarning,
    as_text,
    detect_encoding,
    duplicate_key_problems,
    finish,
    finish_selected,
    map_columns,
    parse_numbers,
    problems_from_failure_cases,
    read_raw_table,
    resolve_columns,
    validate_lazily,
)


def write(path, data: bytes):
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- errors


def test_input_error_names_file_row_column_and_fix():
    err = InputError("'x' is not a number", file="a.csv", row=5, column="weight", fix="write 1")
    text = str(err)
    assert text == "a.csv, row 5, column 'weight': 'x' is not a number\nFix: write 1"
    assert (err.file, err.row, err.column, err.fix) == ("a.csv", 5, "weight", "write 1")
    assert isinstance(err, ValueError)
    assert str(InputError("plain")) == "plain"


# --------------------------------------------------------------------------- encodings


def test_detect_encoding_from_bytes():
    assert detect_encoding(b"a,b\n1,2\n") == "utf-8"
    assert detect_encoding("caf\u00e9".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa,b\n") == "utf-8-sig"
    assert detect_encoding("a,b\n".encode("utf-16")) == "utf-16"
    assert detect_encoding(b"The City\x92s plan\n") == "cp1252"
    assert detect_encoding(b"") == "utf-8"


def test_detect_encoding_refuses_to_guess(tmp_path):
    path = write(tmp_path / "odd.csv", b"a,b\n\x81\x8d,2\n")  # undefined in cp1252
    with pytest.raises(InputError) as info:
        detect_encoding(path)
    msg = str(info.value)
    assert str(path) in msg and "encoding=" in msg and "line 2" in msg
    with pytest.raises(InputError, match="utf-16"):
        detect_encoding("a,b\n".encode("utf-16-le"))


def test_cp1252_file(tmp_path):
    path = write(tmp_path / "cp.csv", b"id,comment\nR1,The City\x92s plan\nR2,M\xe9tis\n")
    raw = read_raw_table(path)
    assert raw.encoding == "cp1252"
    assert raw.frame["comment"].tolist() == ["The City\u2019s plan", "M\u00e9tis"]
    assert any("cp1252" in n for n in raw.notes)
    assert raw.frame.index.tolist() == [2, 3]
    assert raw.first_data_row == 2


def test_wrong_explicit_encoding_is_an_input_error(tmp_path):
    path = write(tmp_path / "cp.csv", b"id,comment\nR1,The City\x92s plan\n")
    with pytest.raises(InputError, match=r"not valid utf-8.*line 2"):
        read_raw_table(path, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_raw_table(path, encoding="klingon")
    assert read_raw_table(path, encoding="latin-1").frame.shape == (1, 2)


def test_utf8_bom_file(tmp_path):
    path = write(tmp_path / "bom.csv", b"\xef\xbb\xbfid,name\r\nR1,Caf\xc3\xa9\r\n")
    raw = read_raw_table(path)
    assert raw.encoding == "utf-8-sig"
    assert list(raw.frame.columns) == ["id", "name"]
    assert raw.frame.loc[2, "name"] == "Caf\u00e9"
    # a BOM read with plain utf-8 is still stripped from the first header
    assert list(read_raw_table(path, encoding="utf-8").frame.columns) == ["id", "name"]


def test_utf16_file(tmp_path):
    path = write(tmp_path / "u16.txt", "id\tname\nR1\tAnn\n".encode("utf-16"))
    raw = read_raw_table(path)
    assert raw.encoding == "utf-16"
    assert raw.frame.to_dict("list") == {"id": ["R1"], "name": ["Ann"]}


# --------------------------------------------------------------------------- CSV shapes


@pytest.mark.parametrize("engine", ["auto", "python", "pyarrow"])
def test_csv_values_arrive_as_text_without_coercion(tmp_path, engine):
    path = write(tmp_path / "t.csv", b" id , value ,when\n007,NA,03/04/2024\n8, 1.50 ,\n")
    raw = read_raw_table(path, engine=engine)
    assert raw.engine == ("python" if engine == "python" else "pyarrow")
    assert list(raw.frame.columns) == ["id", "value", "when"]  # header stripped
    assert raw.frame.loc[2].tolist() == ["007", "NA", "03/04/2024"]
    assert raw.frame.loc[3].tolist() == ["8", " 1.50 ", ""]  # cells untouched
    # text: object columns of str (python) or pandas str columns (pyarrow), no NaN
    expected = object if engine == "python" else "str"
    assert all(raw.frame[c].dtype == expected for c in raw.frame.columns)


def test_trailing_commas_on_every_line(tmp_path):
    path = write(
        tmp_path / "tc.csv", b"id,service,planning,\nR1,Parks,community,\nR2,Libraries,,\n"
    )
    raw = read_raw_table(path)
    assert list(raw.frame.columns) == ["id", "service", "planning"]
    assert raw.frame.loc[2].tolist() == ["R1", "Parks", "community"]
    assert raw.frame.loc[3].tolist() == ["R2", "Libraries", ""]
    assert any("trailing commas" in n for n in raw.notes)


def test_trailing_commas_on_data_lines_only(tmp_path):
    path = write(tmp_path / "tc.csv", b"id,service\nR1,Parks,\nR2,Libraries,\n")
    raw = read_raw_table(path)
    assert list(raw.frame.columns) == ["id", "service"]
    assert raw.frame["service"].tolist() == ["Parks", "Libraries"]


def test_extra_values_without_header_get_a_column_and_a_note(tmp_path):
    path = write(tmp_path / "x.csv", b"id,service\nR1,Parks,oops\nR2,Libraries\n")
    raw = read_raw_table(path)
    assert list(raw.frame.columns) == ["id", "service", "Unnamed: 2"]
    assert raw.frame["Unnamed: 2"].tolist() == ["oops", ""]
    assert any("Unnamed: 2" in n for n in raw.notes)
    assert any("fewer cells" in n for n in raw.notes)


def test_two_merged_header_rows(tmp_path):
    data = (
        b"id,Planning,,Delivery,\n"
        b",Who,How,Who,How\n"
        b"R1,community,vote,professionals,paid\n"
        b"R2,co-planning,forum,community,volunteers\n"
    )
    path = write(tmp_path / "merged.csv", data)
    raw = read_raw_table(path, header_rows=2)
    assert list(raw.frame.columns) == [
        "id",
        "Planning Who",
        "Planning How",
        "Delivery Who",
        "Delivery How",
    ]
    assert raw.first_data_row == 3
    assert raw.frame.index.tolist() == [3, 4]
    assert raw.frame.loc[4, "Delivery How"] == "volunteers"
    assert raw.header_row_text == "1-2"


def test_duplicate_header_names_are_numbered(tmp_path):
    raw = read_raw_table(write(tmp_path / "d.csv", b"a,b,a\n1,2,3\n"))
    assert list(raw.frame.columns) == ["a", "b", "a.1"]
    assert any("numbered" in n for n in raw.notes)


def test_blank_rows_keep_spreadsheet_row_numbers(tmp_path):
    path = write(tmp_path / "b.csv", b"\nid,x\nR1,1\n\n,\nR2,2\n\n\n")
    raw = read_raw_table(path)
    assert raw.first_data_row == 3
    assert raw.frame.index.tolist() == [3, 6]
    assert raw.frame["id"].tolist() == ["R1", "R2"]
    assert any("blank row before the header" in n for n in raw.notes)
    assert any("rows 4, 5" in n for n in raw.notes)


def test_semicolon_delimiter_is_noticed(tmp_path):
    raw = read_raw_table(write(tmp_path / "s.csv", b"id;weight\nR1;1,5\n"))
    assert raw.frame.to_dict("list") == {"id": ["R1"], "weight": ["1,5"]}
    assert any("semicolon" in n for n in raw.notes)
    raw = read_raw_table(write(tmp_path / "t.tsv", b"id\tx,y\nR1\t1,2\n"))
    assert list(raw.frame.columns) == ["id", "x,y"]


def test_gzipped_csv(tmp_path):
    path = write(tmp_path / "g.csv.gz", gzip.compress(b"id,x\nR1,caf\xe9\n"))
    raw = read_raw_table(path)
    assert raw.encoding == "cp1252"
    assert raw.frame.loc[2, "x"] == "caf\u00e9"


def test_empty_files(tmp_path):
    with pytest.raises(InputError, match=r"empty\.csv is empty: the file has 0 bytes"):
        read_raw_table(write(tmp_path / "empty.csv", b""))
    with pytest.raises(InputError, match=r"blank\.csv is empty: no header"):
        read_raw_table(write(tmp_path / "blank.csv", b"\n\n  \n"))
    with pytest.raises(InputError, match="is empty: expected 2 header rows"):
        read_raw_table(write(tmp_path / "one.csv", b"a,b\n"), header_rows=2)
    raw = read_raw_table(write(tmp_path / "header.csv", b"a,b\n"))
    assert raw.frame.shape == (0, 2)
    assert any("no data rows" in n for n in raw.notes)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_raw_table(write(tmp_path / "data.json", b"{}"))
    msg = str(info.value)
    assert "'.json'" in msg and ".csv" in msg and ".xlsx" in msg and ".sav" in msg
    with pytest.raises(InputError, match="no such file"):
        read_raw_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="header_rows"):
        read_raw_table(write(tmp_path / "a.csv", b"a\n1\n"), header_rows=0)


# --------------------------------------------------------------------------- other formats


def test_excel_file(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(["id", "Planning", None, "when"])
    ws.append([None, "Who", "How", None])
    ws.merge_cells("B1:C1")
    ws.append([1, "community", "vote", dt.datetime(2024, 4, 3)])
    ws.append([None, None, None, None])
    ws.append([2.0, "co-planning", None, "13/01/2024"])
    wb.create_sheet("notes").append(["ignore me"])
    path = tmp_path / "survey.xlsx"
    wb.save(path)

    raw = read_raw_table(path, header_rows=2)
    assert raw.format == "excel" and raw.encoding is None and raw.sheet == "responses"
    assert list(raw.frame.columns) == ["id", "Planning Who", "Planning How", "when"]
    assert raw.frame.index.tolist() == [3, 5]
    assert raw.frame.loc[3, "id"] == 1 and raw.frame.loc[5, "id"] == 2.0  # stored values
    assert raw.frame.loc[5, "Planning How"] == ""
    assert raw.frame.loc[3, "when"] == dt.datetime(2024, 4, 3)
    assert any("sheet" in n and "'notes'" in n for n in raw.notes)
    assert read_raw_table(path, sheet="notes").frame.shape == (0, 1)
    assert read_raw_table(path, sheet=1).sheet == "notes"
    with pytest.raises(InputError, match=r"(?s)no sheet named .Sheet9.*responses"):
        read_raw_table(path, sheet="Sheet9")


def test_excel_written_by_pandas(tmp_path):
    path = tmp_path / "p.xlsx"
    pd.DataFrame({"id": ["R1", "R2"], "weight": [1.5, 2]}).to_excel(path, index=False)
    raw = read_raw_table(path)
    assert raw.frame.to_dict("list") == {"id": ["R1", "R2"], "weight": [1.5, 2]}
    assert raw.frame.index.tolist() == [2, 3]


def test_spss_value_labels_applied(tmp_path):
    import pyreadstat

    df = pd.DataFrame({"id": ["A", "B", "C"], "plan": [0.0, 2.0, np.nan], "age": [30.0, 9, 41]})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=["Respondent", "Who plans?", "Age"],
        variable_value_labels={"plan": {0: "professionals", 1: "co-planning", 2: "community"}},
    )
    raw = read_raw_table(path)
    assert raw.format == "spss" and raw.first_data_row == 1
    assert raw.frame.index.tolist() == [1, 2, 3]
    assert raw.frame["plan"].tolist() == ["professionals", "community", ""]
    assert raw.frame["age"].tolist() == [30.0, 9.0, 41.0]
    assert raw.value_labels["plan"][1] == "co-planning"
    assert raw.column_labels["plan"] == "Who plans?"
    assert any("value labels applied" in n for n in raw.notes)


def test_stata_and_parquet(tmp_path):
    import pyreadstat

    df = pd.DataFrame({"id": ["A", "B"], "code": [1, 2]})
    dta = tmp_path / "s.dta"
    pyreadstat.write_dta(
        df, str(dta), variable_value_labels={"code": {1: "co-planning", 2: "community"}}
    )
    raw = read_raw_table(dta)
    assert raw.format == "stata"
    assert raw.frame["code"].tolist() == ["co-planning", "community"]

    pq = tmp_path / "s.parquet"
    pd.DataFrame({"id": ["A", None], "w": [1.5, np.nan]}).to_parquet(pq)
    raw = read_raw_table(pq)
    assert raw.format == "parquet"
    assert raw.frame.to_dict("list") == {"id": ["A", ""], "w": [1.5, ""]}
    assert raw.frame.index.tolist() == [1, 2]


# --------------------------------------------------------------------------- columns


@pytest.fixture
def raw_survey(tmp_path):
    data = b"Resp ID,Service,Planning level,Who delivers,Notes\nR1,Parks,community,community,hi\n"
    return read_raw_table(write(tmp_path / "svc.csv", data))


def test_map_columns_exact_then_case_insensitive(raw_survey):
    out = map_columns(
        raw_survey,
        {"respondent_id": "resp id", "planning": "Planning level", "delivery": "Who delivers"},
        required=["respondent_id", "service", "planning", "delivery"],
        optional=["weight"],
    )
    assert list(out.columns) == ["respondent_id", "service", "planning", "delivery"]
    assert out.loc[2].tolist() == ["R1", "Parks", "community", "community"]
    assert out.attrs["source_columns"]["respondent_id"] == "Resp ID"
    assert out.index.tolist() == [2]


def test_missing_required_column_message(raw_survey):
    with pytest.raises(InputError) as info:
        map_columns(
            raw_survey,
            {"respondent_id": "Resp ID", "delivery": "Who delivers"},
            required=["respondent_id", "service", "planning", "delivery"],
        )
    err = info.value
    msg = str(err)
    assert raw_survey.source in msg
    assert "required field 'planning' not found" in msg
    assert "a column named 'planning'" in msg
    assert "'Planning level'" in msg  # closest name
    assert "columns={'planning': 'Planning level'}" in msg
    assert "header_rows=2" in msg
    assert err.row == "1"


def test_mapping_mistakes(raw_survey):
    with pytest.raises(InputError, match="same column 'Service'"):
        resolve_columns(
            raw_survey, {"council": "Service"}, required=["service"], optional=["council"]
        )
    with pytest.raises(
        InputError, match=r"unknown field\(s\) 'plannign' \(did you mean 'planning'"
    ):
        resolve_columns(raw_survey, {"plannign": "x"}, required=["planning"])
    # an optional field is skipped when absent, but not when the user named a column
    assert resolve_columns(raw_survey, None, required=["service"], optional=["weight"]) == {
        "service": "Service"
    }
    with pytest.raises(InputError, match="field 'weight' not found"):
        resolve_columns(raw_survey, {"weight": "Wieght"}, required=[], optional=["weight"])


def test_ambiguous_case_insensitive_match(tmp_path):
    raw = read_raw_table(write(tmp_path / "a.csv", b"Service,SERVICE\n1,2\n"))
    assert resolve_columns(raw, None, required=["Service"]) == {"Service": "Service"}
    with pytest.raises(InputError, match="more than one column"):
        resolve_columns(raw, None, required=["service"])


# --------------------------------------------------------------------------- parsers


def test_parse_numbers_accepts_only_unambiguous_forms():
    values = pd.Series(
        ["12", " 1,234 ", "-3.5", "1,234,567.25", "n/a", "", "N/A", "1e3", ".5", 7, 2.5],
        index=range(10, 21),
    )
    parsed = parse_numbers(values)
    assert parsed.problems.isna().all()
    expected = [12, 1234, -3.5, 1234567.25, np.nan, np.nan, np.nan, 1000, 0.5, 7, 2.5]
    np.testing.assert_array_equal(parsed.values.to_numpy(), np.array(expected, dtype=float))
    assert parsed.values.dtype == "float64"
    assert parsed.values.index.tolist() == list(range(10, 21))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("12 approx", "not a plain number"),
        ("1,23", "not a thousands separator"),
        ("1.234,5", "European"),
        ("(12)", "brackets"),
        ("£12", "currency"),
        ("-", "zero or missing"),
        ("#N/A", "spreadsheet error"),
        ("unknown", "is not a number"),
        ("1 234", "not a plain number"),
    ],
)
def test_parse_numbers_reasons(text, words):
    parsed = parse_numbers([text])
    assert pd.isna(parsed.values[0])
    assert words in parsed.problems[0]
    assert repr(text) in parsed.problems[0]


def test_parse_numbers_integer_and_required():
    parsed = parse_numbers(["3", "3.0", "3.5", ""], integer=True, allow_missing=False)
    assert parsed.values.dtype == "Int64"
    assert parsed.values[:2].tolist() == [3, 3]
    assert "not a whole number" in parsed.problems[2]
    assert "blank but a value is required" in parsed.problems[3]
    assert "true/false" in parse_numbers([True]).problems[0]


def test_as_text():
    assert as_text(26.0) == "26" and as_text(2.5) == "2.5" and as_text(None) == ""
    assert as_text(np.nan) == "" and as_text(dt.datetime(2024, 4, 3)) == "2024-04-03"


# --------------------------------------------------------------------------- quarantine


def test_duplicate_key_problems_report_all_occurrences():
    frame = pd.DataFrame(
        {"respondent_id": ["R1", "R2", "R1", "R3", "R1"]}, index=pd.Index([2, 3, 5, 6, 9])
    )
    problems = duplicate_key_problems(
        frame, ["respondent_id"], column_names={"respondent_id": "ID"}
    )
    assert [p.row for p in problems] == [2, 5, 9]
    assert {p.column for p in problems} == {"ID"}
    assert problems[0].reason == (
        "duplicate respondent_id 'R1' (also on rows 5, 9): keep one and remove the others"
    )
    assert "(also on rows 2, 9)" in problems[1].reason


def test_duplicate_composite_key():
    frame = pd.DataFrame(
        {"id": ["R1", "R1", "R1"], "service": ["Parks", "Parks", "Libraries"], "wave": [1, 1, 1]},
        index=[2, 3, 4],
    )
    problems = duplicate_key_problems(frame, ["id", "service", "wave"])
    assert [p.row for p in problems] == [2, 3]
    assert (
        "duplicate (id, service, wave) ('R1', 'Parks', '1') (also on row 3)" in problems[0].reason
    )


def _frame():
    return pd.DataFrame({"id": ["R1", "R2", "R3"], "w": [1.0, -2.0, np.nan]}, index=[2, 3, 4])


def test_finish_splits_and_warns():
    frame = _frame()
    problems = Problems("f.csv")
    problems.add(3, "Weight", "-2", "must be > 0")
    problems.add(3, "ID", "R2", "second problem on the same row")
    with pytest.warns(QuarantineWarning, match=r"f\.csv: 1 of 3 rows quarantined"):
        result = finish(frame, problems, kind="test", encoding="utf-8", notes=["a note"])
    assert result.n_read == 3 and result.n_loaded == 2 and result.n_quarantined == 1
    assert result.n_read == result.n_loaded + result.n_quarantined
    assert result.data.index.tolist() == [2, 4]
    q = result.quarantine
    assert tuple(q.columns) == QUARANTINE_COLUMNS
    assert len(q) == 2
    assert q.iloc[0].tolist() == ["f.csv", 3, "Weight", "-2", "must be > 0", "must be > 0"]
    reasons = result.reasons()
    assert list(reasons.columns) == [
        "column",
        "problem",
        "rows",
        "problems",
        "first_row",
        "example",
        "reason",
    ]
    assert reasons["problems"].tolist() == [1, 1]
    text = result.summary()
    for words in ("f.csv (test)", "encoding: utf-8", "rows read: 3", "rows loaded: 2"):
        assert words in text
    assert "rows quarantined: 1" in text and "must be > 0" in text and "a note" in text
    assert repr(result) == "LoadResult(test 'f.csv': 3 read, 2 loaded, 1 quarantined)"
    assert "<pre>" in result._repr_html_()
    with pytest.raises(InputError) as info:
        result.raise_if_quarantined()
    assert "1 of 3 rows have problems" in str(info.value)
    assert "row 3, column 'Weight', value '-2': must be > 0" in str(info.value)


def test_summary_groups_problems_by_kind_not_by_value():
    n = 12_804
    frame = pd.DataFrame({"received": [f"2014-Jan-{i % 28 + 1:02d} 13:48:01" for i in range(n)]})
    frame.index = pd.Index(np.arange(2, n + 2), name="row")
    problems = Problems("log.csv")
    problems.add_many(
        frame.index,
        "received",
        frame["received"].tolist(),
        [f"{v!r} is not a date in a recognised format" for v in frame["received"]],
        "dates not accepted",
    )
    problems.add(5, "service", "", "service is blank but required", "blank but required")
    problems.add(7, "service", "", "service is blank but required", "blank but required")
    problems.add(9, "weight", "x", "'x' is not a number")  # no kind: the reason is the kind
    result = finish(frame, problems, kind="complaints", warn=False)
    assert result.n_read == result.n_loaded + result.n_quarantined == n
    q = result.quarantine
    assert q.loc[q["column"] == "weight", "problem"].tolist() == ["'x' is not a number"]
    summary = result.summary()
    lines = [line.strip() for line in summary.splitlines()]
    assert (
        "12,804 rows, column 'received': dates not accepted, e.g. '2014-Jan-01 13:48:01'" in lines
    )
    assert "2 rows, column 'service': blank but required, e.g. ''" in lines
    assert "1 row, column 'weight': 'x' is not a number" in lines
    assert sum("column 'received'" in line for line in lines) == 1
    assert "rows read: 12,804" in summary
    reasons = result.reasons()
    assert reasons[["column", "problem", "rows", "problems", "first_row"]].values.tolist() == [
        ["received", "dates not accepted", n, n, 2],
        ["service", "blank but required", 2, 2, 5],
        ["weight", "'x' is not a number", 1, 1, 9],
    ]
    assert reasons["example"].iloc[0] == "2014-Jan-01 13:48:01"
    assert (
        reasons["reason"].iloc[0] == "'2014-Jan-01 13:48:01' is not a date in a recognised format"
    )
    # detail: one line per distinct reason
    assert len(result.reasons(detail=True)) == 28 + 2
    # a table with more kinds than shown says how many more
    assert "... and 1 other kind (see .reasons())" in result.summary(top=2)


def test_problem_kinds_come_from_the_code_that_found_them():
    from coprod.io import parse_numbers

    parsed = parse_numbers(["1,5", "12 approx", "£3", "-", "", "4"], allow_missing=False)
    assert parsed.kinds.tolist()[:5] == [
        "numbers with a comma that is not a thousands separator",
        "numbers with words, ranges or symbols",
        "numbers with a currency or % sign",
        "dashes that could mean zero or missing",
        "blank but required",
    ]
    assert pd.isna(parsed.kinds.iloc[5])
    problems = Problems("f.csv")
    raw = pd.Series(["1,5", "12 approx", "£3", "-", "", "4"], index=range(2, 8))
    problems.add_parsed(
        parse_numbers(raw, allow_missing=False), raw, "amount", kind="unused fallback"
    )
    assert [p.problem for p in problems][:2] == [
        "numbers with a comma that is not a thousands separator",
        "numbers with words, ranges or symbols",
    ]
    kinds = [p.kind for p in duplicate_key_problems(pd.DataFrame({"id": ["a", "a"]}), ["id"])]
    assert kinds == ["duplicate id", "duplicate id"]


def test_finish_without_problems_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = finish(_frame(), Problems("f.csv"), kind="test")
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (3, 3, 0)
    assert result.raise_if_quarantined() is result
    assert result.reasons().empty
    assert "rows quarantined: 0" in result.summary()


def test_load_result_guards_its_invariant():
    q = Problems("f.csv").to_frame()
    with pytest.raises(RuntimeError, match="3 rows read but 2 loaded"):
        LoadResult(data=_frame().iloc[:2], quarantine=q, n_read=3, source="f.csv", kind="t")
    with pytest.raises(RuntimeError, match="quarantine columns"):
        LoadResult(
            data=_frame(), quarantine=q.drop(columns="value"), n_read=3, source="f", kind="t"
        )
    problems = Problems("f.csv")
    problems.add(99, "x", "", "bug")
    with pytest.raises(RuntimeError, match="not in the frame"):
        finish(_frame(), problems, kind="t")


def test_pandera_failures_become_problems():
    from coprod.io.schemas import pandera_module

    pa = pandera_module()  # (quietly beside PySpark, as the loaders import it)

    schema = pa.DataFrameSchema(
        {
            "id": pa.Column(nullable=False),
            "w": pa.Column(nullable=True, checks=pa.Check.gt(0, error="must be greater than 0")),
        }
    )
    frame = pd.DataFrame({"id": ["R1", None, "R3"], "w": [1.0, 2.0, -1.0]}, index=[2, 3, 4])
    raw = pd.DataFrame({"Weight": ["1", "2", "-1.0 "]}, index=[2, 3, 4])
    problems = validate_lazily(schema, frame, column_names={"w": "Weight"}, raw=raw)
    by_row = {p.row: p for p in problems}
    assert sorted(by_row) == [3, 4]
    assert by_row[3].column == "id" and "blank but required" in by_row[3].reason
    assert by_row[4].column == "Weight" and by_row[4].value == "-1.0 "
    assert "must be greater than 0" in by_row[4].reason
    assert validate_lazily(schema, frame.loc[[2]]) == []

    whole = pd.DataFrame(
        {"column": [None], "check": ["column_in_dataframe"], "failure_case": ["q"], "index": [None]}
    )
    with pytest.raises(InputError, match="does not fit its schema"):
        problems_from_failure_cases(whole, source="f.csv")


def test_import_is_light():
    code = (
        "import sys, coprod.io\n"
        "heavy = [m for m in ('pandera', 'pyreadstat', 'openpyxl', 'seaborn', 'statsmodels',"
        " 'ipywidgets', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("n", [3, 60_000])  # 60,000: select runs in a thread
def test_finish_selected_equals_finish(n):
    frame = pd.DataFrame(
        {
            "id": pd.Series([f"R{i}" for i in range(n)], dtype="str"),
            "w": np.arange(n, dtype=float),
        },
        index=pd.Index(np.arange(2, n + 2), name="row"),
    )
    frame.attrs["source"] = "f.csv"

    def problems():
        found = Problems("f.csv")
        found.add_many(np.arange(3, n + 2, 7), "W", ["x"] * len(range(3, n + 2, 7)), "bad")
        found.add(3, "ID", "R1", "second problem on the same row")
        return found

    def select(keep):
        return frame[keep]

    def loader():  # a loader calls finish: the warning points at the loader's caller
        return finish(frame, problems(), kind="t", encoding="utf-8", notes=["n"])

    def loader_selected():
        return finish_selected(
            frame.index, select, problems(), kind="t", encoding="utf-8", notes=["n"]
        )

    with pytest.warns(QuarantineWarning) as caught:
        expected = loader()
    with pytest.warns(QuarantineWarning) as caught_selected:
        result = loader_selected()
    pd.testing.assert_frame_equal(result.data, expected.data)
    pd.testing.assert_frame_equal(result.quarantine, expected.quarantine)
    assert result.data.attrs == expected.data.attrs == {"source": "f.csv"}
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (
        expected.n_read,
        expected.n_loaded,
        expected.n_quarantined,
    )
    assert result.notes == expected.notes and result.encoding == expected.encoding
    assert str(caught[0].message) == str(caught_selected[0].message)
    assert caught[0].filename == caught_selected[0].filename == __file__
    assert caught[0].lineno != caught_selected[0].lineno
    with pytest.raises(RuntimeError, match="clean rows selected"):
        finish_selected(frame.index, lambda keep: frame, problems(), kind="t")


# ------------------------------------------------ switching fields off, plausible suggestions


def test_a_field_matched_by_name_can_be_switched_off():
    from coprod.io.columns import resolve_columns

    frame = pd.DataFrame({"id": ["1", "2"], "category": ["a", "b"], "service": ["x", "y"]})
    found = resolve_columns(
        frame,
        {"complaint_id": "id", "category": None},
        required=["complaint_id", "service"],
        optional=["category"],
    )
    assert found == {"complaint_id": "id", "service": "service"}
    with pytest.raises(InputError, match="switches off required field\\(s\\) 'service'"):
        resolve_columns(frame, {"service": None}, required=["service"])


def test_suggestions_only_name_columns_whose_values_could_be_the_field():
    from coprod.io.columns import could_hold, resolve_columns
    from coprod.io.schemas import COMPLAINT_LOG

    frame = pd.DataFrame(
        {
            "Depot ID": ["North", "North", "South", "North"],  # repeats: cannot be an id
            "Case Ref": ["C1", "C2", "C3", "C4"],
            "Service": ["Roads"] * 4,
            "Date Opened": ["3/26/2014 9:18", "3/27/2014 9:00", "4/1/2014 10:00", "4/2/2014"],
        }
    )
    assert not could_hold(COMPLAINT_LOG, "complaint_id", frame["Depot ID"])
    assert could_hold(COMPLAINT_LOG, "complaint_id", frame["Case Ref"])
    assert could_hold(COMPLAINT_LOG, "received", frame["Date Opened"])
    assert not could_hold(COMPLAINT_LOG, "received", frame["Service"])
    args = dict(required=["complaint_id", "service", "received"])
    with pytest.raises(InputError) as plain:
        resolve_columns(frame, {"received": "Date"}, **args)
    # by name alone "Depot ID" is the nearest to "complaint_id" ...
    assert (
        "'complaint_id' not found (looked for a column named 'complaint_id'); closest "
        "column names: 'Depot ID'" in str(plain.value)
    )
    with pytest.raises(InputError) as err:
        resolve_columns(frame, {"received": "Date"}, schema=COMPLAINT_LOG, **args)
    message = str(err.value)
    # ... but its values repeat, so with the schema it is not offered
    assert "'Depot ID'" not in message.split("The file's columns are")[0]
    assert "closest column names: 'Date Opened'" in message
    # a column already read as another field is not offered for a missing one
    dated = frame.rename(columns={"Date Opened": "Complaint Date"})
    with pytest.raises(InputError) as taken:
        resolve_columns(dated, {"received": "Complaint Date"}, schema=COMPLAINT_LOG, **args)
    assert "'Complaint Date'" not in str(taken.value).split("The file's columns are")[0]


def test_a_field_of_a_longer_key_may_repeat():
    """A respondent answers about several services: respondent_id repeats in a long survey
    (its key is respondent, service and wave), so it may still be suggested."""
    from coprod.io.columns import could_hold
    from coprod.io.schemas import SERVICES_SURVEY

    ids = pd.Series(["R1", "R1", "R2", "R2"])
    assert len(SERVICES_SURVEY.key) > 1
    assert could_hold(SERVICES_SURVEY, "respondent_id", ids)


def test_missing_columns_in_analysis_functions_are_one_error_shape():
    from coprod._core.columns import MissingColumnError
    from coprod.charts.likert import plot_likert
    from coprod.timeseries.spc import spc

    frame = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=3, freq="MS"), "n": 1})
    with pytest.raises(MissingColumnError) as err:
        spc(frame, value="count", period="period")
    assert str(err.value) == ("data has no column 'count'; its columns are ['period', 'n']")
    with pytest.raises(
        MissingColumnError, match="^table has no column .*make it with likert_table"
    ):
        plot_likert(pd.DataFrame({"item": ["a"]}))
    assert issubclass(MissingColumnError, KeyError) and issubclass(MissingColumnError, ValueError)

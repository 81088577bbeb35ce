"""Spreadsheets as published: .ods, chosen sheets, title rows, notes below the table,
and the CSV engines of read_raw_table (the same table from both)."""

from __future__ import annotations

import csv
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from loader_checks import check_counts, quietly, write, write_ods, write_xlsx

from coprod.io import InputError, QuarantineWarning, read_raw_table
from coprod.io.complaint_log import read_complaints
from coprod.io.counts import read_denominators, read_report_counts
from coprod.io.survey import read_survey

TITLE = "Table 3: Who plans local services"
SUBTITLE = "Residents' survey 2024, all respondents"
TABLE = [
    ["respondent_id", "service", "planning", "delivery"],
    ["R1", "Parks", "professionals", "community"],
    ["R2", "Parks", "co-planning", "co-delivery"],
    ["R3", "Libraries", "community", "professionals"],
]
NOTES = ["Source: Anytown Council residents' survey", "Note: figures rounded"]


def _published_rows():
    """Two title rows, a blank row, the table, a blank row, two notes (a blank between)."""
    width = len(TABLE[0])
    pad = [None] * (width - 1)
    return [
        [TITLE, *pad],
        [SUBTITLE, *pad],
        [None] * width,
        *TABLE,
        [None] * width,
        [NOTES[0], *pad],
        [None] * width,
        [NOTES[1], *pad],
    ]


def write_csv(path, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        ["" if v is None else v for v in row] for row in rows
    )
    return write(path, out.getvalue())


NOTES_NOTE = (
    "ignored 2 notes below the table (rows 9, 11), not read as data: the table ends at the "
    "blank row 8, below which only the first column has text: "
    "\"Source: Anytown Council residents' survey\", 'Note: figures rounded'"
)
TITLE_NOTE = f"skipped 2 title rows above the header (skip_rows=2): {TITLE!r}, {SUBTITLE!r}"


@pytest.mark.parametrize("fmt", ["ods", "xlsx", "csv"])
def test_title_rows_and_notes_below_are_not_data(tmp_path, fmt):
    rows = _published_rows()
    if fmt == "ods":
        path = write_ods(tmp_path / "t.ods", {"Cover": [["About"]], "Table 3": rows})
    elif fmt == "xlsx":
        path = write_xlsx(tmp_path / "t.xlsx", {"Cover": [["About"]], "Table 3": rows})
    else:
        path = write_csv(tmp_path / "t.csv", rows)
    sheet = None if fmt == "csv" else "table 3"  # names compared ignoring case
    raw = read_raw_table(path, skip_rows=2, sheet=sheet)
    assert list(raw.frame.columns) == TABLE[0]
    assert raw.frame.index.tolist() == [5, 6, 7]  # the sheet's row numbers
    assert raw.frame["respondent_id"].tolist() == ["R1", "R2", "R3"]
    assert raw.header_row_text == "4"
    assert raw.notes[0] == TITLE_NOTE
    assert "skipped 1 blank row before the header (below the title rows)" in raw.notes
    assert NOTES_NOTE in raw.notes
    if fmt != "csv":
        assert raw.sheet == "Table 3" and raw.format == ("ods" if fmt == "ods" else "excel")
    # every reader takes skip_rows= and sheet=; no note row is loaded or quarantined
    result = quietly(read_survey, path, skip_rows=2, sheet=sheet)
    check_counts(result, 3, 3, 0, kind="survey")
    assert NOTES_NOTE in result.notes
    assert result.data["planning"].tolist() == ["professionals", "co-planning", "community"]


def test_without_skip_rows_the_error_says_to_pass_it(tmp_path):
    path = write_ods(tmp_path / "t.ods", {"Table 3": _published_rows()})
    with pytest.raises(InputError) as info:
        read_survey(path)
    message = str(info.value)
    assert "row 1: nothing to read" in message
    assert (
        f"the header row 1 has one cell only ({TITLE!r}), so it is probably a title: pass "
        "skip_rows= the number of rows above the real header"
    ) in message

    with pytest.raises(InputError) as info:
        read_complaints(path)
    assert "skip_rows=" in str(info.value) and "probably a title" in str(info.value)


def test_a_real_data_row_after_a_blank_row_is_kept(tmp_path):
    # a blank row, then rows with two or more cells filled: still the table
    rows = [*TABLE, [None] * 4, ["R4", "Parks", "community", None], ["Source: x", None, None, None]]
    path = write_csv(tmp_path / "t.csv", rows)
    for engine in ("python", "pyarrow"):
        raw = read_raw_table(path, engine=engine)
        assert raw.frame.index.tolist() == [2, 3, 4, 6, 7]
        assert raw.frame.loc[7, "respondent_id"] == "Source: x"  # no blank row before it
        assert "skipped 1 blank row between data rows (rows 5)" in raw.notes
        assert not any("below the table" in n for n in raw.notes)


def test_a_first_cell_only_row_before_the_blank_row_is_data(tmp_path):
    rows = [*TABLE, ["R4", None, None, None], [None] * 4, ["Source: x", None, None, None]]
    path = write_csv(tmp_path / "t.csv", rows)
    raws = [read_raw_table(path, engine=e) for e in ("python", "pyarrow")]
    for raw in raws:
        assert raw.frame.index.tolist() == [2, 3, 4, 5]
        assert raw.notes[-1] == (
            "ignored 1 note below the table (rows 7), not read as data: the table ends at "
            "the blank row 6, below which only the first column has text: 'Source: x'"
        )
    pd.testing.assert_frame_equal(raws[0].frame, raws[1].frame, check_dtype=False)
    # the row with its id only is loaded as a row, so a reader quarantines it: not lost
    with pytest.warns(QuarantineWarning):
        result = read_survey(path)
    check_counts(result, 4, 3, 1)
    assert result.quarantine["row"].unique().tolist() == [5]


def test_one_column_tables_have_no_notes_below(tmp_path):
    path = write(tmp_path / "ids.csv", "id\nA\nB\n\nC\n")
    raw = read_raw_table(path)
    assert raw.frame["id"].tolist() == ["A", "B", "C"]
    assert not any("below the table" in n for n in raw.notes)


def test_fast_and_exact_engines_agree_on_notes_below(tmp_path):
    rows = [*TABLE] * 3000  # over the tail step: the note search reads the end only
    rows = [TABLE[0], *[r for r in rows if r is not TABLE[0]]]
    text = "".join(",".join(r) + "\n" for r in rows)
    text += ",,,\n" + '"Source: Anytown, 2024",,,\n' + ",,,\n" + "Note: figures rounded,,,\n"
    path = write(tmp_path / "big.csv", text)
    fast = read_raw_table(path, engine="pyarrow")
    exact = read_raw_table(path, engine="python")
    assert fast.engine == "pyarrow" and exact.engine == "python"
    assert fast.notes == exact.notes
    assert fast.frame.index.tolist() == exact.frame.index.tolist() == list(range(2, 9002))
    pd.testing.assert_frame_equal(fast.frame, exact.frame, check_dtype=False)
    assert "'Source: Anytown, 2024', 'Note: figures rounded'" in fast.notes[-1]


def test_auto_engine_falls_back_with_a_note_and_pyarrow_refuses(tmp_path):
    path = write_csv(tmp_path / "t.csv", _published_rows())
    auto = read_raw_table(path, skip_rows=2)
    assert auto.engine == "python"
    assert auto.notes[-1] == (
        "read with the exact (slower) CSV reader because it has title rows above the header "
        "(skip_rows=)"
    )
    assert not any("slower" in n for n in read_raw_table(path, skip_rows=2, engine="python").notes)
    with pytest.raises(InputError) as info:
        read_raw_table(path, skip_rows=2, engine="pyarrow")
    assert str(info.value) == (
        f"{path}: the pyarrow engine cannot read this file exactly: it has title rows above "
        "the header (skip_rows=)\n"
        "Fix: pass engine='auto' or engine='python' to read it with the exact reader"
    )
    with pytest.raises(InputError, match="unknown engine 'fast'"):
        read_raw_table(path, engine="fast")


def test_wrong_sheet_lists_the_sheets(tmp_path):
    path = write_ods(tmp_path / "t.ods", {"Cover": [["About"]], "Table 3": _published_rows()})
    with pytest.raises(InputError) as info:
        read_raw_table(path, sheet="Table 4")
    assert str(info.value) == (
        f"{path}: there is no sheet named 'Table 4'; the workbook's sheets are 'Cover', "
        "'Table 3'\nFix: pass sheet= one of 'Cover', 'Table 3' (or its number from 0)"
    )
    with pytest.raises(InputError, match="there is no sheet number 2: the workbook has 2 sheets"):
        read_raw_table(path, sheet=2)
    raw = read_raw_table(path, sheet=1, skip_rows=2)
    assert raw.sheet == "Table 3" and len(raw.frame) == 3
    first = read_raw_table(path)
    assert first.sheet == "Cover"
    assert "read the first sheet 'Cover' of 2 ('Cover', 'Table 3'); pass sheet= for another" in (
        first.notes
    )


def test_bad_skip_rows(tmp_path):
    path = write_csv(tmp_path / "t.csv", TABLE)
    with pytest.raises(InputError, match="skip_rows=9 skips every row: the file has 4 rows"):
        read_raw_table(path, skip_rows=9)
    with pytest.raises(InputError, match="skip_rows must be a whole number"):
        read_raw_table(path, skip_rows=-1)
    df = pd.DataFrame({"a": [1]})
    df.to_parquet(tmp_path / "t.parquet")
    with pytest.raises(InputError, match="skip_rows= is for CSV files and spreadsheets"):
        read_raw_table(tmp_path / "t.parquet", skip_rows=1)


def test_ods_cells_keep_their_values(tmp_path):
    path = write_ods(
        tmp_path / "v.ods",
        {"S": [["id", "n", "when", "ok"], ["a", 3, pd.Timestamp("2024-04-03"), True]]},
    )
    raw = read_raw_table(path)
    assert raw.format == "ods" and raw.encoding is None
    row = raw.frame.loc[2].tolist()
    assert row[0] == "a" and row[1] == 3 and row[3] is True
    assert pd.Timestamp(row[2]) == pd.Timestamp("2024-04-03")


def test_a_broken_ods_is_an_input_error(tmp_path):
    path = write(tmp_path / "broken.ods", b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="could not open the OpenDocument spreadsheet"):
        read_raw_table(path)


def test_complaints_and_denominators_from_a_published_sheet(tmp_path):
    log = [
        ["Complaints received, 2024", None, None],
        [None, None, None],
        ["complaint_id", "service", "received"],
        ["C1", "Parks", "03/04/2024"],
        ["C2", "Bins", "2024-04-05"],
        [None, None, None],
        ["Source: case management system", None, None],
    ]
    path = write_ods(tmp_path / "log.ods", {"Notes": [["read me"]], "Log": log})
    result = quietly(read_complaints, path, sheet="Log", skip_rows=1)
    check_counts(result, 2, 2, 0, kind="complaints")
    assert result.data.index.tolist() == [4, 5]
    assert any("ignored 1 note below the table (rows 7)" in n for n in result.notes)
    csv_log = write_csv(tmp_path / "log.csv", log)
    fast = quietly(read_complaints, csv_log, skip_rows=1)
    assert fast.data.index.tolist() == [4, 5]
    exact = "read with the exact (slower) CSV reader because it has title rows"
    assert any(exact in note for note in fast.notes)  # (the date notes come after it)
    assert "column 'received': no value settles day/month order" in " ".join(fast.notes)

    denominators = [
        ["Contacts per service", None, None],
        ["service", "period", "denominator"],
        ["Parks", "01/04/2024", 120],
        ["Bins", "01/04/2024", "n/a"],
        [None, None, None],
        ["Note: n/a = not collected", None, None],
    ]
    path = write_xlsx(tmp_path / "den.xlsx", {"Sheet A": [["x"]], "Contacts": denominators})
    with pytest.warns(QuarantineWarning):
        result = read_denominators(path, sheet="Contacts", skip_rows=1)
    check_counts(result, 2, 1, 1, kind="denominators")
    assert result.quarantine["row"].tolist() == [4]
    assert result.quarantine["problem"].tolist() == ["blank but required"]


def test_report_counts_take_skip_rows_and_sheet(tmp_path):
    folder = tmp_path / "counts"
    folder.mkdir()
    for month in (1, 2):
        rows = [
            ["Reports per area", None],
            ["lad", "reports"],
            ["E08000019", month * 10],
            [None, None],
            ["Source: FixMyStreet", None],
        ]
        write_ods(folder / f"2024-{month}.ods", {"About": [["x"]], "Counts": rows})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = read_report_counts(
            folder,
            pattern=r"(?P<year>\d{4})-(?P<month>\d{1,2})\.ods",
            value_columns=("reports",),
            skip_rows=1,
            sheet="Counts",
        )
    check_counts(result, 2, 2, 0, kind="report_counts")
    assert result.data["reports"].tolist() == [10, 20]
    assert np.array_equal(result.data["period"].dt.month, [1, 2])

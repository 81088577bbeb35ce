"""Tests for coprod.io.complaint_log: reading complaint logs, every quarantine reason, both CSV paths."""

from __future__ import annotations

import gzip
import subprocess
import sys
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from loader_checks import check_counts, loudly, quietly, write

import coprod.io.complaint_log as cl
from coprod.io import InputError, QuarantineWarning
from coprod.io._fast_csv import blank_cells
from coprod.io.complaint_log import read_complaints
from coprod.io.schemas import COMPLAINT_LOG, SCHEMAS
from coprod.synth import write_complaint_export
from coprod.vocab import OUTCOME_LEVELS, SEVERITY_LEVELS, STAGE_LEVELS, STAGE_SYNONYMS

counts = partial(check_counts, kind="complaints")
read_quiet = partial(quietly, read_complaints)
read_loud = partial(loudly, read_complaints)

HEADER = "complaint_id,service,council,received,category,severity,stage,upheld,closed\n"


def reasons(result) -> list[tuple[int, str, str]]:
    return [(r.row, r.column, r.reason) for r in result.quarantine.itertuples(index=False)]


CLEAN = HEADER + (
    "C1,Parks,Leeds,03/04/2024,delay,low,stage 1,upheld,10/04/2024\n"
    "C2,Parks,Leeds,2024-04-05,delay,High,Stage 2,not upheld,2024-04-07 12:00\n"
    "C3,Bins,York,06/04/2024,,medium,ombudsman,,\n"
)


# --------------------------------------------------------------------------- schema


def test_schema_is_registered_with_personal_fields():
    assert SCHEMAS["complaint_log"] is COMPLAINT_LOG
    assert COMPLAINT_LOG.key == ("complaint_id",)
    assert COMPLAINT_LOG.required == ("complaint_id", "service", "received")
    assert COMPLAINT_LOG.personal == ("complainant_name", "address", "details")
    assert SEVERITY_LEVELS == ("low", "medium", "high")
    assert STAGE_LEVELS == ("stage 1", "stage 2", "ombudsman")
    assert OUTCOME_LEVELS == ("upheld", "partly upheld", "not upheld")
    assert set(STAGE_SYNONYMS.values()) == set(STAGE_LEVELS)
    for field in COMPLAINT_LOG.fields:  # every field is in the module docstring's table
        assert f"\n{field.name} " in cl.__doc__


# --------------------------------------------------------------------------- clean files


def test_clean_file_loads_with_the_right_types(tmp_path):
    result = read_quiet(write(tmp_path / "log.csv", CLEAN))
    counts(result, 3, 3, 0)
    data = result.data
    assert list(data.columns) == [*COMPLAINT_LOG.names[:9], "days_to_close"]
    assert data.index.tolist() == [2, 3, 4] and data.index.name == "row"
    assert data["received"].dtype == "datetime64[ns]" and data["closed"].dtype == "datetime64[ns]"
    assert data["received"].tolist() == [
        pd.Timestamp("2024-04-03"),
        pd.Timestamp("2024-04-05"),
        pd.Timestamp("2024-04-06"),
    ]
    for fld, levels in (
        ("severity", SEVERITY_LEVELS),
        ("stage", STAGE_LEVELS),
        ("upheld", OUTCOME_LEVELS),
    ):
        assert isinstance(data[fld].dtype, pd.CategoricalDtype) and data[fld].cat.ordered
        assert tuple(data[fld].cat.categories) == levels
    assert data["severity"].tolist() == ["low", "high", "medium"]
    assert data["stage"].tolist() == ["stage 1", "stage 2", "ombudsman"]
    assert data["upheld"].tolist()[:2] == ["upheld", "not upheld"] and pd.isna(
        data["upheld"].iloc[2]
    )
    for fld in ("complaint_id", "service", "council", "category"):
        assert data[fld].dtype == "str"
    assert pd.isna(data["category"].iloc[2])
    assert data["days_to_close"].dtype == "float64"
    assert data["days_to_close"].iloc[0] == 7.0
    assert data["days_to_close"].iloc[1] == pytest.approx(2.5)  # closed at noon
    assert np.isnan(data["days_to_close"].iloc[2])  # still open
    assert data.attrs["personal_columns"] == ()
    assert data.attrs["source_columns"]["received"] == "received"
    assert "1 complaint without a closed date (open)" in "\n".join(result.notes)
    # the declared checks of the schema pass on the loaded data
    present = [f for f in COMPLAINT_LOG.names if f in data.columns]
    COMPLAINT_LOG.to_pandera(fields=present).validate(data)


def test_03_04_2024_is_3_april_never_4_march(tmp_path):
    text = HEADER + "C1,Parks,Leeds,03/04/2024,,,,,04/05/2024\n"
    data = read_quiet(write(tmp_path / "d.csv", text)).data
    assert data.at[2, "received"] == pd.Timestamp(2024, 4, 3)
    assert data.at[2, "closed"] == pd.Timestamp(2024, 5, 4)


def test_file_switching_from_uk_to_iso_dates_by_month(tmp_path):
    lines = []
    expected = []
    for i, day in enumerate(pd.date_range("2023-01-01", "2023-12-31", freq="7D")):
        if day.month <= 6:
            text = f"{day:%d/%m/%Y}"
        elif day.month <= 9:
            text = f"{day:%Y-%m-%d}"
        else:
            text = f"{day:%Y-%m-%dT%H:%M:%S}"
        lines.append(f"C{i},Parks,Leeds,{text},,,,,\n")
        expected.append(day)
    result = read_quiet(write(tmp_path / "switch.csv", HEADER + "".join(lines)))
    counts(result, len(lines), len(lines), 0)
    assert result.data["received"].tolist() == expected


def test_dates_with_times_and_every_default_format(tmp_path):
    cells = [
        "03/04/2024",
        "2024-04-03",
        "03-04-2024",
        "03.04.2024",
        "2024/04/03",
        "3 April 2024",
        "3 apr 2024",
        "03/04/2024 10:30",
        "03/04/2024 10:30:15",
        "2024-04-03 10:30",
        "2024-04-03 10:30:15",
        "2024-04-03T10:30:15",
        " 3/4/2024 ",
    ]
    text = HEADER + "".join(f"C{i},Parks,,{c},,,,,\n" for i, c in enumerate(cells))
    data = read_quiet(write(tmp_path / "fmt.csv", text)).data
    assert data["received"].dt.normalize().eq(pd.Timestamp(2024, 4, 3)).all()
    assert data["received"].iloc[8] == pd.Timestamp(2024, 4, 3, 10, 30, 15)


# --------------------------------------------------------------------------- quarantine reasons

MESSY = HEADER + (
    "C1,Parks,Leeds,03/04/2024,,low,stage 1,upheld,10/04/2024\n"  # 2 fine
    "C2,Parks,Leeds,05/01/2024,,low,stage 1,upheld,03/01/2024\n"  # 3 closed before received
    "C3,Parks,Leeds,31/02/2024,,low,,,\n"  # 4 not a real date
    "C4,Parks,Leeds,01/04/24,,low,,,\n"  # 5 two-digit year
    "C5,Parks,Leeds,last Tuesday,,low,,,\n"  # 6 unparseable
    "C6,Parks,Leeds,04/01/2024,,Critical,,,\n"  # 7 unknown severity
    "C7,Parks,Leeds,04/01/2024,,low,Stage 4,,\n"  # 8 unknown stage
    "C8,Parks,Leeds,04/01/2024,,low,,maybe,\n"  # 9 unknown upheld
    "C9,,Leeds,04/01/2024,,low,,,\n"  # 10 missing service
    ",Parks,Leeds,04/01/2024,,low,,,\n"  # 11 missing id
    "C10,Parks,Leeds,,,low,,,\n"  # 12 missing received
    "C11,Parks,Leeds,04/01/2099,,low,,,\n"  # 13 received in the future
    "C12,Parks,Leeds,04/01/2024,,low,,,05/01/2099\n"  # 14 closed in the future
    "C13,Parks,Leeds,04/01/2024,,low,,,\n"  # 15 duplicate id
    "C13,Bins,York,05/01/2024,,high,,,\n"  # 16 duplicate id
    "C13,Bins,York,06/01/2024,,high,,,\n"  # 17 duplicate id
    "C14,Parks,Leeds,04/01/2024,,,,,\n"  # 18 fine (severity blank)
)


def test_every_quarantine_reason_with_exact_counts(tmp_path):
    result = read_loud(write(tmp_path / "messy.csv", MESSY))
    counts(result, 17, 2, 15)
    assert result.data.index.tolist() == [2, 18]
    got = reasons(result)
    assert got == [
        (3, "closed", "closed 03/01/2024 is before received 05/01/2024: check both dates"),
        (4, "received", "'31/02/2024' is not a real date as dd/mm/yyyy: check the day and month"),
        (
            5,
            "received",
            "'01/04/24' has a 2-digit year: write the year in full (2024 or 1924)",
        ),
        (
            6,
            "received",
            "'last Tuesday' is not a date in a recognised format: write it like 2024-04-03 or "
            "3 Apr 2024, or give the column's strptime format with "
            "date_formats=['%d/%m/%Y %H:%M']",
        ),
        (
            7,
            "severity",
            "unknown severity 'Critical': expected one of low, medium, high; map it with "
            "severity={'Critical': 'high'}",
        ),
        (
            8,
            "stage",
            "unknown stage 'Stage 4': expected one of stage 1, stage 2, ombudsman (or a synonym "
            "in coprod.vocab.STAGE_SYNONYMS); map it with stage={'Stage 4': 'stage 2'}",
        ),
        (
            9,
            "upheld",
            "unknown outcome 'maybe': use upheld, partly upheld or not upheld (yes, partly and "
            "no are read too), map it with upheld={'maybe': 'upheld'}, or leave it blank "
            "while the complaint is open",
        ),
        (10, "service", "service is blank but required: fill it in (or remove the row)"),
        (
            11,
            "complaint_id",
            "complaint_id is blank but required: fill it in (or remove the row)",
        ),
        (
            12,
            "received",
            "blank but a date is required: fill in the date (dd/mm/yyyy)",
        ),
        (13, "received", got[10][2]),
        (14, "closed", got[11][2]),
        (
            15,
            "complaint_id",
            "duplicate complaint_id 'C13' (also on rows 16, 17): keep one and remove the others",
        ),
        (
            16,
            "complaint_id",
            "duplicate complaint_id 'C13' (also on rows 15, 17): keep one and remove the others",
        ),
        (
            17,
            "complaint_id",
            "duplicate complaint_id 'C13' (also on rows 15, 16): keep one and remove the others",
        ),
    ]
    today = pd.Timestamp.today()
    assert got[10][2] == (
        f"received 04/01/2099 is in the future (today is {today:%d/%m/%Y}): check the date, "
        "especially the year"
    )
    assert got[11][2].startswith("closed 05/01/2099 is in the future")
    q = result.quarantine
    assert q.loc[q["row"] == 6, "value"].tolist() == ["last Tuesday"]
    assert q.loc[q["row"] == 7, "value"].tolist() == ["Critical"]
    assert set(q["file"]) == {str(tmp_path / "messy.csv")}
    # the problems are counted per column and kind
    by_kind = result.reasons().set_index(["column", "problem"])["rows"].to_dict()
    assert by_kind == {
        ("received", "dates that do not exist"): 1,  # row 4
        ("received", "dates with a 2-digit year"): 1,  # row 5
        ("received", "dates in no recognised form"): 1,  # row 6
        ("received", "blank but required"): 1,  # row 12
        ("complaint_id", "duplicate complaint_id"): 3,
        ("closed", "closed before received"): 1,
        ("severity", "unknown severity labels"): 1,
        ("stage", "unknown stage labels"): 1,
        ("upheld", "unknown outcome labels"): 1,
        ("service", "blank but required"): 1,
        ("complaint_id", "blank but required"): 1,
        ("received", "dates in the future"): 1,
        ("closed", "dates in the future"): 1,
    }
    summary = result.summary()
    assert "1 row, column 'received': dates that do not exist, e.g. '31/02/2024'" in summary
    notes = "\n".join(result.notes)
    # no date settles the day/month order (31/02/2024 is not a real date either way)
    assert (
        "column 'received': no value settles day/month order; read day first "
        "(date_order='dmy'); if the dates are month first, pass date_order='mdy'"
    ) in result.notes
    assert "looks like US" not in notes
    assert "severity is blank in 1 row" in notes
    summary = result.summary()
    assert "rows quarantined: 15" in summary and "messy.csv" in summary


def test_a_row_with_two_problems_counts_once(tmp_path):
    text = HEADER + "C1,,Leeds,99/99/2024,,Critical,,,\nC2,Parks,,04/01/2024,,,,,\n"
    result = read_loud(write(tmp_path / "two.csv", text))
    counts(result, 2, 1, 1)
    assert result.quarantine["column"].tolist() == ["service", "received", "severity"]


def test_closing_on_the_day_of_receipt_is_fine(tmp_path):
    text = HEADER + (
        "C1,Parks,,05/01/2024 15:00,,,,,05/01/2024\n"  # date only: compared by date
        "C2,Parks,,05/01/2024 15:00,,,,,05/01/2024 16:30\n"
        "C3,Parks,,05/01/2024 15:00,,,,,05/01/2024 09:00\n"  # both timed: 6 hours early
    )
    result = read_loud(write(tmp_path / "same.csv", text))
    counts(result, 3, 2, 1)
    assert reasons(result) == [
        (
            4,
            "closed",
            "closed 05/01/2024 09:00 is before received 05/01/2024 15:00: check both dates",
        )
    ]
    assert result.data["days_to_close"].tolist() == [pytest.approx(-0.625), pytest.approx(0.0625)]


def test_severity_mapping_numbers_and_labels(tmp_path):
    text = HEADER + "".join(
        f"C{i},Parks,,04/01/2024,,{s},,,\n"
        for i, s in enumerate(["1", "2", "3", " 4 ", "5", "", "Minor", "n/k", "LOW", "6"])
    )
    mapping = {"1": "low", "2": "low", "3": "medium", "4": "high", "5": "high"}
    result = read_loud(
        write(tmp_path / "sev.csv", text), severity={**mapping, "MINOR": "low", "N/K": None}
    )
    counts(result, 10, 9, 1)
    assert result.data["severity"].tolist()[:5] == ["low", "low", "medium", "high", "high"]
    assert (
        result.data["severity"].tolist()[6] == "low"
        and result.data["severity"].tolist()[8] == "low"
    )
    assert pd.isna(result.data["severity"].iloc[5]) and pd.isna(result.data["severity"].iloc[7])
    assert reasons(result) == [
        (
            11,
            "severity",
            "unknown severity '6': expected one of low, medium, high; map it with "
            "severity={'6': 'high'}",
        )
    ]


def test_severity_levels_can_be_declared(tmp_path):
    text = HEADER + "C1,Parks,,04/01/2024,,Critical,,,\nC2,Parks,,04/01/2024,,minor,,,\n"
    result = read_quiet(
        write(tmp_path / "lv.csv", text), severity_levels=("minor", "major", "critical")
    )
    counts(result, 2, 2, 0)
    assert result.data["severity"].tolist() == ["critical", "minor"]
    assert tuple(result.data["severity"].cat.categories) == ("minor", "major", "critical")
    assert result.data.attrs["severity_levels"] == ("minor", "major", "critical")


def test_bad_label_mappings_are_input_errors(tmp_path):
    path = write(tmp_path / "x.csv", CLEAN)
    with pytest.raises(InputError, match="(?s)maps 'Critical' to 'severe'.*severity_levels="):
        read_complaints(path, severity={"Critical": "severe"})
    with pytest.raises(InputError, match="maps 'stage 3' to 'stage 3'"):
        read_complaints(path, stage={"stage 3": "stage 3"})
    with pytest.raises(InputError, match="differ only in case"):
        read_complaints(path, severity_levels=("low", "LOW"))


def test_stage_synonyms_and_override(tmp_path):
    labels = ["Stage 1", "informal", "Review", "LGSCO", "phso", "2", "Stage 3", "formal"]
    text = HEADER + "".join(f"C{i},Parks,,04/01/2024,,,{s},,\n" for i, s in enumerate(labels))
    path = write(tmp_path / "st.csv", text)
    result = read_loud(path)
    counts(result, 8, 6, 2)
    assert result.data["stage"].tolist() == [
        "stage 1",
        "stage 1",
        "stage 2",
        "ombudsman",
        "ombudsman",
        "stage 2",
    ]
    got = reasons(result)
    assert got[0][:2] == (8, "stage") and "'Stage 3' is ambiguous" in got[0][2]
    assert "stage={'Stage 3': 'ombudsman'}" in got[0][2]
    assert got[1][:2] == (9, "stage") and got[1][2].startswith("unknown stage 'formal'")
    notes = "\n".join(result.notes)
    assert "'Review' -> 'stage 2' (1 row)" in notes and "'LGSCO' -> 'ombudsman' (1 row)" in notes
    # the user's mapping wins over the synonyms
    result = read_quiet(path, stage={"stage 3": "ombudsman", "Formal": "stage 1", "2": None})
    counts(result, 8, 8, 0)
    assert result.data["stage"].tolist()[6:] == ["ombudsman", "stage 1"]
    assert pd.isna(result.data["stage"].iloc[5])


def test_upheld_synonyms_and_blank_while_open(tmp_path):
    labels = ["Yes", "no", "Partly", "partially upheld", "NOT UPHELD", "", "part upheld"]
    text = HEADER + "".join(f"C{i},Parks,,04/01/2024,,,,{s},\n" for i, s in enumerate(labels))
    result = read_quiet(write(tmp_path / "up.csv", text))
    counts(result, 7, 7, 0)
    got = result.data["upheld"].tolist()
    assert got[:5] == ["upheld", "not upheld", "partly upheld", "partly upheld", "not upheld"]
    assert pd.isna(got[5]) and got[6] == "partly upheld"


# --------------------------------------------------------------------------- files


def test_cp1252_file_is_detected(tmp_path):
    text = HEADER + "C1,Caf\u00e9s and parks,Leeds,03/04/2024,\u2018delay\u2019,low,,,\n"
    result = read_quiet(write(tmp_path / "w.csv", text, encoding="cp1252"))
    counts(result, 1, 1, 0)
    assert result.encoding == "cp1252"
    assert result.data["service"].tolist() == ["Caf\u00e9s and parks"]
    assert result.data["category"].tolist() == ["\u2018delay\u2019"]
    assert any("Windows-1252" in n for n in result.notes)


def test_utf8_bom_and_utf16_bom(tmp_path):
    result = read_quiet(write(tmp_path / "bom.csv", "\ufeff" + CLEAN))
    counts(result, 3, 3, 0)
    assert result.encoding == "utf-8-sig"
    assert result.data.attrs["source_columns"]["complaint_id"] == "complaint_id"
    result = read_quiet(write(tmp_path / "u16.csv", CLEAN, encoding="utf-16"))
    counts(result, 3, 3, 0)
    assert result.encoding == "utf-16"


def test_bytes_that_are_no_text_encoding_raise(tmp_path):
    with pytest.raises(InputError, match="NUL bytes"):
        read_complaints(write(tmp_path / "nul.csv", CLEAN.encode() + b"C9,a\x00b,,,,,,,\n"))
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read_complaints(write(tmp_path / "k.csv", CLEAN), encoding="klingon")
    with pytest.raises(InputError, match="not valid utf-8"):
        read_complaints(write(tmp_path / "w.csv", "\u00e9".join(CLEAN), "cp1252"), encoding="utf-8")


def test_trailing_commas_and_renamed_columns(tmp_path):
    text = (
        "Ref,Service area,Council,Date received,Category,Severity,Stage,Outcome,Date closed,\n"
        "C1,Parks,Leeds,03/04/2024,,low,,,,\n"
        "C2,Bins,Leeds,04/04/2024,,high,,,05/04/2024,\n"
    )
    columns = {
        "complaint_id": "Ref",
        "service": "service area",  # case and spacing are ignored
        "received": "Date received",
        "upheld": "Outcome",
        "closed": "Date closed",
    }
    result = read_quiet(write(tmp_path / "tc.csv", text), columns=columns)
    counts(result, 2, 2, 0)
    assert result.data["complaint_id"].tolist() == ["C1", "C2"]
    assert result.data.attrs["source_columns"]["service"] == "Service area"
    assert any("ignored 1 empty column without a header" in n for n in result.notes)
    assert not any("exact (slower)" in n for n in result.notes)  # fast path


def test_trailing_commas_on_data_rows_only_use_the_exact_reader(tmp_path):
    text = HEADER + "C1,Parks,Leeds,03/04/2024,,low,,,,\nC2,Bins,Leeds,04/04/2024,,high,,,\n"
    result = read_quiet(write(tmp_path / "tc2.csv", text))
    counts(result, 2, 2, 0)
    assert any(
        "exact (slower) CSV reader because some rows have more or fewer cells" in n
        for n in result.notes
    )
    assert any("1 row had fewer cells than the header" in n for n in result.notes)


def test_missing_required_column_is_an_input_error_with_the_fix(tmp_path):
    text = "complaint_id,service,date\nC1,Parks,03/04/2024\n"
    with pytest.raises(InputError) as info:
        read_complaints(write(tmp_path / "m.csv", text))
    message = str(info.value)
    assert "m.csv" in message and "required field 'received' not found" in message
    assert "pass columns={'received':" in message


def test_blank_rows_and_quoted_line_breaks_keep_spreadsheet_row_numbers(tmp_path):
    text = (
        "complaint_id,service,received,details\n"
        'C1,Parks,03/04/2024,"two\nlines"\n'
        "\n"
        ",,,\n"
        "C2,Parks,2099-01-01,x\n"
        "C3,Parks,03/04/2024,y\n"
        "\n"
    )
    result = read_loud(write(tmp_path / "rows.csv", text))
    counts(result, 3, 2, 1)
    assert result.data.index.tolist() == [2, 6]
    assert result.quarantine["row"].tolist() == [5]
    assert "skipped 2 blank rows between data rows (rows 3, 4)" in result.notes


def test_gzipped_csv(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(MESSY.encode("cp1252")))
    result = read_loud(path)
    counts(result, 17, 2, 15)
    assert result.encoding == "cp1252" or result.encoding == "utf-8"
    plain = read_loud(write(tmp_path / "log.csv", MESSY))
    pd.testing.assert_frame_equal(result.data, plain.data)
    assert result.quarantine.drop(columns="file").equals(plain.quarantine.drop(columns="file"))


def _messy_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "complaint_id": ["C1", "C2", "C2", "C4"],
            "service": ["Parks", "Bins", "Bins", ""],
            "received": ["03/04/2024", "04/04/2024", "05/04/2024", "06/04/2024"],
            "severity": ["low", "HIGH", "Critical", "medium"],
            "closed": ["10/04/2024", "", "", ""],
            "complainant_name": ["Ann", "Bob", "Cy", "Di"],
        }
    )


def test_excel_with_real_dates_and_numbers(tmp_path):
    frame = _messy_frame()
    frame["received"] = pd.to_datetime(frame["received"], format="%d/%m/%Y")  # Excel dates
    frame["complaint_id"] = [101, 102, 102, 104]  # numbers
    path = tmp_path / "log.xlsx"
    frame.to_excel(path, index=False)
    result = read_loud(path)
    counts(result, 4, 1, 3)
    assert result.data["complaint_id"].tolist() == ["101"]
    assert result.data["received"].tolist() == [pd.Timestamp(2024, 4, 3)]
    assert [(r, c) for r, c, _ in reasons(result)] == [
        (3, "complaint_id"),
        (4, "severity"),
        (4, "complaint_id"),
        (5, "service"),
    ]
    assert result.encoding is None


def test_parquet(tmp_path):
    path = tmp_path / "log.parquet"
    _messy_frame().to_parquet(path)
    result = read_loud(path)
    counts(result, 4, 1, 3)
    assert result.data.index.tolist() == [1]  # parquet rows are case numbers
    assert result.data["severity"].tolist() == ["low"]


def test_personal_columns_dropped_unless_asked(tmp_path):
    text = (
        "complaint_id,service,received,Name,address,details,notes\n"
        'C1,Parks,03/04/2024,Ann Smith,"1 High St, Leeds",Bin not emptied,x\n'
    )
    path = write(tmp_path / "p.csv", text)
    result = read_quiet(path, columns={"complainant_name": "Name"})
    counts(result, 1, 1, 0)
    assert list(result.data.columns) == ["complaint_id", "service", "received"]
    assert result.data.attrs["personal_columns"] == ()
    notes = "\n".join(result.notes)
    assert "dropped personal columns" in notes and "complainant_name ('Name')" in notes
    assert "dropped 1 column the schema does not know ('notes')" in notes
    kept = read_quiet(path, columns={"complainant_name": "Name"}, keep_personal=True)
    counts(kept, 1, 1, 0)
    assert kept.data.attrs["personal_columns"] == ("complainant_name", "address", "details")
    assert list(kept.data.columns)[-3:] == ["complainant_name", "address", "details"]
    assert kept.data["address"].tolist() == ["1 High St, Leeds"]
    assert any("kept personal columns" in n for n in kept.notes)


def test_header_only_file(tmp_path):
    result = read_quiet(write(tmp_path / "h.csv", HEADER))
    counts(result, 0, 0, 0)
    assert "the file has a header but no data rows" in result.notes
    assert result.data["received"].dtype == "datetime64[ns]"


def test_custom_date_formats(tmp_path):
    text = HEADER + "C1,Parks,,2024.04.03,,,,,\nC2,Parks,,03/04/2024,,,,,\n"
    result = read_loud(write(tmp_path / "f.csv", text), date_formats=["%Y.%m.%d"])
    counts(result, 2, 1, 1)
    assert result.data["received"].tolist() == [pd.Timestamp(2024, 4, 3)]
    with pytest.raises(InputError, match="date_formats="):
        read_complaints(tmp_path / "f.csv", date_formats="%Y")


# --------------------------------------------------------------------------- fast and exact paths

PARITY = (
    "\ufeffComplaint ID,service,council,received,category,severity,stage,upheld,closed,"
    "complainant_name,details,,extra,\n"
    'C1,Parks,Leeds,03/04/2024,delay, Low ,Stage 1,Upheld,10/04/2024,Ann,"a, b",,1,\n'
    'C2,Bins,Leeds,2024-04-05 10:00,,HIGH,review,no,2024-04-07,Bob,"two\nlines",,,\n'
    "\n"
    "C3,Bins,York,13/13/2024,,medium,LGSCO,,,,,,,\n"
    ",,,,,,,,,,,,,\n"
    'C4,Bins,York,05/01/2024,,Critical,stage 3,maybe,03/01/2024,"Di ""D"" E",,,,\n'
    "C4,  ,York,06/01/2099,,,,,,,,,x,\n"
    "C5,Parks,York,3 March 2024,\u00e9t\u00e9,low,2,partly,31/02/2024,,,,,\n"
    " C6 ,Parks,York,2024-03-05T10:00:00,,low,,,,,,,,\n"
    "\n"
    "\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "gzip"])
def test_fast_and_exact_csv_readers_give_identical_results(tmp_path, encoding):
    if encoding == "gzip":
        path = tmp_path / "parity.csv.gz"
        path.write_bytes(gzip.compress(PARITY.encode("utf-8")))
    else:
        text = PARITY if encoding == "utf-8" else PARITY.lstrip("\ufeff")
        path = write(tmp_path / "parity.csv", text, encoding=encoding)
    options = {"columns": {"complaint_id": "Complaint ID"}, "keep_personal": True}
    fast = read_loud(path, **options, engine="pyarrow")
    exact = read_loud(path, **options, engine="python")
    assert read_loud(path, **options).notes == fast.notes  # auto: pyarrow
    counts(fast, 7, 3, 4)
    counts(exact, 7, 3, 4)
    pd.testing.assert_frame_equal(fast.data, exact.data)
    pd.testing.assert_frame_equal(fast.quarantine, exact.quarantine)
    assert fast.notes == exact.notes
    assert fast.encoding == exact.encoding
    assert fast.data.attrs == exact.data.attrs
    assert fast.data.index.tolist() == [2, 3, 10]  # row 3 holds two lines of text
    assert fast.data.loc[3, "details"] == "two\nlines"
    assert fast.data.loc[10, "complaint_id"] == "C6"
    assert "skipped 2 blank rows between data rows (rows 4, 6)" in fast.notes


def _big_messy_csv(path, n: int, *, quoted_newlines: bool = False):
    rng = np.random.default_rng(5)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    received = np.where(days.month % 2 == 0, days.strftime("%d/%m/%Y"), days.strftime("%Y-%m-%d"))
    received[rng.random(n) < 0.01] = "31/12/21"  # a 2-digit year
    ids = np.array([f"C{i:06d}" for i in range(n)], dtype=object)
    ids[rng.random(n) < 0.01] = "C000007"
    details = np.array(['a "b", c', "plain", "two\nlines" if quoted_newlines else "x"])
    frame = pd.DataFrame(
        {
            "complaint_id": ids,
            "service": np.array(["Parks", "Bins", " Roads", ""])[rng.integers(0, 4, n)],
            "received": received,
            "severity": np.array(["low", "High", "Critical", ""])[rng.integers(0, 4, n)],
            "stage": np.array(["Stage 1", "review", "lgo", "stage 3"])[rng.integers(0, 4, n)],
            "details": details[rng.integers(0, 3, n)],
        }
    )
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


@pytest.mark.parametrize("quoted_newlines", [False, True])
def test_fast_path_on_a_large_file_equals_the_exact_reader(tmp_path, quoted_newlines):
    # 60,000 rows: over the threading threshold, and over pyarrow's 1 MiB block size so
    # that quoted line breaks straddle blocks (pyarrow reports it; the file is re-parsed)
    path = _big_messy_csv(tmp_path / "big.csv", 60_000, quoted_newlines=quoted_newlines)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        fast = read_complaints(path, keep_personal=True, engine="pyarrow")
        exact = read_complaints(path, keep_personal=True, engine="python")
    assert fast.n_read == 60_000 == fast.n_loaded + fast.n_quarantined
    assert (fast.n_loaded, fast.n_quarantined) == (exact.n_loaded, exact.n_quarantined)
    assert fast.n_quarantined > 30_000  # Critical, stage 3, blank service, 2-digit years, ids
    pd.testing.assert_frame_equal(fast.data, exact.data)
    pd.testing.assert_frame_equal(fast.quarantine, exact.quarantine)
    assert fast.notes == exact.notes


def test_threads_do_not_change_the_result(tmp_path, monkeypatch):
    path = _big_messy_csv(tmp_path / "t.csv", 3_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        single = read_complaints(path)
        monkeypatch.setattr(cl, "_THREADS_FROM_ROWS", 1)
        threaded = read_complaints(path)
    pd.testing.assert_frame_equal(single.data, threaded.data)
    pd.testing.assert_frame_equal(single.quarantine, threaded.quarantine)
    assert single.notes == threaded.notes


# --------------------------------------------------------------------------- imports


def test_import_loads_no_heavy_module():
    """Importing the loaders adds only stdlib and coprod modules to what pandas loads.

    (pandas 3 itself imports pyarrow and pyarrow.compute for its string dtype; the
    loaders import pyarrow.csv and friends only when they read a file.)
    """
    heavy = ["pyarrow.csv", "pandera", "openpyxl", "seaborn", "statsmodels", "ipywidgets"]
    code = (
        "import sys, numpy, pandas; base = set(sys.modules); "
        "import coprod.io.complaint_log, coprod.io.counts; "
        "new = sorted(m for m in set(sys.modules) - base "
        "if m.split('.')[0] not in sys.stdlib_module_names and m.split('.')[0] != 'coprod'); "
        f"print(','.join(new + [m for m in {heavy!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    "make",
    [
        lambda i: f"NB-2024-{i:06d}",  # one length, >= 8 bytes: read straight from the buffer
        lambda i: f"C{i}",  # lengths vary: padded
        lambda i: f"Réf {i}",  # not ASCII: compared as text
        lambda i: "x" * 70 + str(i),  # too long to hash: compared as text
    ],
)
def test_duplicate_ids_are_found_exactly(make):
    import pyarrow as pa

    rng = np.random.default_rng(3)
    ids = [make(i) for i in rng.integers(0, 5_000, 20_000)] + ["", ""]
    arr = pa.array(ids, type=pa.large_string())
    blank = np.array([i == "" for i in ids])
    got = cl._duplicated(arr, blank)
    expected = np.flatnonzero(pd.Series(ids).duplicated(keep=False).to_numpy() & ~blank)
    assert got.tolist() == expected.tolist()
    assert (
        cl._duplicated(pa.array(sorted(set(ids) - {""}), type=pa.large_string()), blank[:0]).size
        == 0
    )


def test_a_days_to_close_column_in_the_file_is_recomputed(tmp_path):
    text = (
        "complaint_id,service,received,closed,days_to_close\n"
        "C1,Parks,03/04/2024,10/04/2024,7\n"
        "C2,Parks,03/04/2024,10/04/2024,6\n"
        "C3,Parks,03/04/2024,,\n"
    )
    result = read_quiet(write(tmp_path / "d.csv", text))
    counts(result, 3, 3, 0)
    assert result.data["days_to_close"].tolist()[:2] == [7.0, 7.0]
    assert (
        "the file's 'days_to_close' column was replaced by days_to_close computed from received "
        "and closed (they agree on 1 of the 2 rows that have both)"
    ) in result.notes
    assert not any("schema does not know" in n for n in result.notes)


@pytest.mark.parametrize("gz", [False, True])
def test_bytes_after_a_bom_that_are_not_utf8_are_an_error(tmp_path, gz):
    data = b"\xef\xbb\xbf" + CLEAN.encode() + b"C9,Caf\xe9,,03/04/2024,,,,,\n"
    path = tmp_path / ("bad.csv.gz" if gz else "bad.csv")
    path.write_bytes(gzip.compress(data) if gz else data)
    with pytest.raises(InputError) as fast:
        read_complaints(path, engine="pyarrow")
    with pytest.raises(InputError) as exact:
        read_complaints(path, engine="python")
    assert str(fast.value) == str(exact.value)
    assert "not valid utf-8-sig" in str(fast.value)


def test_explicit_encodings_match_the_exact_reader(tmp_path):
    path = write(tmp_path / "latin.csv", MESSY.replace("Parks", "Parcs \u00e0"), "latin-1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        fast = read_complaints(path, encoding="latin-1", engine="pyarrow")
        exact = read_complaints(path, encoding="latin-1", engine="python")
    counts(fast, 17, 2, 15)
    pd.testing.assert_frame_equal(fast.data, exact.data)
    pd.testing.assert_frame_equal(fast.quarantine, exact.quarantine)
    assert fast.encoding == exact.encoding == "latin-1"
    assert fast.data["service"].iloc[0] == "Parcs \u00e0"


# --------------------------------------------------------------------------- fast helpers


_SPACEY = [
    "", " ", "a", " a", "a ", "a b", "\u00a0", "\u3000 ", "x\u00a0", "\t\n", "\x1c",
    "é", "\x85", "\u2028", "zz", "\x00", "!", "\x7f", "~", " é ", "\u00a0x",
]  # fmt: skip


@pytest.mark.parametrize("start", [0, 1, 4])
def test_trim_and_blank_cells_match_python_and_pyarrow(start):
    import pyarrow as pa
    import pyarrow.compute as pc

    for cells in (_SPACEY, [c for c in _SPACEY if c == c.strip()], ["abc", "", "x y"], [""]):
        for type_ in (pa.string(), pa.large_string()):
            arr = pa.array(cells * 3, type=type_).slice(start)
            expected = np.array([not c.strip() for c in (cells * 3)[start:]], dtype=bool)
            assert blank_cells(arr).tolist() == expected.tolist()
            chunked = pa.chunked_array([arr.slice(0, 2), arr.slice(2)])
            assert blank_cells(chunked).tolist() == expected.tolist()
            if type_ == pa.large_string():
                stripped, blank = cl._trim(arr)
                assert stripped.equals(pc.utf8_trim_whitespace(arr))
                assert blank.tolist() == [not c for c in stripped.to_pylist()]


@pytest.mark.parametrize("kind", ["same length", "lengths vary", "not ascii", "short"])
def test_duplicated_ids_match_pandas(kind):
    import pyarrow as pa

    rng = np.random.default_rng(7)
    n = 20_000
    numbers = rng.integers(0, 15_000, n)  # many repeats
    if kind == "same length":
        ids = [f"C{k:08d}" for k in numbers]
    elif kind == "lengths vary":
        ids = [f"R{k}" + "x" * int(k % 23) for k in numbers]
    elif kind == "not ascii":
        ids = [f"é{k}" for k in numbers]
    else:
        ids = [str(k % 50) for k in numbers]
    text = pa.array(ids, type=pa.large_string())
    blank = np.zeros(n, dtype=bool)
    expected = np.flatnonzero(pd.Series(ids).duplicated(keep=False).to_numpy())
    assert cl._duplicated(text, blank).tolist() == expected.tolist()
    hashed = cl._hash_repeats(text)
    if hashed is not None:  # a superset of the duplicated positions, in order
        assert set(expected.tolist()) <= set(hashed.tolist())
        assert hashed.tolist() == sorted(hashed.tolist())
    # in order of receipt, nothing repeats
    ordered = pa.array(sorted(set(ids)), type=pa.large_string())
    assert cl._duplicated(ordered, np.zeros(len(ordered), dtype=bool)).tolist() == []


def test_times_open_complaints_and_dates_before_1970(tmp_path):
    text = HEADER + (
        "C1,Parks,,31/12/1969 23:00,,,,,31/12/1969\n"  # same day: fine
        "C2,Parks,,31/12/1969 23:00,,,,,30/12/1969 10:00\n"  # a day early
        "C3,Parks,,31/12/1969 23:00,,,,,31/12/1969 22:00\n"  # both timed: an hour early
        "C4,Parks,,01/01/1970 00:30,,,,,\n"  # open
        "C5,Parks,,01/01/1970,,,,,31/12/1969 23:59\n"  # received without a time
        "C6,Parks,,02/01/1970,,,,,01/01/1970\n"
    )
    result = read_loud(write(tmp_path / "old.csv", text))
    counts(result, 6, 2, 4)
    assert [(row, column) for row, column, _ in reasons(result)] == [
        (3, "closed"),
        (4, "closed"),
        (6, "closed"),
        (7, "closed"),
    ]
    assert result.data.index.tolist() == [2, 5]
    assert result.data["days_to_close"].iloc[0] == pytest.approx(-23 / 24)
    assert np.isnan(result.data["days_to_close"].iloc[1])


def test_quarantine_warning_points_at_the_caller(tmp_path, monkeypatch):
    path = write(tmp_path / "w.csv", HEADER + "C1,,,03/04/2024,,,,,\n" + "C2,P,,03/04/2024,,,,,\n")
    for threads_from in (10**9, 1):
        monkeypatch.setattr(cl, "_THREADS_FROM_ROWS", threads_from)
        with pytest.warns(QuarantineWarning) as caught:
            result = read_complaints(path)
        counts(result, 2, 1, 1)
        assert caught[0].filename == __file__


def test_missing_column_suggests_the_likely_rename(tmp_path):
    path = write(
        tmp_path / "log.csv",
        "Complaint ID,complainant_name,service,received\nC1,A Person,Parks,01/01/2024\n",
    )
    with pytest.raises(InputError) as info:
        read_complaints(path)
    message = str(info.value)
    assert "log.csv, row 1" in message and "'complaint_id' not found" in message
    assert "columns={'complaint_id': 'Complaint ID'}" in message


# --------------------------------------------------------------------------- dates as exported


def _same_dates(got: pd.Series, truth: pd.Series) -> bool:
    never = pd.Timestamp("1800-01-01")
    return bool((got.fillna(never).to_numpy() == truth.fillna(never).to_numpy()).all())


@pytest.mark.parametrize(
    ("style", "note"),
    [
        ("us_minutes", "column 'received': read month first: values such as '1/13/2014 5:08' "
         "(row 87) can only be month/day"),
        ("month_name", "column 'received': dates with month names, such as "
         "'2014-Jan-01 15:27:23' (row 2), need no day/month order"),
        ("us_ampm", "column 'received': read month first: values such as "
         "'01/13/2014 05:08:08 AM' (row 87) can only be month/day"),
    ],
)  # fmt: skip
def test_311_style_exports_load_with_no_wrong_date(tmp_path, style, note):
    export = write_complaint_export(tmp_path / f"{style}.csv", date_style=style)
    first = export.path.read_text().splitlines()[1]
    assert {"us_minutes": "1/1/2014 15:27", "month_name": "2014-Jan-01 15:27:23",
            "us_ampm": "01/01/2014 03:27:23 PM"}[style] in first  # fmt: skip
    result = read_quiet(export.path, as_of="2018-01-01")  # default date settings
    assert result.n_read == len(export.truth) > 10_000
    assert result.n_loaded / result.n_read > 0.98
    truth = export.truth.loc[result.data.index]
    assert _same_dates(result.data["received"], truth["received"])  # zero wrong dates
    assert _same_dates(result.data["closed"], truth["closed"])
    assert result.data["complaint_id"].tolist() == truth["complaint_id"].tolist()
    assert note in result.notes


def test_a_log_mixing_both_orders_is_an_error_naming_each(tmp_path):
    export = write_complaint_export(tmp_path / "us.csv", date_style="us_minutes")
    frame = pd.read_csv(export.path, dtype=str, keep_default_na=False)
    frame.loc[39, "received"] = "25/2/2014 10:00"  # row 41: a day-first date
    mixed = tmp_path / "mixed.csv"
    frame.to_csv(mixed, index=False)
    with pytest.raises(InputError) as info:
        read_complaints(mixed, as_of="2018-01-01")
    message = str(info.value)
    assert message.startswith(f"{mixed}, column 'received': the column has dates that can only ")
    assert "can only be day/month, such as '25/2/2014 10:00' (row 41)" in message
    assert "can only be month/day, such as '1/13/2014 5:08' (row 87)" in message
    assert "date_order='dmy' or date_order='mdy'" in message


def test_as_of_replaces_today_for_future_dates(tmp_path):
    text = HEADER + "C1,Parks,,02/03/2024,,,,,\nC2,Parks,,01/03/2024,,,,,\n"
    result = read_loud(write(tmp_path / "f.csv", text), as_of="2024-03-01")
    assert reasons(result) == [
        (
            2,
            "received",
            "received 02/03/2024 is in the future (as of 01/03/2024): check the date, "
            "especially the year",
        )
    ]
    assert read_quiet(tmp_path / "f.csv", as_of=pd.Timestamp(2024, 3, 2)).n_quarantined == 0


def test_as_of_as_text_is_read_in_the_date_order_given(tmp_path):
    text = HEADER + "C1,Parks,,03/01/2024,,,,,\nC2,Parks,,04/30/2024,,,,,\n"
    path = write(tmp_path / "us.csv", text)
    # 05/02/2024 month first is 2 May 2024: neither date is in the future
    result = read_quiet(path, date_order="mdy", as_of="05/02/2024")
    assert result.n_quarantined == 0
    assert result.data["received"].tolist() == [pd.Timestamp(2024, 3, 1), pd.Timestamp(2024, 4, 30)]
    late = read_loud(path, date_order="mdy", as_of="04/29/2024")
    assert reasons(late) == [
        (3, "received", "received 04/30/2024 is in the future (as of 04/29/2024): check the "
         "date, especially the year"),
    ]  # fmt: skip


def test_a_month_first_log_shows_its_dates_month_first(tmp_path):
    text = HEADER + (
        "C1,Parks,,3/26/2014 9:18,,,,,3/5/2014 9:00\n"
        "C2,Parks,,3/27/2014 9:18,,,,,4/1/2014 10:00\n"
        "C3,Parks,,3/27/2099 9:18,,,,,\n"
    )
    result = read_loud(write(tmp_path / "us.csv", text), as_of="2024-03-01")
    assert reasons(result) == [
        (2, "closed", "closed 03/05/2014 09:00 is before received 03/26/2014 09:18: check both dates"),
        (4, "received", "received 03/27/2099 09:18 is in the future (as of 03/01/2024): check the "
         "date, especially the year"),
    ]  # fmt: skip
    # closed has no value that settles its order: it follows received, month first
    assert result.data.loc[3, "closed"] == pd.Timestamp(2014, 4, 1, 10)
    assert (
        "column 'closed': no value settles day/month order; read month first like column 'received'"
    ) in result.notes


def test_date_order_and_date_formats_reach_the_parser(tmp_path):
    text = HEADER + "C1,Parks,,01/02/2024,,,,,\nC2,Parks,,2024-Jan-14 13:48:01,,,,,\n"
    path = write(tmp_path / "o.csv", text)
    result = read_quiet(path, date_order="mdy", as_of="2025-01-01")
    assert result.data["received"].tolist() == [
        pd.Timestamp(2024, 1, 2),
        pd.Timestamp(2024, 1, 14, 13, 48, 1),
    ]
    only = read_loud(path, date_formats=["%Y-%b-%d %H:%M:%S"], as_of="2025-01-01")
    assert reasons(only) == [
        (
            2,
            "received",
            "'01/02/2024' does not match date_formats=['%Y-%b-%d %H:%M:%S']: correct it, or "
            "add its format",
        )
    ]
    with pytest.raises(InputError, match="unknown date order 'md'"):
        read_complaints(path, date_order="md")

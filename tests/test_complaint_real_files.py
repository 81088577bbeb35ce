"""Complaint logs as real open-data exports come: no id column, several files, outcomes
in the council's own words, columns to switch off or keep, or a DataFrame in memory."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from coprod.io import InputError, QuarantineWarning
from coprod.io.complaint_log import read_complaints

# an open 311-style export: no complaint id, a depot code that repeats, a ward and status
EXPORT = (
    "Depot,Service,Date Opened,Date Closed,Category,Ward,Status,Outcome\n"
    "D1,Roads,3/26/2014 9:18,3/28/2014 10:00,Pothole,W1,Closed,Maladministration\n"
    "D1,Roads,3/9/2014 13:06,,Pothole,W2,Open,\n"
    "D2,Parks,3/27/2014 8:00,4/2/2014 9:30,Litter,W1,Closed,No maladministration\n"
    "D2,Parks,4/14/2014 10:00,4/20/2014 9:30,Litter,,Closed,Service failure\n"
)
COLUMNS = {"service": "Service", "received": "Date Opened", "closed": "Date Closed"}
OUTCOMES = {
    "Maladministration": "upheld",
    "Service failure": "partly upheld",
    "No maladministration": "not upheld",
}


def _write(path, text=EXPORT):
    path.write_text(text, encoding="utf-8")
    return path


def _read(source, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        return read_complaints(source, as_of="2024-01-01", **options)


def test_a_log_without_an_id_column_numbers_complaints_by_row(tmp_path):
    result = _read(
        _write(tmp_path / "sr.csv"), columns={**COLUMNS, "upheld": "Outcome"}, upheld=OUTCOMES
    )
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (4, 4, 0)
    assert result.data["complaint_id"].tolist() == ["2", "3", "4", "5"]
    assert result.data.attrs["ids_from_rows"] is True
    assert any("duplicate detection is off" in n for n in result.notes)
    # month-first with times, read as such: 3/9/2014 is 9 March, not 3 September
    assert result.data["received"].tolist()[1] == pd.Timestamp("2014-03-09 13:06")
    assert result.data["upheld"].tolist()[0] == "upheld"
    assert result.data["upheld"].astype(object).tolist()[2:] == ["not upheld", "partly upheld"]


def test_a_repeating_depot_code_is_never_offered_as_the_id(tmp_path):
    # "Depot" is the name nearest to nothing; an id-like name whose values repeat is not
    # offered either: the file just has no id
    text = EXPORT.replace("Depot,", "Depot ID,")
    result = _read(_write(tmp_path / "sr.csv", text), columns=COLUMNS)
    assert result.data.attrs["ids_from_rows"] is True
    # but a real id under another name is not silently replaced by row numbers
    text = "Complaint Ref," + EXPORT.replace("\n", "\n", 1)
    lines = EXPORT.splitlines()
    with_ref = "\n".join(
        ["Complaint Ref," + lines[0]] + [f"C{i}," + line for i, line in enumerate(lines[1:])]
    )
    with pytest.raises(InputError) as err:
        _read(_write(tmp_path / "ref.csv", with_ref + "\n"), columns=COLUMNS)
    assert "closest column names: 'Complaint Ref'" in str(err.value)
    assert "columns={'complaint_id': None} to number the complaints by their rows" in str(err.value)


def test_a_column_read_as_another_field_is_never_offered_as_the_id(tmp_path):
    # "Complaint Date" is near "complaint_id" by name and its values are distinct, but it
    # is the received date the caller mapped: the log has no id, so rows number it
    text = EXPORT.replace("Date Opened", "Complaint Date")
    columns = {**COLUMNS, "received": "Complaint Date"}
    result = _read(_write(tmp_path / "sr.csv", text), columns=columns)
    assert result.data.attrs["ids_from_rows"] is True
    assert result.data["complaint_id"].tolist() == ["2", "3", "4", "5"]


def test_a_file_of_a_folder_whose_dates_settle_no_order_follows_the_other_files(tmp_path):
    # March's export happens to hold only days up to 12: alone it would be read day first
    header = "Service,Date Opened\n"
    _write(tmp_path / "2014-03.csv", header + "Roads,3/5/2014 9:18\nParks,3/12/2014 10:00\n")
    _write(tmp_path / "2014-04.csv", header + "Roads,4/20/2014 9:00\n")
    result = _read(tmp_path, columns={"service": "Service", "received": "Date Opened"})
    assert result.data["received"].tolist() == [
        pd.Timestamp("2014-03-05 09:18"),
        pd.Timestamp("2014-03-12 10:00"),
        pd.Timestamp("2014-04-20 09:00"),
    ]
    assert (
        "2014-03.csv: no date settles day/month order; read as the dates of 2014-04.csv "
        "settle it (date_order='mdy'), as one log" in result.notes
    )
    # alone, the file is read day first (with a note saying so)
    alone = _read(
        tmp_path / "2014-03.csv", columns={"service": "Service", "received": "Date Opened"}
    )
    assert alone.data["received"].tolist()[0] == pd.Timestamp("2014-05-03 09:18")


def test_outcomes_in_the_councils_words_and_a_bad_mapping(tmp_path):
    path = _write(tmp_path / "sr.csv")
    unmapped = _read(path, columns={**COLUMNS, "upheld": "Outcome"})
    assert unmapped.n_quarantined == 3
    reasons = set(unmapped.quarantine["reason"])
    assert (
        "unknown outcome 'Maladministration': use upheld, partly upheld or not upheld (yes, "
        "partly and no are read too), map it with upheld={'Maladministration': 'upheld'}, or "
        "leave it blank while the complaint is open"
    ) in reasons
    with pytest.raises(InputError, match="upheld= maps 'Maladministration' to 'guilty'"):
        _read(
            path, columns={**COLUMNS, "upheld": "Outcome"}, upheld={"Maladministration": "guilty"}
        )


def test_a_field_matched_by_name_can_be_switched_off(tmp_path):
    path = _write(tmp_path / "sr.csv")
    on = _read(path, columns=COLUMNS)
    assert "category" in on.data.columns
    off = _read(path, columns={**COLUMNS, "category": None})
    assert "category" not in off.data.columns
    assert off.n_loaded == on.n_loaded == 4
    with pytest.raises(InputError, match="switches off required field\\(s\\) 'service'"):
        _read(path, columns={**COLUMNS, "service": None})


def test_keep_keeps_extra_columns_as_they_are(tmp_path):
    path = _write(tmp_path / "sr.csv")
    result = _read(path, columns=COLUMNS, keep=["Ward", "status"])
    assert result.data["Ward"].tolist()[:3] == ["W1", "W2", "W1"]
    assert pd.isna(result.data["Ward"].tolist()[3])
    assert result.data["Status"].tolist() == ["Closed", "Open", "Closed", "Closed"]
    assert not any("'Ward'" in n and "dropped" in n for n in result.notes)
    with pytest.raises(
        InputError,
        match="keep= names 'Wards', which is not a column of the file \\(did you mean 'Ward'\\?\\)",
    ):
        _read(path, columns=COLUMNS, keep=["Wards"])
    with pytest.raises(
        InputError, match="keep= names 'Service', which is read as the field 'service'"
    ):
        _read(path, columns=COLUMNS, keep=["Service"])


def test_keep_never_points_a_personal_field_past_keep_personal(tmp_path):
    text = "Service,Date Opened,Date Closed,Details\nRoads,3/26/2014 9:18,,rude on the phone\n"
    path = _write(tmp_path / "sr.csv", text)
    with pytest.raises(InputError, match="which is read as the field 'details'") as err:
        _read(path, columns=COLUMNS, keep=["Details"])
    fix = str(err.value).split("Fix:")[1]
    assert "keep_personal=True" in fix
    assert "None" not in fix  # switching the field off would keep it unmarked as personal
    kept = _read(path, columns=COLUMNS, keep_personal=True)
    assert kept.data.attrs["personal_columns"] == ("details",)


def test_a_folder_of_monthly_exports_loads_as_one_log(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    header, *rows = EXPORT.splitlines()
    _write(folder / "2014-03.csv", "\n".join([header, *rows[:3]]) + "\n")
    _write(folder / "2014-04.csv", "\n".join([header, rows[3]]) + "\n")
    result = _read(folder, columns=COLUMNS)
    assert (result.n_read, result.n_loaded) == (4, 4)
    assert [f.rsplit("/", 1)[-1] for f in result.data["file"]] == ["2014-03.csv"] * 3 + [
        "2014-04.csv"
    ]
    # row numbers as ids repeat from file to file: the file keeps them apart
    assert result.data["complaint_id"].tolist() == [
        "2014-03.csv:2",
        "2014-03.csv:3",
        "2014-03.csv:4",
        "2014-04.csv:2",
    ]


def test_an_id_in_two_files_quarantines_both_copies(tmp_path):
    header = "complaint_id,service,received\n"
    a = _write(tmp_path / "a.csv", header + "C1,Roads,01/02/2014\nC2,Roads,13/02/2014\n")
    b = _write(tmp_path / "b.csv", header + "C1,Parks,14/02/2014\n")
    result = _read([a, b])
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (3, 1, 2)
    assert sorted(result.quarantine["reason"]) == [
        "duplicate complaint_id 'C1' (also in a.csv row 2): keep one and remove the others",
        "duplicate complaint_id 'C1' (also in b.csv row 2): keep one and remove the others",
    ]


def test_a_dataframe_in_memory_is_vetted_like_a_file():
    frame = pd.DataFrame(
        {
            "complaint_id": ["C1", "C2", "C3"],
            "service": ["Roads", "Roads", None],
            "received": [pd.Timestamp("2014-03-01"), pd.Timestamp("2014-03-02"), "2014-03-03"],
        }
    )
    result = _read(frame)
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (3, 2, 1)
    assert result.quarantine[["file", "row", "column"]].values.tolist() == [
        ["the DataFrame", 3, "service"]
    ]
    assert result.data["received"].tolist() == [
        pd.Timestamp("2014-03-01"),
        pd.Timestamp("2014-03-02"),
    ]


def test_the_warning_points_at_the_callers_line_for_a_folder_too(tmp_path):
    header = "complaint_id,service,received\n"
    _write(tmp_path / "a.csv", header + "C1,,01/02/2014\n")
    _write(tmp_path / "b.csv", header + "C2,Roads,01/02/2014\n")
    with pytest.warns(QuarantineWarning) as caught:
        read_complaints(tmp_path, as_of="2024-01-01")
    assert caught[0].filename == __file__


def test_notebook_02_claim_a_month_first_export_loads_whole_with_no_wrong_date(tmp_path):
    """Notebook 02 says: every row of the month-first export loads and no date is wrong."""
    from coprod.synth import write_complaint_export

    export = write_complaint_export(tmp_path / "requests_311.csv")  # the notebook's call
    us_log = read_complaints(export.path, as_of="2024-01-01")
    truth = export.truth.loc[us_log.data.index]
    never = pd.Timestamp(0)
    wrong = sum(
        int((us_log.data[c].fillna(never) != truth[c].fillna(never)).sum())
        for c in ("received", "closed")
    )
    assert us_log.n_loaded == us_log.n_read == 11_027
    assert wrong == 0
    assert any("read month first" in n for n in us_log.notes)


def test_a_switched_off_personal_field_cannot_come_back_unmarked_through_keep(tmp_path):
    path = _write(
        tmp_path / "log.csv",
        "complaint_id,service,received,Details\nC1,Roads,01/02/2014,Mrs X at 3 High St\n",
    )
    with pytest.raises(InputError, match="keep= names 'Details', a personal column \\(details\\)"):
        _read(path, columns={"details": None}, keep=["Details"])
    kept = _read(path, columns={"details": None}, keep=["Details"], keep_personal=True)
    assert kept.data["Details"].tolist() == ["Mrs X at 3 High St"]
    assert "Details" in kept.data.attrs["personal_columns"]

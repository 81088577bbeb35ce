"""Readers take a file, a list of files, a folder of files of one layout, or a DataFrame."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from coprod.io import InputError, QuarantineWarning
from coprod.io.survey import read_survey

HEADER = "respondent_id,council,service,wave,planning,delivery\n"


def _write(path, rows, header=HEADER):
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _quiet(source, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        return read_survey(source, **options)


def test_a_folder_loads_as_one_table_keeping_each_rows_file(tmp_path):
    _write(
        tmp_path / "2023.csv",
        ["R1,A,Parks,2023,professionals,community", "R2,A,Parks,2023,co-planning,co-delivery"],
    )
    _write(tmp_path / "2025.csv", ["R1,A,Parks,2025,community,community"])
    (tmp_path / "SOURCE.txt").write_text("where the files came from")
    result = _quiet(tmp_path)
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (3, 3, 0)
    assert result.data["file"].map(lambda f: f.rsplit("/", 1)[-1]).tolist() == [
        "2023.csv",
        "2023.csv",
        "2025.csv",
    ]
    assert result.data.index.tolist() == [2, 3, 2]  # each row's number in its own file
    assert result.notes[0] == "read 2 files as one table"
    same = _quiet([tmp_path / "2023.csv", tmp_path / "2025.csv"])
    pd.testing.assert_frame_equal(same.data, result.data)


def test_a_key_on_rows_of_two_files_quarantines_every_copy(tmp_path):
    a = _write(
        tmp_path / "a.csv",
        ["R1,A,Parks,2023,professionals,community", "R2,A,Parks,2023,community,community"],
    )
    b = _write(tmp_path / "b.csv", ["R1,A,Parks,2023,co-planning,co-delivery"])
    result = _quiet([a, b])
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (3, 1, 2)
    q = result.quarantine.sort_values("file")
    assert q["row"].tolist() == [2, 2]
    assert q["reason"].tolist() == [
        "duplicate (respondent_id, service, wave) 'R1 | Parks | 2023' (also in b.csv row 2): "
        "keep one and remove the others",
        "duplicate (respondent_id, service, wave) 'R1 | Parks | 2023' (also in a.csv row 2): "
        "keep one and remove the others",
    ]
    assert set(q["problem"]) == {"duplicate (respondent_id, service, wave) across files"}


def test_a_blank_wave_in_files_of_one_survey_is_a_key_part_like_any_other(tmp_path):
    a = _write(tmp_path / "a.csv", ["R1,A,Parks,,professionals,community"])
    b = _write(tmp_path / "b.csv", ["R2,A,Parks,2023,community,community"])
    result = _quiet([a, b])
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (2, 2, 0)
    c = _write(tmp_path / "c.csv", ["R1,A,Parks,,community,community"])
    twice = _quiet([a, c])  # as within one file, the same respondent with no wave twice
    assert (twice.n_loaded, twice.n_quarantined) == (0, 2)
    assert twice.quarantine["reason"].iloc[0] == (
        "duplicate (respondent_id, service, wave) 'R1 | Parks | ' (also in c.csv row 2): "
        "keep one and remove the others"
    )


def test_files_of_different_layouts_are_refused_naming_the_file(tmp_path):
    _write(tmp_path / "a.csv", ["R1,A,Parks,2023,professionals,community"])
    _write(
        tmp_path / "b.csv",
        ["R1,A,Parks,2023,professionals,community"],
        header="ID,council,service,wave,planning,delivery\n",
    )
    with pytest.raises(InputError) as err:
        _quiet(tmp_path, columns={"respondent_id": "ID"})  # fits b.csv, not a.csv
    assert "a.csv" in str(err.value)
    with pytest.raises(InputError, match="do not share one layout") as err:
        _quiet(
            [tmp_path / "a.csv", tmp_path / "b.csv"][::1], columns=None, id_field="respondent_id"
        )


def test_row_numbers_as_ids_stay_distinct_across_files(tmp_path):
    header = "council,service,wave,planning,delivery\n"
    _write(tmp_path / "a.csv", ["A,Parks,2023,professionals,community"], header=header)
    _write(tmp_path / "b.csv", ["A,Parks,2023,community,community"], header=header)
    result = _quiet(tmp_path)
    assert result.n_loaded == 2
    assert result.data["respondent_id"].tolist() == ["a.csv:2", "b.csv:2"]


def test_row_numbers_as_ids_stay_distinct_for_files_of_one_name_in_two_folders(tmp_path):
    header = "council,service,wave,planning,delivery\n"
    (tmp_path / "2023").mkdir()
    (tmp_path / "2024").mkdir()
    a = _write(tmp_path / "2023" / "survey.csv", ["A,Parks,2023,professionals,community"], header)
    b = _write(tmp_path / "2024" / "survey.csv", ["A,Parks,2024,community,community"], header)
    result = _quiet([a, b])
    assert result.n_loaded == 2
    assert result.data["respondent_id"].tolist() == ["2023/survey.csv:2", "2024/survey.csv:2"]
    assert result.data["respondent_id"].is_unique


def test_complaint_logs_without_ids_of_one_name_in_two_folders_keep_distinct_ids(tmp_path):
    from coprod.io import read_complaints

    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "log.csv").write_text(
            f"service,received\nRoads,01/02/{year}\nParks,03/02/{year}\n", encoding="utf-8"
        )
    files = [tmp_path / "2023" / "log.csv", tmp_path / "2024" / "log.csv"]
    result = read_complaints(files, as_of="2024-06-01")
    assert result.data["complaint_id"].tolist() == [
        "2023/log.csv:2",
        "2023/log.csv:3",
        "2024/log.csv:2",
        "2024/log.csv:3",
    ]


def test_a_list_naming_one_file_twice_is_refused(tmp_path):
    a = _write(tmp_path / "a.csv", ["R1,A,Parks,2023,professionals,community"])
    with pytest.raises(InputError, match="the list names one file twice"):
        read_survey([a, tmp_path / "." / "a.csv"])


def test_a_list_of_dataframes_is_refused_saying_what_to_do():
    frame = pd.DataFrame({"respondent_id": ["R1"], "service": ["Parks"]})
    with pytest.raises(InputError, match="must hold paths, not DataFrame objects") as err:
        read_survey([frame, frame])
    assert "pd.concat them first" in str(err.value)


def test_a_dataframe_in_memory_loads_like_a_file():
    frame = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3"],
            "service": ["Parks", "Parks", "Parks"],
            "planning": ["professionals", "nobody", "community"],
            "delivery": ["community", "community", "co-delivery"],
        }
    )
    result = _quiet(frame)
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (3, 2, 1)
    bad = result.quarantine.iloc[0]
    assert (bad["file"], bad["row"], bad["column"], bad["value"]) == (
        "the DataFrame",
        2,
        "planning",
        "nobody",
    )


def test_an_empty_folder_or_list_says_so(tmp_path):
    with pytest.raises(InputError, match="the folder has no file coprod can read"):
        read_survey(tmp_path)
    with pytest.raises(InputError, match="the list of files is empty"):
        read_survey([])
    with pytest.raises(InputError, match="1 file of the list not found"):
        read_survey([tmp_path / "nope.csv"])

"""Tests for coprod.io.counts: monthly count files (FixMyStreet layout) and absent = zero."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import warnings
from functools import partial

import pandas as pd
import pytest
from loader_checks import check_counts, loudly, quietly

from coprod.io import InputError, QuarantineWarning
from coprod.io.counts import LAD_NAMES, SHEF_C_CATEGORIES, read_report_counts
from coprod.io.schemas import REPORT_COUNTS, SCHEMAS
from coprod.timeseries.periods import fill_zero_counts

counts = partial(check_counts, kind="report_counts")
read_quiet = partial(quietly, read_report_counts)
read_loud = partial(loudly, read_report_counts)

HEADER = "lad,reports,unique_users,average_per_user\n"
SHEFFIELD, LEEDS, YORK = "E08000019", "E08000035", "E06000014"


def make_folder(folder, files: dict[str, str]):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def rows(*records: tuple[str, int, int]) -> str:
    return "".join(f"{lad},{r},{u},{r / u if u else 0}\n" for lad, r, u in records)


def fms_like(tmp_path):
    """A small folder in the FixMyStreet layout, with its quirks."""
    return make_folder(
        tmp_path / "fms",
        {
            "2019-12.csv": "period,LAD,report_count,user_count,average\n",  # stub
            "2020-1.csv": HEADER + rows((SHEFFIELD, 9, 6), (LEEDS, 4, 2)),
            "2020-2.csv": HEADER + rows((SHEFFIELD, 3, 3)),
            "2020-9.csv": HEADER + rows((LEEDS, 1, 1)),
            "2020-10.csv": HEADER + rows((SHEFFIELD, 5, 4), (LEEDS, 2, 2), (YORK, 7, 1)),
            "2020.csv": HEADER + rows((SHEFFIELD, 17, 10)),  # yearly total
            "all time.csv": HEADER + rows((SHEFFIELD, 17, 10)),
        },
    )


# --------------------------------------------------------------------------- reading


def test_schema_and_names():
    assert SCHEMAS["report_counts"] is REPORT_COUNTS
    assert REPORT_COUNTS.required == ("period", "lad", "reports")
    assert len(LAD_NAMES) == 10 and LAD_NAMES["E08000019"] == "Sheffield"
    assert all(code[0] in "EWS" and len(code) == 9 for code in LAD_NAMES)
    assert SHEF_C_CATEGORIES["C7"] == "Road Safety & Defects"


def test_folder_in_the_fixmystreet_layout(tmp_path):
    result = read_quiet(fms_like(tmp_path))
    counts(result, 7, 7, 0)
    data = result.data
    assert list(data.columns) == ["period", "lad", "reports", "unique_users"]
    assert data["period"].dtype == "datetime64[ns]" and data["lad"].dtype == "str"
    assert data["reports"].dtype == "int64" and data["unique_users"].dtype == "int64"
    # months sorted by number: 2020-9 before 2020-10
    assert data["period"].dt.month.tolist() == [1, 1, 2, 9, 10, 10, 10]
    assert data["reports"].tolist() == [9, 4, 3, 1, 5, 2, 7]
    assert data.attrs["files_read"] == ("2020-1.csv", "2020-2.csv", "2020-9.csv", "2020-10.csv")
    skipped = data.attrs["files_skipped"]
    assert set(skipped) == {"2019-12.csv", "2020.csv", "all time.csv"}
    notes = "\n".join(result.notes)
    assert "skipped 2 files whose names do not match the pattern" in notes
    assert "2020.csv, all time.csv" in notes
    assert "skipped 2019-12.csv: the header of 2019-12.csv (period, LAD, report_count" in notes
    assert "and no data rows" in notes
    assert "read 4 monthly files (2020-1.csv ... 2020-10.csv) with 7 data rows" in notes
    assert "dropped average_per_user" in notes
    # 3 LADs x 10 months (Jan-Oct) = 30, 7 present
    assert "23 lad-months absent between the first and last month (10 months)" in notes
    assert "absent lad-month means zero" in notes and "fill_zero_counts(" in notes
    assert data.attrs["absent"] == 23


def test_header_that_differs_in_a_file_with_rows_quarantines_them(tmp_path):
    folder = fms_like(tmp_path)
    (folder / "2020-3.csv").write_text("LAD,count\nE08000019,4\nE08000035,1\n")
    result = read_loud(folder)
    counts(result, 9, 7, 2)
    q = result.quarantine
    assert q["file"].tolist() == ["2020-3.csv", "2020-3.csv"]
    assert q["row"].tolist() == [2, 3]
    assert q["column"].tolist() == ["(header)", "(header)"]
    assert q["value"].tolist() == ["E08000019,4", "E08000035,1"]
    assert (
        q["reason"]
        .iloc[0]
        .startswith(
            "the header of 2020-3.csv (LAD, count) differs from the other files' (lad, reports, "
            "unique_users, average_per_user): its rows are not read"
        )
    )


def test_bad_values_are_quarantined_with_file_and_row(tmp_path):
    folder = make_folder(
        tmp_path / "bad",
        {
            "2021-1.csv": HEADER
            + f"{SHEFFIELD},3.5,2,1\n"  # row 2: not whole
            + f"{LEEDS},-2,1,1\n"  # row 3: negative
            + f"{YORK},abc,1,1\n"  # row 4: not a number
            + "Sheffield,4,2,2\n"  # row 5: not a GSS code
            + ",4,2,2\n"  # row 6: blank key
            + "E06000001,,2,2\n",  # row 7: blank count
            "2021-2.csv": HEADER
            + f"{SHEFFIELD},1,1,1\n"  # row 2: duplicate
            + f"{LEEDS},1,1,1\n"  # row 3: fine
            + f"{SHEFFIELD},2,1,2\n",  # row 4: duplicate
        },
    )
    result = read_loud(folder)
    counts(result, 9, 1, 8)
    q = result.quarantine
    got = list(zip(q["file"], q["row"], q["column"], q["value"], strict=True))
    assert got == [
        ("2021-1.csv", 2, "reports", "3.5"),
        ("2021-1.csv", 3, "reports", "-2"),
        ("2021-1.csv", 4, "reports", "abc"),
        ("2021-1.csv", 5, "lad", "Sheffield"),
        ("2021-1.csv", 6, "lad", ""),
        ("2021-1.csv", 7, "reports", ""),
        ("2021-2.csv", 2, "lad", SHEFFIELD),
        ("2021-2.csv", 4, "lad", SHEFFIELD),
    ]
    why = q["reason"].tolist()
    assert why[0] == "reports: '3.5' is not a whole number: write it without decimals"
    assert why[1] == "reports is negative: a count is 0 or more; correct it"
    assert why[2] == "reports: 'abc' is not a whole number: write a whole number"
    assert why[3].startswith("'Sheffield' is not an ONS GSS code")
    assert why[4] == "lad is blank but required: fill it in (or remove the row)"
    assert why[5] == "reports: blank but a value is required: fill in the whole number"
    assert why[6] == (
        f"duplicate (period, lad) (2021-02, '{SHEFFIELD}') (also in 2021-2.csv row 4): keep "
        "one and remove the others"
    )
    assert why[7].endswith("(also in 2021-2.csv row 2): keep one and remove the others")
    assert result.data["lad"].tolist() == [LEEDS]


def test_two_files_for_one_month_quarantine_the_repeats(tmp_path):
    folder = make_folder(
        tmp_path / "two",
        {
            "2021-1.csv": HEADER + rows((SHEFFIELD, 1, 1), (LEEDS, 2, 1)),
            "2021-01.csv": HEADER + rows((SHEFFIELD, 1, 1)),
        },
    )
    result = read_loud(folder)
    counts(result, 3, 1, 2)
    q = result.quarantine
    assert q["file"].tolist() == ["2021-01.csv", "2021-1.csv"]
    assert "also in 2021-1.csv row 2" in q["reason"].iloc[0]
    assert "also in 2021-01.csv row 2" in q["reason"].iloc[1]


def test_a_month_that_does_not_exist(tmp_path):
    folder = make_folder(
        tmp_path / "m13",
        {
            "2021-1.csv": HEADER + rows((SHEFFIELD, 1, 1)),
            "2021-13.csv": HEADER + rows((SHEFFIELD, 1, 1)),
            "2021-14.csv": HEADER,
        },
    )
    result = read_loud(folder)
    counts(result, 2, 1, 1)
    assert result.quarantine["file"].tolist() == ["2021-13.csv"]
    assert "gives month 13, which does not exist" in result.quarantine["reason"].iloc[0]
    assert "2021-14.csv" in result.data.attrs["files_skipped"]


def test_category_column_must_be_mapped(tmp_path):
    header = "lad,SHEF_C_CODE,reports,unique_users,average_per_user\n"
    folder = make_folder(
        tmp_path / "cat",
        {
            "2021-1.csv": header + f"{SHEFFIELD},C1,2,1,2\n{SHEFFIELD},C7,5,3,1.6\n",
            "2021-2.csv": header + f"{SHEFFIELD},C7,1,1,1\n{LEEDS},C1,1,1,1\n",
        },
    )
    with pytest.raises(InputError) as info:
        read_report_counts(folder)
    assert "the unmapped column 'SHEF_C_CODE' tells them apart" in str(info.value)
    assert "columns={'category': 'SHEF_C_CODE'}" in str(info.value)
    result = read_quiet(folder, columns={"category": "SHEF_C_CODE"})
    counts(result, 4, 4, 0)
    assert list(result.data.columns) == ["period", "lad", "category", "reports", "unique_users"]
    assert result.data["category"].tolist() == ["C1", "C7", "C7", "C1"]
    # 2 LADs x 2 categories x 2 months = 8, 4 present
    assert any("4 (lad, category)-months absent" in n for n in result.notes)


def test_empty_month_and_renamed_columns_and_custom_pattern(tmp_path):
    folder = make_folder(
        tmp_path / "custom",
        {
            "counts_2021_01.csv": "Area,Reports\nE08000019,3\n",
            "counts_2021_02.csv": "Area,Reports\n",
            "readme.txt": "not data\n",
        },
    )
    result = read_quiet(
        folder,
        pattern=r"counts_(?P<year>\d{4})_(?P<month>\d{2})\.csv",
        columns={"lad": "Area", "reports": "Reports"},
        value_columns=("reports",),
    )
    counts(result, 1, 1, 0)
    assert list(result.data.columns) == ["period", "lad", "reports"]
    notes = "\n".join(result.notes)
    assert "1 monthly file without data rows (all zero by the publisher's rule)" in notes
    assert "readme.txt" in notes
    assert result.data.attrs["files_read"] == ("counts_2021_01.csv", "counts_2021_02.csv")


def test_folder_and_pattern_errors(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        read_report_counts(tmp_path / "nope")
    (tmp_path / "f.csv").write_text(HEADER)
    with pytest.raises(InputError, match="not a folder"):
        read_report_counts(tmp_path / "f.csv")
    with pytest.raises(InputError, match="no file name matches the pattern"):
        read_report_counts(tmp_path)
    with pytest.raises(InputError, match="no named group month"):
        read_report_counts(tmp_path, pattern=r"(?P<year>\d{4})\.csv")
    folder = make_folder(tmp_path / "k", {"2021-1.csv": "area,reports\nx,1\n"})
    with pytest.raises(InputError, match="required field 'lad' not found"):
        read_report_counts(folder, value_columns=("reports",))


# --------------------------------------------------------------------------- absent = zero


def test_fill_zero_counts_adds_absent_months_as_zero(tmp_path):
    data = read_quiet(fms_like(tmp_path)).data
    filled = fill_zero_counts(data, by="lad", value=["reports", "unique_users"])
    assert len(filled) == 30 and filled["zero_filled"].sum() == 23
    assert list(filled.columns) == ["lad", "period", "reports", "unique_users", "zero_filled"]
    assert filled["reports"].dtype == "int64" and filled["zero_filled"].dtype == bool
    assert filled["reports"].sum() == data["reports"].sum()
    york = filled[filled["lad"] == YORK]
    assert york["period"].dt.month.tolist() == list(range(1, 11))
    assert york["reports"].tolist() == [0] * 9 + [7]
    assert york["zero_filled"].tolist() == [True] * 9 + [False]
    assert int(filled["zero_filled"].sum()) == 23
    # a wider window
    wider = fill_zero_counts(
        data, by=["lad"], value="reports", start="2019-11-01", end="2020-12-01"
    )
    assert len(wider) == 3 * 14 and wider["reports"].sum() == data["reports"].sum()


def test_fill_zero_counts_refuses_what_it_cannot_do_exactly(tmp_path):
    data = read_quiet(fms_like(tmp_path)).data
    twice = pd.concat([data, data.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="share a key x period"):
        fill_zero_counts(twice, by="lad", value="reports")
    with pytest.raises(ValueError, match="not on the 'month' grid"):
        fill_zero_counts(data, by="lad", value="reports", start="2020-02-01")
    mid = data.assign(period=data["period"] + pd.Timedelta(days=3))
    with pytest.raises(ValueError, match="not on the 'month' grid"):
        fill_zero_counts(mid, by="lad", value="reports")
    with pytest.raises(KeyError, match="no column"):
        fill_zero_counts(data, by="council", value="reports")
    filled = fill_zero_counts(data, by="lad", value="reports")
    with pytest.raises(ValueError, match="already has a zero_filled column"):
        fill_zero_counts(filled, by="lad", value="reports")


def test_fill_zero_counts_with_two_keys():
    data = pd.DataFrame(
        {
            "lad": ["A", "A", "B"],
            "category": ["C1", "C2", "C1"],
            "period": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-02-01"]),
            "reports": [1, 2, 3],
        }
    )
    filled = fill_zero_counts(data, by=["lad", "category"], value="reports")
    assert len(filled) == 2 * 2 * 2 and filled["zero_filled"].sum() == 5
    assert filled["reports"].tolist() == [1, 0, 0, 2, 0, 3, 0, 0]


# --------------------------------------------------------------------------- real data


def test_real_fixmystreet_folder_matches_its_source(shared_data):
    folder = shared_data / "fixmystreet_reports" / "no_categories"
    result = read_quiet(folder)
    counts(result, 58_604, 58_604, 0)
    attrs = result.data.attrs
    assert len(attrs["files_read"]) == 167  # 168 monthly files; 2007-1.csv is an empty stub
    assert "2007-1.csv" in attrs["files_skipped"]
    monthly = [n for n in attrs["files_skipped"] if "-" in n]
    assert len(attrs["files_read"]) + len(monthly) == 168
    assert sum(1 for n in attrs["files_skipped"] if "-" not in n) == 14  # 13 yearly + all time
    assert int(result.data["reports"].sum()) == 2_293_408
    assert result.data["period"].min() == pd.Timestamp("2007-02-01")
    assert result.data["period"].max() == pd.Timestamp("2020-12-01")
    assert result.data["lad"].nunique() == 379
    assert attrs["absent"] == 379 * 167 - 58_604
    filled = fill_zero_counts(result.data, by="lad", value=["reports", "unique_users"])
    assert len(filled) == 379 * 167 and int(filled["reports"].sum()) == 2_293_408


def test_real_fixmystreet_categories(shared_data):
    folder = shared_data / "fixmystreet_reports" / "shef_c"
    with pytest.raises(InputError, match="SHEF_C_CODE"):
        read_report_counts(folder)
    result = read_quiet(folder, columns={"category": "SHEF_C_CODE"})
    counts(result, 213_557, 213_557, 0)
    assert set(result.data["category"]) == set(SHEF_C_CATEGORIES)
    # the category files count 1,442 fewer reports than the totals (2,293,408)
    assert int(result.data["reports"].sum()) == 2_291_966


# --------------------------------------------------------------------------- shipped extract


def test_shipped_extract_reads_clean(repo_root):
    folder = repo_root / "coprod" / "data" / "fixmystreet_extract"
    result = read_quiet(folder)
    counts(result, 892, 892, 0)
    data = result.data
    assert set(data["lad"]) == set(LAD_NAMES)
    assert len(data.attrs["files_read"]) == 108
    assert data["period"].min() == pd.Timestamp("2012-01-01")
    assert data["period"].max() == pd.Timestamp("2020-12-01")
    assert int(data["reports"].sum()) == 153_203
    assert set(data.attrs["files_skipped"]) == {"SOURCE.txt", "licence.txt", "make_extract.py"}
    source = (folder / "SOURCE.txt").read_text(encoding="utf-8")
    assert "Contains FixMyStreet data from mySociety, ODC-By 1.0" in source
    assert "licen" in source.lower() and "892 data rows" in source
    assert (folder / "licence.txt").read_bytes().startswith(b"# ODC Attribution License")


def test_extract_rebuilds_byte_for_byte(shared_data, repo_root, tmp_path, monkeypatch):
    folder = repo_root / "coprod" / "data" / "fixmystreet_extract"
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no __pycache__ in data/
    spec = importlib.util.spec_from_file_location("make_extract", folder / "make_extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.LADS == dict(LAD_NAMES)
    out = subprocess.run(
        [
            sys.executable,
            "-B",
            str(folder / "make_extract.py"),
            "--source",
            str(shared_data / "fixmystreet_reports"),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "108 monthly files" in out.stdout and "892 rows, 153,203 reports" in out.stdout
    built = sorted(p.name for p in tmp_path.iterdir())
    shipped = sorted(
        p.name for p in folder.iterdir() if p.suffix == ".csv" or p.name == "licence.txt"
    )
    assert built == shipped and len(built) == 109
    for name in built:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
    assert not (folder / "__pycache__").exists()


def test_shipped_extract_zero_fill_is_explicit(repo_root):
    data = read_quiet(repo_root / "coprod" / "data" / "fixmystreet_extract").data
    filled = fill_zero_counts(data, by="lad", period="period", value=["reports", "unique_users"])
    assert len(filled) == 10 * 108
    assert int(filled["zero_filled"].sum()) == 10 * 108 - 892
    orkney = filled[filled["lad"] == "S12000023"]
    assert int((~orkney["zero_filled"]).sum()) == 11
    assert (orkney.loc[orkney["zero_filled"], "reports"] == 0).all()
    assert int(filled["reports"].sum()) == 153_203  # filling adds rows, never reports


# --------------------------------------------------------------------------- denominators


def test_read_denominators_exact_and_quarantined(tmp_path):
    from coprod.io.counts import read_denominators

    path = tmp_path / "contacts.csv"
    path.write_text(
        "service,period,contacts,council\n"
        "Parks,01/02/2024,1200,X\n"
        "Parks,2024-03-01,1100,X\n"
        "Parks,01/03/2024,1000,X\n"  # same month as the row above: both quarantined
        "Libraries,01/02/2024,-5,X\n"
        "Libraries,31/02/2024,900,X\n"
        ",01/02/2024,100,X\n"
    )
    result = read_quiet_denominators(read_denominators, path)
    assert result.kind == "denominators"
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (6, 1, 5)
    assert result.data["period"].tolist() == [pd.Timestamp("2024-02-01")]
    assert result.data["denominator"].tolist() == [1200.0]
    reasons = result.quarantine.set_index("row")["reason"]
    assert "not above zero" in reasons.loc[5]
    assert (
        reasons.loc[6] == "'31/02/2024' is not a real date as dd/mm/yyyy: check the day and month"
    )
    assert (
        "column 'period': no value settles day/month order; read day first (date_order='dmy'); "
        "if the dates are month first, pass date_order='mdy'"
    ) in result.notes
    assert "duplicate" in " ".join(result.quarantine.loc[result.quarantine["row"] == 3, "reason"])
    assert "blank" in reasons.loc[7]
    assert set(result.quarantine["row"]) == {3, 4, 5, 6, 7}
    assert "council" in " ".join(result.notes)


def read_quiet_denominators(reader, path, **options):

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        return reader(path, columns={"denominator": "contacts"}, **options)


def test_read_denominators_month_first_by_evidence_or_option(tmp_path):
    from coprod.io.counts import read_denominators

    path = tmp_path / "contacts.csv"
    path.write_text("service,period,contacts\nParks,02/01/2024,1200\nParks,02/13/2024,1100\n")
    result = read_quiet_denominators(read_denominators, path)
    assert result.n_quarantined == 0
    assert result.data["period"].tolist() == [
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-02-13"),
    ]
    assert result.notes[0] == (
        "column 'period': read month first: values such as '02/13/2024' (row 3) can only be "
        "month/day"
    )
    # said day first: the month-first date is quarantined, naming the option that reads it
    told = read_quiet_denominators(read_denominators, path, date_order="dmy")
    assert told.data["period"].tolist() == [pd.Timestamp("2024-01-02")]
    assert told.quarantine["reason"].tolist() == [
        "'02/13/2024' cannot be day first (there is no month 13), the order asked for with "
        "date_order='dmy': if the dates are month first, pass date_order='mdy'"
    ]


def test_read_denominators_missing_column_names_fix(tmp_path):
    from coprod.io.counts import read_denominators

    path = tmp_path / "contacts.csv"
    path.write_text("service,month,contacts\nParks,01/02/2024,1200\n")
    with pytest.raises(InputError, match="period") as info:
        read_denominators(path, columns={"denominator": "contacts"})
    assert "contacts.csv" in str(info.value) and "month" in str(info.value)

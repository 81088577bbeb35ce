"""HM Treasury's PFI projects: the file as published, every row accounted for, terms and end
years as the raw file gives them, charges in long form, councils, and the per-council tables.

Expected numbers were read from the raw CSV by hand (grep, and the csv module below, which
shares no code with coprod) and are written out here.
"""

from __future__ import annotations

import csv
import hashlib
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from loader_checks import check_counts, loudly, quietly

from coprod.cli import main
from coprod.datasets import load_dataset, registry
from coprod.io import InputError
from coprod.io.pfi import PFI_COLUMNS, PfiProjects, read_pfi_projects
from coprod.io.schemas import PFI_PROJECTS, SCHEMAS
from coprod.politics import (
    charges_by_sector,
    contract_terms,
    contracts_in_force,
    last_contract_end,
)

counts = partial(check_counts, kind="pfi_projects")
read_quiet = partial(quietly, read_pfi_projects)
read_loud = partial(loudly, read_pfi_projects)

SHEFFIELD = "E08000019"


@pytest.fixture(scope="module")
def pfi() -> PfiProjects:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_dataset("pfi_projects")


@pytest.fixture(scope="module")
def raw_rows() -> list[list[str]]:
    """The shipped file's data rows, read with the csv module (title and header dropped)."""
    path = registry()["pfi_projects"].file
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[2:]


@pytest.fixture(scope="module")
def raw_header() -> list[str]:
    with registry()["pfi_projects"].file.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1]


# --------------------------------------------------------------------------- the real file


def test_the_shipped_file_is_hm_treasurys_file_byte_for_byte(shared_data):
    shipped = registry()["pfi_projects"].file.read_bytes()
    published = (shared_data / "pfi_projects" / "31.03.2016.csv").read_bytes()
    assert shipped == published and len(shipped) == 471_186
    blob = hashlib.sha1(b"blob %d\0" % len(shipped) + shipped).hexdigest()
    assert blob == "06efd52a0df7874e90363e93152e4abf18e16af8"  # as SOURCE.txt says


def test_every_row_is_accounted_for(pfi):
    counts(pfi, 716, 716, 0)
    assert pfi.quarantine.empty
    # rows as a spreadsheet numbers them: title row 1, header row 2, projects 3-718
    assert pfi.data.index.tolist() == list(range(3, 719))
    assert pfi.data["status"].value_counts().to_dict() == {"InOperation": 687, "InConstruction": 29}
    # "Data not provided" / "Not Applicable" are missing, counted, never quarantined
    assert dict(pfi.not_provided) == {
        "sector": 4,
        "construction_completion": 80,  # 75 'Data not provided' + 5 'Not Applicable '
        "operations_start": 30,
    }
    data = pfi.data
    assert data["sector"].isna().sum() == 4
    assert data["construction_completion"].isna().sum() == 80
    assert data["operations_start"].isna().sum() == 30
    assert data["financial_close"].notna().all()
    notes = "\n".join(pfi.notes)
    assert "skipped 1 title row above the header (detected" in notes
    assert "'Current projects as at 31 March 2016'" in notes
    assert "Date of Construction Completion: 75 'Data not provided' and 5 'Not Applicable'" in notes
    assert "First Date of Operations: 30 'Data not provided' read as missing" in notes
    assert "30 projects from the financial close + median construction (1.67 years)" in notes
    # trailing spaces gone: 'Department of Health ' and 'Department of Health' are one
    assert data["department"].value_counts()["Department of Health"] == 127
    assert data["department"].value_counts()[
        "Department for Environment, Food and Rural Affairs"
    ] == (26 + 2)
    assert (data["authority"] == "Highways England").sum() == 14
    assert pfi.source_columns["capital_value_m"] == "Capital Value (£m)"


def test_types_and_columns(pfi):
    data = pfi.data
    assert list(data.columns) == [
        "project_id",
        "project",
        "department",
        "authority",
        "council_code",
        "council",
        "matched_how",
        "sector",
        "region",
        "status",
        "financial_close",
        "construction_completion",
        "operations_start",
        "term_years",
        "term_start",
        "term_start_from",
        "expected_end",
        "end_year",
        "capital_value_m",
    ]
    assert data["project_id"].dtype == "str" and data["project_id"].is_unique
    for column in ("financial_close", "operations_start", "term_start", "expected_end"):
        assert data[column].dtype == "datetime64[ns]"
    assert data["term_years"].dtype == "int64" and data["end_year"].dtype == "int64"
    assert data["capital_value_m"].sum() == pytest.approx(59_396.3)
    assert SCHEMAS["pfi_projects"] is PFI_PROJECTS
    assert PFI_PROJECTS.required == ("project_id", "authority", "financial_close", "term_years")
    assert set(PFI_COLUMNS) == set(PFI_PROJECTS.names)


# Hand-checked rows of the raw file (grep '^<id>,' 31.03.2016.csv):
#   2   Sunningdale Park Site  close 01-04-2002, operations 13-05-2002, term 15
#   763 Sheffield Highways     close 31-07-2012, operations 01-09-2012, term 26
#   258 Leeds Street Lighting  close 01-04-2006, operations 01-07-2006, term 25
#   515 Bangor Academy (NI)    close 01-09-2006, operations 29-02-2008, term 30 (a leap day)
#   9   Central Bedfordshire   close 22-12-2003, operations 'Data not provided', term 30
#       construction 'Data not provided': close + the median construction period, 611 days
#       (median of operations - close over the 686 projects with both: 1.67 years)
HAND_CHECKED = {
    "2": (15, "2002-05-13", "operations start", "2017-05-13", 2017),
    "763": (26, "2012-09-01", "operations start", "2038-09-01", 2038),
    "258": (25, "2006-07-01", "operations start", "2031-07-01", 2031),
    "515": (30, "2008-02-29", "operations start", "2038-02-28", 2038),
    "9": (30, "2005-08-24", "financial close + median construction", "2035-08-24", 2035),
}


@pytest.mark.parametrize("project_id", sorted(HAND_CHECKED))
def test_terms_and_end_years_match_the_raw_file(pfi, raw_rows, project_id):
    term, start, rule, end, end_year = HAND_CHECKED[project_id]
    (raw,) = [r for r in raw_rows if r[0] == project_id]
    assert int(raw[12]) == term  # Operational Period of Contract (years), as published
    row = pfi.data.loc[pfi.data["project_id"] == project_id].iloc[0]
    assert row["term_years"] == term
    assert row["term_start"] == pd.Timestamp(start)
    assert row["term_start_from"] == rule
    assert row["expected_end"] == pd.Timestamp(end)
    assert row["end_year"] == end_year


def test_the_median_construction_period_is_the_raw_files(pfi, raw_rows):
    from datetime import datetime

    def day(v):
        return datetime.strptime(v, "%d-%m-%Y")  # (test only: coprod reads dates one way)

    gaps = sorted((day(r[11]) - day(r[9])).days for r in raw_rows if r[11] != "Data not provided")
    assert len(gaps) == 686
    assert float(np.median(gaps)) == 611.0
    assert pfi.median_construction_years == round(611 / 365.25, 2) == 1.67
    assert (pfi.data["term_start_from"] == "financial close + median construction").sum() == 30


def test_every_term_matches_the_raw_column(pfi, raw_rows):
    raw = pd.Series({r[0]: int(r[12]) for r in raw_rows})
    mine = pfi.data.set_index("project_id")["term_years"]
    assert mine.sort_index().equals(raw.sort_index().astype("int64"))
    # where the operations start is given, the end is that date plus the term, in years
    given = pfi.data["term_start_from"] == "operations start"
    assert given.sum() == 686
    years = (
        pfi.data.loc[given, "expected_end"].dt.year
        - pfi.data.loc[given, "operations_start"].dt.year
    )
    assert (years == pfi.data.loc[given, "term_years"]).all()


def test_charges_in_long_form_sum_to_the_raw_columns(pfi, raw_rows, raw_header):
    charges = pfi.charges
    assert list(charges.columns) == [
        "project_id",
        "financial_year",
        "year_start",
        "charge_m",
        "estimated",
    ]
    assert len(charges) == 19_712
    assert charges.duplicated(["project_id", "year_start"]).sum() == 0
    # each raw column's sum equals the long form's sum for that financial year
    for j in range(17, 85):
        name = raw_header[j].strip()
        year = int(name.split("Payment ")[1][:4])
        expected = sum(float(r[j]) for r in raw_rows)
        got = charges.loc[charges["year_start"] == year, "charge_m"].sum()
        assert got == pytest.approx(expected, abs=1e-6), name
        flags = charges.loc[charges["year_start"] == year, "estimated"]
        assert (flags == name.startswith("Estimated")).all(), name
    assert charges["charge_m"].sum() == pytest.approx(306_332.6)
    assert charges.loc[~charges["estimated"], "charge_m"].sum() == pytest.approx(97_162.9)
    assert charges.loc[charges["estimated"], "charge_m"].sum() == pytest.approx(209_169.7)
    # Sheffield Highways (763): 2012-13 is its first year with a charge, 26.9
    highways = charges.loc[charges["project_id"] == "763"]
    assert highways.iloc[0][["financial_year", "year_start", "charge_m"]].tolist() == [
        "2012-13",
        2012,
        26.9,
    ]
    assert highways["charge_m"].sum() == pytest.approx(1712.8)
    # three projects are 0.0 in every year: no rows, and a note names them
    assert set(pfi.data["project_id"]) - set(charges["project_id"]) == {"249", "252", "500"}
    assert any("249, 252, 500" in n for n in pfi.notes)


def test_summary_counts_charges_and_councils(pfi):
    text = pfi.summary()
    assert "rows read: 716" in text and "rows quarantined: 0" in text
    assert "charges: 19,712 project-years, 1996-97 to 2049-50: £97,163m paid, £209,170m" in text
    assert "councils: 396 projects of 716 procured by 168 councils; 163 authorities" in text
    assert repr(pfi).startswith("PfiProjects(") and "19,712 project-years" in repr(pfi)


# --------------------------------------------------------------------------- councils

# Council-like authorities of the 2016 file that are not councils in the lookup: joint waste
# authorities and partnerships of councils, and transport authorities (read from the file)
NOT_COUNCILS_BUT_LOCAL = {
    "East London Waste Authority",
    "Greater Manchester Waste Disposal Authority",
    "East Sussex, Brighton and Hove Partnership",
    "Essex and Southend-on-Sea Partnership",
    "South West Devon Waste Partnership",
    "South Yorkshire Passenger Transport Authority",
    "Transport for London",
}


def test_authorities_are_matched_to_councils(pfi):
    data = pfi.data
    councils = data.loc[data["council_code"].notna()]
    assert len(councils) == 396 and councils["council_code"].nunique() == 168
    assert data["authority"].nunique() == 331 and len(pfi.unmatched) == 331 - 168
    assert data["matched_how"].value_counts().to_dict() == {
        "exact name": 377,
        "unmatched": 320,
        "alternative name": 12,
        "normalised name": 7,
    }
    code = data.drop_duplicates("authority").set_index("authority")["council_code"]
    assert code["Sheffield"] == "E08000019" and code["Barnsley"] == "E08000016"
    assert code["Hull"] == "E06000010"  # Kingston upon Hull, by its normalised name
    assert code["Bristol"] == "E06000023" and code["Edinburgh"] == "S12000036"
    # councils in existence at the list's date (its title row: 31 March 2016)
    assert code["Dorset"] == "E10000009"  # Dorset County Council, not the 2019 unitary
    assert code["North Yorkshire"] == "E10000023" and code["Somerset"] == "E10000027"
    assert any("councils matched as at 31 March 2016" in n for n in pfi.notes)
    # central bodies, NHS trusts and boards, police and fire: never matched
    unmatched = set(pfi.unmatched)
    assert {"CABINET OFFICE", "MINISTRY OF DEFENCE", "HOME OFFICE", "Highways England"} <= unmatched
    for name in data["authority"].unique():
        if any(w in name for w in ("NHS", "University", "Police", "Fire", "Health Board")):
            assert name in unmatched, name
    assert NOT_COUNCILS_BUT_LOCAL <= unmatched
    assert code[list(NOT_COUNCILS_BUT_LOCAL)].isna().all()


def test_as_of_matches_the_councils_of_another_date(tmp_path):
    rows = project("1", authority="Dorset") + project("2", authority="CABINET OFFICE")
    later = read_quiet(write(tmp_path / "pfi.csv", HEADER + rows), as_of="2020-06-01")
    assert later.data["council_code"].tolist()[0] == "E06000059"  # Dorset Council (2019)
    assert pd.isna(later.data["council_code"].iloc[1]) and later.unmatched == ("CABINET OFFICE",)
    undated = read_quiet(write(tmp_path / "plain.csv", HEADER + rows))
    assert not any("councils matched as at" in n for n in undated.notes)


# --------------------------------------------------------------------------- files of the layout

HEADER = (
    "Unique HMT Project ID,Project Name,Department,Procuring Authority,Sector,Region,"
    "Project Status,Date of Financial Close,Date of Construction Completion,"
    "First Date of Operations,Operational Period of Contract (years),Capital Value (£m),"
    "Unitary Charge Payment 2014-15 (£m), Unitary Charge Payment 2015-16 (£m),"
    "Estimated Unitary Charge Payment 2016-17 (£m),SPV Name\n"
)
TITLE = "Current projects as at 31 March 2017" + "," * 15 + "\n"


def project(pid="1", authority="Sheffield", close="31-07-2012", ops="01-09-2012", term="26",
            capital="369.0", charges=("0.0", "26.9", "44.9"), sector="Street Lighting"):  # fmt: skip
    return (
        f"{pid},Project {pid},Department for Transport ,{authority},{sector},ENGLAND_Yorkshire,"
        f"InOperation,{close},Data not provided,{ops},{term},{capital},{','.join(charges)},SPV\n"
    )


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_a_small_file_of_the_layout(tmp_path):
    rows = project() + project("2", "CABINET OFFICE") + project("3", charges=("1.0", "", "2.0"))
    result = read_quiet(write(tmp_path / "pfi.csv", TITLE + HEADER + rows))
    counts(result, 3, 3, 0)
    assert result.data.index.tolist() == [3, 4, 5]
    # a blank charge is left out (never read as 0), with a note
    three = result.charges.loc[result.charges["project_id"] == "3"]
    assert three["financial_year"].tolist() == ["2014-15", "2016-17"]
    assert "1 charge blank or 'Data not provided': left out of charges" in result.notes
    result = read_quiet(write(tmp_path / "two.csv", TITLE + HEADER + project() + project("2")))
    one = result.data.iloc[0]
    assert one["expected_end"] == pd.Timestamp("2038-09-01") and one["end_year"] == 2038
    assert one["department"] == "Department for Transport"
    assert result.charges["financial_year"].tolist() == ["2015-16", "2016-17"] * 2
    assert result.charges["estimated"].tolist() == [False, True] * 2
    assert "not read: 1 column (SPV Name)" in result.notes


def test_a_file_without_a_title_row_and_one_in_windows_1252(tmp_path):
    plain = read_quiet(write(tmp_path / "a.csv", HEADER + project()))
    counts(plain, 1, 1, 0)
    assert plain.data.index.tolist() == [2]
    assert not any("title row" in n for n in plain.notes)
    windows = read_quiet(write(tmp_path / "b.csv", TITLE + HEADER + project(), "cp1252"))
    assert windows.encoding == "cp1252"
    assert windows.data["capital_value_m"].tolist() == [369.0]
    assert windows.charges["charge_m"].sum() == pytest.approx(26.9 + 44.9)
    # skip_rows= says how many rows to skip instead of detecting them
    told = read_quiet(write(tmp_path / "c.csv", TITLE + TITLE + HEADER + project()), skip_rows=2)
    counts(told, 1, 1, 0)


def test_month_first_dates_are_read_from_the_evidence(tmp_path):
    rows = project("1", close="07-31-2012", ops="09-01-2012") + project("2", close="03-13-2008")
    result = read_quiet(write(tmp_path / "us.csv", HEADER + rows))
    assert result.data["financial_close"].tolist() == [
        pd.Timestamp("2012-07-31"),
        pd.Timestamp("2008-03-13"),
    ]
    assert result.data["operations_start"].iloc[0] == pd.Timestamp("2012-09-01")
    assert any("read month first" in n for n in result.notes)


def test_a_missing_column_names_it_and_the_fix(tmp_path):
    header = HEADER.replace("Procuring Authority", "Procuring Body")
    with pytest.raises(InputError, match="required field 'authority' not found") as err:
        read_pfi_projects(write(tmp_path / "pfi.csv", header + project()))
    assert "'Procuring Body'" in str(err.value) and "columns=" in str(err.value)
    mapped = read_quiet(
        write(tmp_path / "ok.csv", header + project()), columns={"authority": "Procuring Body"}
    )
    assert mapped.data["authority"].tolist() == ["Sheffield"]


def test_bad_rows_are_quarantined_with_reasons(tmp_path):
    rows = (
        project("1")
        + project("")  # no id
        + project("3", term="twenty")
        + project("4", close="Data not provided")  # nothing places it in time
        + project("5", charges=("0.0", "1.5", "lots"))
        + project("6", term="0")
        + project("7")
        + project("7")  # a repeated id: every copy
        + project("8", ops="Data not provided", capital="Data not provided", sector="Data not provided")
    )  # fmt: skip
    result = read_loud(write(tmp_path / "pfi.csv", HEADER + rows))
    counts(result, 9, 2, 7)
    assert result.data["project_id"].tolist() == ["1", "8"]
    q = result.quarantine.set_index("row")
    assert (
        q.loc[3, "column"] == "Unique HMT Project ID"
        and q.loc[3, "problem"] == "blank but required"
    )
    assert q.loc[4, "column"] == "Operational Period of Contract (years)"
    assert q.loc[5, ["column", "value"]].tolist() == [
        "Date of Financial Close",
        "Data not provided",
    ]
    assert q.loc[6, "column"] == "Estimated Unitary Charge Payment 2016-17 (£m)"
    assert q.loc[7, "problem"] == "terms not above 0"
    assert q.loc[[8, 9], "problem"].tolist() == ["duplicate project_id"] * 2
    # the quarantined projects' charges are not in charges
    assert set(result.charges["project_id"]) == {"1", "8"}
    # 'Data not provided' where a value may be missing: missing, not quarantined
    eight = result.data.iloc[1]
    assert pd.isna(eight["sector"]) and pd.isna(eight["capital_value_m"])
    assert eight["term_start_from"] == "financial close + median construction"
    assert dict(result.not_provided) == {
        "sector": 1,
        "construction_completion": 9,  # every row read, quarantined or not
        "operations_start": 1,
        "capital_value_m": 1,
    }


def test_a_wrong_financial_year_in_a_charge_header_is_an_error(tmp_path):
    header = HEADER.replace("2015-16", "2015-17")
    with pytest.raises(InputError, match="financial year 2015-17, which does not exist"):
        read_pfi_projects(write(tmp_path / "pfi.csv", header + project()))


def test_coprod_check_kind_pfi(tmp_path, capsys):
    assert main(["check", str(registry()["pfi_projects"].file), "--kind", "pfi"]) == 0
    out = capsys.readouterr().out
    assert "rows read: 716" in out and "rows quarantined: 0" in out and "charges:" in out
    bad = write(tmp_path / "bad.csv", HEADER + project("1", close="31/31/2012"))
    assert main(["check", str(bad), "--kind", "pfi"]) == 1
    with pytest.raises(SystemExit, match="--kind pfi takes --column, --encoding"):
        main(["check", str(bad), "--kind", "pfi", "--keep", "SPV Name"])


# --------------------------------------------------------------------------- per council


SHEFFIELD_CONTRACTS = {  # id: (financial close year, expected end year), from the raw file
    "135": (1999, 2031),
    "111": (2000, 2026),
    "109": (2004, 2030),
    "110": (2005, 2032),
    "108": (2007, 2034),
    "870": (2011, 2038),
    "763": (2012, 2038),
}


def test_sheffield_has_its_seven_contracts(pfi):
    mine = pfi.data.loc[pfi.data["council_code"] == SHEFFIELD]
    assert set(mine["project_id"]) == set(SHEFFIELD_CONTRACTS)
    got = {r.project_id: (r.financial_close.year, r.end_year) for r in mine.itertuples(index=False)}
    assert got == SHEFFIELD_CONTRACTS


def test_contracts_in_force_per_council_and_year(pfi, raw_rows):
    table = contracts_in_force(pfi, years=range(1998, 2041))
    assert list(table.columns) == [
        "council_code",
        "council",
        "year",
        "contracts",
        "capital_value_m",
        "charges_m",
        "charges_estimated",
    ]
    sheffield = table.loc[table["council_code"] == SHEFFIELD].set_index("year")
    assert len(sheffield) == 43  # every year asked for, zeros included
    expected = {
        y: sum(a <= y <= b for a, b in SHEFFIELD_CONTRACTS.values()) for y in range(1998, 2041)
    }
    assert sheffield["contracts"].to_dict() == expected
    assert expected[1998] == 0 and expected[2012] == 7 and expected[2027] == 6
    assert expected[2039] == 0
    # charges in 2015 are the raw 2015-16 column of Sheffield's rows (a hand-summed check)
    raw_2015 = sum(float(r[40]) for r in raw_rows if r[0] in SHEFFIELD_CONTRACTS)
    assert sheffield.loc[2015, "charges_m"] == pytest.approx(raw_2015)
    assert not sheffield.loc[2015, "charges_estimated"]
    assert sheffield.loc[2016, "charges_estimated"]
    capital = {"135": 20.0, "111": 47.3, "109": 25.9, "110": 52.5, "108": 64.3, "870": 24.2}
    capital["763"] = 369.0
    assert sheffield.loc[2012, "capital_value_m"] == pytest.approx(sum(capital.values()))
    # projects not procured by a council are left out
    assert table["council_code"].notna().all()
    # the frame and charges= give the same table as the result itself
    again = contracts_in_force(pfi.data, charges=pfi.charges, years=range(1998, 2041))
    pd.testing.assert_frame_equal(again, table)
    without = contracts_in_force(pfi.data, years=[2012])
    assert "charges_m" not in without.columns


def test_charges_by_sector_shares(pfi, raw_rows):
    table = charges_by_sector(pfi)
    shares = table.groupby("council_code")["share"].sum()
    assert np.allclose(shares[shares > 0], 1.0)
    sheffield = table.loc[table["council_code"] == SHEFFIELD].set_index("sector")
    total = sum(float(v) for r in raw_rows if r[0] in SHEFFIELD_CONTRACTS for v in r[17:85])
    roads = sheffield.loc["Roads and Highway Maintenance"]
    assert roads["charges_m"] == pytest.approx(1712.8)
    assert roads["share"] == pytest.approx(1712.8 / total)
    assert sheffield["contracts"].to_dict() == {
        "Schools (Non-BSF)": 3,
        "Roads and Highway Maintenance": 1,
        "Schools (BSF)": 2,
        "Offices": 1,
    }
    assert sheffield.index[0] == "Roads and Highway Maintenance"  # largest share first
    assert (table["first_year"] == 1996).all() and (table["last_year"] == 2049).all()
    future = charges_by_sector(pfi, years=range(2016, 2060))
    assert (future["first_year"] == 2016).all() and (future["last_year"] == 2059).all()
    with pytest.raises(ValueError, match="needs the yearly charges"):
        charges_by_sector(pfi.data)


def test_last_contract_end(pfi):
    table = last_contract_end(pfi)
    sheffield = table.loc[table["council_code"] == SHEFFIELD].iloc[0]
    assert sheffield["contracts"] == 7
    assert sheffield["last_end"] == pd.Timestamp("2038-09-01")
    assert sheffield["last_end_year"] == 2038 and sheffield["last_project_id"] == "763"
    assert sheffield["first_close"] == pd.Timestamp("1999-03-31")
    assert table["last_end"].is_monotonic_decreasing
    assert table["contracts"].sum() == pfi.data["council_code"].notna().sum()


def test_contract_terms_are_the_distribution_of_the_file(pfi):
    terms = contract_terms(pfi)
    assert len(terms) == 716 and terms.name == "term_years" and terms.dtype == "int64"
    assert terms.mean() == pytest.approx(27.31, abs=0.005) and terms.median() == 26
    assert terms.value_counts()[25] == 238 and terms.min() == 5 and terms.max() == 52
    assert terms.between(25, 30).mean() == pytest.approx(0.72, abs=0.01)
    councils = contract_terms(pfi.data, councils_only=True)
    assert len(councils) == pfi.data["council_code"].notna().sum()


def test_contracts_in_force_of_some_sectors_and_the_default_years(pfi):
    # councils with a roads or street-lighting contract in force (the effects' PFI contrast)
    roads = pfi.data.loc[
        pfi.data["sector"].isin(["Roads and Highway Maintenance", "Street Lighting"])
    ]
    table = contracts_in_force(roads, charges=pfi.charges)
    councils = roads.loc[roads["council_code"].notna()]
    first, last = councils["financial_close"].dt.year.min(), councils["end_year"].max()
    assert table["year"].min() == first and table["year"].max() == last
    assert table["council_code"].nunique() == councils["council_code"].nunique()
    in_2015 = table.loc[(table["year"] == 2015) & (table["contracts"] > 0), "council_code"]
    assert SHEFFIELD in set(in_2015)
    # only those sectors' charges are counted: Sheffield's 2015-16 roads charge alone
    sheffield = table.loc[(table["council_code"] == SHEFFIELD) & (table["year"] == 2015)]
    expected = pfi.charges.query("project_id == '763' and year_start == 2015")["charge_m"]
    assert sheffield["charges_m"].item() == pytest.approx(expected.item())
    with pytest.raises(ValueError, match="years= is empty"):
        contracts_in_force(pfi, years=[])


def test_the_scenarios_default_terms_are_contract_terms(pfi):
    from coprod.politics.scenarios import PFI_TERM_COUNTS, PFI_TERMS_FROM_DATA

    terms = contract_terms(pfi)
    assert terms.value_counts().sort_index().to_dict() == PFI_TERM_COUNTS
    assert sorted(terms.tolist()) == sorted(PFI_TERMS_FROM_DATA)

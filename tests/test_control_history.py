"""read_control_history and the change functions: the real files, every row accounted for,
change counts checked by hand against the raw rows, and bad input quarantined with reasons."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from coprod.io.control_history import CONTROL_COLUMNS, read_control_history
from coprod.io.result import InputError
from coprod.politics.control import (
    change_rates,
    change_summary,
    control_changes,
    yearly_change_probability,
)
from coprod.vocab import CONTROL_CODES

OLD = "history1973-2015.csv"
NEW = "history2016-26.csv"

# The 150 names of history1973-2015.csv that match no council of mySociety's lookup. Each
# is a council abolished in a reorganisation (1986 metropolitan counties and the GLC, 1996
# Scottish regions and districts and Welsh districts, 1996-98 English counties and
# districts, 2009 districts); the latest year of any of them in the file is 2008. Rhondda
# (1974-96) is among them: the lookup gives its name to Rhondda Cynon Taff, which began in
# 1996. The 405 other names are matched (Durham once: its city district is kept apart).
UNMATCHED_1973_2015 = (
    "Aberconwy, Alnwick, Alyn & Deeside, Annandale & Eskdale, Arfon, Avon, "
    "Badenoch & Strathspey, Banff & Buchan, Bath, Bearsden & Milngavie, Bedfordshire, "
    "Berkshire, Berwick-Upon-Tweed, Berwickshire, Beverley, Blyth Valley, Boothferry, "
    "Brecknock, Bridgnorth, Brighton, Caithness, Caradon, Carmarthen, Carrick, "
    "Castle Morpeth, Central, Cheshire, Chester, Chester-Le-Street, Cleethorpes, Cleveland, "
    "Clwyd, Clydebank, Clydesdale, Colwyn, Congleton, Crewe & Nantwich, "
    "Cumbernauld & Kilsyth, Cumnock & Doon Valley, Cunninghame, Cynon Valley, Delyn, "
    "Derwentside, Dinefwr, Dumbarton, Dunfermiline, Dwyfor, Dyfed, Easington, "
    "East Kilbride, East Yorkshire, Eastwood, Ellesmere Port & Neston, "
    "Ettrick & Lauderdale, Gillingham, Glanford, Glc, Glyndwr, Gordon, Grampian, "
    "Great Grimsby, Greater Manchester, Gwent, Hamilton, Hereford, Hereford & Worcester, "
    "Holderness, Hove, Humberside, Inverness, Islwyn, Kennet, Kerrier, "
    "Kilmarnock & Loudoun, Kincardine & Deeside, Kingswood, Kirkcaldy, Kyle & Carrick, "
    "Langbaurgh, Leominster, Llanelli, Lliw Valley, Lochaber, Lothian, Macclesfield, "
    "Medina, Meirionnydd, Merseyside, Mid Bedfordshire, Mid Glamorgan, Monklands, "
    "Monmouth, Montgomeryshire, Motherwell, Nairn, Neath, Nithsdale, North Cornwall, "
    "North East Fife, North Shropshire, North Wiltshire, Northavon, Ogwr, Oswestry, "
    "Penwith, Port Talbot, Preseli Pembrokeshire, Radnor, Renfrew, Restormel, Rhondda, "
    "Rhuddlan, Rhymney Valley, Rochester Upon Medway, Ross & Cromarty, Roxburgh, "
    "Salisbury, Scunthorpe, Sedgefield, Shrewsbury & Atcham, Skye & Lochalsh, "
    "South Bedfordshire, South Glamorgan, South Herefordshire, South Pembrokeshire, "
    "South Shropshire, South Wight, South Yorkshire, Stewartry, Strathclyde, "
    "Strathkelvin, Sutherland, Taff-Ely, Tayside, Teesdale, Tweedale, Tyne & Wear, "
    "Tynedale, Vale Royal, Wansbeck, Wansdyke, Wear Valley, West Glamorgan, West Midlands, "
    "West Wiltshire, West Yorkshire, Wigtown, Woodspring, Wrexham Maelor, Ynys Mon"
).split(", ")


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def history():
    folder = SHARED_DATA / "council_control"
    if not folder.is_dir():
        pytest.skip(f"real data folder {folder} is absent")
    return read_control_history(folder)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _read(*paths, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_control_history(list(paths) if len(paths) > 1 else paths[0], **options)


# --------------------------------------------------------------------------- real files


@pytest.mark.shared_data
def test_both_real_files_load_with_every_row_accounted_for(history, shared_data):
    assert (history.n_read, history.n_loaded, history.n_quarantined) == (24_576, 24_576, 0)
    assert history.kind == "control"
    assert list(history.data.columns) == list(CONTROL_COLUMNS)
    folder = shared_data / "council_control"
    old = read_control_history(folder / OLD)
    new = read_control_history(folder / NEW)
    assert (old.n_read, old.n_loaded, old.n_quarantined) == (20_311, 20_311, 0)
    assert (new.n_read, new.n_loaded, new.n_quarantined) == (4_265, 4_265, 0)
    files = history.data["file"].map(lambda f: f.rsplit("/", 1)[-1]).value_counts()
    assert files.to_dict() == {OLD: 20_311, NEW: 4_265}
    # one row per council and year
    assert not history.data.duplicated(["council_key", "year"]).any()


@pytest.mark.shared_data
def test_party_spellings_unify_across_both_files(history):
    data = history.data
    assert set(data["control"].dropna()) <= set(CONTROL_CODES)
    assert set(data["largest_party"].dropna()) <= set(CONTROL_CODES) - {"NOC"}
    labels = data.set_index(["authority", "year"])["control_label"]
    control = data.set_index(["authority", "year"])["control"]
    # Lab / LAB, Plaid / PC, Green / GRN, Other / IND / Ind: one spelling each
    assert (labels[("Amber Valley", 2025)], control[("Amber Valley", 2025)]) == ("LAB", "Lab")
    assert (labels[("Bolton", 2016)], control[("Bolton", 2016)]) == ("Lab", "Lab")
    assert (labels[("Gwynedd", 2016)], control[("Gwynedd", 2016)]) == ("Plaid", "PC")
    assert (labels[("Gwynedd", 2025)], control[("Gwynedd", 2025)]) == ("PC", "PC")
    assert (labels[("Hastings", 2026)], control[("Hastings", 2026)]) == ("GRN", "Green")
    assert (labels[("Orkney Islands", 2015)], control[("Orkney Islands", 2015)]) == ("Ind", "Ind")
    assert (labels[("Orkney Islands", 2016)], control[("Orkney Islands", 2016)]) == ("Other", "Ind")
    assert (labels[("Orkney Islands", 2025)], control[("Orkney Islands", 2025)]) == ("IND", "Ind")
    # before 2025 every row is read by its label, but the 26 the seats contradict
    basis = data.loc[data["year"] < 2025, "control_basis"].value_counts().to_dict()
    assert basis == {"label": 23_795, "seats": 26}


@pytest.mark.shared_data
def test_administration_labels_of_2025_26_are_read_from_the_seats(history):
    data = history.data.set_index(["authority", "year"])
    columns = ["control", "largest_party", "administration", "administration_kind"]
    # a Labour minority administration: no overall control, Labour running the council
    assert data.loc[("Amber Valley", 2026), columns].tolist() == ["NOC", "Lab", "Lab", "minority"]
    # a coalition: NOC, the coalition kept (parties in one spelling, in the published order)
    assert data.loc[("Hastings", 2025), columns].tolist() == [
        "NOC",
        "Green",
        "Green/Ind",
        "coalition",
    ]
    # a Labour mayor with Reform holding 37 of 55 seats: Reform control, Labour mayor
    assert data.loc[("Doncaster", 2025), columns].tolist() == ["Reform", "Reform", "Lab", "mayor"]
    assert data.loc[("Doncaster", 2025), "control_basis"] == "seats"
    # NULL: kept, control missing, said so in control_basis (Northern Ireland, 2026)
    missing = history.data[history.data["control_label"] == "NULL"]
    assert len(missing) == 11
    assert missing["control"].isna().all() and set(missing["control_basis"]) == {"missing"}
    assert set(missing["nation"]) == {"Northern Ireland"} and set(missing["year"]) == {2026}


@pytest.mark.shared_data
def test_durham_is_two_councils_told_apart(history):
    data = history.data
    durham = data[data["authority"] == "Durham"]
    assert len(durham) == 36 * 2 + 7 + 11  # both councils 1973-2008, the county 2009-2026
    county = durham[durham["council_key"] == "E06000047"]
    district = durham[durham["council_key"] == "Durham [2]"]
    assert len(county) == 54 and len(district) == 36
    assert (county["year"].min(), county["year"].max()) == (1973, 2026)
    assert (district["year"].min(), district["year"].max()) == (1973, 2008)
    # linked by their seat totals: the county 72, 61 (1997), 63 (2005), 126 (2008), 98 (2025);
    # the city district 61, 49 (1979), 50 (2003)
    assert set(county["seats_total"]) == {72, 61, 63, 126, 98}
    assert set(district["seats_total"]) == {61, 49, 50}
    assert county.loc[county["year"] == 1975, "seats_total"].item() == 72
    assert district.loc[district["year"] == 1975, "seats_total"].item() == 61
    assert district["council_code"].isna().all() and set(district["match_how"]) == {"unmatched"}
    assert set(county["council"]) == {"Durham"} and set(county["council_type"]) == {
        "Unitary authority"
    }


# Changes read off the raw rows by hand (grep the name in both files):
#   Durham county: Lab 1973-2020; "Lab plurality" 2021-24; REF 2025 with Reform 65 of 98.
#   Durham city district: Lab 1973-78; NOC (Lab plurality) 1979-82; Lab 1983-2002; LD
#     2003-08.
#   Bristol: Lab to 1982; NOC 1983-85; Lab 1986-2002; NOC 2003-08; LD 2009-10; NOC 2011-15;
#     Lab 2016-20 ("Lab"); "Lab plurality" 2021-23, "Green plurality" 2024; "GRN/LD" 2025-26
#     with Green 34 of 70 seats (NOC, no change).
#   Orkney Islands: Ind 1974-2015, "Other" 2016-24, "IND" 2025-26: no change at all.
HAND_COUNTED = {
    "E06000047": [(2021, "Lab", "NOC"), (2025, "NOC", "Reform")],
    "Durham [2]": [(1979, "Lab", "NOC"), (1983, "NOC", "Lab"), (2003, "Lab", "LD")],
    "E06000023": [
        (1983, "Lab", "NOC"),
        (1986, "NOC", "Lab"),
        (2003, "Lab", "NOC"),
        (2009, "NOC", "LD"),
        (2011, "LD", "NOC"),
        (2016, "NOC", "Lab"),
        (2021, "Lab", "NOC"),
    ],
    "S12000023": [],
}


@pytest.mark.shared_data
@pytest.mark.parametrize("key", sorted(HAND_COUNTED))
def test_change_counts_match_the_raw_files(history, key):
    changes = control_changes(history.data)
    mine = changes[changes["council_key"] == key]
    got = list(mine[["year", "from_control", "to_control"]].itertuples(index=False, name=None))
    assert got == HAND_COUNTED[key]
    assert (mine["previous_year"] == mine["year"] - 1).all()
    summary = change_summary(history.data).set_index("council_key")
    assert summary.at[key, "changes"] == len(HAND_COUNTED[key])


@pytest.mark.shared_data
def test_change_kinds_and_summary_on_real_data(history):
    changes = control_changes(history.data)
    assert len(changes) == 2_317
    assert changes["kind"].value_counts().to_dict() == {
        "to NOC": 989,
        "from NOC": 894,
        "party to party": 434,
    }
    kinds = changes.set_index(["council_key", "year"])["kind"]
    assert kinds[("E06000023", 2009)] == "from NOC"
    assert kinds[("Durham [2]", 2003)] == "party to party"
    # 32 changes span the step from label-based (2024) to seat-based (2025) control, 17
    # more a row whose label the seats contradict (Thanet 2018: UKIP 2017 by the seats)
    other_basis = changes.loc[~changes["same_basis"], "year"]
    assert ((other_basis == 2025).sum(), (other_basis != 2025).sum()) == (32, 17)
    assert kinds[("E07000114", 2018)] == "to NOC"
    summary = change_summary(history.data).set_index("council_key")
    bristol = summary.loc["E06000023"]
    assert (bristol["first_year"], bristol["last_year"], bristol["years"]) == (1973, 2026, 54)
    # Lab 1973-82, 1986-2002, 2016-20; LD 2009-10; NOC 1983-85, 2003-08, 2011-15, 2021-26
    assert (bristol["years_lab"], bristol["years_ld"], bristol["years_noc"]) == (32, 2, 20)
    held = [c for c in summary.columns if c.startswith("years_") and c != "years_missing"]
    assert (summary[held].sum(axis=1) == summary["years"]).all()
    ni = summary[summary["nation"] == "Northern Ireland"]
    assert (ni["years"] == 0).all() and (ni["years_missing"] == 1).all()


@pytest.mark.shared_data
def test_change_rates_overall_and_by_nation(history):
    overall = change_rates(history.data)
    row = overall.iloc[0]
    assert (row["councils"], row["council_years"], row["changes"]) == (570, 23_993, 2_317)
    assert row["changes_per_decade"] == pytest.approx(10 * 2_317 / 23_993)
    assert row["low"] < row["changes_per_decade"] < row["high"]
    assert row["p_change"] == pytest.approx(2_317 / 23_993)
    assert yearly_change_probability(history.data) == pytest.approx(row["p_change"])
    by_nation = change_rates(history.data, by="nation").set_index("nation", drop=False)
    assert by_nation["changes"].sum() == 2_317  # councils without a nation are a group
    counts = by_nation.set_index(by_nation["nation"].fillna("none"))["changes"].to_dict()
    assert counts == {"England": 1_903, "Scotland": 94, "Wales": 74, "none": 246}
    assert by_nation.loc["Scotland", "changes_per_decade"] < by_nation.loc["England", "low"]
    window = change_rates(history.data, years=(2005, 2024))
    assert (window.at[0, "first_year"], window.at[0, "last_year"]) == (2005, 2024)
    by_type = change_rates(history.data, by=["nation", "council_type"])
    assert {"nation", "council_type", "councils", "council_years"} <= set(by_type.columns)


@pytest.mark.shared_data
def test_how_many_names_match(history):
    data = history.data
    old = data[data["file"].str.endswith(OLD)]
    new = data[data["file"].str.endswith(NEW)]
    assert old["authority"].nunique() == 555 and new["authority"].nunique() == 431
    matched_old = set(old.loc[old["council_code"].notna(), "authority"])
    assert len(matched_old) == 405
    unmatched = sorted(set(old["authority"]) - matched_old)
    assert unmatched == sorted(UNMATCHED_1973_2015)
    # all abolished: none appears after 2008
    assert old.loc[old["authority"].isin(unmatched), "year"].max() == 2008
    assert new["council_code"].notna().all()  # all 431 (East and West Surrey by their code)
    surrey = new[new["authority"].isin(["East Surrey", "West Surrey"])]
    assert surrey["council_code"].tolist() == surrey["gss_published"].tolist()
    assert set(surrey["match_how"]) == {"gss code (not in the lookup)"}
    # the 2026 rows' printed codes agree with the matched ones, but for Barnsley and
    # Sheffield (recoded after the lookup was made) and East and West Surrey
    printed = new[new["gss_published"].notna()]
    assert len(printed) == 384
    assert (printed["gss_published"] == printed["council_code"]).sum() == 382
    differ = printed[printed["gss_published"] != printed["council_code"]]
    assert sorted(differ["council"]) == ["Barnsley", "Sheffield"]


@pytest.mark.shared_data
def test_latest_spelling_is_the_council_name(history):
    data = history.data
    bath = data[data["council_code"] == "E06000022"]
    assert set(bath["authority"]) == {"Bath & North East Somerset", "Bath and North East Somerset"}
    assert set(bath["council"]) == {"Bath and North East Somerset"}
    shetland = data[data["council_code"] == "S12000027"]
    assert set(shetland["council"]) == {shetland.loc[shetland["year"].idxmax(), "authority"]}


# Rows whose majority label the seats contradict, read off the raw files:
#   history2016-26.csv row 354: "Thanet",2016,56, con 19, lab 5, ukip 30, other 2, "Other"
#     (2017, row 761: con 19, lab 6, ukip 30, other 1, "Other"; 2018, row 1168: con 21,
#     lab 6, ukip 14, other 15, "Other"); history1973-2015.csv 2015: other 34 of 56, "UKIP".
#   row 163: "Havering",2016,54, con 22, lab 2, ukip 6, other 24, "Other" (2015: NOC).
#   row 206: "Mansfield",2016,36, lab 17, ukip 2, other 17, "Other" (2015: Lab 19, other
#     17, "Lab"; 2017: "Other plurality").
#   history1973-2015.csv row 7846: Medway,1997,80, con 20, lab 39, ld 21, "Lab" (1998, row
#     7406, the same seats: NOC, "Lab plurality").
#   row 14847: Thanet,1983,54, con 28, lab 8, ld 2, other 16, "Ind" (1984-86 the same; 1982
#     Con 32, "Con"; 1987 con 25, "NOC").
#   row 7193: Pembrokeshire,1999,60, con 3, lab 13, ld 2, other 3, nat 39, "Ind" (1998:
#     other 42, nat 4; 2000: other 38, nat 3): the other and nat counts swapped that year.
SEAT_CHECKED = {
    # (file, row): (control, largest_party, administration, administration_kind, basis)
    (NEW, 354): ("UKIP", "UKIP", "UKIP", "majority", "seats"),
    (NEW, 761): ("UKIP", "UKIP", "UKIP", "majority", "seats"),
    (NEW, 1168): ("NOC", "Con", None, "plurality", "seats"),
    (NEW, 163): ("NOC", "Ind", None, "plurality", "seats"),
    (NEW, 206): ("NOC", None, None, "plurality", "seats"),  # Lab and other 17 each
    (OLD, 7846): ("NOC", "Lab", "Lab", "minority", "seats"),
    (OLD, 14847): ("Con", "Con", "Con", "majority", "seats"),
    (OLD, 7193): ("Ind", "Ind", "Ind", "majority", "label"),  # the seats a slip: label kept
}


@pytest.mark.shared_data
@pytest.mark.parametrize(("file", "row"), sorted(SEAT_CHECKED))
def test_labels_the_seats_contradict_are_read_from_the_seats(history, file, row):
    data = history.data
    mine = data[data["file"].str.endswith(file) & (data.index == row)]
    columns = ["control", "largest_party", "administration", "administration_kind"]
    got = tuple(None if pd.isna(v) else v for v in mine[columns].iloc[0])
    assert (*got, mine["control_basis"].iloc[0]) == SEAT_CHECKED[(file, row)]


@pytest.mark.shared_data
def test_changes_where_the_seats_contradict_the_label(history):
    changes = control_changes(history.data)

    def of(key, first, last):
        mine = changes[(changes["council_key"] == key) & changes["year"].between(first, last)]
        return list(mine[["year", "from_control", "to_control"]].itertuples(False, None))

    # Thanet: UKIP 2015-17 by the seats, NOC from 2018 (not UKIP -> Ind in 2016, Ind ->
    # NOC in 2019); Con 1973-86 (not Con -> Ind in 1983)
    assert of("E07000114", 2014, 2020) == [(2015, "NOC", "UKIP"), (2018, "UKIP", "NOC")]
    assert of("E07000114", 1980, 1990) == [(1987, "Con", "NOC")]
    # Havering: NOC throughout 2015-19 (not NOC -> Ind in 2016, Ind -> NOC in 2018)
    assert of("E09000016", 2015, 2019) == []
    # Mansfield: Lab -> NOC in 2016 (not Lab -> Ind, then Ind -> NOC in 2017)
    assert of("E07000174", 2014, 2018) == [(2016, "Lab", "NOC")]
    # Pembrokeshire stays Ind through 1999 (its seats that year are a slip)
    assert of("W06000009", 1996, 2002) == []
    notes = "\n".join(history.notes)
    assert "another party holds more than half of the seats, so controls, on 6 rows" in notes
    assert "Thanet 2016 (label 'Other'; Ind 2 of 56, UKIP 30 of 56)" in notes
    assert "no party holds more than half of the seats on 20 rows (10 with exactly half" in notes
    assert "the file reads 701 of the 711 rows where a party holds exactly half as NOC" in notes
    for said in (
        "Havering 2016 (label 'Other'; Ind 24 of 54)",
        "Mansfield 2016 (label 'Other'; Ind 17 of 36)",
        "Medway 1997 (label 'Lab'; Lab 39 of 80)",
        "2 rows kept as the label says",
        "Pembrokeshire 1999 (label 'Ind'; Ind 3 of 60, Nat 39 of 60)",
        "East Northamptonshire 1995 (label 'Lab'; Lab 5 of 16, Con 9 of 16)",
    ):
        assert said in notes
    # councils without a nation are counted in the notes, their Nat rows too
    assert "153 councils (3,759 rows) have no nation" in notes
    assert "16 rows of them keep 'Nat'" in notes


def test_a_label_the_seats_contradict_in_a_small_file(tmp_path):
    path = _write(
        tmp_path / "mine.csv",
        HEADER
        + "Barnet,2019,63,40,23,0,0,Con\n"
        + "Barnet,2020,63,30,23,0,10,Con\n"  # Con 30 of 63: NOC, Con the administration
        + "Barnet,2021,63,20,40,0,3,Con\n"  # Lab 40 of 63, as in 2022: Lab control
        + "Barnet,2022,63,20,40,0,3,Lab\n"
        + "Camden,2020,54,,,,,Lab\n",  # no seats: the label stands
    )
    result = _read(path)
    data = result.data.set_index(["council", "year"])
    columns = ["control", "largest_party", "administration", "administration_kind"]
    assert data.loc[("Barnet", 2020), columns].tolist() == ["NOC", "Con", "Con", "minority"]
    assert data.loc[("Barnet", 2021), columns].tolist() == ["Lab", "Lab", "Lab", "majority"]
    assert data["control_basis"].tolist() == ["label", "seats", "seats", "label", "label"]
    assert data.loc[("Camden", 2020), "control"] == "Lab"
    assert any("Barnet 2020 (label 'Con'; Con 30 of 63)" in n for n in result.notes)
    assert control_changes(result.data)[["year", "kind"]].values.tolist() == [
        [2020, "to NOC"],
        [2021, "from NOC"],
    ]


# --------------------------------------------------------------------------- bad input

HEADER = "authority,year,total,con,lab,ld,other,majority\n"


def test_a_small_file_reads_with_its_rules(tmp_path):
    path = _write(
        tmp_path / "mine.csv",
        HEADER
        + "Barnet,2020,63,25,38,0,0,Lab\n"
        + "Barnet,2021,63,32,29,2,0,Con plurality\n"
        + "Barnet,2022,63,23,40,0,0,LAB\n"
        + "Barnet,2023,63,23,30,0,10,LAB min\n",
    )
    result = _read(path)
    assert (result.n_read, result.n_quarantined) == (4, 0)
    data = result.data
    assert data["control"].tolist() == ["Lab", "NOC", "Lab", "NOC"]
    assert data["largest_party"].tolist() == ["Lab", "Con", "Lab", "Lab"]
    assert data["control_basis"].tolist() == ["label", "label", "seats", "seats"]
    assert data["administration_kind"].tolist() == ["majority", "plurality", "majority", "minority"]
    assert set(data["council_code"]) == {"E09000003"}
    assert data.index.tolist() == [2, 3, 4, 5]  # rows as a spreadsheet numbers them
    changes = control_changes(data)
    assert changes[["year", "kind"]].values.tolist() == [
        [2021, "to NOC"],
        [2022, "from NOC"],
        [2023, "to NOC"],
    ]


def test_missing_column_is_an_error_with_the_fix(tmp_path):
    path = _write(tmp_path / "c.csv", "authority,year,control\nBarnet,2020,Lab\n")
    with pytest.raises(InputError, match="'majority' not found") as err:
        _read(path)
    assert "pass columns={'majority': " in str(err.value)
    # and columns= fixes it
    result = _read(path, columns={"majority": "control"})
    assert result.data["control"].tolist() == ["Lab"]


def test_bad_cells_are_quarantined_with_reasons(tmp_path):
    path = _write(
        tmp_path / "bad.csv",
        HEADER
        + "Barnet,2020,63,25,38,0,0,Labor\n"  # unknown label
        + "Barnet,20x1,63,25,38,0,0,Lab\n"  # year not a number
        + ",2022,63,25,38,0,0,Lab\n"  # no name
        + "Barnet,2023,63,-1,38,0,0,Lab\n"  # negative seats
        + "Barnet,1850,63,25,38,0,0,Lab\n"  # year out of range
        + "Barnet,2024,63,25,38,0,0,Lab\n",  # fine
    )
    with pytest.warns(UserWarning, match="5 of 6 rows quarantined"):
        result = read_control_history(path)
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (6, 1, 5)
    q = result.quarantine.set_index("row")
    assert q.at[2, "problem"] == "unknown majority labels"
    assert "'Labor' is not a party coprod knows" in q.at[2, "reason"]
    assert "parties={'Labor': '<party code>'}" in q.at[2, "reason"]
    assert q.at[3, "column"] == "year" and q.at[4, "problem"] == "blank but required"
    assert (
        q.at[5, "problem"] == "negative seats" and q.at[6, "problem"] == "years outside 1900-2100"
    )
    # parties= adds the spelling
    fixed = _read(path, parties={"Labor": "Lab"})
    assert fixed.n_quarantined == 4 and 2 in fixed.data.index
    with pytest.raises(InputError, match="not a party code"):
        _read(path, parties={"Labor": "Labour Party"})


def test_majority_and_plurality_must_agree(tmp_path):
    path = _write(
        tmp_path / "p.csv",
        "authority,year,majority,plurality\nBarnet,2010,Con,Lab\nBarnet,2011,NOC,Lab plurality\n",
    )
    result = _read(path)
    assert result.quarantine["problem"].tolist() == ["majority and plurality disagree"]
    assert result.data["largest_party"].tolist() == ["Lab"]


def test_two_councils_of_one_name_that_cannot_be_told_apart(tmp_path):
    path = _write(
        tmp_path / "twice.csv",
        HEADER
        + "Newtown,2010,40,20,20,0,0,NOC\n"
        + "Newtown,2011,40,20,20,0,0,NOC\n"
        + "Newtown,2011,40,20,20,0,0,NOC\n",
    )
    result = _read(path)
    assert result.n_quarantined == 2 and result.n_loaded == 1
    assert set(result.quarantine["problem"]) == {"councils that cannot be told apart"}
    assert "'Newtown' has 2 rows in 2011" in result.quarantine["reason"].iloc[0]


def test_two_councils_of_one_name_told_apart_by_their_seats(tmp_path):
    path = _write(
        tmp_path / "two.csv",
        HEADER
        + "Newtown,2010,60,40,20,0,0,Con\n"
        + "Newtown,2010,30,10,20,0,0,Lab\n"
        + "Newtown,2011,30,10,16,0,4,Lab\n"
        + "Newtown,2011,60,25,35,0,0,Lab\n"
        + "Newtown,2012,60,25,35,0,0,Lab\n",
    )
    data = _read(path).data
    assert sorted(data["council_key"].unique()) == ["Newtown", "Newtown [2]"]
    big = data[data["council_key"] == "Newtown"]
    assert big["seats_total"].tolist() == [60, 60, 60]
    assert control_changes(data)[["council_key", "year"]].values.tolist() == [["Newtown", 2011]]


def test_the_same_council_and_year_in_two_files_is_quarantined(tmp_path):
    one = _write(tmp_path / "a.csv", HEADER + "Barnet,2020,63,25,38,0,0,Lab\n")
    two = _write(tmp_path / "b.csv", HEADER + "Barnet,2020,63,25,38,0,0,Lab\n")
    result = _read(one, two)
    assert (result.n_read, result.n_quarantined) == (2, 2)
    assert set(result.quarantine["file"].map(lambda f: f.rsplit("/", 1)[-1])) == {"a.csv", "b.csv"}
    assert "two rows for E09000003 in 2020: also b.csv row 2" in result.quarantine["reason"][0]


def test_a_dataframe_and_a_malformed_gss_code(tmp_path):
    frame = pd.DataFrame(
        {
            "authority": ["Barnet", "Barnet"],
            "year": [2025, 2026],
            "majority": ["LAB", "LAB"],
            "gss": ["", "E0900003"],
        }
    )
    result = _read(frame)
    assert result.n_quarantined == 1
    assert result.quarantine["problem"].tolist() == ["not an ONS GSS code"]
    # without seats, an administration label is read as the label says
    assert result.data["control"].tolist() == ["Lab"]
    assert result.data["control_basis"].tolist() == ["label"]


def test_analysis_functions_check_their_input(tmp_path):
    path = _write(tmp_path / "mine.csv", HEADER + "Barnet,2020,63,25,38,0,0,Lab\n")
    result = _read(path)
    with pytest.raises(TypeError, match="pass result.data"):
        control_changes(result)
    with pytest.raises(KeyError, match="has no column 'council_key'"):
        change_rates(pd.DataFrame({"year": [2020], "control": ["Lab"]}))
    with pytest.raises(ValueError, match="years must be"):
        control_changes(result.data, years=(2020, 2010))
    assert control_changes(result.data).empty
    assert change_rates(result.data)["council_years"].tolist() == [0]


# --------------------------------------------------------------------------- coprod check


def test_coprod_check_kind_control(tmp_path, capsys):
    from coprod.cli import main

    path = _write(
        tmp_path / "c.csv",
        HEADER + "Barnet,2020,63,25,38,0,0,Lab\nBarnet,2021,63,25,38,0,0,Labor\n",
    )
    assert main(["check", str(path), "--kind", "control"]) == 1
    out = capsys.readouterr().out
    assert "(control)" in out and "rows read: 2" in out and "rows quarantined: 1" in out
    assert "unknown majority labels" in out and "Labor" in out
    with pytest.raises(SystemExit, match="--kind control has no date columns"):
        main(["check", str(path), "--kind", "control", "--date-order", "dmy"])


@pytest.mark.shared_data
def test_coprod_check_the_real_folder(shared_data, capsys):
    from coprod.cli import main

    assert main(["check", str(shared_data / "council_control"), "--kind", "control"]) == 0
    out = capsys.readouterr().out
    assert "rows read: 24,576" in out and "rows quarantined: 0" in out
    assert "'Durham' is 2 councils" in out


def test_a_file_with_a_header_only(tmp_path):
    result = _read(_write(tmp_path / "empty.csv", HEADER))
    assert (result.n_read, result.n_loaded) == (0, 0)
    assert list(result.data.columns) == list(CONTROL_COLUMNS)
    assert control_changes(result.data).empty

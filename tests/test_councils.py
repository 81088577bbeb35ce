"""match_councils: one documented matcher of council names and ids to GSS codes."""

from __future__ import annotations

import pandas as pd
import pytest

from coprod.io.councils import (
    MATCH_HOWS,
    council_lookup,
    council_name_key,
    match_council_codes,
    match_councils,
)


def _one(name, **options):
    return match_councils([name], **options).table.iloc[0]


def test_public_name_is_the_one_matcher():
    import coprod.politics

    assert coprod.politics.match_councils is match_councils


@pytest.mark.parametrize(
    ("name", "code", "how"),
    [
        ("Barnsley", "E08000016", "exact name"),  # the PFI list's short names
        ("Brighton and Hove", "E06000043", "exact name"),
        ("barnsley", "E08000016", "exact name"),  # case
        ("  Barnsley  Metropolitan Borough Council", "E08000016", "exact name"),  # spacing
        ("Bristol", "E06000023", "alternative name"),  # the lookup's alt-names
        ("St Helens", "E08000013", "alternative name"),
        ("Bath & North East Somerset", "E06000022", "normalised name"),  # "&" / "and"
        ("Royal Borough of Windsor & Maidenhead", "E06000040", "normalised name"),
        ("The Royal Borough of Kensington and Chelsea", "E09000020", "normalised name"),
        ("Metropolitan Borough of Wirral", "E08000015", "normalised name"),
        ("London Borough of Barnet Council", "E09000003", "normalised name"),
        ("Wirral Metropolitan Borough", "E08000015", "normalised name"),
        ("Westminster City Council", "E09000033", "normalised name"),  # "... City Council"
        ("Ipswich District", "E07000202", "normalised name"),  # "... District"
        ("The City of Edinburgh", "S12000036", "normalised name"),  # "City of"
        ("KINGS LYNN AND WEST NORFOLK COUNCIL", "E07000146", "normalised name"),
    ],
)
def test_each_rule_matches(name, code, how):
    row = _one(name)
    assert (row["council_code"], row["how"]) == (code, how)
    assert row["candidates"] == "" and row["note"] == ""


def test_matched_row_carries_lookup_name_nation_and_type():
    row = _one("Bath & North East Somerset")
    assert row["council"] == "Bath and North East Somerset"
    assert row["local_authority_code"] == "BAS"
    assert row["nation"] == "England"
    assert row["council_type"] == "Unitary authority"


def test_open_council_data_id_comes_first():
    # id 338 is Durham; the name alone would have matched it too, but the id decides
    table = match_councils(["Some other name", "Durham"], ids=["338", 338.0]).table
    assert table["council_code"].tolist() == ["E06000047", "E06000047"]
    assert set(table["how"]) == {"open council data id"}
    assert table["id"].tolist() == ["338", "338"]
    # an id the lookup does not know: matched by name, and the note says so
    row = _one("Buckinghamshire", ids=["413"])
    assert (row["council_code"], row["how"]) == ("E06000060", "exact name")
    assert row["note"] == "Open Council Data id 413 is not in the lookup"


def test_one_normalisation_for_both_sides():
    assert council_name_key("Royal Borough of Windsor & Maidenhead Council") == (
        "windsor and maidenhead"
    )
    assert council_name_key("Bristol, City of") == "bristol"
    assert council_name_key("King's Lynn") == council_name_key("Kings Lynn") == "kings lynn"
    assert council_name_key("Stockton-on-Tees") == "stockton on tees"
    assert council_name_key("Bridgend County Borough Council") == "bridgend"
    assert council_name_key("Buckinghamshire CC") == "buckinghamshire"
    assert council_name_key("County Durham") == "durham"
    assert council_name_key("Ynys Môn") == "ynys mon"
    # never reduced to nothing
    assert council_name_key("City of London") == "london"
    assert council_name_key("Council") == "council"
    assert council_name_key(None) == "" and council_name_key(float("nan")) == ""
    # the lookup's keys are made by the same function
    lookup = council_lookup()
    assert lookup.normalised[council_name_key("Dorset County Council")] == ("DOR", "DST")


def test_ambiguous_name_is_left_unmatched_with_candidates():
    result = match_councils(["Somerset", "Buckinghamshire CC", "Barnsley"])
    table = result.table
    assert table["how"].tolist() == ["ambiguous", "ambiguous", "exact name"]
    assert table["council_code"].isna().tolist() == [True, True, False]
    assert table.at[0, "candidates"] == (
        "Somerset (E06000066, began 2023-04-01); Somerset (E10000027, ended 2023-04-01)"
    )
    assert "E10000002" in table.at[1, "candidates"] and "E06000060" in table.at[1, "candidates"]
    assert result.unmatched == ("Somerset", "Buckinghamshire CC")
    assert result.ambiguous == ("Somerset", "Buckinghamshire CC")
    assert "pass as_of=" in result.summary()


def test_as_of_settles_ambiguous_names():
    table = match_councils(
        ["Somerset", "Somerset", "Buckinghamshire CC", "Buckinghamshire", "North Yorkshire"],
        as_of=["2020-06-01", "2024-06-01", "2018-06-01", "2015-06-01", "1990-06-01"],
    ).table
    assert table["council_code"].tolist() == [
        "E10000027",  # the county council, until 2023
        "E06000066",  # the unitary council, from 2023
        "E10000002",
        "E10000002",  # "Buckinghamshire" is the unitary's name, but in 2015 the county's
        "E10000023",
    ]
    assert table["how"].tolist() == [
        "exact name",
        "exact name",
        "normalised name",
        "normalised name",
        "exact name",
    ]
    # one date for all names
    same = match_councils(["Somerset", "Dorset"], as_of="2010-01-01").table
    assert same["council_code"].tolist() == ["E10000027", "E10000009"]


def test_as_of_never_matches_a_council_not_yet_in_existence():
    # the lookup lists "Rhondda" among the names of Rhondda Cynon Taff, which began in 1996:
    # the Rhondda district of 1974-1996 is another council
    assert _one("Rhondda")["council_code"] == "W06000016"
    row = _one("Rhondda", as_of="1990-06-01")
    assert row["how"] == "unmatched" and pd.isna(row["council_code"])
    assert row["note"] == (
        "the name points at Rhondda Cynon Taff (W06000016, began 1996-04-01), not in existence "
        "on 1990-06-01"
    )


def test_unmatched_names_are_listed_not_guessed():
    result = match_councils(["Caradon", "Glc", "Caradon", "", None, "Barnet"])
    assert result.table["how"].tolist() == ["unmatched"] * 5 + ["exact name"]
    assert result.unmatched == ("Caradon", "Glc")  # distinct, in order; blanks not listed
    assert "2 names match no council" in result.summary()
    assert "'Caradon' and 'Glc'" in result.summary()
    counts = result.get_plot_data()
    assert counts.to_dict("records") == [
        {"how": "exact name", "names": 1, "distinct": 1},
        {"how": "unmatched", "names": 5, "distinct": 3},
    ]
    assert set(counts["how"]) <= set(MATCH_HOWS)


def test_combined_authorities_are_not_councils():
    # the metropolitan county of 1974-1986 must not become today's combined authority
    assert _one("Greater Manchester")["how"] == "unmatched"
    assert "GMCA" not in council_lookup().councils.index


def test_arguments_are_checked():
    with pytest.raises(TypeError, match="not one string"):
        match_councils("Barnsley")
    with pytest.raises(ValueError, match="ids has 1 values but names has 2"):
        match_councils(["Barnsley", "Barnet"], ids=["1"])
    with pytest.raises(ValueError, match="as_of"):
        match_councils(["Barnsley"], as_of="not a date")


def test_match_council_codes_maps_former_codes_to_current():
    table = match_council_codes(["E07000097", "E07000242", "E07000004", "e08000016", "X1"]).table
    assert table["council_code"].tolist()[:4] == [
        "E07000242",
        "E07000242",
        "E07000004",
        "E08000016",
    ]
    assert pd.isna(table.at[4, "council_code"])
    assert table["how"].tolist() == [
        "former gss code",
        "gss code",
        "gss code",  # Aylesbury Vale ended in 2020 but keeps its own code
        "gss code",
        "unmatched",
    ]
    assert table.at[0, "note"] == (
        "E07000097 is a former code of East Hertfordshire (E07000242); now E07000242"
    )


def test_lookup_folder_can_be_given(tmp_path):
    import shutil

    from coprod.datasets import data_dir

    shutil.copy(data_dir() / "la_names_codes" / "uk_local_authorities_future.csv", tmp_path)
    # without the name lookup file "Bristol" is still matched through the alt-names
    row = _one("Bristol", lookup=tmp_path)
    assert row["council_code"] == "E06000023"
    from coprod.io.result import InputError

    with pytest.raises(InputError, match="no uk_local_authorities_future.csv"):
        match_councils(["Bristol"], lookup=tmp_path / "nowhere")

"""Resident initiatives from files from elsewhere: every row loaded or quarantined, dates
read in the order their column settles, kinds only from the vocabulary."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from coprod.io.initiatives import read_initiatives
from coprod.io.result import InputError

US_EXPORT = """Ref,Service,Submitted,Type,Signatures,Title
P-1,Parks and green spaces,03/15/2025 10:05 AM,Petition,412,Save the meadow
P-2,Parks and green spaces,04/02/2025 2:30 PM,neighbourhood plan,,Riverside plan
P-3,Libraries,13/2025,Petition,10,
P-4,Youth clubs,05/20/2025 9:00 AM,Protest,50,March
P-1,Street lighting,06/01/2025 11:15 AM,request,-3,Brighter lanes
P-6,,06/02/2025 11:15 AM,request,3,No service
"""


def _read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_initiatives(path, **options)


def test_a_us_export_is_read_month_first_and_every_row_accounted_for(tmp_path):
    path = tmp_path / "initiatives.csv"
    path.write_text(US_EXPORT, encoding="utf-8")
    result = _read(path, columns={"initiative_id": "Ref", "date": "Submitted", "kind": "Type"})
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (6, 1, 5)
    assert result.data["date"].tolist() == [pd.Timestamp("2025-04-02 14:30")]
    assert result.data["kind"].tolist() == ["community plan"]
    problems = result.quarantine.set_index("row")
    assert problems.loc[4, "problem"] == "dates in no recognised form"
    assert problems.loc[5, "value"] == "Protest"
    assert problems.loc[5, "problem"] == "unknown kind"
    assert "Protest is not a kind of initiative" in problems.loc[5, "reason"]
    assert problems.loc[7, "problem"] == "blank but required"
    by_row = result.quarantine.groupby("row")["problem"].apply(set).to_dict()
    assert by_row[6] == {"duplicate initiative_id", "signatures below zero"}
    assert by_row[2] == {"duplicate initiative_id"}
    assert any("month first" in note for note in result.notes)


def test_a_uk_spreadsheet_with_a_title_row_and_no_id(tmp_path):
    path = tmp_path / "initiatives.xlsx"
    table = pd.DataFrame(
        {
            "Service": ["Street lighting", "Street lighting", "Libraries"],
            "Date": ["12/09/2024", "05/11/2024", "25/10/2024"],
            "Kind": ["E-petition", "Deputation", "Community action plan"],
        }
    )
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Resident initiatives 2024"]]).to_excel(
            writer, index=False, header=False, startrow=0
        )
        table.to_excel(writer, index=False, startrow=1)
    result = _read(path, skip_rows=1)
    assert (result.n_read, result.n_loaded) == (3, 3)
    assert result.data["date"].tolist() == [
        pd.Timestamp("2024-09-12"),
        pd.Timestamp("2024-11-05"),
        pd.Timestamp("2024-10-25"),
    ]
    assert result.data["kind"].tolist() == ["petition", "request", "community plan"]
    assert "initiative_id" not in result.data


def test_a_missing_column_is_named_with_the_fix(tmp_path):
    path = tmp_path / "no_kind.csv"
    path.write_text("service,date\nLibraries,2024-10-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="kind"):
        read_initiatives(path)


def test_coprod_check_reads_initiatives(tmp_path, capsys):
    from coprod.cli import main

    path = tmp_path / "initiatives.csv"
    path.write_text(US_EXPORT, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(
            [
                "check",
                str(path),
                "--kind",
                "initiatives",
                "--column",
                "initiative_id=Ref",
                "--column",
                "date=Submitted",
                "--column",
                "kind=Type",
            ]
        )
    assert code == 1
    out = capsys.readouterr().out
    assert "rows quarantined: 5" in out and "unknown kind" in out
    with pytest.raises(SystemExit, match="--kind initiatives takes"):
        main(["check", str(path), "--kind", "initiatives", "--as-of", "2024-12-31"])


def test_a_windows_1252_export_is_read_with_its_accents_and_every_row_kept(tmp_path):
    path = tmp_path / "initiatives_cp1252.csv"
    text = (
        "service,date,kind,title\n"
        "Parks and green spaces,12 Sep 2024,petition,Café in the park\n"
        "Libraries,3 Oct 2024,Community plan,Réading room\n"
    )
    path.write_bytes(text.encode("cp1252"))
    result = _read(path)
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (2, 2, 0)
    assert result.data["title"].tolist() == ["Café in the park", "Réading room"]
    assert result.data["date"].tolist() == [pd.Timestamp("2024-09-12"), pd.Timestamp("2024-10-03")]
    assert result.data["kind"].tolist() == ["petition", "community plan"]

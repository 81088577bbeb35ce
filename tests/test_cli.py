"""The coprod command: datasets, check and run."""

from __future__ import annotations

import subprocess
import sys

from coprod.cli import main


def test_datasets_lists_rows_and_licences(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "services_survey" in out and "18000" in out and "CC0" in out
    assert "toronto_engagement" in out and "Open Government Licence" in out


def test_check_clean_file(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text("respondent_id,service,planning,delivery\nR1,Parks,professionals,community\n")
    assert main(["check", str(path), "--kind", "survey"]) == 0
    out = capsys.readouterr().out
    assert "rows read: 1" in out and "rows quarantined: 0" in out


def test_check_reports_quarantine_and_exits_1(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text(
        "ID,Service,Who plans,Who delivers\n"
        "R1,Parks,professionals,community\n"
        "R2,Parks,Profesionals,community\n"
    )
    code = main(
        [
            "check",
            str(path),
            "--kind",
            "survey",
            "--column",
            "respondent_id=ID",
            "--column",
            "service=Service",
            "--column",
            "planning=Who plans",
            "--column",
            "delivery=Who delivers",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "rows read: 2" in out and "rows loaded: 1" in out and "rows quarantined: 1" in out
    assert "Profesionals" in out and "Who plans" in out


def test_check_missing_column_exits_2_with_fix(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text("respondent_id,service,Who plans,delivery\nR1,Parks,professionals,community\n")
    assert main(["check", str(path), "--kind", "survey"]) == 2
    err = capsys.readouterr().err
    assert "s.csv" in err and "planning" in err and "Who plans" in err


def test_module_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "coprod", "datasets"], capture_output=True, text=True, check=True
    )
    assert "services_survey" in out.stdout


def test_check_complaints_kind(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text(
        "complaint_id,service,received,severity,closed\n"
        "C1,Parks,03/04/2024,low,10/04/2024\n"
        "C2,Parks,05/04/2024,Critical,\n"
        "C3,Parks,09/04/2024,high,01/04/2024\n"
    )
    code = main(["check", str(path), "--kind", "complaints"])
    out = capsys.readouterr().out
    assert code == 1
    assert "rows read: 3" in out and "rows loaded: 1" in out and "rows quarantined: 2" in out
    assert "Critical" in out and "before" in out


def test_check_report_counts_folder(repo_root, capsys):
    code = main(
        [
            "check",
            str(repo_root / "coprod" / "data" / "fixmystreet_extract"),
            "--kind",
            "report_counts",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "rows read: 892" in out

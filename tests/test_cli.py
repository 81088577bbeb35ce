"""The coprod command: datasets, check and run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coprod.cli import main
from coprod.synth import write_complaint_export


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


@pytest.mark.parametrize(
    ("style", "said"),
    [
        ("us_minutes", "column 'received': read month first: values such as '1/13/2014 5:08'"),
        ("month_name", "column 'received': dates with month names, such as"),
        ("us_ampm", "column 'received': read month first: values such as '01/13/2014 05:08:08 AM'"),
    ],
)
def test_check_reads_311_style_export_dates(tmp_path, capsys, style, said):
    export = write_complaint_export(tmp_path / "log.csv", date_style=style)
    code = main(["check", str(export.path), "--kind", "complaints"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"rows loaded: {len(export.truth):,}" in out and "rows quarantined: 0" in out
    assert said in out


def test_check_date_errors_name_the_flags(tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "complaint_id,service,received\nC1,Parks,3/26/2014 9:18\nC2,Parks,26/03/2014 9:18\n"
    )
    assert main(["check", str(path), "--kind", "complaints"]) == 2
    err = capsys.readouterr().err
    assert "can only be day/month, such as '26/03/2014 9:18' (row 3)" in err
    assert "with --date-order dmy or --date-order mdy" in err and "date_order=" not in err
    # told the order: the dates impossible in it are quarantined, naming the flag
    assert main(["check", str(path), "--kind", "complaints", "--date-order", "mdy"]) == 1
    out = " ".join(capsys.readouterr().out.split())  # as one line: summaries wrap
    assert "1 row, column 'received': dates that cannot be month first" in out
    assert "read month first as asked (--date-order mdy), though values such as" in out
    assert "date_order=" not in out


def test_check_date_format_flag(tmp_path, capsys):
    export = write_complaint_export(tmp_path / "log.csv", date_style="month_name")
    flags = ["--date-format", "%Y-%b-%d %H:%M:%S"]
    assert main(["check", str(export.path), "--kind", "complaints", *flags]) == 0
    path = tmp_path / "other.csv"
    path.write_text("complaint_id,service,received\nC1,Parks,14/01/2014\n")
    assert main(["check", str(path), "--kind", "complaints", *flags]) == 1
    out = capsys.readouterr().out
    assert "dates not in the formats given" in out and "does not match --date-format" in out
    assert main(["check", str(path), "--kind", "complaints", "--date-format", "%d/%m/%y"]) == 2
    assert "has a 2-digit year (%y)" in capsys.readouterr().err


def test_check_refuses_date_flags_for_kinds_without_dates(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("respondent_id,service,planning,delivery\nR1,Parks,professionals,community\n")
    with pytest.raises(
        SystemExit, match="--kind survey has no date columns: --date-order not used"
    ):
        main(["check", str(path), "--kind", "survey", "--date-order", "mdy"])


def test_check_takes_title_rows_kept_columns_and_the_extract_date(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        "Complaints export\nprinted 2024-07-01\n"
        "complaint_id,service,received,Ward\n"
        "C1,Roads,01/02/2024,W1\nC2,Roads,13/07/2024,W2\n",
        encoding="utf-8",
    )
    flags = ["--kind", "complaints", "--skip-rows", "2", "--keep", "Ward", "--as-of", "2024-06-30"]
    code = main(["check", str(path), *flags])
    out = capsys.readouterr().out
    assert code == 1  # C2 is after the extract date
    assert "rows read: 2" in out and "rows quarantined: 1" in out
    assert "is in the future (as of 30/06/2024)" in out
    with pytest.raises(SystemExit, match="--as-of not used"):
        main(["check", str(path), "--kind", "survey", "--as-of", "2024-06-30"])


def test_check_a_complaint_log_out_of_core_with_progress_on_stderr(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text(
        "complaint_id,service,received,severity,closed\n"
        "C1,Parks,03/04/2024,low,10/04/2024\n"
        "C2,Parks,05/04/2024,Critical,\n"
        "C3,Parks,09/04/2024,high,01/04/2024\n"
    )
    assert main(["check", str(path), "--kind", "complaints", "--as-of", "2024-12-31"]) == 1
    in_memory = capsys.readouterr()
    store = tmp_path / "store"
    args = ["check", str(path), "--kind", "complaints", "--as-of", "2024-12-31"]
    assert main([*args, "--engine", "duckdb", "--store", str(store)]) == 1
    out_of_core = capsys.readouterr()
    assert out_of_core.out == in_memory.out  # the same summary and problems
    assert "reading log.csv ..." in out_of_core.err
    assert "done: 3 rows read, 2 quarantined" in out_of_core.err
    assert (store / "data.parquet").exists() and (store / "quarantine.parquet").exists()


def test_check_refuses_an_engine_for_kinds_read_in_memory(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("respondent_id\nR1\n")
    with pytest.raises(SystemExit, match="--kind survey is read in memory: --engine and --store"):
        main(["check", str(path), "--kind", "survey", "--engine", "duckdb"])

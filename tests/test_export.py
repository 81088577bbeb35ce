"""coprod.export: the one place that writes files; suppression, privacy, formula safety."""

from __future__ import annotations

import csv

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from coprod.export import (
    SUPPRESSED,
    PersonalDataError,
    export_table,
    personal_columns,
    prepare_table,
    save_figure,
)


def test_save_figure_writes_each_format_under_figures(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    paths = save_figure(ax, "demo_chart", directory=tmp_path, formats=("png", "svg"))
    assert [p.name for p in paths] == ["demo_chart.png", "demo_chart.svg"]
    assert all(p.parent == tmp_path / "figures" and p.stat().st_size > 0 for p in paths)


def test_save_figure_is_reproducible_svg(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    first = save_figure(fig, "same", directory=tmp_path, formats=("svg",))[0].read_bytes()
    second = save_figure(fig, "same", directory=tmp_path, formats=("svg",))[0].read_bytes()
    assert first == second


def test_save_figure_uses_env_output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COPROD_OUTPUT_DIR", str(tmp_path / "out"))
    fig, _ = plt.subplots()
    (path,) = save_figure(fig, "env_chart", formats=("png",))
    assert path == tmp_path / "out" / "figures" / "env_chart.png"


def test_save_figure_rejects_path_like_names(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="plain file stem"):
        save_figure(fig, "../escape", directory=tmp_path)


def test_formula_cells_are_defused_in_csv(tmp_path):
    table = pd.DataFrame(
        {
            "service": ['=HYPERLINK("x")', "+cmd", "-1+1", "@SUM(A1)", "Parks"],
            "count": [1, 2, 3, 4, -5],
        }
    )
    path = export_table(table, tmp_path / "t.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["service", "count"]
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("x")', "'+cmd", "'-1+1", "'@SUM(A1)", "Parks"]
    assert rows[5][1] == "-5"  # a real negative number stays a number


def test_small_counts_suppressed_with_derived_columns():
    table = pd.DataFrame(
        {"service": ["A", "B", "C", "D"], "complaints": [0, 3, 12, 5], "rate": [0.0, 0.3, 1.2, 0.5]}
    )
    out = prepare_table(
        table, suppress_below=5, count_columns=["complaints"], also_suppress=["rate"]
    )
    assert out["complaints"].tolist() == [0, SUPPRESSED, 12, 5]
    assert out["rate"].tolist() == [0.0, SUPPRESSED, 1.2, 0.5]


def test_suppression_needs_count_columns():
    with pytest.raises(ValueError, match="count_columns"):
        prepare_table(pd.DataFrame({"n": [1]}), suppress_below=5)


def test_personal_columns_refused_unless_allowed(tmp_path):
    table = pd.DataFrame(
        {
            "service": ["Parks", "Libraries"],
            "complainant_name": ["A Person", "B Person"],
            "details": ["x", "y"],
            "what_happened": [
                "the bin was not collected on time again",
                "the library shut early today",
            ],
        }
    )
    assert personal_columns(table) == ["complainant_name", "details", "what_happened"]
    with pytest.raises(PersonalDataError, match="complainant_name") as info:
        export_table(table, tmp_path / "t.csv")
    assert "allow_personal" in str(info.value)
    assert not (tmp_path / "t.csv").exists()
    path = export_table(
        table.drop(columns=["complainant_name", "details"]),
        tmp_path / "t.csv",
        allow_personal=["what_happened"],
    )
    assert path.exists()


def test_declared_personal_columns_via_attrs():
    table = pd.DataFrame({"code": ["X1"]})
    table.attrs["personal_columns"] = ["code"]
    assert personal_columns(table) == ["code"]


def test_relative_path_goes_under_output_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("COPROD_OUTPUT_DIR", str(tmp_path))
    path = export_table(pd.DataFrame({"n": [1]}), "counts.xlsx")
    assert path == tmp_path / "tables" / "counts.xlsx"
    assert pd.read_excel(path, engine="openpyxl")["n"].tolist() == [1]


def test_unknown_suffix_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        export_table(pd.DataFrame({"n": [1]}), tmp_path / "t.json")


def test_index_labels_are_defused_when_written(tmp_path):
    table = pd.DataFrame({"x": ["=1+1", "@SUM(A1)"], "count": [2, 10]}).set_index("x")
    path = export_table(table, tmp_path / "t.csv", index=True)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [["x", "count"], ["'=1+1", "2"], ["'@SUM(A1)", "10"]]


def test_personal_names_in_any_spelling_and_generated_text_allowed():
    table = pd.DataFrame(
        {
            "EmailAddress": ["a"],
            "contactEmail": ["b"],
            "e-mail": ["c"],
            "full-name": ["d"],
            "Tel": ["e"],
            "service": ["Parks"],
        }
    )
    assert personal_columns(table) == ["EmailAddress", "contactEmail", "e-mail", "full-name", "Tel"]
    repeated = pd.DataFrame({"rule": ["run of 7 above centre"] * 5 + ["outside the limits now"]})
    assert personal_columns(repeated) == []  # repeated labels are not people's words
    generated = pd.DataFrame(
        {"reason": ["Consider co-planning: the number rose", "No change here"]}
    )
    generated.attrs["generated_text"] = ("reason",)
    assert personal_columns(generated) == []


def test_export_table_writes_secondary_cells_and_rounded_shares(tmp_path):
    # one service-month, total 23: the 3 alone would follow from the 20 and the total
    table = pd.DataFrame(
        {
            "service": ["Parks"] * 3,
            "period": ["2024-01"] * 3,
            "level": ["stage 1", "stage 2", "ombudsman"],
            "count": [20, 3, 0],
            "share": [20 / 23, 3 / 23, 0.0],
        }
    )
    other = table.assign(period="2024-02", count=[40, 6, 0], share=[40 / 46, 6 / 46, 0.0])
    path = export_table(
        pd.concat([table, other], ignore_index=True),
        tmp_path / "stages.csv",
        suppress_below=5,
        count_columns=["count"],
        by=["service", "period"],
        shares=["share"],
    )
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert [row[3:] for row in rows] == [
        ["count", "share"],
        [SUPPRESSED, SUPPRESSED],
        [SUPPRESSED, SUPPRESSED],
        ["0", SUPPRESSED],
        ["40", "0.87"],
        ["6", "0.13"],
        ["0", "0.0"],
    ]

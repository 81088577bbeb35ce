"""coprod.export: the one place that writes files; suppression, privacy, formula safety."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import coprod
from coprod.charts._style import GID_SOURCE, draw_source_note
from coprod.export import (
    SUPPRESSED,
    MissingAltTextWarning,
    PersonalDataError,
    SavedFigure,
    export_table,
    output_dir,
    personal_columns,
    prepare_table,
    run_date,
    save_figure,
)
from coprod.provenance import Source, dataset_source
from coprod.style import text_sizes


def _chart(title="Complaints rose in 2023"):
    fig, ax = plt.subplots(figsize=(6.3, 4), layout="constrained")
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_title(title)
    ax.set_xlabel("Year")
    return fig, ax


def test_save_figure_writes_each_format_its_data_and_sidecar(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    fig, ax = _chart()
    draw_source_note(ax, dataset_source("fixmystreet_extract"))
    data = pd.DataFrame({"service": ["Parks", "Libraries"], "count": [12, 30]})
    saved = save_figure(ax, "demo_chart", directory=tmp_path, data=data, alt_text="Rose.")
    folder = tmp_path / "figures"
    assert saved == SavedFigure(
        name="demo_chart",
        files={fmt: folder / f"demo_chart.{fmt}" for fmt in ("png", "svg", "pdf")},
        data=folder / "demo_chart.csv",
        sidecar=folder / "demo_chart.json",
    )
    assert all(p.stat().st_size > 0 for p in saved.paths) and len(saved.paths) == 5
    assert saved.files["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert saved.files["svg"].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert saved.files["pdf"].read_bytes().startswith(b"%PDF")
    from PIL import Image

    with Image.open(saved.files["png"]) as png:
        assert [round(d) for d in png.info["dpi"]] == [300, 300]
    pd.testing.assert_frame_equal(pd.read_csv(saved.data, encoding="utf-8-sig"), data)
    meta = json.loads(saved.sidecar.read_text(encoding="utf-8"))
    sizes = text_sizes(fig)
    assert meta == {
        "name": "demo_chart",
        "title": "Complaints rose in 2023",
        "alt_text": "Rose.",
        "source": "Contains FixMyStreet data from mySociety, ODC-By 1.0",
        "licence": "Open Data Commons Attribution License (ODC-By) 1.0",
        "url": "https://github.com/mysociety/fms_geographic_data",
        "synthetic": False,
        "date": "2023-11-14",
        "coprod_version": coprod.__version__,
        "files": {f: f"demo_chart.{f}" for f in ("png", "svg", "pdf", "csv")},
        "smallest_text_pt": round(float(sizes["printed_pt"].min()), 2),
        "width_cm": 16.0,
    }
    plt.close(fig)


def test_the_csv_keeps_the_privacy_rules_of_tables(tmp_path):
    fig, ax = _chart()
    data = pd.DataFrame({"service": ["A", "B", "C"], "count": [3, 12, 40]})
    saved = save_figure(
        ax,
        "small",
        directory=tmp_path,
        data=data,
        alt_text="x",
        suppress_below=5,
        count_columns=["count"],
    )
    assert pd.read_csv(saved.data, encoding="utf-8-sig")["count"].tolist() == ["[c]", "12", "40"]
    personal = data.assign(complainant_name=["P", "Q", "R"])
    with pytest.raises(PersonalDataError, match="complainant_name"):
        save_figure(ax, "named", directory=tmp_path, data=personal, alt_text="x")
    assert not list((tmp_path / "figures").glob("named.*"))  # refused before writing anything
    plt.close(fig)


def test_a_chart_data_table_with_an_index_and_column_levels_is_flattened(tmp_path):
    fig, ax = _chart()
    columns = pd.MultiIndex.from_tuples([("co-planning", "community"), ("community", "community")])
    wide = pd.DataFrame([[0.25, 0.75]], index=pd.Index(["Parks"], name="service"), columns=columns)
    saved = save_figure(ax, "wide", directory=tmp_path, data=wide, alt_text="x")
    assert saved.data.read_text(encoding="utf-8-sig").splitlines() == [
        "service,co-planning / community,community / community",
        "Parks,0.25,0.75",
    ]
    plt.close(fig)


def test_the_title_comes_from_the_chart_or_its_suptitle_and_can_be_given(tmp_path):
    fig, ax = _chart(title="")
    ax.set_title("Left-aligned finding", loc="left")
    meta = json.loads(save_figure(fig, "a", directory=tmp_path, alt_text="x").sidecar.read_text())
    assert meta["title"] == "Left-aligned finding"
    fig.suptitle("Whole figure")
    meta = json.loads(save_figure(fig, "b", directory=tmp_path, alt_text="x").sidecar.read_text())
    assert meta["title"] == "Whole figure"
    saved = save_figure(fig, "c", directory=tmp_path, alt_text="x", title="Given")
    assert json.loads(saved.sidecar.read_text())["title"] == "Given"
    plt.close(fig)


def test_source_defaults_to_the_chart_note_and_a_given_one_replaces_it(tmp_path):
    fig, ax = _chart()
    saved = save_figure(ax, "none", directory=tmp_path, formats=("svg",), alt_text="x")
    meta = json.loads(saved.sidecar.read_text())
    assert (meta["source"], meta["licence"], meta["url"]) == (None, None, None)
    draw_source_note(ax, "Synthetic data")
    saved = save_figure(ax, "own", directory=tmp_path, formats=("svg",), alt_text="x")
    assert json.loads(saved.sidecar.read_text())["source"] == "Synthetic data"
    given = Source("Council survey 2025", licence="OGL v3.0")
    saved = save_figure(
        ax, "given", directory=tmp_path, formats=("svg",), source=given, alt_text="x"
    )
    meta = json.loads(saved.sidecar.read_text())
    assert (meta["source"], meta["licence"]) == ("Council survey 2025", "OGL v3.0")
    notes = [a.get_text() for a in fig.artists if a.get_gid() == GID_SOURCE]
    assert notes == ["Source: Council survey 2025"]  # the chart says what the sidecar says
    assert "Council survey 2025" in saved.files["svg"].read_text(encoding="utf-8")
    plt.close(fig)


def test_missing_alt_text_warns_naming_the_chart(tmp_path):
    fig, ax = _chart()
    with pytest.warns(MissingAltTextWarning, match="chart 'no_alt' is saved without alt text"):
        saved = save_figure(ax, "no_alt", directory=tmp_path, formats=("png",))
    assert json.loads(saved.sidecar.read_text())["alt_text"] is None
    plt.close(fig)


def test_svg_and_pdf_are_byte_reproducible(tmp_path):
    fig, ax = _chart()
    draw_source_note(ax, "Synthetic data")
    first = save_figure(fig, "same", directory=tmp_path / "1", formats=("svg", "pdf"), alt_text="x")
    second = save_figure(
        fig, "same", directory=tmp_path / "2", formats=("svg", "pdf"), alt_text="x"
    )
    for fmt in ("svg", "pdf"):
        assert first.files[fmt].read_bytes() == second.files[fmt].read_bytes(), fmt
    assert b"CreationDate" not in first.files["pdf"].read_bytes()
    plt.close(fig)


def test_the_run_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert run_date() == date(1970, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH must be whole seconds since"):
        run_date()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert run_date() == datetime.now(tz=UTC).date()


def test_save_figure_uses_env_output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COPROD_OUTPUT_DIR", str(tmp_path / "out"))
    fig, _ = plt.subplots()
    saved = save_figure(fig, "env_chart", formats=("png",), alt_text="x")
    assert saved.files == {"png": tmp_path / "out" / "figures" / "env_chart.png"}
    plt.close(fig)


PROJECT = '[project]\nname = "coprod"\nversion = "0"\n'


@pytest.mark.parametrize("where", ["", "notebooks", "notebooks/answers"])
def test_output_goes_to_the_projects_output_wherever_the_kernel_runs(tmp_path, monkeypatch, where):
    """A kernel runs in its notebook's folder: charts still go to <project>/output."""
    monkeypatch.delenv("COPROD_OUTPUT_DIR", raising=False)
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / where).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / where)
    assert output_dir() == tmp_path.resolve() / "output"
    fig, _ = plt.subplots()
    saved = save_figure(fig, "kernel_chart", formats=("png",), alt_text="x")
    assert saved.files == {"png": tmp_path.resolve() / "output" / "figures" / "kernel_chart.png"}
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("output")] == ["output"]
    # the argument and the variable still come first
    assert output_dir(tmp_path / "given") == tmp_path / "given"
    monkeypatch.setenv("COPROD_OUTPUT_DIR", str(tmp_path / "env"))
    assert output_dir() == tmp_path / "env"


def test_output_outside_a_project_is_the_working_folders(tmp_path, monkeypatch):
    """Another project's pyproject.toml does not count; outside coprod's, ./output."""
    monkeypatch.delenv("COPROD_OUTPUT_DIR", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("not toml [")
    monkeypatch.chdir(tmp_path / "sub")
    assert output_dir() == Path("output")
    monkeypatch.setenv("COPROD_OUTPUT_DIR", "")  # set but empty: as if unset
    assert output_dir() == Path("output")


def test_project_root_is_found_from_any_folder_inside(tmp_path):
    from coprod._core.project import project_root

    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert project_root(tmp_path / "a" / "b") == tmp_path.resolve()
    assert project_root(tmp_path) == tmp_path.resolve()
    assert project_root(tmp_path.parent) is None
    # the repository itself is a coprod project
    assert project_root(Path(__file__).parent) == Path(__file__).resolve().parents[1]


def test_save_figure_rejects_path_like_names_and_unknown_formats(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="plain file stem"):
        save_figure(fig, "../escape", directory=tmp_path)
    with pytest.raises(ValueError, match=r"formats must be some of \['png', 'svg', 'pdf'\]"):
        save_figure(fig, "x", directory=tmp_path, formats=("jpg",))
    with pytest.raises(TypeError, match="save_figure needs a Matplotlib Figure or Axes, got str"):
        save_figure("chart", "x", directory=tmp_path)
    plt.close(fig)


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

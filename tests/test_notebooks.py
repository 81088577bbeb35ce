"""Every notebook executes, teaches (question, data, method, exercises) and stays thin."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from coprod.run import execute_notebook, find_notebooks

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = find_notebooks(NOTEBOOK_DIR)
MAIN = [p for p in NOTEBOOKS if p.parent == NOTEBOOK_DIR]


def _id(path: Path) -> str:
    return path.relative_to(NOTEBOOK_DIR).as_posix()


def test_notebooks_found():
    names = [p.name for p in MAIN]
    assert names[:2] == ["00_tour.py", "01_grid.py"]


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_executes(path, tmp_path):
    run = execute_notebook(path, output_dir=tmp_path)
    assert run.ok, run.error
    assert run.html.exists() and run.html.stat().st_size > 10_000
    # results read as numbers, not as numpy's reprs ("np.float64(44.833333333333336)")
    shown = re.findall(
        r"np\.(?:float|int|uint|bool|str)\w*\(", run.html.read_text(encoding="utf-8")
    )
    assert shown == [], f"a cell shows numpy reprs: {sorted(set(shown))}"
    if path in MAIN and path.name != "00_tour.py":
        assert run.figures, "a worked notebook should export its charts"
        assert all(f.parent == tmp_path / "figures" for f in run.figures)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_is_thin(path):
    """Notebooks import from coprod; they never define analysis functions or classes."""
    notebook = jupytext.read(path)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class)\s", cell.source, re.M), cell.source[:200]
            assert "savefig" not in cell.source and "plt.show" not in cell.source
    assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", MAIN, ids=_id)
def test_notebook_teaches(path):
    """Each states its question, explains the method, and ends with exercises."""
    notebook = jupytext.read(path)
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert markdown and markdown[0].startswith("# "), "open with a title"
    assert re.search(r"\*\*Question", markdown[0]), "state the question up front"
    text = "\n".join(markdown)
    assert re.search(r"^## Exercises", text, re.M), "end with exercises"
    last_heading = re.findall(r"^## (.+)$", text, re.M)[-1]
    assert last_heading.startswith("Exercises")
    answers = NOTEBOOK_DIR / "answers" / path.name
    assert answers.exists(), f"worked answers for {path.name} belong in notebooks/answers/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_every_saved_chart_has_alt_text_and_its_data(path):
    """A chart written for a report carries what a screen-reader user needs, and its data."""
    from notebook_prose import charts

    saved = charts(path.read_text(encoding="utf-8"))
    for chart in saved.values():
        assert chart.alt_text and len(chart.alt_text) > 80, f"{chart.name}: alt_text= missing"
        assert chart.has_data, f"{chart.name}: pass data= (the chart's *_data() table)"
        assert chart.title, f"{chart.name}: give the chart a title that states the finding"

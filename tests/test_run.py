"""The main job's runner: executes notebooks in order, reports failures, records figures."""

from __future__ import annotations

from coprod.run import find_notebooks, run_notebooks

GOOD = """# %% [markdown]
# # A good notebook

# %%
import matplotlib.pyplot as plt
from coprod.export import save_figure
fig, ax = plt.subplots()
ax.plot([0, 1], [0, 1])
save_figure(ax, "good_line", formats=("png",), alt_text="A rising line.")
"""

BAD = """# %%
x = 1

# %%
raise ValueError("planted failure")
"""


def test_find_notebooks_order(tmp_path):
    for name in ["10_b.py", "02_a.py", "answers/02_a.py", "_helper.py"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# %%\n")
    found = [p.relative_to(tmp_path).as_posix() for p in find_notebooks(tmp_path)]
    assert found == ["02_a.py", "10_b.py", "answers/02_a.py"]


def test_find_notebooks_lists_a_paired_notebook_once(tmp_path):
    """The .ipynb JupyterLab keeps beside a .py (its outputs) is not a second notebook; an
    .ipynb of its own is."""
    for name in ["01_a.py", "01_a.ipynb", "02_b.ipynb", "answers/01_a.py", "answers/01_a.ipynb"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# %%\n" if name.endswith(".py") else "{}")
    found = [p.relative_to(tmp_path).as_posix() for p in find_notebooks(tmp_path)]
    assert found == ["01_a.py", "02_b.ipynb", "answers/01_a.py"]


def test_run_reports_each_notebook_and_failure(tmp_path):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    (notebooks / "01_good.py").write_text(GOOD)
    (notebooks / "02_bad.py").write_text(BAD)
    lines = []
    runs = run_notebooks(notebooks, tmp_path / "out", on_done=lambda r: lines.append(r.line()))
    assert [r.notebook.as_posix() for r in runs] == ["01_good.py", "02_bad.py"]
    good, bad = runs
    assert good.ok and [f.name for f in good.figures] == ["good_line.png"]
    assert (tmp_path / "out" / "figures" / "good_line.png").exists()
    assert not bad.ok and "planted failure" in bad.error
    assert bad.html.exists()  # the partial notebook is still written, for reading the error
    assert lines[0].startswith("ok") and lines[1].startswith("FAILED")
    assert lines[0].endswith("1 chart")  # its PNG, not its sidecar, counted once
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<img src="figures/good_line.png" alt="A rising line."' in index
    assert '<a href="notebooks/01_good.html">' in index
    assert '<a href="notebooks/02_bad.html">' in index  # the partial notebook, to read
    assert "1 notebook did not run to the end" in index and "<li>02_bad.py</li>" in index


def test_a_stuck_cell_is_stopped_with_a_clear_message(tmp_path):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    (notebooks / "01_stuck.py").write_text("# %%\nx = 1\n\n# %%\nimport time\ntime.sleep(60)\n")
    (run,) = run_notebooks(notebooks, tmp_path / "out", cell_timeout=3)
    assert not run.ok
    assert run.seconds < 45
    assert run.error == (
        "01_stuck.py: code cell 2 ('import time') was still running after 3 s and was "
        "stopped. If it is slow on purpose, run with a longer limit: "
        "coprod run --cell-timeout SECONDS"
    )


def test_cli_timeout_default_matches_the_runner():
    from coprod import cli, run

    assert cli.CELL_TIMEOUT == run.CELL_TIMEOUT


def test_output_widget_display_is_kept_without_the_mock_widget(tmp_path):
    """The runner drops nbclient's mock Output widget (see execute_notebook); what an
    explorer shows in its Output widget must still reach the notebook's output."""
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    (notebooks / "01_widget.py").write_text(
        "# %%\nimport ipywidgets as w\nfrom IPython.display import display\n"
        "out = w.Output()\nout.clear_output(wait=True)\n"
        "with out:\n    display('shown inside the widget')\nout\n"
    )
    (run,) = run_notebooks(notebooks, tmp_path / "out")
    assert run.ok, run.error
    assert "shown inside the widget" in run.html.read_text()

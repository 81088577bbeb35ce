"""The main job: execute every notebook headless and collect what it wrote.

``coprod run`` (and ``python3 tasks.py run``) calls :func:`run_notebooks`. The test suite
calls :func:`execute_notebook` on each notebook, so the notebooks are executed the same way
in both places. Notebooks are jupytext "percent" ``.py`` files; each is executed with its
own folder as the working directory and ``COPROD_OUTPUT_DIR`` pointing at the output folder,
so :func:`coprod.export.save_figure` writes charts to ``<output>/figures``. Executed
notebooks are written as HTML to ``<output>/notebooks``; after the last one,
:func:`coprod.export.write_index` lists every chart and notebook in ``<output>/index.html``
(naming the notebooks that failed).
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coprod._core.text import plural

__all__ = ["CELL_TIMEOUT", "NotebookRun", "execute_notebook", "find_notebooks", "run_notebooks"]

#: Seconds a notebook cell may run before the runner stops it (the slowest takes ~15 s).
CELL_TIMEOUT = 300.0


@dataclass(frozen=True)
class NotebookRun:
    """What happened when one notebook was executed."""

    notebook: Path
    html: Path | None
    seconds: float
    figures: tuple[Path, ...] = field(default=())
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self) -> str:
        """One progress line in plain words: status, notebook, time, charts saved."""
        status = "ok" if self.ok else "FAILED"
        charts = plural(len({f.stem for f in self.figures}), "chart")
        return f"{status:6} {self.notebook.as_posix():40} {self.seconds:6.1f}s  {charts}"


def find_notebooks(directory: str | os.PathLike = "notebooks") -> list[Path]:
    """Every notebook under ``directory``: numbered ones first, in order, then sub-folders.

    An ``.ipynb`` beside a ``.py`` of the same name is that notebook's paired copy (the
    outputs JupyterLab keeps, see ``jupytext.toml``), not another notebook: only the ``.py``
    is listed.
    """
    directory = Path(directory)
    found = [
        p
        for p in directory.rglob("*")
        if p.suffix in {".py", ".ipynb"}
        and p.is_file()
        and ".ipynb_checkpoints" not in p.parts
        and not p.name.startswith("_")
        and not (p.suffix == ".ipynb" and p.with_suffix(".py").is_file())
    ]
    return sorted(found, key=lambda p: (len(p.relative_to(directory).parts), p.as_posix()))


def execute_notebook(
    path: str | os.PathLike,
    *,
    output_dir: str | os.PathLike = "output",
    html_dir: str | os.PathLike | None = None,
    cell_timeout: float = CELL_TIMEOUT,
) -> NotebookRun:
    """Execute one notebook; write it as HTML; never raise for a failing cell.

    A cell error is returned in :attr:`NotebookRun.error` (the traceback text), so a run of
    many notebooks reports every failure rather than stopping at the first. A cell still
    running after ``cell_timeout`` seconds is stopped and reported as such, naming the cell.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError
    from nbconvert import HTMLExporter

    path = Path(path).resolve()
    output_dir = Path(output_dir).resolve()
    html_dir = Path(html_dir).resolve() if html_dir else output_dir / "notebooks"
    figures_dir = output_dir / "figures"
    before = _snapshot(figures_dir)
    start = time.perf_counter()
    notebook = jupytext.read(path)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # keep inline plots
    env["COPROD_OUTPUT_DIR"] = str(output_dir)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # No mock Output widget: nbclient's mimics a frontend by sending comm messages on the
    # shell channel from its IOPub task while another task polls that socket for the cell's
    # reply. Now and then the poll misses the reply's wake-up and sleeps until the cell
    # timeout, then carries on "ok": the ten-minute stalls at the explorer cells. Without
    # the mock, output sent to an Output widget is recorded as the cell's own output.
    client.widget_registry = {}
    error = None
    html_dir.mkdir(parents=True, exist_ok=True)
    # The kernel's own stderr (start-up chatter, crash reports) goes to a log beside the HTML.
    with open(html_dir / f"{path.stem}.kernel.log", "wb") as kernel_log:
        try:
            client.execute(env=env, stderr=kernel_log)
        except CellTimeoutError:
            error = _timeout_message(notebook, path, cell_timeout)
        except Exception as exc:  # a failing cell: report it, keep the partial notebook
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    seconds = time.perf_counter() - start
    html_path = html_dir / f"{path.stem}.html"
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.from_dict(notebook))
    html_path.write_text(body, encoding="utf-8")
    after = _snapshot(figures_dir)
    written = tuple(sorted(p for p, mtime in after.items() if before.get(p) != mtime))
    return NotebookRun(path, html_path, seconds, written, error)


def _timeout_message(notebook, path: Path, cell_timeout: float) -> str:
    """Which cell was stopped, in words: its number, first line and the limit."""
    code = [c for c in notebook.cells if c.cell_type == "code"]
    started = [c for c in code if c.get("execution_count") is not None or c.get("outputs")]
    cell = started[-1] if started else (code[0] if code else None)
    number = code.index(cell) + 1 if cell is not None else 0
    first = cell.source.strip().splitlines()[0] if cell is not None and cell.source else ""
    return (
        f"{path.name}: code cell {number} ({first!r}) was still running after "
        f"{cell_timeout:g} s and was stopped. If it is slow on purpose, run with a longer "
        "limit: coprod run --cell-timeout SECONDS"
    )


def _snapshot(folder: Path) -> dict[Path, float]:
    """The chart files (images, not their data or sidecars) in ``folder``, with their times."""
    if not folder.is_dir():
        return {}
    return {
        p: p.stat().st_mtime_ns
        for p in folder.iterdir()
        if p.is_file() and p.suffix in _CHART_SUFFIXES
    }


_CHART_SUFFIXES = frozenset({".png", ".svg", ".pdf"})


def run_notebooks(
    notebook_dir: str | os.PathLike = "notebooks",
    output_dir: str | os.PathLike = "output",
    *,
    pattern: str | None = None,
    cell_timeout: float = CELL_TIMEOUT,
    on_done: Callable[[NotebookRun], None] | None = None,
) -> list[NotebookRun]:
    """Execute every notebook in order; call ``on_done`` after each (the CLI prints there);
    then write ``<output_dir>/index.html`` (:func:`coprod.export.write_index`)."""
    from coprod.export import write_index

    notebook_dir = Path(notebook_dir)
    runs = []
    for path in find_notebooks(notebook_dir):
        if pattern and pattern not in path.name:
            continue
        relative = path.relative_to(notebook_dir)
        html_dir = Path(output_dir) / "notebooks" / relative.parent
        run = execute_notebook(
            path, output_dir=output_dir, html_dir=html_dir, cell_timeout=cell_timeout
        )
        run = NotebookRun(relative, run.html, run.seconds, run.figures, run.error)
        runs.append(run)
        if on_done is not None:
            on_done(run)
    write_index(output_dir, failed=[r.notebook.as_posix() for r in runs if not r.ok])
    return runs

"""The notebooks in JupyterLab, in headless Chromium, as a researcher uses them.

A real JupyterLab (the command and settings of ``coprod lab``, on 127.0.0.1 with a token,
its settings and HOME in a temporary folder) serves a fresh git repository of the project's
notebooks. Chromium (Debian's package, driven by Playwright with ``executable_path``, as
Playwright cannot fetch its own browser here) opens the file browser, double-clicks a
notebook (it must open as a notebook), then for every numbered notebook: runs all cells,
checks no cell shows an error or a warning, changes each control of each explorer in turn
and checks its chart changes or a message in words takes its place, checks each explorer
with its controls fits the 1366 x 768 window, saves (git stays clean), reloads the tab and
checks the outputs are still there. Then it opens the index of what the notebooks wrote and
checks every image loads. Kernels and server are shut down whatever happens.

Screenshots for people to look at go to ``output/screenshots/``. ``pytest -k browser``
selects this file. Without a Chromium the test is skipped saying how to get one
(``python3 tasks.py test`` installs Debian's ``chromium`` when it may).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "output" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
#: Debian's Chromium: Playwright drives it with executable_path (it cannot fetch its own).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # as root (CI, containers) Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
RUN_ALL_SECONDS = 900  # the slowest notebook runs in about a minute here
CONTROL_SECONDS = 60  # a new view of an explorer on a busy machine


def _chromium_or_skip() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "no Chromium to drive: install Debian's 'chromium' package (python3 tasks.py test "
            "does it when run as root or with sudo), then run pytest -k browser"
        )
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", timeout: float = 10.0):
    request = urllib.request.Request(
        f"{base}{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(project), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A fresh git repository of the notebooks, as a clone of the project would have them."""
    project = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "jupytext.toml", ".gitignore"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "notebooks",
        project / "notebooks",
        ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__", "output"),
    )
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "x")
    return project


@pytest.fixture(scope="module")
def lab(project, tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token and its settings in a temporary folder."""
    from coprod.lab import lab_command, lab_environment, prepare_lab

    settings = tmp_path_factory.mktemp("lab-settings")
    home = tmp_path_factory.mktemp("home")
    prepare_lab(project, settings_dir=settings)
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, **lab_environment(project, settings_dir=settings), "HOME": str(home)}
    command = lab_command(project, port=port, token=token, open_browser=False)
    command.append("--LabApp.expose_app_in_browser=True")  # the test drives window.jupyterapp
    log = (settings / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _api(base, token, "/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "JupyterLab did not start:\n" + (settings / "lab.log").read_text()
                    ) from None
                time.sleep(0.5)
        yield {"base": base, "token": token, "project": project, "log": settings / "lab.log"}
    finally:
        try:
            for session in _api(base, token, "/api/sessions") or []:
                _api(base, token, f"/api/sessions/{session['id']}", method="DELETE")
            _api(base, token, "/api/shutdown", method="POST")
        except OSError:
            pass
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


# ------------------------------------------------------------------ JupyterLab, by its app

_OPEN = """async (path) => {
  const app = window.jupyterapp;
  const widget = await app.commands.execute('docmanager:open', {path});
  await widget.context.ready;
  await widget.sessionContext.ready;
  return widget.node.classList.contains('jp-NotebookPanel') ? 'notebook' : widget.node.className;
}"""

_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');
  // run-all resolves when the last cell has run
  while (panel.sessionContext.session?.kernel?.status !== 'idle') {
    await new Promise(r => setTimeout(r, 200));
  }
  return panel.content.widgets.length;
}"""

_IDLE = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  while (panel.sessionContext.session?.kernel?.status !== 'idle') {
    await new Promise(r => setTimeout(r, 200));
  }
}"""

_PROBLEMS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const found = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    for (const output of cell.model.outputs.toJSON()) {
      if (output.output_type === 'error') {
        found.push(`cell ${index + 1}: ${output.ename}: ${output.evalue}`);
      } else if (output.output_type === 'stream' && output.name === 'stderr') {
        const text = Array.isArray(output.text) ? output.text.join('') : output.text;
        found.push(`cell ${index + 1} warns: ${text.slice(0, 300)}`);
      }
    }
    if (cell.model.executionCount === null) found.push(`cell ${index + 1} did not run`);
  });
  return found;
}"""

_SAVE = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.save();
  return panel.context.model.dirty;
}"""

_OUTPUTS = """() => {
  // what the notebook holds (its model): a windowed notebook renders only what is near view
  const panel = window.jupyterapp.shell.currentWidget;
  let images = 0, widgets = 0;
  panel.content.widgets.forEach((cell) => {
    if (cell.model.type !== 'code') return;
    for (const output of cell.model.outputs.toJSON()) {
      const data = output.data || {};
      if (data['image/png']) images += 1;
      if (data['application/vnd.jupyter.widget-view+json']) widgets += 1;
    }
  });
  return [images, widgets];
}"""

_SCROLL_TO_WIDGET = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets.find((c) => c.model.type === 'code' &&
    c.model.outputs.toJSON().some((o) => (o.data || {})['application/vnd.jupyter.widget-view+json']));
  await panel.content.scrollToCell(cell);
}"""

_ALL_IMAGES_LOAD = """async () => Promise.all(Array.from(document.images).map(async (img) => {
  img.loading = 'eager';  // the index loads its images lazily, as a reader scrolls
  try { await img.decode(); } catch (e) { return [img.getAttribute('src'), false]; }
  return [img.getAttribute('src'), img.naturalWidth > 0];
}))"""


def _open_notebook(page, lab, name: str) -> None:
    kind = page.evaluate(_OPEN, f"notebooks/{name}")
    assert kind == "notebook", f"{name} opened as {kind}, not as a notebook"


def _wait_for_lab(page, lab) -> None:
    page.goto(f"{lab['base']}/lab?token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=120_000)
    page.evaluate(
        "async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }"
    )


def _output_signature(explorer) -> str:
    """What an explorer's output area shows: its image bytes or its message text."""
    return explorer.locator(".coprod-explorer-output").evaluate(
        """(el) => { const img = el.querySelector('img');
             if (img) return 'img:' + img.src.length + ':' + img.src.slice(-200);
             const msg = el.querySelector('.coprod-explorer-message');
             return msg ? 'msg:' + msg.innerText : 'empty'; }"""
    )


def _wait_for_change(page, explorer, before: str) -> str:
    deadline = time.monotonic() + CONTROL_SECONDS
    while time.monotonic() < deadline:
        now = _output_signature(explorer)
        if now != before and now != "empty":
            return now
        page.wait_for_timeout(200)
    raise AssertionError(f"the explorer's chart did not change (still {before[:60]!r})")


def _exercise_explorer(page, explorer, shot: Path) -> list[str]:
    """Change each control in turn; return what each change showed."""
    shown = []
    explorer.scroll_into_view_if_needed()
    for k in range(explorer.locator("select").count()):
        select = explorer.locator("select").nth(k)
        values = select.evaluate("(s) => Array.from(s.options).map(o => o.value)")
        if len(values) < 2:
            continue
        current = select.evaluate("(s) => s.value")
        before = _output_signature(explorer)
        select.select_option(values[(values.index(current) + 1) % len(values)])
        shown.append(_wait_for_change(page, explorer, before))
    for k in range(explorer.locator("input[type=checkbox]").count()):
        before = _output_signature(explorer)
        explorer.locator("input[type=checkbox]").nth(k).click()
        shown.append(_wait_for_change(page, explorer, before))
    for k in range(explorer.locator(".noUi-handle").count()):
        before = _output_signature(explorer)
        handle = explorer.locator(".noUi-handle").nth(k)
        handle.focus()
        handle.press("ArrowRight")  # one step: one new view
        shown.append(_wait_for_change(page, explorer, before))
    page.evaluate(_IDLE)  # the view shown is the last change's
    explorer.screenshot(path=str(shot))
    return shown


def test_browser_notebooks_in_jupyterlab(lab, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    project = lab["project"]
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console_errors = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    try:
        _wait_for_lab(page, lab)
        # a double-click in the file browser opens a numbered notebook as a notebook
        listing = page.locator(".jp-DirListing-content")
        listing.get_by_text("notebooks", exact=True).dblclick()
        listing.get_by_text(NOTEBOOKS[0], exact=True).dblclick()
        page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell:nth-child(3)", timeout=60_000
        )
        assert page.locator(".jp-FileEditor:visible").count() == 0
        page.screenshot(path=str(SCREENSHOTS / "double_click.png"))
        page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")

        for name in NOTEBOOKS:
            stem = name.removesuffix(".py")
            _open_notebook(page, lab, name)
            n_cells = page.evaluate(_RUN_ALL)
            assert n_cells > 5
            assert page.evaluate(_PROBLEMS) == [], name
            page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"))
            explorers = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .coprod-explorer")
            for k in range(explorers.count()):
                explorer = explorers.nth(k)
                explorer.scroll_into_view_if_needed()
                panel = page.locator(
                    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
                )
                room = panel.evaluate("(el) => el.clientHeight")
                height = explorer.bounding_box()["height"]
                assert height <= room, f"{name}: explorer {k + 1} is {height} px, room {room}"
                shown = _exercise_explorer(
                    page, explorer, SCREENSHOTS / f"{stem}_explorer{k + 1}.png"
                )
                assert shown, f"{name}: explorer {k + 1} has no control to change"
            outputs = page.evaluate(_OUTPUTS)
            assert outputs[1] == explorers.count(), f"{name}: explorers drawn but not held"
            page.evaluate(_SAVE)
            assert _git(project, "status", "--porcelain") == "", f"saving {name} changed git"
            assert (project / "notebooks" / f"{stem}.ipynb").exists()
            # a reload keeps every output (the paired .ipynb, and the widgets' saved state)
            page.reload()
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started")
            page.evaluate("async () => { await window.jupyterapp.restored; }")
            _open_notebook(page, lab, name)
            page.wait_for_timeout(2000)
            assert page.evaluate(_OUTPUTS) == outputs, f"{name}: outputs lost on reload"
            if outputs[1]:  # the explorers draw again from the kernel's widgets
                page.evaluate(_SCROLL_TO_WIDGET)
                page.wait_for_selector(
                    ".jp-NotebookPanel:not(.lm-mod-hidden) .coprod-explorer", timeout=30_000
                )
            page.screenshot(path=str(SCREENSHOTS / f"{stem}_reloaded.png"))
            page.evaluate(_SAVE)
            assert _git(project, "status", "--porcelain") == "", f"saving {name} changed git"
            page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
        assert console_errors == []

        # the index of what the notebooks wrote: every image loads
        from coprod.export import write_index

        index = write_index(project / "output")
        page.goto(index.resolve().as_uri())
        images = page.evaluate(_ALL_IMAGES_LOAD)
        assert images and all(ok for _, ok in images), [src for src, ok in images if not ok]
        page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=False)
    finally:
        context.close()

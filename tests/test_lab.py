"""JupyterLab ready to use: ``coprod lab``'s environment, settings and command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coprod.cli import main
from coprod.lab import (
    JUPYTEXT_VIEWER,
    lab_command,
    lab_environment,
    prepare_lab,
    settings_file,
)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").rglob("*.py"))


# --- the environment ---------------------------------------------------------------------


def test_environment_keeps_everything_inside_the_projects_venv(tmp_path):
    env = lab_environment(tmp_path)
    base = tmp_path.resolve() / ".venv" / "share" / "coprod-lab"
    assert env == {
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "COPROD_OUTPUT_DIR": str(tmp_path.resolve() / "output"),
    }
    assert not (tmp_path / ".venv").exists()  # pure: nothing written


def test_environment_takes_another_settings_folder(tmp_path):
    env = lab_environment(tmp_path / "project", settings_dir=tmp_path / "settings")
    jupyter = {k: v for k, v in env.items() if k != "COPROD_OUTPUT_DIR"}
    assert all(Path(v).parent == (tmp_path / "settings").resolve() for v in jupyter.values())
    assert env["COPROD_OUTPUT_DIR"] == str((tmp_path / "project" / "output").resolve())


def test_environment_names_no_folder_in_the_home(tmp_path):
    home = str(Path.home())
    assert not any(v.startswith(home + os.sep) for v in lab_environment(tmp_path).values())


# --- the settings ------------------------------------------------------------------------


DOCMANAGER = "@jupyterlab/docmanager-extension:plugin"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_prepare_lab_opens_py_files_as_notebooks_and_asks_nothing(tmp_path):
    paths = prepare_lab(tmp_path, settings_dir=tmp_path / "s")
    user = (tmp_path / "s" / "user-settings" / "@jupyterlab").resolve()
    assert paths == [
        user / "docmanager-extension" / "plugin.jupyterlab-settings",
        user / "apputils-extension" / "notification.jupyterlab-settings",
    ]
    assert paths[0] == settings_file(tmp_path, DOCMANAGER, settings_dir=tmp_path / "s")
    assert json.loads(paths[0].read_text()) == {"defaultViewers": {"python": "Jupytext Notebook"}}
    assert json.loads(paths[1].read_text()) == {"fetchNews": "false"}
    # the only files written
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(paths)


def test_prepare_lab_keeps_the_users_settings(tmp_path):
    path = settings_file(tmp_path, DOCMANAGER)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"autosaveInterval": 60, "defaultViewers": {"markdown": "X"}}))
    news = settings_file(tmp_path, NOTIFICATION)
    news.parent.mkdir(parents=True)
    news.write_text(json.dumps({"fetchNews": "true"}))
    prepare_lab(tmp_path)
    assert json.loads(path.read_text()) == {
        "autosaveInterval": 60,
        "defaultViewers": {"python": "Jupytext Notebook", "markdown": "X"},
    }
    assert json.loads(news.read_text()) == {"fetchNews": "true"}
    # already right: not written again; the user's own viewer for python wins
    path.write_text(json.dumps({"defaultViewers": {"python": "Editor"}}))
    before = path.stat().st_mtime_ns, path.read_text()
    prepare_lab(tmp_path)
    assert (path.stat().st_mtime_ns, path.read_text()) == before
    # a file with comments (as the settings editor writes) is the user's: left alone
    path.write_text('{\n  // mine\n  "autosave": false\n}\n')
    prepare_lab(tmp_path)
    assert path.read_text() == '{\n  // mine\n  "autosave": false\n}\n'


def test_the_viewer_is_the_one_installed_jupytext_registers():
    """The default viewer names jupytext's notebook factory, as its lab extension spells it."""
    import jupyterlab_jupytext

    static = Path(jupyterlab_jupytext.__file__).parent / "labextension" / "static"
    if not static.is_dir():  # installed as shared data rather than inside the package
        static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-jupytext"
    bundles = "".join(p.read_text(encoding="utf-8") for p in static.rglob("*.js"))
    assert f'FACTORY="{JUPYTEXT_VIEWER}"' in bundles


# --- the command -------------------------------------------------------------------------


def test_command_roots_the_lab_at_the_project_on_localhost(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert lab_command(tmp_path) == [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={tmp_path.resolve()}",
        "--ip=127.0.0.1",
    ]


def test_command_port_token_and_no_browser(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    command = lab_command(tmp_path, port=8899, token="secret", open_browser=False)
    assert command[5:] == [
        "--ServerApp.port=8899",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=secret",
        "--no-browser",
    ]


@pytest.mark.parametrize(("uid", "allowed"), [(0, True), (1000, False)])
def test_command_allows_root_only_as_root(tmp_path, monkeypatch, uid, allowed):
    monkeypatch.setattr(os, "geteuid", lambda: uid)
    assert ("--allow-root" in lab_command(tmp_path)) is allowed


def test_cli_lab_prepares_and_runs_the_command(tmp_path, monkeypatch, capsys):
    """``coprod lab`` writes the settings, then runs the lab with its environment and the
    arguments it does not know passed on to JupyterLab."""
    ran = {}

    class FakeLab:
        def __init__(self, command, env):
            ran.update(command=command, env=env)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def wait(self):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeLab)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    flags = ["--project", str(tmp_path), "--port", "8899", "--no-browser"]
    code = main(["lab", *flags, "--settings-dir", str(tmp_path / "s"), "--ServerApp.x=1"])
    assert code == 0
    expected = lab_command(tmp_path, port=8899, open_browser=False)
    assert ran["command"] == [*expected, "--ServerApp.x=1"]
    for name, value in lab_environment(tmp_path, settings_dir=tmp_path / "s").items():
        assert ran["env"][name] == value
    assert settings_file(tmp_path, DOCMANAGER, settings_dir=tmp_path / "s").exists()
    assert f"Starting JupyterLab on {tmp_path.resolve()}" in capsys.readouterr().out


def test_cli_refuses_unknown_arguments_outside_lab(capsys):
    with pytest.raises(SystemExit):
        main(["datasets", "--port", "1"])
    assert "unrecognized arguments: --port 1" in capsys.readouterr().err


def test_tasks_lab_runs_coprod_lab_in_the_venv(monkeypatch):
    """``python3 tasks.py lab ...`` is ``.venv/bin/python -m coprod lab ...``."""
    sys.path.insert(0, str(REPO))
    try:
        import tasks
    finally:
        sys.path.remove(str(REPO))
    ran = {}

    class FakeProcess:
        def __init__(self, command, cwd, env):
            ran.update(command=command, cwd=cwd)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def wait(self):
            return 3

    monkeypatch.setattr(tasks, "ensure_environment", lambda: Path("/venv/bin/python"))
    monkeypatch.setattr(tasks.subprocess, "Popen", FakeProcess)
    assert tasks.main(["lab", "--port", "8899"]) == 3
    assert ran == {
        "command": ["/venv/bin/python", "-m", "coprod", "lab", "--port", "8899"],
        "cwd": tasks.ROOT,
    }
    assert "python3 tasks.py lab" in tasks.__doc__


def test_lab_module_is_stdlib_only():
    heavy = ("pandas", "jupyterlab", "jupytext", "jupyter_server")
    code = f"import coprod.lab, sys; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the notebooks' headers --------------------------------------------------------------

#: What jupytext writes at the top of a notebook under jupytext.toml: the language only.
HEADER = "# ---\n# jupyter:\n#   language_info:\n#     name: python\n# ---\n\n# %%"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_notebook_headers_hold_nothing_that_varies(path):
    """No jupytext version, format version or kernel display name: the same on every machine,
    and the language that lets JupyterLab start the kernel without asking."""
    import jupytext

    assert path.read_text(encoding="utf-8").startswith(HEADER)
    metadata = jupytext.read(path).metadata
    assert metadata["language_info"] == {"name": "python"} and "kernelspec" not in metadata


# --- saving prints nothing ---------------------------------------------------------------

#: coprod.export's functions that write files and return what they wrote.
WRITERS = {"save_figure", "export_table", "write_index"}


def _bare_writer_calls(source: str) -> list[str]:
    """The writer called by a cell's last statement when it is a bare call, whose value
    Jupyter would print under the cell (a SavedFigure, a list of paths)."""
    import ast

    body = ast.parse(source).body
    if not body or not isinstance(body[-1], ast.Expr) or not isinstance(body[-1].value, ast.Call):
        return []
    func = body[-1].value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return [name] if name in WRITERS else []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_cell_ends_with_a_bare_save(path):
    import jupytext

    cells = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
    bare = [
        f"code cell {n} ({c.source.strip().splitlines()[0]!r}) ends with a bare {writer}(): "
        "assign it (saved = ...) so the cell does not print it"
        for n, c in enumerate(cells, 1)
        for writer in _bare_writer_calls(c.source)
    ]
    assert bare == []


def test_the_bare_save_check_catches_one():
    assert _bare_writer_calls("ax = plot(x)\nsave_figure(ax, 'a')") == ["save_figure"]
    assert _bare_writer_calls("export.export_table(t, 'a.csv')\n") == ["export_table"]
    assert _bare_writer_calls("saved = save_figure(ax, 'a')") == []
    assert _bare_writer_calls("save_figure(ax, 'a')\nprint(1)") == []
    assert _bare_writer_calls("with context():\n    save_figure(ax, 'a')") == []


# --- a real JupyterLab: opening and saving leaves git clean ------------------------------

#: What the lab needs of the project: its marker, jupytext's config, git's ignores, notebooks.
PROJECT_FILES = ("pyproject.toml", "jupytext.toml", ".gitignore", "notebooks")
NOTEBOOK_PATHS = [p.relative_to(REPO).as_posix() for p in NOTEBOOKS]
SERVER_START = 90  # seconds: a bound on start-up, never waited out when the server is up


def _git(project: Path, *args: str) -> str:
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=project, capture_output=True, text=True, check=True
    )
    return done.stdout


def _copy_of_the_project(target: Path) -> Path:
    """The project's tracked (and new, unignored) files the lab touches, committed to a
    fresh git repository: the notebooks as they are in this checkout."""
    import shutil

    listed = _git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        if name.split("/")[0] in PROJECT_FILES and (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "the project as checked out")
    return target


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running JupyterLab, spoken to through its REST API with the standard library."""

    def __init__(self, url: str, token: str, process: subprocess.Popen, root: Path):
        self.url, self.token, self.process = url, token, process
        self.project, self.home, self.settings = root / "project", root / "home", root / "settings"
        self.log = root / "lab.log"

    def request(self, method: str, path: str, body=None, timeout: float = 30):
        import urllib.request

        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8")
        return json.loads(text) if text else None

    def get_notebook(self, path: str) -> dict:
        return self.request("GET", f"/api/contents/{path}?type=notebook&content=1")

    def save_notebook(self, path: str, notebook: dict) -> dict:
        body = {"type": "notebook", "format": "json", "content": notebook}
        return self.request("PUT", f"/api/contents/{path}", body)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``coprod lab``'s command, environment and settings on a copy of the project, with
    HOME in a temporary folder, a random port and a token; shut down afterwards."""
    import secrets
    import time
    import urllib.error

    root = tmp_path_factory.mktemp("lab")
    project = _copy_of_the_project(root / "project")
    home = root / "home"
    home.mkdir()
    settings = root / "settings"
    prepare_lab(project, settings_dir=settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COPROD_"))}
    env.update(lab_environment(project, settings_dir=settings), HOME=str(home))
    port, token = _free_port(), secrets.token_hex(16)
    command = lab_command(project, port=port, token=token, open_browser=False)
    log = root / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=project, stdout=out, stderr=subprocess.STDOUT
        )
    server = Lab(f"http://127.0.0.1:{port}", token, process, root)
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()}")
            try:
                server.request("GET", "/api/status", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab not up after {SERVER_START}s:\n{log.read_text()}")
                time.sleep(0.5)
        yield server
    finally:
        try:
            server.request("POST", "/api/shutdown", timeout=10)
            process.wait(timeout=30)
        except Exception:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def test_the_lab_reads_its_settings_from_the_settings_folder(lab):
    server = lab
    docmanager = server.request("GET", f"/lab/api/settings/{DOCMANAGER}")
    assert docmanager["settings"]["defaultViewers"] == {"python": "Jupytext Notebook"}
    news = server.request("GET", f"/lab/api/settings/{NOTIFICATION}")
    assert news["settings"]["fetchNews"] == "false"


def test_the_lab_opens_py_files_as_notebooks_with_jupytext(lab):
    """jupytext's contents manager is active: a .py notebook is served as a notebook."""
    server = lab
    model = server.get_notebook("notebooks/01_grid.py")
    assert model["type"] == "notebook"
    cells = model["content"]["cells"]
    assert cells[0]["cell_type"] == "markdown"
    assert cells[0]["source"].startswith("# 01 · Placing services on the planning × delivery grid")
    # what JupyterLab starts the Python kernel from, before a paired .ipynb names one
    assert model["content"]["metadata"]["language_info"] == {"name": "python"}
    assert "Jupytext" in server.log.read_text()


@pytest.mark.parametrize("path", NOTEBOOK_PATHS)
def test_opening_and_saving_a_notebook_leaves_git_clean(lab, path):
    """Saved as JupyterLab saves it (the kernel it started named, with its display name,
    an output in a cell), the .py keeps every byte; the paired .ipynb appears beside it,
    ignored by git, and gives the output back when the notebook is opened again."""
    server, project = lab, lab.project
    before = (project / path).read_bytes()
    notebook = server.get_notebook(path)["content"]
    notebook["metadata"]["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (some other kernel)",
        "language": "python",
    }
    notebook["metadata"]["language_info"] = {"name": "python", "version": "3.99.0"}
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "a chart here\n"}]
    code["metadata"].update(scrolled=True, tags=["added-in-the-lab"])
    server.save_notebook(path, notebook)

    assert (project / path).read_bytes() == before
    paired = Path(path).with_suffix(".ipynb").as_posix()
    assert (project / paired).is_file()
    assert _git(project, "status", "--porcelain") == ""
    assert _git(project, "check-ignore", paired).strip() == paired

    reopened = server.get_notebook(path)["content"]
    code = next(c for c in reopened["cells"] if c["cell_type"] == "code")
    assert code["outputs"][0]["text"] == "a chart here\n"  # outputs survive a reload


def test_a_notebook_converted_by_jupytext_then_saved_leaves_git_clean(lab):
    """The other way in: ``jupytext --to ipynb`` (which reads jupytext.toml), then a save."""
    server, project = lab, lab.project
    path = "notebooks/answers/04_reports.py"
    before = (project / path).read_bytes()
    subprocess.run(
        [sys.executable, "-m", "jupytext", "--to", "ipynb", "--quiet", path],
        cwd=project,
        check=True,
    )
    assert (project / path).with_suffix(".ipynb").is_file()
    server.save_notebook(path, server.get_notebook(path)["content"])
    assert (project / path).read_bytes() == before
    assert _git(project, "status", "--porcelain") == ""


def test_the_lab_keeps_its_files_out_of_the_home(lab):
    """Settings, config, data and runtime files are in the settings folder; none of
    Jupyter's folders appears in HOME (other tools' caches, such as npm's log of the
    language-server probe, are theirs)."""
    lab.get_notebook("notebooks/00_tour.py")
    in_home = [p.relative_to(lab.home).as_posix() for p in lab.home.rglob("*")]
    assert [p for p in in_home if "jupyter" in p.lower()] == []
    assert [p.name for p in (lab.settings / "runtime").glob("jpserver-*.json")] == [
        f"jpserver-{lab.process.pid}.json"
    ]
    assert sorted(p.name for p in (lab.settings / "user-settings" / "@jupyterlab").iterdir()) == [
        "apputils-extension",
        "docmanager-extension",
    ]

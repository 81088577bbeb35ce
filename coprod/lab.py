"""JupyterLab ready to use: the numbered notebooks open as notebooks, paired with an
``.ipynb`` kept out of git, settings kept inside the project's environment.

``coprod lab`` (and ``python3 tasks.py lab``) runs :func:`prepare_lab`, then the command
:func:`lab_command` gives under the variables :func:`lab_environment` gives:

* JupyterLab's settings, workspaces, config and runtime files live in
  ``<project>/.venv/share/coprod-lab/`` (``settings_dir=``), never in the user's home, and
  nothing from the home's Jupyter folders changes how the project's lab behaves;
* a double-click on a ``.py`` notebook opens it as a notebook (jupytext's viewer), and
  the Python kernel starts without asking;
* the project's ``jupytext.toml`` pairs each notebook with a git-ignored ``.ipynb`` that
  keeps its outputs across a reload, and keeps the ``.py`` headers free of anything that
  varies between machines, so opening and saving leaves ``git status`` clean;
* charts saved by :func:`coprod.export.save_figure` go to ``<project>/output``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

__all__ = [
    "JUPYTEXT_VIEWER",
    "LAB_SETTINGS",
    "lab_command",
    "lab_environment",
    "prepare_lab",
    "settings_file",
]

#: The name jupytext's JupyterLab extension gives its notebook viewer (its ``FACTORY``).
JUPYTEXT_VIEWER = "Jupytext Notebook"

#: What the lab needs, by JupyterLab plugin: ``.py`` files open with jupytext's notebook
#: viewer on a double-click (other file types keep theirs); and the lab neither asks at
#: start whether to fetch Jupyter's news nor fetches it (a toast over the notebook, and a
#: request to a website).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": JUPYTEXT_VIEWER}},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}


def _settings_root(project, settings_dir) -> Path:
    if settings_dir is not None:
        return Path(settings_dir).resolve()
    return Path(project).resolve() / ".venv" / "share" / "coprod-lab"


def lab_environment(project, *, settings_dir=None) -> dict[str, str]:
    """The environment variables under which JupyterLab keeps its settings in
    ``settings_dir`` (default: ``<project>/.venv/share/coprod-lab``) and charts go to the
    project's ``output/``.

    Jupyter's config, data and runtime folders move there too, so a config, kernel or
    extension in the user's ``~/.jupyter`` or ``~/.local/share/jupyter`` neither changes the
    project's lab nor receives its files (the environment's own ``etc/jupyter``, which
    turns on jupytext, is still read). Pure: returns the variables, writes nothing.
    """
    root = _settings_root(project, settings_dir)
    return {
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "COPROD_OUTPUT_DIR": str(Path(project).resolve() / "output"),
    }


def settings_file(project, plugin: str, *, settings_dir=None) -> Path:
    """The user-settings file of a JupyterLab ``plugin`` (``"@scope/package:name"``) under
    :func:`lab_environment`'s ``JUPYTERLAB_SETTINGS_DIR``."""
    folder = Path(lab_environment(project, settings_dir=settings_dir)["JUPYTERLAB_SETTINGS_DIR"])
    package, _, name = plugin.partition(":")
    return folder / package / f"{name}.jupyterlab-settings"


def prepare_lab(project, *, settings_dir=None) -> list[Path]:
    """Write the settings the lab needs (:data:`LAB_SETTINGS`); return their files.

    These are the lab's own settings files, not outputs, so they are written here rather
    than by :mod:`coprod.export`. What the user changed in the lab's settings editor is
    kept: only a missing entry is added (a default viewer the user chose wins), a file
    already holding every entry is not written again, and one that is not plain JSON (the
    settings editor may write comments) is left as it is.
    """
    return [
        _add_missing(settings_file(project, plugin, settings_dir=settings_dir), wanted)
        for plugin, wanted in LAB_SETTINGS.items()
    ]


def _add_missing(path: Path, wanted: dict) -> Path:
    settings = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return path  # the user's own file, with comments: theirs to keep
        if not isinstance(settings, dict):
            return path
    merged = dict(settings)
    for key, value in wanted.items():
        mine = settings.get(key)
        if isinstance(value, dict) and isinstance(mine, dict):
            merged[key] = {**value, **mine}
        elif key not in settings:
            merged[key] = value
    if path.exists() and merged == settings:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    return path


def lab_command(
    project, *, port: int | None = None, token: str | None = None, open_browser: bool = True
) -> list[str]:
    """The command line that starts JupyterLab rooted at ``project``, on 127.0.0.1 only.

    ``port`` is used as given (no silent move to the next free port); ``token`` replaces the
    random one JupyterLab makes; ``open_browser=False`` adds ``--no-browser``. As root (as in
    a container) JupyterLab refuses to start without ``--allow-root``, which is then added.
    Runs with this Python, so the lab's kernels see coprod. Pure: returns the list.
    """
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={Path(project).resolve()}",
        "--ip=127.0.0.1",
    ]
    if port is not None:
        command += [f"--ServerApp.port={int(port)}", "--ServerApp.port_retries=0"]
    if token is not None:
        command.append(f"--IdentityProvider.token={token}")
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command

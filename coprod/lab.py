"""JupyterLab ready to use: the numbered notebooks open as notebooks, paired with an
``.ipynb`` kept out of git, settings kept inside the project's environment.

``coprod lab`` (and ``python3 tasks.py lab``) runs :func:`prepare_lab`, then the command
:func:`lab_command` gives under the variables :func:`lab_environment` gives:

* JupyterLab's settings, workspaces, config and runtime files live in
  ``<project>/.venv/share/coprod-lab/`` (``settings_dir=``), never in the user's home, and
  nothing from the home's Jupyter folders changes how the project's lab behaves;
* a double-click on a ``.py`` notebook opens it as a notebook (jupytext's viewer);
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
    "DEFAULT_VIEWERS",
    "JUPYTEXT_VIEWER",
    "lab_command",
    "lab_environment",
    "prepare_lab",
    "settings_file",
]

#: The name jupytext's JupyterLab extension gives its notebook viewer (its ``FACTORY``).
JUPYTEXT_VIEWER = "Jupytext Notebook"

#: File types opened with jupytext's viewer on a double-click (other files keep theirs).
DEFAULT_VIEWERS = {"python": JUPYTEXT_VIEWER}

#: The document manager's settings, where JupyterLab looks up default viewers.
DOCMANAGER_PLUGIN = ("@jupyterlab", "docmanager-extension", "plugin")


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


def settings_file(project, *, settings_dir=None) -> Path:
    """The user-settings file of JupyterLab's document manager (default viewers) under
    :func:`lab_environment`'s ``JUPYTERLAB_SETTINGS_DIR``."""
    folder = Path(lab_environment(project, settings_dir=settings_dir)["JUPYTERLAB_SETTINGS_DIR"])
    *parents, plugin = DOCMANAGER_PLUGIN
    return folder.joinpath(*parents, f"{plugin}.jupyterlab-settings")


def prepare_lab(project, *, settings_dir=None) -> Path:
    """Write the one setting the lab needs: ``.py`` files open with jupytext's notebook
    viewer on a double-click (``defaultViewers`` of the document manager). Returns the file.

    This is a settings file of the lab, not an output, so it is written here rather than by
    :mod:`coprod.export`. Settings the user changed in the lab's settings editor are kept:
    only a missing ``defaultViewers`` entry is added, and a file already giving it (or one
    that is not plain JSON, as the settings editor may write comments) is left as it is.
    """
    path = settings_file(project, settings_dir=settings_dir)
    settings = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return path  # the user's own file, with comments: theirs to keep
        if not isinstance(settings, dict):
            return path
    viewers = settings.get("defaultViewers")
    viewers = dict(viewers) if isinstance(viewers, dict) else {}
    wanted = {**DEFAULT_VIEWERS, **viewers}  # a viewer the user chose wins
    if path.exists() and viewers == wanted:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**settings, "defaultViewers": wanted}, indent=2) + "\n", "utf-8")
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

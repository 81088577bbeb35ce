"""Where the coprod project is: the folder whose ``pyproject.toml`` names the project coprod.

JupyterLab starts each kernel in its notebook's folder, ``coprod run`` in the project's, a
researcher's script anywhere: :func:`project_root` finds the project from any of them, so
output lands in one place (``coprod.export.output_dir``) and ``coprod lab`` roots the lab
at the project.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

__all__ = ["PROJECT_NAME", "project_root"]

#: ``[project] name`` in the ``pyproject.toml`` that marks the project's root.
PROJECT_NAME = "coprod"


def project_root(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working directory) holding a
    ``pyproject.toml`` whose ``[project] name`` is coprod; None outside the project."""
    here = Path.cwd() if start is None else Path(start)
    here = here.resolve()
    for folder in (here, *here.parents):
        if _is_project(folder / "pyproject.toml"):
            return folder
    return None


def _is_project(pyproject: Path) -> bool:
    try:
        doc = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # absent, unreadable or not TOML: not the project's marker
    project = doc.get("project")
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME

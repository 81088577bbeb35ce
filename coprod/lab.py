"""JupyterLab ready to use: the numbered notebooks open as notebooks, paired with an
``.ipynb`` kept out of git, settings kept inside the project's environment."""

from __future__ import annotations

__all__ = ["lab_command", "lab_environment"]


def lab_environment(project, *, settings_dir=None) -> dict:
    """The environment variables under which JupyterLab keeps its settings in
    ``settings_dir`` (default: inside the project's ``.venv``) and charts go to the
    project's ``output/``."""
    raise NotImplementedError


def lab_command(project, *, port: int | None = None, token: str | None = None, open_browser=True):
    """The command line that starts JupyterLab on ``project``."""
    raise NotImplementedError

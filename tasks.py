#!/usr/bin/env python3
"""The project's commands, using only the standard library.

    python3 tasks.py run    # set up .venv if needed, execute every notebook, write output/
    python3 tasks.py test   # set up .venv if needed, run the whole test suite (notebooks included)
    python3 tasks.py lab    # set up .venv if needed, start JupyterLab on the project

``lab`` opens the numbered ``.py`` notebooks as notebooks on a double-click, keeps their
outputs in git-ignored ``.ipynb`` files beside them, keeps JupyterLab's settings in
``.venv/share/coprod-lab`` and saves charts to ``output/``. Its other arguments go to
``coprod lab`` (e.g. ``python3 tasks.py lab --port 8899 --no-browser``).

Set-up creates ``.venv`` beside this file and installs the project with its ``dev``
extra from ``pyproject.toml`` (the one source of dependencies). It reinstalls only when
``pyproject.toml`` changes, so the second run starts at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".coprod-installed"
MIN_PYTHON = (3, 11)


def _venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def _wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} python{sys.version_info.major}.{sys.version_info.minor}"


def ensure_environment() -> Path:
    """Create ``.venv`` if absent and (re)install the project when pyproject.toml changed."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"coprod needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is {sys.version.split()[0]}."
        )
    python = _venv_python()
    if not python.exists():
        print(f"[setup] creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != _wanted_stamp():
        print("[setup] installing coprod and its dependencies from pyproject.toml", flush=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-e",
                f"{ROOT}[dev]",
            ],
            check=True,
        )
        STAMP.write_text(_wanted_stamp())
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "lab"}:
        print(__doc__)
        return 2
    python = ensure_environment()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if argv[0] in {"run", "lab"}:
        cmd = [str(python), "-m", "coprod", *argv]
    else:
        cmd = [str(python), "-m", "pytest", *argv[1:]]
    if argv[0] != "lab":
        return subprocess.run(cmd, cwd=ROOT, env=env).returncode
    with subprocess.Popen(cmd, cwd=ROOT, env=env) as process:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                continue  # JupyterLab got the Ctrl-C too and asks, or shuts down: wait for it


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

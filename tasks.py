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
``pyproject.toml`` changes, so the second run starts at once. For ``test`` it also makes
sure a Chromium is there for the browser test (tests/test_browser.py; Playwright, from
``pyproject.toml``, drives it but cannot download a browser here): Debian's ``chromium``
package, installed with apt-get as root or through sudo without a password; where that
cannot be done it says so, and the browser test is skipped saying why.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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


def ensure_browser() -> str | None:
    """The Chromium the browser test drives: found, or installed from Debian's packages."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None:
        print("[setup] no Chromium and no apt-get: the browser test will be skipped", flush=True)
        return None
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    sudo = [] if as_root else ["sudo", "-n"]
    if not as_root and (
        shutil.which("sudo") is None
        or subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0
    ):
        print(
            "[setup] no Chromium, and installing one needs root: run "
            "'sudo apt-get install chromium' for the browser test (skipped until then)",
            flush=True,
        )
        return None
    print("[setup] installing Debian's chromium for the browser test", flush=True)
    quiet = {"env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, "check": False}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], **quiet)
    done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "chromium"], **quiet)
    if done.returncode != 0 or shutil.which("chromium") is None:
        print("[setup] chromium could not be installed: the browser test will be skipped")
        return None
    return shutil.which("chromium")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "lab"}:
        print(__doc__)
        return 2
    python = ensure_environment()
    if argv[0] == "test":
        ensure_browser()
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

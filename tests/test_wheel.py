"""A built wheel, installed into a fresh virtual environment, carries every data set.

Users who ``pip install coprod`` never see the repository: the shipped data must be
package data, found through :func:`coprod.datasets.data_dir`, not a folder beside a clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from coprod.datasets import registry

REPO = Path(__file__).resolve().parents[1]
PIP = (sys.executable, "-m", "pip", "-q", "--disable-pip-version-check")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh venv with coprod installed from a freshly built wheel."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}
    # build from a copy: setuptools caches in build/, which could hide a missing data file
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    shutil.copytree(REPO / "coprod", source / "coprod", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        env=env,
        cwd=work,
    )
    (wheel,) = dist.glob("coprod-*.whl")
    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # coprod itself from the wheel; its dependencies from this test's environment (a plain
    # path entry: the editable install's own .pth hook there is not run)
    subprocess.run(
        [*PIP, "install", "--no-deps", "--target", str(purelib), str(wheel)],
        check=True,
        capture_output=True,
        env=env,
    )
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_wheel_install_loads_every_shipped_data_set(installed, tmp_path):
    code = (
        "import coprod, coprod.datasets as d, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "print(coprod.__file__)\n"
        "for name, entry in sorted(d.registry().items()):\n"
        "    result = d.load_dataset(name)\n"
        "    print(name, result.n_loaded, result.n_quarantined)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}
    out = subprocess.run(
        [str(installed), "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the repository: its coprod/ must not be what is imported
        env=env,
    ).stdout.splitlines()
    assert Path(out[0]).is_relative_to(installed.parents[1]), out[0]
    loaded = {line.split()[0]: int(line.split()[1]) for line in out[1:]}
    assert loaded == {name: entry.rows for name, entry in registry().items()}

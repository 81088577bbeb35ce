"""Set-up stays single-sourced: pyproject.toml, environment.yml, README and .ci/run agree."""

from __future__ import annotations

import re
import tomllib

import yaml


def test_environment_yml_is_a_thin_wrapper_of_pyproject(repo_root):
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text())
    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    assert env["name"] == "coprod"
    conda_deps = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    # Only python and pip come from conda: every library comes from pyproject via pip.
    assert sorted(re.split(r"[<>=!~ ]", d)[0] for d in conda_deps) == ["pip", "python"]
    python = next(d for d in conda_deps if d.startswith("python"))
    assert python.removeprefix("python") == pyproject["project"]["requires-python"]
    assert pip_sections == [["-e .[dev]"]]
    assert "dev" in pyproject["project"]["optional-dependencies"]


def test_core_dependencies_declared(repo_root):
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text())
    names = {re.split(r"[<>=!~ \[]", d)[0].lower() for d in pyproject["project"]["dependencies"]}
    for needed in [
        "pandas",
        "jinja2",
        "numpy",
        "matplotlib",
        "seaborn",
        "ipywidgets",
        "jupyterlab",
        "statsmodels",
        "pyreadstat",
        "pandera",
    ]:
        assert needed in names
    dev = {
        re.split(r"[<>=!~ \[]", d)[0].lower()
        for d in pyproject["project"]["optional-dependencies"]["dev"]
    }
    assert {"pytest", "ruff"} <= dev


def _readme_commands(repo_root) -> list[str]:
    text = (repo_root / "README.md").read_text()
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", text, re.S)
    assert block, "README must open with a code block holding the two commands"
    return [
        line.strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_readme_opens_with_two_commands(repo_root):
    commands = _readme_commands(repo_root)
    assert commands == ["python3 tasks.py run", "python3 tasks.py test"]


def test_ci_runs_exactly_the_readme_test_command(repo_root):
    script = (repo_root / ".ci" / "run").read_text().splitlines()
    code = [line.strip() for line in script if line.strip() and not line.startswith("#")]
    assert code[-1] == _readme_commands(repo_root)[1]

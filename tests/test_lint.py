"""Ruff is configured in pyproject.toml and the tree is clean."""

from __future__ import annotations

import subprocess
import sys


def test_ruff_check_clean(repo_root):
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=repo_root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_clean(repo_root):
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=repo_root,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr

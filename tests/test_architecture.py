"""ARCHITECTURE.md stays true: its module table lists exactly the package's modules."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_module_table_lists_every_module():
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(coprod/[\w/]+\.py)` \|", text, flags=re.M))
    actual = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "coprod").rglob("*.py")
        if "data" not in p.relative_to(REPO / "coprod").parts and "__pycache__" not in p.parts
    }
    assert sorted(actual - listed) == [], "modules missing from ARCHITECTURE.md"
    assert sorted(listed - actual) == [], "ARCHITECTURE.md lists modules that do not exist"

"""The words of a notebook, for the tests that check them against what the library computes.

``prose`` gives a notebook's markdown as one line (comment marks and wrapping removed), so a
test can look for a sentence however it is wrapped; ``says`` asserts that it is there.
``charts`` gives each saved chart's title and alt text as the code writes them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def source(name: str) -> str:
    """The text of ``notebooks/<name>`` (e.g. ``"02_complaints.py"``, ``"answers/02_complaints.py"``)."""
    return (NOTEBOOKS / name).read_text(encoding="utf-8")


def prose(text: str) -> str:
    """The markdown of a notebook as one line of words (comment marks and wrapping removed)."""
    lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in text.splitlines()]
    return re.sub(r"\s+", " ", " ".join(lines))


def listed(items) -> str:
    """A list of names the way the prose writes it: "A, B and C"."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def says(sentence: str, where: str) -> None:
    assert sentence in where, f"the notebook no longer says {sentence!r}"


@dataclass(frozen=True)
class SavedChart:
    """One ``save_figure`` call: the chart's name, the title drawn in its cell, its alt text."""

    name: str
    title: str | None
    alt_text: str | None
    has_data: bool


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def charts(text: str) -> dict[str, SavedChart]:
    """Every ``save_figure`` call of a notebook, by chart name.

    The title is the ``title=`` passed to a call in the same cell (a cell that draws
    one chart and saves it); there must be at most one.
    """
    found = {}
    for cell in re.split(r"^# %%.*$", text, flags=re.M):
        calls = [n for n in ast.walk(ast.parse(cell)) if isinstance(n, ast.Call)]
        saves = [c for c in calls if getattr(c.func, "id", None) == "save_figure"]
        if not saves:
            continue
        titles = [k.value for c in calls if c not in saves for k in c.keywords if k.arg == "title"]
        assert len(titles) <= 1, f"a cell saving {len(saves)} chart(s) sets {len(titles)} titles"
        for call in saves:
            keywords = {k.arg: k.value for k in call.keywords}
            name = _text(call.args[1])
            found[name] = SavedChart(
                name=name,
                title=_text(titles[0]) if titles else None,
                alt_text=_text(keywords.get("alt_text")),
                has_data="data" in keywords,
            )
    return found

"""One helper per idea: the package must not grow a second copy of its shared helpers.

Label keys, plurals, row lists and column checks live in ``coprod._core``; a module that
defines its own again, or re-implements the label key inline, fails here (the message
says which helper to call instead).
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "coprod"

# a private definition of one of these names is a twin of the shared helper
TWINS = {
    r"def _(plural|count|pluralise)\(": "coprod._core.text.plural",
    r"def _(key|norm|norm_name|label_key|loose_name)\(": "coprod._core.text.label_key",
    r"def _(rows_text|join|join_words)\(": "coprod._core.text.rows_text / join_words",
    r"def _(by_list|as_list|by_columns|group_columns)\(": "coprod._core.columns.by_list / group_columns",
    r"def _(require|require_columns|check_columns)\(": "coprod._core.columns.require_columns",
    r'" "\.join\([^)]*\.split\(\)\)\.casefold\(\)': "coprod._core.text.label_key",
}


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "data" in path.relative_to(PACKAGE).parts or path.parent.name == "_core":
            continue
        yield path, path.read_text(encoding="utf-8")


def test_no_module_writes_a_shared_helper_again():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{text[: m.start()].count(chr(10)) + 1}: use {helper}"
        for path, text in _sources()
        for pattern, helper in TWINS.items()
        for m in re.finditer(pattern, text)
    ]
    assert found == []


def test_the_twin_check_catches_a_twin(tmp_path):
    twin = 'def _plural(n, word):\n    return f"{n} {word}s"\nk = " ".join(v.split()).casefold()\n'
    hits = [p for p in TWINS if re.search(p, twin)]
    assert len(hits) == 2

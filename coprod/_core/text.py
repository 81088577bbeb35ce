"""Words shared by every message coprod writes: label keys, plurals, lists of rows.

One helper per idea, so that "3 rows", "rows 4, 5 and 2 more" and the way labels are
compared read the same in every loader, analysis function and chart.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = [
    "PRINT_WIDTH",
    "join_words",
    "label_key",
    "loose_key",
    "plural",
    "row_numbers",
    "rows_text",
    "wrap_text",
]

#: Characters a printed line may hold: longer lines are wrapped by :func:`wrap_text`.
PRINT_WIDTH = 88


def label_key(value: Any) -> str:
    """A label or column name as compared: runs of whitespace collapsed, case folded
    (never fuzzy): ``" Stage  1"`` and ``"stage 1"`` are the same label."""
    if value is None or value != value:  # None, NaN, NaT: a blank cell
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1.0 from a spreadsheet is the label "1"
    return " ".join(str(value).split()).casefold()


def loose_key(value: Any) -> str:
    """A looser key, for suggestions only: ``_``, ``-`` and ``.`` count as spaces."""
    return label_key(re.sub(r"[_\-.]+", " ", str(value)))


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """``"1 row"``, ``"1,204 rows"`` (``plural_form`` for irregular words)."""
    return f"{n:,} {word if n == 1 else (plural_form or word + 's')}"


def rows_text(rows: Sequence[Any], limit: int = 5) -> str:
    """``"4, 5, 9"``, or ``"4, 5, 9, 12, 13 and 7 more"`` past ``limit``."""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    if len(rows) > limit:
        shown += f" and {len(rows) - limit} more"
    return shown


def join_words(items: Sequence[str], limit: int = 8) -> str:
    """``"a, b and c"``; past ``limit`` items the rest are counted (``"... and 3 more"``)."""
    items = list(items)
    if len(items) > limit:
        items = [*items[:limit], f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def row_numbers(index: Any, positions: Sequence[int]) -> tuple[list[int], str]:
    """The rows to name in a message about ``positions`` (0-based) of a frame or series
    with this ``index``, and how they are numbered.

    Data loaded by coprod keeps each row's number in the file as its index (named
    ``"row"``, as a spreadsheet shows it): those numbers are used, "rows as numbered in
    the file". Anything else gets 1-based positions ("1-based row numbers").
    """
    if getattr(index, "name", None) == "row":
        labels = list(index[list(positions)]) if len(positions) else []
        if all(isinstance(v, int) or hasattr(v, "__index__") for v in labels):
            return [int(v) for v in labels], "rows as numbered in the file"
    return [int(i) + 1 for i in positions], "1-based row numbers"


def wrap_text(text: str, width: int = PRINT_WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped at spaces (never mid-word).

    Summaries are printed, and JupyterLab breaks a printed line that is too long wherever
    the window ends, mid-word. A wrapped line keeps its indent, a bullet (``"- "``) hangs
    under its first word, and a word longer than ``width`` (a path) is kept whole.
    """
    lines = []
    for line in str(text).split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        body = line.lstrip()
        indent = line[: len(line) - len(body)]
        hang = indent + "  " if body.startswith(("- ", "* ")) else indent
        lines += textwrap.wrap(
            body,
            width=width,
            initial_indent=indent,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    return "\n".join(lines)

"""Checks every analysis function makes of its input frame: grouping columns, and
columns that must be there (one exception type, one message shape)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = ["MissingColumnError", "by_list", "group_columns", "require_columns"]


class MissingColumnError(KeyError, ValueError):
    """A column an analysis function needs is not in the frame it was given.

    The message names the function's input, the missing columns, the columns there
    are, and the nearest names. It is a ``KeyError`` (a column looked up by name)
    and a ``ValueError`` (a bad argument), so either ``except`` catches it.
    """

    def __init__(
        self, what: str, missing: Sequence[str], available: Sequence[str], hint: str = ""
    ) -> None:
        self.what = what
        self.missing = tuple(missing)
        self.available = tuple(available)
        shown = ", ".join(map(repr, self.missing))
        text = f"{what} has no column {shown}; its columns are {list(self.available)}"
        close = [
            c
            for m in self.missing
            for c in difflib.get_close_matches(str(m), list(map(str, self.available)), n=1)
        ]
        if close:
            text += f" (did you mean {', '.join(map(repr, close))}?)"
        if hint:
            text += f"; {hint}"
        self.message = text
        super().__init__(text)

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return self.message


def by_list(by: str | Sequence[str] | None) -> list[str]:
    """Grouping columns as a list: None is no grouping, a string is one column."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    columns = list(by)
    if len(set(columns)) != len(columns):
        raise ValueError(f"by names a column twice: {columns}")
    return columns


def require_columns(
    frame: pd.DataFrame, columns: Iterable[str | None], *, what: str, hint: str = ""
) -> None:
    """Raise :class:`MissingColumnError` unless every column (None skipped) is in ``frame``
    (``hint``: what to pass instead, added to the message)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise MissingColumnError(what, missing, list(frame.columns), hint)


def group_columns(frame: pd.DataFrame, *, before: str, what: str) -> list[str]:
    """The ``by`` columns of a coprod result: those before its first own column
    (``before``: ``"service"`` for grid results, ``"period"`` for SPC results)."""
    require_columns(frame, [before], what=what)
    columns = list(frame.columns)
    return columns[: columns.index(before)]

"""Results as a person reads them in JupyterLab: tables that wrap, rounded numbers,
readable labels (pure; nothing is printed)."""

from __future__ import annotations

__all__ = ["readable_table"]


def readable_table(table, *, decimals: int = 2, labels=None, caption: str | None = None):
    """``table`` as a pandas ``Styler``: text wraps at word boundaries, numbers rounded to
    ``decimals``, column names and known keys shown with readable labels."""
    raise NotImplementedError

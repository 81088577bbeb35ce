"""Where data came from: the attribution a chart prints and an export records.

A :class:`Source` is the note ("Contains FixMyStreet data from mySociety, ODC-By 1.0") and
the licence of a data set. Shipped data sets have one (``coprod.datasets``); a chart of
such data carries it by default, and ``source=`` on every plot function overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Source", "dataset_source", "source_of", "with_source"]


@dataclass(frozen=True)
class Source:
    """An attribution: the words printed under a chart, and the licence they satisfy."""

    note: str
    licence: str | None = None
    url: str | None = None
    synthetic: bool = False


def dataset_source(name: str) -> Source:
    """The :class:`Source` of a shipped data set (placeholder: issue 9)."""
    raise NotImplementedError


def source_of(data) -> Source | None:
    """The :class:`Source` a table carries, if any (placeholder: issue 9)."""
    raise NotImplementedError


def with_source(data, source: Source | None):
    """``data`` marked as coming from ``source`` (placeholder: issue 9)."""
    raise NotImplementedError

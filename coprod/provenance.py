"""Where data came from: the attribution a chart prints and an export records.

A :class:`Source` is the note ("Contains FixMyStreet data from mySociety, ODC-By 1.0") and
the licence of a data set. Shipped data sets have one (``coprod.datasets``):
``load_dataset`` marks its tables with it (:func:`with_source`), the analysis functions
keep it on what they return (:func:`keep_source`), and a chart of such data prints it by
default; ``source=`` on every plot function overrides it.

The mark travels in the table's ``attrs`` under :data:`SOURCE_ATTR`. It is provenance,
not a setting (settings are columns): pandas keeps ``attrs`` through filtering, sorting,
``assign`` and many reshapes, and drops them in a merge with an unmarked table, a
``groupby().agg`` or a new DataFrame; the analysis functions that build such tables mark
their results again with :func:`keep_source`. A result object (``ITSResult``,
``ScenarioResult``, ...) carries a ``source`` attribute instead; :func:`source_of` reads both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "SOURCE_ATTR",
    "SYNTHETIC",
    "Source",
    "chart_source",
    "combine_sources",
    "dataset_source",
    "figure_source",
    "keep_source",
    "source_of",
    "with_source",
]

#: The ``DataFrame.attrs`` key of the mark (``attrs["source"]`` is a loader's file path).
SOURCE_ATTR = "attribution"
#: The note every synthetic data set prints.
SYNTHETIC = "Synthetic data"
_JOIN = "; "


@dataclass(frozen=True)
class Source:
    """An attribution: the words printed under a chart, and the licence they satisfy."""

    note: str
    licence: str | None = None
    url: str | None = None
    synthetic: bool = False

    def __str__(self) -> str:
        return self.note


def dataset_source(name: str) -> Source:
    """The :class:`Source` of a shipped data set, as its ``SOURCE.txt`` states it.

    >>> dataset_source("fixmystreet_extract").note
    'Contains FixMyStreet data from mySociety, ODC-By 1.0'
    """
    from coprod.datasets import registry

    datasets = registry()
    if name not in datasets:
        known = ", ".join(sorted(datasets))
        raise KeyError(f"no data set named {name!r}; known data sets: {known}")
    return datasets[name].attribution


def source_of(data: Any) -> Source | None:
    """The :class:`Source` ``data`` carries, or None.

    ``data`` is a table (its ``attrs``), a result object with a ``source`` or
    ``attribution`` attribute (``ITSResult``, ``ScenarioResult``, a ``LoadResult``), a
    :class:`Source` itself, or a list, tuple or dict of those (their sources combined).
    """
    if data is None or isinstance(data, Source):
        return data
    if isinstance(data, list | tuple):
        return combine_sources(*(source_of(d) for d in data))
    if isinstance(data, dict):
        return combine_sources(*(source_of(d) for d in data.values()))
    attrs = getattr(data, "attrs", None)
    if isinstance(attrs, dict):
        found = attrs.get(SOURCE_ATTR)
        return found if isinstance(found, Source) else None
    for name in ("attribution", "source"):  # a LoadResult's own "source" is its file path
        found = getattr(data, name, None)
        if isinstance(found, Source):
            return found
    return None


def with_source(data, source: Source | None):
    """``data`` (a DataFrame or Series) marked as coming from ``source``; None unmarks it.

    Returns a shallow copy (no values are copied); ``data`` itself is left as it was.
    """
    if source is not None and not isinstance(source, Source):
        raise TypeError(f"with_source needs a Source or None, not {type(source).__name__}")
    marked = data.copy(deep=False)
    marked.attrs = {k: v for k, v in data.attrs.items() if k != SOURCE_ATTR}
    if source is not None:
        marked.attrs[SOURCE_ATTR] = source
    return marked


def keep_source(result, *inputs):
    """``result`` marked with the sources of ``inputs`` combined (the analysis functions'
    one way to keep provenance where pandas drops it); unchanged when no input has one."""
    source = combine_sources(*(source_of(x) for x in inputs))
    if source is None or source_of(result) == source:
        return result
    return with_source(result, source)


def combine_sources(*sources: Source | None) -> Source | None:
    """One :class:`Source` for data drawn from several: each distinct note once, in order.

    Notes, licences and urls are joined with "; " (a part already there is not repeated:
    combining combined sources lists each data set once); the result is synthetic only when every
    part is. None when no source is given.
    """
    parts = list(dict.fromkeys(s for s in sources if s is not None))
    if len(parts) <= 1:
        return parts[0] if parts else None

    def joined(values):
        # a combined source's parts are split again, so each part appears once
        pieces = (piece for v in values if v for piece in v.split(_JOIN))
        return _JOIN.join(dict.fromkeys(pieces)) or None

    return Source(
        note=joined(p.note for p in parts),
        licence=joined(p.licence for p in parts),
        url=joined(p.url for p in parts),
        synthetic=all(p.synthetic for p in parts),
    )


def chart_source(source: Source | str | None, data: Any = None) -> Source | None:
    """The source a chart prints: ``source`` when given (a str is a note as written, ""
    prints none), else the one ``data`` carries (:func:`source_of`)."""
    if source is None:
        return source_of(data)
    if isinstance(source, Source):
        return source
    if isinstance(source, str):
        return Source(note=source) if source.strip() else None
    raise TypeError(f"source= takes a Source, a note as text or None, not {type(source).__name__}")


def figure_source(figure) -> Source | None:
    """The :class:`Source` a chart prints (its note with gid ``"coprod-source"``), or None."""
    fig = figure.get_figure(root=True) if hasattr(figure, "get_figure") else figure
    for artist in getattr(fig, "artists", ()):
        if artist.get_gid() == "coprod-source":
            return getattr(artist, "source", None)
    return None

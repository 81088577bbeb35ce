"""``read_practices``: a catalogue of co-production practices placed on the grid.

A catalogue is one row per practice (fields of :data:`coprod.io.schemas.PRACTICES`): its
cell (``planning`` x ``delivery`` levels), the kind of organisation that delivers it, and
the source it was written from with where in the source it is described. The shipped
catalogue is ``load_dataset("practices")``; a researcher's own catalogue in the same
columns loads the same way. A row without a cell, an organisation kind or a source is
quarantined, never guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from coprod._core.text import label_key
from coprod.io.parse import as_text
from coprod.io.result import LoadResult
from coprod.io.schemas import PLACED_BY, PRACTICES
from coprod.vocab import DELIVERY_LEVELS, ORGANISATION_KINDS, PLANNING_LEVELS

__all__ = ["read_practices"]

#: Fields whose values are words of a vocabulary, spelled as the vocabulary spells them.
_VOCABULARIES = {
    "planning": PLANNING_LEVELS,
    "delivery": DELIVERY_LEVELS,
    "organisation": ORGANISATION_KINDS,
    "placed_by": PLACED_BY,
}


def _spelled(value: Any, words: tuple[str, ...]) -> Any:
    """``value`` in the vocabulary's spelling when it matches a word but for case and
    spacing, else as given (the schema check then quarantines it)."""
    by_key = {label_key(w): w for w in words}
    return by_key.get(label_key(value), value)


def read_practices(path: str | Path, *, columns: dict[str, str] | None = None) -> LoadResult:
    """Read a practices catalogue (CSV or spreadsheet), kind ``"practices"``.

    ``columns`` maps a field to the file's column name where they differ. Levels and
    organisation kinds are matched ignoring case and spacing and returned as
    :mod:`coprod.vocab` spells them. A row is quarantined when its practice, description,
    cell, organisation kind, source or locator is blank, when a level or organisation kind
    is not one of the vocabulary's, or when two rows name the same practice.
    """
    from coprod.io.columns import resolve_columns
    from coprod.io.raw import read_raw_table
    from coprod.io.result import Problems, finish
    from coprod.io.validate import duplicate_key_problems, validate_lazily

    path = Path(path)
    raw = read_raw_table(path)
    found = resolve_columns(
        raw, columns, required=PRACTICES.required, optional=PRACTICES.optional, schema=PRACTICES
    )
    frame = raw.frame
    problems = Problems(raw.source)
    out: dict[str, Any] = {}
    for field, column in found.items():
        text = frame[column].map(as_text).str.strip().replace("", None)
        if field in _VOCABULARIES:
            text = text.map(lambda v, words=_VOCABULARIES[field]: _spelled(v, words))
        out[field] = text.astype(object)
    data = pd.DataFrame(out, index=frame.index)[[f for f in PRACTICES.names if f in found]]
    problems.extend(
        validate_lazily(
            PRACTICES.to_pandera(fields=list(found)),
            data,
            column_names=found,
            raw=frame,
            source=raw.source,
        )
    )
    named = data["practice"].notna()
    problems.extend(
        duplicate_key_problems(data.loc[named, ["practice"]], ["practice"], column_names=found)
    )
    return finish(data, problems, kind="practices", encoding=raw.encoding, notes=raw.notes)

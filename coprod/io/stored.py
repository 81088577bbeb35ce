"""A load result whose rows stay on disk: clean rows and quarantine kept as Parquet.

:class:`StoredLoadResult` is what an out-of-core reader returns
(:func:`coprod.io.read_complaints` with ``engine="duckdb"`` or ``"spark"``, or
``"auto"`` for a big file). It says the same of itself as an in-memory
:class:`~coprod.io.LoadResult` (``n_read``, ``n_loaded``, ``n_quarantined``,
``summary()``, ``reasons()``, ``quarantine``, ``notes``; the code is shared), but its
clean rows are a Parquet file (``data_path``) that the measures of
:mod:`coprod.complaints` aggregate inside DuckDB, so the whole log never comes into
memory. ``data`` (or :meth:`StoredLoadResult.to_pandas`) reads the rows into pandas
when you ask for them, exactly as the in-memory reader would have loaded them.

The folder is the one you named (``store=``, kept) or a temporary one, deleted when the
result is garbage-collected or the interpreter exits.
"""

from __future__ import annotations

import shutil
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from coprod.io.result import LoadAccount

__all__ = ["StoredLoadResult"]


@dataclass(frozen=True, eq=False, repr=False)
class StoredLoadResult(LoadAccount):
    """Clean rows and quarantine as Parquet files in ``folder`` (see the module docstring).

    ``levels`` names the columns loaded as ordered categories and their levels;
    ``attrs`` is what ``data.attrs`` holds once read; ``engine`` the engine that did the
    checks (``"duckdb"`` or ``"spark"``).
    """

    folder: Path
    n_read: int
    n_loaded: int
    n_quarantined: int
    source: str
    kind: str
    engine: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    levels: Mapping[str, Sequence[str]] = field(default_factory=dict)
    dates: Sequence[str] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)
    temporary: bool = False

    def __post_init__(self) -> None:
        if self.n_read != self.n_loaded + self.n_quarantined:
            raise RuntimeError(
                f"internal error loading {self.source}: {self.n_read} rows read but "
                f"{self.n_loaded} loaded + {self.n_quarantined} quarantined"
            )
        if self.temporary:  # the folder goes with the result
            weakref.finalize(self, shutil.rmtree, str(self.folder), True)

    @property
    def data_path(self) -> Path:
        """The clean rows (Parquet): a ``row`` column (the row's number in the file), then
        the fields as :attr:`data` has them (levels as text, dates as timestamps)."""
        return self.folder / "data.parquet"

    @property
    def quarantine_path(self) -> Path:
        """The quarantine (Parquet), one row per problem, columns
        :data:`coprod.io.result.QUARANTINE_COLUMNS`, in row order."""
        return self.folder / "quarantine.parquet"

    @cached_property
    def quarantine(self) -> pd.DataFrame:
        """The quarantine in memory (one row per problem; usually small beside the log)."""
        import pyarrow.parquet as pq

        frame = pq.read_table(self.quarantine_path).to_pandas()
        frame["row"] = frame["row"].astype("int64")
        for col in ("file", "column", "value", "problem", "reason"):
            frame[col] = frame[col].astype("str")
        return frame

    @property
    def data(self) -> pd.DataFrame:
        """Every clean row in memory, as the in-memory reader loads them (see :meth:`to_pandas`)."""
        return self.to_pandas()

    def to_pandas(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The clean rows (or only ``columns``) as a DataFrame indexed by row number:
        text as ``str``, dates ``datetime64[ns]``, levels ordered Categoricals."""
        import pyarrow.parquet as pq

        wanted = None if columns is None else ["row", *columns]
        table = pq.read_table(self.data_path, columns=wanted)
        frame = table.to_pandas()
        frame = frame.set_index("row").sort_index()
        frame.index = frame.index.astype("int64")
        for col in frame.columns:
            if col in self.levels:
                frame[col] = pd.Categorical(frame[col], categories=self.levels[col], ordered=True)
            elif col in self.dates:
                frame[col] = frame[col].astype("datetime64[ns]")
            elif col == "days_to_close":
                frame[col] = frame[col].astype("float64")
            else:
                frame[col] = frame[col].astype("str")
        frame.attrs.update(self.attrs)
        return frame

    def sql_source(self) -> str:
        """The clean rows as a DuckDB table expression (``read_parquet('…')``), for your
        own queries: ``duckdb.sql(f"select count(*) from {result.sql_source()}")``."""
        path = str(self.data_path).replace("'", "''")
        return f"read_parquet('{path}')"

"""The load result: problems found while loading, the quarantine, and LoadResult.

A row is loaded or quarantined, never dropped: :class:`Problems` collects
(row, column, value, reason, kind) as a loader finds them, and :func:`finish` splits
the parsed frame into clean data and quarantine, checking ``n_read == n_loaded +
n_quarantined``.

Every problem has a *kind* (the quarantine's ``problem`` column): a short name for
what is wrong, shared by every value with the same fault ("dates not accepted",
"unknown planning labels", "duplicate complaint_id"), while ``reason`` is the full
sentence for that value with its fix. :meth:`LoadResult.summary` and
:meth:`LoadResult.reasons` count problems by column and kind, so 12,804 bad dates are
one line, not one per distinct value. The code that finds a problem names its kind
(parsers return kinds alongside reasons, see :class:`coprod.io.parse.Parsed`); a
problem added without one is its own kind, named by its reason (so nothing is ever
lumped together by guessing from the text).
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import plural, wrap_text
from coprod.io.parse import Parsed, as_text

__all__ = [
    "QUARANTINE_COLUMNS",
    "InputError",
    "LoadAccount",
    "LoadResult",
    "Problem",
    "Problems",
    "QuarantineWarning",
    "finish",
    "finish_selected",
    "warn_if_quarantined",
]


#: Columns of every quarantine table, in this order: one row per problem. ``problem`` is
#: the problem's kind (short, shared by all values with the same fault), ``reason`` the
#: full sentence for this value, with the fix.
QUARANTINE_COLUMNS = ("file", "row", "column", "value", "problem", "reason")

# --------------------------------------------------------------------------- errors


class InputError(ValueError):
    """A problem with the user's input file or arguments, said so they can fix it.

    The message names the file, the row (as a spreadsheet shows it: header = row 1),
    the column, the problem and what would fix it. The parts are also kept as
    attributes ``file``, ``row``, ``column``, ``problem`` and ``fix``.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | str | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: {self.problem}" if where else self.problem
        if self.fix:
            text = f"{text}\nFix: {self.fix}"
        return text


class QuarantineWarning(UserWarning):
    """Some rows of a file were put in quarantine instead of being loaded."""


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One problem in one cell: the row number as a spreadsheet shows it, the column
    as named in the user's file, the value as read, a reason that says the fix, and
    the problem's kind (``None``: the reason itself names the kind, see :attr:`problem`)."""

    row: int
    column: str
    value: Any
    reason: str
    kind: str | None = None

    @property
    def problem(self) -> str:
        """The kind, as in the quarantine's ``problem`` column (the reason when no kind
        was given)."""
        return self.kind or self.reason


class Problems:
    """Collects problems found while loading one file.

    Rows are identified by the frame's index labels, which :func:`read_raw_table`
    sets to the row numbers a spreadsheet shows. A row with any problem goes wholly
    to quarantine (see :meth:`split` and :func:`finish`).
    """

    def __init__(self, source: str | Path) -> None:
        self.source = str(source)
        # in the order added: single problems, and (rows, column, values, reasons, kinds)
        # batches (kinds: one kind for all, or one per problem; None = the reason)
        self._parts: list[
            Problem | tuple[np.ndarray, str, list[Any], list[str], str | list | None]
        ] = []

    def add(self, row: int, column: str, value: Any, reason: str, kind: str | None = None) -> None:
        """Record one problem (``kind``: its short kind, see :class:`Problem`)."""
        self._parts.append(
            Problem(int(row), str(column), value, str(reason), None if kind is None else str(kind))
        )

    def add_many(
        self,
        rows: Sequence[int] | np.ndarray,
        column: str,
        values: Sequence[Any] | Any,
        reasons: Sequence[str] | str | Any,
        kind: str | Sequence[str | None] | Any | None = None,
    ) -> None:
        """Record problems in one column for many rows at once (for vectorised loaders).

        ``rows`` and ``values`` (the cells as read) have one entry per problem;
        ``reasons`` too, or is one reason for all of them; ``kind`` is one kind for
        all of them, one per problem, or None (each reason is its own kind). ``values``,
        ``reasons`` and ``kind`` may be pyarrow text arrays (also dictionary arrays):
        they are kept as they are until the quarantine is built, which is then built
        with pyarrow rather than Python lists (a million problems in well under a second).
        """
        rows = np.asarray(rows, dtype=np.int64).ravel()
        if not len(rows):
            return
        if not _is_arrow(values):
            values = list(values)
        if isinstance(reasons, str):
            reasons = [reasons] * len(rows)
        elif not _is_arrow(reasons):
            reasons = [r if type(r) is str else str(r) for r in reasons]
        if not len(values) == len(reasons) == len(rows):
            raise ValueError(
                f"add_many: {len(rows)} rows, {len(values)} values and {len(reasons)} reasons"
            )
        if kind is not None and not isinstance(kind, str):
            if not _is_arrow(kind):
                kind = [None if k is None else str(k) for k in kind]
            if len(kind) != len(rows):
                raise ValueError(f"add_many: {len(rows)} rows but {len(kind)} kinds")
        self._parts.append((rows, str(column), values, reasons, kind))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems made elsewhere (e.g. by :func:`duplicate_key_problems`), in
        batches of one column and kind (the quarantine orders problems by row)."""
        batches: dict[tuple[str, str | None], list[Problem]] = {}
        for p in problems:
            batches.setdefault((p.column, p.kind), []).append(p)
        for (column, kind), batch in batches.items():
            self.add_many(
                [p.row for p in batch],
                column,
                [p.value for p in batch],
                [p.reason for p in batch],
                kind,
            )

    def add_parsed(
        self, parsed: Parsed, raw_values: pd.Series, column: str, kind: str | None = None
    ) -> None:
        """Record every value a parser refused (``parsed.problems`` not NA).

        Each problem's kind is the parser's (``parsed.kinds``), else ``kind``, else
        its reason.
        """
        bad = parsed.problems.notna()
        kinds = parsed.kinds
        for row in parsed.problems.index[bad]:
            found = None if kinds is None else kinds.loc[row]
            self.add(
                row,
                column,
                raw_values.loc[row],
                parsed.problems.loc[row],
                found if isinstance(found, str) else kind,
            )

    @property
    def rows(self) -> set[int]:
        """Distinct row numbers with at least one problem."""
        out = {p.row for p in self._parts if isinstance(p, Problem)}
        for part in self._parts:
            if not isinstance(part, Problem):
                out.update(part[0].tolist())
        return out

    def __len__(self) -> int:
        return sum(1 if isinstance(p, Problem) else len(p[0]) for p in self._parts)

    def __iter__(self):
        for part in self._parts:
            if isinstance(part, Problem):
                yield part
            else:
                rows, column, values, reasons, kind = part
                values, reasons, kind = (
                    v.to_pylist() if _is_arrow(v) else v for v in (values, reasons, kind)
                )
                kinds = kind if isinstance(kind, list) else [kind] * len(rows)
                for row, value, reason, k in zip(
                    rows.tolist(), values, reasons, kinds, strict=True
                ):
                    yield Problem(row, column, value, reason, k)

    def to_frame(self) -> pd.DataFrame:
        """The quarantine table: one row per problem, columns :data:`QUARANTINE_COLUMNS`,
        ordered by row (problems of one row in the order they were added)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        text = pa.large_string()
        rows: list[np.ndarray] = []
        columns: list[np.ndarray] = []  # codes into ``names``
        values: list[Any] = []
        reasons: list[Any] = []
        kinds: list[Any] = []
        names: dict[str, int] = {}
        singles: list[Problem] = []

        def as_text_array(items: Any) -> Any:
            if _is_arrow(items):
                return items.cast(text)
            return pa.array(items, type=text)

        def flush() -> None:
            if singles:
                rows.append(np.array([p.row for p in singles], dtype=np.int64))
                columns.append(np.array([names.setdefault(p.column, len(names)) for p in singles]))
                values.append(_shown_values([p.value for p in singles]))
                reasons.append(pa.array([p.reason for p in singles], type=text))
                kinds.append(pa.array([p.problem for p in singles], type=text))
                singles.clear()

        for part in self._parts:
            if isinstance(part, Problem):
                singles.append(part)
                continue
            flush()
            part_rows, column, part_values, part_reasons, kind = part
            n = len(part_rows)
            rows.append(part_rows)
            columns.append(np.full(n, names.setdefault(column, len(names))))
            values.append(_shown_values(part_values))
            part_reasons = as_text_array(part_reasons)
            reasons.append(part_reasons)
            if kind is None:  # each reason is its own kind
                kinds.append(part_reasons)
            elif isinstance(kind, str):
                kinds.append(pa.array([kind], type=text).take(pa.array(np.zeros(n, np.int64))))
            else:  # one per problem; None: the reason
                kinds.append(pc.coalesce(as_text_array(kind), part_reasons))
        flush()
        every_row = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
        n = len(every_row)
        in_order = n < 2 or bool((every_row[1:] >= every_row[:-1]).all())
        order = None if in_order else pa.array(np.argsort(every_row, kind="stable"))

        def strings(arrays: list[Any]) -> pd.Series:
            joined = pa.concat_arrays(arrays) if len(arrays) != 1 else arrays[0]
            return _str_series(joined if order is None else joined.take(order))

        codes = np.concatenate(columns).astype(np.int64) if columns else np.zeros(0, np.int64)
        codes = codes if order is None else codes[order.to_numpy()]
        every_row = every_row if order is None else every_row[order.to_numpy()]
        files = pa.array([self.source], type=text).take(pa.array(np.zeros(n, np.int64)))
        empty = [pa.array([], type=text)]
        return pd.DataFrame(
            {
                "file": _str_series(files),
                "row": pd.Series(every_row, dtype="int64"),
                "column": _str_series(pa.array(list(names), type=text).take(pa.array(codes))),
                "value": strings(values or empty),
                "problem": strings(kinds or empty),
                "reason": strings(reasons or empty),
            },
            columns=list(QUARANTINE_COLUMNS),
        )

    def _row_numbers(self) -> np.ndarray:
        """Distinct row numbers with at least one problem, sorted (int64)."""
        parts = [np.array([p.row for p in self._parts if isinstance(p, Problem)], dtype=np.int64)]
        parts += [part[0] for part in self._parts if not isinstance(part, Problem)]
        rows = np.sort(np.concatenate(parts))  # (np.unique hashes: slower for big arrays)
        return rows[np.r_[True, rows[1:] != rows[:-1]]] if len(rows) else rows

    def keep(self, index: pd.Index) -> np.ndarray:
        """Boolean mask over ``index`` (a frame's row numbers): True for the rows
        without problems."""
        rows = self._row_numbers()
        values = index.to_numpy()
        keep = np.ones(len(values), dtype=bool)
        if values.dtype.kind in "iu" and (
            len(values) < 2 or bool((values[1:] > values[:-1]).all())
        ):
            # row numbers in order (as read): binary search, no hashing of the whole index
            pos = np.searchsorted(values, rows)
            found = pos < len(values)
            found[found] = values[pos[found]] == rows[found]
            unknown = rows[~found]
            keep[pos[found]] = False
        else:
            unknown = rows[~pd.Index(rows).isin(index)]
            keep = ~index.isin(rows)
        if len(unknown):
            raise RuntimeError(
                f"internal error: problems reported for rows {unknown[:5].tolist()} "
                f"that are not in the frame read from {self.source}"
            )
        return keep

    def split(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split ``frame`` into (rows without problems, quarantine table)."""
        keep = self.keep(frame.index)
        # positional take: much faster than .loc[mask] for large frames of text columns
        clean = frame.take(np.flatnonzero(keep))
        return clean, self.to_frame()


def _is_arrow(values: Any) -> bool:
    return type(values).__module__.startswith("pyarrow")


def _str_series(arr: Any) -> pd.Series:
    """A pandas ``str`` Series of a pyarrow text array without nulls."""
    return pd.Series(arr.to_pandas().array, dtype="str", copy=False)


#: A cell shown as blank in the quarantine when it holds only these (what ``str.strip``
#: removes: ASCII and Unicode spaces, separators and the C0 separators).
_ONLY_SPACE = r"^[\t\n\x0b\x0c\r\x1c-\x1f\x85\pZ]*$"


def _shown_values(values: Any) -> Any:
    """The cells as the quarantine shows them (text; blank if only spaces), as a pyarrow
    array: text as read, other values (Excel numbers, dates) as :func:`as_text` writes them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if _is_arrow(values):
        arr = values.cast(pa.large_string())
        if arr.null_count:
            arr = arr.fill_null("")
    else:
        if not all(type(v) is str for v in values):
            values = [v if type(v) is str else as_text(v) for v in values]
        arr = pa.array(values, type=pa.large_string())
    if not len(arr):
        return arr
    blank = pc.match_substring_regex(arr, pattern=_ONLY_SPACE)
    if not pc.any(blank).as_py():
        return arr
    return pc.if_else(blank, pa.scalar("", pa.large_string()), arr)


# --------------------------------------------------------------------------- result


class LoadAccount:
    """What every load result says of itself, from ``quarantine``, ``n_read``,
    ``n_loaded``, ``n_quarantined``, ``source``, ``kind``, ``encoding`` and ``notes``:
    shared by :class:`LoadResult` (in memory) and
    :class:`coprod.io.stored.StoredLoadResult` (clean rows kept as Parquet)."""

    quarantine: pd.DataFrame
    n_read: int
    source: str
    kind: str
    encoding: str | None
    notes: tuple[str, ...]

    def reasons(self, *, detail: bool = False) -> pd.DataFrame:
        """Problems counted by column and kind (``problem``), most rows first.

        Columns: ``column``, ``problem`` (the kind), ``rows`` (distinct rows with it),
        ``problems`` (how many), ``first_row``, ``example`` (the value on the first
        row) and ``reason`` (the full reason given for that example). With
        ``detail=True`` every distinct reason has its own line.
        """
        q = self.quarantine
        out_columns = ["column", "problem", "rows", "problems", "first_row", "example", "reason"]
        if q.empty:
            return pd.DataFrame(
                {
                    c: pd.Series(dtype="int64" if c in ("rows", "problems", "first_row") else "str")
                    for c in out_columns
                }
            )
        keys = ["column", "problem", "reason"] if detail else ["column", "problem"]
        first = q.sort_values("row", kind="stable").drop_duplicates(keys)
        where = (
            q["file"].astype(str) + "\0" + q["row"].astype(str)
            if q["file"].nunique() > 1
            else q["row"]
        )
        counted = (
            q.assign(_where=where)
            .groupby(keys, sort=False)
            .agg(rows=("_where", "nunique"), problems=("row", "size"), first_row=("row", "min"))
            .reset_index()
        )
        out = counted.merge(
            first[[*keys, "value", *([] if detail else ["reason"])]].rename(
                columns={"value": "example"}
            ),
            on=keys,
            how="left",
        )
        return (
            out[out_columns]
            .sort_values(["rows", "first_row"], ascending=[False, True], kind="stable")
            .reset_index(drop=True)
        )

    def summary(self, top: int = 5) -> str:
        """A plain-words account: file, kind, encoding, counts, main problems, notes.

        Problems are grouped by column and kind, one line each, e.g.
        ``12,804 rows, column 'received': dates not accepted, e.g. '2014-Jan-14 13:48:01'``.
        """
        lines = [
            f"{self.source} ({self.kind})",
            f"  encoding: {self.encoding or 'n/a (not a text file)'}",
            f"  rows read: {self.n_read:,}",
            f"  rows loaded: {self.n_loaded:,}",
            f"  rows quarantined: {self.n_quarantined:,}"
            + (" (see .quarantine, one line per problem)" if self.n_quarantined else ""),
        ]
        if self.n_quarantined:
            reasons = self.reasons()
            lines.append("  problems:")
            for rec in reasons.head(top).itertuples(index=False):
                lines.append(f"    {_problem_line(rec)}")
            if len(reasons) > top:
                lines.append(
                    f"    ... and {plural(len(reasons) - top, 'other kind')} (see .reasons())"
                )
        if self.notes:
            lines.append("  notes:")
            lines.extend(f"    - {note}" for note in self.notes)
        return wrap_text("\n".join(lines))

    def raise_if_quarantined(self, limit: int = 10) -> LoadAccount:
        """Raise :class:`InputError` listing the first problems, or return ``self``."""
        if not self.n_quarantined:
            return self
        q = self.quarantine.head(limit)
        listed = "\n".join(
            f"  row {r.row}, column {r.column!r}, value {r.value!r}: {r.reason}"
            for r in q.itertuples(index=False)
        )
        more = len(self.quarantine) - len(q)
        if more:
            listed += f"\n  ... and {more} more problems"
        raise InputError(
            f"{self.n_quarantined} of {self.n_read} rows have problems:\n{listed}",
            file=self.source,
            fix="correct these cells in the file and load it again, or work with "
            ".data (the rows that loaded) and inspect .quarantine",
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.kind} {self.source!r}: {self.n_read} read, "
            f"{self.n_loaded} loaded, {self.n_quarantined} quarantined)"
        )

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


@dataclass(frozen=True, eq=False, repr=False)
class LoadResult(LoadAccount):
    """What a loader returns: clean data, the quarantine and an account of both.

    ``quarantine`` has one row per *problem* (columns :data:`QUARANTINE_COLUMNS`:
    ``file, row, column, value, problem, reason``); a row with two problems appears
    twice there but counts once in ``n_quarantined``. ``n_read == n_loaded +
    n_quarantined`` always holds, counting rows of the file. ``data.index`` holds each
    row's number in the source file (as a spreadsheet shows it).

    ``rows_loaded`` is set only by loaders whose ``data`` has more than one row per
    row of the file (:func:`coprod.io.read_survey_table`: one per item and answer);
    it is then the number of the file's rows in ``data``.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    n_read: int
    source: str
    kind: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    rows_loaded: int | None = None

    def __post_init__(self) -> None:
        if tuple(self.quarantine.columns) != QUARANTINE_COLUMNS:
            raise RuntimeError(
                f"internal error: quarantine columns are {list(self.quarantine.columns)}, "
                f"expected {list(QUARANTINE_COLUMNS)}"
            )
        if self.n_read != self.n_loaded + self.n_quarantined:
            raise RuntimeError(
                f"internal error loading {self.source}: {self.n_read} rows read but "
                f"{self.n_loaded} loaded + {self.n_quarantined} quarantined"
            )

    @property
    def attribution(self):
        """The :class:`~coprod.provenance.Source` the data carries (set by
        :func:`coprod.datasets.load_dataset`; None for a user's own file). ``source`` is the
        file read."""
        from coprod.provenance import source_of

        return source_of(self.data)

    @property
    def n_loaded(self) -> int:
        """Rows of the file in ``data`` (``len(data)`` unless ``rows_loaded`` says)."""
        return len(self.data) if self.rows_loaded is None else int(self.rows_loaded)

    @cached_property  # (the quarantine never changes: counted once)
    def n_quarantined(self) -> int:
        """Distinct rows with at least one problem (rows of different files are different
        rows, for loaders that read a folder of files)."""
        q = self.quarantine
        if q.empty or q["file"].nunique() <= 1:
            return int(q["row"].nunique())
        return int(len(q.drop_duplicates(["file", "row"])))


def _problem_line(rec: Any) -> str:
    """One summary line: rows, column, kind and an example (unless the kind is the reason,
    which then shows the value itself)."""
    text = f"{plural(int(rec.rows), 'row')}, column {rec.column!r}: {rec.problem}"
    if rec.problem != rec.reason:
        text += f", e.g. {rec.example!r}"
    return text


def finish(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    kind: str,
    encoding: str | None = None,
    notes: Iterable[str] = (),
    warn: bool = True,
    stacklevel: int = 3,
) -> LoadResult:
    """Split a fully parsed ``frame`` (every row read) into a :class:`LoadResult`.

    Rows with any problem go to quarantine; a :class:`QuarantineWarning` tells the
    user how many (unless ``warn=False``).
    """
    clean, quarantine = problems.split(frame)
    return _finished(
        clean, quarantine, len(frame), problems.source, kind, encoding, notes, warn, stacklevel
    )


def finish_selected(
    index: pd.Index,
    select: Callable[[np.ndarray], pd.DataFrame],
    problems: Problems,
    *,
    kind: str,
    encoding: str | None = None,
    notes: Iterable[str] = (),
    warn: bool = True,
    stacklevel: int = 3,
) -> LoadResult:
    """As :func:`finish`, for loaders that build the clean frame themselves.

    ``index`` holds the row numbers of every row read; ``select(keep)`` must return
    the frame of the rows where the boolean mask ``keep`` (one entry per row of
    ``index``) is True, with ``index[keep]`` as its index. For big files this avoids
    building every column for all rows only to take the clean ones afterwards;
    ``select`` then runs in a thread of its own (while the quarantine table is built),
    so it must not touch ``problems``.
    """
    keep = problems.keep(index)
    if len(index) >= 50_000:
        # the quarantine table (Python objects) is built while ``select`` runs: its
        # array work (pyarrow, numpy) mostly releases the GIL
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            selected = pool.submit(select, keep)
            quarantine = problems.to_frame()
            clean = selected.result()
    else:
        clean = select(keep)
        quarantine = problems.to_frame()
    if len(clean) != int(np.count_nonzero(keep)):
        raise RuntimeError(
            f"internal error: {len(clean)} clean rows selected from {problems.source}, "
            f"expected {int(np.count_nonzero(keep))}"
        )
    return _finished(
        clean,
        quarantine,
        len(index),
        problems.source,
        kind,
        encoding,
        notes,
        warn,
        stacklevel,
    )


def warn_if_quarantined(result: LoadResult, *, stacklevel: int = 2) -> None:
    """Tell the user, with a :class:`QuarantineWarning`, how many rows were quarantined
    and in which columns (nothing when none were)."""
    if not result.n_quarantined:
        return
    by_column = result.quarantine["column"].value_counts(sort=True)
    where = ", ".join(f"{col!r} ({n})" for col, n in by_column.head(5).items())
    if len(by_column) > 5:
        where += ", ..."
    warnings.warn(
        f"{result.source}: {result.n_quarantined} of {result.n_read} rows quarantined "
        f"(see .quarantine and .summary()); problems by column: {where}",
        QuarantineWarning,
        stacklevel=stacklevel + 1,
    )


def _finished(
    clean: pd.DataFrame,
    quarantine: pd.DataFrame,
    n_read: int,
    source: str,
    kind: str,
    encoding: str | None,
    notes: Iterable[str],
    warn: bool,
    stacklevel: int,
) -> LoadResult:
    """The :class:`LoadResult`, with the warning (``stacklevel`` as seen by the
    public function that called this)."""
    result = LoadResult(
        data=clean,
        quarantine=quarantine,
        n_read=n_read,
        source=source,
        kind=kind,
        encoding=encoding,
        notes=tuple(notes),
    )
    if warn:
        warn_if_quarantined(result, stacklevel=stacklevel + 1)
    return result

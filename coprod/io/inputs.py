"""What a reader may be given: a file, a list of files, a folder of files of one layout,
or a DataFrame already in memory; and how the results of several files become one.

A folder or a list is loaded as one table: each file is read (and vetted) on its own
by the same reader, then the results are combined. The file of each row is kept (a
``file`` column, and the quarantine's own ``file``), keys are checked for duplicates
across files too, and every file must have the same layout (the same columns for the
same fields), or the load stops and names the file that differs.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from coprod._core.text import plural, rows_text
from coprod.io.raw import SUPPORTED_EXTENSIONS
from coprod.io.result import (
    QUARANTINE_COLUMNS,
    InputError,
    LoadResult,
    QuarantineWarning,
    warn_if_quarantined,
)

__all__ = [
    "FILE_COLUMN",
    "combine_results",
    "input_files",
    "is_many",
    "reads_many",
]

#: Column of a combined load's ``data`` naming the file each row came from.
FILE_COLUMN = "file"

Source = str | os.PathLike | Sequence[str | os.PathLike] | pd.DataFrame


def is_many(source: Any) -> bool:
    """Whether ``source`` is several files: a folder, or a list or tuple of paths."""
    if isinstance(source, list | tuple):
        return True
    return isinstance(source, str | os.PathLike) and Path(source).is_dir()


def input_files(source: str | os.PathLike | Sequence[str | os.PathLike]) -> list[Path]:
    """The files of a folder (those coprod can read, sorted by name) or of a list."""
    if isinstance(source, list | tuple):
        odd = next((p for p in source if not isinstance(p, str | os.PathLike)), None)
        if odd is not None:
            raise InputError(
                f"a list of files must hold paths, not {type(odd).__name__} objects",
                fix="pass the paths of the files; to load several DataFrames as one, "
                "pd.concat them first and pass the result",
            )
        files = [Path(p) for p in source]
        if not files:
            raise InputError("the list of files is empty", fix="pass at least one file")
        absent = [str(p) for p in files if not p.is_file()]
        if absent:
            raise InputError(
                f"{plural(len(absent), 'file')} of the list not found: {', '.join(absent[:5])}",
                fix="check the paths",
            )
        seen: dict[Path, Path] = {}
        for p in files:
            if p.resolve() in seen:
                raise InputError(
                    f"the list names one file twice: {seen[p.resolve()]} and {p}",
                    fix="list each file once",
                )
            seen[p.resolve()] = p
        return files
    folder = Path(source)
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.name.lower().endswith(SUPPORTED_EXTENSIONS)
        and not p.name.startswith((".", "~$"))
        and p.suffix.lower() != ".txt"  # SOURCE.txt, README.txt: documentation, not data
    )
    if not files:
        raise InputError(
            "the folder has no file coprod can read",
            file=folder,
            fix=f"put the files ({', '.join(SUPPORTED_EXTENSIONS[:6])} ...) in it, or pass "
            "a list of files",
        )
    return files


def combine_results(
    results: Sequence[LoadResult],
    *,
    source: str,
    kind: str,
    key: Sequence[str] = (),
    key_columns: dict[str, str] | None = None,
    row_id: str | None = None,
) -> LoadResult:
    """One :class:`LoadResult` from the results of several files read the same way.

    ``data`` gains a :data:`FILE_COLUMN` first (the file each row came from); the index
    keeps each row's number in its own file. A ``key`` (fields) shared by rows of
    different files quarantines every copy, naming the other files and rows. ``row_id``
    names an id made of row numbers (a file without ids): it is prefixed with the
    file's name, as row 2 of two files are two respondents. Notes say which file they
    are about.
    """
    if not results:
        raise ValueError("combine_results needs at least one result")
    first = results[0].data.attrs.get("source_columns")
    for result in results[1:]:
        columns = result.data.attrs.get("source_columns")
        if first is not None and columns != first:
            differ = sorted(
                f for f in set(first) | set(columns or {}) if first.get(f) != columns.get(f)
            )
            raise InputError(
                "the files do not share one layout: "
                + "; ".join(
                    f"{f!r} is {first.get(f)!r} in {results[0].source} but "
                    f"{(columns or {}).get(f)!r} here"
                    for f in differ[:5]
                ),
                file=result.source,
                fix="load files of different layouts separately (each with its own columns=), "
                "then combine the data",
            )
    sources = [r.source for r in results]
    labels = _file_labels(sources)
    frames = []
    for result, label in zip(results, labels, strict=True):
        data = result.data.copy()
        data.insert(0, FILE_COLUMN, result.source)
        if row_id is not None and row_id in data.columns:
            # row numbers repeat from file to file: the file makes them one respondent each
            data[row_id] = label + ":" + data[row_id].astype(str)
        frames.append(data)
    data = pd.concat(frames)
    data.attrs = dict(results[0].data.attrs)
    data.attrs["source"] = source
    data.attrs["files"] = tuple(sources)
    quarantine = pd.concat([r.quarantine for r in results], ignore_index=True)

    notes = _file_notes(results, labels)
    if key:
        data, extra = _cross_file_duplicates(
            data, list(key), key_columns or {}, dict(zip(sources, labels, strict=True))
        )
        if len(extra):
            quarantine = pd.concat([quarantine, extra], ignore_index=True)
            notes.append(
                f"{plural(extra['row'].size, 'row')} share a {', '.join(key)} with a row of "
                "another file and were quarantined (every copy)"
            )
    encodings = {r.encoding for r in results}
    return LoadResult(
        data=data,
        quarantine=quarantine[list(QUARANTINE_COLUMNS)],
        n_read=sum(r.n_read for r in results),
        source=source,
        kind=kind,
        encoding=encodings.pop() if len(encodings) == 1 else "several",
        notes=(f"read {plural(len(results), 'file')} as one table", *notes),
    )


def _file_labels(sources: Sequence[str]) -> list[str]:
    """How each file is named in ids, notes and reasons: its name, or, when two files of
    different folders share a name, its path from the folders' common parent."""
    names = [Path(s).name for s in sources]
    if len(set(names)) == len(names):
        return names
    paths = [Path(s).resolve() for s in sources]
    common = Path(os.path.commonpath([p.parent for p in paths]))
    return [p.relative_to(common).as_posix() for p in paths]


def _file_notes(results: Sequence[LoadResult], labels: Sequence[str]) -> list[str]:
    """Notes made for every file once; the others prefixed with their file's name."""
    everywhere = set.intersection(*(set(r.notes) for r in results)) if len(results) > 1 else set()
    notes = [n for n in results[0].notes if n in everywhere]
    notes = [f"(every file) {n}" for n in notes]
    for result, name in zip(results, labels, strict=True):
        notes.extend(f"{name}: {n}" for n in result.notes if n not in everywhere)
    return notes


def _cross_file_duplicates(
    data: pd.DataFrame, key: list[str], key_columns: dict[str, str], labels: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(data without rows whose key is also in another file, their quarantine rows);
    ``labels`` names each file (:func:`_file_labels`)."""
    if data.empty or any(k not in data.columns for k in key):
        return data, pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    if len(key) > 1:  # a blank part is "" (as within one file), never NaN in the text
        parts = [data[k].astype(object).where(data[k].notna(), "").map(str) for k in key]
        keys = functools.reduce(lambda a, b: a + " | " + b, parts)
    else:
        keys = data[key[0]]
    files_per_key = pd.Series(data[FILE_COLUMN].to_numpy(), index=keys.to_numpy())
    spread = files_per_key.groupby(level=0).nunique()
    shared = set(spread.index[spread > 1])
    if not shared:
        return data, pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    mask = keys.isin(shared).to_numpy()
    hit = data.loc[mask]
    hit_keys = keys[mask].to_numpy()
    rows = hit.index.to_numpy()
    files = hit[FILE_COLUMN].to_numpy()
    where: dict[Any, list[str]] = {}
    names = [labels[f] for f in files]
    for k, f, r in zip(hit_keys, names, rows, strict=True):
        where.setdefault(k, []).append(f"{f} row {r}")
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    column = ", ".join(key_columns.get(k, k) for k in key)
    reasons = []
    for k, f, r in zip(hit_keys, names, rows, strict=True):
        others = [w for w in where[k] if w != f"{f} row {r}"]
        reasons.append(
            f"duplicate {label} {str(k)!r} (also in {rows_text(others, limit=3)}): keep one "
            "and remove the others"
        )
    extra = pd.DataFrame(
        {
            "file": files.astype(str),
            "row": rows.astype("int64"),
            "column": column,
            "value": [str(k) for k in hit_keys],
            "problem": f"duplicate {label} across files",
            "reason": reasons,
        },
        columns=list(QUARANTINE_COLUMNS),
    )
    return data.loc[~mask], extra


def reads_many(
    *,
    kind: str,
    key: Callable[[LoadResult], list[str]],
    agree: Callable[
        [Sequence[LoadResult], Mapping[str, Any]], Mapping[int, tuple[dict[str, Any], str]]
    ]
    | None = None,
) -> Callable[[Callable[..., LoadResult]], Callable[..., LoadResult]]:
    """Let a one-file reader take a folder or a list of files (see the module docstring).

    ``key(result)`` gives the fields that must be unique across files (``[]`` for none).
    A reader that numbers rows when a file has no ids says so in ``data.attrs``
    (``ids_from_rows`` and ``id_field``); those ids are kept distinct across files
    (:func:`combine_results`'s ``row_id``). The reader is called
    once per file with the same options; a DataFrame or a single file goes straight to it.
    ``agree(results, options)`` may name files to read again so that they agree with the
    others: ``{position: (extra options, note)}`` (the note is added to that file's).
    """

    def wrap(reader: Callable[..., LoadResult]) -> Callable[..., LoadResult]:
        @functools.wraps(reader)
        def read(source: Source, *args: Any, **options: Any) -> LoadResult:
            if not is_many(source):
                return reader(source, *args, **options)
            if options.get("engine") in ("duckdb", "spark"):
                raise InputError(
                    f"engine={options['engine']!r} reads one file at a time; "
                    f"{source if isinstance(source, str | Path) else 'these files'} is several",
                    fix="read each file out of core on its own, or pass engine='pandas' to "
                    "read them in memory as one log",
                )
            if kind == "complaints" and options.get("engine", "auto") == "auto":
                options = {**options, "engine": "pandas"}  # combined in memory, as one log
            files = input_files(source)
            with warnings.catch_warnings():  # one warning for the whole table, below
                warnings.simplefilter("ignore", QuarantineWarning)
                results = [reader(path, *args, **options) for path in files]
                for i, (extra, note) in (agree(results, options) if agree else {}).items():
                    again = reader(files[i], *args, **{**options, **extra})
                    results[i] = dataclasses.replace(again, notes=(note, *again.notes))
            first = results[0]
            source_columns = first.data.attrs.get("source_columns", {})
            combined = combine_results(
                results,
                source=str(source)
                if not isinstance(source, list | tuple)
                else f"{len(results)} files",
                kind=kind,
                key=key(first),
                key_columns=dict(source_columns),
                row_id=first.data.attrs.get("id_field")
                if first.data.attrs.get("ids_from_rows")
                else None,
            )
            warn_if_quarantined(combined, stacklevel=2)
            return combined

        return read

    return wrap

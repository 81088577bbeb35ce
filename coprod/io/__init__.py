"""Loading files real councils publish: one layer every reader is built on.

Rooms, in the order a file goes through them:

* :mod:`~coprod.io.raw`: bytes to a :class:`RawTable` of text cells (encodings,
  delimiters, header rows, sheets), nothing coerced.
* :mod:`~coprod.io.columns`: find the columns a schema needs (:func:`resolve_columns`).
* :mod:`~coprod.io.parse` and :mod:`~coprod.io.dates`: numbers, and the one date parser
  (day/month order decided per column from the values, never per value).
* :mod:`~coprod.io.validate`: duplicate keys and pandera checks, as row problems.
* :mod:`~coprod.io.result`: :class:`Problems`, :func:`finish` and :class:`LoadResult`;
  :mod:`~coprod.io.stored`: :class:`StoredLoadResult`, a load kept as Parquet (out of core).
* :mod:`~coprod.io.schemas`: the declared fields of each kind of table.

The readers sit on top: :func:`read_survey`, :func:`read_survey_table` (published
tables of shares), :func:`read_complaints`, :func:`read_report_counts` and
:func:`read_denominators`, :func:`read_practices` (a catalogue of practices on the
grid) and :func:`read_initiatives` (petitions, requests and community plans residents
submitted).
"""

from __future__ import annotations

from coprod._core.lazy import lazy_attributes

_NAMES = {
    # result
    "QUARANTINE_COLUMNS": "result",
    "InputError": "result",
    "LoadAccount": "result",
    "LoadResult": "result",
    "StoredLoadResult": "stored",
    "Problem": "result",
    "Problems": "result",
    "QuarantineWarning": "result",
    "finish": "result",
    "finish_selected": "result",
    # raw reading
    "SUPPORTED_EXTENSIONS": "raw",
    "RawTable": "raw",
    "detect_encoding": "raw",
    "read_raw_table": "raw",
    # columns
    "map_columns": "columns",
    "resolve_columns": "columns",
    # values
    "MISSING_TEXT": "parse",
    "Parsed": "parse",
    "as_text": "parse",
    "is_blank": "parse",
    "parse_numbers": "parse",
    "COMMAND_LINE": "dates",
    "DATE_ORDERS": "dates",
    "PYTHON": "dates",
    "OptionSpelling": "dates",
    "ParsedDates": "dates",
    "parse_date": "dates",
    "parse_date_columns": "dates",
    "parse_dates": "dates",
    # validation
    "duplicate_key_problems": "validate",
    "problems_from_failure_cases": "validate",
    "validate_lazily": "validate",
    # readers
    "read_survey": "survey",
    "read_survey_table": "survey_table",
    "read_complaints": "complaint_log",
    "read_report_counts": "counts",
    "read_denominators": "counts",
    "read_practices": "practices",
    "read_initiatives": "initiatives",
}
_SUBMODULES = (
    "columns",
    "complaint_engine",
    "complaint_log",
    "counts",
    "dates",
    "initiatives",
    "parse",
    "practices",
    "raw",
    "result",
    "schemas",
    "stored",
    "survey",
    "survey_table",
    "validate",
)

__getattr__, __dir__, __all__ = lazy_attributes(__name__, _NAMES, _SUBMODULES)

"""Results as a person reads them in JupyterLab: tables that wrap, rounded numbers,
readable labels (pure; nothing is printed).

``readable_table(result)`` is the last line of a notebook cell that shows a result table:
a pandas ``Styler``, drawn as HTML, whose long text (a ``reason``) wraps at word
boundaries instead of being cut off, whose numbers are rounded, and whose column names
and known keys (``"xmr"``, ``"special_cause_concern"``, ``"median_days_to_close"``) read as
the charts and summaries word them. The table itself is not changed: ``.data`` is a copy
of it with its own values.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is loaded when a table is shown, not when coprod is imported
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = ["BLANK", "LONG_TEXT", "column_label", "readable_table"]

#: What a missing value shows as.
BLANK = "\u2013"
#: Text longer than this (characters) makes a long-text column: it wraps within a width.
LONG_TEXT = 40

# Long text wraps at spaces, within a column wide enough to read a line at a time; a word
# longer than the column (a path, a URL) is the only thing broken mid-word.
_LONG_TEXT_CSS = (
    "text-align: left; white-space: normal; word-break: normal; overflow-wrap: anywhere; "
    "min-width: 18em; max-width: 36em;"
)
_TEXT_CSS = "text-align: left; white-space: normal; word-break: normal;"
_NUMBER_CSS = "text-align: right; white-space: nowrap;"
# Headers wrap at spaces too, so a long label does not widen a column of short numbers.
_HEADER_CSS = "white-space: normal; word-break: normal; vertical-align: bottom;"
_CAPTION_CSS = "caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.5em;"


def _known_labels() -> tuple[dict[Any, str], dict[str, Mapping[Any, str]]]:
    """The package's own words: column names of measures, and the keys of known columns
    (the words the charts, summaries and explorers use)."""
    from coprod.complaints import MEASURES
    from coprod.timeseries.spc import ASSURANCE_LABELS, CHART_NAMES, VARIATION_LABELS

    # A measure's own column is labelled as its charts label it; "count" and "rate" are
    # too generic for that (a count of reports is not a count of complaints).
    columns = {
        column: label
        for column, label in ((entry[1], entry[3]) for entry in MEASURES.values())
        if column not in ("count", "rate")
    }
    values = {
        "measure": {key: entry[3] for key, entry in MEASURES.items()},
        "chart": CHART_NAMES,
        "variation": VARIATION_LABELS,
        "assurance": ASSURANCE_LABELS,
    }
    return columns, values


def column_label(name: Any, labels: Mapping[Any, str] | None = None) -> str:
    """A column name as a person reads it: ``labels[name]`` when given, else the package's
    label for it (a measure's column: ``"median_days_to_close"`` is "Median days to close"), else
    its words (``"latest_period"`` is "Latest period", ``"n_special"`` "n special")."""
    if labels and name in labels:
        return str(labels[name])
    columns, _ = _known_labels()
    if name in columns:
        return columns[name]
    if name is None:
        return ""
    words = str(name).replace("_", " ").strip()
    if not words or words == "n" or words.startswith("n "):  # "n" is the usual symbol
        return words
    return words[0].upper() + words[1:]


def readable_table(
    table: pd.DataFrame | pd.Series,
    *,
    decimals: int = 2,
    labels: Mapping[Any, str] | None = None,
    caption: str | None = None,
) -> Styler:
    """``table`` as a pandas ``Styler``: text wraps at word boundaries, numbers rounded to
    ``decimals``, column names and known keys shown with readable labels.

    - **Text** wraps at spaces; a column with text longer than :data:`LONG_TEXT`
      characters (a ``reason``) is kept between 18 and 36 em wide, so it reads as lines,
      never cut off. Text is HTML-escaped.
    - **Numbers**: integers as integers; a column of floats with ``decimals`` places
      (``44.83``), as integers when every value is whole; missing values as
      :data:`BLANK`. Booleans read "yes" and "no"; dates as dates (months as ``2024-07``).
    - **Labels**: column and index names by :func:`column_label`; the values of the
      known columns ``measure``, ``chart``, ``variation`` and ``assurance`` in the words of
      the charts (``"xmr"`` is "XmR chart"). ``labels`` overrides and extends them, for
      names and for text values alike.
    - The **index** is hidden unless it is meaningful (named, or not a plain row number).

    ``caption`` is shown above the table.
    """
    import pandas as pd

    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a whole number of 0 or more, not {decimals!r}")
    if isinstance(table, pd.Series):
        table = table.to_frame()
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"readable_table shows a DataFrame or a Series, not {type(table).__name__}")
    frame = table.copy()
    labels = dict(labels or {})
    _, known_values = _known_labels()

    def name(value: Any) -> str:
        return html.escape(column_label(value, labels))

    meaningful_index = _meaningful(frame.index)
    frame.index.names = [
        column_label(n, labels) if n is not None else None for n in frame.index.names
    ]
    frame.columns.names = [
        column_label(n, labels) if n is not None else None for n in frame.columns.names
    ]

    formatters: dict[Any, Callable[[Any], str]] = {}
    column_css: dict[Any, str] = {}
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        value_labels = {**known_values.get(column, {}), **labels}
        formatters[column] = _formatter(values, decimals, value_labels)
        column_css[column] = _column_css(values, formatters[column])

    styler = frame.style.format(formatters, na_rep=BLANK)
    styler = styler.format_index(name, axis="columns")
    if meaningful_index:
        index_values = frame.index.to_frame(index=False)
        index_format = [
            _formatter(index_values.iloc[:, k], decimals, labels)
            for k in range(frame.index.nlevels)
        ]
        for level, format_level in enumerate(index_format):
            styler = styler.format_index(format_level, axis="index", level=level, na_rep=BLANK)
    else:
        styler = styler.hide(axis="index")
    styles: dict[Any, list[dict[str, str]]] = {
        column: [
            {"selector": "td", "props": css},
            {
                "selector": "th",
                "props": _HEADER_CSS + (" text-align: left;" if "left" in css else ""),
            },
        ]
        for column, css in column_css.items()
        if not isinstance(column, tuple)  # a MultiIndex column is styled by the table rules
    }
    styler = styler.set_table_styles(styles, overwrite=False)
    styler = styler.set_table_styles(
        [
            {"selector": "th", "props": _HEADER_CSS},
            {"selector": "td", "props": "word-break: normal;"},
            {"selector": "caption", "props": _CAPTION_CSS},
        ],
        overwrite=False,
    )
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


def _meaningful(index: pd.Index) -> bool:
    """An index worth showing: named, or holding something other than row numbers."""
    import pandas as pd

    if any(n is not None for n in index.names):
        return True
    return not pd.api.types.is_integer_dtype(index.dtype)


def _formatter(values: pd.Series, decimals: int, labels: Mapping[Any, str]) -> Callable[[Any], str]:
    """How each value of one column is shown (missing values are the Styler's ``na_rep``)."""
    import pandas as pd

    from coprod.timeseries.spc import _fmt_period, _is_monthly

    if pd.api.types.is_bool_dtype(values.dtype):
        return lambda v: _boolean(v)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        monthly = _is_monthly(values)
        return lambda v: _fmt_period(v, monthly)
    if pd.api.types.is_integer_dtype(values.dtype):
        return lambda v: str(int(v))
    if pd.api.types.is_float_dtype(values.dtype):
        import numpy as np

        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        finite = numbers[np.isfinite(numbers)]
        places = 0 if bool((finite == np.round(finite)).all()) else decimals
        return lambda v: _number(v, places)
    # text, or a mix (object columns): each value by its own kind
    return lambda v: _any(v, decimals, labels)


def _boolean(value: Any) -> str:
    return "yes" if bool(value) else "no"


def _number(value: Any, places: int) -> str:
    value = float(value)
    if not math.isfinite(value):
        return str(value)  # inf, -inf as Python writes them
    text = f"{value:.{places}f}"
    return text.lstrip("-") if float(text) == 0 else text  # never "-0.00"


def _any(value: Any, decimals: int, labels: Mapping[Any, str]) -> str:
    import numpy as np
    import pandas as pd

    if isinstance(value, bool | np.bool_):
        return _boolean(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return _number(value, 0 if float(value).is_integer() else decimals)
    if isinstance(value, pd.Timestamp):
        from coprod.timeseries.spc import _fmt_period

        return _fmt_period(value, monthly=False)
    if isinstance(value, str) and value in labels:
        return html.escape(str(labels[value]))
    return html.escape(str(value))


def _column_css(values: pd.Series, shown: Callable[[Any], str]) -> str:
    """Left-aligned wrapping text, wider when it is long; numbers right-aligned, unbroken."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(values.dtype):
        return _TEXT_CSS
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        return _NUMBER_CSS
    texts = [html.unescape(shown(v)) for v in values if isinstance(v, str)]
    if not texts:
        return _NUMBER_CSS if len(values.dropna()) else _TEXT_CSS
    return _LONG_TEXT_CSS if max(map(len, texts)) > LONG_TEXT else _TEXT_CSS

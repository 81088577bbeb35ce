"""coprod: study the co-production of local public services.

Importing ``coprod`` is cheap: it loads no submodule. The main functions are
available at the top (``coprod.read_survey``, ``coprod.place_services``,
``coprod.spc``, ``coprod.load_dataset``, ...) and import their module on first use;
heavy dependencies (seaborn, statsmodels, ipywidgets, pandera) load only inside the
functions that need them. See ARCHITECTURE.md for where everything lives.
"""

from __future__ import annotations

from coprod._core.lazy import lazy_attributes

__version__ = "0.1.0"

_NAMES = {
    # loading
    "InputError": "io.result",
    "LoadResult": "io.result",
    "read_survey": "io.survey",
    "read_complaints": "io.complaint_log",
    "read_report_counts": "io.counts",
    "read_denominators": "io.counts",
    "parse_dates": "io.dates",
    # shipped data
    "list_datasets": "datasets",
    "load_dataset": "datasets",
    # the grid
    "place_services": "grid",
    "cell_shares": "grid",
    "movement": "grid",
    "cells": "grid",
    # complaints and time series
    "complaint_counts": "complaints",
    "seriousness": "complaints",
    "measure_series": "complaints",
    "spc": "timeseries.spc",
    "spc_overview": "timeseries.spc",
    "run_chart": "timeseries.runs",
    "seasonally_adjust": "timeseries.seasonal",
    "fill_zero_counts": "timeseries.periods",
    "consider_co_planning": "co_planning",
    # output
    "save_figure": "export",
    "export_table": "export",
    "write_index": "export",
}
_SUBMODULES = (
    "charts",
    "cli",
    "co_planning",
    "complaints",
    "datasets",
    "engagement",
    "export",
    "grid",
    "io",
    "politics",
    "privacy",
    "provenance",
    "run",
    "style",
    "synth",
    "timeseries",
    "vocab",
    "widgets",
)

__getattr__, __dir__, _public = lazy_attributes(__name__, _NAMES, _SUBMODULES)
__all__ = ["__version__", *_public]

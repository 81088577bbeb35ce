"""Time-series machinery shared by the topics: periods, SPC, seasonal adjustment.

* :mod:`~coprod.timeseries.periods`: period rules, the group x period counter and
  :func:`fill_zero_counts`.
* :mod:`~coprod.timeseries.spc`: statistical process control (Making Data Count).
* :mod:`~coprod.timeseries.rare_events`: :func:`between_events`, the gaps a g or t chart draws.
* :mod:`~coprod.timeseries.runs`: run charts with the Anhøj rules, the first look at a
  short series.
* :mod:`~coprod.timeseries.seasonal`: :func:`seasonally_adjust` before SPC.
* :mod:`~coprod.timeseries.its`: :func:`interrupted_time_series` for one series.
* :mod:`~coprod.timeseries.event_study`: :func:`event_study` for a panel with staggered events,
  :func:`first_clean_events` and :func:`join_events` for units with repeated events.
"""

from __future__ import annotations

from coprod._core.lazy import lazy_attributes

_NAMES = {
    "FREQUENCIES": "periods",
    "fill_zero_counts": "periods",
    "spc_overview": "spc",
    "spc_summary": "spc",
    "first_signal": "spc",
    "suggest_rebase": "spc",
    "overdispersion": "spc",
    "between_events": "rare_events",
    "run_chart": "runs",
    "run_chart_summary": "runs",
    "anhoej_statistics": "runs",
    "seasonally_adjust": "seasonal",
    "interrupted_time_series": "its",
    "placebo_check": "its",
    "event_study": "event_study",
    "first_clean_events": "event_study",
    "join_events": "event_study",
    "compare_effects": "event_study",
}
_SUBMODULES = ("event_study", "its", "periods", "rare_events", "runs", "seasonal", "spc")

__getattr__, __dir__, __all__ = lazy_attributes(__name__, _NAMES, _SUBMODULES)

"""Time-series machinery shared by the topics: periods, SPC, seasonal adjustment.

* :mod:`~coprod.timeseries.periods`: period rules, the group x period counter and
  :func:`fill_zero_counts`.
* :mod:`~coprod.timeseries.spc`: statistical process control (Making Data Count).
* :mod:`~coprod.timeseries.seasonal`: :func:`seasonally_adjust` before SPC.
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
    "seasonally_adjust": "seasonal",
}
_SUBMODULES = ("periods", "seasonal", "spc")

__getattr__, __dir__, __all__ = lazy_attributes(__name__, _NAMES, _SUBMODULES)

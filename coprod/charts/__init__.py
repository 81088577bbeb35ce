"""Report-quality charts for coprod.

One module per topic (:mod:`coprod.charts.grid` for Bovaird's planning x delivery
grid, :mod:`coprod.charts.ladder` for Arnstein's ladder, :mod:`coprod.charts.likert`
for diverging Likert bars). Every chart is split
seaborn-style into

* ``<x>_data(...)`` (or a table function such as ``likert_table``): a pure function
  returning the tidy :class:`pandas.DataFrame` the chart draws, and
* ``plot_<x>(data, *, ..., ax=None) -> Axes``: draws onto ``ax`` (a new, suitably
  sized figure when ``ax`` is None) and returns the Axes. Plotting functions never
  call ``show()`` or ``savefig()`` and never write files.

Importing this package is cheap: submodules load numpy, pandas and matplotlib only;
``matplotlib.pyplot`` and seaborn are imported inside the functions.
"""

from __future__ import annotations

import importlib

_SUBMODULES = ("effects", "grid", "ladder", "likert", "pfi", "politics", "runs", "scenarios", "spc")

__all__ = list(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"coprod.charts.{name}")
    raise AttributeError(f"module 'coprod.charts' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)

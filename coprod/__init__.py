"""coprod: study the co-production of local public services.

Importing ``coprod`` is cheap: it loads no submodule. Submodules are imported on
first attribute access (``coprod.grid``), and heavy dependencies (seaborn,
statsmodels, ipywidgets, pandera) only inside the functions that need them.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "charts",
    "cli",
    "complaint_log",
    "complaints",
    "counts",
    "datasets",
    "engagement",
    "export",
    "grid",
    "loading",
    "run",
    "schemas",
    "spc",
    "survey",
    "synth",
    "widgets",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"coprod.{name}")
    raise AttributeError(f"module 'coprod' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)

"""Lazy attributes for packages: ``coprod.read_survey`` imports its module on first use.

Keeps ``import coprod`` cheap (no pandas until something is used) while offering one
public surface.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, names: Mapping[str, str], submodules: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``.

    ``names`` maps a public name to the module defining it, relative to ``package``
    (``"spc"``, or ``"..io.councils"`` for a name re-exported from a sibling package);
    ``submodules`` are importable as attributes too.
    """
    public = sorted({*names, *submodules})

    def __getattr__(name: str) -> Any:
        if name in names:
            target = names[name]
            module = importlib.import_module(target if target[0] == "." else f".{target}", package)
            return getattr(module, name)
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public

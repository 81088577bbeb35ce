"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["simulate"]


def simulate(*args, **kwargs):
    raise NotImplementedError("simulate: issue 8")

"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["match_councils"]


def match_councils(*args, **kwargs):
    raise NotImplementedError("match_councils: issue 8")

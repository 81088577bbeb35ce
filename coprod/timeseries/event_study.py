"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["event_study"]


def event_study(*args, **kwargs):
    raise NotImplementedError("event_study: issue 8")

"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["read_control_history"]


def read_control_history(*args, **kwargs):
    raise NotImplementedError("read_control_history: issue 8")

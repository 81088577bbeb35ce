"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["control_changes", "change_summary", "change_rates"]


def control_changes(*args, **kwargs):
    raise NotImplementedError("control_changes: issue 8")


def change_summary(*args, **kwargs):
    raise NotImplementedError("change_summary: issue 8")


def change_rates(*args, **kwargs):
    raise NotImplementedError("change_rates: issue 8")

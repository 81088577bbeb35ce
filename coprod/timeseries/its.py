"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["interrupted_time_series", "placebo_check"]


def interrupted_time_series(*args, **kwargs):
    raise NotImplementedError("interrupted_time_series: issue 8")


def placebo_check(*args, **kwargs):
    raise NotImplementedError("placebo_check: issue 8")

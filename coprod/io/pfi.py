"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["read_pfi_projects"]


def read_pfi_projects(*args, **kwargs):
    raise NotImplementedError("read_pfi_projects: issue 8")

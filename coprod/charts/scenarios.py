"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__: list[str] = []

"""Private machinery shared by coprod's modules (not part of the public API)."""

__all__ = []

"""Placeholder: filled in by issue 8 (see ARCHITECTURE.md)."""

__all__ = ["contracts_in_force", "charges_by_sector"]


def contracts_in_force(*args, **kwargs):
    raise NotImplementedError("contracts_in_force: issue 8")


def charges_by_sector(*args, **kwargs):
    raise NotImplementedError("charges_by_sector: issue 8")

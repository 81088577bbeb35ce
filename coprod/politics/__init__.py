"""Political change: control histories, PFI contracts, effects of a change in control, scenarios.

The post's closing claim (see ``../shared/reference``): a change in who controls a council
can end co-production arrangements, while a PFI contract runs its term whoever is in control.

* Loading (in :mod:`coprod.io`, re-exported here): :func:`read_control_history`,
  :func:`read_pfi_projects`, and :func:`match_councils`, the one way any source's council
  names or ids are matched to GSS codes (:func:`match_council_codes` for GSS codes, former
  ones to current).
* :mod:`~coprod.politics.control`: :func:`control_changes`, :func:`change_summary`,
  :func:`change_rates` and :func:`yearly_change_probability` (the scenarios' ``p_change``).
* :mod:`~coprod.politics.pfi`: contracts in force per council and year, charges by
  sector, the last contract's end, the distribution of contract terms.
* :mod:`~coprod.politics.effects`: real cases, report counts joined to changes in control.
* :mod:`~coprod.politics.scenarios`: :func:`simulate`, co-production versus PFI under elections.
* General methods, from :mod:`coprod.timeseries`: :func:`interrupted_time_series`,
  :func:`event_study`.
"""

from __future__ import annotations

from coprod._core.lazy import lazy_attributes

_NAMES = {
    "read_control_history": "..io.control_history",
    "read_pfi_projects": "..io.pfi",
    "match_councils": "..io.councils",
    "match_council_codes": "..io.councils",
    "interrupted_time_series": "..timeseries.its",
    "placebo_check": "..timeseries.its",
    "event_study": "..timeseries.event_study",
    "control_changes": "control",
    "change_summary": "control",
    "change_rates": "control",
    "yearly_change_probability": "control",
    "contracts_in_force": "pfi",
    "charges_by_sector": "pfi",
    "last_contract_end": "pfi",
    "contract_terms": "pfi",
    "simulate": "scenarios",
}
_SUBMODULES = ("control", "effects", "pfi", "scenarios")

__getattr__, __dir__, __all__ = lazy_attributes(__name__, _NAMES, _SUBMODULES)

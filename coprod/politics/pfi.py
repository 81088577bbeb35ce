"""PFI contracts per council: in force each year, charges by sector, when the last one ends.

The post's claim is that a PFI contract "persists whoever controls the council". These
functions put HM Treasury's projects (:func:`coprod.io.pfi.read_pfi_projects`) on the
councils' timeline, so they can be set against control histories:

* :func:`contracts_in_force`: per council and year, the contracts in force, their
  capital value and that year's charges;
* :func:`charges_by_sector`: per council, the share of its charges in each sector;
* :func:`last_contract_end`: per council, when its last contract is expected to end;
* :func:`contract_terms`: the distribution of contract terms (years), for scenarios
  (:func:`coprod.politics.simulate` draws PFI terms from it).

Each takes the :class:`~coprod.io.pfi.PfiProjects` result itself, or its ``data`` (then
the charges are given with ``charges=``, the result's ``charges`` table). Projects whose
authority is not a council (``council_code`` missing: central departments, NHS trusts,
police and fire authorities, ...) are left out of the per-council tables.

**In force.** A contract is in force in calendar year ``Y`` when its financial close
(the contract signed) is in ``Y`` or before and its ``expected_end`` is in ``Y`` or
after: the authority is bound from signature to the end of the operational term. A
council's charges in year ``Y`` are those of the financial year starting in April of
``Y`` (``year_start == Y``: 2016 is 2016-17), HM Treasury estimates from 2016-17 on
(``charges_estimated``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod.provenance import keep_source

__all__ = ["charges_by_sector", "contract_terms", "contracts_in_force", "last_contract_end"]

#: The grouping of the per-council tables (``by=``): the GSS code and the council's name.
COUNCIL = ("council_code", "council")
#: ``sector`` of a project whose sector HM Treasury did not give.
NO_SECTOR = "(sector not provided)"

_PROJECT_COLUMNS = ("project_id", "financial_close", "expected_end")
_CHARGE_COLUMNS = ("project_id", "year_start", "charge_m", "estimated")


def _tables(
    projects: Any, charges: pd.DataFrame | None, *, what: str, need_charges: bool
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(projects frame, charges frame or None) from a PfiProjects result or frames."""
    if hasattr(projects, "data") and hasattr(projects, "charges"):
        charges = projects.charges if charges is None else charges
        projects = projects.data
    require_columns(projects, _PROJECT_COLUMNS, what=f"{what}: projects")
    if charges is not None:
        require_columns(charges, _CHARGE_COLUMNS, what=f"{what}: charges")
    elif need_charges:
        raise ValueError(
            f"{what} needs the yearly charges: pass the result of read_pfi_projects itself, "
            "or charges=result.charges with result.data"
        )
    return projects, charges


def _grouped(projects: pd.DataFrame, by: list[str], what: str) -> pd.DataFrame:
    """The projects with every ``by`` value present (others are not councils)."""
    require_columns(projects, by, what=f"{what}: projects")
    return projects.loc[projects[by].notna().all(axis=1)]


def _years(years: Iterable[int] | None, lo: int, hi: int) -> np.ndarray:
    if years is None:
        return np.arange(lo, hi + 1)
    out = np.asarray(sorted({int(y) for y in years}), dtype="int64")
    if not len(out):
        raise ValueError(
            "years= is empty: pass the calendar years to report, e.g. range(2000, 2041)"
        )
    return out


def contracts_in_force(
    projects: Any,
    *,
    charges: pd.DataFrame | None = None,
    years: Iterable[int] | None = None,
    by: str | Sequence[str] = COUNCIL,
) -> pd.DataFrame:
    """Per council and calendar year: the contracts in force, their capital and charges.

    Parameters
    ----------
    projects:
        :func:`coprod.io.pfi.read_pfi_projects`'s result, or its ``data``.
    charges:
        The result's ``charges`` (needed when ``projects`` is a frame; without it the
        ``charges_m`` column is left out).
    years:
        Calendar years to report (default: from the first financial close to the last
        expected end of the councils' contracts). Every council gets every year, with 0
        contracts where none is in force.
    by:
        The grouping columns (default ``("council_code", "council")``); projects with a
        blank ``by`` value (not councils) are left out.

    Returns
    -------
    DataFrame with the ``by`` columns, ``year``, ``contracts`` (in force that year, see
    the module docstring), ``capital_value_m`` (their capital value, £m), and with the
    charges ``charges_m`` (£m in the financial year starting that year, from every
    project of the council) and ``charges_estimated`` (HM Treasury's estimates).
    """
    what = "contracts_in_force"
    projects, charges = _tables(projects, charges, what=what, need_charges=False)
    keys = by_list(by)
    chosen = _grouped(projects, keys, what)
    columns = [*keys, "year", "contracts", "capital_value_m"]
    if charges is not None:
        columns += ["charges_m", "charges_estimated"]
    if chosen.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    start = chosen["financial_close"].dt.year.to_numpy()
    end = chosen["expected_end"].dt.year.to_numpy()
    span = _years(years, int(start.min()), int(end.max()))
    capital = (
        chosen["capital_value_m"].to_numpy(dtype="float64", na_value=0.0)
        if "capital_value_m" in chosen
        else np.zeros(len(chosen))
    )
    in_force = (start[:, None] <= span[None, :]) & (end[:, None] >= span[None, :])
    groups = chosen[keys].drop_duplicates().sort_values(keys, kind="stable")
    member = pd.MultiIndex.from_frame(groups).get_indexer(pd.MultiIndex.from_frame(chosen[keys]))
    n_groups = len(groups)
    contracts = np.zeros((n_groups, len(span)), dtype="int64")
    value = np.zeros((n_groups, len(span)))
    np.add.at(contracts, member, in_force.astype("int64"))
    np.add.at(value, member, in_force * capital[:, None])
    out = groups.loc[groups.index.repeat(len(span))].reset_index(drop=True)
    out["year"] = np.tile(span, n_groups)
    out["contracts"] = contracts.ravel()
    out["capital_value_m"] = value.ravel()
    if charges is not None:
        owner = chosen.set_index("project_id")[keys]
        paid = charges.loc[charges["project_id"].isin(owner.index)]
        paid = paid.join(owner, on="project_id")
        yearly = paid.groupby([*keys, "year_start"], sort=False).agg(
            charges_m=("charge_m", "sum"), charges_estimated=("estimated", "any")
        )
        yearly.index = yearly.index.set_names([*keys, "year"])
        out = out.join(yearly, on=[*keys, "year"])
        out["charges_m"] = out["charges_m"].fillna(0.0)
        out["charges_estimated"] = out["charges_estimated"].fillna(False).astype(bool)
    return keep_source(out[columns], projects)


def charges_by_sector(
    projects: Any,
    *,
    charges: pd.DataFrame | None = None,
    years: Iterable[int] | None = None,
    by: str | Sequence[str] = COUNCIL,
) -> pd.DataFrame:
    """Per council: each sector's share of the council's PFI charges.

    ``years`` limits the financial years counted (by the year they start: ``range(2016,
    2060)`` is every estimated year); default every year with a charge. Projects without
    a sector are counted as :data:`NO_SECTOR`.

    Returns one row per council and sector, largest share first within a council: the
    ``by`` columns, ``sector``, ``contracts`` (projects of that sector), ``charges_m``
    (£m over the years counted), ``share`` (of the council's charges over those years;
    0 when it has none), and ``first_year`` / ``last_year`` (the financial years counted,
    by their start).
    """
    what = "charges_by_sector"
    projects, charges = _tables(projects, charges, what=what, need_charges=True)
    keys = by_list(by)
    chosen = _grouped(projects, keys, what)
    require_columns(chosen, ["sector"], what=f"{what}: projects")
    columns = [*keys, "sector", "contracts", "charges_m", "share", "first_year", "last_year"]
    paid = charges
    if years is not None:
        wanted = _years(years, 0, 0)
        paid = paid.loc[paid["year_start"].isin(wanted)]
        first, last = int(wanted.min()), int(wanted.max())
    else:
        first = int(paid["year_start"].min()) if len(paid) else None
        last = int(paid["year_start"].max()) if len(paid) else None
    projects_of = chosen[["project_id", *keys, "sector"]].assign(
        sector=chosen["sector"].fillna(NO_SECTOR)
    )
    totals = paid.groupby("project_id")["charge_m"].sum()
    projects_of = projects_of.assign(
        charges_m=projects_of["project_id"].map(totals).fillna(0.0).to_numpy()
    )
    table = projects_of.groupby([*keys, "sector"], sort=True, dropna=False).agg(
        contracts=("project_id", "size"), charges_m=("charges_m", "sum")
    )
    table = table.reset_index()
    council_total = table.groupby(keys)["charges_m"].transform("sum")
    table["share"] = np.where(council_total > 0, table["charges_m"] / council_total, 0.0)
    table["first_year"] = pd.Series(first, index=table.index, dtype="Int64")
    table["last_year"] = pd.Series(last, index=table.index, dtype="Int64")
    table = table.sort_values(
        [*keys, "share", "sector"], ascending=[True] * len(keys) + [False, True], kind="stable"
    )
    return keep_source(table[columns].reset_index(drop=True), projects)


def last_contract_end(projects: Any, *, by: str | Sequence[str] = COUNCIL) -> pd.DataFrame:
    """Per council: how many contracts it signed, and when the last one is expected to end.

    Returns the ``by`` columns, ``contracts``, ``first_close`` (the first financial
    close), ``last_end`` (the latest ``expected_end``), ``last_end_year``, and the project
    that ends last (``last_project_id``, ``last_project``, ``last_sector``), ordered by
    ``last_end``, latest first.
    """
    what = "last_contract_end"
    projects, _ = _tables(projects, None, what=what, need_charges=False)
    keys = by_list(by)
    chosen = _grouped(projects, keys, what)
    ordered = chosen.sort_values(["expected_end", "project_id"], kind="stable")
    last = ordered.groupby(keys, sort=False).tail(1).set_index(keys)
    counts = chosen.groupby(keys).agg(
        contracts=("project_id", "size"), first_close=("financial_close", "min")
    )
    out = counts.join(
        last[["expected_end", "project_id", *(c for c in ("project", "sector") if c in last)]]
    )
    out = out.rename(
        columns={
            "expected_end": "last_end",
            "project_id": "last_project_id",
            "project": "last_project",
            "sector": "last_sector",
        }
    ).reset_index()
    out["last_end_year"] = out["last_end"].dt.year.astype("int64")
    columns = [*keys, "contracts", "first_close", "last_end", "last_end_year", "last_project_id"]
    columns += [c for c in ("last_project", "last_sector") if c in out]
    out = (
        out[columns]
        .sort_values(["last_end", *keys], ascending=[False] + [True] * len(keys), kind="stable")
        .reset_index(drop=True)
    )
    return keep_source(out, projects)


def contract_terms(projects: Any, *, councils_only: bool = False) -> pd.Series:
    """The contract terms in years, one per project (index ``project_id``): the
    distribution :func:`coprod.politics.simulate` draws PFI terms from.

    ``councils_only=True`` keeps the projects procured by councils (``council_code``
    given). HM Treasury's 2016 file: 716 terms, mean 27.3 and median 26 years.
    """
    what = "contract_terms"
    projects, _ = _tables(projects, None, what=what, need_charges=False)
    require_columns(projects, ["term_years"], what=f"{what}: projects")
    chosen = projects
    if councils_only:
        require_columns(projects, ["council_code"], what=f"{what}: projects")
        chosen = projects.loc[projects["council_code"].notna()]
    terms = chosen["term_years"]
    if terms.isna().any():
        raise ValueError(f"{what}: {int(terms.isna().sum())} projects have no term_years")
    return pd.Series(
        terms.to_numpy(dtype="int64"),
        index=pd.Index(chosen["project_id"].to_numpy(), name="project_id"),
        name="term_years",
    )

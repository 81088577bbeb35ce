"""The data set registry: :func:`list_datasets` and :func:`load_dataset`.

Each entry names a small file shipped in the package's ``coprod/data/`` folder (installed with it), the loader
that reads it (the same loader users point at their own files), its schema, source and
licence. ``load_dataset`` returns the loader's :class:`~coprod.io.LoadResult`, so a
shipped data set is vetted exactly like a user's file.

The real, larger data sets the project was built on live outside the repository, in
``../shared/data`` (see :func:`shared_data_dir`); tests and notebooks use them when present.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from coprod.io.result import LoadResult
from coprod.provenance import SYNTHETIC, Source, combine_sources, with_source

__all__ = ["Dataset", "data_dir", "list_datasets", "load_dataset", "registry", "shared_data_dir"]


PACKAGE_DATA = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The shipped data folder: package data (``coprod/data``, installed with the wheel);
    ``$COPROD_DATA_DIR`` overrides it."""
    return Path(os.environ.get("COPROD_DATA_DIR", PACKAGE_DATA))


def shared_data_dir() -> Path | None:
    """The real data sets beside the repository (``$COPROD_SHARED_DATA`` overrides), or None."""
    folder = Path(os.environ.get("COPROD_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    return folder if folder.is_dir() else None


@dataclass(frozen=True)
class Dataset:
    """One registered data set."""

    name: str
    title: str
    kind: str
    path: str  # relative to data_dir()
    rows: int  # declared; a test checks it against what the loader loads
    schema: str
    source: str
    licence: str
    loader: Callable[[Path], LoadResult]
    #: what a chart of it prints and an export records, as its SOURCE.txt states it
    source_note: Source = Source(SYNTHETIC)
    #: other registered data sets whose information the loader adds (the council lookup's
    #: codes and nations), so their attribution is owed too
    uses: tuple[str, ...] = ()

    @property
    def file(self) -> Path:
        return data_dir() / self.path

    @property
    def attribution(self) -> Source:
        """This data set's :class:`~coprod.provenance.Source`, with those of the data sets
        it ``uses``."""
        return combine_sources(self.source_note, *(_REGISTRY[u].source_note for u in self.uses))


# Attributions as each data set's SOURCE.txt words them (tests/test_provenance.py checks).
_SYNTHETIC = Source(SYNTHETIC, licence="CC0 1.0 (public domain)", synthetic=True)
_FIXMYSTREET = Source(
    "Contains FixMyStreet data from mySociety, ODC-By 1.0",
    licence="Open Data Commons Attribution License (ODC-By) 1.0",
    url="https://github.com/mysociety/fms_geographic_data",
)


def _read_services_survey(path: Path) -> LoadResult:
    from coprod.io.survey import read_survey

    return read_survey(path)


def _read_toronto_extract(path: Path) -> LoadResult:
    from coprod.io.survey import TORONTO_ENGAGEMENT_MAPPING, read_survey

    return read_survey(path, **TORONTO_ENGAGEMENT_MAPPING)


def _read_complaints_log(path: Path) -> LoadResult:
    from coprod.io.complaint_log import read_complaints

    return read_complaints(path)


def _read_contacts(path: Path) -> LoadResult:
    from coprod.io.counts import read_denominators

    return read_denominators(path, columns={"denominator": "contacts"})


def _read_fixmystreet_extract(path: Path) -> LoadResult:
    from coprod.io.counts import read_report_counts

    return read_report_counts(path)


def _read_fixmystreet_road_defects(path: Path) -> LoadResult:
    from coprod.io.counts import read_report_counts

    return read_report_counts(path, columns={"category": "SHEF_C_CODE"})


def _read_council_control(path: Path) -> LoadResult:
    from coprod.io.control_history import read_control_history

    return read_control_history(path)


def _read_council_lookup(path: Path) -> LoadResult:
    from coprod.io.councils import read_council_lookup

    return read_council_lookup(path)


def _read_practices(path: Path) -> LoadResult:
    from coprod.io.practices import read_practices

    return read_practices(path)


def _read_pfi_projects(path: Path) -> LoadResult:
    from coprod.io.pfi import read_pfi_projects

    return read_pfi_projects(path)


_REGISTRY = MappingProxyType(
    {
        d.name: d
        for d in (
            Dataset(
                name="services_survey",
                title="Synthetic residents' survey: who plans and who delivers 20 services",
                kind="survey",
                path="services_survey.csv",
                rows=18_000,
                schema="services_survey",
                source="Synthetic, made by coprod.synth.make_services_survey with planted positions "
                "(see coprod/data/services_survey.SOURCE.txt)",
                licence="CC0 1.0 (public domain)",
                loader=_read_services_survey,
                source_note=_SYNTHETIC,
            ),
            Dataset(
                name="toronto_engagement",
                title="City of Toronto Public Engagement Review survey (2023), extract",
                kind="survey",
                path="toronto_engagement/survey_extract.csv",
                rows=962,
                schema="engagement_survey",
                source="City of Toronto, Open Data Toronto: 'Public Engagement Review Survey' "
                "(see coprod/data/toronto_engagement/SOURCE.txt)",
                licence="Open Government Licence - Toronto (attribution required)",
                loader=_read_toronto_extract,
                source_note=Source(
                    "Contains information licensed under the Open Government Licence \u2013 "
                    "Toronto",
                    licence="Open Government Licence \u2013 Toronto",
                    url="https://open.toronto.ca/dataset/public-engagement-review-survey/",
                ),
            ),
            Dataset(
                name="complaints_log",
                title="Synthetic complaint log: one council, 8 services, 2021-2024, planted changes",
                kind="complaints",
                path="complaints_log.csv",
                rows=11_606,
                schema="complaint_log",
                source="Synthetic, made by coprod.synth.make_complaint_log "
                "(see coprod/data/complaints_log.SOURCE.txt)",
                licence="CC0 1.0 (public domain)",
                loader=_read_complaints_log,
                source_note=_SYNTHETIC,
            ),
            Dataset(
                name="complaints_contacts",
                title="Synthetic contacts per service and month: denominators for complaint rates",
                kind="denominators",
                path="complaints_contacts.csv",
                rows=384,
                schema="denominators",
                source="Synthetic, made by coprod.synth.make_complaint_log "
                "(see coprod/data/complaints_log.SOURCE.txt)",
                licence="CC0 1.0 (public domain)",
                loader=_read_contacts,
                source_note=_SYNTHETIC,
            ),
            Dataset(
                name="fixmystreet_extract",
                title="FixMyStreet problem reports per month, 10 council areas, 2012-2020",
                kind="report_counts",
                path="fixmystreet_extract",
                rows=892,
                schema="report_counts",
                source="mySociety FixMyStreet, fms_geographic_data "
                "(see coprod/data/fixmystreet_extract/SOURCE.txt)",
                licence="ODC-By 1.0: Contains FixMyStreet data from mySociety, ODC-By 1.0",
                loader=_read_fixmystreet_extract,
                source_note=_FIXMYSTREET,
            ),
            Dataset(
                name="fixmystreet_all",
                title="FixMyStreet problem reports per month, every council area, 2007-2020",
                kind="report_counts",
                path="fixmystreet_panel/all",
                rows=58_604,
                schema="report_counts",
                source="mySociety FixMyStreet, fms_geographic_data "
                "(see coprod/data/fixmystreet_panel/SOURCE.txt)",
                licence="ODC-By 1.0: Contains FixMyStreet data from mySociety, ODC-By 1.0",
                loader=_read_fixmystreet_extract,
                source_note=_FIXMYSTREET,
            ),
            Dataset(
                name="fixmystreet_road_defects",
                title="FixMyStreet 'Road Safety & Defects' reports per month, every council area, "
                "2007-2020",
                kind="report_counts",
                path="fixmystreet_panel/road_defects",
                rows=54_352,
                schema="report_counts",
                source="mySociety FixMyStreet, fms_geographic_data, SHEF_C group C7 "
                "(see coprod/data/fixmystreet_panel/SOURCE.txt)",
                licence="ODC-By 1.0: Contains FixMyStreet data from mySociety, ODC-By 1.0",
                loader=_read_fixmystreet_road_defects,
                source_note=_FIXMYSTREET,
            ),
            Dataset(
                name="council_control",
                title="Political control of every UK council per year, 1973-2026",
                kind="control",
                path="council_control",
                rows=24_576,
                schema="control",
                source="Open Council Data UK, history1973-2015.csv and history2016-26.csv "
                "(see coprod/data/council_control/SOURCE.txt)",
                licence="Public domain (Open Council Data UK's CSV downloads)",
                loader=_read_council_control,
                source_note=Source(
                    "Contains council composition data from Open Council Data UK "
                    "(opencouncildata.co.uk), public domain",
                    licence="Public domain (Open Council Data UK's CSV downloads)",
                    url="https://opencouncildata.co.uk/",
                ),
                uses=("council_lookup",),
            ),
            Dataset(
                name="council_lookup",
                title="UK local authority names and codes: GSS codes, names, dates, ids",
                kind="council_lookup",
                path="la_names_codes/uk_local_authorities_future.csv",
                rows=470,
                schema="council_lookup",
                source="mySociety, uk_local_authority_names_and_codes "
                "(see coprod/data/la_names_codes/SOURCE.txt)",
                licence="CC BY 4.0: Contains UK local authority names and codes from mySociety, "
                "CC BY 4.0",
                loader=_read_council_lookup,
                source_note=Source(
                    "Contains UK local authority names and codes from mySociety, CC BY 4.0",
                    licence="Creative Commons Attribution 4.0 International (CC BY 4.0)",
                    url="https://github.com/mysociety/uk_local_authority_names_and_codes",
                ),
            ),
            Dataset(
                name="pfi_projects",
                title="HM Treasury PFI and PF2 projects at 31 March 2016: terms, dates, charges",
                kind="pfi_projects",
                path="pfi_projects/31.03.2016.csv",
                rows=716,
                schema="pfi_projects",
                source="HM Treasury, 'Private Finance Initiative and Private Finance 2 "
                "projects: 2016 summary data' (see coprod/data/pfi_projects/SOURCE.txt)",
                licence="Open Government Licence v3.0: Contains public sector information "
                "licensed under the Open Government Licence v3.0",
                loader=_read_pfi_projects,
                source_note=Source(
                    "Contains public sector information licensed under the Open Government "
                    "Licence v3.0",
                    licence="Open Government Licence v3.0",
                    url="https://www.nationalarchives.gov.uk/doc/open-government-licence/"
                    "version/3/",
                ),
                uses=("council_lookup",),
            ),
            Dataset(
                name="practices",
                title="Co-production practices on the planning x delivery grid, each with the "
                "source read",
                kind="practices",
                path="practices/practices.csv",
                rows=23,
                schema="practices",
                source="Compiled for coprod from the blog post and the pages each row cites "
                "(see coprod/data/practices/SOURCE.txt)",
                licence="CC BY 4.0: Practices catalogue from coprod, CC BY 4.0",
                loader=_read_practices,
                source_note=Source(
                    "Practices catalogue from coprod, CC BY 4.0 (sources cited per practice)",
                    licence="Creative Commons Attribution 4.0 International (CC BY 4.0)",
                    # no published home of its own: the address is the licence's
                    url="https://creativecommons.org/licenses/by/4.0/",
                ),
            ),
        )
    }
)


def registry() -> MappingProxyType:
    """The registered data sets by name (read-only)."""
    return _REGISTRY


def list_datasets() -> pd.DataFrame:
    """One row per shipped data set: name, title, kind, rows, schema, source, licence, file."""
    return pd.DataFrame(
        [
            {
                "name": d.name,
                "title": d.title,
                "kind": d.kind,
                "rows": d.rows,
                "schema": d.schema,
                "source": d.source,
                "licence": d.licence,
                "file": str(d.file),
            }
            for d in _REGISTRY.values()
        ]
    )


def load_dataset(name: str) -> LoadResult:
    """Load a shipped data set through its registered loader.

    >>> survey = load_dataset("services_survey")   # doctest: +SKIP
    >>> survey.data.head()                          # doctest: +SKIP
    """
    try:
        dataset = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"no data set named {name!r}; known data sets: {known}") from None
    if not dataset.file.exists():
        raise FileNotFoundError(
            f"data set {name!r} should be at {dataset.file} but is not; "
            "run from a full clone of the repository or set COPROD_DATA_DIR"
        )
    result = dataset.loader(dataset.file)
    return _marked(result, dataset.attribution)


def _marked(result: LoadResult, source: Source) -> LoadResult:
    """``result`` with every table it holds (``data``, a PFI list's ``charges``) marked as
    coming from ``source``, so charts and exports of it carry the attribution."""
    import dataclasses

    tables = {
        field.name: with_source(getattr(result, field.name), source)
        for field in dataclasses.fields(result)
        if field.name != "quarantine" and isinstance(getattr(result, field.name), pd.DataFrame)
    }
    return dataclasses.replace(result, **tables)

"""Declared schemas: which fields a table has, which are required, which are personal.

A :class:`Schema` is plain documentation that code can read: its :class:`Field` s
say the type in words, whether the field is required, what it means, whether it
may hold personal data, and the checks a value must pass (accepted values, ranges,
blanks). :meth:`Schema.to_pandera` builds the matching pandera ``DataFrameSchema``
when a loader validates a table (pandera is imported only then).

Loaders look their schema up here, so the documentation and the checks cannot
drift apart. Schemas in this module: :data:`SERVICES_SURVEY`,
:data:`ENGAGEMENT_SURVEY`, :data:`COMPLAINT_LOG`, :data:`REPORT_COUNTS`,
:data:`DENOMINATORS`, :data:`CONTROL`, :data:`COUNCIL_LOOKUP`, :data:`PFI_PROJECTS` and
:data:`PRACTICES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from coprod.vocab import (
    CONSULTATION_TIMINGS,
    DELIVERY_LEVELS,
    INITIATIVE_KINDS,
    ORGANISATION_KINDS,
    OUTCOME_LEVELS,
    PLANNING_LEVELS,
    SEVERITY_LEVELS,
    STAGE_LEVELS,
)

__all__ = [
    "CONTROL",
    "INITIATIVES",
    "COUNCIL_LOOKUP",
    "DENOMINATORS",
    "COMPLAINT_LOG",
    "ENGAGEMENT_SURVEY",
    "PFI_PROJECTS",
    "PLACED_BY",
    "PRACTICES",
    "REPORT_COUNTS",
    "SCHEMAS",
    "SERVICES_SURVEY",
    "Field",
    "Schema",
    "get_schema",
]


def pandera_module() -> Any:
    """``pandera.pandas``, imported quietly: with PySpark installed (for the Spark engine),
    pandera imports it too when it first validates, and PySpark warns about pandas 3 on
    import, which is not about anything coprod does with pandera."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support", category=FutureWarning
        )
        import pandera.pandas

        try:  # the module whose import (at the first validation) brings PySpark in
            import pandera.backends.pandas.builtin_checks  # noqa: F401
        except ImportError:  # (another pandera layout: nothing to quieten)
            pass
    return pandera.pandas


@dataclass(frozen=True)
class Field:
    """One field (column) of a schema.

    ``dtype`` describes the type in words ("text", "level", "number", ...); the
    checks are ``allowed`` (accepted values), ``greater_than`` / ``at_least`` /
    ``at_most`` (numeric bounds) and ``nullable`` (may be blank; defaults to
    ``not required``). ``personal`` marks fields that may identify a person:
    loaders never keep those unless asked.
    """

    name: str
    dtype: str
    required: bool = True
    description: str = ""
    personal: bool = False
    nullable: bool | None = None
    allowed: tuple[Any, ...] | None = None
    greater_than: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @property
    def may_be_blank(self) -> bool:
        """Whether a blank value passes (``nullable``, else not ``required``)."""
        return (not self.required) if self.nullable is None else self.nullable

    def checks_text(self) -> str:
        """The checks in words, for documentation."""
        parts = []
        if self.allowed is not None:
            parts.append("one of " + ", ".join(map(str, self.allowed)))
        if self.greater_than is not None:
            parts.append(f"> {self.greater_than:g}")
        if self.at_least is not None:
            parts.append(f">= {self.at_least:g}")
        if self.at_most is not None:
            parts.append(f"<= {self.at_most:g}")
        parts.append("may be blank" if self.may_be_blank else "not blank")
        return "; ".join(parts)


@dataclass(frozen=True)
class Schema:
    """A named set of fields; ``key`` fields identify a row (duplicates are errors)."""

    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"schema {self.name!r} has duplicate field names: {names}")
        unknown = [k for k in self.key if k not in names]
        if unknown:
            raise ValueError(f"schema {self.name!r}: key fields {unknown} are not fields")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)

    @property
    def personal(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.personal)

    def field(self, name: str) -> Field:
        """The field called ``name`` (KeyError naming the fields if there is none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"schema {self.name!r} has no field {name!r}; fields: {self.names}")

    def describe(self) -> pd.DataFrame:
        """One row per field: name, type, required, key, personal, checks, description."""
        return pd.DataFrame(
            {
                "field": [f.name for f in self.fields],
                "type": [f.dtype for f in self.fields],
                "required": [f.required for f in self.fields],
                "key": [f.name in self.key for f in self.fields],
                "personal": [f.personal for f in self.fields],
                "checks": [f.checks_text() for f in self.fields],
                "description": [f.description for f in self.fields],
            }
        )

    def to_pandera(
        self,
        *,
        fields: Iterable[str] | None = None,
        rename: Mapping[str, str] | None = None,
    ) -> Any:
        """The pandera ``DataFrameSchema`` checking these fields (built on each call).

        ``fields`` limits it to some fields (e.g. those a file has); ``rename``
        maps a field to the column name it has in the frame being validated.
        Types are not enforced (loaders parse values first); the checks are the
        accepted values, the bounds and blanks. Extra columns are allowed.
        """
        pa = pandera_module()
        chosen = self.fields if fields is None else tuple(self.field(n) for n in fields)
        rename = dict(rename or {})
        columns = {}
        for f in chosen:
            checks = []
            if f.allowed is not None:
                checks.append(pa.Check.isin(list(f.allowed)))
            if f.greater_than is not None:
                checks.append(
                    pa.Check.gt(f.greater_than, error=f"must be greater than {f.greater_than:g}")
                )
            if f.at_least is not None:
                checks.append(pa.Check.ge(f.at_least, error=f"must be at least {f.at_least:g}"))
            if f.at_most is not None:
                checks.append(pa.Check.le(f.at_most, error=f"must be at most {f.at_most:g}"))
            columns[rename.get(f.name, f.name)] = pa.Column(
                dtype=None,
                checks=checks,
                nullable=f.may_be_blank,
                required=f.required,
                description=f.description or None,
            )
        return pa.DataFrameSchema(columns, name=self.name, strict=False, coerce=False)


SERVICES_SURVEY = Schema(
    name="services_survey",
    description=(
        "One row per respondent, service (and wave): who plans and who delivers the "
        "service in the respondent's view, on the planning x delivery grid."
    ),
    key=("respondent_id", "service", "wave"),
    fields=(
        Field(
            "respondent_id",
            "text",
            description="Respondent identifier as given in the file (kept as text).",
        ),
        Field("service", "text", description="The public service the answers are about."),
        Field(
            "planning",
            "level",
            description="Who plans the service: " + ", ".join(PLANNING_LEVELS) + ".",
            allowed=PLANNING_LEVELS,
        ),
        Field(
            "delivery",
            "level",
            description="Who delivers the service: " + ", ".join(DELIVERY_LEVELS) + ".",
            allowed=DELIVERY_LEVELS,
        ),
        Field(
            "organisation",
            "kind",
            required=False,
            description="Which organisation delivers the service (beside the delivery "
            "level): " + ", ".join(ORGANISATION_KINDS) + ".",
            allowed=ORGANISATION_KINDS,
        ),
        Field(
            "consultation",
            "timing",
            required=False,
            description="When residents are consulted about its plans: "
            + ", ".join(CONSULTATION_TIMINGS)
            + " (Arnstein's consultation rung either way).",
            allowed=CONSULTATION_TIMINGS,
        ),
        Field("council", "text", required=False, description="Council (local authority)."),
        Field(
            "wave",
            "integer or text",
            required=False,
            description="Survey wave or year; part of the key when present.",
        ),
        Field(
            "weight",
            "number",
            required=False,
            description="Survey weight (> 0); blank means unweighted for that row.",
            greater_than=0,
        ),
        Field(
            "age_group",
            "text",
            required=False,
            description="Age band as given (e.g. '30-64').",
        ),
    ),
)
"""Survey of services on the planning x delivery grid (see :mod:`coprod.io.survey`)."""

ENGAGEMENT_SURVEY = Schema(
    name="engagement_survey",
    description=(
        "One row per respondent of a survey with items, read with "
        "read_survey(likert=..., ticks=...): Likert answers become ordered categoricals, "
        "tick boxes True/False. The items differ per survey and are declared by its "
        "mapping (e.g. coprod.io.survey.TORONTO_ENGAGEMENT_MAPPING), not here."
    ),
    key=("respondent_id",),
    fields=(
        Field(
            "respondent_id",
            "text",
            description="Respondent identifier as given in the file (kept as text).",
        ),
        Field("age_group", "text", required=False, description="Age band as given."),
        Field(
            "weight",
            "number",
            required=False,
            description="Survey weight (> 0); blank means unweighted for that row.",
            greater_than=0,
        ),
    ),
)
"""Survey of Likert items and tick boxes (see :func:`coprod.io.survey.read_survey`)."""

COMPLAINT_LOG = Schema(
    name="complaint_log",
    description=(
        "One row per complaint to a council: the service, when it was received and "
        "closed, how serious it was, how far it went and whether it was upheld."
    ),
    key=("complaint_id",),
    fields=(
        Field(
            "complaint_id",
            "text",
            description="Complaint reference as given in the file (kept as text).",
        ),
        Field("service", "text", description="The service complained about."),
        Field("council", "text", required=False, description="Council (local authority)."),
        Field(
            "received",
            "date",
            description="Date received, optionally with a time (any form coprod.io.dates reads; "
            "day/month order decided per column); not after today (or as_of=).",
        ),
        Field("category", "text", required=False, description="What the complaint is about."),
        Field(
            "severity",
            "level",
            required=False,
            description="How serious the complaint is, least serious first (optional, but "
            "usually given; a loader may declare other levels).",
            allowed=SEVERITY_LEVELS,
        ),
        Field(
            "stage",
            "level",
            required=False,
            description="Furthest stage of the complaints procedure reached, in order of "
            "escalation.",
            allowed=STAGE_LEVELS,
        ),
        Field(
            "upheld",
            "level",
            required=False,
            description="Outcome; blank while the complaint is open.",
            allowed=OUTCOME_LEVELS,
        ),
        Field(
            "closed",
            "date",
            required=False,
            description="Date closed; blank while open; not before received.",
        ),
        Field(
            "complainant_name",
            "text",
            required=False,
            personal=True,
            description="Name of the complainant (personal: dropped unless asked for).",
        ),
        Field(
            "address",
            "text",
            required=False,
            personal=True,
            description="Complainant's address (personal: dropped unless asked for).",
        ),
        Field(
            "details",
            "text",
            required=False,
            personal=True,
            description="Free-text description (may hold personal data: dropped unless asked for).",
        ),
    ),
)
"""A council complaint log (see :mod:`coprod.io.complaint_log`)."""

REPORT_COUNTS = Schema(
    name="report_counts",
    description=(
        "Counts already aggregated per period and area (e.g. FixMyStreet reports per "
        "Local Authority District per month): one row per period x key (x category). "
        "An absent combination means zero, by the publisher's rule."
    ),
    key=("period", "lad", "category"),
    fields=(
        Field(
            "period",
            "date",
            description="First day of the period (month), from the file name.",
        ),
        Field(
            "lad", "text", description="Area code (ONS GSS code of the Local Authority District)."
        ),
        Field(
            "category",
            "text",
            required=False,
            description="Category of the counts, when the files have one (e.g. SHEF_C_CODE); "
            "part of the key when present.",
        ),
        Field("reports", "integer", description="Number of reports (>= 0).", at_least=0),
        Field(
            "unique_users",
            "integer",
            required=False,
            description="Number of distinct users who made them (>= 0).",
            at_least=0,
        ),
    ),
)
"""Aggregated report counts per period (see :mod:`coprod.io.counts`)."""

DENOMINATORS = Schema(
    name="denominators",
    description=(
        "Denominators for rates: residents, or contacts with a service, per key (e.g. "
        "service) and period. Read with coprod.io.counts.read_denominators."
    ),
    key=("service", "period"),
    fields=(
        Field("service", "text", description="The group the denominator belongs to."),
        Field(
            "period",
            "date",
            description="First day of the period (a date in any form coprod.io.dates reads).",
        ),
        Field("denominator", "number", description="Residents or contacts (> 0).", greater_than=0),
    ),
)
"""Denominators per group and period (see :func:`coprod.io.counts.read_denominators`)."""

CONTROL = Schema(
    name="control",
    description=(
        "Political control of councils, one row per council and year, as Open Council Data "
        "publishes it (history1973-2015.csv, history2016-26.csv) or a user's file with the same "
        "fields. Read with coprod.io.control_history.read_control_history into a timeline of "
        "control (one party vocabulary, NOC), largest party, administration and seats."
    ),
    key=("authority", "year"),
    fields=(
        Field("authority", "text", description="The council's name as published."),
        Field(
            "year",
            "integer",
            description="The year of the composition (1900-2100).",
            at_least=1900,
            at_most=2100,
        ),
        Field(
            "majority",
            "label",
            description="Who controls (a party, 'X plurality', NOC) or, in the 2025-26 rows, who "
            "runs the council ('LAB', 'LAB min', 'LAB Mayor', 'LD/LAB/GRN', NULL); parties in "
            "coprod.vocab.PARTY_SPELLINGS.",
        ),
        Field(
            "plurality",
            "label",
            required=False,
            description="The largest party ('Con', 'Lab plurality'), the 1973-2015 file.",
        ),
        Field(
            "council_id",
            "text",
            required=False,
            description="Open Council Data's own id of the council (column 'council id').",
        ),
        Field(
            "gss",
            "text",
            required=False,
            description="ONS GSS code, where printed (the 2016-26 file's column without a "
            "header, 2026 rows).",
        ),
        Field(
            "total",
            "integer",
            required=False,
            description="Seats on the council.",
            at_least=0,
        ),
        Field(
            "con",
            "integer",
            required=False,
            description="Conservative seats.",
            at_least=0,
        ),
        Field(
            "lab",
            "integer",
            required=False,
            description="Labour seats.",
            at_least=0,
        ),
        Field(
            "ld",
            "integer",
            required=False,
            description="Liberal Democrat seats.",
            at_least=0,
        ),
        Field(
            "green",
            "integer",
            required=False,
            description="Green seats.",
            at_least=0,
        ),
        Field(
            "ukip",
            "integer",
            required=False,
            description="UKIP seats.",
            at_least=0,
        ),
        Field(
            "ref",
            "integer",
            required=False,
            description="Reform UK seats.",
            at_least=0,
        ),
        Field(
            "pc",
            "integer",
            required=False,
            description="Plaid Cymru seats.",
            at_least=0,
        ),
        Field(
            "snp",
            "integer",
            required=False,
            description="SNP seats.",
            at_least=0,
        ),
        Field(
            "nat",
            "integer",
            required=False,
            description="SNP and Plaid Cymru seats together (the 1973-2015 file).",
            at_least=0,
        ),
        Field(
            "other",
            "integer",
            required=False,
            description="Seats of members outside the named parties (independents, local groups).",
            at_least=0,
        ),
    ),
)
"""Council control histories (see :mod:`coprod.io.control_history`)."""

COUNCIL_LOOKUP = Schema(
    name="council_lookup",
    description=(
        "mySociety's UK local authority names and codes (uk_local_authorities_future.csv): one "
        "row per authority, current, past and planned, with its GSS codes, names and dates. "
        "Read with coprod.io.councils.read_council_lookup; coprod.io.councils.match_councils "
        "matches names and codes through it."
    ),
    key=("local_authority_code",),
    fields=(
        Field(
            "local_authority_code",
            "text",
            description="mySociety's three-letter code (column local-authority-code).",
        ),
        Field("council", "text", description="The council's usual name (nice-name)."),
        Field("official_name", "text", description="Its official name (official-name)."),
        Field(
            "council_code",
            "text",
            required=False,
            description="ONS GSS code (gss-code); blank for Northern Ireland's pre-2015 districts.",
        ),
        Field("start_date", "date", required=False, description="When it began (start-date)."),
        Field("end_date", "date", required=False, description="When it ended (end-date)."),
        Field("replaced_by", "text", required=False, description="Its successors' codes."),
        Field("nation", "text", description="England, Scotland, Wales or Northern Ireland."),
        Field("authority_type", "text", description="local-authority-type (NMD, UA, CTY, ...)."),
        Field("council_type", "text", description="local-authority-type-name, in words."),
        Field("alt_names", "text", required=False, description="Other names, comma separated."),
        Field("former_codes", "text", required=False, description="Former GSS codes."),
        Field(
            "open_council_data_id",
            "text",
            required=False,
            description="Open Council Data's id of the council.",
        ),
    ),
)
"""mySociety's council lookup (see :mod:`coprod.io.councils`)."""

PFI_PROJECTS = Schema(
    name="pfi_projects",
    description=(
        "One row per PFI/PF2 project in HM Treasury's list: who procured it, its sector, "
        "dates, operational term and capital value; the yearly charges are a second, long "
        "table (read with coprod.io.pfi.read_pfi_projects). 'Data not provided' is missing."
    ),
    key=("project_id",),
    fields=(
        Field("project_id", "text", description="Unique HMT Project ID (kept as text)."),
        Field("project", "text", required=False, description="Project Name."),
        Field("department", "text", required=False, description="Sponsoring department."),
        Field(
            "authority",
            "text",
            description="Procuring Authority as published (a council's short name, a "
            "central body, an NHS trust, ...); matched to GSS codes where it is a council.",
        ),
        Field("sector", "text", required=False, description="Sector (e.g. 'Street Lighting')."),
        Field("region", "text", required=False, description="Region (e.g. 'ENGLAND_London')."),
        Field("status", "text", required=False, description="'InOperation' or 'InConstruction'."),
        Field(
            "financial_close",
            "date",
            description="Date of Financial Close: the contract signed (dd-mm-yyyy in the file).",
        ),
        Field(
            "construction_completion",
            "date",
            required=False,
            description="Date of Construction Completion (blank or 'Data not provided': missing).",
        ),
        Field(
            "operations_start",
            "date",
            required=False,
            description="First Date of Operations: the operational term starts then.",
        ),
        Field(
            "term_years",
            "integer",
            description="Operational Period of Contract (years), a whole number above 0.",
            greater_than=0,
        ),
        Field(
            "capital_value_m",
            "number",
            required=False,
            description="Capital Value, £ million (>= 0).",
            at_least=0,
        ),
    ),
)
"""HM Treasury's PFI/PF2 projects (see :mod:`coprod.io.pfi`)."""

#: How a practice came to sit in its cell (field ``placed_by`` of :data:`PRACTICES`).
PLACED_BY: tuple[str, ...] = ("source", "our reading")

PRACTICES = Schema(
    name="practices",
    description=(
        "A catalogue of co-production practices: one row per practice, its cell on the "
        "planning x delivery grid, the kind of organisation that delivers it and the source "
        "it was written from, with where in the source it is described. Read with "
        "coprod.io.practices.read_practices; load_dataset('practices') is the shipped one."
    ),
    key=("practice",),
    fields=(
        Field("practice", "text", description="Short name of the practice."),
        Field("description", "text", description="One or two sentences in our own words."),
        Field(
            "planning",
            "level",
            description="Who plans: " + ", ".join(PLANNING_LEVELS) + ".",
            allowed=PLANNING_LEVELS,
        ),
        Field(
            "delivery",
            "level",
            description="Who delivers: " + ", ".join(DELIVERY_LEVELS) + ".",
            allowed=DELIVERY_LEVELS,
        ),
        Field(
            "organisation",
            "level",
            description="The kind of organisation that delivers (coprod.vocab."
            "ORGANISATION_KINDS): the professional body when professionals deliver, the "
            "community side when the community delivers or co-delivers.",
            allowed=ORGANISATION_KINDS,
        ),
        Field(
            "placed_by",
            "level",
            required=False,
            description="'source': the source puts the practice in this cell; 'our reading': "
            "placed by us from the source's account of who plans and who delivers.",
            allowed=PLACED_BY,
        ),
        Field("source", "text", description="Short citation of the source that was read."),
        Field(
            "source_url",
            "text",
            required=False,
            description="The source's address (blank where it has none, e.g. the blog post).",
        ),
        Field(
            "locator",
            "text",
            description="Where in the source the practice is described (section, heading).",
        ),
    ),
)
"""The practices catalogue (see :mod:`coprod.io.practices`)."""

#: All declared schemas by name (read-only).
INITIATIVES = Schema(
    name="initiatives",
    description=(
        "Resident initiatives: one row per petition, request or community plan residents "
        "submitted about a service, with its date. Read with "
        "coprod.io.initiatives.read_initiatives; consider_co_planning(..., initiatives=...) "
        "reports them as a trigger of their own, apart from complaints."
    ),
    key=("initiative_id",),
    fields=(
        Field(
            "initiative_id",
            "text",
            required=False,
            description="Reference of the initiative (optional; repeated ones are refused).",
        ),
        Field("service", "text", description="The service the initiative is about."),
        Field("date", "date", description="When it was submitted."),
        Field(
            "kind",
            "level",
            description="What was submitted: " + ", ".join(INITIATIVE_KINDS) + ".",
            allowed=INITIATIVE_KINDS,
        ),
        Field(
            "signatures",
            "number",
            required=False,
            description="Signatures of a petition, or residents behind a request or plan.",
            at_least=0,
        ),
        Field("title", "text", required=False, description="What the initiative asks for."),
    ),
)
"""Resident initiatives (see :mod:`coprod.io.initiatives`)."""


SCHEMAS: Mapping[str, Schema] = MappingProxyType(
    {
        s.name: s
        for s in (
            SERVICES_SURVEY,
            ENGAGEMENT_SURVEY,
            COMPLAINT_LOG,
            REPORT_COUNTS,
            DENOMINATORS,
            CONTROL,
            COUNCIL_LOOKUP,
            PFI_PROJECTS,
            PRACTICES,
            INITIATIVES,
        )
    }
)


def get_schema(name: str) -> Schema:
    """The schema called ``name``; the error lists the known ones."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"no schema named {name!r}; known schemas: {sorted(SCHEMAS)}") from None

"""The project's vocabulary: the levels of every axis and the synonym tables.

One place for the words, imported by the schemas, the loaders and the analysis
modules alike (so a loader never has to import the grid or the complaint measures
to know what "co-planning" or "stage 2" is). Synonym tables are explicit and
documented: labels are compared ignoring case and spacing
(:func:`coprod._core.text.label_key`), never by fuzzy guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "AGREE_5",
    "AMBIGUOUS_LEVEL_LABELS",
    "AMBIGUOUS_STAGES",
    "CONSULTATION_TIMINGS",
    "CONTROL_CODES",
    "COUNCIL_NAME_PREFIXES",
    "COUNCIL_NAME_SUFFIXES",
    "DELIVERY_LEVELS",
    "DELIVERY_SYNONYMS",
    "INITIATIVE_KINDS",
    "INITIATIVE_SYNONYMS",
    "NO_OVERALL_CONTROL",
    "ORGANISATION_KINDS",
    "OUTCOME_LEVELS",
    "PARTY_CODES",
    "PARTY_NAMES",
    "PARTY_SPELLINGS",
    "PLANNING_LEVELS",
    "PLANNING_SYNONYMS",
    "QUESTIONNAIRE_ANSWERS",
    "QUESTIONNAIRE_QUESTIONS",
    "SEVERITY_LEVELS",
    "STAGE_LEVELS",
    "STAGE_SYNONYMS",
    "TICK_FALSE",
    "TICK_TRUE",
    "UPHELD_SYNONYMS",
]

# ------------------------------------------------------------------ Bovaird's grid

PLANNING_LEVELS: tuple[str, str, str] = ("professionals", "co-planning", "community")
"""Planning levels in code order: 0 = professionals, 1 = co-planning, 2 = community."""

DELIVERY_LEVELS: tuple[str, str, str] = ("professionals", "co-delivery", "community")
"""Delivery levels in code order: 0 = professionals, 1 = co-delivery, 2 = community."""

ORGANISATION_KINDS: tuple[str, ...] = (
    "council in-house",
    "private contractor",
    "PFI contract",
    "voluntary organisation",
    "social enterprise or development trust",
    "residents",
)
"""Who delivers a service, as an organisation (beside the delivery *level*).

The grid's delivery axis says how far the community takes part; it cannot tell a council's
own staff from a private contractor's, though the blog post's case is that outsourcing to
private companies and PFI contracts erode *professional* delivery, not that they hand it to
residents. So the delivering organisation is its own attribute. Council staff, contractors'
staff and PFI operators' staff are all professionals on the delivery axis; voluntary
organisations, social enterprises and development trusts are professionalised community
organisations; residents deliver as themselves. A PFI contract is kept apart from other
contracts because it ties the council in for decades whoever controls it."""

CONSULTATION_TIMINGS: tuple[str, str, str] = (
    "before a plan is made",
    "on proposals",
    "not consulted",
)
"""When residents are consulted about a service's plans, if at all.

The blog post tells two kinds of consultation apart: professionals may ask residents
before they make a plan (a questionnaire, say) or consult them afterwards on their
proposals. Both sit on Arnstein's consultation rung (4): residents are heard, professionals
decide. The timing is kept because it says how much a plan can still change."""

# The questionnaire's answer wordings (coprod.survey.questionnaire writes them, read_survey
# reads them with no mapping): full sentences a respondent can choose from, each mapped to a
# level or kind of the project (None: the respondent does not know, read as no answer).
# A sentence cannot be mistaken for another level, so these are always read, unlike the
# synonym tables. Contractors' and PFI operators' staff are paid staff: professionals on
# the delivery axis (the organisation question tells them from the council's own staff).
QUESTIONNAIRE_QUESTIONS: Mapping[str, str] = MappingProxyType(
    {
        "planning": "Who decides how this service is planned?",
        "delivery": "Who delivers this service day to day?",
        "organisation": "Which organisation delivers this service?",
        "consultation": "When, if at all, are residents consulted about the plans for this "
        "service?",
    }
)
"""The question asked for each answer column of the questionnaire, by column."""

QUESTIONNAIRE_ANSWERS: Mapping[str, Mapping[str, str | None]] = MappingProxyType(
    {
        "planning": MappingProxyType(
            {
                "Council staff or other professionals plan it.": "professionals",
                "Professionals and residents plan it together.": "co-planning",
                "Residents or community groups plan it themselves.": "community",
                "I don't know who plans it.": None,
            }
        ),
        "delivery": MappingProxyType(
            {
                "Paid staff deliver it (the council's own staff or a contractor's).": (
                    "professionals"
                ),
                "Paid staff and residents deliver it together.": "co-delivery",
                "Residents, volunteers or community groups deliver it.": "community",
                "I don't know who delivers it.": None,
            }
        ),
        "organisation": MappingProxyType(
            {
                "The council delivers it with its own staff.": "council in-house",
                "A private company delivers it under contract to the council.": (
                    "private contractor"
                ),
                "A private company delivers it under a long-term PFI contract.": "PFI contract",
                "A voluntary organisation or charity delivers it.": "voluntary organisation",
                "A social enterprise or development trust delivers it.": (
                    "social enterprise or development trust"
                ),
                "Residents deliver it themselves, without an organisation.": "residents",
                "I don't know which organisation delivers it.": None,
            }
        ),
        "consultation": MappingProxyType(
            {
                "Residents are asked for their views before a plan is made (for example with "
                "a questionnaire).": "before a plan is made",
                "Residents are consulted on proposals that have already been drawn up.": (
                    "on proposals"
                ),
                "Residents are not consulted.": "not consulted",
                "I don't know whether residents are consulted.": None,
            }
        ),
    }
)
"""Answer wordings of :data:`QUESTIONNAIRE_QUESTIONS`, per column: ``{sentence: level}``.

Levels are those of :data:`PLANNING_LEVELS`, :data:`DELIVERY_LEVELS`,
:data:`ORGANISATION_KINDS` and :data:`CONSULTATION_TIMINGS`; ``None`` is "I don't know",
read as no answer. :func:`coprod.io.read_survey` reads these sentences (compared by
:func:`coprod._core.text.label_key`) without any ``levels=``."""

# ------------------------------------------------------------------ complaints

SEVERITY_LEVELS: tuple[str, ...] = ("low", "medium", "high")
"""Severity levels of a complaint, least to most serious (an ordered Categorical)."""

STAGE_LEVELS: tuple[str, ...] = ("stage 1", "stage 2", "ombudsman")
"""Stages of the complaints procedure, in order of escalation (an ordered Categorical)."""

OUTCOME_LEVELS: tuple[str, ...] = ("upheld", "partly upheld", "not upheld")
"""Outcomes of a closed complaint (field ``upheld``), most upheld first; missing while open."""

_STAGE_WORDS = {
    "stage 1": (
        "stage 1",
        "stage one",
        "stage1",
        "s1",
        "1",
        "first stage",
        "1st stage",
        "informal",
        "informal stage",
        "informal resolution",
        "early resolution",
        "frontline",
        "frontline resolution",
        "local resolution",
    ),
    "stage 2": (
        "stage 2",
        "stage two",
        "stage2",
        "s2",
        "2",
        "second stage",
        "2nd stage",
        "review",
        "stage 2 review",
        "investigation",
        "stage 2 investigation",
    ),
    "ombudsman": (
        "ombudsman",
        "lgsco",
        "lgo",
        "local government ombudsman",
        "local government and social care ombudsman",
        "housing ombudsman",
        "phso",
        "parliamentary and health service ombudsman",
        "spso",
        "scottish public services ombudsman",
        "psow",
        "public services ombudsman for wales",
        "nipso",
        "northern ireland public services ombudsman",
    ),
}
STAGE_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {word: stage for stage, words in _STAGE_WORDS.items() for word in words}
)
"""Stage labels read by default (compared ignoring case and spacing) -> stage."""

AMBIGUOUS_STAGES: tuple[str, ...] = (
    "stage 3",
    "stage three",
    "stage3",
    "s3",
    "3",
    "third stage",
    "3rd stage",
)
"""Never read by default: a third internal stage in some councils, the ombudsman in others."""

UPHELD_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        "upheld": "upheld",
        "yes": "upheld",
        "partly upheld": "partly upheld",
        "partially upheld": "partly upheld",
        "part upheld": "partly upheld",
        "partly": "partly upheld",
        "partially": "partly upheld",
        "partial": "partly upheld",
        "not upheld": "not upheld",
        "no": "not upheld",
    }
)
"""Outcome labels read by default (compared ignoring case and spacing) -> outcome."""

# ------------------------------------------------------------------ surveys

AGREE_5: tuple[str, ...] = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
"""The five-point agreement scale, lowest first."""

TICK_TRUE: tuple[str, ...] = ("1", "yes", "x", "true", "ticked")
"""Tick-box answers read as ticked (compared ignoring case and spaces)."""
TICK_FALSE: tuple[str, ...] = ("", "0", "no", "false")
"""Tick-box answers read as not ticked."""

# Synonyms of the grid's levels: other spellings of the SAME words only (hyphens,
# spaces, en dashes as Word and Excel type them, the -ed forms Bovaird's cells are
# described with, singular/plural). A survey's own words ("Council staff", "Residents
# and the council together") are not synonyms: they belong in read_survey(levels=...),
# where the user says what they mean. Read only with read_survey(..., synonyms=True).
#
# Not here, on purpose:
# * "co-production" (and "coproduction", "co-produced"): it names the whole grid, not a
#   level. Bovaird's "full co-production" is co-planning AND co-delivery; in much of the
#   literature (Ostrom, Parks et al.) co-production means users' part in delivery, and in
#   UK policy any user or community involvement. On the planning axis it might mean
#   co-planning or community planning; on the delivery axis co-delivery or community
#   delivery. It is therefore refused on both axes (AMBIGUOUS_LEVEL_LABELS) with a reason
#   asking for levels={"planning": {"co-production": ...}}.
# * "professional" alone IS kept (singular of "professionals"); "staff", "council",
#   "volunteers", "residents" are not: they are a survey's own words.
_PLANNING_WORDS = {
    "co-planning": (
        "co planning",
        "coplanning",
        "co\u2013planning",  # en dash
        "co-planned",
        "co planned",
        "coplanned",
        "co\u2013planned",
    ),
    "professionals": ("professional", "professionally planned", "planned by professionals"),
    "community": (
        "communities",
        "community planned",
        "community-planned",
        "planned by the community",
    ),
}
_DELIVERY_WORDS = {
    "co-delivery": (
        "co delivery",
        "codelivery",
        "co\u2013delivery",  # en dash
        "co-delivered",
        "co delivered",
        "codelivered",
        "co\u2013delivered",
    ),
    "professionals": (
        "professional",
        "professionally delivered",
        "delivered by professionals",
    ),
    "community": (
        "communities",
        "community delivered",
        "community-delivered",
        "delivered by the community",
    ),
}

PLANNING_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {word: level for level, words in _PLANNING_WORDS.items() for word in words}
)
"""Spellings read as a planning level when ``read_survey(..., synonyms=True)``.

Only these, compared ignoring case and spacing (:func:`coprod._core.text.label_key`);
anything else stays unknown and is quarantined (or mapped by the user's ``levels=``).
"co-production" is deliberately absent: see :data:`AMBIGUOUS_LEVEL_LABELS`."""

DELIVERY_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {word: level for level, words in _DELIVERY_WORDS.items() for word in words}
)
"""Spellings read as a delivery level when ``read_survey(..., synonyms=True)``
(see :data:`PLANNING_SYNONYMS`)."""

AMBIGUOUS_LEVEL_LABELS: tuple[str, ...] = (
    "co-production",
    "co production",
    "coproduction",
    "co\u2013production",
    "co-produced",
    "co produced",
    "coproduced",
)
"""Never read as a planning or delivery level, with or without ``synonyms=True``:
"co-production" names the grid (or one of several cells), not a level of one axis.
A survey that uses it must say what it meant: ``levels={"planning": {"co-production":
"co-planning"}}``."""

# ------------------------------------------------------------------ resident initiatives

INITIATIVE_KINDS: tuple[str, ...] = ("petition", "request", "community plan")
"""What residents submit when they identify an issue and want a say in it (the blog post's
second route to co-planning, beside complaints): a petition, a request (a letter, a
deputation, a motion from a residents' association asking to be involved) or a community
plan."""

_INITIATIVE_WORDS = {
    "petition": ("petitions", "e-petition", "epetition", "online petition", "paper petition"),
    "request": (
        "requests",
        "residents request",
        "residents' request",
        "deputation",
        "deputation request",
        "letter",
    ),
    "community plan": (
        "community plans",
        "neighbourhood plan",
        "neighborhood plan",
        "community action plan",
        "parish plan",
    ),
}
INITIATIVE_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {word: kind for kind, words in _INITIATIVE_WORDS.items() for word in (kind, *words)}
)
"""Spellings of an initiative's kind (compared by :func:`coprod._core.text.label_key`) ->
its kind in :data:`INITIATIVE_KINDS`. Only these; any other kind is refused with a reason."""

# ------------------------------------------------------------------ political control

PARTY_CODES: tuple[str, ...] = (
    "Con",
    "Lab",
    "LD",
    "SNP",
    "PC",
    "Green",
    "Reform",
    "UKIP",
    "Ind",
    "Nat",
)
"""How a party is written everywhere in coprod (control, largest party, administrations).

``Ind`` is every member outside the national parties: independents, residents' groups and
local parties. Open Council Data counts them in one "other" column and labels a majority of
them "Ind" (1973-2015), "Other" (2016-2024) or "IND" (2025-26), so "Other" is read as
``Ind``: reading it as a party of its own would make Orkney change control twice without an
election. ``Nat`` is the 1973-2015 file's "nat" column (SNP and Plaid Cymru together), kept
only where the council's nation does not say which of the two it is."""

NO_OVERALL_CONTROL = "NOC"
"""``control`` when no party holds a majority of the seats (no overall control)."""

CONTROL_CODES: tuple[str, ...] = (*PARTY_CODES, NO_OVERALL_CONTROL)
"""Every value ``control`` can take (missing aside): a party with a majority, or NOC."""

PARTY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "Con": "Conservative",
        "Lab": "Labour",
        "LD": "Liberal Democrat",
        "SNP": "Scottish National Party",
        "PC": "Plaid Cymru",
        "Green": "Green",
        "Reform": "Reform UK",
        "UKIP": "UKIP",
        "Ind": "Independents and local groups",
        "Nat": "SNP or Plaid Cymru",
        NO_OVERALL_CONTROL: "No overall control",
    }
)
"""The full name of each code of :data:`CONTROL_CODES` (for legends and messages)."""

_PARTY_WORDS = {
    "Con": ("con", "cons", "conservative", "conservatives", "conservative party", "tory"),
    "Lab": ("lab", "labour", "labour party", "lab co-op", "labour and co-operative"),
    "LD": (
        "ld",
        "lib dem",
        "lib dems",
        "libdem",
        "libdems",
        "liberal democrat",
        "liberal democrats",
    ),
    "SNP": ("snp", "scottish national party"),
    "PC": ("pc", "plaid", "plaid cymru"),
    "Green": ("green", "greens", "grn", "green party"),
    "Reform": ("ref", "reform", "reform uk"),
    "UKIP": ("ukip", "uk independence party"),
    # the files' "other" seats: independents, residents' groups and local parties (see
    # PARTY_CODES); CIIP, PIP and Aspire are the local parties named in the 2025-26 labels
    # (Canvey Island Independent Party, People's Independent Party, Aspire, Tower Hamlets)
    "Ind": (
        "ind",
        "independent",
        "independents",
        "other",
        "others",
        "ciip",
        "pip",
        "aspire",
        "residents",
        "residents association",
    ),
    "Nat": ("nat",),
}

PARTY_SPELLINGS: Mapping[str, str] = MappingProxyType(
    {word: code for code, words in _PARTY_WORDS.items() for word in (code.lower(), *words)}
)
"""Spellings of a party (compared by :func:`coprod._core.text.label_key`) -> its code in
:data:`PARTY_CODES`: ``Lab``/``LAB``/``Labour``, ``Plaid``/``PC``, ``Green``/``GRN``, ...
Only these; any other label is refused with a reason, never guessed."""

COUNCIL_NAME_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("the",),
    ("city", "and", "county", "of"),
    ("city", "and", "district", "of"),
    ("royal", "borough", "of"),
    ("london", "borough", "of"),
    ("metropolitan", "borough", "of"),
    ("county", "borough", "of"),
    ("borough", "of"),
    ("city", "of"),
    ("county", "of"),
    ("county",),
)
"""Words dropped from the start of a council's name before names are compared
(:func:`coprod.io.councils.council_name_key`), longest first: "Royal Borough of Windsor and
Maidenhead", "City of Edinburgh", "County Durham"."""

COUNCIL_NAME_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("city", "of"),
    ("county", "of"),
    ("london", "boro"),
    ("council",),
    ("cc",),
    ("ua",),
    ("corporation",),
    ("city",),
    ("county",),
    ("borough",),
    ("district",),
    ("metropolitan",),
)
"""Words dropped from the end of a council's name, again and again ("Bridgend County Borough
Council" -> "Bridgend"; "Bristol, City of" -> "Bristol"; "Buckinghamshire CC"). A name is
never reduced to nothing."""

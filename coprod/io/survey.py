"""Read resident surveys: services on the planning x delivery grid, and Likert/tick items.

:func:`read_survey` reads two kinds of survey file with the shared machinery of
:mod:`coprod.io` (any encoding, CSV/Excel/SPSS/Stata/Parquet, merged header
rows, renamed columns, row-level quarantine):

1. **A services survey** following :data:`coprod.io.schemas.SERVICES_SURVEY`: one row
   per respondent and service, with who plans (``planning``) and who delivers
   (``delivery``) it. Levels are normalised to the canonical names of
   :data:`coprod.grid.PLANNING_LEVELS` / :data:`~coprod.grid.DELIVERY_LEVELS`
   (any case, or the codes 0/1/2); weights must be numbers > 0; duplicate
   (respondent_id, service, wave) rows are quarantined. Optional ``organisation``
   (who delivers: :data:`coprod.vocab.ORGANISATION_KINDS`) and ``consultation`` (when
   residents are consulted: :data:`coprod.vocab.CONSULTATION_TIMINGS`) columns are read
   the same way, by :func:`parse_levels`; the answer wordings of
   :func:`coprod.survey.questionnaire` are read on every such column with no mapping.
2. **Any survey with items**: ``likert={item: column}`` answers become an ordered
   categorical on a scale (:data:`AGREE_5` by default, read ignoring case and
   spacing), ``ticks={item: column}`` tick boxes become True/False.

A file is read as a services survey when it has (or ``columns=`` maps) a
``service``, ``planning`` or ``delivery`` column; otherwise only
``respondent_id`` is required. Columns that are not mapped are dropped (free text
may hold personal data) and counted in the notes; ``keep=`` keeps named ones.

The Toronto Public Engagement Review survey
-------------------------------------------
:data:`TORONTO_ENGAGEMENT_MAPPING` holds the arguments that read the City of
Toronto's Public Engagement Review survey (2023, 962 respondents, cp1252) and the
shipped extract ``coprod/data/toronto_engagement/survey_extract.csv``::

    read_survey(path, **TORONTO_ENGAGEMENT_MAPPING)

Every mapped column (``tick`` = True/False, ``likert`` = ordered categorical on
:data:`AGREE_5`; ``rev`` = reverse-worded, recorded in
``data.attrs["reverse_worded"]``):

============================  ======================================================================================================================================================  ===========
item                          original question (column header)                                                                                                                       type
============================  ======================================================================================================================================================  ===========
respondent_id                 Respondent                                                                                                                                              id (text)
age_group                     10. What is your age?                                                                                                                                   text
q1_talked_with_staff          1.1. Talked with City staff at a booth, event, festival, or at my door                                                                                  tick
q1_petition                   1.2. Signed a petition                                                                                                                                  tick
q1_protest                    1.3. Participated in a grassroots protest or demonstration                                                                                              tick
q1_participatory_budgeting    1.4. Participated in Participatory Budgeting (Where residents identify ideas and vote on community projects)                                            tick
q1_focus_group                1.5. Participated in a City-led focus group                                                                                                             tick
q1_city_survey                1.6. Completed a City survey either online, by telephone, or in-person                                                                                  tick
q1_advisory_committee         1.7. Served on a City Council advisory committee                                                                                                        tick
q1_presentation_to_committee  1.8. Made a written or verbal presentation to a City committee                                                                                          tick
q1_open_house                 1.9. Attended an open house                                                                                                                             tick
q1_contacted_staff            1.10. Called or emailed City staff directly                                                                                                             tick
q1_watched_meeting            1.11. Watched a City Council or a committee meeting in-person or online                                                                                 tick
q1_helped_plan_engagement     1.12. Helped plan an engagement activity with the City                                                                                                  tick
q1_social_media               1.13. Read and/or responded to social media posts by the City                                                                                           tick
q1_leadership_program         1.14. Received training, funding, or support to participate in a City-run community leadership program                                                  tick
q1_consultation               1.15. Participated in an in-person or online consultation                                                                                               tick
q1_helped_design_space        1.16. Helped to design a space such as a community centre or the way a street is laid out                                                               tick
q1_complaint_311              1.17. Submitted a compliment or complaint to the City through 311                                                                                       tick
q1_website_feedback           1.18. Submitted feedback through the City's website                                                                                                     tick
q1_contacted_councillor       1.19. Called or emailed the Mayor or a City Councillor                                                                                                  tick
q1_first_time                 1.20. This survey is the first time I am participating or getting involved with the City                                                                tick
q3_considers_ideas            3.1. The City considers my ideas                                                                                                                        likert
q3_clear_influence            3.2. The City makes it clear where I can and cannot influence decisions                                                                                 likert
q3_communicates_progress      3.3. The City communicates progress on projects, policy change or changes to services regularly                                                         likert
q3_complex_language           3.4. The City often uses technical or complex language that can be difficult to understand                                                              likert, rev
q3_see_people_like_me         3.5. I see people participating who have similar experiences or look like me                                                                            likert
q3_unequal_influence          3.6. Some participants have less influence than others on decisions                                                                                     likert, rev
q3_community_strengths        3.7. My community's strengths, abilities and ideas contribute to the solution                                                                           likert
q3_understand_reasoning       3.8. I understand the City’s reasoning for why a decision was made                                                                                      likert
q3_relevant                   3.9. The City's engagement activities are relevant to me, my family and/or my community                                                                 likert
q3_welcoming_spaces           3.10. The City creates spaces that are free of unwelcoming behaviour and offensive language                                                             likert
q3_no_difference              3.11. I can't see how my participation made a difference                                                                                                likert, rev
q3_other_rating               3.12. Other, please specify                                                                                                                             likert
q7_no_internet                7.1. I don't have regular internet access or data, which makes joining meetings harder                                                                  likert
q7_offensive_easier           7.2. It is easier for people to say offensive things in virtual meetings (e.g. racist, sexist, homophobic, transphobic, and other oppressive language)  likert
q7_convenient                 7.3. Virtual meetings are more convenient as I can join from anywhere                                                                                   likert
q7_connect_with_staff         7.4. It is easy to connect with City staff during and/or after an virtual meeting to discuss my ideas or concerns                                       likert
q7_easy_login                 7.5. Logging into virtual activities is easy and I know where to get technical help                                                                     likert
q7_enough_time                7.6. I have enough time to talk about the topic at virtual meetings                                                                                     likert
q7_meet_community             7.7. I can get to know other community members                                                                                                          likert
q7_feel_safe                  7.8. I feel safe in a virtual environment                                                                                                               likert
q7_software_easy              7.9. The software the City uses is easy to use                                                                                                          likert
q7_more_hybrid                7.10. The City should offer more hybrid meetings, where I can have options to attend meetings virtually or in-person                                    likert
q7_other_rating               7.11. Other, please specify                                                                                                                             likert
============================  ======================================================================================================================================================  ===========

Notes on the Toronto file (see its ``SOURCE.txt``):

* Q1 tick boxes are "1" or empty (never 0). "1.21. Other, please specify" is free
  text and is dropped.
* Q3 answers use "Strongly disagree", Q7 "Strongly Disagree" (title case); both read
  as :data:`AGREE_5` because the scale is matched ignoring case.
* The two "Other" pairs have swapped labels: "3.12. Other, please specify" and
  "7.11. Other, please specify" hold a Likert rating (mapped, as
  ``q3_other_rating`` / ``q7_other_rating``) of the respondent's own statement,
  which is in "3.12. Other" / "7.11. Other" (free text, dropped). A rating of an
  unknown statement is only useful to count who wrote one.
* Reverse-worded (agreeing is negative about the City's engagement): 3.4, 3.6 and
  3.11, listed in ``reverse``. Q7 items are about virtual meetings and are not a
  single scale; 7.1 and 7.2 are also negatively worded, so reverse them with
  :func:`reverse_code` if you combine Q7 items into a score.
* The postal-code, identity, gender, income and free-text columns are not mapped.

:data:`TORONTO_ACTIVITY_RUNGS` places the Q1 activities on Arnstein's ladder.

Source: City of Toronto, Open Data Toronto, "Public Engagement Review Survey".
Contains information licensed under the Open Government Licence - Toronto.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import join_words, label_key, loose_key, plural
from coprod.io.columns import resolve_columns, title_row_hint
from coprod.io.inputs import reads_many
from coprod.io.parse import Parsed, as_text, is_blank, parse_numbers
from coprod.io.raw import read_raw_table
from coprod.io.result import InputError, LoadResult, Problems, finish
from coprod.io.schemas import SERVICES_SURVEY
from coprod.io.validate import duplicate_key_problems, validate_lazily
from coprod.vocab import (
    AGREE_5,
    AMBIGUOUS_LEVEL_LABELS,
    CONSULTATION_TIMINGS,
    DELIVERY_LEVELS,
    DELIVERY_SYNONYMS,
    ORGANISATION_KINDS,
    PLANNING_LEVELS,
    PLANNING_SYNONYMS,
    QUESTIONNAIRE_ANSWERS,
    TICK_FALSE,
    TICK_TRUE,
)

__all__ = [
    "AGREE_5",
    "TICK_FALSE",
    "TICK_TRUE",
    "TORONTO_ACTIVITY_RUNGS",
    "TORONTO_CONSULTATION_TIMING",
    "TORONTO_ENGAGEMENT_MAPPING",
    "parse_levels",
    "parse_likert",
    "parse_ticks",
    "read_survey",
    "reverse_code",
]

#: Added to the name of an item that :func:`align_reverse_worded` reverse-coded, so the
#: reversed answers never travel under the name of the statement people answered.
REVERSED_SUFFIX = "_reversed"

_SERVICE_FIELDS = ("service", "planning", "delivery")
# the schema's checks as read_survey applies them: the answers may be missing (a missing=
# answer, "I don't know"); blank answers are refused by parse_levels unless missing=[""]
_ANSWER_FIELDS = ("planning", "delivery", "organisation", "consultation")
_SURVEY_CHECKS = dataclasses.replace(
    SERVICES_SURVEY,
    fields=tuple(
        dataclasses.replace(f, nullable=True) if f.name in _ANSWER_FIELDS else f
        for f in SERVICES_SURVEY.fields
    ),
)
_TEXT_FIELDS = ("service", "council", "age_group")


# --------------------------------------------------------------------------- parsers


_AXES = {
    "planning": (PLANNING_LEVELS, PLANNING_SYNONYMS),
    "delivery": (DELIVERY_LEVELS, DELIVERY_SYNONYMS),
    # beside the grid's axes, answers read the same way (no codes, no synonym table)
    "organisation": (ORGANISATION_KINDS, {}),
    "consultation": (CONSULTATION_TIMINGS, {}),
}
_GRID_AXES = ("planning", "delivery")
# what one value of each is called in messages
_LEVEL_WORD = {
    "planning": "planning level",
    "delivery": "delivery level",
    "organisation": "delivering organisation (coprod.vocab.ORGANISATION_KINDS)",
    "consultation": "consultation timing (coprod.vocab.CONSULTATION_TIMINGS)",
}


_CODE = re.compile(r"[0-2](\.0*)?")


def _code(value: Any) -> int | None:
    """0, 1 or 2 for a code written as a number or digits ("1", 1.0, " 2 "), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return int(number) if number in (0.0, 1.0, 2.0) else None
    text = str(value).strip()
    return int(text[0]) if _CODE.fullmatch(text) else None


def parse_levels(
    values: Iterable[Any],
    *,
    axis: str,
    labels: Mapping[str, str | None] | None = None,
    synonyms: bool = False,
    missing: Iterable[str] = (),
    blank_ok: bool = True,
) -> Parsed:
    """Read planning, delivery, organisation or consultation answers as canonical names.

    ``axis`` is ``"planning"``, ``"delivery"`` (the grid's axes), ``"organisation"`` (who
    delivers: :data:`coprod.vocab.ORGANISATION_KINDS`) or ``"consultation"`` (when
    residents are consulted: :data:`coprod.vocab.CONSULTATION_TIMINGS`). Accepted, in
    this order (labels compared ignoring case and spacing, never fuzzily):

    1. ``labels``: the survey's own words, ``{label: level}`` (a level of the axis, or
       ``None`` for "no answer"), e.g. ``{"Council staff": "professionals"}`` or
       ``{"Contracted staff": "private contractor"}``;
    2. ``missing``: answers read as missing, e.g. ``("Don't know",)``;
    3. the level names themselves, on the grid's axes also the codes 0/1/2
       (0 = professionals);
    4. the answer wordings of :func:`coprod.survey.questionnaire`
       (:data:`coprod.vocab.QUESTIONNAIRE_ANSWERS`), whose "I don't know" is no answer;
    5. with ``synonyms=True``, the spellings of :data:`coprod.vocab.PLANNING_SYNONYMS`
       / :data:`~coprod.vocab.DELIVERY_SYNONYMS` ("co planning", "co-planned", ...).

    A blank is missing when ``blank_ok`` (else refused as blank but required). Anything
    else is refused with a reason that says how to map it with ``levels=``; labels of
    :data:`coprod.vocab.AMBIGUOUS_LEVEL_LABELS` ("co-production") are never read as a
    planning or delivery level. Values are a categorical of the levels, ordered on the
    grid's axes.
    """
    if axis not in _AXES:
        raise ValueError(f"axis must be one of {', '.join(map(repr, _AXES))}, not {axis!r}")
    levels, table = _AXES[axis]
    other_words: set[str] = set()
    if axis in _GRID_AXES:
        other = "delivery" if axis == "planning" else "planning"
        other_words = {label_key(w) for w in (*_AXES[other][0], *_AXES[other][1])} - {
            label_key(w) for w in (*levels, *table)
        }
    lookup: dict[str, str | None] = {
        label_key(k): v for k, v in QUESTIONNAIRE_ANSWERS[axis].items()
    }
    lookup.update({label_key(level): level for level in levels})
    if synonyms:
        lookup.update({label_key(k): v for k, v in table.items()})
    lookup.update({label_key(m): None for m in missing if label_key(m)})
    lookup.update({label_key(k): v for k, v in (labels or {}).items()})
    skip_blank = blank_ok or any(not label_key(m) for m in missing)
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    cache: dict[Any, tuple[Any, str | None, str | None]] = {}
    out: list[Any] = []
    reasons: list[str | None] = []
    kinds: list[str | None] = []
    for v in series.tolist():
        try:
            k = (type(v), v)
            hit = cache.get(k)
        except TypeError:
            k, hit = None, None
        if hit is None:
            hit = _one_level(v, axis, lookup, levels, table, synonyms, skip_blank, other_words)
            if k is not None:
                cache[k] = hit
        out.append(hit[0])
        reasons.append(hit[1])
        kinds.append(hit[2])
    dtype = pd.CategoricalDtype(levels, ordered=axis in _GRID_AXES)
    return Parsed(
        values=pd.Series(out, index=series.index, dtype=dtype, name=series.name),
        problems=pd.Series(reasons, index=series.index, dtype="str", name=series.name),
        kinds=pd.Series(kinds, index=series.index, dtype="str", name=series.name),
    )


def _one_level(
    v: Any,
    axis: str,
    lookup: Mapping[str, str | None],
    levels: tuple[str, ...],
    table: Mapping[str, str],
    synonyms: bool,
    skip_blank: bool,
    other_words: set[str],
) -> tuple[Any, str | None, str | None]:
    """(level or None, reason, kind) for one answer."""
    if is_blank(v):
        if skip_blank:
            return None, None, None
        return (
            None,
            f"{axis} is blank but required: fill it in (or remove the row), or pass "
            "missing=[''] to read blank answers as missing",
            "blank but required",
        )
    key = label_key(v)
    if key in lookup:
        return lookup[key], None, None
    code = _code(v) if axis in _GRID_AXES else None
    if code is not None:
        return levels[code], None, None
    shown = as_text(v)
    fix = f"levels={{{axis!r}: {{{shown!r}: '<level>'}}}}"
    if axis not in _GRID_AXES:
        return (
            None,
            f"{shown!r} is not a {_LEVEL_WORD[axis]}: use one of "
            + ", ".join(repr(level) for level in levels)
            + f" (any case), or say which it is with {fix}",
            f"unknown {axis} labels",
        )
    if key in AMBIGUOUS_LEVEL_LABELS:
        return (
            None,
            f"{shown!r} is not read as a {axis} level: co-production names the whole grid "
            "(Bovaird's full co-production is co-planning with co-delivery), not one level "
            f"of an axis; say what your survey meant with {fix}, e.g. one of "
            + ", ".join(repr(level) for level in levels),
            f"ambiguous {axis} labels",
        )
    reason = (
        f"{shown!r} is not a {axis} level: use one of "
        + ", ".join(repr(level) for level in levels)
        + f" (any case) or the codes 0, 1, 2, or say which level it is with {fix}"
    )
    if not synonyms and key in {label_key(w) for w in table}:
        level = table[next(w for w in table if label_key(w) == key)]
        reason += (
            f"; it is a spelling in coprod.vocab.{axis.upper()}_SYNONYMS: pass synonyms=True "
            f"to read it as {level!r}"
        )
    elif key in other_words:
        reason += f"; it is a {'delivery' if axis == 'planning' else 'planning'} level: is "
        reason += f"this the {axis} column?"
    return None, reason, f"unknown {axis} labels"


def parse_likert(
    values: Iterable[Any],
    scale: Iterable[str] = AGREE_5,
    *,
    missing: Iterable[str] = (),
) -> Parsed:
    """Read Likert answers as an ordered categorical on ``scale``.

    Answers are matched ignoring case and spacing ("Strongly Agree" and
    "strongly  agree" are both "Strongly agree"). Blanks, and answers listed in
    ``missing`` (e.g. "Don't know"), are missing; anything else is refused.
    """
    scale = tuple(scale)
    lookup = {label_key(s): s for s in scale}
    if len(lookup) != len(scale):
        raise ValueError(f"the scale has answers that differ only in case or spacing: {scale}")
    skip = {label_key(m) for m in missing}
    shown = ", ".join(repr(s) for s in scale)
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    out: list[Any] = []
    reasons: list[str | None] = []
    for v in series.tolist():
        k = "" if is_blank(v) else label_key(v)
        if k == "" or k in skip:
            out.append(None)
            reasons.append(None)
        elif k in lookup:
            out.append(lookup[k])
            reasons.append(None)
        else:
            out.append(None)
            reasons.append(
                f"{as_text(v)!r} is not an answer on the scale ({shown}): correct it, "
                "leave it blank, or pass likert_scale= / missing="
            )
    return Parsed(
        values=pd.Series(
            out,
            index=series.index,
            dtype=pd.CategoricalDtype(scale, ordered=True),
            name=series.name,
        ),
        problems=pd.Series(reasons, index=series.index, dtype="str", name=series.name),
        kinds=_kinds(reasons, "answers not on the scale", series),
    )


def parse_ticks(values: Iterable[Any]) -> Parsed:
    """Read tick boxes as True/False.

    Ticked: :data:`TICK_TRUE` ("1", "yes", "x", "true", "ticked"); not ticked:
    :data:`TICK_FALSE` (blank, "0", "no", "false"), ignoring case and spaces.
    Anything else is refused (its value is False in ``values``).
    """
    true = {label_key(t) for t in TICK_TRUE}
    false = {label_key(f) for f in TICK_FALSE}
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    out: list[bool] = []
    reasons: list[str | None] = []
    for v in series.tolist():
        k = "" if is_blank(v) else label_key(v)
        if k in true:
            out.append(True)
            reasons.append(None)
        elif k in false:
            out.append(False)
            reasons.append(None)
        else:
            out.append(False)
            reasons.append(
                f"{as_text(v)!r} is not a tick-box answer: use 1, yes, x, true or ticked "
                "for ticked and blank, 0, no or false for not ticked"
            )
    return Parsed(
        values=pd.Series(out, index=series.index, dtype=bool, name=series.name),
        problems=pd.Series(reasons, index=series.index, dtype="str", name=series.name),
        kinds=_kinds(reasons, "not tick-box answers", series),
    )


def _kinds(reasons: list[str | None], kind: str, series: pd.Series) -> pd.Series:
    """``kind`` wherever there is a reason (one kind for every refusal of a parser)."""
    return pd.Series(
        [None if r is None else kind for r in reasons],
        index=series.index,
        dtype="str",
        name=series.name,
    )


def reverse_code(series: pd.Series, scale: Iterable[str] = AGREE_5) -> pd.Series:
    """Reverse a Likert item: "Strongly agree" <-> "Strongly disagree", etc.

    Returns an ordered categorical on the same ``scale`` (missing stays missing),
    so a reverse-worded item can be combined with positively worded ones.
    Raises ValueError if an answer is not on the scale.
    """
    scale = tuple(scale)
    parsed = parse_likert(series, scale)
    bad = parsed.problems.dropna()
    if len(bad):
        raise ValueError(f"cannot reverse-code {series.name!r}: {bad.iloc[0]}")
    codes = parsed.values.cat.codes.to_numpy()
    flipped = np.where(codes >= 0, len(scale) - 1 - codes, -1)
    return pd.Series(
        pd.Categorical.from_codes(flipped, categories=scale, ordered=True),
        index=series.index,
        name=series.name,
    )


def _text_values(values: pd.Series) -> pd.Series:
    """Stripped text, blank -> missing."""
    out = [None if is_blank(v) else as_text(v).strip() for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype="str", name=values.name)


def _wave_values(values: pd.Series) -> pd.Series:
    """Whole numbers (Int64) when every wave is one, else text."""
    nums = parse_numbers(values, integer=True)
    if nums.ok.all() and nums.values.notna().any():
        return nums.values
    return _text_values(values)


# --------------------------------------------------------------------------- reader


def _as_mapping(items: Mapping[str, str] | Iterable[str] | None, argument: str) -> dict:
    if items is None:
        return {}
    if isinstance(items, str):
        raise InputError(
            f"{argument}= got a single string {items!r}",
            fix=f"pass {argument}={{'item_name': 'column in the file'}} or a list of columns",
        )
    if isinstance(items, Mapping):
        return {str(k): str(v) for k, v in items.items()}
    return {str(c): str(c) for c in items}


def _survey_key(result: LoadResult) -> list[str]:
    """The key that must be unique across the files of one survey (none without ids)."""
    attrs = result.data.attrs
    id_field = attrs.get("id_field", "respondent_id")
    if attrs.get("ids_from_rows") or id_field not in result.data.columns:
        return []
    return [id_field, *(f for f in ("service", "wave") if f in result.data.columns)]


@reads_many(kind="survey", key=_survey_key)
def read_survey(
    path: str | Path | Sequence[str | Path] | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    likert: Mapping[str, str] | Iterable[str] | None = None,
    ticks: Mapping[str, str] | Iterable[str] | None = None,
    levels: Mapping[str, Mapping[str, str | None]] | None = None,
    synonyms: bool = False,
    missing: Iterable[str] = (),
    reverse: Iterable[str] = (),
    likert_scale: Iterable[str] = AGREE_5,
    likert_missing: Iterable[str] = (),
    keep: Mapping[str, str] | Iterable[str] = (),
    encoding: str | None = None,
    header_rows: int = 1,
    sheet: str | int | None = None,
    id_field: str = "respondent_id",
    skip_rows: int = 0,
) -> LoadResult:
    """Read a survey file: every row is loaded or quarantined with a reason.

    Parameters
    ----------
    path:
        A file, a list of files or a folder of files of one layout (loaded as one
        table: a ``file`` column says where each row came from, and a respondent
        id on rows of two files is a duplicate), or a DataFrame already in memory
        (its rows numbered 1, 2, ...). A file is CSV/TSV/TXT (any common encoding, also ``.gz``), Excel ``.xlsx``/``.xls``,
        OpenDocument ``.ods``, SPSS ``.sav``/``.zsav``, Stata ``.dta`` or Parquet (see
        :func:`coprod.io.read_raw_table`).
    columns:
        ``{field: column in the file}`` for the survey fields of
        :data:`coprod.io.schemas.SERVICES_SURVEY` (``respondent_id`` - or
        ``id_field`` -, ``service``, ``planning``, ``delivery``, ``organisation``,
        ``consultation``, ``council``, ``wave``, ``weight``, ``age_group``). Fields not mapped are looked for under
        their own name (ignoring case and spacing). A file without a respondent id
        (none mapped, none named so) gets the row numbers as ids, with a note: each
        row is then one respondent and repeated respondents cannot be detected.
    likert, ticks:
        ``{item name: column in the file}`` (or a list of columns, named as they
        are) for Likert items and tick boxes.
    levels:
        The survey's own answer words for the grid, per axis:
        ``{"planning": {"Council staff": "professionals", "Residents and council
        together": "co-planning", "Residents": "community"}, "delivery": {...}}``
        (labels compared ignoring case and spacing; ``None`` reads a label as no
        answer). ``"organisation"`` maps words to :data:`coprod.vocab.ORGANISATION_KINDS`
        (``{"Contracted staff": "private contractor"}``), ``"consultation"`` to
        :data:`coprod.vocab.CONSULTATION_TIMINGS`. The level names, the codes 0/1/2 (on
        the grid's axes) and the answer wordings of :func:`coprod.survey.questionnaire`
        stay accepted; other labels are quarantined with a reason naming the ``levels=``
        fix.
    synonyms:
        Also read the spellings of :data:`coprod.vocab.PLANNING_SYNONYMS` /
        :data:`~coprod.vocab.DELIVERY_SYNONYMS` ("co planning", "coplanning",
        "co-delivered", ...). Off by default: nothing is read that you did not list.
        "co-production" is never read as a level (it names the grid, not a level).
    missing:
        Answers that mean "no answer", e.g. ``("Don't know", "Prefer not to say")``;
        include ``""`` to accept blank planning/delivery answers. Such an answer is
        missing (NaN) and the row's other answers are kept. Applies to the planning,
        delivery and Likert columns. By default a blank planning or delivery answer
        quarantines its row (blank Likert answers are always missing).
    reverse:
        Likert item names that are reverse-worded. Answers are kept as given (a chart
        shows them against the statement as worded); the names are recorded in
        ``data.attrs["reverse_worded"]`` for scores: ``likert_table(reverse=...)``
        reverses them in its ``net_score``, :func:`align_reverse_worded` for an index.
    likert_scale:
        The answers of the Likert items, lowest first (default :data:`AGREE_5`).
    likert_missing:
        Further answers to read as missing in the Likert columns only.
    keep:
        Other columns to keep as read (names, or ``{new name: column}``). Nothing
        unmapped is kept otherwise: free text may hold personal data.
    encoding, header_rows, sheet, skip_rows:
        Passed to :func:`coprod.io.read_raw_table` (``sheet``: name or 0-based number;
        ``skip_rows``: title rows above the header). Notes below the table are not
        read as rows (see :mod:`coprod.io.raw`).
    id_field:
        Name of the respondent id field (in ``columns=`` and in the data).

    Returns
    -------
    LoadResult with ``kind="survey"``. ``data`` is indexed by the row number in
    the file; ``data.attrs`` holds ``source_columns`` ({name: column in the
    file}), ``likert_items``, ``tick_items``, ``likert_scale``,
    ``reverse_worded``, ``services_survey`` (bool) and ``ids_from_rows`` (bool:
    the respondent ids are the row numbers).

    A row is quarantined when a level, weight, Likert or tick answer is not
    accepted, when a required field is blank, or when its (respondent_id,
    service, wave) key appears on more than one row (all copies are quarantined).
    """
    raw = read_raw_table(
        path, encoding=encoding, header_rows=header_rows, sheet=sheet, skip_rows=skip_rows
    )
    source = raw.source
    columns = dict(columns or {})
    level_labels = _check_levels_argument(levels, source)
    missing = _check_missing_argument(missing, source)
    likert_map = _as_mapping(likert, "likert")
    tick_map = _as_mapping(ticks, "ticks")
    keep_map = _as_mapping(keep, "keep")
    scale = tuple(likert_scale)

    schema_fields = [id_field if n == "respondent_id" else n for n in SERVICES_SURVEY.names]
    to_schema = {id_field: "respondent_id"}
    # services survey when service/planning/delivery is mapped or present
    probe = resolve_columns(
        raw,
        {k: v for k, v in columns.items() if k in _SERVICE_FIELDS},
        required=(),
        optional=_SERVICE_FIELDS,
    )
    services = bool(probe)
    # no respondent id (none mapped, none named so): the row numbers are the ids
    id_probe = resolve_columns(
        raw,
        {id_field: columns[id_field]} if id_field in columns else {},
        required=(),
        optional=[id_field],
    )
    ids_from_rows = id_field not in id_probe
    if not services and not (likert_map or tick_map) and ids_from_rows:
        raise InputError(
            "nothing to read: the file has no service, planning or delivery column and no "
            f"Likert or tick-box items were named (nor a {id_field!r} column)",
            file=source,
            row=raw.header_row_text,
            fix="map the survey's columns: columns={'service': ..., 'planning': ..., "
            "'delivery': ...} for a services survey, or likert={...} / ticks={...} for items"
            + (f"; {title}" if (title := title_row_hint(raw)) else ""),
        )
    required = [*([] if ids_from_rows else [id_field]), *(_SERVICE_FIELDS if services else ())]
    optional = [f for f in schema_fields if f not in required and f != id_field]
    if not services:
        optional = [f for f in optional if f not in _SERVICE_FIELDS]
    try:
        found = resolve_columns(raw, columns, required=required, optional=optional)
    except InputError as exc:
        if services and "not found" in exc.problem:
            exc = InputError(
                f"the file has {', '.join(map(repr, probe.values()))}, so it is read as a "
                f"services survey, which needs service, planning and delivery: {exc.problem}",
                file=exc.file,
                row=exc.row,
                column=exc.column,
                fix=exc.fix,
            )
        raise exc from None

    names = {}
    for argument, mapping in (("likert", likert_map), ("ticks", tick_map), ("keep", keep_map)):
        if mapping:
            names[argument] = resolve_columns(
                raw, mapping, required=list(mapping), argument=argument
            )
        else:
            names[argument] = {}
    _check_names(found, names, source)
    reverse = tuple(reverse)
    bad_reverse = [r for r in reverse if r not in names["likert"]]
    if bad_reverse:
        raise InputError(
            f"reverse= names {bad_reverse}, which are not Likert items",
            file=source,
            fix="list names given as keys of likert= (items: " + ", ".join(names["likert"]) + ")",
        )

    frame = raw.frame
    problems = Problems(source)
    out: dict[str, pd.Series] = {}
    source_columns: dict[str, str] = {}
    notes: list[str] = list(raw.notes)
    if ids_from_rows:
        out[id_field] = pd.Series(
            [str(r) for r in frame.index.tolist()], index=frame.index, dtype="str", name=id_field
        )
        source_columns[id_field] = "(row number)"
        notes.append(_row_id_note(raw, id_field))

    for fld, col in found.items():
        values = frame[col]
        source_columns[fld] = col
        if fld == id_field or fld in _TEXT_FIELDS:
            out[fld] = _text_values(values)
        elif fld in _AXES:
            labels = level_labels.get(fld, {})
            parsed = parse_levels(
                values,
                axis=fld,
                labels=labels,
                synonyms=synonyms,
                missing=missing,
                blank_ok=False,
            )
            problems.add_parsed(parsed, values, col)
            out[fld] = parsed.values
            notes.extend(_level_notes(fld, col, values, parsed, labels, synonyms, missing))
        elif fld == "wave":
            out[fld] = _wave_values(values)
        elif fld == "weight":
            parsed = parse_numbers(values)
            problems.add_parsed(parsed, values, col)
            out[fld] = parsed.values
        out[fld] = out[fld].rename(fld)

    likert_missing = (*missing, *likert_missing)
    skip = [label_key(m) for m in likert_missing if label_key(m)]
    n_missing_text = 0
    for item, col in names["likert"].items():
        values = frame[col]
        parsed = parse_likert(values, scale, missing=likert_missing)
        problems.add_parsed(parsed, values, col)
        out[item] = parsed.values.rename(item)
        source_columns[item] = col
        if skip:
            n_missing_text += sum(
                1 for v in values.tolist() if not is_blank(v) and label_key(v) in skip
            )
    for item, col in names["ticks"].items():
        values = frame[col]
        parsed = parse_ticks(values)
        problems.add_parsed(parsed, values, col)
        out[item] = parsed.values.rename(item)
        source_columns[item] = col
    for name, col in names["keep"].items():
        out[name] = frame[col].rename(name)
        source_columns[name] = col

    data = pd.DataFrame(out, index=frame.index)

    # declared checks (blanks, accepted values, weight > 0) on rows not yet quarantined
    present = [f for f in schema_fields if f in found]
    pandera_schema = _SURVEY_CHECKS.to_pandera(
        fields=[to_schema.get(f, f) for f in present], rename={"respondent_id": id_field}
    )
    unchecked = data.loc[~data.index.isin(list(problems.rows)), present]
    problems.extend(
        validate_lazily(
            pandera_schema, unchecked, column_names=source_columns, raw=frame, source=source
        )
    )
    # duplicate keys: every copy is quarantined (not checked when rows are the ids: every
    # row is a respondent of its own, so repeated respondents cannot be seen)
    if not ids_from_rows:
        key = [id_field, *(f for f in ("service", "wave") if f in found)]
        has_id = data[id_field].notna()
        problems.extend(
            duplicate_key_problems(data.loc[has_id, key], key, column_names=source_columns)
        )

    used = set(source_columns.values())
    dropped = [c for c in frame.columns if c not in used]
    if services:
        notes.append("read as a services survey (service, planning, delivery)")
    if dropped:
        notes.append(
            f"dropped {plural(len(dropped), 'unmapped column')} (unmapped columns may hold "
            "free text or personal data; pass keep=[...] to keep one)"
        )
    if n_missing_text:
        notes.append(
            f"{plural(n_missing_text, 'Likert answer')} listed in missing= or likert_missing= "
            "read as missing"
        )
    if reverse:
        notes.append(
            "reverse-worded items (answers kept as given; reversed only in scores, see "
            "likert_table(reverse=...)): " + ", ".join(reverse)
        )
    if names["keep"]:
        notes.append("kept as read: " + ", ".join(names["keep"]))

    data.attrs.update(
        {
            "source": source,
            "source_columns": source_columns,
            "likert_items": tuple(names["likert"]),
            "tick_items": tuple(names["ticks"]),
            "likert_scale": scale,
            "reverse_worded": reverse,
            "services_survey": services,
            "ids_from_rows": ids_from_rows,
            "id_field": id_field,
        }
    )
    return finish(
        data, problems, kind="survey", encoding=raw.encoding, notes=notes, stacklevel=4
    )  # stacklevel: the user's call, through reads_many


def _check_levels_argument(
    levels: Mapping[str, Mapping[str, str | None]] | None, source: str
) -> dict[str, dict[str, str | None]]:
    """``levels=`` checked: axes known, every label mapped to a level of its axis or None."""
    if levels is None:
        return {}
    example = "levels={'planning': {'Council staff': 'professionals'}}"
    if not isinstance(levels, Mapping):
        raise InputError(
            f"levels= must be a mapping per axis, got {type(levels).__name__}",
            file=source,
            fix=f"pass e.g. {example}",
        )
    out: dict[str, dict[str, str | None]] = {}
    for axis, mapping in levels.items():
        if axis not in _AXES:
            raise InputError(
                f"levels= names the axis {axis!r}; the axes are "
                + join_words([repr(a) for a in _AXES]),
                file=source,
                fix=f"pass e.g. {example}",
            )
        if not isinstance(mapping, Mapping):
            raise InputError(
                f"levels[{axis!r}] must map your labels to levels, got {mapping!r}",
                file=source,
                fix=f"pass e.g. {example}",
            )
        axis_levels = _AXES[axis][0]
        by_key = {label_key(level): level for level in axis_levels}
        out[axis] = {}
        for label, level in mapping.items():
            if not label_key(label):
                raise InputError(
                    f"levels[{axis!r}] maps a blank label; blank answers are read with "
                    "missing=['']",
                    file=source,
                    fix=f"remove the blank label from levels[{axis!r}]",
                )
            if level is not None and label_key(level) not in by_key:
                raise InputError(
                    f"levels[{axis!r}] maps {label!r} to {level!r}, which is not a "
                    f"{_LEVEL_WORD[axis]}: the levels are " + ", ".join(map(repr, axis_levels)),
                    file=source,
                    fix=f"map each label to one of {', '.join(map(repr, axis_levels))}, or "
                    "to None for no answer",
                )
            out[axis][str(label)] = None if level is None else by_key[label_key(level)]
    return out


def _check_missing_argument(missing: Iterable[str], source: str) -> tuple[str, ...]:
    if isinstance(missing, str):
        raise InputError(
            f"missing= got a single string {missing!r}",
            file=source,
            fix=f"pass a list: missing=[{missing!r}]",
        )
    return tuple("" if is_blank(m) else str(m) for m in missing)


def _row_id_note(raw: Any, id_field: str) -> str:
    """The note for a file without a respondent id, naming a likely id column if any."""
    note = (
        f"no respondent id column (none mapped, none named {id_field!r}): each row's number "
        f"in the file is its {id_field}, so every row counts as a different respondent and "
        "repeated respondents cannot be detected"
    )
    wanted = loose_key(id_field)
    close = [
        c
        for c in raw.frame.columns
        if loose_key(c) == wanted or loose_key(c) in ("id", "respondent", "respondent id")
    ]
    if close:
        note += f"; if {close[0]!r} is the id, pass columns={{{id_field!r}: {close[0]!r}}}"
    return note


def _level_notes(
    axis: str,
    column: str,
    values: pd.Series,
    parsed: Parsed,
    labels: Mapping[str, str | None],
    synonyms: bool,
    missing: Iterable[str],
) -> list[str]:
    """Notes on the labels read through levels= or the synonym table, and on answers read
    as missing (counted per label as written)."""
    user = {label_key(k): v for k, v in labels.items()}
    table = {label_key(k): v for k, v in _AXES[axis][1].items()} if synonyms else {}
    worded = {label_key(k): v for k, v in QUESTIONNAIRE_ANSWERS[axis].items()}
    skip = {label_key(m) for m in missing}
    ok = parsed.problems.isna().to_numpy()
    counts: dict[str, list[Any]] = {}  # key -> [first text as written, count]
    for v, fine in zip(values.tolist(), ok.tolist(), strict=True):
        if not fine:
            continue
        key = label_key(v)
        entry = counts.setdefault(key, [as_text(v).strip(), 0])
        entry[1] += 1
    mapped, synonym, absent, sentences = [], [], [], []
    for key, (text, n) in counts.items():
        if key in user:
            mapped.append(f"{text!r} -> {user[key]!r} ({plural(n, 'row')})")
        elif key in skip or (not key and "" in skip):
            absent.append(f"{text or 'blank'!r} ({n})" if text else f"blank ({n})")
        elif key in worded:
            level = "no answer" if worded[key] is None else repr(worded[key])
            sentences.append(f"{text!r} -> {level} ({plural(n, 'row')})")
        elif key in table:
            synonym.append(f"{text!r} -> {table[key]!r} ({plural(n, 'row')})")
    notes = []
    if mapped:
        notes.append(f"{axis} answers read with levels=: " + ", ".join(mapped))
    if sentences:
        notes.append(
            f"{axis} answers read as the questionnaire's wordings (coprod.vocab."
            "QUESTIONNAIRE_ANSWERS): " + ", ".join(sentences)
        )
    if synonym:
        notes.append(
            f"{axis} answers read as synonyms (synonyms=True, coprod.vocab."
            f"{axis.upper()}_SYNONYMS): " + ", ".join(synonym)
        )
    if absent:
        n = sum(counts[k][1] for k in counts if k in skip or (not k and "" in skip))
        notes.append(
            f"{plural(n, f'{axis} answer')} in {column!r} read as missing (missing=): "
            + ", ".join(absent)
            + "; the rows' other answers are kept"
        )
    return notes


def _check_names(found: dict[str, str], names: dict[str, dict[str, str]], source: str) -> None:
    """Output names must be unique, and no file column may be used twice."""
    owner: dict[str, str] = {}
    by_column: dict[str, str] = {}
    groups = [("columns", found), *names.items()]
    for argument, mapping in groups:
        for name, col in mapping.items():
            if name in owner:
                raise InputError(
                    f"the name {name!r} is used in both {owner[name]}= and {argument}=",
                    file=source,
                    fix="give every field and item a different name",
                )
            owner[name] = argument
            if col in by_column:
                raise InputError(
                    f"column {col!r} is mapped twice ({by_column[col]} and {argument} {name!r})",
                    file=source,
                    column=col,
                    fix="map each column in the file to one field or item only",
                )
            by_column[col] = f"{argument} {name!r}"


# --------------------------------------------------------------------------- Toronto

_TORONTO_TICKS = (
    (
        "q1_talked_with_staff",
        "1.1. Talked with City staff at a booth, event, festival, or at my door",
    ),
    ("q1_petition", "1.2. Signed a petition"),
    ("q1_protest", "1.3. Participated in a grassroots protest or demonstration"),
    (
        "q1_participatory_budgeting",
        "1.4. Participated in Participatory Budgeting (Where residents identify ideas and "
        "vote on community projects)",
    ),
    ("q1_focus_group", "1.5. Participated in a City-led focus group"),
    ("q1_city_survey", "1.6. Completed a City survey either online, by telephone, or in-person"),
    ("q1_advisory_committee", "1.7. Served on a City Council advisory committee"),
    (
        "q1_presentation_to_committee",
        "1.8. Made a written or verbal presentation to a City committee",
    ),
    ("q1_open_house", "1.9. Attended an open house"),
    ("q1_contacted_staff", "1.10. Called or emailed City staff directly"),
    (
        "q1_watched_meeting",
        "1.11. Watched a City Council or a committee meeting in-person or online",
    ),
    ("q1_helped_plan_engagement", "1.12. Helped plan an engagement activity with the City"),
    ("q1_social_media", "1.13. Read and/or responded to social media posts by the City"),
    (
        "q1_leadership_program",
        "1.14. Received training, funding, or support to participate in a City-run "
        "community leadership program",
    ),
    ("q1_consultation", "1.15. Participated in an in-person or online consultation"),
    (
        "q1_helped_design_space",
        "1.16. Helped to design a space such as a community centre or the way a street is laid out",
    ),
    ("q1_complaint_311", "1.17. Submitted a compliment or complaint to the City through 311"),
    ("q1_website_feedback", "1.18. Submitted feedback through the City's website"),
    ("q1_contacted_councillor", "1.19. Called or emailed the Mayor or a City Councillor"),
    (
        "q1_first_time",
        "1.20. This survey is the first time I am participating or getting involved with the City",
    ),
)

_TORONTO_LIKERT = (
    ("q3_considers_ideas", "3.1. The City considers my ideas"),
    (
        "q3_clear_influence",
        "3.2. The City makes it clear where I can and cannot influence decisions",
    ),
    (
        "q3_communicates_progress",
        "3.3. The City communicates progress on projects, policy change or changes to "
        "services regularly",
    ),
    (
        "q3_complex_language",
        "3.4. The City often uses technical or complex language that can be difficult to "
        "understand",
    ),
    (
        "q3_see_people_like_me",
        "3.5. I see people participating who have similar experiences or look like me",
    ),
    ("q3_unequal_influence", "3.6. Some participants have less influence than others on decisions"),
    (
        "q3_community_strengths",
        "3.7. My community's strengths, abilities and ideas contribute to the solution",
    ),
    # the file has a curly apostrophe here (byte 0x92 in cp1252), straight ones elsewhere
    (
        "q3_understand_reasoning",
        "3.8. I understand the City\u2019s reasoning for why a decision was made",
    ),
    (
        "q3_relevant",
        "3.9. The City's engagement activities are relevant to me, my family and/or my community",
    ),
    (
        "q3_welcoming_spaces",
        "3.10. The City creates spaces that are free of unwelcoming behaviour and offensive "
        "language",
    ),
    ("q3_no_difference", "3.11. I can't see how my participation made a difference"),
    # swapped labels: "3.12. Other, please specify" holds the rating, "3.12. Other" the text
    ("q3_other_rating", "3.12. Other, please specify"),
    (
        "q7_no_internet",
        "7.1. I don't have regular internet access or data, which makes joining meetings harder",
    ),
    (
        "q7_offensive_easier",
        "7.2. It is easier for people to say offensive things in virtual meetings (e.g. racist, "
        "sexist, homophobic, transphobic, and other oppressive language)",
    ),
    ("q7_convenient", "7.3. Virtual meetings are more convenient as I can join from anywhere"),
    (
        "q7_connect_with_staff",
        "7.4. It is easy to connect with City staff during and/or after an virtual meeting to "
        "discuss my ideas or concerns",
    ),
    (
        "q7_easy_login",
        "7.5. Logging into virtual activities is easy and I know where to get technical help",
    ),
    ("q7_enough_time", "7.6. I have enough time to talk about the topic at virtual meetings"),
    ("q7_meet_community", "7.7. I can get to know other community members"),
    ("q7_feel_safe", "7.8. I feel safe in a virtual environment"),
    ("q7_software_easy", "7.9. The software the City uses is easy to use"),
    (
        "q7_more_hybrid",
        "7.10. The City should offer more hybrid meetings, where I can have options to attend "
        "meetings virtually or in-person",
    ),
    # swapped labels, as for 3.12
    ("q7_other_rating", "7.11. Other, please specify"),
)

#: ``read_survey`` arguments for the Toronto Public Engagement Review survey (the full
#: file or the shipped extract): ``read_survey(path, **TORONTO_ENGAGEMENT_MAPPING)``.
#: Every mapped column is listed in this module's docstring.
TORONTO_ENGAGEMENT_MAPPING: Mapping[str, Any] = MappingProxyType(
    {
        "columns": MappingProxyType(
            {"respondent_id": "Respondent", "age_group": "10. What is your age?"}
        ),
        "ticks": MappingProxyType(dict(_TORONTO_TICKS)),
        "likert": MappingProxyType(dict(_TORONTO_LIKERT)),
        "reverse": ("q3_complex_language", "q3_unequal_influence", "q3_no_difference"),
    }
)

#: Crosswalk from the Toronto Q1 engagement activities to Arnstein's (1969) ladder
#: (1 Manipulation, 2 Therapy, 3 Informing, 4 Consultation, 5 Placation,
#: 6 Partnership, 7 Delegated power, 8 Citizen control; see
#: :func:`coprod.grid.arnstein_ladder`). ``None`` = not City-led engagement
#: (citizen-initiated action or contact), so not on the ladder. These are judgements
#: about the typical form of each activity, not facts about each respondent's
#: experience; override with ``{**TORONTO_ACTIVITY_RUNGS, "q1_focus_group": 3}``.
TORONTO_ACTIVITY_RUNGS: Mapping[str, int | None] = MappingProxyType(
    {
        # staff at a booth, event or the door mainly hand out information; the talk is
        # informal and carries no commitment to act on what residents say
        "q1_talked_with_staff": 3,
        # petitions and protests are initiated by citizens, not offered by the City
        "q1_petition": None,
        "q1_protest": None,
        # residents decide how a slice of the budget is spent: delegated power
        "q1_participatory_budgeting": 7,
        # views are asked for, the City keeps the decision: consultation
        "q1_focus_group": 4,
        "q1_city_survey": 4,
        # Arnstein's own example of placation: hand-picked residents advise, officials
        # remain free to ignore them
        "q1_advisory_committee": 5,
        # a deputation is heard in a formal setting, councillors decide: consultation
        "q1_presentation_to_committee": 4,
        # open houses present plans; comments are at most collected: informing
        "q1_open_house": 3,
        # resident-initiated contact with staff, not a City engagement offer
        "q1_contacted_staff": None,
        # watching a meeting is one-way: informing
        "q1_watched_meeting": 3,
        # residents share planning of the engagement itself: partnership
        "q1_helped_plan_engagement": 6,
        # reading (and replying to) City posts is mostly one-way: informing
        "q1_social_media": 3,
        # City-run programmes that train or support residents to take part work on the
        # participants rather than sharing power: Arnstein's "therapy" rung. Users who
        # read them as capacity-building for partnership may prefer 6.
        "q1_leadership_program": 2,
        # a consultation, by name
        "q1_consultation": 4,
        # co-design of a space or street: partnership
        "q1_helped_design_space": 6,
        # 311 compliments and complaints are service requests started by the resident
        "q1_complaint_311": None,
        # feedback through a channel the City provides, with no commitment: consultation
        "q1_website_feedback": 4,
        # lobbying an elected representative is citizen-initiated political contact
        "q1_contacted_councillor": None,
        # not an activity: marks respondents whose only contact is this survey (itself
        # a consultation, rung 4, which every respondent has done)
        "q1_first_time": None,
    }
)


TORONTO_CONSULTATION_TIMING: Mapping[str, str] = MappingProxyType(
    {
        # a survey asks what residents want: the post's own example of consulting before
        # a plan is made (a City survey can also be on a proposal: a judgement)
        "q1_city_survey": "before a plan is made",
        # a focus group explores views to shape options
        "q1_focus_group": "before a plan is made",
        # a deputation speaks to an item on a committee's agenda: a report with proposals
        "q1_presentation_to_committee": "on proposals",
        # the City's consultations mostly put a draft plan or design out for comment
        "q1_consultation": "on proposals",
        # q1_website_feedback is left out: feedback on the website may be on anything
    }
)
"""When the consultation activities of :data:`TORONTO_ACTIVITY_RUNGS` (rung 4) consult:
``"before a plan is made"`` or ``"on proposals"`` (:data:`coprod.vocab.CONSULTATION_TIMINGS`),
for ``highest_rungs(..., timing=...)``. A judgement about the usual form of each activity,
like the rungs; an activity left out has its timing "not recorded"."""


# --------------------------------------------------------------------------- reading items


def align_reverse_worded(data: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``data`` with each reverse-worded Likert item reverse-coded, for a score.

    Afterwards "agree" means a favourable view on every item, so items can be combined
    into an index or a mean score. The reversed answers are no longer answers to the
    statement as worded, so each reversed item is renamed ``<item>_reversed`` (the
    original column is gone): they can never pass for what people answered.
    :func:`item_labels` marks them "(reversed for the score)" and
    :func:`coprod.charts.likert.likert_table` refuses them. To chart the statements or
    compare their net agreement, use the answers as read with ``likert_table(...,
    reverse=data.attrs["reverse_worded"])`` and its ``net_score``.

    Uses ``data.attrs["reverse_worded"]`` and ``["likert_scale"]`` as set by
    :func:`read_survey`; the renamed items are listed in ``attrs["reverse_coded"]`` and
    replace the originals in ``attrs["likert_items"]``.
    """
    reverse = tuple(data.attrs.get("reverse_worded", ()))
    scale = tuple(data.attrs.get("likert_scale", AGREE_5))
    if data.attrs.get("reverse_coded"):
        raise ValueError("these items are already reverse-coded; align them only once")
    renamed = {item: f"{item}{REVERSED_SUFFIX}" for item in reverse}
    clash = [new for new in renamed.values() if new in data.columns]
    if clash:
        raise ValueError(f"columns {clash} already exist; rename them before aligning")
    out = data.copy()
    for item in reverse:
        out[item] = reverse_code(data[item], scale)
    out = out.rename(columns=renamed)
    source = dict(data.attrs.get("source_columns", {}))
    out.attrs = {
        **data.attrs,
        "likert_items": tuple(renamed.get(i, i) for i in data.attrs.get("likert_items", ())),
        "source_columns": {renamed.get(k, k): v for k, v in source.items()},
        "reverse_worded": (),
        "reverse_coded": tuple(renamed.values()),
    }
    return out


def item_labels(data: pd.DataFrame, items: Iterable[str] | None = None) -> dict[str, str]:
    """Readable labels for items: the question text from the file, without its number.

    Items that :func:`align_reverse_worded` reversed are marked "(reversed for the score)";
    answers as given keep the statement's own wording.
    """
    source = data.attrs.get("source_columns", {})
    reversed_items = set(data.attrs.get("reverse_coded", ()))
    items = list(items) if items is not None else list(data.attrs.get("likert_items", ()))
    labels = {}
    for item in items:
        text = re.sub(r"^\s*\d+(\.\d+)*\.?\s*", "", str(source.get(item, item)))
        labels[item] = f"{text} (reversed for the score)" if item in reversed_items else text
    return labels

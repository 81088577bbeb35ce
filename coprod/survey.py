"""A questionnaire a researcher can field, whose returned file loads with no mapping.

:func:`questionnaire` builds the form for a list of services: per service, who plans it,
who delivers it, which organisation delivers it, and when (if at all) residents are
consulted about its plans. Every answer is a full plain-English sentence chosen from a list
(:data:`coprod.vocab.QUESTIONNAIRE_ANSWERS`), each mapped to a level of the project, and
the form's columns are the fields of :data:`coprod.io.schemas.SERVICES_SURVEY`, so the
returned file loads with ``read_survey(path)`` and nothing else: no ``columns=``, no
``levels=``. "I don't know" is one of the answers and is read as no answer; a blank is
quarantined, like any answer not in the list.

The two consultation answers are both Arnstein's consultation rung, but the blog post
tells them apart: professionals may consult residents before they make a plan (with a
questionnaire, say) or afterwards on their proposals; the question keeps the difference.

:func:`coprod.export.save_questionnaire` writes the form as an Excel workbook (drop-down
lists of the answers, the question shown on each column, a codebook sheet) and the
codebook as CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from coprod._core.text import join_words, label_key, plural, wrap_text
from coprod.vocab import (
    CONSULTATION_TIMINGS,
    DELIVERY_LEVELS,
    ORGANISATION_KINDS,
    PLANNING_LEVELS,
    QUESTIONNAIRE_ANSWERS,
    QUESTIONNAIRE_QUESTIONS,
)

__all__ = ["ANSWER_COLUMNS", "CODEBOOK_COLUMNS", "Questionnaire", "questionnaire"]

#: The questions asked per service, in the form's order (columns of the form).
ANSWER_COLUMNS: tuple[str, ...] = tuple(QUESTIONNAIRE_QUESTIONS)
#: Columns of :attr:`Questionnaire.codebook`.
CODEBOOK_COLUMNS: tuple[str, ...] = ("column", "question", "answer", "level")

_LEVELS = {
    "planning": PLANNING_LEVELS,
    "delivery": DELIVERY_LEVELS,
    "organisation": ORGANISATION_KINDS,
    "consultation": CONSULTATION_TIMINGS,
}
_FILLED_IN = {
    "respondent_id": "The respondent's identifier (filled in: one per person, kept as text).",
    "council": "The council the services belong to (filled in).",
    "wave": "The survey wave or year (filled in).",
    "service": "The service the questions on this row are about (filled in).",
}


@dataclass(frozen=True)
class Questionnaire:
    """A questionnaire: the form to fill and the codebook of its answers.

    ``form``: one row per respondent x service, the filled-in columns
    (``respondent_id``, ``council`` and ``wave`` when given, ``service``) then one empty
    column per question (:data:`ANSWER_COLUMNS`). ``codebook``: one row per filled-in
    column and per answer of each question (:data:`CODEBOOK_COLUMNS`): the column, its
    question, the answer's wording and the project's level it is read as (missing for
    "I don't know" and the filled-in columns). ``services``: the services asked about.
    """

    form: pd.DataFrame
    codebook: pd.DataFrame
    services: tuple[str, ...]

    @property
    def answers(self) -> dict[str, tuple[str, ...]]:
        """The answer wordings of each question, in the order the drop-down lists show."""
        book = self.codebook[self.codebook["column"].isin(ANSWER_COLUMNS)]
        return {
            column: tuple(book.loc[book["column"] == column, "answer"]) for column in ANSWER_COLUMNS
        }

    def summary(self) -> str:
        """The questionnaire in words: its services, rows and questions."""
        n_respondents = self.form["respondent_id"].nunique()
        questions = [
            f"{column} ({QUESTIONNAIRE_QUESTIONS[column]!r}, {len(words)} answers)"
            for column, words in self.answers.items()
        ]
        text = (
            f"A questionnaire on {plural(len(self.services), 'service')} "
            f"({join_words(list(self.services))}) for {plural(n_respondents, 'respondent')}: "
            f"{plural(len(self.form), 'row')} to fill, one per respondent and service. "
            f"Questions: {join_words(questions)}. Every answer is chosen from a list and "
            'mapped to a level of the project; "I don\'t know" is read as no answer. The '
            "returned file loads with read_survey(path), no mapping needed."
        )
        return wrap_text(text)


def questionnaire(
    services: Sequence[str],
    *,
    respondents: int | Sequence[str] = 1,
    council: str | None = None,
    wave: int | str | None = None,
) -> Questionnaire:
    """The questionnaire for ``services``: a form to fill and its codebook.

    Parameters
    ----------
    services
        The services to ask about, in the order the form lists them (distinct, ignoring
        case and spacing).
    respondents
        How many respondents the form has rows for (ids ``R001``, ``R002``, ...), or
        their ids. Each respondent gets one row per service.
    council, wave
        Filled into a ``council`` / ``wave`` column when given (a file per council and
        wave can then be read together, ``read_survey([...])``).

    Returns
    -------
    :class:`Questionnaire`. Write it with :func:`coprod.export.save_questionnaire`.
    """
    if isinstance(services, str):
        raise TypeError(f"services must be a list of service names, not the string {services!r}")
    names = [str(s).strip() for s in services]
    if not names or any(not n for n in names):
        raise ValueError("services must be a non-empty list of non-blank names")
    keys = [label_key(n) for n in names]
    twice = sorted({n for n, k in zip(names, keys, strict=True) if keys.count(k) > 1})
    if twice:
        raise ValueError(f"services are listed twice (ignoring case and spacing): {twice}")
    if isinstance(respondents, int):
        if respondents < 1:
            raise ValueError(f"respondents must be at least 1, not {respondents}")
        width = max(3, len(str(respondents)))
        ids = [f"R{k:0{width}d}" for k in range(1, respondents + 1)]
    else:
        ids = [str(r).strip() for r in respondents]
        if not ids or any(not r for r in ids) or len(set(ids)) != len(ids):
            raise ValueError("respondents must be distinct, non-blank ids")
    form = pd.DataFrame({"respondent_id": pd.Series([r for r in ids for _ in names], dtype="str")})
    if council is not None:
        form["council"] = pd.Series([str(council)] * len(form), dtype="str")
    if wave is not None:
        form["wave"] = [wave] * len(form)
    form["service"] = pd.Series(names * len(ids), dtype="str")
    for column in ANSWER_COLUMNS:
        form[column] = pd.Series([None] * len(form), dtype="str")

    rows = [
        {"column": column, "question": text, "answer": None, "level": None}
        for column, text in _FILLED_IN.items()
        if column in form.columns
    ]
    for column in ANSWER_COLUMNS:
        for wording, level in QUESTIONNAIRE_ANSWERS[column].items():
            if level is not None and level not in _LEVELS[column]:  # the vocabulary's own check
                raise AssertionError(f"{column}: {level!r} is not a level")
            rows.append(
                {
                    "column": column,
                    "question": QUESTIONNAIRE_QUESTIONS[column],
                    "answer": wording,
                    "level": level,
                }
            )
    codebook = pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS)).astype("str")
    return Questionnaire(form=form, codebook=codebook, services=tuple(names))

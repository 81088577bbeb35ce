"""Council names and codes: one matcher for every source, through mySociety's lookup.

Sources name the same council in different ways: Open Council Data writes "Bath & North
East Somerset" in one file and "Bath and North East Somerset" in the next and has its own
numeric ids; HM Treasury's PFI list writes "Barnsley"; FixMyStreet gives only ONS GSS codes;
users' files write "Royal Borough of Windsor and Maidenhead Council". :func:`match_councils`
is the one way coprod turns any of these into a GSS code, the council's name, nation and
type; :func:`match_council_codes` does the same for GSS codes (former codes to current).

The lookup is mySociety's *UK local authority names and codes* (CC BY 4.0, shipped in
``coprod/data/la_names_codes``, see its SOURCE.txt): 470 authorities with names, alternative
names, GSS codes present and former, Open Council Data ids and start and end dates.
Combined authorities and the Greater London Authority are not councils and are never matched.

How a name is matched, in this order (the first step that finds a council decides):

1. ``"open council data id"``: the id given in ``ids=`` is a council's
   ``open-council-data-id``.
2. ``"exact name"``: the name is a council's official or nice name, ignoring case and spacing
   (:func:`coprod._core.text.label_key`).
3. ``"alternative name"``: the name is one of the lookup's other names for a council (its
   ``alt-names`` and the rows of ``lookup_name_to_registry.csv``), ignoring case and spacing.
4. ``"normalised name"``: the name and the lookup's names are equal once both are put
   through :func:`council_name_key` (the same function on both sides): accents, case and
   punctuation ignored (so "King's Lynn" and "Kings Lynn" meet), "&" read as "and", and the
   words of :data:`coprod.vocab.COUNCIL_NAME_PREFIXES` and
   :data:`~coprod.vocab.COUNCIL_NAME_SUFFIXES` dropped: "The", "City of", "City and County
   of", "Royal Borough of", "London Borough of", "Metropolitan Borough of", "County",
   "... Council", "Borough/District/County/City Council", "CC", "UA".

Never a fuzzy guess. A step whose name points at two or more councils stops the search:
the name is ``"ambiguous"``, left unmatched, and its ``candidates`` are listed ("Somerset"
is both Somerset County Council, ended 2023, and Somerset Council). ``as_of=`` (a date, or
one per name) settles such names where it can: councils not in existence on that date (ended
before it or begun after it) are set aside, and a step left with none passes the name on to
the next ("Buckinghamshire" in 2015 is the county council, found by its normalised name, not
the unitary council of 2020). A name whose councils all did not exist then is unmatched, with
a note naming them. An Open Council Data id is kept whatever the date. The lookup's start
dates from May and June 2005 are when mySociety's register began listing a council, not when
it began, and are read as unknown.

A name that matches no council is ``"unmatched"``: councils abolished before about 2009
(Caradon, the Greater London Council, the Scottish regions) are not in the lookup, and are
listed in the result's ``unmatched``, not guessed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from coprod._core.text import join_words, label_key, plural, wrap_text
from coprod.io.parse import as_text, is_blank
from coprod.io.result import InputError, LoadResult
from coprod.vocab import COUNCIL_NAME_PREFIXES, COUNCIL_NAME_SUFFIXES

__all__ = [
    "MATCH_HOWS",
    "MATCH_TABLE_COLUMNS",
    "CouncilLookup",
    "CouncilMatch",
    "LOOKUP_COLUMNS",
    "council_lookup",
    "council_name_key",
    "read_council_lookup",
    "match_council_codes",
    "match_councils",
]

#: The values of a match table's ``how``, strongest first.
MATCH_HOWS = (
    "open council data id",
    "gss code",
    "former gss code",
    "exact name",
    "alternative name",
    "normalised name",
    "ambiguous",
    "unmatched",
)

#: Columns of :attr:`CouncilMatch.table` (``id`` and ``as_of`` only when given).
MATCH_TABLE_COLUMNS = (
    "name",
    "id",
    "as_of",
    "council_code",
    "council",
    "local_authority_code",
    "nation",
    "council_type",
    "how",
    "candidates",
    "note",
)

#: Authority types of the lookup that are not councils (never matched).
_NOT_COUNCILS = ("COMB", "SRA")
#: The lookup's files, in its folder.
_AUTHORITIES = "uk_local_authorities_future.csv"
_NAMES_FILE = "lookup_name_to_registry.csv"
_CODES_FILE = "lookup_gss_to_registry.csv"
#: Alternative names are separated by a comma without a space after it (names such as
#: "Armagh City, Banbridge and Craigavon" hold ", " themselves).
_ALT_SEPARATOR = re.compile(r",(?! )")


# --------------------------------------------------------------------------- names


def council_name_key(name: Any) -> str:
    """A council's name as :func:`match_councils` compares names at its last step.

    Accents dropped, "&" read as "and", apostrophes removed and other punctuation read as
    spaces, case and spacing ignored (:func:`coprod._core.text.label_key`), then the words of
    :data:`coprod.vocab.COUNCIL_NAME_PREFIXES` dropped from the start and those of
    :data:`~coprod.vocab.COUNCIL_NAME_SUFFIXES` from the end, again and again (never down to
    nothing): ``"Royal Borough of Windsor & Maidenhead Council"`` and ``"Windsor and
    Maidenhead"`` are both ``"windsor and maidenhead"``; ``"Bristol, City of"`` is
    ``"bristol"``. Blank names are ``""``.
    """
    if is_blank(name):
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ")
    text = re.sub(r"['\u2019`]", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = label_key(text).split()
    changed = True
    while changed:
        changed = False
        for prefix in COUNCIL_NAME_PREFIXES:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                words = words[n:]
                changed = True
                break
        for suffix in COUNCIL_NAME_SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                words = words[:-n]
                changed = True
                break
    return " ".join(words)


# --------------------------------------------------------------------------- the lookup


@dataclass(frozen=True, eq=False)
class CouncilLookup:
    """mySociety's lookup, read once (:func:`council_lookup`): what :func:`match_councils` uses.

    ``councils`` has one row per authority that is a council, indexed by mySociety's
    three-letter ``local_authority_code``, with ``council`` (the nice name),
    ``official_name``, ``council_code`` (GSS code; missing for the Northern Ireland districts
    abolished in 2015), ``nation``, ``council_type`` (e.g. "Non-metropolitan district"),
    ``start_date`` and ``end_date`` (NaT when unknown), ``replaced_by`` and
    ``open_council_data_id``. The mappings give the councils (codes) each name, id or GSS
    code points at.
    """

    councils: pd.DataFrame
    exact: Mapping[str, tuple[str, ...]]
    alternative: Mapping[str, tuple[str, ...]]
    normalised: Mapping[str, tuple[str, ...]]
    by_id: Mapping[str, str]
    by_gss: Mapping[str, tuple[str, str]]  # gss code -> (authority, "gss code" / "former ...")
    source: str

    def describe(self, authority: str) -> str:
        """``"Dorset County (E10000009, ended 2019-03-31)"``: a council as a reason names it."""
        row = self.councils.loc[authority]
        code = row["council_code"] if isinstance(row["council_code"], str) else "no GSS code"
        dates = []
        if pd.notna(row["start_date"]):
            dates.append(f"began {row['start_date']:%Y-%m-%d}")
        if pd.notna(row["end_date"]):
            dates.append(f"ended {row['end_date']:%Y-%m-%d}")
        return f"{row['council']} ({', '.join([code, *dates])})"


def council_lookup(folder: str | Path | None = None) -> CouncilLookup:
    """Read mySociety's lookup from ``folder`` (default: the copy shipped in
    ``coprod/data/la_names_codes``), once per folder.

    The folder holds ``uk_local_authorities_future.csv`` and may hold
    ``lookup_name_to_registry.csv`` (more names) and ``lookup_gss_to_registry.csv`` (GSS
    codes present and former), as mySociety publishes them.
    """
    if folder is None:
        from coprod.datasets import data_dir

        folder = data_dir() / "la_names_codes"
    return _read_lookup(Path(folder).resolve())


#: Fields of the lookup's authorities file: {field: its column in mySociety's file}.
LOOKUP_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "local_authority_code": "local-authority-code",
        "official_name": "official-name",
        "council": "nice-name",
        "council_code": "gss-code",
        "start_date": "start-date",
        "end_date": "end-date",
        "replaced_by": "replaced-by",
        "nation": "nation",
        "authority_type": "local-authority-type",
        "council_type": "local-authority-type-name",
        "alt_names": "alt-names",
        "former_codes": "former-gss-codes",
        "open_council_data_id": "open-council-data-id",
    }
)


def read_council_lookup(path: str | Path) -> LoadResult:
    """Read mySociety's ``uk_local_authorities_future.csv`` (or a folder holding it): one row
    per authority, every row loaded or quarantined (kind ``"council_lookup"``).

    ``data`` has the fields of :data:`LOOKUP_COLUMNS` under those names (text; blank as
    missing), ``start_date`` and ``end_date`` as dates (NaT when blank), and ``is_council``
    (False for combined authorities and the Greater London Authority). A row without a
    ``local-authority-code``, with a code already used by another row, or with a date that
    is not yyyy-mm-dd is quarantined.
    """
    from coprod.io.columns import resolve_columns
    from coprod.io.dates import parse_dates
    from coprod.io.raw import read_raw_table
    from coprod.io.result import Problems, finish
    from coprod.io.validate import duplicate_key_problems

    path = Path(path)
    if path.is_dir():
        path = path / _AUTHORITIES
    raw = read_raw_table(path)
    found = resolve_columns(raw, dict(LOOKUP_COLUMNS), required=list(LOOKUP_COLUMNS))
    frame = raw.frame
    problems = Problems(raw.source)
    out: dict[str, Any] = {}
    for fld in LOOKUP_COLUMNS:
        text = frame[found[fld]].map(as_text).str.strip()
        if fld in ("start_date", "end_date"):
            dates = parse_dates(
                text, date_order="ymd", column=found[fld], rows=frame.index, file=path
            )
            problems.add_parsed(dates, frame[found[fld]], found[fld], "dates not accepted")
            out[fld] = dates.values
        else:
            out[fld] = text.replace("", None).astype("str")
    data = pd.DataFrame(out, index=frame.index)
    blank = data["local_authority_code"].isna()
    for row in data.index[blank]:
        problems.add(
            row,
            found["local_authority_code"],
            "",
            "the authority has no local-authority-code: every authority needs its code",
            "blank but required",
        )
    problems.extend(
        duplicate_key_problems(
            data[~blank], ["local_authority_code"], column_names=dict(LOOKUP_COLUMNS)
        )
    )
    data["is_council"] = ~data["authority_type"].isin(_NOT_COUNCILS)
    return finish(data, problems, kind="council_lookup", encoding=raw.encoding, notes=raw.notes)


@functools.lru_cache(maxsize=4)
def _read_lookup(folder: Path) -> CouncilLookup:
    from coprod.io.columns import resolve_columns
    from coprod.io.raw import read_raw_table

    path = folder / _AUTHORITIES
    if not path.is_file():
        raise InputError(
            f"no {_AUTHORITIES} in the folder",
            file=folder,
            fix="pass the folder of mySociety's uk_local_authority_names_and_codes files, or "
            "lookup=None for the copy shipped with coprod",
        )
    read = read_council_lookup(path)
    read.raise_if_quarantined()
    data = read.data
    # the register's first entries (May-June 2005) are not the councils' start dates
    start = data["start_date"].where(data["start_date"].dt.year != 2005)
    councils = data[data["is_council"]].assign(start_date=start)
    councils = councils[
        [
            "local_authority_code",
            "council",
            "official_name",
            "council_code",
            "nation",
            "council_type",
            "start_date",
            "end_date",
            "replaced_by",
            "open_council_data_id",
        ]
    ].copy()
    councils["open_council_data_id"] = councils["open_council_data_id"].map(_id_text)
    alt_names = dict(zip(data["local_authority_code"], data["alt_names"].fillna(""), strict=True))
    former = dict(zip(data["local_authority_code"], data["former_codes"].fillna(""), strict=True))
    councils = councils.set_index("local_authority_code")
    codes = set(councils.index)

    exact: dict[str, set[str]] = {}
    alternative: dict[str, set[str]] = {}
    normalised: dict[str, set[str]] = {}

    def add(table: dict[str, set[str]], name: str, authority: str) -> None:
        if authority in codes and not is_blank(name):
            table.setdefault(label_key(name), set()).add(authority)
            normalised.setdefault(council_name_key(name), set()).add(authority)

    for authority, row in councils.iterrows():
        add(exact, row["council"], authority)
        add(exact, row["official_name"], authority)
        for name in _ALT_SEPARATOR.split(alt_names[authority]):
            add(alternative, name.strip(), authority)
    names_path = folder / _NAMES_FILE
    if names_path.is_file():
        names = read_raw_table(names_path).frame
        got = resolve_columns(
            names,
            {"name": "la-name", "code": "local-authority-code"},
            required=["name", "code"],
            source=str(names_path),
        )
        for name, authority in zip(names[got["name"]], names[got["code"]], strict=True):
            add(alternative, as_text(name).strip(), as_text(authority).strip())
    # an exact name is not also an alternative one (step 3 adds nothing to step 2)
    for name, found_codes in exact.items():
        if name in alternative:
            alternative[name] -= found_codes
            if not alternative[name]:
                del alternative[name]

    by_gss: dict[str, tuple[str, str]] = {}
    for authority in councils.index:
        for old in filter(None, (c.strip() for c in former[authority].split(","))):
            by_gss[old] = (authority, "former gss code")
    codes_path = folder / _CODES_FILE
    if codes_path.is_file():
        table = read_raw_table(codes_path).frame
        got = resolve_columns(
            table,
            {"gss": "gss-code", "code": "local-authority-code"},
            required=["gss", "code"],
            source=str(codes_path),
        )
        for gss, authority in zip(table[got["gss"]], table[got["code"]], strict=True):
            gss, authority = as_text(gss).strip(), as_text(authority).strip()
            if authority in codes and gss and gss not in by_gss:
                by_gss[gss] = (authority, "former gss code")
    for authority, gss in councils["council_code"].items():
        if isinstance(gss, str):
            by_gss[gss] = (authority, "gss code")

    by_id = {
        i: authority
        for authority, i in councils["open_council_data_id"].items()
        if isinstance(i, str)
    }

    def frozen(table: dict[str, set[str]]) -> Mapping[str, tuple[str, ...]]:
        return MappingProxyType({k: tuple(sorted(v)) for k, v in table.items() if k})

    return CouncilLookup(
        councils=councils,
        exact=frozen(exact),
        alternative=frozen(alternative),
        normalised=frozen(normalised),
        by_id=MappingProxyType(by_id),
        by_gss=MappingProxyType(by_gss),
        source=str(folder),
    )


def _id_text(value: Any) -> str | None:
    """An Open Council Data id as text: ``338``, ``"338"`` and ``"338.0"`` are ``"338"``."""
    text = as_text(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text


def _as_lookup(lookup: CouncilLookup | str | Path | None) -> CouncilLookup:
    if isinstance(lookup, CouncilLookup):
        return lookup
    return council_lookup(lookup)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class CouncilMatch:
    """What :func:`match_councils` and :func:`match_council_codes` return.

    ``table`` has one row per name given, in order (columns :data:`MATCH_TABLE_COLUMNS`;
    ``id`` and ``as_of`` only when given): the ``name`` as given, ``council_code`` (GSS code,
    missing when not matched), ``council`` (the lookup's name), ``local_authority_code``
    (mySociety's three-letter code), ``nation``, ``council_type``, ``how`` it was matched
    (:data:`MATCH_HOWS`), ``candidates`` (for an ambiguous name: the councils it points at)
    and ``note``. ``unmatched`` lists the distinct names not matched (ambiguous ones too),
    in the order first given.
    """

    table: pd.DataFrame
    unmatched: tuple[str, ...]
    lookup: str

    @property
    def matched(self) -> pd.Series:
        """True where a council was found."""
        return ~self.table["how"].isin(("ambiguous", "unmatched"))

    @property
    def ambiguous(self) -> tuple[str, ...]:
        """The distinct names that point at more than one council."""
        hit = self.table.loc[self.table["how"] == "ambiguous", "name"]
        return tuple(dict.fromkeys(hit.tolist()))

    def get_plot_data(self) -> pd.DataFrame:
        """How the names were matched: ``how``, ``names`` (rows of the table), ``distinct``
        (distinct names), in the order of :data:`MATCH_HOWS`, kinds with no name left out."""
        grouped = self.table.groupby("how", sort=False)["name"]
        out = pd.DataFrame({"names": grouped.size(), "distinct": grouped.nunique()})
        order = [h for h in MATCH_HOWS if h in out.index]
        return out.loc[order].rename_axis("how").reset_index()

    def summary(self) -> str:
        """How many names were matched and how, and which were not, in plain words."""
        table = self.table
        n = len(table)
        counts = self.get_plot_data().set_index("how")["names"]
        matched = int(self.matched.sum())
        ways = [f"{counts[h]:,} by {h}" for h in MATCH_HOWS[:6] if h in counts.index]
        lines = [
            f"{plural(n, 'name')} matched against mySociety's council lookup ({self.lookup}): "
            f"{matched:,} matched" + (f" ({join_words(ways)})" if ways else "") + ".",
        ]
        if self.ambiguous:
            shown = []
            for name in self.ambiguous[:5]:
                row = table.loc[(table["name"] == name) & (table["how"] == "ambiguous")].iloc[0]
                shown.append(f"{name!r} ({row['candidates']})")
            lines.append(
                f"{plural(len(self.ambiguous), 'name')} point at more than one council and "
                f"were left unmatched: {join_words(shown, limit=5)}; pass as_of= (a date) to "
                "keep the council in existence then."
            )
        plain = [u for u in self.unmatched if u not in self.ambiguous]
        if plain:
            lines.append(
                f"{plural(len(plain), 'name')} match no council in the lookup (councils "
                f"abolished before about 2009 are not in it): "
                f"{join_words([repr(u) for u in plain], limit=12)}."
            )
        return wrap_text("\n".join(lines))


# --------------------------------------------------------------------------- matching


def match_councils(
    names: Sequence[Any] | pd.Series,
    *,
    ids: Sequence[Any] | pd.Series | None = None,
    lookup: CouncilLookup | str | Path | None = None,
    as_of: Any = None,
) -> CouncilMatch:
    """Match council names (and Open Council Data ids) to GSS codes, saying how each matched.

    Parameters
    ----------
    names:
        The names as a source writes them ("Bath & North East Somerset", "London Borough of
        Barnet", "Buckinghamshire CC"), one per row; blanks are unmatched.
    ids:
        Open Council Data ids, one per name (blank where there is none), tried first.
    lookup:
        The lookup: None for the copy shipped with coprod, a folder of mySociety's files, or
        a :class:`CouncilLookup` (:func:`council_lookup`).
    as_of:
        A date (or one date per name: a Series, list or array) at which the councils should
        exist: it settles names that point at two councils (see the module docstring).

    Returns
    -------
    CouncilMatch
        ``table`` (one row per name, in order), ``unmatched`` (distinct names not matched,
        ambiguous ones included), ``summary()``. The rules, in order (open council data id,
        exact name, alternative name, normalised name; ambiguous names left unmatched with
        their candidates) are in the module docstring.
    """
    found = _as_lookup(lookup)
    names_list = _values(names, "names")
    n = len(names_list)
    ids_list = None if ids is None else _values(ids, "ids", n)
    dates = _as_of_dates(as_of, n)

    rows: list[tuple[Any, ...]] = []
    cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    stage_cache: dict[tuple[str, str | None], list[tuple[str, tuple[str, ...]]]] = {}
    for i, name in enumerate(names_list):
        given_id = None if ids_list is None else _id_text(ids_list[i])
        day = None if dates is None else dates[i]
        key = (as_text(name), given_id, day)
        hit = cache.get(key)
        if hit is None:
            stage_key = (as_text(name), given_id)
            stages = stage_cache.get(stage_key)
            if stages is None:
                stages = _stages(found, name, given_id)
                stage_cache[stage_key] = stages
            hit = _decide(found, stages, day, given_id)
            cache[key] = hit
        rows.append(hit)
    return _match_result(found, names_list, ids_list, dates, rows)


def match_council_codes(
    codes: Sequence[Any] | pd.Series,
    *,
    lookup: CouncilLookup | str | Path | None = None,
) -> CouncilMatch:
    """Match GSS codes, present or former, to the councils that hold them now.

    A council's current code is ``"gss code"``; a code it had before (mySociety's
    ``former-gss-codes`` and ``lookup_gss_to_registry.csv``: East Hertfordshire's E07000097
    is now E07000242) is ``"former gss code"`` and ``council_code`` is the current one. A
    council that has ended keeps its own code (Aylesbury Vale, ended 2020, is E07000004: it
    is not its successor). Codes not in the lookup are ``"unmatched"``. The result is a
    :class:`CouncilMatch`, as from :func:`match_councils` (``name`` holds the code given).
    """
    found = _as_lookup(lookup)
    values = _values(codes, "codes")
    rows = []
    for value in values:
        code = as_text(value).strip().upper()
        hit = found.by_gss.get(code)
        if hit is None:
            note = "blank" if not code else "not a GSS code of a council in the lookup"
            rows.append((None, "unmatched", "", note))
        else:
            authority, how = hit
            note = ""
            if how == "former gss code":
                current = found.councils.at[authority, "council_code"]
                note = f"{code} is a former code of {found.describe(authority)}; now {current}"
            rows.append((authority, how, "", note))
    return _match_result(found, values, None, None, rows)


def _values(values: Any, what: str, n: int | None = None) -> list[Any]:
    if isinstance(values, str):
        raise TypeError(f"{what} must be a sequence of values (a list or Series), not one string")
    out = list(values.tolist() if hasattr(values, "tolist") else values)
    if n is not None and len(out) != n:
        raise ValueError(f"{what} has {len(out)} values but names has {n}: give one per name")
    return out


def _as_of_dates(as_of: Any, n: int) -> list[pd.Timestamp | None] | None:
    from coprod.io.dates import parse_date, parse_dates

    if as_of is None:
        return None
    if isinstance(as_of, str) or not hasattr(as_of, "__len__"):
        day = parse_date(as_of, what="as_of")
        return [day] * n
    values = _values(as_of, "as_of", n)
    parsed = parse_dates(values, date_order="ymd", column="as_of")
    if len(parsed.bad):
        raise ValueError(f"as_of: {parsed.reasons[0]}")
    return [None if pd.isna(v) else v for v in parsed.values.tolist()]


def _stages(
    found: CouncilLookup, name: Any, given_id: str | None
) -> list[tuple[str, tuple[str, ...]]]:
    """The councils each step finds for a name (steps that find none left out)."""
    stages: list[tuple[str, tuple[str, ...]]] = []
    if given_id is not None and given_id in found.by_id:
        stages.append(("open council data id", (found.by_id[given_id],)))
    if is_blank(name):
        return stages
    plain = label_key(name)
    for how, table, name_key in (
        ("exact name", found.exact, plain),
        ("alternative name", found.alternative, plain),
        ("normalised name", found.normalised, council_name_key(name)),
    ):
        hit = table.get(name_key)
        if hit:
            stages.append((how, hit))
    return stages


def _exists(found: CouncilLookup, authority: str, day: pd.Timestamp) -> bool:
    start = found.councils.at[authority, "start_date"]
    end = found.councils.at[authority, "end_date"]
    return (pd.isna(start) or start <= day) and (pd.isna(end) or day < end)


def _decide(
    found: CouncilLookup,
    stages: list[tuple[str, tuple[str, ...]]],
    day: pd.Timestamp | None,
    given_id: str | None,
) -> tuple[str | None, str, str, str]:
    """(authority or None, how, candidates, note) for one name, id and date."""
    id_note = ""
    if given_id is not None and (not stages or stages[0][0] != "open council data id"):
        id_note = f"Open Council Data id {given_id} is not in the lookup"
    if not stages:
        return None, "unmatched", "", id_note
    gone: list[str] = []  # councils the name points at that did not exist on the day
    for how, candidates in stages:
        if day is None or how == "open council data id":
            chosen = candidates
        else:
            chosen = tuple(c for c in candidates if _exists(found, c, day))
            gone.extend(c for c in candidates if c not in chosen and c not in gone)
            if not chosen:
                continue
        if len(chosen) == 1:
            return chosen[0], how, "", id_note
        listed = "; ".join(found.describe(c) for c in chosen)
        return None, "ambiguous", listed, id_note
    note = (
        f"the name points at {'; '.join(found.describe(c) for c in gone)}, not in existence "
        f"on {day:%Y-%m-%d}"
    )
    return None, "unmatched", "", "; ".join(filter(None, [id_note, note]))


def _match_result(
    found: CouncilLookup,
    names: list[Any],
    ids: list[Any] | None,
    dates: list[pd.Timestamp | None] | None,
    rows: list[tuple[Any, ...]],
) -> CouncilMatch:
    authorities = [r[0] for r in rows]
    info = found.councils.reindex(pd.Index(authorities, dtype=object))
    table: dict[str, Any] = {"name": pd.Series([as_text(v) for v in names], dtype="str")}
    if ids is not None:
        table["id"] = pd.Series([_id_text(v) for v in ids], dtype="str")
    if dates is not None:
        table["as_of"] = pd.Series(dates, dtype="datetime64[ns]")
    table.update(
        {
            "council_code": pd.Series(info["council_code"].to_numpy(), dtype="str"),
            "council": pd.Series(info["council"].to_numpy(), dtype="str"),
            "local_authority_code": pd.Series(authorities, dtype="str"),
            "nation": pd.Series(info["nation"].to_numpy(), dtype="str"),
            "council_type": pd.Series(info["council_type"].to_numpy(), dtype="str"),
            "how": pd.Series([r[1] for r in rows], dtype="str"),
            "candidates": pd.Series([r[2] for r in rows], dtype="str"),
            "note": pd.Series([r[3] for r in rows], dtype="str"),
        }
    )
    frame = pd.DataFrame(table)
    not_found = frame.loc[frame["how"].isin(("ambiguous", "unmatched")), "name"]
    unmatched = tuple(dict.fromkeys(n for n in not_found.tolist() if n))
    return CouncilMatch(table=frame, unmatched=unmatched, lookup=found.source)

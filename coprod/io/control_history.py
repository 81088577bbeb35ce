"""Read council control histories (Open Council Data's files) into one council x year timeline.

:func:`read_control_history` reads one file, a folder or a list of files in the layouts Open
Council Data publishes (``history1973-2015.csv``: ``authority, year, total, con, lab, ld,
other, nat, majority, plurality``; ``history2016-26.csv``: ``council id, authority, year,
total, con, lab, ld, green, ukip, ref, pc, snp, other, majority`` and a column without a
header holding GSS codes in 2026), or a user's file with the same fields (``columns=`` maps
them; see :data:`coprod.io.schemas.CONTROL`). Every row is loaded or quarantined with a reason.

``data``: one row per council and year
--------------------------------------

====================  =======  =============================================================
column                type     meaning
====================  =======  =============================================================
file                  str      the file the row came from
council               str      the council's name as published, its latest spelling across
                               the files ("Bath and North East Somerset" in every year)
council_code          str      GSS code (:func:`coprod.io.councils.match_councils`); missing
                               when the council is not in the lookup (abolished before 2009)
council_key           str      one value per council (its GSS code, else its name; a second
                               council of the same name gets " [2]"): group by this
year                  int64    the year of the composition
control               str      :data:`coprod.vocab.CONTROL_CODES`: the party with a majority of
                               the seats ("Con", "Lab", "LD", "SNP", "PC", "Green", "Reform",
                               "UKIP", "Ind") or "NOC"; missing when the file says "NULL"
largest_party         str      the party with the most seats (missing on a tie)
administration        str      who runs the council: the party with a majority (1973-2024
                               labels), or as the 2025-26 label says: a party, or a coalition
                               "LD/Lab/Green" (in the published order); missing when no party
                               has a majority and the file does not say
administration_kind   str      "majority", "plurality" (no majority, largest party named),
                               "minority", "coalition" or "mayor"; missing with control
control_basis         str      how ``control`` was decided: "label" (the file's majority
                               label), "seats" (from the seat counts: administration labels,
                               or a label the seats contradict), "missing" (NULL)
control_label         str      the majority label as published ("Lab plurality", "LAB min")
seats_total,          Int64    seats, where the file has the column ("other" is every member
seats_con, ...                 outside the named parties; "nat" SNP and Plaid Cymru together)
authority             str      the name as published on this row
council_id            str      Open Council Data's own id, where the file has one
gss_published         str      the GSS code printed in the file (2026 rows)
local_authority_code  str      mySociety's three-letter code
nation, council_type  str      from the lookup ("England", "Non-metropolitan district", ...);
                               missing for councils not in it (153 in Open Council Data's
                               files, abolished before about 2009; their "Nat" stays "Nat")
match_how             str      how the council was matched (:data:`~coprod.io.councils.MATCH_HOWS`)
====================  =======  =============================================================

``data.index`` is each row's number in its own file (header = row 1). Rows are sorted by
``council_key`` and ``year``.

How the labels are read (one vocabulary for every file)
-------------------------------------------------------

Parties are spelled one way (:data:`coprod.vocab.PARTY_SPELLINGS`: Lab and LAB are "Lab",
Plaid and PC "PC", Green and GRN "Green", REF "Reform"). Members outside the national parties
(the files' "other" seats, labelled "Ind" 1973-2015, "Other" 2016-2024 and "IND" 2025-26)
are "Ind" (see :data:`coprod.vocab.PARTY_CODES`), so Orkney does not change control when the
publisher changes its word. "Nat" (1973-2015: SNP and Plaid Cymru counted together) becomes
"SNP" for a Scottish council and "PC" for a Welsh one (a council without a nation, not
in the lookup, keeps "Nat": the file does not say which).

* **Control labels** (1973-2015, 2016-2024): "X" is a majority of party X (``control`` X);
  "X plurality" is no overall control with X the largest party (``control`` NOC,
  ``largest_party`` X, ``administration_kind`` "plurality"); "NOC" is no overall control,
  the largest party then taken from the ``plurality`` column.
* **Administration labels** (2025 and 2026 in ``history2016-26.csv``): the label names who
  runs the council, not who holds a majority: "LAB" (Labour governs alone), "LAB min" (a
  minority administration), "LAB Mayor" (an elected Labour mayor), "LD/LAB/GRN" (a
  coalition), "NULL" (not given: the Northern Ireland councils in 2026). A year of a file is
  read this way when any of its labels is one (an upper-case spelling such as LAB, CON, REF,
  IND, GRN, or "min", "Mayor", "/"); the notes say which years. ``control`` is then decided
  from the seats as the earlier years define it: the party (or "Ind", the other seats) with
  more than half of them, else NOC (``control_basis`` "seats"). So a Labour minority
  administration is NOC with ``administration`` "Lab" and ``administration_kind``
  "minority"; a coalition of parties one of which has a majority of seats is that party's
  control. Reading "LAB min" as Labour control, or a coalition as a change, would create
  changes of control in 2025 where no seat changed hands (49 councils against 32 by seats,
  most of them real 2025 county results).
* **Labels checked against the seats** (the years read by label): a label naming party X
  as holding a majority, on a row whose seats give X at most half (X's own seat column;
  "Ind" and, where the file has no column for X, UKIP, Green or Reform: the "other" column;
  SNP and PC: "nat" in 1973-2015), is contradicted by the seats, and ``control`` is then
  decided from them (``control_basis`` "seats"): the party with more than half, else NOC
  with X kept as ``administration`` (``administration_kind`` "minority"; an "Ind" or
  "Other" label names no administration: in 2016-24 the publisher's "Other" counts UKIP
  and every member outside Con, Lab and LD together, so UKIP's Thanet of 2016-17 is read
  as "Other"). Exactly half is NOC, as the file itself reads 701 of the 711 rows where a
  party holds exactly half. The label is kept where the seats are a one-year slip: the
  party they give a majority holds none in the year before or after, or the seat total
  differs from both (Pembrokeshire 1999, its "other" and "nat" counts swapped; East
  Northamptonshire 1995, 16 seats of 36). The notes list every row so decided (26 rows of
  Open Council Data's files: Thanet 1983-86, 2016-18, Havering 2016-17, Mansfield 2016 and
  17 more), and the two kept. Where a row has no seats, the label is taken as it stands.
* "NULL" (or a blank label) is missing control: the row is kept, ``control`` is missing and
  ``control_basis`` says "missing".

Which council a row is
----------------------

Each council of a file (an Open Council Data id where the file has one, else a name) is
matched once by :func:`coprod.io.councils.match_councils`, as of 1 June of its last year in
the file (so "Somerset" of 2022-26 with a new id is the unitary council, and "Buckinghamshire"
of 1973-2015 the county council). A council not matched by its name or id but printed with a
GSS code (2026) takes that code (East and West Surrey, not yet in the lookup). Where a name
appears twice in a year of a file ("Durham" 1973-2008: the county and the city district),
the rows are told apart by continuity: each is linked to the previous year's row with the
same seat total (else the nearest composition), so each council keeps its own run of years;
the council that continues to the name's last year is matched by the name, the other is kept
unmatched as "Durham [2]". Rows that cannot be told apart (the same seats) are quarantined
with a reason, as are two rows for the same council and year (within or across files).

Quarantine
----------

A row is quarantined when its name or year is blank, the year or a seat count is not a whole
number (years outside 1900-2100, negative seats), a label is not one the vocabulary knows
(``parties=`` adds spellings, e.g. ``parties={"Lib": "LD"}``), the majority and plurality
labels name different parties, a GSS code is malformed, or the council-year is duplicated.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coprod._core.text import join_words, label_key, plural
from coprod.io.parse import as_text, parse_numbers
from coprod.io.result import QUARANTINE_COLUMNS, InputError, LoadResult, Problems, finish
from coprod.io.schemas import CONTROL
from coprod.vocab import NO_OVERALL_CONTROL, PARTY_CODES, PARTY_SPELLINGS

__all__ = ["CONTROL_COLUMNS", "SEAT_COLUMNS", "read_control_history"]

#: Seat fields: {field of the file (``columns=`` key): column of ``data``}.
SEAT_COLUMNS: Mapping[str, str] = {
    "total": "seats_total",
    "con": "seats_con",
    "lab": "seats_lab",
    "ld": "seats_ld",
    "green": "seats_green",
    "ukip": "seats_ukip",
    "ref": "seats_reform",
    "pc": "seats_pc",
    "snp": "seats_snp",
    "nat": "seats_nat",
    "other": "seats_other",
}
#: The party each seat field counts ("other": every member outside the named parties).
_SEAT_PARTY = {
    "con": "Con",
    "lab": "Lab",
    "ld": "LD",
    "green": "Green",
    "ukip": "UKIP",
    "ref": "Reform",
    "pc": "PC",
    "snp": "SNP",
    "nat": "Nat",
    "other": "Ind",
}

#: The columns :func:`_control_columns` decides.
_RESULT_COLUMNS = (
    "control",
    "largest_party",
    "administration",
    "administration_kind",
    "control_basis",
)

#: Columns of ``data``, in order.
CONTROL_COLUMNS = (
    "file",
    "council",
    "council_code",
    "council_key",
    "year",
    "control",
    "largest_party",
    "administration",
    "administration_kind",
    "control_basis",
    "control_label",
    *SEAT_COLUMNS.values(),
    "authority",
    "council_id",
    "gss_published",
    "local_authority_code",
    "nation",
    "council_type",
    "match_how",
)

_FIELDS_REQUIRED = CONTROL.required
_FIELDS_OPTIONAL = CONTROL.optional
_DEFAULT_NAMES = {"council_id": "council id"}
_GSS = re.compile(r"[EWSN]\d{8}")
_ADMINISTRATION_SPELLINGS = {"LAB", "CON", "REF", "IND", "GRN"}
_KIND_BY_SUFFIX = {"min": "minority", "mayor": "mayor", "plurality": "plurality"}
_MISSING_LABELS = {"", "null"}
_NATION_OF_NAT = {"Scotland": "SNP", "Wales": "PC"}
#: 1 June: the day of the year a council is matched as of (after the May elections).
_AS_OF_MONTH = 6


@dataclass(frozen=True)
class _Label:
    """A control label read: its kind (None: missing), the parties it names (codes, in the
    order written) and whether it is written as an administration label (LAB, "X min")."""

    kind: str | None  # "majority", "plurality", "minority", "mayor", "coalition", "noc"
    parties: tuple[str, ...]
    administration_style: bool


# --------------------------------------------------------------------------- labels


def _read_label(text: str, spellings: Mapping[str, str]) -> tuple[_Label | None, str | None]:
    """(label, None) or (None, the token not understood)."""
    words = " ".join(text.split())
    key = label_key(words)
    if key in _MISSING_LABELS:
        return _Label(None, (), False), None
    if key in ("noc", "no overall control"):
        return _Label("noc", (), False), None
    kind = None
    body = words
    last = key.rsplit(" ", 1)
    if len(last) == 2 and last[1] in _KIND_BY_SUFFIX:
        kind = _KIND_BY_SUFFIX[last[1]]
        body = words.rsplit(" ", 1)[0]
    tokens = [t.strip() for t in body.split("/")]
    parties = []
    for token in tokens:
        code = spellings.get(label_key(token))
        if code is None:
            return None, token
        parties.append(code)
    style = (
        kind in ("minority", "mayor")
        or len(tokens) > 1
        or any(t in _ADMINISTRATION_SPELLINGS for t in tokens)
    )
    if kind is None:
        kind = "majority" if len(tokens) == 1 else "coalition"
    elif kind == "plurality" and len(tokens) > 1:
        return None, body
    unique = tuple(dict.fromkeys(parties))
    return _Label(kind, unique, style), None


# --------------------------------------------------------------------------- one file


@dataclass
class _File:
    """One file read and parsed (before councils are matched)."""

    source: str
    encoding: str | None
    frame: pd.DataFrame  # one row per row of the file, index = row numbers
    problems: Problems
    found: dict[str, str]
    notes: list[str]
    administration_years: list[int]


def _read_file(
    path: str | os.PathLike | pd.DataFrame,
    columns: Mapping[str, str] | None,
    spellings: Mapping[str, str],
    encoding: str | None,
    sheet: str | int | None,
    skip_rows: int,
) -> _File:
    from coprod.io.columns import resolve_columns
    from coprod.io.raw import read_raw_table

    raw = read_raw_table(path, encoding=encoding, sheet=sheet, skip_rows=skip_rows)
    frame = raw.frame
    given = dict(columns or {})
    names = {label_key(c): c for c in frame.columns}
    wanted = dict(given)
    for fld, default in _DEFAULT_NAMES.items():
        if fld not in wanted and label_key(default) in names:
            wanted[fld] = names[label_key(default)]
    notes = list(raw.notes)
    found = resolve_columns(
        raw, wanted, required=_FIELDS_REQUIRED, optional=_FIELDS_OPTIONAL, source=raw.source
    )
    if "gss" not in found and "gss" not in given:
        # Open Council Data's 2016-26 file ends every line with a comma: a column without a
        # header, holding GSS codes in 2026 only
        for col in frame.columns:
            if not str(col).startswith("Unnamed:") or col in found.values():
                continue
            cells = frame[col].map(as_text).str.strip()
            filled = cells[cells != ""]
            if len(filled) and filled.str.fullmatch(_GSS.pattern).all():
                found["gss"] = col
                notes = [n for n in notes if str(col) not in n]
                notes.append(
                    f"read the column without a header ({col}) as GSS codes: "
                    f"{plural(len(filled), 'row')} have one"
                )
                break
    problems = Problems(raw.source)
    index = frame.index
    out: dict[str, Any] = {}

    def text(fld: str) -> pd.Series:
        return frame[found[fld]].map(as_text).str.strip()

    authority = text("authority")
    blank = authority == ""
    if blank.any():
        problems.add_many(
            index[blank],
            found["authority"],
            frame.loc[blank, found["authority"]].tolist(),
            "the council's name is blank: fill it in (or remove the row)",
            "blank but required",
        )
    out["authority"] = authority

    year = parse_numbers(frame[found["year"]], integer=True, allow_missing=False)
    refused = year.problems.notna()
    if refused.any():
        problems.add_many(
            index[refused],
            found["year"],
            frame.loc[refused, found["year"]].tolist(),
            [f"year: {why}" for why in year.problems[refused].tolist()],
            year.kinds[refused].tolist() if year.kinds is not None else None,
        )
    odd = year.values.notna() & ~year.values.between(1900, 2100)
    odd = odd.fillna(False).astype(bool)
    if odd.any():
        problems.add_many(
            index[odd],
            found["year"],
            frame.loc[odd, found["year"]].tolist(),
            "the year is outside 1900-2100: write the year of the composition, e.g. 2015",
            "years outside 1900-2100",
        )
    out["year"] = year.values

    for fld, out_col in SEAT_COLUMNS.items():
        if fld not in found:
            out[out_col] = pd.Series(pd.NA, index=index, dtype="Int64")
            continue
        seats = parse_numbers(frame[found[fld]], integer=True)
        refused = seats.problems.notna()
        if refused.any():
            problems.add_many(
                index[refused],
                found[fld],
                frame.loc[refused, found[fld]].tolist(),
                [f"seats ({fld}): {why}" for why in seats.problems[refused].tolist()],
                seats.kinds[refused].tolist() if seats.kinds is not None else None,
            )
        negative = (seats.values < 0).fillna(False).astype(bool)
        if negative.any():
            problems.add_many(
                index[negative],
                found[fld],
                frame.loc[negative, found[fld]].tolist(),
                f"seats ({fld}) are negative: a count of seats is 0 or more",
                "negative seats",
            )
        out[out_col] = seats.values

    labels: dict[str, pd.Series] = {}
    for fld in ("majority", "plurality"):
        if fld not in found:
            continue
        cells = text(fld)
        read: dict[str, tuple[_Label | None, str | None]] = {
            v: _read_label(v, spellings) for v in cells.unique().tolist()
        }
        unknown = pd.Series([read[v][0] is None for v in cells], index=index, dtype=bool)
        if unknown.any():
            reasons = [
                f"{fld} label {v!r}: {read[v][1]!r} is not a party coprod knows (known: "
                "Con, Lab, LD, SNP, PC, Green, Reform, UKIP, Ind, Nat in their usual "
                "spellings, or NOC, 'X plurality', 'X min', 'X Mayor', coalitions 'A/B'); "
                f"pass parties={{{read[v][1]!r}: '<party code>'}} if it is a party"
                for v in cells[unknown].tolist()
            ]
            problems.add_many(
                index[unknown],
                found[fld],
                frame.loc[unknown, found[fld]].tolist(),
                reasons,
                f"unknown {fld} labels",
            )
        labels[fld] = cells.map(lambda v, read=read: read[v][0])
        out[f"{fld}_text"] = cells

    if "plurality" in labels:
        majority, plurality = labels["majority"], labels["plurality"]
        clash = [
            isinstance(m, _Label)
            and isinstance(p, _Label)
            and m.kind == "majority"
            and p.kind in ("majority", "plurality")
            and m.parties != p.parties
            for m, p in zip(majority.tolist(), plurality.tolist(), strict=True)
        ]
        clash = pd.Series(clash, index=index)
        if clash.any():
            problems.add_many(
                index[clash],
                found["plurality"],
                frame.loc[clash, found["plurality"]].tolist(),
                "the plurality label names another party than the majority label: a party "
                "with a majority is also the largest; correct one of them",
                "majority and plurality disagree",
            )

    for fld in ("council_id", "gss"):
        out[fld] = text(fld) if fld in found else pd.Series("", index=index, dtype="str")
    gss = out["gss"]
    bad_gss = pd.Series(
        [bool(v) and not _GSS.fullmatch(v) for v in gss.tolist()], index=index, dtype=bool
    )
    if bad_gss.any():
        problems.add_many(
            index[bad_gss],
            found["gss"],
            frame.loc[bad_gss, found["gss"]].tolist(),
            [
                f"{v!r} is not an ONS GSS code (a letter E, W, S or N and 8 digits, e.g. "
                "E07000223): correct it or leave it blank"
                for v in gss[bad_gss].tolist()
            ],
            "not an ONS GSS code",
        )
    parsed = pd.DataFrame(out, index=index)
    parsed["_majority"] = labels["majority"]
    parsed["_plurality"] = labels.get("plurality", pd.Series(None, index=index, dtype=object))

    # which years' labels name the administration (2025-26 in Open Council Data's file)
    style = pd.Series(
        [isinstance(v, _Label) and v.administration_style for v in parsed["_majority"]],
        index=index,
        dtype=bool,
    )
    years = parsed.loc[style & parsed["year"].notna(), "year"]
    admin_years = sorted(int(y) for y in years.unique())
    used = set(found.values())
    ignored = [c for c in frame.columns if c not in used]
    if ignored:
        notes.append(f"ignored {plural(len(ignored), 'column')}: {join_words(ignored)}")
    return _File(raw.source, raw.encoding, parsed, problems, found, notes, admin_years)


# --------------------------------------------------------------------------- control


def _read_seats(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """From the seats of each row: (the party with more than half of them, else NOC; the
    party with the most, None on a tie). None where the row has no seats (or no total)."""
    n = len(frame)
    seat_fields = [f for f in _SEAT_PARTY if frame[SEAT_COLUMNS[f]].notna().any()]
    seat_control = np.full(n, None, dtype=object)
    seat_largest = np.full(n, None, dtype=object)
    if not seat_fields:
        return seat_control, seat_largest
    seats = frame[[SEAT_COLUMNS[f] for f in seat_fields]].to_numpy(dtype="float64", na_value=np.nan)
    total = frame["seats_total"].to_numpy(dtype="float64", na_value=np.nan)
    filled = np.nan_to_num(seats, nan=-1.0)
    top = filled.max(axis=1)
    ties = (filled == top[:, None]).sum(axis=1) > 1
    arg = filled.argmax(axis=1)
    parties = np.array([_SEAT_PARTY[f] for f in seat_fields], dtype=object)
    ok = top >= 0
    seat_largest[ok & ~ties] = parties[arg[ok & ~ties]]
    majority = ok & (top > total / 2)
    seat_control[ok & np.isfinite(total)] = NO_OVERALL_CONTROL
    seat_control[majority] = parties[arg[majority]]
    return seat_control, seat_largest


def _control_columns(parsed: pd.DataFrame, admin_years: Sequence[int]) -> pd.DataFrame:
    """control, largest_party, administration, administration_kind, control_basis."""
    n = len(parsed)
    control = np.full(n, None, dtype=object)
    largest = np.full(n, None, dtype=object)
    administration = np.full(n, None, dtype=object)
    kind = np.full(n, None, dtype=object)
    basis = np.full(n, "label", dtype=object)
    seat_fields = [f for f in _SEAT_PARTY if parsed[SEAT_COLUMNS[f]].notna().any()]
    has_seats = bool(seat_fields) and parsed["seats_total"].notna().any()
    seat_control, seat_largest = _read_seats(parsed)
    admin = parsed["year"].isin(list(admin_years)).to_numpy()
    for i, (m, p) in enumerate(zip(parsed["_majority"], parsed["_plurality"], strict=True)):
        if not isinstance(m, _Label):  # refused label: the row is quarantined
            continue
        p = p if isinstance(p, _Label) else None
        if m.kind is None:
            basis[i] = "missing"
            largest[i] = seat_largest[i]
            continue
        if admin[i] or m.kind in ("minority", "mayor", "coalition"):
            # the label names the administration: control from the seats where there are
            kind[i] = "plurality" if m.kind == "noc" else m.kind
            administration[i] = "/".join(m.parties) if m.parties else None
            largest[i] = seat_largest[i]
            if has_seats and seat_control[i] is not None:
                control[i], basis[i] = seat_control[i], "seats"
            else:
                control[i] = m.parties[0] if m.kind == "majority" else NO_OVERALL_CONTROL
        elif m.kind == "majority":
            control[i] = largest[i] = administration[i] = m.parties[0]
            kind[i] = "majority"
        elif m.kind == "plurality":
            control[i], largest[i], kind[i] = NO_OVERALL_CONTROL, m.parties[0], "plurality"
        else:  # NOC: the largest party from the plurality label, else from the seats
            control[i], kind[i] = NO_OVERALL_CONTROL, "plurality"
            named = p is not None and p.kind in ("plurality", "majority") and p.parties
            largest[i] = p.parties[0] if named else seat_largest[i]
    return pd.DataFrame(
        {
            "control": control,
            "largest_party": largest,
            "administration": administration,
            "administration_kind": kind,
            "control_basis": basis,
        },
        index=parsed.index,
    )


#: The seat column counting each party's members; a file without the party's own column
#: counts it in "nat" (SNP, Plaid Cymru) or "other" (every member outside the named parties).
_PARTY_SEATS = {party: SEAT_COLUMNS[fld] for fld, party in _SEAT_PARTY.items()}
_PARTY_SEATS_ELSE = {"SNP": "seats_nat", "PC": "seats_nat"}


def _party_seats(data: pd.DataFrame, party: str) -> pd.Series:
    """The seats of ``party`` on every row (missing where the file does not count them)."""
    own = data[_PARTY_SEATS[party]]
    return own.fillna(data[_PARTY_SEATS_ELSE.get(party, "seats_other")])


def _seats_text(row: pd.Series, party: str) -> str:
    """ "Con 28 of 54": the seats of ``party`` on ``row``."""
    seats = row[_PARTY_SEATS[party]]
    if pd.isna(seats):
        seats = row[_PARTY_SEATS_ELSE.get(party, "seats_other")]
    return f"{party} {int(seats)} of {int(row['seats_total'])}"


def _check_labels_against_seats(data: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Majority labels (the years read by label) checked against the row's seats.

    A label naming party X as holding a majority, on a row where X holds at most half of
    the seats, is contradicted by the seats. Then ``control`` is decided from the seats
    (``control_basis`` "seats"): the party holding more than half, else NOC with X kept as
    ``administration`` (kind "minority"; an "Ind"/"Other" label, which counts every member
    outside the named parties, names no administration). The label is kept where the
    row's seats are a one-year slip: another party holds more than half of them but in
    neither the year before nor the year after, or the seat total matches neither.
    """
    data = data.copy()
    notes: list[str] = []
    labelled = (data["control_basis"] == "label") & (data["administration_kind"] == "majority")
    labelled &= data["control"].isin(list(_PARTY_SEATS)) & data["seats_total"].notna()
    if not labelled.any():
        return data, notes
    held = pd.Series(np.nan, index=range(len(data)))
    rows = data.reset_index(drop=True)
    where = labelled.to_numpy()
    for party in rows.loc[where, "control"].unique():
        mine = where & (rows["control"] == party).to_numpy()
        held[mine] = _party_seats(rows[mine], party).astype("float64").to_numpy()
    total = rows["seats_total"].astype("float64")
    contradicted = where & (held.notna() & (2 * held <= total)).to_numpy()
    if not contradicted.any():
        return data, notes
    seat_control, seat_largest = _read_seats(rows)
    by_year = {
        (k, y): i for i, (k, y) in enumerate(zip(rows["council_key"], rows["year"], strict=True))
    }
    other_party: list[str] = []
    no_majority: list[str] = []
    kept: list[str] = []
    at_half = 0
    columns = {c: rows.columns.get_loc(c) for c in _RESULT_COLUMNS}
    order = rows.iloc[np.flatnonzero(contradicted)].sort_values(["authority", "year"]).index
    for i in order:
        r = rows.iloc[i]
        x = str(r["control"])
        label = r["majority_text"]
        said = f"{r['authority']} {r['year']} (label {label!r}; {_seats_text(r, x)}"
        y = seat_control[i]
        if y not in (None, NO_OVERALL_CONTROL):
            near = [by_year.get((r["council_key"], r["year"] + d)) for d in (-1, 1)]
            near = [j for j in near if j is not None]
            slip = bool(near) and (
                all(seat_control[j] != y for j in near)
                or all(rows.at[j, "seats_total"] != r["seats_total"] for j in near)
            )
            said += f", {_seats_text(r, y)})"
            if slip:
                kept.append(said)
                continue
            values = {"control": y, "largest_party": y, "administration": y}
            values |= {"administration_kind": "majority", "control_basis": "seats"}
            other_party.append(said)
        else:
            at_half += int(2 * held[i] == total[i])
            administration = None if x == "Ind" else x
            values = {
                "control": NO_OVERALL_CONTROL,
                "largest_party": seat_largest[i],
                "administration": administration,
                "administration_kind": "minority" if administration else "plurality",
                "control_basis": "seats",
            }
            no_majority.append(said + ")")
        for col, value in values.items():
            data.iat[i, columns[col]] = value
    changed = len(other_party) + len(no_majority)
    # how the file reads a party holding exactly half of the seats elsewhere
    seats = rows[[SEAT_COLUMNS[f] for f in _SEAT_PARTY]].to_numpy("float64", na_value=np.nan)
    half = (rows["control_basis"] == "label").to_numpy() & (
        2 * np.nan_to_num(seats, nan=-1.0).max(axis=1) == total.to_numpy()
    )
    half_noc = int((half & (rows["control"] == NO_OVERALL_CONTROL).to_numpy()).sum())
    if changed:
        notes.append(
            f"{plural(changed, 'row')} of the label years name a party with a majority that "
            "holds at most half of the seats (in 2016-24 the label 'Other' counts UKIP and "
            "every member outside Con, Lab and LD together): control is decided from the "
            "seats (control_basis 'seats')"
        )
    if other_party:
        notes.append(
            f"another party holds more than half of the seats, so controls, on "
            f"{plural(len(other_party), 'row')}: {join_words(other_party, limit=20)}"
        )
    if no_majority:
        notes.append(
            f"no party holds more than half of the seats on {plural(len(no_majority), 'row')} "
            f"({at_half} with exactly half; the file reads {half_noc} of the "
            f"{int(half.sum())} rows where a party holds exactly half as NOC): NOC, the "
            "label's party kept as administration (kind 'minority'; "
            f"none for 'Ind'/'Other'): {join_words(no_majority, limit=30)}"
        )
    if kept:
        notes.append(
            f"{plural(len(kept), 'row')} kept as the label says, their seats a one-year slip "
            "(the party they give a majority holds none, or the seat total differs, in the "
            f"years before and after): {join_words(kept, limit=20)}"
        )
    return data, notes


# --------------------------------------------------------------------------- councils


def _seat_vector(rows: pd.DataFrame) -> np.ndarray:
    """Seat counts of each row, total first (missing counts as 0)."""
    return rows[list(SEAT_COLUMNS.values())].to_numpy(dtype="float64", na_value=0.0)


def _split_by_continuity(rows: pd.DataFrame) -> tuple[dict[int, int], set[int]]:
    """Tell apart councils sharing a name (or id) in a file: ``({row label: part}, rows that
    cannot be told apart)``.

    Year by year, the rows are linked to the councils of the year before so that as many
    seat totals as possible stay the same, then so that compositions change least (sum of
    absolute differences of the seat counts); a row left over begins a new council, and a
    council without a row ends. Two equally good links are not guessed: that year's rows
    cannot be told apart.
    """
    part_of: dict[int, int] = {}
    unclear: set[int] = set()
    active: dict[int, np.ndarray] = {}  # part -> seats (total first) of its latest row
    next_part = 0
    for _year, group in rows.groupby("year", sort=True):
        labels = group.index.tolist()
        vectors = _seat_vector(group)
        parts = list(active)
        k, m = len(labels), len(parts)
        links: list[dict[int, int]] = [{}]  # each: {position in the year: part}
        if m and k <= m:
            links = [dict(enumerate(chosen)) for chosen in itertools.permutations(parts, k)]
        elif m:
            links = [
                dict(zip(chosen, parts, strict=True))
                for chosen in itertools.permutations(range(k), m)
            ]
        scored = []
        for link in links:
            changed_totals = sum(int(vectors[i][0] != active[p][0]) for i, p in link.items())
            distance = sum(float(np.abs(vectors[i] - active[p]).sum()) for i, p in link.items())
            scored.append(((changed_totals, distance), link))
        scored.sort(key=lambda s: s[0])
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            unclear.update(labels)
            continue
        link = scored[0][1]
        new_active: dict[int, np.ndarray] = {}
        for i, label in enumerate(labels):
            if i in link:
                part = link[i]
            else:
                part, next_part = next_part, next_part + 1
            part_of[label] = part
            new_active[part] = vectors[i]
        active = new_active
    return part_of, unclear


def _as_of(year: int) -> pd.Timestamp:
    return pd.Timestamp(int(year), _AS_OF_MONTH, 1)


@dataclass
class _Identity:
    """The council of every row that has no problem yet: ``rows`` (columns ``_file``,
    ``_row`` and the identity columns), notes, and problems found (file, row, column,
    value, reason, kind)."""

    rows: pd.DataFrame
    notes: list[str]
    problems: list[tuple[int, int, str, str, str, str]]


_IDENTITY_COLUMNS = (
    "council_key",
    "council_code",
    "local_authority_code",
    "nation",
    "council_type",
    "match_how",
)


def _identify(files: list[_File], lookup: Any) -> _Identity:
    from coprod.io.councils import council_name_key, match_council_codes, match_councils

    pieces = []
    for number, f in enumerate(files):
        ok = f.frame.loc[f.problems.keep(f.frame.index)]
        piece = ok[["authority", "year", "council_id", "gss", *SEAT_COLUMNS.values()]].copy()
        piece.insert(0, "_row", piece.index.to_numpy())
        piece.insert(0, "_file", number)
        pieces.append(piece)
    rows = pd.concat(pieces, ignore_index=True)
    notes: list[str] = []
    problems: list[tuple[int, int, str, str, str, str]] = []
    if rows.empty:
        for col in _IDENTITY_COLUMNS:
            rows[col] = pd.Series(dtype="str")
        return _Identity(rows, notes, problems)
    rows["year"] = rows["year"].astype("int64")
    # a council of a file: its Open Council Data id, else its (normalised) name
    keys = rows["authority"].map(council_name_key)
    rows["_track"] = np.where(rows["council_id"] != "", "id:" + rows["council_id"], "name:" + keys)
    rows["_part"] = 0
    unclear: set[int] = set()
    repeated = rows.duplicated(["_file", "_track", "year"], keep=False)
    for key in rows.loc[repeated, ["_file", "_track"]].drop_duplicates().itertuples(index=False):
        every = rows[(rows["_file"] == key[0]) & (rows["_track"] == key[1])]
        track_of, unclear_here = _split_by_continuity(every)
        rows.loc[list(track_of), "_part"] = list(track_of.values())
        unclear |= unclear_here
    for pos in sorted(unclear):
        r = rows.loc[pos]
        others = rows[
            (rows["_file"] == r["_file"])
            & (rows["_track"] == r["_track"])
            & (rows["year"] == r["year"])
            & (rows.index != pos)
        ]
        listed = ", ".join(str(int(o)) for o in others["_row"])
        problems.append(
            (
                int(r["_file"]),
                int(r["_row"]),
                files[int(r["_file"])].found["authority"],
                str(r["authority"]),
                f"{r['authority']!r} has {len(others) + 1} rows in {r['year']} (also row "
                f"{listed}) that cannot be told apart by their seats from the year before: "
                "keep one, or give each council its own name or council id",
                "councils that cannot be told apart",
            )
        )
    rows = rows.drop(index=sorted(unclear))

    councils = (
        rows.sort_values("year", kind="stable")
        .groupby(["_file", "_track", "_part"], sort=False)
        .agg(
            name=("authority", "last"),
            first=("year", "min"),
            last=("year", "max"),
            n=("year", "size"),
            council_id=("council_id", "last"),
            gss=("gss", lambda s: ",".join(sorted(set(s) - {""}))),
        )
        .reset_index()
    )
    # of councils sharing a name, the one that reaches the name's last year (with most
    # rows) is the council of that name and is matched; the others are kept unmatched
    group = [councils["_file"], councils["_track"]]
    parts = councils.groupby(group)["_part"].transform("size")
    reaches = councils["last"] == councils.groupby(group)["last"].transform("max")
    n_reaching = councils["n"].where(reaches, -1)
    top = n_reaching == n_reaching.groupby(group).transform("max")
    primary = (parts == 1) | (reaches & top & (top.groupby(group).transform("sum") == 1))
    match = match_councils(
        councils["name"],
        ids=councils["council_id"].replace("", None),
        lookup=lookup,
        as_of=[_as_of(y) for y in councils["last"]],
    ).table
    for col in ("council_code", "local_authority_code", "nation", "council_type", "how"):
        councils[col] = match[col].to_numpy()
    councils.loc[~primary, ["council_code", "local_authority_code", "nation", "council_type"]] = (
        None
    )
    councils.loc[~primary, "how"] = "unmatched"

    # a council printed with a GSS code (2026) but not matched by name or id takes it
    printed = councils["gss"].where(~councils["gss"].str.contains(","), "")
    need = councils["how"].isin(("unmatched", "ambiguous")) & (printed != "") & primary
    if need.any():
        by_code = match_council_codes(printed[need], lookup=lookup).table
        for col in ("council_code", "local_authority_code", "nation", "council_type"):
            councils.loc[need, col] = by_code[col].to_numpy()
        known = by_code["how"].to_numpy() != "unmatched"
        councils.loc[need, "how"] = np.where(known, "gss code", "gss code (not in the lookup)")
        councils.loc[need, "council_code"] = councils.loc[need, "council_code"].fillna(
            printed[need]
        )
        shown = [
            f"{n} ({c})" for n, c in zip(councils.loc[need, "name"], printed[need], strict=True)
        ]
        notes.append(
            f"{plural(int(need.sum()), 'council')} not matched by name or id took the GSS code "
            f"printed in the file: {join_words(shown)}"
        )
    differ = (
        primary
        & (printed != "")
        & councils["council_code"].notna()
        & (printed != councils["council_code"])
    )
    if differ.any():
        shown = [
            f"{n} (file {p}, lookup {c})"
            for n, p, c in zip(
                councils.loc[differ, "name"],
                printed[differ],
                councils.loc[differ, "council_code"],
                strict=True,
            )
        ]
        notes.append(
            f"{plural(int(differ.sum()), 'council')} printed with a GSS code other than the "
            f"lookup's (a newer code; the lookup's is kept, as other sources use it): "
            f"{join_words(shown)}"
        )

    # keys: the code, else the name; a second council of the name gets " [2]"
    councils["_order"] = (
        councils.assign(_primary=~primary)
        .sort_values(["first", "_primary", "_part"])
        .groupby(["_file", "_track"])
        .cumcount()
        + 1
    )
    suffix = np.where(primary, "", " [" + councils["_order"].astype(str) + "]")
    councils["council_key"] = councils["council_code"].where(
        councils["council_code"].notna(), councils["name"] + suffix
    )
    for (number, _track), shared in councils[parts > 1].groupby(["_file", "_track"]):
        described = [
            f"{r.first}-{r.last}, {r.n} rows"
            + (" (matched by the name)" if primary[i] else f" (kept as {r.council_key!r})")
            for i, r in shared.sort_values("_order").iterrows()
        ]
        notes.append(
            f"{Path(files[number].source).name}: {shared['name'].iloc[-1]!r} is "
            f"{len(shared)} councils, told apart by their seats year to year: "
            f"{join_words(described)}"
        )
    joined = rows.merge(
        councils[["_file", "_track", "_part", *_IDENTITY_COLUMNS[:-1], "how"]],
        on=["_file", "_track", "_part"],
        how="left",
    ).rename(columns={"how": "match_how"})

    # two rows for one council and year (within or across files): every copy refused
    twice = joined.duplicated(["council_key", "year"], keep=False)
    if twice.any():
        for _, same in joined[twice].groupby(["council_key", "year"]):
            copies = same.to_dict("records")
            for i, r in enumerate(copies):
                others = [
                    f"{Path(files[o['_file']].source).name} row {o['_row']} ({o['authority']!r})"
                    for j, o in enumerate(copies)
                    if j != i
                ]
                problems.append(
                    (
                        int(r["_file"]),
                        int(r["_row"]),
                        files[int(r["_file"])].found["authority"],
                        str(r["authority"]),
                        f"two rows for {r['council_key']} in {r['year']}: also "
                        f"{join_words(others)}; keep one and remove the others",
                        "duplicate council and year",
                    )
                )
        joined = joined[~twice]
    matched = councils[primary]
    how = matched["how"].value_counts()
    ways = [f"{how[h]} by {h}" for h in how.index if h not in ("unmatched", "ambiguous")]
    not_found = matched.loc[matched["council_code"].isna(), "name"].tolist()
    notes.append(
        f"matched {plural(int(matched['council_code'].notna().sum()), 'council')} of "
        f"{len(matched)} to GSS codes ({join_words(ways)}); "
        + (
            f"{len(not_found)} not in the lookup (councils abolished before about 2009), kept "
            f"with council_code missing: {join_words(sorted(not_found), limit=10)}"
            if not_found
            else "every council found"
        )
    )
    return _Identity(joined, notes, problems)


# --------------------------------------------------------------------------- the reader


def read_control_history(
    paths: str | os.PathLike | Sequence[str | os.PathLike] | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    parties: Mapping[str, str] | None = None,
    lookup: Any = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    skip_rows: int = 0,
) -> LoadResult:
    """Read council control histories into one council x year timeline (see the module
    docstring for the columns and rules).

    Parameters
    ----------
    paths:
        One file, a folder of files (each read, then combined), a list of files, or a
        DataFrame.
    columns:
        ``{field: column in the file}`` for fields not under their own names (fields:
        ``authority``, ``year``, ``majority``, ``plurality``, ``council_id``, ``gss`` and
        the seat fields ``total``, ``con``, ``lab``, ``ld``, ``green``, ``ukip``, ``ref``,
        ``pc``, ``snp``, ``nat``, ``other``).
    parties:
        More spellings of parties, ``{spelling: code}`` (codes of
        :data:`coprod.vocab.PARTY_CODES`), on top of :data:`coprod.vocab.PARTY_SPELLINGS`.
    lookup:
        The council lookup for :func:`coprod.io.councils.match_councils` (None: the copy
        shipped with coprod).
    encoding, sheet, skip_rows:
        Passed to :func:`coprod.io.read_raw_table` for every file.

    Returns
    -------
    LoadResult with ``kind="control"``: ``data`` one row per council and year, the
    quarantine with the file and row of every refused row.
    """
    from coprod.io.inputs import input_files, is_many
    from coprod.io.result import warn_if_quarantined

    spellings = dict(PARTY_SPELLINGS)
    for spelling, code in (parties or {}).items():
        if code not in PARTY_CODES:
            raise InputError(
                f"parties= maps {spelling!r} to {code!r}, which is not a party code",
                fix=f"use one of {', '.join(PARTY_CODES)}",
            )
        spellings[label_key(spelling)] = code
    sources = input_files(paths) if is_many(paths) else [paths]
    files = [_read_file(s, columns, spellings, encoding, sheet, skip_rows) for s in sources]
    identity = _identify(files, lookup)
    for number, row, column, value, reason, kind in identity.problems:
        files[number].problems.add(row, column, value, reason, kind)

    results = []
    for number, f in enumerate(files):
        control = _control_columns(f.frame, f.administration_years)
        frame = pd.concat([f.frame, control], axis=1)
        mine = identity.rows[identity.rows["_file"] == number].set_index("_row")
        for col in _IDENTITY_COLUMNS:
            frame[col] = mine[col].reindex(frame.index)
        results.append(finish(frame, f.problems, kind="control", encoding=f.encoding, warn=False))

    data = pd.concat([r.data.assign(file=f.source) for r, f in zip(results, files, strict=True)])
    quarantine = pd.concat([r.quarantine for r in results], ignore_index=True)
    data, seat_notes = _check_labels_against_seats(data)
    data = _finish_data(data)
    notes = _notes(files, identity, data) + seat_notes
    source = str(paths) if not isinstance(paths, list | tuple) else f"{plural(len(files), 'file')}"
    if isinstance(paths, pd.DataFrame):
        source = files[0].source
    encodings = {f.encoding for f in files}
    result = LoadResult(
        data=data,
        quarantine=quarantine[list(QUARANTINE_COLUMNS)],
        n_read=sum(r.n_read for r in results),
        source=source,
        kind="control",
        encoding=encodings.pop() if len(encodings) == 1 else "several",
        notes=tuple(notes),
    )
    warn_if_quarantined(result, stacklevel=2)
    return result


def _finish_data(data: pd.DataFrame) -> pd.DataFrame:
    """Latest spelling, Nat by nation, types and column order of ``data``."""
    data = data.copy()
    data["year"] = data["year"].astype("int64")
    latest = data.sort_values("year", kind="stable").groupby("council_key")["authority"].last()
    data["council"] = data["council_key"].map(latest)
    nat = data["nation"].map(_NATION_OF_NAT)
    for col in ("control", "largest_party", "administration"):
        is_nat = data[col] == "Nat"
        data.loc[is_nat & nat.notna(), col] = nat[is_nat & nat.notna()]
    data = data.rename(columns={"majority_text": "control_label", "gss": "gss_published"})
    for col in CONTROL_COLUMNS:
        if col.startswith("seats_"):
            data[col] = data[col].astype("Int64")
        elif col != "year":
            data[col] = data[col].astype("str").replace("", None)
    data = data[list(CONTROL_COLUMNS)]
    data = data.sort_values(["council_key", "year"], kind="stable")
    data.index.name = "row"
    return data


def _notes(files: list[_File], identity: _Identity, data: pd.DataFrame) -> list[str]:
    notes = []
    for f in files:
        name = Path(f.source).name
        notes.extend(f"{name}: {n}" for n in f.notes)
        if f.administration_years:
            years = ", ".join(map(str, f.administration_years))
            notes.append(
                f"{name}: the labels of {years} name the administration (LAB, 'LAB min', "
                "'LAB Mayor', coalitions 'LD/LAB/GRN'), not who holds a majority: control is "
                "decided from the seats (a party with more than half, else NOC) and the label "
                "is kept as administration"
            )
    notes.extend(identity.notes)
    missing = data["control_basis"] == "missing"
    if missing.any():
        notes.append(
            f"{plural(int(missing.sum()), 'row')} without control (the label says NULL or is "
            "blank): kept, with control missing and control_basis 'missing'"
        )
    no_nation = data["nation"].isna()
    if no_nation.any():
        nat = data[["control", "largest_party", "administration"]].eq("Nat").any(axis=1)
        notes.append(
            f"{plural(int(data.loc[no_nation, 'council_key'].nunique()), 'council')} "
            f"({plural(int(no_nation.sum()), 'row')}) have no nation (not in the lookup); "
            "change_rates(by='nation') counts them as a group of their own"
            + (
                f"; {plural(int(nat.sum()), 'row')} of them keep 'Nat' (SNP and Plaid Cymru "
                "counted together: the file does not say which nation)"
                if nat.any()
                else ""
            )
        )
    ties = data["largest_party"].isna() & data["seats_total"].notna()
    if ties.any():
        notes.append(
            f"{plural(int(ties.sum()), 'row')} where two parties have the most seats: "
            "largest_party is missing"
        )
    return notes

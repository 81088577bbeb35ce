"""Seeded synthetic data with a known truth, for tests, notebooks and teaching.

Every generator here is fully determined by its ``seed`` and returns the data
*and* the truth it was drawn from, so analyses can be checked against what was
planted. Nothing here is real data; files written from these generators say so
in their ``.SOURCE.txt``.

Generators
----------
- :func:`make_services_survey` / :func:`write_services_survey`: a survey asking
  residents who plans and who delivers local services, to be placed on the
  planning x delivery grid of :mod:`coprod.grid` (Bovaird 2007).
- :func:`make_complaint_log` / :func:`write_complaint_log` /
  :func:`write_complaint_contacts`: a council complaint log (one row per
  complaint) with a planted step in one service's count, a shift towards
  serious complaints at flat counts in another, and a winter peak in a third;
  plus monthly service contacts as denominators. Measured by
  :mod:`coprod.complaints`.
- :func:`write_complaint_export`: the same log written with dates and times the way
  case-management systems export them (US/Canadian 311 month-first dates,
  month names, AM/PM), with the true date and time of every row, to check that
  :func:`coprod.io.read_complaints` reads every one right.

Shared pieces meant for further generators (e.g. complaints): the service
catalogue :data:`SERVICE_CATALOGUE` (with each service's planted position),
:data:`DEFAULT_COUNCILS`, and the helpers ``_rng`` and ``_council_prefixes``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from coprod.grid import DELIVERY_LEVELS, PLANNING_LEVELS, cell_of
from coprod.provenance import SYNTHETIC, Source, with_source
from coprod.vocab import (
    INITIATIVE_KINDS,
    ORGANISATION_KINDS,
    OUTCOME_LEVELS,
    SEVERITY_LEVELS,
    STAGE_LEVELS,
)

__all__ = [
    "AGE_GROUPS",
    "BASE_SEVERITY_MIX",
    "COMPLAINTS_SEED",
    "COMPLAINT_CATEGORIES",
    "COMPLAINT_LOG_COLUMNS",
    "COMPLAINT_RATES",
    "COMPLAINT_SERVICES",
    "CONTACTS_PER_COMPLAINT",
    "ComplaintExport",
    "EXPORT_DATE_STYLES",
    "DEFAULT_COUNCILS",
    "DEFAULT_MOVERS",
    "DEFAULT_ORGANISATION_SHARES",
    "SERVICES_SURVEY_SEED",
    "SERIOUS_SEVERITY_MIX",
    "SERVICE_CATALOGUE",
    "ServiceSpec",
    "SyntheticComplaints",
    "SyntheticSurvey",
    "make_complaint_log",
    "make_services_survey",
    "write_complaint_contacts",
    "write_complaint_export",
    "write_complaint_log",
    "write_services_survey",
]

# ------------------------------------------------------------------ shared pieces

DEFAULT_COUNCILS: tuple[str, ...] = ("Northbridge", "Eastmoor", "Westfield")
"""Fictional councils used by the generators."""


@dataclass(frozen=True)
class ServiceSpec:
    """A local service and its planted baseline position on the grid.

    ``planning`` and ``delivery`` are population positions on the 0-2 scale of
    :mod:`coprod.grid` (0 = professionals, 1 = co-planning / co-delivery,
    2 = community) in the first wave, before council-level variation.
    """

    name: str
    planning: float
    delivery: float


SERVICE_CATALOGUE: tuple[ServiceSpec, ...] = (
    # the first 20 are the default survey; they cover all nine cells
    ServiceSpec("Refuse collection", 0.20, 0.15),  # traditional services
    ServiceSpec("Libraries", 0.30, 0.30),  # traditional; planted mover
    ServiceSpec("Parks and green spaces", 0.35, 0.25),  # traditional; planted mover
    ServiceSpec("Youth clubs", 0.30, 1.00),  # professionally planned, co-delivered; mover
    ServiceSpec("Street lighting", 0.15, 0.20),  # traditional services
    ServiceSpec("Social care", 0.25, 0.35),  # traditional; planted mover
    ServiceSpec("Community centres", 1.00, 1.05),  # full co-production
    ServiceSpec("Food banks", 1.80, 1.80),  # self-help groups
    ServiceSpec("Allotments", 1.70, 1.75),  # self-help groups
    ServiceSpec("Leisure centres", 0.30, 1.75),  # outsourcing
    ServiceSpec("Meals on wheels", 0.35, 1.65),  # outsourcing
    ServiceSpec("Neighbourhood plans", 1.75, 0.30),  # community planning
    ServiceSpec("Traffic calming", 1.70, 0.35),  # community planning
    ServiceSpec("Carers' support", 1.05, 0.95),  # full co-production
    ServiceSpec("Community transport", 1.00, 1.70),  # co-planned, community delivered
    ServiceSpec("Community festivals", 1.75, 1.00),  # community planned, co-delivered
    ServiceSpec("Adult learning", 0.30, 1.05),  # professionally planned, co-delivered
    ServiceSpec("Housing repairs", 0.58, 0.40),  # near the planning boundary
    ServiceSpec("Litter picking", 1.75, 1.65),  # self-help groups
    ServiceSpec("Play areas", 1.40, 0.62),  # full co-production, near two boundaries
    # extras for n_services > 20
    ServiceSpec("Road maintenance", 0.20, 0.30),
    ServiceSpec("Befriending services", 1.05, 1.75),
    ServiceSpec("Sports clubs", 1.70, 1.05),
    ServiceSpec("Tenant management", 1.10, 0.40),
)
"""Plausible local services with planted baseline positions (synthetic, not measured)."""

DEFAULT_MOVERS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "Libraries": (0.6, 0.0),
        "Parks and green spaces": (0.6, 0.0),
        "Youth clubs": (0.6, 0.0),
        "Social care": (0.6, 0.0),
    }
)
"""Planted movement (planning shift, delivery shift) from the first wave to the second.

Four services move towards co-planning by 0.6; every other service stays exactly
where it was.
"""


def _shares(**by_kind: float) -> Mapping[str, float]:
    names = {
        "in_house": "council in-house",
        "contractor": "private contractor",
        "pfi": "PFI contract",
        "voluntary": "voluntary organisation",
        "social_enterprise": "social enterprise or development trust",
        "residents": "residents",
    }
    return MappingProxyType({names[k]: v for k, v in by_kind.items()})


DEFAULT_ORGANISATION_SHARES: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        # street services outsourced, some under PFI contracts (as the blog post describes)
        "Refuse collection": _shares(contractor=0.55, in_house=0.30, pfi=0.15),
        "Street lighting": _shares(pfi=0.70, contractor=0.20, in_house=0.10),
        "Road maintenance": _shares(pfi=0.50, contractor=0.30, in_house=0.20),
        "Housing repairs": _shares(contractor=0.50, in_house=0.40, pfi=0.10),
        "Traffic calming": _shares(in_house=0.50, contractor=0.40, pfi=0.10),
        "Social care": _shares(contractor=0.55, in_house=0.30, voluntary=0.15),
        "Leisure centres": _shares(social_enterprise=0.55, contractor=0.30, in_house=0.15),
        # the council's own services
        "Libraries": _shares(in_house=0.80, voluntary=0.15, residents=0.05),
        "Parks and green spaces": _shares(in_house=0.60, contractor=0.25, voluntary=0.15),
        "Adult learning": _shares(in_house=0.60, voluntary=0.25, social_enterprise=0.15),
        "Neighbourhood plans": _shares(in_house=0.60, residents=0.30, voluntary=0.10),
        "Play areas": _shares(in_house=0.60, contractor=0.20, residents=0.20),
        # professionalised community organisations
        "Youth clubs": _shares(voluntary=0.50, in_house=0.35, social_enterprise=0.15),
        "Meals on wheels": _shares(voluntary=0.45, contractor=0.35, in_house=0.20),
        "Community centres": _shares(
            voluntary=0.40, social_enterprise=0.30, in_house=0.20, residents=0.10
        ),
        "Carers' support": _shares(voluntary=0.50, in_house=0.30, social_enterprise=0.20),
        "Community transport": _shares(social_enterprise=0.50, voluntary=0.40, in_house=0.10),
        "Food banks": _shares(voluntary=0.70, residents=0.30),
        "Befriending services": _shares(voluntary=0.75, residents=0.25),
        "Tenant management": _shares(
            residents=0.40, voluntary=0.20, social_enterprise=0.20, in_house=0.20
        ),
        # residents themselves
        "Allotments": _shares(residents=0.60, voluntary=0.25, in_house=0.15),
        "Community festivals": _shares(residents=0.50, voluntary=0.30, in_house=0.20),
        "Litter picking": _shares(residents=0.65, voluntary=0.25, in_house=0.10),
        "Sports clubs": _shares(residents=0.50, voluntary=0.40, social_enterprise=0.10),
    }
)
"""Planted shares of respondents naming each delivering organisation, per service
(synthetic, plausible, not measured; kinds of :data:`coprod.vocab.ORGANISATION_KINDS`,
kinds not listed have share 0). The same in every council and wave."""

AGE_GROUPS: tuple[str, str] = ("under 35", "35 and over")

SERVICES_SURVEY_SEED = 20250101
"""Seed of the shipped ``coprod/data/services_survey.csv``."""


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """The generator every synthetic data set draws from (``numpy.random.default_rng``)."""
    return np.random.default_rng(seed)


def _council_prefixes(councils: Sequence[str]) -> list[str]:
    """Shortest upper-case prefixes that tell the councils apart (e.g. N, E, W)."""
    names = [str(c) for c in councils]
    longest = max(len(n) for n in names)
    for k in range(1, longest + 1):
        prefixes = [n.replace(" ", "")[:k].upper() for n in names]
        if len(set(prefixes)) == len(prefixes):
            return prefixes
    return [f"C{i + 1}" for i in range(len(names))]


# -------------------------------------------------------------- services survey


@dataclass(frozen=True)
class SyntheticSurvey:
    """A synthetic survey: the answers, the planted truth and the arguments used.

    ``responses``: one row per respondent (each answers about one service), columns
    ``respondent_id, council, wave, service, age_group, planning, delivery,
    weight``; planning and delivery hold level names as a survey file would.

    ``truth``: one row per council x service x wave, columns ``council, service,
    wave, planning, delivery, planning_unweighted, delivery_unweighted, cell,
    moved``. ``planning``/``delivery`` are the population positions, the target
    of a weighted mean; ``*_unweighted`` are the expected values of an unweighted
    mean given the sample's age composition; ``cell`` is the cell of the
    population position (:func:`coprod.grid.cell_of`); ``moved`` is True where
    the planted position differs from the same service's position in the
    previous wave (always False in the first wave).

    ``params``: the generator's arguments, enough to regenerate the data.

    ``organisation_truth``: the planted shares of the delivering organisations, one row
    per council x service x wave x kind of :data:`coprod.vocab.ORGANISATION_KINDS`
    (columns ``council, service, wave, organisation, share``), planted whether or not
    ``responses`` has the ``organisation`` column (``make_services_survey(organisation=
    True)``).
    """

    responses: pd.DataFrame
    truth: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    organisation_truth: pd.DataFrame = field(default_factory=pd.DataFrame)


def _check_survey_args(
    councils: Sequence[str],
    n_services: int,
    waves: Sequence[Any],
    respondents_per_service: int,
    under35_sample_share: float,
    under35_population_share: float,
    movers: Mapping[str, tuple[float, float]],
) -> int:
    if len(councils) == 0 or len(set(councils)) != len(councils):
        raise ValueError(f"councils must be distinct and non-empty, not {councils!r}")
    if not 1 <= n_services <= len(SERVICE_CATALOGUE):
        raise ValueError(f"n_services must be between 1 and {len(SERVICE_CATALOGUE)}")
    if len(waves) == 0 or len(set(waves)) != len(waves):
        raise ValueError(f"waves must be distinct and non-empty, not {waves!r}")
    if not 0 < under35_sample_share < 1 or not 0 < under35_population_share < 1:
        raise ValueError("under-35 sample and population shares must lie strictly between 0 and 1")
    n_young = int(round(under35_sample_share * respondents_per_service))
    if not 1 <= n_young <= respondents_per_service - 1:
        raise ValueError(
            f"{respondents_per_service} respondents per service with an under-35 sample share "
            f"of {under35_sample_share} leaves an age group empty; its weight would be undefined"
        )
    known = {s.name for s in SERVICE_CATALOGUE}
    unknown = sorted(set(movers) - known)
    if unknown:
        raise ValueError(f"movers names services not in SERVICE_CATALOGUE: {unknown}")
    return n_young


def _feasible_gap(position: np.ndarray, gap: np.ndarray, young_share: float) -> np.ndarray:
    """The largest gap (young minus old) up to ``gap`` that keeps both groups in [0, 2].

    With young = position + gap * (1 - young_share) and old = position - gap *
    young_share, the population mean is exactly ``position``; near the ends of
    the scale the gap shrinks so neither group position leaves [0, 2].
    """
    up = np.minimum((2.0 - position) / (1 - young_share), position / young_share)
    down = np.minimum(position / (1 - young_share), (2.0 - position) / young_share)
    return np.where(gap >= 0, np.minimum(gap, up), -np.minimum(-gap, down))


def make_services_survey(
    *,
    seed: int = 0,
    councils: Sequence[str] = DEFAULT_COUNCILS,
    n_services: int = 20,
    waves: Sequence[int] = (2023, 2025),
    respondents_per_service: int = 150,
    under35_sample_share: float = 0.25,
    under35_population_share: float = 0.5,
    under35_shift: tuple[float, float] = (0.5, 0.2),
    movers: Mapping[str, tuple[float, float]] | None = None,
    council_spread: float = 0.12,
    organisation: bool = False,
    organisation_shares: Mapping[str, Mapping[str, float]] | None = None,
) -> SyntheticSurvey:
    """A synthetic residents' survey on who plans and who delivers local services.

    Design (all planted, all known):

    - The first ``n_services`` services of :data:`SERVICE_CATALOGUE` are surveyed
      in every council and wave. Each council's population position is the
      catalogue position plus a council offset drawn uniformly from
      ``[-council_spread, council_spread]`` per axis (clipped to [0.1, 1.9]);
      the offset is the same in every wave.
    - Services in ``movers`` (default :data:`DEFAULT_MOVERS`) shift by
      ``(planning, delivery)`` between the first and the second wave and stay
      there in later waves; all other services stay exactly where they were.
    - Two age groups, ``"under 35"`` and ``"35 and over"``. Under-35s sit
      ``under35_shift`` further towards community (planning, delivery) than
      over-35s, split around the planted position so that, with population
      shares ``under35_population_share``, the population position is exactly
      the planted one. Near the ends of the scale the gap shrinks as far as
      needed to keep both group positions in [0, 2].
    - Each council x wave x service gets ``respondents_per_service`` respondents,
      exactly ``round(under35_sample_share * n)`` of them under 35 (under-35s are
      under-sampled by default). Each respondent answers about one service.
    - A respondent's planning and delivery codes are drawn independently from
      Binomial(2, position / 2) at their age group's position, so the expected
      code is the position. They are stored as level names.
    - ``weight`` = population share / sample share of the respondent's age group
      within the service, so the weighted mean targets ``truth.planning`` and
      ``truth.delivery`` while the unweighted mean targets
      ``truth.planning_unweighted`` and ``truth.delivery_unweighted``.
    - ``respondent_id`` looks like ``"N23-00017"``: council prefix, the last two
      digits of the wave and a sequence number assigned in random order within
      the council and wave.
    - With ``organisation=True``, an ``organisation`` column (after ``delivery``): each
      respondent names the kind of organisation that delivers the service, drawn from
      the service's planted shares (``organisation_shares``, default
      :data:`DEFAULT_ORGANISATION_SHARES`, the same in every council and wave; listed in
      ``organisation_truth``), independently of the respondent's age and delivery
      answer. These draws come after all others, so every other column is the same as
      without it.

    Returns a :class:`SyntheticSurvey`; responses are sorted by council, wave and
    respondent id, truth by council, service and wave. Fully determined by
    ``seed`` (and the other arguments).
    """
    councils = tuple(councils)
    waves = tuple(waves)
    movers = DEFAULT_MOVERS if movers is None else movers
    n_per = int(respondents_per_service)
    n_young = _check_survey_args(
        councils,
        n_services,
        waves,
        n_per,
        under35_sample_share,
        under35_population_share,
        movers,
    )
    params: dict[str, Any] = {
        "seed": seed,
        "councils": councils,
        "n_services": n_services,
        "waves": waves,
        "respondents_per_service": n_per,
        "under35_sample_share": under35_sample_share,
        "under35_population_share": under35_population_share,
        "under35_shift": tuple(under35_shift),
        "movers": dict(movers),
        "council_spread": council_spread,
    }
    if organisation:
        params["organisation"] = True
    if organisation_shares is not None:
        params["organisation_shares"] = {k: dict(v) for k, v in organisation_shares.items()}
    rng = _rng(seed)
    specs = SERVICE_CATALOGUE[:n_services]
    n_c, n_s, n_w = len(councils), len(specs), len(waves)

    # population positions: [council, service, wave, axis]
    base = np.array([[s.planning, s.delivery] for s in specs])  # (S, 2)
    offsets = rng.uniform(-council_spread, council_spread, size=(n_c, n_s, 2))
    start = np.clip(base[None] + offsets, 0.1, 1.9)  # (C, S, 2)
    shift = np.array([movers.get(s.name, (0.0, 0.0)) for s in specs], dtype=float)  # (S, 2)
    after = np.array([0.0] + [1.0] * (n_w - 1))  # the move happens between waves 1 and 2
    planted = start[:, :, None, :] + shift[None, :, None, :] * after[None, None, :, None]
    planted = np.clip(planted, 0.0, 2.0)

    pop_y = under35_population_share
    gap = _feasible_gap(planted, np.asarray(under35_shift, dtype=float), pop_y)
    young = np.clip(planted + gap * (1 - pop_y), 0.0, 2.0)  # clip only trims rounding
    old = np.clip(planted - gap * pop_y, 0.0, 2.0)
    population = pop_y * young + (1 - pop_y) * old
    sample_y = n_young / n_per
    unweighted = sample_y * young + (1 - sample_y) * old

    # respondents: council x service x wave blocks of n_per rows, under-35s first
    c_idx, s_idx, w_idx, r_idx = (
        a.ravel()
        for a in np.meshgrid(
            np.arange(n_c), np.arange(n_s), np.arange(n_w), np.arange(n_per), indexing="ij"
        )
    )
    is_young = r_idx < n_young
    position = np.where(
        is_young[:, None], young[c_idx, s_idx, w_idx], old[c_idx, s_idx, w_idx]
    )  # (N, 2)
    codes = rng.binomial(2, np.clip(position / 2, 0.0, 1.0))
    weight = np.where(is_young, pop_y / sample_y, (1 - pop_y) / (1 - sample_y))

    # respondent ids: random order within council x wave
    n_rows = len(c_idx)
    block = c_idx * n_w + w_idx
    order = np.lexsort((rng.random(n_rows), block))
    seq = np.empty(n_rows, dtype=np.int64)
    block_sorted = block[order]
    first = np.searchsorted(block_sorted, block_sorted, side="left")
    seq[order] = np.arange(n_rows) - first + 1
    prefixes = np.array(_council_prefixes(councils), dtype=object)
    wave_tags = [str(w)[-2:] for w in waves]
    if len(set(wave_tags)) != len(wave_tags):
        wave_tags = [str(w) for w in waves]
    width = max(5, len(str(n_s * n_per)))
    ids = [
        f"{prefixes[c]}{wave_tags[w]}-{k:0{width}d}"
        for c, w, k in zip(c_idx.tolist(), w_idx.tolist(), seq.tolist(), strict=True)
    ]

    council_arr = np.array(councils, dtype=object)
    service_arr = np.array([s.name for s in specs], dtype=object)
    wave_values = pd.Series(list(waves))
    responses = pd.DataFrame(
        {
            "respondent_id": pd.Series(ids, dtype="str"),
            "council": pd.Series(council_arr[c_idx], dtype="str"),
            "wave": wave_values.iloc[w_idx].reset_index(drop=True),
            "service": pd.Series(service_arr[s_idx], dtype="str"),
            "age_group": pd.Series(np.where(is_young, *AGE_GROUPS), dtype="str"),
            "planning": pd.Series(np.array(PLANNING_LEVELS)[codes[:, 0]], dtype="str"),
            "delivery": pd.Series(np.array(DELIVERY_LEVELS)[codes[:, 1]], dtype="str"),
            "weight": weight.astype(float),
        }
    )
    responses = responses.sort_values(["council", "wave", "respondent_id"], kind="stable")
    responses = responses.reset_index(drop=True)

    tc, ts, tw = (
        a.ravel()
        for a in np.meshgrid(np.arange(n_c), np.arange(n_s), np.arange(n_w), indexing="ij")
    )
    moved = np.zeros((n_c, n_s, n_w), dtype=bool)
    moved[:, :, 1:] = (planted[:, :, 1:] != planted[:, :, :-1]).any(axis=-1)
    truth = pd.DataFrame(
        {
            "council": pd.Series(council_arr[tc], dtype="str"),
            "service": pd.Series(service_arr[ts], dtype="str"),
            "wave": wave_values.iloc[tw].reset_index(drop=True),
            "planning": population[tc, ts, tw, 0],
            "delivery": population[tc, ts, tw, 1],
            "planning_unweighted": unweighted[tc, ts, tw, 0],
            "delivery_unweighted": unweighted[tc, ts, tw, 1],
        }
    )
    truth["cell"] = pd.Series(cell_of(truth["planning"], truth["delivery"]), dtype="str")
    truth["moved"] = moved[tc, ts, tw]
    truth = truth.sort_values(["council", "service", "wave"], kind="stable").reset_index(drop=True)
    planted = _organisation_share_table(
        DEFAULT_ORGANISATION_SHARES if organisation_shares is None else organisation_shares,
        [s.name for s in specs],
    )  # (S, K)
    organisation_truth = pd.DataFrame(
        {
            "council": truth["council"].repeat(len(ORGANISATION_KINDS)).to_numpy(),
            "service": truth["service"].repeat(len(ORGANISATION_KINDS)).to_numpy(),
            "wave": truth["wave"].repeat(len(ORGANISATION_KINDS)).to_numpy(),
            "organisation": np.tile(np.array(ORGANISATION_KINDS, dtype=object), len(truth)),
        }
    ).astype({"council": "str", "service": "str", "organisation": "str"})
    row_of = {name: i for i, name in enumerate(s.name for s in specs)}
    organisation_truth["share"] = planted[
        organisation_truth["service"].map(row_of).to_numpy(),
        np.tile(np.arange(len(ORGANISATION_KINDS)), len(truth)),
    ]
    if organisation:
        # drawn last: the other columns are those of the same call without organisation=
        probs = planted[responses["service"].map(row_of).to_numpy()]
        drawn = (rng.random(len(responses))[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
        drawn = np.minimum(drawn, len(ORGANISATION_KINDS) - 1)  # cumsum rounding below 1
        kinds = np.array(ORGANISATION_KINDS, dtype=object)[drawn]
        responses.insert(
            responses.columns.get_loc("delivery") + 1,
            "organisation",
            pd.Series(kinds, index=responses.index, dtype="str"),
        )
    return SyntheticSurvey(
        responses=responses, truth=truth, params=params, organisation_truth=organisation_truth
    )


def _organisation_share_table(
    shares: Mapping[str, Mapping[str, float]], services: Sequence[str]
) -> np.ndarray:
    """Planted shares (services x kinds), checked: every service listed, kinds known,
    shares >= 0 summing to 1."""
    missing = [s for s in services if s not in shares]
    if missing:
        raise ValueError(f"organisation_shares has no shares for {missing}")
    table = np.zeros((len(services), len(ORGANISATION_KINDS)))
    for i, service in enumerate(services):
        for kind, share in shares[service].items():
            if kind not in ORGANISATION_KINDS:
                raise ValueError(
                    f"organisation_shares[{service!r}] names {kind!r}, not one of "
                    f"coprod.vocab.ORGANISATION_KINDS: {ORGANISATION_KINDS}"
                )
            table[i, ORGANISATION_KINDS.index(kind)] = share
        if (table[i] < 0).any() or not np.isclose(table[i].sum(), 1.0):
            raise ValueError(
                f"organisation_shares[{service!r}] must be shares >= 0 summing to 1, "
                f"not {dict(shares[service])}"
            )
    return table


def write_services_survey(
    path: str | os.PathLike[str], *, seed: int = SERVICES_SURVEY_SEED
) -> Path:
    """Write the shipped synthetic survey CSV and return its path.

    The file is ``make_services_survey(seed=seed, organisation=True).responses`` with
    the other arguments at their defaults, sorted by council, wave and respondent id,
    weights rounded to 6 decimal places, no index, ``\\n`` line endings. (The
    ``organisation`` column is drawn after every other, so the other columns are those
    of ``make_services_survey(seed=seed)``.) ``coprod/data/services_survey.csv``
    was written with ``write_services_survey("coprod/data/services_survey.csv")``
    (seed :data:`SERVICES_SURVEY_SEED`).
    """
    survey = make_services_survey(seed=seed, organisation=True)
    frame = survey.responses.sort_values(["council", "wave", "respondent_id"], kind="stable")
    frame = frame.assign(weight=frame["weight"].round(6))
    path = Path(path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


# ------------------------------------------------------- neighbourhoods (issue 11)

__all__ += [
    "DEFAULT_NEIGHBOURHOODS",
    "NEIGHBOURHOOD_EFFECTS",
    "NEIGHBOURHOOD_SERVICES",
    "make_neighbourhood_survey",
]

DEFAULT_NEIGHBOURHOODS: tuple[str, ...] = ("Riverside", "Old Town", "Hillcrest", "Mill Lane")
"""Fictional neighbourhoods of one council."""

NEIGHBOURHOOD_SERVICES: tuple[str, ...] = (
    "Parks and green spaces",
    "Youth clubs",
    "Traffic calming",
    "Libraries",
    "Refuse collection",
    "Community centres",
)
"""The services of :data:`SERVICE_CATALOGUE` asked about in every neighbourhood."""

NEIGHBOURHOOD_EFFECTS: Mapping[tuple[str, str], tuple[float, float]] = MappingProxyType(
    {
        # a community plan: residents plan the parks with the council and help run them
        ("Riverside", "Parks and green spaces"): (0.9, 0.6),
        # a youth forum plans the clubs with the council
        ("Hillcrest", "Youth clubs"): (0.8, 0.0),
        # no residents' group: the council's engineers decide where traffic is calmed
        ("Old Town", "Traffic calming"): (-1.4, 0.0),
    }
)
"""Planted (planning, delivery) shifts from a service's catalogue position in one
neighbourhood; every other neighbourhood x service sits exactly at the catalogue position."""


def make_neighbourhood_survey(
    *,
    seed: int = 0,
    neighbourhoods: Sequence[str] = DEFAULT_NEIGHBOURHOODS,
    services: Sequence[str] = NEIGHBOURHOOD_SERVICES,
    effects: Mapping[tuple[str, str], tuple[float, float]] | None = None,
    respondents_per_service: int = 120,
    council: str = "Northbridge",
    wave: int = 2025,
) -> SyntheticSurvey:
    """One council's survey asked neighbourhood by neighbourhood, the same services in each.

    The blog post's point that community plans compete across neighbourhoods needs data
    in which one service sits differently in different places. Each neighbourhood x
    service has ``respondents_per_service`` respondents whose planning and delivery codes
    are drawn from Binomial(2, position / 2) at the planted position: the service's
    :data:`SERVICE_CATALOGUE` position plus its shift in ``effects`` (default
    :data:`NEIGHBOURHOOD_EFFECTS`), clipped to [0.05, 1.95]. No weights (a simple random
    sample in each neighbourhood).

    Returns a :class:`SyntheticSurvey` whose responses have ``respondent_id, council,
    wave, neighbourhood, service, planning, delivery`` and whose truth has one row per
    neighbourhood x service: ``neighbourhood, service, planning, delivery, cell,
    planted`` (True where an effect was planted). Fully determined by ``seed``.
    """
    neighbourhoods, services = tuple(neighbourhoods), tuple(services)
    effects = NEIGHBOURHOOD_EFFECTS if effects is None else effects
    catalogue = {spec.name: spec for spec in SERVICE_CATALOGUE}
    unknown = [s for s in services if s not in catalogue]
    if unknown:
        raise ValueError(f"services not in SERVICE_CATALOGUE: {unknown}")
    stray = [key for key in effects if key[0] not in neighbourhoods or key[1] not in services]
    if stray:
        raise ValueError(f"effects name neighbourhoods or services not surveyed: {stray}")
    n_per = int(respondents_per_service)
    if n_per < 2:
        raise ValueError(f"respondents_per_service must be at least 2, not {n_per}")
    rng = _rng(seed)
    rows, truth = [], []
    for place in neighbourhoods:
        for service in services:
            spec = catalogue[service]
            shift = effects.get((place, service), (0.0, 0.0))
            position = np.clip(
                np.array([spec.planning, spec.delivery]) + np.asarray(shift, float), 0.05, 1.95
            )
            codes = rng.binomial(2, position / 2, size=(n_per, 2))
            rows.append(
                pd.DataFrame(
                    {
                        "neighbourhood": place,
                        "service": service,
                        "planning": np.array(PLANNING_LEVELS)[codes[:, 0]],
                        "delivery": np.array(DELIVERY_LEVELS)[codes[:, 1]],
                    }
                )
            )
            truth.append(
                {
                    "neighbourhood": place,
                    "service": service,
                    "planning": float(position[0]),
                    "delivery": float(position[1]),
                    "planted": (place, service) in effects,
                }
            )
    responses = pd.concat(rows, ignore_index=True).astype("str")
    responses.insert(0, "wave", wave)
    responses.insert(0, "council", council)
    prefix = _council_prefixes([council])[0]
    responses.insert(
        0,
        "respondent_id",
        [f"{prefix}{wave % 100:02d}-{k:05d}" for k in range(1, len(responses) + 1)],
    )
    truth_frame = pd.DataFrame(truth)
    truth_frame["cell"] = pd.Series(
        cell_of(truth_frame["planning"], truth_frame["delivery"]), dtype="str"
    )
    truth_frame = truth_frame[
        ["neighbourhood", "service", "planning", "delivery", "cell", "planted"]
    ]
    # used straight from the generator (no shipped file), so it carries its own note
    responses = with_source(
        responses, Source(SYNTHETIC, licence="CC0 1.0 (public domain)", synthetic=True)
    )
    params = {
        "seed": seed,
        "neighbourhoods": neighbourhoods,
        "services": services,
        "effects": dict(effects),
        "respondents_per_service": n_per,
        "council": council,
        "wave": wave,
    }
    return SyntheticSurvey(responses=responses, truth=truth_frame, params=params)


# ---------------------------------------------------------------- complaint log

COMPLAINT_SERVICES: tuple[str, ...] = (
    "Housing repairs",
    "Social care",
    "Street lighting",
    "Refuse collection",
    "Parks and green spaces",
    "Libraries",
    "Road maintenance",
    "Leisure centres",
)
"""Services in the default synthetic complaint log."""

COMPLAINT_RATES: Mapping[str, float] = MappingProxyType(
    {
        "Housing repairs": 40.0,
        "Social care": 25.0,
        "Street lighting": 25.0,
        "Refuse collection": 45.0,
        "Parks and green spaces": 20.0,
        "Libraries": 20.0,
        "Road maintenance": 35.0,
        "Leisure centres": 20.0,
    }
)
"""Baseline mean complaints per month per council (services not listed: 30)."""

CONTACTS_PER_COMPLAINT: Mapping[str, float] = MappingProxyType(
    {
        "Housing repairs": 60.0,
        "Social care": 40.0,
        "Street lighting": 30.0,
        "Refuse collection": 200.0,
        "Parks and green spaces": 80.0,
        "Libraries": 300.0,
        "Road maintenance": 50.0,
        "Leisure centres": 250.0,
    }
)
"""Baseline service contacts per complaint (services not listed: 100)."""

COMPLAINT_CATEGORIES: tuple[str, ...] = (
    "quality of service",
    "delay",
    "communication",
    "staff conduct",
    "policy or decision",
)
_CATEGORY_P = (0.35, 0.25, 0.18, 0.12, 0.10)

BASE_SEVERITY_MIX: tuple[float, float, float] = (0.55, 0.33, 0.12)
"""Shares of low, medium and high severity complaints in a stable service."""

SERIOUS_SEVERITY_MIX: tuple[float, float, float] = (0.25, 0.35, 0.40)
"""The severity mix of the seriousness service from ``seriousness_month`` on."""

_ESCALATE_TO_STAGE2 = np.array([0.10, 0.18, 0.30])  # by severity
_ESCALATE_TO_OMBUDSMAN = np.array([0.10, 0.20, 0.35])  # of those at stage 2, by severity
_OUTCOME_P = np.array([[0.20, 0.20, 0.60], [0.28, 0.22, 0.50], [0.38, 0.22, 0.40]])  # by severity
_STAGE_DAYS = ((2.0, 7.0), (2.0, 12.0), (3.0, 30.0))  # gamma (shape, scale) of days per stage
_COUNCIL_CODES: Mapping[str, str] = MappingProxyType(
    {"Northbridge": "NB", "Eastmoor": "EM", "Westfield": "WF"}
)

COMPLAINTS_SEED = 20250102
"""Seed of the shipped ``coprod/data/complaints_log.csv`` and ``coprod/data/complaints_contacts.csv``."""

COMPLAINT_LOG_COLUMNS: tuple[str, ...] = (
    "complaint_id",
    "service",
    "council",
    "received",
    "category",
    "severity",
    "stage",
    "upheld",
    "closed",
    "days_to_close",
)

_TRUTH_COLUMNS = (
    "service",
    "change",
    "measure",
    "month",
    "before",
    "after",
    "size",
    "scale",
    "description",
)


@dataclass(frozen=True)
class SyntheticComplaints:
    """A synthetic complaint log, its denominators, the planted truth and the arguments.

    ``log``: one row per complaint, columns :data:`COMPLAINT_LOG_COLUMNS`, sorted by
    council and received date (ids follow that order). ``severity`` and ``stage`` are
    ordered Categoricals (:data:`coprod.complaints.SEVERITY_LEVELS`,
    :data:`~coprod.complaints.STAGE_LEVELS`), ``upheld`` a Categorical of
    :data:`~coprod.complaints.OUTCOME_LEVELS` (missing while open); ``received`` and
    ``closed`` are datetime64 dates (``closed`` NaT while open), ``days_to_close``
    float (NaN while open); the rest plain text (``category`` sometimes blank).

    ``contacts``: one row per council x service x month, columns ``council, service,
    period, contacts`` (service contacts: a denominator for complaint rates), or
    None when not asked for.

    ``truth``: what was planted, one row per service and measure, columns
    ``service, change, measure, month, before, after, size, scale, description``.
    ``change`` is "step", "seriousness", "seasonal" or "none"; ``measure`` names the
    :mod:`coprod.complaints` column it shows in (``count``, ``share_high``,
    ``mean_severity_weight``, ``ombudsman_rate``); ``before``/``after`` are the
    expected values per council and month either side of ``month`` (NaT when
    nothing changes); ``size`` is after / before (``scale`` "ratio"), after - before
    ("difference") or the seasonal amplitude ("amplitude").

    ``params``: the generator's arguments (and the ``extracted`` date), enough to
    regenerate the data.
    """

    log: pd.DataFrame
    contacts: pd.DataFrame | None
    truth: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)


def _council_codes(councils: Sequence[str]) -> list[str]:
    """Codes for complaint ids: NB, EM, WF for the fictional councils, else two letters."""
    known = [_COUNCIL_CODES.get(c) for c in councils]
    if all(known) and len(set(known)) == len(known):
        return [str(c) for c in known]
    codes = [str(c).replace(" ", "")[:2].upper() for c in councils]
    if len(set(codes)) == len(codes):
        return codes
    return _council_prefixes(councils)


def _month_index(value: Any, first: np.datetime64, months: int, name: str) -> int:
    month = np.datetime64(pd.Timestamp(value).to_datetime64(), "M")
    index = int((month - first) // np.timedelta64(1, "M"))
    if not 1 <= index <= months - 1:
        raise ValueError(
            f"{name} ({value}) must fall after the first month and within the log "
            f"({first} plus {months} months)"
        )
    return index


def _check_mix(mix: Sequence[float], name: str) -> np.ndarray:
    p = np.asarray(mix, dtype=float)
    if p.shape != (3,) or (p < 0).any() or not np.isclose(p.sum(), 1.0):
        raise ValueError(f"{name} must be three shares (low, medium, high) summing to 1, not {mix}")
    return p / p.sum()


def make_complaint_log(
    *,
    seed: int = 0,
    services: Sequence[str] = COMPLAINT_SERVICES,
    councils: Sequence[str] = ("Northbridge",),
    start: str = "2021-01-01",
    months: int = 48,
    base_rate: float | Mapping[str, float] | None = None,
    step_service: str | None = "Housing repairs",
    step_month: str = "2023-07",
    step_factor: float = 1.8,
    seriousness_service: str | None = "Social care",
    seriousness_month: str = "2023-01",
    severity_mix: Sequence[float] = BASE_SEVERITY_MIX,
    serious_mix: Sequence[float] = SERIOUS_SEVERITY_MIX,
    seasonal_service: str | None = "Street lighting",
    seasonal_amplitude: float = 0.5,
    missing_category: float = 0.02,
    plant: bool = True,
    contacts: bool = True,
) -> SyntheticComplaints:
    """A synthetic council complaint log with planted changes (and service contacts).

    Design (all planted, all known; see :class:`SyntheticComplaints` for the output):

    - Complaints per council x service x month are Poisson with mean ``base_rate``
      (default :data:`COMPLAINT_RATES`; a number gives every service the same rate,
      a mapping must name every service) times the factors below. Each complaint is
      received on a day drawn uniformly within its month.
    - **Step** (``plant``): ``step_service``'s mean is multiplied by ``step_factor``
      from ``step_month`` on; its contacts do not change, so its rate rises too.
    - **Seriousness** (``plant``): ``seriousness_service``'s counts stay flat but from
      ``seriousness_month`` on its severity mix moves from ``severity_mix`` to
      ``serious_mix`` (towards "high"); as escalation is likelier for serious
      complaints, more of them reach the ombudsman.
    - **Season** (planted whether or not ``plant``): ``seasonal_service``'s mean is
      multiplied by ``1 + seasonal_amplitude * cos(2 pi (month - 0.5) / 12)``
      (month 1-12): a winter peak at the turn of the year and a summer trough,
      averaging 1 over a year, with no change. Its contacts follow the same season,
      so its rate per contact is flat. ``seasonal_amplitude=0`` (or
      ``seasonal_service=None``) removes it.
    - Every other service (and all services with ``plant=False``, apart from the
      season) is stable. A planted service set to None plants nothing.
    - Severity is drawn from the service's mix; a complaint escalates to stage 2
      with probability 0.10 / 0.18 / 0.30 (low / medium / high) and from there to
      the ombudsman with 0.10 / 0.20 / 0.35. Days spent at each stage are gamma
      distributed (means 14, 24 and 90 days), rounded up. The log is extracted on
      the last day of its last month (``params["extracted"]``): complaints not
      closed by then are open (no ``closed``, ``days_to_close`` or ``upheld``; their
      ``stage`` is the one reached by then). Closed complaints are upheld / partly
      upheld / not upheld with probabilities depending on severity.
    - ``category`` is one of :data:`COMPLAINT_CATEGORIES`, blank for a share
      ``missing_category``. ``complaint_id`` looks like ``"NB-2023-000123"``:
      council code, year received, sequence number in order of receipt within the
      council and year.
    - ``contacts`` per council x service x month are Poisson with mean rate x
      :data:`CONTACTS_PER_COMPLAINT` (x the season for the seasonal service).

    Fully determined by ``seed`` and the arguments; the contacts are drawn after the
    log, so ``contacts=False`` leaves the log unchanged. 48 months x 8 services take
    a few milliseconds.
    """
    services = tuple(str(s) for s in services)
    councils = tuple(str(c) for c in councils)
    if len(services) == 0 or len(set(services)) != len(services):
        raise ValueError(f"services must be distinct and non-empty, not {services!r}")
    if len(councils) == 0 or len(set(councils)) != len(councils):
        raise ValueError(f"councils must be distinct and non-empty, not {councils!r}")
    months = int(months)
    if months < 2:
        raise ValueError(f"months must be at least 2, not {months}")
    if not 0 <= seasonal_amplitude < 1:
        raise ValueError(f"seasonal_amplitude must lie in [0, 1), not {seasonal_amplitude}")
    if not 0 <= missing_category < 1:
        raise ValueError(f"missing_category must lie in [0, 1), not {missing_category}")
    if step_factor <= 0:
        raise ValueError(f"step_factor must be positive, not {step_factor}")
    base_mix = _check_mix(severity_mix, "severity_mix")
    high_mix = _check_mix(serious_mix, "serious_mix")
    if base_rate is None:
        rates = np.array([COMPLAINT_RATES.get(s, 30.0) for s in services])
    elif isinstance(base_rate, Mapping):
        lacking = [s for s in services if s not in base_rate]
        if lacking:
            raise ValueError(f"base_rate gives no rate for {lacking}")
        rates = np.array([float(base_rate[s]) for s in services])
    else:
        rates = np.full(len(services), float(base_rate))
    if (rates <= 0).any() or not np.isfinite(rates).all():
        raise ValueError(f"base rates must be positive numbers, not {rates.tolist()}")
    planted = {
        "step_service": step_service if plant else None,
        "seriousness_service": seriousness_service if plant else None,
        "seasonal_service": seasonal_service if seasonal_amplitude > 0 else None,
    }
    for name, service in planted.items():
        if service is not None and service not in services:
            raise ValueError(f"{name} {service!r} is not among the services {services}")
    chosen = [s for s in planted.values() if s is not None]
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"the planted services must differ from each other, not {chosen}")

    first = np.datetime64(pd.Timestamp(start).to_datetime64(), "M")
    month_starts = first + np.arange(months)  # datetime64[M]
    step_at = (
        _month_index(step_month, first, months, "step_month") if planted["step_service"] else months
    )
    serious_at = (
        _month_index(seriousness_month, first, months, "seriousness_month")
        if planted["seriousness_service"]
        else months
    )
    params: dict[str, Any] = {
        "seed": seed,
        "services": services,
        "councils": councils,
        "start": str(first.astype("datetime64[D]")),
        "months": months,
        "base_rate": dict(zip(services, rates.tolist(), strict=True)),
        "step_service": step_service,
        "step_month": step_month,
        "step_factor": step_factor,
        "seriousness_service": seriousness_service,
        "seriousness_month": seriousness_month,
        "severity_mix": tuple(base_mix.tolist()),
        "serious_mix": tuple(high_mix.tolist()),
        "seasonal_service": seasonal_service,
        "seasonal_amplitude": seasonal_amplitude,
        "missing_category": missing_category,
        "plant": plant,
        "contacts": contacts,
    }
    rng = _rng(seed)
    n_c, n_s, n_m = len(councils), len(services), months

    # expected monthly counts [service, month]
    month_of_year = month_starts.astype(np.int64) % 12 + 1
    season = np.ones((n_s, n_m))
    if planted["seasonal_service"]:
        wave = 1 + seasonal_amplitude * np.cos(2 * np.pi * (month_of_year - 0.5) / 12)
        season[services.index(planted["seasonal_service"])] = wave
    step = np.ones((n_s, n_m))
    if planted["step_service"]:
        step[services.index(planted["step_service"]), step_at:] = step_factor
    mean = rates[:, None] * season * step

    # complaints: one row per draw, cells in council x service x month order
    counts = rng.poisson(np.broadcast_to(mean, (n_c, n_s, n_m)))
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    c_idx, s_idx, m_idx = np.unravel_index(cell, counts.shape)
    n = len(cell)
    month_days = (month_starts + 1).astype("datetime64[D]") - month_starts.astype("datetime64[D]")
    day = np.floor(rng.random(n) * month_days.astype(np.int64)[m_idx]).astype(np.int64)
    received = month_starts.astype("datetime64[D]")[m_idx] + day

    serious = np.zeros((n_s, n_m), dtype=bool)
    if planted["seriousness_service"]:
        serious[services.index(planted["seriousness_service"]), serious_at:] = True
    row_serious = serious[s_idx, m_idx]
    cum = np.where(row_serious[:, None], np.cumsum(high_mix), np.cumsum(base_mix))
    u = rng.random(n)
    severity = (u >= cum[:, 0]).astype(np.int64) + (u >= cum[:, 1])
    to_stage2 = rng.random(n) < _ESCALATE_TO_STAGE2[severity]
    to_ombudsman = to_stage2 & (rng.random(n) < _ESCALATE_TO_OMBUDSMAN[severity])
    final_stage = to_stage2.astype(np.int64) + to_ombudsman
    d1, d2, d3 = (
        np.ceil(rng.gamma(shape, scale, n)).astype(np.int64) for shape, scale in _STAGE_DAYS
    )
    d1 = np.maximum(d1, 1)
    total = d1 + d2 * to_stage2 + d3 * to_ombudsman
    extracted = (month_starts[-1] + 1).astype("datetime64[D]") - 1
    elapsed = (extracted - received).astype(np.int64)
    is_closed = total <= elapsed
    stage = np.where(
        is_closed,
        final_stage,
        (to_stage2 & (elapsed >= d1)).astype(np.int64) + (to_ombudsman & (elapsed >= d1 + d2)),
    )
    u = rng.random(n)
    outcome_cum = np.cumsum(_OUTCOME_P, axis=1)[severity]
    outcome = (u >= outcome_cum[:, 0]).astype(np.int64) + (u >= outcome_cum[:, 1])
    outcome = np.where(is_closed, outcome, -1)
    category = rng.choice(len(COMPLAINT_CATEGORIES), size=n, p=_CATEGORY_P)
    category = np.where(rng.random(n) < missing_category, -1, category)
    tiebreak = rng.random(n)

    # ids in order of receipt within council and year
    order = np.lexsort((tiebreak, received, c_idx))
    year = received.astype("datetime64[Y]").astype(np.int64) + 1970
    block = (c_idx * 10_000 + year)[order]
    seq = np.arange(n) - np.searchsorted(block, block, side="left") + 1
    codes = np.array(_council_codes(councils), dtype=object)
    ids = (
        pd.Series(codes[c_idx[order]], dtype="str")
        + "-"
        + pd.Series(year[order]).astype("str")
        + "-"
        + pd.Series(seq).astype("str").str.zfill(6)
    )

    def take(values: np.ndarray) -> np.ndarray:
        return values[order]

    closed = np.where(is_closed, received + total, np.datetime64("NaT"))
    log = pd.DataFrame(
        {
            "complaint_id": ids.astype("str"),
            "service": pd.Series(np.array(services, dtype=object)[take(s_idx)], dtype="str"),
            "council": pd.Series(np.array(councils, dtype=object)[take(c_idx)], dtype="str"),
            "received": take(received).astype("datetime64[us]"),
            "category": pd.Series(
                pd.Categorical.from_codes(take(category), categories=list(COMPLAINT_CATEGORIES))
            ).astype("str"),
            "severity": pd.Categorical.from_codes(
                take(severity), categories=list(SEVERITY_LEVELS), ordered=True
            ),
            "stage": pd.Categorical.from_codes(
                take(stage), categories=list(STAGE_LEVELS), ordered=True
            ),
            "upheld": pd.Categorical.from_codes(take(outcome), categories=list(OUTCOME_LEVELS)),
            "closed": take(closed).astype("datetime64[us]"),
            "days_to_close": np.where(take(is_closed), take(total), np.nan).astype(float),
        }
    )
    params["extracted"] = pd.Timestamp(extracted)

    contact_frame = None
    if contacts:
        per = np.array([CONTACTS_PER_COMPLAINT.get(s, 100.0) for s in services])
        contact_mean = (rates * per)[:, None] * season
        drawn = rng.poisson(np.broadcast_to(contact_mean, (n_c, n_s, n_m)))
        tc, ts, tm = (a.ravel() for a in np.indices(drawn.shape))
        contact_frame = pd.DataFrame(
            {
                "council": pd.Series(np.array(councils, dtype=object)[tc], dtype="str"),
                "service": pd.Series(np.array(services, dtype=object)[ts], dtype="str"),
                "period": month_starts.astype("datetime64[D]").astype("datetime64[us]")[tm],
                "contacts": drawn.ravel().astype(np.int64),
            }
        )

    truth = _complaint_truth(
        services,
        rates,
        planted,
        month_starts,
        step_at=step_at,
        serious_at=serious_at,
        step_factor=step_factor,
        base_mix=base_mix,
        high_mix=high_mix,
        amplitude=seasonal_amplitude,
    )
    return SyntheticComplaints(log=log, contacts=contact_frame, truth=truth, params=params)


def _complaint_truth(
    services: tuple[str, ...],
    rates: np.ndarray,
    planted: Mapping[str, str | None],
    month_starts: np.ndarray,
    *,
    step_at: int,
    serious_at: int,
    step_factor: float,
    base_mix: np.ndarray,
    high_mix: np.ndarray,
    amplitude: float,
) -> pd.DataFrame:
    weights = np.array([1.0, 2.0, 3.0])  # coprod.complaints.DEFAULT_SEVERITY_WEIGHTS
    ombudsman = _ESCALATE_TO_STAGE2 * _ESCALATE_TO_OMBUDSMAN
    nat = pd.NaT
    rows = []
    for service, rate in zip(services, rates.tolist(), strict=True):
        if service == planted["step_service"]:
            month = pd.Timestamp(month_starts[step_at].astype("datetime64[D]"))
            rows.append(
                (
                    service,
                    "step",
                    "count",
                    month,
                    rate,
                    rate * step_factor,
                    step_factor,
                    "ratio",
                    f"monthly complaints x{step_factor:g} from {month:%Y-%m} on; contacts "
                    "unchanged, so the rate per contact rises too",
                )
            )
        elif service == planted["seriousness_service"]:
            month = pd.Timestamp(month_starts[serious_at].astype("datetime64[D]"))
            pairs = {
                "share_high": (base_mix[2], high_mix[2]),
                "mean_severity_weight": (base_mix @ weights, high_mix @ weights),
                "ombudsman_rate": (base_mix @ ombudsman, high_mix @ ombudsman),
            }
            rows.append(
                (
                    service,
                    "seriousness",
                    "count",
                    month,
                    rate,
                    rate,
                    1.0,
                    "ratio",
                    "monthly complaints flat while the severity mix shifts",
                )
            )
            for measure, (before, after) in pairs.items():
                note = (
                    "expected final share reaching the ombudsman (before censoring of "
                    "complaints still open at extraction)"
                    if measure == "ombudsman_rate"
                    else "severity mix shifts towards high"
                )
                rows.append(
                    (
                        service,
                        "seriousness",
                        measure,
                        month,
                        float(before),
                        float(after),
                        float(after - before),
                        "difference",
                        f"{note} from {month:%Y-%m} on",
                    )
                )
        elif service == planted["seasonal_service"]:
            rows.append(
                (
                    service,
                    "seasonal",
                    "count",
                    nat,
                    rate,
                    rate,
                    amplitude,
                    "amplitude",
                    f"winter peak: mean x(1 + {amplitude:g} cos(2 pi (month - 0.5) / 12)), "
                    "highest December-January, lowest June-July; no change; contacts follow "
                    "the same season, so the rate per contact is flat",
                )
            )
        else:
            rows.append((service, "none", "count", nat, rate, rate, 1.0, "ratio", "stable"))
    truth = pd.DataFrame(rows, columns=list(_TRUTH_COLUMNS))
    truth["month"] = truth["month"].astype("datetime64[us]")
    for column in ("service", "change", "measure", "scale", "description"):
        truth[column] = truth[column].astype("str")
    return truth


def _uk_dates(values: pd.Series) -> pd.Series:
    """Dates as dd/mm/yyyy text, blank where missing (as a council export would have them)."""
    return values.dt.strftime("%d/%m/%Y")


def write_complaint_log(path: str | os.PathLike[str], *, seed: int = COMPLAINTS_SEED) -> Path:
    """Write the shipped synthetic complaint log CSV and return its path.

    The file is ``make_complaint_log(seed=seed).log`` with the default arguments, as a
    council might export it: columns :data:`COMPLAINT_LOG_COLUMNS`, UK dates
    (dd/mm/yyyy), severity, stage and outcome as labels, blanks where a value is
    missing, ``days_to_close`` as whole days, no index, ``\\n`` line endings.
    ``coprod/data/complaints_log.csv`` was written with
    ``write_complaint_log("coprod/data/complaints_log.csv")`` (seed :data:`COMPLAINTS_SEED`).
    """
    log = make_complaint_log(seed=seed, contacts=False).log
    frame = log.assign(
        received=_uk_dates(log["received"]),
        closed=_uk_dates(log["closed"]),
        days_to_close=log["days_to_close"].astype("Int64"),
    )
    path = Path(path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def write_complaint_contacts(path: str | os.PathLike[str], *, seed: int = COMPLAINTS_SEED) -> Path:
    """Write the shipped service contacts CSV (denominators of the complaint log).

    The file is ``make_complaint_log(seed=seed).contacts`` with the default arguments:
    columns ``council, service, period, contacts``, ``period`` the first day of the
    month as dd/mm/yyyy. ``coprod/data/complaints_contacts.csv`` was written with
    ``write_complaint_contacts("coprod/data/complaints_contacts.csv")``.
    """
    contacts = make_complaint_log(seed=seed).contacts
    assert contacts is not None
    frame = contacts.assign(period=_uk_dates(contacts["period"]))
    path = Path(path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


# ------------------------------------------------------------ resident initiatives (issue 11)

__all__ += ["DEFAULT_INITIATIVES", "INITIATIVES_SEED", "make_initiatives"]

INITIATIVES_SEED = 20241231
"""Seed of the initiatives notebook 02 uses beside the shipped complaint log."""

DEFAULT_INITIATIVES: Mapping[str, tuple[tuple[str, str, int | None, str], ...]] = MappingProxyType(
    {
        # professional-led planning, no sustained complaint signal: residents ask anyway
        "Street lighting": (
            ("petition", "2024-09-12", 640, "Keep the lights on after midnight"),
            ("request", "2024-11-05", 35, "Residents' association asks to join the review"),
        ),
        # already co-planned (a mover of the services survey): a community plan
        "Libraries": (("community plan", "2024-10-01", 120, "Riverside library plan"),),
        # no survey placement says who plans it
        "Road maintenance": (("community plan", "2024-06-20", 80, "Mill Lane safer streets"),),
    }
)
"""Planted initiatives: service -> (kind, date, signatures, title) per initiative. Each
fires the initiative trigger of ``consider_co_planning`` on 31 Dec 2024 (two in a year, or
a community plan)."""


def make_initiatives(
    *,
    seed: int = INITIATIVES_SEED,
    services: Sequence[str] = COMPLAINT_SERVICES,
    start: str = "2021-01-01",
    months: int = 48,
    planted: Mapping[str, Sequence[tuple[str, str, int | None, str]]] | None = None,
    background_share: float = 1.0,
) -> pd.DataFrame:
    """Resident initiatives beside a complaint log: the planted ones and a background.

    Every initiative in ``planted`` (default :data:`DEFAULT_INITIATIVES`) is in the table
    as given. Each other service gets, with probability ``background_share``, one petition
    on a random day of the ``months`` months from ``start``: a single petition never fires
    the initiative trigger (it needs two in a window, or a community plan), so the trigger
    fires on the planted services and no others. Columns ``initiative_id, service, date,
    kind, signatures, title``, as :func:`coprod.io.read_initiatives` returns them, sorted
    by date. Fully determined by ``seed``.
    """
    planted = DEFAULT_INITIATIVES if planted is None else planted
    stray = sorted(set(planted) - set(services))
    if stray:
        raise ValueError(f"planted initiatives name services not in services: {stray}")
    if not 0 <= background_share <= 1:
        raise ValueError(f"background_share must be in [0, 1], not {background_share!r}")
    rng = _rng(seed)
    first = pd.Timestamp(start)
    days = (first + pd.DateOffset(months=months) - first).days
    rows = []
    for service in services:
        for kind, date, signatures, title in planted.get(service, ()):
            if kind not in INITIATIVE_KINDS:
                raise ValueError(f"unknown kind {kind!r}: kinds are {list(INITIATIVE_KINDS)}")
            rows.append((service, pd.Timestamp(date), kind, signatures, title))
        if service not in planted and rng.random() < background_share:
            day = first + pd.Timedelta(days=int(rng.integers(days)))
            signatures = int(rng.integers(20, 400))
            rows.append((service, day, "petition", signatures, f"Petition about {service.lower()}"))
    table = pd.DataFrame(rows, columns=["service", "date", "kind", "signatures", "title"])
    table = table.sort_values(["date", "service"], kind="stable").reset_index(drop=True)
    table.insert(0, "initiative_id", [f"RI-{k:03d}" for k in range(1, len(table) + 1)])
    table["signatures"] = table["signatures"].astype(float)
    return with_source(table, Source(SYNTHETIC, licence="CC0 1.0 (public domain)", synthetic=True))


# ------------------------------------------------------------------ exported dates

EXPORT_DATE_STYLES: Mapping[str, str] = MappingProxyType(
    {
        "uk": "26/03/2014 09:18",  # day first, with a time
        "us_minutes": "3/26/2014 9:18",  # month first, nothing padded (311 exports)
        "month_name": "2014-Mar-26 09:18:41",  # year, month abbreviation, day
        "us_ampm": "03/26/2014 09:18:41 AM",  # month first, 12-hour clock
    }
)
"""Date styles of :func:`write_complaint_export`, each with how 26 March 2014 09:18:41
is written."""

_MONTH_ABBR = np.array(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    dtype=object,
)


@dataclass(frozen=True)
class ComplaintExport:
    """A complaint log written as a case-management system exports it, and the truth.

    ``path``: the CSV. ``truth``: one row per data row of the file (index: its row
    number as a spreadsheet shows it, header = row 1), columns ``complaint_id``,
    ``received`` and ``closed``: the true dates and times, to the precision the style
    writes (``datetime64[ns]``; ``closed`` NaT while open). ``date_style``: a key of
    :data:`EXPORT_DATE_STYLES`.
    """

    path: Path
    truth: pd.DataFrame
    date_style: str


def _export_dates(stamps: pd.Series, style: str) -> pd.Series:
    """Timestamps written in ``style`` (locale-independent); blank where missing."""
    missing = stamps.isna()
    t = stamps.fillna(pd.Timestamp("2000-01-01")).dt
    year, month, day = t.year.astype(str), t.month, t.day
    hour, minute, second = t.hour, t.minute.astype(str).str.zfill(2), t.second
    two = lambda v: v.astype(str).str.zfill(2)  # noqa: E731
    if style == "uk":
        text = two(day) + "/" + two(month) + "/" + year + " " + two(hour) + ":" + minute
    elif style == "us_minutes":
        text = (
            month.astype(str) + "/" + day.astype(str) + "/" + year
            + " " + hour.astype(str) + ":" + minute
        )  # fmt: skip
    elif style == "month_name":
        text = (
            year + "-" + pd.Series(_MONTH_ABBR[month.to_numpy() - 1], index=stamps.index)
            + "-" + two(day) + " " + two(hour) + ":" + minute + ":" + two(second)
        )  # fmt: skip
    elif style == "us_ampm":
        clock = two((hour + 11) % 12 + 1) + ":" + minute + ":" + two(second)
        text = (
            two(month) + "/" + two(day) + "/" + year + " " + clock
            + np.where(hour >= 12, " PM", " AM")
        )  # fmt: skip
    else:
        raise ValueError(f"date_style must be one of {list(EXPORT_DATE_STYLES)}, not {style!r}")
    return text.where(~missing, "").astype("str")


def write_complaint_export(
    path: str | os.PathLike[str],
    *,
    date_style: str = "us_minutes",
    seed: int = COMPLAINTS_SEED,
    start: str = "2014-01-01",
    months: int = 48,
) -> ComplaintExport:
    """Write a complaint log with dates and times as an export would; return the truth.

    The complaints are ``make_complaint_log(seed=seed, start=start, months=months,
    plant=False).log``
    (2014 to 2017 by default, like the 311 service-request exports of US and Canadian
    cities), each given a time of day (seeded by ``seed``); ``closed`` is at least a day
    after ``received``. Dates and times are written in ``date_style`` (see
    :data:`EXPORT_DATE_STYLES`): ``"us_minutes"`` ``3/26/2014 9:18``, ``"month_name"``
    ``2014-Mar-26 09:18:41``, ``"us_ampm"`` ``03/26/2014 09:18:41 AM``, or ``"uk"``
    ``26/03/2014 09:18``. The columns are :data:`COMPLAINT_LOG_COLUMNS` without
    ``days_to_close``; open complaints have a blank ``closed``.
    """
    if date_style not in EXPORT_DATE_STYLES:
        raise ValueError(
            f"date_style must be one of {list(EXPORT_DATE_STYLES)}, not {date_style!r}"
        )
    log = make_complaint_log(seed=seed, start=start, months=months, plant=False, contacts=False).log
    rng = _rng(seed)
    n = len(log)
    resolution = 60 if date_style in ("uk", "us_minutes") else 1  # seconds written
    truth = pd.DataFrame(index=pd.RangeIndex(2, n + 2, name="row"))
    truth["complaint_id"] = log["complaint_id"].to_numpy()
    for column in ("received", "closed"):
        seconds = rng.integers(0, 86_400 // resolution, n) * resolution
        stamps = log[column].astype("datetime64[ns]") + pd.to_timedelta(seconds, unit="s")
        truth[column] = stamps.to_numpy()
    frame = log.drop(columns="days_to_close").assign(
        received=_export_dates(pd.Series(truth["received"].to_numpy()), date_style).to_numpy(),
        closed=_export_dates(pd.Series(truth["closed"].to_numpy()), date_style).to_numpy(),
    )
    path = Path(path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return ComplaintExport(path=path, truth=truth, date_style=date_style)


# ------------------------------------------------------------ event panel (issue 8)
# A panel of monthly counts for many units with staggered events whose effect grows with
# time since the event and differs between cohorts: what coprod.timeseries.event_study
# must recover (and what naive two-way fixed effects gets wrong).

__all__ += ["EVENT_PANEL_SEED", "SyntheticEventPanel", "event_panel"]

EVENT_PANEL_SEED = 20250808
"""Default seed of :func:`event_panel`."""


@dataclass(frozen=True)
class SyntheticEventPanel:
    """A panel of counts with planted effects of staggered events, and the truth.

    ``panel``: one row per unit x month, columns ``unit`` (``"unit_001"``, ...),
    ``period`` (monthly pandas Periods), ``count``, ``event`` (the unit's event month;
    NaT for never-treated units) and ``expected`` (the Poisson mean drawn from).

    ``truth``: one row per cohort x event-time bin of the window, columns ``cohort`` (the
    event month), ``event_time`` (bins of ``bin`` months; -1 is the reference),
    ``rate_ratio`` (the planted effect: 1 before the event), ``n_units`` and ``observed``
    (some month of the bin is inside the panel).

    ``truth_by_event_time``: one row per bin, ``event_time``, ``rate_ratio`` (the
    cohorts' planted log effects averaged with weights their numbers of units, over the
    cohorts observed in that bin: the interaction-weighted estimand), ``n_cohorts``,
    ``n_units``.

    ``params``: the generator's arguments.
    """

    panel: pd.DataFrame
    truth: pd.DataFrame
    truth_by_event_time: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)


def _event_effect(effect_by_event_time: Any, bins: np.ndarray) -> np.ndarray:
    """Planted rate ratios at bins >= 0: a callable of the bin, or a sequence for bins
    0, 1, ... (later bins keep the last value)."""
    if effect_by_event_time is None:  # 1.10 at the event, rising to 1.50 after 12 bins
        share = np.minimum(bins, 12) / 12
        return np.exp(np.log(1.10) + (np.log(1.50) - np.log(1.10)) * share)
    if callable(effect_by_event_time):
        ratios = np.asarray(effect_by_event_time(bins), dtype=float)
    else:
        table = np.asarray(list(effect_by_event_time), dtype=float)
        if table.ndim != 1 or not len(table):
            raise ValueError("effect_by_event_time must be a callable or a list of rate ratios")
        ratios = table[np.minimum(bins, len(table) - 1)]
    if ratios.shape != bins.shape or not np.all(np.isfinite(ratios) & (ratios > 0)):
        raise ValueError("effect_by_event_time must give a positive rate ratio for every bin")
    return ratios


def event_panel(
    *,
    n_units: int = 300,
    n_periods: int = 160,
    first_year: int = 2008,
    cohorts: Sequence[int] | None = None,
    never_treated_share: float = 0.3,
    effect_by_event_time: Any = None,
    heterogeneous_by_cohort: bool = True,
    cohort_spread: float = 0.8,
    bin: int = 3,
    window: tuple[int, int] = (-8, 12),
    base_rate: float = 20.0,
    overdispersion: float = 0.0,
    seed: int | np.random.Generator | None = EVENT_PANEL_SEED,
) -> SyntheticEventPanel:
    """Monthly counts for ``n_units`` units over ``n_periods`` months from January of
    ``first_year``, with staggered events of planted effect.

    ``cohorts``: the event months as offsets from the first month (default: May of each
    year from the third, 2010 to 2017 by default, like annual elections); units other
    than the never treated (``never_treated_share``, rounded) are shared among them in
    turn. Each unit's rate is ``base_rate`` x a unit effect (log-normal, sd 0.5) x a
    calendar effect (growth of 0.4% a month and a seasonal swing of +-15%) x the event's
    effect, Poisson distributed (or gamma-Poisson with variance ``mu + overdispersion *
    mu**2``).

    The effect at event-time bin ``b >= 0`` (``bin`` months each, constant within a bin)
    is ``effect_by_event_time`` (a callable of the bin or a list of rate ratios; default
    1.10 at the event rising to 1.50 twelve bins later). With ``heterogeneous_by_cohort``
    its log is multiplied by a factor falling linearly from ``1 + cohort_spread`` for the
    first cohort to ``1 - cohort_spread`` for the last (mean 1): early cohorts react more.
    Nothing happens before the event (no anticipation).
    """
    if n_units < 2 or n_periods < 2:
        raise ValueError("event_panel needs at least 2 units and 2 periods")
    if not 0 <= never_treated_share < 1:
        raise ValueError(f"never_treated_share must be in [0, 1), not {never_treated_share!r}")
    if bin < 1:
        raise ValueError(f"bin must be 1 or more, not {bin!r}")
    if cohorts is None:
        cohorts = [m for m in range(28, n_periods, 12)][:8]
    cohort_months = np.asarray(sorted(set(int(c) for c in cohorts)), dtype=np.int64)
    if not len(cohort_months) or cohort_months.min() < 0 or cohort_months.max() >= n_periods:
        raise ValueError(f"cohorts must be months 0 to {n_periods - 1} of the panel: {cohorts!r}")
    rng = _rng(seed)
    n_never = int(round(n_units * never_treated_share))
    n_treated = n_units - n_never
    if n_treated < len(cohort_months):
        raise ValueError(f"{n_treated} treated units cannot fill {len(cohort_months)} cohorts")
    assigned = np.full(n_units, -1, dtype=np.int64)
    assigned[:n_treated] = cohort_months[np.arange(n_treated) % len(cohort_months)]
    assigned = rng.permutation(assigned)
    if heterogeneous_by_cohort and len(cohort_months) > 1:
        factors = np.linspace(1 + cohort_spread, 1 - cohort_spread, len(cohort_months))
    else:
        factors = np.ones(len(cohort_months))

    unit_effect = np.log(base_rate) + rng.normal(0.0, 0.5, n_units)
    months = np.arange(n_periods)
    calendar = 0.004 * months + 0.15 * np.sin(2 * np.pi * months / 12)
    u = np.repeat(np.arange(n_units), n_periods)
    m = np.tile(months, n_units)
    ev = assigned[u]
    treated = ev >= 0
    rel = np.where(treated, np.floor_divide(m - ev, bin), -1)
    factor = np.ones(len(u))
    factor[treated] = factors[np.searchsorted(cohort_months, ev[treated])]
    log_effect = np.where(
        treated & (rel >= 0), np.log(_event_effect(effect_by_event_time, np.maximum(rel, 0))), 0.0
    )
    mu = np.exp(unit_effect[u] + calendar[m] + factor * log_effect)
    if overdispersion > 0:
        mu_drawn = mu * rng.gamma(1 / overdispersion, overdispersion, len(mu))
    else:
        mu_drawn = mu
    counts = rng.poisson(mu_drawn)

    start = pd.Period(year=first_year, month=1, freq="M")
    ordinals = start.ordinal + months
    period = pd.PeriodIndex.from_ordinals(ordinals, freq="M")
    labels = np.array([f"unit_{i + 1:03d}" for i in range(n_units)])
    event_ordinals = np.where(assigned >= 0, start.ordinal + assigned, np.iinfo(np.int64).min)
    events = pd.PeriodIndex.from_ordinals(event_ordinals, freq="M")
    panel = pd.DataFrame(
        {
            "unit": labels[u],
            "period": period[m],
            "count": counts.astype(np.int64),
            "event": events[u],
            "expected": mu,
        }
    )

    lo, hi = window
    rows = []
    sizes = pd.Series(assigned[assigned >= 0]).value_counts()
    for c, f in zip(cohort_months, factors, strict=True):
        for b in range(lo, hi + 1):
            first_month, last_month = c + b * bin, c + (b + 1) * bin - 1
            ratio = 1.0
            if b >= 0:
                ratio = float(
                    np.exp(f * np.log(_event_effect(effect_by_event_time, np.array([b])))[0])
                )
            rows.append(
                {
                    "cohort": pd.Period(ordinal=int(start.ordinal + c), freq="M"),
                    "event_time": b,
                    "rate_ratio": ratio,
                    "n_units": int(sizes.get(c, 0)),
                    "observed": bool(last_month >= 0 and first_month <= n_periods - 1),
                }
            )
    truth = pd.DataFrame.from_records(rows)
    seen = truth[truth["observed"]]
    by_bin = (
        seen.assign(w_log=np.log(seen["rate_ratio"]) * seen["n_units"])
        .groupby("event_time")
        .agg(w_log=("w_log", "sum"), n_units=("n_units", "sum"), n_cohorts=("cohort", "size"))
        .reset_index()
    )
    truth_by_event_time = pd.DataFrame(
        {
            "event_time": by_bin["event_time"].astype(int),
            "rate_ratio": np.exp(by_bin["w_log"] / by_bin["n_units"]),
            "n_cohorts": by_bin["n_cohorts"].astype(int),
            "n_units": by_bin["n_units"].astype(int),
        }
    )
    params = {
        "n_units": n_units,
        "n_periods": n_periods,
        "first_year": first_year,
        "cohorts": tuple(int(c) for c in cohort_months),
        "never_treated_share": never_treated_share,
        "effect_by_event_time": effect_by_event_time,
        "heterogeneous_by_cohort": heterogeneous_by_cohort,
        "cohort_spread": cohort_spread,
        "bin": bin,
        "window": tuple(window),
        "base_rate": base_rate,
        "overdispersion": overdispersion,
        "seed": seed,
    }
    return SyntheticEventPanel(
        panel=panel, truth=truth, truth_by_event_time=truth_by_event_time, params=params
    )


# ------------------------------------------------------------ interrupted time series
# its_series: one monthly count series with a planted change in level and trend, for
# coprod.timeseries.its (interrupted_time_series, placebo_check).

__all__ += ["its_series"]  # kept in this block, so that other blocks can append theirs


def its_series(
    *,
    n_months: int = 96,
    change_month: int = 48,
    level_ratio: float = 1.3,
    slope_ratio: float = 1.0,
    base_rate: float = 50.0,
    trend: float = 1.05,
    seasonal_amplitude: float = 0.2,
    dispersion: float | None = None,
    autocorrelation: float = 0.0,
    noise_sd: float = 0.3,
    exposure: Sequence[float] | np.ndarray | None = None,
    start: Any = "2012-01",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """One monthly series of counts with a planted change; the truth is in its columns.

    The expected count in month ``t`` (0-based) is::

        base_rate * trend ** (t / 12) * exp(seasonal_amplitude * cos(2 pi (m - 2) / 12))
                  * level_ratio ** after_t * slope_ratio ** (after_t * (t - change_month) / 12)

    (``m`` the calendar month, 1-12: the season peaks in February, like the mean
    FixMyStreet profile; ``after_t`` is 1 from ``change_month`` on), times ``exposure``
    when given (then ``base_rate`` is per unit of exposure). ``trend`` and
    ``slope_ratio`` are ratios per year, as :func:`coprod.timeseries.interrupted_time_series`
    reports them. Counts are Poisson around it, with two optional kinds of extra noise:

    * ``dispersion``: negative binomial (NB2) overdispersion, ``Var = mu + dispersion *
      mu ** 2`` (a gamma multiplier with mean 1 per month, independent across months);
    * ``autocorrelation``: when not 0, a latent AR(1) noise on the log rate with this
      lag-1 correlation and standard deviation ``noise_sd`` (so neighbouring months are
      alike: what makes naive intervals too narrow). With the defaults it is off.

    Returns one row per month: ``date`` (month starts from ``start``), ``count``,
    ``exposure`` (when given), ``expected`` (the expected count above, before the extra
    noise), ``counterfactual`` (the same with ``level_ratio = slope_ratio = 1``) and
    ``after`` (True from ``change_month`` on).
    """
    from coprod.timeseries.its import month_start

    if not isinstance(n_months, int | np.integer) or n_months < 2:
        raise ValueError(f"n_months must be a whole number of at least 2, not {n_months!r}")
    if not isinstance(change_month, int | np.integer) or not 0 < change_month < n_months:
        raise ValueError(
            f"change_month must be a month index from 1 to {n_months - 1}, not {change_month!r}"
        )
    for name, ratio in (
        ("level_ratio", level_ratio),
        ("slope_ratio", slope_ratio),
        ("base_rate", base_rate),
        ("trend", trend),
    ):
        if not ratio > 0:
            raise ValueError(f"{name} must be above 0, not {ratio!r}")
    if dispersion is not None and not dispersion > 0:
        raise ValueError(f"dispersion must be None or above 0, not {dispersion!r}")
    if not -1 < autocorrelation < 1:
        raise ValueError(f"autocorrelation must be between -1 and 1, not {autocorrelation!r}")
    if not noise_sd >= 0:
        raise ValueError(f"noise_sd must be 0 or more, not {noise_sd!r}")
    rng = _rng(seed)
    first = month_start(start, what="start")
    dates = pd.date_range(first, periods=n_months, freq="MS")
    t = np.arange(n_months)
    after = t >= change_month
    log_cf = (
        np.log(base_rate)
        + np.log(trend) * t / 12
        + seasonal_amplitude * np.cos(2 * np.pi * (dates.month.to_numpy() - 2) / 12)
    )
    log_change = after * (np.log(level_ratio) + np.log(slope_ratio) * (t - change_month) / 12)
    scale = np.ones(n_months)
    if exposure is not None:
        scale = np.asarray(exposure, dtype=float)
        if scale.shape != (n_months,) or not np.all(scale > 0):
            raise ValueError(f"exposure must be {n_months} numbers above 0, one per month")
    expected = np.exp(log_cf + log_change) * scale
    mean = expected.copy()
    if autocorrelation != 0 and noise_sd > 0:
        shocks = rng.normal(0.0, noise_sd * np.sqrt(1 - autocorrelation**2), n_months)
        latent = np.empty(n_months)
        latent[0] = rng.normal(0.0, noise_sd)
        for i in range(1, n_months):
            latent[i] = autocorrelation * latent[i - 1] + shocks[i]
        mean = mean * np.exp(latent)
    if dispersion is not None:
        mean = rng.gamma(1 / dispersion, mean * dispersion)
    frame = pd.DataFrame({"date": dates, "count": rng.poisson(mean).astype(np.int64)})
    if exposure is not None:
        frame["exposure"] = scale
    frame["expected"] = expected
    frame["counterfactual"] = np.exp(log_cf) * scale
    frame["after"] = after
    return frame


# ------------------------------------------------------------------ funnel units

__all__ += ["funnel_units"]


def funnel_units(
    *,
    n_units: int = 40,
    kind: str = "proportion",
    centre: float = 0.2,
    denominators: tuple[int, int] = (50, 2000),
    outliers: dict[int, float] | None = None,
    phi: float = 1.0,
    tau: float = 0.0,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Units at one point in time (``unit, cases, denominator, true_value, planted``) for
    :func:`coprod.funnel.funnel`, with what it should find planted.

    Denominators are drawn log-uniformly within ``denominators`` (whole numbers). A unit's
    true figure is ``centre`` (a proportion, or a rate per unit of denominator for
    ``kind="rate"``), or ``outliers[k]`` for unit ``k`` (0-based; ``planted`` is True
    there). Extra-binomial (-Poisson) spread, for the over-dispersion adjustments:
    ``phi > 1`` scales every unit's variance by ``phi`` (cases drawn normal with that
    variance around the expected count, rounded and kept within 0 and the denominator:
    the multiplicative model), ``tau > 0`` draws each unit's true figure around the centre
    with standard deviation ``tau`` on the variance-stabilised scale (``arcsin(sqrt(p))``
    for proportions, ``sqrt(rate)`` for rates: the additive model). Units are named
    ``"Unit 01"``, ``"Unit 02"``, ...
    """
    if kind not in ("proportion", "rate"):
        raise ValueError(f"kind must be 'proportion' or 'rate', not {kind!r}")
    rng = _rng(seed)
    low, high = denominators
    d = np.round(np.exp(rng.uniform(np.log(low), np.log(high), n_units))).astype(int)
    truth = np.full(n_units, float(centre))
    planted = np.zeros(n_units, dtype=bool)
    for k, figure in (outliers or {}).items():
        truth[k] = figure
        planted[k] = True
    if tau > 0:
        if kind == "proportion":
            g = np.arcsin(np.sqrt(truth)) + rng.normal(0, tau, n_units)
            truth = np.sin(np.clip(g, 0, np.pi / 2)) ** 2
        else:
            truth = np.clip(np.sqrt(truth) + rng.normal(0, tau, n_units), 0, None) ** 2
    if phi > 1:
        var = phi * (truth * (1 - truth) * d if kind == "proportion" else truth * d)
        cases = np.round(rng.normal(truth * d, np.sqrt(var)))
        cases = np.clip(cases, 0, d if kind == "proportion" else None)
    elif kind == "proportion":
        cases = rng.binomial(d, truth)
    else:
        cases = rng.poisson(truth * d)
    return pd.DataFrame(
        {
            "unit": [f"Unit {k + 1:02d}" for k in range(n_units)],
            "cases": cases.astype(int),
            "denominator": d,
            "true_value": truth,
            "planted": planted,
        }
    )


# ------------------------------------------------------------ overdispersed counts
# make_overdispersed_counts: common-cause series whose counts vary more between periods
# than Poisson or binomial counts, for coprod.timeseries.spc.overdispersion.

__all__ += ["OVERDISPERSED_KINDS", "make_overdispersed_counts"]

#: What :func:`make_overdispersed_counts` simulates: counts (c chart or XmR), rates
#: (u or u' chart) or proportions (p or p' chart).
OVERDISPERSED_KINDS: tuple[str, ...] = ("counts", "rates", "proportions")


def make_overdispersed_counts(
    *,
    kind: str = "counts",
    n_series: int = 1,
    n_periods: int = 36,
    level: float = 1000.0,
    variation: float = 0.1,
    denominator: tuple[float, float] = (800.0, 1200.0),
    start: Any = "2021-01",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Common-cause monthly series whose true level varies from month to month.

    Each period's true level is drawn afresh (no shift, no trend: every point is common
    cause), with coefficient of variation ``variation`` around its mean; the count is then
    Poisson or binomial around it, so the counts vary more between periods than a c, u or
    p chart assumes (``variation=0`` gives counts exactly as those charts assume):

    * ``"counts"``: negative binomial counts of mean ``level`` (a gamma multiplier of mean
      1 and CV ``variation`` per period): ``Var = level + (variation * level) ** 2``;
      ``denominator`` is 1 (equal opportunity each period);
    * ``"rates"``: ``denominator`` uniform in the given range (e.g. contacts), counts
      Poisson with mean ``level * denominator / middle`` (``middle`` the middle of the
      range: ``level`` is the mean count) times the gamma multiplier;
    * ``"proportions"``: beta-binomial: the period's share is Beta with mean ``level`` (a
      share, 0-1) and standard deviation ``variation * level``; cases are binomial out of
      ``denominator`` (rounded to whole numbers).

    Returns one row per series and month: ``series`` (1, 2, ...), ``period`` (month starts
    from ``start``), ``count``, ``denominator`` and ``expected`` (the mean count before the
    between-period variation).
    """
    from coprod.timeseries.its import month_start

    if kind not in OVERDISPERSED_KINDS:
        raise ValueError(f"kind must be one of {list(OVERDISPERSED_KINDS)}, not {kind!r}")
    for name, number in (("n_series", n_series), ("n_periods", n_periods)):
        if isinstance(number, bool) or not isinstance(number, int | np.integer) or number < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {number!r}")
    if not variation >= 0:
        raise ValueError(f"variation must be 0 or more, not {variation!r}")
    low, high = (float(x) for x in denominator)
    if not 0 < low <= high:
        raise ValueError(f"denominator must be a range (low, high) above 0, not {denominator!r}")
    if kind == "proportions":
        if not 0 < level < 1:
            raise ValueError(
                f"level must be a share between 0 and 1 for proportions, not {level!r}"
            )
        if variation > 0 and (variation * level) ** 2 >= level * (1 - level):
            raise ValueError(
                f"variation {variation!r} is too large for a share of {level!r}: the beta "
                "distribution's standard deviation must be below sqrt(level * (1 - level))"
            )
    elif not level > 0:
        raise ValueError(f"level must be above 0, not {level!r}")
    rng = _rng(seed)
    shape = (n_series, n_periods)
    if kind == "counts":
        denom = np.ones(shape)
    else:
        denom = rng.uniform(low, high, shape)
        if kind == "proportions":
            denom = np.maximum(np.round(denom), 1.0)
    if kind == "proportions":
        expected = level * denom
        if variation > 0:
            total = level * (1 - level) / (variation * level) ** 2 - 1
            share = rng.beta(level * total, (1 - level) * total, shape)
        else:
            share = np.full(shape, level)
        count = rng.binomial(denom.astype(np.int64), share)
    else:
        expected = level * (denom if kind == "counts" else denom / ((low + high) / 2))
        multiplier = (
            rng.gamma(1 / variation**2, variation**2, shape) if variation > 0 else np.ones(shape)
        )
        count = rng.poisson(expected * multiplier)
    periods = pd.date_range(month_start(start, what="start"), periods=n_periods, freq="MS")
    return pd.DataFrame(
        {
            "series": np.repeat(np.arange(1, n_series + 1), n_periods),
            "period": np.tile(periods, n_series),
            "count": count.ravel().astype(np.int64),
            "denominator": denom.ravel(),
            "expected": expected.ravel(),
        }
    )

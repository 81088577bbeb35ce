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

__all__ = [
    "AGE_GROUPS",
    "DEFAULT_COUNCILS",
    "DEFAULT_MOVERS",
    "SERVICES_SURVEY_SEED",
    "SERVICE_CATALOGUE",
    "ServiceSpec",
    "SyntheticSurvey",
    "make_services_survey",
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

AGE_GROUPS: tuple[str, str] = ("under 35", "35 and over")

SERVICES_SURVEY_SEED = 20250101
"""Seed of the shipped ``data/services_survey.csv``."""


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
    """

    responses: pd.DataFrame
    truth: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)


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
    return SyntheticSurvey(responses=responses, truth=truth, params=params)


def write_services_survey(
    path: str | os.PathLike[str], *, seed: int = SERVICES_SURVEY_SEED
) -> Path:
    """Write the shipped synthetic survey CSV and return its path.

    The file is ``make_services_survey(seed=seed).responses`` with the default
    arguments, sorted by council, wave and respondent id, weights rounded to 6
    decimal places, no index, ``\\n`` line endings. ``data/services_survey.csv``
    was written with ``write_services_survey("data/services_survey.csv")``
    (seed :data:`SERVICES_SURVEY_SEED`).
    """
    survey = make_services_survey(seed=seed)
    frame = survey.responses.sort_values(["council", "wave", "respondent_id"], kind="stable")
    frame = frame.assign(weight=frame["weight"].round(6))
    path = Path(path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path

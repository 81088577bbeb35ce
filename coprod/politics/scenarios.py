"""Scenarios: co-production arrangements versus PFI contracts under changes of control.

The post's closing claim is that a change in who controls a council can end a
co-production arrangement, while a PFI contract "persists whoever controls the council".
:func:`simulate` turns the claim into numbers: many councils, each holding one
co-production arrangement and one PFI contract, both begun in year 0, run forward through
random changes of control.

The model (one run is one "world" of ``n_councils`` councils)
---------------------------------------------------------------
* **Changes of control** happen in years 1 to ``n_years``, independently in each council
  and year, with probability ``p_change`` a year; or from ``change_schedule``: per-year
  probabilities (the same for every council, e.g. higher in election years), or a
  council x year table of real changes replayed in every run.
* **A co-production arrangement** ends in year *y* with probability ``base_hazard``, or
  ``post_change_hazard`` if control changed in year *y* or in the ``post_change_years - 1``
  years before (the year of the change counts as the first: an incoming administration can
  end an arrangement in its first year). The post-change hazard *replaces* the base hazard
  in those years; a change inside a window starts a new window. An arrangement that has
  ended stays ended.
* **A PFI contract** runs the term drawn for it from ``pfi_terms``, whatever happens to
  control: a term of *T* years binds the council in years 0 to ``ceil(T) - 1`` and has
  ended by year ``ceil(T)``.

Where the defaults come from
----------------------------
``p_change`` and ``pfi_terms`` come from the real data (see :data:`P_CHANGE_FROM_DATA`
and :data:`PFI_TERM_COUNTS`). The hazards are **assumptions**: no published survival
rates of co-production arrangements exist. The defaults (5% a year; 25% a year in the 2
years after a change) say "most arrangements outlast a term of office, but an incoming
administration ends a quarter of them in each of its first two years"; vary them (the
:class:`coprod.widgets.ScenarioExplorer` does) before drawing conclusions. Cited cases of
arrangements ended after a change (area committees and community councils abolished by
incoming administrations; Local Strategic Partnerships no longer recognised nationally
after 2010) are in notebook ``03_political_change``.

How it is computed
------------------
The councils are independent, so an arrangement's chance of lasting *t* years is a number
that can be computed exactly, ``S(t)``: the distribution of "years since the last change"
is stepped through the years together with the chance of still being in place (for
replayed changes each council's hazards are known and ``S`` is their running product of
``1 - hazard``). Each council of each run then draws one uniform number *u*, and its
arrangement is in place in year *t* while ``u < S(t)``: the same distribution as walking
every council through simulated elections year by year (``benchmarks/bench_scenarios.py``
does that with a plain loop, and ``tests/test_scenarios.py`` checks the two agree), with
numpy over councils x runs, in chunks of runs so that memory stays bounded (a few MB
whatever ``n_runs`` is). The PFI share is drawn the same way from the share of terms
longer than *t*, from its own random stream (numpy ``SeedSequence.spawn``): it is
identical, number for number, whatever ``p_change``, the hazards or the schedule are. The
same numbers are reused whatever the hazards, so a higher ``post_change_hazard`` (or
``p_change``, when changes raise the hazard) lowers survival in every run, not only on
average.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from coprod._core.text import plural, wrap_text
from coprod.provenance import Source, combine_sources, keep_source, source_of

__all__ = [
    "BASE_HAZARD",
    "P_CHANGE_FROM_DATA",
    "PFI_TERMS_FROM_DATA",
    "PFI_TERM_COUNTS",
    "POST_CHANGE_HAZARD",
    "POST_CHANGE_YEARS",
    "ScenarioResult",
    "simulate",
]

# --------------------------------------------------------------------- defaults from data

#: Changes of control and council-years with a year before to compare with, in the Open
#: Council Data control histories 1973-2026 as :func:`coprod.politics.read_control_history`
#: reads them (the ``council_control`` data set), counted by
#: :func:`coprod.politics.change_rates` (its rules: one party vocabulary, NOC for
#: pluralities, minority administrations and coalitions, a year of missing control makes no
#: change, the two Durham councils told apart, majority labels the seats contradict read
#: from the seats). ``tests/test_scenarios.py`` ties these
#: numbers to the loader, so a change to the reading rules shows here.
CHANGES_IN_DATA = 2_317
COUNCIL_YEARS_IN_DATA = 23_993

#: The yearly probability that a council's control changes, from the real histories
#: (2,317 changes in 23,993 council-years, 1973-2026: 9.7% a year; about one change per
#: council per decade).
P_CHANGE_FROM_DATA: float = CHANGES_IN_DATA / COUNCIL_YEARS_IN_DATA

#: Contract terms (years) -> number of projects in HM Treasury's list of current PFI and
#: PF2 projects at 31 March 2016 (``../shared/data/pfi_projects/31.03.2016.csv``, column
#: "Operational Period of Contract (years)"; all 716 projects, none missing): mean 27.3
#: years, median 26; 72% run 25-30 years.
PFI_TERM_COUNTS: dict[int, int] = {
    5: 2, 13: 1, 15: 10, 16: 1, 18: 5, 19: 5, 20: 12, 21: 6, 22: 3, 23: 7, 24: 14,
    25: 238, 26: 75, 27: 34, 28: 28, 29: 20, 30: 119, 31: 53, 32: 28, 33: 19, 34: 7,
    35: 10, 36: 4, 37: 3, 38: 4, 39: 2, 40: 2, 42: 1, 43: 1, 46: 1, 52: 1,
}  # fmt: skip

#: The 716 real contract terms, one per project (the default ``pfi_terms``).
PFI_TERMS_FROM_DATA: tuple[int, ...] = tuple(
    term for term, count in PFI_TERM_COUNTS.items() for _ in range(count)
)

#: Assumed yearly hazards of a co-production arrangement ending (no published rates).
BASE_HAZARD = 0.05
POST_CHANGE_HAZARD = 0.25
POST_CHANGE_YEARS = 2

#: 2.5% and 97.5% quantiles across runs: the band one world of n councils falls in.
_BAND = (0.025, 0.975)
#: council x run cells simulated at once (bounds the memory whatever n_runs is).
_CHUNK_CELLS = 2**16

SURVIVAL_CURVE = "co-production arrangements surviving"
PFI_CURVE = "councils locked into a PFI contract"


# ------------------------------------------------------------------------------ result


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """What :func:`simulate` returns: two curves over years 0 to ``n_years``, and the settings.

    ``survival`` has ``year, share_surviving, low, high``: the share of councils whose
    co-production arrangement is still in place at the end of each year, averaged over the
    runs, and the 2.5% and 97.5% quantiles of that share across runs (the range 95% of
    worlds of ``n_councils`` councils fall in, not an interval for the average).
    ``pfi_share`` has ``year, share_locked, low, high``: the share of councils still bound
    by their PFI contract, the same way. The other fields are the settings used;
    ``p_change`` is None when ``change_schedule`` gave the changes, and ``schedule`` says
    which kind of changes ran (``"constant"``, ``"per year"`` or ``"replayed"``);
    ``expected_changes`` is the expected number of changes of control per council over
    the ``n_years``.
    """

    survival: pd.DataFrame
    pfi_share: pd.DataFrame
    n_councils: int
    n_years: int
    n_runs: int
    p_change: float | None
    base_hazard: float
    post_change_hazard: float
    post_change_years: int
    pfi_terms: tuple[float, ...] = field(repr=False)
    seed: int
    schedule: str
    expected_changes: float
    #: simulated, with the data sets the default rate and terms come from (a chart's note)
    source: Source | None = None

    def _at(self, year: int) -> tuple[pd.Series, pd.Series]:
        return self.survival.iloc[year], self.pfi_share.iloc[year]  # row t is year t

    def half_life(self, curve: str = "survival") -> int | None:
        """The first year the average share (``"survival"`` or ``"pfi"``) is below one half,
        or None if it never is within ``n_years``."""
        tables = {
            "survival": (self.survival, "share_surviving"),
            "pfi": (self.pfi_share, "share_locked"),
        }
        if curve not in tables:
            raise ValueError(f"curve must be 'survival' or 'pfi', not {curve!r}")
        table, column = tables[curve]
        below = table["year"][table[column] < 0.5]
        return int(below.iloc[0]) if len(below) else None

    def summary(self) -> str:
        """The two curves in plain words, with the settings and what is assumed."""
        years = sorted({y for y in (5, 10, 20, self.n_years) if y <= self.n_years})
        lines = [
            f"{plural(self.n_runs, 'run')} of {plural(self.n_councils, 'council')} over "
            f"{plural(self.n_years, 'year')}.",
            "Changes of control: " + self._changes_text() + ".",
            f"Co-production arrangements end with probability {self.base_hazard:.1%} a year, "
            f"or {self.post_change_hazard:.1%} a year in the "
            f"{plural(self.post_change_years, 'year')} after a change (assumed: no published "
            "survival rates exist).",
            f"PFI contract terms drawn from {plural(len(self.pfi_terms), 'term')} "
            f"(mean {np.mean(self.pfi_terms):.1f} years, median "
            f"{np.median(self.pfi_terms):g}).",
        ]
        for year in years:
            surv, pfi = self._at(year)
            lines.append(
                f"After {plural(year, 'year')}: {surv['share_surviving']:.1%} of co-production "
                f"arrangements survive (95% of runs {surv['low']:.1%} to {surv['high']:.1%}); "
                f"{pfi['share_locked']:.1%} of councils are still locked into their PFI "
                f"contract ({pfi['low']:.1%} to {pfi['high']:.1%})."
            )
        for curve, what in (("survival", "the arrangements have"), ("pfi", "the contracts have")):
            year = self.half_life(curve)
            lines.append(
                f"Half of {what} ended by year {year}."
                if year is not None
                else f"Fewer than half of {what} ended within {plural(self.n_years, 'year')}."
            )
        return wrap_text("\n".join(lines))

    def _changes_text(self) -> str:
        per = f"{self.expected_changes:.1f} per council over the {plural(self.n_years, 'year')}"
        if self.schedule == "constant":
            return f"probability {self.p_change:.1%} a year ({per} expected)"
        if self.schedule == "per year":
            return f"per-year probabilities from the schedule ({per} expected)"
        return f"the schedule's real changes replayed in every run ({per})"

    def get_plot_data(self) -> pd.DataFrame:
        """Both curves, tidy: ``curve, year, share, low, high`` and the settings as columns
        (so several results concatenated compare scenarios)."""
        parts = [
            self.survival.rename(columns={"share_surviving": "share"}),
            self.pfi_share.rename(columns={"share_locked": "share"}),
        ]
        out = pd.concat(
            [p.assign(curve=c) for p, c in zip(parts, (SURVIVAL_CURVE, PFI_CURVE), strict=True)],
            ignore_index=True,
        )
        settings = {
            "p_change": np.nan if self.p_change is None else self.p_change,
            "base_hazard": self.base_hazard,
            "post_change_hazard": self.post_change_hazard,
            "post_change_years": self.post_change_years,
            "schedule": self.schedule,
            "n_councils": self.n_councils,
            "n_runs": self.n_runs,
        }
        out = out.assign(**settings)
        return keep_source(out[["curve", "year", "share", "low", "high", *settings]], self)


# ---------------------------------------------------------------------------- checks


def _probability(name: str, value: object) -> float:
    if isinstance(value, str | bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a probability (a number from 0 to 1), not {value!r}")
    p = float(value)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name} must be a probability from 0 to 1, not {value!r}")
    return p


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a whole number, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return int(value)


def _terms(pfi_terms: Sequence[float] | Mapping[float, int]) -> np.ndarray:
    if isinstance(pfi_terms, Mapping):  # a term -> number of contracts table
        pfi_terms = np.repeat(list(pfi_terms), list(pfi_terms.values()))
    try:
        terms = np.asarray(pfi_terms, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError("pfi_terms must be contract terms in years (numbers)") from None
    if terms.size == 0:
        raise ValueError("pfi_terms is empty: give at least one contract term in years")
    if not np.isfinite(terms).all() or (terms <= 0).any():
        raise ValueError("pfi_terms must be contract terms in years: finite numbers above 0")
    return terms


def _schedule(change_schedule: object, n_councils: int, n_years: int) -> np.ndarray:
    """The schedule as given, checked: bool (n_councils, n_years), or floats (n_years,)."""
    schedule = np.asarray(change_schedule)
    if schedule.dtype == bool:
        if schedule.shape != (n_councils, n_years):
            raise ValueError(
                f"a schedule of real changes (booleans) must be councils x years, "
                f"{n_councils} x {n_years} (pass n_councils= and n_years= to match); "
                f"it is {' x '.join(map(str, schedule.shape))}"
            )
        return schedule.copy()
    if schedule.ndim != 1 or len(schedule) != n_years:
        raise ValueError(
            f"a schedule of per-year probabilities must hold one number per year "
            f"({n_years}); its shape is {schedule.shape}. A schedule of real changes is a "
            "boolean councils x years array"
        )
    try:
        schedule = schedule.astype(float)
    except (TypeError, ValueError):
        raise TypeError("change_schedule must hold probabilities or booleans") from None
    if not ((schedule >= 0) & (schedule <= 1)).all():
        raise ValueError("change_schedule's probabilities must be from 0 to 1")
    return schedule


# ------------------------------------------------------------------------ the engine


def _survival_functions(
    n_years: int,
    p_change: float,
    schedule: np.ndarray | None,
    base: float,
    post: float,
    window: int,
) -> np.ndarray:
    """S[c, t]: the exact probability that an arrangement is in place at the end of year t
    (t = 0 .. n_years); one row for all councils, or one per council for replayed changes.

    Probabilities of change: the distribution of "years since the last change" (0 .. the
    window; the window itself meaning no change within it) is stepped through the years
    together with the chance of still being in place. Replayed changes: each council's
    hazard in each year is known, and S is their running product of ``1 - hazard``.
    """
    if schedule is not None and schedule.dtype == bool:
        changed = np.cumsum(schedule, axis=1)
        before = np.zeros_like(changed)
        if window > 0:
            before[:, window:] = changed[:, :-window]
            recent = changed - before > 0  # a change in this year or the window - 1 before
        else:
            recent = np.zeros_like(schedule)
        hazard = np.where(recent, post, base)
        stay = np.cumprod(1.0 - hazard, axis=1)
        return np.concatenate([np.ones((len(stay), 1)), stay], axis=1)
    probs = np.full(n_years, p_change) if schedule is None else schedule
    states = np.zeros(window + 1)
    states[window] = 1.0  # year 0: in place, no change within the window
    hazard = np.where(np.arange(window + 1) < window, post, base)
    later = np.minimum(np.arange(window + 1) + 1, window)  # a year on, without a change
    out = [1.0]
    for p in probs:
        moved = np.zeros(window + 1)
        moved[0] = p * states.sum()
        np.add.at(moved, later, (1.0 - p) * states)
        states = moved * (1.0 - hazard)
        out.append(states.sum())
    return np.asarray(out)[None, :]


def _shares(stay: np.ndarray, n_runs: int, n_councils: int, rng: np.random.Generator) -> np.ndarray:
    """Per run (rows) and year (columns), the share of councils still in place.

    Each council of each run draws one uniform number u; it is in place in year t while
    ``u < stay[c, t]`` (so with probability ``stay[c, t]``, and once out, out for good:
    ``stay`` falls with t). Runs are drawn in chunks so that memory stays bounded; the
    draws do not depend on the chunk size.
    """
    n_years = stay.shape[1] - 1
    per_chunk = max(1, _CHUNK_CELLS // n_councils)
    width = min(per_chunk, n_runs)
    # work arrays reused chunk after chunk (writing to fresh memory costs more than the sums)
    u = np.empty((width, n_councils))
    flags = np.empty((width, n_councils), dtype=bool)
    years_in = np.empty((width, n_councils), dtype=np.min_scalar_type(n_years))
    keys = np.empty((width, n_councils), dtype=np.intp)
    offsets = (np.arange(width) * (n_years + 1))[:, None]
    lasted = np.empty((n_runs, n_years + 1), dtype=np.int64)  # [run, years in place]
    for start in range(0, n_runs, per_chunk):
        m = min(per_chunk, n_runs - start)
        rng.random(out=u[:m])
        years_in[:m] = 0
        for year in range(1, n_years + 1):
            np.less(u[:m], stay[:, year], out=flags[:m])
            np.add(years_in[:m], flags[:m].view(np.uint8), out=years_in[:m])
        np.add(years_in[:m], offsets[:m], out=keys[:m])
        counts = np.bincount(keys[:m].ravel(), minlength=m * (n_years + 1))
        lasted[start : start + m] = counts.reshape(m, n_years + 1)
    # in place in year t: lasted t years or more
    return np.cumsum(lasted[:, ::-1], axis=1)[:, ::-1] / n_councils


def _curve(shares: np.ndarray, column: str) -> pd.DataFrame:
    low, high = np.quantile(shares, _BAND, axis=0)
    years = np.arange(shares.shape[1])
    return pd.DataFrame({"year": years, column: shares.mean(axis=0), "low": low, "high": high})


# ---------------------------------------------------------------------------- simulate


def simulate(
    *,
    n_councils: int = 400,
    n_years: int = 30,
    n_runs: int = 1_000,
    p_change: float = P_CHANGE_FROM_DATA,
    base_hazard: float = BASE_HAZARD,
    post_change_hazard: float = POST_CHANGE_HAZARD,
    post_change_years: int = POST_CHANGE_YEARS,
    pfi_terms: Sequence[float] | Mapping[float, int] = PFI_TERMS_FROM_DATA,
    seed: int = 0,
    change_schedule: np.ndarray | Sequence | None = None,
) -> ScenarioResult:
    """Co-production arrangements versus PFI contracts through random changes of control.

    Each of ``n_councils`` councils begins a co-production arrangement and a PFI contract in
    year 0; ``n_runs`` worlds are run forward ``n_years`` years (the model is in the module
    docstring: :mod:`coprod.politics.scenarios`).

    Parameters
    ----------
    n_councils, n_years, n_runs
        The size of one world, its horizon, and how many worlds (400 councils is about the
        number of UK principal councils today: 371-407 a year in 2016-2026).
    p_change
        Yearly probability that a council's control changes. Default: the real rate,
        :data:`P_CHANGE_FROM_DATA` (9.7%).
    base_hazard, post_change_hazard, post_change_years
        Yearly probability that an arrangement ends, normally and in the
        ``post_change_years`` after a change of control. Assumptions (defaults 5%, 25%, 2
        years): no published survival rates exist.
    pfi_terms
        Contract terms in years to draw from, one per contract (each council's term is
        drawn with equal weight per entry), or a term -> number of contracts table like
        :data:`PFI_TERM_COUNTS`. Default: the 716 real terms, :data:`PFI_TERMS_FROM_DATA`.
    seed
        Makes the result reproducible; the PFI draws use their own stream, so the PFI share
        does not depend on ``p_change``, the hazards or the schedule.
    change_schedule
        Instead of ``p_change``: a float array of one probability per year (years 1 to
        ``n_years``, the same for every council), or a boolean ``n_councils x n_years`` array
        of real changes (True: control changed that year) replayed in every run.

    Returns
    -------
    ScenarioResult
        ``survival`` and ``pfi_share`` (year 0 to ``n_years``, mean across runs with the
        2.5% and 97.5% quantiles as ``low`` and ``high``), ``summary()``,
        ``get_plot_data()``, and the settings.
    """
    n_councils = _whole("n_councils", n_councils, 1)
    n_years = _whole("n_years", n_years, 1)
    n_runs = _whole("n_runs", n_runs, 1)
    post_change_years = _whole("post_change_years", post_change_years, 0)
    p = _probability("p_change", p_change)
    base = _probability("base_hazard", base_hazard)
    post = _probability("post_change_hazard", post_change_hazard)
    terms = _terms(pfi_terms)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be a whole number, not {seed!r}")

    schedule = None
    if change_schedule is not None:
        if p_change != P_CHANGE_FROM_DATA:
            raise ValueError(
                "give p_change or change_schedule, not both: the schedule sets when control changes"
            )
        schedule = _schedule(change_schedule, n_councils, n_years)
        kind = "replayed" if schedule.dtype == bool else "per year"
        expected = float(schedule.sum() / n_councils if kind == "replayed" else schedule.sum())
    else:
        kind, expected = "constant", p * n_years

    stay = _survival_functions(n_years, p, schedule, base, post, post_change_years)
    # a term of T years binds the council in years 0 .. ceil(T) - 1
    bound = np.ceil(terms)
    locked = (bound[None, :] > np.arange(n_years + 1)[:, None]).mean(axis=1)[None, :]
    end_seq, pfi_seq = np.random.SeedSequence(int(seed)).spawn(2)
    survival = _shares(stay, n_runs, n_councils, np.random.default_rng(end_seq))
    pfi_share = _shares(locked, n_runs, n_councils, np.random.default_rng(pfi_seq))

    return ScenarioResult(
        survival=_curve(survival, "share_surviving"),
        pfi_share=_curve(pfi_share, "share_locked"),
        n_councils=n_councils,
        n_years=n_years,
        n_runs=n_runs,
        p_change=None if schedule is not None else p,
        base_hazard=base,
        post_change_hazard=post,
        post_change_years=post_change_years,
        pfi_terms=tuple(terms.tolist()),
        seed=int(seed),
        schedule=kind,
        expected_changes=expected,
        source=_simulation_source(
            from_rate=schedule is None and p_change == P_CHANGE_FROM_DATA,
            schedule=change_schedule,
            from_terms=pfi_terms is PFI_TERMS_FROM_DATA or pfi_terms is PFI_TERM_COUNTS,
        ),
    )


def _simulation_source(*, from_rate: bool, schedule: object, from_terms: bool) -> Source:
    """Simulated data, crediting the data sets behind the real rate and terms it used."""
    from coprod.datasets import registry

    real = registry()
    return combine_sources(
        Source("Simulated data (assumed hazards)", synthetic=True),
        real["council_control"].source_note if from_rate else source_of(schedule),
        real["pfi_projects"].source_note if from_terms else None,
    )

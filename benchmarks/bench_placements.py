"""place_services() at 1,000,000 respondents x 20 services x 1,000 draws, next to the old
respondent bootstrap.

    .venv/bin/python benchmarks/bench_placements.py [--respondents 1000000] [--services 20]
        [--draws 1000] [--reference-respondents 100000] [--repeat 3]

Builds a seeded survey, one row per respondent x service (``service`` and the answers as
the ordered Categoricals ``read_survey`` gives, a weight per row), then times

- ``place_services(...)`` unweighted: the default bootstrap, drawn as multinomial counts
  of the nine answer combinations per service (median of ``--repeat`` runs);
- ``place_services(..., weight="weight")``: the default for weighted answers, the
  Taylor-linearised interval (median of ``--repeat`` runs);
- the reference: the respondent bootstrap ``place_services`` used before (written out
  here, not in the library: each draw resamples every respondent of every service, then
  averages), on ``--reference-respondents`` respondents (it did not finish at a million),
  timed once and scaled up linearly to the full case (its work is one step per row and
  draw).

It also checks on the reference case that both bootstraps give the same intervals within
Monte Carlo error (they draw from the same distribution), and that the linearised interval
of unweighted answers there matches the bootstrap's.

Target (issue 13): 1,000,000 respondents x 20 services, 1,000 draws in <= 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from coprod.grid import DELIVERY_LEVELS, PLANNING_LEVELS, place_services

TIME_TARGET = 5.0  # seconds, at the full case
AXES = {"service": "service", "planning": "planning", "delivery": "delivery"}


def build_survey(respondents: int, services: int, seed: int) -> pd.DataFrame:
    """One row per respondent x service; each service has its own answer probabilities."""
    rng = np.random.default_rng(seed)
    n = respondents * services
    service = np.tile(np.arange(services), respondents)
    lean_p = rng.dirichlet(np.ones(3), size=services)  # per service
    lean_d = rng.dirichlet(np.ones(3), size=services)
    u_p, u_d = rng.random(n), rng.random(n)
    planning = (u_p[:, None] > np.cumsum(lean_p, axis=1)[service][:, :2]).sum(axis=1)
    delivery = (u_d[:, None] > np.cumsum(lean_d, axis=1)[service][:, :2]).sum(axis=1)
    names = [f"Service {i + 1:02d}" for i in range(services)]
    return pd.DataFrame(
        {
            "service": pd.Categorical.from_codes(service, categories=names),
            "planning": pd.Categorical.from_codes(
                planning, categories=list(PLANNING_LEVELS), ordered=True
            ),
            "delivery": pd.Categorical.from_codes(
                delivery, categories=list(DELIVERY_LEVELS), ordered=True
            ),
            "weight": rng.uniform(0.5, 2.0, n),
        }
    )


def respondent_bootstrap(survey: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """The old method: per draw, resample every respondent within their service."""
    rng = np.random.default_rng(seed)
    gid = survey["service"].cat.codes.to_numpy(dtype=np.int64)
    order = np.argsort(gid, kind="stable")
    counts = np.bincount(gid)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    p = survey["planning"].cat.codes.to_numpy(dtype=float)[order]
    d = survey["delivery"].cat.codes.to_numpy(dtype=float)[order]
    sizes, offsets = np.repeat(counts, counts), np.repeat(starts, counts)
    boot_p, boot_d = np.empty((draws, len(counts))), np.empty((draws, len(counts)))
    chunk = max(1, 2_000_000 // len(p))
    for lo in range(0, draws, chunk):
        hi = min(draws, lo + chunk)
        idx = offsets + np.minimum(
            (rng.random((hi - lo, len(p))) * sizes).astype(np.int64), sizes - 1
        )
        boot_p[lo:hi] = np.add.reduceat(p[idx], starts, axis=1) / counts
        boot_d[lo:hi] = np.add.reduceat(d[idx], starts, axis=1) / counts
    low_p, high_p = np.percentile(boot_p, [2.5, 97.5], axis=0)
    low_d, high_d = np.percentile(boot_d, [2.5, 97.5], axis=0)
    return pd.DataFrame(
        {
            "planning_low": low_p,
            "planning_high": high_p,
            "delivery_low": low_d,
            "delivery_high": high_d,
        }
    )


def median_seconds(repeat: int, **settings) -> tuple[float, pd.DataFrame]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = place_services(**settings)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def largest_gap(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """The largest difference of two results' bounds, as a share of the interval's width."""
    gaps = []
    for axis in ("planning", "delivery"):
        width = (a[f"{axis}_high"] - a[f"{axis}_low"]).to_numpy()
        for side in ("low", "high"):
            col = f"{axis}_{side}"
            gaps.append(np.abs(a[col].to_numpy() - b[col].to_numpy()) / width)
    return float(np.max(gaps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=20)
    parser.add_argument("--draws", type=int, default=1_000)
    parser.add_argument("--reference-respondents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250113)
    args = parser.parse_args()

    start = time.perf_counter()
    survey = build_survey(args.respondents, args.services, args.seed)
    built = time.perf_counter() - start
    print(
        f"survey: {args.respondents:,} respondents x {args.services} services = "
        f"{len(survey):,} rows, built in {built:.1f} s; {args.draws:,} draws"
    )
    settings = {"responses": survey, **AXES, "n_boot": args.draws, "seed": args.seed}
    seconds, _ = median_seconds(args.repeat, **settings)
    weighted_seconds, weighted = median_seconds(args.repeat, **settings, weight="weight")
    assert (weighted["interval"] == "linearised").all()

    small = build_survey(args.reference_respondents, args.services, args.seed + 1)
    start = time.perf_counter()
    old = respondent_bootstrap(small, args.draws, args.seed)
    reference_small = time.perf_counter() - start
    scale = args.respondents / args.reference_respondents
    reference = reference_small * scale
    small_settings = {"responses": small, **AXES, "n_boot": args.draws, "seed": args.seed}
    start = time.perf_counter()
    new = place_services(**small_settings)
    new_small = time.perf_counter() - start
    bootstrap_gap = largest_gap(old, new)
    linearised_gap = largest_gap(new, place_services(**small_settings, interval="linearised"))

    print(f"{'step':56} {'figure':>10} {'reference':>10}  target")
    print(
        f"{'place_services() s (reference: respondent bootstrap)':56} {seconds:10.2f} "
        f"{reference:10.1f}  <= {TIME_TARGET:.0f} s "
        + ("ok" if seconds <= TIME_TARGET else "MISSED")
    )
    print(f"{'  speed-up x':56} {reference / seconds:10.0f}")
    print(
        f"{'  respondent bootstrap: s for its scaled-down case':56} {reference_small:10.2f} "
        f"{'':>10}  ({args.reference_respondents:,} respondents, x{scale:,.0f})"
    )
    print(f"{'  place_services() on that case s':56} {new_small:10.2f} {reference_small:10.2f}")
    print(
        f"{'place_services(weight=) s, linearised (ref.: target)':56} {weighted_seconds:10.2f} "
        f"{TIME_TARGET:10.1f}  <= {TIME_TARGET:.0f} s "
        + ("ok" if weighted_seconds <= TIME_TARGET else "MISSED")
    )
    # a 2.5% bound of 1,000 draws has a Monte Carlo sd of about 2% of the width
    agree = bootstrap_gap < 0.15 and linearised_gap < 0.15
    print(
        f"intervals agree on the reference case: {'yes' if agree else 'NO'} (largest gap, as "
        f"a share of the interval's width: multinomial vs respondent bootstrap "
        f"{bootstrap_gap:.3f}, linearised vs bootstrap {linearised_gap:.3f}; below 0.15 expected)"
    )
    if not agree:
        raise SystemExit("the bootstraps disagree")


if __name__ == "__main__":
    main()

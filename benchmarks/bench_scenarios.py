"""simulate() at 10,000 councils x 30 years x 1,000 runs, next to a plain Python loop.

    .venv/bin/python benchmarks/bench_scenarios.py [--councils 10000] [--years 30]
        [--runs 1000] [--loop-councils 10000] [--loop-runs 5] [--repeat 3]

The plain loop (written here, not in the library) is the model in its own words: every
council of every run, year by year, draws whether control changes (``p_change``) and
whether its co-production arrangement ends (the base hazard, or the post-change hazard in
the years after a change), and counts the arrangements in place and the councils still
bound by the PFI term drawn for them. It runs on a scaled-down case (``--loop-councils``
councils x ``--years`` x ``--loop-runs``) and its time is scaled up linearly to the full
case (its work is one step per council, year and run). ``simulate()`` runs the full case
(median of ``--repeat`` runs).

Also printed: the peak memory ``simulate()`` allocates (tracemalloc; numpy reports its
allocations to it), at the full number of runs and at a tenth of it (the runs go in
chunks, so it should not grow), and whether the loop's curves agree with simulate()'s
within Monte Carlo error (the loop is a second, independent implementation of the model).

Targets: speed-up >= 50x the plain loop; peak memory < 100 MB whatever ``--runs`` is.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc

import numpy as np

from coprod.politics.scenarios import (
    BASE_HAZARD,
    P_CHANGE_FROM_DATA,
    PFI_TERMS_FROM_DATA,
    POST_CHANGE_HAZARD,
    POST_CHANGE_YEARS,
    simulate,
)

SPEED_TARGET = 50.0  # x the plain loop
MEMORY_TARGET = 100 * 2**20  # bytes


def plain_loop(
    n_councils: int,
    n_years: int,
    n_runs: int,
    p_change: float,
    base_hazard: float,
    post_change_hazard: float,
    post_change_years: int,
    pfi_terms,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per run and year 0 .. n_years: the share of arrangements in place, of councils locked."""
    rng = random.Random(seed)
    surviving = np.zeros((n_runs, n_years + 1))
    locked = np.zeros((n_runs, n_years + 1))
    for run in range(n_runs):
        in_place_counts = [0] * (n_years + 1)
        locked_counts = [0] * (n_years + 1)
        for _council in range(n_councils):
            term = rng.choice(pfi_terms)
            years_since_change = None
            in_place = True
            in_place_counts[0] += 1
            locked_counts[0] += 1
            for year in range(1, n_years + 1):
                if rng.random() < p_change:
                    years_since_change = 0
                elif years_since_change is not None:
                    years_since_change += 1
                recent = years_since_change is not None and years_since_change < post_change_years
                hazard = post_change_hazard if recent else base_hazard
                if in_place and rng.random() < hazard:
                    in_place = False
                if in_place:
                    in_place_counts[year] += 1
                if year < term:
                    locked_counts[year] += 1
        surviving[run] = np.array(in_place_counts) / n_councils
        locked[run] = np.array(locked_counts) / n_councils
    return surviving, locked


def peak_bytes(**settings) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    simulate(**settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def largest_z(loop_shares: np.ndarray, reference, n_paths: int) -> float:
    """The largest gap between the loop's mean shares (runs x years) and simulate()'s, in
    standard errors of the loop's mean (the noisier of the two: ``n_paths`` councils)."""
    reference = np.asarray(reference, dtype=float)
    gap = np.abs(loop_shares.mean(axis=0) - reference)
    se = np.sqrt(reference * (1 - reference) / n_paths)
    return float(
        np.max(np.where(se > 0, gap / np.maximum(se, 1e-300), np.where(gap > 0, np.inf, 0)))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--councils", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--runs", type=int, default=1_000)
    parser.add_argument("--loop-councils", type=int, default=10_000)
    parser.add_argument("--loop-runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250108)
    args = parser.parse_args()

    model = {
        "p_change": P_CHANGE_FROM_DATA,
        "base_hazard": BASE_HAZARD,
        "post_change_hazard": POST_CHANGE_HAZARD,
        "post_change_years": POST_CHANGE_YEARS,
    }
    full = {"n_councils": args.councils, "n_years": args.years, "n_runs": args.runs}

    times, result = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = simulate(**full, **model, seed=args.seed)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)

    start = time.perf_counter()
    loop_survival, loop_locked = plain_loop(
        args.loop_councils,
        args.years,
        args.loop_runs,
        pfi_terms=PFI_TERMS_FROM_DATA,
        seed=args.seed,
        **model,
    )
    loop_seconds = time.perf_counter() - start
    scale = (args.councils * args.runs) / (args.loop_councils * args.loop_runs)
    loop_scaled = loop_seconds * scale
    speed_up = loop_scaled / seconds

    peak = peak_bytes(**full, **model, seed=args.seed)
    peak_tenth = peak_bytes(**{**full, "n_runs": max(1, args.runs // 10)}, **model, seed=args.seed)

    n_paths = args.loop_councils * args.loop_runs
    survival_z = largest_z(loop_survival, result.survival["share_surviving"], n_paths)
    locked_z = largest_z(loop_locked, result.pfi_share["share_locked"], n_paths)

    cells = args.councils * args.years * args.runs
    print(
        f"{args.councils:,} councils x {args.years} years x {args.runs:,} runs "
        f"({cells:,} council-years); simulate() median of {args.repeat}"
    )
    print(f"{'step':52} {'figure':>12} {'reference':>12}  target")
    print(
        f"{'simulate() s (reference: plain loop, scaled up)':52} {seconds:12.2f} "
        f"{loop_scaled:12.1f}"
    )
    print(
        f"{'  speed-up x':52} {speed_up:12.0f} {'':>12}  >= {SPEED_TARGET:.0f}x "
        + ("ok" if speed_up >= SPEED_TARGET else "MISSED")
    )
    print(
        f"{'  plain loop: s for its scaled-down case':52} {loop_seconds:12.2f} "
        f"{'':>12}  ({args.loop_councils:,} councils x {args.loop_runs} runs, x{scale:,.0f})"
    )
    print(
        f"{'  peak memory of simulate() (tracemalloc) MB':52} {peak / 2**20:12.1f} "
        f"{peak_tenth / 2**20:12.1f}  < {MEMORY_TARGET / 2**20:.0f} MB "
        + ("ok" if max(peak, peak_tenth) < MEMORY_TARGET else "MISSED")
        + f" (reference: {max(1, args.runs // 10):,} runs)"
    )
    agree = survival_z < 4 and locked_z < 4
    print(
        f"loop and simulate() agree within Monte Carlo error: {'yes' if agree else 'NO'} "
        f"(largest gap {survival_z:.1f} standard errors for survival, {locked_z:.1f} for PFI; "
        "below 4 expected)"
    )
    print(
        f"after 10 years: {result.survival['share_surviving'][10]:.1%} of arrangements in "
        f"place (loop {loop_survival.mean(axis=0)[10]:.1%}), "
        f"{result.pfi_share['share_locked'][10]:.1%} of councils locked "
        f"(loop {loop_locked.mean(axis=0)[10]:.1%})"
    )
    if not agree:
        raise SystemExit("the loop and simulate() disagree")


if __name__ == "__main__":
    main()

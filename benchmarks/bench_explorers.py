"""Explorer redraws on large inputs, next to the plot function alone (same run).

    .venv/bin/python benchmarks/bench_explorers.py [--complaints 100000] [--respondents 50000]
        [--repeat 3]

For each explorer, a control is changed to a choice not seen before (the view is computed:
the analysis, the chart, its PNG) and then back to one already seen (the kept view is
shown again); each is the median of ``--repeat`` changes. Beside them: the ``plot_*``
function alone on the same data into a fresh figure, and the same with the PNG rendered,
which is the floor any redraw pays.

- GridExplorer on a synthetic survey of ``--respondents`` answers (3 councils x 2 waves x
  20 services), weighted, 300 bootstrap resamples: a change of council.
- ComplaintsExplorer on a synthetic log of about ``--complaints`` complaints (councils
  added until the log is that long) with monthly contacts: a change of service, then of
  measure (which also decides which periods to offer).
- ScenarioExplorer: a move of one slider (400 councils x 30 years x 200 runs).

Target: a new view well under a second (0.5 s); a view already seen under 0.05 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

NEW_VIEW_TARGET = 0.5  # seconds
SEEN_VIEW_TARGET = 0.05


def _median_time(action, repeat: int) -> float:
    times = []
    for k in range(repeat):
        start = time.perf_counter()
        action(k)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _plot_alone(plot, data, repeat: int) -> tuple[float, float]:
    from coprod.widgets import _figure, _png

    def draw(_k):
        fig = _figure()
        plot(data, ax=fig.subplots())
        return fig

    alone = _median_time(draw, repeat)
    with_png = _median_time(lambda k: _png(draw(k)), repeat)
    return alone, with_png


def _report(name: str, new: float, seen: float, alone: float, with_png: float) -> str:
    verdict = "ok" if new < NEW_VIEW_TARGET and seen < SEEN_VIEW_TARGET else "SLOWER THAN TARGET"
    return (
        f"{name:38} new view {new:6.3f} s   seen view {seen:6.3f} s   "
        f"plot alone {alone:6.3f} s   plot + PNG {with_png:6.3f} s   {verdict}"
    )


def bench_grid(n_respondents: int, repeat: int) -> list[str]:
    from coprod.charts.grid import plot_grid
    from coprod.synth import make_services_survey
    from coprod.widgets import GridExplorer

    councils = ("Eastmoor", "Northbridge", "Westfield")
    per_service = max(1, round(n_respondents / (len(councils) * 2 * 20)))
    responses = make_services_survey(
        seed=1, councils=councils, respondents_per_service=per_service
    ).responses
    explorer = GridExplorer(responses, weight="weight", initial={"council": councils[0]})
    waves = explorer.offered("wave")

    def new_view(k):  # a council and wave not seen yet
        explorer.controls["council"].value = councils[1 + k % 2]
        explorer.controls["wave"].value = waves[0] if k < 2 else waves[-1]

    explorer.controls["wave"].value = waves[-1]
    new = _median_time(new_view, min(repeat, 3))
    seen = _median_time(lambda k: new_view(k % 2), repeat)
    alone, with_png = _plot_alone(plot_grid, explorer.data, repeat)
    return [_report(f"GridExplorer ({len(responses):,} answers)", new, seen, alone, with_png)]


def bench_complaints(n_complaints: int, repeat: int) -> list[str]:
    from coprod.charts.spc import plot_spc
    from coprod.synth import make_complaint_log
    from coprod.widgets import ComplaintsExplorer

    one = make_complaint_log(seed=1)
    n_councils = max(1, round(n_complaints / len(one.log)))
    synthetic = make_complaint_log(seed=1, councils=[f"Council {k}" for k in range(n_councils)])
    contacts = (
        synthetic.contacts.groupby(["service", "period"], as_index=False)["contacts"]
        .sum()
        .rename(columns={"contacts": "denominator"})
    )
    explorer = ComplaintsExplorer(synthetic.log, denominators=contacts, baseline=24)
    services = explorer.offered("service")
    new = _median_time(
        lambda k: setattr(explorer.controls["service"], "value", services[1 + k]), repeat
    )
    seen = _median_time(
        lambda k: setattr(explorer.controls["service"], "value", services[1 + k % 2]), repeat
    )
    measures = [m for m in explorer.offered("measure") if m != "count"]
    by_measure = _median_time(
        lambda k: setattr(explorer.controls["measure"], "value", measures[k]), repeat
    )
    alone, with_png = _plot_alone(plot_spc, explorer.data, repeat)
    name = f"ComplaintsExplorer ({len(synthetic.log):,} rows)"
    return [
        _report(name + ", service", new, seen, alone, with_png),
        _report(name + ", measure", by_measure, seen, alone, with_png),
    ]


def bench_scenarios(repeat: int) -> list[str]:
    from coprod.charts.scenarios import plot_scenarios
    from coprod.widgets import ScenarioExplorer

    explorer = ScenarioExplorer()
    slider = explorer.controls["p_change"]
    start = slider.value
    new = _median_time(lambda k: setattr(slider, "value", 0.2 + 0.01 * k), repeat)
    seen = _median_time(lambda k: setattr(slider, "value", 0.2 + 0.01 * (k % 2)), repeat)
    slider.value = start
    alone, with_png = _plot_alone(plot_scenarios, explorer.data, repeat)
    return [_report("ScenarioExplorer (200 runs)", new, seen, alone, with_png)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import contextlib
    import io

    # the explorers display into their output areas; outside a kernel that is stdout
    with contextlib.redirect_stdout(io.StringIO()):
        lines = bench_grid(args.respondents, args.repeat)
        lines += bench_complaints(args.complaints, args.repeat)
        lines += bench_scenarios(args.repeat)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

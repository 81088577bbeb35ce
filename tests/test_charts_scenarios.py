"""Scenario charts: structure of the figures (not pixels) and the tidy data they draw."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from coprod._core.columns import MissingColumnError
from coprod.charts.scenarios import (
    GID_BAND,
    GID_LABEL,
    GID_LEADER,
    GID_LINE,
    SCENARIO_COLOURS,
    comparison_data,
    plot_scenario_comparison,
    plot_scenarios,
    scenarios_data,
)
from coprod.politics.scenarios import PFI_CURVE, SURVIVAL_CURVE, simulate

COMMON = {"n_councils": 300, "n_years": 30, "n_runs": 100, "seed": 2}


@pytest.fixture(scope="module")
def result():
    return simulate(**COMMON)


def by_gid(ax, gid):
    return ax.findobj(lambda a: a.get_gid() == gid)


def drawn(ax):
    ax.figure.draw_without_rendering()
    return ax


def boxes(ax, gid):
    renderer = ax.figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in by_gid(ax, gid)]


def no_overlaps(bboxes) -> bool:
    return not any(a.overlaps(b) for a, b in itertools.combinations(bboxes, 2))


def test_scenarios_data_is_both_curves_with_labels_and_colours(result):
    data = scenarios_data(result)
    assert len(data) == 2 * 31
    survival = data[data["curve"] == SURVIVAL_CURVE]
    assert set(survival["colour"]) == {SCENARIO_COLOURS["survival"]}
    assert set(data.loc[data["curve"] == PFI_CURVE, "colour"]) == {SCENARIO_COLOURS["pfi"]}
    assert survival["label"].iloc[0] == "Co-production\narrangements\nstill in place"
    assert np.array_equal(survival["share"], result.survival["share_surviving"])


def test_plot_scenarios_structure(result):
    ax = drawn(plot_scenarios(result))
    assert isinstance(ax, Axes)
    lines = by_gid(ax, GID_LINE)
    assert len(lines) == 2
    solid, dashed = lines
    assert np.allclose(solid.get_ydata(), result.survival["share_surviving"] * 100)
    assert np.allclose(dashed.get_ydata(), result.pfi_share["share_locked"] * 100)
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    bands = by_gid(ax, GID_BAND)
    assert len(bands) == 2
    # the survival band runs from the 2.5% to the 97.5% quantile of the runs
    top = bands[0].get_paths()[0].vertices[:, 1]
    assert np.isclose(top.max(), result.survival["high"].max() * 100)
    assert np.isclose(top.min(), result.survival["low"].min() * 100)
    labels = by_gid(ax, GID_LABEL)
    assert [t.get_text().split("\n")[0] for t in labels] == ["Co-production", "Councils still"]
    # each label is coloured like its own line and sits right of the line's last point
    for line, label in zip(lines, labels, strict=True):
        assert to_hex(label.get_color()) == to_hex(line.get_color())
        assert label.get_position()[0] > line.get_xdata()[-1]
    assert no_overlaps(boxes(ax, GID_LABEL))
    assert ax.get_xlim() == (0, 30) and ax.get_ylim()[0] == 0
    caption = " ".join(t.get_text() for t in ax.texts if t.get_gid() != GID_LABEL)
    assert "probability 9.7% a year" in caption.replace("\n", " ")
    assert "(assumed)" in caption


def test_plot_scenarios_draws_the_data_frame_into_a_given_axes(result):
    fig = Figure()
    ax = fig.subplots()
    assert plot_scenarios(scenarios_data(result), ax=ax, title="Mine") is ax
    assert ax.get_title(loc="left") == "Mine" and len(by_gid(ax, GID_LINE)) == 2


def test_close_curves_get_labels_moved_apart_with_leaders():
    # hazards of 0 and no contract ends within the horizon: both curves end at 100%
    flat = simulate(base_hazard=0.0, post_change_hazard=0.0, pfi_terms=(40,), **COMMON)
    ax = drawn(plot_scenarios(flat))
    labels = boxes(ax, GID_LABEL)
    assert no_overlaps(labels)
    assert len(by_gid(ax, GID_LEADER)) >= 1
    # and inside the axes' height
    axes_box = ax.get_window_extent()
    assert all(b.y0 >= axes_box.y0 - 1 and b.y1 <= axes_box.y1 + 1 for b in labels)


def test_comparison_draws_one_curve_per_scenario_and_pfi_once():
    results = {f"Changes {p:.0%} a year": simulate(p_change=p, **COMMON) for p in (0.05, 0.1, 0.3)}
    data = comparison_data(results)
    assert list(data.columns[:2]) == ["scenario", "curve"]
    assert data["scenario"].unique().tolist() == list(results)
    ax = drawn(plot_scenario_comparison(results))
    lines = by_gid(ax, GID_LINE)
    solid = [line for line in lines if line.get_linestyle() == "-"]
    dashed = [line for line in lines if line.get_linestyle() == "--"]
    assert [line.get_label() for line in solid] == list(results)
    assert len(dashed) == 1  # the PFI share does not depend on control
    assert len({to_hex(line.get_color()) for line in solid}) == 3
    texts = [t.get_text().replace("\n", " ") for t in by_gid(ax, GID_LABEL)]
    assert texts == [*results, "PFI: every scenario"]
    assert no_overlaps(boxes(ax, GID_LABEL))
    # survival falls as control changes more often
    ends = [line.get_ydata()[10] for line in solid]
    assert ends == sorted(ends, reverse=True)


def test_comparison_draws_each_pfi_curve_when_they_differ():
    results = {
        "25-year contracts": simulate(pfi_terms=(25,), **COMMON),
        "35-year contracts": simulate(pfi_terms=(35,), **COMMON),
    }
    ax = drawn(plot_scenario_comparison(results))
    dashed = [line for line in by_gid(ax, GID_LINE) if line.get_linestyle() == "--"]
    assert [line.get_label() for line in dashed] == [
        "PFI: 25-year contracts",
        "PFI: 35-year contracts",
    ]
    assert no_overlaps(boxes(ax, GID_LABEL))


def test_comparison_refuses_what_it_cannot_draw(result):
    with pytest.raises(TypeError, match="dict of scenario name"):
        comparison_data([result])
    with pytest.raises(ValueError, match="8 scenarios is more than a chart can tell apart"):
        comparison_data({str(i): result for i in range(8)})
    with pytest.raises(MissingColumnError, match="has no column 'scenario'"):
        plot_scenario_comparison(scenarios_data(result))
    with pytest.raises(MissingColumnError, match="'colour'"):
        plot_scenarios(result.get_plot_data())
    odd = scenarios_data(result).assign(curve="something else")
    with pytest.raises(ValueError, match="unknown curve 'something else'"):
        plot_scenarios(odd)

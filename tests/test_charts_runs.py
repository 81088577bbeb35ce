"""Run charts: the structure of the figure (not pixels) and the tidy data it draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex

from coprod.charts.runs import (
    GID_BASELINE,
    GID_LONG_RUN,
    GID_MEDIAN,
    GID_POINTS,
    GID_STATISTICS,
    RUN_COLOURS,
    plot_run_chart,
    run_chart_data,
    statistics_text,
)
from coprod.timeseries.runs import run_chart

# baseline median 11; the ten points after it join the last baseline point's run: 11 above
SHIFT = [10, 12, 10, 12, 10, 12, *range(20, 30)]
ORANGE, GREY = "#ed8b00", "#7b7d7d"


def series(values, service="Parks") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": service,
            "month": pd.date_range("2021-01-01", periods=len(values), freq="MS"),
            "complaints": np.asarray(values, dtype=float),
        }
    )


@pytest.fixture
def shifted() -> pd.DataFrame:
    return run_chart(series(SHIFT), value="complaints", period="month", by="service", baseline=6)


@pytest.fixture
def quiet() -> pd.DataFrame:
    return run_chart(series([5, 8, 4, 9, 6, 7, 3, 8, 5, 9]), value="complaints", period="month")


def by_gid(artist, gid):
    return artist.findobj(lambda a: a.get_gid() == gid)


def test_chart_data_types_and_colours_each_point(shifted):
    data = run_chart_data(shifted)
    assert len(data) == 16
    assert data["colour"].tolist() == [RUN_COLOURS["point"]] * 5 + [RUN_COLOURS["long_run"]] * 11
    assert data.loc[5, "point_type"] == "In a run longer than chance allows (more than 7 points)"
    assert data.loc[0, "point_type"] == "Point"
    assert list(data.columns[:3]) == ["service", "period", "value"]


def test_plot_run_chart_structure_with_a_long_run(shifted):
    ax = plot_run_chart(shifted)
    assert isinstance(ax, Axes)
    (points,) = by_gid(ax, GID_POINTS)
    assert len(points.get_offsets()) == 16
    (long_run,) = by_gid(ax, GID_LONG_RUN)
    assert [to_hex(c) for c in long_run.get_facecolors()] == [ORANGE]
    # the orange points are exactly the 11 of the run, June 2021 to April 2022
    assert np.asarray(long_run.get_offsets())[:, 1].tolist() == [12.0, *range(20, 30)]
    (median,) = by_gid(ax, GID_MEDIAN)
    assert set(median.get_ydata()) == {11.0}
    assert to_hex(median.get_color()) == ORANGE and median.get_linestyle() == "--"
    assert len(by_gid(ax, GID_BASELINE)) == 1
    (words,) = by_gid(ax, GID_STATISTICS)
    assert " ".join(words.get_text().split()) == (
        "Longest run 11 points (more than 7 would signal a shift); the median crossed 5 "
        "times (fewer than 4 would signal one). Non-random variation: an unusually long run."
    )
    assert ax.get_title(loc="left") == "Parks"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "Point",
        "In a run longer than chance allows (more than 7 points)",
        "Median (dashed: non-random variation)",
        "Baseline: the median is of these points",
    ]


def test_plot_run_chart_without_a_signal_draws_a_plain_median(quiet):
    ax = plot_run_chart(quiet, title="Quiet", ylabel="Complaints a month")
    assert by_gid(ax, GID_LONG_RUN) == []
    assert by_gid(ax, GID_BASELINE) == []  # the median is of every point
    (median,) = by_gid(ax, GID_MEDIAN)
    assert to_hex(median.get_color()) == to_hex(RUN_COLOURS["median"])
    assert median.get_linestyle() == "-"
    (words,) = by_gid(ax, GID_STATISTICS)
    assert words.get_text().replace("\n", " ").endswith("No sign of non-random variation.")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Point", "Median"]
    assert (ax.get_title(loc="left"), ax.get_ylabel()) == ("Quiet", "Complaints a month")


def test_few_crossings_are_said_in_words():
    result = run_chart(series(range(1, 11)), value="complaints", period="month")
    text = statistics_text(result.iloc[0])
    assert text == (
        "Longest run 5 points (more than 6 would signal a shift); the median crossed 1 time "
        "(fewer than 2 would signal one). Non-random variation: unusually few crossings."
    )
    ax = plot_run_chart(result)
    assert by_gid(ax, GID_LONG_RUN) == []  # no run is too long: the crossings fired
    (median,) = by_gid(ax, GID_MEDIAN)
    assert median.get_linestyle() == "--"


def test_every_point_on_the_median_is_said():
    result = run_chart(series([4, 4, 4]), value="complaints", period="month")
    (words,) = by_gid(plot_run_chart(result), GID_STATISTICS)
    assert words.get_text() == "Every point is on the median: there are no runs to read."


def test_plot_run_chart_refuses_several_groups():
    data = pd.concat([series(SHIFT, "Parks"), series(SHIFT, "Libraries")])
    result = run_chart(data, value="complaints", period="month", by="service")
    with pytest.raises(ValueError, match="2 groups of \\['service'\\]: Parks; Libraries"):
        plot_run_chart(result)


def test_plot_run_chart_draws_on_given_axes_and_prints_the_source(quiet):
    import matplotlib.pyplot as plt

    fig, given = plt.subplots()
    assert plot_run_chart(quiet, ax=given, source="Northbridge council") is given
    assert fig.axes == [given]
    notes = [a.get_text() for a in fig.artists if a.get_gid() == "coprod-source"]
    assert notes == ["Source: Northbridge council"]


def test_chart_data_refuses_what_is_not_a_run_chart():
    with pytest.raises(Exception, match="run_chart"):
        run_chart_data(pd.DataFrame({"period": [1], "value": [2.0]}))

"""Charts of the effect of a change: structure of the figures (not pixels)."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex

from coprod import synth
from coprod.charts.effects import (
    GID_ITS_CHANGE,
    GID_ITS_COUNTERFACTUAL,
    GID_ITS_COUNTERFACTUAL_BAND,
    GID_ITS_FITTED,
    GID_ITS_OBSERVED,
    GID_PLACEBO_ACTUAL,
    GID_PLACEBO_DATES,
    GID_PLACEBO_NULL,
    its_chart_data,
    placebo_chart_data,
    plot_interrupted_time_series,
    plot_placebo_check,
)
from coprod.timeseries.its import interrupted_time_series, placebo_check

CHANGE = pd.Timestamp("2016-01-01")
VERMILLION, GREY, BLUE = "#d55e00", "#7b7d7d", "#0072b2"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synth.its_series(seed=3)


@pytest.fixture(scope="module")
def result(data):
    return interrupted_time_series(data, date="date", value="count", change_date=CHANGE)


@pytest.fixture(scope="module")
def placebo(data):
    return placebo_check(data, date="date", value="count", change_date=CHANGE)


def by_gid(ax: Axes, gid: str) -> list:
    return ax.findobj(lambda a: a.get_gid() == gid)


def as_dates(values) -> np.ndarray:
    return np.array(
        [mdates.num2date(v).replace(tzinfo=None) for v in values], dtype="datetime64[D]"
    )


def test_its_chart_draws_points_lines_band_and_the_change(result):
    ax = plot_interrupted_time_series(result, title="A planted change")
    assert isinstance(ax, Axes)
    (points,) = by_gid(ax, GID_ITS_OBSERVED)
    assert points.get_offsets().shape == (96, 2)
    assert np.allclose(points.get_offsets()[:, 1], result.get_plot_data()["observed"])
    before, after = by_gid(ax, GID_ITS_FITTED)  # a step at the change, not a ramp
    assert (len(before.get_xdata()), len(after.get_xdata())) == (48, 48)
    assert before.get_linestyle() == after.get_linestyle() == "-"
    fitted_y = np.concatenate([before.get_ydata(), after.get_ydata()])
    assert np.allclose(fitted_y, result.get_plot_data()["fitted"])
    assert as_dates(mdates.date2num(after.get_xdata()))[0] == np.datetime64("2016-01-01")
    (counterfactual,) = by_gid(ax, GID_ITS_COUNTERFACTUAL)
    assert counterfactual.get_linestyle() == "--"
    # dashed from the last month before the change (so it joins the fitted line) to the end
    days = as_dates(mdates.date2num(counterfactual.get_xdata()))
    assert days[0] == np.datetime64("2015-12-01") and days[-1] == np.datetime64("2019-12-01")
    assert len(days) == 49
    (band,) = by_gid(ax, GID_ITS_COUNTERFACTUAL_BAND)
    low, high = band.get_paths()[0].vertices[:, 1].min(), band.get_paths()[0].vertices[:, 1].max()
    plot = result.get_plot_data().iloc[47:]
    assert low == pytest.approx(plot["counterfactual_low"].min())
    assert high == pytest.approx(plot["counterfactual_high"].max())
    (change,) = by_gid(ax, GID_ITS_CHANGE)
    assert as_dates(mdates.date2num(change.get_xdata()))[0] == np.datetime64("2016-01-01")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "Observed",
        "Fitted",
        "95% interval without the change",
        "Without the change",
        "The change: 2016-01",
    ]
    assert ax.get_ylabel() == "count per month" and ax.get_xlabel() == "Month"
    assert ax.get_title(loc="left") == "A planted change"
    assert ax.get_ylim()[0] == 0


def test_its_chart_takes_the_plot_data_and_an_axes(result):
    import matplotlib.pyplot as plt

    _fig, (left, right) = plt.subplots(1, 2)
    frame = result.get_plot_data()
    assert plot_interrupted_time_series(frame, ax=right, ylabel="Reports") is right
    assert right.get_ylabel() == "Reports" and not left.has_data()
    shuffled = its_chart_data(frame.sample(frac=1.0, random_state=2))
    assert shuffled["date"].is_monotonic_increasing
    with pytest.raises(KeyError, match="no column 'counterfactual'"):
        plot_interrupted_time_series(frame.drop(columns="counterfactual"))
    with pytest.raises(ValueError, match="no months to draw"):
        plot_interrupted_time_series(frame.iloc[:0])


def test_placebo_chart_highlights_the_real_change_and_the_false_effects(placebo):
    ax = plot_placebo_check(placebo)
    table = placebo.table
    excluding = table[table["excludes_one"]]
    collections = by_gid(ax, GID_PLACEBO_DATES)
    colours = {to_hex(c.get_facecolor()[0]): len(c.get_offsets()) for c in collections}
    assert sum(colours.values()) == len(table) == 25
    assert colours.get(VERMILLION, 0) == len(excluding) > 0  # this seed has some
    assert colours[GREY] == 25 - len(excluding)
    intervals = by_gid(ax, f"{GID_PLACEBO_DATES}-interval")
    assert sum(len(c.get_segments()) for c in intervals) == 25
    (actual,) = by_gid(ax, GID_PLACEBO_ACTUAL)
    assert to_hex(actual.get_facecolor()[0]) == BLUE
    assert actual.get_offsets()[0, 1] == pytest.approx(placebo.actual.loc[0, "estimate"])
    (null,) = by_gid(ax, GID_PLACEBO_NULL)
    assert list(null.get_ydata()) == [1.0, 1.0]
    assert ax.get_yscale() == "log"
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "1" in ticks and len(ticks) >= 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    estimate = placebo.actual.loc[0, "estimate"]
    assert labels == [
        "Placebo: interval includes 1",
        "Placebo: interval excludes 1",
        f"Real change, 2016-01: {estimate:.2f}",
    ]
    n = placebo.n_excluding
    assert ax.get_title(loc="left").startswith(f"{n} of 25 placebo dates ({n / 25:.0%})")
    assert ax.get_ylabel() == "Level ratio"


def test_placebo_chart_data_is_checked(placebo):
    frame = placebo.get_plot_data()
    assert placebo_chart_data(frame)["date"].is_monotonic_increasing
    with pytest.raises(ValueError, match="exactly one 'actual'"):
        placebo_chart_data(frame[frame["kind"] == "placebo"])
    with pytest.raises(KeyError, match="no column 'kind'"):
        plot_placebo_check(frame.drop(columns="kind"))
    ax = plot_placebo_check(frame, title="")
    assert ax.get_title(loc="left") == ""


def test_charts_never_show_or_save(result, placebo, monkeypatch, tmp_path):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("show() called"))
    monkeypatch.setattr(plt.Figure, "savefig", lambda *a, **k: pytest.fail("savefig() called"))
    plot_interrupted_time_series(result)
    plot_placebo_check(placebo)
    assert list(tmp_path.iterdir()) == []

"""SPC charts: structure of the figures (not pixels) and the tidy data they draw."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from coprod.charts.spc import (
    GID_ASSURANCE_ICON,
    GID_BASELINE,
    GID_BASELINE_LABEL,
    GID_ICON_KEY,
    GID_REBASE,
    GID_VARIATION_ICON,
    SPC_COLOURS,
    plot_spc,
    plot_spc_small_multiples,
    spc_chart_data,
)
from coprod.timeseries.spc import spc

BASE = [10, 14, 10, 14, 10, 14]  # mean 12, limits 1.36 .. 22.64 (see test_spc.py)
ORANGE, BLUE, GREY = "#ed8b00", "#41b6e6", "#7b7d7d"


def series(values, service="Parks", start="2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": service,
            "month": pd.date_range(start, periods=len(values), freq="MS"),
            "complaints": np.asarray(values, dtype=float),
        }
    )


@pytest.fixture
def one() -> pd.DataFrame:
    # 30 above the upper limit (concern), 0 below the lower limit (improvement)
    return spc(
        series([*BASE, 12, 30, 12, 14, 0, 12]),
        value="complaints",
        period="month",
        by="service",
        baseline=6,
        target=25,
    )


def by_gid(artist, gid):
    return artist.findobj(lambda a: a.get_gid() == gid)


def points_of(ax):
    (points,) = by_gid(ax, "spc-points")
    return points


def test_chart_data_has_colours_per_point(one):
    data = spc_chart_data(one)
    assert len(data) == len(one)
    assert data.loc[7, "colour"] == SPC_COLOURS["special_cause_concern"]
    assert data.loc[10, "colour"] == SPC_COLOURS["special_cause_improvement"]
    assert set(data.drop(index=[7, 10])["colour"]) == {SPC_COLOURS["common_cause"]}
    assert data.loc[7, "point_type"] == "Special cause: concern"
    assert data.loc[7, "direction"] == 1 and data.loc[10, "direction"] == -1
    assert set(data["marker"]) == {"o"}


def test_plot_spc_structure(one):
    ax = plot_spc(one)
    assert isinstance(ax, Axes)
    points = points_of(ax)
    assert len(points.get_offsets()) == len(one)
    colours = [to_hex(c) for c in points.get_facecolors()]
    assert colours[7] == ORANGE
    assert colours[10] == BLUE
    assert {c for i, c in enumerate(colours) if i not in (7, 10)} == {GREY}
    assert len(by_gid(ax, "spc-centre")) == 1
    assert len(by_gid(ax, "spc-limits")) == 2
    assert len(by_gid(ax, "spc-target")) == 1
    assert by_gid(ax, "spc-2sigma") == []
    assert by_gid(ax, GID_REBASE) == []
    assert ax.get_title(loc="left") == "Parks"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "Common cause",
        "Special cause: concern",
        "Special cause: improvement",
        "Mean",
        "Process limits",
        "Target",
        "Baseline: limits computed from these points",
        "Common cause: no significant change",
        "Consistently passes the target",
    ]


def test_icons_present_with_gids_and_states(one):
    ax = plot_spc(one)
    (variation,) = by_gid(ax, GID_VARIATION_ICON)
    (assurance,) = by_gid(ax, GID_ASSURANCE_ICON)
    # the latest point, 12, is common cause; its upper limit 22.64 is below the
    # target 25, so the process consistently passes (lower is better)
    assert variation.get_label() == "common_cause"
    assert assurance.get_label() == "consistently_passes"
    ax = plot_spc(one, show_icons=False)
    assert by_gid(ax, GID_VARIATION_ICON) == []


def test_special_cause_icon_shows_direction():
    r = spc(series([*BASE, 12, 30]), value="complaints", period="month", baseline=6)
    ax = plot_spc(r)
    (icon,) = by_gid(ax, GID_VARIATION_ICON)
    assert icon.get_label() == "special_cause_concern_high"
    assert by_gid(ax, GID_ASSURANCE_ICON) == []  # no target, no assurance icon
    texts = [t.get_text() for t in icon.findobj(lambda a: hasattr(a, "get_text"))]
    assert "H" in texts


def test_rebase_steps_and_two_sigma():
    values = [8, 12, 8, 12, 11, 11, 11, 11, 25, 25, 21, 25, 21, 21]
    r = spc(series(values), value="complaints", period="month", rebase=["2024-09-01"])
    ax = plot_spc(r, show_2sigma=True, title="Stepped", ylabel="Complaints a month")
    assert len(by_gid(ax, "spc-centre")) == 2  # one mean line per segment
    assert len(by_gid(ax, "spc-limits")) == 4
    assert len(by_gid(ax, "spc-2sigma")) == 4
    assert len(by_gid(ax, GID_REBASE)) == 1
    centres = sorted({float(y) for line in by_gid(ax, "spc-centre") for y in line.get_ydata()})
    assert centres == pytest.approx([10.5, 23.0])
    assert ax.get_ylabel() == "Complaints a month"
    assert ax.get_title(loc="left") == "Stepped"


def test_plot_spc_refuses_several_groups():
    data = pd.concat([series(BASE, "Parks"), series(BASE, "Libraries")])
    r = spc(data, value="complaints", period="month", by="service")
    with pytest.raises(ValueError, match="Parks; Libraries"):
        plot_spc(r)


def test_plot_spc_draws_on_given_axes(one):
    import matplotlib.pyplot as plt

    fig, given = plt.subplots()
    assert plot_spc(one, ax=given) is given
    assert fig.axes == [given]


def thirty_services() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frames = []
    for i in range(30):
        y = rng.poisson(10 + i, 24).astype(float)
        if i % 5 == 0:
            y[16:] += 15  # a planted step
        frames.append(series(y, service=f"Service {i + 1:02d}"))
    return pd.concat(frames, ignore_index=True)


def test_small_multiples_one_axes_per_group():
    r = spc(thirty_services(), value="complaints", period="month", chart="c", by="service")
    fig = plot_spc_small_multiples(r, by="service", title="Thirty services")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 30
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [f"Service {i:02d}" for i in range(1, 31)]
    for ax in fig.axes:
        assert len(points_of(ax).get_offsets()) == 24
        assert len(by_gid(ax, GID_VARIATION_ICON)) == 1
    assert len(fig.legends) == 1
    # the planted steps show as concern (orange) points in their panels
    stepped = fig.axes[0]
    colours = {to_hex(c) for c in points_of(stepped).get_facecolors()}
    assert ORANGE in colours


def test_small_multiples_leaves_no_empty_axes():
    data = pd.concat([series(BASE + BASE, f"S{i}") for i in range(7)])
    r = spc(data, value="complaints", period="month", by="service", target=30)
    fig = plot_spc_small_multiples(r, by="service", ncols=3, sharey=True)
    assert len(fig.axes) == 7
    assert all(len(by_gid(ax, GID_ASSURANCE_ICON)) == 1 for ax in fig.axes)
    # panels with no panel underneath show their own dates
    bottom = [ax for ax in fig.axes if ax.xaxis.get_tick_params()["labelbottom"]]
    assert len(bottom) == 3


def test_small_multiples_draws_into_given_figure():
    import matplotlib.pyplot as plt

    data = pd.concat([series(BASE, f"S{i}") for i in range(3)])
    r = spc(data, value="complaints", period="month", by="service")
    given = plt.figure()
    assert plot_spc_small_multiples(r, by="service", fig=given) is given
    assert len(given.axes) == 3


def test_nothing_is_saved(one, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plot_spc(one, show_2sigma=True)
    r = spc(thirty_services(), value="complaints", period="month", chart="c", by="service")
    plot_spc_small_multiples(r, by="service")
    assert list(tmp_path.iterdir()) == []


def test_import_does_not_load_pyplot():
    code = (
        "import sys, coprod.timeseries.spc, coprod.charts.spc; "
        "print(','.join(m for m in ('matplotlib.pyplot', 'matplotlib.axes', 'seaborn') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_small_multiples_ylabel_is_settable():
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "service": s,
                    "period": pd.date_range("2024-01-01", periods=12, freq="MS"),
                    "n": range(12),
                }
            )
            for s in ("A", "B")
        ]
    )
    result = spc(data, value="n", period="period", by="service")
    fig = plot_spc_small_multiples(result, by="service", ylabel="Complaints")
    assert fig.get_supylabel() == "Complaints"


# ------------------------------------------------------------ keys, baselines, adjusted


def key_entries(legend) -> dict[str, str]:
    """Icon state -> the key's text, for each icon drawn in a legend."""
    texts = [t.get_text() for t in legend.get_texts()]
    handles = legend.legend_handles
    return {
        h.get_label(): text
        for h, text in zip(handles, texts, strict=True)
        if h.get_gid() == GID_ICON_KEY
    }


def test_plot_spc_keys_the_icons_it_shows(one):
    ax = plot_spc(one)
    # the latest point is common cause and the process consistently passes its target
    assert key_entries(ax.get_legend()) == {
        "common_cause": "Common cause: no significant change",
        "consistently_passes": "Consistently passes the target",
    }
    # each key entry draws its icon: a ring, and the letter of an assurance icon
    (passes,) = [
        h for h in ax.get_legend().legend_handles if h.get_label() == "consistently_passes"
    ]
    letters = [t.get_text() for t in passes.findobj(lambda a: hasattr(a, "get_text"))]
    assert "P" in letters
    high = spc(series([*BASE, 12, 30]), value="complaints", period="month", baseline=6)
    assert key_entries(plot_spc(high).get_legend()) == {
        "special_cause_concern_high": "Special cause of concern: higher values",
    }
    assert key_entries(plot_spc(high, show_icons=False).get_legend()) == {}


def test_small_multiples_key_every_icon_state_once():
    data = pd.concat(
        [
            series([*BASE, 12, 30], "Rising"),
            series([*BASE, 12, 0], "Falling"),
            series([*BASE, 12, 11], "Steady"),
            series([*BASE, 11, 12], "Steady too"),
        ]
    )
    r = spc(data, value="complaints", period="month", by="service", baseline=6)
    fig = plot_spc_small_multiples(r, by="service")
    (legend,) = fig.legends
    assert key_entries(legend) == {
        "special_cause_concern_high": "Special cause of concern: higher values",
        "special_cause_improvement_low": "Special cause of improvement: lower values",
        "common_cause": "Common cause: no significant change",
    }


def spans(ax) -> list[tuple[float, float]]:
    import matplotlib.dates as mdates

    out = []
    for patch in by_gid(ax, GID_BASELINE):
        x0, x1 = patch.get_x(), patch.get_x() + patch.get_width()
        out.append((mdates.num2date(x0).date().isoformat(), mdates.num2date(x1).date().isoformat()))
    return out


def test_plot_spc_shades_and_labels_the_baseline(one):
    ax = plot_spc(one)  # limits from the first 6 of 12 months, January to June 2024
    # from half a month before the first baseline point to half a month after the last
    assert spans(ax) == [("2023-12-16", "2024-06-16")]
    labels = [t.get_text() for t in by_gid(ax, GID_BASELINE_LABEL)]
    assert labels == ["Baseline"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Baseline: limits computed from these points" in legend


def test_rebased_chart_marks_each_baseline():
    values = [8, 12, 8, 12, 11, 11, 11, 11, 25, 25, 21, 25, 21, 21]
    r = spc(series(values), value="complaints", period="month", rebase=["2024-09-01"], baseline=3)
    ax = plot_spc(r)
    assert spans(ax) == [("2023-12-16", "2024-03-16"), ("2024-08-16", "2024-11-16")]
    assert [t.get_text() for t in by_gid(ax, GID_BASELINE_LABEL)] == ["Baseline", "Baseline 2"]


def test_small_multiples_shade_each_panels_baseline():
    data = pd.concat([series(BASE + BASE, f"S{i}") for i in range(4)])
    r = spc(data, value="complaints", period="month", by="service", baseline=6)
    fig = plot_spc_small_multiples(r, by="service")
    assert [spans(ax) for ax in fig.axes] == [[("2023-12-16", "2024-06-16")]] * 4
    (legend,) = fig.legends
    assert "Baseline: limits computed from these points" in [
        t.get_text() for t in legend.get_texts()
    ]


def lighting() -> pd.DataFrame:
    months = pd.date_range("2021-01-01", periods=36, freq="MS")
    winter = 10 * np.cos(2 * np.pi * months.month / 12)
    return pd.DataFrame({"service": "Street lighting", "period": months, "value": 30 + winter})


def test_seasonally_adjusted_values_say_so():
    from coprod.timeseries.seasonal import seasonally_adjust

    adjusted = spc(seasonally_adjust(lighting()), value="adjusted", period="period", by="service")
    assert plot_spc(adjusted, ylabel="Complaints").get_ylabel() == (
        "Complaints (seasonally adjusted)"
    )
    assert plot_spc(adjusted).get_ylabel() == "Seasonally adjusted values"
    fig = plot_spc_small_multiples(adjusted, by="service", ylabel="Complaints")
    assert fig.get_supylabel() == "Complaints (seasonally adjusted)"
    # a raw series is labelled as the caller says
    raw = spc(lighting(), value="value", period="period")
    assert plot_spc(raw, ylabel="Complaints").get_ylabel() == "Complaints"


def test_small_multiples_print_at_8pt_or_more_at_16_cm():
    from coprod.style import too_small

    r = spc(thirty_services(), value="complaints", period="month", chart="c", by="service")
    fig = plot_spc_small_multiples(r, by="service", title="Thirty services", ylabel="Complaints")
    assert fig.get_figwidth() * 2.54 == pytest.approx(16.0)
    assert too_small(fig, width_cm=16, min_pt=8).empty
    # three panels a row
    lefts = sorted({round(ax.get_position().x0, 3) for ax in fig.axes})
    assert len(lefts) == 3
    # every title is on one line and within its panel
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        assert "\n" not in ax.get_title(loc="left")
        title = ax.title if ax.get_title() else ax._left_title
        box, panel = title.get_window_extent(renderer), ax.get_window_extent(renderer)
        assert box.x1 <= panel.x1 + 1


def test_small_multiples_refuse_columns_too_narrow_to_read():
    r = spc(thirty_services(), value="complaints", period="month", chart="c", by="service")
    with pytest.raises(
        ValueError,
        match=r"^ncols=6 leaves panels 2\.7 cm wide at 16 cm: too narrow to read; use at most 4",
    ):
        plot_spc_small_multiples(r, by="service", ncols=6)


def test_a_long_title_stays_clear_of_the_icons(one):
    ax = plot_spc(one, title="Housing repairs: complaints per 1,000 contacts (u chart), by month")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (icons,) = by_gid(ax, "spc-icons")
    title = ax._left_title.get_window_extent(renderer)
    assert not title.overlaps(icons.get_window_extent(renderer))
    assert title.x1 <= fig.bbox.x1


def test_points_left_out_of_the_limits_are_ringed_and_keyed():
    import matplotlib.pyplot as plt

    from coprod.charts.spc import GID_EXCLUDED

    frame = pd.DataFrame(
        {
            "period": pd.date_range("2023-01-01", periods=14, freq="MS"),
            "y": [10.0, 12, 11, 13, 12, 40, 12, 11, 13, 12, 11, 12, 13, 12],
        }
    )
    result = spc(frame, value="y", period="period", exclude=["2023-06-01"])
    data = spc_chart_data(result)
    assert data["excluded"].tolist() == [i == 5 for i in range(14)]
    ax = plot_spc(result)
    rings = [c for c in ax.collections if c.get_gid() == GID_EXCLUDED]
    assert len(rings) == 1 and rings[0].get_offsets().shape == (1, 2)
    assert rings[0].get_offsets()[0][1] == 40
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Left out of the limits" in labels
    plt.close(ax.figure)
    plain = plot_spc(spc(frame, value="y", period="period"))
    assert not [c for c in plain.collections if c.get_gid() == GID_EXCLUDED]
    assert "Left out of the limits" not in [t.get_text() for t in plain.get_legend().get_texts()]
    plt.close(plain.figure)


def test_p_chart_draws_per_point_limits_as_steps():
    import matplotlib.pyplot as plt

    frame = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=12, freq="MS"),
            "upheld": [3.0, 5, 2, 6, 4, 5, 3, 4, 6, 2, 5, 4],
            "closed": [20.0, 25, 10, 30, 15, 20, 12, 18, 28, 9, 22, 16],
        }
    )
    result = spc(frame, value="upheld", period="period", chart="p", denominator="closed")
    data = spc_chart_data(result)
    assert data["value"].between(0, 1).all() and (data["upper"] <= 1).all()
    assert data["upper"].nunique() == frame["closed"].nunique()  # one limit per n
    ax = plot_spc(result)
    assert ax.get_ylabel() == "Upheld of closed (%)"
    # the y axis reads in per cent (shares of 1 are drawn as 0.25 -> "25%")
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all(t.endswith("%") for t in ticks)
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "25%"
    plt.close(ax.figure)
    both = pd.concat([frame.assign(service="A"), frame.assign(service="B")])
    fig = plot_spc_small_multiples(
        spc(both, value="upheld", period="period", chart="p", denominator="closed", by="service")
    )
    assert fig.axes[0].yaxis.get_major_formatter()(0.5, 0) == "50%"
    plt.close(fig)


def test_g_and_t_charts_name_their_centre_and_axes():
    import matplotlib.pyplot as plt

    gaps = pd.DataFrame({"event": range(2, 14), "days": [5.0, 9, 2, 14, 6, 8, 3, 30, 7, 1, 4, 11]})
    t_chart = spc(gaps, value="days", period="event", chart="t")
    ax = plot_spc(t_chart, ylabel="Days between upheld findings")
    assert ax.get_ylabel() == "Days between upheld findings"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Centre (mean of the transformed times)" in labels and "Mean" not in labels
    (centre,) = by_gid(ax, "spc-centre")
    assert set(centre.get_ydata()) == {t_chart["centre"].iloc[0]}
    assert len(by_gid(ax, "spc-limits")) == 2
    assert len(points_of(ax).get_offsets()) == 12
    plt.close(ax.figure)
    g_chart = spc(gaps, value="days", period="event", chart="g")
    ax = plot_spc(g_chart)
    assert ax.get_ylabel() == "Days"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Median (limits from the mean)" in labels
    lower = [line for line in by_gid(ax, "spc-limits") if set(line.get_ydata()) == {0.0}]
    assert len(lower) == 1  # a g chart's lower limit is 0
    plt.close(ax.figure)


def test_p_prime_chart_draws_per_point_limits_wider_than_the_p_chart():
    import matplotlib.pyplot as plt

    frame = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=8, freq="MS"),
            # shares 0.2, 0.7, 0.2, ... far more apart than binomial shares of ~200 would be
            "upheld": [40.0, 147, 38, 154, 36, 140, 41, 137],
            "closed": [200.0, 210, 190, 220, 180, 200, 205, 195],
        }
    )
    kwargs = {"value": "upheld", "period": "period", "denominator": "closed"}
    p_chart, p_prime = spc(frame, chart="p", **kwargs), spc(frame, chart="pp", **kwargs)
    ax = plot_spc(p_prime)
    upper = max(by_gid(ax, "spc-limits"), key=lambda line: np.nanmax(line.get_ydata()))
    assert upper.get_drawstyle() == "steps-mid"
    np.testing.assert_allclose(upper.get_ydata(), p_prime["upper"])
    assert (p_prime["upper"] > p_chart["upper"]).all()  # overdispersed: limits widened
    assert p_chart["rule_outside"].sum() == 8 and not p_prime["rule_outside"].any()
    assert "Mean" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_neutral_signals_share_one_key_and_p_prime_reads_in_per_cent():
    import matplotlib.pyplot as plt

    values = [10, 14, 10, 14, 10, 14, 12, -30, 12, 50, 12]
    frame = pd.DataFrame(
        {"period": pd.date_range("2024-01-01", periods=len(values), freq="MS"), "y": values}
    )
    result = spc(frame, value="y", period="period", baseline=6, higher_is_better=None)
    assert {"special_cause_neutral_high", "special_cause_neutral_low"} <= set(result["variation"])
    ax = plot_spc(result)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Special cause: neutral (high or low)" in labels
    assert not any(
        label.startswith("Special cause: neutral ") and "(" not in label for label in labels
    )
    plt.close(ax.figure)
    shares = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=12, freq="MS"),
            "cases": [30, 42, 35, 50, 38, 41, 33, 47, 39, 44, 36, 40],
            "n": [100] * 12,
        }
    )
    pp = spc(shares, value="cases", period="period", chart="pp", denominator="n")
    ax = plot_spc(pp)
    assert ax.yaxis.get_major_formatter()(0.4, 0) == "40%"
    assert ax.get_ylabel().endswith("(%)")
    plt.close(ax.figure)

"""Funnel plot figure structure (coprod.charts.funnel)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from coprod.charts.funnel import (
    FUNNEL_COLOURS,
    GID_CENTRE,
    GID_LABEL,
    GID_LIMITS_95,
    GID_LIMITS_998,
    GID_POINTS,
    funnel_chart_data,
    plot_funnel,
)
from coprod.funnel import funnel
from coprod.synth import funnel_units


@pytest.fixture(scope="module")
def result():
    # 30 units, two planted: Unit 21 high (beyond 99.8%), Unit 04 low
    data = funnel_units(n_units=30, outliers={20: 0.3, 3: 0.1}, seed=11)
    return funnel(data, value="cases", denominator="denominator", by="unit")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_chart_data_holds_the_units_then_the_curves(result):
    data = funnel_chart_data(result)
    units = data[data["part"] == "unit"]
    assert len(units) == 30 and len(data) == 30 + len(result.curve)
    assert units["colour"].tolist() == [
        FUNNEL_COLOURS["within" if f == "within" else "beyond_" + f.split("_")[1]]
        for f in result.units["flag"]
    ]
    assert data.loc[data["part"] == "limits", "unit"].isna().all()


def test_plot_funnel_structure(result):
    ax = plot_funnel(result, title="A funnel")
    (points,) = _by_gid(ax, GID_POINTS)
    offsets = points.get_offsets()
    assert offsets[:, 0].tolist() == result.units["denominator"].tolist()
    assert offsets[:, 1].tolist() == pytest.approx(result.units["value"].tolist())
    colours = [to_hex(c) for c in points.get_facecolors()]
    flags = result.units["flag"].tolist()
    assert colours[20] == FUNNEL_COLOURS["beyond_998"] and flags[20] == "above_998"
    assert colours.count(FUNNEL_COLOURS["within"]) == flags.count("within")
    assert len(_by_gid(ax, GID_CENTRE)) == 1
    lines_95, lines_998 = _by_gid(ax, GID_LIMITS_95), _by_gid(ax, GID_LIMITS_998)
    assert len(lines_95) == 2 and len(lines_998) == 2
    assert lines_95[1].get_ydata().tolist() == pytest.approx(result.curve["upper_95"].tolist())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "Within the 95% limits",
        "Beyond the 95% limits",
        "Beyond the 99.8% limits",
        f"Pooled proportion ({result.centre:.1%})",
        "95% limits",
        "99.8% limits",
    ]
    assert ax.get_title(loc="left") == "A funnel"
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "25%"
    assert ax.get_xlabel() == "denominator" and ax.get_ylabel() == "cases"


def test_units_outside_are_named_each_beside_its_own_point(result):
    ax = plot_funnel(result)
    outside = result.units[result.units["flag"] != "within"]
    labels = [t for t in ax.texts if t.get_gid() == GID_LABEL]
    assert sorted(t.get_text().replace("\n", " ") for t in labels) == sorted(outside["unit"])
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    points = ax.transData.transform(result.units[["denominator", "value"]].to_numpy(float))
    for text in labels:
        box = text.get_window_extent(renderer)
        # the distance from each point to the label's box: its own point is the nearest
        dx = np.maximum(np.maximum(box.x0 - points[:, 0], points[:, 0] - box.x1), 0)
        dy = np.maximum(np.maximum(box.y0 - points[:, 1], points[:, 1] - box.y1), 0)
        own = result.units.index[result.units["unit"] == text.get_text()][0]
        assert int(np.argmin(np.hypot(dx, dy))) == own, text.get_text()
        assert ax.get_window_extent(renderer).contains(box.x0, box.y0)
        assert ax.get_window_extent(renderer).contains(box.x1, box.y1)
    # no two labels overlap
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_label_choices_and_a_bad_one(result):
    assert not [t for t in plot_funnel(result, label="none").texts if t.get_gid() == GID_LABEL]
    named = plot_funnel(result, label=["Unit 01", "Unit 02"])
    assert sorted(t.get_text() for t in named.texts if t.get_gid() == GID_LABEL) == [
        "Unit 01",
        "Unit 02",
    ]
    everything = plot_funnel(result, label="all")
    assert len([t for t in everything.texts if t.get_gid() == GID_LABEL]) == 30
    with pytest.raises(ValueError, match=r"label names units the funnel does not hold: \['Nope'\]"):
        plot_funnel(result, label=["Nope"])
    with pytest.raises(ValueError, match="label must be 'outside', 'all', 'none'"):
        plot_funnel(result, label="some")


def test_a_rate_funnel_reads_per_multiplier_and_names_a_target():
    data = pd.DataFrame(
        {"council": ["A", "B", "C"], "reports": [40, 90, 300], "residents": [10e3, 20e3, 50e3]}
    )
    result = funnel(
        data,
        value="reports",
        denominator="residents",
        by="council",
        kind="rate",
        multiplier=1000,
        target=5,
    )
    ax = plot_funnel(result, source="")
    assert ax.get_ylabel() == "reports per 1,000"
    assert "Target (5)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.yaxis.get_major_formatter()(5, 0) != "5%"
    assert not [a for a in ax.figure.artists if a.get_gid() == "coprod-source"]


def test_the_source_note_is_the_datas(result):
    from coprod.provenance import Source, with_source

    data = with_source(funnel_units(n_units=8, seed=2), Source(note="A register"))
    ax = plot_funnel(funnel(data, value="cases", denominator="denominator", by="unit"))
    notes = [a.get_text() for a in ax.figure.artists if a.get_gid() == "coprod-source"]
    assert notes == ["Source: A register"]

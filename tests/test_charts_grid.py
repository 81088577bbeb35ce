"""Grid charts: structure of the figures (not pixels) and the tidy data they draw."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.patches import FancyArrowPatch

from coprod.charts.grid import (
    GID_CELL_NAME,
    GID_LADDER,
    GID_MOVEMENT_ARROW,
    GID_POINT_LABEL,
    cell_shares_chart_data,
    grid_chart_data,
    movement_chart_data,
    plot_cell_shares,
    plot_grid,
    plot_movement,
)

FIVE_NAMES = {
    "Traditional services",
    "Full co-production",
    "Outsourcing",
    "Community planning",
    "Self-help groups",
}


@pytest.fixture
def placements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "council": ["Leeds", "Leeds", "York", "York"],
            "service": ["Parks", "Libraries", "Youth clubs", "Waste collection"],
            "n": [40, 35, 12, 50],
            "planning": [0.2, 1.1, 1.6, 0.4],
            "delivery": [0.3, 0.9, 1.8, 0.1],
            "planning_low": [0.1, 0.9, 1.2, 0.3],
            "planning_high": [0.35, 1.3, 1.9, 0.5],
            "delivery_low": [0.15, 0.7, 1.5, 0.0],
            "delivery_high": [0.5, 1.1, 2.0, 0.2],
            "cell": [
                "Traditional services",
                "Full co-production",
                "Self-help groups",
                "Traditional services",
            ],
            "flagged": [False, True, False, False],
        }
    )


@pytest.fixture
def moves() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["Parks", "Libraries", "Youth clubs"],
            "wave_from": [2022, 2022, 2022],
            "wave_to": [2024, 2024, 2024],
            "planning_from": [0.2, 1.1, 1.6],
            "delivery_from": [0.3, 0.9, 1.8],
            "planning_to": [0.7, 1.15, 1.6],
            "delivery_to": [0.4, 0.95, 1.8],
            "planning_shift": [0.5, 0.05, 0.0],
            "planning_shift_low": [0.3, -0.1, -0.2],
            "planning_shift_high": [0.7, 0.2, 0.2],
            "delivery_shift": [0.1, 0.05, 0.0],
            "delivery_shift_low": [-0.1, -0.1, -0.2],
            "delivery_shift_high": [0.3, 0.2, 0.2],
            "cell_from": ["Traditional services", "Full co-production", "Self-help groups"],
            "cell_to": [
                "co-planned, professionally delivered",
                "Full co-production",
                "Self-help groups",
            ],
            "moved": [True, False, False],
        }
    )


@pytest.fixture
def shares() -> pd.DataFrame:
    levels_p = ("professionals", "co-planning", "community")
    levels_d = ("professionals", "co-delivery", "community")
    rows = []
    for service, peak in (("Parks", 0), ("Libraries", 4)):
        for k in range(9):
            rows.append(
                {
                    "service": service,
                    "planning": levels_p[k // 3],
                    "delivery": levels_d[k % 3],
                    "cell": f"cell {k}",
                    "share": 0.6 if k == peak else 0.05,
                    "n": 12 if k == peak else 1,
                }
            )
    return pd.DataFrame(rows)


def texts_with_gid(ax, gid: str) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


# ------------------------------------------------------------------------ grid data


def test_grid_chart_data(placements):
    data = grid_chart_data(placements)
    assert list(data.columns[:3]) == ["council", "service", "label"]
    for col in ("x", "y", "xerr_minus", "xerr_plus", "yerr_minus", "yerr_plus", "highlighted"):
        assert col in data.columns
    assert data["x"].tolist() == placements["planning"].tolist()
    assert data["xerr_minus"].tolist() == pytest.approx([0.1, 0.2, 0.4, 0.1])
    assert data["yerr_plus"].tolist() == pytest.approx([0.2, 0.2, 0.2, 0.1])
    assert (data[["xerr_minus", "xerr_plus", "yerr_minus", "yerr_plus"]] >= 0).all().all()
    assert not data["highlighted"].any()
    assert data["label"].tolist() == placements["service"].tolist()
    assert data["cell"].tolist() == placements["cell"].tolist()
    assert "flagged" in data.columns  # extra columns are kept (usable as hue)


def test_grid_chart_data_labels_and_highlight(placements):
    data = grid_chart_data(placements, label=["service", "council"], highlight=["Parks"])
    assert data["label"].iloc[0] == "Parks (Leeds)"
    assert data["highlighted"].tolist() == [True, False, False, False]
    by_col = grid_chart_data(placements, highlight="flagged")
    assert by_col["highlighted"].tolist() == [False, True, False, False]
    assert (grid_chart_data(placements, label=None)["label"] == "").all()
    with pytest.raises(ValueError, match="Swimming"):
        grid_chart_data(placements, highlight=["Swimming"])
    with pytest.raises(ValueError, match="not a column"):
        grid_chart_data(placements, highlight="Parks")
    with pytest.raises(ValueError, match="planning_low"):
        grid_chart_data(placements.drop(columns="planning_low"))


def test_grid_chart_data_names_cells(placements):
    data = grid_chart_data(
        placements.assign(planning=[1.0, 1.1, 1.6, 0.4], delivery=[0.2, 0.9, 1.8, 0.1]),
        names={("co-planning", "professionals"): "Joint planning"},
    )
    assert data["cell"].iloc[0] == "Joint planning"


# ------------------------------------------------------------------------ plot_grid


def test_plot_grid_structure(placements):
    fig, ax = plt.subplots()
    out = plot_grid(placements, ax=ax)
    assert out is ax
    # one errorbar container (and one point) per service
    assert len(ax.containers) == 4
    assert all(isinstance(c, ErrorbarContainer) for c in ax.containers)
    points = sum(len(c.lines[0].get_xdata()) for c in ax.containers)
    assert points == 4
    assert all(c.has_xerr and c.has_yerr for c in ax.containers)
    # a label per service
    assert sorted(texts_with_gid(ax, GID_POINT_LABEL)) == sorted(placements["service"])
    # cell names: five named, four "(unnamed)"
    names = texts_with_gid(ax, GID_CELL_NAME)
    assert len(names) == 9
    assert {n.replace("\n", " ") for n in names} >= FIVE_NAMES
    assert names.count("(unnamed)") == 4
    unnamed = [t for t in ax.texts if t.get_text() == "(unnamed)"]
    assert all(t.get_style() == "italic" for t in unnamed)
    # axes
    assert ax.get_xlabel() == "Who plans"
    assert ax.get_ylabel() == "Who delivers"
    assert ax.get_xlim() == pytest.approx((-0.5, 2.5))
    assert ax.get_ylim() == pytest.approx((2.5, -0.5))  # professionals delivering on top
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "professionals",
        "co-planning",
        "community",
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "professionals",
        "co-delivery",
        "community",
    ]
    ladder = texts_with_gid(ax, GID_LADDER)
    assert len(ladder) == 4  # three groups and the caption
    assert any("rungs 1\u20135" in t for t in ladder)
    assert any("rung 6" in t for t in ladder)
    assert any("rungs 7\u20138" in t for t in ladder)


def test_plot_grid_user_names_and_schemes(placements):
    ax = plot_grid(placements, names={("co-planning", "professionals"): "Joint planning"})
    names = [n.replace("\n", " ") for n in texts_with_gid(ax, GID_CELL_NAME)]  # wrapped to fit
    assert names.count("(unnamed)") == 3
    assert "Joint planning" in names
    ax = plot_grid(placements, scheme="descriptive", show_ladder=False)
    names = [n.replace("\n", " ") for n in texts_with_gid(ax, GID_CELL_NAME)]
    assert "(unnamed)" not in names
    assert "co-planned, professionally delivered" in names
    assert len(set(names)) == 9
    assert texts_with_gid(ax, GID_LADDER) == []
    with pytest.raises(ValueError, match="scheme"):
        plot_grid(placements, scheme="fancy")


def test_plot_grid_highlight(placements):
    plain = plot_grid(placements)
    assert {c.lines[0].get_marker() for c in plain.containers} == {"o"}
    plain_legend = [t.get_text() for t in plain.get_legend().get_texts()]
    assert not any("Flagged" in t for t in plain_legend)

    ax = plot_grid(placements, highlight="flagged", highlight_label="Flagged for co-planning")
    markers = [c.lines[0].get_marker() for c in ax.containers]
    assert markers == ["o", "D", "o", "o"]
    assert ax.containers[1].lines[0].get_markeredgecolor() == "black"
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    flagged = [t for t in legend if t.startswith("Flagged for co-planning")]
    assert len(flagged) == 1 and "Libraries" in flagged[0]


def test_plot_grid_hue(placements):
    ax = plot_grid(placements, hue="council")
    colours = [c.lines[0].get_markerfacecolor() for c in ax.containers]
    assert colours[0] == colours[1] != colours[2] == colours[3]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Leeds" in legend and "York" in legend
    with pytest.raises(ValueError, match="hue"):
        plot_grid(placements, hue="region")


def test_plot_grid_is_deterministic(placements):
    def positions():
        ax = plot_grid(placements)
        return [t.get_position() for t in ax.texts if t.get_gid() == GID_POINT_LABEL]

    assert positions() == positions()


def test_plot_grid_nothing_clipped(placements):
    ax = plot_grid(placements, highlight=["Parks"])
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    artists = [*ax.texts, ax.get_legend(), ax.xaxis.label, ax.yaxis.label, ax.title]
    for artist in artists:
        box = artist.get_window_extent(renderer)
        assert fig_box.x0 - 1 <= box.x0 and box.x1 <= fig_box.x1 + 1, artist
        assert fig_box.y0 - 1 <= box.y0 and box.y1 <= fig_box.y1 + 1, artist


def test_plot_grid_no_files(placements, moves, shares, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for ax in (plot_grid(placements), plot_movement(moves), plot_cell_shares(shares)):
        ax.figure.canvas.draw()
    assert list(tmp_path.iterdir()) == []


def test_single_point_and_degenerate_interval(placements):
    one = placements.iloc[[0]].assign(planning_low=0.2, planning_high=0.2)
    ax = plot_grid(one)
    assert len(ax.containers) == 1
    assert texts_with_gid(ax, GID_POINT_LABEL) == ["Parks"]


# ------------------------------------------------------------------------- movement


def arrows(ax) -> list[FancyArrowPatch]:
    return [p for p in ax.patches if p.get_gid() == GID_MOVEMENT_ARROW]


def test_movement_chart_data(moves):
    data = movement_chart_data(moves)
    assert len(data) == 3
    assert data["dx"].tolist() == pytest.approx([0.5, 0.05, 0.0])
    assert data["label"].tolist() == ["Parks", "Libraries", "Youth clubs"]
    assert movement_chart_data(moves, only_moved=True)["service"].tolist() == ["Parks"]
    two_pairs = pd.concat([moves, moves.assign(wave_from=2024, wave_to=2026)], ignore_index=True)
    assert movement_chart_data(two_pairs)["label"].iloc[0] == "Parks (2022\u21922024)"


def test_plot_movement_structure(moves):
    fig, ax = plt.subplots()
    out = plot_movement(moves, ax=ax)
    assert out is ax
    drawn = arrows(ax)
    assert len(drawn) == 3  # one arrow per service, even one that did not move at all
    assert drawn[0].get_linestyle() == "-"
    assert drawn[1].get_linestyle() != "-"
    assert drawn[0].get_linewidth() > drawn[1].get_linewidth()
    assert sorted(texts_with_gid(ax, GID_POINT_LABEL)) == sorted(moves["service"])
    assert texts_with_gid(ax, GID_CELL_NAME).count("(unnamed)") == 4
    assert ax.get_xlabel() == "Who plans" and ax.get_ylabel() == "Who delivers"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "2022" in legend and "2024" in legend


def test_plot_movement_only_moved(moves):
    ax = plot_movement(moves, only_moved=True, scheme="descriptive")
    assert len(arrows(ax)) == 1
    assert texts_with_gid(ax, GID_POINT_LABEL) == ["Parks"]
    none_moved = moves.assign(moved=False)
    ax = plot_movement(none_moved, only_moved=True)
    assert arrows(ax) == []


# ---------------------------------------------------------------------- cell shares


def test_cell_shares_chart_data(shares):
    wide = cell_shares_chart_data(shares)
    assert wide.shape == (2, 9)
    assert list(wide.index) == ["Parks", "Libraries"]
    assert wide.columns[0] == ("professionals", "professionals")
    assert wide.columns[1] == ("professionals", "co-delivery")
    assert wide.columns[3] == ("co-planning", "professionals")
    assert wide.loc["Libraries", ("co-planning", "co-delivery")] == pytest.approx(0.6)
    grouped = pd.concat([shares.assign(council="Leeds"), shares.assign(council="York")])
    grouped = grouped[["council", *shares.columns]]
    assert list(cell_shares_chart_data(grouped).index) == [
        "Parks (Leeds)",
        "Libraries (Leeds)",
        "Parks (York)",
        "Libraries (York)",
    ]
    with pytest.raises(ValueError, match="more than one row"):
        cell_shares_chart_data(pd.concat([shares, shares]))


def test_plot_cell_shares_structure(shares):
    fig, ax = plt.subplots()
    out = plot_cell_shares(shares, ax=ax)
    assert out is ax
    mesh = ax.collections[0]
    assert mesh.get_array().size == 2 * 9
    assert len(ax.get_xticklabels()) == 9
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ylabels) == 2
    assert ylabels[0].startswith("Parks") and "n = 20" in ylabels[0]
    annotations = [t.get_text() for t in ax.texts if t.get_text().endswith("%")]
    assert len(annotations) == 18
    assert annotations.count("60%") == 2
    xlabels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert xlabels[:3] == ["professionally delivered", "co-delivered", "community delivered"]


def test_plot_cell_shares_named_scheme(shares):
    ax = plot_cell_shares(shares, scheme="named", annot=False)
    xlabels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert xlabels[0] == "Traditional services"
    assert xlabels[4] == "Full co-production"
    assert sum(x.startswith("(unnamed)") for x in xlabels) == 4
    assert not [t for t in ax.texts if t.get_text().endswith("%")]
    ax = plot_cell_shares(
        shares, scheme="named", names={("co-planning", "professionals"): "Joint planning"}
    )
    xlabels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert xlabels[3] == "Joint planning"


# ---------------------------------------------------------------------- integration


def test_with_coprod_grid_outputs():
    from coprod.grid import cell_shares, movement, place_services

    rng = np.random.default_rng(0)
    responses = pd.DataFrame(
        {
            "service": np.repeat(["Parks", "Libraries", "Youth clubs"], 40),
            "wave": np.tile(np.repeat([1, 2], 20), 3),
            "plan": rng.integers(0, 3, 120),
            "deliver": rng.integers(0, 3, 120),
        }
    )
    kw = {"service": "service", "planning": "plan", "delivery": "deliver"}
    placed = place_services(responses, by="wave", n_boot=50, seed=1, **kw)
    ax = plot_grid(placed, label=["service", "wave"], hue="wave")
    assert len(ax.containers) == 6
    moved = movement(responses, wave="wave", n_boot=50, seed=1, **kw)
    assert len(arrows(plot_movement(moved))) == 3
    ax = plot_cell_shares(cell_shares(responses, **kw))
    assert ax.collections[0].get_array().size == 27


def test_import_is_light():
    code = (
        "import sys, coprod.charts.grid, coprod.charts.likert; "
        "print([m for m in ('matplotlib.pyplot', 'seaborn', 'adjustText') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

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
    """The texts of ``ax`` with ``gid``, each on one line (labels may wrap to fit)."""
    return [t.get_text().replace("\n", " ") for t in ax.texts if t.get_gid() == gid]


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
        "print([m for m in ('matplotlib.pyplot', 'seaborn') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ label placement
#
# Every label's nearest mark is its own, measured in display coordinates from the
# drawn artists (label texts as drawn, marker positions as drawn), with distances
# computed here by sampling (independently of the chart's own geometry code).

LEADER_GID = "grid-label-leader"


def _rect_point_distance(box, points: np.ndarray) -> np.ndarray:
    dx = np.maximum.reduce([box.x0 - points[:, 0], np.zeros(len(points)), points[:, 0] - box.x1])
    dy = np.maximum.reduce([box.y0 - points[:, 1], np.zeros(len(points)), points[:, 1] - box.y1])
    return np.hypot(dx, dy)


def _rect_mark_distance(box, start: np.ndarray, end: np.ndarray) -> float:
    t = np.linspace(0.0, 1.0, 801)[:, None]
    return float(_rect_point_distance(box, start + t * (end - start)).min())


def _drawn(ax):
    fig = ax.figure
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _label_boxes(ax, renderer) -> dict[str, list]:
    boxes: dict[str, list] = {}
    for t in ax.texts:
        if t.get_gid() == GID_POINT_LABEL and t.get_visible() and t.get_text():
            text = t.get_text().replace("\n", " ")
            boxes.setdefault(text, []).append(t.get_window_extent(renderer))
    return boxes


def _movement_marks(ax, data: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each label's arrow as drawn: from the hollow start marker to the filled end marker."""
    _drawn(ax)  # the layout as drawn, so display coordinates are current
    starts, ends = (c for c in ax.collections if len(c.get_offsets()) == len(data))
    np.testing.assert_allclose(starts.get_offsets(), data[["x_from", "y_from"]].to_numpy())
    np.testing.assert_allclose(ends.get_offsets(), data[["x_to", "y_to"]].to_numpy())
    tail = ax.transData.transform(np.asarray(starts.get_offsets()))
    head = ax.transData.transform(np.asarray(ends.get_offsets()))
    return {label: (tail[k], head[k]) for k, label in enumerate(data["label"])}


def _grid_marks(ax, data: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each label's point as drawn (the marker of its errorbar container)."""
    _drawn(ax)
    points = np.array(
        [[c.lines[0].get_xdata()[0], c.lines[0].get_ydata()[0]] for c in ax.containers]
    )
    np.testing.assert_allclose(points, data[["x", "y"]].to_numpy())
    shown = ax.transData.transform(points)
    return {label: (shown[k], shown[k]) for k, label in enumerate(data["label"])}


def _label_problems(ax, marks: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[str]:
    """Every way the labels of ``ax`` break the rule, in words (empty when none)."""
    renderer = _drawn(ax)
    boxes = _label_boxes(ax, renderer)
    problems = []
    for label in marks:
        if len(boxes.get(label, [])) != 1:
            problems.append(f"{label!r} has {len(boxes.get(label, []))} labels")
    points_per_pt = renderer.points_to_pixels(1.0)
    leaders = [
        ax.transData.transform(np.column_stack(line.get_data()))
        for line in ax.lines
        if line.get_gid() == LEADER_GID and len(line.get_xdata())
    ]
    for label, found in boxes.items():
        if label not in marks or len(found) != 1:
            continue
        box = found[0]
        distance = {other: _rect_mark_distance(box, *mark) for other, mark in marks.items()}
        nearest = min(distance, key=distance.get)
        if nearest != label:
            problems.append(
                f"{label!r} is nearer {nearest!r} ({distance[nearest]:.1f} px) than its own mark "
                f"({distance[label]:.1f} px)"
            )
        if distance[label] > 12 * points_per_pt:  # moved away: a leader joins it to its mark
            joined = any(
                _rect_point_distance(box, line[-1:])[0] < 2 * points_per_pt
                and _rect_mark_distance(box, line[0], line[0]) > 0
                and min(
                    np.hypot(*(line[0] - p))
                    for p in np.linspace(marks[label][0], marks[label][1], 801)
                )
                < 8 * points_per_pt
                for line in leaders
            )
            if not joined:
                problems.append(
                    f"{label!r} sits {distance[label]:.0f} px from its mark without a leader"
                )
    return problems


def _overlaps(ax) -> list[str]:
    """Labels overlapping each other or a cell name; texts outside the axes or figure."""
    renderer = _drawn(ax)
    labels = [t for t in ax.texts if t.get_gid() == GID_POINT_LABEL and t.get_text()]
    cells = [t for t in ax.texts if t.get_gid() == GID_CELL_NAME]
    found = []
    for k, a in enumerate(labels):
        box = a.get_window_extent(renderer)
        for b in labels[k + 1 :] + cells:
            if box.overlaps(b.get_window_extent(renderer)):
                found.append(f"{a.get_text()!r} overlaps {b.get_text()!r}")
    axes_box = ax.get_window_extent(renderer)
    for t in labels + cells:
        box = t.get_window_extent(renderer)
        if (
            box.x0 < axes_box.x0
            or box.x1 > axes_box.x1
            or box.y0 < axes_box.y0
            or box.y1 > axes_box.y1
        ):
            found.append(f"{t.get_text()!r} is clipped by the axes")
    fig_box = ax.figure.bbox
    for t in ax.figure.findobj(
        lambda a: hasattr(a, "get_text") and hasattr(a, "get_window_extent")
    ):
        if not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if (
            box.x0 < fig_box.x0 - 1
            or box.x1 > fig_box.x1 + 1
            or box.y0 < fig_box.y0 - 1
            or box.y1 > fig_box.y1 + 1
        ):
            found.append(f"{t.get_text()!r} is clipped by the figure")
    return found


def _moves_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "service",
            "planning_from",
            "delivery_from",
            "planning_to",
            "delivery_to",
            "moved",
        ],
    )
    return frame.assign(wave_from=2023, wave_to=2025)


#: Ten services in or through one cell, arrows crossing, starts and ends a few points apart.
CROWDED_MOVES = _moves_frame(
    [
        ("Refuse collection", 0.13, 0.20, 0.15, 0.19, False),
        ("Street lighting", 0.10, 0.24, 0.12, 0.26, False),
        ("Parks and green spaces", 0.26, 0.16, 0.92, 0.12, True),
        ("Libraries", 0.16, 0.40, 0.83, 0.25, True),
        ("Social care", 0.26, 0.51, 0.91, 0.46, True),
        ("Housing repairs", 0.60, 0.62, 0.64, 0.66, False),
        ("Youth clubs", 0.41, 0.79, 0.88, 0.80, True),
        ("Road maintenance", 0.20, 0.03, 0.22, 0.01, False),
        ("Adult learning", 0.15, 0.96, 0.28, 1.08, True),
        ("Leisure centres", 0.45, 0.08, 0.30, 0.42, True),
    ]
)


def test_movement_labels_are_nearest_their_own_arrow_in_a_crowded_cell():
    ax = plot_movement(CROWDED_MOVES)
    marks = _movement_marks(ax, movement_chart_data(CROWDED_MOVES))
    assert _label_problems(ax, marks) == []
    assert _overlaps(ax) == []


def test_movement_labels_on_crossing_arrows():
    crossing = _moves_frame(
        [
            ("Parks", 0.1, 0.1, 1.9, 1.9, True),
            ("Libraries", 1.9, 0.1, 0.1, 1.9, True),
            ("Youth clubs", 1.0, 0.2, 1.0, 1.8, True),
            ("Allotments", 0.2, 1.0, 1.8, 1.0, True),
            ("Food banks", 1.25, 1.05, 1.27, 1.02, False),
            ("Litter picking", 0.75, 0.93, 0.77, 0.97, False),
        ]
    )
    ax = plot_movement(crossing)
    marks = _movement_marks(ax, movement_chart_data(crossing))
    assert _label_problems(ax, marks) == []
    assert _overlaps(ax) == []


def test_grid_labels_are_nearest_their_own_point_in_a_crowded_cell():
    cluster = pd.DataFrame(
        {
            "service": [
                "Allotments",
                "Food banks",
                "Litter picking",
                "Community festivals",
                "Neighbourhood plans",
                "Traffic calming",
                "Play areas",
            ],
            "planning": [1.64, 1.86, 1.75, 1.56, 1.93, 1.55, 1.95],
            "delivery": [1.85, 1.86, 1.72, 1.58, 1.62, 1.97, 1.98],
        }
    )
    cluster = cluster.assign(
        planning_low=cluster["planning"] - 0.06,
        planning_high=cluster["planning"] + 0.06,
        delivery_low=cluster["delivery"] - 0.05,
        delivery_high=cluster["delivery"] + 0.05,
        n=30,
    )
    ax = plot_grid(cluster)
    assert _label_problems(ax, _grid_marks(ax, grid_chart_data(cluster))) == []
    assert _overlaps(ax) == []


@pytest.fixture(scope="module")
def northbridge_survey() -> pd.DataFrame:
    from coprod.datasets import load_dataset

    return load_dataset("services_survey").data.query("council == 'Northbridge'")


def test_notebook_movement_chart_labels_its_own_services(northbridge_survey):
    """01_grid_movement: Refuse collection, Housing repairs and Youth clubs were mislabelled."""
    from coprod.grid import movement

    moves = movement(
        northbridge_survey,
        service="service",
        wave="wave",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=2,
        n_boot=200,
    )
    ax = plot_movement(moves, title="Northbridge: movement from 2023 to 2025")
    marks = _movement_marks(ax, movement_chart_data(moves))
    assert _label_problems(ax, marks) == []
    assert _overlaps(ax) == []


@pytest.mark.parametrize("scheme", ["named", "descriptive"])
def test_notebook_grid_labels_clear_of_cell_names(northbridge_survey, scheme):
    """01_grid_northbridge_2025: "Self-help groups" was under "Litter picking"."""
    from coprod.grid import place_services

    placements = place_services(
        northbridge_survey.query("wave == 2025"),
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
        n_boot=200,
    )
    ax = plot_grid(placements, scheme=scheme, title="Northbridge, 2025: services on the grid")
    assert _label_problems(ax, _grid_marks(ax, grid_chart_data(placements))) == []
    assert _overlaps(ax) == []


def test_empty_grid_has_no_legend_for_marks_not_drawn():
    from coprod.grid import PLACEMENT_COLUMNS

    ax = plot_grid(pd.DataFrame(columns=PLACEMENT_COLUMNS))
    assert ax.get_legend() is None
    assert texts_with_gid(ax, GID_POINT_LABEL) == []
    assert _overlaps(ax) == []


def test_movement_legend_lists_only_what_is_drawn(moves):
    still = plot_movement(moves.assign(moved=False))
    legend = [t.get_text() for t in still.get_legend().get_texts()]
    # Parks crossed a cell boundary with no clear shift: a change of cell within noise
    assert legend == ["changed cell within noise", "no clear shift", "2022", "2024"]
    moved_only = plot_movement(moves, only_moved=True)
    legend = [t.get_text().replace("\n", " ") for t in moved_only.get_legend().get_texts()]
    assert legend == ["moved (95% interval of the shift excludes 0)", "2022", "2024"]
    empty = plot_movement(moves.assign(moved=False), only_moved=True)
    assert empty.get_legend() is None


def test_labels_keep_their_places_when_saved_and_follow_a_new_size():
    import io

    ax = plot_movement(CROWDED_MOVES)
    fig = ax.figure

    def places():
        return [t.get_position() for t in ax.texts if t.get_gid() == GID_POINT_LABEL]

    before = places()
    for fmt, dpi in (("png", 300), ("svg", 72), ("pdf", 72)):
        fig.savefig(io.BytesIO(), format=fmt, dpi=dpi, bbox_inches="tight")
        assert places() == before, fmt
    fig.set_size_inches(7.0, 6.0)  # e.g. a report's width: the labels are placed again
    marks = _movement_marks(ax, movement_chart_data(CROWDED_MOVES))
    assert _label_problems(ax, marks) == []
    assert places() != before


def test_coincident_points_still_get_one_label_each():
    same = pd.DataFrame(
        {
            "service": ["Parks", "Libraries", "Youth clubs"],
            "planning": [0.3, 0.3, 0.3],
            "delivery": [0.3, 0.3, 0.3],
            "planning_low": 0.2,
            "planning_high": 0.4,
            "delivery_low": 0.2,
            "delivery_high": 0.4,
        }
    )
    ax = plot_grid(same)
    boxes = _label_boxes(ax, _drawn(ax))
    assert {label: len(found) for label, found in boxes.items()} == {
        "Parks": 1,
        "Libraries": 1,
        "Youth clubs": 1,
    }
    assert _overlaps(ax) == []


# ------------------------------------------------------------------- co-planning grid


def _spc_like(service: str, concern_points: int, n: int = 24) -> pd.DataFrame:
    """An spc-shaped result whose last ``concern_points`` points are a run above centre."""
    concern = [False] * (n - concern_points) + [True] * concern_points
    return pd.DataFrame(
        {
            "service": service,
            "period": pd.date_range("2023-01-01", periods=n, freq="MS"),
            "side": [1 if c else 0 for c in concern],
            "rule_outside": False,
            "rule_run": concern,
            "rule_trend_rising": False,
            "rule_trend_falling": False,
            "rule_two_of_three": False,
            "later_trend": 0,
            "variation": ["special_cause_concern" if c else "common_cause" for c in concern],
            "run_length": 7,
            "trend_length": 6,
        }
    )


@pytest.fixture
def co_planning_table() -> pd.DataFrame:
    from coprod.co_planning import consider_co_planning

    counts = pd.concat(
        [
            _spc_like("Refuse collection", 2),
            _spc_like("Social care", 14),
            _spc_like("Housing repairs", 13),
            _spc_like("Parks", 0),
            _spc_like("Road maintenance", 0),
        ]
    )
    placements = pd.DataFrame(
        {
            "council": "Northbridge",
            "wave": 2025,
            "service": ["Refuse collection", "Social care", "Housing repairs", "Parks"],
            "n": 40,
            "planning": [0.14, 0.26, 0.67, 0.92],
            "delivery": [0.19, 0.46, 0.54, 0.12],
            "planning_low": [0.07, 0.16, 0.53, 0.78],
            "planning_high": [0.23, 0.38, 0.81, 1.05],
            "delivery_low": [0.10, 0.35, 0.44, 0.05],
            "delivery_high": [0.28, 0.57, 0.64, 0.20],
        }
    )
    return consider_co_planning(counts, placements=placements)


def test_co_planning_chart_data(co_planning_table):
    from coprod.charts.grid import co_planning_chart_data

    data = co_planning_chart_data(co_planning_table).set_index("service")
    assert sorted(data.index) == ["Housing repairs", "Parks", "Refuse collection", "Social care"]
    assert data["decision"].to_dict() == {
        "Social care": "consider co-planning",
        "Housing repairs": "look at delivery",
        "Parks": "no concern",
        "Refuse collection": "watch",
    }
    assert data.loc["Refuse collection", "strength"] == "number: run of 7 above centre, 2 points"
    assert data.loc["Social care", "strength"] == "number: run of 7 above centre, 14 points"
    assert data.loc["Parks", "strength"] == ""
    assert data.loc["Social care", ["x", "y"]].tolist() == [0.26, 0.46]
    # the survey and the settings travel with the chart's rows
    assert set(data["wave"]) == {2025} and set(data["council"]) == {"Northbridge"}
    assert data[["recent", "min_points", "sustained_points"]].drop_duplicates().values.tolist() == [
        [6, 2, 12]
    ]
    with pytest.raises(KeyError, match="decision"):
        co_planning_chart_data(co_planning_table.drop(columns="decision"))


def test_plot_co_planning_names_the_wave_and_never_recommends_a_short_signal(co_planning_table):
    from coprod.charts.grid import co_planning_chart_data, plot_co_planning

    ax = plot_co_planning(co_planning_table)
    data = co_planning_chart_data(co_planning_table)
    markers = {
        service: (c.lines[0].get_marker(), c.lines[0].get_markerfacecolor())
        for service, c in zip(data["service"], ax.containers, strict=True)
    }
    assert markers == {
        "Social care": ("D", "#D55E00"),  # the recommendation: filled
        "Housing repairs": ("s", "#0072B2"),
        "Parks": ("o", "#A6A6A6"),
        "Refuse collection": ("D", "white"),  # a short signal: hollow, never filled
    }
    legend = ax.get_legend()
    assert legend.get_title().get_text() == (
        "Positions from the survey: council Northbridge, wave 2025\n"
        "Not placed (no survey position): Road maintenance"
    )
    assert [t.get_text().replace("\n", " ") for t in legend.get_texts()] == [
        "Consider co-planning: a rise of 12+ points, planning professional-led",
        "A rise of 12+ points, planning already shared: look at delivery",
        "Watch: a signal of under 12 points, often chance",
        "No special-cause concern in the last 6 periods",
    ]
    labels = {t.split(" number:")[0]: t for t in texts_with_gid(ax, GID_POINT_LABEL)}
    assert labels["Refuse collection"].endswith("run of 7 above centre, 2 points")
    assert labels["Social care"].endswith("run of 7 above centre, 14 points")
    assert labels["Parks"] == "Parks"
    bold = [
        t.get_text()
        for t in ax.texts
        if t.get_gid() == GID_POINT_LABEL and t.get_fontweight() == "bold"
    ]
    assert [b.split("\n")[0] for b in bold] == ["Social care"]
    marks = _grid_marks(ax, data.assign(label=data["service"]))
    renderer = _drawn(ax)
    boxes = {
        t.get_text().split("\n")[0]: t.get_window_extent(renderer)
        for t in ax.texts
        if t.get_gid() == GID_POINT_LABEL
    }
    for service, box in boxes.items():
        distance = {other: _rect_mark_distance(box, *mark) for other, mark in marks.items()}
        assert min(distance, key=distance.get) == service
    assert _overlaps(ax) == []


def test_plot_co_planning_without_a_recommendation_has_no_entry_for_one(co_planning_table):
    from coprod.charts.grid import plot_co_planning

    table = co_planning_table[co_planning_table["service"] != "Social care"]
    ax = plot_co_planning(table.assign(wave=pd.NA, council=pd.NA))
    legend = ax.get_legend()
    assert not any(t.get_text().startswith("Consider") for t in legend.get_texts())
    assert (
        legend.get_title()
        .get_text()
        .startswith("Positions from a survey the table does not name (no wave column)")
    )


# ------------------------------------------------------------------ the practices view


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    from coprod.datasets import load_dataset

    return load_dataset("practices").data


def _cell_of_text(ax, text) -> tuple[int, int]:
    """The cell (planning, delivery codes) a text is anchored in."""
    x, y = text.xy
    return int(round(x + 0.5)), int(round(y + 0.5))


def _inside_its_cell(ax, text) -> bool:
    p, d = _cell_of_text(ax, text)
    (x0, y0), (x1, y1) = ax.transData.transform([(p - 0.5, d + 0.5), (p + 0.5, d - 0.5)])
    box = text.get_window_extent(ax.figure.canvas.get_renderer())
    return x0 <= box.x0 and box.x1 <= x1 and y0 <= box.y0 and box.y1 <= y1


def test_practices_chart_data(catalogue):
    from coprod.charts.grid import practices_chart_data

    data = practices_chart_data(catalogue)
    assert len(data) == 23
    assert list(data.columns[:7]) == [
        "planning",
        "delivery",
        "planning_code",
        "delivery_code",
        "heading",
        "practice",
        "order",
    ]
    assert {"organisation", "source", "locator"} <= set(data.columns)
    pairs = zip(data["planning_code"], data["delivery_code"], strict=True)
    cells_in_order = list(dict.fromkeys(pairs))
    assert cells_in_order == [(p, d) for p in range(3) for d in range(3)]
    first = data[(data["planning_code"] == 0) & (data["delivery_code"] == 0)]
    assert first["order"].tolist() == [0, 1, 2, 3, 4]
    assert first["practice"].iloc[0] == "Questionnaire before the plan"
    assert set(data["heading"].dropna()) == FIVE_NAMES
    assert data["heading"].isna().sum() == 8  # the practices in the four blank cells
    described = practices_chart_data(catalogue, scheme="descriptive")
    assert described["heading"].notna().all()
    assert "co-planned, professionally delivered" in set(described["heading"])
    named = practices_chart_data(catalogue, names={(1, 0): "Participatory planning"})
    assert (named["heading"] == "Participatory planning").sum() == 2


def test_practices_chart_data_refuses_unknown_levels_and_missing_columns(catalogue):
    from coprod.charts.grid import practices_chart_data
    from coprod.grid import LevelError

    with pytest.raises(LevelError, match="'sometimes' is not a planning level|not planning"):
        practices_chart_data(catalogue.assign(planning="sometimes"))
    with pytest.raises(ValueError, match="delivery"):
        practices_chart_data(catalogue.drop(columns="delivery"))


def test_plot_practices_lists_every_practice_in_its_cell(catalogue):
    from coprod.charts.grid import (
        GID_CELL_HEADING,
        GID_PRACTICE,
        GID_PRACTICE_BULLET,
        plot_practices,
    )

    ax = plot_practices(catalogue)
    fig = ax.figure
    fig.canvas.draw()
    practices = [t for t in ax.texts if t.get_gid() == GID_PRACTICE]
    assert sorted(t.get_text().replace("\n", " ") for t in practices) == sorted(
        catalogue["practice"]
    )
    where = {t.get_text().replace("\n", " "): _cell_of_text(ax, t) for t in practices}
    codes = {"professionals": 0, "co-planning": 1, "co-delivery": 1, "community": 2}
    for row in catalogue.itertuples():
        assert where[row.practice] == (codes[row.planning], codes[row.delivery]), row.practice
    headings = texts_with_gid(ax, GID_CELL_HEADING)
    assert len(headings) == 9 and FIVE_NAMES <= set(headings)
    assert "co-planned, professionally delivered" in headings
    bullets = [t for t in ax.texts if t.get_gid() == GID_PRACTICE_BULLET]
    assert len(bullets) == 23
    # bullets coloured by organisation, with one key entry per kind present
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "council in-house",
        "private contractor",
        "PFI contract",
        "voluntary organisation",
        "social enterprise or\ndevelopment trust",
        "residents",
    ]
    colour = {t.get_text().replace("\n", " "): t for t in practices}
    by_practice = dict(zip(catalogue["practice"], catalogue["organisation"], strict=True))
    bullet_colour = {}
    for bullet, text in zip(bullets, practices, strict=True):
        bullet_colour.setdefault(by_practice[text.get_text().replace("\n", " ")], set()).add(
            bullet.get_color()
        )
    assert all(len(c) == 1 for c in bullet_colour.values())
    assert len({next(iter(c)) for c in bullet_colour.values()}) == 6
    assert colour  # every practice drawn once
    plt.close(fig)


def test_plot_practices_nothing_leaves_its_cell_or_prints_under_8pt(catalogue):
    from coprod.charts.grid import GID_CELL_HEADING, GID_PRACTICE, plot_practices
    from coprod.style import too_small

    for scheme in ("named", "descriptive"):
        ax = plot_practices(catalogue, scheme=scheme)
        fig = ax.figure
        fig.canvas.draw()
        assert fig.get_figwidth() == pytest.approx(16 / 2.54)
        inside = [t for t in ax.texts if t.get_gid() in (GID_PRACTICE, GID_CELL_HEADING)]
        assert len(inside) == 32
        outside = [t.get_text() for t in inside if not _inside_its_cell(ax, t)]
        assert outside == []
        # no two texts of a cell overlap
        renderer = fig.canvas.get_renderer()
        boxes = [(t.get_window_extent(renderer), _cell_of_text(ax, t)) for t in inside]
        for i, (a, ca) in enumerate(boxes):
            for b, cb in boxes[i + 1 :]:
                assert ca != cb or not a.overlaps(b)
        assert too_small(fig).empty
        plt.close(fig)


def test_plot_practices_on_a_small_axes_still_fits_by_wrapping(catalogue):
    from coprod.charts.grid import GID_PRACTICE, plot_practices

    fig, ax = plt.subplots(figsize=(16 / 2.54, 18 / 2.54), layout="constrained")
    plot_practices(catalogue.head(9), ax=ax, hue=None, title=None, source="")
    fig.canvas.draw()
    practices = [t for t in ax.texts if t.get_gid() == GID_PRACTICE]
    assert len(practices) == 9 and all(_inside_its_cell(ax, t) for t in practices)
    assert ax.get_legend() is None
    plt.close(fig)


def test_plot_practices_prints_the_catalogue_s_source_and_saves_nothing(
    catalogue, tmp_path, monkeypatch
):
    from coprod.charts._style import GID_SOURCE
    from coprod.charts.grid import plot_practices

    monkeypatch.chdir(tmp_path)
    ax = plot_practices(catalogue)
    ax.figure.canvas.draw()
    notes = [a.get_text() for a in ax.figure.artists if a.get_gid() == GID_SOURCE]
    notes += [t.get_text() for t in ax.figure.texts if t.get_gid() == GID_SOURCE]
    assert any("Practices catalogue from coprod, CC BY 4.0" in n for n in notes)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="hue column 'council'"):
        plot_practices(catalogue, hue="council")
    plt.close("all")


# ------------------------------------------------------------- who delivers: marker shapes


def test_grid_chart_data_marks_the_organisation_only_when_placements_have_it(placements):
    from coprod.charts.grid import ORGANISATION_MARKERS
    from coprod.vocab import ORGANISATION_KINDS

    assert "marker" not in grid_chart_data(placements)
    assert tuple(ORGANISATION_MARKERS) == ORGANISATION_KINDS
    assert len(set(ORGANISATION_MARKERS.values())) == 6 and "D" not in ORGANISATION_MARKERS.values()
    with_kind = placements.assign(
        organisation=["PFI contract", "residents", None, "private contractor"],
        organisation_share=[0.7, 0.5, np.nan, 0.6],
    )
    data = grid_chart_data(with_kind)
    assert data["marker"].tolist() == ["*", "P", ".", "s"]
    assert data["organisation_share"].tolist()[:2] == [0.7, 0.5]
    with pytest.raises(
        ValueError, match=r"not in coprod.vocab.ORGANISATION_KINDS: \['contractor'\]"
    ):
        grid_chart_data(with_kind.assign(organisation="contractor"))


def test_plot_grid_shows_the_main_organisation_by_shape_with_a_key_per_kind(placements):
    plain = plot_grid(placements)
    plain_legend = [t.get_text() for t in plain.get_legend().get_texts()]
    assert plain_legend == ["mean position, 95% interval"]  # unchanged without organisation
    with_kind = placements.assign(
        organisation=["PFI contract", "council in-house", "PFI contract", None],
        organisation_share=[0.7, 0.5, 0.6, np.nan],
    )
    ax = plot_grid(with_kind, highlight="flagged", highlight_label="Flagged")
    markers = [c.lines[0].get_marker() for c in ax.containers]
    assert markers == ["*", "o", "*", "."]  # the highlight keeps the shape...
    assert ax.containers[1].lines[0].get_markeredgecolor() == "black"  # ...and its edge
    texts = ax.get_legend().get_texts()
    legend = [t.get_text().replace("\n", " ") for t in texts]
    assert legend == [
        "main delivering organisation",
        "council in-house",
        "PFI contract",
        "none named",
        "mean position, 95% interval",
        "Flagged: Libraries",
    ]
    assert texts[0].get_fontweight() == "bold"
    handles = ax.get_legend().legend_handles
    assert [h.get_marker() for h in handles[1:4]] == ["o", "*", "."]
    assert handles[5].get_marker() == "o"  # no diamond: shapes mean organisations here


def test_notebook_organisation_grid_labels_each_point_and_prints_legibly(northbridge_survey):
    """01_grid_organisation: every label by its own mark, nothing under 8 pt at 16 cm."""
    from coprod.grid import place_services
    from coprod.style import too_small

    placements = place_services(
        northbridge_survey.query("wave == 2025"),
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
        n_boot=200,
        organisation="organisation",
    )
    ax = plot_grid(placements, title="Northbridge, 2025: who delivers each service")
    assert _label_problems(ax, _grid_marks(ax, grid_chart_data(placements))) == []
    assert _overlaps(ax) == []
    assert too_small(ax.figure).empty
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert legend[0] == "main delivering organisation" and len(legend) == 8  # all six kinds


def test_movement_chart_draws_a_change_of_cell_within_noise_apart(moves):
    from matplotlib.colors import to_hex

    noisy = moves.assign(
        cell_to=["co-planned, professionally delivered", "Community planning", "Self-help groups"]
    )
    data = movement_chart_data(noisy)
    assert data["cell_change"].tolist() == ["changed cell", "within noise", "same cell"]
    assert data["adjustment"].tolist() == ["none"] * 3
    ax = plot_movement(noisy)
    arrows = [p for p in ax.patches if p.get_gid() == "grid-movement-arrow"]
    colours = [to_hex(a.get_edgecolor()) for a in arrows]
    assert colours == ["#d55e00", "#cc79a7", "#8c8c8c"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "changed cell within noise" in legend
    assert "moved (95% interval of the shift excludes 0)" in legend
    plt.close(ax.figure)
    adjusted = noisy.assign(adjustment="holm")
    ax = plot_movement(adjusted)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "moved (Holm-adjusted p < 0.05)" in legend
    plt.close(ax.figure)

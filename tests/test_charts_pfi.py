"""A council's PFI contracts against its control bands: the tidy data and the figure's
structure (bars, a label on each bar and inside it, bands, legend)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex

from coprod._core.columns import MissingColumnError
from coprod.charts.pfi import (
    GID_CONTRACT,
    GID_CONTRACT_LABEL,
    GID_CONTROL_LABEL,
    contracts_timeline_data,
    plot_contracts_timeline,
)
from coprod.charts.politics import PARTY_COLOURS
from coprod.datasets import load_dataset

SHEFFIELD = "E08000019"
# Sheffield's control as Open Council Data gives it (history1973-2015.csv and
# history2016-26.csv, 'majority' column; "Lab plurality" and "LAB/LD/GRN" are NOC)
SHEFFIELD_CONTROL = (
    [("Lab", y) for y in range(1990, 1999)]
    + [("LD", y) for y in (1999, 2000, 2001)]
    + [("NOC", 2002)]
    + [("Lab", y) for y in range(2003, 2007)]
    + [("NOC", 2007), ("LD", 2008), ("LD", 2009), ("NOC", 2010)]
    + [("Lab", y) for y in range(2011, 2021)]
    + [("NOC", y) for y in range(2021, 2027)]
)


@pytest.fixture(scope="module")
def pfi():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_dataset("pfi_projects")


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "council_code": SHEFFIELD,
            "council": "Sheffield",
            "year": [y for _, y in SHEFFIELD_CONTROL],
            "control": [c for c, _ in SHEFFIELD_CONTROL],
        }
    )


@pytest.fixture(scope="module")
def data(pfi, history) -> pd.DataFrame:
    return contracts_timeline_data(pfi, history, "Sheffield")


def test_the_data_has_a_row_per_contract_and_per_band(pfi, data):
    bars = data.loc[data["element"] == "contract"]
    bands = data.loc[data["element"] == "control"]
    assert len(bars) == 7
    # first signed at the top (y 6), the highways contract (signed 2012) at the bottom
    assert bars["y"].tolist() == [6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
    assert bars["project_id"].tolist() == ["135", "111", "109", "110", "108", "870", "763"]
    first = bars.iloc[0]  # Heart of the City Offices: close 31-03-1999, ends 15-02-2031
    assert first["start"] == pytest.approx(1999 + 89 / 365)
    assert first["end"] == pytest.approx(2031 + 45 / 365)
    assert first["label"] == "Heart of the City Offices\nOffices"
    # runs of one control become one band; its years and its drawn span
    assert bands[["control", "first_year", "last_year"]].values.tolist() == [
        ["Lab", 1990, 1998],
        ["LD", 1999, 2001],
        ["NOC", 2002, 2002],
        ["Lab", 2003, 2006],
        ["NOC", 2007, 2007],
        ["LD", 2008, 2009],
        ["NOC", 2010, 2010],
        ["Lab", 2011, 2020],
        ["NOC", 2021, 2026],
    ]
    assert bands["start"].tolist()[:2] == [1990.0, 1999.0] and bands["end"].iloc[-1] == 2027.0
    # every band after the first begins with a change of control
    assert bands["changed"].tolist() == [False] + [True] * 8
    # the GSS code names the same council
    same = contracts_timeline_data(pfi.data, data_history(data), SHEFFIELD)
    assert same["project_id"].dropna().tolist() == bars["project_id"].tolist()


def data_history(data: pd.DataFrame) -> pd.DataFrame:
    bands = data.loc[data["element"] == "control"]
    return pd.DataFrame(
        [
            {"council_code": SHEFFIELD, "year": y, "control": b.control}
            for b in bands.itertuples(index=False)
            for y in range(int(b.first_year), int(b.last_year) + 1)
        ]
    )


def test_a_missing_year_breaks_a_band(pfi, history):
    gappy = history.loc[history["year"] != 2015]
    bands = contracts_timeline_data(pfi, gappy, "Sheffield").query("element == 'control'")
    lab = bands.loc[bands["control"] == "Lab", ["first_year", "last_year"]].values.tolist()
    assert [2011, 2014] in lab and [2016, 2020] in lab


def test_the_chart_draws_each_contract_with_its_label_inside(data):
    ax = plot_contracts_timeline(data)
    assert isinstance(ax, Axes)
    bars = [p for p in ax.patches if p.get_gid() == GID_CONTRACT]
    labels = [t for t in ax.texts if t.get_gid() == GID_CONTRACT_LABEL]
    assert len(bars) == len(labels) == 7
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    for bar, label in zip(bars, labels, strict=True):
        box = bar.get_window_extent(renderer)
        text = label.get_window_extent(renderer)
        # each label sits on its own bar, inside it
        assert box.x0 <= text.x0 and text.x1 <= box.x1 + 0.5
        assert box.y0 <= text.y0 and text.y1 <= box.y1 + 0.5
    shown = [t.get_text() for t in labels]
    assert shown[0] == "Heart of the City Offices\nOffices"
    assert shown[-1].startswith("Sheffield Highways Maintenance\nRoads and Highway")
    # the control strip above the bars and the same bands behind them, in the control
    # charts' colours (coprod.charts.politics), a tick at each change of control
    lo, hi = ax.get_xlim()
    assert lo == 1995 and hi == 2040  # 4 years before the first close; the last end + 1
    for code in ("Lab", "LD", "NOC"):
        (strip,) = [c for c in ax.collections if c.get_gid() == f"control-band-{code}"]
        (behind,) = [c for c in ax.collections if c.get_gid() == f"control-band-{code}-behind"]
        assert to_hex(strip.get_facecolor()[0]) == PARTY_COLOURS[code].lower()
        assert to_hex(behind.get_facecolor()[0]) == PARTY_COLOURS[code].lower()
        assert behind.get_alpha() == 0.3 and behind.get_zorder() < bars[0].get_zorder()
    shown = data.query("element == 'control' and end > @lo")
    (ticks,) = [c for c in ax.collections if c.get_gid() == "control-change"]
    (lines,) = [c for c in ax.collections if c.get_gid() == "control-change-behind"]
    starts = sorted(seg[0][0] for seg in ticks.get_segments())
    assert starts == [1999, 2002, 2003, 2007, 2008, 2010, 2011, 2021]
    assert len(lines.get_segments()) == 8 == int(shown["changed"].sum())
    # the party is named on each band wide enough (3 years or more)
    named = [t.get_text() for t in ax.texts if t.get_gid() == GID_CONTROL_LABEL]
    assert named == ["Lab", "LD", "Lab", "Lab", "NOC"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Labour", "Liberal Democrat", "No overall control", "change of control"]
    assert "control not\nyet known" in [t.get_text() for t in ax.texts]
    assert "Sheffield" in ax.get_title(loc="left")


def test_the_real_control_history_gives_the_raw_files_bands(pfi, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = load_dataset("council_control").data
    real = contracts_timeline_data(pfi, history, SHEFFIELD).query("element == 'control'")
    mine = data.query("element == 'control'")
    # the shipped history starts in 1973 (Lab to 1998); from 1999 on it is the hand list
    assert real.iloc[0][["control", "first_year", "last_year"]].tolist() == ["Lab", 1973, 1998]
    columns = ["control", "first_year", "last_year", "changed"]
    assert real.iloc[1:][columns].values.tolist() == mine.iloc[1:][columns].values.tolist()


def test_labels_are_cut_to_fit_short_bars(pfi, history):
    short = pfi.data.loc[pfi.data["council_code"] == SHEFFIELD].copy()
    short["project"] = "A very long project name that cannot possibly fit on its bar at all"
    short["expected_end"] = short["financial_close"] + pd.DateOffset(years=8)
    ax = plot_contracts_timeline(contracts_timeline_data(short, history, "Sheffield"))
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    bars = [p for p in ax.patches if p.get_gid() == GID_CONTRACT]
    labels = [t for t in ax.texts if t.get_gid() == GID_CONTRACT_LABEL]
    for bar, label in zip(bars, labels, strict=True):
        assert label.get_text().split("\n")[0].endswith("…")
        assert label.get_window_extent(renderer).x1 <= bar.get_window_extent(renderer).x1 + 0.5


def test_errors_name_the_fix(pfi, history):
    with pytest.raises(ValueError, match="no PFI contract of a council 'Atlantis'"):
        contracts_timeline_data(pfi, history, "Atlantis")
    with pytest.raises(MissingColumnError, match="pass read_control_history"):
        contracts_timeline_data(pfi, history.drop(columns="control"), "Sheffield")
    with pytest.raises(ValueError, match="no contract to draw"):
        plot_contracts_timeline(
            pd.DataFrame(
                {c: [] for c in ("element", "y", "start", "end", "label", "control", "council")}
            )
        )


def test_a_council_without_control_history_draws_bars_only(pfi):
    empty = pd.DataFrame({"council_code": [], "year": [], "control": []})
    data = contracts_timeline_data(pfi, empty, "Sheffield")
    assert (data["element"] == "contract").all()
    ax = plot_contracts_timeline(data)
    assert ax.get_legend() is None
    assert np.isclose(ax.get_xlim()[1], np.ceil(data["end"].max()) + 1)
    assert not [c for c in ax.collections if str(c.get_gid()).startswith("control-")]

"""Arnstein's ladder from tick-box answers: exact tallies, and the chart's structure."""

from __future__ import annotations

import pandas as pd
import pytest

from coprod.charts.ladder import ladder_chart_data, plot_ladder
from coprod.engagement import NO_RUNG, activity_rungs, highest_rungs, ladder_summary

CROSSWALK = {"survey": 4, "open_house": 3, "co_design": 6, "petition": None}


@pytest.fixture
def ticks():
    return pd.DataFrame(
        {
            "survey": [True, True, False, False, True],
            "open_house": [True, False, True, False, False],
            "co_design": [False, True, False, False, False],
            "petition": [False, False, False, True, True],
            "weight": [1.0, 1.0, 2.0, 1.0, 1.0],
        }
    )


def test_activity_rungs_exact(ticks):
    table = activity_rungs(ticks, crosswalk=CROSSWALK).set_index("activity")
    assert table.loc["survey", "n_ticked"] == 3
    assert table.loc["survey", "share"] == pytest.approx(3 / 5)
    assert table.loc["co_design", "rung_name"] == "Partnership"
    assert table.loc["petition", "group"] == "not City-led"
    assert pd.isna(table.loc["petition", "rung"])
    assert list(table.index) == ["co_design", "survey", "open_house", "petition"]


def test_activity_rungs_weighted(ticks):
    table = activity_rungs(ticks, crosswalk=CROSSWALK, weight="weight").set_index("activity")
    assert table.loc["open_house", "share"] == pytest.approx(3 / 6)


def test_highest_rungs_exact(ticks):
    table = highest_rungs(ticks, crosswalk=CROSSWALK).set_index("rung")
    # respondents: 4 (survey+open house), 6 (co-design), 3, none (petition only), 4
    assert table.loc[0, "name"] == NO_RUNG
    assert table["n"].to_dict() == {0: 1, 1: 0, 2: 0, 3: 1, 4: 2, 5: 0, 6: 1, 7: 0, 8: 0}
    assert table["share"].sum() == pytest.approx(1.0)
    weighted = highest_rungs(ticks, crosswalk=CROSSWALK, weight="weight").set_index("rung")
    assert weighted.loc[3, "share"] == pytest.approx(2 / 6)
    text = ladder_summary(table.reset_index())
    assert "Of 5 respondents, 20% ticked no City-led activity." in text
    assert "rung was 4 (Consultation, 40%)" in text


def test_bad_input_named(ticks):
    with pytest.raises(KeyError, match="missing_col"):
        activity_rungs(ticks, crosswalk={"missing_col": 3})
    with pytest.raises(ValueError, match="1 to 8"):
        highest_rungs(ticks, crosswalk={"survey": 9})
    with pytest.raises(TypeError, match="True/False"):
        highest_rungs(ticks.assign(survey=ticks["survey"].astype(int)), crosswalk={"survey": 4})


def test_plot_ladder_structure(ticks):
    table = highest_rungs(ticks, crosswalk=CROSSWALK)
    data = ladder_chart_data(table)
    assert list(data["y"]) == [-0.5, 1, 2, 3, 4, 5, 6, 7, 8]
    ax = plot_ladder(table)
    bars = [p for p in ax.patches if p.get_gid() == "ladder-bar"]
    assert len(bars) == 9
    assert [round(b.get_width(), 6) for b in bars] == [20.0, 0, 0, 20.0, 40.0, 0, 20.0, 0, 0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "No City-led activity ticked" and labels[-1] == "8. Citizen control"
    assert "Arnstein" in ax.get_title()


# ------------------------------------------------------------------ consultation timing

TIMED = {"survey": 4, "hearing": 4, "feedback": 4, "open_house": 3}


@pytest.fixture
def timed_ticks():
    return pd.DataFrame(
        {
            "survey": [True, True, False, False, False, True],
            "hearing": [False, True, True, False, False, False],
            "feedback": [False, False, False, True, False, False],
            "open_house": [False, False, False, False, True, True],
        }
    )


def test_highest_rungs_splits_consultation_by_timing(timed_ticks):
    timing = {"survey": "before a plan is made", "hearing": "on proposals"}
    table = highest_rungs(timed_ticks, crosswalk=TIMED, timing=timing)
    consultation = table[table["rung"] == 4].set_index("timing")["n"]
    # rows: survey only, both, hearing only, feedback only (untimed), open house only, survey +
    # open house (highest is still consultation, before planning)
    assert consultation.to_dict() == {
        "before a plan is made": 2,
        "on proposals": 1,
        "both": 1,
        "not recorded": 1,
    }
    assert table["n"].sum() == 6 and table["share"].sum() == pytest.approx(1.0)
    assert table.loc[table["rung"] != 4, "timing"].isna().all()
    plain = highest_rungs(timed_ticks, crosswalk=TIMED)
    assert plain.loc[plain["rung"] == 4, "n"].tolist() == [5]
    text = " ".join(ladder_summary(table).split())
    assert "Consultation was the highest rung for 83%: 33% only before a plan was made" in text
    assert "Consultation was the highest rung" not in ladder_summary(plain)
    rows = activity_rungs(timed_ticks, crosswalk=TIMED, timing=timing).set_index("activity")
    assert rows.loc["hearing", "timing"] == "on proposals" and pd.isna(
        rows.loc["feedback", "timing"]
    )


def test_timing_is_refused_where_it_means_nothing(timed_ticks):
    with pytest.raises(ValueError, match="consultation activities \\(rung 4\\) only"):
        highest_rungs(timed_ticks, crosswalk=TIMED, timing={"open_house": "before a plan is made"})
    with pytest.raises(ValueError, match="timings must be one of"):
        highest_rungs(timed_ticks, crosswalk=TIMED, timing={"survey": "afterwards"})
    with pytest.raises(KeyError, match="not in the crosswalk"):
        highest_rungs(timed_ticks, crosswalk=TIMED, timing={"poll": "before a plan is made"})


def test_ladder_chart_stacks_consultation_by_timing(timed_ticks):
    import matplotlib.pyplot as plt

    table = highest_rungs(
        timed_ticks,
        crosswalk=TIMED,
        timing={"survey": "before a plan is made", "hearing": "on proposals"},
    )
    data = ladder_chart_data(table)
    parts = data[data["rung"] == 4]
    assert parts["left"].tolist() == pytest.approx([0, 100 * 2 / 6, 100 * 3 / 6, 100 * 4 / 6])
    assert parts["hatch"].tolist() == ["", "////", "xxxx", "...."]
    ax = plot_ladder(table)
    bars = [p for p in ax.patches if p.get_gid() == "ladder-bar"]
    assert len(bars) == len(data) == 12
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels.count("4. Consultation") == 1
    totals = [t.get_text() for t in ax.texts if t.get_text().startswith("83%")]
    assert totals == ["83% (n = 5)"]
    legends = [c for c in ax.get_children() if type(c).__name__ == "Legend"]
    titles = sorted(lg.get_title().get_text() for lg in legends)
    assert titles == ["Arnstein's groups", "Consulted when"]
    plt.close(ax.figure)

"""Likert table (exact shares, neutral modes, weights) and the diverging bar chart."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer

from coprod.charts.likert import likert_table, plot_likert

SCALE = ("SD", "D", "N", "A", "SA")


@pytest.fixture
def responses() -> pd.DataFrame:
    # q1: SD, D, N, N, A, SA and one missing answer.
    # q2: mostly agreeing, as an ordered Categorical, one missing.
    return pd.DataFrame(
        {
            "q1": ["SD", "D", "N", "N", "A", "SA", None],
            "q2": pd.Categorical(
                ["A", "SA", "SA", "N", "A", None, "D"], categories=SCALE, ordered=True
            ),
            "w": [1.0, 1.0, 2.0, 2.0, 1.0, 3.0, 5.0],
        }
    )


def shares(table: pd.DataFrame, item: str) -> dict[str, float]:
    sub = table[table["item"] == item]
    return dict(zip(sub["level"], sub["share"], strict=True))


def row(table: pd.DataFrame, item: str, level: str) -> pd.Series:
    sub = table[(table["item"] == item) & (table["level"] == level)]
    assert len(sub) == 1
    return sub.iloc[0]


# ------------------------------------------------------------------------- table


def test_columns_and_units(responses):
    t = likert_table(responses, items=["q1", "q2"], scale=SCALE)
    assert list(t.columns[:10]) == [
        "item",
        "label",
        "level",
        "level_index",
        "side",
        "share",
        "start",
        "end",
        "n",
        "weighted",
    ]
    assert set(t["side"]) == {"negative", "neutral", "positive"}
    assert list(t.loc[t["item"] == "q1", "side"]) == [
        "negative",
        "negative",
        "neutral",
        "positive",
        "positive",
    ]
    assert not t["weighted"].any()
    # shares are proportions summing to 1; extents are percent
    for _item, sub in t.groupby("item"):
        assert sub["share"].sum() == pytest.approx(1.0)
        assert (sub["end"] - sub["start"]).sum() == pytest.approx(100.0)


def test_unweighted_split_exact(responses):
    t = likert_table(responses, items=["q1"], scale=SCALE, neutral="split")
    s = shares(t, "q1")
    assert s == pytest.approx({"SD": 1 / 6, "D": 1 / 6, "N": 2 / 6, "A": 1 / 6, "SA": 1 / 6})
    assert set(t["n"]) == {6}  # the missing answer is left out
    neu = row(t, "q1", "N")
    assert neu["start"] == pytest.approx(-100 / 6)  # -neutral_share / 2, in percent
    assert neu["end"] == pytest.approx(100 / 6)
    d, sd = row(t, "q1", "D"), row(t, "q1", "SD")
    assert d["end"] == pytest.approx(neu["start"])
    assert d["start"] == pytest.approx(neu["start"] - 100 / 6)
    assert sd["end"] == pytest.approx(d["start"])
    assert sd["start"] == pytest.approx(-50.0)
    a, sa = row(t, "q1", "A"), row(t, "q1", "SA")
    assert a["start"] == pytest.approx(neu["end"])
    assert sa["start"] == pytest.approx(a["end"])
    assert sa["end"] == pytest.approx(50.0)
    assert (t["start"] <= t["end"]).all()
    assert t["net"].iloc[0] == pytest.approx(0.0)
    assert t["n_neutral"].iloc[0] == 2


def test_weighted_split_exact(responses):
    t = likert_table(responses, items=["q1"], scale=SCALE, neutral="split", weight="w")
    # answering weights: 1, 1, 2, 2, 1, 3 (sum 10); the missing answer's weight 5 is ignored
    assert shares(t, "q1") == pytest.approx({"SD": 0.1, "D": 0.1, "N": 0.4, "A": 0.1, "SA": 0.3})
    assert t["weighted"].all()
    assert set(t["n"]) == {6}  # n stays a head count
    neu = row(t, "q1", "N")
    assert (neu["start"], neu["end"]) == pytest.approx((-20.0, 20.0))
    assert (row(t, "q1", "D")["start"], row(t, "q1", "D")["end"]) == pytest.approx((-30.0, -20.0))
    assert (row(t, "q1", "SD")["start"], row(t, "q1", "SD")["end"]) == pytest.approx((-40.0, -30.0))
    assert (row(t, "q1", "SA")["start"], row(t, "q1", "SA")["end"]) == pytest.approx((30.0, 60.0))
    assert t["net"].iloc[0] == pytest.approx(20.0)


@pytest.mark.parametrize("weight", [None, "w"])
def test_separate_mode(responses, weight):
    t = likert_table(responses, items=["q1"], scale=SCALE, neutral="separate", weight=weight)
    split = likert_table(responses, items=["q1"], scale=SCALE, neutral="split", weight=weight)
    # same shares (neutral stays in the denominator), different extents
    assert shares(t, "q1") == pytest.approx(shares(split, "q1"))
    d, a, neu = row(t, "q1", "D"), row(t, "q1", "A"), row(t, "q1", "N")
    assert d["end"] == 0.0
    assert a["start"] == 0.0
    assert neu["start"] == 0.0
    assert neu["end"] == pytest.approx(neu["share"] * 100)
    assert set(t["neutral"]) == {"separate"}


def test_exclude_mode_unweighted(responses):
    t = likert_table(responses, items=["q1"], scale=SCALE, neutral="exclude")
    assert "N" not in set(t["level"])
    assert shares(t, "q1") == pytest.approx({"SD": 0.25, "D": 0.25, "A": 0.25, "SA": 0.25})
    assert set(t["n"]) == {4}  # 6 answers minus 2 neutral
    assert set(t["n_neutral"]) == {2}  # says how many neutral answers were dropped
    assert set(t["neutral"]) == {"exclude"}
    assert row(t, "q1", "D")["end"] == 0.0
    assert row(t, "q1", "SD")["start"] == pytest.approx(-50.0)
    assert row(t, "q1", "SA")["end"] == pytest.approx(50.0)


def test_exclude_mode_weighted(responses):
    t = likert_table(responses, items=["q1"], scale=SCALE, neutral="exclude", weight="w")
    # non-neutral answering weights: 1, 1, 1, 3 (sum 6)
    assert shares(t, "q1") == pytest.approx({"SD": 1 / 6, "D": 1 / 6, "A": 1 / 6, "SA": 0.5})
    assert t["net"].iloc[0] == pytest.approx(100 * (4 / 6 - 2 / 6))


def test_categorical_answers(responses):
    t = likert_table(responses, items=["q2"], scale=SCALE)
    assert shares(t, "q2") == pytest.approx(
        {"SD": 0, "D": 1 / 6, "N": 1 / 6, "A": 2 / 6, "SA": 2 / 6}
    )
    assert set(t["n"]) == {6}


def test_even_scale_has_no_neutral():
    df = pd.DataFrame({"q": ["no", "no", "yes", "rather yes", "rather no", np.nan]})
    t = likert_table(df, items=["q"], scale=("no", "rather no", "rather yes", "yes"))
    assert set(t["side"]) == {"negative", "positive"}
    assert shares(t, "q") == pytest.approx(
        {"no": 0.4, "rather no": 0.2, "rather yes": 0.2, "yes": 0.2}
    )
    assert row(t, "q", "rather no")["end"] == 0.0
    assert row(t, "q", "no")["start"] == pytest.approx(-60.0)
    assert set(t["n_neutral"]) == {0}


def test_unknown_label_names_item_and_value(responses):
    bad = responses.assign(q1=["SD", "D", "N", "Agree!", "A", "SA", None])
    with pytest.raises(ValueError, match=r"q1.*'Agree!'"):
        likert_table(bad, items=["q1"], scale=SCALE)


def test_other_errors(responses):
    with pytest.raises(ValueError, match="neutral"):
        likert_table(responses, items=["q1"], scale=SCALE, neutral="drop")
    with pytest.raises(ValueError, match="missing_col"):
        likert_table(responses, items=["missing_col"], scale=SCALE)
    with pytest.raises(ValueError, match="weight"):
        likert_table(
            responses.assign(w=[1, 1, np.nan, 1, 1, 1, 1]), items=["q1"], scale=SCALE, weight="w"
        )
    with pytest.raises(ValueError, match="negative"):
        likert_table(
            responses.assign(w=[1, 1, -1, 1, 1, 1, 1]), items=["q1"], scale=SCALE, weight="w"
        )
    with pytest.raises(ValueError, match="duplicated"):
        likert_table(responses, items=["q1"], scale=("SD", "SD", "A"))


def test_order_and_labels(responses):
    t = likert_table(responses, items=["q1", "q2"], scale=SCALE, labels={"q2": "Second item"})
    # q2 has the higher net agreement, so it comes first
    assert list(pd.unique(t["item"])) == ["q2", "q1"]
    assert set(t.loc[t["item"] == "q2", "label"]) == {"Second item"}
    assert set(t.loc[t["item"] == "q1", "label"]) == {"q1"}
    given = likert_table(responses, items=["q1", "q2"], scale=SCALE, order="given")
    assert list(pd.unique(given["item"])) == ["q1", "q2"]
    explicit = likert_table(responses, items=["q1", "q2"], scale=SCALE, order=["q1", "q2"])
    assert list(pd.unique(explicit["item"])) == ["q1", "q2"]
    with pytest.raises(ValueError, match="permutation"):
        likert_table(responses, items=["q1", "q2"], scale=SCALE, order=["q1"])


def test_item_without_answers():
    df = pd.DataFrame({"a": ["A", "SA"], "b": [None, None]})
    t = likert_table(df, items=["a", "b"], scale=SCALE)
    assert t.loc[t["item"] == "b", "share"].isna().all()
    assert list(pd.unique(t["item"])) == ["a", "b"]
    ax = plot_likert(t)
    assert "no answers" in ax.get_yticklabels()[1].get_text()


# -------------------------------------------------------------------------- plot


def bar_patches(ax) -> list:
    return [p for c in ax.containers if isinstance(c, BarContainer) for p in c.patches]


def test_plot_split_structure(responses):
    t = likert_table(
        responses,
        items=["q1", "q2"],
        scale=SCALE,
        labels={"q1": "A rather long statement about the council planning services with us"},
    )
    fig, ax = plt.subplots()
    out = plot_likert(t, ax=ax, title="Views")
    assert out is ax
    assert len(ax.containers) == 5  # one per level
    assert [c.get_label() for c in ax.containers] == list(SCALE)
    assert len(bar_patches(ax)) == 10  # items x levels
    lo, hi = ax.get_xlim()
    assert lo == -hi
    assert ax.get_xlabel().startswith("% of respondents")
    assert ax.get_title(loc="left") == "Views"
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(SCALE)
    # zero line
    assert any(
        np.allclose(line.get_xdata(), 0) and line.get_linewidth() > 1 for line in ax.get_lines()
    )
    # wrapped item labels with n
    labels = [lbl.get_text() for lbl in ax.get_yticklabels()]
    assert "\n" in labels[1] and "(n = 6)" in labels[1]
    # n on the label's last line where it fits (a line fewer an item), else on its own
    assert labels[0] == "q2 (n = 6)"
    assert (
        labels[1] == "A rather long statement about the\ncouncil planning services with us\n(n = 6)"
    )
    shorter = plot_likert(t.replace({"label": {t["label"].iloc[-1]: "A statement about planning"}}))
    assert shorter.get_yticklabels()[1].get_text() == "A statement about planning (n = 6)"
    # the neutral bar straddles zero
    neutral_bars = ax.containers[2].patches
    for patch in neutral_bars:
        assert patch.get_x() == pytest.approx(-patch.get_width() / 2)


def test_value_labels_respect_threshold(responses):
    t = likert_table(responses, items=["q2"], scale=SCALE)  # shares 0, 1/6, 1/6, 1/3, 1/3
    ax = plot_likert(t, min_label_share=0.2)
    values = sorted(txt.get_text() for txt in ax.texts if txt.get_text().endswith("%"))
    assert values == ["33%", "33%"]
    ax2 = plot_likert(t, show_values=False)
    assert not [txt for txt in ax2.texts if txt.get_text().endswith("%")]


def test_plot_separate_puts_neutral_right(responses):
    t = likert_table(responses, items=["q1", "q2"], scale=SCALE, neutral="separate", weight="w")
    ax = plot_likert(t)
    diverging = [c for c in ax.containers if c.get_label() != "N"]
    neutral = [c for c in ax.containers if c.get_label() == "N"]
    assert len(neutral) == 1
    right_edge = max(p.get_x() + p.get_width() for c in diverging for p in c.patches)
    assert min(p.get_x() for p in neutral[0].patches) > right_edge
    assert any(txt.get_gid() == "likert-neutral-heading" for txt in ax.texts)
    assert "weighted" in ax.get_xlabel()
    # legend keeps scale order
    assert [x.get_text() for x in ax.get_legend().get_texts()] == list(SCALE)
    # the diverging part stays symmetric around zero
    lo, _hi = ax.get_xlim()
    assert -lo >= right_edge


def test_plot_exclude_says_so(responses):
    t = likert_table(responses, items=["q1"], scale=SCALE, neutral="exclude")
    ax = plot_likert(t)
    assert "neutral answers excluded" in ax.get_xlabel()
    assert [c.get_label() for c in ax.containers] == ["SD", "D", "A", "SA"]


def test_palette_options(responses):
    t = likert_table(responses, items=["q1"], scale=SCALE)
    ax = plot_likert(t, palette=["#000000", "#111111", "#222222", "#333333", "#444444"])
    assert ax.containers[0].patches[0].get_facecolor()[:3] == pytest.approx((0, 0, 0))
    plot_likert(t, palette="RdBu")
    with pytest.raises(ValueError, match="5 colours"):
        plot_likert(t, palette=["red"])


def test_plot_creates_no_files(responses, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = likert_table(responses, items=["q1", "q2"], scale=SCALE, neutral="separate")
    ax = plot_likert(t)
    ax.figure.canvas.draw()
    assert list(tmp_path.iterdir()) == []


def test_nothing_clipped(responses):
    t = likert_table(
        responses,
        items=["q1", "q2"],
        scale=SCALE,
        neutral="separate",
        labels={"q1": "A very long item label " * 4},
    )
    ax = plot_likert(t, title="A title")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    for artist in [*ax.get_yticklabels(), ax.get_legend(), ax.xaxis.label, *ax.texts]:
        box = artist.get_window_extent(renderer)
        assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1
        assert box.y0 >= fig_box.y0 - 1 and box.y1 <= fig_box.y1 + 1


# ------------------------------------------------------------ reverse-worded items


@pytest.fixture
def influence() -> pd.DataFrame:
    # "Some have less influence than others": a reverse-worded statement (agreeing is the
    # critical answer). Three of four agree with it as worded.
    return pd.DataFrame(
        {
            "unequal": ["A", "SA", "A", "D"],
            "ideas": ["A", "A", "D", "SD"],
        }
    )


def test_reverse_worded_item_is_drawn_as_answered(influence):
    t = likert_table(influence, items=["unequal", "ideas"], scale=SCALE, reverse=["unequal"])
    assert shares(t, "unequal") == {"SD": 0.0, "D": 0.25, "N": 0.0, "A": 0.5, "SA": 0.25}
    agree = t[(t["item"] == "unequal") & (t["side"] == "positive")]
    assert agree["share"].sum() == 0.75
    assert (agree["start"] >= 0).all() and agree["end"].max() == 75.0
    # net agreement is as answered; only the score is reversed, and says so
    assert row(t, "unequal", "A")["net"] == 50.0
    assert row(t, "unequal", "A")["net_score"] == -50.0
    assert row(t, "ideas", "A")["net_score"] == row(t, "ideas", "A")["net"] == 0.0
    assert t.groupby("item")["reversed_for_score"].first().to_dict() == {
        "unequal": True,
        "ideas": False,
    }
    ax = plot_likert(t)
    y = [lbl.get_text().split(" (n = ")[0] for lbl in ax.get_yticklabels()].index("unequal")
    for container in ax.containers:
        (bar,) = [p for p in container.patches if p.get_y() < y < p.get_y() + p.get_height()]
        if container.get_label() in ("A", "SA"):
            assert bar.get_x() >= 0  # agreeing with the statement is on the agree side
        elif container.get_label() in ("SD", "D"):
            assert bar.get_x() + bar.get_width() <= 0
    texts = {t.get_text() for t in ax.texts}
    assert "50%" in texts and "25%" in texts


def test_net_score_is_the_net_of_reverse_coded_answers(influence):
    from coprod.io.survey import reverse_code

    as_given = likert_table(
        influence, items=["unequal"], scale=SCALE, reverse=["unequal"], neutral="exclude"
    )
    flipped = likert_table(
        influence.assign(unequal=reverse_code(influence["unequal"], SCALE)),
        items=["unequal"],
        scale=SCALE,
        neutral="exclude",
    )
    assert as_given["net_score"].iloc[0] == flipped["net"].iloc[0] == -50.0


def test_reverse_names_items():
    df = pd.DataFrame({"q1": ["A"]})
    with pytest.raises(ValueError, match=r"^reverse= names \['q9'\], which are not in items"):
        likert_table(df, items=["q1"], scale=SCALE, reverse=["q9"])


def toronto_like() -> pd.DataFrame:
    from coprod.io.survey import read_survey

    frame = pd.DataFrame(
        {
            "id": ["1", "2", "3", "4"],
            "3.6. Some participants have less influence than others on decisions": [
                "Agree",
                "Strongly agree",
                "Agree",
                "Disagree",
            ],
            "3.1. The City considers my ideas": ["Agree", "Agree", "Disagree", None],
        }
    )
    return read_survey(
        frame,
        columns={"respondent_id": "id"},
        likert={
            "unequal": "3.6. Some participants have less influence than others on decisions",
            "ideas": "3.1. The City considers my ideas",
        },
        reverse=["unequal"],
    ).data


def test_aligned_answers_never_pass_as_the_original_wording():
    from coprod.io.survey import align_reverse_worded, item_labels

    data = toronto_like()
    aligned = align_reverse_worded(data)
    # the reversed answers travel under their own name, the original column is gone
    assert "unequal" not in aligned.columns
    assert list(aligned["unequal_reversed"].astype(str)) == [
        "Disagree",
        "Strongly disagree",
        "Disagree",
        "Agree",
    ]
    assert aligned.attrs["likert_items"] == ("unequal_reversed", "ideas")
    assert item_labels(aligned) == {
        "unequal_reversed": "Some participants have less influence than others on decisions "
        "(reversed for the score)",
        "ideas": "The City considers my ideas",
    }
    # and a Likert chart refuses them: it shows answers as given to the statement as asked
    with pytest.raises(
        ValueError,
        match=r"^items \['unequal_reversed'\] hold reverse-coded answers \(align_reverse_worded\)",
    ):
        likert_table(
            aligned, items=aligned.attrs["likert_items"], scale=aligned.attrs["likert_scale"]
        )


def test_item_labels_keep_the_wording_of_answers_as_given():
    from coprod.io.survey import item_labels

    assert item_labels(toronto_like()) == {
        "unequal": "Some participants have less influence than others on decisions",
        "ideas": "The City considers my ideas",
    }


def test_real_toronto_reverse_worded_item_on_the_agree_side(shared_data):
    from coprod.io.survey import TORONTO_ENGAGEMENT_MAPPING, item_labels, read_survey

    path = shared_data / "toronto_engagement_survey" / "survey_data.csv"
    data = read_survey(path, **TORONTO_ENGAGEMENT_MAPPING).data
    column = "3.6. Some participants have less influence than others on decisions"
    raw = pd.read_csv(path, encoding="cp1252", usecols=[column])[column].str.strip().str.lower()
    answered = raw.dropna()
    agreeing = answered.isin(["agree", "strongly agree"]).sum()
    assert (len(answered), agreeing) == (710, 531)  # 75% agree with the statement as worded

    items = [
        i for i in data.attrs["likert_items"] if i.startswith("q3_") and i != "q3_other_rating"
    ]
    t = likert_table(
        data,
        items=items,
        scale=data.attrs["likert_scale"],
        labels=item_labels(data, items),
        reverse=data.attrs["reverse_worded"],
    )
    unequal = t[t["item"] == "q3_unequal_influence"]
    positive = unequal[unequal["side"] == "positive"]
    assert positive["share"].sum() == pytest.approx(531 / 710)
    assert (positive["start"] >= 0).all()
    assert unequal["label"].iloc[0] == column[5:]
    assert unequal["net_score"].iloc[0] == -unequal["net"].iloc[0]
    ax = plot_likert(t)
    labels = [lbl.get_text() for lbl in ax.get_yticklabels()]
    assert not [lbl for lbl in labels if "revers" in lbl]
    y = next(i for i, lbl in enumerate(labels) if lbl.startswith("Some participants"))
    agree_bars = [
        p
        for c in ax.containers
        if c.get_label() in ("Agree", "Strongly agree")
        for p in c.patches
        if p.get_y() < y < p.get_y() + p.get_height()
    ]
    assert sum(p.get_width() for p in agree_bars) == pytest.approx(100 * 531 / 710)
    assert min(p.get_x() for p in agree_bars) >= 0


def notebook_cells(path) -> list[str]:
    """The code cells of a jupytext percent notebook."""
    cells = re.split(r"^# %%.*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [c for c in cells if c.strip() and not c.lstrip().startswith("# ---")]


def test_notebook_01_likert_chart_reads_as_answered(monkeypatch, repo_root):
    """The notebook's own Likert cells: 75% agreeing with a reverse-worded statement is on the agree side."""
    import coprod.export

    drawn = {}
    monkeypatch.setattr(
        coprod.export, "save_figure", lambda fig, name, **kw: drawn.update({name: fig})
    )
    cells = notebook_cells(repo_root / "notebooks" / "01_grid.py")
    wanted = [c for c in cells if "import" in c and "likert" in c]
    wanted += [c for c in cells if "toronto = load_dataset" in c or "plot_likert(" in c]
    namespace: dict = {}
    for cell in wanted:
        exec(cell, namespace)
    ax = drawn["01_grid_toronto_likert"]
    labels = [lbl.get_text() for lbl in ax.get_yticklabels()]
    y = next(i for i, lbl in enumerate(labels) if lbl.startswith("Some participants"))
    agree = [
        p
        for c in ax.containers
        if c.get_label() in ("Agree", "Strongly agree")
        for p in c.patches
        if p.get_y() < y < p.get_y() + p.get_height()
    ]
    assert sum(p.get_width() for p in agree) == pytest.approx(100 * 531 / 710)
    assert min(p.get_x() for p in agree) >= 0
    assert "(n = 710)" in labels[y] and "revers" not in labels[y]

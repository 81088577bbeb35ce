"""Charts of political control: the tidy data drawn and the structure of the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex

from coprod.charts.politics import (
    GID_CHANGE,
    PARTY_COLOURS,
    _draw_control_bands,
    changes_distribution_data,
    control_bands_data,
    control_strip_data,
    plot_changes_distribution,
    plot_control_bands,
    plot_control_strip,
)
from coprod.vocab import CONTROL_CODES


def _history() -> pd.DataFrame:
    """Three councils: Avon Vale (Lab, NOC, Con, a year without control, Con), Brookside
    (Con throughout) and a second council of the name Brookside (Lab, then LD)."""
    rows = []
    vale = ["Lab", "Lab", "NOC", "NOC", "Con", None, "Con", "Lab"]
    for year, control in zip(range(2000, 2008), vale, strict=True):
        rows.append(("Avon Vale", "E07000001", "E07000001", year, control, "England", "District"))
    for year in range(2000, 2008):
        rows.append(("Brookside", "E06000002", "E06000002", year, "Con", "England", "Unitary"))
    for year, control in zip(range(2000, 2004), ["Lab", "Lab", "LD", "LD"], strict=True):
        rows.append(("Brookside", "Brookside [2]", None, year, control, None, None))
    for year in range(2000, 2008):
        rows.append(("Glen", "S12000001", "S12000001", year, "SNP", "Scotland", "Scottish"))
    return pd.DataFrame(
        rows,
        columns=[
            "council",
            "council_key",
            "council_code",
            "year",
            "control",
            "nation",
            "council_type",
        ],
    )


def _change_ticks(ax) -> int:
    return sum(len(c.get_segments()) for c in ax.findobj(lambda a: a.get_gid() == GID_CHANGE))


def _bands_of(ax, code):
    return ax.findobj(lambda a: a.get_gid() == f"control-band-{code}")


def test_party_colours_cover_the_vocabulary_and_differ():
    assert set(PARTY_COLOURS) == set(CONTROL_CODES)
    assert len({to_hex(c) for c in PARTY_COLOURS.values()}) == len(PARTY_COLOURS)


def test_control_bands_data_runs_changes_and_missing_years():
    bands = control_bands_data(_history(), councils=["Avon Vale", "Brookside"])
    vale = bands[bands["council_key"] == "E07000001"]
    assert vale[["start", "end", "control", "changed"]].values.tolist() == [
        [2000, 2002, "Lab", False],
        [2002, 2004, "NOC", True],
        [2004, 2005, "Con", True],
        [2005, 2006, "(not given)", False],
        [2006, 2007, "Con", False],  # the same control on both sides of a missing year
        [2007, 2008, "Lab", True],
    ]
    # a name shared by two councils shows both, the one with a code first
    assert bands.drop_duplicates("row")["label"].tolist() == [
        "Avon Vale",
        "Brookside",
        "Brookside [2]",
    ]
    assert bands.drop_duplicates("row")["row"].tolist() == [0, 1, 2]
    # a window of years
    window = control_bands_data(_history(), councils=["E07000001"], years=(2003, 2004))
    assert window[["start", "end", "control", "changed"]].values.tolist() == [
        [2003, 2004, "NOC", False],
        [2004, 2005, "Con", True],
    ]


def test_unknown_council_says_what_there_is():
    with pytest.raises(KeyError, match="did you mean 'Avon Vale'"):
        control_bands_data(_history(), councils=["Avon Valley"])


def test_plot_control_bands_structure():
    data = control_bands_data(_history(), councils=["Avon Vale", "Brookside"])
    ax = plot_control_bands(data)
    assert isinstance(ax, Axes)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Avon Vale",
        "Brookside",
        "Brookside [2]",
    ]
    # per council, one collection per control it had, in the party's colour, a rectangle a band
    lab = _bands_of(ax, "Lab")
    assert len(lab) == 2  # Avon Vale (two bands) and the second Brookside (one)
    assert {to_hex(c.get_facecolor()[0]) for c in lab} == {to_hex(PARTY_COLOURS["Lab"])}
    assert sorted(len(c.get_paths()) for c in lab) == [1, 2]
    assert len(_bands_of(ax, "Con")) == 2
    assert len(_bands_of(ax, "(not given)")) == 1
    # a tick at each change: Avon Vale 3, Brookside none, the second Brookside 1 (to LD)
    assert _change_ticks(ax) == 4
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "Conservative",
        "Labour",
        "Liberal Democrat",
        "No overall control",
        "control not given",
        "change of control",
    ]
    assert ax.get_xlim() == (2000.0, 2008.0)


def test_draw_control_bands_is_reusable_at_any_height():
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots()
    bands = pd.DataFrame(
        {
            "start": [2000, 2004],
            "end": [2004, 2010],
            "control": ["Lab", "Con"],
            "changed": [False, True],
        }
    )
    handles = _draw_control_bands(ax, bands, y=3.0, height=0.5)
    assert set(handles) == {"Lab", "Con"}
    (path,) = handles["Con"].get_paths()
    ys = path.vertices[:, 1]
    assert (ys.min(), ys.max()) == (3.0, 3.5)
    xs = path.vertices[:, 0]
    assert (xs.min(), xs.max()) == (2004.0, 2010.0)
    (ticks,) = ax.findobj(lambda a: a.get_gid() == GID_CHANGE)
    assert [seg[0][0] for seg in ticks.get_segments()] == [2004.0]


def test_control_strip_data_sorted_by_nation_and_type():
    strip = control_strip_data(_history())
    order = strip.drop_duplicates("row")
    assert order["council"].tolist() == ["Avon Vale", "Brookside", "Glen", "Brookside"]
    assert order["group"].tolist() == ["England", "England", "Scotland", "not in the lookup"]
    assert order["subgroup"].tolist() == ["District", "Unitary", "Scottish", ""]
    assert len(strip) == len(_history())
    assert (strip["control"] == "(not given)").sum() == 1


def test_plot_control_strip_structure_and_labels_apart():
    strip = control_strip_data(_history())
    ax = plot_control_strip(strip)
    (image,) = ax.get_images()
    assert image.get_array().shape == (4, 8)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["England (2)", "Scotland (1)", "not in the lookup (1)"]
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_yticklabels()]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == ["Conservative", "Labour", "Liberal Democrat", "SNP"]


def test_changes_distribution_data_and_plot():
    data = changes_distribution_data(_history(), min_years=5)
    per = data.set_index("council_key")
    # Avon Vale: 3 changes in 7 council-years (2005 has no control: 2004 to 2006 counts 2)
    assert per.loc["E07000001", ["changes", "council_years"]].tolist() == [3, 7]
    assert per.loc["E07000001", "changes_per_decade"] == pytest.approx(30 / 7)
    assert per.loc["E06000002", "changes"] == 0
    assert "Brookside [2]" not in per.index  # 3 compared years < min_years
    assert set(data["min_years"]) == {5}
    ax = plot_changes_distribution(data)
    bars = ax.patches
    assert sum(b.get_height() for b in bars) == len(data)
    median = ax.findobj(lambda a: a.get_gid() == "changes-median")[0]
    assert median.get_xdata()[0] == pytest.approx(np.median(data["changes_per_decade"]))
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0].startswith("median council:") and texts[1].startswith("all council-years:")
    assert "(3 councils, 2000-2007)" in ax.get_title(loc="left")


def test_plots_neither_save_nor_show(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(1))
    history = _history()
    plot_control_bands(control_bands_data(history, councils=["Glen"]))
    plot_control_strip(control_strip_data(history))
    plot_changes_distribution(changes_distribution_data(history, min_years=1))
    assert shown == [] and list(tmp_path.iterdir()) == []


@pytest.mark.shared_data
def test_real_bands_for_a_few_councils(shared_data):
    from coprod.io.control_history import read_control_history

    history = read_control_history(shared_data / "council_control").data
    data = control_bands_data(history, councils=["Bristol", "Durham"])
    assert data.drop_duplicates("row")["label"].tolist() == ["Bristol", "Durham", "Durham [2]"]
    assert data.groupby("label")["changed"].sum().to_dict() == {
        "Bristol": 7,
        "Durham": 2,
        "Durham [2]": 3,
    }
    ax = plot_control_bands(data)
    assert _change_ticks(ax) == 12

"""The grid explorer recomputes and redraws when its controls change."""

from __future__ import annotations

import pytest

from coprod.synth import make_services_survey
from coprod.widgets import GridExplorer


@pytest.fixture(scope="module")
def responses():
    return make_services_survey(seed=5, n_services=6, respondents_per_service=40).responses


def test_explorer_follows_controls(responses):
    explorer = GridExplorer(responses, weight="weight", n_boot=50)
    assert set(explorer.controls) == {"council", "wave", "weighted"}
    assert len(explorer.data) == 6
    first_figure = explorer.figure
    ax = first_figure.axes[0]
    assert len(ax.containers) == 6  # one errorbar per service
    council = explorer.controls["council"]
    council.value = council.options[1]
    assert explorer.figure is not first_figure
    assert council.options[1] in explorer.figure.axes[0].get_title()
    explorer.controls["weighted"].value = False
    assert "weight_sum" not in explorer.data.columns
    assert "unweighted" in explorer.figure.axes[0].get_title()


def test_explorer_rejects_unknown_column(responses):
    with pytest.raises(KeyError, match="'region'"):
        GridExplorer(responses, council="region")


@pytest.fixture(scope="module")
def complaints():
    from coprod.synth import make_complaint_log

    synthetic = make_complaint_log(seed=3, start="2022-01-01", months=30)
    return synthetic.log, synthetic.contacts.rename(columns={"contacts": "denominator"})


def test_complaints_explorer_follows_controls(complaints):
    from coprod.widgets import ComplaintsExplorer

    log, contacts = complaints
    explorer = ComplaintsExplorer(log, denominators=contacts, baseline=12)
    assert set(explorer.controls) == {"service", "measure", "chart", "period"}
    assert "rate" in explorer.controls["measure"].options
    assert len(explorer.data) == 30 and explorer.figure is not None
    first_service = explorer.controls["service"].value
    assert explorer.figure.axes[0].get_title(loc="left").startswith(first_service)

    explorer.controls["period"].value = "quarter"
    assert len(explorer.data) == 10

    explorer.controls["measure"].value = "rate"  # monthly contacts cannot rate quarters
    assert explorer.data is None and explorer.message.startswith("Cannot chart this choice")

    explorer.controls["period"].value = "month"
    explorer.controls["chart"].value = "u"
    assert "denominator" in explorer.data.columns and explorer.message == ""

    explorer.controls["measure"].value = "seriousness_index"  # a u chart does not suit it
    assert explorer.data is None and explorer.figure is None
    assert "does not suit 'seriousness_index'" in explorer.message


def test_complaints_explorer_without_denominators_offers_no_rate(complaints):
    from coprod.widgets import ComplaintsExplorer

    explorer = ComplaintsExplorer(complaints[0])
    assert "rate" not in explorer.controls["measure"].options

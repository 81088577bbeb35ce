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

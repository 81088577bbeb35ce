"""Import stays fast (heavy modules load lazily) and the public API keeps its shape."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

HEAVY = [
    "seaborn",
    "statsmodels",
    "pyfixest",
    "scipy",
    "ipywidgets",
    "pandera",
    "pyreadstat",
    "openpyxl",
    "jupytext",
    "nbclient",
    "matplotlib.pyplot",
    "afcharts",
]


@pytest.mark.parametrize(
    "statement",
    [
        "import coprod",
        "import coprod.grid, coprod.io.survey, coprod.io, coprod.datasets, coprod.synth",
        "import coprod.charts.grid, coprod.charts.likert, coprod.charts.ladder, coprod.charts.spc",
        "import coprod.timeseries.spc, coprod.complaints, coprod.io.complaint_log, coprod.io.counts",
        "import coprod.engagement, coprod.export, coprod.widgets, coprod.run, coprod.cli, coprod.style",
        "import coprod.politics.control, coprod.politics.pfi, coprod.politics.effects, "
        "coprod.politics.scenarios, coprod.io.councils, coprod.io.control_history, coprod.io.pfi",
        "import coprod.timeseries.its, coprod.timeseries.event_study, coprod.charts.politics, "
        "coprod.charts.pfi, coprod.charts.effects, coprod.charts.scenarios",
        "import coprod.timeseries.runs, coprod.charts.runs",
    ],
)
def test_import_does_not_load_heavy_modules(statement):
    code = f"{statement}; import sys; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_bare_import_loads_no_submodule():
    # only the stdlib-only helper that makes the public names lazy
    code = "import coprod, sys; print(sorted(m for m in sys.modules if m.startswith('coprod.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['coprod._core', 'coprod._core.lazy']"
    code = "import coprod, sys; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_public_surface_is_lazy_and_resolves():
    import coprod
    from coprod.datasets import load_dataset
    from coprod.grid import place_services
    from coprod.io.survey import read_survey
    from coprod.timeseries.spc import spc

    assert coprod.read_survey is read_survey
    assert coprod.place_services is place_services
    assert coprod.spc is spc
    assert coprod.load_dataset is load_dataset
    for name in coprod.__all__:
        assert getattr(coprod, name) is not None, name


def _modules():
    import pkgutil

    import coprod

    for info in pkgutil.walk_packages(coprod.__path__, "coprod."):
        if info.name != "coprod.__main__":  # running it is the command
            yield info.name


def test_every_module_declares_all_and_it_resolves():
    import importlib

    missing = []
    for name in _modules():
        module = importlib.import_module(name)
        if not hasattr(module, "__all__"):
            missing.append(name)
            continue
        for public in module.__all__:
            assert hasattr(module, public), f"{name}.__all__ names {public!r}, not defined"
    assert missing == []


def test_lazy_submodule_attribute():
    import coprod

    assert coprod.grid.PLANNING_LEVELS == ("professionals", "co-planning", "community")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        coprod.nope  # noqa: B018


def _params(func) -> list[str]:
    return [
        f"{p.name}{'*' if p.kind is p.KEYWORD_ONLY else ''}"
        for p in inspect.signature(func).parameters.values()
    ]


def test_public_signatures_are_pinned():
    """Changing one of these breaks users' notebooks: do it on purpose, with a note."""
    from coprod import charts, datasets, grid
    from coprod.charts import grid as grid_charts
    from coprod.charts import likert
    from coprod.io import survey

    assert charts is not None
    assert _params(grid.place_services) == [
        "responses",
        "service*",
        "planning*",
        "delivery*",
        "weight*",
        "by*",
        "n_boot*",
        "seed*",
        "names*",
        "organisation*",  # added for issue 11: keyword-only, off by default
        "interval*",  # added for issue 13: keyword-only, "auto" by default
    ]
    assert _params(grid.cell_name) == ["planning", "delivery", "names"]
    assert _params(grid.movement) == [
        "responses",
        "service*",
        "wave*",
        "planning*",
        "delivery*",
        "weight*",
        "by*",
        "n_boot*",
        "seed*",
        "names*",
        "adjust*",  # added for issue 11: keyword-only, no adjustment by default
        "interval*",  # added for issue 13: keyword-only, "auto" by default
    ]
    assert _params(grid.organisation_shares) == [
        "responses",
        "service*",
        "organisation*",
        "weight*",
        "by*",
        "n_boot*",
        "seed*",
        "interval*",  # added for issue 13: keyword-only, "auto" by default
    ]
    assert _params(grid.cell_shares)[:6] == [
        "responses",
        "service*",
        "planning*",
        "delivery*",
        "weight*",
        "by*",
    ]
    assert _params(survey.read_survey)[:3] == ["path", "columns*", "likert*"]
    assert _params(datasets.load_dataset) == ["name"]
    assert _params(datasets.list_datasets) == []
    for plot in (
        grid_charts.plot_grid,
        grid_charts.plot_movement,
        grid_charts.plot_cell_shares,
        likert.plot_likert,
    ):
        params = _params(plot)
        assert "ax*" in params, plot.__name__
        assert all(p.endswith("*") for p in params[1:]), plot.__name__


def test_funnel_signatures_are_pinned():
    """Issue 12's funnel plots: keyword-only settings, the result first."""
    from coprod import funnel
    from coprod.charts import funnel as funnel_charts

    assert _params(funnel.funnel) == [
        "data",
        "value*",
        "denominator*",
        "by*",
        "kind*",
        "target*",
        "method*",
        "overdispersion*",
        "multiplier*",
        "trim*",
    ]
    assert _params(funnel.funnel_summary) == ["result"]
    assert _params(funnel_charts.funnel_chart_data) == ["result"]
    assert _params(funnel_charts.plot_funnel) == [
        "result",
        "label*",
        "title*",
        "xlabel*",
        "ylabel*",
        "ax*",
        "source*",
    ]


def test_run_chart_signatures_are_pinned():
    """Run charts (issue 12): the data first, every setting keyword-only."""
    from coprod.charts import runs as run_charts
    from coprod.timeseries import runs

    assert _params(runs.run_chart) == [
        "data",
        "value*",
        "period*",
        "by*",
        "denominator*",
        "baseline*",
        "date_order*",
    ]
    assert _params(runs.anhoej_runs) == ["values", "centre"]
    assert _params(runs.anhoej_statistics) == ["result"]
    assert _params(runs.run_chart_summary) == ["result"]
    assert _params(run_charts.plot_run_chart) == ["result", "title*", "ylabel*", "ax*", "source*"]
    assert _params(run_charts.run_chart_data) == ["result"]


# One word per idea across the library: a test so that a new function cannot drift.
_SYNONYMS = {
    "keys": "by",
    "group": "by",
    "groups": "by",
    "group_by": "by",
    "values": "value",
    "value_col": "value",
    "frequency": "freq",
    "date_col": "date",
    "date_column": "date",
    "period_col": "period",
    "today": "as_of",
}


def test_argument_names_agree_across_the_library():
    import importlib

    from coprod.timeseries.periods import FREQUENCIES

    offenders = []
    for name in _modules():
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", ()):
            func = getattr(module, public)
            if not callable(func) or isinstance(func, type):
                continue
            try:
                params = inspect.signature(func).parameters.values()
            except (TypeError, ValueError):
                continue
            for p in params:
                if p.kind is not p.KEYWORD_ONLY:
                    continue  # the data itself (values to parse, a frame), not a column name
                if p.name in _SYNONYMS:
                    offenders.append(f"{name}.{public}({p.name}=): say {_SYNONYMS[p.name]}=")
                # ``period`` names a column; the frequency is ``freq``
                if p.name == "period" and p.default in FREQUENCIES:
                    offenders.append(f"{name}.{public}(period={p.default!r}): say freq=")
    assert offenders == []

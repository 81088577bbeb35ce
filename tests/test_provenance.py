"""Sources: every shipped data set's attribution, carried from load_dataset to the chart's note."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from coprod.charts._style import GID_SOURCE, draw_source_note
from coprod.datasets import load_dataset, registry
from coprod.provenance import (
    SOURCE_ATTR,
    Source,
    chart_source,
    combine_sources,
    dataset_source,
    figure_source,
    keep_source,
    source_of,
    with_source,
)
from coprod.style import drawn_texts, text_sizes

TORONTO = "Contains information licensed under the Open Government Licence \u2013 Toronto"
FIXMYSTREET = "Contains FixMyStreet data from mySociety, ODC-By 1.0"
CONTROL = (
    "Contains council composition data from Open Council Data UK (opencouncildata.co.uk), "
    "public domain"
)
LOOKUP = "Contains UK local authority names and codes from mySociety, CC BY 4.0"
PFI = "Contains public sector information licensed under the Open Government Licence v3.0"
SIMULATED = "Simulated data (assumed hazards)"


def _source_txt(name: str) -> str:
    file = registry()[name].file
    candidates = [file.with_suffix(".SOURCE.txt"), file.parent / "SOURCE.txt", file / "SOURCE.txt"]
    candidates.append(file.parent / "complaints_log.SOURCE.txt")
    path = next(c for c in candidates if c.exists())
    return path.read_text(encoding="utf-8")


def _plain(text: str) -> str:
    """Whitespace folded and dashes as hyphens: SOURCE.txt files wrap lines and use '-'."""
    return " ".join(text.replace("\u2013", "-").split())


# ------------------------------------------------------------------- the data sets' sources


@pytest.mark.parametrize("name", sorted(registry()))
def test_each_data_set_attribution_is_worded_as_its_source_txt(name):
    entry = registry()[name]
    own = entry.source_note
    text = _source_txt(name)
    if own.synthetic:
        assert own.note == "Synthetic data"
        assert "SYNTHETIC data" in text and own.licence.startswith("CC0 1.0")
    else:
        assert _plain(own.note) in _plain(text), f"{name}: {own.note!r} not in its SOURCE.txt"
        assert own.licence and own.url and own.url.startswith("https://")
    # data matched through the council lookup owes its attribution too
    expected = {"council_control": [own.note, LOOKUP], "pfi_projects": [own.note, LOOKUP]}
    assert dataset_source(name).note.split("; ") == expected.get(name, [own.note])


def test_the_attributions_the_issue_names():
    assert dataset_source("toronto_engagement").note == TORONTO
    assert dataset_source("fixmystreet_all").note == FIXMYSTREET
    assert dataset_source("services_survey") == Source(
        "Synthetic data", licence="CC0 1.0 (public domain)", synthetic=True
    )
    with pytest.raises(KeyError, match="no data set named 'nope'; known data sets: complaints"):
        dataset_source("nope")


def test_load_dataset_marks_every_table_and_the_result_says_so():
    pfi = load_dataset("pfi_projects")
    assert pfi.attribution == dataset_source("pfi_projects")
    assert source_of(pfi.data) == source_of(pfi.charges) == pfi.attribution
    assert pfi.source.endswith("31.03.2016.csv")  # ``source`` stays the file read
    assert source_of(pfi.quarantine) is None


def test_a_users_own_file_carries_no_source(tmp_path):
    from coprod.io.counts import read_denominators

    path = tmp_path / "contacts.csv"
    path.write_text("council,service,period,denominator\nX,Parks,01/01/2024,10\n")
    assert read_denominators(path).attribution is None


# ------------------------------------------------------------------------- the helpers


def test_with_source_marks_a_copy_and_none_unmarks():
    table = pd.DataFrame({"x": [1, 2]})
    marked = with_source(table, Source("A"))
    assert source_of(marked) == Source("A") and SOURCE_ATTR not in table.attrs
    assert source_of(with_source(marked, None)) is None and source_of(marked) == Source("A")
    with pytest.raises(TypeError, match="with_source needs a Source or None, not str"):
        with_source(table, "A")


def test_keep_source_restores_what_a_merge_drops():
    left = with_source(pd.DataFrame({"k": [1], "a": [2]}), Source("A"))
    right = with_source(pd.DataFrame({"k": [1], "b": [3]}), Source("B"))
    merged = left.merge(pd.DataFrame({"k": [1]}), on="k")
    assert source_of(merged) is None  # pandas drops attrs here: why keep_source exists
    assert source_of(keep_source(merged, left, right)) == Source("A; B")
    assert source_of(keep_source(merged, pd.DataFrame())) is None


def test_combine_sources_lists_each_part_once():
    a = Source("A", licence="L1", url="u1")
    b = Source("B", licence="L1", url="u2", synthetic=True)
    ab = combine_sources(a, None, b)
    assert ab == Source("A; B", licence="L1", url="u1; u2", synthetic=False)
    assert combine_sources(ab, combine_sources(b, a)) == ab
    syn = Source("Synthetic data", synthetic=True)
    assert combine_sources(syn, syn) == syn
    assert combine_sources(None, None) is None


def test_chart_source_reads_text_sources_and_results():
    frame = with_source(pd.DataFrame({"x": [1]}), Source("A"))
    assert chart_source(None, frame) == Source("A")
    assert chart_source("My council's survey", frame) == Source("My council's survey")
    assert chart_source("", frame) is None
    assert chart_source(None, [frame, with_source(frame, Source("B"))]) == Source("A; B")
    with pytest.raises(TypeError, match="source= takes a Source, a note as text or None, not int"):
        chart_source(3)


# ---------------------------------------------------------------------------- the note


def _note(fig):
    fig = fig.get_figure(root=True)
    notes = [a for a in fig.artists if a.get_gid() == GID_SOURCE]
    assert len(notes) == 1, f"{len(notes)} source notes"
    return notes[0]


def _check_note(chart, expected_parts):
    """One note, saying exactly the expected sources, >= 8 pt at 16 cm, below and clear of
    every other text and legend, its left edge at the chart's left."""
    fig = chart.get_figure(root=True)
    note = _note(fig)
    text = " ".join(note.get_text().split())
    assert text.startswith("Source: ")
    assert set(text.removeprefix("Source: ").split("; ")) == set(expected_parts), text
    assert figure_source(fig).note == text.removeprefix("Source: ")
    sizes = text_sizes(fig)
    printed = sizes.loc[sizes["text"] == note.get_text(), "printed_pt"]
    assert len(printed) == 1 and printed.iloc[0] >= 8.0
    renderer = fig.canvas.get_renderer()
    box = note.get_window_extent(renderer)
    assert box.x1 <= fig.bbox.x1 + 1 and box.y0 >= fig.bbox.y0 - 1  # on the canvas
    others = [t for t in drawn_texts(fig) if t is not note]
    others += [leg for ax in fig.axes if (leg := ax.get_legend()) is not None] + fig.legends
    lowest = min(o.get_window_extent(renderer).y0 for o in others)
    assert box.y1 <= lowest + 0.5, "the note is not below every other text"
    for other in others:
        assert not box.overlaps(other.get_window_extent(renderer)), other
    left = min(ax.get_tightbbox(renderer).x0 for ax in fig.axes if ax.get_visible())
    left = min([left, *(o.get_window_extent(renderer).x0 for o in others)])
    assert box.x0 == pytest.approx(left, abs=1.0)  # aligned with the chart's left edge


def test_two_charts_in_one_figure_share_one_note_and_replace_takes_its_place():
    fig, (a, b) = plt.subplots(1, 2, layout="constrained")
    height = fig.get_figheight()
    a.plot([0, 1])
    b.plot([1, 0])
    draw_source_note(a, None, with_source(pd.DataFrame(), Source("A")))
    draw_source_note(b, "B")
    fig.canvas.draw()
    assert _note(fig).get_text() == "Source: A; B"
    one_line = _note(fig).get_fontsize() * 1.25 + 2 * 4  # the figure grew by a strip
    assert fig.get_figheight() == pytest.approx(height + one_line / 72)
    draw_source_note(fig, "C", replace=True)
    assert fig.get_figheight() == pytest.approx(height + one_line / 72)
    assert _note(fig).get_text() == "Source: C" and figure_source(fig) == Source("C")
    assert draw_source_note(fig, "", replace=True) is None
    assert figure_source(fig) is None and not fig.artists
    assert fig.get_layout_engine().get()["rect"] == (0, 0.0, 1, 1.0)  # strip given back
    assert fig.get_figheight() == pytest.approx(height)
    plt.close(fig)


def test_a_long_note_wraps_within_the_figure():
    fig, ax = plt.subplots(figsize=(6.3, 4), layout="constrained")
    ax.set_xlabel("x label")
    long = "; ".join([PFI, LOOKUP, CONTROL])
    draw_source_note(ax, long)
    fig.canvas.draw()
    note = _note(fig)
    assert note.get_text().count("\n") >= 2
    assert note.get_window_extent().x1 <= fig.bbox.x1
    _check_note(ax, long.split("; "))
    plt.close(fig)


# ------------------------------------------------- every chart of notebooks 01-03, by default


@pytest.fixture(scope="module")
def survey():
    return load_dataset("services_survey").data


@pytest.fixture(scope="module")
def northbridge(survey):
    return survey.query("council == 'Northbridge' and wave == 2025")


@pytest.fixture(scope="module")
def toronto():
    return load_dataset("toronto_engagement").data


@pytest.fixture(scope="module")
def log():
    return load_dataset("complaints_log").data


@pytest.fixture(scope="module")
def counts_spc(log):
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    series = measure_series(log, measure="count")
    return spc(series, value="value", period="period", by="service", baseline=24)


@pytest.fixture(scope="module")
def severity_spc(log):
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    series = measure_series(log, measure="mean_severity")
    return spc(series, value="value", period="period", by="service", baseline=24)


@pytest.fixture(scope="module")
def history():
    return load_dataset("council_control").data


@pytest.fixture(scope="module")
def pfi():
    return load_dataset("pfi_projects")


@pytest.fixture(scope="module")
def panel():
    from coprod.politics.effects import report_panel

    # a few cities' reports keep the event studies quick; the path of the source is the same
    few = {"E08000019", "E08000035", "E08000025", "E06000023", "E08000003", "E06000043"}
    few |= {"E09000028", "E09000022", "E09000008", "E08000012", "E06000018", "E08000021"}
    reports = load_dataset("fixmystreet_all").data
    road = load_dataset("fixmystreet_road_defects").data
    return report_panel(
        reports[reports["lad"].isin(few)],
        category_reports=road[road["lad"].isin(few)],
        category="road_defects",
    )


def _placements(frame, **options):
    from coprod.grid import place_services

    return place_services(
        frame,
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
        n_boot=40,
        **options,
    )


def chart_01_grid(f):
    from coprod.charts.grid import plot_grid

    return plot_grid(_placements(f["northbridge"])), ["Synthetic data"]


def chart_01_cell_shares(f):
    from coprod.charts.grid import plot_cell_shares
    from coprod.grid import cell_shares

    shares = cell_shares(
        f["northbridge"],
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
    )
    return plot_cell_shares(shares), ["Synthetic data"]


def chart_01_movement(f):
    from coprod.charts.grid import plot_movement
    from coprod.grid import movement

    moves = movement(
        f["survey"].query("council == 'Northbridge'"),
        service="service",
        wave="wave",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=2,
        n_boot=40,
    )
    return plot_movement(moves), ["Synthetic data"]


def chart_01_movement_holm(f):
    from coprod.charts.grid import plot_movement
    from coprod.grid import movement

    moves = movement(
        f["survey"].query("council == 'Northbridge'"),
        service="service",
        wave="wave",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=2,
        n_boot=1600,
        adjust="holm",
    )
    return plot_movement(moves), ["Synthetic data"]


def chart_01_neighbourhoods(f):
    from coprod.charts.grid import plot_grid
    from coprod.grid import place_services
    from coprod.synth import make_neighbourhood_survey

    survey = make_neighbourhood_survey(seed=11)
    placed = place_services(
        survey.responses,
        service="service",
        planning="planning",
        delivery="delivery",
        by="neighbourhood",
        n_boot=40,
        seed=3,
    )
    return plot_grid(placed, label="neighbourhood", hue="service"), ["Synthetic data"]


def chart_01_toronto_consultation_timing(f):
    from coprod.charts.ladder import plot_ladder
    from coprod.engagement import highest_rungs
    from coprod.io.survey import TORONTO_ACTIVITY_RUNGS, TORONTO_CONSULTATION_TIMING

    timed = highest_rungs(
        f["toronto"], crosswalk=TORONTO_ACTIVITY_RUNGS, timing=TORONTO_CONSULTATION_TIMING
    )
    return plot_ladder(timed), [TORONTO]


def chart_01_named_cell(f):
    from coprod.charts.grid import plot_grid

    names = {("co-planning", "professionals"): "Consultative services"}
    return plot_grid(_placements(f["northbridge"], names=names), names=names), ["Synthetic data"]


def chart_01_organisation(f):
    from coprod.charts.grid import plot_grid

    placements = _placements(f["northbridge"], organisation="organisation")
    return plot_grid(placements), ["Synthetic data"]


def chart_01_toronto_ladder(f):
    from coprod.charts.ladder import plot_ladder
    from coprod.engagement import highest_rungs
    from coprod.io.survey import TORONTO_ACTIVITY_RUNGS

    return plot_ladder(highest_rungs(f["toronto"], crosswalk=TORONTO_ACTIVITY_RUNGS)), [TORONTO]


def chart_01_toronto_likert(f):
    from coprod.charts.likert import likert_table, plot_likert
    from coprod.io.survey import item_labels

    answers = f["toronto"]
    items = [i for i in answers.attrs["likert_items"] if i.startswith("q3_")][:4]
    table = likert_table(
        answers,
        items=items,
        scale=answers.attrs["likert_scale"],
        labels=item_labels(answers, items),
        reverse=[i for i in answers.attrs["reverse_worded"] if i in items],
    )
    return plot_likert(table), [TORONTO]


def chart_02_small_multiples(f):
    from coprod.charts.spc import plot_spc_small_multiples

    return plot_spc_small_multiples(f["counts_spc"], by="service", ncols=4), ["Synthetic data"]


def chart_02_street_lighting_run_chart(f):
    from coprod.charts.runs import plot_run_chart
    from coprod.complaints import complaint_counts
    from coprod.timeseries.runs import run_chart

    monthly = complaint_counts(f["log"], freq="month", by="service")
    lights = monthly.query("service == 'Street lighting'").head(12)
    return plot_run_chart(run_chart(lights, value="count", period="period")), ["Synthetic data"]


def chart_02_housing_repairs(f):
    from coprod.charts.spc import plot_spc

    repairs = f["counts_spc"].query("service == 'Housing repairs'")
    return plot_spc(repairs), ["Synthetic data"]


def chart_02_housing_repairs_rebased(f):
    from coprod.charts.spc import plot_spc
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    series = measure_series(f["log"], measure="count").query("service == 'Housing repairs'")
    return plot_spc(spc(series, value="value", period="period", rebase=["2023-07-01"])), [
        "Synthetic data"
    ]


def chart_02_social_care_severity(f):
    from coprod.charts.spc import plot_spc

    care = f["severity_spc"][f["severity_spc"]["service"] == "Social care"]
    return plot_spc(care), ["Synthetic data"]


def chart_02_street_lighting_adjusted(f):
    from coprod.charts.spc import plot_spc
    from coprod.complaints import measure_series
    from coprod.timeseries.seasonal import seasonally_adjust
    from coprod.timeseries.spc import spc

    lights = measure_series(f["log"], measure="count").query("service == 'Street lighting'")
    adjusted = spc(seasonally_adjust(lights), value="adjusted", period="period", baseline=24)
    return plot_spc(adjusted), ["Synthetic data"]


def chart_02_fixmystreet(f):
    from coprod.charts.spc import plot_spc_small_multiples
    from coprod.io.counts import LAD_NAMES
    from coprod.timeseries.periods import fill_zero_counts
    from coprod.timeseries.spc import spc

    reports = load_dataset("fixmystreet_extract").data
    filled = fill_zero_counts(reports, by="lad", period="period", value=["reports", "unique_users"])
    filled["area"] = filled["lad"].map(LAD_NAMES)
    cities = filled[~filled["lad"].str.startswith("S")]
    area_spc = spc(cities, value="reports", period="period", by="area", baseline=24)
    return plot_spc_small_multiples(area_spc, by="area", ncols=4), [FIXMYSTREET]


def chart_02_co_planning_grid(f):
    from coprod.charts.grid import plot_co_planning
    from coprod.co_planning import consider_co_planning
    from coprod.grid import place_services

    placements = place_services(
        f["survey"].query("council == 'Northbridge' and wave == 2025"),
        by=["council", "wave"],
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
        n_boot=40,
    )
    signal = consider_co_planning(f["counts_spc"], f["severity_spc"], placements=placements)
    return plot_co_planning(signal), ["Synthetic data"]


def chart_02_co_planning_initiatives(f):
    from coprod.charts.grid import plot_co_planning
    from coprod.co_planning import consider_co_planning
    from coprod.grid import place_services
    from coprod.synth import make_initiatives

    placements = place_services(
        f["survey"].query("council == 'Northbridge' and wave == 2025"),
        by=["council", "wave"],
        service="service",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=1,
        n_boot=40,
    )
    signal = consider_co_planning(
        f["counts_spc"],
        f["severity_spc"],
        placements=placements,
        initiatives=make_initiatives(),
        as_of="2024-12-31",
    )
    return plot_co_planning(signal), ["Synthetic data"]


def chart_02_upheld_funnel(f):
    from coprod.charts.funnel import plot_funnel
    from coprod.complaints import outcomes
    from coprod.funnel import funnel

    yearly = outcomes(f["log"], freq="year", by="service")
    upheld = yearly[yearly["period"].dt.year == 2024].assign(
        upheld_in_full_or_part=lambda t: t["upheld"] + t["partly_upheld"]
    )
    result = funnel(upheld, value="upheld_in_full_or_part", denominator="n_outcome", by="service")
    return plot_funnel(result), ["Synthetic data"]


def chart_03_changes_per_decade(f):
    from coprod.charts.politics import changes_distribution_data, plot_changes_distribution

    return plot_changes_distribution(changes_distribution_data(f["history"])), [CONTROL, LOOKUP]


def chart_03_control_strip(f):
    from coprod.charts.politics import control_strip_data, plot_control_strip

    data = control_strip_data(f["history"], years=(1995, 2026))
    return plot_control_strip(data), [CONTROL, LOOKUP]


def chart_03_control_bands(f):
    from coprod.charts.politics import control_bands_data, plot_control_bands

    cases = ["Redbridge", "Waltham Forest", "Southwark", "Oxford", "Sheffield"]
    data = control_bands_data(f["history"], councils=cases, years=(1990, 2026))
    return plot_control_bands(data), [CONTROL, LOOKUP]


def chart_03_sheffield_contracts(f):
    from coprod.charts.pfi import contracts_timeline_data, plot_contracts_timeline

    data = contracts_timeline_data(f["pfi"], f["history"], "Sheffield")
    return plot_contracts_timeline(data), [PFI, LOOKUP, CONTROL]


def _repairs(log):
    from coprod.complaints import complaint_counts

    return complaint_counts(log, by="service").query("service == 'Housing repairs'")


def chart_03_its(f):
    from coprod.charts.effects import plot_interrupted_time_series
    from coprod.timeseries.its import interrupted_time_series

    its = interrupted_time_series(
        _repairs(f["log"]), date="period", value="count", change_date="2023-07-01"
    )
    return plot_interrupted_time_series(its.get_plot_data()), ["Synthetic data"]


def chart_03_placebo(f):
    from coprod.charts.effects import plot_placebo_check
    from coprod.timeseries.its import placebo_check

    placebo = placebo_check(
        _repairs(f["log"]), date="period", value="count", change_date="2023-07-01"
    )
    return plot_placebo_check(placebo.get_plot_data()), ["Synthetic data"]


def chart_03_event_study_roads(f):
    from coprod.charts.effects import event_study_data, plot_event_study
    from coprod.politics.effects import change_study

    roads = change_study(f["panel"], f["history"], value="road_defects", exposure="reports")
    data = event_study_data([roads.result], labels=["Road-defect reports"])
    return plot_event_study(data), [FIXMYSTREET, CONTROL, LOOKUP]


def chart_03_event_study_pfi(f):
    from coprod.charts.effects import event_study_data, plot_event_study
    from coprod.politics.effects import pfi_contrast

    contrast = pfi_contrast(
        f["panel"], f["history"], f["pfi"].data, value="road_defects", exposure="reports"
    )
    results = [contrast.with_pfi.result, contrast.without_pfi.result]
    data = event_study_data(results, labels=["With", "Without"])
    return plot_event_study(data), [FIXMYSTREET, PFI, LOOKUP, CONTROL]


def chart_03_scenarios(f):
    from coprod.charts.scenarios import plot_scenarios, scenarios_data
    from coprod.politics.scenarios import simulate

    return plot_scenarios(scenarios_data(simulate(n_runs=20))), [SIMULATED, CONTROL, PFI]


def chart_03_scenario_comparison(f):
    from coprod.charts.scenarios import comparison_data, plot_scenario_comparison
    from coprod.politics.scenarios import simulate

    worlds = {"Never": simulate(p_change=0.0, n_runs=20), "Real": simulate(n_runs=20)}
    return plot_scenario_comparison(comparison_data(worlds)), [SIMULATED, CONTROL, PFI]


NOTEBOOK_CHARTS = {
    name.removeprefix("chart_"): function
    for name, function in dict(globals()).items()
    if re.match(r"chart_0[123]_", name)
}


def test_every_chart_the_notebooks_save_is_tested_here():
    from pathlib import Path

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    saved = set()
    for path in sorted(notebooks.glob("0[123]_*.py")):
        saved |= set(re.findall(r'save_figure\(\s*\w+,\s*"(\w+)"', path.read_text()))
    short = {re.sub(r"^(0\d)_(grid_|complaints_)?", r"\1_", s) for s in saved}
    short = {s.replace("01_northbridge_2025", "01_grid") for s in short}
    assert short == set(NOTEBOOK_CHARTS)


FIXTURES = ("survey", "northbridge", "toronto", "log", "counts_spc", "severity_spc")
FIXTURES += ("history", "pfi", "panel")


@pytest.mark.parametrize("chart", sorted(NOTEBOOK_CHARTS))
def test_a_notebook_chart_of_loaded_data_carries_its_source_by_default(chart, request):
    import inspect

    draw = NOTEBOOK_CHARTS[chart]
    code = inspect.getsource(draw)
    inputs = {n: request.getfixturevalue(n) for n in FIXTURES if f'f["{n}"]' in code}
    drawn, expected = draw(inputs)
    fig = drawn.get_figure(root=True)
    try:
        _check_note(drawn, expected)
    finally:
        plt.close(fig)

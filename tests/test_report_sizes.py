"""Every chart the notebooks draw prints no text under 8 pt when placed 16 cm wide.

Each chart is built as its notebook builds it (same shipped data sets, generators and
arguments), with fewer bootstrap resamples or simulated runs where that changes no text,
and measured with :func:`coprod.style.too_small`: by default (legibility must not depend
on the style) and under :func:`coprod.style.context` (the report look).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings
from functools import cache

import matplotlib as mpl
import pandas as pd
import pytest

import coprod.charts
from coprod import style
from coprod.charts import _style
from coprod.datasets import load_dataset

# ------------------------------------------------------------------ the notebooks' inputs


@cache
def _survey() -> pd.DataFrame:
    return load_dataset("services_survey").data


def _placements(council: str, wave: int, **kwargs) -> pd.DataFrame:
    from coprod.grid import place_services

    one = _survey().query("council == @council and wave == @wave")
    columns = {"service": "service", "planning": "planning", "delivery": "delivery"}
    return place_services(one, **columns, weight="weight", seed=1, n_boot=20, **kwargs)


@cache
def _complaints_log() -> pd.DataFrame:
    return load_dataset("complaints_log").data


@cache
def _counts_spc() -> pd.DataFrame:
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    series = measure_series(_complaints_log(), measure="count")
    return spc(series, value="value", period="period", by="service", baseline=24)


@cache
def _severity_spc() -> pd.DataFrame:
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    series = measure_series(_complaints_log(), measure="mean_severity")
    return spc(series, value="value", period="period", by="service", baseline=24)


@cache
def _toronto() -> pd.DataFrame:
    return load_dataset("toronto_engagement").data


@cache
def _history() -> pd.DataFrame:
    return load_dataset("council_control").data


@cache
def _pfi():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_dataset("pfi_projects")


@cache
def _repairs_counts() -> pd.DataFrame:
    from coprod.complaints import complaint_counts

    return complaint_counts(_complaints_log(), by="service").query("service == 'Housing repairs'")


@cache
def _event_studies():
    """A small staggered panel stands in for FixMyStreet: the chart's texts are the same."""
    from coprod.synth import event_panel
    from coprod.timeseries.event_study import event_study

    window = (-4, 8)
    columns = {"unit": "unit", "time": "period", "value": "count", "event": "event"}
    fits = []
    for seed in (11, 12):
        planted = event_panel(
            n_units=120, n_periods=120, cohorts=(28, 40, 52, 64), window=window, bin=3, seed=seed
        )
        fits.append(event_study(planted.panel, **columns, window=window, bin=3))
    return fits


@cache
def _scenario():
    from coprod.politics.scenarios import simulate

    return simulate(n_runs=60)


# ------------------------------------------------------------------ one builder per chart


def tour_empty_grid():
    from coprod.charts.grid import plot_grid
    from coprod.grid import PLACEMENT_COLUMNS

    no_services = pd.DataFrame(columns=PLACEMENT_COLUMNS)
    return plot_grid(no_services, title="Bovaird's planning × delivery grid")


def tour_practices():
    from coprod.charts.grid import plot_practices
    from coprod.datasets import load_dataset

    return plot_practices(load_dataset("practices").data)


def grid_movement_holm():
    from coprod.charts.grid import plot_movement
    from coprod.grid import movement

    moves = movement(
        _survey().query("council == 'Northbridge'"),
        service="service",
        wave="wave",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=2,
        n_boot=1600,
        adjust="holm",
    )
    return plot_movement(
        moves, title="Northbridge, 2023 to 2025: four moves survive Holm's adjustment"
    )


def grid_neighbourhoods():
    from coprod.charts.grid import plot_grid
    from coprod.grid import place_services
    from coprod.synth import make_neighbourhood_survey

    placed = place_services(
        make_neighbourhood_survey(seed=11).responses,
        service="service",
        planning="planning",
        delivery="delivery",
        by="neighbourhood",
        seed=3,
        n_boot=200,
    )
    compared = placed[
        placed["service"].isin(["Parks and green spaces", "Traffic calming", "Youth clubs"])
    ]
    return plot_grid(
        compared,
        label="neighbourhood",
        hue="service",
        title="One council, 2025: three services sit in different cells by neighbourhood",
    )


def toronto_consultation_timing():
    from coprod.charts.ladder import plot_ladder
    from coprod.engagement import highest_rungs
    from coprod.io.survey import TORONTO_ACTIVITY_RUNGS, TORONTO_CONSULTATION_TIMING

    timed = highest_rungs(
        _toronto(), crosswalk=TORONTO_ACTIVITY_RUNGS, timing=TORONTO_CONSULTATION_TIMING
    )
    return plot_ladder(timed, title="Toronto, 2023: most consultation came before a plan was made")


def grid_northbridge():
    from coprod.charts.grid import plot_grid

    placements = _placements("Northbridge", 2025)
    return plot_grid(placements, title="Northbridge, 2025: services on the grid (weighted)")


def grid_cell_shares():
    from coprod.charts.grid import plot_cell_shares
    from coprod.grid import cell_shares

    one = _survey().query("council == 'Northbridge' and wave == 2025")
    shares = cell_shares(
        one, service="service", planning="planning", delivery="delivery", weight="weight"
    )
    return plot_cell_shares(
        shares, title="Northbridge, 2025: a majority agree on one cell for only 8 of 20 services"
    )


def grid_movement():
    from coprod.charts.grid import plot_movement
    from coprod.grid import movement

    moves = movement(
        _survey().query("council == 'Northbridge'"),
        service="service",
        wave="wave",
        planning="planning",
        delivery="delivery",
        weight="weight",
        seed=2,
        n_boot=20,
    )
    return plot_movement(moves, title="Northbridge: movement from 2023 to 2025")


def grid_two_named_cells():
    from coprod.charts.grid import plot_grid

    names = {
        ("co-planning", "professionals"): "Consultative services",
        ("community", "co-delivery"): "Community-led partnerships",
    }
    placements = _placements("Northbridge", 2025, names=names)
    return plot_grid(placements, names=names, title="Northbridge, 2025, two blank cells named")


def toronto_ladder():
    from coprod.charts.ladder import plot_ladder
    from coprod.engagement import highest_rungs
    from coprod.io.survey import TORONTO_ACTIVITY_RUNGS

    highest = highest_rungs(_toronto(), crosswalk=TORONTO_ACTIVITY_RUNGS)
    return plot_ladder(highest, title="Toronto residents: highest rung of City-led engagement")


def toronto_likert():
    from coprod.charts.likert import likert_table, plot_likert
    from coprod.io.survey import item_labels

    answers = _toronto()
    items = [
        item
        for item in answers.attrs["likert_items"]
        if item.startswith("q3_") and item != "q3_other_rating"
    ]
    table = likert_table(
        answers,
        items=items,
        scale=answers.attrs["likert_scale"],
        labels=item_labels(answers, items),
        reverse=answers.attrs["reverse_worded"],
    )
    # the notebook's title: long, beside long item labels
    return plot_likert(
        table, title="Toronto, 2023: 75% agree that some participants have less influence"
    )


def complaints_small_multiples():
    from coprod.charts.spc import plot_spc_small_multiples

    return plot_spc_small_multiples(
        _counts_spc(),
        by="service",
        title="Northbridge: complaints a month, by service",
        ylabel="Complaints",
    )


def complaints_street_lighting_run_chart():
    from coprod.charts.runs import plot_run_chart
    from coprod.complaints import complaint_counts
    from coprod.timeseries.runs import run_chart

    monthly = complaint_counts(_complaints_log(), freq="month", by="service")
    lights = monthly.query("service == 'Street lighting'").head(12)
    return plot_run_chart(
        run_chart(lights, value="count", period="period"),
        title="Street lighting, 2021: the median crossed only twice",
        ylabel="Complaints",
    )


def complaints_housing_repairs():
    from coprod.charts.spc import plot_spc

    repairs = _counts_spc().query("service == 'Housing repairs'")
    return plot_spc(repairs, title="Housing repairs: complaints a month", ylabel="Complaints")


def complaints_rebased():
    from coprod.charts.spc import plot_spc
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    series = measure_series(_complaints_log(), measure="count")
    rebased = spc(
        series.query("service == 'Housing repairs'"),
        value="value",
        period="period",
        rebase=["2023-07-01"],
    )
    return plot_spc(rebased, title="Housing repairs, rebased at July 2023", ylabel="Complaints")


def complaints_severity():
    from coprod.charts.spc import plot_spc

    return plot_spc(
        _severity_spc().query("service == 'Social care'"),
        title="Social care: mean severity of complaints",
        ylabel="Mean severity weight",
    )


def complaints_lighting_adjusted():
    from coprod.charts.spc import plot_spc
    from coprod.complaints import measure_series
    from coprod.timeseries.seasonal import seasonally_adjust
    from coprod.timeseries.spc import spc

    lights = measure_series(_complaints_log(), measure="count").query(
        "service == 'Street lighting'"
    )
    adjusted = spc(seasonally_adjust(lights), value="adjusted", period="period", baseline=24)
    return plot_spc(adjusted, title="Street lighting, seasonally adjusted", ylabel="Complaints")


def complaints_fixmystreet():
    from coprod.charts.spc import plot_spc_small_multiples
    from coprod.io.counts import LAD_NAMES
    from coprod.timeseries.periods import fill_zero_counts
    from coprod.timeseries.spc import spc

    reports = load_dataset("fixmystreet_extract").data
    filled = fill_zero_counts(reports, by="lad", period="period", value=["reports", "unique_users"])
    filled["area"] = filled["lad"].map(LAD_NAMES)
    cities = filled[~filled["lad"].str.startswith("S")]
    area_spc = spc(cities, value="reports", period="period", by="area", baseline=24)
    return plot_spc_small_multiples(
        area_spc,
        by="area",
        title="FixMyStreet reports a month, eight cities",
        ylabel="Reports",
    )


def complaints_co_planning_grid():
    from coprod.charts.grid import plot_co_planning
    from coprod.co_planning import consider_co_planning
    from coprod.complaints import measure_series
    from coprod.timeseries.seasonal import seasonally_adjust
    from coprod.timeseries.spc import spc

    placements = _placements("Northbridge", 2025, by=["council", "wave"])
    adjusted = spc(
        seasonally_adjust(measure_series(_complaints_log(), measure="count")),
        value="adjusted",
        period="period",
        by="service",
        baseline=24,
    )
    signal = consider_co_planning(adjusted, _severity_spc(), placements=placements)
    return plot_co_planning(
        signal, title="No Northbridge service is flagged for co-planning on the 2025 survey"
    )


def complaints_upheld_funnel():
    from coprod.charts.funnel import plot_funnel
    from coprod.complaints import outcomes
    from coprod.funnel import funnel

    yearly = outcomes(_complaints_log(), freq="year", by="service")
    upheld = yearly[yearly["period"].dt.year == 2024].assign(
        upheld_in_full_or_part=lambda t: t["upheld"] + t["partly_upheld"]
    )
    result = funnel(upheld, value="upheld_in_full_or_part", denominator="n_outcome", by="service")
    return plot_funnel(
        result,
        title="Social care upheld more of its complaints in 2024 than the 95% limits allow",
        xlabel="Complaints with an outcome in 2024",
        ylabel="Upheld in full or in part",
    )


def answers_u_chart():
    from coprod.charts.spc import plot_spc
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc

    contacts = load_dataset("complaints_contacts").data
    rates = measure_series(_complaints_log(), measure="rate", denominators=contacts).query(
        "service == 'Housing repairs'"
    )
    u_chart = spc(
        rates, value="count", denominator="exposure", period="period", chart="u", baseline=24
    )
    return plot_spc(
        u_chart,
        title="Housing repairs: complaints per 1,000 contacts (u chart)",
        ylabel="Complaints per 1,000 contacts",
    )


def changes_per_decade():
    from coprod.charts.politics import changes_distribution_data, plot_changes_distribution

    return plot_changes_distribution(changes_distribution_data(_history()))


def control_strip():
    from coprod.charts.politics import control_strip_data, plot_control_strip

    return plot_control_strip(control_strip_data(_history(), years=(1995, 2026)))


def control_bands():
    from coprod.charts.politics import control_bands_data, plot_control_bands

    cases = ["Redbridge", "Waltham Forest", "Southwark", "Oxford", "Sheffield"]
    return plot_control_bands(control_bands_data(_history(), councils=cases, years=(1990, 2026)))


def sheffield_contracts():
    from coprod.charts.pfi import contracts_timeline_data, plot_contracts_timeline

    return plot_contracts_timeline(contracts_timeline_data(_pfi(), _history(), "Sheffield"))


def its_chart():
    from coprod.charts.effects import plot_interrupted_time_series
    from coprod.politics import interrupted_time_series

    its = interrupted_time_series(
        _repairs_counts(), date="period", value="count", change_date="2023-07-01"
    )
    return plot_interrupted_time_series(its.get_plot_data())


def placebo_chart():
    from coprod.charts.effects import plot_placebo_check
    from coprod.politics import placebo_check

    placebo = placebo_check(
        _repairs_counts(), date="period", value="count", change_date="2023-07-01"
    )
    return plot_placebo_check(placebo.get_plot_data())


def event_study_roads():
    from coprod.charts.effects import event_study_data, plot_event_study

    roads, _ = _event_studies()
    return plot_event_study(
        event_study_data([roads], labels=["Road-defect reports, share of all reports"]),
        event_label="the change of control",
    )


def event_study_pfi():
    from coprod.charts.effects import event_study_data, plot_event_study

    with_pfi, without = _event_studies()
    return plot_event_study(
        event_study_data(
            [with_pfi, without],
            labels=["With a roads or street-lighting PFI contract", "Without"],
        ),
        event_label="the change of control",
    )


def scenarios():
    from coprod.charts.scenarios import plot_scenarios, scenarios_data

    return plot_scenarios(scenarios_data(_scenario()))


def scenario_comparison():
    from coprod.charts.scenarios import comparison_data, plot_scenario_comparison
    from coprod.politics import change_rates, simulate

    real_years = change_rates(_history(), by="year", years=(1996, 2026))
    base = _scenario()
    worlds = {
        "Control never changes": simulate(p_change=0.0, n_runs=60),
        "Real rate of change": base,
        "Real years, 1997-2026": simulate(
            change_schedule=real_years["p_change"].to_numpy(), n_runs=60
        ),
        "Twice the real rate": simulate(p_change=2 * base.p_change, n_runs=60),
    }
    return plot_scenario_comparison(comparison_data(worlds))


#: Every chart of notebooks 00-03 and their answers, with the plot function it calls.
CHARTS = {
    "00_tour_empty_grid": ("plot_grid", tour_empty_grid),
    "00_tour_practices": ("plot_practices", tour_practices),
    "01_grid_northbridge_2025": ("plot_grid", grid_northbridge),
    "01_grid_movement_holm": ("plot_movement", grid_movement_holm),
    "01_grid_neighbourhoods": ("plot_grid", grid_neighbourhoods),
    "01_grid_toronto_consultation_timing": ("plot_ladder", toronto_consultation_timing),
    "01_grid_cell_shares": ("plot_cell_shares", grid_cell_shares),
    "01_grid_movement": ("plot_movement", grid_movement),
    "answers_01_two_named_cells": ("plot_grid", grid_two_named_cells),
    "01_grid_toronto_ladder": ("plot_ladder", toronto_ladder),
    "01_grid_toronto_likert": ("plot_likert", toronto_likert),
    "02_complaints_small_multiples": ("plot_spc_small_multiples", complaints_small_multiples),
    "02_complaints_street_lighting_run_chart": (
        "plot_run_chart",
        complaints_street_lighting_run_chart,
    ),
    "02_complaints_housing_repairs": ("plot_spc", complaints_housing_repairs),
    "02_complaints_housing_repairs_rebased": ("plot_spc", complaints_rebased),
    "02_complaints_social_care_severity": ("plot_spc", complaints_severity),
    "02_complaints_street_lighting_adjusted": ("plot_spc", complaints_lighting_adjusted),
    "02_complaints_fixmystreet": ("plot_spc_small_multiples", complaints_fixmystreet),
    "02_complaints_co_planning_grid": ("plot_co_planning", complaints_co_planning_grid),
    "02_complaints_upheld_funnel": ("plot_funnel", complaints_upheld_funnel),
    "answers_02_housing_repairs_u_chart": ("plot_spc", answers_u_chart),
    "03_changes_per_decade": ("plot_changes_distribution", changes_per_decade),
    "03_control_strip": ("plot_control_strip", control_strip),
    "03_control_bands": ("plot_control_bands", control_bands),
    "03_sheffield_contracts": ("plot_contracts_timeline", sheffield_contracts),
    "03_its": ("plot_interrupted_time_series", its_chart),
    "03_placebo": ("plot_placebo_check", placebo_chart),
    "03_event_study_roads": ("plot_event_study", event_study_roads),
    "03_event_study_pfi": ("plot_event_study", event_study_pfi),
    "03_scenarios": ("plot_scenarios", scenarios),
    "03_scenario_comparison": ("plot_scenario_comparison", scenario_comparison),
}


def _figure(chart):
    return getattr(chart, "figure", chart)


def _failure(name: str, small: pd.DataFrame) -> str:
    texts = "; ".join(
        f"{row.text!r} {row.printed_pt:.1f} pt (drawn at {row.fontsize:g} pt)"
        for row in small.itertuples()
    )
    return f"{name}: {len(small)} texts print under {style.MIN_TEXT_PT:g} pt at 16 cm: {texts}"


# ------------------------------------------------------------------ the checks


def _draw(name: str, *, styled: bool):
    with style.context() if styled else mpl.rc_context(mpl.rcParamsDefault):
        figure = _figure(CHARTS[name][1]())
        return figure, style.drawn_texts(figure)


@cache
def _measured(name: str, styled: bool) -> dict:
    """Each chart is drawn once per look and measured for every check below."""
    figure, texts = _draw(name, styled=styled)
    overlaps = _overlapping(texts)
    return {
        "width_cm": figure.get_figwidth() * 2.54,
        "too_small": style.too_small(figure, width_cm=16, min_pt=8),
        "clipped": _clipped(figure, texts),
        "tick_labels_overlapping": _tick_labels_overlapping(figure, texts),
        "overlapping": overlaps,
        "screen_px": _screen_height_px(figure),
    }


#: JupyterLab's inline backend shows a chart at matplotlib's figure dpi (100 pixels an
#: inch), cropped to what it draws. A 1600 x 1000 window leaves about 850 pixels below
#: JupyterLab's menu, tabs and toolbar: a chart taller than that cannot be seen whole.
SCREEN_HEIGHT_PX = 850


def _screen_height_px(figure) -> int:
    """The height, in pixels, of the PNG the inline backend shows for ``figure``."""
    import io
    import struct

    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=mpl.rcParamsDefault["figure.dpi"], bbox_inches="tight")
    return struct.unpack(">I", png.getvalue()[20:24])[0]  # IHDR: width, then height


def _clipped(figure, texts) -> list[str]:
    """Texts reaching past the figure's edge (by more than a pixel): cut off when saved."""
    edge = figure.bbox
    return [
        text.get_text()
        for text in texts
        if (box := text.get_window_extent()).x0 < edge.x0 - 1
        or box.x1 > edge.x1 + 1
        or box.y0 < edge.y0 - 1
        or box.y1 > edge.y1 + 1
    ]


def _overlapping(texts) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than a pixel each way."""
    boxes = [(text.get_text(), text.get_window_extent()) for text in texts]
    pairs = []
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1:
                pairs.append((first, second))
    return pairs


def _tick_labels_overlapping(figure, texts) -> list[tuple[str, str]]:
    drawn = set(texts)
    pairs = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [label for label in axis.get_ticklabels() if label in drawn]
            pairs += _overlapping(labels)
    return pairs


def test_every_plot_function_of_the_charts_package_is_measured():
    plot_functions = set()
    for info in pkgutil.iter_modules(coprod.charts.__path__, "coprod.charts."):
        module = importlib.import_module(info.name)
        plot_functions |= {
            name
            for name, value in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("plot_") and value.__module__ == info.name
        }
    assert plot_functions == {plot for plot, _ in CHARTS.values()}


@pytest.mark.parametrize("styled", [False, True], ids=["default", "styled"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_prints_every_text_at_8_pt_or_more_at_16_cm(name, styled):
    # by default too: legibility must not need the style
    small = _measured(name, styled)["too_small"]
    assert small.empty, _failure(name, small)


@pytest.mark.parametrize("styled", [False, True], ids=["default", "styled"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_text_is_neither_cut_off_nor_overlapping(name, styled):
    measured = _measured(name, styled)
    assert measured["clipped"] == []
    assert measured["tick_labels_overlapping"] == []
    assert measured["overlapping"] == []


@pytest.mark.parametrize("name", list(CHARTS))
def test_default_chart_is_16_cm_wide(name):
    assert _measured(name, False)["width_cm"] == pytest.approx(16.0)


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_fits_a_laptop_screen_as_jupyterlab_shows_it(name):
    assert _measured(name, False)["screen_px"] <= SCREEN_HEIGHT_PX


# ------------------------------------------------------------------ the checks can fail


def test_a_deliberately_small_text_is_caught_and_named():
    ax = changes_per_decade()
    ax.text(0.5, 0.5, "footnote", fontsize=7.5, transform=ax.transAxes)
    small = style.too_small(ax, width_cm=16, min_pt=8)
    assert small["text"].tolist() == ["footnote"]
    assert small["printed_pt"].tolist() == pytest.approx([7.5])
    assert _failure("03_changes_per_decade", small) == (
        "03_changes_per_decade: 1 texts print under 8 pt at 16 cm: "
        "'footnote' 7.5 pt (drawn at 7.5 pt)"
    )


def test_a_wide_figure_shrinks_its_text_when_placed_at_16_cm():
    # 8.5 pt on a figure 32 cm wide prints at 4.25 pt: every text of it is caught
    ax = changes_per_decade()
    ax.figure.set_size_inches(32 / 2.54, 4.0)
    small = style.too_small(ax, width_cm=16, min_pt=8)
    assert "changes of control per decade" in small["text"].tolist()
    assert small["printed_pt"].max() < 8
    assert style.text_sizes(ax)["printed_pt"].min() == pytest.approx(_style.SMALL_SIZE / 2)


def test_the_screen_height_is_the_png_the_notebook_shows():
    import matplotlib.pyplot as plt

    fig, _ax = plt.subplots(figsize=(_style.FIGURE_WIDTH, 9.0), layout="constrained")
    assert mpl.rcParamsDefault["figure.dpi"] == 100
    height = _screen_height_px(fig)  # 9 inches at 100 pixels an inch, cropped to the axes
    assert 890 <= height <= 920 and height > SCREEN_HEIGHT_PX  # 0.1 in padding each side
    plt.close(fig)


def test_overlapping_and_cut_off_texts_are_caught():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(_style.FIGURE_WIDTH, 3))
    ax.set_xticks([0, 0.01], ["a long tick label", "its neighbour"])
    ax.text(1.2, 0.5, "past the right edge", transform=ax.transAxes)
    texts = style.drawn_texts(fig)
    assert _clipped(fig, texts) == ["past the right edge"]
    assert _tick_labels_overlapping(fig, texts) == [("a long tick label", "its neighbour")]


# ------------------------------------------------------------------ the style


def test_chart_sizes_are_report_sizes():
    assert _style.FIGURE_WIDTH * 2.54 == pytest.approx(style.REPORT_WIDTH_CM)
    sizes = [_style.TITLE_SIZE, _style.LABEL_SIZE, _style.TICK_SIZE, _style.ANNOT_SIZE]
    assert sizes == sorted(sizes, reverse=True)
    assert _style.SMALL_SIZE == style.MIN_TEXT_PT == 8.0
    assert min(sizes) > _style.SMALL_SIZE


def test_context_applies_the_analysis_function_style_and_restores_every_setting():
    from afcharts.af_colours import get_af_colours

    before = dict(mpl.rcParams)
    with style.context():
        inside = dict(mpl.rcParams)
        cycle = [c.lower() for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert cycle == [c.lower() for c in get_af_colours("categorical")]
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.spines.right"] is False
        assert mpl.rcParams["axes.titlelocation"] == "left"
        assert mpl.rcParams["legend.frameon"] is False
        assert mpl.rcParams["axes.grid"] is True and mpl.rcParams["axes.grid.axis"] == "y"
        # coprod's sizes for 16 cm instead of afcharts' 14 pt
        assert mpl.rcParams["font.size"] == _style.TICK_SIZE
        assert mpl.rcParams["axes.titlesize"] == _style.TITLE_SIZE
        assert mpl.rcParams["axes.labelsize"] == _style.LABEL_SIZE
        assert mpl.rcParams["legend.fontsize"] == _style.ANNOT_SIZE
        assert tuple(mpl.rcParams["figure.figsize"]) == pytest.approx((16 / 2.54, 10 / 2.54))
        assert mpl.rcParams["savefig.dpi"] == 300
    assert dict(mpl.rcParams) == before
    assert inside != before


def test_use_applies_the_style_until_the_settings_are_reset():
    import matplotlib.pyplot as plt

    with mpl.rc_context():
        style.use()
        assert mpl.rcParams["font.size"] == _style.TICK_SIZE
        assert mpl.rcParams["axes.titlelocation"] == "left"
        fig, ax = plt.subplots()
        (line,) = ax.plot([0, 1], [0, 1])
        assert line.get_color().lower() == "#12436d"  # the first Analysis Function colour
        assert fig.get_figwidth() * 2.54 == pytest.approx(16.0)
    assert mpl.rcParams["font.size"] == mpl.rcParamsDefault["font.size"]
    assert mpl.rcParams["axes.titlelocation"] == "center"


def test_every_size_the_style_sets_prints_at_8_pt_or_more():
    rc = style.report_rc()
    sizes = {k: v for k, v in rc.items() if k.endswith("size") and k != "figure.figsize"}
    assert set(sizes) >= {"font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize"}
    assert min(sizes.values()) >= style.MIN_TEXT_PT


def test_a_default_text_under_the_style_prints_at_8_pt_or_more():
    import matplotlib.pyplot as plt

    with style.context():
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3])
        ax.set_title("A title")
        ax.set_xlabel("x")
        ax.legend(["line"], title="key")
        ax.annotate("a note", (1, 2))
        assert style.too_small(fig).empty
        printed = {round(pt, 6) for pt in style.text_sizes(fig)["printed_pt"]}
        assert printed == {
            _style.TITLE_SIZE,
            _style.LABEL_SIZE,
            _style.TICK_SIZE,
            _style.ANNOT_SIZE,
        }


@pytest.mark.parametrize(
    "code",
    [
        "style.use(); print(mpl.rcParams['axes.titlelocation'])",
        "with style.context(): print(mpl.rcParams['axes.titlelocation'])",
    ],
    ids=["use", "context"],
)
def test_the_style_applies_in_a_fresh_session_before_any_chart(code):
    """A report notebook opens ``with context():`` before pyplot is imported: matplotlib's
    ``style`` submodule is not loaded by ``import matplotlib`` alone."""
    import subprocess
    import sys

    setup = "import matplotlib as mpl\nfrom coprod import style\n"
    out = subprocess.run([sys.executable, "-c", setup + code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr.strip().splitlines()[-1]
    assert out.stdout.strip() == "left"


@pytest.mark.notebook
def test_charts_drawn_in_the_style_still_show_in_a_notebook(tmp_path):
    """pyplot's first import in Jupyter turns interactive mode on; if that import happens
    inside ``context()``, leaving the block turned it off again, and no chart drawn after
    the first one showed in the notebook (nor in its HTML)."""
    import re

    from coprod.run import execute_notebook

    cells = [
        "import matplotlib as mpl\nfrom coprod.charts.spc import plot_spc\n"
        "from coprod.style import context\n"
        "import pandas as pd\nfrom coprod.timeseries.spc import spc\n"
        "series = pd.DataFrame({'period': pd.date_range('2024-01-01', periods=12, freq='MS'), "
        "'value': [5, 7, 6, 8, 5, 6, 7, 9, 6, 5, 7, 6]})\n"
        "chart = spc(series, value='value', period='period')",
        *["with context():\n    plot_spc(chart, title='A chart')"] * 3,
    ]
    notebook = tmp_path / "styled.py"
    notebook.write_text("".join(f"# %%\n{cell}\n\n" for cell in cells), encoding="utf-8")
    run = execute_notebook(notebook, output_dir=tmp_path / "out")
    assert run.ok, run.error
    images = re.findall(r"<img[^>]+src=\"data:image/png", run.html.read_text(encoding="utf-8"))
    assert len(images) == 3

"""Every number notebook 01 (and its worked answers) states, against what the library computes.

Each test makes the notebook's own calls on the shipped data and checks the claim as the
prose writes it (rounded the same way). When a rule or a data set changes a number, the
failing test names the paragraph to rewrite.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from notebook_prose import charts, prose, source
from notebook_prose import listed as names
from notebook_prose import says as notebook_says

from coprod.datasets import load_dataset
from coprod.engagement import highest_rungs
from coprod.grid import movement, place_services
from coprod.io.survey import (
    TORONTO_ACTIVITY_RUNGS,
    TORONTO_ENGAGEMENT_MAPPING,
)
from coprod.synth import SERVICES_SURVEY_SEED, make_services_survey
from coprod.vocab import PLANNING_LEVELS

NOTEBOOK = prose(source("01_grid.py"))
ANSWERED = prose(source("answers/01_grid.py"))
COLUMNS = {"service": "service", "planning": "planning", "delivery": "delivery"}


def says(sentence: str, where: str = NOTEBOOK) -> None:
    notebook_says(sentence, where)


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return load_dataset("services_survey").data


@pytest.fixture(scope="module")
def northbridge_2025(responses) -> pd.DataFrame:
    return responses.query("council == 'Northbridge' and wave == 2025")


@pytest.fixture(scope="module")
def placements(northbridge_2025) -> pd.DataFrame:
    return place_services(northbridge_2025, **COLUMNS, weight="weight", seed=1)


@pytest.fixture(scope="module")
def toronto():
    return load_dataset("toronto_engagement")


# ------------------------------------------------------------------ the synthetic survey


def test_the_survey_and_its_weights(responses):
    says("three councils, twenty services, two waves (2023 and 2025)")
    assert responses["council"].nunique() == 3 and responses["service"].nunique() == 20
    assert sorted(responses["wave"].unique()) == [2023, 2025]
    says("(a quarter of each service's respondents, though they are half the population)")
    young = responses["age_group"] == "under 35"
    per_service = young.groupby([responses["council"], responses["wave"], responses["service"]])
    assert per_service.mean().round(2).unique().tolist() == [0.25]
    weighted_share = responses.loc[young, "weight"].sum() / responses["weight"].sum()
    assert weighted_share == pytest.approx(0.5)
    says("they see services as more community-led")
    codes = responses["planning"].astype(str).map({lv: i for i, lv in enumerate(PLANNING_LEVELS)})
    assert codes[young].mean() > codes[~young].mean()
    says("each under-35 answer counts for more")
    assert responses.loc[young, "weight"].min() > responses.loc[~young, "weight"].max()


def test_the_method_as_described(placements):
    says("For weighted answers (as here) it is the linearised interval survey packages give")
    assert placements["interval"].eq("linearised").all()
    says("resample the respondents with replacement a thousand times")
    assert inspect.signature(place_services).parameters["n_boot"].default == 1000
    says('`interval="bootstrap"` asks for it with weights too')
    says(
        'a position below 0.5 is "professionals", 0.5 to 1.5 the middle level, above 1.5 "community"'
    )
    refuse = placements.set_index("service").loc["Refuse collection"]
    assert refuse["planning"] < 0.5 and refuse["cell"] == "Traditional services"
    food = placements.set_index("service").loc["Food banks"]
    assert food["planning"] > 1.5 and food["delivery"] > 1.5
    assert food["cell"] == "Self-help groups"


def test_the_intervals_hold_the_truth(placements):
    truth = make_services_survey(seed=SERVICES_SURVEY_SEED).truth
    check = placements.merge(
        truth.query("council == 'Northbridge' and wave == 2025"),
        on="service",
        suffixes=("", "_true"),
    )
    covered = {
        axis: int(check[f"{axis}_true"].between(check[f"{axis}_low"], check[f"{axis}_high"]).sum())
        for axis in ("planning", "delivery")
    }
    says(
        f"All {covered['planning']} planning intervals and {covered['delivery']} of the 20 "
        "delivery intervals hold the true position"
    )
    assert len(check) == 20 == covered["planning"]


def test_the_weights_pull_every_position(northbridge_2025, placements):
    unweighted = place_services(northbridge_2025, **COLUMNS, seed=1)
    shift = (
        placements.set_index("service")[["planning", "delivery"]]
        - unweighted.set_index("service")[["planning", "delivery"]]
    )
    says(
        "all 20 services sit lower (more professional-led) on both axes, on planning by "
        f"{shift['planning'].min():.2f} to {shift['planning'].max():.2f}"
    )
    assert len(shift) == 20 and (shift > 0).all().all()


def test_movement_between_waves(responses):
    moves = movement(
        responses.query("council == 'Northbridge'"), **COLUMNS, wave="wave", weight="weight", seed=2
    )
    truth = make_services_survey(seed=SERVICES_SURVEY_SEED).truth.query("council == 'Northbridge'")
    planted = truth.pivot(index="service", columns="wave", values="planning")
    planted_shift = (planted[2025] - planted[2023]).round(2)
    movers = planted_shift[planted_shift != 0]
    says(
        "the planted movers in this survey are Libraries, Parks and green spaces, Youth clubs "
        "and Social care, each planned 0.60 further towards the community in 2025"
    )
    assert sorted(movers.index) == [
        "Libraries",
        "Parks and green spaces",
        "Social care",
        "Youth clubs",
    ]
    assert (movers == 0.60).all()
    delivery = truth.pivot(index="service", columns="wave", values="delivery")
    assert np.allclose(delivery[2025], delivery[2023])
    moved = moves[moves["moved"]].set_index("service")
    says("Five services move: the four planted ones (by 0.46 to 0.67 on planning)")
    assert len(moved) == 5 and set(movers.index) < set(moved.index)
    shifts = moved.loc[movers.index, "planning_shift"]
    assert (f"{shifts.min():.2f}", f"{shifts.max():.2f}") == ("0.46", "0.67")
    chance = moved.drop(movers.index).iloc[0]
    says(
        f"and Leisure centres, by {chance['planning_shift']:.2f} ({chance['planning_shift_low']:.2f} "
        f"to {chance['planning_shift_high']:.2f}), the chance mover"
    )
    assert chance.name == "Leisure centres"
    unplanted = len(moves) - len(movers)
    says(
        f"so the {unplanted} services where nothing was planted give {2 * unplanted} shifts, "
        f"and at the 5% level about {0.05 * 2 * unplanted:.1f} of them would pass by chance"
    )
    assert (unplanted, f"{0.05 * 2 * unplanted:.1f}") == (16, "1.6")


@pytest.fixture(scope="module")
def holm_moves(responses):
    return movement(
        responses.query("council == 'Northbridge'"),
        **COLUMNS,
        wave="wave",
        weight="weight",
        seed=2,
        adjust="holm",
    )


def test_adjusting_for_multiple_comparisons(holm_moves):
    says("The weighted shifts here are judged by t-tests, which need no replicates")
    assert holm_moves["interval"].eq("linearised").all()  # at the default 1,000 replicates
    says("an adjustment over 40 tests needs at least 1,600 replicates")
    tests = holm_moves["planning_p"].notna().sum() + holm_moves["delivery_p"].notna().sum()
    assert tests == 40 and int(np.ceil(2 * tests / 0.05)) == 1600
    with pytest.raises(ValueError, match="needs n_boot of at least 1600"):
        movement(
            holm_moves.pipe(lambda _: load_dataset("services_survey").data).query(
                "council == 'Northbridge'"
            ),
            **COLUMNS,
            wave="wave",
            weight="weight",
            seed=2,
            n_boot=1599,
            adjust="holm",
            interval="bootstrap",
        )
    says("With Holm, the four planted movers remain and Leisure centres drops out.")
    moved = sorted(holm_moves.loc[holm_moves["moved"], "service"])
    assert moved == ["Libraries", "Parks and green spaces", "Social care", "Youth clubs"]
    says("the result labels that change of cell *within noise*")
    noise = holm_moves.loc[holm_moves["cell_change"] == "within noise", "service"].tolist()
    assert noise == ["Leisure centres"]
    chart = CHARTS["01_grid_movement_holm"]
    assert chart.title.endswith("four moves survive Holm's adjustment")
    says(f"{names(moved)} moved towards community planning", chart.alt_text)
    assert (holm_moves.set_index("service").loc[moved, "planning_shift"] > 0).all()


def test_the_same_service_across_neighbourhoods():
    from coprod.synth import make_neighbourhood_survey

    survey = make_neighbourhood_survey(seed=11)
    placed = place_services(survey.responses, **COLUMNS, by="neighbourhood", seed=3)
    says("asks the same six services in four neighbourhoods of one council")
    assert placed["service"].nunique() == 6 and placed["neighbourhood"].nunique() == 4
    truth = survey.truth.set_index(["neighbourhood", "service"])
    cells = placed.set_index(["neighbourhood", "service"])["cell"]
    planted = truth.index[truth["planted"]]
    assert sorted(planted) == [
        ("Hillcrest", "Youth clubs"),
        ("Old Town", "Traffic calming"),
        ("Riverside", "Parks and green spaces"),
    ]
    says("Every planted difference is found, each in its own cell")
    for place, service in planted:
        others = cells.xs(service, level="service").drop(place)
        assert cells[(place, service)] == truth.loc[(place, service), "cell"]
        assert cells[(place, service)] not in set(others)
    says("the services with nothing planted sit in the same cell in every neighbourhood")
    unplanted = set(placed["service"]) - {s for _, s in planted}
    for service in unplanted:
        assert cells.xs(service, level="service").nunique() == 1, service
    chart = CHARTS["01_grid_neighbourhoods"]
    says(
        "Parks and green spaces are traditional services in three neighbourhoods and fully "
        "co-produced in Riverside",
        chart.alt_text,
    )
    parks = cells.xs("Parks and green spaces", level="service")
    assert parks["Riverside"] == "Full co-production"
    assert (parks.drop("Riverside") == "Traditional services").all()
    says(
        "Youth clubs are professionally planned and co-delivered except in Hillcrest, where "
        "they are co-planned",
        chart.alt_text,
    )
    youth = cells.xs("Youth clubs", level="service")
    assert (youth.drop("Hillcrest") == "professionally planned, co-delivered").all()
    assert youth["Hillcrest"] == "Full co-production"
    says(
        "Traffic calming is community planned except in Old Town, where professionals plan it",
        chart.alt_text,
    )
    traffic = cells.xs("Traffic calming", level="service")
    assert (traffic.drop("Old Town") == "Community planning").all()
    assert traffic["Old Town"] == "Traditional services"


def test_consultation_before_planning_or_on_proposals(toronto):
    from coprod.io.survey import TORONTO_CONSULTATION_TIMING

    timed = highest_rungs(
        toronto.data, crosswalk=TORONTO_ACTIVITY_RUNGS, timing=TORONTO_CONSULTATION_TIMING
    )
    consultation = timed[timed["rung"] == 4].set_index("timing")["share"]
    says(
        f"Of the {consultation.sum():.0%} whose highest rung was consultation, "
        f"{consultation['before a plan is made']:.0%} of all respondents were consulted only before a "
        f"plan was made, {consultation['on proposals']:.0%} only on proposals and "
        f"{consultation['both']:.0%} both."
    )
    says("website feedback is left unrecorded")
    assert "q1_website_feedback" not in TORONTO_CONSULTATION_TIMING
    assert TORONTO_ACTIVITY_RUNGS["q1_website_feedback"] == 4
    chart = CHARTS["01_grid_toronto_consultation_timing"]
    assert chart.title.endswith("most consultation came before a plan was made")
    assert consultation["before a plan is made"] > consultation["on proposals"]
    says(
        f"the consultation bar ({consultation.sum():.0%} of 962 respondents) split by when "
        f"residents were consulted: {consultation['before a plan is made']:.0%} only before a plan was "
        f"made, {consultation['on proposals']:.0%} only on proposals, {consultation['both']:.0%} "
        f"both, and {consultation['not recorded']:.0%} only through feedback whose timing is not "
        "recorded",
        chart.alt_text,
    )


# ------------------------------------------------------------------ Toronto


def test_the_toronto_file(toronto):
    says("asked 962 residents which engagement activities they had taken part in")
    assert toronto.n_read == toronto.n_loaded == 962
    says("(five-point scale)")
    assert len(toronto.data.attrs["likert_scale"]) == 5
    says("The file is Windows-1252")
    assert toronto.encoding == "cp1252"
    says('two "Other" columns have swapped labels and three statements are worded negatively')
    likert = TORONTO_ENGAGEMENT_MAPPING["likert"]
    assert likert["q3_other_rating"] == "3.12. Other, please specify"
    assert likert["q7_other_rating"] == "7.11. Other, please specify"
    assert len(toronto.data.attrs["reverse_worded"]) == 3


def test_the_crosswalk_as_described():
    says(
        "an open house informs (rung 3), a survey consults (4), an advisory committee placates "
        "(5), co-designing a space is a partnership (6), participatory budgeting delegates power (7)"
    )
    rungs = TORONTO_ACTIVITY_RUNGS
    assert (rungs["q1_open_house"], rungs["q1_city_survey"], rungs["q1_advisory_committee"]) == (
        3,
        4,
        5,
    )
    assert (rungs["q1_helped_design_space"], rungs["q1_participatory_budgeting"]) == (6, 7)
    says("Petitions, protests, 311 reports and contacting a councillor are started by residents")
    for activity in ("q1_petition", "q1_protest", "q1_complaint_311", "q1_contacted_councillor"):
        assert rungs[activity] is None, activity


def test_reading_the_two_charts_together(toronto):
    """The ladder half of the paragraph; the Likert half belongs to the Likert chart's tests."""
    highest = highest_rungs(toronto.data, crosswalk=TORONTO_ACTIVITY_RUNGS).set_index("rung")
    says("most residents' engagement stops at consultation")
    assert highest["share"].idxmax() == 4 and highest.loc[4, "share"] > 0.5


# ------------------------------------------------------------------ worked answers


def test_answer_uncertain_placements(responses):
    eastmoor = place_services(
        responses.query("council == 'Eastmoor' and wave == 2023"),
        **COLUMNS,
        weight="weight",
        seed=3,
    )
    crosses = np.zeros(len(eastmoor), dtype=bool)
    for axis in ("planning", "delivery"):
        for boundary in (0.5, 1.5):
            crosses |= (eastmoor[f"{axis}_low"] < boundary) & (eastmoor[f"{axis}_high"] > boundary)
    uncertain = eastmoor.loc[crosses, "service"]
    says(f"five of the twenty, {names(uncertain)}", ANSWERED)
    assert len(uncertain) == 5


def test_answer_cells_without_weights(responses):
    westfield = responses.query("council == 'Westfield' and wave == 2025")
    weighted = place_services(westfield, **COLUMNS, weight="weight", seed=4)
    unweighted = place_services(westfield, **COLUMNS, seed=4)
    changed = weighted.loc[weighted["cell"].to_numpy() != unweighted["cell"].to_numpy(), "service"]
    says(f"Two services change cell, {names(changed)}", ANSWERED)
    assert len(changed) == 2


def test_answer_leadership_programme(toronto):
    data = toronto.data
    as_given = highest_rungs(data, crosswalk=TORONTO_ACTIVITY_RUNGS)
    moved = highest_rungs(data, crosswalk={**TORONTO_ACTIVITY_RUNGS, "q1_leadership_program": 6})
    before = as_given.query("group == 'Citizen power'")
    after = moved.query("group == 'Citizen power'")
    more = after["n"].sum() - before["n"].sum()
    says(
        f"The share reaching citizen power rises from {before['share'].sum():.1%} to "
        f"{after['share'].sum():.1%}: {more} more respondents",
        ANSWERED,
    )
    took_part = data["q1_leadership_program"].fillna(0).astype(bool)
    others = {a: r for a, r in TORONTO_ACTIVITY_RUNGS.items() if r and a != "q1_leadership_program"}
    already = data.loc[took_part, [a for a, r in others.items() if r >= 6]].fillna(0).any(axis=1)
    says(
        f"Of the {int(took_part.sum())} who took part in the programme, the other "
        f"{int(already.sum())} had already ticked an activity on rung 6 or higher",
        ANSWERED,
    )
    assert int(took_part.sum()) - int(already.sum()) == more


# ------------------------------------------------------------------ chart titles and alt text

CHARTS = charts(source("01_grid.py"))


def test_placement_chart_title_and_alt_text(placements):
    chart = CHARTS["01_grid_northbridge_2025"]
    cells = placements["cell"].value_counts()
    assert chart.title == "Northbridge, 2025 (weighted): five of 20 services in full co-production"
    assert (cells["Full co-production"], len(placements)) == (5, 20)
    assert (cells["Self-help groups"], cells["co-planned, professionally delivered"]) == (3, 3)
    says(
        "Five services sit in Full co-production, three in Self-help groups and three co-planned",
        chart.alt_text,
    )
    traditional = placements.loc[placements["cell"] == "Traditional services", "service"]
    says(f"{names(traditional)} are the two Traditional services", chart.alt_text)
    assert len(traditional) == 2


def test_cell_shares_title_and_alt_text(northbridge_2025):
    from coprod.charts.grid import cell_shares_chart_data
    from coprod.grid import cell_shares

    shares = cell_shares(northbridge_2025, **COLUMNS, weight="weight")
    wide = cell_shares_chart_data(shares)
    largest = wide.max(axis=1)
    majority = largest[largest > 0.5]
    chart = CHARTS["01_grid_cell_shares"]
    assert chart.title.endswith(
        f"a majority agree on one cell for only {len(majority)} of 20 services"
    )
    says(f"A majority chose one cell for {len(majority)} services", chart.alt_text)
    says(
        f"Food banks ({largest['Food banks']:.0%} self-help groups) and Refuse collection "
        f"({largest['Refuse collection']:.0%} traditional services)",
        chart.alt_text,
    )
    assert wide.loc["Food banks"].idxmax() == ("community", "community")
    assert wide.loc["Refuse collection"].idxmax() == ("professionals", "professionals")
    assert majority.sort_values().index[-2:].tolist() == ["Refuse collection", "Food banks"]
    says(
        f"for the other {20 - len(majority)} the answers are spread, down to "
        f"{largest.idxmin()}, whose largest share is {largest.min():.0%}",
        chart.alt_text,
    )


def test_movement_title_and_alt_text(responses):
    moves = movement(
        responses.query("council == 'Northbridge'"), **COLUMNS, wave="wave", weight="weight", seed=2
    )
    moved = moves[moves["moved"]].set_index("service")
    towards = moved[moved["planning_shift"] > 0]
    chart = CHARTS["01_grid_movement"]
    assert chart.title.endswith("five services moved, four towards co-planning")
    assert (len(moved), len(towards)) == (5, 4)
    assert (
        towards["cell_to"]
        .isin(["co-planned, professionally delivered", "Full co-production"])
        .all()
    )
    says(
        f"{names(towards.index)} moved {towards['planning_shift'].min():.2f} to "
        f"{towards['planning_shift'].max():.2f} towards community planning, into the co-planning "
        "column",
        chart.alt_text,
    )
    says(
        f"Leisure centres moved {-moved.loc['Leisure centres', 'planning_shift']:.2f} towards "
        "professionals, by chance. The other 15 show no clear shift.",
        chart.alt_text,
    )


def test_named_cell_title_and_alt_text(northbridge_2025):
    named = place_services(
        northbridge_2025,
        **COLUMNS,
        weight="weight",
        seed=1,
        names={("co-planning", "professionals"): "Consultative services"},
    )
    inside = named.loc[named["cell"] == "Consultative services", "service"]
    chart = CHARTS["01_grid_named_cell"]
    assert chart.title.endswith("naming a blank cell finds three consultative services")
    says(f"Three services sit in it: {names(inside)}.", chart.alt_text)
    assert len(inside) == 3


def test_ladder_title_and_alt_text(toronto):
    highest = highest_rungs(toronto.data, crosswalk=TORONTO_ACTIVITY_RUNGS).set_index("rung")
    share, n = highest["share"], highest["n"]
    chart = CHARTS["01_grid_toronto_ladder"]
    assert chart.title.endswith(
        f"consultation is the highest rung reached by {share[4]:.0%} of residents"
    )
    says(f"Consultation (rung 4) is the highest for {share[4]:.0%} ({n[4]} people)", chart.alt_text)
    says(f"informing for {share[3]:.0%} and placation for {share[5]:.0%}", chart.alt_text)
    says(
        f"{share[6] + share[7] + share[8]:.0%} reached citizen power (partnership "
        f"{share[6]:.0%}, delegated power {share[7]:.0%}); {share[0]:.0%} ({n[0]}) ticked no "
        "City-led activity",
        chart.alt_text,
    )
    assert n[8] == 0 and n.sum() == 962


def test_likert_title_and_alt_text(toronto):
    """What respondents answered to the statements as worded (never reverse-coded)."""
    data = toronto.data
    items = [
        i for i in data.attrs["likert_items"] if i.startswith("q3_") and i != "q3_other_rating"
    ]
    answered = data[items].notna().sum()
    agree = data[items].isin(["Agree", "Strongly agree"]).sum() / answered
    chart = CHARTS["01_grid_toronto_likert"]
    unequal = f"{agree['q3_unequal_influence']:.0%}"
    assert chart.title.endswith(f"{unequal} agree that some participants have less influence")
    says(
        f"answers to {len(items)} statements about how the City of Toronto engages residents, "
        f"{answered.min()} to {answered.max()} answers each",
        chart.alt_text,
    )
    says(
        f"{unequal} agree that some participants have less influence than others on decisions, "
        f"and {agree['q3_no_difference']:.0%} that they can't see how their participation made "
        "a difference",
        chart.alt_text,
    )
    positive = agree.drop(list(data.attrs["reverse_worded"]))
    assert positive.idxmax() == "q3_relevant"
    says(f"relevant to them ({positive.max():.0%})", chart.alt_text)
    assert agree.drop("q3_unequal_influence").max() < agree["q3_unequal_influence"]


def test_answer_two_named_cells_chart(responses):
    names_ = {
        ("co-planning", "professionals"): "Consultative services",
        ("community", "co-delivery"): "Community-led partnerships",
    }
    northbridge = place_services(
        responses.query("council == 'Northbridge' and wave == 2025"),
        **COLUMNS,
        weight="weight",
        seed=1,
        names=names_,
    )
    chart = charts(source("answers/01_grid.py"))["answers_01_two_named_cells"]
    partnerships = northbridge.loc[northbridge["cell"] == "Community-led partnerships", "service"]
    consultative = northbridge.loc[northbridge["cell"] == "Consultative services", "service"]
    assert partnerships.tolist() == ["Community festivals"]
    assert chart.title.endswith("Community festivals is the one community-led partnership")
    says(f"holding {names(consultative)}", chart.alt_text)
    says("holding Community festivals alone", chart.alt_text)


# ------------------------------------------------------------------ who delivers

CONTRACTS = ("private contractor", "PFI contract")


@pytest.fixture(scope="module")
def by_organisation(northbridge_2025) -> pd.DataFrame:
    return place_services(
        northbridge_2025, **COLUMNS, weight="weight", seed=1, organisation="organisation"
    )


def test_contracted_staff_are_professionals_and_the_organisation_is_asked_apart():
    from coprod.vocab import ORGANISATION_KINDS, QUESTIONNAIRE_ANSWERS

    says("it counts a private contractor's staff, or a PFI operator's, as professionals")
    paid = "Paid staff deliver it (the council's own staff or a contractor's)."
    assert QUESTIONNAIRE_ANSWERS["delivery"][paid] == "professionals"
    says(
        "(council in-house, private contractor, PFI contract, voluntary organisation, social "
        "enterprise or development trust, residents)"
    )
    assert ORGANISATION_KINDS == (
        "council in-house",
        "private contractor",
        "PFI contract",
        "voluntary organisation",
        "social enterprise or development trust",
        "residents",
    )
    says("Contracted staff are coded as professionals on purpose")


def test_street_lighting_is_mainly_a_pfi_contract(northbridge_2025):
    from coprod.grid import organisation_shares

    shares = organisation_shares(northbridge_2025, weight="weight", seed=1)
    pfi = shares.query("service == 'Street lighting' and organisation == 'PFI contract'").iloc[0]
    says(
        f"{pfi['share']:.0%} of Northbridge's answers on street lighting name a PFI contract "
        f"(95% interval {pfi['share_low']:.0%} to {pfi['share_high']:.0%})"
    )
    assert f"{pfi['share']:.0%}" == "73%"


def test_which_services_are_locked_into_contracts(by_organisation):
    main = by_organisation.set_index("service")
    contracted = main[main["organisation"].isin(CONTRACTS)]
    pfi = contracted.index[contracted["organisation"] == "PFI contract"]
    private = contracted.index[contracted["organisation"] == "private contractor"]
    says(
        f"Four services are mainly delivered under contract: {names(pfi)} under a PFI "
        f"contract, and {names(private)} by private contractors."
    )
    assert len(contracted) == 4 and list(pfi) == ["Street lighting"]
    professional_row = contracted["delivery"] < 0.5
    says("Three of them sit in the grid's professional-delivery row, and Housing repairs")
    assert int(professional_row.sum()) == 3 and not professional_row["Housing repairs"]
    says("Housing repairs even sits in Full co-production")
    assert main.loc["Housing repairs", "cell"] == "Full co-production"
    outsourcing = main[main["cell"] == "Outsourcing"]
    says(
        f"The two services in the cell the post calls Outsourcing, {names(outsourcing.index)}, "
        "are mainly delivered by a social enterprise and a voluntary organisation"
    )
    assert outsourcing["organisation"].tolist() == [
        "social enterprise or development trust",
        "voluntary organisation",
    ]
    says("Notebook 03 (`03_political_change.py`) measures how long real PFI contracts run")


def test_organisation_chart_title_and_alt_text(by_organisation):
    chart = CHARTS["01_grid_organisation"]
    contracted = by_organisation["organisation"].isin(CONTRACTS)
    assert chart.title == "Northbridge, 2025: four services are mainly delivered under contract"
    assert int(contracted.sum()) == 4 and chart.has_data
    says(
        "Street lighting is mainly delivered under a PFI contract; Housing repairs, Refuse "
        "collection and Social care by private contractors; the other 16 by the council's own "
        "staff, voluntary organisations, social enterprises or residents.",
        chart.alt_text,
    )
    others = set(by_organisation.loc[~contracted, "organisation"])
    assert len(by_organisation) - 4 == 16 and not others & set(CONTRACTS)


def test_the_questionnaire_as_described():
    from coprod.survey import questionnaire

    form = questionnaire(["Libraries", "Street lighting", "Refuse collection"], respondents=2)
    says("The returned file loads with `read_survey(path)` and no mapping at all")
    says('"I don\'t know" is one of the answers and is read as no answer')
    assert form.codebook.query("column == 'organisation'")["level"].isna().sum() == 1
    says(
        "Before a plan is made (a questionnaire, say) / on proposals already drawn up / not consulted"
    )
    assert len(form.answers["consultation"]) == 4


def test_answer_chance_movers_across_three_councils(responses):
    from coprod.synth import DEFAULT_MOVERS

    settings = dict(**COLUMNS, wave="wave", weight="weight", by="council", seed=6, n_boot=5000)
    raw = movement(responses, **settings)
    adjusted = movement(responses, **settings, adjust="fdr_bh")
    planted = raw["service"].isin(list(DEFAULT_MOVERS))
    tests = 2 * int((~planted).sum())
    says(
        f"The {int((~planted).sum())} services with nothing planted give {tests} shifts, so "
        f"about {0.05 * tests:.1f} would pass at the 5% level by chance",
        ANSWERED,
    )
    chance = raw.loc[raw["moved"] & ~planted, ["council", "service"]].values.tolist()
    says("this survey shows only one, Leisure centres in Northbridge", ANSWERED)
    assert chance == [["Northbridge", "Leisure centres"]]
    says("All 12 planted movers (four services in each council) are found.", ANSWERED)
    assert int(raw.loc[planted, "moved"].sum()) == int(planted.sum()) == 12
    says(
        "With the Benjamini-Hochberg adjustment the 12 planted movers remain and the chance "
        "mover is gone.",
        ANSWERED,
    )
    assert adjusted.loc[planted, "moved"].all() and not adjusted.loc[~planted, "moved"].any()

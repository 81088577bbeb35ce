# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 01 · Placing services on the planning × delivery grid
#
# **Question:** from residents' answers about *who plans* and *who delivers* each service,
# where does each service sit on Bovaird's grid, how sure can we be, and did services move
# between two survey waves?
#
# We work first on a synthetic survey whose true positions we know (so we can check the
# method finds them), then on a real resident survey from the City of Toronto, which asks
# how the City engages residents and lets us place that engagement on Arnstein's ladder.

# %%
from coprod.charts.grid import (
    cell_shares_chart_data,
    grid_chart_data,
    movement_chart_data,
    plot_cell_shares,
    plot_grid,
    plot_movement,
)
from coprod.charts.ladder import ladder_chart_data, plot_ladder
from coprod.charts.likert import likert_table, plot_likert
from coprod.datasets import load_dataset
from coprod.engagement import activity_rungs, highest_rungs, ladder_summary
from coprod.export import save_figure, save_questionnaire
from coprod.grid import (
    cell_shares,
    movement,
    movement_summary,
    organisation_shares,
    place_services,
    placement_summary,
)
from coprod.io.survey import TORONTO_ACTIVITY_RUNGS, TORONTO_CONSULTATION_TIMING, item_labels
from coprod.survey import questionnaire
from coprod.synth import SERVICES_SURVEY_SEED, make_neighbourhood_survey, make_services_survey
from coprod.widgets import GridExplorer

# %% [markdown]
# ## The data
#
# `services_survey` is a synthetic residents' survey shipped with coprod: three councils,
# twenty services, two waves (2023 and 2025). Each respondent was asked about one service:
# *who plans it?* and *who delivers it?*, each answered on the three levels of the grid.
# Loading goes through the same loader you would use for your own file, so we first check
# what it says: every row read is either loaded or quarantined with a reason.

# %%
survey = load_dataset("services_survey")
print(survey.summary())
responses = survey.data
responses.head()

# %%
responses.groupby(["council", "wave"]).size().unstack()

# %% [markdown]
# Under-35s were deliberately under-sampled (a quarter of each service's respondents,
# though they are half the population), and they see services as more community-led.
# The `weight` column corrects for that: each under-35 answer counts for more.

# %%
responses.groupby("age_group").agg(
    respondents=("respondent_id", "size"), weight=("weight", "first")
)

# %% [markdown]
# ## From answers to a position
#
# The method, in plain words:
#
# 1. **Code each answer** 0 = professionals, 1 = co-planning / co-delivery, 2 = community.
# 2. **Average** the codes for a service, on each axis, using the weights. The result is a
#    point between 0 and 2 on each axis: the service's *position*.
# 3. **Say how sure we are** with a 95% interval. For weighted answers (as here) it is the
#    linearised interval survey packages give: the position plus or minus about two
#    standard errors, the standard error read from how far the weighted answers spread
#    around the position. Unweighted, it is a bootstrap: resample the respondents with
#    replacement a thousand times, recompute the position each time, and keep the middle
#    95% of the results (`interval="bootstrap"` asks for it with weights too). Either way
#    its width shows how far sampling alone could have moved the estimate. It says nothing
#    about answers from people the survey did not reach.
# 4. **Name the cell** the position falls in: a position below 0.5 is "professionals",
#    0.5 to 1.5 the middle level, above 1.5 "community". A service whose interval crosses
#    0.5 or 1.5 could belong to the neighbouring cell: the summary says which.

# %%
northbridge_2025 = responses.query("council == 'Northbridge' and wave == 2025")
placements = place_services(
    northbridge_2025,
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
)
placements.round(2)

# %%
print(placement_summary(placements))

# %%
ax = plot_grid(
    placements, title="Northbridge, 2025 (weighted): five of 20 services in full co-production"
)
saved = save_figure(
    ax,
    "01_grid_northbridge_2025",
    data=grid_chart_data(placements),
    alt_text=(
        "Grid chart of Northbridge's 20 services in 2025, each a point at its weighted mean "
        "position with 95% interval bars, planning across (professionals to community) and "
        "delivery down. Five services sit in Full co-production, three in Self-help groups and "
        "three co-planned and professionally delivered; Refuse collection and Street lighting "
        "are the two Traditional services."
    ),
)

# %% [markdown]
# ### Did the method find the truth?
#
# Because the survey is synthetic we know each service's true position. The generator is
# seeded, so `make_services_survey(seed=SERVICES_SURVEY_SEED)` rebuilds the shipped file
# and its planted truth. We check how many true positions fall inside their intervals.

# %%
truth = make_services_survey(seed=SERVICES_SURVEY_SEED).truth
check = placements.merge(
    truth.query("council == 'Northbridge' and wave == 2025"),
    on="service",
    suffixes=("", "_true"),
)
check["planning_covered"] = check["planning_true"].between(
    check["planning_low"], check["planning_high"]
)
check["delivery_covered"] = check["delivery_true"].between(
    check["delivery_low"], check["delivery_high"]
)
check[["planning_covered", "delivery_covered"]].mean()

# %% [markdown]
# All 20 planning intervals and 19 of the 20 delivery intervals hold the true position.
# About 95% is what a 95% interval promises; with 20 services an occasional miss is
# expected. The test suite repeats this over many simulated surveys.
#
# ### Why the weights matter
#
# Without weights the over-represented over-35s pull every position towards their view:
# all 20 services sit lower (more professional-led) on both axes, on planning by 0.06 to
# 0.16.

# %%
unweighted = place_services(
    northbridge_2025, service="service", planning="planning", delivery="delivery", seed=1
)
comparison = placements[["service", "planning", "cell"]].merge(
    unweighted[["service", "planning", "cell"]],
    on="service",
    suffixes=("_weighted", "_unweighted"),
)
comparison["planning_difference"] = (
    comparison["planning_weighted"] - comparison["planning_unweighted"]
)
comparison.sort_values("planning_difference", ascending=False).round(2).head(8)

# %% [markdown]
# ## Averages hide disagreement: cell shares
#
# A position of 1.0 can mean everyone says "co-planning" or half say "professionals" and
# half "community". The share of respondents who put a service in each of the nine cells
# shows which.

# %%
shares = cell_shares(
    northbridge_2025, service="service", planning="planning", delivery="delivery", weight="weight"
)
ax = plot_cell_shares(
    shares, title="Northbridge, 2025: a majority agree on one cell for only 8 of 20 services"
)
saved = save_figure(
    ax,
    "01_grid_cell_shares",
    data=cell_shares_chart_data(shares),
    alt_text=(
        "Heat map of the share of Northbridge's 2025 respondents (150 a service) who put each "
        "of 20 services in each of the nine cells of the grid. A majority chose one cell for 8 "
        "services, most clearly Food banks (73% self-help groups) and Refuse collection (71% "
        "traditional services); for the other 12 the answers are spread, down to Youth clubs, "
        "whose largest share is 18%."
    ),
)

# %% [markdown]
# ## Movement between waves
#
# The two waves are independent samples, so the shift between them gets its own interval
# (the two waves' variances add). A service *moved* when an interval of its shift excludes zero. Testing many
# services invites chance movers: the planted movers in this survey are Libraries, Parks
# and green spaces, Youth clubs and Social care, each planned 0.60 further towards the
# community in 2025, so the 16 services where nothing was planted give 32 shifts, and at
# the 5% level about 1.6 of them would pass by chance. Five services move: the four
# planted ones (by 0.46 to 0.67 on planning) and Leisure centres, by -0.20 (-0.39 to
# -0.02), the chance mover: nothing was planted there, and its interval only just
# excludes zero.

# %%
northbridge = responses.query("council == 'Northbridge'")
moves = movement(
    northbridge,
    service="service",
    wave="wave",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=2,
)
print(movement_summary(moves))

# %%
ax = plot_movement(
    moves, title="Northbridge, 2023 to 2025: five services moved, four towards co-planning"
)
saved = save_figure(
    ax,
    "01_grid_movement",
    data=movement_chart_data(moves),
    alt_text=(
        "Grid chart with an arrow for each of Northbridge's 20 services from its 2023 to its "
        "2025 position. Five arrows are marked as moved (a 95% interval of the shift excludes "
        "zero): Libraries, Parks and green spaces, Social care and Youth clubs moved 0.46 to "
        "0.67 towards community planning, into the co-planning column; Leisure centres moved "
        "0.20 towards professionals, by chance. The other 15 show no clear shift."
    ),
)

# %% [markdown]
# ### Many services, one question each: adjusting for multiple comparisons
#
# When one false mover would mislead (a report naming "the services that moved"), ask
# `movement` to adjust: `adjust="holm"` keeps the chance of calling *any* unmoved service
# a mover at 5%; `adjust="fdr_bh"` (Benjamini-Hochberg) keeps the expected share of false
# movers among those named at 5%, and suits a long list where a few are acceptable. The
# weighted shifts here are judged by t-tests, which need no replicates; with
# `interval="bootstrap"`, a bootstrap p-value cannot go below 2 / (replicates + 1), so an
# adjustment over 40 tests needs at least 1,600 replicates: `movement` says so rather than
# find nothing. With Holm, the four planted movers remain and Leisure centres drops out.
# Its point still crossed from one cell to another, so the result labels that change of
# cell *within noise*, and the chart draws it apart from the moves.

# %%
adjusted_moves = movement(
    northbridge,
    service="service",
    wave="wave",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=2,
    adjust="holm",
)
print(movement_summary(adjusted_moves))
adjusted_moves.loc[
    adjusted_moves["cell_change"] != "same cell",
    ["service", "planning_shift", "planning_p", "planning_p_adjusted", "moved", "cell_change"],
].round(3)

# %%
ax = plot_movement(
    adjusted_moves,
    title="Northbridge, 2023 to 2025: four moves survive Holm's adjustment",
)
saved = save_figure(
    ax,
    "01_grid_movement_holm",
    data=movement_chart_data(adjusted_moves),
    alt_text=(
        "Grid chart with an arrow for each of Northbridge's 20 services from 2023 to 2025, "
        "moves judged with Holm's adjustment over 40 tests. Libraries, Parks and green "
        "spaces, Social care and Youth clubs moved towards community planning; Leisure "
        "centres, whose point crossed from one cell to another, is drawn as a change of cell "
        "within noise."
    ),
)

# %% [markdown]
# ## The same service in different neighbourhoods
#
# Community plans let neighbourhoods set their own priorities, and they compete for the
# council's resources (the blog post's point). A council-wide position averages that
# away. Give the grid functions a neighbourhood column with `by="neighbourhood"` and each
# service is placed in each neighbourhood (`read_survey(..., keep=["neighbourhood"])`
# keeps such a column from your own file). The synthetic survey below asks the same six
# services in four neighbourhoods of one council, with three differences planted: a
# community plan in Riverside brings residents into planning and running the parks, a
# youth forum in Hillcrest plans the youth clubs with the council, and in Old Town the
# council's engineers alone decide where traffic is calmed.

# %%
neighbourhood_survey = make_neighbourhood_survey(seed=11)
by_neighbourhood = place_services(
    neighbourhood_survey.responses,
    service="service",
    planning="planning",
    delivery="delivery",
    by="neighbourhood",
    seed=3,
)
compared = ["Parks and green spaces", "Traffic calming", "Youth clubs"]
by_neighbourhood.loc[
    by_neighbourhood["service"].isin(compared),
    ["service", "neighbourhood", "planning", "delivery", "cell"],
].sort_values(["service", "neighbourhood"]).round(2)

# %%
ax = plot_grid(
    by_neighbourhood[by_neighbourhood["service"].isin(compared)],
    label="neighbourhood",
    hue="service",
    title="One council, 2025: three services sit in different cells by neighbourhood",
)
saved = save_figure(
    ax,
    "01_grid_neighbourhoods",
    data=grid_chart_data(by_neighbourhood[by_neighbourhood["service"].isin(compared)]),
    alt_text=(
        "Grid chart of three services in four neighbourhoods of one synthetic council, "
        "coloured by service and labelled by neighbourhood. Parks and green spaces are "
        "traditional services in three neighbourhoods and fully co-produced in Riverside; "
        "Youth clubs are professionally planned and co-delivered except in Hillcrest, where "
        "they are co-planned; Traffic calming is community planned except in Old Town, where "
        "professionals plan it."
    ),
)

# %% [markdown]
# Every planted difference is found, each in its own cell, and the services with nothing
# planted sit in the same cell in every neighbourhood. A researcher comparing
# neighbourhoods should expect the debate the post describes: one neighbourhood's
# community plan is one voice among several at the council's table.
#
# ## Naming a blank cell
#
# Four cells are blank on purpose. Suppose your council calls co-planned, professionally
# delivered services *consultative services*. Pass the name as a mapping: nothing global
# changes, and every function that labels cells accepts the same `names=`.

# %%
our_names = {("co-planning", "professionals"): "Consultative services"}
named = place_services(
    northbridge_2025,
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
    names=our_names,
)
named.loc[named["cell"] == "Consultative services", ["service", "planning", "delivery"]].round(2)

# %%
ax = plot_grid(
    named,
    names=our_names,
    title="Northbridge, 2025: naming a blank cell finds three consultative services",
)
saved = save_figure(
    ax,
    "01_grid_named_cell",
    data=grid_chart_data(named, names=our_names),
    alt_text=(
        "Grid chart of Northbridge's 20 services in 2025 with the co-planned, professionally "
        "delivered cell named Consultative services. Three services sit in it: Libraries, "
        "Parks and green spaces and Social care."
    ),
)

# %% [markdown]
# ## Who delivers: the council, a contractor or a PFI contract?
#
# The delivery axis asks how far residents take part in delivering a service, so it counts
# a private contractor's staff, or a PFI operator's, as professionals, exactly as it counts
# the council's own staff. That is deliberate: the blog post's point is that outsourcing to
# private companies and PFI contracts have eroded the council's *professional* delivery, not
# handed delivery to residents. It also means the grid alone cannot say which services are
# contracted out. So the survey asks a second question beside the delivery level: *which
# organisation delivers this service?* (council in-house, private contractor, PFI contract,
# voluntary organisation, social enterprise or development trust, residents). The shares of
# each answer per service come with 95% intervals, computed as for the positions.

# %%
organisations = organisation_shares(northbridge_2025, weight="weight", seed=1)
organisations.query("service == 'Street lighting'").round(2)

# %% [markdown]
# 73% of Northbridge's answers on street lighting name a PFI contract (95% interval 64% to
# 81%). Passing `organisation=` to `place_services` adds each service's main delivering
# organisation, and the grid chart draws it as the marker's shape.

# %%
by_organisation = place_services(
    northbridge_2025,
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
    organisation="organisation",
)
ax = plot_grid(
    by_organisation,
    title="Northbridge, 2025: four services are mainly delivered under contract",
)
saved = save_figure(
    ax,
    "01_grid_organisation",
    data=grid_chart_data(by_organisation),
    alt_text=(
        "Grid chart of Northbridge's 20 services in 2025, each marker's shape showing the "
        "organisation most respondents say delivers it. Street lighting is mainly delivered "
        "under a PFI contract; Housing repairs, Refuse collection and Social care by private "
        "contractors; the other 16 by the council's own staff, voluntary organisations, "
        "social enterprises or residents."
    ),
)

# %% [markdown]
# ### Which services are locked into contracts?
#
# Four services are mainly delivered under contract: Street lighting under a PFI contract,
# and Housing repairs, Refuse collection and Social care by private contractors. Three of
# them sit in the grid's professional-delivery row, and Housing repairs even sits in Full
# co-production: no cell shows a contract. The two services in the cell the post
# calls Outsourcing, Leisure centres and Meals on wheels, are mainly delivered by a social
# enterprise and a voluntary organisation, not by private companies.
#
# A contract matters for co-production because it outlasts elections: residents can vote
# out a council whose own services fail, but a PFI contract ties the council to the same
# delivery arrangement for decades, whoever controls it. Notebook 03
# (`03_political_change.py`) measures how long real PFI contracts run against changes of
# control.

# %%
contracted = by_organisation["organisation"].isin(["private contractor", "PFI contract"])
by_organisation.loc[contracted, ["service", "cell", "organisation", "organisation_share"]].round(2)

# %% [markdown]
# ## Explore it yourself
#
# Pick a council and a wave; tick or untick the weights. It opens on Northbridge in 2025,
# the chart discussed above. (Weighted, its intervals are the linearised ones above;
# unweighted, it draws 300 bootstrap resamples, not 1,000, so they wobble slightly.) Each choice is computed
# once: going back to it is immediate.

# %%
GridExplorer(responses, weight="weight", initial={"council": "Northbridge", "wave": 2025})

# %% [markdown]
# ## Real data: how does Toronto engage its residents?
#
# The City of Toronto's Public Engagement Review survey (2023; Open Government Licence –
# Toronto. *Contains information licensed under the Open Government Licence – Toronto.*)
# asked 962 residents which engagement activities they had taken part in (tick boxes) and
# how far they agree with statements about how the City engages (five-point scale). The
# file is Windows-1252, two "Other" columns have swapped labels and three statements are
# worded negatively: the documented mapping `TORONTO_ENGAGEMENT_MAPPING` handles all
# three, and the loader's summary says what it did.

# %%
toronto = load_dataset("toronto_engagement")
print(toronto.summary())

# %% [markdown]
# ### Which rungs of the ladder did residents reach?
#
# A crosswalk (`TORONTO_ACTIVITY_RUNGS`) puts each activity on the rung its usual form sits
# on: an open house informs (rung 3), a survey consults (4), an advisory committee
# placates (5), co-designing a space is a partnership (6), participatory budgeting
# delegates power (7). Petitions, protests, 311 reports and contacting a councillor are
# started by residents, not offered by the City, so they are not on the ladder. The
# crosswalk is a judgement: change it and see what moves.

# %%
activity_rungs(toronto.data, crosswalk=TORONTO_ACTIVITY_RUNGS).round(3)

# %%
highest = highest_rungs(toronto.data, crosswalk=TORONTO_ACTIVITY_RUNGS)
print(ladder_summary(highest))
ax = plot_ladder(
    highest, title="Toronto, 2023: consultation is the highest rung reached by 54% of residents"
)
saved = save_figure(
    ax,
    "01_grid_toronto_ladder",
    data=ladder_chart_data(highest),
    alt_text=(
        "Horizontal bar chart of the 962 Toronto respondents by the highest rung of Arnstein's "
        "ladder among the City-led engagement activities they ticked. Consultation (rung 4) "
        "is the highest for 54% (522 people), informing for 9% and placation for 1%; 15% "
        "reached citizen power (partnership 10%, delegated power 5%); 20% (196) ticked no "
        "City-led activity."
    ),
)

# %% [markdown]
# ### Consulted before a plan, or on its proposals?
#
# Arnstein's consultation rung holds two different things the blog post keeps apart:
# asking residents what is needed *before* professionals make a plan (a questionnaire),
# and asking them about proposals already made. `TORONTO_CONSULTATION_TIMING` records,
# for the consultation activities, which their usual form is (again a judgement: a City
# survey is read as before planning, a deputation to a committee as on proposals; website
# feedback is left unrecorded), and `timing=` splits the consultation bar. Of the 54% whose
# highest rung was consultation, 28% of all respondents were consulted only before a plan
# was made, 7% only on proposals and 17% both.

# %%
timed = highest_rungs(
    toronto.data, crosswalk=TORONTO_ACTIVITY_RUNGS, timing=TORONTO_CONSULTATION_TIMING
)
print(ladder_summary(timed))
ax = plot_ladder(timed, title="Toronto, 2023: most consultation came before a plan was made")
saved = save_figure(
    ax,
    "01_grid_toronto_consultation_timing",
    data=ladder_chart_data(timed),
    alt_text=(
        "The Toronto ladder chart with the consultation bar (54% of 962 respondents) split by "
        "when residents were consulted: 28% only before a plan was made, 7% only on "
        "proposals, 17% both, and 2% only through feedback whose timing is not recorded."
    ),
)

# %% [markdown]
# ### What residents think of the engagement
#
# The statements are shown as diverging bars: disagreement to the left, agreement to the
# right, the neutral answer split across zero. Each statement is shown as it was asked,
# with the answers as given, so for the three negatively worded statements (technical
# language, unequal influence, not seeing a difference) agreeing is the critical answer.
# Reverse-coding belongs only in a score that compares or combines statements:
# `reverse=` gives the table a `net_score` column (net agreement, reversed for the score
# on those three), which the chart does not draw. Blank answers are left out of each
# statement's base (its *n*).

# %%
toronto_answers = toronto.data
q3_items = [
    item
    for item in toronto_answers.attrs["likert_items"]
    if item.startswith("q3_") and item != "q3_other_rating"
]
table = likert_table(
    toronto_answers,
    items=q3_items,
    scale=toronto_answers.attrs["likert_scale"],
    labels=item_labels(toronto_answers, q3_items),
    reverse=toronto_answers.attrs["reverse_worded"],
)
ax = plot_likert(table, title="Toronto, 2023: 75% agree that some participants have less influence")
saved = save_figure(
    ax,
    "01_grid_toronto_likert",
    data=table,
    alt_text=(
        "Diverging bar chart of answers to 11 statements about how the City of Toronto engages "
        "residents, 700 to 717 answers each: disagreement left of zero, agreement right, "
        "neutral answers split across it. 75% agree that some participants have less "
        "influence than others on decisions, and 52% that they can't see how their "
        "participation made a difference; the statement most agreed with otherwise is that "
        "the City's engagement activities are relevant to them (55%)."
    ),
)

# %% [markdown]
# Reading the two charts together: most residents' engagement stops at consultation;
# three in four residents (75%) agree that some participants have less influence than
# others on decisions, and more agree than disagree that they can't see how their
# participation made a difference (52% against 23%), the mark of tokenism on Arnstein's
# ladder.
#
# ### What would a survey need to ask to place services on the full grid?
#
# The Toronto survey asks about *engagement*, which is the planning axis only, and not
# service by service. To place services on the full grid a survey needs, **for each
# service** a respondent uses or knows:
#
# 1. *Who decides how this service is planned?* Council staff or professionals / council
#    and residents together / residents or community groups (the three planning levels).
# 2. *Who delivers it day to day?* Paid staff (the council's own or a contractor's) /
#    paid staff and residents together / residents, volunteers or community groups.
#    Contracted staff are coded as professionals on purpose: the delivery axis is about
#    residents' part in delivery, not about who employs the staff.
# 3. *Which organisation delivers it?* The council with its own staff / a private company
#    under contract / a private company under a PFI contract / a voluntary organisation /
#    a social enterprise or development trust / residents themselves: the question that
#    tells a contract from the council's own service.
# 4. *When, if at all, are residents consulted about its plans?* Before a plan is made (a
#    questionnaire, say) / on proposals already drawn up / not consulted. Both kinds of
#    consultation are Arnstein's consultation rung, but the post tells them apart.
# 5. The respondent's characteristics that the sample can be weighted on (age, area), and
#    an identifier so the same questions can be asked again in a later wave.
#
# `coprod.survey.questionnaire` writes these questions as a form, with each answer a full
# sentence chosen from a drop-down list and mapped to the project's levels, and
# `save_questionnaire` writes it as an Excel workbook with a codebook. The returned file
# loads with `read_survey(path)` and no mapping at all; "I don't know" is one of the
# answers and is read as no answer, while a blank or an answer not in the list is
# quarantined with its row and reason.

# %%
form = questionnaire(["Libraries", "Street lighting", "Refuse collection"], respondents=2)
saved_form = save_questionnaire(form, "questionnaire")
print(form.summary())
form.codebook.query("column == 'organisation'")

# %% [markdown]
# `save_questionnaire(form, "questionnaire")` wrote `output/questionnaire/questionnaire.xlsx`
# and its codebook CSV; `coprod questionnaire --services ... --out FOLDER` does the same
# from the command line. A survey worded in its own words still loads: map them with
# `levels={"planning": {"Council staff or professionals": "professionals", ...},
# "organisation": {"Contracted staff": "private contractor"}}`, and read "Don't know" as a
# missing answer with `missing=["Don't know"]` (the respondent's other answers still load).
#
# ## Exercises
#
# Worked answers are in `answers/01_grid.py`.
#
# 1. Place Eastmoor's services in 2023. Which placements are uncertain, and why?
# 2. For Westfield 2025, which services change cell when you drop the weights?
# 3. Name a second blank cell (community planned, co-delivered) and redraw the grid.
# 4. In the Toronto survey, which statement is the least favourable by `net_score` (the
#    negatively worded ones reversed for the score)? Try `neutral="exclude"` in
#    `likert_table`: does the ranking change?
# 5. Move the leadership programme (`q1_leadership_program`) from rung 2 to rung 6 in the
#    crosswalk. How does the share reaching citizen power change?
# 6. Measure movement in all three councils at once (`by="council"`). Among the services
#    where nothing was planted, how many chance movers should you expect, how many do you
#    find, and what does `adjust="fdr_bh"` leave?

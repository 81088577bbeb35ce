# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 03 · Political change: who is in control, what lasts, and what a change does
#
# **Question:** does a change in who controls a council undo co-production, while
# contracts such as PFI run on whoever is in control?
#
# The post behind this project (`shared/reference/`) ends on this worry: its author sees
# shifting political fortunes as co-production's main weakness, since a new leadership can
# undo working relationships built up with residents, while under a PFI contract the same
# delivery arrangement stays in place whatever the voters decide. That gives four
# questions to put to data:
#
# 1. **Control changes often enough to matter.** How often does a council change hands?
# 2. **Contracts outlast control.** Do PFI contracts run straight through changes of control?
# 3. **A change has effects.** Does anything residents do or report shift after a change?
#    We cannot observe co-production arrangements directly in national data, so we look
#    at the nearest thing that is counted everywhere: residents reporting problems to their
#    council through FixMyStreet, around real changes of control.
# 4. **What follows if both are true?** Scenarios of arrangements and contracts under elections.
#
# The methods, in plain words: counting changes in 50 years of control histories; an
# *interrupted time series* (did a series jump, or bend, when something happened?) with a
# *placebo check* (how often does it "find" an effect where nothing happened?); an *event
# study* across many councils that changed at different times, compared with councils that
# did not; and a simulation.

# %%

from coprod.charts.effects import (
    event_study_data,
    its_chart_data,
    placebo_chart_data,
    plot_event_study,
    plot_interrupted_time_series,
    plot_placebo_check,
)
from coprod.charts.pfi import contracts_timeline_data, plot_contracts_timeline
from coprod.charts.politics import (
    changes_distribution_data,
    control_bands_data,
    control_strip_data,
    plot_changes_distribution,
    plot_control_bands,
    plot_control_strip,
)
from coprod.charts.scenarios import (
    comparison_data,
    plot_scenario_comparison,
    plot_scenarios,
    scenarios_data,
)
from coprod.complaints import complaint_counts
from coprod.datasets import load_dataset
from coprod.export import save_figure
from coprod.politics import (
    change_rates,
    control_changes,
    interrupted_time_series,
    placebo_check,
    simulate,
)
from coprod.politics.effects import change_study, pfi_contrast, report_panel
from coprod.politics.pfi import charges_by_sector, contracts_in_force, last_contract_end
from coprod.widgets import ScenarioExplorer

# %% [markdown]
# ## The data
#
# Four real sources, shipped with coprod (each file's origin and licence is in
# `coprod/data/`), all loaded by the loaders you would point at your own copies:
#
# * **Who controls each council, 1973-2026**: Open Council Data's two published files,
#   which spell parties differently ("Lab" and "LAB", "Plaid" and "PC") and, from 2025, name
#   the administration ("LAB min", "LD/LAB/GRN") rather than who holds a majority.
#   `read_control_history` turns them into one council × year timeline with one vocabulary.
# * **Council names and codes**: mySociety's lookup, through which every source is matched
#   (`match_councils`): the control files by name and Open Council Data id, HM Treasury's
#   short names ("Brighton and Hove"), FixMyStreet's district codes.
# * **PFI contracts**: HM Treasury's list of the 716 PFI and PF2 projects current at
#   31 March 2016.
# * **FixMyStreet reports**: residents' problem reports per council area and month,
#   2007-2020, in all and for "Road Safety & Defects".

# %%
control = load_dataset("council_control")
print(control.summary())
history = control.data

# %%
pfi = load_dataset("pfi_projects")
print(pfi.summary())
projects = pfi.data

# %% [markdown]
# ## How often does control change?
#
# A change of control is a year whose control (a party with a majority, or no overall
# control, NOC) differs from the year before. `control_changes` lists them;
# `change_rates` turns them into a rate per council per decade with an exact Poisson
# interval.

# %%
changes = control_changes(history)
rates = change_rates(history)
rates[["councils", "council_years", "changes", "changes_per_decade", "low", "high", "p_change"]]

# %%
change_rates(history, by="nation")[
    ["nation", "councils", "changes", "changes_per_decade", "low", "high"]
]

# %% [markdown]
# Over 1973-2026 the histories hold **2,317 changes in 23,993 council-years: about one
# change per council per decade (0.97), a 9.7% chance in any year.** English councils
# change hands more often than Scottish ones (about 1.06 against 0.65 a decade); Scottish
# councils have been elected by single transferable vote since 2007, which makes
# majorities rare and "no overall control" the usual state, though they changed less often
# than English councils even before 2007, so the voting system is not the whole story (see
# the exercises). Councils not in the lookup (mostly councils abolished before about 2009,
# plus the new East and West Surrey councils) have no nation and appear as their own group.
#
# The distribution matters as much as the average: some councils never change, others
# swing every few years.

# %%
per_council = changes_distribution_data(history)
ax = plot_changes_distribution(
    per_council, title="Councils change control about once a decade; 74 never did"
)
saved = save_figure(
    ax,
    "03_changes_per_decade",
    data=per_council,
    alt_text=(
        "Histogram of changes of control per decade for the 558 councils seen for at least 10 "
        "years, 1973-2026. The median council changed 0.94 times a decade, all council-years "
        "together 0.96 times; 74 councils never changed control, and the most volatile, "
        "Basildon and Worcester, changed 2.83 times a decade."
    ),
)

# %%
strip = control_strip_data(history, years=(1995, 2026))
ax = plot_control_strip(
    strip, title="Since 2007, 82% of Scottish council-years have had no overall control"
)
saved = save_figure(
    ax,
    "03_control_strip",
    data=strip,
    alt_text=(
        "Heat strip of who controlled each of 468 councils (rows, grouped by nation) in each "
        "year from 1995 to 2026, coloured by party, grey for no overall control. The 32 "
        "Scottish councils turn almost wholly grey from 2007, when single transferable vote "
        "began: 82% of their council-years since then have had no overall control, against "
        "26% in 1995-2006."
    ),
)

# %% [markdown]
# ### Arrangements ended after a change: cited cases
#
# The post's worry has a record. Some cases reported in the local press, each checked
# against the control history below:
#
# * **Redbridge**, 2014: Labour took control from no overall control and scrapped the
#   borough's seven area committees, which had given residents a place to raise local
#   concerns, saving, by the paper's account, £800,000 a year; "local forums" without
#   decision-making powers or budgets replaced them (Ilford Recorder; Wanstead & Woodford
#   Guardian, 2014).
# * **Waltham Forest**, 2010: the new Labour council proposed to abolish its community
#   councils and replace them with ward forums without decision-making powers (a
#   Liberal Democrat councillor's report, November 2010).
# * **Southwark**, 2010: after Labour took power, the powers of its community councils were
#   reduced and later the councils themselves replaced by ward-level forums (Southwark
#   Liberal Democrats).
# * **Oxford**, after Labour won a majority in 2010: the administration replaced the area
#   committees, launched about a decade earlier, with quarterly area forums, despite a
#   consultation in which 55 to 86% of respondents opposed the changes (Oxford Mail).
#
# Nationally, the Local Government Act 2000 required councils to prepare community
# strategies; government guidance from 2001 had them drawn up with residents and partners
# through Local Strategic Partnerships, and the post describes ward-based local assemblies
# that were meant to be where the council decided neighbourhood matters with residents.
# After the change of national government in 2010, Local Area Agreements (introduced from
# 2004) were abolished (announced October 2010) and Local Strategic Partnerships were no
# longer officially recognised (D. M. Smith and E. Wistrich, *Devolution and Localism in
# England*, 2014). That was a national decision, not a change of council control, but the
# same mechanism: a new government, and arrangements built with residents lose their footing. These are not statistics, and the cases were picked
# because they were reported: they show that the mechanism exists, not how often it runs.

# %%
cases = ["Redbridge", "Waltham Forest", "Southwark", "Oxford", "Sheffield"]
bands = control_bands_data(history, councils=cases, years=(1990, 2026))
ax = plot_control_bands(
    bands, title="Redbridge turned Labour in 2014, the other cited cases in 2010"
)
saved = save_figure(
    ax,
    "03_control_bands",
    data=bands,
    alt_text=(
        "Bands of control for five councils, 1990-2026, with a mark at each change. Redbridge "
        "went from no overall control to Labour in 2014; Waltham Forest, Southwark and Oxford "
        "from no overall control to Labour in 2010, the changes after which the cited "
        "arrangements were ended. Sheffield changed control 8 times in these years."
    ),
)
changes.query("council in @cases and 2008 <= year <= 2016")[
    ["council", "year", "from_control", "to_control", "kind"]
]

# %% [markdown]
# ## Do contracts outlast control?
#
# HM Treasury's list has one row per project: who procured it, its sector, when it reached
# financial close and started operating, and its term (the "operational period"). Matched
# through the lookup, 396 of the 716 projects belong to 168 councils; the rest are NHS
# trusts, departments, police and fire authorities and joint bodies, left unmatched on
# purpose.

# %%
in_force = contracts_in_force(pfi)
last_end = last_contract_end(pfi)
last_end.sort_values("contracts", ascending=False).head(8)

# %% [markdown]
# Sheffield has seven contracts of three kinds (council offices, schools, and a
# highways maintenance contract signed in 2012, 63% of its PFI charges) and has changed
# control eight times since it signed the first, in March 1999. The bars are the contracts,
# from financial close to their expected end; behind them, the council's control year by
# year.

# %%
timeline = contracts_timeline_data(pfi, history, "Sheffield")
ax = plot_contracts_timeline(
    timeline, title="Sheffield's seven PFI contracts run through eight changes of control"
)
saved = save_figure(
    ax,
    "03_sheffield_contracts",
    data=timeline,
    alt_text=(
        "Timeline of Sheffield's seven PFI contracts, each a bar from financial close (1999 to "
        "2012) to its expected end (2026 to 2038), over bands of the council's control year by "
        "year (Labour, Liberal Democrat, no overall control). Control changed eight times "
        "from 1999 on, and every contract runs straight through the changes."
    ),
)

# %% [markdown]
# Every contract runs straight through the changes of control: that is what a 25-30 year
# term means. In the whole list the median term is 26 years, two and a half times the
# average time between changes of control (10.4 years, one over the yearly chance of a
# change), so a typical contract outlives two or three changes of control.

# %%
charges_by_sector(pfi).query("council == 'Sheffield'")

# %% [markdown]
# ## Did a series change when control changed? The interrupted time series
#
# Take one council and one monthly count, say complaints about a service. If a new
# administration changed something, the count might *jump* (a level change) or start to
# *bend* (a slope change) at the change. An interrupted time series fits the trend and the
# seasonal pattern before the change, projects them forward as the **counterfactual** (what
# we would have expected without the change), and measures the jump and the bend against it:
#
# * a Poisson regression, because the data are counts: log(expected count) = trend +
#   a smooth seasonal pattern (two harmonics of the month) + level change after the date +
#   slope change after the date;
# * effects as **rate ratios**: 1.3 means 30% more than the counterfactual;
# * standard errors that allow for **overdispersion** (more variation than Poisson) and
#   **autocorrelation** (one month like the next), since real counts have both.
#
# We use a series whose answer we know: the shipped synthetic complaint log of notebook 02
# (`complaints_log`, the fictional Northbridge council). Its complaints about housing
# repairs were planted to run **1.8 times** higher from July 2023, with no change of trend.
# Think of it as what a council might see if, say, a new administration wound up a tenants'
# panel that had been planning repairs with residents; here the cause is made up and the
# size known.

# %%
log = load_dataset("complaints_log").data
monthly = complaint_counts(log, by="service")
repairs = monthly.query("service == 'Housing repairs'")
its = interrupted_time_series(repairs, date="period", value="count", change_date="2023-07-01")
print(its.summary())
its.effects

# %%
its_plot = its_chart_data(its)
ax = plot_interrupted_time_series(
    its_plot, title="Housing repairs complaints ran 1.88 times the expected level from July 2023"
)
saved = save_figure(
    ax,
    "03_its",
    data=its_plot,
    alt_text=(
        "Interrupted time series of Housing repairs complaints a month, 2021-2024: the observed "
        "counts, the fitted model, and from July 2023 the counterfactual without the change "
        "with its 95% band. From July 2023 complaints ran at 1.88 times (1.54 to 2.29) the "
        "counterfactual, against a planted 1.8; the trend did not change (0.98 a year, 0.80 "
        "to 1.20)."
    ),
)

# %% [markdown]
# How to read it: the dots are the months; the solid line is the fitted model; the dashed
# line after the change is the counterfactual, with its band. The numbers:
#
# * **level 1.88 (1.54 to 2.29)**: from July 2023 complaints ran at 1.88 times the level the
#   earlier trend and season predicted. The interval holds the planted 1.8.
# * **slope 0.98 per year (0.80 to 1.20)**: the yearly growth factor after the change is
#   0.98 times the one before (about 2% a year slower); the interval holds 1, and nothing
#   was planted.
# * The model says how it allowed for the data: 30 months before and 18 after, variance
#   1.2 times the Poisson variance (overdispersion), and the month-to-month correlation it
#   found (none here).
#
# ### The placebo check
#
# A model can find "effects" where nothing happened. The placebo check refits the same
# model at dates *before* the real change, using only the months before it, so no real
# change can leak in. About 5% of the placebo dates should "find" an effect by chance; many
# more would mean the intervals are too narrow to trust.

# %%
placebo = placebo_check(repairs, date="period", value="count", change_date="2023-07-01")
print(placebo.summary())

# %%
placebo_plot = placebo_chart_data(placebo)
ax = plot_placebo_check(
    placebo_plot, title="None of 7 placebo dates shows an effect, against 1.88 at the real change"
)
saved = save_figure(
    ax,
    "03_placebo",
    data=placebo_plot,
    alt_text=(
        "Level ratios with 95% intervals at 7 placebo dates, January to July 2022, beside the "
        "real change in July 2023. Every placebo interval includes 1 (no effect); the real "
        "change is 1.88 (1.54 to 2.29)."
    ),
)

# %% [markdown]
# None of the 7 placebo dates shows an "effect", against the real change's 1.88. Only 7
# dates fit: each needs enough months on both sides within the 30 months before the real
# change. With so few, the check is weak (one "effect" in 7 would not be alarming either).
# Longer series give a sharper check. The tests of `coprod.timeseries.its` check two things
# on 96-month series: that the 95% intervals hold the truth in 90-99% of runs (with and
# without overdispersion and autocorrelation), and that on series with no change about 5%
# of placebo dates show an "effect".

# %% [markdown]
# ## Many councils: an event study on real reports
#
# One council tells a story; many councils that changed control at different times,
# compared with councils that did not change, tell us whether the story is typical. We use
# the FixMyStreet counts for the **single-tier councils** (London boroughs, metropolitan
# districts and unitary authorities, where one council answers for both roads and bins),
# 2008-2020, and the changes of control of those years, each dated to May, when local
# elections are held.
#
# Councils change control again and again, so each council contributes **its first change
# with a clean pre-window**: no other change in the 24 months before it, inside the data.
# Its months after its next change are left out. Councils with no change at all in
# 2008-2020 are the comparison group.
#
# The estimator is Sun and Abraham's *interaction-weighted* event study, a Poisson
# regression with council and calendar-month effects and a separate effect for each cohort
# (councils changing in the same May) and each quarter since the change, averaged across
# cohorts. It avoids a known trap: the textbook "two-way fixed effects" event study pools
# all cohorts into one curve. When cohorts react differently and are seen at different
# times since their change (late changers only briefly, as in any panel that ends), the
# pooled curve borrows other cohorts' effects and can report falls that never happened,
# with flat leads that give no warning; counting the periods outside its window as
# untreated adds pre-trends that are not there. The tests of
# `coprod.timeseries.event_study` show both on synthetic data with a planted effect.
#
# **Platform uptake.** FixMyStreet's counts grow with its use (from 57,537 reports in 2010
# to 390,718 in 2019) and jump when a council adopts its co-branded version. Both would
# pass for effects of anything. So the main outcome is **the share of all reports that are
# about road safety and defects**: the count of road-defect reports with the log of all
# reports as an offset. Uptake that raises every category alike cancels out.

# %%
reports = load_dataset("fixmystreet_all").data
road = load_dataset("fixmystreet_road_defects").data
panel = report_panel(reports, category_reports=road, category="road_defects")
roads = change_study(panel, history, value="road_defects", exposure="reports")
print(roads.summary())

# %%
roads_plot = event_study_data([roads.result], labels=["Road-defect reports, share of all reports"])
ax = plot_event_study(
    roads_plot,
    event_label="the change of control",
    title="After a change of control, road-defect reports were 1.08 times their share",
)
saved = save_figure(
    ax,
    "03_event_study_roads",
    data=roads_plot,
    alt_text=(
        "Event study: rate ratios with 95% intervals of the road-defect share of FixMyStreet "
        "reports, by quarter from 8 before to 12 after a change of control, for 90 single-tier "
        "councils that changed control against 73 that did not. Before the change the ratios "
        "sit near 1; averaged over the 13 quarters from the change the share was 1.08 times "
        "(1.01 to 1.16) the expected."
    ),
)

# %% [markdown]
# **What it finds.** With 90 councils changing control and 73 that did not, the share of
# reports about roads rose after a change: on average over the 13 quarters from the change on,
# road-defect reports were **1.08 times** their expected share (95% interval 1.01 to 1.16).
# The quarters before the change are flat (the leads are jointly consistent with no
# change), which is what a credible comparison needs.
#
# What remains uncertain: this is one outcome of several we could have chosen, and an
# interval just clear of 1 is the kind of result that appears by chance when one looks at
# many; the share can move because other categories fall rather than because road
# reports rise; and councils that change control differ from councils that do not in ways
# the fixed effects do not remove if those differences change at the same time.
#
# The count of *all* reports is the weaker outcome, because uptake is all in it:

# %%
everything = change_study(panel, history, value="reports")
print(everything.result.average_post.summary())

# %% [markdown]
# Its interval is far wider (0.53 to 1.06), as expected of a count in which the spread of
# the platform varies so much from council to council.
#
# ## The post's claim itself: does a PFI contract shield a service from a change?
#
# If a PFI contract fixes who delivers a service whoever is in control, then the service
# should respond *less* to a change of control where one is in force. Roads are the test:
# some councils have a roads or street-lighting PFI contract in force (HM Treasury's
# "Roads and Highway Maintenance" and "Street Lighting" sectors), others do not. We run
# the event study separately in each group, with its own comparison councils, and compare
# the two average effects.

# %%
contrast = pfi_contrast(panel, history, projects, value="road_defects", exposure="reports")
print(contrast.summary())

# %%
pfi_plot = event_study_data(
    [contrast.with_pfi.result, contrast.without_pfi.result],
    labels=["With a roads or street-lighting PFI contract", "Without"],
)
ax = plot_event_study(
    pfi_plot,
    event_label="the change of control",
    title="With a roads PFI contract the share rose no less: 1.14 against 1.04",
)
saved = save_figure(
    ax,
    "03_event_study_pfi",
    data=pfi_plot,
    alt_text=(
        "Two event studies side by side: rate ratios with 95% intervals of the road-defect "
        "share of FixMyStreet reports by quarter around a change of control, for the 28 "
        "councils with a roads or street-lighting PFI contract and the 135 without. Averaged "
        "after the change: 1.14 (1.03 to 1.26) with a contract, 1.04 (0.98 to 1.12) without; "
        "their ratio, 1.09 (0.97 to 1.23), is consistent with no difference."
    ),
)

# %% [markdown]
# **What it finds.** 31 single-tier councils had a roads or street-lighting contract in
# force in the year of their change of control (or, for those that did not change, at
# some time in 2008-2020); 28 of them are in the study (the others changed control, but
# never cleanly). After a change of control their road-defect share rose by a factor
# of 1.14 (1.03 to 1.26), against 1.04 (0.98 to 1.12) in the 135 councils without one.
# So if anything the councils *with* a contract moved more, not less, but the ratio of the
# two, 1.09 (0.97 to 1.23), is consistent with no difference at all. The data have little
# power: only a ratio of 1.19 or more, or 0.84 or less, would have been found 80% of the
# time. This is a null, and it is a finding about the data as much
# as about PFI. Residents' reports measure what residents see and report, not who plans
# or delivers the repair, so a contract that fixes the deliverer need not show up in them.
#
# ## What follows: scenarios under elections
#
# Suppose both claims hold. Each council runs a co-production arrangement that ends with
# some small chance each year (5%), and a larger chance (25% a year) in the two years
# after a change of control, and a PFI contract that runs its term whatever happens.
# The change rate and the contract terms come from the data above; **the two hazards are
# assumptions**: nobody has published survival rates of co-production arrangements.
# `simulate` follows 400 councils over 30 years, 1,000 times.

# %%
scenario = simulate()
print(scenario.summary())

# %%
curves = scenarios_data(scenario)
ax = plot_scenarios(
    curves, title="Half the arrangements end by year 9, half the PFI contracts by year 26"
)
saved = save_figure(
    ax,
    "03_scenarios",
    data=curves,
    alt_text=(
        "Line chart over 30 years of the share of 400 simulated councils whose co-production "
        "arrangement is still in place and whose PFI contract still runs, with 95% bands of "
        "1,000 runs. Arrangements fall to half by year 9 and to 7% by year 30; contracts stay "
        "above 90% until year 24 and fall to half by year 26. The hazards of arrangements "
        "ending are assumed."
    ),
)

# %% [markdown]
# Half of the arrangements have ended by year 9, half of the contracts only by year 26.
# How much of the arrangements' decline is due to elections? Compare worlds where control
# never changes, changes at the real average rate, changes twice as often, and changes as
# it really did year by year from 1997 to 2026 (an empirical schedule: the share of
# councils whose control changed in each of those 30 years, from 2% in 2001 to 25% in
# 1999, so that a simulated council meets the real run of quiet and stormy years):

# %%
real_years = change_rates(history, by="year", years=(1996, 2026))
worlds = {
    "Control never changes": simulate(p_change=0.0),
    "Real rate of change": scenario,
    "Real years, 1997-2026": simulate(change_schedule=real_years["p_change"].to_numpy()),
    "Twice the real rate": simulate(p_change=2 * scenario.p_change),
}
compared = comparison_data(worlds)
ax = plot_scenario_comparison(
    compared, title="More changes of control, fewer arrangements: 60% to 30% left at 10 years"
)
saved = save_figure(
    ax,
    "03_scenario_comparison",
    data=compared,
    alt_text=(
        "Line chart over 30 years of the share of co-production arrangements still in place "
        "under four scenarios of changes of control, beside the PFI contracts (the same in "
        "all). After 10 years: 60% if control never changes, 42% at the real rate, 40% with "
        "the real years 1997-2026, 30% at twice the real rate."
    ),
)

# %% [markdown]
# ## Explore it yourself
#
# Move the sliders: the chance of a change, the two hazards and how long an incoming
# administration's effect lasts. The PFI curve does not move, whatever you do to the
# elections: that is the post's point, in one picture.

# %%
ScenarioExplorer()

# %% [markdown]
# ## Exercises
#
# 1. Scottish councils have been elected by single transferable vote since 2007. Compare
#    the rate of changes of control per decade in Scotland before and after 2007
#    (`change_rates(history, by="nation", years=...)`). What does "change of control"
#    mean when almost no council has a majority?
# 2. Run the interrupted time series on housing repairs with a change date one year
#    *before* the planted change (`change_date="2022-07-01"`). What does it report, what
#    in its summary tells you the model is wrong for the series, and can the placebo
#    check help?
# 3. The event study uses a 24-month clean pre-window. Rerun it with 36 months. How many
#    councils are left, and does the road-defect result hold?
# 4. With the scenario model, what yearly chance of a change would leave fewer than 30% of
#    arrangements in place after 10 years? Is any real group of councils that volatile?
#
# Worked answers are in `notebooks/answers/03_political_change.py`.

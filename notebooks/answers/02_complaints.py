# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 02 · Worked answers
#
# Answers to the exercises at the end of `02_complaints.py`. Try them first.

# %%
import pandas as pd

from coprod.charts.spc import plot_spc, spc_chart_data
from coprod.co_planning import consider_co_planning
from coprod.complaints import measure_series, outcomes
from coprod.datasets import load_dataset
from coprod.display import readable_table
from coprod.export import save_figure
from coprod.grid import place_services
from coprod.io.counts import LAD_NAMES
from coprod.timeseries.periods import fill_zero_counts
from coprod.timeseries.rare_events import between_events
from coprod.timeseries.spc import overdispersion, spc, spc_summary

log = load_dataset("complaints_log").data
contacts = load_dataset("complaints_contacts").data

# %% [markdown]
# ## 1. Housing repairs per 1,000 contacts, on a u chart
#
# A u chart takes the counts and their denominators; its limits are wider in months with
# fewer contacts. The planted step is in complaints, not in contacts, so the signal stays.

# %%
rates = measure_series(log, measure="rate", denominators=contacts).query(
    "service == 'Housing repairs'"
)
# exposure = contacts / 1,000, so the chart reads in complaints per 1,000 contacts
u_chart = spc(rates, value="count", denominator="exposure", period="period", chart="u", baseline=24)
ax = plot_spc(
    u_chart,
    title="Per 1,000 contacts too, repairs complaints rose from July 2023",
    ylabel="Complaints per 1,000 contacts",
)
saved = save_figure(
    ax,
    "answers_02_housing_repairs_u_chart",
    data=spc_chart_data(u_chart),
    alt_text=(
        "SPC u chart of Housing repairs complaints per 1,000 contacts a month, 2021-2024, with "
        "limits from 2021-2022 that widen in months with fewer contacts. All 18 months from "
        "July 2023 are flagged as special-cause concern: the rise survives dividing by demand."
    ),
)
u_chart.loc[u_chart["special_cause"], ["period", "value", "rule"]]

# %%
# Do the months vary more than Poisson counts would? Laney's u′ chart widens the limits
# when they do; the check says whether it is needed.
readable_table(overdispersion(u_chart))

# %% [markdown]
# The u chart flags every month from July 2023, all 18 of them, as the count chart did: the
# signal survives dividing by demand. Over the baseline the rates vary 1.16 times as much as
# Poisson counts would (Laney's sigma_z), below the 1.5 at which the check recommends a u′
# chart, so the u chart's limits stand; a u′ chart (`chart="up"`) flags the same 18 months.
#
# ## 2. Runs of 6 instead of 7

# %%
series = measure_series(log, measure="count")
flagged = {}
for run_length in (7, 6):
    result = spc(
        series, value="value", period="period", by="service", baseline=24, run_length=run_length
    )
    flagged[run_length] = result.groupby("service")["special_cause"].sum()
pd.DataFrame({"run of 7": flagged[7], "run of 6": flagged[6]})

# %% [markdown]
# One more service shows a signal (Refuse collection: 6 points, none before), and in the
# five stable services the flagged points go from 3 to 19. A run of 6 on one side happens
# by chance with probability 2 × 0.5⁶ ≈ 3% at any point, against ≈ 1.6% for 7. More
# sensitivity costs more false alarms.
#
# ## 3. Assurance against a target of 40 a month

# %%
with_target = spc(
    series.query("service == 'Housing repairs'"),
    value="value",
    period="period",
    rebase=["2023-07-01"],
    target=40,
)
with_target.groupby("segment")["assurance"].first()

# %% [markdown]
# Both segments say "hit_and_miss": the process limits straddle 40 before the step (21.2
# to 60.6 around a centre of 40.9) and after it (33.0 to 111.0 around 72.0), so in either
# the target is met in some months and missed in others by chance alone. The label hides
# how different the two are. Before July 2023, 14 of 30 months had more than 40
# complaints; after it, all 18 did. The new process's lower limit, 33.0, is below the
# target, so a rare quiet month can still meet it; only a change to the process will make
# meeting it usual. Assurance says whether the target lies inside the limits, not how often
# it is met.
#
# ## 4. The ombudsman share as the seriousness measure

# %%
counts_spc = spc(series, value="value", period="period", by="service", baseline=24)
ombudsman_spc = spc(
    measure_series(log, measure="ombudsman_rate"),
    value="value",
    period="period",
    by="service",
    baseline=24,
)
survey = load_dataset("services_survey").data
placements = place_services(
    survey.query("council == 'Northbridge' and wave == 2023"),
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
)
consider_co_planning(counts_spc, ombudsman_spc, placements=placements)[
    ["service", "consider_co_planning", "seriousness_concern", "reason"]
]

# %% [markdown]
# Yes. No service is flagged any more. Social care
# drops out although its planted rise in seriousness did send more complaints to the
# ombudsman (an expected 3.0% rising to 5.7%): at about 25 complaints a month, that is one
# or two a month, too few for SPC to see the rise. The latest months are lower still,
# because a complaint takes months to reach the ombudsman: Social care's last quarter
# shows 1.6%, against 3.2% to 7.2% in the three before (`outcomes(log, freq="quarter")`).
# Refuse collection's short signal drops out too. Two short signals are left to watch:
# Street lighting, for the number of its complaints, and Road maintenance, where nothing
# was planted, which now shows concern in seriousness for 3 months, but it has no survey
# placement to say who plans it. A measure built on a handful of cases a month, and one
# that is still filling up at the end, is a weak signal. (This uses the 2023 survey, when
# Social care's planning was professional-led, so that there is a flag to lose; on the 2025
# survey neither measure flags any service.)

# %% [markdown]
# ## 5. FixMyStreet areas in 2020

# %%
reports = load_dataset("fixmystreet_extract")
filled = fill_zero_counts(
    reports.data, by="lad", period="period", value=["reports", "unique_users"]
)
cities = filled[~filled["lad"].str.startswith("S")]  # the islands have too few reports
areas = spc(
    cities.assign(area=cities["lad"].map(LAD_NAMES)),
    value="reports",
    period="period",
    by="area",
    baseline=24,
)
in_2020 = areas[areas["period"].dt.year == 2020]
in_2020["variation"].eq("special_cause_concern").groupby(in_2020["area"]).sum()

# %% [markdown]
# Every city but Leeds shows special-cause concern in 2020: six in all twelve months,
# Brighton and Hove in ten. Leeds's reports fell instead (special-cause improvement in 11
# months). Report counts depend on how many residents use FixMyStreet, which grew as councils
# adopted it, and 2020's lockdowns changed both what people noticed on their streets and
# what councils could fix. A signal says *something changed*; only local knowledge says
# whether streets got worse.

# %% [markdown]
# ## 6. The share upheld, on a p chart

# %%
closed = outcomes(log, freq="month", by="service")
social_care = closed[(closed["service"] == "Social care") & (closed["n_outcome"] > 0)].assign(
    upheld_in_full_or_part=lambda t: t["upheld"] + t["partly_upheld"]
)
upheld_spc = spc(
    social_care,
    value="upheld_in_full_or_part",
    denominator="n_outcome",
    chart="p",
    period="period",
    baseline=24,
)
print(spc_summary(upheld_spc))
ax = plot_spc(
    upheld_spc,
    title="Social care: the share of complaints upheld stays in its limits",
    ylabel="Upheld in full or in part",
)
saved = save_figure(
    ax,
    "answers_02_social_care_upheld_p_chart",
    data=spc_chart_data(upheld_spc),
    alt_text=(
        "p chart of the monthly share of Social care's complaints with an outcome that were "
        "upheld in full or in part, 2021 to 2024, with limits that widen in months with fewer "
        "outcomes. The mean is 48% and no point shows special-cause variation."
    ),
)

# %% [markdown]
# No. The share upheld averages 48% and no rule fires in any of the 48 months: the planted
# change made complaints more *serious*, not more often *upheld*. The p chart's limits move
# with each month's number of outcomes (13 to 35 in 2024), which an XmR chart of the rate
# would ignore: a share from 13 complaints is less certain than one from 35.

# %% [markdown]
# ## 7. Days between upheld ombudsman findings, on a t chart
#
# A finding upheld (in full or in part) by the ombudsman is rare: a few a month, so a
# monthly count is mostly 1s, 2s and 3s, too coarse for a c chart to see a change. A t chart
# charts each finding instead, by the days since the one before. `between_events` makes the
# rows from the closed complaints (open ones have no date yet); findings on the same day
# share a date, so the chart is drawn by finding number. Longer gaps are better: a t
# chart's default.

# %%
closed_log = log.dropna(subset=["closed"]).assign(
    upheld_finding=lambda t: (
        t["stage"].eq("ombudsman") & t["upheld"].isin(["upheld", "partly upheld"])
    )
)
findings = between_events(closed_log, date="closed", event="upheld_finding")
t_chart = spc(findings, value="days", period="event", chart="t")
print(spc_summary(t_chart))
ax = plot_spc(
    t_chart,
    title="Upheld ombudsman findings: no change in the days between them",
    ylabel="Days between upheld findings",
)
saved = save_figure(
    ax,
    "answers_02_ombudsman_findings_t_chart",
    data=spc_chart_data(t_chart),
    alt_text=(
        "t chart of the days between consecutive upheld ombudsman findings, 2021 to 2024, "
        "162 gaps drawn by finding number, with a centre of 4.8 days and an upper limit of 95 "
        "days. No run, trend or point beyond the limits; four findings on the same day as "
        "another are flagged by the two-of-three rule."
    ),
)

# %% [markdown]
# No change: the 162 gaps between the 163 findings sit around a centre of 4.8 days and none
# is beyond the upper limit of 95 days. The two-of-three rule flags four zero gaps
# (findings on the same day as another, twice within three findings): on a t chart a
# zero is far below the lower 2-sigma line, so read such flags against the log before acting.

# %% [markdown]
# The same findings on a g chart count the complaints closed between them (`cases`) rather
# than the days: a gap measured in work done, not in time, so a busy month does not shorten it.

# %%
g_chart = spc(findings, value="cases", period="event", chart="g")
print(spc_summary(g_chart))
ax = plot_spc(
    g_chart,
    title="Complaints closed between upheld ombudsman findings: two long gaps, the latest one",
    ylabel="Complaints closed between findings",
)
saved = save_figure(
    ax,
    "answers_02_ombudsman_findings_g_chart",
    data=spc_chart_data(g_chart),
    alt_text=(
        "g chart of the complaints closed between consecutive upheld ombudsman findings, "
        "2021 to 2024, 162 gaps drawn by finding number, with a median of 40 complaints and an "
        "upper limit of 263. Two gaps are beyond the upper limit, the latest of them (267): "
        "longer gaps are better, so both are special-cause improvement."
    ),
)

# %% [markdown]
# Counted in complaints, two gaps are beyond the upper limit of 263, the latest of them
# (267 complaints closed since the finding before): special-cause improvement, since a
# longer gap between bad events is better. A g chart's limits come from the mean gap and its
# centre line is the median (40), because such gaps are skewed: most are short, a few long.

# %% [markdown]
# ## 8. A share on a p chart and on Laney's p′ chart
#
# Bristol's reports come from fewer distinct users some months than others, far more than
# binomial chance allows: the p chart's limits are too narrow, and the overdispersion check
# says so. Laney's p′ chart widens each month's limits by sigma_z.

# %%
bristol = cities[cities["lad"] == "E06000023"]
distinct = {
    # neither a higher nor a lower share is better: signals are "neither"
    chart: spc(
        bristol,
        value="unique_users",
        denominator="reports",
        period="period",
        chart=chart,
        higher_is_better=None,
    )
    for chart in ("p", "pp")
}
readable_table(overdispersion(distinct["p"]))

# %%
print(spc_summary(distinct["pp"]))
ax = plot_spc(
    distinct["pp"],
    title="Bristol: reports from distinct users on a p′ chart",
    ylabel="Share of reports from distinct users",
)
saved = save_figure(
    ax,
    "answers_02_bristol_distinct_users_p_prime_chart",
    data=spc_chart_data(distinct["pp"]),
    alt_text=(
        "Laney p′ chart of the monthly share of Bristol's FixMyStreet reports that came from "
        "distinct users, 2012 to 2020, mean 64%, with limits 1.76 times as wide as a p "
        "chart's. Four months are beyond the limits, all in early 2012."
    ),
)

# %% [markdown]
# The p chart puts 18 of the 108 months beyond its limits; its proportions vary 1.76 times
# as much from month to month as binomial shares would (Laney's sigma_z), so the check
# recommends the p′ chart. With its limits widened 1.76 times, 4 months are beyond them, all
# in early 2012.

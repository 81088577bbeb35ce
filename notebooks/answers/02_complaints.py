# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Worked answers
#
# Answers to the exercises at the end of `02_complaints.py`. Try them first.

# %%
import pandas as pd

from coprod.charts.spc import plot_spc
from coprod.co_planning import consider_co_planning
from coprod.complaints import measure_series
from coprod.datasets import load_dataset
from coprod.export import save_figure
from coprod.grid import place_services
from coprod.io.counts import LAD_NAMES
from coprod.timeseries.periods import fill_zero_counts
from coprod.timeseries.spc import spc

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
    title="Housing repairs: complaints per 1,000 contacts (u chart)",
    ylabel="Complaints per 1,000 contacts",
)
save_figure(ax, "answers_02_housing_repairs_u_chart")
u_chart.loc[u_chart["special_cause"], ["period", "value", "rule"]].head()

# %% [markdown]
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
# A shorter run flags more points, in stable services too: a run of 6 on one side happens
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
# Before July 2023 the limits straddle 40: the target is hit and missed by chance
# ("hit_and_miss"). After the step the whole range sits above 40: the process as it stands
# will consistently fail the target until something changes.
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
# Report counts depend on how many residents use FixMyStreet, which grew as councils
# adopted it, and 2020's lockdowns changed both what people noticed on their streets and
# what councils could fix. A signal says *something changed*; only local knowledge says
# whether streets got worse.

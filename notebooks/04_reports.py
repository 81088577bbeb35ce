# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 04 · Reports: charts to paste as they are, tables that keep small counts private
#
# **Question:** how do the findings of notebooks 01 to 03 go into a council report, each
# chart with a title that states its finding, alt text, its source and its data, and how
# is a table of small counts published so that nobody can work a hidden count out?
#
# A report chart is read by people who never see the notebook: the title says what it
# shows, the alt text says it to a screen reader, the note at the bottom says whose data it
# is under which licence, and the table behind it lets a reader check it. A published table
# of complaints is read by people too, and one of them may be hunting for the one complaint
# that reached the ombudsman from a small service in a quiet month. This notebook does
# both with `coprod.export` (the one module that writes files), `coprod.style` (the report
# look) and `coprod.privacy` (what may be published).

# %%
import json

import pandas as pd

from coprod.charts.grid import grid_chart_data, plot_grid
from coprod.charts.likert import likert_table, plot_likert
from coprod.charts.scenarios import plot_scenarios, scenarios_data
from coprod.charts.spc import plot_spc, spc_chart_data
from coprod.complaints import complaint_counts, measure_series, severity_shares
from coprod.datasets import load_dataset
from coprod.display import readable_table
from coprod.export import export_table, save_figure
from coprod.grid import place_services
from coprod.io.survey import item_labels
from coprod.politics import simulate
from coprod.privacy import (
    SUPPRESSED,
    PersonalDataError,
    attack_suppression,
    personal_columns,
    prepare_table,
)
from coprod.style import context, too_small
from coprod.timeseries.spc import spc

# %% [markdown]
# ## The report style
#
# A report page is about 16 cm wide (A4 less its margins), and text on a chart should be
# no smaller than the report's smallest text, 8 pt, once the chart is placed at that width.
# `coprod.style.context()` applies the UK Government Analysis Function's chart style (the
# `afcharts` package: a colour-blind-safe palette, no box around the plot, light grid
# lines, titles on the left) with sizes for a 16 cm figure; `use()` applies it for the
# whole session. `too_small(chart)` lists every text that would print under 8 pt at 16 cm.
# Each chart below is drawn and saved inside the style, and checked there.
#
# ## Four charts for a report
#
# `save_figure` writes a 300 dpi PNG, an SVG and a PDF, the chart's data as CSV (`data=`,
# the table the chart drew, under the same privacy rules as a table) and a JSON sidecar
# describing them. The source note comes from the data: each shipped data set is marked
# with its attribution when it is loaded, the analysis functions keep the mark, and the
# chart prints it.
#
# **Notebook 01: where Northbridge's services sit on the grid in 2025.**

# %%
responses = load_dataset("services_survey").data
placements = place_services(
    responses.query("council == 'Northbridge' and wave == 2025"),
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
)
small_texts = {}
with context():
    ax = plot_grid(
        placements, title="Northbridge, 2025 (weighted): five of 20 services in full co-production"
    )
    grid_saved = save_figure(
        ax,
        "04_reports_grid_2025",
        data=grid_chart_data(placements),
        alt_text=(
            "Grid chart of Northbridge's 20 services in 2025, each a point at its weighted mean "
            "position with 95% interval bars, planning across (professionals to community) and "
            "delivery down. Five services sit in Full co-production, three in Self-help groups "
            "and three co-planned and professionally delivered; Refuse collection and Street "
            "lighting are the two Traditional services."
        ),
    )
    small_texts[grid_saved.name] = too_small(ax)

# %% [markdown]
# **Notebook 01: what Toronto's residents think of how the City engages them.** Each
# statement is drawn as it was asked, with the answers as given.

# %%
toronto = load_dataset("toronto_engagement").data
statements = [
    item
    for item in toronto.attrs["likert_items"]
    if item.startswith("q3_") and item != "q3_other_rating"
]
answers = likert_table(
    toronto,
    items=statements,
    scale=toronto.attrs["likert_scale"],
    labels=item_labels(toronto, statements),
    reverse=toronto.attrs["reverse_worded"],
)
with context():
    ax = plot_likert(
        answers, title="Toronto, 2023: 75% agree that some participants have less influence"
    )
    likert_saved = save_figure(
        ax,
        "04_reports_toronto_likert",
        data=answers,
        alt_text=(
            "Diverging bar chart of answers to 11 statements about how the City of Toronto "
            "engages residents, 700 to 717 answers each: disagreement left of zero, agreement "
            "right, neutral answers split across it. 75% agree that some participants have "
            "less influence than others on decisions, and 52% that they can't see how their "
            "participation made a difference."
        ),
    )
    small_texts[likert_saved.name] = too_small(ax)

# %% [markdown]
# **Notebook 02: the rise in housing repairs complaints.**

# %%
log = load_dataset("complaints_log").data
counts_spc = spc(
    measure_series(log, measure="count"), value="value", period="period", by="service", baseline=24
)
repairs = counts_spc[counts_spc["service"] == "Housing repairs"]
with context():
    ax = plot_spc(
        repairs,
        title="Housing repairs complaints rose from July 2023: 18 months above the mean",
        ylabel="Complaints",
    )
    repairs_saved = save_figure(
        ax,
        "04_reports_housing_repairs",
        data=spc_chart_data(repairs),
        alt_text=(
            "SPC (XmR) chart of Housing repairs complaints a month, 2021-2024, with the mean "
            "(40.6) and process limits (19.2 to 62.0) of 2021-2022. Every month from July 2023 "
            "is above the mean and flagged as special-cause concern, 16 of the 18 above the "
            "upper limit."
        ),
    )
    small_texts[repairs_saved.name] = too_small(ax)

# %% [markdown]
# **Notebook 03: what lasts when control changes.** The scenario draws on two real data
# sets (the change rate from the control histories, the contract terms from HM
# Treasury's list) and on assumed hazards, so its note names all three.

# %%
scenario = simulate()
curves = scenarios_data(scenario)
with context():
    ax = plot_scenarios(
        curves, title="Half the arrangements end by year 9, half the PFI contracts by year 26"
    )
    scenarios_saved = save_figure(
        ax,
        "04_reports_scenarios",
        data=curves,
        alt_text=(
            "Line chart over 30 years of the share of 400 simulated councils whose "
            "co-production arrangement is still in place and whose PFI contract still runs, "
            "with 95% bands of 1,000 runs. Arrangements fall to half by year 9 and to 7% by "
            "year 30; contracts stay above 90% until year 24 and fall to half by year 26. The "
            "hazards of arrangements ending are assumed."
        ),
    )
    small_texts[scenarios_saved.name] = too_small(ax)

# %% [markdown]
# ### What a saved chart carries
#
# The sidecar is what the index page (`output/index.html`, written by `coprod run`) and
# anyone pasting the chart read: the title, the alt text, the source with its licence and
# link, whether the data are synthetic, the date, the coprod version, the files, and the
# smallest text at 16 cm. Read back, the grid chart's sidecar says its data are the
# synthetic survey, released as CC0 1.0 (public domain).

# %%
sidecar = json.loads(grid_saved.sidecar.read_text(encoding="utf-8"))
readable_table(pd.Series(sidecar, name="value"))

# %%
pd.Series({path.suffix: path.name for path in grid_saved.paths})

# %% [markdown]
# The sources of the four charts, as printed on them:

# %%
saved = [grid_saved, likert_saved, repairs_saved, scenarios_saved]
sidecars = pd.DataFrame([json.loads(s.sidecar.read_text(encoding="utf-8")) for s in saved])
readable_table(sidecars[["name", "source", "licence", "smallest_text_pt"]])

# %% [markdown]
# ### Readable at 16 cm
#
# None of the four charts has a text that prints under 8 pt when placed 16 cm wide: each
# `too_small` list is empty.

# %%
pd.Series({name: len(texts) for name, texts in small_texts.items()}, name="texts under 8 pt")

# %% [markdown]
# ## Publishing a table of small counts
#
# Notebook 02 publishes the stage mix of complaints: for each service and month, how many
# complaints were at stage 1, stage 2 and the ombudsman, and their shares of the month.
# Most services have a handful of ombudsman complaints a month, and a count of 1 to 4 can
# point to a person. `export_table` withholds (writes `[c]` for) counts below
# `suppress_below`, and with `by=` (the columns that stay fixed within a total: service and
# month) it also withholds, in every service-month with a small count, all the shares and
# as many further cells (*secondary* suppression) as it takes for nobody who knows the
# month's total to narrow a small count down.

# %%
stages = severity_shares(log, freq="month", by="service", column="stage")
rules = {
    "suppress_below": 5,
    "count_columns": ["count"],
    "by": ["service", "period"],
    "shares": ["share"],
}
path = export_table(stages, "04_reports_stage_mix.csv", **rules)
published = pd.read_csv(path)  # the file, as someone downloading it reads it
withheld = published["count"].eq(SUPPRESSED)
primary = stages["count"].between(1, rules["suppress_below"] - 1)
months_touched = published.loc[published["share"].eq(SUPPRESSED), ["service", "period"]]
pd.Series(
    {
        "cells": len(published),
        "primary: counts of 1 to 4": int(primary.sum()),
        "secondary: withheld to protect them": int(withheld.sum() - primary.sum()),
        "service-months": len(published[["service", "period"]].drop_duplicates()),
        "service-months with their shares withheld": len(months_touched.drop_duplicates()),
    }
)

# %% [markdown]
# Of the 1,152 cells, 482 are counts of 1 to 4 and 281 more are withheld to protect them;
# the shares of 342 of the 384 service-months are withheld. Housing repairs in January
# 2021 shows how: 47 complaints at stage 1, 9 at stage 2 and 1 at the ombudsman. The 1 is
# withheld, and the 9 with it.

# %%
published.head(3)

# %% [markdown]
# ### A failed recovery attempt
#
# `attack_suppression` plays the hunter. It reads the published file, is given every
# service-month's total (notebook 02 publishes the monthly counts) and knows the rule:
# a withheld count is 1 to 4, or, if withheld to protect another, smaller than every
# count of 5 or more published beside it. From totals, differences and shares it works out
# the range each withheld count could take.

# %%
monthly = complaint_counts(log, freq="month", by="service")
totals = monthly[["service", "period", "count"]].rename(columns={"count": "total"})
totals["period"] = totals["period"].dt.strftime("%Y-%m-%d")  # as the CSV writes months
attempt = attack_suppression(
    published,
    count_columns=rules["count_columns"],
    by=rules["by"],
    suppress_below=rules["suppress_below"],
    shares=rules["shares"],
    known_totals=totals,
)
print(f"recovered {int(attempt['recovered'].sum())} of {len(attempt)} withheld counts")
attempt.head(2)

# %% [markdown]
# The attempt fails: none of the 763 withheld counts is recovered, and every one could
# still be anything from 1 to at least 4. In January 2021 the attacker learns that Housing
# repairs' two withheld counts add up to 10 (57 less the 47 published) and no more: each
# could be anything from 1 to 9.
#
# ### The same attack on a naive table
#
# The usual first attempt at suppression hides only the small counts and leaves
# everything else as it was. The attacker needs nothing but the file: a published count
# over its share gives the month's total, and a withheld count's own share times the total
# gives it back.

# %%
naive = prepare_table(stages, suppress_below=5, count_columns=["count"])
naive_attempt = attack_suppression(
    naive,
    count_columns=["count"],
    by=["service", "period"],
    suppress_below=5,
    shares=["share"],
)
found = naive_attempt.merge(stages, on=["service", "period", "level"])
print(
    f"recovered {int(naive_attempt['recovered'].sum())} of {len(naive_attempt)} withheld "
    f"counts; exactly right: {int((found['recovered'] & found['low'].eq(found['count'])).sum())}"
)
naive.head(3)

# %% [markdown]
# Every one of the 482 hidden counts comes back, each exactly right: January 2021's
# ombudsman share, 0.017544, times the month's 57 complaints is 1. Dropping the shares is
# not enough either: with the monthly totals alone, 234 of the 482 follow by subtraction,
# 202 where a service-month hid a single count and 32 where it hid two that add up to 2
# (each must be 1). Secondary suppression is what closes that.

# %%
no_shares = attack_suppression(
    naive.drop(columns="share"),
    count_columns=["count"],
    by=["service", "period"],
    suppress_below=5,
    known_totals=monthly[["service", "period", "count"]].rename(columns={"count": "total"}),
)
print(f"without shares, from the totals: recovered {int(no_shares['recovered'].sum())}")

# %% [markdown]
# ### Personal data and formulas
#
# Real complaint logs often hold the complainant's name, address and the complaint in
# their own words. `read_complaints` drops such columns unless asked, and `export_table`
# refuses to write a column that may hold personal data (by its name, or because it holds
# long, mostly distinct text) unless it is named in `allow_personal=`.

# %%
with_names = log.head(3).assign(
    complainant_name=["A. Resident", "B. Resident", "C. Resident"],
    details=[
        "The repair to my kitchen ceiling was booked three times and never done",
        "Nobody came to collect the bins on our street for two weeks in a row",
        "I was told the library would stay open late on Thursdays but it closed",
    ],
)
print(personal_columns(with_names))
try:
    export_table(with_names, "04_reports_with_names.csv")
except PersonalDataError as refused:
    print(refused)

# %% [markdown]
# A cell a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@` or a tab, also
# after leading spaces) is written with an apostrophe in front, so it opens as text:

# %%
typed = pd.DataFrame(
    {
        "service": ["Libraries", "Libraries", "Libraries"],
        "category": ['=HYPERLINK("http://example.com","staff")', "  @SUM(A1:A9)", "staff"],
        "count": [3, 7, 12],
    }
)
prepare_table(typed)

# %% [markdown]
# ## Exercises
#
# Worked answers are in `answers/04_reports.py`.
#
# 1. Raise the threshold to 10 (`suppress_below=10`). How many counts are primary, how many
#    secondary cells are withheld, and does the attack (with the monthly totals) recover
#    any?
# 2. A colleague wants to publish each service's ombudsman complaints per *quarter* beside
#    the monthly stage mix. Give the attacker those quarterly counts as known totals of the
#    published monthly ombudsman cells (`by=["service", "quarter"]`). How many withheld
#    months come back?
# 3. A chart drawn for the screen: draw the Housing repairs SPC chart on a figure 30 cm
#    wide (`plt.subplots(figsize=(30 / 2.54, 12 / 2.54))`, then `plot_spc(..., ax=ax)`) and
#    ask `too_small` what it would print at 16 cm. Which texts fail, and how small is the
#    smallest?

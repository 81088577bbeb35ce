# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 03 · Worked answers
#
# Answers to the exercises at the end of `03_political_change.py`. Try them first.

# %%
from coprod.charts.effects import its_chart_data, plot_interrupted_time_series
from coprod.complaints import complaint_counts
from coprod.datasets import load_dataset
from coprod.export import save_figure
from coprod.politics import change_rates, interrupted_time_series, simulate
from coprod.politics.effects import change_study, report_panel

history = load_dataset("council_control").data

# %% [markdown]
# ## 1. Scotland before and after single transferable vote
#
# `years=(first, last)` counts the changes in the years after `first` up to `last`, so
# `(1974, 2006)` is 1975-2006 and `(2006, 2026)` is 2007-2026.

# %%
columns = ["nation", "councils", "council_years", "changes", "changes_per_decade", "low", "high"]
before = change_rates(history, by="nation", years=(1974, 2006)).query("nation == 'Scotland'")
after = change_rates(history, by="nation", years=(2006, 2026)).query("nation == 'Scotland'")
before[columns], after[columns]

# %%
scotland = history.query("nation == 'Scotland'")
no_majority = (
    scotland.assign(since_2007=scotland["year"] >= 2007)
    .groupby("since_2007")["control"]
    .apply(lambda control: (control == "NOC").mean())
)
no_majority

# %% [markdown]
# Scottish councils changed control about 0.74 times a decade before 2007 and about 0.53
# times after it. Under single transferable vote, 82% of Scottish council-years since 2007
# have had no overall control (22% before). So a "change of control" there is mostly a
# council moving between NOC and a rare majority. Who *runs* the council (the
# administration, often a coalition or minority) can change without any change of
# control. For such councils the `administration` column of the 2025-26 rows says more,
# and the histories before 2025 do not record administrations at all: a limit of the data.
#
# ## 2. A change date a year too early
#
# The planted jump in housing repairs complaints came in July 2023. Claim it came in July
# 2022 instead:

# %%
log = load_dataset("complaints_log").data
repairs = complaint_counts(log, by="service").query("service == 'Housing repairs'")
early = interrupted_time_series(repairs, date="period", value="count", change_date="2022-07-01")
print(early.summary())
early.effects

# %%
early_plot = its_chart_data(early)
ax = plot_interrupted_time_series(
    early_plot, title="Dated a year too early, the model finds no clear change: level 1.10"
)
saved = save_figure(
    ax,
    "03_answer_its_early",
    data=early_plot,
    alt_text=(
        "Interrupted time series of Housing repairs complaints a month, 2021-2024, with the "
        "change wrongly dated July 2022: observed counts, the fitted model and the "
        "counterfactual with its 95% band. The level ratio is 1.10 (0.47 to 2.60), no clear "
        "change; the real jump, in July 2023, falls a year into the after period."
    ),
)

# %% [markdown]
# At the wrong date the model finds no clear change: level 1.10 (0.47 to 2.60), trend
# 1.50 a year (0.50 to 4.52). The real jump is still in the data, a year into the "after"
# period, and the model's straight post-change trend cannot follow it. Its own diagnostics
# say so: it needed a variance 9.1 times the Poisson variance and a lag-1 correlation of
# 0.85 to explain the leftovers, against 1.2 and 0 at the right date. Leftovers that large
# and that correlated mean the model is wrong for this series, and the intervals widen to
# match. That is the honest answer ("we cannot tell") rather than a confident wrong one.
#
# The placebo check cannot help here: with 18 months before the stated change there is
# no placebo date with 12 months on each side, and `placebo_check` says so rather than
# running on too little. A wrong date is guarded against by knowing when the change
# happened (the control history dates changes to the May elections) and by looking at
# the chart.
#
# ## 3. A longer clean pre-window

# %%
reports = load_dataset("fixmystreet_all").data
road = load_dataset("fixmystreet_road_defects").data
panel = report_panel(reports, category_reports=road, category="road_defects")
longer = change_study(panel, history, value="road_defects", exposure="reports", pre_window=36)
print(longer.summary())

# %% [markdown]
# With 36 clean months, fewer councils keep an event: 77 instead of 91 (the fit then drops
# one council with no road-defect reports, as before). Councils whose first change came in
# 2010 lose it, as a 36-month pre-window would start before the data, and some later
# changes are no longer clean. The
# average effect is about the same, 1.10 (1.03 to 1.17) against 1.08, and the leads stay
# flat. The result does not hang on the choice of window. That makes it more robust, not
# more causal: the caveats in the notebook still apply.
#
# ## 4. How volatile would control have to be?

# %%
for p_change in (0.1, 0.2, 0.3):
    world = simulate(p_change=p_change, n_runs=200)
    share = world.survival.query("year == 10")["share_surviving"].iloc[0]
    print(f"p_change {p_change:.0%}: {share:.1%} of arrangements in place after 10 years")

# %% [markdown]
# A change in about one year in five (20%) leaves about 29% of arrangements in place after
# 10 years, under the notebook's assumed hazards. No nation's councils are that volatile:
# the highest real rate is England's, about 1.06 changes a decade, or 10-11% a year. So
# elections alone, at real rates, do not destroy most arrangements within a decade; the
# baseline hazard (arrangements ending for other reasons) does more. Both hazards are
# assumptions, and the conclusion moves with them (try the explorer).

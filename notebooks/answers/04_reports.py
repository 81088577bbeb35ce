# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 04 · Worked answers
#
# Answers to the exercises at the end of `04_reports.py`. Try them first.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from coprod.charts.spc import plot_spc
from coprod.complaints import complaint_counts, measure_series, outcomes, severity_shares
from coprod.datasets import load_dataset
from coprod.privacy import SUPPRESSED, attack_suppression, prepare_table
from coprod.style import too_small
from coprod.timeseries.spc import spc

log = load_dataset("complaints_log").data
stages = severity_shares(log, freq="month", by="service", column="stage")
monthly = complaint_counts(log, freq="month", by="service")
totals = monthly[["service", "period", "count"]].rename(columns={"count": "total"})

# %% [markdown]
# ## 1. A threshold of 10
#
# Counts of 1 to 9 are now primary, and more cells are needed to protect them.

# %%
rules_10 = {
    "suppress_below": 10,
    "count_columns": ["count"],
    "by": ["service", "period"],
    "shares": ["share"],
}
published_10 = prepare_table(stages, **rules_10)
primary_10 = int(stages["count"].between(1, 9).sum())
withheld_10 = int(published_10["count"].eq(SUPPRESSED).sum())
attempt_10 = attack_suppression(published_10, known_totals=totals, **rules_10)
pd.Series(
    {
        "primary: counts of 1 to 9": primary_10,
        "secondary": withheld_10 - primary_10,
        "recovered": int(attempt_10["recovered"].sum()),
        "smallest upper bound": int(attempt_10["high"].min()),
    }
)

# %% [markdown]
# 598 counts are primary and 356 more cells are withheld to protect them, 954 in all
# against 763 at a threshold of 5. The attack still recovers none, and no withheld count
# can be narrowed below 1 to 9. A higher threshold protects more and publishes less: 954
# of the 1,152 cells are now hidden.
#
# ## 2. Quarterly ombudsman counts beside the monthly table
#
# The published monthly table protects each service-month's total. A quarter's ombudsman
# count adds up three of the monthly ombudsman cells, a different way of adding up, and
# the attacker uses it as the known total of those three cells.

# %%
published = prepare_table(
    stages, suppress_below=5, count_columns=["count"], by=["service", "period"], shares=["share"]
)
ombudsman_months = published[published["level"] == "ombudsman"].assign(
    quarter=lambda d: d["period"].dt.to_period("Q").dt.start_time
)[["service", "quarter", "period", "count"]]
quarterly = outcomes(log, freq="quarter", by="service")
quarter_totals = quarterly[["service", "period", "ombudsman"]].rename(
    columns={"period": "quarter", "ombudsman": "total"}
)
by_quarter = attack_suppression(
    ombudsman_months,
    count_columns=["count"],
    by=["service", "quarter"],
    suppress_below=5,
    known_totals=quarter_totals,
)
truth = stages.loc[stages["level"] == "ombudsman", ["service", "period", "count"]]
checked = by_quarter.merge(truth, on=["service", "period"])
recovered = checked[checked["recovered"]]
print(
    f"recovered {len(recovered)} of {len(by_quarter)} withheld ombudsman months; "
    f"the true count every time: {bool(recovered['low'].eq(recovered['count']).all())}"
)

# %% [markdown]
# 106 of the 235 withheld ombudsman months come back exactly, every one the true count:
# in a quarter where only one month's count is withheld, the quarter less the two
# published months gives it. Whatever the monthly table withholds, a total along another
# dimension undoes it, which is why notebook 02 publishes its quarterly outcomes without
# the ombudsman counts.
#
# ## 3. A chart drawn for the screen, placed at 16 cm
#
# A figure 30 cm wide shrinks to 16/30 of its size when placed on the page: text drawn at
# 9 pt prints at under 5 pt.

# %%
counts_spc = spc(
    measure_series(log, measure="count"), value="value", period="period", by="service", baseline=24
)
repairs = counts_spc[counts_spc["service"] == "Housing repairs"]
fig, ax = plt.subplots(figsize=(30 / 2.54, 12 / 2.54))
plot_spc(
    repairs,
    title="Housing repairs complaints rose from July 2023: 18 months above the mean",
    ylabel="Complaints",
    ax=ax,
)
failing = too_small(ax)
print(
    f"{len(failing)} texts print under 8 pt; the smallest at {failing['printed_pt'].min():.1f} pt"
)
failing

# %% [markdown]
# 28 texts fail, the title and the axis labels among them; the smallest, the labels of
# the key, print at 4.3 pt. Draw report charts at their report size (coprod's default is
# 16 cm wide) rather than shrinking a chart drawn for the screen.

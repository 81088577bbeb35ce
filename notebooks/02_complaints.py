# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 02 · Complaints: signal, noise and when to consider co-planning
#
# **Question:** when the number or the seriousness of complaints about a service rises,
# is it a real change or just the usual ups and downs, and which services should then
# consider co-planning?
#
# The blog post behind this project (in `shared/reference/`) argues that where
# professionals lead the planning of a service, a good complaints procedure is essential,
# and that rising numbers or seriousness of complaints are a cue to plan *with* residents.
# To act on that we need to tell a real rise from noise. This notebook teaches the tool
# NHS England's *Making Data Count* programme uses for that, statistical process control
# (SPC), on a synthetic complaint log with known, planted changes, then on real FixMyStreet
# reports, and ends with a co-planning signal that combines complaints with the survey
# placements of notebook 01.

# %%
import pandas as pd

from coprod.charts.funnel import funnel_chart_data, plot_funnel
from coprod.charts.grid import co_planning_chart_data, plot_co_planning
from coprod.charts.runs import plot_run_chart, run_chart_data
from coprod.charts.spc import plot_spc, plot_spc_small_multiples, spc_chart_data
from coprod.co_planning import co_planning_summary, consider_co_planning
from coprod.complaints import (
    complaint_counts,
    measure_series,
    outcomes,
    seriousness,
    severity_shares,
    timeliness,
)
from coprod.datasets import load_dataset, shared_data_dir
from coprod.display import readable_table
from coprod.export import export_table, save_figure
from coprod.funnel import funnel, funnel_summary
from coprod.grid import place_services
from coprod.io.counts import LAD_NAMES, read_report_counts
from coprod.privacy import SUPPRESSED, attack_suppression, prepare_table
from coprod.synth import COMPLAINTS_SEED, INITIATIVES_SEED, make_complaint_log, make_initiatives
from coprod.timeseries.periods import fill_zero_counts
from coprod.timeseries.runs import run_chart, run_chart_summary
from coprod.timeseries.seasonal import seasonally_adjust
from coprod.timeseries.spc import (
    compare_conventions,
    overdispersion,
    spc,
    spc_overview,
    spc_summary,
    suggest_rebase,
)
from coprod.widgets import ComplaintsExplorer

# %% [markdown]
# ## The data: a complaint log
#
# `complaints_log` is a synthetic log for the fictional Northbridge council: one row per
# complaint, 2021 to 2024, for eight services, written as a council would export it (UK
# dates, labels for severity and stage). It loads through `read_complaints`, the loader you
# would point at your own export; the summary says what was read, loaded and quarantined.
# Free-text and name columns, which real logs often have, are dropped unless asked for.

# %%
complaints = load_dataset("complaints_log")
print(complaints.summary())
log = complaints.data
log.head()

# %% [markdown]
# The log hides three planted changes (we will pretend not to know them until we have
# found them): one service's number of complaints steps up, another's complaints become more
# serious while their number stays flat, and a third has a winter peak every year.
#
# ### A log from elsewhere: month-first dates
#
# Open complaint and service-request logs from US and Canadian cities write dates month
# first, with a time (`3/26/2014 9:18`), and often have no complaint id at all. Read value
# by value, day first, `3/9/2014` would become 3 September: a silent swap. coprod decides
# the order once per column, from the values that can only be read one way (`3/26/2014`
# has no month 26), and says what it decided. Here is such an export, written by
# `coprod.synth` with the true dates kept beside it so we can check every one.

# %%
import tempfile
from pathlib import Path

from coprod.io.complaint_log import read_complaints
from coprod.synth import write_complaint_export

export = write_complaint_export(Path(tempfile.mkdtemp()) / "requests_311.csv")
print(export.path.read_text().splitlines()[1])
us_log = read_complaints(export.path, as_of="2024-01-01")
print(us_log.summary())
truth = export.truth.loc[us_log.data.index]
wrong_dates = sum(
    int((us_log.data[c].fillna(pd.Timestamp(0)) != truth[c].fillna(pd.Timestamp(0))).sum())
    for c in ("received", "closed")
)
print(f"rows loaded: {us_log.n_loaded} of {us_log.n_read}; wrong dates: {wrong_dates}")

# %% [markdown]
# Every row loads and no date is wrong: the notes say the columns were read month first,
# and why. A column that mixes both orders would stop the load with an example of each,
# never a guess; `date_order="mdy"` says the order when no value settles it.
#
# ### A log too big for memory
#
# A large city's 311 history runs to tens of millions of rows, too many to hold in memory.
# `engine="duckdb"` runs the same checks out of core, in an embedded database, and keeps
# the clean rows as a Parquet file; the measures take that result as it is and count
# inside the database. It is the same loader, so the export above gives the same answer.

# %%
stored = read_complaints(export.path, as_of="2024-01-01", engine="duckdb")
same_summary = stored.summary() == us_log.summary()
same_counts = complaint_counts(stored).equals(complaint_counts(us_log))
print(f"{stored.n_loaded:,} rows kept in {stored.data_path.name}")
print(f"same summary: {same_summary}; same monthly counts: {same_counts}")

# %% [markdown]
# The summaries and the monthly counts are identical. On a real log of millions of rows,
# `read_complaints` picks this engine by itself for a file of 256 MiB or more, and
# `coprod check --engine duckdb` shows its progress.
#
# ## Counting, with the zeros
#
# First, complaints per service per month. A month with no complaints is a real zero and
# must be in the table: leaving it out would bias every average and trend upwards.
# A count alone mixes demand with quality, so we also compute a *rate* per 1,000 contacts
# with the service, from the council's contact figures.

# %%
contacts = load_dataset("complaints_contacts").data
monthly = complaint_counts(log, freq="month", by="service", denominators=contacts)
monthly.head()

# %%
monthly.pivot(index="period", columns="service", values="count").tail(6)

# %% [markdown]
# Published tables must not identify anyone. Small counts, like the few complaints a month
# that reach the ombudsman, can point to a person. Before sharing, `export_table`
# suppresses counts below a threshold (here 5) and refuses columns that could hold personal
# data. Withholding the small counts alone is not enough: each service-month's total is
# published (the monthly counts above, the SPC charts below), and the shares of the other
# rows give it too, so a lone withheld count would follow by subtraction. `by=` names the
# columns that stay fixed within a total (service and month): in every service-month with a
# small count all the shares are withheld and, where the small counts alone would give each
# other away, one more cell, the smallest count of at least 5. Shares are rounded to three
# decimals (a tenth of a percentage point).

# %%
stages = severity_shares(log, freq="month", by="service", column="stage")
rules = {
    "suppress_below": 5,
    "count_columns": ["count"],
    "by": ["service", "period"],
    "shares": ["share"],
}
path = export_table(stages, "02_complaints_stage_mix.csv", **rules)
published = prepare_table(stages, **rules)  # exactly what the file holds
primary = int(stages["count"].between(1, 4).sum())
withheld = int(published["count"].eq(SUPPRESSED).sum())
print(f"wrote {path.name}: {primary} small counts and {withheld - primary} more cells withheld")
published.head(6)

# %% [markdown]
# Does it hold? `attack_suppression` plays someone hunting for a hidden count: from the
# published table, every service-month's total and the rule (a withheld count is 1 to 4,
# or at least 5 if it was withheld to protect another), it works out the range each
# withheld count could take.

# %%
totals = monthly[["service", "period", "count"]].rename(columns={"count": "total"})
attempt = attack_suppression(
    published,
    count_columns=rules["count_columns"],
    by=rules["by"],
    suppress_below=rules["suppress_below"],
    shares=rules["shares"],
    known_totals=totals,
)
print(f"recovered {int(attempt['recovered'].sum())} of {len(attempt)} withheld counts")
attempt.head(4)

# %% [markdown]
# 482 counts of 1 to 4 are suppressed, and 281 more cells to protect them; the shares of
# the 342 service-months with a suppressed count are withheld. Even knowing every total,
# the attacker pins down none of the 763 suppressed counts: each could still be anything
# from 1 to at least 4.

# %% [markdown]
# ## SPC from scratch
#
# Every process varies. **Common-cause** variation is the month-to-month noise of a stable
# process; **special-cause** variation has a reason worth finding: a new procedure, a
# contractor change, a storm. SPC draws the range the noise usually stays in, then flags
# points or patterns the noise would rarely produce.
#
# The XmR chart, the default in Making Data Count, needs only arithmetic:
#
# 1. the **centre line** is the mean of the values;
# 2. the **moving range** is the absolute difference between each value and the one
#    before; its mean, MR̄, measures the short-term noise;
# 3. the **process limits** are centre ± 2.66 × MR̄ (2.66 = 3 / 1.128 turns the mean
#    moving range into three standard deviations).
#
# By hand, for the first year of Refuse collection complaints:

# %%
refuse = monthly.query("service == 'Refuse collection'").head(12)
by_hand = refuse[["period", "count"]].assign(moving_range=refuse["count"].diff().abs())
centre = by_hand["count"].mean()
mr_bar = by_hand["moving_range"].mean()
print(
    f"centre {centre:.2f}, mean moving range {mr_bar:.2f}, "
    f"process limits {centre - 2.66 * mr_bar:.2f} to {centre + 2.66 * mr_bar:.2f}"
)
readable_table(by_hand)

# %% [markdown]
# The library gives the same numbers, and applies the four Making Data Count rules:
#
# * **outside limits**: a single point beyond a process limit;
# * **run**: 7 points in a row on one side of the centre (configurable, some use 6);
# * **trend**: 6 points in a row each higher (or lower) than the one before;
# * **two of three beyond 2 sigma**: two out of three points in a row close to one limit.
#
# Each flagged point is coloured: orange for concern (for complaints, higher is worse),
# blue for improvement.

# %%
check = spc(refuse, value="count", period="period")
readable_table(check[["period", "value", "centre", "lower", "upper", "rule", "variation"]].head(3))

# %% [markdown]
# ### A first look at a short series: the run chart
#
# Twelve months give SPC only *trial limits*, which move as each month comes in. The
# recommended first look at a short series is a **run chart**: the points and their median,
# no limits. Two rules (Anhøj's, as the R package qicharts2 applies them) read it from the
# points' sides of the median alone, counting only the points off the median:
#
# * an **unusually long run**: more points in a row on one side than round(log₂ n) + 3;
# * **unusually few crossings** of the median: fewer than chance gives 95 times in 100.
#
# Street lighting's first year:

# %%
lighting_year = monthly.query("service == 'Street lighting'").head(12)
first_look = run_chart(lighting_year, value="count", period="period")
print(run_chart_summary(first_look))
ax = plot_run_chart(
    first_look,
    title="Street lighting, 2021: the median crossed only twice",
    ylabel="Complaints",
)
saved = save_figure(
    ax,
    "02_complaints_street_lighting_run_chart",
    data=run_chart_data(first_look),
    alt_text=(
        "Run chart of Street lighting complaints a month in 2021 around their median of 25: "
        "three months above, six below from April to September, three above. The line "
        "crosses the median only 2 times, fewer than the 3 chance allows: non-random "
        "variation. No run is longer than the 7 points allowed."
    ),
)

# %% [markdown]
# The line crosses its median of 25 only 2 times, fewer than the 3 that chance allows with
# 12 points: non-random variation, found without a mean or a limit. The longest run, 6
# months below the median from April to September, is within the 7 allowed. A run chart
# says *that* something more than noise moves the points, not what: here it is the winter
# peak we come back to below. Refuse collection's first year, by contrast, crosses its
# median 7 times and its longest run is 3 months: noise. From about 20 points a control
# chart can add its limits, as from here on.

# %% [markdown]
# ## Finding the planted changes
#
# We compute limits from the first two years (the *baseline*) and hold them fixed, so a
# later change stands out against how the service used to behave.

# %%
counts_spc = spc(
    measure_series(log, measure="count"),
    value="value",
    period="period",
    by="service",
    baseline=24,
)
overview = spc_overview(counts_spc, by="service")
readable_table(overview)

# %%
fig = plot_spc_small_multiples(
    counts_spc,
    by="service",
    title="Northbridge: housing repairs complaints rose from July 2023;\nstreet lighting peaks each winter",
    ylabel="Complaints",
)
saved = save_figure(
    fig,
    "02_complaints_small_multiples",
    data=spc_chart_data(counts_spc),
    alt_text=(
        "Eight SPC (XmR) charts, one a service, of Northbridge's complaints a month, "
        "2021-2024, with the mean and process limits of 2021-2022. Housing repairs is above "
        "its upper limit in 16 of the 18 months from July 2023 (special-cause concern); "
        "Street lighting is flagged in 32 of 48 months as it rises into each winter and falls "
        "out of it; the other six services show common-cause variation in their latest month."
    ),
)

# %% [markdown]
# Two services stand out. Housing repairs is above the centre in every one of the last 18
# months, from July 2023, 16 of them beyond the upper limit. Street lighting is flagged
# in 32 of the 48 months, rising into each winter and falling out of it (we come back to it
# below). The few flags elsewhere (Social care's nine months below the centre from July
# 2023, two months of Libraries, one of Parks and green spaces) are the kind a stable
# series shows by chance, and none is in the last six months.
#
# Where did the rise in housing repairs start? SPC offers change points but never moves
# the limits by itself: rebasing is a decision for someone who knows what changed.

# %%
suggestions = suggest_rebase(counts_spc)
readable_table(suggestions[suggestions["service"] == "Housing repairs"])

# %%
repairs = counts_spc[counts_spc["service"] == "Housing repairs"]
ax = plot_spc(
    repairs,
    title="Housing repairs complaints rose from July 2023: 18 months above the mean",
    ylabel="Complaints",
)
saved = save_figure(
    ax,
    "02_complaints_housing_repairs",
    data=spc_chart_data(repairs),
    alt_text=(
        "SPC (XmR) chart of Housing repairs complaints a month, 2021-2024, with the mean (40.6) "
        "and process limits (19.2 to 62.0) of 2021-2022. Every month from July 2023 is above "
        "the mean and flagged as special-cause concern, 16 of the 18 above the upper limit."
    ),
)

# %% [markdown]
# If we learn that a new repairs contractor started in July 2023, we rebase there: the
# chart then describes the new process with its own limits, a centre of 72 complaints a
# month (limits 33 to 111) against 40.9 (21.2 to 60.6) before.

# %%
rebased = spc(
    measure_series(log, measure="count").query("service == 'Housing repairs'"),
    value="value",
    period="period",
    rebase=["2023-07-01"],
)
ax = plot_spc(
    rebased,
    title="Housing repairs, rebased at July 2023: 72 complaints a month, up from 41",
    ylabel="Complaints",
)
saved = save_figure(
    ax,
    "02_complaints_housing_repairs_rebased",
    data=spc_chart_data(rebased),
    alt_text=(
        "SPC (XmR) chart of Housing repairs complaints a month, 2021-2024, with separate limits "
        "before and after July 2023: mean 40.9 (limits 21.2 to 60.6) before, 72.0 (33.0 to "
        "111.0) after. No point is flagged in either period: each is a stable process, the "
        "second at a higher level."
    ),
)

# %% [markdown]
# ### Whose rules? Matching the tool your organisation uses
#
# A council's charts may have been drawn in NHSRplotthedots (R) or PowerBI-SPC rather than
# with Making Data Count's own tools. The arithmetic is the same; three choices differ:
# how long a trend must be (MDC 6 points, NHSRplotthedots 7, PowerBI-SPC 5), whether one
# unusually large jump between months is left out of the mean moving range (both packages
# do, MDC does not), and which points count towards two of three beyond 2 sigma.
# `spc(..., conventions=...)` follows one tool's choices, so a chart can reproduce the
# numbers an organisation already publishes; `compare_conventions` runs all three.

# %%
compared = compare_conventions(
    measure_series(log, measure="count"),
    value="value",
    period="period",
    by="service",
    baseline=24,
)
readable_table(
    compared.query("service in ['Refuse collection', 'Leisure centres', 'Street lighting']")[
        ["service", "conventions", "centre", "lower", "upper", "n_special"]
    ]
)

# %% [markdown]
# Refuse collection's upper limit is 65.2 complaints with MDC's rules and 62.9 with both
# packages, which leave its largest jump between months out of the limits. Leisure centres
# has no flagged month under MDC's rules or NHSRplotthedots', but 15 under PowerBI-SPC's:
# its trend needs only 5 points, and this service's seasonal rises and falls last that long.
# Street lighting is flagged in 32, 26 and 33 months. coprod keeps MDC's rules by default,
# so its charts match what MDC's tools publish; choose another set only to match a chart
# drawn with it.

# %% [markdown]
# ### Seriousness, not just numbers
#
# A service can get worse without more complaints: the complaints can become more serious.
# The *seriousness index* weights each complaint by its severity (low 1, medium 2, high 3;
# set your own weights); its mean per complaint measures the mix.

# %%
severity_spc = spc(
    measure_series(log, measure="mean_severity"),
    value="value",
    period="period",
    by="service",
    baseline=24,
)
print(spc_summary(severity_spc[severity_spc["service"] == "Social care"]))
ax = plot_spc(
    severity_spc[severity_spc["service"] == "Social care"],
    title="Social care complaints have been more serious since January 2023",
    ylabel="Mean severity weight",
)
saved = save_figure(
    ax,
    "02_complaints_social_care_severity",
    data=spc_chart_data(severity_spc[severity_spc["service"] == "Social care"]),
    alt_text=(
        "SPC (XmR) chart of the mean severity weight (low 1, medium 2, high 3) of Social care "
        "complaints a month, 2021-2024, with the mean (1.58) and process limits (1.11 to "
        "2.05) of 2021-2022. Every month from January 2023 is above the mean and flagged as "
        "special-cause concern, 16 of the 24 above the upper limit."
    ),
)

# %%
seriousness(log, by="service").query("service == 'Social care'").tail(4)

# %% [markdown]
# ### A season is not a signal
#
# Street lighting complaints peak every winter. SPC assumes no such pattern, so the chart
# flags the climb into every winter and the fall out of it. Removing the seasonal pattern
# first (classical decomposition with statsmodels: one fixed effect per calendar month)
# takes that rhythm away, but not every flag.

# %%
lights = measure_series(log, measure="count").query("service == 'Street lighting'")
lights_raw = spc(lights, value="value", period="period", baseline=24)
lights_adjusted = spc(seasonally_adjust(lights), value="adjusted", period="period", baseline=24)
pd.Series(
    {
        "special-cause points, raw": int(lights_raw["special_cause"].sum()),
        "special-cause points, seasonally adjusted": int(lights_adjusted["special_cause"].sum()),
    }
)

# %% [markdown]
# Seasonally adjusted, 17 of the 48 months are still flagged (32 before): a run of 7 above
# the centre from June to December 2021, a run of 7 below it from April to October 2022,
# January 2023 beyond the upper limit, and November 2023 and January 2024 low. Nothing
# was planted in street lighting, so these are chance, and the adjustment adds chance of
# its own: each month's seasonal effect is estimated from the same four years of data.
# None of the last six months is flagged, which is why the co-planning rule below, which
# asks for sustained concern at the end of the series, lets the adjusted series go.

# %%
ax = plot_spc(
    lights_adjusted,
    title="Street lighting, seasonally adjusted: no signal in the last six months",
    ylabel="Complaints",
)
saved = save_figure(
    ax,
    "02_complaints_street_lighting_adjusted",
    data=spc_chart_data(lights_adjusted),
    alt_text=(
        "SPC (XmR) chart of Street lighting complaints a month after removing the seasonal "
        "pattern, 2021-2024, with the mean (25.8) and process limits (15.1 to 36.5) of "
        "2021-2022. 17 of the 48 months are still flagged (32 before adjustment): runs of 7 "
        "above the mean in 2021 and below it in 2022, January 2023 above the upper limit, "
        "November 2023 and January 2024 low; none of the last six months."
    ),
)

# %% [markdown]
# ### Did we find what was planted?
#
# The generator is seeded; its truth is public. Compare with what we found above.

# %%
make_complaint_log(seed=COMPLAINTS_SEED).truth[["service", "change", "measure", "month"]]

# %% [markdown]
# ### Outcomes and timeliness
#
# Two more views a complaints manager watches: how many complaints are upheld, and how
# quickly they are closed against a target (here 20 days). The quarterly table leaves out
# the complaints that reached the ombudsman: a quarter's count adds up the monthly counts
# the stage-mix export withholds, so published beside it, it would give them back.

# %%
quarterly = outcomes(log, freq="quarter", by="service").drop(
    columns=["ombudsman", "ombudsman_rate"]
)
quarterly.query("service == 'Social care'").tail(4)

# %% [markdown]
# The log was extracted on 31 December 2024, when 199 complaints were still open, 187 of
# them received since October. Timeliness must be read as the log stood that day
# (`as_of="2024-12-31"`): a complaint still open more than 20 days after it arrived has
# missed the target already and counts as a miss; one that arrived in the last 20 days
# cannot be judged yet. Without `as_of` the open complaints simply drop out.

# %%
on_time = timeliness(log, freq="quarter", by="service", target_days=20, as_of="2024-12-31")
open_left_out = timeliness(log, freq="quarter", by="service", target_days=20)
repairs_on_time = on_time.query("service == 'Housing repairs'").assign(
    share_if_open_left_out=open_left_out.query("service == 'Housing repairs'")[
        "share_within_target"
    ]
)
repairs_on_time.tail(4)

# %% [markdown]
# Leaving the open complaints out flatters the latest quarter: October to December 2024
# would look the best of all sixteen, 77% closed within target against 62% to 73% before,
# only because its slow complaints are still open. As the log stood, its 10 overdue
# complaints are misses and the share is 73%, level with the best earlier quarter. Its
# other 32 open complaints are younger than 20 days, so this figure is provisional until
# 20 January 2025. The median of 12 days is flattered the same way: it counts only the
# complaints already closed, the quick ones.

# %% [markdown]
# ### Comparing services at one point in time: a funnel plot
#
# A league table of the share of complaints upheld would rank the eight services as if
# every difference were real, but a share from 201 complaints swings by chance more than
# one from 813. A funnel plot (Spiegelhalter 2005) puts each service's share in 2024
# against its number of complaints with an outcome, inside limits around the council's
# pooled share that narrow as that number grows: exact binomial limits at 95% (about 2
# standard errors) and 99.8% (about 3).

# %%
yearly = outcomes(log, freq="year", by="service")
upheld_2024 = yearly[yearly["period"].dt.year == 2024].assign(
    upheld_in_full_or_part=lambda t: t["upheld"] + t["partly_upheld"]
)
upheld_funnel = funnel(
    upheld_2024, value="upheld_in_full_or_part", denominator="n_outcome", by="service"
)
print(funnel_summary(upheld_funnel))

# %%
ax = plot_funnel(
    upheld_funnel,
    title="Social care upheld more of its complaints in 2024 than the 95% limits allow",
    xlabel="Complaints with an outcome in 2024",
    ylabel="Upheld in full or in part",
)
saved = save_figure(
    ax,
    "02_complaints_upheld_funnel",
    data=funnel_chart_data(upheld_funnel),
    alt_text=(
        "Funnel plot of the share of each service's complaints with an outcome in 2024 that "
        "were upheld in full or in part, against the number with an outcome (201 to 813), "
        "around the pooled share of 45.4% with 95% and 99.8% limits. Social care, 52.0% of "
        "273, lies above the 95% limit and within the 99.8% limit; the other seven services "
        "lie within the 95% limits."
    ),
)

# %% [markdown]
# The council upheld 45.4% of its complaints in 2024, in full or in part. Social care's
# 52.0% of 273 lies above the 95% limit for a service of its size (51.2%) but within the
# 99.8% limit (54.6%); the other seven services lie within the 95% limits. With eight
# services about 0.4 would lie beyond the 95% limits by chance alone, so this is a prompt
# to look at Social care's complaints, not proof that it handles them worse. A funnel is
# one year; whether Social care's share *changed* is a question for SPC (exercise 6 charts
# it month by month on a p chart).

# %% [markdown]
# ## Real data: FixMyStreet reports
#
# FixMyStreet (mySociety; *Contains FixMyStreet data from mySociety, ODC-By 1.0*) publishes
# counts of residents' problem reports per council area per month, one file per month, with
# the month only in the file name. A council area absent from a month's file had no reports
# that month: the publisher says so. We load a shipped extract of ten areas, eight cities
# and two island areas with few reports (the full folder in `shared/data/` loads the same
# way with `read_report_counts`), then make those zeros explicit and say how many there
# were: leaving them out would make the islands look as if they had a report most months.

# %%
reports = load_dataset("fixmystreet_extract")
print(reports.summary())

# %%
filled = fill_zero_counts(
    reports.data, by="lad", period="period", value=["reports", "unique_users"]
)
print(
    f"{int(filled['zero_filled'].sum())} area-months were absent from their files: "
    "filled with zero reports."
)
filled["area"] = filled["lad"].map(LAD_NAMES)
filled.groupby("area").agg(
    reports=("reports", "sum"), months_filled_with_zero=("zero_filled", "sum")
).sort_values("reports", ascending=False)

# %% [markdown]
# When the full FixMyStreet folder is beside the project (`shared/data/`), the same two
# calls load every monthly file for every council area in the UK and make the absent
# months explicit:

# %%
shared = shared_data_dir()
if shared is None:
    print("The full FixMyStreet folder is not here; the extract above is all we use.")
else:
    everything = read_report_counts(shared / "fixmystreet_reports" / "no_categories")
    print(everything.summary())
    everything_filled = fill_zero_counts(
        everything.data, by="lad", period="period", value=["reports", "unique_users"]
    )
    print(
        f"{int(everything_filled['zero_filled'].sum()):,} of {len(everything_filled):,} "
        "area-months were absent: filled with zero reports."
    )

# %% [markdown]
# Report counts are large and over-dispersed (they vary more than a Poisson count would),
# which makes a c chart's limits too narrow; the XmR chart estimates the noise from the
# data itself, which is why Making Data Count uses it by default. FixMyStreet's coverage
# also grew as councils adopted it, so a rise can be platform uptake rather than more
# problems: SPC finds the change, people must explain it. The two island areas have too
# few reports for a chart to say anything, so we chart the eight cities.

# %%
cities = filled[~filled["lad"].str.startswith("S")]
area_spc = spc(
    cities,
    value="reports",
    period="period",
    by="area",
    baseline=24,
)
fig = plot_spc_small_multiples(
    area_spc,
    by="area",
    title="FixMyStreet reports in 2020: above their 2012-13 limits\nin seven cities, below in Leeds",
    ylabel="Reports",
)
saved = save_figure(
    fig,
    "02_complaints_fixmystreet",
    data=spc_chart_data(area_spc),
    alt_text=(
        "Eight SPC (XmR) charts of FixMyStreet problem reports a month, 2012-2020, one a city, "
        "with the mean and process limits of 2012-2013. In 2020 reports averaged above the "
        "upper limit in Birmingham, Brighton and Hove, Bristol, Cardiff, Manchester, Sheffield "
        "and Southwark, and below the lower limit in Leeds, whose reports fell from 2016. "
        "Uptake of the platform explains much of the rise."
    ),
)

# %%
readable_table(spc_overview(area_spc, by="area"))

# %% [markdown]
# Why not a c chart, the chart made for counts? Its limits come from the mean alone
# (mean +/- 3 x its square root), as if each month's count were Poisson. `overdispersion`
# measures how much more the counts vary from month to month than that (Laney's sigma_z: 1
# for Poisson counts) and `spc_summary` says so. A c chart of the eight cities flags
# between 15% and 96% of their months, and every city's counts are overdispersed (sigma_z
# from 1.6 to 3.1): the check recommends the XmR chart drawn above.

# %%
cities_c = spc(cities, value="reports", period="period", by="area", chart="c")
readable_table(overdispersion(cities_c))

# %%
print(spc_summary(cities_c[cities_c["area"] == "Bristol, City of"]))

# %% [markdown]
# ## The co-planning signal
#
# Now the claim itself. A service should **consider co-planning** when its complaints
# show *sustained* special-cause concern (in number or seriousness: at least 2 of the last
# 6 months flagged, as part of a signal at least 12 months long) **and** its planning is
# professional-led. Who plans comes from the newest residents' survey of notebook 01
# (Northbridge, the 2025 wave): a decision taken now needs to know who plans the service
# now. A shorter signal is one to **watch**: about one stable series in thirty shows one at
# any time (the tests measure it), so with eight services, each measured two ways, a short
# signal somewhere is often chance. Every input to the decision is a column of the result,
# the survey's wave among them, and the rule is stated with it.

# %%
survey = load_dataset("services_survey").data
newest_wave = survey["wave"].max()
placements = place_services(
    survey.query("council == 'Northbridge' and wave == @newest_wave"),
    by=["council", "wave"],
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
)
signal = consider_co_planning(counts_spc, severity_spc, placements=placements)
print(co_planning_summary(signal))
readable_table(
    signal[["service", "decision", "count_points", "seriousness_points", "planning", "reason"]]
)

# %% [markdown]
# Read the decisions as prompts, not verdicts. **Housing repairs** has the planted rise in
# numbers (18 points since July 2023), but residents place its planning as partly shared
# (0.67), so the signal says "look at delivery" rather than "co-plan". **Social care** is
# the other planted change: its complaints became more serious from January 2023 (24
# points) while their number stayed flat. When that began, residents placed its planning
# with professionals (0.26 in the 2023 wave, when it would have been flagged); by 2025 they
# place it in the co-planning column (0.91), one of the movers of notebook 01, so it too
# now points at delivery and at how complaints are handled. **Street lighting**'s rising
# trend (7 points since June 2024) is its winter peak, the pattern SPC mistakes for a
# change, and **Refuse collection** rests on 2 flagged months of one measure (September and
# November 2024) where no change was planted: both are short signals, to watch rather than
# act on. Counting on seasonally adjusted numbers removes the seasonal one:

# %%
adjusted_counts_spc = spc(
    seasonally_adjust(measure_series(log, measure="count")),
    value="adjusted",
    period="period",
    by="service",
    baseline=24,
)
adjusted_signal = consider_co_planning(adjusted_counts_spc, severity_spc, placements=placements)
readable_table(adjusted_signal[["service", "decision", "count_points", "seriousness_points"]])

# %% [markdown]
# On the grid, each service sits where the 2025 survey places it, marked by what its
# complaints say, and each signal carries its rule and its number of points. No service has
# both a sustained rise and professional-led planning, so nothing is drawn as a
# recommendation: Refuse collection's short signal is a hollow diamond, one to watch.

# %%
ax = plot_co_planning(
    adjusted_signal,
    title="No Northbridge service is flagged for co-planning on the 2025 survey",
)
saved = save_figure(
    ax,
    "02_complaints_co_planning_grid",
    data=co_planning_chart_data(adjusted_signal),
    alt_text=(
        "Grid chart of the 7 Northbridge services with complaint data and a 2025 survey "
        "position (Road maintenance has none), each a point at its position with 95% "
        "interval bars, marked by what seasonally adjusted counts and mean severity say. "
        "None is flagged for co-planning. Housing repairs (number: run of 7 above centre, "
        "20 points) and Social care (seriousness: run of 7 above centre, 24 points) rose "
        "for a year or more, but residents place their planning as shared. Refuse "
        "collection, whose planning is professional-led, has a short signal to watch "
        "(seriousness: two of three beyond 2 sigma, 2 points)."
    ),
)

# %% [markdown]
# ## The second trigger: residents asking for a say
#
# Complaints are not the only road to co-planning. The post says the initiative may as
# well come from residents who identify an issue and want a say in it. Their petitions,
# requests and community plans are a table of their own (`read_initiatives` reads yours,
# with dates read in the order their column settles, as every loader here), and
# `consider_co_planning(..., initiatives=..., as_of=...)` reports them as a second trigger
# beside the complaints one: the `trigger` column says which fired, `initiative_reason`
# why, in words. The rule is stated with the result: two petitions or requests in the 12
# months up to `as_of`, one with at least 500 signatures (how many stand behind it is its
# seriousness), or one community plan. The synthetic initiatives below (from
# `make_initiatives`, which plants them) go with the complaint log.

# %%
initiatives = make_initiatives(seed=INITIATIVES_SEED)
readable_table(initiatives)

# %%
with_initiatives = consider_co_planning(
    adjusted_counts_spc,
    severity_spc,
    placements=placements,
    initiatives=initiatives,
    as_of="2024-12-31",
)
print(co_planning_summary(with_initiatives))
readable_table(
    with_initiatives[["service", "decision", "trigger", "initiatives", "initiative_reason"]]
)

# %% [markdown]
# **Street lighting** is now flagged, on residents' initiatives alone: a petition with 640
# signatures in September 2024 and a residents' association's request in November, for a
# service whose planning residents place with professionals (0.12), while its seasonally
# adjusted complaints show no concern. **Libraries** received a community plan, but its
# planning is already shared (0.83): the plan belongs at the co-planning table it already
# has. **Road maintenance** received one too and has no survey placement, so the call is
# "check placement". The five other services each had a single petition, all before the
# 12 months, which fires nothing. Housing repairs and Social care keep their complaints
# trigger: the two are reported apart, never added up.

# %%
ax = plot_co_planning(
    with_initiatives,
    title="Northbridge, 2025 survey: residents' initiatives flag Street lighting",
)
saved = save_figure(
    ax,
    "02_complaints_co_planning_initiatives",
    data=co_planning_chart_data(with_initiatives),
    alt_text=(
        "The co-planning grid of Northbridge's services with residents' initiatives as a "
        "second trigger. Street lighting, whose planning is professional-led, is flagged to "
        "consider co-planning on residents' initiatives (2 initiatives); Libraries' community "
        "plan comes where planning is already shared; Housing repairs and Social care keep "
        "their complaints signals with planning already shared."
    ),
)

# %% [markdown]
# ## Explore it yourself
#
# Pick a service, a measure, a chart and a period. The menus offer only what can be drawn:
# c charts for counts, u charts for rates (the monthly contacts are added up for a
# quarter), XmR for any measure, and only the periods in which every service has a value
# each period (a weekly median needs a complaint closed every week). The line under the
# menus says what is not offered and why. `baseline=24` is the first 24 months, whatever
# the period.

# %%
ComplaintsExplorer(log, denominators=contacts, baseline=24)

# %% [markdown]
# ## Exercises
#
# Worked answers are in `answers/02_complaints.py`.
#
# 1. Chart Housing repairs' *rate* per 1,000 contacts on a u chart. Does the signal
#    survive dividing by demand?
# 2. Change the run rule from 7 to 6 points (`run_length=6`). How many more services show
#    a signal? What does that do to false alarms?
# 3. Set a target of 40 complaints a month for Housing repairs (`target=40`). What does
#    the assurance column say before and after July 2023?
# 4. Use the share of complaints reaching the ombudsman as the seriousness measure in
#    `consider_co_planning`. Does the list of flagged services change?
# 5. For the FixMyStreet areas, which show special-cause concern in 2020, and why might
#    that be platform uptake or the pandemic rather than worse streets?
# 6. Chart the share of Social care's closed complaints that were upheld (in full or in
#    part) on a p chart, whose limits follow each month's number closed. Does the planted
#    rise in seriousness show up as more complaints upheld?
# 7. Upheld ombudsman findings are rare: a few a month. Chart the days between them on a t
#    chart (`between_events` turns the log into one row per finding). Is there a change?
# 8. Chart Bristol's share of FixMyStreet reports that came from distinct users
#    (`unique_users` of `reports`) on a p chart, then on Laney's p′ chart (`chart="pp"`).
#    What does the overdispersion check say, and how many months does each flag?

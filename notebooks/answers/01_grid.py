# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 01 · Worked answers
#
# Answers to the exercises at the end of `01_grid.py`. Try them first.

# %%
from coprod.charts.grid import grid_chart_data, plot_grid
from coprod.charts.likert import likert_table
from coprod.datasets import load_dataset
from coprod.engagement import highest_rungs
from coprod.export import save_figure
from coprod.grid import movement, place_services, placement_summary
from coprod.io.survey import TORONTO_ACTIVITY_RUNGS
from coprod.synth import DEFAULT_MOVERS

responses = load_dataset("services_survey").data

# %% [markdown]
# ## 1. Eastmoor, 2023: which placements are uncertain?
#
# `placement_summary` lists the services whose 95% interval crosses a cell boundary (0.5
# or 1.5) on either axis: five of the twenty, Allotments, Community transport, Housing
# repairs, Play areas and Social care. Their true cell could be the neighbouring one: the
# position is close to the boundary *and* the sample cannot rule out the other side.

# %%
eastmoor = place_services(
    responses.query("council == 'Eastmoor' and wave == 2023"),
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=3,
)
print(placement_summary(eastmoor))

# %%
crosses = (
    (eastmoor["planning_low"] < 0.5) & (eastmoor["planning_high"] > 0.5)
    | (eastmoor["planning_low"] < 1.5) & (eastmoor["planning_high"] > 1.5)
    | (eastmoor["delivery_low"] < 0.5) & (eastmoor["delivery_high"] > 0.5)
    | (eastmoor["delivery_low"] < 1.5) & (eastmoor["delivery_high"] > 1.5)
)
eastmoor.loc[
    crosses,
    [
        "service",
        "planning",
        "planning_low",
        "planning_high",
        "delivery",
        "delivery_low",
        "delivery_high",
        "cell",
    ],
].round(2)

# %% [markdown]
# ## 2. Westfield, 2025: which services change cell without weights?

# %%
westfield = responses.query("council == 'Westfield' and wave == 2025")
columns = {"service": "service", "planning": "planning", "delivery": "delivery", "seed": 4}
weighted = place_services(westfield, weight="weight", **columns)
unweighted = place_services(westfield, **columns)
both = weighted[["service", "cell"]].merge(
    unweighted[["service", "cell"]], on="service", suffixes=("_weighted", "_unweighted")
)
both[both["cell_weighted"] != both["cell_unweighted"]]

# %% [markdown]
# Two services change cell, Allotments and Housing repairs: their positions sit near a
# boundary, and they cross it when the under-represented under-35s are not weighted up,
# as the unweighted mean leans towards the over-35s' view.
#
# ## 3. Naming a second blank cell

# %%
names = {
    ("co-planning", "professionals"): "Consultative services",
    ("community", "co-delivery"): "Community-led partnerships",
}
northbridge = place_services(
    responses.query("council == 'Northbridge' and wave == 2025"),
    service="service",
    planning="planning",
    delivery="delivery",
    weight="weight",
    seed=1,
    names=names,
)
ax = plot_grid(
    northbridge,
    names=names,
    title="Northbridge, 2025: Community festivals is the one community-led partnership",
)
saved = save_figure(
    ax,
    "answers_01_two_named_cells",
    data=grid_chart_data(northbridge, names=names),
    alt_text=(
        "Grid chart of Northbridge's 20 services in 2025 with two blank cells named: "
        "Consultative services (co-planned, professionally delivered), holding Libraries, "
        "Parks and green spaces and Social care, and Community-led partnerships (community "
        "planned, co-delivered), holding Community festivals alone."
    ),
)

# %% [markdown]
# ## 4. The least favourable Toronto statement, and the effect of excluding neutral answers
#
# The answers stay as given; `reverse=` reverses the three negatively worded statements
# in `net_score` only (net agreement, reversed for the score), so higher is more
# favourable on every statement.

# %%
toronto = load_dataset("toronto_engagement").data
items = [i for i in toronto.attrs["likert_items"] if i.startswith("q3_") and i != "q3_other_rating"]
scored = {"scale": toronto.attrs["likert_scale"], "reverse": toronto.attrs["reverse_worded"]}
split = likert_table(toronto, items=items, **scored)
excluded = likert_table(toronto, items=items, neutral="exclude", **scored)
ranking = (
    split.drop_duplicates("item")[["item", "reversed_for_score", "net_score"]]
    .merge(
        excluded.drop_duplicates("item")[["item", "net_score"]],
        on="item",
        suffixes=("_split", "_exclude"),
    )
    .sort_values("net_score_split")
)
ranking.round(3)

# %% [markdown]
# "Some participants have less influence than others on decisions" (reversed for the
# score: 75% agree with it) is the least favourable either way. Excluding neutral answers
# changes every net score's base, so the numbers grow, but here the ranking of the least
# favourable items barely moves.
#
# ## 5. Moving the leadership programme up the ladder

# %%
data = load_dataset("toronto_engagement").data
as_given = highest_rungs(data, crosswalk=TORONTO_ACTIVITY_RUNGS)
as_partnership = highest_rungs(
    data, crosswalk={**TORONTO_ACTIVITY_RUNGS, "q1_leadership_program": 6}
)
given = as_given.query("group == 'Citizen power'")["share"].sum()
partnership = as_partnership.query("group == 'Citizen power'")["share"].sum()
print(f"citizen power: {given:.1%} as given, {partnership:.1%} with the programme as partnership")

# %% [markdown]
# The share reaching citizen power rises from 15.3% to 16.5%: 12 more respondents. Of the
# 27 who took part in the programme, the other 15 had already ticked an activity on rung
# 6 or higher. The crosswalk matters for those who did little else, and a judgement like
# this one should be stated beside any share it produces.
#
# ## 6. Chance movers across three councils

# %%
survey = load_dataset("services_survey").data
settings = {
    "service": "service",
    "wave": "wave",
    "planning": "planning",
    "delivery": "delivery",
    "weight": "weight",
    "by": "council",
    "seed": 6,
    "n_boot": 5000,  # Benjamini-Hochberg over 120 tests needs at least 4,800
}
raw = movement(survey, **settings)
adjusted = movement(survey, **settings, adjust="fdr_bh")
planted = raw["service"].isin(list(DEFAULT_MOVERS))
unplanted_tests = 2 * int((~planted).sum())
print(
    f"{unplanted_tests} shifts with nothing planted: about {0.05 * unplanted_tests:.1f} by chance"
)
raw.loc[raw["moved"] & ~planted, ["council", "service", "planning_shift", "planning_p"]].round(3)

# %%
adjusted.groupby(planted.rename("planted"))["moved"].sum()

# %% [markdown]
# The 48 services with nothing planted give 96 shifts, so about 4.8 would pass at the 5%
# level by chance; this survey shows only one, Leisure centres in Northbridge (chance can
# give fewer than expected as well as more). All 12 planted movers (four services in each
# council) are found. With the Benjamini-Hochberg adjustment the 12 planted movers remain
# and the chance mover is gone.

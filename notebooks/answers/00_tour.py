# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 00 · Worked answers
#
# Answers to the exercises at the end of `00_tour.py`. Try them first.

# %%
import pandas as pd

from coprod.charts.grid import plot_grid
from coprod.export import save_figure
from coprod.grid import PLACEMENT_COLUMNS, cells, planning_rungs

# %% [markdown]
# ## 1. Which cells of the grid have no name?

# %%
grid = cells()
grid.loc[grid["name"].isna(), ["planning", "delivery", "description"]]

# %% [markdown]
# Four of the nine: professionally planned and co-delivered, co-planned and professionally
# delivered, co-planned and community delivered, and community planned and co-delivered.
# They are the four cells with exactly one axis at the middle ("co-") level; the centre,
# with both, is full co-production. Their descriptions are always there, so a chart can label
# them even before anyone names them.
#
# ## 2. Naming a blank cell
#
# Residents co-plan, professionals deliver: many councils would call that *consultative
# services* (the name notebook 01 uses), others *commissioned with residents*. The name is
# an argument: nothing global changes, and `cells()` and `plot_grid()` take the same
# mapping.

# %%
our_names = {("co-planning", "professionals"): "Consultative services"}
named_grid = cells(names=our_names)
named_grid.loc[named_grid["name"] == "Consultative services", ["planning", "delivery", "name"]]

# %%
no_services = pd.DataFrame(columns=PLACEMENT_COLUMNS)
ax = plot_grid(
    no_services,
    names=our_names,
    title="Bovaird's grid with a sixth cell named: consultative services",
)
saved = save_figure(
    ax,
    "answers_00_named_cell",
    data=named_grid,
    allow_personal=["name", "description"],  # the cells' names, not people's
    alt_text=(
        "An empty three-by-three grid, planning across (professionals, co-planning, community) "
        "and delivery down (professionals, co-delivery, community). Six cells carry names: the "
        "five of Bovaird's grid and Consultative services, co-planned and professionally "
        "delivered. No services are plotted."
    ),
)

# %% [markdown]
# ## 3. Community planning on Arnstein's ladder

# %%
planning_rungs().query("planning == 'community'")

# %% [markdown]
# `planning_rungs()` puts community planning on rungs 7 and 8, delegated power and citizen
# control: residents hold the decision. Co-planning gets a single rung, 6, partnership.
#
# Why might the post prefer partnership for co-planning? On Arnstein's ladder partnership
# is power shared through negotiation, with both sides keeping a say in the plan. The
# rungs above it hand the decision to residents, and the post reads that as already
# implying that residents take on some of the delivery. Co-planning in the post's sense
# keeps professionals at the table as equal planners, whoever delivers; so partnership,
# the first rung of citizen power, is the fitting one, and delegated power and citizen
# control belong with community planning.

# ---
# jupyter:
#   language_info:
#     name: python
# ---

# %% [markdown]
# # 00 · A tour of coprod
#
# **Question:** what does it mean for a local public service to be *co-produced*, and how
# will these notebooks test three claims about it on real data?
#
# The framing comes from the blog post *Full Co-production Means Planning and Delivery*
# (in `shared/reference/`), which uses Bovaird's grid (Bovaird 2007, *Public Administration
# Review* 67(5)) to separate two questions that are often run together (the five cell
# names used here are the post's):
#
# * **who plans** a service: professionals, professionals and residents together
#   (co-planning), or the community;
# * **who delivers** it: professionals, both together (co-delivery), or the community.
#
# Full co-production is the centre of that grid: planned *and* delivered together.
# This notebook shows the grid and the ladder of participation as data, says what each
# later notebook does, and lists the data sets you can use.

# %%
import pandas as pd

from coprod.charts.grid import plot_grid, plot_practices
from coprod.datasets import list_datasets, load_dataset
from coprod.export import save_figure
from coprod.grid import (
    PLACEMENT_COLUMNS,
    arnstein_ladder,
    cell_name,
    cells,
    describe_cell,
    planning_rungs,
)

pd.set_option("display.max_colwidth", 80)

# %% [markdown]
# ## The grid as data
#
# Each axis has three levels, coded 0, 1, 2. Five of the nine cells have names; four are
# left blank *on purpose*, for users to name from their own practice. Every cell also has a
# plain descriptive label, which charts use when all nine need a label.

# %%
grid = cells()
grid

# %% [markdown]
# The same table laid out as the blog post lays it out: planning across, delivery down.
# Blank cells show as `None`.

# %%
grid.pivot(index="delivery", columns="planning", values="name").loc[
    ["professionals", "co-delivery", "community"], ["professionals", "co-planning", "community"]
]

# %%
cell_name("professionals", "community"), cell_name(1, 0), describe_cell(1, 0)

# %% [markdown]
# ## Arnstein's ladder, and where planning sits on it
#
# Arnstein (1969) ranked citizen participation on eight rungs in three groups. Planning that
# professionals control sits on the lower two groups, non-participation and tokenism
# (rungs 1 to 5: at most consultation or placation). Co-planning belongs on
# *partnership*, the first rung of citizen power; community planning reaches delegated
# power and citizen control.

# %%
arnstein_ladder()

# %%
planning_rungs()

# %% [markdown]
# ## The grid as a chart
#
# An empty grid, with the five names and Arnstein's groups under the planning axis.
# Notebook 01 puts services on it.

# %%
no_services = pd.DataFrame(columns=PLACEMENT_COLUMNS)
ax = plot_grid(
    no_services,
    title="The grid: five named cells, full co-production at the centre",
)
saved = save_figure(
    ax,
    "00_tour_empty_grid",
    data=grid,
    allow_personal=["name", "description"],  # the cells' names, not people's
    alt_text=(
        "An empty three-by-three grid, planning across (professionals, co-planning, community) "
        "and delivery down (professionals, co-delivery, community), with Arnstein's groups under "
        "the planning axis. Five cells carry names: Traditional services, Outsourcing, Full "
        "co-production at the centre, Community planning and Self-help groups; four are marked "
        "unnamed. No services are plotted."
    ),
)

# %% [markdown]
# ## Practices for the remaining squares
#
# The post ends by asking its readers for practices that fill the squares it left blank.
# The shipped catalogue `load_dataset("practices")` is one answer: 23 practices, at least
# two in every one of the nine cells, 8 of them in the four cells the post leaves blank. Each
# practice records the kind of organisation that delivers it (the same words as
# `coprod.vocab.ORGANISATION_KINDS`), the source it was written from and where in that
# source it is described; a practice without a source that was read is not in it. In 7 of
# the 23 the source itself puts the practice in its cell; the others were placed from the
# source's account of who plans and who delivers (column `placed_by`).
#
# Bovaird (2007) names all nine cells in his own words, but his table could not be read
# while the catalogue was compiled, so his names are not used; the catalogue's `SOURCE.txt`
# says so.

# %%
practices = load_dataset("practices").data
practices[["practice", "planning", "delivery", "organisation", "placed_by", "source"]]

# %%
practices.pivot_table(index="delivery", columns="planning", values="practice", aggfunc="count").loc[
    ["professionals", "co-delivery", "community"], ["professionals", "co-planning", "community"]
]

# %%
ax = plot_practices(practices, title="Practices that fill the nine squares")
saved = save_figure(
    ax,
    "00_tour_practices",
    data=practices,
    allow_personal=["description", "source", "locator"],  # about practices, not people
    alt_text=(
        "The three-by-three planning and delivery grid with the catalogue's practices listed "
        "in each cell, every cell holding at least two, each with a bullet coloured by the "
        "kind of organisation that delivers it. The five cells the blog post names carry its "
        "names; the four it leaves blank are headed by their descriptions, such as "
        "co-planned, professionally delivered, which holds ward-based local assemblies and "
        "participatory budgeting."
    ),
)

# %% [markdown]
# ## Three claims, and where each is tested
#
# | claim | what the software does | notebook |
# |---|---|---|
# | Services sit somewhere on the grid, and move | place services from survey answers, with intervals; movement between waves | `01_grid` |
# | Where professionals lead planning, complaints matter; rising number or seriousness suggests co-planning | complaint counts, rates and seriousness with statistical process control; a co-planning signal | `02_complaints` |
# | A change of political control can wreck co-production, while PFI contracts persist | council-control histories, change events, models and scenarios | `03_political_change` |
#
# `04_reports` then takes the key charts of the three into a report, and publishes a table
# of small complaint counts so that no hidden count can be worked out.
#
# ## Data sets
#
# Shipped data sets load with `load_dataset(name)`; the same loaders read your own files.

# %%
list_datasets()[["name", "kind", "rows", "licence"]]

# %% [markdown]
# ## Exercises
#
# 1. Which cells of the grid have no name? Use `cells()` and filter on `name`.
# 2. Give one blank cell a name from your own experience, e.g. what would you call
#    services that residents co-plan but professionals deliver? Pass it as
#    `names={("co-planning", "professionals"): "..."}` to `cells()` and to `plot_grid()`.
# 3. Which rungs of Arnstein's ladder does `planning_rungs()` give community planning, and
#    why might the blog post prefer partnership for co-planning?
#
# Worked answers are in `answers/00_tour.py`. Notebook 01 works through the grid in
# detail, with worked answers in `answers/01_grid.py`.

"""Every claim the tour (notebook 00) and its worked answers make, against the library.

The tour's numbers are about the grid and the ladder as data: how many cells have names,
which rungs each planning level reaches. Each test reads them from the functions the
notebook calls.
"""

from __future__ import annotations

import pandas as pd
from notebook_prose import NOTEBOOKS, charts, prose, source
from notebook_prose import says as notebook_says

from coprod.charts.grid import plot_grid
from coprod.datasets import list_datasets
from coprod.grid import PLACEMENT_COLUMNS, arnstein_ladder, cells, planning_rungs

NOTEBOOK = prose(source("00_tour.py"))
ANSWERED = prose(source("answers/00_tour.py"))
FIVE_NAMES = [
    "Traditional services",
    "Outsourcing",
    "Full co-production",
    "Community planning",
    "Self-help groups",
]


def says(sentence: str, where: str = NOTEBOOK) -> None:
    notebook_says(sentence, where)


def rungs_of(planning: str) -> list[int]:
    table = planning_rungs()
    return table.loc[table["planning"] == planning, "rung"].tolist()


def test_the_grid_as_data():
    grid = cells()
    says("Each axis has three levels, coded 0, 1, 2. Five of the nine cells have names; four are")
    assert (
        sorted(grid["planning_code"].unique())
        == sorted(grid["delivery_code"].unique())
        == [
            0,
            1,
            2,
        ]
    )
    assert len(grid) == 9 and grid["name"].notna().sum() == 5
    assert sorted(grid["name"].dropna()) == sorted(FIVE_NAMES)
    says("Full co-production is the centre of that grid")
    centre = grid.query("planning_code == 1 and delivery_code == 1")
    assert centre["name"].tolist() == ["Full co-production"]
    says("Every cell also has a plain descriptive label")
    assert grid["description"].notna().all()


def test_the_ladder():
    ladder = arnstein_ladder()
    says("Arnstein (1969) ranked citizen participation on eight rungs in three groups")
    assert len(ladder) == 8 and ladder["group"].nunique() == 3
    says("(rungs 1 to 5: at most consultation or placation)")
    assert rungs_of("professionals") == [1, 2, 3, 4, 5]
    names = ladder.set_index("rung")["name"]
    assert (names[4], names[5]) == ("Consultation", "Placation")
    professional_groups = set(ladder.loc[ladder["rung"] <= 5, "group"])
    says("Planning that professionals control sits on the lower two groups")
    assert professional_groups == {"Non-participation", "Tokenism"}
    says("Co-planning belongs on *partnership*, the first rung of citizen power")
    assert rungs_of("co-planning") == [6]
    assert names[6] == "Partnership"
    assert ladder.loc[ladder["group"] == "Citizen power", "rung"].min() == 6
    says("community planning reaches delegated power and citizen control")
    assert [names[r] for r in rungs_of("community")] == ["Delegated power", "Citizen control"]


def test_the_empty_grid_chart_shows_the_five_names():
    says("An empty grid, with the five names and Arnstein's groups under the planning axis.")
    tour = charts(source("00_tour.py"))["00_tour_empty_grid"]
    ax = plot_grid(pd.DataFrame(columns=PLACEMENT_COLUMNS), title=tour.title)
    drawn = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    for name in FIVE_NAMES:
        assert name in drawn, name
    assert ax.get_title() == ("The grid: five named cells, full co-production at the centre")
    for name in FIVE_NAMES:
        assert name in tour.alt_text
    assert "four are marked unnamed" in tour.alt_text


def test_the_claims_table_names_notebooks_that_exist():
    for notebook in ("01_grid", "02_complaints", "03_political_change"):
        says(f"`{notebook}`")
        assert (NOTEBOOKS / f"{notebook}.py").exists()
    assert "later notebooks" not in NOTEBOOK


def test_the_data_sets_listed_load_by_name():
    says("Shipped data sets load with `load_dataset(name)`")
    assert len(list_datasets()) >= 10


# ------------------------------------------------------------------ worked answers


def test_answer_the_blank_cells():
    grid = cells()
    blank = grid[grid["name"].isna()]
    says("Four of the nine:", ANSWERED)
    assert len(blank) == 4
    says(
        "professionally planned and co-delivered, co-planned and professionally delivered, "
        "co-planned and community delivered, and community planned and co-delivered",
        ANSWERED,
    )
    assert blank["description"].tolist() == [
        "professionally planned, co-delivered",
        "co-planned, professionally delivered",
        "co-planned, community delivered",
        "community planned, co-delivered",
    ]
    says('They are the four cells with exactly one axis at the middle ("co-") level', ANSWERED)
    middle = (grid["planning_code"] == 1).astype(int) + (grid["delivery_code"] == 1)
    assert grid.loc[middle == 1, "name"].isna().all() and (middle == 1).sum() == 4
    assert grid.loc[middle == 2, "name"].tolist() == ["Full co-production"]


def test_answer_naming_a_cell():
    named = cells(names={("co-planning", "professionals"): "Consultative services"})
    assert named["name"].notna().sum() == 6
    chart = charts(source("answers/00_tour.py"))["answers_00_named_cell"]
    assert "Six cells carry names" in chart.alt_text
    assert "sixth cell named" in chart.title


def test_answer_community_planning_rungs():
    says(
        "`planning_rungs()` puts community planning on rungs 7 and 8, delegated power and "
        "citizen control",
        ANSWERED,
    )
    assert rungs_of("community") == [7, 8]
    says("Co-planning gets a single rung, 6, partnership.", ANSWERED)
    assert rungs_of("co-planning") == [6]


# ------------------------------------------------------------ practices for the squares


def test_the_practices_catalogue_numbers():
    from coprod.datasets import load_dataset

    practices = load_dataset("practices").data
    says("23 practices, at least two in every one of the nine cells, 8 of them in the four")
    assert len(practices) == 23
    per_cell = practices.groupby(["planning", "delivery"]).size()
    assert len(per_cell) == 9 and per_cell.min() >= 2
    blank = cells().query("name.isna()")[["planning", "delivery"]]
    assert len(blank) == 4 and len(practices.merge(blank, on=["planning", "delivery"])) == 8
    says("In 7 of the 23 the source itself puts the practice in its cell")
    assert (practices["placed_by"] == "source").sum() == 7
    assert (practices["placed_by"] == "our reading").sum() == 23 - 7
    says("the same words as `coprod.vocab.ORGANISATION_KINDS`")
    from coprod.vocab import ORGANISATION_KINDS

    assert practices["organisation"].isin(ORGANISATION_KINDS).all()
    says("his table could not be read while the catalogue was compiled, so his names are not used")
    import coprod.grid

    assert not hasattr(coprod.grid, "BOVAIRD_CELL_NAMES")


def test_the_practices_chart_and_its_alt_text():
    from coprod.charts.grid import GID_PRACTICE, plot_practices
    from coprod.datasets import load_dataset

    practices = load_dataset("practices").data
    chart = charts(source("00_tour.py"))["00_tour_practices"]
    assert chart.title == "Practices that fill the nine squares" and chart.has_data
    ax = plot_practices(practices, title=chart.title)
    assert ax.get_title() == chart.title
    drawn = {t.get_text().replace("\n", " ") for t in ax.texts if t.get_gid() == GID_PRACTICE}
    assert drawn == set(practices["practice"])
    assert "every cell holding at least two" in chart.alt_text
    says_alt = chart.alt_text
    in_cell = practices.query("planning == 'co-planning' and delivery == 'professionals'")
    assert sorted(in_cell["practice"].str.lower()) == [
        "participatory budgeting",
        "ward-based local assemblies",
    ]
    assert "ward-based local assemblies and participatory budgeting" in says_alt
    assert "The five cells the blog post names carry its names" in says_alt

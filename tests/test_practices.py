"""The practices catalogue: every row placed, delivered by a known kind, and sourced; the
loader's refusals; the cell names' attribution."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

from coprod.datasets import data_dir, load_dataset, registry
from coprod.grid import NAMED_CELLS, cell_name, cells
from coprod.io.practices import read_practices
from coprod.io.schemas import PLACED_BY, PRACTICES
from coprod.vocab import DELIVERY_LEVELS, ORGANISATION_KINDS, PLANNING_LEVELS


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return load_dataset("practices").data


def test_every_row_has_a_cell_an_organisation_kind_and_a_source(catalogue):
    assert len(catalogue) == registry()["practices"].rows == 23
    assert catalogue["planning"].isin(PLANNING_LEVELS).all()
    assert catalogue["delivery"].isin(DELIVERY_LEVELS).all()
    assert catalogue["organisation"].isin(ORGANISATION_KINDS).all()
    assert catalogue["placed_by"].isin(PLACED_BY).all()
    for column in ("practice", "description", "source", "locator"):
        assert catalogue[column].notna().all() and catalogue[column].str.len().gt(3).all()
    assert catalogue["practice"].is_unique


def test_all_nine_cells_have_at_least_two_practices(catalogue):
    counts = catalogue.groupby(["planning", "delivery"]).size()
    assert len(counts) == 9
    assert counts.min() == 2
    assert counts[("professionals", "professionals")] == 5
    assert counts[("community", "community")] == 4


def test_the_four_cells_the_post_leaves_blank_are_filled(catalogue):
    blank = cells().query("name.isna()")[["planning", "delivery"]]
    filled = catalogue.merge(blank, on=["planning", "delivery"])
    assert len(filled) == 8
    assert filled.groupby(["planning", "delivery"]).size().tolist() == [2, 2, 2, 2]


def test_rows_from_pages_give_their_address_and_the_post_s_rows_its_section(catalogue):
    from_post = catalogue["source"].str.contains("Full Co-production Means Planning")
    assert from_post.sum() == 12
    assert catalogue.loc[from_post, "source_url"].isna().all()
    assert catalogue.loc[from_post, "locator"].str.contains(r"section|table").all()
    addresses = catalogue.loc[~from_post, "source_url"]
    assert addresses.notna().all() and addresses.str.match(r"https?://").all()
    # the post's table places these itself; the others we placed from a source's account
    by_source = catalogue.loc[catalogue["placed_by"] == "source", "practice"]
    assert set(by_source) == {
        "Questionnaire before the plan",
        "Consultation on proposals",
        "Complaints procedure",
        "Community plan",
        "Community plans delivered in partnership",
        "Self-help groups",
        "Social enterprise",
    }


def test_the_post_s_named_practices_sit_in_its_cells(catalogue):
    cell = catalogue.set_index("practice")[["planning", "delivery"]].apply(tuple, axis=1)
    assert cell["Self-help groups"] == ("community", "community")
    assert cell["Community plan"] == ("community", "professionals")
    assert cell["PFI road maintenance"] == ("professionals", "professionals")
    organisation = catalogue.set_index("practice")["organisation"]
    # outsourcing to companies erodes professional delivery: the level stays professional,
    # the organisation says who
    assert organisation["PFI road maintenance"] == "PFI contract"
    assert organisation["Outsourced refuse collection"] == "private contractor"


def test_source_txt_lists_every_address_and_states_the_licence(catalogue):
    text = (data_dir() / "practices" / "SOURCE.txt").read_text(encoding="utf-8")
    flat = re.sub(r"\s+", "", text)
    for url in catalogue["source_url"].dropna():
        assert re.sub(r"\s+", "", url) in flat, url
    assert "CC BY 4.0" in text and "written by us" in text
    assert "Bovaird (2007)" in text and "could not be read" in text


def test_the_schema_requires_what_the_issue_asks(catalogue):
    assert set(PRACTICES.required) == {
        "practice",
        "description",
        "planning",
        "delivery",
        "organisation",
        "source",
        "locator",
    }
    assert list(catalogue.columns) == list(PRACTICES.names)


# ------------------------------------------------------------------------ the loader


def _write(tmp_path, rows: list[dict]) -> str:
    path = tmp_path / "mine.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


GOOD = {
    "practice": "Street champions",
    "description": "Residents look after their street with the council's support.",
    "planning": "Professionals",
    "delivery": "co-delivery",
    "organisation": "Residents",
    "source": "A page we read",
    "source_url": "https://example.org/champions",
    "locator": "first paragraph",
}


def test_read_practices_spells_levels_and_kinds_as_the_vocabulary(tmp_path):
    result = read_practices(_write(tmp_path, [GOOD]))
    assert result.n_loaded == 1 and result.kind == "practices"
    row = result.data.iloc[0]
    assert (row["planning"], row["organisation"]) == ("professionals", "residents")
    assert "placed_by" not in result.data.columns  # optional, and this file has none


def test_read_practices_quarantines_rows_without_cell_kind_or_source(tmp_path):
    rows = [
        GOOD,
        {**GOOD, "practice": "No source", "source": ""},
        {**GOOD, "practice": "Odd kind", "organisation": "the mayor"},
        {**GOOD, "practice": "Odd level", "delivery": "partly"},
        {**GOOD, "practice": "No cell", "planning": ""},
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = read_practices(_write(tmp_path, rows))
    assert result.n_read == 5 and result.n_loaded == 1 and result.n_quarantined == 4
    assert result.data["practice"].tolist() == ["Street champions"]
    by_column = result.quarantine.groupby("column")["row"].apply(list).to_dict()
    assert by_column == {"source": [3], "organisation": [4], "delivery": [5], "planning": [6]}


def test_read_practices_quarantines_every_copy_of_a_practice(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = read_practices(_write(tmp_path, [GOOD, GOOD]))
    assert result.n_loaded == 0 and result.n_quarantined == 2
    assert result.quarantine["reason"].str.contains("duplicate practice").all()


def test_read_practices_names_a_missing_column(tmp_path):
    from coprod.io.result import InputError

    rows = [{k: v for k, v in GOOD.items() if k != "locator"}]
    with pytest.raises(InputError, match="locator"):
        read_practices(_write(tmp_path, rows))


# ------------------------------------------------------------------------ cell names


def test_the_five_names_are_attributed_to_the_post_not_bovaird():
    import coprod.grid as grid

    assert len(NAMED_CELLS) == 5
    doc = grid.__doc__ + (cell_name.__doc__ or "")
    assert "blog post" in doc and "names five of the nine cells" in doc
    assert "Five of the nine cells carry names" not in doc
    attribute_doc = re.sub(r"\s+", " ", open(grid.__file__, encoding="utf-8").read())
    assert "The five cells the blog post names in its table" in attribute_doc
    assert "The five cells Bovaird (2007) names" not in attribute_doc
    # no Bovaird naming scheme is shipped: his table was not read
    assert not hasattr(grid, "BOVAIRD_CELL_NAMES")


def test_users_still_name_blank_cells():
    named = cells(names={("co-planning", "professionals"): "Participatory planning"})
    assert named["name"].notna().sum() == 6
    assert cell_name(1, 0, names={(1, 0): "Participatory planning"}) == "Participatory planning"
    assert cell_name(1, 0) is None


def test_coprod_check_reads_a_catalogue(tmp_path, capsys):
    from coprod.cli import main

    shipped = data_dir() / "practices" / "practices.csv"
    assert main(["check", str(shipped), "--kind", "practices"]) == 0
    assert "rows loaded: 23" in capsys.readouterr().out
    bad = _write(tmp_path, [GOOD, {**GOOD, "practice": "Odd kind", "organisation": "mayor"}])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["check", str(bad), "--kind", "practices"]) == 1
    assert "organisation" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="--kind practices has no date columns"):
        main(["check", str(bad), "--kind", "practices", "--date-order", "mdy"])

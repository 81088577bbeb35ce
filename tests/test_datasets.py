"""The data set registry: every entry loads, with its declared rows, schema and licence."""

from __future__ import annotations

import pytest

from coprod.datasets import data_dir, list_datasets, load_dataset, registry
from coprod.io.schemas import SCHEMAS


def test_list_datasets_columns_and_names():
    table = list_datasets()
    assert list(table.columns) == [
        "name",
        "title",
        "kind",
        "rows",
        "schema",
        "source",
        "licence",
        "file",
    ]
    assert set(table["name"]) == {
        "services_survey",
        "toronto_engagement",
        "complaints_log",
        "complaints_contacts",
        "fixmystreet_extract",
        "fixmystreet_all",
        "fixmystreet_road_defects",
        "council_control",
        "council_lookup",
        "pfi_projects",
        "practices",
    }
    assert table["licence"].str.len().gt(3).all() and table["source"].str.len().gt(10).all()


@pytest.mark.parametrize("name", sorted(registry()))
def test_each_dataset_loads_clean_with_declared_rows(name):
    entry = registry()[name]
    assert entry.schema in SCHEMAS
    result = load_dataset(name)
    assert result.n_read == entry.rows
    assert result.n_loaded == entry.rows and result.n_quarantined == 0
    assert entry.file.is_relative_to(data_dir())
    assert result.kind == entry.kind


@pytest.mark.parametrize("name", sorted(registry()))
def test_each_shipped_file_has_source_and_licence_beside_it(name):
    file = registry()[name].file
    candidates = [file.with_suffix(".SOURCE.txt"), file.parent / "SOURCE.txt", file / "SOURCE.txt"]
    if name == "complaints_contacts":  # documented together with the log it belongs to
        candidates.append(file.parent / "complaints_log.SOURCE.txt")
    source = next((c for c in candidates if c.exists()), None)
    assert source is not None, f"no SOURCE.txt beside {file}"
    assert "licen" in source.read_text(encoding="utf-8").lower()


def test_unknown_dataset_lists_known_ones():
    with pytest.raises(KeyError, match="known data sets: complaints_contacts, complaints_log"):
        load_dataset("nope")

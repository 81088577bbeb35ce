"""The shared wording helpers of coprod._core.text: printed summaries wrap at spaces."""

from __future__ import annotations

import pytest

from coprod._core.text import PRINT_WIDTH, wrap_text
from coprod.charts._style import wrap


def words(text: str) -> list[str]:
    return text.split()


def test_long_lines_wrap_at_spaces_short_lines_stay():
    line = " ".join(f"word{i}" for i in range(40))  # 40 words, 269 characters
    wrapped = wrap_text(line)
    lines = wrapped.split("\n")
    assert [len(x) for x in lines] == [87, 83, 83, 13]
    assert words(wrapped) == words(line)  # nothing lost, nothing broken mid-word
    assert wrap_text("short\n\nlines  stay") == "short\n\nlines  stay"
    assert max(len(x) for x in wrap_text(line, width=30).split("\n")) <= 30
    assert PRINT_WIDTH == 88


def test_indents_and_bullets_hang():
    note = "    - " + "the file's 'days_to_close' column was replaced by days_to_close " * 3
    lines = wrap_text(note.rstrip()).split("\n")
    assert lines[0].startswith("    - the file's")
    assert all(x.startswith("      ") and not x.startswith("       ") for x in lines[1:])
    assert all(len(x) <= 88 for x in lines) and len(lines) == 3
    plain = "  " + "a few words " * 10
    assert all(x.startswith("  ") and x[2] != " " for x in wrap_text(plain, 40).split("\n"))


def test_a_word_longer_than_the_line_is_kept_whole():
    path = "/very/" + "long/" * 30 + "file.csv"
    assert wrap_text(f"read {path} today") == f"read\n{path}\ntoday"


def test_chart_labels_wrap_as_one_paragraph():
    assert wrap("Who plans\nthe service", 12) == "Who plans\nthe service"
    assert wrap("Who plans the service, and who delivers it", 15) == (
        "Who plans the\nservice, and\nwho delivers it"
    )
    assert wrap("", 10) == ""


# ------------------------------------------------------------------ the summaries print so


def _lines_fit(text: str) -> None:
    too_long = [line for line in text.split("\n") if len(line) > PRINT_WIDTH]
    assert too_long == []


@pytest.fixture(scope="module")
def log():
    from coprod.datasets import load_dataset

    return load_dataset("complaints_log")


def test_a_load_summary_fits_the_line(log):
    text = log.summary()
    _lines_fit(text)
    # the longest note, wrapped under its bullet, all there
    assert "    - the file's 'days_to_close' column was replaced by days_to_close computed" in text
    assert (
        "      received and closed (they agree on 11,407 of the 11,407 rows that have both)" in text
    )


def test_spc_and_co_planning_summaries_fit_the_line(log):
    from coprod.co_planning import co_planning_summary, consider_co_planning
    from coprod.complaints import measure_series
    from coprod.timeseries.spc import spc, spc_summary

    counts = spc(
        measure_series(log.data, measure="count"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    severity = spc(
        measure_series(log.data, measure="mean_severity"),
        value="value",
        period="period",
        by="service",
        baseline=24,
    )
    social_care = spc_summary(severity[severity["service"] == "Social care"])
    _lines_fit(social_care)
    assert social_care.count("\n") >= 3
    assert " ".join(words(social_care)).startswith(
        "Social care: 48 periods (XmR, lower is better, Making Data Count conventions)."
    )
    decisions = co_planning_summary(consider_co_planning(counts, severity))
    _lines_fit(decisions)
    assert "Rule: A service is flagged 'consider co-planning' when" in " ".join(words(decisions))

"""readable_table: a result as a person reads it (wrapped text, rounded numbers, labels)."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from coprod.complaints import MEASURES
from coprod.display import BLANK, column_label, readable_table
from coprod.timeseries.spc import CHART_NAMES, VARIATION_LABELS

REASON = (
    "Complaints need attention: the number of complaints shows special-cause concern "
    "(outside limits; run of 7 above centre) since Jul 2023; but planning is already "
    "shared, so co-planning is not the obvious next step: look at 'delivery' & complaints."
)


@pytest.fixture
def result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["Housing repairs", "Libraries"],
            "period": pd.to_datetime(["2023-07-01", "2024-12-01"]),
            "centre": [44.833333333333336, 6.545454545454546],
            "latest_value": [65.0, 12.0],
            "n_special": np.array([18, 0], dtype="int64"),
            "planning": [0.670348, np.nan],
            "consider_co_planning": [False, True],
            "variation": ["special_cause_concern", "common_cause"],
            "chart": ["xmr", "u"],
            "measure": ["median_days_to_close", "count"],
            "reason": [REASON, "No sustained special-cause concern in the last 6 periods."],
        }
    )


def cells(styler) -> list[list[str]]:
    """The text of each body row as drawn (cells in order, index cells first)."""
    body = styler.to_html().split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows
    ]


def headers(styler) -> list[str]:
    head = styler.to_html().split("<thead>")[1].split("</thead>")[0]
    return [html.unescape(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def test_the_whole_reason_is_there_escaped_and_wrapping(result):
    styler = readable_table(result)
    text = styler.to_html()
    assert html.escape(REASON) in text  # never cut off, "&" and quotes escaped
    assert cells(styler)[0][-1] == REASON
    # the reason column wraps at spaces within a readable width; numbers never break
    reason_col = list(result.columns).index("reason")
    rule = re.search(rf"td\.col{reason_col} \{{(.*?)\}}", text, re.S).group(1)
    for css in ("white-space: normal", "word-break: normal", "overflow-wrap: anywhere"):
        assert css in rule
    assert "max-width: 36em" in rule and "text-align: left" in rule
    centre_col = list(result.columns).index("centre")
    assert "white-space: nowrap" in re.search(
        rf"td\.col{centre_col} \{{(.*?)\}}", text, re.S
    ).group(1)
    # a short text column wraps too, but keeps its natural width
    service_rule = re.search(r"td\.col0 \{(.*?)\}", text, re.S).group(1)
    assert "white-space: normal" in service_rule and "max-width" not in service_rule


def test_numbers_rounded_integers_kept_missing_blank(result):
    first, second = cells(readable_table(result))
    assert first[:6] == ["Housing repairs", "2023-07", "44.83", "65", "18", "0.67"]
    assert second[:6] == ["Libraries", "2024-12", "6.55", "12", "0", BLANK]
    assert cells(readable_table(result, decimals=1))[0][2] == "44.8"
    assert cells(readable_table(result, decimals=0))[0][2] == "45"
    assert "44.8333" not in readable_table(result).to_html()
    # never "-0.00"
    assert cells(readable_table(pd.DataFrame({"x": [-0.001, 1.5]})))[0] == ["0.00"]
    with pytest.raises(ValueError, match="decimals must be a whole number of 0 or more, not -1"):
        readable_table(result, decimals=-1)


def test_labels_for_names_and_known_keys(result):
    styler = readable_table(result)
    assert headers(styler) == [
        "Service",
        "Period",
        "Centre",
        "Latest value",
        "n special",
        "Planning",
        "Consider co planning",
        "Variation",
        "Chart",
        "Measure",
        "Reason",
    ]
    first, second = cells(styler)
    assert first[6:10] == [
        "no",
        VARIATION_LABELS["special_cause_concern"],
        "XmR chart",
        "Median days to close",
    ]
    assert second[6:10] == ["yes", "Common cause", CHART_NAMES["u"], MEASURES["count"][3]]
    # labels= overrides and extends, for names and text values alike
    mine = readable_table(
        result,
        labels={"n_special": "Special-cause points", "xmr": "individuals", "Libraries": "Library"},
    )
    assert headers(mine)[4] == "Special-cause points"
    assert cells(mine)[0][8] == "individuals" and cells(mine)[1][0] == "Library"
    # a measure's own column reads as its charts label it; a generic count does not
    assert column_label("median_days_to_close") == "Median days to close"
    assert column_label("upheld_rate") == MEASURES["upheld_rate"][3]
    assert column_label("count") == "Count"
    # the table itself is untouched
    assert list(readable_table(result).data.columns) == list(result.columns)
    assert result.loc[0, "chart"] == "xmr"


def test_caption_above_the_table(result):
    text = readable_table(result, caption="Services to consider for co-planning & why").to_html()
    assert "<caption>Services to consider for co-planning &amp; why</caption>" in text
    assert re.search(r"caption \{[^}]*caption-side: top", text)
    assert "<caption>" not in readable_table(result).to_html()


def test_index_hidden_unless_meaningful(result):
    filtered = result[result["service"] == "Libraries"]  # index [1]: a row number, hidden
    assert cells(readable_table(filtered))[0][0] == "Libraries"
    assert 'class="row_heading' not in readable_table(filtered).to_html()
    by_service = result.set_index("service")[["centre"]]
    drawn = readable_table(by_service)
    assert cells(drawn) == [["Housing repairs", "44.83"], ["Libraries", "6.55"]]
    assert "Service" in headers(drawn)  # the index's name, labelled
    # a Series shows as a one-column table, its index being meaningful (text)
    points = pd.Series({"special-cause points, raw": 32, "seasonally adjusted": 17})
    assert cells(readable_table(points)) == [
        ["special-cause points, raw", "32"],
        ["seasonally adjusted", "17"],
    ]


def test_refuses_what_is_not_a_table():
    with pytest.raises(TypeError, match="readable_table shows a DataFrame or a Series, not list"):
        readable_table([1, 2])

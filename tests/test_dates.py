"""Tests for coprod.io.dates: the one date parser (order per column, never a guess)."""

from __future__ import annotations

import _strptime
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import coprod.io.dates as dates
from coprod.io import InputError
from coprod.io.complaint_log import read_complaints
from coprod.io.dates import (
    COMMAND_LINE,
    OptionSpelling,
    parse_date,
    parse_date_columns,
    parse_dates,
)

T = pd.Timestamp


def read(values, **options):
    return parse_dates(values, column="received", rows=range(2, 2 + len(values)), **options)


# --------------------------------------------------------------------------- order per column


def test_month_first_with_times_is_read_month_first_from_the_evidence():
    parsed = read(["3/9/2014 13:06", "3/26/2014 9:18", "4/1/2014 0:05"])
    assert parsed.order == "mdy"
    assert parsed.values.tolist() == [
        T(2014, 3, 9, 13, 6),  # never 3 September
        T(2014, 3, 26, 9, 18),
        T(2014, 4, 1, 0, 5),
    ]
    assert parsed.ok.all()
    assert parsed.notes == (
        "column 'received': read month first: values such as '3/26/2014 9:18' (row 3) can "
        "only be month/day",
    )


def test_a_uk_day_first_column_is_still_read_day_first():
    parsed = read(["03/04/2024", "13/01/2024", "2024-01-13", "3/4/2024", ""])
    assert parsed.order == "dmy"
    assert parsed.values.tolist()[:4] == [
        T(2024, 4, 3),
        T(2024, 1, 13),
        T(2024, 1, 13),
        T(2024, 4, 3),
    ]
    assert pd.isna(parsed.values.iloc[4]) and parsed.ok.all()  # a blank is allowed
    assert parsed.notes == (
        "column 'received': read day first: values such as '13/01/2024' (row 3) can only be "
        "day/month",
    )


def test_a_column_nothing_settles_uses_date_order_and_says_so():
    values = ["01/02/2024", "03/04/2024", "05/05/2024"]
    parsed = read(values)
    assert parsed.values.tolist() == [T(2024, 2, 1), T(2024, 4, 3), T(2024, 5, 5)]
    assert parsed.notes == (
        "column 'received': no value settles day/month order; read day first "
        "(date_order='dmy'); if the dates are month first, pass date_order='mdy'",
    )
    month_first = read(values, date_order="mdy")
    assert month_first.values.tolist() == [T(2024, 1, 2), T(2024, 3, 4), T(2024, 5, 5)]
    assert month_first.notes == () and month_first.order == "mdy"
    on_the_command_line = read(values, spelling=COMMAND_LINE)
    assert on_the_command_line.notes == (
        "column 'received': no value settles day/month order; read day first "
        "(--date-order dmy); if the dates are month first, pass --date-order mdy",
    )


def test_iso_dates_are_never_ambiguous():
    values = ["2024-03-01", "2024-01-13T10:00:00", "2024/02/03", "2024.02.04 10:30"]
    expected = [T(2024, 3, 1), T(2024, 1, 13, 10), T(2024, 2, 3), T(2024, 2, 4, 10, 30)]
    for order in (None, "dmy", "mdy", "ymd"):
        parsed = read(values, date_order=order)
        assert parsed.values.tolist() == expected and parsed.ok.all() and parsed.notes == ()


def test_a_column_with_evidence_for_both_orders_is_an_error_naming_each():
    values = ["2024-01-01", "26/03/2014 9:18", "3/9/2014 13:06", "3/27/2014 10:00"]
    with pytest.raises(InputError) as info:
        parse_dates(values, column="received", rows=[2, 3, 4, 5], file="log.csv")
    assert str(info.value) == (
        "log.csv, column 'received': the column has dates that can only be day/month, such as "
        "'26/03/2014 9:18' (row 3), and dates that can only be month/day, such as "
        "'3/27/2014 10:00' (row 5): its day/month order cannot be decided\n"
        "Fix: correct the dates that are wrong, or say which order the column is in with "
        "date_order='dmy' or date_order='mdy' (dates impossible in that order are then "
        "quarantined)"
    )
    with pytest.raises(InputError, match="--date-order dmy or --date-order mdy"):
        parse_dates(values, spelling=COMMAND_LINE)


def test_an_explicit_order_wins_over_the_evidence_and_quarantines_what_it_cannot_read():
    values = ["3/9/2014 13:06", "3/26/2014 9:18", "3/27/2014 10:00"]
    parsed = read(values, date_order="dmy")
    assert parsed.order == "dmy"
    assert parsed.values.iloc[0] == T(2014, 9, 3, 13, 6)  # what the user asked for
    assert parsed.bad.tolist() == [1, 2]
    assert parsed.reasons[0] == (
        "'3/26/2014 9:18' cannot be day first (there is no month 26), the order asked for "
        "with date_order='dmy': if the dates are month first, pass date_order='mdy'"
    )
    assert parsed.notes == (
        "column 'received': read day first as asked (date_order='dmy'), though values such "
        "as '3/26/2014 9:18' (row 3) can only be month/day: 2 values that cannot be day first "
        "were quarantined",
    )
    cli = read(values, date_order="dmy", spelling=COMMAND_LINE)
    assert cli.reasons[0].endswith("asked for with --date-order dmy: if the dates are month "
                                   "first, pass --date-order mdy")  # fmt: skip


def test_year_first_order_refuses_dates_with_the_year_last():
    parsed = read(["2024-03-01", "03/04/2024"], date_order="ymd")
    assert parsed.values.iloc[0] == T(2024, 3, 1)
    assert parsed.reasons == [
        "'03/04/2024' has the year last, but the column is read year first "
        "(date_order='ymd'): pass date_order='dmy' or date_order='mdy'"
    ]


def test_a_column_nothing_settles_follows_the_other_date_column():
    received = ["3/26/2014 9:18", "4/2/2014 10:00"]
    closed = ["4/3/2014 11:00", ""]
    got = parse_date_columns({"received": received, "closed": closed}, rows=[2, 3], file="log.csv")
    assert got["received"].order == got["closed"].order == "mdy"
    assert got["closed"].values.iloc[0] == T(2014, 4, 3, 11)
    assert got["closed"].notes == (
        "column 'closed': no value settles day/month order; read month first like column "
        "'received'",
    )


# --------------------------------------------------------------------------- forms


def test_month_names_and_abbreviations_in_any_case():
    values = [
        "14 Jan 2014",
        "14-Jan-2014",
        "2014-Jan-14 13:48:01",
        "January 14, 2014",
        "Jan 14 2014",
        "14th JANUARY 2014",
        "jan. 14, 2014 1:48 PM",
        "14 sept 2014",
        "2014/SEP/14",
    ]
    parsed = read(values)
    assert parsed.ok.all()
    got = parsed.values.tolist()
    assert got[:2] == [T(2014, 1, 14)] * 2
    assert got[2] == T(2014, 1, 14, 13, 48, 1)
    assert got[3:6] == [T(2014, 1, 14)] * 3
    assert got[6] == T(2014, 1, 14, 13, 48)
    assert got[7:] == [T(2014, 9, 14)] * 2
    assert parsed.notes == (
        "column 'received': dates with month names, such as '14 Jan 2014' (row 2), need no "
        "day/month order",
    )
    assert (
        read(["14 Jam 2014"])
        .reasons[0]
        .startswith("'14 Jam 2014' is not a date in a recognised format")
    )


def test_times_with_seconds_fractions_and_am_pm():
    values = [
        "11/13/2017 01:27:00 PM",
        "3/9/2014 1:06 pm",
        "1/2/2017 12:10:00 AM",
        "1/2/2017 12:10 p.m.",
        "2024-03-01T10:30:15.250",
        "2024-03-01 23:59:59.123456789",
    ]
    parsed = read(values)
    assert parsed.ok.all() and parsed.order == "mdy" and parsed.timed
    assert parsed.values.tolist() == [
        T(2017, 11, 13, 13, 27),
        T(2014, 3, 9, 13, 6),
        T(2017, 1, 2, 0, 10),
        T(2017, 1, 2, 12, 10),
        T(2024, 3, 1, 10, 30, 15, 250_000),
        T("2024-03-01 23:59:59.123456789"),
    ]
    bad = read(["3/9/2014 13:06 PM", "2024-03-01 24:00", "2024-03-01 10:60"])
    assert bad.reasons == [
        "'3/9/2014 13:06 PM' has no such time of day: check the time",
        "'2024-03-01 24:00' has no such time of day: check the time",
        "'2024-03-01 10:60' has no such time of day: check the time",
    ]


def test_time_zones_are_dropped_keeping_the_clock_time_with_a_note():
    parsed = read(["2024-03-01T10:30:00Z", "2024-03-01 10:30:00+01:00", "2024-03-02"])
    assert parsed.values.tolist() == [T(2024, 3, 1, 10, 30)] * 2 + [T(2024, 3, 2)]
    assert parsed.notes == (
        "column 'received': 2 dates have a time zone, such as '2024-03-01T10:30:00Z' (row 2): "
        "read as the clock time written, the zone dropped",
    )


def test_two_digit_years_years_out_of_range_and_blanks_are_refused_with_reasons():
    parsed = read(["03/04/24", "14-Jan-14", "01/01/1850", "2101-01-01", "31/02/2024", ""],
                  allow_missing=False)  # fmt: skip
    assert parsed.values.isna().all()
    assert parsed.problems.tolist() == [
        "'03/04/24' has a 2-digit year: write the year in full (2024 or 1924)",
        "'14-Jan-14' has a 2-digit year: write the year in full (2014 or 1914)",
        "'01/01/1850' has year 1850, outside 1900-2100: check the year",
        "'2101-01-01' has year 2101, outside 1900-2100: check the year",
        "'31/02/2024' is not a real date as dd/mm/yyyy: check the day and month",
        "blank but a date is required: fill in the date (dd/mm/yyyy)",
    ]


def test_unrecognised_text_names_the_option_where_it_is_shown():
    python = read(["last Tuesday"])
    assert python.reasons == [
        "'last Tuesday' is not a date in a recognised format: write it like 2024-04-03 or "
        "3 Apr 2024, or give the column's strptime format with date_formats=['%d/%m/%Y %H:%M']"
    ]
    cli = read(["last Tuesday"], spelling=COMMAND_LINE)
    assert cli.reasons[0].endswith("format with --date-format '%d/%m/%Y %H:%M'")
    via = read(["Tuesday's"], spelling=OptionSpelling(via="coprod.io.parse_dates"))
    assert via.reasons == [
        '"Tuesday\'s" is not a date in a recognised format: write it like 2024-04-03 or '
        "3 Apr 2024, or give the column's strptime format with "
        "coprod.io.parse_dates(..., date_formats=['%d/%m/%Y %H:%M'])"
    ]


def test_spaces_and_unicode_digits_are_normalised():
    parsed = read([" 03/04/2024 ", "03/04/2024\t", "03/04/2024\u00a0", "\u0663/04/2024",
                   "3  April   2024"])  # fmt: skip
    assert parsed.ok.all() and (parsed.values == T(2024, 4, 3)).all()


def test_dates_stored_as_dates_and_excel_date_numbers():
    values = [dt.datetime(2024, 4, 3, 10, 30), dt.date(2024, 4, 3), T(2024, 4, 3), 45385, 45385.5,
              60, 1, "03/04/2024", None, dt.time(10, 30), True]  # fmt: skip
    parsed = read(values, excel_serials=True)
    got = parsed.values.tolist()
    assert got[:3] == [T(2024, 4, 3, 10, 30), T(2024, 4, 3), T(2024, 4, 3)]
    assert got[3:5] == [T(2024, 4, 3), T(2024, 4, 3, 12)]  # Excel's 45385 is 3 April 2024
    assert got[6] == T(1900, 1, 1) and got[7] == T(2024, 4, 3)
    assert pd.isna(got[8]) and parsed.problems.isna().iloc[8]
    assert parsed.problems.dropna().tolist() == [
        "'60' is 29 February 1900, a day Excel counts but which did not exist",
        "'10:30:00' is a time of day without a date: give the date",
        "True is a true/false value, not a date",
    ]
    assert (
        "column 'received': 3 cells hold Excel date numbers, such as '45385' (row 5): read as dates"
        in parsed.notes
    )
    not_excel = read([45385])
    assert not_excel.reasons == [
        "'45385' is a number, not a date: store the column as dates or as text such as 2024-04-03"
    ]
    datetimes = parse_dates(pd.Series(pd.to_datetime(["2024-04-03 10:00"]).tz_localize("UTC")))
    assert datetimes.values.tolist() == [T(2024, 4, 3, 10)]


def test_a_datetime_column_is_checked_like_dates_stored_as_objects():
    stamps = pd.Series([pd.NaT, T(2024, 4, 3), T(1850, 1, 1, 10)], index=[4, 5, 6])
    required = parse_dates(stamps, allow_missing=False)
    assert required.bad.tolist() == [0, 2]
    assert required.reasons == [
        "blank but a date is required: fill in the date (dd/mm/yyyy)",
        "'1850-01-01T10:00:00' has year 1850, outside 1900-2100: check the year",
    ]
    assert required.kinds.dropna().tolist() == ["blank but required", "years outside 1900-2100"]
    assert required.values.tolist()[1] == T(2024, 4, 3) and required.values.isna().tolist() == [
        True,
        False,
        True,
    ]
    assert required.values.index.tolist() == [4, 5, 6]
    # the same cells as Python objects give the same answer
    objects = parse_dates(pd.Series(stamps.tolist(), dtype=object), allow_missing=False)
    assert objects.reasons == required.reasons
    assert parse_dates(stamps).bad.tolist() == [2]  # a blank is fine unless required


def test_excel_date_numbers_in_an_xlsx_date_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["complaint_id", "service", "received", "closed"])
    ws.append(["C1", "Parks", 45385, dt.datetime(2024, 4, 10, 9, 30)])  # a serial, a date cell
    ws.append(["C2", "Parks", dt.datetime(2024, 4, 4), 45392.75])
    ws.append(["C3", "Parks", "05/04/2024", None])  # text, day first
    path = tmp_path / "log.xlsx"
    wb.save(path)
    result = read_complaints(path, as_of="2024-06-30")
    assert result.n_quarantined == 0
    data = result.data
    assert data["received"].tolist() == [T(2024, 4, 3), T(2024, 4, 4), T(2024, 4, 5)]
    assert data["closed"].tolist()[:2] == [T(2024, 4, 10, 9, 30), T(2024, 4, 10, 18)]
    assert (
        "column 'received': 1 cell holds an Excel date number, such as '45385' (row 2): read "
        "as dates"
    ) in result.notes


# --------------------------------------------------------------------------- explicit formats


def test_date_formats_are_the_only_formats_used():
    parsed = read(["2014-Jan-14 13:48:01", "14/01/2014"], date_formats=["%Y-%b-%d %H:%M:%S"])
    assert parsed.values.iloc[0] == T(2014, 1, 14, 13, 48, 1) and parsed.order is None
    assert parsed.reasons == [
        "'14/01/2014' does not match date_formats=['%Y-%b-%d %H:%M:%S']: correct it, or add "
        "its format"
    ]
    cli = read(["14/01/2014"], date_formats=["%Y-%b-%d %H:%M:%S"], spelling=COMMAND_LINE)
    assert cli.reasons == [
        "'14/01/2014' does not match --date-format '%Y-%b-%d %H:%M:%S': correct it, or add "
        "its format"
    ]


def test_a_date_two_formats_read_differently_is_refused():
    parsed = read(["13/04/2024", "03/04/2024", "03/03/2024"], date_formats=["%d/%m/%Y", "%m/%d/%Y"])
    assert parsed.values.iloc[0] == T(2024, 4, 13) and parsed.values.iloc[2] == T(2024, 3, 3)
    assert parsed.reasons == [
        "'03/04/2024' matches '%d/%m/%Y' (03 April 2024) and '%m/%d/%Y' (04 March 2024) of "
        "date_formats=['%d/%m/%Y', '%m/%d/%Y']: keep only the right one"
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date_formats": "%Y"}, "date formats must be a list of strptime formats"),
        ({"date_formats": ["%d/%m/%y"]}, "has a 2-digit year (%y)"),
        ({"date_formats": ["%d/%m"]}, "is not a strptime format with a 4-digit year"),
        ({"date_formats": ["%d/%m/%Y %Q"]}, "is not a strptime format with a 4-digit year"),
        ({"date_order": "dym"}, "unknown date order 'dym'"),
        ({"date_order": "dmy", "date_formats": ["%d/%m/%Y"]}, "both a date order and date formats"),
    ],
)
def test_date_options_are_checked(options, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_dates(["01/02/2024"], **options)


def test_option_errors_are_spelled_for_the_command_line():
    with pytest.raises(InputError) as info:
        parse_dates(["x"], date_order="dmy", date_formats=["%d/%m/%Y"], spelling=COMMAND_LINE)
    assert str(info.value).endswith(
        "Fix: pass --date-format %d/%m/%Y alone, or --date-order dmy alone"
    )


def test_directive_patterns_are_cpythons():
    cache = getattr(_strptime, "_TimeRE_cache", None)
    if cache is None:  # pragma: no cover - private CPython detail
        pytest.skip("this Python has no _strptime._TimeRE_cache")
    for directive, pattern in dates._DIRECTIVES.items():
        assert cache[directive] == pattern


TRICKY_DATES = [
    "03/04/2024", "3/4/2024", " 03/04/2024 ", "03/04/2024\t", "03 / 04 / 2024", "31/04/2024",
    "29/02/2023", "29/02/2024", "00/01/2024", "1/13/2024", "13/13/2024", "03/04/24",
    "03/04/02024", "2024-02-30", "2024-2-3", "2024-02-03T23:59:59", "2024-02-03t23:59:59",
    "2024-02-03 24:00", "2024-02-03 23:60", "2024-02-03 23:59:60", "2024-02-03 23:59:61",
    "2024-02-03  10:00", "03/04/2024 9:05", "03/04/2024 09:05:07", "3 MARCH 2024",
    "3 Sept 2024", "3 sep 2024", "03-04-2024", "03.04.2024", "2024/04/03", "1899-12-31",
    "2101-01-01", "0000-01-01", "12/31/2021", "\u0663/04/2024", "03/04/2024\u00a0",
    "tomorrow", "", "   ", "2024-04-03 10:30:00.5", "03/04/2024 01:30 PM", "03/04/2024 12:30 am",
    "03/04/2024 13:30 PM", "03/04/2024 1:30:15.123 pm",
]  # fmt: skip


@pytest.mark.parametrize(
    "formats",
    [
        ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"),
        ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"),
        ("%d/%m/%Y %I:%M %p", "%d/%m/%Y %I:%M:%S.%f %p", "%Y-%m-%d %H:%M:%S.%f", "%d/%m/%Y %I:%M"),
    ],
)
def test_vectorised_formats_equal_strptime(formats, monkeypatch):
    values = pd.Series(TRICKY_DATES * 2, dtype="str")
    fast = parse_dates(values, date_formats=formats)
    monkeypatch.setattr(dates, "_FAST_FORMATS", False)
    slow = parse_dates(pd.Series(TRICKY_DATES * 2, dtype=object), date_formats=formats)
    assert fast.ns.tolist() == slow.ns.tolist()
    assert fast.bad.tolist() == slow.bad.tolist()
    assert fast.reasons == slow.reasons
    assert (fast.bad < len(values)).all() and len(fast.bad) < len(values)


# --------------------------------------------------------------------------- one date


def test_parse_date_reads_one_argument_as_the_parser_does():
    assert parse_date("01/02/2024") == T(2024, 2, 1)
    assert parse_date("01/02/2024", date_order="mdy") == T(2024, 1, 2)
    assert parse_date(dt.date(2024, 2, 1)) == T(2024, 2, 1)
    assert parse_date(pd.Period("2024-02", "M")) == T(2024, 2, 1)
    with pytest.raises(ValueError, match="start: '01/02/24' has a 2-digit year"):
        parse_date("01/02/24", what="start")


# --------------------------------------------------------------------------- analysis functions


def test_spc_reads_text_periods_with_the_same_parser():
    from coprod.timeseries.spc import spc

    weeks = pd.date_range("2024-02-01", periods=12, freq="7D")  # Thursdays
    counts = np.array([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6], dtype=float)
    uk = pd.DataFrame({"period": weeks.strftime("%d/%m/%Y"), "count": counts})
    assert uk["period"].iloc[0] == "01/02/2024" and uk["period"].iloc[2] == "15/02/2024"
    result = spc(uk, value="count", period="period", chart="c")
    assert result["period"].tolist() == list(weeks)  # 1 February, never 2 January
    us = uk.assign(period=weeks.strftime("%m/%d/%Y"))
    assert spc(us, value="count", period="period", chart="c")["period"].tolist() == list(weeks)
    # a rebase date given as text follows the order the periods were read in
    rebased = spc(us, value="count", period="period", chart="c", rebase=["03/07/2024"])
    assert rebased.loc[rebased["segment"] == 2, "period"].iloc[0] == T(2024, 3, 7)
    # nothing settles the order: day first, or as date_order= says
    months = pd.DataFrame({"period": [f"01/{m:02d}/2024" for m in range(1, 13)], "count": counts})
    assert spc(months, value="count", period="period", chart="c")["period"].tolist() == list(
        pd.date_range("2024-01-01", periods=12, freq="MS")
    )
    by_option = spc(months, value="count", period="period", chart="c", date_order="mdy")
    assert by_option["period"].tolist() == list(pd.date_range("2024-01-01", periods=12, freq="D"))
    mixed = months.assign(period=["13/02/2024", "02/13/2024", *months["period"][2:]])
    with pytest.raises(InputError, match="can only be day/month"):
        spc(mixed, value="count", period="period", chart="c")


def test_fill_zero_counts_reads_text_periods_day_first_or_per_evidence():
    from coprod.timeseries.periods import fill_zero_counts

    data = pd.DataFrame(
        {"lad": ["A", "A", "B"], "period": ["01/02/2024", "01/04/2024", "01/03/2024"],
         "reports": [3, 4, 5]}
    )  # fmt: skip
    filled = fill_zero_counts(data, by="lad", value="reports")
    months = [T(2024, 2, 1), T(2024, 3, 1), T(2024, 4, 1)]  # pandas would say 2, 3, 4 January
    assert filled["period"].drop_duplicates().tolist() == months
    assert filled["zero_filled"].sum() == 3
    assert fill_zero_counts(data, by="lad", value="reports", start="01/01/2024")[
        "period"
    ].min() == T(2024, 1, 1)
    us = data.assign(period=["02/01/2024", "04/01/2024", "03/01/2024"])
    filled = fill_zero_counts(us, by="lad", value="reports", date_order="mdy")
    assert filled["period"].drop_duplicates().tolist() == months


def test_complaint_counts_reads_text_denominator_periods_day_first():
    from coprod.timeseries.periods import to_period_start

    got = to_period_start(pd.Series(["01/02/2024", "13/02/2024"]), "month", "ns", "denominators")
    assert got.tolist() == [T(2024, 2, 1), T(2024, 2, 1)]
    with pytest.raises(ValueError) as info:
        to_period_start(pd.Series(["someday"]), "month", "ns", "denominators")
    assert "coprod.io.parse_dates(..., date_formats=" in str(info.value)


# --------------------------------------------------------------------------- one parser


_TEXT_TO_DATES = re.compile(
    r"strptime\(|to_datetime\(|dayfirst|date_format=|format=\"%|DATE_FORMATS|fromisoformat"
)


def test_there_is_no_second_date_parser():
    root = Path(dates.__file__).resolve().parents[1]
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "dates.py" and path.parent.name == "io":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _TEXT_TO_DATES.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == []


def test_many_distinct_failing_values_each_get_their_reason():
    impossible = [f"31/{m:02d}/{y}" for m in (2, 4, 6, 9, 11) for y in range(1950, 2050)]
    unknown = [f"day {i}" for i in range(500)]
    parsed = parse_dates(pd.Series(impossible + unknown + impossible))
    assert len(parsed.bad) == len(parsed.ns) and parsed.values.isna().all()
    assert (
        parsed.reasons[0]
        == "'31/02/1950' is not a real date as dd/mm/yyyy: check the day and month"
    )
    assert parsed.reasons[-1] == parsed.reasons[len(impossible) - 1]
    assert parsed.reasons[len(impossible)].startswith(
        "'day 0' is not a date in a recognised format"
    )
    assert len(set(parsed.reasons)) == len(impossible) + len(unknown)

"""SPC conventions (``conventions=``): each preset reproduces its tool's published cases.

The peers' own test cases are ported case by case, each citing its file:

- PowerBI-SPC (AUS-DOH-Safety-and-Quality/PowerBI-SPC at commit 478773a, TypeScript,
  vitest): ``test/Chart Types/*.test.ts`` (limits) and ``test/Outlier Flagging/*.test.ts``
  (rules);
- NHSRplotthedots (nhs-r-community/NHSRplotthedots at commit 050b07d, R, testthat):
  ``tests/testthat/test-ptd_calculate_point_type.R`` (rules) and
  ``tests/testthat/_snaps/ptd_spc.md`` (limits).

The rule cases call the rules on given limits, as the peers' tests do: their cases are
written as values against limits, not as series whose limits come out where the case needs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.timeseries.spc import (
    CONVENTIONS,
    TWO_OF_THREE_RULES,
    VARIATION_LABELS,
    VARIATION_TYPES,
    _segment_rules,
    spc,
    spc_summary,
    spc_warnings,
)

# R: set.seed(123); rnorm(20), as in tests/testthat/test-ptd_spc.R (see tests/test_spc.py)
from tests.test_spc import NHSR_RNORM_20

POWERBI = "PowerBI-SPC 478773a"
NHSR = "NHSRplotthedots 050b07d"


def monthly(values, start="2020-01-01", **columns) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"month": pd.date_range(start, periods=len(values), freq="MS"), "y": values}
    )
    for name, column in columns.items():
        frame[name] = column
    return frame


def flags(fired: np.ndarray, side: np.ndarray) -> list[str]:
    """The peers' way of writing a rule's result: "upper", "lower" or "none" per point."""
    return [
        "none" if not f else ("upper" if s > 0 else "lower")
        for f, s in zip(fired, side, strict=True)
    ]


def rules(values, *, centre=5.0, lower2=0.0, upper2=10.0, lower=-1e9, upper=1e9, **kw):
    values = np.asarray(values, dtype=float)
    n = len(values)

    def full(x):
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()

    kw.setdefault("run_length", 7)
    kw.setdefault("trend_length", 6)
    return _segment_rules(
        values, full(centre), full(lower), full(upper), full(lower2), full(upper2), **kw
    )


# ------------------------------------------------------------------------- presets


def test_presets_are_the_documented_settings():
    assert list(CONVENTIONS) == ["mdc", "nhsrplotthedots", "powerbi-spc"]
    mdc, nhsr, powerbi = CONVENTIONS.values()
    assert (mdc.run_length, mdc.trend_length, mdc.screen_outliers) == (7, 6, False)
    assert (nhsr.run_length, nhsr.trend_length, nhsr.screen_outliers) == (7, 7, True)
    assert (powerbi.run_length, powerbi.trend_length, powerbi.screen_outliers) == (7, 5, True)
    assert [c.two_of_three for c in CONVENTIONS.values()] == list(TWO_OF_THREE_RULES)
    assert mdc.xmr_scale == nhsr.xmr_scale == 2.66
    assert powerbi.xmr_scale == pytest.approx(2.659574, abs=1e-6)


def test_a_preset_sets_the_defaults_and_an_explicit_argument_overrides_it():
    data = monthly(NHSR_RNORM_20)
    r = spc(data, value="y", period="month", conventions="nhsrplotthedots")
    assert r[["run_length", "trend_length", "screen_outliers", "conventions"]].iloc[0].tolist() == [
        7,
        7,
        True,
        "nhsrplotthedots",
    ]
    own = spc(data, value="y", period="month", conventions="nhsrplotthedots", screen_outliers=False)
    assert bool(own["screen_outliers"].iloc[0]) is False
    assert own["conventions"].iloc[0] == "nhsrplotthedots"
    # a preset's screening applies to XmR only; a c chart under it is not refused
    counts = monthly([3, 5, 4, 6, 2, 5, 4, 3])
    c = spc(counts, value="y", period="month", chart="c", conventions="powerbi-spc")
    assert bool(c["screen_outliers"].iloc[0]) is False
    assert c["trend_length"].iloc[0] == 5


def test_unknown_conventions_are_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"conventions must be one of \['mdc', 'nhsrplotthedots'"):
        spc(monthly([1, 2, 3]), value="y", period="month", conventions="qicharts2")


def test_nhsrplotthedots_limits_match_its_snapshot():
    # tests/testthat/_snaps/ptd_spc.md (NHSRplotthedots 050b07d): mean 0.142, lpl -3.01,
    # upl 3.29 for rnorm(20), screen_outliers TRUE (the package's default)
    r = spc(monthly(NHSR_RNORM_20), value="y", period="month", conventions="nhsrplotthedots")
    assert r["centre"].iloc[0] == pytest.approx(0.142, abs=5e-4)
    assert r["lower"].iloc[0] == pytest.approx(-3.01, abs=5e-3)
    assert r["upper"].iloc[0] == pytest.approx(3.29, abs=5e-3)
    assert (r["variation"] == "common_cause").sum() == 20  # common_cause 20 in the snapshot


# ---------------------------------------------------------- PowerBI-SPC: chart limits

POWERBI_I_NUMERATORS = [5, 7, 5, 7, 7, 5, 4, 9, 8, 13, 8, 7, 8, 7, 12, 11, 8]
POWERBI_I_DENOMINATORS = [113, 132, 121, 134, 116, 131, 93, 138, 182, 157, 100, 103, 146, 108]
POWERBI_I_DENOMINATORS += [153, 141, 134]


def test_powerbi_i_chart_limits():
    # test/Chart Types/i.test.ts (PowerBI-SPC 478773a): an I chart of the ratios, its
    # defaults (outliers screened out of the limits); limits to 4 decimal places
    ratios = np.array(POWERBI_I_NUMERATORS) / np.array(POWERBI_I_DENOMINATORS)
    r = spc(monthly(ratios, "2010-01-01"), value="y", period="month", conventions="powerbi-spc")
    for column, expected in (
        ("upper", 0.0957),
        ("upper_2sigma", 0.0836),
        ("lower_2sigma", 0.035),
        ("lower", 0.0229),
    ):
        assert r[column].to_numpy() == pytest.approx([expected] * 17, abs=5e-5), column


def test_powerbi_p_chart_limits():
    # test/Chart Types/p.test.ts (PowerBI-SPC 478773a): per-point limits, in per cent
    # (its "report as percentage" default), to 2 decimal places
    cases = [14, 12, 15, 8, 16, 11, 12, 14, 16, 17, 5, 11, 13, 10, 14, 5, 12, 10, 11, 5]
    cases += [10, 8, 11, 12, 11, 18, 18, 21, 14, 15, 18, 22, 17, 16, 20, 15]
    out_of = [52, 64, 70, 60, 67, 69, 67, 54, 79, 59, 49, 61, 41, 51, 56, 43, 57, 48, 69, 41]
    out_of += [40, 46, 59, 62, 57, 65, 75, 70, 76, 69, 64, 67, 84, 67, 69, 78]
    ul99 = [38.76, 37.07, 36.4, 37.58, 36.72, 36.5, 36.72, 38.44, 35.53, 37.71, 39.28, 37.45]
    ul99 += [40.92, 38.93, 38.14, 40.47, 37.99, 39.46, 36.5, 40.92, 41.16, 39.84, 37.71, 37.32]
    ul99 += [37.99, 36.95, 35.9, 36.4, 35.8, 36.5, 37.07, 36.72, 35.11, 36.72, 36.5, 35.62]
    ll95 = [10.21, 11.34, 11.79, 11, 11.57, 11.72, 11.57, 10.43, 12.37, 10.91, 9.87, 11.09]
    ll95 += [8.77, 10.1, 10.63, 9.07, 10.73, 9.75, 11.72, 8.77, 8.61, 9.49, 10.91, 11.17]
    ll95 += [10.73, 11.42, 12.12, 11.79, 12.19, 11.72, 11.34, 11.57, 12.65, 11.57, 11.72, 12.31]
    ll99 = [4.5, 6.19, 6.87, 5.69, 6.54, 6.76, 6.54, 4.82, 7.74, 5.55, 3.99, 5.82, 2.34, 4.34]
    ll99 += [5.13, 2.8, 5.27, 3.8, 6.76, 2.34, 2.1, 3.42, 5.55, 5.95, 5.27, 6.31, 7.37, 6.87]
    ll99 += [7.46, 6.76, 6.19, 6.54, 8.16, 6.54, 6.76, 7.65]
    data = monthly(cases, "2011-07-01", n=out_of)
    r = spc(data, value="y", period="month", chart="p", denominator="n", conventions="powerbi-spc")
    assert (100 * r["upper"]).to_numpy() == pytest.approx(ul99, abs=5e-3)
    assert (100 * r["lower_2sigma"]).to_numpy() == pytest.approx(ll95, abs=5e-3)
    assert (100 * r["lower"]).to_numpy() == pytest.approx(ll99, abs=5e-3)


def test_powerbi_c_chart_limits_with_a_new_grouping():
    # test/Chart Types/c.test.ts (PowerBI-SPC 478773a): a c chart whose limits are
    # recalculated for a second grouping from the 25th point (coprod: a rebase)
    counts = [17, 12, 27, 20, 20, 18, 22, 19, 19, 24, 17, 16, 24, 19, 19, 22, 25, 19, 17, 6]
    counts += [25, 17, 11, 14, 9, 11, 7, 13, 5, 5, 3, 5, 9, 4, 5, 9]
    r = spc(
        monthly(counts, "2012-11-01"),
        value="y",
        period="month",
        chart="c",
        rebase="2014-11-01",
        conventions="powerbi-spc",
    )
    expected = {
        "upper": (31.68, 15.07),
        "upper_2sigma": (27.36, 12.41),
        "lower_2sigma": (10.06, 1.76),
        "lower": (5.73, 0.0),
    }
    for column, (first, second) in expected.items():
        assert r[column].to_numpy() == pytest.approx([first] * 24 + [second] * 12, abs=5e-3)


def test_powerbi_u_chart_limits():
    # test/Chart Types/u.test.ts (PowerBI-SPC 478773a): rates with multiplier 10000
    # (coprod: the denominator in ten-thousands), to 4 decimal places
    counts = [575, 521, 585, 528, 507, 519, 457, 505, 494, 512, 543, 506, 509, 521, 549, 531]
    counts += [509, 528, 419, 512, 495, 513, 454, 490]
    exposure = [310466.8333, 282346.7917, 309089.7083, 287977.3333, 297743.375, 286988.25]
    exposure += [261120.3333, 268720.75, 284437.875, 290449.5, 288104.4583, 279961.375]
    exposure += [289803.9583, 275950.5833, 290824.4583, 285495.75, 282515.2083, 273927.875]
    exposure += [253085.625, 262410.7083, 275529.25, 282405.0833, 259530.7917, 256235.4583]
    ul99 = [20.5349, 20.6467, 20.5401, 20.623, 20.5836, 20.6271, 20.7428, 20.7071, 20.6378]
    ul99 += [20.6129, 20.6225, 20.657, 20.6155, 20.6745, 20.6113, 20.6334, 20.646, 20.6835]
    ul99 += [20.7823, 20.7366, 20.6764, 20.6465, 20.7505, 20.7666]
    ll99 = [15.9366, 15.8248, 15.9314, 15.8485, 15.8879, 15.8444, 15.7287, 15.7644, 15.8337]
    ll99 += [15.8586, 15.849, 15.8145, 15.856, 15.797, 15.8602, 15.8381, 15.8255, 15.788]
    ll99 += [15.6892, 15.7349, 15.7951, 15.825, 15.721, 15.7049]
    data = monthly(counts, "2015-01-01", per_10000=np.array(exposure) / 10_000)
    r = spc(
        data,
        value="y",
        period="month",
        chart="u",
        denominator="per_10000",
        conventions="powerbi-spc",
    )
    assert r["upper"].to_numpy() == pytest.approx(ul99, abs=5e-5)
    assert r["lower"].to_numpy() == pytest.approx(ll99, abs=5e-5)


def test_powerbi_xmr_scale_is_three_over_d2():
    # src/Limit Calculations/i.ts: sigma = AMR / 1.128, limits at 3 sigma; the docstring's
    # example there: values [10, 12, 11, 14, 9], AMR 2.75, UCL ~18.52, LCL ~3.88
    values = [10, 12, 11, 14, 9]
    r = spc(monthly(values), value="y", period="month", conventions="powerbi-spc")
    assert r["upper"].iloc[0] == pytest.approx(11.2 + 3 * 2.75 / 1.128)
    # (its example rounds sigma to 2.44 first, hence the second decimal)
    assert r["upper"].iloc[0] == pytest.approx(18.52, abs=1e-2)
    assert r["lower"].iloc[0] == pytest.approx(3.88, abs=1e-2)
    mdc = spc(monthly(values), value="y", period="month")
    assert mdc["upper"].iloc[0] == pytest.approx(11.2 + 2.66 * 2.75)


# ----------------------------------------------------------- PowerBI-SPC: the rules

# test/Outlier Flagging/twoInThree.test.ts (PowerBI-SPC 478773a): values against 2-sigma
# lines at 0 and 10 (centre 5), only the points beyond them highlighted (its default)
POWERBI_TWO_IN_THREE = [
    ([5, 6, 7, 8, 9], "nnnnn"),
    ([5, 11, 11, 5, 5, 5], "nuunnn"),
    ([5, -1, -1, 5, 5, 5], "nllnnn"),
    ([11, 5, 11, 5, 5], "ununn"),
    ([5, 11, 11, 5, 5], "nuunn"),
    ([11, 5, 5, 5, 5], "nnnnn"),
    ([5, 11, 11, 11, 5, 5], "nuuunn"),
    ([5, 11, 11, -1, 5, 5], "nuunnn"),
    ([5, 11, 11, 5, 11, 11, 5], "nuunuun"),
    ([11], "n"),
    ([5, 11, 11, 5], "nuun"),
    ([10, 10, 5, 5, 5], "nnnnn"),
    ([5, -1, -1, 5, 5], "nllnn"),
    ([5, 11, 11, 5, 11, 5, 5], "nuununn"),
]
_WORD = {"n": "none", "u": "upper", "l": "lower"}


@pytest.mark.parametrize(("values", "expected"), POWERBI_TWO_IN_THREE)
def test_powerbi_two_in_three(values, expected):
    seg = rules(values, two_of_three="net_beyond_2sigma")
    assert flags(seg.two_of_three, seg.side) == [_WORD[c] for c in expected]


def test_powerbi_two_in_three_with_varying_limits():
    # twoInThree.test.ts, "should work with varying control limits": only index 1 is beyond
    seg = rules(
        [5, 25, 25, 35, 45],
        centre=[5, 15, 25, 35, 45],
        lower2=[0, 10, 20, 30, 40],
        upper2=[10, 20, 30, 40, 50],
        two_of_three="net_beyond_2sigma",
    )
    assert not seg.two_of_three.any()


def test_two_of_three_rules_differ_where_the_documentation_says():
    # Two points beyond the upper 2-sigma line with a point *on the centre* between or
    # beside them: PowerBI-SPC flags them (the third may be anywhere), MDC and
    # NHSRplotthedots need all three on one side of the centre.
    values = [5, 11, 11, 5]
    assert rules(values, two_of_three="net_beyond_2sigma").two_of_three.tolist() == [
        False,
        True,
        True,
        False,
    ]
    for rule in ("beyond_2sigma", "between_2_and_3_sigma"):
        assert not rules(values, two_of_three=rule).two_of_three.any()
    # A point beyond the process limit counts in MDC (since November 2023), not in
    # NHSRplotthedots: 3.5 is beyond the limit at 3, 2.5 between 2 and 3 sigma.
    beyond = dict(centre=0.0, lower2=-2.0, upper2=2.0, lower=-3.0, upper=3.0)
    assert rules([3.5, 2.5, 1.0], two_of_three="beyond_2sigma", **beyond).two_of_three.tolist() == [
        True,
        True,
        False,
    ]
    assert not rules(
        [3.5, 2.5, 1.0], two_of_three="between_2_and_3_sigma", **beyond
    ).two_of_three.any()


# test/Outlier Flagging/trend.test.ts (PowerBI-SPC 478773a): (values, n, expected)
POWERBI_TRENDS = [
    ([5, 6, 5, 6, 5, 6, 5], 5, "nnnnnnn"),
    ([1, 2, 3, 4, 5, 6, 5], 5, "uuuuuun"),
    ([6, 5, 4, 3, 2, 1, 2], 5, "lllllln"),
    ([1, 2, 3, 4, 2], 3, "uuuun"),
    ([1, 2, 3, 2, 3, 4, 5, 6], 4, "nnnuuuuu"),
    ([5, 5, 5, 5, 5], 3, "nnnnn"),
    ([5], 3, "n"),
    ([-5, -4, -3, -2, -1], 4, "uuuuu"),
    ([-1, -2, -3, -4, -5], 4, "lllll"),
    ([1, 3, 2, 4, 3, 5], 4, "nnnnnn"),
    ([1.0, 1.1, 1.2, 1.3, 1.4], 4, "uuuuu"),
]


@pytest.mark.parametrize(("values", "n", "expected"), POWERBI_TRENDS)
def test_powerbi_trend(values, n, expected):
    seg = rules(values, trend_length=n)
    got = [
        "upper" if up else ("lower" if down else "none")
        for up, down in zip(seg.trend_rising, seg.trend_falling, strict=True)
    ]
    assert got == [_WORD[c] for c in expected]


# test/Outlier Flagging/shift.test.ts (PowerBI-SPC 478773a): (values, centre, n, expected);
# a shift is coprod's run on one side of the centre
POWERBI_SHIFTS = [
    ([5, 6, 4, 5, 6, 4, 5], 5, 7, "nnnnnnn"),
    ([5, 6, 6, 6, 6, 6, 5], 5, 5, "nuuuuun"),
    ([5, 4, 4, 4, 4, 4, 5], 5, 5, "nllllln"),
    ([5, 6, 6, 6, 5], 5, 3, "nuuun"),
    ([5, 6, 6, 6, 5], 5, 4, "nnnnn"),
    ([6, 6, 6, 5, 6, 6, 6, 6], 5, 4, "nnnnuuuu"),
    ([6, 7, 8, 9, 10], [5, 6, 7, 8, 9], 3, "uuuuu"),
    ([5, 5, 5, 5, 5], 5, 3, "nnnnn"),
    ([6, 6, 6, 6, 4, 4, 4, 4, 5], 5, 3, "uuuulllln"),
    ([6, 6, 6, 6, 6, 6, 6, 5], 5, 7, "uuuuuuun"),
    ([6, 4, 6, 4, 6, 4], 5, 3, "nnnnnn"),
]


@pytest.mark.parametrize(("values", "centre", "n", "expected"), POWERBI_SHIFTS)
def test_powerbi_shift(values, centre, n, expected):
    seg = rules(values, centre=centre, run_length=n, lower2=-1e9, upper2=1e9)
    assert flags(seg.run, seg.side) == [_WORD[c] for c in expected]


# ------------------------------------------------------- NHSRplotthedots: the rules

# tests/testthat/test-ptd_calculate_point_type.R (NHSRplotthedots 050b07d),
# ptd_two_in_three / ptd_part_of_two_in_three: v = 1 for a point between the 2-sigma line
# and the process limit, rtm its side of the mean; expected: the points flagged.
NHSR_TWO_IN_THREE = [
    ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
    ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
    # "when points are on opposite sides of the mean"
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
    ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
    ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
]


@pytest.mark.parametrize(("close", "side", "expected"), NHSR_TWO_IN_THREE)
def test_nhsrplotthedots_two_in_three(close, side, expected):
    # centre 0, 2-sigma lines at +/-2, limits at +/-3: a close point is 2.5 on its side
    values = [s * (2.5 if c else 1.0) for c, s in zip(close, side, strict=True)]
    seg = rules(
        values,
        centre=0.0,
        lower2=-2.0,
        upper2=2.0,
        lower=-3.0,
        upper=3.0,
        two_of_three="between_2_and_3_sigma",
    )
    assert seg.two_of_three.astype(int).tolist() == expected


# ptd_seven_point_trend + ptd_part_of_seven_trend: the points of a trend of 7
NHSR_TRENDS = [
    (list(range(1, 7)), [0] * 6, [0] * 6),
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7, [0] * 7),
    (list(range(1, 8)), [1] * 7, [0] * 7),
    ([2, *range(1, 8), 3], [0, *[1] * 7, 0], [0] * 9),
    (list(range(7, 0, -1)), [0] * 7, [1] * 7),
    ([2, *range(7, 0, -1), 3], [0] * 9, [0, *[1] * 7, 0]),
]


@pytest.mark.parametrize(("values", "rising", "falling"), NHSR_TRENDS)
def test_nhsrplotthedots_trend_of_seven(values, rising, falling):
    seg = rules(values, trend_length=CONVENTIONS["nhsrplotthedots"].trend_length)
    assert seg.trend_rising.astype(int).tolist() == rising
    assert seg.trend_falling.astype(int).tolist() == falling


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ([1] * 6, [0] * 6),
        ([*[1] * 6, -1], [0] * 7),
        ([*[1] * 8, -1], [*[1] * 8, 0]),
        ([*[-1] * 8, 1], [*[1] * 8, 0]),
    ],
)
def test_nhsrplotthedots_seven_points_one_side(side, expected):
    # ptd_seven_point_one_side_mean + ptd_part_of_seven_trend
    seg = rules([5 + s for s in side], lower2=-1e9, upper2=1e9)
    assert seg.run.astype(int).tolist() == expected


# ---------------------------------------------------------------- the presets, whole


def test_a_trend_of_five_is_a_signal_for_powerbi_spc_only():
    values = [10, 12, 10, 12, 10, 12, 10, 11, 12, 13, 14, 11, 12, 10]  # 10..14 rises 5 points
    results = {
        name: spc(monthly(values), value="y", period="month", conventions=name)
        for name in CONVENTIONS
    }
    assert results["powerbi-spc"]["rule_trend_rising"].tolist()[6:11] == [True] * 5
    assert results["powerbi-spc"].loc[10, "rule"] == "trend of 5 rising"
    assert not results["mdc"]["rule_trend_rising"].any()
    assert not results["nhsrplotthedots"]["rule_trend_rising"].any()


def test_summary_names_the_conventions_followed():
    r = spc(monthly(NHSR_RNORM_20), value="y", period="month", conventions="powerbi-spc")
    text = spc_summary(r).replace("\n", " ")
    assert "PowerBI-SPC conventions" in text
    mdc = spc_summary(spc(monthly(NHSR_RNORM_20), value="y", period="month"))
    assert "Making Data Count conventions" in mdc.replace("\n", " ")


# ---------------------------------------------------------------- neutral direction


def test_neutral_variation_says_the_side():
    values = [10, 14, 10, 14, 10, 14, 12, -30, 12, 50, 12]
    r = spc(monthly(values), value="y", period="month", baseline=6, higher_is_better=None)
    assert r.loc[7, "variation"] == "special_cause_neutral_low"
    assert r.loc[9, "variation"] == "special_cause_neutral_high"
    assert "special_cause_neither" not in VARIATION_TYPES
    assert VARIATION_LABELS["special_cause_neutral_high"] == "Special cause: neutral high"
    assert VARIATION_LABELS["special_cause_neutral_low"] == "Special cause: neutral low"
    assert "neutral low" in spc_summary(r.iloc[:8])


# ------------------------------------------------------------ baseline from the end


def test_baseline_from_the_end_uses_the_last_points():
    values = [30, 31, 29, 30, 10, 12, 10, 12]
    r = spc(monthly(values), value="y", period="month", baseline=4, baseline_from="end")
    # the last four points: mean 11, moving ranges 2, 2, 2 -> limits 11 +/- 2.66 * 2
    assert r["in_baseline"].tolist() == [False] * 4 + [True] * 4
    assert r["centre"].iloc[0] == pytest.approx(11.0)
    assert r["upper"].iloc[0] == pytest.approx(11 + 2.66 * 2)
    assert r["rule_outside"].tolist() == [True] * 4 + [False] * 4
    assert r["trial_limits"].all()


def test_baseline_from_the_end_needs_a_number_of_points():
    with pytest.raises(ValueError, match="baseline_from='end' takes the last n points"):
        spc(monthly([1, 2, 3, 4]), value="y", period="month", baseline_from="end")
    with pytest.raises(ValueError, match="baseline_from must be 'start' or 'end', not 'last'"):
        spc(monthly([1, 2, 3, 4]), value="y", period="month", baseline=2, baseline_from="last")


# ------------------------------------------------------------------ varying target


def test_a_target_can_vary_by_period():
    # limits 6 +/- 5.985 (see test_xmr_limits_hand_computed); the target tightens each
    # year: 12 (above the upper limit, passes), 8 (inside, hit and miss), 0 (below the
    # lower limit 0.015, fails); a missing target judges nothing
    data = monthly([5, 7, 6, 8, 4], trajectory=[12.0, 12.0, 8.0, 0.0, np.nan])
    r = spc(data, value="y", period="month", target="trajectory")
    assert r["target"].tolist()[:4] == [12.0, 12.0, 8.0, 0.0]
    assert np.isnan(r["target"].iloc[4])
    assert r["assurance"].tolist()[:4] == [
        "consistently_passes",
        "consistently_passes",
        "hit_and_miss",
        "consistently_fails",
    ]
    assert pd.isna(r["assurance"].iloc[4])


def test_a_target_column_must_be_numeric_and_present():
    data = monthly([5, 7, 6, 8, 4], trajectory=["a"] * 5)
    with pytest.raises(ValueError, match="target column 'trajectory' must be numeric"):
        spc(data, value="y", period="month", target="trajectory")
    with pytest.raises(ValueError, match="goal"):
        spc(monthly([5, 7, 6]), value="y", period="month", target="goal")


# ----------------------------------------------------------------------- warnings


def test_warnings_name_trial_limits_per_segment_and_mostly_zero_series():
    # Refuse: 20 months with a rebase after 14 -> the second segment rests on 6 points;
    # Graffiti: 11 of 20 months zero (more than half)
    refuse = [12, 14, 11, 13, 12, 15, 13, 12, 14, 13, 12, 14, 13, 12, 20, 22, 21, 23, 20, 22]
    graffiti = [0, 1, 0, 0, 2, 0, 1, 0, 0, 3, 0, 1, 0, 0, 1, 0, 2, 0, 1, 4]
    data = pd.concat(
        [
            monthly(refuse).assign(service="Refuse"),
            monthly(graffiti).assign(service="Graffiti"),
        ]
    )
    r = spc(
        data,
        value="y",
        period="month",
        chart="c",
        by="service",
        rebase={"Refuse": "2021-03-01"},
    )
    found = spc_warnings(r)
    assert found[["service", "segment", "warning"]].astype(object).values.tolist() == [
        ["Refuse", 2, "trial_limits"],
        ["Graffiti", pd.NA, "mostly_zeros"],
    ]
    assert found["detail"].iloc[0] == (
        "the limits from 2021-03 are trial limits, computed from 6 points (fewer than 13): "
        "they will move as points come in"
    )
    assert found["detail"].iloc[1].startswith("11 of 20 periods are zero")
    text = spc_summary(r).replace("\n", " ")
    assert "Mostly zeros (11 of 20 periods)" in text
    # exactly half zero is not "mostly"
    half = monthly([0, 1] * 10)
    assert spc_warnings(spc(half, value="y", period="month", chart="c")).empty


# test/Outlier Flagging/assuranceIconToDraw.test.ts (PowerBI-SPC 478773a): (upper, lower,
# target, improvement direction, expected); PowerBI-SPC's "consistentPass",
# "consistentFail", "inconsistent" and "none" are coprod's consistently_passes,
# consistently_fails, hit_and_miss and no assurance (None)
POWERBI_ASSURANCE = [
    (10, 0, 5, "neutral", None),
    (10, 0, 15, "increase", "consistently_fails"),
    (10, 0, -5, "increase", "consistently_passes"),
    (10, 0, 5, "increase", "hit_and_miss"),
    (10, 0, 15, "decrease", "consistently_passes"),
    (10, 0, -5, "decrease", "consistently_fails"),
    (10, 0, 5, "decrease", "hit_and_miss"),
    (10, 0, 10, "increase", "hit_and_miss"),  # a target on a limit is inside
    (10, 0, 0, "increase", "hit_and_miss"),
    (0, -10, -15, "increase", "consistently_passes"),
    (0, -10, -5, "decrease", "hit_and_miss"),
]
_DIRECTION = {"increase": True, "decrease": False, "neutral": None}


@pytest.mark.parametrize(("upper", "lower", "target", "direction", "expected"), POWERBI_ASSURANCE)
def test_powerbi_assurance(upper, lower, target, direction, expected):
    from coprod.timeseries.spc import _assurance

    assert _assurance(lower, upper, target, _DIRECTION[direction]) == expected


def test_assurance_is_judged_at_the_latest_point_with_a_varying_target():
    # assuranceIconToDraw.test.ts, "multiple data points (uses last value)": limits and
    # targets by point, the icon from the last; coprod judges every point and the chart's
    # icon is the latest point's
    data = monthly([5, 7, 6, 8, 4], goal=[3.0, 4.0, 15.0, 15.0, 15.0])
    r = spc(data, value="y", period="month", target="goal", higher_is_better=True)
    assert r["assurance"].iloc[-1] == "consistently_fails"  # 15 above the upper limit 11.985
    assert r["assurance"].iloc[0] == "hit_and_miss"


# ------------------------------------------------------------- qicharts2: exclude


def test_qicharts2_p_chart_with_excluded_points_and_a_new_part():
    # tests/testthat/ex_7.1_5.rds (qicharts2 1b9487e; Montgomery's example 7.1), extracted
    # to tests/fixtures/peers/qicharts2_ex_7.1_5_p_chart.csv: qic(..., chart = 'p',
    # exclude = c(15, 23), part = 30). coprod: exclude=, and a rebase at sample 31.
    from pathlib import Path

    peer = pd.read_csv(
        Path(__file__).parent / "fixtures" / "peers" / "qicharts2_ex_7.1_5_p_chart.csv"
    )
    data = pd.DataFrame({"sample": peer["x"].astype(float), "cases": peer["cases"]})
    data["n"] = peer["n"]
    r = spc(
        data,
        value="cases",
        period="sample",
        chart="p",
        denominator="n",
        exclude=[15.0, 23.0],
        rebase=[31.0],
    )
    assert r["centre"].to_numpy() == pytest.approx(peer["cl"].to_numpy(), abs=1e-6)
    assert r["upper"].to_numpy() == pytest.approx(peer["ucl"].to_numpy(), abs=1e-6)
    assert r["lower"].to_numpy() == pytest.approx(peer["lcl"].to_numpy(), abs=1e-6)
    assert (~r["excluded"]).tolist() == peer["include"].tolist()
    assert r["segment"].tolist() == peer["part"].tolist()
    # qicharts2's sigma signal is a point beyond the limits (excluded points are still judged)
    assert r["rule_outside"].tolist() == peer["sigma_signal"].tolist()

"""Funnel plots (coprod.funnel): limits against hand-computed values, planted outliers
found, over-dispersion recovered, bad input refused in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coprod.funnel import FLAG_WORDS, funnel, funnel_summary
from coprod.synth import funnel_units

LIMITS = ["lower_95", "upper_95", "lower_998", "upper_998"]


def _one(count, denominator, **kwargs):
    """A funnel of one unit plus a twin, against a target: the unit's own limits."""
    data = pd.DataFrame({"unit": ["a"], "cases": [count], "n": [denominator]})
    result = funnel(data, value="cases", denominator="n", by="unit", **kwargs)
    return result.units.iloc[0]


# ---------------------------------------------------------------- hand-computed limits


def test_normal_proportion_limits_are_the_centre_plus_minus_z_standard_errors():
    # theta0 = 0.2, n = 100: se = sqrt(0.2 * 0.8 / 100) = 0.04;
    # 95%: 0.2 -/+ 1.959964 * 0.04 = 0.1216014, 0.2783986
    # 99.8%: 0.2 -/+ 3.090232 * 0.04 = 0.0763907, 0.3236093
    row = _one(30, 100, target=0.2, method="normal")
    assert row[LIMITS].astype(float).tolist() == pytest.approx(
        [0.1216014, 0.2783986, 0.0763907, 0.3236093], abs=1e-7
    )
    assert row["centre"] == 0.2
    assert row["value"] == 0.3 and row["flag"] == "above_95"


def test_normal_rate_limits_with_a_multiplier():
    # 5 per 1,000 residents, 10,000 residents: sd = sqrt(0.005 / 10000) * 1000 = 0.7071068;
    # 95%: 5 -/+ 1.959964 * 0.7071068 = 3.614100, 6.385900
    # 95%: 5 -/+ 1.959964 * 0.7071068 = 5 -/+ 1.385904 = 3.614096, 6.385904
    # 99.8%: 5 -/+ 3.090232 * 0.7071068 = 5 -/+ 2.185124 = 2.814876, 7.185124
    row = _one(40, 10_000, kind="rate", target=5, multiplier=1000, method="normal")
    assert row[LIMITS].astype(float).tolist() == pytest.approx(
        [3.614096, 6.385904, 2.814876, 7.185124], abs=1e-6
    )
    assert row["value"] == 4.0 and row["flag"] == "within"


def test_exact_binomial_limits_interpolate_as_spiegelhalter_appendix():
    # Y ~ Binomial(20, 0.2), cdf by hand (sum of C(20,k) 0.2^k 0.8^(20-k)):
    # p = 0.975: r = 8, F(7) = 0.967857, F(8) = 0.990018,
    #   alpha = (0.990018 - 0.975) / (0.990018 - 0.967857) = 0.677690; (8 - 0.677690) / 20
    # p = 0.025: r = 1, F(0) = 0.011529, F(1) = 0.069175, alpha = 0.766319; (1 - 0.766319)/20
    # p = 0.999: r = 10, F(9) = 0.997405, F(10) = 0.999437, alpha = 0.214917
    # p = 0.001: r = 0, alpha = (0.011529 - 0.001) / 0.011529 = 0.913264: below 0, floored
    row = _one(4, 20, target=0.2)
    assert row[LIMITS].astype(float).tolist() == pytest.approx(
        [0.0116840, 0.3661155, 0.0, 0.4892541], abs=1e-6
    )


def test_exact_poisson_limits_interpolate_as_spiegelhalter_appendix():
    # Y ~ Poisson(0.5 * 10 = 5): p = 0.975: r = 10, F(9) = 0.968172, F(10) = 0.986305,
    #   alpha = 0.623441: (10 - 0.623441) / 10 = 0.9376559
    # p = 0.025: r = 1, F(0) = 0.006738, F(1) = 0.040428, alpha = 0.457934: 0.0542066
    # p = 0.999: r = 13, F(12) = 0.997981, F(13) = 0.999302, alpha = 0.228646: 1.2771354
    # p = 0.001: r = 0, (0 - 0.851587) / 10 < 0: floored at 0
    row = _one(5, 10, kind="rate", target=0.5)
    assert row[LIMITS].astype(float).tolist() == pytest.approx(
        [0.0542066, 0.9376559, 0.0, 1.2771354], abs=1e-6
    )


def test_the_centre_is_the_pooled_proportion_without_a_target():
    data = pd.DataFrame({"unit": ["a", "b", "c"], "cases": [10, 30, 20], "n": [100, 100, 200]})
    result = funnel(data, value="cases", denominator="n", by="unit", method="normal")
    assert result.centre == pytest.approx(60 / 400)
    assert result.target is None
    assert result.units["centre"].tolist() == pytest.approx([0.15] * 3)
    # c: 0.1 against 0.15 with se sqrt(0.15 * 0.85 / 200) = 0.025249: z = -1.980295
    assert result.units["z"].tolist() == pytest.approx([-1.400280, 4.200840, -1.980295], abs=1e-6)
    assert result.units["flag"].tolist() == ["within", "above_998", "below_95"]


def test_proportion_limits_stay_within_0_and_1():
    row = _one(1, 3, target=0.5, method="normal")
    assert row["lower_998"] == 0.0 and row["upper_998"] == 1.0


def test_the_curve_passes_through_every_units_own_limits():
    data = funnel_units(n_units=12, seed=3)
    result = funnel(data, value="cases", denominator="denominator", by="unit")
    curve = result.curve.set_index("denominator")
    for row in result.units.itertuples():
        assert curve.loc[row.denominator, LIMITS].tolist() == pytest.approx(
            [row.lower_95, row.upper_95, row.lower_998, row.upper_998]
        )
    assert curve.index.is_monotonic_increasing
    assert curve.index.min() == pytest.approx(data["denominator"].min() / 2, abs=0.5)
    assert curve.index.max() == pytest.approx(data["denominator"].max() * 1.1, abs=0.5)
    # the funnel narrows as the denominator grows (normal limits: strictly)
    normal = funnel(data, value="cases", denominator="denominator", by="unit", method="normal")
    width = normal.curve["upper_95"] - normal.curve["lower_95"]
    assert (np.diff(width.to_numpy()) < 0).all()


def test_additive_limits_follow_funnelplotr_on_the_arcsine_scale():
    # FunnelPlotR R/calculate_limits.R (data_type "PR"), tau2 by R/od_adjustment.R tau_func:
    # units a-d, centre 0.3 (target): z = (asin(sqrt(y)) - asin(sqrt(0.3))) * 2 sqrt(n)
    data = pd.DataFrame(
        {"unit": list("abcd"), "cases": [20, 45, 90, 150], "n": [100, 100, 400, 400]}
    )
    result = funnel(
        data,
        value="cases",
        denominator="n",
        by="unit",
        target=0.3,
        overdispersion="additive",
        trim=0,
    )
    g0 = np.arcsin(np.sqrt(0.3))
    y = np.array([0.2, 0.45, 0.225, 0.375])
    n = np.array([100, 100, 400, 400])
    z = (np.arcsin(np.sqrt(y)) - g0) * 2 * np.sqrt(n)
    phi = np.mean(z**2)
    w = 4 * n
    tau2 = (4 * phi - 3) / (w.sum() - (w**2).sum() / w.sum())
    assert result.phi == pytest.approx(phi)
    assert result.tau2 == pytest.approx(tau2)
    s = np.sqrt(1 / (4 * n) + tau2)
    assert result.units["upper_95"].tolist() == pytest.approx(
        np.sin(g0 + 1.959964 * s) ** 2, abs=1e-6
    )
    assert result.units["lower_998"].tolist() == pytest.approx(
        np.sin(g0 - 3.090232 * s) ** 2, abs=1e-6
    )


def test_multiplicative_limits_widen_by_the_root_of_phi():
    data = pd.DataFrame(
        {"unit": list("abcd"), "cases": [20, 45, 90, 150], "n": [100, 100, 400, 400]}
    )
    result = funnel(
        data,
        value="cases",
        denominator="n",
        by="unit",
        target=0.3,
        overdispersion="multiplicative",
        trim=0,
    )
    y = np.array([0.2, 0.45, 0.225, 0.375])
    n = np.array([100, 100, 400, 400])
    z = (y - 0.3) / np.sqrt(0.21 / n)
    assert result.phi == pytest.approx(np.mean(z**2))
    assert result.units["upper_95"].tolist() == pytest.approx(
        0.3 + 1.959964 * np.sqrt(result.phi * 0.21 / n), abs=1e-6
    )


def test_flags_as_funnelplotr_outliers_func():
    # FunnelPlotR tests/testthat/test-outliers_func.R (commit 9020d49): ratios against fixed
    # limits UCL95 1.1, LCL95 0.9, UCL99 1.41, LCL99 0.59; outside 95%: 0,0,0,1,1,1,1,1,1,1;
    # outside 99.8%: 0,0,0,0,0,0,0,1,1,1 (a ratio on a limit is inside, as there)
    from coprod.funnel import _flag

    rr = np.array([1, 0.95, 1.05, 0.8, 1.2, 0.6, 1.4, 0.4, 1.6, 0])
    limits = {
        "upper_95": np.full(10, 1.1),
        "lower_95": np.full(10, 0.9),
        "upper_998": np.full(10, 1.41),
        "lower_998": np.full(10, 0.59),
    }
    flags = _flag(rr, limits)
    assert [int(f != "within") for f in flags] == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert [int(f.endswith("998")) for f in flags] == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert flags.tolist()[3:7] == ["below_95", "above_95", "below_95", "above_95"]


# ---------------------------------------------------------------- planted truth recovered


@pytest.mark.parametrize(
    "kind, centre, outlier, beyond_95",
    [("proportion", 0.2, 0.26, ["07", "09", "22", "23", "36", "39"]), ("rate", 0.05, 0.08, [])],
)
def test_a_planted_outlier_is_found_and_no_other_unit(kind, centre, outlier, beyond_95):
    # denominators are drawn first, so the same seed gives the same ones: plant the
    # outlier in the largest unit (Unit 21), where a real difference shows
    largest = funnel_units(n_units=40, kind=kind, centre=centre, seed=11)["denominator"].idxmax()
    assert largest == 20
    data = funnel_units(n_units=40, kind=kind, centre=centre, outliers={20: outlier}, seed=11)
    result = funnel(data, value="cases", denominator="denominator", by="unit", kind=kind)
    flags = result.units.set_index("unit")["flag"]
    assert flags["Unit 21"] == "above_998"
    assert flags[flags.str.endswith("998")].index.tolist() == ["Unit 21"]
    # chance alone puts about 1 in 20 beyond the 95% limits (2 of the other 39)
    assert flags[flags.str.endswith("_95")].index.tolist() == [f"Unit {k}" for k in beyond_95]


def test_without_extra_spread_the_dispersion_factor_is_about_one():
    data = funnel_units(n_units=400, seed=5)
    result = funnel(
        data,
        value="cases",
        denominator="denominator",
        by="unit",
        overdispersion="multiplicative",
        trim=0,
    )
    assert result.phi == pytest.approx(1.0, abs=0.15)


def test_a_planted_multiplicative_overdispersion_is_recovered():
    data = funnel_units(n_units=400, phi=3.0, seed=5)
    whole = funnel(
        data,
        value="cases",
        denominator="denominator",
        by="unit",
        overdispersion="multiplicative",
        trim=0,
    )
    assert whole.phi == pytest.approx(3.0, rel=0.15)
    # Winsorised at 10% each end (Spiegelhalter's and FunnelPlotR's default) the estimate
    # resists outliers but reads low: E[z_w^2] = 0.679 for normal z (documented).
    trimmed = funnel(
        data,
        value="cases",
        denominator="denominator",
        by="unit",
        overdispersion="multiplicative",
    )
    assert trimmed.phi == pytest.approx(0.679 * 3.0, rel=0.15)
    assert trimmed.units["winsorised"].sum() == 80


def test_a_planted_between_unit_variance_is_recovered():
    data = funnel_units(n_units=400, tau=0.05, seed=9)
    result = funnel(
        data,
        value="cases",
        denominator="denominator",
        by="unit",
        overdispersion="additive",
        trim=0,
    )
    assert result.tau2 == pytest.approx(0.05**2, rel=0.2)
    plain = funnel(data, value="cases", denominator="denominator", by="unit")
    # the adjustment takes the spread out: far fewer units beyond the 99.8% limits
    assert plain.units["flag"].str.endswith("998").sum() > 40
    assert result.units["flag"].str.endswith("998").sum() <= 4


# ---------------------------------------------------------------- settings and words


def test_settings_travel_as_columns_and_fields():
    data = funnel_units(n_units=10, seed=1)
    result = funnel(
        data,
        value="cases",
        denominator="denominator",
        by="unit",
        overdispersion="additive",
        multiplier=100,
    )
    units = result.units
    assert units.columns.tolist() == [
        "unit",
        "count",
        "denominator",
        "value",
        "centre",
        *LIMITS,
        "z",
        "winsorised",
        "flag",
        "kind",
        "method",
        "overdispersion",
        "multiplier",
        "phi",
        "tau2",
    ]
    assert set(units["method"]) == {"normal"} and set(units["overdispersion"]) == {"additive"}
    assert result.method == "normal" and result.multiplier == 100
    assert result.curve.columns.tolist() == [
        "denominator",
        "centre",
        *LIMITS,
        "kind",
        "method",
        "overdispersion",
        "multiplier",
    ]
    assert set(units["flag"]) <= set(FLAG_WORDS)


def test_the_summary_names_the_units_outside_and_says_a_funnel_is_one_point_in_time():
    data = pd.DataFrame(
        {
            "service": ["Parks", "Libraries", "Housing", "Roads", "Care"],
            "upheld": [50, 52, 48, 80, 10],
            "closed": [100, 100, 100, 120, 60],
        }
    )
    result = funnel(data, value="upheld", denominator="closed", by="service")
    text = funnel_summary(result)
    assert result.summary() == text
    assert text.splitlines()[0] == (
        "Funnel of upheld out of closed: 5 units against the pooled proportion 50.0% (exact"
    )
    assert "Above the 99.8% limit: Roads (66.7% of 120)." in text
    assert "Below the 99.8% limit: Care (16.7% of 60)." in text
    assert "Within the 95% limits: 3 units." in text
    assert "(0.2 of 5 here)" in text
    assert "one point in time" in text and "SPC" in text


def test_the_summary_says_how_the_limits_were_adjusted():
    spread = funnel_units(n_units=40, tau=0.1, seed=9)
    quiet = funnel_units(n_units=40, seed=9)
    kwargs = {"value": "cases", "denominator": "denominator", "by": "unit"}

    def words(result):  # the summary unwrapped
        return " ".join(result.summary().split())

    wide = funnel(spread, **kwargs, overdispersion="additive")
    assert f"tau^2 = {wide.tau2:.3g} added to each unit's (random effects)." in words(wide)
    assert f"phi = {wide.phi:.2f} from z-scores winsorised at 10% each end" in words(wide)
    none = funnel(quiet, **kwargs, overdispersion="additive")
    assert none.tau2 == 0
    assert "no between-unit variance to add, so the limits are not widened" in words(none)
    scaled = funnel(spread, **kwargs, overdispersion="multiplicative")
    assert scaled.phi > 1 and "limits widened by its square root" in words(scaled)
    assert "(normal-approximation limits)" in words(scaled)


def test_the_summary_of_a_quiet_funnel_says_so():
    data = pd.DataFrame({"unit": ["a", "b"], "cases": [10, 21], "n": [100, 200]})
    text = funnel(data, value="cases", denominator="n", by="unit").summary()
    assert "Every unit lies within the 95% limits" in text


def test_the_result_carries_its_source():
    from coprod.provenance import Source, source_of, with_source

    data = with_source(funnel_units(n_units=5, seed=2), Source(note="A survey"))
    result = funnel(data, value="cases", denominator="denominator", by="unit")
    assert result.source.note == "A survey"
    assert source_of(result.units).note == "A survey"


# ---------------------------------------------------------------- bad input refused


def _frame(**changes):
    data = {"unit": ["a", "b", "c"], "cases": [1, 2, 3], "n": [10, 20, 30]}
    data.update(changes)
    return pd.DataFrame(data)


@pytest.mark.parametrize(
    "changes, kwargs, message",
    [
        (
            {"cases": [1, 25, 3]},
            {},
            r"more cases than their denominator \('cases' > 'n'\): b; .*kind='rate'",
        ),
        ({"n": [10, 0, -3]}, {}, r"'n' must be above zero: b and c"),
        ({"cases": [1, None, 3]}, {}, r"1 row with a missing value \(in cases\): b"),
        ({"unit": ["a", "a", "c"]}, {}, r"units appear more than once: a; .*one row per unit"),
        ({"cases": [1, -2, 3]}, {}, r"'cases' cannot be negative: b"),
        ({"cases": [1.5, 2, 3]}, {}, r"whole cases out of whole numbers: a has fractions"),
        ({}, {"kind": "ratio"}, r"kind must be one of \['proportion', 'rate'\]"),
        ({}, {"overdispersion": "yes"}, r"overdispersion must be None or one of"),
        (
            {},
            {"overdispersion": "additive", "method": "exact"},
            r"rest on the normal approximation .* method='normal'",
        ),
        ({}, {"target": 1.2}, r"the target must lie strictly between 0 and 1"),
        ({"cases": [0, 0, 0]}, {}, r"the pooled proportion must lie strictly between 0 and 1"),
        ({}, {"multiplier": 0}, r"multiplier must be a number above 0"),
        ({}, {"trim": 0.5}, r"trim must be at least 0 and below 0.5"),
    ],
)
def test_bad_input_is_refused_in_words(changes, kwargs, message):
    with pytest.raises(ValueError, match=message):
        funnel(_frame(**changes), value="cases", denominator="n", by="unit", **kwargs)


def test_too_few_units_for_overdispersion_and_a_missing_column_are_refused():
    from coprod._core.columns import MissingColumnError

    two = _frame().head(2)
    with pytest.raises(ValueError, match=r"2 units is too few \(3 or more\)"):
        funnel(two, value="cases", denominator="n", by="unit", overdispersion="multiplicative")
    with pytest.raises(MissingColumnError, match="denominators"):
        funnel(_frame(), value="cases", denominator="denominators", by="unit")
    with pytest.raises(TypeError, match="pandas DataFrame"):
        funnel([1, 2], value="cases", denominator="n", by="unit")


def test_a_rate_may_have_more_events_than_its_denominator():
    result = funnel(
        _frame(cases=[15, 25, 35]), value="cases", denominator="n", by="unit", kind="rate"
    )
    assert result.units["value"].tolist() == pytest.approx([1.5, 1.25, 35 / 30])

"""Student's t quantile: closed forms for 1, 2 and 4 degrees of freedom, published table values, the normal limit."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import given, settings, strategies as st

from pingcha.student_t import regularized_incomplete_beta, t_cdf, t_quantile

probabilities = st.floats(min_value=0.001, max_value=0.999, allow_nan=False)


def closed_form(p: float, df: int) -> float:
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) * math.sqrt(2 / (4 * p * (1 - p)))
    alpha = 4 * p * (1 - p)  # df == 4
    q = math.cos(math.acos(math.sqrt(alpha)) / 3) / math.sqrt(alpha)
    return math.copysign(2 * math.sqrt(q - 1), p - 0.5)


@pytest.mark.parametrize("df", [1, 2, 4])
@given(p=probabilities)
def test_quantile_matches_the_closed_forms(df, p):
    expected = closed_form(p, df)
    # Near p = 0.5 the df = 4 closed form loses digits itself (sqrt(q - 1) with q close to 1): an absolute
    # tolerance of 1e-7 points there, far below the 0.1 to which intervals are rounded.
    assert t_quantile(p, df) == pytest.approx(expected, rel=1e-9, abs=1e-7)


@pytest.mark.parametrize(("df", "expected"), [
    (1, 12.706204736), (2, 4.302652730), (3, 3.182446305), (5, 2.570581836), (10, 2.228138852),
    (20, 2.085963447), (30, 2.042272456), (60, 2.000297822), (120, 1.979930405),
])
def test_the_975_quantile_matches_the_printed_tables(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=2e-9)


@given(df=st.integers(min_value=200, max_value=200_000))
@settings(max_examples=40)
def test_large_samples_approach_the_normal_quantile(df):
    z = NormalDist().inv_cdf(0.975)
    # Cornish–Fisher: t = z + (z³ + z)/4ν + (5z⁵ + 16z³ + 3z)/96ν² + O(ν⁻³)
    expected = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-7 / (df / 200) ** 2 + 1e-9)


@given(p=probabilities, df=st.integers(min_value=1, max_value=5000))
@settings(max_examples=60)
def test_cdf_inverts_the_quantile_and_the_quantile_is_odd(p, df):
    t = t_quantile(p, df)
    assert t_cdf(t, df) == pytest.approx(p, abs=1e-10)
    assert t_quantile(1 - p, df) == pytest.approx(-t, rel=1e-9, abs=1e-12)


def test_incomplete_beta_known_values():
    # I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b
    assert regularized_incomplete_beta(1, 1, 0.3) == pytest.approx(0.3, abs=1e-14)
    assert regularized_incomplete_beta(3, 1, 0.6) == pytest.approx(0.216, abs=1e-14)
    assert regularized_incomplete_beta(1, 4, 0.2) == pytest.approx(1 - 0.8**4, abs=1e-14)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        t_quantile(1.0, 3)
    with pytest.raises(ValueError):
        t_quantile(0.975, 0)

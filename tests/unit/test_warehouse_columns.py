"""The whole-column conversion of the warehouse load gives exactly what the per-value converters give."""

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Float, Integer, String

from kttt_pipeline.warehouse.load import _column_fast, _converter


def reference(sqltype, series: pd.Series) -> list:
    convert = _converter(sqltype, "t.c")
    na = series.isna().to_numpy()
    return [None if m else convert(v) for v, m in zip(series.tolist(), na)]


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        (x is None and y is None)
        or (type(x) is type(y) and (x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))))
        for x, y in zip(a, b)
    )


counts = st.one_of(
    st.none(),
    st.integers(-(2**31) + 1, 2**31 - 1).map(float),
    st.floats(allow_nan=False, width=64),
    st.sampled_from([0.5, 2.5, 1e-10 + 3, 3 - 1e-10, 2**31, -(2**31), float("inf")]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, max_size=30))
def test_float_counts(values):
    series = pd.Series(values, dtype=float)
    fast = _column_fast(Integer(), series)
    if fast is not None:  # None: the column goes the per-value way (some value is not a whole count)
        assert same(fast, reference(Integer(), series))
    else:
        assert any(
            v is not None and (not math.isfinite(v) or abs(v) > 2**31 - 1 or abs(v - round(v)) > 1e-9) for v in values
        )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), max_size=30))
def test_integer_counts(values):
    series = pd.Series(values, dtype=np.int64)
    fast = _column_fast(Integer(), series)
    if fast is not None:
        assert same(fast, reference(Integer(), series))
    else:
        assert any(abs(v) > 2**31 - 1 for v in values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), max_size=30))
def test_floats(values):
    series = pd.Series(values, dtype=float)
    assert same(_column_fast(Float(), series), reference(Float(), series))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers(0, 99), st.floats(0, 99)), max_size=30))
def test_texts(values):
    series = pd.Series(values, dtype=object)
    fast = _column_fast(String(), series)
    if fast is not None:  # only all-text columns take the fast way
        assert same(fast, reference(String(), series))
        assert all(v is None or isinstance(v, str) for v in fast)
    else:
        assert any(
            v is not None and not isinstance(v, str) and not (isinstance(v, float) and math.isnan(v)) for v in values
        )


def test_extension_dtypes_go_the_reference_way():
    assert _column_fast(Integer(), pd.Series([7, None], dtype="Int64")) is None

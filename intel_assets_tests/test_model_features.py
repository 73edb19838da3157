"""How the training frame becomes LightGBM's matrix: text as fixed categories, numbers
written as text as numbers, and a clear error for a value that is neither."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from intel_assets.model.features import FeatureSpec


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "total_charges": ["29.85", " ", "1889.5", None],  # as a CSV export writes them
        "contract": ["Month-to-month", "One year", None, "Two year"],
        "tenure": [1, 34, 2, np.nan],
        "senior": [True, False, False, True],
    })


def test_numbers_written_as_text_are_numeric_with_blanks_missing():
    spec = FeatureSpec.learn(_frame(), _frame().columns)

    matrix = spec.matrix(_frame())

    assert spec.numeric == ("total_charges", "tenure", "senior")
    assert list(spec.categorical) == ["contract"]
    np.testing.assert_array_equal(matrix["total_charges"], [29.85, np.nan, 1889.5, np.nan])


def test_categories_are_the_ones_learned_and_a_new_value_is_missing():
    spec = FeatureSpec.learn(_frame(), _frame().columns)
    later = _frame().assign(contract=["Two year", "Lifetime", None, "One year"])

    matrix = spec.matrix(later)

    assert list(matrix["contract"].cat.categories) == ["Month-to-month", "One year", "Two year"]
    assert matrix["contract"].isna().tolist() == [False, True, True, False]


def test_a_value_that_is_no_number_in_a_numeric_column_is_named_with_its_row():
    spec = FeatureSpec.learn(_frame(), _frame().columns)
    broken = _frame().assign(total_charges=["29.85", "n/a", "1", "2"])

    with pytest.raises(ValueError, match=r"'total_charges' must be numeric; row 1 holds 'n/a'"):
        spec.matrix(broken)


def test_an_identifier_column_is_ignored_while_a_long_list_of_groups_stays():
    rows = 400
    frame = pd.DataFrame({
        "customer_ref": [f"cus_{i:04d}" for i in range(rows)],
        "city": [f"city {i % 120}" for i in range(rows)],  # 120 values, each on 3-4 rows
        "plan": ["team", "starter"] * (rows // 2),
    })

    spec = FeatureSpec.learn(frame, frame.columns)

    assert spec.ignored == ("customer_ref",)
    assert list(spec.categorical) == ["city", "plan"]
    assert "customer_ref" not in spec.matrix(frame)
    assert FeatureSpec.from_dict(spec.to_dict()) == spec


def test_a_stored_spec_from_before_ignored_columns_still_loads():
    spec = FeatureSpec.from_dict({"numeric": ["tenure"], "categorical": {"plan": ["a", "b"]}})

    assert spec.ignored == ()
    assert spec.columns == ["tenure", "plan"]


def test_a_date_column_is_refused_asking_for_its_age_instead():
    frame = _frame().assign(signed_up=pd.to_datetime(["2024-01-01"] * 4))

    with pytest.raises(ValueError, match="'signed_up' holds dates: give the time since it"):
        FeatureSpec.learn(frame, frame.columns)


def test_the_matrix_holds_the_spec_columns_in_order_as_floats_then_categories():
    spec = FeatureSpec.learn(_frame(), _frame().columns)

    matrix = spec.matrix(_frame().iloc[::-1])

    assert list(matrix.columns) == spec.columns
    assert list(matrix.index) == [3, 2, 1, 0]
    assert (matrix.dtypes.iloc[:3] == "float64").all()
    assert matrix["contract"].cat.codes.tolist() == [2, -1, 1, 0]

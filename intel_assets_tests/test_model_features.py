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

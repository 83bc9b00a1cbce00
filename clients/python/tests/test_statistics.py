"""The statistics format for drift, exactly."""

from __future__ import annotations

import math

import pytest

from metalayer.statistics import categorical, dataset_statistics, describe, histogram


def test_histogram_spans_the_values_in_equal_bins_and_counts_none_as_missing() -> None:
    assert histogram([0, 1, 2, 3, 4, None, 8, float("nan")], bins=4) == {
        "type": "numeric",
        "bins": [0.0, 2.0, 4.0, 6.0, 8.0],
        "counts": [2, 2, 1, 1],
        "missing": 2,
    }


def test_histogram_takes_given_edges_and_puts_the_top_edge_in_the_last_bin() -> None:
    assert histogram([10, 19.5, 20, 30, 30], bins=[10, 20, 30]) == {
        "type": "numeric",
        "bins": [10, 20, 30],
        "counts": [2, 3],
        "missing": 0,
    }


def test_histogram_of_one_distinct_value_spans_a_unit_around_it() -> None:
    assert histogram([5, 5, 5], bins=2) == {"type": "numeric", "bins": [4.5, 5.0, 5.5], "counts": [0, 3], "missing": 0}


@pytest.mark.parametrize(
    ("values", "bins", "message"),
    [
        ([1, 50], [0, 10], "value 50 lies outside the bin edges [0, 10]"),
        ([1, 2], [0, 10, 5], "bin edges must be strictly ascending, got [0, 10, 5]"),
        ([1, "a"], 3, "histogram takes finite numbers or None, got 'a'"),
        ([None, None], 3, "no values to bin (all are missing): give the bin edges explicitly"),
        ([1], 0, "bins must be a positive int or a list of edges, got 0"),
        ([1], [math.inf, 2], "bins must be an int or at least two finite edges, got [inf, 2]"),
    ],
)
def test_histogram_refuses_what_it_cannot_bin(values: list, bins: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        histogram(values, bins=bins)  # type: ignore[arg-type]
    assert str(raised.value) == message


def test_categorical_counts_each_value_in_order_of_appearance() -> None:
    entry = categorical(["Paris", "Lyon", "Paris", None, 3])
    assert entry == {"type": "categorical", "counts": {"Paris": 2, "Lyon": 1, "3": 1}, "missing": 1}
    assert list(entry["counts"]) == ["Paris", "Lyon", "3"]


def test_dataset_statistics_assembles_the_whole_object() -> None:
    assert dataset_statistics(3, {"age": histogram([20, 30, None], bins=1), "city": categorical(["Paris"] * 3)}) == {
        "rows": 3,
        "features": {
            "age": {"type": "numeric", "bins": [20.0, 30.0], "counts": [2], "missing": 1},
            "city": {"type": "categorical", "counts": {"Paris": 3}, "missing": 0},
        },
    }


def test_dataset_statistics_refuses_an_entry_of_no_known_type() -> None:
    with pytest.raises(ValueError) as raised:
        dataset_statistics(1, {"x": {"type": "text"}})
    assert str(raised.value) == 'feature "x" needs type "numeric" or "categorical", got \'text\''


def test_describe_picks_histograms_for_numbers_and_counts_for_the_rest() -> None:
    assert describe({"x": [1, 3, None], "flag": [True, False, True]}, bins=2) == {
        "rows": 3,
        "features": {
            "x": {"type": "numeric", "bins": [1.0, 2.0, 3.0], "counts": [1, 1], "missing": 1},
            "flag": {"type": "categorical", "counts": {"True": 2, "False": 1}, "missing": 0},
        },
    }

"""Dataset statistics in the format metalayer compares for drift.

The format, one entry per feature::

    {"rows": 100,
     "features": {
        "age":  {"type": "numeric", "bins": [0, 10, 20], "counts": [4, 6], "missing": 0},
        "city": {"type": "categorical", "counts": {"Paris": 10}, "missing": 0}}}

``bins`` are ascending edges, one more than ``counts``; each bin holds the
values ``>=`` its left edge and ``<`` its right one, the last bin its right
edge too. Counts are non-negative integers; ``None`` (and NaN) count as
``missing``. Pass the result as ``statistics`` to ``register_dataset``: the
server validates this shape (a statistics object with ``features`` off it
is refused with ``BAD_USER_INPUT`` naming the JSON path) and compares it
for drift (docs/analytics.md).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

Number = Union[int, float]
Bins = Union[int, Sequence[Number]]


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _split(values: Iterable[Any]) -> Tuple[List[Any], int]:
    present: List[Any] = []
    missing = 0
    for value in values:
        if _is_missing(value):
            missing += 1
        else:
            present.append(value)
    return present, missing


def _edges(present: Sequence[float], bins: Bins) -> List[Number]:
    """The bin edges: given ones checked, or ``bins`` equal widths spanning the values."""
    if not isinstance(bins, int):
        edges = list(bins)
        if len(edges) < 2 or any(not isinstance(e, Real) or not math.isfinite(e) for e in edges):
            raise ValueError(f"bins must be an int or at least two finite edges, got {edges!r}")
        if any(b <= a for a, b in zip(edges, edges[1:])):
            raise ValueError(f"bin edges must be strictly ascending, got {edges!r}")
        return edges
    if isinstance(bins, bool) or bins < 1:
        raise ValueError(f"bins must be a positive int or a list of edges, got {bins!r}")
    if not present:
        raise ValueError("no values to bin (all are missing): give the bin edges explicitly")
    low, high = min(present), max(present)
    if low == high:
        # One distinct value: a unit-wide range around it, as numpy does.
        low, high = low - 0.5, high + 0.5
    width = (high - low) / bins
    return [float(low + i * width) for i in range(bins)] + [float(high)]


def _bin_of(value: float, edges: Sequence[Number]) -> int:
    low, high = edges[0], edges[-1]
    if value < low or value > high:
        raise ValueError(f"value {value!r} lies outside the bin edges [{low!r}, {high!r}]")
    if value == high:
        return len(edges) - 2
    index = 0
    # Edges are few: a linear scan beats bisect's bookkeeping for the usual ten.
    while value >= edges[index + 1]:
        index += 1
    return index


def histogram(values: Iterable[Optional[Number]], bins: Bins = 10) -> Dict[str, Any]:
    """A numeric feature's entry: ``{"type": "numeric", "bins", "counts", "missing"}``.

    ``bins`` is a number of equal-width bins spanning the values (10 by
    default), or the ascending edges themselves, e.g. a reference dataset's
    edges to compare a new one with. A value outside given edges is a
    ValueError, as is a value that is not a number.
    """
    present, missing = _split(values)
    for value in present:
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise ValueError(f"histogram takes finite numbers or None, got {value!r}")
    edges = _edges(present, bins)
    counts = [0] * (len(edges) - 1)
    for value in present:
        counts[_bin_of(value, edges)] += 1
    return {"type": "numeric", "bins": edges, "counts": counts, "missing": missing}


def categorical(values: Iterable[Optional[Any]]) -> Dict[str, Any]:
    """A categorical feature's entry: ``{"type": "categorical", "counts": {value: n}, "missing"}``.

    Categories are the values as strings, in order of first appearance.
    """
    present, missing = _split(values)
    counts: Dict[str, int] = {}
    for value in present:
        category = str(value)
        counts[category] = counts.get(category, 0) + 1
    return {"type": "categorical", "counts": counts, "missing": missing}


def dataset_statistics(rows: int, features: Mapping[str, Mapping[str, Any]]) -> Dict[str, Any]:
    """The whole statistics object: ``{"rows": rows, "features": {name: entry}}``.

    Each entry comes from :func:`histogram` or :func:`categorical`.
    """
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise ValueError(f"rows must be a non-negative int, got {rows!r}")
    for name, entry in features.items():
        if entry.get("type") not in ("numeric", "categorical"):
            raise ValueError(f'feature "{name}" needs type "numeric" or "categorical", got {entry.get("type")!r}')
    return {"rows": rows, "features": {name: dict(entry) for name, entry in features.items()}}


def describe(columns: Mapping[str, Sequence[Any]], bins: Bins = 10) -> Dict[str, Any]:
    """Statistics of columns of equal length: numbers get a histogram, anything else counts.

    A column is numeric when every value that is not missing is a number.
    """
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns must have equal lengths, got {sorted(lengths)}")
    features: Dict[str, Dict[str, Any]] = {}
    for name, values in columns.items():
        present, _ = _split(values)
        numeric = bool(present) and all(isinstance(v, Real) and not isinstance(v, bool) for v in present)
        features[name] = histogram(values, bins) if numeric else categorical(values)
    return dataset_statistics(lengths.pop() if lengths else 0, features)

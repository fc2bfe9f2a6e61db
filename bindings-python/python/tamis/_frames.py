"""DataFrames, Series, Arrow and numpy data: summaries from their buffers and column-wise masking.

Numbers, booleans and Arrow strings reach the engine as raw buffers (one copy, no Python object
per cell); object columns pass their existing objects. pandas, polars, pyarrow and numpy are
imported only when the data comes from them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tamis._tamis import Policy

Chunk = tuple[Any, ...]


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".", 1)[0]


# --- chunks -------------------------------------------------------------------------------


def _numpy_chunks(a: Any, valid: Any = None) -> list[Chunk]:
    """Chunks of a 1-d numpy array; `valid` is an optional boolean mask (False = null)."""
    import numpy as np

    a = np.asarray(a).ravel()
    validity = None if valid is None else np.asarray(valid, dtype=np.uint8).tobytes()
    kind = a.dtype.kind
    if kind == "f":
        x = a.astype("<f8", copy=False)
        if valid is not None:
            x = np.where(np.asarray(valid, dtype=bool), x, np.nan)
        # The array itself: the engine reads it through the buffer protocol (one copy).
        return [("f64", np.ascontiguousarray(x, dtype=np.float64))]
    if kind in "iu" and not (a.dtype == np.uint64 and a.size and a.max() > np.iinfo(np.int64).max):
        return [("i64", np.ascontiguousarray(a, dtype=np.int64), validity)]
    if kind == "b":
        return [("bool", a.astype(np.uint8).tobytes(), validity)]
    if kind == "M":
        text = np.datetime_as_string(a)
        values = [None if np.isnat(t) else s for t, s in zip(a, text.tolist())]
        return [("objects", values)]
    values = a.tolist()
    if valid is not None:
        values = [v if ok else None for v, ok in zip(values, np.asarray(valid, dtype=bool))]
    return [("objects", values)]


def _arrow_chunks(arr: Any) -> list[Chunk]:
    """Chunks of a pyarrow Array or ChunkedArray."""
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        return [c for chunk in arr.chunks for c in _arrow_chunks(chunk)]
    t = arr.type
    validity = None
    if arr.null_count:
        validity = arr.is_valid().to_numpy(zero_copy_only=False).astype("uint8").tobytes()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        buffers = arr.buffers()
        offsets = buffers[1].to_pybytes() if buffers[1] is not None else b""
        data = buffers[2].to_pybytes() if len(buffers) > 2 and buffers[2] is not None else b""
        width = 8 if pa.types.is_large_string(t) else 4
        if not offsets:
            offsets = b"\0" * width * (arr.offset + len(arr) + 1)
        return [("utf8", offsets, width, data, validity, arr.offset, len(arr))]
    if pa.types.is_string_view(t):
        return _arrow_chunks(arr.cast(pa.large_string()))
    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t):
        import numpy as np

        valid = None if validity is None else np.frombuffer(validity, dtype=np.uint8)
        if pa.types.is_floating(t):
            values = arr.fill_null(float("nan")).to_numpy(zero_copy_only=False)
        elif pa.types.is_boolean(t):
            values = arr.fill_null(False).to_numpy(zero_copy_only=False)
        else:
            values = arr.fill_null(0).to_numpy(zero_copy_only=False)
        return _numpy_chunks(values, valid)
    return [("objects", arr.to_pylist())]


def _pandas_chunks(s: Any) -> list[Chunk]:
    import numpy as np

    dtype = s.dtype
    if type(dtype).__name__ == "ArrowDtype" or (
        type(dtype).__name__ == "StringDtype" and "pyarrow" in str(getattr(dtype, "storage", ""))
    ):
        import pyarrow as pa

        return _arrow_chunks(pa.array(s))
    kind = getattr(dtype, "kind", "O")
    if isinstance(dtype, np.dtype):
        if kind in "fiub":
            return _numpy_chunks(s.to_numpy())
        if kind == "M":
            return _numpy_chunks(s.to_numpy())
        return [("objects", s.tolist())]
    # Extension dtypes (Int64, Float64, boolean, category, ...): values and a null mask.
    valid = ~s.isna().to_numpy()
    if kind in "iu":
        return _numpy_chunks(s.to_numpy(dtype="int64", na_value=0), valid)
    if kind == "f":
        return _numpy_chunks(s.to_numpy(dtype="float64", na_value=np.nan), valid)
    if kind == "b":
        return _numpy_chunks(s.to_numpy(dtype="bool", na_value=False), valid)
    return [("objects", [None if not ok else v for v, ok in zip(s.tolist(), valid)])]


def _polars_chunks(s: Any) -> list[Chunk]:
    import polars as pl

    dtype = s.dtype
    if dtype.is_numeric() or dtype == pl.Boolean:
        valid = None
        if s.null_count():
            valid = (~s.is_null()).to_numpy()
            fill: Any = False if dtype == pl.Boolean else 0
            s = s.fill_null(fill)
        return _numpy_chunks(s.to_numpy(), valid)
    if dtype == pl.String and "pyarrow" in sys.modules or dtype == pl.String and _has_pyarrow():
        try:
            arrow = s.to_arrow(compat_level=pl.CompatLevel.oldest())
        except TypeError:
            arrow = s.to_arrow()
        return _arrow_chunks(arrow)
    return [("objects", s.to_list())]


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _column_chunks(col: Any) -> list[Chunk]:
    mod = _module(col)
    if mod == "pandas":
        return _pandas_chunks(col)
    if mod == "polars":
        return _polars_chunks(col)
    if mod == "pyarrow":
        return _arrow_chunks(col)
    if mod == "numpy":
        return _numpy_chunks(col)
    return [("objects", list(col))]


def _columns(data: Any) -> tuple[bool, list[tuple[Any, list[str], Any]]]:
    """(is a table, [(name, keys, column)])."""
    mod = _module(data)
    if mod == "pandas" and hasattr(data, "columns"):
        return True, [(c, [str(c)], data[c]) for c in data.columns]
    if mod == "polars" and hasattr(data, "columns"):
        return True, [(c, [c], data.get_column(c)) for c in data.columns]
    if mod == "pyarrow" and hasattr(data, "column_names"):
        return True, [(c, [c], data.column(c)) for c in data.column_names]
    if mod in ("pandas", "polars") and hasattr(data, "name"):
        name = data.name
        keys = [] if name is None or name == "" else [str(name)]
        return False, [(name, keys, data)]
    return False, [(None, [], data)]


# --- summaries ----------------------------------------------------------------------------


def summarize(policy: Policy, data: Any, *, context: dict[str, Any] | None = None) -> Any:
    """Privacy-safe statistics: a dict by column for tables (columns whose rule's `min_items`
    is not reached are left out), one summary (or None) for a single column."""
    table, cols = _columns(data)
    request = [(keys, _column_chunks(col)) for _, keys, col in cols]
    results = policy._summarize_columns(request, context=context)
    if not table:
        return results[0]
    return {str(_masked_name(policy, name, context)): r for (name, _, _), r in zip(cols, results) if r is not None}


def summarize_states(
    policy: Policy, data: Any, *, context: dict[str, Any] | None = None
) -> dict[str, str]:
    """Mergeable summary states by column (for Dask / Ray / Spark partitions); combine them
    with `finish_summaries`. States hold values: keep them inside the pipeline."""
    _, cols = _columns(data)
    request = [(keys, _column_chunks(col)) for _, keys, col in cols]
    states = policy._summarize_columns(request, context=context, states=True)
    return {str(name): s for (name, _, _), s in zip(cols, states)}


def finish_summaries(
    policy: Policy, states: list[dict[str, str]], *, context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Merges the states of `summarize_states` from several partitions into summaries."""
    names: list[str] = []
    for part in states:
        names.extend(n for n in part if n not in names)
    out = {}
    for name in names:
        merged = policy._finish_summary(
            [name], [p[name] for p in states if name in p], context=context
        )
        if merged is not None:
            out[str(_masked_name(policy, name, context))] = merged
    return out


# --- masking ------------------------------------------------------------------------------


def _masked_name(policy: Policy, name: Any, context: Any) -> Any:
    """A column's name as the policy writes that key (renamed when a detector finds PII)."""
    (out,) = policy._output_keys([str(name)], context=context)
    return name if out == str(name) else out


def _mask_series_values(policy: Policy, keys: list[str], values: list[Any], context: Any) -> list[Any]:
    return policy._mask_column(keys, values, context=context)


def apply_frame(policy: Policy, data: Any, *, context: Any = None, now: Any = None) -> Any:
    """A DataFrame (or Series) of the same library with each column masked as the policy masks
    that key of a record. With `[access]` or `[[retention]]`, which act on whole rows, rows go
    through `apply_many` instead (dropped rows are left out)."""
    mod = _module(data)
    is_table = hasattr(data, "columns")
    if policy._has_record_stages:
        return _apply_rows(policy, data, mod, is_table, context, now)
    if not is_table:
        name = data.name
        keys = [] if name is None or name == "" else [str(name)]
        values = _mask_one(policy, keys, data, mod, context)
        if values is None:
            return data.iloc[0:0] if mod == "pandas" else data.clear()
        return values
    out: dict[Any, Any] = {}
    for name in data.columns:
        col = data[name] if mod == "pandas" else data.get_column(name)
        masked = _mask_one(policy, [str(name)], col, mod, context)
        if masked is None:
            continue
        new_name = _masked_name(policy, name, context)
        out[new_name] = masked
    if mod == "pandas":
        import pandas as pd

        index = data.index
        if not isinstance(index, pd.RangeIndex):
            key = [str(index.name)] if index.name is not None else ["index"]
            plan = policy._column_plan(key, context=context)
            if plan != "keep" or index.dtype.kind == "O":
                index = pd.Index(
                    _mask_series_values(policy, key, index.tolist(), context), name=index.name
                )
        frame = pd.DataFrame({n: _rename(s, n) for n, s in out.items()}, index=index)
        return frame
    import polars as pl

    return pl.DataFrame([_rename(s, n) for n, s in out.items()])


def _has_integral(values: Any) -> bool:
    """Whether a float column holds an integral value other than 0 (`4111111111111111.0`):
    detectors scan those as integers, so the column is masked cell by cell."""
    import numpy as np

    x = np.asarray(values, dtype=np.float64)
    return bool(np.any(np.isfinite(x) & (x == np.trunc(x)) & (x != 0)))


def _rename(series: Any, name: Any) -> Any:
    if _module(series) == "pandas":
        return series.rename(name)
    return series.alias(str(name))


def _mask_one(policy: Policy, keys: list[str], col: Any, mod: str, context: Any) -> Any:
    """The masked column, or None when the policy removes it."""
    plan = policy._column_plan(keys, context=context)
    if plan == "drop":
        return None
    if mod == "pandas":
        import pandas as pd

        if (plan == "keep" and col.dtype.kind != "O") or (
            plan == "detect" and (col.dtype.kind == "b" or (col.dtype.kind == "f" and not _has_integral(col.to_numpy())))
        ):
            return col.copy()
        values = _mask_series_values(policy, keys, col.tolist(), context)
        return pd.Series(values, index=col.index, name=col.name, dtype=object)
    import polars as pl

    scalar = col.dtype != pl.Object and not col.dtype.is_nested()
    if (plan == "keep" and scalar) or (
        plan == "detect"
        and (col.dtype == pl.Boolean or (col.dtype.is_float() and not _has_integral(col.to_numpy())))
    ):
        return col.clone()
    values = _mask_series_values(policy, keys, col.to_list(), context)
    return pl.Series(col.name, values, strict=False)


def _apply_rows(policy: Policy, data: Any, mod: str, is_table: bool, context: Any, now: Any) -> Any:
    if mod == "pandas":
        import pandas as pd

        frame = data if is_table else data.to_frame()
        rows = frame.to_dict("records")
        return pd.DataFrame(policy.apply_many(rows, context=context, now=now))
    import polars as pl

    frame = data if is_table else data.to_frame()
    return pl.DataFrame(policy.apply_many(frame.to_dicts(), context=context, now=now))

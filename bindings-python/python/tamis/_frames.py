"""DataFrames, Series, Arrow and numpy data: summaries from their buffers and column-wise masking.

Numbers, booleans and Arrow strings reach the engine as raw buffers (one copy, no Python object
per cell); object columns pass their existing objects. pandas, polars, pyarrow and numpy are
imported only when the data comes from them.
"""

from __future__ import annotations

import re
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
    if mod == "polars" and type(data).__name__ == "LazyFrame":
        data = data.collect()
    if is_column_batch(data):
        return True, [(c, [str(c)], v) for c, v in data.items()]
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
    names = masked_names(policy, [name for name, _, _ in cols], context)
    return {str(n): r for n, r in zip(names, results) if r is not None}


def summarize_states(
    policy: Policy, data: Any, *, context: dict[str, Any] | None = None
) -> dict[str, str]:
    """Mergeable summary states by column (for Dask / Ray / Spark partitions); combine them
    with `finish_summaries`. States hold values: keep them inside the pipeline."""
    _, cols = _columns(data)
    request = [(keys, _column_chunks(col)) for _, keys, col in cols]
    states = policy._summarize_columns(request, context=context, states=True)
    return {str(name): s for (name, _, _), s in zip(cols, states)}


def kept_rows(policy: Policy, batch: Any, *, context: Any = None, now: Any = None) -> Any:
    """Which rows of an Arrow table or batch the policy's record stages keep (`[access]`,
    `[[retention]]`; a row quarantined as too large is not kept), as a boolean Arrow array;
    None when the policy has no record stages. Summaries are of the kept rows, as
    `tamis summarize` summarises records after access and retention."""
    if not policy._has_record_stages:
        return None
    import pyarrow as pa

    keep = []
    for row in _pylist(batch):
        out = policy.apply(row, context=context, now=now)
        quarantined = isinstance(out, dict) and len(out) == 1 and "tamis_quarantined" in out
        keep.append(out is not None and not quarantined)
    return pa.array(keep, type=pa.bool_())


def finish_summaries(
    policy: Policy, states: list[dict[str, str]], *, context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Merges the states of `summarize_states` from several partitions into summaries."""
    names: list[str] = []
    for part in states:
        names.extend(n for n in part if n not in names)
    out = {}
    for name, new in zip(names, masked_names(policy, names, context)):
        merged = policy._finish_summary(
            [name], [p[name] for p in states if name in p], context=context
        )
        if merged is not None:
            out[str(new)] = merged
    return out


# --- masking ------------------------------------------------------------------------------
#
# A table comes back as a table of the same library (pandas, polars DataFrame or LazyFrame,
# pyarrow Table or RecordBatch, a dict of numpy arrays), each column masked as the policy masks
# that key of a record. Column types: a column the policy leaves alone is the same object's
# data; a masked column keeps its type when every value the action writes has that type (nullify
# and dropped values always; replace, redact, partial, hash on string columns; generalize when it
# writes numbers into a number column); otherwise the column becomes strings (numbers as their
# text, containers as JSON). Object columns stay object columns.


def _masked_name(policy: Policy, name: Any, context: Any) -> Any:
    """A column's name as the policy writes that key (renamed when a detector finds PII)."""
    (out,) = policy._output_keys([str(name)], context=context)
    return name if out == str(name) else out


_NUMBERED = re.compile(r"^\[([^\]:]+):(\d+)\]$")


def masked_names(policy: Policy, names: list[Any], context: Any) -> list[Any]:
    """The names of sibling keys or columns as the policy writes them: renamed ones numbered
    in order, as `apply` numbers the keys of one map (`[email:1]`, `[email:2]`), so no two
    collide."""
    out: list[Any] = []
    used: set[str] = set()
    for name in names:
        new = _masked_name(policy, name, context)
        if new is not name and isinstance(new, str):
            m = _NUMBERED.match(new)
            n = int(m.group(2)) if m else 1
            while new in used or str(new) in map(str, names):
                n += 1
                new = f"[{m.group(1)}:{n}]" if m else f"{new}#{n}"
        used.add(str(new))
        out.append(new)
    return out


def is_column_batch(data: Any) -> bool:
    """A dict of equally long numpy arrays (a Ray or numpy batch)."""
    if not isinstance(data, dict) or not data:
        return False
    lengths = set()
    for v in data.values():
        if _module(v) != "numpy" or type(v).__name__ != "ndarray" or v.ndim < 1:
            return False
        lengths.add(len(v))
    return len(lengths) == 1


def _as_text(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):  # as the engine reads bytes: UTF-8 text, else a marker
        try:
            return bytes(v).decode("utf-8")
        except UnicodeDecodeError:
            return "<bytes>"
    if isinstance(v, float) and v != v:  # NaN is a missing value, not the text "nan"
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (bool, int, float)):
        return str(v).lower() if isinstance(v, bool) else str(v)
    if isinstance(v, (dict, list, tuple)):
        import json

        return json.dumps(v, default=str, ensure_ascii=False)
    return str(v)


def _same_kind(values: list[Any], kind: type | tuple[type, ...]) -> bool:
    return all(v is None or (isinstance(v, kind) and not (kind is int and isinstance(v, bool))) for v in values)


def _needs_cells(plan: str, kind: str, values: Any) -> bool:
    """Whether a column must be masked value by value. `kind` is a numpy-style kind letter
    ("b" bool, "f" float, "i"/"u" integers, "M"/"m" times, "U" text, "O" anything)."""
    if plan == "keep":
        return kind == "O"
    if plan == "detect":
        return not (kind == "b" or (kind == "f" and not _has_integral(values())))
    return True


def _has_integral(values: Any) -> bool:
    """Whether a float column holds an integral value other than 0 (`4111111111111111.0`):
    detectors scan those as integers, so the column is masked cell by cell."""
    import numpy as np

    x = np.asarray(values, dtype=np.float64)
    return bool(np.any(np.isfinite(x) & (x == np.trunc(x)) & (x != 0)))


def apply_frame(policy: Policy, data: Any, *, context: Any = None, now: Any = None) -> Any:
    """`Policy.apply` of a table or column: the same kind of object, masked column by column.
    With `[access]` or `[[retention]]`, which act on whole rows, rows go through `apply_many`
    (dropped rows are left out)."""
    mod = _module(data)
    if mod == "polars" and type(data).__name__ == "LazyFrame":
        return _apply_lazy(policy, data, context, now)
    if mod == "pyarrow":
        return _apply_arrow(policy, data, context, now)
    if isinstance(data, dict):
        return _apply_numpy_batch(policy, data, context, now)
    is_table = hasattr(data, "columns")
    if policy._has_record_stages:
        return _apply_rows(policy, data, mod, is_table, context, now)
    if not is_table:
        name = data.name
        keys = [] if name is None or name == "" else [str(name)]
        values = _mask_one(policy, keys, data, mod, context)
        if values is None:
            return data.iloc[0:0] if mod == "pandas" else data.clear()
        if mod == "pandas":
            values = values.set_axis(_masked_index(policy, data.index, context))
        return values
    out: dict[Any, Any] = {}
    for name, new in zip(data.columns, masked_names(policy, list(data.columns), context)):
        col = data[name] if mod == "pandas" else data.get_column(name)
        masked = _mask_one(policy, [str(name)], col, mod, context)
        if masked is None:
            continue
        out[new] = masked
    if mod == "pandas":
        import pandas as pd

        index = _masked_index(policy, data.index, context)
        # Each column takes the (masked) index by position, never by realigning labels.
        return pd.DataFrame({n: _rename(s, n).set_axis(index) for n, s in out.items()}, index=index)
    import polars as pl

    return pl.DataFrame([_rename(s, n) for n, s in out.items()])


def _masked_index(policy: Policy, index: Any, context: Any) -> Any:
    """A pandas index masked as the key `index` (or its name) is: labels are data too."""
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return index
    key = [str(index.name)] if index.name is not None else ["index"]
    plan = policy._column_plan(key, context=context)
    if plan == "keep" and index.dtype.kind != "O":
        return index
    return pd.Index(policy._mask_column(key, index.tolist(), context=context), name=index.name)


def _rename(series: Any, name: Any) -> Any:
    if _module(series) == "pandas":
        return series.rename(name)
    return series.alias(str(name))


def _mask_one(policy: Policy, keys: list[str], col: Any, mod: str, context: Any) -> Any:
    """A masked pandas or polars column, or None when the policy removes it."""
    plan = policy._column_plan(keys, context=context)
    if plan == "drop":
        return None
    if mod == "pandas":
        return _mask_pandas(policy, keys, col, plan, context)
    return _mask_polars(policy, keys, col, plan, context)


def _mask_pandas(policy: Policy, keys: list[str], col: Any, plan: str, context: Any) -> Any:
    import numpy as np
    import pandas as pd

    dtype = col.dtype
    is_text = pd.api.types.is_string_dtype(dtype) and dtype != object
    kind = "U" if is_text else ("O" if dtype == object else getattr(dtype, "kind", "O"))
    if not _needs_cells(plan, kind, lambda: col.to_numpy(dtype="float64", na_value=np.nan)):
        return col.copy()
    values = col.tolist()
    missing = col.isna().to_numpy()
    if missing.any():  # pd.NA and NaT are null; a float NaN stays a float
        values = [None if m and not isinstance(v, float) else v for v, m in zip(values, missing)]
    values = policy._mask_column(keys, values, context=context)
    if kind == "O":
        return pd.Series(values, index=col.index, name=col.name, dtype=object)
    natural: Any = {"U": str, "b": bool, "i": int, "u": int, "f": (int, float)}.get(kind)
    if natural is not None and _same_kind(values, natural):
        try:
            return pd.Series(values, index=col.index, name=col.name, dtype=dtype)
        except (TypeError, ValueError, OverflowError):
            pass
    if kind in "Mm" and all(v is None or not isinstance(v, str) for v in values):
        return pd.Series(values, index=col.index, name=col.name, dtype=dtype)
    return pd.Series([_as_text(v) for v in values], index=col.index, name=col.name)


def _mask_polars(policy: Policy, keys: list[str], col: Any, plan: str, context: Any) -> Any:
    import polars as pl

    dtype = col.dtype
    if dtype == pl.Object or dtype.is_nested():
        kind = "O"
    elif dtype == pl.String or dtype == pl.Categorical or dtype == pl.Enum:
        kind = "U"
    elif dtype == pl.Boolean:
        kind = "b"
    elif dtype.is_float():
        kind = "f"
    elif dtype.is_integer():
        kind = "i"
    else:
        kind = "M"
    if not _needs_cells(plan, kind, lambda: col.cast(pl.Float64).fill_null(0).to_numpy()):
        return col.clone()
    values = policy._mask_column(keys, col.to_list(), context=context)
    if kind == "O":
        # The nested type only while the masked items still fit it as they are (a renamed or
        # removed key must not come back under its old name as a null); else what polars infers.
        for build in (lambda: pl.Series(col.name, values, dtype=dtype), lambda: pl.Series(col.name, values, strict=False)):
            try:
                series = build()
            except Exception:
                continue
            if series.to_list() == values:
                return series
        return pl.Series(col.name, values, dtype=pl.Object)
    natural: Any = {"U": str, "b": bool, "i": int, "f": (int, float)}.get(kind)
    if natural is not None and _same_kind(values, natural):
        try:
            return pl.Series(col.name, values, dtype=dtype, strict=True)
        except Exception:
            pass
    if kind == "M" and all(v is None or not isinstance(v, str) for v in values):
        return pl.Series(col.name, values, dtype=dtype)
    return pl.Series(col.name, [_as_text(v) for v in values], dtype=pl.String)


def _apply_lazy(policy: Policy, data: Any, context: Any, now: Any) -> Any:
    """A LazyFrame, collected and masked, as a LazyFrame again. Not masked lazily: a lazy plan
    holds its source, so the raw frame would travel with it (pickled to Dask or Ray workers,
    serialized) and its schema would name raw columns."""
    return apply_frame(policy, data.collect(), context=context, now=now).lazy()


def _arrow_kind(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "U"
    if pa.types.is_boolean(t):
        return "b"
    if pa.types.is_floating(t):
        return "f"
    if pa.types.is_integer(t):
        return "i"
    if pa.types.is_temporal(t):
        return "M"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "B"  # bytes: no keys inside, so a column no rule or detector reaches stays as it is
    return "O"


def _to_arrow(values: list[Any], t: Any, kind: str) -> Any:
    """Masked values as an Arrow array: of type `t` when they fit it, else strings."""
    import pyarrow as pa

    natural: Any = {"U": str, "b": bool, "i": int, "f": (int, float)}.get(kind)
    fits = (
        _same_kind(values, natural)
        if natural is not None
        else all(v is None or not isinstance(v, str) for v in values)
    )
    if fits:
        try:
            arr = pa.array(values, type=t)
            # A nested type keeps its field names: only when the masked items still have them
            # (a renamed or removed key must not come back under its old name as a null).
            if kind != "O" or _pylist(arr) == values:
                return arr
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            pass
        if kind == "O":
            try:  # a nested column whose masked items changed shape: its new shape
                return pa.array(values)
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                pass
    text = pa.large_string() if pa.types.is_large_string(t) else pa.string()
    return pa.array([_as_text(v) for v in values], type=text)


def _pylist(col: Any) -> list[Any]:
    """An Arrow column's values; maps as dicts, so key rules see their keys."""
    try:
        return col.to_pylist(maps_as_pydicts="lossy")
    except TypeError:  # an older pyarrow
        return col.to_pylist()


def _mask_arrow_column(policy: Policy, keys: list[str], col: Any, context: Any) -> Any:
    """A masked pyarrow Array or ChunkedArray, or None when the policy removes it."""
    import pyarrow as pa

    plan = policy._column_plan(keys, context=context)
    if plan == "drop":
        return None
    kind = _arrow_kind(col.type)

    def floats() -> Any:
        return col.cast(pa.float64()).fill_null(0).to_numpy()

    if not _needs_cells(plan, kind, floats):
        return col
    if kind == "U":
        fast = _mask_arrow_strings(policy, keys, col, context)
        if fast is not None:
            return fast
    if kind == "i" and plan == "detect":
        # Detectors rarely find anything in integers: checked from the buffers first.
        chunks = _arrow_chunks(col)
        if all(c[0] == "i64" for c in chunks) and all(
            policy._i64_unchanged(keys, c, context=context) for c in chunks
        ):
            return col
    values = policy._mask_column(keys, _pylist(col), context=context)
    arr = _to_arrow(values, col.type, kind)
    return pa.chunked_array([arr]) if isinstance(col, pa.ChunkedArray) else arr


def _mask_arrow_strings(policy: Policy, keys: list[str], col: Any, context: Any) -> Any:
    """A string column masked from its Arrow buffers (no Python object per cell), of its own
    type; None when a masked cell is not text (then the column is masked value by value)."""
    import numpy as np
    import pyarrow as pa

    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    out = []
    for chunk in chunks:
        if pa.types.is_string_view(chunk.type):
            chunk = chunk.cast(pa.large_string())
        [piece] = _arrow_chunks(chunk)
        masked = policy._mask_utf8(keys, piece, context=context)
        if masked is None:
            return None
        offsets, data, valid = masked
        bitmap = None
        if valid is not None:
            bitmap = pa.py_buffer(np.packbits(np.frombuffer(valid, dtype=np.uint8), bitorder="little").tobytes())
        arr = pa.Array.from_buffers(
            pa.large_string(), len(chunk), [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        out.append(arr if arr.type == col.type else arr.cast(col.type))
    return pa.chunked_array(out, type=col.type) if isinstance(col, pa.ChunkedArray) else out[0]


def _apply_arrow(policy: Policy, data: Any, context: Any, now: Any) -> Any:
    import pyarrow as pa

    is_batch = isinstance(data, pa.RecordBatch)
    if not isinstance(data, (pa.Table, pa.RecordBatch)):  # an Array or ChunkedArray
        return _mask_arrow_column(policy, [], data, context)
    if policy._has_record_stages:
        rows = policy.apply_many(_pylist(data), context=context, now=now)
        return _rows_to_arrow(policy, rows, data.schema, is_batch, context)
    names, arrays = [], []
    for name, new in zip(data.column_names, masked_names(policy, list(data.column_names), context)):
        masked = _mask_arrow_column(policy, [name], data.column(name), context)
        if masked is not None:
            names.append(str(new))
            arrays.append(masked)
    if is_batch:
        arrays = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
        return pa.RecordBatch.from_arrays(arrays, names=names)
    return pa.table(dict(zip(names, arrays))) if names else data.schema.empty_table().select([])


def _row_columns(rows: list[Any]) -> dict[str, list[Any]]:
    """Rows (dicts) as columns, in the order keys first appear; a missing key is None."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return {n: [row.get(n) for row in rows] for n in names}


def _rows_to_arrow(policy: Policy, rows: list[Any], schema: Any, is_batch: bool, context: Any) -> Any:
    import pyarrow as pa

    cols = _row_columns(rows)
    if not cols:  # no row left: the schema's columns, empty, under their masked names
        names = masked_names(policy, list(schema.names), context)
        empty = [pa.array([], type=f.type) for f in schema]
        if is_batch:
            return pa.RecordBatch.from_arrays(empty, names=[str(n) for n in names])
        return pa.table(dict(zip(map(str, names), empty)))
    types = {f.name: f.type for f in schema}
    arrays = []
    for name, values in cols.items():
        t = types.get(name)
        arrays.append(_to_arrow(values, t, _arrow_kind(t)) if t is not None else pa.array(values))
    names = list(cols)
    if is_batch:
        return pa.RecordBatch.from_arrays(arrays, names=names)
    return pa.table(dict(zip(names, arrays)))


def _numpy_kind(a: Any) -> str:
    k = a.dtype.kind
    return {"S": "O", "V": "O", "u": "i"}.get(k, k)


def _to_numpy(values: list[Any], original: Any) -> Any:
    import numpy as np

    kind = _numpy_kind(original)
    if not values:
        return original[:0].copy()
    natural: Any = {"U": str, "b": bool, "i": int, "f": (int, float)}.get(kind)
    if natural is not None and all(v is not None for v in values) and _same_kind(values, natural):
        try:
            return np.array(values, dtype=original.dtype if kind != "U" else None)
        except (TypeError, ValueError, OverflowError):
            pass
    if kind == "O":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    return np.array([_as_text(v) for v in values], dtype=object)


def _numpy_values(arr: Any) -> list[Any]:
    """A numpy column's values as the engine reads them: times as ISO text (None for NaT),
    structured rows as dicts of their fields, matrix rows as lists, scalars as Python values."""
    import numpy as np

    if arr.dtype.kind in "Mm" and arr.ndim == 1:
        text = np.datetime_as_string(arr).tolist() if arr.dtype.kind == "M" else [str(t) for t in arr]
        return [None if np.isnat(t) else s for t, s in zip(arr, text)]
    if arr.dtype.names:
        return [dict(zip(arr.dtype.names, row)) for row in arr.tolist()]
    return arr.tolist()


def _apply_numpy_batch(policy: Policy, data: dict[str, Any], context: Any, now: Any) -> dict[str, Any]:
    """A dict of equally long numpy arrays (Ray's numpy batch format), column by column."""
    import numpy as np

    if policy._has_record_stages:
        n = len(next(iter(data.values())))
        values = {k: _numpy_values(v) for k, v in data.items()}
        rows = [{k: v[i] for k, v in values.items()} for i in range(n)]
        out_rows = policy.apply_many(rows, context=context, now=now)
        cols = _row_columns(out_rows)
        if not cols:  # no row left: every column, empty
            names = masked_names(policy, list(data), context)
            return {new: v[:0].copy() for new, v in zip(names, data.values())}
        out = {}
        for k, v in cols.items():
            original = data.get(k)
            if original is not None and original.dtype.kind in "Mm" and all(x is None or isinstance(x, str) for x in v):
                try:  # times kept as they came (ISO text back to the array's type)
                    out[k] = np.array([x if x is not None else "NaT" for x in v], dtype=original.dtype)
                    continue
                except ValueError:
                    pass
            out[k] = _to_numpy(v, original) if original is not None and original.ndim == 1 else _objects(v)
        return out
    out = {}
    for (name, arr), new in zip(data.items(), masked_names(policy, list(data), context)):
        keys = [str(name)]
        plan = policy._column_plan(keys, context=context)
        if plan == "drop":
            continue
        kind = _numpy_kind(arr) if not arr.dtype.names else "O"
        if not _needs_cells(plan, kind, lambda: arr.astype(np.float64)):
            arr = arr.copy()
        elif kind in "Mm" and arr.ndim == 1:  # times as their ISO text; unchanged text keeps the array
            text = _numpy_values(arr)
            masked = policy._mask_column(keys, text, context=context)
            arr = arr.copy() if masked == text else _to_numpy(masked, arr)
        elif arr.ndim > 1 and not arr.dtype.names:  # rows of a matrix (embeddings): each row one list
            masked = policy._mask_column(keys, arr.tolist(), context=context)
            try:
                arr = np.array(masked, dtype=arr.dtype)
            except (TypeError, ValueError, OverflowError):
                arr = _objects(masked)
        else:
            values = _numpy_values(arr)
            masked = policy._mask_column(keys, values, context=context)
            arr = _objects(masked) if arr.dtype.names else _to_numpy(masked, arr)
        out[new] = arr
    return out


def _objects(values: list[Any]) -> Any:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _apply_rows(policy: Policy, data: Any, mod: str, is_table: bool, context: Any, now: Any) -> Any:
    if mod == "pandas":
        import pandas as pd

        frame = data if is_table else data.to_frame()
        rows = frame.to_dict("records")
        return pd.DataFrame(policy.apply_many(rows, context=context, now=now))
    import polars as pl

    frame = data if is_table else data.to_frame()
    return pl.DataFrame(policy.apply_many(frame.to_dicts(), context=context, now=now))

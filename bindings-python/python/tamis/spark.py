"""Spark: DataFrames masked and summarised with a policy, columnar on the executors.

    from pyspark.sql import SparkSession
    import tamis
    from tamis.spark import mask, summarize

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    policy = tamis.Policy.from_toml('''
    version = 1
    name = "spark"
    [[rule]]
    id = "pii"
    detect = ["email"]
    action = "replace"
    [[summarize]]
    id = "latency"
    paths = ["duration_ms"]
    min_items = 10
    ''')
    df = spark.createDataFrame([(f"u{i}@example.com", float(i)) for i in range(100)], "user string, duration_ms double")
    masked = mask(df, policy)                 # a DataFrame, masked when an action runs
    masked.show(3)
    print(summarize(df, policy)["duration_ms"]["tamis_summary"]["count"])   # 100

`mask` runs `Policy.apply` on Arrow record batches on the executors (`mapInArrow`); the policy
is broadcast, so each executor unpickles it once. Spark needs the result's schema before it
sees a row, so it is decided from the policy and the input schema alone (`masked_schema`):
- a column no rule selects and no detector scans keeps its type; a column a `redact` rule
  selects is left out; names a detector finds something in are renamed, as `apply` renames
  keys;
- a string column stays a string column; a column a rule selects (other than `redact`) becomes
  a string column (numbers that stay are written as their text: `hash`, `replace`, `partial`
  write text into any column);
- a number or boolean column that only detectors scan keeps its type; a cell a detector
  changes (a card number held as a long) becomes null there, since its masked text is not a
  number, and is counted (`values_nulled`);
- an array, map or struct column that a rule or detector can change becomes its JSON text.
With `[access]` or `[[retention]]`, rows go through the record stages and dropped rows leave the
batch. `mask(..., report=True)` returns `(DataFrame, SparkReport)`: counts gathered on the
driver by accumulators as actions run (records in and out, values nulled), never values.

`summarize` computes mergeable summary states per Arrow batch on the executors and merges them
on the driver in the rows' order (`tamis.finish_summaries`). The states hold values and stay
inside the job; only the finished summaries (privacy rules applied) come back.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from tamis._frames import _as_text, finish_summaries, masked_names, summarize_states
from tamis._tamis import Policy

__all__ = ["SparkReport", "mask", "masked_schema", "summarize"]


def _kind(t: Any) -> str:
    """`s` string, `n` number or boolean, `x` nested, `o` other (dates, binary, ...)."""
    from pyspark.sql import types as T

    if isinstance(t, (T.StringType, T.VarcharType, T.CharType)):
        return "s"
    if isinstance(t, (T.NumericType, T.BooleanType)):
        return "n"
    if isinstance(t, (T.ArrayType, T.MapType, T.StructType)):
        return "x"
    return "o"


def masked_schema(schema: Any, policy: Policy, *, context: dict[str, Any] | None = None) -> Any:
    """The schema `mask` gives a DataFrame of `schema` (see the module documentation)."""
    from pyspark.sql import types as T

    fields = []
    for field, new in zip(schema.fields, masked_names(policy, list(schema.names), context)):
        plan = policy._column_plan([field.name], context=context)
        if plan == "drop":
            continue
        t = field.dataType
        kind = _kind(t)
        if plan == "keep" or kind == "s" or (plan == "detect" and kind == "n"):
            out = t
        else:
            out = T.StringType()
        fields.append(T.StructField(str(new), out, nullable=True))
    return T.StructType(fields)


class SparkReport:
    """Counts of a `mask`ed DataFrame's runs, added up on the driver as Spark actions run:
    `records_in`, `records_out`, `values_nulled` (cells a detector changed in a number column).
    Each action that computes the DataFrame adds to them again (Spark's accumulators)."""

    def __init__(self, spark_context: Any, policy: Policy) -> None:
        self._policy = {"name": policy.name, "id": policy.id}
        self._in = spark_context.accumulator(0)
        self._out = spark_context.accumulator(0)
        self._nulled = spark_context.accumulator(0)

    def as_dict(self) -> dict[str, Any]:
        records_in, records_out = self._in.value, self._out.value
        return {
            "policy": dict(self._policy),
            "records": {"in": records_in, "out": records_out, "dropped": records_in - records_out},
            "values_nulled": self._nulled.value,
        }

    def __repr__(self) -> str:
        return f"SparkReport({self.as_dict()!r})"


def _conform(batch: Any, schema: Any) -> tuple[Any, int]:
    """`batch` (masked) with the columns and types of `schema` (an Arrow schema); cells that
    cannot take their column's type are null. Returns the batch and how many cells were nulled."""
    import pyarrow as pa

    arrays, nulled = [], 0
    names = set(batch.schema.names)
    for field in schema:
        if field.name not in names:  # every row dropped by a stage that wrote no columns
            arrays.append(pa.nulls(batch.num_rows, type=field.type))
            continue
        col = batch.column(field.name)
        if col.type == field.type:
            arrays.append(col)
            continue
        values = col.to_pylist()
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            arrays.append(pa.array([_as_text(v) for v in values], type=field.type))
            continue
        try:
            arrays.append(col.cast(field.type, safe=True))
            continue
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            pass
        # A number column only detectors scan: `apply` wrote it as text because some cell was
        # masked; cells that are still numbers read back, masked text becomes null.
        kept = []
        for v in values:
            cell = _as_number(v, field.type)
            if cell is None and v is not None:
                nulled += 1
            kept.append(cell)
        arrays.append(pa.array(kept, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema), nulled


def _as_number(v: Any, t: Any) -> Any:
    """`v` as a cell of the number or boolean Arrow type `t`, or None when it is not one."""
    import pyarrow as pa

    if isinstance(v, str):
        text = v.strip()
        try:
            if pa.types.is_boolean(t):
                v = {"true": True, "false": False}[text]
            elif pa.types.is_integer(t):
                v = int(text)
            else:
                v = float(text)
        except (KeyError, ValueError):
            return None
    try:
        return pa.scalar(v, type=t).as_py()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return None


def mask(
    df: Any,
    policy: Policy,
    *,
    context: dict[str, Any] | None = None,
    now: Any = None,
    report: bool = False,
) -> Any:
    """`df` masked by `policy` (a new DataFrame; nothing runs until an action). With
    `report=True`, `(DataFrame, SparkReport)`."""
    from pyspark.sql.pandas.types import to_arrow_schema

    spark = df.sparkSession
    schema = masked_schema(df.schema, policy, context=context)
    arrow_schema = to_arrow_schema(schema)
    shared = spark.sparkContext.broadcast(policy)
    counts = SparkReport(spark.sparkContext, policy)
    acc_in, acc_out, acc_nulled = counts._in, counts._out, counts._nulled

    names = list(df.columns)

    def masked(batches: Iterator[Any]) -> Iterator[Any]:
        p = shared.value
        for batch in batches:
            out, nulled = _conform(p.apply(_named(batch, names), context=context, now=now), arrow_schema)
            acc_in.add(batch.num_rows)
            acc_out.add(out.num_rows)
            if nulled:
                acc_nulled.add(nulled)
            yield out

    result = _positional(df).mapInArrow(masked, schema)
    return (result, counts) if report else result


def _positional(df: Any) -> Any:
    """`df` with its columns named by position (`c0`, `c1`, ...): Spark reads a name with a dot
    (`jane@example.com`) as a field of a struct when it hands the columns to `mapInArrow`. The
    batches get their own names back on the executors (`_named`)."""
    return df.toDF(*[f"c{i}" for i in range(len(df.columns))])


def _named(batch: Any, names: list[str]) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(batch.columns, names=names)


def summarize(df: Any, policy: Policy, *, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summaries of `df`'s columns, as `Policy.summarize` gives for all rows at once (merged in
    the rows' order)."""
    from pyspark.sql import types as T

    shared = df.sparkSession.sparkContext.broadcast(policy)
    names = list(df.columns)

    def states(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        p = shared.value
        for batch in batches:
            state = json.dumps(summarize_states(p, _named(batch, names), context=context))
            yield pa.record_batch({"tamis_states": pa.array([state], type=pa.string())})

    schema = T.StructType([T.StructField("tamis_states", T.StringType())])
    # `collect` keeps the partitions' order, and a partition's batches come in its rows' order.
    rows = _positional(df).mapInArrow(states, schema).collect()
    return finish_summaries(policy, [json.loads(r["tamis_states"]) for r in rows], context=context)

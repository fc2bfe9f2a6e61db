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
- a number, boolean, date or timestamp column that only detectors scan keeps its type; a cell
  a detector changes (a card number held as a long) becomes null there, since its masked text
  is not a number, and is counted (`values_nulled`);
- an array, map or struct column becomes its JSON text (a rule inside it may remove or rename
  fields); a binary or date column no rule or detector reaches keeps its type, else it is text.
Columns with the same name, or names that would be the same once masked, are refused (say
which by position): rows are matched to columns by name.
With `[access]` or `[[retention]]`, rows go through the record stages and dropped rows leave the
batch. `mask(..., report=True)` returns `(DataFrame, SparkReport)`: counts gathered on the
driver by accumulators as actions run (records in and out, values nulled), never values.

`summarize` computes mergeable summary states per Arrow batch on the executors and merges them
on the driver in the rows' order (`tamis.finish_summaries`). The states hold values and stay
inside the job; only the finished summaries (privacy rules applied) come back.
"""

from __future__ import annotations

import decimal
import json
from typing import Any, Iterator

from tamis._frames import _as_text, finish_summaries, kept_rows, masked_names, summarize_states
from tamis._tamis import Policy, TamisError

__all__ = ["SparkReport", "mask", "masked_schema", "summarize"]


def _kind(t: Any) -> str:
    """`s` string, `n` number, boolean, date or timestamp, `x` nested, `o` other (binary,
    intervals)."""
    from pyspark.sql import types as T

    if isinstance(t, (T.StringType, T.VarcharType, T.CharType)):
        return "s"
    if isinstance(t, (T.NumericType, T.BooleanType, T.DateType, T.TimestampType, T.TimestampNTZType)):
        return "n"  # scalars with a type of their own: a cell a detector changes becomes null
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
        # A nested column is text whatever the plan: rules on paths and keys inside it can
        # remove or rename its fields, which its Spark type could not say.
        if kind != "x" and (plan == "keep" or kind == "s" or (plan == "detect" and kind == "n")):
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
        text = (pa.types.is_string, pa.types.is_large_string)
        if any(t(field.type) for t in text) and any(t(col.type) for t in text):
            arrays.append(col.cast(field.type))  # the other width of string: buffers, no cells
            continue
        values = col.to_pylist()
        if any(t(field.type) for t in text):
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
            elif pa.types.is_decimal(t):
                v = decimal.Decimal(text)
            elif pa.types.is_temporal(t):
                v = pa.array([text.replace(" ", "T", 1)], pa.string()).cast(t)[0].as_py()
            else:
                v = float(text)
        except (KeyError, ValueError, decimal.InvalidOperation, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    try:
        return pa.scalar(v, type=t).as_py()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError, decimal.InvalidOperation):
        return None


def _check_names(df: Any, policy: Policy, context: Any) -> None:
    """Refuses columns that share a name, or would once masked: rows are matched to columns by
    name. The error says which by position, never the names (a name can hold personal data)."""
    names = list(df.columns)
    masked = [str(n) for n in masked_names(policy, names, context)]
    for i, name in enumerate(names):
        for j in range(i):
            if names[j] == name:
                raise TamisError(
                    f"tamis.spark: columns {j + 1} and {i + 1} have the same name; rename one first"
                )
            if masked[j] == masked[i] or masked[j] == name or names[j] == masked[i]:
                raise TamisError(
                    f"tamis.spark: columns {j + 1} and {i + 1} would have the same name once masked; "
                    "rename one first"
                )
    # With record stages, rows go through the record walk, which names a renamed key its own way.
    renamed = [i + 1 for i, (n, m) in enumerate(zip(names, masked)) if n != m]
    if renamed and policy._has_record_stages:
        raise TamisError(
            f"tamis.spark: column {renamed[0]}'s name holds something a detector finds, and with "
            "[access] or [[retention]] rows are matched to columns by name; rename it first"
        )


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
    spark = df.sparkSession
    _check_names(df, policy, context)
    schema = masked_schema(df.schema, policy, context=context)
    arrow_schema = _arrow_schema(spark, schema)
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


def _arrow_schema(spark: Any, schema: Any) -> Any:
    """The Arrow schema Spark expects of `mapInArrow` batches of `schema` (session time zone for
    timestamps; large strings when Spark uses them)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    zone = spark.conf.get("spark.sql.session.timeZone")
    large = str(spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")).lower() == "true"
    try:
        return to_arrow_schema(schema, timezone=zone, prefers_large_types=large)
    except TypeError:  # an older PySpark without these parameters
        return to_arrow_schema(schema)


def _positional(df: Any) -> Any:
    """`df` with its columns named by position (`c0`, `c1`, ...): Spark reads a name with a dot
    (`jane@example.com`) as a field of a struct when it hands the columns to `mapInArrow`. The
    batches get their own names back on the executors (`_named`)."""
    return df.toDF(*[f"c{i}" for i in range(len(df.columns))])


def _named(batch: Any, names: list[str]) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(batch.columns, names=names)


def summarize(
    df: Any, policy: Policy, *, context: dict[str, Any] | None = None, now: Any = None
) -> dict[str, Any]:
    """Summaries of `df`'s columns, as `Policy.summarize` gives for all rows at once (merged in
    the rows' order); with `[access]` or `[[retention]]`, of the rows they keep (at `now`), as
    `tamis summarize` does."""
    from pyspark.sql import types as T

    _check_names(df, policy, context)
    shared = df.sparkSession.sparkContext.broadcast(policy)
    names = list(df.columns)

    def states(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        p = shared.value
        for batch in batches:
            batch = _named(batch, names)
            keep = kept_rows(p, batch, context=context, now=now)
            if keep is not None:
                batch = batch.filter(keep)
            state = json.dumps(summarize_states(p, batch, context=context))
            yield pa.record_batch({"tamis_states": pa.array([state], type=pa.string())})

    schema = T.StructType([T.StructField("tamis_states", T.StringType())])
    # `collect` keeps the partitions' order, and a partition's batches come in its rows' order.
    rows = _positional(df).mapInArrow(states, schema).collect()
    return finish_summaries(policy, [json.loads(r["tamis_states"]) for r in rows], context=context)

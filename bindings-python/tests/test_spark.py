"""tamis.spark with a real PySpark in `local[2]` (Debian's JRE): a DataFrame masked on the
executors equals `Policy.apply` of the whole frame, its schema is decided from the policy, cells a
detector masks in a number column become null and are counted, access and retention drop rows,
the driver's report holds counts only, and summaries merged across partitions agree with one
pass (exactly where the summary fits the exact sketches; issue 24 says where not)."""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pytest

import tamis

from pyspark.sql import SparkSession  # a required test dependency (tests/requirements.txt)
from pyspark.sql import types as T

from tamis.spark import mask, masked_schema, summarize

POLICY = """
version = 1
name = "spark"

[[rule]]
id = "secrets"
keys = ["password"]
action = "redact"

[[rule]]
id = "tokens"
keys = ["session"]
action = "hash"
key = "default"

[key.default]
env = "TAMIS_TEST_SPARK_KEY"
id = "k1"

[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"
replacement = "[PII]"

[[summarize]]
id = "amounts"
paths = ["amount"]
min_items = 3
k_anonymity = 2
"""

ROWS = 20_000
CARD = 4111111111111111


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tamis-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def policy() -> tamis.Policy:
    return tamis.Policy.from_toml(POLICY, keys={"default": b"spark-test-key-0123456789abcdef"})


def frame() -> pd.DataFrame:
    i = np.arange(ROWS)
    return pd.DataFrame(
        {
            "user": [f"user{n % 97}@example.com" for n in i],
            "password": [f"pw-{n}" for n in i],
            "session": [f"sess-{n % 13}" for n in i],
            "amount": (i % 1000).astype("float64") / 10,
            "card": np.where(i % 10 == 0, CARD, i).astype("int64"),
            "n": i,
        }
    )


def test_masked_dataframe_equals_apply_of_the_whole_frame(spark: Any) -> None:
    p = policy()
    df = frame()
    sdf = spark.createDataFrame(df).repartition(6)
    masked, report = mask(sdf, p, report=True)
    got = masked.toPandas().sort_values("n").reset_index(drop=True)
    want = p.apply(df)
    assert list(got.columns) == ["user", "session", "amount", "card", "n"]
    assert got["user"].tolist() == want["user"].tolist() == ["[PII]"] * ROWS
    assert got["session"].tolist() == want["session"].tolist()
    assert got["session"].str.startswith("h:k1:").all()
    assert got["amount"].tolist() == df["amount"].tolist()
    # The card numbers a detector masks: null in the long column Spark was promised; the rest kept.
    cards = got["card"].tolist()
    assert all((v is None or (isinstance(v, float) and math.isnan(v))) for v in cards[::10])
    assert [int(v) for k, v in enumerate(cards) if k % 10] == [n for n in range(ROWS) if n % 10]
    text = got.to_json()
    assert "example.com" not in text and "pw-" not in text and str(CARD) not in text
    assert report.as_dict()["records"] == {"in": ROWS, "out": ROWS, "dropped": 0}
    assert report.as_dict()["values_nulled"] == ROWS // 10
    assert report.as_dict()["policy"]["name"] == "spark"


def test_the_schema_is_decided_from_the_policy_and_the_input_schema(spark: Any) -> None:
    schema = T.StructType(
        [
            T.StructField("password", T.StringType()),  # redact: left out
            T.StructField("session", T.LongType()),  # hash on a number column: text
            T.StructField("amount", T.DoubleType()),  # detectors only: a double still
            T.StructField("flag", T.BooleanType()),
            T.StructField("tags", T.ArrayType(T.StringType())),  # nested, scanned: JSON text
            T.StructField("user", T.StringType()),
        ]
    )
    out = masked_schema(schema, policy())
    assert [(f.name, f.dataType) for f in out.fields] == [
        ("session", T.StringType()),
        ("amount", T.DoubleType()),
        ("flag", T.BooleanType()),
        ("tags", T.StringType()),
        ("user", T.StringType()),
    ]
    rows = [(f"pw{i}", i, float(i), i % 2 == 0, [f"t{i}@example.com", "ok"], f"u{i}@example.com") for i in range(50)]
    got = mask(spark.createDataFrame(rows, schema), policy()).collect()
    assert len(got) == 50
    assert json.loads(got[3]["tags"]) == ["[PII]", "ok"]
    assert got[3]["session"].startswith("h:k1:") and got[3]["user"] == "[PII]"
    assert "example.com" not in json.dumps([r.asDict() for r in got])


def test_a_renamed_column_and_no_planted_value_comes_back(spark: Any) -> None:
    p = tamis.Policy.from_toml('version = 1\nname = "r"\n[[rule]]\nid = "pii"\ndetect = ["email"]\naction = "replace"\n')
    schema = T.StructType([T.StructField("jane@example.com", T.StringType()), T.StructField("n", T.LongType())])
    sdf = spark.createDataFrame([("a", 1), ("b", 2)], schema)
    out = mask(sdf, p)
    want = list(p.apply(pd.DataFrame({"jane@example.com": ["a"], "n": [1]})).columns)
    assert out.columns == want and want[0] != "jane@example.com"
    assert "jane" not in json.dumps([r.asDict() for r in out.collect()])


def test_access_and_retention_drop_rows_on_the_executors(spark: Any) -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "r"\n'
        '[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\ntimestamp = "ts"\n'
        '[access]\ndefault = "deny"\ntype_path = "kind"\n'
        '[[access.grant]]\ntypes = ["trace"]\nroles_any = ["support"]\n'
    )
    rows = [("2024-01-01T00:00:00Z" if i % 2 else "2024-01-05T00:00:00Z", "trace" if i % 4 < 2 else "span", i) for i in range(100)]
    sdf = spark.createDataFrame(rows, "ts string, kind string, v long").repartition(3)
    out, report = mask(sdf, p, context={"roles": ["support"]}, now="2024-01-05T12:00:00Z", report=True)
    got = out.collect()
    assert sorted(r["v"] for r in got) == [i for i in range(100) if i % 2 == 0 and i % 4 < 2]
    assert report.as_dict()["records"] == {"in": 100, "out": 25, "dropped": 75}
    # No role given: every row is denied, none comes back, and the schema still holds.
    out = mask(sdf, p, now="2024-01-05T12:00:00Z")
    assert out.collect() == [] and out.columns == ["ts", "kind", "v"]


def test_summaries_merged_across_partitions_agree_with_one_pass(spark: Any) -> None:
    """Counts, nulls, extremes, distinct counts, lengths, mean, std, quantiles and samples merge
    into one pass's exactly, on 20,000 rows (more than the top-k counters hold)."""
    p = policy()
    df = frame()
    merged = summarize(spark.createDataFrame(df).repartition(8), p)
    one_pass = p.summarize(df)
    assert merged.keys() == one_pass.keys() and "amount" in merged
    for col in one_pass:
        a, b = merged[col]["tamis_summary"], one_pass[col]["tamis_summary"]
        # Moments are exact sums rounded once: bit for bit.
        # Quantiles come from a sketch whose state is a function of the values alone.
        for k in ("count", "nulls", "null_rate", "min", "max", "rule", "type", "distinct", "mean", "std", "length", "quantiles", "top_k"):
            assert a.get(k) == b.get(k), (col, k)
        # The sample's candidates too (the smallest hashes, exact counts); `repartition`
        # shuffles, so the first ones seen differ: the same values once the order is the same.
        assert len(a.get("sample", [])) == len(b.get("sample", [])), col
    # In the order Spark holds the rows: the sample too, value for value.
    sdf = spark.createDataFrame(df).coalesce(1).repartition(8)
    merged, one_pass = summarize(sdf, p), p.summarize(sdf.toPandas())
    assert any(len(s["tamis_summary"].get("sample", [])) == 5 for s in one_pass.values())
    for col in one_pass:
        a, b = merged[col]["tamis_summary"], one_pass[col]["tamis_summary"]
        assert a.get("sample") == b.get("sample"), col
    assert "example.com" not in json.dumps(merged) and "pw-" not in json.dumps(merged)


def test_small_summaries_merged_are_exactly_one_pass(spark: Any) -> None:
    """Up to the exact sketches' size (1,024 values a column) the merged summary is the one-pass
    summary, sample, quantiles and top values included, and mean and std bit for bit."""
    p = policy()
    df = frame().head(1000)
    merged = summarize(spark.createDataFrame(df).coalesce(1).repartition(4), p)
    # `repartition` shuffles: one pass over the rows in the order Spark holds them.
    ordered = spark.createDataFrame(df).coalesce(1).repartition(4).toPandas()
    assert merged == p.summarize(ordered)


def test_columns_of_every_kind_and_names_that_collide(spark: Any) -> None:
    """A review's cases: a timestamp column detectors scan keeps its type and values; a binary
    column they scan becomes text (UTF-8, else the `<bytes>` marker, never the bytes' repr); a struct with rules inside becomes JSON text without the removed field; decimals a
    detector does not change stay exact; duplicate names, and names that collide once masked,
    are refused by position (never naming them)."""
    import datetime
    import decimal

    p = tamis.Policy.from_toml(
        'version = 1\nname = "k"\n[[rule]]\nid = "pw"\nkeys = ["password"]\naction = "redact"\n'
        '[[rule]]\nid = "pii"\ndetect = ["email", "credit_card"]\naction = "replace"\n'
    )
    schema = T.StructType(
        [
            T.StructField("ts", T.TimestampType()),
            T.StructField("raw", T.BinaryType()),
            T.StructField("user", T.StructType([T.StructField("name", T.StringType()), T.StructField("password", T.StringType())])),
            T.StructField("amount", T.DecimalType(22, 2)),
        ]
    )
    when = datetime.datetime(2024, 1, 2, 3, 4, 5)
    rows = [
        (when, b"\x00\xff", ("a@example.com", "pw1"), decimal.Decimal("4111111111111111.00")),
        (when, b"ok", ("b", "pw2"), decimal.Decimal("2.25")),
    ]
    out, report = mask(spark.createDataFrame(rows, schema).coalesce(1), p, report=True)
    got = out.collect()
    assert [f.dataType for f in out.schema.fields] == [T.TimestampType(), T.StringType(), T.StringType(), T.DecimalType(22, 2)]
    assert [r["ts"] for r in got] == [when, when]
    assert [r["raw"] for r in got] == ["<bytes>", "ok"]
    assert [json.loads(r["user"]) for r in got] == [{"name": "[REDACTED]"}, {"name": "b"}]
    assert [r["amount"] for r in got] == [None, decimal.Decimal("2.25")]
    assert report.as_dict()["values_nulled"] == 1

    dup = spark.createDataFrame([("x", "y")], "a string, b string").toDF("jane@example.com", "jane@example.com")
    for call in (lambda: mask(dup, p), lambda: summarize(dup, p)):
        with pytest.raises(tamis.TamisError) as e:
            call()
        assert "columns 1 and 2" in str(e.value) and "jane" not in str(e.value)
    # With record stages rows are matched by name: a name a detector renames is refused.
    staged = tamis.Policy.from_toml(
        'version = 1\nname = "s"\n[[rule]]\nid = "pii"\ndetect = ["email"]\naction = "replace"\n'
        '[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\ntimestamp = "ts"\n'
    )
    clash = spark.createDataFrame([("x", "y")], "a string, b string").toDF("jane@example.com", "[email:1]")
    with pytest.raises(tamis.TamisError, match="column 1's name") as e:
        mask(clash, staged)
    assert "jane" not in str(e.value)


def test_summaries_are_of_the_rows_access_and_retention_keep(spark: Any) -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "r"\n[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "1d"\ntimestamp = "ts"\n'
        '[[summarize]]\nid = "v"\npaths = ["v"]\nmin_items = 1\nk_anonymity = 1\n'
    )
    rows = [("2020-01-01T00:00:00Z", 1000 + i) for i in range(3)] + [("2024-01-01T00:00:00Z", i) for i in range(5)]
    sdf = spark.createDataFrame(rows, "ts string, v long").repartition(3)
    got = summarize(sdf, p, now="2024-01-01T12:00:00Z")["v"]["tamis_summary"]
    assert got["count"] == 5 and got["max"] == 4

"""tamis.spark against Spark's own functions, in one run, `local[2]` (rows `py.spark_mask` and
`py.spark_summarize` of bench/run):

- mask: 1,000,000 rows x 10 columns (cached), written to Spark's `noop` sink: `tamis.spark.mask`
  with a policy that masks four columns (emails found in two text columns, a keyed hash of the
  user id, a partial phone) against the nearest built-in job, `sha2(col, 256)` of the same four
  columns;
- summarize: `tamis.spark.summarize` of the ten columns against `DataFrame.summary()`;
- and whether the merged summaries equal `Policy.summarize` of the same rows in one pass,
  statistic by statistic.

    target/venv/bin/python bench/python/spark.py bench/out [--rounds N] [--json]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import tamis

ROWS = 1_000_000

POLICY = """
version = 1
name = "bench-spark"

[[rule]]
id = "ids"
keys = ["user_id"]
action = "hash"
key = "default"

[key.default]
env = "TAMIS_BENCH_KEY"
id = "k1"

[[rule]]
id = "phones"
keys = ["phone"]
action = "partial"

[[rule]]
id = "pii"
detect = ["email"]
action = "replace"

[[summarize]]
id = "columns"
paths = ["*"]
min_items = 10
k_anonymity = 5
"""

MASKED = ["user_id", "phone", "message", "email"]


def frame(spark: Any) -> Any:
    from pyspark.sql import functions as F

    i = F.col("id")
    df = spark.range(ROWS, numPartitions=8).select(
        F.concat(F.lit("u-"), i).alias("user_id"),
        F.concat(F.lit("+1 415 555 "), F.lpad((i % 10000).cast("string"), 4, "0")).alias("phone"),
        F.concat(F.lit("user"), (i % 5000).cast("string"), F.lit("@example.com")).alias("email"),
        F.concat(F.lit("order "), i.cast("string"), F.lit(" shipped to user"), (i % 977).cast("string"), F.lit("@example.org")).alias("message"),
        F.element_at(F.array(F.lit("trace"), F.lit("span"), F.lit("event")), (i % 3 + 1).cast("int")).alias("kind"),
        (i % 1000 / 10.0).alias("latency_ms"),
        (i % 37).cast("long").alias("retries"),
        ((i * 7919) % 100000 / 100.0).alias("amount"),
        (i % 2 == 0).alias("ok"),
        (i % 86400).cast("long").alias("second"),
    )
    return df.cache()


def timed(f: Callable[[], Any], rounds: int) -> float:
    secs = []
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        secs.append(time.perf_counter() - t)
    return statistics.median(secs)


def main() -> None:
    out = Path(sys.argv[1])
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    as_json = "--json" in sys.argv
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("TAMIS_BENCH_KEY", "bench-key-0123456789abcdef")
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from tamis.spark import mask, summarize

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    policy = tamis.Policy.from_toml(POLICY, keys={"default": os.environ["TAMIS_BENCH_KEY"].encode()})
    df = frame(spark)
    cells = df.count() * len(df.columns)

    def tamis_mask() -> None:
        mask(df, policy).write.format("noop").mode("overwrite").save()

    def builtin_mask() -> None:
        cols = [F.sha2(F.col(c), 256).alias(c) if c in MASKED else F.col(c) for c in df.columns]
        df.select(*cols).write.format("noop").mode("overwrite").save()

    # Warm both paths once (JIT, Python workers), then interleave the rounds.
    tamis_mask()
    builtin_mask()
    rows = []
    t_mask = timed(tamis_mask, rounds)
    b_mask = timed(builtin_mask, rounds)
    merged: dict[str, Any] = {}

    def tamis_summarize() -> None:
        merged.update(summarize(df, policy))

    t_sum = timed(tamis_summarize, rounds)
    b_sum = timed(lambda: df.summary().collect(), rounds)

    # Merged against one pass over the same rows, in the same order.
    one_pass = policy.summarize(df.toPandas())
    equal, differ = [], []
    for col, s in one_pass.items():
        a, b = merged[col]["tamis_summary"], s["tamis_summary"]
        for k in sorted(set(a) | set(b)):
            (equal if a.get(k) == b.get(k) else differ).append(f"{col}.{k}")

    rows = [
        {"row": "py.spark_mask", "side": "tamis.spark.mask", "secs": t_mask, "bytes": cells},
        {"row": "py.spark_mask", "side": "Spark sha2 of the masked columns", "secs": b_mask, "bytes": cells},
        {"row": "py.spark_summarize", "side": "tamis.spark.summarize", "secs": t_sum, "bytes": cells},
        {"row": "py.spark_summarize", "side": "Spark DataFrame.summary()", "secs": b_sum, "bytes": cells},
        {"row": "py.spark_summarize", "meta": {"statistics_equal_to_one_pass": len(equal), "statistics_different": differ}},
    ]
    spark.stop()
    if as_json:
        for r in rows:
            print(json.dumps(r))
        return
    print(f"local[2], {ROWS:,} rows x {len(df.columns)} columns, medians of {rounds} rounds")
    print(f"mask:      tamis {t_mask:.2f} s, Spark sha2 {b_mask:.2f} s, ratio (Spark time / tamis time) {b_mask / t_mask:.2f}")
    print(f"summarize: tamis {t_sum:.2f} s, Spark summary() {b_sum:.2f} s, ratio {b_sum / t_sum:.2f}")
    print(f"merged summaries vs one pass: {len(equal)} statistics equal, {len(differ)} differ: {', '.join(differ)}")


if __name__ == "__main__":
    main()

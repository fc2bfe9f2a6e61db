"""The overhead of each Python integration on its host's hot path: the host alone and the host
with tamis, on the same work, for bench/run (rows `py.logging`, `py.otel`, `py.hamilton`).

    target/venv/bin/python bench/python/integrations.py bench/out          # alone: medians of 5 rounds
    target/bench-venv/bin/python bench/python/integrations.py bench/out --json   # one round (bench/run)

- logging: 5,000 log lines through a handler with a formatter, with and without `TamisFilter`
  (`policies/default.toml`);
- OpenTelemetry: 2,000 spans of 10 attributes each (from the generated records) through
  `SimpleSpanProcessor` to an exporter that drops them, with and without `MaskingSpanExporter`
  (`policies/observability.toml`);
- Hamilton: 20 runs of an 11-node DAG (DataFrame, dict and text results) with a
  `HamiltonTracker` whose client records nothing, with and without `tamis.hamilton.masked`
  (`policies/hamilton.toml`);
- masking in `logging`, per record: the 5,000 lines of `secrets.txt` (1,000 credentials,
  written by round.py) as log records through `TamisFilter` (the `secrets` group) and through
  Airflow's `SecretsMasker` with the 1,000 credentials registered (`add_mask`), the filter
  alone (`filter(record)` on a fresh record);
- small records: `Policy.apply` of one 10-field record (`policies/default.toml`), 10,000 calls,
  next to `dict(record)` and an orjson round trip of the same record.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import statistics
import sys
import time
import types
from pathlib import Path
from typing import Any, Callable

import tamis

ROOT = Path(__file__).resolve().parents[2]
SPANS = 2_000
LOG_LINES = 5_000
HAMILTON_RUNS = 20


class Row:
    """One row: its sides, the bytes each side reads, facts for the table, and `per`: what a
    side's time is divided by (calls, for per-call rows)."""

    def __init__(
        self, name: str, sides: dict[str, Callable[[], int | None]], nbytes: int, meta: dict[str, Any], per: int = 1
    ):
        self.name, self.sides, self.bytes, self.meta, self.per = name, sides, nbytes, meta, per


def _policy(name: str, d: Path) -> tamis.Policy:
    os.environ.setdefault("TAMIS_HASH_KEY", (d / "hash-key.txt").read_text().strip())
    return tamis.Policy.from_file(str(ROOT / "policies" / name))


def logging_row(d: Path) -> Row:
    from tamis.logging import TamisFilter

    with open(d / "log.txt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for _, line in zip(range(LOG_LINES), f)]
    policy = _policy("default.toml", d)

    class Format(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            self.format(record)

    def side(name: str, with_tamis: bool) -> Callable[[], int | None]:
        log = logging.getLogger(f"tamis.bench.{name}")
        log.handlers.clear()
        handler = Format()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        if with_tamis:
            handler.addFilter(TamisFilter(policy))
        log.addHandler(handler)
        log.propagate = False
        log.setLevel(logging.INFO)

        def run() -> None:
            for line in lines:
                log.info("%s", line)

        return run

    return Row(
        "py.logging",
        {"logging": side("plain", False), "logging + TamisFilter": side("tamis", True)},
        sum(len(line) + 1 for line in lines),
        {"lines": len(lines)},
    )


def _secrets_masker() -> Any:
    """Airflow's `SecretsMasker`, wherever this Airflow keeps it."""
    import importlib

    for module in (
        "airflow.sdk._shared.secrets_masker",
        "airflow._shared.secrets_masker",
        "airflow.sdk.execution_time.secrets_masker",
        "airflow.utils.log.secrets_masker",
    ):
        try:
            return importlib.import_module(module).SecretsMasker
        except (ImportError, AttributeError):
            continue
    raise ImportError("no SecretsMasker in this Airflow")


def secrets_masker_row(d: Path) -> Row:
    from tamis.logging import TamisFilter

    lines = (d / "secrets.txt").read_text(encoding="utf-8").splitlines()
    # The credential of each planted line (one in 5): its last word, after the `=` of an
    # assignment (not the padding of a base64 credential).
    def credential(line: str) -> str:
        word = line.rsplit(" ", 1)[1]
        return word.split("=", 1)[1] if "=" in word.rstrip("=") else word

    planted = [credential(line) for i, line in enumerate(lines) if i % 5 == 0]
    masker = _secrets_masker()()
    # As Airflow's task runner does (masking is off until it is enabled).
    if hasattr(masker, "enable_log_masking"):
        masker.enable_log_masking()
    for secret in planted:
        masker.add_mask(secret)
    policy = tamis.Policy.from_toml(
        'version = 1\nname = "secrets"\n[[rule]]\nid = "s"\ndetect = ["secrets"]\n'
        'action = "replace"\nreplacement = "[SECRET]"\n'
    )
    tamis_filter = TamisFilter(policy)

    def side(flt: logging.Filter) -> Callable[[], int | None]:
        def run() -> int:
            masked = 0
            for line in lines:
                record = logging.LogRecord("svc", logging.INFO, __file__, 1, "%s", (line,), None)
                flt.filter(record)
                masked += record.getMessage() != line
            return masked

        return run

    return Row(
        "py.log_filter",
        {"TamisFilter (secrets group)": side(tamis_filter), "Airflow SecretsMasker (credentials registered)": side(masker)},
        sum(len(line.encode()) + 1 for line in lines),
        {"records": len(lines), "credentials": len(planted)},
    )


SMALL_CALLS = 10_000


def small_record_row(d: Path) -> Row:
    import orjson

    policy = _policy("default.toml", d)
    record = {
        "ts": "2026-12-07T10:00:00Z", "level": "info", "service": "checkout", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "user": "jane@example.com", "status": 200, "latency_ms": 12.5, "path": "/api/v1/orders/8812",
        "msg": "order placed by jane@example.com", "retries": 0,
    }

    def tamis_side() -> None:
        for _ in range(SMALL_CALLS):
            policy.apply(record)

    def copy_side() -> None:
        for _ in range(SMALL_CALLS):
            dict(record)

    def orjson_side() -> None:
        for _ in range(SMALL_CALLS):
            orjson.loads(orjson.dumps(record))

    return Row(
        "py.small",
        {"tamis apply (one 10-field record)": tamis_side, "orjson round trip": orjson_side, "dict(record)": copy_side},
        0,
        {"calls": SMALL_CALLS},
        per=SMALL_CALLS,
    )


def otel_row(d: Path) -> Row:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    from tamis.otel import MaskingSpanExporter

    class Drop(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    policy = _policy("observability.toml", d)
    attrs = []
    with open(d / "records.jsonl", encoding="utf-8") as f:
        for _, line in zip(range(SPANS), f):
            flat = {}
            for k, v in json.loads(line).items():
                if isinstance(v, (str, int, float, bool)):
                    flat[k] = v
                elif isinstance(v, dict):
                    flat.update({f"{k}.{k2}": v2 for k2, v2 in v.items() if isinstance(v2, (str, int, float, bool))})
            attrs.append(dict(list(flat.items())[:10]))

    def side(exporter: Any) -> Callable[[], int | None]:
        tracer = TracerProvider()
        tracer.add_span_processor(SimpleSpanProcessor(exporter))
        t = tracer.get_tracer("bench")

        def run() -> None:
            for a in attrs:
                t.start_span("op", attributes=a).end()

        return run

    return Row(
        "py.otel",
        {"OTel SDK": side(Drop()), "OTel SDK + MaskingSpanExporter": side(MaskingSpanExporter(Drop(), policy))},
        sum(len(json.dumps(a)) for a in attrs),
        {"spans": len(attrs)},
    )


def hamilton_row(d: Path) -> Row:
    from hamilton import driver
    from hamilton_sdk.adapters import HamiltonTracker
    from hamilton_sdk.api.clients import HamiltonClient

    from tamis.hamilton import masked

    class Quiet(HamiltonClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def validate_auth(self) -> None:
            pass

        def project_exists(self, project_id: int) -> bool:
            return True

        def register_dag_template_if_not_exists(self, *args: Any, **kwargs: Any) -> int:
            return 1

        def create_and_start_dag_run(self, *args: Any, **kwargs: Any) -> int:
            return 1

        def update_tasks(self, *args: Any, **kwargs: Any) -> None:
            pass

        def log_dag_run_end(self, *args: Any, **kwargs: Any) -> None:
            pass

    mod = types.ModuleType("tamis_bench_dag")
    sys.modules[mod.__name__] = mod  # Hamilton finds functions by their module
    code = ["import pandas as pd", "def users() -> pd.DataFrame:",
            "    return pd.DataFrame({'email': [f'user{i}@example.com' for i in range(200)], 'n': list(range(200))})"]
    for i in range(10):
        kind = ("dict", "str", "int")[i % 3]
        body = {"dict": f"{{'email': users['email'].iloc[{i}], 'n': int(users['n'].sum())}}",
                "str": f"'write to ' + users['email'].iloc[{i}]", "int": "int(users['n'].max())"}[kind]
        code += [f"def node{i}(users: pd.DataFrame) -> {kind}:", f"    return {body}"]
    exec("\n".join(code), mod.__dict__)
    outputs = ["users"] + [f"node{i}" for i in range(10)]
    policy = _policy("hamilton.toml", d)

    def side(with_tamis: bool) -> Callable[[], int | None]:
        tracker = HamiltonTracker(project_id=1, username="bench", dag_name="bench", client_factory=Quiet)
        if with_tamis:
            tracker = masked(tracker, policy)
        dr = driver.Builder().with_modules(mod).with_adapters(tracker).build()

        def run() -> None:
            for _ in range(HAMILTON_RUNS):
                dr.execute(outputs)

        return run

    logging.getLogger("hamilton_sdk").setLevel(logging.ERROR)
    return Row(
        "py.hamilton",
        {"Hamilton + tracker": side(False), "Hamilton + tracker + tamis": side(True)},
        HAMILTON_RUNS * len(outputs),
        {"runs": HAMILTON_RUNS, "nodes": len(outputs)},
    )


def all_rows(d: Path) -> list[Row]:
    return [logging_row(d), secrets_masker_row(d), small_record_row(d), otel_row(d), hamilton_row(d)]


def _timed(fn: Callable[[], int | None]) -> tuple[float, int | None]:
    gc.collect()
    t = time.perf_counter()
    found = fn()
    return time.perf_counter() - t, found


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    d = Path(args[0] if args else "bench/out")
    rows = all_rows(d)
    for row in rows:
        for fn in row.sides.values():
            fn()  # warm up
    if "--json" in sys.argv:  # one round, as bench/run reads it
        for row in rows:
            print(json.dumps({"row": row.name, "meta": row.meta}))
            for side, fn in row.sides.items():
                secs, found = _timed(fn)
                out = {"row": row.name, "side": side, "secs": secs / row.per, "bytes": row.bytes}
                if found is not None:
                    out["found"] = found
                print(json.dumps(out))
        return
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(5):
        for row in rows:
            for side, fn in row.sides.items():
                times.setdefault((row.name, side), []).append(_timed(fn)[0] / row.per)
    print("| row | side | median | overhead (time with tamis / without) |\n|---|---|---|---|")
    for row in rows:
        base = None
        for side in row.sides:
            m = statistics.median(times[(row.name, side)])
            base = base if base is not None else m
            print(f"| {row.name} | {side} | {m * 1e6:.1f} µs | {m / base:.2f} |")


if __name__ == "__main__":
    main()

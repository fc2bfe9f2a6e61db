"""The integrations against the real libraries: logging, OpenTelemetry, Langfuse, Hamilton, Dask,
and Airflow (in a subprocess with its own AIRFLOW_HOME)."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import subprocess
import sys
import textwrap
from typing import Any

import pandas as pd
import pytest

import tamis

ROOT = pathlib.Path(__file__).resolve().parents[2]
EMAIL = "canary.person@example.com"
CARD = "4111 1111 1111 1111"
SECRET = "s3cr3t-canary-value"

POLICY_TEXT = f"""
version = 1
name = "integrations"

[[rule]]
id = "secrets"
keys = ["*password*", "api_key"]
action = "replace"
replacement = "********"

[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"
replacement = "[PII]"
"""


@pytest.fixture(scope="module")
def policy() -> tamis.Policy:
    return tamis.Policy.from_toml(POLICY_TEXT)


def leaks(text: str) -> list[str]:
    return [c for c in (EMAIL, CARD, CARD.replace(" ", ""), SECRET) if c in text]


def test_logging_filter(policy: tamis.Policy) -> None:
    from tamis.logging import TamisFilter

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record) + json.dumps(getattr(record, "user", None)))

    handler = Collect()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(TamisFilter(policy))
    log = logging.getLogger("tamis-test")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("login for %s with card %s", EMAIL, CARD, extra={"user": {"api_key": SECRET}})
        try:
            raise ValueError(f"bad user {EMAIL}") from KeyError(CARD)
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    text = "\n".join(records)
    assert "login for [PII] with card [PII]" in text
    assert "ValueError: bad user [PII]" in text and "KeyError" in text
    assert leaks(text) == []


def test_otel_masking_exporter(policy: tamis.Policy) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from tamis.otel import MaskingSpanExporter

    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(MaskingSpanExporter(memory, policy)))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span(f"user {EMAIL}") as span:
        span.set_attribute("user.email", EMAIL)
        span.set_attribute("db.password", SECRET)
        span.set_attribute("payload", json.dumps({"card": CARD}))
        span.set_attribute("count", 3)
        span.add_event("charged", {"card": CARD})
    spans = memory.get_finished_spans()
    assert len(spans) == 1
    s = spans[0]
    assert s.name == "user [PII]"
    assert s.attributes["db.password"] == "********" and s.attributes["count"] == 3
    dump = json.dumps([dict(s.attributes), [dict(e.attributes) for e in s.events], s.name])
    assert leaks(dump) == []


def test_langfuse_mask_function(policy: tamis.Policy) -> None:
    from langfuse import Langfuse
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from tamis.langfuse import mask_function

    memory = InMemorySpanExporter()
    lf = Langfuse(
        public_key="pk-lf-test",
        secret_key="sk-lf-test",
        base_url="http://127.0.0.1:9",
        span_exporter=memory,
        mask=mask_function(policy),
    )
    with lf.start_as_current_observation(name="chat", input={"question": f"mail {EMAIL}"}) as obs:
        obs.update(output=f"card {CARD}", metadata={"api_key": SECRET})
    lf.flush()
    spans = memory.get_finished_spans()
    assert spans, "Langfuse exported no span"
    dump = json.dumps([dict(s.attributes or {}) for s in spans])
    assert "[PII]" in dump
    assert leaks(dump) == []
    lf.shutdown()


def hamilton_module() -> Any:
    import types

    from hamilton.function_modifiers import tag

    mod = types.ModuleType("tamis_test_dag")
    sys.modules[mod.__name__] = mod
    exec(
        textwrap.dedent(
            f'''
            import pandas as pd
            from hamilton.function_modifiers import tag

            def users() -> pd.DataFrame:
                return pd.DataFrame({{"email": ["{EMAIL}"] * 60, "spend": list(range(60))}})

            def contact(users: pd.DataFrame) -> str:
                return "write to " + users["email"].iloc[0]

            @tag(tamis_type="payment")
            def payment() -> dict:
                return {{"card": "{CARD}", "api_key": "{SECRET}"}}

            def total(users: pd.DataFrame) -> int:
                return int(users["spend"].sum())
            '''
        ),
        mod.__dict__,
    )
    return mod


def test_hamilton_tracker(policy: tamis.Policy) -> None:
    from hamilton import driver
    from hamilton_sdk.adapters import HamiltonTracker
    from hamilton_sdk.api.clients import HamiltonClient

    from tamis.hamilton import masked

    sent: list[Any] = []

    class RecordingClient(HamiltonClient):
        """A real client implementation that records instead of calling a server."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def validate_auth(self) -> None:
            pass

        def project_exists(self, project_id: int) -> bool:
            return True

        def register_dag_template_if_not_exists(self, *args: Any, **kwargs: Any) -> int:
            return 1

        def create_and_start_dag_run(self, dag_template_id: int, tags: Any, inputs: Any, outputs: Any) -> int:
            sent.append(("run", tags, inputs, outputs))
            return 7

        def update_tasks(self, dag_run_id: int, attributes: Any, task_updates: Any, in_samples: Any = None) -> None:
            sent.append(("tasks", attributes, task_updates))

        def log_dag_run_end(self, dag_run_id: int, status: str) -> None:
            sent.append(("end", status))

    mod = hamilton_module()
    plain = driver.Builder().with_modules(mod).build()
    want = plain.execute(["contact", "payment", "total"])

    tracker = HamiltonTracker(
        project_id=1, username="test", dag_name="tamis", client_factory=RecordingClient
    )
    dr = driver.Builder().with_modules(mod).with_adapters(masked(tracker, policy)).build()
    got = dr.execute(["contact", "payment", "total"])
    assert got["contact"] == want["contact"] and got["payment"] == want["payment"]
    assert got["total"] == want["total"]
    dump = json.dumps(sent, default=str)
    assert any(kind == "tasks" for kind, *_ in sent)
    assert "tamis_summary" in dump
    assert leaks(dump) == []


def _dask_mask(part: pd.DataFrame, policy: tamis.Policy) -> pd.DataFrame:
    return policy.apply(part)


def test_dask_map_partitions_with_pickled_policy(policy: tamis.Policy) -> None:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    df = pd.DataFrame({"email": [f"user{i}@example.com" for i in range(200)], "n": range(200)})
    ddf = dd.from_pandas(df, npartitions=4)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster):
            out = ddf.map_partitions(_dask_mask, policy, meta=df.iloc[0:0].astype({"email": object})).compute()
    assert len(out) == 200
    assert set(out["email"]) == {"[PII]"}
    assert out["n"].tolist() == list(range(200))


AIRFLOW_DAG = f'''
import datetime
from airflow.sdk import dag, task

@dag(schedule=None, start_date=datetime.datetime(2024, 1, 1), catchup=False)
def tamis_xcom():
    @task
    def produce():
        return {{"user": "{EMAIL}", "card": "{CARD}", "api_key": "{SECRET}", "n": 3}}

    @task
    def consume(v):
        return v["n"]

    consume(produce())

d = tamis_xcom()

if __name__ == "__main__":
    d.test()
'''


def test_airflow_xcom_backend(tmp_path: pathlib.Path) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY_TEXT)
    (tmp_path / "dag.py").write_text(AIRFLOW_DAG)
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(tmp_path / "home"),
        AIRFLOW__CORE__XCOM_BACKEND="tamis.airflow.TamisXComBackend",
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path / 'airflow.db'}",
        AIRFLOW__TAMIS__POLICY_FILE=str(policy_file),
        AIRFLOW__CORE__DAGS_FOLDER=str(tmp_path),
    )
    airflow = [sys.executable, "-m", "airflow"]
    subprocess.run([*airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=600)
    run = subprocess.run([sys.executable, str(tmp_path / "dag.py")], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    import sqlite3

    con = sqlite3.connect(tmp_path / "airflow.db")
    rows = con.execute("select task_id, value from xcom").fetchall()
    assert rows, "no XCom rows stored"
    dump = json.dumps([(t, v if isinstance(v, str) else bytes(v).decode("utf-8", "replace")) for t, v in rows])
    assert "[PII]" in dump and "********" in dump
    assert leaks(dump) == []

"""The integrations against the real libraries: logging, OpenTelemetry, Langfuse, Hamilton, Dask,
and Airflow (in a subprocess with its own AIRFLOW_HOME)."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import re
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import pandas as pd
import pytest
from opentelemetry.trace import StatusCode

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
detect = ["email", "credit_card", "url_credentials"]
action = "replace"
replacement = "[PII]"
"""


@pytest.fixture(scope="module")
def policy() -> tamis.Policy:
    return tamis.Policy.from_toml(POLICY_TEXT)


def _canary_forms() -> dict[str, set[str]]:
    """Each planted value in the forms the canary scan searches (raw, URL-encoded, JSON-escaped,
    hex, base64 at any alignment): tests/canary/scan.py's `forms`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tamis_canary_scan", ROOT / "tests" / "canary" / "scan.py")
    assert spec is not None and spec.loader is not None
    scan = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scan)
    planted = {"email": EMAIL, "card": CARD, "card digits": CARD.replace(" ", ""), "secret": SECRET}
    return {name: scan.forms(value) for name, value in planted.items()}


FORMS = _canary_forms()


def leaks(text: str) -> list[str]:
    """The names of the planted values found in `text`, in any form."""
    return [name for name, forms in FORMS.items() if any(f in text for f in forms)]


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


def test_logging_dict_config_with_a_policy_file(tmp_path: pathlib.Path) -> None:
    import io
    import logging.config

    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY_TEXT)
    stream = io.StringIO()
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"tamis": {"()": "tamis.logging.TamisFilter", "policy": str(policy_file)}},
            "handlers": {
                "mem": {"class": "logging.StreamHandler", "stream": stream, "filters": ["tamis"]}
            },
            "loggers": {"tamis-dictconfig": {"handlers": ["mem"], "level": "INFO", "propagate": False}},
        }
    )
    logging.getLogger("tamis-dictconfig").info("hello %s", EMAIL, extra={"password": SECRET})
    assert stream.getvalue() == "hello [PII]\n"


def test_structlog_processor(policy: tamis.Policy) -> None:
    import structlog

    from tamis.logging import StructlogProcessor

    lines: list[str] = []
    logger = structlog.wrap_logger(
        structlog.PrintLogger(file=io_collect(lines)),
        processors=[
            structlog.processors.add_log_level,
            StructlogProcessor(policy),
            structlog.processors.JSONRenderer(),
        ],
    )
    logger.info(f"signup {EMAIL}", password=SECRET, user={"card": CARD}, ok=1)
    try:
        raise ValueError(f"bad {EMAIL}")
    except ValueError:
        logger.exception("failed")
    events = [json.loads(line) for line in lines]
    assert events[0] == {"event": "signup [PII]", "password": "********", "user": {"card": "[PII]"}, "ok": 1, "level": "info"}
    assert "ValueError: bad [PII]" in events[1]["exception"] and "exc_info" not in events[1]
    assert leaks("".join(lines)) == []


def io_collect(lines: list[str]) -> Any:
    class Lines:
        def write(self, text: str) -> None:
            lines.extend(t for t in text.splitlines() if t)

        def flush(self) -> None:
            pass

    return Lines()


def test_otel_masking_exporter(policy: tamis.Policy) -> None:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import SpanLimits, TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import Link

    from tamis.otel import MaskingSpanExporter

    memory = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource.create({"service.owner": EMAIL}),
        span_limits=SpanLimits(max_span_attributes=5, max_events=2, max_links=1),
    )
    provider.add_span_processor(SimpleSpanProcessor(MaskingSpanExporter(memory, policy, resource=True)))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("parent") as parent:
        pass
    other = parent.get_span_context()
    # The SDK keeps the newest link: the one with the values.
    links = [Link(other, {"x": 1}), Link(other, {"link.user": EMAIL, "api_key": SECRET})]
    with tracer.start_as_current_span(f"user {EMAIL}", links=links) as span:
        span.set_attribute("user.email", EMAIL)
        span.set_attribute("db.password", SECRET)
        span.set_attribute("payload", json.dumps({"card": CARD}))
        span.set_attribute("count", 3)
        span.set_attribute("tags", [EMAIL, "ok"])
        span.set_attribute("over.limit", 1)  # the sixth: dropped by the SDK
        span.add_event("charged", {"card": CARD})
        span.add_event(f"mail {EMAIL}")
        span.add_event("third")  # dropped
        span.set_status(StatusCode.ERROR, f"failed for {EMAIL}")
    spans = memory.get_finished_spans()
    assert len(spans) == 2
    s = spans[1]
    assert s.name == "user [PII]"
    assert s.attributes["db.password"] == "********" and s.attributes["count"] == 3
    assert list(s.attributes["tags"]) == ["[PII]", "ok"]
    assert (s.dropped_attributes, s.dropped_events, s.dropped_links) == (1, 1, 1)
    assert len(s.links) == 1 and s.links[0].context == other
    assert dict(s.links[0].attributes) == {"link.user": "[PII]", "api_key": "********"}
    assert s.status.description == "failed for [PII]"
    dump = json.dumps(
        [
            dict(s.attributes),
            [[e.name, dict(e.attributes)] for e in s.events],
            [dict(link.attributes) for link in s.links],
            dict(s.resource.attributes),
            s.name,
            s.status.description,
        ]
    ) + s.to_json()
    assert leaks(dump) == []


def test_otel_log_record_processor(policy: tamis.Policy) -> None:
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

    from tamis.otel import MaskingLogRecordProcessor

    memory = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(MaskingLogRecordProcessor(policy))
    provider.add_log_record_processor(SimpleLogRecordProcessor(memory))
    otel_logger = provider.get_logger("t")
    otel_logger.emit(body={"user": EMAIL, "password": SECRET}, attributes={"card": CARD})
    otel_logger.emit(body=f"mail {EMAIL}", event_name="signup", attributes={"api_key": SECRET})
    log = logging.getLogger("tamis-otel-test")
    with warnings.catch_warnings():  # deprecated in favour of opentelemetry-instrumentation-logging
        warnings.simplefilter("ignore", DeprecationWarning)
        handler = LoggingHandler(logger_provider=provider)
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            raise ValueError(f"bad user {EMAIL}")
        except ValueError:
            log.exception("failed for %s", CARD)
    finally:
        log.removeHandler(handler)
    provider.force_flush()
    records = memory.get_finished_logs()
    assert len(records) == 3
    first = records[0].log_record
    assert first.body == {"user": "[PII]", "password": "********"} and dict(first.attributes) == {"card": "[PII]"}
    assert records[1].log_record.body == "mail [PII]"
    assert records[2].log_record.body == "failed for [PII]"
    assert "exception.stacktrace" in records[2].log_record.attributes
    dump = "".join(r.to_json() for r in records)
    assert leaks(dump) == [], dump


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


def test_langfuse_mask_otel_spans_covers_third_party_spans(policy: tamis.Policy) -> None:
    from langfuse import Langfuse
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from tamis.langfuse import mask_function, mask_otel_spans

    memory = InMemorySpanExporter()
    provider = TracerProvider()
    lf = Langfuse(
        public_key="pk-lf-otel",
        secret_key="sk-lf-test",
        base_url="http://127.0.0.1:9",
        span_exporter=memory,
        tracer_provider=provider,  # Langfuse clients are per public key: a key of its own
        mask=mask_function(policy),
        mask_otel_spans=mask_otel_spans(policy),
    )
    with lf.start_as_current_observation(name="agent", metadata={"owner": EMAIL}):
        # What an OpenAI instrumentation writes: messages as JSON text, prompt parts as text.
        tracer = provider.get_tracer("opentelemetry.instrumentation.openai")
        with tracer.start_as_current_span("openai.chat") as span:
            span.set_attribute("gen_ai.system", "openai")
            span.set_attribute("gen_ai.prompt.0.content", f"my card is {CARD}")
            span.set_attribute(
                "gen_ai.input.messages",
                json.dumps([{"role": "user", "content": f"mail {EMAIL}", "password": SECRET}]),
            )
            span.set_attribute("db.password", SECRET)
    lf.flush()
    spans = memory.get_finished_spans()
    assert {s.name for s in spans} >= {"agent", "openai.chat"}
    third = next(s for s in spans if s.name == "openai.chat")
    messages = json.loads(third.attributes["gen_ai.input.messages"])
    assert messages == [{"role": "user", "content": "mail [PII]", "password": "********"}]
    assert third.attributes["gen_ai.prompt.0.content"] == "my card is [PII]"
    assert third.attributes["db.password"] == "********"
    dump = json.dumps([dict(s.attributes or {}) for s in spans])
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
            import numpy as np
            import pandas as pd
            import polars as pl
            import pyarrow as pa
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

            def emails(users: pd.DataFrame) -> pd.Series:
                """Mailing list; questions to {EMAIL}."""
                return users["email"]

            def email_array(users: pd.DataFrame) -> np.ndarray:
                return users["email"].to_numpy()

            def email_arrow(users: pd.DataFrame) -> pa.Array:
                return pa.array(users["email"].tolist())

            def email_table(users: pd.DataFrame) -> pa.Table:
                return pa.Table.from_pandas(users)

            def email_polars(users: pd.DataFrame) -> pl.DataFrame:
                return pl.from_pandas(users)

            def names(users: pd.DataFrame) -> list:
                return users["email"].tolist()[:3]

            def dsn(db_url: str) -> str:
                return db_url
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
            sent.append(("template", args, kwargs))
            return 1

        def create_and_start_dag_run(self, dag_template_id: int, tags: Any, inputs: Any, outputs: Any) -> int:
            sent.append(("run", tags, inputs, outputs))
            return 7

        def update_tasks(self, dag_run_id: int, attributes: Any, task_updates: Any, in_samples: Any = None) -> None:
            sent.append(("tasks", attributes, task_updates))

        def log_dag_run_end(self, dag_run_id: int, status: str) -> None:
            sent.append(("end", status))

    dsn = f"postgres://etl:{SECRET}@db/x"
    config = {"db_password": SECRET, "dsn": dsn, "owner": EMAIL}
    outputs = ["contact", "payment", "total", "emails", "email_array", "email_arrow", "email_table",
               "email_polars", "names", "dsn"]
    mod = hamilton_module()
    plain = driver.Builder().with_modules(mod).with_config(config).build()
    want = plain.execute(outputs, inputs={"db_url": dsn})

    tracker = HamiltonTracker(
        project_id=1, username="test", dag_name="tamis", client_factory=RecordingClient,
        tags={"team": EMAIL},
    )
    dr = driver.Builder().with_modules(mod).with_config(config).with_adapters(masked(tracker, policy)).build()
    got = dr.execute(outputs, inputs={"db_url": dsn})
    assert got["contact"] == want["contact"] and got["payment"] == want["payment"]
    assert got["total"] == want["total"] and got["emails"].equals(want["emails"])
    dump = json.dumps(sent, default=str)
    kinds = {kind for kind, *_ in sent}
    assert kinds == {"template", "run", "tasks", "end"}, kinds
    assert "tamis_summary" in dump
    assert leaks(dump) == [], [m.start() for m in re.finditer(SECRET, dump)] and dump[dump.index(SECRET) - 300 : dump.index(SECRET) + 50]
    # Every column-like result is a tamis summary, none has Hamilton's raw statistics.
    results = {
        a["node_name"]: a for _, attrs, _ in (x for x in sent if x[0] == "tasks") for a in attrs
        if isinstance(a, dict) and a.get("name") == "result_summary"
    }
    for node in ("emails", "email_array", "email_arrow", "email_table", "email_polars", "users"):
        assert results[node]["type"] == "dict", (node, results[node]["type"])


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


AIRFLOW_LOG_DAG = f'''
import datetime
import logging
import sys

import structlog
from airflow.sdk import BaseOperator, dag, task


class SelfLog(BaseOperator):
    def execute(self, context):
        self.log.info("self.log for %s", "{EMAIL}")
        self.log.info("self.log creds", extra={{"creds": {{"password": "{SECRET}"}}}})


@dag(schedule=None, start_date=datetime.datetime(2024, 1, 1), catchup=False)
def tamis_logs():
    @task
    def talk():
        print("print to stdout: {EMAIL}")
        print("print to stderr: card {CARD}", file=sys.stderr)
        logging.getLogger().info("root logger: contact %s", "{EMAIL}")
        logging.getLogger("my.module").info("extra", extra={{"creds": {{"password": "{SECRET}"}}}})
        structlog.get_logger("my.struct").info("structlog", password="{SECRET}", user="{EMAIL}")
        try:
            raise ValueError("handled error for {EMAIL}")
        except ValueError:
            logging.getLogger("my.module").exception("caught")

    @task
    def boom():
        raise RuntimeError("unhandled failure for {EMAIL}")

    talk() >> SelfLog(task_id="selflog") >> boom()


tamis_logs()
'''


def test_airflow_task_logs(tmp_path: pathlib.Path) -> None:
    """Task prints, logs and tracebacks reach the task log files masked (the supervisor writes
    them, as on a worker), and read back masked; without a policy the task does not start."""
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY_TEXT)
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "tamis_logs.py").write_text(AIRFLOW_LOG_DAG)
    home = tmp_path / "home"
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path / 'airflow.db'}",
        AIRFLOW__CORE__DAGS_FOLDER=str(dags),
        AIRFLOW__TAMIS__POLICY_FILE=str(policy_file),
        AIRFLOW__LOGGING__LOGGING_CONFIG_CLASS="tamis.airflow_logging.LOGGING_CONFIG",
        AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL="1",  # the supervisor notices the task's end sooner
    )
    runner = [sys.executable, str(ROOT / "bindings-python" / "tests" / "airflow" / "run_tasks.py"), "tamis_logs"]
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env, check=True, capture_output=True, timeout=600)
    run = subprocess.run(runner, env=env, capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr  # Airflow's logging setup may take over stdout
    assert "DAGRUN failed" in out, out[-3000:]  # boom fails, as it should
    exits = dict(line.split()[1:3] for line in out.splitlines() if line.startswith("TASK "))
    assert set(exits) == {"talk", "selflog", "boom"}, out[-3000:]
    logs = sorted((home / "logs").rglob("*.log"))
    assert len(logs) == 3, logs
    text = "".join(p.read_text() for p in logs)
    for seen in ("print to stdout: [PII]", "card [PII]", "root logger: contact [PII]", "self.log for [PII]",
                 '"password":"********"', "handled error for [PII]", "unhandled failure for [PII]"):
        assert seen in text, seen
    assert leaks(text) == []
    readback = [line for line in out.splitlines() if line.startswith("READBACK")]
    assert len(readback) == 3 and "[PII]" in "".join(readback)
    assert leaks(out) == []

    # Fail closed: the hook configured, the policy file missing: no task runs, nothing is written.
    env["AIRFLOW__TAMIS__POLICY_FILE"] = str(tmp_path / "missing.toml")
    before = set((home / "logs").rglob("*.log"))
    run = subprocess.run(runner, env=env, capture_output=True, text=True, timeout=600)
    new = [p for p in (home / "logs").rglob("*.log") if p not in before]
    assert leaks("".join(p.read_text() for p in new)) == []
    out = run.stdout + run.stderr
    assert "final_state=success" not in out and leaks(out) == []
    assert "[PII]" not in "".join(p.read_text() for p in new)  # nothing of the tasks ran


OTEL_APP = f'''
import logging
from opentelemetry import trace
from opentelemetry._logs import get_logger_provider

tracer = trace.get_tracer("app")
with tracer.start_as_current_span("signup {EMAIL}") as span:
    span.set_attribute("user.email", "{EMAIL}")
    span.set_attribute("db.password", "{SECRET}")
    span.add_event("charged", {{"card": "{CARD}"}})
get_logger_provider().get_logger("app").emit(body="welcome {EMAIL}", attributes={{"api_key": "{SECRET}"}})
trace.get_tracer_provider().force_flush()
get_logger_provider().force_flush()
'''


def test_otel_zero_code_configurator(tmp_path: pathlib.Path) -> None:
    """`opentelemetry-instrument` with OTEL_PYTHON_CONFIGURATOR=tamis: the console exporters
    it sets up from the environment print masked spans and logs."""
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY_TEXT)
    app = tmp_path / "app.py"
    app.write_text(OTEL_APP)
    env = dict(os.environ)
    env.update(
        TAMIS_POLICY_FILE=str(policy_file),
        OTEL_PYTHON_CONFIGURATOR="tamis",
        OTEL_TRACES_EXPORTER="console",
        OTEL_LOGS_EXPORTER="console",
        OTEL_METRICS_EXPORTER="none",
        OTEL_BSP_SCHEDULE_DELAY="10",
        OTEL_BLRP_SCHEDULE_DELAY="10",
    )
    instrument = pathlib.Path(sys.executable).parent / "opentelemetry-instrument"
    run = subprocess.run([str(instrument), sys.executable, str(app)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert '"name": "signup [PII]"' in out and '"db.password": "********"' in out, out[-3000:]
    assert '"body": "welcome [PII]"' in out, out[-3000:]
    assert leaks(out + run.stderr) == []

    # No policy: nothing is set up, so nothing is exported (and the app still runs).
    del env["TAMIS_POLICY_FILE"]
    run = subprocess.run([str(instrument), sys.executable, str(app)], env=env, capture_output=True, text=True, timeout=120)
    assert '"name"' not in run.stdout and leaks(run.stdout + run.stderr) == []


def test_attributes_json_in_any_spelling_and_langfuse_metadata_keys(policy: tamis.Policy) -> None:
    from tamis._attributes import mask_attributes

    attrs = {
        "a": ' {"password": "' + SECRET + '"}',
        "b": '{"password": "' + SECRET + '"}\n',
        "c": json.dumps(json.dumps({"api_key": SECRET})),
        "langfuse.observation.metadata.api_key": SECRET,
        "deep": "[" * 100_000 + "]" * 100_000,
        "a@b.com": "plain",
        "c@d.com": '{"x": 1}',
    }
    out = mask_attributes(policy, attrs, None)
    assert leaks(json.dumps(out)) == []
    assert json.loads(out["a"]) == {"password": "********"} and json.loads(json.loads(out["c"])) == {"api_key": "********"}
    assert out["langfuse.observation.metadata.api_key"] == "********"
    assert not any("@" in k for k in out) and len([v for v in out.values() if v in ("plain", '{"x": 1}')]) == 2


def test_a_log_record_that_cannot_be_masked_is_emptied_and_counted(policy: tamis.Policy) -> None:
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

    from tamis.otel import MaskingLogRecordProcessor

    class Failing:
        def mask_text(self, *a: Any, **k: Any) -> str:
            raise RuntimeError("injected")

        apply = mask_text

    processor = MaskingLogRecordProcessor(Failing())  # type: ignore[arg-type]
    memory = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(processor)
    provider.add_log_record_processor(SimpleLogRecordProcessor(memory))
    provider.get_logger("t").emit(body=f"to {EMAIL}", attributes={"card": CARD}, event_name=f"e {EMAIL}")
    (record,) = memory.get_finished_logs()
    assert processor.failed == 1 and record.log_record.body == "[tamis:masking_failed]"
    assert leaks(record.to_json()) == []


def test_logging_hooks_that_cannot_mask_write_a_placeholder(policy: tamis.Policy) -> None:
    """A policy call that fails never lets the record through, and never raises into the
    application's log call (stdlib's handleError would print the raw message and arguments)."""
    import io

    import structlog

    from tamis.logging import StructlogProcessor, TamisFilter

    class Failing:
        def mask_text(self, *a: Any, **k: Any) -> str:
            raise RuntimeError("injected")

        apply = mask_text

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    tamis_filter = TamisFilter(policy)
    tamis_filter.policy = Failing()  # type: ignore[assignment]
    handler.addFilter(tamis_filter)
    log = logging.getLogger("tamis-failing-filter")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("to %s", EMAIL, extra={"card": CARD})
    finally:
        log.removeHandler(handler)
    assert tamis_filter.failed == 1 and stream.getvalue() == "[tamis:masking_failed]\n"

    lines: list[str] = []
    processor = StructlogProcessor(policy)
    processor.policy = Failing()  # type: ignore[assignment]
    logger = structlog.wrap_logger(
        structlog.PrintLogger(file=io_collect(lines)), processors=[processor, structlog.processors.JSONRenderer()]
    )
    logger.info(f"to {EMAIL}", card=CARD)
    assert processor.failed == 1 and lines == ['{"event": "[tamis:masking_failed]"}']

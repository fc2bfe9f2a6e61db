"""The snippets of the README and of each integration module's docstring, run as written.

Each Python snippet runs in its own interpreter (they configure logging and structlog globally)
from the repository root, after a prelude that defines what the snippet takes as given
(`policy`, `records`, `df`, a tracer and logger provider, `my_dag`) and points the network
exporters at in-memory ones (`OTLPSpanExporter` is the SDK's `InMemorySpanExporter`) and the
Hamilton client at a recording one. Where a snippet sets something up, an epilogue uses it and
checks that a planted email comes out masked. Configuration snippets (airflow.cfg) are parsed
and every class or object they name is imported; shell snippets (`opentelemetry-instrument`)
run with an app that makes a span.
"""

from __future__ import annotations

import ast
import configparser
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import tamis

ROOT = pathlib.Path(__file__).resolve().parents[2]
EMAIL = "doc.canary@example.com"

PRELUDE = f'''
import os, sys, types
os.environ.setdefault("TAMIS_HASH_KEY", "doc-test-key")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
import pandas as pd
import tamis
policy = tamis.Policy.from_file("policies/default.toml")
records = [{{"user": {{"email": "{EMAIL}"}}, "ts": "2024-03-05T09:00:00Z"}}]
record = records[0]
df = pd.DataFrame({{"email": ["{EMAIL}"], "n": [1]}})
line = '{{"email": "{EMAIL}"}}'
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter as OTLPSpanExporter
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter as OTLPLogExporter
tracer_provider, logger_provider = TracerProvider(), LoggerProvider()
my_dag = types.ModuleType("my_dag")
exec("def contact() -> str:\\n    return 'write to {EMAIL}'\\n", my_dag.__dict__)
sys.modules["my_dag"] = my_dag
# The Hamilton client records its calls instead of calling a server.
from hamilton_sdk.api import clients
SENT = []
for name, value in {{"validate_auth": None, "project_exists": True, "register_dag_template_if_not_exists": 1,
                    "create_and_start_dag_run": 7, "update_tasks": None, "log_dag_run_end": None}}.items():
    setattr(clients.BasicSynchronousHamiltonClient, name,
            lambda self, *a, _n=name, _v=value, **k: (SENT.append((_n, a, k)), _v)[1])
'''

# What to run after a snippet: it uses what the snippet set up.
EPILOGUES = {
    ("tamis.logging", 0): f'import logging\nlog = logging.getLogger("doc")\nlog.addHandler(handler)\nlog.warning("to {EMAIL}")',
    ("tamis.logging", 1): f'import logging\nlogging.getLogger("doc").warning("to {EMAIL}")',
    ("tamis.logging", 2): f'structlog.get_logger().warning("to {EMAIL}")',
    ("tamis.otel", 0): f'''
tracer_provider.get_tracer("doc").start_span("to {EMAIL}").end()
logger_provider.get_logger("doc").emit(body="to {EMAIL}")
tracer_provider.force_flush(); logger_provider.force_flush()
print("spans", [s.name for s in tracer_provider._active_span_processor._span_processors[0].span_exporter.inner.get_finished_spans()])''',
    # The DAG's own result is the raw one; what the tracker sent is masked.
    ("tamis.hamilton", 0): 'assert dr.execute(["contact"])["contact"].endswith("example.com")\nprint("sent", SENT)',
    ("tamis.ray", 0): "ray.shutdown()",
    ("tamis.llm", 0): 'print("\\nstream", policy.stream().push("[to ' + EMAIL + ']\\n"))',
    ("tamis.spark", 0): "spark.stop()",
    ("README.md", 0): 'print(safe, rows, out, report, policy.mask_text("to ' + EMAIL + '"))',
}


def _doc_blocks(text: str) -> list[str]:
    """The indented code blocks of a docstring."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines() + ["<end>"]:
        if line.startswith("    ") or (current and not line.strip()):
            current.append(line)
        else:
            if current:
                blocks.append(textwrap.dedent("\n".join(current)).strip())
            current = []
    return blocks


def _snippets() -> list[tuple[str, int, str]]:
    out = []
    readme = (ROOT / "README.md").read_text()
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", readme, flags=re.S)):
        out.append(("README.md", i, block))
    # The recipe page of each engine (Dask, Ray, Spark).
    for page in sorted((ROOT / "docs").glob("*.md")):
        for i, block in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)):
            out.append((f"docs/{page.name}", i, block))
    for module in ("tamis.logging", "tamis.otel", "tamis.langfuse", "tamis.hamilton", "tamis.airflow",
                   "tamis.airflow_logging", "tamis.ray", "tamis.spark", "tamis.llm", "tamis.spacy", "tamis.presidio"):
        path = pathlib.Path(tamis.__file__).parent / (module.split(".", 1)[1] + ".py")
        doc = ast.get_docstring(ast.parse(path.read_text()), clean=True) or ""
        for i, block in enumerate(_doc_blocks(doc)):
            out.append((module, i, block))
    return out


SNIPPETS = _snippets()


def test_every_integration_has_a_snippet() -> None:
    sources = {s for s, _, _ in SNIPPETS}
    assert sources >= {"README.md", "docs/dask.md", "docs/ray.md", "docs/spark.md", "tamis.logging", "tamis.otel", "tamis.langfuse", "tamis.hamilton",
                       "tamis.airflow", "tamis.airflow_logging", "tamis.ray", "tamis.spark", "tamis.llm", "tamis.spacy", "tamis.presidio"}


@pytest.mark.parametrize(("source", "index", "code"), SNIPPETS, ids=[f"{s}-{i}" for s, i, _ in SNIPPETS])
def test_snippet_runs(source: str, index: int, code: str, tmp_path: pathlib.Path) -> None:
    # Airflow writes its home on first import: one per test, as two workers run at once.
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow")}
    if code.startswith("#") and "airflow.cfg" in code.splitlines()[0]:
        _check_config(code, env)
        return
    if "opentelemetry-instrument" in code:
        _run_shell(code, tmp_path)
        return
    program = PRELUDE + "\n" + code + "\n" + EPILOGUES.get((source, index), "")
    run = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"{source} snippet {index} failed:\n{code}\n{run.stderr[-3000:]}"
    output = run.stdout + run.stderr
    assert EMAIL not in output, f"{source} snippet {index}: the planted email came out"
    if (source, index) in EPILOGUES:
        assert "h:k1:" in output or "[" in output, output[-2000:]  # a token or placeholder was written


APP = f'''
from opentelemetry import trace
with trace.get_tracer("app").start_as_current_span("signup {EMAIL}"):
    pass
trace.get_tracer_provider().force_flush()
'''


def _run_shell(code: str, tmp_path: pathlib.Path) -> None:
    """A shell snippet, run by bash in a directory with an `app.py` that makes a span and the
    repository's policies, with the environment's tools first on PATH and console exporters."""
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "policies").symlink_to(ROOT / "policies")
    env = dict(os.environ)
    env.update(
        PATH=f"{pathlib.Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        TAMIS_HASH_KEY="doc-test-key",
        OTEL_TRACES_EXPORTER="console",
        OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
        OTEL_BSP_SCHEDULE_DELAY="10",
    )
    run = subprocess.run(["bash", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"{code}\n{run.stderr[-3000:]}"
    assert '"name": "signup ' in run.stdout, run.stdout[-2000:]
    assert EMAIL not in run.stdout + run.stderr


def _check_config(code: str, env: dict[str, str]) -> None:
    parser = configparser.ConfigParser()
    parser.read_string("\n".join(line for line in code.splitlines() if not line.startswith("#")))
    names = [v for section in parser.sections() for v in parser[section].values() if v.startswith("tamis.")]
    assert names, code
    for name in names:
        module, _, attr = name.rpartition(".")
        program = f"import importlib, sys\nm = importlib.import_module({module!r})\ngetattr(m, {attr!r})"
        run = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"{name}: {run.stderr[-2000:]}"

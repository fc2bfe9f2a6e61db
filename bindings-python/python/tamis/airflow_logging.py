"""Airflow 3 task logs, masked before they are written: `[logging] logging_config_class`.

    # airflow.cfg (on every worker, the scheduler, triggerer and dag processor)
    [logging]
    logging_config_class = tamis.airflow_logging.LOGGING_CONFIG
    [tamis]
    policy_file = /opt/airflow/policies/airflow.toml

Airflow's structlog chain (`airflow.sdk.log.logging_processors` / `configure_logging`) ends with
the processors of the remote task log handler, `REMOTE_TASK_LOG.processors`, and Airflow takes
that handler from the module of `logging_config_class`. This module's handler adds one
processor, `tamis.logging.StructlogProcessor` with the policy of `[tamis] policy_file` (the
XCom backend's), so it runs in the task process and in the supervisor that writes the task log
file (and in the triggerer, dag processor and callbacks, which use the same chain). The exits
covered: `print` to stdout and stderr, stdlib `logging`, `self.log` and structlog in tasks,
handled and unhandled exceptions with their tracebacks, and what Airflow itself logs about the
task. Airflow's own secrets masker still runs before it.

Fail closed: the policy is loaded when Airflow builds the chain, not when this module is
imported (Airflow's task SDK ignores a module that fails to import); a missing or invalid
policy raises there, and the task does not start. A record the policy drops is written as
`[tamis:dropped]` (raising structlog's `DropEvent` would escape into the task's own `logging`
call). Free text is masked by the policy's detectors; key rules see the keys of structured
events (`self.log.info("x", extra={...})`, structlog keywords), not `key=value` inside text.

Remote logging (S3, GCS, ...): this handler replaces the one Airflow would build from
`remote_base_log_folder`; to keep it, write your own module with
`REMOTE_TASK_LOG = TamisLogIO(S3RemoteLogIO(...))` and the same `LOGGING_CONFIG`. Uploads read
the local file, which is already masked.
"""

from __future__ import annotations

import functools
from copy import deepcopy
from typing import Any, MutableMapping

try:  # airflow-core (scheduler, api-server, workers started by `airflow ...`)
    from airflow.config_templates.airflow_local_settings import DEFAULT_LOGGING_CONFIG
except ImportError:  # a worker with only the task SDK
    DEFAULT_LOGGING_CONFIG = {"version": 1, "disable_existing_loggers": False}

LOGGING_CONFIG: dict[str, Any] = deepcopy(DEFAULT_LOGGING_CONFIG)

_KEEP = ("timestamp", "level")
_LEVELS = {"debug", "info", "warning", "warn", "error", "critical", "exception", "fatal"}


class _AirflowProcessor:
    """`StructlogProcessor`, with a dropped record written as a placeholder."""

    def __init__(self, policy: Any) -> None:
        from tamis.logging import StructlogProcessor

        self._inner = StructlogProcessor(policy, context={"type": "airflow.log"})

    def __call__(self, logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Any:
        import structlog

        kept = {k: event_dict[k] for k in _KEEP if isinstance(event_dict.get(k), str)}
        kept.setdefault("level", method_name if method_name in _LEVELS else "info")
        try:
            out = self._inner(logger, method_name, event_dict)
        except structlog.DropEvent:
            return {**kept, "event": "[tamis:dropped]"}
        if not isinstance(out, dict) or "tamis_quarantined" in out:
            # Airflow's readers need `event` and `level` on every line.
            return {**kept, "event": "[tamis:quarantined]"}
        out.setdefault("level", kept["level"])
        return out


class TamisLogIO:
    """A remote task log handler (Airflow's `RemoteLogIO` protocol) that adds the tamis
    processor and otherwise hands uploads and reads to `inner` (a provider's handler) or,
    without one, lets Airflow read the local file."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner

    @functools.cached_property
    def processors(self) -> tuple[Any, ...]:
        import tamis.airflow

        inner = tuple(getattr(self.inner, "processors", ()) or ())
        return (_AirflowProcessor(tamis.airflow.policy()), *inner)

    def upload(self, path: Any, ti: Any = None) -> None:
        if self.inner is not None:
            self.inner.upload(path, ti)

    def read(self, relative_path: str, ti: Any) -> Any:
        if self.inner is None:
            raise NotImplementedError  # Airflow then reads the local (masked) file
        stream = getattr(self.inner, "stream", None)
        return stream(relative_path, ti) if stream is not None else self.inner.read(relative_path, ti)


REMOTE_TASK_LOG = TamisLogIO()

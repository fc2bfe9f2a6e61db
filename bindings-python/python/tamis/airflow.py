"""`TamisXComBackend`: XCom values are masked before Airflow stores them.

    # airflow.cfg                          # or the environment
    [core]
    xcom_backend = tamis.airflow.TamisXComBackend
    [tamis]
    policy_file = /opt/airflow/policies/airflow.toml

The policy file comes from `AIRFLOW__TAMIS__POLICY_FILE` / `[tamis] policy_file`, or
`TAMIS_POLICY_FILE`. Each value is masked with the context type `airflow.xcom` and the purpose
`<dag_id>.<task_id>`, so rules can be chosen per task with `when`. A value the policy drops is
stored as None. Without a policy file configured, storing an XCom fails (it never stores the raw
value). Works with Airflow 3 (`airflow.sdk.bases.xcom.BaseXCom`) and 2.x (`airflow.models.xcom`).

Task logs (prints, logging, tracebacks) are masked with the same policy file by
`tamis.airflow_logging` (`[logging] logging_config_class = tamis.airflow_logging.LOGGING_CONFIG`).
"""

from __future__ import annotations

import functools
import os
from typing import Any

from tamis._tamis import Policy, TamisError

try:  # Airflow 3
    from airflow.sdk.bases.xcom import BaseXCom
except ImportError:  # Airflow 2.x
    from airflow.models.xcom import BaseXCom  # type: ignore[no-redef]


def _policy_file() -> str:
    path = os.environ.get("AIRFLOW__TAMIS__POLICY_FILE") or os.environ.get("TAMIS_POLICY_FILE")
    if not path:
        try:
            from airflow.configuration import conf

            path = conf.get("tamis", "policy_file", fallback=None)
        except Exception:
            path = None
    if not path:
        raise TamisError(
            "tamis.airflow.TamisXComBackend has no policy: set [tamis] policy_file in airflow.cfg "
            "or AIRFLOW__TAMIS__POLICY_FILE"
        )
    return path


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Policy:
    return Policy.from_file(path)


def policy() -> Policy:
    """The policy the backend uses (loaded once per process and file)."""
    return _load(_policy_file())


class TamisXComBackend(BaseXCom):
    @staticmethod
    def serialize_value(  # type: ignore[override]
        value: Any,
        *,
        key: str | None = None,
        task_id: str | None = None,
        dag_id: str | None = None,
        run_id: str | None = None,
        map_index: int | None = None,
        **kwargs: Any,
    ) -> Any:
        context = {"type": "airflow.xcom", "purpose": f"{dag_id}.{task_id}"}
        masked = policy().apply(value, context=context)
        return BaseXCom.serialize_value(
            masked, key=key, task_id=task_id, dag_id=dag_id, run_id=run_id, map_index=map_index, **kwargs
        )

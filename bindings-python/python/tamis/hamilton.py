"""`masked(tracker, policy)`: what a Hamilton tracker records is masked before it leaves.

    from hamilton import driver
    from hamilton_sdk.adapters import HamiltonTracker
    from tamis.hamilton import masked

    tracker = masked(HamiltonTracker(project_id=1, username="me", dag_name="etl"), policy)
    dr = driver.Builder().with_modules(my_dag).with_adapters(tracker).build()

The exits of `HamiltonTracker` and `AsyncHamiltonTracker` (hamilton-sdk 0.9) are the calls of
its client; each one that carries data is masked (the client is wrapped):
- `register_dag_template_if_not_exists`: the driver config and the tracker's tags
  (`Policy.apply`), each node template's documentation (as text) and tags, the source code
  the tracker uploads (as text: a DSN or key written in a module is masked), the repository
  URL and each code artifact's URL and path (credentials in them).
- `create_and_start_dag_run`: run tags and inputs.
- `update_tasks`: every task attribute (result summaries, schemas, stack traces of failures).
- `log_dag_run_end`, `validate_auth`, `project_exists`: no data (status, ids).
Node names, types, dependencies and times are identifiers and pass unchanged.

Results: Hamilton describes a result with statistics that hold raw values (top values, samples).
Column-like results (pandas and polars DataFrames and Series, numpy arrays, pyarrow Tables,
RecordBatches and arrays, dicts of numpy arrays) are recorded as tamis summaries instead (a
dict, which the Hamilton UI shows as one), with the node's context; scalars, dicts, lists and
other objects are recorded as Hamilton records them and masked with the rest of the attribute.
The DAG's own results are untouched.

Node tags choose rules: a node tagged `tamis_type="..."` has its attributes masked with that
record type in the context (so rules with `when = { types = [...] }` apply or not), and
`tamis_purpose="..."` sets the purpose.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tamis._frames import is_column_batch
from tamis._tamis import Policy

_IDENTITY = ("node_name", "name", "type", "schema_version", "attribute_role")


class _MaskingClient:
    """Wraps a Hamilton client: the calls that carry data are masked; the rest pass through."""

    def __init__(self, inner: Any, policy: Policy, context: dict[str, Any] | None, tags: dict[str, dict[str, Any]]):
        self._inner = inner
        self._policy = policy
        self._context = context or {}
        self._tags = tags

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _ctx(self, node_name: str | None) -> dict[str, Any]:
        ctx = dict(self._context)
        tags = self._tags.get(node_name or "", {})
        if "tamis_type" in tags:
            ctx["type"] = str(tags["tamis_type"])
        if "tamis_purpose" in tags:
            ctx["purpose"] = str(tags["tamis_purpose"])
        return ctx

    def _apply(self, value: Any, node_name: str | None = None) -> Any:
        return self._policy.apply(value, context=self._ctx(node_name) or None)

    def _text(self, value: Any, node_name: str | None = None) -> Any:
        if not isinstance(value, str):
            return value if value is None else self._apply(value, node_name)
        return self._policy.mask_text(value, context=self._ctx(node_name) or None)

    def _dict(self, value: Any, node_name: str | None = None) -> dict[str, Any]:
        """A dict masked with `apply`; a dropped or quarantined one becomes {}."""
        if not value:
            return {} if value is None else value
        out = self._apply(value, node_name)
        return out if isinstance(out, dict) and "tamis_quarantined" not in out else {}

    def register_dag_template_if_not_exists(self, *args: Any, **kwargs: Any) -> Any:
        names = ("project_id", "dag_hash", "code_hash", "nodes", "code_artifacts", "name",
                 "config", "tags", "code", "vcs_info")
        call = dict(zip(names, args))
        call.update(kwargs)
        if "config" in call:
            call["config"] = self._dict(call["config"])
        if "tags" in call:
            call["tags"] = self._dict(call["tags"])
        if call.get("nodes"):
            nodes = []
            for n in call["nodes"]:
                n = dict(n)
                if "documentation" in n:
                    n["documentation"] = self._text(n["documentation"], n.get("name"))
                if "tags" in n:
                    n["tags"] = self._dict(n["tags"], n.get("name"))
                nodes.append(n)
            call["nodes"] = nodes
        if call.get("code"):
            call["code"] = [{**c, "contents": self._text(c.get("contents"))} for c in call["code"]]
        if call.get("code_artifacts"):
            # Each artifact's URL is built from the repository URL (credentials in it included).
            call["code_artifacts"] = [
                {**a, **{k: self._text(a[k]) for k in ("url", "path") if isinstance(a.get(k), str)}}
                for a in call["code_artifacts"]
            ]
        vcs = call.get("vcs_info")
        if vcs is not None and dataclasses.is_dataclass(vcs) and isinstance(getattr(vcs, "repository", None), str):
            call["vcs_info"] = dataclasses.replace(vcs, repository=self._text(vcs.repository))
        return self._inner.register_dag_template_if_not_exists(**call)

    def create_and_start_dag_run(self, dag_template_id: Any, tags: Any, inputs: Any, outputs: Any) -> Any:
        return self._inner.create_and_start_dag_run(
            dag_template_id, self._dict(tags), self._dict(inputs), outputs
        )

    def update_tasks(self, dag_run_id: Any, attributes: list[dict], task_updates: list[dict], in_samples: Any = None) -> Any:
        masked_attrs = []
        for a in attributes:
            if not isinstance(a, dict):
                # Hamilton sends None for "no attribute yet" (task start); anything else that is
                # not a dict is masked as a whole.
                masked_attrs.append(a if a is None else self._apply(a))
                continue
            node = a.get("node_name")
            out = self._apply(a, node)
            # Identity fields stay as Hamilton wrote them; everything else is the policy's.
            if isinstance(out, dict) and "tamis_quarantined" not in out:
                for k in _IDENTITY:
                    if k in a:
                        out[k] = a[k]
            else:
                out = {k: a[k] for k in _IDENTITY if k in a}
                out["value"] = None
            masked_attrs.append(out)
        return self._inner.update_tasks(dag_run_id, masked_attrs, task_updates, in_samples)


def _is_columns(result: Any) -> bool:
    """Data Hamilton would describe with value statistics: summarised by tamis instead."""
    mod = type(result).__module__.split(".", 1)[0]
    name = type(result).__name__
    if mod in ("pandas", "polars"):
        return name in ("DataFrame", "Series")
    if mod == "numpy":
        return name == "ndarray"
    if mod == "pyarrow":
        return hasattr(result, "to_pylist") and name != "Scalar" and not name.endswith("Scalar")
    return is_column_batch(result)


def masked(tracker: Any, policy: Policy, *, context: dict[str, Any] | None = None) -> Any:
    """Returns `tracker`, changed so that what it sends is masked and summarised."""
    tags: dict[str, dict[str, Any]] = {}
    client = _MaskingClient(tracker.client, policy, context, tags)
    tracker.client = client

    original_construct = tracker.post_graph_construct

    def post_graph_construct(*args: Any, **kwargs: Any) -> Any:
        graph = kwargs.get("graph", args[0] if args else None)
        for node in getattr(graph, "nodes", {}).values():
            tags[node.name] = dict(getattr(node, "tags", {}) or {})
        return original_construct(*args, **kwargs)

    tracker.post_graph_construct = post_graph_construct

    original_post = tracker.post_node_execute

    def post_node_execute(*args: Any, **kwargs: Any) -> Any:
        result = kwargs.get("result")
        if result is not None and _is_columns(result):
            node = kwargs.get("node_")
            ctx = client._ctx(getattr(node, "name", None)) or None
            try:
                summary = policy.summarize(result, context=ctx)
            except Exception:  # a shape tamis cannot summarise: recorded as masked, never raw
                summary = "[tamis:unsummarizable]"
            kwargs["result"] = summary
        return original_post(*args, **kwargs)

    tracker.post_node_execute = post_node_execute
    return tracker

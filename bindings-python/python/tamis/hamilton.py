"""`masked(tracker, policy)`: what a Hamilton tracker records is masked before it leaves.

    from hamilton import driver
    from hamilton_sdk.adapters import HamiltonTracker
    from tamis.hamilton import masked

    tracker = masked(HamiltonTracker(project_id=1, username="me", dag_name="etl"), policy)
    dr = driver.Builder().with_modules(my_dag).with_adapters(tracker).build()

The tracker's client is wrapped: run inputs, every task attribute (result summaries, schemas,
stack traces) and task updates pass through `Policy.apply` first; DataFrame results are recorded
as tamis summaries instead of Hamilton's own statistics. The DAG's own results are untouched.

Node tags choose rules: a node tagged `tamis_type="..."` has its attributes masked with that
record type in the context (so rules with `when = { types = [...] }` apply or not), and
`tamis_purpose="..."` sets the purpose.
"""

from __future__ import annotations

from typing import Any

from tamis._tamis import Policy


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

    def create_and_start_dag_run(self, dag_template_id: Any, tags: Any, inputs: Any, outputs: Any) -> Any:
        return self._inner.create_and_start_dag_run(
            dag_template_id, self._apply(tags), self._apply(inputs), outputs
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
            if isinstance(out, dict):
                for k in ("node_name", "name", "type", "schema_version", "attribute_role"):
                    if k in a:
                        out[k] = a[k]
            else:
                out = {k: a[k] for k in ("node_name", "name", "type", "schema_version", "attribute_role") if k in a}
                out["value"] = None
            masked_attrs.append(out)
        return self._inner.update_tasks(dag_run_id, masked_attrs, task_updates, in_samples)


def masked(tracker: Any, policy: Policy, *, context: dict[str, Any] | None = None) -> Any:
    """Returns `tracker`, changed so that what it sends is masked and summarised."""
    tags: dict[str, dict[str, Any]] = {}
    tracker.client = _MaskingClient(tracker.client, policy, context, tags)

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
        mod = type(result).__module__.split(".", 1)[0]
        if mod in ("pandas", "polars") and hasattr(result, "columns"):
            # Hamilton's statistics of a DataFrame include raw values (top values, samples):
            # record tamis summaries instead.
            kwargs["result"] = policy.summarize(result, context=context)
        return original_post(*args, **kwargs)

    tracker.post_node_execute = post_node_execute
    return tracker

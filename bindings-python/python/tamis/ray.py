"""Ray Data: Datasets masked and summarised with a policy, batch by batch on the workers.

    import ray, tamis
    from tamis.ray import mask, summarize

    policy = tamis.Policy.from_toml('''
    version = 1
    name = "ray"
    [[rule]]
    id = "pii"
    detect = ["email"]
    action = "replace"
    [[summarize]]
    id = "latency"
    paths = ["duration_ms"]
    min_items = 10
    ''')
    ds = ray.data.from_items([{"user": "jane@example.com", "duration_ms": float(i)} for i in range(100)])
    masked = mask(ds, policy)            # a Dataset, masked when consumed
    print(masked.take(1))
    print(summarize(ds, policy))         # {column: summary}, equal to one pass over all rows

`mask` runs `Policy.apply` on each batch, as a pyarrow Table (or, with `batch_format="numpy"`,
a dict of numpy arrays): each column is masked as the policy masks that key of a record, names
renamed where a detector finds something in them, column types kept where the action allows.
With `[access]` or `[[retention]]` rows go through the record stages and dropped rows leave the
batch. `summarize` computes mergeable summary states per batch on the workers and merges them on
the driver (`tamis.finish_summaries`): the states hold values and stay inside the job; only the
finished summaries (privacy rules applied) come back. The policy travels to the workers pickled
(its source and key material), once per task.
"""

from __future__ import annotations

import json
from typing import Any

from tamis._frames import finish_summaries, kept_rows, summarize_states
from tamis._tamis import Policy


def mask(
    dataset: Any,
    policy: Policy,
    *,
    context: dict[str, Any] | None = None,
    now: Any = None,
    batch_format: str = "pyarrow",
) -> Any:
    """`dataset` with every batch masked (a new Dataset; nothing runs until it is consumed)."""
    if batch_format not in ("pyarrow", "numpy"):
        raise ValueError("tamis.ray.mask: batch_format is `pyarrow` or `numpy`")

    def masked(batch: Any) -> Any:
        return policy.apply(batch, context=context, now=now)

    return dataset.map_batches(masked, batch_format=batch_format)


def summarize(
    dataset: Any, policy: Policy, *, context: dict[str, Any] | None = None, now: Any = None
) -> dict[str, Any]:
    """Summaries of `dataset`'s columns, as `Policy.summarize` gives for all rows at once; with
    `[access]` or `[[retention]]`, of the rows they keep (at `now`)."""

    import ray

    def states(batch: Any) -> dict[str, list[str]]:
        keep = kept_rows(policy, batch, context=context, now=now)
        if keep is not None:
            batch = batch.filter(keep)
        return {"tamis_states": [json.dumps(summarize_states(policy, batch, context=context))]}

    # The states merged in the rows' order: samples keep the first items, as one pass does.
    options = ray.data.DataContext.get_current().execution_options
    was = options.preserve_order
    options.preserve_order = True
    try:
        parts = dataset.map_batches(states, batch_format="pyarrow").take_all()
    finally:
        options.preserve_order = was
    return finish_summaries(policy, [json.loads(p["tamis_states"]) for p in parts], context=context)

"""tamis: privacy policies for telemetry.

Compile a policy once, then mask, expire, summarise and audit what leaves your pipelines::

    import tamis

    policy = tamis.Policy.from_file("policies/default.toml")
    safe = policy.apply({"user": {"email": "jane@example.com"}})

Every function here returns new objects and never mutates its input. Nothing tamis raises,
logs or reports contains a value it was asked to protect.
"""

from __future__ import annotations

from typing import Any

from tamis._tamis import (
    Policy,
    PolicyError,
    RevealError,
    Session,
    TamisError,
    TextStream,
    __version__,
)
from tamis._frames import finish_summaries, summarize_states

__all__ = [
    "Policy",
    "PolicyError",
    "RevealError",
    "Session",
    "TamisError",
    "TextStream",
    "__version__",
    "finish_summaries",
    "summarize_states",
]


def _restore_policy(state: tuple[Any, ...]) -> Policy:
    """Rebuilds a pickled `Policy` from its source, format, file name, key material, audit
    sink and `ext:` functions (pickled before the sink and the functions travelled: four
    items)."""
    source, is_json, file, keys, *rest = state
    detectors = rest[1] if len(rest) > 1 else None
    policy = Policy._from_state(source, is_json, file, keys, detectors)
    sink = rest[0] if rest else None
    return policy if sink is None else policy.with_audit(sink)

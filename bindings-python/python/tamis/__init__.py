"""tamis: privacy policies for telemetry.

Compile a policy once, then mask, expire, summarise and audit what leaves your pipelines::

    import tamis

    policy = tamis.Policy.from_file("policies/default.toml")
    safe = policy.apply({"user": {"email": "jane@example.com"}})

Every function here returns new objects and never mutates its input. Nothing tamis raises,
logs or reports contains a value it was asked to protect.
"""

from __future__ import annotations

from tamis._tamis import Policy, PolicyError, RevealError, TamisError, __version__
from tamis._frames import finish_summaries, summarize_states

__all__ = [
    "Policy",
    "PolicyError",
    "RevealError",
    "TamisError",
    "__version__",
    "finish_summaries",
    "summarize_states",
]


def _restore_policy(state: tuple[str, bool, str | None, list[tuple[str, bytes]]]) -> Policy:
    """Rebuilds a pickled `Policy` from its source, format, file name and key material."""
    source, is_json, file, keys = state
    return Policy._from_state(source, is_json, file, keys)

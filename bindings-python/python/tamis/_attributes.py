"""OpenTelemetry attributes masked as one record: `{"attribute.key": value}`.

Attribute values are scalars or lists of scalars, so tracing SDKs write structured data as JSON
text (Langfuse: `langfuse.observation.input`, `langfuse.*.metadata.*`; GenAI instrumentations:
message lists). A string that is a JSON object, array or string is decoded, masked as the
structure it is (key and path rules apply inside it), and encoded again; other text is masked
as text. A record the policy quarantines becomes `{"tamis.masked": "quarantined"}`.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from tamis._tamis import Policy

_SCALARS = (str, bool, int, float)


def _decoded(v: Any) -> tuple[bool, Any]:
    if not isinstance(v, str) or not v or v[0] not in '{["' or v[-1] not in '}]"':
        return False, v
    try:
        return True, json.loads(v)
    except ValueError:
        return False, v


def attribute_value(v: Any) -> Any:
    """A masked value in a type an attribute can hold (containers as JSON text)."""
    if v is None:
        return ""
    if isinstance(v, tuple):
        v = list(v)
    if isinstance(v, list) and all(isinstance(x, _SCALARS) for x in v):
        return v
    if isinstance(v, (dict, list)):
        return json.dumps(v, default=str, ensure_ascii=False)
    return v


def mask_attributes(policy: Policy, attrs: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
    """The masked attributes (keys renamed or removed as `Policy.apply` does)."""
    if not attrs:
        return {}
    record: dict[str, Any] = {}
    encoded: set[str] = set()
    for k, v in attrs.items():
        is_json, value = _decoded(v)
        if is_json:
            encoded.add(k)
        record[k] = value
    masked = policy.apply(record, context=context)
    if not isinstance(masked, dict) or "tamis_quarantined" in masked:
        return {"tamis.masked": "quarantined"}
    if encoded:
        names = dict(zip(policy._output_keys(list(record), context=context), record))
        encoded = {out for out, key in names.items() if key in encoded}
    out = {}
    for k, v in masked.items():
        k = str(k)
        if k in encoded:
            out[k] = json.dumps(v, ensure_ascii=False, default=str)
        else:
            out[k] = attribute_value(v)
    return out

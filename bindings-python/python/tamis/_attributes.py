"""OpenTelemetry attributes masked as records: `{"attribute.key": value}`.

Attribute values are scalars or lists of scalars, so tracing SDKs write structured data as JSON
text (Langfuse: `langfuse.observation.input`, `langfuse.*.metadata.*`; GenAI instrumentations:
message lists), sometimes encoded twice. A string that is JSON (an object, array or string,
with white space around it or not) is decoded, up to three times, masked as the structure it
is (key and path rules apply inside it), and encoded again as many times. Other text is masked
as text. Langfuse's per-key metadata attributes (`langfuse.observation.metadata.<key>`) are
masked under their prefix as keys of one object, so a key rule on `<key>` applies to them.

Each attribute is masked as a record of its own (renamed keys are numbered across the span as
`apply` numbers the keys of one map). An attribute that cannot be masked (quarantined by a
limit) is replaced by `tamis.masked = "quarantined"`; one the policy removes is left out.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from tamis._tamis import Policy

_SCALARS = (str, bool, int, float)
_META = re.compile(r"^(langfuse\.(?:trace|observation)\.metadata)\.(.+)$", re.S)
_NUMBERED = re.compile(r"^\[([^\]:]+):(\d+)\]$")
_MAX_DECODE = 3


def _decoded(v: Any) -> tuple[int, Any]:
    """How many times `v` is JSON-encoded (0 = plain), and the value inside."""
    times = 0
    while times < _MAX_DECODE and isinstance(v, str):
        t = v.strip()
        if not t or t[0] not in '{["' or t[-1] not in '}]"':
            break
        try:
            v = json.loads(t)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
            break
        times += 1
    return times, v


def _encoded(v: Any, times: int) -> Any:
    for _ in range(times):
        v = json.dumps(v, ensure_ascii=False, default=str)
    return v


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


def _unique(name: str, used: set[str]) -> str:
    """`name`, or a renamed `[type:n]` numbered past the ones taken."""
    m = _NUMBERED.match(name)
    n = int(m.group(2)) if m else 1
    while name in used:
        n += 1
        name = f"[{m.group(1)}:{n}]" if m else f"{name}#{n}"
    used.add(name)
    return name


def mask_attributes(policy: Policy, attrs: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
    """The masked attributes (keys renamed or removed as `Policy.apply` does)."""
    if not attrs:
        return {}
    out: dict[str, Any] = {}
    used: set[str] = set()
    for key, value in attrs.items():
        times, inner = _decoded(value)
        meta = _META.match(key)
        record = {meta.group(1): {meta.group(2): inner}} if meta else {key: inner}
        masked = policy.apply(record, context=context)
        if not isinstance(masked, dict) or "tamis_quarantined" in masked:
            out["tamis.masked"] = "quarantined"
            continue
        if meta:
            group = masked.get(meta.group(1))
            pairs = [(f"{meta.group(1)}.{k}", v) for k, v in group.items()] if isinstance(group, dict) else []
        else:
            pairs = list(masked.items())
        for name, v in pairs:
            name = _unique(str(name), used)
            out[name] = _encoded(v, times) if times else attribute_value(v)
    return out

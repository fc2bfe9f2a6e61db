"""Langfuse: `mask_function(policy)` for `Langfuse(mask=...)`, and `mask_otel_spans(policy)` for
`Langfuse(mask_otel_spans=...)`.

    from langfuse import Langfuse
    from tamis.langfuse import mask_function, mask_otel_spans

    policy = tamis.Policy.from_file("policies/langfuse.toml")
    langfuse = Langfuse(mask=mask_function(policy), mask_otel_spans=mask_otel_spans(policy))

The exits of the Langfuse Python SDK and what covers each:
- input, output and metadata set through its API (`start_observation`, `update`, decorators):
  `mask=`, which Langfuse calls with each value. Text is masked as free text; anything else with
  `Policy.apply` (a value the policy drops becomes None).
- the attributes of every span Langfuse exports, including spans of third-party
  instrumentations (OpenAI, Anthropic, LangChain through OpenTelemetry): `mask_otel_spans=`,
  which Langfuse calls with each export batch. JSON-encoded attribute values (Langfuse's own
  `langfuse.*.metadata.*`, `gen_ai.*` messages) are decoded and masked as the structure they
  hold. A batch that cannot be masked is dropped by Langfuse (its documented behaviour when the
  hook raises), never sent raw. Langfuse uploads media (base64 data URIs in attributes) before
  this hook runs: turn media upload off, or mask at `mask=`, where data is set.
- span names, event attributes (exception messages), status text and links, which
  `mask_otel_spans` cannot change: give Langfuse a masking exporter,
  `Langfuse(span_exporter=tamis.otel.MaskingSpanExporter(OTLPSpanExporter(...), policy))`.
"""

from __future__ import annotations

from typing import Any, Callable

from tamis._attributes import mask_attributes
from tamis._tamis import Policy


def mask_function(policy: Policy, *, context: dict[str, Any] | None = None) -> Callable[..., Any]:
    def mask(*, data: Any, **_: Any) -> Any:
        if isinstance(data, str):
            return policy.mask_text(data, context=context)
        return policy.apply(data, context=context)

    return mask


def mask_otel_spans(policy: Policy, *, context: dict[str, Any] | None = None) -> Callable[..., Any]:
    from langfuse.types import MaskOtelSpansResult, OtelSpanPatch

    def mask(*, params: Any, **_: Any) -> Any:
        patches = {}
        for identifier, span in params.spans.items():
            before = dict(span.attributes)
            after = mask_attributes(policy, before, context)
            changed = {k: v for k, v in after.items() if before.get(k, _MISSING) != v}
            gone = tuple(k for k in before if k not in after)
            if changed or gone:
                patches[identifier] = OtelSpanPatch(set_attributes=changed, delete_attributes=gone)
        return MaskOtelSpansResult(span_patches=patches)

    return mask


_MISSING = object()

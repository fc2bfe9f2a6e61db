"""`MaskingSpanExporter(inner, policy)`: an OpenTelemetry span exporter that masks span names,
attributes, event attributes and status text before handing the spans to `inner`.

    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from tamis.otel import MaskingSpanExporter

    provider.add_span_processor(BatchSpanProcessor(MaskingSpanExporter(OTLPSpanExporter(), policy)))

Attributes are one record per span (`{"attribute.key": value}`), so path and key rules apply to
attribute names; JSON-encoded attribute values (as Langfuse writes them) are masked as text.
"""

from __future__ import annotations

from typing import Any, Sequence

from tamis._tamis import Policy

try:
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
    from opentelemetry.trace import Status
except ImportError as e:  # pragma: no cover - the message says what to install
    raise ImportError("tamis.otel needs opentelemetry-sdk: pip install opentelemetry-sdk") from e


def _attrs(policy: Policy, attrs: Any, context: Any) -> dict[str, Any]:
    if not attrs:
        return {}
    masked = policy.apply(dict(attrs), context=context)
    if not isinstance(masked, dict) or "tamis_quarantined" in masked:
        return {"tamis.masked": "quarantined"}
    out = {}
    for k, v in masked.items():
        if isinstance(v, tuple):
            v = list(v)
        if isinstance(v, (dict, list)) and not all(isinstance(x, (str, bool, int, float)) for x in v):
            v = str(v)
        out[str(k)] = v if v is not None else ""
    return out


class MaskingSpanExporter(SpanExporter):
    def __init__(self, inner: SpanExporter, policy: Policy, *, context: dict[str, Any] | None = None) -> None:
        self.inner = inner
        self.policy = policy
        self.context = context

    def _mask(self, span: ReadableSpan) -> ReadableSpan:
        p, ctx = self.policy, self.context
        status = span.status
        if status is not None and status.description:
            status = Status(status.status_code, p.mask_text(status.description, context=ctx))
        events = [
            Event(p.mask_text(e.name, context=ctx), _attrs(p, e.attributes, ctx), e.timestamp)
            for e in span.events
        ]
        return ReadableSpan(
            name=p.mask_text(span.name, context=ctx),
            context=span.context,
            parent=span.parent,
            resource=span.resource,
            attributes=_attrs(p, span.attributes, ctx),
            events=events,
            links=span.links,
            kind=span.kind,
            status=status,
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        )

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([self._mask(s) for s in spans])

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)

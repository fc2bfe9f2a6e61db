"""OpenTelemetry: `MaskingSpanExporter(inner, policy)` masks spans before `inner` exports them;
`MaskingLogRecordProcessor(policy)` masks log records before the processors after it see them.

    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from tamis.otel import MaskingLogRecordProcessor, MaskingSpanExporter

    tracer_provider.add_span_processor(BatchSpanProcessor(MaskingSpanExporter(OTLPSpanExporter(), policy)))
    logger_provider.add_log_record_processor(MaskingLogRecordProcessor(policy))  # first
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))

The exits of a span, each masked: its name, attributes, status description, each event's name
and attributes, each link's attributes; the resource's attributes too with `resource=True` (a
resource is shared by every span, so it is off by default: mask it where you build it). The
exits of a log record: its body (text is masked as free text, anything else with
`Policy.apply`), attributes (including the `exception.*` attributes the SDK derives) and event
name; the exception object itself is cleared (its text is in the masked attributes). Trace and
span ids, times, kinds and scopes are not data and pass unchanged. Dropped counts (attributes,
events, links) are kept.

Without code changes (zero-code instrumentation), `opentelemetry-instrument` takes tamis's
configurator: it sets up the SDK as OpenTelemetry's own does (exporters from
`OTEL_TRACES_EXPORTER`, `OTEL_LOGS_EXPORTER`, ...), with every span exporter wrapped in
`MaskingSpanExporter` and `MaskingLogRecordProcessor` before every log exporter:

    TAMIS_POLICY_FILE=policies/observability.toml OTEL_PYTHON_CONFIGURATOR=tamis \
        opentelemetry-instrument python app.py

Without `TAMIS_POLICY_FILE`, or with `OTEL_CONFIG_FILE` (declarative configuration, which
ignores a configurator's processors), the configurator raises and sets up nothing, so nothing is
exported. Metrics are not masked (their attributes are set by instrumentations, not by data);
their exporters are set up as OpenTelemetry's configurator does.

Attributes are one record per span (`{"attribute.key": value}`), so path and key rules apply to
attribute names; JSON-encoded attribute values (as Langfuse and GenAI instrumentations write
them) are decoded and masked as the structure they hold (`tamis._attributes`). A record the
policy quarantines becomes `{"tamis.masked": "quarantined"}`.
"""

from __future__ import annotations

from typing import Any, Sequence

import os

from tamis._attributes import attribute_value, mask_attributes
from tamis._tamis import Policy, TamisError

try:
    from opentelemetry.attributes import BoundedAttributes
    from opentelemetry.sdk._configuration import _OTelSDKConfigurator
    from opentelemetry.sdk._logs import LogRecordProcessor
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
    from opentelemetry.sdk.util import BoundedList
    from opentelemetry.trace import Link, Status, StatusCode
except ImportError as e:  # pragma: no cover - the message says what to install
    raise ImportError("tamis.otel needs opentelemetry-sdk: pip install opentelemetry-sdk") from e

def _attrs(policy: Policy, attrs: Any, context: Any, dropped: int = 0) -> BoundedAttributes:
    """Masked attributes, with the count of attributes the SDK dropped before."""
    out = BoundedAttributes(attributes=mask_attributes(policy, attrs, context), immutable=False)
    out.dropped = dropped
    out._immutable = True
    return out


def _bounded(items: list[Any], dropped: int) -> BoundedList:
    out = BoundedList.from_seq(None, items)
    out.dropped = dropped
    return out


def _dropped(x: Any) -> int:
    return int(getattr(x, "dropped_attributes", 0) or 0)


class MaskingSpanExporter(SpanExporter):
    def __init__(
        self,
        inner: SpanExporter,
        policy: Policy,
        *,
        context: dict[str, Any] | None = None,
        resource: bool = False,
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.context = context
        self.resource = resource
        #: Spans that could not be masked: exported blank (name, attributes, events, links).
        self.failed = 0

    def _mask(self, span: ReadableSpan) -> ReadableSpan:
        p, ctx = self.policy, self.context
        status = span.status
        if status is not None and status.description:
            status = Status(status.status_code, p.mask_text(status.description, context=ctx))
        events = [
            Event(p.mask_text(e.name, context=ctx), _attrs(p, e.attributes, ctx, _dropped(e)), e.timestamp)
            for e in span.events
        ]
        links = [Link(link.context, _attrs(p, link.attributes, ctx, _dropped(link))) for link in span.links]
        resource = span.resource
        if self.resource and resource is not None:
            resource = Resource(dict(_attrs(p, resource.attributes, ctx)), resource.schema_url)
        return ReadableSpan(
            name=p.mask_text(span.name, context=ctx),
            context=span.context,
            parent=span.parent,
            resource=resource,
            attributes=_attrs(p, span.attributes, ctx, span.dropped_attributes),
            events=_bounded(events, span.dropped_events),
            links=_bounded(links, span.dropped_links),
            kind=span.kind,
            status=status,
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        )

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([self._mask_or_blank(s) for s in spans])

    def _mask_or_blank(self, span: ReadableSpan) -> ReadableSpan:
        try:
            return self._mask(span)
        except Exception:
            # Fail closed and visibly: the span still goes (ids, times, kind, status code), with
            # nothing of its own text, and is counted.
            self.failed += 1
            status = span.status
            return ReadableSpan(
                name="[tamis:masking_failed]",
                context=span.context,
                parent=span.parent,
                resource=span.resource if not self.resource else Resource({}),
                attributes=BoundedAttributes(attributes={"tamis.masked": "failed"}),
                kind=span.kind,
                status=Status(status.status_code) if status is not None else Status(StatusCode.UNSET),
                start_time=span.start_time,
                end_time=span.end_time,
                instrumentation_scope=span.instrumentation_scope,
            )

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


class MaskingLogRecordProcessor(LogRecordProcessor):
    """Masks each log record in place; register it before the processors that export."""

    def __init__(self, policy: Policy, *, context: dict[str, Any] | None = None) -> None:
        self.policy = policy
        self.context = context
        #: Records that could not be masked: emptied (body, attributes, event name) and counted.
        self.failed = 0

    def on_emit(self, log_record: Any) -> None:
        try:
            self._mask(log_record)
        except Exception:
            # Fail closed and visibly, never into the application's own logging call.
            self.failed += 1
            record = log_record.log_record
            record.body = "[tamis:masking_failed]"
            record.attributes = BoundedAttributes(attributes={"tamis.masked": "failed"}, immutable=False)
            if getattr(record, "event_name", None):
                record.event_name = "[tamis:masking_failed]"
            if getattr(record, "exception", None) is not None:
                record.exception = None

    def _mask(self, log_record: Any) -> None:
        p, ctx = self.policy, self.context
        record = log_record.log_record
        body = record.body
        if isinstance(body, str):
            record.body = p.mask_text(body, context=ctx)
        elif body is not None:
            masked = p.apply(body, context=ctx)
            record.body = attribute_value(masked) if not isinstance(masked, dict) else masked
        if record.attributes:
            dropped = _dropped(log_record) if hasattr(log_record, "dropped_attributes") else 0
            masked_attrs = _attrs(p, record.attributes, ctx, dropped)
            masked_attrs._immutable = False  # later processors may add attributes, as the SDK allows
            record.attributes = masked_attrs
        if getattr(record, "event_name", None):
            record.event_name = p.mask_text(record.event_name, context=ctx)
        if getattr(record, "exception", None) is not None:
            record.exception = None

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class TamisConfigurator(_OTelSDKConfigurator):
    """OpenTelemetry's SDK configurator, with the policy of `TAMIS_POLICY_FILE` on every span
    and log exporter it sets up (entry point `opentelemetry_configurator` `tamis`)."""

    def _configure(self, **kwargs: Any) -> None:
        path = os.environ.get("TAMIS_POLICY_FILE")
        if not path:
            raise TamisError(
                "tamis.otel.TamisConfigurator has no policy: set TAMIS_POLICY_FILE to a policy file"
            )
        if os.environ.get("OTEL_CONFIG_FILE"):
            # OpenTelemetry's declarative configuration ignores a configurator's processors.
            raise TamisError(
                "tamis.otel.TamisConfigurator cannot mask what OTEL_CONFIG_FILE sets up: unset it, "
                "or add tamis's processors in code"
            )
        policy = Policy.from_file(path)
        span_processor = kwargs.get("export_span_processor") or BatchSpanProcessor
        log_processor = kwargs.get("export_log_record_processor") or BatchLogRecordProcessor
        kwargs["export_span_processor"] = lambda exporter, *a, **k: span_processor(
            MaskingSpanExporter(exporter, policy), *a, **k
        )
        kwargs["log_record_processors"] = [MaskingLogRecordProcessor(policy), *(kwargs.get("log_record_processors") or [])]
        kwargs["export_log_record_processor"] = log_processor
        super()._configure(**kwargs)

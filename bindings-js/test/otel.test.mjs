// The OpenTelemetry SDK with MaskingSpanProcessor in front of an in-memory exporter, with the
// attributes Langfuse writes (JSON input/output, per-key metadata).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { Policy } from 'tamis';
import { MaskingSpanProcessor, langfuseMask } from 'tamis/otel';

const policy = Policy.fromToml(`
version = 1
name = "otel"
[[rule]]
id = "emails"
keys = ["email", "user_email"]
action = "redact"
[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"
`);

test('spans reach the exporter masked', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new MaskingSpanProcessor(new SimpleSpanProcessor(exporter), policy)],
  });
  const tracer = provider.getTracer('test');
  const span = tracer.startSpan('lookup ann@example.com');
  span.setAttribute('langfuse.observation.input', JSON.stringify({ question: 'card 4111111111111111?', email: 'bob@example.com' }));
  span.setAttribute('langfuse.observation.metadata.email', 'carl@example.com');
  span.setAttribute('langfuse.observation.metadata.plan', 'pro');
  span.setAttribute('http.url', 'https://example.com/?u=dan@example.com');
  span.setAttribute('retries', 3);
  span.addEvent('sent to eve@example.com', { to: 'eve@example.com' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed for fay@example.com' });
  span.end();
  await provider.forceFlush();
  const [out] = exporter.getFinishedSpans();
  const text = JSON.stringify({ name: out.name, attributes: out.attributes, events: out.events, status: out.status });
  for (const raw of ['ann@', 'bob@', 'carl@', 'dan@', 'eve@', 'fay@', '4111111111111111']) {
    assert.ok(!text.includes(raw), `${raw} leaked`);
  }
  assert.equal(out.name, 'lookup [REDACTED]');
  assert.deepEqual(JSON.parse(out.attributes['langfuse.observation.input']), { question: 'card [REDACTED]?' });
  assert.ok(!('langfuse.observation.metadata.email' in out.attributes), 'metadata key rule applied');
  assert.equal(out.attributes['langfuse.observation.metadata.plan'], 'pro');
  assert.equal(out.attributes.retries, 3);
  assert.equal(out.events[0].name, 'sent to [REDACTED]');
  assert.equal(out.events[0].attributes.to, '[REDACTED]');
  assert.equal(out.status.message, 'failed for [REDACTED]');
  assert.equal(out.spanContext().traceId.length, 32, 'the rest of the span is the original');
  await provider.shutdown();
});

test('a span that cannot be masked is exported blank and counted, never raw', async () => {
  // Fault injection: the policy throws while the attributes are masked.
  const failing = {
    maskText: (text, opts) => policy.maskText(text, opts),
    apply() {
      throw new Error('injected failure for gil@example.com');
    },
  };
  const exporter = new InMemorySpanExporter();
  const processor = new MaskingSpanProcessor(new SimpleSpanProcessor(exporter), failing);
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const span = provider.getTracer('test').startSpan('lookup gil@example.com');
  span.setAttribute('user.email', 'gil@example.com');
  span.addEvent('sent to gil@example.com');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed for gil@example.com' });
  span.end();
  await provider.forceFlush();
  const [out] = exporter.getFinishedSpans();
  assert.equal(processor.failed, 1);
  const text = JSON.stringify({ name: out.name, attributes: out.attributes, events: out.events, status: out.status, links: out.links });
  assert.ok(!text.includes('gil@'), 'nothing of the span leaked');
  assert.equal(out.name, '[tamis:masking_failed]');
  assert.deepEqual(out.attributes, { 'tamis.masked': 'failed' });
  assert.deepEqual(out.status, { code: SpanStatusCode.ERROR });
  assert.equal(out.spanContext().traceId.length, 32, 'ids and timing stay');
  await provider.shutdown();
});

test('langfuseMask masks text and data', () => {
  const mask = langfuseMask(policy);
  assert.equal(mask({ data: 'to x@example.com' }), 'to [REDACTED]');
  assert.deepEqual(mask({ data: { user_email: 'x@example.com', n: 1 } }), { n: 1 });
});

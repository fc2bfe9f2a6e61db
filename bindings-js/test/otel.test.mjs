// The OpenTelemetry SDK with MaskingSpanProcessor in front of an in-memory exporter, with the
// attributes Langfuse writes (JSON input/output, per-key metadata).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { Policy } from 'tamis';
import { MaskingSpanProcessor, MaskingLogRecordProcessor, langfuseMask } from 'tamis/otel';

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

test('link attributes are masked, and dropped counts stay', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new MaskingSpanProcessor(new SimpleSpanProcessor(exporter), policy)],
    spanLimits: { attributeCountLimit: 2 },
  });
  const tracer = provider.getTracer('test');
  const parent = tracer.startSpan('parent');
  parent.end();
  const span = tracer.startSpan('child', {
    links: [{ context: parent.spanContext(), attributes: { email: 'hal@example.com', note: 'card 4111111111111111' } }],
  });
  span.setAttributes({ a: 1, b: 2, c: 'ivy@example.com' }); // the third is dropped by the SDK
  span.end();
  await provider.forceFlush();
  const out = exporter.getFinishedSpans().find((s) => s.name === 'child');
  assert.equal(out.links.length, 1);
  assert.deepEqual(out.links[0].attributes, { note: 'card [REDACTED]' });
  assert.equal(out.links[0].context.spanId, parent.spanContext().spanId);
  assert.equal(out.droppedAttributesCount, 1);
  assert.ok(!JSON.stringify({ l: out.links, a: out.attributes }).match(/hal@|ivy@|4111111111111111/));
  await provider.shutdown();
});

test('the resource is masked with { resource: true }', async () => {
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.owner': 'pat@example.com', 'service.name': 'shop' }),
    spanProcessors: [new MaskingSpanProcessor(new SimpleSpanProcessor(exporter), policy, { resource: true })],
  });
  provider.getTracer('test').startSpan('op').end();
  await provider.forceFlush();
  const [out] = exporter.getFinishedSpans();
  assert.deepEqual({ ...out.resource.attributes }, { 'service.owner': '[REDACTED]', 'service.name': 'shop' });
  await provider.shutdown();
});

test('langfuseMask parses the JSON Langfuse hands it', () => {
  const mask = langfuseMask(Policy.fromToml(`
version = 1
name = "lf"
[[rule]]
id = "secrets"
keys = ["password"]
action = "replace"
replacement = "***"
[[rule]]
id = "pii"
detect = ["email"]
action = "replace"
`));
  assert.equal(mask({ data: '{"password":"hunter2","q":"mail x@example.com"}' }), '{"password":"***","q":"mail [REDACTED]"}');
  assert.equal(mask({ data: '"to x@example.com"' }), '"to [REDACTED]"');
  assert.equal(mask({ data: '[{"password":"hunter2"}]' }), '[{"password":"***"}]');
  assert.equal(mask({ data: '{not json x@example.com' }), '{not json [REDACTED]');
});

test('log records are masked before the exporting processor', async () => {
  const { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } = await import('@opentelemetry/sdk-logs');
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [new MaskingLogRecordProcessor(policy), new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('test');
  logger.emit({ body: 'login jo@example.com', attributes: { user_email: 'jo@example.com', card: '4111111111111111', n: 2 } });
  logger.emit({ body: { email: 'kim@example.com', note: 'hi' }, eventName: 'signup' });
  logger.emit({ body: 'boom', exception: new Error('failed for lee@example.com') });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  assert.equal(records.length, 3);
  assert.equal(records[0].body, 'login [REDACTED]');
  assert.deepEqual({ ...records[0].attributes }, { card: '[REDACTED]', n: 2 });
  assert.deepEqual(records[1].body, { note: 'hi' });
  assert.equal(records[1].eventName, 'signup');
  const text = JSON.stringify(records.map((r) => ({ b: r.body, a: r.attributes, e: r.eventName })));
  assert.ok(!/jo@|kim@|lee@|4111111111111111/.test(text), text);
  await provider.shutdown();
});

test('Langfuse: every attribute of every span it exports is masked (its metadata too)', async () => {
  const { LangfuseSpanProcessor } = await import('@langfuse/otel');
  const { startActiveObservation, setLangfuseTracerProvider } = await import('@langfuse/tracing');
  const lfPolicy = Policy.fromToml(`
version = 1
name = "lf"
[[rule]]
id = "secrets"
keys = ["password", "api_key"]
action = "replace"
replacement = "***"
[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"
`);
  const exporter = new InMemorySpanExporter();
  const langfuse = new LangfuseSpanProcessor({
    exporter,
    exportMode: 'immediate',
    publicKey: 'pk-lf-test',
    secretKey: 'sk-lf-test',
    baseUrl: 'http://127.0.0.1:9',
    mediaUploadEnabled: false,
    mask: langfuseMask(lfPolicy),
  });
  const provider = new BasicTracerProvider({ spanProcessors: [new MaskingSpanProcessor(langfuse, lfPolicy)] });
  setLangfuseTracerProvider(provider);
  await startActiveObservation('chat', async (obs) => {
    obs.update({
      input: { password: 'hunter2', question: 'mail mo@example.com' },
      output: 'card 4111111111111111',
      metadata: { api_key: 'sk-canary-123', owner: 'ned@example.com' },
    });
    // A span of another instrumentation, with GenAI attributes.
    const other = provider.getTracer('openai-instrumentation').startSpan('openai.chat');
    other.setAttribute('gen_ai.input.messages', JSON.stringify([{ role: 'user', content: 'I am oz@example.com', password: 'pw-canary' }]));
    other.end();
  });
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  assert.ok(spans.length >= 1, 'Langfuse exported spans');
  const text = JSON.stringify(spans.map((s) => ({ n: s.name, a: s.attributes })));
  for (const raw of ['hunter2', 'mo@', '4111111111111111', 'sk-canary-123', 'ned@', 'oz@', 'pw-canary']) {
    assert.ok(!text.includes(raw), `${raw} leaked: ${text}`);
  }
  assert.deepEqual(spans.map((s) => s.name).sort(), ['chat', 'openai.chat']);
  const chat = spans.find((s) => s.name === 'chat');
  assert.deepEqual(JSON.parse(chat.attributes['langfuse.observation.input']), { password: '***', question: 'mail [REDACTED]' });
  setLangfuseTracerProvider(null);
  await provider.shutdown();
});

'use strict';
// `tamis/otel`: an OpenTelemetry span processor that masks spans before an inner processor
// (and its exporter) sees them, a log record processor that masks log records before the
// processors after it, and the `mask` function of Langfuse's span processor.
//
//   const { MaskingSpanProcessor, MaskingLogRecordProcessor } = require('tamis/otel');
//   provider = new BasicTracerProvider({
//     spanProcessors: [new MaskingSpanProcessor(new BatchSpanProcessor(exporter), policy)],
//   });
//   loggerProvider = new LoggerProvider({
//     processors: [new MaskingLogRecordProcessor(policy), new BatchLogRecordProcessor(logExporter)],
//   });
//
// The exits of a span, each masked: its name, attributes, each event's name and attributes,
// each link's attributes, and the status message; the resource's attributes with
// `{ resource: true }`. Ids, times, kind, scope and the dropped counts are the original span's.
// The exits of a log record: body, attributes and event name (in place, before later processors
// see the record).
//
// With Langfuse, wrap its processor: `new MaskingSpanProcessor(new LangfuseSpanProcessor(...),
// policy)` masks every attribute of every span Langfuse exports (its per-key metadata, spans of
// other instrumentations) before Langfuse reads them; `langfuseMask(policy)` as Langfuse's own
// `mask` covers only input, output and whole-metadata attributes.
//
// A span's attributes are one record (`{"attribute.key": value}`), so key and path rules apply
// to attribute names and detectors to every value. Attribute values holding JSON objects or
// arrays (as Langfuse writes input, output and metadata) are parsed, masked as data and written
// back as JSON. Langfuse's per-key metadata attributes (`langfuse.trace.metadata.<key>`,
// `langfuse.observation.metadata.<key>`) are gathered under their prefix, so a rule on the key
// (`keys = ["email"]`) applies to them as to any other key.

const META = /^(langfuse\.(?:trace|observation)\.metadata)\.(.+)$/s;

// `{json}` when `v` is JSON text of an object or array, else `v`.
function decode(v) {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return v;
  try {
    return { json: JSON.parse(v) };
  } catch {
    return v;
  }
}

function attribute(v, wasJson) {
  if (v === null || v === undefined) return '';
  if (wasJson) return JSON.stringify(v);
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.every((x) => ['string', 'number', 'boolean'].includes(typeof x)) ? v : JSON.stringify(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

function maskAttributes(policy, attrs, opts) {
  if (!attrs || Object.keys(attrs).length === 0) return attrs;
  const record = Object.create(null);
  const json = new Set();
  for (const k of Object.keys(attrs)) {
    const d = decode(attrs[k]);
    const isJson = d !== attrs[k];
    const value = isJson ? d.json : d;
    const m = META.exec(k);
    if (m) {
      if (!(m[1] in record)) record[m[1]] = Object.create(null);
      record[m[1]][m[2]] = value;
      if (isJson) json.add(`${m[1]}\u0000${m[2]}`);
    } else {
      record[k] = value;
      if (isJson) json.add(k);
    }
  }
  const masked = policy.apply(record, opts);
  if (masked === null || typeof masked !== 'object' || 'tamis_quarantined' in masked) {
    return { 'tamis.masked': masked === undefined ? 'dropped' : 'quarantined' };
  }
  const out = {};
  for (const k of Object.keys(masked)) {
    const v = masked[k];
    if (/^langfuse\.(?:trace|observation)\.metadata$/.test(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const mk of Object.keys(v)) out[`${k}.${mk}`] = attribute(v[mk], json.has(`${k}\u0000${mk}`));
    } else {
      out[k] = attribute(v, json.has(k));
    }
  }
  return out;
}

/** A view of `resource` with its attributes masked. */
function maskResource(policy, resource, opts) {
  if (!resource || !resource.attributes) return resource;
  const attributes = maskAttributes(policy, resource.attributes, opts);
  return new Proxy(resource, {
    get(target, prop) {
      if (prop === 'attributes') return attributes;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * A view of `span` with its name, attributes, events, links and status masked (and its
 * resource's attributes, with `withResource`).
 */
function maskSpan(policy, span, opts, withResource) {
  const masked = {
    name: policy.maskText(span.name, opts),
    attributes: maskAttributes(policy, span.attributes, opts),
    events: (span.events || []).map((e) => ({
      ...e,
      name: policy.maskText(e.name, opts),
      attributes: maskAttributes(policy, e.attributes, opts),
    })),
    links: (span.links || []).map((l) => ({
      ...l,
      attributes: maskAttributes(policy, l.attributes, opts),
    })),
    status:
      span.status && typeof span.status.message === 'string'
        ? { ...span.status, message: policy.maskText(span.status.message, opts) }
        : span.status,
  };
  if (withResource) masked.resource = maskResource(policy, span.resource, opts);
  return new Proxy(span, {
    get(target, prop) {
      if (Object.prototype.hasOwnProperty.call(masked, prop)) return masked[prop];
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** `span` with no name, attributes, events, links or status message of its own. */
function blankSpan(span, withResource) {
  let code = 0;
  try {
    code = span.status && typeof span.status.code === 'number' ? span.status.code : 0;
  } catch {
    code = 0;
  }
  const blank = {
    name: '[tamis:masking_failed]',
    attributes: { 'tamis.masked': 'failed' },
    events: [],
    links: [],
    status: { code },
  };
  if (withResource) blank.resource = { attributes: { 'tamis.masked': 'failed' } };
  return new Proxy(span, {
    get(target, prop) {
      if (Object.prototype.hasOwnProperty.call(blank, prop)) return blank[prop];
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

class MaskingSpanProcessor {
  /**
   * @param inner the processor that receives masked spans (and exports them)
   * @param policy a tamis Policy
   * @param options `{context}` for the policy; `{resource: true}` masks the resource's
   *   attributes too (a resource is shared by every span: by default, mask it where you build it)
   */
  constructor(inner, policy, options) {
    this.inner = inner;
    this.policy = policy;
    const context = options && options.context;
    this.options = context === undefined ? undefined : { context };
    this.resource = Boolean(options && options.resource);
    /** Spans that could not be masked and were exported blank. */
    this.failed = 0;
  }

  onStart(span, parentContext) {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span) {
    let masked;
    try {
      masked = maskSpan(this.policy, span, this.options, this.resource);
    } catch {
      // Fail closed and visibly: the span still reaches the exporter (its timing, ids and
      // status code), with nothing of its own text, and is counted.
      this.failed += 1;
      masked = blankSpan(span, this.resource);
    }
    this.inner.onEnd(masked);
  }

  forceFlush() {
    return this.inner.forceFlush();
  }

  shutdown() {
    return this.inner.shutdown();
  }
}

/**
 * The `mask` option of Langfuse's span processor (`({ data }) => masked`). Langfuse hands it
 * attribute values: JSON text (input, output, metadata) is parsed, masked as data with the whole
 * policy (key and path rules, detectors) and written back as JSON; other text is masked as free
 * text; anything else with `apply`. A value the policy removes becomes `null` in the JSON.
 */
function langfuseMask(policy, options) {
  const context = options && options.context;
  const opts = context === undefined ? undefined : { context };
  return ({ data }) => {
    if (typeof data !== 'string') return policy.apply(data, opts);
    const t = data.trimStart();
    if (t[0] === '{' || t[0] === '[' || t[0] === '"') {
      let parsed;
      let ok = false;
      try {
        parsed = JSON.parse(data);
        ok = true;
      } catch {
        ok = false;
      }
      if (ok) {
        const masked = typeof parsed === 'string' ? policy.maskText(parsed, opts) : policy.apply(parsed, opts);
        return JSON.stringify(masked === undefined ? null : masked);
      }
    }
    return policy.maskText(data, opts);
  };
}

/**
 * An OpenTelemetry log record processor (`@opentelemetry/sdk-logs`) that masks each record in
 * place: the body (text as free text, anything else with `apply`), the attributes (one record,
 * as for spans) and the event name. Register it before the processors that export.
 */
class MaskingLogRecordProcessor {
  constructor(policy, options) {
    this.policy = policy;
    const context = options && options.context;
    this.options = context === undefined ? undefined : { context };
    /** Records that could not be masked and were emptied. */
    this.failed = 0;
  }

  onEmit(logRecord) {
    const { policy, options } = this;
    try {
      const body = logRecord.body;
      if (typeof body === 'string') logRecord.setBody(policy.maskText(body, options));
      else if (body !== undefined && body !== null) {
        const masked = policy.apply(body, options);
        logRecord.setBody(masked === undefined ? null : masked);
      }
      if (typeof logRecord.eventName === 'string' && logRecord.eventName) {
        logRecord.eventName = policy.maskText(logRecord.eventName, options);
      }
      const attrs = logRecord.attributes;
      if (attrs && Object.keys(attrs).length > 0) {
        const masked = maskAttributes(policy, { ...attrs }, options);
        for (const k of Object.keys(attrs)) delete attrs[k];
        Object.assign(attrs, masked);
      }
    } catch {
      // Fail closed and visibly: the record stays (time, severity, trace ids), its text goes.
      this.failed += 1;
      logRecord.setBody('[tamis:masking_failed]');
      if (typeof logRecord.eventName === 'string' && logRecord.eventName) logRecord.eventName = '[tamis:masking_failed]';
      const attrs = logRecord.attributes;
      if (attrs) {
        for (const k of Object.keys(attrs)) delete attrs[k];
        attrs['tamis.masked'] = 'failed';
      }
    }
  }

  forceFlush() {
    return Promise.resolve();
  }

  shutdown() {
    return Promise.resolve();
  }
}

module.exports = { MaskingSpanProcessor, MaskingLogRecordProcessor, maskSpan, maskAttributes, langfuseMask };

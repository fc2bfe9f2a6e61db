// The npm package against its peers, on the inputs `tamis-bench gen DIR` wrote (bench/run does
// all of this; by hand:
//
//   cargo run --release -p tamis-bench -- gen bench/out
//   bash scripts/build-js.sh && cd bench/node && npm ci && npm install --no-save ../../target/npm/tamis-*.tgz
//   node bench.mjs ../out            # medians of 7 interleaved repeats, as a table
//   node bench.mjs ../out --json     # one round, as JSON lines (what bench/run reads)
//
// - applyJson on 10,000 JSON records of ~1.45 KB with 20 path rules vs
//   JSON.stringify(redact(JSON.parse(s))) with @pinojs/redact and with fast-redact (target: tamis
//   at least 1.5x faster); applyJsonLines on the same records as one text, for reference;
// - apply on objects vs @pinojs/redact with its serialization (target: at least 0.5x its speed);
// - maskText vs redact-pii (SyncRedactor, the same five entity types) on 5,000 log lines, with
//   match counts;
// - maskText with the `secrets` group vs secretlint (its recommended preset) on the 5,000 log
//   lines with 1,000 planted credentials that bench/python wrote (secrets.txt), with match counts;
// - the integrations' overhead on their host's hot path: pino writing 10,000 records to a stream
//   that drops them, with and without `tamisPino` (`policies/default.toml`); the OpenTelemetry
//   SDK ending 2,000 spans of 10 attributes into an exporter that drops them, with and without
//   `MaskingSpanProcessor` (`policies/observability.toml`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Writable } from 'node:stream';
import { Policy } from 'tamis';
import { tamisPino } from 'tamis/pino';
import { MaskingSpanProcessor } from 'tamis/otel';
import pinoLogger from 'pino';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createEngine } from '@secretlint/node';

const require = createRequire(import.meta.url);
const slowRedact = require('@pinojs/redact');
const fastRedact = require('fast-redact');
const { SyncRedactor } = require('redact-pii');

const TEXT_LINES = 5_000;
const PLANTED = ['user=', 'phone=', 'card=', 'ssn=', 'ip='];

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? '../out';
const asJson = args.includes('--json');
const read = (name) => readFileSync(join(dir, name), 'utf8');

const count = (s, needle) => s.split(needle).length - 1;

// A new object tree of JSON-like data: what any `apply` that leaves its input untouched makes.
function deepCopy(v) {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(deepCopy);
  const o = {};
  for (const k of Object.keys(v)) o[k] = deepCopy(v[k]);
  return o;
}

function rows() {
  const texts = read('records.jsonl').split('\n').filter((l) => l.length > 0);
  const records = texts.map((t) => JSON.parse(t));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
  const paths = JSON.parse(read('paths20.json'));
  const policy = Policy.fromFile(join(dir, 'paths20-replace.toml'));
  const pino = slowRedact({ paths, censor: '[REDACTED]' });
  const fast = fastRedact({ paths, censor: '[REDACTED]' });
  for (const t of texts) {
    const a = JSON.parse(policy.applyJson(t));
    if (!isDeepStrictEqual(a, JSON.parse(pino(JSON.parse(t)))) || !isDeepStrictEqual(a, JSON.parse(fast(JSON.parse(t))))) {
      throw new Error('applyJson: tamis and the peers wrote different records');
    }
  }
  const jsonl = `${texts.join('\n')}\n`;

  const lines = read('log.txt').split('\n').slice(0, TEXT_LINES);
  const textPolicy = Policy.fromFile(join(dir, 'text5.toml'));
  const off = { enabled: false };
  const redactor = new SyncRedactor({
    globalReplaceWith: '[REDACTED]',
    builtInRedactors: {
      names: off, streetAddress: off, zipcode: off, digits: off, url: off, credentials: off,
      password: off, username: off,
    },
  });
  const planted = lines.filter((l) => PLANTED.some((p) => l.includes(p))).length;

  // Integrations: the host alone and with tamis, writing into sinks that drop what they get.
  process.env.TAMIS_HASH_KEY ??= read('hash-key.txt').trim();
  const policies = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'policies');
  const logPolicy = Policy.fromFile(join(policies, 'default.toml'));
  const spanPolicy = Policy.fromFile(join(policies, 'observability.toml'));
  let written = 0;
  const sink = () => new Writable({ write(chunk, _enc, done) { written += chunk.length; done(); } });
  const plainLog = pinoLogger({ level: 'info' }, sink());
  const maskedLog = pinoLogger(tamisPino(logPolicy, { level: 'info' }), sink());
  const logRecords = records.slice(0, 10_000);
  const drop = { export(_spans, done) { done({ code: 0 }); }, shutdown: async () => {}, forceFlush: async () => {} };
  const attrs = records.slice(0, 2_000).map((r) => {
    const flat = {};
    for (const [k, v] of Object.entries(r)) {
      if (['string', 'number', 'boolean'].includes(typeof v)) flat[k] = v;
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v)) if (['string', 'number', 'boolean'].includes(typeof v2)) flat[`${k}.${k2}`] = v2;
      }
    }
    return Object.fromEntries(Object.entries(flat).slice(0, 10));
  });
  const tracer = (masking) => new BasicTracerProvider({
    spanProcessors: [masking ? new MaskingSpanProcessor(new SimpleSpanProcessor(drop), spanPolicy) : new SimpleSpanProcessor(drop)],
  }).getTracer('bench');
  const plainTracer = tracer(false);
  const maskedTracer = tracer(true);

  return [
    {
      row: 'node.applyJson', bytes, meta: { records: texts.length },
      sides: {
        'tamis applyJson': () => { texts.map((t) => policy.applyJson(t)); },
        'tamis applyJsonLines (one call)': () => { policy.applyJsonLines(jsonl); },
        '@pinojs/redact (parse, redact, stringify)': () => { texts.map((t) => pino(JSON.parse(t))); },
        'fast-redact (parse, redact, stringify)': () => { texts.map((t) => fast(JSON.parse(t))); },
      },
    },
    {
      row: 'node.apply', bytes, meta: { records: records.length },
      sides: {
        'tamis apply (objects)': () => { records.map((x) => policy.apply(x)); },
        '@pinojs/redact (objects, serialized)': () => { records.map((x) => pino(x)); },
        'floor: each record deep-copied in plain JS (no masking, no crossing)': () => { records.map(deepCopy); },
      },
    },
    {
      row: 'node.maskText', bytes: lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0),
      meta: { lines: lines.length, planted },
      sides: {
        'tamis maskText': () => count(lines.map((l) => textPolicy.maskText(l)).join('\n'), '[REDACTED]'),
        'redact-pii SyncRedactor': () => count(lines.map((l) => redactor.redact(l)).join('\n'), '[REDACTED]'),
      },
    },
    {
      row: 'node.pino', bytes, meta: { lines: logRecords.length },
      sides: {
        pino: () => { for (const r of logRecords) plainLog.info(r, 'event'); },
        'pino + tamisPino': () => { for (const r of logRecords) maskedLog.info(r, 'event'); },
      },
    },
    {
      row: 'node.otel', bytes: attrs.reduce((n, a) => n + JSON.stringify(a).length, 0), meta: { spans: attrs.length },
      sides: {
        'OTel SDK': () => { for (const a of attrs) plainTracer.startSpan('op', { attributes: a }).end(); },
        'OTel SDK + MaskingSpanProcessor': () => { for (const a of attrs) maskedTracer.startSpan('op', { attributes: a }).end(); },
      },
    },
  ];
}

// secretlint's engine answers through a promise: its side is awaited (so is every side; a
// synchronous one returns at once).
async function secretsRow() {
  const text = read('secrets.txt');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const policy = Policy.fromToml(
    'version = 1\nname = "secrets"\n[[rule]]\nid = "s"\ndetect = ["secrets"]\naction = "replace"\nreplacement = "[SECRET]"\n',
  );
  const engine = await createEngine({
    formatter: 'json',
    configFileJSON: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
  });
  const filePath = join(dir, 'secrets.txt');
  return {
    row: 'node.secrets', bytes: Buffer.byteLength(text), meta: { lines: lines.length, planted: lines.length / 5 },
    sides: {
      'tamis maskText (secrets group)': () => count(policy.maskText(text), '[SECRET]'),
      'secretlint (recommended preset)': async () => {
        const r = await engine.executeOnContent({ content: text, filePath });
        return JSON.parse(r.output).reduce((n, f) => n + f.messages.length, 0);
      },
    },
  };
}

async function once(fn) {
  const t = process.hrtime.bigint();
  const found = await fn();
  return { secs: Number(process.hrtime.bigint() - t) / 1e9, found: found ?? null };
}

const all = rows();
all.push(await secretsRow());
for (const r of all) for (const fn of Object.values(r.sides)) await fn(); // warm up
if (asJson) {
  for (const r of all) {
    console.log(JSON.stringify({ row: r.row, meta: { ...r.meta, node: process.version } }));
    for (const [side, fn] of Object.entries(r.sides)) {
      console.log(JSON.stringify({ row: r.row, side, bytes: r.bytes, ...(await once(fn)) }));
    }
  }
} else {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`node ${process.version}; inputs from ${dir}`);
  console.log('\n| row | side | median | MB/s | found |\n|---|---|---|---|---|');
  for (const r of all) {
    const runs = Object.fromEntries(Object.keys(r.sides).map((k) => [k, []]));
    const found = {};
    for (let i = 0; i < 7; i++) {
      for (const [side, fn] of Object.entries(r.sides)) {
        const m = await once(fn);
        runs[side].push(m.secs);
        found[side] = m.found;
      }
    }
    for (const [side, xs] of Object.entries(runs)) {
      const s = median(xs);
      console.log(`| ${r.row} | ${side} | ${(s * 1e3).toFixed(1)} ms | ${(r.bytes / s / 1e6).toFixed(1)} | ${found[side] ?? ''} |`);
    }
  }
}

// The npm package against its peers, on the same inputs, medians of interleaved repeats:
//
//   bash scripts/build-js.sh && cd bench/node && npm ci && npm install --no-save ../../target/npm/tamis-*.tgz
//   node bench.mjs
//
// - applyJson on 10,000 JSON records of ~1.4 KB with 20 path rules vs
//   JSON.stringify(redact(JSON.parse(s))) with @pinojs/redact and with fast-redact (target: tamis
//   at least 1.5x faster);
// - apply on objects vs @pinojs/redact with its serialization (target: at least 0.5x its speed);
// - (for reference) applyJsonLines on the same records as one JSON Lines text;
// - maskText vs redact-pii (SyncRedactor, the same five entity types) on the same log text,
//   with match counts.
import { createRequire } from 'node:module';
import { Policy } from 'tamis';

const require = createRequire(import.meta.url);
const slowRedact = require('@pinojs/redact');
const fastRedact = require('fast-redact');
const { SyncRedactor } = require('redact-pii');

// A seeded generator (mulberry32), so every run sees the same input.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RULES = [
  'user.email', 'user.phone', 'user.name', 'user.address.street', 'user.address.zip',
  'payment.card', 'payment.iban', 'payment.cvv', 'auth.token', 'auth.session',
  'auth.password', 'request.headers.authorization', 'request.headers.cookie', 'request.ip',
  'device.id', 'device.mac', 'meta.trace_secret', 'meta.owner', 'notes.private', 'geo.lat',
];

function record(r, i) {
  const word = (n) => Array.from({ length: n }, () => 'abcdefghij'[Math.floor(r() * 10)]).join('');
  return {
    id: i,
    user: { email: `${word(8)}@example.com`, phone: '+1 415 555 0100', name: word(12),
      address: { street: word(20), zip: '94105', city: word(9) } },
    payment: { card: '4111 1111 1111 1111', iban: 'DE89370400440532013000', cvv: '123', amount: r() * 100 },
    auth: { token: word(40), session: word(32), password: word(12) },
    request: { headers: { authorization: `Bearer ${word(40)}`, cookie: word(60), user_agent: word(80) },
      ip: '10.0.0.1', path: `/${word(30)}` },
    device: { id: word(16), mac: '00:1a:2b:3c:4d:5e', os: word(8) },
    meta: { trace_secret: word(24), owner: word(10), tags: Array.from({ length: 8 }, () => word(6)) },
    notes: { private: word(200), public: word(300) },
    geo: { lat: 37.7, lon: -122.4 },
  };
}

function logText(r, lines) {
  const values = [
    () => `user ${Math.floor(r() * 1e6)}@example.com signed in`,
    () => 'charged card 4111 1111 1111 1111 for order',
    () => 'called +1 415 555 0100 back',
    () => 'ssn 123-45-6789 on file',
    () => `request from 10.${Math.floor(r() * 255)}.0.7`,
  ];
  const out = [];
  for (let i = 0; i < lines; i++) {
    const base = `2026-11-22T10:00:${String(i % 60).padStart(2, '0')}Z INFO worker-${i % 8} handled job ${i} in ${Math.floor(r() * 900)} ms`;
    out.push(i % 5 === 0 ? `${base}: ${values[(i / 5) % values.length]()}` : base);
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bench(cases, repeat = 7) {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const f of Object.values(cases)) f(); // warm up
  for (let i = 0; i < repeat; i++) {
    for (const [k, f] of Object.entries(cases)) {
      const t = process.hrtime.bigint();
      f();
      times[k].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

const count = (s, needle) => s.split(needle).length - 1;

const r = rng(7);
const records = Array.from({ length: 10_000 }, (_, i) => record(r, i));
const texts = records.map((x) => JSON.stringify(x));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
const toml = RULES.map((p, i) => `[[rule]]\nid = "r${i}"\npaths = ["${p}"]\naction = "replace"\n`).join('');
const policy = Policy.fromToml(`version = 1\nname = "bench"\n${toml}`);
const pino = slowRedact({ paths: RULES, censor: '[REDACTED]' });
const fast = fastRedact({ paths: RULES, censor: '[REDACTED]' });

// All three write the same JSON.
for (const t of texts.slice(0, 100)) {
  const a = policy.applyJson(t);
  if (a !== pino(JSON.parse(t)) || a !== fast(JSON.parse(t))) throw new Error('outputs differ');
}

console.log(`node ${process.version}; ${records.length} records, ${(bytes / records.length).toFixed(0)} B each, 20 path rules`);
const jsonl = `${texts.join('\n')}\n`;
const j = bench({
  'tamis applyJson': () => texts.map((t) => policy.applyJson(t)),
  'tamis applyJsonLines (one call, all records)': () => policy.applyJsonLines(jsonl),
  '@pinojs/redact (parse + redact + stringify)': () => texts.map((t) => pino(JSON.parse(t))),
  'fast-redact (parse + redact + stringify)': () => texts.map((t) => fast(JSON.parse(t))),
});
const o = bench({
  'tamis apply (objects)': () => records.map((x) => policy.apply(x)),
  '@pinojs/redact (objects, serialized)': () => records.map((x) => pino(x)),
});

const lines = logText(rng(11), 20_000);
const text = lines.join('\n');
const textPolicy = Policy.fromToml(
  'version = 1\nname = "text"\n[[rule]]\nid = "pii"\ndetect = ["email", "credit_card", "phone", "us_ssn", "ip"]\naction = "replace"\n',
);
const off = { enabled: false };
const redactor = new SyncRedactor({
  globalReplaceWith: '[REDACTED]',
  builtInRedactors: {
    names: off, streetAddress: off, zipcode: off, digits: off, url: off, credentials: off,
    password: off, username: off,
  },
});
const tamisText = lines.map((l) => textPolicy.maskText(l));
const peerText = lines.map((l) => redactor.redact(l));
const t = bench({
  'tamis maskText': () => lines.map((l) => textPolicy.maskText(l)),
  'redact-pii SyncRedactor': () => lines.map((l) => redactor.redact(l)),
}, 5);

const row = (name, ms, mb) => console.log(`| ${name} | ${ms.toFixed(1)} ms | ${(mb / ms / 1000).toFixed(1)} MB/s |`);
console.log('\n| case | median | throughput |\n|---|---|---|');
for (const [k, v] of Object.entries(j)) row(k, v, bytes);
for (const [k, v] of Object.entries(o)) row(k, v, bytes);
for (const [k, v] of Object.entries(t)) row(k, v, Buffer.byteLength(text));
const ratio = (a, b) => (a / b).toFixed(2);
console.log(`\napplyJson vs @pinojs/redact: ${ratio(j['@pinojs/redact (parse + redact + stringify)'], j['tamis applyJson'])}x (target >= 1.5)`);
console.log(`applyJson vs fast-redact:    ${ratio(j['fast-redact (parse + redact + stringify)'], j['tamis applyJson'])}x (target >= 1.5)`);
console.log(`apply vs @pinojs/redact:     ${ratio(o['@pinojs/redact (objects, serialized)'], o['tamis apply (objects)'])}x (target >= 0.5)`);
console.log(`maskText vs redact-pii:      ${ratio(t['redact-pii SyncRedactor'], t['tamis maskText'])}x; matches: tamis ${count(tamisText.join('\n'), '[REDACTED]')}, redact-pii ${count(peerText.join('\n'), '[REDACTED]')} (${lines.length / 5} planted)`);

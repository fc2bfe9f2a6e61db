// `apply` of a policy whose rules select by path only gives the engine just what a path can
// reach (`PathPlan` in lib/tape.cjs) and copies the rest: every output must equal what the
// engine gives for the whole record (`__applyWholeForTests`), for random policies and records
// and for every kind of value and limit the copy must not decide itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy } from 'tamis';
import { rng } from './rng.mjs';

const KEYS = ['a', 'b', 'c', 'user', 'email', '__proto__', 'x.y', 'constructor'];
const ACTIONS = ['replace', 'redact', 'nullify'];

function quoted(k) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `"${k}"`;
}

function randomPolicy(r) {
  const rules = [];
  const n = 1 + Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const steps = [];
    const len = 1 + Math.floor(r() * 3);
    for (let j = 0; j < len; j++) {
      const x = r();
      steps.push(x < 0.15 ? '*' : x < 0.25 ? '**' : quoted(KEYS[Math.floor(r() * KEYS.length)]));
    }
    if (steps.every((s) => s === '**')) steps.push('email');
    const action = ACTIONS[Math.floor(r() * ACTIONS.length)];
    rules.push(`[[rule]]\nid = "r${i}"\npaths = [${JSON.stringify(steps.join('.'))}]\naction = "${action}"\n`);
  }
  return `version = 1\nname = "prune"\n${rules.join('')}`;
}

function randomValue(r, depth) {
  const x = r();
  if (depth > 4 || x < 0.45) {
    const y = r();
    if (y < 0.5) return `v${Math.floor(r() * 1000)}`;
    if (y < 0.7) return Math.floor(r() * 1e6) - 5e5;
    if (y < 0.8) return r() * 100;
    if (y < 0.9) return r() < 0.5;
    return null;
  }
  if (x < 0.6) {
    return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  }
  const o = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const k = r() < 0.8 ? KEYS[Math.floor(r() * KEYS.length)] : `k${Math.floor(r() * 20)}`;
    const v = randomValue(r, depth + 1);
    if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    else o[k] = v;
  }
  return o;
}

function randomRecord(r) {
  const o = randomValue(r, 0);
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? o : { a: o };
}

// The output's own structure, key order included (deepStrictEqual ignores the order of keys).
function shape(v) {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === 'object') return Object.keys(v).map((k) => [k, shape(v[k])]);
  return v;
}

test('random path policies and records: the same output as the whole record gives', () => {
  const r = rng(20261207);
  let compared = 0;
  for (let p = 0; p < 120; p++) {
    const policy = Policy.fromToml(randomPolicy(r));
    const records = Array.from({ length: 40 }, () => randomRecord(r));
    const before = JSON.stringify(records.map(shape));
    for (const record of records) {
      const got = policy.apply(record);
      const whole = policy.__applyWholeForTests(record);
      assert.deepStrictEqual(shape(got), shape(whole), `policy ${p}`);
      assert.deepStrictEqual(got, whole, `policy ${p}`);
      compared += 1;
    }
    assert.deepStrictEqual(
      policy.applyMany(records).map(shape),
      records.map((x) => shape(policy.__applyWholeForTests(x))),
    );
    // The input is never changed.
    assert.equal(JSON.stringify(records.map(shape)), before);
  }
  assert.equal(compared, 120 * 40);
});

test('the copy shares no container with the input', () => {
  const policy = Policy.fromToml(`version = 1
name = "t"
[[rule]]
id = "e"
paths = ["user.email"]
action = "replace"
`);
  const record = { keep: { deep: [{ x: 1 }] }, user: { email: 'a@b.c', id: 7, tags: ['t'] } };
  const out = policy.apply(record);
  assert.deepStrictEqual(out, { keep: { deep: [{ x: 1 }] }, user: { email: '[REDACTED]', id: 7, tags: ['t'] } });
  assert.notEqual(out.keep, record.keep);
  assert.notEqual(out.keep.deep, record.keep.deep);
  assert.notEqual(out.keep.deep[0], record.keep.deep[0]);
  assert.notEqual(out.user.tags, record.user.tags);
  out.keep.deep[0].x = 2;
  assert.equal(record.keep.deep[0].x, 1);
});

test('what the copy must not decide goes to the engine: the same output as the whole record', () => {
  const policy = Policy.fromToml(`version = 1
name = "t"
[limits]
max_depth = 6
max_string_bytes = 64
max_record_bytes = 400
[[rule]]
id = "e"
paths = ["user.email", "list.*.secret"]
action = "redact"
`);
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  const throwing = {};
  Object.defineProperty(throwing, 'boom', {
    enumerable: true,
    get() {
      throw new Error('nope');
    },
  });
  const cases = [
    { other: new Map([['k', 'v']]) },
    { other: new Date(0) },
    { other: new Error('e') },
    { other: new Point() },
    { other: () => 1 },
    { other: Symbol('s') },
    { other: 12345678901234567890n },
    { other: undefined, n: -0, big: 2 ** 60, nan: NaN },
    { other: [1, , 3] },
    { other: throwing },
    { other: { a: { b: { c: { d: { e: { f: 'too deep' } } } } } } },
    { other: 'x'.repeat(65) },
    { ['k'.repeat(65)]: 1 },
    { other: 'y'.repeat(60), more: 'z'.repeat(60), again: 'w'.repeat(60), last: 'v'.repeat(60) },
    { user: { email: 'a@b.c', name: 'x'.repeat(100) } },
    // What a rule selects counts towards the record's size however it is written.
    { user: { email: 10n ** 150n }, a: 'p'.repeat(60), b: 'q'.repeat(60), c: 'r'.repeat(60) },
    { user: { email: new (class LongLongLongLongLongLongLongLongLongLongName {})() }, a: 'p'.repeat(60), b: 'q'.repeat(60) },
    { user: 'not an object', list: [{ secret: 's', kept: 1 }, 'leaf', [{ secret: 't' }]] },
    { user: { email: new Map() } },
    { user: new Map([['email', 'a@b.c']]) },
    Object.create(null, { user: { value: { email: 'a@b.c' }, enumerable: true } }),
  ];
  for (const [i, record] of cases.entries()) {
    assert.deepStrictEqual(policy.apply(record), policy.__applyWholeForTests(record), `case ${i}`);
    const many = policy.applyMany([record, { user: { email: 'a@b.c' } }]);
    assert.deepStrictEqual(many[0], policy.__applyWholeForTests(record), `case ${i} in applyMany`);
  }
});

test('removed members keep the order of the others, and reports are the same', () => {
  const policy = Policy.fromToml(`version = 1
name = "t"
[[rule]]
id = "gone"
paths = ["a.b", "**.secret"]
action = "redact"
[[rule]]
id = "masked"
paths = ["a.c"]
action = "replace"
`);
  const record = { z: 1, a: { x: 1, b: 2, y: 3, c: 'v', secret: 's', w: 4 }, m: [{ secret: 1, k: 2 }] };
  const out = policy.apply(record);
  assert.deepStrictEqual(Object.keys(out.a), ['x', 'y', 'c', 'w']);
  assert.deepStrictEqual(out, { z: 1, a: { x: 1, y: 3, c: '[REDACTED]', w: 4 }, m: [{ k: 2 }] });
  const { report } = policy.applyWithReport(record);
  assert.deepStrictEqual(report.rules, { gone: 3, masked: 1 });
});

test('a call within a call: never reads what another call wrote, never loses a limit', () => {
  const all = Policy.fromToml('version = 1\nname = "t"\n[[rule]]\nid = "r"\npaths = ["**"]\naction = "replace"\n');
  const other = Policy.fromToml('version = 1\nname = "o"\n[[rule]]\nid = "r"\npaths = ["a.b.x"]\naction = "replace"\n');
  // A proxy whose prototype trap (read while the output is decoded) applies another policy.
  let calls = 0;
  const err = new Proxy(Object.create(Error.prototype), {
    getPrototypeOf() {
      calls += 1;
      other.apply({ a: { b: [7] } });
      return Error.prototype;
    },
    ownKeys: () => [],
  });
  for (const out of [all.apply({ e: [err, 'TOPSECRET'] }), all.__applyWholeForTests({ e: [err, 'TOPSECRET'] })]) {
    assert.equal(out.e[1], '[REDACTED]');
  }
  assert.ok(calls > 0);
  // A getter that applies the same policy while a record over the size limit is read.
  const p = Policy.fromToml(`version = 1
name = "t"
[limits]
max_string_bytes = 1000
max_record_bytes = 1000
[[rule]]
id = "r"
paths = ["secret"]
action = "replace"
`);
  const record = () => {
    const r = { secret: 's' };
    for (let i = 0; i < 5; i++) r[`k${i}`] = 'x'.repeat(300);
    Object.defineProperty(r, 'g', { enumerable: true, get: () => (p.apply({ n: 1 }), 1) });
    return r;
  };
  assert.deepStrictEqual(p.apply(record()), { tamis_quarantined: { reason: 'too_large' } });
  assert.deepStrictEqual(p.apply(record()), p.__applyWholeForTests(record()));
});

test('records of shared references end at the read budget; a fallback reads with the whole budget', () => {
  const p = Policy.fromToml('version = 1\nname = "t"\n[limits]\nmax_record_bytes = 1000\n[[rule]]\nid = "r"\npaths = ["a"]\naction = "replace"\n');
  let o = 1;
  for (let i = 0; i < 40; i++) o = { x: o, y: o };
  const started = Date.now();
  assert.deepStrictEqual(p.apply({ u: o }), { tamis_quarantined: { reason: 'too_large' } });
  assert.ok(Date.now() - started < 5000);
  let arr = [];
  for (let i = 0; i < 40; i++) arr = [arr, arr];
  assert.deepStrictEqual(p.apply({ a: 1, u: arr }), { tamis_quarantined: { reason: 'too_large' } });
  // The parts given first spend budget; the whole record, read again, has all of it.
  const record = { a: Array.from({ length: 2000 }, () => []), z: new Date(0) };
  assert.deepStrictEqual(p.apply(record), p.__applyWholeForTests(record));
});

test('keys and arrays the module would read otherwise go whole', () => {
  const fffd = Policy.fromToml('version = 1\nname = "t"\n[[rule]]\nid = "r"\npaths = ["\\uFFFD"]\naction = "replace"\n');
  assert.deepStrictEqual(fffd.apply({ '\uD800': 'secret' }), { '\uD800': '[REDACTED]' });
  const p = Policy.fromToml('version = 1\nname = "t"\n[[rule]]\nid = "r"\npaths = ["list.*.secret"]\naction = "replace"\n');
  const it = [1, 2];
  it[Symbol.iterator] = function* items() {
    yield 'ITER';
  };
  for (const record of [{ list: it }, { other: it }]) {
    assert.deepStrictEqual(p.apply(record), p.__applyWholeForTests(record));
  }
});

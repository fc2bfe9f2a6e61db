// The packed package's API in plain Node: value types, immutability, prototype pollution, big
// integers, errors, limits, recovery after a trap, summaries and explain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Policy, PolicyError, TamisError } from 'tamis';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;

const policy = Policy.fromToml(`
version = 1
name = "api-test"
[[rule]]
id = "secrets"
keys = ["password", "token"]
action = "redact"
[[rule]]
id = "pii"
detect = ["email", "credit_card", "us_ssn"]
action = "replace"
`);

// A Luhn-valid 19-digit card (beyond 2^53) and a 16-digit one.
const CARD19 = '4111111111111111110'.slice(0, 18);
function luhnComplete(prefix) {
  for (let d = 0; d <= 9; d++) {
    const s = prefix + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let x = Number(s[s.length - 1 - i]);
      if (i % 2 === 1) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
      sum += x;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}
const BIG_CARD = luhnComplete(CARD19);

test('ESM and CommonJS give the same module', () => {
  const cjs = require('tamis');
  assert.equal(cjs.Policy, Policy);
  assert.equal(cjs.TamisError, TamisError);
  assert.equal(typeof require('tamis/pino').tamisPino, 'function');
  assert.equal(typeof require('tamis/otel').MaskingSpanProcessor, 'function');
});

test('every JS value type', () => {
  class Customer {
    constructor() {
      this.email = 'hidden@example.com';
    }
  }
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const input = {
    s: 'write to ann@example.com',
    n: 4111111111111111,
    f: 1.5,
    b: true,
    z: null,
    u: undefined,
    big: BigInt(BIG_CARD),
    safeBig: 12345678901234567890n,
    when,
    map: new Map([['mail', 'bob@example.com'], [7, 'x'], ['password', 'p']]),
    list: [['deep@example.com'], [1, 2]],
    err: new TypeError('failed for carl@example.com'),
    customer: new Customer(),
    set: new Set(['dan@example.com']),
    bytes: new Uint8Array([1, 2]),
    fn: () => 'eve@example.com',
    sym: Symbol('s'),
    password: 'hunter2',
  };
  const out = policy.apply(input);
  assert.equal(out.s, 'write to [REDACTED]');
  assert.equal(out.n, '[REDACTED]');
  assert.equal(out.f, 1.5);
  assert.equal(out.b, true);
  assert.equal(out.z, null);
  assert.ok('u' in out && out.u === undefined);
  assert.equal(out.big, '[REDACTED]', 'a card held as a BigInt beyond 2^53 is scanned');
  assert.equal(out.safeBig, 12345678901234567890n);
  assert.equal(out.when, when, 'an unchanged Date is the input Date');
  assert.ok(out.map instanceof Map);
  assert.deepEqual([...out.map], [['mail', '[REDACTED]'], [7, 'x']]);
  assert.deepEqual(out.list, [['[REDACTED]'], [1, 2]]);
  assert.ok(out.err instanceof TypeError, 'an Error stays an object of its class');
  assert.notEqual(out.err, input.err);
  assert.equal(out.err.message, 'failed for [REDACTED]');
  assert.ok(out.err.stack.startsWith('TypeError: failed for [REDACTED]'));
  assert.ok(!out.err.stack.includes('carl@'));
  assert.equal(input.err.message, 'failed for carl@example.com', 'the input Error is unchanged');
  const withData = Object.assign(new Error('plain'), { code: 'E1', user: { email: 'x@example.com' } });
  const masked = policy.apply(withData);
  assert.deepEqual({ ...masked }, { code: 'E1', user: { email: '[REDACTED]' } });
  assert.equal(out.customer, '<Customer>');
  assert.equal(out.set, '<Set>');
  assert.equal(out.bytes, '<Uint8Array>');
  assert.equal(out.fn, '<Function>');
  assert.equal(out.sym, '<Symbol>');
  assert.ok(!('password' in out));
  const { report } = policy.applyWithReport(input);
  assert.equal(report.other_objects, 5);
});

test('the input is never changed and unchanged leaves are reused', () => {
  const inner = { keep: 'plain text' };
  const input = { a: 'x@example.com', inner, list: [inner], token: 't' };
  const snapshot = JSON.stringify(input);
  const out = policy.apply(input);
  assert.equal(JSON.stringify(input), snapshot);
  assert.notEqual(out, input);
  assert.notEqual(out.inner, inner, 'containers are new');
  assert.deepEqual(out.inner, inner);
});

test('applyJson: any text through the module input buffer, and past its size limit', () => {
  // Non-ASCII, astral characters and a lone surrogate (written as U+FFFD, as TextEncoder does).
  const text = '{"é":"ünïcode x@example.com","😀":"\ud800 y@example.com"}';
  assert.equal(policy.applyJson(text), '{"é":"ünïcode [REDACTED]","😀":"\ufffd [REDACTED]"}');
  // Texts of more than 2^20 UTF-16 units take the other way in; short ones after them still work.
  const roomy = Policy.fromToml(
    'version = 1\nname = "roomy"\n[limits]\nmax_record_bytes = 16777216\nmax_string_bytes = 16777216\n' +
      '[[rule]]\nid = "pii"\ndetect = ["email"]\naction = "replace"\n',
  );
  const long = `{"pad":"${'é'.repeat(1 << 20)}","m":"z@example.com"}`;
  assert.equal(roomy.applyJson(long), long.replace('z@example.com', '[REDACTED]'));
  assert.equal(roomy.applyJson('{"a":"x@example.com"}'), '{"a":"[REDACTED]"}');
});

test('prototype pollution: data keys never change a prototype', () => {
  const evil = JSON.parse(
    '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"x": 1}}',
  );
  const out = policy.apply(evil);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__', 'constructor', 'prototype']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__').value, { polluted: 'yes' });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  // A Map keyed `__proto__` too.
  const m = policy.apply(new Map([['__proto__', { a: 1 }]]));
  assert.deepEqual(m.get('__proto__'), { a: 1 });
  // Objects with a null prototype are plain data.
  const bare = Object.create(null);
  bare.mail = 'x@example.com';
  assert.deepEqual(policy.apply(bare), { mail: '[REDACTED]' });
});

test('big integers: applyJson keeps and scans every digit', () => {
  const text = `{"card":${BIG_CARD},"id":123456789012345678901234567890,"n":1e2,"m":-0}`;
  assert.equal(
    policy.applyJson(text),
    '{"card":"[REDACTED]","id":123456789012345678901234567890,"n":1e+2,"m":-0}',
  );
  assert.equal(policy.applyJson('{"a": '), '{"tamis_quarantined":{"reason":"invalid_json"}}');
  assert.equal(
    policy.applyJsonLines('{"a":"x@example.com"}\nnot json\n'),
    '{"a":"[REDACTED]"}\n{"tamis_quarantined":{"line":2,"reason":"invalid_json"}}\n',
  );
});

test('values that cannot be read fail closed', () => {
  const getter = {
    get secret() {
      throw new Error('boom x@example.com');
    },
  };
  assert.deepEqual(policy.apply({ getter }), { getter: '<Object>' });
  const proxy = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('no');
      },
    },
  );
  assert.deepEqual(policy.apply({ proxy }), { proxy: '<Object>' });
  const { proxy: revocable, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.deepEqual(policy.apply({ revocable }), { revocable: '<Object>' });
});

test('cycles and fan-out end at the limits', () => {
  const a = { name: 'loop' };
  a.self = a;
  const out = policy.apply(a);
  let depth = 0;
  for (let n = out; typeof n === 'object'; n = n.self) depth++;
  assert.ok(depth <= 129);
  let wide = [];
  for (let i = 0; i < 64; i++) wide = [wide, wide];
  assert.deepEqual(policy.apply({ wide }), { tamis_quarantined: { reason: 'too_large' } });
});

test('errors are TamisError / PolicyError with where and what', () => {
  try {
    Policy.fromToml('version = 1\nname = "x"\n[[rule]]\nid = "r"\nkeys = ["a"]\naction = "explode"\n');
    assert.fail('compiled');
  } catch (e) {
    assert.ok(e instanceof PolicyError);
    assert.ok(e instanceof TamisError);
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'action');
    assert.equal(e.line, 6);
    assert.equal(typeof e.column, 'number');
    assert.equal(e.ruleId, 'r');
    assert.match(e.message, /explode/);
  }
  assert.throws(() => policy.apply({}, { contxt: {} }), (e) => e instanceof TamisError && e.code === 'invalid-argument' && /unknown option `contxt`/.test(e.message));
  assert.throws(() => policy.apply({}, { now: 'yesterday' }), TamisError);
  assert.throws(() => policy.apply({}, { context: { roles: 'admin' } }), /`roles` must be a list of strings/);
  assert.throws(() => policy.maskText(42), TamisError);
  assert.throws(() => new Policy(), TypeError);
  assert.throws(
    () => Policy.fromToml('version = 1\nname = "p"\n[[plugin]]\nid = "acme"\npath = "acme.wasm"\n'),
    (e) => e instanceof PolicyError && /acme/.test(e.message) && /tamis CLI/.test(e.message),
  );
});

test('a trap resets the engine, says nothing of the data, and policies keep working', () => {
  const api = require('tamis');
  const keyed = Policy.fromToml(
    'version = 1\nname = "k"\n[key.default]\nenv = "TAMIS_TEST_KEY"\nid = "k1"\n[[rule]]\nid = "h"\nkeys = ["user"]\naction = "hash"\nkey = "default"\n',
    { keys: { default: 'test-only-key' } },
  );
  const before = keyed.apply({ user: 'ann' });
  const secret = 'canary-4111111111111111-ann@example.com';
  let caught;
  try {
    api[Symbol.for('tamis.testPanic')](secret);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TamisError);
  assert.equal(caught.code, 'internal');
  assert.ok(!String(caught.message).includes('canary') && !String(caught.stack).includes('canary'));
  assert.deepEqual(keyed.apply({ user: 'ann' }), before, 'the same pseudonym after the reset');
  assert.deepEqual(policy.apply({ a: 'x@example.com' }), { a: '[REDACTED]' });
  for (let i = 0; i < 3; i++) {
    assert.throws(() => api[Symbol.for('tamis.testPanic')]('again'), TamisError);
  }
  assert.equal(policy.maskText('x@example.com'), '[REDACTED]');
});

test('running out of memory inside apply ends in a quarantine or an internal error, never the data, and the engine recovers', () => {
  const p = Policy.fromToml(
    'version = 1\nname = "m"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n',
  );
  const secret = 'canary-oom-ann@example.com';
  const text = JSON.stringify({ note: `${secret} `.repeat(20000) });
  for (let i = 0; i < 2; i++) {
    let caught;
    let out;
    try {
      out = p[Symbol.for('tamis.testApplyJsonOutOfMemory')](text);
    } catch (e) {
      caught = e;
    }
    if (caught === undefined) {
      // A buffer that grows with the record (parse tree, output) could not grow: quarantined.
      assert.deepEqual(JSON.parse(out), { tamis_quarantined: { reason: 'out_of_memory' } });
    } else {
      // Any other allocation: the module traps, the call throws, the module is reset.
      assert.equal(out, undefined, 'nothing is returned');
      assert.ok(caught instanceof TamisError, String(caught));
      assert.equal(caught.code, 'internal');
      assert.ok(!String(caught.message).includes('canary') && !String(caught.stack).includes('canary'));
    }
    // The engine was reset: the same policy works again, with normal memory.
    assert.equal(p.applyJson('{"a":"x@example.com"}'), '{"a":"[REDACTED]"}');
    assert.ok(!p.applyJson(text).includes('ann@example.com'));
  }
});

test('key material from the environment and from files', () => {
  process.env.TAMIS_HASH_KEY = 'test-only-key';
  const p = Policy.fromFile(`${root}policies/default.toml`);
  const a = p.apply({ note: 'mail ann@example.com' });
  delete process.env.TAMIS_HASH_KEY;
  assert.match(a.note, /^mail h:k1:[a-z0-9]+$/);
  const again = Policy.fromFile(`${root}policies/default.toml`, { keys: { default: 'test-only-key' } });
  assert.deepEqual(again.apply({ note: 'mail ann@example.com' }), a);
  const none = Policy.fromFile(`${root}policies/default.toml`);
  assert.notDeepEqual(none.apply({ note: 'mail ann@example.com' }), a);
  assert.throws(() => Policy.fromFile(`${root}policies/missing.toml`), (e) => e.code === 'io');
  try {
    Policy.fromToml('version = 1\n[[rule]]\nid = 3\n', { file: 'my.toml' });
  } catch (e) {
    assert.equal(e.file, 'my.toml');
  }
});

test('context, now, retention and access', () => {
  const p = Policy.fromToml(`
version = 1
name = "rt"
[access]
type_path = "type"
default = "deny"
[[access.grant]]
types = ["trace"]
roles_any = ["viewer"]
[[retention]]
id = "old"
paths = ["$"]
timestamp = "ts"
max_age = "1d"
`);
  const rec = { type: 'trace', ts: '2024-01-01T00:00:00Z' };
  const viewer = { context: { roles: ['viewer'] } };
  assert.deepEqual(p.apply(rec, { ...viewer, now: '2024-01-01T12:00:00Z' }), rec);
  assert.equal(p.apply(rec, { ...viewer, now: new Date('2024-01-03T00:00:00Z') }), undefined);
  assert.equal(p.apply(rec, { context: { roles: ['other'] }, now: Date.UTC(2024, 0, 1, 1) }), undefined);
  const many = p.applyMany([rec, { ...rec, type: 'log' }, rec], { ...viewer, now: '2024-01-01T01:00:00Z' });
  assert.equal(many.length, 2);
  const { report } = p.applyWithReport(rec, { ...viewer, now: '2025-01-01T00:00:00Z' });
  assert.equal(report.records.dropped_retention, 1);
});

test('summaries: arrays, typed arrays and tables', () => {
  const p = Policy.fromToml(`
version = 1
name = "s"
[[summarize]]
id = "cols"
paths = ["**"]
min_items = 3
`);
  const one = p.summarize([1, 2, 3, null]);
  assert.equal(one.tamis_summary.count, 4);
  assert.equal(one.tamis_summary.nulls, 1);
  assert.equal(p.summarize([1]), null);
  const fast = p.summarize(Float64Array.from([1, 2, 3, NaN]));
  assert.deepEqual(fast, one);
  const table = p.summarize({
    age: Int32Array.from([30, 40, 50]),
    email: ['a@example.com', 'b@example.com', 'c@example.com'],
    tiny: [1],
  });
  assert.deepEqual(Object.keys(table), ['age', 'email']);
  assert.ok(!JSON.stringify(table).includes('@example.com'));
  assert.throws(() => p.summarize('text'), TamisError);
  const bare = Object.create(null);
  bare.age = [1, 2, 3];
  assert.deepEqual(Object.keys(p.summarize(bare)), ['age']);
});

test('summaries name columns as apply writes the keys (issue 30, item 3)', () => {
  const p = Policy.fromToml(`
version = 1
name = "s"
[[rule]]
id = "e"
detect = ["email"]
action = "replace"
[[summarize]]
id = "cols"
paths = ["**"]
min_items = 3
`);
  const table = p.summarize({ 'jane@example.com': [1, 2, 3], ok: [1, 2, 3] });
  const applied = p.apply({ 'jane@example.com': 1, ok: 1 });
  assert.deepEqual(Object.keys(table), Object.keys(applied));
  assert.ok(!JSON.stringify(table).includes('jane@'));
});

test('context errors never quote what was passed (issue 30, item 11)', () => {
  for (const ctx of [{ 'jane@example.com': 1 }, { roles: 'jane@example.com' }, { purpose: ['jane@example.com'] }]) {
    try {
      policy.apply({}, { context: ctx });
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof TamisError);
      assert.ok(!String(e.message).includes('jane@') && !String(e.stack).includes('jane@'), e.message);
    }
  }
});

test('explain lists rules and, given records, where they applied', () => {
  const e = policy.explain([{ a: 'x@example.com' }, { password: 'p' }]);
  const text = JSON.stringify(e);
  assert.ok(text.includes('secrets') && text.includes('pii'));
  assert.ok(!text.includes('x@example.com'));
  assert.equal(policy.name, 'api-test');
  assert.deepEqual(policy.ruleIds, ['secrets', 'pii']);
  assert.match(policy.id, /^[0-9a-f]{64}$/);
});

test('runTests runs the [[test]] cases as `tamis test` does, naming paths and kinds, never values', () => {
  const p = Policy.fromToml(`version = 1
name = "cases"
[[rule]]
id = "emails"
detect = ["email"]
action = "replace"
[[rule]]
id = "never"
keys = ["nothing_has_this"]
action = "redact"
[[test]]
name = "masks"
input = { a = "x@example.com" }
expect = { a = "[REDACTED]" }
[[test]]
name = "wrong"
input = { a = "secret-y@example.com" }
expect = { a = "secret-y@example.com", b = 1 }
`);
  const r = p.runTests();
  assert.deepEqual(r, {
    cases: [
      { name: 'masks', passed: true, differences: [] },
      {
        name: 'wrong',
        passed: false,
        differences: ['at `a`: expected a string, got a string with a different value', 'at `b`: expected a number, the key is missing'],
      },
    ],
    idle_rules: ['never'],
  });
  assert.ok(!JSON.stringify(r).includes('secret-y'));
});

// The reversible actions from Node: encrypt, fpe and shift_date through `apply`, `reveal` back
// for an allowed context only, refusals that name where and why (never a value), and audit
// events to a function or a file. The byte-identical outputs are the `keyed-*` vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Policy, RevealError, TamisError, PolicyError } from 'tamis';

const POLICY_TEXT = `version = 1
name = "keyed"
[key.main]
env = "TAMIS_TEST_KEY"
id = "k1"
[reveal]
roles_any = ["support-lead"]
purposes = ["incident"]
[[rule]]
id = "enc"
paths = ["user.email", "user.age"]
action = "encrypt"
key = "main"
[[rule]]
id = "card"
paths = ["card"]
action = "fpe"
key = "main"
keep_first = 4
keep_last = 4
[[rule]]
id = "dates"
paths = ["visits.*"]
action = "shift_date"
key = "main"
entity = "patient.id"
max_days = 90
[[rule]]
id = "mail"
detect = ["email"]
action = "encrypt"
key = "main"
`;
const KEY = '0123456789abcdef0123456789abcdef';
const policy = Policy.fromToml(POLICY_TEXT, { keys: { main: KEY } });
const allowed = { context: { roles: ['support-lead'], purpose: 'incident' } };
const record = {
  patient: { id: 'P-7' },
  user: { email: 'jane@example.com', age: 42 },
  card: '4111 1111 1111 1111',
  visits: { a: '2024-01-05', b: '2024-03-01T10:00:00Z', epoch: 1704412800 },
  note: 'mail ops@acme.example please',
};

test('apply then reveal gives the record back', () => {
  const masked = policy.apply(record);
  assert.ok(masked.user.email.startsWith('e:k1:'));
  assert.ok(masked.card.startsWith('4111 ') && masked.card.endsWith(' 1111'));
  assert.notEqual(masked.card, record.card);
  assert.notEqual(masked.visits.a, '2024-01-05');
  assert.equal(typeof masked.visits.epoch, 'number');
  assert.ok(!masked.note.includes('ops@acme.example'));
  assert.deepEqual(policy.reveal(masked, allowed), record);
  assert.deepEqual(JSON.parse(policy.revealJson(JSON.stringify(masked), allowed)), record);
});

test('reveal is denied outside the [reveal] section', () => {
  const masked = policy.apply(record);
  for (const context of [undefined, { roles: ['support-lead'] }, { roles: ['viewer'], purpose: 'incident' }]) {
    assert.throws(
      () => policy.reveal(masked, { context }),
      (e) => e instanceof RevealError && e instanceof TamisError && e.reason === 'denied' && e.message.includes('[reveal]'),
    );
  }
});

test('forged and foreign tokens are refused without the value', () => {
  const masked = policy.apply(record);
  const other = Policy.fromToml(POLICY_TEXT, { keys: { main: 'fedcba9876543210fedcba9876543210' } });
  assert.throws(
    () => other.reveal(masked, allowed),
    (e) => e instanceof RevealError && e.path === 'user.email' && e.ruleId === 'enc' && e.reason === 'not_verified',
  );
  const foreign = structuredClone(masked);
  foreign.user.email = foreign.user.email.replace('e:k1:', 'e:k9:');
  assert.throws(
    () => policy.reveal(foreign, allowed),
    (e) => e.reason === 'unknown_key' && !e.message.includes('e:k') && !e.message.includes('jane'),
  );
});

test('short keys are policy errors', () => {
  assert.throws(
    () => Policy.fromToml(POLICY_TEXT, { keys: { main: 'short' } }),
    (e) => e instanceof PolicyError && e.code === 'key' && e.message.includes('at least 32'),
  );
});

test('audit events go to a function and to a file, never with a value', () => {
  const events = [];
  const audited = policy.withAudit((e) => events.push(e));
  const masked = audited.apply(record, { context: { roles: ['pipeline'] }, now: '2026-12-07T00:00:00Z' });
  audited.applyMany([record, record]);
  audited.maskText('write to jane@example.com');
  audited.reveal(masked, { ...allowed, now: '2026-12-07T01:00:00Z' });
  assert.throws(() => audited.reveal(masked, { context: { roles: ['viewer'] } }), RevealError);
  assert.deepEqual(
    events.map((e) => e.event),
    ['apply', 'apply', 'apply', 'reveal', 'reveal_denied'],
  );
  assert.equal(events[0].time, '2026-12-07T00:00:00.000Z');
  assert.deepEqual(events[0].context.roles, ['pipeline']);
  assert.equal(events[0].rules.enc, 2);
  assert.equal(events[1].records.in, 2);
  assert.equal(events[3].reveals.total, 7);
  const dir = mkdtempSync(join(tmpdir(), 'tamis-audit-'));
  try {
    const file = join(dir, 'audit.jsonl');
    policy.withAudit(file).applyMany([record]);
    policy.withAudit(file).applyJson(JSON.stringify(record));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1]).event, 'apply');
    const all = JSON.stringify(events) + lines.join('\n');
    for (const secret of ['jane', 'P-7', '4111', '2024-0', 'e:k1', 'ops@']) {
      assert.ok(!all.includes(secret), secret);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(policy.apply(record), masked, 'the policy without a sink is unchanged');
  assert.throws(() => policy.withAudit(42), TamisError);
});

// A seeded generator (no dependency): strings of every plane, integers, dates.
function* cases(n, seed) {
  let s = seed >>> 0;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const chars = () => {
    const len = next() % 24;
    let out = '';
    for (let i = 0; i < len; i++) {
      const r = next() % 4;
      const cp = r === 0 ? 32 + (next() % 95) : r === 1 ? next() % 0xd800 : r === 2 ? 0xe000 + (next() % 0x2000) : 0x10000 + (next() % 0xfffff);
      out += String.fromCodePoint(cp);
    }
    return out;
  };
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(1950, 0, 1) + (next() % 40000) * 86400000).toISOString().slice(0, 10);
    yield {
      patient: { id: chars() || 'x' },
      user: { email: chars(), age: (next() % 2000001) - 1000000 },
      visits: { a: day },
    };
  }
}

test('reveal inverts apply (10,000 seeded cases)', () => {
  const n = Number(process.env.TAMIS_PROPERTY_CASES || 10000);
  let count = 0;
  for (const r of cases(n, 0x7a4d15)) {
    const masked = policy.apply(r);
    assert.ok(masked.user.email.startsWith('e:k1:'));
    assert.deepEqual(policy.reveal(masked, allowed), r);
    count++;
  }
  assert.equal(count, n);
});

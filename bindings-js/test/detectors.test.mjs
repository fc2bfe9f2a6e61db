// Detectors of your own (`ext:<name>`) on the real package: bound when the policy is loaded,
// an error when unbound, called line by line, failing closed when they throw or answer badly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import api, { Policy, PolicyError, TamisError } from 'tamis';

const POLICY = `version = 1
name = "ext"
[[rule]]
id = "p"
detect = ["ext:person", "email"]
action = "placeholder"
`;

function person(line) {
  const out = [];
  for (const m of line.matchAll(/John Smith|Zoë Müller|😀 Ann/gu)) out.push([m.index, m.index + m[0].length]);
  return out;
}

test('a bound function finds spans (string indices, non-ASCII too), line by line', () => {
  const lines = [];
  const policy = Policy.fromToml(POLICY, { detectors: { person: (line) => (lines.push(line), person(line)) } });
  assert.equal(
    policy.maskText('Hi, I am John Smith (john@x.com)\nand Zoë Müller, 😀 Ann, John Smith'),
    'Hi, I am <PERSON_1> (<EMAIL_1>)\nand <PERSON_2>, <PERSON_3>, <PERSON_1>',
  );
  assert.ok(lines.includes('Hi, I am John Smith (john@x.com)'));
  assert.deepEqual(policy.apply({ a: 'John Smith' }), { a: '<PERSON_1>' });
  assert.deepEqual(JSON.parse(policy.applyJson('{"a":"John Smith"}')), { a: '<PERSON_1>' });
  // Objects with start and end, as other recognizers answer.
  const objects = Policy.fromToml(POLICY, { detectors: { person: (l) => person(l).map(([start, end]) => ({ start, end })) } });
  assert.equal(objects.maskText('Zoë Müller'), '<PERSON_1>');
});

test('unbound or unknown names are load errors', () => {
  assert.throws(() => Policy.fromToml(POLICY), (e) => e instanceof PolicyError && /ext:person/.test(e.message) && /detectors/.test(e.help));
  assert.throws(() => Policy.fromToml(POLICY, { detectors: { persn: person } }), (e) => e instanceof TamisError && /ext:persn/.test(e.message));
  assert.throws(() => Policy.fromToml(POLICY, { detectors: { person: 'nope' } }), (e) => e instanceof TamisError && e.code === 'invalid-argument');
  assert.throws(
    () => Policy.fromToml(POLICY.replace('ext:person', 'ext:Bad-Name'), { detectors: {} }),
    (e) => e instanceof PolicyError && /ext:/.test(e.message),
  );
});

test('a function that throws or answers badly masks the whole text, and is counted', () => {
  for (const bad of [
    () => { throw new Error('saw the text'); },
    () => [[0, 999]],
    () => [[3, 1]],
    () => 'not an array',
    () => [['a', 'b']],
    (l) => (l.length > 1 ? [[1, 2]] : []), // inside a surrogate pair below
  ]) {
    const policy = Policy.fromToml(POLICY, { detectors: { person: bad } });
    const { value, report } = policy.applyWithReport({ note: '😀secret text' });
    assert.deepEqual(Object.values(value), ['<PERSON_1>']);
    assert.ok(report.failures.detector >= 1);
  }
});

test('after a reset the functions are bound again', () => {
  const policy = Policy.fromToml(POLICY, { detectors: { person } });
  assert.equal(policy.maskText('John Smith'), '<PERSON_1>');
  assert.throws(() => api[Symbol.for('tamis.testPanic')]('x'), (e) => e instanceof TamisError && e.code === 'internal');
  assert.equal(policy.maskText('John Smith'), '<PERSON_1>');
});

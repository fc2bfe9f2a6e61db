// Numbered placeholders and sessions on the real package: numbers per type and value within a
// record, within a session across calls and streams, and `restore` of what a session issued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, Session, TamisError } from 'tamis';

const policy = Policy.fromToml(`version = 1
name = "p"
[[rule]]
id = "who"
detect = ["email", "phone"]
action = "placeholder"
[[rule]]
id = "customer"
paths = ["customer"]
action = "placeholder"
`);

test('the same value gets the same number within a record, on every path', () => {
  const record = { customer: 'Jane Roe', msg: 'mail a@example.com, then b@example.com, then a@example.com', cc: ['b@example.com'] };
  const want = { customer: '<CUSTOMER_1>', msg: 'mail <EMAIL_1>, then <EMAIL_2>, then <EMAIL_1>', cc: ['<EMAIL_2>'] };
  assert.deepEqual(policy.apply(record), want);
  assert.deepEqual(JSON.parse(policy.applyJson(JSON.stringify(record))), want);
  assert.deepEqual(policy.apply(policy.apply(record)), want, 'applying twice gives what applying once gives');
  assert.equal(policy.maskText('a@example.com b@example.com a@example.com'), '<EMAIL_1> <EMAIL_2> <EMAIL_1>');
});

test('a session numbers across calls and streams, and restores only what it issued', () => {
  const session = policy.session();
  assert.ok(session instanceof Session);
  assert.equal(session.maskText('I am a@example.com'), 'I am <EMAIL_1>');
  assert.deepEqual(session.apply({ customer: 'Jane Roe', msg: 'cc b@example.com and a@example.com' }), {
    customer: '<CUSTOMER_1>',
    msg: 'cc <EMAIL_2> and <EMAIL_1>',
  });
  const s = session.stream();
  assert.throws(() => session.maskText('x'), (e) => e instanceof TamisError && e.code === 'session-busy');
  const out = s.push('c@example.com a@exa') + s.push('mple.com\n') + s.finish();
  assert.equal(out, '<EMAIL_3> <EMAIL_1>\n');
  assert.equal(session.size, 4);
  assert.equal(
    session.restore('Dear <CUSTOMER_1>, we wrote to <EMAIL_3> (not <EMAIL_9>).'),
    'Dear Jane Roe, we wrote to c@example.com (not <EMAIL_9>).',
  );
  assert.equal(policy.session().restore('<EMAIL_1>'), '<EMAIL_1>');
  assert.equal(JSON.stringify(session), '{}');
  // Calls outside the session number on their own.
  assert.equal(policy.maskText('c@example.com'), '<EMAIL_1>');
});

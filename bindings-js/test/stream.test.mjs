// `policy.stream()` and `maskStream`: a text pushed in pieces cut anywhere (inside UTF-8
// sequences and surrogate pairs too) gives `maskText` of the whole, on the real package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Policy, TextStream, TamisError, maskStream } from 'tamis';
import { rng } from './rng.mjs';

const root = new URL('../../', import.meta.url).pathname;
const CASES = Number(process.env.TAMIS_STREAM_CASES || 10000);

// Pieces of text: findings of built-in scanners and catalog entries, PEM blocks (whole and
// cut), key=value secrets, multi-byte and invisible characters, line breaks.
const PIECES = [
  'a', ' ', '\n', '\r\n', 'jane@example.com', '4111 1111 1111 1111', 'call 415-555-0100',
  '-----BEGIN RSA PRIVATE KEY-----\n', 'MIIEowIBAAKCAQEA\n', '-----END RSA PRIVATE KEY-----',
  '-----END ', 'password=hunter2xyz', '"api_key": "Zx8vQ2pL9mN4rT6w"', 'AKIAIOSFODNN7EXAMPLE',
  'ghp_1234567890abcdefghijABCDEFGHIJ123456', 'GB82 WEST 1234 5698 7654 32', '\u00e4', '\u{1F600}',
  '\u200B', '\uFF20', 'Bearer abcdef123456', 'x@y', '123-45-6789', 'my ssn ',
];


const policies = [
  Policy.fromFile(`${root}policies/default.toml`),
  Policy.fromToml(`version = 1
name = "s"
[[rule]]
id = "d"
detect = ["email", "credit_card", "phone", "private_key", "bearer_token", "us_ssn", "secrets"]
action = "replace"
replacement = "[{type}]"
[[rule]]
id = "p"
pattern = "ACME-\\\\s*[0-9]{6}"
action = "replace"
`),
];

function streamed(policy, text, cuts, bytes) {
  const s = policy.stream();
  let out = '';
  const whole = bytes ? new TextEncoder().encode(text) : text;
  let from = 0;
  for (const end of [...cuts.map((c) => c % (whole.length + 1)).sort((x, y) => x - y), whole.length]) {
    if (end < from) continue;
    out += s.push(whole.slice(from, end));
    from = end;
  }
  return out + s.finish();
}

test(`${CASES} texts cut anywhere give maskText of the whole (strings and bytes)`, () => {
  const next = rng(26);
  for (let n = 0; n < CASES; n++) {
    let text = '';
    const len = Math.floor(next() * 30);
    for (let i = 0; i < len; i++) text += PIECES[Math.floor(next() * PIECES.length)];
    const cuts = Array.from({ length: Math.floor(next() * 10) }, () => Math.floor(next() * 1e9));
    const bytes = next() < 0.5;
    const policy = policies[n % policies.length];
    const whole = policy.maskText(text);
    const got = streamed(policy, text, cuts, bytes);
    if (got !== whole) {
      // The case, by its number: never the text itself in a failure message of the library.
      assert.fail(`case ${n}: the streamed output differs from maskText of the whole`);
    }
  }
});

test('one UTF-16 unit or one byte at a time', () => {
  const text = `Hi \u{1F600} jane@example.com\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\npassword=hunter2xyz\u00e4`;
  for (const policy of policies) {
    const whole = policy.maskText(text);
    const units = Array.from({ length: text.length }, (_, i) => i);
    assert.equal(streamed(policy, text, units, false), whole);
    assert.equal(streamed(policy, text, Array.from({ length: 200 }, (_, i) => i), true), whole);
  }
});

test('a stream is a TextStream; held text is bounded; finished streams refuse pushes', () => {
  const policy = Policy.fromToml('version = 1\nname = "n"\n[limits]\nmax_string_bytes = 64\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n');
  const s = policy.stream();
  assert.ok(s instanceof TextStream);
  assert.equal(s.push('jane@exa'), '');
  assert.equal(s.heldBytes, 8);
  assert.equal(s.push('mple.com\nnext'), '[REDACTED]\n');
  // A line past the limit is masked whole, never released.
  let out = '';
  for (let i = 0; i < 20; i++) out += s.push('0123456789');
  assert.ok(s.heldBytes <= 64);
  out += s.push('\nend') + s.finish();
  assert.equal(out, '[tamis:too_large]\nend');
  assert.equal(s.report !== undefined, true);
  assert.equal(s.finish(), '');
  assert.throws(() => s.push('x'), (e) => e instanceof TamisError && e.code === 'finished');
  assert.throws(() => policy.stream().push(42), (e) => e instanceof TamisError && e.code === 'invalid-argument');
});

test('the stream report counts; an audit event is sent when it finishes', () => {
  const events = [];
  const policy = Policy.fromToml('version = 1\nname = "n"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n').withAudit((e) => events.push(e));
  const s = policy.stream({ context: { roles: ['support'] } });
  s.push('a@example.com b@example.com\n');
  assert.equal(s.report().detectors.email, 2);
  s.finish();
  assert.equal(events.length, 1);
  assert.equal(events[0].detectors.email, 2);
  assert.ok(!JSON.stringify(events).includes('example.com'));
});

// An OpenAI-style stream of chat completion chunks, as the SDKs yield them.
function chunk(index, delta, finish = null) {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'm', choices: [{ index, delta, finish_reason: finish }] };
}

async function* source(items) {
  for (const item of items) yield item;
}

test('maskStream masks chat completion chunks, content and tool call arguments, per choice', async () => {
  const policy = policies[1];
  const answer = 'Sure: write to jane@example.com or call 415-555-0100.\nThanks';
  const args = '{"email": "jane@example.com", "note": "ok"}';
  const items = [chunk(0, { role: 'assistant', content: '' })];
  for (let i = 0; i < answer.length; i += 5) items.push(chunk(0, { content: answer.slice(i, i + 5) }));
  for (let i = 0; i < args.length; i += 7) {
    items.push(chunk(1, { tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 7) } }] }));
  }
  items.push(chunk(0, {}, 'stop'));
  items.push(chunk(1, {}, 'tool_calls'));
  const original = structuredClone(items);
  let content = '';
  let calls = '';
  for await (const c of maskStream(policy, source(items))) {
    for (const choice of c.choices) {
      if (choice.index === 0 && choice.delta.content) content += choice.delta.content;
      for (const call of choice.delta.tool_calls || []) calls += call.function.arguments;
    }
  }
  assert.equal(content, policy.maskText(answer));
  assert.equal(calls, policy.maskText(args));
  assert.ok(!content.includes('jane') && !calls.includes('jane'));
  assert.deepEqual(items, original, 'the source chunks are not changed');
});

test('maskStream: text held when the source ends comes out masked in one more item', async () => {
  const policy = policies[1];
  const out = [];
  for await (const c of maskStream(policy, source([chunk(0, { content: 'mail jane@exa' }), chunk(0, { content: 'mple.com' })]))) out.push(c);
  assert.equal(out.length, 3);
  assert.equal(out.map((c) => c.choices[0]?.delta.content || '').join(''), 'mail [email]');
  const texts = [];
  for await (const t of maskStream(policy, ['mail jane', '@example.com', '\nok'])) texts.push(t);
  assert.equal(texts.join(''), 'mail [email]\nok');
  await assert.rejects(async () => {
    for await (const _ of maskStream(policy, source([{ nope: 1 }]))) void _;
  }, (e) => e instanceof TamisError && e.code === 'invalid-argument');
});

test('maskStream masks every text field and drops logprobs; other shapes are refused', async () => {
  const policy = policies[1];
  const item = {
    choices: [{
      index: 0,
      delta: { content: 'hi\n', refusal: 'no jane@example.com\n', reasoning_content: 'user is jane@example.com\n',
        function_call: { name: 'f', arguments: '{"to": "jane@example.com"}' } },
      logprobs: { content: [{ token: 'jane@example.com' }] },
      finish_reason: 'stop',
    }],
  };
  const out = [];
  for await (const c of maskStream(policy, source([item]))) out.push(c);
  assert.ok(!JSON.stringify(out).includes('jane'));
  const { delta } = out[0].choices[0];
  assert.equal(delta.refusal, 'no [email]\n');
  assert.equal(delta.reasoning_content, 'user is [email]\n');
  assert.equal(delta.function_call.arguments, '{"to": "[email]"}');
  assert.equal(out[0].choices[0].logprobs, null);
  await assert.rejects(async () => {
    for await (const _ of maskStream(policy, source([{ choices: [{ index: 0, delta: { content: [{ type: 'text' }] } }] }]))) void _;
  }, (e) => e instanceof TamisError && e.code === 'invalid-argument');
});

test('the package README documents streams', () => {
  const readme = readFileSync(`${root}bindings-js/README.md`, 'utf8');
  assert.match(readme, /maskStream/);
});

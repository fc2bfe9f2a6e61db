// A real pino logger with tamis options: every line it writes is masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Policy } from 'tamis';
import { tamisPino } from 'tamis/pino';

const root = new URL('../../', import.meta.url).pathname;

function capture() {
  const lines = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

test('pino(tamisPino(policy)) masks objects, messages, arguments, bindings and errors', () => {
  const policy = Policy.fromFile(`${root}policies/default.toml`, { keys: { default: 'test-only-key' } });
  const { lines, stream } = capture();
  const log = pino(tamisPino(policy, { base: undefined, timestamp: false }), stream);
  const child = log.child({ requester: 'mail ann@example.com' });
  log.info({ user: { password: 'hunter2', note: 'card 4111 1111 1111 1111' } }, 'login by bob@example.com');
  log.info('token %s for %s', 'ghp_abcdefghijklmnopqrstuvwxyzABCDEF0123', 'carl@example.com');
  log.warn('object %o', { email: 'dan@example.com' });
  child.error(new Error('failed for eve@example.com'), 'request failed');
  log.info(4111111111111111);
  assert.equal(lines.length, 5);
  const all = lines.join('\n');
  for (const raw of ['ann@', 'bob@', 'carl@', 'dan@', 'eve@', 'hunter2', '4111 1111 1111 1111', 'ghp_abc']) {
    assert.ok(!all.includes(raw), `${raw} leaked`);
  }
  const first = JSON.parse(lines[0]);
  assert.equal(first.user.password, '********');
  assert.match(first.msg, /^login by h:k1:/);
  assert.match(first.user.note, /1111$/);
  const err = JSON.parse(lines[3]);
  assert.match(err.requester, /^mail h:k1:/);
  assert.equal(err.err.type, 'Error');
  assert.match(err.err.message, /^failed for h:k1:/);
});

test('an error logged without a message gives pino its masked message', () => {
  const policy = Policy.fromToml('version = 1\nname = "p"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n');
  const { lines, stream } = capture();
  const log = pino(tamisPino(policy, { base: undefined, timestamp: false }), stream);
  log.error(new Error('failed for fay@example.com'));
  log.error({ err: new Error('failed for gus@example.com') });
  const custom = pino(tamisPino(policy, { base: undefined, timestamp: false, errorKey: 'e' }), stream);
  custom.error({ e: new Error('failed for hal@example.com') });
  assert.equal(lines.length, 3);
  for (const raw of ['fay@', 'gus@', 'hal@']) assert.ok(!lines.join('\n').includes(raw), `${raw} leaked`);
  assert.equal(JSON.parse(lines[0]).msg, 'failed for [REDACTED]');
  assert.equal(JSON.parse(lines[1]).msg, 'failed for [REDACTED]');
});

test('your formatters are masked with the rest, and your streamWrite sees the masked line', () => {
  const policy = Policy.fromToml('version = 1\nname = "p"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n');
  const { lines, stream } = capture();
  const seen = [];
  const log = pino(
    tamisPino(policy, {
      base: undefined,
      timestamp: false,
      formatters: { log: (o) => ({ ...o, stamped: true, added: 'z@example.com' }) },
      hooks: {
        streamWrite(line) {
          seen.push(line);
          return line;
        },
      },
    }),
    stream,
  );
  log.info({ a: 'x@example.com' }, 'for y@example.com');
  assert.deepEqual(JSON.parse(lines[0]), {
    level: 30,
    a: '[REDACTED]',
    stamped: true,
    added: '[REDACTED]',
    msg: 'for [REDACTED]',
  });
  assert.ok(seen.length === 1 && !seen[0].includes('@example.com'));
});

test('every exit: setBindings, own toString, class instances, root bindings, mixins', () => {
  const policy = Policy.fromFile(`${root}policies/default.toml`, { keys: { default: 'test-only-key' } });
  const { lines, stream } = capture();
  const log = pino(
    tamisPino(policy, {
      timestamp: false,
      base: { host: 'h', owner: 'root@example.com' },
      mixin: () => ({ session_token: 'mixin-secret-1' }),
    }),
    stream,
  );
  const child = log.child({ a: 1 });
  child.setBindings({ password: 'hunter2', who: 'jane@example.com' });
  child.info('bound');
  log.setBindings({ api_key: 'root-secret-2' });
  log.info('own toString %s', { toString: () => 'mail kim@example.com' });
  log.info({ u: new URL('https://app:s3cret@db.example/x?m=lee@example.com'), b: Buffer.from('mo@example.com') }, 'objs');
  log.child({ bytes: new Uint8Array(Buffer.from('password=x nat@example.com')) }).info('kid');
  assert.equal(lines.length, 4);
  const all = lines.join('\n');
  for (const raw of ['hunter2', 'jane@', 'root@', 'kim@', 'lee@', 'mo@', 'nat@', 's3cret', 'mixin-secret-1', 'root-secret-2']) {
    assert.ok(!all.includes(raw), `${raw} leaked: ${all}`);
  }
  // Bytes are masked as the text they hold, not written as numbers.
  assert.match(JSON.parse(lines[2]).b, /^h:k1:/);
  assert.ok(!all.includes('"data":['));
  const bound = JSON.parse(lines[0]);
  assert.equal(bound.password, '********');
  assert.equal(bound.session_token, '********');
});

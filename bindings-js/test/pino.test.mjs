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

test('your own formatters and hooks run after tamis', () => {
  const policy = Policy.fromToml('version = 1\nname = "p"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n');
  const { lines, stream } = capture();
  const seen = [];
  const log = pino(
    tamisPino(policy, {
      base: undefined,
      timestamp: false,
      formatters: { log: (o) => ({ ...o, stamped: true }) },
      hooks: {
        logMethod(args, method) {
          seen.push(...args);
          return method.apply(this, args);
        },
      },
    }),
    stream,
  );
  log.info({ a: 'x@example.com' }, 'for y@example.com');
  assert.deepEqual(JSON.parse(lines[0]), { level: 30, a: '[REDACTED]', stamped: true, msg: 'for [REDACTED]' });
  assert.ok(!seen.includes('for y@example.com'));
});

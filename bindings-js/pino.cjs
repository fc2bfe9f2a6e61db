'use strict';
// `tamis/pino`: options for pino so every log line is masked where it leaves.
//
//   const pino = require('pino');
//   const { tamisPino } = require('tamis/pino');
//   const log = pino(tamisPino(policy));
//
// pino's documented `hooks.streamWrite` receives each line as pino writes it to its stream, and
// tamis applies the whole policy to that JSON text (`Policy.applyJson`: key and path rules,
// detectors). Every exit of pino goes through it (checked against pino 10's `lib/proto.js`,
// `write`): the merging object, the message and its interpolated arguments (whatever their
// `toString`), the root's `base` and a child's bindings (also after `setBindings`), errors as
// pino's serializers write them, and what your own formatters, mixins and serializers add. No
// pino internals are touched. A line the policy drops (`[access]`, `[[retention]]`) is not
// written; a line that cannot be masked is written as a quarantine marker, never as it was.
//
// Pass your own options as the second argument: they are merged. Your `hooks.streamWrite` runs
// after tamis, on the masked line; your other hooks and formatters run before it (inside your
// process), and what they write is masked with the rest. `formatters.log` and
// `formatters.bindings` give pino bytes as text (below), then call yours.

const MARKER = '{"tamis_quarantined":{"reason":"internal_error"}}';

function maskLine(policy, line, opts) {
  if (typeof line !== 'string') return `${MARKER}\n`;
  const eol = line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : '';
  const body = eol === '' ? line : line.slice(0, -eol.length);
  let out;
  try {
    out = policy.applyJson(body, opts);
  } catch {
    return MARKER + eol;
  }
  // Dropped by access or retention: nothing is written.
  if (typeof out !== 'string' || out === '') return '';
  return out + eol;
}

// Bytes (a Buffer, a typed array) reach the line as JSON numbers (`{"type":"Buffer","data":[...]}`),
// which no detector can read: they are given to pino as their UTF-8 text instead, so the policy
// sees what they hold. Objects and arrays are copied where they change, to a bounded depth.
const decoder = new TextDecoder('utf-8', { fatal: false });

function textual(v, depth) {
  if (v === null || typeof v !== 'object' || depth > 16) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return decoder.decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  if (v instanceof ArrayBuffer) return decoder.decode(new Uint8Array(v));
  let copy = null;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      const t = textual(item, depth + 1);
      if (t !== item) {
        copy ??= v.slice();
        copy[i] = t;
      }
    });
    return copy ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return v;
  for (const k of Object.keys(v)) {
    const t = textual(v[k], depth + 1);
    if (t !== v[k]) {
      copy ??= { ...v };
      copy[k] = t;
    }
  }
  return copy ?? v;
}

function tamisPino(policy, options) {
  const { context, ...rest } = options || {};
  const opts = context === undefined ? undefined : { context };
  const own = rest.formatters || {};
  const ownHooks = rest.hooks || {};
  const ownWrite = ownHooks.streamWrite;
  return {
    ...rest,
    formatters: {
      ...own,
      log(o) {
        const t = textual(o, 0);
        return own.log ? own.log(t) : t;
      },
      bindings(b) {
        const t = textual(b, 0);
        return own.bindings ? own.bindings(t) : t;
      },
    },
    hooks: {
      ...ownHooks,
      streamWrite(line) {
        const masked = maskLine(policy, line, opts);
        return typeof ownWrite === 'function' ? ownWrite(masked) : masked;
      },
    },
  };
}

module.exports = { tamisPino };

'use strict';
// JS values to and from the tape the wasm engine reads and writes, so a record crosses the
// boundary in one call each way instead of several calls per value.
//
// Input tape: `ops` (Int32Array of [code, arg] pairs, values in pre-order) and `text` (every
// string, key and number text, concatenated; `arg` is its length in UTF-16 units). `origs`
// holds each value by its pre-order index and `keys` each key by its order, so the output can
// reuse the input's own leaves and keys. Codes are those of `src/tape.rs`.
//
// Reading never runs more than the value's own getters and proxy traps, catches what they
// throw (the value becomes `<TypeName>`), and stops at the policy's depth (`[tamis:too_deep]`)
// and size (the record is quarantined) limits, so cycles end.

const STR = 0;
const INT = 1;
const FLOAT = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;
const OTHER = 6;
const ARRAY = 7;
const OBJECT = 8;
const MAP = 9;
const ERROR = 10;
const TOO_DEEP = 11;
const KEY = 12;
const TOO_LARGE = 13;
// Output only.
const KEEP = 14;
const KEY_KEEP = 15;
const JSON_TEXT = 16;
const DROPPED = 18;

/** What `decode` gives for a record that `[access]` or `[[retention]]` dropped. */
const DROPPED_RECORD = Symbol('tamis.dropped');

class TooLarge extends Error {}

function typeName(v) {
  try {
    if (typeof v === 'symbol') return 'Symbol';
    if (typeof v === 'function') return 'Function';
    const proto = Object.getPrototypeOf(v);
    const ctor = proto && Object.getOwnPropertyDescriptor(proto, 'constructor');
    const name = ctor && typeof ctor.value === 'function' ? ctor.value.name : '';
    return typeof name === 'string' && name !== '' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

// [k0, v0, k1, v1, ...] of an object's own enumerable string keys, a Map, or an Error; null when
// they cannot be read.
function entriesOf(v, kind) {
  try {
    const out = [];
    if (kind === MAP) {
      Map.prototype.forEach.call(v, (value, key) => {
        out.push(key, value);
      });
      return out;
    }
    if (kind === ERROR) {
      for (const k of ['message', 'stack', 'cause']) {
        if (Object.prototype.hasOwnProperty.call(v, k)) out.push(k, v[k]);
      }
    }
    for (const k of Object.keys(v)) {
      if (kind !== ERROR || (k !== 'message' && k !== 'stack' && k !== 'cause')) out.push(k, v[k]);
    }
    return out;
  } catch {
    return null;
  }
}

/** Whether `v` is a plain object: a null prototype, or one whose own prototype is null (any realm). */
function isPlain(v) {
  if (v === null || typeof v !== 'object') return false;
  try {
    const proto = Object.getPrototypeOf(v);
    return proto === null || Object.getPrototypeOf(proto) === null;
  } catch {
    return false;
  }
}

function objectKind(v) {
  try {
    if (Array.isArray(v)) return ARRAY;
    if (isPlain(v)) return OBJECT;
    if (v instanceof Date) return 'date';
    if (v instanceof Map) return MAP;
    if (v instanceof Error) return ERROR;
  } catch {
    // unreadable: opaque
  }
  return OTHER;
}

class Encoder {
  constructor(maxDepth, budget) {
    this.maxDepth = maxDepth;
    this.budget = budget;
    this.ops = [];
    this.parts = [];
    this.origs = [];
    this.keys = [];
  }

  spend(n) {
    this.budget -= n + 1;
    if (this.budget < 0) throw new TooLarge();
  }

  text(code, s) {
    this.ops.push(code, s.length);
    this.parts.push(s);
  }

  value(v, depth) {
    this.spend(0);
    this.origs.push(v);
    if (depth > this.maxDepth) {
      this.ops.push(TOO_DEEP, 0);
      return;
    }
    switch (typeof v) {
      case 'string':
        this.spend(v.length);
        this.text(STR, v);
        return;
      case 'number':
        // Integers below 1e21 are all digits in JavaScript's spelling: detectors see them.
        this.text(Number.isInteger(v) && Math.abs(v) < 1e21 ? INT : FLOAT, Object.is(v, -0) ? '0' : String(v));
        return;
      case 'boolean':
        this.ops.push(v ? TRUE : FALSE, 0);
        return;
      case 'undefined':
        this.ops.push(NULL, 0);
        return;
      case 'bigint':
        this.text(INT, v.toString());
        return;
      case 'object':
        if (v === null) {
          this.ops.push(NULL, 0);
          return;
        }
        break;
      default:
        this.text(OTHER, typeName(v));
        return;
    }
    const kind = objectKind(v);
    if (kind === ARRAY) {
      let items;
      try {
        items = Array.from(v);
      } catch {
        this.text(OTHER, typeName(v));
        return;
      }
      this.ops.push(ARRAY, items.length);
      for (const item of items) this.value(item, depth + 1);
      return;
    }
    if (kind === 'date') {
      let t = NaN;
      try {
        t = Date.prototype.getTime.call(v);
      } catch {
        // opaque below
      }
      if (Number.isNaN(t)) this.text(OTHER, 'Date');
      else this.text(STR, new Date(t).toISOString());
      return;
    }
    if (kind === OTHER) {
      this.text(OTHER, typeName(v));
      return;
    }
    const flat = entriesOf(v, kind);
    if (flat === null) {
      this.text(OTHER, typeName(v));
      return;
    }
    this.ops.push(kind, flat.length / 2);
    for (let i = 0; i < flat.length; i += 2) {
      this.key(flat[i]);
      this.value(flat[i + 1], depth + 1);
    }
  }

  // A key's text: strings and other primitives (Map keys) are kept for the output; an object
  // key is written as `<TypeName>`, never as the object.
  key(k) {
    let s;
    let keep = true;
    if (typeof k === 'string') s = k;
    else if (k === null || ['number', 'boolean', 'bigint', 'undefined'].includes(typeof k)) s = String(k);
    else {
      s = `<${typeName(k)}>`;
      keep = false;
    }
    this.spend(s.length);
    this.keys.push(keep ? k : s);
    this.text(KEY, s);
  }
}

/**
 * The input tape of `values`; a value over the budget is marked too large (and quarantined by
 * the engine) instead.
 */
function encode(values, maxDepth, budget) {
  const e = new Encoder(maxDepth, budget);
  for (const v of values) {
    const marks = [e.ops.length, e.parts.length, e.origs.length, e.keys.length];
    e.budget = budget;
    try {
      e.value(v, 0);
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      e.ops.length = marks[0];
      e.parts.length = marks[1];
      e.origs.length = marks[2];
      e.keys.length = marks[3];
      e.origs.push(v);
      e.ops.push(TOO_LARGE, 0);
    }
  }
  return { ops: Int32Array.from(e.ops), text: e.parts.join(''), origs: e.origs, keys: e.keys };
}

// Sets an own data property: `__proto__` is defined, never assigned.
function setEntry(obj, key, value) {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function errorFrom(orig, entries) {
  let proto = Error.prototype;
  try {
    proto = Object.getPrototypeOf(orig);
  } catch {
    // keep Error.prototype
  }
  const e = Object.create(proto);
  for (const [k, v] of entries) {
    const hidden = k === 'message' || k === 'stack' || k === 'cause';
    Object.defineProperty(e, k, { value: v, writable: true, enumerable: !hidden, configurable: true });
  }
  return e;
}

function integer(text) {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** The output values of `count` records from the engine's output tape. */
function decode(ops, text, origs, keys, count) {
  let i = 0;
  let pos = 0;
  const take = (len) => {
    const s = text.slice(pos, pos + len);
    pos += len;
    return s;
  };
  const key = () => {
    const code = ops[i];
    const arg = ops[i + 1];
    i += 2;
    return code === KEY_KEEP ? keys[arg] : take(arg);
  };
  const value = () => {
    const code = ops[i];
    const arg = ops[i + 1];
    i += 2;
    switch (code) {
      case KEEP:
        return origs[arg];
      case STR:
        return take(arg);
      case INT:
        return integer(take(arg));
      case FLOAT:
        return Number(take(arg));
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case JSON_TEXT:
        return JSON.parse(take(arg));
      case DROPPED:
        return DROPPED_RECORD;
      case ARRAY: {
        const out = new Array(arg);
        for (let j = 0; j < arg; j++) out[j] = value();
        return out;
      }
      case OBJECT: {
        const out = {};
        for (let j = 0; j < arg; j++) {
          const k = key();
          setEntry(out, typeof k === 'string' ? k : String(k), value());
        }
        return out;
      }
      case MAP: {
        const out = new Map();
        for (let j = 0; j < arg; j++) {
          const k = key();
          out.set(k, value());
        }
        return out;
      }
      case ERROR: {
        const orig = origs[ops[i + 1]];
        i += 2;
        const entries = [];
        for (let j = 0; j < arg; j++) {
          const k = key();
          entries.push([String(k), value()]);
        }
        return errorFrom(orig, entries);
      }
      default:
        throw new Error('tamis: bad output tape');
    }
  };
  const out = new Array(count);
  for (let r = 0; r < count; r++) out[r] = value();
  return out;
}

module.exports = { encode, decode, isPlain, DROPPED_RECORD };

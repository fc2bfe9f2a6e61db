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

// The ops of a tape: [code, arg] pairs in a growing Int32Array (no array of numbers to convert).
class Ops {
  constructor() {
    this.a = new Int32Array(128);
    this.length = 0;
  }

  push(code, arg) {
    if (this.length + 2 > this.a.length) {
      const a = new Int32Array(this.a.length * 2);
      a.set(this.a);
      this.a = a;
    }
    this.a[this.length] = code;
    this.a[this.length + 1] = arg;
    this.length += 2;
  }

  set(i, v) {
    this.a[i] = v;
  }

  view() {
    return this.a.subarray(0, this.length);
  }
}

// The ops buffer of the last tape given back (`release`), for the next one.
let spareOps = null;

class Encoder {
  constructor(maxDepth, budget) {
    this.maxDepth = maxDepth;
    this.budget = budget;
    this.ops = spareOps ?? new Ops();
    spareOps = null;
    this.ops.length = 0;
    this.parts = [];
    this.origs = [];
    this.keys = [];
  }

  // Where the tape is, to go back to it (`rollback`) when a record is written otherwise.
  mark() {
    return [this.ops.length, this.parts.length, this.origs.length, this.keys.length, this.budget];
  }

  rollback(m) {
    [this.ops.length, this.parts.length, this.origs.length, this.keys.length, this.budget] = m;
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
function encode(values, maxDepth, budget, plan = null) {
  const e = new Encoder(maxDepth, budget);
  const parts = plan === null ? null : new Array(values.length).fill(null);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    e.budget = budget;
    const mark = e.mark();
    try {
      const part = plan === null ? null : plan.encode(v, e);
      if (part === null) e.value(v, 0);
      else parts[i] = part;
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      e.rollback(mark);
      e.origs.push(v);
      e.ops.push(TOO_LARGE, 0);
      if (parts !== null) parts[i] = null;
    }
  }
  return { ops: e.ops.view(), text: e.parts.join(''), origs: e.origs, keys: e.keys, parts, buffer: e.ops };
}

/** Gives a tape's ops buffer back for the next `encode`, once the module has copied the ops. */
function release(tape) {
  spareOps = tape.buffer;
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

// What the engine's output tape cannot be for a record given in parts.
const MISMATCH = Symbol('tamis.mismatch');

/**
 * The output values of `count` records from the engine's output tape; `parts` (from `encode`
 * with a plan) says which records the engine was given in parts.
 */
function decode(ops, text, origs, keys, count, parts = null) {
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
  // The output of a record given in parts (`PathPlan.encode`), written into the part's copy.
  const intoObject = (part) => {
    if (ops[i] !== OBJECT) throw MISMATCH;
    const arg = ops[i + 1];
    i += 2;
    const { res, live } = part;
    let at = 0;
    let removed = null;
    for (let j = 0; j < arg; j++) {
      const k = key();
      // Members the engine removed are missing from its output; the others come in order.
      while (at < live.length && live[at] !== k) {
        (removed ??= new Set()).add(live[at]);
        at += 2;
      }
      if (at >= live.length) throw MISMATCH;
      const child = live[at + 1];
      at += 2;
      setEntry(res, k, into(child));
    }
    for (; at < live.length; at += 2) (removed ??= new Set()).add(live[at]);
    if (removed === null) return res;
    const kept = {};
    for (const k of Object.keys(res)) {
      if (!removed.has(k)) setEntry(kept, k, res[k]);
    }
    return kept;
  };
  const intoArray = (part) => {
    const { items } = part;
    if (ops[i] !== ARRAY || ops[i + 1] !== items.length) throw MISMATCH;
    i += 2;
    const res = new Array(items.length);
    for (let j = 0; j < items.length; j++) res[j] = into(items[j]);
    return res;
  };
  // A member's output: as written, or into its part's copy.
  const into = (child) => (child === null ? value() : child.items ? intoArray(child) : intoObject(child));
  const out = new Array(count);
  for (let r = 0; r < count; r++) {
    const part = parts === null ? null : parts[r];
    // A record the engine quarantined or dropped has a marker, not an object: as it is.
    if (part === null || ops[i] !== OBJECT) {
      out[r] = value();
      continue;
    }
    const [at, from] = [i, pos];
    try {
      out[r] = intoObject(part);
    } catch (err) {
      if (err !== MISMATCH) throw err;
      // Never expected: a shape the engine cannot give back for a record's parts is
      // quarantined, as the engine quarantines a record it fails on.
      i = at;
      pos = from;
      value(); // read past it
      out[r] = { tamis_quarantined: { reason: 'internal_error' } };
    }
  }
  return out;
}

// Leaving out what no rule can reach. For a policy whose rules select by path only
// (`Policy::path_plan` in core), a member whose path no pattern is alive below can change
// nothing: such members are copied here and the engine is given the rest of the record (the
// members on a pattern's way and what the patterns select). The automaton is core's, stepped
// the way core's walk steps it; where anything is not a plain JSON-like value (or a limit is
// near), the record goes to the engine whole, as it did before.

const PLAN_KEY = 0;
const PLAN_ONE = 1;
const PLAN_ANY = 2;
const PLAN_ACCEPT = 3;
// What `copy` answers for a value the engine must read itself.
const WHOLE = Symbol('tamis.whole');
// A bound on the UTF-8 length of any number's text (`-1.2345678901234567e-308`).
const NUMBER_BYTES = 25;

// What the encoder's `Array.from` reads of an array is its items by index only when it iterates
// as arrays did when this module loaded.
const ARRAY_ITERATOR = Array.prototype[Symbol.iterator];

function plainArray(v) {
  return Object.getPrototypeOf(v) === Array.prototype && v[Symbol.iterator] === ARRAY_ITERATOR;
}

// Whether a text has no lone surrogate (which UTF-8, and so the module, reads as U+FFFD).
const wellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => s.isWellFormed()
    : (s) => !/[\uD800-\uDFFF]/.test(s);

class PathPlan {
  busy = false;

  /**
   * @param {Array<[number, string | null]>} states `pathPlan` of the compiled policy
   * @param {{maxDepth: number, maxString: number, maxRecord: number, budget: number}} limits
   */
  constructor(states, limits) {
    this.states = states.map(([code]) => code);
    this.limits = limits;
    // Per key in a pattern, the states stepping on it; keys of the data are never kept here.
    this.byKey = new Map();
    states.forEach(([code, key], i) => {
      if (code === PLAN_KEY) {
        if (!this.byKey.has(key)) this.byKey.set(key, []);
        this.byKey.get(key).push(i);
      }
    });
    this.sets = new Map();
    const start = new Set();
    let atStart = true;
    for (let i = 0; i < this.states.length; i++) {
      if (atStart) this.closure(start, i);
      atStart = this.states[i] === PLAN_ACCEPT;
    }
    this.start = this.intern(start);
  }

  closure(set, s) {
    for (;;) {
      set.add(s);
      if (this.states[s] !== PLAN_ANY) return;
      s += 1;
    }
  }

  // One state set, made once: `alive` (any state), `accepts` (a rule's pattern matched there),
  // and its steps: by the pattern keys, and `other` for every other key (those only move
  // `*` and `**` states, the same way for any key).
  intern(set) {
    const list = [...set].sort((a, b) => a - b);
    const id = list.join(',');
    let d = this.sets.get(id);
    if (d === undefined) {
      d = {
        list,
        alive: list.length > 0,
        accepts: list.some((s) => this.states[s] === PLAN_ACCEPT),
        next: new Map(),
        other: null,
      };
      this.sets.set(id, d);
    }
    return d;
  }

  step(d, key) {
    const keyed = this.byKey.get(key);
    if (keyed === undefined) {
      if (d.other === null) d.other = this.move(d, null);
      return d.other;
    }
    let n = d.next.get(key);
    if (n === undefined) {
      n = this.move(d, keyed);
      d.next.set(key, n);
    }
    return n;
  }

  move(d, keyed) {
    const to = new Set();
    for (const s of d.list) {
      const code = this.states[s];
      if (code === PLAN_ONE || (code === PLAN_KEY && keyed !== null && keyed.includes(s))) {
        this.closure(to, s + 1);
      } else if (code === PLAN_ANY) {
        this.closure(to, s);
      }
    }
    return this.intern(to);
  }

  /**
   * Writes what of `value` the engine needs onto `e`'s tape and answers what `merge` needs,
   * or writes nothing and answers null when the engine needs all of it: `{ res, live }`, where
   * `res` is the output record with the members no rule can reach copied (and the others'
   * places kept) and `live` the others' keys, each with what is known of its value's parts.
   */
  encode(value, e) {
    // A getter that applies a policy while this one reads a record: that record goes whole
    // (the walk's counts are this call's own).
    if (this.busy || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const mark = e.mark();
    let info = WHOLE;
    this.busy = true;
    try {
      if (isPlain(value)) {
        this.e = e;
        this.spent = 1;
        this.bytes = 0;
        info = this.object(value, this.start, 0);
      }
    } catch (err) {
      if (err instanceof TooLarge) throw err;
      // A getter or a proxy threw: the encoder reads the record (and says what it could not).
    } finally {
      this.e = null;
      this.busy = false;
    }
    const { budget, maxRecord } = this.limits;
    if (info !== WHOLE && this.spent <= budget && this.bytes <= maxRecord) return info;
    e.rollback(mark);
    return null;
  }

  // A key's share of the limits; false when the engine must see the record whole: a key near
  // the string limit, a key the module would read otherwise than JS does (a lone surrogate
  // becomes U+FFFD there), or past the read budget (so a record of shared references ends early).
  key(k) {
    if (k.length * 3 > this.limits.maxString || !wellFormed(k) || this.spent > this.limits.budget) {
      return false;
    }
    this.spent += k.length + 1;
    this.bytes += k.length * 3;
    return true;
  }

  object(v, d, depth) {
    if (depth + 1 > this.limits.maxDepth || this.spent > this.limits.budget) return WHOLE;
    this.spent += 1;
    const e = this.e;
    e.origs.push(v);
    const at = e.ops.length;
    e.ops.push(OBJECT, 0);
    const res = {};
    const live = [];
    for (const k of Object.keys(v)) {
      if (!this.key(k)) return WHOLE;
      const val = v[k];
      const n = this.step(d, k);
      if (!n.alive) {
        const c = this.copy(val, depth + 1);
        if (c === WHOLE) return WHOLE;
        setEntry(res, k, c);
        continue;
      }
      setEntry(res, k, undefined);
      e.keys.push(k);
      e.ops.push(KEY, k.length);
      e.parts.push(k);
      const child = this.part(val, n, depth + 1);
      if (child === WHOLE) return WHOLE;
      live.push(k, child);
    }
    e.ops.set(at + 1, live.length / 2);
    return { res, live };
  }

  // An array on a pattern's way: its items have its state set.
  array(v, d, depth) {
    if (depth + 1 > this.limits.maxDepth || this.spent > this.limits.budget) return WHOLE;
    this.spent += 1;
    const e = this.e;
    const n = v.length;
    e.origs.push(v);
    e.ops.push(ARRAY, n);
    const items = new Array(n);
    for (let i = 0; i < n; i++) {
      const child = this.part(v[i], d, depth + 1);
      if (child === WHOLE) return WHOLE;
      items[i] = child;
    }
    return { items };
  }

  // A member or item whose state set `n` is alive: walked further when no rule has it yet and
  // it is a plain object or array; else written as the encoder writes it, for the engine to
  // read whole (null: nothing to merge), its share of the limits counted from what was written
  // (UTF-8 at most 3 bytes a unit, a value's own bytes at most 5 beside its text).
  part(val, n, depth) {
    if (!n.accepts && val !== null && typeof val === 'object') {
      if (Array.isArray(val) && plainArray(val)) return this.array(val, n, depth);
      if (isPlain(val)) return this.object(val, n, depth);
    }
    const e = this.e;
    const [texts, values] = [e.parts.length, e.origs.length];
    e.value(val, depth);
    let units = 0;
    for (let i = texts; i < e.parts.length; i++) units += e.parts[i].length;
    const nodes = e.origs.length - values;
    this.spent += units + nodes;
    this.bytes += units * 3 + nodes * 5;
    return null;
  }

  // A leaf as it is (counted), WHOLE for one the engine must read, undefined for a container.
  leaf(v, depth) {
    if (depth > this.limits.maxDepth || this.spent > this.limits.budget) return WHOLE;
    this.spent += 1;
    switch (typeof v) {
      case 'string':
        if (v.length * 3 > this.limits.maxString) return WHOLE;
        this.spent += v.length + 1;
        this.bytes += v.length * 3;
        return v;
      case 'number':
        this.bytes += NUMBER_BYTES;
        return v;
      case 'boolean':
      case 'undefined':
        this.bytes += 5;
        return v;
      case 'object':
        if (v === null) {
          this.bytes += 4;
          return v;
        }
        return undefined;
      default:
        return WHOLE;
    }
  }

  // What the engine would give back for a member nothing reaches: a new array or plain object
  // around the same leaves; WHOLE for anything else (the encoder's rules for those apply).
  copy(v, depth) {
    const leaf = this.leaf(v, depth);
    if (leaf !== undefined) return leaf;
    if (Array.isArray(v)) {
      if (!plainArray(v)) return WHOLE;
      const n = v.length;
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const c = this.copy(v[i], depth + 1);
        if (c === WHOLE) return WHOLE;
        out[i] = c;
      }
      return out;
    }
    if (!isPlain(v)) return WHOLE;
    const out = {};
    for (const k of Object.keys(v)) {
      if (!this.key(k)) return WHOLE;
      const c = this.copy(v[k], depth + 1);
      if (c === WHOLE) return WHOLE;
      setEntry(out, k, c);
    }
    return out;
  }
}

module.exports = { encode, decode, release, isPlain, DROPPED_RECORD, PathPlan };

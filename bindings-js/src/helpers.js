// Reads JS values for the wasm walker. Every function here catches what user code (getters,
// proxies, subclasses) may throw and answers with a value that fails closed, so no exception
// ever unwinds through WebAssembly frames. No eval, no Function constructor.

// What a value is (the codes of `Kind` in src/read.rs).
export function kindOf(v) {
  try {
    switch (typeof v) {
      case "string": return 0;
      case "number": return 1;
      case "boolean": return 2;
      case "undefined": return 3;
      case "bigint": return 4;
      case "object": break;
      default: return 10; // symbol, function
    }
    if (v === null) return 3;
    if (Array.isArray(v)) return 5;
    const proto = Object.getPrototypeOf(v);
    // Plain objects of any realm: a null prototype, or one whose own prototype is null.
    if (proto === null || Object.getPrototypeOf(proto) === null) return 6;
    if (v instanceof Date) return 7;
    if (v instanceof Map) return 8;
    if (v instanceof Error) return 9;
    return 10;
  } catch {
    return 10;
  }
}

// The type name of a value with no data form (`<TypeName>`).
export function typeName(v) {
  try {
    if (typeof v === "symbol") return "Symbol";
    if (typeof v === "function") return "Function";
    const proto = Object.getPrototypeOf(v);
    const ctor = proto && Object.getOwnPropertyDescriptor(proto, "constructor");
    const name = ctor && typeof ctor.value === "function" ? ctor.value.name : "";
    return typeof name === "string" && name !== "" ? name : "Object";
  } catch {
    return "Object";
  }
}

// Own enumerable string keys and their values, flattened: [k0, v0, k1, v1, ...]; null when
// they cannot be read (a throwing getter or proxy trap).
export function entriesOf(v) {
  try {
    const keys = Object.keys(v);
    const out = new Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      out[2 * i] = keys[i];
      out[2 * i + 1] = v[keys[i]];
    }
    return out;
  } catch {
    return null;
  }
}

// A Map's entries, flattened as above; null when they cannot be read.
export function mapEntriesOf(v) {
  try {
    const out = [];
    Map.prototype.forEach.call(v, (value, key) => { out.push(key, value); });
    return out;
  } catch {
    return null;
  }
}

// An Error's message, stack and cause, then its own enumerable properties, flattened as
// above; null when they cannot be read.
export function errorEntriesOf(v) {
  try {
    const out = [];
    for (const k of ['message', 'stack', 'cause']) {
      if (Object.prototype.hasOwnProperty.call(v, k)) out.push(k, v[k]);
    }
    for (const k of Object.keys(v)) {
      if (k !== 'message' && k !== 'stack' && k !== 'cause') out.push(k, v[k]);
    }
    return out;
  } catch {
    return null;
  }
}

// A masked Error: an object of the original's class (so `instanceof`, `name` and loggers'
// error serializers see the same type) holding only the masked properties, `message`, `stack`
// and `cause` not enumerable as on a real Error.
export function errorFrom(orig, flat) {
  let proto = Error.prototype;
  try {
    proto = Object.getPrototypeOf(orig);
  } catch {
    // keep Error.prototype
  }
  const e = Object.create(proto);
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i];
    const hidden = k === 'message' || k === 'stack' || k === 'cause';
    Object.defineProperty(e, k, { value: flat[i + 1], writable: true, enumerable: !hidden, configurable: true });
  }
  return e;
}

// A valid Date's ISO text; null for an invalid one.
export function dateText(v) {
  try {
    const t = Date.prototype.getTime.call(v);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  } catch {
    return null;
  }
}

// A number as JavaScript spells it, a BigInt's decimal digits, a Map key's text.
export function text(v) {
  try {
    return String(v);
  } catch {
    return null;
  }
}

// A new object with one own data property (`__proto__` included: never a prototype change).
export function defineEntry(obj, key, value) {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

// A BigInt from its decimal digits.
export function bigint(digits) {
  return BigInt(digits);
}

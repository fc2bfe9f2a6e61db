// JSON as serde_json's arbitrary-precision mode holds it, for the object path of the vectors:
// integers beyond 2^53 become BigInt (so their digits survive), and `stringify` writes BigInt
// digits and keys in order, compact, as serde_json writes them.

/** A JSON number kept as written (the JSON path of the vectors writes it back unchanged). */
export class Raw {
  constructor(text) {
    this.text = text;
  }
}

/** Parses JSON; with `raw`, every number is a `Raw` (its spelling kept). */
export function parse(text, { raw = false } = {}) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = string();
        ws();
        i++; // :
        const v = value();
        Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
        ws();
        if (text[i++] === '}') return out;
      }
    }
    if (c === '[') {
      i++;
      const out = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i++] === ']') return out;
      }
    }
    if (c === '"') return string();
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      if (raw) return new Raw(m[0]);
      if (m[1] === undefined && m[2] === undefined) {
        const n = Number(m[0]);
        return Number.isSafeInteger(n) ? n : BigInt(m[0]);
      }
      return Number(m[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    throw new SyntaxError(`bad JSON at ${i}`);
  };
  const string = () => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  return value();
}

export function stringify(v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Raw) {
    // serde_json writes an exponent as `e` with a sign.
    const m = /^(-?[\d.]+)[eE]([+-]?)(\d+)$/.exec(v.text);
    return m ? `${m[1]}e${m[2] || '+'}${m[3]}` : v.text;
  }
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${stringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

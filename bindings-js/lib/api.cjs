'use strict';
// The public API of the `tamis` npm package, over the wasm-bindgen module of `src/lib.rs`.
// `makeApi(wasm, host)` is shared by the Node (CommonJS and ESM) and bundler entries.

const { encode, decode, release, isPlain, DROPPED_RECORD, PathPlan } = require('./tape.cjs');

const INTERNAL = Symbol('tamis.internal');
// Calls of a policy in a session (see `Session`); not part of the API.
const IN_SESSION = Symbol('tamis.inSession');
const SESSION_STREAM = Symbol('tamis.sessionStream');

/**
 * @param {any} wasm the wasm-bindgen module (`WasmPolicy`, `__wbg_reset_state`)
 * @param {{env?: () => Record<string, string | undefined>, readFile?: (path: string) => string,
 *   loaded?: () => boolean}} host (`loaded`: whether the module is instantiated, where that is up
 *   to the caller: "tamis/web")
 */
function isColumn(v) {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function makeApi(wasm, host) {
  // Bumped each time the module is reset after a trap; compiled policies of an older
  // generation point into the old instance and are compiled again before use.
  let generation = 0;

  /** Every error tamis throws. Never carries a record's values. */
  class TamisError extends Error {
    constructor(message, fields) {
      super(message);
      this.name = 'TamisError';
      this.code = (fields && fields.code) || 'error';
    }
  }

  /** A policy that cannot be compiled: what and where. */
  class PolicyError extends TamisError {
    constructor(message, fields) {
      super(message, fields);
      this.name = 'PolicyError';
      const f = fields || {};
      this.line = f.line ?? null;
      this.column = f.column ?? null;
      this.ruleId = f.ruleId ?? null;
      this.path = f.path ?? null;
      this.file = f.file ?? null;
      this.help = f.help ?? null;
    }
  }

  /**
   * `reveal` refused: the context may not reveal (`reason` `denied`), or a value cannot be
   * turned back (`path`, `ruleId`, `reason`). Never carries a value or a token.
   */
  class RevealError extends TamisError {
    constructor(message, fields) {
      super(message, { code: 'reveal' });
      this.name = 'RevealError';
      const f = fields || {};
      this.reason = f.reason ?? 'denied';
      this.path = f.path ?? null;
      this.ruleId = f.ruleId ?? null;
    }
  }

  // Errors from the module become TamisError / PolicyError / RevealError. Anything else (a trap such as
  // `RuntimeError: unreachable`, or an exception that crossed WebAssembly frames) may have left
  // the instance inconsistent: the module is replaced by a fresh instance, and the error says
  // nothing of the input.
  function convert(e) {
    if (e instanceof TamisError) return e;
    if (e instanceof Error && e.name === 'PolicyError') return new PolicyError(e.message, e);
    if (e instanceof Error && e.name === 'RevealError') return new RevealError(e.message, e);
    if (e instanceof Error && e.name === 'TamisError') return new TamisError(e.message, e);
    wasm.__wbg_reset_state();
    generation += 1;
    return new TamisError(
      'tamis stopped on an internal error; the call did not complete and the engine was reset',
      { code: 'internal' },
    );
  }

  function guard(f) {
    try {
      return f();
    } catch (e) {
      throw convert(e);
    }
  }

  const encoder = new TextEncoder();

  // Texts up to this many UTF-16 units cross into the module through a buffer kept there:
  // `encodeInto` writes their UTF-8 in place (one native pass), where `encode` makes an array
  // that is then copied in (about 6 times slower for 1.4 KB records). Longer texts take that
  // way rather than keeping a buffer of 3 bytes per unit.
  const INPUT_MAX_UNITS = 1 << 20;

  // A buffer for the output ops of the last call (taken while a call decodes: a call within
  // it makes its own).
  let spareOutput = null;

  /** Writes the UTF-8 of `text` into the module's input buffer; returns its length. */
  function writeInput(text) {
    const room = text.length * 3;
    const at = wasm.__inputBuffer(room);
    // After `__inputBuffer`, which may have grown the memory (a new ArrayBuffer).
    const view = new Uint8Array(wasm.__memory().buffer, at, room);
    return encoder.encodeInto(text, view).written;
  }

  function keyPairs(keys) {
    if (keys === undefined || keys === null) return [];
    if (typeof keys !== 'object' || Array.isArray(keys)) {
      throw new TamisError('keys must be an object of key name to string or Uint8Array', {
        code: 'invalid-argument',
      });
    }
    return Object.keys(keys).map((name) => {
      const v = keys[name];
      if (typeof v === 'string') return [name, encoder.encode(v)];
      if (v instanceof Uint8Array) return [name, new Uint8Array(v)];
      throw new TamisError(`keys.${name} must be a string or a Uint8Array`, {
        code: 'invalid-argument',
      });
    });
  }

  // `{ detectors: { name: fn } }`: a plain object of functions (copied: later changes to the
  // caller's object change nothing), or undefined.
  function detectorFunctions(detectors) {
    if (detectors === undefined || detectors === null) return undefined;
    if (typeof detectors !== 'object' || Array.isArray(detectors)) {
      throw new TamisError('detectors must be an object of name to function, such as { person: (line) => [[0, 4]] }', {
        code: 'invalid-argument',
      });
    }
    const out = {};
    for (const name of Object.keys(detectors)) {
      if (typeof detectors[name] !== 'function') {
        throw new TamisError(`detectors.${name} is not a function`, { code: 'invalid-argument' });
      }
      out[name] = detectors[name];
    }
    return out;
  }

  function compile(spec) {
    if (host.loaded && !host.loaded()) {
      throw new TamisError('the wasm module is not loaded: call `await init()` or `initSync(bytes)` of "tamis/web" first', {
        code: 'not-initialized',
      });
    }
    return wasm.WasmPolicy.compile(spec.text, spec.json, spec.file, spec.keys, spec.env, spec.detectors);
  }

  class Policy {
    #spec;
    #inner;
    #generation;
    // Where audit events go (see `withAudit`): a function, or (Node) a file path.
    #audit = null;
    // The read limits of the compiled policy (they never change).
    #maxDepth;
    #readBudget;
    // The path automaton, when members no rule can reach need not be given to the engine.
    #plan;

    constructor(token, spec) {
      if (token !== INTERNAL) {
        throw new TypeError('use Policy.fromToml, Policy.fromJson, Policy.fromObject or Policy.fromFile');
      }
      const env = host.env ? host.env() : {};
      const inner = guard(() => compile({ ...spec, env }));
      // Keep only the variables this policy reads, so a reset compiles it the same way.
      const used = {};
      for (const name of inner.keyEnvNames()) {
        if (typeof env[name] === 'string') used[name] = env[name];
      }
      this.#spec = { ...spec, env: used };
      this.#inner = inner;
      this.#generation = generation;
      this.#maxDepth = inner.maxDepth;
      this.#readBudget = inner.readBudget;
      const states = inner.pathPlan;
      const [maxString, maxRecord] = inner.sizeLimits;
      this.#plan =
        states === null
          ? null
          : new PathPlan(states, { maxDepth: this.#maxDepth, maxString, maxRecord, budget: this.#readBudget });
    }

    /** Compiles a policy from TOML text. */
    static fromToml(text, options) {
      return Policy.#from(text, false, options);
    }

    /** Compiles a policy from its JSON form (text). */
    static fromJson(text, options) {
      return Policy.#from(text, true, options);
    }

    /** Compiles a policy from its JSON form (an object). */
    static fromObject(doc, options) {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw new TamisError('fromObject takes the policy as an object', { code: 'invalid-argument' });
      }
      return Policy.#from(JSON.stringify(doc), true, options);
    }

    /** Compiles a policy file (Node): `.json` (in any case) is the JSON form, anything else TOML. */
    static fromFile(path, options) {
      if (!host.readFile) {
        throw new TamisError('fromFile needs Node; use fromToml here', { code: 'invalid-argument' });
      }
      let text;
      try {
        text = host.readFile(path);
      } catch (e) {
        throw new TamisError(`cannot read the policy file ${path}: ${e && e.code ? e.code : 'error'}`, {
          code: 'io',
        });
      }
      // One rule in every front end: `.json` in any case is the JSON form.
      return Policy.#from(text, wasm.isJsonPolicyFile(String(path)), { ...options, file: String(path) });
    }

    static #from(text, json, options) {
      if (typeof text !== 'string') {
        throw new TamisError('the policy must be given as text', { code: 'invalid-argument' });
      }
      const o = options || {};
      const spec = {
        text,
        json,
        file: o.file === undefined ? undefined : String(o.file),
        keys: keyPairs(o.keys),
        detectors: detectorFunctions(o.detectors),
      };
      return new Policy(INTERNAL, spec);
    }

    #policy() {
      if (this.#generation !== generation) {
        this.#inner = compile(this.#spec);
        this.#generation = generation;
        if (this.#audit !== null) this.#inner.setAudit(true);
      }
      return this.#inner;
    }

    #call(f) {
      try {
        return guard(() => f(this.#policy()));
      } finally {
        if (this.#audit !== null) this.#emit();
      }
    }

    // Hands the audit event of the call that just ended (if it made one) to the sink.
    #emit() {
      this.#send(guard(() => this.#policy().takeAuditEvent()));
    }

    // Hands an audit event (if any, and if there is a sink) to the sink.
    #send(event) {
      if (event === undefined || this.#audit === null) return;
      if (typeof this.#audit === 'function') {
        this.#audit(event);
      } else {
        host.appendFile(this.#audit, `${JSON.stringify(event)}\n`);
      }
    }

    /**
     * The same policy, sending one audit event per call that applies or reveals (`apply`,
     * `applyMany`, `applyJson`, `applyJsonLines`, `maskText`, `reveal`, ...) to `sink`: a
     * function given each event, or (Node) a file path each event is appended to as a JSON
     * line. An event holds the policy's name and id, the time, the context's roles and purpose,
     * and counts; never a value or a token. `null` stops.
     */
    withAudit(sink) {
      const file = typeof sink === 'string' || sink instanceof URL;
      if (sink !== null && typeof sink !== 'function' && !(file && host.appendFile)) {
        throw new TamisError(
          host.appendFile ? 'withAudit takes a function, a file path, or null' : 'withAudit takes a function or null here',
          { code: 'invalid-argument' },
        );
      }
      const copy = new Policy(INTERNAL, this.#spec);
      copy.#audit = sink;
      if (sink !== null) copy.#call((p) => p.setAudit(true));
      return copy;
    }

    /**
     * Turns the output of `encrypt`, `fpe` and `shift_date` in a copy of `value` back into the
     * values, for a context the policy's `[reveal]` section allows; throws `RevealError` (the
     * context may not, or a token does not verify: nothing is guessed).
     */
    reveal(value, options) {
      let text;
      try {
        text = JSON.stringify(value);
      } catch {
        throw new TamisError('reveal takes a record that JSON can hold (use revealJson for big integers)', {
          code: 'invalid-argument',
        });
      }
      return JSON.parse(this.revealJson(text, options));
    }

    /** `reveal` of a record given as JSON text (exact for numbers of any size): JSON text. */
    revealJson(text, options) {
      if (typeof text !== 'string') {
        throw new TamisError('revealJson takes JSON text', { code: 'invalid-argument' });
      }
      return this.#call((p) => p.revealJson(text, options));
    }

    /** The policy's `name`. */
    get name() {
      return this.#call((p) => p.name);
    }

    /** A stable id of the compiled policy. */
    get id() {
      return this.#call((p) => p.id);
    }

    /** The rule ids, in policy order. */
    get ruleIds() {
      return this.#call((p) => p.ruleIds);
    }

    // Masks records through the tape: [values (DROPPED_RECORD for a dropped one), report].
    // Where the policy has a path plan, the engine is given only what a rule can reach of each
    // record (`PathPlan` in tape.cjs); `whole` gives it everything (tests compare the two).
    #run(values, options, report, whole = false) {
      return this.#call((p) => {
        const plan = whole ? null : this.#plan;
        const tape = encode(values, this.#maxDepth, this.#readBudget, plan);
        const [at, len, text, rep] =
          tape.text.length <= INPUT_MAX_UNITS
            ? p.applyTapeInput(tape.ops, writeInput(tape.text), values.length, options, report)
            : p.applyTape(tape.ops, tape.text, values.length, options, report);
        release(tape);
        // The output ops, copied out of the module's buffer into one of ours before anything
        // else runs: decoding can run the caller's code (a proxy's trap, a setter on
        // Object.prototype), which may apply a policy and so rewrite the module's buffer.
        let ops = at;
        let buffer = null;
        if (len !== undefined) {
          buffer = spareOutput !== null && spareOutput.length >= len ? spareOutput : new Int32Array(Math.max(len, 1024));
          spareOutput = null;
          buffer.set(new Int32Array(wasm.__memory().buffer, at, len));
          ops = buffer.subarray(0, len);
        }
        const out = decode(ops, text, tape.origs, tape.keys, values.length, tape.parts);
        if (buffer !== null) spareOutput = buffer;
        return [out, rep];
      });
    }

    /** Masks a copy of `value`; `undefined` when the record is dropped. */
    apply(value, options) {
      const [[out]] = this.#run([value], options, false);
      return out === DROPPED_RECORD ? undefined : out;
    }

    /** `apply`, and the report of what was done (counts and paths, never values). */
    applyWithReport(value, options) {
      const [[out], report] = this.#run([value], options, true);
      return { value: out === DROPPED_RECORD ? undefined : out, report };
    }

    /** Masks each record of an array; dropped records are left out. */
    applyMany(values, options) {
      if (!Array.isArray(values)) {
        throw new TamisError('applyMany takes an array of records', { code: 'invalid-argument' });
      }
      return this.#run(values, options, false)[0].filter((v) => v !== DROPPED_RECORD);
    }

    /** Masks one JSON document given as text (exact for integers of any size). */
    applyJson(text, options) {
      if (typeof text !== 'string') {
        throw new TamisError('applyJson takes JSON text', { code: 'invalid-argument' });
      }
      return this.#call((p) => {
        if (text.length <= INPUT_MAX_UNITS) {
          return p.applyJsonInput(writeInput(text), options, false);
        }
        return p.applyJson(encoder.encode(text), options, false);
      });
    }

    /** Masks JSON Lines text as `tamis apply` does. */
    applyJsonLines(text, options) {
      if (typeof text !== 'string') {
        throw new TamisError('applyJsonLines takes JSON Lines text', { code: 'invalid-argument' });
      }
      return this.#call((p) =>
        text.length <= INPUT_MAX_UNITS
          ? p.applyJsonLinesInput(writeInput(text), options)
          : p.applyJsonLines(text, options),
      );
    }

    /** Masks what detectors and patterns find in free text. */
    maskText(text, options) {
      if (typeof text !== 'string') {
        throw new TamisError('maskText takes a string', { code: 'invalid-argument' });
      }
      return this.#call((p) =>
        text.length <= INPUT_MAX_UNITS ? p.maskTextInput(writeInput(text), options) : p.maskText(text, options),
      );
    }

    /**
     * A stream masking a text that arrives in pieces (an LLM's streamed answer, a tailed log):
     * `push(chunk)` returns what can be released now, `finish()` the rest. The joined output
     * is `maskText` of the whole text, for every way of cutting it.
     */
    stream(options) {
      const inner = this.#call((p) => p.stream(options));
      return new TextStream(INTERNAL, inner, (event) => this.#send(event), null);
    }

    /**
     * A session for a conversation: records and texts masked with it number their
     * placeholders together (the same value gets the same `<EMAIL_1>` in every turn), and
     * `session.restore(text)` puts the values back into an answer (only placeholders it
     * issued). It holds those values: keep it for the conversation, never log it.
     */
    session() {
      return new Session(INTERNAL, this, this.#call((p) => p.session()));
    }

    // Runs `f` (calls of this policy) with the session's numbers in use (see `Session`).
    [IN_SESSION](handle, f) {
      const p = this.#policy();
      guard(() => p.useSession(handle));
      try {
        return f();
      } finally {
        guard(() => this.#policy().endSession(handle));
      }
    }

    // A stream in a session: the stream holds the numbers until it finishes.
    [SESSION_STREAM](handle, options) {
      const p = this.#policy();
      guard(() => p.useSession(handle));
      let inner;
      try {
        inner = this.#call((q) => q.stream(options));
      } catch (e) {
        guard(() => this.#policy().endSession(handle));
        throw e;
      }
      return new TextStream(INTERNAL, inner, (event) => this.#send(event), handle);
    }

    /**
     * Privacy-safe statistics: one summary (or null) for an array or typed array, an object of
     * summaries (columns without one left out) for an object of columns.
     */
    summarize(data, options) {
      if (isColumn(data)) return this.#column([], data, options);
      if (!isPlain(data)) {
        throw new TamisError('summarize takes an array, a typed array, or an object of columns ({name: array})', {
          code: 'invalid-argument',
        });
      }
      const out = {};
      for (const name of Object.keys(data)) {
        const column = data[name];
        if (!isColumn(column)) {
          throw new TamisError(`column \`${name}\` is not an array or a typed array`, { code: 'invalid-argument' });
        }
        const summary = this.#column([name], column, options);
        if (summary === null) continue;
        // Named as apply writes the key: renamed when a detector finds something in it.
        const [shown] = this.#call((p) => p.outputKeys([name], options));
        Object.defineProperty(out, shown, { value: summary, writable: true, enumerable: true, configurable: true });
      }
      return out;
    }

    #column(keys, column, options) {
      return this.#call((p) => {
        const typed = ArrayBuffer.isView(column) && !(column instanceof DataView) && !(column instanceof BigUint64Array) && !(column instanceof Uint8ClampedArray);
        const tape = typed ? { ops: new Int32Array(0), text: '' } : encode([Array.from(column)], this.#maxDepth, Infinity);
        return p.summarizeColumn(keys, typed ? column : undefined, tape.ops, tape.text, options);
      });
    }

    /** The rules and, given records, which rule applied where and how often. */
    explain(records, options) {
      if (records !== undefined && records !== null && !Array.isArray(records)) {
        throw new TamisError('explain(records) takes an array of records', { code: 'invalid-argument' });
      }
      const values = records || [];
      return this.#call((p) => {
        const tape = encode(values, this.#maxDepth, this.#readBudget);
        return p.explain(tape.ops, tape.text, values.length, options);
      });
    }

    /**
     * Runs the policy's `[[test]]` cases: `{ cases: [{ name, passed, differences }], idle_rules }`
     * (differences name paths and kinds of values, never values).
     */
    runTests() {
      return this.#call((p) => p.runTests());
    }

    toString() {
      return `Policy(${JSON.stringify(this.name)})`;
    }

    // `apply` giving the engine every record whole (tests of `PathPlan`; not part of the API).
    __applyWholeForTests(value, options) {
      const [[out]] = this.#run([value], options, false, true);
      return out === DROPPED_RECORD ? undefined : out;
    }

    // `applyJson` with the module's memory used up (tests of the recovery; not part of the API).
    [Symbol.for('tamis.testApplyJsonOutOfMemory')](text) {
      return this.#call((p) => wasm.__applyJsonOutOfMemoryForTests(p, encoder.encode(text)));
    }
  }

  /**
   * A text masked as it arrives (`policy.stream()`). Pieces are strings, or UTF-8 bytes
   * (`Uint8Array`) that may cut a character. A line is held back until no finding can cross its
   * end, never more than the policy's `max_string_bytes` (past that it is masked, never released).
   */
  class TextStream {
    #inner;
    #generation;
    #emit;
    #session;
    #done = false;
    // A high surrogate that ended the last string piece: joined with the next piece's start,
    // so a character cut between pieces is read whole.
    #high = '';

    constructor(token, inner, emit, session) {
      if (token !== INTERNAL) throw new TypeError('use policy.stream()');
      this.#inner = inner;
      this.#generation = generation;
      this.#emit = emit;
      this.#session = session;
    }

    #open() {
      if (this.#done) {
        throw new TamisError('the stream is finished; start a new one', { code: 'finished' });
      }
      if (this.#generation !== generation) {
        // The module was reset after a trap: the held text is gone, never released.
        this.#done = true;
        throw new TamisError('the engine was reset after an internal error; this stream is closed and what it held is dropped', {
          code: 'stream-lost',
        });
      }
      return this.#inner;
    }

    /** Adds the next piece; returns the masked text that can be released now (often ''). */
    push(chunk) {
      const s = this.#open();
      if (typeof chunk === 'string') {
        let text = this.#high + chunk;
        this.#high = '';
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          this.#high = text.slice(-1);
          text = text.slice(0, -1);
        }
        return guard(() => s.push(text));
      }
      if (chunk instanceof Uint8Array) {
        // A held high surrogate has no partner in bytes: it is read as U+FFFD, as alone.
        const text = this.#high;
        this.#high = '';
        return guard(() => (text === '' ? '' : s.push(text)) + s.pushBytes(chunk));
      }
      throw new TamisError('push takes a string or a Uint8Array', { code: 'invalid-argument' });
    }

    /** The rest of the masked text; the stream is done (a second call returns ''). */
    finish() {
      if (this.#done) return '';
      const s = this.#open();
      this.#done = true;
      const high = this.#high;
      this.#high = '';
      const [text, event] = guard(() => {
        const held = high === '' ? '' : s.push(high);
        const [rest, ev] = s.finish();
        return [held + rest, ev];
      });
      if (this.#session !== null) guard(() => s.giveSessionBack(this.#session));
      s.free();
      this.#emit(event);
      return text;
    }

    /** What was masked so far (counts only, never a value). */
    report() {
      return guard(() => this.#open().report());
    }

    /** Bytes held back, not yet released. */
    get heldBytes() {
      return this.#done || this.#generation !== generation ? 0 : this.#inner.heldBytes;
    }
  }

  /**
   * Placeholder numbers kept for a conversation (`policy.session()`): `apply`, `applyJson`,
   * `maskText` and `stream` as the policy's, numbering placeholders together; `restore(text)`.
   */
  class Session {
    #policy;
    #handle;
    #generation;

    constructor(token, policy, handle) {
      if (token !== INTERNAL) throw new TypeError('use policy.session()');
      this.#policy = policy;
      this.#handle = handle;
      this.#generation = generation;
    }

    #live() {
      if (this.#generation !== generation) {
        throw new TamisError('the engine was reset after an internal error; this session is gone (start a new one)', {
          code: 'session-lost',
        });
      }
      return this.#handle;
    }

    apply(value, options) {
      return this.#policy[IN_SESSION](this.#live(), () => this.#policy.apply(value, options));
    }

    applyMany(values, options) {
      return this.#policy[IN_SESSION](this.#live(), () => this.#policy.applyMany(values, options));
    }

    applyJson(text, options) {
      return this.#policy[IN_SESSION](this.#live(), () => this.#policy.applyJson(text, options));
    }

    maskText(text, options) {
      return this.#policy[IN_SESSION](this.#live(), () => this.#policy.maskText(text, options));
    }

    /** A stream numbering in this session; the session is the stream's until it finishes. */
    stream(options) {
      return this.#policy[SESSION_STREAM](this.#live(), options);
    }

    /** `text` with every placeholder this session issued replaced by its value. */
    restore(text) {
      if (typeof text !== 'string') throw new TamisError('restore takes a string', { code: 'invalid-argument' });
      const h = this.#live();
      return guard(() => h.restore(text));
    }

    /** How many values the session has numbered. */
    get size() {
      const h = this.#live();
      return guard(() => h.size);
    }

    toString() {
      return 'Session';
    }

    toJSON() {
      // Never the values it holds.
      return {};
    }
  }

  // The text fields of a chunk's `delta` that a model streams, each its own stream.
  const TEXT_FIELDS = ['content', 'refusal', 'reasoning_content', 'reasoning'];
  const NESTED = [['function_call', 'arguments'], ['audio', 'transcript']];

  // The text fields of an OpenAI-style chat completion chunk, by choice and field: `[key,
  // holder, field]`. Anything there that is not text is refused, never passed on.
  function* chunkTexts(chunk) {
    for (const choice of chunk.choices || []) {
      const delta = choice.delta || {};
      const text = (holder, field) => {
        const v = holder[field];
        if (v === undefined || v === null) return false;
        if (typeof v !== 'string') {
          throw new TamisError(`maskStream reads text in \`${field}\`, not ${typeof v}`, { code: 'invalid-argument' });
        }
        return true;
      };
      for (const field of TEXT_FIELDS) if (text(delta, field)) yield [`${choice.index}/${field}`, delta, field];
      for (const [nested, field] of NESTED) {
        const inner = delta[nested];
        if (inner && text(inner, field)) yield [`${choice.index}/${nested}`, inner, field];
      }
      for (const call of delta.tool_calls || []) {
        if (call.function && text(call.function, 'arguments')) yield [`${choice.index}/tool/${call.index}`, call.function, 'arguments'];
      }
    }
  }

  /**
   * Masks a streamed LLM answer as it arrives: an async iterable of strings, `Uint8Array`s, or
   * OpenAI-style chat completion chunks (`choices[].delta.content`, tool call arguments), each
   * choice and tool call its own stream. Yields the same items with their text masked (copies;
   * held-back text comes out later); a choice's rest is written into the chunk that ends it
   * (`finish_reason`), or into one more chunk when the source ends first.
   */
  async function* maskStream(policy, source, options) {
    if (!(policy instanceof Policy)) throw new TamisError('maskStream takes a Policy first', { code: 'invalid-argument' });
    const streams = new Map();
    const streamFor = (key) => {
      let s = streams.get(key);
      if (s === undefined) {
        s = policy.stream(options);
        streams.set(key, s);
      }
      return s;
    };
    let last = null;
    try {
      for await (const chunk of source) {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
          yield streamFor('').push(chunk);
          continue;
        }
        if (chunk === null || typeof chunk !== 'object' || !Array.isArray(chunk.choices)) {
          throw new TamisError('maskStream takes strings, Uint8Arrays or chat completion chunks ({choices: [...]})', {
            code: 'invalid-argument',
          });
        }
        const copy = structuredClone(chunk);
        last = copy;
        // Log probabilities repeat the text token by token: dropped.
        for (const choice of copy.choices) if (choice.logprobs !== undefined && choice.logprobs !== null) choice.logprobs = null;
        for (const [key, holder, field] of chunkTexts(copy)) holder[field] = streamFor(key).push(holder[field]);
        for (const choice of copy.choices) {
          if (choice.finish_reason !== null && choice.finish_reason !== undefined) finishChoice(choice, streams);
        }
        yield copy;
      }
    } catch (e) {
      // The held text is dropped with the streams, never released.
      streams.clear();
      throw e;
    }
    // The source ended with text still held: it comes out, masked, in one more item.
    if (streams.has('')) {
      const rest = streams.get('').finish();
      streams.delete('');
      if (rest !== '') yield rest;
    }
    if (streams.size > 0) {
      const tail = { ...(last || {}), choices: [] };
      const indexes = new Set([...streams.keys()].map((k) => k.split('/')[0]));
      for (const index of indexes) {
        const choice = { index: Number(index), delta: {}, finish_reason: null };
        finishChoice(choice, streams);
        tail.choices.push(choice);
      }
      yield tail;
    }
  }

  // Writes the rest of a choice's streams into its chunk.
  function finishChoice(choice, streams) {
    const prefix = `${choice.index}/`;
    choice.delta = choice.delta || {};
    for (const [key, s] of [...streams]) {
      if (!key.startsWith(prefix)) continue;
      const rest = s.finish();
      streams.delete(key);
      if (rest === '') continue;
      const [, kind, callIndex] = key.split('/');
      if (TEXT_FIELDS.includes(kind)) {
        choice.delta[kind] = (choice.delta[kind] || '') + rest;
        continue;
      }
      const nested = NESTED.find(([n]) => n === kind);
      if (nested) {
        const [n, field] = nested;
        choice.delta[n] = choice.delta[n] || {};
        choice.delta[n][field] = (choice.delta[n][field] || '') + rest;
        continue;
      }
      const index = Number(callIndex);
      choice.delta.tool_calls = choice.delta.tool_calls || [];
      let call = choice.delta.tool_calls.find((c) => c.index === index);
      if (call === undefined) {
        call = { index, function: { arguments: '' } };
        choice.delta.tool_calls.push(call);
      }
      call.function = call.function || {};
      call.function.arguments = (call.function.arguments || '') + rest;
    }
  }

  // Traps the module on purpose (tests of the recovery; not part of the API).
  const testPanic = (text) => guard(() => wasm.__panicForTests(text));

  return { Policy, TextStream, Session, TamisError, PolicyError, RevealError, maskStream, [Symbol.for('tamis.testPanic')]: testPanic };
}

module.exports = { makeApi };

// Types of the `tamis` npm package (the same declarations serve `import` and `require`).

/** A JSON value, as `apply` returns masked data (plus what the input held: see `apply`). */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** Who will see the output and why (`when` conditions, `[access]`). */
export interface Context {
  roles?: readonly string[];
  purpose?: string;
  /** The record's trace type. */
  type?: string;
}

export interface TextOptions {
  context?: Context;
}

export interface ApplyOptions extends TextOptions {
  /** The current time for retention: a Date, epoch milliseconds, or RFC 3339 text. Default: now. */
  now?: Date | number | string;
}

export interface PolicyOptions {
  /** Key material by key name; keys not given are read from the environment variable the policy names. */
  keys?: Record<string, string | Uint8Array>;
  /** The file name errors point at. */
  file?: string;
  /**
   * Functions of the policy's `ext:<name>` detectors, by name: each is given one line and
   * returns `[start, end]` pairs (or `{start, end}` objects) in the line's string indices. One
   * that throws or returns a bad span masks the whole text (counted in `failures.detector`).
   * It must not call tamis itself.
   */
  detectors?: Record<string, (line: string) => ReadonlyArray<readonly [number, number] | { start: number; end: number }>>;
}

/** `{"tamis_quarantined": {"reason": ...}}`: a record that broke a limit, in place of the record. */
export interface QuarantineMarker {
  tamis_quarantined: { reason: 'too_deep' | 'too_large' | 'invalid_json' | string };
}

/** What an application did: counts and paths, never values. */
export interface Report {
  policy: { name: string; id: string };
  records: {
    in: number;
    out: number;
    dropped_retention: number;
    dropped_access: number;
    dropped_plugin: number;
    quarantined: number;
  };
  /** Hits by rule id. */
  rules: Record<string, number>;
  /** Findings by detector. */
  detectors: Record<string, number>;
  /** Records or fields dropped, by retention id (present when any). */
  retention?: Record<string, number>;
  /** Records whose time was written without a zone (read as missing: no `assume_timezone`), by retention id. */
  retention_without_time_zone?: Record<string, number>;
  /** Summaries written, by summarize id (present when any). */
  summaries?: Record<string, number>;
  limits: { too_deep: number; too_large: number };
  /** Values with no data form, written as `<TypeName>`. */
  other_objects: number;
  /** Hits by rule id, then path. */
  paths?: Record<string, Record<string, number>>;
  /** Findings by detector, then path. */
  detector_paths?: Record<string, Record<string, number>>;
}

/** The output of `apply` with the report. `value` is `undefined` when the record was dropped. */
export interface Applied<T = unknown> {
  value: T | QuarantineMarker | undefined;
  report: Report;
}

/** Privacy-safe statistics of one column. */
export interface Summary {
  tamis_summary: {
    count: number;
    nulls: number;
    null_rate: number;
    [statistic: string]: unknown;
  };
}

/** The rules of a policy and, given records, where they applied. */
export interface Explanation {
  policy: { name: string; id: string };
  rules: Array<Record<string, unknown>>;
  [section: string]: unknown;
}

/** What `summarize` takes: one column, or an object of columns. */
export type Column =
  | readonly unknown[]
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A compiled policy: immutable; compile once, apply many times. */
export declare class Policy {
  private constructor();
  static fromToml(text: string, options?: PolicyOptions): Policy;
  static fromJson(text: string, options?: PolicyOptions): Policy;
  static fromObject(doc: object, options?: PolicyOptions): Policy;
  /** Node only: `.json` is the JSON form, anything else TOML. */
  static fromFile(path: string, options?: Omit<PolicyOptions, 'file'>): Policy;

  readonly name: string;
  readonly id: string;
  readonly ruleIds: string[];

  /**
   * Masks a copy of `value` (never changed). Plain objects, arrays, strings, numbers, booleans,
   * null, BigInt, Date (its ISO text), Map and Error (`{type, message, stack}`) are read; any
   * other object becomes `"<TypeName>"`. `undefined` when `[access]` or `[[retention]]` drops
   * the record; a `QuarantineMarker` when it breaks a limit.
   */
  apply<T = unknown>(value: T, options?: ApplyOptions): T | QuarantineMarker | undefined;
  applyWithReport<T = unknown>(value: T, options?: ApplyOptions): Applied<T>;
  /** Masks each record; dropped records are left out. */
  applyMany<T = unknown>(values: readonly T[], options?: ApplyOptions): Array<T | QuarantineMarker>;
  /** One JSON document as text, exact for integers of any size. `undefined` when dropped. */
  applyJson(text: string, options?: ApplyOptions): string | undefined;
  /** JSON Lines text, as `tamis apply` writes it. */
  applyJsonLines(text: string, options?: ApplyOptions): string;
  maskText(text: string, options?: TextOptions): string;
  /**
   * A stream masking a text that arrives in pieces: the joined output of `push` and `finish`
   * is `maskText` of the whole text, for every way of cutting it.
   */
  stream(options?: TextOptions): TextStream;
  /**
   * A session for a conversation: calls made through it number their placeholders together,
   * and `restore` puts the values back into an answer (only placeholders it issued).
   */
  session(): Session;
  /**
   * The same policy, sending one audit event per call that applies or reveals to `sink`: a
   * function, or (Node) a file path each event is appended to as a JSON line. `null` stops.
   */
  withAudit(sink: ((event: AuditEvent) => void) | string | URL | null): Policy;
  /**
   * Turns the output of `encrypt`, `fpe` and `shift_date` in a copy of `value` back into the
   * values, for a context the policy's `[reveal]` section allows; throws `RevealError`.
   */
  reveal<T = unknown>(value: T, options?: ApplyOptions): T;
  /** `reveal` of one JSON document as text (exact for numbers of any size): JSON text. */
  revealJson(text: string, options?: ApplyOptions): string;
  summarize(data: Column, options?: TextOptions): Summary | null;
  summarize(data: Record<string, Column>, options?: TextOptions): Record<string, Summary>;
  explain(records?: readonly unknown[], options?: ApplyOptions): Explanation;
  /** Runs the policy's `[[test]]` cases (as `tamis test`). */
  runTests(): TestResults;
}

/** What `runTests` returns: each case, and the rules no case exercised. */
export interface TestResults {
  cases: Array<{ name: string; passed: boolean; differences: string[] }>;
  idle_rules: string[];
}

/** Every error tamis throws. Never carries a record's values. */
/**
 * A text masked as it arrives (`policy.stream()`). A line is held back until no finding can
 * cross its end, never more than the policy's `max_string_bytes` (past that it is masked).
 */
export declare class TextStream {
  private constructor();
  /** Adds the next piece (a string, or UTF-8 bytes that may cut a character); returns what can be released now. */
  push(chunk: string | Uint8Array): string;
  /** The rest of the masked text; the stream is done (a second call returns ''). */
  finish(): string;
  /** What was masked so far (counts only). */
  report(): Report;
  /** Bytes held back, not yet released. */
  readonly heldBytes: number;
}

/** Placeholder numbers kept for a conversation (`policy.session()`); holds the values it numbered. */
export declare class Session {
  private constructor();
  apply<T = unknown>(value: T, options?: ApplyOptions): T | QuarantineMarker | undefined;
  applyMany<T = unknown>(values: readonly T[], options?: ApplyOptions): Array<T | QuarantineMarker>;
  applyJson(text: string, options?: ApplyOptions): string | undefined;
  maskText(text: string, options?: TextOptions): string;
  /** A stream numbering in this session; the session is the stream's until it finishes. */
  stream(options?: TextOptions): TextStream;
  /** `text` with every placeholder this session issued replaced by its value. */
  restore(text: string): string;
  /** How many values the session has numbered. */
  readonly size: number;
}

/** An OpenAI-style chat completion chunk, as far as `maskStream` reads it. */
export interface ChatCompletionChunkLike {
  choices: Array<{
    index: number;
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index: number; function?: { arguments?: string; [k: string]: unknown }; [k: string]: unknown }>;
      [k: string]: unknown;
    };
    finish_reason?: string | null;
    [k: string]: unknown;
  }>;
  [k: string]: unknown;
}

/**
 * Masks a streamed LLM answer as it arrives: strings, `Uint8Array`s, or OpenAI-style chat
 * completion chunks (each choice's `delta.content` and tool call arguments). Yields masked
 * copies; held-back text comes out later, at the latest in one more item when the source ends.
 */
export declare function maskStream<T extends string | Uint8Array | ChatCompletionChunkLike>(
  policy: Policy,
  source: AsyncIterable<T> | Iterable<T>,
  options?: TextOptions,
): AsyncGenerator<T extends Uint8Array ? string : T>;

export declare class TamisError extends Error {
  /** `invalid-argument`, `io`, `internal`, or a policy error kind. */
  readonly code: string;
}

/**
 * `reveal` refused: the context may not reveal (`reason` `"denied"`), or a value cannot be
 * turned back. Never carries a value or a token.
 */
export declare class RevealError extends TamisError {
  readonly reason: 'denied' | 'not_verified' | 'unknown_key' | 'not_reversible' | 'no_entity';
  /** Where the value is (keys joined by `.`, `[]` for array items). */
  readonly path: string | null;
  readonly ruleId: string | null;
}

/**
 * One audit event: `event` (`apply`, `reveal`, `reveal_denied`), the time, the policy, the
 * context's roles and purpose, and counts (records, rules, detectors, reveals). Never a value.
 */
export interface AuditEvent {
  event: 'apply' | 'reveal' | 'reveal_denied';
  time: string;
  policy: { name: string; id: string };
  context: { roles: string[]; purpose: string | null; type: string | null };
  [count: string]: unknown;
}

/** A policy that cannot be compiled: what and where. */
export declare class PolicyError extends TamisError {
  readonly line: number | null;
  readonly column: number | null;
  readonly ruleId: string | null;
  readonly path: string | null;
  readonly file: string | null;
  readonly help: string | null;
}

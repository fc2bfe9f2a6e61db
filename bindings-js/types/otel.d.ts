import type { Context, Policy } from './index.js';

/** The parts of an OpenTelemetry ReadableSpan that are masked. */
export interface SpanLike {
  name: string;
  attributes: Record<string, unknown>;
  events: ReadonlyArray<{ name: string; attributes?: Record<string, unknown>; time?: unknown }>;
  links?: ReadonlyArray<{ context: unknown; attributes?: Record<string, unknown> }>;
  status?: { code: number; message?: string };
}

/** The OpenTelemetry SpanProcessor interface. */
export interface SpanProcessorLike<S = SpanLike> {
  onStart(span: unknown, parentContext: unknown): void;
  onEnd(span: S): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface MaskOptions {
  context?: Context;
}

export interface SpanProcessorOptions extends MaskOptions {
  /** Mask the resource's attributes too (shared by every span; off by default). */
  resource?: boolean;
}

/** Masks each ended span, then hands it to `inner`. */
export declare class MaskingSpanProcessor<S extends SpanLike = SpanLike> implements SpanProcessorLike<S> {
  constructor(inner: SpanProcessorLike<S>, policy: Policy, options?: SpanProcessorOptions);
  readonly inner: SpanProcessorLike<S>;
  readonly policy: Policy;
  /** Spans that could not be masked: exported with a placeholder name and no attributes. */
  readonly failed: number;
  onStart(span: unknown, parentContext: unknown): void;
  onEnd(span: S): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A view of `span` with name, attributes, events and status masked. */
export declare function maskSpan<S extends SpanLike>(policy: Policy, span: S, options?: MaskOptions, withResource?: boolean): S;
/** Span attributes masked as one record (see the module's documentation). */
export declare function maskAttributes(
  policy: Policy,
  attributes: Record<string, unknown>,
  options?: MaskOptions,
): Record<string, unknown>;
/** The parts of an OpenTelemetry SdkLogRecord that are masked (in place). */
export interface LogRecordLike {
  body?: unknown;
  eventName?: string;
  attributes: Record<string, unknown>;
  setBody(body: unknown): unknown;
}

/** Masks each emitted log record in place; register it before the processors that export. */
export declare class MaskingLogRecordProcessor {
  constructor(policy: Policy, options?: MaskOptions);
  readonly policy: Policy;
  /** Records that could not be masked: emptied (body and attributes), and counted. */
  readonly failed: number;
  onEmit(logRecord: LogRecordLike, context?: unknown): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The `mask` option of Langfuse's span processor: JSON text is parsed and masked as data. */
export declare function langfuseMask(policy: Policy, options?: MaskOptions): (params: { data: unknown }) => unknown;

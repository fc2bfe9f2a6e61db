import type { Context, Policy } from './index.js';

/** The parts of an OpenTelemetry ReadableSpan that are masked. */
export interface SpanLike {
  name: string;
  attributes: Record<string, unknown>;
  events: ReadonlyArray<{ name: string; attributes?: Record<string, unknown>; time?: unknown }>;
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

/** Masks each ended span, then hands it to `inner`. */
export declare class MaskingSpanProcessor<S extends SpanLike = SpanLike> implements SpanProcessorLike<S> {
  constructor(inner: SpanProcessorLike<S>, policy: Policy, options?: MaskOptions);
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
export declare function maskSpan<S extends SpanLike>(policy: Policy, span: S, options?: MaskOptions): S;
/** Span attributes masked as one record (see the module's documentation). */
export declare function maskAttributes(
  policy: Policy,
  attributes: Record<string, unknown>,
  options?: MaskOptions,
): Record<string, unknown>;
/** The `mask` option of Langfuse's span processor. */
export declare function langfuseMask(policy: Policy, options?: MaskOptions): (params: { data: unknown }) => unknown;

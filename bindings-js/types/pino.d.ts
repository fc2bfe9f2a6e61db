import type { Context, Policy } from './index.js';

/** pino options that mask every log line; `options` are yours, merged (their hooks run after tamis). */
export declare function tamisPino<O extends object = Record<string, unknown>>(
  policy: Policy,
  options?: O & { context?: Context },
): Omit<O, 'context'> & {
  formatters: {
    log(object: Record<string, unknown>): Record<string, unknown>;
    bindings(bindings: Record<string, unknown>): Record<string, unknown>;
  };
  hooks: {
    logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void, level: number): void;
  };
};

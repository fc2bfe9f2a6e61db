import type { Context, Policy } from './index.js';

/**
 * pino options that mask every log line where it leaves (pino's `hooks.streamWrite`, the whole
 * policy applied to the line's JSON). `options` are yours, merged: your `hooks.streamWrite` runs
 * after tamis, on the masked line.
 */
export declare function tamisPino<O extends object = Record<string, unknown>>(
  policy: Policy,
  options?: O & { context?: Context },
): Omit<O, 'context'> & {
  formatters: {
    log(object: Record<string, unknown>): Record<string, unknown>;
    bindings(bindings: Record<string, unknown>): Record<string, unknown>;
  };
  hooks: {
    streamWrite(line: string): string;
  };
};

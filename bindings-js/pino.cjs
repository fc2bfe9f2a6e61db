'use strict';
// `tamis/pino`: options for pino so every log line is masked.
//
//   const pino = require('pino');
//   const { tamisPino } = require('tamis/pino');
//   const log = pino(tamisPino(policy));
//
// The merging object and child bindings go through `Policy.apply` (`formatters.log`,
// `formatters.bindings`); the message and its interpolation values through `maskText` / `apply`
// before pino formats them (`hooks.logMethod`). Pass your own options as the second argument:
// their `formatters` and `hooks` run after tamis.

function maskArg(policy, a, opts) {
  if (typeof a === 'string') return policy.maskText(a, opts);
  if (typeof a === 'number' || typeof a === 'bigint') {
    const text = String(a);
    const masked = policy.maskText(text, opts);
    return masked === text ? a : masked;
  }
  if (a !== null && typeof a === 'object') {
    const masked = policy.apply(a, opts);
    return masked === undefined ? { tamis_dropped: true } : masked;
  }
  return a;
}

function tamisPino(policy, options) {
  const { context, ...rest } = options || {};
  const opts = context === undefined ? undefined : { context };
  const own = rest.formatters || {};
  const ownHooks = rest.hooks || {};
  const object = (o) => {
    const masked = policy.apply(o, opts);
    return masked === undefined ? { tamis_dropped: true } : masked;
  };
  return {
    ...rest,
    formatters: {
      ...own,
      log(o) {
        const masked = object(o);
        return own.log ? own.log(masked) : masked;
      },
      bindings(b) {
        const masked = object(b);
        return own.bindings ? own.bindings(masked) : masked;
      },
    },
    hooks: {
      ...ownHooks,
      logMethod(args, method, level) {
        // The first object (pino's merging object) is masked by `formatters.log`.
        const masked = args.map((a, i) =>
          i === 0 && a !== null && typeof a === 'object' ? a : maskArg(policy, a, opts),
        );
        if (ownHooks.logMethod) return ownHooks.logMethod.call(this, masked, method, level);
        return method.apply(this, masked);
      },
    },
  };
}

module.exports = { tamisPino };

'use strict';
// `tamis/pino`: options for pino so every log line is masked.
//
//   const pino = require('pino');
//   const { tamisPino } = require('tamis/pino');
//   const log = pino(tamisPino(policy));
//
// The merging object and the root's bindings go through `Policy.apply` (`formatters.log`,
// `formatters.bindings`); the message and its interpolation values through `maskText` / `apply`
// before pino formats them (`hooks.logMethod`). pino writes a child's bindings once, as JSON
// text, when the child is made and without formatters: `onChild` masks that text. Pass your
// own options as the second argument: their `formatters`, `hooks` and `onChild` run after
// tamis.

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

// A child's bindings as pino keeps them: JSON members after a comma (`,"k":v,...`). They are
// masked in place; text that cannot be read is replaced, never kept.
function maskChildBindings(child, object) {
  const sym = Object.getOwnPropertySymbols(child).find((s) => s.description === 'pino.chindings');
  if (sym === undefined) {
    throw new Error('tamis/pino: this pino version keeps child bindings where tamis cannot mask them');
  }
  const text = child[sym];
  if (typeof text !== 'string' || text === '') return;
  let masked;
  try {
    masked = object(JSON.parse(`{${text.slice(1)}}`));
  } catch {
    masked = { tamis_masked: 'unreadable bindings' };
  }
  const json = JSON.stringify(masked);
  child[sym] = json.length > 2 ? `,${json.slice(1, -1)}` : '';
}

function tamisPino(policy, options) {
  const { context, ...rest } = options || {};
  const opts = context === undefined ? undefined : { context };
  const own = rest.formatters || {};
  const ownHooks = rest.hooks || {};
  const object = (o) => {
    if (o === null || typeof o !== 'object') return o;
    const masked = policy.apply(o, opts);
    return masked === undefined ? { tamis_dropped: true } : masked;
  };
  const ownOnChild = rest.onChild;
  const errorKey = typeof rest.errorKey === 'string' ? rest.errorKey : 'err';
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
    onChild(child) {
      maskChildBindings(child, object);
      if (ownOnChild) ownOnChild(child);
    },
    hooks: {
      ...ownHooks,
      logMethod(args, method, level) {
        // The first object (pino's merging object) is masked by `formatters.log`.
        const masked = args.map((a, i) =>
          i === 0 && a !== null && typeof a === 'object' ? a : maskArg(policy, a, opts),
        );
        // Given an error and no message, pino writes the error's own message as `msg`, past
        // `formatters.log`: give it the masked message instead.
        const first = args[0];
        if (args.length === 1 && first !== null && typeof first === 'object') {
          const err = first instanceof Error ? first : first[errorKey];
          if (err instanceof Error && typeof err.message === 'string') {
            masked.push(policy.maskText(err.message, opts));
          }
        }
        if (ownHooks.logMethod) return ownHooks.logMethod.call(this, masked, method, level);
        return method.apply(this, masked);
      },
    },
  };
}

module.exports = { tamisPino };

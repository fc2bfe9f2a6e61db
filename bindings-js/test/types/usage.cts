// The same package through `require` (CommonJS types).
import tamis = require('tamis');
import tamisPino = require('tamis/pino');

const policy: tamis.Policy = tamis.Policy.fromObject({ version: 1, name: 't' });
const out: unknown = policy.apply({ a: 1 });
const options = tamisPino.tamisPino(policy);
console.log(out, options.formatters.log({ a: 1 }));

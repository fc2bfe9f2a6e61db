'use strict';
// `require("tamis")` in Node.
const fs = require('node:fs');
const { makeApi } = require('./lib/api.cjs');
const wasm = require('./wasm/node.cjs');

module.exports = makeApi(wasm, {
  env: () => process.env,
  readFile: (path) => fs.readFileSync(path, 'utf8'),
  appendFile: (path, text) => fs.appendFileSync(path, text),
});

// The bundler / browser entry: the wasm module is imported as an ES module (webpack 5, Vite
// with vite-plugin-wasm, Node with --experimental-wasm-modules). No environment, no files.
import * as wasm from './wasm/bundler/tamis_js.js';
import apiModule from './lib/api.cjs';

const api = apiModule.makeApi(wasm, {});
export const { Policy, TamisError, PolicyError } = api;
export default api;

// `import { init, Policy } from "tamis/web"`: browsers and workers without a bundler, the wasm
// loaded when you say. `await init()` fetches `wasm/tamis.wasm` beside this file (or give a URL,
// a Response, bytes or a WebAssembly.Module); `initSync(bytes)` takes bytes or a module.
// Policies compiled before either throw a TamisError (code `not-initialized`).
import loadWasm, * as wasm from './wasm/web.mjs';
import apiModule from './lib/api.mjs';

let loaded = false;

/** Loads the wasm module: fetched beside this file unless `source` says otherwise. */
export async function init(source) {
  await loadWasm(source === undefined ? undefined : { module_or_path: source });
  loaded = true;
}

/** Loads the wasm module from bytes (`BufferSource`) or a compiled `WebAssembly.Module`. */
export function initSync(source) {
  wasm.initSync({ module: source });
  loaded = true;
}

const api = apiModule.makeApi(wasm, { loaded: () => loaded });
export const { Policy, TextStream, Session, TamisError, PolicyError, RevealError, maskStream } = api;
export default { ...api, init, initSync };

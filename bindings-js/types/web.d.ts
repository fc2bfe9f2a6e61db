// Types of `tamis/web`: the API of `tamis`, with the wasm module loaded when you say.
export * from './index.js';
import type { Policy, PolicyError, RevealError, TamisError } from './index.js';

/** What `init` can load: a URL (fetched), a Response, bytes, or a compiled module. */
export type WasmSource = string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/** Loads the wasm module: `wasm/tamis.wasm` beside the package's files unless `source` is given. */
export declare function init(source?: WasmSource): Promise<void>;
/** Loads the wasm module from its bytes or a compiled module, synchronously. */
export declare function initSync(source: BufferSource | WebAssembly.Module): void;

declare const web: {
  Policy: typeof Policy;
  TamisError: typeof TamisError;
  PolicyError: typeof PolicyError;
  RevealError: typeof RevealError;
  init: typeof init;
  initSync: typeof initSync;
};
export default web;

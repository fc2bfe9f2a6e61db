// The page's one script: the wasm module (inlined by the build) loaded synchronously, then the
// playground started.
import wasm from 'tamis/wasm/tamis.wasm';
import { initSync } from 'tamis/web';
import { start } from './app.mjs';

initSync(wasm);
start(document);

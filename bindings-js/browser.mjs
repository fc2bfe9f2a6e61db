// The `browser` / `default` entry: `import { Policy } from "tamis"` in a browser, a worker or a
// bundler (webpack 5 and Vite ship `new URL("tamis.wasm", import.meta.url)` as an asset). The
// wasm is fetched when the module loads (top-level await); use "tamis/web" to load it yourself.
import { init } from './web.mjs';

await init();

export { Policy, TextStream, Session, TamisError, PolicyError, RevealError, maskStream, init, initSync } from './web.mjs';
export { default } from './web.mjs';

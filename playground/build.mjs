// Builds the playground into one self-contained file, `OUT/index.html`: the page, its style,
// and one inline module script holding the npm package's web build, the wasm (base64) and the
// examples. It opens from the file system or from `tamis playground`, with no request at all:
// the Content Security Policy allows only this style and this script, by their hashes.
//
//   node build.mjs OUT     (after `npm install` of esbuild and of the packed tamis package)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT_DIR');
  process.exit(2);
}

const bundle = await build({
  entryPoints: [join(here, 'main.mjs')],
  bundle: true,
  write: false,
  format: 'esm',
  target: 'es2022',
  charset: 'utf8',
  legalComments: 'none',
  loader: { '.wasm': 'binary', '.toml': 'text', '.jsonl': 'text', '.txt': 'text' },
  logLevel: 'warning',
});
const script = bundle.outputFiles[0].text;
// Inside a <script>, these would end it or change how HTML reads it.
for (const bad of ['</script', '<!--', '<script']) {
  if (script.toLowerCase().includes(bad)) {
    console.error(`error: the bundle contains \`${bad}\`; it cannot be inlined as it is`);
    process.exit(1);
  }
}
const style = readFileSync(join(here, 'style.css'), 'utf8');
const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const page = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%SCRIPT_HASH%', hash(script))
  .replace('%STYLE_HASH%', hash(style))
  .replace('<!--style-->', () => `<style>${style}</style>`)
  .replace('<!--script-->', () => `<script type="module">${script}</script>`);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'index.html'), page);
console.log(`${join(out, 'index.html')}: ${page.length} bytes`);

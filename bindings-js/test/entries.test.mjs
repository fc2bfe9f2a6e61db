// Each entry of the package in a fresh Node process: CommonJS `require`, ESM `import`,
// "tamis/web" (the ES module entry of browsers and workers, loaded with `initSync`), all under
// --disallow-code-generation-from-strings (no eval / Function: a strict CSP's rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const POLICY = 'version = 1\\nname = \\"e\\"\\n[[rule]]\\nid = \\"r\\"\\ndetect = [\\"email\\"]\\naction = \\"replace\\"\\n';

function run(args, code) {
  const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', ...args, '-e', code], {
    cwd: here,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('require("tamis") in CommonJS', () => {
  const out = run(
    ['--input-type=commonjs'],
    `const { Policy } = require('tamis'); console.log(require.resolve('tamis').endsWith('index.cjs'), Policy.fromToml("${POLICY}").maskText('to x@example.com'))`,
  );
  assert.equal(out, 'true to [REDACTED]');
});

test('import { Policy } from "tamis" in ESM', () => {
  const out = run(
    ['--input-type=module'],
    `import { Policy } from 'tamis'; console.log(import.meta.resolve('tamis').endsWith('index.mjs'), Policy.fromToml("${POLICY}").maskText('to x@example.com'))`,
  );
  assert.equal(out, 'true to [REDACTED]');
});

test('"tamis/web" in Node: not loaded until initSync, then the same engine; a trap resets it', () => {
  const out = run(
    ['--input-type=module'],
    `import web, { Policy, initSync } from 'tamis/web';
     import { readFileSync } from 'node:fs';
     let before;
     try { Policy.fromToml("${POLICY}"); } catch (e) { before = e.code; }
     initSync(readFileSync(new URL('wasm/tamis.wasm', import.meta.resolve('tamis/web'))));
     const p = Policy.fromToml("${POLICY}");
     let trap;
     try { web[Symbol.for('tamis.testPanic')]('x'); } catch (e) { trap = e.code; }
     console.log(before, trap, p.maskText('to x@example.com'), JSON.stringify(p.apply({ a: 'y@example.com' })))`,
  );
  assert.equal(out, 'not-initialized internal to [REDACTED] {"a":"[REDACTED]"}');
});

test('the browser condition resolves to the entry that fetches the wasm (run in Chromium by browser.test.mjs)', () => {
  const out = run(['--conditions=browser', '--input-type=module'], `console.log(import.meta.resolve('tamis'))`);
  assert.ok(out.endsWith('/browser.mjs'), out);
});

test('one wasm file in the package, named by both glues', () => {
  const root = join(here, 'node_modules', 'tamis');
  const wasms = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.wasm')) wasms.push(p.slice(root.length + 1));
    }
  };
  walk(root);
  assert.deepEqual(wasms, ['wasm/tamis.wasm']);
  assert.match(readFileSync(join(root, 'wasm/node.cjs'), 'utf8'), /\/tamis\.wasm`/);
  assert.match(readFileSync(join(root, 'wasm/web.mjs'), 'utf8'), /new URL\('tamis\.wasm', import\.meta\.url\)/);
});

test('no eval or Function constructor in the shipped JavaScript', () => {
  const root = join(here, 'node_modules', 'tamis');
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(c|m)?js$/.test(f)) files.push(p);
    }
  };
  walk(root);
  assert.ok(files.length >= 10);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!/\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(/.test(text), `${f} generates code`);
  }
});

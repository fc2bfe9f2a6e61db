// The packed package in headless Chromium without a bundler: `import { Policy } from "tamis"`
// (the browser entry, which fetches the wasm) in a page and in a module worker, and "tamis/web"
// with `initSync` in a worker,
// under a Content Security Policy that allows no eval (only 'wasm-unsafe-eval') and no other
// origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, serve } from './chromium.mjs';

const here = new URL('.', import.meta.url).pathname;
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'";

test('the browser entry, "tamis/web" and a module worker in Chromium, under a strict CSP', async () => {
  const server = await serve(
    { '/tamis/': join(here, 'node_modules', 'tamis'), '/': join(here, 'browser') },
    { 'content-security-policy': CSP },
  );
  const { browser, page, requests, errors } = await openBrowser();
  try {
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.title === 'done', null, { timeout: 30_000 });
    const results = await page.evaluate(() => window.results);
    assert.equal(results.error, undefined);
    assert.deepEqual(results.browser, ['to [REDACTED]', '{"a":"[REDACTED]","n":2}']);
    assert.equal(results.json, '{"a":"[REDACTED]","big":123456789012345678901234567890}\n');
    assert.deepEqual(results.workers, [
      ['browser', 'loaded', 'to [REDACTED]'],
      ['web', 'not-initialized', 'to [REDACTED]'],
    ]);
    assert.deepEqual(errors, []);
    assert.ok(requests.every((u) => u.startsWith(server.url)), requests.join('\n'));
    // One wasm file, fetched by the page's entry and by each worker's.
    assert.equal(requests.filter((u) => u.endsWith('.wasm')).length, 3);
    assert.ok(requests.every((u) => !u.endsWith('.wasm') || u.endsWith('/tamis/wasm/tamis.wasm')));
  } finally {
    await browser.close();
    await server.close();
  }
});

// The ```js browser snippets of the READMEs, each as a module of a page (`text`: a policy; the
// snippet's `policy` must mask an email).
test('the READMEs\' browser snippets run in Chromium', async () => {
  const root = join(here, '..', '..');
  const codes = ['README.md', 'bindings-js/README.md'].flatMap((f) =>
    [...readFileSync(join(root, f), 'utf8').matchAll(/```js browser\n([\s\S]*?)```/g)].map((m) => m[1]),
  );
  assert.ok(codes.length >= 1);
  const dir = mkdtempSync(join(here, '.browser-doc-'));
  const server = await serve({ '/tamis/': join(here, 'node_modules', 'tamis'), '/': dir }, { 'content-security-policy': CSP });
  const { browser, page, errors } = await openBrowser();
  try {
    for (const [i, code] of codes.entries()) {
      const module = [
        `const text = 'version = 1\\nname = "d"\\n[[rule]]\\nid = "r"\\ndetect = ["email"]\\naction = "replace"\\n';`,
        code.replaceAll("from 'tamis/web'", "from '/tamis/web.mjs'").replaceAll("from 'tamis'", "from '/tamis/browser.mjs'"),
        "window.snippet = policy.maskText('to x@example.com'); document.title = 'done';",
      ].join('\n');
      writeFileSync(join(dir, `s${i}.mjs`), module);
      writeFileSync(join(dir, `s${i}.html`), `<!doctype html><meta charset="utf-8"><script type="module" src="/s${i}.mjs"></script>`);
      await page.goto(`${server.url}/s${i}.html`);
      await page.waitForFunction(() => document.title === 'done', null, { timeout: 30_000 });
      assert.equal(await page.evaluate(() => window.snippet), 'to [REDACTED]', `snippet ${i}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The playground (target/playground/index.html, scripts/build-playground.sh) in headless
// Chromium: opened from the file system and served by `tamis playground`. Edits a policy and
// sees the diagnostic at its line, pastes records, and checks the raw output byte for byte
// against `tamis apply` on the same input, policy, context and time; runs the policy's tests as
// `tamis test` does; and asserts that the page made no request but for itself. Screenshots of
// the main states go to target/playground/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBrowser } from './chromium.mjs';

const root = join(new URL('.', import.meta.url).pathname, '..', '..');
const PAGE = join(root, 'target', 'playground', 'index.html');
const TAMIS = join(root, 'target', 'release', 'tamis');
const SHOTS = join(root, 'target', 'playground', 'screenshots');
const NOW = '2026-11-30T12:00:00Z';
const KEY = 'playground-demo-key';

function tamis(args, input, cwd = root) {
  const r = spawnSync(TAMIS, args, { cwd, input, encoding: 'utf8', env: { ...process.env, TAMIS_HASH_KEY: KEY } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

// Sets a field as a user would (an `input` event) and waits until the page has worked it out.
async function edit(page, selector, value, state = 'ready') {
  await page.evaluate(() => {
    document.body.dataset.state = 'pending';
  });
  await page.fill(selector, value);
  await page.waitForSelector(`body[data-state="${state}"]`, { timeout: 20_000 });
}

async function choose(page, selector, value) {
  await page.evaluate(() => {
    document.body.dataset.state = 'pending';
  });
  await page.selectOption(selector, value);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
}

const raw = (page) => page.$eval('#view-raw', (e) => e.textContent);

test('the playground from the file system: diagnostics, output identical to the CLI, tests, no requests', async () => {
  const { browser, page, requests, errors } = await openBrowser();
  const dir = mkdtempSync(join(tmpdir(), 'tamis-playground-'));
  try {
    await page.setViewportSize({ width: 1500, height: 900 });
    const url = pathToFileURL(PAGE).href;
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    await page.fill('#now', NOW);
    await shot(page, 'start');

    // Each example's records, as the CLI applies them (JSON Lines or text).
    const examples = await page.$$eval('#example option', (os) => os.map((o) => o.value));
    assert.ok(examples.length >= 4);
    for (const value of examples) {
      await choose(page, '#example', value);
      await edit(page, '#now', NOW);
      const policy = await page.$eval('#policy', (e) => e.value);
      const records = await page.$eval('#records', (e) => e.value);
      const mode = await page.$eval('#mode', (e) => e.value);
      writeFileSync(join(dir, 'policy.toml'), policy);
      const args = ['apply', '--policy', 'policy.toml', '--now', NOW];
      if (mode === 'text') args.push('--format', 'text');
      const cli = tamis(args, records, dir);
      assert.equal(cli.code, 0, cli.err);
      assert.equal(await raw(page), cli.out, `example ${value}: the page and tamis apply differ`);
    }

    // A policy with a mistake: the diagnostic `tamis check` prints, its line marked.
    await choose(page, '#example', examples.find((v) => v !== 'initial'));
    const good = await page.$eval('#policy', (e) => e.value);
    const bad = `${good}\n[[rule]]\nid = "typo"\ndetect = ["emial"]\naction = "replace"\n`;
    const badLine = bad.split('\n').indexOf('detect = ["emial"]') + 1;
    await edit(page, '#policy', bad, 'error');
    writeFileSync(join(dir, 'policy.toml'), bad);
    const check = tamis(['check', '--policy', 'policy.toml'], '', dir);
    assert.equal(check.code, 1);
    assert.equal(await page.$eval('#diagnostics', (e) => e.textContent), check.err.trimEnd());
    assert.equal(await page.$eval('#diagnostics', (e) => e.dataset.line), String(badLine));
    assert.equal(await page.$eval('#diagnostics', (e) => e.dataset.column), '11');
    assert.equal(await page.$eval('#gutter .error', (e) => e.textContent), String(badLine));
    assert.match(check.err, new RegExp(`^policy\\.toml:${badLine}:11: error\\[detector\\]`));
    // A click on it puts the caret there.
    await page.click('#diagnostics');
    const caret = await page.$eval('#policy', (e) => e.selectionStart);
    assert.equal(bad.slice(caret, caret + 7), '"emial"');
    await shot(page, 'diagnostic');

    // Records pasted in, with a context: a line that is not JSON, an integer beyond 2^53, a
    // record the policy's access rules decide on.
    await edit(page, '#policy', good);
    const pasted = [
      '{"type":"trace","user":{"email":"ana@example.org","id":12345678901234567890},"msg":"card 4111 1111 1111 1111"}',
      'not json {',
      '{"type":"span","attributes":{"password":"p4ss","note":"call +1 415 555 0100"}}',
      // An integer beyond 2^53 that is a card number, and a key that is not a prototype.
      '{"n":4111111111111111110,"__proto__":{"pii":"jane@example.com"}}',
      '',
    ].join('\n');
    await edit(page, '#records', pasted);
    await edit(page, '#roles', 'support, analyst');
    await edit(page, '#purpose', 'debugging');
    writeFileSync(join(dir, 'policy.toml'), good);
    const context = JSON.stringify({ roles: ['support', 'analyst'], purpose: 'debugging' });
    const cli = tamis(['apply', '--policy', 'policy.toml', '--now', NOW, '--context', context], pasted, dir);
    assert.equal(cli.code, 0, cli.err);
    assert.equal(await raw(page), cli.out);
    assert.ok((await raw(page)).includes('"tamis_quarantined"'));
    // Every changed value marked, with the rule (and detector) that changed it.
    const marks = await page.$$eval('#view-masked mark', (ms) => ms.map((m) => m.dataset.path));
    assert.ok(marks.includes('user.email') && marks.includes('msg'), marks.join());
    const changes = await page.$$eval('#view-masked .changes li', (ls) =>
      ls.map((l) => [l.dataset.path, l.dataset.rules, l.dataset.detectors]));
    assert.ok(changes.some(([p, r, d]) => p === 'msg' && r && d.includes('credit_card')), JSON.stringify(changes));
    // The view reads integers exactly (the number the CLI masked is the one marked), and keys
    // from records never reach Object.prototype.
    const line4 = await page.$$eval('#view-masked .record', (rs) => rs[3].textContent);
    assert.ok(line4.includes('4111111111111111110') && !line4.includes('4111111111111111000'), line4);
    assert.ok(changes.some(([p]) => p === 'n'), JSON.stringify(changes));
    assert.equal(await page.evaluate(() => Object.keys(Object.prototype).length + String(({}).pii)), '0undefined');
    await shot(page, 'masked');

    // The report: every rule, with what it did on these records.
    await page.click('#tabs button[data-view="report"]');
    const ruleRows = await page.$$eval('#report-rules tr td:first-child', (ts) => ts.map((t) => t.textContent));
    const ids = good.split('\n').filter((l) => /^id = "/.test(l)).map((l) => l.slice(6, -1));
    assert.deepEqual(ruleRows, ids);
    await shot(page, 'report');

    // The policy's tests, as `tamis test` counts them, and the rules no test exercised.
    await page.click('#tabs button[data-view="tests"]');
    const tested = tamis(['test', '--policy', 'policy.toml'], '', dir);
    const summary = tested.out.split('\n').find((l) => / passed, \d+ failed$/.test(l));
    assert.equal(await page.$eval('#tests-summary', (e) => e.textContent), summary);
    const idleCli = tested.out.split('\n').find((l) => l.startsWith('rules no test exercised: '));
    const idlePage = await page.$eval('#tests-idle', (e) => e.textContent);
    if (idleCli) assert.equal(idlePage, `Rules no test exercised: ${idleCli.slice(25).replaceAll('`', '')}`);
    else assert.equal(idlePage, 'Every rule is exercised by a test.');
    await shot(page, 'tests');

    assert.deepEqual(errors, []);
    assert.deepEqual([...new Set(requests)], [url], 'the page asked for something besides itself');
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tamis playground serves the page with the policy loaded, and the page asks for nothing else', async () => {
  const policyFile = join(root, 'policies', 'hamilton.toml');
  const server = spawn(TAMIS, ['playground', '--policy', policyFile, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { browser, page, requests, errors } = await openBrowser();
  try {
    const url = await new Promise((resolve, reject) => {
      server.stdout.once('data', (d) => resolve(String(d).split(' ')[2]));
      server.once('exit', (code) => reject(new Error(`tamis playground exited with ${code}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.setViewportSize({ width: 1500, height: 900 });
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    assert.equal(await page.$eval('#policy', (e) => e.value), readFileSync(policyFile, 'utf8'));
    assert.equal(await page.$eval('#example', (e) => e.selectedOptions[0].textContent), 'hamilton.toml');
    assert.match(await page.$eval('#policy-name', (e) => e.textContent), /^tamis-hamilton · \d+ rules$/);
    await shot(page, 'served');
    assert.deepEqual(errors, []);
    assert.deepEqual([...new Set(requests)], [url]);
  } finally {
    await browser.close();
    server.kill();
  }
});

// The ```js snippets of README.md and bindings-js/README.md, run as written: each as its own
// module in this directory (so `tamis`, pino and the OpenTelemetry and Langfuse SDKs resolve),
// from the repository root, after a prelude module that puts on `globalThis` what a snippet
// takes as given (`policy`, `record`, `exporter`, the SDK classes, ...). Exporters are
// in-memory. Nothing a snippet prints may hold the planted email.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const EMAIL = 'doc.canary@example.com';

const PRELUDE = `
import { Policy } from 'tamis';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, BatchLogRecordProcessor, InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { LangfuseSpanProcessor } from '@langfuse/otel';
process.env.TAMIS_HASH_KEY ??= 'doc-test-key';
Object.assign(globalThis, {
  policy: Policy.fromFile('policies/default.toml'),
  record: { user: { email: '${EMAIL}' } },
  records: [{ user: { email: '${EMAIL}' } }],
  latencies: [1, 2, 3],
  emails: ['${EMAIL}'],
  user: { email: '${EMAIL}' },
  email: '${EMAIL}',
  line: '{"email":"${EMAIL}"}',
  exporter: new InMemorySpanExporter(),
  BasicTracerProvider, BatchSpanProcessor, LoggerProvider, BatchLogRecordProcessor, LangfuseSpanProcessor,
});
globalThis.logExporter = new InMemoryLogRecordExporter();
`;

function snippets() {
  const out = [];
  for (const file of ['README.md', 'bindings-js/README.md']) {
    const text = readFileSync(join(root, file), 'utf8');
    let i = 0;
    for (const m of text.matchAll(/```js\n([\s\S]*?)```/g)) out.push({ file, index: i++, code: m[1] });
  }
  return out;
}

const all = snippets();

test('the READMEs have Node snippets', () => {
  assert.ok(all.length >= 4, `${all.length} snippets`);
});

for (const { file, index, code } of all) {
  test(`${file} snippet ${index} runs`, () => {
    const dir = mkdtempSync(join(here, '.doc-'));
    try {
      writeFileSync(join(dir, 'prelude.mjs'), PRELUDE);
      // An email written where the snippet logs, so the masking is seen working.
      const epilogue = /pino\(/.test(code) ? `\nlog.info({ note: '${EMAIL}' }, 'to %s', '${EMAIL}');\n` : '';
      writeFileSync(join(dir, 'snippet.mjs'), `import './prelude.mjs';\n${code}${epilogue}\nsetTimeout(() => process.exit(0), 50);\n`);
      const run = spawnSync(process.execPath, [join(dir, 'snippet.mjs')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 0, `${file} snippet ${index}:\n${code}\n${run.stderr.slice(-3000)}`);
      assert.ok(!(run.stdout + run.stderr).includes(EMAIL), `${file} snippet ${index}: the planted email came out`);
      if (epilogue) assert.match(run.stdout, /h:k1:/, 'the log line was written, masked');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// A typed usage example: `tsc -p test/types` must accept it against the packed package.
import { Policy, PolicyError, TamisError, TextStream, Session, maskStream, type Applied, type Report, type Summary } from 'tamis';
import { tamisPino } from 'tamis/pino';
import { MaskingSpanProcessor, langfuseMask } from 'tamis/otel';
import pino from 'pino';

const policy: Policy = Policy.fromToml('version = 1\nname = "t"\n', { keys: { default: new Uint8Array([1]) } });
const record = { user: { email: 'x@example.com' }, n: 1 };
const masked: typeof record | { tamis_quarantined: { reason: string } } | undefined = policy.apply(record, {
  context: { roles: ['viewer'], purpose: 'debugging' },
  now: new Date(),
});
const withReport: Applied<typeof record> = policy.applyWithReport(record, { now: '2024-01-01T00:00:00Z' });
const report: Report = withReport.report;
const dropped: number = report.records.dropped_access + report.records.dropped_retention;
const json: string | undefined = policy.applyJson('{"a":1}', { now: 0 });
const lines: string = policy.applyJsonLines('{"a":1}\n');
const text: string = policy.maskText('x@example.com', { context: { type: 'trace' } });
const one: Summary | null = policy.summarize(new Float64Array([1, 2]));
const table: Record<string, Summary> = policy.summarize({ a: [1, 2], b: new Int32Array(2) });
const ids: string[] = policy.ruleIds;
const log = pino(tamisPino(policy, { level: 'info' }));
const processor = new MaskingSpanProcessor(
  {
    onStart() {},
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
  },
  policy,
);
const mask = langfuseMask(policy);

try {
  Policy.fromJson('{}');
} catch (e) {
  if (e instanceof PolicyError) {
    const where: [number | null, number | null, string | null] = [e.line, e.column, e.ruleId];
    console.log(where, e.code);
  } else if (e instanceof TamisError) {
    console.log(e.code);
  }
}

// @ts-expect-error: options are checked
policy.apply(record, { contxt: {} });
// @ts-expect-error: maskText takes a string
policy.maskText(42);

console.log(masked, dropped, json, lines, text, one, table, ids, log, processor, mask);

// "tamis/web": the same API, the wasm loaded when the caller says.
import web, { init, initSync, Policy as WebPolicy } from 'tamis/web';
const loading: Promise<void> = init(new URL('https://example.invalid/tamis.wasm'));
initSync(new Uint8Array(0));
const webPolicy: WebPolicy = web.Policy.fromToml('version = 1\nname = "w"\n');
void loading;
void webPolicy;

// Streams.
{
  const s: TextStream = policy.stream({ context: { roles: ['support'] } });
  const out: string = s.push('a') + s.push(new Uint8Array([0x62])) + s.finish();
  const held: number = s.heldBytes;
  void out; void held; void s.report().detectors;
  async function* chunks() {
    yield { choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] };
  }
  (async () => {
    for await (const c of maskStream(policy, chunks())) void c.choices[0].delta;
    for await (const t of maskStream(policy, ['a', 'b'])) { const u: string = t; void u; }
  })();
}

// Sessions.
{
  const session: Session = policy.session();
  const r = session.apply({ a: 1 });
  const t: string = session.maskText('x') + session.restore('<EMAIL_1>');
  const n: number = session.size;
  const st: TextStream = session.stream();
  void r; void t; void n; void st;
}

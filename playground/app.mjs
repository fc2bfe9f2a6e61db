// The playground: a policy editor, records, and what the policy makes of them, all computed in
// this page by the npm package's web build. Nothing is sent anywhere (the page's Content
// Security Policy forbids every connection), and values are only ever put in the page as text.
import { Policy, PolicyError } from 'tamis/web';
import { EXAMPLES } from './examples.mjs';

const DEBOUNCE_MS = 120;
// Larger texts are shown masked without the word-by-word highlight (quadratic).
const MAX_DIFF_TOKENS = 4000;

/** Starts the playground in `doc` (the wasm module is already loaded). */
export function start(doc) {
  const $ = (id) => doc.getElementById(id);
  const ui = {
    example: $('example'),
    status: $('status'),
    policy: $('policy'),
    policyName: $('policy-name'),
    gutter: $('gutter'),
    diagnostics: $('diagnostics'),
    mode: $('mode'),
    records: $('records'),
    roles: $('roles'),
    purpose: $('purpose'),
    type: $('type'),
    now: $('now'),
    keys: $('keys'),
    tabs: $('tabs'),
    masked: $('view-masked'),
    raw: $('view-raw'),
    report: $('view-report'),
    tests: $('view-tests'),
  };
  const el = (tag, props = {}, ...children) => {
    const node = doc.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  };

  for (const [i, ex] of EXAMPLES.entries()) ui.example.append(el('option', { value: String(i), textContent: ex.title }));
  ui.now.value = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

  function loadExample(i) {
    const ex = EXAMPLES[i];
    ui.policy.value = ex.policy;
    ui.records.value = ex.records;
    ui.mode.value = ex.mode;
    ui.type.value = ex.type || '';
    ui.keys.value = ex.keys || '';
  }

  const initial = JSON.parse($('tamis-initial').textContent);
  loadExample(0);
  if (initial && typeof initial.policy === 'string') {
    ui.example.prepend(el('option', { value: 'initial', textContent: initial.file || 'your policy' }));
    ui.example.value = 'initial';
    ui.policy.value = initial.policy;
    ui.keys.value = '';
  }

  // --- the editor's gutter: line numbers, the line of a diagnostic marked
  function drawGutter(errorLine) {
    const lines = ui.policy.value.split('\n').length;
    ui.gutter.replaceChildren();
    for (let n = 1; n <= lines; n++) {
      const num = el('span', { textContent: String(n) });
      if (n === errorLine) num.className = 'error';
      ui.gutter.append(num, '\n');
    }
    ui.gutter.scrollTop = ui.policy.scrollTop;
  }
  ui.policy.addEventListener('scroll', () => {
    ui.gutter.scrollTop = ui.policy.scrollTop;
  });

  // --- what the page reads from its fields
  function keyMaterial() {
    const keys = Object.create(null);
    for (const line of ui.keys.value.split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) define(keys, line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
    return keys;
  }
  function options() {
    const context = {};
    const roles = ui.roles.value.split(',').map((r) => r.trim()).filter(Boolean);
    if (roles.length) context.roles = roles;
    if (ui.purpose.value.trim()) context.purpose = ui.purpose.value.trim();
    if (ui.type.value.trim()) context.type = ui.type.value.trim();
    const opts = { context };
    if (ui.now.value.trim()) opts.now = ui.now.value.trim();
    return opts;
  }

  // --- compile and apply
  let timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  }

  function update() {
    const started = performance.now();
    let policy;
    try {
      policy = Policy.fromToml(ui.policy.value, { keys: keyMaterial(), file: 'policy.toml' });
    } catch (e) {
      showDiagnostic(e);
      return;
    }
    ui.diagnostics.textContent = '';
    ui.diagnostics.dataset.line = '';
    ui.policyName.textContent = `${policy.name} · ${policy.ruleIds.length} rules`;
    drawGutter(null);
    let result;
    try {
      result = ui.mode.value === 'text' ? applyText(policy) : applyLines(policy);
    } catch (e) {
      // An option the engine refuses (a `now` that is not RFC 3339, say): said, nothing shown.
      ui.diagnostics.textContent = String(e.message || e);
      clearOutput();
      return;
    }
    ui.raw.textContent = result.raw;
    ui.masked.replaceChildren(...result.views);
    showReport(policy, result.report);
    showTests(policy);
    const ms = (performance.now() - started).toFixed(1);
    ui.status.textContent = `${result.count} ${ui.mode.value === 'text' ? 'lines' : 'records'} in ${ms} ms`;
    doc.body.dataset.state = 'ready';
  }

  function clearOutput() {
    for (const v of [ui.masked, ui.raw, ui.report, ui.tests]) v.replaceChildren();
    ui.status.textContent = '';
    doc.body.dataset.state = 'error';
  }

  // A policy that does not compile: its diagnostic as `tamis check` prints it (file:line:column,
  // code, rule, help), its line marked; the last output stays, greyed.
  function showDiagnostic(e) {
    ui.diagnostics.textContent = String(e.message || e);
    ui.diagnostics.dataset.line = e instanceof PolicyError && e.line ? String(e.line) : '';
    ui.diagnostics.dataset.column = e instanceof PolicyError && e.column ? String(e.column) : '';
    drawGutter(e instanceof PolicyError ? e.line : null);
    ui.status.textContent = 'the policy does not compile';
    doc.body.dataset.state = 'error';
  }

  // A click on the diagnostic puts the caret at its line and column, scrolled into view.
  ui.diagnostics.addEventListener('click', () => {
    const line = Number(ui.diagnostics.dataset.line);
    if (!line) return;
    const column = Number(ui.diagnostics.dataset.column) || 1;
    const lines = ui.policy.value.split('\n');
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    at += Math.min(column - 1, (lines[line - 1] || '').length);
    ui.policy.focus();
    ui.policy.setSelectionRange(at, at);
    const height = parseFloat(getComputedStyle(ui.policy).lineHeight) || 18;
    ui.policy.scrollTop = Math.max(0, (line - 4) * height);
    ui.gutter.scrollTop = ui.policy.scrollTop;
  });

  // JSON Lines: the raw output is `applyJsonLines` of the whole input (what `tamis apply`
  // writes, byte for byte); each record is also applied alone, for its report, to show which
  // rule and detector changed which value.
  function applyLines(policy) {
    const opts = options();
    const raw = policy.applyJsonLines(ui.records.value, opts);
    const views = [];
    const reports = [];
    let n = 0;
    for (const [i, line] of ui.records.value.split('\n').entries()) {
      if (!line.trim()) continue;
      n += 1;
      let input;
      try {
        input = parseExact(line);
      } catch {
        views.push(el('div', { className: 'record' }, el('h3', { textContent: `line ${i + 1}` }),
          el('p', { className: 'dropped', textContent: 'not JSON: quarantined (invalid_json)' })));
        continue;
      }
      const { value, report } = policy.applyWithReport(input, opts);
      reports.push(report);
      views.push(recordView(i + 1, input, value, report));
    }
    return { raw, views, report: sumReports(reports), count: n };
  }

  // JSON text with integers beyond 2^53 as BigInt (the engine reads them exactly, as the CLI
  // does; `JSON.parse` alone would round them and mask another number than the one written).
  function parseExact(line) {
    return JSON.parse(line, (_key, value, context) => {
      if (typeof value === 'number' && !Number.isSafeInteger(value) && context && /^-?\d+$/.test(context.source)) {
        return BigInt(context.source);
      }
      return value;
    });
  }

  // Free text: `maskText` (what `tamis apply --format text` writes); the changed words
  // highlighted; the text as one value for the report.
  function applyText(policy) {
    const opts = options();
    const text = ui.records.value;
    const raw = policy.maskText(text, { context: opts.context });
    const { report } = policy.applyWithReport(text, opts);
    const [before, after] = highlightText(text, raw);
    const view = el('div', { className: 'record' },
      el('div', { className: 'pair' }, el('pre', {}, ...before), el('pre', {}, ...after)),
      changesList(Object.entries(report.rules).filter(([, c]) => c > 0).map(([r]) => r),
        Object.entries(report.detectors).filter(([, c]) => c > 0).map(([d]) => d), null));
    return { raw, views: [view], report, count: text.split('\n').length };
  }

  // --- one record: input and output side by side, changed values marked
  function recordView(lineNo, input, output, report) {
    const head = el('h3', { textContent: `line ${lineNo}` });
    if (output === undefined) {
      const why = report.records.dropped_retention ? 'retention' : report.records.dropped_access ? 'access' : 'a plugin';
      return el('div', { className: 'record' }, head,
        el('p', { className: 'dropped', textContent: `dropped by ${why}: nothing written` }));
    }
    const changed = new Map(); // path of the output -> report path
    collectChanges(input, output, '', '', changed);
    const byDetector = invertDetectorPaths(report.detector_paths || {});
    const items = [];
    for (const reportPath of new Set(changed.values())) {
      const paths = report.paths || {};
      const rules = own(paths, reportPath) ? Object.keys(paths[reportPath]) : [];
      items.push(changeItem(reportPath || '$', rules, byDetector.get(reportPath) || []));
    }
    const left = el('pre', {}, ...renderJson(input, '', new Map(), 0));
    const right = el('pre', {}, ...renderJson(output, '', changed, 0));
    return el('div', { className: 'record' }, head, el('div', { className: 'pair' }, left, right),
      el('ul', { className: 'changes' }, ...items));
  }

  function changeItem(path, rules, detectors) {
    const li = el('li', {}, el('code', { textContent: path }), ' ');
    li.append(rules.length ? `rule ${rules.join(', ')}` : 'changed');
    if (detectors.length) li.append(` · detector ${detectors.join(', ')}`);
    li.dataset.path = path;
    li.dataset.rules = rules.join(',');
    li.dataset.detectors = detectors.join(',');
    return li;
  }

  function changesList(rules, detectors) {
    return el('ul', { className: 'changes' }, changeItem('$', rules, detectors));
  }

  function invertDetectorPaths(dp) {
    const out = new Map();
    for (const [det, paths] of Object.entries(dp)) {
      for (const p of Object.keys(paths)) out.set(p, [...(out.get(p) || []), det]);
    }
    return out;
  }

  const join = (base, key) => (base ? `${base}.${key}` : key);

  // Marks every output leaf that differs from the input leaf it came from. Keys are paired by
  // position where both objects have as many (a renamed key keeps its place), else by name.
  // `path` addresses the output value; `reportPath` is the report's form (`items[].card`).
  function collectChanges(input, output, path, reportPath, out) {
    if (Array.isArray(output)) {
      output.forEach((v, i) => {
        const from = Array.isArray(input) ? input[i] : undefined;
        collectChanges(from, v, `${path}[${i}]`, `${reportPath}[]`, out);
      });
      return;
    }
    if (output !== null && typeof output === 'object') {
      const inObj = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
      const inKeys = Object.keys(inObj);
      const outKeys = Object.keys(output);
      const byPosition = inKeys.length === outKeys.length;
      outKeys.forEach((k, i) => {
        const inKey = byPosition ? inKeys[i] : k;
        if (inKey !== k) out.set(`${path}.${k}#key`, join(reportPath, inKey));
        collectChanges(inObj[inKey], output[k], `${path}.${k}`, join(reportPath, inKey), out);
      });
      return;
    }
    if (!Object.is(input, output)) out.set(path, reportPath);
  }

  // Pretty JSON as DOM nodes (text only), changed leaves and renamed keys in <mark>.
  function renderJson(v, path, changed, depth) {
    const pad = '  '.repeat(depth);
    if (Array.isArray(v)) {
      if (!v.length) return ['[]'];
      const parts = ['[\n'];
      v.forEach((item, i) => {
        parts.push(pad, '  ', ...renderJson(item, `${path}[${i}]`, changed, depth + 1), i + 1 < v.length ? ',\n' : '\n');
      });
      parts.push(pad, ']');
      return parts;
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) return ['{}'];
      const parts = ['{\n'];
      keys.forEach((k, i) => {
        const p = `${path}.${k}`;
        const key = JSON.stringify(k);
        parts.push(pad, '  ', changed.has(`${p}#key`) ? mark(key, changed.get(`${p}#key`)) : key, ': ');
        parts.push(...renderJson(v[k], p, changed, depth + 1), i + 1 < keys.length ? ',\n' : '\n');
      });
      parts.push(pad, '}');
      return parts;
    }
    const text = v === undefined ? 'undefined' : typeof v === 'bigint' ? String(v) : JSON.stringify(v);
    return [changed.has(path) ? mark(text, changed.get(path)) : text];
  }

  function mark(text, reportPath) {
    const m = el('mark', { textContent: text });
    m.dataset.path = reportPath || '$';
    return m;
  }

  // Word-level difference of a text and its masked form: [nodes of the input, of the output].
  function highlightText(a, b) {
    const ta = a.split(/(\s+)/);
    const tb = b.split(/(\s+)/);
    if (ta.length * tb.length > MAX_DIFF_TOKENS * MAX_DIFF_TOKENS || ta.length > MAX_DIFF_TOKENS) return [[a], [b]];
    // Longest common subsequence of tokens, from the end.
    const w = tb.length + 1;
    const lcs = new Uint32Array((ta.length + 1) * w);
    for (let i = ta.length - 1; i >= 0; i--) {
      for (let j = tb.length - 1; j >= 0; j--) {
        lcs[i * w + j] = ta[i] === tb[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    const left = [];
    const right = [];
    let i = 0;
    let j = 0;
    while (i < ta.length || j < tb.length) {
      if (i < ta.length && j < tb.length && ta[i] === tb[j]) {
        left.push(ta[i++]);
        right.push(tb[j++]);
      } else if (j < tb.length && (i >= ta.length || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) {
        right.push(/^\s+$/.test(tb[j]) ? tb[j] : el('mark', { textContent: tb[j] }));
        j++;
      } else {
        left.push(/^\s+$/.test(ta[i]) ? ta[i] : el('span', { className: 'gone', textContent: ta[i] }));
        i++;
      }
    }
    return [left, right];
  }

  // --- the report: the sum of the records' reports (counts only, never values)
  // Keys come from the records (paths) and the policy (rule ids): defined as own properties of
  // objects without a prototype, so a key such as `__proto__` is only a key.
  const define = (o, k, v) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  function sumReports(reports) {
    const add = (into, from) => {
      for (const [k, v] of Object.entries(from)) {
        if (typeof v === 'number') define(into, k, (own(into, k) ? into[k] : 0) + v);
        else if (v && typeof v === 'object') {
          if (!own(into, k)) define(into, k, Object.create(null));
          add(into[k], v);
        } else define(into, k, v);
      }
      return into;
    };
    return reports.reduce((acc, r) => add(acc, r), Object.create(null));
  }

  function showReport(policy, report) {
    const rows = (obj) => Object.entries(obj || {}).map(([k, n]) =>
      el('tr', { className: n ? '' : 'idle' }, el('td', { textContent: k }), el('td', { className: 'n', textContent: String(n) }),
        el('td', { textContent: n ? '' : 'did nothing on these records' })));
    const records = report.records || {};
    const rules = Object.create(null);
    for (const id of policy.ruleIds) define(rules, id, (report.rules && own(report.rules, id) && report.rules[id]) || 0);
    const detectors = Object.create(null);
    for (const [d, n] of Object.entries(report.detectors || {})) if (n > 0) define(detectors, d, n);
    ui.report.replaceChildren(
      el('h3', { textContent: 'Records' }),
      el('table', {}, ...Object.entries(records).map(([k, n]) =>
        el('tr', {}, el('td', { textContent: k }), el('td', { className: 'n', textContent: String(n) })))),
      el('h3', { textContent: 'Rules' }),
      el('table', { id: 'report-rules' }, ...rows(rules)),
      el('h3', { textContent: 'Detectors that found something' }),
      el('table', {}, ...rows(detectors)),
      el('details', {}, el('summary', { textContent: 'The report as JSON' }),
        el('pre', { textContent: JSON.stringify(report, null, 2) })),
    );
  }

  // --- the policy's [[test]] cases
  function showTests(policy) {
    const { cases, idle_rules: idle } = policy.runTests();
    const passed = cases.filter((c) => c.passed).length;
    const list = cases.map((c) => el('div', { className: 'case' },
      el('div', { className: c.passed ? 'pass' : 'fail', textContent: `${c.passed ? '✓ ok' : '✗ FAIL'}  ${c.name}` }),
      el('ul', {}, ...c.differences.slice(0, 8).map((d) => el('li', { textContent: d })))));
    ui.tests.replaceChildren(
      el('p', { id: 'tests-summary', textContent: `${passed} passed, ${cases.length - passed} failed` }),
      ...list,
      el('p', { id: 'tests-idle', className: 'idle',
        textContent: idle.length ? `Rules no test exercised: ${idle.join(', ')}` : 'Every rule is exercised by a test.' }),
    );
  }

  // --- tabs
  ui.tabs.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-view]');
    if (!button) return;
    for (const b of ui.tabs.querySelectorAll('button')) b.setAttribute('aria-selected', String(b === button));
    for (const name of ['masked', 'raw', 'report', 'tests']) ui[name].hidden = name !== button.dataset.view;
  });

  ui.example.addEventListener('change', () => {
    if (ui.example.value === 'initial') {
      ui.policy.value = initial.policy;
      ui.keys.value = '';
    } else loadExample(Number(ui.example.value));
    update();
  });
  for (const input of [ui.policy, ui.records, ui.roles, ui.purpose, ui.type, ui.now, ui.keys]) {
    input.addEventListener('input', schedule);
  }
  ui.mode.addEventListener('change', update);
  update();
}

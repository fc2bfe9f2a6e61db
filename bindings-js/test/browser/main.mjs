// The package's entries as a page loads them, with no bundler: the browser entry (which
// fetches the wasm) in the page, and in module workers both that entry and "tamis/web" loaded
// with `initSync` from bytes.
const POLICY = 'version = 1\nname = "b"\n[[rule]]\nid = "r"\ndetect = ["email"]\naction = "replace"\n';

function inWorker(entry, text) {
  const worker = new Worker(`/worker.mjs?entry=${entry}`, { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = (e) => {
      // The worker says when its module has loaded (a message sent earlier would be lost).
      if (e.data === 'ready') worker.postMessage({ policy: POLICY, text });
      else resolve(e.data);
    };
  });
}

const results = {};
try {
  const { Policy } = await import('/tamis/browser.mjs');
  const p = Policy.fromToml(POLICY);
  results.browser = [p.maskText('to x@example.com'), JSON.stringify(p.apply({ a: 'y@example.com', n: 2 }))];
  results.json = p.applyJsonLines('{"a":"z@example.com","big":123456789012345678901234567890}\n');
  results.workers = await Promise.all([inWorker('browser', 'to v@example.com'), inWorker('web', 'to w@example.com')]);
} catch (e) {
  results.error = `${e.name}: ${e.message}`;
}
window.results = results;
document.title = 'done';

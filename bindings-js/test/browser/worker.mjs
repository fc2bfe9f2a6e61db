// A module worker that loads tamis through the entry its URL names: `browser` (fetches the
// wasm itself) or `web` (checks that nothing runs before `initSync`, then loads the bytes).
const entry = new URL(self.location.href).searchParams.get('entry');
const tamis = await import(`/tamis/${entry}.mjs`);
let before = 'loaded';
if (entry === 'web') {
  try {
    tamis.Policy.fromToml('version = 1\nname = "w"\n');
  } catch (e) {
    before = e.code;
  }
  tamis.initSync(await (await fetch('/tamis/wasm/tamis.wasm')).arrayBuffer());
}
self.onmessage = (e) => {
  self.postMessage([entry, before, tamis.Policy.fromToml(e.data.policy).maskText(e.data.text)]);
};
self.postMessage('ready');

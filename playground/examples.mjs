// The examples offered by the page: a shipped policy and records shaped as each tool writes
// them (the esbuild text loader inlines the files).
import defaultPolicy from '../policies/default.toml';
import langfusePolicy from '../policies/langfuse.toml';
import hamiltonPolicy from '../policies/hamilton.toml';
import traces from '../examples/traces.jsonl';
import langfuse from './examples/langfuse.jsonl';
import hamilton from './examples/hamilton.jsonl';
import chat from './examples/chat.txt';

// default.toml hashes with the key `default`: a key for trying it, kept in the page.
const DEMO_KEY = 'default = playground-demo-key';

export const EXAMPLES = [
  { title: 'Langfuse trace · langfuse.toml', policy: langfusePolicy, records: langfuse, mode: 'jsonl' },
  { title: 'Hamilton run · hamilton.toml', policy: hamiltonPolicy, records: hamilton, mode: 'jsonl' },
  { title: 'Service logs and traces · default.toml', policy: defaultPolicy, records: traces, mode: 'jsonl', keys: DEMO_KEY },
  { title: 'LLM chat, free text · default.toml', policy: defaultPolicy, records: chat, mode: 'text', keys: DEMO_KEY },
];

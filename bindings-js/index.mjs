// `import { Policy } from "tamis"` in Node: the same module instance as `require("tamis")`.
import api from './index.cjs';

export const { Policy, TextStream, Session, TamisError, PolicyError, RevealError, maskStream } = api;
export default api;

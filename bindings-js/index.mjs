// `import { Policy } from "tamis"` in Node: the same module instance as `require("tamis")`.
import api from './index.cjs';

export const { Policy, TamisError, PolicyError, RevealError } = api;
export default api;

"""No import circle in tamis-core: the modules of `core/src` (one per file) import each other
only one way, directly or through others. Reads `use crate::...` and `use super::...` lines
(grouped imports included), resolves each to the deepest module file it names, and fails
naming the modules of every circle.

    python3 scripts/check-imports.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "core" / "src"


def module_of(path: Path) -> tuple[str, ...]:
    rel = path.relative_to(SRC).with_suffix("")
    parts = rel.parts
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


MODULES = {module_of(p): p for p in SRC.rglob("*.rs")}


def resolve(parts: tuple[str, ...]) -> tuple[str, ...] | None:
    """The deepest module that `parts` (a path from the crate root) lies in."""
    for n in range(len(parts), 0, -1):
        if parts[:n] in MODULES:
            return parts[:n]
    return None


def imports(path: Path) -> set[tuple[str, ...]]:
    me = module_of(path)
    text = path.read_text()
    # Test modules may import anything of their parent.
    text = text.split("#[cfg(test)]\nmod tests")[0]
    out = set()
    for m in re.finditer(r"^\s*(?:pub(?:\([a-z ]+\))? )?use ((?:crate|super)(?:::[A-Za-z0-9_]+)*)(::\{[^;]*\})?;", text, re.M):
        head = m.group(1).split("::")
        if head[0] == "crate":
            base = tuple(head[1:])
        else:
            base = me
            if path.name != "mod.rs" and path.name != "lib.rs":
                base = me[:-1]
            while head and head[0] == "super":
                head = head[1:]
                base = base[:-1] if head and head[0] == "super" else base
            base = base + tuple(head)
        names = []
        if m.group(2):
            inner = m.group(2)[3:-1]
            names = [n.strip().split(" as ")[0].split("::")[0] for n in inner.split(",") if n.strip()]
        targets = [base + (n,) for n in names if n not in ("self",)] or [base]
        if m.group(2) and "self" in [n.strip() for n in m.group(2)[3:-1].split(",")]:
            targets.append(base)
        for t in targets:
            r = resolve(t)
            if r is not None and r != me and r != ():
                out.add(r)
    return out


def main() -> int:
    graph = {m: imports(p) for m, p in MODULES.items()}
    # Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    edges = sum(len(v) for v in graph.values())
    print(f"core modules: {len(graph)}, imports between them: {edges}, circles: {len(sccs)}")
    for comp in sccs:
        print("circle:", ", ".join("::".join(c) for c in sorted(comp)))
    return 1 if sccs else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the catalog types that are on for everyone (`default = true` in core/catalog/*.toml)
into policies/default.toml and policies/llm.toml, between their `# BEGIN catalog` and
`# END catalog` lines (llm.toml numbers identifiers as placeholders), and policies/strict.toml's
list of groups stays as written. `--check` fails when either is not up to date (the test
command runs it).

    python3 scripts/catalog-default.py [--check]
"""

import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Each policy, and the action of its identifiers rule.
POLICIES = {
    ROOT / "policies/default.toml": 'action = "replace"\nreplacement = "[{type}]"',
    ROOT / "policies/llm.toml": 'action = "placeholder"',
}
BEGIN = "# BEGIN catalog: written by scripts/catalog-default.py from core/catalog (default = true)"
END = "# END catalog"


def entries():
    out = []
    for path in sorted((ROOT / "core/catalog").glob("*.toml")):
        out += tomllib.loads(path.read_text())["detector"]
    return out


def wrap(names, indent):
    lines, line = [], ""
    for n in names:
        item = f'"{n}", '
        if len(indent) + len(line) + len(item) > 98:
            lines.append(line.rstrip())
            line = ""
        line += item
    lines.append(line.rstrip().rstrip(","))
    return ("\n" + indent).join(lines)


def block(ids_action):
    on = [e for e in entries() if e.get("default")]
    secrets = [e["name"] for e in on if e["group"] == "secrets"]
    ids = [e["name"] for e in on if e["group"] != "secrets"]
    return f"""{BEGIN}
[[rule]]
id = "catalog-secrets-in-text"
description = "Vendor tokens and key=value credentials in free text ({len(secrets)} catalog types with a distinctive prefix or a key name; `tamis detectors --group secrets`)"
detect = [{wrap(secrets, "          ")}]
action = "replace"
replacement = "[{{type}}]"

[[rule]]
id = "identifiers-in-text"
description = "National identifiers, tax, bank and crypto-currency numbers whose check digits or prefixes make them precise ({len(ids)} catalog types)"
detect = [{wrap(ids, "          ")}]
{ids_action}
{END}"""


def main():
    for policy, ids_action in POLICIES.items():
        text = policy.read_text()
        start, end = text.index(BEGIN), text.index(END) + len(END)
        new = text[:start] + block(ids_action) + text[end:]
        name = policy.relative_to(ROOT)
        if "--check" in sys.argv:
            if new != text:
                sys.exit(f"{name} does not list the catalog's default types: run python3 scripts/catalog-default.py")
            continue
        policy.write_text(new)
        print(f"{name}: {sum(1 for e in entries() if e.get('default'))} catalog types on")


if __name__ == "__main__":
    main()

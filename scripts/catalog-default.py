#!/usr/bin/env python3
"""Writes the catalog types that are on for everyone (`default = true` in core/catalog/*.toml)
into policies/default.toml, between its `# BEGIN catalog` and `# END catalog` lines, and
policies/strict.toml's list of groups stays as written. `--check` fails when default.toml is not
up to date (the test command runs it).

    python3 scripts/catalog-default.py [--check]
"""

import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies/default.toml"
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


def block():
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
action = "replace"
replacement = "[{{type}}]"
{END}"""


def main():
    text = POLICY.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + block() + text[end:]
    if "--check" in sys.argv:
        if new != text:
            sys.exit("policies/default.toml does not list the catalog's default types: run python3 scripts/catalog-default.py")
        return
    POLICY.write_text(new)
    print(f"{POLICY.relative_to(ROOT)}: {sum(1 for e in entries() if e.get('default'))} catalog types on")


if __name__ == "__main__":
    main()

"""Differential test across the front ends: random policies (small limits among them) and random
records through the CLI, the Python wheel and the npm package, on the JSON path (exact bytes) and
the object path (the value). Every front end must give the same output for every record.

    target/venv/bin/python tests/differential/run.py [CASES] [SEED]   # after scripts/test.sh built them

A failure prints the policy, the front end and the record's line number, never the values (the
records are random, but the search for differences should not be the thing that prints data).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import tamis

ROOT = Path(__file__).resolve().parents[2]
TAMIS = ROOT / "target" / "release" / "tamis"
NODE_DIR = ROOT / "bindings-js" / "test"
KEY = "differential-key-0123456789abcdef"  # 32 bytes or more: encrypt, fpe, shift_date
NOW = "2024-03-05T10:00:00Z"

KEYS = ["user", "email", "password", "note", "id", "n", "items", "meta", "accessToken", "Pass-Word",
        "x", "msg", "jane@example.com", "ts", "type", "tags", "card", "ip"]
STRINGS = ["", "ok", "jane@example.com", "call 415-555-0100 now", "card 4111 1111 1111 1111",
           "ssn 123-45-6789", "DE89 3704 0044 0532 0130 00", "10.0.0.1", "fe80::1", "h:k1:abcdefghijklmnopqrstuvwxyz",
           "[REDACTED]", "[tamis:too_large]", "Bearer abcdef1234567890", "postgres://app:s3cret@db/x",
           "AKIAIOSFODNN7EXAMPLE", "j\u00e4ne@b\u00fccher.de", "\u30c6\u30b9\u30c8", "a" * 40, "x\ny", "-",
           "4111.1111.1111.1111", "2024-03-01T10:00:00Z", "agent_decision", "\u200bjane@example.com",
           "2024-02-29", "2024-03-01 10:00:00.5", "e:k1:AAAAAAAAAAAAAAAAAAAAAAAA", "GB82 WEST 1234 5698 7654 32",
           "AB-12cd-EF", "1234"]
# Numbers every front end holds with the same spelling (`1e20` and `4.0` are `100000000000000000000`
# and `4` to JavaScript: spellings are the conformance vectors' own cases, on the JSON path).
NUMBERS = [0, 1, -7, 42, 2**40, 4111111111111111, 1.5, -0.25, 3.75]
DETECTORS = ["email", "phone", "credit_card", "us_ssn", "iban", "ip", "aws_key", "bearer_token",
             "url_credentials", "private_key"]
ACTIONS = ["replace", "redact", "nullify", "placeholder", "hash", "partial", "encrypt", "fpe", "shift_date"]


def value(r: random.Random, depth: int) -> Any:
    roll = r.random()
    if depth < 5 and roll < 0.18:
        return {r.choice(KEYS): value(r, depth + 1) for _ in range(r.randint(0, 4))}
    if depth < 5 and roll < 0.28:
        return [value(r, depth + 1) for _ in range(r.randint(0, 6))]
    if roll < 0.65:
        return r.choice(STRINGS)
    if roll < 0.85:
        return r.choice(NUMBERS)
    return r.choice([None, True, False])


def record(r: random.Random, max_text: int) -> str:
    """A random record whose text is within `max_text` bytes: the text paths quarantine a longer
    text unread (8 times `max_record_bytes`), where an object, which has no text, is measured by
    what is walked; that documented difference is not what this test looks for. Records over
    `max_record_bytes` as walked are quarantined on every path, and are among these."""
    while True:
        rec = {r.choice(KEYS): value(r, 1) for _ in range(r.randint(1, 6))}
        if r.random() < 0.3:
            rec["ts"] = r.choice(["2024-03-01T10:00:00Z", "2020-01-01T00:00:00Z", 1709287200000, "x"])
        text = json.dumps(rec, ensure_ascii=r.random() < 0.5)
        if len(text.encode()) <= max_text:
            break
    # Now and then a line that is not one JSON value.
    if r.random() < 0.02:
        text = text[: r.randint(0, len(text))]
    return text


def policy(r: random.Random, i: int) -> tuple[str, int]:
    """A random policy and its `max_record_bytes`."""
    out = [f'version = 1\nname = "diff-{i}"']
    max_record = 16 << 20
    if r.random() < 0.6:
        max_record = r.choice([64, 256, 1024, 65536])
        out.append(f"[limits]\nmax_depth = {r.randint(2, 6)}\nmax_string_bytes = {r.choice([8, 16, 40, 64, 4096])}\n"
                   f"max_record_bytes = {max_record}")
    out.append('[key.default]\nenv = "TAMIS_HASH_KEY"\nid = "k1"')
    for j in range(r.randint(1, 5)):
        action = r.choice(ACTIONS)
        kind = r.random()
        if kind < 0.35:
            sel = f'paths = ["{r.choice(["user.email", "**.note", "items", "meta.*", "**.id", "x", "msg"])}"]'
        elif kind < 0.6:
            sel = f'keys = ["{r.choice(["*password*", "*_token", "email", "note", "*card*"])}"]'
        else:
            dets = r.sample(DETECTORS, r.randint(1, 4))
            sel = "detect = [" + ", ".join(f'"{d}"' for d in dets) + "]"
            if action in ("redact", "nullify") and r.random() < 0.5:
                action = "replace"
            if action in ("fpe", "shift_date"):  # whole values only
                action = "encrypt"
        extra = 'key = "default"\n' if action in ("hash", "encrypt", "fpe", "shift_date") else ""
        if action == "fpe" and r.random() < 0.5:
            extra += f"keep_first = {r.randint(0, 4)}\nkeep_last = {r.randint(0, 4)}\n"
        if action == "shift_date":
            extra += f'entity = "{r.choice(["id", "user.id", "email"])}"\nmax_days = {r.randint(1, 400)}\n'
        if action == "placeholder" and r.random() < 0.3:
            extra += 'template = "[{type}#{n}]"\n'
        if action == "replace" and r.random() < 0.5:
            extra += f'replacement = "{r.choice(["-", "0", "x", "[{type}]", "***"])}"\n'
        out.append(f'[[rule]]\nid = "r{j}"\n{sel}\naction = "{action}"\n{extra}')
    if r.random() < 0.3:
        out.append('[[summarize]]\nid = "s"\npaths = ["**.items", "**.tags"]\nmin_items = 3\nsample = 2\nk_anonymity = 2')
    if r.random() < 0.2:
        out.append('[[retention]]\nid = "old"\npaths = ["$"]\nmax_age = "30d"\ntimestamp = "ts"\non_missing_timestamp = "keep"')
    if r.random() < 0.15:
        out.append('[access]\ntype_path = "type"\ndefault = "allow"\n[[access.grant]]\ntypes = ["agent_decision"]\nroles_any = ["admin"]')
    if r.random() < 0.2:
        out.append('[[allow]]\nvalues = ["jane@example.com"]')
    return "\n".join(out) + "\n", max_record


NODE_SCRIPT = r"""
const { Policy } = require('tamis');
const { readFileSync } = require('node:fs');
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const c of cases) {
  const p = Policy.fromToml(c.policy, { keys: { default: c.key } });
  const opts = { now: new Date(c.now) };
  const json = [];
  const object = [];
  // The JSON path's line as a value, written as the object path's value is written (numbers as
  // JavaScript holds them; a quarantine marker without its line number).
  const canon = (text) => {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && v.tamis_quarantined) delete v.tamis_quarantined.line;
    return JSON.stringify(v);
  };
  for (const line of c.lines) {
    const j = p.applyJsonLines(line + '\n', opts);
    json.push(j);
    let parsed;
    try { parsed = JSON.parse(line); } catch { object.push(true); continue; }
    const v = p.apply(parsed, opts);
    object.push(v === undefined ? j === '' : j !== '' && JSON.stringify(v) === canon(j));
  }
  out.push({ json, object });
}
process.stdout.write(JSON.stringify(out));
"""


def canonical(line: str) -> str:
    """What the JSON path's line is as a value, written as the object path writes it (Python)."""
    v = json.loads(line)
    if isinstance(v, dict) and "tamis_quarantined" in v:
        v["tamis_quarantined"].pop("line", None)
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261206
    r = random.Random(seed)
    per_policy = 250
    specs = []
    for i in range(max(1, cases // per_policy)):
        text, max_record = policy(r, i)
        try:
            tamis.Policy.from_toml(text, keys={"default": KEY})
        except tamis.PolicyError as e:
            raise SystemExit(f"generated policy {i} is invalid ({e.code}): fix the generator")
        lines = [record(r, 8 * max_record) for _ in range(per_policy)]
        specs.append({"policy": text, "key": KEY, "now": NOW, "lines": lines})
    failures: list[str] = []
    outcomes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="tamis-diff-") as t:
        tmp = Path(t)
        data = tmp / "cases.json"
        data.write_text(json.dumps(specs))
        script = tmp / "diff.cjs"
        script.write_text(NODE_SCRIPT)
        node = subprocess.run(["node", str(script), str(data)], capture_output=True, text=True,
                              env={**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")})
        if node.returncode != 0:
            raise SystemExit(f"node failed: exit {node.returncode}\n{node.stderr[-1500:]}")
        node_out = json.loads(node.stdout)
        for i, (spec, js) in enumerate(zip(specs, node_out)):
            pol = tamis.Policy.from_toml(spec["policy"], keys={"default": KEY})
            (tmp / "p.toml").write_text(spec["policy"])
            (tmp / "in.jsonl").write_text("\n".join(spec["lines"]) + "\n")
            cli = subprocess.run([str(TAMIS), "apply", "--policy", str(tmp / "p.toml"), "--now", NOW, str(tmp / "in.jsonl")],
                                 capture_output=True, text=True, env={**os.environ, "TAMIS_HASH_KEY": KEY})
            if cli.returncode != 0:
                failures.append(f"policy {i}: the CLI exited {cli.returncode}")
                continue
            whole = pol.apply_json_lines("\n".join(spec["lines"]) + "\n", now=NOW)
            if whole != cli.stdout:
                n = next((k + 1 for k, (a, b) in enumerate(zip(whole.split("\n"), cli.stdout.split("\n"))) if a != b), 0)
                failures.append(f"policy {i}: Python JSON path != CLI (output line {n})")
            py_json = [pol.apply_json_lines(line + "\n", now=NOW) for line in spec["lines"]]
            for pj in py_json:
                kind = "dropped" if pj == "" else "quarantined" if pj.startswith('{"tamis_quarantined"') else "kept"
                outcomes[kind] = outcomes.get(kind, 0) + 1
            for k, (line, pj) in enumerate(zip(spec["lines"], py_json)):
                if js["json"][k] != pj:
                    failures.append(f"policy {i} line {k + 1}: Node JSON path != Python JSON path")
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                out, _ = pol.apply_with_report(rec, now=NOW)
                py_obj = "" if out is None else json.dumps(out, ensure_ascii=False, separators=(",", ":"))
                want = "" if pj == "" else canonical(pj)
                if py_obj != want:
                    failures.append(f"policy {i} line {k + 1}: Python object path != JSON path")
                if js["object"][k] is not True:
                    failures.append(f"policy {i} line {k + 1}: Node object path != JSON path")
    total = sum(len(s["lines"]) for s in specs)
    print(f"outcomes on the JSON path: {outcomes}")
    print(f"differential: {len(specs)} policies, {total} records, 5 paths (CLI; Python JSON and object; "
          f"Node JSON and object): {len(failures)} differences")
    for f in failures[:40]:
        print("DIFF:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

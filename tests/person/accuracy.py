#!/usr/bin/env python3
"""Accuracy of the built-in `person_name`, `street_address`, `postal_code` and `date_of_birth`
detectors on a corpus generated from sources other than the compiled ones (tests/person/
corpus.py: hand-written templates per language, names and streets from @faker-js/faker), and on
benign prose (documentation, code comments, product names, months, cities, `May`, `Will`,
`Mark`) that must be left untouched.

    python3 tests/person/accuracy.py [--json FILE] [--min-benign 0.98]

Found spans come from the real wheel (`mask_text` with numbered placeholders, aligned back to
the text); a found span counts when it overlaps an expected span of its type. Prints recall and
precision per type and language, and the share of benign sentences left untouched; fails when
that share is under `--min-benign`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import tamis

HERE = Path(__file__).resolve().parent
TYPES = ["person_name", "street_address", "postal_code", "date_of_birth"]
POLICY = tamis.Policy.from_toml(
    'version = 1\nname = "accuracy"\n[[rule]]\nid = "p"\n'
    'detect = ["person_name", "street_address", "postal_code", "date_of_birth"]\n'
    'action = "placeholder"\ntemplate = "\u27e6{type}#{n}\u27e7"\n'
)
MARK = re.compile("\u27e6([a-z_]+)#[0-9]+\u27e7")


def found_spans(text: str) -> list[tuple[str, int, int]]:
    """The spans (character offsets) the policy masks in `text`, by type."""
    masked = POLICY.mask_text(text)
    out, pos, last = [], 0, 0
    pieces = MARK.split(masked)
    # pieces: literal, type, literal, type, ..., literal
    literals, types = pieces[0::2], pieces[1::2]
    pos = len(literals[0])
    if not text.startswith(literals[0]):
        raise SystemExit("alignment failed (the masked text does not start like the text)")
    for ty, lit in zip(types, literals[1:]):
        end = text.find(lit, pos + 1) if lit else len(text)
        if end < 0:
            raise SystemExit("alignment failed")
        out.append((ty, pos, end))
        pos = end + len(lit)
        last = pos
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--min-benign", type=float, default=0.98)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(HERE / "corpus.py"), "--out", tmp], check=True, capture_output=True)
        corpus = {p.stem: [json.loads(l) for l in p.read_text().splitlines()] for p in Path(tmp, "corpus").glob("*.jsonl")}
        benign = {p.stem: [json.loads(l) for l in p.read_text().splitlines()] for p in Path(tmp, "benign").glob("*.jsonl")}
    stats: dict[str, dict[str, dict[str, int]]] = {}
    for lang, records in sorted(corpus.items()):
        for r in records:
            found = found_spans(r["text"])
            expected = [(s["type"], s["cstart"], s["cend"]) for s in r["spans"]]
            negatives = [("date_of_birth", s["cstart"], s["cend"]) for s in r.get("negatives", [])]
            for ty in TYPES:
                c = stats.setdefault(ty, {}).setdefault(lang, {"expected": 0, "hit": 0, "found": 0, "correct": 0, "negatives_hit": 0})
                exp = [e for e in expected if e[0] == ty]
                fnd = [f for f in found if f[0] == ty]
                overlap = lambda a, b: a[1] < b[2] and b[1] < a[2]
                c["expected"] += len(exp)
                c["hit"] += sum(1 for e in exp if any(overlap(e, f) for f in fnd))
                c["found"] += len(fnd)
                c["correct"] += sum(1 for f in fnd if any(overlap(e, f) for e in exp))
                c["negatives_hit"] += sum(1 for n in negatives if ty == "date_of_birth" and any(overlap(n, f) for f in fnd))
    untouched = {lang: sum(1 for r in rs if POLICY.mask_text(r["text"]) == r["text"]) for lang, rs in benign.items()}
    total_benign = sum(len(rs) for rs in benign.values())
    share = sum(untouched.values()) / total_benign
    print(f"{'type':15} {'lang':4} {'expected':>8} {'recall':>7} {'found':>6} {'precision':>9}")
    summary = {}
    for ty in TYPES:
        tot = {"expected": 0, "hit": 0, "found": 0, "correct": 0, "negatives_hit": 0}
        for lang, c in sorted(stats[ty].items()):
            for k in tot:
                tot[k] += c[k]
            if c["expected"] or c["found"]:
                rec = c["hit"] / c["expected"] if c["expected"] else float("nan")
                prec = c["correct"] / c["found"] if c["found"] else float("nan")
                print(f"{ty:15} {lang:4} {c['expected']:8} {rec:7.3f} {c['found']:6} {prec:9.3f}")
        rec = tot["hit"] / tot["expected"] if tot["expected"] else float("nan")
        prec = tot["correct"] / tot["found"] if tot["found"] else float("nan")
        print(f"{ty:15} {'all':4} {tot['expected']:8} {rec:7.3f} {tot['found']:6} {prec:9.3f}" + (f"  (dates without birth context flagged: {tot['negatives_hit']})" if ty == "date_of_birth" else ""))
        summary[ty] = {"recall": rec, "precision": prec, **tot, "by_lang": stats[ty]}
    print("benign sentences untouched: " + ", ".join(f"{l} {untouched[l]}/{len(benign[l])}" for l in sorted(benign)) + f"; all {share:.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"types": summary, "benign": {"untouched": untouched, "share": share}}, indent=1))
    if share < args.min_benign:
        print(f"FAIL: {share:.4f} of benign sentences untouched, under {args.min_benign}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

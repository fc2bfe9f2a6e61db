#!/usr/bin/env python3
"""Writes tests/vectors/catalog.json: one vector per detector catalog type, its policy selecting
that type alone, each with three cases in one record: `hit` (a value of the type in a
sentence), `near` (a look-alike that is not one: wrong check digit, short body, wrong prefix)
and `disguise` (the hit with full-width digits, look-alike Cyrillic letters, a zero-width space
and a Unicode dash). Then vectors with every group on, for which label wins where types
overlap (a context-confirmed identifier over a phone shape, a vendor's own type over a generic
key=value form).

Values come from the generators in tests/catalog/gen/*.py, which build them from each format's
published description (prefix, alphabet, length, check digits computed in Python), never from the
catalog's patterns or by running tamis. The expected output replaces the value, as written, by
`[<type>]`; the sentence around it stays.

    python3 tests/vectors/gen/catalog.py
"""

import importlib.util
import json
import pathlib
import random
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[3]
GROUPS = ["secrets", "national_id", "financial", "crypto", "network", "contact"]


def policy(detect: list[str]) -> str:
    return (
        'version = 1\nname = "vector"\n[[rule]]\nid = "d"\n'
        f"detect = {json.dumps(detect)}\n"
        'action = "replace"\nreplacement = "[{type}]"\n'
    )


# Every group on: which label wins where types overlap (written by hand).
PRECEDENCE = [
    ("catalog-precedence-context-over-phone", "NHS number: 943 476 5919 noted", "NHS number: [uk_nhs_number] noted"),
    ("catalog-precedence-phone-without-context", "call 943 476 5919 today", "call [phone] today"),
    (
        "catalog-precedence-vendor-over-generic",
        "SENDGRID_API_KEY=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",
        "SENDGRID_API_KEY=[sendgrid_api_key]",
    ),
    ("catalog-precedence-key-name-kept", 'db password="hunter2-Correct" ok', 'db password="[password_quoted]" ok'),
    (
        "catalog-precedence-uuid-is-no-card",
        "id 36921752-7580-8431-9700-958661217360 ok",
        "id 36921752-7580-8431-9700-958661217360 ok",
    ),
]

HOMOGLYPH = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445"}


def disguise(value: str, rng: random.Random) -> str:
    """The value as a scanner-evader would write it: every digit full-width, some letters
    Cyrillic look-alikes, a zero-width space inside, `-` as U+2010."""
    out = []
    for ch in value:
        if ch.isdigit():
            out.append(chr(0xFF10 + int(ch)))
        elif ch in HOMOGLYPH and rng.random() < 0.5:
            out.append(HOMOGLYPH[ch])
        elif ch == "-":
            out.append("\u2010")
        else:
            out.append(ch)
    k = rng.randrange(1, max(2, len(out)))
    out.insert(k, "\u200b")
    return "".join(out)


def load_cases() -> dict:
    cases = {}
    for path in sorted((ROOT / "tests/catalog/gen").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"catalog_gen_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cases.update(mod.CASES)
    return cases


def catalog_names() -> list[str]:
    names = []
    for path in sorted((ROOT / "core/catalog").glob("*.toml")):
        names += [d["name"] for d in tomllib.loads(path.read_text())["detector"]]
    return names


def split(hit):
    return hit if isinstance(hit, tuple) else ("", hit, "")


def main() -> None:
    cases = load_cases()
    names = catalog_names()
    missing = [n for n in names if n not in cases]
    if missing:
        raise SystemExit(f"no generator for: {', '.join(missing)}")
    vectors = []
    for name in names:
        hit, near = cases[name]
        rng = random.Random(f"catalog-vector-{name}")
        before, value, after = split(hit(rng))
        # A context entry's `before` holds its context word; others get neutral words.
        lead = "see " if before == "" else ""
        d_before, d_value, d_after = split(hit(rng))
        masked = f"[{name}]"
        vectors.append(
            {
                "name": f"catalog-{name}",
                "policy": policy([name]),
                "input": {
                    "hit": f"{lead}{before}{value}{after} here",
                    "near": "see " + "".join(split(near(rng))) + " here",
                    "disguise": f"{lead}{d_before}{disguise(d_value, rng)}{d_after} here",
                },
                "expect": {
                    "hit": f"{lead}{before}{masked}{after} here",
                    "near": None,  # filled below: unchanged
                    "disguise": f"{lead}{d_before}{masked}{d_after} here",
                },
            }
        )
        vectors[-1]["expect"]["near"] = vectors[-1]["input"]["near"]
    for name, text, want in PRECEDENCE:
        vectors.append({"name": name, "policy": policy(GROUPS), "input": {"t": text}, "expect": {"t": want}})
    doc = {
        "description": "The detector catalog: per type a hit, a near miss and a Unicode disguise "
        "(written by gen/catalog.py from tests/catalog/gen/*.py).",
        "vectors": vectors,
    }
    out = ROOT / "tests/vectors/catalog.json"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    print(f"{out.relative_to(ROOT)}: {len(vectors)} vectors")


if __name__ == "__main__":
    main()

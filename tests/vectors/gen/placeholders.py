"""Writes tests/vectors/placeholders.json: numbered placeholders (`action = "placeholder"`),
which every front end must write alike.

    python3 tests/vectors/gen/placeholders.py

Expectations follow from the documented semantics (docs/placeholders.md), never from running
tamis: `<{TYPE}_{n}>` by default; numbers count per type from 1 in the order the record is
walked (object members in order, text left to right); the same value (as written) of the same
type gets the same number within one record; a whole value's type is the rule's `label`, else
its id; numbers and booleans become strings, `null` stays `null`; a value that already is a
placeholder the rule writes is left as it is, and detectors never match inside one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "placeholders.json"
HEAD = 'version = 1\nname = "vector"\n'
DETECT = '[[rule]]\nid = "who"\ndetect = ["email", "phone", "credit_card"]\naction = "placeholder"\n'
WHOLE = '[[rule]]\nid = "customer"\npaths = ["customer", "**.customer"]\naction = "placeholder"\n'

vectors: list[dict[str, Any]] = []


def add(name: str, policy: str, input: Any, expect: Any, **extra: Any) -> None:
    vectors.append({"name": f"placeholder-{name}", "policy": HEAD + policy, **extra, "input": input, "expect": expect})


A, B, C = "ann@example.com", "bob@example.org", "cy@example.net"

add("spans-numbered-per-type-and-value", DETECT,
    {"msg": f"mail {A}, then {B}, then {A}; call 415-555-0100 or 415-555-0100"},
    {"msg": "mail <EMAIL_1>, then <EMAIL_2>, then <EMAIL_1>; call <PHONE_1> or <PHONE_1>"})
add("numbers-count-through-the-record-in-member-order", DETECT,
    {"b": B, "a": [A, {"x": B}], "c": f"{C} {A}"},
    {"b": "<EMAIL_1>", "a": ["<EMAIL_2>", {"x": "<EMAIL_1>"}], "c": "<EMAIL_3> <EMAIL_2>"})
add("each-record-numbers-on-its-own", DETECT, {"m": C}, {"m": "<EMAIL_1>"})
add("whole-values-take-the-rule-id-as-type", WHOLE,
    {"customer": "Jane Roe", "order": {"customer": "Jane Roe"}, "other": {"customer": "Max Mustermann"}},
    {"customer": "<CUSTOMER_1>", "order": {"customer": "<CUSTOMER_1>"}, "other": {"customer": "<CUSTOMER_2>"}})
add("whole-values-of-every-kind", WHOLE,
    {"customer": 42, "x": {"customer": True}, "y": {"customer": None}, "z": {"customer": "42"}},
    {"customer": "<CUSTOMER_1>", "x": {"customer": "<CUSTOMER_2>"}, "y": {"customer": None}, "z": {"customer": "<CUSTOMER_1>"}})
add("a-subtree-numbers-each-leaf", WHOLE,
    {"customer": {"first": "Jane", "last": "Roe", "alias": "Jane"}},
    {"customer": {"first": "<CUSTOMER_1>", "last": "<CUSTOMER_2>", "alias": "<CUSTOMER_1>"}})
add("label-names-the-type", '[[rule]]\nid = "c"\npaths = ["who"]\naction = "placeholder"\nlabel = "Person name"\n',
    {"who": "Jane"}, {"who": "<PERSON_NAME_1>"})
add("template-with-the-type-as-named", DETECT.replace('action = "placeholder"\n', 'action = "placeholder"\ntemplate = "[{type}#{n}]"\n'),
    {"m": f"{A} {B} {A}"}, {"m": "[email#1] [email#2] [email#1]"})
add("template-number-first", DETECT.replace('action = "placeholder"\n', 'action = "placeholder"\ntemplate = "{{{n}:{TYPE}}}x"\n').replace("{{{n}:{TYPE}}}x", "%{n}:{TYPE}%"),
    {"m": f"{B}"}, {"m": "%1:EMAIL%"})
add("applying-twice-is-applying-once", DETECT + WHOLE,
    {"customer": "<CUSTOMER_1>", "m": "<EMAIL_1> and <EMAIL_2> wrote"},
    {"customer": "<CUSTOMER_1>", "m": "<EMAIL_1> and <EMAIL_2> wrote"})
add("a-placeholder-of-another-label-is-a-value", WHOLE,
    {"customer": "<EMAIL_1>"}, {"customer": "<CUSTOMER_1>"})
add("a-look-alike-in-text-is-no-finding-but-the-rest-is", DETECT,
    {"m": f"<EMAIL_7> then {A}"}, {"m": "<EMAIL_7> then <EMAIL_1>"})
add("only-placeholders-of-the-policy-s-types-hide-text", DETECT,
    {"m": "card <4111111111111111_1> and <EMAIL_2>"}, {"m": "card <<CREDIT_CARD_1>_1> and <EMAIL_2>"})
add("numbers-in-the-data-are-not-issued-again", DETECT,
    {"m": f"ignore <EMAIL_1> and <EMAIL_3>; mail {A}, {B}, {C}"},
    {"m": "ignore <EMAIL_1> and <EMAIL_3>; mail <EMAIL_2>, <EMAIL_4>, <EMAIL_5>"})
add("whole-value-placeholders-in-the-data-are-not-issued-again", WHOLE,
    {"customer": "<CUSTOMER_1>", "x": {"customer": "Jane"}}, {"customer": "<CUSTOMER_1>", "x": {"customer": "<CUSTOMER_2>"}})
add("a-template-without-the-type-numbers-every-type-together",
    DETECT.replace('action = "placeholder"\n', 'action = "placeholder"\ntemplate = "<{n}>"\n'),
    {"m": f"mail {A} call 415-555-0100 or {A}"}, {"m": "mail <1> call <2> or <1>"})
add("disguised-spellings-are-other-values", DETECT,
    {"m": f"{A} ANN@example.com ann\uff20example.com"}, {"m": "<EMAIL_1> <EMAIL_2> <EMAIL_3>"})
add("cards-and-text-format", DETECT, f"card 4111 1111 1111 1111, again 4111 1111 1111 1111, mail {A}",
    "card <CREDIT_CARD_1>, again <CREDIT_CARD_1>, mail <EMAIL_1>", format="text")
add("text-lines-count-through-the-text", DETECT, f"{A}\n{B}\n{A} {B}",
    "<EMAIL_1>\n<EMAIL_2>\n<EMAIL_1> <EMAIL_2>", format="text")
add("json-lines-line", DETECT + WHOLE, json.dumps({"customer": "Jane", "m": f"{B} {B}"}, separators=(",", ":")),
    {"customer": "<CUSTOMER_1>", "m": "<EMAIL_1> <EMAIL_1>"}, format="line")
add("whole-value-rules-run-first", DETECT + '[[rule]]\nid = "z"\npaths = ["secret"]\naction = "replace"\n',
    {"secret": A, "m": f"to {A}"}, {"secret": "[REDACTED]", "m": "to <EMAIL_1>"})
add("placeholder-beats-hash-and-partial", '[key.default]\nenv = "TAMIS_HASH_KEY"\nid = "k1"\n'
    '[[rule]]\nid = "h"\ndetect = ["email"]\naction = "hash"\nkey = "default"\n'
    '[[rule]]\nid = "p"\ndetect = ["email"]\naction = "placeholder"\n',
    {"m": A}, {"m": "<EMAIL_1>"}, keys={"default": "vector-key"})
add("catalog-types-are-labels", '[[rule]]\nid = "s"\ndetect = ["github_token"]\naction = "placeholder"\n',
    {"m": "token ghp_1234567890abcdefghijABCDEFGHIJ123456 and ghp_1234567890abcdefghijABCDEFGHIJ123456"},
    {"m": "token <GITHUB_TOKEN_1> and <GITHUB_TOKEN_1>"})
add("keys-with-findings-keep-their-own-form", DETECT, {A: "x"}, {"[email:1]": "x"})

for name, field, value in [
    ("template-without-n", "template", '"<{TYPE}>"'),
    ("template-n-twice", "template", '"<{n}_{n}>"'),
    ("template-unknown-variable", "template", '"<{what}_{n}>"'),
    ("template-no-literal-around", "template", '"{TYPE}_{n}"'),
    ("template-type-touching-n", "template", '"<{TYPE}{n}>"'),
    ("label-empty", "label", '""'),
]:
    vectors.append({
        "name": f"placeholder-error-{name}",
        "policy": HEAD + DETECT + f"{field} = {value}\n",
        "input": {},
        "expect_error": "action",
    })
vectors.append({
    "name": "placeholder-error-template-on-replace",
    "policy": HEAD + '[[rule]]\nid = "r"\npaths = ["a"]\naction = "replace"\ntemplate = "<{n}>"\n',
    "input": {},
    "expect_error": "action",
})

OUT.write_text(json.dumps({
    "description": "Numbered placeholders: per type and value within a record, templates, labels, idempotence",
    "vectors": vectors,
}, indent=1, ensure_ascii=False) + "\n")
print(f"{len(vectors)} vectors -> {OUT}")

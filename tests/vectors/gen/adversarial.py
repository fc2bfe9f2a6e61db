"""Writes tests/vectors/adversarial.json: the adversarial cases every front end must agree on.

    python3 tests/vectors/gen/adversarial.py

Every expectation here follows from the documented semantics (tests/vectors/README.md and the
vectors written by hand), never from running tamis:

- `replace` writes its replacement for every non-null scalar and goes leaf by leaf through
  containers (null stays null, empty containers stay empty); `nullify` makes the whole value
  null; `redact` removes the key;
- numbers that no rule touches are written as serde_json's arbitrary-precision mode spells them:
  as written, except that an exponent is `e` with an explicit sign;
- detectors find values in every string, also inside arrays of arrays and escaped JSON text, and
  never change placeholders or tokens they (or another rule) wrote;
- JSON Lines input that is not one JSON value (a lone surrogate, trailing text) is quarantined;
  duplicate keys keep the first position and the last value (serde_json's rule).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "adversarial.json"
HEAD = 'version = 1\nname = "vector"\n'
R = "[REDACTED]"
EMAIL_RULE = 'detect = ["email"]'

vectors: list[dict[str, Any]] = []


def add(name: str, policy: str, input: Any, expect: Any, **extra: Any) -> None:
    vectors.append({"name": f"adv-{name}", "policy": HEAD + policy, **extra, "input": input, "expect": expect})


def raw(number_text: str) -> str:
    """A number written exactly so in the vector file (Python's json cannot spell `1e+2`)."""
    return f"@@RAW@@{number_text}@@"


def rule(selector: str, action: str, extra: str = "") -> str:
    return f'[[rule]]\nid = "r"\n{selector}\naction = "{action}"\n{extra}'


# --- values that are not strings under sensitive paths and keys ----------------------------

VALUES: dict[str, Any] = {
    "int": 42,
    "negative": -7,
    "float": 3.5,
    "zero": 0,
    "big-int": 12345678901234567890,
    "beyond-2-53": 9007199254740993,
    "true": True,
    "false": False,
    "null": None,
    "empty-string": "",
    "whitespace-string": "   ",
    "empty-object": {},
    "empty-array": [],
    "object": {"x": 1, "y": "s", "z": None},
    "array-mixed": [1, "a", None, [2]],
    "array-of-arrays": [[1], [2, [3, "four"]]],
    "deep-object": {"a": {"b": {"c": "v"}}},
    "array-of-objects": [{"k": 1}, {"k": "two"}],
}


def replaced(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, dict):
        return {k: replaced(x) for k, x in v.items()}
    if isinstance(v, list):
        return [replaced(x) for x in v]
    return R


for label, value in VALUES.items():
    record = {"keep": 1, "secret": value, "after": "x"}
    add(f"path-replace-{label}", rule('paths = ["secret"]', "replace"), record,
        {"keep": 1, "secret": replaced(value), "after": "x"})
    add(f"path-nullify-{label}", rule('paths = ["secret"]', "nullify"), record,
        {"keep": 1, "secret": None, "after": "x"})
    add(f"path-redact-{label}", rule('paths = ["secret"]', "redact"), record, {"keep": 1, "after": "x"})
    add(f"key-replace-{label}", rule('keys = ["*secret*"]', "replace"),
        {"db": {"DB_SECRET": value}}, {"db": {"DB_SECRET": replaced(value)}})

# --- keyed hashes: tokens computed here with Python's hmac (HMAC-SHA256, first 16 bytes, RFC 4648
# base32 in lower case without padding), over the value's text: numbers as spelled, booleans as
# `true`/`false`, emails in lower case, card numbers as their digits ---------------------------

KEY = "vector-key"
KEYED = '[key.default]\nenv = "TAMIS_HASH_KEY"\nid = "k1"\n'


def token(text: str) -> str:
    digest = hmac.new(KEY.encode(), text.encode(), hashlib.sha256).digest()[:16]
    return "h:k1:" + base64.b32encode(digest).decode().lower().rstrip("=")


def hashed(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, dict):
        return {k: hashed(x) for k, x in v.items()}
    if isinstance(v, list):
        return [hashed(x) for x in v]
    if isinstance(v, bool):
        return token("true" if v else "false")
    if isinstance(v, (int, float)):
        return token(json.dumps(v))
    return token(v)


for label, value in VALUES.items():
    add(f"path-hash-{label}", KEYED + rule('paths = ["secret"]', "hash", 'key = "default"\n'),
        {"secret": value}, {"secret": hashed(value)}, keys={"default": KEY})
for label, text in {"accented": "Zo\u00eb", "emoji": "\U0001f600 x", "cjk": "\u5c71\u7530",
                    "spaces": " a b ", "long": "x" * 300}.items():
    add(f"path-hash-{label}", KEYED + rule('paths = ["s"]', "hash", 'key = "default"\n'),
        {"s": text}, {"s": token(text)}, keys={"default": KEY})
for label, (number, spelled) in {"exponent": ("1E+2", "1e+2"), "minus-zero": ("-0", "-0"),
                                 "big": ("123456789012345678901234567890", "123456789012345678901234567890")}.items():
    add(f"line-hash-number-{label}", KEYED + rule('paths = ["n"]', "hash", 'key = "default"\n'),
        f'{{"n":{number}}}', {"n": token(spelled)}, keys={"default": KEY}, format="line")
add("detect-hash-email-any-case", KEYED + rule(EMAIL_RULE, "hash", 'key = "default"\n'),
    {"t": "from JANE@Example.COM and jane@example.com"},
    {"t": f"from {token('jane@example.com')} and {token('jane@example.com')}"}, keys={"default": KEY})
add("detect-hash-card-any-spacing", KEYED + rule('detect = ["credit_card"]', "hash", 'key = "default"\n'),
    {"t": "4111 1111 1111 1111 / 4111-1111-1111-1111"},
    {"t": f"{token('4111111111111111')} / {token('4111111111111111')}"}, keys={"default": KEY})
add("detect-hash-token-fed-back", KEYED + rule(EMAIL_RULE, "hash", 'key = "default"\n'),
    {"t": f"seen {token('jane@example.com')} before"},
    {"t": f"seen {token('jane@example.com')} before"}, keys={"default": KEY})
add("path-hash-token-fed-back", KEYED + rule('paths = ["e"]', "hash", 'key = "default"\n'),
    {"e": token("x")}, {"e": token("x")}, keys={"default": KEY})

# --- numbers spelled as written (JSON Lines input) -------------------------------------------

NUMBERS = {
    "minus-zero": ("-0", "-0"),
    "exponent-bare": ("1e2", "1e+2"),
    "exponent-upper-plus": ("1E+2", "1e+2"),
    "exponent-negative": ("1.5E-3", "1.5e-3"),
    "trailing-zero": ("1.0", "1.0"),
    "big-int": ("123456789012345678901234567890", "123456789012345678901234567890"),
    "beyond-2-53": ("9007199254740993", "9007199254740993"),
    "negative-big": ("-98765432109876543210", "-98765432109876543210"),
    "long-fraction": ("0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827"),
}
for label, (text, spelled) in NUMBERS.items():
    add(f"number-kept-{label}", rule('paths = ["other"]', "replace"), f'{{"n":{text}}}',
        {"n": raw(spelled)}, format="line")
    add(f"number-replaced-{label}", rule('paths = ["n"]', "replace"), f'{{"n":{text},"m":{text}}}',
        {"n": R, "m": raw(spelled)}, format="line")

# --- detectors in keys, arrays of arrays, escaped JSON, control characters --------------------

EMAIL = 'detect = ["email"]'
# `n` in `[<type>:<n>]` counts the renamed keys of one object (keys need only be unique there).
add("pii-key-nested", rule(EMAIL, "replace"), {"users": {"jane@example.com": {"bob@example.com": 1}}},
    {"users": {"[email:1]": {"[email:1]": 1}}})
add("pii-key-in-array", rule(EMAIL, "replace"), [{"jane@example.com": 1}, {"jane@example.com": 2}],
    [{"[email:1]": 1}, {"[email:1]": 2}])
add("pii-keys-numbered-within-an-object", rule(EMAIL, "replace"),
    {"a@x.io": 1, "n": 2, "b@x.io": {"c@x.io": 3, "d@x.io": 4}},
    {"[email:1]": 1, "n": 2, "[email:2]": {"[email:1]": 3, "[email:2]": 4}})
add("pii-key-card", rule('detect = ["credit_card"]', "replace"), {"4111 1111 1111 1111": "v"},
    {"[credit_card:1]": "v"})
add("pii-arrays-of-arrays", rule(EMAIL, "replace"),
    {"a": [["x jane@example.com"], [["bob@example.com", 1]], [[[None, "c@d.io y"]]]]},
    {"a": [[f"x {R}"], [[R, 1]], [[[None, f"{R} y"]]]]})
add("escaped-json-in-string", rule(EMAIL, "replace"),
    {"payload": json.dumps({"email": "jane@example.com", "n": 1})},
    {"payload": json.dumps({"email": R, "n": 1})})
add("escaped-json-twice", rule(EMAIL, "replace"),
    {"payload": json.dumps(json.dumps({"to": "jane@example.com"}))},
    {"payload": json.dumps(json.dumps({"to": R}))})
add("path-rule-does-not-see-into-escaped-json", rule('paths = ["payload.email"]', "replace"),
    {"payload": json.dumps({"email": "x"})}, {"payload": json.dumps({"email": "x"})})
for label, sep in {"crlf": "\r\n", "lf": "\n", "tab": "\t", "cr": "\r", "vertical-tab": "\x0b"}.items():
    add(f"control-{label}-around-email", rule(EMAIL, "replace"),
        {"t": f"a{sep}jane@example.com{sep}b"}, {"t": f"a{sep}{R}{sep}b"})
for label, s in {"empty": "", "spaces": "   ", "newlines": "\n\n", "nbsp": "\u00a0"}.items():
    add(f"detect-blank-{label}", rule('detect = ["email", "credit_card", "phone"]', "replace"),
        {"t": s}, {"t": s})
add("detect-card-as-integer", rule('detect = ["credit_card"]', "replace"), {"n": 4111111111111111},
    {"n": R})
add("detect-card-as-big-integer-line", rule('detect = ["credit_card"]', "replace"),
    '{"n":4111111111111111,"m":12}', {"n": R, "m": 12}, format="line")

# --- encoded copies of a secret under a sensitive key: masked whole ---------------------------

SECRET = "hunter2-sk-live-0123456789"
for label, enc in {
    "url-encoded": urllib.parse.quote(SECRET + "/?&=", safe=""),
    "base64": base64.b64encode(SECRET.encode()).decode(),
    "base64-url": base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip("="),
    "hex": SECRET.encode().hex(),
    "json-escaped": json.dumps(SECRET),
}.items():
    add(f"encoded-secret-{label}", rule('keys = ["*password*"]', "replace"),
        {"user": {"password_b64": enc, "name": "ok"}}, {"user": {"password_b64": R, "name": "ok"}})
for label, enc in {
    "url-encoded": urllib.parse.quote("jane@example.com", safe=""),
}.items():
    # A percent-encoded `@` is an `@` to the email detector (`jane%40example.com`); other
    # encodings are not decoded: what a detector cannot see is for path and key rules (above).
    add(f"detector-sees-percent-encoded-at-{label}", rule(EMAIL, "replace"), {"t": enc}, {"t": R})

# --- Unicode forms ----------------------------------------------------------------------------

add("nfc-key-matches-nfc-path", rule('paths = ["caf\u00e9"]', "replace"), {"caf\u00e9": "x"}, {"caf\u00e9": R})
add("nfd-key-is-another-key", rule('paths = ["caf\u00e9"]', "replace"), {"cafe\u0301": "x"}, {"cafe\u0301": "x"})
add("nfd-key-matched-by-its-own-path", rule('paths = ["cafe\u0301"]', "replace"), {"cafe\u0301": "x"},
    {"cafe\u0301": R})
add("email-with-combining-mark-before", rule(EMAIL, "replace"), {"t": "e\u0301 jane@example.com"},
    {"t": f"e\u0301 {R}"})
add("lone-surrogate-line-quarantined", rule(EMAIL, "replace"), '{"t":"\\ud800 jane@example.com"}',
    {"tamis_quarantined": {"line": 1, "reason": "invalid_json"}}, format="line")
add("lone-trailing-surrogate-line-quarantined", rule(EMAIL, "replace"), '{"t":"\\udc00"}',
    {"tamis_quarantined": {"line": 1, "reason": "invalid_json"}}, format="line")
add("surrogate-pair-line-kept", rule(EMAIL, "replace"), '{"t":"\\ud83d\\ude00 jane@example.com"}',
    {"t": f"\U0001f600 {R}"}, format="line")
add("escaped-email-in-line", rule(EMAIL, "replace"), '{"t":"jane\\u0040example.com"}', {"t": R},
    format="line")

# --- JSON Lines shapes -------------------------------------------------------------------------

add("duplicate-keys-last-value-first-place", rule('paths = ["other"]', "replace"), '{"a":1,"b":2,"a":3}',
    {"a": 3, "b": 2}, format="line")
add("duplicate-keys-masked", rule('paths = ["a"]', "replace"), '{"a":"x","a":"y"}', {"a": R}, format="line")
add("trailing-text-quarantined", rule('paths = ["a"]', "replace"), '{"a":1} x',
    {"tamis_quarantined": {"line": 1, "reason": "invalid_json"}}, format="line")
add("two-values-quarantined", rule('paths = ["a"]', "replace"), '{"a":1}{"a":2}',
    {"tamis_quarantined": {"line": 1, "reason": "invalid_json"}}, format="line")
add("whitespace-around-kept", rule('paths = ["a"]', "replace"), ' \t{"a":1} ', {"a": R}, format="line")
add("key-order-kept", rule('paths = ["m.a"]', "replace"), {"z": 1, "a": 2, "m": {"b": 1, "a": 2, "c": 3}},
    {"z": 1, "a": 2, "m": {"b": 1, "a": R, "c": 3}})
add("scalar-record-kept", rule('paths = ["a"]', "replace"), 5, 5)
add("array-record", rule('paths = ["a"]', "replace"), [{"a": 1}, {"b": 2}], [{"a": R}, {"b": 2}])

# --- limits at and beyond ----------------------------------------------------------------------

for n, over in ((16, False), (17, True)):
    s = "x" * n
    add(f"string-{n}-bytes-limit-16", '[limits]\nmax_string_bytes = 16\n' + rule('paths = ["zz"]', "replace"),
        {"s": s}, {"s": "[tamis:too_large]" if over else s})
s = "\u00e9" * 8  # 16 bytes in UTF-8, 8 characters
add("string-limit-counts-bytes", '[limits]\nmax_string_bytes = 15\n' + rule('paths = ["zz"]', "replace"),
    {"s": s}, {"s": "[tamis:too_large]"})
def nest(levels: int, leaf: Any) -> Any:
    for _ in range(levels):
        leaf = {"d": leaf}
    return leaf


# The record is depth 0; with max_depth = 3 a node at depth 4 is replaced whole.
for depth in (3, 4, 5):
    add(f"object-depth-{depth}-limit-3", '[limits]\nmax_depth = 3\n' + rule('paths = ["zz"]', "replace"),
        nest(depth, "leaf"), nest(depth, "leaf") if depth <= 3 else nest(4, "[tamis:too_deep]"))
add("array-depth-4-limit-3", '[limits]\nmax_depth = 3\n' + rule('paths = ["zz"]', "replace"),
    [[[["x"]]]], [[[["[tamis:too_deep]"]]]])
add("array-depth-3-limit-3", '[limits]\nmax_depth = 3\n' + rule('paths = ["zz"]', "replace"),
    [[["x"]]], [[["x"]]])

# The default limit (max_depth = 64).
add("object-depth-64-default-limit", rule('paths = ["zz"]', "replace"), nest(64, "leaf"), nest(64, "leaf"))
add("object-depth-65-default-limit", rule('paths = ["zz"]', "replace"), nest(65, "leaf"),
    nest(65, "[tamis:too_deep]"))

# --- characters that must not hide a value, and separators that must survive ---------------------

for label, ch in {"nul": "\u0000", "del": "\u007f", "line-separator": "\u2028",
                  "paragraph-separator": "\u2029", "next-line": "\u0085", "bell": "\u0007"}.items():
    add(f"control-{label}-around-email", rule(EMAIL, "replace"),
        {"t": f"a{ch}jane@example.com{ch}b"}, {"t": f"a{ch}{R}{ch}b"})
TYPED = 'replacement = "[{type}]"\n'
for label, dash in {"en-dash": "\u2013", "em-dash": "\u2014", "minus-sign": "\u2212",
                    "non-breaking-hyphen": "\u2011", "figure-dash": "\u2012"}.items():
    add(f"ssn-with-{label}", rule('detect = ["us_ssn"]', "replace", TYPED),
        {"t": f"ssn 123{dash}45{dash}6789"}, {"t": "ssn [us_ssn]"})
    add(f"card-with-{label}", rule('detect = ["credit_card"]', "replace", TYPED),
        {"t": f"card 4111{dash}1111{dash}1111{dash}1111."}, {"t": "card [credit_card]."})
add("soft-hyphen-inside-email", rule(EMAIL, "replace", TYPED), {"t": "ja\u00adne@example.com"},
    {"t": "[email]"})
add("fullwidth-at-in-key", rule(EMAIL, "replace", TYPED), {"jane\uff20example.com": 1}, {"[email:1]": 1})
add("zero-width-in-key", rule(EMAIL, "replace", TYPED), {"ja\u200bne@example.com": 1}, {"[email:1]": 1})

# --- placeholders and tokens fed back in --------------------------------------------------------

for label, text in {
    "default": R,
    "typed": "[email]",
    "numbered-key": "[email:1]",
    "too-large": "[tamis:too_large]",
    "no-key": "[tamis:no_key]",
    "plugin-error": "[tamis:plugin_error]",
    "partial-email": "j***@***.com",
    "partial-card": "************1111",
}.items():
    add(f"placeholder-fed-back-{label}",
        rule('detect = ["email", "credit_card", "phone", "ip", "us_ssn"]', "replace", 'replacement = "[{type}]"\n'),
        {"t": f"was {text} before"}, {"t": f"was {text} before"})
add("placeholder-next-to-email", rule(EMAIL, "replace"), {"t": f"{R}jane@example.com"}, {"t": f"{R}{R}"})

for v in vectors:
    assert v["expect"] is not None or v["name"].endswith("-null"), v["name"]
text = json.dumps({"description": "Adversarial cases (written by gen/adversarial.py)", "vectors": vectors},
                  indent=1, ensure_ascii=False) + "\n"
OUT.write_text(re.sub(r'"@@RAW@@([^@]*)@@"', r"\1", text))
print(f"{len(vectors)} vectors -> {OUT}")

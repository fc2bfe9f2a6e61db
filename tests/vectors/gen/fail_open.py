"""Writes tests/vectors/fail_open.json: the reproducers of the adversarial review (issue 30) and
variants of each, which every front end must agree on.

    python3 tests/vectors/gen/fail_open.py

Expectations follow from the documented semantics, never from running tamis:

- a finding is skipped only when it lies inside text that tamis writes (a placeholder or token,
  whole); a replacement string that merely occurs inside a value (`-` in an SSN) hides nothing;
- a whole-value rule keeps a value only when it is exactly what that rule writes (its
  replacement, a token of its own key) or a fixed tamis marker (`[tamis:too_large]`, ...);
- key globs match camelCase and disguised keys (`accessToken` is `access_token`), and a glob
  without `_` also matches a key whose words spell it (`Pass-Word` for `*password*`);
- integral floats are numbers like any other to the detectors;
- detectors see through the evasions listed in the issue (percent-encoded `@`, IDN, `。`,
  homoglyphs, card separators, lower-case IBANs, zero-padded IPv4, extensions, scheme-less
  URL credentials).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fail_open.json"
HEAD = 'version = 1\nname = "vector"\n'
R = "[REDACTED]"
KEY = "vector-key"
KEYED = '[key.default]\nenv = "TAMIS_HASH_KEY"\nid = "k1"\n'

vectors: list[dict[str, Any]] = []


def add(name: str, policy: str, input: Any, expect: Any, **extra: Any) -> None:
    vectors.append({"name": f"open-{name}", "policy": HEAD + policy, **extra, "input": input, "expect": expect})


def raw(number_text: str) -> str:
    """A number written into the vector exactly as spelled (JSON has no other way to keep
    `4.1e15` from becoming `4100000000000000.0`)."""
    return f"@@RAW@@{number_text}@@"


def rule(rid: str, selector: str, action: str, extra: str = "") -> str:
    return f'[[rule]]\nid = "{rid}"\n{selector}\naction = "{action}"\n{extra}'


def token(text: str) -> str:
    digest = hmac.new(KEY.encode(), text.encode(), hashlib.sha256).digest()[:16]
    return "h:k1:" + base64.b32encode(digest).decode().lower().rstrip("=")


DETECT_ALL = 'detect = ["email", "credit_card", "us_ssn", "phone", "iban", "ip"]'

# --- 1. a replacement text switches no detection off -----------------------------------------
LEAKY = "ssn 123-45-6789, card 4111-1111-1111-1111, call 415-555-0100, mail mary-jane@example.com"
MASKED = f"ssn {R}, card {R}, call {R}, mail {R}"
for label, replacement in {"dash": "-", "zero": "0", "x": "x", "dot": "."}.items():
    add(f"replacement-{label}-hides-nothing",
        rule("k", 'keys = ["secret"]', "replace", f'replacement = "{replacement}"\n')
        + rule("d", DETECT_ALL, "replace"),
        {"secret": "s", "m": LEAKY}, {"secret": replacement, "m": MASKED})
add("replacement-inside-iban-and-ip",
    rule("k", 'keys = ["secret"]', "replace", 'replacement = "8"\n') + rule("d", DETECT_ALL, "replace"),
    {"m": "iban DE89 3704 0044 0532 0130 00 from 10.8.8.1"}, {"m": f"iban {R} from {R}"})
glued = "h:k1:" + "abcdefghijklmnopqrstuvwxyz"
add("token-glued-before-email",
    KEYED + rule("e", 'detect = ["email"]', "hash", 'key = "default"\n'),
    {"m": glued + "mary@example.com"},
    {"m": "h:k1:" + token("abcdefghijklmnopqrstuvwxyzmary@example.com")},
    keys={"default": KEY})
add("placeholder-glued-before-email",
    rule("e", 'detect = ["email"]', "replace"),
    {"m": f"{R}jane@example.com and [email:1]x@example.org"},
    {"m": f"{R}{R} and [email:1]{R}"})
# A whole token of the policy's own key, and a replacement written whole, are still skipped.
tok = token("jane@example.com")
add("own-token-in-text-is-kept",
    KEYED + rule("e", 'detect = ["email", "phone"]', "hash", 'key = "default"\n'),
    {"m": f"from {tok} to {tok}"}, {"m": f"from {tok} to {tok}"}, keys={"default": KEY})

# --- 2. a value that looks like a placeholder skips no whole-value rule ---------------------
add("bracketed-password-is-masked",
    rule("s", 'keys = ["*password*", "token"]', "replace", 'replacement = "********"\n'),
    {"password": "[admin:1234]", "token": glued},
    {"password": "********", "token": "********"})
add("other-rules-placeholders-are-masked",
    rule("s", 'keys = ["secret"]', "replace", 'replacement = "***"\n'),
    {"a": {"secret": R}, "b": {"secret": "[email:2]"}, "c": {"secret": "[tamis:anything]"}},
    {"a": {"secret": "***"}, "b": {"secret": "***"}, "c": {"secret": "***"}})
add("foreign-key-token-is-rehashed",
    KEYED + rule("h", 'paths = ["t"]', "hash", 'key = "default"\n'),
    {"t": "h:k0:abcdefghijklmnopqrstuvwxyz", "u": "x"},
    {"t": token("h:k0:abcdefghijklmnopqrstuvwxyz"), "u": "x"}, keys={"default": KEY})
add("own-output-is-kept",
    KEYED + rule("h", 'paths = ["t"]', "hash", 'key = "default"\n')
    + rule("s", 'paths = ["s"]', "replace", 'replacement = "***"\n'),
    {"t": tok, "s": "***", "m": "[tamis:too_large]"},
    {"t": tok, "s": "***", "m": "[tamis:too_large]"}, keys={"default": KEY})

# --- 6. camelCase and disguised keys ----------------------------------------------------------
SECRETS = 'keys = ["*password*", "pwd", "*secret*", "token", "*_token", "*private_key*", "api_key"]'
camel = {"accessToken": "a", "refreshToken": "b", "idToken": "c", "authToken": "d", "sessionToken": "e",
         "privateKey": "f", "Pass-Word": "g", "pwd": "h", "APIKey": "i", "sshPrivateKeyPem": "j"}
add("camel-case-keys", rule("s", SECRETS, "replace"), camel, {k: R for k in camel})
disguised = {"pass\u200bword": "a", "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44": "b",
             "p\u0430ssword": "c", "\u0455ecret": "d", "\U0001d429assword": "e", "to\u00adken": "f",
             "PASS_WORD": "g", "pass.word": "h"}
add("disguised-keys", rule("s", SECRETS, "replace"), disguised, {k: R for k in disguised})
# Look-alikes that are not secrets stay: counters, words that only contain the letters.
benign = {"total_tokens": 1, "totalTokens": 2, "tokenizer": "t", "passport_photo": "p", "IDs": [1],
          "URLs": "u", "secretary_name": "n", "wordpass": "w"}
add("key-look-alikes-stay", rule("s", 'keys = ["*_token", "token", "*password*", "pwd"]', "replace"),
    benign, benign)

# --- 10. evasions of the detectors --------------------------------------------------------------
TYPED = 'replacement = "[{type}]"\n'
ALL = ('detect = ["email", "phone", "credit_card", "us_ssn", "iban", "ip", "mac", "url_credentials", '
       '"bearer_token"]')
evasions = {
    "email": ["jane%40example.com", "JANE%40EXAMPLE.COM", "jane@b\u00fccher.de", "jane@xn--bcher-kva.de",
              "j\u00e4ne@example.com", "j\u0308ane@example.com", "\u0438\u0432\u0430\u043d@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444",
              "jane@example\u3002com", "jane@example\uff61com", "j\u0430ne@ex\u0430mple.com",
              "\u5c71\u7530@\u4f8b\u3048.\u30c6\u30b9\u30c8"],
    "credit_card": ["4111.1111.1111.1111", "4111/1111/1111/1111", "4111_1111_1111_1111", "4111\t1111\t1111\t1111",
                    "4111 1111-1111.1111", "5500_0000.0000/0004", "3782.822463.10005"],
    "iban": ["de89 3704 0044 0532 0130 00", "de89370400440532013000", "DE89-3704-0044-0532-0130-00",
             "gb82 west 1234 5698 7654 32"],
    "ip": ["192.168.001.001", "010.000.000.001", "::ffff:192.0.2.1"],
    "phone": ["415-555-0100x23", "415-555-0100 ext. 23", "(415) 555-0100 x 7", "+44 20 7946 0958ext12"],
}
for ty, values in evasions.items():
    for i, v in enumerate(values):
        add(f"evasion-{ty}-{i}", rule("d", ALL, "replace", TYPED), {"t": f"see {v} now"}, {"t": f"see [{ty}] now"})
# URL credentials: what is replaced is the user and password, the host stays.
add("evasion-url-credentials-keeps-host", rule("d", ALL, "replace", TYPED),
    {"t": "//app:s3cret@db/x and redis://:pw@cache:6379"},
    {"t": "//[url_credentials]@db/x and redis://[url_credentials]@cache:6379"})
# Near misses stay: decimals, versions, dates, scheme-less paths, a percent that is not `%40`.
near = ["4.111111111111111", "4111.111111111111", "1.2.3.4.5", "2024/01/15", "a//b:c@d",
        "https://host//path", "50%40 items", "fe80", "x2a", "ext23", "call 415-555-0100xy"]
add("evasion-near-misses-stay", rule("d", ALL, "replace", TYPED), {"t": near},
    {"t": near[:-1] + ["call 415-555-0100xy"]})

# --- 11. the email match takes no quote before it -----------------------------------------------
tok_plain = token("jane@example.com")
add("email-in-quotes-same-token", KEYED + rule("e", 'detect = ["email"]', "hash", 'key = "default"\n'),
    {"a": "'jane@example.com'", "b": "`jane@example.com`", "c": "jane@example.com", "d": "o'neil@example.com"},
    {"a": f"'{tok_plain}'", "b": f"`{tok_plain}`", "c": tok_plain, "d": token("o'neil@example.com")},
    keys={"default": KEY})

# --- 7. integral floats are numbers like any other to the detectors ---------------------------
CARDS = rule("c", 'detect = ["credit_card"]', "partial")
add("float-card-is-masked", CARDS,
    {"a": raw("4111111111111111.0"), "b": raw("4.111111111111111e15"), "c": raw("4.111111111111111E+15"),
     "d": raw("-4111111111111111.0"), "e": raw("41111111111111110e-1"), "keep": raw("4111111111111111.5"),
     "small": raw("2.0")},
    {"a": "************1111", "b": "************1111", "c": "************1111", "d": "-************1111",
     "e": "************1111", "keep": raw("4111111111111111.5"), "small": raw("2.0")})
add("float-card-in-array-covers-summary",
    CARDS + '[[summarize]]\nid = "s"\npaths = ["n"]\nmin_items = 3\nsample = 0\n',
    {"n": [raw("4111111111111111.0"), raw("4111111111111111.0"), raw("1.5")]},
    {"n": {"tamis_summary": {"rule": "s", "count": 3, "nulls": 0, "null_rate": 0, "distinct": 2,
                             "distinct_estimated": False, "masked": True}}})

for v in vectors:
    assert v["expect"] is not None, v["name"]
text = json.dumps({"description": "Fail-open holes of the adversarial review, closed (written by gen/fail_open.py)",
                   "vectors": vectors}, indent=1, ensure_ascii=False) + "\n"
OUT.write_text(re.sub(r'"@@RAW@@([^@]*)@@"', r"\1", text))
print(f"{len(vectors)} vectors -> {OUT}")

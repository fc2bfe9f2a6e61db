"""The shared conformance vectors (tests/vectors) through the Python wheel.

Two paths, both byte-identical to the Rust runner:
- the JSON path (`apply_json`, `apply_json_lines`, `mask_text`): the exact bytes;
- the object path (`apply` on what `json.loads` gives): the output, written back as JSON, equals
  the expected output written the same way. Python reads `1e2` as the float 100.0 and `-0` as the
  int 0, so numbers are compared as Python holds them; vectors where that spelling reaches a
  detector or a summary are listed in SPELLING_ONLY and run on the JSON path only.
"""

from __future__ import annotations

import json
import pathlib
import tempfile
from typing import Any

import pytest

import tamis

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"


class Raw(str):
    """A JSON number kept as written."""


def load(text: str) -> Any:
    return json.loads(text, parse_int=Raw, parse_float=Raw, parse_constant=Raw)


def dumps(v: Any) -> str:
    """Compact JSON as serde_json writes it: numbers as written (exponent `e` with a sign)."""
    if isinstance(v, Raw):
        s = str(v)
        if "e" in s or "E" in s:
            mant, _, exp = s.replace("E", "e").partition("e")
            if not exp.startswith(("-", "+")):
                exp = "+" + exp
            s = f"{mant}e{exp}"
        return s
    if isinstance(v, dict):
        return "{" + ",".join(f"{dumps(str(k))}:{dumps(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dumps(x) for x in v) + "]"
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(type(v).__name__)


def plain(v: Any) -> Any:
    """What `json.loads` would give (Python numbers)."""
    return json.loads(dumps(v))


def all_vectors() -> list[dict[str, Any]]:
    out = []
    for f in sorted(VECTORS.glob("*.json")):
        for v in load(f.read_text(encoding="utf-8"))["vectors"]:
            v["_file"] = f.stem
            out.append(v)
    return out


VECTOR_LIST = all_vectors()


def test_corpus_is_complete() -> None:
    assert len(VECTOR_LIST) >= 300
    assert len({v["name"] for v in VECTOR_LIST}) == len(VECTOR_LIST)


def compile_policy(v: dict[str, Any]) -> tamis.Policy:
    policy = v["policy"]
    keys = v.get("keys") or {}
    if "policy_file" in v:
        # Read from a file of that name: its form follows the name.
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / v["policy_file"]
            path.write_text(policy, encoding="utf-8")
            return tamis.Policy.from_file(path, keys=keys)
    if isinstance(policy, str):
        return tamis.Policy.from_toml(policy, keys=keys)
    return tamis.Policy.from_json(dumps(policy), keys=keys)


def expected(v: dict[str, Any]) -> str:
    if "expect_error" in v:
        return "error:" + v["expect_error"]
    return dumps(v["expect"])


def options(v: dict[str, Any]) -> dict[str, Any]:
    ctx = v.get("context")
    return {"context": plain(ctx) if ctx else None, "now": v.get("now")}


def dropped(report: dict[str, Any]) -> str:
    records = report["records"]
    reason = "access" if records["dropped_access"] else "retention"
    return dumps(load(json.dumps(tamis._tamis._dropped_marker(reason))))


def run_reveal(policy: tamis.Policy, v: dict[str, Any], text: bool = False) -> str:
    """`reveal` of the input (as an object, or with `text` as JSON text): the record, or the
    marker of a denial or a refusal."""
    opts = options(v)
    try:
        if text:
            return policy.reveal_json(dumps(v["input"]), **opts)
        out = policy.reveal(plain(v["input"]), **opts)
    except tamis.RevealError as e:
        if e.reason == "denied":
            out = {"tamis_reveal_denied": True}
        else:
            out = {"tamis_reveal_refused": {"path": e.path, "rule": e.rule_id, "reason": e.reason}}
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def run_json(v: dict[str, Any]) -> str:
    try:
        policy = compile_policy(v)
    except tamis.PolicyError as e:
        return "error:" + e.code
    opts = options(v)
    fmt = v.get("format", "json")
    if fmt == "text":
        return dumps(policy.mask_text(v["input"], context=opts["context"]))
    if fmt == "reveal":
        return dumps(load(run_reveal(policy, v, text=True)))
    line = v["input"] if fmt == "line" else dumps(v["input"])
    out = policy.apply_json_lines(line + "\n", **opts)
    if out == "":
        # Dropped: nothing written; the report says why.
        _, report = policy.apply_with_report(json.loads(line), **opts)
        return dropped(report)
    assert out.endswith("\n") and out.count("\n") == 1
    out = out[:-1]
    marker = load(out)
    if fmt != "line" and isinstance(marker, dict) and "tamis_quarantined" in marker:
        return dumps({"tamis_quarantined": {"reason": marker["tamis_quarantined"]["reason"]}})
    return out


@pytest.mark.parametrize("v", VECTOR_LIST, ids=[v["name"] for v in VECTOR_LIST])
def test_json_path(v: dict[str, Any]) -> None:
    assert run_json(v) == expected(v)


def test_apply_json_matches_lines() -> None:
    policy = tamis.Policy.from_toml(
        'version = 1\nname = "t"\n[[rule]]\nid = "e"\ndetect = ["email"]\n'
        'action = "replace"\n'
    )
    doc = '{"a":"x@example.com","n":1e2,"big":123456789012345678901234567890}'
    assert policy.apply_json(doc) == policy.apply_json_lines(doc + "\n")[:-1]
    assert policy.apply_json(doc) == '{"a":"[REDACTED]","n":1e+2,"big":123456789012345678901234567890}'
    assert policy.apply_json("{not json") == '{"tamis_quarantined":{"reason":"invalid_json"}}'


# Vectors whose outcome depends on how a number is spelled in JSON text, which a Python object
# does not keep (`1e2` is 100.0, `-0` is 0): they run on the JSON path above.
SPELLING_ONLY: set[str] = {"keyed-encrypt-number-as-written", "keyed-shift-not-a-date-exponent"}


def run_object(v: dict[str, Any]) -> str:
    try:
        policy = compile_policy(v)
    except tamis.PolicyError as e:
        return "error:" + e.code
    opts = options(v)
    fmt = v.get("format", "json")
    if fmt == "text":
        return json.dumps(policy.mask_text(v["input"], context=opts["context"]), ensure_ascii=False)
    if fmt == "reveal":
        return run_reveal(policy, v)
    record = plain(v["input"])
    out, report = policy.apply_with_report(record, **opts)
    if out is None:
        return dropped(report)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def expected_object(v: dict[str, Any]) -> str:
    if "expect_error" in v:
        return "error:" + v["expect_error"]
    exp = plain(v["expect"])
    return json.dumps(exp, ensure_ascii=False, separators=(",", ":"))


# The `line` format is raw JSON Lines text (invalid lines among them): the JSON path's own case.
OBJECT_VECTORS = [
    v for v in VECTOR_LIST if v["name"] not in SPELLING_ONLY and v.get("format") != "line"
]


@pytest.mark.parametrize("v", OBJECT_VECTORS, ids=[v["name"] for v in OBJECT_VECTORS])
def test_object_path(v: dict[str, Any]) -> None:
    assert run_object(v) == expected_object(v)

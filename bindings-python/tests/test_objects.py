"""Python values walked natively: every type, the input never mutated, limits, errors."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import decimal
import enum
import multiprocessing
import pickle
import threading
import uuid
from typing import Any

import numpy as np
import pydantic
import pytest

import tamis

EMAIL = "jane.canary@example.com"
CARD = "4111 1111 1111 1111"

POLICY = """
version = 1
name = "objects"

[[rule]]
id = "secrets-by-path"
paths = ["**.password"]
action = "redact"

[[rule]]
id = "pii"
detect = ["email", "credit_card"]
action = "replace"
replacement = "[PII]"
"""


@pytest.fixture(scope="module")
def policy() -> tamis.Policy:
    return tamis.Policy.from_toml(POLICY)


class Color(enum.Enum):
    RED = "red"
    MAIL = EMAIL


@dataclasses.dataclass
class User:
    email: str
    age: int
    password: str = "hunter2"


class Model(pydantic.BaseModel):
    email: str
    note: str = "fine"


def test_plain_types_keep_shape_and_order(policy: tamis.Policy) -> None:
    rec = {"z": 1, "a": [1, 2.5, True, None, "x"], "m": {"k": "v"}, "t": (1, "y")}
    out = policy.apply(rec)
    assert out == rec
    assert list(out) == ["z", "a", "m", "t"]
    assert isinstance(out["t"], tuple)
    assert out is not rec and out["a"] is not rec["a"] and out["m"] is not rec["m"]


def test_input_is_never_mutated(policy: tamis.Policy) -> None:
    rec = {"u": {"email": EMAIL, "password": "p", "l": [EMAIL, {"password": 1}]}, "s": {EMAIL}}
    before = copy.deepcopy(rec)
    out = policy.apply(rec)
    assert rec == before
    assert out == {"u": {"email": "[PII]", "l": ["[PII]", {}]}, "s": {"[PII]"}}


def test_containers(policy: tamis.Policy) -> None:
    out = policy.apply({"t": (EMAIL, 1), "s": {EMAIL, "ok"}, "f": frozenset({EMAIL}), "l": [[EMAIL]]})
    assert out["t"] == ("[PII]", 1)
    assert out["s"] == {"[PII]", "ok"}
    assert out["f"] == frozenset({"[PII]"}) and isinstance(out["f"], frozenset)
    assert out["l"] == [["[PII]"]]


def test_numbers(policy: tamis.Policy) -> None:
    card = 4111111111111111
    big = 10**40
    out = policy.apply({"card": card, "big": big, "np": np.int64(card), "f": 1.25, "nf": np.float32(0.5)})
    assert out["card"] == "[PII]"
    assert out["big"] == big and type(out["big"]) is int
    assert out["np"] == "[PII]"
    assert out["f"] == 1.25
    assert out["nf"] == 0.5


def test_bytes(policy: tamis.Policy) -> None:
    out = policy.apply({"b": EMAIL.encode(), "ok": b"plain", "bin": b"\xff\xfe"})
    assert out["b"] == "[PII]"
    assert out["ok"] == b"plain"
    assert out["bin"] == "<bytes>"


def test_text_like_values(policy: tamis.Policy) -> None:
    when = dt.datetime(2024, 3, 5, 10, 20, tzinfo=dt.timezone.utc)
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    out = policy.apply({"when": when, "day": dt.date(2024, 1, 2), "d": decimal.Decimal("1.50"), "u": u})
    assert out == {"when": when, "day": dt.date(2024, 1, 2), "d": decimal.Decimal("1.50"), "u": u}


def test_enums(policy: tamis.Policy) -> None:
    out = policy.apply({"ok": Color.RED, "pii": Color.MAIL})
    assert out["ok"] is Color.RED
    assert out["pii"] == "[PII]"


def test_dataclasses_and_pydantic(policy: tamis.Policy) -> None:
    out = policy.apply({"user": User(email=EMAIL, age=7), "m": Model(email=EMAIL)})
    assert out == {"user": {"email": "[PII]", "age": 7}, "m": {"email": "[PII]", "note": "fine"}}


def test_unknown_objects_never_pass_through(policy: tamis.Policy) -> None:
    class Secretive:
        def __repr__(self) -> str:
            return EMAIL

    out = policy.apply({"o": Secretive(), "f": lambda: 1})
    assert out == {"o": "<Secretive>", "f": "<function>"}


def test_keys(policy: tamis.Policy) -> None:
    out = policy.apply({EMAIL: 1, 5: "five", None: "n", (1, 2): "t"})
    assert EMAIL not in out and any(str(k).startswith("[email") for k in out)
    assert out[5] == "five" and out[None] == "n"
    assert "<tuple>" in out and (1, 2) not in out


def test_cycles_and_depth_are_bounded(policy: tamis.Policy) -> None:
    cyc: list[Any] = []
    cyc.append(cyc)
    out = policy.apply({"c": cyc})
    depth = 0
    node: Any = out["c"]
    while isinstance(node, list):
        node = node[0]
        depth += 1
    assert node == "[tamis:too_deep]" and depth == 64
    fan: list[Any] = []
    fan.extend([fan] * 50)
    assert policy.apply(fan) == {"tamis_quarantined": {"reason": "too_large"}}


def test_numpy_arrays_inside_records(policy: tamis.Policy) -> None:
    out = policy.apply({"a": np.array([1, 2, 3]), "s": np.array([EMAIL, "x"])})
    assert out == {"a": [1, 2, 3], "s": ["[PII]", "x"]}


def test_mask_text_and_report(policy: tamis.Policy) -> None:
    assert policy.mask_text(f"mail {EMAIL} card {CARD}") == "mail [PII] card [PII]"
    out, report = policy.apply_with_report({"a": EMAIL, "password": "x"})
    assert out == {"a": "[PII]"}
    assert report["records"]["in"] == 1 and report["rules"]["pii"] == 1
    assert EMAIL not in repr(report)


def test_apply_many_and_drops() -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "acc"\n[access]\ntype_path = "type"\ndefault = "deny"\n'
        '[[access.grant]]\ntypes = ["ok"]\nroles_any = ["viewer"]\n'
    )
    ctx = {"roles": ["viewer"]}
    out, report = p.apply_many_with_report(
        [{"type": "ok"}, {"type": "no"}, {"type": "ok", "x": 1}], context=ctx
    )
    assert out == [{"type": "ok"}, {"type": "ok", "x": 1}]
    assert report["records"]["dropped_access"] == 1
    assert p.apply({"type": "no"}, context=ctx) is None
    assert p.apply_many(iter([])) == []


def test_apply_many_leaves_the_garbage_collector_as_it_found_it(policy: tamis.Policy) -> None:
    # apply_many pauses the cyclic collector for the call while it holds the GIL (the new
    # containers hold no cycles) and turns it back on only if it was on.
    import gc

    records = [{"a": EMAIL, "nested": {"list": [1, 2, {"b": "x"}]}} for _ in range(2000)]
    seen: list[bool] = []

    def watched() -> Any:
        for r in records:
            seen.append(gc.isenabled())
            yield r

    assert gc.isenabled()
    out = policy.apply_many(watched())
    assert gc.isenabled()
    assert out == [{"a": "[PII]", "nested": {"list": [1, 2, {"b": "x"}]}}] * 2000
    assert seen == [False] * 2000
    gc.disable()
    try:
        policy.apply_many(records)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def failing() -> Any:
        yield {"a": EMAIL}
        raise RuntimeError("the caller's iterator failed")

    with pytest.raises(RuntimeError):
        policy.apply_many(failing())
    assert gc.isenabled()


def test_context_and_now_errors(policy: tamis.Policy) -> None:
    with pytest.raises(tamis.TamisError, match="unknown key"):
        policy.apply({}, context={"role": ["x"]})
    with pytest.raises(tamis.TamisError, match="naive"):
        policy.apply({}, now=dt.datetime(2024, 1, 1))
    with pytest.raises(tamis.TamisError, match="RFC 3339"):
        policy.apply({}, now="yesterday")
    assert policy.apply({}, now=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)) == {}


def test_policy_errors_carry_where() -> None:
    text = 'version = 1\nname = "x"\n[[rule]]\nid = "r1"\npaths = ["a..b"]\naction = "redact"\n'
    with pytest.raises(tamis.PolicyError) as info:
        tamis.Policy.from_toml(text)
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, tamis.TamisError)
    assert e.code == "selector" and e.rule_id == "r1" and e.line == 5 and e.column is not None
    with pytest.raises(tamis.TamisError, match="cannot read"):
        tamis.Policy.from_file("/nonexistent/policy.toml")


def test_from_dict_and_file(tmp_path: Any) -> None:
    d = {"version": 1, "name": "d", "rule": [{"id": "r", "paths": ["a"], "action": "nullify"}]}
    assert tamis.Policy.from_dict(d).apply({"a": 1, "b": 2}) == {"a": None, "b": 2}
    f = tmp_path / "p.json"
    f.write_text(__import__("json").dumps(d))
    assert tamis.Policy.from_file(f).apply({"a": 1}) == {"a": None}


HASH = """
version = 1
name = "h"
[key.default]
env = "TAMIS_TEST_KEY"
id = "k1"
[[rule]]
id = "h"
paths = ["email"]
action = "hash"
key = "default"
"""


def test_keys_from_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAMIS_TEST_KEY", raising=False)
    assert tamis.Policy.from_toml(HASH).apply({"email": EMAIL}) == {"email": "[tamis:no_key]"}
    a = tamis.Policy.from_toml(HASH, keys={"default": "a-long-secret-key"}).apply({"email": EMAIL})
    monkeypatch.setenv("TAMIS_TEST_KEY", "a-long-secret-key")
    b = tamis.Policy.from_toml(HASH).apply({"email": EMAIL})
    assert a == b and a["email"].startswith("h:k1:")
    with pytest.raises(tamis.PolicyError, match="declares no key"):
        tamis.Policy.from_toml(HASH, keys={"other": "x"})


def _work(args: tuple[tamis.Policy, dict[str, Any]]) -> Any:
    policy, rec = args
    return policy.apply(rec)


def test_pickle_through_multiprocessing() -> None:
    p = tamis.Policy.from_toml(HASH, keys={"default": "a-long-secret-key"})
    q = pickle.loads(pickle.dumps(p))
    assert repr(q) == repr(p) and q.id == p.id
    recs = [{"email": f"u{i}@example.com"} for i in range(20)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        got = pool.map(_work, [(p, r) for r in recs])
    assert got == [p.apply(r) for r in recs]
    assert "a-long-secret-key" not in repr(p)


def test_threads_share_one_policy(policy: tamis.Policy) -> None:
    recs = [{"email": f"user{i}@example.com", "n": i} for i in range(2000)]
    want = policy.apply_many(recs)
    results: list[Any] = [None] * 4

    def run(i: int) -> None:
        results[i] = policy.apply_many(recs)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == want for r in results)


def test_policies_with_plugins_are_refused_not_applied_without_them() -> None:
    with pytest.raises(tamis.PolicyError) as e:
        tamis.Policy.from_toml('version = 1\nname = "p"\n[[plugin]]\nid = "acme"\npath = "acme.wasm"\n')
    assert "acme" in str(e.value) and "tamis CLI" in str(e.value)
    assert e.value.code == "invalid-value"


def test_text_with_lone_surrogates_is_masked_not_an_error() -> None:
    p = tamis.Policy.from_toml('version = 1\nname = "p"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n')
    assert p.mask_text("\ud800 x@example.com") == "\ufffd [REDACTED]"
    assert p.apply_json('{"a": "x@example.com"}\ud800') == '{"tamis_quarantined":{"reason":"invalid_json"}}'
    assert p.apply_json_lines("\ud800\n") == '{"tamis_quarantined":{"line":1,"reason":"invalid_json"}}\n'


def test_context_errors_never_quote_what_was_passed() -> None:
    # issue 30, item 11: a context can hold anything; errors name the key, never the value.
    policy = tamis.Policy.from_toml('version = 1\nname = "c"\n')
    for ctx in ({"jane@example.com": 1}, {"roles": "jane@example.com"}, {"purpose": ["jane@example.com"]}):
        with pytest.raises(tamis.TamisError) as e:
            policy.apply({}, context=ctx)
        assert "jane@" not in str(e.value) and "jane@" not in repr(e.value)



def test_run_tests_as_tamis_test_runs_them() -> None:
    """`Policy.run_tests()` runs the [[test]] cases in core, as `tamis test` and Node's
    `runTests()` do: paths and kinds of values in the differences, never values."""
    p = tamis.Policy.from_toml(
        """
version = 1
name = "cases"
[[rule]]
id = "emails"
detect = ["email"]
action = "replace"
[[rule]]
id = "never"
keys = ["nothing_has_this"]
action = "redact"
[[test]]
name = "masks"
input = { a = "x@example.com" }
expect = { a = "[REDACTED]" }
[[test]]
name = "wrong"
input = { a = "secret-y@example.com" }
expect = { a = "secret-y@example.com", b = 1 }
"""
    )
    got = p.run_tests()
    assert got == {
        "cases": [
            {"name": "masks", "passed": True, "differences": []},
            {
                "name": "wrong",
                "passed": False,
                "differences": [
                    "at `a`: expected a string, got a string with a different value",
                    "at `b`: expected a number, the key is missing",
                ],
            },
        ],
        "idle_rules": ["never"],
    }
    assert "secret-y" not in str(got)

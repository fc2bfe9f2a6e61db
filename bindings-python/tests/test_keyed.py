"""The reversible actions from Python: `encrypt`, `fpe` and `shift_date` through `apply`,
`reveal` back for an allowed context only, refusals that name where and why (never a value),
and audit events to a callback or a file. The byte-identical outputs are the `keyed-*`
conformance vectors (test_vectors.py)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tamis

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "10000"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

POLICY_TEXT = """version = 1
name = "keyed"
[key.main]
env = "TAMIS_TEST_KEY"
id = "k1"
[reveal]
roles_any = ["support-lead"]
purposes = ["incident"]
[[rule]]
id = "enc"
paths = ["user.email", "user.age"]
action = "encrypt"
key = "main"
[[rule]]
id = "card"
paths = ["card"]
action = "fpe"
key = "main"
keep_first = 4
keep_last = 4
[[rule]]
id = "dates"
paths = ["visits.*"]
action = "shift_date"
key = "main"
entity = "patient.id"
max_days = 90
[[rule]]
id = "mail"
detect = ["email"]
action = "encrypt"
key = "main"
"""
KEY = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
POLICY = tamis.Policy.from_toml(POLICY_TEXT, keys={"main": KEY})
ALLOWED = {"roles": ["support-lead"], "purpose": "incident"}

RECORD: dict[str, Any] = {
    "patient": {"id": "P-7"},
    "user": {"email": "jane@example.com", "age": 42},
    "card": "4111 1111 1111 1111",
    "visits": {"a": "2024-01-05", "b": "2024-03-01T10:00:00Z", "epoch": 1704412800},
    "note": "mail ops@acme.example please",
}


def test_apply_then_reveal_gives_the_record_back() -> None:
    masked = POLICY.apply(RECORD)
    assert masked["user"]["email"].startswith("e:k1:")
    assert masked["user"]["age"].startswith("e:k1:")
    assert masked["card"][:5] == "4111 " and masked["card"][-5:] == " 1111"
    assert masked["card"] != RECORD["card"]
    assert masked["visits"]["a"] != "2024-01-05"
    assert isinstance(masked["visits"]["epoch"], int)
    assert "ops@acme.example" not in masked["note"]
    assert POLICY.reveal(masked, context=ALLOWED) == RECORD


@pytest.mark.parametrize(
    "context",
    [None, {"roles": ["support-lead"]}, {"roles": ["viewer"], "purpose": "incident"}],
)
def test_reveal_is_denied_outside_the_reveal_section(context: Any) -> None:
    masked = POLICY.apply(RECORD)
    with pytest.raises(tamis.RevealError) as e:
        POLICY.reveal(masked, context=context)
    assert e.value.reason == "denied"
    assert "[reveal]" in str(e.value)


def test_forged_and_foreign_tokens_are_refused_without_the_value() -> None:
    masked = POLICY.apply(RECORD)
    other = tamis.Policy.from_toml(POLICY_TEXT, keys={"main": OTHER})
    with pytest.raises(tamis.RevealError) as e:
        other.reveal(masked, context=ALLOWED)
    assert (e.value.path, e.value.rule_id, e.value.reason) == ("user.email", "enc", "not_verified")
    forged = json.loads(json.dumps(masked))
    forged["user"]["email"] = forged["user"]["email"].replace("e:k1:", "e:k9:")
    with pytest.raises(tamis.RevealError) as e:
        POLICY.reveal(forged, context=ALLOWED)
    assert e.value.reason == "unknown_key"
    assert "e:k" not in str(e.value) and "jane" not in str(e.value)


def test_short_keys_are_policy_errors() -> None:
    with pytest.raises(tamis.PolicyError) as e:
        tamis.Policy.from_toml(POLICY_TEXT, keys={"main": "short"})
    assert e.value.code == "key" and "at least 32" in str(e.value)


def test_audit_events_go_to_a_callback_and_to_a_file(tmp_path: Any) -> None:
    events: list[dict[str, Any]] = []
    audited = POLICY.with_audit(events.append)
    masked = audited.apply(RECORD, context={"roles": ["pipeline"]}, now="2026-12-07T00:00:00Z")
    audited.apply_many([RECORD, RECORD])
    audited.mask_text("write to jane@example.com")
    audited.reveal(masked, context=ALLOWED, now="2026-12-07T01:00:00Z")
    with pytest.raises(tamis.RevealError):
        audited.reveal(masked, context={"roles": ["viewer"]})
    assert [e["event"] for e in events] == ["apply", "apply", "apply", "reveal", "reveal_denied"]
    assert events[0]["time"] == "2026-12-07T00:00:00.000Z"
    assert events[0]["context"]["roles"] == ["pipeline"]
    assert events[0]["rules"]["enc"] == 2 and events[1]["records"]["in"] == 2
    assert events[3]["reveals"]["total"] == 7 and events[3]["records"]["revealed"] == 1
    path = tmp_path / "audit.jsonl"
    POLICY.with_audit(str(path)).apply_many([RECORD])
    POLICY.with_audit(path).apply(RECORD)
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["event"] == "apply"
    text = json.dumps(events) + path.read_text()
    for secret in ["jane", "P-7", "4111", "2024-0", "e:k1", "ops@"]:
        assert secret not in text
    assert POLICY.apply(RECORD) == masked, "the policy without a sink is unchanged"
    with pytest.raises(tamis.TamisError):
        POLICY.with_audit(42)


def test_a_failing_sink_is_raised() -> None:
    def broken(_: dict[str, Any]) -> None:
        raise RuntimeError("sink down")

    with pytest.raises(RuntimeError, match="sink down"):
        POLICY.with_audit(broken).apply(RECORD)


@SETTINGS
@given(
    email=st.text(),
    age=st.integers(min_value=-(2**53), max_value=2**53),
    pid=st.text(min_size=1),
    day=st.dates(min_value=__import__("datetime").date(1900, 6, 1)),
)
def test_reveal_inverts_apply(email: str, age: int, pid: str, day: Any) -> None:
    record = {
        "patient": {"id": pid},
        "user": {"email": email, "age": age},
        "visits": {"a": day.isoformat()},
    }
    masked = POLICY.apply(record)
    assert masked["user"]["email"].startswith("e:k1:")
    assert POLICY.reveal(masked, context=ALLOWED) == record


def test_tables_shift_dates_by_the_row_entity() -> None:
    """A DataFrame, polars frame or Arrow table is masked row by row when a `shift_date` rule
    reads another column (its entity): every date of one patient moves the same way."""
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    policy = tamis.Policy.from_toml(
        POLICY_TEXT.replace('paths = ["visits.*"]', 'paths = ["visit"]').replace(
            'entity = "patient.id"', 'entity = "patient"'
        ),
        keys={"main": KEY},
    )
    rows = {
        "patient": ["a", "a", "b", "b"],
        "visit": ["2024-01-01", "2024-01-11", "2024-01-01", "2024-01-11"],
    }
    for frame in (pd.DataFrame(rows), pl.DataFrame(rows), pa.table(rows)):
        out = policy.apply(frame)
        visits = list(out["visit"].to_pylist() if hasattr(out["visit"], "to_pylist") else out["visit"])
        days = [__import__("datetime").date.fromisoformat(v) for v in visits]
        assert (days[1] - days[0]).days == 10 and (days[3] - days[2]).days == 10, visits
        assert all(v not in rows["visit"] for v in visits[:1]), visits
        assert "[tamis:no_entity]" not in visits


def test_the_audit_sink_travels_with_a_pickled_policy(tmp_path: Any) -> None:
    """A policy pickled to a worker (Spark, Ray, Dask) audits there as it did here; a sink that
    cannot be pickled makes pickling fail, never dropped silently."""
    import pickle

    path = tmp_path / "audit.jsonl"
    worker = pickle.loads(pickle.dumps(POLICY.with_audit(str(path))))
    worker.apply(RECORD)
    assert json.loads(path.read_text())["event"] == "apply"
    with pytest.raises(Exception):
        pickle.dumps(POLICY.with_audit(lambda e: None))
    assert pickle.loads(pickle.dumps(POLICY)).apply(RECORD) == POLICY.apply(RECORD)

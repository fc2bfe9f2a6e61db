"""Properties of the wheel on arbitrary Python data (Hypothesis, 10,000 examples each in CI):
apply never raises and never changes its input; a planted canary under a covered key or as a
detected value never survives; applying twice gives what applying once gives; records are
conserved (in = out + dropped + quarantined); `mask_text` is invariant to splitting the text
at line breaks."""

from __future__ import annotations

import math
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tamis

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "10000"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CANARY = "canary.7f3e@leak.example"

POLICY = tamis.Policy.from_toml(
    """version = 1
name = "properties"
[[rule]]
id = "secrets"
keys = ["password", "*token*"]
action = "redact"
[[rule]]
id = "pii"
detect = ["email", "credit_card", "us_ssn", "phone", "iban", "ip"]
action = "replace"
[[rule]]
id = "partial"
paths = ["**.name"]
action = "partial"
"""
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=20),
)
keys = st.one_of(st.text(max_size=12), st.sampled_from(["password", "name", "token", "email"]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(keys, inner, max_size=5),
    ),
    max_leaves=30,
)
records = st.dictionaries(keys, values, max_size=6)


def canon(v: Any) -> str:
    """A comparable spelling (NaN equal to NaN)."""
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, dict):
        return "{" + ",".join(f"{canon(k)}:{canon(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return type(v).__name__ + "[" + ",".join(canon(x) for x in v) + "]"
    return repr(v)


@SETTINGS
@given(records)
def test_apply_never_raises_and_never_changes_its_input(record: dict[str, Any]) -> None:
    before = canon(record)
    out = POLICY.apply(record)
    assert canon(record) == before
    assert isinstance(out, dict)


@SETTINGS
@given(records, st.sampled_from(["password", "x_token_y"]), st.integers(0, 3))
def test_a_canary_under_a_covered_key_never_survives(
    record: dict[str, Any], key: str, depth: int
) -> None:
    planted: Any = {key: CANARY}
    for _ in range(depth):
        planted = {"n": [planted]}
    record = {**record, "plant": planted, "free": f"mail {CANARY} now"}
    out = POLICY.apply(record)
    assert CANARY not in repr(out)
    _, report = POLICY.apply_with_report(record)
    assert CANARY not in repr(report)


@SETTINGS
@given(records)
def test_applying_twice_gives_what_applying_once_gives(record: dict[str, Any]) -> None:
    once = POLICY.apply(record)
    assert canon(POLICY.apply(once)) == canon(once)


@SETTINGS
@given(st.lists(records, max_size=8))
def test_records_are_conserved(batch: list[dict[str, Any]]) -> None:
    out, report = POLICY.apply_many_with_report(batch)
    r = report["records"]
    assert r["in"] == len(batch)
    assert r["in"] == r["out"] + r["dropped_access"] + r["dropped_retention"] + r["dropped_plugin"] + r["quarantined"]
    assert len(out) == r["out"] + r["quarantined"]


@SETTINGS
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=60), min_size=1, max_size=5))
def test_mask_text_is_invariant_to_splitting_at_line_breaks(lines: list[str]) -> None:
    whole = POLICY.mask_text("\n".join(lines))
    assert whole == "\n".join(POLICY.mask_text(line) for line in lines)

"""Numbered placeholders and sessions on the real wheel: numbers per type and value within a
record, within a session across calls and streams, `restore` of what a session issued, tables
masked row by row, and a session that never shows or pickles its values."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import tamis

POLICY = tamis.Policy.from_toml(
    """version = 1
name = "p"
[[rule]]
id = "who"
detect = ["email", "phone"]
action = "placeholder"
[[rule]]
id = "customer"
paths = ["customer"]
action = "placeholder"
"""
)


def test_the_same_value_gets_the_same_number_within_a_record() -> None:
    record = {"customer": "Jane Roe", "msg": "mail a@example.com, b@example.com, a@example.com", "cc": ["b@example.com"]}
    want = {"customer": "<CUSTOMER_1>", "msg": "mail <EMAIL_1>, <EMAIL_2>, <EMAIL_1>", "cc": ["<EMAIL_2>"]}
    assert POLICY.apply(record) == want
    assert POLICY.apply(want) == want
    assert POLICY.apply_many([record, {"msg": "b@example.com"}]) == [want, {"msg": "<EMAIL_1>"}]


def test_tables_are_numbered_row_by_row() -> None:
    df = pd.DataFrame({"customer": ["Jane", "Max", "Jane"], "a": ["x@example.com", "y@example.com", "y@example.com"],
                       "b": ["x@example.com", "x@example.com", "z@example.com"]})
    out = POLICY.apply(df)
    assert out.to_dict("records") == [
        {"customer": "<CUSTOMER_1>", "a": "<EMAIL_1>", "b": "<EMAIL_1>"},
        {"customer": "<CUSTOMER_1>", "a": "<EMAIL_1>", "b": "<EMAIL_2>"},
        {"customer": "<CUSTOMER_1>", "a": "<EMAIL_1>", "b": "<EMAIL_2>"},
    ]


def test_a_session_numbers_across_calls_and_streams_and_restores_only_its_own() -> None:
    session = POLICY.session()
    assert isinstance(session, tamis.Session)
    assert session.mask_text("I am a@example.com") == "I am <EMAIL_1>"
    assert session.apply({"customer": "Jane Roe", "msg": "cc b@example.com and a@example.com"}) == {
        "customer": "<CUSTOMER_1>", "msg": "cc <EMAIL_2> and <EMAIL_1>"}
    stream = session.stream()
    with pytest.raises(tamis.TamisError, match="in use"):
        session.mask_text("x")
    out = stream.push("c@example.com a@exa") + stream.push(b"mple.com\n") + stream.finish()
    assert out == "<EMAIL_3> <EMAIL_1>\n"
    assert len(session) == 4
    assert session.apply_many([{"msg": "a@example.com"}, {"msg": "e@example.com"}]) == [
        {"msg": "<EMAIL_1>"}, {"msg": "<EMAIL_4>"}]
    assert len(session) == 5
    answer = "Dear <CUSTOMER_1>, we wrote to <EMAIL_3> (not <EMAIL_9>)."
    assert session.restore(answer) == "Dear Jane Roe, we wrote to c@example.com (not <EMAIL_9>)."
    assert POLICY.session().restore(answer) == answer
    # A stream dropped unfinished gives the session back.
    dropped = session.stream()
    dropped.push("d@example.com\n")
    del dropped
    assert session.mask_text("d@example.com") == "<EMAIL_5>"
    # Never shown, never pickled.
    assert "example.com" not in repr(session)
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(session)
    with pytest.raises(TypeError):
        session.apply(pd.DataFrame({"a": [1]}))


def test_template_and_label_errors_name_the_rule() -> None:
    with pytest.raises(tamis.PolicyError) as e:
        tamis.Policy.from_toml('version = 1\nname = "p"\n[[rule]]\nid = "e"\ndetect = ["email"]\n'
                               'action = "placeholder"\ntemplate = "<{TYPE}>"\n')
    assert e.value.rule_id == "e"
    assert e.value.line == 7
    assert "{n}" in str(e.value)

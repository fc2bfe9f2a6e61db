"""The Python wheel against its peers, with pytest-benchmark, ratios printed at the end:

    target/venv/bin/pip install -r bench/python/requirements.txt
    target/venv/bin/python -m pytest bench/python -p no:cacheprovider

- apply_many on 10k records of ~1.4 KB with 20 path rules vs orjson.loads(orjson.dumps(...))
  (target: at most 1.5x its time) and vs a pure-Python recursive redactor (target: 10x faster);
- mask_text on 20,000 log lines (a value in one line of five: email, card, phone, SSN, IP) vs
  Presidio's pattern recognizers for the same five entity types (no NLP model; target: 30x) and
  DataFog's RegexAnnotator (target: 10x), with match counts;
- summarize on 1M x 10 float cells vs polars describe() (target: at least 1.0x).
"""

from __future__ import annotations

import json
import random
from typing import Any, Callable

import numpy as np
import orjson
import polars as pl

import pytest

import tamis

from conftest import MEDIANS, NOTES

RULES = [
    "user.email", "user.phone", "user.name", "user.address.street", "user.address.zip",
    "payment.card", "payment.iban", "payment.cvv", "auth.token", "auth.session",
    "auth.password", "request.headers.authorization", "request.headers.cookie", "request.ip",
    "device.id", "device.mac", "meta.trace_secret", "meta.owner", "notes.private", "geo.lat",
]


def policy() -> tamis.Policy:
    rules = "\n".join(
        f'[[rule]]\nid = "r{i}"\npaths = ["{p}"]\naction = "replace"\n' for i, p in enumerate(RULES)
    )
    return tamis.Policy.from_toml(f'version = 1\nname = "bench"\n{rules}')


def record(rng: random.Random, i: int) -> dict[str, Any]:
    word = lambda n: "".join(rng.choice("abcdefghij") for _ in range(n))  # noqa: E731
    return {
        "id": i,
        "user": {"email": f"{word(8)}@example.com", "phone": "+1 415 555 0100", "name": word(12),
                 "address": {"street": word(20), "zip": "94105", "city": word(9)}},
        "payment": {"card": "4111 1111 1111 1111", "iban": "DE89370400440532013000", "cvv": "123",
                    "amount": rng.random() * 100},
        "auth": {"token": word(40), "session": word(32), "password": word(12)},
        "request": {"headers": {"authorization": "Bearer " + word(40), "cookie": word(60),
                                "user_agent": word(80)}, "ip": "10.0.0.1", "path": "/" + word(30)},
        "device": {"id": word(16), "mac": "00:1a:2b:3c:4d:5e", "os": word(8)},
        "meta": {"trace_secret": word(24), "owner": word(10), "tags": [word(6) for _ in range(8)]},
        "notes": {"private": word(200), "public": word(300)},
        "geo": {"lat": 37.7, "lon": -122.4},
    }


def py_redact(v: Any, path: tuple[str, ...], targets: set[tuple[str, ...]]) -> Any:
    if path in targets:
        return "[REDACTED]"
    if isinstance(v, dict):
        return {k: py_redact(x, (*path, k), targets) for k, x in v.items()}
    if isinstance(v, list):
        return [py_redact(x, path, targets) for x in v]
    return v


def run(benchmark: Any, name: str, fn: Callable[[], Any], rounds: int = 7) -> Any:
    out = benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=1)
    MEDIANS[name] = benchmark.stats.stats.median
    return out


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    rng = random.Random(7)
    return [record(rng, i) for i in range(10_000)]


TARGETS = {tuple(r.split(".")) for r in RULES}


@pytest.mark.benchmark(group="apply_many")
def test_tamis_apply_many(benchmark: Any, records: list[dict[str, Any]]) -> None:
    p = policy()
    assert p.apply(records[0]) == py_redact(records[0], (), TARGETS)
    out = run(benchmark, "tamis_apply_many", lambda: p.apply_many(records))
    assert len(out) == len(records)


@pytest.mark.benchmark(group="apply_many")
def test_orjson(benchmark: Any, records: list[dict[str, Any]]) -> None:
    run(benchmark, "orjson", lambda: orjson.loads(orjson.dumps(records)))


@pytest.mark.benchmark(group="apply_many")
def test_pure_python(benchmark: Any, records: list[dict[str, Any]]) -> None:
    run(benchmark, "pure_python", lambda: [py_redact(r, (), TARGETS) for r in records])


def log_lines(n: int) -> list[str]:
    rng = random.Random(11)
    values = [
        lambda: f"user {rng.randrange(10**6)}@example.com signed in",
        lambda: "charged card 4111 1111 1111 1111 for order",
        lambda: "called +1 415 555 0100 back",
        lambda: "ssn 123-45-6789 on file",
        lambda: f"request from 10.{rng.randrange(255)}.0.7",
    ]
    out = []
    for i in range(n):
        base = (
            f"2026-11-22T10:00:{i % 60:02d}Z INFO worker-{i % 8} handled job {i} "
            f"in {rng.randrange(900)} ms"
        )
        out.append(f"{base}: {values[(i // 5) % 5]()}" if i % 5 == 0 else base)
    return out


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return log_lines(20_000)


@pytest.mark.benchmark(group="mask_text")
def test_tamis_mask_text(benchmark: Any, lines: list[str]) -> None:
    p = tamis.Policy.from_toml(
        'version = 1\nname = "text"\n[[rule]]\nid = "pii"\n'
        'detect = ["email", "credit_card", "phone", "us_ssn", "ip"]\naction = "replace"\n'
    )
    out = run(benchmark, "tamis_mask_text", lambda: [p.mask_text(line) for line in lines])
    NOTES.append(f"mask_text matches: tamis {sum(o.count('[REDACTED]') for o in out)} of {len(lines) // 5} planted")


@pytest.mark.benchmark(group="mask_text")
def test_presidio(benchmark: Any, lines: list[str]) -> None:
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    recognizers = [
        EmailRecognizer(), CreditCardRecognizer(), PhoneRecognizer(), UsSsnRecognizer(), IpRecognizer(),
    ]

    def analyze() -> int:
        found = 0
        for line in lines:
            for r in recognizers:
                found += len(r.analyze(line, r.supported_entities, None))
        return found

    found = run(benchmark, "presidio", analyze, rounds=3)
    NOTES.append(f"mask_text matches: Presidio {found}")


@pytest.mark.benchmark(group="mask_text")
def test_datafog(benchmark: Any, lines: list[str]) -> None:
    from datafog.processing.text_processing.regex_annotator.regex_annotator import RegexAnnotator

    annotator = RegexAnnotator(enabled_labels=["EMAIL", "PHONE", "SSN", "CREDIT_CARD", "IP_ADDRESS"])

    def annotate() -> int:
        return sum(len(v) for line in lines for v in annotator.annotate(line).values())

    found = run(benchmark, "datafog", annotate)
    NOTES.append(f"mask_text matches: DataFog {found}")


@pytest.fixture(scope="module")
def frame() -> Any:
    nrng = np.random.default_rng(7)
    return pl.DataFrame({f"c{i}": nrng.normal(size=1_000_000) for i in range(10)})


@pytest.mark.benchmark(group="summarize")
def test_tamis_summarize(benchmark: Any, frame: Any) -> None:
    p = policy()
    out = run(benchmark, "tamis_summarize", lambda: p.summarize(frame), rounds=5)
    assert len(out) == 10


@pytest.mark.benchmark(group="summarize")
def test_polars_describe(benchmark: Any, frame: Any) -> None:
    run(benchmark, "polars_describe", lambda: frame.describe(), rounds=5)

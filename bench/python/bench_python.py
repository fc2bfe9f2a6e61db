"""Python front end against its peers, measured in one run (medians of interleaved repeats).

    target/venv/bin/python bench/python/bench_python.py

- apply_many on 10k records of ~1.4 KB with 20 path rules vs orjson.loads(orjson.dumps(...))
  (target: at most 1.5x its time) and vs a pure-Python recursive redactor (target: 10x faster);
- summarize on 1M x 10 cells vs polars describe() (target: at least 1.0x).
Presidio and DataFog (mask_text) are not measured here yet.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any, Callable

import numpy as np
import orjson
import polars as pl

import tamis

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


def median_times(cases: dict[str, Callable[[], Any]], repeat: int = 7) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(repeat):
        for name, fn in cases.items():  # interleaved
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    rng = random.Random(7)
    recs = [record(rng, i) for i in range(10_000)]
    size = len(json.dumps(recs[0]))
    p = policy()
    targets = {tuple(r.split(".")) for r in RULES}
    assert p.apply(recs[0]) == py_redact(recs[0], (), targets)
    t = median_times({
        "tamis apply_many": lambda: p.apply_many(recs),
        "orjson round trip": lambda: orjson.loads(orjson.dumps(recs)),
        "pure-Python redactor": lambda: [py_redact(r, (), targets) for r in recs],
    })
    print(f"records: 10,000 x {size} B, 20 path rules")
    for k, v in t.items():
        print(f"  {k:24s} {v * 1000:8.1f} ms")
    print(f"  tamis / orjson time: {t['tamis apply_many'] / t['orjson round trip']:.2f} (target <= 1.5)")
    print(f"  pure Python / tamis: {t['pure-Python redactor'] / t['tamis apply_many']:.1f}x (target >= 10)")

    nrng = np.random.default_rng(7)
    df = pl.DataFrame({f"c{i}": nrng.normal(size=1_000_000) for i in range(10)})
    t = median_times({
        "tamis summarize": lambda: p.summarize(df),
        "polars describe": lambda: df.describe(),
    }, repeat=5)
    print("summaries: 1,000,000 x 10 float cells")
    for k, v in t.items():
        print(f"  {k:24s} {v * 1000:8.1f} ms")
    print(f"  polars / tamis time: {t['polars describe'] / t['tamis summarize']:.2f} (target >= 1.0)")


if __name__ == "__main__":
    main()

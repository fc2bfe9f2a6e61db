"""Collects the medians of bench/python/test_bench.py and prints the ratios with their targets."""

from __future__ import annotations

from typing import Any

MEDIANS: dict[str, float] = {}
NOTES: list[str] = []

# (label, slower, faster, target): the ratio is median(slower) / median(faster).
RATIOS = [
    ("apply_many: orjson round trip time / tamis time", "orjson", "tamis_apply_many", 1 / 1.5),
    ("apply_many: pure-Python redactor / tamis", "pure_python", "tamis_apply_many", 10.0),
    ("mask_text: Presidio (pattern recognizers) / tamis", "presidio", "tamis_mask_text", 30.0),
    ("mask_text: DataFog (RegexAnnotator) / tamis", "datafog", "tamis_mask_text", 10.0),
    ("summarize: polars describe() / tamis", "polars_describe", "tamis_summarize", 1.0),
]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    tr = terminalreporter
    tr.section("tamis against its peers (medians of this run)")
    for name, med in MEDIANS.items():
        tr.write_line(f"  {name:24s} {med * 1000:10.2f} ms")
    for label, slow, fast, target in RATIOS:
        if slow in MEDIANS and fast in MEDIANS:
            r = MEDIANS[slow] / MEDIANS[fast]
            verdict = "met" if r >= target else "NOT met"
            tr.write_line(f"  {label}: {r:.2f} (target >= {target:.2f}: {verdict})")
    for note in NOTES:
        tr.write_line(f"  {note}")

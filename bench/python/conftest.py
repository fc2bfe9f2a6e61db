"""Collects the medians of bench/python/test_bench.py and prints the ratios with their targets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from workloads import FLOOR  # noqa: E402

MEDIANS: dict[tuple[str, str], float] = {}

# (row, peer side, target): the ratio is median(peer) / median(tamis side of the row).
RATIOS = [
    ("py.apply_many", "orjson round trip", 1 / 1.5),
    ("py.apply_many", "pure-Python redactor", 10.0),
    ("py.mask_text", "Presidio (pattern recognizers)", 30.0),
    ("py.mask_text", "DataFog RegexAnnotator", 10.0),
    ("py.summarize_numeric", "polars describe()", 1.0),
]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    tr = terminalreporter
    tr.section("tamis against its peers (medians of this run)")
    for (row, side), med in MEDIANS.items():
        tr.write_line(f"  {row:22s} {side:34s} {med * 1000:10.2f} ms")
    for row, peer, target in RATIOS:
        tamis = next((m for (r, s), m in MEDIANS.items() if r == row and s.startswith("tamis")), None)
        if tamis and (row, peer) in MEDIANS:
            r = MEDIANS[(row, peer)] / tamis
            tr.write_line(f"  {row}: {peer} / tamis = {r:.2f} (target >= {target:.2f}: {'met' if r >= target else 'NOT met'})")
    redactor = MEDIANS.get(("py.apply_many", "pure-Python redactor"))
    floor = MEDIANS.get(("py.apply_many", FLOOR))
    if redactor and floor:
        tr.write_line(f"  py.apply_many: pure-Python redactor / {FLOOR} = {redactor / floor:.2f} (no apply_many that returns new containers does better)")

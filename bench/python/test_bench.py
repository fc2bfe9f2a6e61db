"""The Python wheel against its peers with pytest-benchmark, on the inputs of `tamis-bench gen`
(bench/run runs the same workloads, interleaved with the other front ends):

    target/release/tamis-bench gen bench/out
    target/bench-venv/bin/python -m pytest bench/python -p no:cacheprovider

Rows and sides are those of workloads.py; conftest.py prints the ratios with their targets.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import workloads
from conftest import MEDIANS

DIR = workloads.inputs(os.environ.get("TAMIS_BENCH_DIR", Path(__file__).parent.parent / "out"))
ROWS = {row.name: row for row in workloads.all_rows(DIR)}
CASES = [(name, side) for name, row in ROWS.items() for side in row.sides]


@pytest.mark.parametrize(("row", "side"), CASES, ids=[f"{r}:{s}" for r, s in CASES])
def test_side(benchmark: Any, row: str, side: str) -> None:
    benchmark.group = row
    rounds = 3 if row == "py.mask_text" else 5
    benchmark.pedantic(ROWS[row].sides[side], rounds=rounds, iterations=1, warmup_rounds=1)
    MEDIANS[(row, side)] = benchmark.stats.stats.median

"""One round of the Python comparisons for bench/run: each side of each row once, interleaved,
printed as JSON lines `{"row", "side", "secs", "bytes", "found"}` (plus one `meta` line per row).
A side whose first call takes under a second is timed on its second call (the first warms
caches and lazy set-up up); a slower side's first call is timed (its one-time costs are small
next to it).

    target/bench-venv/bin/python bench/python/round.py bench/out
"""

from __future__ import annotations

import gc
import json
import sys
import time
from typing import Callable

import workloads


def timed(fn: Callable[[], int | None]) -> tuple[float, int | None]:
    gc.collect()
    t = time.perf_counter()
    found = fn()
    return time.perf_counter() - t, found


def main() -> None:
    d = workloads.inputs(sys.argv[1] if len(sys.argv) > 1 else "bench/out")
    rows = workloads.all_rows(d)
    spacy = workloads.spacy_row(d)
    if isinstance(spacy, str):
        print(json.dumps({"row": "py.mask_text_spacy", "meta": {"note": spacy}}))
    else:
        rows.append(spacy)
    for row in rows:
        print(json.dumps({"row": row.name, "meta": row.meta}))
        for side, fn in row.sides.items():
            secs, found = timed(fn)
            if secs < 1.0:
                secs, found = timed(fn)
            print(json.dumps({"row": row.name, "side": side, "secs": secs, "bytes": row.bytes, "found": found}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

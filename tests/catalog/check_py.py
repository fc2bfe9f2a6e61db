#!/usr/bin/env python3
"""Checks the detector catalog (core/catalog/*.toml) against its value generators
(tests/catalog/gen/*.py) with Python's `re`, without building the Rust crate.

For every catalog file it checks the entry format (core/catalog/README.md): required fields,
unique snake_case names (also against the built-in scanners), valid groups, ASCII patterns that
compile, bounded repetitions and a longest match of at most 1024 bytes, line-local patterns
(no `\s`, no negated class admitting `\n`, no `^`/`$` text anchors), keywords present.

For every generator module gen/<stem>.py it checks that CASES names exactly the entries of
<stem>.toml, then for each entry, with a fixed seed:
  - N hits: a keyword occurs in the text (else the engine would not run the pattern), the
    pattern masks exactly the secret (the `v` group if the pattern has one, else the whole
    match) in `before + secret + after` and inside a sentence, and a `context` word is near;
  - N near misses: no catalog entry at all (keyword- and context-gated, validators applied,
    like the engine) masks anything in the near miss, alone, inside a sentence or on its own
    line (--no-cross: only the near miss's own entry).

Python's `re` is close enough to Rust `regex` for these patterns: (?P<v>...), \b, {m,n}, (?i)
at the start or (?i:...) scoped; re.ASCII gives the ASCII classes Rust uses with Unicode off.

Usage: python3 tests/catalog/check_py.py [-n N] [--seed S] [--no-cross] [stem ...]
Exit status 0 when everything passed; the last line reads "N passed, M failed".
"""

import argparse
import importlib.util
import pathlib
import random
import re
import sys
import tomllib

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOG = ROOT / "core" / "catalog"
GEN = pathlib.Path(__file__).resolve().parent / "gen"

GROUPS = {"secrets", "national_id", "financial", "crypto", "network", "contact"}
REQUIRED = ("name", "group", "pattern", "example", "source", "default")
ALLOWED = set(REQUIRED) | {"keywords", "validator", "context", "generic"}  # as core/build.rs reads them
BUILTINS = {
    "email", "phone", "credit_card", "us_ssn", "iban", "ip", "mac", "jwt", "aws_key",
    "github_token", "slack_token", "stripe_key", "google_api_key", "private_key",
    "bearer_token", "url_credentials", "high_entropy",
}
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MAX_MATCH = 1024
CONTEXT_BEFORE, CONTEXT_AFTER = 64, 32
UNVERIFIABLE: set = set()
COVERED: set = set()
CROSS = True


# --------------------------------------------------------------------------------------------
# Validators, re-implemented from their specifications so that the checks apply them as the
# engine does (a match failing its validator is not a finding). Names the file does not know
# are looked up as v_<name> in the other tests/catalog/check_*.py scripts; a validator found
# nowhere makes that entry's findings "unverifiable" (reported, never counted as a hit).

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _alnum(v: str) -> str:
    return "".join(c for c in v if c.isascii() and c.isalnum())


def v_luhn(v: str) -> bool:
    s = _alnum(v)
    if not s.isdigit() or len(s) < 2:
        return False
    total = 0
    for i, c in enumerate(reversed(s)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def v_mod97(v: str) -> bool:
    s = _alnum(v).upper()
    if len(s) < 5:
        return False
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def v_base58check(v: str) -> bool:
    import hashlib
    n = 0
    for c in v:
        i = B58.find(c)
        if i < 0:
            return False
        n = n * 58 + i
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(v) - len(v.lstrip("1"))) + raw
    if len(raw) < 5:
        return False
    body, check = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == check


def v_bech32(v: str) -> bool:
    if v.lower() != v and v.upper() != v:
        return False
    v = v.lower()
    pos = v.rfind("1")
    if pos < 1 or pos + 7 > len(v):
        return False
    hrp, data = v[:pos], v[pos + 1:]
    if any(c not in BECH32 for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [BECH32.index(c) for c in data]
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for x in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ x
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk in (1, 0x2BC830A3)


def _keccak256(data: bytes) -> bytes:
    rc = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
    rot = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
    mask = (1 << 64) - 1
    rate = 136
    msg = bytearray(data) + b"\x01"
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        for rnd in range(24):
            c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ ((c[(x + 1) % 5] << 1 | c[(x + 1) % 5] >> 63) & mask) for x in range(5)]
            a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    r = rot[x][y]
                    b[y][(2 * x + 3 * y) % 5] = ((a[x][y] << r) | (a[x][y] >> (64 - r))) & mask if r else a[x][y]
            a = [[b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
            a[0][0] ^= rc[rnd]
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def v_eip55(v: str) -> bool:
    h = v[2:] if v[:2] in ("0x", "0X") else v
    if len(h) != 40 or any(c not in "0123456789abcdefABCDEF" for c in h):
        return False
    if h == h.lower() or h == h.upper():
        return True
    digest = _keccak256(h.lower().encode()).hex()
    return all(
        (c.upper() if int(digest[i], 16) >= 8 else c.lower()) == c
        for i, c in enumerate(h)
    )


LOCAL_VALIDATORS = {
    "luhn": v_luhn,
    "mod97": v_mod97,
    "base58check": v_base58check,
    "bech32": v_bech32,
    "eip55": v_eip55,
}
_FOREIGN: dict = {}


def find_validator(name: str):
    """The Python validator for `name`, or None when no script here implements it."""
    if name in LOCAL_VALIDATORS:
        return LOCAL_VALIDATORS[name]
    if not _FOREIGN:
        _FOREIGN["loaded"] = True
        for path in sorted(pathlib.Path(__file__).resolve().parent.glob("check_*.py")):
            if path.resolve() == pathlib.Path(__file__).resolve():
                continue
            try:
                spec = importlib.util.spec_from_file_location(f"catalog_check_{path.stem}", path)
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
            except Exception:
                continue
            for attr in dir(mod):
                if attr.startswith("v_") and callable(getattr(mod, attr)):
                    _FOREIGN.setdefault(attr[2:], getattr(mod, attr))
    return _FOREIGN.get(name)


def _fold(s: str) -> str:
    return s.lower().translate(str.maketrans(" -.", "___"))


class Entry:
    def __init__(self, raw: dict, file: str):
        self.raw = raw
        self.file = file
        self.name = raw.get("name", "?")
        self.keywords = [k.lower() for k in raw.get("keywords", [])]
        self.context = [c.lower() for c in raw.get("context", [])]
        self.validator_name = raw.get("validator")
        self.validator = find_validator(self.validator_name) if self.validator_name else None
        self.regex = None

    def compile(self):
        self.regex = re.compile(self.raw["pattern"], re.ASCII)
        return self.regex

    def runs_on(self, text: str) -> bool:
        if not self.keywords:
            return True
        low = text.lower()
        return any(k in low for k in self.keywords)

    def context_ok(self, text: str, start: int, end: int) -> bool:
        """As the engine: a context word within CONTEXT_BEFORE bytes before the whole match or
        CONTEXT_AFTER bytes after it (not inside it), ASCII case ignored and ' ', '_', '-', '.'
        taken as one. (The engine also accepts the word in the key name; the checks give none.)"""
        if not self.context:
            return True
        before = _fold(text[max(0, start - CONTEXT_BEFORE):start])
        after = _fold(text[end:end + CONTEXT_AFTER])
        return any(_fold(c) in before or _fold(c) in after for c in self.context)

    def findings(self, text: str):
        """Masked spans, as the engine would report them (keyword and context gated)."""
        if not self.runs_on(text):
            return []
        out = []
        for m in self.regex.finditer(text):
            span = m.span("v") if "v" in self.regex.groupindex else m.span()
            if span[0] == span[1] or span[0] < 0:
                continue
            if not self.context_ok(text, m.start(), m.end()):
                continue
            if self.validator_name:
                if self.validator is None:
                    UNVERIFIABLE.add(self.name)
                    continue
                if not self.validator(text[span[0]:span[1]]):
                    continue
            out.append(span)
        return out


def crosses_lines(pattern: str) -> str | None:
    """Why the pattern is not line-local as core/build.rs requires (None if it is): it can match
    a line break (`\s`, a negated class without `\n`, a literal newline) or is anchored to the
    text's start or end (`^`, `$`, `\A`, `\Z` outside multi-line mode; `(?m:$)` is a line end)."""
    c = sre_parse
    try:
        tree = c.parse(pattern, re.ASCII)
    except re.error:
        return None

    def in_class(items) -> bool:
        negate = False
        hit = False
        for op, av in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                hit |= av == 10
            elif op is c.RANGE:
                hit |= av[0] <= 10 <= av[1]
            elif op is c.CATEGORY:
                hit |= av in (c.CATEGORY_SPACE, c.CATEGORY_NOT_DIGIT, c.CATEGORY_NOT_WORD, c.CATEGORY_LINEBREAK)
        return hit != negate

    def walk(seq, flags) -> str | None:
        for op, av in seq:
            if op is c.LITERAL and av == 10:
                return "a literal line break"
            if op is c.NOT_LITERAL and av != 10:
                return "a negated literal (matches the line break)"
            if op is c.IN and in_class(av):
                return "a class that admits the line break (\\s, or a negated class without \\n)"
            if op is c.ANY and flags & re.DOTALL:
                return "'.' in DOTALL mode"
            if op is c.AT:
                if av in (c.AT_BEGINNING_STRING, c.AT_END_STRING):
                    return "\\A or \\Z"
                if av in (c.AT_BEGINNING, c.AT_END) and not flags & re.MULTILINE:
                    return "^ or $ (anchored to the text; write (?m:^) / (?m:$) for a line's)"
            if op is c.SUBPATTERN:
                _group, add, dele, sub = av
                r = walk(sub, (flags | add) & ~dele)
                if r:
                    return r
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                r = walk(av[2], flags)
                if r:
                    return r
            elif op is c.BRANCH:
                for b in av[1]:
                    r = walk(b, flags)
                    if r:
                        return r
            elif op in (c.ASSERT, c.ASSERT_NOT):
                r = walk(av[1], flags)
                if r:
                    return r
            elif op is getattr(c, "ATOMIC_GROUP", None):
                r = walk(av, flags)
                if r:
                    return r
        return None

    return walk(tree, tree.state.flags)


def load_catalog(errors: list) -> list:
    entries = []
    for path in sorted(CATALOG.glob("*.toml")):
        with path.open("rb") as f:
            try:
                data = tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                errors.append(f"{path.name}: TOML error: {e}")
                continue
        for raw in data.get("detector", []):
            entries.append(Entry(raw, path.stem))
    return entries


def check_format(entries: list, errors: list, warnings: list):
    seen = {}
    for e in entries:
        where = f"{e.file}.toml:{e.name}"
        raw = e.raw
        for key in REQUIRED:
            if key not in raw:
                errors.append(f"{where}: missing field {key!r}")
        for key in raw:
            if key not in ALLOWED:
                errors.append(f"{where}: unknown field {key!r}")
        if not NAME_RE.match(e.name):
            errors.append(f"{where}: name is not snake_case")
        if e.name in BUILTINS:
            errors.append(f"{where}: name repeats a built-in scanner")
        if e.name in seen:
            errors.append(f"{where}: name also used in {seen[e.name]}.toml")
        seen[e.name] = e.file
        if raw.get("group") not in GROUPS:
            errors.append(f"{where}: group {raw.get('group')!r} is not one of {sorted(GROUPS)}")
        if not isinstance(raw.get("default"), bool):
            errors.append(f"{where}: default must be true or false")
        if "generic" in raw and not isinstance(raw["generic"], bool):
            errors.append(f"{where}: generic must be true or false")
        for key in ("example", "source"):
            if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
                errors.append(f"{where}: {key} must be a non-empty string")
        for key in ("keywords", "context"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(k, str) and k and k.isascii() for k in value):
                errors.append(f"{where}: {key} must be a list of non-empty ASCII strings")
        if not raw.get("keywords"):
            if raw.get("group") == "secrets":
                errors.append(f"{where}: a secrets entry needs keywords")
            elif not raw.get("validator") and not raw.get("context"):
                warnings.append(f"{where}: no keywords, no validator and no context")
        pattern = raw.get("pattern", "")
        if not isinstance(pattern, str) or not pattern.isascii():
            errors.append(f"{where}: pattern must be an ASCII string")
            continue
        try:
            e.compile()
        except re.error as ex:
            errors.append(f"{where}: pattern does not compile: {ex}")
            continue
        try:
            lo, hi = sre_parse.parse(pattern, re.ASCII).getwidth()
        except Exception as ex:  # pragma: no cover
            errors.append(f"{where}: cannot measure pattern: {ex}")
            continue
        if hi > MAX_MATCH:
            errors.append(f"{where}: longest match {'unbounded' if hi >= 65535 else hi} > {MAX_MATCH}")
        if lo == 0:
            errors.append(f"{where}: pattern can match the empty string")
        why = crosses_lines(pattern)
        if why:
            errors.append(f"{where}: not line-local: {why}")
        names = [g for g in e.regex.groupindex if g != "v"]
        if names:
            errors.append(f"{where}: the only named group may be `v`, not {names}")
        if "(?<" in pattern.replace("(?P<", "") or "(?=" in pattern or "(?!" in pattern:
            errors.append(f"{where}: lookaround is not supported by Rust regex")
        if re.search(r"\\[1-9]|\(\?P=", pattern):
            errors.append(f"{where}: backreferences are not supported by Rust regex")


def load_gen(path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(f"catalog_gen_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_hit(value):
    if isinstance(value, str):
        return "", value, ""
    before, secret, after = value
    return before, secret, after


def check_cases(stem: str, module, entries: list, all_entries: list, n: int, seed: int, errors: list) -> tuple:
    by_name = {e.name: e for e in entries}
    cases = getattr(module, "CASES", None)
    if not isinstance(cases, dict):
        errors.append(f"gen/{stem}.py: no CASES dict")
        return 0, 1
    for name in sorted(set(by_name) - set(cases)):
        errors.append(f"gen/{stem}.py: no case for {name}")
    for name in sorted(set(cases) - set(by_name)):
        errors.append(f"gen/{stem}.py: case {name} has no entry in {stem}.toml")
    passed = failed = 0
    COVERED.update(set(cases) & set(by_name))
    live = [e for e in all_entries if e.regex is not None]
    if not CROSS:
        live = []
    for name in sorted(set(cases) & set(by_name)):
        entry = by_name[name]
        if entry.regex is None:
            failed += 1
            continue
        hit, near_miss = cases[name]
        rng = random.Random(f"{seed}:{name}")
        problems = []
        for _ in range(n):
            before, secret, after = split_hit(hit(rng))
            text = before + secret + after
            if not secret:
                problems.append("empty secret")
                break
            for prefix, suffix in (("", ""), ("... config: ", " end"), ("first line\n", "\nlast line")):
                full = prefix + text + suffix
                start = len(prefix) + len(before)
                want = (start, start + len(secret))
                if not entry.runs_on(full):
                    problems.append(f"no keyword in {full!r}")
                    break
                got = entry.findings(full)
                if want not in got:
                    raw = [m.span("v") if "v" in entry.regex.groupindex else m.span() for m in entry.regex.finditer(full)]
                    problems.append(f"secret {secret!r} not masked exactly in {full!r} (spans {got}, raw {raw}, want {want})")
                    break
                extra = [s for s in got if s != want and s[0] < want[1] and want[0] < s[1]]
                if extra:
                    problems.append(f"overlapping extra spans {extra} for {secret!r} in {full!r}")
                    break
            if problems:
                break
        for _ in range(n):
            if problems:
                break
            miss = near_miss(rng)
            if not isinstance(miss, str):  # (before, value, after) from some generators
                miss = "".join(miss)
            for full in (miss, "... config: " + miss + " end", "first line\n" + miss + "\nlast line"):
                for other in live or [entry]:
                    found = other.findings(full)
                    if found:
                        problems.append(f"near miss {miss!r} masked by {other.name} at {found}")
                        break
                if problems:
                    break
        if problems:
            failed += 1
            errors.append(f"{stem}:{name}: " + problems[0])
        else:
            passed += 1
    return passed, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="hits and near misses per entry (200)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--no-cross", action="store_true",
                    help="check near misses against their own entry only (default: every entry)")
    ap.add_argument("stems", nargs="*", help="only these generator files (e.g. secrets_a)")
    args = ap.parse_args()
    global CROSS
    CROSS = not args.no_cross

    errors: list = []
    warnings: list = []
    entries = load_catalog(errors)
    check_format(entries, errors, warnings)
    files = sorted({e.file for e in entries})
    print(f"catalog: {len(entries)} entries in {len(files)} files ({', '.join(f + '.toml' for f in files)})")

    passed = failed = 0
    gens = sorted(GEN.glob("*.py"))
    for path in gens:
        stem = path.stem
        if args.stems and stem not in args.stems:
            continue
        try:
            module = load_gen(path)
        except Exception as ex:
            errors.append(f"gen/{stem}.py: import failed: {ex!r}")
            failed += 1
            continue
        if stem in files:
            # gen/<stem>.py covers exactly the entries of <stem>.toml.
            own = [e for e in entries if e.file == stem]
        else:
            # A generator for several files (e.g. national.py): the entries it names.
            names = set(getattr(module, "CASES", {}) or {})
            own = [e for e in entries if e.name in names]
            missing = sorted(names - {e.name for e in own})
            if missing:
                warnings.append(f"gen/{stem}.py: {len(missing)} cases name no catalog entry yet "
                                f"(skipped): {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
                module = type("M", (), {"CASES": {k: v for k, v in module.CASES.items() if k not in missing}})
        p, f = check_cases(stem, module, own, entries, args.n, args.seed, errors)
        print(f"{stem}: {p} entries passed, {f} failed ({args.n} hits and {args.n} near misses each)")
        passed += p
        failed += f
    if not args.stems:
        for stem in files:
            uncovered = [e.name for e in entries if e.file == stem and e.name not in COVERED]
            if uncovered:
                warnings.append(f"{stem}.toml: {len(uncovered)} entries without a generator case: "
                                f"{', '.join(uncovered[:5])}{' ...' if len(uncovered) > 5 else ''}")

    for name in sorted(UNVERIFIABLE):
        warnings.append(f"{name}: validator not implemented in Python; its matches were ignored")
    for w in warnings:
        print(f"warning: {w}")
    for e in errors:
        print(f"error: {e}")
    format_errors = len(errors) - failed
    print(f"{passed} passed, {failed + max(0, format_errors)} failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

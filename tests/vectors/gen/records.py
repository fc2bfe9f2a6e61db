"""Writes tests/vectors/retention.json, access.json and summaries.json.

Expected outputs are written by hand (retention, access) or computed here from the documented
definitions (summaries: nearest-rank quantiles, mean and sample std from exact sums rounded once,
k-anonymity), never
by running tamis. Run: python3 tests/vectors/gen/records.py
"""

import json
import math
from fractions import Fraction
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent
NOW = "2024-03-31T00:00:00Z"
NOW_S = 1711843200  # NOW in epoch seconds


def head(name="v"):
    return f'version = 1\nname = "{name}"\n'


def vec(name, policy, inp, expect, **kw):
    v = {"name": name, "policy": policy}
    v.update(kw)
    v["input"] = inp
    v["expect"] = expect
    return v


DROPPED_RET = {"tamis_dropped": {"reason": "retention"}}
DROPPED_ACC = {"tamis_dropped": {"reason": "access"}}

# ---------------------------------------------------------------- retention


def field_policy(max_age, ts="ts", missing=None, paths='["user.email"]'):
    p = head() + f'[[retention]]\nid = "r"\npaths = {paths}\nmax_age = "{max_age}"\ntimestamp = "{ts}"\n'
    if missing:
        p += f'on_missing_timestamp = "{missing}"\n'
    return p


def rec(ts, **extra):
    r = {"ts": ts, "user": {"email": "jane@example.com", "id": 7}}
    r.update(extra)
    return r


KEPT = lambda ts: rec(ts)  # noqa: E731
GONE = lambda ts: {"ts": ts, "user": {"id": 7}}  # noqa: E731

retention = []
units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
for unit, secs in units.items():
    age = 3 * secs
    # Exactly at max_age: kept (the boundary instant is kept). One millisecond older: expired.
    at = (NOW_S - age) * 1000
    retention.append(vec(f"retention-{unit}-boundary-kept", field_policy(f"3{unit}"), KEPT(at), KEPT(at), now=NOW))
    retention.append(vec(f"retention-{unit}-one-ms-older-expired", field_policy(f"3{unit}"), KEPT(at - 1), GONE(at - 1), now=NOW))

forms = [
    ("rfc3339-utc", "2024-03-30T00:00:00Z", True),
    ("rfc3339-offset", "2024-03-30T02:00:00+02:00", True),
    ("rfc3339-old", "2024-03-01T00:00:00Z", False),
    ("epoch-seconds", NOW_S - 86400, True),
    ("epoch-seconds-old", NOW_S - 3 * 86400, False),
    ("epoch-millis", (NOW_S - 86400) * 1000, True),
    ("epoch-millis-old", (NOW_S - 3 * 86400) * 1000, False),
    ("epoch-seconds-fraction", NOW_S - 86400 + 0.5, True),
    ("future-time", NOW_S + 86400, True),
]
for name, ts, kept in forms:
    retention.append(vec(f"retention-form-{name}", field_policy("2d"), rec(ts), rec(ts) if kept else GONE(ts), now=NOW))

for name, ts in [("numeric-string", str(NOW_S)), ("garbage-string", "yesterday"), ("null", None), ("object", {"s": NOW_S}), ("bool", True)]:
    retention.append(vec(f"retention-unreadable-{name}-expires", field_policy("2d"), rec(ts), GONE(ts), now=NOW))
    retention.append(vec(f"retention-unreadable-{name}-keep", field_policy("2d", missing="keep"), rec(ts), rec(ts), now=NOW))

retention += [
    vec("retention-missing-timestamp-expires", field_policy("2d"), {"user": {"email": "a@b.co", "id": 1}}, {"user": {"id": 1}}, now=NOW),
    vec("retention-missing-timestamp-keep", field_policy("2d", missing="keep"), {"user": {"email": "a@b.co"}}, {"user": {"email": "a@b.co"}}, now=NOW),
    vec("retention-nested-timestamp", field_policy("1d", ts="meta.created_at"),
        {"meta": {"created_at": "2024-03-01T00:00:00Z"}, "user": {"email": "a@b.co"}},
        {"meta": {"created_at": "2024-03-01T00:00:00Z"}, "user": {}}, now=NOW),
    vec("retention-timestamp-inside-array-is-missing", field_policy("1d", ts="meta.created_at"),
        {"meta": [{"created_at": NOW_S}], "user": {"email": "a@b.co"}},
        {"meta": [{"created_at": NOW_S}], "user": {}}, now=NOW),
    vec("retention-through-arrays", field_policy("1d", paths='["messages.content"]'),
        {"ts": NOW_S - 5 * 86400, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
        {"ts": NOW_S - 5 * 86400, "messages": [{"role": "user"}, {"role": "assistant"}]}, now=NOW),
    vec("retention-wildcard-paths", field_policy("1d", paths='["**.email"]'),
        {"ts": NOW_S - 5 * 86400, "a": {"email": "x@y.co"}, "b": [{"email": "z@y.co", "n": 1}]},
        {"ts": NOW_S - 5 * 86400, "a": {}, "b": [{"n": 1}]}, now=NOW),
    vec("retention-record-expired-dropped",
        head() + '[[retention]]\nid = "records"\npaths = ["$"]\nmax_age = "30d"\ntimestamp = "ts"\n',
        {"ts": "2024-01-01T00:00:00Z", "x": 1}, DROPPED_RET, now=NOW),
    vec("retention-record-fresh-kept",
        head() + '[[retention]]\nid = "records"\npaths = ["$"]\nmax_age = "30d"\ntimestamp = "ts"\n',
        {"ts": "2024-03-30T00:00:00Z", "x": 1}, {"ts": "2024-03-30T00:00:00Z", "x": 1}, now=NOW),
    vec("retention-record-missing-time-dropped",
        head() + '[[retention]]\nid = "records"\npaths = ["$"]\nmax_age = "30d"\ntimestamp = "ts"\n',
        {"x": 1}, DROPPED_RET, now=NOW),
    vec("retention-record-and-field-rules",
        head() + '[[retention]]\nid = "records"\npaths = ["$"]\nmax_age = "365d"\ntimestamp = "ts"\n'
        + '[[retention]]\nid = "prompts"\npaths = ["input"]\nmax_age = "7d"\ntimestamp = "ts"\n',
        {"ts": "2024-03-01T00:00:00Z", "input": "long prompt", "output": "ok"},
        {"ts": "2024-03-01T00:00:00Z", "output": "ok"}, now=NOW),
    vec("retention-then-masking",
        head() + '[[rule]]\nid = "mask"\npaths = ["user.phone"]\naction = "replace"\n'
        + '[[retention]]\nid = "r"\npaths = ["user.email"]\nmax_age = "1d"\ntimestamp = "ts"\n',
        {"ts": NOW_S - 3 * 86400, "user": {"email": "a@b.co", "phone": "+1 415 555 0100"}},
        {"ts": NOW_S - 3 * 86400, "user": {"phone": "[REDACTED]"}}, now=NOW),
    vec("retention-expired-field-beats-keep-rule",
        head() + '[[rule]]\nid = "partial"\npaths = ["user.email"]\naction = "partial"\n'
        + '[[retention]]\nid = "r"\npaths = ["user.email"]\nmax_age = "1d"\ntimestamp = "ts"\n',
        {"ts": NOW_S - 3 * 86400, "user": {"email": "jane@example.com"}},
        {"ts": NOW_S - 3 * 86400, "user": {}}, now=NOW),
    vec("retention-fresh-field-then-partial",
        head() + '[[rule]]\nid = "partial"\npaths = ["user.email"]\naction = "partial"\n'
        + '[[retention]]\nid = "r"\npaths = ["user.email"]\nmax_age = "1d"\ntimestamp = "ts"\n',
        {"ts": NOW_S - 3600, "user": {"email": "jane@example.com"}},
        {"ts": NOW_S - 3600, "user": {"email": "j***@***.com"}}, now=NOW),
]
retention_errors = [
    ("retention-error-age-unit", field_policy("30y"), "invalid-value"),
    ("retention-error-age-empty", field_policy(""), "invalid-value"),
    ("retention-error-dollar-mixed", field_policy("1d", paths='["$", "a"]'), "selector"),
    ("retention-error-wildcard-timestamp", field_policy("1d", ts="*.ts"), "selector"),
    ("retention-error-missing-policy", head() + '[[retention]]\nid = "r"\npaths = ["a"]\nmax_age = "1d"\ntimestamp = "ts"\non_missing_timestamp = "drop"\n', "invalid-value"),
    ("retention-error-no-paths", head() + '[[retention]]\nid = "r"\npaths = []\nmax_age = "1d"\ntimestamp = "ts"\n', "selector"),
    ("retention-error-duplicate-id", head() + '[[summarize]]\nid = "r"\npaths = ["**"]\n[[retention]]\nid = "r"\npaths = ["a"]\nmax_age = "1d"\ntimestamp = "ts"\n', "duplicate-id"),
]
for name, pol, code in retention_errors:
    retention.append({"name": name, "policy": pol, "input": {}, "expect_error": code})

# ---------------------------------------------------------------- access


# Date-times written without a zone, and `assume_timezone` (issue 23): written by hand.
retention += json.loads(r'''
[
 {
  "name": "retention-naive-time-without-zone-expires",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T23:30:00",
   "x": 1
  },
  "expect": {
   "tamis_dropped": {
    "reason": "retention"
   }
  }
 },
 {
  "name": "retention-naive-time-without-zone-kept-when-keep",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\non_missing_timestamp = \"keep\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T23:30:00",
   "x": 1
  },
  "expect": {
   "ts": "2024-03-30T23:30:00",
   "x": 1
  }
 },
 {
  "name": "retention-naive-time-assumed-utc-kept",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\nassume_timezone = \"UTC\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T23:30:00",
   "x": 1
  },
  "expect": {
   "ts": "2024-03-30T23:30:00",
   "x": 1
  }
 },
 {
  "name": "retention-naive-time-space-and-fraction-assumed-utc-kept",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\nassume_timezone = \"utc\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30 23:30:00.125",
   "x": 1
  },
  "expect": {
   "ts": "2024-03-30 23:30:00.125",
   "x": 1
  }
 },
 {
  "name": "retention-naive-time-assumed-offset-expired",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\nassume_timezone = \"+02:00\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T23:30:00",
   "x": 1
  },
  "expect": {
   "tamis_dropped": {
    "reason": "retention"
   }
  }
 },
 {
  "name": "retention-naive-time-assumed-negative-offset-kept",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"2h\"\ntimestamp = \"ts\"\nassume_timezone = \"-01:00\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T22:30:00",
   "x": 1
  },
  "expect": {
   "ts": "2024-03-30T22:30:00",
   "x": 1
  }
 },
 {
  "name": "retention-zoned-time-ignores-assumed-zone",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"$\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\nassume_timezone = \"+02:00\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T23:30:00Z",
   "x": 1
  },
  "expect": {
   "ts": "2024-03-30T23:30:00Z",
   "x": 1
  }
 },
 {
  "name": "retention-naive-time-field-expired-at-offset",
  "policy": "version = 1\nname = \"v\"\n[[retention]]\nid = \"r\"\npaths = [\"user.email\"]\nmax_age = \"1h\"\ntimestamp = \"ts\"\nassume_timezone = \"+02:00\"\n",
  "now": "2024-03-31T00:00:00Z",
  "input": {
   "ts": "2024-03-30T23:30:00",
   "user": {
    "email": "jane@example.com",
    "id": 7
   }
  },
  "expect": {
   "ts": "2024-03-30T23:30:00",
   "user": {
    "id": 7
   }
  }
 }
]
''')


def access_policy(default=None, grants=(("agent_decision", "admin"),), extra=""):
    p = head() + extra + '[access]\ntype_path = "type"\n'
    if default:
        p += f'default = "{default}"\n'
    for types, roles in grants:
        p += f'[[access.grant]]\ntypes = ["{types}"]\nroles_any = ["{roles}"]\n'
    return p


R = {"type": "agent_decision", "reason": "x"}
access = [
    vec("access-granted-role", access_policy(), R, R, context={"roles": ["viewer", "admin"]}),
    vec("access-missing-role-dropped", access_policy(), R, DROPPED_ACC, context={"roles": ["viewer"]}),
    vec("access-no-roles-dropped", access_policy(), R, DROPPED_ACC),
    vec("access-other-type-default-allow", access_policy(), {"type": "span"}, {"type": "span"}),
    vec("access-other-type-default-deny", access_policy("deny"), {"type": "span"}, DROPPED_ACC, context={"roles": ["admin"]}),
    vec("access-missing-type-default-allow", access_policy(), {"x": 1}, {"x": 1}),
    vec("access-missing-type-default-deny", access_policy("deny"), {"x": 1}, DROPPED_ACC, context={"roles": ["admin"]}),
    vec("access-null-type-is-missing", access_policy(), {"type": None}, {"type": None}),
    vec("access-number-type-denied", access_policy(), {"type": 3}, DROPPED_ACC, context={"roles": ["admin"]}),
    vec("access-array-type-denied", access_policy(), {"type": ["agent_decision"]}, DROPPED_ACC, context={"roles": ["admin"]}),
    vec("access-two-grants-either-role", access_policy(grants=(("t", "a"), ("t", "b"))), {"type": "t"}, {"type": "t"}, context={"roles": ["b"]}),
    vec("access-nested-type-path",
        head() + '[access]\ntype_path = "meta.kind"\ndefault = "deny"\n[[access.grant]]\ntypes = ["span"]\nroles_any = ["dev"]\n',
        {"meta": {"kind": "span"}}, {"meta": {"kind": "span"}}, context={"roles": ["dev"]}),
    vec("access-when-types-uses-record-type",
        access_policy(extra='[[rule]]\nid = "llm-input"\npaths = ["input"]\naction = "redact"\nwhen = { types = ["llm"] }\n'),
        {"type": "llm", "input": "prompt"}, {"type": "llm"}),
    vec("access-when-types-other-record",
        access_policy(extra='[[rule]]\nid = "llm-input"\npaths = ["input"]\naction = "redact"\nwhen = { types = ["llm"] }\n'),
        {"type": "span", "input": "prompt"}, {"type": "span", "input": "prompt"}, context={"type": "llm"}),
    vec("access-role-view-for-viewer",
        access_policy(grants=(("trace", "viewer"),), extra='[[rule]]\nid = "email-for-viewers"\npaths = ["user.email"]\naction = "partial"\nwhen = { roles_none = ["owner"] }\n'),
        {"type": "trace", "user": {"email": "jane@example.com"}}, {"type": "trace", "user": {"email": "j***@***.com"}}, context={"roles": ["viewer"]}),
    vec("access-role-view-for-owner",
        access_policy(grants=(("trace", "viewer"),), extra='[[rule]]\nid = "email-for-viewers"\npaths = ["user.email"]\naction = "partial"\nwhen = { roles_none = ["owner"] }\n'),
        {"type": "trace", "user": {"email": "jane@example.com"}}, DROPPED_ACC, context={"roles": ["owner"]}),
    vec("access-before-retention",
        access_policy(extra='[[retention]]\nid = "r"\npaths = ["$"]\nmax_age = "1d"\ntimestamp = "ts"\n'),
        {"type": "agent_decision"}, DROPPED_ACC, now=NOW),
]
for name, pol, code in [
    ("access-error-default", access_policy("block"), "invalid-value"),
    ("access-error-empty-types", head() + '[access]\ntype_path = "type"\n[[access.grant]]\ntypes = []\nroles_any = ["a"]\n', "invalid-value"),
    ("access-error-wildcard-type-path", head() + '[access]\ntype_path = "**"\n', "selector"),
    ("access-error-unknown-key", head() + '[access]\ntype_path = "type"\nroles = ["a"]\n', "unknown-key"),
]:
    access.append({"name": name, "policy": pol, "input": {}, "expect_error": code})

# ---------------------------------------------------------------- summaries

QUANTILES = [(10, "p01"), (50, "p05"), (250, "p25"), (500, "p50"), (750, "p75"), (950, "p95"), (990, "p99")]
ALL_STATS = ["count", "nulls", "distinct", "types", "min", "max", "mean", "std", "quantiles", "length", "top_k"]


def num(x):
    if isinstance(x, bool):
        raise TypeError
    x = float(x)
    if math.isfinite(x) and x == int(x) and abs(x) <= 2**53:
        return int(x)
    return x


def ident(v):
    if v is None:
        return ("null",)
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, (int, float)):
        return ("n", float(v) + 0.0)
    if isinstance(v, str):
        return ("s", v)
    return ("j", json.dumps(v, separators=(",", ":"), ensure_ascii=False))


def coarsen(x, lo, hi):
    """For 1 to 16 significant digits, the first of x, lo and hi rounded to that many digits
    that lies within [lo, hi]; else x."""
    for digits in range(1, 17):
        for v in (x, lo, hi):
            y = float("%.*e" % (digits - 1, v))
            if lo <= y <= hi:
                return y
    return x


def summary(rule, items, *, covered=False, stats=ALL_STATS, k=5, top=10, sample=None):
    """The documented summary of `items` (exact: small inputs), `sample` already masked."""
    count = len(items)
    nulls = sum(1 for v in items if v is None)
    s = {"rule": rule}
    if "count" in stats:
        s["count"] = count
    if "nulls" in stats:
        s["nulls"] = nulls
        s["null_rate"] = num(nulls / count) if count else 0
    if "distinct" in stats:
        s["distinct"] = len({ident(v) for v in items if v is not None})
        s["distinct_estimated"] = False
    order = ["bool", "number", "string", "array", "object"]
    kinds = {"bool": 0, "number": 0, "string": 0, "array": 0, "object": 0}
    nums, lens = [], []
    for v in items:
        if v is None:
            continue
        if isinstance(v, bool):
            kinds["bool"] += 1
        elif isinstance(v, (int, float)):
            kinds["number"] += 1
            nums.append(float(v))
        elif isinstance(v, str):
            kinds["string"] += 1
            lens.append(len(v))
        elif isinstance(v, list):
            kinds["array"] += 1
        else:
            kinds["object"] += 1
    if not covered and "types" in stats:
        t = {}
        if nulls:
            t["null"] = nulls
        for name in order:
            if kinds[name]:
                t[name] = kinds[name]
        s["types"] = t
    # Numbers only when at least k were seen; min, max and quantiles each the shortest rounding
    # of the value that stays within the k values around it in order (coarsen).
    srt, n_num = sorted(nums), len(nums)

    def around(rank, x):
        if k == 1:
            return x
        lo = max(1, min(rank - (k - 1) // 2, n_num - k + 1))
        hi = min(lo + k - 1, n_num)
        return coarsen(x, min(srt[lo - 1], x), max(srt[hi - 1], x))

    if not covered and nums and n_num >= k:
        if "min" in stats:
            s["min"] = num(around(1, srt[0]))
        if "max" in stats:
            s["max"] = num(around(n_num, srt[-1]))
        # As documented: the mean is the exact sum / n, rounded once; the sample std is the
        # square root of the exact variance (n * sum of squares - sum^2) / (n (n - 1)), rounded
        # once before the (correctly rounded) square root.
        xs = [Fraction(x) for x in nums]
        n, s1 = len(xs), sum(xs)
        if "mean" in stats:
            s["mean"] = num(float(s1 / n))
        if "std" in stats and n > 1:
            t = n * sum(x * x for x in xs) - s1 * s1
            s["std"] = num(math.sqrt(float(t / (n * (n - 1)))))
        if "quantiles" in stats:
            srt = sorted(nums)
            q = {}
            for pm, name in QUANTILES:
                target = max(1, -(-pm * n // 1000))
                q[name] = num(around(target, srt[target - 1]))
            s["quantiles"] = q
    if "length" in stats and lens:
        s["length"] = {"min": min(lens), "max": max(lens), "mean": num(sum(lens) / len(lens))}
    if not covered and "top_k" in stats:
        counts, first = {}, {}
        for v in items:
            if v is None or isinstance(v, (list, dict)):
                continue
            i = ident(v)
            counts[i] = counts.get(i, 0) + 1
            first.setdefault(i, v)
        rank = {"b": 0, "n": 1, "s": 2}
        entries = [(i, c) for i, c in counts.items() if c >= k]
        entries.sort(key=lambda e: (-e[1], rank[e[0][0]], e[0][1]))
        s["top_k"] = [{"value": num(first[i]) if i[0] == "n" else first[i], "count": c} for i, c in entries[:top]]
    if sample is not None:
        s["sample"] = sample
    if covered:
        s["masked"] = True
    return {"tamis_summary": s}


def frequent_first(items, k, n):
    counts = {}
    for v in items:
        counts[ident(v)] = counts.get(ident(v), 0) + 1
    return [v for v in items if counts[ident(v)] >= k][:n]


def spol(extra="", rule=None):
    rule = rule or '[[summarize]]\nid = "arrays"\npaths = ["**"]\nmin_items = 5\nsample = 3\nk_anonymity = 2\n'
    return head() + extra + rule


scores = [1, 2, 3, 4, 5, 5, None]
tags = ["a", "b", "a", "c", "a", "b"]
summaries = [
    vec("summary-numbers", spol(), {"scores": scores},
        {"scores": summary("arrays", scores, k=2, sample=frequent_first(scores, 2, 3))}),
    vec("summary-strings-top-k-suppressed", spol(), {"tags": tags},
        {"tags": summary("arrays", tags, k=2, sample=frequent_first(tags, 2, 3))}),
    vec("summary-below-min-items-unchanged", spol(), {"tags": ["a", "b", "c", "d"]}, {"tags": ["a", "b", "c", "d"]}),
    vec("summary-root-array-never", spol(), [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]),
]
floats = [0.5, 1.25, 2.75, 3.5, 10.125, -4.5, 7.0, 0.5, 0.5, 2.75]
summaries.append(vec("summary-floats", spol(), {"x": floats},
                     {"x": summary("arrays", floats, k=2, sample=frequent_first(floats, 2, 3))}))
mixed = [True, False, True, 1, "1", None, None, True, 1, "1", [1], {"a": 1}]
summaries.append(vec("summary-mixed-types-covered-by-containers", spol(), {"m": mixed},
                     {"m": summary("arrays", mixed, k=2, covered=True, sample=frequent_first(mixed, 2, 3))}))
# Covered by a path rule: only count, nulls, distinct and length; samples masked.
emails = ["ann@example.com", "bob@example.com", "ann@example.com", "cy@example.org", "ann@example.com", None]
summaries.append(vec("summary-covered-by-path-rule",
                     spol('[[rule]]\nid = "mail"\npaths = ["mails"]\naction = "replace"\nreplacement = "[email]"\n'),
                     {"mails": emails},
                     {"mails": summary("arrays", emails, k=2, covered=True, sample=["[email]", "[email]", "[email]"])}))
summaries.append(vec("summary-covered-by-key-rule",
                     spol('[[rule]]\nid = "mail"\nkeys = ["*mail*"]\naction = "partial"\n'),
                     {"mails": emails},
                     {"mails": summary("arrays", emails, k=2, covered=True, sample=["a***@***.com", "a***@***.com", "a***@***.com"])}))
notes = ["all good", "card 4111 1111 1111 1111", "all good", "fine", "all good", "fine"]
summaries.append(vec("summary-covered-by-detector",
                     spol('[[rule]]\nid = "pii"\ndetect = ["credit_card"]\naction = "replace"\n'),
                     {"notes": notes},
                     {"notes": summary("arrays", notes, k=2, covered=True, sample=frequent_first(notes, 2, 3))}))
summaries.append(vec("summary-detector-finds-nothing",
                     spol('[[rule]]\nid = "pii"\ndetect = ["credit_card"]\naction = "replace"\n'),
                     {"notes": ["all good", "fine", "all good", "fine", "ok"]},
                     {"notes": summary("arrays", ["all good", "fine", "all good", "fine", "ok"], k=2, sample=["all good", "fine", "all good"])}))
cards_int = [4111111111111111, 4111111111111111, 5, 5, 5]
summaries.append(vec("summary-integer-cards-covered",
                     spol('[[rule]]\nid = "pii"\ndetect = ["credit_card"]\naction = "replace"\nreplacement = "[card]"\n'),
                     {"n": cards_int},
                     {"n": summary("arrays", cards_int, k=2, covered=True, sample=["[card]", "[card]", 5])}))
many = ["x"] * 6 + ["y"] * 5 + ["z"] * 4 + ["w"] * 1
summaries.append(vec("summary-k-anonymity-5", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 10\nsample = 20\n'),
                     {"v": many}, {"v": summary("s", many, k=5, sample=frequent_first(many, 5, 20))}))
summaries.append(vec("summary-stats-subset", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\nstats = ["count", "min", "max"]\nsample = 0\n'),
                     {"v": [3, 1, 2]}, {"v": summary("s", [3, 1, 2], stats=["count", "min", "max"])}))
summaries.append(vec("summary-top-k-limit", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\ntop_k = 2\nk_anonymity = 1\nsample = 0\n'),
                     {"v": ["a", "b", "b", "c", "c", "c"]}, {"v": summary("s", ["a", "b", "b", "c", "c", "c"], k=1, top=2)}))
summaries.append(vec("summary-sample-zero-no-key", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\nsample = 0\n'),
                     {"v": [1, 1, 1, 1, 1]}, {"v": summary("s", [1, 1, 1, 1, 1])}))
objs = [{"kind": "a", "email": "x@y.co"}] * 3 + [{"kind": "b", "email": "z@y.co"}] * 2
summaries.append(vec("summary-objects-sample-masked",
                     spol('[[rule]]\nid = "mail"\nkeys = ["email"]\naction = "replace"\n'),
                     {"events": objs},
                     {"events": summary("arrays", objs, k=2, covered=True, sample=[{"kind": "a", "email": "[REDACTED]"}] * 3)}))
summaries.append(vec("summary-only-selected-path", spol(rule='[[summarize]]\nid = "s"\npaths = ["a"]\nmin_items = 2\nsample = 0\n'),
                     {"a": [1, 2], "b": [1, 2]}, {"a": summary("s", [1, 2]), "b": [1, 2]}))
summaries.append(vec("summary-when-role-holds",
                     spol(rule='[[summarize]]\nid = "s"\npaths = ["a"]\nmin_items = 2\nsample = 0\nwhen = { roles_none = ["debugger"] }\n'),
                     {"a": [1, 2]}, {"a": summary("s", [1, 2])}, context={"roles": ["viewer"]}))
summaries.append(vec("summary-when-role-fails",
                     spol(rule='[[summarize]]\nid = "s"\npaths = ["a"]\nmin_items = 2\nsample = 0\nwhen = { roles_none = ["debugger"] }\n'),
                     {"a": [1, 2]}, {"a": [1, 2]}, context={"roles": ["debugger"]}))
summaries.append(vec("summary-redacted-array-not-summarised",
                     spol('[[rule]]\nid = "drop"\npaths = ["a"]\naction = "redact"\n'),
                     {"a": [1, 2, 3, 4, 5], "b": 1}, {"b": 1}))
summaries.append(vec("summary-nested-arrays-inner-first-rule",
                     spol(rule='[[summarize]]\nid = "s"\npaths = ["a"]\nmin_items = 3\nsample = 2\nk_anonymity = 1\n'),
                     {"a": [[1, 2], [1, 2], [3]]}, {"a": summary("s", [[1, 2], [1, 2], [3]], covered=True, k=1, sample=[[1, 2], [1, 2]])}))
# k-anonymity of the numbers: exact extremes with k = 1; unique identifiers coarsened so that no
# statistic is one of them; fewer than k numbers: no numeric statistics at all.
summaries.append(vec("summary-k1-exact-extremes", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\nstats = ["count", "min", "max", "quantiles"]\nk_anonymity = 1\nsample = 0\n'),
                     {"v": [3, 1, 2, 10.5]}, {"v": summary("s", [3, 1, 2, 10.5], stats=["count", "min", "max", "quantiles"], k=1)}))
ids = [7301245598812001 + 7919 * i * i for i in range(12)]
summaries.append(vec("summary-unique-ids-coarsened", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\nsample = 0\n'),
                     {"v": ids}, {"v": summary("s", ids)}))
latencies = [12.5, 13.25, 12.75, 14.0, 13.5, 12.5, 13.0, 15.75, 12.25, 13.75, 40.5, 12.5]
summaries.append(vec("summary-latencies-k3", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\nsample = 0\nk_anonymity = 3\n'),
                     {"v": latencies}, {"v": summary("s", latencies, k=3)}))
summaries.append(vec("summary-fewer-numbers-than-k", spol(rule='[[summarize]]\nid = "s"\npaths = ["v"]\nmin_items = 1\nsample = 0\n'),
                     {"v": [1, 2, 3, 4, "a"]}, {"v": summary("s", [1, 2, 3, 4, "a"])}))
# Items deeper than max_depth are `[tamis:too_deep]` to the summary on every path (the raw
# items never reach top_k or the sample).
deep_items = ["jane@example.com", {"email": "x@y.co"}, [1, 2], 7, "jane@example.com", "ok"]
TD = "[tamis:too_deep]"
summaries.append(vec("summary-items-beyond-max-depth",
                     spol(extra="[limits]\nmax_depth = 2\n", rule='[[summarize]]\nid = "s"\npaths = ["**"]\nmin_items = 3\nsample = 2\nk_anonymity = 2\n'),
                     {"a": {"arr": deep_items}},
                     {"a": {"arr": summary("s", [TD] * len(deep_items), k=2, sample=[TD, TD])}}))
big = [i % 7 for i in range(250)]
summaries.append(vec("summary-250-items", spol(rule='[[summarize]]\nid = "s"\npaths = ["**"]\nsample = 4\n'),
                     {"v": big}, {"v": summary("s", big, sample=frequent_first(big, 5, 4))}))
for name, pol, code in [
    ("summary-error-unknown-stat", spol(rule='[[summarize]]\nid = "s"\npaths = ["**"]\nstats = ["median"]\n'), "invalid-value"),
    ("summary-error-k-zero", spol(rule='[[summarize]]\nid = "s"\npaths = ["**"]\nk_anonymity = 0\n'), "invalid-value"),
    ("summary-error-sample-too-big", spol(rule='[[summarize]]\nid = "s"\npaths = ["**"]\nsample = 1000\n'), "invalid-value"),
    ("summary-error-no-paths", spol(rule='[[summarize]]\nid = "s"\npaths = []\n'), "selector"),
    ("summary-error-bad-path", spol(rule='[[summarize]]\nid = "s"\npaths = ["a..b"]\n'), "selector"),
]:
    summaries.append({"name": name, "policy": pol, "input": {}, "expect_error": code})

for fname, desc, vs in [
    ("retention.json", "[[retention]]: every max_age unit at and one millisecond past the boundary, every timestamp form, missing and unreadable times, whole records and fields.", retention),
    ("access.json", "[access]: grants, defaults, type shapes, and role views through `when` together with access.", access),
    ("summaries.json", "[[summarize]] of arrays in records: exact statistics, privacy rules (covered values, k-anonymity), masked samples. Expected values are computed by tests/vectors/gen/records.py from the documented definitions.", summaries),
]:
    (OUT / fname).write_text(json.dumps({"description": desc, "vectors": vs}, indent=1, ensure_ascii=False) + "\n")
    print(fname, len(vs))

"""The canary leak scan: plant unique canaries (emails, cards, keys, free text) in what tamis is
given, drive every front end through its outputs and failure paths, capture every sink, and
search it all for the canaries, raw and encoded. Zero hits is the bar.

    target/venv/bin/python tests/canary/scan.py      # after scripts/test.sh built the front ends

Sinks captured: the CLI's stdout, stderr and report files for `apply` (JSON Lines, text with a
PEM block across lines, invalid lines, too-deep records, a plugin that logs records, a hostile
plugin that tries every channel: logs plain and spaced, copies into uncovered fields, its error
message), `explain`, `summarize` (canaries as keys), a failing `test`; the keyed actions
(`encrypt`, `fpe`, `shift_date` with a canary as the entity): masked output, audit events of
`apply --audit` and `reveal --audit` in every front end, and every `reveal` refusal (a denied
context, a forged token, another key) with its message, traceback or stack;
the Python library's return values, reports, exceptions (messages, tracebacks, chained causes),
log records through `tamis.logging.TamisFilter` (message, arguments, exception text, extras);
the npm package's return values, thrown errors with their stacks, pino log lines; and every file
written under the temporary directory the run uses. Forms searched: raw, URL-encoded, base64
(standard and URL-safe, at every alignment), JSON-escaped, hex (both cases).

Each canary is planted only where a rule of the policy covers it: the password and the free text
under sensitive keys, the email, card and AWS key also in free text (where detectors find them).
A password inside an exception's message is not something any rule here covers.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import pickle
import secrets
import subprocess
import sys
import tempfile
import traceback
import urllib.parse
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
TAMIS = ROOT / "target" / "release" / "tamis"
PLUGIN = ROOT / "target" / "wasm32-unknown-unknown" / "release" / "examples" / "acme_ids.wasm"
HOSTILE = PLUGIN.with_name("hostile.wasm")
NODE_DIR = ROOT / "bindings-js" / "test"


def luhn_card() -> str:
    digits = [4] + [secrets.randbelow(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, digits + [(10 - total % 10) % 10]))


TAG = secrets.token_hex(4)
CANARIES = {
    "email": f"canary.{TAG}@leak-test.example",
    "card": luhn_card(),
    "aws_key": "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
    "password": f"pw-canary-{TAG}-s3cr3t",
    "text": f"Canary\u00fcText{TAG}",  # non-ASCII: JSON-escaped it differs from raw
}
CARD_SPACED = " ".join(CANARIES["card"][i : i + 4] for i in range(0, 16, 4))

POLICY = f"""version = 1
name = "canary"
[[rule]]
id = "secrets"
keys = ["*password*", "*secret*", "*note*"]
action = "replace"
[[rule]]
id = "pii"
detect = ["email", "credit_card", "aws_key"]
action = "replace"
replacement = "[{{type}}]"
[[summarize]]
id = "events"
paths = ["events"]
min_items = 3
[[test]]
name = "fails on purpose: its output must still be masked"
input = {{ user = {{ email = "{CANARIES['email']}", password = "{CANARIES['password']}" }} }}
expect = {{ user = {{ email = "not what tamis writes" }} }}
"""


PLACEHOLDER_POLICY = """version = 1
name = "canary-placeholders"
[[rule]]
id = "secrets"
keys = ["*password*", "*secret*", "*note*"]
action = "placeholder"
[[rule]]
id = "pii"
detect = ["email", "credit_card", "aws_key"]
action = "placeholder"
"""

KEY = secrets.token_hex(24)
KEYED_POLICY = """version = 1
name = "canary-keyed"
[key.main]
env = "TAMIS_CANARY_KEY"
id = "k1"
[reveal]
roles_any = ["support-lead"]
[[rule]]
id = "enc"
paths = ["user.email", "payment.raw"]
action = "encrypt"
key = "main"
[[rule]]
id = "card"
paths = ["payment.card"]
action = "fpe"
key = "main"
[[rule]]
id = "dates"
paths = ["visits.*"]
action = "shift_date"
key = "main"
entity = "user.email"
max_days = 60
[[rule]]
id = "secrets"
keys = ["*password*", "*note*", "events"]
action = "replace"
[[rule]]
id = "in-text"
detect = ["email", "aws_key"]
action = "encrypt"
key = "main"
"""


def keyed_record(i: int) -> dict[str, Any]:
    r = record(i)
    r["visits"] = {"first": "2024-01-05", "last": "2024-03-01T10:00:00Z"}
    return r


def forge(masked: str) -> str:
    """The masked text with one character of every token changed (no longer verifies)."""
    return masked.replace("e:k1:", "e:k1:A")


def record(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "user": {"email": CANARIES["email"], "password": CANARIES["password"], "note": CANARIES["text"]},
        "payment": {"card": CARD_SPACED, "raw": int(CANARIES["card"])},
        "log": f"key {CANARIES['aws_key']} used by {CANARIES['email']}",
        "events": [{"who": CANARIES["email"], "n": k} for k in range(5)],
    }


def forms(canary: str) -> set[str]:
    b = canary.encode()
    out = {canary, urllib.parse.quote(canary, safe=""), urllib.parse.quote_plus(canary),
           json.dumps(canary)[1:-1], json.dumps(canary, ensure_ascii=False)[1:-1], b.hex(), b.hex().upper()}
    for pad in range(3):
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            text = enc(b"\0" * pad + b + b"\0" * 3).decode()
            # The part that depends only on the canary (not on what surrounds it).
            start = (pad * 4 + 2) // 3 + 1
            stable = text[start : start + (len(b) * 4) // 3 - 2]
            if len(stable) >= 8:
                out.add(stable)
    return out


def hide(text: str) -> str:
    """`text` with every canary named instead of shown (for this script's own messages)."""
    for name, c in CANARIES.items():
        text = text.replace(c, f"<{name} canary>")
    return text.replace(CARD_SPACED, "<card canary>")


SINKS: dict[str, str] = {}


def sink(name: str, text: Any) -> None:
    SINKS[name] = SINKS.get(name, "") + (text if isinstance(text, str) else repr(text)) + "\n"


def run(name: str, args: list[str], stdin: str = "", env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> None:
    p = subprocess.run(args, input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})})
    sink(f"{name}: stdout", p.stdout)
    sink(f"{name}: stderr", p.stderr)
    if p.returncode not in ok:
        raise SystemExit(f"{name}: exit {p.returncode} (expected {ok}):\n{hide(p.stderr[-2000:])}")


def cli(tmp: Path) -> None:
    policy = tmp / "policy.toml"
    policy.write_text(POLICY)
    lines = [json.dumps(record(i)) for i in range(3)]
    lines.append(f'{{"broken": "{CANARIES["email"]}", ')  # invalid JSON holding a canary
    lines.append('{"d":' * 80 + json.dumps(CANARIES["email"]) + "}" * 80)  # too deep
    data = tmp / "records.jsonl"
    data.write_text("\n".join(lines) + "\n")
    report = tmp / "report.json"
    run("tamis apply", [str(TAMIS), "apply", "--policy", str(policy), "--report", str(report), str(data)])
    sink("tamis apply: report", report.read_text())
    text = tmp / "log.txt"
    # Text mode: a PEM block whose body lines hold the canaries (a detector's finding spans
    # lines: the whole block is masked, not line by line).
    text.write_text(f"user {CANARIES['email']} paid with {CARD_SPACED}\nkey={CANARIES['aws_key']}\n"
                    f"-----BEGIN RSA PRIVATE KEY-----\n{CANARIES['text']}\n{CANARIES['password']}\n"
                    "-----END RSA PRIVATE KEY-----\n")
    text_policy = tmp / "text.toml"
    text_policy.write_text(POLICY.replace('"aws_key"]', '"aws_key", "private_key"]'))
    run("tamis apply --format text", [str(TAMIS), "apply", "--format", "text", "--policy", str(text_policy), str(text)])
    run("tamis explain", [str(TAMIS), "explain", "--policy", str(policy), str(data)])
    run("tamis summarize", [str(TAMIS), "summarize", "--policy", str(policy), str(data)])
    # Summaries name keys as apply writes them: a canary as a key never shows.
    keyed = tmp / "keyed.jsonl"
    keyed.write_text("".join(json.dumps({"users": {CANARIES["email"]: {"age": i}}}) + "\n" for i in range(6)))
    all_paths = tmp / "all.toml"
    all_paths.write_text(POLICY.replace('paths = ["events"]\nmin_items = 3', 'paths = ["**"]\nmin_items = 1'))
    run("tamis summarize (canary keys)", [str(TAMIS), "summarize", "--policy", str(all_paths), str(keyed)])
    run("tamis test (a failing case)", [str(TAMIS), "test", "--policy", str(policy)], ok=(1,))
    run("tamis check", [str(TAMIS), "check", "--policy", str(policy)])
    # A plugin that logs what it finds; its log goes to stderr, masked by the policy's detectors.
    if not PLUGIN.exists():
        raise SystemExit(f"{PLUGIN} is missing: build the example plugins first")
    plugin_policy = tmp / "plugin.toml"
    plugin_policy.write_text(POLICY.split("[[summarize]]")[0] + f'[[plugin]]\nid = "acme"\npath = "{PLUGIN}"\n')
    acme = tmp / "acme.jsonl"
    acme.write_text(json.dumps({"msg": f"ACME-123456 for {CANARIES['email']}", "password": CANARIES["password"]}) + "\n")
    run("tamis apply (plugin)", [str(TAMIS), "apply", "--policy", str(plugin_policy), str(acme)])
    # A hostile plugin tries every channel: it logs every string of each record (plainly and
    # spaced out), copies them into fields no rule covers, and fails with the record in its
    # error message. Logs withheld by default and with `log = true`.
    if not HOSTILE.exists():
        raise SystemExit(f"{HOSTILE} is missing: build the example plugins first")
    for log in ("false", "true"):
        for fail in ("false", "true"):
            hostile_policy = tmp / f"hostile-{log}-{fail}.toml"
            hostile_policy.write_text(
                POLICY.split("[[summarize]]")[0]
                + f'[[plugin]]\nid = "hostile"\npath = "{HOSTILE}"\non_error = "mask"\nlog = {log}\n'
                + f"config = {{ fail = {fail} }}\n"
            )
            hostile_report = tmp / f"hostile-{log}-{fail}.json"
            run(f"tamis apply (hostile plugin, log = {log}, fail = {fail})",
                [str(TAMIS), "apply", "--policy", str(hostile_policy), "--report", str(hostile_report), str(data)])
            sink(f"tamis apply (hostile plugin, log = {log}, fail = {fail}): report", hostile_report.read_text())


def keyed_cli(tmp: Path) -> None:
    policy = tmp / "keyed.toml"
    policy.write_text(KEYED_POLICY)
    data = tmp / "keyed.jsonl"
    data.write_text("".join(json.dumps(keyed_record(i)) + "\n" for i in range(3)))
    audit = tmp / "audit.jsonl"
    env = {"TAMIS_CANARY_KEY": KEY}
    p = subprocess.run([str(TAMIS), "apply", "--policy", str(policy), "--audit", str(audit), str(data)],
                       capture_output=True, text=True, env={**os.environ, **env})
    sink("tamis apply (keyed): stdout", p.stdout)
    sink("tamis apply (keyed): stderr", p.stderr)
    if p.returncode != 0:
        raise SystemExit(f"tamis apply (keyed): exit {p.returncode}")
    forged = tmp / "forged.jsonl"
    forged.write_text(forge(p.stdout))
    masked = tmp / "masked.jsonl"
    masked.write_text(p.stdout)
    support = json.dumps({"roles": ["support-lead"]})
    run("tamis reveal (denied)", [str(TAMIS), "reveal", "--policy", str(policy), "--audit", str(audit),
                                  "--context", json.dumps({"roles": ["viewer"]}), str(masked)], env=env, ok=(1,))
    run("tamis reveal (forged tokens)", [str(TAMIS), "reveal", "--policy", str(policy), "--audit", str(audit),
                                         "--context", support, str(forged)], env=env)
    run("tamis reveal (another key)", [str(TAMIS), "reveal", "--policy", str(policy), "--audit", str(audit),
                                       "--context", support, str(masked)], env={"TAMIS_CANARY_KEY": KEY[::-1]})
    # A reveal that succeeds writes the values back (its purpose): only its audit event is a sink.
    p = subprocess.run([str(TAMIS), "reveal", "--policy", str(policy), "--audit", str(audit), "--context", support,
                        str(masked)], capture_output=True, text=True, env={**os.environ, **env})
    if p.returncode != 0 or CANARIES["email"] not in p.stdout:
        raise SystemExit("tamis reveal (allowed) did not give the records back")
    sink("tamis reveal (allowed): stderr", p.stderr)
    sink("tamis --audit: events", audit.read_text())


def keyed_python() -> None:
    import tamis

    events: list[Any] = []
    policy = tamis.Policy.from_toml(KEYED_POLICY, keys={"main": KEY}).with_audit(events.append)
    other = tamis.Policy.from_toml(KEYED_POLICY, keys={"main": KEY[::-1]}).with_audit(events.append)
    masked = policy.apply_many([keyed_record(i) for i in range(3)])
    sink("python apply (keyed)", masked)
    sink("python mask_text (keyed)", policy.mask_text(f"mail {CANARIES['email']} key {CANARIES['aws_key']}"))
    forged = json.loads(forge(json.dumps(masked[0])))
    for bad, call in [
        ("denied", lambda: policy.reveal(masked[0], context={"roles": ["viewer"]})),
        ("forged", lambda: policy.reveal(forged, context={"roles": ["support-lead"]})),
        ("another key", lambda: other.reveal(masked[0], context={"roles": ["support-lead"]})),
        ("forged, JSON", lambda: policy.reveal_json(json.dumps(forged), context={"roles": ["support-lead"]})),
    ]:
        try:
            call()
            raise SystemExit(f"python reveal ({bad}) was not refused")
        except tamis.RevealError as e:
            sink(f"python reveal error ({bad})", "".join(traceback.format_exception(e)) + repr(vars(e)))
    if policy.reveal(masked[0], context={"roles": ["support-lead"]})["user"]["email"] != CANARIES["email"]:
        raise SystemExit("python reveal (allowed) did not give the record back")
    sink("python audit events", json.dumps(events))


def python(tmp: Path) -> None:
    import tamis
    import tamis.logging

    policy = tamis.Policy.from_toml(POLICY)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        sink("python apply", policy.apply(record(1)))
        sink("python apply_with_report", policy.apply_with_report(record(1)))
        sink("python apply_many", policy.apply_many([record(i) for i in range(3)]))
        sink("python apply_json", policy.apply_json(json.dumps(record(1))))
        sink("python mask_text", policy.mask_text(f"mail {CANARIES['email']} card {CARD_SPACED} {CANARIES['aws_key']}"))
        # A stream cut inside every value, one byte at a time; its report, audit event and repr.
        text = f"mail {CANARIES['email']} card {CARD_SPACED}\n{CANARIES['aws_key']} end".encode()
        events: list[Any] = []
        stream = policy.with_audit(events.append).stream()
        pieces = [stream.push(text[i : i + 1]) for i in range(len(text))]
        sink("python stream repr", repr(stream))
        sink("python stream report", stream.report())
        pieces.append(stream.finish())
        sink("python stream", "".join(pieces))
        sink("python stream audit", json.dumps(events))
        try:
            stream.push(CANARIES["email"])
        except tamis.TamisError as e:
            sink("python stream error", "".join(traceback.format_exception(e)))
        # A session: what it masks, its repr, its errors and audit events; `restore` must give
        # the values back (its output is the caller's own data, not a sink).
        import pandas as pd

        numbered = tamis.Policy.from_toml(PLACEHOLDER_POLICY).with_audit(events.append)
        session = numbered.session()
        sink("python session apply", session.apply(record(1)))
        sink("python session mask_text", session.mask_text(f"mail {CANARIES['email']} key {CANARIES['aws_key']}"))
        s2 = session.stream()
        sink("python session stream", s2.push(f"{CANARIES['email']}\n") + s2.finish())
        sink("python session repr", repr(session) + repr(s2))
        for bad in (lambda: pickle.dumps(session), lambda: session.apply(pd.DataFrame({"a": [CANARIES["email"]]}))):
            try:
                bad()
            except TypeError as e:
                sink("python session error", "".join(traceback.format_exception(e)))
        if session.restore(session.mask_text(CANARIES["email"])) != CANARIES["email"]:
            raise SystemExit("python session restore did not give the value back")
        sink("python session audit", json.dumps(events))
        sink("python explain", policy.explain([record(1)]))
        sink("python summarize", policy.summarize({"who": [CANARIES["email"]] * 5, "card": [CANARIES["card"]] * 5}))
        import pandas as pd

        # Columns named by canaries: summaries name them as apply writes them.
        frame = pd.DataFrame({CANARIES["email"]: [1.0, 2.0, 3.0], "card": [float(CANARIES["card"])] * 3})
        sink("python apply (frame)", policy.apply(frame).to_dict())
        sink("python summarize (frame)", policy.summarize(frame))
        sink("python summarize_states keys", list(tamis.finish_summaries(policy, [tamis.summarize_states(policy, frame)])))

        class Evil:
            def __repr__(self) -> str:
                raise ValueError(CANARIES["text"])

            @property
            def __dict__(self) -> Any:  # type: ignore[override]
                raise RuntimeError(CANARIES["email"])

        sink("python apply (hostile object)", policy.apply({"x": Evil(), "password": CANARIES["password"]}))
        for bad, call in [
            ("invalid JSON", lambda: policy.apply_json(f'{{"a": "{CANARIES["email"]}"')),
            ("bad context", lambda: policy.apply({"a": 1}, context={"roles": CANARIES["email"]})),
            ("bad now", lambda: policy.apply({"a": 1}, now=CANARIES["email"])),
        ]:
            try:
                call()
            except Exception as e:  # noqa: BLE001 - every message and traceback is a sink
                sink(f"python error ({bad})", "".join(traceback.format_exception(e)))

        # Logging: message, arguments, exception text with a chained cause, and extras.
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(user)s"))
        handler.addFilter(tamis.logging.TamisFilter(policy))
        log = logging.getLogger(f"canary-{TAG}")
        log.addHandler(handler)
        log.propagate = False
        try:
            try:
                raise KeyError(CANARIES["email"])
            except KeyError as inner:
                raise RuntimeError(f"charging {CARD_SPACED} for {CANARIES['email']}") from inner
        except RuntimeError:
            log.exception("user %s failed", CANARIES["email"], extra={"user": {"password": CANARIES["password"]}})
        log.warning(f"key {CANARIES['aws_key']}", extra={"user": CANARIES["email"]})
        sink("python logging (TamisFilter)", stream.getvalue())
    sink("python stdout", out.getvalue())
    sink("python stderr", err.getvalue())


NODE_SCRIPT = r"""
const { Policy } = require('tamis');
const pino = require('pino');
const { tamisPino } = require('tamis/pino');
const c = JSON.parse(process.argv[2]);
const policy = Policy.fromToml(c.policy);
const out = [];
const rec = JSON.parse(c.record);
out.push(JSON.stringify(policy.apply(rec)));
out.push(JSON.stringify(policy.applyWithReport(rec)));
out.push(policy.applyJson(c.record));
out.push(policy.maskText(`mail ${c.email} key ${c.aws}`));
{
  // A stream cut inside every value, one UTF-16 unit at a time; its report and audit event.
  const events = [];
  const s = policy.withAudit((e) => events.push(e)).stream();
  const text = `mail ${c.email} card ${c.card}\n${c.aws} end`;
  let got = '';
  for (const ch of text) got += s.push(ch);
  out.push(JSON.stringify(s.report()));
  got += s.finish();
  out.push(got, JSON.stringify(events), String(s));
  try { s.push(c.email); } catch (e) { out.push(String(e.message)); out.push(String(e.stack)); }
  // A session: what it masks, its JSON and errors; `restore` must give the values back.
  const numbered = Policy.fromToml(c.placeholders).withAudit((e) => events.push(e));
  const session = numbered.session();
  out.push(JSON.stringify(session.apply(rec)), session.maskText(`mail ${c.email} key ${c.aws}`));
  const s2 = session.stream();
  out.push(s2.push(`${c.email}\n`) + s2.finish(), JSON.stringify(session), String(session), JSON.stringify(events));
  try { session.restore(42); } catch (e) { out.push(String(e.message)); out.push(String(e.stack)); }
  if (session.restore(session.maskText(c.email)) !== c.email) throw new Error('session restore failed');
}
out.push(JSON.stringify(policy.explain([rec])));
out.push(JSON.stringify(policy.summarize({ [c.email]: [1, 2, 3], who: [c.email, c.email, c.email, c.email, c.email] })));
for (const bad of [
  () => policy.applyJson(`{"a": "${c.email}"`),
  () => policy.apply({ a: 1 }, { context: { roles: c.email } }),
  () => policy.apply({ a: 1 }, { now: c.email }),
  () => Policy.fromToml(c.policy + '\n[[rule]]\nid = "x"\n'),
]) {
  try { bad(); } catch (e) { out.push(String(e.message)); out.push(String(e.stack)); out.push(JSON.stringify(e)); }
}
const lines = [];
const logger = pino(tamisPino(policy), { write: (s) => lines.push(s) });
logger.info({ user: { password: c.password, email: c.email } }, `charged ${c.card}`);
logger.child({ password: c.password }).error(new Error(`failed for ${c.email}`));
const child = logger.child({ a: 1 });
child.setBindings({ password: c.password, who: c.email });
child.info('bound');
logger.info('own toString %s', { toString() { return `mail ${c.email}`; } });
out.push(...lines);
process.stdout.write(out.join('\n'));
"""


NODE_KEYED = r"""
const { Policy, RevealError } = require('tamis');
const c = JSON.parse(process.argv[2]);
const events = [];
const policy = Policy.fromToml(c.policy, { keys: { main: c.key } }).withAudit((e) => events.push(e));
const other = Policy.fromToml(c.policy, { keys: { main: c.key.split('').reverse().join('') } }).withAudit((e) => events.push(e));
const out = [];
const masked = policy.applyMany(c.records);
out.push(JSON.stringify(masked));
out.push(policy.maskText(`mail ${c.email} key ${c.aws}`));
const forged = JSON.parse(JSON.stringify(masked[0]).split('e:k1:').join('e:k1:A'));
const support = { context: { roles: ['support-lead'] } };
for (const bad of [
  () => policy.reveal(masked[0], { context: { roles: ['viewer'] } }),
  () => policy.reveal(forged, support),
  () => other.reveal(masked[0], support),
  () => policy.revealJson(JSON.stringify(forged), support),
]) {
  try { bad(); out.push('NOT REFUSED'); } catch (e) {
    if (!(e instanceof RevealError)) throw e;
    out.push(String(e.message)); out.push(String(e.stack)); out.push(JSON.stringify(e));
  }
}
if (policy.reveal(masked[0], support).user.email !== c.email) throw new Error('reveal (allowed) failed');
out.push(JSON.stringify(events));
process.stdout.write(out.join('\n'));
"""


def node(tmp: Path) -> None:
    arg = json.dumps({"policy": POLICY, "placeholders": PLACEHOLDER_POLICY, "record": json.dumps(record(1)), "email": CANARIES["email"],
                      "aws": CANARIES["aws_key"], "password": CANARIES["password"], "card": CARD_SPACED})
    script = tmp / "canary.cjs"
    script.write_text(NODE_SCRIPT)
    env = {"NODE_PATH": str(NODE_DIR / "node_modules")}
    run("node", ["node", str(script), arg], env=env)
    keyed = tmp / "keyed.cjs"
    keyed.write_text(NODE_KEYED)
    arg = json.dumps({"policy": KEYED_POLICY, "key": KEY, "records": [keyed_record(i) for i in range(3)],
                      "email": CANARIES["email"], "aws": CANARIES["aws_key"]})
    run("node (keyed)", ["node", str(keyed), arg], env=env)
    if "NOT REFUSED" in SINKS["node (keyed): stdout"]:
        raise SystemExit("node: a reveal was not refused")


def check_forms() -> None:
    """The search itself is tested first: a canary embedded in each encoding is found."""
    for c in CANARIES.values():
        fs = forms(c)
        samples = [urllib.parse.quote("a" + c, safe=""), json.dumps("a" + c + "b"), "zz" + c.encode().hex()]
        for pre in (b"", b"x", b"xy", b"xyz"):
            samples += [enc(pre + c.encode() + b"tail").decode() for enc in (base64.b64encode, base64.urlsafe_b64encode)]
        for sample in samples:
            if not any(f in sample for f in fs):
                raise SystemExit("the canary search misses an encoding: fix forms()")


def main() -> int:
    check_forms()
    with tempfile.TemporaryDirectory(prefix="tamis-canary-") as t:
        tmp = Path(t)
        os.environ["TMPDIR"] = str(tmp / "tmp")
        (tmp / "tmp").mkdir()
        cli(tmp)
        keyed_cli(tmp)
        python(tmp)
        keyed_python()
        node(tmp)
        for f in (tmp / "tmp").rglob("*"):
            if f.is_file():
                sink(f"temporary file {f.name}", f.read_bytes().decode("utf-8", "replace"))
        searched = {name: forms(c) for name, c in CANARIES.items()}
        searched["card (spaced)"] = {CARD_SPACED}
        hits = [(sink_name, canary) for sink_name, text in SINKS.items()
                for canary, fs in searched.items() if any(f in text for f in fs)]
    print(f"canaries: {len(CANARIES)} ({', '.join(CANARIES)}), forms searched: "
          f"{sum(len(f) for f in searched.values())}, sinks: {len(SINKS)}, bytes: {sum(len(s) for s in SINKS.values())}")
    for s, c in hits:
        # Name the sink and the kind of canary, never the value.
        print(f"HIT: the {c} canary in {s}")
    print(f"hits: {len(hits)}")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())

"""`Policy.stream()` and `tamis.llm.mask_stream` on the real wheel: a text pushed in pieces
cut anywhere (inside UTF-8 sequences too) gives `mask_text` of the whole (Hypothesis, 10,000
examples in CI); OpenAI's own chunk types (the `openai` package) and dicts, sync and async."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletionChunk

import tamis
from tamis.llm import mask_stream

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "10000"))

# Findings of built-in scanners and catalog entries, PEM blocks (whole and cut), key=value
# secrets, multi-byte and invisible characters, line breaks.
PIECES = [
    "a", " ", "\n", "\r\n", "jane@example.com", "4111 1111 1111 1111", "call 415-555-0100",
    "-----BEGIN RSA PRIVATE KEY-----\n", "MIIEowIBAAKCAQEA\n", "-----END RSA PRIVATE KEY-----",
    "-----END ", "password=hunter2xyz", '"api_key": "Zx8vQ2pL9mN4rT6w"', "AKIAIOSFODNN7EXAMPLE",
    "ghp_1234567890abcdefghijABCDEFGHIJ123456", "GB82 WEST 1234 5698 7654 32", "\u00e4",
    "\U0001f600", "\u200b", "\uff20", "Bearer abcdef123456", "x@y", "123-45-6789", "my ssn ",
    "ACME-\n123456",
]

POLICIES = [
    tamis.Policy.from_file(ROOT / "policies" / "default.toml"),
    tamis.Policy.from_toml(
        """version = 1
name = "s"
[[rule]]
id = "d"
detect = ["email", "credit_card", "phone", "private_key", "bearer_token", "us_ssn", "secrets"]
action = "replace"
replacement = "[{type}]"
[[rule]]
id = "p"
pattern = "ACME-\\\\s*[0-9]{6}"
action = "replace"
"""
    ),
]
SIMPLE = POLICIES[1]


def streamed(policy: tamis.Policy, text: str, cuts: list[int], as_bytes: bool) -> str:
    whole: str | bytes = text.encode() if as_bytes else text
    stream = policy.stream()
    out, start = [], 0
    for end in sorted({c % (len(whole) + 1) for c in cuts}) + [len(whole)]:
        out.append(stream.push(whole[start:end]))
        start = end
    out.append(stream.finish())
    return "".join(out)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.lists(st.integers(min_value=0, max_value=10**9), max_size=10),
    st.booleans(),
    st.sampled_from(range(len(POLICIES))),
)
def test_pieces_join_to_mask_text_of_the_whole(text: str, cuts: list[int], as_bytes: bool, which: int) -> None:
    policy = POLICIES[which]
    assert streamed(policy, text, cuts, as_bytes) == policy.mask_text(text)


def test_one_character_or_one_byte_at_a_time() -> None:
    text = "Hi \U0001f600 jane@example.com\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n" \
        "-----END RSA PRIVATE KEY-----\npassword=hunter2xyz\u00e4"
    for policy in POLICIES:
        whole = policy.mask_text(text)
        assert streamed(policy, text, list(range(len(text))), False) == whole
        assert streamed(policy, text, list(range(len(text.encode()))), True) == whole


def test_held_text_is_bounded_masked_past_the_limit_and_finished_streams_refuse() -> None:
    policy = tamis.Policy.from_toml(
        'version = 1\nname = "n"\n[limits]\nmax_string_bytes = 64\n'
        '[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n'
    )
    s = policy.stream()
    assert isinstance(s, tamis.TextStream)
    assert s.push("jane@exa") == ""
    assert s.held_bytes == 8
    assert s.push(b"mple.com\nnext") == "[REDACTED]\n"
    out = "".join(s.push("0123456789") for _ in range(20))
    assert s.held_bytes <= 64
    out += s.push("\nend") + s.finish()
    assert out == "[tamis:too_large]\nend"
    assert s.finish() == ""
    with pytest.raises(tamis.TamisError, match="finished"):
        s.push("x")
    with pytest.raises(TypeError):
        policy.stream().push(42)  # type: ignore[arg-type]
    # Bytes that are not UTF-8 become U+FFFD, as in a lossy decoding of the whole.
    s = policy.stream()
    assert s.push(b"a\xff") + s.push(b"\xe2\x82") + s.finish() == "a\ufffd\ufffd"
    assert "held_bytes" in repr(policy.stream())


def test_report_and_one_audit_event_per_stream() -> None:
    events: list[dict[str, Any]] = []
    policy = tamis.Policy.from_toml(
        'version = 1\nname = "n"\n[[rule]]\nid = "e"\ndetect = ["email"]\naction = "replace"\n'
    ).with_audit(events.append)
    s = policy.stream(context={"roles": ["support"]})
    s.push("a@example.com b@example.com\n")
    assert s.report()["detectors"]["email"] == 2
    assert events == []
    s.finish()
    assert len(events) == 1
    assert events[0]["detectors"]["email"] == 2
    assert events[0]["context"]["roles"] == ["support"]
    assert "example.com" not in json.dumps(events)


def test_a_stream_pushed_from_two_threads_at_once_is_refused_not_corrupted() -> None:
    s = SIMPLE.stream()
    big = ("jane@example.com " * 8000) + "\n"
    errors: list[BaseException] = []
    outs: list[str] = []

    def push() -> None:
        try:
            outs.append(s.push(big))
        except tamis.TamisError as e:
            errors.append(e)

    threads = [threading.Thread(target=push) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Every push either completed or was refused; what completed is masked.
    assert len(outs) + len(errors) == 4
    assert all("jane" not in o for o in outs)
    assert "jane" not in s.finish()


def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> ChatCompletionChunk:
    return ChatCompletionChunk.model_validate(
        {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
         "choices": [{"index": index, "delta": delta, "finish_reason": finish}]}
    )


ANSWER = "Sure: write to jane@example.com or call 415-555-0100.\nThanks"
ARGS = '{"email": "jane@example.com", "note": "ok"}'


def openai_chunks(finish: bool = True) -> list[ChatCompletionChunk]:
    items = [chunk(0, {"role": "assistant", "content": ""})]
    items += [chunk(0, {"content": ANSWER[i : i + 5]}) for i in range(0, len(ANSWER), 5)]
    items += [
        chunk(1, {"tool_calls": [{"index": 0, "id": "t", "type": "function",
                                  "function": {"name": "f", "arguments": ARGS[i : i + 7]}}]})
        for i in range(0, len(ARGS), 7)
    ]
    if finish:
        items += [chunk(0, {}, "stop"), chunk(1, {}, "tool_calls")]
    return items


def texts(chunks: list[Any]) -> tuple[str, str]:
    content, calls = "", ""
    for c in chunks:
        for choice in c.choices:
            if choice.index == 0 and choice.delta.content:
                content += choice.delta.content
            for call in choice.delta.tool_calls or []:
                calls += call.function.arguments or ""
    return content, calls


@pytest.mark.parametrize("finish", [True, False])
def test_mask_stream_on_openai_chunks(finish: bool) -> None:
    items = openai_chunks(finish)
    before = [i.model_dump() for i in items]
    out = list(mask_stream(SIMPLE, items))
    assert all(isinstance(c, ChatCompletionChunk) for c in out)
    assert texts(out) == (SIMPLE.mask_text(ANSWER), SIMPLE.mask_text(ARGS))
    assert "jane" not in json.dumps([c.model_dump() for c in out])
    assert [i.model_dump() for i in items] == before, "the source chunks are not changed"
    # Held text comes out in the chunk that finishes its choice, or in one more at the end.
    assert len(out) == len(items) + (0 if finish else 1)


def test_mask_stream_async_dicts_and_text() -> None:
    dicts = [c.model_dump() for c in openai_chunks()]

    async def source() -> Any:
        for d in dicts:
            yield d

    async def collect() -> list[Any]:
        return [c async for c in mask_stream(SIMPLE, source())]

    out = asyncio.run(collect())
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in out if c["choices"][0]["index"] == 0)
    assert content == SIMPLE.mask_text(ANSWER)
    assert "".join(mask_stream(SIMPLE, ["mail jane", "@example.com", "\nok"])) == "mail [email]\nok"
    assert "".join(mask_stream(SIMPLE, [b"mail jane@ex\xc3", b"\xa4ample.com"])) == SIMPLE.mask_text("mail jane@ex\u00e4ample.com")
    with pytest.raises(TypeError):
        list(mask_stream(SIMPLE, [{"no": "choices"}]))


def test_mask_stream_masks_every_text_field_and_drops_logprobs() -> None:
    chunk = {"choices": [{"index": 0, "delta": {"content": "hi\n", "refusal": "no jane@example.com\n",
                                                "reasoning_content": "user is jane@example.com\n",
                                                "function_call": {"name": "f", "arguments": '{"to": "jane@example.com"}'}},
                          "logprobs": {"content": [{"token": "jane@example.com"}]}, "finish_reason": "stop"}]}
    out = list(mask_stream(SIMPLE, [chunk]))
    assert "jane" not in json.dumps(out)
    delta = out[0]["choices"][0]["delta"]
    assert delta["refusal"] == "no [email]\n"
    assert delta["reasoning_content"] == "user is [email]\n"
    assert delta["function_call"]["arguments"] == '{"to": "[email]"}'
    assert out[0]["choices"][0]["logprobs"] is None
    with pytest.raises(TypeError):
        list(mask_stream(SIMPLE, [{"choices": [{"index": 0, "delta": {"content": [{"type": "text", "text": "x"}]}}]}]))

"""Masking LLM answers as they stream.

``mask_stream`` wraps the stream an OpenAI-style SDK returns (``stream=True``) and yields the
same chunks with their text masked: each choice's ``delta.content`` and each tool call's
``function.arguments`` go through their own ``policy.stream()``, so a value cut between two
chunks is found as if the answer had come whole::

    from tamis.llm import mask_stream

    # stream = client.chat.completions.create(model=..., messages=..., stream=True)
    stream = [{"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
              for piece in ("Write to jane", "@example.com", " today.")]
    for chunk in mask_stream(policy, stream):
        print(chunk["choices"][0]["delta"]["content"], end="")

An async stream (``AsyncOpenAI``, or any async iterable) gives an async generator. Chunks may
be the SDK's objects (pydantic models: copies are yielded), dicts, or plain ``str``/``bytes``
pieces of one text. Each choice's ``delta.content``, ``refusal``, reasoning text
(``reasoning_content``, ``reasoning``), legacy ``function_call.arguments``, ``audio.transcript``
and each tool call's ``function.arguments`` is its own stream; ``logprobs`` are dropped (their
tokens repeat the text). Held-back text comes out later: a choice's rest is written into the
chunk that ends it (``finish_reason``), or into one more chunk when the stream ends first. The
source chunks are never changed; anything else in the stream raises ``TypeError`` (never passed
on).
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, TypeVar

from tamis._tamis import Policy, TextStream

__all__ = ["mask_stream"]

T = TypeVar("T")


def mask_stream(
    policy: Policy,
    stream: Iterable[T] | AsyncIterable[T],
    *,
    context: Any = None,
) -> Iterator[T] | AsyncIterator[T]:
    """Masks a streamed LLM answer chunk by chunk (see the module documentation): a generator
    for an iterable, an async generator for an async iterable."""
    if not isinstance(policy, Policy):
        raise TypeError("mask_stream takes a tamis.Policy first")
    if hasattr(stream, "__aiter__"):
        return _amask(policy, stream, context)  # type: ignore[arg-type]
    if hasattr(stream, "__iter__"):
        return _mask(policy, stream, context)
    raise TypeError("mask_stream takes an iterable or an async iterable of chunks")


def _mask(policy: Policy, stream: Iterable[Any], context: Any) -> Iterator[Any]:
    masker = _Masker(policy, context)
    for chunk in stream:
        yield masker.chunk(chunk)
    yield from masker.rest()


async def _amask(policy: Policy, stream: AsyncIterable[Any], context: Any) -> AsyncIterator[Any]:
    masker = _Masker(policy, context)
    async for chunk in stream:
        yield masker.chunk(chunk)
    for item in masker.rest():
        yield item


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _set(obj: Any, name: str, value: Any) -> None:
    if isinstance(obj, dict):
        obj[name] = value
    else:
        setattr(obj, name, value)


# The text fields of a chunk's `delta` that a model streams, each its own stream.
TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")


class _Masker:
    """One ``TextStream`` per choice and field: `delta.content`, `refusal`, reasoning text,
    the legacy `function_call.arguments`, `audio.transcript`, and each tool call's
    `function.arguments`. `logprobs` are dropped (their tokens repeat the text)."""

    def __init__(self, policy: Policy, context: Any) -> None:
        self.policy = policy
        self.context = context
        self.streams: dict[tuple[Any, ...], TextStream] = {}
        self.last: Any = None

    def stream(self, key: tuple[Any, ...]) -> TextStream:
        s = self.streams.get(key)
        if s is None:
            s = self.streams[key] = self.policy.stream(context=self.context)
        return s

    def push(self, key: tuple[Any, ...], holder: Any, field: str) -> None:
        """Masks `holder.field` (text, or absent) through the stream `key`."""
        value = _get(holder, field)
        if value is None:
            return
        if not isinstance(value, str):
            raise TypeError(f"mask_stream reads text in `{field}`, not {type(value).__name__}")
        _set(holder, field, self.stream(key).push(value))

    def chunk(self, chunk: Any) -> Any:
        if isinstance(chunk, (str, bytes)):
            return self.stream(("text",)).push(chunk)
        choices = _get(chunk, "choices")
        if not isinstance(choices, list):
            raise TypeError(
                "mask_stream takes str or bytes pieces or chat completion chunks "
                f"(with `choices`), not {type(chunk).__name__}"
            )
        out = _copy(chunk)
        self.last = out
        for choice in _get(out, "choices"):
            index = _get(choice, "index")
            if _get(choice, "logprobs") is not None:
                _set(choice, "logprobs", None)
            delta = _get(choice, "delta")
            if delta is not None:
                for field in TEXT_FIELDS:
                    self.push((index, field), delta, field)
                for nested, field in (("function_call", "arguments"), ("audio", "transcript")):
                    inner = _get(delta, nested)
                    if inner is not None:
                        self.push((index, nested), inner, field)
                for call in _get(delta, "tool_calls") or []:
                    fn = _get(call, "function")
                    if fn is not None:
                        self.push((index, "tool", _get(call, "index")), fn, "arguments")
            if _get(choice, "finish_reason") is not None:
                self.finish_choice(choice, index)
        return out

    def finish_choice(self, choice: Any, index: Any) -> None:
        """Writes the rest of a choice's streams into its (copied) chunk."""
        delta = _get(choice, "delta")
        if delta is None:
            delta = _empty_delta(choice)
            _set(choice, "delta", delta)
        for key in [k for k in self.streams if len(k) >= 2 and k[0] == index]:
            rest = self.streams.pop(key).finish()
            if not rest:
                continue
            if key[1] in TEXT_FIELDS:
                _set(delta, key[1], (_get(delta, key[1]) or "") + rest)
            elif key[1] in ("function_call", "audio"):
                field = "arguments" if key[1] == "function_call" else "transcript"
                inner = _get(delta, key[1])
                if inner is None:
                    inner = _new(delta, key[1], **{field: ""})
                    _set(delta, key[1], inner)
                _set(inner, field, (_get(inner, field) or "") + rest)
            else:
                calls = _get(delta, "tool_calls")
                if calls is None:
                    calls = []
                    _set(delta, "tool_calls", calls)
                call = next((c for c in calls if _get(c, "index") == key[2]), None)
                if call is None:
                    call = _new_call(delta, key[2])
                    calls.append(call)
                fn = _get(call, "function")
                if fn is None:
                    fn = _new_function(call)
                    _set(call, "function", fn)
                _set(fn, "arguments", (_get(fn, "arguments") or "") + rest)

    def rest(self) -> Iterator[Any]:
        """What is still held when the source ends, masked: the rest of a text, or one more
        chunk with the rest of every choice."""
        text = self.streams.pop(("text",), None)
        if text is not None:
            rest = text.finish()
            if rest:
                yield rest
        if not self.streams:
            return
        tail = _copy(self.last)
        choices: list[Any] = []
        template = _get(tail, "choices")
        for index in sorted({k[0] for k in self.streams}, key=repr):
            choice = _blank_choice(tail, template, index)
            self.finish_choice(choice, index)
            choices.append(choice)
        _set(tail, "choices", choices)
        yield tail


def _copy(chunk: Any) -> Any:
    """A copy to write masked text into (the caller's chunk is never changed)."""
    if hasattr(chunk, "model_copy"):
        return chunk.model_copy(deep=True)
    return copy.deepcopy(chunk)


def _blank_choice(tail: Any, template: list[Any], index: Any) -> Any:
    """A choice with an empty delta and no finish reason, of the chunk's own kind."""
    if isinstance(tail, dict) or not template:
        return {"index": index, "delta": {}, "finish_reason": None}
    first = copy.deepcopy(template[0])
    _set(first, "index", index)
    _set(first, "finish_reason", None)
    if _get(first, "logprobs") is not None:
        _set(first, "logprobs", None)
    _set(first, "delta", _empty_delta(first))
    return first


def _model_of(owner: Any, field: str) -> Any:
    """The pydantic model class of `owner`'s `field` (through `Optional` and `List`), or
    `None` for dicts and plain objects."""
    info = getattr(type(owner), "model_fields", {}).get(field)
    stack = [getattr(info, "annotation", None)]
    while stack:
        kind = stack.pop()
        if hasattr(kind, "model_construct"):
            return kind
        stack.extend(getattr(kind, "__args__", ()))
    return None


def _new(owner: Any, field: str, **values: Any) -> Any:
    """A new value for `owner`'s `field`: its pydantic model, or a dict."""
    model = _model_of(owner, field)
    return model.model_construct(**values) if model is not None else dict(values)


def _empty_delta(choice: Any) -> Any:
    return _new(choice, "delta")


def _new_call(delta: Any, index: Any) -> Any:
    return _new(delta, "tool_calls", index=index)


def _new_function(call: Any) -> Any:
    return _new(call, "function", arguments="")

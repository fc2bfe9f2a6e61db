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
pieces of one text. Held-back text comes out later: a choice's rest is written into the chunk
that ends it (``finish_reason``), or into one more chunk when the stream ends first. The source
chunks are never changed; anything else in the stream raises ``TypeError`` (never passed on).
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


class _Masker:
    """One ``TextStream`` per choice's content and per tool call's arguments."""

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
            delta = _get(choice, "delta")
            if delta is not None:
                content = _get(delta, "content")
                if isinstance(content, str):
                    _set(delta, "content", self.stream((index,)).push(content))
                for call in _get(delta, "tool_calls") or []:
                    fn = _get(call, "function")
                    arguments = _get(fn, "arguments") if fn is not None else None
                    if isinstance(arguments, str):
                        key = (index, _get(call, "index"))
                        _set(fn, "arguments", self.stream(key).push(arguments))
            if _get(choice, "finish_reason") is not None:
                self.finish_choice(choice, index)
        return out

    def finish_choice(self, choice: Any, index: Any) -> None:
        """Writes the rest of a choice's streams into its (copied) chunk."""
        delta = _get(choice, "delta")
        if delta is None:
            delta = {} if isinstance(choice, dict) else _empty_delta(choice)
            _set(choice, "delta", delta)
        content = self.streams.pop((index,), None)
        if content is not None:
            rest = content.finish()
            if rest:
                _set(delta, "content", (_get(delta, "content") or "") + rest)
        for key in [k for k in self.streams if len(k) == 2 and k[0] == index]:
            rest = self.streams.pop(key).finish()
            if not rest:
                continue
            calls = _get(delta, "tool_calls")
            if calls is None:
                calls = []
                _set(delta, "tool_calls", calls)
            call = next((c for c in calls if _get(c, "index") == key[1]), None)
            if call is None:
                call = _new_call(delta, key[1])
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

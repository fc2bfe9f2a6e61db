"""The compiled core of tamis (see `tamis`)."""

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Final, Literal, TypedDict, final

__version__: Final[str]
__all__ = [
    "Policy",
    "PolicyError",
    "RevealError",
    "Session",
    "TamisError",
    "TextStream",
    "_dropped_marker",
    "__version__",
]

class _Context(TypedDict, total=False):
    roles: list[str]
    purpose: str
    type: str

_Now = datetime | str | None
_Keys = Mapping[str, str | bytes]

class TamisError(ValueError): ...

class PolicyError(TamisError):
    code: str
    line: int | None
    column: int | None
    rule_id: str | None
    path: str | None
    file: str | None
    help: str | None

class RevealError(TamisError):
    reason: str
    path: str | None
    rule_id: str | None

# A detector of your own (`ext:<name>`): given one line, returns `(start, end)` character
# offsets, or objects with `start` and `end` (Presidio's results).
_Detectors = Mapping[str, Callable[[str], Iterable[Any]]]
_AuditSink = Callable[[dict[str, Any]], object] | str | os.PathLike[str]

@final
class Policy:
    @staticmethod
    def from_toml(
        text: str, *, keys: _Keys | None = None, detectors: _Detectors | None = None
    ) -> Policy: ...
    @staticmethod
    def from_json(
        text: str, *, keys: _Keys | None = None, detectors: _Detectors | None = None
    ) -> Policy: ...
    @staticmethod
    def from_file(
        path: str | os.PathLike[str],
        *,
        keys: _Keys | None = None,
        detectors: _Detectors | None = None,
    ) -> Policy: ...
    @staticmethod
    def from_dict(
        doc: Mapping[str, Any], *, keys: _Keys | None = None, detectors: _Detectors | None = None
    ) -> Policy: ...
    @staticmethod
    def _from_state(
        source: str,
        is_json: bool,
        file: str | None,
        keys: list[tuple[str, bytes]],
        detectors: _Detectors | None = None,
    ) -> Policy: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @property
    def name(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def rule_ids(self) -> list[str]: ...
    @property
    def _has_record_stages(self) -> bool: ...
    def apply(self, obj: Any, *, context: _Context | None = None, now: _Now = None) -> Any: ...
    def apply_with_report(
        self, obj: Any, *, context: _Context | None = None, now: _Now = None
    ) -> tuple[Any, dict[str, Any]]: ...
    def apply_many(
        self, records: Iterable[Any], *, context: _Context | None = None, now: _Now = None
    ) -> list[Any]: ...
    def apply_many_with_report(
        self, records: Iterable[Any], *, context: _Context | None = None, now: _Now = None
    ) -> tuple[list[Any], dict[str, Any]]: ...
    def apply_json(
        self, text: str, *, context: _Context | None = None, now: _Now = None
    ) -> str | None: ...
    def apply_json_lines(
        self, text: str, *, context: _Context | None = None, now: _Now = None
    ) -> str: ...
    def mask_text(self, text: str, *, context: _Context | None = None) -> str: ...
    def stream(self, *, context: _Context | None = None) -> TextStream: ...
    def session(self) -> Session: ...
    def with_audit(self, sink: _AuditSink | None) -> Policy: ...
    def reveal(self, obj: Any, *, context: _Context | None = None, now: _Now = None) -> Any: ...
    def reveal_json(
        self, text: str, *, context: _Context | None = None, now: _Now = None
    ) -> str: ...
    def summarize(self, data: Any, *, context: _Context | None = None) -> Any: ...
    def explain(
        self,
        records: Iterable[Any] | None = None,
        *,
        context: _Context | None = None,
        now: _Now = None,
    ) -> dict[str, Any]: ...
    def run_tests(self) -> dict[str, Any]: ...
    def _summarize_columns(
        self,
        columns: list[tuple[list[str], list[tuple[Any, ...]]]],
        *,
        context: _Context | None = None,
        states: bool = False,
    ) -> list[Any]: ...
    def _finish_summary(
        self, keys: list[str], states: list[str], *, context: _Context | None = None
    ) -> dict[str, Any] | None: ...
    def _mask_column(
        self, keys: list[str], values: Iterable[Any], *, context: _Context | None = None
    ) -> list[Any]: ...
    def _i64_unchanged(
        self, keys: list[str], chunk: tuple[Any, ...], *, context: _Context | None = None
    ) -> bool: ...
    def _mask_utf8(
        self, keys: list[str], chunk: tuple[Any, ...], *, context: _Context | None = None
    ) -> tuple[bytes, bytes, bytes | None] | None: ...
    def _column_plan(
        self, keys: list[str], *, context: _Context | None = None
    ) -> Literal["keep", "detect", "drop", "cells"]: ...
    def _output_keys(self, keys: list[str], *, context: _Context | None = None) -> list[str]: ...

def _dropped_marker(reason: str) -> dict[str, Any]: ...

@final
class TextStream:
    """A text masked as it arrives (`Policy.stream`): the joined output of `push` and
    `finish` is `mask_text` of the whole text."""

    def push(self, chunk: str | bytes) -> str: ...
    def finish(self) -> str: ...
    def report(self) -> dict[str, Any]: ...
    @property
    def held_bytes(self) -> int: ...

@final
class Session:
    """Placeholder numbers kept for a conversation (`Policy.session`); holds the values it
    numbered, so it is never pickled."""

    def apply(self, obj: Any, *, context: _Context | None = None, now: _Now = None) -> Any: ...
    def apply_many(
        self, records: Iterable[Any], *, context: _Context | None = None, now: _Now = None
    ) -> list[Any]: ...
    def mask_text(self, text: str, *, context: _Context | None = None) -> str: ...
    def stream(self, *, context: _Context | None = None) -> TextStream: ...
    def restore(self, text: str) -> str: ...
    def __len__(self) -> int: ...

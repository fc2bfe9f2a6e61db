"""Logging: `TamisFilter`, a `logging.Filter` that masks each record's message, arguments and
exception; `StructlogProcessor`, the same for structlog's event dicts.

    import logging, tamis
    from tamis.logging import TamisFilter

    handler = logging.StreamHandler()
    handler.addFilter(TamisFilter(tamis.Policy.from_file("policies/default.toml")))

From a configuration (`logging.config.dictConfig`, or a file read into one), the policy is a path:

    import logging.config

    logging.config.dictConfig({
        "version": 1,
        "filters": {"tamis": {"()": "tamis.logging.TamisFilter", "policy": "policies/default.toml"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["tamis"]}},
        "root": {"handlers": ["console"], "level": "INFO"},
    })

With structlog, put the processor after the ones that add data and before the renderer:

    import structlog
    from tamis.logging import StructlogProcessor

    structlog.configure(processors=[
        structlog.processors.add_log_level,
        StructlogProcessor("policies/default.toml"),
        structlog.processors.JSONRenderer(),
    ])

Attach it to handlers (it then covers records from every logger that reaches them). The message is
formatted first (`record.getMessage()`), then masked as free text; `args` are cleared so nothing
formats the raw values again; exception and stack text are formatted and masked, and
`exc_info` is cleared. Values given through `extra=` are masked with `Policy.apply`.
"""

from __future__ import annotations

import logging
import os
import traceback
from typing import Any, MutableMapping, Union

from tamis._tamis import Policy

PolicyLike = Union[Policy, str, "os.PathLike[str]"]


def _policy(policy: PolicyLike) -> Policy:
    """A compiled policy, or the policy of a file (TOML, or JSON by its name)."""
    return policy if isinstance(policy, Policy) else Policy.from_file(policy)

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class TamisFilter(logging.Filter):
    def __init__(self, policy: PolicyLike, *, context: dict[str, Any] | None = None, name: str = "") -> None:
        super().__init__(name)
        self.policy = _policy(policy)
        self.context = context
        #: Records that could not be masked: written with a placeholder and nothing of their own.
        self.failed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._mask(record)
        except Exception:
            # Fail closed, never into the application's logging call: the record goes out with
            # its level and logger, and nothing it carried.
            self.failed += 1
            record.msg, record.args = "[tamis:masking_failed]", ()
            record.exc_info = record.exc_text = record.stack_info = None
            for key in [k for k in vars(record) if k not in _STANDARD]:
                delattr(record, key)
        return True

    def _mask(self, record: logging.LogRecord) -> None:
        mask = self.policy.mask_text
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: never fall back to the raw arguments
            message = "[tamis:unformattable log message]"
        record.msg = mask(message, context=self.context)
        record.args = ()
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = mask(text.rstrip("\n"), context=self.context)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text, context=self.context)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, context=self.context)
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extra:
            masked = self.policy.apply(extra, context=self.context)
            masked = masked if isinstance(masked, dict) else {}
            for key in extra:
                # A removed value is removed from the record too.
                if key in masked:
                    setattr(record, key, masked[key])
                else:
                    delattr(record, key)


class StructlogProcessor:
    """A structlog processor: the event dict is masked as one record (`Policy.apply`: key and
    path rules on its keys, detectors on its values, the message under `event` included). An
    exception given as `exc_info` is formatted and masked into `exception` (structlog's own
    name for it), so no later processor formats the raw one. A record the policy drops is
    dropped (`structlog.DropEvent`). An event that cannot be masked becomes
    `{"event": "[tamis:masking_failed]"}` and is counted (`failed`): an exception here would reach
    stdlib logging's `handleError`, which prints the raw message and arguments."""

    def __init__(self, policy: PolicyLike, *, context: dict[str, Any] | None = None) -> None:
        self.policy = _policy(policy)
        self.context = context
        self.failed = 0

    def __call__(self, logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Any:
        try:
            masked = self._mask(event_dict)
        except Exception:
            self.failed += 1
            return {"event": "[tamis:masking_failed]"}
        if masked is None:
            import structlog

            raise structlog.DropEvent
        return masked

    def _mask(self, event_dict: MutableMapping[str, Any]) -> Any:
        exc_info = event_dict.pop("exc_info", None)
        if exc_info:
            if isinstance(exc_info, BaseException):
                exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
            elif not isinstance(exc_info, tuple):
                import sys

                exc_info = sys.exc_info()
            if exc_info[0] is not None:
                event_dict["exception"] = "".join(traceback.format_exception(*exc_info)).rstrip("\n")
        return self.policy.apply(dict(event_dict), context=self.context)

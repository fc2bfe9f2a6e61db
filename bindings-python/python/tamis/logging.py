"""`TamisFilter`: a `logging.Filter` that masks each record's message, arguments and exception.

    import logging, tamis
    from tamis.logging import TamisFilter

    handler = logging.StreamHandler()
    handler.addFilter(TamisFilter(tamis.Policy.from_file("policies/default.toml")))

Attach it to handlers (it then covers records from every logger that reaches them). The message is
formatted first (`record.getMessage()`), then masked as free text; `args` are cleared so nothing
formats the raw values again; exception and stack text are formatted and masked, and
`exc_info` is cleared. Values given through `extra=` are masked with `Policy.apply`.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from tamis._tamis import Policy

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class TamisFilter(logging.Filter):
    def __init__(self, policy: Policy, *, context: dict[str, Any] | None = None, name: str = "") -> None:
        super().__init__(name)
        self.policy = policy
        self.context = context

    def filter(self, record: logging.LogRecord) -> bool:
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
        return True

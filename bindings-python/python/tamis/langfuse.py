"""`mask_function(policy)`: the `mask=` argument of `Langfuse(...)`.

    from langfuse import Langfuse
    from tamis.langfuse import mask_function

    langfuse = Langfuse(mask=mask_function(tamis.Policy.from_file("policies/langfuse.toml")))

Langfuse calls it with every input, output and metadata value set through its API. Text is masked
as free text; anything else with `Policy.apply` (a value that the policy drops becomes None).
"""

from __future__ import annotations

from typing import Any, Callable

from tamis._tamis import Policy


def mask_function(policy: Policy, *, context: dict[str, Any] | None = None) -> Callable[..., Any]:
    def mask(*, data: Any, **_: Any) -> Any:
        if isinstance(data, str):
            return policy.mask_text(data, context=context)
        return policy.apply(data, context=context)

    return mask

"""Constraints on what a model is and where it runs, and whether your prompts fit its window.

Real selections have hard requirements that are not scores: function calling,
JSON-schema output, vision, data that must stay on your machines, providers a
company will not use, a context window that fits the prompts you actually
send. The facts come from the model's price sheet entry (its ``supports_*``
flags, ``max_input_tokens``, provider, ``local``/``self_hosted``) and from the
eval (the longest prompt); each broken constraint excludes the model with a
reason, like the score constraints in ``rank``.
"""

from __future__ import annotations

from advisor.evidence.model import ModelEvidence
from advisor.inputs.profiles import Constraints
from advisor.text.format import tokens


def _where(ev: ModelEvidence) -> str:
    price = ev.price.price if ev.price is not None else None
    if price is None:
        return "an unpriced model (where it runs is unknown)"
    return f"{price.provider or 'an unnamed provider'} ({price.id})"


def entry_exclusions(ev: ModelEvidence, limits: Constraints) -> list[str]:
    """Why the model's entry (capabilities, provider, window) or its prompts rule it out."""
    price = ev.price.price if ev.price is not None else None
    reasons: list[str] = []
    if limits.require:
        lacks = [c for c in limits.require if price is not None and price.supports(c) is False]
        unknown = [c for c in limits.require if price is None or price.supports(c) is None]
        if lacks:
            reasons.append(f"does not support {', '.join(lacks)} (price sheet)")
        if unknown:
            reasons.append(
                f"not known to support {', '.join(unknown)} (the price sheet does not say; "
                f"set supports_{unknown[0]} = true in its entry if it does)"
            )
    if limits.local_only and (price is None or not price.on_premises):
        reasons.append(f"not local: runs at {_where(ev)} (local_only)")
    if limits.exclude_providers and price is not None and price.provider is not None:
        banned = {p.lower() for p in limits.exclude_providers}
        if price.provider.lower() in banned:
            reasons.append(f"provider {price.provider} is excluded")
    window = price.max_input_tokens if price is not None else None
    if limits.min_context_tokens is not None:
        if window is None:
            reasons.append(f"context window unknown (the minimum is {tokens(limits.min_context_tokens)} tokens)")
        elif window < limits.min_context_tokens:
            reasons.append(
                f"context window {tokens(window)} tokens is below the {tokens(limits.min_context_tokens)} minimum"
            )
    fit = ev.prompt_fit
    if (
        fit is not None
        and fit.window is not None
        and fit.over
        and fit.over / fit.counted > limits.max_prompts_over_context
    ):
        reasons.append(_too_long(fit.longest, fit.window, fit.over, fit.counted))
    return reasons


def _too_long(longest: float, window: int, over: int, counted: int) -> str:
    return (
        f"your longest prompt is {tokens(longest)} tokens; window {tokens(window)} "
        f"({over:,} of {counted:,} prompts exceed it)"
    )


def context_flags(ev: ModelEvidence, limits: Constraints) -> list[str]:
    """A few prompts beyond the window (within ``max_prompts_over_context``): said, not excluded."""
    fit = ev.prompt_fit
    if fit is None or fit.window is None or not fit.over or fit.over / fit.counted > limits.max_prompts_over_context:
        return []
    return [f"{ev.model}: {_too_long(fit.longest, fit.window, fit.over, fit.counted)}; within the tolerance"]

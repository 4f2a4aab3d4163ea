"""Apply a workspace's ``[[failure_rules]]`` to loaded samples.

Eval tools only know "wrong" or "error"; a team knows more: that "I can't
help with that" is a refusal, that "rate limit" in an error is retryable
infrastructure, that a JSON parse failure is a malformed answer. Rules are
regexes on a row's response or error text; the first matching rule sets the
row's failure kind. Each rule's hit count is returned so ``advisor data`` can
show which rule fired how often (a rule that never fires is usually a typo).
Patterns run on RE2 (``FailureRule.compiled``): linear time, so a
catastrophic pattern on a long response costs microseconds, not minutes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from advisor.inputs.workspace import FailureRule
from advisor.records.samples import OUTCOME_CODE, SampleTable


@dataclass(frozen=True)
class RuleHit:
    rule: FailureRule
    hits: int


def apply_rules(table: SampleTable, rules: Sequence[FailureRule]) -> tuple[SampleTable, list[RuleHit]]:
    """The table with outcomes (and, for newly failed passing rows, scores) rewritten; hits per rule."""
    if not rules:
        return table, []
    responses = table.texts.get("response") or [None] * len(table)
    errors = table.texts.get("error") or [None] * len(table)
    outcome = table.outcome.copy()
    score = table.score.copy()
    ok = OUTCOME_CODE["ok"]
    compiled = [r.compiled() for r in rules]
    counts = [0] * len(rules)
    for row in range(len(table)):
        passing = outcome[row] == ok
        if passing and not any(r.also_passing for r in rules):
            continue
        # RE2 searches UTF-8 bytes; "surrogatepass" keeps a lone surrogate (a JSON "\ud800") from ending the run
        response, error = (
            t.encode("utf-8", "surrogatepass") if t is not None else None for t in (responses[row], errors[row])
        )
        for i, (rule, rx) in enumerate(zip(rules, compiled, strict=True)):
            if passing and not rule.also_passing:
                continue
            texts = {"response": (response,), "error": (error,), "either": (response, error)}[rule.on]
            if any(t is not None and rx.search(t) for t in texts):
                outcome[row] = OUTCOME_CODE[rule.kind]
                if passing:
                    score[row] = 0.0
                counts[i] += 1
                break
    if not any(counts):
        return table, [RuleHit(r, 0) for r in rules]
    new = dataclasses.replace(table, outcome=outcome.astype(np.int8), score=score)
    return new, [RuleHit(r, c) for r, c in zip(rules, counts, strict=True)]

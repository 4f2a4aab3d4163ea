"""Apply a workspace's ``[[failure_rules]]`` to loaded samples.

Eval tools only know "wrong" or "error"; a team knows more: that "I can't
help with that" is a refusal, that "rate limit" in an error is retryable
infrastructure, that a JSON parse failure is a malformed answer. Rules are
regexes on a row's response or error text; the first matching rule sets the
row's failure kind. Each rule's hit count is returned so ``advisor data`` can
show which rule fired how often (a rule that never fires is usually a typo).

Patterns run on RE2 (validated by ``FailureRule``): matching time is linear
in the text, so a catastrophic pattern such as ``(a+)+$`` on a long response
costs microseconds, not minutes. All the rules on one text are matched in a
single pass (an ``RE2::Set``), one call per row and text rather than one per
rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import re2

from advisor.inputs.workspace import FailureRule
from advisor.records.samples import OUTCOME_CODE, SampleTable


@dataclass(frozen=True)
class RuleHit:
    rule: FailureRule
    hits: int


class _TextRules:
    """The rules searched in one text (response or error), as one RE2 set: text → indices of matching rules."""

    def __init__(self, rules: Sequence[FailureRule], fields: tuple[str, ...]) -> None:
        self.index: list[int] = []
        options = re2.Options()
        options.log_errors = False
        self.set: Any = re2.Set.SearchSet(options)
        for i, rule in enumerate(rules):
            if rule.on in fields:
                self.set.Add(("(?i)" if rule.ignore_case else "") + rule.pattern)
                self.index.append(i)
        if self.index:
            self.set.Compile()

    def matching(self, text: str | None) -> list[int]:
        if text is None or not self.index:
            return []
        # RE2 searches UTF-8 bytes; "surrogatepass" keeps a lone surrogate (a JSON "\ud800") from ending the run
        found = self.set.Match(text.encode("utf-8", "surrogatepass"))
        return [self.index[k] for k in found] if found else []


def apply_rules(table: SampleTable, rules: Sequence[FailureRule]) -> tuple[SampleTable, list[RuleHit]]:
    """The table with outcomes (and, for newly failed passing rows, scores) rewritten; hits per rule."""
    if not rules:
        return table, []
    responses = table.texts.get("response") or [None] * len(table)
    errors = table.texts.get("error") or [None] * len(table)
    outcome = table.outcome.copy()
    given = table.outcome_given.copy() if table.outcome_given is not None else None
    score = table.score.copy()
    ok = OUTCOME_CODE["ok"]
    on_response = _TextRules(rules, ("response", "either"))
    on_error = _TextRules(rules, ("error", "either"))
    any_passing = any(r.also_passing for r in rules)
    counts = [0] * len(rules)
    for row in range(len(table)):
        passing = outcome[row] == ok
        if passing and not any_passing:
            continue
        hits = on_response.matching(responses[row]) + on_error.matching(errors[row])
        eligible = [i for i in hits if not passing or rules[i].also_passing]
        if not eligible:
            continue
        first = min(eligible)  # rules apply in the order they are written
        outcome[row] = OUTCOME_CODE[rules[first].kind]
        if given is not None:
            given[row] = True
        if passing:
            score[row] = 0.0
        counts[first] += 1
    if not any(counts):
        return table, [RuleHit(r, 0) for r in rules]
    new = dataclasses.replace(
        table,
        outcome=outcome.astype(np.int8),
        score=score,
        outcome_given=None if given is None or given.all() else given,
    )
    return new, [RuleHit(r, c) for r, c in zip(rules, counts, strict=True)]

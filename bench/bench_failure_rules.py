"""Failure rules: ``apply_rules`` (RE2) against Python's ``re`` on the same rows and patterns.

Two workloads, each run through ``advisor.ingest.rules.apply_rules`` (RE2, the
shipped engine) and through a peer that is the same loop with ``re.search``:

- ``usual``: 20,000 rows of realistic responses, three everyday rules
  (refusals, rate limits, malformed JSON);
- ``catastrophic``: the pattern ``(a+)+$`` on responses of ``n`` letters a
  followed by one "b": backtracking doubles its work with every letter, RE2
  stays linear. ``--n`` keeps the peer's time bounded (default 24: seconds).

Both engines must count the same hits. Run: python bench/bench_failure_rules.py
[--runs 5] [--n 24]. Reports medians and the ratio peer / ours.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from advisor.ingest.rules import apply_rules
from advisor.inputs.workspace import FailureRule
from advisor.records.samples import build


def table(responses: list[str]):  # type: ignore[no-untyped-def]
    n = len(responses)
    return build(
        model=["m"] * n,
        task=["t"] * n,
        sample_id=[str(i) for i in range(n)],
        score=np.zeros(n),
        source="bench",
        outcome=["wrong"] * n,
        texts={"response": list(responses)},
    )


def peer(responses: Sequence[str], rules: Sequence[FailureRule]) -> list[int]:
    compiled = [re.compile(r.pattern, re.IGNORECASE if r.ignore_case else 0) for r in rules]
    counts = [0] * len(rules)
    for text in responses:
        for i, rx in enumerate(compiled):
            if rx.search(text):
                counts[i] += 1
                break
    return counts


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n", type=int, default=24, help="letters before the b in the catastrophic case")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    usual_texts = [
        rng.choice(["I can't help with that.", "Rate limit exceeded, retry", "{'broken': json", "The answer is 42."])
        + " lorem ipsum" * int(rng.integers(1, 40))
        for _ in range(20_000)
    ]
    usual_rules = [
        FailureRule(pattern=r"I can(no|')t help", kind="refusal"),
        FailureRule(pattern=r"rate.?limit", kind="error"),
        FailureRule(pattern=r"^\{'", kind="malformed"),
    ]
    bad_texts = ["a" * args.n + "b"] * 3
    bad_rules = [FailureRule(pattern=r"(a+)+$", kind="malformed")]
    for name, texts, rules, runs in (
        ("usual", usual_texts, usual_rules, args.runs),
        ("catastrophic", bad_texts, bad_rules, 1),
    ):
        t = table(texts)
        ours, (_, hits) = timed(lambda t=t, rules=rules: apply_rules(t, rules), runs)  # type: ignore[misc]
        theirs, peer_hits = timed(lambda texts=texts, rules=rules: peer(texts, rules), runs)  # type: ignore[misc]
        assert [h.hits for h in hits] == peer_hits, (hits, peer_hits)
        print(
            f"{name:>12}: RE2 apply_rules {ours * 1e3:9.1f} ms   re peer {theirs * 1e3:9.1f} ms   "
            f"peer/ours {theirs / ours:8.1f}x   hits {peer_hits}"
        )


if __name__ == "__main__":
    main()

"""Which of an lm-evaluation-harness task's metrics is its score: one documented rule, per task.

One run mixes tasks that report different metrics (accuracy for multiple
choice, exact match with two answer filters for generation, BLEU on a 0-100
scale for open generation), so no single ``metric`` serves a whole file. The
rule, for each task:

1. A metric chosen in ``[importers.lm_eval]`` is used: ``metric = "name,filter"``
   for every task that reports it, or ``metric = { task = "name,filter" }`` per
   task (a task named there must report it).
2. Otherwise the candidates are the task's ``<metric>,<filter>`` keys with a
   number in [0, 1] that the harness marks higher-is-better and whose
   per-sample values are scores (corpus metrics such as ``bleu``, ``chrf``,
   ``ter``, ``f1``, ``mcc`` and the perplexities are not). Among them:
   ``acc``, then ``exact_match``, ``acc_norm``, ``quasi_exact_match``, then
   the others in the file's order; filter ``none``, then ``strict-match``,
   then ``flexible-extract``, then the others.
3. A task with no candidate is skipped with a note naming its metrics.

``name``, ``alias`` and ``sample_len`` (written first since 0.4.12) are not
metrics; v0.3 files' keys without a filter count as filter ``none``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.errors import InputError

#: Metrics whose per-sample values are not scores (corpus-level aggregations, passthrough tuples).
NOT_SCORES = frozenset(
    {"bleu", "chrf", "ter", "f1", "mcc", "perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"}
)
PREFERRED = ("acc", "exact_match", "acc_norm", "quasi_exact_match")
FILTERS = ("none", "strict-match", "flexible-extract")
NOT_METRICS = frozenset({"name", "alias", "sample_len", "samples"})

#: The ``metric`` option: one ``name,filter`` for every task that has it, or one per task.
Choice = str | Mapping[str, str] | None


def metrics(reported: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(metric, filter, value) for every metric key of one task's results, in the file's order."""
    out = []
    for key, value in reported.items():
        name, _, flt = key.partition(",")
        if name in NOT_METRICS or name.endswith("_stderr"):
            continue
        out.append((name, flt or "none", value))
    return out


def is_score(value: Any) -> bool:
    return type(value) in (int, float) and 0.0 <= value <= 1.0


def chosen(task: str, choice: Choice) -> tuple[str, str] | None:
    """The (metric, filter) the workspace picked for this task, if any."""
    if choice is None:
        return None
    pick = choice.get(task) if isinstance(choice, Mapping) else choice
    if pick is None:
        return None
    name, _, flt = pick.partition(",")
    return name.strip(), (flt.strip() or "none")


def primary(
    task: str, reported: Mapping[str, Any], higher: Any, choice: Choice, where: str
) -> tuple[tuple[str, str] | None, str | None]:
    """((metric, filter) or None to skip the task, a note for the user or None)."""
    found = metrics(reported)
    names = ", ".join(f"{n},{f}" for n, f, _ in found) or "none"
    pick = chosen(task, choice)
    if pick is not None:
        if any((n, f) == pick for n, f, _ in found) or not found:
            return pick, None
        if isinstance(choice, Mapping):
            raise InputError(where, f"no metric {','.join(pick)!r} for task {task!r} (metrics: {names})")
    better = higher if isinstance(higher, Mapping) else {}
    candidates = [
        (n, f)
        for n, f, v in found
        if is_score(v) and better.get(n) is not False and n not in NOT_SCORES and type(v) is not bool
    ]
    if not candidates:
        return None, (
            f"task {task!r} skipped: none of its metrics is a per-sample score in [0, 1] ({names}); "
            "choose one with [importers.lm_eval] metric"
        )

    def rank(item: tuple[str, str]) -> tuple[int, int]:
        n, f = item
        by_name = PREFERRED.index(n) if n in PREFERRED else len(PREFERRED)
        by_filter = FILTERS.index(f) if f in FILTERS else len(FILTERS)
        return by_name, by_filter

    best = min(candidates, key=rank)  # min keeps the file's order among equals
    others = [f"{n},{f}" for n, f, _ in found if (n, f) != best]
    note = f"task {task!r}: scored by {best[0]},{best[1]}" + (
        f" (also reported: {', '.join(others)})" if others else ""
    )
    return best, note


def key(reported: Mapping[str, Any], pick: tuple[str, str]) -> str:
    """The results key for (metric, filter): ``acc,none``, or plain ``acc`` in v0.3 files."""
    name, flt = pick
    for candidate in (f"{name},{flt}", name if flt == "none" else None):
        if candidate is not None and candidate in reported:
            return candidate
    return f"{name},{flt}"


def stderr(reported: Mapping[str, Any], pick: tuple[str, str]) -> Any:
    name, flt = pick
    return reported.get(f"{name}_stderr,{flt}", reported.get(f"{name}_stderr") if flt == "none" else None)

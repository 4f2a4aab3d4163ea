"""Memo section 4: the strength of the evidence, every ranked model against the leader.

Why this module exists: the evidence section is the memo's statistical
argument (the paired difference, its test, the Holm-adjusted p, McNemar on the
pass/fail tasks, what the items can detect and how many would settle it, and
the dev/holdout gap when a split is configured); it reads the one paired
decision the ranking carries and recomputes nothing.
"""

from __future__ import annotations

import math

from advisor.memo.blocks import Doc, Heading, Para, Table
from advisor.memo.context import MemoContext
from advisor.report.uncertainty import unpaired_label
from advisor.text.format import p_value, signed
from advisor.text.sanitise import markdown as md


def evidence_section(doc: Doc, ctx: MemoContext) -> None:
    d, ex = ctx.decision, ctx.extras
    doc.add(Heading(2, "4. Evidence strength", "evidence"))
    pick = d.pick
    if pick is None:
        doc.add(Para("No pick, so no comparison with a leader."))
        return
    rows = []
    for r in ex.pairwise:
        g = r.gap
        verdict = {"higher": "clearly ahead", "lower": "clearly behind", "unclear": "no clear difference"}.get(
            g.direction, "no comparison"
        )
        need = g.items_needed if g.direction == "unclear" else None
        settle = "–" if need is None else f"{need:,}" if need > g.items_per_task else "enough"
        rows.append(
            (
                md(g.model) if g.paired else f"{md(g.model)} ({unpaired_label(g)})",
                _pts(g.diff),
                "n/a" if math.isnan(g.diff) else f"{signed(100 * g.ci_low)} to {signed(100 * g.ci_high)}",
                g.test,
                p_value(g.p_value),
                p_value(g.p_adjusted),
                "n/a" if g.mcnemar is None else p_value(g.mcnemar.p_value),
                "n/a" if math.isnan(g.detectable) else f"{100 * g.detectable:.1f} pts",
                settle,
                verdict,
            )
        )
    family = d.comparisons.family
    smallest = d.profile.statistics.smallest_difference
    doc.add(
        Para(
            f"Accuracy of each model minus the leader ({md(pick.model)}), task-weighted; paired on the items both "
            "saw (epochs averaged per item) with an exact sign-flip test (McNemar's exact test for pass/fail "
            "items of equal weight; Monte Carlo, or Hoeffding's bound far in the tail, when the exact sum is too "
            "large). p-values are Holm-adjusted "
            f'over all {family} pairs of ranked models, so the chance of any false "clearly" is at most 5% '
            "whichever model leads. The 95% interval is Agresti–Min-adjusted (honest at small n) and reaches 0 "
            "when the gap is not clear. The detectable difference is the gap these items find 80% of the time "
            f"at that familywise level; the last number is how many items per task would find a "
            f"{100 * smallest:g}-point difference (the profile's smallest difference worth detecting), or "
            '"enough" when the items at hand already would, so a real gap is likely smaller.'
        )
    )
    if any(r.gap.mcnemar is not None for r in ex.pairwise):
        binary = sorted({t for r in ex.pairwise if r.gap.mcnemar is not None for t in r.gap.mcnemar_tasks})
        partial = [t for t in d.task_weights if t not in binary]
        rest = "."
        if partial:
            one = len(partial) == 1
            has, be = ("has", "is") if one else ("have", "are")
            rest = f"; {', '.join(map(md, partial))} {has} partial credit and {be} left out of it."
        doc.add(Para(f"The McNemar column covers only the pass/fail tasks ({', '.join(map(md, binary))}){rest}"))
    if any(not r.gap.paired for r in ex.pairwise):
        doc.add(
            Para(
                "Rows marked unpaired (aggregates) involve a model known only from per-task aggregates, rows "
                "marked unpaired (no shared items) two models scored on different items: the difference is of "
                "the two means, Agresti–Caffo-adjusted, with a normal test and no McNemar test."
            )
        )
    doc.add(
        Table(
            (
                "model",
                "difference",
                "95% interval",
                "test",
                "p",
                "Holm p",
                "McNemar p (pass/fail tasks)",
                "detectable",
                f"items/task for {100 * smallest:g} pts",
                "accuracy verdict",
            ),
            tuple(rows),
            "lrrlrrrrrl",
        )
    )


def _pts(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{signed(100 * x)} pts"

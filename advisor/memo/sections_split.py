"""Memo section 4, continued: the decision's evidence on the holdout against the dev items.

Why this module exists: a memo decided on a private holdout should say so —
which rotation, how many items — and show whether any candidate looks tuned
to the dev items and whether the two parts rank the models alike, so a
reviewer can trust (or question) the pick. Written only when the workspace has
a split (``advisor split``); the words come from ``advisor.report.overfit``.
"""

from __future__ import annotations

from advisor.memo.blocks import Bullets, Doc, Heading, Para, Table
from advisor.memo.context import MemoContext
from advisor.report import overfit as split_words


def holdout_section(doc: Doc, ctx: MemoContext) -> None:
    check = ctx.decision.overfit
    if check is None:
        return
    doc.add(Heading(3, f"Dev against holdout (rotation {check.rotation})", "holdout"))
    doc.add(
        Para(
            split_words.part_line(check).split(";")[0]
            + f". {check.share:.0%} of each task's items were dealt to the holdout by a keyed hash (rotation "
            f"`{check.rotation}`); the team tunes on the dev items only. Per model: accuracy on each part "
            "(items another model also saw), the gap, and the gap beyond the other models' gap on the same items "
            "(95% bootstrap intervals, in accuracy points); the p-value is of a permutation test of the deal, "
            f"one-sided, max-T adjusted over {len(check.models)} models."
        )
    )
    doc.add(Table(split_words.GAP_HEADERS, tuple(split_words.gap_row(g) for g in check.models), "lrrrrrl"))
    doc.add(Bullets(tuple(split_words.lines(check))))

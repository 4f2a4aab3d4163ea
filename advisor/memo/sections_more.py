"""Memo sections 5–9: failures, robustness, public benchmarks, provenance, the snapshot.

Why this module exists: the second half of the memo is what a reviewer checks
(how models fail, how fragile the pick is, whether the public leaderboard
would have said the same, and exactly which inputs produced it). Written once
as blocks, like sections 1–4, for both Markdown and HTML.
"""

from __future__ import annotations

import math

from advisor import __version__
from advisor.memo.blocks import Bullets, Doc, Heading, Para, Raw, Table
from advisor.memo.context import MemoContext
from advisor.memo.snapshot_text import embed_html, embed_markdown
from advisor.records.samples import FAILURE_KINDS
from advisor.statistics.kendall import agreement_words, kendall_tau_b
from advisor.text.format import graceful, money, pct
from advisor.text.redact import redact_text
from advisor.text.sanitise import markdown as md
from advisor.text.sanitise import markdown_code, markdown_link


def failures_section(doc: Doc, ctx: MemoContext) -> None:
    d = ctx.decision
    doc.add(Heading(2, "5. Failure analysis", "failures"))
    doc.add(
        Para(
            "Failures by kind, over all samples (epochs included). Severity weights them into "
            "gracefulness; unsafe output also counts against the unsafe-rate constraint."
        )
    )
    kinds = [k for k in FAILURE_KINDS if any(m.failures.get(k, 0) for m in d.models)]
    rows = []
    for m in d.models:
        n = ctx.snapshot.models[m.model].n_samples
        total = sum(m.failures.values())
        rows.append(
            (
                md(m.model),
                f"{n:,}",
                f"{total:,} ({pct(total / n if n else 0.0)})",
                *(f"{m.failures.get(k, 0):,}" for k in kinds),
                graceful(m.gracefulness),
            )
        )
    doc.add(Table(("model", "samples", "failures", *kinds, "graceful"), tuple(rows), "lrr" + "r" * len(kinds) + "r"))
    unknown = [m.model for m in d.models if m.gracefulness is None]
    if unknown:
        doc.add(
            Para(
                f"Gracefulness is unknown for {', '.join(map(md, unknown))}: the results record no failure kinds (no "
                "`outcome`), so their failures are counted as wrong answers above but say nothing of how they fail."
            )
        )
    items = []
    for m in d.models:
        per_kind = ctx.failures.get(m.model, {})
        if m.aggregated:
            items.append(f"**{md(m.model)}**: counts from per-task aggregates; no example items.")
            continue
        if not per_kind:
            items.append(f"**{md(m.model)}**: no failures.")
            continue
        parts = [
            f"{kind} {count:,} (e.g. {', '.join(markdown_code(s) for s in ids)})"
            for kind, (count, ids) in per_kind.items()
        ]
        items.append(f"**{md(m.model)}**: " + "; ".join(parts) + ".")
    doc.add(Para("Examples by sample id:"), Bullets(tuple(items)))


def robustness_section(doc: Doc, ctx: MemoContext) -> None:
    d, ex = ctx.decision, ctx.extras
    doc.add(Heading(2, "6. How robust", "robustness"))
    pick = d.pick
    if pick is None:
        doc.add(Para("No pick, so nothing to test for robustness."))
        return
    rows = []
    for w in ex.weight_ranges:
        below = f"below {pct(w.low, 0)}: {md(w.below)}" if w.below else "holds down to 0%"
        above = f"above {pct(w.high, 0)}: {md(w.above)}" if w.above else "holds up to 100%"
        rows.append((w.criterion, pct(w.weight, 0), f"{pct(w.low, 0)}–{pct(w.high, 0)}", below, above))
    doc.add(
        Para(
            f"How far each weight can move (the others rescaled in proportion) while {md(pick.model)} "
            "stays first, and who takes over beyond that:"
        )
    )
    doc.add(
        Table(
            ("criterion", "your weight", "pick holds for", "then (lower)", "then (higher)"),
            tuple(rows),
            "lrrll",
        )
    )
    if ex.first_place_share:
        shares = sorted(ex.first_place_share.items(), key=lambda kv: (-kv[1], kv[0]))
        doc.add(
            Para(
                "Share of nearby weight settings in which each model ranks first: "
                + ", ".join(f"{md(n)} {pct(s, 0)}" for n, s in shares if s > 0)
                + "."
            )
        )
    lines = []
    for m in d.ranked[1:]:
        mult = ex.break_even.get(m.model)
        if mult is None or not math.isfinite(mult) or mult <= 0:
            lines.append(f"{md(m.model)}: price alone cannot make it overtake {md(pick.model)} (never).")
        elif mult >= 1:
            lines.append(f"{md(m.model)} would overtake even if its prices rose {pct(mult - 1, 0)} (×{mult:.2f}).")
        else:
            new_cost = m.cost_per_task_usd * mult if m.cost_per_task_usd is not None else None
            lines.append(
                f"{md(m.model)} overtakes {md(pick.model)} if its prices fall {pct(1 - mult, 0)} "
                f"(×{mult:.2f}, to about {money(new_cost)}/task)."
            )
    doc.add(Para("Break-even prices (input and output rates scaled together, everything else unchanged):"))
    doc.add(Bullets(tuple(lines) if lines else ("No runner-up to compare.",)))


def benchmarks_section(doc: Doc, ctx: MemoContext) -> None:
    d = ctx.decision
    doc.add(Heading(2, "7. Public benchmarks vs your tasks", "benchmarks"))
    bench = ctx.inputs.workspace.config.benchmarks
    if not bench:
        doc.add(
            Para(
                "The workspace gives no public benchmark scores (add a `[benchmarks.<name>]` table of "
                "model = score to advisor.toml to see them beside your ranking)."
            )
        )
        return
    names = list(bench)
    rows = []
    for m in d.models:
        rows.append(
            (
                str(m.rank) if m.rank else "–",
                md(m.model),
                f"{m.score:.3f}",
                pct(m.accuracy.mean) if m.accuracy else "n/a",
                *(f"{bench[b][m.model]:g}" if m.model in bench[b] else "–" for b in names),
            )
        )
    doc.add(
        Table(
            ("your rank", "model", "your score", "your accuracy", *map(md, names)),
            tuple(rows),
            "rlrr" + "r" * len(names),
        )
    )
    sentences = []
    ranked = d.ranked
    for b in names:
        common = [m for m in ranked if m.model in bench[b]]
        if len(common) < 3:
            sentences.append(f"{md(b)}: too few ranked models with a public score ({len(common)}) to compare orders.")
            continue
        tau = kendall_tau_b([bench[b][m.model] for m in common], [m.score for m in common])
        if math.isnan(tau):
            sentences.append(f"{md(b)}: the scores are all equal on one side, so the orders cannot be compared.")
            continue
        sentences.append(
            f"On {md(b)}, Kendall's tau-b between the public order and your ranking is {tau:+.2f} "
            f"over {len(common)} ranked models: {agreement_words(tau)}."
        )
    doc.add(Bullets(tuple(sentences)))
    doc.add(Para("Excluded models are left out of the correlation (they have no rank)."))


def provenance_section(doc: Doc, ctx: MemoContext) -> None:
    s = ctx.snapshot
    doc.add(Heading(2, "8. Provenance", "provenance"))
    doc.add(
        Bullets(
            (
                f"Written {ctx.today.isoformat()} by advisor {__version__}.",
                f"Workspace: {md(s.workspace.name)} (advisor.toml SHA-256 `{s.workspace.config_sha256}`); "
                f"{s.workspace.tasks_per_month:,.0f} tasks a month"
                + ("; batch-API prices" if s.workspace.batch else "")
                + ".",
                f"Price sheet: {markdown_code(s.prices.name)}, as of {s.prices.as_of.isoformat()}, "
                f"source: {md(redact_text(s.prices.source))}; "
                f"SHA-256 `{s.prices.sha256}`.",
                f"Profile: {md(s.profile.name)} (SHA-256 of the profile as used, canonical JSON: "
                f"`{s.profile_sha256}`).",
            )
        )
    )
    if s.follows is not None:
        doc.add(
            Para(
                f"Follows the memo {markdown_link(s.follows.memo, s.follows.memo)} of {s.follows.created.isoformat()} "
                f"(SHA-256 `{s.follows.sha256}`)."
            )
        )
    doc.add(Para("Eval result files:"))
    doc.add(Table(("file", "format", "SHA-256"), tuple((md(f.path), md(f.format), f"`{f.sha256}`") for f in s.files)))
    prices = []
    for name, m in s.models.items():
        p = m.price.price
        if p is None:
            prices.append((md(name), "–", md(m.price.how), "–", "–", "–"))
            continue
        prices.append(
            (
                md(name),
                md(p.id),
                md(m.price.how),
                f"${p.input_per_mtok}",
                f"${p.output_per_mtok}",
                f"${p.cached_input_per_mtok}" if p.cached_input_per_mtok is not None else "–",
            )
        )
    doc.add(Para("Prices used (USD per million tokens):"))
    doc.add(Table(("model", "priced as", "matched by", "input", "output", "cached input"), tuple(prices), "lllrrr"))


def snapshot_section(doc: Doc, ctx: MemoContext) -> None:
    doc.add(Heading(2, "9. Snapshot", "snapshot"))
    doc.add(
        Para(
            "Machine-readable record of this decision for `advisor revisit` (inputs' hashes, weights, "
            "constraints, per-model metrics and cost inputs, prices used). Editing it breaks the revisit."
        )
    )
    doc.add(Raw(embed_markdown(ctx.snapshot), embed_html(ctx.snapshot)))

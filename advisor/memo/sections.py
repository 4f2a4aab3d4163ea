"""Memo sections 1–3: the decision, what mattered, the ranking (section 4 is ``section_evidence``).

Why this module exists: these sections are the argument of the memo, written
once as blocks so that the Markdown and the HTML say the same thing. Every
number comes from the ``Decision`` (and the statistics it carries); nothing is
recomputed here.
"""

from __future__ import annotations

from advisor.decision.explain import (
    criteria_notes,
    edits_lines,
    judge,
    pairs_phrase,
    profile_sentence,
    reason_phrase,
)
from advisor.decision.result import Accuracy, Decision, ModelResult
from advisor.decision.utilities import Anchors
from advisor.inputs.profiles import CRITERIA, Constraints
from advisor.memo import charts
from advisor.memo.blocks import Bullets, Chart, Doc, Heading, Para, Table
from advisor.memo.context import MemoContext
from advisor.report.flags import aggregates_sentence, flags, legend
from advisor.text.format import fmt_ms, graceful, money, pct, percentages, rounded_parts, tokens
from advisor.text.sanitise import markdown as md

LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}


def acc_text(a: Accuracy | None) -> str:
    return "n/a" if a is None else f"{pct(a.mean)} ({pct(a.ci_low)}–{pct(a.ci_high)})"


def value_text(criterion: str, v: float) -> str:
    if criterion == "accuracy":
        return pct(v)
    if criterion == "cost":
        return money(v, 2) + "/task"
    if criterion == "latency":
        return fmt_ms(v)
    return f"{v:.2f}"


def curve_text(criterion: str, a: Anchors) -> str:
    origin = "from the data" if a.from_data else "fixed by the profile"
    scale = a.scale
    if a.shift:  # a free model: log(x + shift), so paid models still differ by their ratios
        scale = f"log of value + {value_text(criterion, a.shift).removesuffix('/task')}"
    return f"best {value_text(criterion, a.best)} → worst {value_text(criterion, a.worst)}, {scale} ({origin})"


def constraint_lines(c: Constraints, metric: str) -> list[str]:
    out = []
    if c.require:
        out.append(f"must support {', '.join(c.require)} (per the price sheet)")
    if c.local_only:
        out.append("runs on your own machines only (self-hosted or local)")
    if c.exclude_providers:
        out.append(f"not through {', '.join(c.exclude_providers)}")
    if c.min_context_tokens is not None:
        out.append(f"context window at least {tokens(c.min_context_tokens)} tokens")
    if c.max_latency_ms is not None:
        out.append(f"{metric} latency at most {fmt_ms(c.max_latency_ms)}")
    if c.max_cost_per_task_usd is not None:
        out.append(f"cost at most {money(c.max_cost_per_task_usd)} per task")
    if c.min_accuracy is not None:
        out.append(f"accuracy at least {pct(c.min_accuracy)}")
    if c.max_unsafe_rate is not None:
        out.append(f"unsafe output on at most {pct(c.max_unsafe_rate)} of samples")
    out.append(
        f"your eval's prompts fit the model's context window (more than {pct(c.max_prompts_over_context)} "
        "of them longer excludes it; fewer are flagged)"
    )
    return out


def why_text(a: ModelResult, b: ModelResult) -> str | None:
    """Why a is preferred to b, as a verb phrase: "is 1.8× cheaper than b and 1.5× faster"."""
    return reason_phrase(a, b, name=md)


def _facts(m: ModelResult, d: Decision) -> str:
    parts = [f"accuracy {acc_text(m.accuracy)} on your tasks"]
    if m.cost_per_task_usd is not None:
        monthly = f" ({money(m.monthly_cost_usd)} a month)" if d.tasks_per_month else ""
        parts.append(f"{money(m.cost_per_task_usd)} per task{monthly}")
    if m.latency_value is not None:
        parts.append(f"{d.profile.latency.label()} latency {fmt_ms(m.latency_value)}")
    parts.append(f"gracefulness {graceful(m.gracefulness)}")
    return ", ".join(parts)


def decision_section(doc: Doc, ctx: MemoContext) -> None:
    d, ex = ctx.decision, ctx.extras
    doc.add(Heading(2, "1. Decision", "decision"))
    pick = d.pick
    if pick is None:
        doc.add(
            Para(
                f"**No model can be recommended**: all {len(d.models)} candidates are excluded "
                "by the profile's constraints (reasons below)."
            )
        )
    else:
        doc.add(
            Para(
                f"**Use {md(pick.model)}.** It scores {pick.score:.2f} of 1 under {md(profile_sentence(d))}: "
                f"{_facts(pick, d)}."
            )
        )
        runner = d.runner_up
        if runner is not None:
            doc.add(
                Para(
                    f"Runner-up: **{md(runner.model)}**, {pick.score - runner.score:.2f} points behind: "
                    f"{_facts(runner, d)}."
                )
            )
        v = judge(d)
        how = pairs_phrase(v.family)
        tied = [n for n in v.tied if n != pick.model]
        if v.too_few:
            doc.add(Para(f"Whether another model could as well be first: {md(v.too_few)}."))
        elif tied:
            because = why_text(pick, d.get(tied[0])) or "scores highest under your weights"
            doc.add(
                Para(
                    f"{md(pick.model)} and {', '.join(map(md, tied))} are statistically tied for first (their 95% "
                    f"rank intervals reach rank 1 in the paired bootstrap); {md(pick.model)} is chosen because it "
                    f"{because}."
                )
            )
        if v.likeliest is not None and not v.too_few:
            shares = ex.p_best
            doc.add(
                Para(
                    f"{md(v.likeliest)} is first in more bootstrap resamples than {md(pick.model)} "
                    f"({pct(shares[v.likeliest], 0)} against {pct(shares.get(pick.model, 0.0), 0)}): the pick "
                    "leads on the point estimates only."
                )
            )
        close = [m for m in v.unclear if m.model not in tied]
        if close:
            why = why_text(pick, close[0])
            names = ", ".join(md(m.model) for m in close)
            verb = "is" if len(close) == 1 else "are"
            doc.add(
                Para(
                    f"{names} {verb} not clearly different on accuracy ({how})"
                    + (f"; {md(pick.model)} {why}." if why else f"; {md(pick.model)} is ahead on the weighted score.")
                )
            )
        if v.more_accurate:
            why = why_text(pick, v.more_accurate[0])
            names = ", ".join(md(m.model) for m in v.more_accurate)
            verb = "is" if len(v.more_accurate) == 1 else "are"
            doc.add(
                Para(
                    f"{names} {verb} clearly more accurate ({how})"
                    + (f"; {md(pick.model)} {why}." if why else f"; {md(pick.model)} is ahead on the weighted score.")
                )
            )
    excluded = [m for m in d.models if m.excluded]
    if excluded:
        doc.add(
            Para("Excluded by the constraints:"), Bullets(tuple(f"{md(m.model)}: {md(m.excluded)}" for m in excluded))
        )
    if notes := criteria_notes(d):
        doc.add(Bullets(tuple(md(n) for n in notes)))
    if d.warnings:
        doc.add(Bullets(tuple(f"Warning: {md(w)}" for w in d.warnings)))


def mattered_section(doc: Doc, ctx: MemoContext) -> None:
    d = ctx.decision
    p = d.profile
    written = p.as_written
    edits = d.edits
    doc.add(Heading(2, "2. What mattered", "what-mattered"))
    if edits is None or edits.as_written:
        desc = f": {md(written.description.strip())}" if written.description.strip() else "."
        doc.add(Para(f"Profile **{md(written.name)}**{desc}"))
    else:
        doc.add(
            Para(
                f"**{md(profile_sentence(d)[0].upper() + profile_sentence(d)[1:])}**. The profile's own rationale is "
                "not quoted: it argues for its own weights and constraints, not these."
            )
        )
        if changed := [line for line in edits_lines(d) if not line.startswith("Weights in force")]:
            doc.add(Bullets(tuple(md(line) for line in changed)))
    if d.dropped:
        doc.add(Bullets(tuple(md(n) for n in criteria_notes(d)[: len(d.dropped)])))
    own = edits.weights if edits is not None and edits.weights is not None else None
    shown = percentages([d.weights[c] for c in CRITERIA])
    theirs = percentages([own[c] for c in CRITERIA]) if own is not None else None
    doc.add(
        Table(
            (
                "criterion",
                "weight",
                *(("the profile's weight",) if theirs else ()),
                "utility curve (utility 1 at best, 0 at worst)",
            ),
            tuple(
                (
                    c,
                    shown[i],
                    *((theirs[i],) if theirs else ()),
                    "left out: " + d.dropped[c] if c in d.dropped else curve_text(c, d.anchors[c]),
                )
                for i, c in enumerate(CRITERIA)
            ),
            "lrrl" if theirs else "lrl",
        )
    )
    doc.add(
        Para(
            f"Latency counts at {p.latency.label()}. Score = Σ weight × utility; the breakdown "
            "in the ranking is each term."
        )
    )
    lines = constraint_lines(p.constraints, p.latency.label())
    doc.add(
        Para("Constraints (a model that breaks one is excluded, and stays visible):" if lines else "Constraints: none.")
    )
    if lines:
        doc.add(Bullets(tuple(lines)))
    items = {
        t: max((ev.tasks[t].n_items for ev in ctx.inputs.evidence.models.values() if t in ev.tasks), default=0)
        for t in d.task_weights
    }
    doc.add(Para("Task mix (share of the accuracy and cost per task):"))
    doc.add(
        Table(
            ("task", "weight", "items"),
            tuple((md(t), pct(w), str(items[t])) for t, w in d.task_weights.items()),
            "lrr",
        )
    )
    sev = p.severity.model_dump()
    doc.add(
        Para(
            "Severity of each failure kind (0 harmless, 1 worst; gracefulness = 1 − mean severity "
            "of a model's failures):"
        )
    )
    doc.add(Table(tuple(sev), (tuple(f"{v:g}" for v in sev.values()),), "r" * len(sev)))


def ranking_section(doc: Doc, ctx: MemoContext) -> None:
    d, ex = ctx.decision, ctx.extras
    doc.add(Heading(2, "3. Ranking", "ranking"))
    pb, ri = ex.p_best, ex.rank_interval
    tied = ex.tied_for_first
    rows = []
    for m in d.models:
        interval = ri.get(m.model)
        if m.excluded:  # not ranked: no score to show as if it were
            score, parts = "–", ["–"] * len(CRITERIA)
        else:
            values, total = rounded_parts([m.breakdown[c] for c in CRITERIA], 3)
            score, parts = f"{total:.3f}", [f"{v:.3f}" for v in values]
        rows.append(
            (
                str(m.rank) if m.rank else "–",
                md(m.model),
                score,
                *parts,
                pct(pb[m.model], 0) if m.model in pb else "n/a",
                f"{interval[0]}–{interval[1]}" if interval else "n/a",
                flags(m, tied, with_reason=False),
            )
        )
    doc.add(
        Table(
            ("#", "model", "score", *(f"{LETTER[c]} {c}" for c in CRITERIA), "P(best)", "rank 95%", "flags"),
            tuple(rows),
            "rlrrrrrrrl",
        )
    )
    doc.add(
        Para(
            "Score = the sum of the four parts (weight × utility), each shown to 3 decimals so that they add up; "
            "excluded models are not ranked and show no score."
        )
    )
    if meaning := legend(d):
        doc.add(Para(f"Flags — {meaning}"))
    if ex.too_few:
        doc.add(Para(f"P(best) and 95% rank intervals: {md(ex.too_few)}."))
    elif ex.resamples:
        doc.add(
            Para(
                f"P(best) and 95% rank intervals from a paired bootstrap over eval items "
                f"({ex.resamples:,} resamples; prices are not resampled; ties in score go to the more accurate "
                "model, as in the ranking)."
            )
        )
    if note := aggregates_sentence(d):
        doc.add(Para(md(note) + " In the bootstrap their per-task accuracy is drawn from Normal(mean, se)."))
    metric = d.profile.latency.metric
    rows = []
    for m in d.models:
        lat = m.latency_ms or {}
        rows.append(
            (
                md(m.model),
                acc_text(m.accuracy),
                money(m.cost_per_task_usd),
                money(m.cost_per_success_usd),
                money(m.monthly_cost_usd),
                *(fmt_ms(lat[q]) if q in lat else "n/a" for q in ("p50", "p95", "p99")),
                graceful(m.gracefulness),
                pct(m.unsafe_rate),
            )
        )
    doc.add(
        Para(
            f"Raw metrics (accuracy with its 95% interval; monthly cost at "
            f"{d.tasks_per_month:,.0f} tasks; latency {metric} counts):"
        )
    )
    doc.add(
        Table(
            (
                "model",
                "accuracy (95%)",
                "$/task",
                "$/success",
                "$/month",
                "p50",
                "p95",
                "p99",
                "graceful",
                "unsafe",
            ),
            tuple(rows),
            "lrrrrrrrrr",
        )
    )
    if d.cost_models:
        doc.add(Para("Cost of the models you run yourself (the assumptions behind their $/task):"))
        doc.add(Bullets(tuple(f"{md(model)}: {md(how)}" for model, how in d.cost_models)))
    tasks = list(d.task_weights)
    doc.add(Para("Accuracy per task (95% interval):"))
    doc.add(
        Table(
            ("model", *map(md, tasks)),
            tuple((md(m.model), *(acc_text(m.task_accuracy.get(t)) for t in tasks)) for m in d.models),
            "l" + "r" * len(tasks),
        )
    )
    svg = charts.scatter(d)
    free = any(m.cost_per_task_usd == 0 for m in d.models)
    if svg:
        doc.add(
            Chart(
                svg,
                "Accuracy against cost per task (log scale), with 95% intervals; the dashed line "
                "joins the Pareto front of the eligible models."
                + (" Free models (cost 0) have no place on a log scale and are not drawn." if free else ""),
            )
        )
    doc.add(
        Chart(
            charts.breakdown_bars(d),
            "Score breakdown: each segment is weight × utility of one "
            "criterion (A accuracy, C cost, L latency, G gracefulness).",
        )
    )

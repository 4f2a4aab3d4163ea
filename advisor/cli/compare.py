"""``advisor compare A B``: two models head to head on the items both saw.

Per task and overall (the profile's task mix), the paired accuracy difference
A − B with its 95% interval and p-value, McNemar's exact test where the task is
pass/fail, how much evidence would settle a "no clear difference", a few items
where they disagree, and cost and latency side by side.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
import orjson
from rich import box
from rich.console import Console
from rich.table import Table

from advisor.cli.rank import add_decision_options, add_profile_edits, decide_from_args
from advisor.decision.result import AccuracyGap, Decision, ModelResult
from advisor.decision.uncertainty_accuracy import make_gap, pair_evidence
from advisor.errors import InputError
from advisor.evidence.model import aligned
from advisor.report.uncertainty import gap_json, gap_sentence
from advisor.text.format import fmt_ms, graceful, money, pct
from advisor.text.sanitise import plain


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("compare", help="two models head to head (paired)", description=__doc__)
    p.add_argument("a", metavar="A", help="first model (as the eval files name it)")
    p.add_argument("b", metavar="B", help="second model")
    add_decision_options(p)
    add_profile_edits(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument(
        "--examples",
        type=int,
        default=5,
        metavar="N",
        help="items where they disagree to list, per direction (default 5)",
    )
    p.set_defaults(func=run)


def _gap_json(g: AccuracyGap, weight: float | None = None) -> dict[str, Any]:
    mc = g.mcnemar
    return {
        **({} if weight is None else {"weight": weight}),
        **gap_json(g),
        "only_a": g.only_model,
        "only_b": g.only_other,
        "mcnemar": {"b": mc.b, "c": mc.c, "p_value": mc.p_value} if mc else None,
    }


def _side(m: ModelResult) -> dict[str, Any]:
    return {
        "model": m.model,
        "rank": m.rank,
        "score": m.score,
        "excluded": m.excluded,
        "accuracy": m.accuracy.mean if m.accuracy else None,
        "cost_per_task_usd": m.cost_per_task_usd,
        "cost_per_success_usd": m.cost_per_success_usd,
        "monthly_cost_usd": m.monthly_cost_usd,
        "latency_ms": m.latency_ms,
        "gracefulness": m.gracefulness,
        "failures": m.failures,
    }


def comparison(decision: Decision, inputs: Any, a: str, b: str, examples: int = 5) -> dict[str, Any]:
    """The head-to-head as plain data (what ``--format json`` prints).

    One pre-chosen comparison, so its p-values are not adjusted for multiplicity (``advisor rank``
    adjusts over every pair of ranked models). Each side's numbers come from its evidence:
    paired on shared items, unpaired where a model rests on aggregates.
    """
    evidence = inputs.evidence
    for name in (a, b):
        if name not in evidence.models:
            known = ", ".join(sorted(evidence.models))
            raise InputError(None, f"no results for model {name!r} (models: {known})")
    if a == b:
        raise InputError(None, "compare needs two different models")
    smallest = decision.profile.statistics.smallest_difference
    ta, tb = evidence.models[a].tasks, evidence.models[b].tasks

    def gap(mix: dict[str, float]) -> AccuracyGap:
        found = pair_evidence(evidence, a, b, mix)
        p = found.difference.p_value
        return make_gap(evidence, a, b, mix, found, p_adjusted=p, family=1, smallest_difference=smallest)

    tasks: dict[str, Any] = {}
    a_better: list[list[str]] = []
    b_better: list[list[str]] = []
    for name in evidence.tasks:
        if name not in ta or name not in tb:
            continue
        tasks[name] = _gap_json(gap({name: 1.0}), decision.task_weights.get(name, 0.0))
        ia, ib = ta[name].items, tb[name].items
        if ia is not None and ib is not None:
            sa, sb, ids = aligned(ia, ib)
            with np.errstate(invalid="ignore"):
                a_better.append([f"{name}/{evidence.table.sample_ids[i]}" for i in ids[sa > sb]])
                b_better.append([f"{name}/{evidence.table.sample_ids[i]}" for i in ids[sb > sa]])
    overall = gap(dict(decision.task_weights))
    return {
        "a": _side(decision.get(a)),
        "b": _side(decision.get(b)),
        "overall": _gap_json(overall),
        "sentence": gap_sentence(overall, versus=b),
        "tasks": tasks,
        "disagreements": {
            "a_better": sum(map(len, a_better)),
            "b_better": sum(map(len, b_better)),
            "a_better_examples": _spread(a_better, examples),
            "b_better_examples": _spread(b_better, examples),
        },
    }


def _spread(per_task: list[list[str]], k: int) -> list[str]:
    """Up to k examples, taken from each task in turn."""
    out: list[str] = []
    for i in range(max((len(x) for x in per_task), default=0)):
        out += [x[i] for x in per_task if i < len(x)]
        if len(out) >= k:
            break
    return out[:k]


def _diff_text(d: dict[str, Any]) -> list[str]:
    if d["difference"] is None:
        return ["n/a", "n/a", "n/a", "n/a"]
    ci = f"{100 * d['ci_low']:+.1f} to {100 * d['ci_high']:+.1f}" if d["ci_low"] is not None else "n/a"
    p = d["p_value"]
    mc = d["mcnemar"]
    return [
        f"{100 * d['difference']:+.1f} pp",
        ci,
        "n/a" if p is None else f"{p:.3g}",
        "–" if mc is None else f"{mc['b']}/{mc['c']}, p {mc['p_value']:.3g}",
    ]


def print_comparison(data: dict[str, Any], console: Console) -> None:
    a, b = data["a"]["model"], data["b"]["model"]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=plain(f"{a} − {b}: accuracy (paired on shared items)"))
    for h in ("task", "weight", "items", "A − B", "95% CI (pp)", "p", "McNemar b/c", "detectable"):
        table.add_column(h, justify="left" if h in ("task", "McNemar b/c") else "right")
    rows = [(t, d) for t, d in data["tasks"].items()] + [("overall", data["overall"])]
    for name, d in rows:
        weight = "" if name == "overall" else pct(d["weight"], 0)
        det = "n/a" if d["detectable_difference"] is None else f"{100 * d['detectable_difference']:.1f} pp"
        table.add_row(
            plain(name), weight, str(d["n_items"]), *_diff_text(d), det, style="bold" if name == "overall" else None
        )
    console.print(table)
    o = data["overall"]
    console.print(plain(data["sentence"]), highlight=False)
    console.print(
        "One pre-chosen comparison: not adjusted for multiplicity (`advisor rank` adjusts over every pair).",
        style="dim",
        highlight=False,
        markup=False,
    )
    skipped = o["only_a"] + o["only_b"]
    if skipped:
        text = f"Left out: {o['only_a']} items only {a} saw, {o['only_b']} only {b} saw."
        console.print(plain(text), highlight=False)
    dis = data["disagreements"]
    total = dis["a_better"] + dis["b_better"]
    console.print(
        plain(
            f"They disagree on {total} items: {a} better on {dis['a_better']}"
            f" (e.g. {', '.join(dis['a_better_examples']) or '–'}), {b} better on {dis['b_better']}"
            f" (e.g. {', '.join(dis['b_better_examples']) or '–'})."
        ),
        highlight=False,
    )
    side = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    side.add_column("")
    side.add_column(plain(a), justify="right")
    side.add_column(plain(b), justify="right")

    def row(label: str, f: Any) -> None:
        side.add_row(label, plain(f(data["a"])), plain(f(data["b"])))

    row("rank", lambda s: str(s["rank"]) if s["rank"] else f"excluded: {s['excluded']}")
    row("score", lambda s: f"{s['score']:.2f}")
    row("accuracy", lambda s: pct(s["accuracy"]))
    row("$/task", lambda s: money(s["cost_per_task_usd"]))
    row("$/success", lambda s: money(s["cost_per_success_usd"]))
    row("$/month", lambda s: money(s["monthly_cost_usd"]))
    for q in ("p50", "p95", "p99"):
        row(f"latency {q}", lambda s, q=q: fmt_ms(s["latency_ms"][q]) if q in (s["latency_ms"] or {}) else "n/a")
    row("gracefulness", lambda s: graceful(s["gracefulness"]))
    console.print(side)
    for s in (data["a"], data["b"]):
        fails = ", ".join(f"{k} {v}" for k, v in s["failures"].items() if v) or "none"
        console.print(plain(f"Failures of {s['model']}: {fails}."), highlight=False)


def run(args: argparse.Namespace) -> int:
    inputs, decision = decide_from_args(args)
    data = comparison(decision, inputs, args.a, args.b, max(0, args.examples))
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
        sys.stdout.write("\n")
    else:
        console = Console()
        print_comparison(data, console if console.is_terminal else Console(width=160))
    return 0

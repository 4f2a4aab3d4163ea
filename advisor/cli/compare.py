"""``advisor compare A B``: two models head to head on the items both saw.

Per task and overall (the profile's task mix), the paired accuracy difference
A − B with its 95% interval and p-value, McNemar's exact test where the task is
pass/fail, how much evidence would settle a "no clear difference", a few items
where they disagree, and cost and latency side by side.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rich import box
from rich.console import Console
from rich.table import Table

from advisor.cli.rank import add_decision_options
from advisor.decision.decide import decide, load_inputs
from advisor.decision.result import Decision, ModelResult
from advisor.decision.uncertainty import layout
from advisor.errors import InputError
from advisor.files import bundled
from advisor.inputs.profiles import parse_weights
from advisor.statistics import comparisons as stats
from advisor.text.format import fmt_ms, money, pct
from advisor.text.sanitise import plain


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("compare", help="two models head to head (paired)", description=__doc__)
    p.add_argument("a", metavar="A", help="first model (as the eval files name it)")
    p.add_argument("b", metavar="B", help="second model")
    add_decision_options(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument(
        "--examples",
        type=int,
        default=5,
        metavar="N",
        help="items where they disagree to list, per direction (default 5)",
    )
    p.set_defaults(func=run)


def _paired_json(p: stats.Paired, mc: stats.McNemar | None) -> dict[str, Any]:
    def num(x: float) -> float | None:
        return None if math.isnan(x) else x

    return {
        "difference": num(p.diff),
        "ci_low": num(p.ci_low),
        "ci_high": num(p.ci_high),
        "p_value": num(p.p_value),
        "n_items": p.n,
        "only_a": p.only_a,
        "only_b": p.only_b,
        "detectable_difference": num(p.detectable),
        "items_needed": p.items_needed,
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
    """The head-to-head as plain data (what ``--format json`` prints)."""
    evidence = inputs.evidence
    for name in (a, b):
        if name not in evidence.models:
            known = ", ".join(sorted(evidence.models))
            raise InputError(None, f"no results for model {name!r} (models: {known})")
    if a == b:
        raise InputError(None, "compare needs two different models")
    aggregated = [n for n in (a, b) if evidence.models[n].evidence == "aggregates"]
    if aggregated:
        raise InputError(
            None,
            f"{' and '.join(aggregated)} rest(s) on per-task aggregates, with no items to pair; "
            "`advisor rank` compares them unpaired (difference of means, SE = √(SE_a² + SE_b²))",
        )
    lay = layout(evidence, [a, b], decision.task_weights, decision.profile.severity.model_dump())
    tasks: dict[str, Any] = {}
    parts, weights, binary_items = [], [], []
    a_better: list[list[str]] = []
    b_better: list[list[str]] = []
    for name, items, ids, is_binary in zip(lay.names, lay.score_items, lay.item_ids, lay.binary, strict=True):
        p = stats.paired(items[0], items[1])
        mc = stats.mcnemar(items[0], items[1]) if is_binary else None
        tasks[name] = {"weight": decision.task_weights.get(name, 0.0), **_paired_json(p, mc)}
        parts.append(p)
        weights.append(decision.task_weights.get(name, 0.0))
        if is_binary and weights[-1] > 0:
            binary_items.append(items)
        with np.errstate(invalid="ignore"):
            a_better.append([f"{name}/{ids[i]}" for i in np.flatnonzero(items[0] > items[1])])
            b_better.append([f"{name}/{ids[i]}" for i in np.flatnonzero(items[1] > items[0])])
    overall = stats.paired_tasks(parts, weights)
    mc_all = (
        stats.mcnemar(np.concatenate([x[0] for x in binary_items]), np.concatenate([x[1] for x in binary_items]))
        if binary_items
        else None
    )
    return {
        "a": _side(decision.get(a)),
        "b": _side(decision.get(b)),
        "overall": _paired_json(overall, mc_all),
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
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=plain(f"{a} − {b}: paired accuracy on shared items"))
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
    if o["p_value"] is not None:
        if o["p_value"] < 0.05:
            lead = a if o["difference"] > 0 else b
            text = f"{lead} is clearly more accurate on these tasks (p = {o['p_value']:.3g})."
            console.print(plain(text), highlight=False)
        else:
            need = (
                f"; about {o['items_needed']:,} items per task would separate them at this gap"
                if o["items_needed"]
                else ""
            )
            console.print(
                f"No clear difference in accuracy: this sample detects "
                f"{100 * o['detectable_difference']:.1f} pp or more{need}.",
                highlight=False,
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
        row(f"latency {q}", lambda s, q=q: fmt_ms(s["latency_ms"][q]) if s["latency_ms"] else "n/a")
    row("gracefulness", lambda s: f"{s['gracefulness']:.2f}")
    console.print(side)
    for s in (data["a"], data["b"]):
        fails = ", ".join(f"{k} {v}" for k, v in s["failures"].items() if v) or "none"
        console.print(plain(f"Failures of {s['model']}: {fails}."), highlight=False)


def run(args: argparse.Namespace) -> int:
    folder: Path = args.workspace or bundled.demo_workspace()
    inputs = load_inputs(folder, profile=args.profile, prices=args.prices)
    decision = decide(inputs, weights=parse_weights(args.weights) if args.weights else None)
    data = comparison(decision, inputs, args.a, args.b, max(0, args.examples))
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
        sys.stdout.write("\n")
    else:
        console = Console()
        print_comparison(data, console if console.is_terminal else Console(width=160))
    return 0

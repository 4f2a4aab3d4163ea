"""``advisor rank``: the ranked, explained decision for a workspace."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import orjson
from rich.console import Console

from advisor.decision.decide import decide, load_inputs
from advisor.decision.uncertainty import uncertainty
from advisor.errors import InputError
from advisor.files import bundled
from advisor.inputs.profiles import parse_weights
from advisor.report.schema import decision_json
from advisor.report.table import markdown, print_table
from advisor.statistics.bootstrap import MAX_RESAMPLES


def add_decision_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that decides (rank, memo, compare, tui)."""
    p.add_argument("workspace", nargs="?", type=Path, help="workspace folder (default: the bundled demo)")
    p.add_argument("--profile", help="bundled profile name or a .toml path (default: the workspace's)")
    p.add_argument("--weights", help="override weights, e.g. accuracy=5,cost=3,latency=1,gracefulness=1")
    p.add_argument("--prices", help="price sheet: bundled, latest, a date (YYYY-MM-DD) or a path")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rank", help="rank the candidates of a workspace", description=__doc__)
    add_decision_options(p)
    p.add_argument("--format", choices=["table", "json", "md"], default="table")
    add_bootstrap_options(p)
    p.set_defaults(func=run)


def add_bootstrap_options(p: argparse.ArgumentParser) -> None:
    """--resamples and --seed for the paired bootstrap (P(best), rank intervals, ties)."""
    p.add_argument(
        "--resamples",
        type=int,
        default=1000,
        metavar="N",
        help="paired bootstrap resamples for P(best) and rank intervals (0: skip; default 1000)",
    )
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed, for reproducible runs (default 0)")


def check_resamples(resamples: int) -> None:
    """0 (skip) up to MAX_RESAMPLES; more buys no precision and costs gigabytes."""
    if not 0 <= resamples <= MAX_RESAMPLES:
        raise InputError(
            "--resamples",
            f"must be 0 (skip the bootstrap) to {MAX_RESAMPLES:,} (more changes P(best) by less than "
            "0.2 points and needs gigabytes of memory)",
        )


def run(args: argparse.Namespace) -> int:
    check_resamples(args.resamples)
    if args.seed < 0:  # numpy seeds are non-negative; a traceback is no answer
        raise InputError("--seed", f"must be 0 or more, not {args.seed}")
    folder = args.workspace or bundled.demo_workspace()
    inputs = load_inputs(folder, profile=args.profile, prices=args.prices)
    weights = parse_weights(args.weights) if args.weights else None
    decision = decide(inputs, weights=weights)
    if args.resamples > 0 and decision.ranked:
        decision = replace(
            decision, uncertainty=uncertainty(inputs.evidence, decision, resamples=args.resamples, seed=args.seed)
        )
    if args.format == "json":
        sys.stdout.buffer.write(
            orjson.dumps(decision_json(decision, inputs), option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY)
        )
        sys.stdout.write("\n")
    elif args.format == "md":
        sys.stdout.write(markdown(decision, inputs))
    else:
        console = Console()
        print_table(decision, inputs, console if console.is_terminal else Console(width=200))
    return 0

"""``advisor rank``: the ranked, explained decision for a workspace."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import orjson
from rich.console import Console

from advisor.decision.decide import Inputs, decide, load_inputs
from advisor.decision.result import Decision
from advisor.decision.uncertainty import uncertainty
from advisor.errors import InputError
from advisor.files import bundled
from advisor.inputs.profiles import Profile, parse_constraints, parse_weights
from advisor.inputs.workspace import WORKSPACE_FILE
from advisor.report.schema import decision_json
from advisor.report.table import markdown, parse_columns, print_table
from advisor.statistics.bootstrap import MAX_RESAMPLES

WORKSPACE_HELP = f"workspace folder (default: this folder if it has an {WORKSPACE_FILE}, else the bundled demo)"


def add_decision_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that decides (rank, memo, compare, tui)."""
    p.add_argument("workspace", nargs="?", type=Path, help=WORKSPACE_HELP)
    p.add_argument("--profile", help="bundled profile name or a .toml path (default: the workspace's)")
    p.add_argument("--weights", help="override weights, e.g. accuracy=5,cost=3,latency=1,gracefulness=1")
    p.add_argument("--prices", help="price sheet: bundled, latest, a date (YYYY-MM-DD) or a path")
    p.add_argument(
        "--on",
        choices=["holdout", "dev", "all"],
        help="the part of the split to rank on (default: holdout when `advisor split` set one up, else all)",
    )


def add_profile_edits(p: argparse.ArgumentParser) -> None:
    """--ignore and --constraint: set a criterion aside, or change a constraint of the profile."""
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CRITERION",
        help="set a criterion aside: weight 0 and its constraints lifted (e.g. --ignore latency for results "
        "without latency); repeatable, or comma-separated",
    )
    p.add_argument(
        "--constraint",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set or lift a constraint of the profile, e.g. --constraint max_latency_ms=none or "
        "--constraint min_accuracy=0.8; repeatable",
    )


def workspace_folder(given: Path | None) -> Path:
    """The folder to decide on: the one given (it must exist), else this folder if it is a workspace, else the demo."""
    if given is not None:
        if not given.exists():
            raise InputError(given, "no such file or folder")
        return given
    here = Path(WORKSPACE_FILE)
    return Path(".") if here.is_file() else bundled.demo_workspace()


def edited_profile(base: Profile, args: argparse.Namespace) -> Profile:
    """The profile with the command line's --weights, --ignore and --constraint applied, in that order."""
    profile = base
    if getattr(args, "weights", None):
        profile = profile.with_weights(**parse_weights(args.weights))
    ignored = [c.strip() for text in getattr(args, "ignore", []) for c in text.split(",") if c.strip()]
    if ignored:
        profile = profile.ignoring(ignored)
    for text in getattr(args, "constraint", []):
        profile = profile.with_constraints(**parse_constraints(text))
    return profile


def decide_from_args(args: argparse.Namespace) -> tuple[Inputs, Decision]:
    """Load the workspace the arguments name and decide under the profile as edited on the command line."""
    if getattr(args, "weights", None):
        parse_weights(args.weights)  # a bad --weights fails before the files are read
    inputs = load_inputs(
        workspace_folder(args.workspace), profile=args.profile, prices=args.prices, part=getattr(args, "on", None)
    )
    return inputs, decide(inputs, profile=edited_profile(inputs.profile, args))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rank", help="rank the candidates of a workspace", description=__doc__)
    add_decision_options(p)
    add_profile_edits(p)
    p.add_argument("--format", choices=["table", "json", "md"], default="table")
    p.add_argument(
        "--wide",
        action="store_true",
        help="every column, however wide the terminal (the table hides columns that do not fit, and says which)",
    )
    p.add_argument(
        "--columns",
        metavar="NAMES",
        help="the columns to show after # and model, e.g. score,accuracy,cost,latency (names: score, breakdown, "
        "accuracy, cost, success, month, latency, graceful, pbest, flags)",
    )
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
    columns = parse_columns(args.columns) if args.columns else None
    inputs, decision = decide_from_args(args)
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
        # Not a terminal (a pipe, a file): no width to fit, so every column.
        print_table(decision, inputs, console, columns=columns, wide=args.wide or not console.is_terminal)
    return 0

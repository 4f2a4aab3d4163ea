"""``advisor memo``: write the decision memo (Markdown or HTML) for a workspace."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from advisor.cli.rank import add_decision_options, add_profile_edits, decide_from_args
from advisor.errors import InputError
from advisor.memo import check_target, render, write_memo
from advisor.text.sanitise import clean


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "memo",
        help="write a decision memo that explains the pick and can be revisited",
        description="Write a self-contained decision memo: the pick and why, the ranking with intervals, "
        "failures, robustness, public benchmarks, provenance, and a snapshot for `advisor revisit`.",
    )
    add_decision_options(p)
    add_profile_edits(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file to write (default: print to stdout); the format follows .html/.md unless --format",
    )
    p.add_argument("--format", choices=["md", "html"], help="md (default) or html with inline SVG charts")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--date", type=_date, help=argparse.SUPPRESS)  # fixed date, for reproducible memos
    p.set_defaults(func=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run(args: argparse.Namespace) -> int:
    if args.output == "":
        raise InputError("-o", "needs a file name, such as memo.md")
    output = Path(args.output) if args.output is not None else None
    if output is not None:
        check_target(output, force=args.force)  # before the work, not after
    inputs, decision = decide_from_args(args)
    if output is None:
        sys.stdout.write(render(decision, inputs, args.format or "md", today=args.date))
        return 0
    path = write_memo(decision, inputs, output, args.format, args.force, today=args.date)
    print(f"wrote {clean(path)}", file=sys.stderr)
    return 0

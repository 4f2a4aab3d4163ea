"""``advisor tui [WORKSPACE]``: open the interactive decision screen (also bare ``advisor``).

Textual is imported only inside ``run``, so the other commands never load it.
"""

from __future__ import annotations

import argparse

from advisor.cli.rank import add_decision_options
from advisor.files import bundled
from advisor.inputs.profiles import parse_weights


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("tui", help="open the interactive TUI (the default command)", description=__doc__)
    add_decision_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    weights = parse_weights(args.weights) if args.weights else None  # bad weights fail here, as one line
    from advisor.tui import run as run_tui

    folder = args.workspace or bundled.demo_workspace()
    return run_tui(folder, profile=args.profile, prices=args.prices, weights=weights, part=args.on)

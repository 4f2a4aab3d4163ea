"""``advisor tui [WORKSPACE]``: open the interactive decision screen (also bare ``advisor``).

Textual is imported only inside ``run``, so the other commands never load it.
"""

from __future__ import annotations

import argparse

from advisor.cli.rank import add_decision_options, workspace_folder
from advisor.errors import InputError
from advisor.inputs.profiles import parse_weights
from advisor.inputs.workspace import WORKSPACE_FILE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("tui", help="open the interactive TUI (the default command)", description=__doc__)
    add_decision_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    weights = parse_weights(args.weights) if args.weights else None  # bad weights fail here, as one line
    folder = workspace_folder(args.workspace)
    if folder.is_dir() and not (folder / WORKSPACE_FILE).is_file():
        raise InputError(folder, f"no {WORKSPACE_FILE} in this folder (make one with `advisor init {folder}`)")
    from advisor.tui import run as run_tui

    return run_tui(folder, profile=args.profile, prices=args.prices, weights=weights, part=args.on)

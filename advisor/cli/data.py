"""``advisor data``: what was loaded from a workspace's result files, and what is missing.

Before trusting a ranking, a user needs to see what advisor made of their
files (a workspace's, or result files named on the command line): the format
detected for each, its models, tasks, samples and epochs,
which fields (latency, tokens, cost) are there or missing, the failure kinds
found, the warnings (rows dropped, scorers ignored, samples only some models
have), how often each failure rule fired, and per model and task the counts,
including the models that rest on per-task aggregates rather than samples.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson
from rich.console import Console

from advisor.cli.rank import workspace_folder
from advisor.ingest.load import load_paths, load_workspace_samples
from advisor.inputs.workspace import WORKSPACE_FILE, load_workspace
from advisor.report.data import renderables, summary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("data", help="show what was loaded from the result files", description=__doc__)
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="WORKSPACE|FILE",
        help="a workspace folder (default: this folder if it has an advisor.toml, else the bundled demo), "
        "or result files to read without a workspace",
    )
    p.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    p.add_argument("--input-format", dest="input_format", help="force one importer (e.g. inspect, promptfoo)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths
    if len(paths) <= 1 and (not paths or _is_workspace(paths[0])):
        ws = load_workspace(workspace_folder(paths[0] if paths else None))
        loaded = load_workspace_samples(ws, args.input_format)
        root = ws.root
    else:
        loaded = load_paths(paths, fmt=args.input_format)
        root = Path.cwd()
    report = summary(loaded, root)
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        console = Console()
        console = console if console.is_terminal else Console(width=160)
        for part in renderables(report):
            console.print(part)
    return 0


def _is_workspace(path: Path) -> bool:
    """A folder with an advisor.toml, or the advisor.toml itself."""
    return (path.is_dir() and (path / WORKSPACE_FILE).is_file()) or path.name == WORKSPACE_FILE

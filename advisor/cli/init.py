"""``advisor init [DIR]``: make a workspace from a folder of eval results.

It finds the result files (promptfoo, Inspect, lm-eval, HELM, OpenAI Evals,
native JSONL/CSV, aggregates), detects each one's format the way the loader
does, reads them to learn the model names, and writes a commented
``advisor.toml``: the result globs, the bundled price sheet and profile, and
``[aliases]`` for models the sheet does not know (sure matches active,
guesses commented out). Then it prints the commands to run next.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from advisor.decision.decide import decide, load_inputs
from advisor.decision.explain import criteria_notes
from advisor.errors import InputError
from advisor.files.atomic import write_atomic, write_new
from advisor.ingest import detect
from advisor.ingest.discover import Found, discover, globs
from advisor.inputs.workspace import WORKSPACE_FILE
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.select import open_sheet
from advisor.prices.sheet import PriceSheet
from advisor.prices.suggest import Suggestion, suggest
from advisor.text.sanitise import clean


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="make an advisor.toml from a folder of eval results", description=__doc__)
    p.add_argument("folder", nargs="?", type=Path, default=Path("."), help="the folder with the results (default: .)")
    p.add_argument("--name", help="the workspace's name (default: the folder's)")
    p.add_argument("--force", action="store_true", help=f"replace an existing {WORKSPACE_FILE}")
    p.set_defaults(func=run)


def _toml_str(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def models_in(found: list[Found]) -> tuple[list[str], dict[Path, str]]:
    """The model names in the result files, and why each file that could not be read could not."""
    names: dict[str, None] = {}
    problems: dict[Path, str] = {}
    for f in found:
        try:
            _, table = detect.load_file(f.path, f.format)
        except InputError as exc:
            problems[f.path] = exc.line()
            continue
        names.update(dict.fromkeys(table.models))
        if table.aggregates is not None:
            names.update(dict.fromkeys(table.aggregates.models))
    return list(names), problems


def alias_lines(models: list[str], sheet: PriceSheet) -> tuple[list[str], list[Suggestion]]:
    """``[aliases]`` lines for the models the sheet does not price, and the suggestions behind them."""
    lines: list[str] = []
    made: list[Suggestion] = []
    for name in models:
        try:
            if resolve(name, sheet).priced:
                continue
        except AmbiguousModel as exc:
            s = Suggestion(name, tuple(exc.candidates[:3]), sure=False)
        else:
            s = suggest(name, sheet)
        made.append(s)
        if not s.ids:
            lines.append(f'# {_toml_str(name)} = "?"   # no close id on the sheet: advisor prices list')
            continue
        others = f"   # or: {', '.join(s.ids[1:])}" if len(s.ids) > 1 else ""
        line = f"{_toml_str(name)} = {_toml_str(s.ids[0])}"
        lines.append((line if s.sure else f"# {line}") + others)
    return lines, made


def workspace_text(name: str, patterns: list[str], formats: Counter[str], aliases: list[str]) -> str:
    kinds = ", ".join(f"{n} {fmt}" for fmt, n in formats.most_common())
    out = [
        "# advisor workspace, written by `advisor init`. Edit freely; docs/formats.md describes every key.",
        "",
        "# Shown in tables and memos (optional: the folder's name when left out).",
        f"name = {_toml_str(name)}",
        "",
        f"# The eval result files ({kinds}), relative to this folder; globs are fine.",
        "results = [",
        *(f"    {_toml_str(p)}," for p in patterns),
        "]",
        "",
        '# The price sheet: "bundled", "latest" (after `advisor prices pull`), a date or a path.',
        'prices = "bundled"',
        "",
        "# What matters: a bundled profile (balanced, cost-first, code-quality, support-bot) or a .toml path.",
        'profile = "balanced"',
        "",
        "# Your monthly volume, for the $/month column.",
        "# tasks_per_month = 100000",
        "",
        "# Only these models (default: every model in the results).",
        '# candidates = ["model-a", "model-b"]',
        "",
        "# Eval model name = price sheet id, for names the sheet does not know.",
    ]
    if aliases:
        out += [
            "# Lines starting with # are guesses by spelling: check the id, then remove the #.",
            "[aliases]",
            *aliases,
        ]
    else:
        out += ["# Every model name in the results is on the price sheet.", "[aliases]"]
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if not folder.exists():
        raise InputError(folder, "no such folder")
    if not folder.is_dir():
        raise InputError(folder, "not a folder (give the folder that holds the eval results)")
    target = folder / WORKSPACE_FILE
    if target.exists() and not args.force:
        raise InputError(target, "already exists; use --force to replace it")
    found, cut_short = discover(folder)
    if not found:
        raise InputError(
            folder,
            f"no eval result files found (known formats: {', '.join(detect.formats())}; see docs/formats-import.md)",
        )
    models, problems = models_in(found)
    found = [f for f in found if f.path not in problems]
    if not found:
        raise InputError(folder, f"no readable eval results: {next(iter(problems.values()))}")
    sheet, _ = open_sheet("bundled", relative_to=None)
    aliases, suggestions = alias_lines(models, sheet)
    name = args.name or folder.resolve().name or "workspace"
    text = workspace_text(name, globs(folder, found), Counter(f.format for f in found), aliases)
    try:
        (write_atomic if args.force else write_new)(target, text)
    except FileExistsError:
        raise InputError(target, "already exists; use --force to replace it") from None
    except OSError as exc:
        raise InputError(target, f"cannot write: {exc.strerror}") from None
    report(folder, target, found, models, suggestions, problems, cut_short)
    return 0


def report(
    folder: Path,
    target: Path,
    found: list[Found],
    models: list[str],
    suggestions: list[Suggestion],
    problems: dict[Path, str],
    cut_short: bool,
) -> None:
    """What was found and written, what to check, and the commands to run next."""
    say = sys.stdout.write
    kinds = Counter(f.format for f in found)
    say(f"Found {len(found)} result file(s) in {clean(folder)}: {', '.join(f'{n} {k}' for k, n in kinds.items())}.\n")
    if cut_short:
        say("Stopped looking after 5,000 files; add more patterns to results by hand if some are missing.\n")
    for line in problems.values():
        say(f"Skipped (cannot be read): {clean(line)}\n")
    say(f"Models: {', '.join(clean(m) for m in models)}.\n")
    for s in suggestions:
        if s.sure:
            say(f"  {clean(s.name)} is priced as {clean(s.ids[0])} (alias written).\n")
        elif s.ids:
            say(
                f"  {clean(s.name)} is not on the price sheet; closest: {clean(', '.join(s.ids))} "
                "(alias commented out).\n"
            )
        else:
            say(f"  {clean(s.name)} is not on the price sheet and nothing is close; see `advisor prices list`.\n")
    say(f"Wrote {clean(target)}.\n")
    try:
        inputs = load_inputs(folder)
        for line in criteria_notes(decide(inputs)):
            say(f"Note: {clean(line)}\n")
    except InputError as exc:
        say(f"Note: the workspace does not load yet: {clean(exc.line())}\n")
    where = "" if folder == Path(".") else f" {clean(folder)}"
    say(
        "Next:\n"
        f"  advisor rank{where}   (the ranking in the terminal)\n"
        f"  advisor{where}   (the TUI: change weights, see trade-offs)\n"
        f"  advisor memo{where} -o decision.md   (the decision memo to share; .html for a web page)\n"
    )

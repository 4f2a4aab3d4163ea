"""The command line: ``advisor <command>``; each command lives in its own module.

Every command module has ``register(subparsers)`` which adds its parser and
sets ``func``. Bad input ends as one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from advisor import __version__
from advisor.errors import InputError, InputErrors
from advisor.text.redact import redact_text
from advisor.text.sanitise import clean

#: Command modules under advisor.cli, in the order ``--help`` lists them.
COMMANDS: list[str] = ["init", "rank", "data", "prices", "tui", "memo", "revisit", "compare", "probe", "split"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that command's module is imported (startup time)."""
    p = argparse.ArgumentParser(
        prog="advisor",
        description="Choose an LLM for production from your own evals, prices and priorities.",
    )
    p.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if command is None else [command]:
        importlib.import_module(f"advisor.cli.{name}").register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args_list or args_list[0] not in {*COMMANDS, "-h", "--help", "--version"}:
            args_list = default_command(args_list)
        args = parser(args_list[0] if args_list[0] in COMMANDS else None).parse_args(args_list)
        return int(args.func(args) or 0)
    except InputErrors as exc:
        for line in exc.lines():
            error_line(line)
        return EXIT_BAD_INPUT
    except InputError as exc:
        error_line(exc.line())
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


def error_line(text: str) -> None:
    """One error line on stderr: file names and values in it are untrusted, URLs may hold credentials."""
    print(f"advisor: error: {clean(redact_text(text))}", file=sys.stderr)


def default_command(args: list[str]) -> list[str]:
    """Bare ``advisor [PATH]``: the TUI when it exists, else the ranking.

    A first word that is neither a command nor an existing path is one line
    and exit 2, not a TUI with an error box.
    """
    first = args[0] if args else None
    if first is not None and not first.startswith("-") and not Path(first).exists():
        looks_like_command = "/" not in first and "\\" not in first and "." not in first
        what = (
            f"not a command or a folder (commands: {', '.join(COMMANDS)})"
            if looks_like_command
            else "no such file or folder"
        )
        raise InputError(first, what)
    if "tui" in COMMANDS:
        return ["tui", *args]
    return ["rank", *args]

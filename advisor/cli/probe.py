"""``advisor probe URL``: latency and errors under load, from the endpoint you would actually call.

Sends streamed chat-completion requests to an OpenAI-compatible endpoint at
each concurrency level (or at a request rate), and writes one row per request
into the workspace's ``probes/`` folder, where ``rank``, the TUI and the memo
read it. Before a paid endpoint is called it prints the estimated spend and
asks (``--yes`` for scripts). Ctrl-C keeps every request measured so far.
See docs/probe.md.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

from advisor.errors import InputError
from advisor.evidence.under_load import load_levels, split
from advisor.ingest import native
from advisor.inputs.workspace import Workspace, load_workspace
from advisor.prices.select import open_sheet
from advisor.probe import prompts as prompt_sources
from advisor.probe import results, session, spend
from advisor.probe.client import Endpoint, Messages, chat_url
from advisor.probe.load import Level, Plan, Target

EXIT_INTERRUPTED = 130


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("probe", help="measure latency and errors under load at an endpoint", description=__doc__)
    p.add_argument("url", help="OpenAI-compatible base URL (…/v1) or its /chat/completions URL")
    p.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="M[=NAME]",
        help="model to probe (repeat for several); =NAME writes results under the name your evals use",
    )
    load = p.add_mutually_exclusive_group()
    load.add_argument("--concurrency", default=None, metavar="C,…", help="requests in flight per level (default 1)")
    load.add_argument("--rate", type=float, metavar="R", help="open loop: Poisson arrivals at R requests/s")
    p.add_argument(
        "--max-in-flight", type=int, default=64, metavar="N", help="with --rate: never more than N in flight (64)"
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument("--requests", type=int, metavar="N", help="requests per model and level (default 50)")
    size.add_argument("--duration", type=float, metavar="S", help="seconds per model and level, instead")
    p.add_argument("--prompts", type=Path, metavar="FILE", help="JSONL (prompt/messages per line) or text")
    p.add_argument(
        "--synthetic",
        default="550,150",
        metavar="MEAN,SD",
        help="without prompts: words per synthetic prompt, Normal(MEAN, SD) (default 550,150)",
    )
    p.add_argument("--max-tokens", type=int, default=256, metavar="K", help="max output tokens (default 256)")
    p.add_argument("--workspace", type=Path, metavar="DIR", help="write into DIR/probes/; prompts and prices from it")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the results here instead")
    p.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the API key (never written)")
    p.add_argument("--auth", choices=["bearer", "api-key"], default="bearer", help="key header (api-key: Azure)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S", help="per-request timeout (default 60 s)")
    p.add_argument("--deadline", type=float, metavar="S", help="stop the whole run after S seconds")
    p.add_argument("--prices", help="price sheet for the spend estimate (default: the workspace's, else bundled)")
    p.add_argument("--yes", action="store_true", help="do not ask before calling a paid endpoint")
    p.add_argument("--seed", type=int, default=0, help="seed for arrivals and synthetic prompts (default 0)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="summary format")
    p.set_defaults(func=run)


def _targets(specs: list[str]) -> tuple[Target, ...]:
    out: list[Target] = []
    for spec in specs:
        api, sep, name = spec.partition("=")
        api, name = api.strip(), name.strip()
        if not api or (sep and not name):
            raise InputError("--model", f"expected MODEL or MODEL=NAME, got {spec!r}")
        out.append(Target(api, name or api))
    names = [t.name for t in out]
    if len(set(names)) != len(names):
        raise InputError("--model", "two models would be written under the same name")
    return tuple(out)


def _levels(args: argparse.Namespace) -> tuple[Level, ...]:
    if args.rate is not None:
        if not (args.rate > 0 and math.isfinite(args.rate)):
            raise InputError("--rate", "must be a positive number of requests per second")
        if args.max_in_flight < 1:
            raise InputError("--max-in-flight", "must be 1 or more")
        return (Level(args.max_in_flight, args.rate),)
    text = args.concurrency or "1"
    levels: list[Level] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if not part.isdigit() or int(part) < 1:
            raise InputError("--concurrency", f"expected whole numbers of 1 or more, got {part!r}")
        if Level(int(part)) not in levels:
            levels.append(Level(int(part)))
    if not levels:
        raise InputError("--concurrency", "no levels given")
    return tuple(levels)


def _synthetic(text: str) -> tuple[int, int]:
    mean, _, sd = text.partition(",")
    try:
        m, s = int(mean), int(sd or 0)
    except ValueError:
        raise InputError("--synthetic", f"expected MEAN,SD in words, got {text!r}") from None
    if m < 1 or s < 0:
        raise InputError("--synthetic", "the mean must be 1 or more and the SD not negative")
    return m, s


def _prompts(args: argparse.Namespace, ws: Workspace | None, count: int) -> tuple[list[Messages], str]:
    if args.prompts is not None:
        found = prompt_sources.from_file(args.prompts)
        return found, f"{len(found)} prompts from {args.prompts}"
    if ws is not None:
        found, _skipped = prompt_sources.prompts_from_results(ws.result_files())
        if found:
            return found, f"{len(found)} prompts from the workspace's results"
    mean, sd = _synthetic(args.synthetic)
    return (
        prompt_sources.synthetic(count, mean_words=mean, sd_words=sd, seed=args.seed),
        f"{count} synthetic prompts of Normal({mean}, {sd}) words",
    )


def _check_numbers(args: argparse.Namespace) -> None:
    checks: list[tuple[str, float | None, Callable[[float], bool], str]] = [
        ("--requests", args.requests, lambda v: v >= 1, "must be 1 or more"),
        ("--duration", args.duration, lambda v: v > 0 and math.isfinite(v), "must be a positive number of seconds"),
        ("--max-tokens", args.max_tokens, lambda v: v >= 1, "must be 1 or more"),
        ("--timeout", args.timeout, lambda v: v > 0 and math.isfinite(v), "must be a positive number of seconds"),
        ("--deadline", args.deadline, lambda v: v > 0 and math.isfinite(v), "must be a positive number of seconds"),
    ]
    for flag, value, ok, message in checks:
        if value is not None and not ok(value):
            raise InputError(flag, message)


def _api_key(args: argparse.Namespace) -> str | None:
    if not args.api_key_env:
        return None
    key = os.environ.get(args.api_key_env)
    if not key:
        raise InputError("--api-key-env", f"the environment variable {args.api_key_env} is not set or empty")
    return key


def _output(args: argparse.Namespace, ws: Workspace | None, run: str) -> Path:
    if args.out is not None:
        return Path(args.out)
    folder = ws.root / results.WORKSPACE_FOLDER if ws is not None else Path.cwd()
    return results.output_path(folder, run)


def run(args: argparse.Namespace) -> int:
    from advisor.cli import probe_output as out  # Rich output, only when the command runs

    _check_numbers(args)
    targets = _targets(args.model)
    levels = _levels(args)
    requests = args.requests if args.requests is not None else (None if args.duration is not None else 50)
    plan = Plan(targets, levels, requests, args.duration, seed=args.seed)
    ws = load_workspace(args.workspace) if args.workspace is not None else None
    prompts, prompt_note = _prompts(args, ws, requests or 200)
    endpoint = Endpoint(chat_url(args.url), args.timeout, args.max_tokens, _api_key(args), args.auth)
    sheet, _ = open_sheet(args.prices or (ws.config.prices if ws else "bundled"), relative_to=ws.root if ws else None)
    count = plan.request_count()
    per_model = count // len(targets) if count is not None else None
    aliases = ws.config.aliases if ws else None
    estimates = spend.estimate(
        targets, prompts, max_tokens=args.max_tokens, requests_per_model=per_model, sheet=sheet, aliases=aliases
    )
    console = out.console(sys.stderr)
    out.print_plan(console, endpoint, plan, prompt_note, estimates)
    if spend.needs_consent(estimates, endpoint.url) and not args.yes:
        if not sys.stdin.isatty():
            raise InputError(
                "--yes", "this endpoint may bill for these requests; run interactively to confirm, or pass --yes"
            )
        answer = input("Send these requests? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            console.print("Nothing sent.")
            return 0
    run_id = results.run_id()
    path = _output(args, ws, run_id)
    with out.progress(console, count) as bar:
        state = session.execute(
            plan,
            endpoint,
            prompts,
            path,
            run_id,
            deadline_s=args.deadline,
            on_result=bar.advance,
            on_level=bar.level,
        )
    if not state.results:
        console.print("No request completed; nothing written.")
        return EXIT_INTERRUPTED if state.interrupted == "interrupted" else 0
    _, probe_rows = split(native.read(path))
    assert probe_rows is not None
    levels_by_model = load_levels(probe_rows)
    if args.format == "json":
        out.print_json(path, state, levels_by_model)
    else:
        out.print_summary(out.console(sys.stdout), path, state, levels_by_model)
    return EXIT_INTERRUPTED if state.interrupted == "interrupted" else 0

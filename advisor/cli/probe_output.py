"""What ``advisor probe`` prints: the plan and its estimated spend, progress, and the per-level summary.

Every name that came from the user or the server (models, error texts, paths)
is passed through ``clean`` and printed as ``Text``, never as markup.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from advisor.evidence.model import LoadLevel
from advisor.probe.client import Endpoint, Result
from advisor.probe.load import Level, Plan, RunState, Target
from advisor.probe.spend import Estimate
from advisor.text.format import fmt_ms, money, pct
from advisor.text.redact import redact_url
from advisor.text.sanitise import clean


def console(stream: IO[str]) -> Console:
    c = Console(file=stream)
    return c if c.is_terminal else Console(file=stream, width=160)


def print_plan(out: Console, endpoint: Endpoint, plan: Plan, prompt_note: str, estimates: Sequence[Estimate]) -> None:
    count = plan.request_count()
    size = f"{plan.requests} requests" if plan.requests is not None else f"{plan.duration_s:g} s"
    text = Text()
    text.append("Probe ", style="bold")
    text.append(clean(redact_url(endpoint.url)))
    text.append(f"\n  load: {', '.join(lv.label() for lv in plan.levels)}; {size} per model and level")
    text.append(f"\n  prompts: {prompt_note}; at most {endpoint.max_tokens} output tokens each")
    text.append(f"\n  requests: {count if count is not None else 'unknown (duration mode)'}")
    total = 0.0
    known = True
    for e in estimates:
        text.append("\n  ")
        text.append(clean(e.model))
        if e.per_request_usd is None:
            text.append(": not on the price sheet, spend unknown")
            known = False
            continue
        text.append(f": ≤ {money(e.per_request_usd)}/request as {clean(e.priced_as)}")
        if e.total_usd is not None:
            text.append(f", ≤ {money(e.total_usd)} in all")
            total += e.total_usd
        else:
            known = False
    if known and estimates:
        text.append(f"\n  estimated spend: at most {money(total)}", style="bold")
    out.print(text)


class _Bar:
    def __init__(self, progress: Progress | None, count: int | None) -> None:
        self.progress = progress
        self.task = progress.add_task("probe", total=count) if progress is not None else None
        self.where = ""

    def advance(self, result: Result) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)

    def level(self, target: Target, level: Level) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, description=f"{clean(target.name)} · {level.label()}")


@contextmanager
def progress(out: Console, count: int | None) -> Iterator[_Bar]:
    """A progress bar on a terminal; nothing otherwise (scripts and CI logs stay clean)."""
    if not out.is_terminal:
        yield _Bar(None, count)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as bar:
        yield _Bar(bar, count)


def _ms(value: dict[str, float] | None, key: str) -> str:
    return fmt_ms(value[key]) if value else "–"


def _errors(level: LoadLevel) -> str:
    if not level.errors:
        return "–"
    return ", ".join(f"{clean(kind)} {n}" for kind, n in level.errors.items())


def print_summary(out: Console, path: Path, state: RunState, levels: dict[str, tuple[LoadLevel, ...]]) -> None:
    table = Table(box=None, padding=(0, 1), header_style="bold")
    headers = ["model", "load", "n", "ok", "TTFT p50", "p95", "p99", "e2e p50", "p95", "p99", "ITL p50", "p95"]
    headers += ["tok/s", "req/s", "peak", "errors"]
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i in (0, 1, len(headers) - 1) else "right", no_wrap=i != len(headers) - 1)
    for model, model_levels in levels.items():
        for lv in model_levels:
            ttft, e2e, itl = lv.latency["ttft"], lv.latency["e2e"], lv.latency["itl"]
            peak = state.peak.get((model, Level(lv.concurrency, lv.rate)))
            table.add_row(
                Text(clean(model)),
                lv.label(),
                str(lv.requests),
                pct(lv.ok / lv.requests if lv.requests else 0, 0),
                _ms(ttft, "p50"),
                _ms(ttft, "p95"),
                _ms(ttft, "p99"),
                _ms(e2e, "p50"),
                _ms(e2e, "p95"),
                _ms(e2e, "p99"),
                _ms(itl, "p50"),
                _ms(itl, "p95"),
                f"{lv.output_tokens_per_s:,.1f}" if lv.output_tokens_per_s is not None else "–",
                f"{lv.requests_per_s:,.2f}",
                str(peak) if peak is not None else "–",
                Text(_errors(lv)),
            )
    out.print(table)
    notes = Text(style="dim")
    notes.append("Percentiles over successful requests; tok/s and req/s over each level's wall time; ")
    notes.append("peak = most requests in flight at once.")
    if any(lv.requests < 100 for lvs in levels.values() for lv in lvs):
        notes.append(" Under 100 requests a p99 is close to the slowest request.")
    out.print(notes)
    counted = sum(r.tokens_counted for r in state.results if r.outcome == "ok")
    if counted:
        out.print(Text(f"{counted} answers had no usage: output tokens counted from the stream's chunks.", "dim"))
    if state.interrupted:
        why = "Interrupted" if state.interrupted == "interrupted" else "Stopped at the deadline"
        out.print(Text(f"{why}: {len(state.results)} requests kept, {state.cancelled} in flight dropped.", "yellow"))
    written = Text("Wrote ")
    written.append(clean(path))
    out.print(written)


def level_json(level: LoadLevel, peak: int | None) -> dict[str, Any]:
    return {
        "concurrency": level.concurrency,
        "rate_rps": level.rate,
        "requests": level.requests,
        "ok": level.ok,
        "error_rate": level.error_rate,
        "errors": level.errors,
        "duration_s": level.duration_s,
        "output_tokens_per_s": level.output_tokens_per_s,
        "requests_per_s": level.requests_per_s,
        "ttft_ms": level.latency["ttft"],
        "e2e_ms": level.latency["e2e"],
        "itl_ms": level.latency["itl"],
        "peak_in_flight": peak,
    }


def print_json(path: Path, state: RunState, levels: dict[str, tuple[LoadLevel, ...]]) -> None:
    doc = {
        "file": str(path),
        "interrupted": state.interrupted,
        "requests_kept": len(state.results),
        "in_flight_dropped": state.cancelled,
        "models": {
            model: [level_json(lv, state.peak.get((model, Level(lv.concurrency, lv.rate)))) for lv in lvs]
            for model, lvs in levels.items()
        },
    }
    sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    sys.stdout.write("\n")

"""A decision as a Rich table for the terminal, or as a Markdown table to paste.

Why this module exists: the ranking is the first thing a user reads, and a
number must be shown whole or not at all. The terminal table therefore picks
its columns by priority until the width is used up, shortens model names by
wrapping them (never a number), and says which columns it left out and how to
see them (``--wide``, ``--columns``, ``--format md|json``). Markdown has no
width: it shows every column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from advisor.decision.decide import Inputs
from advisor.decision.explain import criteria_notes, edits_lines, profile_sentence, verdict, weights_text
from advisor.decision.overfit_result import OverfitCheck
from advisor.decision.result import Accuracy, Decision, ModelResult
from advisor.errors import InputError
from advisor.inputs.profiles import CRITERIA
from advisor.report import overfit as split_words
from advisor.report.flags import LETTER, aggregates_sentence, flags, legend
from advisor.report.uncertainty import cell as uncertainty_cell
from advisor.report.uncertainty import lines as uncertainty_lines
from advisor.text.format import fmt_ms, graceful, money, pct, rounded_parts
from advisor.text.redact import redact_text
from advisor.text.sanitise import clean, plain
from advisor.text.sanitise import markdown as md

#: Characters after which a model name may be wrapped.
_BREAKS = frozenset("/-_.:@ ")
#: Spaces between two columns (one of padding, one of separator).
GAP = 2
#: The narrowest a wrapped model name or flags column gets.
MIN_MODEL, MIN_FLAGS = 12, 12


def score_parts(m: ModelResult) -> tuple[str, str]:
    """(score, breakdown) as shown: two decimals each, the shown parts adding up to the shown score.

    An excluded model is not ranked, so it shows no score (JSON keeps the number).
    """
    if m.excluded:
        return "–", "–"
    parts, total = rounded_parts([m.breakdown[c] for c in CRITERIA], 2)
    shown = " ".join(f"{LETTER[c]}{v:.2f}".replace("0.", ".") for c, v in zip(CRITERIA, parts, strict=True))
    return f"{total:.2f}", shown


def _acc_text(a: Accuracy | None) -> str:
    if a is None:
        return "n/a"
    return f"{pct(a.mean)} ±{100 * (a.ci_high - a.ci_low) / 2:.1f}"


@dataclass(frozen=True)
class Column:
    key: str
    #: Header; a newline keeps a long header narrow.
    header: str
    cell: Callable[[ModelResult, Decision], str]
    right: bool = True
    #: Text that may wrap (model names, flags); numbers never do.
    wraps: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("rank", "#", lambda m, d: str(m.rank) if m.rank else "–"),
    Column("model", "model", lambda m, d: clean(m.model), right=False, wraps=True),
    Column("score", "score", lambda m, d: score_parts(m)[0]),
    Column("breakdown", "A   C   L   G", lambda m, d: score_parts(m)[1], right=False),
    Column("accuracy", "accuracy\n±95%", lambda m, d: _acc_text(m.accuracy)),
    Column("cost", "$/task", lambda m, d: money(m.cost_per_task_usd)),
    Column("success", "$/success", lambda m, d: money(m.cost_per_success_usd)),
    Column("month", "$/month", lambda m, d: money(m.monthly_cost_usd)),
    Column(
        "latency",
        "latency",  # the percentile goes under it (see headers)
        lambda m, d: fmt_ms(m.latency_value) if m.latency_value is not None else "n/a",
    ),
    Column("graceful", "graceful", lambda m, d: graceful(m.gracefulness)),
    Column("pbest", "P(best)\nrank", lambda m, d: uncertainty_cell(d.uncertainty, m.model)),
    # Excluded rows say only "excluded" here: the verdict under the table gives every reason.
    Column(
        "flags",
        "flags",
        lambda m, d: clean(flags(m, d.tied_for_first or (), with_reason=False)),
        right=False,
        wraps=True,
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
#: Always shown.
REQUIRED = ("rank", "model")
#: The order in which columns earn their place when the width is short.
PRIORITY = ("score", "accuracy", "cost", "flags", "pbest", "latency", "month", "graceful", "breakdown", "success")
#: What ``--columns`` accepts, and what the hidden-columns note calls each.
LABEL = {
    "score": "score",
    "breakdown": "A C L G breakdown",
    "accuracy": "accuracy",
    "cost": "$/task",
    "success": "$/success",
    "month": "$/month",
    "latency": "latency",
    "graceful": "graceful",
    "pbest": "P(best) rank",
    "flags": "flags",
}


def header(col: Column, decision: Decision) -> str:
    return f"latency\n{decision.profile.latency.label()}" if col.key == "latency" else col.header


def parse_columns(text: str) -> list[str]:
    """``--columns score,cost,latency`` → the column keys, checked."""
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in LABEL and k not in REQUIRED]
    if unknown or not keys:
        what = f"unknown column {unknown[0]!r}" if unknown else "no column given"
        raise InputError("--columns", f"{what} (columns: {', '.join(LABEL)})")
    return keys


def _width(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _longest_word(texts: Sequence[str]) -> int:
    return max((cell_len(w) for t in texts for w in t.split()), default=0)


def wrap_name(name: str, width: int) -> str:
    """A name in lines of at most ``width`` cells, broken after / - _ . : @ where it can be."""
    lines: list[str] = []
    rest = name
    while cell_len(rest) > width:
        fits, used = 0, 0
        for ch in rest:
            used += cell_len(ch)
            if used > width:
                break
            fits += 1
        cut = max((i + 1 for i in range(fits) if rest[i] in _BREAKS), default=0)
        if cut < max(1, fits // 2):
            cut = max(1, fits)
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return "\n".join(lines)


@dataclass(frozen=True)
class Layout:
    shown: tuple[str, ...]  # keys, in display order
    hidden: tuple[str, ...]  # keys left out for want of width, in priority order
    widths: dict[str, int]  # width of each shown column
    total: int  # the table's width


def layout(decision: Decision, width: int | None, *, wanted: Sequence[str] | None = None, wide: bool = False) -> Layout:
    """The columns that fit ``width`` (None: no limit), by priority, and their widths.

    Numbers get their full width or are left out; the model name and the flags
    wrap, down to ``MIN_MODEL``/``MIN_FLAGS`` (or their longest word, for flags).
    """
    texts = {c.key: [c.cell(m, decision) for m in decision.models] for c in COLUMNS}
    natural = {c.key: max([_width(header(c, decision)), *(_width(t) for t in texts[c.key])]) for c in COLUMNS}
    least = {c.key: natural[c.key] for c in COLUMNS}
    least["model"] = min(natural["model"], max(MIN_MODEL, _width("model")))
    least["flags"] = min(natural["flags"], max(MIN_FLAGS, _longest_word(texts["flags"])))

    def need(keys: Sequence[str]) -> int:
        return sum(least[k] for k in keys) + GAP * (len(keys) - 1)

    if wanted is not None:
        chosen = [*REQUIRED, *(k for k in wanted if k not in REQUIRED)]
        hidden: list[str] = []
    elif wide or width is None:
        chosen, hidden = [c.key for c in COLUMNS], []
    else:
        chosen, hidden = list(REQUIRED), []
        for key in PRIORITY:
            (chosen if need([*chosen, key]) <= width else hidden).append(key)
    order = [c.key for c in COLUMNS if c.key in chosen]
    widths = {k: least[k] for k in order}
    limit = width if width is not None and not wide else None
    spare = (limit - need(order)) if limit is not None else None
    for key in ("model", "flags"):  # give wrapping columns back their width while there is room
        if key in widths:
            grow = natural[key] - widths[key] if spare is None else min(spare, natural[key] - widths[key])
            widths[key] += max(0, grow)
            if spare is not None:
                spare -= max(0, grow)
    return Layout(tuple(order), tuple(hidden), widths, sum(widths.values()) + GAP * (len(order) - 1))


def header_lines(decision: Decision, inputs: Inputs) -> list[str]:
    priorities = profile_sentence(decision)
    return [
        f"Workspace: {clean(inputs.workspace.name)} · {priorities} · weights: {weights_text(decision.weights)}",
        f"Prices: {inputs.sheet.as_of} ({clean(redact_text(inputs.sheet.source))}) · volume: "
        f"{decision.tasks_per_month:,.0f} tasks/month",
        *([split_words.part_line(decision.overfit)] if decision.overfit else []),
    ]


def hidden_note(hidden: Sequence[str], width: int) -> str | None:
    """Which columns did not fit, and the ways to see them."""
    if not hidden:
        return None
    names = ", ".join(LABEL[k] for k in hidden)
    return (
        f"Not shown at {width} columns: {names}. Show them with --wide, choose with --columns "
        f"(e.g. --columns score,{hidden[0]}), or see everything with --format md or --format json."
    )


def notes(decision: Decision) -> list[str]:
    """Sentences under the table: what the user changed, criteria left out or lacking, aggregates."""
    out = [*edits_lines(decision), *criteria_notes(decision)]
    if note := aggregates_sentence(decision):
        out.append(note)
    return out


def print_table(
    decision: Decision,
    inputs: Inputs,
    console: Console,
    *,
    columns: Sequence[str] | None = None,
    wide: bool = False,
) -> None:
    """The ranking at the console's width: every number whole, the columns that do not fit named."""
    for line in header_lines(decision, inputs):
        console.print(plain(line))
    lay = layout(decision, console.width, wanted=columns, wide=wide)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    for key in lay.shown:
        col = BY_KEY[key]
        table.add_column(
            header(col, decision),
            justify="right" if col.right else "left",
            width=lay.widths[key],
            no_wrap=key != "flags",
            overflow="fold",
        )
    for m in decision.models:
        row = []
        for key in lay.shown:
            text = BY_KEY[key].cell(m, decision)
            # the model cell is already clean: wrap it in lines (Text, since plain() would show the breaks as \n)
            row.append(Text(wrap_name(text, lay.widths[key])) if key == "model" else plain(text))
        table.add_row(*row, style="dim" if m.excluded else ("bold" if m.rank == 1 else None))
    if lay.total > console.width:  # --wide or --columns asked for more than fits: print whole, let lines run long
        console = Console(file=console.file, width=lay.total, force_terminal=console.is_terminal)
    console.print(table)
    if note := hidden_note(lay.hidden, console.width):
        console.print(plain(note, "dim"))
    console.print(plain(verdict(decision)))
    for line in notes(decision):
        console.print(plain(line))
    for line in uncertainty_lines(decision):
        console.print(plain(line))
    if decision.overfit is not None:
        print_overfit(decision.overfit, console)
    if "breakdown" in lay.shown:
        console.print("Breakdown: A accuracy, C cost, L latency, G gracefulness (weight × utility).", style="dim")
    if meaning := legend(decision, flags_shown="flags" in lay.shown):
        console.print(plain(f"Flags: {meaning}", "dim"))
    for model, how in decision.cost_models:
        console.print(plain(f"cost of {model}: {how}"))
    for w in decision.warnings:
        console.print(plain(f"warning: {w}", "yellow"))


def markdown(decision: Decision, inputs: Inputs) -> str:
    """Every column (Markdown has no width); untrusted text (names, reasons) escaped as literal Markdown."""

    def cell(s: str) -> str:
        return s.replace("|", "\\|")

    untrusted = ("model", "flags")  # the model name, and the flags (an exclusion reason)
    lines = [*(f"{md(line)}  " for line in header_lines(decision, inputs)), ""]
    cols = COLUMNS
    lines.append("| " + " | ".join(header(c, decision).replace("\n", " ") for c in cols) + " |")
    lines.append("|" + "|".join("---:" if c.right else "---" for c in cols) + "|")
    for m in decision.models:
        row = [c.cell(m, decision) if c.key != "flags" else flags(m, decision.tied_for_first or ()) for c in cols]
        lines.append(
            "| " + " | ".join(md(t) if c.key in untrusted else cell(t) for c, t in zip(cols, row, strict=True)) + " |"
        )
    lines += ["", md(verdict(decision)), ""]
    lines += [f"{md(line)}  " for line in notes(decision)]
    lines += [f"{md(line)}  " for line in uncertainty_lines(decision)]
    if decision.overfit is not None:
        lines += ["", *overfit_markdown(decision.overfit), ""]
    lines.append("Breakdown: A accuracy, C cost, L latency, G gracefulness (weight × utility).")
    if meaning := legend(decision):
        lines.append(f"Flags: {meaning}")
    lines += [f"\ncost of {md(model)}: {md(how)}" for model, how in decision.cost_models]
    lines += [f"\n> warning: {md(w)}" for w in decision.warnings]
    return "\n".join(lines) + "\n"


def print_overfit(check: OverfitCheck, console: Console) -> None:
    """Dev against holdout: the per-model table and the sentences (``advisor.report.overfit``)."""
    console.print(plain(f"Dev vs holdout (rotation {check.rotation}), accuracy points:", "bold"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(split_words.GAP_HEADERS):
        table.add_column(h, justify="left" if i in (0, 6) else "right", no_wrap=True)
    for g in check.models:
        table.add_row(*map(plain, split_words.gap_row(g)), style="bold" if g.flagged else None)
    console.print(table)
    for line in split_words.lines(check):
        console.print(plain(line, "yellow" if line.startswith("warning:") else ""))


def overfit_markdown(check: OverfitCheck) -> list[str]:
    """The same in Markdown; every cell and sentence escaped (model names are untrusted)."""
    out = [f"Dev vs holdout (rotation {check.rotation}), accuracy points:", ""]
    out.append("| " + " | ".join(split_words.GAP_HEADERS) + " |")
    out.append("|---|" + "---:|" * 5 + "---|")
    out += ["| " + " | ".join(md(c) for c in split_words.gap_row(g)) + " |" for g in check.models]
    out.append("")
    out += [f"{md(line)}  " for line in split_words.lines(check)]
    return out

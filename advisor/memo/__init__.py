"""The decision memo: one self-contained file that explains a decision and can be revisited.

Why this package exists: a choice of model has to be explained to a team and
checked again when prices move. ``render_markdown`` and ``render_html`` write
the same nine sections (the HTML with inline SVG charts, no external assets);
``write_memo`` writes either atomically and never overwrites without
``force``. The memo ends with a machine-readable snapshot
(``advisor.memo.snapshot``) that ``advisor revisit`` reads back
(``advisor.memo.revisit``). UI-free: the CLI and the TUI's export share it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from advisor import __version__
from advisor.decision.decide import Inputs
from advisor.decision.result import Decision
from advisor.errors import InputError
from advisor.files.atomic import write_atomic, write_new
from advisor.memo.blocks import Doc, Para, to_html, to_markdown
from advisor.memo.context import MemoContext, memo_context
from advisor.memo.section_evidence import evidence_section
from advisor.memo.sections import decision_section, mattered_section, ranking_section
from advisor.memo.sections_more import (
    benchmarks_section,
    failures_section,
    provenance_section,
    robustness_section,
    snapshot_section,
)
from advisor.memo.sections_split import holdout_section
from advisor.memo.snapshot import Follows
from advisor.text.sanitise import markdown as md

FORMATS = ("md", "html")

__all__ = ["FORMATS", "check_target", "memo_document", "render", "render_html", "render_markdown", "write_memo"]


def _priorities(d: Decision) -> str:
    name = md(d.profile.as_written.name)
    if d.edits is None or d.edits.as_written:
        return f"profile **{name}**"
    return f"**custom weights** from profile {name}" if d.edits.weights else f"profile **{name}**, constraints changed"


def memo_document(ctx: MemoContext) -> Doc:
    d = ctx.decision
    doc = Doc(f"Decision memo: {md(ctx.inputs.workspace.name)}")
    doc.add(
        Para(
            f"{ctx.today.isoformat()} · advisor {__version__} · {_priorities(d)} · prices as of "
            f"{ctx.inputs.sheet.as_of.isoformat()} · {d.tasks_per_month:,.0f} tasks a month"
            + (f" · decided on the {d.overfit.part} of rotation {d.overfit.rotation}" if d.overfit else "")
        )
    )
    for section in (
        decision_section,
        mattered_section,
        ranking_section,
        evidence_section,
        holdout_section,
        failures_section,
        robustness_section,
        benchmarks_section,
        provenance_section,
        snapshot_section,
    ):
        section(doc, ctx)
    return doc


def render(
    decision: Decision,
    inputs: Inputs,
    fmt: str = "md",
    *,
    today: dt.date | None = None,
    follows: Follows | None = None,
) -> str:
    """The memo text in ``md`` or ``html``."""
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown memo format {fmt!r} (use md or html)")
    doc = memo_document(memo_context(decision, inputs, today=today, follows=follows))
    return to_markdown(doc) if fmt == "md" else to_html(doc)


def render_markdown(decision: Decision, inputs: Inputs, *, today: dt.date | None = None) -> str:
    return render(decision, inputs, "md", today=today)


def render_html(decision: Decision, inputs: Inputs, *, today: dt.date | None = None) -> str:
    return render(decision, inputs, "html", today=today)


def check_target(path: Path, *, force: bool) -> None:
    """Refuse a file name a memo cannot be written to, before any work, saying exactly why."""
    if str(path) in ("", "."):
        raise InputError(path, "is not a file name; give one such as memo.md")
    for folder in path.parents:
        try:
            if folder.exists() and not folder.is_dir():
                raise InputError(path, f"{folder} is a file, not a folder, so it cannot hold {path.name}")
        except OSError as exc:  # a name too long for the file system, or a loop of links
            raise InputError(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        if path.is_dir():
            raise InputError(path, "is a folder; give a file name for the memo")
        if path.exists() and not force:
            raise InputError(path, "already exists; use --force to overwrite it")
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None


def write_text(path: Path, text: str, *, force: bool) -> Path:
    """Atomic write (temp file in the same folder, then rename); no overwrite unless force."""
    path = Path(path)
    check_target(path, force=force)
    try:
        if force:
            write_atomic(path, text)
        else:
            write_new(path, text)
    except FileExistsError:  # it appeared since the check
        raise InputError(path, "already exists; use --force to overwrite it") from None
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None
    return path


def write_memo(
    decision: Decision,
    inputs: Inputs,
    path: Path,
    fmt: str | None = None,
    force: bool = False,
    *,
    today: dt.date | None = None,
) -> Path:
    """Render and write the memo; the format defaults to the file's suffix (.html → html, else md)."""
    chosen = fmt or ("html" if Path(path).suffix.lower() in {".html", ".htm"} else "md")
    return write_text(Path(path), render(decision, inputs, chosen, today=today), force=force)

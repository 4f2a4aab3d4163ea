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
from advisor.memo.sections import decision_section, evidence_section, mattered_section, ranking_section
from advisor.memo.sections_more import (
    benchmarks_section,
    failures_section,
    provenance_section,
    robustness_section,
    snapshot_section,
)
from advisor.memo.sections_split import holdout_section
from advisor.memo.snapshot import Follows

FORMATS = ("md", "html")

__all__ = ["FORMATS", "memo_document", "render", "render_html", "render_markdown", "write_memo"]


def memo_document(ctx: MemoContext) -> Doc:
    d = ctx.decision
    doc = Doc(f"Decision memo: {ctx.inputs.workspace.config.name}")
    doc.add(
        Para(
            f"{ctx.today.isoformat()} · advisor {__version__} · profile **{d.profile.name}** · prices as of "
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


def write_text(path: Path, text: str, *, force: bool) -> Path:
    """Atomic write (temp file in the same folder, then rename); no overwrite unless force."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a folder; give a file name for the memo")
    try:
        if force:
            write_atomic(path, text)
        else:
            if path.exists():
                raise InputError(path, "already exists; use --force to overwrite it")
            write_new(path, text)
    except FileExistsError:
        raise InputError(path, "already exists; use --force to overwrite it") from None
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror}") from None
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

"""What ``advisor revisit`` prints: text, JSON, and a follow-up memo that links to the first.

Why this module exists: the revisit's answer must read the same in a terminal,
in a scheduled job's JSON and in the follow-up memo a team keeps beside the
original. The follow-up memo ends with its own snapshot, so it can itself be
revisited later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from advisor import __version__
from advisor.memo.blocks import Bullets, Doc, Heading, Para, Raw, Table
from advisor.memo.revisit import EXIT_CHANGED, EXIT_HOLDS, EXIT_UNDETERMINED, Revisit, headline
from advisor.memo.snapshot import Follows, SheetRef, Snapshot, anchors_snap, model_snap, schema_version_for, sha256_file
from advisor.memo.snapshot_text import embed_html, embed_markdown
from advisor.text.format import money
from advisor.text.redact import redact_text
from advisor.text.sanitise import markdown as md
from advisor.text.sanitise import markdown_code, markdown_link

SCHEMA = "advisor.revisit/1"


def _rank(r: int | None) -> str:
    return str(r) if r is not None else "–"


def ranking_rows(r: Revisit) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for m in r.decision.models:
        old = r.snapshot.models.get(m.model)
        note = m.excluded or ""
        if m.model in r.pricing.kept:
            note = "not re-priced: memo's price kept" + (f"; {note}" if note else "")
        if old is None:
            rows.append(
                (
                    m.model,
                    "–",
                    "–",
                    _rank(m.rank),
                    f"{m.score:.3f}",
                    "new",
                    "–",
                    money(m.cost_per_task_usd),
                    note,
                )
            )
            continue
        rows.append(
            (
                m.model,
                _rank(old.rank),
                f"{old.score:.3f}",
                _rank(m.rank),
                f"{m.score:.3f}",
                f"{m.score - old.score:+.3f}",
                money(old.cost_per_task_usd),
                money(m.cost_per_task_usd),
                note,
            )
        )
    return rows


RANKING_HEADERS = (
    "model",
    "old #",
    "old score",
    "new #",
    "new score",
    "Δ score",
    "old $/task",
    "new $/task",
    "note",
)


def notes(r: Revisit) -> list[str]:
    out = [f"Evidence: {r.evidence_source}."]
    if r.rotation is not None:
        out.append(
            ("Holdout no longer private: " if r.rotation.private is False else "Holdout: ") + r.rotation.sentence
        )
    out += [f"Eval files: {n}" for n in r.file_notes]
    if r.file_notes and r.evidence_source == "the memo's snapshot":
        out.append(
            "The workspace's eval files differ from the memo's; the memo's evidence was used "
            "(pass --use-new-evidence to re-rank on the files as they are now)."
        )
    if r.pricing.kept:
        out.append(
            "Could not re-price (the memo's prices are kept): "
            + "; ".join(f"{m} ({r.pricing.why_kept[m]})" for m in r.pricing.kept)
            + "."
        )
    if r.pricing.unpriced:
        out.append("Priced neither in the memo nor now: " + ", ".join(r.pricing.unpriced) + ".")
    if r.approximate:
        out.append(
            "The new sheet has a long-context tier below the per-sample detail the memo keeps "
            f"({', '.join(r.approximate)}): their cost is approximate (base rates below "
            "16,000 input tokens); pass --workspace for the exact figure."
        )
    return out


def text_lines(r: Revisit) -> list[str]:
    s = r.snapshot
    lines = [
        headline(r),
        "",
        f"Memo: {r.memo.name} of {s.created.isoformat()}, prices as of {s.prices.as_of.isoformat()} → "
        f"now {r.sheet.as_of.isoformat()} ({r.sheet.source}).",
        *notes(r),
        "",
        "Ranking, memo → now:",
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(RANKING_HEADERS, *ranking_rows(r), strict=True)]
    for row in (RANKING_HEADERS, *ranking_rows(r)):
        lines.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines += ["", "Price changes touching the candidates:"]
    lines += [f"  {p.model}: {'; '.join(p.changes)}" for p in r.price_changes] or ["  none"]
    lines += ["", "Score changes and why:"]
    for c in r.score_changes:
        rank_note = f" (rank {_rank(c.old_rank)} → {_rank(c.new_rank)})" if c.old_rank != c.new_rank else ""
        lines.append(f"  {c.model}: {c.old_score:.3f} → {c.new_score:.3f}{rank_note}")
        lines += [f"    {why}" for why in c.reasons]
    if not r.score_changes:
        lines.append("  none")
    lines += ["", "Crossed a constraint or a break-even point:"]
    lines += [f"  {c}" for c in r.crossings] or ["  none"]
    return lines


def revisit_json(r: Revisit) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "status": r.status,
        "exit_code": r.exit_code,
        "exit_codes": {"holds": EXIT_HOLDS, "changed": EXIT_CHANGED, "undetermined": EXIT_UNDETERMINED},
        "headline": headline(r),
        "tied_for_first": list(r.decision.uncertainty.tied_for_first) if r.decision.uncertainty else None,
        "too_few_items": r.decision.uncertainty.too_few if r.decision.uncertainty else None,
        "memo": {"name": r.memo.name, "sha256": r.memo_sha256, "created": r.snapshot.created.isoformat()},
        "old_prices": {"as_of": r.snapshot.prices.as_of.isoformat(), "source": r.snapshot.prices.source},
        "new_prices": {
            "as_of": r.sheet.as_of.isoformat(),
            "source": r.sheet.source,
            "path": str(r.sheet_path),
        },
        "evidence": r.evidence_source,
        "file_notes": list(r.file_notes),
        "split": (
            {
                "rotation": r.rotation.rotation,
                "part": r.rotation.part,
                "state": r.rotation.state,
                "current_rotation": r.rotation.current,
                "same_secret": r.rotation.same_secret,
                "private": r.rotation.private,
                "sentence": r.rotation.sentence,
            }
            if r.rotation is not None
            else None
        ),
        "old_pick": r.old_pick,
        "new_pick": r.new_pick,
        "not_repriced": {m: r.pricing.why_kept[m] for m in r.pricing.kept},
        "unpriced": list(r.pricing.unpriced),
        "approximate_cost": list(r.approximate),
        "ranking": [
            {
                "model": m.model,
                "old_rank": r.snapshot.models[m.model].rank if m.model in r.snapshot.models else None,
                "old_score": r.snapshot.models[m.model].score if m.model in r.snapshot.models else None,
                "new_rank": m.rank,
                "new_score": m.score,
                "old_cost_per_task_usd": r.snapshot.models[m.model].cost_per_task_usd
                if m.model in r.snapshot.models
                else None,
                "new_cost_per_task_usd": m.cost_per_task_usd,
                "excluded": m.excluded,
            }
            for m in r.decision.models
        ],
        "price_changes": [dataclasses.asdict(p) for p in r.price_changes],
        "score_changes": [dataclasses.asdict(c) for c in r.score_changes],
        "crossings": list(r.crossings),
    }


def followup_snapshot(r: Revisit, today: dt.date, link: str) -> Snapshot:
    """The snapshot of the re-ranked decision, naming the memo it follows."""
    s = r.snapshot
    d = r.decision
    models = {m.model: model_snap(m, r.evidence, r.costs) for m in d.models}
    return s.model_copy(
        update={
            "schema_version": schema_version_for(models, d.profile, s.split),
            "advisor_version": __version__,
            "created": today,
            "files": r.files,
            "prices": SheetRef(
                as_of=r.sheet.as_of,
                source=r.sheet.source,
                name=r.sheet_path.name,
                sha256=sha256_file(r.sheet_path),
            ),
            "anchors": anchors_snap(d),
            "pick": d.pick.model if d.pick else None,
            "models": models,
            "warnings": tuple(d.warnings),
            "follows": Follows(memo=link, sha256=r.memo_sha256, created=s.created),
        }
    )


def followup_doc(r: Revisit, today: dt.date, link: str) -> Doc:
    s = r.snapshot
    doc = Doc(f"Revisit: {md(s.workspace.name)}")
    doc.add(
        Para(
            f"{today.isoformat()} · advisor {__version__} · follows {markdown_link(link, link)} of "
            f"{s.created.isoformat()} · prices as of {s.prices.as_of.isoformat()} → "
            f"{r.sheet.as_of.isoformat()}"
        )
    )
    doc.add(Heading(2, "1. Verdict", "verdict"), Para(f"**{md(headline(r))}**"), Bullets(tuple(map(md, notes(r)))))
    doc.add(
        Heading(2, "2. Ranking then and now", "ranking"),
        Para(f"Same profile ({md(s.profile.name)}), weights, constraints and task mix as the memo."),
        Table(RANKING_HEADERS, tuple((md(m), *rest[:-1], md(rest[-1])) for m, *rest in ranking_rows(r)), "lrrrrrrrl"),
    )
    doc.add(Heading(2, "3. Price changes touching the candidates", "prices"))
    doc.add(Bullets(tuple(f"{md(p.model)}: {md('; '.join(p.changes))}" for p in r.price_changes) or ("None.",)))
    doc.add(Heading(2, "4. Score changes and why", "scores"))
    items = []
    for c in r.score_changes:
        moved = f", rank {_rank(c.old_rank)} → {_rank(c.new_rank)}" if c.old_rank != c.new_rank else ""
        items.append(
            f"{md(c.model)}: {c.old_score:.3f} → {c.new_score:.3f}{moved}"
            + (f" ({md('; '.join(c.reasons))})" if c.reasons else "")
        )
    doc.add(Bullets(tuple(items) or ("None.",)))
    doc.add(
        Heading(2, "5. Constraints and break-even points crossed", "crossings"),
        Bullets(tuple(map(md, r.crossings)) or ("None.",)),
    )
    snap = followup_snapshot(r, today, link)
    doc.add(
        Heading(2, "6. Provenance", "provenance"),
        Bullets(
            (
                f"Written {today.isoformat()} by advisor {__version__}.",
                f"First memo: {markdown_link(link, link)}, SHA-256 `{r.memo_sha256}`.",
                f"New price sheet: {markdown_code(snap.prices.name)}, as of {r.sheet.as_of.isoformat()}, "
                f"source: {md(redact_text(r.sheet.source))}; "
                f"SHA-256 `{snap.prices.sha256}`.",
                f"Profile: {md(s.profile.name)} (SHA-256 `{s.profile_sha256}`).",
            )
        ),
    )
    doc.add(
        Heading(2, "7. Snapshot", "snapshot"),
        Para("Machine-readable record of the re-ranked decision; `advisor revisit` can read this memo too."),
        Raw(embed_markdown(snap), embed_html(snap)),
    )
    return doc

"""``advisor revisit``: does a memo's decision still hold on newer prices, and what moved?

Why this module exists: prices change every few weeks and a decision made on
last quarter's sheet may be wrong today. This re-ranks the memo's evidence
with the memo's own profile (weights, constraints, curves, task mix) on a new
sheet and compares: the pick, the ranking, the price changes that touch the
candidates, each score change with its cause, and any model that newly
crossed a constraint or overtook the pick. The exit code lets a scheduled job
alert: 0 holds, 3 changed, 4 cannot tell (the pick could not be re-priced).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

from advisor.decision.rank import rank
from advisor.decision.result import Decision, ModelResult
from advisor.decision.uncertainty import uncertainty
from advisor.evidence.gather import gather
from advisor.evidence.model import Evidence
from advisor.files.bundled import display_path
from advisor.ingest.load import load_workspace_samples
from advisor.inputs.profiles import CRITERIA, LatencyChoice
from advisor.inputs.workspace import load_workspace
from advisor.memo.cost_inputs import cost_inputs
from advisor.memo.reprice import Pricing, evidence_from_snapshot, plan_pricing, relative_change
from advisor.memo.rotation import RotationStatus, memo_part, rotation_status
from advisor.memo.snapshot import CostInputs, FileHash, ModelSnap, Snapshot, sha256_file
from advisor.memo.snapshot_text import read_memo
from advisor.prices.select import open_sheet
from advisor.prices.sheet import ModelPrice, PriceSheet
from advisor.text.format import money, pct

EXIT_HOLDS = 0
EXIT_CHANGED = 3
EXIT_UNDETERMINED = 4
_RATE_FIELDS = (
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "batch_discount",
)


@dataclass(frozen=True)
class PriceChange:
    model: str
    old_id: str | None
    new_id: str | None
    changes: tuple[str, ...]
    cost_old: float | None
    cost_new: float | None


@dataclass(frozen=True)
class ScoreChange:
    model: str
    old_rank: int | None
    new_rank: int | None
    old_score: float
    new_score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Revisit:
    memo: Path
    memo_sha256: str
    snapshot: Snapshot
    sheet: PriceSheet
    sheet_path: Path
    decision: Decision
    evidence: Evidence
    costs: dict[tuple[str, str], CostInputs]
    evidence_source: str
    status: str  # "holds", "changed" or "undetermined"
    pricing: Pricing
    approximate: tuple[str, ...]
    price_changes: tuple[PriceChange, ...]
    score_changes: tuple[ScoreChange, ...]
    crossings: tuple[str, ...]
    file_notes: tuple[str, ...] = field(default_factory=tuple)
    files: tuple[FileHash, ...] = field(default_factory=tuple)
    #: Whether the holdout the memo was decided on is still private (None: the memo used no split).
    rotation: RotationStatus | None = None

    @property
    def old_pick(self) -> str | None:
        return self.snapshot.pick

    @property
    def new_pick(self) -> str | None:
        return self.decision.pick.model if self.decision.pick else None

    @property
    def exit_code(self) -> int:
        return {"holds": EXIT_HOLDS, "changed": EXIT_CHANGED}.get(self.status, EXIT_UNDETERMINED)


def _fmt_rate(v: object) -> str:
    return "none" if v is None else f"${v}"


def price_diff(old: ModelPrice | None, new: ModelPrice | None) -> list[str]:
    """Readable changes between two price entries (rates per million tokens)."""
    if old is None and new is None:
        return []
    if old is None or new is None:
        return ["newly priced" if old is None else "no longer priced"]
    out = []
    if old.id != new.id:
        out.append(f"entry {old.id} → {new.id}")
    for name in _RATE_FIELDS:
        a, b = getattr(old, name), getattr(new, name)
        if a == b:
            continue
        label = name.removesuffix("_per_mtok").replace("_", " ")
        if name == "batch_discount":
            out.append(f"batch discount {a if a is not None else 'none'} → {b if b is not None else 'none'}")
            continue
        rel = relative_change(float(a), float(b)) if a is not None and b is not None else None
        out.append(f"{label} {_fmt_rate(a)} → {_fmt_rate(b)}" + (f" ({rel:+.0%})" if rel is not None else ""))
    if old.tiers != new.tiers:
        out.append(f"long-context tiers {len(old.tiers)} → {len(new.tiers)} (or their rates) changed")
    return out


def _score_reasons(old: ModelSnap, new: ModelResult, snap: Snapshot, decision: Decision) -> list[str]:
    reasons = []
    for c in CRITERIA:
        delta = new.breakdown[c] - old.breakdown.get(c, 0.0)
        if abs(delta) < 5e-4:
            continue
        why = ""
        if c == "cost":
            rel = relative_change(old.cost_per_task_usd, new.cost_per_task_usd)
            why = f": {money(old.cost_per_task_usd)} → {money(new.cost_per_task_usd)} per task"
            why += f" ({rel:+.1%})" if rel is not None else ""
        a_old, a_new = snap.anchors[c], decision.anchors[c]
        if (a_old.best, a_old.worst) != (a_new.best, a_new.worst):
            why += (
                f"{'; ' if why else ': '}the curve's anchors (from the data) moved: best {a_old.best:.4g} → "
                f"{a_new.best:.4g}, worst {a_old.worst:.4g} → {a_new.worst:.4g}"
            )
        reasons.append(f"{c} {delta:+.3f}{why}")
    return reasons


def compare(
    snap: Snapshot, decision: Decision, pricing: Pricing
) -> tuple[list[PriceChange], list[ScoreChange], list[str]]:
    prices, scores, crossings = [], [], []
    for m in decision.models:
        old = snap.models[m.model]
        res = pricing.resolutions[m.model]
        diff = [] if m.model in pricing.kept else price_diff(old.price.price, res.price)
        if diff:
            prices.append(
                PriceChange(
                    m.model,
                    old.price.price.id if old.price.price else None,
                    res.price.id if res.price else None,
                    tuple(diff),
                    old.cost_per_task_usd,
                    m.cost_per_task_usd,
                )
            )
        reasons = _score_reasons(old, m, snap, decision)
        if reasons or old.rank != m.rank:
            scores.append(ScoreChange(m.model, old.rank, m.rank, old.score, m.score, tuple(reasons)))
        if old.excluded is None and m.excluded:
            crossings.append(f"{m.model} is now excluded: {m.excluded}.")
        elif old.excluded and m.excluded is None:
            crossings.append(f"{m.model} now passes every constraint (was excluded: {old.excluded}).")
    pick = snap.pick
    if pick is not None and pick in {m.model for m in decision.models}:
        now = decision.get(pick)
        for m in decision.ranked:
            if m.model == pick:
                continue
            old = snap.models[m.model]
            if now.excluded is None and m.score > now.score:
                crossings.append(
                    f"{m.model} overtook the memo's pick {pick}: {m.score:.3f} against "
                    f"{now.score:.3f} (was {old.score:.3f} against {snap.models[pick].score:.3f})."
                )
            be = old.break_even_price_multiplier
            ratio = relative_change(old.cost_per_task_usd, m.cost_per_task_usd)
            if be is not None and ratio is not None and math.isfinite(be) and 1.0 + ratio <= be:
                crossings.append(
                    f"{m.model}'s cost per task moved ×{1 + ratio:.2f}, past the memo's break-even "
                    f"multiplier ×{be:.2f}."
                )
    return prices, scores, crossings


def _file_check(snap: Snapshot, workspace: Path) -> tuple[list[str], Path, dict[str, str]]:
    """Compare the workspace's result files with the memo's hashes: notes, root, current hashes."""
    ws = load_workspace(workspace)
    current = {display_path(p, ws.root): sha256_file(p) for p in ws.result_files()}
    memo_files = {f.path: f.sha256 for f in snap.files}
    notes = []
    for path, sha in memo_files.items():
        if path not in current:
            notes.append(f"{path}: in the memo, no longer in the workspace")
        elif current[path] != sha:
            notes.append(f"{path}: changed since the memo (SHA-256 differs)")
    notes += [f"{p}: new since the memo" for p in current if p not in memo_files]
    return notes, ws.root, current


def revisit(
    memo: Path, *, prices: str = "latest", workspace: Path | None = None, use_new_evidence: bool = False
) -> Revisit:
    """Re-rank the memo's evidence on another sheet with the memo's profile, and compare."""
    snap, memo_sha = read_memo(memo)
    sheet, sheet_path = open_sheet(prices)
    pricing = plan_pricing(snap, sheet, str(sheet_path))
    file_notes: list[str] = []
    source = "the memo's snapshot"
    approximate: tuple[str, ...] = ()
    evidence: Evidence | None = None
    files = snap.files
    costs = {(m, t): ts.cost for m, ms in snap.models.items() for t, ts in ms.tasks.items()}
    rotation = rotation_status(snap, load_workspace(workspace) if workspace is not None else None)
    if workspace is not None:
        file_notes, root, hashes = _file_check(snap, workspace)
        ws = load_workspace(root)
        samples = load_workspace_samples(ws) if not file_notes or use_new_evidence else None
        view = memo_part(snap, ws, samples.table) if samples is not None and snap.split is not None else None
        if samples is not None and snap.split is not None and snap.split.part != "all" and view is None:
            file_notes.append(
                f"the workspace's secret does not deal the memo's split (rotation {snap.split.rotation}), so its "
                "samples cannot be re-ranked on the memo's part; the memo's snapshot is used"
            )
            samples = None
        if samples is not None:
            table = view.select(samples.table) if view is not None else samples.table
            loaded = [(f.path, f.format) for f in samples.files]
            files = tuple(
                FileHash(
                    path=display_path(p, root),
                    format=fmt,
                    sha256=hashes.get(display_path(p, root)) or sha256_file(p),
                )
                for p, fmt in loaded
            )
            evidence = gather(
                table,
                pricing.sheet,
                pricing.aliases,
                batch=snap.workspace.batch,
                candidates=snap.workspace.candidates,
            )
            costs = cost_inputs(evidence)
            source = "the workspace's samples" + (" (new evidence)" if file_notes else " (unchanged since the memo)")
    profile = snap.profile
    if evidence is None:
        evidence, approximate = evidence_from_snapshot(snap, pricing)
        # the snapshot holds the latency the memo's profile chose (probe level, TTFT…): rank on it as recorded
        recorded = LatencyChoice(metric=profile.latency.metric, source="samples")
        profile = profile.model_copy(update={"latency": recorded})
    decision = rank(evidence, profile, tasks_per_month=snap.workspace.tasks_per_month)
    if decision.ranked:  # who is statistically tied for first now, on the same evidence as the ranking
        decision = dataclasses.replace(decision, uncertainty=uncertainty(evidence, decision))
    if evidence is not None and set(evidence.models) != set(snap.models):
        missing = sorted(set(snap.models) - set(evidence.models))
        added = sorted(set(evidence.models) - set(snap.models))
        file_notes += [f"model {m} has no results in the new evidence" for m in missing]
        file_notes += [f"model {m} is new in the evidence" for m in added]
    known = [m for m in decision.models if m.model in snap.models]
    trimmed = dataclasses.replace(decision, models=tuple(known))
    prices_changed, scores, crossings = compare(snap, trimmed, pricing)
    new_pick = decision.pick.model if decision.pick else None
    repriced_any = any(m not in pricing.kept and m not in pricing.unpriced for m in snap.models)
    if (snap.pick is not None and snap.pick in pricing.kept) or not repriced_any:
        status = "undetermined"
    else:
        status = "holds" if new_pick == snap.pick else "changed"
    return Revisit(
        memo=memo,
        memo_sha256=memo_sha,
        snapshot=snap,
        sheet=sheet,
        sheet_path=sheet_path,
        decision=decision,
        evidence=evidence,
        costs=costs,
        evidence_source=source,
        status=status,
        pricing=pricing,
        approximate=approximate,
        price_changes=tuple(prices_changed),
        score_changes=tuple(scores),
        crossings=tuple(crossings),
        file_notes=tuple(file_notes),
        files=files,
        rotation=rotation,
    )


def headline(r: Revisit) -> str:
    """The one-sentence answer."""
    old, new = r.old_pick, r.new_pick
    when = f"on the {r.sheet.as_of.isoformat()} prices"
    if r.status == "undetermined":
        if set(r.pricing.kept) | set(r.pricing.unpriced) >= set(r.snapshot.models):
            return f"Cannot tell whether the decision holds {when}: none of the memo's models could be re-priced."
        if old is not None and old in r.pricing.kept:
            return (
                f"Cannot tell whether the decision holds {when}: the memo's pick {old} could not be "
                f"re-priced ({r.pricing.why_kept[old]})."
            )
    if r.status == "holds":
        if old is None:
            return f"The decision holds {when}: still no model passes the constraints."
        return f"The decision holds {when}: {old} is still the pick."
    if new is None:
        return f"The decision changed {when}: no model passes the constraints any more (was {old})."
    if old is None:
        return f"The decision changed {when}: {new} is now recommended (the memo had no pick)."
    pct_note = ""
    m = r.decision.get(new)
    if m.cost_per_task_usd is not None:
        pct_note = f" ({money(m.cost_per_task_usd)}/task, accuracy {pct(m.accuracy.mean) if m.accuracy else 'n/a'})"
    text = f"The decision changed {when}: {new}{pct_note} now ranks first instead of {old}."
    standing = still_tied(r)
    return f"{text} {standing}" if standing else text


def still_tied(r: Revisit) -> str | None:
    """When the pick changed: whether the evidence can tell the old and the new pick apart at all."""
    old, new = r.old_pick, r.new_pick
    u = r.decision.uncertainty
    if old is None or new is None or old == new or u is None or old not in {m.model for m in r.decision.ranked}:
        return None
    if u.too_few:
        return f"Whether either is really ahead cannot be told: {u.too_few}."
    if old in u.tied_for_first and new in u.tied_for_first:
        return (
            f"The two are still statistically tied for first (P(best) {u.p_best[new]:.0%} and {u.p_best[old]:.0%}): "
            "the order moved with the prices, not with the evidence."
        )
    return None

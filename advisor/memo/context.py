"""What a memo needs beyond the Decision: the snapshot, display paths and failure examples.

Why this module exists: the Markdown, the HTML and the snapshot are all built
from one ``MemoContext`` so they cannot disagree, and everything that touches
the file system (hashes, relative paths) happens here, once, not in the
renderers. Paths are shown relative to the workspace (or as ``bundled/…``) so
a memo has no absolute paths and the same inputs give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from advisor import __version__
from advisor.decision.decide import Inputs
from advisor.decision.result import Decision, Uncertainty
from advisor.decision.uncertainty import uncertainty
from advisor.evidence.model import Evidence
from advisor.files.bundled import display_path
from advisor.memo.cost_inputs import cost_inputs
from advisor.memo.snapshot import (
    SNAPSHOT_KIND,
    FileHash,
    Follows,
    SheetRef,
    Snapshot,
    WorkspaceRef,
    anchors_snap,
    model_snap,
    profile_sha256,
    schema_version_for,
    sha256_file,
    split_snap,
)
from advisor.records.samples import OUTCOMES

EXAMPLES_PER_KIND = 3


@dataclass(frozen=True)
class MemoContext:
    decision: Decision
    inputs: Inputs
    snapshot: Snapshot
    #: P(best), rank intervals, comparisons with the leader, weight ranges, break-even prices.
    extras: Uncertainty
    today: dt.date
    #: model → failure kind → (count, example sample ids)
    failures: dict[str, dict[str, tuple[int, tuple[str, ...]]]]


def failure_examples(evidence: Evidence) -> dict[str, dict[str, tuple[int, tuple[str, ...]]]]:
    """Per model and failure kind: the count and the first few sample ids (sorted, so stable)."""
    table = evidence.table
    out: dict[str, dict[str, tuple[int, tuple[str, ...]]]] = {}
    for code, model in enumerate(table.models):
        if model not in evidence.models:
            continue
        kinds: dict[str, tuple[int, tuple[str, ...]]] = {}
        rows = np.flatnonzero((table.model == code) & (table.outcome != 0))
        by_kind: dict[int, list[tuple[str, str, int]]] = {}
        for r in rows:
            by_kind.setdefault(int(table.outcome[r]), []).append(
                (table.tasks[int(table.task[r])], table.sample_ids[int(table.sample[r])], int(table.epoch[r]))
            )
        for k, items in sorted(by_kind.items()):
            items.sort()
            ids: list[str] = []
            for _, sid, epoch in items:
                label = sid if epoch == 0 else f"{sid} (epoch {epoch})"
                if label not in ids:
                    ids.append(label)
                if len(ids) == EXAMPLES_PER_KIND:
                    break
            kinds[OUTCOMES[k]] = (len(items), tuple(ids))
        out[model] = kinds
    return out


def build_snapshot(
    decision: Decision, inputs: Inputs, today: dt.date, extras: Uncertainty, follows: Follows | None = None
) -> Snapshot:
    ws = inputs.workspace
    cfg = ws.config
    costs = cost_inputs(inputs.evidence)
    be = extras.break_even
    models = {m.model: model_snap(m, inputs.evidence, costs, be.get(m.model)) for m in decision.models}
    split = split_snap(decision)
    return Snapshot(
        kind=SNAPSHOT_KIND,
        schema_version=schema_version_for(models, decision.profile, split),
        advisor_version=__version__,
        created=today,
        workspace=WorkspaceRef(
            name=ws.name,
            config_sha256=sha256_file(ws.config_path),
            tasks_per_month=decision.tasks_per_month,
            batch=cfg.batch,
            aliases=dict(cfg.aliases),
            candidates=cfg.candidates,
            benchmarks={k: dict(v) for k, v in cfg.benchmarks.items()},
        ),
        files=tuple(
            FileHash(path=display_path(p, ws.root), format=fmt, sha256=sha256_file(p)) for p, fmt in inputs.files
        ),
        prices=SheetRef(
            as_of=inputs.sheet.as_of,
            source=inputs.sheet.source,
            name=display_path(inputs.sheet_path, ws.root),
            sha256=sha256_file(inputs.sheet_path),
        ),
        profile_sha256=profile_sha256(decision.profile),
        profile=decision.profile,
        weights=dict(decision.weights),
        constraints=decision.profile.constraints,
        task_weights=dict(decision.task_weights),
        tasks=inputs.evidence.tasks,
        anchors=anchors_snap(decision),
        pick=decision.pick.model if decision.pick else None,
        models=models,
        warnings=tuple(decision.warnings),
        follows=follows,
        split=split,
    )


def memo_context(
    decision: Decision, inputs: Inputs, *, today: dt.date | None = None, follows: Follows | None = None
) -> MemoContext:
    day = today or dt.date.today()
    extras = decision.uncertainty or uncertainty(inputs.evidence, decision)
    decision = dataclasses.replace(decision, uncertainty=extras)  # every section reads one decision
    return MemoContext(
        decision=decision,
        inputs=inputs,
        snapshot=build_snapshot(decision, inputs, day, extras, follows),
        extras=extras,
        today=day,
        failures=failure_examples(inputs.evidence),
    )

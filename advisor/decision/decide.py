"""Load a workspace's inputs once and decide from them: the one entry point.

The CLI, the TUI and the memo all call ``load_inputs`` then ``decide``; the
TUI keeps the ``Inputs`` and calls ``decide`` again (milliseconds) whenever a
weight, the profile or a constraint changes.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

from advisor.decision.overfit import overfit_check
from advisor.decision.rank import rank
from advisor.decision.result import Decision
from advisor.evidence.gather import gather
from advisor.evidence.model import Evidence
from advisor.ingest.load import Loaded, load_workspace_samples, require_rankable
from advisor.inputs.profiles import Profile, load_profile
from advisor.inputs.workspace import Workspace, load_workspace
from advisor.prices.select import open_workspace_sheet
from advisor.prices.sheet import PriceSheet
from advisor.split.assign import Part, SplitView, workspace_split


@dataclass(frozen=True)
class Inputs:
    workspace: Workspace
    profile: Profile
    sheet: PriceSheet
    sheet_path: Path
    evidence: Evidence
    files: tuple[tuple[Path, str], ...]
    #: What loading found: per-file facts, failure-rule hits, unpaired-sample warnings.
    loaded: Loaded
    #: The dev/holdout split and the part ``evidence`` was gathered on; None when the workspace has none.
    split: SplitView | None = None

    @functools.cached_property
    def parts(self) -> dict[str, Evidence]:
        """Evidence on the dev items and on the holdout items (the overfitting check), gathered on first use."""
        return {
            part: gather_part(self.workspace, self.loaded, self.sheet, self.split, part) for part in ("dev", "holdout")
        }


def gather_part(ws: Workspace, loaded: Loaded, sheet: PriceSheet, split: SplitView | None, part: Part) -> Evidence:
    """Evidence on one part's rows (selected before anything is aggregated, so every criterion sees them)."""
    cfg = ws.config
    table = loaded.table if split is None else split.select(loaded.table, part)
    evidence = gather(table, sheet, cfg.aliases, batch=cfg.batch, candidates=cfg.candidates)
    if loaded.skipped:
        evidence = dataclasses.replace(evidence, warnings=(*loaded.skipped, *evidence.warnings))
    agg = loaded.table.aggregates
    if split is not None and part != "all" and agg is not None and agg.models:
        wanted = [m for m in agg.models if cfg.candidates is None or m in cfg.candidates]
        if wanted:
            note = (
                f"left out of the {part} ranking: {', '.join(wanted)} (per-task aggregates have no items to "
                "split; `--on all` ranks them)"
            )
            evidence = dataclasses.replace(evidence, warnings=(*evidence.warnings, note))
    return evidence


def with_part(inputs: Inputs, part: Part) -> Inputs:
    """The same inputs ranked on another part of the split (re-gathered from the loaded rows)."""
    if inputs.split is None:
        return inputs
    split = inputs.split.with_part(part)
    evidence = gather_part(inputs.workspace, inputs.loaded, inputs.sheet, split, part)
    return dataclasses.replace(inputs, evidence=evidence, split=split)


def load_inputs(
    folder: Path,
    *,
    profile: str | None = None,
    prices: str | None = None,
    fmt: str | None = None,
    part: str | None = None,
) -> Inputs:
    """Read the workspace, its result files, price sheet and profile; aggregate once.

    With a split (``[split]`` in advisor.toml) the evidence is gathered on ``part``
    (default: the holdout); without one, ``part`` may only be None or ``all``.
    """
    ws = load_workspace(folder)
    cfg = ws.config
    chosen_profile = load_profile(profile or cfg.profile, relative_to=None if profile else ws.root)
    sheet, sheet_path = open_workspace_sheet(ws, prices)
    loaded = load_workspace_samples(ws, fmt)
    require_rankable(loaded)
    split = workspace_split(ws, loaded.table, part)
    evidence = gather_part(ws, loaded, sheet, split, split.part if split else "all")
    return Inputs(
        workspace=ws,
        profile=chosen_profile,
        sheet=sheet,
        sheet_path=sheet_path,
        evidence=evidence,
        files=tuple((f.path, f.format) for f in loaded.files),
        loaded=loaded,
        split=split,
    )


def decide(inputs: Inputs, *, profile: Profile | None = None, weights: dict[str, float] | None = None) -> Decision:
    chosen = profile or inputs.profile
    if weights:
        chosen = chosen.with_weights(**weights)
    decision = rank(inputs.evidence, chosen, tasks_per_month=inputs.workspace.config.tasks_per_month)
    if inputs.split is not None:
        decision = dataclasses.replace(decision, overfit=overfit_check(inputs.split, inputs.parts, decision))
    return decision

"""Load a workspace's inputs once and decide from them: the one entry point.

The CLI, the TUI and the memo all call ``load_inputs`` then ``decide``; the
TUI keeps the ``Inputs`` and calls ``decide`` again (milliseconds) whenever a
weight, the profile or a constraint changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor.decision.rank import rank
from advisor.decision.result import Decision
from advisor.evidence.gather import gather
from advisor.evidence.model import Evidence
from advisor.ingest.load import Loaded, load_workspace_samples, require_rankable
from advisor.inputs.profiles import Profile, load_profile
from advisor.inputs.workspace import Workspace, load_workspace
from advisor.prices.select import open_workspace_sheet
from advisor.prices.sheet import PriceSheet


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


def load_inputs(
    folder: Path,
    *,
    profile: str | None = None,
    prices: str | None = None,
    fmt: str | None = None,
) -> Inputs:
    """Read the workspace, its result files, price sheet and profile; aggregate once."""
    ws = load_workspace(folder)
    cfg = ws.config
    chosen_profile = load_profile(profile or cfg.profile, relative_to=None if profile else ws.root)
    sheet, sheet_path = open_workspace_sheet(ws, prices)
    loaded = load_workspace_samples(ws, fmt)
    require_rankable(loaded)
    evidence = gather(loaded.table, sheet, cfg.aliases, batch=cfg.batch, candidates=cfg.candidates)
    return Inputs(
        workspace=ws,
        profile=chosen_profile,
        sheet=sheet,
        sheet_path=sheet_path,
        evidence=evidence,
        files=tuple((f.path, f.format) for f in loaded.files),
        loaded=loaded,
    )


def decide(inputs: Inputs, *, profile: Profile | None = None, weights: dict[str, float] | None = None) -> Decision:
    chosen = profile or inputs.profile
    if weights:
        chosen = chosen.with_weights(**weights)
    return rank(inputs.evidence, chosen, tasks_per_month=inputs.workspace.config.tasks_per_month)

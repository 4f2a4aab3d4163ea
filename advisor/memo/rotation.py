"""Is the holdout a memo was decided on still private? (``advisor revisit``)

Why this module exists: a decision made on the holdout of a rotation is only
as good as that holdout's privacy. Once the workspace rotates, the old
holdout's items are dealt anew and most land in dev, where the team tunes on
them: a decision on the old rotation then rests on items that are no longer
unseen. The memo records its rotation and a fingerprint of (secret,
rotation); this module compares them with the workspace's ``[split]`` and
secret, and deals the memo's own part again when revisit re-ranks on the
workspace's samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from advisor.errors import InputError
from advisor.inputs.workspace import SplitConfig, Workspace
from advisor.memo.snapshot import Snapshot
from advisor.records.samples import SampleTable
from advisor.split.assign import SplitView, split_of
from advisor.split.secret import fingerprint, read_secret

State = Literal["current", "retired", "unknown", "unchecked", "no_split"]


@dataclass(frozen=True)
class RotationStatus:
    rotation: str
    part: str
    state: State
    #: The workspace's rotation now (None: not checked, or no split).
    current: str | None
    #: The workspace's secret deals the memo's split (same fingerprint); None when not checked.
    same_secret: bool | None
    sentence: str

    @property
    def private(self) -> bool | None:
        """Whether the memo's holdout is still unseen: True, False, or None when unknown."""
        if self.state == "current":
            return bool(self.same_secret)
        if self.state in ("retired", "no_split"):
            return False
        return None


def _same_secret(ws: Workspace, snap_fingerprint: str, rotation: str) -> bool | None:
    try:
        return fingerprint(read_secret(ws.root), rotation) == snap_fingerprint
    except InputError:
        return None


def rotation_status(snap: Snapshot, ws: Workspace | None) -> RotationStatus | None:
    """What the workspace says about the memo's rotation (None when the memo used no split)."""
    s = snap.split
    if s is None:
        return None
    on = f"the {s.part} of rotation {s.rotation}"
    if ws is None:
        return RotationStatus(
            s.rotation,
            s.part,
            "unchecked",
            None,
            None,
            f"The memo was decided on {on}; give --workspace to check that its holdout is still private.",
        )
    cfg = ws.config.split
    if cfg is None:
        return RotationStatus(
            s.rotation,
            s.part,
            "no_split",
            None,
            None,
            f"The memo was decided on {on}, but the workspace has no [split] any more: its holdout is no "
            "longer kept apart; re-decide once a split is back (`advisor split`).",
        )
    same = _same_secret(ws, s.fingerprint, s.rotation)
    if s.rotation in cfg.retired:
        return RotationStatus(
            s.rotation,
            s.part,
            "retired",
            cfg.rotation,
            same,
            f"The memo was decided on {on}, which has since been retired (the workspace is on rotation "
            f"{cfg.rotation}): that holdout's items have been dealt into dev and tuned on, so it is no longer "
            "private; re-decide on the current holdout (`advisor memo`).",
        )
    if s.rotation == cfg.rotation:
        if same is False:
            sentence = (
                f"The memo was decided on {on}, the current rotation, but with another secret: the workspace "
                "deals a different split now, so the memo's holdout may have been seen; re-decide."
            )
        elif same is None:
            sentence = f"The memo was decided on {on}, the current rotation; the workspace has no secret to confirm it."
        else:
            sentence = f"The memo was decided on {on}, still the current rotation: its holdout is private."
        return RotationStatus(s.rotation, s.part, "current", cfg.rotation, same, sentence)
    return RotationStatus(
        s.rotation,
        s.part,
        "unknown",
        cfg.rotation,
        same,
        f"The memo was decided on {on}, which this workspace does not know (it is on rotation "
        f"{cfg.rotation}, retired: {', '.join(cfg.retired) or 'none'}).",
    )


def memo_part(snap: Snapshot, ws: Workspace, table: SampleTable) -> SplitView | None:
    """The memo's own part of the workspace's table (its rotation and share), when the secret still deals it."""
    s = snap.split
    if s is None or _same_secret(ws, s.fingerprint, s.rotation) is not True:
        return None
    config = SplitConfig(holdout=s.holdout_share, rotation=s.rotation)
    return split_of(table, read_secret(ws.root), config, s.part)

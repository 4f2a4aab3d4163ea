"""Deal every item (task, sample_id) to dev or holdout, and select a part of a SampleTable.

Why this module exists: the ranking, the overfitting check and the exported
lists must agree on which items are held out, so the deal is one function.
An item is in the holdout when the first 8 bytes of
HMAC-SHA256(secret, rotation ‖ task ‖ sample_id), read as a number below
2⁶⁴, fall under ``share`` × 2⁶⁴ (fields length-prefixed, so no two items
share a message). Hence, exactly:

- deterministic: the same secret, rotation and item give the same part;
- stable: an item's part depends on that item alone, so adding or removing
  other items never moves it (no dev item can ever become holdout);
- independent across rotations and tasks: another label is another message,
  so (HMAC being a pseudo-random function) the parts of two rotations agree as
  independent draws would: both holdout with probability share².
- stratified by task in expectation: each task's holdout count is
  Binomial(n_task, share). Exact per-task counts are impossible together with
  stability (adding one item to a task must then move another; see docs/split.md).

Selection happens on rows, before evidence is gathered, so every criterion
(accuracy, cost, latency, gracefulness) sees the same part. Probe rows
(latency under load) are not items and stay in every part.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import struct
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from advisor.errors import InputError
from advisor.inputs.workspace import SplitConfig, Workspace
from advisor.records.samples import PROBE_MARK, SampleTable
from advisor.split.secret import fingerprint, read_secret

Part = Literal["holdout", "dev", "all"]
PARTS: tuple[Part, ...] = ("holdout", "dev", "all")
_DOMAIN = b"advisor-split/1"
_SCALE = 2**64


def message(rotation: str, task: str, sample_id: str) -> bytes:
    """The HMAC message of one item: each field prefixed by its length, so fields cannot run together."""
    parts = (_DOMAIN, rotation.encode("utf-8"), task.encode("utf-8"), sample_id.encode("utf-8"))
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def draws(secret: bytes, rotation: str, items: list[tuple[str, str]]) -> npt.NDArray[np.uint64]:
    """Each item's draw: the first 8 bytes of its HMAC-SHA256 as an unsigned number below 2⁶⁴."""
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    out = np.empty(len(items), dtype=np.uint64)
    for i, (task, sample_id) in enumerate(items):
        h = keyed.copy()
        h.update(message(rotation, task, sample_id))
        out[i] = int.from_bytes(h.digest()[:8], "big")
    return out


def in_holdout(secret: bytes, rotation: str, share: float, items: list[tuple[str, str]]) -> npt.NDArray[np.bool_]:
    """True for the items the holdout of this rotation holds (draw < share × 2⁶⁴)."""
    threshold = np.uint64(min(int(share * _SCALE), _SCALE - 1))
    return draws(secret, rotation, items) < threshold


def item_codes(table: SampleTable) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Distinct items of the eval rows (probe rows left out): their keys, each row's item index, and eval rows."""
    eval_rows = np.isnan(table.numbers[PROBE_MARK])
    key = table.task.astype(np.int64) * (len(table.sample_ids) + 1) + table.sample
    uniq, inverse = np.unique(np.where(eval_rows, key, -1), return_inverse=True)
    return uniq, inverse.reshape(-1), eval_rows


def item_names(table: SampleTable, keys: npt.NDArray[np.int64]) -> list[tuple[str, str]]:
    """(task, sample_id) of item keys from ``item_codes``."""
    n_ids = len(table.sample_ids) + 1
    return [(table.tasks[int(k // n_ids)], table.sample_ids[int(k % n_ids)]) for k in keys]


def rotation_overlap(table: SampleTable, secret: bytes, old: SplitConfig, new: SplitConfig) -> tuple[int, int, int]:
    """Of the new rotation's holdout items: how many were dev and how many holdout in the old one; and all items."""
    uniq, _, _ = item_codes(table)
    items = item_names(table, uniq[uniq >= 0])
    was = in_holdout(secret, old.rotation, old.holdout, items)
    now = in_holdout(secret, new.rotation, new.holdout, items)
    return int(np.count_nonzero(now & ~was)), int(np.count_nonzero(now & was)), len(items)


@dataclass(frozen=True, eq=False)
class SplitView:
    """A workspace's split applied to its loaded table, and the part a ranking uses."""

    rotation: str
    share: float
    part: Part
    #: Names (secret, rotation) without revealing the secret (``secret.fingerprint``).
    fingerprint: str
    #: Per row of the loaded table: in the holdout (False for dev rows and probe rows).
    row_holdout: npt.NDArray[np.bool_] = field(repr=False)
    #: Per row: an eval item (probe rows are not).
    row_item: npt.NDArray[np.bool_] = field(repr=False)
    #: Per task: (dev items, holdout items).
    counts: dict[str, tuple[int, int]]
    #: Results the overfitting check computed once for this split (``advisor.decision.overfit``), by key.
    cache: dict[tuple[object, ...], object] = field(default_factory=dict, repr=False)

    @property
    def dev_items(self) -> int:
        return sum(d for d, _ in self.counts.values())

    @property
    def holdout_items(self) -> int:
        return sum(h for _, h in self.counts.values())

    def items(self, part: Part | None = None) -> int:
        chosen = part or self.part
        return {"dev": self.dev_items, "holdout": self.holdout_items}.get(chosen, self.dev_items + self.holdout_items)

    def with_part(self, part: Part) -> SplitView:
        return dataclasses.replace(self, part=part)

    def mask(self, part: Part | None = None) -> npt.NDArray[np.bool_]:
        """Rows of the part (probe rows are kept in every part)."""
        chosen = part or self.part
        if chosen == "all":
            return np.ones(self.row_item.shape, dtype=bool)
        wanted = self.row_holdout if chosen == "holdout" else self.row_item & ~self.row_holdout
        return wanted | ~self.row_item

    def select(self, table: SampleTable, part: Part | None = None) -> SampleTable:
        """The rows of a part; per-task aggregates have no items to split and stay only in ``all``."""
        chosen = part or self.part
        if chosen == "all":
            return table
        if len(table) != self.row_item.size:
            raise ValueError("a SplitView selects rows of the table it was made from")
        return dataclasses.replace(table.select(self.mask(chosen)), aggregates=None)

    def describe(self, part: Part | None = None) -> str:
        """Which part a ranking uses, in words: ``the holdout of rotation 2026-Q4: 312 of 1,040 items (30%)``."""
        chosen = part or self.part
        total = self.dev_items + self.holdout_items
        if chosen == "all":
            return f"all {total:,} items (dev and holdout of rotation {self.rotation})"
        n = self.items(chosen)
        return f"the {chosen} of rotation {self.rotation}: {n:,} of {total:,} items ({n / total:.0%})" if total else ""


def split_of(
    table: SampleTable,
    secret: bytes,
    config: SplitConfig,
    part: Part,
) -> SplitView:
    """Deal the table's items by the config's rotation and share."""
    uniq, inverse, eval_rows = item_codes(table)
    real = uniq >= 0
    items = item_names(table, uniq[real])
    held = np.zeros(uniq.size, dtype=bool)
    held[real] = in_holdout(secret, config.rotation, config.holdout, items)
    counts: dict[str, tuple[int, int]] = {}
    for (task, _), h in zip(items, held[real], strict=True):
        dev, hold = counts.get(task, (0, 0))
        counts[task] = (dev, hold + 1) if h else (dev + 1, hold)
    return SplitView(
        rotation=config.rotation,
        share=config.holdout,
        part=part,
        fingerprint=fingerprint(secret, config.rotation),
        row_holdout=held[inverse] & eval_rows,
        row_item=eval_rows,
        counts=dict(sorted(counts.items())),
    )


def workspace_split(
    ws: Workspace,
    table: SampleTable,
    part: str | None,
    *,
    config: SplitConfig | None = None,
) -> SplitView | None:
    """The workspace's split of ``table`` with the part to rank on (default: the holdout); None without a split.

    ``config`` overrides the workspace's ``[split]`` (revisit deals a memo's own rotation).
    """
    chosen = config or ws.config.split
    if part is not None and part not in PARTS:
        raise InputError("--on", f"unknown part {part!r} (use holdout, dev or all)")
    if chosen is None:
        if part in ("holdout", "dev"):
            raise InputError(
                "--on",
                f"{ws.config_path} has no [split], so there is no {part} part: `advisor split` holds items out",
            )
        return None
    use: Part = "holdout" if part is None else part  # type: ignore[assignment]
    return split_of(table, read_secret(ws.root), chosen, use)

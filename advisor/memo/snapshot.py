"""The machine-readable snapshot at the end of a memo, which ``advisor revisit`` reads back.

Why this module exists: a memo must be re-checkable from the memo alone when
prices move, without the eval files. So the snapshot keeps, besides the
decision (weights, constraints, the whole profile, per-model metrics and the
prices used), the *cost inputs* per model × task: token sums over the samples
that carried tokens, the recorded cost of those that did not, and per-sample
detail for long prompts, because a long-context tier applies per request.
With these the cost per task is recomputed exactly on any sheet whose tiers
start above ``evidence.model.DETAIL_ABOVE_INPUT_TOKENS`` (or above the longest prompt seen);
below that the base rate is used and revisit says the figure is approximate.

The snapshot is a pydantic model with ``extra="forbid"``, a schema version
and bounds on every value (no NaN, no infinity, no negative count or cost,
shares within [0, 1]). This module holds its schema and builds it from a
decision; ``snapshot_text`` writes it into a memo and reads it back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.decision.result import Decision, ModelResult
from advisor.errors import InputError
from advisor.evidence.model import Evidence
from advisor.inputs.profiles import Constraints, Profile, Statistics
from advisor.prices.sheet import ModelPrice

SNAPSHOT_KIND = "advisor-memo-snapshot"
#: The newest schema this advisor reads and writes. 2 adds the optional per-model ``evidence``
#: ("aggregates"); 3 the profile's ``statistics`` section; 4 the optional ``split`` (the rotation decided on).
#: A memo is written at the lowest version that holds it (without any, 1, byte for byte as before), so older
#: advisors read what they can.
SNAPSHOT_VERSION = 4

#: Value types of the snapshot: finite numbers, non-negative where a negative is impossible, shares in [0, 1]
#: (a float sum may land a hair outside), SHA-256 digests as 64 hex digits.
Finite = Annotated[float, Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=-1e-9, le=1 + 1e-9, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class FileHash(Frozen):
    path: str
    format: str
    sha256: Sha256


class SheetRef(Frozen):
    as_of: dt.date
    source: str
    name: str
    sha256: Sha256


class WorkspaceRef(Frozen):
    name: str
    config_sha256: Sha256
    tasks_per_month: NonNegative
    batch: bool
    aliases: dict[str, str]
    candidates: tuple[str, ...] | None
    benchmarks: dict[str, dict[str, Finite]]


class CostInputs(Frozen):
    """What re-pricing one model on one task needs (token sums are over samples with tokens)."""

    token_samples: Count
    input_tokens: NonNegative
    cached_input_tokens: NonNegative
    cache_write_tokens: NonNegative
    output_tokens: NonNegative
    max_input_tokens: NonNegative
    #: [input_tokens, samples, cached, cache_write, output] per distinct long prompt size.
    long: tuple[tuple[NonNegative, NonNegative, NonNegative, NonNegative, NonNegative], ...]
    recorded_fill_samples: Count
    recorded_fill_usd: NonNegative
    recorded_samples: Count
    recorded_usd: NonNegative


class TaskSnap(Frozen):
    n_items: Count
    n_samples: Count
    epochs: Count
    mean: Share
    se: NonNegative
    binary: bool
    cost_mean: NonNegative | None
    cost: CostInputs


class AccuracySnap(Frozen):
    mean: Share
    se: NonNegative
    ci_low: Finite
    ci_high: Finite
    n: Count


class PriceUsed(Frozen):
    how: str
    price: ModelPrice | None
    cost_source: str | None


class PromptFitSnap(Frozen):
    """The longest prompt against the memo's context window (``evidence.model.PromptFit``)."""

    longest: float
    counted: int
    window: int | None
    over: int


class ModelSnap(Frozen):
    rank: Annotated[int, Field(ge=1)] | None
    score: Share
    breakdown: dict[str, Share]
    utilities: dict[str, Share]
    accuracy: AccuracySnap | None
    cost_per_task_usd: NonNegative | None
    cost_per_success_usd: NonNegative | None
    monthly_cost_usd: NonNegative | None
    latency_ms: dict[str, NonNegative] | None
    latency_samples: Count
    #: None when the results do not say how the model fails (no outcome recorded).
    gracefulness: Share | None
    failures: dict[str, Count]
    unsafe_rate: Share
    n_samples: Count
    pareto: bool
    excluded: str | None
    tokens: dict[str, NonNegative]
    price: PriceUsed
    tasks: dict[str, TaskSnap]
    break_even_price_multiplier: Finite | None = None
    #: "aggregates" for a model known only from per-task statistics; absent (None) for samples.
    evidence: Literal["aggregates"] | None = None
    #: The eval's longest prompt against the window (absent in older memos and without input tokens).
    prompt_fit: PromptFitSnap | None = None


class AnchorSnap(Frozen):
    best: Finite
    worst: Finite
    scale: str
    from_data: bool
    shift: float = 0.0


class Follows(Frozen):
    """A follow-up memo names the memo it revisits."""

    memo: str
    sha256: Sha256
    created: dt.date


class SplitSnap(Frozen):
    """The part of the split a memo's decision was made on (``advisor split``); never the secret."""

    rotation: str
    holdout_share: float
    part: Literal["holdout", "dev", "all"]
    #: Names (secret, rotation) without revealing the secret: revisit checks it is still the same split.
    fingerprint: str
    dev_items: int
    holdout_items: int
    #: Models the overfitting check flagged as tuned to dev.
    flagged: tuple[str, ...] = ()


class Snapshot(Frozen):
    kind: Literal["advisor-memo-snapshot"]
    schema_version: int
    advisor_version: str
    created: dt.date
    workspace: WorkspaceRef
    files: tuple[FileHash, ...]
    prices: SheetRef
    profile_sha256: Sha256
    profile: Profile
    weights: dict[str, Share]
    constraints: Constraints
    task_weights: dict[str, Share]
    tasks: tuple[str, ...]
    anchors: dict[str, AnchorSnap]
    pick: str | None
    models: dict[str, ModelSnap]
    warnings: tuple[str, ...]
    follows: Follows | None = None
    split: SplitSnap | None = None

    @model_validator(mode="after")
    def _pick_is_a_model(self) -> Snapshot:
        if self.pick is not None and self.pick not in self.models:
            raise ValueError(f"the pick {self.pick!r} is not one of the snapshot's models")
        ranked = sorted(m.rank for m in self.models.values() if m.rank is not None)
        if ranked != list(range(1, len(ranked) + 1)):
            raise ValueError("the models' ranks are not 1, 2, 3, …")
        if self.pick is not None and self.models[self.pick].rank != 1:
            raise ValueError(f"the pick {self.pick!r} is not ranked first")
        return self


# ------------------------------------------------------------------ hashing


def sha256_file(path: Path) -> str:
    """SHA-256 of a file; for a folder (a HELM run), of its files' relative paths and hashes."""
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f"{f.relative_to(path).as_posix()}\0{sha256_file(f)}\n".encode())
        return h.hexdigest()
    try:
        with path.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # never hash an endless device or a pipe
                raise InputError(path, "is not a regular file (a device, pipe or socket); advisor reads files only")
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return h.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def profile_json(profile: Profile) -> dict[str, Any]:
    """The profile as JSON; the ``statistics`` section only when it differs from the default (older memos' bytes)."""
    data: dict[str, Any] = profile.model_dump(mode="json")
    if profile.statistics == Statistics():
        data.pop("statistics", None)
    return data


def profile_sha256(profile: Profile) -> str:
    """Hash of the profile as used (weight overrides included), in canonical JSON."""
    return sha256_text(json.dumps(profile_json(profile), sort_keys=True, separators=(",", ":")))


# ------------------------------------------------------------------ building


def schema_version_for(
    models: dict[str, ModelSnap], profile: Profile | None = None, split: SplitSnap | None = None
) -> int:
    """The lowest version that holds the memo (older advisors then say "upgrade" instead of failing)."""
    if split is not None:
        return 4
    if profile is not None and profile.statistics != Statistics():
        return 3
    return 2 if any(m.evidence is not None for m in models.values()) else 1


def model_snap(
    m: ModelResult,
    evidence: Evidence,
    costs: dict[tuple[str, str], CostInputs],
    break_even: float | None = None,
) -> ModelSnap:
    ev = evidence.models[m.model]
    acc = m.accuracy
    return ModelSnap(
        rank=m.rank,
        score=m.score,
        breakdown=dict(m.breakdown),
        utilities=dict(m.utilities),
        accuracy=AccuracySnap(mean=acc.mean, se=acc.se, ci_low=acc.ci_low, ci_high=acc.ci_high, n=acc.n)
        if acc
        else None,
        cost_per_task_usd=m.cost_per_task_usd,
        cost_per_success_usd=m.cost_per_success_usd,
        monthly_cost_usd=m.monthly_cost_usd,
        latency_ms=dict(m.latency_ms) if m.latency_ms else None,
        latency_samples=ev.latency_samples,
        gracefulness=m.gracefulness,
        failures=dict(m.failures),
        unsafe_rate=m.unsafe_rate,
        n_samples=ev.n_samples,
        pareto=m.pareto,
        excluded=m.excluded,
        tokens=dict(ev.tokens),
        price=PriceUsed(
            how=ev.price.how if ev.price else "no price sheet",
            price=ev.price.price if ev.price else None,
            cost_source=ev.cost_source,
        ),
        tasks={
            t: TaskSnap(
                n_items=s.n_items,
                n_samples=s.n_samples,
                epochs=s.epochs,
                mean=s.mean,
                se=s.se,
                binary=s.binary,
                cost_mean=s.cost_mean,
                cost=costs[(m.model, t)],
            )
            for t, s in ev.tasks.items()
        },
        break_even_price_multiplier=break_even,
        evidence="aggregates" if ev.evidence == "aggregates" else None,
        prompt_fit=PromptFitSnap(**dataclasses.asdict(ev.prompt_fit)) if ev.prompt_fit is not None else None,
    )


def split_snap(decision: Decision) -> SplitSnap | None:
    """The split a decision was made on, from its overfitting check (None without a split)."""
    check = decision.overfit
    if check is None:
        return None
    return SplitSnap(
        rotation=check.rotation,
        holdout_share=check.share,
        part=check.part,
        fingerprint=check.fingerprint,
        dev_items=check.dev_items,
        holdout_items=check.holdout_items,
        flagged=check.flagged,
    )


def anchors_snap(decision: Decision) -> dict[str, AnchorSnap]:
    return {
        c: AnchorSnap(best=a.best, worst=a.worst, scale=a.scale, from_data=a.from_data, shift=a.shift)
        for c, a in decision.anchors.items()
    }

"""The machine-readable snapshot at the end of a memo, which ``advisor revisit`` reads back.

Why this module exists: a memo must be re-checkable from the memo alone when
prices move, without the eval files. So the snapshot keeps, besides the
decision (weights, constraints, the whole profile, per-model metrics and the
prices used), the *cost inputs* per model × task: token sums over the samples
that carried tokens, the recorded cost of those that did not, and per-sample
detail for long prompts, because a long-context tier applies per request.
With these the cost per task is recomputed exactly on any sheet whose tiers
start above ``DETAIL_ABOVE_INPUT_TOKENS`` (or above the longest prompt seen);
below that the base rate is used and revisit says the figure is approximate.

The snapshot is JSON inside a fenced block after a marker comment in
Markdown, and inside ``<script type="application/json">`` in HTML, so it
survives Markdown viewers and browsers. It is a pydantic model with
``extra="forbid"`` and a schema version: a hand-edited or newer snapshot gives
one clear error instead of a wrong answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from advisor import __version__
from advisor.decision.result import Decision, ModelResult
from advisor.errors import InputError
from advisor.evidence.model import Evidence
from advisor.inputs.profiles import Constraints, Profile
from advisor.prices.sheet import ModelPrice

SNAPSHOT_KIND = "advisor-memo-snapshot"
#: The newest schema this advisor reads and writes. 2 adds the optional per-model ``evidence``
#: ("aggregates"), 3 the optional ``split`` (the rotation decided on); memos without either are still
#: written as 1, byte for byte as before.
SNAPSHOT_VERSION = 3
MARKER = "advisor-snapshot"
#: Samples with more input tokens than this are kept one by one (grouped by size) for tiered prices.
DETAIL_ABOVE_INPUT_TOKENS = 16_000

_MD_BLOCK = re.compile(rf"<!--\s*{MARKER}\b[^>]*-->\s*```json\n(.*?)\n```", re.DOTALL)
_HTML_BLOCK = re.compile(r'<script type="application/json" id="advisor-snapshot">(.*?)</script>', re.DOTALL)


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileHash(Frozen):
    path: str
    format: str
    sha256: str


class SheetRef(Frozen):
    as_of: dt.date
    source: str
    name: str
    sha256: str


class WorkspaceRef(Frozen):
    name: str
    config_sha256: str
    tasks_per_month: float
    batch: bool
    aliases: dict[str, str]
    candidates: tuple[str, ...] | None
    benchmarks: dict[str, dict[str, float]]


class CostInputs(Frozen):
    """What re-pricing one model on one task needs (token sums are over samples with tokens)."""

    token_samples: int
    input_tokens: float
    cached_input_tokens: float
    cache_write_tokens: float
    output_tokens: float
    max_input_tokens: float
    #: [input_tokens, samples, cached, cache_write, output] per distinct long prompt size.
    long: tuple[tuple[float, float, float, float, float], ...]
    recorded_fill_samples: int
    recorded_fill_usd: float
    recorded_samples: int
    recorded_usd: float


class TaskSnap(Frozen):
    n_items: int
    n_samples: int
    epochs: int
    mean: float
    se: float
    binary: bool
    cost_mean: float | None
    cost: CostInputs


class AccuracySnap(Frozen):
    mean: float
    se: float
    ci_low: float
    ci_high: float
    n: int


class PriceUsed(Frozen):
    how: str
    price: ModelPrice | None
    cost_source: str | None


class ModelSnap(Frozen):
    rank: int | None
    score: float
    breakdown: dict[str, float]
    utilities: dict[str, float]
    accuracy: AccuracySnap | None
    cost_per_task_usd: float | None
    cost_per_success_usd: float | None
    monthly_cost_usd: float | None
    latency_ms: dict[str, float] | None
    latency_samples: int
    gracefulness: float
    failures: dict[str, int]
    unsafe_rate: float
    n_samples: int
    pareto: bool
    excluded: str | None
    tokens: dict[str, float]
    price: PriceUsed
    tasks: dict[str, TaskSnap]
    break_even_price_multiplier: float | None = None
    #: "aggregates" for a model known only from per-task statistics; absent (None) for samples.
    evidence: Literal["aggregates"] | None = None


class AnchorSnap(Frozen):
    best: float
    worst: float
    scale: str
    from_data: bool


class Follows(Frozen):
    """A follow-up memo names the memo it revisits."""

    memo: str
    sha256: str
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
    profile_sha256: str
    profile: Profile
    weights: dict[str, float]
    constraints: Constraints
    task_weights: dict[str, float]
    tasks: tuple[str, ...]
    anchors: dict[str, AnchorSnap]
    pick: str | None
    models: dict[str, ModelSnap]
    warnings: tuple[str, ...]
    follows: Follows | None = None
    split: SplitSnap | None = None


# ------------------------------------------------------------------ hashing


def sha256_file(path: Path) -> str:
    """SHA-256 of a file; for a folder (a HELM run), of its files' relative paths and hashes."""
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f"{f.relative_to(path).as_posix()}\0{sha256_file(f)}\n".encode())
        return h.hexdigest()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def profile_sha256(profile: Profile) -> str:
    """Hash of the profile as used (weight overrides included), in canonical JSON."""
    return sha256_text(json.dumps(profile.model_dump(mode="json"), sort_keys=True, separators=(",", ":")))


# ------------------------------------------------------------------ building


def schema_version_for(models: dict[str, ModelSnap], split: SplitSnap | None = None) -> int:
    """1 unless a model rests on aggregates (2) or the decision used a split (3): older advisors say "upgrade"."""
    if split is not None:
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
        c: AnchorSnap(best=a.best, worst=a.worst, scale=a.scale, from_data=a.from_data)
        for c, a in decision.anchors.items()
    }


def dump(snapshot: Snapshot) -> str:
    """Stable JSON text, floats that round-trip; ``evidence: null`` is left out (schema-1 bytes kept)."""
    data = snapshot.model_dump(mode="json")
    if data.get("split") is None:
        data.pop("split", None)
    for model in data["models"].values():
        if model.get("evidence") is None:
            model.pop("evidence", None)
    return json.dumps(data, indent=1, ensure_ascii=False)


def embed_markdown(snapshot: Snapshot) -> str:
    return (
        f"<!-- {MARKER} v{snapshot.schema_version}: read by `advisor revisit`; "
        "editing it breaks the revisit -->\n"
        f"```json\n{dump(snapshot)}\n```\n"
    )


def embed_html(snapshot: Snapshot) -> str:
    text = dump(snapshot).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="advisor-snapshot">\n{text}\n</script>\n'


# ------------------------------------------------------------------ reading


def extract(text: str, where: str) -> str:
    """The snapshot JSON inside a Markdown or HTML memo."""
    for pattern in (_MD_BLOCK, _HTML_BLOCK):
        found = pattern.findall(text)
        if found:
            return str(found[-1])
    raise InputError(where, "no advisor snapshot found: is this a memo written by `advisor memo`?")


def parse(text: str, where: str) -> Snapshot:
    """Read a memo's snapshot; a clear InputError for damage, a newer version, or another schema."""
    raw = extract(text, where)
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            where,
            f"the snapshot is not valid JSON (line {exc.lineno} of the snapshot: {exc.msg}); "
            "was the memo edited? Regenerate it with `advisor memo`",
        ) from None
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise InputError(where, f"the snapshot is not an {SNAPSHOT_KIND} (its 'kind' is missing or wrong)")
    version = data.get("schema_version")
    if not isinstance(version, int):
        raise InputError(where, "the snapshot has no integer schema_version")
    if version > SNAPSHOT_VERSION:
        raise InputError(
            where,
            f"the snapshot was written by a newer advisor ({data.get('advisor_version', '?')}, "
            f"snapshot schema {version}); this advisor {__version__} reads schema {SNAPSHOT_VERSION}: "
            "upgrade advisor",
        )
    try:
        return Snapshot.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise InputError(where, f"the snapshot does not parse at {loc}: {msg}; was the memo edited?") from None


def read_memo(path: Path) -> tuple[Snapshot, str]:
    """The snapshot of a memo file and the memo's SHA-256."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "memo not found") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not a text file (a memo is Markdown or HTML)") from None
    return parse(text, str(path)), hashlib.sha256(data).hexdigest()

"""Priority profiles: what a user cares about, written down in TOML.

A profile holds the weights of the four criteria, hard constraints, which
latency percentile counts, the utility curves, the task mix and how severe
each failure kind is. Bundled profiles ship in the wheel; a path works too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from advisor.errors import InputError
from advisor.files import bundled
from advisor.files.tomlfile import load_model

CRITERIA: tuple[str, ...] = ("accuracy", "cost", "latency", "gracefulness")
LatencyMetric = Literal["p50", "p95", "p99"]

#: A silent wrong answer is the worst failure; an explicit refusal or error can be caught and retried.
DEFAULT_SEVERITY: dict[str, float] = {
    "wrong": 1.0,
    "unsafe": 1.0,
    "malformed": 0.4,
    "truncated": 0.4,
    "timeout": 0.3,
    "error": 0.2,
    "refusal": 0.2,
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Weights(Strict):
    accuracy: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    cost: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    latency: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    gracefulness: float = Field(default=0.0, ge=0, allow_inf_nan=False)

    def normalised(self) -> dict[str, float]:
        raw = self.model_dump()
        total = sum(raw.values())
        return {k: v / total for k, v in raw.items()}

    @model_validator(mode="after")
    def _not_all_zero(self) -> Weights:
        if sum(self.model_dump().values()) <= 0:
            raise ValueError("weights are all zero: give at least one criterion a positive weight")
        return self


#: What ``require = [...]`` can name: the price sheet's ``supports_<capability>`` flags.
Capability = Literal["function_calling", "response_schema", "vision", "prompt_caching", "reasoning"]


class Constraints(Strict):
    max_latency_ms: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    max_cost_per_task_usd: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    min_accuracy: float | None = Field(default=None, ge=0, le=1)
    max_unsafe_rate: float | None = Field(default=None, ge=0, le=1)
    #: Capabilities a model must have, per its price sheet entry (``supports_<name> = true``).
    require: tuple[Capability, ...] = ()
    #: Only models you run yourself (self-hosted, or marked ``local = true``).
    local_only: bool = False
    #: Providers (billing routes, as the sheet names them) you will not use.
    exclude_providers: tuple[str, ...] = ()
    #: The smallest context window (max input tokens) a model must have.
    min_context_tokens: int | None = Field(default=None, gt=0)
    #: Share of your eval's prompts that may exceed a model's window: more excludes it, fewer are flagged.
    max_prompts_over_context: float = Field(default=0.01, ge=0, le=1)


#: The constraints that bound each criterion: setting a criterion aside (``Profile.ignoring``) lifts them.
CRITERION_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "accuracy": ("min_accuracy",),
    "cost": ("max_cost_per_task_usd",),
    "latency": ("max_latency_ms",),
    "gracefulness": (),
}


class LatencyChoice(Strict):
    """``[latency]``: which latency counts — the percentile, of what, measured where, at what load."""

    metric: LatencyMetric = "p95"
    #: "samples": the eval files' per-sample latency; "probe": ``advisor probe`` results (latency under
    #: load); "auto": the probe's where a model has one, else its samples'.
    source: Literal["auto", "samples", "probe"] = "auto"
    #: End-to-end latency, or time to first token (what a streaming chat user waits for).
    of: Literal["e2e", "ttft"] = "e2e"
    #: The probe level to rank on (requests in flight); unset: the highest level the model was probed at.
    concurrency: int | None = Field(default=None, ge=1)
    #: Rank on a ``--rate`` run at this many requests/s instead of a concurrency level.
    rate: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _load_needs_probe(self) -> LatencyChoice:
        if self.source == "samples" and (self.concurrency is not None or self.rate is not None):
            raise ValueError('concurrency and rate choose a probe level; they need source = "probe" or "auto"')
        return self

    def label(self) -> str:
        """How renderers name the chosen latency: ``p95``, ``p95 TTFT``, ``p95 at c=16``…"""
        parts = [self.metric] + (["TTFT"] if self.of == "ttft" else [])
        if self.rate is not None:
            parts.append(f"at {self.rate:g} req/s")
        elif self.concurrency is not None:
            parts.append(f"at c={self.concurrency}")
        if self.source == "probe":
            parts.append("(probe)")
        return " ".join(parts)


class Curve(Strict):
    """Maps a raw metric to a utility in [0, 1]; unset anchors come from the data."""

    best: float | None = Field(default=None, allow_inf_nan=False)
    worst: float | None = Field(default=None, allow_inf_nan=False)
    scale: Literal["linear", "log"] | None = None


class Utility(Strict):
    accuracy: Curve = Curve()
    cost: Curve = Curve()
    latency: Curve = Curve()
    gracefulness: Curve = Curve()


class Severity(Strict):
    wrong: float = Field(default=DEFAULT_SEVERITY["wrong"], ge=0, le=1)
    refusal: float = Field(default=DEFAULT_SEVERITY["refusal"], ge=0, le=1)
    malformed: float = Field(default=DEFAULT_SEVERITY["malformed"], ge=0, le=1)
    error: float = Field(default=DEFAULT_SEVERITY["error"], ge=0, le=1)
    timeout: float = Field(default=DEFAULT_SEVERITY["timeout"], ge=0, le=1)
    truncated: float = Field(default=DEFAULT_SEVERITY["truncated"], ge=0, le=1)
    unsafe: float = Field(default=DEFAULT_SEVERITY["unsafe"], ge=0, le=1)


class Statistics(Strict):
    """How the evidence is weighed: the smallest accuracy difference worth detecting (a fraction, 0.05 = 5 points).

    "Items needed" beside a "no clear difference" is the count that would detect a true gap of
    this size with 80% power; the observed gap is noise when there is no clear difference.
    """

    smallest_difference: float = Field(default=0.05, gt=0, le=1)


class Profile(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    weights: Weights
    constraints: Constraints = Constraints()
    latency: LatencyChoice = LatencyChoice()
    utility: Utility = Utility()
    tasks: dict[str, float] = Field(default_factory=dict)
    severity: Severity = Severity()
    statistics: Statistics = Statistics()

    @model_validator(mode="after")
    def _task_weights(self) -> Profile:
        for task, w in self.tasks.items():
            if not (w >= 0) or w == float("inf"):
                raise ValueError(f"task weight for {task!r} must be a non-negative number")
        if self.tasks and sum(self.tasks.values()) <= 0:
            raise ValueError("task weights are all zero")
        return self

    #: The profile as its file wrote it, when this one was edited from it (``with_weights``,
    #: ``with_constraints``, ``ignoring``); None when this is the profile as written.
    _written: Profile | None = PrivateAttr(default=None)

    @property
    def as_written(self) -> Profile:
        """The profile before any edit made here (the one whose description and rationale apply)."""
        return self._written or self

    def _edited(self, **update: object) -> Profile:
        new = self.model_copy(update=update)
        new._written = self.as_written
        return new

    def with_weights(self, **weights: float) -> Profile:
        """These weights replace the profile's; criteria not named keep theirs."""
        merged = {**self.weights.model_dump(), **weights}
        try:
            new = Weights(**merged)
        except ValidationError as exc:
            raise InputError("--weights", exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
        return self._edited(weights=new)

    def with_constraints(self, **values: object) -> Profile:
        """These constraints replace the profile's (None lifts one); the others stay."""
        unknown = [k for k in values if k not in Constraints.model_fields]
        if unknown:
            known = ", ".join(Constraints.model_fields)
            raise InputError("--constraint", f"unknown constraint {unknown[0]!r} (constraints: {known})")
        try:
            new = Constraints.model_validate({**self.constraints.model_dump(), **values})
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"])
            raise InputError("--constraint", f"{where}: {err['msg'].removeprefix('Value error, ')}") from None
        return self._edited(constraints=new)

    def ignoring(self, criteria: Iterable[str]) -> Profile:
        """The profile with these criteria set aside: weight 0 and their constraints lifted.

        This is the way out when some models lack a criterion's data (say, results
        with no latency): they are no longer excluded for it, and it no longer counts.
        """
        names = list(dict.fromkeys(criteria))
        unknown = [c for c in names if c not in CRITERIA]
        if unknown:
            raise InputError("--ignore", f"unknown criterion {unknown[0]!r} (criteria: {', '.join(CRITERIA)})")
        if not names:
            return self
        weights = {**self.weights.model_dump(), **dict.fromkeys(names, 0.0)}
        if sum(weights.values()) <= 0:
            raise InputError("--ignore", f"ignoring {', '.join(names)} leaves no criterion with a weight")
        lifted = {k: None for c in names for k in CRITERION_CONSTRAINTS[c]}
        constraints = Constraints.model_validate({**self.constraints.model_dump(), **lifted})
        return self._edited(weights=Weights(**weights), constraints=constraints)

    def uses(self, criterion: str) -> bool:
        """Does the criterion count, by its weight or by a constraint on it?"""
        limits = self.constraints.model_dump()
        return self.weights.model_dump()[criterion] > 0 or any(
            limits[k] is not None for k in CRITERION_CONSTRAINTS[criterion]
        )


def bundled_profile_paths() -> dict[str, Path]:
    return {p.stem: p for p in sorted(bundled.path("profiles").glob("*.toml"))}


def load_profile_file(path: Path) -> Profile:
    return load_model(path, Profile)


def load_profile(ref: str | Path, *, relative_to: Path | None = None) -> Profile:
    """A bundled profile by name, or a TOML file by path."""
    ref_str = str(ref)
    looks_like_path = ref_str.endswith(".toml") or "/" in ref_str or "\\" in ref_str
    if looks_like_path:
        path = Path(ref_str)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        return load_profile_file(path)
    found = bundled_profile_paths().get(ref_str)
    if found is None:
        names = ", ".join(bundled_profile_paths()) or "none"
        raise InputError(None, f"unknown profile {ref_str!r} (bundled profiles: {names}; or give a .toml path)")
    return load_profile_file(found)


def parse_weights(text: str) -> dict[str, float]:
    """``accuracy=5,cost=3`` → {"accuracy": 5.0, "cost": 3.0}; raises InputError."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in CRITERIA:
            raise InputError(
                "--weights", f"expected criterion=number with criterion in {', '.join(CRITERIA)}, got {part!r}"
            )
        try:
            number = float(value)
        except ValueError:
            raise InputError("--weights", f"{key} weight {value.strip()!r} is not a number") from None
        if not (number >= 0) or number == float("inf"):
            raise InputError("--weights", f"{key} weight must be a non-negative number, got {value.strip()!r}")
        out[key] = number
    if not out:
        raise InputError("--weights", "no weights given")
    return out


def parse_constraints(text: str) -> dict[str, object]:
    """``max_latency_ms=none,min_accuracy=0.8`` → {"max_latency_ms": None, "min_accuracy": 0.8}.

    ``none`` lifts a constraint; other values are JSON (numbers, true/false, lists) or else
    plain strings, checked against the constraint's type by ``Profile.with_constraints``.
    """
    out: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in _top_level_split(text))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise InputError("--constraint", f"expected name=value (value none lifts it), got {part!r}")
        if value.lower() in ("none", "null", "off", ""):
            out[key] = None
            continue
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    if not out:
        raise InputError("--constraint", "no constraint given")
    return out


def _top_level_split(text: str) -> list[str]:
    """Split on commas outside brackets, so ``require=["a","b"],min_accuracy=0.8`` is two parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "[{"
        depth -= ch in "]}"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]

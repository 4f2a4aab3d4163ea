"""The TUI's session: what was loaded, what the user changed, the latest decision.

Why it exists: the screens need one place that holds the slow part (the
workspace's ``Inputs``, loaded once), the user's edits (profile, weights,
constraints, price sheet) and the fast part (the ``Decision``, recomputed from
the cached inputs on every edit). It calls the engine only and imports no
Textual, so it can be tested on its own and the app stays a thin router.
"""

from __future__ import annotations

import dataclasses
import traceback
from dataclasses import dataclass
from pathlib import Path

from advisor.decision.decide import Inputs, decide, load_inputs, with_part
from advisor.decision.result import Decision
from advisor.errors import InputError
from advisor.evidence.gather import gather
from advisor.files import bundled
from advisor.inputs.profiles import Constraints, Profile, bundled_profile_paths, load_profile, load_profile_file
from advisor.prices.history import list_snapshots
from advisor.prices.select import open_sheet
from advisor.split.assign import Part


@dataclass(frozen=True)
class LoadProblem:
    """Why a workspace could not be loaded: where (file and place) and what."""

    where: str | None
    message: str
    detail: str = ""

    def line(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def load(folder: Path, profile: str | None, prices: str | None, part: str | None = None) -> Inputs | LoadProblem:
    """Load a workspace; bad input becomes a LoadProblem, never a traceback."""
    try:
        inputs = load_inputs(folder, profile=profile, prices=prices, part=part)
        if inputs.split is not None:
            decide(inputs)  # the split's check (both parts gathered, items resampled) is kept: compute it off the UI
        return inputs
    except InputError as exc:
        return LoadProblem(exc.where, exc.message)
    except Exception as exc:  # the TUI must open whatever is wrong; show the cause in place
        return LoadProblem(None, f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=4))


def reprice(inputs: Inputs, sheet_ref: str) -> Inputs:
    """The same samples priced on another sheet (re-aggregated from the cached table)."""
    cfg = inputs.workspace.config
    sheet, path = open_sheet(sheet_ref, relative_to=inputs.workspace.root)
    evidence = gather(inputs.evidence.table, sheet, cfg.aliases, batch=cfg.batch, candidates=cfg.candidates)
    return dataclasses.replace(inputs, sheet=sheet, sheet_path=path, evidence=evidence)


@dataclass(frozen=True)
class ProfileOption:
    ref: str
    name: str
    description: str
    origin: str


def profile_options(inputs: Inputs | None, user_dir: Path | None) -> list[ProfileOption]:
    """Bundled profiles, the workspace's own, and the user's (``<config>/profiles/*.toml``)."""
    found: list[ProfileOption] = []
    paths: list[tuple[str, Path, str]] = [(n, p, "bundled") for n, p in bundled_profile_paths().items()]
    if inputs is not None:
        ref = inputs.workspace.config.profile
        if ref.endswith(".toml") or "/" in ref:
            paths.append((str(inputs.workspace.root / ref), inputs.workspace.root / ref, "workspace"))
    if user_dir is not None and user_dir.is_dir():
        paths.extend((str(p), p, "yours") for p in sorted(user_dir.glob("*.toml")))
    for ref, path, origin in paths:
        try:
            prof = load_profile_file(path)
        except InputError as exc:
            found.append(ProfileOption(ref, path.stem, f"cannot be read: {exc.message}", origin))
            continue
        found.append(ProfileOption(ref, prof.name, prof.description, origin))
    return found


@dataclass(frozen=True)
class SheetOption:
    ref: str
    label: str
    origin: str


def sheet_options(inputs: Inputs | None) -> list[SheetOption]:
    """Every sheet the user can switch to: dated snapshots (bundled and pulled) and the workspace's."""
    out: list[SheetOption] = []
    try:
        for snap in sorted(list_snapshots(), reverse=True):
            out.append(SheetOption(str(snap.path), f"{snap.as_of} {snap.label}", snap.origin))
    except (OSError, InputError):  # the data folder is unreadable: offer the bundled sheets
        for path in sorted(bundled.path("pricing").glob("*.toml"), reverse=True):
            out.append(SheetOption(str(path), path.stem, "bundled"))
    if inputs is not None and all(Path(o.ref) != inputs.sheet_path for o in out):
        out.insert(0, SheetOption(str(inputs.sheet_path), inputs.sheet_path.stem, "workspace"))
    return out


@dataclass
class Session:
    """The state behind the TUI. Mutated only on the UI thread."""

    folder: Path
    profile_ref: str | None = None
    prices_ref: str | None = None
    inputs: Inputs | None = None
    problem: LoadProblem | None = None
    base_profile: Profile | None = None
    profile: Profile | None = None
    decision: Decision | None = None
    #: Bumped on every decision, so background results for an old one can be dropped.
    generation: int = 0
    #: Weights from ``--weights``, applied over the profile on the first load only.
    initial_weights: dict[str, float] | None = None
    #: The part of the split to rank on (``--on``; None: the holdout when there is a split).
    part_ref: str | None = None

    def adopt(self, loaded: Inputs | LoadProblem) -> None:
        """Take the result of ``load``: keep edits to weights/constraints only if the profile is the same."""
        if isinstance(loaded, LoadProblem):
            self.inputs, self.problem, self.decision = None, loaded, None
            self.generation += 1
            return
        self.inputs, self.problem = loaded, None
        if self.profile is None or self.base_profile is None or self.base_profile.name != loaded.profile.name:
            self.profile = loaded.profile
        self.base_profile = loaded.profile
        if self.initial_weights:
            self.profile = self.profile.with_weights(**self.initial_weights)
            self.initial_weights = None
        self.rerank()

    def rerank(self) -> Decision | None:
        if self.inputs is None or self.profile is None:
            return None
        self.decision = decide(self.inputs, profile=self.profile)
        self.generation += 1
        return self.decision

    def set_weight(self, criterion: str, value: float) -> None:
        assert self.profile is not None
        current = self.profile.weights.model_dump()
        current[criterion] = value
        if sum(current.values()) <= 0:
            raise InputError("weights", "at least one weight must be above zero")
        self.profile = self.profile.with_weights(**{criterion: value})

    def set_constraint(self, name: str, value: float | None) -> None:
        assert self.profile is not None
        data = {**self.profile.constraints.model_dump(), name: value}
        self.profile = self.profile.model_copy(update={"constraints": Constraints.model_validate(data)})

    def choose_profile(self, ref: str) -> None:
        self.profile_ref = ref
        self.base_profile = self.profile = load_profile(ref)

    def reset(self) -> None:
        """Back to the chosen profile's own weights and constraints."""
        self.profile = self.base_profile

    def next_part(self) -> str | None:
        """Rank on the next part of the split (holdout → dev → all); None when the workspace has no split."""
        if self.inputs is None or self.inputs.split is None:
            return None
        order: tuple[Part, ...] = ("holdout", "dev", "all")
        part = order[(order.index(self.inputs.split.part) + 1) % len(order)]
        self.inputs = with_part(self.inputs, part)
        self.part_ref = part
        return self.inputs.split.describe() if self.inputs.split else None

    def choose_sheet(self, ref: str) -> None:
        assert self.inputs is not None
        self.inputs = reprice(self.inputs, ref)
        self.prices_ref = ref

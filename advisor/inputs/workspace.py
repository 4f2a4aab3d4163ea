"""A decision's inputs: ``advisor.toml`` in a folder.

The workspace names the eval result files (globs), the price sheet, the
profile, the monthly volume, optional candidates and aliases, and public
benchmark scores to set beside the private ranking. Paths are relative to the
workspace folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import re2
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from advisor.errors import InputError
from advisor.files.tomlfile import load_model

WORKSPACE_FILE = "advisor.toml"


FailureKind = Literal["wrong", "refusal", "malformed", "error", "timeout", "truncated", "unsafe"]


class FailureRule(BaseModel):
    """``[[failure_rules]]``: a regex on the model's output or an error message, and the kind it marks.

    Rules refine failed samples (first matching rule wins); with
    ``also_passing = true`` a match also fails a passing sample (say, unsafe
    content in an answer the grader accepted). Patterns run on RE2, whose time
    is linear in the text: a pattern such as ``(a+)+$`` cannot hang advisor on
    a long response. RE2 has no backreferences or lookaround; such a pattern
    is refused when the workspace is read.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str = Field(min_length=1)
    kind: FailureKind
    #: Which text the pattern is searched in.
    on: Literal["response", "error", "either"] = "response"
    name: str = ""
    ignore_case: bool = True
    also_passing: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        compile_pattern(value, ignore_case=True)
        return value

    def compiled(self) -> Any:
        """The pattern compiled for RE2 (search it in UTF-8 bytes)."""
        return compile_pattern(self.pattern, ignore_case=self.ignore_case)

    def label(self) -> str:
        return self.name or f"{self.on} ~ /{self.pattern}/ -> {self.kind}"


def compile_pattern(pattern: str, *, ignore_case: bool) -> Any:
    """A failure-rule pattern compiled by RE2 (linear time); ValueError with RE2's reason if it cannot be."""
    options = re2.Options()
    options.log_errors = False  # the reason goes into our one-line error, not onto stderr
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(
            f"not a regular expression advisor can run ({reason}); failure rules use RE2 syntax: "
            "no backreferences or lookaround"
        ) from None


#: A rotation label: letters, digits, ``.``, ``_``, ``-`` (``2026-Q4``): safe in TOML, a memo and a file name.
ROTATION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class SplitConfig(BaseModel):
    """``[split]``: the private holdout (``advisor split``), kept apart from the items a team tunes on.

    Each item (task, sample_id) is in ``dev`` or ``holdout`` by a keyed hash of
    the workspace secret (``.advisor/secret``), ``rotation`` and the item; see docs/split.md.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Share of the items held out, in (0, 1).
    holdout: float = Field(gt=0, lt=1, allow_inf_nan=False)
    rotation: str = Field(pattern=ROTATION_PATTERN)
    #: Earlier rotations, oldest first: their holdouts have been exposed and are no longer private.
    retired: tuple[Annotated[str, Field(pattern=ROTATION_PATTERN)], ...] = ()

    @model_validator(mode="after")
    def _rotations_distinct(self) -> SplitConfig:
        if self.rotation in self.retired:
            raise ValueError(f"rotation {self.rotation!r} is also listed as retired")
        if len(set(self.retired)) != len(self.retired):
            raise ValueError("a retired rotation is listed twice")
        return self


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Shown in tables and memos; the folder's name when left out.
    name: str | None = Field(default=None, min_length=1)
    description: str = ""
    results: tuple[str, ...] = Field(min_length=1)
    prices: str = "bundled"
    profile: str = "balanced"
    tasks_per_month: float = Field(default=0, ge=0, allow_inf_nan=False)
    #: Price requests at the batch-API discount where the sheet has one.
    batch: bool = False
    candidates: tuple[str, ...] | None = None
    aliases: dict[str, str] = Field(default_factory=dict)
    #: ``[[models]]``: your own models (self-hosted, local, negotiated prices) laid over the sheet.
    #: Same shape as a price sheet's entries; validated by ``advisor.prices.own``.
    models: tuple[dict[str, Any], ...] = ()
    benchmarks: dict[str, dict[str, float]] = Field(default_factory=dict)
    #: Reclassify failures by regex (see FailureRule).
    failure_rules: tuple[FailureRule, ...] = ()
    #: Force one importer for every results file instead of detecting it (as ``--format`` does).
    format: str | None = None
    #: Keyword options per importer, e.g. ``[importers.inspect] scorer = "match"``; a table gives one value
    #: per task (``[importers.lm_eval] metric = { gsm8k = "exact_match,flexible-extract" }``).
    importers: dict[str, dict[str, str | dict[str, str]]] = Field(default_factory=dict)
    #: ``advisor probe`` results (latency under load) read with the results; none matching is fine.
    probes: tuple[str, ...] = ("probes/*.jsonl",)
    #: The dev/holdout split (``advisor split``); None: every item counts, no holdout.
    split: SplitConfig | None = None


@dataclass(frozen=True)
class Workspace:
    root: Path
    config_path: Path
    config: WorkspaceConfig

    @property
    def name(self) -> str:
        """The workspace's name, or its folder's when advisor.toml gives none."""
        return self.config.name or self.root.resolve().name or str(self.root)

    def result_files(self) -> list[Path]:
        """Every file the ``results`` globs match, in a stable order; a glob matching nothing is an error."""
        files: list[Path] = []
        seen: set[Path] = set()
        for pattern in self.config.results:
            p = Path(pattern)
            if p.is_absolute():
                matched = sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            else:
                matched = sorted(self.root.glob(pattern))
            matched = [m for m in matched if m.is_file() or _is_run_folder(m) or _is_parquet_folder(m)]
            if not matched:
                raise InputError(f"{self.config_path} [results]", f"{pattern!r} matches no files")
            files.extend(m for m in matched if m not in seen)
            seen.update(matched)  # a set: thousands of matches stay linear
        return files

    def probe_files(self) -> list[Path]:
        """Files the ``probes`` globs match (``advisor probe`` writes into ``probes/``), in a stable order."""
        files: list[Path] = []
        for pattern in self.config.probes:
            for m in sorted(self.root.glob(pattern)):
                if m.is_file() and m not in files:
                    files.append(m)
        return files


def _is_parquet_folder(path: Path) -> bool:
    """A folder of Parquet files (a lake, maybe hive-partitioned), read as one result."""
    return path.is_dir() and next(path.rglob("*.parquet"), None) is not None


def _is_run_folder(path: Path) -> bool:
    """A folder that is itself one result (a HELM run folder), or a HELM suite folder of such runs."""
    if not path.is_dir():
        return False
    if (path / "run_spec.json").is_file():
        return True
    return any((p / "run_spec.json").is_file() for p in path.iterdir() if p.is_dir())


def load_workspace(folder: Path) -> Workspace:
    folder = Path(folder)
    if not folder.exists():
        raise InputError(folder, "workspace not found (give a folder with an advisor.toml)")
    config_path = folder / WORKSPACE_FILE if folder.is_dir() else folder
    if folder.is_dir() and not config_path.is_file():
        raise InputError(folder, f"no {WORKSPACE_FILE} in this folder")
    config = load_model(config_path, WorkspaceConfig)
    return Workspace(root=config_path.parent, config_path=config_path, config=config)

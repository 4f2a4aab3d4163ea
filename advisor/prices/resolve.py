"""Match the model names eval tools write to price sheet entries.

Eval tools spell one model many ways (``openai/gpt-4o``,
``gpt-4o-2024-08-06``, ``anthropic/claude-3-5-sonnet-20241022``). The order is
fixed and documented: exact id, the workspace's ``[aliases]``, the sheet's
aliases, then normalisation (drop provider prefixes, then a date suffix).
A name that reaches several entries at the same step is an error listing them;
a name that reaches none is unpriced, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.prices.sheet import ModelPrice, PriceSheet

_DATE_SUFFIX = re.compile(r"[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})(?:-v\d+(?::\d+)?)?$")


class AmbiguousModel(Exception):
    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(f"model {name!r} matches several price entries: {', '.join(candidates)}")


@dataclass(frozen=True)
class Resolution:
    """How a name was priced: the entry (or None) and the step that found it."""

    name: str
    price: ModelPrice | None
    how: str

    @property
    def priced(self) -> bool:
        return self.price is not None


def normalised_forms(name: str) -> list[str]:
    """Shorter spellings of a name, most specific first."""
    forms: list[str] = []
    parts = name.split("/")
    for i in range(1, len(parts)):
        forms.append("/".join(parts[i:]))
    base = parts[-1]
    for cand in [name, *forms]:
        stripped = _DATE_SUFFIX.sub("", cand)
        if stripped != cand:
            forms.append(stripped)
    if ":" in base:  # OpenRouter variants such as ":free", bedrock ":0"
        forms.append(base.split(":", 1)[0])
    seen: list[str] = []
    for f in forms:
        if f and f != name and f not in seen:
            seen.append(f)
    return seen


def resolve(name: str, sheet: PriceSheet, aliases: Mapping[str, str] | None = None) -> Resolution:
    """Find the price entry for an eval model name; raises AmbiguousModel."""
    exact = sheet.get(name)
    if exact is not None:
        return Resolution(name, exact, "exact id")
    if aliases and name in aliases:
        target = aliases[name]
        hit = sheet.get(target)
        if hit is None:
            return Resolution(name, None, f"workspace alias points to {target!r}, which the sheet lacks")
        return Resolution(name, hit, f"workspace alias → {target}")
    by_alias = [m for m in sheet.models if name in m.aliases]
    if len(by_alias) > 1:
        raise AmbiguousModel(name, [m.id for m in by_alias])
    if by_alias:
        return Resolution(name, by_alias[0], "sheet alias")
    for form in normalised_forms(name):
        hits = [m for m in sheet.models if m.id == form or form in m.aliases]
        if not hits:
            hits = [m for m in sheet.models if m.id.split("/")[-1] == form]
        if len(hits) > 1:
            raise AmbiguousModel(name, [m.id for m in hits])
        if hits:
            return Resolution(name, hits[0], f"normalised to {form}")
    return Resolution(name, None, "no entry in the price sheet")

"""Match the model names eval tools write to price sheet entries.

Eval tools spell one model many ways (``openai/gpt-4o``,
``gpt-4o-2024-08-06``, ``anthropic/claude-3-5-sonnet-20241022``,
``bedrock/us.anthropic.claude-…-v1:0``). The order is fixed and documented
(docs/prices.md):

1. the exact sheet id;
2. the workspace's ``[aliases]``;
3. the sheet's aliases;
4. normalised spellings, most specific first: lower case, then each shorter
   ``/`` suffix (route and provider prefixes dropped), then a vendor prefix
   with a dot (``us.anthropic.``, ``anthropic.``), then a version suffix
   (``-v1:0``, ``:0``), then a date suffix (``-2024-08-06``, ``-20241022``,
   ``@20241022``, ``-0613``), then an OpenRouter ``:variant``. Each spelling is
   looked up as an id or alias, and failing that as the last ``/`` segment of
   an id.

A name that reaches several entries at one step is an error listing them and
the ``[aliases]`` line that settles it; a name that reaches none is unpriced,
with the reason. The lookups go through an index built once per sheet, so
resolving a name costs the same on a 20-model sheet and a 4,000-model one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.prices.sheet import ModelPrice, PriceSheet

_DATE_SUFFIX = re.compile(r"[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$")
_VERSION_SUFFIX = re.compile(r"(?:-v\d+(?::\d+)?|:\d+)$")
_VENDOR_DOT = re.compile(r"^(?:(?:us|eu|apac|au|jp|global|us-gov)\.)?[a-z0-9_-]+\.(?=[a-z])")
_INDEX_KEY = "_resolve_index"


class AmbiguousModel(Exception):
    """A name that matches several price entries at the same step."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        hint = f"[aliases] {json.dumps(name)} = {json.dumps(candidates[0])}" if candidates else ""
        super().__init__(
            f"model {name!r} matches several price entries: {', '.join(candidates)}; "
            f"choose one in the workspace's advisor.toml, e.g. {hint}"
        )


@dataclass(frozen=True)
class Resolution:
    """How a name was priced: the entry (or None) and the step that found it."""

    name: str
    price: ModelPrice | None
    how: str

    @property
    def priced(self) -> bool:
        return self.price is not None


@dataclass(frozen=True)
class _Index:
    by_alias: dict[str, list[ModelPrice]]
    by_tail: dict[str, list[ModelPrice]]


def _index(sheet: PriceSheet) -> _Index:
    cached = sheet.__dict__.get(_INDEX_KEY)
    if isinstance(cached, _Index):
        return cached
    by_alias: dict[str, list[ModelPrice]] = {}
    by_tail: dict[str, list[ModelPrice]] = {}
    for m in sheet.models:
        for a in m.aliases:
            by_alias.setdefault(a, []).append(m)
        if "/" in m.id:
            by_tail.setdefault(m.id.rsplit("/", 1)[1], []).append(m)
    idx = _Index(by_alias, by_tail)
    object.__setattr__(sheet, _INDEX_KEY, idx)  # same per-instance cache as PriceSheet._by_id
    return idx


def normalised_forms(name: str) -> list[str]:
    """Shorter spellings of a name, most specific first (the order documented above)."""
    forms: list[str] = []

    def add(form: str) -> None:
        if form and form != name and form not in forms:
            forms.append(form)

    lowered = name.lower()
    add(lowered)
    parts = lowered.split("/")
    for i in range(1, len(parts)):
        add("/".join(parts[i:]))
    for step in (_VENDOR_DOT, _VERSION_SUFFIX, _DATE_SUFFIX):
        for form in [lowered, *forms]:
            add(step.sub("", form))
    for form in [lowered, *forms]:
        tail = form.rsplit("/", 1)[-1]
        if ":" in tail:  # OpenRouter variants such as ":thinking"
            add(form.split(":", 1)[0])
    return forms


def _distinct(models: list[ModelPrice]) -> list[ModelPrice]:
    seen: dict[str, ModelPrice] = {}
    for m in models:
        seen.setdefault(m.id, m)
    return list(seen.values())


def resolve(name: str, sheet: PriceSheet, aliases: Mapping[str, str] | None = None) -> Resolution:
    """Find the price entry for an eval model name; raises AmbiguousModel."""
    exact = sheet.get(name)
    if exact is not None:
        return Resolution(name, exact, "exact id")
    if aliases and name in aliases:
        target = aliases[name]
        hit = sheet.get(target)
        if hit is None:
            via = _index(sheet).by_alias.get(target, [])
            if len(via) == 1:
                return Resolution(name, via[0], f"workspace alias → {target} (sheet alias of {via[0].id})")
            return Resolution(name, None, f"workspace alias points to {target!r}, which the sheet lacks")
        return Resolution(name, hit, f"workspace alias → {target}")
    idx = _index(sheet)
    by_alias = _distinct(idx.by_alias.get(name, []))
    if len(by_alias) > 1:
        raise AmbiguousModel(name, [m.id for m in by_alias])
    if by_alias:
        return Resolution(name, by_alias[0], "sheet alias")
    for form in [name, *normalised_forms(name)]:
        found = sheet.get(form)
        hits = [found] if found is not None else _distinct(idx.by_alias.get(form, []))
        how = f"normalised to {form}"
        if not hits:
            hits = _distinct(idx.by_tail.get(form, []))
            how = f"{form} as the model part of a routed id"
        if len(hits) > 1:
            raise AmbiguousModel(name, sorted(m.id for m in hits))
        if hits:
            return Resolution(name, hits[0], how)
    return Resolution(name, None, "no entry in the price sheet")

"""Match the model names eval tools write to price sheet entries.

Eval tools spell one model many ways (``openai/gpt-4o``,
``openai:chat:gpt-4o``, ``gpt-4o-2024-08-06``,
``bedrock/us.anthropic.claude-…-v1:0``, ``meta-llama/Llama-3.3-70B-Instruct``).
The order is fixed and documented (docs/prices.md):

1. the exact sheet id;
2. the workspace's ``[aliases]``;
3. the sheet's aliases;
4. the eval tool's own syntax read as a billing route (``advisor.prices.eval_ids``):
   promptfoo's ``provider:kind:model``, Inspect's ``provider/model``, lm-eval's
   ``pretrained=``, HELM's ``org_model``. An id that runs on your own machine
   (Ollama, vLLM, a local path) matches only your own local or self-hosted
   entries; a cloud deployment name (Azure) only an entry of that name;
5. normalised spellings, most specific first: lower case, then each shorter
   ``/`` suffix (route and provider prefixes dropped), then a vendor prefix
   with a dot (``us.anthropic.``, ``anthropic.``), then a version suffix
   (``-v1:0``, ``:0``), then a date suffix (``-2024-08-06``, ``-20241022``,
   ``@20241022``, ``-0613``), then an OpenRouter ``:variant``.

Each spelling in steps 4–5 is looked up, case-insensitively, as an id or
alias, and failing that both as the open weights an entry serves
(``hugging_face_id``) and as the trailing ``/`` segments of an id
(``meta-llama/llama-3.3-70b-instruct`` finds
``deepinfra/meta-llama/Llama-3.3-70B-Instruct``): an open-weight model served
by several hosts is ambiguous, since which host is the user's choice.

A name that reaches several entries at one step is an error listing them and
the ``[aliases]`` line that settles it; a name that reaches none is unpriced,
with the reason. The lookups are built once per sheet (or read from a big
sheet's index), and only those a name needs, so resolving costs about the
same on a 20-model sheet and a 4,000-model one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.prices.eval_ids import EvalId, read_eval_id, same_route
from advisor.prices.sheet import ModelPrice, PriceSheet

_DATE_SUFFIX = re.compile(r"[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$")
_VERSION_SUFFIX = re.compile(r"(?:-v\d+(?::\d+)?|:\d+)$")
_VENDOR_DOT = re.compile(r"^(?:(?:us|eu|apac|au|jp|global|us-gov)\.)?[a-z0-9_-]+\.(?=[a-z])")
_SHOWN = 8


class AmbiguousModel(Exception):
    """A name that matches several price entries at the same step."""

    def __init__(self, name: str, candidates: list[str], *, open_weights: bool = False) -> None:
        self.name = name
        self.candidates = candidates
        hint = f"[aliases] {json.dumps(name)} = {json.dumps(candidates[0])}" if candidates else ""
        shown = ", ".join(candidates[:_SHOWN])
        if len(candidates) > _SHOWN:
            shown += f" and {len(candidates) - _SHOWN} more (advisor prices list {json.dumps(name)})"
        mine = (
            "; if you run it yourself, add it to the workspace as a [[models]] entry with a "
            "[models.self_hosted] table or local = true (docs/prices.md)"
            if open_weights
            else ""
        )
        super().__init__(
            f"model {name!r} matches several price entries: {shown}; "
            f"choose one in the workspace's advisor.toml, e.g. {hint}{mine}"
        )


@dataclass(frozen=True)
class Resolution:
    """How a name was priced: the entry (or None) and the step that found it."""

    name: str
    price: ModelPrice | None
    how: str
    #: For a model you run yourself: how its cost is made ("self-hosted: $4.98/h ÷ 1,800 tok/s …").
    cost_model: str | None = None

    @property
    def priced(self) -> bool:
        return self.price is not None


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


def _lookup(sheet: PriceSheet, form: str) -> tuple[list[str], str]:
    """Ids one spelling reaches: as an id or alias; else as open weights or trailing path segments (together:
    an open-weight model is served by several hosts, and choosing one is the user's call)."""
    if sheet.get(form) is not None:
        return [form], f"normalised to {form}"
    key = form.lower()
    hits = list(dict.fromkeys(sheet.lookup("name").get(key, ())))
    if hits:
        return hits, f"normalised to {form}"
    weights = sheet.lookup("weights").get(key, [])
    hits = list(dict.fromkeys([*weights, *sheet.lookup("suffix").get(key, ())]))
    if weights and len(hits) == 1:
        return hits, f"{form} as the open weights an entry serves"
    return hits, f"{form} as the model part of a routed id"


def _entry(sheet: PriceSheet, model_id: str) -> ModelPrice:
    found = sheet.get(model_id)
    assert found is not None, model_id  # the lookups come from this sheet
    return found


def _own_machine(name: str, sheet: PriceSheet, ev: EvalId) -> Resolution:
    """A local or deployment id: only your own (local/self-hosted) or same-named entries price it."""
    forms = [*ev.routes, ev.model, *normalised_forms(ev.model)] if ev.kind == "local" else list(ev.routes)
    for form in dict.fromkeys(forms):
        hits, how = _lookup(sheet, form)
        if ev.kind == "local":
            hits = [h for h in hits if _entry(sheet, h).on_premises]
        if len(hits) > 1:
            raise AmbiguousModel(name, sorted(hits))
        if hits:
            return Resolution(name, _entry(sheet, hits[0]), f"{how} ({ev.runtime})")
    if ev.kind == "local":
        why = (
            f"runs on your own machine ({ev.runtime}), so no public price applies: add a [[models]] entry "
            f"to advisor.toml with id = {json.dumps(name)} and local = true (free) or a [models.self_hosted] "
            "table (GPU cost)"
        )
    else:
        why = (
            f"{ev.runtime} name says nothing about the model behind it: add "
            f'[aliases] {json.dumps(name)} = "<the model\'s sheet id, e.g. azure/gpt-4o>" to advisor.toml'
        )
    return Resolution(name, None, why)


def resolve(name: str, sheet: PriceSheet, aliases: Mapping[str, str] | None = None) -> Resolution:
    """Find the price entry for an eval model name; raises AmbiguousModel."""
    exact = sheet.get(name)
    if exact is not None:
        return Resolution(name, exact, "exact id")
    if aliases and name in aliases:
        target = aliases[name]
        hit = sheet.get(target)
        if hit is None:
            via = list(dict.fromkeys(sheet.lookup("alias").get(target, ())))
            if len(via) == 1:
                return Resolution(name, _entry(sheet, via[0]), f"workspace alias → {target} (sheet alias of {via[0]})")
            return Resolution(name, None, f"workspace alias points to {target!r}, which the sheet lacks")
        return Resolution(name, hit, f"workspace alias → {target}")
    by_alias = list(dict.fromkeys(sheet.lookup("alias").get(name, ())))
    if len(by_alias) > 1:
        raise AmbiguousModel(name, by_alias)
    if by_alias:
        return Resolution(name, _entry(sheet, by_alias[0]), "sheet alias")
    ev = read_eval_id(name)
    if ev.kind == "not a model":
        return Resolution(name, None, f"not a model a price sheet can know: {ev.runtime}")
    if ev.kind in ("local", "deployment"):
        return _own_machine(name, sheet, ev)
    routes = dict.fromkeys(ev.routes)
    forms = [*routes, ev.model, *normalised_forms(ev.model), name, *normalised_forms(name)]
    elsewhere: list[str] = []
    for form in dict.fromkeys(forms):
        hits, how = _lookup(sheet, form)
        if ev.provider is not None and hits:  # the id names a route: another route's price is not its price
            ours = [h for h in hits if same_route(ev.provider, _entry(sheet, h).provider)]
            elsewhere.extend(h for h in hits if h not in ours and h not in elsewhere)
            hits = ours
        if len(hits) > 1:
            weights = "weights" in how or any(_entry(sheet, h).hugging_face_id for h in hits)
            raise AmbiguousModel(name, sorted(hits), open_weights=weights)
        if hits:
            if form in routes:
                how = f"the eval tool's id read as {form}" + (f" ({how})" if not how.startswith("normalised") else "")
            return Resolution(name, _entry(sheet, hits[0]), how)
    if elsewhere:
        shown = ", ".join(elsewhere[:_SHOWN]) + (
            f" and {len(elsewhere) - _SHOWN} more" if len(elsewhere) > _SHOWN else ""
        )
        return Resolution(
            name,
            None,
            f"no {ev.provider} entry for {ev.model!r} in the price sheet; other routes price it ({shown}): "
            f"if one bills like yours, add [aliases] {json.dumps(name)} = {json.dumps(elsewhere[0])}",
        )
    return Resolution(name, None, "no entry in the price sheet")

"""Suggest price-sheet ids for eval model names the sheet does not know, for ``advisor init``.

Why this module exists: an unpriced model cannot be ranked on cost, and the
fix is an ``[aliases]`` line. Tools spell names their own way (promptfoo's
``openai:chat:gpt-4o-mini``, a local ``my-gpt4o-deploy``); this finds the
closest ids so the user only has to confirm one. A suggestion is *sure* when a
provider-colon spelling resolves by the documented rules (``resolve``), and a
guess otherwise (closest by spelling), which ``init`` writes commented out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.sheet import PriceSheet


@dataclass(frozen=True)
class Suggestion:
    name: str
    ids: tuple[str, ...]  # best first
    sure: bool


def spellings(name: str) -> list[str]:
    """Provider-colon spellings (``openai:chat:gpt-4o`` → ``openai/gpt-4o``, ``gpt-4o``), most specific first."""
    parts = [p for p in name.split(":") if p]
    out = []
    if len(parts) > 1:
        out.append(f"{parts[0]}/{parts[-1]}")
        out.append(parts[-1])
    return [s for s in dict.fromkeys(out) if s != name]


def suggest(name: str, sheet: PriceSheet, n: int = 3) -> Suggestion:
    """The sheet ids closest to an unpriced name."""
    for spelling in spellings(name):
        try:
            hit = resolve(spelling, sheet)
        except AmbiguousModel as exc:
            return Suggestion(name, tuple(exc.candidates[:n]), sure=False)
        if hit.price is not None:
            return Suggestion(name, (hit.price.id,), sure=True)
    tail = name.lower().replace(":", "/").rsplit("/", 1)[-1]
    ids = [m.id for m in sheet.models]
    by_tail: dict[str, str] = {}
    for i in ids:
        by_tail.setdefault(i.lower().rsplit("/", 1)[-1], i)
    close = difflib.get_close_matches(tail, list(by_tail), n=n, cutoff=0.5)
    return Suggestion(name, tuple(by_tail[c] for c in close), sure=False)

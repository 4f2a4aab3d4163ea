"""What ``advisor prices`` and its history/diff subcommands share: the console, JSON and cell formats.

Why this module exists: ``advisor.cli.prices`` (list, show, match, pull,
import) and ``advisor.cli.prices_diff`` (history, diff) render the same rates
the same way; both import these from here.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console

from advisor.prices.native import fmt_decimal
from advisor.prices.sheet import CAPABILITIES, ModelPrice, PriceSheet

SHEET_HELP = "price sheet: bundled, latest, a date (YYYY-MM-DD) or a path (default: latest)"
RATES = (
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "batch_discount",
)


def console() -> Console:
    c = Console()
    return c if c.is_terminal else Console(width=160)


def num(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def cell(d: Decimal | None) -> str:
    return "—" if d is None else fmt_decimal(d)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


#: One letter per capability in ``prices list``; a dot where the sheet says no, blank where it is silent.
CAPABILITY_LETTERS = {
    "function_calling": "F",
    "response_schema": "S",
    "vision": "V",
    "prompt_caching": "C",
    "reasoning": "R",
}
CAPABILITY_LEGEND = (
    "F function calling, S response schema, V vision, C prompt caching, R reasoning; "
    "· the sheet says no, blank: the sheet does not say"
)


def capability_letters(m: ModelPrice) -> str:
    return "".join(
        letter if m.supports(cap) else ("·" if m.supports(cap) is False else " ")
        for cap, letter in CAPABILITY_LETTERS.items()
    )


def price_json(m: ModelPrice) -> dict[str, Any]:
    out: dict[str, Any] = {"id": m.id, "provider": m.provider, "aliases": list(m.aliases)}
    out.update({f: num(getattr(m, f)) for f in RATES})
    out["tiers"] = [
        {
            "above_input_tokens": t.above_input_tokens,
            **{f: num(getattr(t, f)) for f in RATES[:4]},
        }
        for t in m.tiers
    ]
    out["max_input_tokens"] = m.max_input_tokens
    out["max_output_tokens"] = m.max_output_tokens
    out.update({f"supports_{c}": m.supports(c) for c in CAPABILITIES})
    out["hugging_face_id"] = m.hugging_face_id
    out["local"] = m.local
    out["self_hosted"] = m.self_hosted.model_dump(mode="json") if m.self_hosted is not None else None
    return out


def sheet_json(sheet: PriceSheet, path: Path) -> dict[str, Any]:
    return {"path": str(path), "as_of": sheet.as_of.isoformat(), "source": sheet.source}


def workspace_names(folder: Path) -> tuple[list[str], dict[str, str], Any]:
    """Eval model names a workspace uses (candidates and result files), its aliases, and the workspace."""
    from advisor.ingest.load import load_workspace_samples
    from advisor.inputs.workspace import load_workspace

    ws = load_workspace(folder)
    names = list(ws.config.candidates or [])
    table = load_workspace_samples(ws).table
    names.extend(n for n in table.models if n not in names)
    return names, dict(ws.config.aliases), ws

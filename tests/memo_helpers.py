"""Shared helpers for the memo and revisit tests."""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.memo.snapshot_text import canonical_digest, extract
from advisor.prices.native import dump_sheet
from advisor.prices.sources import read_litellm
from tests.helpers import REAL_PRICING

HERE = Path(__file__).resolve().parent
MEMO_WS = HERE / "data" / "memo_ws"
GOLDEN = HERE / "data" / "memo_golden"
TODAY = dt.date(2025, 12, 1)
LITELLM = {
    "2025-11-26": "litellm-model_prices_and_context_window-2025-11-26.json",
    "2026-05-26": "litellm-model_prices_and_context_window-2026-05-26.json",
    "2026-11-19": "litellm-model_prices_and_context_window.json",
}


def real_pricing_dir() -> Path:
    return REAL_PRICING


@functools.cache
def _litellm_text(day: str) -> str:
    data = (real_pricing_dir() / LITELLM[day]).read_bytes()
    imported = read_litellm(
        data, as_of=dt.date.fromisoformat(day), source=f"LiteLLM price map of {day}", where=LITELLM[day]
    )
    return dump_sheet(imported.sheet)


def litellm_sheet(day: str, folder: Path) -> Path:
    """The real LiteLLM snapshot of that day, imported into a native sheet in ``folder``."""
    path = folder / f"litellm-{day}.toml"
    path.write_text(_litellm_text(day))
    return path


def copy_workspace(folder: Path) -> Path:
    target = folder / "ws"
    shutil.copytree(MEMO_WS, target, ignore=shutil.ignore_patterns("make.py", "__pycache__"))
    return target


def edit_snapshot(memo: Path, change: Callable[[dict[str, Any]], None], *, resign: bool = True) -> Path:
    """Change a Markdown memo's snapshot data in place; ``resign`` recomputes its digest, as a deliberate forger
    would (so the value checks, not the digest, are what the test exercises)."""
    text = memo.read_text(encoding="utf-8")
    raw = extract(text, str(memo))
    data = json.loads(raw)
    change(data)
    if resign:
        data["digest"] = canonical_digest(data)
    memo.write_text(text.replace(raw, json.dumps(data, indent=1, ensure_ascii=False)), encoding="utf-8")
    return memo

"""Small helpers the tests share (importable, unlike conftest)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Copies of the real public price files (tests/data/pricing/SOURCES.md says where each came from).
REAL_PRICING = Path(__file__).resolve().parent / "data" / "pricing"


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path

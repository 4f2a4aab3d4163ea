"""The probe's results file: native JSONL rows, one per request, written atomically.

Why this module exists: the probe's measurements must land where ``rank``,
the TUI and the memo read results, in a format they already read. Each row is
a native sample (task ``probe``; the score is 1 for an answered request, 0 for
a failed one) with the probe's fields (``ttft_ms``, ``itl_ms``,
``concurrency``, ``rate_rps``, ``start_ms``) and, for a failure, its kind and
message in ``error``. The whole file is rewritten atomically at every
checkpoint, so a reader (or a Ctrl-C) never sees half a row. Nothing here
knows the API key: the client masked it in every error text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from advisor.files.atomic import write_atomic
from advisor.probe.client import Result

TASK = "probe"
#: Where a workspace keeps probe results (``WorkspaceConfig.probes`` reads them back).
WORKSPACE_FOLDER = "probes"


def run_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 3)


def row(result: Result, run: str) -> dict[str, Any]:
    level = f"r{result.rate:g}" if result.rate else f"c{result.concurrency}"
    out: dict[str, Any] = {
        "model": result.model,
        "task": TASK,
        "sample_id": f"{run}/{level}/{result.index:05d}",
        "score": 1.0 if result.outcome == "ok" else 0.0,
        "outcome": result.outcome,
        "latency_ms": _ms(result.elapsed_s),
        "ttft_ms": _ms(result.ttft_s),
        "itl_ms": _ms(result.itl_s),
        "input_tokens": result.input_tokens,
        "output_tokens": result.output_tokens,
        "concurrency": result.concurrency,
        "rate_rps": result.rate,
        "start_ms": _ms(result.start_s),
        "error": result.error,
    }
    return {k: v for k, v in out.items() if v is not None}


def encode(results: Iterable[Result], run: str) -> bytes:
    ordered = sorted(results, key=lambda r: (r.start_s, r.model, r.index))
    return b"".join(orjson.dumps(row(r, run)) + b"\n" for r in ordered)


def write(path: Path, results: Iterable[Result], run: str) -> None:
    """Replace ``path`` with every result so far, in one step."""
    write_atomic(path, encode(results, run))


def output_path(folder: Path, run: str) -> Path:
    """A new file name in ``folder`` for this run (a suffix if the second is taken)."""
    path = folder / f"probe-{run}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"probe-{run}-{n}.jsonl"
    return path

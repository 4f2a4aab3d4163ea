"""advisor's own sample format: JSONL (one object a line) or CSV, same column names.

Required: ``model, task, sample_id, score``. Optional: ``epoch, outcome,
latency_ms, input_tokens, output_tokens, cached_input_tokens,
cache_write_tokens, reasoning_tokens, cost_usd`` and the free-text
``response`` and ``error`` (read by failure rules). Any other column is an
error, so a typo such as ``latency`` is not silently ignored.

Two readers share the work: files up to ``ENGINE_MIN_BYTES`` are read line by
line (``native_lines``: starting the engine costs more than parsing them),
bigger ones by the columnar engine (``native_columnar``); when the engine's
pass finds anything wrong, the line reader reads the file and names the line.
Both give the same table. The same columns as Parquet are read by ``parquet``.
"""

from __future__ import annotations

from pathlib import Path

from advisor.errors import InputError
from advisor.files.reading import regular_size
from advisor.ingest import common, native_columnar, native_lines
from advisor.records.samples import SampleTable

NAME = "native"
REQUIRED = native_lines.REQUIRED
KNOWN = native_lines.KNOWN
#: Below this size the line reader is faster than starting the engine (bench/bench_engine.py).
ENGINE_MIN_BYTES = 4 << 20


def sniff(path: Path, head: bytes) -> bool:
    """A JSONL whose first object has the required keys, or a CSV whose header does."""
    keys = common.first_record_keys(head)
    return keys is not None and set(REQUIRED) <= keys


def read(path: Path) -> SampleTable:
    size = regular_size(path)
    if size < ENGINE_MIN_BYTES:
        return native_lines.read(path)
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise InputError(path, "the file is empty")
    try:
        if native_lines.is_csv(path, head):
            return native_columnar.read_csv(path, head)
        return native_columnar.read_jsonl(path)
    except native_columnar.NeedsLines:
        return native_lines.read(path)

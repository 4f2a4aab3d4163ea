"""Open a big native sheet fast: a sidecar index, and entries read only when looked up.

The bundled sheet prices every text model of LiteLLM's map and OpenRouter's
open-weight models (thousands of entries); parsing and validating all of them
(TOML is slow to parse) would make every ``advisor rank`` wait for prices it
never uses. So the script that writes such a sheet also writes
``<sheet>.index.json``: the SHA-256 of the sheet, its header, every entry as
one line of JSON, and the lookups a name resolution makes (id → entry, and
the ``LOOKUPS`` of ``advisor.prices.sheet``), each split into buckets by a
hash of the key. Opening hashes the sheet and reads the index's first line; a
lookup parses one small bucket, and an entry is validated the first time a
name resolves to it. The sheet stays the truth: an index whose hash does not
match (the sheet was edited by hand) is ignored and the whole sheet is read as
usual.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import stat
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from advisor.errors import InputError
from advisor.files.reading import TEXT_LIMIT
from advisor.prices.sheet import LOOKUPS, Listing, ModelPrice, PriceSheet, build_lookup, load_sheet

INDEX_VERSION = 3
#: Lookups split into buckets (``spans``: id → the entry's byte range, then ``LOOKUPS``).
BUCKETED: tuple[str, ...] = ("spans", *LOOKUPS)
BUCKETS = 64
_HEAD_MAX = 64 * 1024


def index_path(sheet_path: Path) -> Path:
    return sheet_path.with_name(sheet_path.name.removesuffix(".toml") + ".index.json")


def _bucket_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % BUCKETS


def make_index(sheet: PriceSheet, text: str) -> str:
    """The index of ``text``, a native sheet, for ``sheet`` (what that text holds).

    One JSON document per line. The first names the index version, the
    SHA-256 of the sheet text, the sheet's header and, for each section, the
    byte offsets (after the first line) where it and each of its buckets start;
    then the sections: every entry as JSON (one per line), each lookup as
    ``BUCKETS`` JSON objects (one per line), and the whole listing.
    """
    if text.count("\n[[models]]\n") != len(sheet.models):
        raise ValueError("the text does not hold one [[models]] block per entry of the sheet")
    listing = sheet.listing()
    rows = [orjson.dumps(m.model_dump(mode="json", exclude_defaults=True)) + b"\n" for m in sheet.models]
    spans: dict[str, list[int]] = {}
    at = 0
    for m, row in zip(listing, rows, strict=True):
        spans[m.id] = [at, at + len(row)]
        at += len(row)
    tables: dict[str, Mapping[str, Any]] = {"spans": spans, **{k: build_lookup(k, listing) for k in LOOKUPS}}
    parts: list[bytes] = []
    where: dict[str, list[int]] = {}
    at = 0

    def put(name: str, chunks: list[bytes]) -> None:
        nonlocal at
        where[name] = []
        for chunk in chunks:
            where[name].append(at)
            parts.append(chunk)
            at += len(chunk)
        where[name].append(at)

    put("entries", [b"".join(rows)])
    for name in BUCKETED:
        buckets: list[dict[str, Any]] = [{} for _ in range(BUCKETS)]
        for key, value in tables[name].items():
            buckets[_bucket_of(key)][key] = value
        put(name, [orjson.dumps(b) + b"\n" for b in buckets])
    put("listing", [orjson.dumps([list(m) for m in listing]) + b"\n"])
    head = {
        "index_version": INDEX_VERSION,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "sheet": sheet.model_dump(mode="json", exclude={"models"}),
        "sections": where,
    }
    return (orjson.dumps(head) + b"\n" + b"".join(parts)).decode("utf-8")


class _Bucketed(Mapping[str, Any]):
    """One bucketed lookup of an index: a key's bucket is parsed the first time a key in it is asked for."""

    def __init__(self, index: _Indexed, name: str) -> None:
        self.index = index
        self.offsets = index.sections[name]
        self.parsed: dict[int, dict[str, Any]] = {}

    def _bucket(self, n: int) -> dict[str, Any]:
        found = self.parsed.get(n)
        if found is None:
            found = self.parsed[n] = self.index.parse(self.offsets[n], self.offsets[n + 1])
        return found

    def __getitem__(self, key: str) -> Any:
        return self._bucket(_bucket_of(key))[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._bucket(_bucket_of(key)).get(key, default)

    def __iter__(self) -> Iterator[str]:
        for n in range(len(self.offsets) - 1):
            yield from self._bucket(n)

    def __len__(self) -> int:
        return sum(len(self._bucket(n)) for n in range(len(self.offsets) - 1))


class _Indexed:
    """Entries of one indexed sheet, read from the index (memory-mapped) and validated one at a time."""

    def __init__(self, path: Path, start: int, sections: dict[str, list[int]]) -> None:
        self.path = path
        self.start = start
        self.sections = sections
        with path.open("rb") as fh:
            self.data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if len(self.data) < start + max(s[-1] for s in sections.values()):
            raise InputError(path, "the index is shorter than it says (truncated?); re-run the script that wrote it")
        self.lookups = {name: _Bucketed(self, name) for name in BUCKETED}
        self.parsed: dict[str, ModelPrice] = {}
        self._every: tuple[ModelPrice, ...] | None = None

    def parse(self, lo: int, hi: int) -> Any:
        try:
            return orjson.loads(self.data[self.start + lo : self.start + hi])
        except orjson.JSONDecodeError as exc:
            raise InputError(self.path, f"the index is broken ({exc}); re-run the script that wrote it") from None

    def listing(self) -> tuple[Listing, ...]:
        lo, hi = self.sections["listing"]
        return tuple(Listing(e[0], e[1], tuple(e[2]), e[3]) for e in self.parse(lo, hi))

    def lookup(self, kind: str) -> Mapping[str, list[str]]:
        return self.lookups[kind]

    def entry(self, model_id: str) -> ModelPrice | None:
        hit = self.parsed.get(model_id)
        if hit is not None:
            return hit
        span = self.lookups["spans"].get(model_id)
        if span is None:
            return None
        lo = self.sections["entries"][0]
        try:
            hit = ModelPrice.model_validate(self.parse(lo + span[0], lo + span[1]))
        except ValidationError as exc:
            raise InputError(
                self.path, f"entry {model_id!r} in the index is not valid ({exc.errors()[0]['msg']})"
            ) from None
        if hit.id != model_id:
            raise InputError(self.path, f"the index says {model_id!r} where it holds {hit.id!r}")
        self.parsed[model_id] = hit
        return hit

    def every(self) -> tuple[ModelPrice, ...]:
        if self._every is None:
            self._every = tuple(e for e in (self.entry(x.id) for x in self.listing()) if e is not None)
        return self._every


def _head(side: Path) -> tuple[dict[str, Any], int] | None:
    """The index's first line and where its sections start; None when it is not a usable index."""
    try:
        with side.open("rb") as fh:
            first = fh.read(_HEAD_MAX)
    except OSError:
        return None
    end = first.find(b"\n")
    try:
        head = orjson.loads(first[:end]) if end > 0 else None
    except orjson.JSONDecodeError:
        return None
    if not isinstance(head, dict) or head.get("index_version") != INDEX_VERSION:
        return None
    return head, end + 1


def _sha256(path: Path) -> str | None:
    """The file's SHA-256, hashed from a memory map (no copy); None for what is not a small regular file."""
    try:
        with path.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= TEXT_LIMIT:
                return None
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return hashlib.sha256(data).hexdigest()
    except OSError:
        return None  # the whole-sheet reader says what is wrong, naming the file


def open_indexed(path: Path) -> PriceSheet:
    """The sheet at ``path``: lazy when a matching index sits beside it, else read whole."""
    side = index_path(path)
    if not side.is_file():
        return load_sheet(path)
    found = _head(side)
    if found is None or found[0].get("sha256") != _sha256(path):
        return load_sheet(path)  # edited since it was indexed: the sheet is the truth
    head, start = found
    try:
        header = PriceSheet.model_validate({**head["sheet"], "models": ()})
        sections = {name: list(head["sections"][name]) for name in ("entries", *BUCKETED, "listing")}
    except (ValidationError, KeyError, TypeError):
        return load_sheet(path)
    try:
        source = _Indexed(side, start, sections)
    except InputError:
        return load_sheet(path)  # a truncated index: read the sheet itself
    return PriceSheet.lazy(header, source)

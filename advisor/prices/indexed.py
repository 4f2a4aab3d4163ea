"""Open a big native sheet fast: a sidecar index, and entries read only when looked up.

The bundled sheet prices every text model of LiteLLM's map and OpenRouter's
open-weight models (thousands of entries); parsing and validating all of them
(TOML is slow to parse) would make every ``advisor rank`` wait for prices it
never uses. So the script that writes such a sheet also writes
``<sheet>.index.json``: the SHA-256 of the sheet, its header, the name
lookups a resolution needs, and every entry as one line of JSON. Opening
hashes the sheet and reads the index's first line; a lookup reads only its
section, and an entry is validated the first time a name resolves to it. The
sheet stays the truth: an index whose hash does not match (the sheet was
edited by hand) is ignored and the whole sheet is read as usual.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from advisor.errors import InputError
from advisor.files.reading import TEXT_LIMIT, read_regular
from advisor.prices.sheet import LOOKUPS, Listing, ModelPrice, PriceSheet, build_lookup, load_sheet

INDEX_VERSION = 2
#: Sections of the index after its first line, in file order (hot ones first).
SECTIONS: tuple[str, ...] = ("spans", "alias", "entries", *LOOKUPS[1:], "listing")
_HEAD_MAX = 64 * 1024


def index_path(sheet_path: Path) -> Path:
    return sheet_path.with_name(sheet_path.name.removesuffix(".toml") + ".index.json")


def make_index(sheet: PriceSheet, text: str) -> str:
    """The index of ``text``, a native sheet, for ``sheet`` (what that text holds).

    One JSON document per line. The first names the index version, the
    SHA-256 of the sheet text, the sheet's header and where each section is
    (byte ranges after the first line); then the sections: each entry's byte
    range, the exact-alias lookup, every entry as JSON (one per line), the
    other name lookups (``LOOKUPS``) and the whole listing. Opening reads the
    first line and then only the sections a lookup needs.
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
    bodies = {
        "spans": orjson.dumps(spans) + b"\n",
        "alias": orjson.dumps(build_lookup("alias", listing)) + b"\n",
        "entries": b"".join(rows),
        **{kind: orjson.dumps(build_lookup(kind, listing)) + b"\n" for kind in LOOKUPS[1:]},
        "listing": orjson.dumps([list(m) for m in listing]) + b"\n",
    }
    where: dict[str, list[int]] = {}
    at = 0
    for name in SECTIONS:
        where[name] = [at, at + len(bodies[name])]
        at += len(bodies[name])
    head = {
        "index_version": INDEX_VERSION,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "sheet": sheet.model_dump(mode="json", exclude={"models"}),
        "sections": where,
    }
    return (orjson.dumps(head) + b"\n" + b"".join(bodies[n] for n in SECTIONS)).decode("utf-8")


class _Indexed:
    """Entries of one indexed sheet, read from the index section by section and validated one at a time."""

    def __init__(self, path: Path, start: int, sections: dict[str, list[int]]) -> None:
        self.path = path
        self.start = start
        self.sections = sections
        self.loaded: dict[str, Any] = {}
        self.parsed: dict[str, ModelPrice] = {}
        self._every: tuple[ModelPrice, ...] | None = None

    def _read(self, lo: int, hi: int) -> bytes:
        with self.path.open("rb") as fh:
            fh.seek(self.start + lo)
            data = fh.read(hi - lo)
        if len(data) != hi - lo:
            raise InputError(self.path, "the index is shorter than it says (truncated?)")
        return data

    def _section(self, name: str) -> Any:
        if name not in self.loaded:
            lo, hi = self.sections[name]
            try:
                self.loaded[name] = orjson.loads(self._read(lo, hi))
            except orjson.JSONDecodeError as exc:
                raise InputError(self.path, f"index section {name!r} is not valid JSON: {exc}") from None
        return self.loaded[name]

    def listing(self) -> tuple[Listing, ...]:
        return tuple(Listing(e[0], e[1], tuple(e[2]), e[3]) for e in self._section("listing"))

    def lookup(self, kind: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = self._section(kind)
        return found

    def entry(self, model_id: str) -> ModelPrice | None:
        hit = self.parsed.get(model_id)
        if hit is not None:
            return hit
        span = self._section("spans").get(model_id)
        if span is None:
            return None
        lo = self.sections["entries"][0]
        try:
            hit = ModelPrice.model_validate(orjson.loads(self._read(lo + span[0], lo + span[1])))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            raise InputError(
                self.path, f"entry {model_id!r} in the index is broken ({exc}); re-run the script"
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
    with side.open("rb") as fh:
        first = fh.read(_HEAD_MAX)
    end = first.find(b"\n")
    try:
        head = orjson.loads(first[:end]) if end > 0 else None
    except orjson.JSONDecodeError:
        return None
    if not isinstance(head, dict) or head.get("index_version") != INDEX_VERSION:
        return None
    return head, end + 1


def open_indexed(path: Path) -> PriceSheet:
    """The sheet at ``path``: lazy when a matching index sits beside it, else read whole."""
    side = index_path(path)
    if not side.is_file():
        return load_sheet(path)
    found = _head(side)
    data = read_regular(path, limit=TEXT_LIMIT)
    if found is None or found[0].get("sha256") != hashlib.sha256(data).hexdigest():
        return load_sheet(path)  # edited since it was indexed: the sheet is the truth
    head, start = found
    try:
        header = PriceSheet.model_validate({**head["sheet"], "models": ()})
        sections = {name: head["sections"][name] for name in SECTIONS}
    except (ValidationError, KeyError, TypeError):
        return load_sheet(path)
    return PriceSheet.lazy(header, _Indexed(side, start, sections))

"""Shared, defensive plumbing for the tool importers.

Every importer reads files that other programs wrote, often truncated,
hand-edited or hostile. The helpers here turn each way such a file can be bad
(unreadable, not UTF-8, not JSON, nested too deep, a zip bomb, a zip member
named ``../x``) into one ``InputError`` naming the file and the place, so no
importer needs its own try/except ladder. They also collect *notes*: facts an
importer wants the user to see (rows dropped, scorers ignored) without failing
the import; ``advisor data`` shows them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from advisor.errors import InputError
from advisor.files.reading import read_regular

#: Total bytes the importers will decompress from one zip before giving up.
MAX_UNZIPPED_BYTES = 1 << 30
#: Bytes read at a time from a zip member (so the cap is enforced as we go).
_CHUNK = 1 << 20

_NOTES: ContextVar[list[str] | None] = ContextVar("advisor_ingest_notes", default=None)


@contextlib.contextmanager
def collect_notes() -> Iterator[list[str]]:
    """Collect the notes importers make while this block runs."""
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def note(message: str) -> None:
    """Record a warning about the file being read (shown by ``advisor data``)."""
    notes = _NOTES.get()
    if notes is not None and message not in notes:
        notes.append(message)


def read_bytes(path: Path) -> bytes:
    data = read_regular(path)
    if not data.strip():
        raise InputError(path, "the file is empty")
    return data


def loads(data: bytes | str, where: str | Path, *, line: int | None = None) -> Any:
    """Parse JSON; any failure (syntax, depth, encoding) is one InputError at the right line."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        place = f"{where}:{line if line is not None else exc.lineno}"
        raise InputError(place, f"not valid JSON ({_reason(exc)})") from None
    except RecursionError:
        raise InputError(where, "JSON nested too deeply") from None


def _reason(exc: orjson.JSONDecodeError) -> str:
    msg = str(exc.msg)
    if "UTF-8" in msg:
        return "not UTF-8 text"
    return msg


def json_object(data: bytes, where: str | Path) -> dict[str, Any]:
    obj = loads(data, where)
    if type(obj) is not dict:
        raise InputError(where, f"expected a JSON object, found {type(obj).__name__}")
    return obj


def jsonl_rows(data: bytes, where: str | Path) -> list[tuple[int, Any]]:
    """Parse JSON Lines: (line number, value) for every non-blank line."""
    lines = data.split(b"\n")
    out: list[tuple[int, Any]] = []
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            out.append((number, loads(raw, where, line=number)))
    return out


def at_key(path: str | Path, key: str) -> str:
    """``file [key]``: a place inside a JSON document."""
    return f"{path} [{key}]"


def obj(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one (for optional parts)."""
    return value if type(value) is dict else {}


def as_dict(value: Any, where: str, what: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise InputError(where, f"{what} must be an object, found {_kind(value)}")
    return value


def as_list(value: Any, where: str, what: str) -> list[Any]:
    if type(value) is not list:
        raise InputError(where, f"{what} must be a list, found {_kind(value)}")
    return value


def as_str(value: Any, where: str, what: str) -> str:
    if type(value) is not str or not value:
        raise InputError(where, f"{what} must be a non-empty string, found {_kind(value)}")
    return value


def as_id(value: Any, where: str, what: str) -> str:
    """Ids may be ints or strings in the same tool; both become strings."""
    if type(value) is int or (type(value) is str and value):
        return str(value)
    raise InputError(where, f"{what} must be a string or an integer, found {_kind(value)}")


def number(value: Any) -> float | None:
    """A finite, non-negative count or time; anything else is missing."""
    if type(value) in (int, float) and value == value and value >= 0 and value != float("inf"):
        return float(value)
    return None


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def text(value: Any) -> str | None:
    """Model output as text: strings as they are, other JSON compactly serialised."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return str(value)


class SafeZip:
    """Read a zip's members by name without ever writing them to disk.

    Member names that are absolute or climb out (``../``) are refused, and the
    total bytes decompressed are capped, so a small zip cannot expand to
    gigabytes in memory.
    """

    def __init__(self, path: Path, *, limit: int | None = None) -> None:
        self.path = path
        self.limit = MAX_UNZIPPED_BYTES if limit is None else limit
        self.used = 0
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(path, f"not a readable zip file ({exc})") from None
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise InputError(f"{path} [{name}]", "unsafe member name in zip (absolute or '..')")
        self.names = [i.filename for i in infos]
        self._infos = {i.filename: i for i in infos}

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def where(self, name: str) -> str:
        return f"{self.path} [{name}]"

    def read(self, name: str) -> bytes:
        info = self._infos[name]
        where = self.where(name)
        if self.used + info.file_size > self.limit:
            raise InputError(where, self._too_big())
        chunks: list[bytes] = []
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    self.used += len(chunk)
                    if self.used > self.limit:
                        raise InputError(where, self._too_big())
                    chunks.append(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
            raise InputError(where, f"cannot decompress member ({exc})") from None
        except Exception as exc:  # zlib.error and friends: corrupt streams
            raise InputError(where, f"cannot decompress member ({type(exc).__name__}: {exc})") from None
        return b"".join(chunks)

    def json(self, name: str) -> Any:
        return loads(self.read(name), self.where(name))

    def _too_big(self) -> str:
        return (
            f"decompresses to more than {self.limit // (1 << 20)} MiB; refusing to read further "
            "(a zip bomb or not an eval log)"
        )


def first_record_keys(head: bytes) -> set[str] | None:
    """The keys of a file's first record: a JSONL's first object, or a CSV's header (None: neither)."""
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip().split("\n", 1)[0]
    if first.startswith("{"):
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            return None
        return set(obj) if isinstance(obj, dict) else None
    try:
        return {h.strip() for h in next(csv.reader(io.StringIO(first)), [])}
    except csv.Error:  # a stray carriage return or NUL: not a CSV header
        return None

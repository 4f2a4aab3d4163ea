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
import json
import re
import struct
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from advisor.errors import InputError
from advisor.files.reading import read_regular

if sys.version_info >= (3, 14):
    import zipfile
else:  # Zstandard members (method 93) need Python 3.14's zipfile; this is its backport.
    from backports.zstd import zipfile

#: Total bytes the importers will decompress from one zip before giving up (members are read one at a time).
MAX_UNZIPPED_BYTES = 4 << 30
#: Bytes one member may decompress to: it is parsed whole, so this bounds memory.
MAX_MEMBER_BYTES = 512 << 20
#: Members one zip may list (a big Inspect log: 10,000 samples x 10 epochs plus journal files).
MAX_ZIP_MEMBERS = 500_000
#: A member producing more than this many times its compressed size (past the grace) is a bomb.
#: JSON logs compress 5-30x; deflate tops out near 1,032x, Zstandard goes far beyond.
MAX_RATIO = 200
RATIO_GRACE_BYTES = 8 << 20
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


#: Bare NaN / Infinity: not JSON, but Python's json and pydantic (Inspect's logs) write them.
_NONFINITE = re.compile(rb"(?:[:\[,]\s*)-?(?:NaN|Infinity)\b")


def loads(data: bytes | str, where: str | Path, *, line: int | None = None) -> Any:
    """Parse JSON; any failure (syntax, depth, encoding) is one InputError at the right line.

    Files with bare ``NaN`` or ``Infinity`` (Inspect writes a one-sample run's stderr so) are
    parsed by Python's json, which reads them as floats; readers treat them as missing.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raw = data.encode() if isinstance(data, str) else data
        if _NONFINITE.search(raw):
            return _loads_nonfinite(raw, where, line)
        place = f"{where}:{line if line is not None else exc.lineno}"
        raise InputError(place, f"not valid JSON ({_reason(exc)})") from None
    except RecursionError:
        raise InputError(where, "JSON nested too deeply") from None


def _loads_nonfinite(data: bytes, where: str | Path, line: int | None) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(where, "not valid JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        place = f"{where}:{line if line is not None else exc.lineno}"
        raise InputError(place, f"not valid JSON ({exc.msg})") from None
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


def finite(value: Any) -> float | None:
    """A finite number of either sign (not a bool); anything else is None."""
    if type(value) in (int, float) and value == value and value not in (float("inf"), float("-inf")):
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
    """Read a zip's members by name, streamed and capped, without ever writing them to disk.

    Inspect writes ``.eval`` members with Zstandard (zip method 93) since
    0.3.206 and with deflate before; both are read through the same streaming
    ``zipfile`` (the standard one from Python 3.14, ``backports.zstd``'s
    before). Every cap holds for both methods: the member count (checked in
    the end-of-central-directory record, before any entry is parsed), the
    bytes one member and the whole file may decompress to, and the
    decompression ratio, all counted on the bytes actually produced, never
    on the sizes the archive claims. Names that are absolute or climb out
    (``../``) are refused.
    """

    def __init__(self, path: Path, *, limit: int | None = None) -> None:
        self.path = path
        self.limit = MAX_UNZIPPED_BYTES if limit is None else limit
        self.used = 0
        _check_member_count(path)
        try:
            self.size = max(path.stat().st_size, 1)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
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
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(where, self._member_too_big())
        out = bytearray()
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    self.used += len(chunk)
                    out += chunk
                    if self.used > self.limit:
                        raise InputError(where, self._too_big())
                    if len(out) > MAX_MEMBER_BYTES:
                        raise InputError(where, self._member_too_big())
                    member_bomb = len(out) > RATIO_GRACE_BYTES and len(out) > MAX_RATIO * max(info.compress_size, 1)
                    if member_bomb or (self.used > RATIO_GRACE_BYTES and self.used > MAX_RATIO * self.size):
                        raise InputError(
                            where,
                            f"decompresses more than {MAX_RATIO}x its compressed size; refusing to read further "
                            "(a zip bomb or not an eval log)",
                        )
        except InputError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
            raise InputError(where, f"cannot decompress member ({exc})") from None
        except Exception as exc:  # zlib.error, ZstdError and friends: corrupt streams
            raise InputError(where, f"cannot decompress member ({type(exc).__name__}: {exc})") from None
        return bytes(out)

    def json(self, name: str) -> Any:
        return loads(self.read(name), self.where(name))

    def _too_big(self) -> str:
        return (
            f"the zip decompresses to more than {self.limit // (1 << 20)} MiB; refusing to read further "
            "(a zip bomb or not an eval log)"
        )

    def _member_too_big(self) -> str:
        return (
            f"member decompresses to more than {MAX_MEMBER_BYTES // (1 << 20)} MiB; refusing to read further "
            "(a zip bomb or not an eval log)"
        )


def _check_member_count(path: Path) -> None:
    """Refuse a zip with more members than ``MAX_ZIP_MEMBERS`` before ``zipfile`` parses its directory.

    The count is read from the end-of-central-directory record (and its
    Zip64 twin), so a directory of millions of entries never reaches memory.
    """
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            tail_len = min(size, 22 + 65535)
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
            at = tail.rfind(b"PK\x05\x06")
            if at < 0 or at + 22 > len(tail):
                return  # zipfile names the problem
            entries, cd_size = struct.unpack("<HI", tail[at + 10 : at + 16])
            locator = at - 20
            if (
                (entries == 0xFFFF or cd_size == 0xFFFFFFFF)
                and locator >= 0
                and tail[locator : locator + 4] == b"PK\x06\x07"
            ):
                (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
                fh.seek(offset)
                record = fh.read(56)
                if len(record) == 56 and record[:4] == b"PK\x06\x06":
                    entries, cd_size = struct.unpack("<QQ", record[32:48])
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if entries > MAX_ZIP_MEMBERS or cd_size > MAX_ZIP_MEMBERS * 1024:
        raise InputError(
            path,
            f"the zip lists {entries:,} members ({cd_size:,} bytes of directory); advisor reads at most "
            f"{MAX_ZIP_MEMBERS:,} (a zip bomb or not an eval log)",
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

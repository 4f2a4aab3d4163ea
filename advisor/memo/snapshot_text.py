"""A memo's snapshot as text: written into Markdown or HTML with its digest, read back and checked.

Why this module exists: the snapshot (``memo.snapshot``) must survive Markdown
viewers and browsers and must not silently change. It is JSON inside a fenced
block after a marker comment in Markdown, and inside ``<script
type="application/json">`` in HTML. Its last key is ``digest``: the SHA-256 of
the rest in canonical JSON (sorted keys, no spaces), checked on reading, so an
edited snapshot (a changed pick, a second snapshot appended) is reported as bad
input instead of turning into a different decision. The digest catches edits,
not forgery: anyone can recompute it, so a memo is as trustworthy as the place
it is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from advisor import __version__
from advisor.errors import InputError
from advisor.files.reading import MIB, read_regular
from advisor.memo.snapshot import SNAPSHOT_KIND, SNAPSHOT_VERSION, Snapshot, profile_json, sha256_text
from advisor.text.sanitise import json_visible

MARKER = "advisor-snapshot"

_MD_BLOCK = re.compile(rf"<!--\s*{MARKER}\b[^>]*-->\s*```json\n(.*?)\n```", re.DOTALL)
_HTML_BLOCK = re.compile(r'<script type="application/json" id="advisor-snapshot">(.*?)</script>', re.DOTALL)
#: A memo is read whole; far above any real one (a hundred models × tasks is well under 1 MiB).
MEMO_LIMIT = 64 * MIB
DIGEST_KEY = "digest"


def canonical_digest(data: dict[str, Any]) -> str:
    """``sha256:<hex>`` of the snapshot's data (without its digest) as canonical JSON."""
    body = {k: v for k, v in data.items() if k != DIGEST_KEY}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + sha256_text(text)


def dump(snapshot: Snapshot) -> str:
    """Stable JSON text, floats that round-trip, the digest last; ``evidence: null`` is left out."""
    data = snapshot.model_dump(mode="json")
    data["profile"] = profile_json(snapshot.profile)
    if data.get("split") is None:
        data.pop("split", None)
    for model in data["models"].values():
        if model.get("evidence") is None:
            model.pop("evidence", None)
    data[DIGEST_KEY] = canonical_digest(data)
    return json_visible(json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False))


def embed_markdown(snapshot: Snapshot) -> str:
    return (
        f"<!-- {MARKER} v{snapshot.schema_version}: read by `advisor revisit`; "
        "editing it breaks the revisit -->\n"
        f"```json\n{dump(snapshot)}\n```\n"
    )


def embed_html(snapshot: Snapshot) -> str:
    text = dump(snapshot).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="advisor-snapshot">\n{text}\n</script>\n'


def extract(text: str, where: str) -> str:
    """The one snapshot JSON inside a Markdown or HTML memo."""
    found = [str(f) for pattern in (_MD_BLOCK, _HTML_BLOCK) for f in pattern.findall(text)]
    if not found:
        raise InputError(where, "no advisor snapshot found: is this a memo written by `advisor memo`?")
    if len(found) > 1:
        raise InputError(
            where, f"the memo holds {len(found)} snapshots; a memo has exactly one (was one pasted in or appended?)"
        )
    return found[0]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a snapshot may hold")


def parse(text: str, where: str) -> Snapshot:
    """Read a memo's snapshot; a clear InputError for damage, an edit, a newer version, or another schema."""
    raw = extract(text, where)
    try:
        data: Any = json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            where,
            f"the snapshot is not valid JSON (line {exc.lineno} of the snapshot: {exc.msg}); "
            "was the memo edited? Regenerate it with `advisor memo`",
        ) from None
    except ValueError as exc:
        raise InputError(where, f"the snapshot is not valid: {exc}; was the memo edited?") from None
    except RecursionError:
        raise InputError(where, "the snapshot is nested too deeply; was the memo edited?") from None
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise InputError(where, f"the snapshot is not an {SNAPSHOT_KIND} (its 'kind' is missing or wrong)")
    version = data.get("schema_version")
    if not isinstance(version, int):
        raise InputError(where, "the snapshot has no integer schema_version")
    if version > SNAPSHOT_VERSION:
        raise InputError(
            where,
            f"the snapshot was written by a newer advisor ({data.get('advisor_version', '?')}, "
            f"snapshot schema {version}); this advisor {__version__} reads schema {SNAPSHOT_VERSION}: "
            "upgrade advisor",
        )
    digest = data.get(DIGEST_KEY)
    if not isinstance(digest, str):
        raise InputError(
            where, "the snapshot has no digest (written by an advisor before 0.1.0, or edited); regenerate the memo"
        )
    try:
        expected = canonical_digest(data)
    except (ValueError, RecursionError):
        raise InputError(where, "the snapshot is not valid: it cannot be put in canonical form") from None
    if digest != expected:
        raise InputError(
            where,
            "the snapshot was changed after advisor wrote it (its digest does not match its content); "
            "regenerate the memo with `advisor memo`",
        )
    data = {k: v for k, v in data.items() if k != DIGEST_KEY}
    try:
        return Snapshot.model_validate(data)
    except RecursionError:
        raise InputError(where, "the snapshot is nested too deeply; was the memo edited?") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = "unknown key" if first["type"] == "extra_forbidden" else first["msg"].removeprefix("Value error, ")
        raise InputError(where, f"the snapshot does not parse at {loc}: {msg}; was the memo edited?") from None


def read_memo(path: Path) -> tuple[Snapshot, str]:
    """The snapshot of a memo file and the memo's SHA-256."""
    try:
        data = read_regular(path, limit=MEMO_LIMIT)
    except InputError as exc:
        raise InputError(path, "memo not found" if exc.message == "file not found" else exc.message) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not a text file (a memo is Markdown or HTML)") from None
    return parse(text, str(path)), hashlib.sha256(data).hexdigest()

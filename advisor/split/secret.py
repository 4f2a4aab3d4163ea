"""The workspace secret that keys the dev/holdout split: created once, 0600, never shown.

Why this module exists: with the item ids alone nobody can tell which items
are held out, nor choose ids that land in dev; only the holder of
``.advisor/secret`` can. It is 32 random bytes from ``secrets``, written as 64
hex digits in a file of mode 0600 in a folder of mode 0700, atomically and
never over an existing secret (a new secret is a new split). Nothing here
returns it in a message: errors name the file, never its content.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import string
from pathlib import Path

from advisor.errors import InputError
from advisor.files.atomic import write_atomic, write_new
from advisor.files.reading import read_regular

SECRET_DIR = ".advisor"
SECRET_FILE = "secret"
SECRET_BYTES = 32
SECRET_MODE = 0o600
#: Keeps the secret out of git by default: sharing it is a deliberate act (see docs/split.md).
GITIGNORE = "# advisor's workspace state: the split secret must not be committed by accident\n*\n"
_FINGERPRINT_DOMAIN = b"advisor-split-fingerprint/1\0"


def secret_path(root: Path) -> Path:
    return root / SECRET_DIR / SECRET_FILE


def read_secret(root: Path) -> bytes:
    """The workspace's secret; an InputError naming the file (never its content) when missing or damaged."""
    path = secret_path(root)
    if not path.exists():
        raise InputError(
            path,
            "no split secret: `advisor split` creates it once; in a copy of the workspace, copy the secret "
            "from the original (a new secret would deal a different split)",
        )
    data = read_regular(path, limit=1024)
    text = data.decode("ascii", errors="replace").strip()
    if len(text) != 2 * SECRET_BYTES or any(c not in string.hexdigits for c in text):
        raise InputError(
            path,
            f"is not an advisor split secret (expected {2 * SECRET_BYTES} hex digits on one line); "
            "restore it from a backup: a new secret deals a different split",
        )
    return bytes.fromhex(text)


def create_secret(root: Path) -> bytes:
    """Make the secret if there is none (mode 0600, written atomically); return the one in place."""
    path = secret_path(root)
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, GITIGNORE)
        write_new(path, secrets.token_bytes(SECRET_BYTES).hex() + "\n", mode=SECRET_MODE)
    except FileExistsError:
        pass  # made by another run a moment ago: use that one
    except OSError as exc:
        raise InputError(folder, f"cannot write the split secret: {exc.strerror or exc}") from None
    return read_secret(root)


def exposure(root: Path) -> str | None:
    """A warning when others than the owner may read the secret, else None."""
    try:
        mode = stat.S_IMODE(os.stat(secret_path(root)).st_mode)
    except OSError:
        return None
    if mode & 0o077:
        return f"{secret_path(root)} can be read by others (mode {mode:04o}); `chmod 600` it"
    return None


def fingerprint(secret: bytes, rotation: str) -> str:
    """A keyed digest naming (secret, rotation) without revealing the secret: memos record it, revisit compares it."""
    return hmac.new(secret, _FINGERPRINT_DOMAIN + rotation.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

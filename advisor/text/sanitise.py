"""Make an untrusted string safe to show: control characters become visible escapes.

Why this module exists: model and task names, sample ids, file names and price
ids come from files and servers advisor does not control. Printed raw, an
escape sequence can clear or rewrite the terminal and a newline can forge a
table row; a bidirectional override can make text read differently than it is.
Every renderer passes such strings through ``clean`` (one place, one rule): the
character stays visible as its escape (``\\x1b``, ``\\n``, ``\\u202e``), so the
user sees exactly what the file said.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, zero-width and bidirectional formatting characters, line/paragraph separators, BOM.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object) -> str:
    """``text`` as a string with every control or invisible formatting character shown as its escape."""
    return _UNSAFE.sub(_visible, str(text))

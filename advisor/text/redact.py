"""Take credentials out of URLs before they are stored or shown.

Why this module exists: people pass price sources like
``https://user:PW@host/prices.json?api_key=K``. The URL ends up in a
snapshot's ``source``, in ``http-cache.json``, in every memo's provenance and
in error lines; none of those may hold the password or the key. ``redact_url``
replaces the userinfo and the value of every credential-like query or
fragment parameter with ``***``; ``redact_text`` does that to every URL inside
a longer text (an error message from the HTTP library, a sheet's source).
"""

from __future__ import annotations

import re

MASK = "***"

#: Parameter names that carry credentials: api_key, apikey, access_token, X-Amz-Signature, sig, password …
_SECRET_NAME = re.compile(
    r"key|token|secret|pass|pwd|auth|sig|credential|session|cookie|bearer|jwt|private|code",
    re.IGNORECASE,
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>`]+")
_PARAM = re.compile(r"([^&;=#?]*)(=)([^&;#]*)")


def _redact_params(part: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"{name}={MASK}" if _SECRET_NAME.search(name) and m.group(3) else m.group(0)

    return _PARAM.sub(one, part)


def redact_url(url: str) -> str:
    """``url`` without userinfo (``user:pw@``) and with credential-like parameter values masked."""
    scheme_end = url.find("://")
    if scheme_end < 0:
        return url
    head, rest = url[: scheme_end + 3], url[scheme_end + 3 :]
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        authority = MASK + "@" + authority.rsplit("@", 1)[1]
    path, sep, query = tail.partition("?")
    if not sep:
        path, sep, query = tail.partition("#")
        return head + authority + path + (sep + _redact_params(query) if sep else "")
    return head + authority + path + sep + _redact_params(query)


def redact_text(text: str) -> str:
    """``text`` with every URL in it passed through ``redact_url``."""

    def one(m: re.Match[str]) -> str:
        url = m.group()
        trail = len(url) - len(url.rstrip(".,:;)]"))  # sentence punctuation after the URL stays
        return redact_url(url[: len(url) - trail]) + url[len(url) - trail :]

    return _URL.sub(one, text)

"""Make an untrusted string safe to show: in a terminal, in Markdown, in a link.

Why this module exists: model and task names, sample ids, file names and price
ids come from files and servers advisor does not control. Printed raw, an
escape sequence can clear or rewrite the terminal and a newline can forge a
table row; a bidirectional override can make text read differently than it is.
In a Markdown memo the same name could carry raw HTML, a remote image, a
``javascript:`` link or a new heading. Every renderer passes such strings
through this module (one place, one rule):

- ``clean``: control and invisible formatting characters become visible
  escapes (``\\x1b``, ``\\n``, ``\\u202e``), so the user sees exactly what the
  file said. Terminal tables and error lines use it.
- ``json_visible``: JSON text with those characters as ``\\u`` escapes
  (for JSON embedded in a file people read, such as the memo's snapshot).
- ``plain``: ``clean`` as a Rich ``Text``, so ``[bold]`` in a name stays
  literal (Rich and Textual read markup in plain strings).
- ``markdown``, ``markdown_code``, ``markdown_link``: ``clean``, then escaped
  for the memo's inline Markdown (the HTML memo reads the same escapes back;
  see ``advisor.memo.blocks``).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from rich.text import Text

#: C0 and C1 controls, DEL, zero-width and bidirectional formatting characters, line/paragraph separators, BOM.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: The same without the C0 controls, which JSON escapes itself (and whose \n, \t may be JSON's own layout).
_INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object) -> str:
    """``text`` as a string with every control or invisible formatting character shown as its escape."""
    return _UNSAFE.sub(_visible, str(text))


def json_visible(text: str) -> str:
    """JSON text with every control or invisible formatting character written as a ``\\uXXXX`` escape.

    The same data (JSON reads the escape back), but a file that embeds it (the
    memo's snapshot) shows no bidirectional override or hidden character to
    someone reading it raw. Valid because such characters occur only inside
    JSON strings; C0 controls are left to the JSON encoder (it escapes them
    in strings, and its own line breaks are layout).
    """
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def plain(text: object, style: str = "") -> Text:
    """``clean(text)`` as Rich text: printed as it is, never read as markup or emoji codes."""
    return Text(clean(text), style=style)


# ------------------------------------------------------------------ Markdown

#: Characters that start Markdown syntax anywhere in a line: emphasis, code, links and images,
#: raw HTML and autolinks, entities, tables, headings, strikethrough, math, and the escape itself.
_MD_ALWAYS = frozenset("\\`*[]<>&|#~$")
#: A list marker or a numbered-list start at the beginning of a string that may begin a line.
_MD_LEADING = re.compile(r"^(?:[-+=]|\d+(?=[.)]))")


def markdown(text: object) -> str:
    """``text`` as literal inline Markdown: ``clean``, then every character that could start syntax escaped.

    Underscores inside a word (``mmlu_pro``) and ``@`` after a letter
    (``model@2024``) cannot start syntax and stay as they are, so names read
    naturally in the raw file.
    """
    s = clean(text)
    out: list[str] = []
    for i, ch in enumerate(s):
        before = s[i - 1] if i else ""
        if ch == "_":  # a run of underscores inside a word (a__b) can neither open nor close emphasis
            start, end = i, i
            while start > 0 and s[start - 1] == "_":
                start -= 1
            while end < len(s) and s[end] == "_":
                end += 1
            inside = start > 0 and s[start - 1].isalnum() and end < len(s) and s[end].isalnum()
        if ch in _MD_ALWAYS or (ch == "_" and not inside) or (ch == "@" and not before.isalnum()):
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    lead = _MD_LEADING.match(escaped)
    if lead:  # "- x" or "1. x" at the start of a paragraph would become a list
        end = lead.end()
        escaped = escaped[:end] + "\\" + escaped[end:] if lead.group()[0].isdigit() else "\\" + escaped
    return escaped


def markdown_code(text: object) -> str:
    """``text`` as an inline code span: ``clean``ed, with a fence longer than any backtick run inside."""
    s = clean(text)
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith(("`", " ")) or s.endswith(("`", " ")) else ""
    return f"{fence}{pad}{s}{pad}{fence}"


#: Link targets a memo may carry: web pages and relative paths (another memo beside this one).
SAFE_SCHEMES = frozenset({"http", "https"})


def link_target(target: str) -> str | None:
    """``target`` percent-encoded for a Markdown link, or None if it is not a web or relative address."""
    try:
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return None
    if scheme and scheme not in SAFE_SCHEMES:  # javascript:, data:, file:, vbscript: …
        return None
    if not scheme and (target.startswith("//") or ":" in target.split("/", 1)[0]):
        return None  # protocol-relative, or a scheme spelled to dodge the parser
    return quote(target, safe="/:?#=&%~+,;@!$'*.-_")


def markdown_link(label: object, target: str) -> str:
    """A Markdown link to ``target`` labelled ``label``; just the label when the target is not safe."""
    url = link_target(target)
    text = markdown(label)
    return f"[{text}]({url})" if url is not None else text

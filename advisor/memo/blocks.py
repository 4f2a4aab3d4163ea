"""A memo as a list of simple blocks, rendered to Markdown or to HTML.

Why this module exists: the Markdown and HTML memos must say the same thing.
The sections are written once as blocks (heading, paragraph, list, table,
chart, snapshot) and each renderer only decides how a block looks. Inline
text is a small subset of Markdown: ``**bold**``, `` `code` `` (any fence
length), ``[label](target)`` and backslash escapes. Sections put every
untrusted string (model and task names, ids, file names, sources) in through
``advisor.text.sanitise.markdown`` / ``markdown_code`` / ``markdown_link``,
so in the ``.md`` file it is literal text, and the HTML renderer reads the
same escapes back: no raw HTML, image, foreign link or new line gets through
either.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from advisor.text.sanitise import clean, link_target


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: "l" or "r" per column.
    align: str = ""

    def aligns(self) -> str:
        return (self.align or "l" * len(self.headers)).ljust(len(self.headers), "l")


@dataclass(frozen=True)
class Chart:
    """An inline SVG (HTML only); Markdown shows the caption's pointer to the table instead."""

    svg: str
    caption: str


@dataclass(frozen=True)
class Raw:
    """Already-rendered text per format (the snapshot)."""

    markdown: str
    html: str


Block = Heading | Para | Bullets | Table | Chart | Raw


@dataclass
class Doc:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


# ------------------------------------------------------------------ Markdown


def _md_cell(text: str) -> str:
    """A table cell: pipes that are not already escaped get a backslash; a line break becomes a space."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 2
            continue
        out.append("\\|" if ch == "|" else " " if ch in "\r\n" else ch)
        i += 1
    return "".join(out)


def _md_line(text: str) -> str:
    """Inline text on one line: a stray line break (never from a name: those are escaped) becomes a space."""
    return text.replace("\r", " ").replace("\n", " ")


def to_markdown(doc: Doc) -> str:
    out: list[str] = [f"# {_md_line(doc.title)}", ""]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += [f"{'#' * b.level} {_md_line(b.text)}", ""]
        elif isinstance(b, Para):
            out += [_md_line(b.text), ""]
        elif isinstance(b, Bullets):
            out += [*(f"- {_md_line(item)}" for item in b.items), ""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            out.append("|" + "|".join("---:" if a == "r" else "---" for a in b.aligns()) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Chart):
            continue
        else:
            out += [b.markdown.rstrip("\n"), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------ HTML

_PUNCT = frozenset(string.punctuation)
_TAG = re.compile(r"<[^>]*>")  # only our own tags: inline_html escapes every "<" of the text


def _run(text: str, i: int) -> int:
    """How many backticks start at ``i``."""
    j = i
    while j < len(text) and text[j] == "`":
        j += 1
    return j - i


def _code_end(text: str, i: int) -> tuple[int, int] | None:
    """For a backtick run at ``i``: (run length, index of the closing run of the same length), if any."""
    run = _run(text, i)
    j = i + run
    while True:
        j = text.find("`" * run, j)
        if j < 0:
            return None
        found = _run(text, j)
        if found == run:
            return run, j
        j += found


def _skip(text: str, i: int) -> int:
    """The index after the escape or code span starting at ``i`` (or ``i + 1``)."""
    if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCT:
        return i + 2
    if text[i] == "`":
        code = _code_end(text, i)
        return code[1] + code[0] if code is not None else i + _run(text, i)
    return i + 1


def _find(text: str, token: str, start: int) -> int:
    """The next ``token`` at or after ``start`` that is not escaped or inside a code span; -1 if none."""
    i = start
    while i < len(text):
        if text.startswith(token, i):
            return i
        i = _skip(text, i)
    return -1


def inline_html(text: str) -> str:
    """The inline Markdown subset as HTML; everything else is literal, escaped text."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in _PUNCT:
            out.append(html.escape(text[i + 1]))
            i += 2
        elif ch == "`":
            code = _code_end(text, i)
            if code is None:
                run = _run(text, i)
                out.append("`" * run)
                i += run
                continue
            run, end = code
            body = text[i + run : end]
            if len(body) > 1 and body.startswith(" ") and body.endswith(" "):
                body = body[1:-1]
            out.append(f"<code>{html.escape(clean(body))}</code>")
            i = end + run
        elif text.startswith("**", i) and (close := _find(text, "**", i + 2)) > i + 2:
            out.append(f"<strong>{inline_html(text[i + 2 : close])}</strong>")
            i = close + 2
        elif ch == "[" and (close := _find(text, "]", i + 1)) > i and text.startswith("(", close + 1):
            end = text.find(")", close + 2)
            target = text[close + 2 : end] if end > 0 else ""
            url = link_target(target) if end > 0 and " " not in target else None
            if url is None:
                out.append(html.escape(ch))
                i += 1
                continue
            out.append(f'<a href="{html.escape(url, quote=True)}">{inline_html(text[i + 1 : close])}</a>')
            i = end + 1
        else:
            out.append(html.escape(clean(ch)))
            i += 1
    return "".join(out)


CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;margin:2rem auto;
padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:13px}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;vertical-align:top;overflow-wrap:anywhere}th{background:#f6f8fa}
td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}td.r{white-space:nowrap;overflow-wrap:normal}
code{background:#f6f8fa;padding:0 .2rem;border-radius:3px}
figure{margin:1rem 0}figcaption{color:#57606a;font-size:13px}
svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}
th,td{border-color:#30363d}code{background:#161b22}svg text{fill:#e6edf3}
svg .axis{stroke:#8b949e}svg .bg{fill:#0d1117}}
""".strip()


def to_html(doc: Doc, *, lang: str = "en") -> str:
    esc: Callable[[str], str] = inline_html
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_TAG.sub('', inline_html(doc.title))}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(doc.title)}</h1>",
    ]
    for b in doc.blocks:
        if isinstance(b, Heading):
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            out.append(f"<h{b.level}{anchor}>{esc(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{esc(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            aligns = b.aligns()
            head = "".join(f'<th class="{a}">{esc(h)}</th>' for h, a in zip(b.headers, aligns, strict=True))
            body = "".join(
                "<tr>" + "".join(f'<td class="{a}">{esc(c)}</td>' for c, a in zip(row, aligns, strict=True)) + "</tr>"
                for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(b, Chart):
            out.append(f"<figure>{b.svg}<figcaption>{esc(b.caption)}</figcaption></figure>")
        else:
            out.append(b.html.rstrip("\n"))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"

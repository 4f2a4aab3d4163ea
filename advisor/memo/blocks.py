"""A memo as a list of simple blocks, rendered to Markdown or to HTML.

Why this module exists: the Markdown and HTML memos must say the same thing.
The sections are written once as blocks (heading, paragraph, list, table,
chart, snapshot) and each renderer only decides how a block looks. Inline
text may use ``**bold**`` and `` `code` ``; nothing else is interpreted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field


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
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Doc) -> str:
    out: list[str] = [f"# {doc.title}", ""]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += [f"{'#' * b.level} {b.text}", ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += [*(f"- {item}" for item in b.items), ""]
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

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def inline_html(text: str) -> str:
    s = html.escape(text, quote=True)
    s = _CODE.sub(r"<code>\1</code>", s)
    s = _BOLD.sub(r"<strong>\1</strong>", s)
    return _LINK.sub(r'<a href="\2">\1</a>', s)


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
        f"<title>{html.escape(doc.title)}</title>",
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

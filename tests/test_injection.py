"""Hostile names: nothing they contain reaches a terminal raw, or becomes Markdown/HTML syntax in a memo.

A workspace whose model, task and sample names carry escape sequences, Rich
markup, a newline that would forge a table row, raw HTML, a remote image and
a ``javascript:`` link goes through every renderer. In the terminal every
such character must be a visible escape and ``[bold]`` must stay literal; the
Markdown memo, rendered by an independent CommonMark renderer (markdown-it-py,
which Rich already depends on), must hold no tag, image or link from a name,
and show each name exactly as ``clean`` spells it; the HTML memo likewise;
JSON keeps the raw strings (it is data).
"""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from advisor.cli import main
from advisor.memo.blocks import inline_html
from advisor.text.sanitise import clean, markdown, markdown_code, markdown_link
from tests.helpers import write_jsonl

EVIL_MODEL = (
    "evil\x1b[2J\x1b]8;;http://x.test\x07[bold]X[/bold]<script>alert(1)</script>"
    "![i](http://x.test/y.png)[l](javascript:alert(1))\nspoof | row \u202eevil"
)
EVIL_TASK = "task|x\n# heading <img src=http://x.test/t.png>"
EVIL_ID = "id`1`\x1b[31m<b>"
GOOD_MODEL = "openai/gpt-4o-mini"
#: What must never reach a terminal: ESC, BEL, CSI (C1), a bidi override, a carriage return.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def evil_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evil")
    rng = random.Random(7)
    rows = [
        {
            "model": m,
            "task": t,
            "sample_id": f"{EVIL_ID}{i}",
            "score": float(rng.random() < 0.7),
            "input_tokens": 100,
            "output_tokens": 50,
            "latency_ms": 100 + i,
        }
        for m in (EVIL_MODEL, GOOD_MODEL)
        for t in (EVIL_TASK, "plain")
        for i in range(30)
    ]
    write_jsonl(root / "results" / "r.jsonl", rows)
    name = json.dumps("ws <img src=http://x.test/a.png> \x1b[2J")
    alias = json.dumps(EVIL_MODEL)
    (root / "advisor.toml").write_text(
        f'name = {name}\nresults = ["results/*.jsonl"]\n[aliases]\n{alias} = "gpt-4o"\n', encoding="utf-8"
    )
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_terminal_safe(text: str) -> None:
    assert not RAW_CONTROLS.search(text), repr(RAW_CONTROLS.search(text))
    assert not any(line.lstrip().startswith("spoof") for line in text.splitlines())  # no forged row


@pytest.mark.parametrize(
    "args",
    [
        ["rank"],
        ["data"],
        ["compare", EVIL_MODEL, GOOD_MODEL],
        ["prices", "match"],
    ],
)
def test_terminal_output_is_clean(evil_ws: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    argv = [*args, str(evil_ws)] if args[0] != "compare" else [*args, str(evil_ws), "--examples", "3"]
    code, out, err = run(capsys, *argv)
    assert code in (0, 1), err
    assert_terminal_safe(out + err)
    assert "\\x1b[2J" in out  # the escape is shown, not executed
    if args[0] in ("rank", "compare", "prices"):
        assert "[bold]X[/bold]" in out  # Rich markup in a name stays literal


def test_json_keeps_the_raw_names(evil_ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", str(evil_ws), "--format", "json", "--resamples", "0")
    assert code == 0
    assert EVIL_MODEL in {m["model"] for m in json.loads(out)["models"]}


def test_error_lines_show_hostile_file_names_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "r\x1b[2J\u202e.jsonl"
    bad.write_text('{"model": "a", "task": "t", "sample_id": "1", "score": 7}\n')
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "advisor.toml").write_text(f'name = "w"\nresults = [{json.dumps(str(bad))}]\n')
    code, _, err = run(capsys, "data", str(tmp_path / "ws"))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert_terminal_safe(err)
    assert "r\\x1b[2J\\u202e.jsonl" in err


def test_prices_list_and_show_with_hostile_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "sheet.toml"
    evil = json.dumps("evil\x1b[31m[bold]id\n| spoof")
    sheet.write_text(
        f'as_of = 2026-01-01\nsource = "http://u:PW@x.test/p.json?api_key=K"\n\n[[models]]\nid = {evil}\n'
        f'provider = "p\x1b[0m"\naliases = ["[link=http://x.test]a[/link]"]\n'
        "input_per_mtok = 1\noutput_per_mtok = 2\n".replace("\x1b", "\\u001b"),
        encoding="utf-8",
    )
    for args in (["prices", "list", "--sheet", str(sheet)], ["prices", "show", "evil", "--sheet", str(sheet)]):
        code, out, err = run(capsys, *args)
        assert_terminal_safe(out + err)
        if args[1] == "list":
            assert code == 0 and "evil\\x1b[31m[bold]id\\n| spoof" in out.replace("\n", "")
    code, out, err = run(capsys, "prices", "show", "evil\x1b[31m[bold]id\n| spoof", "--sheet", str(sheet))
    assert code == 0, err
    assert_terminal_safe(out)
    assert "[link=http://x.test]a[/link]" in out  # markup stays text
    assert "PW" not in out and "api_key=***" in out


# ----------------------------------------------------------------------------- memos


def _markdown_html(text: str) -> str:
    return MarkdownIt("gfm-like", {"html": True, "linkify": False}).render(text)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tags_of(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def assert_no_injected_markup(parsed: Tags) -> None:
    for tag, attrs in parsed.tags:
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        if tag == "script":
            assert attrs.get("type") == "application/json", attrs  # only the snapshot
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").lower().lstrip().startswith(("javascript:", "data:")), (tag, name, value)
    headings = [t for t, _ in parsed.tags if re.fullmatch(r"h[1-6]", t)]
    assert len(headings) == 10  # the title and the nine sections: no heading from a task name


def test_markdown_memo_renders_names_as_text(evil_ws: Path, tmp_path: Path) -> None:
    memo = tmp_path / "m.md"
    assert main(["memo", str(evil_ws), "-o", str(memo)]) == 0
    text = memo.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text
    parsed = tags_of(_markdown_html(text))
    assert_no_injected_markup(parsed)
    shown = "".join(parsed.text)
    for name in (EVIL_MODEL, EVIL_TASK):
        assert clean(name) in shown  # every character of the name, as text
    assert main(["revisit", str(memo), "--prices", "latest", "--format", "json"]) in (0, 3, 4)


def test_html_memo_renders_names_as_text(evil_ws: Path, tmp_path: Path) -> None:
    memo = tmp_path / "m.html"
    assert main(["memo", str(evil_ws), "-o", str(memo)]) == 0
    parsed = tags_of(memo.read_text(encoding="utf-8"))
    assert_no_injected_markup(parsed)
    shown = "".join(parsed.text)
    assert clean(EVIL_MODEL) in shown and clean(EVIL_TASK) in shown


# ----------------------------------------------------------------------------- the escaping functions


@pytest.mark.parametrize(
    "name",
    [
        "openai/gpt-4o",
        "mmlu_pro",
        "anthropic__claude",
        "_x_ *y* **z**",
        "<b>x</b> &amp; &#x41;",
        "![i](http://x/y.png)",
        "[a](javascript:alert(1))",
        "- item",
        "12. item",
        "# heading",
        "a | b",
        "`code` ``more``",
        "$x$ ~~s~~ @someone model@2024",
        "back\\slash\\*",
        "line\nbreak\r\n",
    ],
)
def test_markdown_escape_round_trips_through_both_renderers(name: str) -> None:
    para = f"Pick **{markdown(name)}** now."
    rendered = _markdown_html(para)
    parsed = tags_of(rendered)
    assert [t for t, _ in parsed.tags] == ["p", "strong"], rendered
    assert "".join(parsed.text).strip() == f"Pick {clean(name)} now."
    ours = tags_of(f"<p>{inline_html(para)}</p>")
    assert [t for t, _ in ours.tags] == ["p", "strong"]
    assert "".join(ours.text) == f"Pick {clean(name)} now."


@pytest.mark.parametrize("sample_id", ["plain", "a`b", "``", "` x `", "x\x1by"])
def test_code_spans_hold_any_sample_id(sample_id: str) -> None:
    span = markdown_code(sample_id)
    for rendered in (_markdown_html(span), f"<p>{inline_html(span)}</p>"):
        parsed = tags_of(rendered)
        assert [t for t, _ in parsed.tags] == ["p", "code"], rendered
        assert "".join(parsed.text).strip("\n") == clean(sample_id)


@pytest.mark.parametrize(
    ("target", "linked"),
    [
        ("memo (1).md", True),
        ("../memos/m.md", True),
        ("https://example.org/a b", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("//evil.test/x", False),
        ("file:///etc/passwd", False),
    ],
)
def test_links_only_to_web_or_relative_targets(target: str, linked: bool) -> None:
    text = markdown_link(target, target)
    for rendered in (_markdown_html(text), f"<p>{inline_html(text)}</p>"):
        anchors = [a for t, a in tags_of(rendered).tags if t == "a"]
        assert bool(anchors) == linked, rendered
        if anchors:
            href = anchors[0]["href"] or ""
            assert " " not in href and "(" not in href

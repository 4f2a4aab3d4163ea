"""Set keys of the ``[split]`` table in advisor.toml, keeping every other byte the user wrote.

Why this module exists: advisor.toml is written by people, with comments and
an order that mean something to them; ``advisor split`` must record the share
and the rotation without reformatting it. Only the lines of the keys it sets
change (a trailing comment on such a line is kept); a missing ``[split]`` table
is appended at the end, clearly apart. Then the new text is parsed again and
must equal the old document with only ``split`` changed: anything else (say,
``split`` written as an inline table or dotted keys) is an error naming the
line, and the file is left untouched. The write is atomic and keeps the mode.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from advisor.errors import InputError
from advisor.files.atomic import write_atomic
from advisor.files.tomlfile import read_toml

TomlValue = float | str | tuple[str, ...]

_HEADER = re.compile(r"""^\s*\[\s*(?:split|"split"|'split')\s*\]\s*(?:#.*)?$""")
_ANY_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"""^\s*(?:split|"split"|'split')\s*[.=]""")
NEW_TABLE_COMMENT = (
    "# Private, rotating eval sets (`advisor split`, docs/split.md): the share of items held out and the\n"
    "# rotation; the split's secret is in .advisor/secret and never in this file.\n"
)


def toml_value(value: TomlValue) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)  # labels are plain ASCII (ROTATION_PATTERN): a JSON string is a TOML one
    return repr(float(value))


def _parses(text: str) -> dict[str, object] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _statements(lines: Sequence[str], start: int) -> tuple[list[tuple[int, int, str]], int]:
    """The key statements of the table starting after line ``start``: (first line, end line, key); and its end.

    A statement runs until its lines parse (multi-line arrays and strings), so a
    line inside a value that starts with ``[`` is not taken for a table header.
    """
    out: list[tuple[int, int, str]] = []
    i = start + 1
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        if _ANY_HEADER.match(lines[i]):
            return out, i
        j = i
        while j < len(lines):
            doc = _parses("".join(lines[i : j + 1]))
            if doc is not None:
                out.append((i, j + 1, next(iter(doc))))
                break
            j += 1
        else:
            return out, len(lines)  # unparsable to the end: the final check reports it
        i = j + 1
    return out, len(lines)


def _trailing_comment(line: str) -> str:
    """The ``# ...`` after a one-line ``key = value``, if any (a ``#`` inside a string is not one)."""
    body = line.rstrip("\r\n")
    for pos in [m.start() for m in re.finditer("#", body)]:
        if _parses(body[:pos].rstrip() + "\n") is not None:
            return body[pos:]
    return ""


def edit_split(text: str, values: Mapping[str, TomlValue | None], where: str) -> str:
    """``text`` with the ``[split]`` keys in ``values`` set (None: removed); other bytes unchanged."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    if len(headers) > 1:
        raise InputError(f"{where}:{headers[1] + 1}", "[split] appears twice")
    if not headers:
        dotted = next((i for i, line in enumerate(lines) if _KEY_LINE.match(line)), None)
        if dotted is not None:
            raise InputError(
                f"{where}:{dotted + 1}",
                "split is written as an inline table or dotted keys; `advisor split` edits a [split] table "
                "only: write it as one",
            )
        body = "".join(f"{k} = {toml_value(v)}{newline}" for k, v in values.items() if v is not None)
        gap = "" if not lines else (newline if lines[-1].endswith("\n") else newline * 2)
        return text + gap + NEW_TABLE_COMMENT.replace("\n", newline) + f"[split]{newline}" + body
    header = headers[0]
    statements, _ = _statements(lines, header)
    spans = {key: (a, b) for a, b, key in statements}
    last = statements[-1][1] if statements else header + 1
    replace: dict[int, tuple[int, str]] = {}
    for key, value in values.items():
        if key in spans:
            a, b = spans[key]
            if value is None:
                replace[a] = (b, "")
                continue
            indent = re.match(r"\s*", lines[a]).group(0)  # type: ignore[union-attr]
            comment = _trailing_comment(lines[a]) if b == a + 1 else ""
            replace[a] = (b, f"{indent}{key} = {toml_value(value)}{'  ' + comment if comment else ''}{newline}")
    added = "".join(f"{k} = {toml_value(v)}{newline}" for k, v in values.items() if k not in spans and v is not None)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i == last and added:
            out.append(added)
        if i in replace:
            end, new = replace[i]
            out.append(new)
            i = end
            continue
        out.append(lines[i])
        i += 1
    if last >= len(lines) and added:
        if out and not out[-1].endswith("\n"):
            out.append(newline)
        out.append(added)
    return "".join(out)


def write_split(path: Path, values: Mapping[str, TomlValue | None]) -> None:
    """Set ``[split]`` keys in the TOML file at ``path``; check the result, then write it atomically."""
    old, text = read_toml(path)
    new_text = edit_split(text, values, str(path))
    new = _parses(new_text)
    before = old.get("split")
    expected_split: dict[str, object] = dict(before) if isinstance(before, dict) else {}
    for key, value in values.items():
        if value is None:
            expected_split.pop(key, None)
        else:
            expected_split[key] = list(value) if isinstance(value, tuple) else value
    rest_same = new is not None and {k: v for k, v in new.items() if k != "split"} == {
        k: v for k, v in old.items() if k != "split"
    }
    if new is None or not rest_same or new.get("split") != expected_split:
        raise InputError(
            path,
            "cannot set [split] here without changing something else; add it by hand: "
            + ", ".join(f"{k} = {toml_value(v)}" for k, v in values.items() if v is not None),
        )
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        write_atomic(path, new_text, mode=mode)
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None

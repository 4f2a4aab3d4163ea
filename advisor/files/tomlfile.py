"""Read the TOML files people write (profiles, price sheets, workspaces) into pydantic models.

One place turns every problem into a single line that names the file, the
line and the key: a syntax error (tomllib says where), a wrong value or an
unknown key (pydantic says which key; we find its line in the text).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from advisor.errors import InputError
from advisor.files.reading import TEXT_LIMIT, read_regular

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path) -> tuple[dict[str, object], str]:
    """The parsed document and its text (for locating keys in error messages)."""
    data = read_regular(path, limit=TEXT_LIMIT)
    try:
        text = data.decode("utf-8")
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    except RecursionError:
        raise InputError(path, "not valid TOML: arrays or tables nested too deeply") from None


def load_model(path: Path, model: type[M]) -> M:
    data, text = read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(path, exc, text) from None


def validation_error(path: str | Path, err: ValidationError, text: str | None = None) -> InputError:
    """The first validation problem as one line: file, line, dotted key, message."""
    first = err.errors()[0]
    loc = tuple(first["loc"])
    key = ".".join(str(p) for p in loc) or "(top level)"
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key"
    line = key_line(text, loc) if text is not None else None
    where = f"{path}:{line}" if line else str(path)
    return InputError(f"{where} [{key}]", msg)


def key_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The 1-based line where a key path is written, following tables and arrays of tables."""
    lines = text.splitlines()
    start = 0
    path: list[str] = []
    found: int | None = None
    steps = list(loc)
    for i, step in enumerate(steps):
        if isinstance(step, int):
            continue
        path.append(step)
        dotted = r"\s*\.\s*".join(re.escape(p) for p in path)
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        if isinstance(nxt, int):  # [[path]] number nxt
            header = re.compile(rf"^\s*\[\[\s*{dotted}\s*\]\]")
            hits = [n for n in range(start, len(lines)) if header.match(lines[n])]
            if nxt < len(hits):
                start = found = hits[nxt]
                continue
        header = re.compile(rf"^\s*\[\s*{dotted}\s*\]")
        hit = next((n for n in range(start, len(lines)) if header.match(lines[n])), None)
        if hit is None:
            name = re.escape(step)
            assign = re.compile(rf"""^\s*(?:{name}|"{name}"|'{name}')\s*=""")
            hit = next((n for n in range(start, len(lines)) if assign.match(lines[n])), None)
        if hit is None:
            if nxt is None:
                break  # the key itself is not written: point at its table
            continue  # a dotted header such as [utility.cost] names this level later
        start = found = hit
    return found + 1 if found is not None else None

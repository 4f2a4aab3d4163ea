"""What the probe sends: prompts from a file, from the workspace's own eval results, or synthetic.

Why this module exists: latency depends on the token mix (a long prompt waits
longer for its first token), so the probe should send what production sends.
In order of preference: ``--prompts FILE`` (JSONL: a string, ``{"prompt": …}``
or ``{"messages": [...]}`` per line; any other file: one prompt per non-empty
line); the prompts recorded in the workspace's result files (Inspect,
promptfoo and lm-eval record them; ``prompts_from_results``); else synthetic
prompts whose length in words is drawn from Normal(mean, sd), at least one
word, as LLMPerf does (common English words are about one token each).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from advisor.errors import InputError
from advisor.files.reading import read_regular
from advisor.ingest import detect

Messages = list[dict[str, Any]]

#: Short, common words: each is one token in the usual BPE vocabularies.
WORDS = (
    "time year people way day man thing woman life child world school state family student group country "
    "problem hand part place case week company system program question work government number night point "
    "home water room mother area money story fact month lot right study book eye job word business issue "
    "side kind head house service friend father power hour game line end member law car city name team"
).split()
SYNTHETIC_INSTRUCTION = "Write a long, detailed story that uses every one of these words:"


def user(text: str) -> Messages:
    return [{"role": "user", "content": text}]


def synthetic(count: int, *, mean_words: int, sd_words: int, seed: int = 0) -> list[Messages]:
    """``count`` prompts with Normal(mean, sd) words each (at least one), reproducible by ``seed``."""
    rng = np.random.default_rng(seed)
    lengths = np.maximum(1, np.rint(rng.normal(mean_words, sd_words, size=count))).astype(int)
    vocab = np.asarray(WORDS)
    return [user(f"{SYNTHETIC_INSTRUCTION} {' '.join(rng.choice(vocab, size=int(n)))}") for n in lengths]


def _messages(value: Any, where: str) -> Messages:
    """A prompt as chat messages: a string, or a list of {role, content} objects."""
    if isinstance(value, str):
        if not value.strip():
            raise InputError(where, "empty prompt")
        return user(value)
    if isinstance(value, list) and value:
        for m in value:
            if not (isinstance(m, dict) and isinstance(m.get("role"), str) and "content" in m):
                raise InputError(where, "messages must be objects with a role and a content")
        return [{"role": m["role"], "content": m["content"]} for m in value]
    raise InputError(where, 'expected a prompt string, {"prompt": …} or {"messages": [...]}')


def from_file(path: Path) -> list[Messages]:
    """Prompts from a JSONL file (string, prompt or messages per line) or a text file (one per line)."""
    data = read_regular(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    out: list[Messages] = []
    jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if not jsonl:
            out.append(user(line))
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg})") from None
        if isinstance(value, dict):
            if "messages" in value:
                value = value["messages"]
            elif "prompt" in value:
                value = value["prompt"]
        out.append(_messages(value, where))
    if not out:
        raise InputError(path, "no prompts in this file")
    return out


def prompts_from_results(paths: list[Path]) -> tuple[list[Messages], list[str]]:
    """The prompts recorded in eval result files (deduplicated, in file order), and what was skipped."""
    seen: dict[bytes, Messages] = {}
    skipped: list[str] = []
    for path in paths:
        try:
            fmt = detect.importer_for(path).NAME
        except InputError as exc:
            skipped.append(exc.line())
            continue
        reader = _READERS.get(fmt)
        if reader is None:
            skipped.append(f"{path}: {fmt} files do not record prompts")
            continue
        found = 0
        try:
            for prompt in reader(path):
                found += 1
                seen.setdefault(orjson.dumps(prompt), prompt)
        except (orjson.JSONDecodeError, zipfile.BadZipFile, KeyError, OSError, InputError) as exc:
            skipped.append(f"{path}: prompts not readable ({type(exc).__name__})")
            continue
        if not found:
            skipped.append(f"{path}: no prompts recorded")
    return list(seen.values()), skipped


def _inspect(path: Path) -> Iterator[Messages]:
    """Inspect AI: each sample's ``input`` (a string or chat messages), from a .json log or an .eval zip."""
    if path.suffix.lower() == ".eval":
        with zipfile.ZipFile(path) as zf:
            for name in sorted(n for n in zf.namelist() if n.startswith("samples/") and n.endswith(".json")):
                yield from _inspect_samples([orjson.loads(zf.read(name))])
        return
    doc = orjson.loads(read_regular(path))
    yield from _inspect_samples(doc.get("samples") or [] if isinstance(doc, dict) else [])


def _inspect_samples(samples: list[Any]) -> Iterator[Messages]:
    for s in samples:
        value = s.get("input") if isinstance(s, dict) else None
        if isinstance(value, str) and value.strip():
            yield user(value)
        elif isinstance(value, list) and value:
            messages = [
                {"role": m["role"], "content": m["content"]}
                for m in value
                if isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
            ]
            if messages:
                yield messages


def _promptfoo(path: Path) -> Iterator[Messages]:
    """promptfoo: each result's rendered ``prompt.raw`` (a string, or chat messages as JSON)."""
    doc = orjson.loads(read_regular(path))
    results = doc.get("results") if isinstance(doc, dict) else None
    rows = results.get("results") if isinstance(results, dict) else results
    for row in rows if isinstance(rows, list) else []:
        prompt = row.get("prompt") if isinstance(row, dict) else None
        raw = prompt.get("raw") if isinstance(prompt, dict) else None
        if isinstance(raw, str) and raw.strip():
            yield _maybe_chat(raw)


def _lm_eval(path: Path) -> Iterator[Messages]:
    """lm-eval: each sample's first request argument (a string, or chat messages as JSON)."""
    files = [path] if path.name.startswith("samples_") else sorted(path.parent.glob("samples_*.jsonl"))
    for file in files:
        for line in read_regular(file).splitlines():
            if not line.strip():
                continue
            row = orjson.loads(line)
            args = row.get("arguments") if isinstance(row, dict) else None
            first: Any = None
            if isinstance(args, dict) and args:
                first = next(iter(args.values()))
                first = first.get("arg_0") if isinstance(first, dict) else None
            elif isinstance(args, list) and args:
                first = args[0]
            if isinstance(first, list) and first:
                first = first[0]
            if isinstance(first, str) and first.strip():
                yield _maybe_chat(first)


def _maybe_chat(text: str) -> Messages:
    """A prompt that is a JSON list of chat messages is sent as those messages."""
    if text.lstrip().startswith("[{"):
        try:
            return _messages(orjson.loads(text), "prompt")
        except (orjson.JSONDecodeError, InputError):
            pass
    return user(text)


_READERS = {"inspect": _inspect, "promptfoo": _promptfoo, "lm_eval": _lm_eval}

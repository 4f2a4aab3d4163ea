"""Property-based tests: arbitrary and mutated input to every reader and parser.

Whatever the bytes, advisor answers with a result or one ``InputError`` line,
never another exception (a traceback for the user). Inputs are arbitrary
bytes, arbitrary JSON, JSON Lines of sample-shaped records, byte-level
mutations of the real fixtures in ``tests/data``, and structured mutations of
valid documents (a value anywhere in a profile, workspace, price sheet,
settings file or memo snapshot replaced by any TOML/JSON value). The example
counts are small and the seed is fixed (``derandomize``), so the file runs in
seconds and the same way everywhere; ``ADVISOR_PROPERTY_EXAMPLES=N`` runs N
random examples each (1,500 found nothing more when this was written).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import InputError
from advisor.ingest.detect import load_file
from advisor.ingest.load import load_paths
from advisor.inputs.profiles import load_profile_file
from advisor.inputs.workspace import load_workspace
from advisor.memo.snapshot_text import canonical_digest, extract, parse
from advisor.prices.sheet import load_sheet
from tests.memo_helpers import GOLDEN, MEMO_WS
from tests.test_ingest_hostile import UNITS, copy, damaged, target

HERE = Path(__file__).resolve().parent
PROFILE = HERE.parent / "profiles" / "support-bot.toml"
SHEET = MEMO_WS / "prices-2025-11-26.toml"
WORKSPACE = MEMO_WS / "advisor.toml"
MEMO = GOLDEN / "memo_ws.md"

#: A deeper, random run: ADVISOR_PROPERTY_EXAMPLES=2000 python -m pytest tests/test_properties.py
DEEP = os.environ.get("ADVISOR_PROPERTY_EXAMPLES")
FAST = settings(
    max_examples=int(DEEP or 40),
    deadline=None,
    derandomize=DEEP is None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- values


text = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "gpt-4o", "\x1b[2J", "a\nb", "../x", "[bold]x", "nan", "-1", "1e309", "\u202e"]
)
numbers = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, 1, -1, 0.5, 2**31, 2**63, 1e300, -0.0])
)
scalars = st.none() | st.booleans() | numbers | text
json_values = st.recursive(
    scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(text, kids, max_size=4), max_leaves=12
)


def toml_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "-_" for c in key) and key.isascii() else json.dumps(key)


def toml_value(v: Any) -> str:
    """A value in TOML syntax (inline tables and arrays; None has no TOML spelling: an empty table)."""
    if v is None:
        return "{}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_doc(doc: dict[str, Any]) -> str:
    return "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in doc.items())


def paths_in(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a nested document (to choose where to change a value)."""
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths_in(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths_in(v, (*prefix, i))
    return out


def replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        return {**doc, head: replaced(doc[head], rest, value)}
    copy_ = list(doc)
    copy_[head] = replaced(doc[head], rest, value)
    return copy_


def mutate(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
    """Apply byte-level edits: (kind, position, bytes): 0 overwrite, 1 insert, 2 delete, 3 truncate."""
    buf = bytearray(data)
    for kind, pos, chunk in ops:
        at = pos % (len(buf) + 1)
        if kind == 0:
            buf[at : at + len(chunk)] = chunk
        elif kind == 1:
            buf[at:at] = chunk
        elif kind == 2:
            del buf[at : at + 1 + len(chunk) * 8]
        else:
            del buf[at:]
    return bytes(buf)


byte_ops = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)), min_size=1, max_size=4
)


def only_input_errors(call: Any, *args: Any) -> Any:
    """Run ``call``; an InputError is a fine answer (and must be one line); anything else fails the test."""
    try:
        return call(*args)
    except InputError as exc:
        assert "\n" not in exc.line()
        return None


# ----------------------------------------------------------------------------- the readers' entry point


@FAST
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".jsonl", ".csv", ".json", ".eval", ".txt", ".ndjson"]))
def test_arbitrary_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"results{suffix}"
    path.write_bytes(data)
    only_input_errors(load_file, path)


@FAST
@given(value=json_values, suffix=st.sampled_from([".json", ".jsonl"]))
def test_arbitrary_json(tmp_path_factory: pytest.TempPathFactory, value: Any, suffix: str) -> None:
    path = tmp_path_factory.mktemp("json") / f"results{suffix}"
    path.write_text(json.dumps(value, allow_nan=True), encoding="utf-8")
    only_input_errors(load_file, path)


FIELDS = ["model", "task", "sample_id", "epoch", "score", "outcome", "latency_ms", "input_tokens", "output_tokens",
          "cached_input_tokens", "reasoning_tokens", "cost_usd", "response", "error"]  # fmt: skip
record = st.fixed_dictionaries(
    {"model": text, "task": text, "sample_id": text | numbers, "score": numbers | text},
    optional={f: scalars for f in FIELDS if f not in ("model", "task", "sample_id", "score")},
)


@FAST
@given(rows=st.lists(record, min_size=1, max_size=6))
def test_sample_shaped_jsonl_is_never_silently_shorter(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:  # type: ignore[type-arg]
    path = tmp_path_factory.mktemp("jsonl") / "samples.jsonl"
    path.write_text("".join(json.dumps(r, allow_nan=True) + "\n" for r in rows), encoding="utf-8")
    loaded = only_input_errors(load_file, path)
    if loaded is not None:  # every record became a row, or the file was refused
        _, table = loaded
        assert len(table) == len(rows)


@FAST
@given(unit=st.sampled_from(UNITS), ops=byte_ops)
def test_mutated_real_files(tmp_path_factory: pytest.TempPathFactory, unit: tuple[str, Path, str], ops: list) -> None:  # type: ignore[type-arg]
    _, source, name = unit
    copied = copy(source, tmp_path_factory.mktemp("unit"))
    f = damaged(copied, name)
    f.write_bytes(mutate(f.read_bytes(), ops))
    only_input_errors(load_paths, target(copied))


# ----------------------------------------------------------------------------- what people write


def _structured(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths_in(doc)))
        doc = replaced(doc, where, draw(json_values))
    return doc


@st.composite
def changed_toml(draw: st.DrawFn, original: Path) -> bytes:
    """A valid TOML document with values replaced, keys added, or its bytes mutated."""
    doc = tomllib.loads(original.read_text(encoding="utf-8"))
    how = draw(st.integers(0, 2))
    if how == 0:
        return toml_doc(_structured(draw, doc)).encode()
    if how == 1:
        return toml_doc({**doc, draw(text): draw(json_values)}).encode()
    return mutate(original.read_bytes(), draw(byte_ops))


@FAST
@given(data=changed_toml(PROFILE))
def test_profiles(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("profile") / "p.toml"
    path.write_bytes(data)
    only_input_errors(load_profile_file, path)


@FAST
@given(data=changed_toml(WORKSPACE))
def test_workspaces(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("ws")
    (folder / "advisor.toml").write_bytes(data)
    ws = only_input_errors(load_workspace, folder)
    if ws is not None:
        only_input_errors(ws.result_files)


@FAST
@given(data=changed_toml(SHEET))
def test_price_sheets(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("sheet") / "s.toml"
    path.write_bytes(data)
    only_input_errors(load_sheet, path)


SETTINGS = b'theme = "nord"\nweight_step = 0.5\ndebounce_ms = 40\nkeymap = {export-memo = "ctrl+e"}\n'


SETTING_KEYS = ["theme", "weight_step", "debounce_ms", "keymap", "export_dir", "memo_format", "bootstrap_resamples"]


@FAST
@given(ops=byte_ops, value=json_values, key=st.sampled_from(SETTING_KEYS))
def test_tui_settings_never_raise(
    tmp_path_factory: pytest.TempPathFactory,
    ops: list,
    value: Any,
    key: str,  # type: ignore[type-arg]
) -> None:
    from advisor.tui import settings as tui_settings

    folder = tmp_path_factory.mktemp("config")
    for data in (mutate(SETTINGS, ops), toml_doc({key: value}).encode()):
        (folder / tui_settings.SETTINGS_FILE).write_bytes(data)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(tui_settings.CONFIG_ENV, str(folder))
            loaded, problem = tui_settings.load_settings()  # a bad file is a message, never an exception
        assert isinstance(loaded, tui_settings.Settings)
        assert problem is None or isinstance(problem, str)


# ----------------------------------------------------------------------------- the memo snapshot

MEMO_TEXT = MEMO.read_text(encoding="utf-8")
SNAP_RAW = extract(MEMO_TEXT, "memo")
SNAP = json.loads(SNAP_RAW)


@FAST
@given(data=st.data())
def test_memo_snapshots(data: st.DataObject) -> None:
    """Changed values (re-signed, so the value checks are reached), or damaged bytes: parsed or one error."""
    if data.draw(st.booleans()):
        doc = _structured(data.draw, SNAP)
        doc["digest"] = canonical_digest(doc) if not _has_non_finite(doc) else doc.get("digest")
        text = MEMO_TEXT.replace(SNAP_RAW, json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=True))
    else:
        text = MEMO_TEXT.replace(SNAP_RAW, mutate(SNAP_RAW.encode(), data.draw(byte_ops)).decode("utf-8", "replace"))
    snap = only_input_errors(parse, text, "memo.md")
    if snap is not None:  # whatever was accepted holds no impossible value
        for m in snap.models.values():
            assert 0 <= m.score <= 1 + 1e-9 and m.n_samples >= 0
            assert m.cost_per_task_usd is None or math.isfinite(m.cost_per_task_usd) and m.cost_per_task_usd >= 0


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


def test_the_property_inputs_exist() -> None:
    """Guard: the files the properties start from are real (a moved fixture must not make them vacuous)."""
    for p in (PROFILE, SHEET, WORKSPACE, MEMO):
        assert p.is_file(), p
    assert len(UNITS) >= 10
    assert parse(MEMO_TEXT, "memo.md").pick is not None
